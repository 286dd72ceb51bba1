//! The main screen: a status line (turn, in-game clock, effort, score), four panes — the
//! inbox, the network as the team knows it, the work of this turn (queued actions, tasks in
//! progress, deadlines), and the evidence — and a line of keys.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::app::{App, InboxKey};
use super::ui::{self, dim, fit, good, heading, notice, warn};
use super::words;
use crate::report::describe::{self, tr};
use crate::scenario::model::{AccountId, AddressId, HintId, HostId, Lang, RuleId, TraceId};
use crate::session::observation::{HostStatus, InboxItem};

/// The panes, in focus order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pane {
    Inbox = 0,
    Network = 1,
    Work = 2,
    Evidence = 3,
}

impl Pane {
    pub(crate) const ALL: [Pane; 4] = [Pane::Inbox, Pane::Network, Pane::Work, Pane::Evidence];

    pub(crate) fn next(self) -> Self {
        Self::ALL[(self as usize + 1) % 4]
    }

    pub(crate) fn prev(self) -> Self {
        Self::ALL[(self as usize + 3) % 4]
    }

    fn title(self, app: &App) -> String {
        let lang = app.lang;
        match self {
            Pane::Inbox => {
                let unread = app.unread();
                let name = tr(lang, "Inbox", "受信箱");
                if unread == 0 {
                    format!("1 {name}")
                } else {
                    match lang {
                        Lang::En => format!("1 {name} ({unread} unread)"),
                        Lang::Ja => format!("1 {name}（未読{unread}）"),
                    }
                }
            }
            Pane::Network => format!("2 {}", tr(lang, "Network", "ネットワーク")),
            Pane::Work => format!("3 {}", tr(lang, "Work", "作業")),
            Pane::Evidence => format!("4 {}", tr(lang, "Evidence", "証拠")),
        }
    }
}

/// Something a pane row stands for, opened with Enter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Item {
    Inbox(usize),
    Host(HostId),
    Address(AddressId),
    Account(AccountId),
    Evidence(TraceId),
    Findings,
    Hint(HintId),
    Queued(usize),
    Task(usize),
    Deadline(RuleId),
    Refused(usize),
}

/// One row of a pane: a heading (no item) or an entry.
pub(crate) struct Row {
    line: Line<'static>,
    item: Option<Item>,
}

fn heading_row(text: String) -> Row {
    Row {
        line: Line::styled(text, heading()),
        item: None,
    }
}

fn note_row(text: String) -> Row {
    Row {
        line: Line::styled(format!("  {text}"), dim()),
        item: None,
    }
}

fn row(text: String, style: Style, item: Item) -> Row {
    Row {
        line: Line::styled(text, style),
        item: Some(item),
    }
}

/// The rows of a pane, lines fitted to `width` cells.
pub(crate) fn rows(app: &App, pane: Pane, width: usize) -> Vec<Row> {
    let s = app.s();
    let lang = app.lang;
    let o = &app.obs;
    let mut out = Vec::new();
    match pane {
        Pane::Inbox => {
            if o.inbox.is_empty() {
                out.push(note_row(
                    tr(lang, "Nothing yet.", "まだ何も届いていない。").into(),
                ));
            }
            for (i, times, unread) in inbox_rows(app) {
                let item = &o.inbox[i];
                let times = if times > 1 {
                    format!(" × {times}")
                } else {
                    String::new()
                };
                let mark = if unread { "●" } else { " " };
                let ask = if words::awaits_answer(s, item) {
                    " ?"
                } else {
                    ""
                };
                let text = words::inbox_line(s, item, lang);
                let text = format!(
                    "{mark} {}{times}{ask}",
                    fit(
                        &text,
                        width.saturating_sub(2 + ask.len() + ui::width(&times))
                    )
                );
                let style = match item {
                    InboxItem::Alert {
                        verdict: Some(true),
                        ..
                    } => warn(),
                    InboxItem::Alert {
                        verdict: Some(false),
                        ..
                    } => dim(),
                    _ if unread => heading(),
                    _ => Style::new(),
                };
                out.push(row(text, style, Item::Inbox(i)));
            }
        }
        Pane::Network => network_rows(app, width, &mut out),
        Pane::Work => work_rows(app, width, &mut out),
        Pane::Evidence => {
            out.push(heading_row(
                tr(lang, "Evidence found", "発見した証拠").into(),
            ));
            if o.evidence.is_empty() {
                out.push(note_row(tr(lang, "None yet.", "まだない。").into()));
            }
            for &(trace, turn) in &o.evidence {
                let tr_ = &s.traces[trace];
                let text = format!(
                    "{} {} {}",
                    words::turn_tag(turn),
                    s.hosts.key(tr_.host),
                    tr_.text.get(lang)
                );
                out.push(row(fit(&text, width), Style::new(), Item::Evidence(trace)));
            }
            if let Some((_, turn)) = &o.findings {
                out.push(heading_row(match lang {
                    Lang::En => format!("Findings report (turn {turn})"),
                    Lang::Ja => format!("調査報告（{turn}ターン目）"),
                }));
                let text = tr(lang, "  Open to read it", "  開いて内容を確認").to_owned();
                out.push(row(text, Style::new(), Item::Findings));
            }
            if !o.hints.is_empty() {
                out.push(heading_row(tr(lang, "Hints taken", "使ったヒント").into()));
                for &(h, _) in &o.hints {
                    let text = format!(
                        "{} {}",
                        words::hint_name(s, h, lang),
                        s.hints[h].text.get(lang)
                    );
                    out.push(row(fit(&text, width), Style::new(), Item::Hint(h)));
                }
            }
        }
    }
    out
}

