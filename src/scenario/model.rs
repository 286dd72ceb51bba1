//! The validated scenario: typed ids, every reference resolved, ready for the engine.
//!
//! Ids are dense indices into [`Table`]s (cheap to copy and to index the engine's state
//! arrays with); each item keeps its string `key` for display, replay logs and action files.
//! Nothing here can be built except through `validate.rs`, so holding a [`Scenario`] means the
//! file passed every check.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::{Deserialize, Serialize};

pub use super::raw::{
    AccountKind, Channel, Criticality, Difficulty, FindingField, HostKind, InfraRole, Outcome,
    Privilege, SeenIn, SegmentKind, Sensitivity, Severity, Source, StakeholderKind, Tactic, Verb,
};

/// A typed index into a [`Table<T>`].
pub struct Id<T> {
    index: u32,
    marker: PhantomData<fn() -> T>,
}

impl<T> Id<T> {
    /// Wraps a table index.
    pub(crate) const fn new(index: usize) -> Self {
        Self {
            index: index as u32,
            marker: PhantomData,
        }
    }

    /// The position in its table.
    pub const fn index(self) -> usize {
        self.index as usize
    }
}

impl<T> Clone for Id<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Id<T> {}
impl<T> PartialEq for Id<T> {
    fn eq(&self, other: &Self) -> bool {
        self.index == other.index
    }
}
impl<T> Eq for Id<T> {}
impl<T> PartialOrd for Id<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Id<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.index.cmp(&other.index)
    }
}
impl<T> std::hash::Hash for Id<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.index.hash(state);
    }
}
impl<T> Serialize for Id<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(self.index)
    }
}

impl<'de, T> Deserialize<'de> for Id<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        u32::deserialize(deserializer).map(|index| Self::new(index as usize))
    }
}

impl<T> fmt::Debug for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.index)
    }
}

/// Something stored in a [`Table`]: it has a string key unique within its table.
pub trait Keyed {
    /// The id as written in the scenario file.
    fn key(&self) -> &str;
}

/// Items of one kind in file order, with lookup by key.
#[derive(Debug, Clone)]
pub struct Table<T> {
    items: Vec<T>,
    by_key: BTreeMap<String, Id<T>>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            by_key: BTreeMap::new(),
        }
    }
}

impl<T: Keyed> Table<T> {
    /// Builds a table; keys must already be unique (validation guarantees it).
    pub(crate) fn from_items(items: Vec<T>) -> Self {
        let by_key = items
            .iter()
            .enumerate()
            .map(|(i, item)| (item.key().to_owned(), Id::new(i)))
            .collect();
        Self { items, by_key }
    }

    /// Looks an item up by its key.
    pub fn id(&self, key: &str) -> Option<Id<T>> {
        self.by_key.get(key).copied()
    }

    /// The key of an id.
    pub fn key(&self, id: Id<T>) -> &str {
        self.items[id.index()].key()
    }
}

impl<T> Table<T> {
    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Items with their ids, in file order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (Id<T>, &T)> {
        self.items
            .iter()
            .enumerate()
            .map(|(i, item)| (Id::new(i), item))
    }

    /// Ids in file order.
    pub fn ids(&self) -> impl ExactSizeIterator<Item = Id<T>> + use<T> {
        (0..self.items.len()).map(Id::new)
    }
}

impl<T> std::ops::Index<Id<T>> for Table<T> {
    type Output = T;
    fn index(&self, id: Id<T>) -> &T {
        &self.items[id.index()]
    }
}

/// For scenarios built or adjusted in code (tests, generators); ids and keys stay as they are.
impl<T> std::ops::IndexMut<Id<T>> for Table<T> {
    fn index_mut(&mut self, id: Id<T>) -> &mut T {
        &mut self.items[id.index()]
    }
}

/// A display language.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Japanese.
    Ja,
}

impl Lang {
    /// Both languages, in a fixed order.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ja];

    /// The language code (`en`, `ja`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }
}

/// Player-visible text in both languages; a language missing in the file falls back to the
/// other (validation warned about it).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Text {
    /// English.
    pub en: String,
    /// Japanese.
    pub ja: String,
}

impl Text {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ja => &self.ja,
        }
    }
}

