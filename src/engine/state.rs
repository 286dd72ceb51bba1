//! The state of one team's world, as ECS components on the team's entity.
//!
//! Every team is one entity; its world is split by concern into components (the organisation's
//! ground truth, the attacker's progress, the evidence, what the team knows, its staff, its
//! clock, its random generator, its event log). State is held in dense vectors indexed by the
//! scenario's typed ids, so a turn touches a few cache lines and a new team is a `clone()` of
//! a prepared [`TeamBundle`] (no re-parsing). All of it serializes canonically for the state
//! digest that replays and determinism tests compare.

use bevy::prelude::{Bundle, Component};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::event::Event;
pub use super::view::{InternetPaths, View};
use crate::scenario::model::{
    ActionId, AddressId, AlertId, Command, Findings, Privilege, Scenario, Target,
};

/// The state of one host.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostState {
    /// The attacker's foothold, if any.
    pub foothold: Option<Privilege>,
    /// The command channel controlling the foothold.
    pub c2: Option<AddressId>,
    /// Turn the current foothold was first gained (reset when the foothold is removed).
    pub compromised_at: Option<u32>,
    /// Whether the attacker ever held the host.
    pub ever_held: bool,
    /// Cut off the network by the team.
    pub isolated: bool,
    /// Encrypted by ransomware.
    pub encrypted: bool,
    /// Services down until the end of this turn (0: not disrupted).
    pub disrupted_until: u32,
    /// Vulnerabilities patched.
    pub patched: bool,
    /// Turn of the last forensic image.
    pub imaged_at: Option<u32>,
}

/// The state of one account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountState {
    /// The attacker holds valid credentials (reset revokes them).
    pub stolen: bool,
    /// The attacker ever held credentials.
    pub ever_stolen: bool,
    /// Disabled by the team.
    pub disabled: bool,
}

/// The organisation as it really is (ground truth, hidden from the team).
#[derive(Component, Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assets {
    /// Per host.
    pub hosts: Vec<HostState>,
    /// Per account.
    pub accounts: Vec<AccountState>,
    /// Per data set: turn it was exfiltrated.
    pub exfiltrated: Vec<Option<u32>>,
    /// Per data set: lost (encrypted host rebuilt without backup).
    pub lost: Vec<bool>,
    /// Per segment: isolated by the team.
    pub segments_isolated: Vec<bool>,
    /// Per address: blocked by the team.
    pub blocked: Vec<bool>,
    /// Per mitigation: switched on.
    pub mitigated: Vec<bool>,
    /// Per business function: down at the end of the last turn.
    pub functions_down: Vec<bool>,
    /// Per business function: the last turn it is stopped by a decision (an answer's `Stop`
    /// effect). Empty until such a decision is taken, and then left out of the digest's
    /// encoding no more than any other part: empty, it encodes to nothing, so the digests of
    /// sessions that never stop a function are those of earlier versions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stopped_until: Vec<u32>,
    /// Per data set: a copy deleted by a mitigation's `removes`. Empty until one is (as
    /// `stopped_until`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<bool>,
    /// The hosts the attacker holds (a foothold), in order: an index of the hosts' `foothold`,
    /// kept by [`Assets::gain_foothold`] and [`Assets::remove_foothold`], so that asking
    /// whether the attacker is contained visits its footholds, not every host. Not encoded
    /// (the hosts themselves are).
    #[serde(skip)]
    pub held: Vec<crate::scenario::model::HostId>,
}

impl Assets {
    /// The attacker holds `h` with at least `level` (a higher privilege held is kept).
    /// Returns the privilege now held.
    pub fn gain_foothold(
        &mut self,
        h: crate::scenario::model::HostId,
        level: crate::scenario::model::Privilege,
    ) -> crate::scenario::model::Privilege {
        let host = &mut self.hosts[h.index()];
        let now = host.foothold.map_or(level, |l| l.max(level));
        host.foothold = Some(now);
        if let Err(at) = self.held.binary_search(&h) {
            self.held.insert(at, h);
        }
        now
    }

    /// Whether a copy of data set `d` has been deleted by a mitigation's `removes`.
    pub fn is_removed(&self, d: crate::scenario::model::DataSetId) -> bool {
        self.removed.get(d.index()).is_some_and(|r| *r)
    }

