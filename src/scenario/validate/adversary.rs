//! The adversary: stages, their traces, noise alerts; and the analysis of which stages can
//! ever happen.

use super::content::condition;
use super::organisation::{AddressSrc, Declared};
use super::{Ctx, Kind, all, table};
use crate::scenario::model::{
    Condition, Effect, HostId, Noise, Reaction, Reveal, Scenario, SegmentKind, Severity, Stage,
    StageId, Table, Text, Trace, Via,
};
use crate::scenario::problem::Path;
use crate::scenario::raw::{
    Privilege, RawEffect, RawReaction, RawReveal, RawScenario, RawVia, SeenIn, Source,
};

pub(crate) struct Adv {
    pub name: Text,
    pub stages: Table<Stage>,
    pub traces: Table<Trace>,
    pub noise: Table<Noise>,
}

/// Whether `technique` has the MITRE ATT&CK form `T1234` or `T1234.001`.
pub(crate) fn is_attack_id(technique: &str) -> bool {
    let b = technique.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    match b.len() {
        5 => b[0] == b'T' && digits(&b[1..5]),
        9 => b[0] == b'T' && digits(&b[1..5]) && b[5] == b'.' && digits(&b[6..9]),
        _ => false,
    }
}

/// Whether the host (looked up by id, not searched for) or its segment is monitored by
/// `source`.
fn covered(ctx: &Ctx, d: &Declared, host: &str, source: Source) -> bool {
    let Some(h) = ctx.lookup(Kind::Host, host).map(|i| d.hosts[i].1) else {
        return false;
    };
    h.monitoring.contains(&source)
        || ctx
            .lookup(Kind::Segment, &h.segment)
            .is_some_and(|i| d.segments[i].1.monitoring.contains(&source))
}

/// Traces named in a `detects` list (format 2): each must be an alert, which the mitigation
/// or message makes the organisation's monitoring raise.
pub(crate) fn detects(
    ctx: &mut Ctx,
    d: &Declared,
    list: &[String],
    path: &Path,
) -> Option<Vec<crate::scenario::model::TraceId>> {
    if !list.is_empty() {
        ctx.needs_v2(path, "`detects`");
    }
    all(list
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let p = path.index(i);
            let id = ctx.resolve(Kind::Trace, x, &p)?;
            let trace = d.traces[id.index()].2;
            if trace.seen_in != SeenIn::Alert {
                ctx.p.error_hint(
                    &p,
                    format!(
                        "trace `{x}` is not an alert (`seen_in: {:?}`)",
                        trace.seen_in
                    ),
                    "only `seen_in: Alert` traces can be raised by monitoring",
                );
                return None;
            }
            Some(id)
        })
        .collect())
}

pub(crate) fn reveals(ctx: &mut Ctx, list: &[RawReveal], path: &Path) -> Option<Vec<Reveal>> {
    all(list
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let p = path.index(i).inside(0);
            match r {
                RawReveal::Address(a) => ctx.resolve(Kind::Address, a, &p).map(Reveal::Address),
                RawReveal::Host(h) => ctx.resolve(Kind::Host, h, &p).map(Reveal::Host),
                RawReveal::Account(a) => ctx.resolve(Kind::Account, a, &p).map(Reveal::Account),
                RawReveal::Trace(x) => {
                    ctx.needs_v2(&path.index(i), "revealing a trace");
                    ctx.resolve(Kind::Trace, x, &p).map(Reveal::Trace)
                }
            }
        })
        .collect())
}

