//! Events: everything that happens in a team's world, turn by turn.
//!
//! The event stream is the record scoring, replays and reports are made from. Some events are
//! what the team sees (its own decisions, alerts, findings, messages); the rest are ground
//! truth (what the attacker did), hidden until the debrief: see [`EventKind::visible`].

use serde::{Deserialize, Serialize};

use super::state::EndReason;
use crate::scenario::model::{
    AccountId, ActionId, AlertId, Command, DataSetId, FunctionId, HintId, HostId, InjectId,
    Outcome, Privilege, Reaction, RuleId, StageId, Target,
};

/// Something that happened in a turn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The turn.
    pub turn: u32,
    /// What.
    pub kind: EventKind,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    // --- the team's decisions (visible)
    /// An action started.
    Started {
        /// The action.
        action: ActionId,
        /// Its target.
        target: Target,
    },
    /// A command was refused; nothing changed.
    Refused {
        /// The command.
        command: Command,
        /// Why.
        reason: Refusal,
    },
    /// An action finished and took effect.
    Completed {
        /// The action.
        action: ActionId,
        /// Its target.
        target: Target,
        /// Ground truth at completion, for scoring: whether a targeted host was held by the
        /// attacker (hidden from the team).
        host_was_compromised: Option<bool>,
    },
    /// An inject's question was answered.
    Answered {
        /// The inject.
        inject: InjectId,
        /// The choice.
        choice: usize,
    },
    /// A hint was taken.
    HintTaken {
        /// The hint.
        hint: HintId,
    },
    /// A facilitator's question was replied to.
    Replied {
        /// The message's number.
        number: u32,
        /// The choice (0-based).
        choice: usize,
        /// The choice's text.
        text: String,
    },

    // --- what the facilitator did (visible; between turns, in drills)
    /// The facilitator sent the team a message.
    Message {
        /// The message's number.
        number: u32,
        /// The text.
        text: String,
        /// Its question, if it asks one (boxed: events are kept by the thousand, and few are
        /// messages with a question).
        question: Option<Box<super::state::FacilitatorQuestion>>,
    },
    /// The facilitator gave the team a hint free of charge.
    HintGranted {
        /// The hint.
        hint: HintId,
    },

    // --- what the team learns (visible)
    /// An alert reached the inbox.
    Alert {
        /// The alert.
        alert: AlertId,
    },
    /// An alert was triaged.
    Triaged {
        /// The alert.
        alert: AlertId,
        /// True positive.
        malicious: bool,
    },
    /// An investigation found a trace.
    Found {
        /// The trace.
        trace: crate::scenario::model::TraceId,
    },
    /// An investigation (logs, disk image, scan) found nothing new (rules 2 on): a negative
    /// result is information too.
    NothingFound {
        /// The action.
        action: ActionId,
        /// Its target (a host or a segment).
        target: Target,
        /// Whether the team already had evidence against the target (so "nothing new" rather
        /// than "no sign of compromise").
        known: bool,
    },
    /// An inject was delivered.
    Inject {
        /// The inject.
        inject: InjectId,
    },
    /// A business function went down.
    FunctionDown {
        /// The function.
        function: FunctionId,
    },
    /// A business function came back.
    FunctionUp {
        /// The function.
        function: FunctionId,
    },
    /// A notification deadline started.
    DeadlineStarted {
        /// The rule.
        rule: RuleId,
        /// The last turn to notify in.
        due: u32,
    },
    /// A notification deadline was kept.
    DeadlineKept {
        /// The rule.
        rule: RuleId,
    },
    /// A notification deadline passed.
    DeadlineMissed {
        /// The rule.
        rule: RuleId,
    },
    /// An inject's question can no longer be answered.
    QuestionExpired {
        /// The inject.
        inject: InjectId,
    },

    // --- ground truth (hidden until the debrief)
    /// A stage happened.
    StageDone {
        /// The stage.
        stage: StageId,
    },
    /// Containment blocked a stage the attacker was ready for.
    StageBlocked {
        /// The stage.
        stage: StageId,
        /// What blocked it.
        cause: Cause,
    },
    /// The attacker reacted to a block.
    Reacted {
        /// The blocked stage.
        stage: StageId,
        /// The reaction.
        reaction: Reaction,
    },
    /// The attacker gained or raised a foothold.
    Foothold {
        /// The host.
        host: HostId,
        /// Privilege.
        level: Privilege,
    },
    /// A foothold was removed by a rebuild.
    FootholdRemoved {
        /// The host.
        host: HostId,
    },
    /// Credentials were stolen.
    CredentialsStolen {
        /// The account.
        account: AccountId,
    },
    /// Data was exfiltrated.
    Exfiltrated {
        /// The data set.
        data: DataSetId,
    },
    /// A host was encrypted.
    Encrypted {
        /// The host.
        host: HostId,
    },
    /// A host's services were disrupted.
    Disrupted {
        /// The host.
        host: HostId,
        /// Last turn of the disruption.
        until: u32,
    },
    /// A data set was lost (an encrypted host rebuilt without a backup).
    DataLost {
        /// The data set.
        data: DataSetId,
    },
    /// A host was rebuilt (reimaged or restored).
    Rebuilt {
        /// The host.
        host: HostId,
        /// The attacker held it.
        was_compromised: bool,
        /// It was encrypted (so rebuilding it was needed even without a foothold on it).
        was_encrypted: bool,
    },
    /// Evidence on a host was wiped (by a rebuild or an action that destroys evidence).
    EvidenceWiped {
        /// The host.
        host: HostId,
        /// The attacker held it.
        was_compromised: bool,
        /// It had been imaged since the attacker got in (so the evidence is preserved).
        was_imaged: bool,
    },
    /// Whether the attacker can still command any foothold changed.
    Containment {
        /// Contained now.
        contained: bool,
    },

    // --- the end
    /// The session ended for this team.
    Ended {
        /// Win or loss.
        outcome: Outcome,
        /// Why.
        reason: EndReason,
    },
}

