//! The command line: argument parsing, dispatch to one module per subcommand, exit codes.
//! Front-ends are the only code that prints.
//!
//! Exit codes: 0 success, 1 runtime failure, 2 invalid input (scenario, replay, arguments).

mod balance;
pub mod bot;
mod check;
pub mod history;
mod play;
mod replay;
mod report;
mod run;
mod serve;

/// Renders a check result as plain-text diagnostics (no colour), as `cyberdrill check` prints
/// them when not on a terminal.
pub fn render_check(checked: &crate::scenario::Checked) -> String {
    check::render(checked, false)
}

/// A check result as `cyberdrill check --json` prints it (one JSON object).
pub fn check_json(checked: &crate::scenario::Checked) -> String {
    check::json(checked)
}

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::replay::{Log, ReplayError};

use clap::{Parser, Subcommand};

/// Largest replay log read (1 GiB: a long drill of thirty teams stays far below).
pub const MAX_LOG_BYTES: u64 = 1 << 30;

/// Prints an error to stderr, as every command does: `error: ` and the message, with control
/// characters escaped (messages repeat names from files).
pub(crate) fn print_error(message: impl std::fmt::Display) {
    eprintln!("error: {}", crate::text::escape(&message.to_string()));
}

/// Writes text that repeats names and texts from files, with control characters escaped.
pub(crate) fn write_escaped(out: &mut dyn Write, text: &[u8]) -> std::io::Result<()> {
    out.write_all(crate::text::escape(&String::from_utf8_lossy(text)).as_bytes())
}

/// Reads a replay log named on the command line (a regular file only: a named pipe would
/// block).
pub(crate) fn read_log(path: &Path) -> Result<Log, ReplayError> {
    Log::parse(&read_log_bytes(path)?)
}

/// The bytes of a replay log named on the command line (see [`read_log`]).
pub(crate) fn read_log_bytes(path: &Path) -> Result<Vec<u8>, ReplayError> {
    crate::files::read_input(path, MAX_LOG_BYTES, "a replay log").map_err(|e| ReplayError::Io {
        file: path.display().to_string(),
        message: e.reason(),
    })
}

/// Reads the scenario file a log is checked against.
pub(crate) fn read_scenario_of_log(file: &str) -> Result<Vec<u8>, ReplayError> {
    crate::files::read_input(
        Path::new(file),
        crate::scenario::limits::MAX_FILE_BYTES,
        "a scenario",
    )
    .map_err(|e| ReplayError::Scenario {
        file: file.to_owned(),
        message: format!("{} (pass the scenario with --scenario FILE)", e.reason()),
    })
}

