//! The draw's view of the directories: one record type per snapshot, holding only what the
//! draw uses (no addresses, legal representatives, contacts, officer names or recusal
//! reasons). Fields are declared in lexicographic order so that serde_json's compact output
//! is already RFC 8785 canonical (checked by tests); DRAW-SPEC §2 defines them.

use serde::{Deserialize, Serialize};

use crate::domain::{self, EntityStatus, Grade, Method, OfficerStatus};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityRecord {
    pub district: String,
    pub grade: Grade,
    pub name: String,
    pub sector: String,
    pub status: EntityStatus,
    #[serde(rename = "type")]
    pub entity_type: String,
    pub uscc: String,
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
            district: e.district,
            grade: e.grade,
            name: e.name,
            sector: e.sector,
            status: e.status,
            entity_type: e.entity_type,
            uscc: e.uscc.into_string(),
        }
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
