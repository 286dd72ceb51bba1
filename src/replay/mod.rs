//! The replay log: the session's record of truth, written as it runs and verified by
//! re-simulation.
//!
//! JSON Lines: a header (format, cyberdrill version, scenario id and the SHA-256 of the
//! scenario file's bytes, seed, teams, language, and the parent log if the session branched),
//! then one line per team per turn with the commands submitted, every event, the SHA-256 of
//! the team world's state after the turn, and the SHA-256 of the previous line; in format 2
//! also members joining, facilitator interventions and announcements, and a seal (signed
//! where a key is held) that marks the log complete. See `docs/replay-format.md`.

pub mod read;
pub mod record;
pub mod sign;
pub mod verify;

pub use read::{Entry as LogEntry, Log};
pub use record::{
    BranchRef, Entry, EventRecord, Header, RecordedEvent, Recorder, SealReason, TurnLine,
};
pub use verify::{Verified, verify};

/// Why a log cannot be read, verified or branched from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    /// The log could not be read.
    #[error("cannot read {file}: {message}")]
    Io {
        /// The file.
        file: String,
        /// The cause.
        message: String,
    },
    /// The log is empty.
    #[error("the log is empty")]
    Empty,
    /// A line is not a valid log line.
    #[error("line {line} is corrupt: {message}")]
    Corrupt {
        /// The line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The log's format version is not supported.
    #[error(
        "replay format {found} is not supported (this build reads formats 1 to {})",
        record::REPLAY_FORMAT
    )]
    Format {
        /// The version found.
        found: u32,
    },
    /// The last line is incomplete.
    #[error(
        "the log is truncated: line {line} is incomplete ({complete} complete line(s) before it verify); the session stopped while writing it"
    )]
    Truncated {
        /// The incomplete line.
        line: usize,
        /// Complete lines before it.
        complete: usize,
    },
    /// A line's `prev` does not match the previous line.
    #[error(
        "line {line}: the hash chain is broken — line {} was changed, or a line before {line} was removed or moved",
        line - 1
    )]
    BrokenChain {
        /// The line whose `prev` does not match.
        line: usize,
    },
    /// The scenario file is not the one the log was recorded with.
    #[error(
        "wrong scenario file {file}: the log was recorded with scenario `{id}` whose file had SHA-256 {expected}, this file has {found}"
    )]
    WrongScenario {
        /// The file given.
        file: String,
        /// The scenario id in the log.
        id: String,
        /// The digest in the log.
        expected: String,
        /// The file's digest.
        found: String,
    },
    /// The scenario file cannot be used.
    #[error("scenario {file} cannot be used: {message}")]
    Scenario {
        /// The file.
        file: String,
        /// Why.
        message: String,
    },
    /// A line names a team that does not exist.
    #[error("line {line}: there is no team {team}")]
    NoTeam {
        /// The line.
        line: usize,
        /// The team index.
        team: usize,
    },
    /// A line plays a turn out of order.
    #[error("line {line}: team {team} plays turn {found}, but its next turn is {expected}")]
    OutOfOrder {
        /// The line.
        line: usize,
        /// The team.
        team: usize,
        /// The turn expected.
        expected: u32,
        /// The turn found.
        found: u32,
    },
    /// A recorded command does not fit the scenario.
    #[error("line {line} (team {team}, turn {turn}): {message}")]
    BadAction {
        /// The line.
        line: usize,
        /// The team.
        team: usize,
        /// The turn.
        turn: u32,
        /// What is wrong.
        message: String,
    },
    /// Re-simulating a line gives something else than what is recorded.
    #[error(
        "line {line} (team {team}, turn {turn}): the {what} differ from the re-simulation\n  recorded:  {recorded}\n  simulated: {simulated}"
    )]
    Diverged {
        /// The line.
        line: usize,
        /// The team.
        team: usize,
        /// The turn.
        turn: u32,
        /// What differs (`events`, `state digest`, `line`).
        what: String,
        /// The recorded value.
        recorded: String,
        /// The re-simulated value.
        simulated: String,
    },
    /// The header does not fit the scenario (or was altered and the chain recomputed).
    #[error("line 1: {message}")]
    Header {
        /// What does not fit.
        message: String,
    },
    /// The log was played by engine rules this build does not have.
    #[error(
        "the log was played by engine rules {found}; this build plays by rules {} to {}",
        crate::engine::OLDEST_RULES,
        record::RULES
    )]
    Rules {
        /// The rules revision in the header.
        found: u32,
    },
    /// A format-2 log ends without its seal.
    #[error(
        "the log is not sealed: it stops after line {line} ({turns}) without the seal a finished session writes — the session was cut off, or is still running; the lines up to there verify"
    )]
    Unsealed {
        /// The last line.
        line: usize,
        /// Where each team stopped.
        turns: String,
    },
    /// The seal does not fit the log.
    #[error("line {line}: the seal {message}")]
    Seal {
        /// The seal's line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A key was given but the log is not signed.
    #[error("the log is not signed, so it cannot be checked against the key {expected}")]
    NotSigned {
        /// The key given.
        expected: String,
    },
    /// The log is signed, but by another key.
    #[error("the log is signed by key {found}, not by the key given ({expected})")]
    WrongKey {
        /// The key given.
        expected: String,
        /// The key that signed.
        found: String,
    },
    /// A branch point beyond the log.
    #[error("the log reaches turn {last}; it cannot be branched at turn {turn}")]
    BranchTurn {
        /// The turn asked for.
        turn: u32,
        /// The log's last turn.
        last: u32,
    },
}
