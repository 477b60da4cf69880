//! The inspection-matter list (随机抽查事项清单) of the sample: a fixed list, the same for
//! every size and seed, with the legal basis (抽查依据), inspecting body (抽查主体), content
//! (抽查内容) and method (抽查方式) of each matter.

use crate::domain::{Matter, Method};

use super::shanghai::{FIRE_SECTOR, MARKET_SECTOR};

use Method::{Documents, OnSite, Online};

struct Item {
    code: &'static str,
    name: &'static str,
    sector: &'static str,
    legal_basis: &'static str,
    inspecting_body: &'static str,
    content: &'static str,
    methods: &'static [Method],
    /// The entity types the matter applies to; empty: every type of the sector.
    types: &'static [&'static str],
}

const CITY_AND_DISTRICTS: &str = "上海市民政局；各区民政局";
const SOCIAL_ORG_AUTHORITY: &str = "上海市社会团体管理局（上海市民政局）；各区民政局";

const ITEMS: &[Item] = &[
    Item {
        code: "MZ-YL-01",
        name: "养老机构服务质量和运营管理情况检查",
        sector: "养老服务",
        legal_basis: "《养老机构管理办法》（民政部令第66号）；《上海市养老服务条例》",
        inspecting_body: CITY_AND_DISTRICTS,
        content: "养老机构备案、服务协议签订、服务质量、收费公示、人员配备及内部管理情况",
        methods: &[Documents, OnSite],
        types: &[],
    },
    Item {
        code: "MZ-YL-02",
        name: "养老机构安全管理情况检查",
        sector: "养老服务",
        legal_basis: "《养老机构管理办法》（民政部令第66号）；《养老机构服务安全基本规范》（GB 38600-2019）；《中华人民共和国消防法》",
        inspecting_body: "上海市民政局会同上海市消防救援总队；各区民政局",
        content: "安全风险评估、消防安全管理、食品安全、突发事件应急预案及演练情况",
        methods: &[OnSite],
        types: &[],
    },
    Item {
        code: "MZ-YL-03",
        name: "养老机构预收费用和补贴资金管理情况检查",
        sector: "养老服务",
        legal_basis: "《上海市养老服务条例》；《养老机构管理办法》（民政部令第66号）",
        inspecting_body: CITY_AND_DISTRICTS,
        content: "押金、会员费等预收费用的收取、存管和使用情况，政府补贴资金使用情况",
        methods: &[Documents],
        types: &[],
    },
    Item {
        code: "MZ-BZ-01",
        name: "殡仪馆和殡葬服务机构服务行为检查",
        sector: "殡葬服务",
        legal_basis: "《殡葬管理条例》（国务院令第225号）；《上海市殡葬管理条例》",
        inspecting_body: CITY_AND_DISTRICTS,
        content: "服务项目和收费标准公示、基本殡葬服务、殡葬用品销售、遗体接运和火化管理情况",
        methods: &[Documents, OnSite],
        types: &["殡仪馆", "殡葬服务机构"],
    },
    Item {
        code: "MZ-BZ-02",
        name: "公墓建设和经营管理情况检查",
        sector: "殡葬服务",
        legal_basis: "《殡葬管理条例》（国务院令第225号）；《公墓管理暂行办法》（民事发〔1992〕24号）；《上海市殡葬管理条例》",
        inspecting_body: CITY_AND_DISTRICTS,
        content: "公墓审批和建设范围、墓穴（格位）面积、销售和收费、墓区管理及安全情况",
        methods: &[OnSite],
        types: &["公墓"],
    },
    Item {
        code: "MZ-SZ-01",
        name: "社会团体登记事项和内部治理情况抽查",
        sector: "社会组织",
        legal_basis: "《社会团体登记管理条例》；《社会组织抽查暂行办法》（民发〔2017〕45号）",
        inspecting_body: SOCIAL_ORG_AUTHORITY,
        content: "登记事项、章程执行、负责人产生、财务管理、年度工作报告和信息公开情况",
        methods: &[Documents, OnSite],
        types: &["社会团体"],
    },
    Item {
        code: "MZ-SZ-02",
        name: "民办非企业单位登记事项和业务活动情况抽查",
        sector: "社会组织",
        legal_basis: "《民办非企业单位登记管理暂行条例》；《社会组织抽查暂行办法》（民发〔2017〕45号）",
        inspecting_body: SOCIAL_ORG_AUTHORITY,
        content: "登记事项、业务活动范围、财务管理、收费行为和年度工作报告情况",
        methods: &[Documents, OnSite],
        types: &["民办非企业单位"],
    },
    Item {
        code: "MZ-SZ-03",
        name: "基金会财务管理和公益活动情况抽查",
        sector: "社会组织",
        legal_basis: "《基金会管理条例》；《社会组织抽查暂行办法》（民发〔2017〕45号）",
        inspecting_body: SOCIAL_ORG_AUTHORITY,
        content: "公益支出比例、管理费用、接受捐赠和公益资助项目、信息公开情况",
        methods: &[Documents, OnSite],
        types: &["基金会"],
    },
    Item {
        code: "MZ-SZ-04",
        name: "社会组织信息公示和信用信息情况抽查",
        sector: "社会组织",
        legal_basis: "《社会组织信用信息管理办法》（民政部令第60号）；《社会组织抽查暂行办法》（民发〔2017〕45号）",
        inspecting_body: SOCIAL_ORG_AUTHORITY,
        content: "年度工作报告和信息公示的及时性、真实性，登记证书和统一社会信用代码信息",
        methods: &[Online, Documents],
        types: &[],
    },
    Item {
        code: "MZ-HY-01",
        name: "婚姻介绍机构服务行为检查",
        sector: "婚姻介绍",
        legal_basis: "《上海市婚姻介绍机构管理办法》（上海市人民政府令第112号）；《关于加强上海市婚姻介绍服务机构监管的指导意见（试行）》（沪民规〔2023〕2号）",
        inspecting_body: "各区民政局",
        content: "服务合同、收费公示、征婚当事人身份和婚姻状况核实、个人信息保护情况",
        methods: &[Documents, OnSite],
        types: &[],
    },
    Item {
        code: "MZ-JZ-01",
        name: "假肢矫形器装配机构服务质量检查",
        sector: "假肢矫形器",
        legal_basis: "《中华人民共和国残疾人保障法》；《国务院关于加快发展康复辅助器具产业的若干意见》（国发〔2016〕60号）",
        inspecting_body: "上海市民政局",
        content: "专业技术人员配备、装配服务规范、产品质量和收费情况",
        methods: &[OnSite],
        types: &[],
    },
    Item {
        code: "MZ-ET-01",
        name: "儿童福利机构管理和服务情况检查",
        sector: "儿童福利",
        legal_basis: "《儿童福利机构管理办法》（民政部令第63号）",
        inspecting_body: CITY_AND_DISTRICTS,
        content: "儿童养育、医疗康复、教育、安全管理和档案管理情况",
        methods: &[Documents, OnSite],
        types: &[],
    },
    // Matters of the departments that join civil affairs in joint inspections (联合抽查):
    // of their own sectors, inspected by their own officers, on the same visit.
    Item {
        code: "XF-YL-01",
        name: "养老机构消防安全检查",
        sector: FIRE_SECTOR,
        legal_basis: "《中华人民共和国消防法》；《消防监督检查规定》（公安部令第120号）",
        inspecting_body: "上海市消防救援总队",
        content: "消防安全责任制落实、消防设施器材配置和维护、疏散通道和安全出口、防火检查和消防演练情况",
        methods: &[OnSite],
        types: &[],
    },
    Item {
        code: "SC-YL-01",
        name: "养老机构食品安全检查",
        sector: MARKET_SECTOR,
        legal_basis: "《中华人民共和国食品安全法》",
        inspecting_body: "上海市市场监督管理局",
        content: "食品经营许可或备案、食品原料进货查验、加工制作和留样、从业人员健康管理情况",
        methods: &[OnSite, Documents],
        types: &[],
    },
];

/// The matter list, in code order within each sector.
pub fn list() -> Vec<Matter> {
    ITEMS
        .iter()
        .map(|i| Matter {
            code: i.code.to_string(),
            name: i.name.to_string(),
            sector: i.sector.to_string(),
            legal_basis: i.legal_basis.to_string(),
            inspecting_body: i.inspecting_body.to_string(),
            content: i.content.to_string(),
            methods: i.methods.to_vec(),
        })
        .collect()
}

/// The codes of the matters that apply to an entity of this sector and type.
pub fn codes_for(sector: &str, entity_type: &str) -> Vec<&'static str> {
    ITEMS
        .iter()
        .filter(|i| i.sector == sector && (i.types.is_empty() || i.types.contains(&entity_type)))
        .map(|i| i.code)
        .collect()
}
