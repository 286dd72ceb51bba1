//! One drill: a task that owns the drill's [`Session`] (an actor). HTTP handlers and WebSocket
//! tasks send it requests over a channel and get replies; every change is announced on a
//! broadcast channel as a new version number.
//!
//! Nothing is acknowledged before it is on the disk: input (tokens, queued commands,
//! readiness, drafts, pauses, timers) goes to the journal, turns and the facilitator's
//! interventions to the replay log, each flushed with `fsync` first. [`Drill::recover`] brings
//! a drill back from those two files after any crash, at its last turn written, with the
//! queued input, the timers and the pause state.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ed25519_dalek::SigningKey;
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc, oneshot};

use super::error::ApiError;
use super::index::{DrillRow, Index, TeamRow};
use super::store::{DrillConfig, DrillDir, Journal, JournalOp, Pacing, now_ms};
use super::views::{self, RoomTeam, Status, TeamContext};
use crate::engine::state::FacilitatorQuestion;
use crate::engine::{Intervention, TeamId};
use crate::replay::Log;
use crate::replay::record::{SyncOnFlush, now_rfc3339};
use crate::report::{aar, describe, html, markdown};
use crate::scenario::Scenario;
use crate::scenario::model::{Command, Lang};
use crate::scenario::raw::RawCommand;
use crate::scenario::validate::resolve_command;
use crate::session::{MAX_NAME, Session, SessionError};

/// Longest text of a facilitator's message or announcement, in characters.
pub const MAX_TEXT: usize = 2000;
/// Most choices of a facilitator's question.
pub const MAX_CHOICES: usize = 8;
/// Largest findings draft, in bytes of JSON.
pub const MAX_DRAFT: usize = 16 * 1024;
/// Most commands a team may have queued at once.
pub const MAX_QUEUED: usize = 64;
/// A timer that ran out while the server was down gets this much time after a restart.
const RESTART_GRACE_MS: i64 = 15_000;
/// A team counts as idle in the room view after this many seconds without input.
pub const IDLE_SECONDS: u64 = 180;

/// A member's seat: which team, and who.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seat {
    /// Team index.
    pub team: usize,
    /// Member name.
    pub member: String,
}

/// What changed: every client of the drill re-reads its view when its part changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Update {
    /// The drill's new version.
    pub version: u64,
    /// The team whose view changed, or `None` for the whole room.
    pub team: Option<usize>,
}

/// A facilitator's control.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Control {
    /// Start the drill: turns can end.
    Start,
    /// Pause: no turn ends, timers stop.
    Pause,
    /// Resume after a pause.
    Resume,
    /// End the turn now (sync: every team; self: every team one turn).
    Advance,
    /// Add time to the turn timer (sync) or the drill's time limit (self).
    ExtendTimer {
        /// Seconds to add.
        seconds: u32,
    },
    /// Tell the whole room something.
    Announce {
        /// The text.
        text: String,
    },
    /// Send a message (optionally with a question) to some teams or all.
    Message {
        /// Team indices; all teams if absent.
        teams: Option<Vec<usize>>,
        /// The text.
        text: String,
        /// An unscored question.
        question: Option<FacilitatorQuestion>,
    },
    /// Give a team a hint free of charge.
    GrantHint {
        /// Team index.
        team: usize,
        /// The hint's id.
        hint: String,
    },
    /// End the drill: the log is sealed, debriefs open.
    End,
}

/// A report's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    /// Markdown.
    Md,
    /// One HTML page.
    Html,
    /// JSON.
    Json,
    /// Scores per team and objective, for a spreadsheet.
    Csv,
}

type Reply<T> = oneshot::Sender<Result<T, ApiError>>;

/// A request to a drill's task.
pub enum Request {
    /// A member joins a team (new names are recorded).
    Join {
        /// Team index.
        team: usize,
        /// Name.
        name: String,
        /// SHA-256 of the new token.
        token: String,
        /// Answer.
        reply: Reply<Seat>,
    },
    /// A team's view.
    View {
        /// Team.
        team: usize,
        /// Language.
        lang: Lang,
        /// Answer: version and view.
        reply: Reply<(u64, Arc<views::Rendered>)>,
    },
    /// Queue a command.
    Queue {
        /// Who.
        seat: Seat,
        /// What.
        command: RawCommand,
        /// Language of a refusal.
        lang: Lang,
        /// Answer: its position in the queue.
        reply: Reply<usize>,
    },
    /// Take back a queued command.
    Withdraw {
        /// Who.
        seat: Seat,
        /// Position.
        index: usize,
        /// Answer.
        reply: Reply<()>,
    },
    /// What a command would do.
    Preview {
        /// Who.
        seat: Seat,
        /// What.
        command: RawCommand,
        /// Language.
        lang: Lang,
        /// Answer.
        reply: Reply<Value>,
    },
    /// A member is done with the turn (or not); `force` ends the team's turn.
    Ready {
        /// Who.
        seat: Seat,
        /// Ready or not.
        ready: bool,
        /// End the team's turn whatever the others say.
        force: bool,
        /// Answer.
        reply: Reply<()>,
    },
    /// Keep a team's findings draft.
    Draft {
        /// Who.
        seat: Seat,
        /// The draft.
        draft: Value,
        /// Answer.
        reply: Reply<()>,
    },
    /// A facilitator's control.
    Control {
        /// What.
        control: Control,
        /// Answer: the drill's new version.
        reply: Reply<u64>,
    },
    /// The room view.
    Room {
        /// Language.
        lang: Lang,
        /// Answer.
        reply: Reply<Value>,
    },
    /// A report of the drill (one team, or the room).
    Report {
        /// One team, or all.
        team: Option<usize>,
        /// Format.
        format: ReportFormat,
        /// Language.
        lang: Lang,
        /// Answer: content type and body.
        reply: Reply<(&'static str, String)>,
    },
    /// The drill's summary for listings.
    Summary {
        /// Answer.
        reply: Reply<DrillRow>,
    },
    /// The briefing: the scenario, the organisation, the role, what is taught and scored.
    Briefing {
        /// Language.
        lang: Lang,
        /// Answer.
        reply: Reply<Value>,
    },
    /// A team's whole timeline, the attacker's hidden moves included (for the facilitator).
    Timeline {
        /// Team.
        team: usize,
        /// Language.
        lang: Lang,
        /// Answer.
        reply: Reply<Value>,
    },
}

/// A running drill's handle: where to send requests, and where updates come from.
#[derive(Clone)]
pub struct DrillHandle {
    /// The drill's setup.
    pub config: Arc<DrillConfig>,
    /// Requests.
    pub tx: mpsc::Sender<Request>,
    /// Updates.
    pub updates: broadcast::Sender<Update>,
}

impl DrillHandle {
    /// Sends a request and waits for the answer.
    pub async fn ask<T>(&self, make: impl FnOnce(Reply<T>) -> Request) -> Result<T, ApiError> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(make(tx))
            .await
            .map_err(|_| ApiError::internal("the drill has stopped"))?;
        rx.await
            .map_err(|_| ApiError::internal("the drill stopped while answering"))?
    }
}

