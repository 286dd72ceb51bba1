//! The session API: the only way front-ends (CLI, terminal UI, server, window) drive the
//! engine. Actions in; observations, events and scorecards out.
//!
//! A session is one scenario, one seed and one or more named teams. Every team's world starts
//! from the same seed, so with the same actions every team meets the same incident. Teams
//! advance together ([`Session::advance`]) or one at a time in self-paced solo mode
//! ([`Session::advance_team`]).

pub mod balance;
pub mod bots;
pub mod observation;
pub mod order;
pub mod preview;
pub mod proof;

use std::io::Write;
use std::sync::Arc;

use crate::engine::event::{Event, Refusal};
use crate::engine::state::{Ending, FacilitatorQuestion, View};
use crate::engine::{Engine, Intervention, NewMessage, TeamId};
use crate::replay::record::{Entry, FacilitatorRecord, SealReason, TurnRecord};
use crate::replay::{Header, Log, Recorder, ReplayError};
use crate::scenario::Scenario;
use crate::scenario::model::{ActionId, Command, EntryId, Id, InjectId, Target};
use crate::scenario::raw::RawCommand;
use crate::scenario::validate::{CommandError, resolve_command};
use crate::scoring::{self, Scorecard};
pub use observation::Observation;
pub use preview::Preview;

/// Why a session request failed. (A trainee's illegal action is not an error: it is refused
/// as an event of the turn; see [`Refusal`].)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// No team was given.
    #[error("a session needs at least one team")]
    NoTeams,
    /// A team name is empty or used twice.
    #[error("team name `{0}` is empty or used twice")]
    BadTeamName(String),
    /// The team does not exist.
    #[error("there is no team {0}")]
    NoSuchTeam(usize),
    /// The team's session is over.
    #[error("the session is over for this team")]
    Over,
    /// A written command does not fit the scenario.
    #[error("{0}")]
    Command(#[from] CommandError),
    /// The replay log could not be written; the turn was played and the session goes on,
    /// but the log stops here.
    #[error("the replay log could not be written (it stops before this turn): {0}")]
    Record(String),
    /// A member name is empty or too long.
    #[error("a member's name must have 1 to {MAX_NAME} characters")]
    BadMemberName,
    /// There is no queued command at this position.
    #[error("there is no queued command {0}")]
    NoSuchQueued(usize),
    /// A hint, once taken, has been read: it cannot be given back.
    #[error("a hint cannot be taken back: it has already been shown")]
    HintShown,
    /// The facilitator's intervention cannot apply to this team now.
    #[error("{}", .0.explain())]
    Refused(Refusal),
    /// The log has been sealed: nothing more can happen in this session.
    #[error("the session's log is sealed")]
    Sealed,
    /// A command names something the scenario does not have (an answer choice out of range,
    /// an id from another scenario); nothing was queued.
    #[error("{0}")]
    BadCommand(String),
}

/// The longest team or member name, in characters.
pub const MAX_NAME: usize = 40;

/// One running session.
pub struct Session {
    engine: Engine,
    seed: u64,
    names: Vec<String>,
    /// Per team: the members who joined, in order.
    members: Vec<Vec<String>>,
    /// Per team: who queued each pending command (parallel to the engine's queue).
    queued_by: Vec<Vec<Option<String>>>,
    history: Vec<Entry>,
    recorder: Option<Recorder>,
    sealed: bool,
    /// The number the next facilitator's message gets.
    next_message: u32,
}

impl Session {
    /// Starts a session of `scenario` for the named teams, all seeded with `seed`.
    pub fn new(scenario: Arc<Scenario>, seed: u64, teams: &[&str]) -> Result<Self, SessionError> {
        if teams.is_empty() {
            return Err(SessionError::NoTeams);
        }
        let mut names: Vec<String> = Vec::new();
        for name in teams {
            let name = name.trim();
            if name.is_empty()
                || name.chars().count() > MAX_NAME
                || name.chars().any(char::is_control)
                || names.iter().any(|n| n == name)
            {
                return Err(SessionError::BadTeamName(name.to_owned()));
            }
            names.push(name.to_owned());
        }
        let mut engine = Engine::new(scenario);
        for _ in &names {
            engine.add_team(seed);
        }
        let n = names.len();
        Ok(Self {
            engine,
            seed,
            names,
            members: vec![Vec::new(); n],
            queued_by: vec![Vec::new(); n],
            history: Vec::new(),
            recorder: None,
            sealed: false,
            next_message: 1,
        })
    }

