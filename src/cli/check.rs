//! `cyberdrill check`: every problem of every file, as diagnostics with source snippets or as
//! JSON.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteSpanContents,
    SourceCode, SpanContents,
};
use serde::Serialize;

use super::{EXIT_INVALID, EXIT_OK};
use crate::scenario::{Checked, Problem, Severity, Stats};
use crate::text;

/// One problem as miette renders it, with its own few lines of source.
#[derive(Debug)]
struct Shown<'a> {
    problem: &'a Problem,
    snippet: Snippet,
}

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.problem.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{kind}: {}", text::escape_line(&self.problem.message))
    }
}

impl std::error::Error for Shown<'_> {}

impl Diagnostic for Shown<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.problem.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.problem
            .hint
            .as_ref()
            .map(|h| Box::new(text::escape_line(h)) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.snippet)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let label = if self.problem.path.is_empty() {
            None
        } else {
            Some(text::shorten(&self.problem.path, LABEL_CHARS))
        };
        Some(Box::new(std::iter::once(LabeledSpan::new(
            label,
            self.snippet.label.0,
            self.snippet.label.1,
        ))))
    }
}

/// Columns of a long source line shown around a problem (miette lays out every column of a
/// line it shows, and cannot go past 65,535).
const WINDOW: usize = 160;
/// Of those, the columns shown before the problem.
const BEFORE: usize = 60;
/// Characters of a dotted path shown under the source.
const LABEL_CHARS: usize = 120;

/// The lines of the source around one problem, as miette reads them. Each problem gets its own
/// few lines, so rendering costs the same for the ten-thousandth problem as for the first
/// (miette would scan the whole file from its start for each one); a long line is cut to a
/// window around the problem, marked `…`; and control characters are drawn as symbols, never
/// sent to the terminal.
#[derive(Debug)]
struct Snippet {
    /// `file:line:col`, the header miette prints.
    name: String,
    /// The lines, cut and cleaned.
    text: String,
    /// 0-based number of the first line.
    first_line: usize,
    /// The label's byte offset and length in `text`.
    label: (usize, usize),
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self.text.as_str().read_span(span, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// Where each line of a source starts, for cutting snippets out of it.
struct Lines<'a> {
    source: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(source: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        Self { source, starts }
    }

    /// 0-based line of a byte offset.
    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// The text of a 0-based line, without its line break.
    fn line(&self, i: usize) -> &'a str {
        let start = self.starts[i];
        let end = self
            .starts
            .get(i + 1)
            .map_or(self.source.len(), |&next| next - 1);
        let line = &self.source[start..end];
        line.strip_suffix('\r').unwrap_or(line)
    }

    /// The snippet for a problem whose label is `span` (cut to one line, see [`label_span`]).
    fn snippet(&self, name: String, span: (usize, usize)) -> Snippet {
        let at = self.line_of(span.0);
        let first = at.saturating_sub(1);
        let last = (at + 1).min(self.starts.len() - 1);
        let mut text = String::new();
        let mut label = (0, 0);
        for i in first..=last {
            if i > first {
                text.push('\n');
            }
            let line = self.line(i);
            if i == at {
                let start = (span.0 - self.starts[i]).min(line.len());
                let end = (start + span.1).min(line.len());
                let (shown, [s, e]) = window(line, start, [start, end]);
                label = (text.len() + s, e - s);
                text.push_str(&shown);
            } else {
                text.push_str(&window(line, 0, [0, 0]).0);
            }
        }
        Snippet {
            name,
            text,
            first_line: first,
            label,
        }
    }
}

/// Columns a character takes when shown (at least one: control characters become symbols,
/// and a run of zero-width characters must not grow a window without bound).
fn columns(c: char) -> usize {
    if c == '\t' {
        4
    } else {
        unicode_width::UnicodeWidthChar::width(c)
            .unwrap_or(1)
            .max(1)
    }
}

/// A control character as a visible symbol (U+2400 Control Pictures), anything else as is.
fn picture(c: char) -> char {
    match c {
        '\t' => '\t',
        '\0'..='\x1f' => char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{fffd}'),
        '\x7f' => '\u{2421}',
        c if text::is_unsafe(c) => '\u{fffd}',
        c => c,
    }
}

