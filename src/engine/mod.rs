//! The deterministic turn engine on Bevy ECS: headless, no wall clock; turns advance only by
//! an explicit step.
//!
//! Every team is one entity in one Bevy `World`, its world split into components
//! ([`state`]); one run of the turn schedule ([`phases`]) advances every team being stepped.
//! A session of 30 teams and a balance batch of thousands of playthroughs are the same thing
//! to the engine. All randomness comes from each team's own seeded ChaCha8 generator.

pub mod condition;
pub mod digest;
pub mod event;
pub mod legality;
pub mod phases;
pub mod state;
pub mod view;

use std::sync::{Arc, Mutex, PoisonError};

use bevy::app::{App, Plugin, Update};
use bevy::ecs::query::QueryState;
use bevy::prelude::{Entity, World};
use serde::Serialize;

use crate::scenario::Scenario;
use crate::scenario::model::Command;
use event::{Event, EventKind, Refusal};
use phases::{Rules, TurnSchedule, turn_schedule};
use state::{
    Assets, Attacker, Clock, Ending, EventLog, Evidence, FacilitatorMessage, Knowledge, Staff,
    TeamBundle, TeamIndex, TeamRng, View,
};

/// The engine rules revision this build plays by. Replay headers record it; logs recorded
/// under an earlier revision are re-simulated by that revision's rules (see
/// [`Engine::with_rules`]).
///
/// - 1: the first rules.
/// - 2: a trace confirms a host compromised only if the attacker acted on that host (a mail
///   gateway's record of a phishing mail no longer marks the gateway compromised); hosts that
///   are offline (isolated, in an isolated segment, being rebuilt) raise no noise alerts (the
///   roll is still made); an investigation that finds nothing says so (`nothing_found`); an
///   address an alert names can be blocked as soon as the alert arrives, before any triage.
/// - 3: a sweep (`Scan`) of a segment that holds none of the organisation's hosts (the
///   internet) is refused (`empty_segment`) and not offered as a target.
/// - 4: an action's `disrupts` holds in every turn it runs, its last included (before, a
///   2-turn action stopped its functions for one turn and a 1-turn action not at all); a
///   message or alert that tells the team a host the attacker holds or held is compromised
///   confirms a compromise; a host cut off from the internet (its segment isolated, or every
///   way to the internet) cannot be commanded through a command channel, lured or uploaded
///   from.
pub const RULES: u32 = 4;

/// The oldest rules revision this build can still play (to verify old logs).
pub const OLDEST_RULES: u32 = 1;

/// A team's handle in an [`Engine`]: its position in the order teams were added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TeamId(pub usize);

/// A team world's components, read.
type TeamRef = (
    &'static Assets,
    &'static Attacker,
    &'static Evidence,
    &'static Knowledge,
    &'static Staff,
    &'static Clock,
    &'static TeamRng,
    &'static EventLog,
);

/// What [`TeamRef`] finds.
type TeamRefItem<'w> = bevy::ecs::query::ROQueryItem<'w, 'w, TeamRef>;

/// Many independent team worlds of one scenario, advanced turn by turn.
pub struct Engine {
    world: World,
    scenario: Arc<Scenario>,
    prepared: TeamBundle,
    teams: Vec<Entity>,
    /// A team's components found at once by entity (instead of one type lookup per component
    /// and call): every read of a team world goes through it.
    reads: QueryState<TeamRef>,
    /// The same for what the engine changes between turns: the queue and the clock.
    writes: QueryState<(&'static mut Staff, &'static mut Clock)>,
    /// Per team, what its last state digest hashed (filled only when digests are asked
    /// for, so engines that never record hold nothing here).
    digests: Mutex<Vec<digest::Cache>>,
}

impl Engine {
    /// An engine for `scenario` with no teams yet, playing by the current rules ([`RULES`]).
    pub fn new(scenario: Arc<Scenario>) -> Self {
        Self::build(scenario, RULES)
    }

    /// An engine playing by an earlier rules revision (to re-simulate a log recorded under
    /// it); `None` if this build does not have that revision.
    pub fn with_rules(scenario: Arc<Scenario>, rules: u32) -> Option<Self> {
        (OLDEST_RULES..=RULES)
            .contains(&rules)
            .then(|| Self::build(scenario, rules))
    }

    /// The rules revision this engine plays by.
    pub fn rules(&self) -> u32 {
        self.world.resource::<Rules>().1
    }

    fn build(scenario: Arc<Scenario>, rules: u32) -> Self {
        let mut world = World::new();
        world.insert_resource(Rules(scenario.clone(), rules));
        world.add_schedule(turn_schedule());
        let prepared = TeamBundle::prepare(&scenario);
        let reads = world.query::<TeamRef>();
        let writes = world.query::<(&mut Staff, &mut Clock)>();
        Self {
            world,
            scenario,
            prepared,
            teams: Vec::new(),
            reads,
            writes,
            digests: Mutex::new(Vec::new()),
        }
    }

