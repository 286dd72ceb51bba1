//! `cyberdrill serve`: the drill server for training centres — many teams, one facilitator,
//! nothing lost.
//!
//! One tokio task owns each drill's [`Session`](crate::session::Session) ([`drill`]); HTTP
//! handlers ([`api`]) and live connections ([`live`]) talk to it over channels. Everything a
//! drill needs to come back after a crash is in its folder under the data directory
//! ([`store`]); the SQLite index ([`index`]) is a cache rebuilt from those folders. The API is
//! documented in docs/server-api.md.

pub mod api;
pub mod auth;
pub mod drill;
pub mod error;
pub mod index;
pub mod live;
pub mod store;
pub mod views;
pub mod web;

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use ed25519_dalek::SigningKey;
use serde::Deserialize;

use self::auth::JoinLimiter;
use self::drill::{Drill, DrillHandle, Seat};
use self::error::ApiError;
use self::index::Index;
use self::store::{DrillConfig, DrillDir, Pacing, TeamConfig};
use crate::scenario::model::Lang;

/// Most teams in a drill.
pub const MAX_TEAMS: usize = 64;
/// Most members per team, whatever a drill asks.
pub const MAX_MEMBERS: u32 = 16;

/// How the server is started.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Address to listen on (port 0: any free port).
    pub listen: SocketAddr,
    /// The data directory.
    pub data: PathBuf,
    /// Where the scenarios offered to facilitators are.
    pub scenarios: PathBuf,
    /// The address people reach the server at, for links (default: `http://LISTEN`).
    pub public_url: Option<String>,
}

/// A drill to create: what the facilitator chose.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrillSpec {
    /// The scenario: its id, or a file name in the scenarios folder.
    pub scenario: String,
    /// The seed (default 1).
    #[serde(default = "one")]
    pub seed: u64,
    /// Team names.
    pub teams: Vec<String>,
    /// Pacing (default sync).
    #[serde(default = "sync")]
    pub pacing: Pacing,
    /// Seconds per turn (sync pacing).
    #[serde(default)]
    pub turn_seconds: Option<u32>,
    /// Seconds for the whole drill (any pacing): it ends when they are up.
    #[serde(default)]
    pub time_limit_seconds: Option<u32>,
    /// The drill's language (default: English).
    #[serde(default)]
    pub lang: Lang,
    /// Most members per team (default 4).
    #[serde(default = "four")]
    pub max_members: u32,
}

fn one() -> u64 {
    1
}
fn sync() -> Pacing {
    Pacing::Sync
}
fn four() -> u32 {
    4
}

/// A team's way in: its join code and link.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct JoinInfo {
    /// Team name.
    pub team: String,
    /// Join code.
    pub code: String,
    /// Join link.
    pub url: String,
}

/// A drill just created (or found again at start-up).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Created {
    /// The drill's id.
    pub id: String,
    /// The teams' join codes.
    pub teams: Vec<JoinInfo>,
}

