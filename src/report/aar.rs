//! The after-action report: what a facilitator hands a trainee's manager. Built from a
//! scenario and each team's event stream (from a verified replay log, or a live session), with
//! every text already in the report's language; `layout.rs` lays it out, for `markdown.rs` and
//! `html.rs` to write.

use serde::Serialize;

use super::describe::{self, tr};
use crate::engine::event::{Event, EventKind};
use crate::scenario::Scenario;
use crate::scenario::model::{AlertId, Command, Lang, ObjectiveKind, Target, Verb};
use crate::scoring::{self, PenaltyKind, Scorecard, Status};

/// A whole report: one or more teams of one session.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The report's language.
    pub lang: Lang,
    /// Scenario title.
    pub scenario: String,
    /// Scenario id.
    pub scenario_id: String,
    /// The organisation.
    pub organisation: String,
    /// The session's seed.
    pub seed: u64,
    /// In-game minutes per turn.
    pub minutes_per_turn: u32,
    /// Per team.
    pub teams: Vec<TeamReport>,
    /// For several teams: ranking and differences.
    pub room: Option<Room>,
    /// The scenario's epilogue: what really happened in the incident it is drawn from.
    pub epilogue: Option<String>,
    /// When and how long it was played, and which version of the scenario (from the log).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub played: Option<Played>,
}

/// When a session was played and on which version of the scenario.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Played {
    /// Start (UTC, RFC 3339), if the log says.
    pub started: Option<String>,
    /// End (UTC, RFC 3339), if the log is sealed with a time.
    pub ended: Option<String>,
    /// Minutes from start to end, when both are known.
    pub minutes: Option<i64>,
    /// The scenario file's SHA-256 (its version).
    pub scenario_sha256: String,
}

impl Played {
    /// From a log's header and seal.
    pub fn of_log(log: &crate::replay::Log) -> Self {
        let (started, ended, seconds) = log.played();
        Self {
            started,
            ended,
            minutes: seconds.map(|s| s / 60),
            scenario_sha256: log.header.value.scenario.sha256.clone(),
        }
    }

    /// One line: "played 2026-12-07 09:00–12:30 UTC (210 min) · scenario version 1a2b3c4d5e6f".
    pub fn line(&self, lang: Lang) -> String {
        let short = |t: &str| t.get(..16).unwrap_or(t).replace('T', " ");
        let mut parts = Vec::new();
        if let Some(start) = &self.started {
            let end = self
                .ended
                .as_deref()
                .map(|e| {
                    if e.get(..10) == start.get(..10) {
                        format!("–{}", e.get(11..16).unwrap_or(""))
                    } else {
                        format!(" – {}", short(e))
                    }
                })
                .unwrap_or_default();
            let minutes = self
                .minutes
                .map(|m| match lang {
                    Lang::En => format!(" ({m} min)"),
                    Lang::Ja => format!("（{m}分）"),
                })
                .unwrap_or_default();
            parts.push(format!(
                "{}{}{end} UTC{minutes}",
                describe::lab(lang, "played", "実施："),
                short(start)
            ));
        }
        parts.push(format!(
            "{}{}",
            describe::lab(lang, "scenario version", "シナリオ版："),
            self.scenario_sha256
                .get(..12)
                .unwrap_or(&self.scenario_sha256)
        ));
        parts.join(" · ")
    }
}

/// One team's part of a report.
#[derive(Debug, Clone, Serialize)]
pub struct TeamReport {
    /// Team name.
    pub name: String,
    /// The people who played it (from the replay log's member lines), in the order they joined.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
    /// How the session ended, as a sentence (or that it had not ended).
    pub outcome: String,
    /// Turns played.
    pub turns: u32,
    /// Score.
    pub total: i64,
    /// Maximum.
    pub max: u32,
    /// Percentage.
    pub percent: u32,
    /// Grade, if the scenario has grades.
    pub grade: Option<String>,
    /// Turn by turn.
    pub timeline: Vec<TimelineRow>,
    /// Decisions against the reference walkthrough.
    pub decisions: Vec<DecisionRow>,
    /// The ATT&CK techniques the attacker tried, in the order first tried.
    pub attack_coverage: Vec<CoverageRow>,
    /// Objectives.
    pub objectives: Vec<ObjectiveRow>,
    /// Penalties.
    pub penalties: Vec<PenaltyRow>,
    /// Notification deadlines.
    pub deadlines: Vec<DeadlineRow>,
    /// Points per learning objective.
    pub learning: Vec<LearningRow>,
    /// What went well.
    pub strengths: Vec<String>,
    /// What to improve, as an improvement plan.
    pub improvements: Vec<ImprovementRow>,
}

/// One turn of the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineRow {
    /// Turn.
    pub turn: u32,
    /// When the turn begins in the story: `from Tue 10:00` when the scenario says when it
    /// starts, else the time since the start, `from +00:30`.
    pub clock: String,
    /// What the team saw and did.
    pub team: Vec<String>,
    /// What really happened on the attacker's side.
    pub truth: Vec<String>,
}

