//! Putting entities in their canonical order (USCC bytes: DRAW-SPEC §2.2 for the snapshot,
//! §2.5 for the canonical CSV, where USCCs are unique too) fast.
//! A USCC is 18 ASCII characters, so its bytes packed 7 bits each fit in a `u128` that
//! orders exactly as the bytes do. The million-entry sort compares integers instead of
//! strings behind pointers, and the records (each about 150 bytes) are moved once, into
//! their places, instead of at every step of the sort.

use std::cmp::Ordering;

/// The USCC's 18 bytes packed 7 bits each (126 bits), or `None` for anything that is not
/// 18 ASCII bytes (which a validated directory never holds).
fn packed(uscc: &str) -> Option<u128> {
    let bytes = uscc.as_bytes();
    if bytes.len() != 18 || !bytes.is_ascii() {
        return None;
    }
    Some(bytes.iter().fold(0u128, |k, &b| (k << 7) | u128::from(b)))
}

/// Sorts entities (records or rows) by the USCC bytes `uscc` gives (keys are unique, so the
/// order is the one canonical order). Entities already in order are left as they are.
pub fn by_uscc<T: Send>(entities: &mut [T], uscc: fn(&T) -> &str) {
    if entities.windows(2).all(|w| uscc(&w[0]) < uscc(&w[1])) {
        return;
    }
    let keys: Option<Vec<(u128, u32)>> = entities
        .iter()
        .enumerate()
        .map(|(i, e)| Some((packed(uscc(e))?, u32::try_from(i).ok()?)))
        .collect();
    let Some(mut keys) = keys else {
        two_threads(entities, |a, b| uscc(a).cmp(uscc(b)));
        return;
    };
    two_threads(&mut keys, |a, b| a.0.cmp(&b.0));
    let mut order: Vec<u32> = keys.into_iter().map(|(_, i)| i).collect();
    permute(entities, &mut order);
}

/// Rearranges `items` so that position `k` holds what was at `order[k]`, in place, one
/// cycle of the permutation at a time. `order` is used up as the record of what is done.
fn permute<T>(items: &mut [T], order: &mut [u32]) {
    for start in 0..items.len() {
        let mut current = start;
        while order[current] as usize != start {
            let next = order[current] as usize;
            items.swap(current, next);
            order[current] = current as u32;
            current = next;
        }
        order[current] = current as u32;
    }
}

/// Sorts each half on its own thread, then merges the two runs (the stable sort finds them
/// and merges in one pass). Keys are unique, so the result is the one canonical order.
pub fn two_threads<T: Send>(items: &mut [T], cmp: impl Fn(&T, &T) -> Ordering + Sync) {
    if items.len() < 100_000 {
        items.sort_unstable_by(&cmp);
        return;
    }
    let (a, b) = items.split_at_mut(items.len() / 2);
    std::thread::scope(|s| {
        s.spawn(|| b.sort_unstable_by(&cmp));
        a.sort_unstable_by(&cmp);
    });
    items.sort_by(&cmp);
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::commitment::EntityRecord;
    use crate::domain::{EntityStatus, Grade};

    fn record(uscc: String) -> EntityRecord {
        EntityRecord {
            district: "".into(),
            grade: Grade::A,
            name: "".into(),
            sector: "".into(),
            status: EntityStatus::Active,
            entity_type: "".into(),
            uscc: uscc.into(),
        }
    }

    #[test]
    fn two_thread_sort_gives_the_canonical_order() {
        // Above the threshold, with keys in scrambled order.
        let mut items: Vec<u64> = (0..150_000u64)
            .map(|i| i.wrapping_mul(2_654_435_761) % 1_000_003)
            .collect();
        let mut expected = items.clone();
        expected.sort_unstable();
        two_threads(&mut items, |a, b| a.cmp(b));
        assert_eq!(items, expected);
    }

    #[test]
    fn permute_puts_each_item_where_the_order_says() {
        let mut items = vec!['a', 'b', 'c', 'd', 'e', 'f'];
        // Two cycles (0 2 4) and (1 5), and a fixed point 3.
        let mut order = vec![2, 5, 4, 3, 0, 1];
        permute(&mut items, &mut order);
        assert_eq!(items, vec!['c', 'f', 'e', 'd', 'a', 'b']);
    }

    proptest! {
        /// Packed keys order exactly as the bytes; a list with a key that does not pack
        /// (wrong length, non-ASCII) is still sorted by bytes.
        #[test]
        fn entities_sort_as_their_uscc_bytes(
            usccs in proptest::collection::hash_set("[0-9A-HJ-NPQRTUWXY]{18}|[0-9A-Z]{0,19}|[一-龥]{1,3}", 0..300)
        ) {
            let mut entities: Vec<EntityRecord> = usccs.iter().cloned().map(record).collect();
            let mut expected: Vec<String> = usccs.into_iter().collect();
            expected.sort();
            by_uscc(&mut entities, |e| &e.uscc);
            let got: Vec<String> = entities.into_iter().map(|e| e.uscc.into_string()).collect();
            prop_assert_eq!(got, expected);
        }

        #[test]
        fn packed_keys_order_as_bytes(a in "[0-9A-Z]{18}", b in "[0-9A-Z]{18}") {
            prop_assert_eq!(packed(&a).unwrap().cmp(&packed(&b).unwrap()), a.as_bytes().cmp(b.as_bytes()));
        }
    }
}