    /// The scenario.
    pub fn scenario(&self) -> &Arc<Scenario> {
        &self.scenario
    }

    /// Adds a team whose world is seeded with `seed`.
    pub fn add_team(&mut self, seed: u64) -> TeamId {
        let bundle = self.prepared.for_seed(seed);
        self.spawn(bundle)
    }

    /// Adds a team whose world is a copy of another's (same state, same generator position):
    /// the start of a branch.
    pub fn fork_team(&mut self, from: TeamId) -> TeamId {
        let bundle = self.bundle(from);
        self.spawn(bundle)
    }

    fn spawn(&mut self, bundle: TeamBundle) -> TeamId {
        let id = TeamId(self.teams.len());
        let entity = self.world.spawn((bundle, TeamIndex(id.0 as u32))).id();
        self.teams.push(entity);
        self.reads.update_archetypes(&self.world);
        self.writes.update_archetypes(&self.world);
        id
    }

    /// A team world's components.
    fn team(&self, team: TeamId) -> TeamRefItem<'_> {
        self.reads
            .get_manual(&self.world, self.teams[team.0])
            .expect("team entity")
    }

    fn bundle(&self, team: TeamId) -> TeamBundle {
        let (assets, attacker, evidence, knowledge, staff, clock, rng, log) = self.team(team);
        TeamBundle {
            assets: assets.clone(),
            attacker: attacker.clone(),
            evidence: evidence.clone(),
            knowledge: knowledge.clone(),
            staff: staff.clone(),
            clock: clock.clone(),
            rng: rng.clone(),
            log: log.clone(),
        }
    }

    /// Plays the team's next turn with `commands` on a copy of its world (same state, same
    /// generator position) and tells how the session would end in it, if it would; the team's
    /// own world does not move. Front-ends ask it to warn that a command ends the exercise.
    pub fn trial_turn(&self, team: TeamId, commands: Vec<Command>) -> Option<Ending> {
        let mut scratch = Self::build(self.scenario.clone(), self.rules());
        let mut bundle = self.bundle(team);
        bundle.staff.pending = commands;
        let t = scratch.spawn(bundle);
        scratch.step(&[t]);
        scratch.ending(t)
    }

    /// Number of teams.
    pub fn team_count(&self) -> usize {
        self.teams.len()
    }

    /// Queues commands for the team's next turn (after any already queued).
    pub fn submit(&mut self, team: TeamId, commands: impl IntoIterator<Item = Command>) {
        self.staff_mut(team).pending.extend(commands);
    }

    fn staff_mut(&mut self, team: TeamId) -> bevy::prelude::Mut<'_, Staff> {
        self.writes
            .get_mut(&mut self.world, self.teams[team.0])
            .expect("team entity")
            .0
    }

    fn clock_mut(&mut self, team: TeamId) -> bevy::prelude::Mut<'_, Clock> {
        self.writes
            .get_mut(&mut self.world, self.teams[team.0])
            .expect("team entity")
            .1
    }

    /// The commands queued for the team's next turn.
    pub fn pending(&self, team: TeamId) -> &[Command] {
        &self.team(team).4.pending
    }

    /// Removes one queued command (by position); `None` if there is none there.
    pub fn remove_pending(&mut self, team: TeamId, index: usize) -> Option<Command> {
        let mut staff = self.staff_mut(team);
        (index < staff.pending.len()).then(|| staff.pending.remove(index))
    }

    /// Drops the commands queued for the team's next turn.
    pub fn clear_pending(&mut self, team: TeamId) {
        self.staff_mut(team).pending.clear();
    }

    /// Plays one turn for every team that has not ended.
    pub fn step_all(&mut self) {
        let teams: Vec<TeamId> = (0..self.teams.len()).map(TeamId).collect();
        self.step(&teams);
    }

    /// Plays one turn for the given teams (the others do not move).
    pub fn step(&mut self, teams: &[TeamId]) {
        for &t in teams {
            self.clock_mut(t).stepping = true;
        }
        self.world.run_schedule(TurnSchedule);
        for &t in teams {
            self.clock_mut(t).stepping = false;
        }
    }

    /// Read access to a team's world.
    pub fn view(&self, team: TeamId) -> View<'_> {
        let (assets, attacker, evidence, knowledge, staff, clock, ..) = self.team(team);
        View {
            s: &self.scenario,
            assets,
            attacker,
            evidence,
            knowledge,
            staff,
            clock,
            rules: self.rules(),
        }
    }

    fn clock(&self, team: TeamId) -> &Clock {
        self.team(team).5
    }

    /// Every event of a team so far.
    pub fn events(&self, team: TeamId) -> &[Event] {
        &self.team(team).7.events
    }

    /// The last turn a team played.
    pub fn turn(&self, team: TeamId) -> u32 {
        self.clock(team).turn
    }

    /// How the session ended for a team, if it has.
    pub fn ending(&self, team: TeamId) -> Option<Ending> {
        self.clock(team).ended
    }

    fn parts(&self, team: TeamId) -> digest::Parts<'_> {
        let (assets, attacker, evidence, knowledge, staff, clock, rng, _) = self.team(team);
        digest::Parts {
            assets,
            attacker,
            evidence,
            knowledge,
            staff,
            clock,
            rng,
        }
    }

    /// SHA-256 commitment to the team's world state and generator position (the format-2
    /// digest, see [`digest`]): equal digests mean equal worlds. Events are not included (a
    /// replay records and checks them line by line), and the inbox is folded in as it grows,
    /// so the cost does not grow with the length of the session; the organisation and the
    /// evidence are hashed again only when they changed since the team's last digest.
    pub fn digest(&self, team: TeamId) -> [u8; 32] {
        let mut caches = self.digests.lock().unwrap_or_else(PoisonError::into_inner);
        if caches.len() <= team.0 {
            caches.resize_with(team.0 + 1, digest::Cache::default);
        }
        digest::v2_cached(&self.parts(team), &mut caches[team.0])
    }

    /// The format-1 digest of the team's world, for verifying logs written in format 1.
    pub fn digest_v1(&self, team: TeamId) -> [u8; 32] {
        digest::v1(&self.parts(team))
    }

    /// Applies a facilitator's intervention to a team's world between turns: it takes effect
    /// at once, and its events are stamped with the team's last turn played.
    pub fn intervene(&mut self, team: TeamId, act: &Intervention) -> Result<(), Refusal> {
        let e = self.teams[team.0];
        let scenario = self.scenario.clone();
        let mut entity = self.world.entity_mut(e);
        let clock = entity.get::<Clock>().expect("team entity").clone();
        if clock.ended.is_some() {
            return Err(Refusal::SessionOver);
        }
        let turn = clock.turn;
        let kind = {
            let mut knowledge = entity.get_mut::<Knowledge>().expect("team entity");
            match act {
                Intervention::Message(m) => {
                    if knowledge.messages.iter().any(|x| x.number == m.number) {
                        return Err(Refusal::MessageNumberUsed);
                    }
                    knowledge.messages.push(FacilitatorMessage {
                        number: m.number,
                        text: m.text.clone(),
                        question: m.question.clone(),
                        turn,
                        reply: None,
                    });
                    EventKind::Message {
                        number: m.number,
                        text: m.text.clone(),
                        question: m.question.clone().map(Box::new),
                    }
                }
                Intervention::GrantHint(h) => {
                    if h.index() >= scenario.hints.len() {
                        return Err(Refusal::NoSuchHint);
                    }
                    if knowledge.hints[h.index()].is_some() {
                        return Err(Refusal::HintTaken);
                    }
                    knowledge.hints[h.index()] = Some(turn);
                    knowledge.hints_granted[h.index()] = true;
                    EventKind::HintGranted { hint: *h }
                }
            }
        };
        entity
            .get_mut::<EventLog>()
            .expect("team entity")
            .events
            .push(Event { turn, kind });
        Ok(())
    }
}

