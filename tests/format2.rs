//! Scenario format 2's mechanics, each on the engine lab (`tests/fixtures/lab.ron`) turned to
//! format 2 with the few lines it needs: undoing containment, messages that tell and that add
//! monitoring, duties kept by actions and follow-up reports, `Done` objectives, the internet
//! path, goals that do not end the session, answers that act, copies of data, sets of targets.

use std::sync::Arc;

use cyberdrill::engine::event::{Cause, EventKind, Refusal};
use cyberdrill::engine::state::EndReason;
use cyberdrill::scenario::Scenario;
use cyberdrill::scenario::model::Outcome;
use cyberdrill::session::Session;

use crate::engine::{Lab, T, cmd, has, lab};
use crate::util::root;

/// The lab in format 2, with each `(find, replace)` applied (each `find` occurs once).
pub fn lab_v2(edits: &[(&str, &str)]) -> Arc<Scenario> {
    let mut text = std::fs::read_to_string(root().join("tests/fixtures/lab.ron"))
        .unwrap()
        .replacen("format: 1,", "format: 2,", 1);
    for (find, replace) in edits {
        assert_eq!(text.matches(find).count(), 1, "`{find}` must occur once");
        text = text.replacen(find, replace, 1);
    }
    let checked = cyberdrill::scenario::check_bytes("lab.ron", text.as_bytes());
    let problems: Vec<String> = checked.problems.iter().map(|p| p.message.clone()).collect();
    Arc::new(checked.scenario.unwrap_or_else(|| panic!("{problems:?}")))
}

impl Lab {
    pub fn of(s: Arc<Scenario>, seed: u64) -> Self {
        let session = Session::new(s.clone(), seed, &["team"]).unwrap();
        Self { s, session }
    }
}

