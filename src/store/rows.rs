//! Directory rows of a snapshot: written in bulk (multi-row INSERT on SQLite, COPY on
//! PostgreSQL) and read back into the domain types, re-validated on the way (a row that no
//! longer parses is reported as corrupt storage, never used).

use std::borrow::Cow;

use sqlx::Row;

use super::{Result, Store, StoreError, Tx};
use crate::commitment::EntityRecord;
use crate::domain::codes::{EntityStatus, Grade, Method, OfficerStatus};
use crate::domain::{Entity, Inspection, Listing, Matter, Officer, Recusal, Uscc, text};
use crate::on_pool;
use crate::registry::parse;
use compact_str::CompactString;

/// The table, its columns after `snapshot_id` (and `position` for history), and the order
/// its rows are read in. The columns are the folder format's, in its order: rows are
/// written with `registry::write`'s records, which follow it.
pub struct Layout {
    pub table: &'static str,
    pub columns: &'static [&'static str],
    /// Whether rows carry their position (tables without a natural key).
    pub positioned: bool,
    /// `ORDER BY` of a snapshot's rows: the key, or the position.
    pub order: &'static str,
}

pub const ENTITIES: Layout = Layout {
    table: "entities",
    columns: parse::ENTITY_COLUMNS,
    positioned: false,
    order: "uscc",
};
pub const OFFICERS: Layout = Layout {
    table: "officers",
    columns: parse::OFFICER_COLUMNS,
    positioned: false,
    order: "card_no",
};
pub const MATTERS: Layout = Layout {
    table: "matters",
    columns: parse::MATTER_COLUMNS,
    positioned: false,
    order: "code",
};
pub const RECUSALS: Layout = Layout {
    table: "recusals",
    columns: parse::RECUSAL_COLUMNS,
    positioned: false,
    order: "card_no, uscc",
};
pub const LISTS: Layout = Layout {
    table: "lists",
    columns: parse::LIST_COLUMNS,
    positioned: false,
    order: "uscc, list",
};
pub const HISTORY: Layout = Layout {
    table: "history",
    columns: parse::HISTORY_COLUMNS,
    positioned: true,
    order: "position",
};

// A row's fields are written as the folder format writes them (`registry::write::*_record`),
// in the order of each layout's columns.

/// Rows per INSERT statement on SQLite (well under its 32,766 bound parameters).
const SQLITE_CHUNK: usize = 256;

/// Inserts `rows` (each the fields of `layout.columns`) into the snapshot `snapshot`.
pub async fn insert<'a, I, R>(tx: &mut Tx, layout: &Layout, snapshot: i64, rows: I) -> Result<u64>
where
    I: Iterator<Item = R>,
    R: AsRef<[Cow<'a, str>]>,
{
    match tx {
        Tx::Sqlite(t) => insert_sqlite(t, layout, snapshot, rows).await,
        Tx::Postgres(t) => copy_postgres(t, layout, snapshot, rows).await,
    }
}

fn column_list(layout: &Layout) -> String {
    let mut cols = vec!["snapshot_id"];
    if layout.positioned {
        cols.push("position");
    }
    cols.extend(layout.columns);
    cols.join(", ")
}

/// A multi-row INSERT with anonymous `?` placeholders: sqlx looks up the name of every
/// parameter of a statement, which SQLite answers by a scan of its named parameters, so
/// thousands of `$N` in one statement cost quadratic time (measured: 84% of an import).
fn insert_sql(layout: &Layout, rows: usize) -> String {
    let width = layout.columns.len() + 1 + usize::from(layout.positioned);
    let mut sql = format!(
        "INSERT INTO {} ({}) VALUES ",
        layout.table,
        column_list(layout)
    );
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for c in 0..width {
            if c > 0 {
                sql.push(',');
            }
            sql.push('?');
        }
        sql.push(')');
    }
    sql
}

