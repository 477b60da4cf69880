//! The draw's view of the directories: one record type per snapshot, holding only what the
//! draw uses (no addresses, legal representatives, contacts, officer names, recusal
//! reasons, or the dates and reasons of list entries). Fields are declared in lexicographic order so that serde_json's compact output
//! is already RFC 8785 canonical (checked by tests); DRAW-SPEC §2 defines them.

use std::borrow::Cow;

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use crate::domain::{self, EntityStatus, Grade, Method, OfficerStatus};
use crate::registry::canonical::TableRow;
use crate::registry::parse::{self, EntityFields};
use crate::registry::write::{self, EntityText};

/// An entity as the draw sees it. There are up to millions, so the text fields are
/// `CompactString`s: the USCC, sector, type and district (at most 24 bytes of UTF-8, eight
/// Chinese characters) are held inside the record itself, not behind a pointer, which keeps
/// a sorted snapshot's records and their text together in memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityRecord {
    pub district: CompactString,
    pub grade: Grade,
    pub name: CompactString,
    pub sector: CompactString,
    pub status: EntityStatus,
    #[serde(rename = "type")]
    pub entity_type: CompactString,
    pub uscc: CompactString,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficerRecord {
    pub card_no: String,
    pub department: String,
    pub district: String,
    pub sectors: Vec<String>,
    pub status: OfficerStatus,
    /// YYYY-MM-DD; ISO dates compare correctly as strings.
    pub valid_until: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecusalRecord {
    pub card_no: String,
    pub uscc: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InspectionRecord {
    pub date: String,
    pub matter: String,
    pub officers: Vec<String>,
    pub uscc: String,
}

/// An entity on a named list (version 5): the list's name and the entity. Canonical order
/// is by `uscc`, then `list` (`ListRecord::order`), not the field order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListRecord {
    pub list: String,
    pub uscc: String,
}

impl ListRecord {
    /// The canonical order of the `lists` snapshot (DRAW-SPEC §2.2): by `uscc`, then `list`.
    pub fn order(a: &ListRecord, b: &ListRecord) -> std::cmp::Ordering {
        (&a.uscc, &a.list).cmp(&(&b.uscc, &b.list))
    }
}

impl From<domain::Listing> for ListRecord {
    fn from(l: domain::Listing) -> Self {
        ListRecord {
            list: l.list,
            uscc: l.uscc.into_string(),
        }
    }
}

/// A matter of the batch, as committed in the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatterRecord {
    pub code: String,
    pub content: String,
    pub inspecting_body: String,
    pub legal_basis: String,
    pub methods: Vec<Method>,
    pub name: String,
    pub sector: String,
}

impl From<domain::Entity> for EntityRecord {
    fn from(e: domain::Entity) -> Self {
        EntityRecord {
            district: e.district.into(),
            grade: e.grade,
            name: e.name.into(),
            sector: e.sector.into(),
            status: e.status,
            entity_type: e.entity_type.into(),
            uscc: e.uscc.as_str().into(),
        }
    }
}

/// Straight from a validated directory row: only the fields the record keeps are copied.
impl From<EntityFields<'_>> for EntityRecord {
    fn from(f: EntityFields<'_>) -> Self {
        EntityRecord {
            district: CompactString::from(&*f.district),
            grade: f.grade,
            name: CompactString::from(&*f.name),
            sector: CompactString::from(&*f.sector),
            status: f.status,
            entity_type: CompactString::from(&*f.entity_type),
            uscc: CompactString::from(f.uscc.as_str()),
        }
    }
}

/// An entity row as `commit` keeps it: its snapshot record, and the three columns that
/// only the table's content hash covers (DRAW-SPEC §2.5), which the draw does not use. The
/// whole row is never kept, and the table is hashed from these without a second copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceEntity {
    pub record: EntityRecord,
    pub address: CompactString,
    pub legal_representative: CompactString,
    pub contact: CompactString,
}

impl From<EntityFields<'_>> for SourceEntity {
    fn from(f: EntityFields<'_>) -> Self {
        SourceEntity {
            address: CompactString::from(&*f.address),
            legal_representative: CompactString::from(&*f.legal_representative),
            contact: CompactString::from(&*f.contact),
            record: EntityRecord::from(f),
        }
    }
}

impl From<SourceEntity> for EntityRecord {
    fn from(e: SourceEntity) -> Self {
        e.record
    }
}

impl TableRow<10> for SourceEntity {
    const COLUMNS: &'static [&'static str] = parse::ENTITY_COLUMNS;
    fn key(&self) -> &str {
        &self.record.uscc
    }
    fn record(&self) -> [Cow<'_, str>; 10] {
        let r = &self.record;
        write::entity_text_record(EntityText {
            uscc: &r.uscc,
            name: &r.name,
            sector: &r.sector,
            entity_type: &r.entity_type,
            district: &r.district,
            address: &self.address,
            grade: r.grade,
            status: r.status,
            legal_representative: &self.legal_representative,
            contact: &self.contact,
        })
    }
}

impl From<domain::Officer> for OfficerRecord {
    fn from(o: domain::Officer) -> Self {
        OfficerRecord {
            card_no: o.card_no,
            department: o.department,
            district: o.district,
            sectors: o.sectors,
            status: o.status,
            valid_until: o.card_valid_until.format("%Y-%m-%d").to_string(),
        }
    }
}

impl From<domain::Recusal> for RecusalRecord {
    fn from(r: domain::Recusal) -> Self {
        RecusalRecord {
            card_no: r.card_no,
            uscc: r.uscc.into_string(),
        }
    }
}

impl From<domain::Inspection> for InspectionRecord {
    fn from(h: domain::Inspection) -> Self {
        InspectionRecord {
            date: h.date.format("%Y-%m-%d").to_string(),
            matter: h.matter_code,
            officers: h.officers,
            uscc: h.uscc.into_string(),
        }
    }
}

impl From<&domain::Matter> for MatterRecord {
    fn from(m: &domain::Matter) -> Self {
        MatterRecord {
            code: m.code.clone(),
            content: m.content.clone(),
            inspecting_body: m.inspecting_body.clone(),
            legal_basis: m.legal_basis.clone(),
            methods: m.methods.clone(),
            name: m.name.clone(),
            sector: m.sector.clone(),
        }
    }
}
