//! Windows over the screens: an inbox entry read whole (and its question answered), any
//! other item in full, the hints, the turn's summary, the confirmations (end the turn, take a
//! hint, quit) and the keys.

use ratatui::Frame;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::app::{App, Doc, InboxKey, Layer, Screen};
use super::main_view::Item;
use super::ui::{self, dim, good, heading, notice, selected, warn};
use super::words;
use super::{composer, findings};
use crate::engine::event::EventKind;
use crate::report::describe::{self, tr};
use crate::scenario::model::{AddressOwner, Command, Lang};
use crate::session::observation::InboxItem;

fn blank() -> (String, Style) {
    (String::new(), Style::new())
}

fn plain(text: impl Into<String>) -> (String, Style) {
    (text.into(), Style::new())
}

/// The inbox entry with this key.
fn find(app: &App, key: InboxKey) -> Option<&InboxItem> {
    app.obs.inbox.iter().find(|i| InboxKey::of(i) == key)
}

/// Whether the entry is a message whose question can still be answered.
fn answerable(app: &App, item: &InboxItem) -> bool {
    words::awaits_answer(app.s(), item)
}

/// The reader's text, with the question's choices (the `choice` one highlighted).
fn reader_doc(app: &App, item: &InboxItem, choice: usize) -> (String, Doc) {
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
                for (n, c) in q.choices.iter().enumerate() {
                    let mark = if *answer == Some(n) {
                        "✓"
                    } else if queued == Some(n) {
                        "•"
                    } else {
                        " "
                    };
                    let style = if open && n == choice {
                        selected()
                    } else {
                        Style::new()
                    };
                    doc.push((format!("{mark} {}. {}", n + 1, c.text.get(lang)), style));
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
                            "Choose an answer with ↑↓ and press Enter.",
                            "↑↓ で回答を選び Enter。",
                        )
                    };
                    (format!("{what}{}", by.unwrap_or_default()), notice())
                };
                doc.push(state);
            }
            (i.subject.get(lang).to_owned(), doc)
        }
    }
}

