//! The real `cyberdrill serve` binary killed with SIGKILL in the middle of a drill — once while
//! paused with input queued, once right as a turn is ending — and started again on the same
//! data directory with the same command: the drill comes back at its last turn written with
//! the queued input, the readiness and the pause; the members' tokens still work; the final
//! log verifies; and the scores are those of the same drill played without a crash.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use cyberdrill::engine::TeamId;
use cyberdrill::replay::{Log, SealReason, verify};
use cyberdrill::scenario::raw::RawCommand;
use cyberdrill::session::Session;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::util::{root, temp_dir};

/// A running `cyberdrill serve` process and what it printed.
struct Proc {
    child: Child,
    base: String,
    token: String,
    drill: String,
    codes: Vec<String>,
}

#[expect(
    clippy::zombie_processes,
    reason = "the child is killed and waited for when its Proc is dropped"
)]
fn serve(data: &Path) -> Proc {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cyberdrill"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--data",
            data.to_str().unwrap(),
            "--drill",
            "scenarios/tutorial.ron",
            "--teams",
            "Red,Blue",
            "--seed",
            "2",
            "--json",
        ])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut codes = Vec::new();
    loop {
        let line = lines.next().expect("the server prints its links").unwrap();
        let v: Value = serde_json::from_str(&line).unwrap();
        if let Some(code) = v["code"].as_str() {
            codes.push(code.to_owned());
        } else {
            return Proc {
                child,
                base: format!("http://{}", v["listen"].as_str().unwrap()),
                token: v["token"].as_str().unwrap().to_owned(),
                drill: v["drill"].as_str().unwrap().to_owned(),
                codes,
            };
        }
    }
}

