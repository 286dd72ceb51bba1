//! The findings report form of the action composer: the entry vector, the affected hosts, the
//! data stolen and the turn of the first compromise, as the team believes them; and a
//! submitted report as paragraphs.

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::app::{App, Doc};
use super::composer::draw_list;
use super::ui::{heading, notice, selected};
use super::words;
use crate::report::describe::tr;
use crate::scenario::Scenario;
use crate::scenario::model::{DataSetId, Findings, HostId, Lang};

/// The findings report being filled in.
pub(super) struct Form {
    field: usize,
    entries: usize,
    entry: usize,
    hosts: Vec<bool>,
    host: usize,
    data: Vec<bool>,
    datum: usize,
    first_turn: u32,
}

fn ticked<T: Copy>(ids: impl Iterator<Item = T>, ticks: &[bool]) -> Vec<T> {
    ids.zip(ticks)
        .filter(|(_, t)| **t)
        .map(|(id, _)| id)
        .collect()
}

impl Form {
    /// An empty report: the first entry vector, nothing ticked, first compromise at turn 1.
    pub(super) fn new(s: &Scenario) -> Self {
        Self {
            field: 0,
            entries: s.entry_vectors.len(),
            entry: 0,
            hosts: vec![false; s.hosts.len()],
            host: 0,
            data: vec![false; s.data_sets.len()],
            datum: 0,
            first_turn: 1,
        }
    }

    /// The report as filled in.
    pub(super) fn findings(&self, s: &Scenario) -> Option<Findings> {
        Some(Findings {
            entry: s.entry_vectors.ids().nth(self.entry)?,
            hosts: ticked::<HostId>(s.hosts.ids(), &self.hosts),
            data: ticked::<DataSetId>(s.data_sets.ids(), &self.data),
            first_turn: self.first_turn,
        })
    }

    /// Moves between and within the fields, ticks, and sets the turn (at most `next_turn`).
    pub(super) fn key(&mut self, code: KeyCode, next_turn: u32) {
        let lens = [0, self.hosts.len(), self.data.len(), 0];
        match code {
            KeyCode::Tab => self.field = (self.field + 1) % 4,
            KeyCode::BackTab => self.field = (self.field + 3) % 4,
            KeyCode::Up | KeyCode::Char('k') => match self.field {
                0 => self.entry = self.entry.saturating_sub(1),
                1 => self.host = self.host.saturating_sub(1),
                2 => self.datum = self.datum.saturating_sub(1),
                _ => self.first_turn = (self.first_turn + 1).min(next_turn.max(1)),
            },
            KeyCode::Down | KeyCode::Char('j') => match self.field {
                0 => self.entry = (self.entry + 1).min(self.entries.saturating_sub(1)),
                1 => self.host = (self.host + 1).min(lens[1].saturating_sub(1)),
                2 => self.datum = (self.datum + 1).min(lens[2].saturating_sub(1)),
                _ => self.first_turn = self.first_turn.saturating_sub(1).max(1),
            },
            KeyCode::Right | KeyCode::Char('+') => {
                self.first_turn = (self.first_turn + 1).min(next_turn.max(1));
            }
            KeyCode::Left | KeyCode::Char('-') => {
                self.first_turn = self.first_turn.saturating_sub(1).max(1);
            }
            KeyCode::Char(' ') | KeyCode::Char('x') => match self.field {
                1 => {
                    if let Some(t) = self.hosts.get_mut(self.host) {
                        *t = !*t;
                    }
                }
                2 => {
                    if let Some(t) = self.data.get_mut(self.datum) {
                        *t = !*t;
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
}

/// A findings report, as paragraphs.
pub(crate) fn findings_doc(app: &App, f: &Findings) -> Doc {
    let s = app.s();
    let lang = app.lang;
    let none = tr(lang, "none", "なし");
    let list = |v: Vec<String>| {
        if v.is_empty() {
            none.to_owned()
        } else {
            v.join(", ")
        }
    };
    vec![
        (
            format!(
                "{} {}",
                tr(lang, "Entry vector:", "侵入経路："),
                s.entry_vectors[f.entry].text.get(lang)
            ),
            Style::new(),
        ),
        (
            format!(
                "{} {}",
                tr(lang, "Affected hosts:", "影響を受けたホスト："),
                list(f.hosts.iter().map(|h| s.hosts.key(*h).to_owned()).collect())
            ),
            Style::new(),
        ),
        (
            format!(
                "{} {}",
                tr(lang, "Data stolen:", "流出したデータ："),
                list(
                    f.data
                        .iter()
                        .map(|d| s.data_sets[*d].name.get(lang).to_owned())
                        .collect()
                )
            ),
            Style::new(),
        ),
        (
            match lang {
                Lang::En => format!("First compromise: turn {}", f.first_turn),
                Lang::Ja => format!("最初の侵害：{}ターン目", f.first_turn),
            },
            Style::new(),
        ),
    ]
}

/// Draws the form in `body`.
pub(super) fn draw(form: &Form, app: &App, frame: &mut Frame, body: Rect) {
    let s = app.s();
    let lang = app.lang;
    let o = &app.obs;
    let entries = s.entry_vectors.len() as u16;
    let data = s.data_sets.len() as u16;
    let hosts = s.hosts.len() as u16;
    let [a, b, d, t, _] = Layout::vertical([
        Constraint::Length(entries.min(4) + 1),
        Constraint::Max(hosts + 1),
        Constraint::Length(data.min(3) + 1),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(body);
    let title = |i: usize, text: &str| {
        let style = if form.field == i {
            heading().patch(notice())
        } else {
            heading()
        };
        Line::styled(text.to_owned(), style)
    };
    let section =
        |frame: &mut Frame, area: Rect, i: usize, name: &str, rows: Vec<String>, cursor: usize| {
            let [head, list] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
            frame.render_widget(Paragraph::new(title(i, name)), head);
            let cursor = if form.field == i { cursor } else { usize::MAX };
            draw_list(frame, list, &rows, cursor, |_| Style::new());
        };
    let entry = form.entry;
    let radio = |on: bool| if on { "(•)" } else { "( )" };
    let tick = |on: bool| if on { "[x]" } else { "[ ]" };
    section(
        frame,
        a,
        0,
        tr(lang, "Entry vector", "侵入経路"),
        s.entry_vectors
            .iter()
            .enumerate()
            .map(|(i, (_, e))| format!("{} {}", radio(i == entry), e.text.get(lang)))
            .collect(),
        entry,
    );
    section(
        frame,
        b,
        1,
        tr(lang, "Affected hosts", "影響を受けたホスト"),
        s.hosts
            .ids()
            .zip(&form.hosts)
            .map(|(h, on)| {
                format!(
                    "{} {}  [{}]",
                    tick(*on),
                    s.hosts.key(h),
                    words::host_state(&o.hosts[h.index()], lang)
                )
            })
            .collect(),
        form.host,
    );
    section(
        frame,
        d,
        2,
        tr(lang, "Data stolen", "流出したデータ"),
        s.data_sets
            .iter()
            .zip(&form.data)
            .map(|((_, x), on)| format!("{} {}", tick(*on), x.name.get(lang)))
            .collect(),
        form.datum,
    );
    let turn = match lang {
        Lang::En => format!("First compromise at turn  ‹ {} ›", form.first_turn),
        Lang::Ja => format!("最初の侵害のターン  ‹ {} ›", form.first_turn),
    };
    let mut line = title(3, &turn);
    if form.field == 3 {
        line = line.patch_style(selected());
    }
    frame.render_widget(Paragraph::new(line), t);
}
