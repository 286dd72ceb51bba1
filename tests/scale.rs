//! Generated scenarios of any size validate cleanly and play correctly (how fast is shown by
//! `benches/engine.rs`, not here).

use std::sync::Arc;

use cyberdrill::engine::TeamId;
use cyberdrill::scenario::model::Outcome;
use cyberdrill::session::Session;
use cyberdrill::session::bots::{self, RandomPolicy, Scripted};

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
