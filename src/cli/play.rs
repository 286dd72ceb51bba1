//! `cyberdrill play`: solo play in the terminal. Loads the scenario (or branches from a log),
//! starts recording the replay, hands over to [`crate::tui`], and says where the replay went.

use std::fs::{File, OpenOptions};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use super::run::{branch, load_scenario_with_digest, replay_header};
use super::{EXIT_FAILURE, EXIT_INVALID, EXIT_OK};
use crate::engine::TeamId;
use crate::replay::record::SyncOnFlush;
use crate::scenario::model::Lang;
use crate::session::Session;
use crate::tui::{self, App, ReplayNote};

/// The name of the solo team in the replay.
pub const SOLO_TEAM: &str = "solo";

/// Arguments of `cyberdrill play`.
pub struct PlayArgs {
    /// Scenario file.
    pub scenario: PathBuf,
    /// Seed.
    pub seed: u64,
    /// Language (default: the locale's).
    pub lang: Option<Lang>,
    /// Replay log to write (default: a new file under `replays/`).
    pub replay: Option<PathBuf>,
    /// Log and turn to branch from.
    pub from: Option<(PathBuf, u32)>,
    /// The team's name.
    pub team: String,
    /// The player's name.
    pub player: Option<String>,
    /// The history database the session is recorded in (none: not recorded; an error: where
    /// it would be is unknown, said at the end).
    pub history: Option<Result<PathBuf, crate::history::HistoryError>>,
}

/// UTC calendar date and time of a Unix time, as `YYYYmmdd-HHMMSS`.
pub fn timestamp(unix_seconds: u64) -> String {
    let days = (unix_seconds / 86_400) as i64;
    let secs = unix_seconds % 86_400;
    // Days to civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}-{:02}{:02}{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Creates a new replay file `replays/<scenario>-seed<N>-<time>.jsonl` under `dir` (a
/// numbered variant if that name is taken).
pub fn new_replay_file(
    dir: &Path,
    scenario_id: &str,
    seed: u64,
    unix_seconds: u64,
) -> io::Result<(PathBuf, File)> {
    let folder = dir.join("replays");
    std::fs::create_dir_all(&folder)?;
    let stem = format!("{scenario_id}-seed{seed}-{}", timestamp(unix_seconds));
    for n in 1.. {
        let name = if n == 1 {
            format!("{stem}.jsonl")
        } else {
            format!("{stem}-{n}.jsonl")
        };
        let path = folder.join(name);
        // The report is written beside the log at the end: that name must be free too.
        let report_taken = ReplayNote::beside(path.clone())
            .report
            .is_some_and(|r| r.symlink_metadata().is_ok());
        if report_taken && n < 1000 {
            continue;
        }
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => {}
            Err(e) => return Err(e),
        }
    }
    unreachable!("the loop returns")
}