impl EventKind {
    /// Whether the team sees this event during play (the rest is revealed at the debrief).
    pub fn visible(&self) -> bool {
        !matches!(
            self,
            EventKind::StageDone { .. }
                | EventKind::StageBlocked { .. }
                | EventKind::Reacted { .. }
                | EventKind::Foothold { .. }
                | EventKind::FootholdRemoved { .. }
                | EventKind::CredentialsStolen { .. }
                | EventKind::Exfiltrated { .. }
                | EventKind::Encrypted { .. }
                | EventKind::Disrupted { .. }
                | EventKind::DataLost { .. }
                | EventKind::Rebuilt { .. }
                | EventKind::EvidenceWiped { .. }
                | EventKind::Containment { .. }
        )
    }
}

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// The session is over.
    SessionOver,
    /// Not enough effort left this turn.
    NotEnoughEffort {
        /// Effort needed.
        needed: u32,
        /// Effort left.
        left: u32,
    },
    /// The same action on the same target is already running.
    AlreadyRunning,
    /// The alert is not in the inbox.
    AlertNotSeen,
    /// The alert was already triaged.
    AlreadyTriaged,
    /// The host is already isolated.
    AlreadyIsolated,
    /// The host or segment is not isolated.
    NotIsolated,
    /// The segment is already isolated.
    SegmentAlreadyIsolated,
    /// The address is not known to the team.
    AddressUnknown,
    /// The address is already blocked.
    AlreadyBlocked,
    /// The account is already disabled.
    AlreadyDisabled,
    /// A rebuild or patch of the host is already running.
    HostBusy,
    /// The host has no backup.
    NoBackup,
    /// The host has nothing to patch.
    NothingToPatch,
    /// The segment holds none of the organisation's hosts (the internet): nothing to sweep.
    EmptySegment,
    /// The mitigation is already on.
    AlreadyMitigated,
    /// The address is not blocked.
    NotBlocked,
    /// The account is not disabled.
    NotDisabled,
    /// The mitigation is not on.
    NotMitigated,
    /// The inject has not been delivered.
    InjectNotDelivered,
    /// The inject asks no question.
    NoQuestion,
    /// The question was already answered.
    AlreadyAnswered,
    /// The question expired.
    QuestionExpired,
    /// The hint is not offered yet.
    HintNotYet {
        /// First turn it is offered.
        from_turn: u32,
    },
    /// The hint is not offered now: what it is about is done (or not yet the case).
    HintNotRelevant,
    /// The hint was already taken.
    HintTaken,
    /// There is no such hint.
    NoSuchHint,
    /// A facilitator's message with this number was already delivered.
    MessageNumberUsed,
    /// No facilitator's message with this number reached the team.
    NoSuchMessage,
    /// The message has no choice with this number.
    NoSuchChoice,
}

