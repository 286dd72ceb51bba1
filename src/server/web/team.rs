//! The team client: joining, the briefing, the main screen (clock, effort, score, countdown;
//! inbox; network map; work; evidence and findings; the action composer; hints; ending the
//! turn with teammates' readiness) and the debrief.
//!
//! Everything is drawn from the team's view (`server::views::team`), so the browser shows
//! exactly what the API serves; legality and previews are the engine's own.

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
use super::{Fields, answer, error_page, lang, wants_json};
use crate::report::describe::tr;
use crate::scenario::model::Lang;
use crate::scenario::raw::{RawCommand, RawTarget};
use crate::server::AppState;
use crate::server::api::{self, TEAM_COOKIE};
use crate::server::drill::{DrillHandle, Request as DrillRequest, Seat};
use crate::server::error::ApiError;

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

#[derive(Deserialize, Default)]
struct ComposeQuery {
    lang: Option<Lang>,
    action: Option<String>,
    target: Option<String>,
    hint: Option<String>,
}

/// A step of the composer, for the page's script (or the page itself without it).
async fn compose(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    q: Result<Query<ComposeQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let l = lang(&headers, q.lang);
    if !wants_json(&headers) {
        let mut to = String::from("/team?");
        for (k, v) in [
            ("action", &q.action),
            ("target", &q.target),
            ("hint", &q.hint),
        ] {
            if let Some(v) = v {
                to.push_str(&format!(
                    "{k}={}&",
                    form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
                ));
            }
        }
        return Redirect::to(&format!("{to}#composer")).into_response();
    }
    let result = async {
        let (handle, seat) = seat(&state, &headers)?;
        let (_, view) = team_view(&handle, &seat, l).await?;
        let pq = PageQuery {
            action: q.action,
            target: q.target,
            hint: q.hint,
            ..PageQuery::default()
        };
        Ok::<_, ApiError>(
            composer_doc(&handle, &seat, &view.value, &pq, l)
                .await
                .into_string(),
        )
    }
    .await;
    match result {
        Ok(c) => axum::Json(json!({"composer": c})).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The composer: the actions the team can take (the engine's legal ones), a target, what
/// it would do, and the button that queues it; or a hint's cost to confirm.
async fn composer_doc(
    handle: &DrillHandle,
    seat: &Seat,
    v: &Value,
    q: &PageQuery,
    l: Lang,
) -> Markup {
    let playing = v["ended"].is_null() && v["drill"]["status"] != "ended";
    if !playing {
        return html! { p.muted { (tr(l, "The exercise is over for your team.", "あなたのチームの演習は終わりました。")) } };
    }
    let options = v["options"].as_array().unwrap_or(empty());
    if let Some(h) = &q.hint {
        let offered = v["hints"]["offered"].as_array().unwrap_or(empty());
        if let Some(hint) = offered.iter().find(|x| x["id"] == h.as_str()) {
            return html! {
                div.composer data-composing {
                    p { (match l { Lang::En => format!("This hint costs {} points off your score, counted when the turn is played. It is shown at once, and cannot be given back.", hint["cost"]),
                                   Lang::Ja => format!("このヒントは得点から{}点引かれます（ターンの実行時に計上）。内容はすぐに表示され、取り消せません。", hint["cost"]) }) }
                    (layout::post_form("/team/hint", &[("hint", h.clone())], tr(l, "Take the hint", "ヒントを使う"), ""))
                    " " a href="/team#composer" data-compose="/team/compose" { (tr(l, "Back", "戻る")) }
                }
            };
        }
    }
    let chosen = q
        .action
        .as_deref()
        .and_then(|a| options.iter().find(|o| o["action"] == a));
    let Some(option) = chosen else {
        let findings = options.iter().find(|o| o["target_kind"] == "findings");
        return html! {
            div.composer {
                p { (match l { Lang::En => format!("Choose an action. Effort left for the next turn: {}.", v["effort"]["available"]),
                               Lang::Ja => format!("対応を選んでください。次のターンの残り工数：{}。", v["effort"]["available"]) }) }
                div.actions {
                    @for o in options.iter().filter(|o| o["target_kind"] != "findings") {
                        a class=(if o["affordable"] == true { "" } else { "dear" })
                            href=(format!("/team?action={}#composer", s(&o["action"])))
                            data-compose=(format!("/team/compose?action={}", s(&o["action"]))) {
                            b { (s(&o["name"])) } br;
                            small.muted { (effort_word(o["cost"].as_u64().unwrap_or(0), l))
                                (match l { Lang::En => format!(" · {}", crate::report::describe::n(o["turns"].as_u64().unwrap_or(0), "turn")), Lang::Ja => format!("・{}ターン", o["turns"]) }) }
                        }
                    }
                }
                @if let Some(f) = findings { (findings_form(v, f, l)) }
            }
        };
    };
    let action = s(&option["action"]).to_owned();
    let targets = option["targets"].as_array().unwrap_or(empty());
    let target: Option<Value> = match q.target.as_deref() {
        Some(t) => serde_json::from_str::<Value>(t)
            .ok()
            .or_else(|| Some(Value::String(t.to_owned()))),
        None if option["target_kind"] == "org" => Some(json!("Org")),
        None => None,
    };
    let target = target.filter(|t| targets.iter().any(|x| &x["target"] == t));
    let back = html! { a href="/team#composer" data-compose="/team/compose" { (tr(l, "Choose another action", "別の対応を選ぶ")) } };
    let Some(target) = target else {
        return html! {
            div.composer data-composing {
                p { b { (s(&option["name"])) } }
                form method="get" action="/team" {
                    input type="hidden" name="action" value=(action);
                    label for="target-select" { (tr(l, "On what?", "対象")) }
                    select #target-select name="target" required
                        data-preview=(format!("/team/compose?action={}&target=", action)) {
                        option value="" { (tr(l, "— choose —", "— 選択 —")) }
                        @for t in targets { option value=(t["target"].to_string()) { (s(&t["label"])) } }
                    }
                    " " button.secondary type="submit" { (tr(l, "See what it does", "内容を確認")) }
                }
                p { (back) }
            }
        };
    };
    let command = RawCommand::Act(
        action.clone(),
        serde_json::from_value::<RawTarget>(target.clone()).unwrap_or(RawTarget::Org),
    );
    let preview = handle
        .ask(|reply| DrillRequest::Preview {
            seat: seat.clone(),
            command,
            lang: l,
            reply,
        })
        .await;
    html! {
        div.composer data-composing {
            @match preview {
                Ok(p) => {
                    p { b { (s(&p["label"])) } }
                    ul.preview {
                        li { (effort_word(p["cost"].as_u64().unwrap_or(0), l))
                            (match l { Lang::En => format!(" every turn it runs, for {}; {} effort left for the next turn once queued.", crate::report::describe::n(p["turns"].as_u64().unwrap_or(0), "turn"), p["effort_after"]),
                                       Lang::Ja => format!("（実行中は毎ターン）、{}ターンかかります。予約後の次のターンの残り工数は{}。", p["turns"], p["effort_after"]) }) }
                        @for st in p["stops"].as_array().unwrap_or(empty()) {
                            li.notice.warn { (match (l, s(&st["lasting"])) {
                                (Lang::En, "while_running") => format!("Stops {} while it runs.", s(&st["name"])),
                                (Lang::En, _) => format!("Stops {} until you undo it.", s(&st["name"])),
                                (Lang::Ja, "while_running") => format!("実行中は{}が止まります。", s(&st["name"])),
                                (Lang::Ja, _) => format!("元に戻すまで{}が止まります。", s(&st["name"])),
                            }) }
                        }
                        @if let Some(w) = p["wipes"].as_object() {
                            li class=(if w["imaged"] == true { "notice" } else { "notice bad" }) {
                                (match (l, w["imaged"] == true) {
                                    (Lang::En, false) => format!("Wipes {}'s disk: any evidence on it is lost (no image has been taken).", w["host"].as_str().unwrap_or("")),
                                    (Lang::En, true) => format!("Wipes {}'s disk (an image of it has been taken).", w["host"].as_str().unwrap_or("")),
                                    (Lang::Ja, false) => format!("{}のディスクを消去します。イメージを取得していないため、証拠は失われます。", w["host"].as_str().unwrap_or("")),
                                    (Lang::Ja, true) => format!("{}のディスクを消去します（イメージは取得済み）。", w["host"].as_str().unwrap_or("")),
                                })
                            }
                        }
                        @if p["adds_effort"].as_u64().unwrap_or(0) > 0 {
                            li { (match l { Lang::En => format!("Once done, adds {} effort to every turn.", p["adds_effort"]), Lang::Ja => format!("完了後は毎ターンの工数が{}増えます。", p["adds_effort"]) }) }
                        }
                        @if p["ends_exercise"] == true {
                            li.notice.warn #ends-exercise { (tr(l, "This ends the exercise when the turn is played: the win conditions will then hold. Queue anything else you want done first.",
                                                               "ターンの実行時に演習が終了します（勝利条件が満たされるため）。先に行いたい対応があれば、あわせて予約してください。")) }
                        }
                    }
                    @if let Some(r) = p["refusal"].as_str() {
                        p.notice.bad { (tr(l, "It cannot be queued: ", "予約できません：")) (r) }
                    } @else {
                        (layout::post_form("/team/queue", &[("action", action.clone()), ("target", target.to_string())], tr(l, "Queue it", "予約する"), ""))
                    }
                }
                Err(e) => p.notice.bad { (e.message) },
            }
            p { (back) }
        }
    }
}

