//! Directory imports into immutable snapshots, and a batch's directory read back from them;
//! `preview` says what an import would change, with the same checks, writing nothing.

mod preview;

pub use preview::{Preview, preview};

use super::{App, AppError, Result, journal};
use crate::commitment::EntityRecord;
use crate::domain::Directory;
use crate::import::{self, Encoding, Format, Kind, Known, Rows};
use crate::msg;
use crate::registry::{Loaded, SourceFile, write};
use crate::store::{
    self, rows,
    snapshots::{NewSnapshot, Snapshot},
};

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    /// The content equals the current snapshot's: nothing was written.
    Unchanged(Snapshot),
    /// A new snapshot version.
    Created(Snapshot),
}

/// The keys of the current snapshots that recusals, history and lists refer to.
async fn known(app: &App, kind: Kind) -> Result<Known> {
    let mut known = Known::default();
    let wanted: &[(&str, &rows::Layout)] = match kind {
        Kind::Recusals => &[("entities", &rows::ENTITIES), ("officers", &rows::OFFICERS)],
        Kind::History => &[
            ("entities", &rows::ENTITIES),
            ("matters", &rows::MATTERS),
            ("officers", &rows::OFFICERS),
        ],
        Kind::Lists => &[("entities", &rows::ENTITIES)],
        _ => &[],
    };
    for (snapshot_kind, layout) in wanted {
        let keys = match store::snapshots::latest(&app.store, snapshot_kind).await? {
            Some(s) => Some(rows::keys(&app.store, layout, s.id).await?),
            None => None,
        };
        match *snapshot_kind {
            "entities" => known.entities = keys,
            "officers" => known.officers = keys,
            _ => known.matters = keys,
        }
    }
    Ok(known)
}

/// Reads `bytes`, the content of `file_name`, as table `kind` with every check an import
/// makes: every row validated (`import::parse`), and references checked against the current
/// snapshots. The rows come back in canonical order; on any problem, every problem.
pub(crate) async fn checked(
    app: &App,
    kind: Kind,
    file_name: &str,
    bytes: &[u8],
    format: Format,
    encoding: Encoding,
) -> Result<import::Parsed> {
    let mut parsed =
        import::parse(kind, file_name, bytes, format, encoding).map_err(AppError::Import)?;
    let problems = import::check_references(&parsed, &parsed.label, &known(app, kind).await?);
    if !problems.is_empty() {
        return Err(AppError::Import(import::ImportErrors(problems)));
    }
    // Sorted: rows are written in key order, and the content hash's canonical order is then
    // found in one pass.
    import::sort(&mut parsed.rows);
    Ok(parsed)
}

/// Which current snapshot an import may replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Onto {
    /// Whatever is current when the import is written.
    Current,
    /// Only this one (`None`: the table has none yet), as a preview saw it; another is
    /// refused (`AppError::Refused`) and nothing is written.
    Seen(Option<i64>),
}