macro_rules! keyed {
    ($($ty:ty),* $(,)?) => {
        $(impl Keyed for $ty {
            fn key(&self) -> &str {
                &self.key
            }
        })*
    };
}

keyed!(
    LearningObjective,
    Segment,
    Host,
    Account,
    DataSet,
    Function,
    Address,
    Mitigation,
    Stakeholder,
    NotificationRule,
    Stage,
    Trace,
    Noise,
    Inject,
    Action,
    Hint,
    EntryVector,
    RootCause,
    Objective,
);

/// Id of a learning objective.
pub type LearningId = Id<LearningObjective>;
/// Id of a segment.
pub type SegmentId = Id<Segment>;
/// Id of a host.
pub type HostId = Id<Host>;
/// Id of an account.
pub type AccountId = Id<Account>;
/// Id of a data set.
pub type DataSetId = Id<DataSet>;
/// Id of a business function.
pub type FunctionId = Id<Function>;
/// Id of an outside address (legitimate or attacker's).
pub type AddressId = Id<Address>;
/// Id of a mitigation.
pub type MitigationId = Id<Mitigation>;
/// Id of a stakeholder.
pub type StakeholderId = Id<Stakeholder>;
/// Id of a notification rule.
pub type RuleId = Id<NotificationRule>;
/// Id of an adversary stage.
pub type StageId = Id<Stage>;
/// Id of a trace.
pub type TraceId = Id<Trace>;
/// Id of a noise source.
pub type NoiseId = Id<Noise>;
/// Id of an inject.
pub type InjectId = Id<Inject>;
/// Id of an action.
pub type ActionId = Id<Action>;
/// Id of a hint.
pub type HintId = Id<Hint>;
/// Id of an entry vector on the findings form.
pub type EntryId = Id<EntryVector>;
/// Id of a root cause on the findings form.
pub type RootCauseId = Id<RootCause>;
/// Id of a scored objective.
pub type ObjectiveId = Id<Objective>;

/// An alert source the team can triage: a trace or a noise source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AlertId {
    /// A trace of an adversary stage.
    Trace(TraceId),
    /// A benign noise source.
    Noise(NoiseId),
}

/// A validated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Scenario id.
    pub id: String,
    /// Title.
    pub title: Text,
    /// Summary.
    pub summary: Text,
    /// CYDER course.
    pub difficulty: Difficulty,
    /// In-game minutes per turn.
    pub minutes_per_turn: u32,
    /// When the exercise starts in the story (the organisation's wall clock), if it says.
    pub start: Option<jiff::civil::DateTime>,
    /// What really happened, told at the debrief.
    pub debrief: Option<Text>,
    /// Last turn.
    pub max_turns: u32,
    /// Effort per turn.
    pub effort_per_turn: u32,
    /// Learning objectives.
    pub learning_objectives: Table<LearningObjective>,
    /// Tags.
    pub tags: Vec<String>,
    /// Organisation name.
    pub org_name: Text,
    /// Organisation description.
    pub org_description: Text,
    /// The team's role.
    pub role: Text,
    /// Segments.
    pub segments: Table<Segment>,
    /// Hosts.
    pub hosts: Table<Host>,
    /// Accounts.
    pub accounts: Table<Account>,
    /// Data sets.
    pub data_sets: Table<DataSet>,
    /// Business functions.
    pub functions: Table<Function>,
    /// Outside addresses: the organisation's legitimate ones, then the attacker's.
    pub addresses: Table<Address>,
    /// Mitigations.
    pub mitigations: Table<Mitigation>,
    /// Stakeholders.
    pub stakeholders: Table<Stakeholder>,
    /// Notification rules.
    pub notifications: Table<NotificationRule>,
    /// The adversary's name.
    pub adversary_name: Text,
    /// Adversary stages, in evaluation order.
    pub stages: Table<Stage>,
    /// Every trace of every stage.
    pub traces: Table<Trace>,
    /// Noise sources.
    pub noise: Table<Noise>,
    /// Injects.
    pub injects: Table<Inject>,
    /// Actions.
    pub actions: Table<Action>,
    /// Hints.
    pub hints: Table<Hint>,
    /// Entry vectors on the findings form.
    pub entry_vectors: Table<EntryVector>,
    /// Root causes on the findings form (format 2; may be empty).
    pub root_causes: Table<RootCause>,
    /// Scored objectives.
    pub objectives: Table<Objective>,
    /// Penalties.
    pub penalties: Penalties,
    /// Grade bands, highest first.
    pub grades: Vec<Grade>,
    /// When the team wins.
    pub team_wins: Condition,
    /// Outcome at the time limit.
    pub at_time_limit: Outcome,
    /// The reference solution.
    pub walkthrough: Vec<TurnPlan>,
    /// `reach[a][b]`: hosts in segment `a` can open connections to segment `b` (`a == b`
    /// included).
    pub reach: Vec<Vec<bool>>,
    /// Per segment: connected with the internet while no segment is isolated (see
    /// [`Scenario::internet_connected`]).
    pub internet_linked: Vec<bool>,
}

