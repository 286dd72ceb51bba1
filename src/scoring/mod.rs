//! Scoring: pure functions from a scenario and a team's event stream to a scorecard. No ECS,
//! no state of its own; the same events always give the same scorecard.
//!
//! Every objective is met, partly met, missed, not applicable (nothing happened that it could
//! be judged on) or pending (the session is still running), with a [`Reason`] made of facts
//! (turns, hosts, choices) that reports render in either language. All points are integers.

pub mod facts;

use serde::Serialize;

use crate::engine::event::Event;
use crate::scenario::Scenario;
use crate::scenario::model::{
    DataSetId, FindingField, FunctionId, HintId, HostId, ObjectiveId, ObjectiveKind, Outcome,
};
pub use facts::{Detection, Facts};

/// How an objective stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Full points.
    Met,
    /// Some points (late, or partly right).
    Partial,
    /// No points.
    Missed,
    /// Nothing happened that it could be judged on; it does not count towards the maximum.
    NotApplicable,
    /// Not decided yet (the session is running).
    Pending,
}

/// Why an objective stands as it does: the facts, for rendering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// The stage never happened.
    StageAvoided,
    /// The stage happened.
    StageHappened {
        /// When.
        turn: u32,
    },
    /// The compromise was confirmed.
    Detected {
        /// When.
        turn: u32,
        /// The deadline.
        by_turn: u32,
        /// How.
        how: Detection,
    },
    /// The compromise was never confirmed.
    NotDetected {
        /// The deadline.
        by_turn: u32,
    },
    /// The attacker never got in.
    NoCompromise,
    /// The attacker was contained.
    Contained {
        /// Turn of the first foothold.
        foothold: u32,
        /// Turn contained.
        turn: u32,
        /// Turns allowed.
        within: u32,
    },
    /// The attacker was never contained.
    NotContained {
        /// Turn of the first foothold.
        foothold: u32,
    },
    /// Compromised hosts were imaged and no evidence was lost.
    EvidenceKept {
        /// Hosts imaged.
        hosts: Vec<HostId>,
    },
    /// Evidence of compromised hosts was wiped before imaging.
    EvidenceLost {
        /// The hosts.
        hosts: Vec<HostId>,
    },
    /// No compromised host was imaged.
    NothingImaged,
    /// Notified in time.
    Notified {
        /// When.
        turn: u32,
        /// The due turn.
        due: u32,
        /// The action that kept the duty, when it is not a `Notify` (the rule's `kept_by`).
        #[serde(skip_serializing_if = "Option::is_none")]
        by: Option<crate::scenario::model::ActionId>,
    },
    /// Not notified by the due turn.
    NotNotified {
        /// The due turn.
        due: u32,
    },
    /// The rule's trigger never happened.
    NoDuty,
    /// The function was up at the deadline.
    FunctionUp {
        /// The deadline.
        by_turn: u32,
        /// Whether it had been down before.
        was_down: bool,
    },
    /// The function came back after the deadline.
    FunctionUpLate {
        /// When.
        turn: u32,
        /// The deadline.
        by_turn: u32,
    },
    /// The function was still down.
    FunctionDown {
        /// The deadline.
        by_turn: u32,
    },
    /// The findings field compared with the truth.
    Finding {
        /// Items right.
        right: u32,
        /// Items claimed that were wrong.
        wrong: u32,
        /// True items not claimed.
        missed: u32,
    },
    /// No findings report was submitted.
    NoFindings,
    /// There was nothing to find for this field.
    NothingToFind,
    /// The question was answered.
    Answered {
        /// The question's inject.
        inject: crate::scenario::model::InjectId,
        /// The choice.
        choice: usize,
        /// Whether it was a right answer.
        correct: bool,
    },
    /// The question was not answered.
    NotAnswered,
    /// The question was never asked.
    NotAsked,
    /// The question never came because the team did not do what brings it (it would have
    /// come at `turn`, had the team kept its duties): it counts as not answered.
    NeverBrought {
        /// When it would have come.
        turn: u32,
    },
    /// The action was done.
    Done {
        /// When.
        turn: u32,
        /// The deadline, if any.
        by_turn: Option<u32>,
    },
    /// The action was done, but only after what it had to come before.
    DoneTooLate {
        /// When.
        turn: u32,
        /// When what it had to come before happened.
        limit: u32,
    },
    /// The action was not done.
    NotDone {
        /// The deadline, if any.
        by_turn: Option<u32>,
    },
    /// What would have called for it never happened.
    NoOccasion,
    /// The session is still running.
    Pending,
}

