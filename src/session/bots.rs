//! Bot teams: policies that decide a team's commands each turn from what the team can see.
//!
//! `idle` does nothing, `first-choice` answers every question with the first choice shown
//! and does nothing else, `random` picks random legal actions with its own seeded generator,
//! `walkthrough` plays the scenario's reference solution, and a file policy plays an action
//! file written in the walkthrough's form.

use std::path::Path;

use rand::rngs::ChaCha8Rng;
use rand::{Rng, SeedableRng};

use super::{Session, SessionError};
use crate::engine::state::View;
use crate::engine::{Engine, TeamId};
use crate::scenario::locate::{LineCol, SourceMap, Step};
use crate::scenario::model::{Command, Findings, HostId, Target, TargetKind, TurnPlan};
use crate::scenario::raw::RawTurnPlan;
use crate::scenario::validate::resolve_command;
use crate::scenario::{Scenario, ron_options};

/// Decides a team's commands for its next turn.
pub trait Policy {
    /// The commands, given the team's world (a fair policy reads only what the team knows).
    fn decide(&mut self, view: &View) -> Vec<Command>;
}

/// Does nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Idle;

impl Policy for Idle {
    fn decide(&mut self, _: &View) -> Vec<Command> {
        Vec::new()
    }
}

/// Plays a fixed plan: the walkthrough or an action file.
#[derive(Debug, Clone)]
pub struct Scripted {
    plans: Vec<TurnPlan>,
}

impl Scripted {
    /// A policy playing `plans`.
    pub fn new(plans: Vec<TurnPlan>) -> Self {
        Self { plans }
    }

    /// The scenario's reference solution.
    pub fn walkthrough(s: &Scenario) -> Self {
        Self::new(s.walkthrough.clone())
    }
}

impl Policy for Scripted {
    fn decide(&mut self, view: &View) -> Vec<Command> {
        let turn = view.next_turn();
        self.plans
            .iter()
            .filter(|p| p.turn == turn)
            .flat_map(|p| p.commands.iter().cloned())
            .collect()
    }
}

/// Answers every question with the first choice shown to the team and does nothing else
/// (it triages nothing): a player who presses Enter without reading. With choices shown in
/// the team's own order (see [`super::order`]) it must score no better than random play.
#[derive(Debug, Clone, Copy)]
pub struct FirstChoice {
    seed: u64,
    team: usize,
}

impl FirstChoice {
    /// The policy for team `team` of a session seeded with `seed`.
    pub fn new(seed: u64, team: TeamId) -> Self {
        Self { seed, team: team.0 }
    }
}

impl Policy for FirstChoice {
    fn decide(&mut self, view: &View) -> Vec<Command> {
        let s = view.s;
        let k = view.knowledge;
        let next = view.next_turn();
        s.injects
            .iter()
            .filter_map(|(id, inject)| {
                let q = inject.question.as_ref()?;
                let at = k.delivered[id.index()]?;
                (at < next && k.answers[id.index()].is_none() && !k.expired[id.index()])
                    .then_some(())?;
                let order =
                    super::order::shown_order(self.seed, self.team, &inject.key, q.choices.len());
                Some(Command::Answer {
                    inject: id,
                    choice: *order.first()?,
                })
            })
            .collect()
    }
}

/// Random legal actions, with its own generator (never the team world's).
#[derive(Debug)]
pub struct RandomPolicy {
    rng: ChaCha8Rng,
}

impl RandomPolicy {
    /// A random policy for a session seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        // A distinct stream from the team world's generator with the same seed.
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(0x626f_7473);
        Self { rng }
    }

    fn below(&mut self, n: usize) -> usize {
        ((u64::from(self.rng.next_u32()) * n as u64) >> 32) as usize
    }
}

