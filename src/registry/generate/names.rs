//! Fictional names, addresses and telephone numbers. People are a random surname and given
//! name from common-character pools, so no name is meant to be anybody; organisation names
//! follow the usual patterns of each entity type ("上海市徐汇区康乐养老院") with made-up
//! brands, not the names of real institutions.

use super::random::Random;
use super::shanghai::{DISTRICTS, District};

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
/// Every pattern of an entity registered by a district bureau names its district.
#[rustfmt::skip]
const RULES: &[Rule] = &[
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
    ("婚姻介绍机构", "91", CIVIC, &["上海#婚姻介绍服务有限公司", "上海#婚恋服务有限公司"]),
    ("婚姻介绍机构", "*", CIVIC, &["上海市@#婚姻介绍服务中心"]),
    ("假肢矫形器装配机构", "91", CARE, &["上海#假肢矫形器有限公司", "上海#康复辅具有限公司"]),
    ("假肢矫形器装配机构", "*", CARE, &["上海市@假肢矫形器装配中心", "上海市@#康复辅具服务中心"]),
    ("儿童福利机构", "12", CARE, &["上海市@儿童福利院", "上海市@#儿童福利院"]),
    ("儿童福利机构", "*", CARE, &["上海市@#儿童康复中心", "上海@#儿童之家"]),
    // 民办非企业单位 and anything else.
    ("*", "*", CIVIC, &["上海市@#社区服务中心", "上海市@#社会工作服务社", "上海@#培训学校", "上海市@#文化艺术中心",
                        "上海市@#社工师事务所", "上海市@#青少年活动中心", "上海市@#公益服务中心"]),
];

/// Name patterns of entities registered by the municipal bureau (上海市民政局): no district.
/// Foundations are only registered there (基金会管理条例 Art. 6).
#[rustfmt::skip]
const MUNICIPAL_RULES: &[Rule] = &[
    ("社会团体", "*", TOPICS, &["上海市#协会", "上海市#联合会", "上海市#促进会", "上海市#研究会", "上海市#学会"]),
    ("基金会", "*", CIVIC, &["上海市#公益基金会", "上海市#慈善基金会", "上海市#教育发展基金会", "上海市#青少年发展基金会"]),
    // 民办非企业单位 and anything else.
    ("*", "*", CIVIC, &["上海市#社会工作服务社", "上海市#文化艺术中心", "上海市#公益服务中心", "上海市#职业技能培训学校",
                        "上海市#青少年活动中心", "上海市#社会组织服务中心", "上海市#发展研究中心"]),
];

/// Draws of a pattern and its words before a name is made distinct with an ordinal.
const TRIES: usize = 4;

/// Who registered an entity, as far as its name is concerned.
#[derive(Debug, Clone, Copy)]
pub enum Registrar {
    /// The bureau of this district (an index into `DISTRICTS`): the name carries the district.
    District(usize),
    /// The municipal bureau: the name carries no district.
    Municipal,
}

type Rule = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

/// Issues organisation names, never the same one twice.
///
/// A name is a *base* (a pattern filled with a word of its pool and the district:
/// 上海市徐汇区康乐养老院) drawn up to `TRIES` times until one is unused; when every draw was
/// used already, the least used of them gets an ordinal after its word, or after its district
/// when it has no word (上海市徐汇区康乐第二养老院, 上海市徐汇区第三殡仪馆). No two (rule,
/// pattern, word, registrar) give the same base (a pattern without the district has one
/// counter for all districts), no base contains 第 and no pattern text after
/// the ordinal's place starts with a numeral character (tests check all three), so a name
/// tells its base and ordinal apart, and each (base, ordinal) is issued once: names are unique
/// in the whole directory. Memory: one counter per possible base (about 20,000), whatever the
/// number of entities.
pub struct Namer {
    /// Times each base was issued, at `offset + (pattern × pool + word) × registrars +
    /// registrar`, where `offset` is the rule's (`offsets`).
    used: Vec<u32>,
    /// Each rule's first counter: `RULES` (16 registrars each), then `MUNICIPAL_RULES` (one).
    offsets: Vec<usize>,
}

impl Default for Namer {
    fn default() -> Namer {
        Namer::new()
    }
}

