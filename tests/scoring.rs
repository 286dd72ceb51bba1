//! Scoring on hand-built event streams: each objective kind met, partly met, missed and not
//! applicable; each penalty; totals, maxima and grades. The streams use the lab scenario's ids.

use cyberdrill::engine::event::{Event, EventKind};
use cyberdrill::scenario::Scenario;
use cyberdrill::scenario::model::{AlertId, Findings, Privilege, Target};
use cyberdrill::scoring::{PenaltyKind, Reason, Scorecard, Status, score};

use crate::engine::lab;

struct Stream {
    s: std::sync::Arc<Scenario>,
    events: Vec<Event>,
}

impl Stream {
    fn new() -> Self {
        Self {
            s: lab(),
            events: Vec::new(),
        }
    }

    fn at(&mut self, turn: u32, kind: EventKind) -> &mut Self {
        self.events.push(Event { turn, kind });
        self
    }

    fn completed(
        &mut self,
        turn: u32,
        action: &str,
        target: Target,
        compromised: Option<bool>,
    ) -> &mut Self {
        let action = self.s.actions.id(action).unwrap();
        self.at(
            turn,
            EventKind::Completed {
                action,
                target,
                host_was_compromised: compromised,
            },
        )
    }

    fn foothold(&mut self, turn: u32, host: &str) -> &mut Self {
        let host = self.s.hosts.id(host).unwrap();
        self.at(
            turn,
            EventKind::Foothold {
                host,
                level: Privilege::User,
            },
        )
    }

    fn card(&self, ended: bool) -> Scorecard {
        score(&self.s, &self.events, ended)
    }

    fn objective(&self, key: &str, ended: bool) -> (Status, u32, Reason) {
        let id = self.s.objectives.id(key).unwrap();
        let card = self.card(ended);
        let o = card.objectives.iter().find(|o| o.objective == id).unwrap();
        (o.status, o.points, o.reason.clone())
    }

    fn penalty(&self, kind: PenaltyKind) -> Option<(u32, u32)> {
        self.card(true)
            .penalties
            .iter()
            .find(|p| p.kind == kind)
            .map(|p| (p.count, p.points))
    }
}

#[test]
fn nothing_happened_means_not_applicable_not_missed() {
    let st = Stream::new();
    for key in [
        "detect", "contain", "evidence", "tell", "answer", "entry", "hosts", "data", "when",
    ] {
        assert_eq!(st.objective(key, true).0, Status::NotApplicable, "{key}");
    }
    assert_eq!(st.objective("prevent", true).0, Status::Met);
    assert_eq!(
        st.objective("shop-up", true),
        (
            Status::Met,
            10,
            Reason::FunctionUp {
                by_turn: 6,
                was_down: false
            }
        )
    );
    let card = st.card(true);
    assert_eq!(card.max, 20, "only the applicable objectives count");
    assert_eq!((card.total, card.percent), (20, 100));
    // While the session runs, nothing is decided yet.
    assert_eq!(st.objective("prevent", false).0, Status::Pending);
}

#[test]
fn detection_on_time_late_and_never() {
    let waf = AlertId::Trace(lab().traces.id("waf-alert").unwrap());
    let mut st = Stream::new();
    st.foothold(1, "web").at(
        2,
        EventKind::Triaged {
            alert: waf,
            malicious: true,
        },
    );
    assert_eq!(st.objective("detect", true).0, Status::Met);
    let mut late = Stream::new();
    late.foothold(1, "web").at(
        4,
        EventKind::Triaged {
            alert: waf,
            malicious: true,
        },
    );
    assert_eq!(
        late.objective("detect", true).1,
        6,
        "10 points, 2 lost per turn late"
    );
    assert_eq!(late.objective("detect", true).0, Status::Partial);
    let mut never = Stream::new();
    never.foothold(1, "web");
    assert_eq!(
        never.objective("detect", true),
        (Status::Missed, 0, Reason::NotDetected { by_turn: 2 })
    );
    // A triaged false positive is not a detection.
    let noise = AlertId::Noise(lab().noise.id("noise-pc").unwrap());
    never.at(
        2,
        EventKind::Triaged {
            alert: noise,
            malicious: false,
        },
    );
    assert_eq!(never.objective("detect", true).0, Status::Missed);
    // A findings report naming a compromised host is.
    let web = lab().hosts.id("web").unwrap();
    let report = Target::Findings(Box::new(Findings {
        entry: lab().entry_vectors.id("web").unwrap(),
        hosts: vec![web],
        data: vec![],
        first_turn: 1,
        root_cause: None,
    }));
    never.completed(2, "report", report, None);
    assert!(matches!(
        never.objective("detect", true).2,
        Reason::Detected { turn: 2, .. }
    ));
}

