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
            Condition::DataExfiltrated(d) => a.exfiltrated[d.index()].is_some(),
            Condition::FunctionDown(f) => a.functions_down[f.index()],
            Condition::Contained => self.contained(),
            Condition::Evicted => self.evicted(),
            Condition::FindingsSubmitted => k.findings.is_some(),
            Condition::All(list) => list.iter().all(|c| self.holds(c)),
            Condition::Any(list) => list.iter().any(|c| self.holds(c)),
            Condition::Not(c) => !self.holds(c),
        }
    }
}
