//! Where a draw's randomness comes from: sources that a plan can name before the randomness
//! exists, and the offline checks that turn their published output into the draw's entropy.

pub mod drand;