const UNDO_ACTIONS: (&str, &str) = (
    r#"(id: "press", verb: PressStatement"#,
    r#"(id: "unblock", verb: UnblockAddress, cost: 1, name: (en: "Unblock", ja: "遮断解除")),
        (id: "enable", verb: EnableAccount, cost: 1, name: (en: "Enable", ja: "有効化")),
        (id: "unmitigate", verb: Unmitigate, cost: 1, name: (en: "Unmitigate", ja: "防御設定解除")),
        (id: "press", verb: PressStatement"#,
);

#[test]
fn every_containment_step_has_its_undo_and_undoing_nothing_is_refused() {
    let mut lab = Lab::of(lab_v2(&[UNDO_ACTIONS]), 1);
    let orders = lab.s.functions.id("orders").unwrap();
    let svc = lab.s.accounts.id("svc").unwrap();
    let c2 = lab.s.addresses.id("c2").unwrap();
    let waf = lab.s.mitigations.id("waf-rule").unwrap();
    lab.turn(&[]);
    let events = lab.turn(&[
        r#"Act("disable", Account("svc"))"#,
        r#"Act("block", Address("c2"))"#,
        r#"Act("mitigate", Mitigation("waf-rule"))"#,
    ]);
    assert!(has(&events, |e| *e
        == EventKind::FunctionDown { function: orders }));
    let view = lab.session.view(T);
    assert!(view.assets.accounts[svc.index()].disabled);
    assert!(view.assets.blocked[c2.index()]);
    assert!(view.assets.mitigated[waf.index()]);
    let events = lab.turn(&[
        r#"Act("enable", Account("svc"))"#,
        r#"Act("unblock", Address("c2"))"#,
        r#"Act("unmitigate", Mitigation("waf-rule"))"#,
    ]);
    assert!(has(&events, |e| *e
        == EventKind::FunctionUp { function: orders }));
    let view = lab.session.view(T);
    assert!(!view.assets.accounts[svc.index()].disabled);
    assert!(!view.assets.blocked[c2.index()]);
    assert!(!view.assets.mitigated[waf.index()]);
    let events = lab.turn(&[
        r#"Act("enable", Account("svc"))"#,
        r#"Act("unblock", Address("c2"))"#,
        r#"Act("unmitigate", Mitigation("waf-rule"))"#,
    ]);
    for reason in [
        Refusal::NotDisabled,
        Refusal::NotBlocked,
        Refusal::NotMitigated,
    ] {
        assert!(
            has(
                &events,
                |e| matches!(e, EventKind::Refused { reason: r, .. } if *r == reason)
            ),
            "{reason:?} in {events:?}"
        );
    }
}

#[test]
fn a_message_that_reveals_hands_over_evidence_and_counts_as_detection() {
    let s = lab_v2(&[(
        r#"(id: "late-news","#,
        r#"(id: "csirt", trigger: StageDone("exploit-web"), channel: Phone, from: "ir",
            subject: (en: "CSIRT call", ja: "CSIRTからの電話"), body: (en: "Your web server", ja: "Webサーバ"),
            reveals: [Address("scanner"), Host("web"), Trace("webshell"), Trace("db-log")]),
        (id: "late-news","#,
    )]);
    let mut lab = Lab::of(s, 1);
    let events = lab.turn(&[]);
    let webshell = lab.s.traces.id("webshell").unwrap();
    let db_log = lab.s.traces.id("db-log").unwrap();
    let web = lab.host("web");
    let csirt = lab.s.injects.id("csirt").unwrap();
    let inject = events
        .iter()
        .position(|e| *e == EventKind::Inject { inject: csirt })
        .expect("the call arrives in the turn the web server falls");
    assert_eq!(events[inject + 1], EventKind::Found { trace: webshell });
    let view = lab.session.view(T);
    assert_eq!(view.evidence.traces[webshell.index()].found_at, Some(1));
    // Evidence of a stage that has not happened is not handed over.
    assert_eq!(view.evidence.traces[db_log.index()].found_at, None);
    assert!(view.knowledge.hosts[web.index()].confirmed);
    let scanner = lab.s.addresses.id("scanner").unwrap();
    assert!(view.knowledge.known_addresses[scanner.index()]);
    let card = lab.session.scorecard(T);
    let detect = lab.s.objectives.id("detect").unwrap();
    assert_eq!(
        card.objectives[detect.index()].reason,
        cyberdrill::scoring::Reason::Detected {
            turn: 1,
            by_turn: 2,
            how: cyberdrill::scoring::facts::Detection::Told
        }
    );
    // The address it named can be blocked at once.
    let events = lab.turn(&[r#"Act("block", Address("scanner"))"#]);
    assert!(!has(&events, |e| matches!(e, EventKind::Refused { .. })));
}

#[test]
fn a_duty_can_be_kept_by_an_action_and_a_follow_up_needs_a_report_after_its_trigger() {
    let s = lab_v2(&[
        (
            "notifications: [",
            r#"notifications: [
        (id: "tell-public", stakeholder: "ir", trigger: TraceFound("waf-alert"), within: 2,
            kept_by: "press", basis: (en: "Disclosure", ja: "公表")),
        (id: "final", stakeholder: "boss", trigger: FindingsSubmitted, within: 1, follow_up: true,
            basis: (en: "Final report", ja: "最終報告")),"#,
        ),
        (
            "objectives: [\n",
            r#"objectives: [
            (id: "final-report", name: (en: "Final", ja: "最終"), points: 10, kind: Notify("final")),
            (id: "public", name: (en: "Public", ja: "公表"), points: 10, kind: Notify("tell-public")),"#,
        ),
    ]);
    let rule = |key: &str| s.notifications.id(key).unwrap();
    let (public, final_rule) = (rule("tell-public"), rule("final"));
    for follow_up in [true, false] {
        let mut lab = Lab::of(s.clone(), 1);
        lab.turn(&[]);
        let events = lab.turn(&[
            r#"Act("triage", Alert("waf-alert"))"#,
            r#"Act("notify", Stakeholder("boss"))"#,
            r#"Act("hire", Stakeholder("ir"))"#,
        ]);
        assert!(has(
            &events,
            |e| matches!(e, EventKind::DeadlineStarted { rule, .. } if *rule == public)
        ));
        assert!(
            !has(&events, |e| *e == EventKind::DeadlineKept { rule: public }),
            "notifying the stakeholder does not keep a duty kept by an action"
        );
        let events = lab.turn(&[
            r#"Act("press", Org)"#,
            r#"Act("report", Findings(entry: "web", hosts: ["web"], data: [], first_turn: 1))"#,
        ]);
        assert!(has(&events, |e| *e == EventKind::DeadlineKept { rule: public }));
        assert!(
            !has(&events, |e| *e
                == EventKind::DeadlineKept { rule: final_rule }),
            "the boss was told before the report: a follow-up needs a new report"
        );
        let events = lab.turn(if follow_up {
            &[r#"Act("notify", Stakeholder("boss"))"#]
        } else {
            &[]
        });
        let kept = EventKind::DeadlineKept { rule: final_rule };
        let missed = EventKind::DeadlineMissed { rule: final_rule };
        assert_eq!(has(&events, |e| *e == kept), follow_up);
        assert_eq!(has(&events, |e| *e == missed), !follow_up);
        let card = lab.session.scorecard(T);
        let objective = lab.s.objectives.id("final-report").unwrap();
        assert_eq!(
            card.objectives[objective.index()].points,
            if follow_up { 10 } else { 0 }
        );
        // Kept by the statement, and said so.
        let public = lab.s.objectives.id("public").unwrap();
        let reason = &card.objectives[public.index()].reason;
        assert_eq!(
            *reason,
            cyberdrill::scoring::Reason::Notified {
                turn: 3,
                due: 4,
                by: lab.s.actions.id("press")
            }
        );
        assert!(
            cyberdrill::report::describe::reason(
                &lab.s,
                reason,
                cyberdrill::scenario::model::Lang::En
            )
            .starts_with("Press at turn 3")
        );
    }
}

#[test]
fn a_done_objective_counts_the_action_by_its_deadline_after_and_before_what_it_names() {
    let s = lab_v2(&[(
        "objectives: [\n",
        r#"objectives: [
            (id: "disclose", name: (en: "Disclose", ja: "公表"), points: 10, decay: 4,
                kind: Done(action: "press", by_turn: 3, after: StageDone("exploit-web"))),
            (id: "early", name: (en: "Early", ja: "早期"), points: 10,
                kind: Done(action: "press", before: StageDone("pivot"))),"#,
    )]);
    let objective = |key: &str| s.objectives.id(key).unwrap().index();
    let (disclose, early) = (objective("disclose"), objective("early"));
    // Pressed in turn 2 (with the pivot, before the attacker moved), 3, 4, or never.
    for (press_turn, disclose_points, early_points) in
        [(2, 10, 10), (3, 10, 0), (4, 6, 0), (0, 0, 0)]
    {
        let mut lab = Lab::of(s.clone(), 1);
        for turn in 1..=5 {
            lab.turn(if turn == press_turn {
                &[r#"Act("press", Org)"#]
            } else {
                &[]
            });
        }
        let card = lab.session.scorecard(T);
        assert_eq!(
            card.objectives[early].points, early_points,
            "press at {press_turn}: {:?}",
            card.objectives[early]
        );
        if press_turn == 0 {
            // Not done yet, with points still to be had late: not decided.
            assert_eq!(
                card.objectives[disclose].status,
                cyberdrill::scoring::Status::Pending
            );
        } else {
            assert_eq!(
                card.objectives[disclose].points, disclose_points,
                "press at {press_turn}"
            );
        }
    }
}

#[test]
fn an_action_disrupts_its_functions_in_its_last_turn_too_from_rules_4() {
    use cyberdrill::engine::{Engine, TeamId};
    let s = lab();
    let orders = s.functions.id("orders").unwrap();
    for (rules, down) in [(cyberdrill::engine::RULES, true), (3, false)] {
        let mut engine = Engine::with_rules(s.clone(), rules).unwrap();
        let team = engine.add_team(1);
        assert_eq!(team, TeamId(0));
        engine.step_all();
        engine.submit(team, [cmd(&s, r#"Act("wipe-logs", Host("db"))"#)]);
        engine.step_all();
        let went_down = engine
            .events(team)
            .iter()
            .any(|e| e.turn == 2 && e.kind == EventKind::FunctionDown { function: orders });
        assert_eq!(went_down, down, "rules {rules}");
    }
}

#[test]
fn cutting_the_internet_cuts_command_channels_and_what_needs_the_internet_from_rules_4() {
    use cyberdrill::engine::Engine;
    let s = lab_v2(&[(
        r#"depends_on: ["web"], outage_cost: 3),"#,
        r#"depends_on: ["web"], outage_cost: 3, needs_internet: true),"#,
    )]);
    let pivot = s.stages.id("pivot").unwrap();
    let shop = s.functions.id("shop").unwrap();
    for (rules, cut) in [(cyberdrill::engine::RULES, true), (3, false)] {
        let mut engine = Engine::with_rules(s.clone(), rules).unwrap();
        let team = engine.add_team(1);
        engine.step_all();
        engine.submit(
            team,
            [cmd(&s, r#"Act("isolate-seg", Segment("internet"))"#)],
        );
        engine.step_all();
        let now: Vec<&EventKind> = engine
            .events(team)
            .iter()
            .filter(|e| e.turn == 2)
            .map(|e| &e.kind)
            .collect();
        let blocked = EventKind::StageBlocked {
            stage: pivot,
            cause: Cause::InternetCut,
        };
        assert_eq!(now.contains(&&blocked), cut, "rules {rules}: {now:?}");
        assert_eq!(
            now.contains(&&EventKind::Containment { contained: true }),
            cut,
            "rules {rules}: the web server's command channel"
        );
        assert_eq!(
            now.contains(&&EventKind::FunctionDown { function: shop }),
            cut,
            "rules {rules}: the shop needs the internet"
        );
    }
}

#[test]
fn a_goal_that_does_not_end_the_session_leaves_the_aftermath_to_play_and_no_win() {
    let find = "chance: 100, goal: true, effects: [Encrypt],";
    for ends in [true, false] {
        let s = lab_v2(&[(
            find,
            &find.replace("goal: true,", &format!("goal: true, ends: {ends},")),
        )]);
        let encrypt = s.stages.id("encrypt").unwrap();
        // The first seed on which the attacker reaches its goal while the team looks on.
        let (lab, reached) = (1..50)
            .find_map(|seed| {
                let mut lab = Lab::of(s.clone(), seed);
                while lab.session.ending(T).is_none() {
                    lab.turn(&[]);
                }
                let reached = lab.session.view(T).attacker.done[encrypt.index()]?;
                Some((lab, reached))
            })
            .expect("a seed on which the database is encrypted");
        let ending = lab.session.ending(T).unwrap();
        assert_eq!(ending.outcome, Outcome::Loss, "ends: {ends}");
        if ends {
            assert_eq!(
                (ending.turn, ending.reason),
                (reached, EndReason::AdversaryGoal)
            );
        } else {
            // Played to the time limit, which the lab scores as a win: the damage was done.
            assert!(reached < lab.s.max_turns);
            assert_eq!(
                (ending.turn, ending.reason),
                (lab.s.max_turns, EndReason::TimeLimit)
            );
        }
    }
}

#[test]
fn an_answer_can_act_on_the_world_at_once() {
    let s = lab_v2(&[(
        r#"(id: "no", correct: true, text: (en: "No", ja: "いいえ")),"#,
        r#"(id: "no", correct: true, text: (en: "No", ja: "いいえ"),
                    effects: [Isolate("web"), Stop("orders", 2)]),"#,
    )]);
    let mut lab = Lab::of(s, 1);
    let orders = lab.s.functions.id("orders").unwrap();
    let pivot = lab.stage("pivot");
    lab.turn(&[]);
    let events = lab.turn(&[r#"Answer("ask", "no")"#]);
    assert!(lab.session.view(T).assets.hosts[lab.host("web").index()].isolated);
    assert!(has(&events, |e| *e
        == EventKind::StageBlocked {
            stage: pivot,
            cause: Cause::Isolated
        }));
    assert!(has(&events, |e| *e
        == EventKind::FunctionDown { function: orders }));
    let events = lab.turn(&[]);
    assert!(!has(&events, |e| *e
        == EventKind::FunctionUp { function: orders }));
    let events = lab.turn(&[]);
    assert!(has(&events, |e| *e
        == EventKind::FunctionUp { function: orders }));
}

#[test]
fn a_mitigation_or_a_message_can_make_monitoring_raise_a_trace() {
    // The pivot's trace comes from a source nobody monitors on the PC.
    let unseen = (
        r#"traces: [(id: "edr-pivot", source: Edr,"#,
        r#"traces: [(id: "edr-pivot", source: Proxy,"#,
    );
    let by_mitigation = (
        r#"(id: "mail-filter", name: (en: "Mail filter", ja: "メールフィルター")),"#,
        r#"(id: "mail-filter", name: (en: "Mail filter", ja: "メールフィルター"), detects: ["edr-pivot"]),"#,
    );
    let by_message = (
        r#"(id: "late-news","#,
        r#"(id: "iocs", trigger: Turn(1), channel: Email, from: "ir", detects: ["edr-pivot"],
            subject: (en: "Indicators", ja: "IoC"), body: (en: "Load these", ja: "登録を")),
        (id: "late-news","#,
    );
    for (edits, commands, raised) in [
        (vec![unseen], vec![], false),
        (
            vec![unseen, by_mitigation],
            vec![r#"Act("mitigate", Mitigation("mail-filter"))"#],
            true,
        ),
        (vec![unseen, by_message], vec![], true),
    ] {
        let mut lab = Lab::of(lab_v2(&edits), 1);
        let trace = lab.s.traces.id("edr-pivot").unwrap();
        lab.turn(&[]);
        let events = lab.turn(&commands);
        assert!(lab.done("pivot").is_some());
        let alert = EventKind::Alert {
            alert: cyberdrill::scenario::model::AlertId::Trace(trace),
        };
        assert_eq!(has(&events, |e| *e == alert), raised, "{edits:?}");
    }
}

#[test]
fn a_stolen_copy_is_the_originals_records_and_a_deleted_copy_cannot_be_stolen() {
    let copy = [
        (
            r#"monitoring: [Edr]),
            (id: "pc2","#,
            r#"monitoring: [Edr], data: ["customers-csv"]),
            (id: "pc2","#,
        ),
        (
            r#"records: 5000)],"#,
            r#"records: 5000),
            (id: "customers-csv", name: (en: "Customer list export", ja: "顧客一覧の書き出し"),
                sensitivity: Personal, records: 5000, copy_of: "customers")],"#,
        ),
        (
            r#"(id: "mail-filter", name: (en: "Mail filter", ja: "メールフィルター")),"#,
            r#"(id: "mail-filter", name: (en: "Mail filter", ja: "メールフィルター")),
            (id: "purge", name: (en: "Delete the export", ja: "書き出しを削除"), removes: ["customers-csv"]),"#,
        ),
        (
            r#"            (id: "dump","#,
            r#"            (id: "grab-copy", name: (en: "Take the export", ja: "書き出しの窃取"),
                tactic: Exfiltration, technique: "T1041", after: ["pivot"], via: Target, target: "pc",
                chance: 100, effects: [Exfiltrate(["customers-csv"])]),
            (id: "dump","#,
        ),
    ];
    let s = lab_v2(&copy);
    let customers = s.data_sets.id("customers").unwrap();
    let export = s.data_sets.id("customers-csv").unwrap();
    let grab = s.stages.id("grab-copy").unwrap();
    // A seed on which the database itself is not robbed by turn 3 (its theft needs a dump of
    // credentials that succeeds one time in two).
    let play = |seed: u64, purge: bool| {
        let mut lab = Lab::of(s.clone(), seed);
        lab.turn(&[]);
        lab.turn(if purge {
            &[r#"Act("mitigate", Mitigation("purge"))"#]
        } else {
            &[]
        });
        let events = lab.turn(&[]);
        (lab, events)
    };
    let seed = (1..40)
        .find(|&seed| {
            let (lab, _) = play(seed, false);
            lab.session.view(T).assets.exfiltrated[customers.index()].is_none()
        })
        .expect("a seed");
    for purge in [false, true] {
        let (mut lab, events) = play(seed, purge);
        let view = lab.session.view(T);
        assert_eq!(
            view.assets.exfiltrated[export.index()].is_some(),
            !purge,
            "purge: {purge}"
        );
        assert_eq!(view.exfiltrated(customers), !purge, "purge: {purge}");
        assert_eq!(
            has(&events, |e| *e
                == EventKind::StageBlocked {
                    stage: grab,
                    cause: Cause::DataGone
                }),
            purge
        );
        if !purge {
            // A report that names the original is right about the stolen copy.
            let events = lab.turn(&[
                r#"Act("report", Findings(entry: "web", hosts: ["web", "pc"], data: ["customers"], first_turn: 1))"#,
            ]);
            assert!(!has(&events, |e| matches!(e, EventKind::Refused { .. })));
            let card = lab.session.scorecard(T);
            let data = lab.s.objectives.id("data").unwrap();
            assert_eq!(
                card.objectives[data.index()].reason,
                cyberdrill::scoring::Reason::Finding {
                    right: 1,
                    wrong: 0,
                    missed: 0
                }
            );
        }
    }
    // Only a copy can be removed, and a copy names its original.
    for (find, replace, message) in [
        (
            r#"removes: ["customers-csv"]"#,
            r#"removes: ["customers"]"#,
            "`customers` is not a copy",
        ),
        (
            r#"copy_of: "customers""#,
            r#"copy_of: "customers-csv""#,
            "cannot be a copy of itself",
        ),
    ] {
        let mut text = std::fs::read_to_string(root().join("tests/fixtures/lab.ron"))
            .unwrap()
            .replacen("format: 1,", "format: 2,", 1);
        for (f, r) in copy {
            text = text.replacen(f, r, 1);
        }
        let text = text.replacen(find, replace, 1);
        let checked = cyberdrill::scenario::check_bytes("lab.ron", text.as_bytes());
        assert!(
            checked.problems.iter().any(|p| p.message.contains(message)),
            "{message}: {:?}",
            checked.problems
        );
    }
}

#[test]
fn a_stage_aimed_at_a_set_of_hosts_is_one_stage_per_host_each_its_own_foothold() {
    let s = lab_v2(&[
        (
            r#"(id: "botnet", address: "198.51.100.4", role: Botnet),"#,
            r#"(id: "botnet", address: "198.51.100.4", role: Botnet),
            (id: "mailer", address: "198.51.100.5", role: Delivery),"#,
        ),
        (
            r#"            (id: "dump","#,
            r#"            (id: "wave", name: (en: "Phishing wave", ja: "フィッシングの波"),
                tactic: InitialAccess, technique: "T1566.001", via: Lure("mailer"),
                targets: Segment("lan"), requires: [Turn(2)], chance: 100,
                effects: [Foothold(level: User, c2: "c2b")],
                traces: [(id: "wave-mail", source: Edr, seen_in: Alert, severity: Medium,
                    text: (en: "EDR: macro", ja: "EDR：マクロ"))]),
            (id: "dump","#,
        ),
        (
            "objectives: [\n",
            r#"objectives: [
            (id: "no-wave", name: (en: "No wave", ja: "波なし"), points: 10, kind: Prevent("wave")),"#,
        ),
        (
            r#"(id: "phish", text: (en: "Phishing", ja: "フィッシング")),"#,
            r#"(id: "phish", stages: ["wave"], text: (en: "Phishing", ja: "フィッシング")),"#,
        ),
    ]);
    // One stage and one trace per host of the segment, named `id@host`.
    for host in ["pc", "pc2"] {
        assert!(s.stages.id(&format!("wave@{host}")).is_some(), "{host}");
        let trace = s.traces.id(&format!("wave-mail@{host}")).unwrap();
        assert_eq!(s.hosts.key(s.traces[trace].host), host);
    }
    assert!(s.stages.id("wave").is_none());
    let mut lab = Lab::of(s.clone(), 1);
    lab.turn(&[]);
    // pc2 is cut off before the wave: only pc is reached.
    let events = lab.turn(&[r#"Act("isolate", Host("pc2"))"#]);
    let on = |host: &str| {
        let h = lab.host(host);
        has(
            &events,
            |e| matches!(e, EventKind::Foothold { host, .. } if *host == h),
        )
    };
    assert!(on("pc"));
    assert!(!on("pc2"));
    let card = lab.session.scorecard(T);
    let no_wave = lab.s.objectives.id("no-wave").unwrap();
    assert_eq!(
        card.objectives[no_wave.index()].status,
        cyberdrill::scoring::Status::Missed,
        "any copy happening misses a Prevent of the set"
    );
    // A condition on the stage holds when any copy happened.
    let wave_done = cyberdrill::scenario::model::Condition::Any(vec![
        cyberdrill::scenario::model::Condition::StageDone(s.stages.id("wave@pc").unwrap()),
        cyberdrill::scenario::model::Condition::StageDone(s.stages.id("wave@pc2").unwrap()),
    ]);
    assert!(lab.session.view(T).holds(&wave_done));
    let phish = s.entry_vectors.id("phish").unwrap();
    assert_eq!(s.entry_vectors[phish].stages.len(), 2);
}

#[test]
fn a_set_of_hosts_is_checked_and_located_at_the_stage_written() {
    let base = std::fs::read_to_string(root().join("tests/fixtures/lab.ron")).unwrap();
    for (format, edit, message) in [
        (2, r#"target: "pc", chance: 100,"#, ""),
        (
            2,
            r#"targets: Segment("nowhere"), chance: 100,"#,
            "unknown segment `nowhere`",
        ),
        (
            2,
            r#"targets: Kind(Controller), target: "pc", chance: 100,"#,
            "not both",
        ),
        (
            1,
            r#"targets: Segment("lan"), chance: 100,"#,
            "`targets` needs `format: 2`",
        ),
    ] {
        let text = base
            .replacen("format: 1,", &format!("format: {format},"), 1)
            .replacen(r#"target: "pc", chance: 100,"#, edit, 1);
        let checked = cyberdrill::scenario::check_bytes("lab.ron", text.as_bytes());
        if message.is_empty() {
            assert!(checked.scenario.is_some(), "{:?}", checked.problems);
            continue;
        }
        let p = checked
            .problems
            .iter()
            .find(|p| p.message.contains(message))
            .unwrap_or_else(|| panic!("{message}: {:?}", checked.problems));
        assert!(p.path.starts_with("adversary.stages.pivot"), "{}", p.path);
        let line = text.lines().nth(p.line - 1).unwrap();
        assert!(line.contains("targets"), "located at the set: {line}");
    }
}

#[test]
fn a_set_written_out_past_the_stage_limit_is_refused() {
    let many: String = (0..1_000)
        .map(|i| {
            format!(
                "\n            (id: \"ws-{i}\", kind: Workstation, os: \"Windows\", segment: \"lan\", criticality: Low),"
            )
        })
        .collect();
    let text = std::fs::read_to_string(root().join("tests/fixtures/lab.ron"))
        .unwrap()
        .replacen("format: 1,", "format: 2,", 1)
        .replacen("        hosts: [", &format!("        hosts: [{many}"), 1)
        .replacen(
            r#"target: "pc", chance: 100,"#,
            r#"targets: Segment("lan"), chance: 100,"#,
            1,
        );
    let checked = cyberdrill::scenario::check_bytes("lab.ron", text.as_bytes());
    assert!(checked.scenario.is_none());
    assert!(
        checked
            .problems
            .iter()
            .any(|p| p.message.contains("more than the limit of 1000")),
        "{:?}",
        checked
            .problems
            .iter()
            .map(|p| &p.message)
            .collect::<Vec<_>>()
    );
}

#[test]
fn the_report_that_starts_a_follow_up_clock_does_not_keep_it() {
    let s = lab_v2(&[(
        "notifications: [",
        r#"notifications: [
        (id: "again", stakeholder: "boss", trigger: Notified("boss"), within: 2, follow_up: true,
            basis: (en: "Second report", ja: "続報")),"#,
    )]);
    let again = s.notifications.id("again").unwrap();
    let mut lab = Lab::of(s, 1);
    lab.turn(&[]);
    let events = lab.turn(&[r#"Act("notify", Stakeholder("boss"))"#]);
    assert!(has(
        &events,
        |e| matches!(e, EventKind::DeadlineStarted { rule, .. } if *rule == again)
    ));
    assert!(!has(&events, |e| *e == EventKind::DeadlineKept { rule: again }));
    let events = lab.turn(&[r#"Act("notify", Stakeholder("boss"))"#]);
    assert!(has(&events, |e| *e == EventKind::DeadlineKept { rule: again }));
}

#[test]
fn the_id_of_a_set_target_stage_is_checked_like_any_other() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/lab.ron"))
        .unwrap()
        .replacen("format: 1,", "format: 2,", 1)
        .replacen(r#"(id: "pivot","#, r#"(id: "piv ot","#, 1)
        .replacen(
            r#"after_any: ["pivot", "pivot-alt"]"#,
            r#"after_any: ["pivot-alt"]"#,
            1,
        )
        .replacen(
            r#"target: "pc", chance: 100,"#,
            r#"targets: Segment("lan"), chance: 100,"#,
            1,
        );
    let checked = cyberdrill::scenario::check_bytes("lab.ron", text.as_bytes());
    let p = checked
        .problems
        .iter()
        .find(|p| p.message.contains("piv ot"))
        .unwrap_or_else(|| panic!("{:?}", checked.problems));
    assert!(p.path.ends_with(".id"), "{}", p.path);
    assert!(checked.scenario.is_none());
}
