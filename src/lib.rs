//! cyberdrill: a turn-based cyber incident-response exercise simulator in the style of CYDER.
//!
//! The crate map, one line per room; dependencies run one way (scenario ← engine ← scoring,
//! replay ← session ← front-ends).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cli; // command-line front-end: argument parsing, output, exit codes
pub mod engine; // the deterministic Bevy ECS turn engine, headless
pub mod files; // opening inputs (regular files only, size limits) and outputs (never over a file or an input)
pub mod history; // every session played, in SQLite; competency profiles; xAPI export
pub mod replay; // the replay log: record, read, verify by re-simulation
pub mod report; // sentences for events and scorecards, English and Japanese
pub mod scenario; // the scenario file format: raw RON mirror, validation, typed model
pub mod scoring; // pure functions from a scenario and an event stream to a scorecard
pub mod server; // the drill server (`cyberdrill serve`): many teams, a facilitator, nothing lost
pub mod session; // the API every front-end uses; bot policies
pub mod text; // untrusted text shown safely: control characters escaped, long values shortened
pub mod tui; // the terminal front-end of solo play (`cyberdrill play`), on ratatui