/// One decision compared with the walkthrough.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionRow {
    /// The command.
    pub command: String,
    /// Turn in the walkthrough.
    pub reference_turn: Option<u32>,
    /// Turn the team did it.
    pub team_turn: Option<u32>,
    /// Earlier, same turn, later, missing, extra, or a different answer.
    pub verdict: String,
}

/// One MITRE ATT&CK technique the attacker tried in the run: by a stage that happened, or one
/// that containment blocked when the attacker was ready for it.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageRow {
    /// The tactics of the stages that tried it, by name.
    pub tactics: Vec<String>,
    /// The technique id (`T1566.001`).
    pub technique: String,
    /// The stages that tried it, by name, in the order first tried.
    pub stages: Vec<String>,
    /// The first turn a stage with it happened; none if every try was blocked.
    pub used: Option<u32>,
    /// The first turn the team found, or triaged as malicious, a trace such a stage left.
    pub detected: Option<u32>,
    /// The first turn containment blocked a stage with it.
    pub stopped: Option<u32>,
}

/// One objective.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectiveRow {
    /// Name.
    pub name: String,
    /// Status word.
    pub status: String,
    /// Points earned.
    pub points: u32,
    /// Points available.
    pub max: u32,
    /// Why.
    pub reason: String,
}

/// One penalty.
#[derive(Debug, Clone, Serialize)]
pub struct PenaltyRow {
    /// What for.
    pub what: String,
    /// How many times.
    pub count: u32,
    /// Points lost.
    pub points: u32,
}

/// One notification deadline.
#[derive(Debug, Clone, Serialize)]
pub struct DeadlineRow {
    /// Who.
    pub stakeholder: String,
    /// Why.
    pub basis: String,
    /// Turn the clock started.
    pub started: u32,
    /// Due turn.
    pub due: u32,
    /// Turn notified, if at all.
    pub notified: Option<u32>,
    /// Kept, late or missed.
    pub verdict: String,
}

/// One learning objective's points.
#[derive(Debug, Clone, Serialize)]
pub struct LearningRow {
    /// The learning objective.
    pub objective: String,
    /// Points earned.
    pub earned: u32,
    /// Points available.
    pub max: u32,
}

/// One line of the improvement plan.
#[derive(Debug, Clone, Serialize)]
pub struct ImprovementRow {
    /// What was observed.
    pub observation: String,
    /// What to do about it.
    pub recommendation: String,
    /// The capability (learning objective) it concerns.
    pub capability: String,
}

/// The room summary for several teams.
#[derive(Debug, Clone, Serialize)]
pub struct Room {
    /// Teams, best first.
    pub ranking: Vec<RankRow>,
    /// Each objective's points, team by team (teams in report order).
    pub matrix: Vec<MatrixRow>,
    /// How long each team took to detect and to contain the attacker.
    pub times: Vec<TimesRow>,
    /// Turns where teams did different things (the same things in another order are not).
    pub differences: Vec<DifferenceRow>,
}

/// One objective across the teams.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    /// The objective.
    pub objective: String,
    /// Points available.
    pub max: u32,
    /// Per team (in report order): points earned and the status word.
    pub teams: Vec<(u32, String)>,
}

/// One team's detection and containment times, counted from the attacker's first foothold.
#[derive(Debug, Clone, Serialize)]
pub struct TimesRow {
    /// Team.
    pub team: String,
    /// Turn of the first foothold.
    pub foothold: Option<u32>,
    /// Turns from the foothold to the detection, if the team detected it.
    pub to_detect: Option<u32>,
    /// Turns from the foothold to containment, if the team contained it.
    pub to_contain: Option<u32>,
    /// ATT&CK techniques the attacker used of which the team detected a trace.
    pub techniques_detected: usize,
    /// ATT&CK techniques the attacker used (in stages that happened).
    pub techniques_used: usize,
}

/// One team in the ranking.
#[derive(Debug, Clone, Serialize)]
pub struct RankRow {
    /// Rank (1 is best; equal totals and containment share nothing: ties are broken).
    pub rank: usize,
    /// Team.
    pub team: String,
    /// Score.
    pub total: i64,
    /// Percentage.
    pub percent: u32,
    /// Turn the attacker was contained, if it was.
    pub contained: Option<u32>,
    /// Outcome word.
    pub outcome: String,
}

/// A turn where teams decided differently.
#[derive(Debug, Clone, Serialize)]
pub struct DifferenceRow {
    /// Turn.
    pub turn: u32,
    /// Each team and what it did that turn.
    pub teams: Vec<(String, String)>,
}