/// What every handler shares.
pub struct AppState {
    /// The data directory.
    pub data: PathBuf,
    /// The scenarios folder.
    pub scenarios: PathBuf,
    /// The links' base (`http://host:port`).
    pub base_url: String,
    /// SHA-256 of the facilitator's token.
    pub facilitator: String,
    /// The key drill logs are sealed with.
    pub key: Arc<SigningKey>,
    /// The drill index.
    pub index: Arc<Index>,
    /// Running drills, by id.
    pub drills: RwLock<BTreeMap<String, DrillHandle>>,
    /// Join codes (normalized) to drill and team.
    pub codes: RwLock<HashMap<String, (String, usize)>>,
    /// Member tokens (SHA-256) to drill and seat.
    pub seats: RwLock<HashMap<String, (String, Seat)>>,
    /// Failed joins per address.
    pub joins: Mutex<JoinLimiter>,
    /// Requests per token.
    pub limiter: governor::DefaultKeyedRateLimiter<String>,
    /// Serializes drill creation (ids, folders).
    pub creating: tokio::sync::Mutex<()>,
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl AppState {
    /// The running drill `id`.
    pub fn drill(&self, id: &str) -> Result<DrillHandle, ApiError> {
        read(&self.drills).get(id).cloned().ok_or_else(|| {
            ApiError::not_found(format!("there is no drill `{}`", id.escape_debug()))
        })
    }

    fn register(&self, handle: DrillHandle, seats: Vec<(String, Seat)>) {
        let id = handle.config.id.clone();
        {
            let mut codes = write(&self.codes);
            for (i, t) in handle.config.teams.iter().enumerate() {
                codes.insert(auth::normalize_code(&t.code), (id.clone(), i));
            }
        }
        {
            let mut all = write(&self.seats);
            for (token, seat) in seats {
                all.insert(token, (id.clone(), seat));
            }
        }
        write(&self.drills).insert(id, handle);
    }

    /// Join links of a drill's teams.
    pub fn join_infos(&self, config: &DrillConfig) -> Vec<JoinInfo> {
        config
            .teams
            .iter()
            .map(|t| JoinInfo {
                team: t.name.clone(),
                code: t.code.clone(),
                url: format!("{}/join?code={}", self.base_url, t.code),
            })
            .collect()
    }

    /// The facilitator's sign-in link.
    pub fn facilitator_url(&self, token: &str) -> String {
        format!("{}/facilitator?token={token}", self.base_url)
    }

    /// Finds a scenario file in the scenarios folder by file name (with or without `.ron`) or
    /// by scenario id.
    pub fn find_scenario(&self, name: &str) -> Result<PathBuf, ApiError> {
        let not_found = || {
            ApiError::not_found(format!(
                "there is no scenario `{}` in {}",
                name.escape_debug(),
                self.scenarios.display()
            ))
        };
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(not_found());
        }
        let direct = self.scenarios.join(name);
        for candidate in [direct.clone(), direct.with_extension("ron")] {
            if candidate.extension().is_some_and(|e| e == "ron") && candidate.is_file() {
                return Ok(candidate);
            }
        }
        for (path, id) in scenario_ids(&self.scenarios) {
            if id == name {
                return Ok(path);
            }
        }
        Err(not_found())
    }

