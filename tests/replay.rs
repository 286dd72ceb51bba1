//! The replay log: golden logs keep verifying (format 1 ones too), every kind of tampering is
//! detected and named, seals and signatures hold, facilitator interventions and members
//! re-simulate, branching reproduces the original up to the branch point, and a failing disk
//! never stops the session.

use std::io::Write;
use std::sync::{Arc, Mutex};

use cyberdrill::engine::event::EventKind;
use cyberdrill::engine::state::FacilitatorQuestion;
use cyberdrill::engine::{Intervention, TeamId};
use cyberdrill::replay::record::{header, sha256_hex};
use cyberdrill::replay::sign::public_hex;
use cyberdrill::replay::{Log, ReplayError, SealReason, verify};
use cyberdrill::scenario::Scenario;
use cyberdrill::scenario::model::{Command, Lang};
use cyberdrill::session::bots::{self, Idle, Policy, RandomPolicy, Scripted};
use cyberdrill::session::{Session, SessionError};
use ed25519_dalek::SigningKey;

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

/// A recording session of the tutorial for `teams`, writing to memory.
fn recording(seed: u64, teams: &[&str]) -> (Session, Memory) {
    let s = tutorial();
    let memory = Memory::default();
    let mut session = Session::new(s.clone(), seed, teams).unwrap();
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
    (session, memory)
}

/// Records a one-team session of the tutorial played by `policy` (up to `turns`), sealed
/// unsigned like `cyberdrill run` does.
fn record(seed: u64, policy: &mut dyn Policy, turns: Option<u32>) -> Vec<u8> {
    // Named like the team of `cyberdrill run`, so the bytes match logs the CLI writes.
    let (mut session, memory) = recording(seed, &["bot"]);
    bots::play(&mut session, TeamId(0), policy, turns).unwrap();
    session.seal(None, None).unwrap();
    memory.0.lock().unwrap().clone()
}

fn check(bytes: &[u8]) -> Result<cyberdrill::replay::Verified, ReplayError> {
    let log = Log::parse(bytes)?;
    verify(&log, "scenarios/tutorial.ron", &tutorial_bytes(), None)
}

