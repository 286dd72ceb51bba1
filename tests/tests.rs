//! Integration tests, one binary (faster to build than one per file).
//!
//! Where new tests go:
//! - `balance.rs`: many playthroughs: thread independence, statistics, JSON.
//! - `check.rs`: the scenario format and `cyberdrill check` (broken fixtures are made by
//!   editing the tutorial, so each one differs from a valid scenario by exactly one problem).
//! - `hostile.rs`: hostile input through the real binary and parsers: pipes, outputs over
//!   files and inputs, control characters, parser messages, mutated scenarios and action files.
//! - `history.rs`: the drill history: recording, import, migrations, concurrent writers,
//!   damaged and newer databases, profiles, CSV and xAPI.
//! - `engine.rs`: the turn engine, verb by verb and mechanic by mechanic (on
//!   `tests/fixtures/lab.ron`, a bench scenario using every verb).
//! - `format2.rs`: scenario format 2's mechanics (undo verbs, messages that reveal or add
//!   monitoring, duties kept by actions and follow-ups, `Done`, the internet path, goals that
//!   do not end the session, answers with effects, data copies, sets of targets), each on the
//!   lab turned to format 2.
//! - `determinism.rs`: same inputs, same bytes; seed sweeps; the golden roll sequence.
//! - `play_e2e.rs`: the real `cyberdrill play` in a pseudo-terminal, end to end (a whole
//!   exercise, quitting midway, no terminal); screens read back through `vt100`.
//! - `replay.rs`: the replay log: golden logs, tampering, truncation, branching.
//! - `report.rs`: the after-action report (snapshots in `tests/snapshots/`).
//! - `server.rs`: `cyberdrill serve`, started on a loopback port in the test process and
//!   driven over HTTP and WebSockets (bots, isolation, hostile requests, the facilitator,
//!   live updates, restarts); `server_crash.rs`: the real binary killed with SIGKILL mid-drill.
//! - `web.rs`: the browser pages as HTML (both languages, forms without a script, the
//!   facilitator's console); `tests/browser/` (its own binary) drives them in Chromium.
//! - `scale.rs`: generated scenarios of any size (made by `synth.rs`, which the benchmarks
//!   share).
//! - `scoring.rs`: scorecards from hand-built event streams, objective by objective.
//! - `scenarios.rs`: properties every shipped scenario must keep.
//! - `tui.rs`: the terminal UI of `cyberdrill play`, driven by keys (screen snapshots in
//!   both languages, the action composer's rules).
//! - `util.rs`: helpers shared by the others (running the binary, reading scenarios).

mod balance;
mod check;
mod determinism;
mod engine;
mod format2;
mod history;
mod hostile;
mod play_e2e;
mod replay;
mod report;
mod scale;
mod scenarios;
mod scoring;
mod server;
mod server_crash;
mod synth;
mod tui;
mod util;
mod web;
