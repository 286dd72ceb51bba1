//! Commands (what a team does) from their written form to resolved ids, and the static checks
//! of the walkthrough. [`resolve_command`] is also what action files and front-ends go through.

use super::organisation::Declared;
use super::{Ctx, Kind};
use crate::scenario::model::{Command, Findings, Scenario, Target, TargetKind, TurnPlan, Verb};
use crate::scenario::problem::{Path, Severity};
use crate::scenario::raw::{RawCommand, RawScenario, RawTarget};

/// Why a written command does not fit the scenario.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CommandError {
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
    /// Which argument is wrong: 0 for the first (action, inject or hint), 1 for the second
    /// (target or choice).
    pub arg: usize,
}

impl CommandError {
    fn new(arg: usize, message: String, hint: Option<String>) -> Self {
        Self { message, hint, arg }
    }
}

fn unknown<T: crate::scenario::model::Keyed>(
    table: &crate::scenario::model::Table<T>,
    noun: &str,
    key: &str,
    arg: usize,
) -> CommandError {
    let keys: Vec<&str> = table.iter().map(|(_, x)| x.key()).collect();
    let hint = super::closest(key, keys.iter().copied())
        .map(|b| format!("did you mean `{b}`?"))
        .or_else(|| {
            (!keys.is_empty()).then(|| {
                let mut shown: Vec<&str> = keys.iter().take(6).copied().collect();
                if keys.len() > 6 {
                    shown.push("…");
                }
                format!("known: {}", shown.join(", "))
            })
        });
    CommandError::new(arg, format!("unknown {noun} `{key}`"), hint)
}

fn lookup<T: crate::scenario::model::Keyed>(
    table: &crate::scenario::model::Table<T>,
    noun: &str,
    key: &str,
    arg: usize,
) -> Result<crate::scenario::model::Id<T>, CommandError> {
    table.id(key).ok_or_else(|| unknown(table, noun, key, arg))
}

fn target_kind(t: &RawTarget) -> TargetKind {
    match t {
        RawTarget::Org => TargetKind::Org,
        RawTarget::Host(_) => TargetKind::Host,
        RawTarget::Segment(_) => TargetKind::Segment,
        RawTarget::Account(_) => TargetKind::Account,
        RawTarget::Address(_) => TargetKind::Address,
        RawTarget::Alert(_) => TargetKind::Alert,
        RawTarget::Stakeholder(_) => TargetKind::Stakeholder,
        RawTarget::Mitigation(_) => TargetKind::Mitigation,
        RawTarget::Findings { .. } => TargetKind::Findings,
    }
}

fn example(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::Org => "Org",
        TargetKind::Host => "Host(\"pc-01\")",
        TargetKind::Segment => "Segment(\"office\")",
        TargetKind::Account => "Account(\"adm-01\")",
        TargetKind::Address => "Address(\"c2\")",
        TargetKind::Alert => "Alert(\"edr-alert\")",
        TargetKind::Stakeholder => "Stakeholder(\"csirt\")",
        TargetKind::Mitigation => "Mitigation(\"block-usb\")",
        TargetKind::Findings => "Findings(entry: \"…\", hosts: [..], data: [..], first_turn: 1)",
    }
}

/// The error for a target of the wrong kind for the action's verb, if it is.
fn kind_mismatch(action: &str, verb: Verb, target: &RawTarget) -> Option<CommandError> {
    let want = verb.target_kind();
    let got = target_kind(target);
    (want != got).then(|| {
        CommandError::new(
            1,
            format!(
                "action `{action}` ({verb:?}) takes a `{}` target, not `{}`",
                want.name(),
                got.name()
            ),
            Some(format!(
                "write it as `Act(\"{action}\", {})`",
                example(want)
            )),
        )
    })
}

