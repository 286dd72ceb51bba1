//! A fuzz driver for the stable toolchain: mutates a committed seed corpus and feeds the
//! mutants to the scenario loader, the action-file reader and the replay reader, as the binary
//! reads them, and looks for panics and broken promises (a problem outside the text, a control
//! character in a rendering, an accepted action file naming a turn outside the session, a
//! replay log that verifies with a line no session wrote), and to the drill server's message
//! decoder (any answer but success or a clear client error is a failure). Accepted scenarios
//! and action files are also played for a few turns; parsed logs are verified by
//! re-simulation; messages go to a real server on a loopback port, whose drill's log must
//! still verify at the end.
//!
//! ```sh
//! cargo run --example fuzz -- [--target scenario|plan|replay|message|all] [--iterations N]
//!                             [--seconds S] [--seed N] [--corpus DIR] [--crashes DIR]
//! cargo run --example fuzz -- --target TARGET --check FILE   # one saved input again
//! ```
//!
//! Defaults: all targets, 2,000 iterations each, no time limit (`--seconds` bounds each
//! target), seed 1, the corpus in
//! `tests/fuzz/corpus/` (plus the shipped scenarios). A failing input is written to the
//! crashes folder (default `target/fuzz-crashes/`) and the run exits 1. Same seed, same
//! mutants: a crash found in CI can be found again locally.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cyberdrill::engine::TeamId;
use cyberdrill::scenario::Scenario;
use cyberdrill::scenario::locate::{SourceMap, Step};
use cyberdrill::session::Session;
use cyberdrill::session::bots::{self, PlanError, RandomPolicy, Scripted};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

/// Tokens spliced into mutants: they get further into the format than random bytes.
const TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\"",
    "'",
    "Some(",
    "None",
    "true",
    "false",
    "0",
    "1",
    "-1",
    "255",
    "65536",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "1e9",
    "0x10",
    "\u{feff}",
    "\u{1b}[2J",
    "\u{1b}[?",
    "\u{0}",
    "\u{202e}",
    "\r\n",
    "\t",
    "漢字",
    "//",
    "/*",
    "*/",
    "r#\"",
    "\"#",
    "\\",
    "\\u{1F600}",
    "id: \"\"",
    "turn: 0",
    "Turn(4294967295)",
    "delay: 1000",
    "points: 100000",
    "Act(\"isolate\")",
    "Act(\"isolate\", Host(\"pc-01\"))",
    "Host(\"pc-01\")",
    "Answer(\"x\", \"y\")",
    "Hint(\"h\")",
    "All([])",
    "Any([])",
    "Not(",
    "#![enable(implicit_some)]",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Scenario,
    Plan,
    Replay,
    Message,
}

struct Args {
    targets: Vec<Target>,
    iterations: u64,
    seconds: Option<u64>,
    seed: u64,
    corpus: PathBuf,
    crashes: PathBuf,
    check: Option<PathBuf>,
}

fn usage() -> ! {
    eprintln!(
        "usage: cargo run --example fuzz -- [--target scenario|plan|replay|message|all] [--iterations N] \
         [--seconds S] [--seed N] [--corpus DIR] [--crashes DIR] [--check FILE]"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut args = Args {
        targets: vec![
            Target::Scenario,
            Target::Plan,
            Target::Replay,
            Target::Message,
        ],
        iterations: 2_000,
        seconds: None,
        seed: 1,
        corpus: root.join("tests/fuzz/corpus"),
        crashes: root.join("target/fuzz-crashes"),
        check: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| usage());
        match flag.as_str() {
            "--target" => {
                args.targets = match value().as_str() {
                    "scenario" => vec![Target::Scenario],
                    "plan" => vec![Target::Plan],
                    "replay" => vec![Target::Replay],
                    "message" => vec![Target::Message],
                    "all" => vec![
                        Target::Scenario,
                        Target::Plan,
                        Target::Replay,
                        Target::Message,
                    ],
                    _ => usage(),
                }
            }
            "--iterations" => args.iterations = value().parse().unwrap_or_else(|_| usage()),
            "--seconds" => args.seconds = Some(value().parse().unwrap_or_else(|_| usage())),
            "--seed" => args.seed = value().parse().unwrap_or_else(|_| usage()),
            "--corpus" => args.corpus = PathBuf::from(value()),
            "--crashes" => args.crashes = PathBuf::from(value()),
            "--check" => args.check = Some(PathBuf::from(value())),
            _ => usage(),
        }
    }
    args
}

