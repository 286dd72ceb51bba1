//! Raw scenario to validated model: per-item checks, then cross-references, then whole-scenario
//! analyses (can every stage happen, can every objective be met, does the walkthrough fit).
//!
//! Validation never stops at the first problem: every item is checked and every problem is
//! recorded with its path. Whole-scenario analyses run only once every reference resolves,
//! since they reason over the finished model.

mod adversary;
mod commands;
mod content;
mod expand;
mod organisation;

use std::collections::BTreeMap;

pub use commands::{CommandError, resolve_command};

use super::model::{Id, Lang, Scenario, Table, Text};
use super::problem::{Path, Problems};
use super::raw::{RawScenario, RawText};

/// The newest format version this build reads (it reads every version from 1 on).
pub const FORMAT_VERSION: u32 = 2;

/// Kinds of named things, for reference resolution and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    Learning,
    Segment,
    Host,
    Account,
    DataSet,
    Function,
    Address,
    Mitigation,
    Stakeholder,
    Rule,
    Stage,
    Trace,
    Noise,
    Inject,
    Action,
    Hint,
    Entry,
    RootCause,
    Objective,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Learning => "learning objective",
            Kind::Segment => "segment",
            Kind::Host => "host",
            Kind::Account => "account",
            Kind::DataSet => "data set",
            Kind::Function => "business function",
            Kind::Address => "address",
            Kind::Mitigation => "mitigation",
            Kind::Stakeholder => "stakeholder",
            Kind::Rule => "notification rule",
            Kind::Stage => "stage",
            Kind::Trace => "trace",
            Kind::Noise => "noise alert",
            Kind::Inject => "inject",
            Kind::Action => "action",
            Kind::Hint => "hint",
            Kind::Entry => "entry vector",
            Kind::RootCause => "root cause",
            Kind::Objective => "objective",
        }
    }

    /// Kinds whose ids must not collide with this one's.
    fn namespace(self) -> &'static [Kind] {
        match self {
            Kind::Trace | Kind::Noise => &[Kind::Trace, Kind::Noise],
            _ => &[],
        }
    }
}

/// Validation state: problems so far, and the ids declared per kind.
pub(crate) struct Ctx {
    pub p: Problems,
    names: BTreeMap<Kind, BTreeMap<String, usize>>,
    /// Texts checked, and how many lacked each language.
    pub texts: usize,
    pub missing: [usize; 2],
    /// The file's format version.
    pub format: u32,
    /// Ids made by writing out set-target stages (`id@host`), exempt from the id form.
    pub generated: std::collections::BTreeSet<String>,
    /// What each set-target stage or its traces' ids stand for: their copies.
    pub groups: expand::Groups,
    /// Per stage of the written-out scenario: the index of the stage written in the file.
    pub origin: Vec<usize>,
    /// Per stage: where it is written (a copy of a set-target stage: the stage written).
    pub stage_paths: Vec<Path>,
}

impl Ctx {
    fn new() -> Self {
        Self {
            p: Problems::default(),
            names: BTreeMap::new(),
            texts: 0,
            missing: [0, 0],
            format: FORMAT_VERSION,
            generated: std::collections::BTreeSet::new(),
            groups: expand::Groups::new(),
            origin: Vec::new(),
            stage_paths: Vec::new(),
        }
    }

    /// Where stage `index` (of the written-out scenario) is written.
    pub fn stage_path(&self, index: usize, key: &str) -> Path {
        self.stage_paths.get(index).cloned().unwrap_or_else(|| {
            Path::root()
                .field("adversary")
                .field("stages")
                .item(index, key)
        })
    }

    /// Refuses a format-2 feature in a file of format 1, naming the feature.
    pub fn needs_v2(&mut self, path: &Path, what: &str) {
        if self.format < 2 {
            self.p.error_hint(
                path,
                format!("{what} needs `format: 2`"),
                "write `format: 2` at the top of the file: everything a version-1 file says means the same in version 2",
            );
        }
    }

    /// Checks an id's form and uniqueness; returns whether it was accepted (the first item
    /// with a given id is kept, later ones are reported and skipped).
    pub fn declare(&mut self, kind: Kind, id: &str, path: &Path) -> bool {
        let id_path = path.field("id");
        if !self.generated.contains(id) && !check_id_form(&mut self.p, id, &id_path) {
            return false;
        }
        let clash = std::iter::once(kind)
            .chain(kind.namespace().iter().copied())
            .find(|k| self.names.get(k).is_some_and(|m| m.contains_key(id)));
        if let Some(other) = clash {
            let message = if other == kind {
                format!("duplicate {} id `{id}`", kind.noun())
            } else {
                format!(
                    "id `{id}` is already used by a {}; {} and {} ids share one namespace",
                    other.noun(),
                    kind.noun(),
                    other.noun()
                )
            };
            self.p
                .error_hint(&id_path, message, "ids must be unique; rename one of them");
            return false;
        }
        let names = self.names.entry(kind).or_default();
        let index = names.len();
        names.insert(id.to_owned(), index);
        true
    }

