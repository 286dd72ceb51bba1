//! Scaling benchmark: the cost of one team-turn on generated networks of 100 to 20,000 hosts
//! and games of 10 to 1,000 turns, without and with the replay log, so that a cost growing
//! with the network or with the turns already played shows as a slope across a row or down a
//! column. Then, per network size: `check` (static checks and the walkthrough proof) of a
//! 20-turn scenario, and `replay verify` of a 1,000-turn log.
//!
//! Run `cargo bench --bench scaling` (two to three minutes; `-- 10000` measures only the
//! networks of that many hosts); the figures are recorded in
//! docs/benchmarks.md. Under `cargo test` (no `--bench` argument) it plays only the smallest
//! game once, so the benchmark keeps building and running.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cyberdrill::engine::state::View;
use cyberdrill::engine::{Engine, TeamId};
use cyberdrill::replay::record::{header, sha256_hex};
use cyberdrill::replay::{Log, verify};
use cyberdrill::scenario::model::{Command, Lang, Verb};
use cyberdrill::scenario::{self, Scenario};
use cyberdrill::session::Session;
use cyberdrill::session::bots::{self, Policy, RandomPolicy};

#[path = "../tests/synth.rs"]
#[expect(
    dead_code,
    reason = "only the generator with a turn limit is used here"
)]
mod synth;

const HOSTS: [usize; 5] = [100, 1_000, 5_000, 10_000, 20_000];
const TURNS: [u32; 3] = [10, 100, 1_000];
/// Teams played together in the game without the log (one engine, stepped together).
const BATCH: usize = 4;
/// Each game is repeated until this much time has passed (at least once), best run kept.
const BUDGET: Duration = Duration::from_millis(1_000);

/// The random policy that keeps the game going to its time limit: the first victim is isolated
/// in turn 2 (so the attacker is contained), and nothing that would reconnect it or end the
/// game with a findings report is played.
struct Endless {
    random: RandomPolicy,
    isolate: Command,
}

impl Policy for Endless {
    fn decide(&mut self, view: &View) -> Vec<Command> {
        let mut commands = self.random.decide(view);
        commands.retain(|c| match c {
            Command::Act { action, .. } => !matches!(
                view.s.actions[*action].verb,
                Verb::Reconnect | Verb::ReconnectSegment | Verb::SubmitFindings
            ),
            _ => true,
        });
        if view.next_turn() == 2 {
            commands.insert(0, self.isolate.clone());
        }
        commands
    }
}

fn endless(s: &Scenario, seed: u64) -> Endless {
    let isolate = cyberdrill::scenario::validate::resolve_command(
        s,
        &ron::from_str(r#"Act("isolate", Host("pc-0"))"#).unwrap(),
    )
    .unwrap();
    Endless {
        random: RandomPolicy::new(seed),
        isolate,
    }
}

fn scenario(hosts: usize, turns: u32) -> (String, Arc<Scenario>) {
    let text = synth::scenario_with(hosts, turns.max(8));
    let checked = scenario::check_bytes("synthetic.ron", text.as_bytes());
    let s = checked.scenario.unwrap_or_else(|| {
        panic!(
            "the {hosts}-host scenario is valid: {:?}",
            checked.problems.first()
        )
    });
    (text, Arc::new(s))
}

/// Best time of `run` (which returns the team-turns it played) over repetitions filling the
/// budget; returns (seconds per team-turn, team-turns).
fn measure(quick: bool, mut run: impl FnMut() -> u64) -> (f64, u64) {
    let started = Instant::now();
    let mut best = f64::INFINITY;
    loop {
        let t = Instant::now();
        let turns = run();
        best = best.min(t.elapsed().as_secs_f64());
        if quick || started.elapsed() >= BUDGET {
            return (best / turns.max(1) as f64, turns);
        }
    }
}

/// `BATCH` teams in one engine, no session, no log.
fn unrecorded(s: &Arc<Scenario>) -> u64 {
    let mut engine = Engine::new(s.clone());
    let mut policies: Vec<Box<dyn Policy + Send>> = Vec::new();
    for seed in 0..BATCH as u64 {
        engine.add_team(seed);
        policies.push(Box::new(endless(s, seed)));
    }
    bots::play_batch(&mut engine, &mut policies)
}

/// A writer into shared memory (the log of a recorded game, kept for verifying it).
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One team in a session recording its log (lines, digests, hash chain) to `out`.
fn recorded(s: &Arc<Scenario>, text: &str, out: Box<dyn Write + Send>) -> (Session, u64) {
    let mut session = Session::new(s.clone(), 1, &["t"]).unwrap();
    let sha = sha256_hex(text.as_bytes());
    let h = header(
        s,
        "synthetic",
        &sha,
        1,
        session.team_names(),
        Lang::En,
        None,
    );
    session.record_to(out, h).unwrap();
    let mut policy = endless(s, 1);
    bots::play(&mut session, TeamId(0), &mut policy, None).unwrap();
    let turns = u64::from(session.turn(TeamId(0)));
    (session, turns)
}

fn micros(seconds: f64) -> String {
    format!("{:.1}", seconds * 1e6)
}

fn main() {
    let quick = !std::env::args().any(|a| a == "--bench");
    // Network sizes named on the command line (`cargo bench --bench scaling -- 10000`) are
    // the only ones measured.
    let only: Vec<usize> = std::env::args().filter_map(|a| a.parse().ok()).collect();
    let (hosts, turns): (Vec<usize>, &[u32]) = if quick {
        (HOSTS[..1].to_vec(), &TURNS[..1])
    } else {
        let hosts = HOSTS.iter().copied();
        (
            hosts
                .filter(|n| only.is_empty() || only.contains(n))
                .collect(),
            &TURNS,
        )
    };
    let hosts = &hosts[..];
    println!("cost per team-turn, µs (random bots that play to the time limit)");
    println!(
        "{:>7} {:>6} {:>12} {:>12} {:>10}",
        "hosts", "turns", "without log", "with log", "played"
    );
    for &n in hosts {
        for &t in turns {
            let (text, s) = scenario(n, t);
            let (plain, _) = measure(quick, || unrecorded(&s));
            let (logged, played) =
                measure(quick, || recorded(&s, &text, Box::new(std::io::sink())).1);
            println!(
                "{n:>7} {t:>6} {:>12} {:>12} {played:>10}",
                micros(plain),
                micros(logged)
            );
        }
    }
    println!();
    println!("per network: check of a 20-turn scenario, verify of a 1,000-turn log (ms)");
    println!("{:>7} {:>10} {:>10}", "hosts", "check", "verify");
    for &n in hosts {
        let text = synth::scenario_with(n, 20);
        let (check, _) = measure(quick, || {
            let checked = cyberdrill::session::proof::check_bytes("synthetic.ron", text.as_bytes());
            assert!(checked.is_valid());
            1
        });
        let long = if quick { 10 } else { 1_000 };
        let (text, s) = scenario(n, long);
        let log = Shared::default();
        let (mut session, _) = recorded(&s, &text, Box::new(log.clone()));
        session.seal(None, None).unwrap();
        let bytes = log.0.lock().unwrap().clone();
        let (verify_time, _) = measure(quick, || {
            let log = Log::parse(&bytes).unwrap();
            verify(&log, "synthetic", text.as_bytes(), None).unwrap();
            1
        });
        println!("{n:>7} {:>10.1} {:>10.1}", check * 1e3, verify_time * 1e3);
    }
}
