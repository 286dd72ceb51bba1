//! The turn engine: each verb's effect, the adversary's preconditions, chances and reactions,
//! what the team can and cannot see, effort and multi-turn tasks, illegal actions, and the
//! end of a session. Most tests drive `tests/fixtures/lab.ron` through the session API; a few
//! build a headless Bevy app to check the engine works as a plugin.

use std::sync::Arc;

use bevy::prelude::{App, MinimalPlugins};
use cyberdrill::engine::event::{Cause, EventKind, Refusal};
use cyberdrill::engine::state::{EndReason, EventLog};
use cyberdrill::engine::{EnginePlugin, TeamId, spawn_team};
use cyberdrill::scenario::model::{Command, Outcome, Reaction};
use cyberdrill::scenario::raw::RawCommand;
use cyberdrill::scenario::validate::resolve_command;
use cyberdrill::scenario::{Scenario, ron_options};
use cyberdrill::session::Session;
use cyberdrill::session::observation::{HostStatus, InboxItem};

use crate::util::root;

pub fn lab() -> Arc<Scenario> {
    let (s, _) =
        cyberdrill::scenario::load(&root().join("tests/fixtures/lab.ron")).expect("lab loads");
    Arc::new(s)
}

/// A command from its written form, e.g. `Act("isolate", Host("pc"))`.
pub fn cmd(s: &Scenario, text: &str) -> Command {
    let raw: RawCommand = ron_options().from_str(text).expect("command parses");
    resolve_command(s, &raw).expect("command resolves")
}

const T: TeamId = TeamId(0);

struct Lab {
    s: Arc<Scenario>,
    session: Session,
}

impl Lab {
    fn new(seed: u64) -> Self {
        let s = lab();
        let session = Session::new(s.clone(), seed, &["team"]).unwrap();
        Self { s, session }
    }

    /// Plays one turn with these commands; returns the turn's events.
    fn turn(&mut self, commands: &[&str]) -> Vec<EventKind> {
        let commands = commands.iter().map(|c| cmd(&self.s, c)).collect();
        self.session.submit(T, commands).unwrap();
        self.session.advance_team(T).unwrap();
        let now = self.session.turn(T);
        self.session
            .events(T)
            .iter()
            .filter(|e| e.turn == now)
            .map(|e| e.kind.clone())
            .collect()
    }

    fn stage(&self, key: &str) -> cyberdrill::scenario::model::StageId {
        self.s.stages.id(key).unwrap()
    }

    fn host(&self, key: &str) -> cyberdrill::scenario::model::HostId {
        self.s.hosts.id(key).unwrap()
    }

    fn done(&self, key: &str) -> Option<u32> {
        self.session.view(T).attacker.done[self.stage(key).index()]
    }

    fn held(&self, key: &str) -> bool {
        self.session.view(T).assets.hosts[self.host(key).index()]
            .foothold
            .is_some()
    }
}

fn has(events: &[EventKind], pred: impl Fn(&EventKind) -> bool) -> bool {
    events.iter().any(pred)
}

// --- the schedule and the plugin

#[test]
fn turn_schedule_builds_with_ambiguity_detection_as_an_error() {
    let mut world = bevy::prelude::World::new();
    world.insert_resource(cyberdrill::engine::phases::Rules(
        lab(),
        cyberdrill::engine::RULES,
    ));
    let mut schedule = cyberdrill::engine::phases::turn_schedule();
    assert!(schedule.initialize(&mut world).is_ok());
}

#[test]
fn a_headless_app_with_the_plugin_plays_a_turn_per_update() {
    let s = lab();
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, EnginePlugin(s.clone())));
    let team = spawn_team(app.world_mut(), 1, 0);
    app.update();
    app.update();
    let log = app.world().get::<EventLog>(team).unwrap();
    assert_eq!(log.events.last().unwrap().turn, 2);
    assert!(log.events.iter().any(|e| e.kind
        == EventKind::StageDone {
            stage: s.stages.id("exploit-web").unwrap()
        }));
}

// --- the adversary

#[test]
fn stages_need_their_prerequisites_done_in_an_earlier_turn() {
    let mut lab = Lab::new(1);
    lab.turn(&[]);
    assert_eq!(lab.done("exploit-web"), Some(1));
    assert_eq!(lab.done("pivot"), None, "pivot waits for the next turn");
    lab.turn(&[]);
    assert_eq!(lab.done("pivot"), Some(2));
    assert!(lab.held("pc"));
}

#[test]
fn chance_rolls_differ_between_seeds() {
    // `dump` (50%) becomes possible at turn 2: some seeds roll it then, others later.
    let first_turns: Vec<Option<u32>> = (0..40)
        .map(|seed| {
            let mut lab = Lab::new(seed);
            lab.turn(&[]);
            lab.turn(&[]);
            lab.done("dump")
        })
        .collect();
    assert!(first_turns.contains(&Some(2)));
    assert!(first_turns.contains(&None));
}

