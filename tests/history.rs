//! The drill history: recording from `run` (and, in `play_e2e.rs` and `server.rs`, from `play`
//! and `serve`), importing logs, schema migrations, concurrent writers, damaged and newer
//! databases, profiles and the xAPI export.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cyberdrill::history::{Filter, History, HistoryError, db::MIGRATIONS, profile};
use cyberdrill::scenario::model::Lang;
use serde_json::Value;

use crate::util::{root, temp_dir};

fn bin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cyberdrill"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("CYBERDRILL_HISTORY")
        .output()
        .expect("the binary runs")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A bot run of `scenario` with `policy` and `seed`, its replay in `dir`, recorded in `db`.
fn run(dir: &Path, db: &Path, scenario: &str, policy: &str, seed: u64) -> PathBuf {
    let log = dir.join(format!("{scenario}-{policy}-{seed}.jsonl"));
    let out = bin(&[
        "run",
        &format!("scenarios/{scenario}.ron"),
        "--policy",
        policy,
        "--seed",
        &seed.to_string(),
        "--replay",
        log.to_str().unwrap(),
        "--history",
        db.to_str().unwrap(),
        "--json",
    ]);
    assert!(out.status.success(), "{:?}", text(&out));
    log
}

fn score_of_run(log: &Path) -> (i64, u32) {
    let out = bin(&["report", log.to_str().unwrap(), "--format", "json"]);
    assert!(out.status.success(), "{:?}", text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let team = &report["teams"][0];
    (
        team["total"].as_i64().unwrap(),
        team["max"].as_u64().unwrap() as u32,
    )
}

#[test]
fn run_records_the_session_and_importing_its_log_again_adds_nothing() {
    let dir = temp_dir("history-run");
    let db = dir.join("h.sqlite");
    let log = run(&dir, &db, "municipal-breach", "random", 4);

    let h = History::open_existing(&db).unwrap();
    let records = h.sessions(&Filter::default()).unwrap();
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r.scenario_id, "municipal-breach");
    assert_eq!(r.seed, 4);
    assert_eq!(r.source.word(), "run");
    assert_eq!(r.log_path, log.display().to_string());
    // What the record says is what the report of the same log says.
    assert_eq!((r.score, r.max), score_of_run(&log));
    let earned: u32 = r.objectives.iter().map(|o| o.points).sum();
    assert!(earned as i64 >= r.score, "penalties only take away");
    // Competencies come from the scenario (CSF categories), every learning objective once.
    let competencies: Vec<&str> = r.learning.iter().map(|l| l.competency.as_str()).collect();
    assert_eq!(competencies, ["DE.AE", "RS.MI", "PR.IR", "RS.AN", "RS.CO"]);
    // The hash is the log's last line's.
    let last = std::fs::read_to_string(&log).unwrap();
    let last = last.lines().last().unwrap();
    assert_eq!(
        r.log_hash,
        cyberdrill::replay::record::sha256_hex(last.as_bytes())
    );
    drop(h);

    let out = bin(&[
        "history",
        "import",
        log.to_str().unwrap(),
        "--history",
        db.to_str().unwrap(),
    ]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("already in the history"), "{stdout}");
    let h = History::open_existing(&db).unwrap();
    assert_eq!(h.sessions(&Filter::default()).unwrap().len(), 1);
}

