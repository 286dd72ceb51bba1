//! The action composer, step by step (action, target, hint; the preview), and the findings
//! form: for the page's script as JSON, or drawn into the page without it.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{PageQuery, effort_word, empty, s, seat, team_view};
use crate::report::describe::tr;
use crate::scenario::model::Lang;
use crate::scenario::raw::{RawCommand, RawTarget};
use crate::server::AppState;
use crate::server::drill::{DrillHandle, Request as DrillRequest, Seat};
use crate::server::error::ApiError;
use crate::server::web::layout;
use crate::server::web::{lang, wants_json};

#[derive(Deserialize, Default)]
pub(super) struct ComposeQuery {
    lang: Option<Lang>,
    action: Option<String>,
    target: Option<String>,
    hint: Option<String>,
}

/// A step of the composer, for the page's script (or the page itself without it).
pub(super) async fn compose(
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
pub(super) async fn composer_doc(
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
