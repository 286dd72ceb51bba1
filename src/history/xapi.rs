//! The history as xAPI statements (Experience API 1.0.3), for a learning record store: one
//! statement per trainee and session — who (each member, or the team where nobody joined by
//! name), which scenario, passed / failed / completed, the score scaled, every objective's
//! result, the duration and the time.
//!
//! Statement ids are UUIDs derived from the log's chain head, the team and the trainee, so
//! sending the same export twice does not make an LRS count a session twice.

use serde_json::{Value, json};

use super::Record;

/// Where cyberdrill's own activity, account and extension IRIs live.
pub const BASE: &str = "urn:cyberdrill";

fn verb(record: &Record) -> (&'static str, &'static str) {
    match record.outcome.as_str() {
        "win" => ("http://adlnet.gov/expapi/verbs/passed", "passed"),
        "loss" => ("http://adlnet.gov/expapi/verbs/failed", "failed"),
        _ => ("http://adlnet.gov/expapi/verbs/completed", "completed"),
    }
}

fn agent(name: &str) -> Value {
    json!({
        "objectType": "Agent",
        "name": name,
        "account": { "homePage": BASE, "name": name },
    })
}

/// The statements of one record.
pub fn statements(record: &Record) -> Vec<Value> {
    let who: Vec<&str> = if record.members.is_empty() {
        vec![record.team.as_str()]
    } else {
        record.members.iter().map(String::as_str).collect()
    };
    let (verb_id, verb_word) = verb(record);
    let scaled = if record.max == 0 {
        0.0
    } else {
        (record.score as f64 / f64::from(record.max)).clamp(-1.0, 1.0)
    };
    let objectives: Vec<Value> = record
        .objectives
        .iter()
        .map(|o| {
            json!({
                "id": o.id,
                "name": { "en-US": o.name.en, "ja-JP": o.name.ja },
                "status": o.status,
                "points": o.points,
                "max": o.max,
            })
        })
        .collect();
    let competencies: Vec<Value> = record
        .learning
        .iter()
        .map(|l| {
            json!({
                "learning_objective": l.id,
                "competency": l.competency,
                "earned": l.earned,
                "max": l.max,
            })
        })
        .collect();
    let mut result = json!({
        "score": {
            "scaled": scaled,
            "raw": record.score,
            "min": record.score.min(0),
            "max": record.max,
        },
        "completion": record.outcome != "unfinished",
        "extensions": {
            format!("{BASE}:objectives"): objectives,
            format!("{BASE}:competencies"): competencies,
        },
    });
    if record.outcome != "unfinished" {
        result["success"] = json!(record.outcome == "win");
    }
    if let Some(secs) = record.duration_seconds.filter(|s| *s >= 0) {
        result["duration"] = json!(format!("PT{secs}S"));
    }
    let registration = uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        format!("{BASE}:session:{}:{}", record.log_hash, record.team_index).as_bytes(),
    );
    who.iter()
        .map(|name| {
            let id = uuid::Uuid::new_v5(
                &uuid::Uuid::NAMESPACE_URL,
                format!(
                    "{BASE}:statement:{}:{}:{name}",
                    record.log_hash, record.team_index
                )
                .as_bytes(),
            );
            let mut statement = json!({
                "id": id.to_string(),
                "actor": agent(name),
                "verb": { "id": verb_id, "display": { "en-US": verb_word } },
                "object": {
                    "objectType": "Activity",
                    "id": format!("{BASE}:scenario:{}", record.scenario_id),
                    "definition": {
                        "name": {
                            "en-US": record.scenario_title.en,
                            "ja-JP": record.scenario_title.ja,
                        },
                        "type": "http://adlnet.gov/expapi/activities/simulation",
                    },
                },
                "result": result,
                "context": {
                    "registration": registration.to_string(),
                    "platform": "cyberdrill",
                    "extensions": {
                        format!("{BASE}:team"): record.team,
                        format!("{BASE}:seed"): record.seed.to_string(),
                        format!("{BASE}:scenario-sha256"): record.scenario_sha256,
                        format!("{BASE}:log-hash"): record.log_hash,
                    },
                },
                "version": "1.0.3",
            });
            if let Some(t) = record.ended.as_ref().or(record.started.as_ref()) {
                statement["timestamp"] = json!(t);
            }
            statement
        })
        .collect()
}

/// The statements of many records, as one JSON array (what an LRS's statements resource
/// takes in one POST).
pub fn export(records: &[Record]) -> String {
    let all: Vec<Value> = records.iter().flat_map(statements).collect();
    serde_json::to_string_pretty(&all).unwrap_or_else(|_| "[]".into()) + "\n"
}