/// Rewrites every line's `prev` so the chain holds again: what a forger who edits a line
/// does.
fn rechain(lines: &mut [Vec<u8>]) {
    for i in 1..lines.len() {
        let hash = sha256_hex(&lines[i - 1]);
        let text = String::from_utf8(lines[i].clone()).unwrap();
        let at = text.rfind("\"prev\":\"").unwrap() + 8;
        let end = at + text[at..].find('"').unwrap();
        lines[i] = format!("{}{hash}{}", &text[..at], &text[end..]).into_bytes();
    }
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
    // Logs of the current tutorial, and logs of earlier versions (earlier rules revisions and
    // formats) verified against the tutorial as it was when they were recorded.
    let old_tutorial =
        std::fs::read(root().join("tests/fixtures/golden/rules-1/tutorial.ron")).unwrap();
    let rules_2_tutorial =
        std::fs::read(root().join("tests/fixtures/golden/rules-2/tutorial.ron")).unwrap();
    let rules_3_tutorial =
        std::fs::read(root().join("tests/fixtures/golden/rules-3/tutorial.ron")).unwrap();
    for (name, scenario, format) in [
        ("tutorial-walkthrough.jsonl", tutorial_bytes(), 2),
        ("tutorial-random-7.jsonl", tutorial_bytes(), 2),
        (
            "rules-3/tutorial-walkthrough.jsonl",
            rules_3_tutorial.clone(),
            2,
        ),
        (
            "rules-3/tutorial-random-7.jsonl",
            rules_3_tutorial.clone(),
            2,
        ),
        (
            "rules-2/tutorial-walkthrough.jsonl",
            rules_2_tutorial.clone(),
            2,
        ),
        (
            "rules-2/tutorial-random-7.jsonl",
            rules_2_tutorial.clone(),
            2,
        ),
        (
            "rules-1/tutorial-walkthrough.jsonl",
            old_tutorial.clone(),
            2,
        ),
        ("rules-1/tutorial-random-7.jsonl", old_tutorial.clone(), 2),
        (
            "format-1/tutorial-walkthrough.jsonl",
            old_tutorial.clone(),
            1,
        ),
        ("format-1/tutorial-random-7.jsonl", old_tutorial.clone(), 1),
    ] {
        let path = root().join("tests/fixtures/golden").join(name);
        let log = Log::read(&path).unwrap();
        let verified = verify(&log, "scenarios/tutorial.ron", &scenario, None)
            .unwrap_or_else(|e| panic!("{name}: {e}\n(see tests/fixtures/golden/README.md)"));
        assert!(verified.turns >= 4, "{name}");
        assert_eq!(verified.format, format, "{name}");
        assert_eq!(verified.sealed.is_some(), format == 2, "{name}");
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
    // A log cut exactly at a line end is not mistaken for a shorter game: it has no seal.
    for keep in [all.len() - 1, all.len() - 2] {
        let shorter = join(&all[..keep]);
        match check(&shorter) {
            Err(ReplayError::Unsealed { line, turns }) => {
                assert_eq!(line, keep);
                assert!(turns.contains("bot after turn"), "{turns}");
            }
            other => panic!("cut after line {keep}: {other:?}"),
        }
    }

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
    match verify(&log, "tests/fixtures/base.ron", &other, None) {
        Err(ReplayError::WrongScenario { id, .. }) => assert_eq!(id, "tutorial"),
        other => panic!("{other:?}"),
    }
}

/// The turn lines of a log without their chain field, for comparing logs with different
/// headers.
fn contents(bytes: &[u8]) -> Vec<(usize, u32, String, String, String)> {
    Log::parse(bytes)
        .unwrap()
        .turns()
        .map(|l| {
            let cyberdrill::replay::LogEntry::Turn(t) = l.value.clone() else {
                unreachable!("turns() yields turn lines")
            };
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
        session.seal(None, None).unwrap();
        let branched = memory.0.lock().unwrap().clone();
        // The branched log verifies on its own and records where it came from.
        let parsed = Log::parse(&branched).unwrap();
        assert_eq!(parsed.header.value.branch.as_ref().unwrap().turn, 3);
        assert!(
            verify(&parsed, "scenarios/tutorial.ron", &tutorial_bytes(), None).is_ok(),
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
    assert!(failed.stdout.is_empty(), "failures go to stderr");
    let msg = String::from_utf8_lossy(&failed.stderr);
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

#[test]
fn a_recorded_random_session_matches_its_golden_log() {
    let bytes = record(7, &mut RandomPolicy::new(7), None);
    let golden =
        std::fs::read(root().join("tests/fixtures/golden/tutorial-random-7.jsonl")).unwrap();
    assert!(
        bytes == golden,
        "recording the same session again must give the golden log's bytes"
    );
}

#[test]
fn a_seal_closes_the_log_and_must_fit_it() {
    let bytes = record(1, &mut Scripted::walkthrough(&tutorial()), None);
    let verified = check(&bytes).unwrap();
    assert_eq!(verified.sealed, Some(SealReason::Completed));
    let all = lines(&bytes);
    let seal = String::from_utf8(all.last().unwrap().clone()).unwrap();
    assert!(seal.contains(r#""reason":"completed""#), "{seal}");

    // A line after the seal.
    let mut extra = all.clone();
    extra.push(all[all.len() - 2].clone());
    rechain(&mut extra);
    assert!(matches!(
        check(&join(&extra)),
        Err(ReplayError::Corrupt { line, .. }) if line == all.len() + 1
    ));

    // A seal that lies about where the teams stopped or why, the chain recomputed.
    for (find, replace) in [
        (r#""turns":[6]"#, r#""turns":[5]"#),
        (r#""reason":"completed""#, r#""reason":"closed""#),
    ] {
        let mut forged = all.clone();
        let last = forged.len() - 1;
        forged[last] = seal.replacen(find, replace, 1).into_bytes();
        match check(&join(&forged)) {
            Err(ReplayError::Seal { line, .. }) => assert_eq!(line, all.len()),
            other => panic!("{replace}: {other:?}"),
        }
    }

    // A session stopped early is sealed as closed.
    let short = record(1, &mut Idle, Some(2));
    assert_eq!(check(&short).unwrap().sealed, Some(SealReason::Closed));
}

#[test]
fn a_signed_seal_proves_who_wrote_the_log() {
    let key = SigningKey::from_bytes(&[3u8; 32]);
    let other = SigningKey::from_bytes(&[4u8; 32]);
    let (mut session, memory) = recording(1, &["bot"]);
    session.join(TeamId(0), "Aoki").unwrap();
    bots::play(
        &mut session,
        TeamId(0),
        &mut Scripted::walkthrough(&tutorial()),
        None,
    )
    .unwrap();
    session
        .seal(Some("2026-11-29T10:00:00Z".into()), Some(&key))
        .unwrap();
    assert!(
        session.seal(None, None).is_err(),
        "a log is sealed only once"
    );
    let bytes = memory.0.lock().unwrap().clone();
    let log = Log::parse(&bytes).unwrap();
    let tutorial = tutorial_bytes();
    let ok = verify(&log, "t", &tutorial, Some(&key.verifying_key())).unwrap();
    assert_eq!(
        ok.signed_by.as_deref(),
        Some(public_hex(&key).as_str()),
        "the signer is named"
    );
    assert!(matches!(
        verify(&log, "t", &tutorial, Some(&other.verifying_key())),
        Err(ReplayError::WrongKey { .. })
    ));
    let unsigned = Log::parse(&record(1, &mut Idle, Some(1))).unwrap();
    assert!(matches!(
        verify(&unsigned, "t", &tutorial, Some(&key.verifying_key())),
        Err(ReplayError::NotSigned { .. })
    ));

    // A change that re-simulation cannot see (who was in the team), the chain recomputed and
    // the seal kept: the signature no longer matches.
    let all = lines(&bytes);
    let mut forged = all.clone();
    forged[1] = String::from_utf8(all[1].clone())
        .unwrap()
        .replacen("Aoki", "Mallory", 1)
        .into_bytes();
    rechain(&mut forged);
    match check(&join(&forged)) {
        Err(ReplayError::Seal { message, .. }) => {
            assert!(message.contains("signature"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    // The ending time is covered too.
    let mut forged = all.clone();
    let last = forged.len() - 1;
    forged[last] = String::from_utf8(all[last].clone())
        .unwrap()
        .replacen("10:00:00", "11:00:00", 1)
        .into_bytes();
    match check(&join(&forged)) {
        Err(ReplayError::Seal { message, .. }) => {
            assert!(message.contains("signature"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_forged_header_is_named_even_with_the_chain_recomputed() {
    let bytes = record(1, &mut Scripted::walkthrough(&tutorial()), None);
    let all = lines(&bytes);
    let header = String::from_utf8(all[0].clone()).unwrap();
    let cases = [
        (r#""seed":1"#, r#""seed":2"#, "start"),
        (
            r#""id":"tutorial""#,
            r#""id":"municipal-breach""#,
            "scenario",
        ),
        (r#""rules":4"#, r#""rules":9"#, "rules"),
    ];
    for (find, replace, why) in cases {
        let mut forged = all.clone();
        forged[0] = header.replacen(find, replace, 1).into_bytes();
        rechain(&mut forged);
        match check(&join(&forged)) {
            Err(e @ (ReplayError::Header { .. } | ReplayError::Rules { .. })) => {
                assert!(e.to_string().contains(why), "{replace}: {e}");
            }
            other => panic!("{replace}: {other:?}"),
        }
    }
    // Without the chain recomputed, an edited header is named as the line that changed,
    // not blamed on the scenario file.
    let mut edited = all.clone();
    let sha = sha256_hex(&tutorial_bytes());
    edited[0] = header
        .replacen(&sha[..8], &format!("{}X", &sha[..7]), 1)
        .into_bytes();
    assert_eq!(
        check(&join(&edited)),
        Err(ReplayError::BrokenChain { line: 2 })
    );
    // A header-only log with its seed changed no longer verifies either.
    let (mut session, memory) = recording(1, &["bot"]);
    session.seal(None, None).unwrap();
    let empty = memory.0.lock().unwrap().clone();
    assert!(check(&empty).is_ok());
    let mut forged = lines(&empty);
    forged[0] = String::from_utf8(forged[0].clone())
        .unwrap()
        .replacen(r#""seed":1"#, r#""seed":5"#, 1)
        .into_bytes();
    rechain(&mut forged);
    assert!(matches!(
        check(&join(&forged)),
        Err(ReplayError::Header { .. })
    ));
}

#[test]
fn members_facilitator_messages_hints_and_replies_are_recorded_and_re_simulated() {
    let s = tutorial();
    let (mut session, memory) = recording(1, &["Red", "Blue"]);
    let (red, blue) = (TeamId(0), TeamId(1));
    assert!(session.join(red, "Aoki").unwrap());
    assert!(
        !session.join(red, "Aoki").unwrap(),
        "joining twice records once"
    );
    session.join(blue, "Sato").unwrap();
    session.announce("Lunch is at 12:30").unwrap();
    let walkthrough = Scripted::walkthrough(&s);
    let mut plans: Vec<Box<dyn Policy>> = vec![Box::new(walkthrough), Box::new(Idle)];
    // Turn 1 by policy, with the member named beside each command.
    for (i, p) in plans.iter_mut().enumerate() {
        let commands = p.decide(&session.view(TeamId(i)));
        let who = if i == 0 { "Aoki" } else { "Sato" };
        session.submit_by(TeamId(i), commands, Some(who)).unwrap();
    }
    session.advance().unwrap();
    let question = FacilitatorQuestion {
        prompt: "Who do you call first?".into(),
        choices: vec!["The CSIRT".into(), "Nobody".into()],
    };
    let number = session
        .message(
            &[red, blue],
            "The mayor wants an update by noon.",
            Some(question),
        )
        .unwrap();
    assert_eq!(number, 1);
    let hint = s.hints.ids().next().unwrap();
    session
        .intervene(blue, Intervention::GrantHint(hint))
        .unwrap();
    assert!(
        session
            .intervene(blue, Intervention::GrantHint(hint))
            .is_err(),
        "a hint is granted once"
    );
    session
        .submit_by(
            red,
            vec![Command::Reply {
                message: number,
                choice: 0,
            }],
            Some("Aoki"),
        )
        .unwrap();
    session.advance().unwrap();
    let red_events = session.events(red);
    assert!(red_events.iter().any(|e| matches!(
        &e.kind,
        EventKind::Replied { number: 1, choice: 0, text } if text == "The CSIRT"
    )));
    let card = session.scorecard(blue);
    assert!(
        card.penalties
            .iter()
            .all(|p| !matches!(p.kind, cyberdrill::scoring::PenaltyKind::Hint(_))),
        "a granted hint costs nothing"
    );
    session.seal(None, None).unwrap();
    let bytes = memory.0.lock().unwrap().clone();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(
        text.contains(r#""type":"member","team":0,"name":"Aoki""#),
        "{text}"
    );
    assert!(text.contains(r#""by":["Aoki""#), "{text}");
    assert!(text.contains(r#""type":"facilitator","team":1"#), "{text}");
    assert!(
        text.contains(r#"{"kind":"replied","message":1,"reply":1}"#),
        "{text}"
    );
    assert!(text.contains(r#""type":"announcement","text":"Lunch is at 12:30""#));
    let verified = check(&bytes).unwrap();
    assert_eq!((verified.teams, verified.turns), (2, 4));
    let log = Log::parse(&bytes).unwrap();
    assert_eq!(
        log.members(),
        vec![vec!["Aoki".to_owned()], vec!["Sato".to_owned()]]
    );

    // The facilitator's text is part of what is verified.
    let mut forged = lines(&bytes);
    let i = forged
        .iter()
        .position(|l| l.starts_with(br#"{"type":"facilitator""#))
        .unwrap();
    forged[i] = String::from_utf8(forged[i].clone())
        .unwrap()
        .replacen("by noon", "by one", 1)
        .into_bytes();
    rechain(&mut forged);
    assert!(matches!(
        check(&join(&forged)),
        Err(ReplayError::Diverged { .. })
    ));
    // So are the members: `by` must name someone who joined.
    let forged = text.replacen(r#""by":["Aoki""#, r#""by":["Mallory""#, 1);
    let mut forged = lines(forged.as_bytes());
    rechain(&mut forged);
    assert!(matches!(
        check(&join(&forged)),
        Err(ReplayError::Corrupt { message, .. }) if message.contains("Mallory")
    ));

    // Branching keeps what happened before the branch point.
    let branched = Session::from_log(s.clone(), &log, 1).unwrap();
    assert_eq!(branched.members(red), ["Aoki"]);
    assert!(
        branched.view(red).knowledge.messages.is_empty(),
        "the message came after turn 1"
    );
    let later = Session::from_log(s, &log, 2).unwrap();
    assert_eq!(later.view(red).knowledge.messages.len(), 1);
}

#[test]
fn the_cli_checks_signatures_with_a_key() {
    let dir = temp_dir("replay-key");
    let key_file = dir.join("k/signing.key");
    let key = cyberdrill::replay::sign::load_or_create(&key_file).unwrap();
    let (mut session, memory) = recording(1, &["bot"]);
    bots::play(&mut session, TeamId(0), &mut Idle, Some(2)).unwrap();
    session.seal(None, Some(&key)).unwrap();
    let log = write(&dir, "signed.jsonl", memory.0.lock().unwrap().clone());
    let public = public_hex(&key);
    let ok = cyberdrill(&["replay", "verify", log.to_str().unwrap(), "--key", &public]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("signed by the key given"));
    let other = public_hex(&SigningKey::from_bytes(&[1u8; 32]));
    let wrong = cyberdrill(&["replay", "verify", log.to_str().unwrap(), "--key", &other]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("signed by key"));
    let bad = cyberdrill(&["replay", "verify", log.to_str().unwrap(), "--key", "xyz"]);
    assert_eq!(bad.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Found by the fuzz driver: a line that is a JSON string, and a command with a value missing,
/// were reported in the program's type names ("struct Kind", "RawCommand::Answer").
#[test]
fn corrupt_lines_are_reported_in_the_logs_terms() {
    let text = String::from_utf8(record(1, &mut Idle, Some(2))).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[1] = "\"isolate\"".to_owned();
    match Log::parse((lines.join("\n") + "\n").as_bytes()) {
        Err(ReplayError::Corrupt { line: 2, message }) => {
            assert!(message.contains("a line (a JSON object)"), "{message}");
            assert!(!message.contains("struct"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let golden =
        std::fs::read_to_string(root().join("tests/fixtures/golden/tutorial-walkthrough.jsonl"))
            .unwrap();
    let start = golden
        .find(r#"{"Answer":["#)
        .expect("the walkthrough answers a question");
    let end = start + golden[start..].find("]}").unwrap();
    let cut = format!(
        "{}{{\"Answer\":[\"x\"]}}{}",
        &golden[..start],
        &golden[end + 2..]
    );
    match Log::parse(cut.as_bytes()) {
        Err(ReplayError::Corrupt { message, .. }) => {
            assert!(message.contains("Answer with 2 elements"), "{message}");
            assert!(
                !message.contains("::") && !message.contains("Raw"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
}

/// A log's events are kept as their text (verifying compares text), but each is read as an
/// event first: a malformed one is refused with its line and its column in that line, in the
/// log's terms.
#[test]
fn a_malformed_event_is_refused_where_it_is() {
    let text = String::from_utf8(record(1, &mut Idle, Some(2))).unwrap();
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let at = lines[1]
        .find(r#"{"kind":""#)
        .expect("the first turn has events");
    let value_end = at + 9 + lines[1][at + 9..].find('"').unwrap() + 1;
    for (edit, expected) in [
        (r#"{"colour":"red","kind":"x""#, "unknown field `colour`"),
        (r#"{"kind":7"#, "invalid type: integer `7`"),
    ] {
        let mut broken = lines.clone();
        broken[1] = format!("{}{edit}{}", &lines[1][..at], &lines[1][value_end..]);
        match Log::parse((broken.join("\n") + "\n").as_bytes()) {
            Err(ReplayError::Corrupt { line: 2, message }) => {
                assert!(message.contains(expected), "{message}");
                assert!(message.contains("turn line"), "{message}");
                // The column is the line's, past the start of the event (not the event's own).
                let column: usize = message
                    .rsplit("(column ")
                    .next()
                    .and_then(|c| c.trim_end_matches(')').parse().ok())
                    .unwrap_or_else(|| panic!("{message}"));
                assert!(column > at, "{message}");
            }
            other => panic!("{edit}: {other:?}"),
        }
    }
}

/// `run --from LOG` (and `play --from LOG`) take the scenario the log names when none is given.
#[test]
fn branching_from_a_log_finds_its_scenario() {
    let dir = temp_dir("from-finds");
    let log = root().join("tests/fixtures/golden/tutorial-walkthrough.jsonl");
    let branch = dir.join("branch.jsonl");
    let out = cyberdrill(&[
        "run",
        "--from",
        log.to_str().unwrap(),
        "--turn",
        "2",
        "--policy",
        "idle",
        "--replay",
        branch.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let verified = cyberdrill(&["replay", "verify", branch.to_str().unwrap()]);
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
    // Neither a scenario nor a log: told what is missing.
    let out = cyberdrill(&["run", "--policy", "idle"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("<SCENARIO>"));
}

/// A log recorded under an earlier rules revision keeps playing by those rules: branching from
/// it continues under them, and the branch records them in its header and verifies.
#[test]
fn a_branch_of_an_old_rules_log_keeps_its_rules() {
    let old_bytes =
        std::fs::read(root().join("tests/fixtures/golden/rules-1/tutorial.ron")).unwrap();
    let s = Arc::new(
        cyberdrill::scenario::check_bytes("scenarios/tutorial.ron", &old_bytes)
            .scenario
            .unwrap(),
    );
    let log = Log::read(&root().join("tests/fixtures/golden/rules-1/tutorial-walkthrough.jsonl"))
        .unwrap();
    assert_eq!(log.header.value.rules, Some(1));
    let mut session = Session::from_log(s.clone(), &log, 3).unwrap();
    assert_eq!(session.engine().rules(), 1);
    let memory = Memory::default();
    let h = header(
        &s,
        "scenarios/tutorial.ron",
        &sha256_hex(&old_bytes),
        1,
        session.team_names(),
        Lang::En,
        Some(cyberdrill::replay::BranchRef {
            log: "old.jsonl".into(),
            sha256: log.sha256.clone(),
            turn: 3,
        }),
    );
    session.record_to(Box::new(memory.clone()), h).unwrap();
    bots::play(
        &mut session,
        TeamId(0),
        &mut Scripted::walkthrough(&s),
        None,
    )
    .unwrap();
    session.seal(None, None).unwrap();
    let branched = Log::parse(&memory.0.lock().unwrap().clone()).unwrap();
    assert_eq!(branched.header.value.rules, Some(1));
    verify(&branched, "scenarios/tutorial.ron", &old_bytes, None).unwrap();
    // A new session plays by the current rules.
    assert_eq!(
        Session::new(tutorial(), 1, &["t"])
            .unwrap()
            .engine()
            .rules(),
        cyberdrill::engine::RULES
    );
}

#[test]
fn a_root_cause_on_the_findings_form_is_recorded_scored_and_verified() {
    let text = crate::util::tutorial_with_root_causes();
    let bytes = text.into_bytes();
    let checked = cyberdrill::scenario::check_bytes("tutorial-v2.ron", &bytes);
    let s = Arc::new(
        checked
            .scenario
            .unwrap_or_else(|| panic!("{:?}", checked.problems)),
    );
    let cause = s.objectives.id("cause").unwrap();
    let mut wrongs = Vec::new();
    for (named, points) in [(Some("macros"), 10), (Some("no-training"), 0), (None, 0)] {
        let memory = Memory::default();
        let mut session = Session::new(s.clone(), 1, &["bot"]).unwrap();
        let h = header(
            &s,
            "tutorial-v2.ron",
            &sha256_hex(&bytes),
            1,
            session.team_names(),
            Lang::En,
            None,
        );
        session.record_to(Box::new(memory.clone()), h).unwrap();
        session.advance_team(TeamId(0)).unwrap();
        let report = match named {
            Some(r) => format!(
                r#"Act("report", Findings(entry: "phishing", hosts: ["pc-01"], data: [], first_turn: 1, root_cause: "{r}"))"#
            ),
            None => r#"Act("report", Findings(entry: "phishing", hosts: ["pc-01"], data: [], first_turn: 1))"#.to_owned(),
        };
        session
            .submit(TeamId(0), vec![crate::engine::cmd(&s, &report)])
            .unwrap();
        session.advance_team(TeamId(0)).unwrap();
        session.advance_team(TeamId(0)).unwrap();
        let card = session.scorecard(TeamId(0));
        assert_eq!(card.objectives[cause.index()].points, points, "{named:?}");
        let wrong = card
            .penalties
            .iter()
            .find(|p| p.kind == cyberdrill::scoring::PenaltyKind::WrongFinding)
            .map_or(0, |p| p.count);
        session.seal(None, None).unwrap();
        let log_bytes = memory.0.lock().unwrap().clone();
        let log = Log::parse(&log_bytes).unwrap();
        verify(&log, "tutorial-v2.ron", &bytes, None).unwrap();
        let written = String::from_utf8(log_bytes).unwrap();
        assert_eq!(
            written.contains(r#""root_cause":"#),
            named.is_some(),
            "only a named root cause is written"
        );
        wrongs.push(wrong);
    }
    // A wrong root cause is one more wrong finding; none named is not.
    assert_eq!(wrongs[1], wrongs[0] + 1, "{wrongs:?}");
    assert_eq!(wrongs[2], wrongs[0], "{wrongs:?}");
}

/// A large log is read on two threads: it reads as its lines do one after the other — every
/// line in order with its number and bytes — and the first problem in the file is the one
/// named, wherever the other problems are.
#[test]
fn a_large_log_reads_line_by_line_and_names_its_first_problem() {
    let names: Vec<String> = (0..300).map(|i| format!("team {i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let (mut session, memory) = recording(3, &refs);
    let mut policies: Vec<RandomPolicy> = (0..names.len() as u64).map(RandomPolicy::new).collect();
    while !session.is_over() {
        for (i, p) in policies.iter_mut().enumerate() {
            if session.ending(TeamId(i)).is_none() {
                let commands = p.decide(&session.view(TeamId(i)));
                session.submit(TeamId(i), commands).unwrap();
            }
        }
        session.advance().unwrap();
    }
    session.seal(None, None).unwrap();
    let bytes = memory.0.lock().unwrap().clone();
    assert!(
        bytes.len() > 1 << 20,
        "a log of {} bytes is too small to be read on two threads (from 1 MiB)",
        bytes.len()
    );
    let raw = lines(&bytes);
    let n = raw.len();
    let log = Log::parse(&bytes).unwrap();
    assert_eq!(log.truncated, None);
    assert_eq!(log.header.bytes, raw[0]);
    assert_eq!(log.entries.len(), n - 1);
    for (i, line) in log.entries.iter().enumerate() {
        assert_eq!(line.number, i + 2);
        assert_eq!(line.bytes, raw[i + 1], "line {}", i + 2);
    }
    assert!(log.seal().is_some());
    assert_eq!(check(&bytes).unwrap().teams, names.len());

    // A problem near the end is named where it is; with another near the start, that one.
    let mut broken = raw.clone();
    broken[n - 3] = br#"{"type":"turn""#.to_vec();
    match Log::parse(&join(&broken)) {
        Err(ReplayError::Corrupt { line, .. }) => assert_eq!(line, n - 2),
        other => panic!("{other:?}"),
    }
    broken[5] = b"[]".to_vec();
    match Log::parse(&join(&broken)) {
        Err(ReplayError::Corrupt { line, .. }) => assert_eq!(line, 6),
        other => panic!("{other:?}"),
    }
    // An incomplete last line is not read, whatever it holds.
    let cut = &bytes[..bytes.len() - 40];
    let log = Log::parse(cut).unwrap();
    assert_eq!(log.truncated, Some(n));
    assert_eq!(log.entries.len(), n - 2);
}

/// `replay verify` loads the scenario while it reads the log's lines, and still names the
/// problems in the order of reading one after the other: a broken line before a missing
/// scenario file, an edited header (its scenario digest changed) before the scenario that
/// no longer matches it, and another scenario file as such.
#[test]
fn the_cli_names_a_logs_problems_before_its_scenarios() {
    let dir = temp_dir("replay-cli-order");
    let golden = root().join("tests/fixtures/golden/tutorial-walkthrough.jsonl");
    let all = lines(&std::fs::read(golden).unwrap());
    let verify = |name: &str, lines: &[Vec<u8>], scenario: &str| {
        let path = write(&dir, name, join(lines));
        let out = cyberdrill(&[
            "replay",
            "verify",
            path.to_str().unwrap(),
            "--scenario",
            scenario,
        ]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };

    let mut broken = all.clone();
    broken[3] = b"{".to_vec();
    let msg = verify("broken.jsonl", &broken, "missing.ron");
    assert!(msg.contains("line 4 is corrupt"), "{msg}");

    let header = String::from_utf8(all[0].clone()).unwrap();
    let sha = sha256_hex(&tutorial_bytes());
    let mut edited = all.clone();
    edited[0] = header
        .replacen(&sha[..8], &format!("{}0", &sha[..7]), 1)
        .into_bytes();
    if edited[0] == all[0] {
        edited[0] = header
            .replacen(&sha[..8], &format!("{}1", &sha[..7]), 1)
            .into_bytes();
    }
    let msg = verify("edited.jsonl", &edited, "scenarios/tutorial.ron");
    assert!(msg.contains("line 2: the hash chain is broken"), "{msg}");

    let msg = verify("other.jsonl", &all, "scenarios/sme-supply-chain.ron");
    assert!(msg.contains(&sha), "{msg}");
    assert!(!msg.contains("hash chain"), "{msg}");
}
