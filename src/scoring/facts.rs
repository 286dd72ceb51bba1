//! What a team's event stream establishes, gathered in one pass: the facts every objective
//! and penalty is judged on.

use std::collections::BTreeSet;

use crate::engine::event::{Event, EventKind};
use crate::scenario::Scenario;
use crate::scenario::model::{AddressOwner, Findings, FunctionId, HostId, Reveal, Target, Verb};

/// How the team first confirmed a compromise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Detection {
    /// It triaged a true alert.
    Triage,
    /// An investigation found evidence.
    Evidence,
    /// Its findings report named a compromised host.
    Report,
    /// A message told it: an outside party (a national CSIRT, the police) named a host the
    /// attacker held, or handed over evidence (an inject's `reveals`).
    Told,
}

/// Facts from one team's events.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The last turn played.
    pub now: u32,
    /// Whether the session has ended.
    pub ended: bool,
    /// Per stage: turn it first happened.
    pub stage_done: Vec<Option<u32>>,
    /// The first stage that happened and is an entry vector's stage, in event order.
    pub entry_stage: Option<crate::scenario::model::StageId>,
    /// Turn of the attacker's first foothold.
    pub first_foothold: Option<u32>,
    /// Hosts the attacker ever held, with the turn it first did.
    pub held: Vec<Option<u32>>,
    /// Per data set: turn exfiltrated.
    pub exfiltrated: Vec<Option<u32>>,
    /// First confirmation of a compromise.
    pub detected: Option<(u32, Detection)>,
    /// Changes of containment: (turn, contained at the end of it).
    pub containment: Vec<(u32, bool)>,
    /// Compromised hosts the team imaged, with the turn.
    pub imaged_compromised: Vec<(HostId, u32)>,
    /// Compromised hosts whose evidence was wiped unimaged, with the turn.
    pub evidence_lost: Vec<(HostId, u32)>,
    /// Per notification rule: (start, due).
    pub rule_due: Vec<Option<(u32, u32)>>,
    /// Per stakeholder: turns notified.
    pub notified: Vec<Vec<u32>>,
    /// Per function: (down turn, up turn or None if still down).
    pub downtime: Vec<Vec<(u32, Option<u32>)>>,
    /// The last findings report and its turn.
    pub findings: Option<(Findings, u32)>,
    /// Per inject: turn delivered.
    pub delivered: Vec<Option<u32>>,
    /// Per inject: the answer and its turn.
    pub answers: Vec<Option<(usize, u32)>>,
    /// Per inject: the question expired.
    pub expired: Vec<bool>,
    /// Clean hosts isolated, with the turn.
    pub clean_isolations: Vec<(HostId, u32)>,
    /// Clean hosts rebuilt, with the turn.
    pub clean_rebuilds: Vec<(HostId, u32)>,
    /// Legitimate addresses blocked, with the turn.
    pub needless_blocks: Vec<(crate::scenario::model::AddressId, u32)>,
    /// Hints taken, with the turn.
    pub hints: Vec<(crate::scenario::model::HintId, u32)>,
    /// Alerts that reached the inbox, with the first turn each did.
    pub alerts_seen: Vec<(crate::scenario::model::AlertId, u32)>,
    /// Per action: the turns it completed.
    pub completed: Vec<Vec<u32>>,
}

impl Facts {
    /// The first turn at which a condition held in what really happened, whatever the team
    /// found out: a trace counts as found once the stage that leaves it has happened, an alert
    /// as seen once it was raised, the attacker's progress as it happened. `None` if it never
    /// held, or for conditions the events cannot settle (states that come and go: isolation,
    /// blocks, containment, `Not`); those are left to the team's own deadline.
    ///
    /// A stakeholder counts as notified when the team notified it or, if it did not, at the
    /// latest turn a reporting duty to it allowed (had the team kept its duties).
    pub fn truth_turn(&self, s: &Scenario, c: &crate::scenario::model::Condition) -> Option<u32> {
        self.truth_at_depth(s, c, 0)
    }

