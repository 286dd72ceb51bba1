//! The world's side of a turn after the attacker moved: monitoring raises alerts, injects
//! arrive, business functions go down or come back, notification clocks run, and the turn
//! ends with containment and end-of-session checks.

use super::TeamMut;
use super::actions::alert_host;
use crate::engine::event::EventKind;
use crate::engine::state::{EndReason, Ending, InboxAlert, InternetPaths, Knowledge};
use crate::scenario::Scenario;
use crate::scenario::model::{ActionId, AlertId, Outcome, SeenIn, Target};

fn raise(s: &Scenario, t: &mut TeamMut, alert: AlertId) {
    let turn = t.clock.turn;
    t.knowledge.push_alert(InboxAlert { alert, turn });
    let slot = Knowledge::alert_slot(s, alert);
    t.knowledge.seen[slot] = true;
    // From rules 2, an address an alert names can be acted on at once: the team has been told
    // it (what it means still takes a triage).
    if t.rules >= 2 {
        let reveals = match alert {
            AlertId::Trace(tr) => &s.traces[tr].reveals,
            AlertId::Noise(n) => &s.noise[n].reveals,
        };
        for r in reveals {
            if let crate::scenario::model::Reveal::Address(a) = r {
                t.knowledge.known_addresses[a.index()] = true;
            }
        }
    }
    let host = alert_host(s, alert);
    if t.knowledge.triaged[slot].is_none() && !t.knowledge.hosts[host.index()].confirmed {
        t.knowledge.hosts[host.index()].suspicious = true;
    }
    t.emit(EventKind::Alert { alert });
}

/// Whether a mitigation that is on, or a message that has arrived, makes the monitoring raise
/// this trace (`detects`).
fn detects(s: &Scenario, t: &TeamMut, trace: crate::scenario::model::TraceId) -> bool {
    s.mitigations
        .iter()
        .any(|(m, x)| t.assets.mitigated[m.index()] && x.detects.contains(&trace))
        || s.injects
            .iter()
            .any(|(i, x)| t.knowledge.delivered[i.index()].is_some() && x.detects.contains(&trace))
}

/// Traces left this turn become alerts where monitoring covers them; noise rolls (one roll
/// per noise source every turn).
pub(crate) fn monitoring(s: &Scenario, t: &mut TeamMut) {
    let turn = t.clock.turn;
    for (id, tr) in s.traces.iter() {
        if tr.seen_in == SeenIn::Alert
            && t.evidence.traces[id.index()].left_at == Some(turn)
            && (s.hosts[tr.host].alerting.contains(&tr.source) || detects(s, t, id))
        {
            raise(s, t, AlertId::Trace(id));
        }
    }
    for (id, n) in s.noise.iter() {
        // From rules 2, a host that is offline (isolated, cut off with its segment, being
        // rebuilt) raises no noise: the roll is made all the same, so that the rest of the
        // turn's dice do not move.
        if t.roll() < n.chance
            && !(t.rules >= 2 && t.view(s).offline(n.host))
            && s.hosts[n.host].alerting.contains(&n.source)
        {
            raise(s, t, AlertId::Noise(id));
        }
    }
}

/// Injects whose trigger holds are scheduled (after their delay) and delivered; unanswered
/// questions expire.
pub(crate) fn injects(s: &Scenario, t: &mut TeamMut) {
    let turn = t.clock.turn;
    for (id, inject) in s.injects.iter() {
        let i = id.index();
        if t.knowledge.delivered[i].is_some() {
            continue;
        }
        if t.knowledge.due[i].is_none() && t.view(s).holds(&inject.trigger) {
            t.knowledge.due[i] = Some(turn + inject.delay);
        }
        if t.knowledge.due[i].is_some_and(|due| due <= turn) {
            t.knowledge.delivered[i] = Some(turn);
            t.emit(EventKind::Inject { inject: id });
            // What the message names or tells, the team has been told and can act on.
            super::actions::learn(s, t, &inject.reveals);
        }
    }
    for (id, inject) in s.injects.iter() {
        let i = id.index();
        let Some(within) = inject.question.as_ref().and_then(|q| q.answer_within) else {
            continue;
        };
        if let Some(at) = t.knowledge.delivered[i]
            && t.knowledge.answers[i].is_none()
            && !t.knowledge.expired[i]
            && turn >= at + within
        {
            t.knowledge.expired[i] = true;
            t.emit(EventKind::QuestionExpired { inject: id });
        }
    }
}

/// The actions that completed in the turn being played, with their targets.
fn completed_now<'a>(t: &'a TeamMut) -> impl Iterator<Item = (ActionId, &'a Target)> {
    let turn = t.clock.turn;
    t.log
        .events
        .iter()
        .rev()
        .take_while(move |e| e.turn == turn)
        .filter_map(|e| match &e.kind {
            EventKind::Completed { action, target, .. } => Some((*action, target)),
            _ => None,
        })
}