/// Writes a command's output to `path` (a new file, or with `force` one replaced; never one of
/// `inputs`), synced, then prints the path; or to `out` when no path is given. Returns the
/// exit code.
pub(crate) fn write_output(
    text: &str,
    path: Option<(&Path, bool)>,
    inputs: &[(&Path, &'static str)],
    out: &mut dyn Write,
) -> std::io::Result<u8> {
    let Some((path, force)) = path else {
        out.write_all(text.as_bytes())?;
        return Ok(EXIT_OK);
    };
    let mut file = match crate::files::create_output(path, force, inputs) {
        Ok(f) => f,
        Err(e @ crate::files::WriteError::Io { .. }) => {
            print_error(e);
            return Ok(EXIT_FAILURE);
        }
        Err(e) => {
            print_error(e);
            return Ok(EXIT_INVALID);
        }
    };
    if let Err(e) = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
    {
        print_error(format!("cannot write {}: {e}", path.display()));
        return Ok(EXIT_FAILURE);
    }
    writeln!(out, "{}", path.display())?;
    Ok(EXIT_OK)
}

/// Success.
pub const EXIT_OK: u8 = 0;
/// A runtime failure (I/O, an internal error).
pub const EXIT_FAILURE: u8 = 1;
/// Invalid input: a scenario, replay or argument.
pub const EXIT_INVALID: u8 = 2;

/// cyberdrill: cyber incident-response exercises, turn by turn.
#[derive(Debug, Parser)]
#[command(name = "cyberdrill", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate scenario files and list every problem with file:line:col.
    Check {
        /// Scenario files (`.ron`).
        #[arg(required = true, value_name = "SCENARIO")]
        files: Vec<PathBuf>,
        /// Print one JSON object per file instead of diagnostics.
        #[arg(long)]
        json: bool,
    },
    /// Play a scenario alone in the terminal, turn by turn, and get a debrief at the end.
    Play {
        /// Scenario file (with --from: default, the one the log names).
        #[arg(required_unless_present = "from")]
        scenario: Option<PathBuf>,
        /// Seed of the team's world (a branch takes the log's).
        #[arg(long, default_value_t = 1, conflicts_with = "from")]
        seed: u64,
        /// Language (default: from the locale, LC_ALL, LC_MESSAGES or LANG).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Write the replay log here (default: a new file under replays/).
        #[arg(long, value_name = "FILE")]
        replay: Option<PathBuf>,
        /// Start from a replay log instead of the beginning (with --turn).
        #[arg(long, value_name = "LOG", requires = "turn")]
        from: Option<PathBuf>,
        /// With --from: the turn of the log to continue after.
        #[arg(long, value_name = "N", requires = "from")]
        turn: Option<u32>,
        /// The team's name in the replay and the report.
        #[arg(long, value_name = "NAME", default_value = play::SOLO_TEAM)]
        team: String,
        /// Your name, recorded beside every decision in the replay and shown in the report;
        /// your competency profile is kept under it (`cyberdrill history profile NAME`).
        #[arg(long, value_name = "NAME")]
        player: Option<String>,
        /// Record the session in this history database (default: $CYBERDRILL_HISTORY, else
        /// history.sqlite in the user's data directory).
        #[arg(long, value_name = "FILE", conflicts_with = "no_history")]
        history: Option<PathBuf>,
        /// Do not record the session in the history.
        #[arg(long)]
        no_history: bool,
    },
    /// Play one bot team through a scenario, headless, and print the timeline and score.
    Run {
        /// Scenario file (with --from: default, the one the log names).
        #[arg(required_unless_present = "from")]
        scenario: Option<PathBuf>,
        /// `idle`, `random`, `first-choice`, `walkthrough`, or an action file (RON, as a
        /// walkthrough).
        #[arg(long, value_name = "P")]
        policy: String,
        /// Seed of the team's world (a branch takes the log's).
        #[arg(long, default_value_t = 1, conflicts_with = "from")]
        seed: u64,
        /// Stop after this turn even if the session has not ended.
        #[arg(long, value_name = "N")]
        turns: Option<u32>,
        /// Print one JSON object instead of the timeline.
        #[arg(long)]
        json: bool,
        /// Language of the timeline.
        #[arg(long, value_enum, default_value_t = LangArg::En)]
        lang: LangArg,
        /// Write the replay log here.
        #[arg(long, value_name = "OUT")]
        replay: Option<PathBuf>,
        /// With --replay: replace the file if it exists (never one of the run's inputs).
        #[arg(long, requires = "replay")]
        force: bool,
        /// Start from a replay log instead of the beginning (with --turn).
        #[arg(long, value_name = "LOG", requires = "turn")]
        from: Option<PathBuf>,
        /// With --from: the turn of the log to continue after.
        #[arg(long, value_name = "N", requires = "from")]
        turn: Option<u32>,
        /// With --replay: record the session in this history database.
        #[arg(long, value_name = "FILE", requires = "replay")]
        history: Option<PathBuf>,
    },
    /// Many seeded playthroughs by one policy: score distribution, win rate, objectives.
    Balance {
        /// Scenario file.
        scenario: PathBuf,
        /// `idle`, `random`, `first-choice`, `walkthrough`, or an action file.
        #[arg(long, value_name = "P")]
        policy: String,
        /// Number of playthroughs (1 to 1,000,000).
        #[arg(long, value_name = "N", default_value_t = 1000,
              value_parser = clap::value_parser!(u64).range(1..=crate::session::balance::MAX_RUNS))]
        runs: u64,
        /// Seed of the first run (run i plays seed S + i).
        #[arg(long, value_name = "S", default_value_t = 1)]
        seed: u64,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// The after-action report of a replay log; of several logs of the same scenario and
    /// seed (teams that played on separate machines), the room report.
    Report {
        /// The replay log(s).
        #[arg(required = true, value_name = "LOG")]
        logs: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = report::Format::Md)]
        format: report::Format,
        /// Language (default: the session's).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// With --out: replace the file if it exists (never the log or the scenario).
        #[arg(long, requires = "out")]
        force: bool,
        /// The scenario file (default: the path recorded in the log).
        #[arg(long, value_name = "FILE")]
        scenario: Option<PathBuf>,
    },
    /// Verify or show a replay log.
    Replay {
        /// What to do with the log.
        #[command(subcommand)]
        command: ReplayCommand,
    },
    /// The drill server: a facilitator and up to dozens of teams in one room, in the browser
    /// or over its API. Prints the facilitator's link and each team's join code.
    Serve {
        /// Address to listen on (the room's network needs e.g. 0.0.0.0:8080).
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// Where drills are kept (created if needed).
        #[arg(long, value_name = "DIR", default_value = "drills")]
        data: PathBuf,
        /// Where the scenarios offered to the facilitator are.
        #[arg(long, value_name = "DIR", default_value = "scenarios")]
        scenarios: PathBuf,
        /// The address people reach the server at, for printed links (default: http://ADDR).
        #[arg(long, value_name = "URL")]
        public_url: Option<String>,
        /// Open a drill of this scenario file now (with --teams).
        #[arg(long, value_name = "SCENARIO")]
        drill: Option<PathBuf>,
        /// The drill's teams, comma-separated: "Red,Blue,Green".
        #[arg(long, value_name = "A,B,..")]
        teams: Option<String>,
        /// The drill's seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// sync: turns end together; self: each team advances itself.
        #[arg(long, value_enum, default_value_t = crate::server::store::Pacing::Sync)]
        pacing: crate::server::store::Pacing,
        /// Seconds per turn (sync pacing): the turn ends when the timer runs out.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=86_400))]
        turn_seconds: Option<u32>,
        /// Minutes for the whole drill: it ends when they are up.
        #[arg(long, value_name = "MINUTES", value_parser = clap::value_parser!(u32).range(1..=10_080))]
        time_limit: Option<u32>,
        /// The drill's language (each person can switch).
        #[arg(long, value_enum, default_value_t = LangArg::En)]
        lang: LangArg,
        /// Most members per team.
        #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=16))]
        max_members: u32,
        /// Print JSON lines: one per team ({team, code, url}), then the facilitator's link.
        #[arg(long)]
        json: bool,
    },
    /// The sessions recorded in the history, newest first; a trainee's competency profile;
    /// importing replay logs; exporting xAPI statements.
    #[command(args_conflicts_with_subcommands = true)]
    History {
        /// What to do (default: list the sessions).
        #[command(subcommand)]
        command: Option<history::HistoryCommand>,
        /// The history database (default: $CYBERDRILL_HISTORY, else history.sqlite in the
        /// user's data directory).
        #[arg(long, value_name = "FILE", global = true)]
        history: Option<PathBuf>,
        /// Only this trainee's sessions (a member's name, or a team's).
        #[arg(long, value_name = "NAME")]
        trainee: Option<String>,
        /// Only this scenario's sessions.
        #[arg(long, value_name = "ID")]
        scenario: Option<String>,
        /// Print the records as one JSON array.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print one CSV row per session, for a spreadsheet.
        #[arg(long)]
        csv: bool,
    },
    /// A bot seat in a served drill: joins a team and plays it to the end.
    Bot {
        /// The server (http://host:port).
        #[arg(long, value_name = "URL")]
        server: String,
        /// The team's join code.
        #[arg(long, value_name = "CODE")]
        join: String,
        /// `idle`, `random`, `walkthrough`, or an action file (RON, as a walkthrough).
        #[arg(long, value_name = "P")]
        policy: String,
        /// The member name it joins as.
        #[arg(long, value_name = "NAME", default_value = "bot")]
        name: String,
        /// Seed of the random policy.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where the drill's scenario is (for `walkthrough`).
        #[arg(long, value_name = "DIR", default_value = "scenarios")]
        scenarios: PathBuf,
    },
}

