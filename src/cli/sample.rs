//! `shuangsui sample`: the whole job on the shipped Shanghai directories, for a newcomer:
//! check the directories, commit every sample plan, draw each once with demonstration
//! ceremony digits, verify each bundle. Prints the commands a clerk would type.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::bundle::{self, Bundle};
use crate::plan::EntropyDeclaration;

use super::{EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE, commit, draw, files, registries};

/// Demonstration digits for a witness: derived from the plan id and the witness name, so the
/// sample is reproducible. In a real ceremony the witnesses roll dice in public.
pub fn demo_digits(plan_id: &str, witness: &str, digits: u32) -> String {
    let mut out = String::new();
    let mut counter = 0u32;
    while out.len() < digits as usize {
        let h = Sha256::new()
            .chain_update(plan_id.as_bytes())
            .chain_update([0])
            .chain_update(witness.as_bytes())
            .chain_update(counter.to_be_bytes())
            .finalize();
        out.extend(h.iter().map(|b| char::from(b'0' + b % 10)));
        counter += 1;
    }
    out.truncate(digits as usize);
    out
}

/// The ceremony entropy argument for a plan, with demonstration digits.
pub fn demo_entropy(plan_id: &str, declaration: &EntropyDeclaration) -> Option<String> {
    let EntropyDeclaration::Ceremony { witnesses, digits } = declaration else {
        return None;
    };
    let parts: Vec<String> = witnesses
        .iter()
        .map(|w| format!("{w}={}", demo_digits(plan_id, w, *digits)))
        .collect();
    Some(parts.join(","))
}

pub fn run(registries_dir: &Path, plans: &Path, out: &Path) -> i32 {
    println!(
        "== 1. check the directories: shuangsui registries check {}",
        registries_dir.display()
    );
    let code = registries::check(registries_dir);
    if code != EXIT_OK {
        return code;
    }
    let mut plan_files: Vec<_> = match std::fs::read_dir(plans) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect(),
        Err(e) => {
            eprintln!("{}: cannot read: {e}", plans.display());
            return EXIT_UNREADABLE;
        }
    };
    plan_files.sort();
    if let Err(e) = std::fs::create_dir_all(out) {
        eprintln!("{}: cannot create: {e}", out.display());
        return EXIT_UNREADABLE;
    }
    for plan_path in &plan_files {
        let stem = plan_path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let commitment_path = out.join(format!("{stem}.commitment.json"));
        let bundle_path = out.join(format!("{stem}.bundle.json"));
        println!();
        println!(
            "== 2. commit: shuangsui commit --registries {} --plan {} --out {}",
            registries_dir.display(),
            plan_path.display(),
            commitment_path.display()
        );
        let commitment = match commit::make(registries_dir, plan_path) {
            Ok(made) => made.finish(),
            Err((message, code)) => {
                eprintln!("{message}");
                return code;
            }
        };
        println!(
            "   commitment hash (published before the ceremony): {}",
            commitment.hash
        );
        let plan = &commitment.header.plan;
        let Some(entropy_text) = demo_entropy(&plan.id, &plan.entropy) else {
            println!(
                "   {} declares drand entropy: skipped in the sample",
                plan.id
            );
            continue;
        };
        println!(
            "== 3. draw once (demonstration digits; in a real ceremony the witnesses roll dice): shuangsui draw --commitment {} --entropy {entropy_text} --out {}",
            commitment_path.display(),
            bundle_path.display()
        );
        let entropy = match draw::parse_entropy(&entropy_text, &plan.entropy) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("{e}");
                return EXIT_INVALID;
            }
        };
        let hash = commitment.hash.clone();
        let bundle = match Bundle::make(commitment, entropy) {
            Ok(made) => made,
            Err(e) => {
                eprintln!("{}: {e}", plan_path.display());
                return EXIT_INVALID;
            }
        };
        let _ = std::fs::remove_file(&commitment_path);
        let _ = std::fs::remove_file(&bundle_path);
        let written = files::write_new(&commitment_path, |w| bundle.commitment.write_to(w))
            .and_then(|_| files::write_new(&bundle_path, |w| bundle.write_to(w)));
        if let Err(e) = written {
            eprintln!("{e}");
            return EXIT_UNREADABLE;
        }
        draw::print_summary(&bundle);
        println!(
            "== 4. verify: shuangsui verify {} --expect-commitment {hash}",
            bundle_path.display()
        );
        match bundle::verify(&bundle) {
            Ok(s) => println!("   PASS: {} targets, {} unstaffed", s.targets, s.unstaffed),
            Err(d) => {
                println!("   FAIL {d}");
                return EXIT_INVALID;
            }
        }
    }
    println!();
    println!("bundles written to {}", out.display());
    super::sample_db::run(registries_dir, &plan_files, out)
}