#[test]
fn isolating_the_target_blocks_a_stage_and_the_attacker_switches_route() {
    let mut lab = Lab::new(1);
    lab.turn(&[]);
    let events = lab.turn(&[r#"Act("isolate", Host("pc"))"#]);
    let pivot = lab.stage("pivot");
    assert!(has(&events, |e| *e
        == EventKind::StageBlocked {
            stage: pivot,
            cause: Cause::Isolated
        }));
    let alt = lab.stage("pivot-alt");
    assert!(has(&events, |e| *e
        == EventKind::Reacted {
            stage: pivot,
            reaction: Reaction::Switch(alt)
        }));
    assert!(!lab.held("pc"));
    lab.turn(&[]);
    assert_eq!(
        lab.done("pivot-alt"),
        Some(3),
        "the alternative is tried from the next turn"
    );
    assert!(lab.held("pc2"));
}

#[test]
fn a_mitigation_blocks_a_stage_and_the_attacker_goes_dormant() {
    // The DDoS needs turn 3; the exploit is blocked at turn 1 by the WAF rule, which makes the
    // attacker quiet for two turns (2 and 3), so nothing at all happens before turn 4.
    let mut lab = Lab::new(1);
    let events = lab.turn(&[r#"Act("mitigate", Mitigation("waf-rule"))"#]);
    let exploit = lab.stage("exploit-web");
    assert!(has(&events, |e| *e
        == EventKind::StageBlocked {
            stage: exploit,
            cause: Cause::Mitigated
        }));
    assert!(has(&events, |e| *e
        == EventKind::Reacted {
            stage: exploit,
            reaction: Reaction::Dormant(2)
        }));
    lab.turn(&[]);
    lab.turn(&[]);
    assert_eq!(lab.done("ddos"), None);
    lab.turn(&[]);
    assert_eq!(lab.done("ddos"), Some(4));
    assert_eq!(lab.done("exploit-web"), None);
}

#[test]
fn blocking_the_command_channel_cuts_control_of_the_foothold() {
    let mut lab = Lab::new(1);
    lab.turn(&[]);
    // The WAF alert reveals the C2 address; triage it, then block it.
    lab.turn(&[r#"Act("triage", Alert("waf-alert"))"#]);
    let events = lab.turn(&[r#"Act("block", Address("c2"))"#]);
    let dump = lab.stage("dump");
    // Both web's and pc's footholds answer to c2: the attacker is contained.
    assert!(has(&events, |e| *e
        == EventKind::Containment { contained: true }));
    if lab.done("dump").is_none() {
        assert!(has(
            &events,
            |e| matches!(e, EventKind::StageBlocked { stage, cause: Cause::C2Blocked } if *stage == dump)
        ));
    }
    assert!(lab.session.view(T).contained());
    assert!(!lab.session.view(T).evicted());
}

#[test]
fn resetting_stolen_credentials_blocks_stages_that_use_them() {
    // Find a seed where the credentials are stolen at turn 2, then reset them.
    let seed = (0..50)
        .find(|&seed| {
            let mut lab = Lab::new(seed);
            lab.turn(&[]);
            lab.turn(&[]);
            lab.done("dump") == Some(2)
        })
        .expect("some seed steals at turn 2");
    let mut lab = Lab::new(seed);
    lab.turn(&[]);
    lab.turn(&[]);
    let events = lab.turn(&[r#"Act("reset", Account("admin"))"#]);
    let exfil = lab.stage("exfil");
    assert!(has(&events, |e| *e
        == EventKind::StageBlocked {
            stage: exfil,
            cause: Cause::CredentialsRevoked
        }));
    lab.turn(&[]);
    assert_eq!(lab.done("exfil"), None);
}

#[test]
fn patching_blocks_an_exploit_and_a_blocked_repeating_attack_is_abandoned() {
    let mut lab = Lab::new(1);
    lab.turn(&[r#"Act("patch", Host("web"))"#]);
    let exploit = lab.stage("exploit-web");
    // The patch lands before the attacker moves, so the exploit is blocked from the start.
    assert_eq!(lab.done("exploit-web"), None);
    assert!(lab.session.events(T).iter().any(|e| e.kind
        == EventKind::StageBlocked {
            stage: exploit,
            cause: Cause::Patched
        }));
    // The DDoS repeats every turn from turn 4 (dormancy covers 2 and 3) until geo-blocking.
    for _ in 0..3 {
        lab.turn(&[]);
    }
    assert_eq!(
        lab.session.view(T).attacker.times[lab.stage("ddos").index()],
        1
    );
    let shop = lab.s.functions.id("shop").unwrap();
    assert!(lab.session.view(T).assets.functions_down[shop.index()]);
    lab.turn(&[]);
    assert_eq!(
        lab.session.view(T).attacker.times[lab.stage("ddos").index()],
        2
    );
    let events = lab.turn(&[r#"Act("mitigate", Mitigation("geo-block"))"#]);
    let ddos = lab.stage("ddos");
    assert!(has(&events, |e| *e
        == EventKind::Reacted {
            stage: ddos,
            reaction: Reaction::Abandon
        }));
    // Geo-blocking itself keeps the shop down: a trade-off the team pays for.
    assert!(lab.session.view(T).assets.functions_down[shop.index()]);
    lab.turn(&[]);
    assert_eq!(lab.session.view(T).attacker.times[ddos.index()], 2);
}

#[test]
fn isolating_a_segment_stops_commands_inside_it() {
    let text = crate::synth::scenario(8).replacen(
        r#"(id: "isolate", verb: IsolateHost, cost: 1, name: (en: "Isolate", ja: "隔離")),"#,
        r#"(id: "isolate", verb: IsolateHost, cost: 1, name: (en: "Isolate", ja: "隔離")),
        (id: "isolate-seg", verb: IsolateSegment, cost: 2, name: (en: "Isolate segment", ja: "セグメント隔離")),"#,
        1,
    );
    let s = Arc::new(
        cyberdrill::scenario::check_bytes("synthetic", text.as_bytes())
            .scenario
            .unwrap(),
    );
    let mut session = Session::new(s.clone(), 1, &["team"]).unwrap();
    session.advance_team(T).unwrap();
    session
        .submit(T, vec![cmd(&s, r#"Act("isolate-seg", Segment("lan"))"#)])
        .unwrap();
    session.advance_team(T).unwrap();
    let hop = s.stages.id("hop-1").unwrap();
    assert!(
        session.events(T).iter().any(|e| e.kind
            == EventKind::StageBlocked {
                stage: hop,
                cause: Cause::Isolated
            }),
        "pc-0 and pc-1 share the isolated segment, but pc-0 cannot be commanded"
    );
    assert_eq!(session.view(T).attacker.done[hop.index()], None);
    assert!(session.view(T).contained());
}

// --- each verb

#[test]
fn investigation_verbs_find_the_traces_they_are_meant_to_find() {
    let mut lab = Lab::new(1);
    lab.turn(&[]);
    let web_log = lab.s.traces.id("web-log").unwrap();
    let webshell = lab.s.traces.id("webshell").unwrap();
    let implant = lab.s.traces.id("implant-web").unwrap();
    let events = lab.turn(&[
        r#"Act("logs", Host("web"))"#,
        r#"Act("image", Host("web"))"#,
        r#"Act("scan", Segment("dmz"))"#,
    ]);
    for trace in [web_log, webshell, implant] {
        assert!(
            has(&events, |e| *e == EventKind::Found { trace }),
            "found {trace:?}"
        );
    }
    let v = lab.session.view(T);
    let scanner = lab.s.addresses.id("scanner").unwrap();
    assert!(
        v.knowledge.known_addresses[scanner.index()],
        "the web log reveals the scanner"
    );
    assert!(v.knowledge.hosts[lab.host("web").index()].confirmed);
    assert_eq!(v.knowledge.detected_at, Some(2));
    // Logs of a host with nothing on it find nothing.
    let events = lab.turn(&[r#"Act("logs", Host("plc"))"#]);
    assert!(!has(&events, |e| matches!(e, EventKind::Found { .. })));
}

#[test]
fn triage_tells_true_alerts_from_noise() {
    let mut lab = Lab::new(1);
    lab.turn(&[]);
    let events = lab.turn(&[
        r#"Act("triage", Alert("waf-alert"))"#,
        r#"Act("triage", Alert("noise-pc"))"#,
    ]);
    let waf = lab.s.alert_id("waf-alert").unwrap();
    let noise = lab.s.alert_id("noise-pc").unwrap();
    assert!(has(&events, |e| *e
        == EventKind::Triaged {
            alert: waf,
            malicious: true
        }));
    assert!(has(&events, |e| *e
        == EventKind::Triaged {
            alert: noise,
            malicious: false
        }));
}

#[test]
fn reimaging_removes_the_attacker_and_wipes_evidence_unless_imaged_first() {
    for image_first in [false, true] {
        let mut lab = Lab::new(1);
        lab.turn(&[]);
        if image_first {
            lab.turn(&[r#"Act("image", Host("web"))"#]);
        } else {
            lab.turn(&[]);
        }
        let web = lab.host("web");
        lab.turn(&[r#"Act("reimage", Host("web"))"#]);
        assert!(
            lab.session.view(T).rebuilding(web),
            "a two-turn rebuild is running"
        );
        let events = lab.turn(&[]);
        assert!(has(&events, |e| *e == EventKind::FootholdRemoved { host: web }));
        assert!(has(&events, |e| *e
            == EventKind::EvidenceWiped {
                host: web,
                was_compromised: true,
                was_imaged: image_first
            }));
        assert!(!lab.held("web"));
        let webshell = lab.s.traces.id("webshell").unwrap();
        assert!(!lab.session.view(T).evidence.traces[webshell.index()].present);
        let card = lab.session.scorecard(T);
        let lost = card
            .penalties
            .iter()
            .any(|p| p.kind == cyberdrill::scoring::PenaltyKind::EvidenceDestroyed);
        assert_eq!(lost, !image_first);
    }
}

#[test]
fn ransomware_restore_keeps_data_and_reimage_loses_it() {
    // Let the attack run to encryption (a goal) and check the host's state at that point.
    let mut lab = Lab::new(3);
    while lab.session.ending(T).is_none() {
        lab.turn(&[]);
    }
    let ending = lab.session.ending(T).unwrap();
    assert_eq!(ending.outcome, Outcome::Loss);
    assert_eq!(ending.reason, EndReason::AdversaryGoal);
    let db = lab.host("db");
    assert!(lab.session.view(T).assets.hosts[db.index()].encrypted);
    let orders = lab.s.functions.id("orders").unwrap();
    assert!(lab.session.view(T).assets.functions_down[orders.index()]);
    let obs = lab.session.observe(T);
    assert!(
        obs.hosts[db.index()].encrypted,
        "ransomware is visible to the team"
    );
}

#[test]
fn an_encrypted_host_comes_back_with_its_data_from_backup_but_not_from_a_reimage() {
    // In the lab, encryption ends the session; here it is made an ordinary stage.
    let text = std::fs::read_to_string(root().join("tests/fixtures/lab.ron"))
        .unwrap()
        .replacen(
            "chance: 100, goal: true, effects: [Encrypt],",
            "chance: 100, effects: [Encrypt],",
            1,
        );
    let checked = cyberdrill::scenario::check_bytes("lab-no-goal.ron", text.as_bytes());
    let s = Arc::new(checked.scenario.expect("valid"));
    for verb in ["restore", "reimage"] {
        let mut session = Session::new(s.clone(), 3, &["team"]).unwrap();
        let db = s.hosts.id("db").unwrap();
        while !session.view(T).assets.hosts[db.index()].encrypted {
            session.advance_team(T).unwrap();
        }
        let lost_before = session.view(T).assets.lost.clone();
        assert!(lost_before.iter().all(|l| !l));
        let c = cmd(&s, &format!(r#"Act("{verb}", Host("db"))"#));
        session.submit(T, vec![c]).unwrap();
        session.advance_team(T).unwrap();
        session.advance_team(T).unwrap();
        let v = session.view(T);
        assert!(
            !v.assets.hosts[db.index()].encrypted,
            "{verb} brings the host back"
        );
        let customers = s.data_sets.id("customers").unwrap();
        assert_eq!(
            v.assets.lost[customers.index()],
            verb == "reimage",
            "{verb}"
        );
        let lost_event = session
            .events(T)
            .iter()
            .any(|e| e.kind == EventKind::DataLost { data: customers });
        assert_eq!(lost_event, verb == "reimage");
    }
}

#[test]
fn containment_and_recovery_verbs_change_the_world() {
    let mut lab = Lab::new(1);
    let s = lab.s.clone();
    lab.turn(&[
        r#"Act("isolate-seg", Segment("ot"))"#,
        r#"Act("disable", Account("svc"))"#,
    ]);
    let v = lab.session.view(T);
    assert!(v.assets.segments_isolated[s.segments.id("ot").unwrap().index()]);
    assert!(v.assets.accounts[s.accounts.id("svc").unwrap().index()].disabled);
    let plant = s.functions.id("plant").unwrap();
    let orders = s.functions.id("orders").unwrap();
    assert!(
        v.assets.functions_down[plant.index()],
        "an isolated segment stops what depends on it"
    );
    assert!(
        v.assets.functions_down[orders.index()],
        "a disabled account stops its function"
    );
    lab.turn(&[
        r#"Act("reconnect-seg", Segment("ot"))"#,
        r#"Act("isolate", Host("pc2"))"#,
    ]);
    let v = lab.session.view(T);
    assert!(!v.assets.functions_down[plant.index()]);
    assert!(v.assets.hosts[lab.host("pc2").index()].isolated);
    lab.turn(&[r#"Act("reconnect", Host("pc2"))"#, r#"Act("press", Org)"#]);
    assert!(!lab.session.view(T).assets.hosts[lab.host("pc2").index()].isolated);
    // pc2 was clean when isolated: a penalty.
    let card = lab.session.scorecard(T);
    assert!(
        card.penalties
            .iter()
            .any(|p| p.kind == cyberdrill::scoring::PenaltyKind::CleanIsolation && p.points == 3)
    );
}

#[test]
fn blocking_a_legitimate_address_stops_what_it_serves() {
    let mut lab = Lab::new(1);
    lab.turn(&[]);
    lab.turn(&[r#"Act("block", Address("partner"))"#]);
    let shop = lab.s.functions.id("shop").unwrap();
    assert!(lab.session.view(T).assets.functions_down[shop.index()]);
    let card = lab.session.scorecard(T);
    assert!(
        card.penalties
            .iter()
            .any(|p| p.kind == cyberdrill::scoring::PenaltyKind::NeedlessBlock && p.points == 7)
    );
}

#[test]
fn an_action_that_destroys_evidence_wipes_unimaged_traces_and_disrupts_while_running() {
    let mut lab = Lab::new(1);
    lab.turn(&[]);
    let events = lab.turn(&[r#"Act("wipe-logs", Host("web"))"#]);
    let web = lab.host("web");
    assert!(has(&events, |e| *e
        == EventKind::EvidenceWiped {
            host: web,
            was_compromised: true,
            was_imaged: false
        }));
    // The web log was found by the same analysis before the wipe.
    let web_log = lab.s.traces.id("web-log").unwrap();
    assert!(
        lab.session.view(T).evidence.traces[web_log.index()]
            .found_at
            .is_some()
    );
}

// --- effort and tasks

#[test]
fn effort_limits_what_starts_and_long_tasks_keep_their_staff_busy() {
    let mut lab = Lab::new(1);
    lab.turn(&[]);
    // 5 effort: restore (2) + scan (2) fit, image (2) does not.
    let events = lab.turn(&[
        r#"Act("restore", Host("web"))"#,
        r#"Act("scan", Segment("lan"))"#,
        r#"Act("image", Host("db"))"#,
    ]);
    assert!(has(&events, |e| matches!(
        e,
        EventKind::Refused {
            reason: Refusal::NotEnoughEffort { needed: 2, left: 1 },
            ..
        }
    )));
    // Next turn the restore still takes 2 of the 5.
    assert_eq!(lab.session.effort_available(T), 3);
    let events = lab.turn(&[
        r#"Act("image", Host("db"))"#,
        r#"Act("scan", Segment("srv"))"#,
    ]);
    assert!(has(&events, |e| matches!(
        e,
        EventKind::Refused {
            reason: Refusal::NotEnoughEffort { needed: 2, left: 1 },
            ..
        }
    )));
    assert_eq!(lab.session.effort_available(T), 5, "the restore is done");
}

#[test]
fn outside_help_adds_effort_from_the_next_turn() {
    let mut lab = Lab::new(1);
    lab.turn(&[r#"Act("hire", Stakeholder("ir"))"#]);
    assert_eq!(lab.session.effort_available(T), 7);
    assert_eq!(lab.session.observe(T).effort_per_turn, 7);
    // Hiring the same firm again adds nothing.
    lab.turn(&[r#"Act("hire", Stakeholder("ir"))"#]);
    assert_eq!(lab.session.observe(T).effort_per_turn, 7);
}

#[test]
fn effort_saturates_in_a_scenario_built_in_code() {
    // The validator bounds effort; a scenario adjusted in code is not validated, and the
    // engine must still not overflow (a debug build would panic).
    let mut s = (*lab()).clone();
    s.effort_per_turn = u32::MAX - 1;
    let hire = s.actions.id("hire").unwrap();
    s.actions[hire].adds_effort = u32::MAX;
    let s = Arc::new(s);
    let mut engine = cyberdrill::engine::Engine::new(s.clone());
    let team = engine.add_team(1);
    for _ in 0..2 {
        engine.submit(team, [cmd(&s, r#"Act("hire", Stakeholder("ir"))"#)]);
        engine.step(&[team]);
    }
    assert_eq!(engine.view(team).staff.bonus, u32::MAX);
}

// --- illegal actions

#[test]
fn illegal_commands_are_refused_with_a_reason_and_change_nothing() {
    let mut fresh = Lab::new(1);
    let hint = cmd(&fresh.s, r#"Hint("h1")"#);
    assert_eq!(
        fresh.session.check(T, &hint),
        Err(Refusal::HintNotYet { from_turn: 2 })
    );
    let events = fresh.turn(&[r#"Hint("h1")"#]);
    assert!(has(&events, |e| matches!(
        e,
        EventKind::Refused {
            reason: Refusal::HintNotYet { .. },
            ..
        }
    )));

    let mut lab = Lab::new(1);
    lab.turn(&[]);
    let before = lab.session.view(T).assets.clone();
    let cases: &[(&str, Refusal)] = &[
        (
            r#"Act("triage", Alert("edr-pivot"))"#,
            Refusal::AlertNotSeen,
        ),
        (r#"Act("block", Address("c2b"))"#, Refusal::AddressUnknown),
        (r#"Act("restore", Host("pc"))"#, Refusal::NoBackup),
        (r#"Act("patch", Host("pc"))"#, Refusal::NothingToPatch),
        (r#"Act("reconnect", Host("pc"))"#, Refusal::NotIsolated),
        (
            r#"Act("reconnect-seg", Segment("lan"))"#,
            Refusal::NotIsolated,
        ),
    ];
    for (text, reason) in cases {
        assert_eq!(
            lab.session.check(T, &cmd(&lab.s, text)),
            Err(reason.clone()),
            "{text}"
        );
    }
    let commands: Vec<&str> = cases.iter().map(|(t, _)| *t).collect();
    let events = lab.turn(&commands);
    let refused = events
        .iter()
        .filter(|e| matches!(e, EventKind::Refused { .. }))
        .count();
    assert_eq!(refused, commands.len());
    assert!(!has(&events, |e| matches!(e, EventKind::Started { .. })));
    let after = lab.session.view(T).assets.clone();
    assert_eq!(before.blocked, after.blocked);
    assert_eq!(before.segments_isolated, after.segments_isolated);
    assert_eq!(
        before
            .hosts
            .iter()
            .map(|h| (h.isolated, h.patched))
            .collect::<Vec<_>>(),
        after
            .hosts
            .iter()
            .map(|h| (h.isolated, h.patched))
            .collect::<Vec<_>>()
    );
    // Isolating twice: the second is refused.
    lab.turn(&[r#"Act("isolate", Host("pc2"))"#]);
    let again = cmd(&lab.s, r#"Act("isolate", Host("pc2"))"#);
    assert_eq!(lab.session.check(T, &again), Err(Refusal::AlreadyIsolated));
    // The same command twice in one turn: the second sees the first running.
    let events = lab.turn(&[
        r#"Act("scan", Segment("lan"))"#,
        r#"Act("scan", Segment("lan"))"#,
    ]);
    assert!(has(&events, |e| matches!(
        e,
        EventKind::Refused {
            reason: Refusal::AlreadyRunning,
            ..
        }
    )));
    // A queued command counts against what may be queued next.
    let scan = cmd(&lab.s, r#"Act("scan", Segment("srv"))"#);
    lab.session.submit(T, vec![scan.clone()]).unwrap();
    assert_eq!(lab.session.check(T, &scan), Err(Refusal::AlreadyRunning));
    assert_eq!(lab.session.effort_available(T), 3);
}

#[test]
fn questions_are_answered_once_and_expire() {
    let mut lab = Lab::new(1);
    lab.turn(&[]);
    lab.turn(&[r#"Answer("ask", "yes")"#]);
    let again = cmd(&lab.s, r#"Answer("ask", "no")"#);
    assert_eq!(lab.session.check(T, &again), Err(Refusal::AlreadyAnswered));
    let card = lab.session.scorecard(T);
    assert!(
        card.penalties
            .iter()
            .any(|p| p.kind == cyberdrill::scoring::PenaltyKind::Concealment && p.points == 6)
    );

    let mut lab = Lab::new(1);
    lab.turn(&[]);
    lab.turn(&[]);
    let events = lab.turn(&[]);
    let ask = lab.s.injects.id("ask").unwrap();
    assert!(has(&events, |e| *e
        == EventKind::QuestionExpired { inject: ask }));
    assert_eq!(lab.session.check(T, &again), Err(Refusal::QuestionExpired));
}

#[test]
fn commands_after_the_end_are_rejected() {
    let mut lab = Lab::new(3);
    while lab.session.ending(T).is_none() {
        lab.turn(&[]);
    }
    let c = cmd(&lab.s, r#"Act("press", Org)"#);
    assert!(lab.session.submit(T, vec![c.clone()]).is_err());
    assert!(lab.session.advance_team(T).is_err());
    assert_eq!(lab.session.check(T, &c), Err(Refusal::SessionOver));
}

// --- what the team sees

#[test]
fn the_team_sees_alerts_from_monitored_hosts_only_and_never_ground_truth() {
    let mut lab = Lab::new(1);
    lab.turn(&[]);
    lab.turn(&[r#"Act("isolate", Host("pc"))"#]);
    lab.turn(&[]);
    // pivot-alt took pc2 (not monitored): no alert for it; the WAF alert on web (segment
    // monitoring) and noise on pc are in the inbox.
    assert!(lab.held("pc2"));
    let obs = lab.session.observe(T);
    let alerts: Vec<String> = obs
        .inbox
        .iter()
        .filter_map(|i| match i {
            InboxItem::Alert { alert, .. } => Some(lab.s.alert_key(*alert).to_owned()),
            _ => None,
        })
        .collect();
    assert!(alerts.contains(&"waf-alert".to_owned()));
    assert!(alerts.contains(&"noise-pc".to_owned()));
    assert!(!alerts.iter().any(|a| a == "pc2-log" || a == "edr-pivot"));
    let pc2 = lab.host("pc2");
    assert_eq!(
        obs.hosts[pc2.index()].status,
        HostStatus::Normal,
        "the team does not know about pc2"
    );
    assert_eq!(
        obs.hosts[lab.host("web").index()].status,
        HostStatus::Suspicious
    );
    // Ground-truth events exist but are marked invisible.
    let hidden = lab
        .session
        .events(T)
        .iter()
        .filter(|e| !e.kind.visible())
        .count();
    assert!(hidden > 0);
    assert!(lab.session.events(T).iter().any(
        |e| matches!(e.kind, EventKind::Foothold { host, .. } if host == pc2) && !e.kind.visible()
    ));
    // The JSON of an observation mentions no stage.
    let json = serde_json::to_string(&obs).unwrap();
    assert!(!json.contains("StageDone") && !json.contains("foothold"));
}

#[test]
fn inbox_is_newest_first_and_deadlines_show_when_started() {
    let mut lab = Lab::new(1);
    lab.turn(&[]);
    lab.turn(&[r#"Act("triage", Alert("waf-alert"))"#]);
    let obs = lab.session.observe(T);
    let turns: Vec<u32> = obs.inbox.iter().map(InboxItem::turn).collect();
    assert!(turns.windows(2).all(|w| w[0] >= w[1]), "{turns:?}");
    assert_eq!(obs.deadlines.len(), 1);
    assert_eq!(obs.deadlines[0].due, 3);
    lab.turn(&[]);
    let obs = lab.session.observe(T);
    assert!(obs.deadlines[0].missed);
    assert!(
        lab.session
            .events(T)
            .iter()
            .any(|e| matches!(e.kind, EventKind::DeadlineMissed { .. }))
    );
}

#[test]
fn injects_arrive_on_their_trigger_after_their_delay() {
    let mut lab = Lab::new(3);
    while lab.session.ending(T).is_none() {
        lab.turn(&[]);
    }
    let exfil = lab.done("exfil");
    let late = lab.s.injects.id("late-news").unwrap();
    let delivered = lab.session.view(T).knowledge.delivered[late.index()];
    match exfil {
        Some(t) if t < lab.session.turn(T) => assert_eq!(delivered, Some(t + 1)),
        _ => assert_eq!(delivered, None),
    }
    let ask = lab.s.injects.id("ask").unwrap();
    assert_eq!(
        lab.session.view(T).knowledge.delivered[ask.index()],
        Some(1)
    );
}

// --- the end

#[test]
fn the_walkthrough_wins_and_the_idle_team_loses() {
    let s = lab();
    let mut session = Session::new(s.clone(), 1, &["w", "i"]).unwrap();
    let mut walk = cyberdrill::session::bots::Scripted::walkthrough(&s);
    cyberdrill::session::bots::play(&mut session, TeamId(0), &mut walk, None).unwrap();
    let mut idle = cyberdrill::session::bots::Idle;
    cyberdrill::session::bots::play(&mut session, TeamId(1), &mut idle, None).unwrap();
    assert_eq!(
        session.ending(TeamId(0)).unwrap().reason,
        EndReason::TeamWon
    );
    assert_eq!(session.ending(TeamId(1)).unwrap().outcome, Outcome::Loss);
    assert!(session.scorecard(TeamId(0)).total > session.scorecard(TeamId(1)).total);
}

#[test]
fn at_the_time_limit_the_scenario_decides() {
    // Contain everything but never submit findings: the lab counts surviving as a win.
    let mut lab = Lab::new(1);
    lab.turn(&[
        r#"Act("mitigate", Mitigation("waf-rule"))"#,
        r#"Act("mitigate", Mitigation("geo-block"))"#,
    ]);
    while lab.session.ending(T).is_none() {
        lab.turn(&[]);
    }
    let ending = lab.session.ending(T).unwrap();
    assert_eq!(
        (ending.outcome, ending.reason, ending.turn),
        (Outcome::Win, EndReason::TimeLimit, 12)
    );
}

#[test]
fn teams_in_one_session_are_independent_and_see_the_same_dice() {
    let s = lab();
    let mut session = Session::new(s.clone(), 9, &["a", "b", "c"]).unwrap();
    // a and c do the same; b isolates pc. a and c must end identical (same seed, same dice,
    // same actions); b differs.
    for turn in 1..=4 {
        let isolate = cmd(&s, r#"Act("isolate", Host("pc"))"#);
        if turn == 2 {
            session.submit(TeamId(1), vec![isolate]).unwrap();
        }
        session.advance().unwrap();
    }
    assert_eq!(session.events(TeamId(0)), session.events(TeamId(2)));
    assert_eq!(session.digest(TeamId(0)), session.digest(TeamId(2)));
    assert_ne!(session.digest(TeamId(0)), session.digest(TeamId(1)));
}

// --- rules revision 2: what the team is told is true

/// Plays `turns` (commands in written form) for one team of `s` under `rules`; returns the
/// engine.
fn play_rules(s: &Arc<Scenario>, rules: u32, turns: &[&[&str]]) -> cyberdrill::engine::Engine {
    let mut engine = cyberdrill::engine::Engine::with_rules(s.clone(), rules).unwrap();
    let t = engine.add_team(1);
    for commands in turns {
        engine.submit(t, commands.iter().map(|c| cmd(s, c)));
        engine.step(&[t]);
    }
    engine
}

#[test]
fn a_trace_on_a_host_the_attacker_never_acted_on_does_not_mark_it_compromised() {
    // The web server's log of the exploit, moved onto the PLC: it is the PLC's record of
    // something that happened elsewhere.
    let text = std::fs::read_to_string(root().join("tests/fixtures/lab.ron"))
        .unwrap()
        .replacen(
            "(id: \"web-log\", source: WebLog, seen_in: Logs,",
            "(id: \"web-log\", source: WebLog, seen_in: Logs, host: \"plc\",",
            1,
        );
    let s = Arc::new(
        cyberdrill::scenario::check_bytes("lab.ron", text.as_bytes())
            .scenario
            .expect("valid"),
    );
    let plc = s.hosts.id("plc").unwrap();
    let scanner = s.addresses.id("scanner").unwrap();
    let web_log = s.traces.id("web-log").unwrap();
    for (rules, believed) in [(2, false), (1, true)] {
        let engine = play_rules(&s, rules, &[&[], &[r#"Act("logs", Host("plc"))"#]]);
        let t = TeamId(0);
        assert!(
            engine
                .events(t)
                .iter()
                .any(|e| e.kind == EventKind::Found { trace: web_log }),
            "rules {rules}: the trace is found"
        );
        let v = engine.view(t);
        assert!(v.assets.hosts[plc.index()].foothold.is_none());
        assert_eq!(
            v.knowledge.hosts[plc.index()].confirmed,
            believed,
            "rules {rules}"
        );
        assert!(
            v.knowledge.known_addresses[scanner.index()],
            "rules {rules}: what it reveals is still learned"
        );
    }
}

#[test]
fn an_offline_host_raises_no_noise() {
    let s = lab();
    let noise = s.alert_id("noise-pc").unwrap();
    let pc = s.hosts.id("pc").unwrap();
    for (rules, raised) in [(2, false), (1, true)] {
        let engine = play_rules(&s, rules, &[&[r#"Act("isolate", Host("pc"))"#], &[], &[]]);
        let t = TeamId(0);
        assert!(engine.view(t).offline(pc));
        let later = engine
            .events(t)
            .iter()
            .any(|e| e.turn >= 2 && e.kind == EventKind::Alert { alert: noise });
        assert_eq!(later, raised, "rules {rules}");
        let v = engine.view(t);
        assert_eq!(
            v.knowledge.hosts[pc.index()].suspicious,
            raised,
            "rules {rules}: no alert, no suspicion"
        );
    }
    // The same rolls are made: the rest of the world is the same either way.
    let a = play_rules(&s, 2, &[&[r#"Act("isolate", Host("pc"))"#], &[], &[]]);
    let b = play_rules(&s, 1, &[&[r#"Act("isolate", Host("pc"))"#], &[], &[]]);
    assert_eq!(
        a.view(TeamId(0)).attacker.done,
        b.view(TeamId(0)).attacker.done
    );
}

#[test]
fn an_investigation_that_finds_nothing_says_so() {
    let s = lab();
    let logs = s.actions.id("logs").unwrap();
    let plc = s.hosts.id("plc").unwrap();
    let nothing = EventKind::NothingFound {
        action: logs,
        target: cyberdrill::scenario::model::Target::Host(plc),
        known: false,
    };
    let engine = play_rules(&s, 2, &[&[r#"Act("logs", Host("plc"))"#]]);
    assert!(
        engine
            .events(TeamId(0))
            .contains(&cyberdrill::engine::event::Event {
                turn: 1,
                kind: nothing.clone()
            })
    );
    let line = cyberdrill::report::describe::event(
        &s,
        &cyberdrill::engine::event::Event {
            turn: 1,
            kind: nothing.clone(),
        },
        cyberdrill::scenario::model::Lang::En,
    );
    assert!(line.ends_with("it found no sign of compromise"), "{line}");
    // Under the first rules an empty result said nothing.
    let old = play_rules(&s, 1, &[&[r#"Act("logs", Host("plc"))"#]]);
    assert!(
        !old.events(TeamId(0))
            .iter()
            .any(|e| matches!(e.kind, EventKind::NothingFound { .. }))
    );
    // A revision this build does not have is refused.
    assert!(cyberdrill::engine::Engine::with_rules(s.clone(), 99).is_none());
    assert!(cyberdrill::engine::Engine::with_rules(s, 0).is_none());
}

// --- one source of truth: what front-ends are told is what the engine does

/// The session's checks are the engine's, each queued command judged against the state the
/// ones before it leave: a host queued for a rebuild is busy for a reconnect queued after it,
/// and a command the engine will refuse takes no effort.
#[test]
fn queued_commands_are_checked_as_the_engine_will_play_them() {
    let mut lab = Lab::new(1);
    lab.turn(&[r#"Act("isolate", Host("web"))"#]);
    let queue = [
        r#"Act("reimage", Host("web"))"#,
        r#"Act("reconnect", Host("web"))"#,
        r#"Act("isolate", Host("web"))"#,
        r#"Answer("ask", "no")"#,
        r#"Answer("ask", "yes")"#,
        r#"Act("image", Host("pc"))"#,
        r#"Act("logs", Host("pc"))"#,
    ];
    let commands: Vec<Command> = queue.iter().map(|c| cmd(&lab.s, c)).collect();
    // Each command checked before it is queued, after the ones before it.
    let mut told = Vec::new();
    for c in &commands {
        told.push(lab.session.check(T, c));
        lab.session.submit(T, vec![c.clone()]).unwrap();
    }
    let verdicts = lab.session.queue_check(T).verdicts;
    assert_eq!(
        told, verdicts,
        "checking one by one agrees with the whole queue"
    );
    assert_eq!(verdicts[1], Err(Refusal::HostBusy));
    assert_eq!(verdicts[2], Err(Refusal::AlreadyIsolated));
    assert_eq!(verdicts[4], Err(Refusal::AlreadyAnswered));
    // Effort: 5 − reimage 2 − image 2 − logs 1; the refused ones take none.
    assert_eq!(lab.session.effort_available(T), 0);
    // The engine plays the queue and refuses exactly those.
    lab.session.advance_team(T).unwrap();
    let now = lab.session.turn(T);
    let refused: Vec<Refusal> = lab
        .session
        .events(T)
        .iter()
        .filter(|e| e.turn == now)
        .filter_map(|e| match &e.kind {
            EventKind::Refused { reason, .. } => Some(reason.clone()),
            _ => None,
        })
        .collect();
    let expected: Vec<Refusal> = verdicts.into_iter().filter_map(Result::err).collect();
    assert_eq!(refused, expected);
}

/// An answer choice that does not exist is refused: by the session before anything is queued,
/// and by the engine if it gets there another way.
#[test]
fn an_out_of_range_answer_is_refused() {
    let mut lab = Lab::new(1);
    lab.turn(&[]);
    let ask = lab.s.injects.id("ask").unwrap();
    let bad = Command::Answer {
        inject: ask,
        choice: 7,
    };
    let err = lab.session.submit(T, vec![bad.clone()]).unwrap_err();
    assert!(
        matches!(err, cyberdrill::session::SessionError::BadCommand(ref m) if m.contains("no choice 8")),
        "{err}"
    );
    assert!(lab.session.queued(T).is_empty());
    assert_eq!(lab.session.check(T, &bad), Err(Refusal::NoSuchChoice));
    let mut engine = cyberdrill::engine::Engine::new(lab.s.clone());
    let t = engine.add_team(1);
    engine.step(&[t]);
    engine.submit(t, [bad]);
    engine.step(&[t]);
    assert!(engine.events(t).iter().any(|e| matches!(
        &e.kind,
        EventKind::Refused {
            reason: Refusal::NoSuchChoice,
            ..
        }
    )));
    // And the scorecard of that world does not trip over it.
    let _ = cyberdrill::scoring::score(&lab.s, engine.events(t), false);
}

// --- endings: warned before, explained after

/// The preview warns when queuing a command ends the exercise (the win conditions then hold),
/// only then; and the end lists the win conditions met and missing.
#[test]
fn the_command_that_ends_the_exercise_is_foreseen_and_the_end_is_explained() {
    use cyberdrill::engine::state::EndReason;
    let s = lab();
    let mut session = Session::new(s.clone(), 1, &["t"]).unwrap();
    let mut warned_at = Vec::new();
    for turn in 1..=s.max_turns {
        if session.ending(T).is_some() {
            break;
        }
        let plan: Vec<Command> = s
            .walkthrough
            .iter()
            .filter(|p| p.turn == turn)
            .flat_map(|p| p.commands.iter().cloned())
            .collect();
        for c in plan {
            if session.preview(T, &c).ends_exercise {
                warned_at.push(turn);
            }
            session.submit(T, vec![c]).unwrap();
        }
        session.advance_team(T).unwrap();
    }
    let ending = session.ending(T).expect("the walkthrough ends");
    assert_eq!(ending.reason, EndReason::TeamWon);
    assert_eq!(
        warned_at,
        vec![ending.turn],
        "warned once, in the last turn"
    );
    assert!(session.win_conditions(T).iter().all(|(_, held)| *held));
    // An idle team loses, and is told what was missing.
    let mut idle = Session::new(s.clone(), 1, &["t"]).unwrap();
    cyberdrill::session::bots::play(&mut idle, T, &mut cyberdrill::session::bots::Idle, None)
        .unwrap();
    let missing: Vec<String> = idle
        .win_conditions(T)
        .iter()
        .filter(|(_, held)| !held)
        .map(|(c, _)| {
            cyberdrill::report::describe::condition(&s, c, cyberdrill::scenario::model::Lang::En)
        })
        .collect();
    assert!(
        missing
            .iter()
            .any(|m| m.starts_with("a findings report that is mostly right")),
        "{missing:?}"
    );
}

/// A win needs a findings report that is mostly right, not just any report.
#[test]
fn a_wrong_report_does_not_win() {
    let s = lab();
    let mut session = Session::new(s.clone(), 1, &["t"]).unwrap();
    let mut plans = s.walkthrough.clone();
    // The walkthrough, with its report naming the wrong entry vector and a clean host.
    for p in &mut plans {
        for c in &mut p.commands {
            if let Command::Act {
                target: cyberdrill::scenario::model::Target::Findings(f),
                ..
            } = c
            {
                f.entry = s
                    .entry_vectors
                    .ids()
                    .find(|&e| e != f.entry)
                    .expect("a second entry vector");
                f.hosts = vec![s.hosts.id("plc").unwrap()];
            }
        }
    }
    cyberdrill::session::bots::play(
        &mut session,
        T,
        &mut cyberdrill::session::bots::Scripted::new(plans),
        None,
    )
    .unwrap();
    let v = session.view(T);
    assert!(v.knowledge.findings.is_some());
    assert!(!v.findings_right(50));
    assert_ne!(
        session.ending(T).map(|e| e.reason),
        Some(cyberdrill::engine::state::EndReason::TeamWon)
    );
    let mut right = Session::new(s.clone(), 1, &["t"]).unwrap();
    cyberdrill::session::bots::play(
        &mut right,
        T,
        &mut cyberdrill::session::bots::Scripted::walkthrough(&s),
        None,
    )
    .unwrap();
    assert!(right.view(T).findings_right(50));
}

/// A hint names its topic before it is taken, and is offered only while it is relevant.
#[test]
fn a_hint_is_offered_only_while_it_is_relevant() {
    let s = Arc::new(
        cyberdrill::scenario::load(&root().join("scenarios/tutorial.ron"))
            .unwrap()
            .0,
    );
    let hint = s.hints.id("hint-alert").unwrap();
    assert_eq!(
        cyberdrill::report::describe::hint_title(&s, hint, cyberdrill::scenario::model::Lang::En),
        "Which alert to look at first"
    );
    let mut session = Session::new(s.clone(), 1, &["t"]).unwrap();
    session.advance_team(T).unwrap();
    // Turn 2: the alert is not triaged yet, so the hint about it is offered.
    assert_eq!(session.check(T, &Command::Hint(hint)), Ok(()));
    session
        .submit(T, vec![cmd(&s, r#"Act("triage", Alert("edr-macro"))"#)])
        .unwrap();
    session.advance_team(T).unwrap();
    // Once triaged, a hint telling the team to triage it is no longer offered.
    assert_eq!(
        session.check(T, &Command::Hint(hint)),
        Err(Refusal::HintNotRelevant)
    );
}

/// What the team has been told it can act on: an address named in an alert can be blocked as
/// soon as the alert arrives (rules 2), not only after the alert is triaged (rules 1).
#[test]
fn an_address_named_in_an_alert_can_be_blocked_at_once() {
    let s = lab();
    let c2 = s.addresses.id("c2").unwrap();
    for (rules, known) in [(2, true), (1, false)] {
        let engine = play_rules(&s, rules, &[&[]]);
        let v = engine.view(TeamId(0));
        assert!(
            v.knowledge
                .alerts
                .iter()
                .any(|a| a.alert == s.alert_id("waf-alert").unwrap()),
            "the WAF alert arrived"
        );
        assert_eq!(
            v.knowledge.known_addresses[c2.index()],
            known,
            "rules {rules}"
        );
        let block = cmd(&s, r#"Act("block", Address("c2"))"#);
        assert_eq!(
            v.check(&block, 5).is_ok(),
            known,
            "rules {rules}: blocking before triage"
        );
    }
}

/// `check` warns when every protective setting offered stops a stage (the list would give the
/// attacker's route away), and the shipped scenarios offer others too.
#[test]
fn a_list_of_settings_that_all_matter_is_a_warning() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/base.ron"))
        .unwrap()
        .replacen(
            "(id: \"usb-block\", name: (",
            "(id: \"usb-block\", disrupts: [], name: (",
            1,
        );
    assert!(text.contains("usb-block"));
    let without: String = {
        let i = text.find("            (id: \"usb-block\"").unwrap();
        let j = i + text[i..].find(")),\n").unwrap() + 4;
        format!("{}{}", &text[..i], &text[j..])
    };
    let checked = cyberdrill::scenario::check_bytes("base.ron", without.as_bytes());
    assert!(
        checked
            .problems
            .iter()
            .any(|p| p.path == "organisation.mitigations"
                && p.message.contains("every protective setting"))
    );
    let checked = cyberdrill::scenario::check_bytes("base.ron", text.as_bytes());
    assert!(
        !checked
            .problems
            .iter()
            .any(|p| p.path == "organisation.mitigations")
    );
}

/// An address a message names (the vendor on the phone) can be blocked once the message has
/// arrived, without a triage first.
#[test]
fn an_address_named_in_a_message_can_be_blocked() {
    let s = Arc::new(
        cyberdrill::scenario::load(&root().join("scenarios/municipal-breach.ron"))
            .unwrap()
            .0,
    );
    let c2 = s.addresses.id("c2-https").unwrap();
    let mut session = Session::new(s.clone(), 1, &["t"]).unwrap();
    session.advance_team(T).unwrap();
    let v = session.view(T);
    assert!(v.knowledge.delivered[s.injects.id("vendor-call").unwrap().index()].is_some());
    assert!(v.knowledge.known_addresses[c2.index()]);
    let block = Command::Act {
        action: s.actions.id("block").unwrap(),
        target: cyberdrill::scenario::model::Target::Address(c2),
    };
    assert_eq!(session.check(T, &block), Ok(()));
}

/// Rules 3: the internet (a segment with none of the organisation's hosts) is not a target of
/// a sweep; logs recorded under rules 2 keep offering it.
#[test]
fn a_sweep_of_the_internet_is_not_offered_from_rules_3() {
    use cyberdrill::engine::{Engine, TeamId};
    use cyberdrill::scenario::model::Target;
    let bytes = std::fs::read(crate::util::root().join("scenarios/tutorial.ron")).unwrap();
    let s = std::sync::Arc::new(
        cyberdrill::scenario::check_bytes("tutorial.ron", &bytes)
            .scenario
            .unwrap(),
    );
    let scan = s.actions.id("scan").expect("the tutorial has a sweep");
    let internet = Target::Segment(s.segments.id("internet").unwrap());
    let dmz = Target::Segment(s.segments.id("dmz").unwrap());
    for (rules, offered) in [(cyberdrill::engine::RULES, false), (2, true)] {
        let mut engine = Engine::with_rules(s.clone(), rules).unwrap();
        let team = engine.add_team(1);
        assert_eq!(team, TeamId(0));
        let view = engine.view(team);
        let legal = view.legal_targets(scan);
        assert_eq!(
            legal.contains(&internet),
            offered,
            "rules {rules}: {legal:?}"
        );
        assert!(
            legal.contains(&dmz),
            "rules {rules}: a segment with hosts is"
        );
    }
}

// --- format 2: undoing containment, messages that tell, duties kept by actions, follow-ups

/// The lab in format 2, with each `(find, replace)` applied (each `find` occurs once).
fn lab_v2(edits: &[(&str, &str)]) -> Arc<Scenario> {
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
    fn of(s: Arc<Scenario>, seed: u64) -> Self {
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
