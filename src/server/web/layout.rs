//! The frame of every page: head, top bar, language switch, the live-update hooks, and small
//! pieces of markup the pages share.

use maud::{DOCTYPE, Markup, html};

use crate::report::describe::tr;
use crate::scenario::model::Lang;

/// A page to lay out.
pub struct Page {
    /// The window title.
    pub title: String,
    /// The reader's language.
    pub lang: Lang,
    /// The WebSocket path the page follows, if it is live.
    pub live: Option<String>,
    /// Where its changing parts are re-read from.
    pub panes: Option<String>,
    /// The version of the drill's state it shows.
    pub version: u64,
    /// Who reads it (for marks kept on this device: read messages).
    pub seat: String,
    /// A class for the body (`projector`).
    pub class: Option<&'static str>,
    /// The path and query of this page (for the language switch).
    pub here: String,
    /// The top bar's content (after the title).
    pub top: Markup,
    /// The page.
    pub body: Markup,
}

/// The whole page.
pub fn page(p: Page) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(p.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (p.title) " — cyberdrill" }
                link rel="stylesheet" href="/static/app.css";
            }
            body class=[p.class]
                data-live=[p.live.as_deref()]
                data-panes=[p.panes.as_deref()]
                data-version=(p.version)
                data-seat=(p.seat)
                data-reconnecting=(tr(p.lang, "reconnecting…", "再接続中…")) {
                header.topbar {
                    span.title { (p.title) }
                    (p.top)
                    span #live-state .live-state aria-live="polite" {}
                    (lang_switch(p.lang, &p.here))
                }
                main {
                    div #flash role="status" aria-live="polite" {}
                    (p.body)
                }
                script src="/static/app.js" defer {}
            }
        }
    }
}

/// English | 日本語, on every page.
pub fn lang_switch(lang: Lang, here: &str) -> Markup {
    let back = form_urlencoded::byte_serialize(here.as_bytes()).collect::<String>();
    html! {
        nav.langs aria-label=(tr(lang, "Language", "言語")) {
            @for (l, name) in [(Lang::En, "English"), (Lang::Ja, "日本語")] {
                @if l == lang {
                    a href=(format!("/lang?to={}&back={back}", l.code())) aria-current="true" lang=(l.code()) { (name) }
                } @else {
                    a href=(format!("/lang?to={}&back={back}", l.code())) lang=(l.code()) { (name) }
                }
            }
        }
    }
}

/// A notice from the query string (`?note=` or `?error=`), after a form posted without the
/// page's script.
pub fn flash(note: Option<&str>, error: Option<&str>) -> Markup {
    html! {
        @if let Some(e) = error { div.notice.bad role="alert" { (e) } }
        @if let Some(n) = note { div.notice.good { (n) } }
    }
}

/// A status badge for a drill's state.
pub fn status_badge(status: &str, lang: Lang) -> Markup {
    let word = match status {
        "lobby" => tr(lang, "Not started", "開始前"),
        "running" => tr(lang, "Running", "進行中"),
        "paused" => tr(lang, "Paused", "一時停止中"),
        "ended" => tr(lang, "Ended", "終了"),
        other => other,
    };
    html! { span class=(format!("badge {status}")) { (word) } }
}

/// The turn countdown, updated each second by the page's script.
pub fn countdown(deadline: Option<i64>, left_ms: Option<i64>, lang: Lang) -> Markup {
    html! {
        @if let Some(d) = deadline {
            span.stat title=(tr(lang, "Time left in this turn", "このターンの残り時間")) {
                "⏱ " span.countdown data-deadline=(d) { "…" }
            }
        } @else if let Some(left) = left_ms {
            span.stat title=(tr(lang, "Time left when the drill resumes", "再開後の残り時間")) {
                "⏸ " (format!("{}:{:02}", left / 60_000, left / 1000 % 60))
            }
        }
    }
}

/// A form that posts to `action` (through the page's script when it runs).
pub fn post_form(action: &str, fields: &[(&str, String)], label: &str, class: &str) -> Markup {
    html! {
        form method="post" action=(action) data-js {
            @for (name, value) in fields {
                input type="hidden" name=(name) value=(value);
            }
            button type="submit" class=(class) { (label) }
        }
    }
}
