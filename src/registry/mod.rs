//! The directory folder format: six tables (the sixth, `lists`, may be left out: a folder
//! without it has an empty one), each a CSV file (UTF-8 or GBK) or an `.xlsx`
//! workbook (documented in `registries/README.md`), read through the one decoding path
//! (`decode`) with every bad row reported by file, line and column. This is the file
//! adapter in front of `domain`; it holds no draw logic.

pub mod canonical;
pub mod decode;
pub mod error;
pub mod generate;
pub mod parse;
pub mod sort;
pub mod split;
pub mod table;
pub mod validate;
pub mod write;
pub mod xlsx;

use std::path::Path;

use crate::domain::{Directory, Entity};
use crate::mapped::Mapped;
use canonical::TableRow;
pub use error::{DirectoryErrors, RowError};

/// The file names inside a directory folder (or, in messages, what a folder's tables were
/// read from).
pub struct FileNames<'a> {
    pub entities: &'a str,
    pub officers: &'a str,
    pub matters: &'a str,
    pub recusals: &'a str,
    pub history: &'a str,
    pub lists: &'a str,
}

impl<'a> FileNames<'a> {
    /// The six, in table order.
    pub fn all(&self) -> [&'a str; 6] {
        [
            self.entities,
            self.officers,
            self.matters,
            self.recusals,
            self.history,
            self.lists,
        ]
    }
}

/// The tables' CSV file names: the names a commitment's `sources` give (DRAW-SPEC §2.4),
/// whatever the folder holds.
pub const FILES: FileNames<'static> = FileNames {
    entities: "entities.csv",
    officers: "officers.csv",
    matters: "matters.csv",
    recusals: "recusals.csv",
    history: "history.csv",
    lists: "lists.csv",
};

/// The workbook a folder may hold instead of a table's CSV file: `entities.xlsx` for
/// `entities.csv`, and so on.
pub fn workbook_name(csv_name: &str) -> String {
    format!("{}.xlsx", table_word(csv_name))
}

/// The table's word (`entities` for `entities.csv`), which also names its workbook sheet.
fn table_word(csv_name: &str) -> &str {
    csv_name.strip_suffix(".csv").unwrap_or(csv_name)
}

/// One table as read: its file name, its content hash (the SHA-256 of its canonical CSV,
/// `canonical`, DRAW-SPEC §2.5) and its number of rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub file: String,
    pub sha256: String,
    pub rows: usize,
}

/// A directory folder, read and validated.
#[derive(Debug, Clone)]
pub struct Loaded<E = Entity> {
    pub directory: Directory<E>,
    pub sources: Vec<SourceFile>,
}

impl Loaded {
    /// A directory held in memory (tests, benchmarks) with the sources a folder of it gives:
    /// each table's file name, content hash (DRAW-SPEC §2.5) and number of rows.
    pub fn in_memory(directory: Directory) -> Loaded {
        use crate::import::{Rows, content_hash};
        let d = &directory;
        let tables = [
            (FILES.entities, Rows::Entities(d.entities.clone())),
            (FILES.officers, Rows::Officers(d.officers.clone())),
            (FILES.matters, Rows::Matters(d.matters.clone())),
            (FILES.recusals, Rows::Recusals(d.recusals.clone())),
            (FILES.history, Rows::History(d.history.clone())),
            (FILES.lists, Rows::Lists(d.lists.clone())),
        ];
        let sources = tables
            .into_iter()
            .map(|(file, rows)| SourceFile {
                file: file.to_string(),
                sha256: content_hash(&rows),
                rows: rows.len(),
            })
            .collect();
        Loaded { directory, sources }
    }
}

/// Which file of the folder `dir` holds the table whose CSV file is `csv_name`: that file,
/// or instead its workbook (never both: an error naming them). An old `{table}.xls` in
/// place of both is named too, to be refused by its content with the advice to save it
/// again (`decode`); with none of them, `csv_name` (which then cannot be read).
pub fn table_file(dir: &Path, csv_name: &str) -> Result<String, RowError> {
    let workbook = workbook_name(csv_name);
    let old = format!("{}.xls", table_word(csv_name));
    match (dir.join(csv_name).exists(), dir.join(&workbook).exists()) {
        (true, true) => Err(RowError {
            file: csv_name.to_string(),
            line: 0,
            column: None,
            reason: format!("{workbook} is in the folder too: keep one of the two"),
        }),
        (false, true) => Ok(workbook),
        (false, false) if dir.join(&old).exists() => Ok(old),
        _ => Ok(csv_name.to_string()),
    }
}

/// The bytes of one table's file (`table_file`), with its name; a problem is one error.
fn read_file(dir: &Path, csv_name: &str, errors: &mut Vec<RowError>) -> Option<(String, Mapped)> {
    let name = table_file(dir, csv_name).map_err(|e| errors.push(e)).ok()?;
    match crate::mapped::read(&dir.join(&name)) {
        Ok(bytes) => Some((name, bytes)),
        Err(e) => {
            errors.push(RowError {
                file: name,
                line: 0,
                column: None,
                reason: format!("cannot read: {e}"),
            });
            None
        }
    }
}

/// Reads and validates every file of the folder `dir`. Either the whole directory is valid,
/// or every problem found is returned (all bad rows of all files, not only the first).
/// Entities come back in USCC order.
pub fn load(dir: &Path) -> Result<Loaded, DirectoryErrors> {
    load_with(dir, parse::entity)
}

