//! Windows over the screens, drawn: an inbox entry read whole (its text is in `reader.rs`),
//! any other item in full (`detail.rs`), the hints, the turn's summary, the confirmations (end
//! the turn, take a hint, quit) and the keys.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::app::{App, Doc, Layer, Screen};
use super::composer;
use super::reader::{answerable, find, reader_doc};
use super::ui::{self, blank, dim, heading, notice, plain, selected, warn};
use super::words;
use crate::engine::event::EventKind;
use crate::report::describe::{self, tr};
use crate::scenario::model::{Command, Lang};
use crate::session::observation::InboxItem;

/// What the team saw in a turn, as paragraphs.
fn summary_doc(app: &App, turn: u32) -> Doc {
    let s = app.s();
    let lang = app.lang;
    let events: Vec<_> = app
        .session
        .events(app.team)
        .iter()
        .filter(|e| e.turn == turn && e.kind.visible())
        .collect();
    let mut doc = Doc::new();
    for e in &events {
        // An action done within the turn it started needs one line, not two.
        if let EventKind::Started { action, target } = &e.kind
            && events.iter().any(|x| matches!(&x.kind, EventKind::Completed { action: a, target: t, .. } if a == action && t == target))
        {
            continue;
        }
        let style = match e.kind {
            EventKind::Refused { .. }
            | EventKind::DeadlineMissed { .. }
            | EventKind::FunctionDown { .. }
            | EventKind::QuestionExpired { .. } => warn(),
            EventKind::Alert { .. }
            | EventKind::Inject { .. }
            | EventKind::DeadlineStarted { .. } => notice(),
            EventKind::Found { .. } | EventKind::Ended { .. } => heading(),
            _ => Style::new(),
        };
        doc.push((format!("• {}", describe::event(s, e, lang)), style));
    }
    if doc.is_empty() {
        doc.push(plain(tr(
            lang,
            "Nothing you could see happened.",
            "目に見える出来事はなかった。",
        )));
    }
    let (before, after) = app.session.scores_around(app.team, turn);
    let changes = crate::scoring::changes(&before, &after);
    doc.push(blank());
    doc.push((
        match lang {
            Lang::En if changes.is_empty() => format!("Score: {} (unchanged)", after.total),
            Lang::Ja if changes.is_empty() => format!("得点：{}（変化なし）", after.total),
            Lang::En => format!("Score: {} → {}", before.total, after.total),
            Lang::Ja => format!("得点：{} → {}", before.total, after.total),
        },
        heading(),
    ));
    for c in &changes {
        let style = if c.points > 0 { ui::good() } else { warn() };
        doc.push((format!("  {}", describe::score_change(s, c, lang)), style));
    }
    if let Some(e) = &app.replay.error {
        doc.push(blank());
        doc.push((format!("{} {e}", tr(lang, "Replay:", "リプレイ：")), warn()));
    }
    doc.push(blank());
    doc.push((
        if app.obs.ended.is_some() {
            tr(
                lang,
                "The exercise is over. Press Enter for the debrief.",
                "演習は終了した。Enter で振り返りへ。",
            )
        } else {
            tr(
                lang,
                "Press Enter to plan the next turn.",
                "Enter で次のターンの計画へ。",
            )
        }
        .to_owned(),
        dim(),
    ));
    doc
}

fn doc_lines(doc: &Doc, width: usize) -> Vec<Line<'static>> {
    doc.iter()
        .flat_map(|(t, st)| ui::para(t, width, 0, *st))
        .collect()
}

/// Draws a text window of at most `w`×`h` (shrunk to its text).
fn text_window(
    frame: &mut Frame,
    title: &str,
    doc: &Doc,
    footer: Line<'static>,
    scroll: &mut u16,
    w: u16,
    h: u16,
) {
    let area = frame.area();
    let w = w.min(area.width.saturating_sub(2));
    let lines = doc_lines(doc, w.saturating_sub(2) as usize);
    let h = h
        .min(lines.len() as u16 + 2)
        .min(area.height.saturating_sub(2))
        .max(3);
    let inner = ui::popup(frame, ui::centered(area, w, h), title, Some(footer));
    ui::scrolled(frame, inner, lines, scroll);
}