    /// The attacker loses `h` (its command channel with it). Returns whether it held it.
    pub fn remove_foothold(&mut self, h: crate::scenario::model::HostId) -> bool {
        let host = &mut self.hosts[h.index()];
        if host.foothold.take().is_none() {
            return false;
        }
        host.c2 = None;
        if let Ok(at) = self.held.binary_search(&h) {
            self.held.remove(at);
        }
        true
    }
}

/// The attacker's progress (ground truth).
#[derive(Component, Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attacker {
    /// Per stage: turn it (first) happened.
    pub done: Vec<Option<u32>>,
    /// Per stage: times it happened (repeating stages count up).
    pub times: Vec<u32>,
    /// Per stage: an alternative enabled by a reaction.
    pub enabled: Vec<bool>,
    /// Per stage: given up.
    pub abandoned: Vec<bool>,
    /// Per stage: blocked at the last attempt.
    pub blocked: Vec<bool>,
    /// Per stage: its reactions have fired.
    pub reacted: Vec<bool>,
    /// The attacker is quiet up to and including this turn.
    pub dormant_until: u32,
    /// Turn of the attacker's first foothold anywhere.
    pub first_foothold: Option<u32>,
    /// Turn a goal stage happened.
    pub goal_at: Option<u32>,
    /// Whether the attacker was contained at the end of the last turn.
    pub contained: bool,
    /// Whether the attacker held no host at the end of the last turn.
    pub evicted: bool,
}

/// Per trace: what exists and what has been found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceState {
    /// Turn it was (last) left.
    pub left_at: Option<u32>,
    /// Still there to be found (not destroyed).
    pub present: bool,
    /// Turn the team found or triaged it.
    pub found_at: Option<u32>,
}

/// The evidence the attacker left (ground truth of what could be found).
#[derive(Component, Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Per trace.
    pub traces: Vec<TraceState>,
}

/// An alert in the team's inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxAlert {
    /// Which alert.
    pub alert: AlertId,
    /// Turn it was raised.
    pub turn: u32,
}

/// What the team believes about a host.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostKnowledge {
    /// An untriaged alert names it.
    pub suspicious: bool,
    /// The team has confirmed a compromise (a true alert, evidence, a revealing trace).
    pub confirmed: bool,
    /// Turn it was last rebuilt (reimaged or restored).
    pub rebuilt_at: Option<u32>,
}

/// A running SHA-256 over an append-only list: each item's canonical encoding is folded in as
/// it is appended, so the list is committed to in the state digest at a constant cost per
/// turn however long it grows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fold {
    /// Items folded in.
    pub len: u64,
    /// SHA-256 of the previous value and the new item's encoding (all zeros when empty).
    pub hash: [u8; 32],
}

impl Fold {
    /// Folds one item in.
    pub fn push<T: Serialize>(&mut self, item: &T) {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(self.hash);
        // Items are small: encoded on the stack, without an allocation.
        let mut small = [0u8; 64];
        match postcard::to_slice(item, &mut small) {
            Ok(bytes) => h.update(bytes),
            Err(_) => h.update(postcard::to_allocvec(item).expect("engine state serializes")),
        }
        self.hash = h.finalize().into();
        self.len += 1;
    }
}

/// A message the facilitator sent the team during a drill (not part of the scenario).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacilitatorMessage {
    /// Its number in the drill (the same message sent to several teams has one number).
    pub number: u32,
    /// The text, as the facilitator wrote it.
    pub text: String,
    /// A question to answer, with its choices, if it asks one.
    pub question: Option<FacilitatorQuestion>,
    /// The turn it arrived after (the team's last turn played then).
    pub turn: u32,
    /// The choice the team replied with, and the turn of the reply.
    pub reply: Option<(usize, u32)>,
}

/// A facilitator's question: unscored; the replies are shown to the facilitator and in the
/// reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacilitatorQuestion {
    /// The question.
    pub prompt: String,
    /// The choices, in the order shown.
    pub choices: Vec<String>,
}

