//! One turn: a fixed, ordered schedule of systems, each running one phase for every team
//! being stepped.
//!
//! Order: apply the team's commands → progress tasks → adversary → traces and monitoring →
//! injects → business impact → deadlines → containment and end. Each phase is a plain
//! function over one team's components ([`TeamMut`]); the systems are only the ECS glue. Teams
//! never read each other's components and each has its own generator, so the order in which a
//! system visits teams cannot change any result.

mod actions;
pub mod adversary;
mod world;

pub use actions::alert_host;

use bevy::ecs::schedule::{LogLevel, ScheduleBuildSettings, ScheduleLabel, SingleThreadedExecutor};
use bevy::prelude::{IntoScheduleConfigs, Query, Res, Resource, Schedule};
use rand::Rng;
use std::sync::Arc;

use super::event::{Event, EventKind};
use super::state::{Assets, Attacker, Clock, EventLog, Evidence, Knowledge, Staff, TeamRng, View};
use crate::scenario::Scenario;

/// The scenario every team in this world plays, and the rules revision (see
/// [`crate::engine::RULES`]).
#[derive(Resource, Clone)]
pub struct Rules(pub Arc<Scenario>, pub u32);

/// The schedule that plays one turn.
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
pub struct TurnSchedule;

/// Mutable access to one team's world.
pub struct TeamMut<'a> {
    /// The organisation.
    pub assets: &'a mut Assets,
    /// The attacker.
    pub attacker: &'a mut Attacker,
    /// The evidence.
    pub evidence: &'a mut Evidence,
    /// The team's knowledge.
    pub knowledge: &'a mut Knowledge,
    /// The team's staff.
    pub staff: &'a mut Staff,
    /// The clock.
    pub clock: &'a mut Clock,
    /// The generator.
    pub rng: &'a mut TeamRng,
    /// The events.
    pub log: &'a mut EventLog,
    /// The rules revision being played.
    pub rules: u32,
}

impl TeamMut<'_> {
    /// Read access to the whole team world.
    pub fn view<'b>(&'b self, s: &'b Scenario) -> View<'b> {
        View {
            s,
            assets: self.assets,
            attacker: self.attacker,
            evidence: self.evidence,
            knowledge: self.knowledge,
            staff: self.staff,
            clock: self.clock,
            rules: self.rules,
        }
    }

    /// Records an event in the current turn.
    pub fn emit(&mut self, kind: EventKind) {
        self.log.events.push(Event {
            turn: self.clock.turn,
            kind,
        });
    }

    /// A roll in 0..100 from the team's generator. The mapping is done here rather than by
    /// `rand`'s range sampling so that results depend only on the ChaCha8 stream.
    pub fn roll(&mut self) -> u32 {
        ((u64::from(self.rng.0.next_u32()) * 100) >> 32) as u32
    }
}

type TeamData = (
    &'static mut Assets,
    &'static mut Attacker,
    &'static mut Evidence,
    &'static mut Knowledge,
    &'static mut Staff,
    &'static mut Clock,
    &'static mut TeamRng,
    &'static mut EventLog,
);

/// Runs `phase` for every team that is being stepped and has not ended.
fn each_team(rules: &Rules, teams: &mut Query<TeamData>, phase: fn(&Scenario, &mut TeamMut)) {
    for (
        mut assets,
        mut attacker,
        mut evidence,
        mut knowledge,
        mut staff,
        mut clock,
        mut rng,
        mut log,
    ) in teams.iter_mut()
    {
        if !clock.stepping || clock.ended.is_some() {
            continue;
        }
        let mut team = TeamMut {
            assets: &mut assets,
            attacker: &mut attacker,
            evidence: &mut evidence,
            knowledge: &mut knowledge,
            staff: &mut staff,
            clock: &mut clock,
            rng: &mut rng,
            log: &mut log,
            rules: rules.1,
        };
        phase(&rules.0, &mut team);
    }
}

macro_rules! phase_system {
    ($name:ident, $phase:path) => {
        fn $name(rules: Res<Rules>, mut teams: Query<TeamData>) {
            each_team(&rules, &mut teams, $phase);
        }
    };
}

phase_system!(apply_commands, actions::apply_commands);
phase_system!(progress_tasks, actions::progress_tasks);
phase_system!(adversary, adversary::advance);
phase_system!(monitoring, world::monitoring);
phase_system!(injects, world::injects);
phase_system!(business_impact, world::business_impact);
phase_system!(deadlines, world::deadlines);
phase_system!(wrap_up, world::wrap_up);

/// The turn schedule: the phases chained in order, on a single thread, with ambiguity
/// detection as an error (any two systems touching the same data must be ordered).
pub fn turn_schedule() -> Schedule {
    let mut schedule = Schedule::new(TurnSchedule);
    schedule.set_executor(SingleThreadedExecutor::new());
    schedule.set_build_settings(ScheduleBuildSettings {
        ambiguity_detection: LogLevel::Error,
        ..Default::default()
    });
    schedule.add_systems(
        (
            apply_commands,
            progress_tasks,
            adversary,
            monitoring,
            injects,
            business_impact,
            deadlines,
            wrap_up,
        )
            .chain(),
    );
    schedule
}
