//! The drill index: drills, their teams, members and scores in SQLite (`index.sqlite` in the
//! data directory), for listing drills without opening every log.
//!
//! It is a cache. The drill folders are the truth: the server rebuilds every drill's rows from
//! them when it starts, and a database it cannot open is moved aside (never overwritten) and
//! made again.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, params};
use serde::Serialize;

/// The schema version this build writes (`PRAGMA user_version`).
const SCHEMA: i64 = 1;

/// A drill as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DrillRow {
    /// Id.
    pub id: String,
    /// Scenario id.
    pub scenario: String,
    /// Scenario title (in the drill's language).
    pub title: String,
    /// Seed.
    pub seed: u64,
    /// `sync` or `self`.
    pub pacing: String,
    /// When it was created.
    pub created: String,
    /// `lobby`, `running`, `paused` or `ended`.
    pub status: String,
    /// The teams.
    pub teams: Vec<TeamRow>,
}

/// A team as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamRow {
    /// Team index.
    pub index: usize,
    /// Name.
    pub name: String,
    /// Members, in the order they joined.
    pub members: Vec<String>,
    /// Last turn played.
    pub turn: u32,
    /// Score so far.
    pub score: i64,
    /// Maximum score.
    pub max: u32,
    /// `win`, `loss`, or empty while playing.
    pub outcome: String,
}

/// The index, shared by every drill's task.
pub struct Index {
    conn: Mutex<Connection>,
}

/// Why the index cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("drill index {path}: {message}")]
pub struct IndexError {
    path: String,
    message: String,
}

impl Index {
    /// Opens the index at `path`, making it if needed; a file that is not a usable database is
    /// renamed `index.sqlite.unreadable-N` and a new one made.
    pub fn open(path: &Path) -> Result<Self, IndexError> {
        let err = |message: String| IndexError {
            path: path.display().to_string(),
            message,
        };
        match Self::try_open(path) {
            Ok(conn) => Ok(Self {
                conn: Mutex::new(conn),
            }),
            Err(first) if path.exists() => {
                let aside = (1..)
                    .map(|n| PathBuf::from(format!("{}.unreadable-{n}", path.display())))
                    .find(|p| !p.exists())
                    .expect("some name is free");
                std::fs::rename(path, &aside).map_err(|e| err(e.to_string()))?;
                eprintln!(
                    "warning: the drill index could not be opened ({first}); kept it as {} and made a new one",
                    aside.display()
                );
                Self::try_open(path)
                    .map(|conn| Self {
                        conn: Mutex::new(conn),
                    })
                    .map_err(|e| err(e.to_string()))
            }
            Err(e) => Err(err(e.to_string())),
        }
    }

