//! Generated scenarios of any size validate cleanly and play correctly (how fast is shown by
//! `benches/engine.rs`, not here).

use std::sync::Arc;

use cyberdrill::engine::TeamId;
use cyberdrill::scenario::model::Outcome;
use cyberdrill::session::Session;
use cyberdrill::session::bots::{self, Policy, RandomPolicy, Scripted};

use crate::synth;

#[test]
fn generated_scenarios_validate_and_their_walkthrough_wins() {
    for hosts in [8, 20, 1000] {
        let text = synth::scenario(hosts);
        let checked = cyberdrill::session::proof::check_bytes("synthetic.ron", text.as_bytes());
        assert!(
            checked.problems.is_empty(),
            "{hosts} hosts: {:?}",
            checked
                .problems
                .iter()
                .map(|p| format!("{} {}", p.path, p.message))
                .collect::<Vec<_>>()
        );
        assert_eq!(checked.stats.hosts, hosts);
        let s = Arc::new(checked.scenario.expect("valid"));
        let mut session = Session::new(s.clone(), 3, &["w", "r"]).unwrap();
        bots::play(
            &mut session,
            TeamId(0),
            &mut Scripted::walkthrough(&s),
            None,
        )
        .unwrap();
        assert_eq!(session.ending(TeamId(0)).unwrap().outcome, Outcome::Win);
        bots::play(&mut session, TeamId(1), &mut RandomPolicy::new(3), None).unwrap();
        assert!(session.ending(TeamId(1)).is_some());
    }
}

/// On a network of more than 1,024 hosts the random policy samples its targets instead of
/// listing every legal one: it still acts on hosts, across the whole network (not only the
/// first ones), and never queues the same command twice in a turn.
#[test]
fn the_random_policy_samples_targets_across_a_large_network() {
    use cyberdrill::scenario::model::{Command, Target};
    let text = synth::scenario(3000);
    let s = Arc::new(
        cyberdrill::scenario::check_bytes("synthetic.ron", text.as_bytes())
            .scenario
            .expect("valid"),
    );
    let mut hosts = Vec::new();
    for seed in 0..3 {
        let mut session = Session::new(s.clone(), seed, &["r"]).unwrap();
        let mut policy = RandomPolicy::new(seed);
        while session.ending(TeamId(0)).is_none() {
            let commands = policy.decide(&session.view(TeamId(0)));
            for (i, c) in commands.iter().enumerate() {
                assert!(!commands[..i].contains(c), "seed {seed}: {c:?} twice");
                if let Command::Act {
                    target: Target::Host(h),
                    ..
                } = c
                {
                    hosts.push(h.index());
                }
            }
            session.submit(TeamId(0), commands).unwrap();
            session.advance_team(TeamId(0)).unwrap();
        }
    }
    assert!(
        hosts.iter().any(|&h| h >= 1024),
        "hosts acted on: {hosts:?}"
    );
}
