//! Drill history: every session played, one record per team, kept in a local SQLite database
//! ([`db`]), and each trainee's competency profile across sessions ([`profile`]); exported as
//! xAPI statements for a learning record store ([`xapi`]).
//!
//! A record is built only from a replay log that verifies, so that every record can be checked
//! against its log: the record keeps the log's path and the hash of its last line (the head of
//! its hash chain), which is also what makes importing the same log twice a no-op.

pub mod db;
pub mod profile;
pub mod xapi;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::engine::TeamId;
use crate::engine::event::{Event, EventKind};
use crate::replay::ReplayError;
use crate::replay::read::Log;
use crate::replay::verify::verify_full;
use crate::scenario::model::{Lang, Scenario};
use crate::scoring::{self, Status};

pub use db::{Filter, History, HistoryError};

/// The environment variable naming the history database (instead of the user's data
/// directory); `--history FILE` overrides it.
pub const ENV: &str = "CYBERDRILL_HISTORY";

/// Where a record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// `cyberdrill play`.
    Play,
    /// `cyberdrill run`.
    Run,
    /// A drill of `cyberdrill serve`.
    Serve,
    /// `cyberdrill history import`.
    Import,
}

impl Source {
    /// The word stored and shown.
    pub fn word(self) -> &'static str {
        match self {
            Source::Play => "play",
            Source::Run => "run",
            Source::Serve => "serve",
            Source::Import => "import",
        }
    }
}

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Both {
    /// English.
    pub en: String,
    /// Japanese.
    pub ja: String,
}

impl Both {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ja => &self.ja,
        }
    }
}

impl From<&crate::scenario::model::Text> for Both {
    fn from(t: &crate::scenario::model::Text) -> Self {
        Self {
            en: t.en.clone(),
            ja: t.ja.clone(),
        }
    }
}

/// One team's session, as the history keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The head of the log's hash chain (SHA-256 of its last line): with `team`, the record's
    /// identity.
    pub log_hash: String,
    /// The log's path when it was recorded.
    pub log_path: String,
    /// Where the record came from.
    pub source: Source,
    /// The scenario's id.
    pub scenario_id: String,
    /// Its title.
    pub scenario_title: Both,
    /// SHA-256 of the scenario file: the version of the scenario played.
    pub scenario_sha256: String,
    /// The session's seed.
    pub seed: u64,
    /// The drill, when a drill server ran the session.
    pub drill: Option<String>,
    /// The team's index in the log.
    pub team_index: usize,
    /// The team's name.
    pub team: String,
    /// Its members, in the order they joined.
    pub members: Vec<String>,
    /// When the session started (UTC, RFC 3339), if the log says.
    pub started: Option<String>,
    /// When it ended (UTC, RFC 3339), if the log says.
    pub ended: Option<String>,
    /// Seconds from start to end, when both are known.
    pub duration_seconds: Option<i64>,
    /// Turns the team played.
    pub turns: u32,
    /// Why the log was sealed: `completed` or `closed` (`unsealed` for a format-1 log).
    pub sealed: String,
    /// `win`, `loss`, or `unfinished` (the session was closed before the team's ending).
    pub outcome: String,
    /// Score.
    pub score: i64,
    /// Maximum score.
    pub max: u32,
    /// Score as a percentage of the maximum.
    pub percent: u32,
    /// Grade reached, if the scenario has grades.
    pub grade: Option<Both>,
    /// Each objective.
    pub objectives: Vec<ObjectiveRecord>,
    /// Each learning objective, with its competency.
    pub learning: Vec<LearningRecord>,
    /// Hints taken (paid for) and granted by the facilitator.
    pub hints: Vec<HintRecord>,
    /// When the history recorded it (UTC, RFC 3339); set by [`History::add`].
    #[serde(default)]
    pub recorded_at: Option<String>,
}

