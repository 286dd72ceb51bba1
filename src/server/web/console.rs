//! The facilitator's console: sign-in with the printed link, drills (create one from a
//! scenario, with `check`'s diagnostics for a broken one), the lobby with join links and QR
//! codes, the live room view with attention marks and every control, one team's view beside
//! the ground truth, the projector view, and the downloads.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use serde_json::{Value, json};

use super::layout::{self, Page};
use super::{Fields, answer, error_page, lang};
use crate::report::describe::tr;
use crate::scenario::model::Lang;
use crate::server::api::{self, FACILITATOR_COOKIE};
use crate::server::drill::{Control, DrillHandle, ReportFormat, Request as DrillRequest, Seat};
use crate::server::error::ApiError;
use crate::server::{AppState, DrillSpec};

pub(super) fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/facilitator", get(home))
        .route("/facilitator/sign-in", post(sign_in))
        .route("/facilitator/drills", post(create))
        .route("/facilitator/drills/{id}", get(console))
        .route("/facilitator/drills/{id}/panes", get(console_panes))
        .route("/facilitator/drills/{id}/control", post(control))
        .route("/facilitator/drills/{id}/teams/{team}", get(team_detail))
        .route("/facilitator/drills/{id}/projector", get(projector))
        .route(
            "/facilitator/drills/{id}/projector/panes",
            get(projector_panes),
        )
        .route("/facilitator/drills/{id}/qr/{team}", get(qr))
}

fn empty() -> &'static Vec<Value> {
    static EMPTY: Vec<Value> = Vec::new();
    &EMPTY
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

#[derive(Deserialize, Default)]
struct PageQuery {
    token: Option<String>,
    lang: Option<Lang>,
    note: Option<String>,
    error: Option<String>,
}

fn query(q: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>) -> PageQuery {
    q.map(|Query(q)| q).unwrap_or_default()
}

fn allowed(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    api::facilitator(state, headers, None)
}

fn signed_in(token: &str) -> Response {
    let mut res = Redirect::to("/facilitator").into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        super::cookie(FACILITATOR_COOKIE, token, true),
    );
    res
}

/// A facilitator's page without live parts (the drill list, the history).
pub(super) fn plain_page(l: Lang, title: &str, here: &str, body: Markup) -> Markup {
    layout::page(Page {
        title: title.to_owned(),
        lang: l,
        live: None,
        panes: None,
        version: 0,
        seat: String::new(),
        class: None,
        here: here.to_owned(),
        top: html! {
            a href="/facilitator" { (tr(l, "Drills", "演習一覧")) }
            " · "
            a href="/facilitator/history" { (tr(l, "History", "履歴")) }
        },
        body,
    })
}