/// A team's accepted decisions: (turn, command).
fn decisions(events: &[Event]) -> Vec<(u32, Command)> {
    events
        .iter()
        .filter_map(|e| {
            let command = match &e.kind {
                EventKind::Started { action, target } => Command::Act {
                    action: *action,
                    target: target.clone(),
                },
                EventKind::Answered { inject, choice } => Command::Answer {
                    inject: *inject,
                    choice: *choice,
                },
                EventKind::HintTaken { hint } => Command::Hint(*hint),
                _ => return None,
            };
            Some((e.turn, command))
        })
        .collect()
}

/// What makes two decisions "the same decision" (a findings report is one whatever it says;
/// an answer is one whatever the choice).
fn same_decision(s: &Scenario, a: &Command, b: &Command) -> bool {
    match (a, b) {
        (
            Command::Act {
                action: x,
                target: tx,
            },
            Command::Act {
                action: y,
                target: ty,
            },
        ) => x == y && (tx == ty || s.actions[*x].verb == Verb::SubmitFindings),
        (Command::Answer { inject: x, .. }, Command::Answer { inject: y, .. }) => x == y,
        (Command::Hint(x), Command::Hint(y)) => x == y,
        _ => false,
    }
}

/// Whether the occasion for a reference decision arose in this run: a question that was
/// never asked, or a remedy for a host or an account the attacker never reached, is not a
/// decision the team missed.
fn occasion_arose(s: &Scenario, events: &[Event], reference: &Command) -> bool {
    match reference {
        Command::Answer { inject, .. } => events
            .iter()
            .any(|e| matches!(e.kind, EventKind::Inject { inject: i } if i == *inject)),
        Command::Act { action, target } => match (s.actions[*action].verb, target) {
            (Verb::Reimage | Verb::RestoreBackup, Target::Host(h)) => events.iter().any(|e| {
                matches!(e.kind, EventKind::Foothold { host, .. } | EventKind::Encrypted { host } if host == *h)
            }),
            (Verb::ResetCredentials | Verb::DisableAccount, Target::Account(a)) => {
                events.iter().any(|e| {
                    matches!(e.kind, EventKind::CredentialsStolen { account } if account == *a)
                })
            }
            _ => true,
        },
        Command::Hint(_) | Command::Reply { .. } => true,
    }
}

/// The verdict on a decision taken at `turn`, against the walkthrough's `reference_turn`:
/// a notification within its deadline is in time whatever the walkthrough's turn; a rebuild
/// that wiped evidence not yet imaged is a mistake, not "earlier".
fn timing_verdict(
    s: &Scenario,
    events: &[Event],
    command: &Command,
    turn: u32,
    reference_turn: u32,
    lang: Lang,
) -> String {
    if let Command::Act { action, target } = command {
        let verb = s.actions[*action].verb;
        // The reporting duty this decision answers: of the rules it keeps (a `Notify` of their
        // stakeholder, or their `kept_by` action), the one whose clock started last before it
        // (a follow-up's only once its clock had started), else the first one started.
        let keeps =
            |r: &crate::scenario::model::NotificationRule| r.kept_by_act(s, *action, target);
        let started: Vec<(u32, u32, bool)> = events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::DeadlineStarted { rule, due } if keeps(&s.notifications[rule]) => {
                    Some((e.turn, due, s.notifications[rule].follow_up))
                }
                _ => None,
            })
            .collect();
        let due = started
            .iter()
            .rev()
            .find(|&&(start, _, follow_up)| {
                if follow_up {
                    start < turn
                } else {
                    start <= turn
                }
            })
            .or(started.iter().find(|&&(_, _, follow_up)| !follow_up))
            .map(|&(_, due, _)| due);
        {
            if let Some(due) = due {
                return if turn <= due {
                    match lang {
                        Lang::En => format!("in time (due by turn {due})"),
                        Lang::Ja => format!("期限内（{due}ターン目まで）"),
                    }
                } else {
                    match lang {
                        Lang::En => {
                            format!("{} after the deadline", describe::n(turn - due, "turn"))
                        }
                        Lang::Ja => format!("期限を{}ターン超過", turn - due),
                    }
                };
            }
        }
        // What the rebuild found when it was done (its first rebuild from that turn on).
        if matches!(verb, Verb::Reimage | Verb::RestoreBackup)
            && let Target::Host(h) = target
        {
            let after = |e: &&Event| e.turn >= turn;
            let lost = events.iter().filter(after).find_map(|e| match e.kind {
                EventKind::EvidenceWiped {
                    host,
                    was_compromised,
                    was_imaged,
                } if host == *h => Some(was_compromised && !was_imaged),
                _ => None,
            });
            if lost == Some(true) {
                return tr(
                    lang,
                    "a mistake: done before the disk image, so the attacker's traces on it were lost",
                    "誤り：ディスクイメージの取得前に実施したため、攻撃者の痕跡が失われた",
                )
                .to_owned();
            }
            let clean = events.iter().filter(after).find_map(|e| match e.kind {
                EventKind::Rebuilt {
                    host,
                    was_compromised,
                    was_encrypted,
                } if host == *h => Some(!was_compromised && !was_encrypted),
                _ => None,
            });
            if clean == Some(true) {
                return tr(
                    lang,
                    "a mistake: the host was clean when it was rebuilt",
                    "誤り：再構築の時点でこのホストは侵害されていなかった",
                )
                .to_owned();
            }
        }
    }
    match turn.cmp(&reference_turn) {
        std::cmp::Ordering::Less => match lang {
            Lang::En => format!("{} earlier", describe::n(reference_turn - turn, "turn")),
            Lang::Ja => format!("{}ターン早い", reference_turn - turn),
        },
        std::cmp::Ordering::Equal => tr(lang, "same turn", "同じターン").to_owned(),
        std::cmp::Ordering::Greater => match lang {
            Lang::En => format!("{} later", describe::n(turn - reference_turn, "turn")),
            Lang::Ja => format!("{}ターン遅い", turn - reference_turn),
        },
    }
}

