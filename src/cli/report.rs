//! `cyberdrill report`: the after-action report of a replay log, as Markdown, HTML or JSON.

use std::io::{self, Write};
use std::path::Path;

use super::{EXIT_FAILURE, EXIT_INVALID, EXIT_OK};
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
}

/// Runs the command.
pub fn run(
    log_path: &Path,
    scenario: Option<&Path>,
    format: Format,
    lang: Option<Lang>,
    out_path: Option<(&Path, bool)>,
    out: &mut dyn Write,
) -> io::Result<u8> {
    let mut scenario_file = None;
    let built = (|| -> Result<(aar::Report, Option<usize>, bool), ReplayError> {
        let log = super::read_log(log_path)?;
        let file = super::replay::scenario_file(log_path, &log, scenario);
        scenario_file = Some(file.clone());
        let bytes = super::read_scenario_of_log(&file)?;
        let s = scenario_for(&log, &file, &bytes)?;
        let resim = resimulate(&log, &s, None)?;
        let header = &log.header.value;
        let teams: Vec<(&str, &[crate::engine::event::Event])> = header
            .teams
            .iter()
            .enumerate()
            .map(|(i, name)| (name.as_str(), resim.engine.events(TeamId(i))))
            .collect();
        let report = aar::build(&s, header.seed, &teams, lang.unwrap_or(header.lang))
            .with_members(&log.members());
        let unsealed = header.format >= 2 && log.seal().is_none();
        Ok((report, log.truncated, unsealed))
    })();
    let (report, truncated, unsealed) = match built {
        Ok(x) => x,
        Err(e) => {
            super::print_error(format!("{}: {e}", log_path.display()));
            return Ok(EXIT_INVALID);
        }
    };
    if let Some(line) = truncated {
        eprintln!(
            "warning: {} is truncated at line {line}; the report covers the complete lines before it",
            crate::text::escape(&log_path.display().to_string())
        );
    } else if unsealed {
        eprintln!(
            "warning: {} is not sealed (the session was cut off or is still running); the report covers the lines written so far",
            log_path.display()
        );
    }
    let text = match format {
        Format::Md => markdown::render(&report),
        Format::Html => html::render(&report),
        Format::Json => serde_json::to_string(&report).expect("reports serialize") + "\n",
    };
    match out_path {
        Some((path, force)) => {
            let scenario_path = scenario_file.as_deref().map(Path::new);
            let mut inputs = vec![(log_path, "replay log")];
            inputs.extend(scenario_path.map(|p| (p, "scenario")));
            let mut file = match crate::files::create_output(path, force, &inputs) {
                Ok(f) => f,
                Err(e @ crate::files::WriteError::Io { .. }) => {
                    super::print_error(e);
                    return Ok(EXIT_FAILURE);
                }
                Err(e) => {
                    super::print_error(e);
                    return Ok(EXIT_INVALID);
                }
            };
            if let Err(e) = file
                .write_all(text.as_bytes())
                .and_then(|()| file.sync_all())
            {
                super::print_error(format!("cannot write {}: {e}", path.display()));
                return Ok(EXIT_FAILURE);
            }
            writeln!(out, "{}", path.display())?;
        }
        None => out.write_all(text.as_bytes())?,
    }
    Ok(EXIT_OK)
}
