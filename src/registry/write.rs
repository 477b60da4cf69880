//! Writes a `Directory` as the six CSV files of the folder format (the inverse of `load`).
//! Each table's rows are written as `*_record` spells them, by `write_table`, which
//! `registry::canonical` (the content hash) uses too.

use std::borrow::Cow;
use std::path::Path;

use crate::domain::{
    Directory, Entity, EntityStatus, Grade, Inspection, Listing, Matter, Officer, Recusal,
};

use super::{FILES, parse};

fn join<T: AsRef<str>>(items: &[T]) -> String {
    items
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(";")
}

/// An entity row's fields, borrowed from whatever form holds them (`Entity`, or the
/// commit's `commitment::SourceEntity`).
pub struct EntityText<'a> {
    pub uscc: &'a str,
    pub name: &'a str,
    pub sector: &'a str,
    pub entity_type: &'a str,
    pub district: &'a str,
    pub address: &'a str,
    pub grade: Grade,
    pub status: EntityStatus,
    pub legal_representative: &'a str,
    pub contact: &'a str,
}

/// An entity row's fields as written, in `parse::ENTITY_COLUMNS` order.
pub fn entity_text_record(e: EntityText<'_>) -> [Cow<'_, str>; 10] {
    [
        Cow::Borrowed(e.uscc),
        Cow::Borrowed(e.name),
        Cow::Borrowed(e.sector),
        Cow::Borrowed(e.entity_type),
        Cow::Borrowed(e.district),
        Cow::Borrowed(e.address),
        Cow::Borrowed(e.grade.as_str()),
        Cow::Borrowed(e.status.as_str()),
        Cow::Borrowed(e.legal_representative),
        Cow::Borrowed(e.contact),
    ]
}

/// An entity row's fields as written, in `parse::ENTITY_COLUMNS` order.
pub fn entity_record(e: &Entity) -> [Cow<'_, str>; 10] {
    super::canonical::TableRow::record(e)
}

/// An officer row's fields as written, in `parse::OFFICER_COLUMNS` order.
pub fn officer_record(o: &Officer) -> [Cow<'_, str>; 7] {
    [
        Cow::Borrowed(&o.card_no),
        Cow::Borrowed(&o.name),
        Cow::Borrowed(&o.department),
        Cow::Borrowed(&o.district),
        Cow::Owned(join(&o.sectors)),
        Cow::Owned(o.card_valid_until.to_string()),
        Cow::Borrowed(o.status.as_str()),
    ]
}

/// A matter row's fields as written, in `parse::MATTER_COLUMNS` order.
pub fn matter_record(m: &Matter) -> [Cow<'_, str>; 7] {
    let methods: Vec<&str> = m.methods.iter().map(|x| x.as_str()).collect();
    [
        Cow::Borrowed(&m.code),
        Cow::Borrowed(&m.name),
        Cow::Borrowed(&m.sector),
        Cow::Borrowed(&m.legal_basis),
        Cow::Borrowed(&m.inspecting_body),
        Cow::Borrowed(&m.content),
        Cow::Owned(join(&methods)),
    ]
}

/// A recusal row's fields as written, in `parse::RECUSAL_COLUMNS` order.
pub fn recusal_record(r: &Recusal) -> [Cow<'_, str>; 3] {
    [
        Cow::Borrowed(&r.card_no),
        Cow::Borrowed(r.uscc.as_str()),
        Cow::Borrowed(&r.reason),
    ]
}

/// A history row's fields as written, in `parse::HISTORY_COLUMNS` order.
pub fn inspection_record(h: &Inspection) -> [Cow<'_, str>; 4] {
    [
        Cow::Borrowed(h.uscc.as_str()),
        Cow::Borrowed(&h.matter_code),
        Cow::Owned(h.date.to_string()),
        Cow::Owned(join(&h.officers)),
    ]
}

/// A list row's fields as written, in `parse::LIST_COLUMNS` order.
pub fn listing_record(l: &Listing) -> [Cow<'_, str>; 4] {
    [
        Cow::Borrowed(l.uscc.as_str()),
        Cow::Borrowed(&l.list),
        Cow::Owned(l.listed_on.to_string()),
        Cow::Borrowed(&l.reason),
    ]
}

/// Writes one table to `out`: the header `columns`, then each record (RFC 4180 quoting
/// where needed, LF line ends, no BOM).
pub fn write_table<'a, W, R, F>(out: W, columns: &[&str], records: R) -> std::io::Result<()>
where
    W: std::io::Write,
    R: IntoIterator<Item = F>,
    F: AsRef<[Cow<'a, str>]>,
{
    let mut w = csv::Writer::from_writer(out);
    w.write_record(columns)?;
    for record in records {
        w.write_record(record.as_ref().iter().map(|f| f.as_bytes()))?;
    }
    w.flush()
}

fn write_file<'a, F: AsRef<[Cow<'a, str>]>>(
    dir: &Path,
    name: &str,
    columns: &[&str],
    records: impl IntoIterator<Item = F>,
) -> std::io::Result<()> {
    let file = std::fs::File::create(dir.join(name))?;
    write_table(std::io::BufWriter::new(file), columns, records)
}

/// Writes every file of `directory` into the folder `dir` (created if missing).
pub fn write(dir: &Path, directory: &Directory) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let d = directory;
    let entities = d.entities.iter().map(entity_record);
    write_file(dir, FILES.entities, parse::ENTITY_COLUMNS, entities)?;
    let officers = d.officers.iter().map(officer_record);
    write_file(dir, FILES.officers, parse::OFFICER_COLUMNS, officers)?;
    let matters = d.matters.iter().map(matter_record);
    write_file(dir, FILES.matters, parse::MATTER_COLUMNS, matters)?;
    let recusals = d.recusals.iter().map(recusal_record);
    write_file(dir, FILES.recusals, parse::RECUSAL_COLUMNS, recusals)?;
    let history = d.history.iter().map(inspection_record);
    write_file(dir, FILES.history, parse::HISTORY_COLUMNS, history)?;
    let lists = d.lists.iter().map(listing_record);
    write_file(dir, FILES.lists, parse::LIST_COLUMNS, lists)
}
