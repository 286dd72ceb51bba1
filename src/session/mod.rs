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
pub mod preview;
pub mod proof;

use std::io::Write;
use std::sync::Arc;

use crate::engine::event::{Event, Refusal};
use crate::engine::state::{Ending, View};
use crate::engine::{Engine, TeamId};
use crate::replay::record::TurnRecord;
use crate::replay::{Header, Log, Recorder, ReplayError};
use crate::scenario::Scenario;
use crate::scenario::model::{ActionId, Command, Target};
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
}

/// One running session.
pub struct Session {
    engine: Engine,
    seed: u64,
    names: Vec<String>,
    history: Vec<TurnRecord>,
    recorder: Option<Recorder>,
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
            if name.is_empty() || names.iter().any(|n| n == name) {
                return Err(SessionError::BadTeamName(name.to_owned()));
            }
            names.push(name.to_owned());
        }
        let mut engine = Engine::new(scenario);
        for _ in &names {
            engine.add_team(seed);
        }
        Ok(Self {
            engine,
            seed,
            names,
            history: Vec::new(),
            recorder: None,
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
        let header = &log.header.value;
        Ok(Self {
            engine: resim.engine,
            seed: header.seed,
            names: header.teams.clone(),
            history: resim.history,
            recorder: None,
        })
    }

    /// Starts recording the session to `out`: the header, every turn played so far (a branched
    /// session's history), then each turn as it is played, flushed line by line.
    pub fn record_to(
        &mut self,
        out: Box<dyn Write + Send>,
        header: Header,
    ) -> Result<(), SessionError> {
        let mut recorder =
            Recorder::start(out, header).map_err(|e| SessionError::Record(e.to_string()))?;
        for rec in &self.history {
            let events = self.engine.events(TeamId(rec.team));
            recorder
                .turn(self.engine.scenario(), rec, events)
                .map_err(|e| SessionError::Record(e.to_string()))?;
        }
        self.recorder = Some(recorder);
        Ok(())
    }

    /// Whether the session is being recorded.
    pub fn is_recording(&self) -> bool {
        self.recorder.is_some()
    }

    /// Every turn played, in order.
    pub fn history(&self) -> &[TurnRecord] {
        &self.history
    }

    /// Plays one turn for `teams`, recording it.
    fn step(&mut self, teams: &[TeamId]) -> Result<(), SessionError> {
        let before: Vec<(TeamId, Vec<Command>, usize)> = teams
            .iter()
            .map(|&t| {
                (
                    t,
                    self.engine.pending(t).to_vec(),
                    self.engine.events(t).len(),
                )
            })
            .collect();
        self.engine.step(teams);
        let mut failure = None;
        for (team, actions, start) in before {
            let record = TurnRecord {
                team: team.0,
                turn: self.engine.turn(team),
                actions,
                events: start..self.engine.events(team).len(),
                digest: self.engine.digest(team),
            };
            if let Some(recorder) = &mut self.recorder {
                let events = self.engine.events(team);
                if let Err(e) = recorder.turn(self.engine.scenario(), &record, events) {
                    failure = Some(SessionError::Record(e.to_string()));
                    self.recorder = None;
                }
            }
            self.history.push(record);
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

    /// Effort still free for the team's next turn, after what its running tasks and its queued
    /// commands take.
    pub fn effort_available(&self, team: TeamId) -> u32 {
        let v = self.engine.view(team);
        let s = v.s;
        let committed: u32 = v.staff.tasks.iter().map(|t| s.actions[t.action].cost).sum();
        let queued: u32 = self
            .engine
            .pending(team)
            .iter()
            .map(|c| match c {
                Command::Act { action, .. } => s.actions[*action].cost,
                _ => 0,
            })
            .sum();
        (s.effort_per_turn + v.staff.bonus).saturating_sub(committed + queued)
    }

    /// Whether a command would be accepted next turn, given what is already queued.
    pub fn check(&self, team: TeamId, command: &Command) -> Result<(), Refusal> {
        let queued = self.engine.pending(team);
        if queued.contains(command) {
            return Err(match command {
                Command::Act { .. } => Refusal::AlreadyRunning,
                Command::Answer { .. } => Refusal::AlreadyAnswered,
                Command::Hint(_) => Refusal::HintTaken,
            });
        }
        self.engine
            .view(team)
            .check(command, self.effort_available(team))
    }

    /// Targets an action may take next turn (see [`View::legal_targets`]), minus those
    /// already queued.
    pub fn legal_targets(&self, team: TeamId, action: ActionId) -> Vec<Target> {
        let queued = self.engine.pending(team);
        self.engine
            .view(team)
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
        self.valid(team)?;
        if self.engine.ending(team).is_some() {
            return Err(SessionError::Over);
        }
        self.engine.submit(team, commands);
        Ok(())
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
