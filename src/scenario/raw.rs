//! The serde mirror of a scenario `.ron` file: loose strings and options, no cross-checks.
//!
//! Everything here is exactly what an author writes; `validate.rs` turns it into the typed
//! [`model`](super::model). Every struct denies unknown fields so a typo is an error, not a
//! silently ignored line. Field-by-field documentation lives in `docs/scenario-format.md`;
//! keep the two in step.

use serde::{Deserialize, Serialize};

/// A piece of player-visible text in English and Japanese: `(en: "…", ja: "…")`.
///
/// Either language may be missing (a warning); both missing is an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Text")]
pub struct RawText {
    /// English.
    #[serde(default)]
    pub en: Option<String>,
    /// Japanese.
    #[serde(default)]
    pub ja: Option<String>,
}

/// `true`, for serde defaults.
fn yes() -> bool {
    true
}

/// A whole scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Scenario")]
pub struct RawScenario {
    /// Format version: 1 or 2 (this build writes the documentation of 2; version 1 files load
    /// unchanged, and `check` names what in them needs `format: 2`).
    pub format: u32,
    /// The scenario's id (1–64 ASCII letters, digits, `-`, `_` or `.`).
    pub id: String,
    /// Title shown in menus and reports.
    pub title: RawText,
    /// One-paragraph summary for the briefing.
    pub summary: RawText,
    /// CYDER course: `A` beginner, `B` intermediate, `C` advanced.
    pub difficulty: Difficulty,
    /// In-game minutes that one turn stands for.
    pub minutes_per_turn: u32,
    /// When the exercise starts in the story, as the organisation's wall clock shows it
    /// (`"2026-07-14T09:00"`): the clock shows the day and time instead of the time elapsed.
    #[serde(default)]
    pub start: Option<String>,
    /// What really happened, told at the debrief (format 2).
    #[serde(default)]
    pub debrief: Option<RawText>,
    /// The session ends after this turn.
    pub max_turns: u32,
    /// Effort points a team has each turn (its staff).
    pub effort_per_turn: u32,
    /// What a trainee should learn; objectives refer to these.
    #[serde(default)]
    pub learning_objectives: Vec<RawLearningObjective>,
    /// Free-form tags (for catalogues).
    #[serde(default)]
    pub tags: Vec<String>,
    /// The organisation the team defends.
    pub organisation: RawOrganisation,
    /// People and bodies the team deals with.
    #[serde(default)]
    pub stakeholders: Vec<RawStakeholder>,
    /// Who must be told, within how many turns of what.
    #[serde(default)]
    pub notifications: Vec<RawNotificationRule>,
    /// The scripted attacker.
    pub adversary: RawAdversary,
    /// Benign alerts (false positives).
    #[serde(default)]
    pub noise: Vec<RawNoise>,
    /// Messages that reach the team.
    #[serde(default)]
    pub injects: Vec<RawInject>,
    /// What the team can do in this scenario.
    pub actions: Vec<RawAction>,
    /// Hints a team may buy with points.
    #[serde(default)]
    pub hints: Vec<RawHint>,
    /// The options offered on the findings report.
    #[serde(default)]
    pub findings: RawFindingsForm,
    /// What is scored.
    pub scoring: RawScoring,
    /// When the session ends and who has won.
    pub end: RawEnd,
    /// The reference solution.
    pub walkthrough: Vec<RawTurnPlan>,
}

/// CYDER course level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
pub enum Difficulty {
    /// Beginner.
    A,
    /// Intermediate.
    B,
    /// Advanced.
    C,
}

/// A learning objective.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "LearningObjective")]
pub struct RawLearningObjective {
    /// Id, referred to by `scoring.objectives[].learning`.
    pub id: String,
    /// What the trainee should be able to do afterwards.
    pub text: RawText,
    /// The competency it trains: a NIST CSF 2.0 category id such as `"RS.AN"`.
    #[serde(default)]
    pub competency: Option<String>,
}

