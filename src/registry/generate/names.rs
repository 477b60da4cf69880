//! Fictional names, addresses and telephone numbers. People are a random surname and given
//! name from common-character pools, so no name is meant to be anybody; organisation names
//! follow the usual patterns of each entity type ("上海市徐汇区康乐养老院") with made-up
//! brands, not the names of real institutions.

use super::random::Random;
use super::shanghai::District;

#[rustfmt::skip]
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林",
    "高", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "田", "董", "潘", "袁",
    "蔡", "蒋", "余", "叶", "程", "魏", "苏", "吕", "丁", "任", "沈", "姚", "卢", "钱", "顾", "陆", "金", "施",
    "汤", "倪", "范", "严", "俞", "戴",
];

#[rustfmt::skip]
const GIVEN: &[&str] = &[
    "伟", "芳", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "华", "慧",
    "建", "国", "海", "平", "刚", "萍", "红", "德", "志", "文", "雯", "佳", "晓", "颖", "琳", "俊", "斌", "婷",
    "倩", "宇", "浩", "鹏", "辉", "玲", "燕", "蕾", "春", "秋", "梅", "兰", "毅", "峰", "雪", "晨", "欣", "昊",
    "睿", "琪", "嘉", "怡", "诚", "立",
];

/// Brands of elderly-care, children's and other care institutions.
#[rustfmt::skip]
const CARE: &[&str] = &[
    "康乐", "颐和", "安康", "松鹤", "长乐", "福康", "寿康", "乐龄", "颐乐", "瑞福", "怡和", "金晖", "夕阳红", "常青", "和美",
    "仁爱", "慈爱", "康宁", "悦心", "馨园", "德康", "惠民", "温馨", "同乐", "福缘", "爱晚", "恒寿", "如意", "佳和", "瑞康",
    "嘉禾", "永安", "祥和", "春晖", "乐颐", "安泰", "宁心", "和睦", "晨曦", "怡然",
];

/// Brands of cemeteries and funeral services.
#[rustfmt::skip]
const MEMORIAL: &[&str] = &[
    "永思", "松柏", "长青", "思源", "仙鹤", "万安", "福海", "宁远", "静远", "怀恩", "慈孝", "清风", "翠竹", "青松", "念慈",
    "归真", "泰安", "天逸", "孝思", "福泽",
];

/// Brands of private non-enterprise units, foundations and companies.
#[rustfmt::skip]
const CIVIC: &[&str] = &[
    "阳光", "启明", "彩虹", "晨光", "向日葵", "绿洲", "星火", "明德", "致远", "博雅", "乐群", "同心", "新航", "蒲公英", "益众",
    "馨语", "善行", "和乐", "知行", "众成", "德润", "汇智", "恒信", "睿思", "思齐", "鸿雁", "春雨", "树人", "晴川", "青禾",
];

/// Fields of social associations (社会团体).
#[rustfmt::skip]
const TOPICS: &[&str] = &[
    "志愿者", "老年人体育", "书法家", "摄影家", "企业家", "社区服务", "青少年发展", "慈善", "残疾人康复", "养老服务行业", "物业管理行业",
    "餐饮行业", "楹联", "收藏", "科普", "退休教师", "家庭教育", "棋类", "舞蹈", "合唱", "集邮", "园艺", "心理咨询", "社会工作",
    "红十字志愿", "民间文艺", "健身气功", "烹饪", "茶文化", "老年大学",
];

/// A fictional person: surname and a one- or two-character given name.
pub fn person(rng: &mut Random) -> String {
    let mut name = String::with_capacity(9);
    name.push_str(rng.word(SURNAMES));
    name.push_str(rng.word(GIVEN));
    if rng.per_mille(700) {
        name.push_str(rng.word(GIVEN));
    }
    name
}

/// A fictional contact number: mostly an 8-digit Shanghai landline, sometimes a mobile.
pub fn phone(rng: &mut Random) -> String {
    if rng.per_mille(150) {
        let prefix = rng.pick(&["135", "136", "138", "139", "150", "158", "186", "189"]);
        format!("{prefix}{:08}", rng.below(100_000_000))
    } else {
        let first = rng.pick(&[5u64, 6]);
        format!("021-{first}{:07}", rng.below(10_000_000))
    }
}

