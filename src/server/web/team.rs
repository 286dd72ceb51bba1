//! The team client: joining, the briefing, the main screen (clock, effort, score, countdown;
//! inbox; network map; work; evidence and findings; the action composer; hints; ending the
//! turn with teammates' readiness) and the debrief.
//!
//! Everything is drawn from the team's view (`server::views::team`), so the browser shows
//! exactly what the API serves; legality and previews are the engine's own. Here: joining and
//! the page's parts; beside it, `compose` (the action composer and the findings form) and
//! `forms` (what the page's forms post).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

use super::layout::{self, Page};
use super::{Fields, answer, error_page, lang};
use crate::report::describe::tr;
use crate::scenario::model::Lang;
use crate::server::AppState;
use crate::server::api::{self, TEAM_COOKIE};
use crate::server::drill::{DrillHandle, Request as DrillRequest, Seat};
use crate::server::error::ApiError;

mod compose;
mod forms;

use compose::{compose, composer_doc};
use forms::{answer_question, findings, hint, queue, ready, reply, withdraw};

pub(super) fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(home))
        .route("/join", get(home).post(join))
        .route("/team", get(main_page))
        .route("/team/panes", get(panes))
        .route("/team/compose", get(compose))
        .route("/team/queue", post(queue))
        .route("/team/withdraw", post(withdraw))
        .route("/team/ready", post(ready))
        .route("/team/answer", post(answer_question))
        .route("/team/reply", post(reply))
        .route("/team/hint", post(hint))
        .route("/team/findings", post(findings))
        .route("/team/leave", post(leave))
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
    code: Option<String>,
    lang: Option<Lang>,
    note: Option<String>,
    error: Option<String>,
    action: Option<String>,
    target: Option<String>,
    hint: Option<String>,
}

fn query(q: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>) -> PageQuery {
    q.map(|Query(q)| q).unwrap_or_default()
}

/// The join page: a code (or the link's) and a name.
async fn home(
    headers: HeaderMap,
    q: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Markup {
    let q = query(q);
    let l = lang(&headers, q.lang);
    let here = match &q.code {
        Some(c) => format!(
            "/join?code={}",
            form_urlencoded::byte_serialize(c.as_bytes()).collect::<String>()
        ),
        None => "/".to_owned(),
    };
    let body = html! {
        (layout::flash(q.note.as_deref(), q.error.as_deref()))
        div.panel style="max-width: 32rem" {
            h1 { (tr(l, "Join your team", "チームに参加する")) }
            p { (tr(l, "Enter the join code the facilitator gave your team and your name. Up to four people can play one team, each on their own device.",
                    "ファシリテーターから配られたチームの参加コードと、自分の名前を入力してください。1チームを最大4人で、それぞれの端末から操作できます。")) }
            form method="post" action="/join" {
                label for="code" { (tr(l, "Join code", "参加コード")) }
                input #code type="text" name="code" required autocomplete="off" autocapitalize="characters"
                    placeholder="K7QM-3XPD" value=[q.code.as_deref()];
                label for="name" { (tr(l, "Your name", "名前")) }
                input #name type="text" name="name" required maxlength="40" autocomplete="name";
                p { button type="submit" { (tr(l, "Join", "参加する")) } }
            }
        }
        p.muted { (tr(l, "Facilitators open the console with the link the server printed when it started.",
                      "ファシリテーターは、サーバ起動時に表示されたリンクからコンソールを開いてください。")) }
    };
    layout::page(Page {
        title: tr(l, "cyberdrill — join a drill", "cyberdrill — 演習に参加").to_owned(),
        lang: l,
        live: None,
        panes: None,
        version: 0,
        seat: String::new(),
        class: None,
        here,
        top: html! {},
        body,
    })
}

async fn join(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let code = f.get("code").unwrap_or("").to_owned();
    let name = f.get("name").unwrap_or("").to_owned();
    match api::join_seat(&state, peer.ip(), &code, &name).await {
        Ok(joined) => {
            let mut res = Redirect::to("/team").into_response();
            res.headers_mut().insert(
                header::SET_COOKIE,
                super::cookie(TEAM_COOKIE, &joined.token, true),
            );
            res
        }
        Err(e) => {
            let back = format!(
                "/join?code={}",
                form_urlencoded::byte_serialize(code.as_bytes()).collect::<String>()
            );
            answer(&headers, &back, Err(e), None)
        }
    }
}

async fn leave() -> Response {
    let mut res = Redirect::to("/").into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        axum::http::HeaderValue::from_static(
            "cyberdrill_team=; Path=/; SameSite=Strict; Max-Age=0; HttpOnly",
        ),
    );
    res
}

