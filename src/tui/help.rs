//! The keys, as `?` shows them: those of the screen in use, then those that work everywhere.

use ratatui::style::Style;

use super::app::{App, Doc, Screen};
use super::ui::{dim, heading};
use crate::scenario::model::Lang;

fn key_lines(pairs: &[(&str, &str)]) -> Doc {
    pairs
        .iter()
        .map(|(k, what)| (format!("{k:<12} {what}"), Style::new()))
        .collect()
}

fn section(doc: &mut Doc, title: &str, pairs: &[(&str, &str)]) {
    doc.push((title.to_owned(), heading()));
    doc.extend(key_lines(pairs));
    doc.push((String::new(), Style::new()));
}

/// The keys of the screen in use.
pub(crate) fn doc(app: &App) -> Doc {
    let en = app.lang == Lang::En;
    let mut doc = Doc::new();
    match (app.screen, en) {
        (Screen::Briefing { .. }, true) => section(
            &mut doc,
            "Briefing",
            &[
                ("↑↓ PgUp PgDn", "scroll"),
                ("Enter", "start (or go back to the exercise)"),
            ],
        ),
        (Screen::Briefing { .. }, false) => section(
            &mut doc,
            "ブリーフィング",
            &[
                ("↑↓ PgUp PgDn", "スクロール"),
                ("Enter", "開始（演習に戻る）"),
            ],
        ),
        (Screen::Main, true) => {
            section(
                &mut doc,
                "Each turn",
                &[
                    (
                        "a",
                        "plan an action: pick it, then its target, then confirm",
                    ),
                    (
                        "e",
                        "end the turn: play what is queued and see what happened",
                    ),
                    (
                        "Enter",
                        "open the selected item; answer a message's question",
                    ),
                    ("t", "triage the selected alert"),
                    ("x", "take the selected action off the queue (Work pane)"),
                    ("h", "hints (they cost points)"),
                    ("b", "read the briefing again"),
                ],
            );
            section(
                &mut doc,
                "Moving around",
                &[
                    ("Tab ←→ 1-4", "go to another pane"),
                    ("↑↓ PgUp PgDn", "move within a pane or window"),
                    ("Esc", "close a window, or go back a step"),
                ],
            );
            doc.push((
                "● unread   ? a question waits for your answer   T3 turn 3".to_owned(),
                dim(),
            ));
            doc.push((String::new(), Style::new()));
        }
        (Screen::Main, false) => {
            section(
                &mut doc,
                "ターンごとの操作",
                &[
                    ("a", "対応を計画する：対応、対象の順に選んで確認"),
                    ("e", "ターンを終了：予約した対応を実行し、結果を見る"),
                    ("Enter", "選択した項目を開く。メッセージの質問に回答する"),
                    ("t", "選択したアラートをトリアージする"),
                    ("x", "選択した予約を取り消す（作業欄）"),
                    ("h", "ヒント（減点あり）"),
                    ("b", "ブリーフィングを読み直す"),
                ],
            );
            section(
                &mut doc,
                "画面の移動",
                &[
                    ("Tab ←→ 1-4", "欄を切り替える"),
                    ("↑↓ PgUp PgDn", "欄やウィンドウの中を移動する"),
                    ("Esc", "ウィンドウを閉じる・一つ前に戻る"),
                ],
            );
            doc.push((
                "● 未読   ? 回答待ちの質問   T3 は3ターン目".to_owned(),
                dim(),
            ));
            doc.push((String::new(), Style::new()));
        }
        (Screen::Debrief { .. }, true) => section(
            &mut doc,
            "Debrief",
            &[
                ("Tab ←→ 1 2", "the result, or what really happened"),
                ("↑↓ PgUp PgDn", "scroll"),
            ],
        ),
        (Screen::Debrief { .. }, false) => section(
            &mut doc,
            "振り返り",
            &[
                ("Tab ←→ 1 2", "結果／実際に起きたこと"),
                ("↑↓ PgUp PgDn", "スクロール"),
            ],
        ),
    }
    if en {
        section(
            &mut doc,
            "Anywhere",
            &[("?", "these keys"), ("q", "quit (asks first)")],
        );
    } else {
        section(
            &mut doc,
            "共通",
            &[("?", "このキー一覧"), ("q", "終了（確認あり）")],
        );
    }
    doc
}