fn compare_with_walkthrough(s: &Scenario, events: &[Event], lang: Lang) -> Vec<DecisionRow> {
    let mut team = decisions(events);
    let mut used = vec![false; team.len()];
    let mut rows = Vec::new();
    for plan in &s.walkthrough {
        for reference in &plan.commands {
            let found = team
                .iter()
                .enumerate()
                .position(|(i, (_, c))| !used[i] && same_decision(s, reference, c));
            let row = match found {
                Some(i) => {
                    used[i] = true;
                    let (turn, command) = &team[i];
                    let verdict = match (reference, command) {
                        (Command::Answer { choice: x, .. }, Command::Answer { choice: y, .. })
                            if x != y =>
                        {
                            tr(lang, "answered differently", "異なる回答").to_owned()
                        }
                        _ => timing_verdict(s, events, command, *turn, plan.turn, lang),
                    };
                    DecisionRow {
                        command: describe::command(s, command, lang),
                        reference_turn: Some(plan.turn),
                        team_turn: Some(*turn),
                        verdict,
                    }
                }
                // Never needed in this run: not a missing decision.
                None if !occasion_arose(s, events, reference) => continue,
                None => DecisionRow {
                    command: describe::command(s, reference, lang),
                    reference_turn: Some(plan.turn),
                    team_turn: None,
                    verdict: tr(lang, "missing", "未実施").to_owned(),
                },
            };
            rows.push(row);
        }
    }
    for (i, (turn, command)) in team.drain(..).enumerate() {
        if !used[i] {
            rows.push(DecisionRow {
                command: describe::command(s, &command, lang),
                reference_turn: None,
                team_turn: Some(turn),
                verdict: tr(lang, "extra", "追加の対応").to_owned(),
            });
        }
    }
    rows
}

/// The ATT&CK techniques of the stages that happened or were blocked, in the order first
/// tried, with what the team detected of each (a trace of such a stage found, or its alert
/// triaged as malicious) and when containment first blocked one.
fn attack_coverage(s: &Scenario, events: &[Event], lang: Lang) -> Vec<CoverageRow> {
    let mut rows: Vec<CoverageRow> = Vec::new();
    for e in events {
        let stage = match e.kind {
            EventKind::StageDone { stage } | EventKind::StageBlocked { stage, .. } => stage,
            EventKind::Found { trace }
            | EventKind::Triaged {
                alert: AlertId::Trace(trace),
                malicious: true,
            } => s.traces[trace].stage,
            _ => continue,
        };
        let st = &s.stages[stage];
        let i = match rows.iter().position(|r| r.technique == st.technique) {
            Some(i) => i,
            None => {
                rows.push(CoverageRow {
                    tactics: Vec::new(),
                    technique: st.technique.clone(),
                    stages: Vec::new(),
                    used: None,
                    detected: None,
                    stopped: None,
                });
                rows.len() - 1
            }
        };
        let row = &mut rows[i];
        let (tactic, name) = (describe::tactic_name(st.tactic, lang), st.name.get(lang));
        if !row.tactics.iter().any(|t| t == tactic) {
            row.tactics.push(tactic.to_owned());
        }
        if !row.stages.iter().any(|n| n == name) {
            row.stages.push(name.to_owned());
        }
        let when = match e.kind {
            EventKind::StageDone { .. } => &mut row.used,
            EventKind::StageBlocked { .. } => &mut row.stopped,
            _ => &mut row.detected,
        };
        when.get_or_insert(e.turn);
    }
    rows
}

