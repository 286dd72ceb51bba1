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

pub const T: TeamId = TeamId(0);

pub struct Lab {
    pub s: Arc<Scenario>,
    pub session: Session,
}

impl Lab {
    pub fn new(seed: u64) -> Self {
        let s = lab();
        let session = Session::new(s.clone(), seed, &["team"]).unwrap();
        Self { s, session }
    }

    /// Plays one turn with these commands; returns the turn's events.
    pub fn turn(&mut self, commands: &[&str]) -> Vec<EventKind> {
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

    pub fn stage(&self, key: &str) -> cyberdrill::scenario::model::StageId {
        self.s.stages.id(key).unwrap()
    }

    pub fn host(&self, key: &str) -> cyberdrill::scenario::model::HostId {
        self.s.hosts.id(key).unwrap()
    }

    pub fn done(&self, key: &str) -> Option<u32> {
        self.session.view(T).attacker.done[self.stage(key).index()]
    }

    pub fn held(&self, key: &str) -> bool {
        self.session.view(T).assets.hosts[self.host(key).index()]
            .foothold
            .is_some()
    }
}

pub fn has(events: &[EventKind], pred: impl Fn(&EventKind) -> bool) -> bool {
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