#[test]
fn containment_counts_from_the_first_foothold() {
    let mut st = Stream::new();
    st.foothold(1, "web")
        .at(1, EventKind::Containment { contained: false })
        .at(2, EventKind::Containment { contained: true });
    assert_eq!(st.objective("contain", true).0, Status::Met);
    let mut late = Stream::new();
    late.foothold(1, "web")
        .at(1, EventKind::Containment { contained: false })
        .at(3, EventKind::Containment { contained: true });
    assert_eq!(
        late.objective("contain", true),
        (
            Status::Partial,
            5,
            Reason::Contained {
                foothold: 1,
                turn: 3,
                within: 1
            }
        )
    );
    let mut never = Stream::new();
    never
        .foothold(1, "web")
        .at(1, EventKind::Containment { contained: false });
    assert_eq!(never.objective("contain", true).0, Status::Missed);
    // An attacker that never controlled its first foothold (say, on a host already cut off)
    // was contained from the start.
    let mut cut_off = Stream::new();
    cut_off.foothold(2, "pc2");
    assert_eq!(
        cut_off.objective("contain", true),
        (
            Status::Met,
            10,
            Reason::Contained {
                foothold: 2,
                turn: 2,
                within: 1
            }
        )
    );
}

#[test]
fn evidence_is_preserved_only_if_imaged_before_it_is_wiped() {
    let web = lab().hosts.id("web").unwrap();
    let mut kept = Stream::new();
    kept.foothold(1, "web")
        .completed(3, "image", Target::Host(web), Some(true))
        .at(
            5,
            EventKind::EvidenceWiped {
                host: web,
                was_compromised: true,
                was_imaged: true,
            },
        );
    assert_eq!(kept.objective("evidence", true).0, Status::Met);
    assert_eq!(kept.penalty(PenaltyKind::EvidenceDestroyed), None);
    let mut lost = Stream::new();
    lost.foothold(1, "web").at(
        5,
        EventKind::EvidenceWiped {
            host: web,
            was_compromised: true,
            was_imaged: false,
        },
    );
    assert_eq!(
        lost.objective("evidence", true),
        (Status::Missed, 0, Reason::EvidenceLost { hosts: vec![web] })
    );
    assert_eq!(lost.penalty(PenaltyKind::EvidenceDestroyed), Some((1, 5)));
    // A host imaged twice, with another in between, is named once.
    let pc = lab().hosts.id("pc").unwrap();
    let mut twice = Stream::new();
    twice
        .foothold(1, "web")
        .completed(2, "image", Target::Host(web), Some(true))
        .completed(3, "image", Target::Host(pc), Some(true))
        .completed(4, "image", Target::Host(web), Some(true));
    match twice.objective("evidence", true) {
        (Status::Met, _, Reason::EvidenceKept { hosts }) => {
            assert_eq!(hosts.len(), 2, "{hosts:?}");
            assert!(hosts.contains(&web) && hosts.contains(&pc));
        }
        other => panic!("{other:?}"),
    }
    let mut nothing = Stream::new();
    nothing.foothold(1, "web");
    assert_eq!(
        nothing.objective("evidence", true),
        (Status::Missed, 0, Reason::NothingImaged)
    );
}

#[test]
fn notification_in_time_late_missed_and_before_the_trigger() {
    let s = lab();
    let rule = s.notifications.id("tell-boss").unwrap();
    let boss = Target::Stakeholder(s.stakeholders.id("boss").unwrap());
    let mut ok = Stream::new();
    ok.at(2, EventKind::DeadlineStarted { rule, due: 3 })
        .completed(3, "notify", boss.clone(), None);
    assert_eq!(
        ok.objective("tell", true),
        (
            Status::Met,
            10,
            Reason::Notified {
                turn: 3,
                due: 3,
                by: None
            }
        )
    );
    let mut early = Stream::new();
    early
        .completed(1, "notify", boss.clone(), None)
        .at(2, EventKind::DeadlineStarted { rule, due: 3 });
    assert_eq!(
        early.objective("tell", true).0,
        Status::Met,
        "a notification before the trigger counts"
    );
    let mut late = Stream::new();
    late.at(2, EventKind::DeadlineStarted { rule, due: 3 })
        .completed(4, "notify", boss, None);
    assert_eq!(late.objective("tell", true).1, 5, "decay 5 per turn late");
    let mut missed = Stream::new();
    missed.at(2, EventKind::DeadlineStarted { rule, due: 3 });
    assert_eq!(
        missed.objective("tell", true),
        (Status::Missed, 0, Reason::NotNotified { due: 3 })
    );
}

