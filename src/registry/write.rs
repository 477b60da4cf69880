//! Writes a `Directory` as the five CSV files of the folder format (the inverse of `load`).

use std::path::Path;

use crate::domain::Directory;

use super::{FILES, parse};

fn writer(
    dir: &Path,
    name: &str,
) -> std::io::Result<csv::Writer<std::io::BufWriter<std::fs::File>>> {
    let file = std::fs::File::create(dir.join(name))?;
    Ok(csv::Writer::from_writer(std::io::BufWriter::new(file)))
}

fn join<T: AsRef<str>>(items: &[T]) -> String {
    items
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(";")
}

/// Writes every file of `directory` into the folder `dir` (created if missing).
pub fn write(dir: &Path, directory: &Directory) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut w = writer(dir, FILES.entities)?;
    w.write_record(parse::ENTITY_COLUMNS)?;
    for e in &directory.entities {
        w.write_record([
            e.uscc.as_str(),
            &e.name,
            &e.sector,
            &e.entity_type,
            &e.district,
            &e.address,
            e.grade.as_str(),
            e.status.as_str(),
            &e.legal_representative,
            &e.contact,
        ])?;
    }
    w.flush()?;

    let mut w = writer(dir, FILES.officers)?;
    w.write_record(parse::OFFICER_COLUMNS)?;
    for o in &directory.officers {
        w.write_record([
            o.card_no.as_str(),
            &o.name,
            &o.department,
            &o.district,
            &join(&o.sectors),
            &o.card_valid_until.to_string(),
            o.status.as_str(),
        ])?;
    }
    w.flush()?;

    let mut w = writer(dir, FILES.matters)?;
    w.write_record(parse::MATTER_COLUMNS)?;
    for m in &directory.matters {
        let methods: Vec<&str> = m.methods.iter().map(|x| x.as_str()).collect();
        w.write_record([
            m.code.as_str(),
            &m.name,
            &m.sector,
            &m.legal_basis,
            &m.inspecting_body,
            &m.content,
            &join(&methods),
        ])?;
    }
    w.flush()?;

    let mut w = writer(dir, FILES.recusals)?;
    w.write_record(parse::RECUSAL_COLUMNS)?;
    for r in &directory.recusals {
        w.write_record([r.card_no.as_str(), r.uscc.as_str(), &r.reason])?;
    }
    w.flush()?;

    let mut w = writer(dir, FILES.history)?;
    w.write_record(parse::HISTORY_COLUMNS)?;
    for h in &directory.history {
        w.write_record([
            h.uscc.as_str(),
            &h.matter_code,
            &h.date.to_string(),
            &join(&h.officers),
        ])?;
    }
    w.flush()?;
    Ok(())
}