/// One drill's state, owned by its task.
pub struct Drill {
    config: Arc<DrillConfig>,
    session: Session,
    journal: Journal,
    key: Arc<SigningKey>,
    index: Arc<Index>,
    status: Status,
    /// Per team: members and whether each is done with the turn being planned.
    ready: Vec<Vec<(String, bool)>>,
    /// Per team: a member ended the team's turn for everyone.
    forced: Vec<bool>,
    drafts: Vec<Option<Value>>,
    turn_deadline: Option<i64>,
    drill_deadline: Option<i64>,
    paused_turn_left: Option<i64>,
    paused_drill_left: Option<i64>,
    announcements: Vec<String>,
    version: u64,
    team_changed: Vec<u64>,
    room_changed: u64,
    cache: HashMap<(usize, Lang), (u64, Arc<views::Rendered>)>,
    activity: Vec<Instant>,
    updates: broadcast::Sender<Update>,
    /// A disk failure: the drill takes no more changes until the server restarts.
    broken: Option<String>,
    scenario_sha256: String,
    /// Where the drill's log is recorded in the history when it ends: the database and the
    /// drill's folder.
    history: Option<(PathBuf, DrillDir)>,
}

fn scenario_of(dir: &DrillDir) -> Result<Arc<Scenario>, String> {
    let file = dir.scenario();
    let bytes = crate::scenario::read_source(&file).map_err(|e| e.to_string())?;
    let checked = crate::scenario::check_bytes(&file.display().to_string(), &bytes);
    checked
        .scenario
        .map(Arc::new)
        .ok_or_else(|| format!("{}: the scenario has errors", file.display()))
}

impl Drill {
    fn blank(
        config: Arc<DrillConfig>,
        session: Session,
        journal: Journal,
        key: Arc<SigningKey>,
        index: Arc<Index>,
        scenario_sha256: String,
    ) -> Self {
        let n = config.teams.len();
        let ready = (0..n)
            .map(|t| {
                session
                    .members(TeamId(t))
                    .iter()
                    .map(|m| (m.clone(), false))
                    .collect()
            })
            .collect();
        let announcements = session
            .history()
            .iter()
            .filter_map(|e| match e {
                crate::replay::Entry::Announcement(t) => Some(t.clone()),
                _ => None,
            })
            .collect();
        let (updates, _) = broadcast::channel(256);
        let status = if session.is_sealed() {
            Status::Ended
        } else {
            Status::Lobby
        };
        Self {
            config,
            session,
            journal,
            key,
            index,
            status,
            ready,
            forced: vec![false; n],
            drafts: vec![None; n],
            turn_deadline: None,
            drill_deadline: None,
            paused_turn_left: None,
            paused_drill_left: None,
            announcements,
            version: 1,
            team_changed: vec![1; n],
            room_changed: 1,
            cache: HashMap::new(),
            activity: vec![Instant::now(); n],
            updates,
            broken: None,
            scenario_sha256,
            history: None,
        }
    }

    /// Creates a new drill's folder, log and journal.
    pub fn create(
        dir: &DrillDir,
        config: DrillConfig,
        scenario: Arc<Scenario>,
        scenario_bytes: &[u8],
        key: Arc<SigningKey>,
        index: Arc<Index>,
    ) -> Result<Self, String> {
        dir.create(&config, scenario_bytes)
            .map_err(|e| format!("{}: {e}", dir.dir.display()))?;
        let names: Vec<&str> = config.teams.iter().map(|t| t.name.as_str()).collect();
        let mut session =
            Session::new(scenario.clone(), config.seed, &names).map_err(|e| e.to_string())?;
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(dir.log())
            .map_err(|e| format!("{}: {e}", dir.log().display()))?;
        let mut header = crate::replay::record::header(
            &scenario,
            "scenario.ron",
            &crate::replay::record::sha256_hex(scenario_bytes),
            config.seed,
            session.team_names(),
            config.lang,
            None,
        );
        header.started = Some(now_rfc3339());
        header.drill = Some(config.id.clone());
        session
            .record_to(Box::new(SyncOnFlush(file)), header)
            .map_err(|e| e.to_string())?;
        let journal = Journal::open(&dir.journal())
            .map_err(|e| format!("{}: {e}", dir.journal().display()))?;
        let sha = crate::replay::record::sha256_hex(scenario_bytes);
        let drill = Self::blank(Arc::new(config), session, journal, key, index, sha);
        drill.index_put();
        Ok(drill)
    }

