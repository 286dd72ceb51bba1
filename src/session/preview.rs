//! What a command would do, told before it is queued: whether it is legal now, the effort it
//! takes and for how long, and the side effects the team can foresee from what it knows —
//! business functions it stops, evidence it wipes, effort it brings. Front-ends show it before
//! the trainee confirms (the action composer's last step).
//!
//! Legality and business impact are the engine's own checks (`View::check_queue`,
//! `View::foreseen_stops`), asked of the state the queued commands leave; the tests below play
//! each foreseen effect through the engine.

use serde::Serialize;

use super::Session;
use crate::engine::TeamId;
use crate::engine::event::Refusal;
use crate::scenario::model::{Command, FunctionId, HostId, Target, Verb};

/// How long a foreseen side effect lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lasting {
    /// While the action runs.
    WhileRunning,
    /// From when the action is done until the team undoes it (reconnects, unblocks …).
    UntilUndone,
}

/// Evidence a command would wipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Wipe {
    /// The host whose disk (and unforwarded logs) would be wiped.
    pub host: HostId,
    /// The team has imaged the host (a copy of its disk is kept).
    pub imaged: bool,
}

/// What a command would do, as far as the team can tell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preview {
    /// Why it would be refused, if it would.
    pub refusal: Option<Refusal>,
    /// Effort it takes every turn it runs (0 for answers and hints).
    pub cost: u32,
    /// Turns it runs (0 for answers and hints).
    pub turns: u32,
    /// Effort free for the next turn once it is queued.
    pub effort_after: u32,
    /// Business functions now up that it would stop, and for how long.
    pub stops: Vec<(FunctionId, Lasting)>,
    /// Evidence it would wipe.
    pub wipes: Option<Wipe>,
    /// Effort it adds to every later turn once done.
    pub adds_effort: u32,
    /// Points a hint costs.
    pub hint_points: Option<u32>,
    /// Queued, it ends the exercise when the turn is played (the scenario's win conditions
    /// then hold, and would not without it): the engine plays the turn on a copy of the world
    /// to tell.
    pub ends_exercise: bool,
}

impl Session {
    /// Whether queuing `command` after what is queued makes the team win when the turn is
    /// played, where it would not win without it.
    fn ends_exercise(&self, team: TeamId, command: &Command) -> bool {
        use crate::engine::state::EndReason;
        let queued = self.queued(team).to_vec();
        let wins = |commands: Vec<Command>| {
            self.engine
                .trial_turn(team, commands)
                .is_some_and(|e| e.reason == EndReason::TeamWon)
        };
        let mut with = queued.clone();
        with.push(command.clone());
        wins(with) && !wins(queued)
    }