/// What the team knows and has done (visible to the team).
#[derive(Component, Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Knowledge {
    /// Alerts raised, oldest first. Append only, through [`Knowledge::push_alert`]: the state
    /// digest commits to it through its running hash (a [`Fold`], computed by the digest as
    /// the list grows, and only when a digest is asked for).
    #[serde(skip)]
    pub alerts: Vec<InboxAlert>,
    /// Per trace id then noise id (see [`Knowledge::alert_slot`]): turn triaged.
    pub triaged: Vec<Option<u32>>,
    /// Per trace id then noise id: seen at least once.
    pub seen: Vec<bool>,
    /// Per inject: turn delivered.
    pub delivered: Vec<Option<u32>>,
    /// Per inject: when it is due (trigger held plus delay).
    pub due: Vec<Option<u32>>,
    /// Per inject: the answer and its turn.
    pub answers: Vec<Option<(usize, u32)>>,
    /// Per inject: its question expired unanswered.
    pub expired: Vec<bool>,
    /// Per stakeholder: turn first notified.
    pub notified: Vec<Option<u32>>,
    /// Per action: times completed.
    pub completed: Vec<u32>,
    /// The last findings report and its turn.
    pub findings: Option<(Findings, u32)>,
    /// Per hint: turn taken.
    pub hints: Vec<Option<u32>>,
    /// Per address: known to the team.
    pub known_addresses: Vec<bool>,
    /// Per account: flagged as compromised by what the team found.
    pub flagged_accounts: Vec<bool>,
    /// Per host.
    pub hosts: Vec<HostKnowledge>,
    /// Turn the team first confirmed a compromise.
    pub detected_at: Option<u32>,
    /// Per notification rule: turn its clock started, and its due turn.
    pub rule_due: Vec<Option<(u32, u32)>>,
    /// Per notification rule: kept (notified by the due turn).
    pub rule_kept: Vec<bool>,
    /// Per notification rule: missed.
    pub rule_missed: Vec<bool>,
    /// Per hint: given free of charge by the facilitator.
    pub hints_granted: Vec<bool>,
    /// Messages from the facilitator, oldest first.
    pub messages: Vec<FacilitatorMessage>,
}

impl Knowledge {
    /// Adds an alert to the inbox.
    pub fn push_alert(&mut self, alert: InboxAlert) {
        self.alerts.push(alert);
    }

    /// Index of an alert in the `triaged`/`seen` vectors: traces first, then noise.
    pub fn alert_slot(s: &Scenario, alert: AlertId) -> usize {
        match alert {
            AlertId::Trace(t) => t.index(),
            AlertId::Noise(n) => s.traces.len() + n.index(),
        }
    }
}

/// An action in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// The action.
    pub action: ActionId,
    /// Its target.
    pub target: Target,
    /// Turn it started.
    pub started: u32,
    /// Turns still to run, this one included.
    pub remaining: u32,
}

/// The team's staff: effort and work in progress.
#[derive(Component, Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staff {
    /// Effort added by completed actions (outside help), from the turn after.
    pub bonus: u32,
    /// Effort left in the current turn.
    pub left: u32,
    /// Actions in progress, in start order.
    pub tasks: Vec<Task>,
    /// Commands submitted for the next turn.
    #[serde(skip)]
    pub pending: Vec<Command>,
}

/// How a session ended for a team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ending {
    /// Win or loss.
    pub outcome: crate::scenario::model::Outcome,
    /// Why.
    pub reason: EndReason,
    /// The last turn played.
    pub turn: u32,
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// The team's win condition held.
    TeamWon,
    /// The attacker reached a goal stage.
    AdversaryGoal,
    /// The last turn passed.
    TimeLimit,
}

/// The team's clock.
#[derive(Component, Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    /// The last turn played (0 before the first).
    pub turn: u32,
    /// Set for teams the current step advances.
    #[serde(skip)]
    pub stepping: bool,
    /// Set once the session has ended for this team.
    pub ended: Option<Ending>,
}

/// The team world's random generator: every roll of the turn comes from it, in a fixed order
/// (one per stage, then one per noise source, every turn), so teams with the same seed face
/// the same dice whatever they do.
#[derive(Component, Debug)]
pub struct TeamRng(pub ChaCha8Rng);

