//! The after-action report: snapshots of Markdown and HTML for one team (the golden log) and
//! for a room of two teams; the CLI's formats and errors.

use std::sync::Arc;

use cyberdrill::engine::TeamId;
use cyberdrill::replay::Log;
use cyberdrill::replay::verify::{resimulate, scenario_for};
use cyberdrill::report::{aar, html, markdown};
use cyberdrill::scenario::model::Lang;
use cyberdrill::session::Session;
use cyberdrill::session::bots::{self, Idle, Scripted};

use crate::util::{cyberdrill, root, temp_dir};

fn golden_report(lang: Lang) -> aar::Report {
    let log = Log::read(&root().join("tests/fixtures/golden/tutorial-walkthrough.jsonl")).unwrap();
    let bytes = std::fs::read(root().join("scenarios/tutorial.ron")).unwrap();
    let s = scenario_for(&log, "scenarios/tutorial.ron", &bytes).unwrap();
    let resim = resimulate(&log, &s, None).unwrap();
    aar::build(&s, 1, &[("bot", resim.engine.events(TeamId(0)))], lang)
}

fn room_report(lang: Lang) -> aar::Report {
    let s = Arc::new(crate::engine::lab().as_ref().clone());
    let mut session = Session::new(s.clone(), 4, &["Blue", "Red"]).unwrap();
    bots::play(
        &mut session,
        TeamId(0),
        &mut Scripted::walkthrough(&s),
        None,
    )
    .unwrap();
    bots::play(&mut session, TeamId(1), &mut Idle, None).unwrap();
    let teams = [
        ("Blue", session.events(TeamId(0))),
        ("Red", session.events(TeamId(1))),
    ];
    aar::build(&s, 4, &teams, lang)
}

#[test]
fn markdown_report_of_the_golden_log() {
    insta::assert_snapshot!("golden_en", markdown::render(&golden_report(Lang::En)));
    insta::assert_snapshot!("golden_ja", markdown::render(&golden_report(Lang::Ja)));
}

#[test]
fn html_report_of_the_golden_log() {
    let page = html::render(&golden_report(Lang::En));
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(
        !page.contains("<script") && !page.contains("http://") && !page.contains("https://"),
        "self-contained, no network"
    );
    assert!(page.contains("@media print"));
    insta::assert_snapshot!("golden_html", page);
}

#[test]
fn a_room_report_ranks_teams_and_shows_where_they_differed() {
    let r = room_report(Lang::En);
    let room = r.room.as_ref().expect("two teams make a room");
    assert_eq!(room.ranking[0].team, "Blue");
    assert_eq!(room.ranking[1].team, "Red");
    assert!(room.ranking[0].total > room.ranking[1].total);
    assert_eq!(
        room.differences[0].turn, 2,
        "the idle team did nothing where the other acted"
    );
    insta::assert_snapshot!("room_md", markdown::render(&r));
    insta::assert_snapshot!("room_html_ja", html::render(&room_report(Lang::Ja)));
}

#[test]
fn decisions_are_compared_with_the_walkthrough() {
    let r = golden_report(Lang::En);
    let t = &r.teams[0];
    assert!(
        t.decisions
            .iter()
            .all(|d| d.verdict == "same turn" || d.verdict.starts_with("in time (due by turn")),
        "the walkthrough matches itself (and keeps its deadlines): {:?}",
        t.decisions
    );
    // Strengths name the decision that earned each objective met, and what it earned.
    assert!(
        t.strengths
            .iter()
            .any(|l| l.starts_with("Triage: EDR alert on pc-01")
                && l.ends_with("Confirm the compromise by turn 2 (+20)")),
        "{:?}",
        t.strengths
    );
    let room = room_report(Lang::En);
    let idle = &room.teams[1];
    assert!(idle.decisions.iter().all(|d| d.verdict == "missing"));
    assert!(idle.strengths.len() < idle.improvements.len());
}

