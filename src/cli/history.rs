//! `cyberdrill history`: the sessions recorded, a trainee's competency profile, importing
//! replay logs, exporting xAPI statements. Also how `play`, `run` and `serve` record a
//! finished session.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{EXIT_FAILURE, EXIT_INVALID, EXIT_OK};
use crate::history::{self, Filter, History, HistoryError, Source, profile};
use crate::scenario::model::Lang;

/// `cyberdrill history` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum HistoryCommand {
    /// Record replay logs in the history (each is verified first; a log already recorded is
    /// skipped).
    Import {
        /// Replay logs.
        #[arg(required = true, value_name = "LOG")]
        logs: Vec<PathBuf>,
        /// The scenario file, for every log (default: the path each log records).
        #[arg(long, value_name = "FILE")]
        scenario: Option<PathBuf>,
    },
    /// A trainee's competency profile: per competency, points earned out of those available
    /// across every session, the trend, the last session, the weakest and what trains them.
    Profile {
        /// The trainee (a member name, or a team name for sessions nobody joined by name).
        name: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ProfileFormat::Md)]
        format: ProfileFormat,
        /// Language.
        #[arg(long, value_enum, default_value_t = super::LangArg::En)]
        lang: super::LangArg,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// With --out: replace the file if it exists.
        #[arg(long, requires = "out")]
        force: bool,
    },
    /// Export the sessions for a learning record store.
    Export {
        /// Export format.
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Only this trainee's sessions.
        #[arg(long, value_name = "NAME")]
        trainee: Option<String>,
        /// Only this scenario's sessions.
        #[arg(long, value_name = "ID")]
        scenario: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// With --out: replace the file if it exists.
        #[arg(long, requires = "out")]
        force: bool,
    },
}

/// Profile formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProfileFormat {
    /// Markdown.
    Md,
    /// One printable HTML page with a chart.
    Html,
    /// JSON.
    Json,
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// xAPI 1.0.3 statements, as one JSON array.
    Xapi,
}

/// Arguments of `cyberdrill history`.
pub struct HistoryArgs {
    /// The database (default: `CYBERDRILL_HISTORY`, else the user's data directory).
    pub history: Option<PathBuf>,
    /// A subcommand, or none to list.
    pub command: Option<HistoryCommand>,
    /// List: only this trainee.
    pub trainee: Option<String>,
    /// List: only this scenario.
    pub scenario: Option<String>,
    /// List as JSON.
    pub json: bool,
    /// List as CSV.
    pub csv: bool,
}

/// The database to use: the one given, else the default.
pub fn resolve(given: Option<&Path>) -> Result<PathBuf, HistoryError> {
    given
        .map(Path::to_owned)
        .or_else(history::default_path)
        .ok_or_else(|| HistoryError::Io {
            path: "history".into(),
            message: format!(
                "no data directory is known for this user; pass --history FILE or set {}",
                history::ENV
            ),
        })
}

fn fail(e: &HistoryError) -> u8 {
    super::print_error(e);
    match e {
        HistoryError::Io { .. } => EXIT_FAILURE,
        _ => EXIT_INVALID,
    }
}

/// Runs the command.
pub fn run(args: HistoryArgs, out: &mut dyn Write) -> io::Result<u8> {
    let path = match resolve(args.history.as_deref()) {
        Ok(p) => p,
        Err(e) => return Ok(fail(&e)),
    };
    match args.command {
        None => list(&path, &args, out),
        Some(HistoryCommand::Import { logs, scenario }) => {
            import(&path, &logs, scenario.as_deref(), out)
        }
        Some(HistoryCommand::Profile {
            name,
            format,
            lang,
            out: out_path,
            force,
        }) => {
            let db = match History::open_existing(&path) {
                Ok(db) => db,
                Err(e) => return Ok(fail(&e)),
            };
            let (mine, all) = match db
                .sessions(&Filter {
                    trainee: Some(name.clone()),
                    scenario: None,
                })
                .and_then(|mine| Ok((mine, db.sessions(&Filter::default())?)))
            {
                Ok(x) => x,
                Err(e) => return Ok(fail(&e)),
            };
            if mine.is_empty() {
                super::print_error(format!(
                    "{}: no sessions of `{}` (names are matched exactly: a member's name, or a team's)",
                    path.display(),
                    name
                ));
                return Ok(EXIT_INVALID);
            }
            let p = profile::build(&name, &mine, &all, Lang::from(lang));
            let text = match format {
                ProfileFormat::Md => profile::markdown(&p),
                ProfileFormat::Html => profile::html(&p),
                ProfileFormat::Json => {
                    serde_json::to_string_pretty(&p).expect("profiles serialize") + "\n"
                }
            };
            emit(&text, out_path.as_deref(), force, &path, out)
        }
        Some(HistoryCommand::Export {
            format: ExportFormat::Xapi,
            trainee,
            scenario,
            out: out_path,
            force,
        }) => {
            let records = match History::open_existing(&path)
                .and_then(|db| db.sessions(&Filter { trainee, scenario }))
            {
                Ok(r) => r,
                Err(e) => return Ok(fail(&e)),
            };
            emit(
                &history::xapi::export(&records),
                out_path.as_deref(),
                force,
                &path,
                out,
            )
        }
    }
}