/// The drills, and a new one.
async fn home(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    q: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = query(q);
    let l = lang(&headers, q.lang);
    if let Some(token) = &q.token {
        // The printed link: keep the token in a cookie and take it out of the address bar.
        if crate::server::auth::token_hash(token) == state.facilitator {
            return signed_in(token);
        }
    }
    if allowed(&state, &headers).is_err() {
        let body = html! {
            (layout::flash(None, q.token.as_ref().map(|_| tr(l, "That link's token is not this server's.", "このリンクのトークンはこのサーバのものではありません。"))))
            div.panel style="max-width: 34rem" {
                h1 { (tr(l, "Facilitator sign-in", "ファシリテーターのサインイン")) }
                p { (tr(l, "Open the facilitator's link that `cyberdrill serve` printed, or paste its token here.",
                        "`cyberdrill serve` が表示したファシリテーター用リンクを開くか、そのトークンを貼り付けてください。")) }
                form method="post" action="/facilitator/sign-in" {
                    label for="token" { (tr(l, "Token", "トークン")) }
                    input #token type="text" name="token" required autocomplete="off";
                    p { button type="submit" { (tr(l, "Sign in", "サインイン")) } }
                }
            }
        };
        return plain_page(
            l,
            tr(l, "Facilitator", "ファシリテーター"),
            "/facilitator",
            body,
        )
        .into_response();
    }
    let drills = state.index.list().unwrap_or_default();
    let dir = state.scenarios.clone();
    let scenarios = tokio::task::spawn_blocking(move || scenario_list(&dir))
        .await
        .unwrap_or_default();
    let body = html! {
        (layout::flash(q.note.as_deref(), q.error.as_deref()))
        section.panel {
            h1 { (tr(l, "Drills", "演習")) }
            @if drills.is_empty() { p.muted { (tr(l, "No drill yet.", "まだ演習はありません。")) } }
            table {
                thead { tr { th { (tr(l, "Drill", "演習")) } th { (tr(l, "Scenario", "シナリオ")) } th { (tr(l, "State", "状態")) } th { (tr(l, "Teams", "チーム")) } } }
                tbody { @for d in &drills {
                    tr {
                        td { a href=(format!("/facilitator/drills/{}", d.id)) { (d.id) } br; small.muted { (d.created) } }
                        td { (d.title) br; small.muted { (d.scenario) ", " (tr(l, "seed ", "シード ")) (d.seed) } }
                        td { (layout::status_badge(&d.status, l)) }
                        td { (d.teams.iter().map(|t| format!("{} ({})", t.name, t.score)).collect::<Vec<_>>().join(", ")) }
                    }
                } }
            }
        }
        section.panel {
            h2 { (tr(l, "Open a new drill", "新しい演習を開く")) }
            form method="post" action="/facilitator/drills" {
                fieldset {
                    legend { (tr(l, "Scenario", "シナリオ")) }
                    @for (i, sc) in scenarios.iter().enumerate() {
                        div style="margin: .4rem 0" {
                            @if sc["valid"] == true {
                                label.inline {
                                    input type="radio" name="scenario" value=(s(&sc["file"])) required checked[i == 0];
                                    " " b { (s(&sc["title"][l.code()])) }
                                    " " small.muted { (s(&sc["file"])) " · " (sc["max_turns"]) (tr(l, " turns of ", "ターン × ")) (sc["minutes_per_turn"]) (tr(l, " min", "分")) }
                                }
                                p.muted style="margin-left: 1.6rem" { (s(&sc["summary"][l.code()])) }
                            } @else {
                                details {
                                    summary { span.badge.bad { (tr(l, "invalid", "不正")) } " " (s(&sc["file"])) }
                                    ul { @for e in sc["check"]["errors"].as_array().unwrap_or(empty()) {
                                        li { code { (e["line"]) ":" (e["col"]) } " " (s(&e["message"])) }
                                    } }
                                }
                            }
                        }
                    }
                }
                label for="teams" { (tr(l, "Teams, one per line", "チーム名（1行に1チーム）")) }
                textarea #teams name="teams" rows="5" cols="30" required { "Red\nBlue\nGreen" }
                div.side-by-side {
                    div {
                        label for="seed" { (tr(l, "Seed", "シード")) }
                        input #seed type="number" name="seed" value="1" min="0";
                        label for="pacing" { (tr(l, "Pacing", "進行方式")) }
                        select #pacing name="pacing" {
                            option value="sync" { (tr(l, "Together: the turn ends for everyone", "一斉：全チーム同時にターンを進める")) }
                            option value="self" { (tr(l, "Self-paced: each team advances itself", "各自：チームごとに進める")) }
                        }
                        label for="max_members" { (tr(l, "Most members per team", "1チームの最大人数")) }
                        input #max_members type="number" name="max_members" value="4" min="1" max="16";
                    }
                    div {
                        label for="turn_seconds" { (tr(l, "Minutes per turn (empty: no timer)", "1ターンの制限時間（分、空欄で無制限）")) }
                        input #turn_seconds type="number" name="turn_minutes" min="1" max="1440";
                        label for="time_limit" { (tr(l, "Minutes for the whole drill (empty: none)", "演習全体の制限時間（分、空欄で無制限）")) }
                        input #time_limit type="number" name="time_limit_minutes" min="1" max="10080";
                        label for="drill-lang" { (tr(l, "Language", "言語")) }
                        select #drill-lang name="lang" {
                            option value="en" selected[l == Lang::En] { "English" }
                            option value="ja" selected[l == Lang::Ja] { "日本語" }
                        }
                    }
                }
                p { button type="submit" { (tr(l, "Open the drill", "演習を開く")) } }
            }
        }
    };
    plain_page(
        l,
        tr(l, "Facilitator", "ファシリテーター"),
        "/facilitator",
        body,
    )
    .into_response()
}

