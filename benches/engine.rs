//! Engine benchmarks: scenario load and validation, building a team's world, team-turns per
//! second with the random policy, a turn of a generated 1,000-host scenario, and rendering
//! thousands of `check` diagnostics.
//! Run `cargo bench --bench engine`; the figures are recorded in docs/benchmarks.md.

use std::path::PathBuf;
use std::sync::Arc;

use cyberdrill::engine::{Engine, TeamId};
use cyberdrill::replay::record::header;
use cyberdrill::replay::{Log, verify};
use cyberdrill::scenario::model::Lang;
use cyberdrill::scenario::{self, Scenario};
use cyberdrill::session::Session;
use cyberdrill::session::bots::{self, Policy, RandomPolicy};
use divan::counter::ItemsCount;
use divan::{Bencher, black_box};

#[path = "../tests/synth.rs"]
mod synth;

fn main() {
    divan::main();
}

/// Shipped scenarios and generated ones, by name, as source text.
fn sources() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    let mut out: Vec<(String, String)> = files
        .iter()
        .map(|f| {
            let name = f.file_stem().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(f).unwrap())
        })
        .collect();
    out.push(("synthetic-20".into(), synth::scenario(20)));
    out
}

fn names() -> Vec<String> {
    sources().into_iter().map(|(n, _)| n).collect()
}

fn load(name: &str) -> Arc<Scenario> {
    let (_, text) = sources().into_iter().find(|(n, _)| n == name).unwrap();
    let checked = scenario::check_bytes(name, text.as_bytes());
    Arc::new(checked.scenario.expect("valid"))
}

/// Parsing and validating a scenario from its text (the static checks).
#[divan::bench(args = names())]
fn load_and_validate(bencher: Bencher, name: &str) {
    let (_, text) = sources().into_iter().find(|(n, _)| n == name).unwrap();
    bencher.bench(|| {
        let checked = scenario::check_bytes(name, black_box(text.as_bytes()));
        assert!(checked.is_valid());
        checked
    });
}

/// Adding a team to an engine: a clone of the prepared starting world.
#[divan::bench(args = names())]
fn new_team_world(bencher: Bencher, name: &str) {
    let s = load(name);
    bencher
        .with_inputs(|| Engine::new(s.clone()))
        .bench_local_refs(|engine| engine.add_team(black_box(7)));
}

const BATCH: usize = 256;

fn batch(s: &Arc<Scenario>) -> (Engine, Vec<Box<dyn Policy + Send>>) {
    let mut engine = Engine::new(s.clone());
    let mut policies: Vec<Box<dyn Policy + Send>> = Vec::with_capacity(BATCH);
    for seed in 0..BATCH as u64 {
        engine.add_team(seed);
        policies.push(Box::new(RandomPolicy::new(seed)));
    }
    (engine, policies)
}

/// Team-turns per second: 256 random teams played to the end in one engine (the random
/// policy's decisions and the full event log included).
#[divan::bench(args = names())]
fn random_team_turns(bencher: Bencher, name: &str) {
    let s = load(name);
    let (mut engine, mut policies) = batch(&s);
    let turns = bots::play_batch(&mut engine, &mut policies);
    bencher
        .counter(ItemsCount::new(turns))
        .with_inputs(|| batch(&s))
        .bench_local_values(|(mut engine, mut policies)| {
            let played = bots::play_batch(&mut engine, &mut policies);
            assert_eq!(played, turns);
            engine
        });
}

/// A generated 1,000-host scenario: parse, validate, build a team and play one turn with the
/// random policy.
#[divan::bench(sample_count = 20)]
fn thousand_hosts_load_validate_and_one_turn(bencher: Bencher) {
    let text = synth::scenario(1000);
    bencher.bench(|| {
        let checked = scenario::check_bytes("synthetic-1000", black_box(text.as_bytes()));
        let s = Arc::new(checked.scenario.expect("valid"));
        let mut engine = Engine::new(s);
        let team = engine.add_team(1);
        let commands = RandomPolicy::new(1).decide(&engine.view(team));
        engine.submit(team, commands);
        engine.step_all();
        engine
    });
}

