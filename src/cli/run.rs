//! `cyberdrill run`: one bot team plays a scenario to the end, headless.

use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

use serde_json::json;

use super::{EXIT_INVALID, EXIT_OK};
use crate::engine::TeamId;
use crate::report::describe;
use crate::scenario::model::Lang;
use crate::scenario::{self, Scenario};
use crate::scoring::{self, PenaltyKind, Scorecard};
use crate::session::Session;
use crate::session::bots::{self, Idle, Policy, RandomPolicy, Scripted};

/// Loads a scenario and the SHA-256 of its file's bytes; on problems, prints them to stderr
/// and returns `None`.
pub fn load_scenario_with_digest(path: &Path) -> Option<(Arc<Scenario>, String)> {
    let bytes = match crate::files::read_input(path, scenario::limits::MAX_FILE_BYTES, "a scenario")
    {
        Ok(b) => b,
        Err(e) => {
            super::print_error(e);
            return None;
        }
    };
    let checked = scenario::check_bytes(&path.display().to_string(), &bytes);
    match checked.scenario {
        Some(s) => Some((Arc::new(s), crate::replay::record::sha256_hex(&bytes))),
        None => {
            eprint!("{}", super::render_check(&checked));
            None
        }
    }
}

/// A session continuing after turn `turn` of a log recorded with this scenario (the file at
/// `scenario_path`, digest `sha`), and the reference to the log for the new log's header.
pub fn branch(
    s: &Arc<Scenario>,
    scenario_path: &Path,
    sha: &str,
    log_path: &Path,
    turn: u32,
) -> Result<(Session, crate::replay::BranchRef), crate::replay::ReplayError> {
    let log = super::read_log(log_path)?;
    let recorded = &log.header.value.scenario;
    if recorded.sha256 != sha {
        return Err(crate::replay::ReplayError::WrongScenario {
            file: scenario_path.display().to_string(),
            id: recorded.id.clone(),
            expected: recorded.sha256.clone(),
            found: sha.to_owned(),
        });
    }
    let session = Session::from_log(s.clone(), &log, turn)?;
    let from = crate::replay::BranchRef {
        log: log_path.display().to_string(),
        sha256: log.sha256,
        turn,
    };
    Ok((session, from))
}

/// The header of a new replay log of `session`, played on the scenario at `scenario_path`
/// (digest `sha`), branched from a log if `from` says so.
pub fn replay_header(
    scenario_path: &Path,
    sha: &str,
    session: &Session,
    lang: Lang,
    from: Option<crate::replay::BranchRef>,
) -> crate::replay::Header {
    crate::replay::record::header(
        session.scenario(),
        &scenario_path.display().to_string(),
        sha,
        session.seed(),
        session.team_names(),
        lang,
        from,
    )
}

/// Builds the policy named on the command line: `idle`, `random`, `first-choice`,
/// `walkthrough` or an action file.
pub fn policy(name: &str, s: &Scenario, seed: u64) -> Result<Box<dyn Policy>, bots::PlanError> {
    Ok(match name {
        "idle" => Box::new(Idle),
        "random" => Box::new(RandomPolicy::new(seed)),
        "first-choice" => Box::new(bots::FirstChoice::new(seed, crate::engine::TeamId(0))),
        "walkthrough" => Box::new(Scripted::walkthrough(s)),
        file => Box::new(Scripted::new(bots::load_plan(Path::new(file), s)?)),
    })
}

