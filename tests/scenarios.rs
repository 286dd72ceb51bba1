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
    // In mean percentage of the maximum (the grade a trainee sees); on raw totals, whose
    // penalties a random team can run up, the walkthrough must still beat both.
    for s in shipped() {
        let mean = |policy: PolicyKind| {
            let runs = play_runs(&s, &policy, 500, 1, &|_| {});
            let n = runs.len() as f64;
            (
                runs.iter().map(|r| r.total as f64).sum::<f64>() / n,
                runs.iter().map(|r| f64::from(r.percent)).sum::<f64>() / n,
            )
        };
        let walkthrough = mean(PolicyKind::Scripted(s.walkthrough.clone()));
        let random = mean(PolicyKind::Random);
        let idle = mean(PolicyKind::Idle);
        assert!(
            walkthrough.1 > random.1 && random.1 > idle.1,
            "{}: percent: walkthrough {}, random {}, idle {}",
            s.id,
            walkthrough.1,
            random.1,
            idle.1
        );
        assert!(
            walkthrough.0 > random.0 && walkthrough.0 > idle.0,
            "{}: totals: walkthrough {}, random {}, idle {}",
            s.id,
            walkthrough.0,
            random.0,
            idle.0
        );
    }
}

#[test]
fn the_walkthrough_earns_85_percent_on_every_seed_and_idle_teams_lose() {
    use cyberdrill::session::balance::{PolicyKind, play_runs};
    for s in shipped() {
        let walkthrough = play_runs(
            &s,
            &PolicyKind::Scripted(s.walkthrough.clone()),
            200,
            1,
            &|_| {},
        );
        let worst = walkthrough.iter().min_by_key(|r| r.percent).unwrap();
        assert!(
            worst.percent >= 85,
            "{}: {}% at seed {}",
            s.id,
            worst.percent,
            worst.seed
        );
        let idle = play_runs(&s, &PolicyKind::Idle, 200, 1, &|_| {});
        assert!(idle.iter().all(|r| !r.won), "{}: an idle team won", s.id);
        let random = play_runs(&s, &PolicyKind::Random, 200, 1, &|_| {});
        let mean = |runs: &[cyberdrill::session::balance::Run]| {
            runs.iter().map(|r| f64::from(r.percent)).sum::<f64>() / runs.len() as f64
        };
        assert!(
            mean(&random) < mean(&walkthrough) / 2.0,
            "{}: random {}% is not well below the walkthrough {}%",
            s.id,
            mean(&random),
            mean(&walkthrough)
        );
    }
}

/// The flagship exercises and what each must contain.
#[test]
fn flagship_scenarios_have_the_required_content() {
    use cyberdrill::scenario::model::{ObjectiveKind, Verb};
    let all = shipped();
    for id in [
        "municipal-breach",
        "olympics-ticketing",
        "sme-supply-chain",
        "port-ransomware",
    ] {
        let s = all
            .iter()
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("scenarios/{id}.ron is shipped"));
        assert!(s.hosts.len() >= 15, "{id}: hosts");
        assert!(s.segments.len() >= 4, "{id}: segments");
        assert!(s.stages.len() >= 8, "{id}: stages");
        let alternatives = s.stages.iter().filter(|(_, st)| st.alternative).count();
        assert!(alternatives >= 2, "{id}: alternative routes");
        assert!(s.injects.len() >= 10, "{id}: injects");
        assert!(
            s.injects.iter().filter(|(_, i)| i.pressure).count() >= 3,
            "{id}: pressure injects"
        );
        assert!(!s.noise.is_empty(), "{id}: noise");
        assert!(s.objectives.len() >= 6, "{id}: objectives");
        let kinds = |f: fn(&ObjectiveKind) -> bool| s.objectives.iter().any(|(_, o)| f(&o.kind));
        assert!(
            kinds(|k| matches!(k, ObjectiveKind::Detect { .. })),
            "{id}: detection"
        );
        assert!(
            kinds(|k| matches!(k, ObjectiveKind::Contain { .. } | ObjectiveKind::Prevent(_))),
            "{id}: containment"
        );
        assert!(
            kinds(|k| matches!(k, ObjectiveKind::PreserveEvidence)),
            "{id}: evidence"
        );
        assert!(
            kinds(|k| matches!(k, ObjectiveKind::Restore { .. })),
            "{id}: recovery"
        );
        assert!(
            kinds(|k| matches!(k, ObjectiveKind::Notify(_))),
            "{id}: notification"
        );
        assert!(
            kinds(|k| matches!(k, ObjectiveKind::Finding(_))),
            "{id}: findings"
        );
        assert!(!s.hints.is_empty(), "{id}: hints");
        assert!(
            (12..=20).contains(&s.max_turns),
            "{id}: {} turns",
            s.max_turns
        );
        let last = s.walkthrough.iter().map(|p| p.turn).max().unwrap();
        assert!(last <= s.max_turns, "{id}: walkthrough within the session");
        assert!(
            s.actions
                .iter()
                .any(|(_, a)| a.verb == Verb::SubmitFindings),
            "{id}: a findings report"
        );
    }
}

