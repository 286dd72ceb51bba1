//! What the team page's forms post: queueing and withdrawing commands, readiness, answers,
//! replies to the facilitator, hints and the findings report. Each answers with a sentence for
//! the page's script, or sends the browser back to the page without it.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::json;

use super::seat;
use crate::report::describe::tr;
use crate::scenario::model::Lang;
use crate::scenario::raw::{RawCommand, RawTarget};
use crate::server::AppState;
use crate::server::drill::Request as DrillRequest;
use crate::server::error::ApiError;
use crate::server::web::{Fields, answer, lang};

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

pub(super) async fn queue(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
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

pub(super) async fn withdraw(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
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

pub(super) async fn ready(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
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

pub(super) async fn answer_question(
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

pub(super) async fn reply(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
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

pub(super) async fn hint(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let l = lang(&headers, None);
    let result = match f.get("hint") {
        Some(h) => queue_command(&state, &headers, RawCommand::Hint(h.to_owned()), l).await,
        None => Err(ApiError::bad_request("no hint")),
    };
    let composer = result.is_ok().then(String::new);
    answer(&headers, "/team", result, composer)
}

pub(super) async fn findings(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
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