    /// A session in the state after turn `turn` of a log (every team), re-simulated and
    /// checked line by line; it continues from there with new decisions. The log's scenario
    /// must be `scenario` (see [`crate::replay::verify::scenario_for`]).
    pub fn from_log(scenario: Arc<Scenario>, log: &Log, turn: u32) -> Result<Self, ReplayError> {
        let last = log.last_turn();
        if turn > last {
            return Err(ReplayError::BranchTurn { turn, last });
        }
        let resim = crate::replay::verify::resimulate(log, &scenario, Some(turn))?;
        Ok(Self::from_resimulated(resim, log))
    }

    fn from_resimulated(resim: crate::replay::verify::Resimulated, log: &Log) -> Self {
        let header = &log.header.value;
        let n = header.teams.len();
        let mut members = vec![Vec::new(); n];
        let mut next_message = 1;
        for entry in &resim.history {
            match entry {
                Entry::Member { team, name } if !members[*team].contains(name) => {
                    members[*team].push(name.clone());
                }
                Entry::Facilitator(FacilitatorRecord {
                    act: Intervention::Message(m),
                    ..
                }) => next_message = next_message.max(m.number + 1),
                _ => {}
            }
        }
        Self {
            engine: resim.engine,
            seed: header.seed,
            names: header.teams.clone(),
            members,
            queued_by: vec![Vec::new(); n],
            history: resim.history,
            recorder: None,
            sealed: resim.sealed.is_some(),
            next_message,
        }
    }

    /// The session a whole log records, re-simulated and checked line by line, recording on
    /// into `out` (the same file, opened for appending, its last line complete): how a drill
    /// comes back after the server stopped. A sealed log gives a sealed session.
    pub fn resume(
        scenario: Arc<Scenario>,
        log: &Log,
        out: Box<dyn Write + Send>,
    ) -> Result<Self, ReplayError> {
        let resim = crate::replay::verify::resimulate(log, &scenario, None)?;
        let mut session = Self::from_resimulated(resim, log);
        let header = crate::replay::record::sha256_hex(&log.header.bytes);
        let prev = log.entries.last().map_or_else(
            || header.clone(),
            |l| crate::replay::record::sha256_hex(&l.bytes),
        );
        session.recorder = Some(Recorder::resume(out, prev, header, session.sealed));
        Ok(session)
    }

    /// Starts recording the session to `out`: the header, every turn played so far (a branched
    /// session's history), then each turn as it is played, flushed line by line. A session
    /// that played turns unrecorded cannot start a log (their state digests were never
    /// computed): start recording before the first turn, or branch from a log.
    pub fn record_to(
        &mut self,
        out: Box<dyn Write + Send>,
        header: Header,
    ) -> Result<(), SessionError> {
        let undigested = self.history.iter().any(|e| match e {
            Entry::Turn(r) => r.digest.is_none(),
            Entry::Facilitator(r) => r.digest.is_none(),
            _ => false,
        });
        if undigested {
            return Err(SessionError::Record(
                "recording must start before the first turn: earlier turns were played without a log".into(),
            ));
        }
        // The log records the rules this session plays by (a branch of an older log keeps
        // playing by the older rules, so that its re-recorded lines still verify).
        let mut header = header;
        if header.format >= 2 {
            header.rules = Some(self.engine.rules());
        }
        let mut recorder =
            Recorder::start(out, header).map_err(|e| SessionError::Record(e.to_string()))?;
        for entry in &self.history {
            let events = match entry {
                Entry::Turn(r) => self.engine.events(TeamId(r.team)),
                Entry::Facilitator(r) => self.engine.events(TeamId(r.team)),
                _ => &[],
            };
            recorder
                .entry(self.engine.scenario(), entry, events)
                .map_err(|e| SessionError::Record(e.to_string()))?;
        }
        self.recorder = Some(recorder);
        Ok(())
    }