    /// Brings a drill back from its folder: the log re-simulated and verified line by line,
    /// then the journal's input for the turns not yet played. Returns the drill and the seats
    /// of the tokens it issued (by token hash).
    pub fn recover(
        dir: &DrillDir,
        key: Arc<SigningKey>,
        index: Arc<Index>,
    ) -> Result<(Self, Vec<(String, Seat)>), String> {
        let config = dir
            .read_config()
            .map_err(|e| format!("{}: {e}", dir.config().display()))?;
        let scenario = scenario_of(dir)?;
        let log_bytes = super::store::cut_torn_line(&dir.log())
            .map_err(|e| format!("{}: {e}", dir.log().display()))?;
        let log = Log::parse(&log_bytes).map_err(|e| format!("{}: {e}", dir.log().display()))?;
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(dir.log())
            .map_err(|e| format!("{}: {e}", dir.log().display()))?;
        let session = Session::resume(scenario, &log, Box::new(SyncOnFlush(file)))
            .map_err(|e| format!("{}: {e}", dir.log().display()))?;
        let journal_bytes = super::store::cut_torn_line(&dir.journal())
            .map_err(|e| format!("{}: {e}", dir.journal().display()))?;
        let ops = Journal::parse(&journal_bytes)
            .map_err(|e| format!("{}: {e}", dir.journal().display()))?;
        let journal = Journal::open(&dir.journal())
            .map_err(|e| format!("{}: {e}", dir.journal().display()))?;
        let sha = log.header.value.scenario.sha256.clone();
        let mut drill = Self::blank(Arc::new(config), session, journal, key, index, sha);
        let mut seats = Vec::new();
        for op in ops {
            drill.replay_op(op, &mut seats)?;
        }
        if drill.session.is_sealed() {
            drill.status = Status::Ended;
        } else {
            // A sync turn the crash interrupted between two teams' lines: play the rest.
            if drill.config.pacing == Pacing::Sync {
                let target = (0..drill.teams())
                    .map(|t| drill.session.turn(TeamId(t)))
                    .max()
                    .unwrap_or(0);
                for t in 0..drill.teams() {
                    let team = TeamId(t);
                    if drill.session.ending(team).is_none() && drill.session.turn(team) < target {
                        drill
                            .session
                            .advance_team(team)
                            .map_err(|e| e.to_string())?;
                        drill.new_round(t);
                    }
                }
            }
            let now = now_ms();
            for d in [&mut drill.turn_deadline, &mut drill.drill_deadline]
                .into_iter()
                .flatten()
            {
                *d = (*d).max(now + RESTART_GRACE_MS);
            }
            if drill.session.is_over() {
                drill.finish().map_err(|e| e.message)?;
            } else {
                // Every team may have been done when the crash came, before the turn ended.
                drill.maybe_advance().map_err(|e| e.message)?;
            }
        }
        drill.index_put();
        Ok((drill, seats))
    }

    /// Applies one journal entry on recovery (entries for turns already played are spent).
    fn replay_op(&mut self, op: JournalOp, seats: &mut Vec<(String, Seat)>) -> Result<(), String> {
        let planning = |d: &Self, team: usize, turn: u32| {
            team < d.teams() && turn == d.session.turn(TeamId(team)) + 1
        };
        match op {
            JournalOp::Join { team, name, token } => {
                if team >= self.teams() {
                    return Err(format!("the journal names team {team}"));
                }
                if !self.session.is_sealed() {
                    // A crash between the journal and the log: record the member now.
                    self.session
                        .join(TeamId(team), &name)
                        .map_err(|e| e.to_string())?;
                }
                self.add_ready_member(team, &name);
                seats.push((token, Seat { team, member: name }));
            }
            JournalOp::Queue {
                team,
                turn,
                by,
                command,
            } if planning(self, team, turn) => {
                let c =
                    resolve_command(self.session.scenario(), &command).map_err(|e| e.message)?;
                self.session
                    .submit_by(TeamId(team), vec![c], Some(&by))
                    .map_err(|e| e.to_string())?;
            }
            JournalOp::Withdraw { team, turn, index } if planning(self, team, turn) => {
                self.session
                    .withdraw(TeamId(team), index)
                    .map_err(|e| e.to_string())?;
            }
            JournalOp::Ready {
                team,
                turn,
                member,
                ready,
                force,
            } if planning(self, team, turn) => {
                self.set_ready(team, &member, ready, force);
            }
            JournalOp::Draft { team, turn, draft } if planning(self, team, turn) => {
                self.drafts[team] = Some(draft);
            }
            JournalOp::Queue { .. }
            | JournalOp::Withdraw { .. }
            | JournalOp::Ready { .. }
            | JournalOp::Draft { .. } => {}
            JournalOp::Start { .. } | JournalOp::Resume { .. } => {
                self.status = Status::Running;
                self.paused_turn_left = None;
                self.paused_drill_left = None;
            }
            JournalOp::Pause {
                turn_left_ms,
                drill_left_ms,
            } => {
                self.status = Status::Paused;
                self.paused_turn_left = turn_left_ms;
                self.paused_drill_left = drill_left_ms;
                self.turn_deadline = None;
                self.drill_deadline = None;
            }
            JournalOp::Timer {
                turn_deadline,
                drill_deadline,
            } => {
                self.turn_deadline = turn_deadline;
                self.drill_deadline = drill_deadline;
            }
        }
        Ok(())
    }