fn network_rows(app: &App, width: usize, out: &mut Vec<Row>) {
    let s = app.s();
    let lang = app.lang;
    let o = &app.obs;
    let key_width = o
        .hosts
        .iter()
        .map(|h| ui::width(s.hosts.key(h.host)))
        .max()
        .unwrap_or(0);
    for (seg, segment) in s.segments.iter() {
        if segment.hosts.is_empty() {
            continue;
        }
        let cut = if o.isolated_segments.contains(&seg) {
            tr(lang, " (cut off)", "（隔離中）")
        } else {
            ""
        };
        out.push(heading_row(fit(
            &format!("{}{cut}", segment.name.get(lang)),
            width,
        )));
        for &h in &segment.hosts {
            let view = &o.hosts[h.index()];
            let key = s.hosts.key(h);
            let pad = " ".repeat(key_width.saturating_sub(ui::width(key)));
            let text = format!(" {key}{pad} {}", words::host_state(view, lang));
            let style = match view.status {
                HostStatus::Compromised => warn(),
                HostStatus::Suspicious => notice(),
                HostStatus::Rebuilt => good(),
                HostStatus::Normal if view.isolated || view.down => notice(),
                HostStatus::Normal => Style::new(),
            };
            out.push(row(fit(&text, width), style, Item::Host(h)));
        }
    }
    if !o.functions_down.is_empty() {
        out.push(heading_row(
            tr(lang, "Business functions down", "停止中の業務").into(),
        ));
        for &f in &o.functions_down {
            out.push(Row {
                line: Line::styled(
                    fit(&format!(" {}", s.functions[f].name.get(lang)), width),
                    warn(),
                ),
                item: None,
            });
        }
    }
    if !o.addresses.is_empty() {
        out.push(heading_row(
            tr(lang, "Outside addresses", "外部アドレス").into(),
        ));
        for a in &o.addresses {
            let x = &s.addresses[a.address];
            let what = match &x.owner {
                crate::scenario::model::AddressOwner::Legitimate { name, .. } => name.get(lang),
                crate::scenario::model::AddressOwner::Adversary(_) => "",
            };
            let blocked = if a.blocked {
                tr(lang, " [blocked]", "［遮断済み］")
            } else {
                ""
            };
            let text = format!(" {}{blocked} {what}", x.address);
            out.push(row(
                fit(&text, width),
                Style::new(),
                Item::Address(a.address),
            ));
        }
    }
    if !o.accounts.is_empty() {
        out.push(heading_row(tr(lang, "Accounts", "アカウント").into()));
        for a in &o.accounts {
            let mut state = Vec::new();
            if a.flagged {
                state.push(tr(lang, "compromised", "侵害あり"));
            }
            if a.disabled {
                state.push(tr(lang, "disabled", "無効化済み"));
            }
            let text = format!(
                " {} {}",
                s.accounts.key(a.account),
                state.join(tr(lang, ", ", "・"))
            );
            out.push(row(fit(&text, width), warn(), Item::Account(a.account)));
        }
    }
    if !o.mitigations.is_empty() {
        out.push(heading_row(
            tr(lang, "Protections on", "有効な防御設定").into(),
        ));
        for &m in &o.mitigations {
            out.push(note_row(fit(
                s.mitigations[m].name.get(lang),
                width.saturating_sub(2),
            )));
        }
    }
}

