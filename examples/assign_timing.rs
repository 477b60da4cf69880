//! Times target selection and team assignment on a generated directory, and checks that the
//! fast `assign` gives exactly the reference's result (same teams, same unstaffed counts).
//!
//! ```text
//! cargo run --release --example assign_timing        # 10^6 entities, 5,000 officers, seed 1
//! cargo run --release --example assign_timing -- ENTITIES OFFICERS SEED [CAP]
//! ```
//! The plan is `benches/plan.toml`; CAP replaces its `max_targets_per_officer` (a small cap,
//! such as 2, leaves most targets unstaffed). Exits 1 if the two assignments differ.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use shuangsui::commitment::Commitment;
use shuangsui::draw::{assign, select};
use shuangsui::plan::Plan;
use shuangsui::registry::Loaded;
use shuangsui::registry::generate::{GenerateSpec, generate};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PLAN: &str = include_str!("../benches/plan.toml");
const RUNS: usize = 5;

/// The fastest of `RUNS` runs of `f`, and its last result.
fn best_of<T>(mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        let out = f();
        best = best.min(start.elapsed());
        last = Some(out);
    }
    (best, last.expect("RUNS > 0"))
}

fn main() -> ExitCode {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .map(|a| {
            a.replace('_', "")
                .parse()
                .expect("ENTITIES OFFICERS SEED are numbers")
        })
        .collect();
    let spec = |entities: u64, officers: u64, seed| GenerateSpec {
        entities: entities as usize,
        officers: officers as usize,
        seed,
    };
    let (spec, cap) = match args[..] {
        [] => (spec(1_000_000, 5_000, 1), None),
        [entities, officers, seed] => (spec(entities, officers, seed), None),
        [entities, officers, seed, cap] => (spec(entities, officers, seed), Some(cap as u32)),
        _ => {
            eprintln!("usage: assign_timing [ENTITIES OFFICERS SEED [CAP]]");
            return ExitCode::FAILURE;
        }
    };
    let start = Instant::now();
    let loaded = Loaded {
        directory: generate(&spec),
        sources: vec![],
    };
    let mut plan = Plan::from_toml("benches/plan.toml", PLAN).expect("the bench plan is valid");
    if cap.is_some() {
        plan.constraints.max_targets_per_officer = cap;
    }
    let c = Commitment::build(&loaded, plan).expect("the bench plan commits");
    println!(
        "{} entities, {} officers (seed {}), cap {:?}: generated and committed in {:.2?}",
        spec.entities,
        spec.officers,
        spec.seed,
        c.header.plan.constraints.max_targets_per_officer,
        start.elapsed()
    );
    let seed = [7u8; 32];
    let (selecting, selections) = best_of(|| select::select(&c, &seed));
    let order: Vec<u32> = selections
        .iter()
        .flat_map(|s| s.drawn.iter().copied())
        .collect();
    let (assigning, fast) = best_of(|| assign::assign(&c, &seed, &order));
    let start = Instant::now();
    let reference = assign::reference::assign(&c, &seed, &order);
    let referencing = start.elapsed();
    let unstaffed = fast.iter().filter(|s| s.is_err()).count();
    println!("{} targets, {unstaffed} unstaffed", order.len());
    println!("select            {selecting:>10.2?}  (best of {RUNS})");
    println!("assign            {assigning:>10.2?}  (best of {RUNS})");
    println!("reference assign  {referencing:>10.2?}");
    if fast != reference {
        let first = fast.iter().zip(&reference).position(|(a, b)| a != b);
        eprintln!("MISMATCH: fast and reference assignments differ (first at target {first:?})");
        return ExitCode::FAILURE;
    }
    println!("fast == reference: same teams and unstaffed counts for every target");
    ExitCode::SUCCESS
}
