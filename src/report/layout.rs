//! The after-action report laid out once: one walk over the report model (the after-action
//! report of one team, or the room report of several) that says what comes where — headings,
//! paragraphs, lists, tables, a summary, a timeline — to a [`Writer`]. `markdown.rs` and
//! `html.rs` are the writers: they decide how each structure looks in their format, never
//! what the report says.

use super::aar::{Report, Room, TeamReport};
use super::describe::{lab, tr};
use crate::scenario::model::Lang;
use crate::scoring::Status;

/// A piece of a paragraph.
pub enum Span<'a> {
    /// Plain text.
    Text(&'a str),
    /// An identifier, set as code.
    Code(&'a str),
}

/// What a cell says besides its text.
#[derive(Default)]
pub enum Aside {
    /// Nothing.
    #[default]
    None,
    /// An explanation of the text, set below it where the format can.
    Note(String),
    /// A word qualifying a figure, set small after it where the format can.
    Qualifier(String),
}

/// A table cell: its text, and what a format with style may show besides.
#[derive(Default)]
pub struct Cell {
    /// The text.
    pub text: String,
    /// A note or a qualifier.
    pub aside: Aside,
    /// How it stands (`met`, `partial`, `missed`) or reads (`num`).
    pub class: Option<&'static str>,
    /// Rows it stands for, this one and the next (the following rows leave it out); 0 is 1.
    pub rows: usize,
}

impl Cell {
    fn class(self, class: Option<&'static str>) -> Self {
        Self { class, ..self }
    }

    fn aside(self, aside: Aside) -> Self {
        Self { aside, ..self }
    }
}

macro_rules! cell_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Cell {
            fn from(text: $t) -> Self {
                Self { text: text.to_string(), ..Self::default() }
            }
        }
    )*};
}
cell_from!(String, &str, &String, u32, i64, usize);

/// A row of cells.
macro_rules! row {
    ($($cell:expr),* $(,)?) => { vec![$(Cell::from($cell)),*] };
}

/// Where the report's structure goes: one implementation per format.
pub trait Writer {
    /// Starts the document; `title` names it (a browser's tab).
    fn begin(&mut self, title: &str);
    /// A heading, 1 (the report) to 3.
    fn heading(&mut self, level: usize, text: &str);
    /// A paragraph; `meta` for facts about the report rather than its content.
    fn paragraph(&mut self, spans: &[Span<'_>], meta: bool);
    /// The figures a reader looks at first: (label, value) each.
    fn summary(&mut self, items: &[(&str, String)]);
    /// A bulleted list.
    fn list(&mut self, items: &[String]);
    /// A table: its header row, then its rows (a row leaves out the cells spanned from above).
    fn table(&mut self, header: &[String], rows: &[Vec<Cell>]);
    /// One turn of the timeline: what the team saw and did, and what it did not see (`unseen`
    /// is the label for that).
    fn turn(&mut self, turn: &str, clock: &str, seen: &[String], unseen: (&str, &[String]));
    /// The document, as written.
    fn finish(self) -> String;
}

/// Writes the report to `w`. Control characters from the scenario or the log (invalid in
/// HTML, and live on a terminal when the report goes to standard output) are written as
/// `\u{…}`.
pub fn render(r: &Report, mut w: impl Writer) -> String {
    walk(r, &mut w);
    crate::text::escape(&w.finish()).into_owned()
}

/// "—" for nothing.
fn opt(n: Option<u32>) -> Cell {
    n.map_or_else(|| "—".into(), Cell::from)
}

/// A name from the log (a team's, a member's) as the report shows it: on one line, shortened.
fn name(name: &str) -> String {
    crate::text::shorten(name, crate::text::SHOWN_CHARS)
}

/// The writer, and the report's language: labels are given in both.
struct Out<'w, W> {
    w: &'w mut W,
    l: Lang,
}

impl<W: Writer> Out<'_, W> {
    fn heading(&mut self, level: usize, en: &str, ja: &str) {
        self.w.heading(level, tr(self.l, en, ja));
    }

    /// A table whose header labels are separated by ` | `.
    fn table(&mut self, en: &str, ja: &str, rows: impl Iterator<Item = Vec<Cell>>) {
        let header: Vec<String> = tr(self.l, en, ja).split(" | ").map(Into::into).collect();
        self.w.table(&header, &rows.collect::<Vec<_>>());
    }
}