/// What a facilitator can do to a team's world during a drill (recorded in the replay log and
/// re-applied on verification).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intervention {
    /// A message, optionally with a question.
    Message(NewMessage),
    /// A hint, free of charge.
    GrantHint(crate::scenario::model::HintId),
}

/// A facilitator's message before it is delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// Its number in the drill.
    pub number: u32,
    /// The text.
    pub text: String,
    /// An optional question.
    pub question: Option<state::FacilitatorQuestion>,
}

/// The engine as a Bevy plugin: the scenario as a resource and the turn schedule, run once per
/// `App::update()`. Teams are spawned with [`spawn_team`]; a headless app with
/// `MinimalPlugins` and this plugin is a full engine.
pub struct EnginePlugin(pub Arc<Scenario>);

impl Plugin for EnginePlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(Rules(self.0.clone(), RULES));
        app.add_schedule(turn_schedule());
        app.add_systems(Update, |world: &mut World| world.run_schedule(TurnSchedule));
    }
}

/// Spawns a team in an app built with [`EnginePlugin`]; it is stepped by every update.
pub fn spawn_team(world: &mut World, seed: u64, index: u32) -> Entity {
    let scenario = world.resource::<Rules>().0.clone();
    let mut bundle = TeamBundle::prepare(&scenario).for_seed(seed);
    bundle.clock.stepping = true;
    world.spawn((bundle, TeamIndex(index))).id()
}