/// Builds stages, traces and noise.
pub(crate) fn build(ctx: &mut Ctx, raw: &RawScenario, d: &Declared) -> Option<Adv> {
    let adv = Path::root().field("adversary");
    let name = ctx.text(&raw.adversary.name, &adv.field("name"));
    if raw.adversary.stages.is_empty() {
        ctx.p
            .error(&adv.field("stages"), "the adversary has no stages");
    }
    let stages: Vec<Option<Stage>> = d
        .stages
        .iter()
        .enumerate()
        .map(|(index, (path, s))| stage(ctx, d, index, path, s))
        .collect();

    let traces: Vec<Option<Trace>> = d
        .traces
        .iter()
        .map(|(path, stage_index, t)| {
            let stage = d.stages[*stage_index].1;
            let text = ctx.text(&t.text, &path.field("text"));
            let host_key = t.host.as_deref().unwrap_or(&stage.target);
            let host = match &t.host {
                Some(h) => ctx.resolve(Kind::Host, h, &path.field("host")),
                // The stage target is checked (and reported) with the stage.
                None => ctx.lookup(Kind::Host, &stage.target).map(HostId::new),
            };
            // A mitigation or a message may load what it takes to see it (`detects`).
            let detected_later = raw
                .organisation
                .mitigations
                .iter()
                .any(|m| m.detects.contains(&t.id))
                || raw.injects.iter().any(|x| x.detects.contains(&t.id));
            if t.seen_in == SeenIn::Alert
                && host.is_some()
                && !detected_later
                && !covered(ctx, d, host_key, t.source)
            {
                ctx.p.warn_hint(
                    &path.field("source"),
                    format!(
                        "this alert can never be seen: neither `{host_key}` nor its segment is monitored by `{:?}`",
                        t.source
                    ),
                    format!("add `{:?}` to the host's or segment's `monitoring`, or make it `seen_in: Logs`", t.source),
                );
            }
            if t.seen_in != SeenIn::Alert && t.severity.is_some() {
                ctx.p.warn(
                    &path.field("severity"),
                    "severity only matters for `seen_in: Alert`",
                );
            }
            let reveals = reveals(ctx, &t.reveals, &path.field("reveals"));
            Some(Trace {
                key: t.id.clone(),
                stage: StageId::new(*stage_index),
                source: t.source,
                seen_in: t.seen_in,
                host: host?,
                severity: t.severity.unwrap_or(Severity::Medium),
                text,
                reveals: reveals?,
            })
        })
        .collect();

    let noise: Vec<Option<Noise>> = d
        .noise
        .iter()
        .map(|(path, n)| {
            let text = ctx.text(&n.text, &path.field("text"));
            let host = ctx.resolve(Kind::Host, &n.host, &path.field("host"));
            ctx.range(n.chance, 1, 100, &path.field("chance"), "chance");
            if host.is_some() && !covered(ctx, d, &n.host, n.source) {
                ctx.p.warn(
                    &path.field("source"),
                    format!(
                        "this alert can never be raised: neither `{}` nor its segment is monitored by `{:?}`",
                        n.host, n.source
                    ),
                );
            }
            let reveals = reveals(ctx, &n.reveals, &path.field("reveals"));
            Some(Noise {
                key: n.id.clone(),
                host: host?,
                source: n.source,
                chance: n.chance,
                severity: n.severity,
                text,
                reveals: reveals?,
            })
        })
        .collect();

    Some(Adv {
        name,
        stages: table(stages)?,
        traces: table(traces)?,
        noise: table(noise)?,
    })
}

