//! Starting a drill: a new one from its configuration, or one brought back from its folder
//! (the journal and the replay log) after a stop or a crash, at its last turn written.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use ed25519_dalek::SigningKey;
use tokio::sync::broadcast;

use super::{Drill, RESTART_GRACE_MS, Seat};
use crate::engine::TeamId;
use crate::replay::Log;
use crate::replay::record::{SyncOnFlush, now_rfc3339};
use crate::scenario::Scenario;
use crate::scenario::validate::resolve_command;
use crate::server::index::Index;
use crate::server::store::{DrillConfig, DrillDir, Journal, JournalOp, Pacing, now_ms};
use crate::server::views::Status;
use crate::session::Session;

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
        let log_bytes = crate::server::store::cut_torn_line(&dir.log())
            .map_err(|e| format!("{}: {e}", dir.log().display()))?;
        let log = Log::parse(&log_bytes).map_err(|e| format!("{}: {e}", dir.log().display()))?;
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(dir.log())
            .map_err(|e| format!("{}: {e}", dir.log().display()))?;
        let session = Session::resume(scenario, &log, Box::new(SyncOnFlush(file)))
            .map_err(|e| format!("{}: {e}", dir.log().display()))?;
        let journal_bytes = crate::server::store::cut_torn_line(&dir.journal())
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
}
