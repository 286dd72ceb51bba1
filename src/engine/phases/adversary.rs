//! The attacker's move: each stage in file order is not ready, blocked by containment, or
//! ready; ready stages fire on a chance roll.
//!
//! One roll is drawn for every stage every turn, whatever its status, so the dice a team
//! faces do not depend on what it did. Everything decided this turn (effects, reactions) is
//! applied after all stages were tried, so nothing chains within one turn: a stage needs its
//! prerequisites done in an earlier turn.

use super::TeamMut;
use crate::engine::event::{Cause, EventKind};
use crate::engine::state::{InternetPaths, View};
use crate::scenario::Scenario;
use crate::scenario::model::{Effect, Reaction, SegmentKind, StageId, Via};

/// Where a stage stands this turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Not yet possible, or over (done, abandoned, waiting for prerequisites).
    NotReady,
    /// The attacker is ready for it but containment stands in the way.
    Blocked(Cause),
    /// It may fire.
    Ready,
}

/// Where stage `id` stands in the world `v`.
pub fn status(v: &View, id: StageId) -> Status {
    status_with(v, id, &InternetPaths::default())
}

/// [`status`], with the internet path worked out once for every stage of a turn.
fn status_with(v: &View, id: StageId, paths: &InternetPaths) -> Status {
    let s = v.s;
    let st = &s.stages[id];
    let a = v.attacker;
    let turn = v.clock.turn;
    let i = id.index();
    let done_before = |x: &StageId| a.done[x.index()].is_some_and(|d| d < turn);
    if a.abandoned[i]
        || (a.done[i].is_some() && !st.repeat)
        || (st.alternative && !a.enabled[i])
        || !st.after.iter().all(done_before)
        || (!st.after_any.is_empty() && !st.after_any.iter().any(done_before))
        || !st.requires.iter().all(|c| v.holds(c))
    {
        return Status::NotReady;
    }
    // Capabilities the attacker never had mean "not yet"; ones it lost mean "blocked".
    let hosts = &v.assets.hosts;
    let held_from = match st.via {
        Via::Host(h) => Some(h),
        Via::Target | Via::Implant => Some(st.target),
        _ => None,
    };
    if let Some(h) = held_from {
        let host = &hosts[h.index()];
        match host.foothold {
            None if host.ever_held => return Status::Blocked(Cause::FootholdLost),
            None => return Status::NotReady,
            Some(level) if level < st.privilege => return Status::NotReady,
            Some(_) => {}
        }
    }
    if let Some(acc) = st.uses {
        let acc = &v.assets.accounts[acc.index()];
        if !acc.ever_stolen {
            return Status::NotReady;
        }
        if !acc.stolen || acc.disabled {
            return Status::Blocked(Cause::CredentialsRevoked);
        }
    }
    if st.stopped_by.iter().any(|m| v.assets.mitigated[m.index()]) {
        return Status::Blocked(Cause::Mitigated);
    }
    // A stage that only steals data, all of it copies deleted since, has nothing to take.
    if !v.assets.removed.is_empty()
        && !st.effects.is_empty()
        && st.effects.iter().all(|e| match e {
            Effect::Exfiltrate(data) => data.iter().all(|&d| v.assets.is_removed(d)),
            _ => false,
        })
    {
        return Status::Blocked(Cause::DataGone);
    }
    if st.exploits.is_some() && hosts[st.target.index()].patched {
        return Status::Blocked(Cause::Patched);
    }
    let target_seg = s.hosts[st.target].segment;
    let seg_cut = |seg: crate::scenario::model::SegmentId| v.assets.segments_isolated[seg.index()];
    let c2_blocked = |h: crate::scenario::model::HostId| {
        hosts[h.index()]
            .c2
            .is_some_and(|c| v.assets.blocked[c.index()])
    };
    let target_offline = hosts[st.target.index()].isolated || v.rebuilding(st.target);
    // From rules 4, what needs an outside channel is cut with the host's internet path: a
    // command channel (for a foothold controlled through one), an inbound lure, and an upload.
    let egress = v.rules >= 4;
    let c2_cut = |h: crate::scenario::model::HostId| {
        egress && hosts[h.index()].c2.is_some() && !v.internet_path_with(h, paths)
    };
    let uploads = st
        .effects
        .iter()
        .any(|e| matches!(e, Effect::Exfiltrate(_)));
    match st.via {
        Via::Internet(addr) => {
            if v.assets.blocked[addr.index()] {
                return Status::Blocked(Cause::AddressBlocked);
            }
            let open = s.segments.iter().any(|(seg, x)| {
                x.kind == SegmentKind::Internet
                    && s.reaches(seg, target_seg)
                    && (seg == target_seg || (!seg_cut(seg) && !seg_cut(target_seg)))
            });
            if !open {
                return Status::Blocked(Cause::NoPath);
            }
            if target_offline {
                return Status::Blocked(Cause::Isolated);
            }
        }
        Via::Lure(addr) => {
            if v.assets.blocked[addr.index()] {
                return Status::Blocked(Cause::AddressBlocked);
            }
            if v.offline(st.target) {
                return Status::Blocked(Cause::Isolated);
            }
            if egress && !v.internet_path_with(st.target, paths) {
                return Status::Blocked(Cause::InternetCut);
            }
        }
        Via::Host(h) => {
            // Cut off (itself or its whole segment), the host cannot be commanded.
            if v.offline(h) {
                return Status::Blocked(Cause::Isolated);
            }
            if c2_blocked(h) {
                return Status::Blocked(Cause::C2Blocked);
            }
            if c2_cut(h) || (uploads && egress && !v.internet_path_with(h, paths)) {
                return Status::Blocked(Cause::InternetCut);
            }
            let from_seg = s.hosts[h].segment;
            if from_seg != target_seg && (seg_cut(from_seg) || seg_cut(target_seg)) {
                return Status::Blocked(Cause::NoPath);
            }
            if target_offline {
                return Status::Blocked(Cause::Isolated);
            }
        }
        Via::Target => {
            if v.offline(st.target) {
                return Status::Blocked(Cause::Isolated);
            }
            if c2_blocked(st.target) {
                return Status::Blocked(Cause::C2Blocked);
            }
            if c2_cut(st.target) || (uploads && egress && !v.internet_path_with(st.target, paths)) {
                return Status::Blocked(Cause::InternetCut);
            }
        }
        Via::Implant => {
            if v.offline(st.target) {
                return Status::Blocked(Cause::Isolated);
            }
            if uploads && egress && !v.internet_path_with(st.target, paths) {
                return Status::Blocked(Cause::InternetCut);
            }
        }
        Via::Physical => {}
    }
    Status::Ready
}