fn walk(r: &Report, w: &mut impl Writer) {
    let l = r.lang;
    let o = &mut Out { w, l };
    let title = tr(l, "After-action report", "事後検証報告書");
    o.w.begin(&format!("{title} — {}", r.scenario));
    let h1 = lab(l, "After-action report:", "事後検証報告書：") + &r.scenario;
    o.w.heading(1, &h1);
    let org = lab(l, "Organisation:", "組織：") + &r.organisation;
    let before = format!("{org} · {} ", tr(l, "scenario", "シナリオ"));
    let (seed, minutes) = (
        tr(l, "seed", "シード"),
        lab(l, "minutes per turn:", "1ターンの分数："),
    );
    let after = format!(" · {seed} {} · {minutes}{}", r.seed, r.minutes_per_turn);
    o.w.paragraph(
        &[
            Span::Text(&before),
            Span::Code(&r.scenario_id),
            Span::Text(&after),
        ],
        true,
    );
    if let Some(played) = &r.played {
        o.w.paragraph(&[Span::Text(&played.line(l))], true);
    }
    if let Some(room) = &r.room {
        walk_room(o, r, room);
    }
    for team in &r.teams {
        walk_team(o, team);
    }
    if let Some(epilogue) = &r.epilogue {
        o.heading(2, "Epilogue: the real incident", "後日談：実際の事件では");
        for para in epilogue.split("\n\n") {
            o.w.paragraph(&[Span::Text(para)], false);
        }
    }
}

fn walk_room(o: &mut Out<'_, impl Writer>, r: &Report, room: &Room) {
    o.heading(2, "Room summary", "全体のまとめ");
    let ranking = room.ranking.iter().map(|x| {
        row![
            x.rank,
            name(&x.team),
            x.total,
            x.percent,
            opt(x.contained),
            &x.outcome
        ]
    });
    let header = (
        "# | Team | Score | % | Contained at turn | Outcome",
        "# | チーム | 得点 | % | 封じ込めターン | 結果",
    );
    o.table(header.0, header.1, ranking);

    o.heading(3, "Objectives by team", "チーム別の目標達成");
    let mut header = vec![
        tr(o.l, "Objective", "目標").into(),
        tr(o.l, "Points", "配点").into(),
    ];
    header.extend(r.teams.iter().map(|t| name(&t.name)));
    let num = |n: u32| Cell::from(n).class(Some("num"));
    let matrix = room.matrix.iter().map(|row| {
        let teams = row
            .teams
            .iter()
            .map(|(points, status)| num(*points).aside(Aside::Qualifier(status.clone())));
        row![&row.objective, num(row.max)]
            .into_iter()
            .chain(teams)
            .collect()
    });
    o.w.table(&header, &matrix.collect::<Vec<_>>());

    let (en, ja) = (
        "Time to detect and to contain (turns after the first foothold)",
        "検知・封じ込めまでの時間（最初の侵入からのターン数）",
    );
    o.heading(3, en, ja);
    let times = room.times.iter().map(|t| {
        let techniques = format!("{} / {}", t.techniques_detected, t.techniques_used);
        row![
            name(&t.team),
            opt(t.foothold),
            opt(t.to_detect),
            opt(t.to_contain),
            techniques
        ]
    });
    let header = (
        "Team | First foothold (turn) | Detected after | Contained after | ATT&CK techniques detected",
        "チーム | 最初の侵入（ターン） | 検知まで | 封じ込めまで | 検知したATT&CKテクニック",
    );
    o.table(header.0, header.1, times);

    if !room.differences.is_empty() {
        o.heading(3, "Where decisions differed", "判断が分かれた場面");
        // The turn once for all the teams' rows.
        let differences = room.differences.iter().flat_map(|d| {
            d.teams.iter().enumerate().map(|(i, (team, did))| {
                let turn = (i == 0).then(|| Cell {
                    rows: d.teams.len(),
                    ..d.turn.into()
                });
                turn.into_iter().chain(row![name(team), did]).collect()
            })
        });
        o.table(
            "Turn | Team | Decisions",
            "ターン | チーム | 対応",
            differences,
        );
    }
}

/// The class of an objective's status word.
fn status_class(status: &str, l: Lang) -> Option<&'static str> {
    let classes = [
        (Status::Met, "met"),
        (Status::Partial, "partial"),
        (Status::Missed, "missed"),
    ];
    let mut known = classes.into_iter();
    known
        .find(|(s, _)| super::describe::status(*s, l) == status)
        .map(|(_, class)| class)
}

