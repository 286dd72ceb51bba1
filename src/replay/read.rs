//! Reading a log: lines with their numbers and exact bytes; an incomplete last line is
//! reported as truncated, not as garbage.

use super::ReplayError;
use super::record::{Header, TurnLine};

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

/// A parsed log.
#[derive(Debug, Clone)]
pub struct Log {
    /// The header.
    pub header: Line<Header>,
    /// The turn lines, in file order.
    pub turns: Vec<Line<TurnLine>>,
    /// The number of an incomplete last line (the session stopped while writing it).
    pub truncated: Option<usize>,
    /// SHA-256 of the whole file.
    pub sha256: String,
}

impl Log {
    /// Parses a log from its bytes.
    pub fn parse(bytes: &[u8]) -> Result<Self, ReplayError> {
        if bytes.is_empty() {
            return Err(ReplayError::Empty);
        }
        let sha256 = super::record::sha256_hex(bytes);
        let ends_cleanly = bytes.ends_with(b"\n");
        let mut raw_lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
        if ends_cleanly {
            raw_lines.pop();
        }
        let last = raw_lines.len();
        let mut truncated = None;
        let mut header = None;
        let mut turns = Vec::new();
        for (i, raw) in raw_lines.iter().enumerate() {
            let number = i + 1;
            if number == last && !ends_cleanly {
                truncated = Some(number);
                break;
            }
            let text = std::str::from_utf8(raw).map_err(|e| ReplayError::Corrupt {
                line: number,
                message: format!(
                    "not UTF-8 text (invalid byte at column {})",
                    e.valid_up_to() + 1
                ),
            })?;
            if number == 1 {
                let value: Header =
                    serde_json::from_str(text).map_err(|e| ReplayError::Corrupt {
                        line: 1,
                        message: format!("not a replay header: {e}"),
                    })?;
                if value.kind != "header" {
                    return Err(ReplayError::Corrupt {
                        line: 1,
                        message: "the first line is not a header".into(),
                    });
                }
                if value.format != super::record::REPLAY_FORMAT {
                    return Err(ReplayError::Format {
                        found: value.format,
                    });
                }
                let teams = &value.teams;
                let duplicate = teams
                    .iter()
                    .enumerate()
                    .find(|(i, name)| teams[..*i].contains(name));
                if teams.is_empty() || duplicate.is_some() {
                    return Err(ReplayError::Corrupt {
                        line: 1,
                        message: match duplicate {
                            Some((_, name)) => format!("team `{name}` is named twice"),
                            None => "the header names no team".into(),
                        },
                    });
                }
                header = Some(Line {
                    number,
                    bytes: raw.to_vec(),
                    value,
                });
            } else {
                let value: TurnLine =
                    serde_json::from_str(text).map_err(|e| ReplayError::Corrupt {
                        line: number,
                        message: format!("not a turn line: {e}"),
                    })?;
                if value.kind != "turn" {
                    return Err(ReplayError::Corrupt {
                        line: number,
                        message: format!("unexpected line type `{}`", value.kind),
                    });
                }
                turns.push(Line {
                    number,
                    bytes: raw.to_vec(),
                    value,
                });
            }
        }
        let header = header.ok_or(ReplayError::Truncated {
            line: 1,
            complete: 0,
        })?;
        Ok(Self {
            header,
            turns,
            truncated,
            sha256,
        })
    }

    /// Reads and parses a log file.
    pub fn read(path: &std::path::Path) -> Result<Self, ReplayError> {
        let bytes = std::fs::read(path).map_err(|e| ReplayError::Io {
            file: path.display().to_string(),
            message: e.to_string(),
        })?;
        Self::parse(&bytes)
    }

    /// The last turn any team reached in the log.
    pub fn last_turn(&self) -> u32 {
        self.turns.iter().map(|l| l.value.turn).max().unwrap_or(0)
    }
}