/// Team-turns per second with the replay log on: 64 random teams in one session, every turn
/// of every team written as a JSON line with its event records, state digest and hash chain
/// (to a sink, so the disk is not measured).
#[divan::bench(args = names())]
fn random_team_turns_recorded(bencher: Bencher, name: &str) {
    let s = load(name);
    let play = |s: &Arc<Scenario>| {
        let names: Vec<String> = (0..64).map(|i| format!("t{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut session = Session::new(s.clone(), 1, &refs).unwrap();
        let h = header(s, name, "", 1, session.team_names(), Lang::En, None);
        session.record_to(Box::new(std::io::sink()), h).unwrap();
        let mut policies: Vec<RandomPolicy> = (0..64).map(RandomPolicy::new).collect();
        while !session.is_over() {
            for (i, p) in policies.iter_mut().enumerate() {
                let team = TeamId(i);
                if session.ending(team).is_none() {
                    let commands = p.decide(&session.view(team));
                    session.submit(team, commands).unwrap();
                }
            }
            session.advance().unwrap();
        }
        session
    };
    let turns = play(&s).history().len() as u64;
    bencher
        .counter(ItemsCount::new(turns))
        .bench_local(|| play(&s));
}

/// Verifying a 10,000-turn log (ten teams, 1,000 turns each, on a generated 20-host scenario):
/// parse, check the chain, re-simulate every turn and compare every line.
#[divan::bench(sample_count = 10)]
fn verify_ten_thousand_turn_log(bencher: Bencher) {
    let text = synth::scenario_with(20, 1000);
    let s = Arc::new(
        scenario::check_bytes("synthetic", text.as_bytes())
            .scenario
            .expect("valid"),
    );
    let names: Vec<String> = (0..10).map(|i| format!("t{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut session = Session::new(s.clone(), 1, &refs).unwrap();
    let sha = cyberdrill::replay::record::sha256_hex(text.as_bytes());
    let h = header(
        &s,
        "synthetic",
        &sha,
        1,
        session.team_names(),
        Lang::En,
        None,
    );
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    session.record_to(Box::new(Shared(log.clone())), h).unwrap();
    // Every team isolates the first victim in turn 2: the attacker is contained, nobody wins,
    // and all ten teams play to the time limit.
    let isolate = cyberdrill::scenario::validate::resolve_command(
        &s,
        &ron::from_str(r#"Act("isolate", Host("pc-0"))"#).unwrap(),
    )
    .unwrap();
    while !session.is_over() {
        if session.turn(TeamId(0)) == 1 {
            for t in 0..10 {
                session.submit(TeamId(t), vec![isolate.clone()]).unwrap();
            }
        }
        session.advance().unwrap();
    }
    assert_eq!(session.history().len(), 10_000);
    session.seal(None, None).unwrap();
    let bytes = log.lock().unwrap().clone();
    bencher.counter(ItemsCount::new(10_000u64)).bench_local(|| {
        let log = Log::parse(black_box(&bytes)).unwrap();
        verify(&log, "synthetic", text.as_bytes(), None).unwrap()
    });
}

/// `check`'s rendering of a scenario with 5,980 warnings (4,990 hosts with no OS, 990 empty
/// tags): each diagnostic reads only its own lines, so this grows with the number of warnings,
/// not with warnings times file size.
#[divan::bench(sample_count = 10)]
fn render_six_thousand_warnings(bencher: Bencher) {
    let base = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/base.ron"),
    )
    .unwrap();
    let hosts: String = (0..4_990)
        .map(|i| {
            format!(
                "(id: \"h{i}\", kind: Workstation, os: \"\", segment: \"office\", criticality: Low),\n"
            )
        })
        .collect();
    let text = base
        .replacen("tags: [", &format!("tags: [{}", "\"\",\n".repeat(990)), 1)
        .replacen("hosts: [\n", &format!("hosts: [\n{hosts}"), 1);
    let checked = scenario::check_bytes("warnings.ron", text.as_bytes());
    assert_eq!(checked.warnings(), 5_980);
    bencher.bench(|| cyberdrill::cli::render_check(black_box(&checked)));
}