fn walk_team(o: &mut Out<'_, impl Writer>, t: &TeamReport) {
    let l = o.l;
    o.w.heading(2, &super::describe::team_heading(&name(&t.name), l));
    if !t.members.is_empty() {
        let members: Vec<String> = t.members.iter().map(|m| name(m)).collect();
        let line = lab(l, "Members:", "メンバー：") + &members.join(tr(l, ", ", "、"));
        o.w.paragraph(&[Span::Text(&line)], false);
    }
    let score = format!("{} / {} ({}%)", t.total, t.max, t.percent);
    let mut summary = vec![
        (tr(l, "Outcome", "結果"), t.outcome.clone()),
        (tr(l, "Score", "得点"), score),
    ];
    summary.extend(t.grade.iter().map(|g| (tr(l, "Grade", "評価"), g.clone())));
    o.w.summary(&summary);

    o.heading(3, "Objectives", "評価項目");
    let objectives = t.objectives.iter().map(|x| {
        let status = Cell::from(&x.status).class(status_class(&x.status, l));
        row![
            &x.name,
            status,
            format!("{}/{}", x.points, x.max),
            &x.reason
        ]
    });
    let penalty = || Cell::from(tr(l, "penalty", "減点")).class(Some("missed"));
    let penalties = t.penalties.iter().map(|p| {
        row![
            &p.what,
            penalty(),
            format!("−{}", p.points),
            format!("×{}", p.count)
        ]
    });
    let rows = objectives.chain(penalties);
    o.table(
        "Objective | Result | Points | Why",
        "項目 | 判定 | 得点 | 理由",
        rows,
    );

    if !t.learning.is_empty() {
        o.heading(3, "Learning objectives", "学習目標");
        let rows = t
            .learning
            .iter()
            .map(|x| row![&x.objective, format!("{}/{}", x.earned, x.max)]);
        o.table("Objective | Points", "目標 | 得点", rows);
    }

    if !t.deadlines.is_empty() {
        o.heading(3, "Notification deadlines", "報告期限");
        let rows = t.deadlines.iter().map(|d| {
            let to = Cell::from(&d.stakeholder).aside(Aside::Note(d.basis.clone()));
            row![to, d.started, d.due, opt(d.notified), &d.verdict]
        });
        let header = (
            "To | From turn | Due | Notified | Result",
            "報告先 | 開始 | 期限 | 報告 | 判定",
        );
        o.table(header.0, header.1, rows);
    }

    o.heading(3, "Strengths", "良かった点");
    if t.strengths.is_empty() {
        o.w.list(&[tr(l, "(none this time)", "（今回はなし）").to_owned()]);
    } else {
        o.w.list(&t.strengths);
    }

    o.heading(3, "Areas for improvement", "改善すべき点");
    if t.improvements.is_empty() {
        o.w.paragraph(&[Span::Text(tr(l, "None.", "なし。"))], false);
    } else {
        let rows = t
            .improvements
            .iter()
            .map(|i| row![&i.observation, &i.recommendation, &i.capability]);
        let header = (
            "Observation | Recommendation | Capability",
            "所見 | 推奨事項 | 能力",
        );
        o.table(header.0, header.1, rows);
    }

    o.heading(
        3,
        "Decisions against the reference solution",
        "模範解答との比較",
    );
    let rows = t.decisions.iter().map(|d| {
        row![
            &d.command,
            opt(d.reference_turn),
            opt(d.team_turn),
            &d.verdict
        ]
    });
    o.table(
        "Decision | Reference | Team | Verdict",
        "対応 | 模範 | チーム | 評価",
        rows,
    );

    o.heading(3, "ATT&CK coverage", "ATT&CKカバレッジ");
    if t.attack_coverage.is_empty() {
        let none = tr(
            l,
            "The attacker tried no technique.",
            "攻撃者が試みたテクニックはない。",
        );
        o.w.paragraph(&[Span::Text(none)], false);
    } else {
        let about = tr(
            l,
            "The MITRE ATT&CK techniques the attacker tried, in the order first tried. Used: the turn a stage with it first happened; detected: the turn the team first found or triaged a trace it left; stopped: the turn containment first blocked it.",
            "攻撃者が試みたMITRE ATT&CKのテクニック（初めて試みた順）。実行：そのテクニックの段階が初めて実行されたターン。検知：チームがその痕跡を初めて発見またはトリアージしたターン。阻止：封じ込めによって初めて阻止したターン。",
        );
        o.w.paragraph(&[Span::Text(about)], true);
        let sep = tr(l, "; ", "、");
        // A turn something good happened in (found, blocked) stands out.
        let good = |turn: Option<u32>| opt(turn).class(turn.map(|_| "met"));
        let rows = t.attack_coverage.iter().map(|c| {
            let (tactics, stages) = (c.tactics.join(sep), c.stages.join(sep));
            row![
                tactics,
                &c.technique,
                stages,
                opt(c.used),
                good(c.detected),
                good(c.stopped)
            ]
        });
        let header = (
            "Tactic | Technique | Stages | Used (turn) | Detected (turn) | Stopped (turn)",
            "戦術 | テクニック | 攻撃段階 | 実行（ターン） | 検知（ターン） | 阻止（ターン）",
        );
        o.table(header.0, header.1, rows);
    }

    let (en, ja) = (
        "Timeline: what the team saw and did, and what really happened",
        "時系列：チームが見たこと・行ったこと、実際に起きていたこと",
    );
    o.heading(3, en, ja);
    let unseen = tr(l, "unseen by the team", "チームには見えない");
    for row in &t.timeline {
        let turn = format!("{} {}", tr(l, "Turn", "ターン"), row.turn);
        o.w.turn(&turn, &row.clock, &row.team, (unseen, &row.truth));
    }
}
