//! The replay log: golden logs keep verifying, every kind of tampering is detected and named,
//! branching reproduces the original up to the branch point, and a failing disk never stops
//! the session.

use std::io::Write;
use std::sync::{Arc, Mutex};

use cyberdrill::engine::TeamId;
use cyberdrill::replay::record::{header, sha256_hex};
use cyberdrill::replay::{Log, ReplayError, verify};
use cyberdrill::scenario::Scenario;
use cyberdrill::scenario::model::Lang;
use cyberdrill::session::bots::{self, Idle, Policy, RandomPolicy, Scripted};
use cyberdrill::session::{Session, SessionError};

use crate::util::{cyberdrill, root, temp_dir, write};

fn tutorial_bytes() -> Vec<u8> {
    std::fs::read(root().join("scenarios/tutorial.ron")).unwrap()
}

fn tutorial() -> Arc<Scenario> {
    let checked = cyberdrill::scenario::check_bytes("scenarios/tutorial.ron", &tutorial_bytes());
    Arc::new(checked.scenario.unwrap())
}

/// A shared in-memory log file.
#[derive(Clone, Default)]
struct Memory(Arc<Mutex<Vec<u8>>>);

impl Write for Memory {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Records a one-team session of the tutorial played by `policy` (up to `turns`).
fn record(seed: u64, policy: &mut dyn Policy, turns: Option<u32>) -> Vec<u8> {
    let s = tutorial();
    let memory = Memory::default();
    // Named like the team of `cyberdrill run`, so the bytes match logs the CLI writes.
    let mut session = Session::new(s.clone(), seed, &["bot"]).unwrap();
    let sha = sha256_hex(&tutorial_bytes());
    let h = header(
        &s,
        "scenarios/tutorial.ron",
        &sha,
        seed,
        session.team_names(),
        Lang::En,
        None,
    );
    session.record_to(Box::new(memory.clone()), h).unwrap();
    bots::play(&mut session, TeamId(0), policy, turns).unwrap();
    memory.0.lock().unwrap().clone()
}

fn check(bytes: &[u8]) -> Result<cyberdrill::replay::Verified, ReplayError> {
    let log = Log::parse(bytes)?;
    verify(&log, "scenarios/tutorial.ron", &tutorial_bytes())
}

fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}

fn join(lines: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    out
}

#[test]
fn golden_logs_still_verify() {
    for name in ["tutorial-walkthrough.jsonl", "tutorial-random-7.jsonl"] {
        let path = root().join("tests/fixtures/golden").join(name);
        let log = Log::read(&path).unwrap();
        let verified = verify(&log, "scenarios/tutorial.ron", &tutorial_bytes())
            .unwrap_or_else(|e| panic!("{name}: {e}\n(see tests/fixtures/golden/README.md)"));
        assert!(verified.turns >= 4, "{name}");
    }
}

#[test]
fn a_recorded_session_verifies_and_matches_the_golden_log() {
    let bytes = record(1, &mut Scripted::walkthrough(&tutorial()), None);
    assert!(check(&bytes).is_ok());
    let golden =
        std::fs::read(root().join("tests/fixtures/golden/tutorial-walkthrough.jsonl")).unwrap();
    assert!(
        bytes == golden,
        "recording the same session again must give the golden log's bytes"
    );
}

#[test]
fn any_single_changed_byte_is_detected() {
    let bytes = record(7, &mut RandomPolicy::new(7), Some(2));
    assert!(check(&bytes).is_ok());
    assert!(
        bytes.len() > 500,
        "a log of some size: {} bytes",
        bytes.len()
    );
    for i in 0..bytes.len() {
        let mut tampered = bytes.clone();
        tampered[i] ^= 0x01;
        assert!(
            check(&tampered).is_err(),
            "byte {i} ({:?}) changed undetected",
            bytes[i] as char
        );
    }
}

#[test]
fn changed_events_and_actions_are_named_with_their_line() {
    let bytes = record(1, &mut Scripted::walkthrough(&tutorial()), None);
    let text = String::from_utf8(bytes).unwrap();
    let tampered = text.replacen("\"malicious\":true", "\"malicious\":false", 1);
    match check(tampered.as_bytes()) {
        Err(ReplayError::Diverged {
            line, turn, what, ..
        }) => {
            assert_eq!((line, turn), (3, 2));
            assert!(what.starts_with("events"), "{what}");
        }
        other => panic!("{other:?}"),
    }
    let tampered = text.replacen(
        "{\"Act\":[\"isolate\",{\"Host\":\"pc-01\"}]}",
        "{\"Act\":[\"isolate\",{\"Host\":\"pc-02\"}]}",
        1,
    );
    assert!(matches!(
        check(tampered.as_bytes()),
        Err(ReplayError::Diverged { line: 3, .. })
    ));
}

