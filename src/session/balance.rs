//! Balancing: many seeded playthroughs of one scenario by one policy, and their statistics.
//!
//! Run `i` plays seed `seed + i`. Runs are played in batches (up to [`BATCH`] teams, fewer
//! on large networks: see [`batch_size`]), one engine per batch, batches spread over all
//! cores with rayon; every run depends only on its own seed, and results are gathered in run
//! order, so the statistics are the same whatever the number of threads or the batch size.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use super::bots::{self, FirstChoice, Idle, Policy, RandomPolicy, Scripted};
use crate::engine::{Engine, TeamId};
use crate::scenario::Scenario;
use crate::scenario::model::{Outcome, TurnPlan};
use crate::scoring::{self, Status};

/// Most playthroughs one balance run may ask for: every run's result is kept (for the
/// percentiles), so this bounds memory (about 100 bytes a run for a scenario of twenty
/// objectives).
pub const MAX_RUNS: u64 = 1_000_000;

/// Most teams played together in one engine.
pub const BATCH: usize = 256;

/// Hosts (and other per-team items) a batch's worlds may hold together: a team world takes
/// about 100 bytes per host with its event log, so a batch stays within tens of megabytes
/// however large the network, and memory does not grow with it.
const BATCH_ITEMS: usize = 256_000;

/// Teams in one batch for this scenario: [`BATCH`] up to about a thousand hosts, then fewer,
/// at least 4.
pub fn batch_size(s: &Scenario) -> usize {
    let per_team = s.hosts.len() + s.accounts.len() + s.traces.len() + s.noise.len();
    (BATCH_ITEMS / per_team.max(1)).clamp(4, BATCH)
}

/// Which policy plays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyKind {
    /// Does nothing.
    Idle,
    /// Random legal actions.
    Random,
    /// The first choice shown to every question, nothing else (each run as the only team of
    /// a session with the run's seed).
    FirstChoice,
    /// The walkthrough, or an action file's plan.
    Scripted(Vec<TurnPlan>),
}

impl PolicyKind {
    fn make(&self, seed: u64) -> Box<dyn Policy + Send> {
        match self {
            PolicyKind::Idle => Box::new(Idle),
            PolicyKind::Random => Box::new(RandomPolicy::new(seed)),
            PolicyKind::FirstChoice => Box::new(FirstChoice::new(seed, TeamId(0))),
            PolicyKind::Scripted(plans) => Box::new(Scripted::new(plans.clone())),
        }
    }
}

/// One playthrough's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// Its seed.
    pub seed: u64,
    /// Total score.
    pub total: i64,
    /// Percentage of the maximum.
    pub percent: u32,
    /// Won.
    pub won: bool,
    /// Turns played.
    pub turns: u32,
    /// Per objective: its status.
    pub objectives: Vec<Status>,
}

/// Plays runs `first .. first + count` (seeds `seed + i`) in one engine.
fn batch(s: &Arc<Scenario>, policy: &PolicyKind, seed: u64, first: u64, count: u64) -> Vec<Run> {
    let mut engine = Engine::new(s.clone());
    let mut policies = Vec::with_capacity(count as usize);
    for i in first..first + count {
        let run_seed = seed.wrapping_add(i);
        engine.add_team(run_seed);
        policies.push(policy.make(run_seed));
    }
    bots::play_batch(&mut engine, &mut policies);
    (0..count as usize)
        .map(|t| {
            let team = TeamId(t);
            let card = scoring::score(s, engine.events(team), true);
            let ending = engine.ending(team);
            Run {
                seed: seed.wrapping_add(first + t as u64),
                total: card.total,
                percent: card.percent,
                won: ending.is_some_and(|e| e.outcome == Outcome::Win),
                turns: engine.turn(team),
                objectives: card.objectives.iter().map(|o| o.status).collect(),
            }
        })
        .collect()
}

