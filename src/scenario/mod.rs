//! The scenario file format: reading a `.ron` file, checking it, and the validated model.
//! No ECS and no randomness here.
//!
//! [`check`] is the whole pipeline behind `cyberdrill check`: bytes → UTF-8 → RON → raw
//! structs → validated [`Scenario`], collecting every problem on the way with its location.

pub mod csf;
pub mod limits;
pub mod locate;
pub mod model;
pub mod problem;
pub mod raw;
mod recover;
pub mod validate;

use std::path::Path as FsPath;

use serde::Serialize;

pub use model::Scenario;
pub use problem::{Problem, Severity};

use locate::{LineCol, SourceMap};
use problem::Problems;

/// RON options every scenario and action file is read with: `Option` fields may be written
/// as plain values (`c2: "c2-main"` rather than `c2: Some("c2-main")`).
pub fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
}

/// A `ron` error in a text read on its own with [`ron_options`] (an action file), located
/// (past any white space ron points at) and described in the file's terms; `path` says where
/// it sits as field names and list positions (`[0].turn`).
pub fn ron_problem(text: &str, map: &SourceMap, err: &ron::error::SpannedError) -> Problem {
    let mut p = recover::problem(map, text, 0, err, &problem::Path::root());
    p.path = map.describe_descent(&[], p.span.start);
    p
}

/// Counts of what a scenario contains.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Segments.
    pub segments: usize,
    /// Hosts.
    pub hosts: usize,
    /// Accounts.
    pub accounts: usize,
    /// Data sets.
    pub data_sets: usize,
    /// Business functions.
    pub business_functions: usize,
    /// Stakeholders.
    pub stakeholders: usize,
    /// Adversary stages.
    pub stages: usize,
    /// Injects.
    pub injects: usize,
    /// Actions.
    pub actions: usize,
    /// Hints.
    pub hints: usize,
    /// Scored objectives.
    pub objectives: usize,
    /// Turns in the walkthrough.
    pub walkthrough_turns: usize,
    /// Languages in which every text is present.
    pub languages: Vec<model::Lang>,
}

/// The result of checking one file.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The file name as given.
    pub file: String,
    /// The source text (lossy if the file was not UTF-8).
    pub source: String,
    /// Every problem, in file order.
    pub problems: Vec<Problem>,
    /// What the file contains (empty if it could not be read as a scenario).
    pub stats: Stats,
    /// The scenario, if there was no error ([`load`] moves it out).
    pub scenario: Option<Scenario>,
}

impl Checked {
    /// Whether there is no error (warnings allowed).
    pub fn is_valid(&self) -> bool {
        self.errors() == 0
    }

    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|p| p.is_error()).count()
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.problems.len() - self.errors()
    }
}

fn file_problem(map: &SourceMap, offset: usize, message: String, hint: Option<String>) -> Problem {
    let LineCol { line, col } = map.line_col(offset);
    Problem {
        severity: Severity::Error,
        line,
        col,
        path: String::new(),
        message,
        hint,
        span: offset..offset,
    }
}

/// Checks a scenario given as bytes; `file` names it in messages. The source is indexed for
/// positions ([`SourceMap`]) only when there is a problem to point at.
pub fn check_bytes(file: &str, bytes: &[u8]) -> Checked {
    if bytes.len() as u64 > limits::MAX_FILE_BYTES {
        return too_big(file, bytes.len() as u64);
    }
    let (source, utf8_error) = match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), None),
        Err(e) => (
            String::from_utf8_lossy(bytes).into_owned(),
            Some(e.valid_up_to()),
        ),
    };
    let (problems, stats, scenario) = check_source(&source, utf8_error);
    Checked {
        file: file.to_owned(),
        source,
        problems,
        stats,
        scenario,
    }
}