/// The findings report form; nothing is chosen in advance.
fn findings_form(v: &Value, option: &Value, l: Lang) -> Markup {
    let draft = &v["draft"];
    let form = &v["findings_form"];
    let checked = |field: &str, id: &Value| {
        draft[field]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == id))
    };
    html! {
        details.panel data-key="findings" open[draft.is_object()] {
            summary { h3 style="display:inline" { (s(&option["name"])) } " " small.muted { "(" (effort_word(option["cost"].as_u64().unwrap_or(0), l)) ")" } }
            form #findings-form method="post" action="/team/findings" data-js data-draft="/team/findings" {
                input type="hidden" name="action" value=(s(&option["action"]));
                label for="entry" { (tr(l, "How did the attacker get in?", "侵入経路")) }
                select #entry name="entry" required {
                    option value="" { (tr(l, "— choose —", "— 選択 —")) }
                    @for e in form["entry_vectors"].as_array().unwrap_or(empty()) {
                        option value=(s(&e["id"])) selected[draft["entry"] == e["id"]] { (s(&e["name"])) }
                    }
                }
                fieldset {
                    legend { (tr(l, "Hosts compromised", "侵害されたホスト")) }
                    @for h in v["hosts"].as_array().unwrap_or(empty()) {
                        label.inline { input type="checkbox" name="hosts" value=(s(&h["id"])) checked[checked("hosts", &h["id"])]; " " (s(&h["id"])) }
                    }
                }
                fieldset {
                    legend { (tr(l, "Data taken", "流出したデータ")) }
                    @for d in form["data_sets"].as_array().unwrap_or(empty()) {
                        label.inline { input type="checkbox" name="data" value=(s(&d["id"])) checked[checked("data", &d["id"])]; " " (s(&d["name"])) }
                    }
                }
                label for="first-turn" { (tr(l, "First compromise, turn", "最初の侵害（ターン）")) }
                input #first-turn type="number" name="first_turn" min="1" max=(v["scenario"]["max_turns"]) required
                    value=[draft["first_turn"].as_str()];
                @if let Some(causes) = form["root_causes"].as_array().filter(|c| !c.is_empty()) {
                    label for="root-cause" { (tr(l, "Root cause", "根本原因")) }
                    select #root-cause name="root_cause" {
                        option value="" { (tr(l, "— choose —", "— 選択 —")) }
                        @for r in causes {
                            option value=(s(&r["id"])) selected[draft["root_cause"] == r["id"]] { (s(&r["name"])) }
                        }
                    }
                }
                p { button type="submit" { (tr(l, "Queue the report", "報告を予約する")) } }
                p.muted { (tr(l, "What you write here is kept for your team as you type.", "入力内容は入力中もチームで共有・保存されます。")) }
            }
        }
    }
}