fn scenario_list(dir: &std::path::Path) -> Vec<Value> {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map(|e| {
            e.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "ron"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .map(|p| {
            let bytes = crate::scenario::read_source(p).unwrap_or_default();
            let checked = crate::scenario::check_bytes(&p.display().to_string(), &bytes);
            let file = p.file_name().map(|n| n.to_string_lossy().into_owned());
            match &checked.scenario {
                Some(sc) => json!({
                    "file": file, "id": sc.id, "valid": true,
                    "title": {"en": sc.title.en, "ja": sc.title.ja},
                    "summary": {"en": sc.summary.en, "ja": sc.summary.ja},
                    "max_turns": sc.max_turns, "minutes_per_turn": sc.minutes_per_turn,
                }),
                None => json!({
                    "file": file, "valid": false,
                    "check": serde_json::from_str::<Value>(&crate::cli::check_json(&checked)).ok(),
                }),
            }
        })
        .collect()
}

async fn sign_in(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let f = Fields::parse(&body);
    match f.get("token") {
        Some(t) if crate::server::auth::token_hash(t) == state.facilitator => signed_in(t.trim()),
        _ => Redirect::to("/facilitator?error=the+token+is+not+this+server%27s").into_response(),
    }
}

async fn create(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let l = lang(&headers, None);
    let f = Fields::parse(&body);
    let result = async {
        allowed(&state, &headers)?;
        let number = |name: &str| -> Result<Option<u32>, ApiError> {
            f.get(name)
                .map(|v| {
                    v.trim()
                        .parse::<u32>()
                        .map_err(|_| ApiError::bad_request(format!("{name}: not a number")))
                })
                .transpose()
        };
        let spec = DrillSpec {
            scenario: f.get("scenario").unwrap_or("").to_owned(),
            seed: f
                .get("seed")
                .and_then(|x| x.trim().parse().ok())
                .unwrap_or(1),
            teams: f
                .get("teams")
                .unwrap_or("")
                .split(['\n', ','])
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect(),
            pacing: if f.get("pacing") == Some("self") {
                crate::server::store::Pacing::SelfPaced
            } else {
                crate::server::store::Pacing::Sync
            },
            turn_seconds: number("turn_minutes")?.map(|m| m.saturating_mul(60)),
            time_limit_seconds: number("time_limit_minutes")?.map(|m| m.saturating_mul(60)),
            lang: if f.get("lang") == Some("ja") {
                Lang::Ja
            } else {
                Lang::En
            },
            max_members: number("max_members")?.unwrap_or(4),
        };
        let file = state.find_scenario(&spec.scenario)?;
        state.create_drill(&file, &spec).await
    }
    .await;
    match result {
        Ok(created) => Redirect::to(&format!("/facilitator/drills/{}", created.id)).into_response(),
        Err(e) => {
            let details = e.details.clone();
            if let Some(d) = details {
                let body = html! {
                    div.panel {
                        h1 { (e.message) }
                        ul { @for p in d["errors"].as_array().unwrap_or(empty()) {
                            li { code { (s(&d["file"])) ":" (p["line"]) ":" (p["col"]) } " " (s(&p["message"])) }
                        } }
                        p { a href="/facilitator" { (tr(l, "Back", "戻る")) } }
                    }
                };
                return (
                    e.status,
                    plain_page(
                        l,
                        tr(l, "Invalid scenario", "シナリオに誤りがあります"),
                        "/facilitator",
                        body,
                    ),
                )
                    .into_response();
            }
            answer(&headers, "/facilitator", Err(e), None)
        }
    }
}

async fn room_view(handle: &DrillHandle, l: Lang) -> Result<Value, ApiError> {
    handle
        .ask(|reply| DrillRequest::Room { lang: l, reply })
        .await
}

fn control_bar(id: &str, room: &Value, l: Lang) -> Markup {
    let d = &room["drill"];
    let status = s(&d["status"]);
    let act = |action: &str, label: &str, class: &str| {
        layout::post_form(
            &format!("/facilitator/drills/{id}/control"),
            &[("action", action.to_owned())],
            label,
            class,
        )
    };
    let max_turn = room["teams"]
        .as_array()
        .unwrap_or(empty())
        .iter()
        .filter_map(|t| t["turn"].as_u64())
        .max()
        .unwrap_or(0);
    html! {
        div.controls {
            (layout::status_badge(status, l)) " "
            span.stat { (tr(l, "Turn ", "ターン ")) b { (max_turn) } "/" (room["scenario"]["max_turns"]) } " "
            (layout::countdown(d["turn_deadline"].as_i64().or(d["drill_deadline"].as_i64()), d["turn_left_ms"].as_i64(), l)) " "
            @match status {
                "lobby" => (act("start", tr(l, "Start", "開始"), "")),
                "running" => { (act("pause", tr(l, "Pause", "一時停止"), "secondary")) (act("advance", tr(l, "End the turn now", "ターンを進める"), "secondary"))
                               (act("extend_timer", tr(l, "+2 minutes", "+2分"), "secondary")) }
                "paused" => { (act("resume", tr(l, "Resume", "再開"), "")) (act("extend_timer", tr(l, "+2 minutes", "+2分"), "secondary")) }
                _ => {}
            }
            @if status != "ended" {
                form method="post" action=(format!("/facilitator/drills/{id}/control")) data-js {
                    input type="hidden" name="action" value="end";
                    button.danger type="submit" { (tr(l, "End the drill", "演習を終了")) }
                }
            }
        }
    }
}

fn room_cards(id: &str, room: &Value, l: Lang) -> Markup {
    html! {
        div.cards {
            @for t in room["teams"].as_array().unwrap_or(empty()) {
                @let attention = t["attention"].as_array().unwrap_or(empty());
                article class=(if attention.is_empty() { "card" } else { "card attention" }) {
                    h3 {
                        a href=(format!("/facilitator/drills/{id}/teams/{}", t["index"])) { (s(&t["name"])) }
                        span { b { (t["score"]["total"]) } "/" (t["score"]["max"]) }
                    }
                    @for a in attention {
                        span.badge.warn { (match s(a) {
                            "idle" => tr(l, "idle", "操作なし"),
                            "deadline_missed" => tr(l, "deadline missed", "報告期限超過"),
                            "attacker_goal" => tr(l, "attacker reached its goal", "攻撃者が目的を達成"),
                            other => other,
                        }) } " "
                    }
                    dl {
                        dt { (tr(l, "Turn", "ターン")) } dd { (t["turn"])
                            @if !t["ended"].is_null() { " — " (s(&t["ended"]["outcome"])) }
                            @else if t["done"] == true { " ✓" } }
                        dt { (tr(l, "Members", "メンバー")) } dd {
                            @for (i, m) in t["members"].as_array().unwrap_or(empty()).iter().enumerate() {
                                @if i > 0 { ", " } @if m["ready"] == true { "✓" } (s(&m["name"]))
                            }
                        }
                        dt { (tr(l, "Effort free", "残り工数")) } dd { (t["effort"]["available"]) "/" (t["effort"]["per_turn"]) }
                        dt { (tr(l, "Objectives met", "達成項目")) } dd { (t["objectives_met"]) "/" (t["objectives"].as_array().map_or(0, Vec::len)) }
                        dt { (tr(l, "Deadlines", "報告期限")) } dd {
                            @for d in t["deadlines"].as_array().unwrap_or(empty()) {
                                (s(&d["rule"])) ": " @if d["kept"] == true { "✓" } @else if d["missed"] == true { "✗" } @else { "T" (d["due"]) } " "
                            }
                        }
                        dt { (tr(l, "Hints", "ヒント")) } dd { (t["hints_taken"]) " + " (t["hints_granted"]) (tr(l, " given", " 付与")) }
                        dt { (tr(l, "Contained", "封じ込め")) } dd { @if t["contained"] == true { "✓" } @else { "✗" } }
                        dt { (tr(l, "Truth", "実際")) } dd.hidden-event { (t["truth"]["stages_done"].as_array().map(|a| a.iter().map(s).collect::<Vec<_>>().join(" → ")).unwrap_or_default()) }
                    }
                }
            }
        }
    }
}

fn join_codes(state: &AppState, handle: &DrillHandle, open: bool, l: Lang) -> Markup {
    let infos = state.join_infos(&handle.config);
    html! {
        details.panel data-key="join-codes" open[open] {
            summary { h2 style="display:inline" { (tr(l, "Join links", "参加リンク")) } }
            div.join-codes {
                @for (i, t) in infos.iter().enumerate() {
                    div.join-code.card {
                        h3 { (t.team) }
                        img src=(format!("/facilitator/drills/{}/qr/{i}", handle.config.id)) alt=(format!("QR: {}", t.url)) width="144" height="144";
                        p.code { (t.code) }
                        p { small { a href=(t.url) { (t.url) } } }
                    }
                }
            }
        }
    }
}

fn talk_forms(id: &str, room: &Value, l: Lang) -> Markup {
    let teams = room["teams"].as_array().unwrap_or(empty());
    let action = format!("/facilitator/drills/{id}/control");
    html! {
        div.side-by-side {
            form method="post" action=(action) data-js {
                input type="hidden" name="action" value="announce";
                label for="announce-text" { (tr(l, "Announcement to the room", "全体へのアナウンス")) }
                textarea #announce-text name="text" rows="2" cols="40" required {}
                p { button type="submit" { (tr(l, "Announce", "アナウンスする")) } }
            }
            form method="post" action=(action) data-js {
                input type="hidden" name="action" value="message";
                label for="message-text" { (tr(l, "Message (an inject of your own)", "メッセージ（独自のインジェクト）")) }
                textarea #message-text name="text" rows="2" cols="40" required {}
                label for="message-teams" { (tr(l, "To", "宛先")) }
                select #message-teams name="teams" multiple size="3" {
                    @for t in teams { option value=(t["index"]) { (s(&t["name"])) } }
                }
                small.muted { (tr(l, " (none chosen: every team)", "（未選択：全チーム）")) }
                label for="message-question" { (tr(l, "Question (optional)", "質問（任意）")) }
                input #message-question type="text" name="prompt";
                label for="message-choices" { (tr(l, "Choices, one per line", "選択肢（1行に1つ）")) }
                textarea #message-choices name="choices" rows="2" cols="40" {}
                p { button type="submit" { (tr(l, "Send", "送信")) } }
            }
            form method="post" action=(action) data-js {
                input type="hidden" name="action" value="grant_hint";
                label for="hint-team" { (tr(l, "Give a hint free of charge", "ヒントを無償で与える")) }
                select #hint-team name="team" { @for t in teams { option value=(t["index"]) { (s(&t["name"])) } } }
                select name="hint" aria-label=(tr(l, "Hint", "ヒント")) {
                    @for h in room["scenario"]["hints"].as_array().unwrap_or(empty()) {
                        option value=(s(&h["id"])) { (s(&h["text"]).chars().take(60).collect::<String>()) "…" }
                    }
                }
                p { button type="submit" { (tr(l, "Give", "与える")) } }
            }
        }
    }
}

/// The console of one drill.
async fn console(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    q: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = query(q);
    let l = lang(&headers, q.lang);
    let here = format!("/facilitator/drills/{id}");
    let handle = match allowed(&state, &headers).and_then(|()| state.drill(&id)) {
        Ok(h) => h,
        Err(e) => return error_page(&e, l, &here),
    };
    let room = match room_view(&handle, l).await {
        Ok(r) => r,
        Err(e) => return error_page(&e, l, &here),
    };
    let lobby = room["drill"]["status"] == "lobby";
    let body = html! {
        (layout::flash(q.note.as_deref(), q.error.as_deref()))
        section.panel {
            h1 { (s(&room["scenario"]["title"])) }
            div #controls { (control_bar(&id, &room, l)) }
            p.no-print {
                a href=(format!("{here}/projector")) { (tr(l, "Projector view", "プロジェクター表示")) } " · "
                a href=(format!("/api/drills/{id}/report?format=html&lang={}", l.code())) download=(format!("{id}-room.html")) { (tr(l, "Room report", "全体報告書")) } " · "
                a href=(format!("/api/drills/{id}/report?format=csv&lang={}", l.code())) download=(format!("{id}-scores.csv")) { (tr(l, "Scores (CSV)", "得点（CSV）")) } " · "
                a href=(format!("/api/drills/{id}/log")) { (tr(l, "Replay log", "リプレイログ")) }
            }
        }
        (join_codes(&state, &handle, lobby, l))
        section.panel {
            h2 { (tr(l, "The room", "ルーム")) }
            div #room { (room_cards(&id, &room, l)) }
        }
        section.panel {
            h2 { (tr(l, "Talk to the teams", "チームへの連絡")) }
            (talk_forms(&id, &room, l))
        }
    };
    layout::page(Page {
        title: format!(
            "{} — {}",
            tr(l, "Facilitator", "ファシリテーター"),
            s(&room["scenario"]["title"])
        ),
        lang: l,
        live: Some(format!("/api/drills/{id}/ws?lang={}", l.code())),
        panes: Some(format!("{here}/panes?lang={}", l.code())),
        version: room["drill"]["version"].as_u64().unwrap_or(0),
        seat: format!("{id}:facilitator"),
        class: None,
        here: here.clone(),
        top: html! { a href="/facilitator" { (tr(l, "Drills", "演習一覧")) } },
        body,
    })
    .into_response()
}

async fn console_panes(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    q: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let l = lang(&headers, query(q).lang);
    let result = async {
        allowed(&state, &headers)?;
        let handle = state.drill(&id)?;
        let room = room_view(&handle, l).await?;
        Ok::<_, ApiError>(json!({
            "controls": control_bar(&id, &room, l).into_string(),
            "room": room_cards(&id, &room, l).into_string(),
        }))
    }
    .await;
    match result {
        Ok(p) => axum::Json(p).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn control(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let l = lang(&headers, None);
    let f = Fields::parse(&body);
    let back = format!("/facilitator/drills/{id}");
    let result = async {
        allowed(&state, &headers)?;
        let handle = state.drill(&id)?;
        let control = match f.get("action").unwrap_or("") {
            "start" => Control::Start,
            "pause" => Control::Pause,
            "resume" => Control::Resume,
            "advance" => Control::Advance,
            "extend_timer" => Control::ExtendTimer {
                seconds: f.get("seconds").and_then(|x| x.parse().ok()).unwrap_or(120),
            },
            "announce" => Control::Announce {
                text: f.get("text").unwrap_or("").to_owned(),
            },
            "message" => {
                let teams: Vec<usize> = f
                    .all("teams")
                    .iter()
                    .filter_map(|t| t.parse().ok())
                    .collect();
                let choices: Vec<String> = f
                    .get("choices")
                    .unwrap_or("")
                    .lines()
                    .map(|c| c.trim().to_owned())
                    .filter(|c| !c.is_empty())
                    .collect();
                Control::Message {
                    teams: (!teams.is_empty()).then_some(teams),
                    text: f.get("text").unwrap_or("").to_owned(),
                    question: f
                        .get("prompt")
                        .map(|p| crate::engine::state::FacilitatorQuestion {
                            prompt: p.to_owned(),
                            choices,
                        }),
                }
            }
            "grant_hint" => Control::GrantHint {
                team: f
                    .get("team")
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(usize::MAX),
                hint: f.get("hint").unwrap_or("").to_owned(),
            },
            "end" => Control::End,
            other => {
                return Err(ApiError::bad_request(format!(
                    "no control `{}`",
                    other.escape_debug()
                )));
            }
        };
        handle
            .ask(|reply| DrillRequest::Control { control, reply })
            .await?;
        Ok(tr(l, "Done.", "実行しました。").to_owned())
    }
    .await;
    answer(&headers, &back, result, None)
}

/// One team: its own view beside the ground truth and its whole timeline.
async fn team_detail(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, team)): Path<(String, usize)>,
    q: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let l = lang(&headers, query(q).lang);
    let here = format!("/facilitator/drills/{id}/teams/{team}");
    let result = async {
        allowed(&state, &headers)?;
        let handle = state.drill(&id)?;
        let (_, view) = handle
            .ask(|reply| DrillRequest::View {
                team,
                lang: l,
                reply,
            })
            .await?;
        let timeline = handle
            .ask(|reply| DrillRequest::Timeline {
                team,
                lang: l,
                reply,
            })
            .await?;
        let room = room_view(&handle, l).await?;
        Ok::<_, ApiError>((view, timeline, room))
    }
    .await;
    let (view, timeline, room) = match result {
        Ok(x) => x,
        Err(e) => return error_page(&e, l, &here),
    };
    let v = &view.value;
    let truth = &room["teams"][team]["truth"];
    let seat = Seat {
        team,
        member: String::new(),
    };
    let body = html! {
        p { a href=(format!("/facilitator/drills/{id}")) { "← " (tr(l, "The room", "ルーム")) } }
        div.side-by-side {
            section.panel {
                h2 { (tr(l, "What the team sees", "チームの画面")) }
                (super::team::network_part(v, l))
                h3 { (tr(l, "Inbox", "受信箱")) }
                (super::team::inbox_part(v, l))
                (super::team::work_part(v, &seat, l))
            }
            section.panel {
                h2 { (tr(l, "What really happened", "実際に起きていること")) }
                dl {
                    dt { (tr(l, "Attacker's steps", "攻撃者の段階")) } dd { (truth["stages_done"].as_array().map(|a| a.iter().map(s).collect::<Vec<_>>().join(" → ")).unwrap_or_default()) }
                    dt { (tr(l, "Hosts held now", "現在の侵害ホスト")) } dd { (truth["hosts_held"].as_array().map(|a| a.iter().map(s).collect::<Vec<_>>().join(", ")).unwrap_or_default()) }
                    dt { (tr(l, "Data taken", "流出データ")) } dd { (truth["data_exfiltrated"].as_array().map(|a| a.iter().map(s).collect::<Vec<_>>().join(", ")).unwrap_or_default()) }
                }
                h3 { (tr(l, "Timeline", "タイムライン")) }
                table { tbody { @for e in timeline.as_array().unwrap_or(empty()) {
                    tr class=[e["hidden"].as_bool().filter(|h| *h).map(|_| "hidden-event")] {
                        td.num { (e["turn"]) } td { @if e["hidden"] == true { "✱ " } (s(&e["text"])) }
                    }
                } } }
            }
        }
    };
    layout::page(Page {
        title: format!(
            "{} — {}",
            s(&v["team"]["name"]),
            tr(l, "Facilitator", "ファシリテーター")
        ),
        lang: l,
        live: None,
        panes: None,
        version: 0,
        seat: String::new(),
        class: None,
        here,
        top: html! { a href="/facilitator" { (tr(l, "Drills", "演習一覧")) } },
        body,
    })
    .into_response()
}

async fn projector_parts(handle: &DrillHandle, l: Lang) -> Result<Markup, ApiError> {
    let room = room_view(handle, l).await?;
    let ended = room["drill"]["status"] == "ended";
    let mut teams: Vec<&Value> = room["teams"].as_array().unwrap_or(empty()).iter().collect();
    teams.sort_by_key(|t| std::cmp::Reverse(t["score"]["total"].as_i64().unwrap_or(0)));
    let report: Option<Value> = if ended {
        let (_, body) = handle
            .ask(|reply| DrillRequest::Report {
                team: None,
                format: ReportFormat::Json,
                lang: l,
                reply,
            })
            .await?;
        serde_json::from_str(&body).ok()
    } else {
        None
    };
    let max_turn = teams
        .iter()
        .filter_map(|t| t["turn"].as_u64())
        .max()
        .unwrap_or(0);
    let objectives = room["scenario"]["objectives"].as_array().unwrap_or(empty());
    Ok(html! {
        div.panel {
            h1 { (s(&room["scenario"]["title"])) }
            p.big { (tr(l, "Turn ", "ターン ")) (max_turn) "/" (room["scenario"]["max_turns"]) " "
                (layout::countdown(room["drill"]["turn_deadline"].as_i64().or(room["drill"]["drill_deadline"].as_i64()), room["drill"]["turn_left_ms"].as_i64(), l))
                " " (layout::status_badge(s(&room["drill"]["status"]), l)) }
        }
        @if let Some(r) = report.as_ref().and_then(|r| r["room"].as_object()) {
            div.panel {
                h2 { (tr(l, "Ranking", "順位")) }
                table {
                    thead { tr { th.num { "#" } th { (tr(l, "Team", "チーム")) } th.num { (tr(l, "Score", "得点")) } th.num { "%" } th { (tr(l, "Outcome", "結果")) } } }
                    tbody { @for row in r["ranking"].as_array().unwrap_or(empty()) {
                        tr { td.num { (row["rank"]) } td { (s(&row["team"])) } td.num { (row["total"]) } td.num { (row["percent"]) } td { (s(&row["outcome"])) } }
                    } }
                }
            }
            div.panel {
                h2 { (tr(l, "Objectives by team", "チーム別の評価項目")) }
                table.matrix {
                    thead { tr { th { (tr(l, "Team", "チーム")) } @for o in objectives { th { (s(&o["name"])) } } } }
                    tbody { @for t in &teams {
                        tr { td { (s(&t["name"])) }
                            @for o in t["objectives"].as_array().unwrap_or(empty()) { td class=(s(&o["status"])) { (o["points"]) "/" (o["max"]) } } }
                    } }
                }
            }
            div.panel {
                h2 { (tr(l, "Time to detect and to contain", "検知・封じ込めまでの時間")) }
                table {
                    thead { tr { th { (tr(l, "Team", "チーム")) } th.num { (tr(l, "Detected at turn", "検知ターン")) } th.num { (tr(l, "Contained at turn", "封じ込めターン")) } } }
                    tbody { @for t in &teams {
                        tr { td { (s(&t["name"])) } td.num { (t["detected_at"].as_u64().map_or("—".to_owned(), |x| x.to_string())) } td.num { (t["contained_at"].as_u64().map_or("—".to_owned(), |x| x.to_string())) } }
                    } }
                }
            }
            div.panel {
                h2 { (tr(l, "Where decisions differed", "判断が分かれたところ")) }
                @for d in r["differences"].as_array().unwrap_or(empty()) {
                    h3 { (tr(l, "Turn ", "ターン ")) (d["turn"]) }
                    ul { @for pair in d["teams"].as_array().unwrap_or(empty()) { li { b { (s(&pair[0])) } ": " (s(&pair[1])) } } }
                }
            }
        } @else {
            div.panel {
                table {
                    thead { tr { th.num { "#" } th { (tr(l, "Team", "チーム")) } th.num { (tr(l, "Score", "得点")) } th.num { (tr(l, "Turn", "ターン")) } th { (tr(l, "Objectives met", "達成項目")) } } }
                    tbody { @for (i, t) in teams.iter().enumerate() {
                        tr { td.num { (i + 1) } td { (s(&t["name"])) } td.num { (t["score"]["total"]) } td.num { (t["turn"]) @if t["done"] == true { " ✓" } }
                             td { (t["objectives_met"]) "/" (objectives.len()) } }
                    } }
                }
            }
        }
    })
}

async fn projector(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    q: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let l = lang(&headers, query(q).lang);
    let here = format!("/facilitator/drills/{id}/projector");
    let handle = match allowed(&state, &headers).and_then(|()| state.drill(&id)) {
        Ok(h) => h,
        Err(e) => return error_page(&e, l, &here),
    };
    let parts = match projector_parts(&handle, l).await {
        Ok(p) => p,
        Err(e) => return error_page(&e, l, &here),
    };
    layout::page(Page {
        title: tr(l, "Projector", "プロジェクター").to_owned(),
        lang: l,
        live: Some(format!("/api/drills/{id}/ws?lang={}", l.code())),
        panes: Some(format!("{here}/panes?lang={}", l.code())),
        version: 0,
        seat: String::new(),
        class: Some("projector"),
        here: here.clone(),
        top: html! { a href=(format!("/facilitator/drills/{id}")) { (tr(l, "Console", "コンソール")) } },
        body: html! { div #projector { (parts) } },
    })
    .into_response()
}

async fn projector_panes(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    q: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let l = lang(&headers, query(q).lang);
    let result = async {
        allowed(&state, &headers)?;
        let handle = state.drill(&id)?;
        Ok::<_, ApiError>(json!({"projector": projector_parts(&handle, l).await?.into_string()}))
    }
    .await;
    match result {
        Ok(p) => axum::Json(p).into_response(),
        Err(e) => e.into_response(),
    }
}

/// A team's join link as a QR code (SVG).
async fn qr(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, team)): Path<(String, usize)>,
) -> Response {
    let result = (|| {
        allowed(&state, &headers)?;
        let handle = state.drill(&id)?;
        let info = state
            .join_infos(&handle.config)
            .into_iter()
            .nth(team)
            .ok_or_else(|| ApiError::not_found(format!("there is no team {team}")))?;
        let code = qrcode::QrCode::new(info.url.as_bytes())
            .map_err(|e| ApiError::internal(e.to_string()))?;
        Ok::<_, ApiError>(
            code.render::<qrcode::render::svg::Color>()
                .min_dimensions(144, 144)
                .build(),
        )
    })();
    match result {
        Ok(svg) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("image/svg+xml"),
            )],
            PreEscaped(svg).into_string(),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}