/// Checks the names in the walkthrough while the model is being built, so that a wrong id
/// there is reported together with every other problem (the full check needs the model).
pub(crate) fn walkthrough_names(ctx: &mut Ctx, raw: &RawScenario, d: &Declared) {
    let base = Path::root().field("walkthrough");
    for (i, plan) in raw.walkthrough.iter().enumerate() {
        for (j, c) in plan.actions.iter().enumerate() {
            let cp = base.index(i).field("actions").index(j);
            let (arg0, arg1) = (cp.inside(0), cp.inside(1));
            match c {
                RawCommand::Act(action, target) => {
                    let Some(id) = ctx.lookup(Kind::Action, action) else {
                        ctx.check(&[Kind::Action], action, &arg0);
                        continue;
                    };
                    let verb = d.actions[id].1.verb;
                    if let Some(e) = kind_mismatch(action, verb, target) {
                        ctx.p.push(Severity::Error, &arg1, e.message, e.hint);
                        continue;
                    }
                    let inner = arg1.inside(0);
                    match target {
                        RawTarget::Org => {}
                        RawTarget::Host(x) => ctx.check(&[Kind::Host], x, &inner),
                        RawTarget::Segment(x) => ctx.check(&[Kind::Segment], x, &inner),
                        RawTarget::Account(x) => ctx.check(&[Kind::Account], x, &inner),
                        RawTarget::Address(x) => ctx.check(&[Kind::Address], x, &inner),
                        RawTarget::Alert(x) => ctx.check(&[Kind::Trace, Kind::Noise], x, &inner),
                        RawTarget::Stakeholder(x) => ctx.check(&[Kind::Stakeholder], x, &inner),
                        RawTarget::Mitigation(x) => ctx.check(&[Kind::Mitigation], x, &inner),
                        RawTarget::Findings {
                            entry,
                            hosts,
                            data,
                            first_turn,
                            root_cause,
                        } => {
                            ctx.check(&[Kind::Entry], entry, &arg1.field("entry"));
                            if let Some(r) = root_cause {
                                ctx.check(&[Kind::RootCause], r, &arg1.field("root_cause"));
                            }
                            for (k, h) in hosts.iter().enumerate() {
                                ctx.check(&[Kind::Host], h, &arg1.field("hosts").index(k));
                            }
                            for (k, x) in data.iter().enumerate() {
                                ctx.check(&[Kind::DataSet], x, &arg1.field("data").index(k));
                            }
                            if *first_turn == 0 {
                                ctx.p.error(&arg1.field("first_turn"), "turns start at 1");
                            }
                        }
                    }
                }
                RawCommand::Answer(inject, choice) => {
                    let Some(id) = ctx.lookup(Kind::Inject, inject) else {
                        ctx.check(&[Kind::Inject], inject, &arg0);
                        continue;
                    };
                    match &d.injects[id].1.question {
                        None => ctx
                            .p
                            .error(&arg0, format!("inject `{inject}` asks no question")),
                        Some(q) if !q.choices.iter().any(|c| c.id == *choice) => {
                            let hint =
                                super::closest(choice, q.choices.iter().map(|c| c.id.as_str()))
                                    .map(|b| format!("did you mean `{b}`?"));
                            ctx.p.push(
                                Severity::Error,
                                &arg1,
                                format!("inject `{inject}` has no choice `{choice}`"),
                                hint,
                            );
                        }
                        Some(_) => {}
                    }
                }
                RawCommand::Hint(h) => ctx.check(&[Kind::Hint], h, &arg0),
                RawCommand::Reply(..) => ctx.p.error_hint(
                    &cp,
                    "a walkthrough cannot reply to a facilitator's message",
                    "`Reply` answers a message sent during a drill; scenario questions are answered with `Answer(inject, choice)`",
                ),
            }
        }
    }
}

