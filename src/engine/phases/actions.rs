//! The team's side of a turn: commands are checked and started, then running tasks progress
//! and finished ones take effect.

use super::TeamMut;
use crate::engine::event::EventKind;
use crate::engine::state::{Knowledge, Task};
use crate::scenario::Scenario;
use crate::scenario::model::{AlertId, Command, HostId, Reveal, SeenIn, Target, TraceId, Verb};

/// Starts the turn: sets the effort, then checks each submitted command in order and starts
/// it or records why it was refused.
pub(crate) fn apply_commands(s: &Scenario, t: &mut TeamMut) {
    let mut left = t.view(s).effort_free();
    let turn = t.clock.turn + 1;
    let pending = std::mem::take(&mut t.staff.pending);
    // Each command is checked against the state the ones before it leave (effort spent, tasks
    // started, answers given), the same checks `View::check_queue` gives front-ends.
    let mut outcomes = Vec::with_capacity(pending.len());
    for command in pending {
        let verdict = t.view(s).check(&command, left);
        if verdict.is_ok() {
            left = crate::engine::legality::accept(
                s,
                t.staff,
                Some(&mut *t.knowledge),
                &command,
                turn,
                left,
            );
        }
        outcomes.push((command, verdict));
    }
    t.clock.turn = turn;
    t.staff.left = left;
    for (command, verdict) in outcomes {
        let reply_text = |message: u32, choice: usize| {
            t.knowledge
                .messages
                .iter()
                .find(|m| m.number == message)
                .and_then(|m| m.question.as_ref())
                .and_then(|q| q.choices.get(choice))
                .cloned()
                .unwrap_or_default()
        };
        let kind = match (command, verdict) {
            (command, Err(reason)) => EventKind::Refused { command, reason },
            (Command::Act { action, target }, Ok(())) => EventKind::Started { action, target },
            (Command::Answer { inject, choice }, Ok(())) => {
                answer_effects(s, t, inject, choice, turn);
                EventKind::Answered { inject, choice }
            }
            (Command::Hint(hint), Ok(())) => EventKind::HintTaken { hint },
            (Command::Reply { message, choice }, Ok(())) => EventKind::Replied {
                number: message,
                choice,
                text: reply_text(message, choice),
            },
        };
        t.emit(kind);
    }
}

/// What an answer does at once (a choice's `effects`): the staff member told to unplug the PC
/// unplugs it, before the attacker moves this turn.
fn answer_effects(
    s: &Scenario,
    t: &mut TeamMut,
    inject: crate::scenario::model::InjectId,
    choice: usize,
    turn: u32,
) {
    use crate::engine::legality::switch;
    use crate::scenario::model::ChoiceEffect;
    let Some(c) = s.injects[inject]
        .question
        .as_ref()
        .and_then(|q| q.choices.get(choice))
    else {
        return;
    };
    for effect in &c.effects {
        match *effect {
            ChoiceEffect::Isolate(h) => switch(s, t.assets, Verb::IsolateHost, &Target::Host(h)),
            ChoiceEffect::Mitigate(m) => {
                switch(s, t.assets, Verb::Mitigate, &Target::Mitigation(m));
            }
            ChoiceEffect::Block(a) => switch(s, t.assets, Verb::BlockAddress, &Target::Address(a)),
            ChoiceEffect::Stop(f, turns) => {
                let stopped = &mut t.assets.stopped_until;
                if stopped.is_empty() {
                    stopped.resize(s.functions.len(), 0);
                }
                let until = turn + turns - 1;
                stopped[f.index()] = stopped[f.index()].max(until);
            }
        }
    }
}

/// Advances every running task by one turn; finished tasks take effect in start order.
pub(crate) fn progress_tasks(s: &Scenario, t: &mut TeamMut) {
    let mut finished = Vec::new();
    t.staff.tasks.retain_mut(|task| {
        task.remaining = task.remaining.saturating_sub(1);
        if task.remaining == 0 {
            finished.push(task.clone());
            false
        } else {
            true
        }
    });
    for task in finished {
        complete(s, t, task);
    }
}

