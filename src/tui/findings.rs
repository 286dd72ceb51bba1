//! The findings report form of the action composer: the entry vector, the affected hosts, the
//! data stolen, the turn of the first compromise and (where the scenario asks) the root
//! cause, as the team believes them; and a submitted report as paragraphs.

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
use crate::scenario::model::{DataSetId, EntryId, Findings, HostId, Lang, RootCauseId};

/// The findings report being filled in.
pub(super) struct Form {
    field: usize,
    /// The entry vectors in the order shown to the team.
    order: Vec<EntryId>,
    /// The cursor in the entry vector list.
    cursor: usize,
    /// The entry vector chosen (a position in `order`), none at first.
    entry: Option<usize>,
    hosts: Vec<bool>,
    host: usize,
    data: Vec<bool>,
    datum: usize,
    /// The turn of the first compromise, none at first.
    first_turn: Option<u32>,
    /// The root causes in the order shown to the team (empty: the form asks for none).
    cause_order: Vec<RootCauseId>,
    /// The cursor in the root cause list.
    cause_cursor: usize,
    /// The root cause chosen (a position in `cause_order`), none at first.
    cause: Option<usize>,
}

fn ticked<T: Copy>(ids: impl Iterator<Item = T>, ticks: &[bool]) -> Vec<T> {
    ids.zip(ticks)
        .filter(|(_, t)| **t)
        .map(|(id, _)| id)
        .collect()
}

impl Form {
    /// An empty report: no entry vector or root cause chosen, nothing ticked, no turn given;
    /// the entry vectors and root causes in the order shown to the team.
    pub(super) fn new(s: &Scenario, order: Vec<EntryId>, cause_order: Vec<RootCauseId>) -> Self {
        Self {
            field: 0,
            order,
            cursor: 0,
            entry: None,
            hosts: vec![false; s.hosts.len()],
            host: 0,
            data: vec![false; s.data_sets.len()],
            datum: 0,
            first_turn: None,
            cause_order,
            cause_cursor: 0,
            cause: None,
        }
    }

    /// The number of fields: the root cause is one only where the scenario asks for it.
    fn fields(&self) -> usize {
        if self.cause_order.is_empty() { 4 } else { 5 }
    }

    /// The report as filled in; `None` until an entry vector and a turn are given.
    pub(super) fn findings(&self, s: &Scenario) -> Option<Findings> {
        Some(Findings {
            entry: *self.order.get(self.entry?)?,
            hosts: ticked::<HostId>(s.hosts.ids(), &self.hosts),
            data: ticked::<DataSetId>(s.data_sets.ids(), &self.data),
            first_turn: self.first_turn?,
            root_cause: self.cause.and_then(|i| self.cause_order.get(i).copied()),
        })
    }

    /// What is still missing before the report can be filed.
    pub(super) fn missing(&self, lang: Lang) -> Option<&'static str> {
        match (self.entry, self.first_turn) {
            (None, _) => Some(tr(
                lang,
                "Choose an entry vector (Space) before filing the report.",
                "報告の前に侵入経路を選ぶこと（Space）。",
            )),
            (_, None) => Some(tr(
                lang,
                "Give the turn of the first compromise (← →) before filing the report.",
                "報告の前に最初の侵害のターンを入力すること（← →）。",
            )),
            _ => None,
        }
    }

    /// Moves between and within the fields, ticks, and sets the turn (at most `next_turn`).
    pub(super) fn key(&mut self, code: KeyCode, next_turn: u32) {
        let lens = [self.order.len(), self.hosts.len(), self.data.len(), 0];
        let fields = self.fields();
        let up = |t: Option<u32>| Some(t.map_or(1, |t| t + 1).min(next_turn.max(1)));
        let down = |t: Option<u32>| Some(t.map_or(1, |t| t.saturating_sub(1).max(1)));
        match code {
            KeyCode::Tab => self.field = (self.field + 1) % fields,
            KeyCode::BackTab => self.field = (self.field + fields - 1) % fields,
            KeyCode::Up | KeyCode::Char('k') => match self.field {
                0 => self.cursor = self.cursor.saturating_sub(1),
                1 => self.host = self.host.saturating_sub(1),
                2 => self.datum = self.datum.saturating_sub(1),
                4 => self.cause_cursor = self.cause_cursor.saturating_sub(1),
                _ => self.first_turn = up(self.first_turn),
            },
            KeyCode::Down | KeyCode::Char('j') => match self.field {
                0 => self.cursor = (self.cursor + 1).min(lens[0].saturating_sub(1)),
                1 => self.host = (self.host + 1).min(lens[1].saturating_sub(1)),
                2 => self.datum = (self.datum + 1).min(lens[2].saturating_sub(1)),
                4 => {
                    self.cause_cursor =
                        (self.cause_cursor + 1).min(self.cause_order.len().saturating_sub(1));
                }
                _ => self.first_turn = down(self.first_turn),
            },
            KeyCode::Right | KeyCode::Char('+') => self.first_turn = up(self.first_turn),
            KeyCode::Left | KeyCode::Char('-') => self.first_turn = down(self.first_turn),
            KeyCode::Char(' ') | KeyCode::Char('x') => match self.field {
                0 if self.cursor < self.order.len() => self.entry = Some(self.cursor),
                4 if self.cause_cursor < self.cause_order.len() => {
                    self.cause = Some(self.cause_cursor);
                }
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
    .into_iter()
    .chain(f.root_cause.map(|r| {
        (
            format!(
                "{} {}",
                tr(lang, "Root cause:", "根本原因："),
                s.root_causes[r].text.get(lang)
            ),
            Style::new(),
        )
    }))
    .collect()
}

/// Draws the form in `body`.
pub(super) fn draw(form: &Form, app: &App, frame: &mut Frame, body: Rect) {
    let s = app.s();
    let lang = app.lang;
    let o = &app.obs;
    let entries = form.order.len() as u16;
    let data = s.data_sets.len() as u16;
    let hosts = s.hosts.len() as u16;
    let causes = form.cause_order.len() as u16;
    let [a, b, d, t, c, _] = Layout::vertical([
        Constraint::Length(entries.min(4) + 1),
        Constraint::Max(hosts + 1),
        Constraint::Length(data.min(3) + 1),
        Constraint::Length(1),
        Constraint::Length(if causes == 0 { 0 } else { causes.min(4) + 1 }),
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
        form.order
            .iter()
            .enumerate()
            .map(|(i, &e)| {
                format!(
                    "{} {}",
                    radio(Some(i) == entry),
                    s.entry_vectors[e].text.get(lang)
                )
            })
            .collect(),
        form.cursor,
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
    let given = form
        .first_turn
        .map_or_else(|| "?".to_owned(), |t| t.to_string());
    let turn = match lang {
        Lang::En => format!("First compromise at turn  ‹ {given} ›"),
        Lang::Ja => format!("最初の侵害のターン  ‹ {given} ›"),
    };
    let mut line = title(3, &turn);
    if form.field == 3 {
        line = line.patch_style(selected());
    }
    frame.render_widget(Paragraph::new(line), t);
    if causes > 0 {
        section(
            frame,
            c,
            4,
            tr(lang, "Root cause", "根本原因"),
            form.cause_order
                .iter()
                .enumerate()
                .map(|(i, &r)| {
                    format!(
                        "{} {}",
                        radio(Some(i) == form.cause),
                        s.root_causes[r].text.get(lang)
                    )
                })
                .collect(),
            form.cause_cursor,
        );
    }
}