impl Proc {
    /// SIGKILL: no shutdown, no flush, nothing after the last write.
    fn kill(self) {
        drop(self);
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn call(
    p: &Proc,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new()
        .request(method, format!("{}{path}", p.base))
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn view(p: &Proc, token: &str) -> Value {
    let (s, b) = call(p, reqwest::Method::GET, "/api/team", token, None).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["view"].clone()
}

async fn join(p: &Proc, code: &str, name: &str) -> String {
    let res = reqwest::Client::new()
        .post(format!("{}/api/join", p.base))
        .json(&json!({"code": code, "name": name}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The inputs of the drill: Red plays the walkthrough, Blue a short plan of its own.
fn plan(team: usize, turn: u32) -> Vec<RawCommand> {
    let s = cyberdrill::scenario::load(&root().join("scenarios/tutorial.ron"))
        .unwrap()
        .0;
    if team == 0 {
        s.walkthrough
            .iter()
            .filter(|p| p.turn == turn)
            .flat_map(|p| p.commands.iter().map(|c| s.command_to_raw(c)))
            .collect()
    } else {
        let text = match turn {
            2 => r#"[Act("triage", Alert("edr-macro"))]"#,
            3 => r#"[Act("isolate", Host("pc-01")), Act("analyse-logs", Host("pc-01"))]"#,
            _ => "[]",
        };
        ron::from_str(text).unwrap()
    }
}

async fn queue_turn(p: &Proc, tokens: &[String], turn: u32) {
    for (team, token) in tokens.iter().enumerate() {
        if !view(p, token).await["ended"].is_null() {
            continue;
        }
        for c in plan(team, turn) {
            let (s, b) = call(
                p,
                reqwest::Method::POST,
                "/api/team/queue",
                token,
                Some(json!({"command": c})),
            )
            .await;
            assert_eq!(s, StatusCode::OK, "team {team} turn {turn}: {b}");
        }
    }
}

/// Says every team still playing is ready (again, where a crash may have lost it), until the
/// teams have played `turn`.
async fn finish_turn(p: &Proc, tokens: &[String], turn: u32) {
    for _ in 0..200 {
        let mut all = true;
        for token in tokens {
            let v = view(p, token).await;
            if !v["ended"].is_null() || v["turn"].as_u64().unwrap() >= u64::from(turn) {
                continue;
            }
            all = false;
            if v["team"]["done"] == false {
                call(
                    p,
                    reqwest::Method::POST,
                    "/api/team/ready",
                    token,
                    Some(json!({})),
                )
                .await;
            }
        }
        if all {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("turn {turn} never ended");
}

/// The same drill played without a crash, in process: each team's final score.
fn uninterrupted() -> Vec<i64> {
    let s = Arc::new(
        cyberdrill::scenario::load(&root().join("scenarios/tutorial.ron"))
            .unwrap()
            .0,
    );
    let mut session = Session::new(s.clone(), 2, &["Red", "Blue"]).unwrap();
    while !session.is_over() {
        let next = session.turn(TeamId(0)).max(session.turn(TeamId(1))) + 1;
        for team in 0..2 {
            if session.ending(TeamId(team)).is_none() {
                session.submit_raw(TeamId(team), &plan(team, next)).unwrap();
            }
        }
        session.advance().unwrap();
    }
    (0..2).map(|t| session.scorecard(TeamId(t)).total).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drill_survives_sigkill_and_ends_as_if_nothing_happened() {
    let data = temp_dir("crash");
    let p = serve(&data);
    let drill = p.drill.clone();
    let tokens = vec![
        join(&p, &p.codes[0], "Aoki").await,
        join(&p, &p.codes[1], "Sato").await,
    ];
    let (s, _) = call(
        &p,
        reqwest::Method::POST,
        &format!("/api/drills/{drill}/control"),
        &p.token,
        Some(json!({"action": "start"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    for turn in 1..=2 {
        queue_turn(&p, &tokens, turn).await;
        finish_turn(&p, &tokens, turn).await;
    }

    // Turn 3 planned, Red ready, the drill paused — then killed.
    queue_turn(&p, &tokens, 3).await;
    call(
        &p,
        reqwest::Method::POST,
        "/api/team/ready",
        &tokens[0],
        Some(json!({})),
    )
    .await;
    call(
        &p,
        reqwest::Method::POST,
        &format!("/api/drills/{drill}/control"),
        &p.token,
        Some(json!({"action": "pause"})),
    )
    .await;
    let before: Vec<Value> = vec![view(&p, &tokens[0]).await, view(&p, &tokens[1]).await];
    p.kill();

    let p = serve(&data);
    assert_eq!(p.drill, drill, "the same command finds the same drill");
    for (team, token) in tokens.iter().enumerate() {
        let after = view(&p, token).await;
        for key in ["turn", "queued", "score", "inbox"] {
            assert_eq!(
                after[key], before[team][key],
                "team {team}: {key} after the crash"
            );
        }
        assert_eq!(after["drill"]["status"], "paused");
        assert_eq!(after["team"]["done"], before[team]["team"]["done"]);
    }
    call(
        &p,
        reqwest::Method::POST,
        &format!("/api/drills/{drill}/control"),
        &p.token,
        Some(json!({"action": "resume"})),
    )
    .await;
    finish_turn(&p, &tokens, 3).await;

    // Turn 4: killed right as the last team says it is ready (the turn may be half-written).
    queue_turn(&p, &tokens, 4).await;
    call(
        &p,
        reqwest::Method::POST,
        "/api/team/ready",
        &tokens[0],
        Some(json!({})),
    )
    .await;
    let ready = tokio::spawn({
        let (base, token) = (p.base.clone(), tokens[1].clone());
        async move {
            let _ = reqwest::Client::new()
                .post(format!("{base}/api/team/ready"))
                .bearer_auth(token)
                .json(&json!({}))
                .send()
                .await;
        }
    });
    tokio::time::sleep(Duration::from_millis(2)).await;
    p.kill();
    let _ = ready.await;

    let p = serve(&data);
    finish_turn(&p, &tokens, 4).await;
    let mut turn = 4;
    loop {
        let views = [view(&p, &tokens[0]).await, view(&p, &tokens[1]).await];
        if views.iter().all(|v| !v["ended"].is_null()) {
            break;
        }
        turn += 1;
        queue_turn(&p, &tokens, turn).await;
        finish_turn(&p, &tokens, turn).await;
    }
    let scores: Vec<i64> = [view(&p, &tokens[0]).await, view(&p, &tokens[1]).await]
        .iter()
        .map(|v| v["score"]["total"].as_i64().unwrap())
        .collect();
    assert_eq!(
        scores,
        uninterrupted(),
        "the scores of the drill played without a crash"
    );

    let log = Log::read(&data.join(&drill).join("log.jsonl")).unwrap();
    let scenario = std::fs::read(root().join("scenarios/tutorial.ron")).unwrap();
    let verified = verify(&log, "tutorial", &scenario, None).unwrap();
    assert_eq!(verified.sealed, Some(SealReason::Completed));
    p.kill();
}