/// Keys in the reader; false closes it.
pub(crate) fn reader_key(
    app: &mut App,
    key: InboxKey,
    choice: &mut usize,
    scroll: &mut u16,
    code: KeyCode,
) -> bool {
    let Some(item) = find(app, key).cloned() else {
        return false;
    };
    let open = answerable(app, &item);
    match (code, &item) {
        (KeyCode::Up | KeyCode::Char('k'), _) if open => *choice = choice.saturating_sub(1),
        (KeyCode::Down | KeyCode::Char('j'), InboxItem::Message { inject, .. }) if open => {
            let n = app.s().injects[*inject]
                .question
                .as_ref()
                .map_or(0, |q| q.choices.len());
            *choice = (*choice + 1).min(n.saturating_sub(1));
        }
        (KeyCode::Enter, InboxItem::Message { inject, .. }) if open => {
            app.answer(*inject, *choice);
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

/// The title and text of an item opened from a pane.
pub(crate) fn detail(app: &App, item: &Item) -> (String, Doc) {
    let s = app.s();
    let lang = app.lang;
    let o = &app.obs;
    let yes_no = |b: bool| {
        if b {
            tr(lang, "yes", "あり")
        } else {
            tr(lang, "no", "なし")
        }
    };
    match item {
        Item::Host(h) => {
            let host = &s.hosts[*h];
            let mut doc = Doc::new();
            if let Some(d) = &host.description {
                doc.push((d.get(lang).to_owned(), heading()));
            }
            doc.push(plain(format!(
                "{} · {} · {}",
                words::host_kind(host.kind, lang),
                host.os,
                host.address.as_deref().unwrap_or("—")
            )));
            doc.push(plain(format!(
                "{} {}",
                tr(lang, "Segment:", "セグメント："),
                s.segments[host.segment].name.get(lang)
            )));
            doc.push(plain(format!(
                "{} {}",
                tr(lang, "Criticality:", "重要度："),
                words::criticality(host.criticality, lang)
            )));
            if !host.services.is_empty() {
                doc.push(plain(format!(
                    "{} {}",
                    tr(lang, "Services:", "サービス："),
                    host.services.join(", ")
                )));
            }
            if !host.data.is_empty() {
                let names: Vec<&str> = host
                    .data
                    .iter()
                    .map(|d| s.data_sets[*d].name.get(lang))
                    .collect();
                doc.push(plain(format!(
                    "{} {}",
                    tr(lang, "Data:", "データ："),
                    names.join(", ")
                )));
            }
            let watch: Vec<&str> = host
                .alerting
                .iter()
                .map(|x| describe::source(*x, lang))
                .collect();
            doc.push(plain(format!(
                "{} {}",
                tr(lang, "Monitoring:", "監視："),
                if watch.is_empty() {
                    tr(lang, "none", "なし").to_owned()
                } else {
                    watch.join(", ")
                }
            )));
            doc.push(plain(format!(
                "{} {} · {} {}",
                tr(lang, "Logs kept off the host:", "ログの外部転送："),
                yes_no(host.log_forwarding),
                tr(lang, "Backup:", "バックアップ："),
                yes_no(host.backup)
            )));
            let needs: Vec<&str> = s
                .functions
                .iter()
                .filter(|(_, f)| f.depends_on.contains(h))
                .map(|(_, f)| f.name.get(lang))
                .collect();
            if !needs.is_empty() {
                doc.push(plain(format!(
                    "{} {}",
                    tr(lang, "Needed by:", "依存する業務："),
                    needs.join(", ")
                )));
            }
            doc.push(blank());
            doc.push((
                format!(
                    "{} {}",
                    tr(lang, "What you know:", "把握している状態："),
                    words::host_state(&o.hosts[h.index()], lang)
                ),
                notice(),
            ));
            (s.hosts.key(*h).to_owned(), doc)
        }
        Item::Evidence(t) => {
            let tr_ = &s.traces[*t];
            let at = o
                .evidence
                .iter()
                .find(|(x, _)| x == t)
                .map_or(0, |(_, at)| *at);
            let doc = vec![
                plain(match lang {
                    Lang::En => format!(
                        "{} on {} · found in turn {at}",
                        describe::source(tr_.source, lang),
                        s.hosts.key(tr_.host)
                    ),
                    Lang::Ja => format!(
                        "{}の{}・{at}ターン目に発見",
                        s.hosts.key(tr_.host),
                        describe::source(tr_.source, lang)
                    ),
                }),
                blank(),
                (tr_.text.get(lang).to_owned(), heading()),
            ];
            (tr(lang, "Evidence", "証拠").to_owned(), doc)
        }
        Item::Findings => {
            let doc = o
                .findings
                .as_ref()
                .map(|(f, _)| findings::findings_doc(app, f))
                .unwrap_or_default();
            (tr(lang, "Findings report", "調査報告").to_owned(), doc)
        }
        Item::Hint(h) => (
            words::hint_name(*h, lang),
            vec![plain(s.hints[*h].text.get(lang))],
        ),
        Item::Queued(i) => {
            let Some(c) = o.queued.get(*i) else {
                return (String::new(), Doc::new());
            };
            let mut doc = composer::preview_doc(app, c);
            doc.push(blank());
            doc.push((
                tr(
                    lang,
                    "Press x on it in the Work pane to take it off the queue.",
                    "作業欄で x を押すと予約を取り消せる。",
                )
                .to_owned(),
                dim(),
            ));
            (tr(lang, "Queued", "予約済みの対応").to_owned(), doc)
        }
        Item::Task(i) => {
            let Some(t) = o.tasks.get(*i) else {
                return (String::new(), Doc::new());
            };
            let cmd = Command::Act {
                action: t.action,
                target: t.target.clone(),
            };
            let mut doc = vec![(describe::command(s, &cmd, lang), heading())];
            doc.push(plain(match lang {
                Lang::En => format!(
                    "Started in turn {}; {} more turn(s) to go.",
                    t.started, t.remaining
                ),
                Lang::Ja => format!("{}ターン目に開始、残り{}ターン。", t.started, t.remaining),
            }));
            if let Some(d) = &s.actions[t.action].description {
                doc.push(blank());
                doc.push((d.get(lang).to_owned(), dim()));
            }
            (tr(lang, "In progress", "実行中").to_owned(), doc)
        }
        Item::Deadline(rule) => {
            let r = &s.notifications[*rule];
            let d = o.deadlines.iter().find(|d| d.rule == *rule);
            let who = s.stakeholders[r.stakeholder].name.get(lang);
            let mut doc = vec![(who.to_owned(), heading())];
            if let Some(d) = d {
                doc.push(plain(match (lang, d.kept, d.missed) {
                    (Lang::En, true, _) => "Informed in time.".to_owned(),
                    (Lang::En, _, true) => format!("Missed: it was due by turn {}.", d.due),
                    (Lang::En, _, _) => {
                        format!("Inform them by turn {} (use a notify action).", d.due)
                    }
                    (Lang::Ja, true, _) => "期限内に報告した。".to_owned(),
                    (Lang::Ja, _, true) => format!("期限（{}ターン目）を過ぎた。", d.due),
                    (Lang::Ja, _, _) => {
                        format!("{}ターン目までに報告すること（報告の対応を使う）。", d.due)
                    }
                }));
            }
            doc.push(blank());
            doc.push((r.basis.get(lang).to_owned(), dim()));
            (tr(lang, "Reporting deadline", "報告期限").to_owned(), doc)
        }
        Item::Refused(i) => {
            let Some((c, r)) = o.refused.get(*i) else {
                return (String::new(), Doc::new());
            };
            let doc = vec![
                (describe::command(s, c, lang), heading()),
                (describe::refusal(r, lang), warn()),
            ];
            (tr(lang, "Not done", "実行できなかった対応").to_owned(), doc)
        }
        Item::Address(x) => {
            let a = &s.addresses[*x];
            let mut doc = vec![(a.address.clone(), heading())];
            if let AddressOwner::Legitimate { name, serves } = &a.owner {
                doc.push(plain(name.get(lang)));
                let names: Vec<&str> = serves
                    .iter()
                    .map(|f| s.functions[*f].name.get(lang))
                    .collect();
                if !names.is_empty() {
                    doc.push(plain(format!(
                        "{} {}",
                        tr(lang, "Needed by:", "依存する業務："),
                        names.join(", ")
                    )));
                }
            }
            if o.addresses.iter().any(|v| v.address == *x && v.blocked) {
                doc.push((tr(lang, "Blocked.", "遮断済み。").to_owned(), notice()));
            }
            (tr(lang, "Outside address", "外部アドレス").to_owned(), doc)
        }
        Item::Account(x) => {
            let a = &s.accounts[*x];
            let mut doc = vec![(s.accounts.key(*x).to_owned(), heading())];
            if let Some(d) = &a.description {
                doc.push(plain(d.get(lang)));
            }
            if let Some(v) = o.accounts.iter().find(|v| v.account == *x) {
                if v.flagged {
                    doc.push((
                        tr(
                            lang,
                            "Evidence shows it is compromised.",
                            "証拠から侵害が判明している。",
                        )
                        .to_owned(),
                        warn(),
                    ));
                }
                if v.disabled {
                    doc.push((tr(lang, "Disabled.", "無効化済み。").to_owned(), notice()));
                }
            }
            (tr(lang, "Account", "アカウント").to_owned(), doc)
        }
        Item::Inbox(_) => (String::new(), Doc::new()),
    }
}

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
                let title = match lang {
                    Lang::En => format!("Turn {turn} — {} elapsed", words::clock(app.obs.minutes)),
                    Lang::Ja => format!("ターン{turn}（経過{}）", words::clock(app.obs.minutes)),
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
            let name = words::hint_name(*hint, lang);
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
                    "End turn {} and play it? {} command(s) queued, {} effort unused.",
                    o.turn + 1,
                    o.queued.len(),
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
                "Quit the exercise? The replay of the {turns} turn(s) played is kept in {}.",
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
        let name = words::hint_name(h, lang);
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