/// The member's seat and drill, from their cookie.
fn seat(state: &AppState, headers: &HeaderMap) -> Result<(DrillHandle, Seat), ApiError> {
    api::seat(state, headers, None)
}

async fn team_view(
    handle: &DrillHandle,
    seat: &Seat,
    l: Lang,
) -> Result<(u64, Arc<crate::server::views::Rendered>), ApiError> {
    let team = seat.team;
    handle
        .ask(|reply| DrillRequest::View {
            team,
            lang: l,
            reply,
        })
        .await
}

/// The main screen (or the briefing and debrief, which are part of it).
async fn main_page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    q: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = query(q);
    let l = lang(&headers, q.lang);
    let (handle, seat) = match seat(&state, &headers) {
        Ok(x) => x,
        Err(e) => return error_page(&e, l, "/team"),
    };
    let (version, view) = match team_view(&handle, &seat, l).await {
        Ok(x) => x,
        Err(e) => return error_page(&e, l, "/team"),
    };
    let briefing = handle
        .ask(|reply| DrillRequest::Briefing { lang: l, reply })
        .await
        .unwrap_or(Value::Null);
    let composer = composer_doc(&handle, &seat, &view.value, &q, l).await;
    let v = &view.value;
    let lobby = v["drill"]["status"] == "lobby";
    let body = html! {
        (layout::flash(q.note.as_deref(), q.error.as_deref()))
        div #status { (status_part(v, l)) }
        details.panel #briefing open[lobby] {
            summary { h2 style="display:inline" { (tr(l, "Briefing", "ブリーフィング")) } }
            (briefing_part(&briefing, l))
        }
        div #debrief { (debrief_part(v, l)) }
        div.grid {
            div.column {
                section.panel aria-labelledby="inbox-h" {
                    h2 #inbox-h { (tr(l, "Inbox", "受信箱")) }
                    div #inbox { (inbox_part(v, l)) }
                }
                section.panel aria-labelledby="composer-h" {
                    h2 #composer-h { (tr(l, "Plan the next turn", "次のターンの計画")) }
                    div #composer { (composer) }
                }
            }
            div.column {
                section.panel aria-labelledby="network-h" {
                    h2 #network-h { (tr(l, "Network", "ネットワーク")) }
                    div #network { (network_part(v, l)) }
                }
                section.panel aria-labelledby="evidence-h" {
                    h2 #evidence-h { (tr(l, "Evidence, findings and hints", "証拠・調査結果・ヒント")) }
                    div #evidence { (evidence_part(v, l)) }
                }
            }
            div.column.wide-at-tablet {
                section.panel aria-labelledby="work-h" {
                    h2 #work-h { (tr(l, "Work", "作業")) }
                    div #work { (work_part(v, &seat, l)) }
                }
            }
        }
        form.no-print method="post" action="/team/leave" {
            button.secondary.small type="submit" { (tr(l, "Leave this device", "この端末から退出")) }
        }
    };
    layout::page(Page {
        title: format!("{} — {}", s(&v["team"]["name"]), s(&v["scenario"]["title"])),
        lang: l,
        live: Some(format!("/api/team/ws?lang={}", l.code())),
        panes: Some(format!("/team/panes?lang={}", l.code())),
        version,
        seat: format!("{}:{}", s(&v["drill"]["id"]), seat.team),
        class: None,
        here: "/team".into(),
        top: top_part(v, l),
        body,
    })
    .into_response()
}

