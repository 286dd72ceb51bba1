//! `cyberdrill check`: every problem of every file, as diagnostics with source snippets or as
//! JSON.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};
use serde::Serialize;

use super::{EXIT_INVALID, EXIT_OK};
use crate::scenario::{Checked, Problem, Severity, Stats};

/// One problem as miette renders it.
#[derive(Debug)]
struct Shown<'a> {
    problem: &'a Problem,
    source: &'a NamedSource<String>,
    span: (usize, usize),
}

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.problem.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{kind}: {}", self.problem.message)
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
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let label = if self.problem.path.is_empty() {
            None
        } else {
            Some(self.problem.path.clone())
        };
        Some(Box::new(std::iter::once(LabeledSpan::new(
            label,
            self.span.0,
            self.span.1,
        ))))
    }
}

/// The label span: the problem's span cut to its first line, so a whole stage is not printed.
fn label_span(source: &str, problem: &Problem) -> (usize, usize) {
    let start = problem.span.start.min(source.len());
    let end = problem.span.end.clamp(start, source.len());
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    (start, end.min(line_end).saturating_sub(start))
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
        .with_links(false);
    let source = NamedSource::new(&checked.file, checked.source.clone());
    let mut text = String::new();
    for problem in &checked.problems {
        let shown = Shown {
            problem,
            source: &source,
            span: label_span(&checked.source, problem),
        };
        if handler.render_report(&mut text, &shown).is_err() {
            text.push_str(&format!(
                "{}:{}:{}: {shown}\n",
                checked.file, problem.line, problem.col
            ));
        }
    }
    let (errors, warnings) = (checked.errors(), checked.warnings());
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if errors == 0 {
        text.push_str(&format!(
            "{}: valid ({})\n",
            checked.file,
            plural(warnings, "warning")
        ));
    } else {
        text.push_str(&format!(
            "{}: invalid ({}, {})\n",
            checked.file,
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
                    writeln!(out, "error: {e}")?;
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