/// The ATT&CK coverage table: each technique the attacker tried, in the order first tried,
/// with the turn it was used, detected and stopped; techniques of stages never tried are absent.
#[test]
fn attack_coverage_shows_what_was_detected_and_stopped() {
    // The walkthrough of the tutorial: the phishing mail (T1566.001) is opened at turn 1,
    // its alert triaged at turn 2, a second clerk's try blocked at turn 4 with the sender's
    // address; the keylogger (T1056.001) is blocked at turn 2, when pc-01 is isolated, and
    // never runs; exfiltration and its DNS fallback are never tried.
    let r = golden_report(Lang::En);
    let coverage = &r.teams[0].attack_coverage;
    let seen: Vec<_> = coverage
        .iter()
        .map(|c| (c.technique.as_str(), c.used, c.detected, c.stopped))
        .collect();
    assert_eq!(
        seen,
        [
            ("T1566.001", Some(1), Some(2), Some(4)),
            ("T1056.001", None, None, Some(2)),
        ]
    );
    assert_eq!(coverage[0].tactics, ["Initial Access"]);
    assert_eq!(coverage[0].stages.len(), 2, "{:?}", coverage[0].stages);
    let tutorial = std::fs::read_to_string(root().join("scenarios/tutorial.ron")).unwrap();
    for never in ["T1041", "T1071.004"] {
        assert!(tutorial.contains(&format!("technique: \"{never}\"")));
        assert!(coverage.iter().all(|c| c.technique != never), "{never}");
    }
    // In every format and language.
    let md = markdown::render(&r);
    assert!(md.contains("### ATT&CK coverage"), "{md}");
    assert!(
        md.contains("| Credential Access | T1056.001 | Keylogger captures the administrator's password | — | — | 2 |"),
        "{md}"
    );
    assert!(!md.contains("T1041"));
    let page = html::render(&golden_report(Lang::Ja));
    assert!(page.contains("<h3>ATT&amp;CKカバレッジ</h3>"));
    assert!(page.contains("<td>T1566.001</td>"));
    assert!(page.contains("<td>1</td><td class=\"met\">2</td><td class=\"met\">4</td>"));

    // A room: the idle team detects and stops nothing; the count of techniques detected.
    let room = room_report(Lang::En);
    let idle = &room.teams[1].attack_coverage;
    assert!(!idle.is_empty());
    assert!(
        idle.iter()
            .all(|c| c.used.is_some() && c.detected.is_none() && c.stopped.is_none())
    );
    let times = &room.room.as_ref().unwrap().times;
    assert_eq!(
        (times[1].techniques_detected, times[1].techniques_used),
        (0, idle.len())
    );
    assert!(times[0].techniques_detected > 0);
}

#[test]
fn html_escapes_scenario_text() {
    assert_eq!(
        html::esc("<b>\"R&D\"</b>"),
        "&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt;"
    );
}

