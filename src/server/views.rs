//! What the API shows, as JSON: a team's view (what the terminal UI shows, in the scenario's
//! own ids, with the texts in the reader's language) and the facilitator's room view (every
//! team at a glance, with the ground truth).
//!
//! Sentences come from `report::describe`, the one place for every sentence in both
//! languages. A team's view never holds the ground truth before the drill has ended.

use serde_json::{Value, json};

use crate::engine::TeamId;
use crate::engine::event::EventKind;
use crate::report::describe;
use crate::scenario::Scenario;
use crate::scenario::model::{Command, Lang, Target, TargetKind};
use crate::scoring::Status as ObjectiveStatus;
use crate::session::Session;
use crate::session::observation::{HostStatus, InboxItem};

/// A view and its JSON text, made once and shared by every client that shows it.
#[derive(Debug)]
pub struct Rendered {
    /// The view.
    pub value: Value,
    /// Its JSON text.
    pub json: String,
}

impl Rendered {
    /// Renders a view's text.
    pub fn new(value: Value) -> Self {
        let json = value.to_string();
        Self { value, json }
    }
}

/// The drill's state as every client sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Created; teams join and read the briefing; no turn ends yet.
    Lobby,
    /// Turns end.
    Running,
    /// The facilitator paused: no turn ends, timers stopped.
    Paused,
    /// Over: the log is sealed; debriefs are open.
    Ended,
}

/// What a team's view needs besides the session.
pub struct TeamContext<'a> {
    /// The drill's id.
    pub drill: &'a str,
    /// Pacing (`sync` or `self`).
    pub pacing: &'a str,
    /// The drill's state.
    pub status: Status,
    /// Turn timer deadline (Unix ms), while it runs.
    pub turn_deadline: Option<i64>,
    /// Time left on the turn timer while paused (ms).
    pub turn_left: Option<i64>,
    /// The drill's own deadline (Unix ms), while it runs.
    pub drill_deadline: Option<i64>,
    /// The team's members and whether each is done with the turn.
    pub ready: Vec<(String, bool)>,
    /// The team's turn is over for this round (everyone ready, or forced).
    pub done: bool,
    /// The team's findings draft.
    pub draft: Option<&'a Value>,
    /// What the facilitator told the room, oldest first.
    pub announcements: &'a [String],
    /// The version of the drill's state this view shows.
    pub version: u64,
    /// SHA-256 of the scenario file (so a bot can find its own copy).
    pub scenario_sha256: &'a str,
}

fn text(t: &crate::scenario::model::Text, lang: Lang) -> &str {
    t.get(lang)
}

/// A command as written in action files, in JSON.
pub fn raw_command(s: &Scenario, c: &Command) -> Value {
    serde_json::to_value(s.command_to_raw(c)).unwrap_or(Value::Null)
}

fn raw_target(s: &Scenario, action: crate::scenario::model::ActionId, t: &Target) -> Value {
    match raw_command(
        s,
        &Command::Act {
            action,
            target: t.clone(),
        },
    ) {
        Value::Object(mut m) => m
            .remove("Act")
            .and_then(|a| a.as_array().and_then(|a| a.get(1).cloned()))
            .unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

fn host_status(st: HostStatus) -> &'static str {
    match st {
        HostStatus::Normal => "normal",
        HostStatus::Suspicious => "suspicious",
        HostStatus::Compromised => "compromised",
        HostStatus::Rebuilt => "rebuilt",
    }
}

fn objective_status(st: ObjectiveStatus) -> &'static str {
    match st {
        ObjectiveStatus::Met => "met",
        ObjectiveStatus::Partial => "partial",
        ObjectiveStatus::Missed => "missed",
        ObjectiveStatus::NotApplicable => "not_applicable",
        ObjectiveStatus::Pending => "pending",
    }
}