fn work_rows(app: &App, width: usize, out: &mut Vec<Row>) {
    let s = app.s();
    let lang = app.lang;
    let o = &app.obs;
    let next = o.turn + 1;
    if o.ended.is_none() {
        out.push(heading_row(match lang {
            Lang::En => format!("Queued for turn {next}"),
            Lang::Ja => format!("ターン{next}の予定"),
        }));
        if o.queued.is_empty() {
            out.push(note_row(
                tr(
                    lang,
                    "Nothing yet: press a to act",
                    "まだない（a で対応を追加）",
                )
                .into(),
            ));
        }
        for (i, c) in o.queued.iter().enumerate() {
            let text = format!(" {}", describe::command(s, c, lang));
            out.push(row(fit(&text, width), Style::new(), Item::Queued(i)));
        }
    }
    if !o.tasks.is_empty() {
        out.push(heading_row(tr(lang, "In progress", "実行中").into()));
        for (i, t) in o.tasks.iter().enumerate() {
            let label = describe::command(
                s,
                &crate::scenario::model::Command::Act {
                    action: t.action,
                    target: t.target.clone(),
                },
                lang,
            );
            let left = match lang {
                Lang::En => format!(
                    " ({} more)",
                    crate::report::describe::n(t.remaining, "turn")
                ),
                Lang::Ja => format!("（残り{}ターン）", t.remaining),
            };
            let text = format!(
                " {}{left}",
                fit(&label, width.saturating_sub(ui::width(&left) + 1))
            );
            out.push(row(text, Style::new(), Item::Task(i)));
        }
    }
    if !o.refused.is_empty() {
        out.push(heading_row(
            tr(
                lang,
                "Not done last turn",
                "前のターンで実行できなかった対応",
            )
            .into(),
        ));
        for (i, (c, _)) in o.refused.iter().enumerate() {
            let text = format!(" {}", describe::command(s, c, lang));
            out.push(row(fit(&text, width), warn(), Item::Refused(i)));
        }
    }
    if !o.deadlines.is_empty() {
        out.push(heading_row(
            tr(lang, "Reporting deadlines", "報告期限").into(),
        ));
        for d in &o.deadlines {
            let who = crate::report::describe::duty(s, d.rule, lang);
            let (state, style) = if d.kept {
                (tr(lang, "done", "報告済み").to_owned(), good())
            } else if d.missed {
                (tr(lang, "missed", "期限切れ").to_owned(), warn())
            } else {
                let due = match lang {
                    Lang::En => format!("by turn {}", d.due),
                    Lang::Ja => format!("{}ターン目まで", d.due),
                };
                (due, notice())
            };
            let text = format!(
                " {} {state}",
                fit(&who, width.saturating_sub(ui::width(&state) + 2))
            );
            out.push(row(text, style, Item::Deadline(d.rule)));
        }
    }
    // Questions waiting for an answer by a turn are deadlines too (a ministry's request for a
    // report is one).
    let waiting: Vec<(usize, crate::scenario::model::InjectId, u32)> = o
        .inbox
        .iter()
        .enumerate()
        .filter_map(|(i, item)| match item {
            InboxItem::Message {
                inject,
                answer: None,
                expired: false,
                answer_by: Some(by),
                ..
            } => Some((i, *inject, *by)),
            _ => None,
        })
        .collect();
    if !waiting.is_empty() {
        out.push(heading_row(tr(lang, "Answers due", "回答期限").into()));
        for (i, inject, by) in waiting {
            let due = match lang {
                Lang::En => format!("by turn {by}"),
                Lang::Ja => format!("{by}ターン目まで"),
            };
            let subject = s.injects[inject].subject.get(lang);
            let text = format!(
                " {} {due}",
                fit(subject, width.saturating_sub(ui::width(&due) + 2))
            );
            out.push(row(text, notice(), Item::Inbox(i)));
        }
    }
    let notified: Vec<_> = o
        .notified
        .iter()
        .filter(|(x, _)| {
            !o.deadlines
                .iter()
                .any(|d| s.notifications[d.rule].stakeholder == *x)
        })
        .collect();
    if !notified.is_empty() {
        out.push(heading_row(
            tr(lang, "Also informed", "その他の報告先").into(),
        ));
        for (x, turn) in notified {
            let text = format!(
                "{} {}",
                words::turn_tag(*turn),
                s.stakeholders[*x].name.get(lang)
            );
            out.push(note_row(fit(&text, width.saturating_sub(2))));
        }
    }
}