/// Applies what a trace, an alert or a message tells the team. A trace it names counts as
/// found (with all it reveals in turn); from rules 4, being told that a host the attacker
/// holds or held is compromised confirms a compromise, as finding its evidence would.
pub(crate) fn learn(s: &Scenario, t: &mut TeamMut, reveals: &[Reveal]) {
    for r in reveals {
        match *r {
            Reveal::Address(a) => t.knowledge.known_addresses[a.index()] = true,
            Reveal::Host(h) => {
                confirm(t, h);
                if t.rules >= 4 && t.assets.hosts[h.index()].ever_held {
                    t.knowledge.detected_at.get_or_insert(t.clock.turn);
                }
            }
            Reveal::Account(a) => t.knowledge.flagged_accounts[a.index()] = true,
            // Evidence is handed over only once it exists: the stage that leaves it happened.
            Reveal::Trace(x) if t.evidence.traces[x.index()].left_at.is_some() => {
                found(s, t, x, true)
            }
            Reveal::Trace(_) => {}
        }
    }
}

/// The team now knows the host is compromised.
fn confirm(t: &mut TeamMut, h: HostId) {
    let k = &mut t.knowledge.hosts[h.index()];
    k.confirmed = true;
    k.suspicious = false;
}

/// The team has found (or triaged) a trace: evidence, detection, and what it reveals.
fn found(s: &Scenario, t: &mut TeamMut, trace: TraceId, emit: bool) {
    let turn = t.clock.turn;
    if t.evidence.traces[trace.index()].found_at.is_some() {
        return;
    }
    t.evidence.traces[trace.index()].found_at = Some(turn);
    t.knowledge.detected_at.get_or_insert(turn);
    let tr = &s.traces[trace];
    // From rules 2, a trace is evidence against its host only if the attacker acted on that
    // host: a mail gateway's log of a phishing mail, or a firewall's record of a connection,
    // says nothing against the gateway or the firewall (what it reveals is named in
    // `reveals`).
    if t.rules < 2 || s.stages[tr.stage].target == tr.host {
        confirm(t, tr.host);
    }
    learn(s, t, &tr.reveals);
    if emit {
        t.emit(EventKind::Found { trace });
    }
}

/// Finds every present, unfound trace of a kind on a host; returns how many.
fn investigate(s: &Scenario, t: &mut TeamMut, h: HostId, seen_in: SeenIn) -> usize {
    let mut n = 0;
    for (id, tr) in s.traces.iter() {
        let st = &t.evidence.traces[id.index()];
        if tr.host == h && tr.seen_in == seen_in && st.present && st.found_at.is_none() {
            found(s, t, id, true);
            n += 1;
        }
    }
    n
}

/// From rules 2: an investigation that found nothing says so.
fn nothing_found(t: &mut TeamMut, task: &Task, hosts: &[HostId], found: usize) {
    if t.rules >= 2 && found == 0 {
        let known = hosts.iter().any(|h| t.knowledge.hosts[h.index()].confirmed);
        t.emit(EventKind::NothingFound {
            action: task.action,
            target: task.target.clone(),
            known,
        });
    }
}

/// Wipes the unpreserved evidence on a host; reports it if anything of the attacker's was
/// there (or the attacker holds the host).
fn wipe(s: &Scenario, t: &mut TeamMut, h: HostId, was_compromised: bool, was_imaged: bool) {
    let forwarded = s.hosts[h].log_forwarding;
    let mut wiped = false;
    for (id, tr) in s.traces.iter() {
        let st = &mut t.evidence.traces[id.index()];
        let goes = match tr.seen_in {
            SeenIn::Disk | SeenIn::Scan => true,
            SeenIn::Logs => !forwarded,
            SeenIn::Alert => false,
        };
        if tr.host == h && goes && st.present {
            st.present = false;
            wiped |= st.found_at.is_none();
        }
    }
    if was_compromised || wiped {
        t.emit(EventKind::EvidenceWiped {
            host: h,
            was_compromised,
            was_imaged,
        });
    }
}