    fn truth_at_depth(
        &self,
        s: &Scenario,
        c: &crate::scenario::model::Condition,
        depth: u32,
    ) -> Option<u32> {
        use crate::scenario::model::{AlertId, Condition};
        // Duties can name each other's stakeholders; a few levels are all a scenario needs.
        if depth > 8 {
            return None;
        }
        match c {
            Condition::Turn(n) => Some(*n).filter(|n| *n <= self.now),
            Condition::StageDone(st) => self.stage_done[st.index()],
            Condition::TraceFound(tr) => self.stage_done[s.traces[*tr].stage.index()],
            Condition::AlertSeen(a) => {
                let seen = self
                    .alerts_seen
                    .iter()
                    .find(|(x, _)| x == a)
                    .map(|(_, t)| *t);
                match a {
                    // A true alert the monitoring would have raised, or its trace left.
                    AlertId::Trace(tr) => seen.or(self.stage_done[s.traces[*tr].stage.index()]),
                    AlertId::Noise(_) => seen,
                }
            }
            Condition::InjectReceived(i) => self.delivered[i.index()],
            Condition::Notified(x) => self.notified[x.index()].first().copied().or_else(|| {
                s.notifications
                    .iter()
                    .filter(|(_, r)| r.stakeholder == *x)
                    .filter_map(|(_, r)| {
                        self.truth_at_depth(s, &r.trigger, depth + 1)
                            .map(|t| t.saturating_add(r.within))
                    })
                    .min()
                    .filter(|t| *t <= self.now)
            }),
            Condition::HostCompromised(h) => self.held[h.index()],
            Condition::DataExfiltrated(d) => s
                .data_sets
                .ids()
                .filter(|&y| s.original(y) == s.original(*d))
                .filter_map(|y| self.exfiltrated[y.index()])
                .min(),
            Condition::FindingsSubmitted => self.findings.as_ref().map(|(_, t)| *t),
            Condition::ActionDone(a) => self.completed[a.index()].first().copied(),
            Condition::Answered(i, choice) => self.answers[i.index()]
                .filter(|(c, _)| c == choice)
                .map(|(_, t)| t),
            Condition::All(cs) => cs
                .iter()
                .map(|c| self.truth_at_depth(s, c, depth + 1))
                .collect::<Option<Vec<u32>>>()
                .and_then(|ts| ts.into_iter().max()),
            Condition::Any(cs) => cs
                .iter()
                .filter_map(|c| self.truth_at_depth(s, c, depth + 1))
                .min(),
            _ => None,
        }
    }

    /// Whether a condition held, in what really happened, by the end of turn `turn` (`Not`
    /// of a condition the events settle is judged too; conditions they cannot settle are taken
    /// as not holding).
    pub fn truth_held_by(
        &self,
        s: &Scenario,
        c: &crate::scenario::model::Condition,
        turn: u32,
    ) -> bool {
        use crate::scenario::model::Condition;
        match c {
            Condition::Not(inner) => !self.truth_held_by(s, inner, turn),
            Condition::All(cs) => cs.iter().all(|c| self.truth_held_by(s, c, turn)),
            Condition::Any(cs) => cs.iter().any(|c| self.truth_held_by(s, c, turn)),
            other => self.truth_turn(s, other).is_some_and(|t| t <= turn),
        }
    }

    /// Whether an answer is right: its choice is `correct`, or its `right_if` held before the
    /// turn it was given in.
    pub fn answer_right(
        &self,
        s: &Scenario,
        inject: crate::scenario::model::InjectId,
        choice: usize,
        at: u32,
    ) -> bool {
        let Some(c) = s.injects[inject]
            .question
            .as_ref()
            .and_then(|q| q.choices.get(choice))
        else {
            return false;
        };
        c.correct
            || c.right_if
                .as_ref()
                .is_some_and(|cond| self.truth_held_by(s, cond, at.saturating_sub(1)))
    }