/// The result of one objective.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectiveResult {
    /// The objective.
    pub objective: ObjectiveId,
    /// How it stands.
    pub status: Status,
    /// Points earned.
    pub points: u32,
    /// Points available.
    pub max: u32,
    /// Why.
    pub reason: Reason,
}

/// What a penalty was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum PenaltyKind {
    /// A business function was down.
    Downtime(FunctionId),
    /// A clean host was isolated.
    CleanIsolation,
    /// A clean host was rebuilt.
    CleanRebuild,
    /// Evidence of a compromised host was destroyed.
    EvidenceDestroyed,
    /// A concealment answer.
    Concealment,
    /// A wrong answer (neither right nor concealment).
    WrongAnswer,
    /// A wrong item on the findings report.
    WrongFinding,
    /// A legitimate address was blocked.
    NeedlessBlock,
    /// A hint.
    Hint(HintId),
}

/// One penalty line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Penalty {
    /// What for.
    pub kind: PenaltyKind,
    /// How many times (turns, for downtime).
    pub count: u32,
    /// Points lost.
    pub points: u32,
}

/// A team's scorecard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scorecard {
    /// Points earned minus penalties (may be negative).
    pub total: i64,
    /// Points of the objectives that apply.
    pub max: u32,
    /// `total` as a percentage of `max`, rounded down, at least 0.
    pub percent: u32,
    /// Index of the grade band reached in `Scenario::grades`.
    pub grade: Option<usize>,
    /// Per objective, in scenario order.
    pub objectives: Vec<ObjectiveResult>,
    /// Penalties, only those that cost points.
    pub penalties: Vec<Penalty>,
}

impl Scorecard {
    /// Points earned from objectives.
    pub fn earned(&self) -> u32 {
        self.objectives
            .iter()
            .fold(0u32, |sum, o| sum.saturating_add(o.points))
    }

    /// Points lost to penalties.
    pub fn penalty_points(&self) -> u32 {
        self.penalties
            .iter()
            .fold(0u32, |sum, p| sum.saturating_add(p.points))
    }
}

/// What a change of the score is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum ScoreItem {
    /// An objective's points changed (met, partly met, lost …).
    Objective(ObjectiveId),
    /// A penalty grew (a new occurrence, another turn of downtime, a hint …).
    Penalty(PenaltyKind),
}

/// One change of the score between two scorecards of the same team, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreChange {
    /// What changed.
    pub item: ScoreItem,
    /// Points added to the total (negative: taken away).
    pub points: i64,
    /// For an objective: how it stands now, and why.
    pub objective: Option<(Status, Reason)>,
    /// For a penalty: how many times it counts now (turns, for downtime).
    pub count: Option<u32>,
}

/// Every change of the total from `before` to `after` (two scorecards of one team, the later
/// one second): objectives whose points changed, in scenario order, then penalties that
/// changed. Changes of zero points are left out.
pub fn changes(before: &Scorecard, after: &Scorecard) -> Vec<ScoreChange> {
    let mut out = Vec::new();
    for o in &after.objectives {
        let was = before
            .objectives
            .iter()
            .find(|b| b.objective == o.objective)
            .map_or(0, |b| b.points);
        let points = i64::from(o.points) - i64::from(was);
        if points != 0 {
            out.push(ScoreChange {
                item: ScoreItem::Objective(o.objective),
                points,
                objective: Some((o.status, o.reason.clone())),
                count: None,
            });
        }
    }
    let mut kinds: Vec<PenaltyKind> = before
        .penalties
        .iter()
        .chain(&after.penalties)
        .map(|p| p.kind)
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    for kind in kinds {
        let find = |card: &Scorecard| card.penalties.iter().find(|p| p.kind == kind).cloned();
        let (was, now) = (find(before), find(after));
        let points = i64::from(was.as_ref().map_or(0, |p| p.points))
            - i64::from(now.as_ref().map_or(0, |p| p.points));
        if points != 0 {
            out.push(ScoreChange {
                item: ScoreItem::Penalty(kind),
                points,
                objective: None,
                count: Some(now.map_or(0, |p| p.count)),
            });
        }
    }
    out
}

/// Points after `late` turns of lateness: full on time, `decay` fewer per turn late, none if
/// `decay` is 0 and it is late at all.
fn late_points(points: u32, decay: u32, late: u32) -> u32 {
    if late == 0 {
        points
    } else if decay == 0 {
        0
    } else {
        points.saturating_sub(decay.saturating_mul(late))
    }
}