    fn teams(&self) -> usize {
        self.config.teams.len()
    }

    /// Records the drill's teams in the history database `db` when the drill ends.
    pub fn with_history(mut self, db: PathBuf, dir: DrillDir) -> Self {
        self.history = Some((db, dir));
        self
    }

    /// Starts the drill's task; returns its handle.
    pub fn spawn(self) -> DrillHandle {
        let (tx, rx) = mpsc::channel(1024);
        let handle = DrillHandle {
            config: self.config.clone(),
            tx,
            updates: self.updates.clone(),
        };
        tokio::spawn(self.run(rx));
        handle
    }

    async fn run(mut self, mut rx: mpsc::Receiver<Request>) {
        loop {
            let deadline = match self.status {
                Status::Running => [self.turn_deadline, self.drill_deadline]
                    .into_iter()
                    .flatten()
                    .min(),
                _ => None,
            };
            let sleep = async {
                match deadline {
                    Some(at) => {
                        let wait = u64::try_from(at - now_ms()).unwrap_or(0);
                        tokio::time::sleep(Duration::from_millis(wait)).await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                request = rx.recv() => match request {
                    Some(r) => self.handle(r),
                    None => break,
                },
                () = sleep => self.on_timer(),
            }
        }
    }

    fn bump(&mut self, team: Option<usize>) {
        self.version += 1;
        match team {
            Some(t) => self.team_changed[t] = self.version,
            None => self.room_changed = self.version,
        }
        // Nobody listening is not an error.
        let _ = self.updates.send(Update {
            version: self.version,
            team,
        });
    }

    fn writable(&self) -> Result<(), ApiError> {
        match &self.broken {
            Some(e) => Err(ApiError::internal(format!(
                "the drill's files cannot be written ({e}); fix the disk and restart the server: the drill comes back at its last turn written"
            ))),
            None => Ok(()),
        }
    }

    fn journal(&mut self, op: &JournalOp) -> Result<(), ApiError> {
        self.writable()?;
        self.journal.append(op).map_err(|e| {
            self.broken = Some(e.to_string());
            ApiError::internal(format!("the drill's journal cannot be written: {e}"))
        })
    }

    fn recorded(&mut self, result: Result<(), SessionError>) -> Result<(), ApiError> {
        match result {
            Ok(()) => Ok(()),
            Err(SessionError::Record(e)) => {
                self.broken = Some(e.clone());
                Err(ApiError::internal(format!(
                    "the drill's log cannot be written: {e}"
                )))
            }
            Err(SessionError::Refused(r)) => Err(ApiError::refused(r.explain())),
            Err(e) => Err(ApiError::conflict("refused", e.to_string())),
        }
    }

    fn handle(&mut self, request: Request) {
        match request {
            Request::Join {
                team,
                name,
                token,
                reply,
            } => {
                let _ = reply.send(self.join(team, name, token));
            }
            Request::View { team, lang, reply } => {
                let _ = reply.send(self.view(team, lang));
            }
            Request::Queue {
                seat,
                command,
                lang,
                reply,
            } => {
                let r = self.queue(&seat, &command, lang);
                if r.is_ok() {
                    self.bump(Some(seat.team));
                }
                let _ = reply.send(r);
            }
            Request::Withdraw { seat, index, reply } => {
                let r = self.withdraw(&seat, index);
                if r.is_ok() {
                    self.bump(Some(seat.team));
                }
                let _ = reply.send(r);
            }
            Request::Preview {
                seat,
                command,
                lang,
                reply,
            } => {
                let _ = reply.send(self.preview(&seat, &command, lang));
            }
            Request::Ready {
                seat,
                ready,
                force,
                reply,
            } => {
                let _ = reply.send(self.ready(&seat, ready, force));
            }
            Request::Draft { seat, draft, reply } => {
                let r = self.draft(&seat, draft);
                if r.is_ok() {
                    self.bump(Some(seat.team));
                }
                let _ = reply.send(r);
            }
            Request::Control { control, reply } => {
                let r = self.control(control).map(|()| self.version);
                let _ = reply.send(r);
            }
            Request::Room { lang, reply } => {
                let _ = reply.send(Ok(self.room(lang)));
            }
            Request::Report {
                team,
                format,
                lang,
                reply,
            } => {
                let _ = reply.send(self.report(team, format, lang));
            }
            Request::Summary { reply } => {
                let _ = reply.send(Ok(self.summary()));
            }
            Request::Briefing { lang, reply } => {
                let _ = reply.send(Ok(views::briefing(self.session.scenario(), lang)));
            }
            Request::Timeline { team, lang, reply } => {
                let r = if team < self.teams() {
                    Ok(views::timeline(&self.session, TeamId(team), lang))
                } else {
                    Err(ApiError::not_found(format!("there is no team {team}")))
                };
                let _ = reply.send(r);
            }
        }
    }

    fn add_ready_member(&mut self, team: usize, name: &str) {
        if !self.ready[team].iter().any(|(m, _)| m == name) {
            self.ready[team].push((name.to_owned(), false));
        }
    }

    fn join(&mut self, team: usize, name: String, token: String) -> Result<Seat, ApiError> {
        let name = name.trim().to_owned();
        if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control)
        {
            return Err(ApiError::bad_request(format!(
                "a name has 1 to {MAX_NAME} characters"
            )));
        }
        let known = self.session.members(TeamId(team)).contains(&name);
        if !known {
            if self.status == Status::Ended {
                return Err(ApiError::conflict(
                    "drill_ended",
                    "the drill has ended; only its members can open it",
                ));
            }
            let members = self.session.members(TeamId(team)).len();
            if members >= self.config.max_members as usize {
                return Err(ApiError::conflict(
                    "team_full",
                    format!(
                        "team {} already has {members} members (the most a team may have); join with one of their names to use another device",
                        self.config.teams[team].name
                    ),
                ));
            }
        }
        self.journal(&JournalOp::Join {
            team,
            name: name.clone(),
            token,
        })?;
        if !known {
            let r = self.session.join(TeamId(team), &name).map(|_| ());
            self.recorded(r)?;
        }
        self.add_ready_member(team, &name);
        self.activity[team] = Instant::now();
        self.bump(Some(team));
        self.index_put();
        Ok(Seat { team, member: name })
    }

    fn context(&self, team: Option<usize>) -> TeamContext<'_> {
        TeamContext {
            drill: &self.config.id,
            pacing: match self.config.pacing {
                Pacing::Sync => "sync",
                Pacing::SelfPaced => "self",
            },
            status: self.status,
            turn_deadline: self
                .turn_deadline
                .filter(|_| self.status == Status::Running),
            turn_left: self.paused_turn_left,
            drill_deadline: self
                .drill_deadline
                .filter(|_| self.status == Status::Running),
            ready: team.map(|t| self.ready[t].clone()).unwrap_or_default(),
            done: team.is_some_and(|t| self.team_done(t)),
            draft: team.and_then(|t| self.drafts[t].as_ref()),
            announcements: &self.announcements,
            version: self.version,
            scenario_sha256: &self.scenario_sha256,
        }
    }

