//! The terminal UI's wording, in English and Japanese, in the manner of
//! [`crate::report::describe`] (which it reuses for events, refusals and scorecards): labels
//! for what the team knows (host status, inbox entries, targets), and a trainee's rendering
//! of commands and events that never shows the scenario's internal keys for alerts or hints.

use crate::report::describe::{self, tr};
use crate::scenario::Scenario;
use crate::scenario::model::Lang;
use crate::session::observation::{HostStatus, HostView, InboxItem};

/// In-game time elapsed, as `h:mm`.
pub fn clock(minutes: u32) -> String {
    format!("{}:{:02}", minutes / 60, minutes % 60)
}

/// The clock as the status line and the summaries show it: the in-world day and time when
/// the scenario says when it starts ("Tue 10:30"), else the time elapsed ("1:30 elapsed").
pub fn clock_phrase(s: &Scenario, minutes: u32, lang: Lang) -> String {
    if s.start.is_some() {
        return describe::world_time(s, minutes, lang);
    }
    match lang {
        Lang::En => format!("{} elapsed", clock(minutes)),
        Lang::Ja => format!("経過{}", clock(minutes)),
    }
}

/// A turn as a short tag (`T3`).
pub fn turn_tag(turn: u32) -> String {
    format!("T{turn}")
}

/// A host status as a word.
pub fn host_status(st: HostStatus, lang: Lang) -> &'static str {
    match st {
        HostStatus::Normal => tr(lang, "normal", "正常"),
        HostStatus::Suspicious => tr(lang, "suspicious", "不審"),
        HostStatus::Compromised => tr(lang, "compromised", "侵害あり"),
        HostStatus::Rebuilt => tr(lang, "rebuilt", "再構築済み"),
    }
}

/// The status of a host and what else the team knows of it (`suspicious, isolated`).
pub fn host_state(h: &HostView, lang: Lang) -> String {
    let mut words = vec![host_status(h.status, lang)];
    if h.isolated {
        words.push(tr(lang, "isolated", "隔離中"));
    }
    if h.busy {
        words.push(tr(lang, "being rebuilt or patched", "作業中"));
    }
    if h.encrypted {
        words.push(tr(lang, "encrypted", "暗号化"));
    } else if h.down {
        words.push(tr(lang, "service down", "停止中"));
    }
    if h.imaged {
        words.push(tr(lang, "imaged", "イメージ取得済み"));
    }
    if h.patched {
        words.push(tr(lang, "patched", "パッチ済み"));
    }
    words.join(tr(lang, ", ", "・"))
}

/// A hint's name: its topic, or its number in scenario order (its text stays hidden until
/// taken).
pub fn hint_name(s: &Scenario, h: crate::scenario::model::HintId, lang: Lang) -> String {
    let title = crate::report::describe::hint_title(s, h, lang);
    if s.hints[h].topic.is_some() {
        match lang {
            Lang::En => format!("Hint: {title}"),
            Lang::Ja => format!("ヒント：{title}"),
        }
    } else {
        title
    }
}

/// One inbox entry on one line (without the unread mark).
pub fn inbox_line(s: &Scenario, item: &InboxItem, lang: Lang) -> String {
    match item {
        InboxItem::Alert { alert, turn, .. } => format!(
            "{} {} {}",
            turn_tag(*turn),
            describe::severity_word(describe::alert_severity(s, *alert), lang),
            describe::alert_title(s, *alert, lang)
        ),
        InboxItem::Message { inject, turn, .. } => {
            let i = &s.injects[*inject];
            format!(
                "{} {}{}{}",
                turn_tag(*turn),
                s.stakeholders[i.from].name.get(lang),
                tr(lang, ": ", "："),
                i.subject.get(lang)
            )
        }
        InboxItem::Facilitator { turn, text, .. } => format!(
            "{} {}{}",
            turn_tag(*turn),
            tr(lang, "Facilitator: ", "ファシリテーター："),
            text.lines().next().unwrap_or("")
        ),
    }
}

/// Whether an inbox message still waits for an answer.
pub fn awaits_answer(s: &Scenario, item: &InboxItem) -> bool {
    match item {
        InboxItem::Message {
            inject,
            answer: None,
            expired: false,
            ..
        } => s.injects[*inject].question.is_some(),
        InboxItem::Facilitator {
            question: Some(_),
            reply: None,
            ..
        } => true,
        _ => false,
    }
}

pub use crate::report::describe::host_kind;

/// How critical a host is, as a word.
pub fn criticality(c: crate::scenario::model::Criticality, lang: Lang) -> &'static str {
    use crate::scenario::model::Criticality as C;
    match c {
        C::Low => tr(lang, "low", "低"),
        C::Medium => tr(lang, "medium", "中"),
        C::High => tr(lang, "high", "高"),
        C::Critical => tr(lang, "critical", "最重要"),
    }
}

/// Effort as a phrase: `2 effort per turn for 2 turns`.
pub fn effort(cost: u32, turns: u32, lang: Lang) -> String {
    match lang {
        Lang::En if turns == 1 => format!("{cost} effort, 1 turn"),
        Lang::En => format!("{cost} effort per turn for {turns} turns"),
        Lang::Ja if turns == 1 => format!("工数{cost}、1ターン"),
        Lang::Ja => format!("毎ターン工数{cost}、{turns}ターン"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_read_as_hours_and_minutes() {
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(90), "1:30");
        assert_eq!(clock(600), "10:00");
    }

    #[test]
    fn effort_reads_naturally() {
        assert_eq!(effort(1, 1, Lang::En), "1 effort, 1 turn");
        assert_eq!(effort(2, 2, Lang::En), "2 effort per turn for 2 turns");
        assert_eq!(effort(2, 2, Lang::Ja), "毎ターン工数2、2ターン");
    }
}