#[test]
fn removed_swapped_and_truncated_lines_are_named() {
    let bytes = record(1, &mut Scripted::walkthrough(&tutorial()), None);
    let all = lines(&bytes);
    assert!(all.len() >= 6);

    let mut removed = all.clone();
    removed.remove(3);
    assert_eq!(
        check(&join(&removed)),
        Err(ReplayError::BrokenChain { line: 4 })
    );

    let mut swapped = all.clone();
    swapped.swap(2, 3);
    assert_eq!(
        check(&join(&swapped)),
        Err(ReplayError::BrokenChain { line: 3 })
    );

    let cut = bytes.len() - 40;
    assert_eq!(
        check(&bytes[..cut]),
        Err(ReplayError::Truncated {
            line: all.len(),
            complete: all.len() - 1
        })
    );
    // A log cut exactly at a line end is a shorter, valid log: only the last turn is lost.
    let shorter = join(&all[..all.len() - 1]);
    assert!(check(&shorter).is_ok());

    assert_eq!(check(b""), Err(ReplayError::Empty));
    assert!(matches!(
        check(b"not json\n"),
        Err(ReplayError::Corrupt { line: 1, .. })
    ));
}

#[test]
fn the_wrong_scenario_file_is_named() {
    let bytes = record(1, &mut Idle, Some(2));
    let log = Log::parse(&bytes).unwrap();
    let other = std::fs::read(root().join("tests/fixtures/base.ron")).unwrap();
    match verify(&log, "tests/fixtures/base.ron", &other) {
        Err(ReplayError::WrongScenario { id, .. }) => assert_eq!(id, "tutorial"),
        other => panic!("{other:?}"),
    }
}

/// The turn lines of a log without their chain field, for comparing logs with different
/// headers.
fn contents(bytes: &[u8]) -> Vec<(usize, u32, String, String, String)> {
    Log::parse(bytes)
        .unwrap()
        .turns
        .into_iter()
        .map(|l| {
            let t = l.value;
            (
                t.team,
                t.turn,
                serde_json::to_string(&t.actions).unwrap(),
                serde_json::to_string(&t.events).unwrap(),
                t.digest,
            )
        })
        .collect()
}

#[test]
fn branching_replays_to_a_turn_then_continues() {
    let s = tutorial();
    let original = record(1, &mut Scripted::walkthrough(&s), None);
    let log = Log::parse(&original).unwrap();
    for (policy, same) in [("walkthrough", true), ("idle", false)] {
        let mut session = Session::from_log(s.clone(), &log, 3).unwrap();
        assert_eq!(session.turn(TeamId(0)), 3);
        let memory = Memory::default();
        let sha = sha256_hex(&tutorial_bytes());
        let branch = cyberdrill::replay::BranchRef {
            log: "original.jsonl".into(),
            sha256: log.sha256.clone(),
            turn: 3,
        };
        let h = header(
            &s,
            "scenarios/tutorial.ron",
            &sha,
            1,
            session.team_names(),
            Lang::En,
            Some(branch),
        );
        session.record_to(Box::new(memory.clone()), h).unwrap();
        let mut p: Box<dyn Policy> = if same {
            Box::new(Scripted::walkthrough(&s))
        } else {
            Box::new(Idle)
        };
        bots::play(&mut session, TeamId(0), p.as_mut(), None).unwrap();
        let branched = memory.0.lock().unwrap().clone();
        // The branched log verifies on its own and records where it came from.
        let parsed = Log::parse(&branched).unwrap();
        assert_eq!(parsed.header.value.branch.as_ref().unwrap().turn, 3);
        assert!(
            verify(&parsed, "scenarios/tutorial.ron", &tutorial_bytes()).is_ok(),
            "{policy}"
        );
        let (a, b) = (contents(&original), contents(&branched));
        if same {
            assert_eq!(a, b, "same actions after the branch give the same log");
        } else {
            assert_eq!(
                a[..3],
                b[..3],
                "turns up to the branch point are the original's"
            );
            assert_ne!(a[3], b[3], "other actions diverge from the next turn");
        }
    }
    assert!(matches!(
        Session::from_log(s, &log, 99),
        Err(ReplayError::BranchTurn { turn: 99, .. })
    ));
}

