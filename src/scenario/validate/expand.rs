//! Stages aimed at a set of hosts (format 2, `targets:`): before anything else is checked,
//! each is written out as one stage per host, `id@host`, its traces as `trace@host`, and every
//! reference to the stage or its traces is widened to the copies: `StageDone("phish")` holds
//! when any copy happened (as `TraceFound`, `AlertSeen`), a stage `after` it follows any copy,
//! a reaction that switches to it enables every copy, and an entry vector, a `detects` or a
//! `reveals` naming it names them all. Problems in a copy are reported at the stage written.

use std::collections::BTreeMap;

use super::Ctx;
use crate::scenario::problem::Path;
use crate::scenario::raw::{RawCondition, RawReaction, RawReveal, RawScenario, RawTargets};

/// A scenario with its set-target stages written out.
pub(crate) struct Expanded {
    /// The scenario, one stage per host.
    pub raw: RawScenario,
    /// Per stage of `raw`: the index of the stage written in the file.
    pub origin: Vec<usize>,
}

/// The copies a stage or trace id stands for, in host order.
pub(crate) type Groups = BTreeMap<String, Vec<String>>;

/// An unknown id in a set (ids are not declared yet: the candidates are the file's own).
fn unknown<'a>(
    ctx: &mut Ctx,
    noun: &str,
    id: &str,
    known: impl Iterator<Item = &'a str>,
    path: &Path,
) {
    let hint = super::closest(id, known).map(|b| format!("did you mean `{b}`?"));
    let message = format!("unknown {noun} {}", crate::text::quoted(id));
    match hint {
        Some(h) => ctx.p.error_hint(path, message, h),
        None => ctx.p.error(path, message),
    }
}

/// The hosts of a set, in file order; problems are recorded at `path`.
fn hosts_of(ctx: &mut Ctx, raw: &RawScenario, set: &RawTargets, path: &Path) -> Vec<String> {
    let hosts = &raw.organisation.hosts;
    let out: Vec<String> = match set {
        RawTargets::Segment(seg) => {
            if !raw.organisation.segments.iter().any(|s| s.id == *seg) {
                let known = raw.organisation.segments.iter().map(|s| s.id.as_str());
                unknown(ctx, "segment", seg, known, &path.inside(0));
                return Vec::new();
            }
            hosts
                .iter()
                .filter(|h| h.segment == *seg)
                .map(|h| h.id.clone())
                .collect()
        }
        RawTargets::Hosts(list) => {
            for (i, h) in list.iter().enumerate() {
                if !hosts.iter().any(|x| x.id == *h) {
                    let known = hosts.iter().map(|x| x.id.as_str());
                    unknown(ctx, "host", h, known, &path.inside(0).index(i));
                }
            }
            let mut seen = Vec::new();
            for h in list {
                if hosts.iter().any(|x| x.id == *h) && !seen.contains(h) {
                    seen.push(h.clone());
                }
            }
            seen
        }
        RawTargets::Kind(kind) => hosts
            .iter()
            .filter(|h| h.kind == *kind)
            .map(|h| h.id.clone())
            .collect(),
    };
    if out.is_empty()
        && !matches!(set, RawTargets::Hosts(l) if l.iter().any(|h| !hosts.iter().any(|x| x.id == *h)))
    {
        ctx.p.error(path, "the set holds no host");
    }
    out
}

/// Writes out the set-target stages of `raw`; `None` if it has none. The copies' ids are
/// recorded in `groups` (and as generated ids in `ctx`).
pub(crate) fn expand(ctx: &mut Ctx, raw: &RawScenario, groups: &mut Groups) -> Option<Expanded> {
    if raw.adversary.stages.iter().all(|s| s.targets.is_none()) {
        return None;
    }
    let base = Path::root().field("adversary").field("stages");
    let mut out = raw.clone();
    let mut stages = Vec::new();
    let mut origin = Vec::new();
    for (i, st) in raw.adversary.stages.iter().enumerate() {
        let path = base.item(i, &st.id);
        let Some(set) = &st.targets else {
            stages.push(st.clone());
            origin.push(i);
            continue;
        };
        ctx.needs_v2(&path.field("targets"), "`targets`");
        // The copies' ids are made from these, and only the copies are declared.
        super::check_id_form(&mut ctx.p, &st.id, &path.field("id"));
        for (j, t) in st.traces.iter().enumerate() {
            super::check_id_form(
                &mut ctx.p,
                &t.id,
                &path.field("traces").item(j, &t.id).field("id"),
            );
        }
        if !st.target.is_empty() {
            ctx.p.error_hint(
                &path.field("targets"),
                "a stage has a `target` or `targets`, not both",
                "`target` names one host; `targets` a set of them",
            );
        }
        let hosts = hosts_of(ctx, raw, set, &path.field("targets"));
        let mut copies = Vec::new();
        for h in &hosts {
            let mut copy = st.clone();
            copy.id = format!("{}@{h}", st.id);
            copy.target = h.clone();
            copy.targets = None;
            for t in &mut copy.traces {
                let id = format!("{}@{h}", t.id);
                groups.entry(t.id.clone()).or_default().push(id.clone());
                ctx.generated.insert(id.clone());
                t.id = id;
            }
            ctx.generated.insert(copy.id.clone());
            copies.push(copy.id.clone());
            stages.push(copy);
            origin.push(i);
        }
        groups.insert(st.id.clone(), copies);
    }
    let limit = crate::scenario::limits::list_limit("adversary.stages");
    if stages.len() > limit {
        ctx.p.error_hint(
            &base,
            format!(
                "written out one stage per host, the adversary has {} stages, more than the limit of {limit}",
                stages.len()
            ),
            "aim the stages at smaller sets of hosts",
        );
        return None;
    }
    out.adversary.stages = stages;
    widen(ctx, &mut out, groups);
    Some(Expanded { raw: out, origin })
}