/// The adversary phase.
pub(crate) fn advance(s: &Scenario, t: &mut TeamMut) {
    let turn = t.clock.turn;
    let dormant = t.attacker.dormant_until >= turn;
    let mut fired: Vec<StageId> = Vec::new();
    let mut reactions: Vec<(StageId, Reaction)> = Vec::new();
    // Nothing the stages decide is applied before all were tried, so which segments reach the
    // internet is the same for each of them.
    let paths = InternetPaths::default();
    for (id, st) in s.stages.iter() {
        let roll = t.roll();
        if dormant {
            continue;
        }
        let status = status_with(&t.view(s), id, &paths);
        let i = id.index();
        match status {
            Status::NotReady => t.attacker.blocked[i] = false,
            Status::Blocked(cause) => {
                if !t.attacker.blocked[i] {
                    t.emit(EventKind::StageBlocked { stage: id, cause });
                }
                t.attacker.blocked[i] = true;
                if !t.attacker.reacted[i] && !st.on_blocked.is_empty() {
                    t.attacker.reacted[i] = true;
                    reactions.extend(st.on_blocked.iter().map(|r| (id, *r)));
                }
            }
            Status::Ready => {
                t.attacker.blocked[i] = false;
                if roll < st.chance {
                    fired.push(id);
                }
            }
        }
    }
    for id in fired {
        fire(s, t, id);
    }
    for (stage, reaction) in reactions {
        match reaction {
            Reaction::Switch(alt) => t.attacker.enabled[alt.index()] = true,
            Reaction::Dormant(n) => {
                t.attacker.dormant_until = t.attacker.dormant_until.max(turn + n);
            }
            Reaction::Abandon => t.attacker.abandoned[stage.index()] = true,
        }
        t.emit(EventKind::Reacted { stage, reaction });
    }
}

/// A stage happens: its effects, its traces.
fn fire(s: &Scenario, t: &mut TeamMut, id: StageId) {
    let turn = t.clock.turn;
    let st = &s.stages[id];
    let i = id.index();
    t.attacker.done[i].get_or_insert(turn);
    t.attacker.times[i] += 1;
    t.emit(EventKind::StageDone { stage: id });
    let target = st.target;
    for effect in &st.effects {
        match effect {
            Effect::Foothold { level, c2 } => {
                let level = t.assets.gain_foothold(target, *level);
                let host = &mut t.assets.hosts[target.index()];
                host.c2 = *c2;
                host.compromised_at.get_or_insert(turn);
                host.ever_held = true;
                t.attacker.first_foothold.get_or_insert(turn);
                t.emit(EventKind::Foothold {
                    host: target,
                    level,
                });
            }
            Effect::StealCredentials(accounts) => {
                for a in accounts {
                    let acc = &mut t.assets.accounts[a.index()];
                    acc.stolen = true;
                    acc.ever_stolen = true;
                    t.emit(EventKind::CredentialsStolen { account: *a });
                }
            }
            Effect::Exfiltrate(data) => {
                for d in data {
                    if !t.assets.is_removed(*d) && t.assets.exfiltrated[d.index()].is_none() {
                        t.assets.exfiltrated[d.index()] = Some(turn);
                        t.emit(EventKind::Exfiltrated { data: *d });
                    }
                }
            }
            Effect::Encrypt => {
                let host = &mut t.assets.hosts[target.index()];
                if !host.encrypted {
                    host.encrypted = true;
                    t.emit(EventKind::Encrypted { host: target });
                }
            }
            Effect::Disrupt(turns) => {
                let until = turn + turns - 1;
                let host = &mut t.assets.hosts[target.index()];
                host.disrupted_until = host.disrupted_until.max(until);
                t.emit(EventKind::Disrupted {
                    host: target,
                    until,
                });
            }
        }
    }
    for &trace in &st.traces {
        let state = &mut t.evidence.traces[trace.index()];
        state.left_at = Some(turn);
        state.present = true;
    }
    if st.goal {
        t.attacker.goal_at.get_or_insert(turn);
    }
}