/// Plays `runs` playthroughs; `progress` is called with the number of runs done so far
/// (from any thread).
pub fn play_runs(
    s: &Arc<Scenario>,
    policy: &PolicyKind,
    runs: u64,
    seed: u64,
    progress: &(dyn Fn(u64) + Sync),
) -> Vec<Run> {
    let done = AtomicU64::new(0);
    let size = batch_size(s);
    let batches: Vec<(u64, u64)> = (0..runs)
        .step_by(size)
        .map(|first| (first, (runs - first).min(size as u64)))
        .collect();
    let results: Vec<Vec<Run>> = batches
        .par_iter()
        .map(|&(first, count)| {
            let runs = batch(s, policy, seed, first, count);
            progress(done.fetch_add(count, Ordering::Relaxed) + count);
            runs
        })
        .collect();
    results.into_iter().flatten().collect()
}

/// Success rates of one objective.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectiveRate {
    /// Objective id.
    pub id: String,
    /// Share of runs where it was met.
    pub met: f64,
    /// Share of runs where it was partly met.
    pub partial: f64,
    /// Share of runs where it was missed.
    pub missed: f64,
    /// Share of runs where it did not apply.
    pub not_applicable: f64,
}

/// The statistics of a set of runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Scenario id.
    pub scenario: String,
    /// Policy name.
    pub policy: String,
    /// Runs.
    pub runs: u64,
    /// First seed.
    pub seed: u64,
    /// Score distribution (totals).
    pub score: Distribution,
    /// Percentage-of-maximum distribution.
    pub percent: Distribution,
    /// Share of runs won.
    pub win_rate: f64,
    /// Mean turns played.
    pub mean_turns: f64,
    /// Per objective.
    pub objectives: Vec<ObjectiveRate>,
}

/// Mean and percentiles of a sample.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distribution {
    /// Mean.
    pub mean: f64,
    /// Smallest.
    pub min: i64,
    /// 10th percentile.
    pub p10: i64,
    /// Median.
    pub p50: i64,
    /// 90th percentile.
    pub p90: i64,
    /// Largest.
    pub max: i64,
}

impl Distribution {
    /// Nearest-rank percentiles of `values`.
    pub fn of(mut values: Vec<i64>) -> Self {
        if values.is_empty() {
            return Self {
                mean: 0.0,
                min: 0,
                p10: 0,
                p50: 0,
                p90: 0,
                max: 0,
            };
        }
        values.sort_unstable();
        let n = values.len();
        let rank = |p: usize| values[((p * n).div_ceil(100)).clamp(1, n) - 1];
        Self {
            mean: round2(values.iter().sum::<i64>() as f64 / n as f64),
            min: values[0],
            p10: rank(10),
            p50: rank(50),
            p90: rank(90),
            max: values[n - 1],
        }
    }
}

/// Rounded to two decimals, so JSON output is stable and readable.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The statistics of `runs`.
pub fn summarize(s: &Scenario, policy: &str, seed: u64, runs: &[Run]) -> Summary {
    let n = runs.len().max(1) as f64;
    let share = |count: usize| round2(count as f64 / n);
    let objectives = s
        .objectives
        .iter()
        .map(|(id, o)| {
            let count = |st: Status| {
                runs.iter()
                    .filter(|r| r.objectives[id.index()] == st)
                    .count()
            };
            ObjectiveRate {
                id: o.key.clone(),
                met: share(count(Status::Met)),
                partial: share(count(Status::Partial)),
                missed: share(count(Status::Missed)),
                not_applicable: share(count(Status::NotApplicable)),
            }
        })
        .collect();
    Summary {
        scenario: s.id.clone(),
        policy: policy.to_owned(),
        runs: runs.len() as u64,
        seed,
        score: Distribution::of(runs.iter().map(|r| r.total).collect()),
        percent: Distribution::of(runs.iter().map(|r| i64::from(r.percent)).collect()),
        win_rate: share(runs.iter().filter(|r| r.won).count()),
        mean_turns: round2(runs.iter().map(|r| f64::from(r.turns)).sum::<f64>() / n),
        objectives,
    }
}

#[cfg(test)]
mod tests {
    use super::Distribution;

    #[test]
    fn nearest_rank_percentiles() {
        let d = Distribution::of((1..=10).collect());
        assert_eq!((d.min, d.p10, d.p50, d.p90, d.max), (1, 1, 5, 9, 10));
        assert_eq!(d.mean, 5.5);
        let d = Distribution::of(vec![7]);
        assert_eq!((d.p10, d.p50, d.p90), (7, 7, 7));
        let d = Distribution::of(vec![]);
        assert_eq!(d.max, 0);
    }
}