async fn insert_sqlite<'a, I, R>(
    conn: &mut sqlx::SqliteConnection,
    layout: &Layout,
    snapshot: i64,
    rows: I,
) -> Result<u64>
where
    I: Iterator<Item = R>,
    R: AsRef<[Cow<'a, str>]>,
{
    let full = insert_sql(layout, SQLITE_CHUNK);
    let mut chunk: Vec<R> = Vec::with_capacity(SQLITE_CHUNK);
    let mut position: i64 = 0;
    let mut written = 0u64;
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        chunk.clear();
        chunk.extend(rows.by_ref().take(SQLITE_CHUNK));
        let sql = if chunk.len() == SQLITE_CHUNK {
            full.clone()
        } else {
            insert_sql(layout, chunk.len())
        };
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for fields in &chunk {
            q = q.bind(snapshot);
            if layout.positioned {
                q = q.bind(position);
                position += 1;
            }
            for f in fields.as_ref() {
                q = q.bind(f.as_ref());
            }
        }
        written += q.execute(&mut *conn).await?.rows_affected();
    }
    Ok(written)
}

/// Escapes a field for COPY's text format (validated text has no control characters, but a
/// backslash is possible).
fn copy_escape(out: &mut Vec<u8>, field: &str) {
    let bytes = field.as_bytes();
    if !bytes
        .iter()
        .any(|&b| matches!(b, b'\\' | b'\t' | b'\n' | b'\r'))
    {
        out.extend_from_slice(bytes);
        return;
    }
    for &b in bytes {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

async fn copy_postgres<'a, I, R>(
    conn: &mut sqlx::PgConnection,
    layout: &Layout,
    snapshot: i64,
    rows: I,
) -> Result<u64>
where
    I: Iterator<Item = R>,
    R: AsRef<[Cow<'a, str>]>,
{
    let statement = format!("COPY {} ({}) FROM STDIN", layout.table, column_list(layout));
    let mut copy = conn.copy_in_raw(&statement).await?;
    let mut buf = Vec::with_capacity(1 << 20);
    let snapshot = snapshot.to_string();
    for (position, fields) in rows.enumerate() {
        buf.extend_from_slice(snapshot.as_bytes());
        if layout.positioned {
            buf.push(b'\t');
            buf.extend_from_slice(position.to_string().as_bytes());
        }
        for f in fields.as_ref() {
            buf.push(b'\t');
            copy_escape(&mut buf, f);
        }
        buf.push(b'\n');
        if buf.len() >= 1 << 20 {
            copy.send(std::mem::take(&mut buf)).await?;
            buf.reserve(1 << 20);
        }
    }
    if !buf.is_empty() {
        copy.send(buf).await?;
    }
    Ok(copy.finish().await?)
}

/// The SELECT of `columns` of a snapshot's rows, in order.
fn select(layout: &Layout, columns: &[&str]) -> String {
    format!(
        "SELECT {} FROM {} WHERE snapshot_id = $1 ORDER BY {}",
        columns.join(", "),
        layout.table,
        layout.order
    )
}

/// Rows per packed page on SQLite.
const PAGE: i64 = 65_536;

/// The SQLite SELECT of one page of rows packed into one text value: fields joined by
/// U+001F, rows by U+001E (validated text holds no control characters), with the page's
/// row count, how many of its rows are not NULL (a NULL field would drop its row from the
/// value) and how many hold a U+001E (which would split one row into two). `read_packed`
/// refuses either, and checks the field count of every row.
fn select_packed(layout: &Layout, columns: &[&str]) -> String {
    let order = layout.order;
    // The key as one sortable value: U+001F sorts below every character a key may hold,
    // so (card_no, uscc) orders as card_no ‖ U+001F ‖ uscc.
    let key = order.replace(", ", " || char(31) || ");
    format!(
        "SELECT group_concat(r, char(30) ORDER BY k), COUNT(*), COUNT(r), \
         COALESCE(SUM(instr(r, char(30)) > 0), 0) FROM (SELECT {} AS r, {key} AS k \
         FROM {} WHERE snapshot_id = $1 ORDER BY {order} LIMIT $2 OFFSET $3)",
        columns.join(" || char(31) || "),
        layout.table
    )
}

fn corrupt(layout: &Layout, snapshot: i64, row: usize, e: String) -> StoreError {
    StoreError::Corrupt(format!(
        "{} of snapshot {snapshot}, row {}: {e}",
        layout.table,
        row + 1
    ))
}

fn list(v: &str) -> Result<Vec<String>, String> {
    if v.is_empty() {
        Ok(Vec::new())
    } else {
        text::list(v)
    }
}

/// Reads `columns` of a snapshot's rows and makes each row into a `T` with `make` as it
/// arrives (rows are never all held as text); a row that no longer parses is corrupt
/// storage, named by table, snapshot and row.
async fn read_as<T>(
    store: &Store,
    layout: &Layout,
    columns: &[&str],
    snapshot: i64,
    make: impl Fn(&[&str]) -> Result<T, String>,
) -> Result<Vec<T>> {
    use futures_util::TryStreamExt;
    let Store::Postgres(p) = store else {
        return read_packed(store, layout, columns, snapshot, make).await;
    };
    let sql = select(layout, columns);
    let width = columns.len();
    let mut out = Vec::new();
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(snapshot)
        .fetch(p);
    while let Some(row) = rows.try_next().await? {
        let fields = (0..width)
            .map(|i| row.try_get::<&str, _>(i))
            .collect::<Result<Vec<&str>, _>>()?;
        let made = make(&fields).map_err(|e| corrupt(layout, snapshot, out.len(), e))?;
        out.push(made);
    }
    Ok(out)
}

/// `read_as` on SQLite. sqlx hands each row over from SQLite's worker thread through a
/// channel, which at 10⁶ rows costs several times the rows themselves (docs/BENCHMARKS.md);
/// so SQLite packs a page of rows into one value and they are split here.
async fn read_packed<T>(
    store: &Store,
    layout: &Layout,
    columns: &[&str],
    snapshot: i64,
    make: impl Fn(&[&str]) -> Result<T, String>,
) -> Result<Vec<T>> {
    let sql = select_packed(layout, columns);
    let mut out = Vec::new();
    let mut offset = 0i64;
    loop {
        let (page, rows, whole, split): (Option<String>, i64, i64, i64) = on_pool!(store, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(snapshot)
            .bind(PAGE)
            .bind(offset)
            .fetch_one(p)
            .await?);
        if whole != rows {
            let e = format!("{} row(s) of this page have a NULL field", rows - whole);
            return Err(corrupt(layout, snapshot, out.len(), e));
        }
        if split != 0 {
            let e = format!("{split} row(s) of this page hold a U+001E");
            return Err(corrupt(layout, snapshot, out.len(), e));
        }
        let Some(page) = page else { break };
        let before = out.len();
        for row in page.split('\u{1e}') {
            let fields: Vec<&str> = row.split('\u{1f}').collect();
            if fields.len() != columns.len() {
                let e = format!("{} fields, not {}", fields.len(), columns.len());
                return Err(corrupt(layout, snapshot, out.len(), e));
            }
            let made = make(&fields).map_err(|e| corrupt(layout, snapshot, out.len(), e))?;
            out.push(made);
        }
        if (out.len() - before) as i64 != rows {
            let e = format!("{} rows read back, {rows} stored", out.len() - before);
            return Err(corrupt(layout, snapshot, before, e));
        }
        if rows < PAGE {
            break;
        }
        offset += PAGE;
    }
    Ok(out)
}

/// The snapshot records of a snapshot's entities (the fields a commitment keeps), read
/// without the rest of each row.
pub async fn entity_records(store: &Store, snapshot: i64) -> Result<Vec<EntityRecord>> {
    let columns = [
        "uscc",
        "name",
        "sector",
        "entity_type",
        "district",
        "credit_grade",
        "status",
    ];
    read_as(store, &ENTITIES, &columns, snapshot, |f| {
        Ok(EntityRecord {
            uscc: CompactString::from(uscc(f[0])?.as_str()),
            name: CompactString::from(f[1]),
            sector: CompactString::from(f[2]),
            entity_type: CompactString::from(f[3]),
            district: CompactString::from(f[4]),
            grade: Grade::parse(f[5])?,
            status: EntityStatus::parse(f[6])?,
        })
    })
    .await
}

/// Where an entity of a snapshot is and who answers for it: its address, legal
/// representative and contact, as inspectors need them (the public pages never show them).
pub async fn entity_contact(
    store: &Store,
    snapshot: i64,
    uscc: &str,
) -> Result<Option<(String, String, String)>> {
    Ok(on_pool!(store, p => sqlx::query_as(
        "SELECT address, legal_representative, contact FROM entities WHERE snapshot_id = $1 AND uscc = $2",
    )
    .bind(snapshot)
    .bind(uscc)
    .fetch_optional(p)
    .await?))
}

fn uscc(v: &str) -> Result<Uscc, String> {
    Uscc::parse(v).map_err(|e| e.to_string())
}

pub async fn entities(store: &Store, snapshot: i64) -> Result<Vec<Entity>> {
    read_as(store, &ENTITIES, ENTITIES.columns, snapshot, |f| {
        Ok(Entity {
            uscc: uscc(f[0])?,
            name: f[1].to_string(),
            sector: f[2].to_string(),
            entity_type: f[3].to_string(),
            district: f[4].to_string(),
            address: f[5].to_string(),
            grade: Grade::parse(f[6])?,
            status: EntityStatus::parse(f[7])?,
            legal_representative: f[8].to_string(),
            contact: f[9].to_string(),
        })
    })
    .await
}

pub async fn officers(store: &Store, snapshot: i64) -> Result<Vec<Officer>> {
    read_as(store, &OFFICERS, OFFICERS.columns, snapshot, |f| {
        Ok(Officer {
            card_no: f[0].to_string(),
            name: f[1].to_string(),
            department: f[2].to_string(),
            district: f[3].to_string(),
            sectors: list(f[4])?,
            card_valid_until: text::date(f[5])?,
            status: OfficerStatus::parse(f[6])?,
        })
    })
    .await
}

pub async fn matters(store: &Store, snapshot: i64) -> Result<Vec<Matter>> {
    read_as(store, &MATTERS, MATTERS.columns, snapshot, |f| {
        Ok(Matter {
            code: f[0].to_string(),
            name: f[1].to_string(),
            sector: f[2].to_string(),
            legal_basis: f[3].to_string(),
            inspecting_body: f[4].to_string(),
            content: f[5].to_string(),
            methods: list(f[6])?
                .iter()
                .map(|m| Method::parse(m))
                .collect::<Result<_, _>>()?,
        })
    })
    .await
}

pub async fn recusals(store: &Store, snapshot: i64) -> Result<Vec<Recusal>> {
    read_as(store, &RECUSALS, RECUSALS.columns, snapshot, |f| {
        Ok(Recusal {
            card_no: f[0].to_string(),
            uscc: uscc(f[1])?,
            reason: f[2].to_string(),
        })
    })
    .await
}

pub async fn history(store: &Store, snapshot: i64) -> Result<Vec<Inspection>> {
    read_as(store, &HISTORY, HISTORY.columns, snapshot, |f| {
        Ok(Inspection {
            uscc: uscc(f[0])?,
            matter_code: f[1].to_string(),
            date: text::date(f[2])?,
            officers: list(f[3])?,
        })
    })
    .await
}

pub async fn lists(store: &Store, snapshot: i64) -> Result<Vec<Listing>> {
    read_as(store, &LISTS, LISTS.columns, snapshot, |f| {
        Ok(Listing {
            uscc: uscc(f[0])?,
            list: f[1].to_string(),
            listed_on: text::date(f[2])?,
            reason: f[3].to_string(),
        })
    })
    .await
}

/// The keys of a snapshot's rows (the first column of `layout`: USCCs, card numbers,
/// matter codes), which other tables refer to.
pub async fn keys(
    store: &Store,
    layout: &Layout,
    snapshot: i64,
) -> Result<std::collections::HashSet<String>> {
    let rows = read_as(store, layout, &layout.columns[..1], snapshot, |f| {
        Ok(f[0].to_string())
    })
    .await?;
    Ok(rows.into_iter().collect())
}
