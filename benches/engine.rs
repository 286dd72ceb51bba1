//! Engine benchmarks: scenario load and validation, building a team's world, team-turns per
//! second with the random policy, and a turn of a generated 1,000-host scenario.
//! Run `cargo bench --bench engine`; the figures are recorded in docs/benchmarks.md.

use std::path::PathBuf;
use std::sync::Arc;

use cyberdrill::engine::Engine;
use cyberdrill::scenario::{self, Scenario};
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