impl Record {
    /// When the session was played, as well as it is known: its start, else its end, else
    /// when it was recorded (bot runs keep no clock time in their logs).
    pub fn when(&self) -> Option<&str> {
        self.started
            .as_deref()
            .or(self.ended.as_deref())
            .or(self.recorded_at.as_deref())
    }
}

/// One objective's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectiveRecord {
    /// The objective's id.
    pub id: String,
    /// Its name.
    pub name: Both,
    /// `met`, `partial`, `missed`, `not_applicable` or `pending`.
    pub status: String,
    /// Points earned.
    pub points: u32,
    /// Points available.
    pub max: u32,
}

/// One learning objective's points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearningRecord {
    /// The learning objective's id.
    pub id: String,
    /// Its text.
    pub text: Both,
    /// The competency: the NIST CSF 2.0 category the scenario names, else the learning
    /// objective's own id.
    pub competency: String,
    /// Points earned.
    pub earned: u32,
    /// Points available.
    pub max: u32,
}

/// A hint the team had.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HintRecord {
    /// The hint's id.
    pub id: String,
    /// The turn.
    pub turn: u32,
    /// Points it cost (0 when the facilitator granted it).
    pub cost: u32,
}

/// A status as stored.
fn status_word(status: &Status) -> &'static str {
    match status {
        Status::Met => "met",
        Status::Partial => "partial",
        Status::Missed => "missed",
        Status::NotApplicable => "not_applicable",
        Status::Pending => "pending",
    }
}

/// What a record is built from, besides the team's events.
pub struct Context<'a> {
    /// The scenario.
    pub scenario: &'a Scenario,
    /// The log.
    pub log: &'a Log,
    /// The log's path.
    pub log_path: &'a Path,
    /// Where the record comes from.
    pub source: Source,
}

/// Builds one team's record from its events.
pub fn record(cx: &Context<'_>, team: usize, events: &[Event]) -> Record {
    let s = cx.scenario;
    let header = &cx.log.header.value;
    let seal = cx.log.seal();
    let ended_run = events.iter().rev().find_map(|e| match &e.kind {
        EventKind::Ended { outcome, .. } => Some(*outcome),
        _ => None,
    });
    let card = scoring::score(s, events, true);
    let learning = scoring::learning_breakdown(s, &card)
        .into_iter()
        .map(|(lo, earned, max)| {
            let l = &s.learning_objectives[lo];
            LearningRecord {
                id: l.key.clone(),
                text: (&l.text).into(),
                competency: l.competency.clone().unwrap_or_else(|| l.key.clone()),
                earned,
                max,
            }
        })
        .collect();
    let objectives = card
        .objectives
        .iter()
        .map(|o| {
            let obj = &s.objectives[o.objective];
            ObjectiveRecord {
                id: obj.key.clone(),
                name: (&obj.name).into(),
                status: status_word(&o.status).to_owned(),
                points: o.points,
                max: o.max,
            }
        })
        .collect();
    let hints = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::HintTaken { hint } => Some(HintRecord {
                id: s.hints[*hint].key.clone(),
                turn: e.turn,
                cost: s.hints[*hint].cost,
            }),
            EventKind::HintGranted { hint, .. } => Some(HintRecord {
                id: s.hints[*hint].key.clone(),
                turn: e.turn,
                cost: 0,
            }),
            _ => None,
        })
        .collect();
    let (started, ended, duration_seconds) = cx.log.played();
    let turns = seal
        .and_then(|s| s.turns.get(team).copied())
        .unwrap_or_else(|| events.iter().map(|e| e.turn).max().unwrap_or(0));
    Record {
        log_hash: cx.log.head(),
        log_path: cx.log_path.display().to_string(),
        source: cx.source,
        scenario_id: s.id.clone(),
        scenario_title: (&s.title).into(),
        scenario_sha256: header.scenario.sha256.clone(),
        seed: header.seed,
        drill: header.drill.clone(),
        team_index: team,
        team: header.teams.get(team).cloned().unwrap_or_default(),
        members: cx.log.members().get(team).cloned().unwrap_or_default(),
        started,
        ended,
        duration_seconds,
        turns,
        sealed: seal.map_or("unsealed", |s| s.reason.word()).to_owned(),
        outcome: scoring::outcome_word(ended_run).to_owned(),
        score: card.total,
        max: card.max,
        percent: card.percent,
        grade: card.grade.map(|g| (&s.grades[g].label).into()),
        objectives,
        learning,
        hints,
        recorded_at: None,
    }
}

