//! Metadata, id declaration for the whole file, and the organisation: segments, hosts,
//! accounts, data sets, business functions, outside addresses, mitigations.

use super::{Ctx, Kind, all, table};
use crate::scenario::model::{
    Account, Address, AddressOwner, DataSet, Function, Host, LearningObjective, Mitigation,
    Segment, Table, Text,
};
use crate::scenario::problem::Path;
use crate::scenario::raw::{
    RawAccount, RawAction, RawDataSet, RawEntryVector, RawExternalAddress, RawFunction, RawHint,
    RawHost, RawInfrastructure, RawInject, RawLearningObjective, RawMitigation, RawNoise,
    RawNotificationRule, RawObjective, RawPlace, RawScenario, RawSegment, RawStage, RawStakeholder,
    RawTrace,
};

/// Longest scenario, in turns.
pub const MAX_TURNS: u32 = 1000;

/// The most points (or effort) any one number in a scenario may be worth: scores and effort are
/// sums of such numbers and must not overflow.
pub const MAX_POINTS: u32 = 100_000;

pub(crate) struct Meta {
    pub title: Text,
    pub summary: Text,
    pub learning: Table<LearningObjective>,
    pub start: Option<jiff::civil::DateTime>,
    pub debrief: Option<Text>,
}

/// Title, summary, numbers and learning objectives.
pub(crate) fn meta(ctx: &mut Ctx, raw: &RawScenario, d: &Declared) -> Option<Meta> {
    let root = Path::root();
    let title = ctx.text(&raw.title, &root.field("title"));
    let summary = ctx.text(&raw.summary, &root.field("summary"));
    ctx.range(
        raw.minutes_per_turn,
        1,
        24 * 60,
        &root.field("minutes_per_turn"),
        "minutes per turn",
    );
    ctx.range(
        raw.max_turns,
        1,
        MAX_TURNS,
        &root.field("max_turns"),
        "max_turns",
    );
    ctx.range(
        raw.effort_per_turn,
        1,
        1000,
        &root.field("effort_per_turn"),
        "effort_per_turn",
    );
    let start = raw.start.as_deref().and_then(|text| {
        let parsed = text.trim().parse::<jiff::civil::DateTime>().ok();
        if parsed.is_none() {
            ctx.p.error_hint(
                &root.field("start"),
                format!("`{}` is not a date and time", text.escape_debug()),
                "write it as \"2026-07-14T09:00\" (the organisation's local time, no time zone)",
            );
        }
        parsed
    });
    if raw.debrief.is_some() {
        ctx.needs_v2(&root.field("debrief"), "`debrief`");
    }
    let debrief = ctx.opt_text(raw.debrief.as_ref(), &root.field("debrief"));
    for (i, tag) in raw.tags.iter().enumerate() {
        if tag.trim().is_empty() {
            ctx.p.warn(&root.field("tags").index(i), "empty tag");
        }
    }
    let learning: Vec<Option<LearningObjective>> = d
        .learning
        .iter()
        .map(|(path, lo)| {
            if let Some(c) = &lo.competency
                && !crate::scenario::csf::is_category(c)
            {
                let known = crate::scenario::csf::CATEGORIES.iter().map(|(id, _, _)| *id);
                let close = super::closest(&c.to_uppercase(), known);
                ctx.p.error_hint(
                    &path.field("competency"),
                    format!("`{}` is not a NIST CSF 2.0 category", c.escape_debug()),
                    match close {
                        Some(id) => format!("did you mean `{id}`? Categories look like `RS.AN`"),
                        None => "a category id looks like `RS.AN` (Incident Analysis); docs/scenario-format.md lists them".to_owned(),
                    },
                );
            }
            Some(LearningObjective {
                key: lo.id.clone(),
                text: ctx.text(&lo.text, &path.field("text")),
                competency: lo.competency.clone(),
            })
        })
        .collect();
    Some(Meta {
        title,
        summary,
        learning: table(learning)?,
        start,
        debrief,
    })
}