impl Policy for RandomPolicy {
    fn decide(&mut self, view: &View) -> Vec<Command> {
        let s = view.s;
        let mut commands = Vec::new();
        // Answer each open question at random, half of the time.
        for (id, inject) in s.injects.iter() {
            let k = view.knowledge;
            if let Some(q) = &inject.question
                && k.delivered[id.index()].is_some()
                && k.answers[id.index()].is_none()
                && !k.expired[id.index()]
                && self.below(2) == 0
            {
                let choice = self.below(q.choices.len());
                commands.push(Command::Answer { inject: id, choice });
            }
        }
        let committed: u32 = view
            .staff
            .tasks
            .iter()
            .map(|t| s.actions[t.action].cost)
            .sum();
        let mut budget = s
            .effort_per_turn
            .saturating_add(view.staff.bonus)
            .saturating_sub(committed);
        for _ in 0..8 {
            if budget == 0 || self.below(4) == 0 {
                break;
            }
            // A random affordable action: a few random draws, then the exact list.
            let mut action = None;
            for _ in 0..4 {
                let a = crate::scenario::model::Id::new(self.below(s.actions.len()));
                if s.actions[a].cost <= budget {
                    action = Some(a);
                    break;
                }
            }
            let action = match action {
                Some(a) => a,
                None => {
                    let affordable: Vec<_> = s
                        .actions
                        .iter()
                        .filter(|(_, a)| a.cost <= budget)
                        .map(|(id, _)| id)
                        .collect();
                    if affordable.is_empty() {
                        break;
                    }
                    affordable[self.below(affordable.len())]
                }
            };
            let Some(target) = self.target(view, action, &commands) else {
                continue;
            };
            budget -= s.actions[action].cost;
            commands.push(Command::Act { action, target });
        }
        // Keep only what the engine will accept, checked as it will check them: each against
        // the state the ones before it leave (a refused command changes nothing, so dropping
        // it leaves the others' verdicts as they were).
        let verdicts = view.check_queue(&commands).verdicts;
        commands
            .into_iter()
            .zip(verdicts)
            .filter_map(|(c, v)| v.is_ok().then_some(c))
            .collect()
    }
}

/// Above this many candidates of a kind, the random policy samples targets and never lists
/// the legal ones (the shipped scenarios stay far below it).
const SCAN_UP_TO: usize = 1024;

/// How many targets of a kind there are to draw from (alerts: the inbox's entries).
fn candidates(view: &View, kind: TargetKind) -> usize {
    let s = view.s;
    match kind {
        TargetKind::Host => s.hosts.len(),
        TargetKind::Segment => s.segments.len(),
        TargetKind::Account => s.accounts.len(),
        TargetKind::Address => s.addresses.len(),
        TargetKind::Stakeholder => s.stakeholders.len(),
        TargetKind::Mitigation => s.mitigations.len(),
        TargetKind::Alert => view.knowledge.alerts.len(),
        TargetKind::Org | TargetKind::Findings => 0,
    }
}

impl RandomPolicy {
    /// A uniformly random legal target for the action that is not already chosen this turn:
    /// a few random candidates first (a legal one found this way is uniform among the legal
    /// ones), then the exact list of legal targets (only among at most [`SCAN_UP_TO`]
    /// candidates; among more, 64 draws and no target if none is legal).
    fn target(
        &mut self,
        view: &View,
        action: crate::scenario::model::ActionId,
        chosen: &[Command],
    ) -> Option<Target> {
        let s = view.s;
        let a = &s.actions[action];
        let fresh = |t: &Target| {
            !chosen.contains(&Command::Act {
                action,
                target: t.clone(),
            })
        };
        match a.verb.target_kind() {
            TargetKind::Org => return Some(Target::Org).filter(fresh),
            TargetKind::Findings => {
                return self
                    .findings(view)
                    .map(|f| Target::Findings(Box::new(f)))
                    .filter(fresh);
            }
            _ => {}
        }
        let running = |t: &Target| {
            view.staff
                .tasks
                .iter()
                .any(|task| task.action == action && task.target == *t)
        };
        // Among many candidates (a large network, a long inbox) the exact list would visit
        // every one: more draws instead, and no target if none of them is legal.
        let sampled_only = a.only.is_empty() && candidates(view, a.verb.target_kind()) > SCAN_UP_TO;
        let draws = if sampled_only { 64 } else { 4 };
        for _ in 0..draws {
            let candidate = if a.only.is_empty() {
                self.candidate(view, a.verb.target_kind())
            } else {
                Some(a.only[self.below(a.only.len())].clone())
            };
            if let Some(t) = candidate
                && view.check_target(a.verb, &t).is_ok()
                && !running(&t)
                && fresh(&t)
            {
                return Some(t);
            }
        }
        if sampled_only {
            return None;
        }
        let legal: Vec<Target> = view
            .legal_targets(action)
            .into_iter()
            .filter(fresh)
            .collect();
        (!legal.is_empty()).then(|| legal[self.below(legal.len())].clone())
    }

