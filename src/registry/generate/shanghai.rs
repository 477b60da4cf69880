//! The fixed vocabulary of the Shanghai sample: the 16 districts with their GB/T 2260 codes
//! and a few roads each, the civil-affairs sectors (行业领域), the entity types (主体类型) of
//! each sector with the USCC categories they may carry, and the departments of the officers.
//!
//! District names are the short forms (黄浦, 徐汇 … 浦东新区 … 崇明), used as they are in the
//! `district` columns and in plans; `full` is the form used in names and addresses.

/// A district (区) of Shanghai.
#[derive(Debug)]
pub struct District {
    /// Short name, as written in the `district` columns: 黄浦, 浦东新区…
    pub name: &'static str,
    /// Full name, as written in entity names, addresses and bureau names: 黄浦区, 浦东新区…
    pub full: &'static str,
    /// GB/T 2260 administrative division code (USCC positions 3–8).
    pub code: &'static str,
    /// Relative size (roughly the resident population in 10,000s): more entities and officers.
    pub weight: u32,
    /// Roads used in generated addresses.
    pub roads: &'static [&'static str],
}

macro_rules! district {
    ($name:literal, $full:literal, $code:literal, $weight:literal, [$($road:literal),+]) => {
        District { name: $name, full: $full, code: $code, weight: $weight, roads: &[$($road),+] }
    };
}

#[rustfmt::skip]
pub const DISTRICTS: [District; 16] = [
    district!("黄浦", "黄浦区", "310101", 66, ["南京东路", "河南中路", "西藏南路", "复兴中路", "淮海中路", "陆家浜路"]),
    district!("徐汇", "徐汇区", "310104", 111, ["漕溪北路", "天钥桥路", "龙华中路", "宜山路", "田林路", "龙吴路"]),
    district!("长宁", "长宁区", "310105", 69, ["延安西路", "天山路", "仙霞路", "遵义路", "古北路", "哈密路"]),
    district!("静安", "静安区", "310106", 97, ["南京西路", "共和新路", "大宁路", "汶水路", "武宁南路", "江宁路"]),
    district!("普陀", "普陀区", "310107", 124, ["曹杨路", "真北路", "武宁路", "金沙江路", "桃浦路", "宜川路"]),
    district!("虹口", "虹口区", "310109", 76, ["四川北路", "曲阳路", "广中路", "大连路", "东江湾路", "凉城路"]),
    district!("杨浦", "杨浦区", "310110", 124, ["控江路", "长阳路", "平凉路", "国和路", "殷行路", "黄兴路"]),
    district!("闵行", "闵行区", "310112", 265, ["莘庄路", "七莘路", "都市路", "沪闵路", "银都路", "颛兴路"]),
    district!("宝山", "宝山区", "310113", 223, ["友谊路", "牡丹江路", "共康路", "淞滨路", "呼兰路", "泰和路"]),
    district!("嘉定", "嘉定区", "310114", 183, ["博乐路", "城中路", "塔城路", "沪宜公路", "叶城路", "墨玉路"]),
    district!("浦东新区", "浦东新区", "310115", 568, ["世纪大道", "张杨路", "浦东南路", "锦绣路", "川沙路", "杨高南路", "上南路", "东方路"]),
    district!("金山", "金山区", "310116", 82, ["卫零路", "龙胜路", "蒙山路", "金山大道", "板桥西路"]),
    district!("松江", "松江区", "310117", 191, ["中山中路", "人民北路", "荣乐东路", "广富林路", "新松江路", "沪亭北路"]),
    district!("青浦", "青浦区", "310118", 127, ["公园路", "城中东路", "华腾路", "外青松公路", "盈港东路"]),
    district!("奉贤", "奉贤区", "310120", 114, ["解放东路", "南奉公路", "环城东路", "望园路", "金海公路"]),
    district!("崇明", "崇明区", "310151", 64, ["八一路", "人民路", "南门路", "翠竹路", "陈海公路"]),
];

/// The `district` of officers who are not attached to one district (corps, other departments).
pub const CITYWIDE: &str = "全市";

/// The municipal civil-affairs enforcement corps: district 全市, covers every sector.
pub const CORPS: &str = "市民政执法总队";
/// Departments of officers who join civil-affairs officers in joint inspections (联合抽查).
pub const FIRE: &str = "市消防救援总队";
pub const MARKET: &str = "市场监管局执法总队";
/// The sector (领域) the fire department's officers hold and its matters are of: they inspect
/// fire safety, not elderly care (联合抽查中各部门只检查本部门的事项).
pub const FIRE_SECTOR: &str = "消防安全";
/// The sector the market-regulation officers hold and its matters are of.
pub const MARKET_SECTOR: &str = "食品安全";

