//! Test helpers: small random directories and plans built in memory, and the mini fixture.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use shuangsui::bundle::Bundle;
use shuangsui::commitment::Commitment;
use shuangsui::domain::*;
use shuangsui::entropy::{Entropy, ceremony::Contribution};
use shuangsui::plan::{
    Attribute, Constraints, DepartmentMatters, EntropyDeclaration, Exclusions, Floor, Plan,
    Population, Ratio, Stratum, Team,
};
use shuangsui::registry::Loaded;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A tiny deterministic generator for building test data (not the draw's stream).
pub struct Gen(u64);

impl Gen {
    pub fn new(seed: u64) -> Gen {
        Gen(seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407)
            | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

pub const SECTORS: [&str; 2] = ["养老服务", "社会组织"];
pub const DISTRICTS: [&str; 3] = ["黄浦", "徐汇", "静安"];
pub const DEPARTMENTS: [&str; 2] = ["市民政执法总队", "市消防救援总队"];
/// The fire department's own sector and matter, which a joint plan may name for its slot.
pub const FIRE_SECTOR: &str = "消防安全";
pub const FIRE_MATTER: &str = "M-XF";

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn uscc(i: u64) -> Uscc {
    Uscc::complete(&format!("52310101{:09}", i * 7919 % 1_000_000_000)).unwrap()
}

/// A random directory of `entities` entities and `officers` officers.
pub fn directory(g: &mut Gen, entities: u64, officers: u64) -> Directory {
    let entities: Vec<Entity> = (0..entities)
        .map(|i| Entity {
            uscc: uscc(i + 1),
            name: format!("测试单位{i}"),
            sector: SECTORS[g.below(2) as usize].into(),
            entity_type: ["养老机构", "社会团体"][g.below(2) as usize].into(),
            district: DISTRICTS[g.below(3) as usize].into(),
            address: String::new(),
            grade: Grade::ALL[g.below(4) as usize],
            status: if g.chance(90) {
                EntityStatus::Active
            } else {
                EntityStatus::Revoked
            },
            legal_representative: String::new(),
            contact: String::new(),
        })
        .collect();
    let officers: Vec<Officer> = (0..officers)
        .map(|i| Officer {
            card_no: format!("C{i:04}"),
            name: format!("员{i}"),
            // The first two officers cover both departments, so joint plans are committable.
            department: DEPARTMENTS[if i < 2 {
                i as usize
            } else {
                g.below(2) as usize
            }]
            .into(),
            district: DISTRICTS[g.below(3) as usize].into(),
            sectors: if g.chance(50) {
                SECTORS.iter().map(|s| s.to_string()).collect()
            } else {
                vec![SECTORS[g.below(2) as usize].into()]
            },
            card_valid_until: date(if g.chance(90) {
                "2028-01-01"
            } else {
                "2026-01-01"
            }),
            status: if g.chance(90) {
                OfficerStatus::Active
            } else {
                OfficerStatus::Left
            },
        })
        .collect();
    // Every third fire officer also holds the fire department's own sector (no draw from `g`,
    // so the rest of the directory is as before).
    let officers: Vec<Officer> = officers
        .into_iter()
        .enumerate()
        .map(|(i, mut o)| {
            if o.department == DEPARTMENTS[1] && (i % 3 == 1) {
                o.sectors.push(FIRE_SECTOR.into());
            }
            o
        })
        .collect();
    let mut recusals = Vec::new();
    for _ in 0..(entities.len() / 4) {
        let r = Recusal {
            card_no: officers[g.below(officers.len() as u64) as usize]
                .card_no
                .clone(),
            uscc: entities[g.below(entities.len() as u64) as usize]
                .uscc
                .clone(),
            reason: "测试".into(),
        };
        if !recusals
            .iter()
            .any(|x: &Recusal| x.card_no == r.card_no && x.uscc == r.uscc)
        {
            recusals.push(r);
        }
    }
    let history = (0..(entities.len() / 5))
        .map(|_| Inspection {
            uscc: entities[g.below(entities.len() as u64) as usize]
                .uscc
                .clone(),
            matter_code: ["M-YL", "M-SZ"][g.below(2) as usize].into(),
            date: date(["2025-06-01", "2026-03-01", "2026-11-30"][g.below(3) as usize]),
            officers: vec![
                officers[g.below(officers.len() as u64) as usize]
                    .card_no
                    .clone(),
            ],
        })
        .collect();
    let matter = |code: &str, sector: &str| Matter {
        code: code.into(),
        name: format!("{sector}检查"),
        sector: sector.into(),
        legal_basis: "测试依据".into(),
        inspecting_body: "上海市民政局".into(),
        content: "测试内容".into(),
        methods: vec![Method::OnSite],
    };
    Directory {
        entities,
        officers,
        matters: vec![
            matter("M-YL", SECTORS[0]),
            matter("M-SZ", SECTORS[1]),
            matter(FIRE_MATTER, FIRE_SECTOR),
        ],
        recusals,
        history,
        lists: Vec::new(),
    }
}

/// A random plan over `directory` with every constraint possibly on.
pub fn plan(g: &mut Gen) -> Plan {
    let ratio = |text: &str| Some(Ratio::parse(text).unwrap());
    let strata = match g.below(3) {
        0 => vec![Stratum {
            ratio: ratio(&format!("{}%", 1 + g.below(60))),
            minimum: Some(g.below(3)),
            split_by: g.chance(50).then(|| vec![Attribute::District]),
            ..Stratum::of_grades("全部", Grade::ALL.to_vec())
        }],
        1 => vec![
            Stratum {
                ratio: ratio("1/2"),
                ..Stratum::of_grades("高", vec![Grade::C, Grade::D])
            },
            Stratum {
                count: Some(1 + g.below(6)),
                ..Stratum::of_grades("低", vec![Grade::A, Grade::B])
            },
        ],
        // Version 4: overlapping grades (the first stratum wins), full coverage that
        // ignores or applies the exclusions, parts by level and by district.
        _ => vec![
            Stratum {
                ratio: ratio("100%"),
                exclusions: Some(if g.chance(50) {
                    Exclusions::Ignore
                } else {
                    Exclusions::Apply
                }),
                ..Stratum::of_grades("D", vec![Grade::D])
            },
            Stratum {
                ratio: ratio(&format!("{}%", 1 + g.below(30))),
                split_by: Some(vec![Attribute::Level, Attribute::District]),
                minimum: Some(1),
                ..Stratum::of_grades("其余", Vec::new())
            },
        ],
    };
    let size = 2 + g.below(2) as u32;
    let mut plan = Plan {
        id: "P-TEST".into(),
        title: "测试".into(),
        inspection_date: date("2026-12-15"),
        inspection_end: Some(date("2027-01-29")),
        matters: vec!["M-YL".into(), "M-SZ".into()],
        population: Population::default(),
        strata,
        floor: g.chance(30).then(|| {
            Some(Floor {
                name: "全体".into(),
                ratio: Ratio::parse(&format!("{}%", 5 + g.below(40))).unwrap(),
            })
        }),
        team: Team {
            size,
            departments: if g.chance(30) {
                DEPARTMENTS.iter().map(|d| d.to_string()).collect()
            } else {
                vec![]
            },
            pool: Vec::new(),
            department_matters: None,
        },
        constraints: Constraints {
            cross_district: g.chance(50),
            exclude_inspected_within_days: g.chance(50).then_some(365),
            exclude_inspected_in_year: g.chance(30).then_some(true),
            no_repeat_pairing_within_days: g.chance(50).then_some(365),
            max_targets_per_officer: g.chance(50).then(|| 1 + g.below(4) as u32),
        },
        entropy: EntropyDeclaration::Ceremony {
            witnesses: vec!["甲".into(), "乙".into()],
            digits: 4,
        },
    };
    if plan.team.departments.is_empty() && g.chance(30) {
        plan.team.pool = vec![DEPARTMENTS[0].to_string()];
    }
    // A joint plan may let the fire department inspect its own matter (version 5): its slot
    // then takes officers holding the fire sector.
    if !plan.team.departments.is_empty() && g.chance(50) {
        plan.matters.push(FIRE_MATTER.into());
        plan.population.sectors = SECTORS.iter().map(|s| s.to_string()).collect();
        plan.team.department_matters = Some(vec![DepartmentMatters {
            department: DEPARTMENTS[1].into(),
            matters: vec![FIRE_MATTER.into()],
        }]);
    }
    plan
}

pub fn loaded(directory: Directory) -> Loaded {
    Loaded::in_memory(directory)
}

pub fn entropy(a: &str, b: &str) -> Entropy {
    Entropy::Ceremony {
        contributions: vec![
            Contribution {
                digits: a.into(),
                witness: "甲".into(),
            },
            Contribution {
                digits: b.into(),
                witness: "乙".into(),
            },
        ],
    }
}

/// Makes a joint plan whose fire department names its own matter fit a small random
/// directory: its population's sectors are those some entity has, and without one, or
/// without a fire officer holding the fire sector, the plan goes without the entry.
pub fn fit_to(plan: &mut Plan, d: &Directory) {
    if plan.team.department_matters().is_empty() {
        return;
    }
    let present: Vec<String> = SECTORS
        .iter()
        .filter(|s| d.entities.iter().any(|e| e.sector == **s))
        .map(|s| s.to_string())
        .collect();
    let held = d
        .officers
        .iter()
        .any(|o| o.department == DEPARTMENTS[1] && o.sectors.iter().any(|s| s == FIRE_SECTOR));
    if present.is_empty() || !held {
        plan.team.department_matters = Some(Vec::new());
        plan.matters.retain(|m| m != FIRE_MATTER);
        plan.population.sectors.clear();
    } else {
        plan.population.sectors = present;
    }
}

/// A random commitment and its bundle for the given entropy digits.
pub fn random_bundle(seed: u64, entities: u64, officers: u64, digits: (&str, &str)) -> Bundle {
    let mut g = Gen::new(seed);
    let directory = directory(&mut g, entities, officers);
    let mut plan = plan(&mut g);
    fit_to(&mut plan, &directory);
    let plan = plan.normalized().unwrap();
    let commitment = Commitment::build(&loaded(directory), plan).unwrap();
    Bundle::make(commitment, entropy(digits.0, digits.1)).unwrap()
}

/// An `.xlsx` workbook holding the rows of CSV `text` in one sheet named `sheet`, every cell
/// as text except the columns named in `dates`, written as date cells (as a person typing
/// `2026-12-15` into Excel makes them).
pub fn xlsx_from_csv(text: &str, sheet: &str, dates: &[&str]) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let s = workbook.add_worksheet().set_name(sheet).unwrap();
    let date_format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut date_columns = Vec::new();
    for (r, record) in reader.records().enumerate() {
        let record = record.unwrap();
        for (c, cell) in record.iter().enumerate() {
            let (row, col) = (r as u32, c as u16);
            if r == 0 && dates.contains(&cell) {
                date_columns.push(c);
            }
            if r > 0 && date_columns.contains(&c) && !cell.is_empty() {
                let day = rust_xlsxwriter::ExcelDateTime::parse_from_str(cell).unwrap();
                s.write_datetime_with_format(row, col, &day, &date_format)
                    .unwrap();
            } else if !cell.is_empty() {
                s.write_string(row, col, cell).unwrap();
            }
        }
    }
    workbook.save_to_buffer().unwrap()
}