/// The organisation: its network and what depends on it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Organisation")]
pub struct RawOrganisation {
    /// Name of the organisation.
    pub name: RawText,
    /// A short description for the briefing.
    pub description: RawText,
    /// The trainee team's role in it.
    pub role: RawText,
    /// Network segments.
    pub segments: Vec<RawSegment>,
    /// Hosts.
    pub hosts: Vec<RawHost>,
    /// Accounts.
    #[serde(default)]
    pub accounts: Vec<RawAccount>,
    /// Data sets.
    #[serde(default)]
    pub data_sets: Vec<RawDataSet>,
    /// Business functions that depend on hosts and accounts.
    #[serde(default)]
    pub business_functions: Vec<RawFunction>,
    /// Legitimate outside addresses the organisation relies on.
    #[serde(default)]
    pub external_addresses: Vec<RawExternalAddress>,
    /// Protective measures the team may switch on (`Mitigate` actions).
    #[serde(default)]
    pub mitigations: Vec<RawMitigation>,
}

/// A network segment.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Segment")]
pub struct RawSegment {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: RawText,
    /// What kind of network this is.
    pub kind: SegmentKind,
    /// Segments that hosts here can open connections to (one direction).
    #[serde(default)]
    pub reaches: Vec<String>,
    /// Network-level monitoring covering every host in the segment.
    #[serde(default)]
    pub monitoring: Vec<Source>,
}

/// Kind of network segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
pub enum SegmentKind {
    /// The public internet; where `via: Internet(..)` stages come from.
    Internet,
    /// Demilitarised zone: public-facing servers.
    Dmz,
    /// Office LAN: staff PCs.
    Office,
    /// Server LAN.
    Server,
    /// Operational technology / plant network.
    Ot,
    /// Wide-area network between sites.
    Wan,
    /// Cloud tenancy.
    Cloud,
    /// Management / administration network.
    Management,
    /// A subsidiary's or remote site's network.
    Remote,
}

/// A host.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Host")]
pub struct RawHost {
    /// Id, also the host name the team sees (`pc-14`).
    pub id: String,
    /// What the host is for ("Tax section PC").
    #[serde(default)]
    pub description: Option<RawText>,
    /// Kind of host.
    pub kind: HostKind,
    /// Operating system, free text ("Windows 10 22H2").
    pub os: String,
    /// Segment id.
    pub segment: String,
    /// Internal address, for display.
    #[serde(default)]
    pub address: Option<String>,
    /// How much the organisation depends on it.
    pub criticality: Criticality,
    /// Services it offers, free text ("smb", "rdp", "https").
    #[serde(default)]
    pub services: Vec<String>,
    /// Data set ids stored on it.
    #[serde(default)]
    pub data: Vec<String>,
    /// Host-level monitoring that raises alerts.
    #[serde(default)]
    pub monitoring: Vec<Source>,
    /// Whether its logs are forwarded off the host (they survive a reimage).
    #[serde(default)]
    pub log_forwarding: bool,
    /// Named weaknesses that `Patch` removes and stages may `exploit`.
    #[serde(default)]
    pub vulnerabilities: Vec<String>,
    /// Whether a usable backup exists (`RestoreBackup`).
    #[serde(default)]
    pub backup: bool,
}

/// Kind of host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
pub enum HostKind {
    /// A staff PC.
    Workstation,
    /// A staff laptop.
    Laptop,
    /// A general server.
    Server,
    /// Active Directory domain controller.
    DomainController,
    /// File server.
    FileServer,
    /// Database server.
    Database,
    /// Web server.
    WebServer,
    /// Mail server.
    MailServer,
    /// VPN gateway.
    VpnGateway,
    /// Firewall or router.
    NetworkDevice,
    /// PLC, HMI or other plant controller.
    Controller,
    /// A third-party or cloud service the organisation uses.
    CloudService,
}

