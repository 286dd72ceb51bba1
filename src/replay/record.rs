//! Replay lines and the recorder that appends them.
//!
//! Every line is one JSON object from a typed struct (field order is the declaration order,
//! whatever serde features the build enables), ids written as the scenario's keys. Each line
//! carries `prev`, the SHA-256 of the previous line's bytes (the header's `prev` is empty), so
//! any change, removal or reordering of a line breaks the chain at the next line. Lines are
//! written from borrowed views of the engine's values (`views`), never from owned copies.

use std::io::{self, Write};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::engine::event::Event;
use crate::scenario::Scenario;
use crate::scenario::model::{Command, Lang};
use crate::scenario::raw::{RawCommand, RawTarget};

mod views;

use views::{CommandView, EventView, Streamed};

/// The replay format version this build writes (it reads 1 and 2).
pub const REPLAY_FORMAT: u32 = 2;

/// The engine rules revision this build plays by (format-2 headers record it).
pub use crate::engine::RULES;

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
    /// Format 2: the engine rules revision the session was played by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<u32>,
    /// Format 2: the state digest of a team's world before the first turn (it commits to
    /// the seed and the scenario).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// Format 2: when the session started (UTC, RFC 3339); absent for bot runs, whose logs
    /// depend on nothing but the scenario, the seed and the commands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<String>,
    /// Format 2: the drill this session is, when a drill server ran it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drill: Option<String>,
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
    /// Format 2: who queued each command (same length as `actions`), when members are known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by: Vec<String>,
    /// Every event of the turn.
    pub events: Vec<RecordedEvent>,
    /// SHA-256 of the team world's canonical state after the turn.
    pub digest: String,
    /// SHA-256 of the previous line.
    pub prev: String,
}

/// Format 2: a person joined a team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberLine {
    /// Always `"member"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Team index.
    pub team: usize,
    /// The member's name.
    pub name: String,
    /// SHA-256 of the previous line.
    pub prev: String,
}

/// What a facilitator did to one team's world, as written in a log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum RawIntervention {
    /// A message, optionally with a question.
    Message {
        /// Its number in the drill.
        number: u32,
        /// The text.
        text: String,
        /// The question and its choices.
        question: Option<crate::engine::state::FacilitatorQuestion>,
    },
    /// A hint given free of charge (the hint's id).
    GrantHint(String),
}

/// Format 2: a facilitator's intervention in one team's world, between two of its turns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FacilitatorLine {
    /// Always `"facilitator"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Team index.
    pub team: usize,
    /// The team's last turn played when it happened.
    pub turn: u32,
    /// What the facilitator did.
    pub act: RawIntervention,
    /// The events it caused.
    pub events: Vec<RecordedEvent>,
    /// SHA-256 of the team world's state after it.
    pub digest: String,
    /// SHA-256 of the previous line.
    pub prev: String,
}

/// Format 2: an announcement to the whole room (it changes no team's world).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnouncementLine {
    /// Always `"announcement"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The text.
    pub text: String,
    /// SHA-256 of the previous line.
    pub prev: String,
}

/// Why a session's log was sealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SealReason {
    /// Every team reached its ending.
    Completed,
    /// The session was closed before every team ended (the facilitator ended the drill, the
    /// trainee quit, a bot run stopped at its turn limit).
    Closed,
}

impl SealReason {
    /// The word written in the log.
    pub fn word(self) -> &'static str {
        match self {
            SealReason::Completed => "completed",
            SealReason::Closed => "closed",
        }
    }
}

/// An Ed25519 signature over a seal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealSignature {
    /// The public key (hex, 32 bytes).
    pub key: String,
    /// The signature (hex, 64 bytes) of the seal line's bytes with `signature` null.
    pub sig: String,
}

/// Format 2: the last line; a log without it was cut off (or its session is still running).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealLine {
    /// Always `"seal"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Why the session ended.
    pub reason: SealReason,
    /// Each team's last turn played, in team order.
    pub turns: Vec<u32>,
    /// SHA-256 of the header line.
    pub header: String,
    /// When the session ended (UTC, RFC 3339), absent for bot runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<String>,
    /// The signature, if the session was signed.
    pub signature: Option<SealSignature>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub known: Option<bool>,
}

/// An event as a log line holds it: its JSON text, which is all that verifying compares (a
/// turn on a large network has hundreds of events, and the record of each has a field for
/// every kind). Reading a log checks every event against [`EventRecord`] first (see
/// [`super::read::Log::parse`]), so a malformed event is refused where it is.
#[derive(Debug, Clone)]
pub struct RecordedEvent(Box<serde_json::value::RawValue>);

impl RecordedEvent {
    /// The event's JSON text, as written.
    pub fn json(&self) -> &str {
        self.0.get()
    }
}

impl PartialEq for RecordedEvent {
    fn eq(&self, other: &Self) -> bool {
        self.json() == other.json()
    }
}

impl Eq for RecordedEvent {}

