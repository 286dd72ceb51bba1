//! Verifying a log: the hash chain holds, the scenario file is the one recorded, the header
//! fits the scenario, and re-simulating every line from the header and the recorded inputs
//! (commands, facilitator interventions) gives every recorded event and state digest, byte for
//! byte; in format 2 the seal closes the log and its signature, if any, holds. The first
//! problem in file order is reported.

use std::sync::Arc;

use super::ReplayError;
use super::read::{Entry as Line, Log};
use super::record::{
    Entry, FacilitatorRecord, Header, RULES, RawIntervention, SealReason, TurnLine, TurnRecord,
    line_bytes, sha256_hex, start_digest,
};
use crate::engine::{Engine, Intervention, NewMessage, TeamId};
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
    /// The log's format.
    pub format: u32,
    /// Why the session ended (format 2).
    pub sealed: Option<SealReason>,
    /// The public key (hex) that signed the seal, if it is signed.
    pub signed_by: Option<String>,
}

/// A re-simulated log: the engine in the state after the last line replayed, and the record
/// of every line replayed.
pub struct Resimulated {
    /// The engine, one team per team of the log.
    pub engine: Engine,
    /// Every entry replayed, in log order.
    pub history: Vec<Entry>,
    /// Lines replayed, the header included.
    pub lines: usize,
    /// The seal, if the log has one and it was reached.
    pub sealed: Option<(usize, super::record::SealLine)>,
}

impl Resimulated {
    /// The turn records replayed, in log order.
    pub fn turns(&self) -> impl Iterator<Item = &TurnRecord> {
        self.history.iter().filter_map(|e| match e {
            Entry::Turn(t) => Some(t),
            _ => None,
        })
    }
}

/// Loads the scenario a log was recorded with from `bytes`, checking its digest.
pub fn scenario_for(log: &Log, file: &str, bytes: &[u8]) -> Result<Arc<Scenario>, ReplayError> {
    scenario_for_header(&log.header.value, file, bytes)
}

