//! Any item of the main screen's panes in full (a host, evidence, the findings, a hint, a
//! queued action, a task, a deadline …), as a title and paragraphs.

use super::app::{App, Doc};
use super::main_view::Item;
use super::ui::{blank, dim, heading, notice, plain, warn};
use super::words;
use super::{composer, findings};
use crate::report::describe::{self, tr};
use crate::scenario::model::{AddressOwner, Command, Lang};

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
            words::hint_name(s, *h, lang),
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
                    "Started in turn {}; {} more to go.",
                    t.started,
                    describe::n(t.remaining, "turn")
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