impl Serialize for RecordedEvent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RecordedEvent {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Box::<serde_json::value::RawValue>::deserialize(deserializer).map(Self)
    }
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
    /// Who queued each command (empty, or one name per command).
    pub by: Vec<String>,
    /// The team world's digest after the turn; `None` when nothing was recording the
    /// session then (the digest is computed only for a log).
    pub digest: Option<[u8; 32]>,
}

/// The digest a line is written with.
///
/// # Panics
///
/// If there is none: a session computes the digest of every entry it records, and
/// [`crate::session::Session::record_to`] refuses a history without digests.
fn line_digest(digest: Option<[u8; 32]>) -> [u8; 32] {
    digest.expect("a recorded entry carries its state digest")
}

impl TurnRecord {
    /// Appends the turn line's exact bytes (no newline) to `out`; `events` are all the
    /// team's events. Serializes borrowed views of the scenario's keys, allocating little.
    ///
    /// # Panics
    ///
    /// If the record has no digest.
    pub fn write_line(&self, s: &Scenario, events: &[Event], prev: &str, out: &mut Vec<u8>) {
        let mut digest = [0u8; 64];
        let view = TurnLineView {
            kind: "turn",
            team: self.team,
            turn: self.turn,
            actions: Streamed::new(self.actions.iter().map(|c| CommandView::of(s, c))),
            by: &self.by,
            events: Streamed::new(
                events[self.events.clone()]
                    .iter()
                    .map(|e| EventView::of(s, e)),
            ),
            digest: hex32(&line_digest(self.digest), &mut digest),
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
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    by: &'a [String],
    events: Streamed<E>,
    digest: &'a str,
    prev: &'a str,
}

/// What a facilitator's intervention produced: the material of a facilitator line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacilitatorRecord {
    /// Team index.
    pub team: usize,
    /// The team's last turn played.
    pub turn: u32,
    /// The intervention.
    pub act: crate::engine::Intervention,
    /// The range of the team's events it produced.
    pub events: std::ops::Range<usize>,
    /// The team world's digest after it (`None` as for [`TurnRecord::digest`]).
    pub digest: Option<[u8; 32]>,
}

impl FacilitatorRecord {
    /// The intervention as written in a log.
    pub fn raw_act(&self, s: &Scenario) -> RawIntervention {
        match &self.act {
            crate::engine::Intervention::Message(m) => RawIntervention::Message {
                number: m.number,
                text: m.text.clone(),
                question: m.question.clone(),
            },
            crate::engine::Intervention::GrantHint(h) => {
                RawIntervention::GrantHint(s.hints.key(*h).to_owned())
            }
        }
    }

    /// Appends the line's exact bytes (no newline) to `out`; `events` are all the team's
    /// events.
    ///
    /// # Panics
    ///
    /// If the record has no digest.
    pub fn write_line(&self, s: &Scenario, events: &[Event], prev: &str, out: &mut Vec<u8>) {
        let mut digest = [0u8; 64];
        let act = self.raw_act(s);
        let view = FacilitatorLineView {
            kind: "facilitator",
            team: self.team,
            turn: self.turn,
            act: &act,
            events: Streamed::new(
                events[self.events.clone()]
                    .iter()
                    .map(|e| EventView::of(s, e)),
            ),
            digest: hex32(&line_digest(self.digest), &mut digest),
            prev,
        };
        serde_json::to_writer(out, &view).expect("replay lines always serialize");
    }
}

/// The borrowed twin of [`FacilitatorLine`], for writing.
#[derive(Serialize)]
#[serde(bound(serialize = "Streamed<E>: Serialize"))]
struct FacilitatorLineView<'a, E> {
    #[serde(rename = "type")]
    kind: &'static str,
    team: usize,
    turn: u32,
    act: &'a RawIntervention,
    events: Streamed<E>,
    digest: &'a str,
    prev: &'a str,
}

/// One entry of a session's record, in the order it happened: the material of every line
/// after the header but the seal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A team's turn.
    Turn(TurnRecord),
    /// A person joined a team.
    Member {
        /// Team index.
        team: usize,
        /// Name.
        name: String,
    },
    /// A facilitator's intervention in a team's world.
    Facilitator(FacilitatorRecord),
    /// An announcement to the room.
    Announcement(String),
}

/// Serializes a line to its exact bytes (no newline).
pub fn line_bytes<T: Serialize>(line: &T) -> Vec<u8> {
    serde_json::to_vec(line).expect("replay lines always serialize")
}

/// Appends lines to a log, keeping the hash chain, and flushes after every line so a crash
/// loses at most the line being written. (Give it a [`SyncOnFlush`] file for lines that must
/// be on disk before the next step.)
pub struct Recorder {
    out: Box<dyn Write + Send>,
    prev: String,
    header: String,
    buf: Vec<u8>,
    sealed: bool,
    /// Lines are written but not flushed until [`Recorder::release`] (a turn of many teams
    /// is put on the disk with one flush).
    holding: bool,
}

