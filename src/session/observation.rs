//! What a team sees: its inbox, its network as it knows it, its evidence, effort, tasks,
//! deadlines and score so far. Never the attacker's ground truth (which stages happened,
//! which hosts are really compromised), except what the team has found out.

use serde::Serialize;

use super::Session;
use crate::engine::TeamId;
use crate::engine::event::{EventKind, Refusal};
use crate::engine::state::{Ending, Knowledge};
use crate::scenario::model::{
    AccountId, ActionId, AddressId, AlertId, Command, EntryId, Findings, FunctionId, HintId,
    HostId, InjectId, MitigationId, RuleId, SegmentId, StakeholderId, Target, TraceId,
};
use crate::scoring::Scorecard;

/// A team's view of the session.
#[derive(Debug, Clone, Serialize)]
pub struct Observation {
    /// The team's name.
    pub team: String,
    /// The last turn played (0 before the first).
    pub turn: u32,
    /// The last turn of the session.
    pub max_turns: u32,
    /// In-game minutes elapsed.
    pub minutes: u32,
    /// How the session ended, if it has.
    pub ended: Option<Ending>,
    /// Effort per turn (base plus outside help).
    pub effort_per_turn: u32,
    /// Effort free for the next turn.
    pub effort_available: u32,
    /// Alerts and messages, newest first.
    pub inbox: Vec<InboxItem>,
    /// Every host, with what the team knows of it.
    pub hosts: Vec<HostView>,
    /// Isolated segments.
    pub isolated_segments: Vec<SegmentId>,
    /// Accounts the team has flagged or disabled.
    pub accounts: Vec<AccountView>,
    /// Outside addresses the team knows.
    pub addresses: Vec<AddressView>,
    /// Mitigations switched on.
    pub mitigations: Vec<MitigationId>,
    /// Business functions that are down.
    pub functions_down: Vec<FunctionId>,
    /// Evidence found, oldest first.
    pub evidence: Vec<(TraceId, u32)>,
    /// Actions in progress.
    pub tasks: Vec<TaskView>,
    /// Notification deadlines that have started.
    pub deadlines: Vec<DeadlineView>,
    /// Stakeholders notified, with the turn.
    pub notified: Vec<(StakeholderId, u32)>,
    /// Hints taken (or granted), with the turn.
    pub hints: Vec<(HintId, u32)>,
    /// Hints the facilitator gave free of charge.
    pub granted_hints: Vec<HintId>,
    /// The last findings report.
    pub findings: Option<(Findings, u32)>,
    /// The findings form's entry vectors in the order they are shown to this team.
    pub entry_order: Vec<EntryId>,
    /// The findings form's root causes, in the order shown to this team.
    pub root_cause_order: Vec<crate::scenario::model::RootCauseId>,
    /// Commands refused in the last turn, with why.
    pub refused: Vec<(Command, Refusal)>,
    /// Commands queued for the next turn.
    pub queued: Vec<Command>,
    /// The score so far.
    pub score: Scorecard,
}

/// An inbox entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InboxItem {
    /// An alert.
    Alert {
        /// Which.
        alert: AlertId,
        /// The host it concerns.
        host: HostId,
        /// Turn raised.
        turn: u32,
        /// Triage verdict (true: malicious), once triaged.
        verdict: Option<bool>,
    },
    /// A message (inject).
    Message {
        /// Which.
        inject: InjectId,
        /// Turn delivered.
        turn: u32,
        /// The answer given, if any.
        answer: Option<usize>,
        /// The question can no longer be answered.
        expired: bool,
        /// The last turn an answer can be played in, if the question has a time limit.
        answer_by: Option<u32>,
        /// The order the question's choices are shown in (indices into the scenario's
        /// choices; see [`Session::choice_order`]); empty if it asks no question.
        order: Vec<usize>,
    },
    /// A message from the facilitator (drills only).
    Facilitator {
        /// Its number in the drill.
        number: u32,
        /// Turn it arrived after.
        turn: u32,
        /// The text.
        text: String,
        /// Its question, if it asks one (unscored).
        question: Option<crate::engine::state::FacilitatorQuestion>,
        /// The choice replied with, if any.
        reply: Option<usize>,
    },
}