/// Queues a command for the member; answers with a sentence.
async fn queue_command(
    state: &AppState,
    headers: &HeaderMap,
    command: RawCommand,
    l: Lang,
) -> Result<String, ApiError> {
    let (handle, seat) = seat(state, headers)?;
    handle
        .ask(|reply| DrillRequest::Queue {
            seat,
            command,
            lang: l,
            reply,
        })
        .await?;
    Ok(tr(l, "Queued.", "予約しました。").to_owned())
}

async fn queue(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let f = Fields::parse(&body);
    let l = lang(&headers, None);
    let result = async {
        let action = f
            .get("action")
            .ok_or_else(|| ApiError::bad_request("no action"))?;
        let target = match f.get("target") {
            Some(t) => serde_json::from_str::<RawTarget>(t)
                .map_err(|_| ApiError::bad_request("the target is not one the form offered"))?,
            None => RawTarget::Org,
        };
        queue_command(
            &state,
            &headers,
            RawCommand::Act(action.to_owned(), target),
            l,
        )
        .await
    }
    .await;
    let composer = result.is_ok().then(String::new);
    answer(&headers, "/team", result, composer)
}

async fn withdraw(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let f = Fields::parse(&body);
    let l = lang(&headers, None);
    let result = async {
        let index = f
            .get("index")
            .and_then(|i| i.parse().ok())
            .ok_or_else(|| ApiError::bad_request("no index"))?;
        let (handle, seat) = seat(&state, &headers)?;
        handle
            .ask(|reply| DrillRequest::Withdraw { seat, index, reply })
            .await?;
        Ok(tr(l, "Taken back.", "取り消しました。").to_owned())
    }
    .await;
    answer(&headers, "/team", result, None)
}

