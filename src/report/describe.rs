//! Sentences for events, targets, refusals and scorecard reasons, in English or Japanese.
//! Scenario text (names, alert texts, messages) comes from the scenario; only the wording
//! around it lives here. Nothing here prints.

use crate::engine::event::{Cause, Event, EventKind, Refusal};
use crate::engine::state::EndReason;
use crate::scenario::Scenario;
use crate::scenario::model::{AlertId, Command, Lang, Outcome, Privilege, Reaction, Target};
use crate::scoring::{Detection, PenaltyKind, Reason, Status};

/// Picks the English or Japanese wording.
pub fn tr<'a>(lang: Lang, en: &'a str, ja: &'a str) -> &'a str {
    match lang {
        Lang::En => en,
        Lang::Ja => ja,
    }
}

/// An English count with its noun in the right number: `n(1, "turn")` is "1 turn",
/// `n(3, "turn")` "3 turns" (nouns of this program take an "s").
pub fn n(count: impl Into<i128>, noun: &str) -> String {
    let count = count.into();
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// A title put in the middle of an English sentence: a leading article is lower-cased
/// ("switches to a second implant", not "switches to A second implant").
pub fn mid_sentence(title: &str) -> std::borrow::Cow<'_, str> {
    for article in ["A ", "An ", "The "] {
        if let Some(rest) = title.strip_prefix(article) {
            return format!("{}{rest}", article.to_lowercase()).into();
        }
    }
    title.into()
}

/// A team's heading: "Team Red", but "Team A" for a team called so (not "Team Team A").
pub fn team_heading(name: &str, lang: Lang) -> String {
    let lower = name.trim().to_lowercase();
    let named = lower == "team"
        || lower.starts_with("team ")
        || lower.ends_with(" team")
        || name.contains("チーム")
        || name.contains("班");
    if named {
        name.to_owned()
    } else {
        match lang {
            Lang::En => format!("Team {name}"),
            Lang::Ja => format!("チーム {name}"),
        }
    }
}

/// The in-world time `minutes` into the exercise: the weekday and wall-clock time when the
/// scenario says when it starts ("Tue 09:00", "火 9:00"), else the time elapsed ("+1:30").
pub fn world_time(s: &Scenario, minutes: u32, lang: Lang) -> String {
    let Some(start) = s.start else {
        return format!("+{}:{:02}", minutes / 60, minutes % 60);
    };
    let at = start
        .checked_add(jiff::Span::new().minutes(i64::from(minutes)))
        .unwrap_or(start);
    let day = at.weekday().to_sunday_zero_offset() as usize;
    match lang {
        Lang::En => {
            const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
            format!("{} {:02}:{:02}", DAYS[day], at.hour(), at.minute())
        }
        Lang::Ja => {
            const DAYS: [&str; 7] = ["日", "月", "火", "水", "木", "金", "土"];
            format!("{} {}:{:02}", DAYS[day], at.hour(), at.minute())
        }
    }
}

/// A label before a value: `"Label: "` in English, `"ラベル："` in Japanese (a full-width
/// colon takes no space after it).
pub fn lab(lang: Lang, en: &str, ja: &str) -> String {
    match lang {
        Lang::En => format!("{en} "),
        Lang::Ja => ja.to_owned(),
    }
}

/// How a message arrived, as a word.
pub fn channel(c: crate::scenario::model::Channel, lang: Lang) -> &'static str {
    use crate::scenario::model::Channel as C;
    match c {
        C::Email => tr(lang, "Email", "メール"),
        C::Phone => tr(lang, "Phone call", "電話"),
        C::Alert => tr(lang, "Alert", "アラート"),
        C::News => tr(lang, "News", "報道"),
        C::Chat => tr(lang, "Chat", "チャット"),
        C::Meeting => tr(lang, "Meeting", "打ち合わせ"),
        C::Ticket => tr(lang, "Ticket", "問い合わせ票"),
    }
}

/// How and from whom a message came (`Phone call from Ms Ito`, `副町長との打ち合わせ`).
pub fn message_from(s: &Scenario, inject: crate::scenario::model::InjectId, lang: Lang) -> String {
    let i = &s.injects[inject];
    let from = s.stakeholders[i.from].name.get(lang);
    let how = channel(i.channel, lang);
    match lang {
        Lang::En if i.channel == crate::scenario::model::Channel::Meeting => {
            format!("{how} with {from}")
        }
        Lang::En => format!("{how} from {from}"),
        Lang::Ja if i.channel == crate::scenario::model::Channel::Meeting => {
            format!("{from}との{how}")
        }
        Lang::Ja => format!("{from}から{how}"),
    }
}

/// An alert severity, as a word.
pub fn severity_word(v: crate::scenario::model::Severity, lang: Lang) -> &'static str {
    use crate::scenario::model::Severity as V;
    match v {
        V::Info => tr(lang, "Info", "情報"),
        V::Low => tr(lang, "Low", "低"),
        V::Medium => tr(lang, "Medium", "中"),
        V::High => tr(lang, "High", "高"),
        V::Critical => tr(lang, "Critical", "重大"),
    }
}

/// A MITRE ATT&CK tactic by its name: ATT&CK's English name, or the Japanese term in common
/// use in Japanese incident reports.
pub fn tactic_name(t: crate::scenario::model::Tactic, lang: Lang) -> &'static str {
    use crate::scenario::model::Tactic as T;
    let (en, ja) = match t {
        T::Reconnaissance => ("Reconnaissance", "偵察"),
        T::ResourceDevelopment => ("Resource Development", "リソース開発"),
        T::InitialAccess => ("Initial Access", "初期アクセス"),
        T::Execution => ("Execution", "実行"),
        T::Persistence => ("Persistence", "永続化"),
        T::PrivilegeEscalation => ("Privilege Escalation", "権限昇格"),
        T::DefenseEvasion => ("Defense Evasion", "防御回避"),
        T::CredentialAccess => ("Credential Access", "認証情報アクセス"),
        T::Discovery => ("Discovery", "探索"),
        T::LateralMovement => ("Lateral Movement", "水平展開"),
        T::Collection => ("Collection", "収集"),
        T::CommandAndControl => ("Command and Control", "コマンド＆コントロール"),
        T::Exfiltration => ("Exfiltration", "持ち出し"),
        T::Impact => ("Impact", "影響"),
    };
    tr(lang, en, ja)
}