/// `cyberdrill replay` subcommands.
#[derive(Debug, Subcommand)]
pub enum ReplayCommand {
    /// Check the hash chain, then re-simulate every turn and compare every event and state digest.
    Verify {
        /// The log.
        log: PathBuf,
        /// The scenario file (default: the path recorded in the log).
        #[arg(long, value_name = "FILE")]
        scenario: Option<PathBuf>,
        /// Require the seal to be signed by this public key (64 hex digits, or a file holding them).
        #[arg(long, value_name = "PUBLIC_KEY")]
        key: Option<String>,
    },
    /// Print this installation's public key (the one `play` signs its logs with), creating
    /// the key if there is none yet.
    Key,
    /// The timeline, or the state at a turn.
    Show {
        /// The log.
        log: PathBuf,
        /// The scenario file (default: the path recorded in the log).
        #[arg(long, value_name = "FILE")]
        scenario: Option<PathBuf>,
        /// Show the state after this turn instead of the timeline.
        #[arg(long, value_name = "N")]
        turn: Option<u32>,
        /// Only this team (name or index).
        #[arg(long, value_name = "T")]
        team: Option<String>,
        /// Language.
        #[arg(long, value_enum, default_value_t = LangArg::En)]
        lang: LangArg,
    },
}

/// A display language on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LangArg {
    /// English.
    En,
    /// Japanese.
    Ja,
}

impl From<LangArg> for crate::scenario::model::Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::En => Self::En,
            LangArg::Ja => Self::Ja,
        }
    }
}