    /// Appends an entry to the history and the log (if recording). A failed write stops the
    /// log (the session goes on) and is returned.
    fn commit(&mut self, entry: Entry) -> Result<(), SessionError> {
        let mut failure = None;
        if let Some(recorder) = &mut self.recorder {
            let events = match &entry {
                Entry::Turn(r) => self.engine.events(TeamId(r.team)),
                Entry::Facilitator(r) => self.engine.events(TeamId(r.team)),
                _ => &[],
            };
            if let Err(e) = recorder.entry(self.engine.scenario(), &entry, events) {
                failure = Some(SessionError::Record(e.to_string()));
                self.recorder = None;
            }
        }
        self.history.push(entry);
        failure.map_or(Ok(()), Err)
    }

    /// Seals the log: nothing can happen in the session afterwards. The reason is
    /// `completed` when every team has ended, `closed` otherwise; `ended` is the wall-clock
    /// time to record (none for bot runs); `key` signs the seal.
    pub fn seal(
        &mut self,
        ended: Option<String>,
        key: Option<&ed25519_dalek::SigningKey>,
    ) -> Result<(), SessionError> {
        if self.sealed {
            return Err(SessionError::Sealed);
        }
        self.sealed = true;
        let reason = if self.is_over() {
            SealReason::Completed
        } else {
            SealReason::Closed
        };
        let turns = (0..self.names.len())
            .map(|t| self.engine.turn(TeamId(t)))
            .collect();
        if let Some(recorder) = &mut self.recorder {
            recorder
                .seal(reason, turns, ended, key)
                .map_err(|e| SessionError::Record(e.to_string()))?;
        }
        Ok(())
    }

    /// Whether the log has been sealed.
    pub fn is_sealed(&self) -> bool {
        self.sealed
    }

