//! A trainee's competency profile across the sessions of the history: per competency, the
//! points earned out of the points available, the trend from session to session, the last
//! session that exercised it, and the weakest competencies with the scenarios that train them.
//! Rendered as Markdown, as printable HTML with an SVG chart (drawn by `plotters`), or as JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use super::Record;
use crate::scenario::csf;
use crate::scenario::model::Lang;

/// How many competencies are named as the weakest.
const WEAKEST: usize = 3;

/// A trainee's profile.
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    /// The trainee.
    pub trainee: String,
    /// The language of the names.
    pub lang: Lang,
    /// Sessions played, oldest first.
    pub sessions: Vec<SessionPoint>,
    /// Per competency, in id order.
    pub competencies: Vec<Competency>,
    /// The weakest competencies, weakest first.
    pub weakest: Vec<Weak>,
}

/// One session of the trainee.
#[derive(Debug, Clone, Serialize)]
pub struct SessionPoint {
    /// When it was played (RFC 3339), if known.
    pub date: Option<String>,
    /// Scenario id.
    pub scenario_id: String,
    /// Scenario title.
    pub scenario: String,
    /// Team.
    pub team: String,
    /// Score percentage.
    pub percent: u32,
    /// Outcome word.
    pub outcome: String,
}

/// One competency across sessions.
#[derive(Debug, Clone, Serialize)]
pub struct Competency {
    /// Its id: a CSF 2.0 category, or a learning objective's id.
    pub id: String,
    /// Its name (the category's name; the id again for a learning objective).
    pub name: String,
    /// Points earned across all sessions.
    pub earned: u32,
    /// Points available across all sessions.
    pub max: u32,
    /// `earned` as a percentage of `max`.
    pub percent: u32,
    /// Per session that exercised it, oldest first: the session's index in
    /// [`Profile::sessions`] and the percentage reached there.
    pub trend: Vec<(usize, u32)>,
    /// The change from the first to the last session that exercised it, in percentage
    /// points (none after a single session).
    pub change: Option<i64>,
    /// The last session that exercised it (index in [`Profile::sessions`]).
    pub last: usize,
}

/// A weak competency and the scenarios (in the history) that train it.
#[derive(Debug, Clone, Serialize)]
pub struct Weak {
    /// The competency's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its percentage.
    pub percent: u32,
    /// Scenarios that train it: id and title.
    pub scenarios: Vec<(String, String)>,
}

fn percent(earned: u32, max: u32) -> u32 {
    if max == 0 {
        0
    } else {
        (u64::from(earned) * 100 / u64::from(max)) as u32
    }
}

fn competency_name(id: &str, lang: Lang) -> String {
    csf::name(id, lang).map_or_else(|| id.to_owned(), str::to_owned)
}

