//! The fast assignment against the reference scan: on random commitments (proptest) and on
//! hand-made edge cases, the teams, the unstaffed counts and the number of stream words
//! used must be exactly the same.

mod edge;
mod random;

use proptest::prelude::*;
use proptest::strategy::ValueTree;

use crate::commitment::Commitment;
use crate::draw::stream::Stream;

use super::{Staffing, assign_with, reference};
use random::Shape;

/// Runs both assignments on the same stream key; panics on any difference. Returns the
/// result and the words used.
pub fn same_as_reference(c: &Commitment, targets: &[u32], key: u8) -> (Vec<Staffing>, u64) {
    let mut fast_stream = Stream::new(&[key; 32]);
    let fast = assign_with(c, &mut fast_stream, targets);
    let mut reference_stream = Stream::new(&[key; 32]);
    let expected = reference::assign_with(c, &mut reference_stream, targets);
    assert_eq!(fast, expected, "teams or unstaffed counts differ");
    assert_eq!(
        fast_stream.words_used(),
        reference_stream.words_used(),
        "words used differ"
    );
    (fast, fast_stream.words_used())
}

prop_compose! {
    fn shape()(
        sectors in 1usize..=4,
        districts in 1usize..=4,
        departments in 1usize..=3,
        officers in 0usize..=30,
        entities in 1usize..=60,
        targets in 0usize..=60,
        size in 2u32..=4,
        joint in prop_oneof![Just(0usize), 1usize..=4],
        cross_district in any::<bool>(),
        cap in prop_oneof![Just(None), (1u32..=4).prop_map(Some)],
        no_repeat_days in prop_oneof![Just(None), Just(Some(10)), Just(Some(365))],
        conflicts in prop_oneof![Just(0u64), 0u64..=100],
        inactive in prop_oneof![Just(0u64), 0u64..=60],
        seed in any::<u64>(),
    ) -> Shape {
        // Every department of a joint plan needs an officer (officer i < departments is of
        // department i); with no officers, no joint plan.
        let departments = departments.min(officers).max(1);
        let joint = if officers == 0 { 0 } else { joint.min(size as usize).min(departments) };
        Shape {
            sectors, districts, departments, officers, entities,
            targets: targets.min(entities), size, joint, cross_district, cap,
            no_repeat_days, conflicts, inactive, seed,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn fast_assign_equals_the_reference(s in shape(), key in any::<u8>()) {
        let (c, targets) = random::case(&s);
        same_as_reference(&c, &targets, key);
    }
}

/// The random cases reach the interesting paths: unstaffed targets at each slot, teams
/// filled, officers reaching the cap, joint and cross-district batches.
#[test]
fn random_cases_cover_unstaffed_and_capped_paths() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut staffed, mut unstaffed_later_slot, mut unstaffed_first, mut capped) = (0, 0, 0, 0);
    for _ in 0..256 {
        let s = shape().new_tree(&mut runner).unwrap().current();
        let (c, targets) = random::case(&s);
        let (result, _) = same_as_reference(&c, &targets, 1);
        for r in &result {
            match r {
                Ok(_) => staffed += 1,
                Err(why) if why.slot == 0 => unstaffed_first += 1,
                Err(_) => unstaffed_later_slot += 1,
            }
        }
        let cap = s.cap.unwrap_or(u32::MAX) as usize;
        let mut load = vec![0; c.snapshots.officers.len()];
        for team in result.iter().flatten() {
            for &o in team {
                load[o as usize] += 1;
            }
        }
        capped += load.iter().filter(|&&n| n == cap).count();
    }
    assert!(staffed > 1000, "{staffed} staffed");
    assert!(
        unstaffed_first > 100,
        "{unstaffed_first} unstaffed at slot 0"
    );
    assert!(
        unstaffed_later_slot > 50,
        "{unstaffed_later_slot} unstaffed later"
    );
    assert!(capped > 100, "{capped} officers at the cap");
}