fn graded(points: u32, max: u32, reason: Reason) -> (Status, u32, Reason) {
    let status = if points == max {
        Status::Met
    } else if points > 0 {
        Status::Partial
    } else {
        Status::Missed
    };
    (status, points, reason)
}

/// Set comparison for findings: (right, wrong, missed).
fn compare<T: Ord + Copy>(claimed: &[T], truth: &[T]) -> (u32, u32, u32) {
    let right = claimed.iter().filter(|x| truth.contains(x)).count() as u32;
    let wrong = claimed.len() as u32 - right;
    let missed = truth.iter().filter(|x| !claimed.contains(x)).count() as u32;
    (right, wrong, missed)
}

fn judge(s: &Scenario, f: &Facts, id: ObjectiveId) -> ObjectiveResult {
    let o = &s.objectives[id];
    let max = o.points;
    let pending = || (Status::Pending, 0, Reason::Pending);
    let na = |reason| (Status::NotApplicable, 0, reason);
    let (status, points, reason) = match &o.kind {
        ObjectiveKind::Prevent(stages) => match stages
            .iter()
            .filter_map(|st| f.stage_done[st.index()])
            .min()
        {
            Some(turn) => (Status::Missed, 0, Reason::StageHappened { turn }),
            None if f.ended => (Status::Met, max, Reason::StageAvoided),
            None => pending(),
        },
        ObjectiveKind::Detect { by_turn } => match (f.detected, f.first_foothold) {
            (Some((turn, how)), _) => graded(
                late_points(max, o.decay, turn.saturating_sub(*by_turn)),
                max,
                Reason::Detected {
                    turn,
                    by_turn: *by_turn,
                    how,
                },
            ),
            (None, None) if f.ended => na(Reason::NoCompromise),
            (None, _) if f.ended => (Status::Missed, 0, Reason::NotDetected { by_turn: *by_turn }),
            (None, _) => pending(),
        },
        ObjectiveKind::Contain { within } => match f.first_foothold {
            None if f.ended => na(Reason::NoCompromise),
            None => pending(),
            // Judged over every foothold the attacker gains control of, later waves and
            // fallbacks included: each must be contained within the window, and the worst
            // one sets the points. A foothold still held is open: missed at the end, pending
            // (no points) before.
            Some(foothold) => {
                let breaches = f.breaches();
                if let Some(&(gained, _)) = breaches.iter().find(|(_, end)| end.is_none()) {
                    if f.ended {
                        (Status::Missed, 0, Reason::NotContained { foothold: gained })
                    } else {
                        // The points go while the foothold is held; why is told at the end
                        // (the team cannot see the attacker's footholds).
                        pending()
                    }
                } else {
                    let worst = breaches
                        .iter()
                        .filter_map(|&(gained, end)| end.map(|end| (gained, end)))
                        .max_by_key(|&(gained, end)| {
                            (end.saturating_sub(gained.saturating_add(*within)), gained)
                        });
                    let (gained, turn) = worst.unwrap_or((foothold, foothold));
                    graded(
                        late_points(
                            max,
                            o.decay,
                            turn.saturating_sub(gained.saturating_add(*within)),
                        ),
                        max,
                        Reason::Contained {
                            foothold: gained,
                            turn,
                            within: *within,
                        },
                    )
                }
            }
        },
        ObjectiveKind::PreserveEvidence => {
            if !f.evidence_lost.is_empty() {
                let hosts = f.evidence_lost.iter().map(|(h, _)| *h).collect();
                (Status::Missed, 0, Reason::EvidenceLost { hosts })
            } else if !f.imaged_compromised.is_empty() {
                let mut hosts: Vec<HostId> = f.imaged_compromised.iter().map(|(h, _)| *h).collect();
                hosts.sort();
                hosts.dedup();
                (Status::Met, max, Reason::EvidenceKept { hosts })
            } else if f.first_foothold.is_none() && f.ended {
                na(Reason::NoCompromise)
            } else if f.ended {
                (Status::Missed, 0, Reason::NothingImaged)
            } else {
                pending()
            }
        }
        ObjectiveKind::Notify(rule) => {
            let r = &s.notifications[*rule];
            // The duty arises from what really happened: a team that never looked, and so
            // never started the clock itself, is judged by when it would have started.
            let due = f.rule_due[rule.index()].or_else(|| {
                f.truth_turn(s, &r.trigger)
                    .map(|t| (t, t.saturating_add(r.within)))
            });
            match due {
                None if f.ended => na(Reason::NoDuty),
                None => pending(),
                Some((start, due)) => match f.report_that_counts(s, *rule, start, due) {
                    Some(turn) => graded(
                        late_points(max, o.decay, turn.saturating_sub(due)),
                        max,
                        Reason::Notified {
                            turn,
                            due,
                            by: r.kept_by,
                        },
                    ),
                    None if f.ended || (o.decay == 0 && f.now >= due) => {
                        (Status::Missed, 0, Reason::NotNotified { due })
                    }
                    None => pending(),
                },
            }
        }
        ObjectiveKind::Restore { function, by_turn } => {
            let spans = &f.downtime[function.index()];
            let was_down = !spans.is_empty();
            // Judged at the deadline and at the end: a function up at turn n that an attack
            // (or the team) takes down later and leaves down is not restored.
            let down_at_end = spans.last().is_some_and(|&(_, up)| up.is_none());
            if !f.ended && f.now < *by_turn {
                pending()
            } else if down_at_end {
                if f.ended {
                    (
                        Status::Missed,
                        0,
                        Reason::FunctionDown { by_turn: *by_turn },
                    )
                } else {
                    pending()
                }
            } else if f.up_at(*function, *by_turn) {
                (
                    Status::Met,
                    max,
                    Reason::FunctionUp {
                        by_turn: *by_turn,
                        was_down,
                    },
                )
            } else {
                // Down at the deadline, back by the end: late by the turns after it.
                let turn = spans
                    .iter()
                    .filter_map(|&(_, up)| up)
                    .find(|&up| up > *by_turn)
                    .unwrap_or(*by_turn);
                graded(
                    late_points(max, o.decay, turn - by_turn),
                    max,
                    Reason::FunctionUpLate {
                        turn,
                        by_turn: *by_turn,
                    },
                )
            }
        }
        ObjectiveKind::Finding(field) => finding(s, f, *field, max),
        ObjectiveKind::Done {
            action,
            by_turn,
            after,
            before,
        } => {
            // From when it counts (it applies only once `after` held), and when it is too late
            // (`before` held first).
            let from = match after {
                None => Some(0),
                Some(c) => f.truth_turn(s, c),
            };
            let limit = before.as_ref().and_then(|c| f.truth_turn(s, c));
            let done = from.and_then(|from| {
                f.completed[action.index()]
                    .iter()
                    .copied()
                    .find(|&t| t >= from)
            });
            match (from, done) {
                (None, _) if f.ended => na(Reason::NoOccasion),
                (None, _) => pending(),
                (Some(_), Some(turn)) => match limit {
                    Some(limit) if turn > limit => {
                        (Status::Missed, 0, Reason::DoneTooLate { turn, limit })
                    }
                    _ => graded(
                        late_points(max, o.decay, by_turn.map_or(0, |n| turn.saturating_sub(n))),
                        max,
                        Reason::Done {
                            turn,
                            by_turn: *by_turn,
                        },
                    ),
                },
                (Some(_), None)
                    if f.ended
                        || limit.is_some()
                        || (o.decay == 0 && by_turn.is_some_and(|n| f.now >= n)) =>
                {
                    (Status::Missed, 0, Reason::NotDone { by_turn: *by_turn })
                }
                (Some(_), None) => pending(),
            }
        }
        ObjectiveKind::Answer(inject) => {
            let question = s.injects[*inject].question.as_ref();
            match (f.delivered[inject.index()], f.answers[inject.index()]) {
                (_, Some((choice, at))) => {
                    let correct = question.is_some() && f.answer_right(s, *inject, choice, at);
                    let points = if correct { max } else { 0 };
                    graded(
                        points,
                        max,
                        Reason::Answered {
                            inject: *inject,
                            choice,
                            correct,
                        },
                    )
                }
                (None, None) if f.ended => {
                    let inject = &s.injects[*inject];
                    match f
                        .truth_turn(s, &inject.trigger)
                        .map(|t| t.saturating_add(inject.delay))
                        .filter(|&t| t <= f.now)
                    {
                        Some(turn) => (Status::Missed, 0, Reason::NeverBrought { turn }),
                        None => na(Reason::NotAsked),
                    }
                }
                (Some(_), None) if f.ended || f.expired[inject.index()] => {
                    (Status::Missed, 0, Reason::NotAnswered)
                }
                _ => pending(),
            }
        }
    };
    ObjectiveResult {
        objective: id,
        status,
        points,
        max,
        reason,
    }
}

