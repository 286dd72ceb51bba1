//! Conditions, stakeholders and notification rules, injects, actions, hints, the findings form,
//! the scoring rubric and the end of the session; and the checks that every objective and rule
//! can be met.

use super::organisation::{Declared, MAX_POINTS, MAX_TURNS};
use super::{Ctx, Kind, all, table};
use crate::scenario::model::{
    Action, AlertId, Choice, Condition, EntryVector, FindingField, Grade, Hint, Inject,
    NotificationRule, Objective, ObjectiveKind, Penalties, Question, Reveal, Scenario, SeenIn,
    Stakeholder, Table, Target, TargetKind, Verb,
};
use crate::scenario::problem::Path;
use crate::scenario::raw::{RawCondition, RawObjectiveKind, RawScenario};

/// Resolves a condition.
pub(crate) fn condition(
    ctx: &mut Ctx,
    d: &Declared,
    c: &RawCondition,
    path: &Path,
) -> Option<Condition> {
    let arg = path.inside(0);
    Some(match c {
        RawCondition::Turn(n) => {
            if *n == 0 {
                ctx.p.error(&arg, "turns start at 1");
                return None;
            }
            Condition::Turn(*n)
        }
        RawCondition::StageDone(x) => Condition::StageDone(ctx.resolve(Kind::Stage, x, &arg)?),
        RawCondition::TraceFound(x) => {
            if ctx.known(Kind::Noise, x) {
                ctx.p.error_hint(
                    &arg,
                    format!("`{x}` is a noise alert; only traces can be found"),
                    "use `AlertSeen` for noise alerts",
                );
                return None;
            }
            Condition::TraceFound(ctx.resolve(Kind::Trace, x, &arg)?)
        }
        RawCondition::AlertSeen(x) => {
            let (kind, i) = ctx.resolve_any(&[Kind::Trace, Kind::Noise], x, &arg)?;
            Condition::AlertSeen(if kind == Kind::Trace {
                AlertId::Trace(crate::scenario::model::Id::new(i))
            } else {
                AlertId::Noise(crate::scenario::model::Id::new(i))
            })
        }
        RawCondition::InjectReceived(x) => {
            Condition::InjectReceived(ctx.resolve(Kind::Inject, x, &arg)?)
        }
        RawCondition::Answered(inject, choice) => {
            let id = ctx.resolve(Kind::Inject, inject, &arg)?;
            let raw = d.injects[id.index()].1;
            let Some(q) = &raw.question else {
                ctx.p
                    .error(&arg, format!("inject `{inject}` asks no question"));
                return None;
            };
            let Some(ci) = q.choices.iter().position(|x| x.id == *choice) else {
                let known = q.choices.iter().map(|x| x.id.as_str());
                let hint = super::closest(choice, known)
                    .map(|b| format!("did you mean `{b}`?"))
                    .unwrap_or_else(|| {
                        format!(
                            "its choices: {}",
                            q.choices
                                .iter()
                                .map(|x| x.id.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    });
                ctx.p.error_hint(
                    &path.inside(1),
                    format!("inject `{inject}` has no choice `{choice}`"),
                    hint,
                );
                return None;
            };
            Condition::Answered(id, ci)
        }
        RawCondition::Notified(x) => {
            Condition::Notified(ctx.resolve(Kind::Stakeholder, x, &arg)?)
        }
        RawCondition::ActionDone(x) => Condition::ActionDone(ctx.resolve(Kind::Action, x, &arg)?),
        RawCondition::HostCompromised(x) => {
            Condition::HostCompromised(ctx.resolve(Kind::Host, x, &arg)?)
        }
        RawCondition::HostIsolated(x) => {
            Condition::HostIsolated(ctx.resolve(Kind::Host, x, &arg)?)
        }
        RawCondition::AddressBlocked(x) => {
            Condition::AddressBlocked(ctx.resolve(Kind::Address, x, &arg)?)
        }
        RawCondition::Mitigated(x) => {
            Condition::Mitigated(ctx.resolve(Kind::Mitigation, x, &arg)?)
        }
        RawCondition::CredentialsStolen(x) => {
            Condition::CredentialsStolen(ctx.resolve(Kind::Account, x, &arg)?)
        }
        RawCondition::DataExfiltrated(x) => {
            Condition::DataExfiltrated(ctx.resolve(Kind::DataSet, x, &arg)?)
        }
        RawCondition::FunctionDown(x) => {
            Condition::FunctionDown(ctx.resolve(Kind::Function, x, &arg)?)
        }
        RawCondition::Contained => Condition::Contained,
        RawCondition::Evicted => Condition::Evicted,
        RawCondition::FindingsSubmitted => Condition::FindingsSubmitted,
        RawCondition::FindingsRight(n) => {
            if !(1..=100).contains(n) {
                ctx.p.error(
                    &path.inside(0),
                    format!("a percentage is 1 to 100, not {n}"),
                );
                return None;
            }
            Condition::FindingsRight(*n)
        }
        RawCondition::All(list) | RawCondition::Any(list) => {
            if list.is_empty() {
                ctx.p.error(
                    path,
                    "an empty `All([])` or `Any([])` is confusing; write the condition you mean",
                );
                return None;
            }
            let items = all(list
                .iter()
                .enumerate()
                .map(|(i, c)| condition(ctx, d, c, &path.inside(0).index(i)))
                .collect())?;
            if matches!(c, RawCondition::All(_)) {
                Condition::All(items)
            } else {
                Condition::Any(items)
            }
        }
        RawCondition::Not(inner) => Condition::Not(Box::new(condition(ctx, d, inner, &arg)?)),
    })
}

pub(crate) struct Content {
    pub stakeholders: Table<Stakeholder>,
    pub notifications: Table<NotificationRule>,
    pub injects: Table<Inject>,
    pub actions: Table<Action>,
    pub hints: Table<Hint>,
    pub entry_vectors: Table<EntryVector>,
    pub root_causes: Table<crate::scenario::model::RootCause>,
    pub objectives: Table<Objective>,
    pub penalties: Penalties,
    pub grades: Vec<Grade>,
    pub team_wins: Condition,
}

/// Resolves an `only` entry of an action against the verb's target kind.
fn only_target(ctx: &mut Ctx, kind: TargetKind, key: &str, path: &Path) -> Option<Target> {
    use crate::scenario::model::Id;
    Some(match kind {
        TargetKind::Host => Target::Host(ctx.resolve(Kind::Host, key, path)?),
        TargetKind::Segment => Target::Segment(ctx.resolve(Kind::Segment, key, path)?),
        TargetKind::Account => Target::Account(ctx.resolve(Kind::Account, key, path)?),
        TargetKind::Address => Target::Address(ctx.resolve(Kind::Address, key, path)?),
        TargetKind::Stakeholder => {
            Target::Stakeholder(ctx.resolve(Kind::Stakeholder, key, path)?)
        }
        TargetKind::Mitigation => Target::Mitigation(ctx.resolve(Kind::Mitigation, key, path)?),
        TargetKind::Alert => {
            let (k, i) = ctx.resolve_any(&[Kind::Trace, Kind::Noise], key, path)?;
            Target::Alert(if k == Kind::Trace {
                AlertId::Trace(Id::new(i))
            } else {
                AlertId::Noise(Id::new(i))
            })
        }
        TargetKind::Org | TargetKind::Findings => {
            ctx.p
                .error(path, "this verb takes no target that `only` could restrict");
            return None;
        }
    })
}

/// Builds everything that is neither organisation nor adversary.
pub(crate) fn build(ctx: &mut Ctx, raw: &RawScenario, d: &Declared) -> Option<Content> {
    let root = Path::root();
    let stakeholders: Vec<Option<Stakeholder>> = d
        .stakeholders
        .iter()
        .map(|(path, s)| {
            Some(Stakeholder {
                key: s.id.clone(),
                kind: s.kind,
                name: ctx.text(&s.name, &path.field("name")),
            })
        })
        .collect();

    let notifications: Vec<Option<NotificationRule>> = d
        .rules
        .iter()
        .map(|(path, r)| {
            let stakeholder = ctx.resolve(
                Kind::Stakeholder,
                &r.stakeholder,
                &path.field("stakeholder"),
            );
            let trigger = condition(ctx, d, &r.trigger, &path.field("trigger"));
            let basis = ctx.text(&r.basis, &path.field("basis"));
            ctx.range(r.within, 0, MAX_TURNS, &path.field("within"), "within");
            let kept_by = match &r.kept_by {
                None => Some(None),
                Some(a) => {
                    ctx.needs_v2(&path.field("kept_by"), "`kept_by`");
                    ctx.resolve(Kind::Action, a, &path.field("kept_by"))
                        .map(Some)
                }
            };
            if r.follow_up {
                ctx.needs_v2(&path.field("follow_up"), "`follow_up`");
            }
            Some(NotificationRule {
                key: r.id.clone(),
                stakeholder: stakeholder?,
                trigger: trigger?,
                within: r.within,
                basis,
                kept_by: kept_by?,
                follow_up: r.follow_up,
            })
        })
        .collect();

    let injects: Vec<Option<Inject>> = d
        .injects
        .iter()
        .map(|(path, x)| {
            let trigger = condition(ctx, d, &x.trigger, &path.field("trigger"));
            ctx.range(x.delay, 0, MAX_TURNS, &path.field("delay"), "delay");
            if let RawCondition::Turn(n) = x.trigger
                && n.saturating_add(x.delay) > raw.max_turns
            {
                ctx.p.warn(
                    &path.field("trigger"),
                    format!(
                        "arrives at turn {}, after the last turn ({})",
                        u64::from(n) + u64::from(x.delay),
                        raw.max_turns
                    ),
                );
            }
            let from = ctx.resolve(Kind::Stakeholder, &x.from, &path.field("from"));
            let addresses = all(x
                .addresses
                .iter()
                .enumerate()
                .map(|(i, a)| ctx.resolve(Kind::Address, a, &path.field("addresses").index(i)))
                .collect());
            if !x.reveals.is_empty() {
                ctx.needs_v2(&path.field("reveals"), "`reveals` on an inject");
            }
            let revealed = super::adversary::reveals(ctx, &x.reveals, &path.field("reveals"));
            let detects = super::adversary::detects(ctx, d, &x.detects, &path.field("detects"));
            let subject = ctx.text(&x.subject, &path.field("subject"));
            let body = ctx.text(&x.body, &path.field("body"));
            let question = match &x.question {
                None => Some(None),
                Some(q) => {
                    let qp = path.field("question");
                    let prompt = ctx.text(&q.prompt, &qp.field("prompt"));
                    if q.choices.len() < 2 {
                        ctx.p.error(
                            &qp.field("choices"),
                            "a question needs at least two choices",
                        );
                    }
                    if !q.choices.iter().any(|c| c.correct || c.right_if.is_some()) {
                        ctx.p.warn_hint(
                            &qp.field("choices"),
                            "no choice is marked `correct: true`, so no answer can earn points",
                            "mark the right answer(s) with `correct: true`",
                        );
                    }
                    if q.choices.len() >= 2
                        && q.choices[0].correct
                        && !q.choices.iter().all(|c| c.correct)
                    {
                        ctx.p.warn_hint(
                            &qp.field("choices").item(0, &q.choices[0].id),
                            "the right answer is the first choice written: players see the choices shuffled, but anyone reading the file (or a tool that keeps the written order) learns that the first one is right",
                            "write a wrong choice first",
                        );
                    }
                    if let Some(w) = q.answer_within {
                        ctx.range(w, 1, MAX_TURNS, &qp.field("answer_within"), "answer_within");
                    }
                    let mut seen = std::collections::BTreeSet::new();
                    let mut choices = Vec::new();
                    for (i, c) in q.choices.iter().enumerate() {
                        let cp = qp.field("choices").item(i, &c.id);
                        super::check_id_form(&mut ctx.p, &c.id, &cp.field("id"));
                        if !seen.insert(c.id.as_str()) {
                            ctx.p
                                .error(&cp.field("id"), format!("duplicate choice id `{}`", c.id));
                        }
                        if c.correct && c.concealment {
                            ctx.p
                                .error(&cp, "a choice cannot be both correct and concealment");
                        }
                        if c.correct && c.right_if.is_some() {
                            ctx.p.error(
                                &cp.field("right_if"),
                                "a choice is either always right (`correct: true`) or right under a condition (`right_if`), not both",
                            );
                        }
                        let right_if = match &c.right_if {
                            None => None,
                            Some(rc) => condition(ctx, d, rc, &cp.field("right_if")),
                        };
                        let effects = choice_effects(ctx, &c.effects, &cp.field("effects"));
                        choices.push(Choice {
                            key: c.id.clone(),
                            text: ctx.text(&c.text, &cp.field("text")),
                            correct: c.correct,
                            concealment: c.concealment,
                            right_if,
                            feedback: ctx.opt_text(c.feedback.as_ref(), &cp.field("feedback")),
                            effects: effects.unwrap_or_default(),
                        });
                    }
                    Some(Some(Question {
                        prompt,
                        choices,
                        answer_within: q.answer_within,
                    }))
                }
            };
            Some(Inject {
                key: x.id.clone(),
                trigger: trigger?,
                delay: x.delay,
                channel: x.channel,
                from: from?,
                subject,
                body,
                pressure: x.pressure,
                question: question?,
                reveals: addresses?
                    .into_iter()
                    .map(Reveal::Address)
                    .chain(revealed?)
                    .collect(),
                detects: detects?,
            })
        })
        .collect();

    if raw.actions.is_empty() {
        ctx.p
            .error(&root.field("actions"), "the scenario has no actions");
    }
    let bonus = raw
        .actions
        .iter()
        .fold(0u32, |sum, a| sum.saturating_add(a.adds_effort));
    let actions: Vec<Option<Action>> = d
        .actions
        .iter()
        .map(|(path, a)| {
            let name = ctx.text(&a.name, &path.field("name"));
            let description = ctx.opt_text(a.description.as_ref(), &path.field("description"));
            ctx.range(
                a.turns,
                1,
                raw.max_turns.max(1),
                &path.field("turns"),
                "turns",
            );
            ctx.range(
                a.adds_effort,
                0,
                MAX_POINTS,
                &path.field("adds_effort"),
                "adds_effort",
            );
            if a.cost > raw.effort_per_turn.saturating_add(bonus) {
                ctx.p.error(
                    &path.field("cost"),
                    format!(
                        "costs {} effort a turn, more than a team ever has ({})",
                        a.cost,
                        raw.effort_per_turn.saturating_add(bonus)
                    ),
                );
            }
            let kind = a.verb.target_kind();
            if matches!(
                a.verb,
                Verb::UnblockAddress | Verb::EnableAccount | Verb::Unmitigate
            ) {
                ctx.needs_v2(&path.field("verb"), &format!("verb `{:?}`", a.verb));
            }
            let only = all(a
                .only
                .iter()
                .enumerate()
                .map(|(i, key)| only_target(ctx, kind, key, &path.field("only").index(i)))
                .collect());
            let disrupts = all(a
                .disrupts
                .iter()
                .enumerate()
                .map(|(i, f)| ctx.resolve(Kind::Function, f, &path.field("disrupts").index(i)))
                .collect());
            let has_targets = match kind {
                TargetKind::Org | TargetKind::Findings => true,
                TargetKind::Host => !d.hosts.is_empty(),
                TargetKind::Segment => !d.segments.is_empty(),
                TargetKind::Account => !d.accounts.is_empty(),
                TargetKind::Address => !d.addresses.is_empty(),
                TargetKind::Alert => !d.traces.is_empty() || !d.noise.is_empty(),
                TargetKind::Stakeholder => !d.stakeholders.is_empty(),
                TargetKind::Mitigation => !d.mitigations.is_empty(),
            };
            if !has_targets {
                ctx.p.error(
                    &path.field("verb"),
                    format!(
                        "`{:?}` takes a {} target, but the scenario defines none",
                        a.verb,
                        kind.name()
                    ),
                );
            }
            if a.destroys_evidence && kind != TargetKind::Host {
                ctx.p.warn(
                    &path.field("destroys_evidence"),
                    format!(
                        "`{:?}` does not act on a host, so there is no evidence to destroy",
                        a.verb
                    ),
                );
            }
            if a.verb == Verb::RestoreBackup && !d.hosts.iter().any(|(_, h)| h.backup) {
                ctx.p.warn(
                    &path.field("verb"),
                    "no host has `backup: true`, so a restore can never succeed",
                );
            }
            Some(Action {
                key: a.id.clone(),
                verb: a.verb,
                name,
                description,
                cost: a.cost,
                turns: a.turns,
                only: only?,
                disrupts: disrupts?,
                destroys_evidence: a.destroys_evidence,
                adds_effort: a.adds_effort,
            })
        })
        .collect();

    let hints: Vec<Option<Hint>> = d
        .hints
        .iter()
        .map(|(path, h)| {
            ctx.range(
                h.from_turn,
                1,
                raw.max_turns.max(1),
                &path.field("from_turn"),
                "from_turn",
            );
            ctx.range(h.cost, 0, MAX_POINTS, &path.field("cost"), "cost");
            if h.topic.is_none() {
                ctx.p.warn_hint(
                    path,
                    "a hint without a `topic`: the team cannot tell what it is about before paying for it",
                    "add `topic: (en: \"…\", ja: \"…\")`, a few words naming what it helps with",
                );
            }
            let topic = h.topic.as_ref().map(|t| ctx.text(t, &path.field("topic")));
            let when = match &h.when {
                None => Some(None),
                Some(c) => condition(ctx, d, c, &path.field("when")).map(Some),
            };
            Some(Hint {
                key: h.id.clone(),
                from_turn: h.from_turn,
                cost: h.cost,
                topic,
                when: when?,
                text: ctx.text(&h.text, &path.field("text")),
            })
        })
        .collect();

    let root_causes: Vec<Option<crate::scenario::model::RootCause>> = d
        .root_causes
        .iter()
        .map(|(path, r)| {
            ctx.needs_v2(path, "a root cause on the findings form");
            Some(crate::scenario::model::RootCause {
                key: r.id.clone(),
                text: ctx.text(&r.text, &path.field("text")),
                correct: r.correct,
            })
        })
        .collect();
    if !d.root_causes.is_empty() && !d.root_causes.iter().any(|(_, r)| r.correct) {
        ctx.p.warn_hint(
            &Path::root().field("findings").field("root_causes"),
            "no root cause is `correct`, so naming one can never be right",
            "mark the true root cause with `correct: true`",
        );
    }
    let entry_vectors: Vec<Option<EntryVector>> = d
        .entries
        .iter()
        .map(|(path, e)| {
            let text = ctx.text(&e.text, &path.field("text"));
            let stages = all(e
                .stages
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    let p = path.field("stages").index(i);
                    let id = ctx.resolve(Kind::Stage, x, &p)?;
                    let tactic = d.stages[id.index()].1.tactic;
                    if tactic != crate::scenario::raw::Tactic::InitialAccess {
                        ctx.p.warn_hint(
                            &p,
                            format!("stage `{x}` is `{tactic:?}`, not `InitialAccess`"),
                            "entry vectors stand for how the attacker got in",
                        );
                    }
                    Some(id)
                })
                .collect());
            Some(EntryVector {
                key: e.id.clone(),
                text,
                stages: stages?,
            })
        })
        .collect();

    let sp = root.field("scoring");
    if raw.scoring.objectives.is_empty() {
        ctx.p
            .error(&sp.field("objectives"), "the rubric has no objectives");
    }
    let objectives: Vec<Option<Objective>> = d
        .objectives
        .iter()
        .map(|(path, o)| objective(ctx, raw, d, path, o))
        .collect();
    let total: u64 = raw
        .scoring
        .objectives
        .iter()
        .map(|o| u64::from(o.points))
        .sum();
    if total > crate::scenario::limits::MAX_TOTAL_POINTS {
        ctx.p.error_hint(
            &sp.field("objectives"),
            format!(
                "the objectives give {total} points together, more than the limit of {}",
                crate::scenario::limits::MAX_TOTAL_POINTS
            ),
            "see \"Limits\" in docs/scenario-format.md",
        );
    }

    let mut grades = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (i, g) in raw.scoring.grades.iter().enumerate() {
        let gp = sp.field("grades").index(i);
        ctx.range(
            g.min_percent,
            0,
            100,
            &gp.field("min_percent"),
            "min_percent",
        );
        if !seen.insert(g.min_percent) {
            ctx.p.error(
                &gp.field("min_percent"),
                format!("two grades start at {}%", g.min_percent),
            );
        }
        grades.push(Grade {
            min_percent: g.min_percent,
            label: ctx.text(&g.label, &gp.field("label")),
        });
    }
    grades.sort_by_key(|g| std::cmp::Reverse(g.min_percent));
    if !grades.is_empty() && !seen.contains(&0) {
        ctx.p.warn_hint(
            &sp.field("grades"),
            "no grade starts at 0%, so a low score gets no grade",
            "add a grade with `min_percent: 0`",
        );
    }
    for (i, lo) in raw.learning_objectives.iter().enumerate() {
        if !raw
            .scoring
            .objectives
            .iter()
            .any(|o| o.learning.contains(&lo.id))
        {
            ctx.p.warn(
                &root.field("learning_objectives").item(i, &lo.id),
                format!(
                    "no scored objective counts towards learning objective `{}`",
                    lo.id
                ),
            );
        }
    }

    let p = &raw.scoring.penalties;
    let pp = sp.field("penalties");
    for (name, value) in [
        ("clean_isolation", p.clean_isolation),
        ("clean_reimage", p.clean_reimage),
        ("evidence_destroyed", p.evidence_destroyed),
        ("concealment", p.concealment),
        ("wrong_answer", p.wrong_answer),
        ("wrong_finding", p.wrong_finding),
        ("needless_block", p.needless_block),
    ] {
        ctx.range(value, 0, MAX_POINTS, &pp.field(name), name);
    }
    let penalties = Penalties {
        clean_isolation: p.clean_isolation,
        clean_reimage: p.clean_reimage,
        evidence_destroyed: p.evidence_destroyed,
        concealment: p.concealment,
        wrong_answer: p.wrong_answer,
        wrong_finding: p.wrong_finding,
        needless_block: p.needless_block,
    };
    let team_wins = condition(
        ctx,
        d,
        &raw.end.team_wins,
        &root.field("end").field("team_wins"),
    );
    if gesture_win(&raw.end.team_wins) {
        ctx.p.warn_hint(
            &root.field("end").field("team_wins"),
            "`FindingsSubmitted` is met by any report, even an empty or wrong one, so a team can win with a negative score",
            "require a report that is mostly right: `FindingsRight(50)`",
        );
    }

    Some(Content {
        stakeholders: table(stakeholders)?,
        notifications: table(notifications)?,
        injects: table(injects)?,
        actions: table(actions)?,
        hints: table(hints)?,
        entry_vectors: table(entry_vectors)?,
        root_causes: table(root_causes)?,
        objectives: table(objectives)?,
        penalties,
        grades,
        team_wins: team_wins?,
    })
}