fn advice(kind: &ObjectiveKind, lang: Lang) -> &'static str {
    match kind {
        ObjectiveKind::Detect { .. } => tr(
            lang,
            "Triage new high-severity alerts first and confirm a compromise quickly: open the alert, check the host's logs, decide.",
            "重大度の高い新着アラートを最優先でトリアージし、ホストのログを確認して侵害を早期に確定する。",
        ),
        ObjectiveKind::Contain { .. } => tr(
            lang,
            "Cut the attacker's control as soon as a compromise is confirmed — isolate the host or block its command channel — and investigate afterwards.",
            "侵害を確認したら直ちに攻撃者の制御を断つ（ホストの隔離やC2通信の遮断）。調査はその後でよい。",
        ),
        ObjectiveKind::Prevent(_) => tr(
            lang,
            "Anticipate the attacker's next step and close its path: stolen credentials, lateral-movement routes, exposed services.",
            "攻撃者の次の一手を想定し、経路（盗まれた認証情報、横展開のルート、公開サービス）を先回りして塞ぐ。",
        ),
        ObjectiveKind::PreserveEvidence => tr(
            lang,
            "Take a forensic image before reimaging or restoring a compromised host; wiped evidence is lost to the investigation and to the police.",
            "感染ホストを再構築・復元する前にフォレンジックイメージを取得する。消えた証拠は調査にも警察への相談にも使えない。",
        ),
        ObjectiveKind::Notify(_) => tr(
            lang,
            "Know your notification duties and deadlines before an incident; send a first report early even when facts are incomplete, and follow up.",
            "報告義務と期限を平時から把握しておく。事実が揃っていなくても早めに第一報を入れ、続報で補う。",
        ),
        ObjectiveKind::Restore { .. } => tr(
            lang,
            "Plan recovery with the business: restore critical services from a known-good state and reconnect hosts only once they are clean.",
            "業務部門と復旧計画を立てる。重要業務は健全な状態から復旧し、ホストは安全を確認してから再接続する。",
        ),
        ObjectiveKind::Finding(_) => tr(
            lang,
            "Base the report on evidence: name each compromised host, the entry vector and the data exposed, and say what is still unknown.",
            "報告は証拠に基づいて作成する。侵害ホスト、侵入経路、漏えいしたデータを挙げ、未確定の点は未確定と明記する。",
        ),
        ObjectiveKind::Done { .. } => tr(
            lang,
            "Some decisions are actions with a deadline of their own (a public disclosure, a press statement, cutting a connection): prepare who decides and when, so that they are taken in time.",
            "公表、記者発表、接続の遮断など、期限のある判断がある。誰がいつ判断するかを平時から決めておき、時機を逃さない。",
        ),
        ObjectiveKind::Answer(_) => tr(
            lang,
            "Under pressure from management, the media or customers, decide by the rules and the facts; never agree to hide an incident.",
            "経営層・報道・顧客からの圧力の中でも、規程と事実に基づいて判断する。インシデントの隠蔽には決して同意しない。",
        ),
    }
}

fn penalty_advice(kind: &PenaltyKind, lang: Lang) -> &'static str {
    match kind {
        PenaltyKind::Downtime(_) => tr(
            lang,
            "Weigh each containment step against the business: prefer targeted actions, and restore service as soon as it is safe.",
            "封じ込めの各手段を業務への影響と比べて選ぶ。対象を絞った対応を優先し、安全が確認でき次第業務を再開する。",
        ),
        PenaltyKind::CleanIsolation | PenaltyKind::CleanRebuild => tr(
            lang,
            "Confirm before you cut off or rebuild: act on the hosts the evidence points to, not on every host in reach.",
            "隔離や再構築の前に根拠を確認する。証拠が示すホストを対象にし、手当たり次第に止めない。",
        ),
        PenaltyKind::EvidenceDestroyed => advice(&ObjectiveKind::PreserveEvidence, lang),
        PenaltyKind::Concealment | PenaltyKind::WrongAnswer => advice(
            &ObjectiveKind::Answer(crate::scenario::model::Id::new(0)),
            lang,
        ),
        PenaltyKind::WrongFinding => advice(
            &ObjectiveKind::Finding(crate::scenario::model::FindingField::Entry),
            lang,
        ),
        PenaltyKind::NeedlessBlock => tr(
            lang,
            "Check an address against your own services before blocking it; blocking your own providers stops your own business.",
            "遮断する前に自組織の利用サービスでないか確認する。自組織の委託先を遮断すると自らの業務が止まる。",
        ),
        PenaltyKind::Hint(_) => tr(
            lang,
            "Hints cost points: use them when stuck, and note what they taught you.",
            "ヒントは減点になる。行き詰まったときに使い、そこから学んだことを記録する。",
        ),
    }
}