/// How much the organisation depends on an asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
pub enum Criticality {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

/// A monitoring or log source. On a host or segment it means "this raises alerts"; on a trace
/// it names where the trace shows up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
pub enum Source {
    /// Endpoint detection and response agent.
    Edr,
    /// Anti-virus.
    Antivirus,
    /// Intrusion detection system.
    Ids,
    /// Web proxy.
    Proxy,
    /// Firewall.
    Firewall,
    /// Web application firewall.
    Waf,
    /// Data-loss prevention.
    Dlp,
    /// Security information and event management correlation.
    Siem,
    /// Windows event logs.
    WindowsEvents,
    /// Authentication logs.
    AuthLog,
    /// Web server access logs.
    WebLog,
    /// Network flow records.
    NetFlow,
    /// DNS logs.
    Dns,
    /// Mail gateway.
    Mail,
    /// VPN gateway logs.
    VpnLog,
}

/// An account.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Account")]
pub struct RawAccount {
    /// Id, also the account name (`adm-sato`).
    pub id: String,
    /// Who or what it belongs to.
    #[serde(default)]
    pub description: Option<RawText>,
    /// Kind of account.
    pub kind: AccountKind,
    /// Where the account can log on.
    pub valid_on: Vec<RawPlace>,
}

/// Kind of account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
pub enum AccountKind {
    /// An ordinary staff account.
    User,
    /// An administrator.
    Admin,
    /// A service account used by software.
    Service,
    /// Customer accounts (treated as one population).
    Customer,
}

/// A place an account is valid on.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename = "Place")]
pub enum RawPlace {
    /// Every host.
    Everywhere,
    /// Every host in a segment.
    Segment(String),
    /// One host.
    Host(String),
}

/// A data set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "DataSet")]
pub struct RawDataSet {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: RawText,
    /// How sensitive it is.
    pub sensitivity: Sensitivity,
    /// Number of records.
    pub records: u64,
    /// The data set this one is a copy of (format 2): personal data copied from the core
    /// system to a shared folder.
    #[serde(default)]
    pub copy_of: Option<String>,
}

/// How sensitive a data set is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
pub enum Sensitivity {
    /// Public.
    Public,
    /// Internal.
    Internal,
    /// Personal data (covered by data-protection law).
    Personal,
    /// Commercially confidential.
    Confidential,
}

/// A business function.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Function")]
pub struct RawFunction {
    /// Id.
    pub id: String,
    /// Display name ("Tax-payment counter").
    pub name: RawText,
    /// Hosts it needs online.
    pub depends_on: Vec<String>,
    /// Accounts it needs enabled.
    #[serde(default)]
    pub accounts: Vec<String>,
    /// Penalty points per turn of outage.
    pub outage_cost: u32,
    /// It needs the internet (format 2): down while a host it depends on is cut off from it.
    #[serde(default)]
    pub needs_internet: bool,
}

/// A legitimate outside address.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "ExternalAddress")]
pub struct RawExternalAddress {
    /// Id.
    pub id: String,
    /// The address as shown ("203.0.113.7" or a host name).
    pub address: String,
    /// What it is.
    pub name: RawText,
    /// Business functions that stop if it is blocked.
    #[serde(default)]
    pub serves: Vec<String>,
}

/// A protective measure the team may switch on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Mitigation")]
pub struct RawMitigation {
    /// Id.
    pub id: String,
    /// Display name ("Block USB storage by group policy").
    pub name: RawText,
    /// Business functions that stop while it is on.
    #[serde(default)]
    pub disrupts: Vec<String>,
    /// Traces that raise an alert while it is on (format 2): new signatures, indicators
    /// loaded into the proxy.
    #[serde(default)]
    pub detects: Vec<String>,
    /// Copies of data sets it deletes, for good (format 2).
    #[serde(default)]
    pub removes: Vec<String>,
}

/// A stakeholder.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Stakeholder")]
pub struct RawStakeholder {
    /// Id.
    pub id: String,
    /// Kind of stakeholder.
    pub kind: StakeholderKind,
    /// Display name.
    pub name: RawText,
}

/// Kind of stakeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
pub enum StakeholderKind {
    /// The organisation's management.
    Management,
    /// A CSIRT (own, parent's or national).
    Csirt,
    /// The outsourced monitoring vendor.
    MonitoringVendor,
    /// An information sharing and analysis centre.
    Isac,
    /// Police.
    Police,
    /// A regulator.
    Regulator,
    /// A supervising ministry.
    Ministry,
    /// The press.
    Press,
    /// Customers or residents.
    Customer,
    /// A business partner (prime contractor, vendor).
    Partner,
    /// An outside incident-response firm.
    IrVendor,
    /// Staff of the organisation.
    Staff,
}

/// A notification duty.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "NotificationRule")]
pub struct RawNotificationRule {
    /// Id, referred to by `Notify` objectives.
    pub id: String,
    /// Who must be told.
    pub stakeholder: String,
    /// What starts the clock.
    pub trigger: RawCondition,
    /// Turns allowed after the trigger (0: in the same turn).
    pub within: u32,
    /// Why (the law or policy), shown with the deadline.
    pub basis: RawText,
    /// An action whose completion keeps the rule, in place of a `Notify` of the stakeholder
    /// (format 2): a press statement for a duty to tell the public.
    #[serde(default)]
    pub kept_by: Option<String>,
    /// Only a report made once the clock has started keeps it (format 2): a follow-up, interim
    /// or final report after a first one.
    #[serde(default)]
    pub follow_up: bool,
}

/// The adversary.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Adversary")]
pub struct RawAdversary {
    /// Who the attacker is (shown at the debrief).
    pub name: RawText,
    /// Attacker infrastructure (C2 servers, exfiltration drops, botnets).
    #[serde(default)]
    pub infrastructure: Vec<RawInfrastructure>,
    /// Kill-chain stages, in the order the engine tries them each turn.
    pub stages: Vec<RawStage>,
}

/// An attacker address.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Infrastructure")]
pub struct RawInfrastructure {
    /// Id.
    pub id: String,
    /// The address as shown.
    pub address: String,
    /// What it is used for.
    pub role: InfraRole,
}

/// What an attacker address is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
pub enum InfraRole {
    /// Command and control.
    C2,
    /// Where stolen data goes.
    Exfiltration,
    /// Scanning or credential-stuffing source.
    Scanner,
    /// Attack traffic (DDoS).
    Botnet,
    /// Delivery of malware or phishing.
    Delivery,
}

/// One adversary stage.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Stage")]
pub struct RawStage {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: RawText,
    /// MITRE ATT&CK tactic.
    pub tactic: Tactic,
    /// MITRE ATT&CK technique id (`T1091`, `T1021.002`).
    pub technique: String,
    /// Stages that must all be done first.
    #[serde(default)]
    pub after: Vec<String>,
    /// Stages of which at least one must be done first.
    #[serde(default)]
    pub after_any: Vec<String>,
    /// Where the attacker acts from.
    pub via: RawVia,
    /// The host acted on.
    #[serde(default)]
    pub target: String,
    /// The hosts acted on, instead of `target` (format 2): the stage is written out as one
    /// stage per host, `id@host`, each with its own roll, footholds and traces.
    #[serde(default)]
    pub targets: Option<RawTargets>,
    /// An account whose stolen credentials the stage needs (valid on the target).
    #[serde(default)]
    pub uses: Option<String>,
    /// A vulnerability of the target the stage exploits (patching blocks it).
    #[serde(default)]
    pub exploits: Option<String>,
    /// Privilege the attacker needs on the host it acts from.
    #[serde(default)]
    pub privilege: Option<Privilege>,
    /// Mitigations that block this stage while on.
    #[serde(default)]
    pub stopped_by: Vec<String>,
    /// Further conditions; all must hold.
    #[serde(default)]
    pub requires: Vec<RawCondition>,
    /// Chance per turn, in percent (1–100).
    pub chance: u32,
    /// Whether the stage fires again every turn it can (DDoS, ongoing exfiltration).
    #[serde(default)]
    pub repeat: bool,
    /// Only possible after a reaction switched to it.
    #[serde(default)]
    pub alternative: bool,
    /// Reaching it is the adversary's goal (the session is lost).
    #[serde(default)]
    pub goal: bool,
    /// Whether reaching the goal ends the session at once (format 2: `false` lets the team
    /// play the aftermath).
    #[serde(default = "yes")]
    pub ends: bool,
    /// What it does.
    #[serde(default)]
    pub effects: Vec<RawEffect>,
    /// What it leaves behind.
    #[serde(default)]
    pub traces: Vec<RawTrace>,
    /// What the attacker does when containment blocks this stage.
    #[serde(default)]
    pub on_blocked: Vec<RawReaction>,
}

/// MITRE ATT&CK tactics (enterprise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[expect(
    missing_docs,
    reason = "the MITRE ATT&CK tactic names are their own documentation"
)]
pub enum Tactic {
    Reconnaissance,
    ResourceDevelopment,
    InitialAccess,
    Execution,
    Persistence,
    PrivilegeEscalation,
    DefenseEvasion,
    CredentialAccess,
    Discovery,
    LateralMovement,
    Collection,
    CommandAndControl,
    Exfiltration,
    Impact,
}