/// The parts of the main screen that change, for the page's script.
async fn panes(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    q: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = query(q);
    let l = lang(&headers, q.lang);
    let result = async {
        let (handle, seat) = seat(&state, &headers)?;
        let (version, view) = team_view(&handle, &seat, l).await?;
        let v = &view.value;
        Ok::<_, ApiError>(json!({
            "status": status_part(v, l).into_string(),
            "debrief": debrief_part(v, l).into_string(),
            "inbox": inbox_part(v, l).into_string(),
            "network": network_part(v, l).into_string(),
            "work": work_part(v, &seat, l).into_string(),
            "evidence": evidence_part(v, l).into_string(),
            "topstats": top_stats(v, l).into_string(),
            "composer": composer_doc(&handle, &seat, v, &PageQuery::default(), l).await.into_string(),
            "version": version,
        }))
    }
    .await;
    match result {
        Ok(parts) => axum::Json(parts).into_response(),
        Err(e) => e.into_response(),
    }
}

fn top_part(v: &Value, l: Lang) -> Markup {
    html! { span #topstats { (top_stats(v, l)) } }
}

fn top_stats(v: &Value, l: Lang) -> Markup {
    let d = &v["drill"];
    html! {
        span.stat { (s(&v["team"]["name"])) }
        span.stat { (tr(l, "Turn ", "ターン ")) b { (v["turn"]) } "/" (v["scenario"]["max_turns"]) }
        span.stat title=(tr(l, "In-game time since the start", "演習開始からの経過時間（演習内）")) {
            (s(&v["clock"]))
        }
        span.stat { (tr(l, "Effort ", "工数 ")) b { (v["effort"]["available"]) } "/" (v["effort"]["per_turn"]) }
        span.stat { (tr(l, "Score ", "得点 ")) b { (v["score"]["total"]) } "/" (v["score"]["max"]) }
        (layout::countdown(d["turn_deadline"].as_i64(), d["turn_left_ms"].as_i64(), l))
        (layout::status_badge(s(&d["status"]), l))
    }
}

fn status_part(v: &Value, l: Lang) -> Markup {
    let d = &v["drill"];
    let announcements = d["announcements"].as_array().unwrap_or(empty());
    html! {
        @match s(&d["status"]) {
            "lobby" => div.notice { (tr(l, "The drill has not started yet. Read the briefing; you can already plan your first turn.",
                                        "演習はまだ始まっていません。ブリーフィングを読んでください。最初のターンの計画はもう立てられます。")) },
            "paused" => div.notice.warn { (tr(l, "The facilitator has paused the drill: no turn ends until it resumes. You can keep planning.",
                                              "ファシリテーターが演習を一時停止しました。再開するまでターンは終わりません。計画は続けられます。")) },
            _ => {}
        }
        @if let Some(last) = announcements.last() {
            div.notice role="status" {
                b { (tr(l, "From the facilitator: ", "ファシリテーターより：")) } (s(last))
            }
        }
        @if let Some(changes) = v["score_changes"].as_array().filter(|c| !c.is_empty()) {
            div.notice #score-changes {
                b { (match l { Lang::En => format!("Turn {}: the score changed", v["turn"]), Lang::Ja => format!("{}ターン目の得点の変化", v["turn"]) }) }
                ul { @for c in changes { li { (s(&c["text"])) } } }
            }
        }
    }
}