/// Runs the command.
pub fn run(args: &PlayArgs, out: &mut dyn Write) -> io::Result<u8> {
    let lang = args
        .lang
        .unwrap_or_else(|| tui::lang_from_env(|name| std::env::var(name).ok()));
    let Some((s, sha)) = load_scenario_with_digest(&args.scenario) else {
        return Ok(EXIT_INVALID);
    };
    let (mut session, from) = match &args.from {
        None => match Session::new(s.clone(), args.seed, &[args.team.as_str()]) {
            Ok(session) => (session, None),
            Err(e) => {
                super::print_error(format!("--team: {e}"));
                return Ok(EXIT_INVALID);
            }
        },
        Some((log_path, turn)) => match branch(&s, &args.scenario, &sha, log_path, *turn) {
            Ok((session, from)) => (session, Some(from)),
            Err(e) => {
                super::print_error(format!("{}: {e}", log_path.display()));
                return Ok(EXIT_INVALID);
            }
        },
    };
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        super::print_error(
            "cyberdrill play needs a terminal (for a headless run, use cyberdrill run)",
        );
        return Ok(EXIT_FAILURE);
    }
    let seed = session.seed();
    let opened = match &args.replay {
        // Never over an earlier session's replay, nor its report.
        Some(path) => {
            let report = ReplayNote::beside(path.clone()).report;
            if let Some(r) = report.filter(|r| r.symlink_metadata().is_ok()) {
                super::print_error(format!(
                    "{} already exists (the report of --replay {} would go there); choose another name",
                    r.display(),
                    path.display()
                ));
                return Ok(EXIT_INVALID);
            }
            OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .map(|f| (path.clone(), f))
        }
        None => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            new_replay_file(Path::new("."), &s.id, seed, now)
                .map(|(p, f)| (p.strip_prefix(".").map(Path::to_path_buf).unwrap_or(p), f))
        }
    };
    let (path, file) = match opened {
        Ok(x) => x,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            super::print_error(format!(
                "{} already exists; choose another name (play never replaces a replay)",
                args.replay
                    .as_deref()
                    .unwrap_or(Path::new("replays/"))
                    .display()
            ));
            return Ok(EXIT_INVALID);
        }
        Err(e) => {
            let target = args.replay.as_deref().unwrap_or(Path::new("replays/"));
            super::print_error(format!(
                "cannot write the replay to {}: {e}",
                target.display()
            ));
            return Ok(EXIT_FAILURE);
        }
    };
    let mut header = replay_header(&args.scenario, &sha, &session, lang, from);
    header.started = Some(crate::replay::record::now_rfc3339());
    if let Err(e) = session.record_to(Box::new(SyncOnFlush(file)), header) {
        super::print_error(format!("{}: {e}", path.display()));
        return Ok(EXIT_FAILURE);
    }
    if let Some(player) = &args.player
        && let Err(e) = session.join(TeamId(0), player)
    {
        super::print_error(format!("--player: {e}"));
        return Ok(EXIT_INVALID);
    }
    // The seal is signed with this installation's key; without one it is written unsigned.
    let key = match crate::replay::sign::installation_key_path()
        .and_then(|p| crate::replay::sign::load_or_create(&p))
    {
        Ok(k) => Some(k),
        Err(e) => {
            eprintln!("warning: the replay will not be signed: {e}");
            None
        }
    };
    let mut app = App::new(session, lang, ReplayNote::beside(path.clone()))
        .with_player(args.player.clone())
        .with_seal_key(key);
    let result = tui::run(&mut app);
    // However the trainee left, the log is sealed (a crash leaves it unsealed, and says so).
    app.seal();
    result?;
    for (line, _) in app.replay().lines(lang) {
        writeln!(out, "{line}")?;
    }
    // The sealed log goes into the history; a failure there costs nothing but the record.
    match &args.history {
        None => {}
        Some(Err(e)) => eprintln!("warning: the session was not recorded in the history: {e}"),
        Some(Ok(db)) => {
            match crate::history::record_log(
                db,
                &path,
                &args.scenario,
                crate::history::Source::Play,
            ) {
                Ok(_) => writeln!(out, "Recorded in the history: {}", db.display())?,
                Err(e) => eprintln!(
                    "warning: the session was not recorded in the history: {}",
                    crate::text::escape(&e)
                ),
            }
        }
    }
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_calendar_times() {
        assert_eq!(timestamp(0), "19700101-000000");
        assert_eq!(timestamp(951_782_400), "20000229-000000");
        assert_eq!(timestamp(1_735_689_599), "20241231-235959");
    }

    #[test]
    fn replay_files_get_a_new_name_each_time() {
        let dir = std::env::temp_dir().join(format!("cyberdrill-play-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (a, _) = new_replay_file(&dir, "tutorial", 3, 0).unwrap();
        let (b, _) = new_replay_file(&dir, "tutorial", 3, 0).unwrap();
        assert_eq!(a, dir.join("replays/tutorial-seed3-19700101-000000.jsonl"));
        assert_eq!(
            b,
            dir.join("replays/tutorial-seed3-19700101-000000-2.jsonl")
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