/// The first choice shown is right no more often than chance: over every question of every
/// shipped scenario and many seeds, a team that always takes the first choice shown gets about
/// as many right (and as many concealment) answers as one that picks at random.
#[test]
fn the_first_choice_shown_is_right_no_more_often_than_chance() {
    let (mut first_right, mut chance_right, mut n) = (0.0, 0.0, 0.0);
    for s in shipped() {
        for seed in 0..200 {
            let session = Session::new(s.clone(), seed, &["a", "b"]).unwrap();
            for team in [TeamId(0), TeamId(1)] {
                for (id, inject) in s.injects.iter() {
                    let Some(q) = &inject.question else { continue };
                    let order = session.choice_order(team, id);
                    first_right += f64::from(u8::from(q.choices[order[0]].correct));
                    chance_right += q.choices.iter().filter(|c| c.correct).count() as f64
                        / q.choices.len() as f64;
                    n += 1.0;
                }
            }
        }
    }
    let (first, chance) = (first_right / n, chance_right / n);
    assert!(
        (first - chance).abs() < 0.03,
        "the first choice shown is right {first:.3} of the time, chance is {chance:.3}"
    );
}

/// A team that takes the first choice shown to every question and triages nothing scores no
/// better than random play: its mean percentage of the maximum (the score a trainee is shown
/// and graded on; the maximum is the same for every team on a seed) is no higher.
#[test]
fn a_first_choice_team_that_triages_nothing_scores_no_better_than_random() {
    use cyberdrill::session::balance::{PolicyKind, play_runs};
    for s in shipped() {
        let mean = |policy: PolicyKind| {
            let runs = play_runs(&s, &policy, 500, 1, &|_| {});
            runs.iter().map(|r| f64::from(r.percent)).sum::<f64>() / runs.len() as f64
        };
        let first = mean(PolicyKind::FirstChoice);
        let random = mean(PolicyKind::Random);
        assert!(
            first <= random,
            "{}: first-choice {first}%, random {random}%",
            s.id
        );
    }
}

/// The choices of every question are shown in an order that depends on the team and the seed,
/// and the right answer is not written first in any shipped scenario.
#[test]
fn choices_are_shuffled_per_team_and_no_shipped_question_puts_the_answer_first() {
    for s in shipped() {
        for (id, inject) in s.injects.iter() {
            let Some(q) = &inject.question else { continue };
            assert!(!q.choices[0].correct, "{}: {}", s.id, inject.key);
            let session = Session::new(s.clone(), 3, &["a", "b"]).unwrap();
            let mut orders = std::collections::BTreeSet::new();
            for seed in 0..30 {
                let session = Session::new(s.clone(), seed, &["a"]).unwrap();
                let order = session.choice_order(TeamId(0), id);
                let mut sorted = order.clone();
                sorted.sort_unstable();
                assert_eq!(sorted, (0..q.choices.len()).collect::<Vec<_>>());
                orders.insert(order);
            }
            assert!(orders.len() > 1, "{}: {} never reordered", s.id, inject.key);
            assert_eq!(
                session.choice_order(TeamId(0), id),
                session.choice_order(TeamId(0), id)
            );
        }
    }
}

/// Not looking is not rewarded: duties and questions arise from what really happened, so a
/// team that does nothing (or only answers at random) is scored out of the same maximum as
/// the walkthrough on the same seed.
#[test]
fn the_maximum_is_the_same_for_the_walkthrough_and_a_team_that_does_nothing() {
    use cyberdrill::session::bots::{FirstChoice, Idle};
    for s in shipped() {
        for seed in 0..10 {
            let max = |policy: &mut dyn Policy| play(&s, seed, policy).scorecard(TeamId(0)).max;
            let walkthrough = max(&mut Scripted::walkthrough(&s));
            assert_eq!(max(&mut Idle), walkthrough, "{} seed {seed}: idle", s.id);
            assert_eq!(
                max(&mut FirstChoice::new(seed, TeamId(0))),
                walkthrough,
                "{} seed {seed}: first choice",
                s.id
            );
        }
    }
}

/// What each business function is tied to from the other side — the mitigations that disrupt
/// it, the addresses it relies on — is what those mitigations and addresses say, in their
/// order, and the shipped scenarios use both ties.
#[test]
fn each_function_knows_the_mitigations_and_addresses_that_stop_it() {
    use cyberdrill::scenario::model::AddressOwner;
    let (mut disrupted, mut served) = (0, 0);
    for s in shipped() {
        for (f, function) in s.functions.iter() {
            let by: Vec<_> = s
                .mitigations
                .iter()
                .filter(|(_, m)| m.disrupts.contains(&f))
                .map(|(m, _)| m)
                .collect();
            let via: Vec<_> = s
                .addresses
                .iter()
                .filter(|(_, a)| {
                    matches!(&a.owner, AddressOwner::Legitimate { serves, .. } if serves.contains(&f))
                })
                .map(|(a, _)| a)
                .collect();
            assert_eq!(function.disrupted_by, by, "{}: {}", s.id, function.key);
            assert_eq!(function.served_by, via, "{}: {}", s.id, function.key);
            disrupted += by.len();
            served += via.len();
        }
    }
    assert!(disrupted > 0 && served > 0, "{disrupted} {served}");
}
