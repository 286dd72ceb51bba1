//! `cyberdrill bot`: a bot seat in a served drill. It joins a team with its code and plays it
//! over the API to the end, following the drill's pacing: it waits while the drill is in the
//! lobby or paused, queues its commands for each turn, says it is done, and waits for the
//! next turn.
//!
//! Policies: `idle`; `walkthrough` (the scenario's reference solution, read from the local
//! copy of the scenario whose SHA-256 the server names); an action file (written like a
//! walkthrough); `random` (random legal actions from the options the server offers, with the
//! bot's own seed).

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rand::rngs::ChaCha8Rng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use super::{EXIT_FAILURE, EXIT_INVALID, EXIT_OK};
use crate::scenario::raw::{RawCommand, RawTarget, RawTurnPlan};

/// Arguments of `cyberdrill bot`.
#[derive(Debug, Clone)]
pub struct BotArgs {
    /// The server's address (`http://host:port`).
    pub server: String,
    /// The team's join code.
    pub join: String,
    /// `idle`, `random`, `walkthrough` or an action file.
    pub policy: String,
    /// The member name the bot joins as.
    pub name: String,
    /// Seed of the random policy.
    pub seed: u64,
    /// Where to find the scenario for `walkthrough`.
    pub scenarios: PathBuf,
}

/// How a bot's game ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotResult {
    /// Team name.
    pub team: String,
    /// The last turn played.
    pub turn: u32,
    /// Score.
    pub score: i64,
    /// Maximum.
    pub max: u64,
    /// `Win`, `Loss`, or empty if the drill ended first.
    pub outcome: String,
}

/// Why a bot stopped early.
#[derive(Debug, thiserror::Error)]
pub enum BotError {
    /// The arguments or files cannot be used.
    #[error("{0}")]
    Invalid(String),
    /// The server refused or could not be reached.
    #[error("{0}")]
    Server(String),
}

enum Plan {
    Idle,
    Random(Box<ChaCha8Rng>),
    /// Commands per turn.
    Scripted(Vec<RawTurnPlan>),
    /// The walkthrough, read once the scenario is known.
    Walkthrough,
}

struct Client {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

impl Client {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, BotError> {
        // A request refused for coming too fast was not acted on: wait and send it again.
        let mut attempt = 0u64;
        let res = loop {
            let mut req = self
                .http
                .request(method.clone(), format!("{}{path}", self.base));
            if let Some(t) = &self.token {
                req = req.bearer_auth(t);
            }
            if let Some(b) = &body {
                req = req.json(b);
            }
            let res = req
                .send()
                .await
                .map_err(|e| BotError::Server(format!("{}: {e}", self.base)))?;
            if res.status() != reqwest::StatusCode::TOO_MANY_REQUESTS || attempt >= 50 {
                break res;
            }
            attempt += 1;
            tokio::time::sleep(std::time::Duration::from_millis(100 * attempt.min(10))).await;
        };
        let status = res.status();
        let value: Value = res.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            Ok(value)
        } else {
            Err(BotError::Server(format!(
                "{status}: {}",
                value["message"].as_str().unwrap_or("no message")
            )))
        }
    }
}

