//! Offline verification of a bundle: re-derive the commitment hash, the seed and the whole
//! draw from the spec, compare with what the bundle states, and re-check every constraint
//! independently. The first discrepancy is reported with its path. Bundle bytes read from a
//! file must also be the canonical serialisation of what was parsed from them.

use crate::discrepancy::Discrepancy;
use crate::draw::{self, DrawResult};

use super::{Bundle, COMMITMENT_KEY, DrawError, FORMAT, constraints, seed};

/// What a passing bundle contains, for the PASS line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub plan_id: String,
    pub commitment_hash: String,
    pub seed: String,
    pub entities: u64,
    pub strata: usize,
    pub targets: usize,
    pub unstaffed: usize,
}

fn compare(expected: &DrawResult, found: &DrawResult) -> Result<(), Discrepancy> {
    Discrepancy::expect_eq(
        "/draw/strata length",
        &expected.strata.len(),
        &found.strata.len(),
    )?;
    for (i, (e, f)) in expected.strata.iter().zip(&found.strata).enumerate() {
        let at = |field: &str| format!("/draw/strata/{i}/{field}");
        Discrepancy::expect_eq(at("name"), &e.name, &f.name)?;
        Discrepancy::expect_eq(at("population"), &e.population, &f.population)?;
        Discrepancy::expect_eq(at("excluded"), &e.excluded, &f.excluded)?;
        Discrepancy::expect_eq(at("eligible"), &e.eligible, &f.eligible)?;
        Discrepancy::expect_eq(at("size"), &e.size, &f.size)?;
        Discrepancy::expect_eq(at("shortfall"), &e.shortfall, &f.shortfall)?;
        Discrepancy::expect_eq(at("targets length"), &e.targets.len(), &f.targets.len())?;
        for (j, (et, ft)) in e.targets.iter().zip(&f.targets).enumerate() {
            let at = |field: &str| format!("/draw/strata/{i}/targets/{j}/{field}");
            Discrepancy::expect_eq(at("uscc"), &et.uscc, &ft.uscc)?;
            Discrepancy::expect_eq(at("team"), &et.team, &ft.team)?;
            Discrepancy::expect_eq(at("unstaffed"), &et.unstaffed, &ft.unstaffed)?;
        }
    }
    Ok(())
}

/// Verifies `bundle`; Ok with a summary, or the first discrepancy.
pub fn verify(bundle: &Bundle) -> Result<Summary, Discrepancy> {
    verify_parsed(bundle, None)
}

/// As `verify`, for the bundle parsed from `bytes`, which must also be exactly its canonical
/// serialisation (DRAW-SPEC §7.1). The commitment's bytes, nearly all of a bundle, are
/// compared while they are serialised for the digests anyway.
pub fn verify_bytes(bundle: &Bundle, bytes: &[u8]) -> Result<Summary, Discrepancy> {
    verify_parsed(bundle, Some(bytes))
}

/// The first offset at which `bytes` differ from `expected`.
fn differ_at(bytes: &[u8], expected: &[u8]) -> usize {
    bytes
        .iter()
        .zip(expected)
        .take_while(|(a, b)| a == b)
        .count()
}

/// Where `bytes` first differ from the canonical serialisation of `bundle` (whose
/// commitment agrees with `bytes[COMMITMENT_KEY.len()..]` for `agreed` bytes, `whole` when
/// it all does), or `None` when they are that serialisation.
fn non_canonical_at(
    bundle: &Bundle,
    bytes: &[u8],
    (whole, agreed): (bool, usize),
) -> Option<usize> {
    let head = COMMITMENT_KEY.len();
    if !bytes.starts_with(COMMITMENT_KEY) {
        return Some(differ_at(bytes, COMMITMENT_KEY));
    }
    if !whole {
        return Some(head + agreed);
    }
    let mut tail = Vec::new();
    bundle
        .write_after_commitment(&mut tail)
        .expect("writing to memory");
    let rest = &bytes[head + agreed..];
    (rest != tail.as_slice()).then(|| head + agreed + differ_at(rest, &tail))
}

fn verify_parsed(bundle: &Bundle, bytes: Option<&[u8]>) -> Result<Summary, Discrepancy> {
    Discrepancy::expect_eq("/format", &FORMAT.to_string(), &bundle.format)?;
    let commitment = &bundle.commitment;
    let commitment_bytes = bytes.map(|b| b.get(COMMITMENT_KEY.len()..).unwrap_or_default());
    let agreed = commitment.check_prefix(commitment_bytes)?;
    bundle
        .entropy
        .check(&commitment.header.plan.entropy)
        .map_err(|e| Discrepancy::new("/entropy", e.to_string()))?;
    let seed = seed(commitment, &bundle.entropy).map_err(|e| match e {
        DrawError::Commitment(d) => d,
        DrawError::Entropy(e) => Discrepancy::new("/entropy", e.to_string()),
    })?;
    Discrepancy::expect_eq("/seed", &hex::encode(seed), &bundle.seed)?;
    let expected = draw::run(commitment, &seed);
    compare(&expected, &bundle.draw)?;
    constraints::check(commitment, &bundle.draw)?;
    if let Some(at) = bytes.and_then(|b| non_canonical_at(bundle, b, agreed)) {
        return Err(Discrepancy::new(
            "/",
            format!(
                "the bytes are not the canonical (RFC 8785) serialisation of the bundle they hold (DRAW-SPEC §7.1): they differ from it at byte {at}"
            ),
        ));
    }
    Ok(Summary {
        plan_id: commitment.header.plan.id.clone(),
        commitment_hash: commitment.hash.clone(),
        seed: bundle.seed.clone(),
        entities: commitment.header.snapshots.entities.count,
        strata: bundle.draw.strata.len(),
        targets: bundle.draw.targets().count(),
        unstaffed: bundle.draw.unstaffed().count(),
    })
}