fn briefing_part(b: &Value, l: Lang) -> Markup {
    html! {
        p { (s(&b["summary"])) }
        h3 { (tr(l, "The organisation", "組織")) }
        p { b { (s(&b["organisation"])) } " — " (s(&b["description"])) }
        h3 { (tr(l, "Your role", "あなたの役割")) }
        p { (s(&b["role"])) }
        h3 { (tr(l, "What this exercise teaches", "学習目標")) }
        ul { @for x in b["learning"].as_array().unwrap_or(empty()) { li { (s(x)) } } }
        h3 { (tr(l, "What is scored", "評価項目")) }
        ul { @for o in b["scored"].as_array().unwrap_or(empty()) {
            li { (s(&o["name"])) " (" (o["points"]) (tr(l, " points", "点")) ")" }
        } }
        h3 { (tr(l, "How to play", "進め方")) }
        p { (match l {
            Lang::En => format!("Turns of {} minutes, {} turns at most. Each turn your team has {} effort to spend; an action costs effort every turn it runs.",
                b["minutes_per_turn"], b["max_turns"], b["effort_per_turn"]),
            Lang::Ja => format!("1ターンは{}分、最大{}ターン。チームは毎ターン{}の工数を使え、対応は実行中のターンごとに工数を消費します。",
                b["minutes_per_turn"], b["max_turns"], b["effort_per_turn"]),
        }) }
        p { (tr(l, "Read the inbox and the network, plan actions below, then say you are done with the turn. The turn ends when everyone is done (or the facilitator or the timer ends it).",
                "受信箱とネットワークを確認して下で対応を計画し、ターンの作業が終わったら「完了」を押してください。全員が完了するか、ファシリテーターかタイマーが終えるとターンが進みます。")) }
    }
}

fn debrief_part(v: &Value, l: Lang) -> Markup {
    let d = &v["debrief"];
    if !d.is_object() {
        return html! {};
    }
    html! {
        section.panel aria-labelledby="debrief-h" {
            h2 #debrief-h { (tr(l, "Debrief", "振り返り")) }
            p.big { b { (s(&v["ended"]["text"])) } }
            @if let Some(conds) = v["ended"]["win_conditions"].as_array().filter(|c| !c.is_empty()) {
                p { (tr(l, "What a win takes:", "勝利の条件：")) }
                ul #win-conditions { @for c in conds {
                    li class=(if c["met"] == true { "good" } else { "bad" }) {
                        (if c["met"] == true { tr(l, "✓ met: ", "✓ 達成：") } else { tr(l, "✗ missing: ", "✗ 未達：") }) (s(&c["text"]))
                    }
                } }
            }
            p { (tr(l, "Score: ", "得点：")) b { (d["score"]["total"]) " / " (d["score"]["max"]) } " (" (d["score"]["percent"]) "%)"
                @if let Some(g) = d["score"]["grade"].as_str() { " — " (g) } }
            table {
                thead { tr { th { (tr(l, "Objective", "評価項目")) } th { (tr(l, "Result", "結果")) } th.num { (tr(l, "Points", "得点")) } th { (tr(l, "Why", "理由")) } } }
                tbody { @for o in d["objectives"].as_array().unwrap_or(empty()) {
                    tr { td { (s(&o["name"])) } td { (s(&o["status"])) } td.num { (o["points"]) "/" (o["max"]) } td { (s(&o["reason"])) } }
                } }
            }
            @let penalties = d["penalties"].as_array().unwrap_or(empty());
            @if !penalties.is_empty() {
                h3 { (tr(l, "Penalties", "減点")) }
                ul { @for p in penalties { li { (s(&p["what"])) " ×" (p["count"]) ": −" (p["points"]) } } }
            }
            @if let Some(timeline) = d["timeline"].as_array() {
                h3 { (tr(l, "What really happened", "実際に起きたこと")) }
                p.muted { (tr(l, "Marked ✱: what the attacker did that you could not see.", "✱ は見えていなかった攻撃者の動き。")) }
                table {
                    tbody { @for e in timeline {
                        tr class=[e["hidden"].as_bool().filter(|h| *h).map(|_| "hidden-event")] {
                            td.num { (e["turn"]) } td { @if e["hidden"] == true { "✱ " } (s(&e["text"])) }
                        }
                    } }
                }
                @if let Some(epilogue) = d["epilogue"].as_str() {
                    h3 { (tr(l, "Epilogue: the real incident", "後日談：実際の事件では")) }
                    @for para in epilogue.split("\n\n") { p.epilogue { (para) } }
                }
                p.no-print {
                    a.button href=(format!("/api/team/report?format=html&lang={}", l.code())) download="after-action-report.html" {
                        (tr(l, "Download the after-action report", "事後報告書をダウンロード")) }
                    " "
                    button.secondary type="button" data-print { (tr(l, "Print", "印刷")) }
                }
            } @else {
                p.muted { (tr(l, "What really happened is shown here when the whole drill has ended.", "実際に起きたことは、演習全体が終わるとここに表示されます。")) }
            }
        }
    }
}

