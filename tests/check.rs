//! The scenario format and `cyberdrill check`.
//!
//! Broken fixtures are `tests/fixtures/base.ron` (a frozen valid scenario) with one edit
//! each; every case names the problem's dotted path, a piece of its message, and the text it
//! must point at (found in the edited source, so the expected line:column is derived, not
//! hard-coded).

use cyberdrill::scenario::{self, Severity};

use crate::util::{cyberdrill, line_col, temp_dir, tutorial, tutorial_with, write};

struct Case {
    name: &'static str,
    find: &'static str,
    replace: &'static str,
    severity: Severity,
    path: &'static str,
    message: &'static str,
    /// Text in the edited source the problem must point at (its first occurrence at or after
    /// the edit, or anywhere if not found there).
    at: &'static str,
    /// Whether this must be the only problem.
    alone: bool,
}

const E: Severity = Severity::Error;
const W: Severity = Severity::Warning;

const CASES: &[Case] = &[
    // --- numbers that would overflow the sums they feed
    Case {
        name: "inject at the last possible turn, with a delay",
        find: "trigger: Turn(2), channel: Phone",
        replace: "trigger: Turn(4294967295), delay: 3, channel: Phone",
        severity: W,
        path: "injects.ito-call.trigger",
        message: "arrives at turn 4294967298, after the last turn (10)",
        at: "Turn(4294967295)",
        alone: false,
    },
    Case {
        name: "inject delay beyond any session",
        find: "trigger: StageDone(\"exfil\"), delay: 1,",
        replace: "trigger: StageDone(\"exfil\"), delay: 4294967295,",
        severity: E,
        path: "injects.vendor-upload.delay",
        message: "delay must be between 0 and",
        at: "4294967295",
        alone: true,
    },
    Case {
        name: "hint cost beyond any score",
        find: "(id: \"hint-alert\", from_turn: 2, cost: 5,",
        replace: "(id: \"hint-alert\", from_turn: 2, cost: 4294967295,",
        severity: E,
        path: "hints.hint-alert.cost",
        message: "cost must be between 0 and",
        at: "4294967295",
        alone: true,
    },
    Case {
        name: "containment window beyond any session",
        find: "kind: Contain(within: 2)",
        replace: "kind: Contain(within: 4294967295)",
        severity: E,
        path: "scoring.objectives.contain.kind.within",
        message: "within must be between 0 and",
        at: "4294967295",
        alone: true,
    },
    Case {
        name: "malformed choice id",
        find: "(id: \"wait\", concealment: true,",
        replace: "(id: \"wait now!\", concealment: true,",
        severity: E,
        path: "injects.keep-quiet.question.choices[0].id",
        message: "`wait now!` is not a valid id",
        at: "\"wait now!\"",
        alone: true,
    },
    // --- RON syntax and types
    Case {
        name: "syntax: missing comma",
        find: "    minutes_per_turn: 30,",
        replace: "    minutes_per_turn: 30",
        severity: E,
        path: "",
        message: "comma",
        at: "max_turns",
        alone: true,
    },
    Case {
        name: "unknown field",
        find: "minutes_per_turn: 30,",
        replace: "minutes_per_trun: 30,",
        severity: E,
        path: "",
        message: "unknown field `minutes_per_trun`",
        at: "minutes_per_trun",
        alone: true,
    },
    Case {
        name: "missing field",
        find: "kind: MailServer, os: \"Linux\", ",
        replace: "kind: MailServer, ",
        severity: E,
        path: "organisation.hosts.mx-01",
        message: "missing field `os`",
        at: ")",
        alone: false,
    },
    Case {
        name: "wrong type",
        find: "records: 1200",
        replace: "records: \"1200\"",
        severity: E,
        path: "organisation.data_sets.signups.records",
        message: "expected",
        at: "\"1200\"",
        alone: true,
    },
    Case {
        name: "unknown variant",
        find: "criticality: Low, monitoring: [Antivirus]),",
        replace: "criticality: Lowish, monitoring: [Antivirus]),",
        severity: E,
        path: "organisation.hosts.pc-02.criticality",
        message: "unknown variant `Lowish`",
        at: "Lowish",
        alone: true,
    },
    // --- ids and references
    Case {
        name: "duplicate id",
        find: "(id: \"pc-02\",",
        replace: "(id: \"pc-01\",",
        severity: E,
        path: "organisation.hosts.pc-01.id",
        message: "duplicate host id `pc-01`",
        at: "\"pc-01\"",
        alone: false,
    },
    Case {
        name: "malformed id",
        find: "(id: \"signups\",",
        replace: "(id: \"sign ups\",",
        severity: E,
        path: "organisation.data_sets[0].id",
        message: "not a valid id",
        at: "\"sign ups\"",
        alone: false,
    },
    Case {
        name: "unknown reference",
        find: "target: \"fs-01\",",
        replace: "target: \"fs-1\",",
        severity: E,
        path: "adversary.stages.exfil.target",
        message: "unknown host `fs-1`",
        at: "\"fs-1\"",
        alone: true,
    },
    Case {
        name: "reference to the wrong kind",
        find: "uses: \"adm-aoki\",",
        replace: "uses: \"fs-01\",",
        severity: E,
        path: "adversary.stages.exfil.uses",
        message: "unknown account `fs-01`",
        at: "\"fs-01\"",
        alone: true,
    },
    Case {
        name: "notification rule names a missing stakeholder",
        find: "(id: \"tell-ppc\", stakeholder: \"ppc\",",
        replace: "(id: \"tell-ppc\", stakeholder: \"pcc\",",
        severity: E,
        path: "notifications.tell-ppc.stakeholder",
        message: "unknown stakeholder `pcc`",
        at: "\"pcc\"",
        alone: true,
    },
    Case {
        name: "condition names a missing choice",
        find: "trigger: Notified(\"management\")",
        replace: "trigger: Answered(\"ito-call\", \"yes\")",
        severity: E,
        path: "injects.keep-quiet.trigger",
        message: "inject `ito-call` asks no question",
        at: "\"ito-call\"",
        alone: true,
    },
    Case {
        name: "noise alert used as a trace",
        find: "trigger: AlertSeen(\"proxy-upload\")",
        replace: "trigger: TraceFound(\"av-toolbar\")",
        severity: E,
        path: "notifications.tell-ppc.trigger",
        message: "`av-toolbar` is a noise alert",
        at: "\"av-toolbar\"",
        alone: true,
    },
    // --- numbers and forms
    Case {
        name: "malformed ATT&CK id",
        find: "technique: \"T1041\",",
        replace: "technique: \"T41\",",
        severity: E,
        path: "adversary.stages.exfil.technique",
        message: "not a MITRE ATT&CK technique id",
        at: "\"T41\"",
        alone: true,
    },
    Case {
        name: "chance out of range",
        find: "chance: 60,",
        replace: "chance: 160,",
        severity: E,
        path: "adversary.stages.exfil.chance",
        message: "chance must be between 1 and 100",
        at: "160",
        alone: true,
    },
    Case {
        name: "a stage target that is not one host",
        find: "via: Lure(\"mail-sender\"),\n                target: \"pc-01\",",
        replace: "via: Lure(\"mail-sender\"),\n                target: Segment(\"lan\"),",
        severity: E,
        path: "adversary.stages.phish.target",
        message: "a stage's `target` is the id of one host",
        at: "Segment",
        alone: true,
    },
    Case {
        name: "a format-2 verb in a format-1 file",
        find: "(id: \"harden\", verb: Mitigate,",
        replace: "(id: \"harden\", verb: Unmitigate,",
        severity: E,
        path: "actions.harden.verb",
        message: "verb `Unmitigate` needs `format: 2`",
        at: "Unmitigate",
        alone: true,
    },
    Case {
        name: "unsupported format",
        find: "format: 1,",
        replace: "format: 3,",
        severity: E,
        path: "format",
        message: "unsupported format version 3",
        at: "3,",
        alone: true,
    },
    Case {
        name: "duplicate grade",
        find: "(min_percent: 50,",
        replace: "(min_percent: 70,",
        severity: E,
        path: "scoring.grades[2].min_percent",
        message: "two grades start at 70%",
        at: "70, label: (en: \"Pass\"",
        alone: true,
    },
    // --- the adversary graph
    Case {
        name: "unreachable stage: no network path",
        find: "reaches: [\"internet\", \"servers\", \"dmz\"]",
        replace: "reaches: [\"internet\", \"dmz\"]",
        severity: E,
        path: "adversary.stages.exfil",
        message: "segment `office` of `pc-01` does not reach segment `servers`",
        at: "(\n                id: \"exfil\"",
        alone: true,
    },
    Case {
        name: "alternative stage never switched to",
        find: "on_blocked: [Switch(\"dns-fallback\")],",
        replace: "",
        severity: E,
        path: "adversary.stages.dns-fallback",
        message: "no reaction ever switches to this alternative stage",
        at: "(\n                id: \"dns-fallback\"",
        alone: true,
    },
    Case {
        name: "switch to a stage that is not an alternative",
        find: "alternative: true,",
        replace: "",
        severity: E,
        path: "adversary.stages.exfil.on_blocked[0]",
        message: "`dns-fallback` is not an alternative stage",
        at: "\"dns-fallback\")]",
        alone: true,
    },
    Case {
        name: "stages waiting for each other",
        find: "after: [\"phish\"],",
        replace: "after: [\"exfil\"],",
        severity: E,
        path: "adversary.stages.keylog.after",
        message: "stages wait for each other in a circle",
        at: "[\"exfil\"]",
        alone: false,
    },
    Case {
        name: "exploit of a missing vulnerability",
        find: "target: \"pc-02\",\n                requires",
        replace: "target: \"pc-02\",\n                exploits: \"CVE-2017-11882\",\n                requires",
        severity: E,
        path: "adversary.stages.phish-2.exploits",
        message: "the target `pc-02` has no vulnerability `CVE-2017-11882`",
        at: "\"CVE-2017-11882\"",
        alone: true,
    },
    Case {
        name: "stolen account not valid on the target",
        find: "kind: Admin, valid_on: [Everywhere]",
        replace: "kind: Admin, valid_on: [Segment(\"office\")]",
        severity: E,
        path: "adversary.stages.exfil.uses",
        message: "account `adm-aoki` cannot log on to the target `fs-01`",
        at: "\"adm-aoki\",\n                chance",
        alone: true,
    },
    // --- objectives and rules that can never be met
    Case {
        name: "objective deadline after the session",
        find: "kind: Detect(by_turn: 2)",
        replace: "kind: Detect(by_turn: 12)",
        severity: E,
        path: "scoring.objectives.detect.kind",
        message: "turn 12 is outside the session",
        at: "Detect(by_turn: 12)",
        alone: true,
    },
    Case {
        name: "findings objective with no right answer",
        find: "(id: \"phishing\", stages: [\"phish\", \"phish-2\"],",
        replace: "(id: \"phishing\",",
        severity: E,
        path: "scoring.objectives.entry.kind",
        message: "no entry vector on the findings form names a stage",
        at: "Finding(Entry)",
        alone: true,
    },
    Case {
        name: "notification rule nobody can keep",
        find: "(id: \"notify\", verb: Notify, cost: 1,",
        replace: "(id: \"notify\", verb: Notify, cost: 1, only: [\"management\", \"csirt\"],",
        severity: E,
        path: "notifications.tell-ppc.stakeholder",
        message: "no action can notify `ppc`",
        at: "\"ppc\", trigger",
        alone: true,
    },
    // --- the walkthrough
    Case {
        name: "walkthrough target of the wrong kind",
        find: "Act(\"block\", Address(\"c2-https\")),",
        replace: "Act(\"block\", Host(\"c2-https\")),",
        severity: E,
        path: "walkthrough[1].actions[2]",
        message: "takes a `Address` target, not `Host`",
        at: "Host(\"c2-https\")",
        alone: true,
    },
    Case {
        name: "walkthrough unknown action",
        find: "Act(\"isolate\", Host(\"pc-01\")),",
        replace: "Act(\"quarantine\", Host(\"pc-01\")),",
        severity: E,
        path: "walkthrough[0].actions[1]",
        message: "unknown action `quarantine`",
        at: "\"quarantine\"",
        alone: true,
    },
    Case {
        name: "walkthrough needs more effort than the team has",
        find: "Act(\"notify\", Stakeholder(\"management\")),",
        replace: "Act(\"notify\", Stakeholder(\"management\")),\n            Act(\"scan\", Segment(\"office\")),",
        severity: E,
        path: "walkthrough[0].actions",
        message: "needs 6 effort in turn 2, but the team has 4",
        at: "[\n            Act(\"triage\"",
        alone: true,
    },
    Case {
        name: "walkthrough turns out of order",
        find: "(turn: 4, actions: [",
        replace: "(turn: 3, actions: [",
        severity: E,
        path: "walkthrough[2].turn",
        message: "turn 3 comes after turn 3",
        at: "3, actions: [\n            Act(\"reimage\"",
        alone: false,
    },
    Case {
        name: "walkthrough hint before it is offered",
        find: "Act(\"notify\", Stakeholder(\"management\")),",
        replace: "Act(\"notify\", Stakeholder(\"management\")),\n            Hint(\"hint-evidence\"),",
        severity: E,
        path: "walkthrough[0].actions[4]",
        message: "hint `hint-evidence` is offered from turn 3, not turn 2",
        at: "Hint(\"hint-evidence\")",
        alone: true,
    },
    Case {
        name: "walkthrough answer with a missing choice",
        find: "Answer(\"keep-quiet\", \"report\"),",
        replace: "Answer(\"keep-quiet\", \"reprot\"),",
        severity: E,
        path: "walkthrough[1].actions[0]",
        message: "has no choice `reprot`",
        at: "\"reprot\"",
        alone: true,
    },
    Case {
        name: "walkthrough target outside `only`",
        find: "Act(\"reimage\", Host(\"pc-01\")),",
        replace: "Act(\"restore\", Host(\"pc-01\")),",
        severity: E,
        path: "walkthrough[2].actions[0]",
        message: "action `restore` cannot target `pc-01`",
        at: "Host(\"pc-01\")",
        alone: true,
    },
    Case {
        name: "a start that is not a date and time",
        find: "    minutes_per_turn: 30,",
        replace: "    minutes_per_turn: 30,\n    start: Some(\"next Tuesday\"),",
        severity: E,
        path: "start",
        message: "`next Tuesday` is not a date and time",
        at: "Some(\"next Tuesday\")",
        alone: true,
    },
    Case {
        name: "a competency that is not a CSF 2.0 category",
        find: "(id: \"lo-triage\", text: (",
        replace: "(id: \"lo-triage\", competency: \"DE.EA\", text: (",
        severity: E,
        path: "learning_objectives.lo-triage.competency",
        message: "`DE.EA` is not a NIST CSF 2.0 category",
        at: "\"DE.EA\"",
        alone: true,
    },
    // --- text
    Case {
        name: "missing language is a warning",
        find: "name: (en: \"Aozora Town Office\", ja: \"青空町役場\"),",
        replace: "name: (en: \"Aozora Town Office\"),",
        severity: W,
        path: "organisation.name",
        message: "Japanese text (`ja`) is missing",
        at: "(en: \"Aozora Town Office\")",
        alone: true,
    },
    Case {
        name: "empty text is an error",
        find: "name: (en: \"Deputy mayor\", ja: \"副町長\")",
        replace: "name: ()",
        severity: E,
        path: "stakeholders.management.name",
        message: "text is empty in both languages",
        at: "()",
        alone: true,
    },
    Case {
        name: "alert nobody can see is a warning",
        find: "monitoring: [Edr, Antivirus]),",
        replace: "monitoring: [Antivirus]),",
        severity: W,
        path: "adversary.stages.phish.traces.edr-macro.source",
        message: "this alert can never be seen",
        at: "Edr, seen_in: Alert",
        alone: true,
    },
];

