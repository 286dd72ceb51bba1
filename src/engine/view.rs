//! Read access to a whole team world ([`View`]) and the questions about the world as it
//! stands that the phases, conditions, legality checks and observations share: whether a host
//! is offline or controllable, whether it reaches the internet, whether the attacker is
//! contained. (Conditions are in `condition.rs`, legality in `legality.rs`.)

use super::state::{Assets, Attacker, Clock, Evidence, Knowledge, Staff};
use crate::scenario::model::{Scenario, Target};

/// Read access to a whole team world, for conditions, legality checks and observations.
#[derive(Clone, Copy)]
pub struct View<'a> {
    /// The scenario.
    pub s: &'a Scenario,
    /// The organisation.
    pub assets: &'a Assets,
    /// The attacker.
    pub attacker: &'a Attacker,
    /// The evidence.
    pub evidence: &'a Evidence,
    /// The team's knowledge.
    pub knowledge: &'a Knowledge,
    /// The team's staff.
    pub staff: &'a Staff,
    /// The clock.
    pub clock: &'a Clock,
    /// The rules revision the team plays by.
    pub rules: u32,
}

impl View<'_> {
    /// Whether a host is cut off from the network (isolated, in an isolated segment, or being
    /// rebuilt).
    pub fn offline(&self, h: crate::scenario::model::HostId) -> bool {
        let host = &self.assets.hosts[h.index()];
        host.isolated
            || self.assets.segments_isolated[self.s.hosts[h].segment.index()]
            || self.rebuilding(h)
    }

    /// Whether a reimage, restore or patch of the host is in progress.
    pub fn rebuilding(&self, h: crate::scenario::model::HostId) -> bool {
        use crate::scenario::model::Verb;
        self.staff.tasks.iter().any(|t| {
            t.target == Target::Host(h)
                && matches!(
                    self.s.actions[t.action].verb,
                    Verb::Reimage | Verb::RestoreBackup | Verb::Patch
                )
        })
    }

    /// Whether the attacker can still command a foothold on this host: it is online and its
    /// command channel (if it has one) is open — the address not blocked and, from rules 4, the
    /// host not cut off from the internet.
    pub fn controllable(&self, h: crate::scenario::model::HostId) -> bool {
        self.controllable_with(h, &InternetPaths::default())
    }

    fn controllable_with(&self, h: crate::scenario::model::HostId, paths: &InternetPaths) -> bool {
        let host = &self.assets.hosts[h.index()];
        host.foothold.is_some()
            && !self.offline(h)
            && host.c2.is_none_or(|c2| {
                !self.assets.blocked[c2.index()]
                    && (self.rules < 4 || paths.online(self, self.s.hosts[h].segment))
            })
    }

    /// Whether the host can reach the internet (or be reached from it): it is online and its
    /// segment is connected with the internet as the segments are isolated now (see
    /// [`Scenario::internet_connected`]).
    pub fn internet_path(&self, h: crate::scenario::model::HostId) -> bool {
        self.internet_path_with(h, &InternetPaths::default())
    }

    /// [`View::internet_path`], with the working-out shared by several questions asked of
    /// the same world.
    pub fn internet_path_with(
        &self,
        h: crate::scenario::model::HostId,
        paths: &InternetPaths,
    ) -> bool {
        !self.offline(h) && paths.online(self, self.s.hosts[h].segment)
    }

    /// The attacker holds no host it can still command.
    pub fn contained(&self) -> bool {
        // One working-out of the internet path for every foothold.
        let paths = InternetPaths::default();
        self.assets
            .held
            .iter()
            .all(|&h| !self.controllable_with(h, &paths))
    }

    /// The attacker holds no host at all.
    pub fn evicted(&self) -> bool {
        self.assets.held.is_empty()
    }
}

/// Which segments reach the internet, as the segments are isolated now: the scenario's table
/// while none is, else a walk over the segments, made once (when first asked) for all the
/// questions asked of it.
#[derive(Default)]
pub struct InternetPaths(std::cell::OnceCell<Vec<bool>>);

impl InternetPaths {
    /// Whether the segment is connected with the internet in `v`'s world.
    pub(crate) fn online(&self, v: &View, seg: crate::scenario::model::SegmentId) -> bool {
        let isolated = &v.assets.segments_isolated;
        if !isolated.iter().any(|x| *x) {
            return v.s.internet_linked[seg.index()];
        }
        self.0.get_or_init(|| v.s.internet_connected(isolated))[seg.index()]
    }
}