/// A disk that fills up after a number of bytes.
struct FullDisk {
    left: usize,
}

impl Write for FullDisk {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.len() > self.left {
            return Err(std::io::Error::other("no space left on device"));
        }
        self.left -= buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_failing_log_never_stops_the_session() {
    let s = tutorial();
    let mut session = Session::new(s.clone(), 1, &["team"]).unwrap();
    let h = header(
        &s,
        "scenarios/tutorial.ron",
        "x",
        1,
        session.team_names(),
        Lang::En,
        None,
    );
    session
        .record_to(Box::new(FullDisk { left: 700 }), h)
        .unwrap();
    let mut failures = 0;
    for _ in 0..4 {
        match session.advance_team(TeamId(0)) {
            Ok(()) => {}
            Err(SessionError::Record(_)) => failures += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(failures, 1, "the failure is reported once");
    assert!(!session.is_recording());
    assert_eq!(session.turn(TeamId(0)), 4, "every turn was played");
    assert_eq!(session.history().len(), 4);
}

#[test]
fn the_cli_records_verifies_and_shows_a_log() {
    let dir = temp_dir("replay-cli");
    let log = dir.join("w.jsonl");
    let out = cyberdrill(&[
        "run",
        "scenarios/tutorial.ron",
        "--policy",
        "walkthrough",
        "--replay",
        log.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let verified = cyberdrill(&["replay", "verify", log.to_str().unwrap()]);
    assert_eq!(verified.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&verified.stdout).contains("verified"));

    let text = std::fs::read_to_string(&log).unwrap().replacen(
        "\"malicious\":true",
        "\"malicious\":false",
        1,
    );
    let bad = dir.join("bad.jsonl");
    std::fs::write(&bad, text).unwrap();
    let failed = cyberdrill(&["replay", "verify", bad.to_str().unwrap()]);
    assert_eq!(failed.status.code(), Some(2));
    let msg = String::from_utf8_lossy(&failed.stdout);
    assert!(
        msg.contains("line 3 (team 0, turn 2)") && msg.contains("events"),
        "{msg}"
    );

    let shown = cyberdrill(&["replay", "show", log.to_str().unwrap()]);
    let timeline = String::from_utf8_lossy(&shown.stdout);
    assert!(
        timeline.contains("Turn 2") && timeline.contains("Triage"),
        "{timeline}"
    );
    let state = cyberdrill(&[
        "replay",
        "show",
        log.to_str().unwrap(),
        "--turn",
        "2",
        "--team",
        "bot",
    ]);
    let state = String::from_utf8_lossy(&state.stdout);
    assert!(
        state.contains("State after turn 2") && state.contains("pc-01"),
        "{state}"
    );
    let ja = cyberdrill(&["replay", "show", log.to_str().unwrap(), "--lang", "ja"]);
    assert!(String::from_utf8_lossy(&ja.stdout).contains("ターン"));

    // Branching from the CLI: the new log says where it came from and verifies.
    let branch = dir.join("branch.jsonl");
    let out = cyberdrill(&[
        "run",
        "scenarios/tutorial.ron",
        "--policy",
        "idle",
        "--from",
        log.to_str().unwrap(),
        "--turn",
        "2",
        "--replay",
        branch.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        cyberdrill(&["replay", "verify", branch.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    assert!(
        std::fs::read_to_string(&branch)
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .contains("\"turn\":2")
    );
}

#[test]
fn a_header_without_teams_or_with_a_team_twice_is_refused() {
    let text = String::from_utf8(record(1, &mut Idle, Some(2))).unwrap();
    assert_eq!(text.matches(r#""teams":["bot"]"#).count(), 1);
    for (teams, why) in [("[]", "names no team"), (r#"["bot","bot"]"#, "named twice")] {
        let bad = text.replacen(r#""teams":["bot"]"#, &format!(r#""teams":{teams}"#), 1);
        match Log::parse(bad.as_bytes()) {
            Err(ReplayError::Corrupt { line: 1, message }) => {
                assert!(message.contains(why), "{message}")
            }
            other => panic!("{teams}: {other:?}"),
        }
        // Branching from it is an invalid input, not a crash.
        let dir = temp_dir("no-teams");
        let log = write(&dir, "bad.jsonl", &bad);
        let out = cyberdrill(&[
            "run",
            "scenarios/tutorial.ron",
            "--policy",
            "idle",
            "--from",
            log.to_str().unwrap(),
            "--turn",
            "0",
        ]);
        assert_eq!(out.status.code(), Some(2), "{teams}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