    /// Creates a drill from a scenario file; a scenario that fails `check` is refused with its
    /// diagnostics.
    pub async fn create_drill(&self, file: &Path, spec: &DrillSpec) -> Result<Created, ApiError> {
        let names: Vec<String> = spec.teams.iter().map(|t| t.trim().to_owned()).collect();
        if names.is_empty() || names.len() > MAX_TEAMS {
            return Err(ApiError::bad_request(format!(
                "a drill has 1 to {MAX_TEAMS} teams"
            )));
        }
        if !(1..=MAX_MEMBERS).contains(&spec.max_members) {
            return Err(ApiError::bad_request(format!(
                "max_members is 1 to {MAX_MEMBERS}"
            )));
        }
        if spec.turn_seconds == Some(0) || spec.time_limit_seconds == Some(0) {
            return Err(ApiError::bad_request("timers need at least 1 second"));
        }
        let bytes =
            crate::scenario::read_source(file).map_err(|e| ApiError::bad_request(e.to_string()))?;
        let shown = file.display().to_string();
        let checked = tokio::task::spawn_blocking(move || {
            let checked = crate::session::proof::check_bytes(&shown, &bytes);
            (checked, bytes)
        })
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?;
        let (checked, bytes) = checked;
        if checked.errors() > 0 {
            let mut e = ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_scenario",
                format!(
                    "{} has {} error(s); it cannot be played",
                    file.display(),
                    checked.errors()
                ),
            );
            e.details = serde_json::from_str(&crate::cli::check_json(&checked)).ok();
            return Err(e);
        }
        let scenario = Arc::new(
            checked
                .scenario
                .ok_or_else(|| ApiError::internal("a valid scenario has no model"))?,
        );
        // Team names are checked by the session (unique, not empty, short).
        crate::session::Session::new(
            scenario.clone(),
            spec.seed,
            &names.iter().map(String::as_str).collect::<Vec<_>>(),
        )
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
        let _guard = self.creating.lock().await;
        let mut teams = Vec::new();
        for name in &names {
            let code = loop {
                let c = auth::new_code()?;
                if !read(&self.codes).contains_key(&auth::normalize_code(&c)) {
                    break c;
                }
            };
            teams.push(TeamConfig {
                name: name.clone(),
                code,
            });
        }
        let id = loop {
            let suffix = auth::new_code()?[..4].to_ascii_lowercase();
            let date = &crate::replay::record::now_rfc3339()[..10];
            let id = format!("{date}-{}-{suffix}", scenario.id);
            if !self.data.join(&id).exists() {
                break id;
            }
        };
        let config = DrillConfig {
            id: id.clone(),
            scenario: scenario.id.clone(),
            source: file.display().to_string(),
            seed: spec.seed,
            teams,
            pacing: spec.pacing,
            turn_seconds: spec.turn_seconds,
            time_limit_seconds: spec.time_limit_seconds,
            lang: spec.lang,
            max_members: spec.max_members,
            created: crate::replay::record::now_rfc3339(),
        };
        let dir = DrillDir::new(&self.data, &id);
        let drill = Drill::create(
            &dir,
            config,
            scenario,
            &bytes,
            self.key.clone(),
            self.index.clone(),
        )
        .map_err(ApiError::internal)?;
        let handle = drill.with_history(self.history(), dir).spawn();
        let teams = self.join_infos(&handle.config);
        self.register(handle, Vec::new());
        Ok(Created { id, teams })
    }

    /// The server's history database: every team of every drill that ends.
    pub fn history(&self) -> PathBuf {
        self.data.join("history.sqlite")
    }

    /// A drill not yet ended with this very setup (so that running the same `serve --drill`
    /// command again after a restart finds the drill instead of making a second one).
    pub async fn find_same(&self, file: &Path, spec: &DrillSpec) -> Option<Created> {
        let handles: Vec<DrillHandle> = read(&self.drills).values().cloned().collect();
        let bytes = crate::scenario::read_source(file).ok()?;
        for h in handles {
            let c = &h.config;
            let names: Vec<&str> = c.teams.iter().map(|t| t.name.as_str()).collect();
            let wanted: Vec<&str> = spec.teams.iter().map(|t| t.trim()).collect();
            let same = c.seed == spec.seed
                && c.pacing == spec.pacing
                && names == wanted
                && c.turn_seconds == spec.turn_seconds
                && c.time_limit_seconds == spec.time_limit_seconds
                && crate::scenario::read_source(&DrillDir::new(&self.data, &c.id).scenario())
                    .ok()?
                    == bytes;
            if !same {
                continue;
            }
            let summary = h
                .ask(|reply| drill::Request::Summary { reply })
                .await
                .ok()?;
            if summary.status != "ended" {
                return Some(Created {
                    id: c.id.clone(),
                    teams: self.join_infos(c),
                });
            }
        }
        None
    }
}

/// Scenario files of a folder with their ids (files that do not load are left out).
pub fn scenario_ids(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "ron") && p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .filter_map(|p| {
            let bytes = crate::scenario::read_source(&p).ok()?;
            let checked = crate::scenario::check_bytes(&p.display().to_string(), &bytes);
            let id = checked.scenario.map(|s| s.id)?;
            Some((p, id))
        })
        .collect()
}

/// A server that is running.
pub struct Running {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// The facilitator's token.
    pub facilitator_token: String,
    /// Shared state (drills, index).
    pub state: Arc<AppState>,
    /// Drills that could not be brought back, with why.
    pub unrecovered: Vec<(String, String)>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Stops accepting connections and waits for the server to finish.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.task
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))?
    }

    /// Waits until the server stops (it stops on Ctrl-C when started by the command line).
    pub async fn wait(self) -> std::io::Result<()> {
        self.task
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))?
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The data directory cannot be used.
    #[error("data directory {dir}: {message}")]
    Data {
        /// The directory.
        dir: String,
        /// Why.
        message: String,
    },
    /// The address cannot be listened on.
    #[error("cannot listen on {addr}: {message}")]
    Listen {
        /// The address.
        addr: String,
        /// Why.
        message: String,
    },
}