/// Resolves a written command against the scenario. Whether it is *legal now* (enough
/// effort, alert already seen …) is the engine's business; this only checks that it names
/// things that exist and fit together.
pub fn resolve_command(s: &Scenario, raw: &RawCommand) -> Result<Command, CommandError> {
    match raw {
        RawCommand::Act(action, target) => {
            let id = lookup(&s.actions, "action", action, 0)?;
            let a = &s.actions[id];
            if let Some(e) = kind_mismatch(action, a.verb, target) {
                return Err(e);
            }
            let resolved = match target {
                RawTarget::Org => Target::Org,
                RawTarget::Host(h) => Target::Host(lookup(&s.hosts, "host", h, 1)?),
                RawTarget::Segment(x) => Target::Segment(lookup(&s.segments, "segment", x, 1)?),
                RawTarget::Account(x) => Target::Account(lookup(&s.accounts, "account", x, 1)?),
                RawTarget::Address(x) => Target::Address(lookup(&s.addresses, "address", x, 1)?),
                RawTarget::Alert(x) => Target::Alert(s.alert_id(x).ok_or_else(|| {
                    let mut keys: Vec<&str> =
                        s.traces.iter().map(|(_, t)| t.key.as_str()).collect();
                    keys.extend(s.noise.iter().map(|(_, n)| n.key.as_str()));
                    let hint =
                        super::closest(x, keys.into_iter()).map(|b| format!("did you mean `{b}`?"));
                    CommandError::new(1, format!("unknown alert `{x}`"), hint)
                })?),
                RawTarget::Stakeholder(x) => {
                    Target::Stakeholder(lookup(&s.stakeholders, "stakeholder", x, 1)?)
                }
                RawTarget::Mitigation(x) => {
                    Target::Mitigation(lookup(&s.mitigations, "mitigation", x, 1)?)
                }
                RawTarget::Findings {
                    entry,
                    hosts,
                    data,
                    first_turn,
                    root_cause,
                } => {
                    let entry = lookup(&s.entry_vectors, "entry vector", entry, 1)?;
                    let root_cause = match root_cause {
                        None => None,
                        Some(r) => Some(lookup(&s.root_causes, "root cause", r, 1)?),
                    };
                    let mut hs = hosts
                        .iter()
                        .map(|h| lookup(&s.hosts, "host", h, 1))
                        .collect::<Result<Vec<_>, _>>()?;
                    hs.sort();
                    hs.dedup();
                    let mut ds = data
                        .iter()
                        .map(|x| lookup(&s.data_sets, "data set", x, 1))
                        .collect::<Result<Vec<_>, _>>()?;
                    ds.sort();
                    ds.dedup();
                    if *first_turn == 0 {
                        return Err(CommandError::new(1, "turns start at 1".into(), None));
                    }
                    Target::Findings(Box::new(Findings {
                        entry,
                        hosts: hs,
                        data: ds,
                        first_turn: *first_turn,
                        root_cause,
                    }))
                }
            };
            if !a.only.is_empty() && !a.only.contains(&resolved) {
                let allowed: Vec<String> = a.only.iter().map(|t| s.target_key(t)).collect();
                return Err(CommandError::new(
                    1,
                    format!(
                        "action `{action}` cannot target `{}`",
                        s.target_key(&resolved)
                    ),
                    Some(format!("it may only target: {}", allowed.join(", "))),
                ));
            }
            Ok(Command::Act {
                action: id,
                target: resolved,
            })
        }
        RawCommand::Answer(inject, choice) => {
            let id = lookup(&s.injects, "inject", inject, 0)?;
            let Some(q) = &s.injects[id].question else {
                return Err(CommandError::new(
                    0,
                    format!("inject `{inject}` asks no question"),
                    None,
                ));
            };
            let Some(ci) = q.choice(choice) else {
                let keys = q.choices.iter().map(|c| c.key.as_str());
                let hint = super::closest(choice, keys)
                    .map(|b| format!("did you mean `{b}`?"))
                    .or_else(|| {
                        Some(format!(
                            "its choices: {}",
                            q.choices
                                .iter()
                                .map(|c| c.key.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                    });
                return Err(CommandError::new(
                    1,
                    format!("inject `{inject}` has no choice `{choice}`"),
                    hint,
                ));
            };
            Ok(Command::Answer {
                inject: id,
                choice: ci,
            })
        }
        RawCommand::Hint(h) => Ok(Command::Hint(lookup(&s.hints, "hint", h, 0)?)),
        RawCommand::Reply(message, choice) => {
            if *message == 0 {
                return Err(CommandError::new(
                    0,
                    "messages are numbered from 1".into(),
                    None,
                ));
            }
            if *choice == 0 {
                return Err(CommandError::new(
                    1,
                    "choices are numbered from 1".into(),
                    None,
                ));
            }
            Ok(Command::Reply {
                message: *message,
                choice: *choice as usize - 1,
            })
        }
    }
}

impl Scenario {
    /// The id written in a scenario file for a target (`""` for `Org`, the entry vector for
    /// findings).
    pub fn target_key(&self, t: &Target) -> String {
        match t {
            Target::Org => String::new(),
            Target::Host(x) => self.hosts.key(*x).to_owned(),
            Target::Segment(x) => self.segments.key(*x).to_owned(),
            Target::Account(x) => self.accounts.key(*x).to_owned(),
            Target::Address(x) => self.addresses.key(*x).to_owned(),
            Target::Alert(x) => self.alert_key(*x).to_owned(),
            Target::Stakeholder(x) => self.stakeholders.key(*x).to_owned(),
            Target::Mitigation(x) => self.mitigations.key(*x).to_owned(),
            Target::Findings(f) => self.entry_vectors.key(f.entry).to_owned(),
        }
    }

    /// The written form of a resolved command (for replay logs and action files).
    pub fn command_to_raw(&self, c: &Command) -> RawCommand {
        match c {
            Command::Act { action, target } => {
                let t = match target {
                    Target::Org => RawTarget::Org,
                    Target::Host(x) => RawTarget::Host(self.hosts.key(*x).into()),
                    Target::Segment(x) => RawTarget::Segment(self.segments.key(*x).into()),
                    Target::Account(x) => RawTarget::Account(self.accounts.key(*x).into()),
                    Target::Address(x) => RawTarget::Address(self.addresses.key(*x).into()),
                    Target::Alert(x) => RawTarget::Alert(self.alert_key(*x).into()),
                    Target::Stakeholder(x) => {
                        RawTarget::Stakeholder(self.stakeholders.key(*x).into())
                    }
                    Target::Mitigation(x) => RawTarget::Mitigation(self.mitigations.key(*x).into()),
                    Target::Findings(f) => RawTarget::Findings {
                        entry: self.entry_vectors.key(f.entry).into(),
                        hosts: f.hosts.iter().map(|h| self.hosts.key(*h).into()).collect(),
                        data: f
                            .data
                            .iter()
                            .map(|d| self.data_sets.key(*d).into())
                            .collect(),
                        first_turn: f.first_turn,
                        root_cause: f.root_cause.map(|r| self.root_causes.key(r).into()),
                    },
                };
                RawCommand::Act(self.actions.key(*action).into(), t)
            }
            Command::Answer { inject, choice } => {
                let q = self.injects[*inject]
                    .question
                    .as_ref()
                    .expect("a resolved answer names an inject with a question");
                RawCommand::Answer(
                    self.injects.key(*inject).into(),
                    q.choices[*choice].key.clone(),
                )
            }
            Command::Hint(h) => RawCommand::Hint(self.hints.key(*h).into()),
            Command::Reply { message, choice } => RawCommand::Reply(*message, *choice as u32 + 1),
        }
    }
}

/// Resolves and checks the walkthrough: turns in order and in range, commands that exist and
/// fit, hints not before they are offered, and effort that never exceeds what the team has.
pub(crate) fn walkthrough(ctx: &mut Ctx, raw: &RawScenario, s: &Scenario) -> Option<Vec<TurnPlan>> {
    let base = Path::root().field("walkthrough");
    if raw.walkthrough.is_empty() {
        ctx.p.error_hint(
            &base,
            "the scenario has no walkthrough",
            "write the reference solution: `walkthrough: [(turn: 1, actions: [...]), ...]`",
        );
        return None;
    }
    let mut plans = Vec::new();
    let mut ok = true;
    let mut last = 0;
    // Effort in use per turn (index 0 unused), and effort added from a turn on.
    let turns = s.max_turns as usize;
    let mut used = vec![0u64; turns + 2];
    let mut bonus_from = vec![0u64; turns + 2];
    let mut helped = Vec::new();
    for (i, plan) in raw.walkthrough.iter().enumerate() {
        let tp = base.index(i);
        if plan.turn == 0 || plan.turn > s.max_turns {
            ctx.p.error(
                &tp.field("turn"),
                format!(
                    "turn {} is outside the session (1 to {})",
                    plan.turn, s.max_turns
                ),
            );
            ok = false;
            continue;
        }
        if plan.turn <= last {
            ctx.p.error_hint(
                &tp.field("turn"),
                format!("turn {} comes after turn {last}", plan.turn),
                "list walkthrough turns once each, in increasing order",
            );
            ok = false;
        }
        last = last.max(plan.turn);
        let mut commands = Vec::new();
        for (j, c) in plan.actions.iter().enumerate() {
            let cp = tp.field("actions").index(j);
            match resolve_command(s, c) {
                Ok(cmd) => {
                    match &cmd {
                        crate::scenario::model::Command::Act { action, .. } => {
                            let a = &s.actions[*action];
                            let t = plan.turn as usize;
                            let end = (t + a.turns as usize).min(turns + 1);
                            for slot in &mut used[t..end] {
                                *slot += u64::from(a.cost);
                            }
                            let done = t + a.turns as usize;
                            // Outside help counts once, however often the action is repeated.
                            if a.adds_effort > 0 && done <= turns && !helped.contains(action) {
                                helped.push(*action);
                                for b in &mut bonus_from[done..] {
                                    *b += u64::from(a.adds_effort);
                                }
                            }
                        }
                        crate::scenario::model::Command::Hint(h) => {
                            let hint = &s.hints[*h];
                            if plan.turn < hint.from_turn {
                                ctx.p.error(
                                    &cp,
                                    format!(
                                        "hint `{}` is offered from turn {}, not turn {}",
                                        hint.key, hint.from_turn, plan.turn
                                    ),
                                );
                                ok = false;
                            }
                        }
                        crate::scenario::model::Command::Answer { .. }
                        | crate::scenario::model::Command::Reply { .. } => {}
                    }
                    commands.push(cmd);
                }
                Err(e) => {
                    let p = cp.inside(e.arg);
                    match e.hint {
                        Some(h) => ctx.p.error_hint(&p, e.message, h),
                        None => ctx.p.error(&p, e.message),
                    }
                    ok = false;
                }
            }
        }
        plans.push(TurnPlan {
            turn: plan.turn,
            commands,
        });
    }
    // Effort: report the first turn of each plan entry that overflows.
    for (i, plan) in raw.walkthrough.iter().enumerate() {
        let t = plan.turn as usize;
        if t == 0 || t > turns {
            continue;
        }
        let have = u64::from(s.effort_per_turn) + bonus_from[t];
        if used[t] > have {
            ctx.p.error_hint(
                &base.index(i).field("actions"),
                format!(
                    "the walkthrough needs {} effort in turn {t}, but the team has {have}",
                    used[t]
                ),
                "actions cost their effort every turn they run; spread them over more turns",
            );
            ok = false;
        }
    }
    ok.then_some(plans)
}