    /// A random target of a kind, legal or not (for alerts: one from the inbox).
    fn candidate(&mut self, view: &View, kind: TargetKind) -> Option<Target> {
        use crate::scenario::model::Id;
        let n = candidates(view, kind);
        if n == 0 {
            return None;
        }
        let i = self.below(n);
        Some(match kind {
            TargetKind::Host => Target::Host(Id::new(i)),
            TargetKind::Segment => Target::Segment(Id::new(i)),
            TargetKind::Account => Target::Account(Id::new(i)),
            TargetKind::Address => Target::Address(Id::new(i)),
            TargetKind::Stakeholder => Target::Stakeholder(Id::new(i)),
            TargetKind::Mitigation => Target::Mitigation(Id::new(i)),
            TargetKind::Alert => Target::Alert(view.knowledge.alerts[i].alert),
            TargetKind::Org | TargetKind::Findings => return None,
        })
    }
    /// A findings report from what the team knows: a random entry vector, the hosts it has
    /// confirmed, and the turn of its first alert.
    fn findings(&mut self, view: &View) -> Option<Findings> {
        let s = view.s;
        if s.entry_vectors.is_empty() {
            return None;
        }
        let entry = crate::scenario::model::Id::new(self.below(s.entry_vectors.len()));
        let hosts: Vec<HostId> = s
            .hosts
            .ids()
            .filter(|h| view.knowledge.hosts[h.index()].confirmed)
            .collect();
        let first_turn = view.knowledge.alerts.first().map_or(1, |a| a.turn);
        // No draw when the form asks for no root cause: the dice of earlier scenarios stay.
        let root_cause = (!s.root_causes.is_empty())
            .then(|| crate::scenario::model::Id::new(self.below(s.root_causes.len())));
        Some(Findings {
            entry,
            hosts,
            data: Vec::new(),
            first_turn,
            root_cause,
        })
    }
}

/// Plays a team with a policy until its session ends (or, with a limit, until that turn).
pub fn play(
    session: &mut Session,
    team: TeamId,
    policy: &mut dyn Policy,
    turn_limit: Option<u32>,
) -> Result<(), SessionError> {
    while session.ending(team).is_none()
        && turn_limit.is_none_or(|limit| session.turn(team) < limit)
    {
        let commands = policy.decide(&session.view(team));
        session.submit(team, commands)?;
        session.advance_team(team)?;
    }
    Ok(())
}

/// Plays every team of an engine to its end, team `i` with `policies[i]`, stepping all
/// unfinished teams together each turn (the batch form used for balancing and benchmarks).
/// Returns the number of team-turns played.
///
/// # Panics
///
/// If there are fewer policies than teams.
pub fn play_batch(engine: &mut Engine, policies: &mut [Box<dyn Policy + Send>]) -> u64 {
    assert!(policies.len() >= engine.team_count(), "one policy per team");
    let mut played = 0;
    let mut active: Vec<TeamId> = Vec::with_capacity(engine.team_count());
    loop {
        active.clear();
        for (i, policy) in policies.iter_mut().enumerate().take(engine.team_count()) {
            let team = TeamId(i);
            if engine.ending(team).is_none() {
                let commands = policy.decide(&engine.view(team));
                engine.submit(team, commands);
                active.push(team);
            }
        }
        if active.is_empty() {
            return played;
        }
        played += active.len() as u64;
        engine.step(&active);
    }
}