/// Verifies a log against its scenario file's bytes and builds one record per team. A log
/// that does not verify (an unsealed log among them: the session is still running or was cut
/// off) gives the reason.
pub fn records_of_log(
    log: &Log,
    log_path: &Path,
    scenario_file: &str,
    scenario_bytes: &[u8],
    source: Source,
) -> Result<Vec<Record>, ReplayError> {
    let (_, resim, s) = verify_full(log, scenario_file, scenario_bytes, None)?;
    let cx = Context {
        scenario: &s,
        log,
        log_path,
        source,
    };
    Ok((0..log.header.value.teams.len())
        .map(|team| record(&cx, team, resim.engine.events(TeamId(team))))
        .collect())
}

/// Records a finished session's log in the history at `history` (made if needed), unless it
/// is there already; for `play`, `run` and `serve`. Returns how many team-sessions were added.
/// The log is read, never changed.
pub fn record_log(
    history: &Path,
    log_path: &Path,
    scenario_file: &Path,
    source: Source,
) -> Result<usize, String> {
    let bytes = crate::files::read_input(log_path, crate::cli::MAX_LOG_BYTES, "a replay log")
        .map_err(|e| format!("{}: {}", log_path.display(), e.reason()))?;
    let log = Log::parse(&bytes).map_err(|e| format!("{}: {e}", log_path.display()))?;
    let mut db = History::open(history).map_err(|e| e.to_string())?;
    if db.contains(&log.head()).map_err(|e| e.to_string())? {
        return Ok(0);
    }
    let file = scenario_file.display().to_string();
    let scenario = crate::scenario::read_source(scenario_file)
        .map_err(|e| format!("{file}: {}", e.reason()))?;
    let records = records_of_log(&log, log_path, &file, &scenario, source)
        .map_err(|e| format!("{}: {e}", log_path.display()))?;
    db.add(&records).map_err(|e| e.to_string())
}

/// The history database's default path: `CYBERDRILL_HISTORY` if set, else `history.sqlite`
/// in the user's data directory.
pub fn default_path() -> Option<std::path::PathBuf> {
    if let Some(p) = std::env::var_os(ENV).filter(|p| !p.is_empty()) {
        return Some(p.into());
    }
    directories::ProjectDirs::from("", "", "cyberdrill")
        .map(|d| d.data_dir().join("history.sqlite"))
}

/// The sessions as CSV, one row per team-session.
pub fn csv(records: &[Record]) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "played",
        "scenario_id",
        "scenario_title",
        "scenario_sha256",
        "seed",
        "drill",
        "team",
        "members",
        "turns",
        "duration_seconds",
        "outcome",
        "score",
        "max",
        "percent",
        "grade",
        "hints",
        "source",
        "log_path",
        "log_hash",
    ]);
    for r in records {
        let _ = w.write_record([
            r.when().unwrap_or_default().to_owned(),
            r.scenario_id.clone(),
            r.scenario_title.en.clone(),
            r.scenario_sha256.clone(),
            r.seed.to_string(),
            r.drill.clone().unwrap_or_default(),
            r.team.clone(),
            r.members.join("; "),
            r.turns.to_string(),
            r.duration_seconds
                .map(|d| d.to_string())
                .unwrap_or_default(),
            r.outcome.clone(),
            r.score.to_string(),
            r.max.to_string(),
            r.percent.to_string(),
            r.grade.as_ref().map(|g| g.en.clone()).unwrap_or_default(),
            r.hints.len().to_string(),
            r.source.word().to_owned(),
            r.log_path.clone(),
            r.log_hash.clone(),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