#[test]
fn import_verifies_each_log_refuses_a_tampered_one_with_the_reason_and_keeps_the_others() {
    let dir = temp_dir("history-import");
    let scratch = dir.join("scratch.sqlite");
    let good = run(&dir, &scratch, "tutorial", "walkthrough", 2);
    let other = run(&dir, &scratch, "sme-supply-chain", "random", 3);
    // A turn's score-bearing line altered: the chain breaks there.
    let tampered = dir.join("tampered.jsonl");
    let original = std::fs::read_to_string(&good).unwrap();
    let changed = original.replacen("\"turn\":2", "\"turn\":3", 1);
    assert_ne!(changed, original);
    std::fs::write(&tampered, changed).unwrap();
    let unsealed = dir.join("unsealed.jsonl");
    let lines: Vec<&str> = original.lines().collect();
    std::fs::write(&unsealed, lines[..lines.len() - 1].join("\n") + "\n").unwrap();

    let db = dir.join("h.sqlite");
    let out = bin(&[
        "history",
        "import",
        tampered.to_str().unwrap(),
        good.to_str().unwrap(),
        unsealed.to_str().unwrap(),
        other.to_str().unwrap(),
        "--history",
        db.to_str().unwrap(),
    ]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        stderr.contains("tampered.jsonl: refused:") && stderr.contains("line"),
        "the reason names the line: {stderr}"
    );
    assert!(
        stderr.contains("unsealed.jsonl: refused:") && stderr.contains("not sealed"),
        "{stderr}"
    );
    assert!(stdout.contains("1 session recorded"), "{stdout}");
    let h = History::open_existing(&db).unwrap();
    let mut ids: Vec<String> = h
        .sessions(&Filter::default())
        .unwrap()
        .into_iter()
        .map(|r| r.scenario_id)
        .collect();
    ids.sort();
    assert_eq!(ids, ["sme-supply-chain", "tutorial"]);
    assert!(
        h.sessions(&Filter {
            scenario: Some("tutorial".into()),
            trainee: None
        })
        .unwrap()
        .iter()
        .all(|r| r.source.word() == "import")
    );
}

#[test]
fn two_processes_recording_at_once_lose_nothing() {
    let dir = temp_dir("history-concurrent");
    let db = dir.join("h.sqlite");
    // Two processes, each running bot sessions back to back into the same new database.
    let spawn = |seeds: std::ops::Range<u64>| {
        let dir = dir.clone();
        let db = db.clone();
        std::thread::spawn(move || {
            for seed in seeds {
                run(&dir, &db, "tutorial", "random", seed);
            }
        })
    };
    let a = spawn(1..7);
    let b = spawn(101..107);
    a.join().unwrap();
    b.join().unwrap();
    let h = History::open_existing(&db).unwrap();
    let mut seeds: Vec<u64> = h
        .sessions(&Filter::default())
        .unwrap()
        .iter()
        .map(|r| r.seed)
        .collect();
    seeds.sort_unstable();
    assert_eq!(seeds, [1, 2, 3, 4, 5, 6, 101, 102, 103, 104, 105, 106]);
}

#[test]
fn an_older_schema_is_brought_up_to_date_with_its_records() {
    let dir = temp_dir("history-migrate");
    // A database as the first schema made it, with one record in it.
    let fresh = dir.join("fresh.sqlite");
    run(&dir, &fresh, "olympics-ticketing", "walkthrough", 1);
    let record = History::open_existing(&fresh)
        .unwrap()
        .sessions(&Filter::default())
        .unwrap()
        .remove(0);
    let old = dir.join("old.sqlite");
    {
        let conn = rusqlite::Connection::open(&old).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO sessions (log_hash, team_index, team, scenario_id, played_at, recorded_at, source, score, max, record)
             VALUES (?1, 0, ?2, ?3, NULL, '2025-01-01T00:00:00Z', 'run', ?4, ?5, ?6)",
            rusqlite::params![
                record.log_hash,
                record.team,
                record.scenario_id,
                record.score,
                record.max,
                serde_json::to_string(&record).unwrap()
            ],
        )
        .unwrap();
    }
    let h = History::open_existing(&old).unwrap();
    let version: i64 = rusqlite::Connection::open(&old)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, MIGRATIONS.len() as i64);
    // The competencies of the record already there were filled in by the migration.
    let per: Vec<(String, i64, i64)> = rusqlite::Connection::open(&old)
        .unwrap()
        .prepare("SELECT competency, earned, max FROM competencies ORDER BY learning")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut expected: Vec<(String, String, i64, i64)> = record
        .learning
        .iter()
        .map(|l| {
            (
                l.id.clone(),
                l.competency.clone(),
                i64::from(l.earned),
                i64::from(l.max),
            )
        })
        .collect();
    expected.sort();
    let expected: Vec<(String, i64, i64)> =
        expected.into_iter().map(|(_, c, e, m)| (c, e, m)).collect();
    assert_eq!(per, expected);
    assert_eq!(h.sessions(&Filter::default()).unwrap(), vec![record]);
    // And an empty file is a new database.
    let empty = dir.join("empty.sqlite");
    std::fs::write(&empty, b"").unwrap();
    let mut h = History::open(&empty).unwrap();
    assert_eq!(h.add(&[]).unwrap(), 0);
}

