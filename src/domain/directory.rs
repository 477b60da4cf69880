//! The records of the "one list and two directories" (一单两库) and what surrounds them:
//! supervised entities, officers, inspection matters, recusal declarations, past inspections
//! and entities' places on named lists.
//! Every value here has been validated by the parser that made it.

use chrono::NaiveDate;

use super::codes::{EntityStatus, Grade, Method, OfficerStatus};
use super::uscc::Uscc;

/// A supervised entity (检查对象).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub uscc: Uscc,
    pub name: String,
    /// 行业领域, e.g. 养老服务, 殡葬服务, 社会组织.
    pub sector: String,
    /// 主体类型, e.g. 养老机构, 公墓, 社会团体.
    pub entity_type: String,
    pub district: String,
    pub address: String,
    pub grade: Grade,
    pub status: EntityStatus,
    pub legal_representative: String,
    pub contact: String,
}

/// A law-enforcement officer (执法检查人员).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Officer {
    /// 执法证号: opaque and unique.
    pub card_no: String,
    pub name: String,
    pub department: String,
    pub district: String,
    /// Sectors the officer may inspect.
    pub sectors: Vec<String>,
    pub card_valid_until: NaiveDate,
    pub status: OfficerStatus,
}

/// An inspection matter from the published list (随机抽查事项清单).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matter {
    pub code: String,
    pub name: String,
    pub sector: String,
    pub legal_basis: String,
    pub inspecting_body: String,
    pub content: String,
    pub methods: Vec<Method>,
}

/// A declared conflict of interest (回避): this officer never inspects this entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recusal {
    pub card_no: String,
    pub uscc: Uscc,
    pub reason: String,
}

/// An entity's place on a named list (名录): an abnormal-activity list (活动异常名录), a
/// list of serious violations (严重违法失信名单), complaints received (投诉举报), … The pair
/// (`uscc`, `list`) is unique in a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    pub uscc: Uscc,
    /// The list's name, a text.
    pub list: String,
    /// The day the entity was put on the list.
    pub listed_on: NaiveDate,
    /// Why (optional; not in the snapshot, like a recusal's reason).
    pub reason: String,
}

/// A past inspection of an entity for a matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    pub uscc: Uscc,
    pub matter_code: String,
    pub date: NaiveDate,
    pub officers: Vec<String>,
}

/// A whole directory set, as read from one folder of files. The entity rows are `Entity`
/// unless a reader that needs less asks for another form (the commitment keeps only its
/// snapshot records, see `registry::load_with`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directory<E = Entity> {
    pub entities: Vec<E>,
    pub officers: Vec<Officer>,
    pub matters: Vec<Matter>,
    pub recusals: Vec<Recusal>,
    pub history: Vec<Inspection>,
    pub lists: Vec<Listing>,
}

impl<E> Default for Directory<E> {
    fn default() -> Self {
        Directory {
            entities: Vec::new(),
            officers: Vec::new(),
            matters: Vec::new(),
            recusals: Vec::new(),
            history: Vec::new(),
            lists: Vec::new(),
        }
    }
}
