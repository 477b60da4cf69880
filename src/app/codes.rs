//! Which result list applies to a target (its sector in the batch's committed entities
//! snapshot) and the check of a result's codes against that list: `results::record` asks
//! here, so the CLI, the API and the demo share one check.

use super::{App, AppError, Result};
use crate::domain::Message;
use crate::store;

/// The sector of `uscc` as a target of `batch`, from the entity row of the batch's committed
/// snapshot; `None` when it is not a target (or the batch has no draw).
pub async fn sector_of(app: &App, batch: &str, uscc: &str) -> Result<Option<String>> {
    Ok(store::batches::assignments(&app.store, batch)
        .await?
        .into_iter()
        .find(|t| t.uscc == uscc)
        .map(|t| t.sector))
}

/// A result's codes checked against the list of the target's sector, in canonical order.
/// For a USCC that is not a target nothing is checked (the codes come back trimmed): the
/// caller refuses such a result for what it is, before anything is written.
pub fn check(app: &App, sector: Option<&str>, codes: &[String]) -> Result<Vec<String>> {
    match sector {
        Some(sector) => app
            .codes
            .check(sector, codes)
            .map_err(|e| AppError::Invalid(Message::same(e).on("codes"))),
        None => Ok(codes.iter().map(|c| c.trim().to_string()).collect()),
    }
}