/// [`scenario_for`] from the log's header alone.
pub fn scenario_for_header(
    header: &Header,
    file: &str,
    bytes: &[u8],
) -> Result<Arc<Scenario>, ReplayError> {
    let expected = &header.scenario;
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

/// Checks that the line after the header chains to it, so that an edited header is named as
/// such before the scenario file is looked for (the other links are checked line by line as
/// the log is re-simulated, so that a changed line is named with what changed in it).
fn check_header_link(log: &Log) -> Result<(), ReplayError> {
    match log.entries.first() {
        Some(line) if line.value.prev() != sha256_hex(&log.header.bytes) => {
            Err(ReplayError::BrokenChain { line: line.number })
        }
        _ => Ok(()),
    }
}

/// Re-simulates the log's lines (up to the state after turn `up_to`, if given), checking the
/// chain, the header and every line against the re-simulation.
///
/// With `up_to = N`: turn lines up to turn N, facilitator interventions made before turn N,
/// and members and announcements recorded before the first line left out.
pub fn resimulate(
    log: &Log,
    s: &Arc<Scenario>,
    up_to: Option<u32>,
) -> Result<Resimulated, ReplayError> {
    replay(log, s, up_to)
}

fn check_header(log: &Log, s: &Scenario) -> Result<(), ReplayError> {
    let h = &log.header.value;
    if h.scenario.id != s.id {
        return Err(ReplayError::Header {
            message: format!(
                "the header names scenario `{}`, but the scenario file is `{}`",
                h.scenario.id.escape_debug(),
                s.id
            ),
        });
    }
    if h.format >= 2 {
        let rules = h.rules.unwrap_or_default();
        if !(crate::engine::OLDEST_RULES..=RULES).contains(&rules) {
            return Err(ReplayError::Rules { found: rules });
        }
        if h.start.as_deref() != Some(start_digest(s, h.seed).as_str()) {
            return Err(ReplayError::Header {
                message: "`start` is not the digest of the scenario's world with this seed: the seed or the header was changed".into(),
            });
        }
    }
    Ok(())
}

fn replay(log: &Log, s: &Arc<Scenario>, up_to: Option<u32>) -> Result<Resimulated, ReplayError> {
    check_header(log, s)?;
    let header = &log.header.value;
    let v1 = header.format == 1;
    // Format 1 predates rules revisions: its logs were played by the first rules.
    let rules = header.rules.unwrap_or(1);
    let mut engine =
        Engine::with_rules(s.clone(), rules).ok_or(ReplayError::Rules { found: rules })?;
    for _ in &header.teams {
        engine.add_team(header.seed);
    }
    let mut members: Vec<Vec<String>> = vec![Vec::new(); header.teams.len()];
    let mut history = Vec::with_capacity(log.entries.len());
    let mut expected = Vec::new();
    let mut lines = 1;
    let mut left_out = false;
    let mut sealed = None;
    let mut prev_hash = sha256_hex(&log.header.bytes);
    for line in &log.entries {
        let number = line.number;
        if line.value.prev() != prev_hash {
            return Err(ReplayError::BrokenChain { line: number });
        }
        prev_hash = sha256_hex(&line.bytes);
        if sealed.is_some() {
            return Err(ReplayError::Corrupt {
                line: number,
                message: "a line after the seal".into(),
            });
        }
        let team_of = |team: usize, engine: &Engine| {
            if team >= engine.team_count() {
                Err(ReplayError::NoTeam { line: number, team })
            } else {
                Ok(TeamId(team))
            }
        };
        match &line.value {
            Line::Turn(t) => {
                if up_to.is_some_and(|limit| t.turn > limit) {
                    left_out = true;
                    continue;
                }
                let team = team_of(t.team, &engine)?;
                let expected_turn = engine.turn(team) + 1;
                if t.turn != expected_turn || engine.ending(team).is_some() {
                    return Err(ReplayError::OutOfOrder {
                        line: number,
                        team: t.team,
                        expected: expected_turn,
                        found: t.turn,
                    });
                }
                if !t.by.is_empty() {
                    if t.by.len() != t.actions.len() {
                        return Err(ReplayError::Corrupt {
                            line: number,
                            message: format!(
                                "`by` names {} people for {} commands",
                                t.by.len(),
                                t.actions.len()
                            ),
                        });
                    }
                    if let Some(who) = t.by.iter().find(|n| !members[t.team].contains(n)) {
                        return Err(ReplayError::Corrupt {
                            line: number,
                            message: format!(
                                "`by` names `{}`, who has not joined team {}",
                                who.escape_debug(),
                                t.team
                            ),
                        });
                    }
                }
                let commands = t
                    .actions
                    .iter()
                    .map(|c| resolve_command(s, c))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| ReplayError::BadAction {
                        line: number,
                        team: t.team,
                        turn: t.turn,
                        message: e.message,
                    })?;
                let start = engine.events(team).len();
                engine.submit(team, commands.iter().cloned());
                engine.step(&[team]);
                let mut record = TurnRecord {
                    team: t.team,
                    turn: t.turn,
                    actions: commands,
                    by: t.by.clone(),
                    events: start..engine.events(team).len(),
                    digest: Some(if v1 {
                        engine.digest_v1(team)
                    } else {
                        engine.digest(team)
                    }),
                };
                expected.clear();
                record.write_line(s, engine.events(team), &t.prev, &mut expected);
                if expected != line.bytes {
                    let simulated = record.line(s, engine.events(team), &t.prev);
                    return Err(difference(number, t, &simulated, &line.bytes, &expected));
                }
                if v1 {
                    // Branches are recorded in the current format.
                    record.digest = Some(engine.digest(team));
                }
                history.push(Entry::Turn(record));
            }
            Line::Member(m) => {
                team_of(m.team, &engine)?;
                if m.name.trim().is_empty() {
                    return Err(ReplayError::Corrupt {
                        line: number,
                        message: "a member without a name".into(),
                    });
                }
                if left_out {
                    continue;
                }
                if !members[m.team].contains(&m.name) {
                    members[m.team].push(m.name.clone());
                }
                history.push(Entry::Member {
                    team: m.team,
                    name: m.name.clone(),
                });
            }
            Line::Announcement(a) => {
                if !left_out {
                    history.push(Entry::Announcement(a.text.clone()));
                }
            }
            Line::Facilitator(f) => {
                if up_to.is_some_and(|limit| f.turn >= limit) {
                    left_out = true;
                    continue;
                }
                let team = team_of(f.team, &engine)?;
                if f.turn != engine.turn(team) {
                    return Err(ReplayError::Corrupt {
                        line: number,
                        message: format!(
                            "the facilitator's intervention is recorded after turn {} of team {}, but that team's last turn here is {}",
                            f.turn,
                            f.team,
                            engine.turn(team)
                        ),
                    });
                }
                let bad = |message: String| ReplayError::BadAction {
                    line: number,
                    team: f.team,
                    turn: f.turn,
                    message,
                };
                let act = match &f.act {
                    RawIntervention::Message {
                        number: n,
                        text,
                        question,
                    } => Intervention::Message(NewMessage {
                        number: *n,
                        text: text.clone(),
                        question: question.clone(),
                    }),
                    RawIntervention::GrantHint(key) => {
                        Intervention::GrantHint(s.hints.id(key).ok_or_else(|| {
                            bad(format!("there is no hint `{}`", key.escape_debug()))
                        })?)
                    }
                };
                let start = engine.events(team).len();
                engine.intervene(team, &act).map_err(|r| {
                    bad(format!(
                        "the facilitator's intervention cannot apply: {}",
                        r.explain()
                    ))
                })?;
                let record = FacilitatorRecord {
                    team: f.team,
                    turn: f.turn,
                    act,
                    events: start..engine.events(team).len(),
                    digest: Some(engine.digest(team)),
                };
                expected.clear();
                record.write_line(s, engine.events(team), &f.prev, &mut expected);
                if expected != line.bytes {
                    return Err(ReplayError::Diverged {
                        line: number,
                        team: f.team,
                        turn: f.turn,
                        what: "facilitator line".into(),
                        recorded: String::from_utf8_lossy(&line.bytes).into_owned(),
                        simulated: String::from_utf8_lossy(&expected).into_owned(),
                    });
                }
                history.push(Entry::Facilitator(record));
            }
            Line::Seal(seal) => {
                if up_to.is_some() {
                    continue;
                }
                check_seal(log, &engine, number, seal, &line.bytes)?;
                sealed = Some((number, seal.clone()));
            }
        }
        lines += 1;
    }
    Ok(Resimulated {
        engine,
        history,
        lines,
        sealed,
    })
}

