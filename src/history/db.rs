//! The history database: SQLite (bundled), one row per team-session with the whole record as
//! JSON, plus the columns that lists and profiles filter and add up by.
//!
//! The schema is versioned (`PRAGMA user_version`, migrations by `rusqlite_migration`): a
//! database made by a newer cyberdrill is refused, untouched, with a message saying so. Writers
//! take the write lock at the start of their transaction and wait for each other (WAL and a
//! busy timeout), so two sessions ending at once both land. A file that is not a history
//! database is never written to, let alone replaced.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use rusqlite_migration::{M, Migrations};

use super::Record;

/// The schema, one migration per version; only ever appended to.
pub const MIGRATIONS: &[&str] = &[
    // 1: sessions and their members.
    "CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        log_hash TEXT NOT NULL,
        team_index INTEGER NOT NULL,
        team TEXT NOT NULL,
        scenario_id TEXT NOT NULL,
        played_at TEXT,
        recorded_at TEXT NOT NULL,
        source TEXT NOT NULL,
        score INTEGER NOT NULL,
        max INTEGER NOT NULL,
        record TEXT NOT NULL,
        UNIQUE (log_hash, team_index)
    );
    CREATE INDEX sessions_scenario ON sessions (scenario_id);
    CREATE TABLE members (
        session INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (session, position)
    );
    CREATE INDEX members_name ON members (name);",
    // 2: points per competency, for profiles; filled in from the records already kept.
    "CREATE TABLE competencies (
        session INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        learning TEXT NOT NULL,
        competency TEXT NOT NULL,
        earned INTEGER NOT NULL,
        max INTEGER NOT NULL,
        PRIMARY KEY (session, learning)
    );
    CREATE INDEX competencies_competency ON competencies (competency);
    INSERT INTO competencies (session, learning, competency, earned, max)
        SELECT s.id, json_extract(l.value, '$.id'), json_extract(l.value, '$.competency'),
               json_extract(l.value, '$.earned'), json_extract(l.value, '$.max')
        FROM sessions s, json_each(s.record, '$.learning') l;",
];

/// How long a writer waits for another to finish.
const BUSY: Duration = Duration::from_secs(30);

/// Why the history cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The file is not a history database (or is damaged).
    #[error(
        "{path}: not a cyberdrill history database ({message}); it was left as it is — move it aside or pass another file with --history"
    )]
    Unreadable {
        /// The file.
        path: String,
        /// SQLite's reason.
        message: String,
    },
    /// A newer cyberdrill made it.
    #[error(
        "{path}: the history was written by a newer cyberdrill (schema {found}, this one knows up to {known}); it was left as it is — use the newer cyberdrill"
    )]
    TooNew {
        /// The file.
        path: String,
        /// Its schema version.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
    /// There is no history yet.
    #[error("{path}: no history yet (nothing has been recorded there)")]
    Missing {
        /// The file.
        path: String,
    },
    /// Reading or writing failed.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// What failed.
        message: String,
    },
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Sessions this person played (as a member, or as the team's name).
    pub trainee: Option<String>,
    /// Sessions of this scenario.
    pub scenario: Option<String>,
}

/// An open history database.
pub struct History {
    conn: Connection,
    path: PathBuf,
}

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
}