pub(super) fn inbox_part(v: &Value, l: Lang) -> Markup {
    let items = v["inbox"].as_array().unwrap_or(empty());
    let queued = v["queued"].as_array().unwrap_or(empty());
    let open = v["ended"].is_null() && v["drill"]["status"] != "ended";
    let triage_action = v["options"]
        .as_array()
        .unwrap_or(empty())
        .iter()
        .find(|o| o["target_kind"] == "alert")
        .cloned();
    // An alert raised again and again (a noisy source) is one entry with its count, as in
    // the terminal.
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for item in items.iter().filter(|i| i["kind"] == "alert") {
        *counts.entry(s(&item["id"])).or_default() += 1;
    }
    let mut seen = std::collections::HashSet::new();
    let shown: Vec<(&Value, usize)> = items
        .iter()
        .filter(|i| i["kind"] != "alert" || seen.insert(s(&i["id"])))
        .map(|i| {
            (
                i,
                if i["kind"] == "alert" {
                    counts[s(&i["id"])]
                } else {
                    1
                },
            )
        })
        .collect();
    html! {
        @if items.is_empty() { p.muted { (tr(l, "Nothing yet.", "まだ何もありません。")) } }
        @for (item, times) in shown {
            @let key = format!("{}:{}:{}", s(&item["kind"]), item["id"].as_str().map_or_else(|| item["number"].to_string(), str::to_owned), item["turn"]);
            details.inbox-item data-key=(key) {
                summary {
                    span.mark aria-hidden="true" { "●" }
                    span.turn { "T" (item["turn"]) }
                    @match s(&item["kind"]) {
                        "alert" => span { span class=(format!("sev-{}", s(&item["severity"]))) { (s(&item["severity"])) } " " (s(&item["title"]))
                            @if times > 1 { " " span.muted title=(tr(l, "raised this many times", "この回数発生")) { "× " (times) } }
                            @if item["verdict"].is_null() { " " span.badge.warn { (tr(l, "to triage", "未トリアージ")) } } },
                        "message" => span { (s(&item["from"])) (tr(l, ": ", "：")) (s(&item["subject"]))
                            @if item["question"].is_object() && item["question"]["answer"].is_null() && item["question"]["expired"] == false { " " span.badge.warn { "?" } } },
                        _ => span { (tr(l, "Facilitator: ", "ファシリテーター：")) (s(&item["text"]).lines().next().unwrap_or(""))
                            @if item["question"].is_object() && item["question"]["reply"].is_null() { " " span.badge.warn { "?" } } },
                    }
                }
                div.body {
                    @match s(&item["kind"]) {
                        "alert" => {
                            p { (s(&item["text"])) }
                            p.muted { (tr(l, "Host: ", "ホスト：")) (s(&item["host"])) }
                            @match item["verdict"].as_str() {
                                Some("malicious") => p { span.badge.bad { (tr(l, "Triaged: malicious", "トリアージ結果：悪性")) } },
                                Some(_) => p { span.badge.good { (tr(l, "Triaged: a false positive", "トリアージ結果：誤検知")) } },
                                None => @if let Some(t) = &triage_action {
                                    @if open && t["targets"].as_array().unwrap_or(empty()).iter().any(|x| x["target"]["Alert"] == item["id"]) {
                                        (layout::post_form("/team/queue", &[
                                            ("action", s(&t["action"]).to_owned()),
                                            ("target", json!({"Alert": item["id"]}).to_string()),
                                        ], &format!("{} ({})", s(&t["name"]), effort_word(t["cost"].as_u64().unwrap_or(0), l)), "small"))
                                    }
                                },
                            }
                        }
                        "message" => {
                            p { (s(&item["body"])) }
                            (question_part(item, queued, open, l))
                        }
                        _ => {
                            p { (s(&item["text"])) }
                            (facilitator_question(item, queued, open, l))
                        }
                    }
                }
            }
        }
    }
}