fn check_seal(
    log: &Log,
    engine: &Engine,
    number: usize,
    seal: &super::record::SealLine,
    bytes: &[u8],
) -> Result<(), ReplayError> {
    let bad = |message: String| ReplayError::Seal {
        line: number,
        message,
    };
    if seal.header != sha256_hex(&log.header.bytes) {
        return Err(bad("names another header".into()));
    }
    let turns: Vec<u32> = (0..engine.team_count())
        .map(|t| engine.turn(TeamId(t)))
        .collect();
    if seal.turns != turns {
        return Err(bad(format!(
            "says the teams stopped after turns {:?}, but the log plays them to {turns:?}",
            seal.turns
        )));
    }
    let all_ended = (0..engine.team_count()).all(|t| engine.ending(TeamId(t)).is_some());
    match (seal.reason, all_ended) {
        (SealReason::Completed, false) => {
            return Err(bad(
                "says the session was completed, but not every team reached its end".into(),
            ));
        }
        (SealReason::Closed, true) => {
            return Err(bad(
                "says the session was closed early, but every team reached its end".into(),
            ));
        }
        _ => {}
    }
    if line_bytes(seal) != bytes {
        return Err(bad("is not written in canonical form".into()));
    }
    if seal.signature.is_some() {
        super::sign::verify_seal(seal).map_err(|e| bad(format!("signature: {e}")))?;
    }
    Ok(())
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
            let show = |e: Option<&super::RecordedEvent>| {
                e.map_or_else(|| "(none)".to_owned(), |e| e.json().to_owned())
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

/// Where each team stopped, for messages: `Red after turn 5, Blue after turn 4`.
fn stops(log: &Log, engine: &Engine) -> String {
    log.header
        .value
        .teams
        .iter()
        .enumerate()
        .map(|(i, name)| {
            format!(
                "{} after turn {}",
                name.escape_debug(),
                engine.turn(TeamId(i))
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Verifies a whole log against the scenario file's bytes (`file` names it in messages); with
/// a key, the seal must be signed by it.
pub fn verify(
    log: &Log,
    file: &str,
    scenario_bytes: &[u8],
    key: Option<&ed25519_dalek::VerifyingKey>,
) -> Result<Verified, ReplayError> {
    verify_full(log, file, scenario_bytes, key).map(|(verified, _, _)| verified)
}

/// Verifies a whole log like [`verify`], and also gives the scenario and the re-simulation
/// (the engine holds every team's events), for what is built from a verified log.
pub fn verify_full(
    log: &Log,
    file: &str,
    scenario_bytes: &[u8],
    key: Option<&ed25519_dalek::VerifyingKey>,
) -> Result<(Verified, Resimulated, Arc<Scenario>), ReplayError> {
    verify_loaded(log, scenario_for(log, file, scenario_bytes), key)
}

/// [`verify_full`] with the scenario already loaded (by [`scenario_for`]), or the reason it
/// could not be: that reason is named after an edited header's.
pub fn verify_loaded(
    log: &Log,
    scenario: Result<Arc<Scenario>, ReplayError>,
    key: Option<&ed25519_dalek::VerifyingKey>,
) -> Result<(Verified, Resimulated, Arc<Scenario>), ReplayError> {
    // An altered header is named as such, not blamed on the scenario file.
    check_header_link(log)?;
    let s = scenario?;
    let resim = replay(log, &s, None)?;
    if let Some(line) = log.truncated {
        return Err(ReplayError::Truncated {
            line,
            complete: line - 1,
        });
    }
    let format = log.header.value.format;
    if format >= 2 && resim.sealed.is_none() {
        return Err(ReplayError::Unsealed {
            line: log.entries.last().map_or(1, |l| l.number),
            turns: stops(log, &resim.engine),
        });
    }
    let signed_by = resim
        .sealed
        .as_ref()
        .and_then(|(_, seal)| seal.signature.as_ref())
        .map(|sig| sig.key.clone());
    if let Some(key) = key {
        let expected = super::record::hex(key.as_bytes());
        match &signed_by {
            None => return Err(ReplayError::NotSigned { expected }),
            Some(found) if *found != expected => {
                return Err(ReplayError::WrongKey {
                    expected,
                    found: found.clone(),
                });
            }
            Some(_) => {}
        }
    }
    let turns: Vec<&TurnRecord> = resim.turns().collect();
    let verified = Verified {
        lines: resim.lines,
        teams: log.header.value.teams.len(),
        turns: turns.len(),
        last_turn: turns.iter().map(|r| r.turn).max().unwrap_or(0),
        format,
        sealed: resim.sealed.as_ref().map(|(_, s)| s.reason),
        signed_by,
    };
    Ok((verified, resim, s))
}
