//! Evaluating scenario conditions over a team's world.

use super::state::{Knowledge, View};
use crate::scenario::model::Condition;

impl View<'_> {
    /// Whether `c` holds now.
    pub fn holds(&self, c: &Condition) -> bool {
        let a = self.assets;
        let k = self.knowledge;
        match c {
            Condition::Turn(n) => self.clock.turn >= *n,
            Condition::StageDone(s) => self.attacker.done[s.index()].is_some(),
            Condition::TraceFound(t) => self.evidence.traces[t.index()].found_at.is_some(),
            Condition::AlertSeen(alert) => k.seen[Knowledge::alert_slot(self.s, *alert)],
            Condition::InjectReceived(i) => k.delivered[i.index()].is_some(),
            Condition::Answered(i, choice) => {
                k.answers[i.index()].is_some_and(|(c, _)| c == *choice)
            }
            Condition::Notified(s) => k.notified[s.index()].is_some(),
            Condition::ActionDone(x) => k.completed[x.index()] > 0,
            Condition::HostCompromised(h) => a.hosts[h.index()].foothold.is_some(),
            Condition::HostIsolated(h) => a.hosts[h.index()].isolated,
            Condition::AddressBlocked(x) => a.blocked[x.index()],
            Condition::Mitigated(m) => a.mitigated[m.index()],
            Condition::CredentialsStolen(x) => {
                let acc = &a.accounts[x.index()];
                acc.stolen && !acc.disabled
            }
            Condition::DataExfiltrated(d) => self.exfiltrated(*d),
            Condition::FunctionDown(f) => a.functions_down[f.index()],
            Condition::Contained => self.contained(),
            Condition::Evicted => self.evicted(),
            Condition::FindingsSubmitted => k.findings.is_some(),
            Condition::FindingsRight(percent) => self.findings_right(*percent),
            Condition::All(list) => list.iter().all(|c| self.holds(c)),
            Condition::Any(list) => list.iter().any(|c| self.holds(c)),
            Condition::Not(c) => !self.holds(c),
        }
    }
}

impl View<'_> {
    /// Whether the data set's records have been exfiltrated: it, its original or a copy of
    /// either.
    pub fn exfiltrated(&self, d: crate::scenario::model::DataSetId) -> bool {
        let s = self.s;
        let original = s.original(d);
        s.data_sets
            .ids()
            .any(|y| s.original(y) == original && self.assets.exfiltrated[y.index()].is_some())
    }

    /// Whether the team's last findings report is mostly right: its entry vector stands for
    /// the stage by which the attacker got in (when such a stage happened), and of the hosts
    /// and data sets it names and should name (those the attacker held or stole), at least
    /// `percent` are right: right × 100 ≥ `percent` × (right + wrong + missed).
    pub fn findings_right(&self, percent: u32) -> bool {
        let s = self.s;
        let Some((report, _)) = &self.knowledge.findings else {
            return false;
        };
        // The first stage to happen that an entry vector names.
        let entry = s
            .entry_vectors
            .iter()
            .flat_map(|(_, e)| e.stages.iter().copied())
            .filter_map(|st| self.attacker.done[st.index()].map(|t| (t, st.index(), st)))
            .min()
            .map(|(_, _, st)| st);
        if let Some(st) = entry
            && !s.entry_vectors[report.entry].stages.contains(&st)
        {
            return false;
        }
        let held: Vec<bool> = self.assets.hosts.iter().map(|h| h.ever_held).collect();
        // Data sets count as their originals: a stolen copy is the original's records stolen.
        let stolen: Vec<bool> = s.data_sets.ids().map(|d| self.exfiltrated(d)).collect();
        let stolen_originals: Vec<_> = s
            .data_sets
            .ids()
            .filter(|&d| s.original(d) == d && stolen[d.index()])
            .collect();
        let claimed = s.originals(&report.data);
        let (mut right, mut wrong) = (0u64, 0u64);
        for h in &report.hosts {
            if held[h.index()] {
                right += 1;
            } else {
                wrong += 1;
            }
        }
        for d in &claimed {
            if stolen[d.index()] {
                right += 1;
            } else {
                wrong += 1;
            }
        }
        let should = held.iter().filter(|x| **x).count() as u64 + stolen_originals.len() as u64;
        let missed = should.saturating_sub(right);
        right * 100 >= u64::from(percent) * (right + wrong + missed)
    }
}
