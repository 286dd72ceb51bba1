//! The data directory: one folder per drill, holding everything needed to bring it back.
//!
//! ```text
//! DATA/
//!   facilitator.token   the facilitator's secret (owner-only)
//!   server.key          the Ed25519 key drill logs are sealed with (owner-only)
//!   index.sqlite        drills, teams, members, scores (a cache: rebuilt from the folders)
//!   <drill id>/
//!     drill.json        how the drill was set up (scenario, seed, teams and join codes, pacing)
//!     scenario.ron      the scenario file, copied when the drill was created
//!     log.jsonl         the replay log: the record of truth (docs/replay-format.md)
//!     journal.jsonl     input not yet played: members' tokens, queued commands, readiness,
//!                       findings drafts, start, pause, timers, the end
//! ```
//!
//! The log and the journal are appended to and flushed to the disk (`fsync`) before a request
//! is answered. After a crash, an incomplete last line (never acknowledged) is cut off.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::scenario::model::Lang;
use crate::scenario::raw::RawCommand;

/// How turns advance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Pacing {
    /// A turn ends for everyone together: when every team has ended it, when the facilitator
    /// advances, or when the turn timer runs out.
    Sync,
    /// Each team advances itself; the facilitator watches.
    #[value(name = "self")]
    #[serde(rename = "self")]
    SelfPaced,
}

/// One team of a drill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamConfig {
    /// Its name.
    pub name: String,
    /// Its join code (`XXXX-XXXX`).
    pub code: String,
}

/// How a drill was set up (`drill.json`; never changes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrillConfig {
    /// The drill's id (its folder's name).
    pub id: String,
    /// The scenario's id.
    pub scenario: String,
    /// The scenario file it was created from (a copy is in the drill's folder).
    pub source: String,
    /// The seed.
    pub seed: u64,
    /// The teams.
    pub teams: Vec<TeamConfig>,
    /// Pacing.
    pub pacing: Pacing,
    /// Seconds per turn (sync pacing), if turns are timed.
    pub turn_seconds: Option<u32>,
    /// Seconds for the whole drill (any pacing): it ends when they are up. if limited.
    pub time_limit_seconds: Option<u32>,
    /// The drill's language (each person may switch).
    pub lang: Lang,
    /// Most members per team.
    pub max_members: u32,
    /// When it was created (UTC, RFC 3339).
    pub created: String,
}

/// One journal entry: input accepted but not yet played, or a change of the drill's pace.
/// `turn` is the team's turn being planned (its last turn played + 1): entries for turns
/// already in the log are spent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum JournalOp {
    /// A member joined (or joined again from another device) and got a token.
    Join {
        /// Team index.
        team: usize,
        /// Member name.
        name: String,
        /// SHA-256 of the token.
        token: String,
    },
    /// A command was queued.
    Queue {
        /// Team index.
        team: usize,
        /// Turn being planned.
        turn: u32,
        /// Who queued it.
        by: String,
        /// The command.
        command: RawCommand,
    },
    /// A queued command was taken back.
    Withdraw {
        /// Team index.
        team: usize,
        /// Turn being planned.
        turn: u32,
        /// Its position in the queue.
        index: usize,
    },
    /// A member said they are done with the turn (or not any more); `force` ends the team's
    /// turn whatever the others say.
    Ready {
        /// Team index.
        team: usize,
        /// Turn being planned.
        turn: u32,
        /// The member.
        member: String,
        /// Ready or not.
        ready: bool,
        /// End the team's turn now.
        force: bool,
    },
    /// A team's half-written findings report (whatever its client keeps).
    Draft {
        /// Team index.
        team: usize,
        /// Turn being planned.
        turn: u32,
        /// The draft.
        draft: serde_json::Value,
    },
    /// The facilitator started the drill.
    Start {
        /// Wall-clock milliseconds since the Unix epoch.
        at: i64,
    },
    /// The facilitator paused the drill.
    Pause {
        /// Milliseconds left on the turn timer, if it ran.
        turn_left_ms: Option<i64>,
        /// Milliseconds left of the whole drill's time limit, if it has one.
        drill_left_ms: Option<i64>,
    },
    /// The facilitator resumed it.
    Resume {
        /// Wall-clock milliseconds since the Unix epoch.
        at: i64,
    },
    /// The turn timer (sync) or the drill's time limit (self) was set.
    Timer {
        /// Turn deadline, wall-clock milliseconds since the Unix epoch.
        turn_deadline: Option<i64>,
        /// Drill deadline, wall-clock milliseconds since the Unix epoch.
        drill_deadline: Option<i64>,
    },
}