    /// A team's view and its version: the drill's version when the team's view (or the
    /// room's) last changed, so a client waiting on it wakes only for its own team.
    fn view(&mut self, team: usize, lang: Lang) -> Result<(u64, Arc<views::Rendered>), ApiError> {
        if team >= self.teams() {
            return Err(ApiError::not_found(format!("there is no team {team}")));
        }
        let fresh_since = self.team_changed[team].max(self.room_changed);
        if let Some((v, view)) = self.cache.get(&(team, lang))
            && *v == fresh_since
        {
            return Ok((fresh_since, view.clone()));
        }
        let mut context = self.context(Some(team));
        context.version = fresh_since;
        let view = Arc::new(views::Rendered::new(views::team(
            &self.session,
            TeamId(team),
            &context,
            lang,
        )));
        self.cache.insert((team, lang), (fresh_since, view.clone()));
        Ok((fresh_since, view))
    }

    fn open_for(&self, seat: &Seat) -> Result<(), ApiError> {
        self.writable()?;
        if self.status == Status::Ended {
            return Err(ApiError::conflict("drill_ended", "the drill has ended"));
        }
        if self.session.ending(TeamId(seat.team)).is_some() {
            return Err(ApiError::conflict(
                "team_ended",
                "your exercise has ended; the debrief is open",
            ));
        }
        Ok(())
    }

    fn resolve(&self, command: &RawCommand) -> Result<Command, ApiError> {
        resolve_command(self.session.scenario(), command).map_err(|e| {
            ApiError::bad_request(match e.hint {
                Some(h) => format!("{} ({h})", e.message),
                None => e.message,
            })
        })
    }

    fn queue(&mut self, seat: &Seat, command: &RawCommand, lang: Lang) -> Result<usize, ApiError> {
        self.open_for(seat)?;
        let c = self.resolve(command)?;
        let team = TeamId(seat.team);
        if self.session.queued(team).len() >= MAX_QUEUED {
            return Err(ApiError::refused(format!(
                "at most {MAX_QUEUED} commands can be queued"
            )));
        }
        // A new answer to a question replaces the one queued before (the new one is checked
        // first, so a refused answer keeps the old one).
        let replaces = |queued: &Command| match (&c, queued) {
            (Command::Answer { inject: a, .. }, Command::Answer { inject: b, .. }) => a == b,
            (Command::Reply { message: a, .. }, Command::Reply { message: b, .. }) => a == b,
            _ => false,
        };
        let old: Vec<usize> = self
            .session
            .queued(team)
            .iter()
            .enumerate()
            .filter(|(_, q)| replaces(q) && **q != c)
            .map(|(i, _)| i)
            .collect();
        // Checked in place of what it replaces, against the state the rest of the queue leaves.
        let others: Vec<Command> = self
            .session
            .queued(team)
            .iter()
            .enumerate()
            .filter(|(i, _)| !old.contains(i))
            .map(|(_, q)| q.clone())
            .collect();
        if let Err(r) = self.session.check_after(team, &others, &c) {
            return Err(ApiError::refused(describe::refusal(&r, lang)));
        }
        for index in old.into_iter().rev() {
            self.journal(&JournalOp::Withdraw {
                team: seat.team,
                turn: self.session.turn(team) + 1,
                index,
            })?;
            self.session
                .withdraw(team, index)
                .map_err(|e| ApiError::not_found(e.to_string()))?;
        }
        self.journal(&JournalOp::Queue {
            team: seat.team,
            turn: self.session.turn(team) + 1,
            by: seat.member.clone(),
            command: command.clone(),
        })?;
        self.session
            .submit_by(team, vec![c], Some(&seat.member))
            .map_err(|e| ApiError::conflict("refused", e.to_string()))?;
        self.activity[seat.team] = Instant::now();
        Ok(self.session.queued(team).len() - 1)
    }

