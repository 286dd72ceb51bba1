//! The debrief at the end: the outcome, the scorecard with its reasons, the feedback on the
//! team's answers and the scenario's epilogue; what really happened, turn by turn, the attacker's hidden moves
//! included; and where the replay was written, with the commands that verify it and make the
//! after-action report from it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::app::{App, Doc, NoteTone, Screen};
use super::ui::{self, blank, dim, good, heading, notice, warn};
use super::words;
use crate::report::describe::{self, tr};
use crate::scenario::model::{Lang, Outcome};
use crate::scoring::Status;
use crate::session::observation::InboxItem;

/// The result: outcome, score, objectives with reasons, penalties, answers.
pub(crate) fn result_doc(app: &App) -> Doc {
    let s = app.s();
    let lang = app.lang;
    let card = app.session.scorecard(app.team);
    let mut doc = Doc::new();
    match app.obs.ended {
        Some(e) => doc.push((
            describe::ending(e.outcome, e.reason, lang),
            heading().patch(if e.outcome == Outcome::Win {
                good()
            } else {
                warn()
            }),
        )),
        None => doc.push((
            tr(
                lang,
                "The exercise was stopped before the end.",
                "演習は終了前に中断された。",
            )
            .to_owned(),
            heading(),
        )),
    }
    if app.obs.ended.is_some() {
        let conditions = app.session.win_conditions(app.team);
        doc.push((
            tr(
                lang,
                "What a win takes (✓ met, ✗ missing):",
                "勝利の条件（✓ 達成、✗ 未達）：",
            )
            .to_owned(),
            Style::new(),
        ));
        for (c, held) in &conditions {
            doc.push((
                format!(
                    "  {} {}",
                    if *held { "✓" } else { "✗" },
                    describe::condition(s, c, lang)
                ),
                if *held { good() } else { warn() },
            ));
        }
    }
    let grade = card
        .grade
        .map(|g| format!(" — {}", s.grades[g].label.get(lang)))
        .unwrap_or_default();
    doc.push((
        match lang {
            Lang::En => format!(
                "Score {} of {} ({}%){grade}, after {}",
                card.total,
                card.max,
                card.percent,
                crate::report::describe::n(app.obs.turn, "turn")
            ),
            Lang::Ja => format!(
                "得点 {} / {}（{}%）{grade}・{}ターン",
                card.total, card.max, card.percent, app.obs.turn
            ),
        },
        heading(),
    ));
    doc.push(blank());
    doc.push((tr(lang, "Objectives", "評価項目").to_owned(), heading()));
    for o in &card.objectives {
        let style = match o.status {
            Status::Met => good(),
            Status::Partial => notice(),
            Status::Missed => warn(),
            Status::NotApplicable | Status::Pending => dim(),
        };
        doc.push((
            format!(
                "{:>3}/{:<3} {} — {}",
                o.points,
                o.max,
                s.objectives[o.objective].name.get(lang),
                describe::status(o.status, lang)
            ),
            style,
        ));
        doc.push((
            format!("        {}", describe::reason(s, &o.reason, lang)),
            dim(),
        ));
    }
    if !card.penalties.is_empty() {
        doc.push(blank());
        doc.push((tr(lang, "Penalties", "減点").to_owned(), heading()));
        for p in &card.penalties {
            doc.push((
                format!(
                    "{:>7} {} (×{})",
                    format!("-{}", p.points),
                    describe::penalty(s, &p.kind, lang),
                    p.count
                ),
                warn(),
            ));
        }
    }
    let questions: Vec<_> = app
        .obs
        .inbox
        .iter()
        .filter_map(|i| match i {
            InboxItem::Message { inject, answer, .. } => s.injects[*inject]
                .question
                .as_ref()
                .map(|q| (*inject, q, *answer)),
            InboxItem::Alert { .. } | InboxItem::Facilitator { .. } => None,
        })
        .collect();
    if !questions.is_empty() {
        doc.push(blank());
        doc.push((
            tr(lang, "Your answers", "あなたの回答").to_owned(),
            heading(),
        ));
        let facts =
            crate::scoring::Facts::gather(s, app.session.events(app.team), app.obs.ended.is_some());
        let answered_at = |inject: crate::scenario::model::InjectId| {
            app.session.view(app.team).knowledge.answers[inject.index()].map(|(_, t)| t)
        };
        for (inject, q, answer) in questions.into_iter().rev() {
            doc.push((
                format!(
                    "{} {}",
                    s.injects[inject].subject.get(lang),
                    q.prompt.get(lang)
                ),
                Style::new(),
            ));
            match answer {
                Some(c) => {
                    let choice = &q.choices[c];
                    let at = answered_at(inject).unwrap_or(app.obs.turn);
                    let right = facts.answer_right(s, inject, c, at);
                    doc.push((
                        format!("  → {}", choice.text.get(lang)),
                        if right { good() } else { warn() },
                    ));
                    if let Some(cond) = &choice.right_if {
                        doc.push((
                            format!("    {}", describe::right_if(s, cond, right, lang)),
                            if right { good() } else { warn() },
                        ));
                    }
                    if let Some(f) = &choice.feedback {
                        doc.push((format!("    {}", f.get(lang)), dim()));
                    }
                }
                None => doc.push((
                    format!("  → {}", tr(lang, "not answered", "回答しなかった")),
                    warn(),
                )),
            }
        }
    }
    if app.obs.ended.is_some()
        && let Some(epilogue) = &s.debrief
    {
        doc.push(blank());
        doc.push((
            tr(
                lang,
                "Epilogue: the real incident",
                "後日談：実際の事件では",
            )
            .to_owned(),
            heading(),
        ));
        for para in epilogue.get(lang).split("\n\n") {
            doc.push((para.to_owned(), Style::new()));
        }
    }
    doc
}

