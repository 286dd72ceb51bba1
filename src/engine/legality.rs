//! Whether a command is legal now, and which targets an action may take now.
//!
//! The same checks refuse commands in the turn's first phase and feed front-ends (the action
//! composer lists only legal targets) and bots, so a front-end can never offer what the engine
//! would refuse.

use super::event::Refusal;
use super::state::{InternetPaths, Knowledge, View};
use crate::scenario::model::{ActionId, AlertId, Command, Target, TargetKind, Verb};

/// The state a team's queued commands leave once accepted (see [`View::check_queue`]).
#[derive(Debug, Clone)]
pub struct Queue {
    /// Each queued command's verdict, in order.
    pub verdicts: Vec<Result<(), Refusal>>,
    /// Effort still free after the accepted ones.
    pub left: u32,
    staff: super::state::Staff,
    /// The accepted commands that change the knowledge (answers, hints, replies), in order.
    recorded: Vec<Command>,
    /// The turn the commands are queued for.
    turn: u32,
    /// The knowledge they leave: a copy of the team's (which holds every alert ever raised),
    /// made only once something reads what they changed — a further answer, hint or reply
    /// checked, or the world asked for ([`Queue::view`]); an action's checks never read it.
    knowledge: std::cell::OnceCell<Knowledge>,
}

impl Queue {
    /// The team's world as the queued commands leave it (for checks of further commands).
    pub fn view<'a>(&'a self, base: &View<'a>) -> View<'a> {
        let knowledge = if self.recorded.is_empty() {
            base.knowledge
        } else {
            self.knowledge.get_or_init(|| {
                let mut k = base.knowledge.clone();
                for command in &self.recorded {
                    record(&mut k, command, self.turn);
                }
                k
            })
        };
        View {
            staff: &self.staff,
            knowledge,
            ..*base
        }
    }

    /// The world to check `command` in: an action's checks read nothing that answers, hints
    /// and replies change, so the team's own knowledge does for them until a copy is made.
    fn view_for<'a>(&'a self, base: &View<'a>, command: &Command) -> View<'a> {
        match (command, self.knowledge.get()) {
            (Command::Act { .. }, None) => View {
                staff: &self.staff,
                ..*base
            },
            _ => self.view(base),
        }
    }

    /// Whether a further command, queued after these, would be accepted.
    pub fn check(&self, base: &View, command: &Command) -> Result<(), Refusal> {
        self.view_for(base, command).check(command, self.left)
    }
}

/// What accepting a command does at once (before any task runs): its effort is spent, an
/// action's task starts, an answer, hint or reply is recorded in `knowledge` (when given: a
/// queue check records them apart and copies the knowledge only when it is read). Returns the
/// effort left. The turn's first phase and [`View::check_queue`] both go through here.
pub(crate) fn accept(
    s: &crate::scenario::Scenario,
    staff: &mut super::state::Staff,
    knowledge: Option<&mut Knowledge>,
    command: &Command,
    turn: u32,
    left: u32,
) -> u32 {
    match command {
        Command::Act { action, target } => {
            staff.tasks.push(super::state::Task {
                action: *action,
                target: target.clone(),
                started: turn,
                remaining: s.actions[*action].turns,
            });
            left - s.actions[*action].cost
        }
        _ => {
            if let Some(k) = knowledge {
                record(k, command, turn);
            }
            left
        }
    }
}