    fn withdraw(&mut self, seat: &Seat, index: usize) -> Result<(), ApiError> {
        self.open_for(seat)?;
        let team = TeamId(seat.team);
        // Checked before it is journaled: a refused withdrawal must not be replayed.
        match self.session.check_withdraw(team, index) {
            Ok(()) => {}
            Err(e @ SessionError::HintShown) => {
                return Err(ApiError::conflict("hint_shown", e.to_string()));
            }
            Err(e) => return Err(ApiError::not_found(e.to_string())),
        }
        self.journal(&JournalOp::Withdraw {
            team: seat.team,
            turn: self.session.turn(team) + 1,
            index,
        })?;
        self.session
            .withdraw(team, index)
            .map_err(|e| ApiError::not_found(e.to_string()))?;
        self.activity[seat.team] = Instant::now();
        Ok(())
    }

    fn preview(&self, seat: &Seat, command: &RawCommand, lang: Lang) -> Result<Value, ApiError> {
        let c = self.resolve(command)?;
        let s = self.session.scenario();
        let p = self.session.preview(TeamId(seat.team), &c);
        Ok(json!({
            "label": describe::command(s, &c, lang),
            "refusal": p.refusal.as_ref().map(|r| describe::refusal(r, lang)),
            "cost": p.cost,
            "turns": p.turns,
            "effort_after": p.effort_after,
            "stops": p.stops.iter().map(|(f, lasting)| json!({
                "function": s.functions.key(*f),
                "name": s.functions[*f].name.get(lang),
                "lasting": lasting,
            })).collect::<Vec<_>>(),
            "wipes": p.wipes.map(|w| json!({"host": s.hosts.key(w.host), "imaged": w.imaged})),
            "adds_effort": p.adds_effort,
            "hint_points": p.hint_points,
            "ends_exercise": p.ends_exercise,
        }))
    }

    fn set_ready(&mut self, team: usize, member: &str, ready: bool, force: bool) {
        self.add_ready_member(team, member);
        for (m, r) in &mut self.ready[team] {
            if m == member {
                *r = ready;
            }
        }
        if force && ready {
            self.forced[team] = true;
        }
        if !ready {
            self.forced[team] = false;
        }
    }

    /// The team's turn is over for this round: it ended its exercise, a member forced it, or
    /// every member who joined is ready.
    fn team_done(&self, team: usize) -> bool {
        self.session.ending(TeamId(team)).is_some()
            || self.forced[team]
            || (!self.ready[team].is_empty() && self.ready[team].iter().all(|(_, r)| *r))
    }

    fn ready(&mut self, seat: &Seat, ready: bool, force: bool) -> Result<(), ApiError> {
        self.open_for(seat)?;
        match self.status {
            Status::Lobby => {
                return Err(ApiError::conflict(
                    "not_started",
                    "the drill has not started yet",
                ));
            }
            Status::Paused => {
                return Err(ApiError::conflict(
                    "paused",
                    "the drill is paused: no turn ends until the facilitator resumes it",
                ));
            }
            Status::Running | Status::Ended => {}
        }
        let team = seat.team;
        self.journal(&JournalOp::Ready {
            team,
            turn: self.session.turn(TeamId(team)) + 1,
            member: seat.member.clone(),
            ready,
            force,
        })?;
        self.set_ready(team, &seat.member, ready, force);
        self.activity[team] = Instant::now();
        self.bump(Some(team));
        self.maybe_advance()
    }

    fn draft(&mut self, seat: &Seat, draft: Value) -> Result<(), ApiError> {
        self.open_for(seat)?;
        let size = serde_json::to_vec(&draft).map_or(usize::MAX, |v| v.len());
        if size > MAX_DRAFT {
            return Err(ApiError::bad_request(format!(
                "a draft has at most {MAX_DRAFT} bytes"
            )));
        }
        self.journal(&JournalOp::Draft {
            team: seat.team,
            turn: self.session.turn(TeamId(seat.team)) + 1,
            draft: draft.clone(),
        })?;
        self.drafts[seat.team] = Some(draft);
        Ok(())
    }

    /// Ends turns that are due: in sync pacing when every team still playing is done, in self
    /// pacing each team that is done.
    fn maybe_advance(&mut self) -> Result<(), ApiError> {
        if self.status != Status::Running {
            return Ok(());
        }
        let playing: Vec<usize> = (0..self.teams())
            .filter(|&t| self.session.ending(TeamId(t)).is_none())
            .collect();
        match self.config.pacing {
            Pacing::Sync => {
                if !playing.is_empty() && playing.iter().all(|&t| self.team_done(t)) {
                    self.advance_all()?;
                }
            }
            Pacing::SelfPaced => {
                for t in playing {
                    if self.team_done(t) {
                        let r = self.session.advance_team(TeamId(t));
                        self.recorded(r)?;
                        self.new_round(t);
                        self.bump(Some(t));
                    }
                }
                self.index_put();
                if self.session.is_over() {
                    self.finish()?;
                }
            }
        }
        Ok(())
    }

    /// A team starts planning a new turn.
    fn new_round(&mut self, team: usize) {
        for (_, r) in &mut self.ready[team] {
            *r = false;
        }
        self.forced[team] = false;
        self.drafts[team] = None;
    }

