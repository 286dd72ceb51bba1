//! `cyberdrill replay verify|show`: checking a log by re-simulation, and its timeline or the
//! state at a turn.

use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

use super::{EXIT_INVALID, EXIT_OK};
use crate::engine::TeamId;
use crate::replay::record::Header;
use crate::replay::verify::{resimulate, scenario_for_header, verify_loaded};
use crate::replay::{Log, ReplayError, SealReason};
use crate::report::describe::{self, tr};
use crate::scenario::Scenario;
use crate::scenario::model::Lang;
use crate::scoring;
use crate::text;

/// The scenario file for a log: `--scenario` if given, else the path in the header — as
/// given, or else beside the log (a drill's folder keeps its scenario next to its log).
pub(crate) fn scenario_file(log_path: &Path, header: &Header, given: Option<&Path>) -> String {
    if let Some(p) = given {
        return p.display().to_string();
    }
    let recorded = Path::new(&header.scenario.file);
    if !recorded.exists()
        && recorded.is_relative()
        && let Some(dir) = log_path.parent()
        && dir.join(recorded).is_file()
    {
        return dir.join(recorded).display().to_string();
    }
    header.scenario.file.clone()
}

fn load(log_path: &Path, scenario: Option<&Path>) -> Result<(Log, Arc<Scenario>), ReplayError> {
    let (log, s) = read_with_scenario(log_path, scenario)?;
    Ok((log, s?))
}

/// A scenario loaded for a log, or why it could not be.
type Loaded = Result<Arc<Scenario>, ReplayError>;

/// Reads a log and loads the scenario it was recorded with (`--scenario`, or the file its
/// header names), the scenario on a second thread while the log's lines are read. Problems
/// come in the order of reading one after the other: the log's, then reading the scenario
/// file; the scenario's own (another file than recorded, errors in it) are returned apart, for
/// `verify` to name an edited header first.
fn read_with_scenario(
    log_path: &Path,
    scenario: Option<&Path>,
) -> Result<(Log, Loaded), ReplayError> {
    let bytes = super::read_log_bytes(log_path)?;
    let load = |header: &Header| {
        let file = scenario_file(log_path, header, scenario);
        super::read_scenario_of_log(&file).map(|bytes| scenario_for_header(header, &file, &bytes))
    };
    let (log, early) = std::thread::scope(|scope| {
        // The header names the scenario: it is loaded while the other lines are read.
        let early = Log::parse_header(&bytes)
            .ok()
            .map(|header| scope.spawn(move || load(&header.value)));
        let log = Log::parse(&bytes);
        // Loading returns errors; a panic would be a bug, passed on.
        let early = early.map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        (log, early)
    });
    let log = log?;
    let loaded = early.unwrap_or_else(|| load(&log.header.value))?;
    Ok((log, loaded))
}

/// `replay verify`.
pub fn verify_cmd(
    log_path: &Path,
    scenario: Option<&Path>,
    key: Option<&str>,
    out: &mut dyn Write,
) -> io::Result<u8> {
    let key = match key.map(crate::replay::sign::public_key_arg).transpose() {
        Ok(k) => k,
        Err(e) => {
            super::print_error(format!("--key: {e}"));
            return Ok(EXIT_INVALID);
        }
    };
    let result = read_with_scenario(log_path, scenario)
        .and_then(|(log, s)| verify_loaded(&log, s, key.as_ref()).map(|(v, ..)| (log, v)));
    match result {
        Ok((log, v)) => {
            writeln!(
                out,
                "{}: verified — {} lines, {} team(s), {} team-turns up to turn {}; the hash chain holds and every event and state digest re-simulates identically (scenario `{}`, seed {})",
                log_path.display(),
                v.lines,
                v.teams,
                v.turns,
                v.last_turn,
                text::shorten(&log.header.value.scenario.id, text::SHOWN_CHARS),
                log.header.value.seed
            )?;
            let sealed = match v.sealed {
                None => "format 1: logs of this format have no seal".to_owned(),
                Some(SealReason::Completed) => "sealed: every team reached its end".to_owned(),
                Some(SealReason::Closed) => {
                    "sealed: the session was closed before every team reached its end".to_owned()
                }
            };
            let signed = match (&v.signed_by, key.is_some()) {
                (None, _) => "not signed".to_owned(),
                (Some(k), true) => format!("signed by the key given ({k})"),
                (Some(k), false) => {
                    format!("signed by key {k} (pass --key to check that it is the key you trust)")
                }
            };
            writeln!(out, "  {sealed}; {signed}")?;
            Ok(EXIT_OK)
        }
        Err(e) => {
            eprintln!(
                "{}: verification failed: {}",
                text::escape_line(&log_path.display().to_string()),
                text::escape(&e.to_string())
            );
            Ok(EXIT_INVALID)
        }
    }
}

/// `replay key`.
pub fn key_cmd(out: &mut dyn Write) -> io::Result<u8> {
    let key = crate::replay::sign::installation_key_path()
        .and_then(|p| crate::replay::sign::load_or_create(&p).map(|k| (p, k)));
    match key {
        Ok((path, key)) => {
            writeln!(out, "{}", crate::replay::sign::public_hex(&key))?;
            eprintln!("(the secret key is in {})", path.display());
            Ok(EXIT_OK)
        }
        Err(e) => {
            super::print_error(e);
            Ok(super::EXIT_FAILURE)
        }
    }
}

/// Parses `--team` as a name or an index.
fn team_index(log: &Log, team: &str) -> Option<usize> {
    let teams = &log.header.value.teams;
    teams
        .iter()
        .position(|t| t == team)
        .or_else(|| team.parse::<usize>().ok().filter(|&i| i < teams.len()))
}