/// Builds the profile of `trainee` from their sessions (newest first, as
/// [`History::sessions`](super::History::sessions) gives them) and every session of the history (to find the scenarios that train a competency).
pub fn build(trainee: &str, mine: &[Record], all: &[Record], lang: Lang) -> Profile {
    // Oldest first (sessions of the same second in the order they were recorded).
    let mut mine: Vec<&Record> = mine.iter().rev().collect();
    mine.sort_by(|a, b| a.when().cmp(&b.when()));
    let sessions: Vec<SessionPoint> = mine
        .iter()
        .map(|r| SessionPoint {
            date: r.when().map(str::to_owned),
            scenario_id: r.scenario_id.clone(),
            scenario: r.scenario_title.get(lang).to_owned(),
            team: r.team.clone(),
            percent: r.percent,
            outcome: r.outcome.clone(),
        })
        .collect();
    // Per competency: (earned, max) per session.
    let mut per: BTreeMap<String, Vec<(usize, u32, u32)>> = BTreeMap::new();
    for (i, r) in mine.iter().enumerate() {
        let mut here: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
        for l in r.learning.iter().filter(|l| l.max > 0) {
            let e = here.entry(&l.competency).or_default();
            e.0 = e.0.saturating_add(l.earned);
            e.1 = e.1.saturating_add(l.max);
        }
        for (c, (earned, max)) in here {
            per.entry(c.to_owned()).or_default().push((i, earned, max));
        }
    }
    let competencies: Vec<Competency> = per
        .into_iter()
        .map(|(id, points)| {
            let earned = points.iter().fold(0u32, |s, p| s.saturating_add(p.1));
            let max = points.iter().fold(0u32, |s, p| s.saturating_add(p.2));
            let trend: Vec<(usize, u32)> =
                points.iter().map(|&(i, e, m)| (i, percent(e, m))).collect();
            let change = (trend.len() > 1)
                .then(|| i64::from(trend[trend.len() - 1].1) - i64::from(trend[0].1));
            Competency {
                name: competency_name(&id, lang),
                last: trend.last().map_or(0, |t| t.0),
                id,
                earned,
                max,
                percent: percent(earned, max),
                trend,
                change,
            }
        })
        .collect();
    let mut order: Vec<&Competency> = competencies.iter().collect();
    order.sort_by_key(|c| (c.percent, std::cmp::Reverse(c.max), c.id.clone()));
    let weakest = order
        .into_iter()
        .filter(|c| c.percent < 100)
        .take(WEAKEST)
        .map(|c| {
            let mut seen = BTreeSet::new();
            let scenarios = all
                .iter()
                .filter(|r| r.learning.iter().any(|l| l.competency == c.id && l.max > 0))
                .filter(|r| seen.insert(r.scenario_id.clone()))
                .map(|r| (r.scenario_id.clone(), r.scenario_title.get(lang).to_owned()))
                .collect();
            Weak {
                id: c.id.clone(),
                name: c.name.clone(),
                percent: c.percent,
                scenarios,
            }
        })
        .collect();
    Profile {
        trainee: trainee.to_owned(),
        lang,
        sessions,
        competencies,
        weakest,
    }
}

struct Words {
    title: &'static str,
    sessions: &'static str,
    no_sessions: &'static str,
    competency: &'static str,
    points: &'static str,
    trend: &'static str,
    last: &'static str,
    weakest: &'static str,
    trained_by: &'static str,
    none_weak: &'static str,
    date: &'static str,
    scenario: &'static str,
    team: &'static str,
    score: &'static str,
    outcome: &'static str,
    chart: &'static str,
    unknown_date: &'static str,
    once: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::En => Words {
            title: "Competency profile",
            sessions: "Sessions",
            no_sessions: "No sessions recorded for this trainee.",
            competency: "Competency",
            points: "Points",
            trend: "Trend",
            last: "Last exercised",
            weakest: "Weakest competencies",
            trained_by: "trained by",
            none_weak: "Every competency exercised so far was met in full.",
            date: "Date",
            scenario: "Scenario",
            team: "Team",
            score: "Score",
            outcome: "Outcome",
            chart: "Each competency's percentage, session by session",
            unknown_date: "(no date)",
            once: "one session",
        },
        Lang::Ja => Words {
            title: "コンピテンシー・プロファイル",
            sessions: "演習の記録",
            no_sessions: "この受講者の記録はありません。",
            competency: "コンピテンシー",
            points: "得点",
            trend: "推移",
            last: "最後の演習",
            weakest: "弱いコンピテンシー",
            trained_by: "訓練できるシナリオ",
            none_weak: "これまでに演習したコンピテンシーはすべて満点です。",
            date: "日付",
            scenario: "シナリオ",
            team: "チーム",
            score: "得点率",
            outcome: "結果",
            chart: "コンピテンシーごとの得点率の推移",
            unknown_date: "（日付なし）",
            once: "1回のみ",
        },
    }
}

impl Profile {
    fn date(&self, i: usize) -> String {
        self.sessions
            .get(i)
            .and_then(|s| s.date.as_deref())
            .map_or_else(
                || words(self.lang).unknown_date.to_owned(),
                |d| d.chars().take(10).collect(),
            )
    }

    fn trend_text(&self, c: &Competency) -> String {
        let points: Vec<String> = c.trend.iter().map(|t| format!("{}%", t.1)).collect();
        match c.change {
            None => format!("{} ({})", points.join(" → "), words(self.lang).once),
            Some(d) => format!("{} ({d:+})", points.join(" → ")),
        }
    }

    fn last_text(&self, c: &Competency) -> String {
        let s = &self.sessions[c.last];
        format!("{} {}", self.date(c.last), s.scenario)
    }
}