    /// What `command` would do if queued now for the team's next turn.
    pub fn preview(&self, team: TeamId, command: &Command) -> Preview {
        let s = self.scenario();
        let available = self.effort_available(team);
        let refusal = self.check(team, command).err();
        let ends_exercise = refusal.is_none() && self.ends_exercise(team, command);
        match command {
            Command::Act { action, target } => {
                let a = &s.actions[*action];
                let v = self.view(team);
                let queue = self.queue_check(team);
                let mut stops: Vec<(FunctionId, Lasting)> = v
                    .foreseen_stops(&queue, *action, target)
                    .into_iter()
                    .map(|(f, stays)| {
                        let lasting = if stays {
                            Lasting::UntilUndone
                        } else {
                            Lasting::WhileRunning
                        };
                        (f, lasting)
                    })
                    .collect();
                stops.sort();
                let wipes = match target {
                    Target::Host(h)
                        if a.destroys_evidence
                            || matches!(a.verb, Verb::Reimage | Verb::RestoreBackup) =>
                    {
                        Some(Wipe {
                            host: *h,
                            imaged: v.assets.hosts[h.index()].imaged_at.is_some(),
                        })
                    }
                    _ => None,
                };
                Preview {
                    effort_after: if refusal.is_none() {
                        available.saturating_sub(a.cost)
                    } else {
                        available
                    },
                    refusal,
                    cost: a.cost,
                    turns: a.turns,
                    stops,
                    wipes,
                    adds_effort: a.adds_effort,
                    hint_points: None,
                    ends_exercise,
                }
            }
            Command::Answer { .. } | Command::Hint(_) | Command::Reply { .. } => Preview {
                refusal,
                cost: 0,
                turns: 0,
                effort_after: available,
                stops: Vec::new(),
                wipes: None,
                adds_effort: 0,
                hint_points: match command {
                    Command::Hint(h) => Some(s.hints[*h].cost),
                    _ => None,
                },
                ends_exercise,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::engine::event::EventKind;
    use crate::scenario::model::{Command, Scenario};

    fn tutorial() -> Arc<Scenario> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/tutorial.ron");
        Arc::new(
            crate::scenario::load(std::path::Path::new(path))
                .expect("loads")
                .0,
        )
    }

    fn act(s: &Scenario, action: &str, target: Target) -> Command {
        Command::Act {
            action: s.actions.id(action).unwrap(),
            target,
        }
    }

    const T: TeamId = TeamId(0);

    #[test]
    fn isolating_a_host_foresees_the_functions_that_need_it_and_the_engine_agrees() {
        let s = tutorial();
        let mut session = Session::new(s.clone(), 1, &["t"]).unwrap();
        let pc = s.hosts.id("pc-01").unwrap();
        let isolate = act(&s, "isolate", Target::Host(pc));
        let p = session.preview(T, &isolate);
        let reception = s.functions.id("reception").unwrap();
        assert_eq!(p.refusal, None);
        assert_eq!((p.cost, p.turns, p.effort_after), (1, 1, 3));
        assert_eq!(p.stops, vec![(reception, Lasting::UntilUndone)]);
        assert_eq!(p.wipes, None);
        session.submit(T, vec![isolate]).unwrap();
        session.advance_team(T).unwrap();
        assert!(session.events(T).iter().any(|e| e.kind
            == EventKind::FunctionDown {
                function: reception
            }));
        // Once it is down, nothing more is foreseen for it.
        let reimage = act(&s, "reimage", Target::Host(pc));
        let p = session.preview(T, &reimage);
        assert!(p.stops.is_empty());
        assert_eq!(
            p.wipes,
            Some(Wipe {
                host: pc,
                imaged: false
            })
        );
    }

    #[test]
    fn blocking_a_legitimate_address_foresees_what_it_serves_and_the_engine_agrees() {
        let s = tutorial();
        let mut session = Session::new(s.clone(), 1, &["t"]).unwrap();
        let backup = s.addresses.id("backup-cloud").unwrap();
        let block = act(&s, "block", Target::Address(backup));
        let booking = s.functions.id("booking").unwrap();
        assert_eq!(
            session.preview(T, &block).stops,
            vec![(booking, Lasting::UntilUndone)]
        );
        session.submit(T, vec![block]).unwrap();
        session.advance_team(T).unwrap();
        assert!(
            session
                .events(T)
                .iter()
                .any(|e| e.kind == EventKind::FunctionDown { function: booking })
        );
    }

    #[test]
    fn a_restore_stops_what_needs_the_host_while_it_runs_and_the_engine_agrees() {
        let s = tutorial();
        let mut session = Session::new(s.clone(), 1, &["t"]).unwrap();
        let fs = s.hosts.id("fs-01").unwrap();
        let restore = act(&s, "restore", Target::Host(fs));
        let booking = s.functions.id("booking").unwrap();
        let p = session.preview(T, &restore);
        assert_eq!(p.stops, vec![(booking, Lasting::WhileRunning)]);
        assert_eq!((p.cost, p.turns), (2, 2));
        session.submit(T, vec![restore]).unwrap();
        session.advance_team(T).unwrap();
        assert!(
            session
                .events(T)
                .iter()
                .any(|e| e.kind == EventKind::FunctionDown { function: booking })
        );
    }

    #[test]
    fn refused_commands_keep_the_effort_and_say_why() {
        let s = tutorial();
        let mut session = Session::new(s.clone(), 1, &["t"]).unwrap();
        let fs = s.hosts.id("fs-01").unwrap();
        let pc = s.hosts.id("pc-01").unwrap();
        session
            .submit(
                T,
                vec![
                    act(&s, "restore", Target::Host(fs)),
                    act(&s, "image-disk", Target::Host(pc)),
                ],
            )
            .unwrap();
        let p = session.preview(T, &act(&s, "isolate", Target::Host(pc)));
        assert_eq!(
            p.refusal,
            Some(Refusal::NotEnoughEffort { needed: 1, left: 0 })
        );
        assert_eq!(p.effort_after, 0);
        let hint = s.hints.id("hint-alert").unwrap();
        let p = session.preview(T, &Command::Hint(hint));
        assert_eq!(p.refusal, Some(Refusal::HintNotYet { from_turn: 2 }));
        assert_eq!(p.hint_points, Some(5));
    }
}