/// The problems, contents and model of a source text (see [`check_bytes`]).
fn check_source(
    source: &str,
    utf8_error: Option<usize>,
) -> (Vec<Problem>, Stats, Option<Scenario>) {
    let map = std::cell::LazyCell::new(|| SourceMap::new(source));
    if let Some(valid) = utf8_error {
        let problem = file_problem(
            &map,
            valid,
            format!("the file is not UTF-8 text (invalid byte at offset {valid})"),
            Some("scenario files are UTF-8 text; is this the right file?".into()),
        );
        return (vec![problem], Stats::default(), None);
    }
    if source.trim().is_empty() {
        let problem = file_problem(
            &map,
            0,
            "the file is empty".into(),
            Some(
                "a scenario starts with `(format: 1, id: \"…\", …)`; see docs/scenario-format.md"
                    .into(),
            ),
        );
        return (vec![problem], Stats::default(), None);
    }
    let over = limits::check(source, &|offset| map.line_col(offset));
    if !over.is_empty() {
        return (over, Stats::default(), None);
    }
    let raw = match ron_options().from_str::<raw::RawScenario>(source) {
        Ok(raw) => raw,
        Err(e) => {
            return (
                recover::ron_problems(source, &map, &e),
                Stats::default(),
                None,
            );
        }
    };
    let mut problems = Problems::default();
    let outcome = validate::validate(&raw, &mut problems);
    let mut located: Vec<Problem> = if problems.list.is_empty() {
        Vec::new()
    } else {
        problems.list.into_iter().map(|p| p.locate(&map)).collect()
    };
    located.sort_by_key(|p| (p.line, p.col, p.severity));
    located.dedup();
    let stats = Stats {
        segments: raw.organisation.segments.len(),
        hosts: raw.organisation.hosts.len(),
        accounts: raw.organisation.accounts.len(),
        data_sets: raw.organisation.data_sets.len(),
        business_functions: raw.organisation.business_functions.len(),
        stakeholders: raw.stakeholders.len(),
        stages: raw.adversary.stages.len(),
        injects: raw.injects.len(),
        actions: raw.actions.len(),
        hints: raw.hints.len(),
        objectives: raw.scoring.objectives.len(),
        walkthrough_turns: raw.walkthrough.len(),
        languages: outcome.languages,
    };
    (located, stats, outcome.scenario)
}

/// The check result for a file over [`limits::MAX_FILE_BYTES`]: nothing of it is read.
fn too_big(file: &str, bytes: u64) -> Checked {
    Checked {
        file: file.to_owned(),
        source: String::new(),
        problems: vec![Problem {
            severity: Severity::Error,
            line: 1,
            col: 1,
            path: String::new(),
            message: format!(
                "the file is {bytes} bytes, more than the limit of {} ({} MiB)",
                limits::MAX_FILE_BYTES,
                limits::MAX_FILE_BYTES / (1024 * 1024)
            ),
            hint: Some("is this a scenario? see \"Limits\" in docs/scenario-format.md".into()),
            span: 0..0,
        }],
        stats: Stats::default(),
        scenario: None,
    }
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read (missing, not a regular file …).
    #[error(transparent)]
    Read(#[from] crate::files::ReadError),
    /// The file has errors; the check result lists them.
    #[error("{} has {} error(s)", .0.file, .0.errors())]
    Invalid(Box<Checked>),
}

/// Reads a scenario file's bytes: a regular file within the size limit (a named pipe is
/// refused, not waited on).
pub fn read_source(path: &FsPath) -> Result<Vec<u8>, crate::files::ReadError> {
    crate::files::read_input(path, limits::MAX_FILE_BYTES, "a scenario")
}

/// Reads and checks a scenario file. A file over the size limit is not read: the check
/// result says it is too big.
pub fn check_file(path: &FsPath) -> Result<Checked, LoadError> {
    let file = path.display().to_string();
    match crate::files::read_input(path, limits::MAX_FILE_BYTES, "a scenario") {
        Ok(bytes) => Ok(check_bytes(&file, &bytes)),
        Err(crate::files::ReadError::TooBig { size, .. }) => Ok(too_big(&file, size)),
        Err(e) => Err(e.into()),
    }
}

/// Reads a scenario file and returns the scenario if it has no error (warnings are ignored)
/// along with the check result.
pub fn load(path: &FsPath) -> Result<(Scenario, Checked), LoadError> {
    let mut checked = check_file(path)?;
    match checked.scenario.take() {
        Some(s) => Ok((s, checked)),
        None => Err(LoadError::Invalid(Box::new(checked))),
    }
}