/// A team's view.
pub fn team(session: &Session, team: TeamId, ctx: &TeamContext, lang: Lang) -> Value {
    let s = session.scenario();
    let obs = session.observe(team);
    let over = ctx.status == Status::Ended;
    let inbox: Vec<Value> = obs
        .inbox
        .iter()
        .map(|item| match item {
            InboxItem::Alert {
                alert,
                host,
                turn,
                verdict,
            } => json!({
                "kind": "alert",
                "id": s.alert_key(*alert),
                "host": s.hosts.key(*host),
                "turn": turn,
                "severity": describe::severity_word(describe::alert_severity(s, *alert), lang),
                "title": describe::alert_title(s, *alert, lang),
                "text": describe::alert_text(s, *alert, lang),
                "verdict": verdict.map(|m| if m { "malicious" } else { "benign" }),
            }),
            InboxItem::Message {
                inject,
                turn,
                answer,
                expired,
                answer_by,
                order,
            } => {
                let i = &s.injects[*inject];
                json!({
                    "kind": "message",
                    "id": s.injects.key(*inject),
                    "turn": turn,
                    "from": describe::message_from(s, *inject, lang),
                    "subject": text(&i.subject, lang),
                    "body": text(&i.body, lang),
                    "question": i.question.as_ref().map(|q| json!({
                        "prompt": text(&q.prompt, lang),
                        "choices": order.iter().filter_map(|&n| q.choices.get(n)).map(|c| json!({
                            "id": c.key, "text": text(&c.text, lang),
                        })).collect::<Vec<_>>(),
                        "answer": answer.map(|a| q.choices[a].key.clone()),
                        "answer_by": answer_by,
                        "expired": expired,
                    })),
                })
            }
            InboxItem::Facilitator {
                number,
                turn,
                text,
                question,
                reply,
            } => json!({
                "kind": "facilitator",
                "number": number,
                "turn": turn,
                "text": text,
                "question": question.as_ref().map(|q| json!({
                    "prompt": q.prompt,
                    "choices": q.choices,
                    "reply": reply.map(|r| r + 1),
                })),
            }),
        })
        .collect();
    let hosts: Vec<Value> = obs
        .hosts
        .iter()
        .map(|h| {
            let host = &s.hosts[h.host];
            json!({
                "id": s.hosts.key(h.host),
                "kind": describe::host_kind(host.kind, lang),
                "description": host.description.as_ref().map(|d| text(d, lang)),
                "segment": s.segments.key(host.segment),
                "status": host_status(h.status),
                "isolated": h.isolated,
                "busy": h.busy,
                "encrypted": h.encrypted,
                "down": h.down,
                "imaged": h.imaged,
                "patched": h.patched,
            })
        })
        .collect();
    let segments: Vec<Value> = s
        .segments
        .iter()
        .map(|(id, seg)| {
            json!({
                "id": seg.key,
                "name": text(&seg.name, lang),
                "isolated": obs.isolated_segments.contains(&id),
            })
        })
        .collect();
    let queued_by = session.queued_by(team);
    let queued: Vec<Value> = obs
        .queued
        .iter()
        .enumerate()
        .map(|(i, c)| {
            json!({
                "index": i,
                "command": raw_command(s, c),
                "label": describe::command(s, c, lang),
                "by": queued_by.get(i).cloned().flatten(),
            })
        })
        .collect();
    let score = &obs.score;
    let mut view = json!({
        "drill": {
            "id": ctx.drill,
            "status": ctx.status,
            "pacing": ctx.pacing,
            "turn_deadline": ctx.turn_deadline,
            "turn_left_ms": ctx.turn_left,
            "drill_deadline": ctx.drill_deadline,
            "announcements": ctx.announcements,
            "version": ctx.version,
        },
        "scenario": {
            "id": s.id,
            "title": text(&s.title, lang),
            "max_turns": s.max_turns,
            "minutes_per_turn": s.minutes_per_turn,
            "sha256": ctx.scenario_sha256,
        },
        "team": {
            "index": team.0,
            "name": obs.team,
            "members": ctx.ready.iter().map(|(m, r)| json!({"name": m, "ready": r})).collect::<Vec<_>>(),
            "done": ctx.done,
        },
        "lang": lang.code(),
        "turn": obs.turn,
        "minutes": obs.minutes,
        "clock": describe::world_time(s, obs.minutes, lang),
        "ended": obs.ended.map(|e| json!({
            "outcome": e.outcome,
            "reason": e.reason,
            "turn": e.turn,
            "text": describe::ending(e.outcome, e.reason, lang),
            "win_conditions": session.win_conditions(team).iter().map(|(c, held)| json!({
                "text": describe::condition(s, c, lang), "met": held,
            })).collect::<Vec<_>>(),
        })),
        "effort": {"per_turn": obs.effort_per_turn, "available": obs.effort_available},
        "score": {"total": score.total, "max": score.max, "percent": score.percent},
        "score_changes": session.score_changes(team, obs.turn).iter().map(|c| json!({
            "points": c.points,
            "text": describe::score_change(s, c, lang),
        })).collect::<Vec<_>>(),
        "inbox": inbox,
        "hosts": hosts,
        "segments": segments,
        "accounts": obs.accounts.iter().map(|a| json!({
            "id": s.accounts.key(a.account), "flagged": a.flagged, "disabled": a.disabled,
        })).collect::<Vec<_>>(),
        "addresses": obs.addresses.iter().map(|a| json!({
            "id": s.addresses.key(a.address), "blocked": a.blocked,
        })).collect::<Vec<_>>(),
        "mitigations_on": obs.mitigations.iter().map(|m| s.mitigations.key(*m)).collect::<Vec<_>>(),
        "functions_down": obs.functions_down.iter().map(|f| json!({
            "id": s.functions.key(*f), "name": text(&s.functions[*f].name, lang),
        })).collect::<Vec<_>>(),
        "evidence": obs.evidence.iter().map(|(t, turn)| json!({
            "id": s.traces.key(*t), "turn": turn, "text": text(&s.traces[*t].text, lang),
        })).collect::<Vec<_>>(),
        "tasks": obs.tasks.iter().map(|t| json!({
            "label": describe::command(s, &Command::Act { action: t.action, target: t.target.clone() }, lang),
            "command": raw_command(s, &Command::Act { action: t.action, target: t.target.clone() }),
            "started": t.started,
            "remaining": t.remaining,
        })).collect::<Vec<_>>(),
        "deadlines": obs.deadlines.iter().map(|d| json!({
            "rule": s.notifications.key(d.rule),
            "to": describe::duty(s, d.rule, lang),
            "basis": text(&s.notifications[d.rule].basis, lang),
            "due": d.due, "kept": d.kept, "missed": d.missed,
        })).collect::<Vec<_>>(),
        "hints": {
            "taken": obs.hints.iter().map(|(h, turn)| json!({
                "id": s.hints.key(*h), "turn": turn, "text": text(&s.hints[*h].text, lang),
                "granted": obs.granted_hints.contains(h),
            })).collect::<Vec<_>>(),
            // Taken this turn: shown at once, paid for when the turn is played.
            "queued": session.queued(team).iter().filter_map(|c| match c {
                Command::Hint(h) => Some(json!({
                    "id": s.hints.key(*h), "topic": describe::hint_title(s, *h, lang),
                    "text": text(&s.hints[*h].text, lang), "cost": s.hints[*h].cost,
                })),
                _ => None,
            }).collect::<Vec<_>>(),
            "offered": s.hints.iter()
                .filter(|(h, _)| session.check(team, &Command::Hint(*h)).is_ok())
                .map(|(h, hint)| json!({
                    "id": s.hints.key(h), "cost": hint.cost,
                    "topic": describe::hint_title(s, h, lang),
                }))
                .collect::<Vec<_>>(),
        },
        "queued": queued,
        "refused_last_turn": obs.refused.iter().map(|(c, r)| json!({
            "command": raw_command(s, c),
            "label": describe::command(s, c, lang),
            "reason": describe::refusal(r, lang),
        })).collect::<Vec<_>>(),
        "options": if obs.ended.is_none() && !over { options(session, team, lang) } else { Vec::new() },
        "findings_form": {
            "entry_vectors": obs.entry_order.iter().map(|&id| &s.entry_vectors[id]).map(|e| json!({"id": e.key, "name": text(&e.text, lang)})).collect::<Vec<_>>(),
            "data_sets": s.data_sets.iter().map(|(_, d)| json!({"id": d.key, "name": text(&d.name, lang)})).collect::<Vec<_>>(),
            "root_causes": obs.root_cause_order.iter().map(|&id| &s.root_causes[id]).map(|r| json!({"id": r.key, "name": text(&r.text, lang)})).collect::<Vec<_>>(),
        },
        "findings": obs.findings.as_ref().map(|(f, turn)| json!({
            "turn": turn,
            "entry": s.entry_vectors.key(f.entry),
            "hosts": f.hosts.iter().map(|h| s.hosts.key(*h)).collect::<Vec<_>>(),
            "data": f.data.iter().map(|d| s.data_sets.key(*d)).collect::<Vec<_>>(),
            "first_turn": f.first_turn,
            "root_cause": f.root_cause.map(|r| s.root_causes.key(r)),
        })),
        "draft": ctx.draft,
    });
    if over || obs.ended.is_some() {
        view["debrief"] = debrief(session, team, lang, over);
    }
    view
}