/// The files of a folder, sorted (so the run is the same everywhere).
fn files(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == extension))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// One to four random edits of `seed`, sometimes spliced with `other`.
fn mutate(rng: &mut ChaCha8Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..rng.random_range(1..=4) {
        let len = bytes.len();
        let at = if len == 0 {
            0
        } else {
            rng.random_range(0..=len)
        };
        let span = rng.random_range(0..=64usize).min(len - at);
        match rng.random_range(0..8) {
            0 if at < len => bytes[at] = rng.random(),
            1 if at < len => bytes[at] ^= 1 << rng.random_range(0..8),
            2 => {
                bytes.drain(at..at + span);
            }
            3 => {
                let chunk = bytes[at..at + span].to_vec();
                let to = rng.random_range(0..=bytes.len());
                bytes.splice(to..to, chunk);
            }
            4 | 5 => {
                let token = TOKENS[rng.random_range(0..TOKENS.len())];
                bytes.splice(at..at + span.min(2), token.bytes());
            }
            6 if !other.is_empty() => {
                let from = rng.random_range(0..other.len());
                let to = (from + rng.random_range(0..=256)).min(other.len());
                bytes.splice(at..at + span, other[from..to].iter().copied());
            }
            _ => bytes.truncate(at),
        }
    }
    bytes
}

/// Checks one scenario mutant; `Err` says what promise it broke. Accepted ones are played.
fn scenario_case(bytes: &[u8]) -> Result<(), String> {
    let checked = cyberdrill::scenario::check_bytes("mutant.ron", bytes);
    let lines = checked.source.split('\n').count();
    for p in &checked.problems {
        if p.line == 0 || p.line > lines || p.col == 0 {
            return Err(format!(
                "a problem at {}:{} of {lines} lines",
                p.line, p.col
            ));
        }
    }
    let shown = cyberdrill::cli::render_check(&checked);
    if shown.chars().any(|c| c.is_control() && c != '\n') {
        return Err("a control character in the rendered diagnostics".into());
    }
    if let Some(s) = checked.scenario {
        play(Arc::new(s), None)?;
    }
    Ok(())
}

/// Plays a few turns of an accepted scenario: by the random bot, or by a plan.
fn play(
    s: Arc<Scenario>,
    plan: Option<Vec<cyberdrill::scenario::model::TurnPlan>>,
) -> Result<(), String> {
    let mut session = Session::new(s.clone(), 7, &["fuzz"]).map_err(|e| e.to_string())?;
    let turns = Some(s.max_turns.min(4));
    let result = match plan {
        Some(plan) => bots::play(&mut session, TeamId(0), &mut Scripted::new(plan), turns),
        None => bots::play(&mut session, TeamId(0), &mut RandomPolicy::new(7), turns),
    };
    result.map_err(|e| e.to_string())?;
    let _ = session.scorecard(TeamId(0));
    Ok(())
}

/// Checks one action-file mutant against a scenario; accepted plans are played.
fn plan_case(bytes: &[u8], s: &Arc<Scenario>) -> Result<(), String> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Ok(());
    };
    match bots::parse_plan("mutant.ron", text, s) {
        Ok(plan) => {
            if plan.iter().any(|p| p.turn == 0 || p.turn > s.max_turns) {
                return Err("an accepted plan names a turn outside the session".into());
            }
            play(s.clone(), Some(plan))
        }
        Err(PlanError::Invalid {
            line, col, message, ..
        }) => {
            if line == 0 || col == 0 || line > text.split('\n').count() {
                return Err(format!("an error at {line}:{col}"));
            }
            if message.contains("Raw") || message.contains("::") {
                return Err(format!("a message in Rust's terms: {message}"));
            }
            Ok(())
        }
        Err(e) => Err(format!("an unexpected error: {e}")),
    }
}

/// The lines sessions really wrote: every line of the seed logs.
struct Written {
    lines: std::collections::HashSet<Vec<u8>>,
    /// The tutorial, as it is and as the earliest logs were recorded with it.
    tutorials: Vec<Vec<u8>>,
}

