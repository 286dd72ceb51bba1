//! The drill server, started for real on a loopback port (127.0.0.1:0) in the test process and
//! driven over HTTP and WebSockets: whole drills played by bot seats under both pacings,
//! who may read and do what, malformed and hostile requests, the facilitator's controls,
//! live updates, and a restart on the same data directory.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use cyberdrill::cli::bot::{self, BotArgs};
use cyberdrill::engine::TeamId;
use cyberdrill::replay::{Log, SealReason, verify};
use cyberdrill::server::{Running, ServeConfig};
use cyberdrill::session::Session;
use cyberdrill::session::bots::{self as local_bots, Scripted};
use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::util::{root, temp_dir};

/// A server on a free loopback port, with its data in a fresh directory.
pub struct Server {
    pub running: Option<Running>,
    pub base: String,
    pub token: String,
    pub data: PathBuf,
    http: reqwest::Client,
}

pub async fn start_in(data: &Path, scenarios: &Path) -> Server {
    let running = cyberdrill::server::start(
        ServeConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            data: data.to_path_buf(),
            scenarios: scenarios.to_path_buf(),
            public_url: None,
        },
        std::future::pending(),
    )
    .await
    .expect("the server starts");
    Server {
        base: format!("http://{}", running.addr),
        token: running.facilitator_token.clone(),
        running: Some(running),
        data: data.to_path_buf(),
        http: reqwest::Client::new(),
    }
}

pub async fn start(name: &str) -> Server {
    start_in(&temp_dir(name), &root().join("scenarios")).await
}

impl Server {
    /// A request; answers the status and the JSON body (Null if none).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("the server answers");
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::GET, path, Some(token), None)
            .await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(reqwest::Method::POST, path, Some(token), Some(body))
            .await
    }

    /// Creates a drill; answers its id and the teams' join codes.
    pub async fn drill(&self, spec: Value) -> (String, Vec<String>) {
        let (status, body) = self.post("/api/drills", &self.token, spec).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let codes = body["teams"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["code"].as_str().unwrap().to_owned())
            .collect();
        (body["id"].as_str().unwrap().to_owned(), codes)
    }

    /// Joins a team; answers the member's token.
    pub async fn join(&self, code: &str, name: &str) -> String {
        let (status, body) = self
            .call(
                reqwest::Method::POST,
                "/api/join",
                None,
                Some(json!({"code": code, "name": name})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }

    pub async fn control(&self, drill: &str, action: Value) -> (StatusCode, Value) {
        self.post(&format!("/api/drills/{drill}/control"), &self.token, action)
            .await
    }

    /// A team's view (without waiting).
    pub async fn view(&self, token: &str) -> Value {
        let (status, body) = self.get("/api/team", token).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["view"].clone()
    }

    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await.unwrap();
        }
    }
}

fn tutorial() -> Arc<cyberdrill::scenario::Scenario> {
    Arc::new(
        cyberdrill::scenario::load(&root().join("scenarios/tutorial.ron"))
            .unwrap()
            .0,
    )
}

/// The score `cyberdrill run --policy walkthrough --seed S` gets.
fn walkthrough_score(seed: u64) -> i64 {
    let s = tutorial();
    let mut session = Session::new(s.clone(), seed, &["bot"]).unwrap();
    local_bots::play(
        &mut session,
        TeamId(0),
        &mut Scripted::walkthrough(&s),
        None,
    )
    .unwrap();
    session.scorecard(TeamId(0)).total
}