fn effort_word(cost: u64, l: Lang) -> String {
    match l {
        Lang::En => format!("effort {cost}"),
        Lang::Ja => format!("工数{cost}"),
    }
}

fn question_part(item: &Value, queued: &[Value], open: bool, l: Lang) -> Markup {
    let q = &item["question"];
    if !q.is_object() {
        return html! {};
    }
    let inject = s(&item["id"]);
    let pending = queued.iter().find_map(|c| {
        let a = &c["command"]["Answer"];
        (a[0] == inject).then(|| s(&a[1]).to_owned())
    });
    let answered = q["answer"].as_str();
    let can = open && answered.is_none() && q["expired"] == false;
    html! {
        div.question {
            p { b { (s(&q["prompt"])) } }
            @if can {
                form method="post" action="/team/answer" data-js {
                    input type="hidden" name="inject" value=(inject);
                    fieldset {
                        legend { (tr(l, "Your answer", "回答")) }
                        @for c in q["choices"].as_array().unwrap_or(empty()) {
                            div { label.inline {
                                input type="radio" name="choice" value=(s(&c["id"])) required checked[pending.as_deref() == Some(s(&c["id"]))];
                                " " (s(&c["text"]))
                            } }
                        }
                    }
                    @if let Some(by) = q["answer_by"].as_u64() {
                        p.muted { (match l { Lang::En => format!("Answer by turn {by}."), Lang::Ja => format!("{by}ターン目までに回答してください。") }) }
                    }
                    button type="submit" { @if pending.is_some() { (tr(l, "Change the answer", "回答を変更")) } @else { (tr(l, "Answer", "回答する")) } }
                    @if pending.is_some() { " " span.muted { (tr(l, "(queued for this turn)", "（このターンに予約済み）")) } }
                }
            } @else {
                ul { @for c in q["choices"].as_array().unwrap_or(empty()) {
                    li { @if answered == c["id"].as_str() { "✓ " } (s(&c["text"])) }
                } }
                @if answered.is_none() && q["expired"] == true { p.muted { (tr(l, "It is too late to answer.", "回答の期限を過ぎました。")) } }
            }
        }
    }
}

fn facilitator_question(item: &Value, queued: &[Value], open: bool, l: Lang) -> Markup {
    let q = &item["question"];
    if !q.is_object() {
        return html! {};
    }
    let number = item["number"].as_u64().unwrap_or(0);
    let pending = queued
        .iter()
        .find_map(|c| {
            (c["command"]["Reply"][0] == number).then(|| c["command"]["Reply"][1].as_u64())
        })
        .flatten();
    let replied = q["reply"].as_u64();
    html! {
        div.question {
            p { b { (s(&q["prompt"])) } }
            @if open && replied.is_none() {
                form method="post" action="/team/reply" data-js {
                    input type="hidden" name="number" value=(number);
                    fieldset {
                        legend { (tr(l, "Your reply (not scored)", "回答（採点対象外）")) }
                        @for (i, c) in q["choices"].as_array().unwrap_or(empty()).iter().enumerate() {
                            div { label.inline {
                                input type="radio" name="choice" value=(i + 1) required checked[pending == Some(i as u64 + 1)];
                                " " (s(c))
                            } }
                        }
                    }
                    button type="submit" { (tr(l, "Reply", "回答する")) }
                }
            } @else {
                ul { @for (i, c) in q["choices"].as_array().unwrap_or(empty()).iter().enumerate() {
                    li { @if replied == Some(i as u64 + 1) { "✓ " } (s(c)) }
                } }
            }
        }
    }
}

