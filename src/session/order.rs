//! The order in which a team is shown a question's choices and the findings form's entry
//! vectors: shuffled per team from the session's seed, so that the right answer is not always
//! in the same place, and the same for the same seed and team every time (replays name choice
//! ids, never positions, so the order only affects what is shown).
//!
//! The shuffle uses its own SHA-256-based stream, never the team world's generator: showing a
//! question must not change the world.

use sha2::{Digest, Sha256};

/// A permutation of `0..n`: position `i` of the result is the index (in the scenario file) of
/// the item shown `i`-th. `what` names the list (an inject's id, or `"entry-vectors"`).
pub fn shown_order(seed: u64, team: usize, what: &str, n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut h = Sha256::new();
    h.update(b"cyberdrill shown order\n");
    h.update(seed.to_le_bytes());
    h.update((team as u64).to_le_bytes());
    h.update(what.as_bytes());
    let bytes = h.finalize();
    let mut state = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes"));
    // Fisher–Yates with a SplitMix64 stream: portable and independent of any crate's sampling.
    for i in (1..n).rev() {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        let j = ((u128::from(z) * (i as u128 + 1)) >> 64) as usize;
        order.swap(i, j);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::shown_order;

    #[test]
    fn is_a_permutation_and_stable() {
        for n in 0..8 {
            let mut o = shown_order(7, 0, "q", n);
            assert_eq!(o, shown_order(7, 0, "q", n));
            o.sort_unstable();
            assert_eq!(o, (0..n).collect::<Vec<_>>());
        }
    }

    #[test]
    fn differs_by_seed_team_and_list() {
        let a = shown_order(1, 0, "q", 6);
        assert!((2..40).any(|s| shown_order(s, 0, "q", 6) != a));
        assert!((1..40).any(|t| shown_order(1, t, "q", 6) != a));
        assert_ne!(shown_order(1, 0, "q", 6), shown_order(1, 0, "r", 6));
    }
}