impl Scenario {
    /// Fills what each business function is tied to from the other side: the mitigations
    /// that disrupt it and the addresses it relies on (see [`Function::disrupted_by`]).
    pub(crate) fn link_functions(&mut self) {
        for (m, x) in self.mitigations.iter() {
            for &f in &x.disrupts {
                self.functions[f].disrupted_by.push(m);
            }
        }
        for (a, x) in self.addresses.iter() {
            if let AddressOwner::Legitimate { serves, .. } = &x.owner {
                for &f in serves {
                    self.functions[f].served_by.push(a);
                }
            }
        }
    }

    /// Per segment, whether it is connected with the internet when the segments marked in
    /// `isolated` are cut off: an internet segment that is not isolated, or a segment linked
    /// to one — directly or through other segments, by `reach` in either direction — with no
    /// isolated segment on the way.
    pub fn internet_connected(&self, isolated: &[bool]) -> Vec<bool> {
        let n = self.segments.len();
        let cut = |i: usize| isolated.get(i).copied().unwrap_or(false);
        let mut online = vec![false; n];
        let mut queue: Vec<usize> = self
            .segments
            .iter()
            .filter(|(x, sx)| sx.kind == SegmentKind::Internet && !cut(x.index()))
            .map(|(x, _)| x.index())
            .collect();
        for &i in &queue {
            online[i] = true;
        }
        while let Some(i) = queue.pop() {
            for (j, on) in online.iter_mut().enumerate() {
                if !*on && !cut(j) && (self.reach[i][j] || self.reach[j][i]) {
                    *on = true;
                    queue.push(j);
                }
            }
        }
        online
    }

    /// Whether segment `from` can open connections to segment `to`.
    pub fn reaches(&self, from: SegmentId, to: SegmentId) -> bool {
        self.reach[from.index()][to.index()]
    }

    /// The data set a data set is a copy of, or itself: what a report, a condition or an
    /// objective means by it (a stolen copy is the original's records stolen).
    pub fn original(&self, d: DataSetId) -> DataSetId {
        self.data_sets[d].copy_of.unwrap_or(d)
    }

    /// Data sets as their originals, sorted, each once.
    pub fn originals(&self, data: &[DataSetId]) -> Vec<DataSetId> {
        let mut out: Vec<DataSetId> = data.iter().map(|&d| self.original(d)).collect();
        out.sort();
        out.dedup();
        out
    }

    /// The key of an alert.
    pub fn alert_key(&self, alert: AlertId) -> &str {
        match alert {
            AlertId::Trace(t) => self.traces.key(t),
            AlertId::Noise(n) => self.noise.key(n),
        }
    }

    /// Looks up an alert (trace or noise) by key.
    pub fn alert_id(&self, key: &str) -> Option<AlertId> {
        self.traces
            .id(key)
            .map(AlertId::Trace)
            .or_else(|| self.noise.id(key).map(AlertId::Noise))
    }
}

/// A learning objective.
#[derive(Debug, Clone)]
pub struct LearningObjective {
    /// Id.
    pub key: String,
    /// Text.
    pub text: Text,
    /// The competency it trains (a NIST CSF 2.0 category id), if the scenario names one.
    pub competency: Option<String>,
}

/// A network segment.
#[derive(Debug, Clone)]
pub struct Segment {
    /// Id.
    pub key: String,
    /// Name.
    pub name: Text,
    /// Kind.
    pub kind: SegmentKind,
    /// Segments it can reach directly.
    pub reaches: Vec<SegmentId>,
    /// Network monitoring.
    pub monitoring: Vec<Source>,
    /// Hosts in it, in file order.
    pub hosts: Vec<HostId>,
}