/// The actions the team may take next turn, with their legal targets (the engine's own
/// legality checks, as the terminal UI's composer offers them).
fn options(session: &Session, team: TeamId, lang: Lang) -> Vec<Value> {
    let s = session.scenario();
    let available = session.effort_available(team);
    s.actions
        .iter()
        .filter_map(|(id, a)| {
            let kind = a.verb.target_kind();
            let label = |t: &Target| describe::target(s, t, lang);
            let targets: Vec<Value> = match kind {
                TargetKind::Org => {
                    let c = Command::Act {
                        action: id,
                        target: Target::Org,
                    };
                    match session.check(team, &c) {
                        // Too dear now is still an option the team can see.
                        Ok(()) | Err(crate::engine::event::Refusal::NotEnoughEffort { .. }) => {
                            vec![json!({"target": "Org", "label": ""})]
                        }
                        Err(_) => Vec::new(),
                    }
                }
                TargetKind::Findings => vec![json!({"target": "Findings", "label": ""})],
                _ => session
                    .legal_targets(team, id)
                    .iter()
                    .map(|t| json!({"target": raw_target(s, id, t), "label": label(t)}))
                    .collect(),
            };
            (!targets.is_empty()).then(|| {
                json!({
                    "action": a.key,
                    "name": text(&a.name, lang),
                    "cost": a.cost,
                    "turns": a.turns,
                    "affordable": a.cost <= available,
                    "target_kind": kind.name().to_ascii_lowercase(),
                    "targets": targets,
                })
            })
        })
        .collect()
}