    /// Whether an id of this kind was declared.
    pub fn known(&self, kind: Kind, id: &str) -> bool {
        self.names.get(&kind).is_some_and(|m| m.contains_key(id))
    }

    /// Index of a declared id, without reporting anything.
    pub fn lookup(&self, kind: Kind, id: &str) -> Option<usize> {
        self.names.get(&kind).and_then(|m| m.get(id)).copied()
    }

    /// Resolves a reference, reporting an unknown id with the closest known one or the kind it
    /// actually is.
    pub fn resolve<T>(&mut self, kind: Kind, key: &str, path: &Path) -> Option<Id<T>> {
        self.resolve_any(&[kind], key, path)
            .map(|(_, i)| Id::new(i))
    }

    /// Checks that a reference resolves (reporting it if not), when only that matters.
    pub fn check(&mut self, kinds: &[Kind], key: &str, path: &Path) {
        let _ = self.resolve_any(kinds, key, path);
    }

    /// Resolves a reference that may be of several kinds; returns the kind it turned out to be.
    pub fn resolve_any(&mut self, kinds: &[Kind], key: &str, path: &Path) -> Option<(Kind, usize)> {
        for &kind in kinds {
            if let Some(i) = self.lookup(kind, key) {
                return Some((kind, i));
            }
        }
        let nouns: Vec<&str> = kinds.iter().map(|k| k.noun()).collect();
        let noun = nouns.join(" or ");
        let (message, hint) = self.unknown(kinds, &noun, key);
        match hint {
            Some(hint) => self.p.error_hint(path, message, hint),
            None => self.p.error(path, message),
        }
        None
    }

    fn unknown(&self, kinds: &[Kind], noun: &str, key: &str) -> (String, Option<String>) {
        let message = format!("unknown {noun} {}", crate::text::quoted(key));
        let elsewhere: Vec<&str> = self
            .names
            .iter()
            .filter(|(k, m)| !kinds.contains(k) && m.contains_key(key))
            .map(|(k, _)| k.noun())
            .collect();
        if let Some(other) = elsewhere.first() {
            return (
                message,
                Some(format!(
                    "{} is {}, not {}",
                    crate::text::quoted(key),
                    with_article(other),
                    with_article(noun)
                )),
            );
        }
        let candidates: Vec<&String> = kinds
            .iter()
            .filter_map(|k| self.names.get(k))
            .flat_map(|m| m.keys())
            .collect();
        let hint = closest(key, candidates.iter().map(|s| s.as_str()))
            .map(|best| format!("did you mean `{best}`?"))
            .or_else(|| {
                if candidates.is_empty() {
                    Some(format!("no {noun} is defined"))
                } else {
                    let mut shown: Vec<&str> =
                        candidates.iter().take(6).map(|s| s.as_str()).collect();
                    if candidates.len() > shown.len() {
                        shown.push("…");
                    }
                    Some(format!("known: {}", shown.join(", ")))
                }
            });
        (message, hint)
    }

    /// Converts a text, warning about a missing language and rejecting an empty one.
    pub fn text(&mut self, raw: &RawText, path: &Path) -> Text {
        self.texts += 1;
        let en = raw.en.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let ja = raw.ja.as_deref().map(str::trim).filter(|s| !s.is_empty());
        match (en, ja) {
            (None, None) => {
                self.missing[0] += 1;
                self.missing[1] += 1;
                self.p.error_hint(
                    path,
                    "text is empty in both languages",
                    "write it as `(en: \"…\", ja: \"…\")`",
                );
                Text::default()
            }
            (Some(en), None) => {
                self.missing[1] += 1;
                self.p.warn_hint(
                    path,
                    "Japanese text (`ja`) is missing; English will be shown",
                    "add `ja: \"…\"`",
                );
                Text {
                    en: en.to_owned(),
                    ja: en.to_owned(),
                }
            }
            (None, Some(ja)) => {
                self.missing[0] += 1;
                self.p.warn_hint(
                    path,
                    "English text (`en`) is missing; Japanese will be shown",
                    "add `en: \"…\"`",
                );
                Text {
                    en: ja.to_owned(),
                    ja: ja.to_owned(),
                }
            }
            (Some(en), Some(ja)) => Text {
                en: en.to_owned(),
                ja: ja.to_owned(),
            },
        }
    }

    /// Converts an optional text.
    pub fn opt_text(&mut self, raw: Option<&RawText>, path: &Path) -> Option<Text> {
        raw.map(|t| self.text(t, path))
    }

    /// Checks that a number lies in a range.
    pub fn range(&mut self, value: u32, min: u32, max: u32, path: &Path, what: &str) -> bool {
        if value < min || value > max {
            self.p.error(
                path,
                format!("{what} must be between {min} and {max}, not {value}"),
            );
            false
        } else {
            true
        }
    }

    /// Languages with no missing text.
    pub fn complete_languages(&self) -> Vec<Lang> {
        Lang::ALL
            .into_iter()
            .zip(self.missing)
            .filter(|(_, missing)| *missing == 0)
            .map(|(lang, _)| lang)
            .collect()
    }
}

