//! `shuangsui commit`: plan + directory → commitment file; prints the hash to publish.

use std::path::Path;

use crate::commitment::{Commitment, SourceEntity, Unhashed};
use crate::entropy::drand;
use crate::plan::Plan;
use crate::registry::{self, parse};

use super::{EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE, files};

/// A failed step: the message to print and the exit code.
pub type Failure = (String, i32);

/// Reads the plan and the directory and builds the commitment, all but its digests and
/// hash (computed when it is written, or by `Unhashed::finish`).
pub fn make(registries: &Path, plan_path: &Path) -> Result<Unhashed, Failure> {
    let text = std::fs::read_to_string(plan_path).map_err(|e| {
        (
            format!("{}: cannot read: {e}", plan_path.display()),
            EXIT_UNREADABLE,
        )
    })?;
    let plan = Plan::from_toml(&plan_path.display().to_string(), &text)
        .map_err(|e| (e.to_string(), EXIT_INVALID))?;
    drand_round_is_future(&plan)
        .and_then(|()| plan.check_new())
        .map_err(|e| (format!("{}: {e}", plan_path.display()), EXIT_INVALID))?;
    // Only the snapshot fields of each entity, and those the content hash adds, are kept
    // (every field is still validated).
    let entity = |row: &mut registry::table::Row| parse::entity_fields(row).map(SourceEntity::from);
    let loaded = registry::load_with(registries, entity).map_err(|errors| {
        let mut lines: Vec<String> = errors.0.iter().map(ToString::to_string).collect();
        lines.push(format!(
            "{} problem(s) in {}; nothing committed",
            errors.0.len(),
            registries.display()
        ));
        (lines.join("\n"), EXIT_INVALID)
    })?;
    Commitment::unhashed(loaded, plan)
        .map_err(|e| (format!("{}: {e}", plan_path.display()), EXIT_INVALID))
}

pub fn run(registries: &Path, plan_path: &Path, out: &Path) -> i32 {
    let result = make(registries, plan_path).and_then(|unhashed| {
        let mut written = None;
        files::write_new(out, |w| {
            written = Some(unhashed.write_hashing(w)?);
            Ok(())
        })
        .map_err(|e| (e, EXIT_UNREADABLE))?;
        Ok(written.expect("write_new succeeded, so the commitment was written"))
    });
    let commitment = match result {
        Ok(c) => c,
        Err((message, code)) => {
            eprintln!("{message}");
            return code;
        }
    };
    let s = &commitment.header.snapshots;
    eprintln!(
        "committed plan {} over {} entities, {} officers, {} recusals, {} past inspections, {} \
         list entries",
        commitment.header.plan.id,
        s.entities.count,
        s.officers.count,
        s.recusals.count,
        s.history.count,
        s.lists.as_ref().map_or(0, |l| l.count)
    );
    eprintln!("publish this commitment hash before the entropy exists:");
    println!("{}", commitment.hash);
    super::release_at_exit(commitment);
    EXIT_OK
}

/// A drand round must not exist yet when the plan is committed (the clock is read here, in
/// the adapter; the core never reads it).
fn drand_round_is_future(plan: &Plan) -> Result<(), String> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    if let Some(published_at) = drand::check_future_round(&plan.entropy, now)? {
        eprintln!("{published_at}");
    }
    Ok(())
}