/// Imports one table from the bytes of `file_name`. Every row is validated (and references
/// checked against the current snapshots); on any problem nothing is written and every
/// problem is returned. `progress` is called once per row written.
pub async fn import(
    app: &App,
    kind: Kind,
    file_name: &str,
    bytes: &[u8],
    format: Format,
    encoding: Encoding,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Imported> {
    import_onto(
        app,
        kind,
        file_name,
        bytes,
        (format, encoding),
        Onto::Current,
        progress,
    )
    .await
}

/// As `import`, onto the current snapshot `onto` allows (checked inside the write
/// transaction, so no other import can land between the check and the write).
pub async fn import_onto(
    app: &App,
    kind: Kind,
    file_name: &str,
    bytes: &[u8],
    (format, encoding): (Format, Encoding),
    onto: Onto,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Imported> {
    let parsed = checked(app, kind, file_name, bytes, format, encoding).await?;
    let source_sha256 = crate::canonical::sha256_hex(bytes);
    let count = parsed.rows.len();
    let rows = std::sync::Arc::new(parsed.rows);
    let encoding_used = parsed.read_as.word();

    let key = app.key()?;
    let mut tx = app.store.write().await?;
    if let Onto::Seen(seen) = onto {
        let now = store::snapshots::latest_in(&mut tx, kind.word()).await?;
        if now.map(|s| s.id) != seen {
            return Err(AppError::Refused(msg!(
                "{kind} 在预览之后又导入了新版本，请重新上传预览",
                "another import of {kind} landed after the preview: preview again"
            )));
        }
    }
    // The rows go to the database while another thread hashes them; if the content turns
    // out to be the current snapshot's, the transaction is rolled back and nothing stays.
    let id = store::snapshots::reserve_id(&mut tx).await?;
    let hashing = {
        let rows = rows.clone();
        tokio::task::spawn_blocking(move || import::content_hash(&rows))
    };
    let mut written = 0u64;
    let mut tick = || {
        written += 1;
        if written.is_multiple_of(4096) {
            progress(written);
        }
    };
    let inserted = match &*rows {
        Rows::Entities(r) => {
            rows::insert(
                &mut tx,
                &rows::ENTITIES,
                id,
                r.iter().map(write::entity_record).inspect(|_| tick()),
            )
            .await
        }
        Rows::Officers(r) => {
            rows::insert(
                &mut tx,
                &rows::OFFICERS,
                id,
                r.iter().map(write::officer_record).inspect(|_| tick()),
            )
            .await
        }
        Rows::Matters(r) => {
            rows::insert(
                &mut tx,
                &rows::MATTERS,
                id,
                r.iter().map(write::matter_record).inspect(|_| tick()),
            )
            .await
        }
        Rows::Recusals(r) => {
            rows::insert(
                &mut tx,
                &rows::RECUSALS,
                id,
                r.iter().map(write::recusal_record).inspect(|_| tick()),
            )
            .await
        }
        Rows::History(r) => {
            rows::insert(
                &mut tx,
                &rows::HISTORY,
                id,
                r.iter().map(write::inspection_record).inspect(|_| tick()),
            )
            .await
        }
        Rows::Lists(r) => {
            rows::insert(
                &mut tx,
                &rows::LISTS,
                id,
                r.iter().map(write::listing_record).inspect(|_| tick()),
            )
            .await
        }
    };
    let content_sha256 = hashing
        .await
        .map_err(|e| AppError::Setup(format!("hashing thread: {e}")))?;
    inserted?;
    let current = store::snapshots::latest_in(&mut tx, kind.word()).await?;
    let version = match current {
        Some(current) if current.content_sha256 == content_sha256 => {
            return Ok(Imported::Unchanged(current));
        }
        Some(current) => current.version + 1,
        None => 1,
    };
    let event = serde_json::json!({
        "table": kind.word(),
        "version": version,
        "content_sha256": content_sha256,
        "rows": count,
        "source": { "name": file_name, "sha256": source_sha256, "encoding": encoding_used },
    });
    let logged = journal::append(&mut tx, key, &app.origin, "directory.snapshot", &event).await?;
    store::snapshots::create(
        &mut tx,
        id,
        &NewSnapshot {
            kind: kind.word(),
            version,
            content_sha256: &content_sha256,
            row_count: count as i64,
            source_name: file_name,
            source_sha256: &source_sha256,
            encoding: encoding_used,
            imported_at: &logged.time,
            log_seq: logged.seq as i64,
        },
    )
    .await?;
    progress(count as u64);
    tx.commit().await?;
    let snapshot = store::snapshots::by_id(&app.store, id)
        .await?
        .ok_or_else(|| AppError::NotFound(msg!("没有名录版本 {id}", "no snapshot {id}")))?;
    Ok(Imported::Created(snapshot))
}

/// The current snapshot of every table (in `Kind::ALL` order, as a batch's snapshot ids), or
/// which of the tables every directory has (`Kind::REQUIRED`) were never imported. The
/// lists table is `None` until one is imported (the directory then has an empty one).
pub async fn current(app: &App) -> Result<[Option<Snapshot>; 6]> {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for kind in Kind::ALL {
        let latest = store::snapshots::latest(&app.store, kind.word()).await?;
        if latest.is_none() && Kind::REQUIRED.contains(&kind) {
            missing.push(kind.word());
        }
        found.push(latest);
    }
    if let Some(first) = missing.first() {
        let missing = missing.join(", ");
        return Err(AppError::Invalid(msg!(
            "尚未导入名录 {missing}：请先导入（`shuangsui import {first} FILE`）",
            "no snapshot of {missing} yet: import them first (`shuangsui import {first} FILE`)"
        )));
    }
    Ok(found.try_into().expect("one per kind"))
}

/// The directory of the given snapshots (entities, officers, matters, recusals, history and,
/// if any, lists), with each snapshot as a source whose hash is that of its canonical CSV
/// (no lists snapshot: an empty lists table). Entities are read as the commitment keeps them
/// (`EntityRecord`), not whole.
pub async fn load(app: &App, ids: [Option<i64>; 6]) -> Result<Loaded<EntityRecord>> {
    let s = &app.store;
    let required = |i: usize| {
        let kind = Kind::ALL[i].word();
        ids[i]
            .ok_or_else(|| AppError::Invalid(msg!("没有名录 {kind} 的版本", "no {kind} snapshot")))
    };
    let directory = Directory {
        entities: rows::entity_records(s, required(0)?).await?,
        officers: rows::officers(s, required(1)?).await?,
        matters: rows::matters(s, required(2)?).await?,
        recusals: rows::recusals(s, required(3)?).await?,
        history: rows::history(s, required(4)?).await?,
        lists: match ids[5] {
            Some(id) => rows::lists(s, id).await?,
            None => Vec::new(),
        },
    };
    let mut sources = Vec::new();
    for (kind, id) in Kind::ALL.iter().zip(ids) {
        let (sha256, rows) = match id {
            Some(id) => {
                let snapshot = store::snapshots::by_id(s, id).await?.ok_or_else(|| {
                    AppError::NotFound(msg!("没有名录版本 {id}", "no snapshot {id}"))
                })?;
                (snapshot.content_sha256, snapshot.row_count as usize)
            }
            None => (import::content_hash(&Rows::Lists(Vec::new())), 0),
        };
        sources.push(SourceFile {
            file: kind.file_name().to_string(),
            sha256,
            rows,
        });
    }
    Ok(Loaded { directory, sources })
}
