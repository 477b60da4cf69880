//! `shuangsui registries check|generate`.

use std::path::Path;

use crate::domain::Directory;
use crate::registry::{self, generate};

use super::{EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE};

/// "N entities, N officers, …" for a one-line summary.
fn counts(d: &Directory) -> String {
    format!(
        "{} entities, {} officers, {} matters, {} recusals, {} past inspections, {} list entries",
        d.entities.len(),
        d.officers.len(),
        d.matters.len(),
        d.recusals.len(),
        d.history.len(),
        d.lists.len()
    )
}

pub fn check(dir: &Path) -> i32 {
    match registry::load(dir) {
        Ok(loaded) => {
            println!("OK {}: {}", dir.display(), counts(&loaded.directory));
            EXIT_OK
        }
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("{e}");
            }
            eprintln!("{} problem(s) in {}", errors.0.len(), dir.display());
            EXIT_INVALID
        }
    }
}

/// The largest directory `generate` writes: far beyond any real regulator, and still
/// within the generator's distinct-code range and a machine's memory.
pub const MAX_GENERATED_ENTITIES: usize = 20_000_000;

pub fn generate(entities: usize, officers: usize, seed: u64, out: &Path) -> i32 {
    if entities > MAX_GENERATED_ENTITIES || officers > MAX_GENERATED_ENTITIES {
        eprintln!("--entities and --officers may be at most {MAX_GENERATED_ENTITIES}");
        return EXIT_UNREADABLE;
    }
    let spec = generate::GenerateSpec {
        entities,
        officers,
        seed,
    };
    let directory = generate::generate(&spec);
    match registry::write::write(out, &directory) {
        Ok(()) => {
            println!("wrote {}: {}", out.display(), counts(&directory));
            EXIT_OK
        }
        Err(e) => {
            eprintln!("{}: cannot write: {e}", out.display());
            EXIT_UNREADABLE
        }
    }
}