/// A host.
#[derive(Debug, Clone)]
pub struct Host {
    /// Id.
    pub key: String,
    /// Description.
    pub description: Option<Text>,
    /// Kind.
    pub kind: HostKind,
    /// Operating system.
    pub os: String,
    /// Segment.
    pub segment: SegmentId,
    /// Internal address.
    pub address: Option<String>,
    /// Criticality.
    pub criticality: Criticality,
    /// Services.
    pub services: Vec<String>,
    /// Data sets on it.
    pub data: Vec<DataSetId>,
    /// Host monitoring.
    pub monitoring: Vec<Source>,
    /// Host monitoring and its segment's, combined and sorted: what raises alerts here.
    pub alerting: Vec<Source>,
    /// Logs forwarded off the host.
    pub log_forwarding: bool,
    /// Vulnerabilities.
    pub vulnerabilities: Vec<String>,
    /// Backup exists.
    pub backup: bool,
}

/// An account.
#[derive(Debug, Clone)]
pub struct Account {
    /// Id.
    pub key: String,
    /// Description.
    pub description: Option<Text>,
    /// Kind.
    pub kind: AccountKind,
    /// `valid_on[h]`: the account can log on to host `h`.
    pub valid_on: Vec<bool>,
}

/// A data set.
#[derive(Debug, Clone)]
pub struct DataSet {
    /// Id.
    pub key: String,
    /// Name.
    pub name: Text,
    /// Sensitivity.
    pub sensitivity: Sensitivity,
    /// Records.
    pub records: u64,
    /// The data set it is a copy of.
    pub copy_of: Option<DataSetId>,
}

/// A business function.
#[derive(Debug, Clone)]
pub struct Function {
    /// Id.
    pub key: String,
    /// Name.
    pub name: Text,
    /// Hosts it needs.
    pub depends_on: Vec<HostId>,
    /// Accounts it needs.
    pub accounts: Vec<AccountId>,
    /// Penalty per turn down.
    pub outage_cost: u32,
    /// Down while a host it depends on cannot reach the internet.
    pub needs_internet: bool,
    /// Derived: the mitigations that disrupt it (from their `disrupts`).
    pub disrupted_by: Vec<MitigationId>,
    /// Derived: the organisation's addresses it relies on (from their `serves`).
    pub served_by: Vec<AddressId>,
}

/// An outside address.
#[derive(Debug, Clone)]
pub struct Address {
    /// Id.
    pub key: String,
    /// The address as shown.
    pub address: String,
    /// Whose it is.
    pub owner: AddressOwner,
}

/// Whose an outside address is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressOwner {
    /// The organisation relies on it.
    Legitimate {
        /// What it is.
        name: Text,
        /// Functions that stop if it is blocked.
        serves: Vec<FunctionId>,
    },
    /// Attacker infrastructure.
    Adversary(InfraRole),
}

/// A mitigation.
#[derive(Debug, Clone)]
pub struct Mitigation {
    /// Id.
    pub key: String,
    /// Name.
    pub name: Text,
    /// Functions down while it is on.
    pub disrupts: Vec<FunctionId>,
    /// Traces that raise an alert while it is on.
    pub detects: Vec<TraceId>,
    /// Copies of data sets it deletes (for good, once it is on).
    pub removes: Vec<DataSetId>,
}

/// A stakeholder.
#[derive(Debug, Clone)]
pub struct Stakeholder {
    /// Id.
    pub key: String,
    /// Kind.
    pub kind: StakeholderKind,
    /// Name.
    pub name: Text,
}

/// A notification duty.
#[derive(Debug, Clone)]
pub struct NotificationRule {
    /// Id.
    pub key: String,
    /// Who must be told.
    pub stakeholder: StakeholderId,
    /// What starts the clock.
    pub trigger: Condition,
    /// Turns allowed.
    pub within: u32,
    /// Why.
    pub basis: Text,
    /// An action that keeps it in place of a `Notify` of the stakeholder.
    pub kept_by: Option<ActionId>,
    /// Only a report made once the clock started keeps it.
    pub follow_up: bool,
}

