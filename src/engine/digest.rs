//! State digests: SHA-256 commitments to a whole team world (its state and the position of
//! its random generator), written in every replay line and compared on verification.
//!
//! Two definitions, one per replay format (see docs/replay-format.md):
//! - **v2** (format 2): one SHA-256 per component over its canonical encoding, append-only
//!   lists (the inbox's alerts) replaced by their running hash ([`Fold`], encoded first in the
//!   knowledge), then one SHA-256 over those. The cost of a turn does not grow with the turns
//!   before it.
//! - **v1** (format 1, frozen): one SHA-256 over the canonical encoding of the whole state,
//!   every alert ever raised included. Kept exactly as format-1 logs were written, so they
//!   keep verifying: [`KnowledgeV1`] lists the knowledge fields that existed then, in their
//!   order; state added since (facilitator messages, granted hints) is absent from format-1
//!   sessions and left out. The golden format-1 logs under `tests/fixtures/golden/` fail if
//!   this encoding changes.
//!
//! The canonical encoding is postcard (compact, field order = declaration order, no maps).
//!
//! Computing v2 costs little: a [`Cache`] per team world keeps its encoding buffer, the
//! inbox's running hash (each alert is folded in once, by the first digest after it arrived;
//! a world nobody asks a digest of never folds anything), and the hashes of the ground-truth
//! parts (the organisation, the attacker, the evidence) with a copy of what they hashed when
//! they are large, so a part that did not change since the last digest is compared, not
//! encoded and hashed again.
//! The values are those of the definition above, whatever the cache holds.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::state::{
    Assets, Attacker, Clock, Evidence, Fold, HostKnowledge, InboxAlert, Knowledge, Staff, TeamRng,
};
use crate::scenario::model::Findings;

/// The parts of a team world a digest covers.
pub struct Parts<'a> {
    /// The organisation.
    pub assets: &'a Assets,
    /// The attacker.
    pub attacker: &'a Attacker,
    /// The evidence.
    pub evidence: &'a Evidence,
    /// The team's knowledge.
    pub knowledge: &'a Knowledge,
    /// The staff.
    pub staff: &'a Staff,
    /// The clock.
    pub clock: &'a Clock,
    /// The generator.
    pub rng: &'a TeamRng,
}

fn encode<T: Serialize + ?Sized>(value: &T, buf: &mut Vec<u8>) {
    buf.clear();
    // Serializing plain data into a vector cannot fail.
    *buf = postcard::to_extend(value, std::mem::take(buf)).expect("engine state serializes");
}

fn hash_of<T: Serialize + ?Sized>(value: &T, buf: &mut Vec<u8>) -> [u8; 32] {
    encode(value, buf);
    Sha256::digest(&buf[..]).into()
}

/// The generator's position: seed, stream and word position.
fn rng_position(rng: &TeamRng) -> ([u8; 32], u64, u128) {
    (rng.0.get_seed(), rng.0.get_stream(), rng.0.get_word_pos())
}

/// The format-2 digest, computed from scratch.
pub fn v2(p: &Parts) -> [u8; 32] {
    v2_cached(p, &mut Cache::default())
}

/// What a team world's last digest hashed of the parts that change least, and the buffer
/// the parts are encoded in.
#[derive(Debug, Default)]
pub struct Cache {
    buf: Vec<u8>,
    /// The running hash of the inbox's first `fold.len` alerts.
    fold: Fold,
    assets: Option<(Assets, [u8; 32])>,
    attacker: Option<(Attacker, [u8; 32])>,
    evidence: Option<(Evidence, [u8; 32])>,
}

