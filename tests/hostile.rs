//! Hostile input, through the real binary and the real parsers: what is not a regular file,
//! outputs over existing files and over the command's own inputs, control characters in what
//! is echoed, raw parser messages, and property tests feeding mutated shipped scenarios and
//! action files (the fuzz driver in `tests/fuzz/` does the same at length).

use std::path::{Path, PathBuf};
use std::process::Output;

use cyberdrill::scenario::locate::{SourceMap, Step};
use proptest::prelude::*;

use crate::util::{cyberdrill, root, shipped_scenarios, temp_dir, tutorial_with, write};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A copy of the tutorial in `dir` (so the command's inputs are files a test may lose).
fn tutorial_copy(dir: &Path) -> PathBuf {
    let path = dir.join("tutorial.ron");
    std::fs::copy(root().join("scenarios/tutorial.ron"), &path).expect("copy");
    path
}

/// A replay log of the walkthrough on `scenario`, at `dir/w.jsonl`.
fn walkthrough_log(dir: &Path, scenario: &Path) -> PathBuf {
    let log = dir.join("w.jsonl");
    let out = cyberdrill(&[
        "run",
        scenario.to_str().unwrap(),
        "--policy",
        "walkthrough",
        "--replay",
        log.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    log
}

/// The walkthrough of a scenario's source, as an action file's text.
fn walkthrough_text(src: &str) -> String {
    let map = SourceMap::new(src);
    src[map.span(&[Step::Field("walkthrough")])].to_owned()
}

// --- what is not a regular file

#[cfg(unix)]
#[test]
fn named_pipes_are_refused_for_every_input_and_output() {
    let dir = temp_dir("fifo");
    let fifo = dir.join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let scenario = tutorial_copy(&dir);
    let log = walkthrough_log(&dir, &scenario);
    let (f, s, l) = (
        fifo.to_str().unwrap(),
        scenario.to_str().unwrap(),
        log.to_str().unwrap(),
    );
    let commands: Vec<Vec<&str>> = vec![
        vec!["check", f],
        vec!["check", "--json", f],
        vec!["run", f, "--policy", "idle"],
        vec!["run", s, "--policy", f],
        vec!["run", s, "--policy", "idle", "--from", f, "--turn", "1"],
        vec!["balance", f, "--policy", "idle", "--runs", "1"],
        vec!["balance", s, "--policy", f, "--runs", "1"],
        vec!["replay", "verify", f],
        vec!["replay", "verify", l, "--scenario", f],
        vec!["replay", "show", f],
        vec!["report", f],
        vec!["report", l, "--scenario", f],
        vec!["run", s, "--policy", "idle", "--replay", f, "--force"],
        vec!["report", l, "--out", f, "--force"],
    ];
    for args in commands {
        let out = cyberdrill(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let all = stderr(&out) + &stdout(&out);
        assert!(all.contains("named pipe (FIFO)"), "{args:?}: {all}");
    }
    // Without --force, a pipe is an existing file like any other.
    let out = cyberdrill(&["run", s, "--policy", "idle", "--replay", f]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_directory_is_not_a_scenario() {
    let out = cyberdrill(&["check", "scenarios"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("it is a directory, not a regular file"));
    assert!(out.stdout.is_empty(), "errors go to stderr");
}

// --- outputs never replace a file unasked, nor one of the command's inputs

#[test]
fn outputs_refuse_existing_files_unless_forced() {
    let dir = temp_dir("overwrite");
    let scenario = tutorial_copy(&dir);
    let log = walkthrough_log(&dir, &scenario);
    let (s, l) = (scenario.to_str().unwrap(), log.to_str().unwrap());
    let kept = write(&dir, "kept.txt", "an earlier file\n");
    let k = kept.to_str().unwrap();

    for args in [
        vec!["run", s, "--policy", "idle", "--replay", k],
        vec!["report", l, "--out", k],
    ] {
        let out = cyberdrill(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
        assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
        assert_eq!(std::fs::read_to_string(&kept).unwrap(), "an earlier file\n");
    }
    let out = cyberdrill(&["run", s, "--policy", "idle", "--replay", k, "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        std::fs::read_to_string(&kept)
            .unwrap()
            .contains("\"header\"")
    );
    let out = cyberdrill(&["report", l, "--out", k, "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(std::fs::read_to_string(&kept).unwrap().starts_with("# "));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_command_writes_over_its_own_inputs() {
    let dir = temp_dir("own-inputs");
    let scenario = tutorial_copy(&dir);
    let log = walkthrough_log(&dir, &scenario);
    let plan = write(&dir, "plan.ron", walkthrough_text(&crate::util::tutorial()));
    let (s, l, p) = (
        scenario.to_str().unwrap(),
        log.to_str().unwrap(),
        plan.to_str().unwrap(),
    );
    let before: Vec<Vec<u8>> = [&scenario, &log, &plan]
        .iter()
        .map(|f| std::fs::read(f).unwrap())
        .collect();
    // The log's header names the scenario copy: `report` reads it without --scenario.
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "run", s, "--policy", "idle", "--from", l, "--turn", "2", "--replay", l,
            ],
            "replay log",
        ),
        (
            vec!["run", s, "--policy", "idle", "--replay", s],
            "scenario",
        ),
        (vec!["run", s, "--policy", p, "--replay", p], "action file"),
        (vec!["report", l, "--out", l], "replay log"),
        (vec!["report", l, "--out", s], "scenario"),
    ];
    for (args, input) in cases {
        for force in [false, true] {
            let mut args = args.clone();
            if force {
                args.push("--force");
            }
            let out = cyberdrill(&args);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
            if force {
                assert!(
                    stderr(&out).contains(&format!("is the {input} this command reads")),
                    "{args:?}: {}",
                    stderr(&out)
                );
            }
        }
    }
    let after: Vec<Vec<u8>> = [&scenario, &log, &plan]
        .iter()
        .map(|f| std::fs::read(f).unwrap())
        .collect();
    assert!(before == after, "every input is unchanged");
    let _ = std::fs::remove_dir_all(&dir);
}

// --- what is echoed

#[test]
fn control_characters_from_a_scenario_never_reach_the_terminal_or_markdown() {
    let dir = temp_dir("escapes");
    let src = tutorial_with(
        "en: \"Tutorial: an invoice that was not an invoice\",",
        "en: \"Tutorial\u{1b}[2J\u{1b}]0;owned\u{7}\u{9b}31m\",",
    );
    let scenario = write(&dir, "esc.ron", &src);
    let s = scenario.to_str().unwrap();
    let log = walkthrough_log(&dir, &scenario);
    let l = log.to_str().unwrap();
    for args in [
        vec!["run", s, "--policy", "walkthrough"],
        vec!["replay", "show", l],
        vec!["report", l],
        vec!["report", l, "--format", "html"],
    ] {
        let out = cyberdrill(&args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains("Tutorial"), "{args:?}: {text}");
        for c in ['\u{1b}', '\u{7}', '\u{9b}'] {
            assert!(!text.contains(c), "{args:?} printed {c:?}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_error_far_along_a_line_is_shown_by_every_command_that_loads_a_scenario() {
    // miette cannot lay out a line past column 65,535: the line is cut to a window instead.
    let dir = temp_dir("far-error");
    let src = tutorial_with(
        "tags: [",
        &format!("tags: [{}\"\" \"\", ", " ".repeat(70_000)),
    );
    let scenario = write(&dir, "far.ron", &src);
    let s = scenario.to_str().unwrap();
    // ron points at the second string, where a comma was expected.
    let (line, col) = crate::util::line_col(&src, src.find("\"\" \"\"").unwrap() + 3);
    let at = format!("far.ron:{line}:{col}]");
    for args in [
        vec!["check", s],
        vec!["run", s, "--policy", "idle"],
        vec!["balance", s, "--policy", "idle", "--runs", "1"],
    ] {
        let out = cyberdrill(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let shown = stdout(&out) + &stderr(&out);
        assert!(shown.contains("expected a comma"), "{args:?}: {shown}");
        assert!(shown.contains(&at), "{args:?}: {shown}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

// --- parser messages in the user's terms

#[test]
fn action_file_errors_speak_the_files_terms() {
    let dir = temp_dir("plans");
    let cases = [
        (
            "[(turn: -1, actions: [])]",
            "1:10: a turn is a whole number from 1 to 10",
        ),
        (
            "(turn: 2, actions: [])",
            "1:1: expected a list `[ … ]`: an action file is a list of turns",
        ),
        (
            "[(turn: 2, actions: [Act(\"isolate\")])]",
            "`Act(…)` takes 2 values, found 1 value",
        ),
        (
            "\u{feff}[(turn: 2, actions: [])]",
            "byte-order mark (U+FEFF)",
        ),
        (
            "[(turn: 2, actoins: [])]",
            "unknown field `actoins` in `TurnPlan` (did you mean `actions`?)",
        ),
        ("[(turn: 2e, actions: [])]", "`e` is not a digit"),
    ];
    for (i, (text, expected)) in cases.iter().enumerate() {
        let plan = write(&dir, &format!("plan{i}.ron"), text);
        let out = cyberdrill(&[
            "run",
            "scenarios/tutorial.ron",
            "--policy",
            plan.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{text}");
        let msg = stderr(&out);
        assert!(msg.contains(expected), "{text}: {msg}");
        for rust in [
            "RawCommand",
            "Integer is out of bounds",
            "Expected opening",
            "u32",
        ] {
            assert!(!msg.contains(rust), "{text}: {msg}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn scenario_parser_errors_speak_the_files_terms() {
    let src = crate::util::tutorial();
    let cases = [
        (
            format!("\u{feff}{src}"),
            "unexpected byte-order mark (U+FEFF)",
        ),
        (
            src.replacen("max_turns: 10", "max_turns: 1e", 1),
            "`e` is not a digit",
        ),
        (
            src.replacen("max_turns: 10", "max_turns: -1", 1),
            "the number is out of range",
        ),
        (
            src.replacen("Act(\"isolate\", Host(\"pc-01\"))", "Act(\"isolate\")", 1),
            "`Act(…)` takes 2 values, found 1 value",
        ),
        (
            src.replacen("max_turns: 10", "max_turns: @", 1),
            "unexpected character `@`",
        ),
    ];
    for (text, expected) in cases {
        let checked = cyberdrill::scenario::check_bytes("s.ron", text.as_bytes());
        let p = &checked.problems[0];
        assert!(p.message.contains(expected), "{}", p.message);
        assert!(p.line >= 1 && p.col >= 1);
    }
}

// --- exit codes and where messages go

#[test]
fn failures_go_to_stderr_with_exit_2() {
    for args in [
        vec!["replay", "verify", "no/such.jsonl"],
        vec!["replay", "show", "no/such.jsonl"],
        vec!["report", "no/such.jsonl"],
        vec!["check", "no/such.ron"],
        vec!["run", "no/such.ron", "--policy", "idle"],
        vec![
            "balance",
            "scenarios/tutorial.ron",
            "--policy",
            "idle",
            "--runs",
            "18446744073709551615",
        ],
    ] {
        let out = cyberdrill(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: {}", stdout(&out));
        assert!(!stderr(&out).is_empty(), "{args:?}");
    }
}

// --- mutated inputs, to the real parsers

/// One edit of a text: `kind` picks what, `at` and `len` where (taken modulo the length).
#[derive(Debug, Clone)]
struct Edit {
    kind: u8,
    at: usize,
    len: usize,
    byte: u8,
}

fn edit() -> impl Strategy<Value = Edit> {
    (0u8..6, any::<usize>(), 0usize..64, any::<u8>()).prop_map(|(kind, at, len, byte)| Edit {
        kind,
        at,
        len,
        byte,
    })
}

/// Tokens that make a mutant get further than random bytes do.
const TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "Some(",
    "None",
    "-1",
    "4294967295",
    "99999999999",
    "\u{feff}",
    "\u{1b}[2J",
    "Act(\"isolate\")",
    "Host(\"pc-01\")",
    "Turn(4294967295)",
    "turn: 0",
    "id: \"\"",
    "//",
    "/*",
    "r#\"",
    "\\",
    "漢",
];

fn apply(bytes: &mut Vec<u8>, e: &Edit) {
    let n = bytes.len().max(1);
    let at = e.at % n;
    let end = (at + e.len).min(bytes.len());
    match e.kind {
        0 if at < bytes.len() => bytes[at] = e.byte,
        1 => {
            bytes.drain(at.min(bytes.len())..end);
        }
        2 => {
            let chunk = bytes[at.min(bytes.len())..end].to_vec();
            bytes.splice(end..end, chunk);
        }
        3 => {
            let token = TOKENS[usize::from(e.byte) % TOKENS.len()];
            bytes.splice(at.min(bytes.len())..at.min(bytes.len()), token.bytes());
        }
        4 => bytes.truncate(at),
        _ => {
            let token = TOKENS[usize::from(e.byte) % TOKENS.len()];
            bytes.splice(at.min(bytes.len())..end, token.bytes());
        }
    }
}

/// Checks a mutant scenario: no panic, every problem located inside the text, rendering
/// without control characters.
fn check_mutant(name: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    let checked = cyberdrill::scenario::check_bytes(name, bytes);
    let lines = checked.source.split('\n').count();
    for p in &checked.problems {
        prop_assert!(
            p.line >= 1 && p.line <= lines,
            "{name}: line {} of {lines}",
            p.line
        );
        prop_assert!(p.col >= 1, "{name}: column {}", p.col);
    }
    prop_assert_eq!(checked.scenario.is_some(), checked.errors() == 0);
    let shown = cyberdrill::cli::render_check(&checked);
    prop_assert!(
        !shown.chars().any(|c| c.is_control() && c != '\n'),
        "{}: a control character in the rendering",
        name
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn mutated_shipped_scenarios_give_located_problems(
        which in 0usize..4,
        edits in proptest::collection::vec(edit(), 1..4),
    ) {
        let files = shipped_scenarios();
        let file = &files[which % files.len()];
        let mut bytes = std::fs::read(file).expect("shipped");
        for e in &edits {
            apply(&mut bytes, e);
        }
        check_mutant(&file.display().to_string(), &bytes)?;
    }

    #[test]
    fn mutated_action_files_give_located_errors(
        which in 0usize..4,
        edits in proptest::collection::vec(edit(), 1..4),
    ) {
        let files = shipped_scenarios();
        let src = std::fs::read_to_string(&files[which % files.len()]).expect("shipped");
        let s = cyberdrill::scenario::check_bytes("s.ron", src.as_bytes()).scenario.expect("valid");
        let mut bytes = walkthrough_text(&src).into_bytes();
        for e in &edits {
            apply(&mut bytes, e);
        }
        let Ok(text) = String::from_utf8(bytes) else { return Ok(()) };
        match cyberdrill::session::bots::parse_plan("plan.ron", &text, &s) {
            Ok(plans) => prop_assert!(plans.iter().all(|p| p.turn >= 1 && p.turn <= s.max_turns)),
            Err(cyberdrill::session::bots::PlanError::Invalid { line, col, message, .. }) => {
                prop_assert!(line >= 1 && col >= 1 && line <= text.split('\n').count());
                prop_assert!(!message.contains("Raw"), "{}", message);
            }
            Err(e) => prop_assert!(false, "{}", e),
        }
    }
}

proptest! {
    // Each case runs the binary twice: few cases, for the exit codes.
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn the_binary_exits_0_or_2_on_mutants(edits in proptest::collection::vec(edit(), 1..3)) {
        let dir = temp_dir("mutant-exit");
        let src = crate::util::tutorial();
        let mut scenario = src.clone().into_bytes();
        let mut plan = walkthrough_text(&src).into_bytes();
        for e in &edits {
            apply(&mut scenario, e);
            apply(&mut plan, e);
        }
        let s = write(&dir, "s.ron", &scenario);
        let p = write(&dir, "p.ron", &plan);
        let checked = cyberdrill(&["check", s.to_str().unwrap()]);
        prop_assert!(matches!(checked.status.code(), Some(0 | 2)), "{:?}", checked.status);
        let ran = cyberdrill(&["run", "tests/fixtures/base.ron", "--policy", p.to_str().unwrap()]);
        prop_assert!(matches!(ran.status.code(), Some(0 | 2)), "{:?}", ran.status);
        prop_assert!(!stderr(&checked).contains("internal error") && !stderr(&ran).contains("internal error"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
