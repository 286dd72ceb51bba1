//! The reader: an inbox entry read whole, an alert's triage state, a message's question and
//! its choices, and the keys that answer it.

use ratatui::crossterm::event::KeyCode;
use ratatui::style::Style;

use super::app::{App, Doc, InboxKey};
use super::ui::{blank, good, heading, notice, plain, selected, warn};
use super::words;
use crate::report::describe::{self, tr};
use crate::scenario::model::{Command, Lang};
use crate::session::observation::InboxItem;

/// The inbox entry with this key.
pub(super) fn find(app: &App, key: InboxKey) -> Option<&InboxItem> {
    app.obs.inbox.iter().find(|i| InboxKey::of(i) == key)
}

/// Whether the entry is a message whose question can still be answered.
pub(super) fn answerable(app: &App, item: &InboxItem) -> bool {
    words::awaits_answer(app.s(), item)
}

/// The reader's text, with the question's choices in the order shown (the one at position
/// `choice`, if any, highlighted: nothing is chosen until the trainee moves to a choice).
pub(super) fn reader_doc(app: &App, item: &InboxItem, choice: Option<usize>) -> (String, Doc) {
    let s = app.s();
    let lang = app.lang;
    let mut doc = Doc::new();
    match item {
        InboxItem::Alert {
            alert,
            host,
            turn,
            verdict,
        } => {
            let title = describe::alert_title(s, *alert, lang);
            let h = &s.hosts[*host];
            let sev = describe::severity_word(describe::alert_severity(s, *alert), lang);
            doc.push(match lang {
                Lang::En => plain(format!("Severity {sev} · raised in turn {turn}")),
                Lang::Ja => plain(format!("重大度 {sev}・{turn}ターン目に検知")),
            });
            let desc = h.description.as_ref().map_or("", |d| d.get(lang));
            doc.push(plain(format!(
                "{} {} {desc}",
                tr(lang, "Host:", "ホスト："),
                s.hosts.key(*host)
            )));
            doc.push(blank());
            doc.push((describe::alert_text(s, *alert, lang).to_owned(), heading()));
            doc.push(blank());
            let queued = app.obs.queued.iter().any(|c| {
                matches!(c, Command::Act { target: crate::scenario::model::Target::Alert(a), .. } if a == alert)
            });
            doc.push(match verdict {
                Some(true) => (
                    tr(
                        lang,
                        "Triaged: malicious (a true positive).",
                        "トリアージ結果：悪性（真陽性）。",
                    )
                    .into(),
                    warn(),
                ),
                Some(false) => (
                    tr(
                        lang,
                        "Triaged: a false positive.",
                        "トリアージ結果：誤検知。",
                    )
                    .into(),
                    good(),
                ),
                None if queued => (
                    tr(
                        lang,
                        "Its triage is queued for this turn.",
                        "このターンにトリアージを予約済み。",
                    )
                    .into(),
                    notice(),
                ),
                None => (
                    tr(
                        lang,
                        "Not triaged yet: press t to triage it.",
                        "未トリアージ：t でトリアージを予約できる。",
                    )
                    .into(),
                    notice(),
                ),
            });
            (title, doc)
        }
        InboxItem::Message {
            inject,
            turn,
            answer,
            expired,
            answer_by,
            order,
        } => {
            let i = &s.injects[*inject];
            let from = describe::message_from(s, *inject, lang);
            doc.push(match lang {
                Lang::En => plain(format!("{from} · turn {turn}")),
                Lang::Ja => plain(format!("{from}・{turn}ターン目")),
            });
            doc.push(blank());
            doc.push(plain(i.body.get(lang)));
            if let Some(q) = &i.question {
                doc.push(blank());
                doc.push((q.prompt.get(lang).to_owned(), heading()));
                let queued = app.obs.queued.iter().find_map(|c| match c {
                    Command::Answer { inject: j, choice } if j == inject => Some(*choice),
                    _ => None,
                });
                let open = answerable(app, item);
                for (pos, &n) in order.iter().enumerate() {
                    let Some(c) = q.choices.get(n) else { continue };
                    let mark = if *answer == Some(n) {
                        "✓"
                    } else if queued == Some(n) {
                        "•"
                    } else {
                        " "
                    };
                    let style = if open && Some(pos) == choice {
                        selected()
                    } else {
                        Style::new()
                    };
                    doc.push((format!("{mark} {}. {}", pos + 1, c.text.get(lang)), style));
                }
                doc.push(blank());
                let state = if answer.is_some() {
                    (
                        tr(lang, "You have answered.", "回答済み。").to_owned(),
                        good(),
                    )
                } else if *expired {
                    (
                        tr(lang, "It is too late to answer.", "回答の期限を過ぎた。").to_owned(),
                        warn(),
                    )
                } else {
                    let by = answer_by.map(|t| match lang {
                        Lang::En => format!(" Answer by turn {t}."),
                        Lang::Ja => format!("{t}ターン目までに回答すること。"),
                    });
                    let what = if queued.is_some() {
                        tr(
                            lang,
                            "Your answer (•) is queued; Enter on another choice changes it.",
                            "回答（•）は予約済み。別の選択肢で Enter を押すと変更できる。",
                        )
                    } else {
                        tr(
                            lang,
                            "Choose an answer with ↑↓ (or its number) and press Enter.",
                            "↑↓（または番号）で回答を選び Enter。",
                        )
                    };
                    (format!("{what}{}", by.unwrap_or_default()), notice())
                };
                doc.push(state);
            }
            (i.subject.get(lang).to_owned(), doc)
        }
        InboxItem::Facilitator {
            turn,
            text,
            question,
            reply,
            ..
        } => {
            doc.push(match lang {
                Lang::En => plain(format!("From the facilitator · after turn {turn}")),
                Lang::Ja => plain(format!("ファシリテーターより・{turn}ターン目の後")),
            });
            doc.push(blank());
            doc.push(plain(text.as_str()));
            if let Some(q) = question {
                doc.push(blank());
                doc.push((q.prompt.clone(), heading()));
                let queued = app.obs.queued.iter().find_map(|c| match c {
                    Command::Reply { message, choice } if Some(*message) == number_of(item) => {
                        Some(*choice)
                    }
                    _ => None,
                });
                let open = answerable(app, item);
                for (n, c) in q.choices.iter().enumerate() {
                    let mark = if *reply == Some(n) {
                        "✓"
                    } else if queued == Some(n) {
                        "•"
                    } else {
                        " "
                    };
                    let style = if open && Some(n) == choice {
                        selected()
                    } else {
                        Style::new()
                    };
                    doc.push((format!("{mark} {}. {c}", n + 1), style));
                }
                doc.push(blank());
                doc.push(if reply.is_some() {
                    (
                        tr(lang, "You have replied.", "回答済み。").to_owned(),
                        good(),
                    )
                } else {
                    (
                        tr(
                            lang,
                            "Choose a reply with ↑↓ (or its number) and press Enter (it is not scored).",
                            "↑↓（または番号）で回答を選び Enter（採点対象外）。",
                        )
                        .to_owned(),
                        notice(),
                    )
                });
            }
            (
                tr(
                    lang,
                    "Message from the facilitator",
                    "ファシリテーターからのメッセージ",
                )
                .to_owned(),
                doc,
            )
        }
    }
}