pub(super) fn network_part(v: &Value, l: Lang) -> Markup {
    let down = v["functions_down"].as_array().unwrap_or(empty());
    let accounts = v["accounts"].as_array().unwrap_or(empty());
    let mitigations = v["mitigations_on"].as_array().unwrap_or(empty());
    html! {
        (super::map::network(v, l))
        @if !down.is_empty() {
            p { b { (tr(l, "Down: ", "停止中の業務：")) } (down.iter().map(|f| s(&f["name"])).collect::<Vec<_>>().join(tr(l, ", ", "、"))) }
        }
        details data-key="hosts-table" {
            summary { (tr(l, "Hosts as a table", "ホスト一覧（表）")) }
            table {
                thead { tr { th { (tr(l, "Host", "ホスト")) } th { (tr(l, "Kind", "種類")) } th { (tr(l, "What you know", "把握している状態")) } } }
                tbody { @for h in v["hosts"].as_array().unwrap_or(empty()) {
                    tr {
                        td { (s(&h["id"])) }
                        td { (s(&h["kind"])) }
                        td { span class=(format!("status-{}", s(&h["status"]))) { (status_word(s(&h["status"]), l)) }
                            @for (flag, en, ja) in [("isolated", "isolated", "隔離中"), ("busy", "being rebuilt", "再構築中"), ("encrypted", "encrypted", "暗号化"), ("down", "down", "停止中"), ("imaged", "imaged", "保全済み"), ("patched", "patched", "パッチ済み")] {
                                @if h[flag] == true { " · " (tr(l, en, ja)) }
                            }
                        }
                    }
                } }
            }
        }
        @if !accounts.is_empty() {
            p { b { (tr(l, "Accounts: ", "アカウント：")) }
                @for (i, a) in accounts.iter().enumerate() {
                    @if i > 0 { ", " }
                    (s(&a["id"]))
                    @if a["flagged"] == true { " (" (tr(l, "compromised", "侵害の疑い")) ")" }
                    @if a["disabled"] == true { " (" (tr(l, "disabled", "無効化済み")) ")" }
                }
            }
        }
        @if !mitigations.is_empty() {
            p { b { (tr(l, "Protections on: ", "有効な防御設定：")) } (mitigations.iter().map(s).collect::<Vec<_>>().join(", ")) }
        }
    }
}

fn status_word(status: &str, l: Lang) -> &'static str {
    match status {
        "suspicious" => tr(l, "suspicious", "不審"),
        "compromised" => tr(l, "compromised", "侵害あり"),
        "rebuilt" => tr(l, "rebuilt", "再構築済み"),
        _ => tr(l, "normal", "異常なし"),
    }
}

pub(super) fn work_part(v: &Value, seat: &Seat, l: Lang) -> Markup {
    let queued = v["queued"].as_array().unwrap_or(empty());
    let tasks = v["tasks"].as_array().unwrap_or(empty());
    let deadlines = v["deadlines"].as_array().unwrap_or(empty());
    let members = v["team"]["members"].as_array().unwrap_or(empty());
    let me_ready = members
        .iter()
        .any(|m| m["name"] == seat.member.as_str() && m["ready"] == true);
    let playing = v["ended"].is_null() && v["drill"]["status"] != "ended";
    html! {
        @if playing {
            div.end-turn {
                div.members aria-label=(tr(l, "Who is done with the turn", "ターンの作業を終えたメンバー")) {
                    @for m in members {
                        span class=(if m["ready"] == true { "member ready" } else { "member" }) {
                            @if m["ready"] == true { "✓ " } (s(&m["name"]))
                        }
                    }
                }
                @if v["team"]["done"] == true {
                    span.badge.good { (tr(l, "Turn done: waiting for the others", "ターン完了：他のチームを待っています")) }
                } @else if me_ready {
                    (layout::post_form("/team/ready", &[("ready", "false".into())], tr(l, "Not done after all", "完了を取り消す"), "secondary"))
                    (layout::post_form("/team/ready", &[("ready", "true".into()), ("force", "true".into())], tr(l, "End the turn for the whole team", "チーム全員分のターンを終了"), "secondary"))
                } @else {
                    div #done-turn { (layout::post_form("/team/ready", &[("ready", "true".into())], tr(l, "I am done with this turn", "このターンの作業を完了"), "")) }
                }
            }
        }
        h3 { (tr(l, "Queued for the next turn", "次のターンに予約済み")) }
        @if queued.is_empty() { p.muted { (tr(l, "Nothing queued.", "予約はありません。")) } }
        ul { @for q in queued {
            li {
                (s(&q["label"]))
                @if let Some(by) = q["by"].as_str() { " " span.muted { "— " (by) } }
                @if playing { " " (layout::post_form("/team/withdraw", &[("index", q["index"].to_string())], tr(l, "Take back", "取り消す"), "small secondary")) }
            }
        } }
        @if !tasks.is_empty() {
            h3 { (tr(l, "In progress", "実行中")) }
            ul { @for t in tasks {
                li { (s(&t["label"])) " " span.muted { "(" (match l { Lang::En => format!("{} left", crate::report::describe::n(t["remaining"].as_u64().unwrap_or(0), "turn")), Lang::Ja => format!("残り{}ターン", t["remaining"]) }) ")" } }
            } }
        }
        @if !deadlines.is_empty() {
            h3 { (tr(l, "Reporting deadlines", "報告期限")) }
            ul { @for d in deadlines {
                li {
                    (s(&d["to"])) ": "
                    @if d["kept"] == true { span.badge.good { (tr(l, "reported", "報告済み")) } }
                    @else if d["missed"] == true { span.badge.bad { (tr(l, "missed", "期限切れ")) } }
                    @else { (match l { Lang::En => format!("by turn {}", d["due"]), Lang::Ja => format!("{}ターン目まで", d["due"]) }) }
                    br; small.muted { (s(&d["basis"])) }
                }
            } }
        }
    }
}

