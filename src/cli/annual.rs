//! `shuangsui annual …`: publish an annual plan (年度抽查计划) from its file, list the plans
//! in force, and print or write a plan's coverage (every drawn batch counts: this is the
//! department's view; the public pages count published batches only).

use std::path::PathBuf;

use clap::Subcommand;

use super::db::{Db, with_app};
use crate::app::{AppError, annual};
use crate::pages;

#[derive(Subcommand, Debug)]
pub enum AnnualCommand {
    /// Publish an annual plan file (TOML; `registries/README.md`): version 1, or the next
    /// version of the plan with the same id. Public at once.
    Publish { file: PathBuf },
    /// The plans in force.
    List,
    /// A plan's coverage against its floors (a plan id, or a year with one plan), printed;
    /// or written as CSV or `.xlsx`.
    Coverage {
        plan: String,
        /// Write the coverage table as CSV (UTF-8 with BOM) to this file.
        #[arg(long, conflicts_with = "xlsx")]
        csv: Option<PathBuf>,
        /// Write the coverage table as an `.xlsx` workbook to this file.
        #[arg(long)]
        xlsx: Option<PathBuf>,
        /// Count published batches only, as the public page does.
        #[arg(long)]
        public: bool,
    },
}

fn write(path: &PathBuf, bytes: &[u8]) -> Result<(), AppError> {
    std::fs::write(path, bytes).map_err(|e| AppError::Setup(format!("{}: {e}", path.display())))
}

pub fn run(db: &Db, command: AnnualCommand) -> i32 {
    with_app(db, async |app| {
        match command {
            AnnualCommand::Publish { file } => {
                let text = std::fs::read_to_string(&file).map_err(|e| {
                    AppError::Setup(format!("{}: cannot read: {e}", file.display()))
                })?;
                let row = annual::publish(app, &file.display().to_string(), &text).await?;
                println!(
                    "published annual plan {} version {} ({} {}), log entry {}",
                    row.plan_id, row.version, row.department, row.year, row.log_seq
                );
            }
            AnnualCommand::List => {
                for p in annual::current(app).await? {
                    println!(
                        "{}  {}  {}  v{}  {}",
                        p.plan_id, p.year, p.department, p.version, p.title
                    );
                }
            }
            AnnualCommand::Coverage {
                plan,
                csv,
                xlsx,
                public,
            } => {
                let id = annual::resolve(app, &plan).await?;
                let scope = if public {
                    annual::Scope::Public
                } else {
                    annual::Scope::All
                };
                let report = annual::report(app, &id, scope, None).await?;
                if let Some(path) = csv {
                    write(&path, &pages::annual::csv(&report))?;
                    println!("wrote {}", path.display());
                } else if let Some(path) = xlsx {
                    let bytes = pages::annual::xlsx(&report)
                        .map_err(|e| AppError::Setup(format!("the coverage workbook: {e}")))?;
                    write(&path, &bytes)?;
                    println!("wrote {}", path.display());
                } else {
                    print(&report);
                }
            }
        }
        Ok(())
    })
}

fn print(r: &crate::annual::report::AnnualReport) {
    println!(
        "{} {} {} (v{}, {})",
        r.id, r.year, r.title, r.version, r.department
    );
    for b in &r.batches {
        println!(
            "  batch {:<24} {:<10} {}",
            b.id,
            b.state,
            if b.counted {
                "counted"
            } else if !b.in_year {
                "not counted: its window is not in the plan's year"
            } else {
                ""
            }
        );
    }
    println!("  sector / level / authority: population, drawn, inspected (%), floor, met");
    for c in &r.coverage.rows {
        let yes = |v: Option<bool>| match v {
            Some(true) => "met",
            Some(false) => "NOT MET",
            None => "-",
        };
        println!(
            "  {} {} {} {}: {} drawn {} ({}%), inspected {} ({}%), floor {}% need {} -> {} (as drawn: {})",
            c.sector,
            c.level,
            c.authority,
            c.district,
            c.population,
            c.drawn,
            c.drawn_percent,
            c.inspected,
            c.inspected_percent,
            c.floor_percent.as_deref().unwrap_or("-"),
            c.required.map(|n| n.to_string()).unwrap_or("-".into()),
            yes(c.met),
            yes(c.met_as_drawn)
        );
    }
    for t in &r.coverage.repeats {
        println!(
            "  drawn twice or more: {} {} in {} (inspected in {})",
            t.uscc,
            t.name,
            t.drawn_in.join(", "),
            t.inspected_in.join(", ")
        );
    }
    println!(
        "  every floor met: {} (as drawn: {})",
        r.coverage.all_met, r.coverage.all_met_as_drawn
    );
}