/// Where a stage acts from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename = "Via")]
pub enum RawVia {
    /// An inbound connection from attacker infrastructure on the internet: needs an internet
    /// segment that reaches the target's segment; blocking the address stops it.
    Internet(String),
    /// A user on the target opens something from this attacker address (a phishing mail, a
    /// malicious link): no inbound path needed, but blocking the address stops it.
    Lure(String),
    /// From a host the attacker holds (needs a network path to the target).
    Host(String),
    /// On the target itself, which the attacker already holds and controls through its
    /// command channel.
    Target,
    /// The malware already on the target acts by itself (a fallback channel, a worm): needs a
    /// foothold there but no working command channel.
    Implant,
    /// Physically or by an insider: no network path needed (USB sticks).
    Physical,
}

/// Privilege level of a foothold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
pub enum Privilege {
    /// Ordinary user rights.
    User,
    /// Administrator / SYSTEM rights.
    Admin,
}

/// An effect of a stage on the target.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename = "Effect")]
pub enum RawEffect {
    /// The attacker gains a foothold on the target, controlled through `c2` (if any).
    Foothold {
        /// Privilege gained.
        level: Privilege,
        /// Infrastructure id of the command-and-control channel; blocking it cuts control.
        #[serde(default)]
        c2: Option<String>,
    },
    /// Credentials of these accounts are stolen.
    StealCredentials(Vec<String>),
    /// These data sets are exfiltrated.
    Exfiltrate(Vec<String>),
    /// The target is encrypted (ransomware) and offline until restored.
    Encrypt,
    /// The target's services are down for this many turns.
    Disrupt(u32),
}