impl Refusal {
    /// The reason, for a trainee.
    pub fn explain(&self) -> String {
        match self {
            Refusal::SessionOver => "the session is over".into(),
            Refusal::NotEnoughEffort { needed, left } => {
                format!("it needs {needed} effort and only {left} is left this turn")
            }
            Refusal::AlreadyRunning => {
                "the same action on the same target is already running".into()
            }
            Refusal::AlertNotSeen => "that alert is not in your inbox".into(),
            Refusal::AlreadyTriaged => "that alert has already been triaged".into(),
            Refusal::AlreadyIsolated => "the host is already isolated".into(),
            Refusal::NotIsolated => "it is not isolated".into(),
            Refusal::SegmentAlreadyIsolated => "the segment is already isolated".into(),
            Refusal::AddressUnknown => {
                "you have not come across that address in any alert or evidence".into()
            }
            Refusal::AlreadyBlocked => "the address is already blocked".into(),
            Refusal::AlreadyDisabled => "the account is already disabled".into(),
            Refusal::HostBusy => "the host is being rebuilt or patched".into(),
            Refusal::NoBackup => "there is no backup of that host".into(),
            Refusal::NothingToPatch => "the host has no known vulnerability left to patch".into(),
            Refusal::EmptySegment => {
                "that segment holds none of your hosts: there is nothing to sweep".into()
            }
            Refusal::AlreadyMitigated => "that protection is already on".into(),
            Refusal::NotBlocked => "the address is not blocked".into(),
            Refusal::NotDisabled => "the account is not disabled".into(),
            Refusal::NotMitigated => "that protection is not on".into(),
            Refusal::InjectNotDelivered => "that message has not reached you".into(),
            Refusal::NoQuestion => "that message asks no question".into(),
            Refusal::AlreadyAnswered => "you have already answered".into(),
            Refusal::QuestionExpired => "it is too late to answer".into(),
            Refusal::HintNotYet { from_turn } => {
                format!("that hint is offered from turn {from_turn}")
            }
            Refusal::HintNotRelevant => "that hint is not offered now: it is about something already done or not yet the case".into(),
            Refusal::HintTaken => "you have already taken that hint".into(),
            Refusal::NoSuchHint => "there is no such hint".into(),
            Refusal::MessageNumberUsed => "a message with that number was already sent".into(),
            Refusal::NoSuchMessage => "no message with that number has reached you".into(),
            Refusal::NoSuchChoice => "that message offers no such choice".into(),
        }
    }
}

/// What blocked a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// A mitigation is on.
    Mitigated,
    /// The attacker's address is blocked.
    AddressBlocked,
    /// The command channel of the foothold is blocked.
    C2Blocked,
    /// The host the attacker acts from, or its target, is cut off.
    Isolated,
    /// The foothold it needs was removed.
    FootholdLost,
    /// The credentials it needs were reset or disabled.
    CredentialsRevoked,
    /// The vulnerability it exploits was patched.
    Patched,
    /// No network path is open any more.
    NoPath,
    /// The host it needs is cut off from the internet (rules 4): its command channel, an
    /// inbound mail or link, or an upload cannot get through.
    InternetCut,
    /// What it would steal is gone: copies deleted by a mitigation's `removes`.
    DataGone,
}