#[test]
fn restoring_a_business_function_by_its_turn() {
    let shop = lab().functions.id("shop").unwrap();
    let mut ok = Stream::new();
    ok.at(2, EventKind::FunctionDown { function: shop })
        .at(5, EventKind::FunctionUp { function: shop });
    assert_eq!(
        ok.objective("shop-up", true),
        (
            Status::Met,
            10,
            Reason::FunctionUp {
                by_turn: 6,
                was_down: true
            }
        )
    );
    assert_eq!(
        ok.penalty(PenaltyKind::Downtime(shop)),
        Some((3, 9)),
        "3 turns down at 3 points"
    );
    let mut late = Stream::new();
    late.at(2, EventKind::FunctionDown { function: shop })
        .at(8, EventKind::FunctionUp { function: shop });
    assert_eq!(
        late.objective("shop-up", true),
        (
            Status::Partial,
            6,
            Reason::FunctionUpLate {
                turn: 8,
                by_turn: 6
            }
        )
    );
    let mut never = Stream::new();
    never.at(2, EventKind::FunctionDown { function: shop }).at(
        9,
        EventKind::Ended {
            outcome: cyberdrill::scenario::model::Outcome::Loss,
            reason: cyberdrill::engine::state::EndReason::TimeLimit,
        },
    );
    assert_eq!(never.objective("shop-up", true).0, Status::Missed);
    assert_eq!(
        never.penalty(PenaltyKind::Downtime(shop)),
        Some((8, 24)),
        "down from the end of turn 2 to the end of turn 9"
    );
    // Up at the deadline but taken down after it and left down: not restored. Taken down
    // after it and brought back: the deadline was kept.
    for (back, status) in [(None, Status::Missed), (Some(9), Status::Met)] {
        let mut after = Stream::new();
        after.at(8, EventKind::FunctionDown { function: shop });
        if let Some(turn) = back {
            after.at(turn, EventKind::FunctionUp { function: shop });
        }
        after.at(
            10,
            EventKind::Ended {
                outcome: cyberdrill::scenario::model::Outcome::Loss,
                reason: cyberdrill::engine::state::EndReason::TimeLimit,
            },
        );
        assert_eq!(
            after.objective("shop-up", true).0,
            status,
            "back at {back:?}"
        );
    }
}

#[test]
fn findings_are_compared_with_the_truth() {
    let s = lab();
    let [web, pc, pc2] = ["web", "pc", "pc2"].map(|h| s.hosts.id(h).unwrap());
    let customers = s.data_sets.id("customers").unwrap();
    let exploit = s.stages.id("exploit-web").unwrap();
    let truth = |st: &mut Stream| {
        st.at(1, EventKind::StageDone { stage: exploit })
            .foothold(1, "web")
            .foothold(2, "pc")
            .at(4, EventKind::Exfiltrated { data: customers });
    };
    let report = |entry: &str, hosts: Vec<_>, data: Vec<_>, first_turn| {
        Target::Findings(Box::new(Findings {
            entry: s.entry_vectors.id(entry).unwrap(),
            hosts,
            data,
            first_turn,
            root_cause: None,
        }))
    };
    let mut right = Stream::new();
    truth(&mut right);
    right.completed(
        5,
        "report",
        report("web", vec![web, pc], vec![customers], 2),
        None,
    );
    for key in ["entry", "hosts", "data", "when"] {
        assert_eq!(right.objective(key, true).0, Status::Met, "{key}");
    }
    assert_eq!(right.penalty(PenaltyKind::WrongFinding), None);

    let mut partly = Stream::new();
    truth(&mut partly);
    partly.completed(
        5,
        "report",
        report("phish", vec![web, pc2], vec![], 4),
        None,
    );
    assert_eq!(partly.objective("entry", true).0, Status::Missed);
    assert_eq!(
        partly.objective("hosts", true),
        (
            Status::Partial,
            3,
            Reason::Finding {
                right: 1,
                wrong: 1,
                missed: 1
            }
        ),
        "10 × 1 right ÷ 3"
    );
    assert_eq!(partly.objective("data", true).0, Status::Missed);
    assert_eq!(
        partly.objective("when", true).0,
        Status::Missed,
        "turn 4 is more than one off turn 1"
    );
    // Wrong entry vector, pc2, and the timeline: three wrong items at 2 points.
    assert_eq!(partly.penalty(PenaltyKind::WrongFinding), Some((3, 6)));

    let mut none = Stream::new();
    truth(&mut none);
    assert_eq!(
        none.objective("hosts", true),
        (Status::Missed, 0, Reason::NoFindings)
    );
}