/// Markdown.
pub fn markdown(p: &Profile) -> String {
    let w = words(p.lang);
    let cell = |s: &str| crate::text::escape(s).replace('|', "\\|");
    let label = |id: &str, name: &str| {
        if id == name {
            cell(id)
        } else {
            format!("{} {}", cell(id), cell(name))
        }
    };
    let mut out = String::new();
    let _ = writeln!(out, "# {}: {}\n", w.title, cell(&p.trainee));
    if p.sessions.is_empty() {
        let _ = writeln!(out, "{}", w.no_sessions);
        return out;
    }
    let _ = writeln!(out, "## {}\n", w.competency);
    let _ = writeln!(
        out,
        "| {} | {} | % | {} | {} |",
        w.competency, w.points, w.trend, w.last
    );
    let _ = writeln!(out, "|---|---|---|---|---|");
    for c in &p.competencies {
        let _ = writeln!(
            out,
            "| {} | {}/{} | {}% | {} | {} |",
            label(&c.id, &c.name),
            c.earned,
            c.max,
            c.percent,
            p.trend_text(c),
            cell(&p.last_text(c)),
        );
    }
    let _ = writeln!(out, "\n## {}\n", w.weakest);
    if p.weakest.is_empty() {
        let _ = writeln!(out, "{}", w.none_weak);
    }
    for weak in &p.weakest {
        let scenarios: Vec<String> = weak
            .scenarios
            .iter()
            .map(|(id, title)| format!("{} (`{}`)", cell(title), cell(id)))
            .collect();
        let _ = writeln!(
            out,
            "- **{}** — {}%; {}: {}",
            label(&weak.id, &weak.name),
            weak.percent,
            w.trained_by,
            scenarios.join(", ")
        );
    }
    let _ = writeln!(out, "\n## {}\n", w.sessions);
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} |",
        w.date, w.scenario, w.team, w.score, w.outcome
    );
    let _ = writeln!(out, "|---|---|---|---|---|");
    for (i, s) in p.sessions.iter().enumerate() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {}% | {} |",
            p.date(i),
            cell(&s.scenario),
            cell(&s.team),
            s.percent,
            s.outcome
        );
    }
    out
}

/// Colours of the chart's lines (colour-blind-safe Okabe–Ito palette).
const COLOURS: &[(u8, u8, u8)] = &[
    (0, 114, 178),
    (230, 159, 0),
    (0, 158, 115),
    (204, 121, 167),
    (86, 180, 233),
    (213, 94, 0),
    (240, 228, 66),
    (0, 0, 0),
];