/// Starts the server: opens the data directory, brings back every drill in it, and listens.
/// `until` stops it when it completes.
pub async fn start(
    config: ServeConfig,
    until: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<Running, StartError> {
    let data_err = |message: String| StartError::Data {
        dir: config.data.display().to_string(),
        message,
    };
    std::fs::create_dir_all(&config.data).map_err(|e| data_err(e.to_string()))?;
    let token = store::secret_file(&config.data.join("facilitator.token"), || {
        auth::new_token().unwrap_or_default()
    })
    .map_err(|e| data_err(format!("facilitator.token: {e}")))?;
    if token.len() < 32 {
        return Err(data_err("facilitator.token holds no usable token".into()));
    }
    let key = crate::replay::sign::load_or_create(&config.data.join("server.key"))
        .map_err(|e| data_err(e.to_string()))?;
    let index =
        Index::open(&config.data.join("index.sqlite")).map_err(|e| data_err(e.to_string()))?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| StartError::Listen {
            addr: config.listen.to_string(),
            message: e.to_string(),
        })?;
    let addr = listener.local_addr().map_err(|e| StartError::Listen {
        addr: config.listen.to_string(),
        message: e.to_string(),
    })?;
    let base_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"))
        .trim_end_matches('/')
        .to_owned();
    let quota = governor::Quota::per_second(std::num::NonZeroU32::new(50).expect("non-zero"))
        .allow_burst(std::num::NonZeroU32::new(100).expect("non-zero"));
    let state = Arc::new(AppState {
        data: config.data.clone(),
        scenarios: config.scenarios.clone(),
        base_url,
        facilitator: auth::token_hash(&token),
        key: Arc::new(key),
        index: Arc::new(index),
        drills: RwLock::new(BTreeMap::new()),
        codes: RwLock::new(HashMap::new()),
        seats: RwLock::new(HashMap::new()),
        joins: Mutex::new(JoinLimiter::default()),
        limiter: governor::RateLimiter::keyed(quota),
        creating: tokio::sync::Mutex::new(()),
    });
    let mut unrecovered = Vec::new();
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&config.data)
        .map_err(|e| data_err(e.to_string()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("drill.json").is_file())
        .collect();
    folders.sort();
    for folder in folders {
        let id = folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dir = DrillDir::new(&config.data, &id);
        match Drill::recover(&dir, state.key.clone(), state.index.clone()) {
            Ok((drill, seats)) => {
                let drill = drill.with_history(state.history(), dir.clone());
                state.register(drill.spawn(), seats);
            }
            Err(e) => unrecovered.push((id, e)),
        }
    }
    // Drills that ended while the server was down (or before their record was made) go into
    // the history now; those already there are skipped without re-simulating them.
    let ended: Vec<DrillDir> = read(&state.drills)
        .keys()
        .map(|id| DrillDir::new(&config.data, id))
        .collect();
    let db = state.history();
    tokio::task::spawn_blocking(move || {
        for dir in ended {
            if crate::replay::Log::read(&dir.log()).is_ok_and(|log| log.seal().is_some())
                && let Err(e) = crate::history::record_log(
                    &db,
                    &dir.log(),
                    &dir.scenario(),
                    crate::history::Source::Serve,
                )
            {
                eprintln!("not recorded in the history: {e}");
            }
        }
    });
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let app = api::router(state.clone());
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            tokio::select! {
                _ = rx => {}
                () = until => {}
            }
        })
        .await
    });
    Ok(Running {
        addr,
        facilitator_token: token,
        state,
        unrecovered,
        shutdown: Some(tx),
        task,
    })
}
