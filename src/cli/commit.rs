//! `shuangsui commit`: plan + directory → commitment file; prints the hash to publish.

use std::path::Path;

use crate::commitment::Commitment;
use crate::entropy::drand;
use crate::plan::{EntropyDeclaration, Plan};
use crate::registry;

use super::{EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE, files};

pub fn run(registries: &Path, plan_path: &Path, out: &Path) -> i32 {
    let text = match std::fs::read_to_string(plan_path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: cannot read: {e}", plan_path.display());
            return EXIT_UNREADABLE;
        }
    };
    let plan = match Plan::from_toml(&plan_path.display().to_string(), &text) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return EXIT_INVALID;
        }
    };
    if let Err(e) = drand_round_is_future(&plan) {
        eprintln!("{}: {e}", plan_path.display());
        return EXIT_INVALID;
    }
    let loaded = match registry::load(registries) {
        Ok(l) => l,
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("{e}");
            }
            eprintln!(
                "{} problem(s) in {}; nothing committed",
                errors.0.len(),
                registries.display()
            );
            return EXIT_INVALID;
        }
    };
    let commitment = match Commitment::build(&loaded, plan) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{}: {e}", plan_path.display());
            return EXIT_INVALID;
        }
    };
    let mut bytes = Vec::new();
    if let Err(e) = crate::canonical::write(&commitment, &mut bytes) {
        eprintln!("cannot encode the commitment: {e}");
        return EXIT_UNREADABLE;
    }
    if let Err(e) = files::write_new(out, &bytes) {
        eprintln!("{e}");
        return EXIT_UNREADABLE;
    }
    let s = &commitment.header.snapshots;
    eprintln!(
        "committed plan {} over {} entities, {} officers, {} recusals, {} past inspections",
        commitment.header.plan.id,
        s.entities.count,
        s.officers.count,
        s.recusals.count,
        s.history.count
    );
    eprintln!("publish this commitment hash before the entropy exists:");
    println!("{}", commitment.hash);
    EXIT_OK
}

/// A drand round must not exist yet when the plan is committed (the clock is read here, in
/// the adapter; the core never reads it).
fn drand_round_is_future(plan: &Plan) -> Result<(), String> {
    let EntropyDeclaration::Drand { chain_hash, round } = &plan.entropy else {
        return Ok(());
    };
    let chain = drand::require_known_chain(chain_hash).map_err(|e| e.to_string())?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let latest = drand::round_at(chain, now);
    if *round <= latest {
        return Err(format!(
            "entropy.round {round} of {} is already published (the latest round now is {latest}); declare a round in the future",
            chain.name
        ));
    }
    eprintln!(
        "drand round {round} of {} will be published at unix time {}",
        chain.name,
        drand::round_time(chain, *round)
    );
    Ok(())
}
