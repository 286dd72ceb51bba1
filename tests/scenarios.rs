//! Properties every shipped scenario keeps: it validates cleanly, its walkthrough wins with
//! no refused action, and the walkthrough outscores random play, which outscores doing nothing.

use std::sync::Arc;

use cyberdrill::engine::TeamId;
use cyberdrill::engine::event::EventKind;
use cyberdrill::scenario::model::Outcome;
use cyberdrill::scenario::{self, Scenario};
use cyberdrill::session::Session;
use cyberdrill::session::bots::{self, Policy, Scripted};

use crate::util::shipped_scenarios;

fn shipped() -> Vec<Arc<Scenario>> {
    shipped_scenarios()
        .iter()
        .map(|f| Arc::new(scenario::load(f).expect("shipped scenarios load").0))
        .collect()
}

#[test]
fn every_shipped_scenario_validates_without_errors_or_warnings() {
    let files = shipped_scenarios();
    assert!(!files.is_empty(), "scenarios/ holds at least the tutorial");
    for file in files {
        let checked = scenario::check_file(&file).expect("readable");
        let problems: Vec<String> = checked
            .problems
            .iter()
            .map(|p| format!("{}:{}: {} ({})", p.line, p.col, p.message, p.path))
            .collect();
        assert!(
            checked.is_valid() && problems.is_empty(),
            "{} has problems:\n{}",
            file.display(),
            problems.join("\n")
        );
        assert_eq!(
            checked.stats.languages.len(),
            2,
            "{} is complete in both languages",
            file.display()
        );
    }
}

fn play(s: &Arc<Scenario>, seed: u64, policy: &mut dyn Policy) -> Session {
    let mut session = Session::new(s.clone(), seed, &["t"]).unwrap();
    bots::play(&mut session, TeamId(0), policy, None).unwrap();
    session
}

#[test]
fn every_walkthrough_wins_without_a_refused_action_on_a_seed_sweep() {
    for s in shipped() {
        for seed in 0..50 {
            let session = play(&s, seed, &mut Scripted::walkthrough(&s));
            let refused: Vec<String> = session
                .events(TeamId(0))
                .iter()
                .filter(|e| matches!(e.kind, EventKind::Refused { .. }))
                .map(|e| {
                    cyberdrill::report::describe::event(
                        &s,
                        e,
                        cyberdrill::scenario::model::Lang::En,
                    )
                })
                .collect();
            assert!(refused.is_empty(), "{} seed {seed}: {refused:?}", s.id);
            assert_eq!(
                session.ending(TeamId(0)).map(|e| e.outcome),
                Some(Outcome::Win),
                "{} seed {seed}",
                s.id
            );
        }
    }
}

#[test]
fn walkthrough_outscores_random_which_outscores_idle() {
    use cyberdrill::session::balance::{PolicyKind, play_runs};
    for s in shipped() {
        let mean = |policy: PolicyKind| {
            let runs = play_runs(&s, &policy, 500, 1, &|_| {});
            runs.iter().map(|r| r.total as f64).sum::<f64>() / runs.len() as f64
        };
        let walkthrough = mean(PolicyKind::Scripted(s.walkthrough.clone()));
        let random = mean(PolicyKind::Random);
        let idle = mean(PolicyKind::Idle);
        assert!(
            walkthrough > random && random > idle,
            "{}: walkthrough {walkthrough}, random {random}, idle {idle}",
            s.id
        );
    }
}