/// Draws whatever lies over the screen.
pub(crate) fn draw(app: &mut App, frame: &mut Frame) {
    let lang = app.lang;
    let close = ui::keys(&[("Esc", tr(lang, "close", "閉じる"))]);
    if let Some(mut layer) = app.layer.take() {
        match &mut layer {
            Layer::Composer(c) => composer::draw(c, app, frame),
            Layer::Reader {
                key,
                choice,
                scroll,
            } => {
                if let Some(item) = find(app, *key).cloned() {
                    let (title, doc) = reader_doc(app, &item, *choice);
                    let footer = match &item {
                        InboxItem::Alert { verdict: None, .. } => ui::keys(&[
                            ("t", tr(lang, "triage", "トリアージ")),
                            ("Esc", tr(lang, "close", "閉じる")),
                        ]),
                        _ if answerable(app, &item) => ui::keys(&[
                            ("↑↓", tr(lang, "choose", "選ぶ")),
                            ("Enter", tr(lang, "answer", "回答")),
                            ("Esc", tr(lang, "close", "閉じる")),
                        ]),
                        _ => close.clone(),
                    };
                    text_window(frame, &title, &doc, footer, scroll, 76, 22);
                }
            }
            Layer::Detail { title, doc, scroll } => {
                text_window(frame, title, doc, close.clone(), scroll, 76, 22)
            }
            Layer::Summary { turn, scroll } => {
                let clock = words::clock_phrase(app.s(), app.obs.minutes, lang);
                let title = match lang {
                    Lang::En => format!("Turn {turn} — {clock}"),
                    Lang::Ja => format!("ターン{turn}（{clock}）"),
                };
                let doc = summary_doc(app, *turn);
                text_window(
                    frame,
                    &title,
                    &doc,
                    ui::keys(&[("Enter", tr(lang, "continue", "続ける"))]),
                    scroll,
                    78,
                    22,
                );
            }
            Layer::Hints { cursor } | Layer::ConfirmHint { cursor, .. } => {
                draw_hints(app, frame, *cursor)
            }
            Layer::ConfirmEnd => {}
        }
        if let Layer::ConfirmHint { hint, .. } = &layer {
            let points = app.s().hints[*hint].cost;
            let name = words::hint_name(app.s(), *hint, lang);
            let text = match lang {
                Lang::En => format!(
                    "Take {name}? It costs {points} points off your score. You will read it when the turn is played."
                ),
                Lang::Ja => format!(
                    "{name}を使いますか？得点から{points}点引かれます。内容はターンの実行時に表示されます。"
                ),
            };
            confirm(frame, tr(lang, "Take a hint", "ヒントを使う"), &text, lang);
        }
        if let Layer::ConfirmEnd = &layer {
            let o = &app.obs;
            let text = match lang {
                Lang::En => format!(
                    "End turn {} and play it? {} queued, {} effort unused.",
                    o.turn + 1,
                    crate::report::describe::n(o.queued.len() as u64, "command"),
                    o.effort_available
                ),
                Lang::Ja => format!(
                    "ターン{}を終了して実行しますか？予約{}件、未使用の工数{}。",
                    o.turn + 1,
                    o.queued.len(),
                    o.effort_available
                ),
            };
            confirm(frame, tr(lang, "End the turn", "ターン終了"), &text, lang);
        }
        if app.layer.is_none() {
            app.layer = Some(layer);
        }
    }
    if let Some(mut scroll) = app.help {
        let doc = super::help::doc(app);
        text_window(
            frame,
            tr(lang, "Keys", "キー一覧"),
            &doc,
            close.clone(),
            &mut scroll,
            70,
            24,
        );
        app.help = Some(scroll);
    }
    if app.asking_quit {
        let turns = app.obs.turn;
        let text = match (&app.replay.path, &app.replay.error, app.screen, lang) {
            (_, _, Screen::Debrief { .. }, Lang::En) => "Leave cyberdrill?".to_owned(),
            (_, _, Screen::Debrief { .. }, Lang::Ja) => "cyberdrillを終了しますか？".to_owned(),
            (Some(p), None, _, Lang::En) => format!(
                "Quit the exercise? The replay of the {} played is kept in {}.",
                crate::report::describe::n(turns, "turn"),
                p.display()
            ),
            (Some(p), None, _, Lang::Ja) => format!(
                "演習を終了しますか？プレイした{turns}ターン分のリプレイは {} に保存されています。",
                p.display()
            ),
            (_, _, _, Lang::En) => "Quit the exercise? No replay is being written.".to_owned(),
            (_, _, _, Lang::Ja) => "演習を終了しますか？リプレイは保存されていません。".to_owned(),
        };
        confirm(frame, tr(lang, "Quit", "終了"), &text, lang);
    }
}

