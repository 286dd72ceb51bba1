//! The browser front-end, served by the drill server: the team client (join, briefing, the
//! main screen, the debrief) and the facilitator's console (drills, lobby, room, projector).
//!
//! Pages are rendered on the server (maud) from the same views the API serves, with the
//! wording of `report::describe`; a small script (`assets/web/app.js`, embedded with the
//! style sheet at build time) follows the drill over a WebSocket and re-reads the parts of a
//! page that changed. Every page also works without the script: forms post and redirect.
//! Browsers keep their token in an HttpOnly, SameSite=Strict cookie.

mod console;
mod history;
mod layout;
mod map;
mod team;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use super::AppState;
use super::error::ApiError;
use crate::scenario::model::Lang;

/// The cookie a reader's language is kept in.
pub const LANG_COOKIE: &str = "cyberdrill_lang";

const CSS: &str = include_str!("../../../assets/web/app.css");
const JS: &str = include_str!("../../../assets/web/app.js");

/// The pages' routes.
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/static/app.css",
            get(|| async { asset(CSS, "text/css; charset=utf-8") }),
        )
        .route(
            "/static/app.js",
            get(|| async { asset(JS, "text/javascript; charset=utf-8") }),
        )
        .route("/lang", get(set_lang))
        .merge(team::router())
        .merge(console::router())
        .merge(history::router())
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

/// The reader's language: `?lang=`, else their cookie, else their browser's first choice
/// between English and Japanese, else English.
pub fn lang(headers: &HeaderMap, query: Option<Lang>) -> Lang {
    if let Some(l) = query {
        return l;
    }
    match super::auth::cookie(headers, LANG_COOKIE) {
        Some("ja") => return Lang::Ja,
        Some("en") => return Lang::En,
        _ => {}
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    for part in accept.split(',') {
        let tag = part
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if tag.starts_with("ja") {
            return Lang::Ja;
        }
        if tag.starts_with("en") {
            return Lang::En;
        }
    }
    Lang::En
}

/// A cookie for this site: HttpOnly (scripts cannot read it), SameSite=Strict (other sites'
/// pages cannot make the browser send it).
pub fn cookie(name: &str, value: &str, http_only: bool) -> HeaderValue {
    let flags = if http_only { "; HttpOnly" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; SameSite=Strict; Max-Age=2592000{flags}"
    ))
    .unwrap_or(HeaderValue::from_static(""))
}

#[derive(serde::Deserialize)]
struct LangQuery {
    to: Lang,
    back: Option<String>,
}

/// Switches the reader's language and goes back where they were.
async fn set_lang(
    q: Result<axum::extract::Query<LangQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(axum::extract::Query(q)) = q else {
        return Redirect::to("/").into_response();
    };
    let back = q
        .back
        .filter(|b| local_path(b))
        .unwrap_or_else(|| "/".into());
    let mut res = Redirect::to(&back).into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, cookie(LANG_COOKIE, q.to.code(), false));
    res
}

/// Only paths on this site are followed after a form (never another site).
fn local_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.contains('\\')
}

/// The fields of a posted form (a name may repeat: checkboxes).
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// Parses a urlencoded body.
    pub fn parse(body: &[u8]) -> Self {
        Self(form_urlencoded::parse(body).into_owned().collect())
    }

    /// The first value of a field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// Every value of a field.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
            .collect()
    }
}

/// Whether the page's script sent the request (it wants JSON back, not a redirect).
pub fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json"))
}

/// The answer to a posted form: JSON for the script, else a redirect back with a notice.
pub fn answer(
    headers: &HeaderMap,
    back: &str,
    result: Result<String, ApiError>,
    composer: Option<String>,
) -> Response {
    if wants_json(headers) {
        let (ok, message) = match &result {
            Ok(m) => (true, m.clone()),
            Err(e) => (false, e.message.clone()),
        };
        let mut body = serde_json::json!({"ok": ok, "message": message});
        if let Some(c) = composer {
            body["composer"] = serde_json::Value::String(c);
        }
        let status = match &result {
            Ok(_) => StatusCode::OK,
            Err(e) => e.status,
        };
        return (status, axum::Json(body)).into_response();
    }
    let (key, text) = match result {
        Ok(m) => ("note", m),
        Err(e) => ("error", e.message),
    };
    let sep = if back.contains('?') { '&' } else { '?' };
    let text = form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
    Redirect::to(&format!("{back}{sep}{key}={text}")).into_response()
}

/// An error as a page (for pages, not forms).
pub fn error_page(e: &ApiError, lang: Lang, here: &str) -> Response {
    let login = matches!(e.status, StatusCode::UNAUTHORIZED);
    let body = maud::html! {
        div.panel {
            h1 { (crate::report::describe::tr(lang, "This page cannot be shown", "このページは表示できません")) }
            p { (e.message) }
            @if login {
                p { a href="/" { (crate::report::describe::tr(lang, "Join a team with its code", "参加コードでチームに参加する")) } }
            }
        }
    };
    let page = layout::page(layout::Page {
        title: "cyberdrill".into(),
        lang,
        live: None,
        panes: None,
        version: 0,
        seat: String::new(),
        class: None,
        here: here.to_owned(),
        top: maud::html! {},
        body,
    });
    (e.status, page).into_response()
}