/// Something a stage leaves behind.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Trace")]
pub struct RawTrace {
    /// Id (shared namespace with noise ids: both can be triaged as alerts).
    pub id: String,
    /// The monitoring or log source.
    pub source: Source,
    /// How the team can see it.
    pub seen_in: SeenIn,
    /// Host it is on; defaults to the stage's target.
    #[serde(default)]
    pub host: Option<String>,
    /// Alert severity.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// What the team sees.
    pub text: RawText,
    /// What the team learns when it finds or triages it.
    #[serde(default)]
    pub reveals: Vec<RawReveal>,
}

/// How a trace becomes visible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
pub enum SeenIn {
    /// An alert in the inbox at once, if the host or its segment is monitored by `source`.
    Alert,
    /// Found by `AnalyseLogs` on the host.
    Logs,
    /// Found by `ImageDisk` on the host.
    Disk,
    /// Found by `Scan` of the host's segment, while the attacker is still on the host.
    Scan,
}

/// Alert severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[expect(missing_docs, reason = "the levels are self-explanatory, lowest first")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

/// What a trace tells the team.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename = "Reveal")]
pub enum RawReveal {
    /// An address (attacker or benign) becomes known, so it can be blocked.
    Address(String),
    /// A host is shown as compromised.
    Host(String),
    /// An account is shown as compromised.
    Account(String),
    /// A trace counts as found: what it shows is put in the team's hands (format 2).
    Trace(String),
}

/// A set of hosts a stage acts on (format 2).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename = "Targets")]
pub enum RawTargets {
    /// Every host of a segment.
    Segment(String),
    /// These hosts.
    Hosts(Vec<String>),
    /// Every host of a kind (`Workstation`).
    Kind(HostKind),
}

/// An adversary reaction to being blocked.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename = "Reaction")]
pub enum RawReaction {
    /// Enable an alternative stage.
    Switch(String),
    /// The adversary goes quiet for this many turns.
    Dormant(u32),
    /// The stage is given up for good.
    Abandon,
}

/// A benign alert source.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Noise")]
pub struct RawNoise {
    /// Id (shared namespace with trace ids).
    pub id: String,
    /// Host it concerns.
    pub host: String,
    /// Monitoring source that raises it.
    pub source: Source,
    /// Chance per turn, in percent.
    pub chance: u32,
    /// Severity.
    pub severity: Severity,
    /// What the team sees.
    pub text: RawText,
    /// What the team learns when it triages it (typically a benign address).
    #[serde(default)]
    pub reveals: Vec<RawReveal>,
}

/// A message that reaches the team.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Inject")]
pub struct RawInject {
    /// Id.
    pub id: String,
    /// When it arrives: `Turn(n)` or any condition; the first turn it holds.
    pub trigger: RawCondition,
    /// Turns to wait after the trigger holds.
    #[serde(default)]
    pub delay: u32,
    /// How it arrives.
    pub channel: Channel,
    /// Stakeholder id of the sender.
    pub from: String,
    /// Subject line.
    pub subject: RawText,
    /// The message.
    pub body: RawText,
    /// Whether it is non-technical pressure (a manager, a journalist, a deadline).
    #[serde(default)]
    pub pressure: bool,
    /// A question the team must answer.
    #[serde(default)]
    pub question: Option<RawQuestion>,
    /// Outside addresses the message names: the team can act on them (block them) from the
    /// next turn.
    #[serde(default)]
    pub addresses: Vec<String>,
    /// Traces that raise an alert once it has arrived (format 2): the indicators a CSIRT
    /// shares, loaded into the organisation's monitoring.
    #[serde(default)]
    pub detects: Vec<String>,
    /// What the message tells the team (format 2): addresses, compromised hosts and accounts,
    /// and traces that count as found.
    #[serde(default)]
    pub reveals: Vec<RawReveal>,
}

