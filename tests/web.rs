//! The browser pages as HTML, without a browser: each page in both languages, the forms'
//! plain (no-script) flow with its redirects and notices, sign-in and cookies, the composer's
//! steps, the QR codes and the downloads. (tests/browser/ drives the same pages in Chromium.)

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, ACCEPT_LANGUAGE, COOKIE, LOCATION, SET_COOKIE};
use serde_json::json;

use crate::server::{Server, start};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Joins through the join page; answers the session cookie.
async fn join_page(server: &Server, code: &str, name: &str) -> String {
    let res = client()
        .post(format!("{}/join", server.base))
        .form(&[("code", code), ("name", name)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/team");
    let cookie = res.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    cookie.split(';').next().unwrap().to_owned()
}

async fn page(server: &Server, path: &str, cookie: &str, lang: &str) -> (StatusCode, String) {
    let res = client()
        .get(format!("{}{path}", server.base))
        .header(COOKIE, cookie)
        .header(ACCEPT_LANGUAGE, lang)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_team_pages_read_in_both_languages_and_work_without_a_script() {
    let server = start("web-team").await;
    let (drill, codes) = server
        .drill(json!({"scenario": "tutorial", "teams": ["Red", "Blue"]}))
        .await;
    // The join page, from the link.
    let (s, html) = page(&server, &format!("/join?code={}", codes[0]), "", "en").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains(&codes[0]) && html.contains("Join your team"),
        "{html}"
    );
    let (_, ja) = page(&server, "/", "", "ja,en;q=0.5").await;
    assert!(ja.contains("チームに参加する") && ja.contains("lang=\"ja\""));
    // A wrong code: back to the join page with the reason.
    let res = client()
        .post(format!("{}/join", server.base))
        .form(&[("code", "ZZZZ-ZZZZ"), ("name", "Eve")])
        .send()
        .await
        .unwrap();
    assert!(res.headers()[LOCATION].to_str().unwrap().contains("error="));

    let red = join_page(&server, &codes[0], "Aoki").await;
    let (s, html) = page(&server, "/team", &red, "en").await;
    assert_eq!(s, StatusCode::OK);
    for part in [
        "Briefing",
        "Inbox",
        "Network",
        "Work",
        "Plan the next turn",
        "Aozora Town Office",
        "<svg",
        "I am done with this turn",
        "/static/app.js",
    ] {
        assert!(html.contains(part), "{part} on the main screen");
    }
    assert!(
        html.contains("data-live=\"/api/team/ws"),
        "the page follows the drill"
    );
    let (_, html_ja) = page(&server, "/team", &red, "ja").await;
    for part in [
        "ブリーフィング",
        "受信箱",
        "ネットワーク",
        "作業",
        "次のターンの計画",
        "青空町役場",
    ] {
        assert!(html_ja.contains(part), "{part} on the Japanese main screen");
    }
    // The language switch keeps the reader where they were.
    let res = client()
        .get(format!("{}/lang?to=ja&back=%2Fteam", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()[LOCATION], "/team");
    assert!(
        res.headers()[SET_COOKIE]
            .to_str()
            .unwrap()
            .starts_with("cyberdrill_lang=ja")
    );
    let res = client()
        .get(format!(
            "{}/lang?to=ja&back=https%3A%2F%2Fevil.example",
            server.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()[LOCATION], "/", "never off to another site");

    // The composer's steps, as pages: an action, its legal targets, what it would do.
    let (_, step) = page(&server, "/team?action=isolate", &red, "en").await;
    assert!(
        step.contains("target-select") && step.contains("pc-01"),
        "targets offered"
    );
    assert!(step.contains("— choose —"), "nothing chosen in advance");
    let target = form_urlencoded::byte_serialize(br#"{"Host":"pc-01"}"#).collect::<String>();
    let (_, preview) = page(
        &server,
        &format!("/team?action=reimage&target={target}"),
        &red,
        "en",
    )
    .await;
    assert!(
        preview.contains("Wipes pc-01"),
        "the preview warns of lost evidence"
    );
    assert!(
        preview.contains("action=\"/team/queue\""),
        "and offers to queue it"
    );
    let (_, nothing) = page(
        &server,
        "/team?action=isolate&target=%7B%22Host%22%3A%22nowhere%22%7D",
        &red,
        "en",
    )
    .await;
    assert!(
        !nothing.contains("action=\"/team/queue\""),
        "a target not offered is not queued"
    );
    // The findings form chooses nothing in advance.
    assert!(html.contains("id=\"findings-form\"") || html.contains("findings-form"));
    assert!(
        !html.contains("<option value=\"phishing\" selected"),
        "no entry vector preselected"
    );

    // Queueing without a script: post, redirect back with a notice; the queue shows it.
    let res = client()
        .post(format!("{}/team/queue", server.base))
        .header(COOKIE, &red)
        .form(&[("action", "isolate"), ("target", r#"{"Host":"pc-01"}"#)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        res.headers()[LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/team?note=")
    );
    let (_, html) = page(&server, "/team", &red, "en").await;
    assert!(html.contains("Isolate a host from the network: pc-01") && html.contains("— Aoki"));
    // The same with the page's script: JSON back.
    let res = client()
        .post(format!("{}/team/queue", server.base))
        .header(COOKIE, &red)
        .header(ACCEPT, "application/json")
        .form(&[("action", "isolate"), ("target", r#"{"Host":"pc-01"}"#)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["ok"], false);
    assert!(
        body["message"].as_str().unwrap().contains("already"),
        "{body}"
    );
    // A member cannot end the turn before the start; the page says why.
    let res = client()
        .post(format!("{}/team/ready", server.base))
        .header(COOKIE, &red)
        .header(ACCEPT, "application/json")
        .form(&[("ready", "true")])
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("not started"),
        "{body}"
    );
    // The panes the script re-reads.
    let res = client()
        .get(format!("{}/team/panes", server.base))
        .header(COOKIE, &red)
        .send()
        .await
        .unwrap();
    let panes: serde_json::Value = res.json().await.unwrap();
    for id in [
        "inbox", "network", "work", "evidence", "topstats", "status", "composer",
    ] {
        assert!(panes[id].is_string(), "pane {id}");
    }
    // Without a cookie: a page that says how to join, not a crash.
    let (s, html) = page(&server, "/team", "", "en").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(html.contains("Join a team with its code"));
    let _ = drill;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_facilitator_console_signs_in_creates_drills_and_runs_the_room() {
    let server = start("web-console").await;
    // The printed link signs in, then the token leaves the address bar.
    let res = client()
        .get(format!(
            "{}/facilitator?token={}",
            server.base, server.token
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/facilitator");
    let fac = res.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let (_, html) = page(&server, "/facilitator", "", "en").await;
    assert!(
        html.contains("Facilitator sign-in"),
        "no cookie: the sign-in page"
    );
    let (_, html) = page(&server, "/facilitator", &fac, "en").await;
    for part in [
        "Open a new drill",
        "tutorial.ron",
        "municipal-breach.ron",
        "Teams, one per line",
    ] {
        assert!(html.contains(part), "{part}");
    }
    let (_, ja) = page(&server, "/facilitator", &fac, "ja").await;
    assert!(ja.contains("新しい演習を開く") && ja.contains("汐見原市"));
    // A team's cookie is not the facilitator's.
    let (_, codes_drill) = server
        .drill(json!({"scenario": "tutorial", "teams": ["X"]}))
        .await;
    let member = join_page(&server, &codes_drill[0], "Aoki").await;
    let (_, html) = page(&server, "/facilitator", &member, "en").await;
    assert!(html.contains("Facilitator sign-in"));

    // Creating a drill from the form.
    let res = client()
        .post(format!("{}/facilitator/drills", server.base))
        .header(COOKIE, &fac)
        .form(&[
            ("scenario", "tutorial.ron"),
            ("teams", "Red\nBlue"),
            ("seed", "3"),
            ("pacing", "sync"),
            ("turn_minutes", "10"),
            ("max_members", "4"),
            ("lang", "en"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let console = res.headers()[LOCATION].to_str().unwrap().to_owned();
    let id = console.rsplit('/').next().unwrap().to_owned();
    let (_, html) = page(&server, &console, &fac, "en").await;
    for part in [
        "Join links",
        "Start",
        "The room",
        "Red",
        "Blue",
        "Announce",
        "Give a hint free of charge",
        "Projector view",
        "Scores (CSV)",
        "/qr/0",
    ] {
        assert!(html.contains(part), "{part} on the console");
    }
    // A QR code per team, as SVG.
    let res = client()
        .get(format!("{}/facilitator/drills/{id}/qr/0", server.base))
        .header(COOKIE, &fac)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    assert!(res.text().await.unwrap().contains("<svg"));
    // Controls from the page: start, then a message with a question to every team.
    for form in [
        vec![("action", "start")],
        vec![
            ("action", "message"),
            ("text", "The mayor calls."),
            ("prompt", "Answer her?"),
            ("choices", "Yes\nNot yet"),
        ],
        vec![("action", "announce"), ("text", "Coffee is in room 3.")],
        vec![("action", "advance")],
    ] {
        let res = client()
            .post(format!("{}/facilitator/drills/{id}/control", server.base))
            .header(COOKIE, &fac)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert!(
            res.headers()[LOCATION].to_str().unwrap().contains("note="),
            "{form:?}"
        );
    }
    let (_, html) = page(&server, &console, &fac, "en").await;
    assert!(html.contains("Running"));
    let (_, team) = page(
        &server,
        &format!("/facilitator/drills/{id}/teams/0"),
        &fac,
        "en",
    )
    .await;
    assert!(
        team.contains("What really happened") && team.contains("✱"),
        "the ground truth beside the team's view"
    );
    let (_, projector) = page(
        &server,
        &format!("/facilitator/drills/{id}/projector"),
        &fac,
        "en",
    )
    .await;
    assert!(projector.contains("class=\"projector\"") && projector.contains("Red"));
    // The scores as CSV, for a spreadsheet.
    let res = client()
        .get(format!("{}/api/drills/{id}/report?format=csv", server.base))
        .header(COOKIE, &fac)
        .send()
        .await
        .unwrap();
    let csv = res.text().await.unwrap();
    assert!(
        csv.starts_with("team,members,turns,outcome,score,max,percent,"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 3, "a header and a row per team");
    // The panes the console's script re-reads.
    let res = client()
        .get(format!("{}/facilitator/drills/{id}/panes", server.base))
        .header(COOKIE, &fac)
        .send()
        .await
        .unwrap();
    let panes: serde_json::Value = res.json().await.unwrap();
    assert!(panes["room"].as_str().unwrap().contains("Red"));
    // A broken scenario in the folder is listed with its diagnostics.
    let (_, html) = page(&server, "/facilitator", &fac, "en").await;
    assert!(!html.contains("invalid"), "the shipped scenarios are valid");
    server.stop().await;
}

/// After a drill ends: the console's history lists it with its room report, its trainees with
/// their profiles, every session (filtered, and as CSV); none of it without the facilitator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_history_shows_past_drills_trainees_profiles_and_csv() {
    use cyberdrill::cli::bot::{self, BotArgs};
    let server = start("web-history").await;
    let fac = format!("cyberdrill_facilitator={}", server.token);
    let (_, empty) = page(&server, "/facilitator/history", &fac, "en").await;
    assert!(
        empty.contains("No drill has ended on this server yet"),
        "{empty}"
    );

    let (drill, codes) = server
        .drill(
            json!({"scenario": "tutorial", "teams": ["Red", "Blue", "Green"], "seed": 2, "pacing": "self"}),
        )
        .await;
    // A person in a team of their own, who never ends a turn: the facilitator ends the drill.
    let member = join_page(&server, &codes[2], "Kimura").await;
    let mut bots = Vec::new();
    for (code, (policy, name)) in codes
        .iter()
        .zip([("walkthrough", "Aoki"), ("idle", "Sato")])
    {
        let args = BotArgs {
            server: server.base.clone(),
            join: code.clone(),
            policy: policy.to_owned(),
            name: name.to_owned(),
            seed: 1,
            scenarios: crate::util::root().join("scenarios"),
        };
        bots.push(tokio::spawn(async move { bot::play(&args).await }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    server.control(&drill, json!({"action": "start"})).await;
    for b in bots {
        tokio::time::timeout(std::time::Duration::from_secs(120), b)
            .await
            .expect("the bot finishes")
            .unwrap()
            .unwrap();
    }
    let (status, _) = server.control(&drill, json!({"action": "end"})).await;
    assert_eq!(status, StatusCode::OK);
    // Recorded off the drill's task: wait for it.
    let mut html = String::new();
    for _ in 0..100 {
        html = page(&server, "/facilitator/history", &fac, "en").await.1;
        if html.contains("Past drills") && html.contains("Sato") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    for part in [
        "Past drills",
        drill.as_str(),
        &format!("/api/drills/{drill}/report?format=html"),
        "/facilitator/history/profile?name=Aoki",
        "/facilitator/history/profile?name=Sato",
        "/facilitator/history/profile?name=Kimura",
        "Download as CSV",
    ] {
        assert!(html.contains(part), "{part}: {html}");
    }
    let (_, ja) = page(&server, "/facilitator/history", &fac, "ja").await;
    assert!(ja.contains("過去の演習") && ja.contains("受講者"));

    let (status, profile) = page(
        &server,
        "/facilitator/history/profile?name=Aoki",
        &fac,
        "en",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for part in [
        "Competency profile: Aoki",
        "<svg",
        "Weakest competencies",
        "Printable page",
    ] {
        assert!(profile.contains(part), "{part}");
    }
    let (status, _) = page(
        &server,
        "/facilitator/history/profile?name=Nobody",
        &fac,
        "en",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, printable) = page(
        &server,
        "/facilitator/history/profile.html?name=Sato&lang=ja",
        &fac,
        "en",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(printable.starts_with("<!DOCTYPE html>") && printable.contains("コンピテンシー"));

    let (status, csv) = page(&server, "/facilitator/history.csv?trainee=Sato", &fac, "en").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(csv.lines().count(), 2, "a header and Sato's session: {csv}");
    assert!(csv.contains(",Blue,Sato,"), "{csv}");

    // Not for teams, nor for strangers.
    for cookie in ["", member.as_str()] {
        let (_, html) = page(&server, "/facilitator/history", cookie, "en").await;
        assert!(!html.contains("Past drills"));
        let (status, _) = page(&server, "/facilitator/history.csv", cookie, "en").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    server.stop().await;
}

/// On the team page, an alert raised again and again is one inbox entry with its count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_team_inbox_shows_a_repeated_alert_once_with_its_count() {
    let server = start("web-repeats").await;
    let (drill, codes) = server
        .drill(json!({"scenario": "municipal-breach", "teams": ["Red"], "seed": 1}))
        .await;
    let cookie = join_page(&server, &codes[0], "Aoki").await;
    server.control(&drill, json!({"action": "start"})).await;
    for _ in 0..6 {
        let (status, _) = server.control(&drill, json!({"action": "advance"})).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, html) = page(&server, "/team", &cookie, "en").await;
    assert_eq!(status, StatusCode::OK);
    let entries = html.matches("class=\"inbox-item\"").count();
    assert!(html.contains("× "), "a repeated alert shows its count");
    // Each alert's title once.
    let titles: Vec<&str> = html
        .split("<details class=\"inbox-item\"")
        .skip(1)
        .filter_map(|d| d.split("</summary>").next())
        .filter(|d| d.contains(" alert on "))
        // Without the turn it was last raised in: the same alert again is the same text.
        .filter_map(|d| d.split_once("class=\"turn\">").map(|(_, rest)| rest))
        .filter_map(|d| d.split_once("</span>").map(|(_, rest)| rest))
        .collect();
    assert!(titles.len() > 3, "{titles:?}");
    let mut unique = titles.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), titles.len(), "{titles:?}");
    assert!(entries > 0);
    server.stop().await;
}
