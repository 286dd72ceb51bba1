//! The after-action report as Markdown.

use std::fmt::Write as _;

use super::aar::{Report, TeamReport};
use super::describe::{lab, tr};
use crate::scenario::model::Lang;

/// Escapes text for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn opt(n: Option<u32>) -> String {
    n.map_or_else(|| "—".to_owned(), |n| n.to_string())
}

/// Renders a report. Team names come from the replay log and texts from the scenario: team
/// names are shortened, and control characters anywhere are escaped (HTML escapes its own).
pub fn render(r: &Report) -> String {
    crate::text::escape(&render_raw(r)).into_owned()
}

/// A name from the log (a team's, a member's) as the report shows it.
fn team_name(name: &str) -> String {
    crate::text::shorten(name, crate::text::SHOWN_CHARS)
}

fn render_raw(r: &Report) -> String {
    let l = r.lang;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}{}\n",
        lab(l, "After-action report:", "事後検証報告書："),
        r.scenario
    );
    let _ = writeln!(
        out,
        "{}{} · {} `{}` · {} {} · {}{}\n",
        lab(l, "Organisation:", "組織："),
        r.organisation,
        tr(l, "scenario", "シナリオ"),
        r.scenario_id,
        tr(l, "seed", "シード"),
        r.seed,
        lab(l, "minutes per turn:", "1ターンの分数："),
        r.minutes_per_turn
    );
    if let Some(played) = &r.played {
        let _ = writeln!(out, "{}\n", played.line(l));
    }
    if let Some(room) = &r.room {
        let _ = writeln!(out, "## {}\n", tr(l, "Room summary", "全体のまとめ"));
        let _ = writeln!(
            out,
            "| # | {} | {} | % | {} | {} |\n|---|---|---|---|---|---|",
            tr(l, "Team", "チーム"),
            tr(l, "Score", "得点"),
            tr(l, "Contained at turn", "封じ込めターン"),
            tr(l, "Outcome", "結果")
        );
        for row in &room.ranking {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                row.rank,
                cell(&team_name(&row.team)),
                row.total,
                row.percent,
                opt(row.contained),
                row.outcome
            );
        }
        out.push('\n');
        let _ = writeln!(
            out,
            "### {}\n",
            tr(l, "Objectives by team", "チーム別の目標達成")
        );
        let names: Vec<String> = r.teams.iter().map(|t| cell(&team_name(&t.name))).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} |\n|---|---|{}",
            tr(l, "Objective", "目標"),
            tr(l, "Points", "配点"),
            names.join(" | "),
            "---|".repeat(names.len())
        );
        for row in &room.matrix {
            let cells: Vec<String> = row
                .teams
                .iter()
                .map(|(points, status)| format!("{points} ({status})"))
                .collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                cell(&row.objective),
                row.max,
                cells.join(" | ")
            );
        }
        out.push('\n');
        let _ = writeln!(
            out,
            "### {}\n",
            tr(
                l,
                "Time to detect and to contain (turns after the first foothold)",
                "検知・封じ込めまでの時間（最初の侵入からのターン数）"
            )
        );
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |\n|---|---|---|---|",
            tr(l, "Team", "チーム"),
            tr(l, "First foothold (turn)", "最初の侵入（ターン）"),
            tr(l, "Detected after", "検知まで"),
            tr(l, "Contained after", "封じ込めまで")
        );
        for t in &room.times {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(&team_name(&t.team)),
                opt(t.foothold),
                opt(t.to_detect),
                opt(t.to_contain)
            );
        }
        out.push('\n');
        if !room.differences.is_empty() {
            let _ = writeln!(
                out,
                "### {}\n",
                tr(l, "Where decisions differed", "判断が分かれた場面")
            );
            for d in &room.differences {
                let _ = writeln!(out, "- **{} {}**", tr(l, "Turn", "ターン"), d.turn);
                for (team, did) in &d.teams {
                    let _ = writeln!(out, "  - {}: {did}", team_name(team));
                }
            }
            out.push('\n');
        }
    }
    for team in &r.teams {
        render_team(&mut out, team, l);
    }
    out
}