impl NotificationRule {
    /// Whether completing `action` on `target` is a report under this rule: its `kept_by`
    /// action (any target), or else a `Notify` of its stakeholder.
    pub fn kept_by_act(&self, s: &Scenario, action: ActionId, target: &Target) -> bool {
        match self.kept_by {
            Some(k) => action == k,
            None => {
                s.actions[action].verb == Verb::Notify
                    && *target == Target::Stakeholder(self.stakeholder)
            }
        }
    }
}

/// An adversary stage.
#[derive(Debug, Clone)]
pub struct Stage {
    /// Id.
    pub key: String,
    /// Name.
    pub name: Text,
    /// ATT&CK tactic.
    pub tactic: Tactic,
    /// ATT&CK technique id.
    pub technique: String,
    /// All of these first.
    pub after: Vec<StageId>,
    /// One of these first.
    pub after_any: Vec<StageId>,
    /// Where it acts from.
    pub via: Via,
    /// The host acted on.
    pub target: HostId,
    /// Stolen account it needs.
    pub uses: Option<AccountId>,
    /// Vulnerability of the target it exploits.
    pub exploits: Option<String>,
    /// Privilege needed where it acts from.
    pub privilege: Privilege,
    /// Mitigations that block it.
    pub stopped_by: Vec<MitigationId>,
    /// Further conditions.
    pub requires: Vec<Condition>,
    /// Chance per turn, percent.
    pub chance: u32,
    /// Fires every turn it can.
    pub repeat: bool,
    /// Needs a reaction to enable it.
    pub alternative: bool,
    /// The adversary's goal.
    pub goal: bool,
    /// Reaching the goal ends the session at once.
    pub ends: bool,
    /// Effects.
    pub effects: Vec<Effect>,
    /// Traces it leaves.
    pub traces: Vec<TraceId>,
    /// Reactions when blocked.
    pub on_blocked: Vec<Reaction>,
}

/// Where a stage acts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// Inbound from attacker infrastructure on the internet.
    Internet(AddressId),
    /// A user opens something from attacker infrastructure.
    Lure(AddressId),
    /// A host the attacker holds.
    Host(HostId),
    /// The target itself, through the command channel.
    Target,
    /// The malware on the target, on its own.
    Implant,
    /// Physical access.
    Physical,
}

/// A stage effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Foothold on the target.
    Foothold {
        /// Privilege.
        level: Privilege,
        /// Command-and-control address.
        c2: Option<AddressId>,
    },
    /// Stolen credentials.
    StealCredentials(Vec<AccountId>),
    /// Exfiltrated data.
    Exfiltrate(Vec<DataSetId>),
    /// Target encrypted.
    Encrypt,
    /// Target's services down for some turns.
    Disrupt(u32),
}

/// A reaction to being blocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reaction {
    /// Enable an alternative stage.
    Switch(StageId),
    /// Go quiet for some turns.
    Dormant(u32),
    /// Give the stage up.
    Abandon,
}

/// A trace.
#[derive(Debug, Clone)]
pub struct Trace {
    /// Id.
    pub key: String,
    /// The stage that leaves it.
    pub stage: StageId,
    /// Source.
    pub source: Source,
    /// How it is seen.
    pub seen_in: SeenIn,
    /// Host it is on.
    pub host: HostId,
    /// Severity.
    pub severity: Severity,
    /// Text.
    pub text: Text,
    /// What it reveals.
    pub reveals: Vec<Reveal>,
}

/// What a trace or alert reveals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reveal {
    /// An address.
    Address(AddressId),
    /// A compromised host.
    Host(HostId),
    /// A compromised account.
    Account(AccountId),
    /// A trace, which counts as found.
    Trace(TraceId),
}

/// A noise source.
#[derive(Debug, Clone)]
pub struct Noise {
    /// Id.
    pub key: String,
    /// Host.
    pub host: HostId,
    /// Source.
    pub source: Source,
    /// Chance per turn, percent.
    pub chance: u32,
    /// Severity.
    pub severity: Severity,
    /// Text.
    pub text: Text,
    /// What it reveals.
    pub reveals: Vec<Reveal>,
}