fn evidence_part(v: &Value, l: Lang) -> Markup {
    let evidence = v["evidence"].as_array().unwrap_or(empty());
    let hints = &v["hints"];
    let taken = hints["taken"].as_array().unwrap_or(empty());
    let offered = hints["offered"].as_array().unwrap_or(empty());
    let playing = v["ended"].is_null() && v["drill"]["status"] != "ended";
    html! {
        div.side-by-side {
            div {
                h3 { (tr(l, "Evidence found", "発見した証拠")) }
                @if evidence.is_empty() { p.muted { (tr(l, "None yet.", "まだありません。")) } }
                ul { @for e in evidence { li { span.muted { "T" (e["turn"]) " " } (s(&e["text"])) } } }
                @if let Some(f) = v["findings"].as_object() {
                    h3 { (tr(l, "Report filed", "提出済みの報告")) }
                    p { (match l { Lang::En => format!("Turn {}: entry {}, hosts {}", f["turn"], s(&f["entry"]), f["hosts"].as_array().map(|h| h.iter().map(s).collect::<Vec<_>>().join(", ")).unwrap_or_default()),
                                   Lang::Ja => format!("{}ターン目：侵入経路 {}、ホスト {}", f["turn"], s(&f["entry"]), f["hosts"].as_array().map(|h| h.iter().map(s).collect::<Vec<_>>().join("、")).unwrap_or_default()) }) }
                }
            }
            div {
                h3 { (tr(l, "Hints", "ヒント")) }
                ul {
                    @for h in hints["queued"].as_array().unwrap_or(empty()) {
                        li { b { (s(&h["topic"])) } ": " (s(&h["text"])) " "
                             span.badge.warn { (match l { Lang::En => format!("−{} when the turn is played", h["cost"]), Lang::Ja => format!("ターン実行時に−{}点", h["cost"]) }) } }
                    }
                    @for h in taken {
                        li { (s(&h["text"])) @if h["granted"] == true { " " span.badge.good { (tr(l, "from the facilitator", "ファシリテーターから")) } } }
                    }
                }
                @if playing && !offered.is_empty() {
                    p.muted { (tr(l, "A hint helps, but costs points.", "ヒントは役に立ちますが、減点されます。")) }
                    ul { @for (i, h) in offered.iter().enumerate() {
                        li { a href=(format!("/team?hint={}#composer", s(&h["id"]))) data-compose=(format!("/team/compose?hint={}", s(&h["id"]))) {
                            (match l { Lang::En => format!("{} — costs {} points", h["topic"].as_str().map_or_else(|| format!("Hint {}", i + 1), str::to_owned), h["cost"]), Lang::Ja => format!("{} — {}点減点", h["topic"].as_str().map_or_else(|| format!("ヒント{}", i + 1), str::to_owned), h["cost"]) })
                        } }
                    } }
                }
            }
        }
    }
}
