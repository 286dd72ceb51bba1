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
        t.decisions.iter().all(|d| d.verdict == "same turn"),
        "the walkthrough matches itself"
    );
    let room = room_report(Lang::En);
    let idle = &room.teams[1];
    assert!(idle.decisions.iter().all(|d| d.verdict == "missing"));
    assert!(idle.strengths.len() < idle.improvements.len());
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
