//! Field checks on snapshot records read back from a commitment (DRAW-SPEC §2.1): every
//! text trimmed, NFC and non-empty, every USCC valid with its check character, every date
//! `YYYY-MM-DD`. A commitment made by `build` always passes; one edited by hand may not.

use crate::discrepancy::Discrepancy;
use crate::domain::{Uscc, text};
use crate::registry::parse::identifier;

use super::Snapshots;

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

fn card(value: &str) -> Result<(), String> {
    match identifier(value) {
        Ok(id) if id == value => Ok(()),
        Ok(_) => Err(format!("'{value}' is not trimmed and NFC-normalised")),
        Err(e) => Err(e),
    }
}

fn list(values: &[String], check: fn(&str) -> Result<(), String>) -> Result<(), String> {
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
        card(&o.card_no).map_err(|r| fail("card_no", r))?;
        text::check_required(&o.department).map_err(|r| fail("department", r))?;
        text::check_required(&o.district).map_err(|r| fail("district", r))?;
        list(&o.sectors, text::check_required).map_err(|r| fail("sectors", r))?;
        text::check_date(&o.valid_until).map_err(|r| fail("valid_until", r))?;
    }
    for (i, r) in s.recusals.iter().enumerate() {
        card(&r.card_no).map_err(|e| at("recusals", i, "card_no", e))?;
        uscc(&r.uscc).map_err(|e| at("recusals", i, "uscc", e))?;
    }
    for (i, h) in s.history.iter().enumerate() {
        let fail = |field, reason| at("history", i, field, reason);
        text::check_date(&h.date).map_err(|r| fail("date", r))?;
        card(&h.matter).map_err(|r| fail("matter", r))?;
        list(&h.officers, card).map_err(|r| fail("officers", r))?;
        uscc(&h.uscc).map_err(|r| fail("uscc", r))?;
    }
    Ok(())
}