fn bot(server: &Server, code: &str, policy: &str, name: &str) -> BotArgs {
    BotArgs {
        server: server.base.clone(),
        join: code.to_owned(),
        policy: policy.to_owned(),
        name: name.to_owned(),
        seed: 5,
        scenarios: root().join("scenarios"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_bot_teams_play_the_tutorial_to_the_end_under_both_pacings() {
    for pacing in ["sync", "self"] {
        let server = start(&format!("bots-{pacing}")).await;
        let seed = 3;
        let (drill, codes) = server
            .drill(json!({"scenario": "tutorial", "teams": ["Red", "Blue"], "seed": seed, "pacing": pacing}))
            .await;
        let red = bot(&server, &codes[0], "walkthrough", "Walker");
        let blue = bot(&server, &codes[1], "random", "Dice");
        let red = tokio::spawn(async move { bot::play(&red).await });
        let blue = tokio::spawn(async move { bot::play(&blue).await });
        // The bots wait in the lobby until the facilitator starts.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let (status, _) = server.control(&drill, json!({"action": "start"})).await;
        assert_eq!(status, StatusCode::OK);
        let red = tokio::time::timeout(Duration::from_secs(120), red)
            .await
            .expect("the walkthrough bot finishes")
            .unwrap()
            .unwrap();
        let blue = tokio::time::timeout(Duration::from_secs(120), blue)
            .await
            .expect("the random bot finishes")
            .unwrap()
            .unwrap();
        assert_eq!(red.outcome, "Win", "{pacing}: {red:?}");
        assert_eq!(
            red.score,
            walkthrough_score(seed),
            "{pacing}: the walkthrough over the API scores what `run` scores"
        );
        assert!(!blue.outcome.is_empty(), "{pacing}: {blue:?}");

        // The log verifies, is sealed as completed and signed by the server's key.
        let (_, key) = server.get("/api/key", &server.token).await;
        let key = cyberdrill::replay::sign::parse_public_key(key["key"].as_str().unwrap()).unwrap();
        let bytes = server
            .http
            .get(format!("{}/api/drills/{drill}/log", server.base))
            .bearer_auth(&server.token)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let log = Log::parse(&bytes).unwrap();
        let scenario = std::fs::read(root().join("scenarios/tutorial.ron")).unwrap();
        let verified = verify(&log, "tutorial", &scenario, Some(&key)).unwrap();
        assert_eq!(verified.sealed, Some(SealReason::Completed));
        assert_eq!(
            log.members(),
            vec![vec!["Walker".to_owned()], vec!["Dice".to_owned()]]
        );
        assert_eq!(log.header.value.drill.as_deref(), Some(drill.as_str()));

        // The room report ranks both and names the members.
        let report = server
            .http
            .get(format!(
                "{}/api/drills/{drill}/report?format=md",
                server.base
            ))
            .bearer_auth(&server.token)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(report.contains("Room summary"), "{report}");
        assert!(
            report.contains("Walker") && report.contains("Dice"),
            "{report}"
        );
        // The drill is listed in the index with its final scores.
        let (_, list) = server.get("/api/drills", &server.token).await;
        let listed = &list["drills"][0];
        assert_eq!(listed["status"], "ended");
        assert_eq!(listed["teams"][0]["score"], red.score);
        // Both teams are in the server's history, with their members and scores.
        let db = server.data.join("history.sqlite");
        let mut records = Vec::new();
        for _ in 0..100 {
            if let Ok(h) = cyberdrill::history::History::open_existing(&db) {
                records = h.sessions(&Default::default()).unwrap();
                if records.len() == 2 {
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        records.sort_by_key(|r| r.team_index);
        assert_eq!(records.len(), 2, "{pacing}: both teams recorded");
        assert_eq!(records[0].members, ["Walker"]);
        assert_eq!(records[0].score, red.score);
        assert_eq!(records[0].drill.as_deref(), Some(drill.as_str()));
        assert_eq!(records[1].members, ["Dice"]);
        assert!(records.iter().all(|r| r.source.word() == "serve"));
        server.stop().await;
    }
}

/// Every endpoint a team uses, with a method and a body.
fn team_endpoints() -> Vec<(reqwest::Method, &'static str, Option<Value>)> {
    vec![
        (reqwest::Method::GET, "/api/team", None),
        (
            reqwest::Method::POST,
            "/api/team/queue",
            Some(json!({"command": {"Act": ["triage", {"Alert": "edr-macro"}]}})),
        ),
        (reqwest::Method::DELETE, "/api/team/queue/0", None),
        (
            reqwest::Method::POST,
            "/api/team/preview",
            Some(json!({"command": {"Act": ["isolate", {"Host": "pc-01"}]}})),
        ),
        (reqwest::Method::POST, "/api/team/ready", Some(json!({}))),
        (
            reqwest::Method::PUT,
            "/api/team/draft",
            Some(json!({"draft": {"entry": "phishing"}})),
        ),
        (reqwest::Method::GET, "/api/team/report", None),
    ]
}

fn facilitator_endpoints(drill: &str) -> Vec<(reqwest::Method, String, Option<Value>)> {
    vec![
        (reqwest::Method::GET, "/api/scenarios".into(), None),
        (reqwest::Method::GET, "/api/drills".into(), None),
        (
            reqwest::Method::POST,
            "/api/drills".into(),
            Some(json!({"scenario": "tutorial", "teams": ["X"]})),
        ),
        (reqwest::Method::GET, format!("/api/drills/{drill}"), None),
        (
            reqwest::Method::GET,
            format!("/api/drills/{drill}/room"),
            None,
        ),
        (
            reqwest::Method::GET,
            format!("/api/drills/{drill}/teams/0"),
            None,
        ),
        (
            reqwest::Method::POST,
            format!("/api/drills/{drill}/control"),
            Some(json!({"action": "end"})),
        ),
        (
            reqwest::Method::GET,
            format!("/api/drills/{drill}/log"),
            None,
        ),
        (
            reqwest::Method::GET,
            format!("/api/drills/{drill}/report"),
            None,
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_reads_and_acts_only_for_its_own_team() {
    let server = start("isolation").await;
    let (drill, codes) = server
        .drill(json!({"scenario": "tutorial", "teams": ["Red", "Blue"]}))
        .await;
    let red = server.join(&codes[0], "Aoki").await;
    let blue = server.join(&codes[1], "Sato").await;
    let (status, body) = server
        .post(
            "/api/team/queue",
            &red,
            json!({"command": {"Act": ["isolate", {"Host": "pc-01"}]}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Each token sees its own team, and nothing of the other's.
    let red_view = server.view(&red).await;
    let blue_view = server.view(&blue).await;
    assert_eq!(red_view["team"]["name"], "Red");
    assert_eq!(blue_view["team"]["name"], "Blue");
    assert_eq!(red_view["queued"][0]["by"], "Aoki");
    assert_eq!(blue_view["queued"], json!([]));
    let blue_text = blue_view.to_string();
    assert!(
        !blue_text.contains("Aoki") && !blue_text.contains("Red"),
        "{blue_text}"
    );
    // No ground truth before the debrief.
    for key in ["debrief", "truth", "timeline"] {
        assert!(red_view.get(key).is_none(), "{key} in a team's view");
    }
    assert!(!red_view.to_string().contains("stage_done"));
    // Blue cannot take back Red's command: its own queue is empty.
    let (status, _) = server
        .call(
            reqwest::Method::DELETE,
            "/api/team/queue/0",
            Some(&blue),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        server.view(&red).await["queued"].as_array().unwrap().len(),
        1
    );
    // A team's report opens only after the drill.
    let (status, body) = server.get("/api/team/report", &red).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("not_ended"))
    );

    // Facilitator endpoints refuse team tokens (403), no token and forged tokens (401).
    let forged = "0123456789abcdef0123456789abcdef";
    for (method, path, body) in facilitator_endpoints(&drill) {
        let (s, b) = server
            .call(method.clone(), &path, Some(&red), body.clone())
            .await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "{method} {path} with a team token: {b}"
        );
        assert_eq!(b["code"], "forbidden");
        let (s, _) = server.call(method.clone(), &path, None, body.clone()).await;
        assert_eq!(
            s,
            StatusCode::UNAUTHORIZED,
            "{method} {path} without a token"
        );
        let (s, _) = server.call(method.clone(), &path, Some(forged), body).await;
        assert_eq!(
            s,
            StatusCode::UNAUTHORIZED,
            "{method} {path} with a forged token"
        );
    }
    // Team endpoints refuse the facilitator's token (403), no token and forged ones (401).
    for (method, path, body) in team_endpoints() {
        let (s, _) = server
            .call(method.clone(), path, Some(&server.token), body.clone())
            .await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "{method} {path} with the facilitator's token"
        );
        let (s, _) = server.call(method.clone(), path, None, body.clone()).await;
        assert_eq!(
            s,
            StatusCode::UNAUTHORIZED,
            "{method} {path} without a token"
        );
        let (s, _) = server.call(method.clone(), path, Some(forged), body).await;
        assert_eq!(
            s,
            StatusCode::UNAUTHORIZED,
            "{method} {path} with a forged token"
        );
    }
    // The drill was not touched by any of it.
    let (_, room) = server
        .get(&format!("/api/drills/{drill}/room"), &server.token)
        .await;
    assert_eq!(room["view"]["drill"]["status"], "lobby");
    assert_eq!(room["view"]["teams"][0]["turn"], 0);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_oversized_and_flooding_requests_get_clear_errors_and_change_nothing() {
    let server = start("malformed").await;
    let (drill, codes) = server
        .drill(json!({"scenario": "tutorial", "teams": ["Red", "Blue"]}))
        .await;
    let red = server.join(&codes[0], "Aoki").await;
    let blue = server.join(&codes[1], "Sato").await;
    let cases = [
        (
            json!({"command": 5}),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            json!({"command": {"Act": ["triage"]}}),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            json!({"command": {"Act": ["isolate", {"Host": "pc-01"}]}, "extra": 1}),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            json!({"command": {"Act": ["launch-missiles", "Org"]}}),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            json!({"command": {"Act": ["isolate", {"Host": "pc-99"}]}}),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            json!({"command": {"Answer": ["keep-quiet", "report"]}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "refused",
        ),
    ];
    for (body, status, code) in cases {
        let (s, b) = server.post("/api/team/queue", &red, body.clone()).await;
        assert_eq!((s, b["code"].as_str()), (status, Some(code)), "{body}: {b}");
        assert!(b["message"].as_str().is_some_and(|m| !m.is_empty()), "{b}");
    }
    let (s, b) = server
        .post(
            "/api/team/queue",
            &red,
            json!({"command": {"Act": ["launch-missiles", "Org"]}}),
        )
        .await;
    assert!(
        b["message"].as_str().unwrap().contains("launch-missiles"),
        "{s} {b}"
    );
    // Not JSON, no content type, too large.
    let res = reqwest::Client::new()
        .post(format!("{}/api/team/queue", server.base))
        .bearer_auth(&red)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = reqwest::Client::new()
        .post(format!("{}/api/team/queue", server.base))
        .bearer_auth(&red)
        .body(r#"{"command":"x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let huge = json!({"draft": {"text": "x".repeat(200_000)}});
    let (s, _) = server
        .call(
            reqwest::Method::PUT,
            "/api/team/draft",
            Some(&red),
            Some(huge),
        )
        .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    let big_draft = json!({"draft": {"text": "x".repeat(30_000)}});
    let (s, b) = server
        .call(
            reqwest::Method::PUT,
            "/api/team/draft",
            Some(&red),
            Some(big_draft),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    // Out of turn: nobody ends a turn before the start.
    let (s, b) = server.post("/api/team/ready", &red, json!({})).await;
    assert_eq!(
        (s, b["code"].as_str()),
        (StatusCode::CONFLICT, Some("not_started"))
    );
    let (s, _) = server.get("/api/nothing-here", &red).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = server.get("/api/team?wait=forever", &red).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // A flood from one member is slowed down; the other team is not.
    let mut limited = 0;
    for _ in 0..400 {
        let (s, _) = server.get("/api/team", &red).await;
        if s == StatusCode::TOO_MANY_REQUESTS {
            limited += 1;
        }
    }
    assert!(limited > 0, "a flood is rate-limited");
    let (s, _) = server.get("/api/team", &blue).await;
    assert_eq!(s, StatusCode::OK, "another team is not slowed by it");

    // Nothing of it changed the drill.
    let (_, room) = server
        .get(&format!("/api/drills/{drill}/room"), &server.token)
        .await;
    let teams = &room["view"]["teams"];
    assert_eq!(teams[0]["turn"], 0);
    assert_eq!(server.view(&blue).await["queued"], json!([]));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_writes_wrong_join_codes_and_full_teams_are_refused() {
    let server = start("guards").await;
    let (_, codes) = server
        .drill(json!({"scenario": "tutorial", "teams": ["Red"], "max_members": 2}))
        .await;
    let aoki = server.join(&codes[0], "Aoki").await;
    let http = reqwest::Client::new();
    let res = http
        .post(format!("{}/api/team/queue", server.base))
        .bearer_auth(&aoki)
        .header("origin", "http://evil.example")
        .json(&json!({"command": {"Act": ["isolate", {"Host": "pc-01"}]}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = http
        .post(format!("{}/api/team/queue", server.base))
        .bearer_auth(&aoki)
        .header("sec-fetch-site", "cross-site")
        .json(&json!({"command": {"Act": ["isolate", {"Host": "pc-01"}]}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = http
        .post(format!("{}/api/team/queue", server.base))
        .bearer_auth(&aoki)
        .header("origin", server.base.as_str())
        .json(&json!({"command": {"Act": ["isolate", {"Host": "pc-01"}]}}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "the server's own pages may write"
    );

    // Two members at most; a known member may join again from another device.
    let _sato = server.join(&codes[0], "Sato").await;
    let (s, b) = server
        .call(
            reqwest::Method::POST,
            "/api/join",
            None,
            Some(json!({"code": codes[0], "name": "Ito"})),
        )
        .await;
    assert_eq!(
        (s, b["code"].as_str()),
        (StatusCode::CONFLICT, Some("team_full"))
    );
    let again = server.join(&codes[0].to_lowercase(), "Aoki").await;
    assert_eq!(server.view(&again).await["team"]["name"], "Red");

    // Guessing join codes is cut short.
    let mut statuses = Vec::new();
    for i in 0..12 {
        let (s, _) = server
            .call(
                reqwest::Method::POST,
                "/api/join",
                None,
                Some(json!({"code": format!("ZZZZ-ZZ{i:02}"), "name": "Eve"})),
            )
            .await;
        statuses.push(s);
    }
    assert_eq!(statuses[0], StatusCode::NOT_FOUND);
    assert_eq!(*statuses.last().unwrap(), StatusCode::TOO_MANY_REQUESTS);
    let (s, _) = server
        .call(
            reqwest::Method::POST,
            "/api/join",
            None,
            Some(json!({"code": codes[0], "name": "Aoki"})),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::TOO_MANY_REQUESTS,
        "even a right code, for a while"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_scenario_is_refused_with_the_checks_diagnostics() {
    let dir = temp_dir("invalid-scenario");
    let scenarios = dir.join("scenarios");
    std::fs::create_dir_all(&scenarios).unwrap();
    let broken = std::fs::read_to_string(root().join("scenarios/tutorial.ron"))
        .unwrap()
        .replacen("target: \"fs-01\"", "target: \"fs-1\"", 1);
    std::fs::write(scenarios.join("broken.ron"), broken).unwrap();
    let server = start_in(&dir.join("data"), &scenarios).await;
    let (s, b) = server
        .post(
            "/api/drills",
            &server.token,
            json!({"scenario": "broken", "teams": ["Red"]}),
        )
        .await;
    assert_eq!(
        (s, b["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_scenario")),
        "{b}"
    );
    let errors = b["details"]["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["message"].as_str().unwrap().contains("fs-1")),
        "{b}"
    );
    assert!(errors[0]["line"].as_u64().unwrap() > 1);
    let (s, _) = server
        .post(
            "/api/drills",
            &server.token,
            json!({"scenario": "../etc/passwd", "teams": ["Red"]}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, list) = server.get("/api/scenarios", &server.token).await;
    assert_eq!(list["scenarios"][0]["valid"], false);
    server.stop().await;
}

/// Waits until a team's view satisfies `ok` (long-polling), or fails after 20 s.
pub async fn wait_view(
    server: &Server,
    token: &str,
    what: &str,
    ok: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let mut after = 0;
    loop {
        let (s, b) = server
            .get(&format!("/api/team?after={after}&wait=5"), token)
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        if ok(&b["view"]) {
            return b["view"].clone();
        }
        after = b["version"].as_u64().unwrap();
        assert!(
            tokio::time::Instant::now() < deadline,
            "waited for {what}: {b}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_facilitator_paces_the_room_and_talks_to_teams() {
    let server = start("facilitator").await;
    let (drill, codes) = server
        .drill(json!({"scenario": "tutorial", "teams": ["Red", "Blue"], "pacing": "sync"}))
        .await;
    let aoki = server.join(&codes[0], "Aoki").await;
    let sato = server.join(&codes[0], "Sato").await;
    let blue = server.join(&codes[1], "Zenko").await;
    let ctl = |a: Value| server.control(&drill, a);
    assert_eq!(ctl(json!({"action": "start"})).await.0, StatusCode::OK);
    assert_eq!(
        ctl(json!({"action": "start"})).await.0,
        StatusCode::CONFLICT
    );

    // A team's turn ends when all its members are ready; the room's when every team is.
    server.post("/api/team/ready", &aoki, json!({})).await;
    let v = server.view(&aoki).await;
    assert_eq!(v["team"]["done"], false, "Sato is not ready yet");
    assert_eq!(
        v["team"]["members"][0],
        json!({"name": "Aoki", "ready": true})
    );
    server.post("/api/team/ready", &sato, json!({})).await;
    assert_eq!(server.view(&aoki).await["turn"], 0, "Blue is not done");
    server.post("/api/team/ready", &blue, json!({})).await;
    let v = wait_view(&server, &aoki, "turn 1", |v| v["turn"] == 1).await;
    assert_eq!(v["team"]["done"], false, "readiness starts over");

    // Paused: no turn ends; resumed: one member may end the team's turn for all.
    assert_eq!(ctl(json!({"action": "pause"})).await.0, StatusCode::OK);
    let (s, b) = server.post("/api/team/ready", &blue, json!({})).await;
    assert_eq!(
        (s, b["code"].as_str()),
        (StatusCode::CONFLICT, Some("paused"))
    );
    assert_eq!(ctl(json!({"action": "resume"})).await.0, StatusCode::OK);
    server
        .post("/api/team/ready", &aoki, json!({"force": true}))
        .await;
    assert_eq!(server.view(&aoki).await["team"]["done"], true);
    // The facilitator ends the turn for everyone.
    assert_eq!(ctl(json!({"action": "advance"})).await.0, StatusCode::OK);
    assert_eq!(server.view(&blue).await["turn"], 2);

    // An announcement reaches everyone; a message with a question only Blue.
    ctl(json!({"action": "announce", "text": "Lunch at 12:30."})).await;
    let (s, b) = ctl(
        json!({"action": "message", "teams": [1], "text": "The mayor calls: is it over?",
        "question": {"prompt": "What do you tell her?", "choices": ["Not yet", "Yes"]}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, _) = ctl(json!({"action": "message", "text": "x", "question": {"prompt": "?", "choices": ["only one"]}})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let bv = server.view(&blue).await;
    let rv = server.view(&aoki).await;
    assert_eq!(bv["drill"]["announcements"][0], "Lunch at 12:30.");
    assert_eq!(rv["drill"]["announcements"][0], "Lunch at 12:30.");
    let msg = bv["inbox"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "facilitator")
        .unwrap();
    assert_eq!(msg["text"], "The mayor calls: is it over?");
    assert!(
        !rv["inbox"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["kind"] == "facilitator")
    );
    let number = msg["number"].as_u64().unwrap();
    let (s, b) = server
        .post(
            "/api/team/queue",
            &blue,
            json!({"command": {"Reply": [number, 1]}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    // A hint free of charge.
    let (s, b) = ctl(json!({"action": "grant_hint", "team": 0, "hint": "hint-alert"})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let rv = server.view(&aoki).await;
    assert_eq!(rv["hints"]["taken"][0]["granted"], true);
    let (s, _) = ctl(json!({"action": "grant_hint", "team": 0, "hint": "hint-alert"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "once only");
    let (s, _) = ctl(json!({"action": "grant_hint", "team": 9, "hint": "hint-alert"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    ctl(json!({"action": "advance"})).await;

    // The room view shows each team, the reply, readiness and the ground truth.
    let (_, room) = server
        .get(&format!("/api/drills/{drill}/room"), &server.token)
        .await;
    let teams = &room["view"]["teams"];
    assert_eq!(teams[1]["replies"][0]["reply"], "Not yet");
    assert_eq!(teams[0]["hints_granted"], 1);
    assert!(
        teams[0]["truth"]["stages_done"]
            .as_array()
            .is_some_and(|s| !s.is_empty())
    );
    assert_eq!(teams[0]["members"].as_array().unwrap().len(), 2);

    // Ending: the log is sealed as closed, debriefs and reports open.
    ctl(json!({"action": "extend_timer", "seconds": 60})).await;
    assert_eq!(ctl(json!({"action": "end"})).await.0, StatusCode::OK);
    assert_eq!(
        ctl(json!({"action": "advance"})).await.0,
        StatusCode::CONFLICT
    );
    let rv = server.view(&aoki).await;
    assert_eq!(rv["drill"]["status"], "ended");
    assert!(
        rv["debrief"]["timeline"]
            .as_array()
            .is_some_and(|t| !t.is_empty())
    );
    let (s, b) = server
        .post(
            "/api/team/queue",
            &aoki,
            json!({"command": {"Act": ["isolate", {"Host": "pc-01"}]}}),
        )
        .await;
    assert_eq!(
        (s, b["code"].as_str()),
        (StatusCode::CONFLICT, Some("drill_ended"))
    );
    let report = server
        .http
        .get(format!("{}/api/team/report?format=html", server.base))
        .bearer_auth(&aoki)
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), StatusCode::OK);
    let page = report.text().await.unwrap();
    assert!(
        page.contains("Aoki") && page.contains("Sato") && !page.contains("Zenko"),
        "only Red's report"
    );
    let log = Log::read(&server.data.join(&drill).join("log.jsonl")).unwrap();
    assert_eq!(log.seal().unwrap().reason, SealReason::Closed);
    let scenario = std::fs::read(root().join("scenarios/tutorial.ron")).unwrap();
    verify(&log, "tutorial", &scenario, None).unwrap();
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_turn_timer_ends_the_turn_for_everyone() {
    let server = start("timer").await;
    let (drill, codes) = server
        .drill(json!({"scenario": "tutorial", "teams": ["Red", "Blue"], "turn_seconds": 1}))
        .await;
    let red = server.join(&codes[0], "Aoki").await;
    server.control(&drill, json!({"action": "start"})).await;
    let v = server.view(&red).await;
    let deadline = v["drill"]["turn_deadline"]
        .as_i64()
        .expect("a countdown while running");
    assert!(deadline > 0);
    let v = wait_view(&server, &red, "the timer to end turn 1", |v| v["turn"] == 1).await;
    assert_eq!(v["drill"]["status"], "running");
    assert!(
        v["drill"]["turn_deadline"].as_i64().unwrap() > deadline,
        "a new countdown"
    );
    // Paused: the timer stops and keeps what was left.
    server.control(&drill, json!({"action": "pause"})).await;
    let v = server.view(&red).await;
    assert!(v["drill"]["turn_deadline"].is_null());
    assert!(v["drill"]["turn_left_ms"].as_i64().is_some());
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        server.view(&red).await["turn"],
        1,
        "no turn ends while paused"
    );

    // Self pacing with a time limit: the drill ends when it is up, sealed as closed.
    let (drill, codes) = server
        .drill(json!({"scenario": "tutorial", "teams": ["Red"], "pacing": "self", "time_limit_seconds": 1}))
        .await;
    let red = server.join(&codes[0], "Aoki").await;
    server.control(&drill, json!({"action": "start"})).await;
    server.post("/api/team/ready", &red, json!({})).await;
    assert_eq!(
        server.view(&red).await["turn"],
        1,
        "a self-paced team advances at once"
    );
    let v = wait_view(&server, &red, "the time limit", |v| {
        v["drill"]["status"] == "ended"
    })
    .await;
    assert!(v["debrief"].is_object());
    let log = Log::read(&server.data.join(&drill).join("log.jsonl")).unwrap();
    assert_eq!(log.seal().unwrap().reason, SealReason::Closed);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn teammates_see_each_others_queued_actions_live_and_a_reconnect_resynchronises() {
    let server = start("live").await;
    let (_, codes) = server
        .drill(json!({"scenario": "tutorial", "teams": ["Red", "Blue"]}))
        .await;
    let aoki = server.join(&codes[0], "Aoki").await;
    let sato = server.join(&codes[0], "Sato").await;
    let ws_url = format!(
        "{}/api/team/ws?token={sato}",
        server.base.replace("http", "ws")
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(&ws_url).await.unwrap();
    let first = next_view(&mut socket).await;
    assert_eq!(first["view"]["queued"], json!([]));
    server
        .post(
            "/api/team/queue",
            &aoki,
            json!({"command": {"Act": ["isolate", {"Host": "pc-01"}]}}),
        )
        .await;
    let update = next_view(&mut socket).await;
    assert_eq!(update["view"]["queued"][0]["by"], "Aoki");
    assert!(update["version"].as_u64() > first["version"].as_u64());
    // Dropped, then back: the current view at once.
    drop(socket);
    let (mut socket, _) = tokio_tungstenite::connect_async(&ws_url).await.unwrap();
    let again = next_view(&mut socket).await;
    assert_eq!(again["view"]["queued"][0]["by"], "Aoki");
    socket
        .send(tokio_tungstenite::tungstenite::Message::Text("ping".into()))
        .await
        .unwrap();
    // An oversized message closes only this connection.
    let _ = socket
        .send(tokio_tungstenite::tungstenite::Message::Text(
            "x".repeat(10_000).into(),
        ))
        .await;
    assert_eq!(
        server.view(&aoki).await["queued"].as_array().unwrap().len(),
        1
    );
    // A WebSocket without a valid token is refused.
    let bad = format!(
        "{}/api/team/ws?token=nope",
        server.base.replace("http", "ws")
    );
    assert!(tokio_tungstenite::connect_async(&bad).await.is_err());
    server.stop().await;
}

async fn next_view(
    socket: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
) -> Value {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a message within 10 s")
            .expect("the socket is open")
            .unwrap();
        if let tokio_tungstenite::tungstenite::Message::Text(t) = msg {
            let v: Value = serde_json::from_str(&t).unwrap();
            if v["type"] == "team" {
                return v;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_server_brings_back_drills_input_tokens_and_pause() {
    let dir = temp_dir("restart");
    let server = start_in(&dir, &root().join("scenarios")).await;
    let (drill, codes) = server
        .drill(json!({"scenario": "tutorial", "teams": ["Red", "Blue"], "turn_seconds": 600}))
        .await;
    let red = server.join(&codes[0], "Aoki").await;
    let blue = server.join(&codes[1], "Sato").await;
    server.control(&drill, json!({"action": "start"})).await;
    server
        .post(
            "/api/team/queue",
            &red,
            json!({"command": {"Act": ["isolate", {"Host": "pc-01"}]}}),
        )
        .await;
    server
        .post(
            "/api/team/queue",
            &red,
            json!({"command": {"Act": ["image-disk", {"Host": "pc-01"}]}}),
        )
        .await;
    server
        .call(
            reqwest::Method::DELETE,
            "/api/team/queue/0",
            Some(&red),
            None,
        )
        .await;
    server
        .call(
            reqwest::Method::PUT,
            "/api/team/draft",
            Some(&red),
            Some(json!({"draft": {"entry": "phishing"}})),
        )
        .await;
    server.post("/api/team/ready", &blue, json!({})).await;
    server.control(&drill, json!({"action": "pause"})).await;
    let before = server.view(&red).await;
    let token = server.token.clone();
    server.stop().await;

    let server = start_in(&dir, &root().join("scenarios")).await;
    assert_eq!(server.token, token, "the facilitator's link stays valid");
    let after = server.view(&red).await;
    for key in ["queued", "turn", "draft", "effort"] {
        assert_eq!(after[key], before[key], "{key} after the restart");
    }
    assert_eq!(after["drill"]["status"], "paused");
    assert_eq!(
        after["drill"]["turn_left_ms"],
        before["drill"]["turn_left_ms"]
    );
    assert_eq!(server.view(&blue).await["team"]["done"], true);
    assert_eq!(
        server.join(&codes[0], "Aoki").await.len(),
        32,
        "codes still work"
    );
    server.stop().await;

    // The drill index is a cache: without it, the drills are listed again from their folders.
    std::fs::remove_file(dir.join("index.sqlite")).unwrap();
    let _ = std::fs::remove_file(dir.join("index.sqlite-wal"));
    let _ = std::fs::remove_file(dir.join("index.sqlite-shm"));
    let server = start_in(&dir, &root().join("scenarios")).await;
    let (_, list) = server.get("/api/drills", &server.token).await;
    assert_eq!(list["drills"][0]["id"], drill.as_str());
    assert_eq!(list["drills"][0]["teams"][0]["members"], json!(["Aoki"]));
    server.stop().await;
}

/// Found by the fuzz driver: a wrong method got an empty answer, and bodies of the wrong shape
/// were described by the server's type names ("struct CommandBody", "RawCommand::Answer").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_methods_and_wrong_shapes_get_errors_in_the_apis_terms() {
    let server = start("shapes").await;
    let (_, codes) = server
        .drill(json!({"scenario": "tutorial", "teams": ["Red"]}))
        .await;
    let token = server.join(&codes[0], "Aoki").await;
    let (status, body) = server
        .call(
            reqwest::Method::PUT,
            "/api/team/queue",
            Some(&token),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body["code"], "method_not_allowed", "{body}");
    for (bad, expected) in [
        (json!("Act"), "expected a JSON object"),
        (
            json!({"command": {"Answer": ["x"]}}),
            "expected Answer with 2 elements",
        ),
        (json!({"command": {"Reply": 3}}), "expected Reply"),
    ] {
        let (status, body) = server.post("/api/team/queue", &token, bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        let message = body["message"].as_str().unwrap();
        assert!(message.contains(expected), "{bad}: {message}");
        assert!(
            !message.contains("struct") && !message.contains("::") && !message.contains("Raw"),
            "{bad}: {message}"
        );
    }
    server.stop().await;
}

/// The team view carries the last turn's changes of the score, each explained, in the view's
/// language.
#[test]
fn the_team_view_explains_the_last_turns_score_changes() {
    use cyberdrill::scenario::model::Lang;
    use cyberdrill::server::views::{Status, TeamContext, team};
    use cyberdrill::session::Session;
    use cyberdrill::session::bots::{self, Scripted};
    let s = tutorial();
    let mut session = Session::new(s.clone(), 1, &["Red"]).unwrap();
    let t = cyberdrill::engine::TeamId(0);
    bots::play(&mut session, t, &mut Scripted::walkthrough(&s), Some(2)).unwrap();
    let ctx = TeamContext {
        drill: "d",
        pacing: "sync",
        status: Status::Running,
        turn_deadline: None,
        turn_left: None,
        drill_deadline: None,
        ready: Vec::new(),
        done: false,
        draft: None,
        announcements: &[],
        version: 1,
        scenario_sha256: "",
    };
    let changes = session.score_changes(t, 2);
    assert!(!changes.is_empty(), "the walkthrough scores in turn 2");
    for lang in [Lang::En, Lang::Ja] {
        let v = team(&session, t, &ctx, lang);
        let listed = v["score_changes"].as_array().unwrap();
        assert_eq!(listed.len(), changes.len());
        for (c, l) in changes.iter().zip(listed) {
            assert_eq!(l["points"], c.points);
            assert_eq!(
                l["text"],
                cyberdrill::report::describe::score_change(&s, c, lang)
            );
        }
    }
}

/// A hint taken in a drill is shown at once (its text in the team view) and cannot be given
/// back; its cost counts when the turn is played.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hint_is_shown_at_once_and_cannot_be_given_back() {
    let server = start("hint-at-once").await;
    let (drill, codes) = server
        .drill(json!({"scenario": "tutorial", "teams": ["Red"], "pacing": "sync"}))
        .await;
    let token = server.join(&codes[0], "Aoki").await;
    server.control(&drill, json!({"action": "start"})).await;
    // Hints are offered from turn 2.
    server.control(&drill, json!({"action": "advance"})).await;
    let view = server.view(&token).await;
    let hint = view["hints"]["offered"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = server
        .post(
            "/api/team/queue",
            &token,
            json!({"command": {"Hint": hint}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let view = server.view(&token).await;
    let shown = &view["hints"]["queued"][0];
    assert_eq!(shown["id"], hint.as_str());
    assert!(!shown["text"].as_str().unwrap().is_empty(), "{view}");
    let (status, body) = server
        .call(
            reqwest::Method::DELETE,
            "/api/team/queue/0",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "hint_shown");
    assert_eq!(
        server.view(&token).await["queued"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    server.stop().await;
}
