//! Reading a log: lines with their numbers and exact bytes; an incomplete last line is
//! reported as truncated, not as garbage.

use super::ReplayError;
use super::record::{AnnouncementLine, FacilitatorLine, Header, MemberLine, SealLine, TurnLine};

/// One line of a log.
#[derive(Debug, Clone)]
pub struct Line<T> {
    /// 1-based line number.
    pub number: usize,
    /// The exact bytes (no newline).
    pub bytes: Vec<u8>,
    /// The parsed line.
    pub value: T,
}

/// A line after the header.
#[derive(Debug, Clone)]
pub enum Entry {
    /// A team's turn.
    Turn(TurnLine),
    /// Format 2: a person joined a team.
    Member(MemberLine),
    /// Format 2: a facilitator's intervention.
    Facilitator(FacilitatorLine),
    /// Format 2: an announcement to the room.
    Announcement(AnnouncementLine),
    /// Format 2: the seal that ends the log.
    Seal(SealLine),
}

impl Entry {
    /// The line's `prev`.
    pub fn prev(&self) -> &str {
        match self {
            Entry::Turn(l) => &l.prev,
            Entry::Member(l) => &l.prev,
            Entry::Facilitator(l) => &l.prev,
            Entry::Announcement(l) => &l.prev,
            Entry::Seal(l) => &l.prev,
        }
    }
}

/// A parsed log.
#[derive(Debug, Clone)]
pub struct Log {
    /// The header.
    pub header: Line<Header>,
    /// Every line after the header, in file order (the seal, if any, last).
    pub entries: Vec<Line<Entry>>,
    /// The number of an incomplete last line (the session stopped while writing it).
    pub truncated: Option<usize>,
    /// SHA-256 of the whole file.
    pub sha256: String,
}

/// The line types a log may hold.
#[derive(serde::Deserialize)]
struct Kind {
    #[serde(rename = "type")]
    kind: Option<String>,
    format: Option<serde_json::Value>,
}

/// The events of a turn or facilitator line, each read as an [`EventRecord`] and dropped: the
/// line keeps them as text ([`super::RecordedEvent`]), and this check names a malformed one
/// where it is in the line. The line's other fields are skipped here.
#[derive(serde::Deserialize)]
struct EventsChecked {
    #[serde(default, rename = "events")]
    _events: CheckedEvents,
}

#[derive(Default)]
struct CheckedEvents;

impl<'de> serde::Deserialize<'de> for CheckedEvents {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Each;
        impl<'de> serde::de::Visitor<'de> for Each {
            type Value = CheckedEvents;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of events")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<CheckedEvents, A::Error> {
                while seq.next_element::<super::EventRecord>()?.is_some() {}
                Ok(CheckedEvents)
            }
        }
        deserializer.deserialize_seq(Each)
    }
}

/// A JSON problem in the reader's terms: where, and what was expected, without the names of
/// the program's internal types.
fn problem(e: &serde_json::Error, what: &str) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax | Category::Eof => {
            format!("not JSON (column {}): {what} expected", e.column())
        }
        Category::Io => e.to_string(),
        Category::Data => {
            let mut message = e.to_string();
            if let Some(at) = message.find(" at line ") {
                message.truncate(at);
            }
            for (internal, plain) in [
                ("struct Kind", "a line (a JSON object)"),
                ("struct EventRecord", "an event object"),
                ("struct TurnLine", "a turn line"),
                ("struct Header", "a header"),
                ("struct MemberLine", "a member line"),
                ("struct FacilitatorLine", "a facilitator line"),
                ("struct AnnouncementLine", "an announcement line"),
                ("struct SealLine", "a seal line"),
                ("struct ScenarioRef", "a scenario object"),
                ("struct BranchRef", "a branch object"),
                ("struct SealSignature", "a signature object"),
                ("struct FacilitatorQuestion", "a question object"),
                ("enum RawCommand", "a command (Act, Answer, Hint or Reply)"),
                ("enum RawTarget", "a target"),
                ("enum RawIntervention", "Message or GrantHint"),
                ("enum Target", "a target"),
            ] {
                message = message.replace(internal, plain);
            }
            format!(
                "{} (column {})",
                crate::text::plain_type_names(&message),
                e.column()
            )
        }
    }
}

