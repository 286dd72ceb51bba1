//! `cyberdrill report`: the after-action report of a replay log, or the room report of several
//! logs of one scenario and seed, as Markdown, HTML, JSON or CSV.

use std::io::{self, Write};
use std::path::Path;

use super::EXIT_INVALID;
use crate::engine::TeamId;
use crate::replay::ReplayError;
use crate::replay::verify::{resimulate, scenario_for};
use crate::report::{aar, html, markdown};
use crate::scenario::model::Lang;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Markdown.
    Md,
    /// One self-contained HTML file.
    Html,
    /// The report's content as one JSON object.
    Json,
    /// Scores per team and objective, for a spreadsheet.
    Csv,
}

/// One log read for the report: its teams' names, events and members.
struct Read {
    played: aar::Played,
    teams: Vec<(String, Vec<crate::engine::event::Event>)>,
    members: Vec<Vec<String>>,
    truncated: Option<usize>,
    unsealed: bool,
}

/// Runs the command: one log (its teams), or several logs of the same scenario and seed
/// (teams that played on separate machines) in one room report.
pub fn run(
    log_paths: &[std::path::PathBuf],
    scenario: Option<&Path>,
    format: Format,
    lang: Option<Lang>,
    out_path: Option<(&Path, bool)>,
    out: &mut dyn Write,
) -> io::Result<u8> {
    let mut scenario_files: Vec<String> = Vec::new();
    let mut first: Option<(std::sync::Arc<crate::scenario::Scenario>, u64, String, Lang)> = None;
    let mut reads = Vec::new();
    for log_path in log_paths {
        let one = (|| -> Result<Read, ReplayError> {
            let log = super::read_log(log_path)?;
            let file = super::replay::scenario_file(log_path, &log.header.value, scenario);
            let header = &log.header.value;
            if let Some((_, seed, sha, _)) = &first {
                if header.scenario.sha256 != *sha {
                    return Err(ReplayError::Header {
                        message: format!(
                            "it was played on another scenario (or another version of it) than {}; a room report is of one scenario and seed",
                            log_paths[0].display()
                        ),
                    });
                }
                if header.seed != *seed {
                    return Err(ReplayError::Header {
                        message: format!(
                            "it was played with seed {}, {} with seed {seed}; a room report is of one scenario and seed",
                            header.seed,
                            log_paths[0].display()
                        ),
                    });
                }
            }
            let s = match &first {
                Some((s, ..)) => s.clone(),
                None => {
                    let bytes = super::read_scenario_of_log(&file)?;
                    scenario_files.push(file.clone());
                    scenario_for(&log, &file, &bytes)?
                }
            };
            let resim = resimulate(&log, &s, None)?;
            if first.is_none() {
                first = Some((s, header.seed, header.scenario.sha256.clone(), header.lang));
            }
            Ok(Read {
                played: aar::Played::of_log(&log),
                teams: header
                    .teams
                    .iter()
                    .enumerate()
                    .map(|(i, name)| (name.clone(), resim.engine.events(TeamId(i)).to_vec()))
                    .collect(),
                members: log.members(),
                truncated: log.truncated,
                unsealed: header.format >= 2 && log.seal().is_none(),
            })
        })();
        match one {
            Ok(r) => reads.push((log_path, r)),
            Err(e) => {
                super::print_error(format!("{}: {e}", log_path.display()));
                return Ok(EXIT_INVALID);
            }
        }
    }
    let Some((s, seed, _, log_lang)) = first else {
        return Ok(EXIT_INVALID);
    };
    for (log_path, r) in &reads {
        if let Some(line) = r.truncated {
            eprintln!(
                "warning: {} is truncated at line {line}; the report covers the complete lines before it",
                crate::text::escape(&log_path.display().to_string())
            );
        } else if r.unsealed {
            eprintln!(
                "warning: {} is not sealed (the session was cut off or is still running); the report covers the lines written so far",
                crate::text::escape(&log_path.display().to_string())
            );
        }
    }
    // Teams of separate logs often share a name ("solo"): the log's file name tells them apart.
    let mut names: Vec<String> = Vec::new();
    for (log_path, r) in &reads {
        for (name, _) in &r.teams {
            names.push(if reads.len() > 1 {
                let twice = reads
                    .iter()
                    .flat_map(|(_, o)| &o.teams)
                    .filter(|(n, _)| n == name)
                    .count()
                    > 1;
                if twice {
                    let stem = log_path
                        .file_stem()
                        .map(|f| f.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    format!("{name} ({stem})")
                } else {
                    name.clone()
                }
            } else {
                name.clone()
            });
        }
    }
    let teams: Vec<(&str, &[crate::engine::event::Event])> = names
        .iter()
        .zip(reads.iter().flat_map(|(_, r)| &r.teams))
        .map(|(name, (_, events))| (name.as_str(), events.as_slice()))
        .collect();
    let members: Vec<Vec<String>> = reads
        .iter()
        .flat_map(|(_, r)| {
            let n = r.teams.len();
            (0..n).map(move |i| r.members.get(i).cloned().unwrap_or_default())
        })
        .collect();
    let mut report = aar::build(&s, seed, &teams, lang.unwrap_or(log_lang)).with_members(&members);
    // One log: when it was played. Several: the earliest start and the latest end.
    if let Some(first) = reads.first().map(|(_, r)| r.played.clone()) {
        let started = reads
            .iter()
            .filter_map(|(_, r)| r.played.started.clone())
            .min();
        let ended = reads
            .iter()
            .filter_map(|(_, r)| r.played.ended.clone())
            .max();
        let minutes = if reads.len() == 1 {
            first.minutes
        } else {
            None
        };
        report = report.with_played(aar::Played {
            started,
            ended,
            minutes,
            ..first
        });
    }
    let text = match format {
        Format::Md => markdown::render(&report),
        Format::Html => html::render(&report),
        Format::Json => serde_json::to_string(&report).expect("reports serialize") + "\n",
        Format::Csv => crate::report::csv::scores(&report),
    };
    let mut inputs: Vec<(&Path, &'static str)> = log_paths
        .iter()
        .map(|p| (p.as_path(), "replay log"))
        .collect();
    inputs.extend(scenario_files.iter().map(|p| (Path::new(p), "scenario")));
    super::write_output(&text, out_path, &inputs, out)
}