#[test]
fn a_damaged_or_newer_database_is_refused_and_left_as_it_is() {
    let dir = temp_dir("history-damaged");
    let log = run(&dir, &dir.join("ok.sqlite"), "tutorial", "walkthrough", 1);

    let garbage = dir.join("garbage.sqlite");
    let bytes = b"this is a spreadsheet, not a database\n".repeat(200);
    std::fs::write(&garbage, &bytes).unwrap();
    // A damaged SQLite file: the right start, then nothing that makes sense.
    let damaged = dir.join("damaged.sqlite");
    let mut damaged_bytes = std::fs::read(dir.join("ok.sqlite")).unwrap();
    for b in damaged_bytes.iter_mut().skip(100) {
        *b = 0xA5;
    }
    std::fs::write(&damaged, &damaged_bytes).unwrap();
    // A database from a newer cyberdrill.
    let newer = dir.join("newer.sqlite");
    std::fs::copy(dir.join("ok.sqlite"), &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let newer_bytes = std::fs::read(&newer).unwrap();

    for (db, before, needle) in [
        (
            &garbage,
            bytes.to_vec(),
            "not a cyberdrill history database",
        ),
        (&damaged, damaged_bytes, "not a cyberdrill history database"),
        (&newer, newer_bytes, "newer cyberdrill (schema 99"),
    ] {
        for args in [
            vec!["history", "--history", db.to_str().unwrap()],
            vec![
                "history",
                "import",
                log.to_str().unwrap(),
                "--history",
                db.to_str().unwrap(),
            ],
        ] {
            let out = bin(&args);
            let (_, stderr) = text(&out);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(
                stderr.contains(needle) && stderr.contains(&db.display().to_string()),
                "{args:?}: {stderr}"
            );
            assert_eq!(
                std::fs::read(db).unwrap(),
                before,
                "{args:?} changed the file"
            );
        }
        // A run asked to record there fails to record, says so, and leaves it alone too.
        let out = bin(&[
            "run",
            "scenarios/tutorial.ron",
            "--policy",
            "idle",
            "--replay",
            dir.join(format!(
                "idle-{}.jsonl",
                db.file_stem().unwrap().to_str().unwrap()
            ))
            .to_str()
            .unwrap(),
            "--history",
            db.to_str().unwrap(),
        ]);
        assert!(!out.status.success());
        assert!(text(&out).1.contains("not recorded in the history"));
        assert!(matches!(
            History::open(db),
            Err(HistoryError::Unreadable { .. } | HistoryError::TooNew { .. })
        ));
    }
}

#[test]
fn a_profile_adds_up_each_competency_across_sessions_and_names_what_trains_the_weakest() {
    let dir = temp_dir("history-profile");
    let db = dir.join("h.sqlite");
    let logs = [
        run(&dir, &db, "municipal-breach", "random", 1),
        run(&dir, &db, "sme-supply-chain", "walkthrough", 1),
        run(&dir, &db, "municipal-breach", "walkthrough", 2),
    ];
    let h = History::open_existing(&db).unwrap();
    let mine = h
        .sessions(&Filter {
            trainee: Some("bot".into()),
            scenario: None,
        })
        .unwrap();
    assert_eq!(mine.len(), logs.len());
    let p = profile::build("bot", &mine, &mine, Lang::En);
    // Oldest first.
    assert_eq!(p.sessions[0].scenario_id, "municipal-breach");
    assert_eq!(p.sessions[1].scenario_id, "sme-supply-chain");
    // Each competency's totals are the sums over the sessions' learning objectives.
    for c in &p.competencies {
        let (earned, max) = mine
            .iter()
            .flat_map(|r| &r.learning)
            .filter(|l| l.competency == c.id)
            .fold((0, 0), |(e, m), l| (e + l.earned, m + l.max));
        assert_eq!((c.earned, c.max), (earned, max), "{}", c.id);
    }
    // RS.MI and RS.CO are trained by both scenarios; RC.RP only by the SME one.
    let rs_co = p.competencies.iter().find(|c| c.id == "RS.CO").unwrap();
    assert_eq!(rs_co.trend.len(), 3);
    assert_eq!(rs_co.name, "Incident Response Reporting and Communication");
    let rc_rp = p.competencies.iter().find(|c| c.id == "RC.RP").unwrap();
    assert_eq!(rc_rp.trend.len(), 1);
    assert_eq!(rc_rp.change, None);
    // The weakest are the lowest percentages, each with a scenario that trains it.
    let lowest = p.competencies.iter().map(|c| c.percent).min().unwrap();
    assert_eq!(p.weakest[0].percent, lowest);
    for w in &p.weakest {
        assert!(!w.scenarios.is_empty(), "{w:?}");
    }

    // Through the binary: Markdown, HTML with the chart, JSON; both languages.
    let md = bin(&[
        "history",
        "profile",
        "bot",
        "--history",
        db.to_str().unwrap(),
    ]);
    let (md, _) = text(&md);
    assert!(
        md.contains("| RS.CO Incident Response Reporting and Communication |"),
        "{md}"
    );
    let out = bin(&[
        "history",
        "profile",
        "bot",
        "--format",
        "html",
        "--lang",
        "ja",
        "--history",
        db.to_str().unwrap(),
    ]);
    let (html, _) = text(&out);
    assert!(
        html.contains("<svg") && html.contains("<polyline"),
        "the chart: {html}"
    );
    assert!(
        html.contains("インシデント対応の報告およびコミュニケーション"),
        "{html}"
    );
    assert!(html.contains("@media print"));
    let out = bin(&[
        "history",
        "profile",
        "bot",
        "--format",
        "json",
        "--history",
        db.to_str().unwrap(),
    ]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["sessions"].as_array().unwrap().len(), 3);
    // Someone with no sessions gets a clear message.
    let out = bin(&[
        "history",
        "profile",
        "Nobody",
        "--history",
        db.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("no sessions of `Nobody`"));
}

#[test]
fn the_list_filters_by_trainee_and_scenario_and_exports_csv_and_xapi() {
    let dir = temp_dir("history-list");
    let db = dir.join("h.sqlite");
    let dbs = db.to_str().unwrap();
    let win = run(&dir, &db, "tutorial", "walkthrough", 1);
    run(&dir, &db, "tutorial", "idle", 2);
    run(&dir, &db, "sme-supply-chain", "random", 1);

    let out = bin(&[
        "history",
        "--history",
        dbs,
        "--scenario",
        "tutorial",
        "--json",
    ]);
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    let out = bin(&["history", "--history", dbs, "--csv"]);
    let csv = String::from_utf8(out.stdout).unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(csv.starts_with("played,scenario_id,"));
    let out = bin(&["history", "--history", dbs, "--trainee", "Someone"]);
    assert!(text(&out).0.contains("No sessions match"));

    let out = bin(&["history", "export", "--format", "xapi", "--history", dbs]);
    assert!(out.status.success());
    let statements: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(statements.len(), 3);
    let (score, max) = score_of_run(&win);
    let passed = statements
        .iter()
        .find(|s| {
            s["context"]["extensions"]["urn:cyberdrill:seed"] == "1"
                && s["object"]["id"] == "urn:cyberdrill:scenario:tutorial"
        })
        .unwrap();
    assert_eq!(
        passed["verb"]["id"],
        "http://adlnet.gov/expapi/verbs/passed"
    );
    assert_eq!(passed["result"]["success"], true);
    assert_eq!(passed["result"]["score"]["raw"], score);
    let scaled = passed["result"]["score"]["scaled"].as_f64().unwrap();
    assert!((scaled - score as f64 / f64::from(max)).abs() < 1e-9);
    assert_eq!(passed["actor"]["account"]["name"], "bot");
    assert!(
        passed["result"]["extensions"]["urn:cyberdrill:objectives"]
            .as_array()
            .is_some_and(|o| !o.is_empty())
    );
    let idle = statements
        .iter()
        .find(|s| s["context"]["extensions"]["urn:cyberdrill:seed"] == "2")
        .unwrap();
    assert_eq!(idle["verb"]["id"], "http://adlnet.gov/expapi/verbs/failed");
    // The same export twice gives the same statement ids (an LRS does not count twice).
    let again = bin(&["history", "export", "--format", "xapi", "--history", dbs]);
    let again: Vec<Value> = serde_json::from_slice(&again.stdout).unwrap();
    let ids = |v: &[Value]| v.iter().map(|s| s["id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&statements), ids(&again));
}