impl History {
    /// Opens the history at `path` for writing, making it (and its folder) if needed.
    pub fn open(path: &Path) -> Result<Self, HistoryError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| HistoryError::Io {
                path: path.display().to_string(),
                message: format!("cannot make its folder: {e}"),
            })?;
        }
        Self::open_with(path, true)
    }

    /// Opens an existing history for reading (it is migrated if it is older).
    pub fn open_existing(path: &Path) -> Result<Self, HistoryError> {
        if !path.exists() {
            return Err(HistoryError::Missing {
                path: path.display().to_string(),
            });
        }
        Self::open_with(path, false)
    }

    fn open_with(path: &Path, create: bool) -> Result<Self, HistoryError> {
        let shown = path.display().to_string();
        // A file that is there but is not a database must not be made into one.
        if let Ok(meta) = std::fs::metadata(path) {
            if !meta.is_file() {
                return Err(HistoryError::Unreadable {
                    path: shown,
                    message: "not a regular file".into(),
                });
            }
            if meta.len() > 0 && !looks_like_sqlite(path) {
                return Err(HistoryError::Unreadable {
                    path: shown,
                    message: "the file does not start like an SQLite database".into(),
                });
            }
        }
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let unreadable = |e: rusqlite::Error| HistoryError::Unreadable {
            path: shown.clone(),
            message: e.to_string(),
        };
        let mut conn = Connection::open_with_flags(path, flags).map_err(unreadable)?;
        conn.busy_timeout(BUSY).map_err(unreadable)?;
        // Reading the schema version is the first read: a damaged file fails here.
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(unreadable)?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(HistoryError::TooNew {
                path: shown,
                found: version,
                known,
            });
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(unreadable)?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(unreadable)?;
        if version < known {
            migrate(&mut conn).map_err(|message| HistoryError::Io {
                path: shown.clone(),
                message: format!("cannot bring the schema up to date: {message}"),
            })?;
        }
        Ok(Self {
            conn,
            path: path.to_owned(),
        })
    }

    /// The database's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io(&self, e: impl std::fmt::Display) -> HistoryError {
        HistoryError::Io {
            path: self.path.display().to_string(),
            message: e.to_string(),
        }
    }

    /// Whether a log (by the head of its chain) is already recorded.
    pub fn contains(&self, log_hash: &str) -> Result<bool, HistoryError> {
        self.conn
            .query_row(
                "SELECT 1 FROM sessions WHERE log_hash = ?1 LIMIT 1",
                [log_hash],
                |_| Ok(()),
            )
            .optional()
            .map(|r| r.is_some())
            .map_err(|e| self.io(e))
    }

    /// Adds records, all or none; a record already kept (same log, same team) is skipped.
    /// Returns how many were added.
    pub fn add(&mut self, records: &[Record]) -> Result<usize, HistoryError> {
        let recorded_at = jiff::Timestamp::now()
            .round(jiff::Unit::Second)
            .map_or_else(|_| jiff::Timestamp::now().to_string(), |t| t.to_string());
        let path = self.path.display().to_string();
        let io = |e: rusqlite::Error| HistoryError::Io {
            path: path.clone(),
            message: e.to_string(),
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(io)?;
        let mut added = 0;
        for r in records {
            let mut r = r.clone();
            r.recorded_at = Some(recorded_at.clone());
            let r = &r;
            let json = serde_json::to_string(r).map_err(|e| HistoryError::Io {
                path: path.clone(),
                message: e.to_string(),
            })?;
            let inserted = tx
                .execute(
                    "INSERT OR IGNORE INTO sessions
                     (log_hash, team_index, team, scenario_id, played_at, recorded_at, source, score, max, record)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    params![
                        r.log_hash,
                        r.team_index as i64,
                        r.team,
                        r.scenario_id,
                        r.started.as_ref().or(r.ended.as_ref()),
                        recorded_at,
                        r.source.word(),
                        r.score,
                        i64::from(r.max),
                        json,
                    ],
                )
                .map_err(io)?;
            if inserted == 0 {
                continue;
            }
            added += 1;
            let id = tx.last_insert_rowid();
            for (i, name) in r.members.iter().enumerate() {
                tx.execute(
                    "INSERT INTO members (session, position, name) VALUES (?1, ?2, ?3)",
                    params![id, i as i64, name],
                )
                .map_err(io)?;
            }
            for l in &r.learning {
                tx.execute(
                    "INSERT OR REPLACE INTO competencies (session, learning, competency, earned, max)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![id, l.id, l.competency, i64::from(l.earned), i64::from(l.max)],
                )
                .map_err(io)?;
            }
        }
        tx.commit().map_err(io)?;
        Ok(added)
    }

    /// The sessions that match, newest first (by when they were played, else recorded).
    pub fn sessions(&self, filter: &Filter) -> Result<Vec<Record>, HistoryError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT record FROM sessions s
                 WHERE (?1 IS NULL OR s.scenario_id = ?1)
                   AND (?2 IS NULL OR s.team = ?2
                        OR EXISTS (SELECT 1 FROM members m WHERE m.session = s.id AND m.name = ?2))
                 ORDER BY COALESCE(s.played_at, s.recorded_at) DESC, s.id DESC",
            )
            .map_err(|e| self.io(e))?;
        let rows = stmt
            .query_map(params![filter.scenario, filter.trainee], |r| {
                r.get::<_, String>(0)
            })
            .map_err(|e| self.io(e))?;
        let mut out = Vec::new();
        for row in rows {
            let json = row.map_err(|e| self.io(e))?;
            let record: Record = serde_json::from_str(&json)
                .map_err(|e| self.io(format!("a record cannot be read: {e}")))?;
            out.push(record);
        }
        Ok(out)
    }
}

/// Applies the missing migrations. Two processes may find a new file at once: the one that
/// loses the race for the write lock finds the schema made by the other.
fn migrate(conn: &mut Connection) -> Result<(), String> {
    let known = MIGRATIONS.len() as i64;
    let mut last = String::new();
    for _ in 0..50 {
        match migrations().to_latest(conn) {
            Ok(()) => return Ok(()),
            Err(e) => last = e.to_string(),
        }
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| e.to_string())?;
        if version >= known {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(last)
}

/// Whether the file starts with SQLite's magic string.
fn looks_like_sqlite(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == b"SQLite format 3\0")
}
