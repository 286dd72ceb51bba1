//! What is sent to a drill's task — requests from HTTP handlers and WebSocket tasks, a
//! facilitator's controls — and what it announces: the handle to a running drill.

use std::sync::Arc;

use serde_json::Value;
use tokio::sync::{broadcast, mpsc, oneshot};

use crate::engine::state::FacilitatorQuestion;
use crate::scenario::model::Lang;
use crate::scenario::raw::RawCommand;
use crate::server::error::ApiError;
use crate::server::index::DrillRow;
use crate::server::store::DrillConfig;
use crate::server::views;

/// A member's seat: which team, and who.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seat {
    /// Team index.
    pub team: usize,
    /// Member name.
    pub member: String,
}

/// What changed: every client of the drill re-reads its view when its part changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Update {
    /// The drill's new version.
    pub version: u64,
    /// The team whose view changed, or `None` for the whole room.
    pub team: Option<usize>,
}

/// A facilitator's control.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Control {
    /// Start the drill: turns can end.
    Start,
    /// Pause: no turn ends, timers stop.
    Pause,
    /// Resume after a pause.
    Resume,
    /// End the turn now (sync: every team; self: every team one turn).
    Advance,
    /// Add time to the turn timer (sync) or the drill's time limit (self).
    ExtendTimer {
        /// Seconds to add.
        seconds: u32,
    },
    /// Tell the whole room something.
    Announce {
        /// The text.
        text: String,
    },
    /// Send a message (optionally with a question) to some teams or all.
    Message {
        /// Team indices; all teams if absent.
        teams: Option<Vec<usize>>,
        /// The text.
        text: String,
        /// An unscored question.
        question: Option<FacilitatorQuestion>,
    },
    /// Give a team a hint free of charge.
    GrantHint {
        /// Team index.
        team: usize,
        /// The hint's id.
        hint: String,
    },
    /// End the drill: the log is sealed, debriefs open.
    End,
}

/// A report's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    /// Markdown.
    Md,
    /// One HTML page.
    Html,
    /// JSON.
    Json,
    /// Scores per team and objective, for a spreadsheet.
    Csv,
}

type Reply<T> = oneshot::Sender<Result<T, ApiError>>;

/// A request to a drill's task.
pub enum Request {
    /// A member joins a team (new names are recorded).
    Join {
        /// Team index.
        team: usize,
        /// Name.
        name: String,
        /// SHA-256 of the new token.
        token: String,
        /// Answer.
        reply: Reply<Seat>,
    },
    /// A team's view.
    View {
        /// Team.
        team: usize,
        /// Language.
        lang: Lang,
        /// Answer: version and view.
        reply: Reply<(u64, Arc<views::Rendered>)>,
    },
    /// Queue a command.
    Queue {
        /// Who.
        seat: Seat,
        /// What.
        command: RawCommand,
        /// Language of a refusal.
        lang: Lang,
        /// Answer: its position in the queue.
        reply: Reply<usize>,
    },
    /// Take back a queued command.
    Withdraw {
        /// Who.
        seat: Seat,
        /// Position.
        index: usize,
        /// Answer.
        reply: Reply<()>,
    },
    /// What a command would do.
    Preview {
        /// Who.
        seat: Seat,
        /// What.
        command: RawCommand,
        /// Language.
        lang: Lang,
        /// Answer.
        reply: Reply<Value>,
    },
    /// A member is done with the turn (or not); `force` ends the team's turn.
    Ready {
        /// Who.
        seat: Seat,
        /// Ready or not.
        ready: bool,
        /// End the team's turn whatever the others say.
        force: bool,
        /// Answer.
        reply: Reply<()>,
    },
    /// Keep a team's findings draft.
    Draft {
        /// Who.
        seat: Seat,
        /// The draft.
        draft: Value,
        /// Answer.
        reply: Reply<()>,
    },
    /// A facilitator's control.
    Control {
        /// What.
        control: Control,
        /// Answer: the drill's new version.
        reply: Reply<u64>,
    },
    /// The room view.
    Room {
        /// Language.
        lang: Lang,
        /// Answer.
        reply: Reply<Value>,
    },
    /// A report of the drill (one team, or the room).
    Report {
        /// One team, or all.
        team: Option<usize>,
        /// Format.
        format: ReportFormat,
        /// Language.
        lang: Lang,
        /// Answer: content type and body.
        reply: Reply<(&'static str, String)>,
    },
    /// The drill's summary for listings.
    Summary {
        /// Answer.
        reply: Reply<DrillRow>,
    },
    /// The briefing: the scenario, the organisation, the role, what is taught and scored.
    Briefing {
        /// Language.
        lang: Lang,
        /// Answer.
        reply: Reply<Value>,
    },
    /// A team's whole timeline, the attacker's hidden moves included (for the facilitator).
    Timeline {
        /// Team.
        team: usize,
        /// Language.
        lang: Lang,
        /// Answer.
        reply: Reply<Value>,
    },
}

/// A running drill's handle: where to send requests, and where updates come from.
#[derive(Clone)]
pub struct DrillHandle {
    /// The drill's setup.
    pub config: Arc<DrillConfig>,
    /// Requests.
    pub tx: mpsc::Sender<Request>,
    /// Updates.
    pub updates: broadcast::Sender<Update>,
}

impl DrillHandle {
    /// Sends a request and waits for the answer.
    pub async fn ask<T>(&self, make: impl FnOnce(Reply<T>) -> Request) -> Result<T, ApiError> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(make(tx))
            .await
            .map_err(|_| ApiError::internal("the drill has stopped"))?;
        rx.await
            .map_err(|_| ApiError::internal("the drill stopped while answering"))?
    }
}
