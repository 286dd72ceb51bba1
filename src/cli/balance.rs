//! `cyberdrill balance`: many seeded playthroughs and their statistics.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};

use super::{EXIT_INVALID, EXIT_OK};
use crate::session::balance::{PolicyKind, Summary, play_runs, summarize};
use crate::session::bots;

/// Runs the command.
pub fn run(
    scenario: &Path,
    policy: &str,
    runs: u64,
    seed: u64,
    json: bool,
    out: &mut dyn Write,
) -> io::Result<u8> {
    let Some((s, _)) = super::run::load_scenario_with_digest(scenario) else {
        return Ok(EXIT_INVALID);
    };
    let kind = match policy {
        "idle" => PolicyKind::Idle,
        "random" => PolicyKind::Random,
        "first-choice" => PolicyKind::FirstChoice,
        "walkthrough" => PolicyKind::Scripted(s.walkthrough.clone()),
        file => match bots::load_plan(Path::new(file), &s) {
            Ok(plan) => PolicyKind::Scripted(plan),
            Err(e) => {
                super::print_error(e);
                return Ok(EXIT_INVALID);
            }
        },
    };
    if runs == 0 || runs > crate::session::balance::MAX_RUNS {
        super::print_error(format!(
            "--runs must be between 1 and {}",
            crate::session::balance::MAX_RUNS
        ));
        return Ok(EXIT_INVALID);
    }
    let bar = (!json && io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(runs);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} runs ({eta} left)")
                .expect("a valid template"),
        );
        bar
    });
    let report = |done: u64| {
        if let Some(bar) = &bar {
            bar.set_position(done);
        }
    };
    let results = play_runs(&s, &kind, runs, seed, &report);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let summary = summarize(&s, policy, seed, &results);
    if json {
        writeln!(
            out,
            "{}",
            serde_json::to_string(&summary).expect("summaries serialize")
        )?;
    } else {
        super::write_escaped(out, text(&summary).as_bytes())?;
    }
    Ok(EXIT_OK)
}

/// The summary as a table.
pub fn text(m: &Summary) -> String {
    let mut t = format!(
        "{} — policy {}, {} runs from seed {}\n\
         score:   mean {:.2}  min {}  p10 {}  p50 {}  p90 {}  max {}\n\
         percent: mean {:.2}  min {}  p10 {}  p50 {}  p90 {}  max {}\n\
         win rate {:.0}%, mean turns {:.2}\n\
         objective              met  partial  missed  n/a\n",
        m.scenario,
        m.policy,
        m.runs,
        m.seed,
        m.score.mean,
        m.score.min,
        m.score.p10,
        m.score.p50,
        m.score.p90,
        m.score.max,
        m.percent.mean,
        m.percent.min,
        m.percent.p10,
        m.percent.p50,
        m.percent.p90,
        m.percent.max,
        m.win_rate * 100.0,
        m.mean_turns
    );
    for o in &m.objectives {
        t.push_str(&format!(
            "  {:<20} {:>4.0}%  {:>5.0}%  {:>5.0}%  {:>3.0}%\n",
            o.id,
            o.met * 100.0,
            o.partial * 100.0,
            o.missed * 100.0,
            o.not_applicable * 100.0
        ));
    }
    t
}