    /// Records that `name` joined the team (once per name); returns whether it is new.
    pub fn join(&mut self, team: TeamId, name: &str) -> Result<bool, SessionError> {
        self.valid(team)?;
        self.open()?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control)
        {
            return Err(SessionError::BadMemberName);
        }
        if self.members[team.0].iter().any(|m| m == name) {
            return Ok(false);
        }
        self.members[team.0].push(name.to_owned());
        self.commit(Entry::Member {
            team: team.0,
            name: name.to_owned(),
        })?;
        Ok(true)
    }

    /// The members of a team, in the order they joined.
    pub fn members(&self, team: TeamId) -> &[String] {
        &self.members[team.0]
    }

    /// Who queued each of the team's queued commands (`None`: nobody named).
    pub fn queued_by(&self, team: TeamId) -> &[Option<String>] {
        &self.queued_by[team.0]
    }

    fn open(&self) -> Result<(), SessionError> {
        if self.sealed {
            Err(SessionError::Sealed)
        } else {
            Ok(())
        }
    }

    /// Sends a facilitator's message (optionally with a question) to the given teams at once;
    /// returns its number. Teams that have ended are skipped.
    pub fn message(
        &mut self,
        teams: &[TeamId],
        text: &str,
        question: Option<FacilitatorQuestion>,
    ) -> Result<u32, SessionError> {
        self.open()?;
        for &t in teams {
            self.valid(t)?;
        }
        let number = self.next_message;
        self.next_message += 1;
        let act = Intervention::Message(NewMessage {
            number,
            text: text.to_owned(),
            question,
        });
        if let Some(r) = &mut self.recorder {
            r.hold();
        }
        let mut result = Ok(());
        for &team in teams {
            if self.engine.ending(team).is_some() {
                continue;
            }
            result = result.and(self.intervene(team, act.clone()));
        }
        if let Some(r) = &mut self.recorder
            && let Err(e) = r.release()
        {
            self.recorder = None;
            return Err(SessionError::Record(e.to_string()));
        }
        result.map(|()| number)
    }

    /// Applies a facilitator's intervention to one team now, and records it.
    pub fn intervene(&mut self, team: TeamId, act: Intervention) -> Result<(), SessionError> {
        self.valid(team)?;
        self.open()?;
        let start = self.engine.events(team).len();
        self.engine
            .intervene(team, &act)
            .map_err(SessionError::Refused)?;
        let record = FacilitatorRecord {
            team: team.0,
            turn: self.engine.turn(team),
            act,
            events: start..self.engine.events(team).len(),
            digest: self.line_digest(team),
        };
        self.commit(Entry::Facilitator(record))
    }

    /// Records an announcement to the whole room.
    pub fn announce(&mut self, text: &str) -> Result<(), SessionError> {
        self.open()?;
        self.commit(Entry::Announcement(text.to_owned()))
    }

    /// The team's state digest for the entry being committed: computed only when a log
    /// records it (nothing else reads it, and at thousands of hosts it is most of a turn's
    /// cost).
    fn line_digest(&self, team: TeamId) -> Option<[u8; 32]> {
        self.recorder.is_some().then(|| self.engine.digest(team))
    }

    /// Whether the session is being recorded.
    pub fn is_recording(&self) -> bool {
        self.recorder.is_some()
    }

    /// Everything recorded so far (turns, members, facilitator interventions,
    /// announcements), in order.
    pub fn history(&self) -> &[Entry] {
        &self.history
    }

    /// Every turn played, in order.
    pub fn turns(&self) -> impl Iterator<Item = &TurnRecord> {
        self.history.iter().filter_map(|e| match e {
            Entry::Turn(t) => Some(t),
            _ => None,
        })
    }

    /// Plays one turn for `teams`, recording it.
    fn step(&mut self, teams: &[TeamId]) -> Result<(), SessionError> {
        self.open()?;
        let before: Vec<(TeamId, Vec<Command>, Vec<String>, usize)> = teams
            .iter()
            .map(|&t| {
                let by = &mut self.queued_by[t.0];
                let named: Vec<String> = if !by.is_empty() && by.iter().all(Option::is_some) {
                    by.iter().flatten().cloned().collect()
                } else {
                    Vec::new()
                };
                by.clear();
                (
                    t,
                    self.engine.pending(t).to_vec(),
                    named,
                    self.engine.events(t).len(),
                )
            })
            .collect();
        self.engine.step(teams);
        // Every team's line of the turn, then one flush for them all.
        if let Some(r) = &mut self.recorder {
            r.hold();
        }
        let mut failure = None;
        for (team, actions, by, start) in before {
            let record = TurnRecord {
                team: team.0,
                turn: self.engine.turn(team),
                actions,
                by,
                events: start..self.engine.events(team).len(),
                digest: self.line_digest(team),
            };
            if let Err(e) = self.commit(Entry::Turn(record)) {
                failure = Some(e);
            }
        }
        if let Some(r) = &mut self.recorder
            && let Err(e) = r.release()
        {
            failure = Some(SessionError::Record(e.to_string()));
            self.recorder = None;
        }
        failure.map_or(Ok(()), Err)
    }

    /// The scenario.
    pub fn scenario(&self) -> &Arc<Scenario> {
        self.engine.scenario()
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Team names, in team order.
    pub fn team_names(&self) -> &[String] {
        &self.names
    }

    /// The team called `name`.
    pub fn team(&self, name: &str) -> Option<TeamId> {
        self.names.iter().position(|n| n == name).map(TeamId)
    }

    fn valid(&self, team: TeamId) -> Result<(), SessionError> {
        if team.0 < self.names.len() {
            Ok(())
        } else {
            Err(SessionError::NoSuchTeam(team.0))
        }
    }

    /// Read access to a team's whole world (ground truth included: for engine-side code,
    /// bots that cheat on purpose, and the debrief; front-ends show [`Session::observe`]).
    pub fn view(&self, team: TeamId) -> View<'_> {
        self.engine.view(team)
    }

    /// The engine's verdict on each queued command and the state they leave, as the turn's
    /// first phase will check them (see [`View::check_queue`]).
    pub fn queue_check(&self, team: TeamId) -> crate::engine::legality::Queue {
        self.engine
            .view(team)
            .check_queue(self.engine.pending(team))
    }

    /// Effort still free for the team's next turn, after what its running tasks and the
    /// queued commands the engine will accept take.
    pub fn effort_available(&self, team: TeamId) -> u32 {
        self.queue_check(team).left
    }

    /// Whether a command would be accepted next turn if queued after what is already queued:
    /// the engine's own check, against the state the queued commands leave.
    pub fn check(&self, team: TeamId, command: &Command) -> Result<(), Refusal> {
        let v = self.engine.view(team);
        v.check_queue(self.engine.pending(team)).check(&v, command)
    }

    /// Whether a command would be accepted next turn if queued after `queue` instead of what
    /// is queued now (to check a replacement before withdrawing what it replaces).
    pub fn check_after(
        &self,
        team: TeamId,
        queue: &[Command],
        command: &Command,
    ) -> Result<(), Refusal> {
        let v = self.engine.view(team);
        v.check_queue(queue).check(&v, command)
    }

    /// Targets an action may take next turn (see [`View::legal_targets`]), as the queued
    /// commands leave the world, minus those already queued.
    pub fn legal_targets(&self, team: TeamId, action: ActionId) -> Vec<Target> {
        let queued = self.engine.pending(team);
        let v = self.engine.view(team);
        let after = v.check_queue(queued);
        after
            .view(&v)
            .legal_targets(action)
            .into_iter()
            .filter(|t| {
                !queued.contains(&Command::Act {
                    action,
                    target: t.clone(),
                })
            })
            .collect()
    }

    /// Queues commands for the team's next turn. They are checked when the turn is played;
    /// refused ones become `Refused` events.
    pub fn submit(&mut self, team: TeamId, commands: Vec<Command>) -> Result<(), SessionError> {
        self.submit_by(team, commands, None)
    }

    /// Queues commands for the team's next turn on behalf of a member (recorded in the log
    /// beside each command).
    pub fn submit_by(
        &mut self,
        team: TeamId,
        commands: Vec<Command>,
        by: Option<&str>,
    ) -> Result<(), SessionError> {
        self.valid(team)?;
        self.open()?;
        if self.engine.ending(team).is_some() {
            return Err(SessionError::Over);
        }
        for c in &commands {
            fits(self.scenario(), c).map_err(SessionError::BadCommand)?;
        }
        let by = by.map(str::to_owned);
        self.queued_by[team.0].extend(std::iter::repeat_n(by, commands.len()));
        self.engine.submit(team, commands);
        Ok(())
    }

    /// Takes back one queued command (by its position in [`Session::queued`]).
    pub fn withdraw(&mut self, team: TeamId, index: usize) -> Result<Command, SessionError> {
        self.check_withdraw(team, index)?;
        let removed = self
            .engine
            .remove_pending(team, index)
            .ok_or(SessionError::NoSuchQueued(index))?;
        if index < self.queued_by[team.0].len() {
            self.queued_by[team.0].remove(index);
        }
        Ok(removed)
    }

    /// Whether the queued command at `index` may be taken back (a front-end that records the
    /// request first asks this before).
    pub fn check_withdraw(&self, team: TeamId, index: usize) -> Result<(), SessionError> {
        self.valid(team)?;
        match self.engine.pending(team).get(index) {
            None => Err(SessionError::NoSuchQueued(index)),
            // A hint is shown as soon as it is taken (its cost counts when the turn is
            // played): giving it back would make it free.
            Some(Command::Hint(_)) => Err(SessionError::HintShown),
            Some(_) => Ok(()),
        }
    }

    /// Resolves written commands (action files, network messages) and queues them; nothing is
    /// queued if any does not fit the scenario.
    pub fn submit_raw(
        &mut self,
        team: TeamId,
        commands: &[RawCommand],
    ) -> Result<(), SessionError> {
        let resolved = commands
            .iter()
            .map(|c| resolve_command(self.scenario(), c))
            .collect::<Result<Vec<_>, _>>()?;
        self.submit(team, resolved)
    }

    /// The commands queued for the team's next turn.
    pub fn queued(&self, team: TeamId) -> &[Command] {
        self.engine.pending(team)
    }

    /// Drops the team's queued commands.
    pub fn unqueue(&mut self, team: TeamId) {
        self.engine.clear_pending(team);
        self.queued_by[team.0].clear();
    }

    /// Plays one turn for every team that has not ended. The turn is always played; an error
    /// only says the replay log could not be written.
    pub fn advance(&mut self) -> Result<(), SessionError> {
        let teams: Vec<TeamId> = (0..self.names.len())
            .map(TeamId)
            .filter(|&t| self.engine.ending(t).is_none())
            .collect();
        self.step(&teams)
    }

    /// Plays one turn for one team (self-paced solo mode).
    pub fn advance_team(&mut self, team: TeamId) -> Result<(), SessionError> {
        self.valid(team)?;
        if self.engine.ending(team).is_some() {
            return Err(SessionError::Over);
        }
        self.step(&[team])
    }

    /// The last turn the team played.
    pub fn turn(&self, team: TeamId) -> u32 {
        self.engine.turn(team)
    }

    /// How the session ended for the team.
    pub fn ending(&self, team: TeamId) -> Option<Ending> {
        self.engine.ending(team)
    }

    /// Whether every team has ended.
    pub fn is_over(&self) -> bool {
        (0..self.names.len()).all(|t| self.engine.ending(TeamId(t)).is_some())
    }

    /// Every event of the team, ground truth included.
    pub fn events(&self, team: TeamId) -> &[Event] {
        self.engine.events(team)
    }

    /// The team's scorecard so far (final once it has ended).
    pub fn scorecard(&self, team: TeamId) -> Scorecard {
        scoring::score(
            self.scenario(),
            self.engine.events(team),
            self.engine.ending(team).is_some(),
        )
    }

    /// The order in which the team is shown an inject's answer choices: the choices'
    /// indices (in the scenario file), shuffled per team from the seed (see [`order`]).
    /// Empty if the inject asks no question.
    pub fn choice_order(&self, team: TeamId, inject: InjectId) -> Vec<usize> {
        let s = self.scenario();
        if inject.index() >= s.injects.len() {
            return Vec::new();
        }
        let n = s.injects[inject]
            .question
            .as_ref()
            .map_or(0, |q| q.choices.len());
        order::shown_order(self.seed, team.0, s.injects.key(inject), n)
    }

    /// The order in which the team is shown the findings form's entry vectors, shuffled per
    /// team from the seed.
    pub fn entry_order(&self, team: TeamId) -> Vec<EntryId> {
        let s = self.scenario();
        order::shown_order(self.seed, team.0, "entry-vectors", s.entry_vectors.len())
            .into_iter()
            .map(Id::new)
            .collect()
    }

    /// The order in which the team is shown the findings form's root causes, shuffled per team
    /// from the seed.
    pub fn root_cause_order(&self, team: TeamId) -> Vec<crate::scenario::model::RootCauseId> {
        let s = self.scenario();
        order::shown_order(self.seed, team.0, "root-causes", s.root_causes.len())
            .into_iter()
            .map(Id::new)
            .collect()
    }

    /// How the team's score changed in turn `turn` (1-based, up to the last turn played), each
    /// change with its reason: objectives met, partly met or lost, penalties, downtime, hints.
    /// A facilitator's intervention after the turn counts with it. Empty for a turn not played.
    pub fn score_changes(&self, team: TeamId, turn: u32) -> Vec<scoring::ScoreChange> {
        let (before, after) = self.scores_around(team, turn);
        scoring::changes(&before, &after)
    }

    /// The team's scorecards before and after turn `turn` (both the current one for a turn not
    /// played yet).
    pub fn scores_around(&self, team: TeamId, turn: u32) -> (Scorecard, Scorecard) {
        let events = self.engine.events(team);
        let played = self.engine.turn(team);
        let turn = turn.min(played);
        let start = events.partition_point(|e| e.turn < turn);
        let end = events.partition_point(|e| e.turn <= turn);
        let ended = self.engine.ending(team).is_some() && turn == played;
        let s = self.scenario();
        (
            scoring::score(s, &events[..start], false),
            scoring::score(s, &events[..end], ended),
        )
    }

    /// The scenario's win conditions (the parts of `end.team_wins`), each with whether it holds
    /// in the team's world now: at the end, which were met and which were missing.
    pub fn win_conditions(&self, team: TeamId) -> Vec<(crate::scenario::model::Condition, bool)> {
        use crate::scenario::model::Condition;
        let v = self.engine.view(team);
        let parts = match &self.scenario().team_wins {
            Condition::All(parts) => parts.clone(),
            other => vec![other.clone()],
        };
        parts
            .into_iter()
            .map(|c| {
                let held = v.holds(&c);
                (c, held)
            })
            .collect()
    }

    /// What the team sees now.
    pub fn observe(&self, team: TeamId) -> Observation {
        Observation::of(self, team)
    }

    /// Canonical digest of the team's world.
    pub fn digest(&self, team: TeamId) -> [u8; 32] {
        self.engine.digest(team)
    }

    /// The engine, for code that needs more than this API (benchmarks, branching).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }
}