/// Business functions are down while a host they need is offline, encrypted or disrupted,
/// an account they need is disabled, an action or mitigation disrupts them, or an address
/// they rely on is blocked.
pub(crate) fn business_impact(s: &Scenario, t: &mut TeamMut) {
    let turn = t.clock.turn;
    // From rules 4, an action that completed this turn was still running in it.
    let finished: Vec<_> = if t.rules >= 4 {
        completed_now(t)
            .map(|(a, _)| a)
            .filter(|&a| !s.actions[a].disrupts.is_empty())
            .collect()
    } else {
        Vec::new()
    };
    // Nothing this phase changes moves the internet paths: worked out once for every function.
    let paths = InternetPaths::default();
    for (id, _) in s.functions.iter() {
        let down = t.view(s).function_down_with(id, turn, &finished, &paths);
        if down != t.assets.functions_down[id.index()] {
            t.assets.functions_down[id.index()] = down;
            t.emit(if down {
                EventKind::FunctionDown { function: id }
            } else {
                EventKind::FunctionUp { function: id }
            });
        }
    }
}

/// Notification clocks: a rule's clock starts the first turn its trigger holds; it is kept
/// if the stakeholder is notified (or the rule's `kept_by` action done) by the due turn.
/// Earlier reports count, except for a `follow_up` rule, which needs one made once its clock
/// has started.
pub(crate) fn deadlines(s: &Scenario, t: &mut TeamMut) {
    let turn = t.clock.turn;
    // The actions completed this turn, for rules that look at when a report was made.
    let done_now: Vec<(ActionId, Target)> = if s
        .notifications
        .iter()
        .any(|(_, r)| r.kept_by.is_some() || r.follow_up)
    {
        completed_now(t).map(|(a, x)| (a, x.clone())).collect()
    } else {
        Vec::new()
    };
    for (id, rule) in s.notifications.iter() {
        let i = id.index();
        if t.knowledge.rule_due[i].is_none() && t.view(s).holds(&rule.trigger) {
            let due = turn + rule.within;
            t.knowledge.rule_due[i] = Some((turn, due));
            t.emit(EventKind::DeadlineStarted { rule: id, due });
        }
        let Some((start, due)) = t.knowledge.rule_due[i] else {
            continue;
        };
        if t.knowledge.rule_kept[i] || t.knowledge.rule_missed[i] {
            continue;
        }
        // A follow-up needs a report made after the turn its clock started: the report that
        // started it (a first report triggering the final one) is not it.
        let reported_now = (!rule.follow_up || turn > start)
            && done_now
                .iter()
                .any(|(a, target)| rule.kept_by_act(s, *a, target));
        let reported_before = !rule.follow_up
            && match rule.kept_by {
                Some(k) => t.knowledge.completed[k.index()] > 0,
                None => t.knowledge.notified[rule.stakeholder.index()].is_some_and(|at| at <= due),
            };
        if reported_before || reported_now {
            t.knowledge.rule_kept[i] = true;
            t.emit(EventKind::DeadlineKept { rule: id });
        } else if turn >= due {
            t.knowledge.rule_missed[i] = true;
            t.emit(EventKind::DeadlineMissed { rule: id });
        }
    }
}

/// Containment changes, and the end of the session: the attacker's goal, the team's win, or
/// the time limit.
pub(crate) fn wrap_up(s: &Scenario, t: &mut TeamMut) {
    let turn = t.clock.turn;
    let (contained, evicted, won) = {
        let v = t.view(s);
        (v.contained(), v.evicted(), v.holds(&s.team_wins))
    };
    if contained != t.attacker.contained {
        t.attacker.contained = contained;
        t.emit(EventKind::Containment { contained });
    }
    t.attacker.evicted = evicted;
    // A goal that does not end the session (`ends: false`) is damage done: the team plays the
    // aftermath, but cannot win any more.
    let ending_goal = s
        .stages
        .iter()
        .any(|(id, st)| st.goal && st.ends && t.attacker.done[id.index()].is_some());
    let damage_done = t.attacker.goal_at.is_some();
    let ending = if ending_goal {
        Some((Outcome::Loss, EndReason::AdversaryGoal))
    } else if won {
        let outcome = if damage_done {
            Outcome::Loss
        } else {
            Outcome::Win
        };
        Some((outcome, EndReason::TeamWon))
    } else if turn >= s.max_turns {
        let outcome = if damage_done {
            Outcome::Loss
        } else {
            s.at_time_limit
        };
        Some((outcome, EndReason::TimeLimit))
    } else {
        None
    };
    if let Some((outcome, reason)) = ending {
        t.clock.ended = Some(Ending {
            outcome,
            reason,
            turn,
        });
        t.emit(EventKind::Ended { outcome, reason });
    }
}