impl Recorder {
    /// Starts a log on `out` with its header.
    pub fn start(out: Box<dyn Write + Send>, mut header: Header) -> io::Result<Self> {
        header.prev = String::new();
        let mut recorder = Self {
            out,
            prev: String::new(),
            header: String::new(),
            buf: Vec::new(),
            sealed: false,
            holding: false,
        };
        recorder.write(&header)?;
        recorder.header = recorder.prev.clone();
        Ok(recorder)
    }

    /// Continues a log on `out` (the same file, opened for appending): `prev` is the hash of
    /// its last line, `header` the hash of its header line, `sealed` whether it has its seal.
    pub fn resume(out: Box<dyn Write + Send>, prev: String, header: String, sealed: bool) -> Self {
        Self {
            out,
            prev,
            header,
            buf: Vec::new(),
            sealed,
            holding: false,
        }
    }

    /// Holds the flushes of the lines written from now until [`Recorder::release`].
    pub fn hold(&mut self) {
        self.holding = true;
    }

    /// Flushes the lines written since [`Recorder::hold`], all at once.
    pub fn release(&mut self) -> io::Result<()> {
        self.holding = false;
        self.out.flush()
    }

    /// Appends one entry; `events` are all the events of the entry's team (any slice for
    /// entries without events).
    pub fn entry(&mut self, s: &Scenario, entry: &Entry, events: &[Event]) -> io::Result<()> {
        match entry {
            Entry::Turn(record) => self.turn(s, record, events),
            Entry::Facilitator(record) => {
                let mut bytes = std::mem::take(&mut self.buf);
                bytes.clear();
                record.write_line(s, events, &self.prev, &mut bytes);
                let result = self.emit(&mut bytes);
                self.buf = bytes;
                result
            }
            Entry::Member { team, name } => self.write(&MemberLine {
                kind: "member".into(),
                team: *team,
                name: name.clone(),
                prev: self.prev.clone(),
            }),
            Entry::Announcement(text) => self.write(&AnnouncementLine {
                kind: "announcement".into(),
                text: text.clone(),
                prev: self.prev.clone(),
            }),
        }
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

    /// Writes the seal, signed with `key` if one is given; nothing can be appended after it.
    pub fn seal(
        &mut self,
        reason: SealReason,
        turns: Vec<u32>,
        ended: Option<String>,
        key: Option<&ed25519_dalek::SigningKey>,
    ) -> io::Result<()> {
        let mut seal = SealLine {
            kind: "seal".into(),
            reason,
            turns,
            header: self.header.clone(),
            ended,
            signature: None,
            prev: self.prev.clone(),
        };
        if let Some(key) = key {
            seal.signature = Some(super::sign::sign_seal(key, &seal));
        }
        self.write(&seal)?;
        self.sealed = true;
        Ok(())
    }

    /// Whether the seal has been written.
    pub fn is_sealed(&self) -> bool {
        self.sealed
    }

    fn write<T: Serialize>(&mut self, line: &T) -> io::Result<()> {
        let mut bytes = line_bytes(line);
        self.emit(&mut bytes)
    }

    fn emit(&mut self, bytes: &mut Vec<u8>) -> io::Result<()> {
        if self.sealed {
            return Err(io::Error::other("the log is sealed"));
        }
        let mut hash = [0u8; 64];
        let line_hash = hex32(&Sha256::digest(&bytes[..]).into(), &mut hash).to_owned();
        bytes.push(b'\n');
        self.out.write_all(bytes)?;
        if !self.holding {
            self.out.flush()?;
        }
        self.prev = line_hash;
        Ok(())
    }
}

/// A file whose `flush` also asks the operating system to put the data on the disk
/// (`fsync`), so a line the recorder has flushed survives a crash of the machine.
pub struct SyncOnFlush(pub std::fs::File);

impl Write for SyncOnFlush {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()?;
        self.0.sync_data()
    }
}

/// The digest written in a format-2 header's `start`: a team world of `s` seeded with `seed`
/// before its first turn.
pub fn start_digest(s: &Scenario, seed: u64) -> String {
    let bundle = crate::engine::state::TeamBundle::prepare(s).for_seed(seed);
    hex(&crate::engine::digest::v2(&crate::engine::digest::Parts {
        assets: &bundle.assets,
        attacker: &bundle.attacker,
        evidence: &bundle.evidence,
        knowledge: &bundle.knowledge,
        staff: &bundle.staff,
        clock: &bundle.clock,
        rng: &bundle.rng,
    }))
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
        rules: Some(RULES),
        start: Some(start_digest(s, seed)),
        started: None,
        drill: None,
        prev: String::new(),
    }
}

/// The current time, UTC, as RFC 3339 to the second (for `started` and `ended`).
pub fn now_rfc3339() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .map_or_else(|_| jiff::Timestamp::now().to_string(), |t| t.to_string())
}
