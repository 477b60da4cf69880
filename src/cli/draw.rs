//! `shuangsui draw`: commitment + public entropy → bundle, exactly once per output file.

use std::path::Path;

use crate::bundle::Bundle;
use crate::commitment::Commitment;
use crate::entropy::Entropy;
use crate::plan::EntropyDeclaration;

use super::{EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE, files};

/// The `--entropy` argument: for drand, a file holding the round's JSON may be named
/// instead of giving the pairs (read here; the rest is `entropy::parse_text`).
pub fn parse_entropy(text: &str, declaration: &EntropyDeclaration) -> Result<Entropy, String> {
    if matches!(declaration, EntropyDeclaration::Drand { .. }) && Path::new(text).is_file() {
        let json = std::fs::read_to_string(text).map_err(|e| format!("{text}: {e}"))?;
        return crate::entropy::parse_text(&json, declaration).map_err(|e| format!("{text}: {e}"));
    }
    crate::entropy::parse_text(text, declaration)
}

pub fn run(commitment_path: &Path, entropy: &str, out: &Path, expect: Option<&str>) -> i32 {
    if out.exists() {
        eprintln!(
            "{}: already exists; a draw is written once and never overwritten",
            out.display()
        );
        return EXIT_INVALID;
    }
    let (commitment, file): (Commitment, _) = match files::read_json_keeping(commitment_path) {
        Ok(read) => read,
        Err(e) => {
            eprintln!("{e}");
            return EXIT_UNREADABLE;
        }
    };
    if let Some(expected) = expect
        && !super::is_published(expected, &commitment.hash)
    {
        eprintln!(
            "{}: commitment hash is {}, not the expected {}",
            commitment_path.display(),
            commitment.hash,
            expected.trim()
        );
        return EXIT_INVALID;
    }
    let entropy = match parse_entropy(entropy, &commitment.header.plan.entropy) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{e}");
            return EXIT_INVALID;
        }
    };
    // A canonical commitment file (as `commit` writes them) is copied into the bundle as
    // it is; any other is written out anew.
    let (bundle, canonical) = match Bundle::make_from_file(commitment, entropy, Some(&file)) {
        Ok(made) => made,
        Err(e) => {
            eprintln!("{}: {e}", commitment_path.display());
            return EXIT_INVALID;
        }
    };
    if let Err(e) = files::write_new(out, |w| {
        bundle.write_copying(canonical.then_some(&file[..]), w)
    }) {
        eprintln!("{e}");
        return EXIT_UNREADABLE;
    }
    print_summary(&bundle);
    println!("wrote {}", out.display());
    super::release_at_exit(bundle);
    EXIT_OK
}

/// One line per stratum: sizes, shortfall and unstaffed targets.
pub fn print_summary(bundle: &Bundle) {
    println!("seed {}", bundle.seed);
    for s in &bundle.draw.strata {
        let unstaffed = s.targets.iter().filter(|t| t.unstaffed.is_some()).count();
        println!(
            "stratum {}: population {}, excluded {}, size {}, drawn {}, shortfall {}, unstaffed {}",
            s.name,
            s.population,
            s.excluded,
            s.size,
            s.targets.len(),
            s.shortfall,
            unstaffed
        );
    }
}
