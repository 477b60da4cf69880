//! The demo's follow-ups (后续处置): in the published batches, the corps takes measures on
//! findings, closes one with its outcome (查处结果, public at once) and leaves others open.
//! A measure's due date is never before the day it is recorded, so a freshly built demo
//! has nothing overdue: the measure due today (当场整改) becomes overdue from tomorrow on,
//! for a demo left running or reopened.

use chrono::Days;

use crate::app::{self, App, AppError, followups};

/// Follows up the findings of `published` batches as the corps user `corps`: the first
/// follow-up is closed (责令限期整改, then 已整改), the second gets an order due in 30 days
/// and stays open, the third a measure due today; returns how many were closed and left open.
pub(super) async fn follow_up(
    app: &App,
    published: &[String],
    corps: i64,
) -> Result<(usize, usize), AppError> {
    let today = app::batch::china_today();
    let mut open = Vec::new();
    for id in published {
        open.extend(
            followups::of_batch(app, id, today)
                .await?
                .followups
                .into_iter()
                .filter(|f| f.state == "open"),
        );
    }
    let mut closed = 0;
    for (i, f) in open.iter().enumerate() {
        let (measure, due, note) = match i {
            0 => ("责令限期整改", today + Days::new(15), "责令十五日内整改"),
            1 => (
                "责令限期整改",
                today + Days::new(30),
                "责令三十日内整改并书面报告",
            ),
            2 => ("当场整改", today, "责令当日整改"),
            _ => break,
        };
        let m = followups::NewMeasure {
            batch: &f.batch,
            uscc: &f.uscc,
            measure,
            due,
            note,
            by: corps,
            request: None,
        };
        followups::record_measure(app, &m).await?;
        if i == 0 {
            let c = followups::NewClosure {
                batch: &f.batch,
                uscc: &f.uscc,
                closed_on: today,
                outcome: "已整改",
                text: "经复查，已按要求整改完毕，不予处罚",
                by: corps,
            };
            followups::close(app, &c).await?;
            closed += 1;
        }
    }
    Ok((closed, open.len().min(3) - closed))
}
