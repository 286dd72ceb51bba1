//! The after-action report as one self-contained HTML file: inline CSS, no scripts, no
//! network, laid out to print cleanly. The writer of `layout.rs`.

use std::fmt::Write as _;

use super::aar::Report;
use super::layout::{self, Aside, Cell, Span, Writer};
use crate::scenario::model::Lang;

/// Escapes text for HTML.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
body { font-family: 'Noto Sans', 'Noto Sans JP', 'Hiragino Sans', 'Yu Gothic', sans-serif;
  color: #1b1f24; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
h1 { font-size: 1.6rem; border-bottom: 3px solid #1b4f72; padding-bottom: .3rem; }
h2 { font-size: 1.3rem; margin-top: 2.5rem; border-bottom: 1px solid #aab; }
h3 { font-size: 1.05rem; margin-top: 1.5rem; color: #1b4f72; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #ccd; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef2f6; }
:lang(ja) th, :lang(ja) td.num { word-break: keep-all; }
td.num { text-align: right; white-space: nowrap; }
.summary { display: flex; gap: 2rem; flex-wrap: wrap; background: #f6f8fa; padding: .8rem 1rem;
  border-radius: 6px; }
.summary div b { display: block; font-size: 1.3rem; }
.met { color: #1e7b34; } .partial { color: #a36a00; } .missed { color: #b42318; }
.truth { color: #6b3fa0; font-style: italic; }
.turn { margin: .6rem 0; page-break-inside: avoid; }
.turn ul { margin: .2rem 0; }
.meta { color: #556; font-size: .9rem; }
@media print { body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { page-break-before: always; } h2.first { page-break-before: avoid; }
  a { color: inherit; text-decoration: none; } }
";

/// Renders a report.
pub fn render(r: &Report) -> String {
    layout::render(
        r,
        Html {
            out: String::new(),
            lang: r.lang,
            first_h2: true,
        },
    )
}

/// Writes HTML.
struct Html {
    out: String,
    lang: Lang,
    /// The next `h2` is the first: no page break before it when printed.
    first_h2: bool,
}

impl Writer for Html {
    fn begin(&mut self, title: &str) {
        let _ = write!(
            self.out,
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
            self.lang.code(),
            esc(title)
        );
    }

    fn heading(&mut self, level: usize, text: &str) {
        let first = level == 2 && std::mem::take(&mut self.first_h2);
        let class = if first { " class=\"first\"" } else { "" };
        let _ = writeln!(self.out, "<h{level}{class}>{}</h{level}>", esc(text));
    }

    fn paragraph(&mut self, spans: &[Span<'_>], meta: bool) {
        self.out
            .push_str(if meta { "<p class=\"meta\">" } else { "<p>" });
        for span in spans {
            match span {
                Span::Text(t) => self.out.push_str(&esc(t)),
                Span::Code(c) => {
                    let _ = write!(self.out, "<code>{}</code>", esc(c));
                }
            }
        }
        self.out.push_str("</p>\n");
    }

    fn summary(&mut self, items: &[(&str, String)]) {
        self.out.push_str("<div class=\"summary\">");
        for (label, value) in items {
            let _ = write!(self.out, "<div>{}<b>{}</b></div>", esc(label), esc(value));
        }
        self.out.push_str("</div>\n");
    }

    fn list(&mut self, items: &[String]) {
        self.out.push_str("<ul>\n");
        for item in items {
            let _ = writeln!(self.out, "<li>{}</li>", esc(item));
        }
        self.out.push_str("</ul>\n");
    }

    fn table(&mut self, header: &[String], rows: &[Vec<Cell>]) {
        self.out.push_str("<table><tr>");
        for h in header {
            let _ = write!(self.out, "<th>{}</th>", esc(h));
        }
        self.out.push_str("</tr>\n");
        for cells in rows {
            self.out.push_str("<tr>");
            for c in cells {
                let rows = (c.rows > 1).then(|| format!(" rowspan=\"{}\"", c.rows));
                let class = c.class.map(|class| format!(" class=\"{class}\""));
                let aside = match &c.aside {
                    Aside::None => String::new(),
                    Aside::Note(note) => format!("<br><span class=\"meta\">{}</span>", esc(note)),
                    Aside::Qualifier(q) => format!(" <small>{}</small>", esc(q)),
                };
                let (rows, class) = (rows.unwrap_or_default(), class.unwrap_or_default());
                let _ = write!(self.out, "<td{rows}{class}>{}{aside}</td>", esc(&c.text));
            }
            self.out.push_str("</tr>\n");
        }
        self.out.push_str("</table>\n");
    }

    fn turn(&mut self, turn: &str, clock: &str, seen: &[String], unseen: (&str, &[String])) {
        let _ = writeln!(
            self.out,
            "<div class=\"turn\"><b>{}</b> <span class=\"meta\">{}</span><ul>",
            esc(turn),
            esc(clock)
        );
        let label = match self.lang {
            Lang::En => format!("[{}] ", unseen.0),
            Lang::Ja => format!("［{}］", unseen.0),
        };
        for e in seen {
            let _ = writeln!(self.out, "<li>{}</li>", esc(e));
        }
        for e in unseen.1 {
            let _ = writeln!(
                self.out,
                "<li class=\"truth\">{}</li>",
                esc(&(label.clone() + e))
            );
        }
        self.out.push_str("</ul></div>\n");
    }

    fn finish(mut self) -> String {
        self.out.push_str("</body>\n</html>\n");
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_spanning_rows_has_a_rowspan_and_only_the_first_h2_is_first() {
        let mut html = Html {
            out: String::new(),
            lang: Lang::En,
            first_h2: true,
        };
        let turn = Cell {
            rows: 2,
            ..Cell::from("2")
        };
        let rows = [vec![turn, Cell::from("<Blue>")], vec![Cell::from("Red")]];
        html.heading(2, "A");
        html.heading(2, "B");
        html.table(&["Turn".into(), "Team".into()], &rows);
        assert_eq!(
            html.out,
            "<h2 class=\"first\">A</h2>\n<h2>B</h2>\n<table><tr><th>Turn</th><th>Team</th></tr>\n<tr><td rowspan=\"2\">2</td><td>&lt;Blue&gt;</td></tr>\n<tr><td>Red</td></tr>\n</table>\n"
        );
    }
}