/// The inbox as rows: (entry index, how many entries it stands for, unread). The same alert
/// raised again (a noisy source, turn after turn) is one row, unread while any of its entries
/// is.
pub(crate) fn inbox_rows(app: &App) -> Vec<(usize, usize, bool)> {
    let unread = |item: &InboxItem| !app.read.contains(&InboxKey::of(item));
    let mut rows: Vec<(usize, usize, bool)> = Vec::new();
    let mut row_of = std::collections::HashMap::new();
    for (i, item) in app.obs.inbox.iter().enumerate() {
        if let InboxItem::Alert { alert, .. } = item {
            if let Some(&r) = row_of.get(alert) {
                let row: &mut (usize, usize, bool) = &mut rows[r];
                row.1 += 1;
                row.2 |= unread(item);
                continue;
            }
            row_of.insert(*alert, rows.len());
        }
        rows.push((i, 1, unread(item)));
    }
    rows
}

/// The items of a pane, in row order.
pub(crate) fn items(app: &App, pane: Pane) -> Vec<Item> {
    rows(app, pane, 80)
        .into_iter()
        .filter_map(|r| r.item)
        .collect()
}

/// How many rows of a pane can be selected.
pub(crate) fn selectable(app: &App, pane: Pane) -> usize {
    items(app, pane).len()
}

/// The status line.
fn status_line(app: &App, width: usize) -> Line<'static> {
    let o = &app.obs;
    let lang = app.lang;
    let next = (o.turn + 1).min(o.max_turns);
    let clock = words::clock_phrase(app.s(), o.minutes, lang);
    let text = match lang {
        Lang::En => format!(
            " Turn {next}/{} · {clock} · Effort {}/{} left · Score {}",
            o.max_turns, o.effort_available, o.effort_per_turn, o.score.total
        ),
        Lang::Ja => format!(
            " ターン{next}/{}・{clock}・残り工数{}/{}・得点{}",
            o.max_turns, o.effort_available, o.effort_per_turn, o.score.total
        ),
    };
    let help = tr(lang, "? keys ", "? キー一覧 ");
    let pad = width.saturating_sub(ui::width(&text) + ui::width(help));
    Line::from(vec![
        Span::styled(text, heading()),
        Span::raw(" ".repeat(pad)),
        Span::styled(help.to_owned(), dim()),
    ])
    .style(Style::new().bg(Color::Blue).fg(Color::White))
}

/// The key line at the bottom (or the last message, until the next key).
pub(crate) fn footer(app: &App) -> Line<'static> {
    if let Some((text, style)) = &app.status {
        return Line::styled(format!(" {text}"), *style);
    }
    let lang = app.lang;
    ui::keys(&[
        ("a", tr(lang, "act", "対応")),
        ("e", tr(lang, "end turn", "ターン終了")),
        ("Enter", tr(lang, "open", "開く")),
        ("Tab", tr(lang, "pane", "切替")),
        ("h", tr(lang, "hints", "ヒント")),
        ("?", tr(lang, "keys", "キー")),
        ("q", tr(lang, "quit", "終了")),
    ])
}

/// Draws the main screen.
pub(crate) fn draw(app: &mut App, frame: &mut Frame) {
    let area = frame.area();
    let [top, body, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(4),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(status_line(app, top.width as usize)), top);
    frame.render_widget(Paragraph::new(footer(app)), bottom);
    let [upper, lower] =
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body);
    let [a, b] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(upper);
    let [c, d] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(lower);
    for (pane, area) in [
        (Pane::Inbox, a),
        (Pane::Network, b),
        (Pane::Work, c),
        (Pane::Evidence, d),
    ] {
        draw_pane(app, frame, pane, area);
    }
}

fn draw_pane(app: &mut App, frame: &mut Frame, pane: Pane, area: Rect) {
    let focused = app.focus == pane;
    let border = if focused {
        Style::new().fg(Color::Cyan)
    } else {
        dim()
    };
    let block = Block::bordered()
        .border_style(border)
        .title(Line::styled(format!(" {} ", pane.title(app)), heading()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = rows(app, pane, inner.width as usize);
    let n = rows.iter().filter(|r| r.item.is_some()).count();
    let cursor = &mut app.cursor[pane as usize];
    *cursor = (*cursor).min(n.saturating_sub(1));
    let cursor = *cursor;
    // The row index of the selected item.
    let selected_row = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.item.is_some())
        .nth(cursor)
        .map(|(i, _)| i);
    let height = inner.height as usize;
    let start = ui::window_start(selected_row.unwrap_or(0), height, rows.len());
    let lines: Vec<Line> = rows
        .into_iter()
        .enumerate()
        .skip(start)
        .take(height)
        .map(|(i, r)| {
            if focused && Some(i) == selected_row {
                r.line.patch_style(ui::selected())
            } else {
                r.line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
