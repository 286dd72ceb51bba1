//! The command line: argument parsing, dispatch to one module per subcommand, exit codes.
//! Front-ends are the only code that prints.
//!
//! Exit codes: 0 success, 1 runtime failure, 2 invalid input (scenario, replay, arguments).

mod balance;
mod check;
mod play;
mod replay;
mod report;
mod run;

/// Renders a check result as plain-text diagnostics (no colour), as `cyberdrill check` prints
/// them when not on a terminal.
pub fn render_check(checked: &crate::scenario::Checked) -> String {
    check::render(checked, false)
}

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
        /// Scenario file.
        scenario: PathBuf,
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
        /// Your name, recorded beside every decision in the replay and shown in the report.
        #[arg(long, value_name = "NAME")]
        player: Option<String>,
    },
    /// Play one bot team through a scenario, headless, and print the timeline and score.
    Run {
        /// Scenario file.
        scenario: PathBuf,
        /// `idle`, `random`, `walkthrough`, or an action file (RON, as a walkthrough).
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
        /// Start from a replay log instead of the beginning (with --turn).
        #[arg(long, value_name = "LOG", requires = "turn")]
        from: Option<PathBuf>,
        /// With --from: the turn of the log to continue after.
        #[arg(long, value_name = "N", requires = "from")]
        turn: Option<u32>,
    },
    /// Many seeded playthroughs by one policy: score distribution, win rate, objectives.
    Balance {
        /// Scenario file.
        scenario: PathBuf,
        /// `idle`, `random`, `walkthrough`, or an action file.
        #[arg(long, value_name = "P")]
        policy: String,
        /// Number of playthroughs.
        #[arg(long, value_name = "N", default_value_t = 1000)]
        runs: u64,
        /// Seed of the first run (run i plays seed S + i).
        #[arg(long, value_name = "S", default_value_t = 1)]
        seed: u64,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// The after-action report of a replay log.
    Report {
        /// The replay log.
        log: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = report::Format::Md)]
        format: report::Format,
        /// Language (default: the session's).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
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

/// Parses the process arguments, runs the command and returns its exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let code = run(cli, &mut out);
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
            from,
            turn,
        } => run::run(
            &run::RunArgs {
                scenario,
                policy,
                seed,
                turns,
                json,
                lang: lang.into(),
                replay,
                from: from.zip(turn),
            },
            out,
        ),
        Command::Balance {
            scenario,
            policy,
            runs,
            seed,
            json,
        } => balance::run(&scenario, &policy, runs, seed, json, out),
        Command::Report {
            log,
            format,
            lang,
            out: out_path,
            scenario,
        } => report::run(
            &log,
            scenario.as_deref(),
            format,
            lang.map(Into::into),
            out_path.as_deref(),
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
        } => play::run(
            &play::PlayArgs {
                scenario,
                seed,
                lang: lang.map(Into::into),
                replay,
                from: from.zip(turn),
                team,
                player,
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
            eprintln!("cyberdrill: {e}");
            EXIT_FAILURE
        }
    }
}