/// "a host", "an account".
fn with_article(noun: &str) -> String {
    let vowel = noun.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {noun}", if vowel { "an" } else { "a" })
}

/// The closest candidate to `key` by edit distance, if any is close enough to be a likely typo.
pub(crate) fn closest<'a>(key: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (key.chars().count() / 3).max(1);
    candidates
        .map(|c| (strsim::levenshtein(key, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// Ids are 1–64 ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit.
pub(crate) fn check_id_form(p: &mut Problems, id: &str, path: &Path) -> bool {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id.starts_with(|c: char| c.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !ok {
        p.error_hint(
            path,
            format!("{} is not a valid id", crate::text::quoted(id)),
            "ids are 1 to 64 ASCII letters, digits, `-`, `_` or `.`, starting with a letter or digit",
        );
    }
    ok
}

/// Collects a list of resolved references, `None` if any failed.
pub(crate) fn all<T>(items: Vec<Option<T>>) -> Option<Vec<T>> {
    items.into_iter().collect()
}

/// Builds a table from items that were each built or failed.
pub(crate) fn table<T: super::model::Keyed>(items: Vec<Option<T>>) -> Option<Table<T>> {
    all(items).map(Table::from_items)
}

/// What validation produced: the scenario (only if there was no error) and statistics.
pub(crate) struct Outcome {
    pub scenario: Option<Scenario>,
    pub languages: Vec<Lang>,
}

/// Validates a deserialized scenario. Problems are recorded in `problems`.
pub(crate) fn validate(raw: &RawScenario, problems: &mut Problems) -> Outcome {
    let mut ctx = Ctx::new();
    let root = Path::root();
    if !(1..=FORMAT_VERSION).contains(&raw.format) {
        ctx.p.error_hint(
            &root.field("format"),
            format!("unsupported format version {}", raw.format),
            format!("this build of cyberdrill reads formats 1 to {FORMAT_VERSION}"),
        );
    }
    ctx.format = raw.format;
    let mut groups = expand::Groups::new();
    let expanded = expand::expand(&mut ctx, raw, &mut groups);
    ctx.groups = groups;
    if let Some(e) = &expanded {
        ctx.origin = e.origin.clone();
    }
    let raw = expanded.as_ref().map_or(raw, |e| &e.raw);
    check_id_form(&mut ctx.p, &raw.id, &root.field("id"));
    let declared = organisation::declare_all(&mut ctx, raw);
    let meta = organisation::meta(&mut ctx, raw, &declared);
    let org = organisation::build(&mut ctx, raw, &declared);
    let adv = adversary::build(&mut ctx, raw, &declared);
    let content = content::build(&mut ctx, raw, &declared);
    commands::walkthrough_names(&mut ctx, raw, &declared);

    let scenario = match (meta, org, adv, content) {
        (Some(meta), Some(org), Some(adv), Some(content)) if ctx.p.error_count() == 0 => {
            let mut scenario = Scenario {
                id: raw.id.clone(),
                title: meta.title,
                summary: meta.summary,
                difficulty: raw.difficulty,
                minutes_per_turn: raw.minutes_per_turn,
                start: meta.start,
                debrief: meta.debrief,
                max_turns: raw.max_turns,
                effort_per_turn: raw.effort_per_turn,
                learning_objectives: meta.learning,
                tags: raw.tags.clone(),
                org_name: org.name,
                org_description: org.description,
                role: org.role,
                reach: org.reach,
                internet_linked: Vec::new(),
                segments: org.segments,
                hosts: org.hosts,
                accounts: org.accounts,
                data_sets: org.data_sets,
                functions: org.functions,
                addresses: org.addresses,
                mitigations: org.mitigations,
                stakeholders: content.stakeholders,
                notifications: content.notifications,
                adversary_name: adv.name,
                stages: adv.stages,
                traces: adv.traces,
                noise: adv.noise,
                injects: content.injects,
                actions: content.actions,
                hints: content.hints,
                entry_vectors: content.entry_vectors,
                root_causes: content.root_causes,
                objectives: content.objectives,
                penalties: content.penalties,
                grades: content.grades,
                team_wins: content.team_wins,
                at_time_limit: raw.end.at_time_limit,
                walkthrough: Vec::new(),
            };
            scenario.internet_linked = scenario.internet_connected(&[]);
            scenario.link_functions();
            finish(&mut ctx, raw, scenario)
        }
        _ => None,
    };
    let languages = ctx.complete_languages();
    problems.list.append(&mut ctx.p.list);
    Outcome {
        scenario,
        languages,
    }
}

/// Whole-scenario analyses over the assembled model, then the walkthrough.
fn finish(ctx: &mut Ctx, raw: &RawScenario, mut scenario: Scenario) -> Option<Scenario> {
    adversary::analyse(ctx, &scenario);
    content::analyse(ctx, raw, &scenario);
    scenario.walkthrough = commands::walkthrough(ctx, raw, &scenario)?;
    (ctx.p.error_count() == 0).then_some(scenario)
}