    /// Gathers the facts of `events`; `ended` says whether the session is over.
    pub fn gather(s: &Scenario, events: &[Event], ended: bool) -> Self {
        let mut f = Facts {
            ended,
            stage_done: vec![None; s.stages.len()],
            held: vec![None; s.hosts.len()],
            exfiltrated: vec![None; s.data_sets.len()],
            rule_due: vec![None; s.notifications.len()],
            notified: vec![Vec::new(); s.stakeholders.len()],
            downtime: vec![Vec::new(); s.functions.len()],
            delivered: vec![None; s.injects.len()],
            answers: vec![None; s.injects.len()],
            expired: vec![false; s.injects.len()],
            completed: vec![Vec::new(); s.actions.len()],
            ..Facts::default()
        };
        let entry_stages: BTreeSet<_> = s
            .entry_vectors
            .iter()
            .flat_map(|(_, e)| e.stages.iter().copied())
            .collect();
        for ev in events {
            let turn = ev.turn;
            f.now = f.now.max(turn);
            match &ev.kind {
                EventKind::StageDone { stage } => {
                    f.stage_done[stage.index()].get_or_insert(turn);
                    if f.entry_stage.is_none() && entry_stages.contains(stage) {
                        f.entry_stage = Some(*stage);
                    }
                }
                EventKind::Foothold { host, .. } => {
                    f.held[host.index()].get_or_insert(turn);
                    f.first_foothold.get_or_insert(turn);
                }
                EventKind::Exfiltrated { data } => {
                    f.exfiltrated[data.index()].get_or_insert(turn);
                }
                EventKind::Triaged {
                    malicious: true, ..
                } => {
                    f.detected.get_or_insert((turn, Detection::Triage));
                }
                EventKind::Found { .. } => {
                    f.detected.get_or_insert((turn, Detection::Evidence));
                }
                EventKind::Containment { contained } => f.containment.push((turn, *contained)),
                EventKind::EvidenceWiped {
                    host,
                    was_compromised: true,
                    was_imaged: false,
                } => f.evidence_lost.push((*host, turn)),
                EventKind::DeadlineStarted { rule, due } => {
                    f.rule_due[rule.index()] = Some((turn, *due));
                }
                EventKind::FunctionDown { function } => {
                    f.downtime[function.index()].push((turn, None));
                }
                EventKind::FunctionUp { function } => {
                    if let Some(last) = f.downtime[function.index()].last_mut() {
                        last.1 = Some(turn);
                    }
                }
                EventKind::Inject { inject } => {
                    f.delivered[inject.index()] = Some(turn);
                    let told = s.injects[*inject].reveals.iter().any(|r| match *r {
                        Reveal::Trace(x) => f.stage_done[s.traces[x].stage.index()].is_some(),
                        Reveal::Host(h) => f.held[h.index()].is_some(),
                        Reveal::Address(_) | Reveal::Account(_) => false,
                    });
                    if told {
                        f.detected.get_or_insert((turn, Detection::Told));
                    }
                }
                EventKind::Alert { alert } if !f.alerts_seen.iter().any(|(a, _)| a == alert) => {
                    f.alerts_seen.push((*alert, turn));
                }
                EventKind::Answered { inject, choice } => {
                    f.answers[inject.index()] = Some((*choice, turn));
                }
                EventKind::QuestionExpired { inject } => f.expired[inject.index()] = true,
                EventKind::HintTaken { hint } => f.hints.push((*hint, turn)),
                EventKind::Rebuilt {
                    host,
                    was_compromised: false,
                    was_encrypted: false,
                } => f.clean_rebuilds.push((*host, turn)),
                EventKind::Completed {
                    action,
                    target,
                    host_was_compromised,
                } => {
                    f.completed[action.index()].push(turn);
                    let verb = s.actions[*action].verb;
                    match (verb, target) {
                        (Verb::ImageDisk, Target::Host(h))
                            if *host_was_compromised == Some(true) =>
                        {
                            f.imaged_compromised.push((*h, turn));
                        }
                        (Verb::IsolateHost, Target::Host(h))
                            if *host_was_compromised == Some(false) =>
                        {
                            f.clean_isolations.push((*h, turn));
                        }
                        (Verb::BlockAddress, Target::Address(a))
                            if matches!(s.addresses[*a].owner, AddressOwner::Legitimate { .. }) =>
                        {
                            f.needless_blocks.push((*a, turn));
                        }
                        (Verb::Notify, Target::Stakeholder(x)) => f.notified[x.index()].push(turn),
                        (Verb::SubmitFindings, Target::Findings(report)) => {
                            if f.detected.is_none()
                                && report.hosts.iter().any(|h| f.held[h.index()].is_some())
                            {
                                f.detected = Some((turn, Detection::Report));
                            }
                            f.findings = Some(((**report).clone(), turn));
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        f
    }

    /// Whether a function is up at the end of `turn` (judged at the last turn played if the
    /// session ended earlier).
    pub fn up_at(&self, function: FunctionId, turn: u32) -> bool {
        let turn = if self.ended { turn.min(self.now) } else { turn };
        !self.downtime[function.index()]
            .iter()
            .any(|&(down, up)| down <= turn && up.is_none_or(|up| up > turn))
    }

    /// Turns a function was down (at the end of each turn), up to the last turn played.
    pub fn turns_down(&self, function: FunctionId) -> u32 {
        self.downtime[function.index()]
            .iter()
            .map(|&(down, up)| up.unwrap_or(self.now + 1).saturating_sub(down))
            .sum()
    }

    /// The first turn at or after `from` at whose end the attacker controlled no foothold
    /// (the attacker starts out contained: it holds nothing).
    pub fn contained_from(&self, from: u32) -> Option<u32> {
        let state_at_from = self
            .containment
            .iter()
            .take_while(|&&(turn, _)| turn <= from)
            .last()
            .is_none_or(|&(_, contained)| contained);
        if state_at_from {
            return Some(from);
        }
        self.containment
            .iter()
            .find(|&&(turn, contained)| turn > from && contained)
            .map(|&(turn, _)| turn)
    }

    /// Every time the attacker went from controlling no foothold to controlling one (its
    /// first foothold, a foothold regained after containment, a later wave), with the turn it
    /// was contained again, if it was.
    pub fn breaches(&self) -> Vec<(u32, Option<u32>)> {
        let mut out: Vec<(u32, Option<u32>)> = Vec::new();
        for &(turn, contained) in &self.containment {
            match (contained, out.last_mut()) {
                (false, None) | (false, Some((_, Some(_)))) => out.push((turn, None)),
                (true, Some((_, end @ None))) => *end = Some(turn),
                _ => {}
            }
        }
        out
    }

    /// The turns the team reported under a notification rule: it notified the stakeholder
    /// (or did the rule's `kept_by` action), the earliest first. For a `follow_up` rule only
    /// reports made after the turn its clock started count.
    pub fn reports(
        &self,
        s: &Scenario,
        rule: crate::scenario::model::RuleId,
        start: u32,
    ) -> Vec<u32> {
        let r = &s.notifications[rule];
        let all = match r.kept_by {
            Some(a) => &self.completed[a.index()],
            None => &self.notified[r.stakeholder.index()],
        };
        all.iter()
            .copied()
            .filter(|&t| !r.follow_up || t > start)
            .collect()
    }

    /// The report that counts for a rule whose clock started at `start`, due by `due`: the
    /// first made in time, else the first made (late).
    pub fn report_that_counts(
        &self,
        s: &Scenario,
        rule: crate::scenario::model::RuleId,
        start: u32,
        due: u32,
    ) -> Option<u32> {
        let reports = self.reports(s, rule, start);
        reports
            .iter()
            .copied()
            .find(|&t| t <= due)
            .or(reports.first().copied())
    }

    /// Hosts the attacker ever held.
    pub fn held_hosts(&self) -> Vec<HostId> {
        self.held
            .iter()
            .enumerate()
            .filter(|(_, t)| t.is_some())
            .map(|(i, _)| HostId::new(i))
            .collect()
    }

    /// Data sets whose records were exfiltrated, as their originals (a stolen copy is the
    /// original's records stolen), sorted, each once.
    pub fn exfiltrated_data(&self, s: &Scenario) -> Vec<crate::scenario::model::DataSetId> {
        let stolen: Vec<_> = self
            .exfiltrated
            .iter()
            .enumerate()
            .filter(|(_, t)| t.is_some())
            .map(|(i, _)| crate::scenario::model::DataSetId::new(i))
            .collect();
        s.originals(&stolen)
    }
}