/// The hash of `value`, taken from `slot` if it holds an equal value, else computed (and kept
/// if the part is large).
/// Sound because equal values (derived `PartialEq`, every encoded field compared) have equal
/// encodings.
fn part_hash<T: Serialize + PartialEq + Clone>(
    value: &T,
    slot: &mut Option<(T, [u8; 32])>,
    buf: &mut Vec<u8>,
) -> [u8; 32] {
    if let Some((kept, hash)) = slot
        && kept == value
    {
        return *hash;
    }
    let hash = hash_of(value, buf);
    // A small part is hashed again each time: copying it would cost more than hashing it.
    *slot = (buf.len() >= KEEP_FROM).then(|| (value.clone(), hash));
    hash
}

/// Parts whose encoding is at least this long (bytes) are kept for comparison.
const KEEP_FROM: usize = 1024;

/// The format-2 digest, reusing and updating `cache` (which must only ever be used for one
/// team world; its contents never change the result).
pub fn v2_cached(p: &Parts, cache: &mut Cache) -> [u8; 32] {
    let buf = &mut cache.buf;
    let mut outer = Sha256::new();
    outer.update(part_hash(p.assets, &mut cache.assets, buf));
    outer.update(part_hash(p.attacker, &mut cache.attacker, buf));
    outer.update(part_hash(p.evidence, &mut cache.evidence, buf));
    // `alerts` is skipped by the knowledge's encoding; their running hash comes first in its
    // place (a tuple's encoding is its items' encodings one after the other). The knowledge,
    // the staff, the clock and the generator change nearly every turn: always hashed.
    let alerts = &p.knowledge.alerts;
    if cache.fold.len > alerts.len() as u64 {
        cache.fold = Fold::default();
    }
    for alert in &alerts[cache.fold.len as usize..] {
        cache.fold.push(alert);
    }
    outer.update(hash_of(&(&cache.fold, p.knowledge), buf));
    outer.update(hash_of(p.staff, buf));
    outer.update(hash_of(p.clock, buf));
    outer.update(hash_of(&rng_position(p.rng), buf));
    outer.finalize().into()
}

/// The knowledge as format 1 encoded it: these fields, in this order.
#[derive(Serialize)]
struct KnowledgeV1<'a> {
    alerts: &'a [InboxAlert],
    triaged: &'a [Option<u32>],
    seen: &'a [bool],
    delivered: &'a [Option<u32>],
    due: &'a [Option<u32>],
    answers: &'a [Option<(usize, u32)>],
    expired: &'a [bool],
    notified: &'a [Option<u32>],
    completed: &'a [u32],
    findings: &'a Option<(Findings, u32)>,
    hints: &'a [Option<u32>],
    known_addresses: &'a [bool],
    flagged_accounts: &'a [bool],
    hosts: &'a [HostKnowledge],
    detected_at: &'a Option<u32>,
    rule_due: &'a [Option<(u32, u32)>],
    rule_kept: &'a [bool],
    rule_missed: &'a [bool],
}

impl<'a> KnowledgeV1<'a> {
    fn of(k: &'a Knowledge) -> Self {
        Self {
            alerts: &k.alerts,
            triaged: &k.triaged,
            seen: &k.seen,
            delivered: &k.delivered,
            due: &k.due,
            answers: &k.answers,
            expired: &k.expired,
            notified: &k.notified,
            completed: &k.completed,
            findings: &k.findings,
            hints: &k.hints,
            known_addresses: &k.known_addresses,
            flagged_accounts: &k.flagged_accounts,
            hosts: &k.hosts,
            detected_at: &k.detected_at,
            rule_due: &k.rule_due,
            rule_kept: &k.rule_kept,
            rule_missed: &k.rule_missed,
        }
    }
}