/// Whether the host has been imaged since the attacker got in (or at all, if it never did).
fn imaged_since_compromise(t: &TeamMut, h: HostId) -> bool {
    let host = &t.assets.hosts[h.index()];
    match (host.imaged_at, host.compromised_at) {
        (Some(imaged), Some(since)) => imaged >= since,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

fn complete(s: &Scenario, t: &mut TeamMut, task: Task) {
    let turn = t.clock.turn;
    let a = &s.actions[task.action];
    let host_was_compromised = match task.target {
        Target::Host(h) => Some(t.assets.hosts[h.index()].foothold.is_some()),
        _ => None,
    };
    t.emit(EventKind::Completed {
        action: task.action,
        target: task.target.clone(),
        host_was_compromised,
    });
    let first_completion = t.knowledge.completed[task.action.index()] == 0;
    t.knowledge.completed[task.action.index()] += 1;
    match (a.verb, &task.target) {
        (Verb::Triage, Target::Alert(alert)) => {
            let slot = Knowledge::alert_slot(s, *alert);
            t.knowledge.triaged[slot] = Some(turn);
            let malicious = matches!(alert, AlertId::Trace(_));
            t.emit(EventKind::Triaged {
                alert: *alert,
                malicious,
            });
            match *alert {
                AlertId::Trace(trace) => found(s, t, trace, false),
                AlertId::Noise(n) => {
                    let noise = &s.noise[n];
                    learn(s, t, &noise.reveals);
                    refresh_suspicion(s, t, noise.host);
                }
            }
        }
        (Verb::AnalyseLogs, Target::Host(h)) => {
            let n = investigate(s, t, *h, SeenIn::Logs);
            nothing_found(t, &task, &[*h], n);
        }
        (Verb::ImageDisk, Target::Host(h)) => {
            t.assets.hosts[h.index()].imaged_at = Some(turn);
            let n = investigate(s, t, *h, SeenIn::Disk);
            nothing_found(t, &task, &[*h], n);
        }
        (Verb::Scan, Target::Segment(seg)) => {
            // What a sweep can find in the segment, in the order of its hosts (file order)
            // then of the traces: one pass over the traces, not one per host of the segment.
            let mut sweep: Vec<TraceId> = s
                .traces
                .iter()
                .filter(|(_, tr)| tr.seen_in == SeenIn::Scan && s.hosts[tr.host].segment == *seg)
                .map(|(id, _)| id)
                .collect();
            sweep.sort_by_key(|&id| (s.traces[id].host, id));
            let mut n = 0;
            for id in sweep {
                let st = &t.evidence.traces[id.index()];
                if st.present && st.found_at.is_none() {
                    found(s, t, id, true);
                    n += 1;
                }
            }
            nothing_found(t, &task, &s.segments[*seg].hosts, n);
        }
        (
            Verb::IsolateHost
            | Verb::Reconnect
            | Verb::IsolateSegment
            | Verb::ReconnectSegment
            | Verb::BlockAddress
            | Verb::DisableAccount
            | Verb::Mitigate
            | Verb::UnblockAddress
            | Verb::EnableAccount
            | Verb::Unmitigate,
            target,
        ) => crate::engine::legality::switch(s, t.assets, a.verb, target),
        (Verb::ResetCredentials, Target::Account(x)) => t.assets.accounts[x.index()].stolen = false,
        (Verb::Reimage | Verb::RestoreBackup, Target::Host(h)) => rebuild(s, t, *h, a.verb),
        (Verb::Patch, Target::Host(h)) => t.assets.hosts[h.index()].patched = true,
        (Verb::Notify, Target::Stakeholder(x)) => {
            t.knowledge.notified[x.index()].get_or_insert(turn);
        }
        (Verb::SubmitFindings, Target::Findings(f)) => {
            if f.hosts.iter().any(|h| t.assets.hosts[h.index()].ever_held) {
                t.knowledge.detected_at.get_or_insert(turn);
            }
            t.knowledge.findings = Some(((**f).clone(), turn));
        }
        _ => {}
    }
    if a.destroys_evidence
        && !matches!(a.verb, Verb::Reimage | Verb::RestoreBackup)
        && let Target::Host(h) = task.target
    {
        let compromised = t.assets.hosts[h.index()].foothold.is_some();
        let imaged = imaged_since_compromise(t, h);
        wipe(s, t, h, compromised, imaged);
    }
    // Outside help is hired once: repeating the action does not add more. Saturating: the
    // validator bounds the total, but a scenario built in code is not validated.
    if a.adds_effort > 0 && first_completion {
        t.staff.bonus = t.staff.bonus.saturating_add(a.adds_effort);
    }
}

/// Reimage or restore: the attacker's foothold and the host's evidence are gone; an encrypted
/// host comes back, with its data only if restored from backup.
fn rebuild(s: &Scenario, t: &mut TeamMut, h: HostId, verb: Verb) {
    let turn = t.clock.turn;
    let was_compromised = t.assets.hosts[h.index()].foothold.is_some();
    let was_imaged = imaged_since_compromise(t, h);
    wipe(s, t, h, was_compromised, was_imaged);
    t.emit(EventKind::Rebuilt {
        host: h,
        was_compromised,
        was_encrypted: t.assets.hosts[h.index()].encrypted,
    });
    // Implants found by a sweep are gone with the foothold, wherever they were recorded.
    for (id, tr) in s.traces.iter() {
        if tr.host == h && tr.seen_in == SeenIn::Scan {
            t.evidence.traces[id.index()].present = false;
        }
    }
    let was_encrypted = t.assets.hosts[h.index()].encrypted;
    if t.assets.remove_foothold(h) {
        t.assets.hosts[h.index()].compromised_at = None;
        t.emit(EventKind::FootholdRemoved { host: h });
    }
    let host = &mut t.assets.hosts[h.index()];
    host.encrypted = false;
    host.disrupted_until = 0;
    host.imaged_at = None;
    if was_encrypted && verb == Verb::Reimage {
        for &d in &s.hosts[h].data {
            if !t.assets.lost[d.index()] {
                t.assets.lost[d.index()] = true;
                t.emit(EventKind::DataLost { data: d });
            }
        }
    }
    let k = &mut t.knowledge.hosts[h.index()];
    k.confirmed = false;
    k.suspicious = false;
    k.rebuilt_at = Some(turn);
}

/// A host is suspicious while an alert on it waits for triage.
fn refresh_suspicion(s: &Scenario, t: &mut TeamMut, h: HostId) {
    // An alert is in the inbox exactly when it has been seen (raising does both), so this
    // looks at the host's alert sources, not at every alert ever raised.
    let k = &t.knowledge;
    let untriaged = |slot: usize| k.seen[slot] && k.triaged[slot].is_none();
    let pending = s
        .traces
        .iter()
        .any(|(id, tr)| tr.host == h && untriaged(id.index()))
        || s.noise
            .iter()
            .any(|(id, n)| n.host == h && untriaged(s.traces.len() + id.index()));
    t.knowledge.hosts[h.index()].suspicious = pending && !t.knowledge.hosts[h.index()].confirmed;
}

/// The host an alert concerns.
pub fn alert_host(s: &Scenario, alert: AlertId) -> HostId {
    match alert {
        AlertId::Trace(tr) => s.traces[tr].host,
        AlertId::Noise(n) => s.noise[n].host,
    }
}