/// The scenario given, else the one the `--from` log names (found as `replay verify` finds
/// it: the recorded path, or beside the log). Says why on stderr when neither is there.
fn scenario_or_logs(given: Option<PathBuf>, from: Option<&Path>) -> Result<PathBuf, u8> {
    if let Some(p) = given {
        return Ok(p);
    }
    let Some(log_path) = from else {
        print_error("name a scenario file");
        return Err(EXIT_INVALID);
    };
    match read_log(log_path) {
        Ok(log) => Ok(PathBuf::from(replay::scenario_file(
            log_path,
            &log.header.value,
            None,
        ))),
        Err(e) => {
            print_error(format!("{}: {e}", log_path.display()));
            Err(EXIT_INVALID)
        }
    }
}

/// Parses the process arguments, runs the command and returns its exit code.
///
/// A panic is a bug, never the way out: it is reported as an internal error and the process
/// exits with [`EXIT_FAILURE`] (not Rust's 101).
pub fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "error: internal error: {}\n(this is a bug in cyberdrill; please report it with the command and files that caused it)",
            crate::text::escape(&info.to_string())
        );
    }));
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(cli, &mut out)))
        .unwrap_or(EXIT_FAILURE);
    let _ = out.flush();
    ExitCode::from(code)
}

/// Runs a parsed command, writing its output to `out`; returns the exit code.
pub fn run(cli: Cli, out: &mut dyn Write) -> u8 {
    let result = match cli.command {
        Command::Check { files, json } => check::run(&files, json, out),
        Command::Run {
            scenario,
            policy,
            seed,
            turns,
            json,
            lang,
            replay,
            force,
            from,
            turn,
            history,
        } => match scenario_or_logs(scenario, from.as_deref()) {
            Err(code) => Ok(code),
            Ok(scenario) => run::run(
                &run::RunArgs {
                    scenario,
                    policy,
                    seed,
                    turns,
                    json,
                    lang: lang.into(),
                    replay,
                    force,
                    from: from.zip(turn),
                    history,
                },
                out,
            ),
        },
        Command::Balance {
            scenario,
            policy,
            runs,
            seed,
            json,
        } => balance::run(&scenario, &policy, runs, seed, json, out),
        Command::Report {
            logs,
            format,
            lang,
            out: out_path,
            force,
            scenario,
        } => report::run(
            &logs,
            scenario.as_deref(),
            format,
            lang.map(Into::into),
            out_path.as_deref().map(|p| (p, force)),
            out,
        ),
        Command::Play {
            scenario,
            seed,
            lang,
            replay,
            from,
            turn,
            team,
            player,
            history,
            no_history,
        } => match scenario_or_logs(scenario, from.as_deref()) {
            Err(code) => Ok(code),
            Ok(scenario) => play::run(
                &play::PlayArgs {
                    scenario,
                    seed,
                    lang: lang.map(Into::into),
                    replay,
                    from: from.zip(turn),
                    team,
                    player,
                    history: if no_history {
                        None
                    } else {
                        Some(history::resolve(history.as_deref()))
                    },
                },
                out,
            ),
        },
        Command::Serve {
            listen,
            data,
            scenarios,
            public_url,
            drill,
            teams,
            seed,
            pacing,
            turn_seconds,
            time_limit,
            lang,
            max_members,
            json,
        } => serve::run(
            &serve::ServeArgs {
                listen,
                data,
                scenarios,
                public_url,
                drill,
                teams,
                seed,
                pacing,
                turn_seconds,
                time_limit,
                lang: lang.into(),
                max_members,
                json,
            },
            out,
        ),
        Command::Bot {
            server,
            join,
            policy,
            name,
            seed,
            scenarios,
        } => bot::run(
            &bot::BotArgs {
                server,
                join,
                policy,
                name,
                seed,
                scenarios,
            },
            out,
        ),
        Command::History {
            command,
            history: db,
            trainee,
            scenario,
            json,
            csv,
        } => history::run(
            history::HistoryArgs {
                history: db,
                command,
                trainee,
                scenario,
                json,
                csv,
            },
            out,
        ),
        Command::Replay { command } => match command {
            ReplayCommand::Verify { log, scenario, key } => {
                replay::verify_cmd(&log, scenario.as_deref(), key.as_deref(), out)
            }
            ReplayCommand::Key => replay::key_cmd(out),
            ReplayCommand::Show {
                log,
                scenario,
                turn,
                team,
                lang,
            } => replay::show_cmd(
                &log,
                scenario.as_deref(),
                turn,
                team.as_deref(),
                lang.into(),
                out,
            ),
        },
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            print_error(e);
            EXIT_FAILURE
        }
    }
}