/// A short label for a target.
pub fn target(s: &Scenario, t: &Target, lang: Lang) -> String {
    match t {
        Target::Org => tr(lang, "the organisation", "組織").to_owned(),
        Target::Host(h) => s.hosts.key(*h).to_owned(),
        Target::Segment(x) => s.segments[*x].name.get(lang).to_owned(),
        Target::Account(x) => s.accounts.key(*x).to_owned(),
        Target::Address(x) => s.addresses[*x].address.clone(),
        Target::Alert(a) => alert_title(s, *a, lang),
        Target::Stakeholder(x) => s.stakeholders[*x].name.get(lang).to_owned(),
        Target::Mitigation(x) => s.mitigations[*x].name.get(lang).to_owned(),
        Target::Findings(f) => format!(
            "{} ({})",
            tr(lang, "report", "報告書"),
            s.entry_vectors[f.entry].text.get(lang)
        ),
    }
}

/// The text of an alert. It is always shown after its title ([`alert_title`]: the source and
/// the host), so a text that opens by naming its host again (`EDR on pc-01: …`) is shown
/// without that opening.
pub fn alert_text(s: &Scenario, a: AlertId, lang: Lang) -> &str {
    let (text, host) = match a {
        AlertId::Trace(t) => (s.traces[t].text.get(lang), s.traces[t].host),
        AlertId::Noise(n) => (s.noise[n].text.get(lang), s.noise[n].host),
    };
    without_host_opening(text, s.hosts.key(host))
}

/// `"EDR on pc-01: WINWORD.EXE …"` → `"WINWORD.EXE …"` when `host` is `pc-01`: a short
/// opening before the first colon that names the host.
fn without_host_opening<'a>(text: &'a str, host: &str) -> &'a str {
    let colon = text
        .char_indices()
        .find(|&(_, c)| c == ':' || c == '：')
        .filter(|&(i, _)| i <= 48);
    match colon {
        Some((i, c)) if text[..i].contains(host) => {
            let rest = text[i + c.len_utf8()..].trim_start();
            if rest.is_empty() { text } else { rest }
        }
        _ => text,
    }
}

/// A command as the team wrote it.
pub fn command(s: &Scenario, c: &Command, lang: Lang) -> String {
    match c {
        Command::Act { action, target: t } => {
            let name = s.actions[*action].name.get(lang);
            match t {
                Target::Org => name.to_owned(),
                _ => match lang {
                    Lang::En => format!("{name}: {}", target(s, t, lang)),
                    Lang::Ja => format!("{name}（{}）", target(s, t, lang)),
                },
            }
        }
        Command::Answer { inject, choice } => {
            let q = s.injects[*inject].question.as_ref();
            let text = q.map_or("", |q| q.choices[*choice].text.get(lang));
            match lang {
                Lang::En => format!("Answer “{text}”"),
                Lang::Ja => format!("回答「{text}」"),
            }
        }
        Command::Hint(h) => format!(
            "{}{}",
            lab(lang, "Hint:", "ヒント："),
            hint_title(s, *h, lang)
        ),
        Command::Reply { message, choice } => match lang {
            Lang::En => format!(
                "Reply to the facilitator's message {message}: choice {}",
                choice + 1
            ),
            Lang::Ja => format!(
                "ファシリテーターのメッセージ{message}への回答：選択肢{}",
                choice + 1
            ),
        },
    }
}

/// Who a reporting duty is owed to, with the action that keeps it when that is not a `Notify`
/// of them ("Port users — Publish a statement on the website").
pub fn duty(s: &Scenario, rule: crate::scenario::model::RuleId, lang: Lang) -> String {
    let r = &s.notifications[rule];
    let who = s.stakeholders[r.stakeholder].name.get(lang);
    match r.kept_by {
        None => who.to_owned(),
        Some(a) => format!("{who} — {}", s.actions[a].name.get(lang)),
    }
}

/// Why a command was refused.
pub fn refusal(r: &Refusal, lang: Lang) -> String {
    match lang {
        Lang::En => r.explain(),
        Lang::Ja => match r {
            Refusal::SessionOver => "セッションは終了している".into(),
            Refusal::NotEnoughEffort { needed, left } => {
                format!("工数が{needed}必要だが、このターンの残りは{left}")
            }
            Refusal::AlreadyRunning => "同じ対象に同じ対応がすでに実行中".into(),
            Refusal::AlertNotSeen => "そのアラートは受信箱にない".into(),
            Refusal::AlreadyTriaged => "そのアラートはトリアージ済み".into(),
            Refusal::AlreadyIsolated => "そのホストはすでに隔離されている".into(),
            Refusal::NotIsolated => "隔離されていない".into(),
            Refusal::SegmentAlreadyIsolated => "そのセグメントはすでに隔離されている".into(),
            Refusal::AddressUnknown => {
                "そのアドレスはまだどのアラートや証拠にも出てきていない".into()
            }
            Refusal::AlreadyBlocked => "そのアドレスはすでに遮断済み".into(),
            Refusal::AlreadyDisabled => "そのアカウントはすでに無効化済み".into(),
            Refusal::HostBusy => "そのホストは再構築またはパッチ適用中".into(),
            Refusal::NoBackup => "そのホストのバックアップはない".into(),
            Refusal::NothingToPatch => "そのホストに残っている既知の脆弱性はない".into(),
            Refusal::EmptySegment => {
                "そのセグメントには自組織のホストがなく、調べる対象がない".into()
            }
            Refusal::AlreadyMitigated => "その防御設定はすでに有効".into(),
            Refusal::NotBlocked => "そのアドレスは遮断されていない".into(),
            Refusal::NotDisabled => "そのアカウントは無効化されていない".into(),
            Refusal::NotMitigated => "その防御設定は有効になっていない".into(),
            Refusal::InjectNotDelivered => "そのメッセージはまだ届いていない".into(),
            Refusal::NoQuestion => "そのメッセージには質問がない".into(),
            Refusal::AlreadyAnswered => "すでに回答済み".into(),
            Refusal::QuestionExpired => "回答の期限を過ぎている".into(),
            Refusal::HintNotYet { from_turn } => format!("そのヒントは{from_turn}ターン目から"),
            Refusal::HintNotRelevant => {
                "そのヒントは今は提供されていない（対応済みか、まだその段階ではない）".into()
            }
            Refusal::HintTaken => "そのヒントはすでに使った".into(),
            Refusal::NoSuchHint => "そのヒントはない".into(),
            Refusal::MessageNumberUsed => "その番号のメッセージはすでに送られている".into(),
            Refusal::NoSuchMessage => "その番号のメッセージは届いていない".into(),
            Refusal::NoSuchChoice => "そのメッセージにその選択肢はない".into(),
        },
    }
}

