//! Field checks on snapshot records and on the header's matter records read back from a
//! commitment (DRAW-SPEC §2.1, §2.4), by the rules the directory import applies: every text
//! trimmed, NFC, non-empty, without control characters and at most 500 characters, every
//! card number and matter code an identifier, every USCC valid with its check character,
//! every date `YYYY-MM-DD`, every list non-empty without repeats. A commitment made by
//! `build` always passes; one edited by hand may not.

use crate::discrepancy::Discrepancy;
use crate::domain::{Uscc, text};
use crate::registry::parse::identifier;

use super::{MatterRecord, Snapshots, SourceFile};

fn at(list: &str, i: usize, field: &str, reason: String) -> Discrepancy {
    Discrepancy::new(format!("/commitment/snapshots/{list}/{i}/{field}"), reason)
}

fn uscc(value: &str) -> Result<(), String> {
    match Uscc::parse(value) {
        Ok(u) if u.as_str() == value => Ok(()),
        Ok(u) => Err(format!("'{value}' is not in normal form '{u}'")),
        Err(e) => Err(format!("'{value}': {e}")),
    }
}

fn normal_identifier(value: &str) -> Result<(), String> {
    match identifier(value) {
        Ok(id) if id == value => Ok(()),
        Ok(_) => Err(format!("'{value}' is not trimmed and NFC-normalised")),
        Err(e) => Err(e),
    }
}

fn list<T: PartialEq + std::fmt::Display>(
    values: &[T],
    check: impl Fn(&T) -> Result<(), String>,
) -> Result<(), String> {
    if values.is_empty() {
        return Err("is empty".into());
    }
    for (i, v) in values.iter().enumerate() {
        check(v).map_err(|e| format!("item {i} {e}"))?;
        if values[..i].contains(v) {
            return Err(format!("lists '{v}' twice"));
        }
    }
    Ok(())
}

/// The first record field that is not in its valid, normal form.
pub fn records(s: &Snapshots) -> Result<(), Discrepancy> {
    for (i, e) in s.entities.iter().enumerate() {
        let fail = |field, reason| at("entities", i, field, reason);
        uscc(&e.uscc).map_err(|r| fail("uscc", r))?;
        for (field, value) in [
            ("district", &e.district),
            ("name", &e.name),
            ("sector", &e.sector),
            ("type", &e.entity_type),
        ] {
            text::check_required(value).map_err(|r| fail(field, r))?;
        }
    }
    for (i, o) in s.officers.iter().enumerate() {
        let fail = |field, reason| at("officers", i, field, reason);
        normal_identifier(&o.card_no).map_err(|r| fail("card_no", r))?;
        text::check_required(&o.department).map_err(|r| fail("department", r))?;
        text::check_required(&o.district).map_err(|r| fail("district", r))?;
        list(&o.sectors, |s| text::check_required(s)).map_err(|r| fail("sectors", r))?;
        text::check_date(&o.valid_until).map_err(|r| fail("valid_until", r))?;
    }
    for (i, r) in s.recusals.iter().enumerate() {
        normal_identifier(&r.card_no).map_err(|e| at("recusals", i, "card_no", e))?;
        uscc(&r.uscc).map_err(|e| at("recusals", i, "uscc", e))?;
    }
    for (i, l) in s.lists.iter().flatten().enumerate() {
        text::check_required(&l.list).map_err(|e| at("lists", i, "list", e))?;
        uscc(&l.uscc).map_err(|e| at("lists", i, "uscc", e))?;
    }
    for (i, h) in s.history.iter().enumerate() {
        let fail = |field, reason| at("history", i, field, reason);
        text::check_date(&h.date).map_err(|r| fail("date", r))?;
        normal_identifier(&h.matter).map_err(|r| fail("matter", r))?;
        list(&h.officers, |c| normal_identifier(c)).map_err(|r| fail("officers", r))?;
        uscc(&h.uscc).map_err(|r| fail("uscc", r))?;
    }
    Ok(())
}

/// The first field of a header matter record (DRAW-SPEC §2.4) that is not in its valid,
/// normal form: `code` an identifier, the other texts as the matters file requires them,
/// `methods` non-empty without repeats (their spelling is fixed by `Method`).
pub fn matters(matters: &[MatterRecord]) -> Result<(), Discrepancy> {
    for (i, m) in matters.iter().enumerate() {
        let fail = |field: &str, reason| {
            Discrepancy::new(format!("/commitment/header/matters/{i}/{field}"), reason)
        };
        normal_identifier(&m.code).map_err(|r| fail("code", r))?;
        for (field, value) in [
            ("content", &m.content),
            ("inspecting_body", &m.inspecting_body),
            ("legal_basis", &m.legal_basis),
            ("name", &m.name),
            ("sector", &m.sector),
        ] {
            text::check_required(value).map_err(|r| fail(field, r))?;
        }
        list(&m.methods, |_| Ok(())).map_err(|r| fail("methods", r))?;
    }
    Ok(())
}

/// The lists source against the lists snapshot (DRAW-SPEC §2.4, version 5): one row per
/// record, and an empty table's content hash when there is none (a bundle holds every column
/// of an empty table, so that hash is checkable).
pub fn lists_source(source: &SourceFile, records: usize) -> Result<(), Discrepancy> {
    let at = "/commitment/header/sources/5";
    if source.rows != records as u64 {
        return Err(Discrepancy::new(
            format!("{at}/rows"),
            format!(
                "is {}; the lists snapshot has {records} records, one per row of lists.csv",
                source.rows
            ),
        ));
    }
    let empty = crate::registry::canonical::hash::<crate::domain::Listing, 4>(&[]);
    if records == 0 && source.sha256 != empty {
        return Err(Discrepancy::new(
            format!("{at}/sha256"),
            format!(
                "is {}; an empty lists table's content hash is {empty}",
                source.sha256
            ),
        ));
    }
    Ok(())
}

/// The header's sources (DRAW-SPEC §2.4): the directory's five tables in the order entities,
/// officers, matters, recusals, history, and from version 5 on (`with_lists`) a sixth,
/// lists, each by its file name, with a content hash in lowercase hex. (The hashes
/// themselves need the directory, which a bundle does not hold.)
pub fn sources(sources: &[SourceFile], with_lists: bool) -> Result<(), Discrepancy> {
    let f = crate::registry::FILES;
    let all = f.all();
    let names = &all[..if with_lists { 6 } else { 5 }];
    for (i, name) in names.iter().enumerate() {
        let Some(s) = sources.get(i) else {
            return Err(Discrepancy::new(
                format!("/commitment/header/sources/{i}"),
                format!("is missing: no source for the table {name}"),
            ));
        };
        if s.file != *name {
            return Err(Discrepancy::new(
                format!("/commitment/header/sources/{i}/file"),
                format!("is {:?}; source {i} is the table {name}", s.file),
            ));
        }
        if s.sha256.len() != 64
            || !s
                .sha256
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return Err(Discrepancy::new(
                format!("/commitment/header/sources/{i}/sha256"),
                "is not 64 lowercase hexadecimal digits",
            ));
        }
    }
    if sources.len() > names.len() {
        return Err(Discrepancy::new(
            format!("/commitment/header/sources/{}", names.len()),
            if with_lists {
                "is a seventh source: a commitment names the directory's six tables"
            } else {
                "is a sixth source: a commitment of versions 1 to 4 names the directory's five \
                 tables"
            },
        ));
    }
    Ok(())
}