/// An outside address as written: the organisation's or the attacker's.
#[derive(Clone, Copy)]
pub(crate) enum AddressSrc<'r> {
    External(&'r RawExternalAddress),
    Infra(&'r RawInfrastructure),
}

/// Every accepted (valid, first-of-its-id) item of the file with its path, by kind; the
/// position in each list is the item's id index.
#[derive(Default)]
pub(crate) struct Declared<'r> {
    pub learning: Vec<(Path, &'r RawLearningObjective)>,
    pub segments: Vec<(Path, &'r RawSegment)>,
    pub hosts: Vec<(Path, &'r RawHost)>,
    pub accounts: Vec<(Path, &'r RawAccount)>,
    pub data_sets: Vec<(Path, &'r RawDataSet)>,
    pub functions: Vec<(Path, &'r RawFunction)>,
    pub addresses: Vec<(Path, AddressSrc<'r>)>,
    pub mitigations: Vec<(Path, &'r RawMitigation)>,
    pub stakeholders: Vec<(Path, &'r RawStakeholder)>,
    pub rules: Vec<(Path, &'r RawNotificationRule)>,
    pub stages: Vec<(Path, &'r RawStage)>,
    /// Traces with the index of their stage in `stages`.
    pub traces: Vec<(Path, usize, &'r RawTrace)>,
    pub noise: Vec<(Path, &'r RawNoise)>,
    pub injects: Vec<(Path, &'r RawInject)>,
    pub actions: Vec<(Path, &'r RawAction)>,
    pub hints: Vec<(Path, &'r RawHint)>,
    pub entries: Vec<(Path, &'r RawEntryVector)>,
    pub root_causes: Vec<(Path, &'r crate::scenario::raw::RawRootCause)>,
    pub objectives: Vec<(Path, &'r RawObjective)>,
}

fn declare_list<'r, T>(
    ctx: &mut Ctx,
    kind: Kind,
    base: &Path,
    items: &'r [T],
    id: impl Fn(&T) -> &str,
) -> Vec<(Path, &'r T)> {
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let path = base.item(i, id(item));
            ctx.declare(kind, id(item), &path).then_some((path, item))
        })
        .collect()
}

/// Declares every id in the file, so references resolve whatever order things come in.
pub(crate) fn declare_all<'r>(ctx: &mut Ctx, raw: &'r RawScenario) -> Declared<'r> {
    let root = Path::root();
    let org = root.field("organisation");
    let adv = root.field("adversary");
    let mut d = Declared {
        learning: declare_list(
            ctx,
            Kind::Learning,
            &root.field("learning_objectives"),
            &raw.learning_objectives,
            |x| &x.id,
        ),
        segments: declare_list(
            ctx,
            Kind::Segment,
            &org.field("segments"),
            &raw.organisation.segments,
            |x| &x.id,
        ),
        hosts: declare_list(
            ctx,
            Kind::Host,
            &org.field("hosts"),
            &raw.organisation.hosts,
            |x| &x.id,
        ),
        accounts: declare_list(
            ctx,
            Kind::Account,
            &org.field("accounts"),
            &raw.organisation.accounts,
            |x| &x.id,
        ),
        data_sets: declare_list(
            ctx,
            Kind::DataSet,
            &org.field("data_sets"),
            &raw.organisation.data_sets,
            |x| &x.id,
        ),
        functions: declare_list(
            ctx,
            Kind::Function,
            &org.field("business_functions"),
            &raw.organisation.business_functions,
            |x| &x.id,
        ),
        mitigations: declare_list(
            ctx,
            Kind::Mitigation,
            &org.field("mitigations"),
            &raw.organisation.mitigations,
            |x| &x.id,
        ),
        stakeholders: declare_list(
            ctx,
            Kind::Stakeholder,
            &root.field("stakeholders"),
            &raw.stakeholders,
            |x| &x.id,
        ),
        rules: declare_list(
            ctx,
            Kind::Rule,
            &root.field("notifications"),
            &raw.notifications,
            |x| &x.id,
        ),
        stages: Vec::new(),
        injects: declare_list(
            ctx,
            Kind::Inject,
            &root.field("injects"),
            &raw.injects,
            |x| &x.id,
        ),
        actions: declare_list(
            ctx,
            Kind::Action,
            &root.field("actions"),
            &raw.actions,
            |x| &x.id,
        ),
        hints: declare_list(ctx, Kind::Hint, &root.field("hints"), &raw.hints, |x| &x.id),
        entries: declare_list(
            ctx,
            Kind::Entry,
            &root.field("findings").field("entry_vectors"),
            &raw.findings.entry_vectors,
            |x| &x.id,
        ),
        root_causes: declare_list(
            ctx,
            Kind::RootCause,
            &root.field("findings").field("root_causes"),
            &raw.findings.root_causes,
            |x| &x.id,
        ),
        objectives: declare_list(
            ctx,
            Kind::Objective,
            &root.field("scoring").field("objectives"),
            &raw.scoring.objectives,
            |x| &x.id,
        ),
        ..Declared::default()
    };
    // Addresses: the organisation's, then the attacker's, in one namespace and one table.
    for (i, a) in raw.organisation.external_addresses.iter().enumerate() {
        let path = org.field("external_addresses").item(i, &a.id);
        if ctx.declare(Kind::Address, &a.id, &path) {
            d.addresses.push((path, AddressSrc::External(a)));
        }
    }
    for (i, a) in raw.adversary.infrastructure.iter().enumerate() {
        let path = adv.field("infrastructure").item(i, &a.id);
        if ctx.declare(Kind::Address, &a.id, &path) {
            d.addresses.push((path, AddressSrc::Infra(a)));
        }
    }
    // Stages: a copy of a set-target stage (`id@host`) is located at the stage written.
    for (k, st) in raw.adversary.stages.iter().enumerate() {
        let written = ctx.origin.get(k).copied().unwrap_or(k);
        let base_id = st.id.split('@').next().unwrap_or(&st.id);
        let path = adv.field("stages").item(written, base_id);
        if ctx.declare(Kind::Stage, &st.id, &path) {
            d.stages.push((path, st));
        }
    }
    ctx.stage_paths = d.stages.iter().map(|(p, _)| p.clone()).collect();
    // Traces live inside stages; noise shares their namespace.
    for (s, (stage_path, stage)) in d.stages.iter().enumerate() {
        for (i, t) in stage.traces.iter().enumerate() {
            let base_id = t.id.split('@').next().unwrap_or(&t.id);
            let path = stage_path.field("traces").item(i, base_id);
            if ctx.declare(Kind::Trace, &t.id, &path) {
                d.traces.push((path, s, t));
            }
        }
    }
    d.noise = declare_list(ctx, Kind::Noise, &root.field("noise"), &raw.noise, |x| {
        &x.id
    });
    d
}

pub(crate) struct Org {
    pub name: Text,
    pub description: Text,
    pub role: Text,
    pub segments: Table<Segment>,
    pub hosts: Table<Host>,
    pub accounts: Table<Account>,
    pub data_sets: Table<DataSet>,
    pub functions: Table<Function>,
    pub addresses: Table<Address>,
    pub mitigations: Table<Mitigation>,
    pub reach: Vec<Vec<bool>>,
}

/// Builds the organisation's tables.
pub(crate) fn build(ctx: &mut Ctx, raw: &RawScenario, d: &Declared) -> Option<Org> {
    let org = Path::root().field("organisation");
    let name = ctx.text(&raw.organisation.name, &org.field("name"));
    let description = ctx.text(&raw.organisation.description, &org.field("description"));
    let role = ctx.text(&raw.organisation.role, &org.field("role"));
    if raw.organisation.segments.is_empty() {
        ctx.p
            .error(&org.field("segments"), "the organisation has no segments");
    }
    if raw.organisation.hosts.is_empty() {
        ctx.p
            .error(&org.field("hosts"), "the organisation has no hosts");
    }

    let segments: Vec<Option<Segment>> = d
        .segments
        .iter()
        .map(|(path, s)| {
            let name = ctx.text(&s.name, &path.field("name"));
            let reaches = all(s
                .reaches
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let p = path.field("reaches").index(i);
                    if *r == s.id {
                        ctx.p.warn(
                            &p,
                            "a segment always reaches itself; this entry is redundant",
                        );
                    }
                    ctx.resolve(Kind::Segment, r, &p)
                })
                .collect());
            let mut monitoring = s.monitoring.clone();
            monitoring.sort();
            monitoring.dedup();
            Some(Segment {
                key: s.id.clone(),
                name,
                kind: s.kind,
                reaches: reaches?,
                monitoring,
                hosts: Vec::new(),
            })
        })
        .collect();

    let mut hosts: Vec<Option<Host>> = Vec::new();
    for (path, h) in &d.hosts {
        let description = ctx.opt_text(h.description.as_ref(), &path.field("description"));
        let segment = ctx.resolve(Kind::Segment, &h.segment, &path.field("segment"));
        let data = all(h
            .data
            .iter()
            .enumerate()
            .map(|(i, x)| ctx.resolve(Kind::DataSet, x, &path.field("data").index(i)))
            .collect());
        if h.os.trim().is_empty() {
            ctx.p.warn(&path.field("os"), "operating system is empty");
        }
        let mut vulns = h.vulnerabilities.clone();
        vulns.sort();
        if vulns.windows(2).any(|w| w[0] == w[1]) {
            ctx.p.warn(
                &path.field("vulnerabilities"),
                "a vulnerability is listed twice",
            );
        }
        vulns.dedup();
        let seg_monitoring = segment
            .and_then(|s: crate::scenario::model::SegmentId| {
                d.segments
                    .get(s.index())
                    .map(|(_, raw)| raw.monitoring.clone())
            })
            .unwrap_or_default();
        let mut alerting: Vec<_> = h
            .monitoring
            .iter()
            .chain(&seg_monitoring)
            .copied()
            .collect();
        alerting.sort();
        alerting.dedup();
        let mut monitoring = h.monitoring.clone();
        monitoring.sort();
        monitoring.dedup();
        hosts.push((|| {
            Some(Host {
                key: h.id.clone(),
                description,
                kind: h.kind,
                os: h.os.clone(),
                segment: segment?,
                address: h.address.clone(),
                criticality: h.criticality,
                services: h.services.clone(),
                data: data?,
                monitoring,
                alerting,
                log_forwarding: h.log_forwarding,
                vulnerabilities: vulns,
                backup: h.backup,
            })
        })());
    }

    let n_hosts = d.hosts.len();
    let accounts: Vec<Option<Account>> = d
        .accounts
        .iter()
        .map(|(path, a)| {
            let description = ctx.opt_text(a.description.as_ref(), &path.field("description"));
            if a.valid_on.is_empty() {
                ctx.p.warn_hint(
                    &path.field("valid_on"),
                    "the account is valid nowhere",
                    "list where it can log on: `[Everywhere]`, `[Segment(\"office\")]`, `[Host(\"fs-01\")]`",
                );
            }
            let mut valid_on = vec![false; n_hosts];
            let mut ok = true;
            for (i, place) in a.valid_on.iter().enumerate() {
                let p = path.field("valid_on").index(i).inside(0);
                match place {
                    RawPlace::Everywhere => valid_on.iter_mut().for_each(|v| *v = true),
                    RawPlace::Host(h) => match ctx.resolve::<Host>(Kind::Host, h, &p) {
                        Some(h) => valid_on[h.index()] = true,
                        None => ok = false,
                    },
                    RawPlace::Segment(s) => match ctx.lookup(Kind::Segment, s) {
                        Some(_) => {
                            for (i, (_, host)) in d.hosts.iter().enumerate() {
                                if host.segment == *s {
                                    valid_on[i] = true;
                                }
                            }
                        }
                        None => {
                            ctx.resolve::<Segment>(Kind::Segment, s, &p);
                            ok = false;
                        }
                    },
                }
            }
            ok.then(|| Account {
                key: a.id.clone(),
                description,
                kind: a.kind,
                valid_on,
            })
        })
        .collect();

    // Data sets held by some host, gathered once (not a search of every host per data set).
    let stored: std::collections::BTreeSet<&str> = d
        .hosts
        .iter()
        .flat_map(|(_, h)| h.data.iter().map(String::as_str))
        .collect();
    let data_sets: Vec<Option<DataSet>> = d
        .data_sets
        .iter()
        .map(|(path, x)| {
            let name = ctx.text(&x.name, &path.field("name"));
            if !stored.contains(x.id.as_str()) {
                ctx.p.warn_hint(
                    path,
                    format!("data set `{}` is not stored on any host", x.id),
                    "list it in some host's `data`",
                );
            }
            let copy_of = match &x.copy_of {
                None => Some(None),
                Some(of) => {
                    let p = path.field("copy_of");
                    ctx.needs_v2(&p, "`copy_of`");
                    let original = d.data_sets.iter().find(|(_, y)| y.id == *of).map(|(_, y)| y);
                    if of == &x.id {
                        ctx.p.error(&p, "a data set cannot be a copy of itself");
                        None
                    } else if original.is_some_and(|y| y.copy_of.is_some()) {
                        ctx.p.error_hint(
                            &p,
                            format!("`{of}` is itself a copy"),
                            "name the original data set: a copy of a copy is a copy of the original",
                        );
                        None
                    } else {
                        ctx.resolve(Kind::DataSet, of, &p).map(Some)
                    }
                }
            };
            Some(DataSet {
                key: x.id.clone(),
                name,
                sensitivity: x.sensitivity,
                records: x.records,
                copy_of: copy_of?,
            })
        })
        .collect();

    let functions: Vec<Option<Function>> = d
        .functions
        .iter()
        .map(|(path, f)| {
            let name = ctx.text(&f.name, &path.field("name"));
            if f.depends_on.is_empty() {
                ctx.p.warn(
                    &path.field("depends_on"),
                    "the function depends on no host, so nothing can take it down",
                );
            }
            let depends_on = all(f
                .depends_on
                .iter()
                .enumerate()
                .map(|(i, h)| ctx.resolve(Kind::Host, h, &path.field("depends_on").index(i)))
                .collect());
            let accounts = all(f
                .accounts
                .iter()
                .enumerate()
                .map(|(i, a)| ctx.resolve(Kind::Account, a, &path.field("accounts").index(i)))
                .collect());
            ctx.range(
                f.outage_cost,
                0,
                MAX_POINTS,
                &path.field("outage_cost"),
                "outage_cost",
            );
            Some(Function {
                key: f.id.clone(),
                name,
                depends_on: depends_on?,
                accounts: accounts?,
                outage_cost: f.outage_cost,
                needs_internet: {
                    if f.needs_internet {
                        ctx.needs_v2(&path.field("needs_internet"), "`needs_internet`");
                    }
                    f.needs_internet
                },
                disrupted_by: Vec::new(),
                served_by: Vec::new(),
            })
        })
        .collect();

    let addresses: Vec<Option<Address>> = d
        .addresses
        .iter()
        .map(|(path, src)| match src {
            AddressSrc::External(a) => {
                let name = ctx.text(&a.name, &path.field("name"));
                let serves = all(a
                    .serves
                    .iter()
                    .enumerate()
                    .map(|(i, f)| ctx.resolve(Kind::Function, f, &path.field("serves").index(i)))
                    .collect());
                Some(Address {
                    key: a.id.clone(),
                    address: a.address.clone(),
                    owner: AddressOwner::Legitimate {
                        name,
                        serves: serves?,
                    },
                })
            }
            AddressSrc::Infra(a) => Some(Address {
                key: a.id.clone(),
                address: a.address.clone(),
                owner: AddressOwner::Adversary(a.role),
            }),
        })
        .collect();
    {
        let mut seen = std::collections::BTreeMap::new();
        for (path, src) in &d.addresses {
            let shown = match src {
                AddressSrc::External(a) => &a.address,
                AddressSrc::Infra(a) => &a.address,
            };
            if let Some(first) = seen.insert(shown.clone(), path.to_string()) {
                ctx.p.warn(
                    &path.field("address"),
                    format!("address `{shown}` is also listed at `{first}`"),
                );
            }
        }
    }

    let mitigations: Vec<Option<Mitigation>> = d
        .mitigations
        .iter()
        .map(|(path, m)| {
            let name = ctx.text(&m.name, &path.field("name"));
            let disrupts = all(m
                .disrupts
                .iter()
                .enumerate()
                .map(|(i, f)| ctx.resolve(Kind::Function, f, &path.field("disrupts").index(i)))
                .collect());
            let detects = super::adversary::detects(ctx, d, &m.detects, &path.field("detects"));
            if !m.removes.is_empty() {
                ctx.needs_v2(&path.field("removes"), "`removes`");
            }
            let removes = all(m
                .removes
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    let p = path.field("removes").index(i);
                    let id = ctx.resolve(Kind::DataSet, x, &p)?;
                    if d.data_sets[id.index()].1.copy_of.is_none() {
                        ctx.p.error_hint(
                            &p,
                            format!("`{x}` is not a copy (`copy_of`)"),
                            "only a copy can be removed: deleting the original destroys the organisation's own data",
                        );
                        return None;
                    }
                    Some(id)
                })
                .collect());
            Some(Mitigation {
                key: m.id.clone(),
                name,
                disrupts: disrupts?,
                detects: detects?,
                removes: removes?,
            })
        })
        .collect();

    let mut segments = table(segments)?;
    let hosts = table(hosts)?;
    let n = segments.len();
    let mut reach = vec![vec![false; n]; n];
    for (id, s) in segments.iter() {
        reach[id.index()][id.index()] = true;
        for r in &s.reaches {
            reach[id.index()][r.index()] = true;
        }
    }
    let mut members: Vec<Vec<_>> = vec![Vec::new(); n];
    for (id, h) in hosts.iter() {
        members[h.segment.index()].push(id);
    }
    let segments_with_hosts: Vec<Segment> = segments
        .iter()
        .map(|(id, s)| Segment {
            hosts: members[id.index()].clone(),
            ..s.clone()
        })
        .collect();
    segments = Table::from_items(segments_with_hosts);
    Some(Org {
        name,
        description,
        role,
        segments,
        hosts,
        accounts: table(accounts)?,
        data_sets: table(data_sets)?,
        functions: table(functions)?,
        addresses: table(addresses)?,
        mitigations: table(mitigations)?,
        reach,
    })
}