fn clock(minutes: u32) -> String {
    format!("+{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The team's decision that earned an objective met, as a sentence with its turn, if one did
/// (keeping an attacker's step from happening may need no decision of its own).
fn earned_by(s: &Scenario, events: &[Event], kind: &ObjectiveKind, lang: Lang) -> Option<String> {
    let verb_of = |e: &Event| match &e.kind {
        EventKind::Completed { action, .. } => Some(s.actions[*action].verb),
        _ => None,
    };
    let completed = |verbs: &[Verb]| {
        events
            .iter()
            .find(|e| verb_of(e).is_some_and(|v| verbs.contains(&v)))
    };
    let found: Option<&Event> = match kind {
        ObjectiveKind::Detect { .. } => events.iter().find(|e| {
            matches!(
                e.kind,
                EventKind::Triaged {
                    malicious: true,
                    ..
                }
            )
        }),
        ObjectiveKind::Contain { .. } | ObjectiveKind::Prevent(_) => {
            // The containing action completed last before the attacker lost its hold.
            let contained = events.iter().find_map(|e| match e.kind {
                EventKind::Containment { contained: true } => Some(e.turn),
                _ => None,
            })?;
            events
                .iter()
                .rev()
                .filter(|e| e.turn <= contained)
                .find(|e| {
                    verb_of(e).is_some_and(|v| {
                        matches!(
                            v,
                            Verb::IsolateHost
                                | Verb::IsolateSegment
                                | Verb::BlockAddress
                                | Verb::DisableAccount
                                | Verb::ResetCredentials
                        )
                    })
                })
        }
        ObjectiveKind::PreserveEvidence => completed(&[Verb::ImageDisk]),
        // The report that counted for the rule (a follow-up's, not the first report).
        ObjectiveKind::Notify(rule) => {
            let window = events.iter().find_map(|e| match e.kind {
                EventKind::DeadlineStarted { rule: r, due } if r == *rule => Some((e.turn, due)),
                _ => None,
            });
            let counted = window.and_then(|(start, due)| {
                crate::scoring::facts::Facts::gather(s, events, true)
                    .report_that_counts(s, *rule, start, due)
            });
            events.iter().find(|e| {
                Some(e.turn) == counted
                    && matches!(&e.kind, EventKind::Completed { action, target, .. }
                        if s.notifications[*rule].kept_by_act(s, *action, target))
            })
        }
        ObjectiveKind::Restore { .. } => {
            completed(&[Verb::Reconnect, Verb::ReconnectSegment, Verb::RestoreBackup])
        }
        ObjectiveKind::Finding(_) => completed(&[Verb::SubmitFindings]),
        ObjectiveKind::Answer(inject) => events
            .iter()
            .find(|e| matches!(e.kind, EventKind::Answered { inject: i, .. } if i == *inject)),
        ObjectiveKind::Done { action: a, .. } => events
            .iter()
            .find(|e| matches!(e.kind, EventKind::Completed { action, .. } if action == *a)),
    };
    found.map(|e| {
        let what = describe::event(s, e, lang);
        match lang {
            Lang::En => format!("{what} (turn {})", e.turn),
            Lang::Ja => format!("{what}（{}ターン目）", e.turn),
        }
    })
}

fn team_report(s: &Scenario, name: &str, events: &[Event], lang: Lang) -> (TeamReport, Scorecard) {
    let ended = events.iter().rev().find_map(|e| match e.kind {
        EventKind::Ended { outcome, reason } => Some((e.turn, outcome, reason)),
        _ => None,
    });
    let card = scoring::score(s, events, ended.is_some());
    let turns = events.last().map_or(0, |e| e.turn);
    let outcome = match ended {
        Some((turn, outcome, reason)) => match lang {
            Lang::En => format!("{} (turn {turn})", describe::ending(outcome, reason, lang)),
            Lang::Ja => format!(
                "{}（{turn}ターン目）",
                describe::ending(outcome, reason, lang)
            ),
        },
        None => match lang {
            Lang::En => format!("Not finished (stopped after turn {turns})"),
            Lang::Ja => format!("未終了（{turns}ターン目で中断）"),
        },
    };
    let mut timeline = Vec::new();
    for turn in 1..=turns {
        let of_turn = events.iter().filter(|e| e.turn == turn);
        let (team, truth): (Vec<&Event>, Vec<&Event>) = of_turn.partition(|e| e.kind.visible());
        timeline.push(TimelineRow {
            turn,
            // From the turn's start, as the terminal's debrief says it.
            clock: {
                let minutes = (turn - 1) * s.minutes_per_turn;
                let at = if s.start.is_some() {
                    describe::world_time(s, minutes, lang)
                } else {
                    clock(minutes)
                };
                match lang {
                    Lang::En => format!("from {at}"),
                    Lang::Ja => format!("{at}から"),
                }
            },
            team: team.iter().map(|e| describe::event(s, e, lang)).collect(),
            truth: truth.iter().map(|e| describe::event(s, e, lang)).collect(),
        });
    }
    let objectives = card
        .objectives
        .iter()
        .map(|o| ObjectiveRow {
            name: s.objectives[o.objective].name.get(lang).to_owned(),
            status: describe::status(o.status, lang).to_owned(),
            points: o.points,
            max: o.max,
            reason: describe::reason(s, &o.reason, lang),
        })
        .collect();
    let penalties = card
        .penalties
        .iter()
        .map(|p| PenaltyRow {
            what: describe::penalty(s, &p.kind, lang),
            count: p.count,
            points: p.points,
        })
        .collect();
    let facts = crate::scoring::facts::Facts::gather(s, events, true);
    let deadlines = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::DeadlineStarted { rule, due } => Some((e.turn, rule, due)),
            _ => None,
        })
        .map(|(started, rule, due)| {
            let r = &s.notifications[rule];
            let at = facts.report_that_counts(s, rule, started, due);
            let verdict = match at {
                Some(t) if t <= due => tr(lang, "kept", "期限内"),
                Some(_) => tr(lang, "late", "期限超過"),
                None => tr(lang, "missed", "未報告"),
            };
            DeadlineRow {
                stakeholder: s.stakeholders[r.stakeholder].name.get(lang).to_owned(),
                basis: r.basis.get(lang).to_owned(),
                started,
                due,
                notified: at,
                verdict: verdict.to_owned(),
            }
        })
        .collect();
    let learning = scoring::learning_breakdown(s, &card)
        .into_iter()
        .filter(|&(_, _, max)| max > 0)
        .map(|(lo, earned, max)| LearningRow {
            objective: s.learning_objectives[lo].text.get(lang).to_owned(),
            earned,
            max,
        })
        .collect();
    let capability = |o: &crate::scenario::model::Objective| {
        o.learning
            .first()
            .map(|l| s.learning_objectives[*l].text.get(lang).to_owned())
            .unwrap_or_default()
    };
    let mut strengths = Vec::new();
    let mut improvements = Vec::new();
    for r in &card.objectives {
        let o = &s.objectives[r.objective];
        let line = format!(
            "{} — {}",
            o.name.get(lang),
            describe::reason(s, &r.reason, lang)
        );
        match r.status {
            Status::Met => strengths.push(match earned_by(s, events, &o.kind, lang) {
                // What the team did that earned the points, then what it earned.
                Some(did) => format!("{did} — {} (+{})", o.name.get(lang), r.points),
                None => line,
            }),
            Status::Partial | Status::Missed => improvements.push(ImprovementRow {
                observation: line,
                recommendation: o.advice.as_ref().map_or_else(
                    || advice(&o.kind, lang).to_owned(),
                    |a| a.get(lang).to_owned(),
                ),
                capability: capability(o),
            }),
            Status::NotApplicable | Status::Pending => {}
        }
    }
    // A penalty concerns the capability of the objectives of its kind.
    let penalty_capability = |kind: &PenaltyKind| {
        let wanted = |k: &ObjectiveKind| match kind {
            PenaltyKind::Downtime(_) => matches!(k, ObjectiveKind::Restore { .. }),
            PenaltyKind::CleanIsolation
            | PenaltyKind::CleanRebuild
            | PenaltyKind::NeedlessBlock => {
                matches!(k, ObjectiveKind::Contain { .. })
            }
            PenaltyKind::EvidenceDestroyed => matches!(k, ObjectiveKind::PreserveEvidence),
            PenaltyKind::Concealment => {
                matches!(k, ObjectiveKind::Notify(_) | ObjectiveKind::Answer(_))
            }
            PenaltyKind::WrongAnswer => matches!(k, ObjectiveKind::Answer(_)),
            PenaltyKind::WrongFinding => matches!(k, ObjectiveKind::Finding(_)),
            PenaltyKind::Hint(_) => false,
        };
        s.objectives
            .ids()
            .map(|id| &s.objectives[id])
            .find(|o| wanted(&o.kind) && !o.learning.is_empty())
            .map(capability)
            .unwrap_or_default()
    };
    for p in &card.penalties {
        improvements.push(ImprovementRow {
            observation: format!(
                "{} (×{}, −{})",
                describe::penalty(s, &p.kind, lang),
                p.count,
                p.points
            ),
            recommendation: penalty_advice(&p.kind, lang).to_owned(),
            capability: penalty_capability(&p.kind),
        });
    }
    let report = TeamReport {
        name: name.to_owned(),
        members: Vec::new(),
        outcome,
        turns,
        total: card.total,
        max: card.max,
        percent: card.percent,
        grade: card.grade.map(|g| s.grades[g].label.get(lang).to_owned()),
        timeline,
        decisions: compare_with_walkthrough(s, events, lang),
        attack_coverage: attack_coverage(s, events, lang),
        objectives,
        penalties,
        deadlines,
        learning,
        strengths,
        improvements,
    };
    (report, card)
}