/// Whether a command built in code fits the scenario: its ids exist and an answer's choice is
/// one of the question's (commands read from text are resolved by name and always fit).
fn fits(s: &Scenario, c: &Command) -> Result<(), String> {
    let within = |what: &str, i: usize, n: usize| {
        if i < n {
            Ok(())
        } else {
            Err(format!("there is no {what} number {i} in this scenario"))
        }
    };
    match c {
        Command::Act { action, target } => {
            within("action", action.index(), s.actions.len())?;
            let kind = s.actions[*action].verb.target_kind();
            if kind != target.kind() {
                return Err(format!(
                    "`{}` takes a {} target, not a {}",
                    s.actions.key(*action),
                    kind.name(),
                    target.kind().name()
                ));
            }
            match target {
                Target::Org | Target::Findings(_) => Ok(()),
                Target::Host(h) => within("host", h.index(), s.hosts.len()),
                Target::Segment(x) => within("segment", x.index(), s.segments.len()),
                Target::Account(x) => within("account", x.index(), s.accounts.len()),
                Target::Address(x) => within("address", x.index(), s.addresses.len()),
                Target::Stakeholder(x) => within("stakeholder", x.index(), s.stakeholders.len()),
                Target::Mitigation(x) => within("mitigation", x.index(), s.mitigations.len()),
                Target::Alert(crate::scenario::model::AlertId::Trace(x)) => {
                    within("trace", x.index(), s.traces.len())
                }
                Target::Alert(crate::scenario::model::AlertId::Noise(x)) => {
                    within("noise source", x.index(), s.noise.len())
                }
            }?;
            if let Target::Findings(f) = target {
                within("entry vector", f.entry.index(), s.entry_vectors.len())?;
                if let Some(r) = f.root_cause {
                    within("root cause", r.index(), s.root_causes.len())?;
                }
                for h in &f.hosts {
                    within("host", h.index(), s.hosts.len())?;
                }
                for d in &f.data {
                    within("data set", d.index(), s.data_sets.len())?;
                }
            }
            Ok(())
        }
        Command::Answer { inject, choice } => {
            within("inject", inject.index(), s.injects.len())?;
            let n = s.injects[*inject]
                .question
                .as_ref()
                .map_or(0, |q| q.choices.len());
            if *choice < n {
                Ok(())
            } else {
                Err(format!(
                    "`{}` has no choice {} (it has {n})",
                    s.injects.key(*inject),
                    choice + 1
                ))
            }
        }
        Command::Hint(h) => within("hint", h.index(), s.hints.len()),
        Command::Reply { .. } => Ok(()),
    }
}
