//! Replay lines and the recorder that appends them.
//!
//! Every line is one JSON object from a typed struct (field order is the declaration order,
//! whatever serde features the build enables), ids written as the scenario's keys. Each line
//! carries `prev`, the SHA-256 of the previous line's bytes (the header's `prev` is empty), so
//! any change, removal or reordering of a line breaks the chain at the next line.

use std::io::{self, Write};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::engine::event::{Event, EventKind};
use crate::scenario::Scenario;
use crate::scenario::model::{Command, Lang};
use crate::scenario::raw::{RawCommand, RawTarget};

/// The replay format version this build writes and reads.
pub const REPLAY_FORMAT: u32 = 1;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Hex of bytes (lowercase).
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 15)] as char);
    }
    out
}

/// Hex of a 32-byte digest into a stack buffer.
fn hex32<'b>(bytes: &[u8; 32], buf: &'b mut [u8; 64]) -> &'b str {
    for (i, b) in bytes.iter().enumerate() {
        buf[2 * i] = HEX[usize::from(b >> 4)];
        buf[2 * i + 1] = HEX[usize::from(b & 15)];
    }
    std::str::from_utf8(buf).expect("hex digits are ASCII")
}

/// SHA-256 of bytes, as hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The scenario a log was recorded with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioRef {
    /// Scenario id.
    pub id: String,
    /// The file as it was given when recording.
    pub file: String,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
}

/// Where a branched log came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BranchRef {
    /// The parent log as given.
    pub log: String,
    /// SHA-256 of the parent log's bytes.
    pub sha256: String,
    /// The turn of the parent the new session starts after.
    pub turn: u32,
}

/// The first line of a log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Always `"header"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Replay format version.
    pub format: u32,
    /// cyberdrill version that wrote it.
    pub cyberdrill: String,
    /// The scenario.
    pub scenario: ScenarioRef,
    /// The session's seed.
    pub seed: u64,
    /// Team names, in team order.
    pub teams: Vec<String>,
    /// The display language of the session.
    pub lang: Lang,
    /// Where this session branched from, if it did.
    pub branch: Option<BranchRef>,
    /// Empty: the chain starts here.
    pub prev: String,
}

/// One team's turn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TurnLine {
    /// Always `"turn"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Team index.
    pub team: usize,
    /// The turn played.
    pub turn: u32,
    /// The commands submitted for it, as written in action files.
    pub actions: Vec<RawCommand>,
    /// Every event of the turn.
    pub events: Vec<EventRecord>,
    /// SHA-256 of the team world's canonical state after the turn.
    pub digest: String,
    /// SHA-256 of the previous line.
    pub prev: String,
}

/// An event as written in a log: its kind and the fields that kind has, ids as keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(
    missing_docs,
    reason = "each field is the event field of the same name, listed per kind in docs/replay-format.md"
)]
pub struct EventRecord {
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<RawTarget>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<RawCommand>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<crate::engine::event::Refusal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub malicious: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<crate::engine::event::Cause>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reaction: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<crate::scenario::model::Privilege>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub was_compromised: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub was_encrypted: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub was_imaged: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contained: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<crate::scenario::model::Outcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_reason: Option<crate::engine::state::EndReason>,
}

/// What one team's turn produced: the material of a turn line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnRecord {
    /// Team index.
    pub team: usize,
    /// The turn.
    pub turn: u32,
    /// The commands submitted for it.
    pub actions: Vec<Command>,
    /// The range of the team's events this turn produced.
    pub events: std::ops::Range<usize>,
    /// The team world's digest after the turn.
    pub digest: [u8; 32],
}

impl TurnRecord {
    /// Appends the turn line's exact bytes (no newline) to `out`; `events` are all the
    /// team's events. Serializes borrowed views of the scenario's keys, allocating little.
    pub fn write_line(&self, s: &Scenario, events: &[Event], prev: &str, out: &mut Vec<u8>) {
        let mut digest = [0u8; 64];
        let view = TurnLineView {
            kind: "turn",
            team: self.team,
            turn: self.turn,
            actions: Streamed::new(self.actions.iter().map(|c| CommandView::of(s, c))),
            events: Streamed::new(
                events[self.events.clone()]
                    .iter()
                    .map(|e| EventView::of(s, e)),
            ),
            digest: hex32(&self.digest, &mut digest),
            prev,
        };
        serde_json::to_writer(out, &view).expect("replay lines always serialize");
    }