    /// Plays one turn for every team still playing.
    fn advance_all(&mut self) -> Result<(), ApiError> {
        let r = self.session.advance();
        self.recorded(r)?;
        for t in 0..self.teams() {
            self.new_round(t);
        }
        if self.session.is_over() {
            self.finish()?;
        } else if let Some(secs) = self.config.turn_seconds
            && self.config.pacing == Pacing::Sync
        {
            self.turn_deadline = Some(now_ms() + i64::from(secs) * 1000);
            self.journal(&JournalOp::Timer {
                turn_deadline: self.turn_deadline,
                drill_deadline: self.drill_deadline,
            })?;
        }
        self.index_put();
        self.bump(None);
        Ok(())
    }

    /// Seals the log (signed with the server's key): the drill is over.
    fn finish(&mut self) -> Result<(), ApiError> {
        if self.session.is_sealed() {
            self.status = Status::Ended;
            return Ok(());
        }
        let r = self
            .session
            .seal(Some(now_rfc3339()), Some(self.key.as_ref()));
        self.recorded(r)?;
        self.status = Status::Ended;
        self.turn_deadline = None;
        self.drill_deadline = None;
        if let Some((db, dir)) = self.history.clone() {
            let id = self.config.id.clone();
            // Off the drill's task: re-simulating the log takes a moment.
            tokio::task::spawn_blocking(move || {
                if let Err(e) = crate::history::record_log(
                    &db,
                    &dir.log(),
                    &dir.scenario(),
                    crate::history::Source::Serve,
                ) {
                    eprintln!("drill {id}: not recorded in the history: {e}");
                }
            });
        }
        self.index_put();
        self.bump(None);
        Ok(())
    }

    fn on_timer(&mut self) {
        let now = now_ms();
        let result = if self.drill_deadline.is_some_and(|d| d <= now) {
            self.finish()
        } else if self.turn_deadline.is_some_and(|d| d <= now) {
            self.turn_deadline = None;
            match self.config.pacing {
                Pacing::Sync => self.advance_all(),
                Pacing::SelfPaced => Ok(()),
            }
        } else {
            Ok(())
        };
        if let Err(e) = result {
            eprintln!("drill {}: {}", self.config.id, e.message);
            self.turn_deadline = None;
        }
    }

    fn control(&mut self, control: Control) -> Result<(), ApiError> {
        self.writable()?;
        if self.status == Status::Ended {
            return Err(ApiError::conflict("drill_ended", "the drill has ended"));
        }
        let now = now_ms();
        match control {
            Control::Start => {
                if self.status != Status::Lobby {
                    return Err(ApiError::conflict(
                        "started",
                        "the drill has already started",
                    ));
                }
                self.journal(&JournalOp::Start { at: now })?;
                self.status = Status::Running;
                if self.config.pacing == Pacing::Sync {
                    self.turn_deadline =
                        self.config.turn_seconds.map(|s| now + i64::from(s) * 1000);
                }
                self.drill_deadline = self
                    .config
                    .time_limit_seconds
                    .map(|secs| now + i64::from(secs) * 1000);
                self.journal(&JournalOp::Timer {
                    turn_deadline: self.turn_deadline,
                    drill_deadline: self.drill_deadline,
                })?;
                self.bump(None);
                // Teams may have ended their first turn in the lobby.
                self.maybe_advance()?;
            }
            Control::Pause => {
                if self.status != Status::Running {
                    return Err(ApiError::conflict(
                        "not_running",
                        "the drill is not running",
                    ));
                }
                let turn_left = self.turn_deadline.map(|d| (d - now).max(0));
                let drill_left = self.drill_deadline.map(|d| (d - now).max(0));
                self.journal(&JournalOp::Pause {
                    turn_left_ms: turn_left,
                    drill_left_ms: drill_left,
                })?;
                self.status = Status::Paused;
                self.paused_turn_left = turn_left;
                self.paused_drill_left = drill_left;
                self.turn_deadline = None;
                self.drill_deadline = None;
                self.bump(None);
            }
            Control::Resume => {
                if self.status != Status::Paused {
                    return Err(ApiError::conflict("not_paused", "the drill is not paused"));
                }
                self.journal(&JournalOp::Resume { at: now })?;
                self.turn_deadline = self.paused_turn_left.take().map(|l| now + l);
                self.drill_deadline = self.paused_drill_left.take().map(|l| now + l);
                self.journal(&JournalOp::Timer {
                    turn_deadline: self.turn_deadline,
                    drill_deadline: self.drill_deadline,
                })?;
                self.status = Status::Running;
                self.bump(None);
                self.maybe_advance()?;
            }
            Control::Advance => {
                if self.status != Status::Running {
                    return Err(ApiError::conflict(
                        "not_running",
                        "turns end only while the drill is running",
                    ));
                }
                self.advance_all()?;
            }
            Control::ExtendTimer { seconds } => {
                let add = i64::from(seconds.min(24 * 3600)) * 1000;
                match self.status {
                    Status::Paused => {
                        if self.config.pacing == Pacing::Sync {
                            self.paused_turn_left = Some(self.paused_turn_left.unwrap_or(0) + add);
                        } else {
                            self.paused_drill_left =
                                Some(self.paused_drill_left.unwrap_or(0) + add);
                        }
                        self.journal(&JournalOp::Pause {
                            turn_left_ms: self.paused_turn_left,
                            drill_left_ms: self.paused_drill_left,
                        })?;
                    }
                    _ => {
                        let slot = if self.config.pacing == Pacing::Sync {
                            &mut self.turn_deadline
                        } else {
                            &mut self.drill_deadline
                        };
                        *slot = Some(slot.unwrap_or(now).max(now) + add);
                        self.journal(&JournalOp::Timer {
                            turn_deadline: self.turn_deadline,
                            drill_deadline: self.drill_deadline,
                        })?;
                    }
                }
                self.bump(None);
            }
            Control::Announce { text } => {
                let text = checked_text(&text, "an announcement")?;
                let r = self.session.announce(&text);
                self.recorded(r)?;
                self.announcements.push(text);
                self.bump(None);
            }
            Control::Message {
                teams,
                text,
                question,
            } => {
                let text = checked_text(&text, "a message")?;
                if let Some(q) = &question {
                    checked_text(&q.prompt, "a question")?;
                    if !(2..=MAX_CHOICES).contains(&q.choices.len()) {
                        return Err(ApiError::bad_request(format!(
                            "a question has 2 to {MAX_CHOICES} choices"
                        )));
                    }
                    for c in &q.choices {
                        checked_text(c, "a choice")?;
                    }
                }
                let teams: Vec<TeamId> = match teams {
                    None => (0..self.teams()).map(TeamId).collect(),
                    Some(list) => {
                        if let Some(bad) = list.iter().find(|&&t| t >= self.teams()) {
                            return Err(ApiError::not_found(format!("there is no team {bad}")));
                        }
                        list.into_iter().map(TeamId).collect()
                    }
                };
                let r = self.session.message(&teams, &text, question).map(|_| ());
                self.recorded(r)?;
                for t in teams {
                    self.bump(Some(t.0));
                }
            }
            Control::GrantHint { team, hint } => {
                if team >= self.teams() {
                    return Err(ApiError::not_found(format!("there is no team {team}")));
                }
                let Some(h) = self.session.scenario().hints.id(&hint) else {
                    return Err(ApiError::not_found(format!(
                        "the scenario has no hint `{}`",
                        hint.escape_debug()
                    )));
                };
                let r = self
                    .session
                    .intervene(TeamId(team), Intervention::GrantHint(h));
                self.recorded(r)?;
                self.bump(Some(team));
            }
            Control::End => self.finish()?,
        }
        Ok(())
    }

