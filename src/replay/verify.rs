//! Verifying a log: the hash chain holds, the scenario file is the one recorded, and
//! re-simulating every turn from the header and the recorded commands gives every recorded
//! event and state digest, byte for byte. The first problem in file order is reported.

use std::sync::Arc;

use super::ReplayError;
use super::read::Log;
use super::record::{TurnLine, TurnRecord, sha256_hex};
use crate::engine::{Engine, TeamId};
use crate::scenario::validate::resolve_command;
use crate::scenario::{self, Scenario};

/// What a verified log contains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Lines, the header included.
    pub lines: usize,
    /// Teams.
    pub teams: usize,
    /// Team-turns.
    pub turns: usize,
    /// The last turn any team reached.
    pub last_turn: u32,
}

/// A re-simulated log: the engine in the state after the last line replayed, and the record
/// of every turn.
pub struct Resimulated {
    /// The engine, one team per team of the log.
    pub engine: Engine,
    /// Every turn replayed, in log order.
    pub history: Vec<TurnRecord>,
    /// Lines replayed, the header included.
    pub lines: usize,
}

/// Loads the scenario a log was recorded with from `bytes`, checking its digest.
pub fn scenario_for(log: &Log, file: &str, bytes: &[u8]) -> Result<Arc<Scenario>, ReplayError> {
    let expected = &log.header.value.scenario;
    let found = sha256_hex(bytes);
    if found != expected.sha256 {
        return Err(ReplayError::WrongScenario {
            file: file.to_owned(),
            id: expected.id.clone(),
            expected: expected.sha256.clone(),
            found,
        });
    }
    let checked = scenario::check_bytes(file, bytes);
    match checked.scenario {
        Some(s) => Ok(Arc::new(s)),
        None => Err(ReplayError::Scenario {
            file: file.to_owned(),
            message: format!(
                "it has {} error(s); run `cyberdrill check {file}`",
                checked.errors()
            ),
        }),
    }
}

/// Re-simulates the log's turn lines (those up to `up_to` turn, if given), checking the chain
/// and every line against the re-simulation.
pub fn resimulate(
    log: &Log,
    s: &Arc<Scenario>,
    up_to: Option<u32>,
) -> Result<Resimulated, ReplayError> {
    let header = &log.header.value;
    if !header.prev.is_empty() {
        return Err(ReplayError::Corrupt {
            line: 1,
            message: "the header's `prev` must be empty".into(),
        });
    }
    let mut engine = Engine::new(s.clone());
    for _ in &header.teams {
        engine.add_team(header.seed);
    }
    let mut history = Vec::with_capacity(log.turns.len());
    let mut expected = Vec::new();
    let mut prev_hash = sha256_hex(&log.header.bytes);
    let mut lines = 1;
    for line in &log.turns {
        let t = &line.value;
        if t.prev != prev_hash {
            return Err(ReplayError::BrokenChain { line: line.number });
        }
        prev_hash = sha256_hex(&line.bytes);
        if up_to.is_some_and(|limit| t.turn > limit) {
            continue;
        }
        lines += 1;
        if t.team >= engine.team_count() {
            return Err(ReplayError::NoTeam {
                line: line.number,
                team: t.team,
            });
        }
        let team = TeamId(t.team);
        let expected_turn = engine.turn(team) + 1;
        if t.turn != expected_turn || engine.ending(team).is_some() {
            return Err(ReplayError::OutOfOrder {
                line: line.number,
                team: t.team,
                expected: expected_turn,
                found: t.turn,
            });
        }
        let commands = t
            .actions
            .iter()
            .map(|c| resolve_command(s, c))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ReplayError::BadAction {
                line: line.number,
                team: t.team,
                turn: t.turn,
                message: e.message,
            })?;
        let start = engine.events(team).len();
        let commands_for_record = commands.clone();
        engine.submit(team, commands);
        engine.step(&[team]);
        let record = TurnRecord {
            team: t.team,
            turn: t.turn,
            actions: commands_for_record,
            events: start..engine.events(team).len(),
            digest: engine.digest(team),
        };
        expected.clear();
        record.write_line(s, engine.events(team), &t.prev, &mut expected);
        if expected != line.bytes {
            let simulated = record.line(s, engine.events(team), &t.prev);
            return Err(difference(
                line.number,
                t,
                &simulated,
                &line.bytes,
                &expected,
            ));
        }
        history.push(record);
    }
    Ok(Resimulated {
        engine,
        history,
        lines,
    })
}

/// Names the first difference between a recorded line and its re-simulation.
fn difference(
    number: usize,
    recorded: &TurnLine,
    simulated: &TurnLine,
    bytes: &[u8],
    expected: &[u8],
) -> ReplayError {
    let diverged = |what: &str, r: String, s: String| ReplayError::Diverged {
        line: number,
        team: recorded.team,
        turn: recorded.turn,
        what: what.to_owned(),
        recorded: r,
        simulated: s,
    };
    let n = recorded.events.len().max(simulated.events.len());
    for i in 0..n {
        let (r, s) = (recorded.events.get(i), simulated.events.get(i));
        if r != s {
            let show = |e: Option<&super::EventRecord>| {
                e.map_or_else(
                    || "(none)".to_owned(),
                    |e| serde_json::to_string(e).unwrap_or_default(),
                )
            };
            return diverged(&format!("events (event {})", i + 1), show(r), show(s));
        }
    }
    if recorded.digest != simulated.digest {
        return diverged(
            "state digests",
            recorded.digest.clone(),
            simulated.digest.clone(),
        );
    }
    diverged(
        "bytes of the line",
        String::from_utf8_lossy(bytes).into_owned(),
        String::from_utf8_lossy(expected).into_owned(),
    )
}

/// Verifies a whole log against the scenario file's bytes (`file` names it in messages).
pub fn verify(log: &Log, file: &str, scenario_bytes: &[u8]) -> Result<Verified, ReplayError> {
    let s = scenario_for(log, file, scenario_bytes)?;
    let resim = resimulate(log, &s, None)?;
    if let Some(line) = log.truncated {
        return Err(ReplayError::Truncated {
            line,
            complete: line - 1,
        });
    }
    Ok(Verified {
        lines: resim.lines,
        teams: log.header.value.teams.len(),
        turns: resim.history.len(),
        last_turn: resim.history.iter().map(|r| r.turn).max().unwrap_or(0),
    })
}