    fn try_open(path: &Path) -> rusqlite::Result<Connection> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // A cache rebuilt from the drill folders at every start: no disk flush per update
        // (WAL stays consistent; a crash can only lose the last updates, which are rebuilt).
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version > SCHEMA {
            return Err(rusqlite::Error::InvalidParameterName(format!(
                "it was made by a newer cyberdrill (schema {version}, this build knows {SCHEMA})"
            )));
        }
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS drills (
                 id TEXT PRIMARY KEY, scenario TEXT NOT NULL, title TEXT NOT NULL,
                 seed INTEGER NOT NULL, pacing TEXT NOT NULL, created TEXT NOT NULL,
                 status TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS teams (
                 drill TEXT NOT NULL, idx INTEGER NOT NULL, name TEXT NOT NULL,
                 turn INTEGER NOT NULL, score INTEGER NOT NULL, max INTEGER NOT NULL,
                 outcome TEXT NOT NULL, PRIMARY KEY (drill, idx));
             CREATE TABLE IF NOT EXISTS members (
                 drill TEXT NOT NULL, team INTEGER NOT NULL, seq INTEGER NOT NULL,
                 name TEXT NOT NULL, PRIMARY KEY (drill, team, name));",
        )?;
        conn.pragma_update(None, "user_version", SCHEMA)?;
        Ok(conn)
    }

    /// Writes a drill's rows (replacing what was there).
    pub fn put(&self, drill: &DrillRow) -> rusqlite::Result<()> {
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT OR REPLACE INTO drills (id, scenario, title, seed, pacing, created, status)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                drill.id,
                drill.scenario,
                drill.title,
                drill.seed as i64,
                drill.pacing,
                drill.created,
                drill.status
            ],
        )?;
        tx.execute("DELETE FROM members WHERE drill = ?1", params![drill.id])?;
        for t in &drill.teams {
            tx.execute(
                "INSERT OR REPLACE INTO teams (drill, idx, name, turn, score, max, outcome)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    drill.id,
                    t.index as i64,
                    t.name,
                    t.turn,
                    t.score,
                    t.max,
                    t.outcome
                ],
            )?;
            for (seq, m) in t.members.iter().enumerate() {
                tx.execute(
                    "INSERT OR REPLACE INTO members (drill, team, seq, name) VALUES (?1, ?2, ?3, ?4)",
                    params![drill.id, t.index as i64, seq as i64, m],
                )?;
            }
        }
        tx.commit()
    }

    /// Every drill, newest first.
    pub fn list(&self) -> rusqlite::Result<Vec<DrillRow>> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let mut drills: Vec<DrillRow> = conn
            .prepare(
                "SELECT id, scenario, title, seed, pacing, created, status FROM drills
                 ORDER BY created DESC, id DESC",
            )?
            .query_map([], |r| {
                Ok(DrillRow {
                    id: r.get(0)?,
                    scenario: r.get(1)?,
                    title: r.get(2)?,
                    seed: r.get::<_, i64>(3)? as u64,
                    pacing: r.get(4)?,
                    created: r.get(5)?,
                    status: r.get(6)?,
                    teams: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut teams = conn.prepare(
            "SELECT idx, name, turn, score, max, outcome FROM teams WHERE drill = ?1 ORDER BY idx",
        )?;
        let mut members =
            conn.prepare("SELECT name FROM members WHERE drill = ?1 AND team = ?2 ORDER BY seq")?;
        for d in &mut drills {
            d.teams = teams
                .query_map(params![d.id], |r| {
                    Ok(TeamRow {
                        index: r.get::<_, i64>(0)? as usize,
                        name: r.get(1)?,
                        members: Vec::new(),
                        turn: r.get(2)?,
                        score: r.get(3)?,
                        max: r.get(4)?,
                        outcome: r.get(5)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            for t in &mut d.teams {
                t.members = members
                    .query_map(params![d.id, t.index as i64], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
            }
        }
        Ok(drills)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str) -> DrillRow {
        DrillRow {
            id: id.into(),
            scenario: "tutorial".into(),
            title: "Tutorial".into(),
            seed: 3,
            pacing: "sync".into(),
            created: format!("2026-11-29T10:00:0{}Z", id.len()),
            status: "running".into(),
            teams: vec![TeamRow {
                index: 0,
                name: "Red".into(),
                members: vec!["Aoki".into(), "Sato".into()],
                turn: 2,
                score: 40,
                max: 100,
                outcome: String::new(),
            }],
        }
    }

    #[test]
    fn drills_are_written_listed_and_replaced() {
        let dir = std::env::temp_dir().join(format!("cyberdrill-index-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("index.sqlite");
        let index = Index::open(&path).unwrap();
        index.put(&row("a")).unwrap();
        let mut b = row("bb");
        index.put(&b).unwrap();
        b.status = "ended".into();
        b.teams[0].members.pop();
        index.put(&b).unwrap();
        let listed = index.list().unwrap();
        assert_eq!(listed, vec![b, row("a")], "newest first, replaced in place");
        drop(index);

        // A file that is not a database is kept aside, never overwritten.
        std::fs::write(&path, b"not a database, but someone's file").unwrap();
        let _ = std::fs::remove_file(dir.join("index.sqlite-wal"));
        let _ = std::fs::remove_file(dir.join("index.sqlite-shm"));
        let index = Index::open(&path).unwrap();
        assert!(index.list().unwrap().is_empty());
        assert_eq!(
            std::fs::read(dir.join("index.sqlite.unreadable-1")).unwrap(),
            b"not a database, but someone's file"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