fn stage(
    ctx: &mut Ctx,
    d: &Declared,
    index: usize,
    path: &Path,
    s: &crate::scenario::raw::RawStage,
) -> Option<Stage> {
    let name = ctx.text(&s.name, &path.field("name"));
    if !is_attack_id(&s.technique) {
        ctx.p.error_hint(
            &path.field("technique"),
            format!("`{}` is not a MITRE ATT&CK technique id", s.technique),
            "write it as `T1234` or, for a sub-technique, `T1234.001`",
        );
    }
    let stage_list = |ctx: &mut Ctx, list: &[String], field: &'static str| {
        all(list
            .iter()
            .enumerate()
            .map(|(i, x)| {
                let p = path.field(field).index(i);
                if *x == s.id {
                    ctx.p.error(&p, "a stage cannot wait for itself");
                    return None;
                }
                ctx.resolve(Kind::Stage, x, &p)
            })
            .collect())
    };
    let after = stage_list(ctx, &s.after, "after");
    let after_any = stage_list(ctx, &s.after_any, "after_any");
    if s.after_any.len() == 1 {
        ctx.p.warn_hint(
            &path.field("after_any"),
            "`after_any` with one stage is the same as `after`",
            "move it to `after`",
        );
    }
    let target: Option<HostId> = if s.target.is_empty() {
        if s.targets.is_none() {
            ctx.p.error_hint(
                path,
                format!("stage `{}` has no `target`", s.id),
                "name the host it acts on, `target: \"pc-01\"`, or (format 2) a set of hosts, `targets: Segment(\"lan\")`",
            );
        }
        None
    } else {
        ctx.resolve(Kind::Host, &s.target, &path.field("target"))
    };
    let via_path = path.field("via");
    let via = match &s.via {
        RawVia::Internet(a) | RawVia::Lure(a) => {
            let id = ctx.resolve(Kind::Address, a, &via_path.inside(0));
            if let Some(id) = id
                && let AddressSrc::External(_) = d.addresses[id.index()].1
            {
                ctx.p.error_hint(
                    &via_path.inside(0),
                    format!("`{a}` is one of the organisation's own addresses, not attacker infrastructure"),
                    "list the attacker's addresses under `adversary.infrastructure`",
                );
                None
            } else if matches!(s.via, RawVia::Lure(_)) {
                id.map(Via::Lure)
            } else {
                id.map(Via::Internet)
            }
        }
        RawVia::Host(h) => {
            if *h == s.target {
                ctx.p.error_hint(
                    &via_path,
                    "the stage acts from its own target",
                    "write `via: Target` for actions on a host the attacker already holds",
                );
                None
            } else {
                ctx.resolve(Kind::Host, h, &via_path.inside(0))
                    .map(Via::Host)
            }
        }
        RawVia::Target => Some(Via::Target),
        RawVia::Implant => Some(Via::Implant),
        RawVia::Physical => Some(Via::Physical),
    };
    let uses = match &s.uses {
        Some(a) => {
            let id = ctx.resolve(Kind::Account, a, &path.field("uses"));
            let account = ctx.lookup(Kind::Account, a).map(|i| d.accounts[i].1);
            if let (Some(acc), Some(_)) = (account, target) {
                let target_host = ctx.lookup(Kind::Host, &s.target).map(|i| d.hosts[i].1);
                let valid = acc.valid_on.iter().any(|place| match place {
                    crate::scenario::raw::RawPlace::Everywhere => true,
                    crate::scenario::raw::RawPlace::Host(h) => *h == s.target,
                    crate::scenario::raw::RawPlace::Segment(seg) => {
                        target_host.is_some_and(|h| h.segment == *seg)
                    }
                });
                if !valid {
                    ctx.p.error_hint(
                        &path.field("uses"),
                        format!("account `{a}` cannot log on to the target `{}`", s.target),
                        "add the target (or its segment) to the account's `valid_on`",
                    );
                }
            }
            id.map(Some)
        }
        None => Some(None),
    };
    if let Some(v) = &s.exploits
        && let Some(host) = ctx.lookup(Kind::Host, &s.target).map(|i| d.hosts[i].1)
        && !host.vulnerabilities.contains(v)
    {
        ctx.p.error_hint(
            &path.field("exploits"),
            format!("the target `{}` has no vulnerability `{v}`", s.target),
            if host.vulnerabilities.is_empty() {
                "list it in the host's `vulnerabilities`".to_owned()
            } else {
                format!("its vulnerabilities: {}", host.vulnerabilities.join(", "))
            },
        );
    }
    let stopped_by = all(s
        .stopped_by
        .iter()
        .enumerate()
        .map(|(i, m)| ctx.resolve(Kind::Mitigation, m, &path.field("stopped_by").index(i)))
        .collect());
    let requires = all(s
        .requires
        .iter()
        .enumerate()
        .map(|(i, c)| condition(ctx, d, c, &path.field("requires").index(i)))
        .collect());
    ctx.range(s.chance, 1, 100, &path.field("chance"), "chance");
    if s.privilege.is_some()
        && matches!(
            s.via,
            RawVia::Internet(_) | RawVia::Lure(_) | RawVia::Physical
        )
    {
        ctx.p.warn(
            &path.field("privilege"),
            "`privilege` only applies to stages acting `via: Host(..)`, `Target` or `Implant`",
        );
    }

    let target_raw = d
        .hosts
        .iter()
        .find(|(_, h)| h.id == s.target)
        .map(|(_, h)| *h);
    let mut footholds = 0;
    let effects = all(s
        .effects
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let p = path.field("effects").index(i);
            match e {
                RawEffect::Foothold { level, c2 } => {
                    footholds += 1;
                    let c2 = match c2 {
                        Some(a) => {
                            let id = ctx.resolve(Kind::Address, a, &p.field("c2"))?;
                            match d.addresses[id.index()].1 {
                                AddressSrc::External(_) => {
                                    ctx.p.error(
                                        &p.field("c2"),
                                        format!("`{a}` is one of the organisation's own addresses, not attacker infrastructure"),
                                    );
                                    return None;
                                }
                                AddressSrc::Infra(infra) if infra.role != crate::scenario::raw::InfraRole::C2 => {
                                    ctx.p.warn_hint(
                                        &p.field("c2"),
                                        format!("`{a}` is listed with role `{:?}`, not `C2`", infra.role),
                                        "give command-and-control addresses `role: C2`",
                                    );
                                }
                                AddressSrc::Infra(_) => {}
                            }
                            Some(id)
                        }
                        None => None,
                    };
                    Some(Effect::Foothold { level: *level, c2 })
                }
                RawEffect::StealCredentials(list) => all(list
                    .iter()
                    .enumerate()
                    .map(|(j, a)| ctx.resolve(Kind::Account, a, &p.inside(0).index(j)))
                    .collect())
                .map(Effect::StealCredentials),
                RawEffect::Exfiltrate(list) => {
                    for (j, x) in list.iter().enumerate() {
                        if let Some(h) = target_raw
                            && ctx.known(Kind::DataSet, x)
                            && !h.data.contains(x)
                        {
                            ctx.p.warn(
                                &p.inside(0).index(j),
                                format!("data set `{x}` is not stored on the target `{}`", h.id),
                            );
                        }
                    }
                    all(list
                        .iter()
                        .enumerate()
                        .map(|(j, x)| ctx.resolve(Kind::DataSet, x, &p.inside(0).index(j)))
                        .collect())
                    .map(Effect::Exfiltrate)
                }
                RawEffect::Encrypt => Some(Effect::Encrypt),
                RawEffect::Disrupt(turns) => {
                    ctx.range(*turns, 1, super::organisation::MAX_TURNS, &p.inside(0), "disruption turns")
                        .then_some(Effect::Disrupt(*turns))
                }
            }
        })
        .collect());
    if footholds > 1 {
        ctx.p.warn(
            &path.field("effects"),
            "more than one `Foothold` effect; the last one wins",
        );
    }
    if !s.ends {
        ctx.needs_v2(&path.field("ends"), "`ends: false`");
        if !s.goal {
            ctx.p.warn(
                &path.field("ends"),
                "`ends` only matters for the adversary's goal (`goal: true`)",
            );
        }
    }
    // A step of the story (collecting data before sending it out, a discovery) changes
    // nothing by itself: it is fine when it leaves traces or a later stage follows it.
    let followed = d
        .stages
        .iter()
        .any(|(_, o)| o.after.contains(&s.id) || o.after_any.contains(&s.id));
    if s.effects.is_empty() && !s.goal && s.traces.is_empty() && !followed {
        ctx.p.warn_hint(
            &path.field("effects"),
            "the stage has no effect, leaves no trace and no stage follows it",
            "give it an effect or a trace, or name it in a later stage's `after`",
        );
    }
    let on_blocked = all(s
        .on_blocked
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let p = path.field("on_blocked").index(i);
            match r {
                RawReaction::Switch(x) => {
                    if *x == s.id {
                        ctx.p.error(&p, "a stage cannot switch to itself");
                        return None;
                    }
                    let id = ctx.resolve(Kind::Stage, x, &p.inside(0))?;
                    if !d.stages[id.index()].1.alternative {
                        ctx.p.error_hint(
                            &p.inside(0),
                            format!("`{x}` is not an alternative stage, so switching to it changes nothing"),
                            format!("add `alternative: true` to stage `{x}`"),
                        );
                    }
                    Some(Reaction::Switch(id))
                }
                RawReaction::Dormant(turns) => ctx
                    .range(*turns, 1, super::organisation::MAX_TURNS, &p.inside(0), "dormant turns")
                    .then_some(Reaction::Dormant(*turns)),
                RawReaction::Abandon => Some(Reaction::Abandon),
            }
        })
        .collect());
    if s.traces.is_empty() {
        ctx.p.warn_hint(
            &path.field("traces"),
            "the stage leaves no trace, so no team can ever see it",
            "give it at least one trace (an alert, a log line, a file on disk)",
        );
    }
    let traces: Vec<_> = d
        .traces
        .iter()
        .enumerate()
        .filter(|(_, (_, st, _))| *st == index)
        .map(|(i, _)| crate::scenario::model::TraceId::new(i))
        .collect();
    Some(Stage {
        key: s.id.clone(),
        name,
        tactic: s.tactic,
        technique: s.technique.clone(),
        after: after?,
        after_any: after_any?,
        via: via?,
        target: target?,
        uses: uses?,
        exploits: s.exploits.clone(),
        privilege: s.privilege.unwrap_or(Privilege::User),
        stopped_by: stopped_by?,
        requires: requires?,
        chance: s.chance,
        repeat: s.repeat,
        alternative: s.alternative,
        goal: s.goal,
        ends: s.ends,
        effects: effects?,
        traces,
        on_blocked: on_blocked?,
    })
}