impl Namer {
    pub fn new() -> Namer {
        let mut offsets = Vec::with_capacity(RULES.len() + MUNICIPAL_RULES.len());
        let mut total = 0;
        let sets = [(RULES, DISTRICTS.len()), (MUNICIPAL_RULES, 1)];
        for (rules, registrars) in sets {
            for (_, _, pool, patterns) in rules {
                offsets.push(total);
                total += patterns.len() * pool.len() * registrars;
            }
        }
        Namer {
            used: vec![0; total],
            offsets,
        }
    }

    /// A plausible name, never issued before, for an entity of this type and category.
    pub fn entity(
        &mut self,
        rng: &mut Random,
        entity_type: &str,
        category: &str,
        registrar: Registrar,
    ) -> String {
        let any = |rule: &Rule| {
            (rule.0 == "*" || rule.0 == entity_type) && (rule.1 == "*" || rule.1 == category)
        };
        let (rules, first, registrars, r, district) = match registrar {
            Registrar::District(d) => (RULES, 0, DISTRICTS.len(), d, DISTRICTS[d].full),
            Registrar::Municipal => (MUNICIPAL_RULES, RULES.len(), 1, 0, ""),
        };
        let k = rules.iter().position(any).expect("the last rule matches");
        let (_, _, pool, patterns) = rules[k];
        let offset = self.offsets[first + k];
        // The least used base drawn so far: (counter, pattern, word, times used).
        let mut least: Option<(usize, usize, usize, u32)> = None;
        for _ in 0..TRIES {
            let p = rng.index(patterns.len());
            let w = if patterns[p].contains('#') {
                rng.index(pool.len())
            } else {
                0
            };
            // A pattern without the district gives the same base in every district.
            let r = if patterns[p].contains('@') { r } else { 0 };
            let counter = offset + (p * pool.len() + w) * registrars + r;
            let n = self.used[counter];
            if n == 0 {
                self.used[counter] = 1;
                return fill(patterns[p], pool[w], district, None);
            }
            if least.is_none_or(|l| n < l.3) {
                least = Some((counter, p, w, n));
            }
        }
        let (counter, p, w, n) = least.expect("TRIES > 0");
        self.used[counter] = n + 1;
        fill(patterns[p], pool[w], district, Some(n + 1))
    }
}

/// `pattern` filled with `word` and `district`, with the ordinal 第`ordinal` after the word,
/// or after the district in a pattern without a word.
fn fill(pattern: &str, word: &str, district: &str, ordinal: Option<u32>) -> String {
    let mut out = String::with_capacity(pattern.len() + word.len() + district.len() + 12);
    let mut at = None;
    for c in pattern.chars() {
        match c {
            '@' => {
                out.push_str(district);
                at = at.or(Some(out.len()));
            }
            '#' => {
                out.push_str(word);
                at = Some(out.len());
            }
            _ => out.push(c),
        }
    }
    if let Some(n) = ordinal {
        let mut mark = String::with_capacity(12);
        mark.push('第');
        push_numeral(&mut mark, n);
        out.insert_str(at.unwrap_or(out.len()), &mark);
    }
    out
}

const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
/// The characters a numeral of `push_numeral` is made of.
#[cfg(test)]
pub const NUMERAL_CHARS: &str = "零一二三四五六七八九十百千万亿";

/// `n` (at least 1) in Chinese numerals: 二, 十, 十一, 二十, 一百零五, 一千零一十, 一万二千…
pub fn push_numeral(out: &mut String, n: u32) {
    // Groups of four digits, most significant first: 亿, 万, ones.
    let groups = [
        (n / 100_000_000, '亿'),
        ((n / 10_000) % 10_000, '万'),
        (n % 10_000, ' '),
    ];
    let mut started = false;
    let mut zero = false;
    for (group, unit) in groups {
        if group == 0 {
            zero |= started;
            continue;
        }
        if started && (zero || group < 1000) {
            out.push('零');
        }
        push_group(out, group, !started);
        if unit != ' ' {
            out.push(unit);
        }
        started = true;
        zero = false;
    }
}