/// Writes `text` to the file given (never over the history itself), or to `out`.
fn emit(
    text: &str,
    out_path: Option<&Path>,
    force: bool,
    db: &Path,
    out: &mut dyn Write,
) -> io::Result<u8> {
    super::write_output(
        text,
        out_path.map(|p| (p, force)),
        &[(db, "history database")],
        out,
    )
}

fn import(
    path: &Path,
    logs: &[PathBuf],
    scenario: Option<&Path>,
    out: &mut dyn Write,
) -> io::Result<u8> {
    let mut db = match History::open(path) {
        Ok(db) => db,
        Err(e) => return Ok(fail(&e)),
    };
    let mut refused = 0;
    for log_path in logs {
        let shown = crate::text::escape(&log_path.display().to_string()).into_owned();
        let log = match super::read_log(log_path) {
            Ok(l) => l,
            Err(e) => {
                super::print_error(format!("{shown}: refused: {e}"));
                refused += 1;
                continue;
            }
        };
        match db.contains(&log.head()) {
            Ok(true) => {
                writeln!(out, "{shown}: already in the history")?;
                continue;
            }
            Ok(false) => {}
            Err(e) => return Ok(fail(&e)),
        }
        let file = super::replay::scenario_file(log_path, &log.header.value, scenario);
        let records = super::read_scenario_of_log(&file).and_then(|bytes| {
            history::records_of_log(&log, log_path, &file, &bytes, Source::Import)
        });
        let records = match records {
            Ok(r) => r,
            Err(e) => {
                super::print_error(format!("{shown}: refused: {e}"));
                refused += 1;
                continue;
            }
        };
        match db.add(&records) {
            Ok(n) => writeln!(
                out,
                "{shown}: {} recorded",
                crate::report::describe::n(n as u64, "session")
            )?,
            Err(e) => return Ok(fail(&e)),
        }
    }
    Ok(if refused > 0 { EXIT_INVALID } else { EXIT_OK })
}

fn list(path: &Path, args: &HistoryArgs, out: &mut dyn Write) -> io::Result<u8> {
    let records = match History::open_existing(path).and_then(|db| {
        db.sessions(&Filter {
            trainee: args.trainee.clone(),
            scenario: args.scenario.clone(),
        })
    }) {
        Ok(r) => r,
        Err(HistoryError::Missing { .. }) if !args.json && !args.csv => {
            writeln!(
                out,
                "No sessions recorded yet ({}). `cyberdrill play` records each session it plays.",
                path.display()
            )?;
            return Ok(EXIT_OK);
        }
        Err(HistoryError::Missing { .. }) => Vec::new(),
        Err(e) => return Ok(fail(&e)),
    };
    if args.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string(&records).expect("records serialize")
        )?;
        return Ok(EXIT_OK);
    }
    if args.csv {
        out.write_all(history::csv(&records).as_bytes())?;
        return Ok(EXIT_OK);
    }
    if records.is_empty() {
        writeln!(out, "No sessions match.")?;
        return Ok(EXIT_OK);
    }
    for r in &records {
        let when: String = r.when().unwrap_or("").chars().take(16).collect();
        let who = if r.members.is_empty() {
            r.team.clone()
        } else {
            format!("{} ({})", r.team, r.members.join(", "))
        };
        let line = format!(
            "{when:<16}  {:<20} seed {:<4} {:<28} {:>4}/{:<4} {:>3}%  {:<10} {}",
            r.scenario_id,
            r.seed,
            crate::text::shorten(&who, 28),
            r.score,
            r.max,
            r.percent,
            r.outcome,
            r.source.word()
        );
        writeln!(out, "{}", crate::text::escape(line.trim_end()))?;
    }
    Ok(EXIT_OK)
}