/// The department of a district bureau's officers: 黄浦区民政局, 浦东新区民政局…
pub fn bureau(district: &District) -> String {
    format!("{}民政局", district.full)
}

/// An entity type (主体类型) and the USCC categories (positions 1–2) it may carry, weighted.
#[derive(Debug)]
pub struct EntityType {
    pub name: &'static str,
    /// Share within its sector, in per mille.
    pub weight: u32,
    /// (category, weight): 51 社会团体, 52 民办非企业单位, 53 基金会 (registered by 民政),
    /// 12 事业单位 (机构编制), 91 企业 (市场监管).
    pub categories: &'static [(&'static str, u32)],
    /// Share registered by the municipal bureau (上海市民政局, a provincial-level registering
    /// authority), in per mille; the others are registered by their district's bureau. A
    /// municipal registration carries the area code `MUNICIPAL` in USCC positions 3–8 and a
    /// name without a district; the `district` column stays where the entity is located.
    pub municipal: u32,
}

/// A civil-affairs sector (行业领域) and its entity types.
#[derive(Debug)]
pub struct Sector {
    pub name: &'static str,
    /// Share of all entities, in per mille (the six add up to 1000).
    pub weight: u32,
    pub types: &'static [EntityType],
}

macro_rules! kind {
    ($name:literal, $weight:literal, [$(($cat:literal, $w:literal)),+]) => {
        kind!($name, $weight, [$(($cat, $w)),+], municipal 0)
    };
    ($name:literal, $weight:literal, [$(($cat:literal, $w:literal)),+], municipal $m:literal) => {
        EntityType { name: $name, weight: $weight, categories: &[$(($cat, $w)),+], municipal: $m }
    };
}

/// The GB/T 2260 code of Shanghai as a whole (USCC positions 3–8 of what the municipal bureau
/// registers): the municipality is a provincial-level division.
pub const MUNICIPAL: &str = "310000";

pub const ELDERLY_CARE: usize = 0;
pub const FUNERAL: usize = 1;
pub const SOCIAL_ORGS: usize = 2;

pub const SECTORS: [Sector; 6] = [
    Sector {
        name: "养老服务",
        weight: 350,
        types: &[kind!(
            "养老机构",
            1000,
            [("52", 50), ("12", 20), ("91", 30)]
        )],
    },
    Sector {
        name: "殡葬服务",
        weight: 80,
        types: &[
            kind!("殡仪馆", 150, [("12", 80), ("91", 20)]),
            kind!("公墓", 450, [("12", 40), ("91", 60)]),
            kind!("殡葬服务机构", 400, [("91", 85), ("12", 15)]),
        ],
    },
    Sector {
        name: "社会组织",
        weight: 520,
        types: &[
            // 基金会管理条例 Art. 6: only 民政部 and provincial 民政 register foundations.
            kind!("社会团体", 420, [("51", 1)], municipal 250),
            kind!("民办非企业单位", 530, [("52", 1)], municipal 150),
            kind!("基金会", 50, [("53", 1)], municipal 1000),
        ],
    },
    Sector {
        name: "婚姻介绍",
        weight: 20,
        types: &[kind!("婚姻介绍机构", 1000, [("91", 75), ("52", 25)])],
    },
    Sector {
        name: "假肢矫形器",
        weight: 15,
        types: &[kind!("假肢矫形器装配机构", 1000, [("91", 80), ("12", 20)])],
    },
    Sector {
        name: "儿童福利",
        weight: 15,
        types: &[kind!("儿童福利机构", 1000, [("12", 60), ("52", 40)])],
    },
];

/// The USCC categories a generated entity of this type may have (`None`: not a generated type).
pub fn categories(entity_type: &str) -> Option<Vec<&'static str>> {
    SECTORS
        .iter()
        .flat_map(|s| s.types)
        .find(|t| t.name == entity_type)
        .map(|t| t.categories.iter().map(|c| c.0).collect())
}

/// Index of a sector by name.
pub fn sector_index(name: &str) -> Option<usize> {
    SECTORS.iter().position(|s| s.name == name)
}