/// What the adversary could achieve if the team did nothing at all: an optimistic fixpoint.
struct Possible {
    stages: Vec<bool>,
    foothold: Vec<Option<Privilege>>,
    stolen: Vec<bool>,
    enabled: Vec<bool>,
}

impl Possible {
    fn new(s: &Scenario) -> Self {
        Self {
            stages: vec![false; s.stages.len()],
            foothold: vec![None; s.hosts.len()],
            stolen: vec![false; s.accounts.len()],
            enabled: vec![false; s.stages.len()],
        }
    }

    fn ready(&self, st: &Stage) -> bool {
        st.after.iter().all(|a| self.stages[a.index()])
            && (st.after_any.is_empty() || st.after_any.iter().any(|a| self.stages[a.index()]))
    }

    /// Conditions under the assumption that anything not about stages can come true.
    fn maybe(&self, c: &Condition) -> bool {
        match c {
            Condition::StageDone(s) => self.stages[s.index()],
            Condition::All(list) => list.iter().all(|c| self.maybe(c)),
            Condition::Any(list) => list.iter().any(|c| self.maybe(c)),
            _ => true,
        }
    }

    /// Why the stage cannot fire now, if it cannot.
    fn blocker(&self, s: &Scenario, st: &Stage) -> Option<(String, Option<String>)> {
        if st.alternative && !self.enabled[st_index(s, st)] {
            return Some((
                "no reaction ever switches to this alternative stage".into(),
                Some("add `on_blocked: [Switch(\"…\")]` naming it to the stage it replaces".into()),
            ));
        }
        if let Some(a) = st.after.iter().find(|a| !self.stages[a.index()]) {
            return Some((
                format!(
                    "it waits for `{}`, which can never happen",
                    s.stages.key(*a)
                ),
                None,
            ));
        }
        if !st.after_any.is_empty() && !st.after_any.iter().any(|a| self.stages[a.index()]) {
            return Some((
                "none of the stages in `after_any` can ever happen".into(),
                None,
            ));
        }
        if !st.requires.iter().all(|c| self.maybe(c)) {
            return Some((
                "a condition in `requires` waits for a stage that can never happen".into(),
                None,
            ));
        }
        let target = &s.hosts[st.target];
        let held = |h: HostId| self.foothold[h.index()].is_some_and(|lvl| lvl >= st.privilege);
        match st.via {
            Via::Host(h) => {
                if !held(h) {
                    return Some((
                        format!(
                            "the attacker never gets a {}foothold on `{}`",
                            if st.privilege == Privilege::Admin {
                                "admin "
                            } else {
                                ""
                            },
                            s.hosts.key(h)
                        ),
                        None,
                    ));
                }
                let from = s.hosts[h].segment;
                if !s.reaches(from, target.segment) {
                    return Some((
                        format!(
                            "segment `{}` of `{}` does not reach segment `{}` of the target `{}`",
                            s.segments.key(from),
                            s.hosts.key(h),
                            s.segments.key(target.segment),
                            target.key
                        ),
                        Some(format!(
                            "add `{}` to `reaches` of segment `{}`, or act from a host that can reach it",
                            s.segments.key(target.segment),
                            s.segments.key(from)
                        )),
                    ));
                }
            }
            Via::Target | Via::Implant => {
                if !held(st.target) {
                    return Some((
                        format!(
                            "the attacker never gets a {}foothold on its target `{}`",
                            if st.privilege == Privilege::Admin {
                                "admin "
                            } else {
                                ""
                            },
                            target.key
                        ),
                        None,
                    ));
                }
            }
            Via::Internet(_) => {
                let open = s.segments.iter().any(|(id, seg)| {
                    seg.kind == SegmentKind::Internet && s.reaches(id, target.segment)
                });
                if !open {
                    return Some((
                        format!(
                            "no internet segment reaches segment `{}` of the target `{}`",
                            s.segments.key(target.segment),
                            target.key
                        ),
                        Some("add it to `reaches` of a segment of kind `Internet`".into()),
                    ));
                }
            }
            Via::Lure(_) | Via::Physical => {}
        }
        if let Some(a) = st.uses
            && !self.stolen[a.index()]
        {
            return Some((
                format!(
                    "the credentials of `{}` are never stolen",
                    s.accounts.key(a)
                ),
                None,
            ));
        }
        None
    }