impl Log {
    /// Parses a log from its bytes. A large log's lines are read on two threads (each line
    /// stands alone once the header is known); the first problem in file order is the one
    /// reported, as when they are read one after the other.
    pub fn parse(bytes: &[u8]) -> Result<Self, ReplayError> {
        if bytes.is_empty() {
            return Err(ReplayError::Empty);
        }
        let ends_cleanly = bytes.ends_with(b"\n");
        let mut raw_lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
        if ends_cleanly {
            raw_lines.pop();
        }
        // An incomplete last line is not read: the session stopped while writing it.
        let truncated = (!ends_cleanly).then_some(raw_lines.len());
        if truncated.is_some() {
            raw_lines.pop();
        }
        let Some((first, rest)) = raw_lines.split_first() else {
            return Err(ReplayError::Truncated {
                line: 1,
                complete: 0,
            });
        };
        let header = read_header(first)?;
        let format = header.value.format;
        let (entries, sha256) = if bytes.len() < PARALLEL_FROM {
            (
                parse_entries(rest, 2, format),
                super::record::sha256_hex(bytes),
            )
        } else {
            let (a, b) = rest.split_at(rest.len() / 2);
            std::thread::scope(|scope| {
                let later = scope.spawn(|| {
                    let sha256 = super::record::sha256_hex(bytes);
                    (parse_entries(b, 2 + a.len(), format), sha256)
                });
                let earlier = parse_entries(a, 2, format);
                // Reading lines only returns errors; a panic would be a bug, passed on.
                let (later, sha256) = later
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p));
                let entries = earlier.and_then(|mut entries| {
                    entries.extend(later?);
                    Ok(entries)
                });
                (entries, sha256)
            })
        };
        Ok(Self {
            header,
            entries: entries?,
            truncated,
            sha256,
        })
    }

    /// Reads only the header, line 1 (what [`Log::parse`] says of it, without the other
    /// lines).
    pub fn parse_header(bytes: &[u8]) -> Result<Line<Header>, ReplayError> {
        if bytes.is_empty() {
            return Err(ReplayError::Empty);
        }
        let end = bytes
            .iter()
            .position(|&b| b == b'\n')
            .ok_or(ReplayError::Truncated {
                line: 1,
                complete: 0,
            })?;
        read_header(&bytes[..end])
    }

    /// Reads and parses a log file.
    pub fn read(path: &std::path::Path) -> Result<Self, ReplayError> {
        let bytes = std::fs::read(path).map_err(|e| ReplayError::Io {
            file: path.display().to_string(),
            message: e.to_string(),
        })?;
        Self::parse(&bytes)
    }

    /// The turn lines, in file order.
    pub fn turns(&self) -> impl Iterator<Item = &Line<Entry>> {
        self.entries
            .iter()
            .filter(|l| matches!(l.value, Entry::Turn(_)))
    }

    /// The last turn any team reached in the log.
    pub fn last_turn(&self) -> u32 {
        self.entries
            .iter()
            .filter_map(|l| match &l.value {
                Entry::Turn(t) => Some(t.turn),
                _ => None,
            })
            .max()
            .unwrap_or(0)
    }

    /// The seal, if the log has one.
    pub fn seal(&self) -> Option<&SealLine> {
        self.entries.iter().rev().find_map(|l| match &l.value {
            Entry::Seal(s) => Some(s),
            _ => None,
        })
    }

    /// The chain's head: SHA-256 (hex) of the last complete line, the header if it is the
    /// only one. It names the log as recorded: any change to any line changes it.
    pub fn head(&self) -> String {
        let last = self.entries.last().map_or(&self.header.bytes, |l| &l.bytes);
        super::record::sha256_hex(last)
    }

    /// When the session started and ended (UTC, RFC 3339), as far as the log says (bot runs
    /// keep no clock time), and the seconds between the two when both are known.
    pub fn played(&self) -> (Option<String>, Option<String>, Option<i64>) {
        let started = self.header.value.started.clone();
        let ended = self.seal().and_then(|s| s.ended.clone());
        let seconds = started.as_deref().zip(ended.as_deref()).and_then(|(a, b)| {
            let a: jiff::Timestamp = a.parse().ok()?;
            let b: jiff::Timestamp = b.parse().ok()?;
            Some(b.as_second() - a.as_second())
        });
        (started, ended, seconds)
    }

    /// The members of each team, in the order they joined.
    pub fn members(&self) -> Vec<Vec<String>> {
        let mut members = vec![Vec::new(); self.header.value.teams.len()];
        for l in &self.entries {
            if let Entry::Member(m) = &l.value
                && let Some(list) = members.get_mut(m.team)
                && !list.contains(&m.name)
            {
                list.push(m.name.clone());
            }
        }
        members
    }
}

/// Logs from this size (bytes) are read on two threads.
const PARALLEL_FROM: usize = 1 << 20;

fn corrupt(line: usize, message: String) -> ReplayError {
    ReplayError::Corrupt { line, message }
}

