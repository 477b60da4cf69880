//! Synthetic directories of any size in the folder format, for tests, benchmarks and the
//! shipped Shanghai sample (`registries/shanghai/`). The data is fictional but plausible
//! Shanghai civil-affairs data: 16 districts, the sectors 养老服务, 殡葬服务, 社会组织 and three
//! minor ones, the municipal corps and district bureaus. A `GenerateSpec` determines the whole
//! `Directory`: the same spec always gives the same rows, and the same bytes once written.
//!
//! Each part (entities, officers, recusals, history, lists) draws from its own ChaCha8 stream keyed
//! by the seed and the part's name, so changing only the number of entities leaves the
//! officers unchanged. The matter list is fixed.

mod entities;
mod links;
mod lists;
mod matters;
mod names;
mod officers;
mod random;
pub mod shanghai;
#[cfg(test)]
mod tests;

use crate::domain::Directory;

pub use random::MAX_ENTITIES;

/// What to generate: how many entities and officers, from which seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerateSpec {
    pub entities: usize,
    pub officers: usize,
    pub seed: u64,
}

/// The spec of the sample shipped in `registries/shanghai/` (a test keeps the files equal to
/// its output): 1,300 entities in all 16 districts, 150 officers of the corps, every district
/// bureau and the two joint departments.
pub const SHANGHAI_SAMPLE: GenerateSpec = GenerateSpec {
    entities: 1_300,
    officers: 150,
    seed: 2026,
};

/// Generates the directory described by `spec`.
///
/// Entities get sectors 养老服务 ~35%, 殡葬服务 ~8%, 社会组织 ~52%, the rest 婚姻介绍,
/// 假肢矫形器 and 儿童福利; grades A 55% B 30% C 10% D 5%; 97% are 正常. Every 基金会, about
/// 25% of the 社会团体 and 15% of the 民办非企业单位 are registered by the municipal bureau
/// (USCC area code 310000), the rest by their district's. No two entities share a name.
/// About 25% of the officers are in the corps, about 5% (at least 4 from 100 officers) in the
/// fire and market departments, the rest in the district bureaus (at least 2 each from 50
/// officers). Recusals number about 3 per 100 officers; history covers about 8% of the
/// entities; lists (`lists`) put about 1.7% of the active social organisations on the
/// 活动异常名录 and a few elderly-care and funeral entities on 投诉举报.
///
/// # Panics
/// When `spec.entities` exceeds `MAX_ENTITIES` (887,503,681): the organisation codes that
/// keep USCCs unique would run out.
pub fn generate(spec: &GenerateSpec) -> Directory {
    assert!(
        spec.entities as u64 <= MAX_ENTITIES,
        "at most {MAX_ENTITIES} entities can have distinct generated USCCs"
    );
    let (entities, entity_meta) = entities::generate(spec.entities, spec.seed);
    let (officers, officer_meta) = officers::generate(spec.officers, spec.seed);
    let matters = matters::list();
    let (recusals, recused) =
        links::recusals(&entities, &entity_meta, &officers, &officer_meta, spec.seed);
    let history = links::history(
        &entities,
        &entity_meta,
        &officers,
        &officer_meta,
        &recused,
        spec.seed,
    );
    let lists = lists::lists(&entities, spec.seed);
    Directory {
        entities,
        officers,
        matters,
        recusals,
        history,
        lists,
    }
}
