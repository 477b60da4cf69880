//! `shuangsui verify`: offline re-derivation of a bundle. PASS exit 0, FAIL exit 1,
//! unreadable exit 2.

use std::path::Path;

use crate::bundle::{self, Bundle};

use super::{EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE, files};

pub fn run(path: &Path, expect: Option<&str>) -> i32 {
    let bundle: Bundle = match files::read_json(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("UNREADABLE {e}");
            return EXIT_UNREADABLE;
        }
    };
    if let Some(expected) = expect
        && !super::is_published(expected, &bundle.commitment.hash)
    {
        println!(
            "FAIL /commitment/hash: expected the published {}, found {}",
            expected.trim(),
            bundle.commitment.hash
        );
        return EXIT_INVALID;
    }
    let outcome = bundle::verify(&bundle);
    super::release_at_exit(bundle);
    match outcome {
        Ok(s) => {
            println!(
                "PASS plan {}: commitment {}, seed {}, {} entities, {} strata, {} targets, {} unstaffed",
                s.plan_id, s.commitment_hash, s.seed, s.entities, s.strata, s.targets, s.unstaffed
            );
            EXIT_OK
        }
        Err(d) => {
            println!("FAIL {d}");
            EXIT_INVALID
        }
    }
}
