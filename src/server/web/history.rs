//! The facilitator console's history: the server's past drills with their room reports, the
//! trainees with their competency profiles, every team-session (filterable, as CSV too).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};
use serde::Deserialize;

use super::{error_page, lang};
use crate::history::{Filter, History, HistoryError, Record, profile};
use crate::report::describe::tr;
use crate::scenario::model::Lang;
use crate::server::AppState;
use crate::server::api;
use crate::server::error::ApiError;

pub(super) fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/facilitator/history", get(page))
        .route("/facilitator/history.csv", get(csv))
        .route("/facilitator/history/profile", get(profile_page))
        .route("/facilitator/history/profile.html", get(profile_printable))
}

#[derive(Debug, Default, Deserialize)]
struct HistoryQuery {
    lang: Option<Lang>,
    trainee: Option<String>,
    scenario: Option<String>,
    name: Option<String>,
}

fn query(q: Result<Query<HistoryQuery>, axum::extract::rejection::QueryRejection>) -> HistoryQuery {
    let mut q = q.map(|Query(q)| q).unwrap_or_default();
    for field in [&mut q.trainee, &mut q.scenario, &mut q.name] {
        if field.as_deref().is_some_and(|v| v.trim().is_empty()) {
            *field = None;
        }
    }
    q
}

/// Reads sessions from the server's history (none yet: an empty list).
async fn sessions(state: &AppState, filter: Filter) -> Result<Vec<Record>, ApiError> {
    let db = state.history();
    tokio::task::spawn_blocking(move || match History::open_existing(&db) {
        Ok(h) => h.sessions(&filter),
        Err(HistoryError::Missing { .. }) => Ok(Vec::new()),
        Err(e) => Err(e),
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
    .map_err(|e| ApiError::internal(e.to_string()))
}

fn history_page(l: Lang, title: &str, here: &str, body: Markup) -> Response {
    super::console::plain_page(l, title, here, body).into_response()
}

fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn when(r: &Record) -> String {
    r.when()
        .unwrap_or("")
        .chars()
        .take(16)
        .collect::<String>()
        .replace('T', " ")
}

/// Past drills, trainees, sessions.
async fn page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    q: Result<Query<HistoryQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = query(q);
    let l = lang(&headers, q.lang);
    let here = "/facilitator/history";
    if let Err(e) = api::facilitator(&state, &headers, None) {
        return error_page(&e, l, here);
    }
    let filter = Filter {
        trainee: q.trainee.clone(),
        scenario: q.scenario.clone(),
    };
    let (all, shown) = match sessions(&state, Filter::default()).await {
        Ok(all) => {
            let shown = if q.trainee.is_none() && q.scenario.is_none() {
                all.clone()
            } else {
                match sessions(&state, filter).await {
                    Ok(s) => s,
                    Err(e) => return error_page(&e, l, here),
                }
            };
            (all, shown)
        }
        Err(e) => return error_page(&e, l, here),
    };
    // Drills, newest first, each with its teams.
    let mut drills: Vec<(String, Vec<&Record>)> = Vec::new();
    for r in &all {
        if let Some(id) = &r.drill {
            match drills.iter_mut().find(|(d, _)| d == id) {
                Some((_, teams)) => teams.push(r),
                None => drills.push((id.clone(), vec![r])),
            }
        }
    }
    for (_, teams) in &mut drills {
        teams.sort_by_key(|r| r.team_index);
    }
    let mut trainees: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &all {
        for m in &r.members {
            *trainees.entry(m.as_str()).or_default() += 1;
        }
    }
    let mut scenarios: Vec<(&str, &str)> = all
        .iter()
        .map(|r| (r.scenario_id.as_str(), r.scenario_title.get(l)))
        .collect();
    scenarios.sort_unstable();
    scenarios.dedup();
    let csv_link = format!(
        "/facilitator/history.csv?trainee={}&scenario={}",
        encode(q.trainee.as_deref().unwrap_or("")),
        encode(q.scenario.as_deref().unwrap_or(""))
    );
    let body = html! {
        section.panel {
            h1 { (tr(l, "History", "履歴")) }
            @if all.is_empty() {
                p.muted { (tr(l, "No drill has ended on this server yet. Every team of every drill that ends is recorded here.",
                              "このサーバではまだ終了した演習がありません。終了した演習の全チームがここに記録されます。")) }
            }
        }
        @if !drills.is_empty() {
            section.panel {
                h2 { (tr(l, "Past drills", "過去の演習")) }
                table {
                    thead { tr { th { (tr(l, "Drill", "演習")) } th { (tr(l, "Scenario", "シナリオ")) } th { (tr(l, "Teams", "チーム")) } th { (tr(l, "Reports", "報告書")) } } }
                    tbody { @for (id, teams) in &drills {
                        tr {
                            td { (id) br; small.muted { (teams.first().map(|r| when(r)).unwrap_or_default()) } }
                            td { (teams[0].scenario_title.get(l)) br; small.muted { (teams[0].scenario_id) ", " (tr(l, "seed ", "シード ")) (teams[0].seed) } }
                            td { (teams.iter().map(|r| format!("{} {}/{}", r.team, r.score, r.max)).collect::<Vec<_>>().join(", ")) }
                            td {
                                a href=(format!("/api/drills/{id}/report?format=html&lang={}", l.code())) download=(format!("{id}-room.html")) { (tr(l, "Room report", "全体報告書")) }
                                " · "
                                a href=(format!("/api/drills/{id}/report?format=csv&lang={}", l.code())) download=(format!("{id}-scores.csv")) { "CSV" }
                            }
                        }
                    } }
                }
            }
        }
        @if !trainees.is_empty() {
            section.panel {
                h2 { (tr(l, "Trainees", "受講者")) }
                p.muted { (tr(l, "Each trainee's competency profile across every drill they played here.",
                              "受講者ごとの、この会場で参加したすべての演習にわたるコンピテンシー・プロファイル。")) }
                ul.trainees { @for (name, n) in &trainees {
                    li {
                        a href=(format!("/facilitator/history/profile?name={}", encode(name))) { (name) }
                        " " small.muted { "(" (n) ")" }
                    }
                } }
            }
        }
        @if !all.is_empty() {
            section.panel {
                h2 { (tr(l, "Sessions", "セッション")) }
                form method="get" action="/facilitator/history" {
                    div.side-by-side {
                        div {
                            label for="trainee" { (tr(l, "Trainee", "受講者")) }
                            input #trainee type="text" name="trainee" value=(q.trainee.as_deref().unwrap_or(""));
                        }
                        div {
                            label for="scenario" { (tr(l, "Scenario", "シナリオ")) }
                            select #scenario name="scenario" {
                                option value="" { (tr(l, "All", "すべて")) }
                                @for (id, title) in &scenarios {
                                    option value=(id) selected[q.scenario.as_deref() == Some(*id)] { (title) }
                                }
                            }
                        }
                    }
                    p {
                        button type="submit" { (tr(l, "Show", "表示")) }
                        " "
                        a href=(csv_link) download="history.csv" { (tr(l, "Download as CSV", "CSVでダウンロード")) }
                    }
                }
                @if shown.is_empty() {
                    p.muted { (tr(l, "No sessions match.", "該当するセッションはありません。")) }
                } @else {
                    table {
                        thead { tr {
                            th { (tr(l, "When", "日時")) } th { (tr(l, "Scenario", "シナリオ")) } th { (tr(l, "Team", "チーム")) }
                            th { (tr(l, "Members", "メンバー")) } th { (tr(l, "Score", "得点")) } th { (tr(l, "Outcome", "結果")) }
                        } }
                        tbody { @for r in &shown {
                            tr {
                                td { (when(r)) }
                                td { (r.scenario_title.get(l)) }
                                td { (r.team) }
                                td { @for (i, m) in r.members.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    a href=(format!("/facilitator/history/profile?name={}", encode(m))) { (m) }
                                } }
                                td.num { (r.score) "/" (r.max) " (" (r.percent) "%)" }
                                td { (r.outcome) }
                            }
                        } }
                    }
                }
            }
        }
    };
    history_page(l, tr(l, "History", "履歴"), here, body)
}