fn finding(s: &Scenario, f: &Facts, field: FindingField, max: u32) -> (Status, u32, Reason) {
    if f.ended && f.first_foothold.is_none() && f.entry_stage.is_none() {
        // The attacker never got in: there is nothing to report, whatever the team wrote.
        return (Status::NotApplicable, 0, Reason::NothingToFind);
    }
    let Some((report, _)) = &f.findings else {
        return if f.ended {
            (Status::Missed, 0, Reason::NoFindings)
        } else {
            (Status::Pending, 0, Reason::Pending)
        };
    };
    let proportional = |(right, wrong, missed): (u32, u32, u32)| {
        let union = right + wrong + missed;
        let points = (u64::from(max) * u64::from(right))
            .checked_div(u64::from(union))
            .map_or(max, |p| p as u32);
        graded(
            points,
            max,
            Reason::Finding {
                right,
                wrong,
                missed,
            },
        )
    };
    match field {
        FindingField::Entry => match f.entry_stage {
            None => (Status::NotApplicable, 0, Reason::NothingToFind),
            Some(stage) => {
                let right = s.entry_vectors[report.entry].stages.contains(&stage);
                let counts = if right { (1, 0, 0) } else { (0, 1, 1) };
                proportional(counts)
            }
        },
        FindingField::Hosts => {
            let truth = f.held_hosts();
            if truth.is_empty() {
                (Status::NotApplicable, 0, Reason::NothingToFind)
            } else {
                proportional(compare(&report.hosts, &truth))
            }
        }
        FindingField::Data => {
            let truth: Vec<DataSetId> = f.exfiltrated_data(s);
            proportional(compare(&s.originals(&report.data), &truth))
        }
        // Scored like the entry vector: right or wrong; not naming one misses it.
        FindingField::RootCause => proportional(match report.root_cause {
            Some(r) if s.root_causes[r].correct => (1, 0, 0),
            Some(_) => (0, 1, 1),
            None => (0, 0, 1),
        }),
        FindingField::Timeline => match f.first_foothold {
            None => (Status::NotApplicable, 0, Reason::NothingToFind),
            Some(truth) => {
                let right = report.first_turn.abs_diff(truth) <= 1;
                proportional(if right { (1, 0, 0) } else { (0, 1, 1) })
            }
        },
    }
}