    fn apply(&mut self, st: &Stage) {
        for e in &st.effects {
            match e {
                Effect::Foothold { level, .. } => {
                    let slot = &mut self.foothold[st.target.index()];
                    *slot = (*slot).max(Some(*level));
                }
                Effect::StealCredentials(list) => {
                    for a in list {
                        self.stolen[a.index()] = true;
                    }
                }
                _ => {}
            }
        }
    }
}

fn st_index(s: &Scenario, st: &Stage) -> usize {
    s.stages.id(&st.key).map_or(0, |id| id.index())
}

/// Stages that can never happen because they wait for themselves through `after`/`after_any`,
/// each cycle once, as lists of stage indices in waiting order. Only stages that `possible`
/// rules out take part: a stage that can happen some other way (an `after_any` alternative)
/// breaks the circle.
fn after_cycles(s: &Scenario, possible: &[bool]) -> Vec<Vec<usize>> {
    // Iterative depth-first search with colours: 0 new, 1 on the stack, 2 done.
    let n = s.stages.len();
    let waits = |i: usize| {
        let st = &s.stages[StageId::new(i)];
        st.after
            .iter()
            .chain(&st.after_any)
            .map(|a| a.index())
            .filter(|&a| !possible[a])
            .collect::<Vec<_>>()
    };
    let mut colour: Vec<u8> = possible.iter().map(|&p| if p { 2 } else { 0 }).collect();
    let mut cycles = Vec::new();
    for start in 0..n {
        if colour[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, Vec<usize>)> = vec![(start, waits(start))];
        colour[start] = 1;
        while let Some((node, next)) = stack.last_mut() {
            match next.pop() {
                Some(m) if colour[m] == 0 => {
                    colour[m] = 1;
                    let w = waits(m);
                    stack.push((m, w));
                }
                Some(m) if colour[m] == 1 => {
                    let from = stack.iter().position(|(x, _)| *x == m).unwrap_or(0);
                    cycles.push(stack[from..].iter().map(|(x, _)| *x).collect());
                }
                Some(_) => {}
                None => {
                    colour[*node] = 2;
                    stack.pop();
                }
            }
        }
    }
    cycles
}