/// Wall-clock milliseconds since the Unix epoch (for timers that must survive a restart).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Paths of one drill's files.
#[derive(Debug, Clone)]
pub struct DrillDir {
    /// The folder.
    pub dir: PathBuf,
}

impl DrillDir {
    /// The folder of drill `id` under `data`.
    pub fn new(data: &Path, id: &str) -> Self {
        Self { dir: data.join(id) }
    }

    /// `drill.json`.
    pub fn config(&self) -> PathBuf {
        self.dir.join("drill.json")
    }

    /// `scenario.ron`.
    pub fn scenario(&self) -> PathBuf {
        self.dir.join("scenario.ron")
    }

    /// `log.jsonl`.
    pub fn log(&self) -> PathBuf {
        self.dir.join("log.jsonl")
    }

    /// `journal.jsonl`.
    pub fn journal(&self) -> PathBuf {
        self.dir.join("journal.jsonl")
    }

    /// Creates the folder with its configuration and scenario copy (each written to a
    /// temporary file, synced, then renamed, so a crash leaves all or nothing).
    pub fn create(&self, config: &DrillConfig, scenario: &[u8]) -> io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        write_atomic(&self.scenario(), scenario)?;
        let json = serde_json::to_vec_pretty(config).map_err(io::Error::other)?;
        write_atomic(&self.config(), &json)?;
        sync_dir(&self.dir)
    }

    /// Reads the configuration.
    pub fn read_config(&self) -> io::Result<DrillConfig> {
        let bytes = std::fs::read(self.config())?;
        serde_json::from_slice(&bytes)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))
    }
}

/// Writes a file whole or not at all.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = path.with_extension("tmp");
    {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

/// Makes a folder's new entries survive a crash.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Cuts an incomplete last line off a file of lines (a write the crash interrupted, which was
/// never acknowledged); returns the bytes kept.
pub fn cut_torn_line(path: &Path) -> io::Result<Vec<u8>> {
    let mut bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        let keep = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        bytes.truncate(keep);
        let f = OpenOptions::new().write(true).open(path)?;
        f.set_len(keep as u64)?;
        f.sync_all()?;
    }
    Ok(bytes)
}

/// An append-only file of JSON lines, each flushed to the disk before `append` returns.
pub struct Journal {
    file: File,
}

impl Journal {
    /// Opens (or creates) the journal for appending.
    pub fn open(path: &Path) -> io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Self { file })
    }

    /// Appends one entry and waits until it is on the disk.
    pub fn append(&mut self, op: &JournalOp) -> io::Result<()> {
        let mut line = serde_json::to_vec(op).map_err(io::Error::other)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.file.sync_data()
    }

    /// Reads the entries of a journal's bytes (an unreadable line is an error naming it).
    pub fn parse(bytes: &[u8]) -> Result<Vec<JournalOp>, String> {
        bytes
            .split(|&b| b == b'\n')
            .enumerate()
            .filter(|(_, l)| !l.is_empty())
            .map(|(i, l)| {
                serde_json::from_slice(l).map_err(|e| format!("journal line {}: {e}", i + 1))
            })
            .collect()
    }
}

/// A secret kept in a file readable only by its owner: read it, or make it with `make`.
pub fn secret_file(path: &Path, make: impl FnOnce() -> String) -> io::Result<String> {
    match std::fs::read_to_string(path) {
        Ok(text) if !text.trim().is_empty() => return Ok(text.trim().to_owned()),
        Ok(_) => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{} is empty", path.display()),
            ));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let value = make();
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path)?;
    writeln!(f, "{value}")?;
    f.sync_all()?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_torn_last_line_is_cut_and_whole_lines_kept() {
        let dir = std::env::temp_dir().join(format!("cyberdrill-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("j.jsonl");
        std::fs::write(&path, b"{\"a\":1}\n{\"b\":").unwrap();
        assert_eq!(cut_torn_line(&path).unwrap(), b"{\"a\":1}\n");
        assert_eq!(std::fs::read(&path).unwrap(), b"{\"a\":1}\n");
        assert_eq!(cut_torn_line(&dir.join("none")).unwrap(), b"");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn journal_entries_read_back() {
        let ops = vec![
            JournalOp::Start { at: 5 },
            JournalOp::Ready {
                team: 1,
                turn: 2,
                member: "Aoki".into(),
                ready: true,
                force: false,
            },
        ];
        let mut bytes = Vec::new();
        for op in &ops {
            bytes.extend(serde_json::to_vec(op).unwrap());
            bytes.push(b'\n');
        }
        assert_eq!(Journal::parse(&bytes).unwrap(), ops);
        assert!(Journal::parse(b"{\"op\":\"fly\"}\n").is_err());
    }
}