/// An inject.
#[derive(Debug, Clone)]
pub struct Inject {
    /// Id.
    pub key: String,
    /// Trigger.
    pub trigger: Condition,
    /// Delay after the trigger.
    pub delay: u32,
    /// Channel.
    pub channel: Channel,
    /// Sender.
    pub from: StakeholderId,
    /// Subject.
    pub subject: Text,
    /// Body.
    pub body: Text,
    /// Non-technical pressure.
    pub pressure: bool,
    /// Question.
    pub question: Option<Question>,
    /// What it tells the team once it arrives: the addresses it names, then its `reveals`.
    pub reveals: Vec<Reveal>,
    /// Traces that raise an alert once it has arrived.
    pub detects: Vec<TraceId>,
}

/// An inject's question.
#[derive(Debug, Clone)]
pub struct Question {
    /// The question.
    pub prompt: Text,
    /// Choices, in file order.
    pub choices: Vec<Choice>,
    /// Turns allowed to answer.
    pub answer_within: Option<u32>,
}

impl Trace {
    /// Whether monitoring on its host (or the host's segment) raises it as an alert.
    pub fn host_alerting(&self, s: &Scenario) -> bool {
        s.hosts[self.host].alerting.contains(&self.source)
    }
}

impl Question {
    /// Index of the choice with this key.
    pub fn choice(&self, key: &str) -> Option<usize> {
        self.choices.iter().position(|c| c.key == key)
    }
}

/// An answer to a question.
#[derive(Debug, Clone)]
pub struct Choice {
    /// Id.
    pub key: String,
    /// Text.
    pub text: Text,
    /// Right answer.
    pub correct: bool,
    /// Concealment.
    pub concealment: bool,
    /// Right only when this held before the answer (instead of `correct`).
    pub right_if: Option<Condition>,
    /// Debrief explanation.
    pub feedback: Option<Text>,
    /// What choosing it does at once.
    pub effects: Vec<ChoiceEffect>,
}

/// What an answer does to the world when it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChoiceEffect {
    /// The host is isolated.
    Isolate(HostId),
    /// The mitigation is on.
    Mitigate(MitigationId),
    /// The address is blocked.
    Block(AddressId),
    /// The function is stopped for this many turns, the current one included.
    Stop(FunctionId, u32),
}

/// An action.
#[derive(Debug, Clone)]
pub struct Action {
    /// Id.
    pub key: String,
    /// Verb.
    pub verb: Verb,
    /// Name.
    pub name: Text,
    /// Description.
    pub description: Option<Text>,
    /// Effort per turn.
    pub cost: u32,
    /// Duration in turns.
    pub turns: u32,
    /// Allowed targets (empty: any of the verb's kind).
    pub only: Vec<Target>,
    /// Functions down while it runs.
    pub disrupts: Vec<FunctionId>,
    /// Destroys the target host's evidence.
    pub destroys_evidence: bool,
    /// Effort added to later turns.
    pub adds_effort: u32,
}

/// What kind of target a verb takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TargetKind {
    /// No target.
    Org,
    /// A host.
    Host,
    /// A segment.
    Segment,
    /// An account.
    Account,
    /// An address.
    Address,
    /// An alert.
    Alert,
    /// A stakeholder.
    Stakeholder,
    /// A mitigation.
    Mitigation,
    /// A findings report.
    Findings,
}

impl TargetKind {
    /// The word used in messages and in RON (`Host`, `Alert` …).
    pub fn name(self) -> &'static str {
        match self {
            TargetKind::Org => "Org",
            TargetKind::Host => "Host",
            TargetKind::Segment => "Segment",
            TargetKind::Account => "Account",
            TargetKind::Address => "Address",
            TargetKind::Alert => "Alert",
            TargetKind::Stakeholder => "Stakeholder",
            TargetKind::Mitigation => "Mitigation",
            TargetKind::Findings => "Findings",
        }
    }
}

impl Verb {
    /// Every verb, in a fixed order.
    pub const ALL: [Verb; 21] = [
        Verb::Triage,
        Verb::AnalyseLogs,
        Verb::ImageDisk,
        Verb::Scan,
        Verb::IsolateHost,
        Verb::IsolateSegment,
        Verb::Reconnect,
        Verb::ReconnectSegment,
        Verb::BlockAddress,
        Verb::DisableAccount,
        Verb::ResetCredentials,
        Verb::Reimage,
        Verb::Patch,
        Verb::RestoreBackup,
        Verb::Mitigate,
        Verb::Notify,
        Verb::PressStatement,
        Verb::SubmitFindings,
        Verb::UnblockAddress,
        Verb::EnableAccount,
        Verb::Unmitigate,
    ];

