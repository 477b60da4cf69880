//! `shuangsui registries check|generate`.

use std::path::Path;

use crate::registry::{self, generate};

use super::{EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE};

pub fn check(dir: &Path) -> i32 {
    match registry::load(dir) {
        Ok(loaded) => {
            let d = &loaded.directory;
            println!(
                "OK {}: {} entities, {} officers, {} matters, {} recusals, {} past inspections",
                dir.display(),
                d.entities.len(),
                d.officers.len(),
                d.matters.len(),
                d.recusals.len(),
                d.history.len()
            );
            EXIT_OK
        }
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("{}", e);
            }
            eprintln!("{} problem(s) in {}", errors.0.len(), dir.display());
            EXIT_INVALID
        }
    }
}

pub fn generate(entities: usize, officers: usize, seed: u64, out: &Path) -> i32 {
    let spec = generate::GenerateSpec {
        entities,
        officers,
        seed,
    };
    let directory = generate::generate(&spec);
    match registry::write::write(out, &directory) {
        Ok(()) => {
            println!(
                "wrote {}: {} entities, {} officers, {} matters, {} recusals, {} past inspections",
                out.display(),
                directory.entities.len(),
                directory.officers.len(),
                directory.matters.len(),
                directory.recusals.len(),
                directory.history.len()
            );
            EXIT_OK
        }
        Err(e) => {
            eprintln!("{}: cannot write: {e}", out.display());
            EXIT_UNREADABLE
        }
    }
}