#[test]
fn answers_right_wrong_unanswered_and_concealment() {
    let s = lab();
    let ask = s.injects.id("ask").unwrap();
    let mut right = Stream::new();
    right.at(1, EventKind::Inject { inject: ask }).at(
        2,
        EventKind::Answered {
            inject: ask,
            choice: 0,
        },
    );
    assert_eq!(right.objective("answer", true).0, Status::Met);
    let mut wrong = Stream::new();
    wrong.at(1, EventKind::Inject { inject: ask }).at(
        2,
        EventKind::Answered {
            inject: ask,
            choice: 1,
        },
    );
    assert_eq!(wrong.objective("answer", true).0, Status::Missed);
    assert_eq!(wrong.penalty(PenaltyKind::Concealment), Some((1, 6)));
    let mut silent = Stream::new();
    silent
        .at(1, EventKind::Inject { inject: ask })
        .at(3, EventKind::QuestionExpired { inject: ask });
    assert_eq!(
        silent.objective("answer", false),
        (Status::Missed, 0, Reason::NotAnswered)
    );
}

/// A wrong answer that is not concealment costs `wrong_answer`; a right one and a concealment
/// one do not (concealment has its own penalty).
#[test]
fn a_plain_wrong_answer_costs_wrong_answer_points() {
    let text = std::fs::read_to_string(crate::util::root().join("tests/fixtures/lab.ron"))
        .unwrap()
        .replacen(
            "(id: \"yes\", concealment: true, text: (en: \"Yes\", ja: \"はい\")),",
            "(id: \"yes\", concealment: true, text: (en: \"Yes\", ja: \"はい\")),\n                (id: \"later\", text: (en: \"Later\", ja: \"後で\")),",
            1,
        )
        .replacen("concealment: 6,", "concealment: 6, wrong_answer: 4,", 1);
    let checked = cyberdrill::scenario::check_bytes("lab.ron", text.as_bytes());
    let s = std::sync::Arc::new(checked.scenario.expect("valid"));
    let ask = s.injects.id("ask").unwrap();
    let card = |choice: usize| {
        let events = [
            Event {
                turn: 1,
                kind: EventKind::Inject { inject: ask },
            },
            Event {
                turn: 2,
                kind: EventKind::Answered {
                    inject: ask,
                    choice,
                },
            },
        ];
        score(&s, &events, true)
    };
    let wrong = |card: &Scorecard| {
        card.penalties
            .iter()
            .find(|p| p.kind == PenaltyKind::WrongAnswer)
            .map(|p| (p.count, p.points))
    };
    assert_eq!(wrong(&card(0)), None, "right");
    assert_eq!(wrong(&card(1)), None, "concealment is not also wrong");
    assert_eq!(wrong(&card(2)), Some((1, 4)), "plain wrong");
}