#[test]
fn each_class_of_problem_is_caught_at_the_right_place() {
    let mut failures = Vec::new();
    for case in CASES {
        let src = tutorial_with(case.find, case.replace);
        let edit = tutorial().find(case.find).expect("found");
        let at = src[edit..]
            .find(case.at)
            .map(|i| i + edit)
            .or_else(|| src.find(case.at))
            .unwrap_or_else(|| panic!("{}: `{}` not in the edited source", case.name, case.at));
        let (line, col) = line_col(&src, at);
        let checked = scenario::check_bytes("case.ron", src.as_bytes());
        let hit = checked.problems.iter().find(|p| {
            p.severity == case.severity && p.message.contains(case.message) && p.path == case.path
        });
        let listing = || {
            checked
                .problems
                .iter()
                .map(|p| {
                    format!(
                        "  {:?} {}:{} [{}] {}",
                        p.severity, p.line, p.col, p.path, p.message
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        match hit {
            None => failures.push(format!("{}: not reported; got:\n{}", case.name, listing())),
            Some(p) if (p.line, p.col) != (line, col) => failures.push(format!(
                "{}: reported at {}:{}, expected {line}:{col}\n{}",
                case.name,
                p.line,
                p.col,
                listing()
            )),
            Some(_) if case.alone && checked.problems.len() != 1 => failures.push(format!(
                "{}: expected only this problem; got:\n{}",
                case.name,
                listing()
            )),
            Some(_) => {}
        }
        if case.severity == Severity::Error {
            assert!(
                !checked.is_valid(),
                "{}: an error makes the file invalid",
                case.name
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_problem_is_reported_in_one_run() {
    // Three unrelated mistakes in three sections: all three come back together.
    let src = tutorial()
        .replacen(
            "segment: \"office\", address: \"10.1.0.22\"",
            "segment: \"ofice\", address: \"10.1.0.22\"",
            1,
        )
        .replacen("technique: \"T1041\",", "technique: \"T104\",", 1)
        .replacen(
            "Act(\"block\", Address(\"c2-https\")),",
            "Act(\"block\", Host(\"c2-https\")),",
            1,
        );
    let checked = scenario::check_bytes("three.ron", src.as_bytes());
    let paths: Vec<&str> = checked.problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "organisation.hosts.pc-02.segment",
            "adversary.stages.exfil.technique",
            "walkthrough[1].actions[2]"
        ]
    );
}

#[test]
fn type_errors_in_several_items_are_all_reported() {
    let src = tutorial()
        .replacen(
            "criticality: Medium, services: [\"smtp\"]",
            "criticality: Meduim, services: [\"smtp\"]",
            1,
        )
        .replacen(
            "kind: Workstation, os: \"Windows 11\", segment: \"office\", address: \"10.1.0.22\"",
            "kind: Workstation, os: 11, segment: \"office\", address: \"10.1.0.22\"",
            1,
        )
        .replacen("chance: 60,", "chance: -5,", 1);
    let checked = scenario::check_bytes("types.ron", src.as_bytes());
    let paths: Vec<&str> = checked.problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "organisation.hosts.mx-01.criticality",
            "organisation.hosts.pc-02.os",
            "adversary.stages.exfil.chance"
        ]
    );
    let hint = checked.problems[0].hint.as_deref();
    assert_eq!(hint, Some("did you mean `Medium`?"));
}

#[test]
fn rendered_diagnostics_show_location_path_source_and_hint() {
    let src = tutorial()
        .replacen(
            "segment: \"office\", address: \"10.1.0.22\"",
            "segment: \"ofice\", address: \"10.1.0.22\"",
            1,
        )
        .replacen(
            "name: (en: \"Aozora Town Office\", ja: \"青空町役場\"),",
            "name: (en: \"Aozora Town Office\"),",
            1,
        )
        .replacen("chance: 60,", "chance: 0,", 1);
    let checked = scenario::check_bytes("scenarios/broken.ron", src.as_bytes());
    insta::assert_snapshot!(cyberdrill::cli::render_check(&checked));
}

#[test]
fn diagnostics_far_along_a_line_render_a_window_of_it() {
    // miette cannot lay out a line past 65,535 columns: a warning at column 70,012 (spaces) or
    // after 33,000 double-width characters is shown in a window of its line.
    for (name, pad) in [
        ("spaces", " ".repeat(70_000)),
        ("wide", format!("/* {} */ ", "漢".repeat(33_000))),
    ] {
        let src = tutorial_with("tags: [", &format!("tags: [{pad}\"\", "));
        let checked = scenario::check_bytes("far.ron", src.as_bytes());
        assert!(checked.is_valid(), "{name}: a warning only");
        let p = &checked.problems[0];
        let (line, col) = line_col(&src, src.find("\"\", ").unwrap());
        assert_eq!((p.line, p.col), (line, col), "{name}");
        let shown = cyberdrill::cli::render_check(&checked);
        assert!(
            shown.contains(&format!("far.ron:{line}:{col}]")),
            "{name}: {shown}"
        );
        assert!(shown.contains("…"), "{name}: the line is cut");
        assert!(shown.len() < 3_000, "{name}: {} bytes", shown.len());
    }
}

#[test]
fn control_characters_from_the_file_are_never_printed() {
    let src = tutorial_with(
        "segment: \"office\", address: \"10.1.0.22\"",
        "segment: \"of\u{1b}[2K\u{9b}1Aice\", address: \"10.1.0.22\"",
    )
    .replacen("tags: [", "tags: [\"\", /* \u{7}\u{202e} */ ", 1);
    let checked = scenario::check_bytes("ctl.ron", src.as_bytes());
    let shown = cyberdrill::cli::render_check(&checked);
    assert!(
        shown.contains("unknown segment `of\\u{1b}[2K\\u{9b}1Aice`"),
        "{shown}"
    );
    assert!(
        shown.contains("of␛[2K"),
        "the source line shows a symbol: {shown}"
    );
    for c in ['\u{1b}', '\u{9b}', '\u{7}', '\u{202e}'] {
        assert!(!shown.contains(c), "{c:?} printed: {shown}");
    }
}

#[test]
fn thousands_of_warnings_are_each_rendered_once() {
    let hosts: String = (0..4_990)
        .map(|i| {
            format!(
                "(id: \"h{i}\", kind: Workstation, os: \"\", segment: \"office\", criticality: Low),\n"
            )
        })
        .collect();
    let src = tutorial_with("tags: [", &format!("tags: [{}", "\"\",\n".repeat(990))).replacen(
        "hosts: [\n",
        &format!("hosts: [\n{hosts}"),
        1,
    );
    let checked = scenario::check_bytes("many.ron", src.as_bytes());
    assert!(checked.is_valid(), "{:?}", checked.problems.first());
    assert!(checked.warnings() >= 5_980, "{}", checked.warnings());
    let shown = cyberdrill::cli::render_check(&checked);
    assert_eq!(shown.matches("warning: ").count(), checked.warnings());
    assert_eq!(shown.matches("warning: empty tag").count(), 990);
    assert!(shown.ends_with(&format!(
        "many.ron: valid ({} warnings)\n",
        checked.warnings()
    )));
}

// --- limits (docs/scenario-format.md, "Limits")

#[test]
fn lists_over_their_limit_are_refused_before_validation() {
    let segments: String = (0..300)
        .map(|i| format!("(id: \"s{i}\", name: (en: \"S\", ja: \"S\"), kind: Office),\n"))
        .collect();
    let src = tutorial_with("segments: [\n", &format!("segments: [\n{segments}"));
    let checked = scenario::check_bytes("many.ron", src.as_bytes());
    assert_eq!(checked.problems.len(), 1, "{:?}", checked.problems);
    let p = &checked.problems[0];
    assert_eq!(p.path, "organisation.segments");
    assert!(
        p.message.contains("304 items, more than the limit of 256"),
        "{}",
        p.message
    );
    let (line, col) = line_col(&src, src.find("segments: [").unwrap() + "segments: ".len());
    assert_eq!((p.line, p.col), (line, col));
}

#[test]
fn long_ids_are_refused_and_never_echoed_whole() {
    let id = "x".repeat(100_000);
    let src = tutorial_with("(id: \"pc-02\",", &format!("(id: \"{id}\","));
    let dir = temp_dir("long-id");
    let file = write(&dir, "long.ron", &src);
    let out = cyberdrill(&["check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("an id of 100000 characters, more than the limit of 64"),
        "{shown}"
    );
    assert!(shown.len() < 5_000, "{} bytes of output", shown.len());
}

#[test]
fn a_file_over_the_size_limit_is_not_read() {
    let dir = temp_dir("huge");
    let src = format!("{}\n//{}", tutorial(), " ".repeat(4 * 1024 * 1024));
    let file = write(&dir, "huge.ron", &src);
    let out = cyberdrill(&["check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("more than the limit of 4194304 (4 MiB)"),
        "{shown}"
    );
    for command in [
        &["run", "--policy", "idle"][..],
        &["balance", "--policy", "idle", "--runs", "1"],
    ] {
        let mut args = vec![command[0], file.to_str().unwrap()];
        args.extend(&command[1..]);
        let out = cyberdrill(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("more than the limit"));
    }
}

#[test]
fn the_scenario_total_of_points_has_a_limit() {
    let objectives: String = (0..11)
        .map(|i| {
            format!(
                "(id: \"big-{i}\", name: (en: \"Big\", ja: \"大\"), points: 100000, \
                 learning: [\"lo-contain\"], kind: PreserveEvidence),\n"
            )
        })
        .collect();
    let src = tutorial_with(
        "        objectives: [\n            (id: \"detect\"",
        &format!("        objectives: [\n{objectives}            (id: \"detect\""),
    );
    let checked = scenario::check_bytes("points.ron", src.as_bytes());
    let p = checked
        .problems
        .iter()
        .find(|p| {
            p.message
                .contains("points together, more than the limit of 1000000")
        })
        .unwrap_or_else(|| panic!("{:?}", checked.problems));
    assert_eq!(p.path, "scoring.objectives");
    assert!(!checked.is_valid());
}

#[test]
fn garbage_truncated_and_empty_inputs_are_errors_not_panics() {
    let tutorial = tutorial();
    let mut inputs: Vec<(String, Vec<u8>)> = vec![
        ("empty".into(), Vec::new()),
        ("blank".into(), b"  \n\t\n".to_vec()),
        ("binary".into(), (0u8..=255).cycle().take(4096).collect()),
        (
            "not utf-8".into(),
            b"(format: 1, id: \"\xff\xfe\")".to_vec(),
        ),
        ("wrong top-level type".into(), b"[1, 2, 3]".to_vec()),
        ("a string".into(), b"\"hello\"".to_vec()),
        ("deep nesting".into(), "(".repeat(100_000).into_bytes()),
        (
            "deep lists".into(),
            format!("(format: 1, tags: {}", "[".repeat(50_000)).into_bytes(),
        ),
        ("nul bytes".into(), vec![0; 64]),
    ];
    // Every cut of the tutorial at a char boundary, sampled.
    let mut cut = 0;
    while cut < tutorial.len() {
        if tutorial.is_char_boundary(cut) {
            inputs.push((format!("cut at {cut}"), tutorial.as_bytes()[..cut].to_vec()));
        }
        cut += 211;
    }
    for (name, bytes) in inputs {
        let checked = scenario::check_bytes("input.ron", &bytes);
        assert!(!checked.is_valid(), "{name}: must not be valid");
        assert!(checked.errors() > 0, "{name}: must report an error");
        let p = &checked.problems[0];
        assert!(p.line >= 1 && p.col >= 1, "{name}: has a location");
        // Rendering must not panic either.
        let _ = cyberdrill::cli::render_check(&checked);
    }
}

#[test]
fn empty_and_non_utf8_files_say_so() {
    let empty = scenario::check_bytes("e.ron", b"");
    assert!(empty.problems[0].message.contains("empty"));
    let binary = scenario::check_bytes("b.ron", b"(id: \"\xff\")");
    assert!(binary.problems[0].message.contains("not UTF-8"));
    assert_eq!((binary.problems[0].line, binary.problems[0].col), (1, 7));
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config { cases: 64, ..Default::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048)) {
        let checked = scenario::check_bytes("random.ron", &bytes);
        proptest::prop_assert!(!checked.is_valid());
    }

    #[test]
    fn random_edits_of_the_tutorial_never_panic(at in 0usize..40_000, byte in proptest::prelude::any::<u8>()) {
        let mut bytes = tutorial().into_bytes();
        let at = at % bytes.len();
        bytes[at] = byte;
        let checked = scenario::check_bytes("edited.ron", &bytes);
        let _ = cyberdrill::cli::render_check(&checked);
    }
}

// --- the walkthrough, played by the engine

#[test]
fn a_walkthrough_action_the_engine_refuses_is_an_error_at_its_place() {
    // Blocking the C2 address in turn 2, instead of analysing the logs that reveal it.
    let src = tutorial_with(
        "            Act(\"analyse-logs\", Host(\"pc-01\")),\n            Act(\"notify\", Stakeholder(\"management\")),",
        "            Act(\"block\", Address(\"c2-https\")),\n            Act(\"notify\", Stakeholder(\"management\")),",
    );
    let checked = cyberdrill::session::proof::check_bytes("refused.ron", src.as_bytes());
    let at = src.find("Act(\"block\", Address(\"c2-https\"))").unwrap();
    let p = checked
        .problems
        .iter()
        .find(|p| p.message.contains("the engine refuses this at turn 2"))
        .unwrap_or_else(|| panic!("{:?}", checked.problems));
    assert_eq!((p.line, p.col), line_col(&src, at));
    assert_eq!(p.path, "walkthrough[0].actions[2]");
    assert!(
        p.message.contains("you have not come across that address"),
        "{}",
        p.message
    );
    assert!(!checked.is_valid());
}

#[test]
fn a_walkthrough_that_never_wins_is_an_error() {
    // Without the reconnect the counter never reopens, so the team never wins.
    let src = tutorial_with("            Act(\"reconnect\", Host(\"pc-01\")),\n", "");
    let checked = cyberdrill::session::proof::check_bytes("never.ron", src.as_bytes());
    let p = checked
        .problems
        .iter()
        .find(|p| p.path == "walkthrough")
        .expect("reported");
    assert!(p.is_error());
    assert!(
        p.message.contains("loses on 20 of 20 seeds"),
        "{}",
        p.message
    );
}

#[test]
fn a_walkthrough_that_loses_on_some_seeds_is_a_warning() {
    // Contain two turns late: the keylogger (50%) and the theft (60%) win some dice rolls.
    let src = tutorial()
        .replacen("            Act(\"isolate\", Host(\"pc-01\")),\n            Act(\"analyse-logs\", Host(\"pc-01\")),", "            Act(\"analyse-logs\", Host(\"pc-01\")),", 1)
        .replacen("            Act(\"image-disk\", Host(\"pc-01\")),\n            Act(\"block\", Address(\"c2-https\")),", "            Act(\"press\", Org),", 1)
        .replacen("            Act(\"reimage\", Host(\"pc-01\")),", "            Act(\"isolate\", Host(\"pc-01\")),\n            Act(\"block\", Address(\"c2-https\")),", 1)
        .replacen("            Act(\"reset\", Account(\"adm-aoki\")),", "            Act(\"reimage\", Host(\"pc-01\")),", 1)
        .replacen("        (turn: 6, actions: [\n            Act(\"reconnect\", Host(\"pc-01\")),", "        (turn: 7, actions: [\n            Act(\"reset\", Account(\"adm-aoki\")),\n            Act(\"reconnect\", Host(\"pc-01\")),", 1);
    let checked = cyberdrill::session::proof::check_bytes("late.ron", src.as_bytes());
    assert!(checked.is_valid(), "{:?}", checked.problems);
    let p = checked
        .problems
        .iter()
        .find(|p| p.path == "walkthrough")
        .expect("reported");
    assert_eq!(p.severity, Severity::Warning);
    let lost: u32 = p.message["the walkthrough loses on ".len()..]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a count");
    assert!(lost > 0 && lost < 20, "{}", p.message);
}

#[test]
fn walkthrough_turns_after_the_end_are_a_warning() {
    let src = tutorial_with(
        "            Act(\"harden\", Mitigation(\"macro-block\")),\n        ]),",
        "            Act(\"harden\", Mitigation(\"macro-block\")),\n        ]),\n        (turn: 9, actions: [Act(\"press\", Org)]),",
    );
    let checked = cyberdrill::session::proof::check_bytes("late.ron", src.as_bytes());
    let p = checked
        .problems
        .iter()
        .find(|p| p.path == "walkthrough[5].turn")
        .unwrap_or_else(|| panic!("{:?}", checked.problems));
    assert_eq!(p.severity, Severity::Warning);
    assert!(
        p.message.contains("the session is over before turn 9"),
        "{}",
        p.message
    );
    assert_eq!(
        (p.line, p.col),
        line_col(&src, src.find("9, actions: [Act(\"press\"").unwrap())
    );
}

#[test]
fn a_win_condition_that_holds_from_the_start_is_a_warning() {
    let src = tutorial_with(
        "team_wins: All([Evicted, FindingsRight(50), Not(FunctionDown(\"reception\"))])",
        "team_wins: Not(FindingsSubmitted)",
    );
    let checked = cyberdrill::session::proof::check_bytes("early.ron", src.as_bytes());
    let p = checked
        .problems
        .iter()
        .find(|p| p.path == "end.team_wins")
        .expect("reported");
    assert_eq!(p.severity, Severity::Warning);
    let at = src.find("Not(FindingsSubmitted)").unwrap();
    assert_eq!((p.line, p.col), line_col(&src, at));
}

// --- the real binary

#[test]
fn check_exits_0_for_valid_files_and_2_for_invalid_ones() {
    let ok = cyberdrill(&["check", "tests/fixtures/base.ron"]);
    assert_eq!(ok.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("tests/fixtures/base.ron: valid"));

    let dir = temp_dir("check-exit");
    let bad = write(&dir, "bad.ron", tutorial_with("chance: 60,", "chance: 0,"));
    let out = cyberdrill(&["check", "tests/fixtures/base.ron", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("tests/fixtures/base.ron: valid"), "{text}");
    assert!(
        text.contains("bad.ron: invalid (1 error, 0 warnings)"),
        "{text}"
    );
    assert!(text.contains("adversary.stages.exfil.chance"), "{text}");

    let missing = cyberdrill(&["check", "no/such/file.ron"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read no/such/file.ron"));
}

#[test]
fn check_json_is_one_object_per_file() {
    let dir = temp_dir("check-json");
    let bad = write(
        &dir,
        "bad.ron",
        tutorial_with(
            "name: (en: \"Aozora Town Office\", ja: \"青空町役場\"),",
            "name: (en: \"Aozora Town Office\"),",
        )
        .replacen("chance: 60,", "chance: 0,", 1),
    );
    let out = cyberdrill(&[
        "check",
        "--json",
        "tests/fixtures/base.ron",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    let objects: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(objects.len(), 2);
    let good = &objects[0];
    assert_eq!(good["valid"], true);
    assert_eq!(good["errors"].as_array().unwrap().len(), 0);
    let stats = &good["stats"];
    for key in [
        "segments",
        "hosts",
        "accounts",
        "data_sets",
        "business_functions",
        "stakeholders",
        "stages",
        "injects",
        "actions",
        "hints",
        "objectives",
        "walkthrough_turns",
    ] {
        assert!(stats[key].as_u64().unwrap() > 0, "stats.{key}");
    }
    assert_eq!(stats["hosts"], 4);
    assert_eq!(stats["stages"], 5);
    assert_eq!(stats["languages"], serde_json::json!(["en", "ja"]));

    let bad = &objects[1];
    assert_eq!(bad["valid"], false);
    assert_eq!(bad["errors"][0]["path"], "adversary.stages.exfil.chance");
    assert!(bad["errors"][0]["line"].as_u64().unwrap() > 1);
    assert_eq!(bad["warnings"][0]["path"], "organisation.name");
    assert_eq!(bad["stats"]["languages"], serde_json::json!(["en"]));
}

#[test]
fn a_circle_through_after_any_with_another_way_in_is_no_circle() {
    // keylog may follow phish or exfil; exfil follows keylog. phish starts it, so both can
    // happen: no error.
    let src = tutorial_with("after: [\"phish\"],", "after_any: [\"phish\", \"exfil\"],");
    let checked = scenario::check_bytes("any.ron", src.as_bytes());
    assert!(
        checked.is_valid(),
        "{:?}",
        checked
            .problems
            .iter()
            .map(|p| format!("{} {}", p.path, p.message))
            .collect::<Vec<_>>()
    );
    // Without phish, the circle is real, and it is reported on `after_any`.
    let src = tutorial_with("after: [\"phish\"],", "after_any: [\"exfil\"],");
    let checked = scenario::check_bytes("circle.ron", src.as_bytes());
    assert!(
        checked
            .problems
            .iter()
            .any(|p| p.path == "adversary.stages.keylog.after_any"
                && p.message.contains("wait for each other in a circle")),
        "{:?}",
        checked
            .problems
            .iter()
            .map(|p| format!("{} {}", p.path, p.message))
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_win_condition_met_by_any_report_is_a_warning() {
    let src = tutorial_with("FindingsRight(50)", "FindingsSubmitted");
    let checked = cyberdrill::session::proof::check_bytes("gesture.ron", src.as_bytes());
    let p = checked
        .problems
        .iter()
        .find(|p| p.path == "end.team_wins" && p.message.contains("any report"))
        .expect("reported");
    assert_eq!(p.severity, Severity::Warning);
    // A percentage outside 1 to 100 is an error.
    let src = tutorial_with("FindingsRight(50)", "FindingsRight(0)");
    let checked = cyberdrill::session::proof::check_bytes("zero.ron", src.as_bytes());
    assert!(!checked.is_valid());
}