    /// The turn line as a value (with this `prev`).
    pub fn line(&self, s: &Scenario, events: &[Event], prev: &str) -> TurnLine {
        let mut bytes = Vec::new();
        self.write_line(s, events, prev, &mut bytes);
        serde_json::from_slice(&bytes).expect("a written line reads back")
    }
}

/// The borrowed twin of [`TurnLine`], for writing.
#[derive(Serialize)]
#[serde(bound(serialize = "Streamed<A>: Serialize, Streamed<E>: Serialize"))]
struct TurnLineView<'a, A, E> {
    #[serde(rename = "type")]
    kind: &'static str,
    team: usize,
    turn: u32,
    actions: Streamed<A>,
    events: Streamed<E>,
    digest: &'a str,
    prev: &'a str,
}

/// A sequence serialized straight from an iterator (no intermediate vector); it can be
/// serialized once.
struct Streamed<I>(std::cell::RefCell<Option<I>>);

impl<I> Streamed<I> {
    fn new(items: I) -> Self {
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
enum TargetView<'a> {
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
    },
}

impl<'a> TargetView<'a> {
    fn of(s: &'a Scenario, t: &crate::scenario::model::Target) -> Self {
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
            },
        }
    }
}

/// The borrowed twin of [`RawCommand`] (same JSON).
#[derive(Serialize)]
enum CommandView<'a> {
    Act(&'a str, TargetView<'a>),
    Answer(&'a str, &'a str),
    Hint(&'a str),
}

impl<'a> CommandView<'a> {
    fn of(s: &'a Scenario, c: &Command) -> Self {
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
        }
    }
}

/// The borrowed twin of [`EventRecord`] (same JSON).
#[derive(Serialize, Default)]
struct EventView<'a> {
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
}

impl<'a> EventView<'a> {
    fn of(s: &'a Scenario, e: &'a Event) -> Self {
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

/// Serializes a line to its exact bytes (no newline).
pub fn line_bytes<T: Serialize>(line: &T) -> Vec<u8> {
    serde_json::to_vec(line).expect("replay lines always serialize")
}

/// Appends lines to a log, keeping the hash chain, and flushes after every line so a crash
/// loses at most the turn in progress.
pub struct Recorder {
    out: Box<dyn Write + Send>,
    prev: String,
    buf: Vec<u8>,
}

impl Recorder {
    /// Starts a log on `out` with its header.
    pub fn start(out: Box<dyn Write + Send>, mut header: Header) -> io::Result<Self> {
        header.prev = String::new();
        let mut recorder = Self {
            out,
            prev: String::new(),
            buf: Vec::new(),
        };
        recorder.write(&header)?;
        Ok(recorder)
    }

    /// Appends one team's turn; `events` are all the team's events.
    pub fn turn(&mut self, s: &Scenario, record: &TurnRecord, events: &[Event]) -> io::Result<()> {
        let mut bytes = std::mem::take(&mut self.buf);
        bytes.clear();
        record.write_line(s, events, &self.prev, &mut bytes);
        let result = self.emit(&mut bytes);
        self.buf = bytes;
        result
    }

    fn write<T: Serialize>(&mut self, line: &T) -> io::Result<()> {
        let mut bytes = line_bytes(line);
        self.emit(&mut bytes)
    }

    fn emit(&mut self, bytes: &mut Vec<u8>) -> io::Result<()> {
        let mut hash = [0u8; 64];
        self.prev.clear();
        self.prev
            .push_str(hex32(&Sha256::digest(&bytes[..]).into(), &mut hash));
        bytes.push(b'\n');
        self.out.write_all(bytes)?;
        self.out.flush()?;
        Ok(())
    }
}

/// A header for a session being recorded.
pub fn header(
    s: &Scenario,
    scenario_file: &str,
    scenario_sha256: &str,
    seed: u64,
    teams: &[String],
    lang: Lang,
    branch: Option<BranchRef>,
) -> Header {
    Header {
        kind: "header".into(),
        format: REPLAY_FORMAT,
        cyberdrill: env!("CARGO_PKG_VERSION").into(),
        scenario: ScenarioRef {
            id: s.id.clone(),
            file: scenario_file.to_owned(),
            sha256: scenario_sha256.to_owned(),
        },
        seed,
        teams: teams.to_vec(),
        lang,
        branch,
        prev: String::new(),
    }
}
