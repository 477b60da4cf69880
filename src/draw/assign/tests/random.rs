//! Random small commitments for comparing the fast assignment with the reference: a few
//! sectors, districts and departments, officers covering one or more sectors (now and then
//! one listed twice), some inactive or with an expired card, entities in districts or
//! sectors no officer has, recusals and past inspections (some naming unknown cards).

use chrono::NaiveDate;

use crate::commitment::Commitment;
use crate::domain::{
    Directory, Entity, EntityStatus, Grade, Inspection, Matter, Method, Officer, OfficerStatus,
    Recusal, Uscc,
};
use crate::plan::{
    Constraints, DepartmentMatters, EntropyDeclaration, Plan, Population, Ratio, Stratum, Team,
};
use crate::registry::Loaded;

const SECTORS: [&str; 4] = ["养老服务", "殡葬服务", "社会组织", "儿童福利"];
const DISTRICTS: [&str; 4] = ["黄浦", "徐汇", "静安", "浦东"];
/// Entities may be in this district, or this sector, which no officer has.
const NOBODYS_DISTRICT: &str = "崇明";
const NOBODYS_SECTOR: &str = "婚姻介绍";
const DEPARTMENTS: [&str; 3] = ["市民政执法总队", "市消防救援总队", "市市场监管局"];
const DATES: [&str; 4] = ["2025-06-01", "2026-03-01", "2026-11-30", "2026-12-14"];

/// The shape of one random case; `seed` fills in the details.
#[derive(Debug, Clone)]
pub struct Shape {
    pub sectors: usize,
    pub districts: usize,
    pub departments: usize,
    pub officers: usize,
    pub entities: usize,
    pub targets: usize,
    pub size: u32,
    /// How many slots have a department (0: not a joint batch); at most `size` and
    /// `departments`.
    pub joint: usize,
    pub cross_district: bool,
    pub cap: Option<u32>,
    pub no_repeat_days: Option<u32>,
    /// Percent of entities with recusals, and with past inspections.
    pub conflicts: u64,
    /// Percent of officers not drawable (not 在岗, or card expired).
    pub inactive: u64,
    pub seed: u64,
}

/// A tiny deterministic generator (xorshift) for the details of a case.
pub struct Gen(u64);

