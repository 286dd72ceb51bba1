//! Load benchmark of `cyberdrill serve`, on loopback, bounded in count and time.
//!
//! 1. A room: one drill of 30 teams × 4 members playing `municipal-breach` (its walkthrough)
//!    to the end, every member on a WebSocket like a browser. Per turn it measures, for every
//!    client, the time from the last "end turn" (the request that ends the turn for the room)
//!    to that client receiving the view of the new turn; then the server's peak memory.
//! 2. Capacity: more drills of 30 teams × 4 on the same server, each playing three turns at
//!    the same time, doubling until the p99 passes 100 ms (or 16 drills, or two minutes).
//!
//! Run `cargo bench --bench room`; the figures are recorded in docs/benchmarks.md. The server
//! is the real binary in its own process, so its memory is its own.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::watch;

const MEMBERS: usize = 4;
const TEAMS: usize = 30;

/// Where the server is, and the facilitator's token.
#[derive(Clone)]
struct Addr {
    base: String,
    token: String,
}

struct Server {
    child: Child,
    addr: Addr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(data: &std::path::Path) -> Server {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut child = Command::new(env!("CARGO_BIN_EXE_cyberdrill"))
        .args(["serve", "--listen", "127.0.0.1:0", "--json", "--data"])
        .arg(data)
        .arg("--scenarios")
        .arg(format!("{root}/scenarios"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts");
    let line = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .next()
        .unwrap()
        .unwrap();
    let v: Value = serde_json::from_str(&line).unwrap();
    Server {
        addr: Addr {
            base: format!("http://{}", v["listen"].as_str().unwrap()),
            token: v["token"].as_str().unwrap().to_owned(),
        },
        child,
    }
}

/// Peak and current resident memory of a process, in MiB.
fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

#[derive(Deserialize)]
struct Envelope {
    view: Turn,
}

#[derive(Deserialize)]
struct Turn {
    turn: u32,
}

struct Member {
    token: String,
    /// The last turn this member's WebSocket has shown.
    seen: watch::Receiver<(u32, Instant)>,
}

struct Drill {
    id: String,
    /// Per team, its members.
    teams: Vec<Vec<Member>>,
}

async fn post(http: &reqwest::Client, url: String, token: &str, body: Value) -> Value {
    let res = http
        .post(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("the server answers");
    let status = res.status();
    let v: Value = res.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{status}: {v}");
    v
}

async fn open_drill(server: &Addr, http: &reqwest::Client) -> Drill {
    let teams: Vec<String> = (0..TEAMS).map(|i| format!("Team {i:02}")).collect();
    let created = post(
        http,
        format!("{}/api/drills", server.base),
        &server.token,
        json!({"scenario": "municipal-breach", "teams": teams, "seed": 1}),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let mut out = Vec::new();
    for t in created["teams"].as_array().unwrap() {
        let code = t["code"].as_str().unwrap();
        let mut members = Vec::new();
        for m in 0..MEMBERS {
            let joined = http
                .post(format!("{}/api/join", server.base))
                .json(&json!({"code": code, "name": format!("member {m}")}))
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap();
            let token = joined["token"].as_str().unwrap().to_owned();
            let url = format!(
                "{}/api/team/ws?token={token}",
                server.base.replace("http://", "ws://")
            );
            let (mut socket, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
            let (tx, rx) = watch::channel((0u32, Instant::now()));
            tokio::spawn(async move {
                while let Some(Ok(msg)) = socket.next().await {
                    if let tokio_tungstenite::tungstenite::Message::Text(t) = msg
                        && let Ok(e) = serde_json::from_str::<Envelope>(&t)
                        && e.view.turn != tx.borrow().0
                    {
                        let _ = tx.send((e.view.turn, Instant::now()));
                    }
                }
            });
            members.push(Member { token, seen: rx });
        }
        out.push(members);
    }
    Drill { id, teams: out }
}

/// The walkthrough's commands for a turn.
fn plan(turn: u32) -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/municipal-breach.ron"
    );
    let s = cyberdrill::scenario::load(std::path::Path::new(path))
        .unwrap()
        .0;
    s.walkthrough
        .iter()
        .filter(|p| p.turn == turn)
        .flat_map(|p| {
            p.commands
                .iter()
                .map(|c| serde_json::to_value(s.command_to_raw(c)).unwrap())
        })
        .collect()
}

/// Plays one turn of a drill; answers each client's latency from the last "end turn" to its
/// view of the new turn (ms), or None if the drill is over.
async fn play_turn(
    server: &Addr,
    http: &reqwest::Client,
    drill: &Drill,
    turn: u32,
) -> Option<Vec<f64>> {
    let view: Value = http
        .get(format!("{}/api/team", server.base))
        .bearer_auth(&drill.teams[0][0].token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    if !view["view"]["ended"].is_null() || view["view"]["drill"]["status"] == "ended" {
        return None;
    }
    let commands = plan(turn);
    let mut queued = Vec::new();
    for team in &drill.teams {
        for c in &commands {
            let url = format!("{}/api/team/queue", server.base);
            let token = team[0].token.clone();
            let http = http.clone();
            let c = c.clone();
            queued.push(tokio::spawn(async move {
                // A walkthrough step the rules refuse now is skipped, as the engine would.
                let _ = http
                    .post(url)
                    .bearer_auth(token)
                    .json(&json!({"command": c}))
                    .send()
                    .await;
            }));
        }
    }
    for q in queued {
        q.await.unwrap();
    }
    // Everyone but the very last member says they are done...
    let members: Vec<&Member> = drill.teams.iter().flatten().collect();
    let (last, rest) = members.split_last().unwrap();
    let mut readies = Vec::new();
    for m in rest {
        let url = format!("{}/api/team/ready", server.base);
        let (http, token) = (http.clone(), m.token.clone());
        readies.push(tokio::spawn(async move {
            post(&http, url, &token, json!({})).await;
        }));
    }
    for r in readies {
        r.await.unwrap();
    }
    // ... and the last one ends the turn for the room.
    let t0 = Instant::now();
    post(
        http,
        format!("{}/api/team/ready", server.base),
        &last.token,
        json!({}),
    )
    .await;
    let mut latencies = Vec::with_capacity(members.len());
    for m in &members {
        let mut seen = m.seen.clone();
        let (_, at) =
            *tokio::time::timeout(Duration::from_secs(30), seen.wait_for(|(t, _)| *t >= turn))
                .await
                .expect("every client gets the new turn within 30 s")
                .unwrap();
        latencies.push(at.saturating_duration_since(t0).as_secs_f64() * 1000.0);
    }
    Some(latencies)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn summary(mut all: Vec<f64>) -> (f64, f64, f64, usize) {
    all.sort_by(f64::total_cmp);
    (
        percentile(&all, 0.5),
        percentile(&all, 0.99),
        all.last().copied().unwrap_or(0.0),
        all.len(),
    )
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let data = std::env::temp_dir().join(format!("cyberdrill-room-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data);
        let process = start_server(&data);
        let pid = process.child.id();
        let server = process.addr.clone();
        let http = reqwest::Client::new();
        println!("cyberdrill serve load benchmark (loopback, real binary, WebSocket clients)");

        // 1. One room of 30 teams × 4 members, to the end.
        let (idle_peak, _) = memory(pid);
        let drill = open_drill(&server, &http).await;
        post(&http, format!("{}/api/drills/{}/control", server.base, drill.id), &server.token, json!({"action": "start"})).await;
        let mut all = Vec::new();
        let mut turn = 1;
        let started = Instant::now();
        while let Some(l) = play_turn(&server, &http, &drill, turn).await {
            all.extend(l);
            turn += 1;
        }
        let (p50, p99, max, n) = summary(all);
        let (peak, rss) = memory(pid);
        println!(
            "room: {TEAMS} teams × {MEMBERS} members, municipal-breach to the end ({} turns, {:.1} s): \
             new turn on every client after the last end-turn: p50 {p50:.1} ms, p99 {p99:.1} ms, max {max:.1} ms ({n} samples); \
             server memory: {idle_peak:.1} MiB idle, {rss:.1} MiB now, {peak:.1} MiB peak",
            turn - 1,
            started.elapsed().as_secs_f64()
        );

        // 2. Capacity: more 30-team drills at once, three turns each.
        let budget = Instant::now();
        let mut drills = 1;
        let mut best = 0;
        while drills <= 16 && budget.elapsed() < Duration::from_secs(120) {
            let mut opened = Vec::new();
            for _ in 0..drills {
                let d = open_drill(&server, &http).await;
                post(&http, format!("{}/api/drills/{}/control", server.base, d.id), &server.token, json!({"action": "start"})).await;
                opened.push(Arc::new(d));
            }
            let samples = Arc::new(Mutex::new(Vec::new()));
            for turn in 1..=3 {
                let mut tasks = Vec::new();
                for d in &opened {
                    let (d, http, server, samples) = (d.clone(), http.clone(), server.clone(), samples.clone());
                    tasks.push(tokio::spawn(async move {
                        if let Some(l) = play_turn(&server, &http, &d, turn).await {
                            samples.lock().unwrap().extend(l);
                        }
                    }));
                }
                for t in tasks {
                    t.await.unwrap();
                }
            }
            let (p50, p99, _, n) = summary(samples.lock().unwrap().clone());
            let (peak, _) = memory(pid);
            println!(
                "capacity: {drills} drill(s) at once = {} teams, {} clients: p50 {p50:.1} ms, p99 {p99:.1} ms ({n} samples), server peak {peak:.1} MiB",
                drills * TEAMS,
                drills * TEAMS * MEMBERS
            );
            if p99 >= 100.0 {
                break;
            }
            best = drills * TEAMS;
            drills *= 2;
        }
        println!("most teams carried with p99 under 100 ms: {best} (in drills of {TEAMS})");
        drop(process);
        let _ = std::fs::remove_dir_all(&data);
    });
}