fn render_team(out: &mut String, t: &TeamReport, l: Lang) {
    let _ = writeln!(
        out,
        "## {}\n",
        crate::report::describe::team_heading(&team_name(&t.name), l)
    );
    if !t.members.is_empty() {
        let _ = writeln!(
            out,
            "{}{}\n",
            lab(l, "Members:", "メンバー："),
            t.members
                .iter()
                .map(|m| team_name(m))
                .collect::<Vec<_>>()
                .join(tr(l, ", ", "、"))
        );
    }
    let grade = t
        .grade
        .as_ref()
        .map(|g| format!(" — {g}"))
        .unwrap_or_default();
    // The label's space goes outside the emphasis: `**Outcome: **Win` is not bold in
    // CommonMark (a closing `**` after a space does not close).
    // The same for a full-width colon followed by a letter: it stays outside in Japanese.
    let (outcome, score, sep) = match l {
        Lang::En => ("Outcome:", "Score:", " "),
        Lang::Ja => ("結果", "得点", "："),
    };
    let _ = writeln!(
        out,
        "**{outcome}**{sep}{}  \n**{score}**{sep}{} / {} ({}%){grade}\n",
        t.outcome, t.total, t.max, t.percent
    );

    let _ = writeln!(out, "### {}\n", tr(l, "Objectives", "評価項目"));
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} |\n|---|---|---|---|",
        tr(l, "Objective", "項目"),
        tr(l, "Result", "判定"),
        tr(l, "Points", "得点"),
        tr(l, "Why", "理由")
    );
    for o in &t.objectives {
        let _ = writeln!(
            out,
            "| {} | {} | {}/{} | {} |",
            cell(&o.name),
            o.status,
            o.points,
            o.max,
            cell(&o.reason)
        );
    }
    for p in &t.penalties {
        let _ = writeln!(
            out,
            "| {} | {} | −{} | ×{} |",
            cell(&p.what),
            tr(l, "penalty", "減点"),
            p.points,
            p.count
        );
    }
    out.push('\n');

    if !t.learning.is_empty() {
        let _ = writeln!(out, "### {}\n", tr(l, "Learning objectives", "学習目標"));
        for lo in &t.learning {
            let _ = writeln!(out, "- {} — {}/{}", lo.objective, lo.earned, lo.max);
        }
        out.push('\n');
    }

    if !t.deadlines.is_empty() {
        let _ = writeln!(out, "### {}\n", tr(l, "Notification deadlines", "報告期限"));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |\n|---|---|---|---|---|",
            tr(l, "To", "報告先"),
            tr(l, "From turn", "開始"),
            tr(l, "Due", "期限"),
            tr(l, "Notified", "報告"),
            tr(l, "Result", "判定")
        );
        for d in &t.deadlines {
            let _ = writeln!(
                out,
                "| {} — {} | {} | {} | {} | {} |",
                cell(&d.stakeholder),
                cell(&d.basis),
                d.started,
                d.due,
                opt(d.notified),
                d.verdict
            );
        }
        out.push('\n');
    }

    let _ = writeln!(out, "### {}\n", tr(l, "Strengths", "良かった点"));
    if t.strengths.is_empty() {
        let _ = writeln!(out, "- {}", tr(l, "(none this time)", "（今回はなし）"));
    }
    for s in &t.strengths {
        let _ = writeln!(out, "- {s}");
    }
    out.push('\n');

    let _ = writeln!(
        out,
        "### {}\n",
        tr(l, "Areas for improvement", "改善すべき点")
    );
    if t.improvements.is_empty() {
        let _ = writeln!(out, "{}\n", tr(l, "None.", "なし。"));
    } else {
        let _ = writeln!(
            out,
            "| {} | {} | {} |\n|---|---|---|",
            tr(l, "Observation", "所見"),
            tr(l, "Recommendation", "推奨事項"),
            tr(l, "Capability", "能力")
        );
        for i in &t.improvements {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                cell(&i.observation),
                cell(&i.recommendation),
                cell(&i.capability)
            );
        }
        out.push('\n');
    }

    let _ = writeln!(
        out,
        "### {}\n",
        tr(
            l,
            "Decisions against the reference solution",
            "模範解答との比較"
        )
    );
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} |\n|---|---|---|---|",
        tr(l, "Decision", "対応"),
        tr(l, "Reference", "模範"),
        tr(l, "Team", "チーム"),
        tr(l, "Verdict", "評価")
    );
    for d in &t.decisions {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            cell(&d.command),
            opt(d.reference_turn),
            opt(d.team_turn),
            d.verdict
        );
    }
    out.push('\n');

    let _ = writeln!(
        out,
        "### {}\n",
        tr(
            l,
            "Timeline: what the team saw and did, and what really happened",
            "時系列：チームが見たこと・行ったこと、実際に起きていたこと"
        )
    );
    for row in &t.timeline {
        let _ = writeln!(
            out,
            "**{} {} ({})**\n",
            tr(l, "Turn", "ターン"),
            row.turn,
            row.clock
        );
        for e in &row.team {
            let _ = writeln!(out, "- {e}");
        }
        for e in &row.truth {
            let _ = writeln!(
                out,
                "- {}{e}",
                // Emphasis inside the full-width brackets: `*［…］*攻撃者` would not close.
                tr(l, "*[unseen by the team]* ", "［*チームには見えない*］")
            );
        }
        out.push('\n');
    }
}
