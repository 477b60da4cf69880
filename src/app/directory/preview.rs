//! What importing a file would do, without writing: the same checks as `import` (one
//! function, `checked`), then the rows compared with the current snapshot's
//! (`import::diff`), or "unchanged" when the content hash is the current one's.

use super::{App, Result, checked};
use crate::import::{self, Encoding, Format, Kind, Rows, diff::Diff};
use crate::store::{self, rows, snapshots::Snapshot};

/// What an import of a file would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Preview {
    /// The content equals the current snapshot's: an import would write nothing.
    Unchanged(Snapshot),
    /// A new version of `rows` rows, differing from `current` (none: the first) by `diff`;
    /// an import confirmed later lands onto `current` only (`Onto::Seen`).
    Changed {
        current: Option<Snapshot>,
        rows: usize,
        diff: Diff,
    },
}

/// Checks `bytes` as `import` would and compares them with the current snapshot of `kind`;
/// writes nothing. Any bad row: `AppError::Import` with every problem, as `import`.
pub async fn preview(
    app: &App,
    kind: Kind,
    file_name: &str,
    bytes: &[u8],
    format: Format,
    encoding: Encoding,
) -> Result<Preview> {
    let parsed = checked(app, kind, file_name, bytes, format, encoding).await?;
    let current = store::snapshots::latest(&app.store, kind.word()).await?;
    let Some(current) = current else {
        return Ok(Preview::Changed {
            current: None,
            rows: parsed.rows.len(),
            diff: import::diff::diff(None, &parsed.rows),
        });
    };
    if import::content_hash(&parsed.rows) == current.content_sha256 {
        return Ok(Preview::Unchanged(current));
    }
    let old = current_rows(app, kind, current.id).await?;
    Ok(Preview::Changed {
        rows: parsed.rows.len(),
        diff: import::diff::diff(Some(&old), &parsed.rows),
        current: Some(current),
    })
}

/// Every row of snapshot `id` of table `kind`, whole.
async fn current_rows(app: &App, kind: Kind, id: i64) -> Result<Rows> {
    let s = &app.store;
    Ok(match kind {
        Kind::Entities => Rows::Entities(rows::entities(s, id).await?),
        Kind::Officers => Rows::Officers(rows::officers(s, id).await?),
        Kind::Matters => Rows::Matters(rows::matters(s, id).await?),
        Kind::Recusals => Rows::Recusals(rows::recusals(s, id).await?),
        Kind::History => Rows::History(rows::history(s, id).await?),
        Kind::Lists => Rows::Lists(rows::lists(s, id).await?),
    })
}