/// The chart: each competency's percentage per session, as SVG. The lines, points and grid are
/// drawn by plotters; the labels are SVG text, so the browser's fonts draw both languages.
pub fn chart(p: &Profile) -> String {
    use plotters::prelude::*;
    let (width, height) = (720u32, 300u32);
    let n = p.sessions.len().max(2);
    let mut svg = String::new();
    let mut labels = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let Ok(mut chart) = ChartBuilder::on(&root)
            .margin(16)
            .x_label_area_size(28)
            .y_label_area_size(44)
            .build_cartesian_2d(-0.3f64..(n as f64 - 0.7), 0f64..100f64)
        else {
            return String::new();
        };
        // The grid only: the labels are added below as plain SVG text.
        let _ = chart
            .configure_mesh()
            .x_labels(n.min(12))
            .y_labels(5)
            .x_label_formatter(&|_| String::new())
            .y_label_formatter(&|_| String::new())
            .disable_x_mesh()
            .draw();
        for (k, c) in p.competencies.iter().enumerate() {
            let (r, g, b) = COLOURS[k % COLOURS.len()];
            let colour = RGBColor(r, g, b);
            let points: Vec<(f64, f64)> = c
                .trend
                .iter()
                .map(|&(i, pct)| (i as f64, f64::from(pct)))
                .collect();
            let _ = chart.draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)));
            let _ = chart.draw_series(points.iter().map(|&pt| Circle::new(pt, 4, colour.filled())));
        }
        for y in [0u32, 25, 50, 75, 100] {
            let (px, py) = chart.backend_coord(&(-0.3, f64::from(y)));
            let _ = write!(
                labels,
                r##"<text x="{}" y="{}" text-anchor="end" font-size="12" fill="#333">{y}%</text>"##,
                px - 6,
                py + 4
            );
        }
        let step = p.sessions.len().div_ceil(12).max(1);
        for i in (0..p.sessions.len()).step_by(step) {
            let (px, py) = chart.backend_coord(&(i as f64, 0.0));
            let _ = write!(
                labels,
                r##"<text x="{px}" y="{}" text-anchor="middle" font-size="11" fill="#333">{}</text>"##,
                py + 18,
                html_escape(&p.date(i))
            );
        }
        let _ = root.present();
    }
    let title = format!("<title>{}</title>", html_escape(words(p.lang).chart));
    // The title first (read out by screen readers), the labels last (drawn on top).
    let svg = svg.replacen('>', &format!(r#" role="img">{title}"#), 1);
    match svg.rfind("</svg>") {
        Some(end) => format!("{}{labels}</svg>", &svg[..end]),
        None => svg,
    }
}

fn html_escape(s: &str) -> String {
    maud::html! { (s) }.into_string()
}

/// The profile as HTML to put in a page: the chart, the competencies, the weakest and the
/// sessions (the facilitator console shows it in its own page).
pub fn body(p: &Profile) -> maud::Markup {
    use maud::{PreEscaped, html};
    let w = words(p.lang);
    html! {
        @if p.sessions.is_empty() {
            p { (w.no_sessions) }
        } @else {
            figure.profile-chart {
                (PreEscaped(chart(p)))
                figcaption {
                    (w.chart) ". "
                    @for (k, c) in p.competencies.iter().enumerate() {
                        @let (r, g, b) = COLOURS[k % COLOURS.len()];
                        span.key style=(format!("border-left: 1rem solid rgb({r},{g},{b}); padding-left: .3rem; margin-right: .6rem")) {
                            (c.id)
                        }
                        " "
                    }
                }
            }
            h2 { (w.competency) }
            table {
                thead { tr { th { (w.competency) } th { (w.points) } th { "%" } th { (w.trend) } th { (w.last) } } }
                tbody {
                    @for c in &p.competencies {
                        tr {
                            td { b { (c.id) } @if c.name != c.id { " " (c.name) } }
                            td.num { (c.earned) "/" (c.max) }
                            td.num { (c.percent) "%" }
                            td { (p.trend_text(c)) }
                            td { (p.last_text(c)) }
                        }
                    }
                }
            }
            h2 { (w.weakest) }
            @if p.weakest.is_empty() {
                p { (w.none_weak) }
            }
            ul {
                @for weak in &p.weakest {
                    li {
                        b { (weak.id) @if weak.name != weak.id { " " (weak.name) } }
                        " — " (weak.percent) "%; " (w.trained_by) ": "
                        @for (i, (id, title)) in weak.scenarios.iter().enumerate() {
                            @if i > 0 { ", " }
                            (title) " (" code { (id) } ")"
                        }
                    }
                }
            }
            h2 { (w.sessions) }
            table {
                thead { tr { th { (w.date) } th { (w.scenario) } th { (w.team) } th { (w.score) } th { (w.outcome) } } }
                tbody {
                    @for (i, s) in p.sessions.iter().enumerate() {
                        tr {
                            td { (p.date(i)) }
                            td { (s.scenario) }
                            td { (s.team) }
                            td.num { (s.percent) "%" }
                            td { (s.outcome) }
                        }
                    }
                }
            }
        }
    }
}

/// The page title of a profile.
pub fn title(p: &Profile) -> String {
    format!("{}: {}", words(p.lang).title, p.trainee)
}

/// One printable HTML page, with the chart.
pub fn html(p: &Profile) -> String {
    use maud::{DOCTYPE, PreEscaped, html};
    let lang = match p.lang {
        Lang::En => "en",
        Lang::Ja => "ja",
    };
    html! {
        (DOCTYPE)
        html lang=(lang) {
            head {
                meta charset="utf-8";
                title { (title(p)) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                h1 { (title(p)) }
                (body(p))
            }
        }
    }
    .into_string()
}

const STYLE: &str = "body{font-family:system-ui,'Noto Sans CJK JP',sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111}\
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}\
td.num{text-align:right;white-space:nowrap}th{background:#eee;word-break:keep-all}\
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}\
@media print{body{margin:0;max-width:none}h2{break-after:avoid}tr{break-inside:avoid}}";