/// What really happened, turn by turn.
pub(crate) fn timeline_doc(app: &App) -> Doc {
    let s = app.s();
    let lang = app.lang;
    let mut doc: Doc = vec![
        (
            tr(
                lang,
                "◆ marks what you could not see: the attacker's side.",
                "◆ はチームからは見えなかった攻撃者側の出来事。",
            )
            .to_owned(),
            dim(),
        ),
        blank(),
    ];
    let mut turn = u32::MAX;
    for e in app.session.events(app.team) {
        if e.turn != turn {
            turn = e.turn;
            let minutes = turn.saturating_sub(1) * s.minutes_per_turn;
            let clock = if s.start.is_some() {
                crate::report::describe::world_time(s, minutes, lang)
            } else {
                words::clock(minutes)
            };
            doc.push((
                match lang {
                    Lang::En => format!("Turn {turn} (from {clock})"),
                    Lang::Ja => format!("ターン{turn}（{clock}〜）"),
                },
                heading(),
            ));
        }
        let text = describe::event(s, e, lang);
        if e.kind.visible() {
            doc.push((format!("  {text}"), Style::new()));
        } else {
            doc.push((format!("◆ {text}"), Style::new().fg(Color::Magenta)));
        }
    }
    doc
}

/// Where the replay went and what to do with it.
pub(crate) fn replay_doc(app: &App) -> Doc {
    app.replay
        .lines(app.lang)
        .into_iter()
        .map(|(text, tone)| {
            let style = match tone {
                NoteTone::Heading => heading(),
                NoteTone::Plain => Style::new(),
                NoteTone::Warn => warn(),
                NoteTone::Dim => dim(),
            };
            (text, style)
        })
        .collect()
}

/// Draws the debrief.
pub(crate) fn draw(app: &mut App, frame: &mut Frame) {
    let lang = app.lang;
    let area = frame.area();
    let width = area.width.saturating_sub(2) as usize;
    let replay: Vec<Line> = replay_doc(app)
        .into_iter()
        .flat_map(|(t, st)| ui::para(&t, width, 0, st))
        .collect();
    let [body, foot, bottom] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(replay.len() as u16 + 2),
        Constraint::Length(1),
    ])
    .areas(area);
    let Screen::Debrief { tab, .. } = app.screen else {
        return;
    };
    let names = [
        tr(lang, "1 Result", "1 結果"),
        tr(lang, "2 What really happened", "2 実際に起きたこと"),
    ];
    let mut spans = vec![Span::styled(
        format!(" {} ", tr(lang, "Debrief", "振り返り")),
        heading(),
    )];
    for (i, name) in names.iter().enumerate() {
        let style = if i == tab {
            heading().fg(Color::Cyan)
        } else {
            dim()
        };
        spans.push(Span::styled(format!("[{name}] "), style));
    }
    let block = Block::bordered().title(Line::from(spans));
    let inner = block.inner(body).inner(ratatui::layout::Margin::new(1, 0));
    frame.render_widget(block, body);
    let doc = if tab == 0 {
        result_doc(app)
    } else {
        timeline_doc(app)
    };
    let lines: Vec<Line> = doc
        .into_iter()
        .flat_map(|(t, st)| ui::para(&t, inner.width as usize, 0, st))
        .collect();
    if let Screen::Debrief { scroll, .. } = &mut app.screen {
        ui::scrolled(frame, inner, lines, scroll);
    }
    let block = Block::bordered();
    let inner = block.inner(foot);
    frame.render_widget(block, foot);
    frame.render_widget(Paragraph::new(replay), inner);
    let keys = ui::keys(&[
        ("Tab", tr(lang, "switch", "切替")),
        ("↑↓", tr(lang, "scroll", "スクロール")),
        ("?", tr(lang, "keys", "キー")),
        ("q", tr(lang, "leave", "終了")),
    ]);
    frame.render_widget(Paragraph::new(keys), bottom);
}