/// An address in the district: 徐汇区漕溪北路123号, 浦东新区张杨路88弄5号.
pub fn address(rng: &mut Random, district: &District) -> String {
    let road = rng.pick(district.roads);
    let number = rng.between(1, 1800);
    if rng.per_mille(200) {
        let house = rng.between(1, 60);
        format!("{}{road}{number}弄{house}号", district.full)
    } else {
        format!("{}{road}{number}号", district.full)
    }
}

/// Name patterns: (entity type, category or `*` for any, pool, patterns). In a pattern `@` is
/// the district's full name and `#` a word of the pool. The first matching rule applies.
#[rustfmt::skip]
const RULES: &[(&str, &str, &[&str], &[&str])] = &[
    ("养老机构", "12", CARE, &["上海市@#敬老院", "上海市@#社会福利院", "上海市@#老年护理院"]),
    ("养老机构", "91", CARE, &["上海#养老服务有限公司", "上海#颐养院有限公司", "上海@#老年公寓有限公司"]),
    ("养老机构", "*", CARE, &["上海市@#养老院", "上海@#敬老院", "@#长者照护之家", "上海市@#养老服务中心", "上海@#老年公寓"]),
    ("殡仪馆", "12", MEMORIAL, &["上海市@殡仪馆", "上海市@#殡仪馆"]),
    ("殡仪馆", "*", MEMORIAL, &["上海#殡仪服务有限公司"]),
    ("公墓", "12", MEMORIAL, &["上海市@#公墓", "上海@#公益性公墓", "上海市@#骨灰堂"]),
    ("公墓", "*", MEMORIAL, &["上海@#陵园", "上海#公墓有限公司", "上海@#园公墓"]),
    ("殡葬服务机构", "12", MEMORIAL, &["上海市@#殡葬服务站", "上海市@殡葬服务中心"]),
    ("殡葬服务机构", "*", MEMORIAL, &["上海#殡葬服务有限公司", "上海#殡葬用品有限公司", "上海@#礼仪服务有限公司"]),
    ("社会团体", "*", TOPICS, &["上海市@#协会", "上海@#协会", "上海市@#联合会", "上海市@#促进会", "上海市@#研究会"]),
    ("基金会", "*", CIVIC, &["上海#公益基金会", "上海市@#慈善基金会", "上海#教育发展基金会"]),
    ("婚姻介绍机构", "91", CIVIC, &["上海#婚姻介绍服务有限公司", "上海#婚恋服务有限公司"]),
    ("婚姻介绍机构", "*", CIVIC, &["上海市@#婚姻介绍服务中心"]),
    ("假肢矫形器装配机构", "91", CARE, &["上海#假肢矫形器有限公司", "上海#康复辅具有限公司"]),
    ("假肢矫形器装配机构", "*", CARE, &["上海市@假肢矫形器装配中心", "上海市@#康复辅具服务中心"]),
    ("儿童福利机构", "12", CARE, &["上海市@儿童福利院", "上海市@#儿童福利院"]),
    ("儿童福利机构", "*", CARE, &["上海市@#儿童康复中心", "上海@#儿童之家"]),
    // 民办非企业单位 and anything else.
    ("*", "*", CIVIC, &["上海市@#社区服务中心", "上海市@#社会工作服务社", "上海@#培训学校", "上海市@#文化艺术中心",
                        "上海#社工师事务所", "上海市@#青少年活动中心", "上海市@#公益服务中心"]),
];

/// A plausible name for an entity of this type and category in this district.
pub fn entity(rng: &mut Random, entity_type: &str, category: &str, district: &District) -> String {
    let any = |rule: &str, value: &str| rule == "*" || rule == value;
    let (_, _, pool, patterns) = RULES
        .iter()
        .find(|r| any(r.0, entity_type) && any(r.1, category))
        .expect("the last rule matches everything");
    let pattern = rng.word(patterns);
    let mut name = String::with_capacity(pattern.len() + 24);
    for c in pattern.chars() {
        match c {
            '@' => name.push_str(district.full),
            '#' => name.push_str(rng.word(pool)),
            _ => name.push(c),
        }
    }
    name
}