fn objective(
    ctx: &mut Ctx,
    raw: &RawScenario,
    d: &Declared,
    path: &Path,
    o: &crate::scenario::raw::RawObjective,
) -> Option<Objective> {
    let name = ctx.text(&o.name, &path.field("name"));
    let advice = o
        .advice
        .as_ref()
        .map(|a| ctx.text(a, &path.field("advice")));
    if o.points == 0 {
        ctx.p.error(
            &path.field("points"),
            "an objective must be worth at least 1 point",
        );
    }
    ctx.range(o.points, 0, MAX_POINTS, &path.field("points"), "points");
    ctx.range(o.decay, 0, MAX_POINTS, &path.field("decay"), "decay");
    let learning = all(o
        .learning
        .iter()
        .enumerate()
        .map(|(i, l)| ctx.resolve(Kind::Learning, l, &path.field("learning").index(i)))
        .collect());
    let kp = path.field("kind");
    let by_turn = |ctx: &mut Ctx, turn: u32| {
        if turn == 0 || turn > raw.max_turns {
            ctx.p.error(
                &kp,
                format!(
                    "turn {turn} is outside the session (1 to {})",
                    raw.max_turns
                ),
            );
        }
    };
    let kind = match &o.kind {
        RawObjectiveKind::Prevent(s) => {
            let ids = ctx
                .groups
                .get(s)
                .cloned()
                .unwrap_or_else(|| vec![s.clone()]);
            let resolved: Vec<_> = ids
                .iter()
                .map(|x| ctx.resolve(Kind::Stage, x, &kp.inside(0)))
                .collect();
            ObjectiveKind::Prevent(all(resolved)?)
        }
        RawObjectiveKind::Detect { by_turn: t } => {
            by_turn(ctx, *t);
            ObjectiveKind::Detect { by_turn: *t }
        }
        RawObjectiveKind::Contain { within } => {
            ctx.range(*within, 0, MAX_TURNS, &kp.field("within"), "within");
            ObjectiveKind::Contain { within: *within }
        }
        RawObjectiveKind::PreserveEvidence => ObjectiveKind::PreserveEvidence,
        RawObjectiveKind::Notify(r) => {
            ObjectiveKind::Notify(ctx.resolve(Kind::Rule, r, &kp.inside(0))?)
        }
        RawObjectiveKind::Restore {
            function,
            by_turn: t,
        } => {
            by_turn(ctx, *t);
            ObjectiveKind::Restore {
                function: ctx.resolve(Kind::Function, function, &kp.field("function"))?,
                by_turn: *t,
            }
        }
        RawObjectiveKind::Finding(f) => ObjectiveKind::Finding(*f),
        RawObjectiveKind::Answer(i) => {
            let id = ctx.resolve(Kind::Inject, i, &kp.inside(0))?;
            match &d.injects[id.index()].1.question {
                None => {
                    ctx.p
                        .error(&kp.inside(0), format!("inject `{i}` asks no question"));
                    return None;
                }
                Some(q) if !q.choices.iter().any(|c| c.correct || c.right_if.is_some()) => {
                    ctx.p.error(
                        &kp.inside(0),
                        format!("inject `{i}` has no correct choice, so this can never be met"),
                    );
                }
                Some(_) => {}
            }
            ObjectiveKind::Answer(id)
        }
        RawObjectiveKind::Done {
            action,
            by_turn: t,
            after,
            before,
        } => {
            ctx.needs_v2(&kp, "objective kind `Done`");
            if let Some(t) = t {
                by_turn(ctx, *t);
            }
            let action = ctx.resolve(Kind::Action, action, &kp.field("action"));
            let after = match after {
                None => Some(None),
                Some(c) => condition(ctx, d, c, &kp.field("after")).map(Some),
            };
            let before = match before {
                None => Some(None),
                Some(c) => condition(ctx, d, c, &kp.field("before")).map(Some),
            };
            ObjectiveKind::Done {
                action: action?,
                by_turn: *t,
                after: after?,
                before: before?,
            }
        }
    };
    Some(Objective {
        key: o.id.clone(),
        name,
        points: o.points,
        decay: o.decay,
        learning: learning?,
        advice,
        kind,
    })
}