/// How an inject arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[expect(
    missing_docs,
    reason = "each channel is named by the word the team sees"
)]
pub enum Channel {
    Email,
    Phone,
    Alert,
    News,
    Chat,
    Meeting,
    Ticket,
}

/// A question in an inject.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Question")]
pub struct RawQuestion {
    /// The question.
    pub prompt: RawText,
    /// The possible answers.
    pub choices: Vec<RawChoice>,
    /// Turns allowed to answer (unanswered after that counts as no answer).
    #[serde(default)]
    pub answer_within: Option<u32>,
}

/// One answer to an inject question.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Choice")]
pub struct RawChoice {
    /// Id.
    pub id: String,
    /// The answer as shown.
    pub text: RawText,
    /// Whether it is a right answer.
    #[serde(default)]
    pub correct: bool,
    /// Whether choosing it is concealment (penalised).
    #[serde(default)]
    pub concealment: bool,
    /// Right only when this held, in what really happened, before the answer was given
    /// (instead of `correct`): for answers whose truth depends on the run.
    #[serde(default)]
    pub right_if: Option<RawCondition>,
    /// Explanation shown at the debrief.
    #[serde(default)]
    pub feedback: Option<RawText>,
    /// What choosing it does at once (format 2).
    #[serde(default)]
    pub effects: Vec<RawChoiceEffect>,
}

/// What an answer does to the world when it is given (format 2).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename = "ChoiceEffect")]
pub enum RawChoiceEffect {
    /// The host is taken off the network (as `IsolateHost`).
    Isolate(String),
    /// The mitigation is switched on (as `Mitigate`).
    Mitigate(String),
    /// The address is blocked (as `BlockAddress`).
    Block(String),
    /// The business function is stopped for this many turns (the current one included).
    Stop(String, u32),
}

/// An action available in this scenario.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Action")]
pub struct RawAction {
    /// Id, used in walkthroughs and action files.
    pub id: String,
    /// The engine verb it is built on.
    pub verb: Verb,
    /// Display name.
    pub name: RawText,
    /// Longer explanation for the composer.
    #[serde(default)]
    pub description: Option<RawText>,
    /// Effort per turn while it runs.
    pub cost: u32,
    /// Turns it takes; its effect lands at the end of the last one.
    #[serde(default = "one")]
    pub turns: u32,
    /// If not empty: the only ids it may target.
    #[serde(default)]
    pub only: Vec<String>,
    /// Business functions down while it runs (beyond its natural effect).
    #[serde(default)]
    pub disrupts: Vec<String>,
    /// Whether it destroys the target host's evidence (reimage and restore always do).
    #[serde(default)]
    pub destroys_evidence: bool,
    /// Effort added to every later turn once it first completes (outside help; completing it
    /// again adds nothing).
    #[serde(default)]
    pub adds_effort: u32,
}

fn one() -> u32 {
    1
}

/// The fixed set of engine verbs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
pub enum Verb {
    /// Triage an alert: true or false positive, and what it reveals.
    Triage,
    /// Analyse a host's logs.
    AnalyseLogs,
    /// Take a forensic disk image of a host (preserves evidence, finds disk traces).
    ImageDisk,
    /// Sweep a segment for implants.
    Scan,
    /// Cut a host off the network.
    IsolateHost,
    /// Cut a segment's links to other segments.
    IsolateSegment,
    /// Bring an isolated host back.
    Reconnect,
    /// Bring an isolated segment back.
    ReconnectSegment,
    /// Block an outside address at the perimeter.
    BlockAddress,
    /// Disable an account.
    DisableAccount,
    /// Reset an account's credentials (revokes stolen ones).
    ResetCredentials,
    /// Rebuild a host from a clean image.
    Reimage,
    /// Patch a host's vulnerabilities.
    Patch,
    /// Restore a host from backup.
    RestoreBackup,
    /// Switch on a mitigation.
    Mitigate,
    /// Notify or escalate to a stakeholder.
    Notify,
    /// Issue a press statement.
    PressStatement,
    /// Submit the findings report.
    SubmitFindings,
    /// Lift a block of an outside address (format 2).
    UnblockAddress,
    /// Enable a disabled account again (format 2).
    EnableAccount,
    /// Switch a mitigation off (format 2).
    Unmitigate,
}

