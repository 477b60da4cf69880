//! `followup measure`, `followup close`, `followup list`: the corps' follow-ups of findings
//! (后续处置 / 查处结果), over `app::followups`. The corps user is named by `--by`.

use crate::msg;
use chrono::NaiveDate;
use clap::Subcommand;

use super::db::{Db, with_app};
use crate::app::{self, App, AppError, followups::Filter};
use crate::plan::BatchId;

#[derive(Subcommand, Debug)]
pub enum FollowupCommand {
    /// Record a measure (处置措施) on a target whose standing result has a finding and is
    /// approved (or the batch published), with its due date (today or later).
    Measure {
        batch: BatchId,
        /// The target's USCC.
        uscc: String,
        /// One of 当场整改, 责令限期整改, 约谈, 立案查处, 移送有关部门, 列入活动异常名录,
        /// 列入严重违法失信名单 (or the English aliases, e.g. order-to-correct).
        #[arg(long)]
        measure: String,
        /// The due date, YYYY-MM-DD (China time; not before today).
        #[arg(long)]
        due: NaiveDate,
        #[arg(long, default_value = "")]
        note: String,
        /// The recording corps user's name.
        #[arg(long)]
        by: String,
    },
    /// Close a target's follow-up with its outcome (查处结果); once, with no measure after.
    Close {
        batch: BatchId,
        uscc: String,
        /// The closing date, YYYY-MM-DD: not before the inspection, not after today.
        #[arg(long)]
        on: NaiveDate,
        /// One of 已整改, 已处罚, 不予处罚, 已移送, 已列入名录 (or corrected, penalised,
        /// not-penalised, referred, listed).
        #[arg(long)]
        outcome: String,
        /// The outcome in words (查处结果), required; public once the batch is published.
        #[arg(long)]
        text: String,
        /// The closing corps user's name.
        #[arg(long)]
        by: String,
    },
    /// List follow-ups of every drawn batch (or one), with their state.
    List {
        /// Only this batch.
        #[arg(long)]
        batch: Option<BatchId>,
        /// Only open ones (overdue included).
        #[arg(long, conflicts_with = "overdue")]
        open: bool,
        /// Only overdue ones.
        #[arg(long)]
        overdue: bool,
    },
}

async fn user_id(app: &App, name: &str) -> Result<i64, AppError> {
    crate::store::users::all(&app.store)
        .await?
        .into_iter()
        .find(|u| u.name == name.trim())
        .map(|u| u.id)
        .ok_or_else(|| AppError::NotFound(msg!("没有用户 {name}", "no user '{name}'")))
}

pub fn run(db: &Db, command: FollowupCommand) -> i32 {
    with_app(db, async |app| {
        let today = app::batch::china_today();
        match command {
            FollowupCommand::Measure {
                batch,
                uscc,
                measure,
                due,
                note,
                by,
            } => {
                let m = app::followups::NewMeasure {
                    batch: &batch,
                    uscc: &uscc,
                    measure: &measure,
                    due,
                    note: &note,
                    by: user_id(app, &by).await?,
                    request: None,
                };
                let row = app::followups::record_measure(app, &m).await?;
                println!(
                    "measure {} for {} in batch {} due {} (result #{}, log entry {})",
                    row.measure, row.uscc, row.batch_id, row.due_on, row.result_id, row.log_seq
                );
            }
            FollowupCommand::Close {
                batch,
                uscc,
                on,
                outcome,
                text,
                by,
            } => {
                let c = app::followups::NewClosure {
                    batch: &batch,
                    uscc: &uscc,
                    closed_on: on,
                    outcome: &outcome,
                    text: &text,
                    by: user_id(app, &by).await?,
                };
                let row = app::followups::close(app, &c).await?;
                println!(
                    "follow-up of {} in batch {} closed on {}: {} (log entry {})",
                    row.uscc, row.batch_id, row.closed_on, row.outcome, row.log_seq
                );
            }
            FollowupCommand::List {
                batch,
                open,
                overdue,
            } => {
                let filter = if overdue {
                    Filter::Overdue
                } else if open {
                    Filter::Open
                } else {
                    Filter::All
                };
                let all = match batch {
                    Some(id) => app::followups::of_batch(app, &id, today)
                        .await?
                        .followups
                        .into_iter()
                        .filter(|f| filter.keeps(f))
                        .collect(),
                    None => app::followups::list(app, filter, false, today).await?,
                };
                if all.is_empty() {
                    println!("no follow-ups");
                }
                for f in &all {
                    let closure = f
                        .closure
                        .as_ref()
                        .map(|c| {
                            format!(" closed {} {}: {}", c.closed_on, c.outcome, c.outcome_text)
                        })
                        .unwrap_or_default();
                    println!(
                        "{} {} {} {} ({}) {} measure(s){}{}",
                        f.batch,
                        f.uscc,
                        f.entity_name,
                        f.state,
                        f.state_zh,
                        f.measures.len(),
                        f.next_due
                            .as_ref()
                            .map(|d| format!(", first due {d}"))
                            .unwrap_or_default(),
                        closure
                    );
                }
            }
        }
        Ok(())
    })
}
