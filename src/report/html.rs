//! The after-action report as one self-contained HTML file: inline CSS, no scripts, no
//! network, laid out to print cleanly.

use std::fmt::Write as _;

use super::aar::{Report, TeamReport};
use super::describe::{lab, tr};
use crate::scenario::model::Lang;

/// Escapes text for HTML.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn opt(n: Option<u32>) -> String {
    n.map_or_else(|| "—".to_owned(), |n| n.to_string())
}

const STYLE: &str = "
body { font-family: 'Noto Sans', 'Noto Sans JP', 'Hiragino Sans', 'Yu Gothic', sans-serif;
  color: #1b1f24; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
h1 { font-size: 1.6rem; border-bottom: 3px solid #1b4f72; padding-bottom: .3rem; }
h2 { font-size: 1.3rem; margin-top: 2.5rem; border-bottom: 1px solid #aab; }
h3 { font-size: 1.05rem; margin-top: 1.5rem; color: #1b4f72; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #ccd; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef2f6; }
:lang(ja) th, :lang(ja) td.num { word-break: keep-all; }
td.num { text-align: right; white-space: nowrap; }
.summary { display: flex; gap: 2rem; flex-wrap: wrap; background: #f6f8fa; padding: .8rem 1rem;
  border-radius: 6px; }
.summary div b { display: block; font-size: 1.3rem; }
.met { color: #1e7b34; } .partial { color: #a36a00; } .missed { color: #b42318; }
.truth { color: #6b3fa0; font-style: italic; }
.turn { margin: .6rem 0; page-break-inside: avoid; }
.turn ul { margin: .2rem 0; }
.meta { color: #556; font-size: .9rem; }
@media print { body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { page-break-before: always; } h2.first { page-break-before: avoid; }
  a { color: inherit; text-decoration: none; } }
";

/// Renders a report. Control characters from the scenario or the log (invalid in HTML, and
/// live on a terminal when the report goes to standard output) are written as `\u{…}`.
pub fn render(r: &Report) -> String {
    crate::text::escape(&render_raw(r)).into_owned()
}

fn render_raw(r: &Report) -> String {
    let l = r.lang;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{} — {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        l.code(),
        esc(tr(l, "After-action report", "事後検証報告書")),
        esc(&r.scenario)
    );
    let _ = writeln!(
        out,
        "<h1>{}{}</h1>\n<p class=\"meta\">{}{} · {} <code>{}</code> · {} {} · {}{}</p>",
        esc(&lab(l, "After-action report:", "事後検証報告書：")),
        esc(&r.scenario),
        esc(&lab(l, "Organisation:", "組織：")),
        esc(&r.organisation),
        esc(tr(l, "scenario", "シナリオ")),
        esc(&r.scenario_id),
        esc(tr(l, "seed", "シード")),
        r.seed,
        esc(&lab(l, "minutes per turn:", "1ターンの分数：")),
        r.minutes_per_turn
    );
    if let Some(played) = &r.played {
        let _ = writeln!(out, "<p class=\"meta\">{}</p>", esc(&played.line(l)));
    }
    if let Some(room) = &r.room {
        let _ = writeln!(
            out,
            "<h2 class=\"first\">{}</h2>\n<table><tr><th>#</th><th>{}</th><th>{}</th><th>%</th><th>{}</th><th>{}</th></tr>",
            esc(tr(l, "Room summary", "全体のまとめ")),
            esc(tr(l, "Team", "チーム")),
            esc(tr(l, "Score", "得点")),
            esc(tr(l, "Contained at turn", "封じ込めターン")),
            esc(tr(l, "Outcome", "結果"))
        );
        for row in &room.ranking {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                row.rank,
                esc(&row.team),
                row.total,
                row.percent,
                opt(row.contained),
                esc(&row.outcome)
            );
        }
        out.push_str("</table>\n");
        let _ = write!(
            out,
            "<h3>{}</h3>\n<table><tr><th>{}</th><th>{}</th>",
            esc(tr(l, "Objectives by team", "チーム別の目標達成")),
            esc(tr(l, "Objective", "目標")),
            esc(tr(l, "Points", "配点"))
        );
        for t in &r.teams {
            let _ = write!(out, "<th>{}</th>", esc(&t.name));
        }
        out.push_str("</tr>\n");
        for row in &room.matrix {
            let _ = write!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td>",
                esc(&row.objective),
                row.max
            );
            for (points, status) in &row.teams {
                let _ = write!(
                    out,
                    "<td class=\"num\">{points} <small>{}</small></td>",
                    esc(status)
                );
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
        let _ = writeln!(
            out,
            "<h3>{}</h3>\n<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            esc(tr(
                l,
                "Time to detect and to contain (turns after the first foothold)",
                "検知・封じ込めまでの時間（最初の侵入からのターン数）"
            )),
            esc(tr(l, "Team", "チーム")),
            esc(tr(l, "First foothold (turn)", "最初の侵入（ターン）")),
            esc(tr(l, "Detected after", "検知まで")),
            esc(tr(l, "Contained after", "封じ込めまで"))
        );
        for t in &room.times {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&t.team),
                opt(t.foothold),
                opt(t.to_detect),
                opt(t.to_contain)
            );
        }
        out.push_str("</table>\n");
        if !room.differences.is_empty() {
            let _ = writeln!(
                out,
                "<h3>{}</h3>\n<table><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
                esc(tr(l, "Where decisions differed", "判断が分かれた場面")),
                esc(tr(l, "Turn", "ターン")),
                esc(tr(l, "Team", "チーム")),
                esc(tr(l, "Decisions", "対応"))
            );
            for d in &room.differences {
                for (i, (team, did)) in d.teams.iter().enumerate() {
                    let turn = if i == 0 {
                        format!("<td rowspan=\"{}\">{}</td>", d.teams.len(), d.turn)
                    } else {
                        String::new()
                    };
                    let _ = writeln!(
                        out,
                        "<tr>{turn}<td>{}</td><td>{}</td></tr>",
                        esc(team),
                        esc(did)
                    );
                }
            }
            out.push_str("</table>\n");
        }
    }
    for (i, team) in r.teams.iter().enumerate() {
        render_team(&mut out, team, l, i == 0 && r.room.is_none());
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn status_class(status: &str, l: Lang) -> &'static str {
    if status == tr(l, "met", "達成") {
        "met"
    } else if status == tr(l, "partly met", "一部達成") {
        "partial"
    } else if status == tr(l, "missed", "未達成") {
        "missed"
    } else {
        ""
    }
}

fn render_team(out: &mut String, t: &TeamReport, l: Lang, first: bool) {
    let _ = writeln!(
        out,
        "<h2{}>{}</h2>",
        if first { " class=\"first\"" } else { "" },
        esc(&super::describe::team_heading(&t.name, l))
    );
    if !t.members.is_empty() {
        let _ = writeln!(
            out,
            "<p>{}{}</p>",
            esc(&lab(l, "Members:", "メンバー：")),
            esc(&t.members.join(tr(l, ", ", "、")))
        );
    }
    let grade = t
        .grade
        .as_deref()
        .map(|g| {
            format!(
                "<div>{}<b>{}</b></div>",
                esc(tr(l, "Grade", "評価")),
                esc(g)
            )
        })
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "<div class=\"summary\"><div>{}<b>{}</b></div><div>{}<b>{} / {} ({}%)</b></div>{grade}</div>",
        esc(tr(l, "Outcome", "結果")),
        esc(&t.outcome),
        esc(tr(l, "Score", "得点")),
        t.total,
        t.max,
        t.percent,
    );

    let _ = writeln!(
        out,
        "<h3>{}</h3>\n<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        esc(tr(l, "Objectives", "評価項目")),
        esc(tr(l, "Objective", "項目")),
        esc(tr(l, "Result", "判定")),
        esc(tr(l, "Points", "得点")),
        esc(tr(l, "Why", "理由"))
    );
    for o in &t.objectives {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"{}\">{}</td><td>{}/{}</td><td>{}</td></tr>",
            esc(&o.name),
            status_class(&o.status, l),
            esc(&o.status),
            o.points,
            o.max,
            esc(&o.reason)
        );
    }
    for p in &t.penalties {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"missed\">{}</td><td>−{}</td><td>×{}</td></tr>",
            esc(&p.what),
            esc(tr(l, "penalty", "減点")),
            p.points,
            p.count
        );
    }
    out.push_str("</table>\n");

    if !t.learning.is_empty() {
        let _ = writeln!(
            out,
            "<h3>{}</h3>\n<table><tr><th>{}</th><th>{}</th></tr>",
            esc(tr(l, "Learning objectives", "学習目標")),
            esc(tr(l, "Objective", "目標")),
            esc(tr(l, "Points", "得点"))
        );
        for lo in &t.learning {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}/{}</td></tr>",
                esc(&lo.objective),
                lo.earned,
                lo.max
            );
        }
        out.push_str("</table>\n");
    }

    if !t.deadlines.is_empty() {
        let _ = writeln!(
            out,
            "<h3>{}</h3>\n<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            esc(tr(l, "Notification deadlines", "報告期限")),
            esc(tr(l, "To", "報告先")),
            esc(tr(l, "From turn", "開始")),
            esc(tr(l, "Due", "期限")),
            esc(tr(l, "Notified", "報告")),
            esc(tr(l, "Result", "判定"))
        );
        for d in &t.deadlines {
            let _ = writeln!(
                out,
                "<tr><td>{}<br><span class=\"meta\">{}</span></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&d.stakeholder),
                esc(&d.basis),
                d.started,
                d.due,
                opt(d.notified),
                esc(&d.verdict)
            );
        }
        out.push_str("</table>\n");
    }

    let _ = writeln!(
        out,
        "<h3>{}</h3>\n<ul>",
        esc(tr(l, "Strengths", "良かった点"))
    );
    if t.strengths.is_empty() {
        let _ = writeln!(
            out,
            "<li>{}</li>",
            esc(tr(l, "(none this time)", "（今回はなし）"))
        );
    }
    for s in &t.strengths {
        let _ = writeln!(out, "<li>{}</li>", esc(s));
    }
    out.push_str("</ul>\n");

    let _ = writeln!(
        out,
        "<h3>{}</h3>",
        esc(tr(l, "Areas for improvement", "改善すべき点"))
    );
    if t.improvements.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", esc(tr(l, "None.", "なし。")));
    } else {
        let _ = writeln!(
            out,
            "<table><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
            esc(tr(l, "Observation", "所見")),
            esc(tr(l, "Recommendation", "推奨事項")),
            esc(tr(l, "Capability", "能力"))
        );
        for i in &t.improvements {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&i.observation),
                esc(&i.recommendation),
                esc(&i.capability)
            );
        }
        out.push_str("</table>\n");
    }

    let _ = writeln!(
        out,
        "<h3>{}</h3>\n<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        esc(tr(
            l,
            "Decisions against the reference solution",
            "模範解答との比較"
        )),
        esc(tr(l, "Decision", "対応")),
        esc(tr(l, "Reference", "模範")),
        esc(tr(l, "Team", "チーム")),
        esc(tr(l, "Verdict", "評価"))
    );
    for d in &t.decisions {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&d.command),
            opt(d.reference_turn),
            opt(d.team_turn),
            esc(&d.verdict)
        );
    }
    out.push_str("</table>\n");

    let _ = writeln!(
        out,
        "<h3>{}</h3>",
        esc(tr(
            l,
            "Timeline: what the team saw and did, and what really happened",
            "時系列：チームが見たこと・行ったこと、実際に起きていたこと"
        ))
    );
    for row in &t.timeline {
        let _ = writeln!(
            out,
            "<div class=\"turn\"><b>{} {}</b> <span class=\"meta\">{}</span><ul>",
            esc(tr(l, "Turn", "ターン")),
            row.turn,
            esc(&row.clock)
        );
        for e in &row.team {
            let _ = writeln!(out, "<li>{}</li>", esc(e));
        }
        for e in &row.truth {
            let _ = writeln!(
                out,
                "<li class=\"truth\">{}{}{}</li>",
                esc(tr(l, "[unseen by the team]", "［チームには見えない］")),
                tr(l, " ", ""),
                esc(e)
            );
        }
        out.push_str("</ul></div>\n");
    }
}