fn cause(c: Cause, lang: Lang) -> &'static str {
    match c {
        Cause::Mitigated => tr(lang, "a protection is on", "防御設定が有効"),
        Cause::AddressBlocked => tr(lang, "its address is blocked", "アドレスが遮断された"),
        Cause::C2Blocked => tr(lang, "its command channel is blocked", "C2通信が遮断された"),
        Cause::Isolated => tr(
            lang,
            "a host it needs is cut off",
            "必要なホストが隔離された",
        ),
        Cause::FootholdLost => tr(lang, "its foothold was removed", "足場が除去された"),
        Cause::CredentialsRevoked => tr(
            lang,
            "the stolen credentials no longer work",
            "盗んだ認証情報が無効になった",
        ),
        Cause::Patched => tr(lang, "the vulnerability was patched", "脆弱性が修正された"),
        Cause::NoPath => tr(lang, "no network path is left", "通信経路が断たれた"),
        Cause::DataGone => tr(
            lang,
            "the data it was after has been deleted",
            "狙っていたデータは削除済みだった",
        ),
        Cause::InternetCut => tr(
            lang,
            "the connection to the internet is cut",
            "インターネットとの接続が遮断された",
        ),
    }
}

/// One event as a sentence.
pub fn event(s: &Scenario, e: &Event, lang: Lang) -> String {
    match &e.kind {
        EventKind::Started { action, target: t } => format!(
            "{}{}",
            lab(lang, "Started:", "開始："),
            command(
                s,
                &Command::Act {
                    action: *action,
                    target: t.clone()
                },
                lang
            )
        ),
        EventKind::Refused { command: c, reason } => format!(
            "{}{} — {}",
            lab(lang, "Refused:", "実行できない："),
            command(s, c, lang),
            refusal(reason, lang)
        ),
        EventKind::Completed {
            action, target: t, ..
        } => format!(
            "{}{}",
            lab(lang, "Done:", "完了："),
            command(
                s,
                &Command::Act {
                    action: *action,
                    target: t.clone()
                },
                lang
            )
        ),
        EventKind::Answered { inject, choice } => {
            let q = s.injects[*inject].question.as_ref();
            let text = q.map_or("", |q| q.choices[*choice].text.get(lang));
            match lang {
                Lang::En => format!("Answered: “{text}”"),
                Lang::Ja => format!("回答：「{text}」"),
            }
        }
        EventKind::HintTaken { hint } => format!(
            "{}{}",
            lab(lang, "Hint:", "ヒント："),
            s.hints[*hint].text.get(lang)
        ),
        EventKind::HintGranted { hint } => format!(
            "{}{}",
            lab(
                lang,
                "Hint from the facilitator:",
                "ファシリテーターからのヒント："
            ),
            s.hints[*hint].text.get(lang)
        ),
        EventKind::Message { text, question, .. } => {
            let mut line = format!(
                "{}{text}",
                lab(
                    lang,
                    "Message from the facilitator:",
                    "ファシリテーターからのメッセージ："
                )
            );
            if let Some(q) = question {
                line.push_str(&match lang {
                    Lang::En => format!(" — {}", q.prompt),
                    Lang::Ja => format!("　{}", q.prompt),
                });
            }
            line
        }
        EventKind::Replied { text, .. } => match lang {
            Lang::En => format!("Replied to the facilitator: “{text}”"),
            Lang::Ja => format!("ファシリテーターへの回答：「{text}」"),
        },
        EventKind::Alert { alert } => format!(
            "[{}] {}{}{}",
            severity_word(alert_severity(s, *alert), lang),
            alert_title(s, *alert, lang),
            tr(lang, ": ", "："),
            alert_text(s, *alert, lang)
        ),
        EventKind::Triaged { alert, malicious } => format!(
            "{}{} — {}",
            lab(lang, "Triage:", "トリアージ："),
            alert_title(s, *alert, lang),
            if *malicious {
                tr(lang, "malicious", "悪性（真陽性）")
            } else {
                tr(lang, "false positive", "誤検知")
            }
        ),
        EventKind::Found { trace } => format!(
            "{}{}",
            lab(lang, "Evidence:", "証拠："),
            s.traces[*trace].text.get(lang)
        ),
        EventKind::NothingFound {
            action,
            target: t,
            known,
        } => {
            let what = command(
                s,
                &Command::Act {
                    action: *action,
                    target: t.clone(),
                },
                lang,
            );
            // What the investigation found, not what is true: an attacker who left nothing
            // for this kind of look can still be there.
            match (lang, known) {
                (Lang::En, false) => format!("{what} — it found no sign of compromise"),
                (Lang::En, true) => format!("{what} — it found nothing new"),
                (Lang::Ja, false) => format!("{what} — 侵害の痕跡は見つからなかった"),
                (Lang::Ja, true) => format!("{what} — 新たな痕跡は見つからなかった"),
            }
        }
        EventKind::Inject { inject } => format!(
            "{}{}{}",
            message_from(s, *inject, lang),
            tr(lang, ": ", "："),
            s.injects[*inject].subject.get(lang)
        ),
        EventKind::FunctionDown { function } => format!(
            "{}{}",
            s.functions[*function].name.get(lang),
            tr(lang, " is down", "が停止")
        ),
        EventKind::FunctionUp { function } => format!(
            "{}{}",
            s.functions[*function].name.get(lang),
            tr(lang, " is back", "が再開")
        ),
        EventKind::DeadlineStarted { rule, due } => {
            let r = &s.notifications[*rule];
            let who = s.stakeholders[r.stakeholder].name.get(lang);
            match (lang, r.kept_by) {
                (Lang::En, None) => {
                    format!("Deadline: notify {who} by turn {due} ({})", r.basis.en)
                }
                (Lang::En, Some(a)) => format!(
                    "Deadline: {} for {who} by turn {due} ({})",
                    s.actions[a].name.en, r.basis.en
                ),
                (Lang::Ja, None) => {
                    format!("期限：{due}ターン目までに{who}へ報告（{}）", r.basis.ja)
                }
                (Lang::Ja, Some(a)) => format!(
                    "期限：{due}ターン目までに{who}向けに「{}」（{}）",
                    s.actions[a].name.ja, r.basis.ja
                ),
            }
        }
        EventKind::DeadlineKept { rule } => {
            let ja = if s.notifications[*rule].kept_by.is_some() {
                "期限内に対応："
            } else {
                "期限内に報告："
            };
            format!(
                "{}{}",
                lab(lang, "Deadline kept:", ja),
                duty(s, *rule, lang)
            )
        }
        EventKind::DeadlineMissed { rule } => {
            let ja = if s.notifications[*rule].kept_by.is_some() {
                "対応期限超過："
            } else {
                "報告期限超過："
            };
            format!(
                "{}{}",
                lab(lang, "Deadline missed:", ja),
                duty(s, *rule, lang)
            )
        }
        EventKind::QuestionExpired { inject } => format!(
            "{}{}",
            lab(lang, "No answer in time:", "回答期限切れ："),
            s.injects[*inject].subject.get(lang)
        ),
        EventKind::StageDone { stage } => {
            let st = &s.stages[*stage];
            let (open, close) = match lang {
                Lang::En => (" (", ")"),
                Lang::Ja => ("（", "）"),
            };
            format!(
                "{}{}{open}{} {}{close}",
                lab(lang, "Attacker:", "攻撃者："),
                st.name.get(lang),
                st.technique,
                tactic_name(st.tactic, lang)
            )
        }
        EventKind::StageBlocked { stage, cause: c } => format!(
            "{}{} — {}",
            lab(lang, "Attacker blocked:", "攻撃を阻止："),
            s.stages[*stage].name.get(lang),
            cause(*c, lang)
        ),
        EventKind::Reacted { stage, reaction } => {
            let what = match reaction {
                Reaction::Switch(alt) => format!(
                    "{}{}",
                    lab(lang, "switches to", "経路を変更："),
                    mid_sentence(s.stages[*alt].name.get(lang))
                ),
                Reaction::Dormant(n) => match lang {
                    Lang::En => format!("goes quiet for {}", self::n(*n, "turn")),
                    Lang::Ja => format!("{n}ターン潜伏する"),
                },
                Reaction::Abandon => tr(lang, "gives up this step", "この手順を断念").to_owned(),
            };
            format!(
                "{}{} ({})",
                lab(lang, "Attacker reacts:", "攻撃者の反応："),
                what,
                s.stages[*stage].name.get(lang)
            )
        }
        EventKind::Foothold { host, level } => format!(
            "{}{} ({})",
            lab(lang, "Attacker holds", "攻撃者が掌握："),
            s.hosts.key(*host),
            match level {
                Privilege::User => tr(lang, "user", "一般ユーザ権限"),
                Privilege::Admin => tr(lang, "admin", "管理者権限"),
            }
        ),
        EventKind::FootholdRemoved { host } => format!(
            "{}{}",
            lab(lang, "Attacker removed from", "攻撃者を排除："),
            s.hosts.key(*host)
        ),
        EventKind::CredentialsStolen { account } => format!(
            "{}{}",
            lab(lang, "Credentials stolen:", "認証情報の窃取："),
            s.accounts.key(*account)
        ),
        EventKind::Exfiltrated { data } => format!(
            "{}{}",
            lab(lang, "Data stolen:", "データ流出："),
            s.data_sets[*data].name.get(lang)
        ),
        EventKind::Encrypted { host } => format!(
            "{}{}",
            lab(lang, "Encrypted by ransomware:", "ランサムウェアで暗号化："),
            s.hosts.key(*host)
        ),
        EventKind::Disrupted { host, until } => match lang {
            Lang::En => format!("{} disrupted until turn {until}", s.hosts.key(*host)),
            Lang::Ja => format!("{} が{until}ターン目まで停止", s.hosts.key(*host)),
        },
        EventKind::DataLost { data } => format!(
            "{}{}",
            lab(lang, "Data lost:", "データ消失："),
            s.data_sets[*data].name.get(lang)
        ),
        EventKind::Rebuilt {
            host,
            was_compromised,
            was_encrypted,
        } => format!(
            "{}{}{}",
            lab(lang, "Rebuilt", "再構築："),
            s.hosts.key(*host),
            if *was_compromised || *was_encrypted {
                ""
            } else {
                tr(lang, " (it was clean)", "（感染していなかった）")
            }
        ),
        EventKind::EvidenceWiped {
            host,
            was_compromised,
            was_imaged,
        } => format!(
            "{}{}{}",
            lab(lang, "Evidence wiped on", "証拠が消えた："),
            s.hosts.key(*host),
            match (was_compromised, was_imaged) {
                (true, true) => tr(lang, " (an image was kept)", "（イメージは保全済み）"),
                (true, false) => tr(lang, " before it was imaged", "（イメージ取得前）"),
                _ => "",
            }
        ),
        EventKind::Containment { contained } => if *contained {
            tr(
                lang,
                "The attacker has lost control of every foothold",
                "攻撃者はすべての足場の制御を失った",
            )
        } else {
            tr(
                lang,
                "The attacker controls a foothold",
                "攻撃者が足場を制御している",
            )
        }
        .to_owned(),
        EventKind::Ended { outcome, reason } => ending(*outcome, *reason, lang),
    }
}