fn penalties(s: &Scenario, f: &Facts) -> Vec<Penalty> {
    let p = &s.penalties;
    let mut out = Vec::new();
    let mut add = |kind, count: u32, each: u32| {
        if count > 0 && each > 0 {
            out.push(Penalty {
                kind,
                count,
                points: count.saturating_mul(each),
            });
        }
    };
    for (id, function) in s.functions.iter() {
        add(
            PenaltyKind::Downtime(id),
            f.turns_down(id),
            function.outage_cost,
        );
    }
    add(
        PenaltyKind::CleanIsolation,
        f.clean_isolations.len() as u32,
        p.clean_isolation,
    );
    add(
        PenaltyKind::CleanRebuild,
        f.clean_rebuilds.len() as u32,
        p.clean_reimage,
    );
    add(
        PenaltyKind::EvidenceDestroyed,
        f.evidence_lost.len() as u32,
        p.evidence_destroyed,
    );
    let concealments = s
        .injects
        .iter()
        .filter(|(id, inject)| {
            f.answers[id.index()].is_some_and(|(choice, _)| {
                inject
                    .question
                    .as_ref()
                    .is_some_and(|q| q.choices[choice].concealment)
            })
        })
        .count() as u32;
    add(PenaltyKind::Concealment, concealments, p.concealment);
    let wrong_answers = s
        .injects
        .iter()
        .filter(|(id, inject)| {
            f.answers[id.index()].is_some_and(|(choice, at)| {
                inject.question.as_ref().is_some_and(|q| {
                    q.choices.iter().any(|c| c.correct || c.right_if.is_some())
                        && !f.answer_right(s, *id, choice, at)
                        && !q.choices[choice].concealment
                })
            })
        })
        .count() as u32;
    add(PenaltyKind::WrongAnswer, wrong_answers, p.wrong_answer);
    add(
        PenaltyKind::WrongFinding,
        wrong_findings(s, f),
        p.wrong_finding,
    );
    add(
        PenaltyKind::NeedlessBlock,
        f.needless_blocks.len() as u32,
        p.needless_block,
    );
    for (hint, _) in &f.hints {
        add(PenaltyKind::Hint(*hint), 1, s.hints[*hint].cost);
    }
    out
}

