//! The after-action report as Markdown (CommonMark with tables): the writer of `layout.rs`.

use std::fmt::Write as _;

use super::aar::Report;
use super::layout::{self, Aside, Cell, Span, Writer};
use crate::scenario::model::Lang;

/// Renders a report. Texts from the scenario and the log are written as they are, but in a
/// table cell, where `|` and a line break would end the cell.
pub fn render(r: &Report) -> String {
    layout::render(
        r,
        Markdown {
            out: String::new(),
            lang: r.lang,
        },
    )
}

/// Escapes text for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Writes Markdown.
struct Markdown {
    out: String,
    lang: Lang,
}

impl Markdown {
    fn row(&mut self, cells: impl IntoIterator<Item = String>) {
        let cells: Vec<String> = cells.into_iter().collect();
        let _ = writeln!(self.out, "| {} |", cells.join(" | "));
    }
}

impl Writer for Markdown {
    fn begin(&mut self, _title: &str) {}

    fn heading(&mut self, level: usize, text: &str) {
        let _ = writeln!(self.out, "{} {text}\n", "#".repeat(level));
    }

    fn paragraph(&mut self, spans: &[Span<'_>], _meta: bool) {
        for span in spans {
            match span {
                Span::Text(t) => self.out.push_str(t),
                Span::Code(c) => {
                    let _ = write!(self.out, "`{c}`");
                }
            }
        }
        self.out.push_str("\n\n");
    }

    fn summary(&mut self, items: &[(&str, String)]) {
        // The label's space goes outside the emphasis: `**Outcome: **Win` is not bold in
        // CommonMark (a closing `**` after a space does not close).
        // The same for a full-width colon followed by a letter: it stays outside in Japanese.
        let lines: Vec<String> = items
            .iter()
            .map(|(label, value)| match self.lang {
                Lang::En => format!("**{label}:** {value}"),
                Lang::Ja => format!("**{label}**：{value}"),
            })
            .collect();
        let _ = writeln!(self.out, "{}\n", lines.join("  \n"));
    }

    fn list(&mut self, items: &[String]) {
        for item in items {
            let _ = writeln!(self.out, "- {item}");
        }
        self.out.push('\n');
    }

    /// A cell spanning rows is written once; the rows below leave it blank.
    fn table(&mut self, header: &[String], rows: &[Vec<Cell>]) {
        self.row(header.iter().map(|h| cell(h)));
        let _ = writeln!(self.out, "|{}", "---|".repeat(header.len()));
        let mut spanned = vec![0usize; header.len()];
        for cells in rows {
            let mut given = cells.iter();
            let mut line = Vec::new();
            for left in &mut spanned {
                if *left > 0 {
                    *left -= 1;
                    line.push(String::new());
                    continue;
                }
                let Some(c) = given.next() else { break };
                *left = c.rows.saturating_sub(1);
                line.push(match &c.aside {
                    Aside::None => cell(&c.text),
                    Aside::Note(note) => format!("{} — {}", cell(&c.text), cell(note)),
                    Aside::Qualifier(q) => format!("{} ({})", cell(&c.text), cell(q)),
                });
            }
            self.row(line);
        }
        self.out.push('\n');
    }

    fn turn(&mut self, turn: &str, clock: &str, seen: &[String], unseen: (&str, &[String])) {
        let _ = writeln!(self.out, "**{turn} ({clock})**\n");
        // Emphasis inside the full-width brackets: `*［…］*攻撃者` would not close.
        let label = match self.lang {
            Lang::En => format!("*[{}]* ", unseen.0),
            Lang::Ja => format!("［*{}*］", unseen.0),
        };
        for e in seen {
            let _ = writeln!(self.out, "- {e}");
        }
        for e in unseen.1 {
            let _ = writeln!(self.out, "- {label}{e}");
        }
        self.out.push('\n');
    }

    fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_spanning_rows_is_written_once() {
        let mut md = Markdown {
            out: String::new(),
            lang: Lang::En,
        };
        let turn = Cell {
            rows: 2,
            ..Cell::from("2")
        };
        let rows = [
            vec![turn, Cell::from("Blue"), Cell::from("a|b")],
            vec![Cell::from("Red"), Cell::from("(nothing)")],
            vec![Cell::from("3"), Cell::from("Blue"), Cell::from("c")],
        ];
        let header = ["Turn".into(), "Team".into(), "Did".into()];
        md.table(&header, &rows);
        assert_eq!(
            md.finish(),
            "| Turn | Team | Did |\n|---|---|---|\n| 2 | Blue | a\\|b |\n|  | Red | (nothing) |\n| 3 | Blue | c |\n\n"
        );
    }
}