/// Checks one replay-log mutant: read, then verified against the tutorial. A message must
/// speak the reader's terms and stay short; a log that verifies may hold only lines that a
/// session wrote (its seal aside, which a signature protects), unless it is a format-1 log
/// (which has no seal, so a cut at a line boundary reads as a shorter session).
fn replay_case(bytes: &[u8], written: &Written) -> Result<(), String> {
    use cyberdrill::replay::{Log, LogEntry, verify};
    let message_ok = |m: &str| -> Result<(), String> {
        if m.contains("struct ") || m.contains("::") || m.contains("enum ") {
            return Err(format!("a message in Rust's terms: {m}"));
        }
        if m.chars().count() > 4_000 {
            return Err(format!("a message of {} characters", m.chars().count()));
        }
        Ok(())
    };
    let log = match Log::parse(bytes) {
        Ok(log) => log,
        Err(e) => return message_ok(&e.to_string()),
    };
    // The tutorial the log names (a mutated digest names neither: the current one).
    let recorded = &log.header.value.scenario.sha256;
    let tutorial = written
        .tutorials
        .iter()
        .find(|t| cyberdrill::replay::record::sha256_hex(t) == *recorded)
        .unwrap_or(&written.tutorials[0]);
    match verify(&log, "tutorial.ron", tutorial, None) {
        Err(e) => message_ok(&e.to_string()),
        Ok(v) => {
            if v.format < 2 {
                return Ok(());
            }
            for line in std::iter::once(&log.header.bytes).chain(
                log.entries
                    .iter()
                    .filter(|l| !matches!(l.value, LogEntry::Seal(_)))
                    .map(|l| &l.bytes),
            ) {
                if !written.lines.contains(line) {
                    return Err(format!(
                        "a log verifies with a line no session wrote: {}",
                        String::from_utf8_lossy(line)
                    ));
                }
            }
            Ok(())
        }
    }
}

/// Whether a message names the program's types (`struct X`, `Type::Variant`) rather than
/// saying what was expected in the user's terms.
fn rust_terms(m: &str) -> bool {
    m.contains("struct ")
        || m.contains("enum ")
        || m.as_bytes().windows(3).enumerate().any(|(i, w)| {
            w[0].is_ascii_alphanumeric()
                && &w[1..] == b"::"
                && m.as_bytes().get(i + 3).is_some_and(u8::is_ascii_uppercase)
        })
}

/// A drill server on a loopback port, with a drill of the tutorial running and one member.
struct Room {
    runtime: tokio::runtime::Runtime,
    http: reqwest::Client,
    base: String,
    facilitator: String,
    member: String,
    drill: String,
    data: PathBuf,
    tutorial: Vec<u8>,
}