/// How a session ended, as a sentence.
pub fn ending(outcome: Outcome, reason: EndReason, lang: Lang) -> String {
    let why = match reason {
        EndReason::TeamWon => tr(lang, "the incident is handled", "インシデント対応を完了"),
        EndReason::AdversaryGoal => tr(lang, "the attacker reached its goal", "攻撃者が目的を達成"),
        EndReason::TimeLimit => tr(lang, "time is up", "時間切れ"),
    };
    let what = match outcome {
        Outcome::Win => tr(lang, "Win", "勝利"),
        Outcome::Loss => tr(lang, "Loss", "敗北"),
    };
    match lang {
        Lang::En => format!("{what}: {why}"),
        Lang::Ja => format!("{what}：{why}"),
    }
}

/// A win condition (or any condition) as a phrase: what must hold.
pub fn condition(s: &Scenario, c: &crate::scenario::model::Condition, lang: Lang) -> String {
    use crate::scenario::model::Condition as C;
    let en = lang == Lang::En;
    let list = |cs: &[C], sep_en: &str, sep_ja: &str| {
        cs.iter()
            .map(|c| condition(s, c, lang))
            .collect::<Vec<_>>()
            .join(if en { sep_en } else { sep_ja })
    };
    match c {
        C::Turn(n) => {
            if en {
                format!("turn {n} reached")
            } else {
                format!("{n}ターン目に到達")
            }
        }
        C::StageDone(st) => {
            let name = s.stages[*st].name.get(lang);
            if en {
                format!("the attacker's step “{name}” happened")
            } else {
                format!("攻撃者の段階「{name}」が発生")
            }
        }
        C::TraceFound(t) => {
            let text = s.traces[*t].text.get(lang);
            if en {
                format!("found: {text}")
            } else {
                format!("発見：{text}")
            }
        }
        C::AlertSeen(a) => {
            let title = alert_title(s, *a, lang);
            if en {
                format!("alert seen: {title}")
            } else {
                format!("アラートを確認：{title}")
            }
        }
        C::InjectReceived(i) => {
            let subject = s.injects[*i].subject.get(lang);
            if en {
                format!("message received: {subject}")
            } else {
                format!("メッセージを受信：{subject}")
            }
        }
        C::Answered(i, _) => {
            let subject = s.injects[*i].subject.get(lang);
            if en {
                format!("answered: {subject}")
            } else {
                format!("回答：{subject}")
            }
        }
        C::Notified(x) => {
            let who = s.stakeholders[*x].name.get(lang);
            if en {
                format!("{who} notified")
            } else {
                format!("{who}へ報告")
            }
        }
        C::ActionDone(a) => {
            let name = s.actions[*a].name.get(lang);
            if en {
                format!("done: {name}")
            } else {
                format!("実施：{name}")
            }
        }
        C::HostCompromised(h) => {
            let h = s.hosts.key(*h);
            if en {
                format!("the attacker holds {h}")
            } else {
                format!("攻撃者が{h}を掌握")
            }
        }
        C::HostIsolated(h) => {
            let h = s.hosts.key(*h);
            if en {
                format!("{h} isolated")
            } else {
                format!("{h}を隔離")
            }
        }
        C::AddressBlocked(a) => {
            let a = &s.addresses[*a].address;
            if en {
                format!("{a} blocked")
            } else {
                format!("{a}を遮断")
            }
        }
        C::Mitigated(m) => {
            let name = s.mitigations[*m].name.get(lang);
            if en {
                format!("protection on: {name}")
            } else {
                format!("防御設定：{name}")
            }
        }
        C::CredentialsStolen(a) => {
            let a = s.accounts.key(*a);
            if en {
                format!("the credentials of {a} stolen and still valid")
            } else {
                format!("{a}の認証情報が盗まれ有効なまま")
            }
        }
        C::DataExfiltrated(d) => {
            let name = s.data_sets[*d].name.get(lang);
            if en {
                format!("{name} stolen")
            } else {
                format!("{name}が流出")
            }
        }
        C::FunctionDown(f) => {
            let name = s.functions[*f].name.get(lang);
            if en {
                format!("{name} down")
            } else {
                format!("{name}が停止")
            }
        }
        C::Contained => tr(lang, "the attacker contained", "攻撃者を封じ込め").into(),
        C::Evicted => tr(
            lang,
            "the attacker out of every host",
            "攻撃者をすべてのホストから排除",
        )
        .into(),
        C::FindingsSubmitted => tr(lang, "a findings report filed", "調査報告を提出").into(),
        C::FindingsRight(p) => {
            if en {
                format!(
                    "a findings report that is mostly right (the right entry vector, {p}% of hosts and data right)"
                )
            } else {
                format!(
                    "おおむね正しい調査報告（侵入経路が正しく、ホストとデータの{p}%以上が正しい）"
                )
            }
        }
        C::All(cs) => list(cs, " and ", "かつ"),
        C::Any(cs) => {
            if en {
                format!("one of: {}", list(cs, "; ", "、"))
            } else {
                format!("次のいずれか：{}", list(cs, "; ", "、"))
            }
        }
        C::Not(inner) => match inner.as_ref() {
            C::FunctionDown(f) => {
                let name = s.functions[*f].name.get(lang);
                if en {
                    format!("{name} up")
                } else {
                    format!("{name}が稼働中")
                }
            }
            C::CredentialsStolen(a) => {
                let a = s.accounts.key(*a);
                if en {
                    format!("no stolen credentials of {a} still valid")
                } else {
                    format!("{a}の盗まれた認証情報が無効")
                }
            }
            other => {
                let inner = condition(s, other, lang);
                if en {
                    format!("not ({inner})")
                } else {
                    format!("「{inner}」ではない")
                }
            }
        },
    }
}

