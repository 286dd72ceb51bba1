//! Problems found in a scenario file: what is wrong, where (dotted path and line:column), and
//! how to fix it.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

use super::locate::{LineCol, SourceMap, Step};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The scenario cannot be used.
    Error,
    /// The scenario works, but something is probably not what the author meant.
    Warning,
}

/// One located problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// Dotted path of the item (`adversary.stages.exfil.requires[1]`); empty for the file.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it, where that helps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Byte span in the source.
    #[serde(skip)]
    pub span: Range<usize>,
}

impl Problem {
    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A path into the scenario, kept twice: as steps for [`SourceMap`] and as the text shown to
/// authors, where list items with an id are named by it (`stages.exfil`, not `stages[3]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path {
    steps: Vec<Step>,
    shown: String,
}

impl Path {
    /// The whole file.
    pub fn root() -> Self {
        Self::default()
    }

    /// A named field.
    pub fn field(&self, name: &'static str) -> Self {
        let mut next = self.clone();
        next.steps.push(Step::Field(name));
        if !next.shown.is_empty() {
            next.shown.push('.');
        }
        next.shown.push_str(name);
        next
    }

    /// A list element shown by position: `[i]`.
    pub fn index(&self, i: usize) -> Self {
        let mut next = self.clone();
        next.steps.push(Step::Index(i));
        next.shown.push_str(&format!("[{i}]"));
        next
    }

    /// A list element shown by its id: `.id` (or `[i]` if the id is unusable).
    pub fn item(&self, i: usize, id: &str) -> Self {
        let usable = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !usable {
            return self.index(i);
        }
        let mut next = self.clone();
        next.steps.push(Step::Index(i));
        next.shown.push('.');
        next.shown.push_str(id);
        next
    }

    /// A position inside an enum variant or tuple, not shown (it points the snippet inside).
    pub fn inside(&self, i: usize) -> Self {
        let mut next = self.clone();
        next.steps.push(Step::Index(i));
        next
    }

    /// Appends text to the shown path only (the steps are unchanged).
    pub fn shown_suffix(&self, suffix: &str) -> Self {
        let mut next = self.clone();
        next.shown.push_str(suffix);
        next
    }

    /// The steps, for [`SourceMap::span`].
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

/// A problem not yet located in the source.
#[derive(Debug, Clone)]
pub(crate) struct Unlocated {
    pub severity: Severity,
    pub path: Path,
    pub message: String,
    pub hint: Option<String>,
}

impl Unlocated {
    /// Places the problem in the source.
    pub fn locate(self, map: &SourceMap) -> Problem {
        let span = map.span(self.path.steps());
        let LineCol { line, col } = map.line_col(span.start);
        Problem {
            severity: self.severity,
            line,
            col,
            path: self.path.to_string(),
            message: self.message,
            hint: self.hint,
            span,
        }
    }
}

/// Collects problems during validation.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    pub list: Vec<Unlocated>,
}

impl Problems {
    /// Records an error.
    pub fn error(&mut self, path: &Path, message: impl Into<String>) {
        self.push(Severity::Error, path, message.into(), None);
    }

    /// Records an error with a hint.
    pub fn error_hint(&mut self, path: &Path, message: impl Into<String>, hint: impl Into<String>) {
        self.push(Severity::Error, path, message.into(), Some(hint.into()));
    }

    /// Records a warning.
    pub fn warn(&mut self, path: &Path, message: impl Into<String>) {
        self.push(Severity::Warning, path, message.into(), None);
    }

    /// Records a warning with a hint.
    pub fn warn_hint(&mut self, path: &Path, message: impl Into<String>, hint: impl Into<String>) {
        self.push(Severity::Warning, path, message.into(), Some(hint.into()));
    }

    /// Records a problem with an optional hint.
    pub fn push(&mut self, severity: Severity, path: &Path, message: String, hint: Option<String>) {
        self.list.push(Unlocated {
            severity,
            path: path.clone(),
            message,
            hint,
        });
    }

    /// Number of errors so far.
    pub fn error_count(&self) -> usize {
        self.list
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count()
    }
}
