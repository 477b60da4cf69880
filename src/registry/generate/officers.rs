//! Law-enforcement officers (执法检查人员): about a quarter in the municipal corps (全市, every
//! sector), the rest in the district bureaus (2–4 sectors each, always 养老服务 or 社会组织),
//! and about 5% from the fire and market-regulation departments for joint inspections, who
//! hold their own department's sector (消防安全, 食品安全), not a civil-affairs one.

use chrono::NaiveDate;

use crate::domain::{Officer, OfficerStatus};

use super::names;
use super::random::Random;
use super::shanghai::{
    CITYWIDE, CORPS, DISTRICTS, ELDERLY_CARE, FIRE, FIRE_SECTOR, MARKET, MARKET_SECTOR, SECTORS,
    SOCIAL_ORGS, bureau,
};

/// What the later parts need to know about an officer without reading its strings.
#[derive(Debug, Clone, Copy)]
pub struct Meta {
    /// Index into `DISTRICTS`; `None` for officers of the whole city.
    pub district: Option<u8>,
    /// Bit `s` set when the officer covers the civil-affairs sector `SECTORS[s]` (none for
    /// the joint departments, whose officers hold their own department's sector).
    pub sectors: u8,
    /// A civil-affairs officer (corps or district bureau), as opposed to a joint department.
    pub civil: bool,
}

/// How many officers of each kind: (corps, per district, fire, market).
struct Split {
    corps: usize,
    districts: Vec<usize>,
    fire: usize,
    market: usize,
}

fn split(total: usize) -> Split {
    let joint = if total >= 100 {
        (total * 5).div_ceil(100).max(4)
    } else {
        total * 5 / 100
    };
    let market = if joint >= 2 {
        (joint * 2 / 5).max(1)
    } else {
        0
    };
    let corps = total.div_ceil(4).min(total - joint);
    let local = total - joint - corps;
    // Two officers in every district when there are enough, the rest by district size.
    let floor = if local >= 2 * DISTRICTS.len() { 2 } else { 0 };
    let districts = allocate(local - floor * DISTRICTS.len(), floor);
    Split {
        corps,
        districts,
        fire: joint - market,
        market,
    }
}

/// Splits `n` over the districts in proportion to their weights (largest remainder, ties to
/// the earlier district), on top of `floor` each.
fn allocate(n: usize, floor: usize) -> Vec<usize> {
    let total: usize = DISTRICTS.iter().map(|d| d.weight as usize).sum();
    let mut shares: Vec<usize> = DISTRICTS
        .iter()
        .map(|d| n * d.weight as usize / total)
        .collect();
    let mut order: Vec<usize> = (0..DISTRICTS.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(n * DISTRICTS[i].weight as usize % total));
    let left = n - shares.iter().sum::<usize>();
    for &i in order.iter().take(left) {
        shares[i] += 1;
    }
    shares.iter().map(|s| s + floor).collect()
}

const ALL_SECTORS: u8 = (1 << SECTORS.len()) - 1;

/// Weights of the further sectors of a district officer (the first is 养老服务 or 社会组织).
const EXTRA_SECTOR_WEIGHTS: [u32; 6] = [300, 250, 300, 50, 50, 50];

fn district_sectors(rng: &mut Random) -> u8 {
    let first = if rng.per_mille(500) {
        ELDERLY_CARE
    } else {
        SOCIAL_ORGS
    };
    let mut mask = 1u8 << first;
    let wanted = rng.between(2, 4) as u32;
    while mask.count_ones() < wanted {
        mask |= 1 << rng.weighted(&EXTRA_SECTOR_WEIGHTS, |w| *w);
    }
    mask
}

fn sector_names(mask: u8) -> Vec<String> {
    SECTORS
        .iter()
        .enumerate()
        .filter(|(s, _)| mask & (1 << s) != 0)
        .map(|(_, sector)| sector.name.to_string())
        .collect()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn officer(
    rng: &mut Random,
    card_no: String,
    department: String,
    district: &str,
    sectors: Vec<String>,
) -> Officer {
    let name = names::person(rng);
    // About 3% of cards have already expired (before the sample plans' 2026-12-15).
    let card_valid_until = if rng.per_mille(30) {
        rng.date(day(2025, 7, 1), day(2026, 6, 30))
    } else {
        rng.date(day(2027, 1, 1), day(2029, 12, 31))
    };
    let status = if rng.per_mille(970) {
        OfficerStatus::Active
    } else if rng.per_mille(600) {
        OfficerStatus::Suspended
    } else {
        OfficerStatus::Left
    };
    Officer {
        card_no,
        name,
        department,
        district: district.to_string(),
        sectors,
        card_valid_until,
        status,
    }
}

/// `count` officers: corps first, then each district bureau in `DISTRICTS` order, then the
/// joint departments. Card numbers are `<prefix>-<area code or 0000>-<sequence>`.
pub fn generate(count: usize, seed: u64) -> (Vec<Officer>, Vec<Meta>) {
    let mut rng = Random::new(seed, "officers");
    let split = split(count);
    let mut officers = Vec::with_capacity(count);
    let mut meta = Vec::with_capacity(count);
    for n in 1..=split.corps {
        let card = format!("SHMZ-0000-{n:04}");
        officers.push(officer(
            &mut rng,
            card,
            CORPS.into(),
            CITYWIDE,
            sector_names(ALL_SECTORS),
        ));
        meta.push(Meta {
            district: None,
            sectors: ALL_SECTORS,
            civil: true,
        });
    }
    for (d, district) in DISTRICTS.iter().enumerate() {
        for n in 1..=split.districts[d] {
            let card = format!("SHMZ-{}-{n:04}", district.code);
            let mask = district_sectors(&mut rng);
            officers.push(officer(
                &mut rng,
                card,
                bureau(district),
                district.name,
                sector_names(mask),
            ));
            meta.push(Meta {
                district: Some(d as u8),
                sectors: mask,
                civil: true,
            });
        }
    }
    for (department, sector, prefix, number) in [
        (FIRE, FIRE_SECTOR, "SHXF", split.fire),
        (MARKET, MARKET_SECTOR, "SHSC", split.market),
    ] {
        for n in 1..=number {
            let card = format!("{prefix}-0000-{n:04}");
            officers.push(officer(
                &mut rng,
                card,
                department.into(),
                CITYWIDE,
                vec![sector.to_string()],
            ));
            meta.push(Meta {
                district: None,
                sectors: 0,
                civil: false,
            });
        }
    }
    debug_assert_eq!(officers.len(), count);
    (officers, meta)
}