/// Why an answer that is right only under a condition was right (or not) this time.
pub fn right_if(
    s: &Scenario,
    c: &crate::scenario::model::Condition,
    right: bool,
    lang: Lang,
) -> String {
    let what = condition(s, c, lang);
    match (lang, right) {
        (Lang::En, true) => format!("Right this time, because when you answered: {what}."),
        (Lang::En, false) => {
            format!("Not right this time: it is right only when {what}, and that was not so.")
        }
        (Lang::Ja, true) => format!("今回は正解：回答した時点で「{what}」だったため。"),
        (Lang::Ja, false) => {
            format!("今回は不正解：「{what}」の場合にのみ正しいが、そうではなかった。")
        }
    }
}

/// An objective's status as a word.
pub fn status(st: Status, lang: Lang) -> &'static str {
    match st {
        Status::Met => tr(lang, "met", "達成"),
        Status::Partial => tr(lang, "partly met", "一部達成"),
        Status::Missed => tr(lang, "missed", "未達成"),
        Status::NotApplicable => tr(lang, "not applicable", "対象外"),
        Status::Pending => tr(lang, "pending", "判定前"),
    }
}

/// A scorecard reason as a sentence.
pub fn reason(s: &Scenario, r: &Reason, lang: Lang) -> String {
    let en = lang == Lang::En;
    match r {
        Reason::StageAvoided => tr(lang, "it never happened", "発生しなかった").into(),
        Reason::StageHappened { turn } => {
            if en {
                format!("it happened at turn {turn}")
            } else {
                format!("{turn}ターン目に発生した")
            }
        }
        Reason::Detected { turn, by_turn, how } => {
            let how = match how {
                Detection::Triage => tr(
                    lang,
                    "by triaging a true alert",
                    "真のアラートのトリアージで",
                ),
                Detection::Evidence => tr(lang, "from evidence found", "発見した証拠から"),
                Detection::Report => tr(lang, "in the findings report", "調査報告で"),
                Detection::Told => tr(lang, "when an outside party told you", "外部からの通報で"),
            };
            if en {
                format!("confirmed at turn {turn} {how} (full points by turn {by_turn})")
            } else {
                format!("{turn}ターン目に{how}確認（{by_turn}ターン目までなら満点）")
            }
        }
        Reason::NotDetected { by_turn } => {
            if en {
                format!("never confirmed (wanted by turn {by_turn})")
            } else {
                format!("確認できなかった（{by_turn}ターン目までが目標）")
            }
        }
        Reason::NoCompromise => {
            tr(lang, "the attacker never got in", "攻撃者は侵入しなかった").into()
        }
        Reason::Contained {
            foothold,
            turn,
            within,
        } => {
            if en {
                format!(
                    "contained at turn {turn}, {} after the foothold at turn {foothold}; full points within {within}",
                    n(turn - foothold, "turn")
                )
            } else {
                format!(
                    "{foothold}ターン目の侵入から{}ターン後の{turn}ターン目に封じ込め（{within}ターン以内なら満点）",
                    turn - foothold
                )
            }
        }
        Reason::NotContained { foothold } => {
            if en {
                format!("not contained since the attacker gained a foothold at turn {foothold}")
            } else {
                format!("{foothold}ターン目の侵入後、封じ込められなかった")
            }
        }
        Reason::EvidenceKept { hosts } => format!(
            "{}{}",
            lab(
                lang,
                "imaged before rebuilding:",
                "再構築前にイメージ取得："
            ),
            hosts
                .iter()
                .map(|h| s.hosts.key(*h))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Reason::EvidenceLost { hosts } => format!(
            "{}{}",
            lab(
                lang,
                "evidence wiped before imaging:",
                "イメージ取得前に証拠を消去："
            ),
            hosts
                .iter()
                .map(|h| s.hosts.key(*h))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Reason::NothingImaged => tr(
            lang,
            "no host was imaged after the attacker reached it",
            "攻撃者の侵入後にイメージを取得したホストはない",
        )
        .into(),
        Reason::Notified { turn, due, by } => match (lang, by) {
            (Lang::En, None) => format!("notified at turn {turn}, due by turn {due}"),
            (Lang::En, Some(a)) => format!(
                "{} at turn {turn}, due by turn {due}",
                s.actions[*a].name.en
            ),
            (Lang::Ja, None) => format!("{turn}ターン目に報告（期限は{due}ターン目）"),
            (Lang::Ja, Some(a)) => format!(
                "{turn}ターン目に「{}」（期限は{due}ターン目）",
                s.actions[*a].name.ja
            ),
        },
        Reason::NotNotified { due } => {
            if en {
                format!("not notified (due by turn {due})")
            } else {
                format!("報告しなかった（期限は{due}ターン目）")
            }
        }
        Reason::NoDuty => tr(lang, "the duty never arose", "報告義務は生じなかった").into(),
        Reason::FunctionUp { by_turn, was_down } => match (en, was_down) {
            (true, true) => format!("back in service by turn {by_turn}"),
            (true, false) => "never interrupted".to_owned(),
            (false, true) => format!("{by_turn}ターン目までに再開"),
            (false, false) => "一度も停止しなかった".to_owned(),
        },
        Reason::FunctionUpLate { turn, by_turn } => {
            if en {
                format!("back at turn {turn}, after turn {by_turn}")
            } else {
                format!("{by_turn}ターン目を過ぎて{turn}ターン目に再開")
            }
        }
        Reason::FunctionDown { by_turn } => {
            if en {
                format!("still down after turn {by_turn}")
            } else {
                format!("{by_turn}ターン目を過ぎても停止したまま")
            }
        }
        Reason::Finding {
            right,
            wrong,
            missed,
        } => {
            if en {
                format!("{right} right, {wrong} wrong, {missed} missed")
            } else {
                format!("正解{right}、誤り{wrong}、漏れ{missed}")
            }
        }
        Reason::NoFindings => tr(lang, "no report was submitted", "報告書を提出しなかった").into(),
        Reason::NothingToFind => tr(
            lang,
            "there was nothing to report",
            "報告すべき事項はなかった",
        )
        .into(),
        Reason::Answered {
            inject,
            choice,
            correct,
        } => {
            let word = if *correct {
                tr(lang, "answered well", "適切に回答")
            } else {
                tr(lang, "answered badly", "不適切な回答")
            };
            // An answer right only under a condition says why it was (or was not) this time.
            match s.injects[*inject]
                .question
                .as_ref()
                .and_then(|q| q.choices.get(*choice))
                .and_then(|c| c.right_if.as_ref())
            {
                Some(cond) => format!("{word} — {}", right_if(s, cond, *correct, lang)),
                None => word.into(),
            }
        }
        Reason::NotAnswered => tr(lang, "not answered", "回答しなかった").into(),
        Reason::NotAsked => tr(lang, "the question never came up", "質問は届かなかった").into(),
        Reason::NeverBrought { turn } => match lang {
            Lang::En => format!(
                "the question never came up because what brings it was not done (it would have come at turn {turn})"
            ),
            Lang::Ja => format!(
                "必要な対応がなかったため質問は届かなかった（対応していれば{turn}ターン目に届いていた）"
            ),
        },
        Reason::Done { turn, by_turn } => match (lang, by_turn) {
            (Lang::En, Some(n)) => format!("done at turn {turn} (full points by turn {n})"),
            (Lang::En, None) => format!("done at turn {turn}"),
            (Lang::Ja, Some(n)) => format!("{turn}ターン目に実施（{n}ターン目までなら満点）"),
            (Lang::Ja, None) => format!("{turn}ターン目に実施"),
        },
        Reason::DoneTooLate { turn, limit } => match lang {
            Lang::En => format!(
                "done at turn {turn}, too late: it had to come before turn {limit}'s events"
            ),
            Lang::Ja => format!(
                "{turn}ターン目に実施したが遅すぎた（{limit}ターン目の出来事より前に必要だった）"
            ),
        },
        Reason::NotDone { by_turn } => match (lang, by_turn) {
            (Lang::En, Some(n)) => format!("not done (due by turn {n})"),
            (Lang::En, None) => "not done".into(),
            (Lang::Ja, Some(n)) => format!("実施しなかった（期限は{n}ターン目）"),
            (Lang::Ja, None) => "実施しなかった".into(),
        },
        Reason::NoOccasion => tr(
            lang,
            "what would have called for it never happened",
            "実施が必要になる状況は生じなかった",
        )
        .into(),
        Reason::Pending => tr(lang, "not decided yet", "まだ判定できない").into(),
    }
}

/// What a penalty was for.
pub fn penalty(s: &Scenario, k: &PenaltyKind, lang: Lang) -> String {
    match k {
        PenaltyKind::Downtime(f) => format!(
            "{}{}",
            lab(lang, "Downtime:", "業務停止："),
            s.functions[*f].name.get(lang)
        ),
        PenaltyKind::CleanIsolation => {
            tr(lang, "Clean hosts isolated", "感染していないホストの隔離").into()
        }
        PenaltyKind::CleanRebuild => {
            tr(lang, "Clean hosts rebuilt", "感染していないホストの再構築").into()
        }
        PenaltyKind::EvidenceDestroyed => tr(lang, "Evidence destroyed", "証拠の消失").into(),
        PenaltyKind::Concealment => tr(lang, "Concealment", "隠蔽").into(),
        PenaltyKind::WrongAnswer => tr(lang, "Wrong answers", "誤った回答").into(),
        PenaltyKind::WrongFinding => tr(lang, "Wrong findings", "報告内容の誤り").into(),
        PenaltyKind::NeedlessBlock => {
            tr(lang, "Legitimate addresses blocked", "正当なアドレスの遮断").into()
        }
        PenaltyKind::Hint(h) => format!(
            "{}{}",
            lab(lang, "Hint:", "ヒント："),
            hint_title(s, *h, lang)
        ),
    }
}

/// A change of the score, as one line: the points, what they are for, and why (for example
/// "+10 Have the counter open at turn 8: met — never interrupted", "−1 Downtime: Counter
/// (2 turns so far)").
pub fn score_change(s: &Scenario, c: &crate::scoring::ScoreChange, lang: Lang) -> String {
    use crate::scoring::ScoreItem;
    let points = if c.points > 0 {
        format!("+{}", c.points)
    } else {
        format!("−{}", c.points.unsigned_abs())
    };
    match (&c.item, &c.objective) {
        (ScoreItem::Objective(o), Some((st, why))) => {
            let name = s.objectives[*o].name.get(lang);
            let (st, why) = (status(*st, lang), reason(s, why, lang));
            match lang {
                Lang::En => format!("{points} {name}: {st} — {why}"),
                Lang::Ja => format!("{points} {name}：{st}（{why}）"),
            }
        }
        (ScoreItem::Objective(o), None) => {
            format!("{points} {}", s.objectives[*o].name.get(lang))
        }
        (ScoreItem::Penalty(k), _) => {
            let what = penalty(s, k, lang);
            let count = c.count.unwrap_or(0);
            let times = match (k, lang) {
                (PenaltyKind::Downtime(_), Lang::En) => {
                    format!(" ({} down so far)", n(count, "turn"))
                }
                (PenaltyKind::Downtime(_), Lang::Ja) => format!("（これまで{count}ターン停止）"),
                (PenaltyKind::Hint(_), _) => String::new(),
                (_, Lang::En) if count > 1 => format!(" (×{count} so far)"),
                (_, Lang::Ja) if count > 1 => format!("（累計{count}件）"),
                _ => String::new(),
            };
            format!("{points} {what}{times}")
        }
    }
}

/// A hint's title: its `topic`, or else its number ("Hint 2"), for screens and reports (ids
/// are never shown to trainees, and the text stays hidden until the hint is taken).
pub fn hint_title(s: &Scenario, h: crate::scenario::model::HintId, lang: Lang) -> String {
    if let Some(topic) = &s.hints[h].topic {
        return topic.get(lang).to_owned();
    }
    let n = h.index() + 1;
    match lang {
        Lang::En => format!("Hint {n}"),
        Lang::Ja => format!("ヒント{n}"),
    }
}

/// A monitoring source, as a short name.
pub fn source(src: crate::scenario::model::Source, lang: Lang) -> &'static str {
    use crate::scenario::model::Source;
    match src {
        Source::Edr => "EDR",
        Source::Antivirus => tr(lang, "Antivirus", "ウイルス対策"),
        Source::Ids => "IDS",
        Source::Proxy => tr(lang, "Proxy", "プロキシ"),
        Source::Firewall => tr(lang, "Firewall", "ファイアウォール"),
        Source::Waf => "WAF",
        Source::Dlp => "DLP",
        Source::Siem => "SIEM",
        Source::WindowsEvents => tr(lang, "Windows event log", "Windowsイベントログ"),
        Source::AuthLog => tr(lang, "Authentication log", "認証ログ"),
        Source::WebLog => tr(lang, "Web server log", "Webサーバログ"),
        Source::NetFlow => "NetFlow",
        Source::Dns => "DNS",
        Source::Mail => tr(lang, "Mail log", "メールログ"),
        Source::VpnLog => tr(lang, "VPN log", "VPNログ"),
    }
}

/// An alert as the team knows it, without the scenario's internal key: its source and host
/// (`EDR alert on pc-01`).
pub fn alert_title(s: &Scenario, a: AlertId, lang: Lang) -> String {
    let (host, src) = match a {
        AlertId::Trace(t) => (s.traces[t].host, s.traces[t].source),
        AlertId::Noise(n) => (s.noise[n].host, s.noise[n].source),
    };
    match lang {
        Lang::En => format!("{} alert on {}", source(src, lang), s.hosts.key(host)),
        Lang::Ja => format!("{}の{}アラート", s.hosts.key(host), source(src, lang)),
    }
}

/// An alert's severity.
pub fn alert_severity(s: &Scenario, a: AlertId) -> crate::scenario::model::Severity {
    match a {
        AlertId::Trace(t) => s.traces[t].severity,
        AlertId::Noise(n) => s.noise[n].severity,
    }
}

/// A kind of host, as a word.
pub fn host_kind(k: crate::scenario::model::HostKind, lang: Lang) -> &'static str {
    use crate::scenario::model::HostKind as K;
    match k {
        K::Workstation => tr(lang, "Workstation", "業務用PC"),
        K::Laptop => tr(lang, "Laptop", "ノートPC"),
        K::Server => tr(lang, "Server", "サーバ"),
        K::DomainController => tr(lang, "Domain controller", "ドメインコントローラ"),
        K::FileServer => tr(lang, "File server", "ファイルサーバ"),
        K::Database => tr(lang, "Database server", "データベースサーバ"),
        K::WebServer => tr(lang, "Web server", "Webサーバ"),
        K::MailServer => tr(lang, "Mail server", "メールサーバ"),
        K::VpnGateway => tr(lang, "VPN gateway", "VPN装置"),
        K::NetworkDevice => tr(lang, "Network device", "ネットワーク機器"),
        K::Controller => tr(lang, "Control system", "制御システム"),
        K::CloudService => tr(lang, "Cloud service", "クラウドサービス"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_alert_text_does_not_repeat_its_host() {
        use super::without_host_opening as w;
        assert_eq!(
            w("EDR on pc-01: WINWORD.EXE started", "pc-01"),
            "WINWORD.EXE started"
        );
        assert_eq!(
            w("pc-01のEDR：WINWORD.EXEが起動", "pc-01"),
            "WINWORD.EXEが起動"
        );
        assert_eq!(
            w("Beacon every 60 s: to 203.0.113.5", "pc-01"),
            "Beacon every 60 s: to 203.0.113.5"
        );
        assert_eq!(w("pc-01:", "pc-01"), "pc-01:");
    }

    #[test]
    fn a_team_called_team_is_not_called_so_twice() {
        use crate::scenario::model::Lang;
        assert_eq!(super::team_heading("Red", Lang::En), "Team Red");
        assert_eq!(super::team_heading("Team A", Lang::En), "Team A");
        assert_eq!(super::team_heading("Aチーム", Lang::Ja), "Aチーム");
        assert_eq!(super::team_heading("赤", Lang::Ja), "チーム 赤");
    }

    #[test]
    fn titles_in_a_sentence_lower_their_article() {
        assert_eq!(super::mid_sentence("A second implant"), "a second implant");
        assert_eq!(super::mid_sentence("Anchor"), "Anchor");
        assert_eq!(super::mid_sentence("DNS tunnel"), "DNS tunnel");
    }

    #[test]
    fn english_counts_agree_with_their_nouns() {
        assert_eq!(super::n(1u32, "turn"), "1 turn");
        assert_eq!(super::n(0u32, "turn"), "0 turns");
        assert_eq!(super::n(3u32, "command"), "3 commands");
    }
}