/// A group below 10,000 (not zero); `leading`: the first group, where 一十 is written 十.
fn push_group(out: &mut String, group: u32, leading: bool) {
    let digits = [group / 1000, group / 100 % 10, group / 10 % 10, group % 10];
    let units = ['千', '百', '十', ' '];
    let mut started = false;
    let mut zero = false;
    for (d, unit) in digits.into_iter().zip(units) {
        if d == 0 {
            zero |= started;
            continue;
        }
        if zero {
            out.push('零');
        }
        if !(d == 1 && unit == '十' && leading && !started) {
            out.push(DIGITS[d as usize]);
        }
        if unit != ' ' {
            out.push(unit);
        }
        started = true;
        zero = false;
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn numeral(n: u32) -> String {
        let mut s = String::new();
        push_numeral(&mut s, n);
        s
    }

    #[test]
    fn numerals_are_the_usual_ones_and_distinct() {
        for (n, text) in [
            (1, "一"),
            (2, "二"),
            (10, "十"),
            (11, "十一"),
            (20, "二十"),
            (105, "一百零五"),
            (110, "一百一十"),
            (1_010, "一千零一十"),
            (10_500, "一万零五百"),
            (12_000, "一万二千"),
            (100_010, "十万零一十"),
            (100_000_005, "一亿零五"),
        ] {
            assert_eq!(numeral(n), text, "{n}");
        }
        let mut seen = HashSet::new();
        for n in 1..=120_000 {
            let text = numeral(n);
            assert!(text.chars().all(|c| NUMERAL_CHARS.contains(c)), "{text}");
            assert!(seen.insert(text), "{n}");
        }
    }

    /// What makes an ordinal name tell its base and ordinal apart: no 第 anywhere in a base,
    /// no numeral character right after the ordinal's place, and no base from two counters.
    #[test]
    fn ordinals_cannot_make_two_names_equal() {
        let mut bases = HashSet::new();
        let registrars = DISTRICTS
            .iter()
            .enumerate()
            .map(|(i, d)| (RULES, i, d.full))
            .chain([(MUNICIPAL_RULES, 0, "")]);
        for (rules, index, district) in registrars {
            for (_, _, pool, patterns) in rules {
                assert!(pool.iter().all(|w| !w.contains('第')));
                for pattern in *patterns {
                    assert!(!pattern.contains('第'), "{pattern}");
                    assert!(pattern.contains('#') || pattern.contains('@'), "{pattern}");
                    if district.is_empty() {
                        assert!(!pattern.contains('@'), "{pattern}");
                    } else if index > 0 && !pattern.contains('@') {
                        continue; // one counter for every district (`Namer::entity`)
                    }
                    let words = if pattern.contains('#') {
                        &pool[..]
                    } else {
                        &pool[..1]
                    };
                    for word in words {
                        let base = fill(pattern, word, district, None);
                        let with = fill(pattern, word, district, Some(2));
                        let at = with.find('第').expect("an ordinal");
                        assert_eq!(base[..at], with[..at]);
                        let next = base[at..].chars().next();
                        assert!(next.is_none_or(|c| !NUMERAL_CHARS.contains(c)), "{with}");
                        assert!(bases.insert(base), "{pattern} {word} {district}");
                    }
                }
            }
        }
        assert!(bases.len() > 10_000 && bases.len() <= Namer::new().used.len());
    }

    #[test]
    fn a_used_base_gets_the_next_ordinal() {
        let mut namer = Namer::new();
        let mut rng = Random::new(3, "test");
        // 殡仪馆 of category 12 has a pattern without a brand: 上海市黄浦区殡仪馆.
        let names: Vec<String> = (0..200)
            .map(|_| namer.entity(&mut rng, "殡仪馆", "12", Registrar::District(0)))
            .collect();
        let unique: HashSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len());
        assert!(names.iter().any(|n| n == "上海市黄浦区殡仪馆"));
        assert!(
            names.iter().any(|n| n == "上海市黄浦区第二殡仪馆"),
            "{names:?}"
        );
        // 21 bases (one without a brand, 20 brands): the other names carry an ordinal.
        let plain = names.iter().filter(|n| !n.contains('第')).count();
        assert!(plain <= 21, "{plain}");
    }
}