/// As `load`, with each entity row kept in the form `entity` makes of it (which validates
/// every field, as `parse::entity_fields` does, and keeps what the table's canonical CSV
/// writes). A reader that needs a few fields of a million entities keeps only those and
/// the ones the content hash covers, never the whole rows at once.
pub fn load_with<E: TableRow<10> + Send>(
    dir: &Path,
    entity: fn(&mut table::Row) -> Option<E>,
) -> Result<Loaded<E>, DirectoryErrors> {
    let mut errors = Vec::new();
    let files: Vec<Option<(String, Mapped)>> = FILES
        .all()
        .iter()
        .map(|name| {
            // A folder made before lists.csv existed has none: an empty table, not an error.
            let absent =
                *name == FILES.lists && table_file(dir, name).is_ok_and(|f| !dir.join(f).exists());
            (!absent)
                .then(|| read_file(dir, name, &mut errors))
                .flatten()
        })
        .collect();
    // Each file as CSV text, through the one decoding path: UTF-8 stays the mapped bytes
    // (parsed on two threads when large); GBK and workbooks are converted first.
    let decoded: Vec<Option<decode::Decoded>> = files
        .iter()
        .zip(FILES.all())
        .map(|(file, csv_name)| {
            let (name, bytes) = file.as_ref()?;
            let encoding = decode::Encoding::Auto;
            decode::decode(name, bytes, encoding, table_word(csv_name))
                .map_err(|e| errors.extend(e))
                .ok()
        })
        .collect();
    // What messages call each table: the file (and sheet) it was read from.
    let labels: Vec<&str> = (0..6)
        .map(|i| match (&decoded[i], &files[i]) {
            (Some(d), _) => d.label.as_str(),
            (None, Some((name, _))) => name.as_str(),
            (None, None) => FILES.all()[i],
        })
        .collect();
    let f = &FileNames {
        entities: labels[0],
        officers: labels[1],
        matters: labels[2],
        recusals: labels[3],
        history: labels[4],
        lists: labels[5],
    };
    // An unreadable file was reported once, above: it is not parsed, and references into it
    // are not reported again.
    let data = |i: usize| decoded[i].as_ref().map(|d| d.text.as_bytes());
    let entities = table::read_some(
        f.entities,
        data(0),
        parse::ENTITY_COLUMNS,
        "uscc",
        &mut errors,
        entity,
    );
    let officers = table::read_some(
        f.officers,
        data(1),
        parse::OFFICER_COLUMNS,
        "card_no",
        &mut errors,
        parse::officer,
    );
    let matters = table::read_some(
        f.matters,
        data(2),
        parse::MATTER_COLUMNS,
        "code",
        &mut errors,
        parse::matter,
    );
    let recusals = table::read_some(
        f.recusals,
        data(3),
        parse::RECUSAL_COLUMNS,
        "card_no",
        &mut errors,
        parse::recusal,
    );
    let history = table::read_some(
        f.history,
        data(4),
        parse::HISTORY_COLUMNS,
        "uscc",
        &mut errors,
        parse::inspection,
    );
    let lists = table::read_some(
        f.lists,
        data(5),
        parse::LIST_COLUMNS,
        "uscc",
        &mut errors,
        parse::listing,
    );

    // The small tables' content hashes are taken on a second thread while the checks across
    // rows and files run on this one.
    let hashes = std::thread::scope(|s| {
        let hashes = s.spawn(|| {
            [
                canonical::hash(&officers.rows),
                canonical::hash(&matters.rows),
                canonical::hash(&recusals.rows),
                canonical::hash(&history.rows),
                canonical::hash(&lists.rows),
            ]
        });
        let entity_keys =
            validate::unique(f.entities, "uscc", &entities, TableRow::key, &mut errors);
        let officer_keys = validate::unique(
            f.officers,
            "card_no",
            &officers,
            |o| &o.card_no,
            &mut errors,
        );
        let matter_keys = validate::unique(f.matters, "code", &matters, |m| &m.code, &mut errors);
        let tables = validate::Tables {
            entities: validate::Known(&entity_keys, &entities.bad_keys, data(0).is_none()),
            officers: validate::Known(&officer_keys, &officers.bad_keys, data(1).is_none()),
            matters: validate::Known(&matter_keys, &matters.bad_keys, data(2).is_none()),
            recusals: &recusals,
            history: &history,
            lists: &lists,
        };
        validate::references(f, &tables, &mut errors);
        hashes.join().expect("hashing thread")
    });

    if !errors.is_empty() {
        let order = |e: &RowError| {
            // A workbook's cells are reported under `file[sheet]`.
            let file = f.all().iter().position(|n| e.file.starts_with(n));
            (file, e.line)
        };
        errors.sort_by_key(order);
        return Err(DirectoryErrors(errors));
    }
    // Entities sorted once, here, by their unique USCCs: the canonical CSV's order and the
    // snapshot's, so neither sorts them again.
    let mut entities = entities.rows;
    sort::by_uscc(&mut entities, TableRow::key);
    let [
        officers_hash,
        matters_hash,
        recusals_hash,
        history_hash,
        lists_hash,
    ] = hashes;
    let hashes = [
        canonical::hash_in_order(&entities),
        officers_hash,
        matters_hash,
        recusals_hash,
        history_hash,
        lists_hash,
    ];
    let rows = [
        entities.len(),
        officers.rows.len(),
        matters.rows.len(),
        recusals.rows.len(),
        history.rows.len(),
        lists.rows.len(),
    ];
    let sources = FILES
        .all()
        .iter()
        .zip(hashes)
        .zip(rows)
        .map(|((file, sha256), rows)| SourceFile {
            file: file.to_string(),
            sha256,
            rows,
        })
        .collect();
    Ok(Loaded {
        directory: Directory {
            entities,
            officers: officers.rows,
            matters: matters.rows,
            recusals: recusals.rows,
            history: history.rows,
            lists: lists.rows,
        },
        sources,
    })
}