/// Plays a seat to the end; returns how it ended.
pub async fn play(args: &BotArgs) -> Result<BotResult, BotError> {
    let mut plan = match args.policy.as_str() {
        "idle" => Plan::Idle,
        "random" => {
            let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
            rng.set_stream(0x7365_6174);
            Plan::Random(Box::new(rng))
        }
        "walkthrough" => Plan::Walkthrough,
        file => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| BotError::Invalid(format!("cannot read {file}: {e}")))?;
            let plans: Vec<RawTurnPlan> =
                crate::scenario::ron_options()
                    .from_str(&text)
                    .map_err(|e| {
                        BotError::Invalid(format!(
                            "{file}:{}:{}: {}",
                            e.span.start.line, e.span.start.col, e.code
                        ))
                    })?;
            Plan::Scripted(plans)
        }
    };
    let mut client = Client {
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| BotError::Server(e.to_string()))?,
        base: args.server.trim_end_matches('/').to_owned(),
        token: None,
    };
    let joined = client
        .call(
            reqwest::Method::POST,
            "/api/join",
            Some(json!({"code": args.join, "name": args.name})),
        )
        .await?;
    client.token = joined["token"].as_str().map(str::to_owned);
    let mut after: Option<u64> = None;
    let mut queued_for = 0;
    let mut ready_for = 0;
    loop {
        let path = match after {
            Some(v) => format!("/api/team?after={v}&wait=20"),
            None => "/api/team".to_owned(),
        };
        let envelope = client.call(reqwest::Method::GET, &path, None).await?;
        after = envelope["version"].as_u64();
        let view = &envelope["view"];
        let status = view["drill"]["status"].as_str().unwrap_or("");
        if !view["ended"].is_null() || status == "ended" {
            return Ok(BotResult {
                team: view["team"]["name"].as_str().unwrap_or("").to_owned(),
                turn: view["turn"].as_u64().unwrap_or(0) as u32,
                score: view["score"]["total"].as_i64().unwrap_or(0),
                max: view["score"]["max"].as_u64().unwrap_or(0),
                outcome: view["ended"]["outcome"].as_str().unwrap_or("").to_owned(),
            });
        }
        if status != "running" && status != "lobby" {
            continue;
        }
        if view["team"]["done"].as_bool().unwrap_or(false) {
            continue;
        }
        let turn = view["turn"].as_u64().unwrap_or(0) as u32 + 1;
        if queued_for != turn {
            if let Plan::Walkthrough = plan {
                plan = Plan::Scripted(walkthrough(view, &args.scenarios)?);
            }
            for command in decide(&mut plan, view, turn) {
                // A command the rules refuse now is skipped, as the engine would.
                match client
                    .call(
                        reqwest::Method::POST,
                        "/api/team/queue",
                        Some(json!({"command": command})),
                    )
                    .await
                {
                    Ok(_) => {}
                    Err(BotError::Server(m)) if m.starts_with("422") => {}
                    Err(e) => return Err(e),
                }
            }
            queued_for = turn;
        }
        // Ready once per turn: a teammate who is not ready yet is waited for, not nagged.
        if status == "running" && ready_for != turn {
            match client
                .call(
                    reqwest::Method::POST,
                    "/api/team/ready",
                    Some(json!({"ready": true})),
                )
                .await
            {
                Ok(_) => ready_for = turn,
                // Paused or ended in between: the next view says which.
                Err(BotError::Server(m)) if m.starts_with("409") => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// The scenario's walkthrough, as written commands, from the local file with the SHA-256
/// the server names.
fn walkthrough(view: &Value, dir: &Path) -> Result<Vec<RawTurnPlan>, BotError> {
    let id = view["scenario"]["id"].as_str().unwrap_or("");
    let sha = view["scenario"]["sha256"].as_str().unwrap_or("");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| BotError::Invalid(format!("{}: {e}", dir.display())))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    for f in files {
        // Regular files only: a named pipe among them would block.
        let Ok(bytes) =
            crate::files::read_input(&f, crate::scenario::limits::MAX_FILE_BYTES, "a scenario")
        else {
            continue;
        };
        if crate::replay::record::sha256_hex(&bytes) != sha {
            continue;
        }
        let checked = crate::scenario::check_bytes(&f.display().to_string(), &bytes);
        let Some(s) = checked.scenario else {
            continue;
        };
        return Ok(s
            .walkthrough
            .iter()
            .map(|p| RawTurnPlan {
                turn: p.turn,
                actions: p.commands.iter().map(|c| s.command_to_raw(c)).collect(),
            })
            .collect());
    }
    Err(BotError::Invalid(format!(
        "the walkthrough needs the drill's scenario `{id}` (SHA-256 {sha}); it is not in {} (pass --scenarios DIR)",
        dir.display()
    )))
}

fn below(rng: &mut ChaCha8Rng, n: usize) -> usize {
    ((u64::from(rng.next_u32()) * n as u64) >> 32) as usize
}

/// The commands for `turn`.
fn decide(plan: &mut Plan, view: &Value, turn: u32) -> Vec<RawCommand> {
    match plan {
        Plan::Idle | Plan::Walkthrough => Vec::new(),
        Plan::Scripted(plans) => plans
            .iter()
            .filter(|p| p.turn == turn)
            .flat_map(|p| p.actions.iter().cloned())
            .collect(),
        Plan::Random(rng) => random(rng, view),
    }
}

/// Random legal commands from the server's options: each open question answered half of the
/// time, then up to eight affordable actions on random legal targets.
fn random(rng: &mut ChaCha8Rng, view: &Value) -> Vec<RawCommand> {
    let mut out = Vec::new();
    let empty = Vec::new();
    for item in view["inbox"].as_array().unwrap_or(&empty) {
        let q = &item["question"];
        if item["kind"] == "message"
            && q.is_object()
            && q["answer"].is_null()
            && q["expired"] == false
            && below(rng, 2) == 0
        {
            let choices = q["choices"].as_array().unwrap_or(&empty);
            if !choices.is_empty() {
                let c = &choices[below(rng, choices.len())];
                out.push(RawCommand::Answer(
                    item["id"].as_str().unwrap_or("").to_owned(),
                    c["id"].as_str().unwrap_or("").to_owned(),
                ));
            }
        }
    }
    let mut budget = view["effort"]["available"].as_u64().unwrap_or(0);
    let options = view["options"].as_array().unwrap_or(&empty);
    let mut chosen: Vec<(String, Value)> = Vec::new();
    for _ in 0..8 {
        if budget == 0 || below(rng, 4) == 0 {
            break;
        }
        let affordable: Vec<&Value> = options
            .iter()
            .filter(|o| o["cost"].as_u64().is_some_and(|c| c <= budget))
            .collect();
        if affordable.is_empty() {
            break;
        }
        let o = affordable[below(rng, affordable.len())];
        let action = o["action"].as_str().unwrap_or("").to_owned();
        let targets: Vec<&Value> = o["targets"]
            .as_array()
            .unwrap_or(&empty)
            .iter()
            .map(|t| &t["target"])
            .filter(|t| !chosen.contains(&(action.clone(), (*t).clone())))
            .collect();
        if targets.is_empty() {
            continue;
        }
        let t = targets[below(rng, targets.len())].clone();
        let target = if t == "Findings" {
            findings(rng, view)
        } else {
            serde_json::from_value::<RawTarget>(t.clone()).ok()
        };
        let Some(target) = target else {
            continue;
        };
        budget -= o["cost"].as_u64().unwrap_or(0);
        chosen.push((action.clone(), t));
        out.push(RawCommand::Act(action, target));
    }
    out
}

/// A findings report from what the team's view shows: a random entry vector, the hosts it
/// believes compromised, the turn of its first alert.
fn findings(rng: &mut ChaCha8Rng, view: &Value) -> Option<RawTarget> {
    let empty = Vec::new();
    let entries = view["findings_form"]["entry_vectors"].as_array()?;
    if entries.is_empty() {
        return None;
    }
    let entry = entries[below(rng, entries.len())]["id"]
        .as_str()?
        .to_owned();
    let hosts = view["hosts"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .filter(|h| h["status"] == "compromised")
        .filter_map(|h| h["id"].as_str().map(str::to_owned))
        .collect();
    let first_turn = view["inbox"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .filter(|i| i["kind"] == "alert")
        .filter_map(|i| i["turn"].as_u64())
        .min()
        .unwrap_or(1) as u32;
    let causes = view["findings_form"]["root_causes"]
        .as_array()
        .unwrap_or(&empty);
    let root_cause = (!causes.is_empty())
        .then(|| {
            causes[below(rng, causes.len())]["id"]
                .as_str()
                .map(str::to_owned)
        })
        .flatten();
    Some(RawTarget::Findings {
        entry,
        hosts,
        data: Vec::new(),
        first_turn: first_turn.max(1),
        root_cause,
    })
}

/// Runs the command.
pub fn run(args: &BotArgs, out: &mut dyn Write) -> io::Result<u8> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    match runtime.block_on(play(args)) {
        Ok(r) => {
            writeln!(
                out,
                "{}: {} — score {} / {} after turn {}",
                r.team,
                if r.outcome.is_empty() {
                    "the drill ended"
                } else {
                    r.outcome.as_str()
                },
                r.score,
                r.max,
                r.turn
            )?;
            Ok(EXIT_OK)
        }
        Err(BotError::Invalid(e)) => {
            eprintln!("error: {e}");
            Ok(EXIT_INVALID)
        }
        Err(BotError::Server(e)) => {
            eprintln!("error: {e}");
            Ok(EXIT_FAILURE)
        }
    }
}