/// Wrong items on the last findings report: a wrong entry vector, hosts and data sets that
/// were not affected, and a first-compromise turn off by more than one.
fn wrong_findings(s: &Scenario, f: &Facts) -> u32 {
    let Some((report, _)) = &f.findings else {
        return 0;
    };
    let mut wrong = 0;
    if let Some(stage) = f.entry_stage
        && !s.entry_vectors[report.entry].stages.contains(&stage)
    {
        wrong += 1;
    }
    if report.root_cause.is_some_and(|r| !s.root_causes[r].correct) {
        wrong += 1;
    }
    wrong += compare(&report.hosts, &f.held_hosts()).1;
    wrong += compare(&s.originals(&report.data), &f.exfiltrated_data(s)).1;
    if let Some(truth) = f.first_foothold
        && report.first_turn.abs_diff(truth) > 1
    {
        wrong += 1;
    }
    wrong
}

/// Scores a team's events. `ended` says whether its session is over (pending objectives are
/// then decided).
pub fn score(s: &Scenario, events: &[Event], ended: bool) -> Scorecard {
    let facts = Facts::gather(s, events, ended);
    score_facts(s, &facts)
}

/// Scores gathered facts.
pub fn score_facts(s: &Scenario, facts: &Facts) -> Scorecard {
    let objectives: Vec<ObjectiveResult> =
        s.objectives.ids().map(|id| judge(s, facts, id)).collect();
    let penalties = penalties(s, facts);
    let earned: i64 = objectives.iter().map(|o| i64::from(o.points)).sum();
    let lost: i64 = penalties.iter().map(|p| i64::from(p.points)).sum();
    // The scenario's total is limited far below u32::MAX; saturating keeps a debug build from
    // panicking on a scenario built in code without that check.
    let max: u32 = objectives
        .iter()
        .filter(|o| o.status != Status::NotApplicable)
        .fold(0u32, |sum, o| sum.saturating_add(o.max));
    let total = earned - lost;
    let percent = if max == 0 {
        0
    } else {
        (total.max(0) * 100 / i64::from(max)) as u32
    };
    let grade = s.grades.iter().position(|g| percent >= g.min_percent);
    Scorecard {
        total,
        max,
        percent,
        grade,
        objectives,
        penalties,
    }
}

/// Points per learning objective: for each, the points earned and available in the
/// applicable objectives that count towards it.
pub fn learning_breakdown(
    s: &Scenario,
    card: &Scorecard,
) -> Vec<(crate::scenario::model::LearningId, u32, u32)> {
    s.learning_objectives
        .ids()
        .map(|lo| {
            let (earned, max) = card
                .objectives
                .iter()
                .filter(|o| {
                    o.status != Status::NotApplicable
                        && s.objectives[o.objective].learning.contains(&lo)
                })
                .fold((0u32, 0u32), |(e, m), o| {
                    (e.saturating_add(o.points), m.saturating_add(o.max))
                });
            (lo, earned, max)
        })
        .collect()
}

/// The turn the attacker was first contained after its first foothold, if it was.
pub fn containment_turn(s: &Scenario, events: &[Event]) -> Option<u32> {
    let facts = Facts::gather(s, events, true);
    facts.first_foothold.and_then(|f| facts.contained_from(f))
}

/// Orders teams for a ranking: highest total first; ties go to the team that contained the
/// attacker earlier (a team that never had to, or never did, comes after); then team order.
/// Takes (team index, total, containment turn) and returns team indices, best first.
pub fn rank(teams: &[(usize, i64, Option<u32>)]) -> Vec<usize> {
    let mut order = teams.to_vec();
    order.sort_by_key(|&(team, total, contained)| {
        (
            std::cmp::Reverse(total),
            contained.unwrap_or(u32::MAX),
            team,
        )
    });
    order.into_iter().map(|(team, _, _)| team).collect()
}

/// A session outcome as a word for reports and JSON.
pub fn outcome_word(outcome: Option<Outcome>) -> &'static str {
    match outcome {
        Some(Outcome::Win) => "win",
        Some(Outcome::Loss) => "loss",
        None => "unfinished",
    }
}

#[cfg(test)]
mod tests {
    use super::rank;

    #[test]
    fn ranking_breaks_ties_by_containment_time() {
        let teams = [
            (0, 50, Some(4)),
            (1, 80, None),
            (2, 50, Some(2)),
            (3, 50, None),
        ];
        assert_eq!(rank(&teams), vec![1, 2, 0, 3]);
    }
}