/// A line's text and its `type` (and `format`, if it has one).
fn kind_of(number: usize, raw: &[u8]) -> Result<(&str, Kind), ReplayError> {
    let text = std::str::from_utf8(raw).map_err(|e| {
        corrupt(
            number,
            format!(
                "not UTF-8 text (invalid byte at column {})",
                e.valid_up_to() + 1
            ),
        )
    })?;
    let kind: Kind = serde_json::from_str(text)
        .map_err(|e| corrupt(number, problem(&e, "a JSON object with a `type`")))?;
    Ok((text, kind))
}

/// Reads line 1, the header.
fn read_header(raw: &[u8]) -> Result<Line<Header>, ReplayError> {
    let (text, kind) = kind_of(1, raw)?;
    if kind.kind.as_deref() != Some("header") {
        return Err(corrupt(1, "the first line is not a header".into()));
    }
    if let Some(found) = kind.format.as_ref().and_then(serde_json::Value::as_u64)
        && !(1..=u64::from(super::record::REPLAY_FORMAT)).contains(&found)
    {
        return Err(ReplayError::Format {
            found: u32::try_from(found).unwrap_or(u32::MAX),
        });
    }
    let value: Header = serde_json::from_str(text).map_err(|e| {
        corrupt(
            1,
            format!("not a replay header: {}", problem(&e, "a header")),
        )
    })?;
    check_header(&value).map_err(|m| corrupt(1, m))?;
    Ok(Line {
        number: 1,
        bytes: raw.to_vec(),
        value,
    })
}

/// Reads the lines after the header, the first of them numbered `first`, in a log of
/// `format`; stops at the first problem.
fn parse_entries(
    raw_lines: &[&[u8]],
    first: usize,
    format: u32,
) -> Result<Vec<Line<Entry>>, ReplayError> {
    let known: &[&str] = if format == 1 {
        &["turn"]
    } else {
        &["turn", "member", "facilitator", "announcement", "seal"]
    };
    let mut entries = Vec::with_capacity(raw_lines.len());
    for (i, raw) in raw_lines.iter().enumerate() {
        let number = first + i;
        let (text, kind) = kind_of(number, raw)?;
        let kind = kind.kind.unwrap_or_default();
        if !known.contains(&kind.as_str()) {
            return Err(corrupt(
                number,
                if kind == "header" {
                    "a second header".into()
                } else {
                    format!(
                        "unexpected line type `{}` in a format-{format} log",
                        kind.escape_debug()
                    )
                },
            ));
        }
        let what = kind.as_str();
        let bad = |e: serde_json::Error| {
            corrupt(
                number,
                format!("not a valid {what} line: {}", problem(&e, what)),
            )
        };
        if matches!(what, "turn" | "facilitator") {
            serde_json::from_str::<EventsChecked>(text).map_err(bad)?;
        }
        let value = match what {
            "turn" => Entry::Turn(serde_json::from_str(text).map_err(bad)?),
            "member" => Entry::Member(serde_json::from_str(text).map_err(bad)?),
            "facilitator" => Entry::Facilitator(serde_json::from_str(text).map_err(bad)?),
            "announcement" => Entry::Announcement(serde_json::from_str(text).map_err(bad)?),
            _ => Entry::Seal(serde_json::from_str(text).map_err(bad)?),
        };
        entries.push(Line {
            number,
            bytes: raw.to_vec(),
            value,
        });
    }
    Ok(entries)
}

/// Checks what a header says on its own: a format this build reads, teams named once each,
/// and the fields its format requires.
fn check_header(h: &Header) -> Result<(), String> {
    if !(1..=super::record::REPLAY_FORMAT).contains(&h.format) {
        return Err(format!(
            "replay format {} is not supported (this build reads formats 1 to {})",
            h.format,
            super::record::REPLAY_FORMAT
        ));
    }
    let teams = &h.teams;
    if teams.is_empty() {
        return Err("the header names no team".into());
    }
    if let Some((_, name)) = teams
        .iter()
        .enumerate()
        .find(|(i, name)| teams[..*i].contains(name))
    {
        return Err(format!("team `{}` is named twice", name.escape_debug()));
    }
    if h.format >= 2 {
        if h.rules.is_none() {
            return Err("a format-2 header needs `rules`".into());
        }
        if h.start.is_none() {
            return Err("a format-2 header needs `start`".into());
        }
    } else if h.rules.is_some() || h.start.is_some() || h.started.is_some() || h.drill.is_some() {
        return Err("a format-1 header has only the format-1 fields".into());
    }
    if !h.prev.is_empty() {
        return Err("the header's `prev` must be empty".into());
    }
    Ok(())
}