    fn room(&self, lang: Lang) -> Value {
        let now = Instant::now();
        let teams: Vec<RoomTeam> = (0..self.teams())
            .map(|t| RoomTeam {
                ready: self.ready[t].clone(),
                done: self.team_done(t),
                idle_seconds: now.duration_since(self.activity[t]).as_secs(),
            })
            .collect();
        views::room(
            &self.session,
            &self.context(None),
            &teams,
            IDLE_SECONDS,
            lang,
        )
    }

    fn report(
        &self,
        team: Option<usize>,
        format: ReportFormat,
        lang: Lang,
    ) -> Result<(&'static str, String), ApiError> {
        let s = self.session.scenario();
        let names = self.session.team_names();
        let chosen: Vec<usize> = match team {
            Some(t) if t < self.teams() => vec![t],
            Some(t) => return Err(ApiError::not_found(format!("there is no team {t}"))),
            None => (0..self.teams()).collect(),
        };
        let teams: Vec<(&str, &[crate::engine::event::Event])> = chosen
            .iter()
            .map(|&t| (names[t].as_str(), self.session.events(TeamId(t))))
            .collect();
        let members: Vec<Vec<String>> = chosen
            .iter()
            .map(|&t| self.session.members(TeamId(t)).to_vec())
            .collect();
        let report = aar::build(s, self.session.seed(), &teams, lang)
            .with_members(&members)
            .with_played(aar::Played {
                started: Some(self.config.created.clone()),
                scenario_sha256: self.scenario_sha256.clone(),
                ..aar::Played::default()
            });
        Ok(match format {
            ReportFormat::Md => ("text/markdown; charset=utf-8", markdown::render(&report)),
            ReportFormat::Html => ("text/html; charset=utf-8", html::render(&report)),
            ReportFormat::Json => (
                "application/json",
                serde_json::to_string(&report).map_err(|e| ApiError::internal(e.to_string()))?,
            ),
            ReportFormat::Csv => (
                "text/csv; charset=utf-8",
                crate::report::csv::scores(&report),
            ),
        })
    }

    fn summary(&self) -> DrillRow {
        let s = self.session.scenario();
        DrillRow {
            id: self.config.id.clone(),
            scenario: s.id.clone(),
            title: s.title.get(self.config.lang).to_owned(),
            seed: self.config.seed,
            pacing: match self.config.pacing {
                Pacing::Sync => "sync".into(),
                Pacing::SelfPaced => "self".into(),
            },
            created: self.config.created.clone(),
            status: serde_json::to_value(self.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            teams: (0..self.teams())
                .map(|t| {
                    let card = self.session.scorecard(TeamId(t));
                    TeamRow {
                        index: t,
                        name: self.session.team_names()[t].clone(),
                        members: self.session.members(TeamId(t)).to_vec(),
                        turn: self.session.turn(TeamId(t)),
                        score: card.total,
                        max: card.max,
                        outcome: crate::scoring::outcome_word(
                            self.session.ending(TeamId(t)).map(|e| e.outcome),
                        )
                        .to_owned(),
                    }
                })
                .collect(),
        }
    }

    fn index_put(&self) {
        if let Err(e) = self.index.put(&self.summary()) {
            // The index is a cache; the drill goes on without it.
            eprintln!("warning: drill index: {e}");
        }
    }
}

fn checked_text(text: &str, what: &str) -> Result<String, ApiError> {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > MAX_TEXT {
        return Err(ApiError::bad_request(format!(
            "{what} has 1 to {MAX_TEXT} characters"
        )));
    }
    Ok(t.to_owned())
}
