//! What the facilitator does to a running drill — pause and resume, timers, messages and free
//! hints to teams, announcements to the room, the end — and what the drill shows of itself: the
//! room view, the reports, its row in the server's index.

use std::time::Instant;

use serde_json::Value;

use super::{Control, Drill, IDLE_SECONDS, MAX_CHOICES, MAX_TEXT, ReportFormat};
use crate::engine::{Intervention, TeamId};
use crate::report::{aar, html, markdown};
use crate::scenario::model::Lang;
use crate::server::error::ApiError;
use crate::server::index::{DrillRow, TeamRow};
use crate::server::store::{JournalOp, Pacing, now_ms};
use crate::server::views::{self, RoomTeam, Status};

impl Drill {
    pub(super) fn control(&mut self, control: Control) -> Result<(), ApiError> {
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

    pub(super) fn room(&self, lang: Lang) -> Value {
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

    pub(super) fn report(
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

    pub(super) fn summary(&self) -> DrillRow {
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

    pub(super) fn index_put(&self) {
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