impl InboxItem {
    /// Turn it arrived.
    pub fn turn(&self) -> u32 {
        match self {
            InboxItem::Alert { turn, .. }
            | InboxItem::Message { turn, .. }
            | InboxItem::Facilitator { turn, .. } => *turn,
        }
    }
}

/// What the team can say about a host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HostStatus {
    /// Nothing known against it.
    Normal,
    /// An untriaged alert names it.
    Suspicious,
    /// Confirmed compromised.
    Compromised,
    /// Rebuilt since any compromise.
    Rebuilt,
}

/// A host as the team knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostView {
    /// The host.
    pub host: HostId,
    /// What the team believes.
    pub status: HostStatus,
    /// Cut off by the team (itself or its segment).
    pub isolated: bool,
    /// A rebuild or patch is running.
    pub busy: bool,
    /// Encrypted (ransomware is hard to miss).
    pub encrypted: bool,
    /// Its services are down (disrupted or encrypted).
    pub down: bool,
    /// Forensically imaged since its last rebuild.
    pub imaged: bool,
    /// Patched.
    pub patched: bool,
}

/// An account the team has reason to watch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountView {
    /// The account.
    pub account: AccountId,
    /// Evidence shows it compromised.
    pub flagged: bool,
    /// Disabled.
    pub disabled: bool,
}

/// An outside address the team knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddressView {
    /// The address.
    pub address: AddressId,
    /// Blocked.
    pub blocked: bool,
}

/// An action in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskView {
    /// The action.
    pub action: ActionId,
    /// Its target.
    pub target: Target,
    /// Turn started.
    pub started: u32,
    /// Turns still to run.
    pub remaining: u32,
}

/// A running notification deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadlineView {
    /// The rule.
    pub rule: RuleId,
    /// The last turn to notify in.
    pub due: u32,
    /// Kept.
    pub kept: bool,
    /// Missed.
    pub missed: bool,
}