/// A hint.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Hint")]
pub struct RawHint {
    /// Id.
    pub id: String,
    /// First turn it can be taken.
    #[serde(default = "one")]
    pub from_turn: u32,
    /// Points it costs.
    pub cost: u32,
    /// What it is about, shown before it is taken (and its name everywhere).
    #[serde(default)]
    pub topic: Option<RawText>,
    /// Offered only while this holds (it is about something still to do).
    #[serde(default)]
    pub when: Option<RawCondition>,
    /// The hint.
    pub text: RawText,
}

/// Options offered on the findings report.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "FindingsForm")]
pub struct RawFindingsForm {
    /// Candidate entry vectors.
    #[serde(default)]
    pub entry_vectors: Vec<RawEntryVector>,
    /// Candidate root causes (format 2).
    #[serde(default)]
    pub root_causes: Vec<RawRootCause>,
}

/// A candidate root cause for the findings report.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "RootCause")]
pub struct RawRootCause {
    /// Id.
    pub id: String,
    /// As shown on the form.
    pub text: RawText,
    /// Whether it is the (or a) true root cause.
    #[serde(default)]
    pub correct: bool,
}

/// A candidate entry vector for the findings report.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "EntryVector")]
pub struct RawEntryVector {
    /// Id.
    pub id: String,
    /// As shown on the form.
    pub text: RawText,
    /// Initial-access stages this answer stands for (empty: a wrong answer).
    #[serde(default)]
    pub stages: Vec<String>,
}

/// The scoring rubric.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Scoring")]
pub struct RawScoring {
    /// Scored objectives.
    pub objectives: Vec<RawObjective>,
    /// Penalties.
    #[serde(default)]
    pub penalties: RawPenalties,
    /// Grade bands by percentage of the maximum, any order.
    #[serde(default)]
    pub grades: Vec<RawGrade>,
}

/// A scored objective.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Objective")]
pub struct RawObjective {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: RawText,
    /// Full points.
    pub points: u32,
    /// Points lost per turn late, for objectives with a deadline.
    #[serde(default)]
    pub decay: u32,
    /// Learning objective ids it counts towards.
    #[serde(default)]
    pub learning: Vec<String>,
    /// What to do better when it is missed, for the improvement plan (default: advice for
    /// its kind of objective).
    #[serde(default)]
    pub advice: Option<RawText>,
    /// What earns it.
    pub kind: RawObjectiveKind,
}

/// What earns an objective.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename = "ObjectiveKind")]
pub enum RawObjectiveKind {
    /// The stage never happens.
    Prevent(String),
    /// The team confirms a true compromise by this turn.
    Detect {
        /// Deadline turn.
        by_turn: u32,
    },
    /// The adversary is contained within this many turns of its first foothold.
    Contain {
        /// Turns allowed.
        within: u32,
    },
    /// Every compromised host that is reimaged or restored was imaged first.
    PreserveEvidence,
    /// A notification rule is kept.
    Notify(String),
    /// A business function is up at this turn.
    Restore {
        /// The function.
        function: String,
        /// Deadline turn.
        by_turn: u32,
    },
    /// A field of the last findings report is right.
    Finding(FindingField),
    /// An inject's question is answered with a right choice.
    Answer(String),
    /// An action is done (format 2): by a turn, after or before something.
    Done {
        /// The action (any target).
        action: String,
        /// Deadline turn, if any.
        #[serde(default)]
        by_turn: Option<u32>,
        /// Counts only once this has held; the objective applies only if it ever holds.
        #[serde(default)]
        after: Option<RawCondition>,
        /// Must be done before this first holds.
        #[serde(default)]
        before: Option<RawCondition>,
    },
}

/// A field of the findings report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
pub enum FindingField {
    /// How the attacker got in.
    Entry,
    /// Which hosts were compromised.
    Hosts,
    /// Which data sets were exfiltrated.
    Data,
    /// The turn of the first compromise (within one turn).
    Timeline,
    /// The root cause (format 2).
    RootCause,
}

