//! The directory folder format: five UTF-8 CSV files (documented in `registries/README.md`),
//! read with every bad row reported by file, line and column. This is the file adapter in
//! front of `domain`; it holds no draw logic.

pub mod canonical;
pub mod error;
pub mod generate;
pub mod parse;
pub mod sort;
pub mod split;
pub mod table;
pub mod validate;
pub mod write;

use std::path::Path;

use crate::domain::{Directory, Entity};
use crate::mapped::Mapped;
use canonical::TableRow;
pub use error::{DirectoryErrors, RowError};

/// The file names inside a directory folder.
pub struct FileNames {
    pub entities: &'static str,
    pub officers: &'static str,
    pub matters: &'static str,
    pub recusals: &'static str,
    pub history: &'static str,
}

pub const FILES: FileNames = FileNames {
    entities: "entities.csv",
    officers: "officers.csv",
    matters: "matters.csv",
    recusals: "recusals.csv",
    history: "history.csv",
};

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

/// Reads a directory file. A file that is not UTF-8 is one error naming the first bad line
/// (not one per row): it is most often GBK, which Excel in China writes as "CSV".
fn read_file(dir: &Path, name: &str, errors: &mut Vec<RowError>) -> Option<Mapped> {
    match crate::mapped::read(&dir.join(name)) {
        Ok(bytes) => match utf8_valid_up_to(&bytes) {
            None => Some(bytes),
            Some(valid_up_to) => {
                let valid = &bytes[..valid_up_to];
                let line = valid.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
                errors.push(RowError {
                    file: name.to_string(),
                    line,
                    column: None,
                    reason:
                        "the file is not UTF-8 from this line on (GBK? save it as \"CSV UTF-8\")"
                            .into(),
                });
                None
            }
        },
        Err(e) => {
            errors.push(RowError {
                file: name.to_string(),
                line: 0,
                column: None,
                reason: format!("cannot read: {e}"),
            });
            None
        }
    }
}

/// Where `bytes` stop being UTF-8, or `None` if they are UTF-8 throughout. `simdutf8`
/// checks several times faster than the standard library on Chinese text; a large file is
/// checked in two halves on two threads, split before a byte that starts a character, so
/// the answer is the one for the whole file.
fn utf8_valid_up_to(bytes: &[u8]) -> Option<usize> {
    let check = |b: &[u8]| {
        simdutf8::compat::from_utf8(b)
            .err()
            .map(|e| e.valid_up_to())
    };
    let middle = bytes.len() / 2;
    let cut = match bytes[middle..].iter().position(|&b| b & 0xC0 != 0x80) {
        Some(i) if bytes.len() >= split::MIN_SPLIT => middle + i,
        _ => return check(bytes),
    };
    let (first, second) = bytes.split_at(cut);
    let (a, b) = std::thread::scope(|s| {
        let b = s.spawn(|| check(second));
        (check(first), b.join().expect("UTF-8 checking thread"))
    });
    a.or(b.map(|i| cut + i))
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
    let f = &FILES;
    let bytes: Vec<Option<Mapped>> = [f.entities, f.officers, f.matters, f.recusals, f.history]
        .iter()
        .map(|name| read_file(dir, name, &mut errors))
        .collect();
    // An unreadable file was reported once, above: it is not parsed, and references into it
    // are not reported again.
    let data = |i: usize| bytes[i].as_deref();
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

    // The small tables' content hashes are taken on a second thread while the checks across
    // rows and files run on this one.
    let hashes = std::thread::scope(|s| {
        let hashes = s.spawn(|| {
            [
                canonical::hash(&officers.rows),
                canonical::hash(&matters.rows),
                canonical::hash(&recusals.rows),
                canonical::hash(&history.rows),
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
        };
        validate::references(f, &tables, &mut errors);
        hashes.join().expect("hashing thread")
    });

    if !errors.is_empty() {
        let order = |e: &RowError| {
            let file = [f.entities, f.officers, f.matters, f.recusals, f.history]
                .iter()
                .position(|n| *n == e.file);
            (file, e.line)
        };
        errors.sort_by_key(order);
        return Err(DirectoryErrors(errors));
    }
    // Entities sorted once, here, by their unique USCCs: the canonical CSV's order and the
    // snapshot's, so neither sorts them again.
    let mut entities = entities.rows;
    sort::by_uscc(&mut entities, TableRow::key);
    let [officers_hash, matters_hash, recusals_hash, history_hash] = hashes;
    let hashes = [
        canonical::hash_in_order(&entities),
        officers_hash,
        matters_hash,
        recusals_hash,
        history_hash,
    ];
    let rows = [
        entities.len(),
        officers.rows.len(),
        matters.rows.len(),
        recusals.rows.len(),
        history.rows.len(),
    ];
    let sources = [f.entities, f.officers, f.matters, f.recusals, f.history]
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
        },
        sources,
    })
}

#[cfg(test)]
mod tests {
    use super::utf8_valid_up_to;

    #[test]
    fn split_utf8_check_finds_what_a_whole_check_finds() {
        let text = "统一社会信用代码,养老机构\n".repeat(300_000);
        let bytes = text.as_bytes();
        assert!(bytes.len() >= super::split::MIN_SPLIT);
        assert_eq!(utf8_valid_up_to(bytes), None);
        // A bad byte in either half, at a character boundary and inside a character.
        for at in [
            10,
            bytes.len() / 2 - 1,
            bytes.len() / 2,
            bytes.len() / 2 + 1,
            bytes.len() - 2,
        ] {
            let mut bad = bytes.to_vec();
            bad[at] = 0xFF;
            let expected = std::str::from_utf8(&bad).unwrap_err().valid_up_to();
            assert_eq!(utf8_valid_up_to(&bad), Some(expected), "bad byte at {at}");
        }
        // A character cut short just before the middle.
        let mut cut = bytes.to_vec();
        let middle = cut.len() / 2;
        let start = (0..middle).rev().find(|&i| cut[i] & 0xC0 == 0xC0).unwrap();
        cut[start + 1] = b'a';
        let expected = std::str::from_utf8(&cut).unwrap_err().valid_up_to();
        assert_eq!(utf8_valid_up_to(&cut), Some(expected));
    }
}
