//! `cyberdrill balance`: results do not depend on the number of threads, statistics are right
//! for what was played, and the JSON has its documented fields.

use std::sync::Arc;

use cyberdrill::session::balance::{PolicyKind, play_runs, summarize};

use crate::engine::lab;
use crate::util::cyberdrill;

fn with_threads<T: Send>(n: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .unwrap()
        .install(f)
}

#[test]
fn results_are_the_same_with_one_or_two_threads() {
    let s = lab();
    // 600 runs: three batches, one of them partial.
    let one = with_threads(1, || play_runs(&s, &PolicyKind::Random, 600, 5, &|_| {}));
    let two = with_threads(2, || play_runs(&s, &PolicyKind::Random, 600, 5, &|_| {}));
    assert_eq!(one, two);
    assert_eq!(one.len(), 600);
    assert_eq!(
        one.iter().map(|r| r.seed).collect::<Vec<_>>(),
        (5..605).collect::<Vec<_>>()
    );
    assert_eq!(
        summarize(&s, "random", 5, &one),
        summarize(&s, "random", 5, &two)
    );
}

#[test]
fn each_run_is_the_same_as_playing_its_seed_alone() {
    let s = lab();
    let runs = play_runs(&s, &PolicyKind::Random, 20, 40, &|_| {});
    for run in &runs {
        let mut session = cyberdrill::session::Session::new(s.clone(), run.seed, &["t"]).unwrap();
        let mut policy = cyberdrill::session::bots::RandomPolicy::new(run.seed);
        cyberdrill::session::bots::play(
            &mut session,
            cyberdrill::engine::TeamId(0),
            &mut policy,
            None,
        )
        .unwrap();
        assert_eq!(
            session.scorecard(cyberdrill::engine::TeamId(0)).total,
            run.total,
            "seed {}",
            run.seed
        );
        assert_eq!(session.turn(cyberdrill::engine::TeamId(0)), run.turns);
    }
}

#[test]
fn the_summary_matches_the_runs() {
    let s: Arc<_> = lab();
    let runs = play_runs(
        &s,
        &PolicyKind::Scripted(s.walkthrough.clone()),
        50,
        1,
        &|_| {},
    );
    let m = summarize(&s, "walkthrough", 1, &runs);
    assert_eq!(m.runs, 50);
    assert_eq!(m.win_rate, 1.0);
    assert!(
        m.score.min <= m.score.p10
            && m.score.p10 <= m.score.p50
            && m.score.p50 <= m.score.p90
            && m.score.p90 <= m.score.max
    );
    let detect = m.objectives.iter().find(|o| o.id == "detect").unwrap();
    assert_eq!(detect.met, 1.0);
    let idle = summarize(
        &s,
        "idle",
        1,
        &play_runs(&s, &PolicyKind::Idle, 50, 1, &|_| {}),
    );
    assert!(idle.score.mean < m.score.mean);
}

#[test]
fn the_cli_prints_text_or_one_json_object() {
    let out = cyberdrill(&[
        "balance",
        "scenarios/tutorial.ron",
        "--policy",
        "random",
        "--runs",
        "300",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "one JSON object, no progress bar");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for key in [
        "scenario",
        "policy",
        "runs",
        "seed",
        "score",
        "percent",
        "win_rate",
        "mean_turns",
        "objectives",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    for key in ["mean", "min", "p10", "p50", "p90", "max"] {
        assert!(v["score"].get(key).is_some(), "score.{key}");
    }
    assert_eq!(v["runs"], 300);
    let plain = cyberdrill(&[
        "balance",
        "scenarios/tutorial.ron",
        "--policy",
        "walkthrough",
        "--runs",
        "10",
    ]);
    let plain = String::from_utf8(plain.stdout).unwrap();
    assert!(plain.contains("win rate 100%"), "{plain}");
    let bad = cyberdrill(&[
        "balance",
        "scenarios/tutorial.ron",
        "--policy",
        "no/such/file.ron",
    ]);
    assert_eq!(bad.status.code(), Some(2));
}