/// Penalty points.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Penalties")]
pub struct RawPenalties {
    /// Per clean host isolated.
    #[serde(default)]
    pub clean_isolation: u32,
    /// Per clean host reimaged or restored.
    #[serde(default)]
    pub clean_reimage: u32,
    /// Per compromised host whose evidence was destroyed before it was imaged.
    #[serde(default)]
    pub evidence_destroyed: u32,
    /// Per concealment answer.
    #[serde(default)]
    pub concealment: u32,
    /// Per wrong answer that is not concealment.
    #[serde(default)]
    pub wrong_answer: u32,
    /// Per wrong item on the findings report.
    #[serde(default)]
    pub wrong_finding: u32,
    /// Per legitimate address blocked.
    #[serde(default)]
    pub needless_block: u32,
}

/// A grade band.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Grade")]
pub struct RawGrade {
    /// Lowest percentage of the maximum for this grade.
    pub min_percent: u32,
    /// The grade as shown.
    pub label: RawText,
}

/// How the session ends.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "End")]
pub struct RawEnd {
    /// When this holds, the team has won and the session ends.
    pub team_wins: RawCondition,
    /// Outcome if the last turn passes with neither side's goal reached.
    pub at_time_limit: Outcome,
}

/// The outcome of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
pub enum Outcome {
    /// The team won.
    Win,
    /// The adversary won.
    Loss,
}

/// A condition over the state of a team's world.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename = "Condition")]
pub enum RawCondition {
    /// The current turn is at least this.
    Turn(u32),
    /// The stage has happened.
    StageDone(String),
    /// The team has found or triaged this trace.
    TraceFound(String),
    /// This alert (trace or noise) has reached the team's inbox.
    AlertSeen(String),
    /// The inject has been delivered.
    InjectReceived(String),
    /// The inject was answered with this choice.
    Answered(String, String),
    /// The stakeholder has been notified.
    Notified(String),
    /// The action has completed at least once.
    ActionDone(String),
    /// The attacker holds the host.
    HostCompromised(String),
    /// The host is isolated.
    HostIsolated(String),
    /// The address is blocked.
    AddressBlocked(String),
    /// The mitigation is on.
    Mitigated(String),
    /// The account's credentials are stolen and still valid.
    CredentialsStolen(String),
    /// The data set has been exfiltrated.
    DataExfiltrated(String),
    /// The business function is down.
    FunctionDown(String),
    /// The attacker holds no host it can still control.
    Contained,
    /// The attacker holds no host at all.
    Evicted,
    /// The team has submitted a findings report.
    FindingsSubmitted,
    /// The team's last findings report is mostly right: the right entry vector, and at least
    /// this percentage of the hosts and data sets it names and should name right.
    FindingsRight(u32),
    /// All hold.
    All(Vec<RawCondition>),
    /// At least one holds.
    Any(Vec<RawCondition>),
    /// Does not hold.
    Not(Box<RawCondition>),
}

/// The reference solution's (or an action file's) commands for one turn.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "TurnPlan")]
pub struct RawTurnPlan {
    /// The turn (1-based).
    pub turn: u32,
    /// What the team does.
    pub actions: Vec<RawCommand>,
}

/// One thing a team does in a turn.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename = "Command")]
pub enum RawCommand {
    /// Start an action on a target.
    Act(String, RawTarget),
    /// Answer an inject's question.
    Answer(String, String),
    /// Take a hint.
    Hint(String),
    /// Reply to a facilitator's question in a drill: the message's number, then the choice's
    /// number (from 1, in the order shown).
    Reply(u32, u32),
}

/// What an action is aimed at.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename = "Target")]
pub enum RawTarget {
    /// Nothing in particular (press statements).
    Org,
    /// A host.
    Host(String),
    /// A segment.
    Segment(String),
    /// An account.
    Account(String),
    /// An outside address.
    Address(String),
    /// An alert (trace or noise id).
    Alert(String),
    /// A stakeholder.
    Stakeholder(String),
    /// A mitigation.
    Mitigation(String),
    /// A findings report.
    Findings {
        /// Entry vector id.
        entry: String,
        /// Compromised host ids.
        hosts: Vec<String>,
        /// Exfiltrated data set ids.
        data: Vec<String>,
        /// Turn of the first compromise.
        first_turn: u32,
        /// Root cause id, on a form that asks for one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        root_cause: Option<String>,
    },
}