/// Why an action file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The file could not be read (missing, not a regular file, too big …).
    #[error(transparent)]
    Read(#[from] crate::files::ReadError),
    /// The file is not a valid action file.
    #[error("{}:{line}:{col}: {message}", crate::text::escape_line(file))]
    Invalid {
        /// The file.
        file: String,
        /// Line.
        line: usize,
        /// Column.
        col: usize,
        /// What is wrong.
        message: String,
    },
}

/// Reads an action file: a RON list of `(turn: N, actions: [...])`, as in a walkthrough. It
/// may be as large as a scenario, no larger.
pub fn load_plan(path: &Path, s: &Scenario) -> Result<Vec<TurnPlan>, PlanError> {
    let file = path.display().to_string();
    let bytes = crate::files::read_input(
        path,
        crate::scenario::limits::MAX_FILE_BYTES,
        "an action file",
    )?;
    let text = String::from_utf8(bytes).map_err(|e| PlanError::Invalid {
        file: file.clone(),
        line: 1,
        col: 1,
        message: format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
    })?;
    parse_plan(&file, &text, s)
}

/// Parses action-file text (see [`load_plan`]); `file` names it in errors.
pub fn parse_plan(file: &str, text: &str, s: &Scenario) -> Result<Vec<TurnPlan>, PlanError> {
    // Positions are looked for only when there is a problem to point at.
    let map = std::cell::LazyCell::new(|| SourceMap::new(text));
    let invalid = |at: LineCol, message: String| PlanError::Invalid {
        file: file.to_owned(),
        line: at.line,
        col: at.col,
        message,
    };
    if text.starts_with('\u{feff}') {
        return Err(invalid(
            LineCol { line: 1, col: 1 },
            "the file starts with a byte-order mark (U+FEFF); save it as UTF-8 without one".into(),
        ));
    }
    let raw: Vec<RawTurnPlan> = ron_options().from_str(text).map_err(|e| {
        let p = crate::scenario::ron_problem(text, &map, &e);
        let message = match (&e.code, p.path.ends_with(".turn")) {
            (ron::Error::IntegerOutOfBounds | ron::Error::ExpectedInteger, true) => {
                format!("a turn is a whole number from 1 to {}", s.max_turns)
            }
            (ron::Error::ExpectedArray, _) if p.path.is_empty() => format!(
                "{}: an action file is a list of turns, like \
                 `[(turn: 2, actions: [Act(\"isolate\", Host(\"pc-01\"))])]`",
                p.message
            ),
            _ => match &p.hint {
                Some(hint) => format!("{} ({hint})", p.message),
                None => p.message.clone(),
            },
        };
        invalid(
            LineCol {
                line: p.line,
                col: p.col,
            },
            message,
        )
    })?;
    let mut plans: Vec<TurnPlan> = Vec::new();
    for (i, plan) in raw.iter().enumerate() {
        let at = |steps: &[Step]| map.line_col(map.span(steps).start);
        if plan.turn == 0 || plan.turn > s.max_turns {
            return Err(invalid(
                at(&[Step::Index(i), Step::Field("turn")]),
                format!(
                    "turn {} is outside the session (1 to {})",
                    plan.turn, s.max_turns
                ),
            ));
        }
        let mut commands = Vec::new();
        for (j, c) in plan.actions.iter().enumerate() {
            let command = resolve_command(s, c).map_err(|e| {
                let steps = [
                    Step::Index(i),
                    Step::Field("actions"),
                    Step::Index(j),
                    Step::Index(e.arg),
                ];
                let hint = e.hint.map(|h| format!(" ({h})")).unwrap_or_default();
                invalid(at(&steps), format!("{}{hint}", e.message))
            })?;
            commands.push(command);
        }
        match plans.iter_mut().find(|p| p.turn == plan.turn) {
            Some(existing) => existing.commands.extend(commands),
            None => plans.push(TurnPlan {
                turn: plan.turn,
                commands,
            }),
        }
    }
    Ok(plans)
}
