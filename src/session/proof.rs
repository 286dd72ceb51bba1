//! The walkthrough, proved by playing it: the part of `cyberdrill check` that needs the engine.
//!
//! Static validation (in `scenario/`) cannot know whether an action will be legal when its
//! turn comes (is the alert in the inbox yet? is the host being rebuilt?). Here the
//! walkthrough is played on a sweep of seeds; every refused command becomes an error at its
//! place in the file, a walkthrough that loses on some seeds a warning (an error if it never
//! wins), and a win condition that holds before anything happens a warning.

use std::path::Path as FsPath;
use std::sync::Arc;

use super::Session;
use super::bots::{self, Scripted};
use crate::engine::TeamId;
use crate::engine::event::EventKind;
use crate::report::describe;
use crate::scenario::locate::SourceMap;
use crate::scenario::model::{Command, Lang, Outcome};
use crate::scenario::problem::{Path, Problems};
use crate::scenario::{self, Checked, LoadError, Scenario};

/// Seeds the walkthrough is played on.
pub const PROOF_SEEDS: std::ops::Range<u64> = 1..21;

/// Plays the walkthrough on every seed in `seeds` and reports what went wrong.
pub(crate) fn prove(s: &Arc<Scenario>, seeds: std::ops::Range<u64>, problems: &mut Problems) {
    let walkthrough = Path::root().field("walkthrough");
    {
        let session = Session::new(s.clone(), seeds.start, &["proof"]).expect("one team");
        if session.view(TeamId(0)).holds(&s.team_wins) {
            problems.warn_hint(
                &Path::root().field("end").field("team_wins"),
                "the team's win condition already holds before anything happens",
                "the session would end as a win at the end of turn 1; require something the team must do",
            );
        }
    }
    let mut reported: Vec<(usize, usize)> = Vec::new();
    let mut losses = Vec::new();
    let mut late: Vec<usize> = Vec::new();
    let runs = seeds.end - seeds.start;
    for seed in seeds {
        let mut session = Session::new(s.clone(), seed, &["proof"]).expect("one team");
        let team = TeamId(0);
        if bots::play(&mut session, team, &mut Scripted::walkthrough(s), None).is_err() {
            continue;
        }
        for e in session.events(team) {
            let EventKind::Refused { command, reason } = &e.kind else {
                continue;
            };
            let Some((i, j)) = locate(s, e.turn, command) else {
                continue;
            };
            if reported.contains(&(i, j)) {
                continue;
            }
            reported.push((i, j));
            problems.error_hint(
                &walkthrough.index(i).field("actions").index(j),
                format!(
                    "the engine refuses this at turn {} (seed {seed}): {}",
                    e.turn,
                    describe::refusal(reason, Lang::En)
                ),
                "play it with `cyberdrill run --policy walkthrough --seed N` to see the turn",
            );
        }
        if let Some(ending) = session.ending(team) {
            if ending.outcome == Outcome::Loss {
                losses.push((seed, ending));
            }
            for (i, plan) in s.walkthrough.iter().enumerate() {
                if plan.turn > ending.turn && !late.contains(&i) {
                    late.push(i);
                    problems.warn_hint(
                        &walkthrough.index(i).field("turn"),
                        format!(
                            "the session is over before turn {} (it ends at turn {} with seed {seed}), so these actions are never played",
                            plan.turn, ending.turn
                        ),
                        "end the walkthrough when the team has won, or check the win condition",
                    );
                }
            }
        }
    }
    if let Some((seed, ending)) = losses.first() {
        let why = describe::ending(ending.outcome, ending.reason, Lang::En);
        let message = format!(
            "the walkthrough loses on {} of {runs} seeds (seed {seed}: {why} at turn {})",
            losses.len(),
            ending.turn
        );
        if losses.len() as u64 == runs {
            problems.error_hint(
                &walkthrough,
                message,
                "a walkthrough must prove the scenario can be won",
            );
        } else {
            problems.warn_hint(
                &walkthrough,
                message,
                "the reference solution should win whatever the dice; act earlier or make the attack less certain",
            );
        }
    }
}

/// The walkthrough entry (plan index, command index) of a command played at `turn`.
fn locate(s: &Scenario, turn: u32, command: &Command) -> Option<(usize, usize)> {
    let i = s.walkthrough.iter().position(|p| p.turn == turn)?;
    let j = s.walkthrough[i]
        .commands
        .iter()
        .position(|c| c == command)?;
    Some((i, j))
}

/// `cyberdrill check` for one file: the static checks, then, if they pass, the walkthrough
/// played on [`PROOF_SEEDS`].
pub fn check_file(path: &FsPath) -> Result<Checked, LoadError> {
    let mut checked = scenario::check_file(path)?;
    extend(&mut checked);
    Ok(checked)
}

/// [`check_file`] for bytes already read; `file` names them in messages.
pub fn check_bytes(file: &str, bytes: &[u8]) -> Checked {
    let mut checked = scenario::check_bytes(file, bytes);
    extend(&mut checked);
    checked
}

/// Adds the walkthrough proof's problems to a static check result (if it found no error).
pub fn extend(checked: &mut Checked) {
    let Some(s) = checked.scenario.take() else {
        return;
    };
    let s = Arc::new(s);
    let mut problems = Problems::default();
    prove(&s, PROOF_SEEDS, &mut problems);
    // Positions in the source are looked for only when there is a problem to point at.
    if !problems.list.is_empty() {
        let map = SourceMap::new(&checked.source);
        checked
            .problems
            .extend(problems.list.into_iter().map(|p| p.locate(&map)));
        checked
            .problems
            .sort_by_key(|p| (p.line, p.col, p.severity));
    }
    checked.scenario = Arc::try_unwrap(s).ok();
}