async fn ready(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let f = Fields::parse(&body);
    let l = lang(&headers, None);
    let result = async {
        let (handle, seat) = seat(&state, &headers)?;
        let ready = f.get("ready") != Some("false");
        let force = f.get("force") == Some("true");
        handle
            .ask(|reply| DrillRequest::Ready {
                seat,
                ready,
                force,
                reply,
            })
            .await?;
        Ok(if ready {
            tr(
                l,
                "Done with this turn.",
                "このターンの作業を完了しました。",
            )
        } else {
            tr(l, "Not done after all.", "完了を取り消しました。")
        }
        .to_owned())
    }
    .await;
    answer(&headers, "/team", result, None)
}

async fn answer_question(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let l = lang(&headers, None);
    let result = match (f.get("inject"), f.get("choice")) {
        (Some(i), Some(c)) => {
            queue_command(
                &state,
                &headers,
                RawCommand::Answer(i.to_owned(), c.to_owned()),
                l,
            )
            .await
        }
        _ => Err(ApiError::bad_request(tr(
            l,
            "Choose an answer.",
            "回答を選んでください。",
        ))),
    };
    answer(&headers, "/team", result, None)
}

async fn reply(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let f = Fields::parse(&body);
    let l = lang(&headers, None);
    let parsed = (
        f.get("number").and_then(|n| n.parse::<u32>().ok()),
        f.get("choice").and_then(|n| n.parse::<u32>().ok()),
    );
    let result = match parsed {
        (Some(n), Some(c)) => queue_command(&state, &headers, RawCommand::Reply(n, c), l).await,
        _ => Err(ApiError::bad_request(tr(
            l,
            "Choose a reply.",
            "回答を選んでください。",
        ))),
    };
    answer(&headers, "/team", result, None)
}

async fn hint(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let f = Fields::parse(&body);
    let l = lang(&headers, None);
    let result = match f.get("hint") {
        Some(h) => queue_command(&state, &headers, RawCommand::Hint(h.to_owned()), l).await,
        None => Err(ApiError::bad_request("no hint")),
    };
    let composer = result.is_ok().then(String::new);
    answer(&headers, "/team", result, composer)
}

async fn findings(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let f = Fields::parse(&body);
    let l = lang(&headers, None);
    if f.get("draft_only").is_some() {
        // Kept as typed, for teammates and against a crash.
        let draft = json!({
            "entry": f.get("entry"),
            "root_cause": f.get("root_cause"),
            "hosts": f.all("hosts"),
            "data": f.all("data"),
            "first_turn": f.get("first_turn"),
        });
        let result = async {
            let (handle, seat) = seat(&state, &headers)?;
            handle
                .ask(|reply| DrillRequest::Draft { seat, draft, reply })
                .await?;
            Ok(String::new())
        }
        .await;
        return answer(&headers, "/team", result, None);
    }
    let result = async {
        let action = f
            .get("action")
            .ok_or_else(|| ApiError::bad_request("no action"))?;
        let entry = f.get("entry").ok_or_else(|| {
            ApiError::bad_request(tr(
                l,
                "Choose how the attacker got in.",
                "侵入経路を選んでください。",
            ))
        })?;
        let first_turn = f
            .get("first_turn")
            .and_then(|t| t.parse::<u32>().ok())
            .filter(|t| *t >= 1)
            .ok_or_else(|| {
                ApiError::bad_request(tr(
                    l,
                    "Give the turn of the first compromise.",
                    "最初の侵害のターンを入力してください。",
                ))
            })?;
        let target = RawTarget::Findings {
            entry: entry.to_owned(),
            hosts: f.all("hosts"),
            data: f.all("data"),
            first_turn,
            root_cause: f
                .get("root_cause")
                .filter(|r| !r.is_empty())
                .map(str::to_owned),
        };
        queue_command(
            &state,
            &headers,
            RawCommand::Act(action.to_owned(), target),
            l,
        )
        .await
    }
    .await;
    answer(&headers, "/team", result, None)
}