/// The `--json` object for a finished run.
pub fn json_summary(
    s: &Scenario,
    session: &Session,
    team: TeamId,
    policy: &str,
    card: &Scorecard,
) -> serde_json::Value {
    let ending = session.ending(team);
    json!({
        "scenario": s.id,
        "seed": session.seed(),
        "policy": policy,
        "turns": session.turn(team),
        "outcome": scoring::outcome_word(ending.map(|e| e.outcome)),
        "end_reason": ending.map(|e| e.reason),
        "score": {
            "total": card.total,
            "max": card.max,
            "percent": card.percent,
            "grade": card.grade.map(|g| s.grades[g].label.en.clone()),
        },
        "objectives": card.objectives.iter().map(|o| json!({
            "id": s.objectives.key(o.objective),
            "status": o.status,
            "points": o.points,
            "max": o.max,
        })).collect::<Vec<_>>(),
        "learning": scoring::learning_breakdown(s, card).into_iter().map(|(lo, earned, max)| json!({
            "id": s.learning_objectives.key(lo),
            "earned": earned,
            "max": max,
        })).collect::<Vec<_>>(),
        "penalties": card.penalties.iter().map(|p| json!({
            "kind": penalty_word(&p.kind),
            "id": penalty_id(s, &p.kind),
            "count": p.count,
            "points": p.points,
        })).collect::<Vec<_>>(),
    })
}

fn penalty_word(k: &PenaltyKind) -> &'static str {
    match k {
        PenaltyKind::Downtime(_) => "downtime",
        PenaltyKind::CleanIsolation => "clean_isolation",
        PenaltyKind::CleanRebuild => "clean_rebuild",
        PenaltyKind::EvidenceDestroyed => "evidence_destroyed",
        PenaltyKind::Concealment => "concealment",
        PenaltyKind::WrongAnswer => "wrong_answer",
        PenaltyKind::WrongFinding => "wrong_finding",
        PenaltyKind::NeedlessBlock => "needless_block",
        PenaltyKind::Hint(_) => "hint",
    }
}

fn penalty_id(s: &Scenario, k: &PenaltyKind) -> Option<String> {
    match k {
        PenaltyKind::Downtime(f) => Some(s.functions.key(*f).to_owned()),
        PenaltyKind::Hint(h) => Some(s.hints.key(*h).to_owned()),
        _ => None,
    }
}

/// The scorecard as text.
pub fn scorecard_text(s: &Scenario, card: &Scorecard, lang: Lang) -> String {
    let mut out = String::new();
    let grade = card
        .grade
        .map(|g| format!(" — {}", s.grades[g].label.get(lang)))
        .unwrap_or_default();
    out.push_str(&format!(
        "{} {} / {} ({}%){grade}\n",
        describe::tr(lang, "Score:", "得点："),
        card.total,
        card.max,
        card.percent
    ));
    for o in &card.objectives {
        let obj = &s.objectives[o.objective];
        out.push_str(&format!(
            "  {:<14} {:>3}/{:<3} {} — {}\n",
            describe::status(o.status, lang),
            o.points,
            o.max,
            obj.name.get(lang),
            describe::reason(s, &o.reason, lang)
        ));
    }
    for p in &card.penalties {
        out.push_str(&format!(
            "  {:<14} {:>7} {} (×{})\n",
            describe::tr(lang, "penalty", "減点"),
            format!("-{}", p.points),
            describe::penalty(s, &p.kind, lang),
            p.count
        ));
    }
    out
}

/// Arguments of `cyberdrill run`.
pub struct RunArgs {
    /// Scenario file.
    pub scenario: std::path::PathBuf,
    /// Policy name or action file.
    pub policy: String,
    /// Seed.
    pub seed: u64,
    /// Stop after this turn.
    pub turns: Option<u32>,
    /// JSON output.
    pub json: bool,
    /// Language.
    pub lang: Lang,
    /// Replay log to write.
    pub replay: Option<std::path::PathBuf>,
    /// Whether the replay log may replace an existing file.
    pub force: bool,
    /// Log and turn to branch from.
    pub from: Option<(std::path::PathBuf, u32)>,
    /// With `replay`: the history database to record the session in.
    pub history: Option<std::path::PathBuf>,
}