/// What an accepted answer, hint or reply leaves in the knowledge (an action, nothing).
fn record(knowledge: &mut Knowledge, command: &Command, turn: u32) {
    match command {
        Command::Act { .. } => {}
        Command::Answer { inject, choice } => {
            knowledge.answers[inject.index()] = Some((*choice, turn));
        }
        Command::Hint(h) => knowledge.hints[h.index()] = Some(turn),
        Command::Reply { message, choice } => {
            if let Some(m) = knowledge.messages.iter_mut().find(|m| m.number == *message) {
                m.reply = Some((*choice, turn));
            }
        }
    }
}

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
                let question = self.s.injects[*inject].question.as_ref();
                let Command::Answer { choice, .. } = command else {
                    unreachable!("matched as an answer")
                };
                if k.delivered[i].is_none() {
                    Err(Refusal::InjectNotDelivered)
                } else if question.is_none() {
                    Err(Refusal::NoQuestion)
                } else if question.is_some_and(|q| *choice >= q.choices.len()) {
                    Err(Refusal::NoSuchChoice)
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
                } else if hint.when.as_ref().is_some_and(|c| !self.holds(c)) {
                    Err(Refusal::HintNotRelevant)
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Effort free at the start of the next turn, before any queued command: the turn's effort
    /// (base plus outside help) less what running tasks take.
    pub fn effort_free(&self) -> u32 {
        let committed = self
            .staff
            .tasks
            .iter()
            .map(|t| self.s.actions[t.action].cost)
            .fold(0u32, u32::saturating_add);
        self.s
            .effort_per_turn
            .saturating_add(self.staff.bonus)
            .saturating_sub(committed)
    }

    /// Checks commands queued for the next turn in order, each against the state the ones
    /// before it leave — effort spent, tasks started (a host being rebuilt is busy), questions
    /// answered, hints taken — exactly as the turn's first phase will; the result also checks
    /// further commands as if queued after them.
    pub fn check_queue(&self, commands: &[Command]) -> Queue {
        let mut q = Queue {
            verdicts: Vec::with_capacity(commands.len()),
            left: self.effort_free(),
            staff: self.staff.clone(),
            recorded: Vec::new(),
            turn: self.next_turn(),
            knowledge: std::cell::OnceCell::new(),
        };
        for command in commands {
            let verdict = q.check(self, command);
            if verdict.is_ok() {
                if !matches!(command, Command::Act { .. }) {
                    q.recorded.push(command.clone());
                }
                q.left = accept(
                    self.s,
                    &mut q.staff,
                    q.knowledge.get_mut(),
                    command,
                    q.turn,
                    q.left,
                );
            }
            q.verdicts.push(verdict);
        }
        q
    }

    /// Whether a business function is down in turn `turn` as the world stands: a host it needs
    /// is offline, encrypted or disrupted, an account it needs is disabled, a running action
    /// or a mitigation disrupts it, or an address it relies on is blocked. The turn's business
    /// impact phase and the session's previews both ask this.
    pub fn function_down(&self, id: crate::scenario::model::FunctionId, turn: u32) -> bool {
        self.function_down_with(id, turn, &[], &InternetPaths::default())
    }

    /// [`View::function_down`], with the actions that completed this turn (`finished`) still
    /// counted as running (from rules 4, an action disrupts what it `disrupts` in every turn
    /// it runs, its last included), and the internet paths worked out once for all the
    /// functions asked about in the same world.
    pub fn function_down_with(
        &self,
        id: crate::scenario::model::FunctionId,
        turn: u32,
        finished: &[ActionId],
        paths: &InternetPaths,
    ) -> bool {
        let s = self.s;
        let f = &s.functions[id];
        f.depends_on.iter().any(|&h| {
            let host = &self.assets.hosts[h.index()];
            self.offline(h)
                || host.encrypted
                || host.disrupted_until >= turn
                // Online (just asked): its path is its segment's.
                || (f.needs_internet && self.rules >= 4 && !paths.online(self, s.hosts[h].segment))
        }) || self
            .assets
            .stopped_until
            .get(id.index())
            .is_some_and(|&until| until >= turn)
            || f.accounts
                .iter()
                .any(|a| self.assets.accounts[a.index()].disabled)
            || self
                .staff
                .tasks
                .iter()
                .any(|task| s.actions[task.action].disrupts.contains(&id))
            || finished
                .iter()
                .any(|&a| s.actions[a].disrupts.contains(&id))
            || f.disrupted_by
                .iter()
                .any(|m| self.assets.mitigated[m.index()])
            || f.served_by.iter().any(|a| self.assets.blocked[a.index()])
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
            // From rules 3: a sweep of a segment with no hosts of the organisation's (the
            // internet) finds nothing by definition, and is not offered.
            (Verb::Scan, Target::Segment(seg))
                if self.rules >= 3 && self.s.segments[*seg].hosts.is_empty() =>
            {
                Err(Refusal::EmptySegment)
            }
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
            (Verb::UnblockAddress, Target::Address(x)) if !assets.blocked[x.index()] => {
                Err(Refusal::NotBlocked)
            }
            (Verb::EnableAccount, Target::Account(x)) if !assets.accounts[x.index()].disabled => {
                Err(Refusal::NotDisabled)
            }
            (Verb::Unmitigate, Target::Mitigation(m)) if !assets.mitigated[m.index()] => {
                Err(Refusal::NotMitigated)
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

/// What completing a verb that switches the organisation's state (isolate, block, disable,
/// protect, and the undoing of each) does to it. The engine applies it when such an action completes; previews
/// apply it to a copy to foresee what the action would stop.
pub(crate) fn switch(
    s: &crate::scenario::Scenario,
    assets: &mut super::state::Assets,
    verb: Verb,
    target: &Target,
) {
    match (verb, target) {
        (Verb::IsolateHost, Target::Host(h)) => assets.hosts[h.index()].isolated = true,
        (Verb::Reconnect, Target::Host(h)) => assets.hosts[h.index()].isolated = false,
        (Verb::IsolateSegment, Target::Segment(seg)) => {
            assets.segments_isolated[seg.index()] = true
        }
        (Verb::ReconnectSegment, Target::Segment(seg)) => {
            assets.segments_isolated[seg.index()] = false;
        }
        (Verb::BlockAddress, Target::Address(x)) => assets.blocked[x.index()] = true,
        (Verb::DisableAccount, Target::Account(x)) => assets.accounts[x.index()].disabled = true,
        (Verb::Mitigate, Target::Mitigation(m)) => {
            assets.mitigated[m.index()] = true;
            // Copies it deletes are gone for good: switching it off does not bring them back.
            let removes = &s.mitigations[*m].removes;
            if !removes.is_empty() {
                if assets.removed.is_empty() {
                    assets.removed.resize(s.data_sets.len(), false);
                }
                for d in removes {
                    assets.removed[d.index()] = true;
                }
            }
        }
        (Verb::UnblockAddress, Target::Address(x)) => assets.blocked[x.index()] = false,
        (Verb::EnableAccount, Target::Account(x)) => assets.accounts[x.index()].disabled = false,
        (Verb::Unmitigate, Target::Mitigation(m)) => assets.mitigated[m.index()] = false,
        _ => {}
    }
}

impl View<'_> {
    /// The business functions now up that an action would stop, each with whether it stays
    /// down after the action is done (until the team undoes it) or only while it runs: the
    /// engine's own business-impact rule, asked of the world with the action running and with
    /// it done. `queue` is the state the commands queued before it leave.
    pub fn foreseen_stops(
        &self,
        queue: &Queue,
        action: ActionId,
        target: &Target,
    ) -> Vec<(crate::scenario::model::FunctionId, bool)> {
        let s = self.s;
        let base = queue.view(self);
        let turn = self.next_turn();
        let mut running = queue.staff.clone();
        running.tasks.push(super::state::Task {
            action,
            target: target.clone(),
            started: turn,
            remaining: s.actions[action].turns,
        });
        let mut done = self.assets.clone();
        switch(s, &mut done, s.actions[action].verb, target);
        let while_running = View {
            staff: &running,
            ..base
        };
        let after = View {
            assets: &done,
            ..base
        };
        s.functions
            .ids()
            .filter(|&f| !self.assets.functions_down[f.index()] && !base.function_down(f, turn))
            .filter_map(|f| {
                if after.function_down(f, turn) {
                    Some((f, true))
                } else if while_running.function_down(f, turn) {
                    Some((f, false))
                } else {
                    None
                }
            })
            .collect()
    }
}