fn members(groups: &Groups, id: &str) -> Option<Vec<String>> {
    groups.get(id).cloned()
}

/// A condition with every reference to a written-out stage or trace widened to its copies.
fn condition(c: &RawCondition, groups: &Groups) -> RawCondition {
    let any = |ids: Vec<String>, f: fn(String) -> RawCondition| {
        RawCondition::Any(ids.into_iter().map(f).collect())
    };
    match c {
        RawCondition::StageDone(x) => match members(groups, x) {
            Some(ids) => any(ids, RawCondition::StageDone),
            None => c.clone(),
        },
        RawCondition::TraceFound(x) => match members(groups, x) {
            Some(ids) => any(ids, RawCondition::TraceFound),
            None => c.clone(),
        },
        RawCondition::AlertSeen(x) => match members(groups, x) {
            Some(ids) => any(ids, RawCondition::AlertSeen),
            None => c.clone(),
        },
        RawCondition::All(cs) => {
            RawCondition::All(cs.iter().map(|c| condition(c, groups)).collect())
        }
        RawCondition::Any(cs) => {
            RawCondition::Any(cs.iter().map(|c| condition(c, groups)).collect())
        }
        RawCondition::Not(c) => RawCondition::Not(Box::new(condition(c, groups))),
        other => other.clone(),
    }
}

fn ids(list: &[String], groups: &Groups) -> Vec<String> {
    list.iter()
        .flat_map(|x| members(groups, x).unwrap_or_else(|| vec![x.clone()]))
        .collect()
}

fn reveals(list: &[RawReveal], groups: &Groups) -> Vec<RawReveal> {
    list.iter()
        .flat_map(|r| match r {
            RawReveal::Trace(x) => members(groups, x)
                .map(|ids| ids.into_iter().map(RawReveal::Trace).collect())
                .unwrap_or_else(|| vec![r.clone()]),
            _ => vec![r.clone()],
        })
        .collect()
}

/// Widens every reference to a written-out stage or trace.
fn widen(ctx: &mut Ctx, raw: &mut RawScenario, groups: &Groups) {
    let base = Path::root().field("adversary").field("stages");
    let cond = |c: &mut RawCondition| *c = condition(c, groups);
    for (i, st) in raw.adversary.stages.iter_mut().enumerate() {
        // All of `after`, one of `after_any`: a stage after a set-target stage follows any
        // of its copies, which `after_any` says.
        let (sets, single): (Vec<&String>, Vec<&String>) = st
            .after
            .iter()
            .partition(|x| groups.contains_key(x.as_str()));
        if !sets.is_empty() {
            if sets.len() > 1 || !st.after_any.is_empty() {
                ctx.p.error_hint(
                    &base.index(i).field("after"),
                    format!(
                        "stage `{}` follows a stage on several hosts (`{}`) and cannot also wait for another set or for `after_any`",
                        st.id, sets[0]
                    ),
                    "split it into stages that each wait for one set",
                );
            } else {
                let any = ids(&[sets[0].clone()], groups);
                st.after = single.into_iter().cloned().collect();
                st.after_any = any;
            }
        } else {
            st.after_any = ids(&st.after_any, groups);
        }
        st.requires.iter_mut().for_each(cond);
        let switched: Vec<RawReaction> = st
            .on_blocked
            .iter()
            .flat_map(|r| match r {
                RawReaction::Switch(x) => match members(groups, x) {
                    Some(ids) => ids.into_iter().map(RawReaction::Switch).collect(),
                    None => vec![r.clone()],
                },
                _ => vec![r.clone()],
            })
            .collect();
        st.on_blocked = switched;
        for t in &mut st.traces {
            t.reveals = reveals(&t.reveals, groups);
        }
    }
    for n in &mut raw.noise {
        n.reveals = reveals(&n.reveals, groups);
    }
    for r in &mut raw.notifications {
        cond(&mut r.trigger);
    }
    for x in &mut raw.injects {
        cond(&mut x.trigger);
        x.reveals = reveals(&x.reveals, groups);
        x.detects = ids(&x.detects, groups);
        if let Some(q) = &mut x.question {
            for c in &mut q.choices {
                if let Some(rc) = &mut c.right_if {
                    cond(rc);
                }
            }
        }
    }
    for m in &mut raw.organisation.mitigations {
        m.detects = ids(&m.detects, groups);
    }
    for h in &mut raw.hints {
        if let Some(w) = &mut h.when {
            cond(w);
        }
    }
    for e in &mut raw.findings.entry_vectors {
        e.stages = ids(&e.stages, groups);
    }
    for o in &mut raw.scoring.objectives {
        if let crate::scenario::raw::RawObjectiveKind::Done { after, before, .. } = &mut o.kind {
            after.iter_mut().for_each(cond);
            before.iter_mut().for_each(cond);
        }
    }
    cond(&mut raw.end.team_wins);
}
