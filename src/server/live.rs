//! Live views: a long poll (`?after=VERSION&wait=SECONDS`, for curl and bots) and a
//! WebSocket (for browsers), both driven by the drill's update channel. A client that
//! reconnects gets the current view at once, so nothing is missed across a dropped
//! connection.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket};
use serde_json::Value;
use tokio::sync::broadcast::error::RecvError;

use super::drill::{DrillHandle, Request};
use super::error::ApiError;
use super::store::now_ms;
use super::views::Rendered;
use crate::scenario::model::Lang;

/// Longest a long poll waits.
pub const MAX_WAIT: u64 = 25;
/// Largest message a client may send on a WebSocket (clients only send pings).
pub const MAX_WS_MESSAGE: usize = 1024;

/// Which view a client follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Follow {
    /// One team's view.
    Team(usize),
    /// The facilitator's room view.
    Room,
}

impl Follow {
    fn concerns(self, team: Option<usize>) -> bool {
        match (self, team) {
            (Follow::Room, _) | (_, None) => true,
            (Follow::Team(t), Some(u)) => t == u,
        }
    }
}

/// The current view and its version.
pub async fn fetch(
    handle: &DrillHandle,
    follow: Follow,
    lang: Lang,
) -> Result<(u64, Arc<Rendered>), ApiError> {
    match follow {
        Follow::Team(team) => {
            handle
                .ask(|reply| Request::View { team, lang, reply })
                .await
        }
        Follow::Room => {
            let view = handle.ask(|reply| Request::Room { lang, reply }).await?;
            let version = view["drill"]["version"].as_u64().unwrap_or(0);
            Ok((version, Arc::new(Rendered::new(view))))
        }
    }
}

/// The view once its version is above `after`, or after `wait` seconds, whichever first.
pub async fn poll(
    handle: &DrillHandle,
    follow: Follow,
    lang: Lang,
    after: Option<u64>,
    wait: u64,
) -> Result<(u64, Arc<Rendered>), ApiError> {
    // Subscribed before reading, so an update between the two is not missed.
    let mut updates = handle.updates.subscribe();
    let current = fetch(handle, follow, lang).await?;
    let Some(after) = after else {
        return Ok(current);
    };
    if current.0 > after || wait == 0 {
        return Ok(current);
    }
    let timeout = tokio::time::sleep(Duration::from_secs(wait.min(MAX_WAIT)));
    tokio::pin!(timeout);
    loop {
        tokio::select! {
            u = updates.recv() => match u {
                Ok(u) if u.version > after && follow.concerns(u.team) => break,
                Ok(_) => {}
                Err(RecvError::Lagged(_)) => break,
                Err(RecvError::Closed) => break,
            },
            () = &mut timeout => break,
        }
    }
    fetch(handle, follow, lang).await
}

/// What a live message holds: the view, its version, and the server's clock (for timers).
/// The view's text is made once per change and pasted in, not serialized for every client.
pub fn envelope(kind: &str, version: u64, view: &Rendered) -> String {
    let mut out = String::with_capacity(view.json.len() + 80);
    out.push_str(r#"{"type":"#);
    out.push_str(&Value::String(kind.to_owned()).to_string());
    out.push_str(&format!(
        r#","version":{version},"server_time":{},"view":"#,
        now_ms()
    ));
    out.push_str(&view.json);
    out.push('}');
    out
}

/// Serves one WebSocket: the current view at once, then a new one whenever it changes. The
/// client's own messages are read only to notice a close (and answered if they say `ping`).
pub async fn socket(mut socket: WebSocket, handle: DrillHandle, follow: Follow, lang: Lang) {
    let kind = match follow {
        Follow::Team(_) => "team",
        Follow::Room => "room",
    };
    let mut updates = handle.updates.subscribe();
    let mut sent = 0;
    let send_current = async |socket: &mut WebSocket, sent: &mut u64| -> bool {
        match fetch(&handle, follow, lang).await {
            Ok((version, view)) => {
                *sent = version;
                socket
                    .send(Message::Text(envelope(kind, version, &view).into()))
                    .await
                    .is_ok()
            }
            Err(e) => {
                let text = serde_json::to_string(&serde_json::json!({
                    "type": "error", "code": e.code, "message": e.message,
                }))
                .unwrap_or_default();
                let _ = socket.send(Message::Text(text.into())).await;
                false
            }
        }
    };
    if !send_current(&mut socket, &mut sent).await {
        return;
    }
    loop {
        tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(t))) if t.as_str() == "ping" => {
                    if socket.send(Message::Text("pong".into())).await.is_err() {
                        break;
                    }
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            u = updates.recv() => match u {
                Ok(u) if u.version > sent && follow.concerns(u.team) => {
                    if !send_current(&mut socket, &mut sent).await {
                        break;
                    }
                }
                Ok(_) => {}
                Err(RecvError::Lagged(_)) => {
                    if !send_current(&mut socket, &mut sent).await {
                        break;
                    }
                }
                Err(RecvError::Closed) => break,
            },
        }
    }
}
