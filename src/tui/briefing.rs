//! The briefing: the scenario, the organisation, the trainee's role, the goals (learning
//! objectives and what is scored) and how to play. All of it but the last comes from the
//! scenario file.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use super::app::{App, Doc, Screen};
use super::ui::{self, blank, heading};
use crate::report::describe::tr;
use crate::scenario::model::Lang;

/// The briefing's text.
pub(crate) fn doc(app: &App) -> Doc {
    let s = app.s();
    let lang = app.lang;
    let mut doc = Doc::new();
    let section = |doc: &mut Doc, title: &str| {
        doc.push((title.to_owned(), heading()));
    };
    doc.push((s.summary.get(lang).to_owned(), Style::new()));
    doc.push(blank());
    section(&mut doc, tr(lang, "The organisation", "組織"));
    doc.push((s.org_name.get(lang).to_owned(), Style::new()));
    doc.push((s.org_description.get(lang).to_owned(), Style::new()));
    doc.push(blank());
    section(&mut doc, tr(lang, "Your role", "あなたの役割"));
    doc.push((s.role.get(lang).to_owned(), Style::new()));
    doc.push(blank());
    section(&mut doc, tr(lang, "What this exercise teaches", "学習目標"));
    for (_, lo) in s.learning_objectives.iter() {
        doc.push((format!("• {}", lo.text.get(lang)), Style::new()));
    }
    doc.push(blank());
    section(&mut doc, tr(lang, "What is scored", "評価項目"));
    for (_, o) in s.objectives.iter() {
        let points = match lang {
            Lang::En => format!("{} points", o.points),
            Lang::Ja => format!("{}点", o.points),
        };
        doc.push((format!("• {} ({points})", o.name.get(lang)), Style::new()));
    }
    doc.push(blank());
    section(&mut doc, tr(lang, "How to play", "進め方"));
    let how = match lang {
        Lang::En => vec![
            format!(
                "The exercise is played in turns of {} minutes, {} turns at most. Each turn your team has {} effort to spend: an action costs effort every turn it runs, and some run for several turns.",
                s.minutes_per_turn, s.max_turns, s.effort_per_turn
            ),
            "Read the inbox (alerts and messages) and look at what you know of the network, then press a to plan actions for the turn. Press e to end the turn and see what happened.".to_owned(),
            "Some messages ask a question: open them and answer. Hints (h) help but cost points. Press ? at any time for the keys.".to_owned(),
        ],
        Lang::Ja => vec![
            format!(
                "演習はターン制で、1ターンは{}分、最大{}ターン。チームは毎ターン{}の工数を使える。対応は実行中のターンごとに工数を消費し、複数ターンかかるものもある。",
                s.minutes_per_turn, s.max_turns, s.effort_per_turn
            ),
            "受信箱（アラートとメッセージ）を読み、把握しているネットワークの状況を確かめたら、a でそのターンの対応を計画する。e でターンを終了すると、その間に起きたことがわかる。".to_owned(),
            "質問を含むメッセージもある。開いて回答しよう。ヒント（h）は役に立つが減点される。? でいつでもキー一覧を表示できる。".to_owned(),
        ],
    };
    for p in how {
        doc.push((p, Style::new()));
        doc.push(blank());
    }
    doc
}

/// Draws the briefing.
pub(crate) fn draw(app: &mut App, frame: &mut Frame) {
    let lang = app.lang;
    let area = frame.area();
    let [body, bottom] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
    let title = format!(
        " {} — {} ",
        tr(lang, "Briefing", "ブリーフィング"),
        app.s().title.get(lang)
    );
    let block = Block::bordered().title(Line::styled(
        ui::fit(&title, body.width.saturating_sub(2) as usize),
        heading(),
    ));
    let inner = block.inner(body);
    frame.render_widget(block, body);
    let inner = inner.inner(ratatui::layout::Margin::new(1, 0));
    let width = inner.width as usize;
    let lines: Vec<Line> = doc(app)
        .into_iter()
        .flat_map(|(t, st)| ui::para(&t, width, 0, st))
        .collect();
    if let Screen::Briefing { scroll } = &mut app.screen {
        ui::scrolled(frame, inner, lines, scroll);
    }
    let start = if app.obs.turn == 0 {
        tr(lang, "start", "開始")
    } else {
        tr(lang, "back to the exercise", "演習に戻る")
    };
    let keys = if let Some((text, style)) = &app.status {
        Line::styled(format!(" {text}"), *style)
    } else {
        ui::keys(&[
            ("Enter", start),
            ("↑↓", tr(lang, "scroll", "スクロール")),
            ("?", tr(lang, "keys", "キー")),
            ("q", tr(lang, "quit", "終了")),
        ])
    };
    frame.render_widget(Paragraph::new(keys), bottom);
}