impl Observation {
    /// What `team` of `session` sees now.
    pub(crate) fn of(session: &Session, team: TeamId) -> Self {
        let v = session.view(team);
        let s = v.s;
        let k = v.knowledge;
        let a = v.assets;
        let turn = v.clock.turn;

        let mut inbox: Vec<InboxItem> = k
            .alerts
            .iter()
            .map(|x| {
                let slot = Knowledge::alert_slot(s, x.alert);
                InboxItem::Alert {
                    alert: x.alert,
                    host: crate::engine::phases::alert_host(s, x.alert),
                    turn: x.turn,
                    verdict: k.triaged[slot].map(|_| matches!(x.alert, AlertId::Trace(_))),
                }
            })
            .collect();
        for (id, _) in s.injects.iter() {
            if let Some(at) = k.delivered[id.index()] {
                inbox.push(InboxItem::Message {
                    inject: id,
                    turn: at,
                    answer: k.answers[id.index()].map(|(c, _)| c),
                    expired: k.expired[id.index()],
                    answer_by: s.injects[id]
                        .question
                        .as_ref()
                        .and_then(|q| q.answer_within)
                        .map(|within| at + within),
                    order: session.choice_order(team, id),
                });
            }
        }
        for m in &k.messages {
            inbox.push(InboxItem::Facilitator {
                number: m.number,
                turn: m.turn,
                text: m.text.clone(),
                question: m.question.clone(),
                reply: m.reply.map(|(c, _)| c),
            });
        }
        // Newest first; within a turn, messages before alerts, then in arrival order.
        inbox.reverse();
        inbox.sort_by_key(|item| std::cmp::Reverse(item.turn()));

        let hosts = s
            .hosts
            .ids()
            .map(|h| {
                let state = &a.hosts[h.index()];
                let know = &k.hosts[h.index()];
                let status = if know.confirmed {
                    HostStatus::Compromised
                } else if know.suspicious {
                    HostStatus::Suspicious
                } else if know.rebuilt_at.is_some() {
                    HostStatus::Rebuilt
                } else {
                    HostStatus::Normal
                };
                HostView {
                    host: h,
                    status,
                    isolated: state.isolated || a.segments_isolated[s.hosts[h].segment.index()],
                    busy: v.rebuilding(h),
                    encrypted: state.encrypted,
                    down: state.encrypted || state.disrupted_until >= turn.max(1),
                    imaged: state.imaged_at.is_some(),
                    patched: state.patched,
                }
            })
            .collect();

        let last_refused = session
            .events(team)
            .iter()
            .rev()
            .take_while(|e| e.turn == turn)
            .filter_map(|e| match &e.kind {
                EventKind::Refused { command, reason } => Some((command.clone(), reason.clone())),
                _ => None,
            })
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();

        Observation {
            team: session.team_names()[team.0].clone(),
            turn,
            max_turns: s.max_turns,
            minutes: turn * s.minutes_per_turn,
            ended: v.clock.ended,
            effort_per_turn: s.effort_per_turn.saturating_add(v.staff.bonus),
            effort_available: session.effort_available(team),
            inbox,
            hosts,
            isolated_segments: s
                .segments
                .ids()
                .filter(|x| a.segments_isolated[x.index()])
                .collect(),
            accounts: s
                .accounts
                .ids()
                .filter(|x| k.flagged_accounts[x.index()] || a.accounts[x.index()].disabled)
                .map(|x| AccountView {
                    account: x,
                    flagged: k.flagged_accounts[x.index()],
                    disabled: a.accounts[x.index()].disabled,
                })
                .collect(),
            addresses: s
                .addresses
                .ids()
                .filter(|x| k.known_addresses[x.index()])
                .map(|x| AddressView {
                    address: x,
                    blocked: a.blocked[x.index()],
                })
                .collect(),
            mitigations: s
                .mitigations
                .ids()
                .filter(|m| a.mitigated[m.index()])
                .collect(),
            functions_down: s
                .functions
                .ids()
                .filter(|f| a.functions_down[f.index()])
                .collect(),
            evidence: {
                let mut found: Vec<(TraceId, u32)> = s
                    .traces
                    .ids()
                    .filter_map(|t| v.evidence.traces[t.index()].found_at.map(|at| (t, at)))
                    .collect();
                found.sort_by_key(|&(t, at)| (at, t));
                found
            },
            tasks: v
                .staff
                .tasks
                .iter()
                .map(|t| TaskView {
                    action: t.action,
                    target: t.target.clone(),
                    started: t.started,
                    remaining: t.remaining,
                })
                .collect(),
            deadlines: s
                .notifications
                .ids()
                .filter_map(|r| {
                    k.rule_due[r.index()].map(|(_, due)| DeadlineView {
                        rule: r,
                        due,
                        kept: k.rule_kept[r.index()],
                        missed: k.rule_missed[r.index()],
                    })
                })
                .collect(),
            notified: s
                .stakeholders
                .ids()
                .filter_map(|x| k.notified[x.index()].map(|t| (x, t)))
                .collect(),
            hints: s
                .hints
                .ids()
                .filter_map(|h| k.hints[h.index()].map(|t| (h, t)))
                .collect(),
            granted_hints: s
                .hints
                .ids()
                .filter(|h| k.hints_granted[h.index()])
                .collect(),
            findings: k.findings.clone(),
            entry_order: session.entry_order(team),
            root_cause_order: session.root_cause_order(team),
            refused: last_refused,
            queued: session.queued(team).to_vec(),
            score: session.scorecard(team),
        }
    }
}