impl Clone for TeamRng {
    /// An exact copy: same seed, stream and position, so both copies produce the same rolls.
    fn clone(&self) -> Self {
        let mut rng = ChaCha8Rng::from_seed(self.0.get_seed());
        rng.set_stream(self.0.get_stream());
        rng.set_word_pos(self.0.get_word_pos());
        Self(rng)
    }
}

impl TeamRng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Self(ChaCha8Rng::seed_from_u64(seed))
    }
}

/// Room made for a new team's events: a short game's, so that it is not reallocated as they
/// come (a random game of a shipped scenario holds 34–194).
const EVENTS_RESERVED: usize = 256;

/// Every event of this team, in order.
#[derive(Component, Debug, Clone, Default)]
pub struct EventLog {
    /// The events.
    pub events: Vec<Event>,
}

/// A team's index in its session (stable; replays name teams by it and by name).
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TeamIndex(pub u32);

/// Everything a team's entity starts with.
#[derive(Bundle, Clone)]
pub struct TeamBundle {
    /// Ground truth of the organisation.
    pub assets: Assets,
    /// The attacker.
    pub attacker: Attacker,
    /// Evidence.
    pub evidence: Evidence,
    /// The team's knowledge.
    pub knowledge: Knowledge,
    /// The team's staff.
    pub staff: Staff,
    /// The clock.
    pub clock: Clock,
    /// The generator.
    pub rng: TeamRng,
    /// The events.
    pub log: EventLog,
}

impl TeamBundle {
    /// The starting state of a team in `s` (the generator is re-seeded per team).
    pub fn prepare(s: &Scenario) -> Self {
        let alerts = s.traces.len() + s.noise.len();
        Self {
            assets: Assets {
                hosts: vec![HostState::default(); s.hosts.len()],
                accounts: vec![AccountState::default(); s.accounts.len()],
                exfiltrated: vec![None; s.data_sets.len()],
                lost: vec![false; s.data_sets.len()],
                segments_isolated: vec![false; s.segments.len()],
                blocked: vec![false; s.addresses.len()],
                mitigated: vec![false; s.mitigations.len()],
                functions_down: vec![false; s.functions.len()],
                stopped_until: Vec::new(),
                removed: Vec::new(),
                held: Vec::new(),
            },
            attacker: Attacker {
                contained: true,
                evicted: true,
                done: vec![None; s.stages.len()],
                times: vec![0; s.stages.len()],
                enabled: vec![false; s.stages.len()],
                abandoned: vec![false; s.stages.len()],
                blocked: vec![false; s.stages.len()],
                reacted: vec![false; s.stages.len()],
                ..Attacker::default()
            },
            evidence: Evidence {
                traces: vec![TraceState::default(); s.traces.len()],
            },
            knowledge: Knowledge {
                triaged: vec![None; alerts],
                seen: vec![false; alerts],
                delivered: vec![None; s.injects.len()],
                due: vec![None; s.injects.len()],
                answers: vec![None; s.injects.len()],
                expired: vec![false; s.injects.len()],
                notified: vec![None; s.stakeholders.len()],
                completed: vec![0; s.actions.len()],
                hints: vec![None; s.hints.len()],
                // The organisation's own addresses are known from the start.
                known_addresses: s
                    .addresses
                    .iter()
                    .map(|(_, a)| {
                        matches!(
                            a.owner,
                            crate::scenario::model::AddressOwner::Legitimate { .. }
                        )
                    })
                    .collect(),
                flagged_accounts: vec![false; s.accounts.len()],
                hosts: vec![HostKnowledge::default(); s.hosts.len()],
                rule_due: vec![None; s.notifications.len()],
                rule_kept: vec![false; s.notifications.len()],
                rule_missed: vec![false; s.notifications.len()],
                hints_granted: vec![false; s.hints.len()],
                ..Knowledge::default()
            },
            staff: Staff::default(),
            clock: Clock::default(),
            rng: TeamRng::new(0),
            log: EventLog::default(),
        }
    }

    /// A copy for a team with this seed.
    pub fn for_seed(&self, seed: u64) -> Self {
        let mut bundle = self.clone();
        bundle.rng = TeamRng::new(seed);
        bundle.log.events.reserve(EVENTS_RESERVED);
        bundle
    }
}