#[test]
fn penalties_for_clean_hosts_blocks_and_hints() {
    let s = lab();
    let pc2 = s.hosts.id("pc2").unwrap();
    let db = s.hosts.id("db").unwrap();
    let partner = Target::Address(s.addresses.id("partner").unwrap());
    let c2 = Target::Address(s.addresses.id("c2").unwrap());
    let hint = s.hints.id("h1").unwrap();
    let mut st = Stream::new();
    st.completed(2, "isolate", Target::Host(pc2), Some(false))
        .completed(2, "isolate", Target::Host(db), Some(true))
        .at(
            3,
            EventKind::Rebuilt {
                host: pc2,
                was_compromised: false,
                was_encrypted: false,
            },
        )
        // Rebuilding a host the attacker encrypted from elsewhere is not a clean rebuild.
        .at(
            3,
            EventKind::Rebuilt {
                host: db,
                was_compromised: false,
                was_encrypted: true,
            },
        )
        .completed(4, "block", partner, None)
        .completed(4, "block", c2, None)
        .at(5, EventKind::HintTaken { hint });
    assert_eq!(st.penalty(PenaltyKind::CleanIsolation), Some((1, 3)));
    assert_eq!(st.penalty(PenaltyKind::CleanRebuild), Some((1, 4)));
    assert_eq!(st.penalty(PenaltyKind::NeedlessBlock), Some((1, 7)));
    assert_eq!(st.penalty(PenaltyKind::Hint(hint)), Some((1, 5)));
    let card = st.card(true);
    assert_eq!(card.penalty_points(), 3 + 4 + 7 + 5);
    assert_eq!(
        card.total,
        i64::from(card.earned()) - i64::from(card.penalty_points())
    );
}

#[test]
fn totals_can_go_negative_but_percentages_and_grades_do_not() {
    let s = lab();
    let shop = s.functions.id("shop").unwrap();
    let mut st = Stream::new();
    st.foothold(1, "web")
        .at(1, EventKind::Containment { contained: false })
        .at(1, EventKind::FunctionDown { function: shop })
        .at(
            12,
            EventKind::Ended {
                outcome: cyberdrill::scenario::model::Outcome::Loss,
                reason: cyberdrill::engine::state::EndReason::TimeLimit,
            },
        );
    let card = st.card(true);
    assert!(card.total < 0, "{}", card.total);
    assert_eq!(card.percent, 0);
    assert_eq!(card.grade, Some(0));
}

#[test]
fn sums_saturate_in_a_scenario_built_in_code() {
    // The validator limits the scenario's total; one adjusted in code is not validated, and a
    // scorecard over it must not overflow (a debug build would panic).
    let mut s = (*lab()).clone();
    for id in s.objectives.ids() {
        s.objectives[id].points = u32::MAX / 2 + 1;
    }
    let card = score(&s, &[], true);
    assert_eq!(card.max, u32::MAX);
    assert!(card.total >= 0);
    assert!(
        cyberdrill::scoring::learning_breakdown(&s, &card)
            .iter()
            .all(|&(_, earned, max)| earned <= max)
    );
}

/// Each change of the score between two scorecards is listed with its reason: an objective
/// met, a penalty grown; the changes add up to the difference of the totals.
#[test]
fn score_changes_name_each_objective_and_penalty_that_moved() {
    use cyberdrill::scoring::{ScoreItem, changes};
    let s = lab();
    let ask = s.injects.id("ask").unwrap();
    let pc2 = s.hosts.id("pc2").unwrap();
    let mut st = Stream::new();
    st.at(1, EventKind::Inject { inject: ask });
    let before = st.card(false);
    st.at(
        2,
        EventKind::Answered {
            inject: ask,
            choice: 0,
        },
    )
    .completed(2, "isolate", Target::Host(pc2), Some(false));
    let after = st.card(false);
    let list = changes(&before, &after);
    let answer = s.objectives.id("answer").unwrap();
    assert!(list.iter().any(|c| c.item == ScoreItem::Objective(answer)
        && c.points > 0
        && matches!(
            c.objective,
            Some((Status::Met, Reason::Answered { correct: true, .. }))
        )));
    assert!(list.iter().any(
        |c| c.item == ScoreItem::Penalty(PenaltyKind::CleanIsolation)
            && c.points == -3
            && c.count == Some(1)
    ));
    assert_eq!(
        list.iter().map(|c| c.points).sum::<i64>(),
        after.total - before.total
    );
    assert!(changes(&after, &after).is_empty());
    let line = cyberdrill::report::describe::score_change(
        &s,
        list.iter()
            .find(|c| c.item == ScoreItem::Penalty(PenaltyKind::CleanIsolation))
            .unwrap(),
        cyberdrill::scenario::model::Lang::En,
    );
    assert!(line.starts_with("−3 "), "{line}");
}