impl Report {
    /// Says when the session was played and on which version of the scenario.
    pub fn with_played(mut self, played: Played) -> Self {
        self.played = Some(played);
        self
    }

    /// Names each team's members (one list per team, in team order).
    pub fn with_members(mut self, members: &[Vec<String>]) -> Self {
        for (team, names) in self.teams.iter_mut().zip(members) {
            team.members.clone_from(names);
        }
        self
    }
}

/// Builds the report for a session's teams (name and events each).
pub fn build(s: &Scenario, seed: u64, teams: &[(&str, &[Event])], lang: Lang) -> Report {
    let mut reports = Vec::new();
    let mut ranking_input = Vec::new();
    for (i, (name, events)) in teams.iter().enumerate() {
        let (report, card) = team_report(s, name, events, lang);
        ranking_input.push((i, card.total, scoring::containment_turn(s, events)));
        reports.push(report);
    }
    let room = (teams.len() > 1).then(|| {
        let order = scoring::rank(&ranking_input);
        let ranking = order
            .iter()
            .enumerate()
            .map(|(place, &i)| {
                let ended = teams[i].1.iter().rev().find_map(|e| match e.kind {
                    EventKind::Ended { outcome, .. } => Some(outcome),
                    _ => None,
                });
                RankRow {
                    rank: place + 1,
                    team: reports[i].name.clone(),
                    total: reports[i].total,
                    percent: reports[i].percent,
                    contained: ranking_input[i].2,
                    outcome: match ended {
                        Some(crate::scenario::model::Outcome::Win) => tr(lang, "win", "勝利"),
                        Some(crate::scenario::model::Outcome::Loss) => tr(lang, "loss", "敗北"),
                        None => tr(lang, "unfinished", "未終了"),
                    }
                    .to_owned(),
                }
            })
            .collect();
        let last = reports.iter().map(|r| r.turns).max().unwrap_or(0);
        let per_team: Vec<Vec<(u32, Command)>> =
            teams.iter().map(|(_, ev)| decisions(ev)).collect();
        let differences = (1..=last)
            .filter_map(|turn| {
                let did: Vec<Vec<&Command>> = per_team
                    .iter()
                    .map(|d| {
                        d.iter()
                            .filter(|(t, _)| *t == turn)
                            .map(|(_, c)| c)
                            .collect()
                    })
                    .collect();
                // Compared as sets: the same decisions in another order are the same.
                let sorted: Vec<Vec<String>> = did
                    .iter()
                    .map(|cs| {
                        let mut keys: Vec<String> = cs.iter().map(|c| format!("{c:?}")).collect();
                        keys.sort();
                        keys
                    })
                    .collect();
                let all_same = sorted.windows(2).all(|w| w[0] == w[1]);
                (!all_same).then(|| DifferenceRow {
                    turn,
                    teams: did
                        .iter()
                        .enumerate()
                        .map(|(i, cs)| {
                            let text = if cs.is_empty() {
                                tr(lang, "(nothing)", "（対応なし）").to_owned()
                            } else {
                                cs.iter()
                                    .map(|c| describe::command(s, c, lang))
                                    .collect::<Vec<_>>()
                                    .join("; ")
                            };
                            (reports[i].name.clone(), text)
                        })
                        .collect(),
                })
            })
            .collect();
        let matrix = s
            .objectives
            .ids()
            .enumerate()
            .map(|(k, id)| MatrixRow {
                objective: s.objectives[id].name.get(lang).to_owned(),
                max: s.objectives[id].points,
                teams: reports
                    .iter()
                    .map(|r| {
                        r.objectives
                            .get(k)
                            .map_or((0, String::new()), |o| (o.points, o.status.clone()))
                    })
                    .collect(),
            })
            .collect();
        let times = teams
            .iter()
            .enumerate()
            .map(|(i, (_, events))| {
                let facts = crate::scoring::facts::Facts::gather(s, events, true);
                let foothold = facts.first_foothold;
                let since =
                    |turn: Option<u32>| foothold.zip(turn).map(|(f, t)| t.saturating_sub(f));
                let coverage = &reports[i].attack_coverage;
                let count = |f: fn(&CoverageRow) -> Option<u32>| {
                    coverage.iter().filter(|c| f(c).is_some()).count()
                };
                TimesRow {
                    team: reports[i].name.clone(),
                    foothold,
                    to_detect: since(facts.detected.as_ref().map(|d| d.0)),
                    to_contain: since(foothold.and_then(|f| facts.contained_from(f))),
                    techniques_detected: count(|c| c.detected),
                    techniques_used: count(|c| c.used),
                }
            })
            .collect();
        Room {
            ranking,
            matrix,
            times,
            differences,
        }
    });
    Report {
        lang,
        scenario: s.title.get(lang).to_owned(),
        scenario_id: s.id.clone(),
        organisation: s.org_name.get(lang).to_owned(),
        seed,
        minutes_per_turn: s.minutes_per_turn,
        teams: reports,
        room,
        played: None,
        epilogue: s.debrief.as_ref().map(|t| t.get(lang).to_owned()),
    }
}
