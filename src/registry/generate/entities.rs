//! Supervised entities (检查对象): sector, type, district, a USCC whose category matches the
//! type and whose organisation code is unique by construction, name, address, credit grade,
//! status, legal representative and contact.

use crate::domain::{Entity, EntityStatus, Grade, Uscc};

use super::names::{self, Namer, Registrar};
use super::random::{Random, organisation_code, permute};
use super::shanghai::{DISTRICTS, MUNICIPAL, SECTORS};

/// What the later parts need to know about an entity without reading its strings.
#[derive(Debug, Clone, Copy)]
pub struct Meta {
    /// Index into `SECTORS`.
    pub sector: u8,
    /// Index into the sector's `types`.
    pub kind: u8,
    /// Index into `DISTRICTS`.
    pub district: u8,
}

/// Credit/risk grades, per mille: A 55%, B 30%, C 10%, D 5%.
const GRADES: [(Grade, u32); 4] = [
    (Grade::A, 550),
    (Grade::B, 300),
    (Grade::C, 100),
    (Grade::D, 50),
];

/// Statuses other than 正常 (3% of entities in all), weighted.
const INACTIVE: [(EntityStatus, u32); 5] = [
    (EntityStatus::Suspended, 30),
    (EntityStatus::Liquidating, 20),
    (EntityStatus::Deregistered, 25),
    (EntityStatus::Revoked, 15),
    (EntityStatus::Cancelled, 10),
];

/// The first two symbols of the organisation code: MJ for organisations registered by
/// civil affairs, MA for enterprises, 42 for public institutions.
fn code_prefix(category: &str) -> [u8; 2] {
    match category {
        "91" => *b"MA",
        "12" => *b"42",
        _ => *b"MJ",
    }
}

/// `count` entities. Entity `i` gets organisation code `permute(i, seed)`, so no two share a
/// USCC whatever the count (up to `MAX_ENTITIES`), and a name no other entity has (`Namer`).
/// USCC positions 3–8 are the registering authority's area code: the district's, or
/// `MUNICIPAL` for the share of its type the municipal bureau registers (every 基金会).
pub fn generate(count: usize, seed: u64) -> (Vec<Entity>, Vec<Meta>) {
    let mut rng = Random::new(seed, "entities");
    let mut namer = Namer::new();
    let mut entities = Vec::with_capacity(count);
    let mut meta = Vec::with_capacity(count);
    for i in 0..count {
        let s = rng.weighted(&SECTORS, |s| s.weight);
        let sector = &SECTORS[s];
        let k = rng.weighted(sector.types, |t| t.weight);
        let kind = &sector.types[k];
        let category = kind.categories[rng.weighted(kind.categories, |c| c.1)].0;
        let d = rng.weighted(&DISTRICTS, |d| d.weight);
        let district = &DISTRICTS[d];
        let municipal = match kind.municipal {
            0 => false,
            1000.. => true,
            share => rng.per_mille(u64::from(share)),
        };
        let (registrar, area) = if municipal {
            (Registrar::Municipal, MUNICIPAL)
        } else {
            (Registrar::District(d), district.code)
        };

        let mut first17 = [0u8; 17];
        first17[..2].copy_from_slice(category.as_bytes());
        first17[2..8].copy_from_slice(area.as_bytes());
        first17[8..].copy_from_slice(&organisation_code(
            code_prefix(category),
            permute(i as u64, seed),
        ));
        let first17 = std::str::from_utf8(&first17).expect("ASCII symbols");
        let uscc = Uscc::complete(first17).expect("every symbol is in the USCC alphabet");

        let name = namer.entity(&mut rng, kind.name, category, registrar);
        let address = names::address(&mut rng, district);
        let grade = GRADES[rng.weighted(&GRADES, |g| g.1)].0;
        let status = if rng.per_mille(970) {
            EntityStatus::Active
        } else {
            INACTIVE[rng.weighted(&INACTIVE, |s| s.1)].0
        };
        entities.push(Entity {
            uscc,
            name,
            sector: sector.name.to_string(),
            entity_type: kind.name.to_string(),
            district: district.name.to_string(),
            address,
            grade,
            status,
            legal_representative: names::person(&mut rng),
            contact: names::phone(&mut rng),
        });
        meta.push(Meta {
            sector: s as u8,
            kind: k as u8,
            district: d as u8,
        });
    }
    (entities, meta)
}