    /// The kind of target the verb takes.
    pub fn target_kind(self) -> TargetKind {
        match self {
            Verb::Triage => TargetKind::Alert,
            Verb::AnalyseLogs
            | Verb::ImageDisk
            | Verb::IsolateHost
            | Verb::Reconnect
            | Verb::Reimage
            | Verb::Patch
            | Verb::RestoreBackup => TargetKind::Host,
            Verb::Scan | Verb::IsolateSegment | Verb::ReconnectSegment => TargetKind::Segment,
            Verb::BlockAddress | Verb::UnblockAddress => TargetKind::Address,
            Verb::DisableAccount | Verb::ResetCredentials | Verb::EnableAccount => {
                TargetKind::Account
            }
            Verb::Mitigate | Verb::Unmitigate => TargetKind::Mitigation,
            Verb::Notify => TargetKind::Stakeholder,
            Verb::PressStatement => TargetKind::Org,
            Verb::SubmitFindings => TargetKind::Findings,
        }
    }
}

/// A hint.
#[derive(Debug, Clone)]
pub struct Hint {
    /// Id.
    pub key: String,
    /// First turn.
    pub from_turn: u32,
    /// Points.
    pub cost: u32,
    /// What it is about (shown before it is taken).
    pub topic: Option<Text>,
    /// Offered only while this holds.
    pub when: Option<Condition>,
    /// Text.
    pub text: Text,
}

/// An entry vector on the findings form.
#[derive(Debug, Clone)]
pub struct EntryVector {
    /// Id.
    pub key: String,
    /// Text.
    pub text: Text,
    /// Stages it stands for.
    pub stages: Vec<StageId>,
}

/// A root cause on the findings form.
#[derive(Debug, Clone)]
pub struct RootCause {
    /// Id.
    pub key: String,
    /// Text.
    pub text: Text,
    /// Whether it is the (or a) true root cause.
    pub correct: bool,
}

/// A scored objective.
#[derive(Debug, Clone)]
pub struct Objective {
    /// Id.
    pub key: String,
    /// Name.
    pub name: Text,
    /// Full points.
    pub points: u32,
    /// Points lost per turn late.
    pub decay: u32,
    /// Learning objectives.
    pub learning: Vec<LearningId>,
    /// The scenario's own advice for the improvement plan, if it gives one.
    pub advice: Option<Text>,
    /// What earns it.
    pub kind: ObjectiveKind,
}

/// What earns an objective.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectiveKind {
    /// None of these stages happens (a stage, or the copies of a set-target stage).
    Prevent(Vec<StageId>),
    /// Confirmed compromise by a turn.
    Detect {
        /// Deadline.
        by_turn: u32,
    },
    /// Contained within turns of first foothold.
    Contain {
        /// Turns.
        within: u32,
    },
    /// Imaged before rebuilt.
    PreserveEvidence,
    /// Notification rule kept.
    Notify(RuleId),
    /// Function up at a turn.
    Restore {
        /// Function.
        function: FunctionId,
        /// Deadline.
        by_turn: u32,
    },
    /// Findings field right.
    Finding(FindingField),
    /// Question answered right.
    Answer(InjectId),
    /// An action done: by a turn, once something held, before something held.
    Done {
        /// The action.
        action: ActionId,
        /// Deadline.
        by_turn: Option<u32>,
        /// Counts only once this held; applies only if it ever held.
        after: Option<Condition>,
        /// Must be done before this first held.
        before: Option<Condition>,
    },
}

/// Penalty points.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Penalties {
    /// Per clean host isolated.
    pub clean_isolation: u32,
    /// Per clean host reimaged or restored.
    pub clean_reimage: u32,
    /// Per compromised host whose evidence was destroyed unimaged.
    pub evidence_destroyed: u32,
    /// Per concealment answer.
    pub concealment: u32,
    /// Per wrong answer that is not concealment.
    pub wrong_answer: u32,
    /// Per wrong findings item.
    pub wrong_finding: u32,
    /// Per legitimate address blocked.
    pub needless_block: u32,
}