/// The format-1 digest (its cost grows with the number of alerts raised so far).
pub fn v1(p: &Parts) -> [u8; 32] {
    let (seed, stream, word_pos) = rng_position(p.rng);
    let state = (
        p.assets,
        p.attacker,
        p.evidence,
        KnowledgeV1::of(p.knowledge),
        p.staff,
        p.clock,
        seed,
        stream,
        word_pos,
    );
    let mut buf = Vec::with_capacity(4096);
    hash_of(&state, &mut buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::state::Fold;

    fn empty() -> Fold {
        Fold::default()
    }

    /// The format-2 definition as docs/replay-format.md states it: each part's encoding
    /// hashed (the knowledge's led by the count and running hash of its alerts), then the
    /// seven hashes.
    fn by_definition(p: &Parts) -> [u8; 32] {
        let mut buf = Vec::new();
        let mut outer = Sha256::new();
        outer.update(hash_of(p.assets, &mut buf));
        outer.update(hash_of(p.attacker, &mut buf));
        outer.update(hash_of(p.evidence, &mut buf));
        let mut hash = [0u8; 32];
        for alert in &p.knowledge.alerts {
            let mut h = Sha256::new();
            h.update(hash);
            h.update(postcard::to_allocvec(alert).unwrap());
            hash = h.finalize().into();
        }
        let mut knowledge = postcard::to_allocvec(&(p.knowledge.alerts.len() as u64)).unwrap();
        knowledge.extend_from_slice(&hash);
        knowledge.extend(postcard::to_allocvec(p.knowledge).unwrap());
        outer.update(Sha256::digest(&knowledge));
        outer.update(hash_of(p.staff, &mut buf));
        outer.update(hash_of(p.clock, &mut buf));
        outer.update(hash_of(&rng_position(p.rng), &mut buf));
        outer.finalize().into()
    }

    #[test]
    fn streamed_and_cached_digests_are_the_definition() {
        let s = crate::scenario::check_bytes(
            "tutorial.ron",
            include_bytes!("../../scenarios/tutorial.ron"),
        )
        .scenario
        .expect("valid");
        let mut bundle = super::super::state::TeamBundle::prepare(&s).for_seed(3);
        // Large enough for the cache to keep copies of the organisation and the evidence.
        bundle.assets.hosts.resize(300, Default::default());
        bundle.evidence.traces.resize(400, Default::default());
        let mut cache = Cache::default();
        for step in 0..40u32 {
            // Changes of every kind and size, some undone: hits and misses of the cache.
            let h = step as usize % bundle.assets.hosts.len();
            bundle.assets.hosts[h].isolated = step % 3 == 0;
            bundle.assets.hosts[h].disrupted_until = step * 1000;
            if step % 5 == 0 && !bundle.evidence.traces.is_empty() {
                let n = bundle.evidence.traces.len();
                bundle.evidence.traces[step as usize % n].found_at = Some(step);
            }
            if step % 4 == 1 {
                bundle.knowledge.push_alert(InboxAlert {
                    alert: crate::scenario::model::AlertId::Trace(crate::scenario::model::Id::new(
                        0,
                    )),
                    turn: step,
                });
            }
            bundle.clock.turn = step;
            let parts = Parts {
                assets: &bundle.assets,
                attacker: &bundle.attacker,
                evidence: &bundle.evidence,
                knowledge: &bundle.knowledge,
                staff: &bundle.staff,
                clock: &bundle.clock,
                rng: &bundle.rng,
            };
            let expected = by_definition(&parts);
            assert_eq!(v2(&parts), expected, "step {step}");
            assert_eq!(v2_cached(&parts, &mut cache), expected, "step {step}");
            assert_eq!(
                v2_cached(&parts, &mut cache),
                expected,
                "step {step}, again"
            );
        }
    }

    #[test]
    fn a_fold_depends_on_every_item_and_their_order() {
        let a = InboxAlert {
            alert: crate::scenario::model::AlertId::Trace(crate::scenario::model::Id::new(0)),
            turn: 1,
        };
        let b = InboxAlert {
            turn: 2,
            ..a.clone()
        };
        let mut ab = empty();
        ab.push(&a);
        ab.push(&b);
        let mut ba = empty();
        ba.push(&b);
        ba.push(&a);
        let mut just_a = empty();
        just_a.push(&a);
        assert_ne!(ab, ba);
        assert_ne!(ab.hash, just_a.hash);
        assert_eq!(ab.len, 2);
    }
}