/// A yes/no question.
fn confirm(frame: &mut Frame, title: &str, text: &str, lang: Lang) {
    let mut doc: Doc = vec![plain(text), blank()];
    doc.push((
        tr(
            lang,
            "y: yes    any other key: no",
            "y：はい    その他のキー：いいえ",
        )
        .to_owned(),
        dim(),
    ));
    let mut scroll = 0;
    text_window(frame, title, &doc, Line::default(), &mut scroll, 60, 12);
}

fn draw_hints(app: &App, frame: &mut Frame, cursor: usize) {
    let s = app.s();
    let lang = app.lang;
    let area = frame.area();
    let area = ui::centered(
        area,
        area.width.saturating_sub(4).min(76),
        area.height.saturating_sub(2).min(20),
    );
    let keys = ui::keys(&[
        ("↑↓", tr(lang, "choose", "選ぶ")),
        ("Enter", tr(lang, "take", "使う")),
        ("Esc", tr(lang, "close", "閉じる")),
    ]);
    let inner = ui::popup(frame, area, tr(lang, "Hints", "ヒント"), Some(keys));
    let [intro, list] = Layout::vertical([Constraint::Length(3), Constraint::Min(1)]).areas(inner);
    let width = inner.width as usize;
    let intro_text = tr(
        lang,
        "A hint costs points off your score. You read it once the turn is played.",
        "ヒントを使うと得点が引かれる。内容はターンの実行後に読める。",
    );
    frame.render_widget(Paragraph::new(ui::para(intro_text, width, 0, dim())), intro);
    let mut lines = Vec::new();
    let mut at = 0;
    for (n, (h, hint)) in s.hints.iter().enumerate() {
        let name = words::hint_name(s, h, lang);
        let taken = app.obs.hints.iter().find(|(x, _)| *x == h);
        let queued = app.obs.queued.contains(&Command::Hint(h));
        let (state, style) = if taken.is_some() {
            (tr(lang, "taken", "使用済み").to_owned(), dim())
        } else if queued {
            (
                tr(
                    lang,
                    "queued: you read it when the turn is played",
                    "予約済み：ターンの実行後に表示",
                )
                .to_owned(),
                notice(),
            )
        } else {
            match app.session.check(app.team, &Command::Hint(h)) {
                Ok(()) => (tr(lang, "available", "利用可").to_owned(), Style::new()),
                Err(r) => (describe::refusal(&r, lang), dim()),
            }
        };
        let points = match lang {
            Lang::En => format!("{} points", hint.cost),
            Lang::Ja => format!("{}点", hint.cost),
        };
        let line = Line::styled(
            ui::fit(
                &format!(
                    "{} {name} — {points} — {state}",
                    if n == cursor { "›" } else { " " }
                ),
                width,
            ),
            style,
        );
        if n == cursor {
            at = lines.len();
        }
        lines.push(if n == cursor {
            line.patch_style(selected())
        } else {
            line
        });
        if taken.is_some() {
            lines.extend(ui::para(hint.text.get(lang), width, 4, Style::new()));
        }
    }
    let start = ui::window_start(at, list.height as usize, lines.len());
    frame.render_widget(
        Paragraph::new(lines.into_iter().skip(start).collect::<Vec<_>>()),
        list,
    );
    if let Some((text, style)) = &app.status {
        let last = ratatui::layout::Rect {
            y: inner.y + inner.height.saturating_sub(1),
            height: 1,
            ..inner
        };
        frame.render_widget(Paragraph::new(Line::styled(text.clone(), *style)), last);
    }
}