/// Finds stages that can never happen, and other whole-adversary problems.
pub(crate) fn analyse(ctx: &mut Ctx, s: &Scenario) {
    // A list of protective settings in which every one stops a stage gives the attacker's
    // route away at turn 1.
    if !s.mitigations.is_empty()
        && s.mitigations
            .ids()
            .all(|m| s.stages.iter().any(|(_, st)| st.stopped_by.contains(&m)))
    {
        ctx.p.warn_hint(
            &Path::root().field("organisation").field("mitigations"),
            "every protective setting offered stops a stage of this attack, so the list itself tells the team the attacker's route",
            "offer settings that do not matter for this incident as well",
        );
    }
    let base = Path::root().field("adversary").field("stages");
    let mut possible = Possible::new(s);
    loop {
        let mut changed = false;
        for (id, st) in s.stages.iter() {
            // A ready stage that is blocked may switch to its alternatives.
            if possible.ready(st) {
                for r in &st.on_blocked {
                    if let Reaction::Switch(alt) = r
                        && !possible.enabled[alt.index()]
                    {
                        possible.enabled[alt.index()] = true;
                        changed = true;
                    }
                }
            }
            if !possible.stages[id.index()] && possible.blocker(s, st).is_none() {
                possible.stages[id.index()] = true;
                possible.apply(st);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut in_cycle = vec![false; s.stages.len()];
    for cycle in after_cycles(s, &possible.stages) {
        let names: Vec<&str> = cycle
            .iter()
            .map(|&i| s.stages.key(StageId::new(i)))
            .collect();
        let first = cycle[0];
        let next = StageId::new(cycle.get(1).copied().unwrap_or(first));
        let field = if s.stages[StageId::new(first)].after.contains(&next) {
            "after"
        } else {
            "after_any"
        };
        ctx.p.error_hint(
            &ctx.stage_path(first, names[0]).field(field),
            format!(
                "stages wait for each other in a circle: {} → {}",
                names.join(" → "),
                names[0]
            ),
            "one of them must be able to start without the others",
        );
        for i in cycle {
            in_cycle[i] = true;
        }
    }
    for (id, st) in s.stages.iter() {
        if possible.stages[id.index()] || in_cycle[id.index()] {
            continue;
        }
        let path = ctx.stage_path(id.index(), &st.key);
        let (why, hint) = possible
            .blocker(s, st)
            .unwrap_or_else(|| ("its preconditions can never all hold".into(), None));
        let message = format!("stage `{}` can never happen: {why}", st.key);
        match hint {
            Some(h) => ctx.p.error_hint(&path, message, h),
            None => ctx.p.error(&path, message),
        }
    }
    if !s.stages.iter().any(|(_, st)| st.goal) {
        ctx.p.warn_hint(
            &base,
            "no stage is the adversary's goal, so the adversary can never win",
            "mark its final stage with `goal: true`",
        );
    }
    if !s
        .stages
        .iter()
        .any(|(_, st)| st.after.is_empty() && st.after_any.is_empty() && !st.alternative)
    {
        ctx.p.error(
            &base,
            "every stage waits for another, so the attack can never start",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::is_attack_id;

    #[test]
    fn attack_ids() {
        for ok in ["T1091", "T1021.002", "T0000"] {
            assert!(is_attack_id(ok), "{ok}");
        }
        for bad in [
            "",
            "T109",
            "T10911",
            "t1091",
            "T1021.02",
            "T1021-002",
            "1091",
            "T1021.0021",
            "TA0001",
        ] {
            assert!(!is_attack_id(bad), "{bad}");
        }
    }
}