/// A line cut to at most [`WINDOW`] columns around byte `focus` (a char boundary), cleaned;
/// returns it with `marks` (byte offsets into `line`) moved to where they land in it.
fn window(line: &str, focus: usize, marks: [usize; 2]) -> (String, [usize; 2]) {
    let mut from = focus;
    let mut width = 0;
    for (i, c) in line[..focus].char_indices().rev() {
        width += columns(c);
        if width > BEFORE {
            break;
        }
        from = i;
    }
    let fits = line
        .chars()
        .try_fold(0, |width, c| {
            Some(width + columns(c)).filter(|&w| w <= WINDOW)
        })
        .is_some();
    if fits {
        from = 0;
    }
    let mut to = line.len();
    let mut width = 0;
    for (i, c) in line[from..].char_indices() {
        width += columns(c);
        if width > WINDOW {
            to = from + i;
            break;
        }
    }
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    let mut moved = [None; 2];
    for (i, c) in line[from..to].char_indices() {
        for (k, mark) in marks.iter().enumerate() {
            if moved[k].is_none() && *mark <= from + i {
                moved[k] = Some(out.len());
            }
        }
        out.push(picture(c));
    }
    let end = out.len();
    if to < line.len() {
        out.push('…');
    }
    (out, moved.map(|m| m.unwrap_or(end)))
}

/// The label span: the problem's span cut to its first line, so a whole stage is not printed.
fn label_span(source: &str, problem: &Problem) -> (usize, usize) {
    let start = floor_boundary(source, problem.span.start.min(source.len()));
    let end = problem.span.end.clamp(start, source.len());
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    (start, end.min(line_end).saturating_sub(start))
}

/// The char boundary at or before `i`.
fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Renders one file's problems as text diagnostics, then a summary line.
pub fn render(checked: &Checked, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_context_lines(1)
        .with_links(false)
        .without_primary_span_start();
    let file = text::escape_line(&checked.file);
    let lines = Lines::new(&checked.source);
    let mut text = String::new();
    for problem in &checked.problems {
        let name = format!("{file}:{}:{}", problem.line, problem.col);
        let shown = Shown {
            problem,
            snippet: lines.snippet(name, label_span(&checked.source, problem)),
        };
        if handler.render_report(&mut text, &shown).is_err() {
            text.push_str(&format!(
                "{file}:{}:{}: {shown}\n",
                problem.line, problem.col
            ));
        }
    }
    let (errors, warnings) = (checked.errors(), checked.warnings());
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if errors == 0 {
        text.push_str(&format!(
            "{file}: valid ({})\n",
            plural(warnings, "warning")
        ));
    } else {
        text.push_str(&format!(
            "{file}: invalid ({}, {})\n",
            plural(errors, "error"),
            plural(warnings, "warning")
        ));
    }
    text
}

/// A problem in `--json` output.
#[derive(Serialize)]
struct JsonProblem<'a> {
    line: usize,
    col: usize,
    path: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<&'a str>,
}

/// One file in `--json` output.
#[derive(Serialize)]
struct JsonFile<'a> {
    file: &'a str,
    valid: bool,
    errors: Vec<JsonProblem<'a>>,
    warnings: Vec<JsonProblem<'a>>,
    stats: &'a Stats,
}

/// The `--json` object for one file.
pub fn json(checked: &Checked) -> String {
    let pick = |severity: Severity| {
        checked
            .problems
            .iter()
            .filter(|p| p.severity == severity)
            .map(|p| JsonProblem {
                line: p.line,
                col: p.col,
                path: &p.path,
                message: &p.message,
                hint: p.hint.as_deref(),
            })
            .collect()
    };
    let file = JsonFile {
        file: &checked.file,
        valid: checked.errors() == 0,
        errors: pick(Severity::Error),
        warnings: pick(Severity::Warning),
        stats: &checked.stats,
    };
    serde_json::to_string(&file).expect("check results always serialize")
}

/// Checks every file; exit 2 if any has an error or cannot be read.
pub fn run(files: &[PathBuf], as_json: bool, out: &mut dyn Write) -> io::Result<u8> {
    let color = !as_json && io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut code = EXIT_OK;
    for path in files {
        let checked = match crate::session::proof::check_file(path) {
            Ok(checked) => checked,
            Err(e) => {
                code = EXIT_INVALID;
                if as_json {
                    let obj = serde_json::json!({
                        "file": path.display().to_string(),
                        "valid": false,
                        "errors": [{"line": 0, "col": 0, "path": "", "message": e.to_string()}],
                        "warnings": [],
                        "stats": Stats::default(),
                    });
                    writeln!(out, "{obj}")?;
                } else {
                    super::print_error(e);
                }
                continue;
            }
        };
        if checked.errors() > 0 {
            code = EXIT_INVALID;
        }
        if as_json {
            writeln!(out, "{}", json(&checked))?;
        } else {
            write!(out, "{}", render(&checked, color))?;
        }
    }
    Ok(code)
}
