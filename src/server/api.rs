//! The HTTP API: routes, who may call them, and the requests they pass to drills. JSON in and
//! out; tokens in `Authorization: Bearer …`; errors as `{code, message}`. See
//! docs/server-api.md.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::drill::{Control, DrillHandle, ReportFormat, Request as DrillRequest, Seat};
use super::error::ApiError;
use super::live::{self, Follow};
use super::{AppState, DrillSpec, auth, read};
use crate::scenario::model::Lang;
use crate::scenario::raw::RawCommand;

/// Largest request body, in bytes.
pub const MAX_BODY: usize = 64 * 1024;

/// JSON bodies whose rejections are API errors.
pub struct Body<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for Body<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Json(value) = Json::<T>::from_request(req, state).await?;
        Ok(Self(value))
    }
}

/// The API's routes.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/api/health", get(health))
        .route("/api/key", get(key))
        .route("/api/join", post(join))
        .route("/api/team", get(team_view))
        .route("/api/team/ws", get(team_ws))
        .route("/api/team/queue", post(queue))
        .route("/api/team/queue/{index}", delete(withdraw))
        .route("/api/team/preview", post(preview))
        .route("/api/team/ready", post(ready))
        .route("/api/team/draft", axum::routing::put(draft))
        .route("/api/team/report", get(team_report))
        .route("/api/team/briefing", get(briefing))
        .route("/api/scenarios", get(scenarios))
        .route("/api/drills", get(list_drills).post(create_drill))
        .route("/api/drills/{id}", get(drill_info))
        .route("/api/drills/{id}/room", get(room))
        .route("/api/drills/{id}/ws", get(room_ws))
        .route("/api/drills/{id}/teams/{team}", get(facilitator_team_view))
        .route("/api/drills/{id}/teams/{team}/timeline", get(timeline))
        .route("/api/drills/{id}/control", post(control))
        .route("/api/drills/{id}/log", get(log))
        .route("/api/drills/{id}/report", get(report))
        .merge(super::web::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(guard))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}

/// Every request: cross-site writes are refused; answers are never cached.
async fn guard(req: Request, next: Next) -> Response {
    if let Err(e) = auth::same_site(req.method(), req.headers()) {
        return e.into_response();
    }
    let mut res = next.run(req).await;
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not take that method (see docs/server-api.md)",
    )
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint (see docs/server-api.md)")
}

async fn health() -> Json<Value> {
    Json(json!({"ok": true, "cyberdrill": env!("CARGO_PKG_VERSION")}))
}

async fn key(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(json!({"key": crate::replay::sign::public_hex(&state.key)}))
}

/// Query parameters shared by views.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ViewQuery {
    lang: Option<Lang>,
    after: Option<u64>,
    wait: Option<u64>,
    token: Option<String>,
}

/// The cookie a browser keeps a team member's token in (HttpOnly, SameSite=Strict).
pub const TEAM_COOKIE: &str = "cyberdrill_team";
/// The cookie a browser keeps the facilitator's token in.
pub const FACILITATOR_COOKIE: &str = "cyberdrill_facilitator";

/// A token: `Authorization: Bearer`, else `?token=`, else the browser's cookie.
fn token<'a>(headers: &'a HeaderMap, query: Option<&'a str>, cookie: &str) -> Option<&'a str> {
    auth::bearer(headers)
        .or(query)
        .or_else(|| auth::cookie(headers, cookie))
}