impl Room {
    fn open(root: &Path) -> Room {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let data = std::env::temp_dir().join(format!("cyberdrill-fuzz-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data);
        let running = runtime
            .block_on(cyberdrill::server::start(
                cyberdrill::server::ServeConfig {
                    listen: "127.0.0.1:0".parse().expect("an address"),
                    data: data.clone(),
                    scenarios: root.join("scenarios"),
                    public_url: None,
                },
                std::future::pending(),
            ))
            .expect("the server starts");
        let base = format!("http://{}", running.addr);
        let facilitator = running.facilitator_token.clone();
        // The server runs as long as the runtime does.
        std::mem::forget(running);
        let http = reqwest::Client::new();
        let post = |path: String, token: &str, body: serde_json::Value| {
            let req = http
                .post(format!("{base}{path}"))
                .bearer_auth(token)
                .json(&body);
            runtime.block_on(async {
                req.send()
                    .await
                    .expect("the server answers")
                    .json::<serde_json::Value>()
                    .await
                    .expect("JSON")
            })
        };
        let created = post(
            "/api/drills".into(),
            &facilitator,
            serde_json::json!({"scenario": "tutorial", "teams": ["Red"], "pacing": "sync"}),
        );
        let drill = created["id"].as_str().expect("a drill").to_owned();
        let code = created["teams"][0]["code"].as_str().expect("a code");
        let joined = post(
            "/api/join".into(),
            "",
            serde_json::json!({"code": code, "name": "Fuzz"}),
        );
        let member = joined["token"].as_str().expect("a token").to_owned();
        post(
            format!("/api/drills/{drill}/control"),
            &facilitator,
            serde_json::json!({"action": "start"}),
        );
        Room {
            runtime,
            http,
            base,
            facilitator,
            member,
            drill,
            data,
            tutorial: std::fs::read(root.join("scenarios/tutorial.ron")).expect("the tutorial"),
        }
    }

    /// Sends one message (`METHOD PATH` on the first line, the body after it; `CONTROL`
    /// stands for the drill's control endpoint).
    fn send(&self, bytes: &[u8]) -> Result<(), String> {
        let cut = bytes
            .iter()
            .position(|b| *b == b'\n')
            .unwrap_or(bytes.len());
        let line = String::from_utf8_lossy(&bytes[..cut]).into_owned();
        let body = bytes.get(cut + 1..).unwrap_or_default().to_vec();
        let (method, path) = line.split_once(' ').unwrap_or(("POST", "/api/team/queue"));
        let (path, token) = match path {
            "CONTROL" => (
                format!("/api/drills/{}/control", self.drill),
                &self.facilitator,
            ),
            "/api/drills" => (path.to_owned(), &self.facilitator),
            p if p.starts_with("/api/") => (p.to_owned(), &self.member),
            _ => ("/api/team/queue".to_owned(), &self.member),
        };
        let method = match method {
            "PUT" => reqwest::Method::PUT,
            "DELETE" => reqwest::Method::DELETE,
            _ => reqwest::Method::POST,
        };
        let req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body);
        self.runtime.block_on(async {
            let res = req.send().await.map_err(|e| format!("no answer: {e}"))?;
            let status = res.status();
            let text = res.text().await.map_err(|e| format!("a cut answer: {e}"))?;
            if status.is_server_error() {
                return Err(format!("{status}: {text}"));
            }
            if status.is_client_error() && status.as_u16() != 429 {
                let v: serde_json::Value = serde_json::from_str(&text)
                    .map_err(|_| format!("{status} without a JSON error: {text}"))?;
                if !v["code"].is_string() || !v["message"].is_string() {
                    return Err(format!("{status} without code and message: {text}"));
                }
                let m = v["message"].as_str().unwrap_or_default();
                if rust_terms(m) {
                    return Err(format!("a message in Rust's terms: {m}"));
                }
            }
            Ok(())
        })
    }

    /// The drill's log still verifies (the server may have ended the drill or not).
    fn log_verifies(&self) -> Result<(), String> {
        let bytes = std::fs::read(self.data.join(&self.drill).join("log.jsonl"))
            .map_err(|e| e.to_string())?;
        let log = cyberdrill::replay::Log::parse(&bytes).map_err(|e| e.to_string())?;
        let s = cyberdrill::scenario::check_bytes("tutorial.ron", &self.tutorial)
            .scenario
            .expect("the tutorial");
        cyberdrill::replay::verify::resimulate(&log, &Arc::new(s), None)
            .map(|_| ())
            .map_err(|e| format!("the drill's log no longer verifies: {e}"))
    }
}

fn main() -> ExitCode {
    let args = parse_args();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // Panics are caught and reported with their input; the default message is noise here.
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = 0;
    for target in &args.targets {
        let (seeds, scenario) = match target {
            Target::Scenario => {
                let mut seeds = files(&args.corpus.join("scenario"), "ron");
                seeds.extend(files(&root.join("scenarios"), "ron"));
                (seeds, None)
            }
            Target::Plan => {
                let tutorial = root.join("scenarios/tutorial.ron");
                let (s, _) = cyberdrill::scenario::load(&tutorial).expect("the tutorial loads");
                (files(&args.corpus.join("plan"), "ron"), Some(Arc::new(s)))
            }
            Target::Message => (files(&args.corpus.join("message"), "txt"), None),
            // The golden logs of the tutorial, in both formats.
            Target::Replay => {
                let golden = root.join("tests/fixtures/golden");
                let mut seeds = files(&golden, "jsonl");
                for dir in ["rules-1", "rules-2", "rules-3"] {
                    seeds.extend(files(&golden.join(dir), "jsonl"));
                }
                seeds.extend(files(&golden.join("format-1"), "jsonl"));
                (seeds, None)
            }
        };
        let written = Written {
            lines: seeds
                .iter()
                .filter(|_| *target == Target::Replay)
                .flat_map(|p| {
                    std::fs::read(p)
                        .unwrap_or_default()
                        .split(|b| *b == b'\n')
                        .map(<[u8]>::to_vec)
                        .collect::<Vec<_>>()
                })
                .collect(),
            tutorials: [
                "scenarios/tutorial.ron",
                "tests/fixtures/golden/rules-1/tutorial.ron",
                "tests/fixtures/golden/rules-2/tutorial.ron",
                "tests/fixtures/golden/rules-3/tutorial.ron",
            ]
            .iter()
            .map(|p| std::fs::read(root.join(p)).expect("the tutorial"))
            .collect(),
        };
        let room = (*target == Target::Message).then(|| Room::open(&root));
        let case = |bytes: &[u8]| match target {
            Target::Scenario => scenario_case(bytes),
            Target::Plan => plan_case(bytes, scenario.as_ref().expect("the plan's scenario")),
            Target::Replay => replay_case(bytes, &written),
            Target::Message => room.as_ref().expect("the room").send(bytes),
        };
        let corpus: Vec<Vec<u8>> = seeds
            .iter()
            .map(|p| std::fs::read(p).expect("a readable seed"))
            .collect();
        if corpus.is_empty() {
            eprintln!(
                "fuzz: no seeds for {target:?} under {}",
                args.corpus.display()
            );
            return ExitCode::from(2);
        }
        // Plans are also cut out of the shipped walkthroughs, so the corpus can stay small.
        let corpus: Vec<Vec<u8>> = match target {
            Target::Scenario | Target::Replay | Target::Message => corpus,
            Target::Plan => {
                let mut all = corpus;
                for p in files(&root.join("scenarios"), "ron") {
                    let src = std::fs::read_to_string(&p).expect("shipped");
                    let map = SourceMap::new(&src);
                    all.push(
                        src[map.span(&[Step::Field("walkthrough")])]
                            .as_bytes()
                            .to_vec(),
                    );
                }
                all
            }
        };
        if let Some(file) = &args.check {
            let bytes = std::fs::read(file).expect("a readable input");
            let outcome = catch_unwind(AssertUnwindSafe(|| case(&bytes)));
            return match outcome {
                Ok(Ok(())) => {
                    println!("fuzz {target:?}: {} passes", file.display());
                    ExitCode::SUCCESS
                }
                Ok(Err(why)) => {
                    eprintln!("fuzz {target:?}: {}: {why}", file.display());
                    ExitCode::FAILURE
                }
                Err(_) => {
                    eprintln!("fuzz {target:?}: {}: panic", file.display());
                    ExitCode::FAILURE
                }
            };
        }
        let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
        let started = Instant::now();
        let deadline = args.seconds.map(|s| started + Duration::from_secs(s));
        let mut done = 0;
        for i in 0..args.iterations {
            if deadline.is_some_and(|d| Instant::now() > d) {
                break;
            }
            let seed = &corpus[rng.random_range(0..corpus.len())];
            let other = &corpus[rng.random_range(0..corpus.len())];
            let mutant = mutate(&mut rng, seed, other);
            let outcome =
                catch_unwind(AssertUnwindSafe(|| case(&mutant))).unwrap_or_else(|panic| {
                    let why = panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                        .unwrap_or_default();
                    Err(format!("panic: {why}"))
                });
            done += 1;
            if let Err(why) = outcome {
                failures += 1;
                let _ = std::fs::create_dir_all(&args.crashes);
                let extension = match target {
                    Target::Replay => "jsonl",
                    Target::Message => "txt",
                    _ => "ron",
                };
                let name = format!("{target:?}-seed{}-{i}.{extension}", args.seed).to_lowercase();
                let path = args.crashes.join(name);
                let _ = std::fs::write(&path, &mutant);
                eprintln!("fuzz: {target:?} #{i}: {why} (input: {})", path.display());
            }
        }
        if let Some(room) = &room
            && let Err(why) = room.log_verifies()
        {
            failures += 1;
            eprintln!("fuzz: {target:?}: {why}");
        }
        println!(
            "fuzz {target:?}: {done} mutants of {} seeds in {:.1} s, {failures} failures so far",
            corpus.len(),
            started.elapsed().as_secs_f64()
        );
    }
    if failures > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
