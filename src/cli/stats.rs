//! `shuangsui stats YEAR`: a year's statistics (年度统计) printed, or as JSON: every drawn
//! batch counts (the department's view), or with `--public` published batches only, as
//! the `/stats/{year}` page counts them.

use clap::Args;

use super::db::{Db, with_app};
use crate::app::{AppError, annual::Scope, batch::china_today, stats};

#[derive(Args, Debug)]
pub struct StatsArgs {
    /// The year (of the inspection windows' first day), e.g. 2026.
    pub year: String,
    /// Count published batches' targets only, as the public page does.
    #[arg(long)]
    pub public: bool,
    /// Print the statistics as JSON (the API's body).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub db: Db,
}

pub fn run(args: &StatsArgs) -> i32 {
    with_app(&args.db, async |app| {
        let year = stats::year(&args.year)?;
        let scope = if args.public {
            Scope::Public
        } else {
            Scope::All
        };
        let s = stats::of_year(app, year, scope, None, china_today()).await?;
        if args.json {
            let text = serde_json::to_string_pretty(&s)
                .map_err(|e| AppError::Setup(format!("statistics of {year}: {e}")))?;
            println!("{text}");
            return Ok(());
        }
        let b = &s.batches;
        println!(
            "{year} ({}): batches {} (announced {}, in progress {}, published {}, withdrawn {})",
            s.scope, b.total, b.announced, b.in_progress, b.published, b.withdrawn
        );
        let t = &s.targets;
        println!(
            "  targets: drawn {}, staffed {}, inspected {}, with a finding {} ({}%)",
            t.drawn, t.staffed, t.inspected, t.with_finding, t.finding_rate
        );
        for c in &s.categories {
            println!(
                "  category {} {} {}: {}",
                c.list, c.code, c.path_zh, c.count
            );
        }
        let f = &s.followups;
        println!(
            "  follow-ups: open {}, overdue {}, closed {}, pending {}, lapsed {}; closure rate {}%",
            f.open, f.overdue, f.closed, f.pending, f.lapsed, s.closure_rate
        );
        let p = &s.timeliness;
        println!(
            "  publication: on time {}, late {}, overdue {}, in time {}, no result yet {}, unknown {}; inspection overdue {}",
            p.on_time, p.late, p.overdue, p.in_time, p.no_result, p.unknown, p.inspection_overdue
        );
        for l in &s.per_batch {
            println!(
                "  batch {:<24} {:<10} targets {} inspected {} findings {} {}",
                l.id, l.state, l.targets, l.inspected, l.with_finding, l.timeliness
            );
        }
        Ok(())
    })
}