/// Runs the command.
pub fn run(args: &RunArgs, out: &mut dyn Write) -> io::Result<u8> {
    let lang = args.lang;
    let Some((s, sha)) = load_scenario_with_digest(&args.scenario) else {
        return Ok(EXIT_INVALID);
    };
    let (mut session, from) = match &args.from {
        None => (
            Session::new(s.clone(), args.seed, &["bot"]).expect("one named team"),
            None,
        ),
        Some((log_path, turn)) => match branch(&s, &args.scenario, &sha, log_path, *turn) {
            Ok((session, from)) => (session, Some(from)),
            Err(e) => {
                super::print_error(format!("{}: {e}", log_path.display()));
                return Ok(EXIT_INVALID);
            }
        },
    };
    let seed = session.seed();
    let policy_name = args.policy.as_str();
    let mut policy = match policy(policy_name, &s, seed) {
        Ok(p) => p,
        Err(e) => {
            super::print_error(e);
            return Ok(EXIT_INVALID);
        }
    };
    if let Some(path) = &args.replay {
        let header = replay_header(&args.scenario, &sha, &session, lang, from);
        let mut inputs = vec![(args.scenario.as_path(), "scenario")];
        if let Some((log, _)) = &args.from {
            inputs.push((log.as_path(), "replay log"));
        }
        if !matches!(policy_name, "idle" | "random" | "walkthrough") {
            inputs.push((Path::new(policy_name), "action file"));
        }
        let file = match crate::files::create_output(path, args.force, &inputs) {
            Ok(f) => f,
            Err(e @ crate::files::WriteError::Io { .. }) => {
                super::print_error(e);
                return Ok(super::EXIT_FAILURE);
            }
            Err(e) => {
                super::print_error(e);
                return Ok(EXIT_INVALID);
            }
        };
        if let Err(e) = session.record_to(Box::new(file), header) {
            super::print_error(format!("{}: {e}", path.display()));
            return Ok(super::EXIT_FAILURE);
        }
    }
    let team = TeamId(0);
    if let Err(e) = bots::play(&mut session, team, policy.as_mut(), args.turns) {
        super::print_error(e);
        return Ok(super::EXIT_FAILURE);
    }
    // A bot run's seal is unsigned and untimed, so the log depends only on the scenario, the
    // seed and the policy.
    if session.is_recording()
        && let Err(e) = session.seal(None, None)
    {
        super::print_error(e);
        return Ok(super::EXIT_FAILURE);
    }
    if let (Some(db), Some(log)) = (&args.history, &args.replay)
        && let Err(e) =
            crate::history::record_log(db, log, &args.scenario, crate::history::Source::Run)
    {
        super::print_error(format!("the session was not recorded in the history: {e}"));
        return Ok(super::EXIT_FAILURE);
    }
    let card = session.scorecard(team);
    if args.json {
        writeln!(
            out,
            "{}",
            json_summary(&s, &session, team, policy_name, &card)
        )?;
        return Ok(EXIT_OK);
    }
    // The timeline repeats texts from the scenario: escaped as a whole.
    let mut shown = Vec::new();
    let real_out = out;
    let out: &mut dyn Write = &mut shown;
    writeln!(
        out,
        "{} — {} {seed}, {} {policy_name}",
        s.title.get(lang),
        describe::tr(lang, "seed", "シード"),
        describe::tr(lang, "policy", "方針"),
    )?;
    let mut turn = 0;
    for e in session.events(team) {
        if e.turn != turn {
            turn = e.turn;
            writeln!(out, "{} {turn}", describe::tr(lang, "Turn", "ターン"))?;
        }
        let mark = if e.kind.visible() { "  " } else { "  * " };
        writeln!(out, "{mark}{}", describe::event(&s, e, lang))?;
    }
    if session.ending(team).is_none() {
        writeln!(
            out,
            "{}",
            describe::tr(lang, "Stopped before the end.", "終了前に停止した。")
        )?;
    }
    writeln!(
        out,
        "{}",
        describe::tr(
            lang,
            "(* marks what the team could not see: the attacker's side)",
            "（* はチームからは見えなかった攻撃者側の出来事）"
        )
    )?;
    write!(out, "{}", scorecard_text(&s, &card, lang))?;
    super::write_escaped(real_out, &shown)?;
    Ok(EXIT_OK)
}
