//! Writes a generated directory folder and reports how long generating and writing took.
//!
//! ```text
//! cargo run --release --example generate -- OUT_DIR                       # the Shanghai sample
//! cargo run --release --example generate -- OUT_DIR ENTITIES OFFICERS SEED
//! ```
//! `cargo run --example generate -- registries/shanghai` regenerates the shipped sample.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use shuangsui::registry::generate::{GenerateSpec, SHANGHAI_SAMPLE, generate};
use shuangsui::registry::write::write;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize| {
        args.get(i)
            .and_then(|a| a.replace('_', "").parse::<u64>().ok())
    };
    let spec = match args.len() {
        1 => SHANGHAI_SAMPLE,
        4 => match (number(1), number(2), number(3)) {
            (Some(entities), Some(officers), Some(seed)) => GenerateSpec {
                entities: entities as usize,
                officers: officers as usize,
                seed,
            },
            _ => return usage(),
        },
        _ => return usage(),
    };
    let dir = PathBuf::from(&args[0]);
    let start = Instant::now();
    let directory = generate(&spec);
    let generated = start.elapsed();
    if let Err(e) = write(&dir, &directory) {
        eprintln!("cannot write {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let total = start.elapsed();
    println!(
        "{} entities, {} officers, {} matters, {} recusals, {} history rows, {} list entries (seed {})",
        directory.entities.len(),
        directory.officers.len(),
        directory.matters.len(),
        directory.recusals.len(),
        directory.history.len(),
        directory.lists.len(),
        spec.seed
    );
    println!(
        "generate {:.2?}, write {:.2?}, total {:.2?}",
        generated,
        total - generated,
        total
    );
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!("usage: generate OUT_DIR [ENTITIES OFFICERS SEED]");
    ExitCode::from(2)
}
