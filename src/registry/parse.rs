//! Row parsers for each directory file: which columns it has and how each field is validated.

use std::borrow::Cow;

use crate::domain::text;
use crate::domain::{
    Entity, EntityStatus, Grade, Inspection, Listing, Matter, Method, Officer, OfficerStatus,
    Recusal, Uscc,
};

use super::table::Row;

pub const ENTITY_COLUMNS: &[&str] = &[
    "uscc",
    "name",
    "sector",
    "entity_type",
    "district",
    "address",
    "credit_grade",
    "status",
    "legal_representative",
    "contact",
];
pub const OFFICER_COLUMNS: &[&str] = &[
    "card_no",
    "name",
    "department",
    "district",
    "sectors",
    "card_valid_until",
    "status",
];
pub const MATTER_COLUMNS: &[&str] = &[
    "code",
    "name",
    "sector",
    "legal_basis",
    "inspecting_body",
    "content",
    "method",
];
pub const RECUSAL_COLUMNS: &[&str] = &["card_no", "uscc", "reason"];
pub const HISTORY_COLUMNS: &[&str] = &["uscc", "matter_code", "date", "officers"];
pub const LIST_COLUMNS: &[&str] = &["uscc", "list", "listed_on", "reason"];

fn uscc(value: &str) -> Result<Uscc, String> {
    Uscc::parse(value).map_err(|e| e.to_string())
}

/// A code or card number: non-empty, no spaces inside, at most 64 characters.
pub fn identifier(value: &str) -> Result<String, String> {
    let id = text::required(value)?;
    if id.chars().any(char::is_whitespace) {
        return Err(format!("「{id}」含有空格 / '{id}' contains a space"));
    }
    if id.chars().count() > 64 {
        return Err("超过 64 个字符 / is longer than 64 characters".into());
    }
    Ok(id)
}

/// An entity row, every field validated, its text borrowed from the row where it needed no
/// change. `Entity` owns all of it; a reader that keeps a few fields copies only those.
pub struct EntityFields<'a> {
    pub uscc: Uscc,
    pub name: Cow<'a, str>,
    pub sector: Cow<'a, str>,
    pub entity_type: Cow<'a, str>,
    pub district: Cow<'a, str>,
    pub address: Cow<'a, str>,
    pub grade: Grade,
    pub status: EntityStatus,
    pub legal_representative: Cow<'a, str>,
    pub contact: Cow<'a, str>,
}

pub fn entity(row: &mut Row) -> Option<Entity> {
    entity_fields(row).map(Entity::from)
}

/// Validates every field of an entity row (each bad field is reported).
pub fn entity_fields<'a>(row: &mut Row<'a>) -> Option<EntityFields<'a>> {
    let uscc = row.field("uscc", uscc);
    let name = row.field("name", text::required_ref);
    let sector = row.field("sector", text::required_ref);
    let entity_type = row.field("entity_type", text::required_ref);
    let district = row.field("district", text::required_ref);
    let address = row.field("address", text::optional_ref);
    let grade = row.field("credit_grade", Grade::parse);
    let status = row.field("status", EntityStatus::parse);
    let legal_representative = row.field("legal_representative", text::optional_ref);
    let contact = row.field("contact", text::optional_ref);
    Some(EntityFields {
        uscc: uscc?,
        name: name?,
        sector: sector?,
        entity_type: entity_type?,
        district: district?,
        address: address?,
        grade: grade?,
        status: status?,
        legal_representative: legal_representative?,
        contact: contact?,
    })
}

impl From<EntityFields<'_>> for Entity {
    fn from(f: EntityFields<'_>) -> Entity {
        Entity {
            uscc: f.uscc,
            name: f.name.into_owned(),
            sector: f.sector.into_owned(),
            entity_type: f.entity_type.into_owned(),
            district: f.district.into_owned(),
            address: f.address.into_owned(),
            grade: f.grade,
            status: f.status,
            legal_representative: f.legal_representative.into_owned(),
            contact: f.contact.into_owned(),
        }
    }
}

pub fn officer(row: &mut Row) -> Option<Officer> {
    let card_no = row.field("card_no", identifier);
    let name = row.field("name", text::required);
    let department = row.field("department", text::required);
    let district = row.field("district", text::required);
    let sectors = row.field("sectors", text::list);
    let card_valid_until = row.field("card_valid_until", text::date);
    let status = row.field("status", OfficerStatus::parse);
    Some(Officer {
        card_no: card_no?,
        name: name?,
        department: department?,
        district: district?,
        sectors: sectors?,
        card_valid_until: card_valid_until?,
        status: status?,
    })
}

pub fn matter(row: &mut Row) -> Option<Matter> {
    let code = row.field("code", identifier);
    let name = row.field("name", text::required);
    let sector = row.field("sector", text::required);
    let legal_basis = row.field("legal_basis", text::required);
    let inspecting_body = row.field("inspecting_body", text::required);
    let content = row.field("content", text::required);
    let methods = row.field("method", |v| {
        text::list(v)?.iter().map(|m| Method::parse(m)).collect()
    });
    Some(Matter {
        code: code?,
        name: name?,
        sector: sector?,
        legal_basis: legal_basis?,
        inspecting_body: inspecting_body?,
        content: content?,
        methods: methods?,
    })
}

pub fn recusal(row: &mut Row) -> Option<Recusal> {
    let card_no = row.field("card_no", identifier);
    let uscc = row.field("uscc", uscc);
    let reason = row.field("reason", text::required);
    Some(Recusal {
        card_no: card_no?,
        uscc: uscc?,
        reason: reason?,
    })
}

pub fn inspection(row: &mut Row) -> Option<Inspection> {
    let uscc = row.field("uscc", uscc);
    let matter_code = row.field("matter_code", identifier);
    let date = row.field("date", text::date);
    let officers = row.field("officers", |v| {
        text::list(v)?.iter().map(|c| identifier(c)).collect()
    });
    Some(Inspection {
        uscc: uscc?,
        matter_code: matter_code?,
        date: date?,
        officers: officers?,
    })
}

pub fn listing(row: &mut Row) -> Option<Listing> {
    let uscc = row.field("uscc", uscc);
    let list = row.field("list", text::required);
    let listed_on = row.field("listed_on", text::date);
    let reason = row.field("reason", text::optional);
    Some(Listing {
        uscc: uscc?,
        list: list?,
        listed_on: listed_on?,
        reason: reason?,
    })
}