/// What an answer does (format 2).
fn choice_effects(
    ctx: &mut Ctx,
    list: &[crate::scenario::raw::RawChoiceEffect],
    path: &Path,
) -> Option<Vec<crate::scenario::model::ChoiceEffect>> {
    use crate::scenario::model::ChoiceEffect;
    use crate::scenario::raw::RawChoiceEffect;
    if !list.is_empty() {
        ctx.needs_v2(path, "`effects` on a choice");
    }
    all(list
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let p = path.index(i);
            let arg = p.inside(0);
            match e {
                RawChoiceEffect::Isolate(h) => {
                    ctx.resolve(Kind::Host, h, &arg).map(ChoiceEffect::Isolate)
                }
                RawChoiceEffect::Mitigate(m) => ctx
                    .resolve(Kind::Mitigation, m, &arg)
                    .map(ChoiceEffect::Mitigate),
                RawChoiceEffect::Block(a) => {
                    ctx.resolve(Kind::Address, a, &arg).map(ChoiceEffect::Block)
                }
                RawChoiceEffect::Stop(f, turns) => {
                    ctx.range(*turns, 1, MAX_TURNS, &p.inside(1), "turns");
                    ctx.resolve(Kind::Function, f, &arg)
                        .map(|f| ChoiceEffect::Stop(f, *turns))
                }
            }
        })
        .collect())
}

