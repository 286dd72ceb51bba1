//! `cyberdrill serve`: starts the drill server, optionally opening the day's drill, and prints
//! the facilitator's link and each team's join code.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::PathBuf;

use super::{EXIT_FAILURE, EXIT_INVALID, EXIT_OK};
use crate::scenario::model::Lang;
use crate::server::store::Pacing;
use crate::server::{DrillSpec, ServeConfig};

/// Arguments of `cyberdrill serve`.
#[derive(Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Data directory.
    pub data: PathBuf,
    /// Scenarios folder.
    pub scenarios: PathBuf,
    /// The address people use to reach the server, for printed links.
    pub public_url: Option<String>,
    /// The drill to open now, if any: its scenario file.
    pub drill: Option<PathBuf>,
    /// Team names (comma-separated).
    pub teams: Option<String>,
    /// Seed.
    pub seed: u64,
    /// Pacing.
    pub pacing: Pacing,
    /// Seconds per turn.
    pub turn_seconds: Option<u32>,
    /// Minutes for the whole drill.
    pub time_limit: Option<u32>,
    /// Language.
    pub lang: Lang,
    /// Most members per team.
    pub max_members: u32,
    /// JSON lines instead of text.
    pub json: bool,
}

/// Runs the command until Ctrl-C (or SIGTERM).
pub fn run(args: &ServeArgs, out: &mut dyn Write) -> io::Result<u8> {
    let spec = match (&args.drill, &args.teams) {
        (Some(_), Some(teams)) => Some(DrillSpec {
            scenario: String::new(),
            seed: args.seed,
            teams: teams
                .split(',')
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect(),
            pacing: args.pacing,
            turn_seconds: args.turn_seconds,
            time_limit_seconds: args.time_limit.map(|m| m * 60),
            lang: args.lang,
            max_members: args.max_members,
        }),
        (Some(_), None) => {
            eprintln!("error: --drill needs --teams \"Red,Blue,…\"");
            return Ok(EXIT_INVALID);
        }
        (None, Some(_)) => {
            eprintln!("error: --teams goes with --drill SCENARIO");
            return Ok(EXIT_INVALID);
        }
        (None, None) => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(args, spec, out))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

async fn serve(args: &ServeArgs, spec: Option<DrillSpec>, out: &mut dyn Write) -> io::Result<u8> {
    let config = ServeConfig {
        listen: args.listen,
        data: args.data.clone(),
        scenarios: args.scenarios.clone(),
        public_url: args.public_url.clone(),
    };
    let running = match crate::server::start(config, shutdown_signal()).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(EXIT_FAILURE);
        }
    };
    for (id, why) in &running.unrecovered {
        eprintln!("warning: drill {id} could not be brought back: {why}");
    }
    if !args.listen.ip().is_loopback() {
        eprintln!(
            "warning: listening on {} — anyone who can reach this machine on that network can open the join and sign-in pages; use it only on the training room's own network",
            running.addr
        );
    }
    let state = running.state.clone();
    let created = match (&args.drill, &spec) {
        (Some(file), Some(spec)) => {
            let found = state.find_same(file, spec).await;
            let result = match found {
                Some(c) => Ok((c, true)),
                None => state.create_drill(file, spec).await.map(|c| (c, false)),
            };
            match result {
                Ok(c) => Some(c),
                Err(e) => {
                    eprintln!("error: {}: {}", file.display(), e.message);
                    if let Some(details) = &e.details {
                        eprintln!("{details}");
                    }
                    let _ = running.stop().await;
                    return Ok(EXIT_INVALID);
                }
            }
        }
        _ => None,
    };
    let facilitator = state.facilitator_url(&running.facilitator_token);
    let key = crate::replay::sign::public_hex(&state.key);
    if args.json {
        if let Some((c, _)) = &created {
            for t in &c.teams {
                writeln!(out, "{}", serde_json::to_string(t).unwrap_or_default())?;
            }
        }
        writeln!(
            out,
            "{}",
            serde_json::json!({
                "facilitator": facilitator,
                "token": running.facilitator_token,
                "listen": running.addr.to_string(),
                "drill": created.as_ref().map(|(c, _)| c.id.clone()),
                "key": key,
            })
        )?;
    } else {
        writeln!(
            out,
            "cyberdrill serve: listening on http://{} (data in {})",
            running.addr,
            args.data.display()
        )?;
        writeln!(
            out,
            "Facilitator (keep this link to yourself): {facilitator}"
        )?;
        if let Some((c, resumed)) = &created {
            writeln!(
                out,
                "{} drill {} — join codes:",
                if *resumed { "Resumed" } else { "Opened" },
                c.id
            )?;
            let width = c
                .teams
                .iter()
                .map(|t| t.team.chars().count())
                .max()
                .unwrap_or(0);
            for t in &c.teams {
                let pad = width - t.team.chars().count();
                writeln!(
                    out,
                    "  {}{}  {}  {}",
                    t.team,
                    " ".repeat(pad),
                    t.code,
                    t.url
                )?;
            }
        }
        let others =
            state.drills.read().map(|d| d.len()).unwrap_or(0) - usize::from(created.is_some());
        if others > 0 {
            writeln!(
                out,
                "{others} other drill(s) in the data directory are open too."
            )?;
        }
        writeln!(out, "Logs are sealed with the server's key {key}.")?;
        writeln!(
            out,
            "Ctrl-C stops the server; every drill comes back where it was when it starts again."
        )?;
    }
    out.flush()?;
    match running.wait().await {
        Ok(()) => Ok(EXIT_OK),
        Err(e) => {
            eprintln!("error: {e}");
            Ok(EXIT_FAILURE)
        }
    }
}