impl Gen {
    pub fn new(seed: u64) -> Gen {
        Gen(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn uscc(i: usize) -> Uscc {
    Uscc::complete(&format!("52310101{:09}", i * 7919 % 1_000_000_000)).unwrap()
}

pub fn officer(i: usize, department: &str, district: &str, sectors: &[&str]) -> Officer {
    Officer {
        card_no: format!("C{i:04}"),
        name: format!("员{i}"),
        department: department.into(),
        district: district.into(),
        sectors: sectors.iter().map(|s| s.to_string()).collect(),
        card_valid_until: date("2028-01-01"),
        status: OfficerStatus::Active,
    }
}

pub fn entity(i: usize, sector: &str, district: &str) -> Entity {
    Entity {
        uscc: uscc(i + 1),
        name: format!("测试单位{i}"),
        sector: sector.into(),
        entity_type: "养老机构".into(),
        district: district.into(),
        address: String::new(),
        grade: Grade::A,
        status: EntityStatus::Active,
        legal_representative: String::new(),
        contact: String::new(),
    }
}

fn officers(s: &Shape, g: &mut Gen) -> Vec<Officer> {
    (0..s.officers)
        .map(|i| {
            // The first officers cover every department, so a joint plan commits.
            let department = DEPARTMENTS[if i < s.departments {
                i
            } else {
                g.below(s.departments)
            }];
            let mut sectors: Vec<&str> = SECTORS[..s.sectors]
                .iter()
                .copied()
                .filter(|_| g.chance(50))
                .collect();
            if sectors.is_empty() {
                sectors.push(SECTORS[g.below(s.sectors)]);
            }
            if g.chance(5) {
                sectors.push(sectors[0]); // a record listing a sector twice
            }
            let mut o = officer(i, department, DISTRICTS[g.below(s.districts)], &sectors);
            if g.chance(s.inactive) {
                match g.below(3) {
                    0 => o.status = OfficerStatus::Left,
                    1 => o.status = OfficerStatus::Suspended,
                    _ => o.card_valid_until = date("2026-12-14"),
                }
            }
            o
        })
        .collect()
}

/// A card of the directory, or now and then one that is not in it.
fn card(g: &mut Gen, officers: &[Officer]) -> String {
    if officers.is_empty() || g.chance(3) {
        "X999".into()
    } else {
        officers[g.below(officers.len())].card_no.clone()
    }
}

/// One matter per sector, `M0`, `M1`, ….
pub fn matters(sectors: usize) -> Vec<Matter> {
    (0..sectors)
        .map(|i| Matter {
            code: format!("M{i}"),
            name: "检查".into(),
            sector: SECTORS[i].into(),
            legal_basis: "测试依据".into(),
            inspecting_body: "上海市民政局".into(),
            content: "测试内容".into(),
            methods: vec![Method::OnSite],
        })
        .collect()
}

pub fn directory(s: &Shape, g: &mut Gen) -> Directory {
    let officers = officers(s, g);
    let entities: Vec<Entity> = (0..s.entities)
        .map(|i| {
            let sector = if g.chance(8) {
                NOBODYS_SECTOR
            } else {
                SECTORS[g.below(s.sectors)]
            };
            let district = if g.chance(8) {
                NOBODYS_DISTRICT
            } else {
                DISTRICTS[g.below(s.districts)]
            };
            entity(i, sector, district)
        })
        .collect();
    let mut recusals: Vec<Recusal> = Vec::new();
    let mut history = Vec::new();
    for e in &entities {
        if g.chance(s.conflicts) {
            for _ in 0..1 + g.below(3) {
                let card_no = card(g, &officers);
                if !recusals
                    .iter()
                    .any(|r| r.card_no == card_no && r.uscc == e.uscc)
                {
                    let (uscc, reason) = (e.uscc.clone(), "测试".into());
                    recusals.push(Recusal {
                        card_no,
                        uscc,
                        reason,
                    });
                }
            }
        }
        if g.chance(s.conflicts) {
            for _ in 0..1 + g.below(2) {
                let mut cards: Vec<String> =
                    (0..1 + g.below(3)).map(|_| card(g, &officers)).collect();
                cards.dedup();
                history.push(Inspection {
                    uscc: e.uscc.clone(),
                    matter_code: "M0".into(),
                    date: date(DATES[g.below(DATES.len())]),
                    officers: cards,
                });
            }
        }
    }
    let matters = matters(s.sectors);
    Directory {
        entities,
        officers,
        matters,
        recusals,
        history,
        lists: Vec::new(),
    }
}

/// `s.joint` distinct departments in a random order.
fn departments(s: &Shape, g: &mut Gen) -> Vec<String> {
    let mut all = DEPARTMENTS[..s.departments].to_vec();
    for i in 0..all.len() {
        let j = i + g.below(all.len() - i);
        all.swap(i, j);
    }
    all[..s.joint].iter().map(|d| d.to_string()).collect()
}

pub fn plan(s: &Shape, g: &mut Gen, matters: usize) -> Plan {
    let departments = departments(s, g);
    // Now and then a joint slot's department names a matter of its own (version 5), so that
    // slot asks for that matter's sector, not the target's.
    let department_matters = match departments.last() {
        Some(d) if matters >= 2 && g.chance(50) => vec![DepartmentMatters {
            department: d.clone(),
            matters: vec![format!("M{}", g.below(matters))],
        }],
        _ => Vec::new(),
    };
    Plan {
        id: "P-TEST".into(),
        title: "测试".into(),
        inspection_date: date("2026-12-15"),
        inspection_end: Some(date("2027-01-29")),
        matters: (0..matters).map(|i| format!("M{i}")).collect(),
        population: Population::default(),
        strata: vec![Stratum {
            ratio: Some(Ratio::parse("100%").unwrap()),
            ..Stratum::of_grades("全部", Grade::ALL.to_vec())
        }],
        floor: None,
        team: Team {
            size: s.size,
            departments,
            pool: Vec::new(),
            department_matters: Some(department_matters),
        },
        constraints: Constraints {
            exclude_inspected_in_year: None,
            cross_district: s.cross_district,
            exclude_inspected_within_days: None,
            no_repeat_pairing_within_days: s.no_repeat_days,
            max_targets_per_officer: s.cap,
        },
        entropy: EntropyDeclaration::Ceremony {
            witnesses: vec!["甲".into(), "乙".into()],
            digits: 4,
        },
    }
}

/// The commitment of a directory and plan.
pub fn commit(directory: Directory, plan: Plan) -> Commitment {
    let loaded = Loaded::in_memory(directory);
    Commitment::build(&loaded, plan.normalized().unwrap()).unwrap()
}

/// The commitment of a random case, and its targets: distinct entity indices in a random
/// order, as the draw makes them.
pub fn case(s: &Shape) -> (Commitment, Vec<u32>) {
    let mut g = Gen::new(s.seed);
    let directory = directory(s, &mut g);
    let mut plan = plan(s, &mut g, s.sectors);
    // A joint plan whose department names its own matter names its population's sectors:
    // those of the matters that some entity has (none, or no officer of the department
    // holding the matter's sector: the plan goes without the entry).
    if !plan.team.department_matters().is_empty() {
        let present: Vec<String> = SECTORS[..s.sectors]
            .iter()
            .filter(|sector| directory.entities.iter().any(|e| e.sector == **sector))
            .map(|sector| sector.to_string())
            .collect();
        // And some officer of the department holds the matter's sector (§3.2).
        let entry = &plan.team.department_matters()[0];
        let sector = SECTORS[entry.matters[0][1..].parse::<usize>().unwrap()];
        let held = directory
            .officers
            .iter()
            .any(|o| o.department == entry.department && o.sectors.iter().any(|x| x == sector));
        if present.is_empty() || !held {
            plan.team.department_matters = Some(Vec::new());
        }
        plan.population.sectors = present;
    }
    let c = commit(directory, plan);
    let mut order: Vec<u32> = (0..s.entities as u32).collect();
    for i in 0..order.len() {
        let j = i + g.below(order.len() - i);
        order.swap(i, j);
    }
    order.truncate(s.targets);
    (c, order)
}