/// `replay show`.
pub fn show_cmd(
    log_path: &Path,
    scenario: Option<&Path>,
    turn: Option<u32>,
    team: Option<&str>,
    lang: Lang,
    real_out: &mut dyn Write,
) -> io::Result<u8> {
    let (log, s) = match load(log_path, scenario) {
        Ok(x) => x,
        Err(e) => {
            super::print_error(format!("{}: {e}", log_path.display()));
            return Ok(EXIT_INVALID);
        }
    };
    let teams: Vec<usize> = match team {
        Some(t) => match team_index(&log, t) {
            Some(i) => vec![i],
            None => {
                let teams: Vec<String> = log
                    .header
                    .value
                    .teams
                    .iter()
                    .map(|t| text::shorten(t, text::SHOWN_CHARS))
                    .collect();
                super::print_error(format!(
                    "{}: no team {}; the log has: {}",
                    log_path.display(),
                    text::quoted(t),
                    teams.join(", ")
                ));
                return Ok(EXIT_INVALID);
            }
        },
        None => (0..log.header.value.teams.len()).collect(),
    };
    let resim = match resimulate(&log, &s, turn) {
        Ok(r) => r,
        Err(e) => {
            super::print_error(format!("{}: {e}", log_path.display()));
            return Ok(EXIT_INVALID);
        }
    };
    let header = &log.header.value;
    if header.format >= 2 && log.seal().is_none() {
        eprintln!(
            "warning: {} is not sealed (the session was cut off or is still running)",
            text::escape_line(&log_path.display().to_string())
        );
    }
    // Everything below repeats text from the scenario and the log: escaped as a whole.
    let mut shown = Vec::new();
    let out: &mut dyn Write = &mut shown;
    writeln!(
        out,
        "{} — {} `{}`, {} {}{}",
        s.title.get(lang),
        tr(lang, "scenario", "シナリオ"),
        s.id,
        tr(lang, "seed", "シード"),
        header.seed,
        header
            .branch
            .as_ref()
            .map(|b| format!(
                ", {} {} {} {}",
                tr(lang, "branched from", "分岐元"),
                text::shorten(&b.log, text::SHOWN_CHARS),
                tr(lang, "after turn", "ターン"),
                b.turn
            ))
            .unwrap_or_default()
    )?;
    for &i in &teams {
        let t = TeamId(i);
        let events = resim.engine.events(t);
        writeln!(
            out,
            "\n== {} {} ==",
            tr(lang, "Team", "チーム"),
            text::shorten(&header.teams[i], text::SHOWN_CHARS)
        )?;
        match turn {
            None => {
                let mut current = 0;
                for e in events {
                    if e.turn != current {
                        current = e.turn;
                        writeln!(out, "{} {current}", tr(lang, "Turn", "ターン"))?;
                    }
                    let mark = if e.kind.visible() { "  " } else { "  * " };
                    writeln!(out, "{mark}{}", describe::event(&s, e, lang))?;
                }
            }
            Some(n) => {
                let v = resim.engine.view(t);
                let reached = v.clock.turn.min(n);
                writeln!(
                    out,
                    "{} {reached}",
                    tr(lang, "State after turn", "ターン終了時の状態：")
                )?;
                for (h, host) in s.hosts.iter() {
                    let st = &v.assets.hosts[h.index()];
                    let know = &v.knowledge.hosts[h.index()];
                    let mut flags = Vec::new();
                    if let Some(level) = st.foothold {
                        flags.push(format!("{}({level:?})", tr(lang, "attacker", "攻撃者")));
                    }
                    if st.isolated {
                        flags.push(tr(lang, "isolated", "隔離").into());
                    }
                    if st.encrypted {
                        flags.push(tr(lang, "encrypted", "暗号化").into());
                    }
                    if know.confirmed {
                        flags.push(tr(lang, "known compromised", "侵害を確認済み").into());
                    } else if know.suspicious {
                        flags.push(tr(lang, "suspicious", "不審").into());
                    }
                    writeln!(out, "  {:<12} {}", host.key, flags.join(", "))?;
                }
                let done: Vec<&str> = s
                    .stages
                    .iter()
                    .filter(|(id, _)| v.attacker.done[id.index()].is_some())
                    .map(|(_, st)| st.key.as_str())
                    .collect();
                writeln!(
                    out,
                    "  {} {}",
                    tr(lang, "attacker stages done:", "攻撃者が完了した段階："),
                    done.join(", ")
                )?;
                let down: Vec<&str> = s
                    .functions
                    .iter()
                    .filter(|(id, _)| v.assets.functions_down[id.index()])
                    .map(|(_, f)| f.name.get(lang))
                    .collect();
                writeln!(
                    out,
                    "  {} {}",
                    tr(lang, "business functions down:", "停止中の業務："),
                    down.join(", ")
                )?;
                let card = scoring::score(&s, events, v.clock.ended.is_some());
                writeln!(
                    out,
                    "  {} {} / {}",
                    tr(lang, "score so far:", "現在の得点："),
                    card.total,
                    card.max
                )?;
                writeln!(
                    out,
                    "  {}",
                    tr(lang, "events of that turn:", "そのターンの出来事：")
                )?;
                for e in events.iter().filter(|e| e.turn == reached) {
                    let mark = if e.kind.visible() { "    " } else { "    * " };
                    writeln!(out, "{mark}{}", describe::event(&s, e, lang))?;
                }
            }
        }
    }
    super::write_escaped(real_out, &shown)?;
    Ok(EXIT_OK)
}