/// The session explains every turn's score: the changes of each turn add up to the turn's
/// difference, and all turns together to the final total.
#[test]
fn every_turn_of_a_session_explains_its_score() {
    use cyberdrill::engine::TeamId;
    use cyberdrill::session::bots::Scripted;
    let tutorial = cyberdrill::scenario::load(&crate::util::root().join("scenarios/tutorial.ron"))
        .unwrap()
        .0;
    for s in [lab(), std::sync::Arc::new(tutorial)] {
        let session = crate::util::played(&s, 3, "t", &mut Scripted::walkthrough(&s));
        let last = session.turn(TeamId(0));
        let mut sum = 0;
        for turn in 1..=last {
            let (before, after) = session.scores_around(TeamId(0), turn);
            let changes = session.score_changes(TeamId(0), turn);
            let moved: i64 = changes.iter().map(|c| c.points).sum();
            assert_eq!(moved, after.total - before.total, "{} turn {turn}", s.id);
            sum += moved;
        }
        assert_eq!(sum, session.scorecard(TeamId(0)).total, "{}", s.id);
    }
}

/// A duty arises from what really happened: a team that never finds the trace that starts the
/// reporting clock still owes the report from the turn the trace was left, and its maximum is
/// the same as a team that found it. Not applicable only if the stage never happened.
#[test]
fn a_notification_duty_arises_from_what_happened_not_from_what_the_team_found() {
    let s = lab();
    let exploit = s.stages.id("exploit-web").unwrap();
    let boss = s.stakeholders.id("boss").unwrap();
    let mut unseen = Stream::new();
    unseen.at(1, EventKind::StageDone { stage: exploit });
    assert_eq!(
        unseen.objective("tell", true),
        (Status::Missed, 0, Reason::NotNotified { due: 2 })
    );
    let mut told = Stream::new();
    told.at(1, EventKind::StageDone { stage: exploit })
        .completed(2, "notify", Target::Stakeholder(boss), None);
    assert_eq!(
        told.objective("tell", true),
        (
            Status::Met,
            10,
            Reason::Notified {
                turn: 2,
                due: 2,
                by: None
            }
        )
    );
    assert_eq!(unseen.card(true).max, told.card(true).max);
    let quiet = Stream::new();
    assert_eq!(
        quiet.objective("tell", true),
        (Status::NotApplicable, 0, Reason::NoDuty)
    );
}

/// A question that never came because the team did not do what brings it (here: it never
/// told the boss, though a duty to do so arose) counts as unanswered, not as not applicable.
#[test]
fn a_question_avoided_by_not_keeping_a_duty_counts_as_unanswered() {
    let text = std::fs::read_to_string(crate::util::root().join("tests/fixtures/lab.ron"))
        .unwrap()
        .replacen(
            "(id: \"ask\", trigger: Turn(1),",
            "(id: \"ask\", trigger: Notified(\"boss\"),",
            1,
        );
    let checked = cyberdrill::scenario::check_bytes("lab.ron", text.as_bytes());
    let s = std::sync::Arc::new(checked.scenario.expect("valid"));
    let exploit = s.stages.id("exploit-web").unwrap();
    let answer = s.objectives.id("answer").unwrap();
    let judged = |events: &[Event]| {
        let card = score(&s, events, true);
        let o = card
            .objectives
            .iter()
            .find(|o| o.objective == answer)
            .unwrap();
        (o.status, o.reason.clone())
    };
    // The duty to tell the boss arose at turn 1 (due turn 2): the question would have come.
    let avoided = [
        Event {
            turn: 1,
            kind: EventKind::StageDone { stage: exploit },
        },
        Event {
            turn: 3,
            kind: EventKind::Containment { contained: false },
        },
    ];
    assert_eq!(
        judged(&avoided),
        (Status::Missed, Reason::NeverBrought { turn: 2 })
    );
    // Nothing happened: nothing to tell, no question.
    assert_eq!(
        judged(&[Event {
            turn: 3,
            kind: EventKind::Containment { contained: true },
        }]),
        (Status::NotApplicable, Reason::NotAsked)
    );
}

