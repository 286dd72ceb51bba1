//! Scores as CSV for a spreadsheet: one row per team — its members, turns, outcome, score,
//! maximum and percentage — then the points of every objective, one column each.

use super::aar::Report;
use super::describe::tr;

/// The report's scores as CSV (RFC 4180, with a header row in the report's language).
pub fn scores(report: &Report) -> String {
    let l = report.lang;
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        tr(l, "team", "チーム"),
        tr(l, "members", "メンバー"),
        tr(l, "turns", "ターン数"),
        tr(l, "outcome", "結果"),
        tr(l, "score", "得点"),
        tr(l, "max", "満点"),
        tr(l, "percent", "得点率"),
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    if let Some(first) = report.teams.first() {
        header.extend(first.objectives.iter().map(|o| o.name.clone()));
    }
    // Writing to a vector cannot fail.
    let _ = out.write_record(&header);
    for t in &report.teams {
        let mut row = vec![
            t.name.clone(),
            t.members.join("; "),
            t.turns.to_string(),
            t.outcome.clone(),
            t.total.to_string(),
            t.max.to_string(),
            t.percent.to_string(),
        ];
        row.extend(t.objectives.iter().map(|o| o.points.to_string()));
        let _ = out.write_record(&row);
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}