/// A grade band.
#[derive(Debug, Clone)]
pub struct Grade {
    /// Lowest percentage.
    pub min_percent: u32,
    /// Label.
    pub label: Text,
}

/// A resolved condition (see [`RawCondition`](super::raw::RawCondition) for each meaning).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// The current turn is at least this.
    Turn(u32),
    /// The stage has happened.
    StageDone(StageId),
    /// The team has found or triaged the trace.
    TraceFound(TraceId),
    /// The alert has reached the inbox.
    AlertSeen(AlertId),
    /// The inject has been delivered.
    InjectReceived(InjectId),
    /// The inject was answered with this choice.
    Answered(InjectId, usize),
    /// The stakeholder has been notified.
    Notified(StakeholderId),
    /// The action has completed at least once.
    ActionDone(ActionId),
    /// The attacker holds the host.
    HostCompromised(HostId),
    /// The host is isolated.
    HostIsolated(HostId),
    /// The address is blocked.
    AddressBlocked(AddressId),
    /// The mitigation is on.
    Mitigated(MitigationId),
    /// The account's credentials are stolen and still valid.
    CredentialsStolen(AccountId),
    /// The data set has been exfiltrated.
    DataExfiltrated(DataSetId),
    /// The business function is down.
    FunctionDown(FunctionId),
    /// The attacker holds no host it can still command.
    Contained,
    /// The attacker holds no host at all.
    Evicted,
    /// The team has submitted a findings report.
    FindingsSubmitted,
    /// The last findings report is mostly right (see the format's conditions).
    FindingsRight(u32),
    /// All hold.
    All(Vec<Condition>),
    /// At least one holds.
    Any(Vec<Condition>),
    /// Does not hold.
    Not(Box<Condition>),
}

/// One turn of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnPlan {
    /// Turn.
    pub turn: u32,
    /// Commands.
    pub commands: Vec<Command>,
}

/// A resolved command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    /// Start an action.
    Act {
        /// Action.
        action: ActionId,
        /// Target.
        target: Target,
    },
    /// Answer a question.
    Answer {
        /// Inject.
        inject: InjectId,
        /// Choice index.
        choice: usize,
    },
    /// Take a hint.
    Hint(HintId),
    /// Reply to a facilitator's question (drills only).
    Reply {
        /// The message's number.
        message: u32,
        /// Choice index (0-based).
        choice: usize,
    },
}

/// A resolved target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    /// Nothing in particular (press statements).
    Org,
    /// A host.
    Host(HostId),
    /// A segment.
    Segment(SegmentId),
    /// An account.
    Account(AccountId),
    /// An outside address.
    Address(AddressId),
    /// An alert.
    Alert(AlertId),
    /// A stakeholder.
    Stakeholder(StakeholderId),
    /// A mitigation.
    Mitigation(MitigationId),
    /// A findings report (boxed: it is much larger than the other targets, which commands,
    /// tasks and events hold by value).
    Findings(Box<Findings>),
}

impl Target {
    /// The kind of this target.
    pub fn kind(&self) -> TargetKind {
        match self {
            Target::Org => TargetKind::Org,
            Target::Host(_) => TargetKind::Host,
            Target::Segment(_) => TargetKind::Segment,
            Target::Account(_) => TargetKind::Account,
            Target::Address(_) => TargetKind::Address,
            Target::Alert(_) => TargetKind::Alert,
            Target::Stakeholder(_) => TargetKind::Stakeholder,
            Target::Mitigation(_) => TargetKind::Mitigation,
            Target::Findings(_) => TargetKind::Findings,
        }
    }
}

/// A findings report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Findings {
    /// Entry vector.
    pub entry: EntryId,
    /// Hosts named compromised (sorted, no duplicates).
    pub hosts: Vec<HostId>,
    /// Data sets named exfiltrated (sorted, no duplicates).
    pub data: Vec<DataSetId>,
    /// Turn of first compromise.
    pub first_turn: u32,
    /// The root cause named, on a form that asks for one. Left out of the state's encoding
    /// when none (so digests of reports without one are those of earlier versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_cause: Option<RootCauseId>,
}