fn can_target(s: &Scenario, verb: Verb, target: &Target) -> bool {
    s.actions
        .iter()
        .any(|(_, a)| a.verb == verb && (a.only.is_empty() || a.only.contains(target)))
}

fn has_verb(s: &Scenario, verb: Verb) -> bool {
    s.actions.iter().any(|(_, a)| a.verb == verb)
}

/// Checks that every objective and notification rule can be met.
pub(crate) fn analyse(ctx: &mut Ctx, raw: &RawScenario, s: &Scenario) {
    let root = Path::root();
    for (id, r) in s.notifications.iter() {
        if r.kept_by.is_none() && !can_target(s, Verb::Notify, &Target::Stakeholder(r.stakeholder))
        {
            ctx.p.error_hint(
                &root
                    .field("notifications")
                    .item(id.index(), &r.key)
                    .field("stakeholder"),
                format!(
                    "no action can notify `{}`, so this rule can never be kept",
                    s.stakeholders.key(r.stakeholder)
                ),
                "add an action with `verb: Notify` that may target this stakeholder, or name the action that keeps it in `kept_by` (format 2)",
            );
        }
    }
    if has_verb(s, Verb::SubmitFindings) && s.entry_vectors.is_empty() {
        ctx.p.error_hint(
            &root.field("findings"),
            "there is a findings action but no entry vector, so no report can be written",
            "list the candidate ways in under `findings: (entry_vectors: [...])`",
        );
    }
    let findable = s.traces.iter().any(|(_, t)| match t.seen_in {
        SeenIn::Alert => t.host_alerting(s),
        SeenIn::Logs => has_verb(s, Verb::AnalyseLogs),
        SeenIn::Disk => has_verb(s, Verb::ImageDisk),
        SeenIn::Scan => has_verb(s, Verb::Scan),
    });
    let base = root.field("scoring").field("objectives");
    for (id, o) in s.objectives.iter() {
        let path = base.item(id.index(), &o.key).field("kind");
        let problem = match &o.kind {
            ObjectiveKind::Detect { .. } if !findable && !has_verb(s, Verb::SubmitFindings) => {
                Some("no trace can ever be seen or found, so nothing can be detected".to_owned())
            }
            ObjectiveKind::Detect { .. }
                if !has_verb(s, Verb::Triage)
                    && !has_verb(s, Verb::AnalyseLogs)
                    && !has_verb(s, Verb::ImageDisk)
                    && !has_verb(s, Verb::Scan)
                    && !has_verb(s, Verb::SubmitFindings) =>
            {
                Some("no investigation action exists, so nothing can be confirmed".to_owned())
            }
            ObjectiveKind::PreserveEvidence if !has_verb(s, Verb::ImageDisk) => {
                Some("no action with `verb: ImageDisk` exists".to_owned())
            }
            ObjectiveKind::Finding(field) => {
                if !has_verb(s, Verb::SubmitFindings) {
                    Some("no action with `verb: SubmitFindings` exists".to_owned())
                } else if *field == FindingField::Entry
                    && !s.entry_vectors.iter().any(|(_, e)| !e.stages.is_empty())
                {
                    Some("no entry vector on the findings form names a stage".to_owned())
                } else if *field == FindingField::RootCause
                    && !s.root_causes.iter().any(|(_, r)| r.correct)
                {
                    Some(
                        "no root cause on the findings form is `correct` (`findings: (root_causes: [...])`)"
                            .to_owned(),
                    )
                } else {
                    None
                }
            }
            ObjectiveKind::Restore { function, .. }
                if s.functions[*function].depends_on.is_empty() =>
            {
                Some("the function depends on no host, so it is never down or restored".to_owned())
            }
            ObjectiveKind::Contain { .. }
                if !has_verb(s, Verb::IsolateHost)
                    && !has_verb(s, Verb::IsolateSegment)
                    && !has_verb(s, Verb::Reimage)
                    && !has_verb(s, Verb::RestoreBackup)
                    && !has_verb(s, Verb::BlockAddress) =>
            {
                Some("no containment action (isolate, block, reimage, restore) exists".to_owned())
            }
            _ => None,
        };
        if let Some(why) = problem {
            ctx.p.error(
                &path,
                format!("objective `{}` can never be met: {why}", o.key),
            );
        }
    }
    let max: u64 = s.objectives.iter().map(|(_, o)| u64::from(o.points)).sum();
    if max == 0 {
        ctx.p.error(&base, "the rubric's maximum is 0 points");
    }
    let _ = raw;
}

/// Whether a win condition can be met by an empty gesture: `FindingsSubmitted` required
/// (outside a `Not`), which any report meets.
fn gesture_win(c: &RawCondition) -> bool {
    match c {
        RawCondition::FindingsSubmitted => true,
        RawCondition::All(cs) | RawCondition::Any(cs) => cs.iter().any(gesture_win),
        _ => false,
    }
}
