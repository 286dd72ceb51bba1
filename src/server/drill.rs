//! One drill: a task that owns the drill's [`Session`] (an actor). HTTP handlers and WebSocket
//! tasks send it requests over a channel and get replies; every change is announced on a
//! broadcast channel as a new version number.
//!
//! Nothing is acknowledged before it is on the disk: input (tokens, queued commands,
//! readiness, drafts, pauses, timers) goes to the journal, turns and the facilitator's
//! interventions to the replay log, each flushed with `fsync` first. [`Drill::recover`] brings
//! a drill back from those two files after any crash, at its last turn written, with the
//! queued input, the timers and the pause state.
//!
//! Here: the task's loop and what teams ask of it (joining, views, queueing, readiness, turns).
//! Beside it: `request` (the messages the task takes and its handle), `start` (a new drill, or
//! one recovered from its folder), `facilitator` (controls, the room view, reports).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ed25519_dalek::SigningKey;
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc};

use super::error::ApiError;
use super::index::Index;
use super::store::{DrillConfig, DrillDir, Journal, JournalOp, Pacing, now_ms};
use super::views::{self, Status, TeamContext};
use crate::engine::TeamId;
use crate::replay::record::now_rfc3339;
use crate::report::describe;
use crate::scenario::model::{Command, Lang};
use crate::scenario::raw::RawCommand;
use crate::scenario::validate::resolve_command;
use crate::session::{MAX_NAME, Session, SessionError};

mod facilitator;
mod request;
mod start;

pub use request::{Control, DrillHandle, ReportFormat, Request, Seat, Update};

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

impl Drill {
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
}