#[test]
fn the_cli_writes_each_format() {
    let dir = temp_dir("report-cli");
    let log = root().join("tests/fixtures/golden/tutorial-random-7.jsonl");
    let md = cyberdrill(&["report", log.to_str().unwrap()]);
    assert_eq!(md.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&md.stdout).starts_with("# After-action report"));
    let out = dir.join("aar.html");
    let html = cyberdrill(&[
        "report",
        log.to_str().unwrap(),
        "--format",
        "html",
        "--lang",
        "ja",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(html.status.code(), Some(0));
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(page.contains("<html lang=\"ja\">") && page.contains("事後検証報告書"));
    let json = cyberdrill(&["report", log.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["teams"][0]["name"], "bot");
    assert!(v["teams"][0]["objectives"].as_array().unwrap().len() > 5);
    assert!(v["teams"][0]["attack_coverage"][0]["technique"].is_string());
    // A tampered log is refused, not reported.
    let text = std::fs::read_to_string(&log)
        .unwrap()
        .replacen("\"turn\":2", "\"turn\":3", 1);
    let bad = dir.join("bad.jsonl");
    std::fs::write(&bad, text).unwrap();
    assert_eq!(
        cyberdrill(&["report", bad.to_str().unwrap()]).status.code(),
        Some(2)
    );
}

/// Teams that played the same scenario and seed on separate machines: one room report from
/// their logs, with the ranking, the objective-by-team matrix, the times to detect and to
/// contain, and CSV; a log of another seed is refused.
#[test]
fn a_room_report_from_separately_played_logs() {
    let dir = temp_dir("report-logs");
    let mut logs = Vec::new();
    for (policy, seed) in [("walkthrough", "3"), ("idle", "3"), ("idle", "4")] {
        let log = dir.join(format!("{policy}-{seed}.jsonl"));
        let out = cyberdrill(&[
            "run",
            "scenarios/municipal-breach.ron",
            "--policy",
            policy,
            "--seed",
            seed,
            "--replay",
            log.to_str().unwrap(),
        ]);
        assert!(out.status.success());
        logs.push(log);
    }
    let (a, b, other) = (
        logs[0].to_str().unwrap(),
        logs[1].to_str().unwrap(),
        logs[2].to_str().unwrap(),
    );
    let out = cyberdrill(&["report", a, b, "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let room = &report["room"];
    // Both teams are called "bot": the file names tell them apart.
    assert_eq!(room["ranking"][0]["team"], "bot (walkthrough-3)");
    assert_eq!(room["ranking"][1]["team"], "bot (idle-3)");
    let matrix = room["matrix"].as_array().unwrap();
    assert_eq!(
        matrix.len(),
        report["teams"][0]["objectives"].as_array().unwrap().len()
    );
    for (k, row) in matrix.iter().enumerate() {
        for team in 0..2 {
            assert_eq!(
                row["teams"][team][0], report["teams"][team]["objectives"][k]["points"],
                "objective {k}, team {team}"
            );
        }
    }
    let times = room["times"].as_array().unwrap();
    assert!(
        times[0]["to_contain"].as_u64().is_some(),
        "the walkthrough contains: {times:?}"
    );
    assert!(
        times[1]["to_contain"].is_null(),
        "idle never contains: {times:?}"
    );
    let md = String::from_utf8(cyberdrill(&["report", a, b]).stdout).unwrap();
    assert!(
        md.contains("### Objectives by team") && md.contains("### Time to detect and to contain")
    );
    // The scenario starts on Thursday 31 October 2024 at 09:30; each turn is headed with its
    // start, as in the terminal's debrief.
    assert!(md.contains("**Turn 1 (from Thu 09:30)**"), "{md}");
    assert!(md.contains("**Turn 2 (from Thu 10:30)**"), "{md}");
    // Which version of the scenario: the first 12 hex digits of the file's SHA-256.
    let sha = cyberdrill::replay::record::sha256_hex(
        &std::fs::read(root().join("scenarios/municipal-breach.ron")).unwrap(),
    );
    assert!(
        md.contains(&format!("scenario version {}", &sha[..12])),
        "{md}"
    );
    let csv = String::from_utf8(cyberdrill(&["report", a, b, "--format", "csv"]).stdout).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with("bot (walkthrough-3),")
    );

    let out = cyberdrill(&["report", a, other]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("seed 4") && err.contains("one scenario and seed"),
        "{err}"
    );
}

/// A rebuild is judged by what it did, not by how early it came: on a clean host, or on a
/// compromised one before its disk image, it is a mistake; a decision whose occasion never
/// arose (a question never asked) is not missing.
#[test]
fn early_rebuilds_are_mistakes_and_unneeded_decisions_are_not_missing() {
    let dir = temp_dir("report-verdicts");
    let verdicts = |name: &str, plan: &str| -> Vec<(String, Option<u64>, String)> {
        let plan_file = dir.join(format!("{name}.ron"));
        std::fs::write(&plan_file, plan).unwrap();
        let log = dir.join(format!("{name}.jsonl"));
        let out = cyberdrill(&[
            "run",
            "scenarios/tutorial.ron",
            "--policy",
            plan_file.to_str().unwrap(),
            "--replay",
            log.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = cyberdrill(&["report", log.to_str().unwrap(), "--format", "json"]);
        let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        r["teams"][0]["decisions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["command"].as_str().unwrap().to_owned(),
                    d["team_turn"].as_u64(),
                    d["verdict"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let clean = verdicts(
        "clean",
        r#"[(turn: 1, actions: [Act("reimage", Host("pc-01"))])]"#,
    );
    let (_, _, v) = clean.iter().find(|d| d.1 == Some(1)).unwrap();
    assert_eq!(v, "a mistake: the host was clean when it was rebuilt");
    let early = verdicts(
        "early",
        r#"[(turn: 3, actions: [Act("reimage", Host("pc-01"))])]"#,
    );
    let (_, _, v) = early.iter().find(|d| d.1 == Some(3)).unwrap();
    assert!(v.contains("before the disk image"), "{v}");
    // The tutorial's question comes when the deputy mayor hears of the incident: a team that
    // never told them was never asked, so its answer is not "missing".
    let idle = verdicts("idle", "[]");
    let asked = idle.iter().any(|d| d.0.starts_with("Answer"));
    let walk = golden_report(Lang::En);
    assert!(
        walk.teams[0]
            .decisions
            .iter()
            .any(|d| d.command.starts_with("Answer"))
    );
    assert!(!asked, "{idle:?}");
}

/// The Markdown reports render in CommonMark as meant: every table a table (with a row per
/// line written), emphasis closed (no `**` left in the text), in both languages and for a room.
#[test]
fn markdown_reports_render_in_commonmark() {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    for (name, md) in [
        ("golden en", markdown::render(&golden_report(Lang::En))),
        ("golden ja", markdown::render(&golden_report(Lang::Ja))),
        ("room en", markdown::render(&room_report(Lang::En))),
        ("room ja", markdown::render(&room_report(Lang::Ja))),
    ] {
        let written_tables = md.lines().filter(|l| l.starts_with("|---")).count();
        let written_rows = md.lines().filter(|l| l.starts_with('|')).count() - written_tables;
        let (mut tables, mut rows, mut strong) = (0, 0, 0);
        let mut text = String::new();
        for event in Parser::new_ext(&md, Options::ENABLE_TABLES) {
            match event {
                Event::Start(Tag::Table(_)) => tables += 1,
                Event::Start(Tag::TableRow) | Event::Start(Tag::TableHead) => rows += 1,
                Event::Start(Tag::Strong) => strong += 1,
                Event::End(TagEnd::Paragraph) => text.push('\n'),
                Event::Text(t) => text.push_str(&t),
                _ => {}
            }
        }
        assert_eq!(tables, written_tables, "{name}: every table renders as one");
        assert_eq!(rows, written_rows, "{name}: every row renders as one");
        assert!(strong >= 2, "{name}: the outcome and the score are bold");
        assert!(
            !text.contains("**"),
            "{name}: an emphasis that did not close:\n{text}"
        );
    }
}

/// An objective's own advice replaces the general advice for its kind in the improvement plan.
#[test]
fn the_improvement_plan_uses_an_objectives_own_advice() {
    let dir = temp_dir("report-advice");
    let log = dir.join("idle.jsonl");
    let out = cyberdrill(&[
        "run",
        "scenarios/municipal-breach.ron",
        "--policy",
        "idle",
        "--replay",
        log.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let out = cyberdrill(&["report", log.to_str().unwrap(), "--format", "json"]);
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let plan = r["teams"][0]["improvements"].as_array().unwrap();
    let stick = plan
        .iter()
        .find(|i| {
            i["observation"]
                .as_str()
                .unwrap()
                .starts_with("Keep the USB stick")
        })
        .expect("the idle team did not keep the stick");
    assert!(
        stick["recommendation"]
            .as_str()
            .unwrap()
            .starts_with("Physical media that carried the malware is evidence"),
        "{stick}"
    );
    // Another answer objective keeps the general advice for answers.
    let press = plan
        .iter()
        .find(|i| {
            i["observation"]
                .as_str()
                .unwrap()
                .starts_with("Answer the newspaper")
        })
        .expect("the idle team did not answer the newspaper");
    assert!(
        press["recommendation"]
            .as_str()
            .unwrap()
            .starts_with("Under pressure")
    );
}

#[test]
fn the_scenarios_epilogue_closes_the_report_in_every_format() {
    let text = crate::util::tutorial_with(
        "    max_turns: 10,",
        r#"    debrief: Some((en: "In the real incident the mail came back a month later.

The town rewrote its macro policy.", ja: "実際の事件では、1か月後に同じメールが再び届いた。

町はマクロの方針を改めた。")),
    max_turns: 10,"#,
    )
    .replacen("format: 1,", "format: 2,", 1);
    let s = Arc::new(
        cyberdrill::scenario::check_bytes("tutorial.ron", text.as_bytes())
            .scenario
            .expect("the tutorial with an epilogue loads"),
    );
    let session = crate::util::played(&s, 1, "Blue", &mut Idle);
    for (lang, heading, para) in [
        (
            Lang::En,
            "Epilogue: the real incident",
            "The town rewrote its macro policy.",
        ),
        (
            Lang::Ja,
            "後日談：実際の事件では",
            "町はマクロの方針を改めた。",
        ),
    ] {
        let r = aar::build(&s, 1, &[("Blue", session.events(TeamId(0)))], lang);
        let md = markdown::render(&r);
        assert!(md.contains(&format!("## {heading}")), "{md}");
        assert!(
            md.contains(&format!("\n{para}\n")),
            "a paragraph of its own: {md}"
        );
        let page = html::render(&r);
        assert!(page.contains(&format!("<p>{para}</p>")), "{page}");
    }
    // Without one (the lab), no such section; the shipped tutorial has one.
    assert!(!markdown::render(&room_report(Lang::En)).contains("Epilogue"));
    assert!(markdown::render(&golden_report(Lang::En)).contains("## Epilogue"));
}

#[test]
fn a_follow_up_report_is_credited_to_the_report_that_kept_it() {
    let (s, _) = cyberdrill::scenario::load(&root().join("scenarios/port-ransomware.ron")).unwrap();
    let s = Arc::new(s);
    let session = crate::util::played(&s, 1, "Blue", &mut Scripted::walkthrough(&s));
    let r = aar::build(&s, 1, &[("Blue", session.events(TeamId(0)))], Lang::En);
    let line = r.teams[0]
        .strengths
        .iter()
        .find(|l| l.contains("Send MLIT the follow-up report in time"))
        .expect("the follow-up is a strength of the walkthrough");
    // The walkthrough's first report to the ministry is in turn 3, the follow-up in turn 8.
    assert!(line.contains("(turn 8)"), "{line}");
}