/// The end of the exercise for a team: scorecard with reasons; what really happened only
/// once the whole drill is over (the incident is the same for every team).
fn debrief(session: &Session, team: TeamId, lang: Lang, drill_over: bool) -> Value {
    let s = session.scenario();
    let card = session.scorecard(team);
    let mut d = json!({
        "score": {"total": card.total, "max": card.max, "percent": card.percent,
                  "grade": card.grade.map(|g| text(&s.grades[g].label, lang).to_owned())},
        "objectives": card.objectives.iter().map(|o| json!({
            "id": s.objectives.key(o.objective),
            "name": text(&s.objectives[o.objective].name, lang),
            "status": objective_status(o.status),
            "points": o.points, "max": o.max,
            "reason": describe::reason(s, &o.reason, lang),
        })).collect::<Vec<_>>(),
        "penalties": card.penalties.iter().map(|p| json!({
            "what": describe::penalty(s, &p.kind, lang), "count": p.count, "points": p.points,
        })).collect::<Vec<_>>(),
    });
    if drill_over {
        d["timeline"] = timeline(session, team, lang);
        if let Some(epilogue) = &s.debrief {
            d["epilogue"] = json!(text(epilogue, lang));
        }
    }
    d
}

/// What the facilitator sees of one team besides its world.
pub struct RoomTeam {
    /// Members and readiness.
    pub ready: Vec<(String, bool)>,
    /// Turn over for this round.
    pub done: bool,
    /// Seconds since the team last did anything.
    pub idle_seconds: u64,
}