fn number_of(item: &InboxItem) -> Option<u32> {
    match item {
        InboxItem::Facilitator { number, .. } => Some(*number),
        _ => None,
    }
}

/// Keys in the reader; false closes it. `choice` is a position in the order shown, `None`
/// until the trainee picks one (↑/↓ or a number); Enter with nothing picked does nothing.
pub(crate) fn reader_key(
    app: &mut App,
    key: InboxKey,
    choice: &mut Option<usize>,
    scroll: &mut u16,
    code: KeyCode,
) -> bool {
    let Some(item) = find(app, key).cloned() else {
        return false;
    };
    let open = answerable(app, &item);
    let n = match &item {
        InboxItem::Message { order, .. } => order.len(),
        InboxItem::Facilitator { question, .. } => question.as_ref().map_or(0, |q| q.choices.len()),
        InboxItem::Alert { .. } => 0,
    };
    match (code, &item) {
        (
            KeyCode::Up | KeyCode::Char('k'),
            InboxItem::Message { .. } | InboxItem::Facilitator { .. },
        ) if open && n > 0 => {
            *choice = Some(choice.map_or(0, |c| c.saturating_sub(1)));
        }
        (
            KeyCode::Down | KeyCode::Char('j'),
            InboxItem::Message { .. } | InboxItem::Facilitator { .. },
        ) if open && n > 0 => {
            *choice = Some(choice.map_or(0, |c| (c + 1).min(n - 1)));
        }
        (
            KeyCode::Char(d @ '1'..='9'),
            InboxItem::Message { .. } | InboxItem::Facilitator { .. },
        ) if open => {
            let pos = d as usize - '1' as usize;
            if pos < n {
                *choice = Some(pos);
            }
        }
        (KeyCode::Enter, InboxItem::Message { inject, order, .. }) if open => {
            let Some(c) = choice.and_then(|pos| order.get(pos)) else {
                return true;
            };
            app.answer(*inject, *c);
            return false;
        }
        (KeyCode::Enter, InboxItem::Facilitator { number, .. }) if open => {
            let Some(c) = *choice else {
                return true;
            };
            app.reply(*number, c);
            return false;
        }
        (KeyCode::Char('t'), InboxItem::Alert { alert, .. }) => {
            app.triage(*alert);
            return false;
        }
        _ => return super::app::scroll_key(code, scroll),
    }
    true
}
