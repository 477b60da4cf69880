//! `shuangsui draw`: commitment + public entropy → bundle, exactly once per output file.

use std::path::Path;

use crate::bundle::Bundle;
use crate::commitment::Commitment;
use crate::entropy::{Entropy, ceremony};
use crate::plan::EntropyDeclaration;

use super::{EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE, files};

fn parse_entropy(text: &str, declaration: &EntropyDeclaration) -> Result<Entropy, String> {
    match declaration {
        EntropyDeclaration::Ceremony { witnesses, digits } => {
            ceremony::parse(text, witnesses, *digits).map_err(|e| format!("--entropy: {e}"))
        }
        EntropyDeclaration::Drand { .. } => {
            Err("--entropy: drand entropy is not supported by this build".into())
        }
    }
}

pub fn run(commitment_path: &Path, entropy: &str, out: &Path, expect: Option<&str>) -> i32 {
    if out.exists() {
        eprintln!(
            "{}: already exists; a draw is written once and never overwritten",
            out.display()
        );
        return EXIT_INVALID;
    }
    let commitment: Commitment = match files::read_json(commitment_path) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return EXIT_UNREADABLE;
        }
    };
    if let Some(expected) = expect
        && !expected.trim().eq_ignore_ascii_case(&commitment.hash)
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
    let bundle = match Bundle::make(commitment, entropy) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{}: {e}", commitment_path.display());
            return EXIT_INVALID;
        }
    };
    if let Err(e) = files::write_new(out, &bundle.to_bytes()) {
        eprintln!("{e}");
        return EXIT_UNREADABLE;
    }
    let d = &bundle.draw;
    println!("seed {}", bundle.seed);
    for s in &d.strata {
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
    println!("wrote {}", out.display());
    EXIT_OK
}