/// The facilitator's room view: every team's progress and the ground truth beside it.
pub fn room(
    session: &Session,
    ctx: &TeamContext,
    teams: &[RoomTeam],
    idle_after: u64,
    lang: Lang,
) -> Value {
    let s = session.scenario();
    let rows: Vec<Value> = teams
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let id = TeamId(i);
            let v = session.view(id);
            let card = session.scorecard(id);
            let events = session.events(id);
            let per_turn = s.effort_per_turn.saturating_add(v.staff.bonus);
            let hints = events
                .iter()
                .filter(|e| matches!(e.kind, EventKind::HintTaken { .. }))
                .count();
            let granted = events
                .iter()
                .filter(|e| matches!(e.kind, EventKind::HintGranted { .. }))
                .count();
            let missed: Vec<&str> = s
                .notifications
                .iter()
                .filter(|(r, _)| v.knowledge.rule_missed[r.index()])
                .map(|(_, r)| r.key.as_str())
                .collect();
            let goal = v.attacker.goal_at.is_some();
            let ended = session.ending(id);
            let mut attention = Vec::new();
            if ended.is_none() && t.idle_seconds >= idle_after && ctx.status == Status::Running {
                attention.push("idle");
            }
            if !missed.is_empty() {
                attention.push("deadline_missed");
            }
            if goal {
                attention.push("attacker_goal");
            }
            let replies: Vec<Value> = events
                .iter()
                .filter_map(|e| match &e.kind {
                    EventKind::Replied { number, text, .. } => {
                        Some(json!({"message": number, "reply": text, "turn": e.turn}))
                    }
                    _ => None,
                })
                .collect();
            json!({
                "index": i,
                "name": session.team_names()[i],
                "members": t.ready.iter().map(|(m, r)| json!({"name": m, "ready": r})).collect::<Vec<_>>(),
                "turn": session.turn(id),
                "done": t.done,
                "ended": ended.map(|e| json!({"outcome": e.outcome, "reason": e.reason, "turn": e.turn})),
                "effort": {"per_turn": per_turn, "available": session.effort_available(id)},
                "score": {"total": card.total, "max": card.max, "percent": card.percent},
                "objectives": card.objectives.iter().map(|o| json!({
                    "id": s.objectives.key(o.objective),
                    "status": objective_status(o.status),
                    "points": o.points, "max": o.max,
                })).collect::<Vec<_>>(),
                "objectives_met": card.objectives.iter().filter(|o| o.status == ObjectiveStatus::Met).count(),
                "deadlines": v.knowledge.rule_due.iter().enumerate().filter_map(|(r, due)| due.map(|(_, due)| json!({
                    "rule": s.notifications.key(crate::scenario::model::Id::new(r)),
                    "due": due,
                    "kept": v.knowledge.rule_kept[r],
                    "missed": v.knowledge.rule_missed[r],
                }))).collect::<Vec<_>>(),
                "hints_taken": hints,
                "hints_granted": granted,
                "contained": v.attacker.contained,
                "detected_at": v.knowledge.detected_at,
                "contained_at": crate::scoring::containment_turn(s, events),
                "idle_seconds": t.idle_seconds,
                "attention": attention,
                "replies": replies,
                "truth": {
                    "stages_done": s.stages.iter().filter(|(st, _)| v.attacker.done[st.index()].is_some()).map(|(_, st)| st.key.as_str()).collect::<Vec<_>>(),
                    "hosts_held": s.hosts.iter().filter(|(h, _)| v.assets.hosts[h.index()].foothold.is_some()).map(|(_, h)| h.key.as_str()).collect::<Vec<_>>(),
                    "attacker_goal_reached": goal,
                    "data_exfiltrated": s.data_sets.iter().filter(|(d, _)| v.assets.exfiltrated[d.index()].is_some()).map(|(_, d)| d.key.as_str()).collect::<Vec<_>>(),
                },
            })
        })
        .collect();
    json!({
        "drill": {
            "id": ctx.drill,
            "status": ctx.status,
            "pacing": ctx.pacing,
            "turn_deadline": ctx.turn_deadline,
            "turn_left_ms": ctx.turn_left,
            "drill_deadline": ctx.drill_deadline,
            "announcements": ctx.announcements,
            "version": ctx.version,
        },
        "scenario": {
            "id": s.id,
            "title": text(&s.title, lang),
            "max_turns": s.max_turns,
            "hints": s.hints.iter().map(|(_, h)| json!({"id": h.key, "text": text(&h.text, lang), "cost": h.cost})).collect::<Vec<_>>(),
            "objectives": s.objectives.iter().map(|(_, o)| json!({"id": o.key, "name": text(&o.name, lang), "points": o.points})).collect::<Vec<_>>(),
        },
        "teams": rows,
    })
}

/// The briefing of a scenario: what the team reads before the first turn.
pub fn briefing(s: &Scenario, lang: Lang) -> Value {
    json!({
        "title": text(&s.title, lang),
        "summary": text(&s.summary, lang),
        "organisation": text(&s.org_name, lang),
        "description": text(&s.org_description, lang),
        "role": text(&s.role, lang),
        "learning": s.learning_objectives.iter().map(|(_, l)| text(&l.text, lang)).collect::<Vec<_>>(),
        "scored": s.objectives.iter().map(|(_, o)| json!({"name": text(&o.name, lang), "points": o.points})).collect::<Vec<_>>(),
        "minutes_per_turn": s.minutes_per_turn,
        "max_turns": s.max_turns,
        "effort_per_turn": s.effort_per_turn,
    })
}

/// A team's whole timeline, hidden events marked: for the facilitator during the drill.
pub fn timeline(session: &Session, team: TeamId, lang: Lang) -> Value {
    let s = session.scenario();
    session
        .events(team)
        .iter()
        .map(|e| {
            json!({
                "turn": e.turn,
                "hidden": !e.kind.visible(),
                "text": describe::event(s, e, lang),
            })
        })
        .collect()
}