/// The seat a team token holds; refuses the facilitator's token and unknown ones.
pub(super) fn seat(
    state: &AppState,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Result<(DrillHandle, Seat), ApiError> {
    let token = token(headers, query, TEAM_COOKIE).ok_or_else(ApiError::unauthorized)?;
    let hash = auth::token_hash(token);
    if hash == state.facilitator {
        return Err(ApiError::forbidden(
            "this is a team's endpoint: use a team member's token",
        ));
    }
    let (drill, seat) = read(&state.seats)
        .get(&hash)
        .cloned()
        .ok_or_else(ApiError::unauthorized)?;
    if state.limiter.check_key(&hash).is_err() {
        return Err(ApiError::too_many("too many requests; slow down"));
    }
    Ok((state.drill(&drill)?, seat))
}

/// Refuses anything but the facilitator's token.
pub(super) fn facilitator(
    state: &AppState,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Result<(), ApiError> {
    let token = token(headers, query, FACILITATOR_COOKIE).ok_or_else(ApiError::unauthorized)?;
    let hash = auth::token_hash(token);
    if hash == state.facilitator {
        return Ok(());
    }
    if read(&state.seats).contains_key(&hash) {
        return Err(ApiError::forbidden("this needs the facilitator's token"));
    }
    Err(ApiError::unauthorized())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JoinBody {
    code: String,
    name: String,
}

async fn join(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Body(body): Body<JoinBody>,
) -> Result<Json<Value>, ApiError> {
    let joined = join_seat(&state, peer.ip(), &body.code, &body.name).await?;
    Ok(Json(json!({
        "token": joined.token,
        "drill": joined.drill,
        "team": joined.seat.team,
        "team_name": joined.team_name,
        "member": joined.seat.member,
    })))
}

/// A member who joined.
pub(super) struct Joined {
    /// Their secret token.
    pub token: String,
    /// The drill.
    pub drill: String,
    /// Their seat.
    pub seat: Seat,
    /// The team's name.
    pub team_name: String,
}

/// Joins the team whose code this is (counting failures per address against guessing).
pub(super) async fn join_seat(
    state: &AppState,
    ip: std::net::IpAddr,
    code: &str,
    name: &str,
) -> Result<Joined, ApiError> {
    let now = std::time::Instant::now();
    {
        let mut joins = state.joins.lock().unwrap_or_else(|p| p.into_inner());
        if !joins.allowed(ip, now) {
            return Err(ApiError::too_many(
                "too many wrong join codes from this address; wait a minute",
            ));
        }
    }
    let found = read(&state.codes).get(&auth::normalize_code(code)).cloned();
    let Some((drill_id, team)) = found else {
        state
            .joins
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .failed(ip, now);
        return Err(ApiError::not_found("no team has this join code"));
    };
    let handle = state.drill(&drill_id)?;
    let token = auth::new_token()?;
    let hash = auth::token_hash(&token);
    let name = name.to_owned();
    let seat = handle
        .ask(|reply| DrillRequest::Join {
            team,
            name,
            token: hash.clone(),
            reply,
        })
        .await?;
    super::write(&state.seats).insert(hash, (drill_id.clone(), seat.clone()));
    Ok(Joined {
        token,
        drill: drill_id,
        team_name: handle.config.teams[seat.team].name.clone(),
        seat,
    })
}

async fn team_view(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    q: Result<Query<ViewQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = q?;
    let (handle, seat) = seat(&state, &headers, q.token.as_deref())?;
    let lang = q.lang.unwrap_or(handle.config.lang);
    let (version, view) = live::poll(
        &handle,
        Follow::Team(seat.team),
        lang,
        q.after,
        q.wait.unwrap_or(0),
    )
    .await?;
    Ok(json_text(live::envelope("team", version, &view)))
}

fn json_text(body: String) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

async fn team_ws(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    q: Result<Query<ViewQuery>, axum::extract::rejection::QueryRejection>,
    ws: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let Query(q) = q?;
    let (handle, seat) = seat(&state, &headers, q.token.as_deref())?;
    let lang = q.lang.unwrap_or(handle.config.lang);
    Ok(ws
        .max_message_size(live::MAX_WS_MESSAGE)
        .max_frame_size(live::MAX_WS_MESSAGE)
        .on_upgrade(move |socket| live::socket(socket, handle, Follow::Team(seat.team), lang)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CommandBody {
    command: RawCommand,
    #[serde(default)]
    lang: Option<Lang>,
}

async fn queue(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Body(body): Body<CommandBody>,
) -> Result<Json<Value>, ApiError> {
    let (handle, seat) = seat(&state, &headers, None)?;
    let lang = body.lang.unwrap_or(handle.config.lang);
    let index = handle
        .ask(|reply| DrillRequest::Queue {
            seat,
            command: body.command,
            lang,
            reply,
        })
        .await?;
    Ok(Json(json!({"index": index})))
}

async fn withdraw(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    path: Result<Path<usize>, axum::extract::rejection::PathRejection>,
) -> Result<Json<Value>, ApiError> {
    let Path(index) = path?;
    let (handle, seat) = seat(&state, &headers, None)?;
    handle
        .ask(|reply| DrillRequest::Withdraw { seat, index, reply })
        .await?;
    Ok(Json(json!({"ok": true})))
}

async fn preview(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Body(body): Body<CommandBody>,
) -> Result<Json<Value>, ApiError> {
    let (handle, seat) = seat(&state, &headers, None)?;
    let lang = body.lang.unwrap_or(handle.config.lang);
    let p = handle
        .ask(|reply| DrillRequest::Preview {
            seat,
            command: body.command,
            lang,
            reply,
        })
        .await?;
    Ok(Json(p))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReadyBody {
    #[serde(default = "yes")]
    ready: bool,
    #[serde(default)]
    force: bool,
}

fn yes() -> bool {
    true
}

async fn ready(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Body(body): Body<ReadyBody>,
) -> Result<Json<Value>, ApiError> {
    let (handle, seat) = seat(&state, &headers, None)?;
    handle
        .ask(|reply| DrillRequest::Ready {
            seat,
            ready: body.ready,
            force: body.force,
            reply,
        })
        .await?;
    Ok(Json(json!({"ok": true})))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DraftBody {
    draft: Value,
}

async fn draft(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Body(body): Body<DraftBody>,
) -> Result<Json<Value>, ApiError> {
    let (handle, seat) = seat(&state, &headers, None)?;
    handle
        .ask(|reply| DrillRequest::Draft {
            seat,
            draft: body.draft,
            reply,
        })
        .await?;
    Ok(Json(json!({"ok": true})))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportQuery {
    format: Option<ReportFormat>,
    lang: Option<Lang>,
    team: Option<usize>,
    token: Option<String>,
}

fn report_response((content_type, body): (&'static str, String)) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}

async fn team_report(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    q: Result<Query<ReportQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = q?;
    let (handle, seat) = seat(&state, &headers, q.token.as_deref())?;
    if q.team.is_some_and(|t| t != seat.team) {
        return Err(ApiError::forbidden("a team reads only its own report"));
    }
    let summary = handle.ask(|reply| DrillRequest::Summary { reply }).await?;
    if summary.status != "ended" {
        return Err(ApiError::conflict(
            "not_ended",
            "the after-action report opens when the drill has ended",
        ));
    }
    let lang = q.lang.unwrap_or(handle.config.lang);
    let body = handle
        .ask(|reply| DrillRequest::Report {
            team: Some(seat.team),
            format: q.format.unwrap_or(ReportFormat::Html),
            lang,
            reply,
        })
        .await?;
    Ok(report_response(body))
}

async fn briefing(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    q: Result<Query<TokenQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(q) = q?;
    let (handle, _) = seat(&state, &headers, q.token.as_deref())?;
    let lang = q.lang.unwrap_or(handle.config.lang);
    Ok(Json(
        handle
            .ask(|reply| DrillRequest::Briefing { lang, reply })
            .await?,
    ))
}

async fn timeline(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, team)): Path<(String, usize)>,
    q: Result<Query<TokenQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(q) = q?;
    facilitator(&state, &headers, q.token.as_deref())?;
    let handle = state.drill(&id)?;
    let lang = q.lang.unwrap_or(handle.config.lang);
    Ok(Json(
        handle
            .ask(|reply| DrillRequest::Timeline { team, lang, reply })
            .await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenQuery {
    token: Option<String>,
    lang: Option<Lang>,
}

async fn scenarios(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    facilitator(&state, &headers, None)?;
    let dir = state.scenarios.clone();
    let list = tokio::task::spawn_blocking(move || {
        let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
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
                    Some(s) => json!({
                        "file": file,
                        "id": s.id,
                        "valid": true,
                        "title": {"en": s.title.en, "ja": s.title.ja},
                        "summary": {"en": s.summary.en, "ja": s.summary.ja},
                        "difficulty": s.difficulty,
                        "max_turns": s.max_turns,
                        "minutes_per_turn": s.minutes_per_turn,
                    }),
                    None => json!({
                        "file": file,
                        "valid": false,
                        "check": serde_json::from_str::<Value>(&crate::cli::check_json(&checked)).ok(),
                    }),
                }
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(Json(json!({"scenarios": list})))
}

async fn create_drill(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Body(spec): Body<DrillSpec>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    facilitator(&state, &headers, None)?;
    let file = state.find_scenario(&spec.scenario)?;
    let created = state.create_drill(&file, &spec).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::to_value(created).unwrap_or(Value::Null)),
    ))
}

async fn list_drills(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    facilitator(&state, &headers, None)?;
    let index = state.index.clone();
    let rows = tokio::task::spawn_blocking(move || index.list())
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(|e| ApiError::internal(format!("drill index: {e}")))?;
    Ok(Json(json!({"drills": rows})))
}

async fn drill_info(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    facilitator(&state, &headers, None)?;
    let handle = state.drill(&id)?;
    let summary = handle.ask(|reply| DrillRequest::Summary { reply }).await?;
    let c = &handle.config;
    Ok(Json(json!({
        "summary": summary,
        "join": state.join_infos(c),
        "pacing": c.pacing,
        "turn_seconds": c.turn_seconds,
        "time_limit_seconds": c.time_limit_seconds,
        "lang": c.lang,
        "max_members": c.max_members,
    })))
}

async fn room(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    q: Result<Query<ViewQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = q?;
    facilitator(&state, &headers, q.token.as_deref())?;
    let handle = state.drill(&id)?;
    let lang = q.lang.unwrap_or(handle.config.lang);
    let (version, view) =
        live::poll(&handle, Follow::Room, lang, q.after, q.wait.unwrap_or(0)).await?;
    Ok(json_text(live::envelope("room", version, &view)))
}

async fn room_ws(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    q: Result<Query<TokenQuery>, axum::extract::rejection::QueryRejection>,
    ws: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let Query(q) = q?;
    facilitator(&state, &headers, q.token.as_deref())?;
    let handle = state.drill(&id)?;
    let lang = q.lang.unwrap_or(handle.config.lang);
    Ok(ws
        .max_message_size(live::MAX_WS_MESSAGE)
        .max_frame_size(live::MAX_WS_MESSAGE)
        .on_upgrade(move |socket| live::socket(socket, handle, Follow::Room, lang)))
}

async fn facilitator_team_view(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, team)): Path<(String, usize)>,
    q: Result<Query<TokenQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = q?;
    facilitator(&state, &headers, q.token.as_deref())?;
    let handle = state.drill(&id)?;
    let lang = q.lang.unwrap_or(handle.config.lang);
    let (version, view) = live::fetch(&handle, Follow::Team(team), lang).await?;
    Ok(json_text(live::envelope("team", version, &view)))
}

async fn control(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Body(control): Body<Control>,
) -> Result<Json<Value>, ApiError> {
    facilitator(&state, &headers, None)?;
    let handle = state.drill(&id)?;
    let version = handle
        .ask(|reply| DrillRequest::Control { control, reply })
        .await?;
    Ok(Json(json!({"ok": true, "version": version})))
}

async fn log(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    facilitator(&state, &headers, None)?;
    let handle = state.drill(&id)?;
    let path = super::store::DrillDir::new(&state.data, &handle.config.id).log();
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| ApiError::internal(format!("{}: {e}", path.display())))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/x-ndjson"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{id}.jsonl\""))
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn report(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    q: Result<Query<ReportQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = q?;
    facilitator(&state, &headers, q.token.as_deref())?;
    let handle = state.drill(&id)?;
    let lang = q.lang.unwrap_or(handle.config.lang);
    let body = handle
        .ask(|reply| DrillRequest::Report {
            team: q.team,
            format: q.format.unwrap_or(ReportFormat::Html),
            lang,
            reply,
        })
        .await?;
    Ok(report_response(body))
}
