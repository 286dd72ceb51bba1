//! Whether a command is legal now, and which targets an action may take now.
//!
//! The same checks refuse commands in the turn's first phase and feed front-ends (the action
//! composer lists only legal targets) and bots, so a front-end can never offer what the engine
//! would refuse.

use super::event::Refusal;
use super::state::{Knowledge, View};
use crate::scenario::model::{ActionId, AlertId, Command, Target, TargetKind, Verb};

impl View<'_> {
    /// Checks a command against the current state; `effort_left` is what remains this turn.
    pub fn check(&self, command: &Command, effort_left: u32) -> Result<(), Refusal> {
        if self.clock.ended.is_some() {
            return Err(Refusal::SessionOver);
        }
        match command {
            Command::Act { action, target } => self.check_act(*action, target, effort_left),
            Command::Answer { inject, .. } => {
                let k = self.knowledge;
                let i = inject.index();
                if k.delivered[i].is_none() {
                    Err(Refusal::InjectNotDelivered)
                } else if self.s.injects[*inject].question.is_none() {
                    Err(Refusal::NoQuestion)
                } else if k.answers[i].is_some() {
                    Err(Refusal::AlreadyAnswered)
                } else if k.expired[i] {
                    Err(Refusal::QuestionExpired)
                } else {
                    Ok(())
                }
            }
            Command::Reply { message, choice } => {
                let m = self
                    .knowledge
                    .messages
                    .iter()
                    .find(|m| m.number == *message);
                match m {
                    None => Err(Refusal::NoSuchMessage),
                    Some(m) => match &m.question {
                        None => Err(Refusal::NoQuestion),
                        Some(_) if m.reply.is_some() => Err(Refusal::AlreadyAnswered),
                        Some(q) if *choice >= q.choices.len() => Err(Refusal::NoSuchChoice),
                        Some(_) => Ok(()),
                    },
                }
            }
            Command::Hint(h) => {
                let hint = &self.s.hints[*h];
                if self.knowledge.hints[h.index()].is_some() {
                    Err(Refusal::HintTaken)
                } else if self.next_turn() < hint.from_turn {
                    Err(Refusal::HintNotYet {
                        from_turn: hint.from_turn,
                    })
                } else {
                    Ok(())
                }
            }
        }
    }

    /// The turn commands submitted now will be played in.
    pub fn next_turn(&self) -> u32 {
        self.clock.turn + 1
    }

    fn check_act(
        &self,
        action: ActionId,
        target: &Target,
        effort_left: u32,
    ) -> Result<(), Refusal> {
        let a = &self.s.actions[action];
        if a.cost > effort_left {
            return Err(Refusal::NotEnoughEffort {
                needed: a.cost,
                left: effort_left,
            });
        }
        if self
            .staff
            .tasks
            .iter()
            .any(|t| t.action == action && t.target == *target)
        {
            return Err(Refusal::AlreadyRunning);
        }
        self.check_target(a.verb, target)
    }

    /// Checks only what depends on the target (not effort or running tasks).
    pub fn check_target(&self, verb: Verb, target: &Target) -> Result<(), Refusal> {
        let assets = self.assets;
        let k = self.knowledge;
        match (verb, target) {
            (Verb::Triage, Target::Alert(alert)) => {
                let slot = Knowledge::alert_slot(self.s, *alert);
                if !k.seen[slot] {
                    Err(Refusal::AlertNotSeen)
                } else if k.triaged[slot].is_some() {
                    Err(Refusal::AlreadyTriaged)
                } else {
                    Ok(())
                }
            }
            (Verb::IsolateHost, Target::Host(h)) => {
                if assets.hosts[h.index()].isolated {
                    Err(Refusal::AlreadyIsolated)
                } else {
                    Ok(())
                }
            }
            (Verb::Reconnect, Target::Host(h)) => {
                if !assets.hosts[h.index()].isolated {
                    Err(Refusal::NotIsolated)
                } else if self.rebuilding(*h) {
                    Err(Refusal::HostBusy)
                } else {
                    Ok(())
                }
            }
            (Verb::Reimage | Verb::RestoreBackup | Verb::Patch, Target::Host(h)) => {
                if self.rebuilding(*h) {
                    Err(Refusal::HostBusy)
                } else if verb == Verb::RestoreBackup && !self.s.hosts[*h].backup {
                    Err(Refusal::NoBackup)
                } else if verb == Verb::Patch
                    && (self.s.hosts[*h].vulnerabilities.is_empty()
                        || assets.hosts[h.index()].patched)
                {
                    Err(Refusal::NothingToPatch)
                } else {
                    Ok(())
                }
            }
            (Verb::AnalyseLogs | Verb::ImageDisk, Target::Host(h)) => {
                if self.rebuilding(*h) {
                    Err(Refusal::HostBusy)
                } else {
                    Ok(())
                }
            }
            (Verb::IsolateSegment, Target::Segment(seg)) => {
                if assets.segments_isolated[seg.index()] {
                    Err(Refusal::SegmentAlreadyIsolated)
                } else {
                    Ok(())
                }
            }
            (Verb::ReconnectSegment, Target::Segment(seg)) => {
                if assets.segments_isolated[seg.index()] {
                    Ok(())
                } else {
                    Err(Refusal::NotIsolated)
                }
            }
            (Verb::BlockAddress, Target::Address(x)) => {
                if !k.known_addresses[x.index()] {
                    Err(Refusal::AddressUnknown)
                } else if assets.blocked[x.index()] {
                    Err(Refusal::AlreadyBlocked)
                } else {
                    Ok(())
                }
            }
            (Verb::DisableAccount, Target::Account(x)) => {
                if assets.accounts[x.index()].disabled {
                    Err(Refusal::AlreadyDisabled)
                } else {
                    Ok(())
                }
            }
            (Verb::Mitigate, Target::Mitigation(m)) => {
                if assets.mitigated[m.index()] {
                    Err(Refusal::AlreadyMitigated)
                } else {
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    }

    /// The distinct alerts in the inbox, in the order they were first raised. Every alert
    /// raised is marked seen, so the scan stops as soon as it has found as many as are seen:
    /// its length does not grow with the repeats in a long session's inbox.
    fn inbox_alerts(&self) -> Vec<AlertId> {
        let k = self.knowledge;
        let distinct = k.seen.iter().filter(|&&seen| seen).count();
        let mut found = vec![false; k.seen.len()];
        let mut out = Vec::with_capacity(distinct);
        for x in &k.alerts {
            if out.len() >= distinct {
                break;
            }
            let slot = Knowledge::alert_slot(self.s, x.alert);
            if !std::mem::replace(&mut found[slot], true) {
                out.push(x.alert);
            }
        }
        out
    }

    /// Every target the action may take now, in scenario order (empty for targetless and
    /// findings actions, whose target the team composes).
    pub fn legal_targets(&self, action: ActionId) -> Vec<Target> {
        let a = &self.s.actions[action];
        let legal = |t: &Target| {
            self.check_target(a.verb, t).is_ok()
                && !self
                    .staff
                    .tasks
                    .iter()
                    .any(|task| task.action == action && task.target == *t)
        };
        // Candidates are filtered as they are made: no list of every host is built.
        if !a.only.is_empty() {
            return a.only.iter().filter(|t| legal(t)).cloned().collect();
        }
        fn keep(
            targets: impl Iterator<Item = Target>,
            legal: impl Fn(&Target) -> bool,
        ) -> Vec<Target> {
            targets.filter(|t| legal(t)).collect()
        }
        match a.verb.target_kind() {
            TargetKind::Org | TargetKind::Findings => Vec::new(),
            // Hosts that can never be patched or restored are left out before the checks
            // that depend on the state (the same list, found sooner).
            TargetKind::Host => keep(
                self.s
                    .hosts
                    .iter()
                    .filter(|(_, h)| match a.verb {
                        Verb::Patch => !h.vulnerabilities.is_empty(),
                        Verb::RestoreBackup => h.backup,
                        _ => true,
                    })
                    .map(|(id, _)| Target::Host(id)),
                legal,
            ),
            TargetKind::Segment => keep(self.s.segments.ids().map(Target::Segment), legal),
            TargetKind::Account => keep(self.s.accounts.ids().map(Target::Account), legal),
            TargetKind::Address => keep(self.s.addresses.ids().map(Target::Address), legal),
            TargetKind::Alert => keep(self.inbox_alerts().into_iter().map(Target::Alert), legal),
            TargetKind::Stakeholder => {
                keep(self.s.stakeholders.ids().map(Target::Stakeholder), legal)
            }
            TargetKind::Mitigation => keep(self.s.mitigations.ids().map(Target::Mitigation), legal),
        }
    }
}