/// Containment is judged over every foothold the attacker gains control of: a foothold
/// regained after containment, or a later wave, must be contained too, and costs the points
/// while it is held.
#[test]
fn containment_is_judged_over_every_foothold() {
    use cyberdrill::scoring::{ScoreItem, changes};
    let base = || {
        let mut st = Stream::new();
        st.foothold(1, "web")
            .at(1, EventKind::Containment { contained: false })
            .at(2, EventKind::Containment { contained: true });
        st
    };
    // A second wave at turn 5, held to the end: missed, however well the first was handled.
    let mut held = base();
    held.foothold(5, "pc2")
        .at(5, EventKind::Containment { contained: false })
        .at(
            10,
            EventKind::Ended {
                outcome: cyberdrill::scenario::model::Outcome::Loss,
                reason: cyberdrill::engine::state::EndReason::TimeLimit,
            },
        );
    assert_eq!(
        held.objective("contain", true),
        (Status::Missed, 0, Reason::NotContained { foothold: 5 })
    );
    // While it is held the points are gone, and the turn's score changes say so.
    let before = base().card(false);
    let after = held.card(false);
    let contain = held.s.objectives.id("contain").unwrap();
    assert!(
        changes(&before, &after)
            .iter()
            .any(|c| c.item == ScoreItem::Objective(contain)
                && c.points == -10
                && matches!(c.objective, Some((Status::Pending, _))))
    );
    // Contained two turns late: partly met, judged by the worst foothold.
    let mut late = base();
    late.foothold(5, "pc2")
        .at(5, EventKind::Containment { contained: false })
        .at(7, EventKind::Containment { contained: true });
    assert_eq!(
        late.objective("contain", true),
        (
            Status::Partial,
            5,
            Reason::Contained {
                foothold: 5,
                turn: 7,
                within: 1
            }
        )
    );
    // Contained in time: met.
    let mut quick = base();
    quick
        .foothold(5, "pc2")
        .at(5, EventKind::Containment { contained: false })
        .at(6, EventKind::Containment { contained: true });
    assert_eq!(quick.objective("contain", true).0, Status::Met);
}

/// A choice can be right under a condition: the same answer is right when the data was stolen
/// before it was given and wrong when it was not, and the debrief says why.
#[test]
fn an_answer_can_be_right_under_a_condition() {
    let text = std::fs::read_to_string(crate::util::root().join("tests/fixtures/lab.ron"))
        .unwrap()
        .replacen(
            "(id: \"no\", correct: true, text: (en: \"No\", ja: \"いいえ\")),",
            "(id: \"no\", right_if: DataExfiltrated(\"customers\"), text: (en: \"No\", ja: \"いいえ\")),",
            1,
        );
    let checked = cyberdrill::scenario::check_bytes("lab.ron", text.as_bytes());
    let s = std::sync::Arc::new(checked.scenario.expect("valid"));
    let ask = s.injects.id("ask").unwrap();
    let customers = s.data_sets.id("customers").unwrap();
    let answer = s.objectives.id("answer").unwrap();
    let status = |stolen: bool| {
        let mut events = vec![Event {
            turn: 1,
            kind: EventKind::Inject { inject: ask },
        }];
        if stolen {
            events.push(Event {
                turn: 1,
                kind: EventKind::Exfiltrated { data: customers },
            });
        }
        events.push(Event {
            turn: 2,
            kind: EventKind::Answered {
                inject: ask,
                choice: 0,
            },
        });
        let card = score(&s, &events, true);
        card.objectives
            .iter()
            .find(|o| o.objective == answer)
            .unwrap()
            .status
    };
    assert_eq!(status(true), Status::Met);
    assert_eq!(status(false), Status::Missed);
    let cond = s.injects[ask].question.as_ref().unwrap().choices[0]
        .right_if
        .clone()
        .unwrap();
    let why = cyberdrill::report::describe::right_if(
        &s,
        &cond,
        true,
        cyberdrill::scenario::model::Lang::En,
    );
    assert!(why.starts_with("Right this time"), "{why}");
    // The objective's reason, in every report and debrief, says so too.
    let events = [
        Event {
            turn: 1,
            kind: EventKind::Inject { inject: ask },
        },
        Event {
            turn: 2,
            kind: EventKind::Answered {
                inject: ask,
                choice: 0,
            },
        },
    ];
    let card = score(&s, &events, true);
    let o = card
        .objectives
        .iter()
        .find(|o| o.objective == answer)
        .unwrap();
    let reason =
        cyberdrill::report::describe::reason(&s, &o.reason, cyberdrill::scenario::model::Lang::En);
    assert!(reason.contains("Not right this time"), "{reason}");
    // Both `correct` and `right_if` is an error.
    let both = text.replacen(
        "(id: \"no\", right_if:",
        "(id: \"no\", correct: true, right_if:",
        1,
    );
    assert!(!cyberdrill::scenario::check_bytes("lab.ron", both.as_bytes()).is_valid());
}