/// The sessions shown, as CSV.
async fn csv(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    q: Result<Query<HistoryQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = query(q);
    if let Err(e) = api::facilitator(&state, &headers, None) {
        return e.into_response();
    }
    let filter = Filter {
        trainee: q.trainee,
        scenario: q.scenario,
    };
    match sessions(&state, filter).await {
        Ok(records) => {
            let mut res = crate::history::csv(&records).into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            res.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"history.csv\""),
            );
            res
        }
        Err(e) => e.into_response(),
    }
}

async fn build_profile(
    state: &AppState,
    name: &str,
    l: Lang,
) -> Result<profile::Profile, ApiError> {
    let mine = sessions(
        state,
        Filter {
            trainee: Some(name.to_owned()),
            scenario: None,
        },
    )
    .await?;
    if mine.is_empty() {
        return Err(ApiError::not_found(format!(
            "no sessions of `{name}` in this server's history"
        )));
    }
    let all = sessions(state, Filter::default()).await?;
    Ok(profile::build(name, &mine, &all, l))
}

/// A trainee's profile in the console.
async fn profile_page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    q: Result<Query<HistoryQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = query(q);
    let l = lang(&headers, q.lang);
    let here = "/facilitator/history/profile";
    if let Err(e) = api::facilitator(&state, &headers, None) {
        return error_page(&e, l, here);
    }
    let Some(name) = q.name else {
        return error_page(&ApiError::bad_request("name a trainee"), l, here);
    };
    let p = match build_profile(&state, &name, l).await {
        Ok(p) => p,
        Err(e) => return error_page(&e, l, here),
    };
    let body = html! {
        section.panel {
            h1 { (profile::title(&p)) }
            p {
                a href=(format!("/facilitator/history/profile.html?name={}&lang={}", encode(&name), l.code()))
                  download=(format!("profile-{name}.html")) { (tr(l, "Printable page", "印刷用ページ")) }
                " · "
                a href=(format!("/facilitator/history?trainee={}", encode(&name))) { (tr(l, "Sessions", "セッション")) }
            }
            (profile::body(&p))
        }
    };
    history_page(l, &profile::title(&p), here, body)
}

/// A trainee's profile as one printable page.
async fn profile_printable(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    q: Result<Query<HistoryQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = query(q);
    let l = lang(&headers, q.lang);
    if let Err(e) = api::facilitator(&state, &headers, None) {
        return e.into_response();
    }
    let Some(name) = q.name else {
        return ApiError::bad_request("name a trainee").into_response();
    };
    match build_profile(&state, &name, l).await {
        Ok(p) => axum::response::Html(profile::html(&p)).into_response(),
        Err(e) => e.into_response(),
    }
}
