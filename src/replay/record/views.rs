//! The borrowed twins of what a line holds — its commands, their targets, its events — written
//! straight from the engine's values with the scenario's keys, without building the owned
//! records first (a turn on a large network writes hundreds of events).

use serde::Serialize;

use crate::engine::event::{Event, EventKind};
use crate::scenario::Scenario;
use crate::scenario::model::Command;

/// A sequence serialized straight from an iterator (no intermediate vector); it can be
/// serialized once.
pub(super) struct Streamed<I>(std::cell::RefCell<Option<I>>);

impl<I> Streamed<I> {
    pub(super) fn new(items: I) -> Self {
        Self(std::cell::RefCell::new(Some(items)))
    }
}

impl<I, T> Serialize for Streamed<I>
where
    I: Iterator<Item = T>,
    T: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let items = self.0.borrow_mut().take();
        serializer.collect_seq(items.into_iter().flatten())
    }
}

/// The borrowed twin of [`RawTarget`] (same JSON).
#[derive(Serialize)]
pub(super) enum TargetView<'a> {
    Org,
    Host(&'a str),
    Segment(&'a str),
    Account(&'a str),
    Address(&'a str),
    Alert(&'a str),
    Stakeholder(&'a str),
    Mitigation(&'a str),
    Findings {
        entry: &'a str,
        hosts: Vec<&'a str>,
        data: Vec<&'a str>,
        first_turn: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        root_cause: Option<&'a str>,
    },
}

impl<'a> TargetView<'a> {
    pub(super) fn of(s: &'a Scenario, t: &crate::scenario::model::Target) -> Self {
        use crate::scenario::model::Target as T;
        match t {
            T::Org => Self::Org,
            T::Host(x) => Self::Host(s.hosts.key(*x)),
            T::Segment(x) => Self::Segment(s.segments.key(*x)),
            T::Account(x) => Self::Account(s.accounts.key(*x)),
            T::Address(x) => Self::Address(s.addresses.key(*x)),
            T::Alert(x) => Self::Alert(s.alert_key(*x)),
            T::Stakeholder(x) => Self::Stakeholder(s.stakeholders.key(*x)),
            T::Mitigation(x) => Self::Mitigation(s.mitigations.key(*x)),
            T::Findings(f) => Self::Findings {
                entry: s.entry_vectors.key(f.entry),
                hosts: f.hosts.iter().map(|h| s.hosts.key(*h)).collect(),
                data: f.data.iter().map(|d| s.data_sets.key(*d)).collect(),
                first_turn: f.first_turn,
                root_cause: f.root_cause.map(|r| s.root_causes.key(r)),
            },
        }
    }
}

/// The borrowed twin of [`RawCommand`] (same JSON).
#[derive(Serialize)]
pub(super) enum CommandView<'a> {
    Act(&'a str, TargetView<'a>),
    Answer(&'a str, &'a str),
    Hint(&'a str),
    Reply(u32, u32),
}

impl<'a> CommandView<'a> {
    pub(super) fn of(s: &'a Scenario, c: &Command) -> Self {
        match c {
            Command::Act { action, target } => {
                Self::Act(s.actions.key(*action), TargetView::of(s, target))
            }
            Command::Answer { inject, choice } => Self::Answer(
                s.injects.key(*inject),
                s.injects[*inject]
                    .question
                    .as_ref()
                    .map_or("", |q| q.choices[*choice].key.as_str()),
            ),
            Command::Hint(h) => Self::Hint(s.hints.key(*h)),
            Command::Reply { message, choice } => Self::Reply(*message, *choice as u32 + 1),
        }
    }
}

/// The borrowed twin of [`EventRecord`] (same JSON).
#[derive(Serialize, Default)]
pub(super) struct EventView<'a> {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<TargetView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    command: Option<CommandView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a crate::engine::event::Refusal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alert: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    malicious: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trace: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    inject: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    choice: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    function: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    due: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stage: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cause: Option<crate::engine::event::Cause>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reaction: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    host: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<crate::scenario::model::Privilege>,
    #[serde(skip_serializing_if = "Option::is_none")]
    account: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    until: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    was_compromised: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    was_encrypted: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    was_imaged: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contained: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outcome: Option<crate::scenario::model::Outcome>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_reason: Option<crate::engine::state::EndReason>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    known: Option<bool>,
}

impl<'a> EventView<'a> {
    pub(super) fn of(s: &'a Scenario, e: &'a Event) -> Self {
        let mut r = EventView::default();
        r.kind = match &e.kind {
            EventKind::Started { action, target } => {
                r.action = Some(s.actions.key(*action));
                r.target = Some(TargetView::of(s, target));
                "started"
            }
            EventKind::Refused { command, reason } => {
                r.command = Some(CommandView::of(s, command));
                r.reason = Some(reason);
                "refused"
            }
            EventKind::Completed {
                action,
                target,
                host_was_compromised,
            } => {
                r.action = Some(s.actions.key(*action));
                r.target = Some(TargetView::of(s, target));
                r.was_compromised = *host_was_compromised;
                "completed"
            }
            EventKind::Answered { inject, choice } => {
                r.inject = Some(s.injects.key(*inject));
                r.choice = s.injects[*inject]
                    .question
                    .as_ref()
                    .map(|q| q.choices[*choice].key.as_str());
                "answered"
            }
            EventKind::HintTaken { hint } => {
                r.hint = Some(s.hints.key(*hint));
                "hint_taken"
            }
            EventKind::HintGranted { hint } => {
                r.hint = Some(s.hints.key(*hint));
                "hint_granted"
            }
            EventKind::Message { number, .. } => {
                r.message = Some(*number);
                "message"
            }
            EventKind::Replied { number, choice, .. } => {
                r.message = Some(*number);
                r.reply = Some(*choice as u32 + 1);
                "replied"
            }
            EventKind::Alert { alert } => {
                r.alert = Some(s.alert_key(*alert));
                "alert"
            }
            EventKind::Triaged { alert, malicious } => {
                r.alert = Some(s.alert_key(*alert));
                r.malicious = Some(*malicious);
                "triaged"
            }
            EventKind::Found { trace } => {
                r.trace = Some(s.traces.key(*trace));
                "found"
            }
            EventKind::NothingFound {
                action,
                target,
                known,
            } => {
                r.action = Some(s.actions.key(*action));
                r.target = Some(TargetView::of(s, target));
                r.known = Some(*known);
                "nothing_found"
            }
            EventKind::Inject { inject } => {
                r.inject = Some(s.injects.key(*inject));
                "inject"
            }
            EventKind::FunctionDown { function } => {
                r.function = Some(s.functions.key(*function));
                "function_down"
            }
            EventKind::FunctionUp { function } => {
                r.function = Some(s.functions.key(*function));
                "function_up"
            }
            EventKind::DeadlineStarted { rule, due } => {
                r.rule = Some(s.notifications.key(*rule));
                r.due = Some(*due);
                "deadline_started"
            }
            EventKind::DeadlineKept { rule } => {
                r.rule = Some(s.notifications.key(*rule));
                "deadline_kept"
            }
            EventKind::DeadlineMissed { rule } => {
                r.rule = Some(s.notifications.key(*rule));
                "deadline_missed"
            }
            EventKind::QuestionExpired { inject } => {
                r.inject = Some(s.injects.key(*inject));
                "question_expired"
            }
            EventKind::StageDone { stage } => {
                r.stage = Some(s.stages.key(*stage));
                "stage_done"
            }
            EventKind::StageBlocked { stage, cause } => {
                r.stage = Some(s.stages.key(*stage));
                r.cause = Some(*cause);
                "stage_blocked"
            }
            EventKind::Reacted { stage, reaction } => {
                r.stage = Some(s.stages.key(*stage));
                r.reaction = Some(reaction_text(s, reaction));
                "reacted"
            }
            EventKind::Foothold { host, level } => {
                r.host = Some(s.hosts.key(*host));
                r.level = Some(*level);
                "foothold"
            }
            EventKind::FootholdRemoved { host } => {
                r.host = Some(s.hosts.key(*host));
                "foothold_removed"
            }
            EventKind::CredentialsStolen { account } => {
                r.account = Some(s.accounts.key(*account));
                "credentials_stolen"
            }
            EventKind::Exfiltrated { data } => {
                r.data = Some(s.data_sets.key(*data));
                "exfiltrated"
            }
            EventKind::Encrypted { host } => {
                r.host = Some(s.hosts.key(*host));
                "encrypted"
            }
            EventKind::Disrupted { host, until } => {
                r.host = Some(s.hosts.key(*host));
                r.until = Some(*until);
                "disrupted"
            }
            EventKind::DataLost { data } => {
                r.data = Some(s.data_sets.key(*data));
                "data_lost"
            }
            EventKind::Rebuilt {
                host,
                was_compromised,
                was_encrypted,
            } => {
                r.host = Some(s.hosts.key(*host));
                r.was_compromised = Some(*was_compromised);
                r.was_encrypted = Some(*was_encrypted);
                "rebuilt"
            }
            EventKind::EvidenceWiped {
                host,
                was_compromised,
                was_imaged,
            } => {
                r.host = Some(s.hosts.key(*host));
                r.was_compromised = Some(*was_compromised);
                r.was_imaged = Some(*was_imaged);
                "evidence_wiped"
            }
            EventKind::Containment { contained } => {
                r.contained = Some(*contained);
                "containment"
            }
            EventKind::Ended { outcome, reason } => {
                r.outcome = Some(*outcome);
                r.end_reason = Some(*reason);
                "ended"
            }
        };
        r
    }
}

/// A reaction as written in a log: `switch:<stage>`, `dormant:<n>` or `abandon`.
fn reaction_text(s: &Scenario, reaction: &crate::scenario::model::Reaction) -> String {
    match reaction {
        crate::scenario::model::Reaction::Switch(alt) => format!("switch:{}", s.stages.key(*alt)),
        crate::scenario::model::Reaction::Dormant(n) => format!("dormant:{n}"),
        crate::scenario::model::Reaction::Abandon => "abandon".to_owned(),
    }
}
