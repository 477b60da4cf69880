//! Entities on named lists (名录), fictional like the rest: social organisations on the
//! 活动异常名录 (about 1.7% of the active ones) and, of those whose registration was revoked
//! (撤销, 吊销), on the 严重违法失信名单 (about 30%), the two lists of 民政部令第60号
//! (《社会组织信用信息管理办法》); elderly-care institutions (about 2.5%) and funeral
//! entities (about 3.5%) with complaints received (投诉举报). Dates fall in 2026 before the
//! sample plans' inspection window.

use chrono::{Days, NaiveDate};

use crate::domain::{Entity, EntityStatus, Listing};

use super::random::Random;

/// The abnormal-activity list, with the grounds (民政部令第60号) the sample gives.
const ABNORMAL: (&str, &[&str]) = (
    "活动异常名录",
    &[
        "未按照规定时限和要求报送年度工作报告",
        "通过登记的住所无法与社会组织取得联系",
    ],
);
/// The list of serious violations, for revoked organisations.
const SERIOUS: (&str, &[&str]) = ("严重违法失信名单", &["被撤销成立登记或吊销登记证书"]);
/// Complaints received, with what they were about.
const ELDERLY_COMPLAINTS: (&str, &[&str]) = (
    "投诉举报",
    &[
        "家属投诉护理不到位（12345市民服务热线转办）",
        "投诉伙食标准与收费不符",
        "举报夜间值守人员不足",
        "投诉擅自提高收费标准",
    ],
);
const FUNERAL_COMPLAINTS: (&str, &[&str]) = (
    "投诉举报",
    &[
        "投诉殡葬服务捆绑收费（12345市民服务热线转办）",
        "举报公墓超标准建造墓穴",
        "投诉丧葬用品价格未明码标价",
    ],
);

/// The list entries of `entities`, in canonical order (by USCC, then list).
pub fn lists(entities: &[Entity], seed: u64) -> Vec<Listing> {
    let mut rng = Random::new(seed, "lists");
    let first = NaiveDate::from_ymd_opt(2026, 1, 5).expect("valid date");
    let mut rows = Vec::new();
    for e in entities {
        let revoked = matches!(e.status, EntityStatus::Revoked | EntityStatus::Cancelled);
        let active = e.status == EntityStatus::Active;
        let (per_mille, (list, reasons)) = match (e.sector.as_str(), active, revoked) {
            ("社会组织", true, _) => (17, ABNORMAL),
            ("社会组织", _, true) => (300, SERIOUS),
            ("养老服务", true, _) => (25, ELDERLY_COMPLAINTS),
            ("殡葬服务", true, _) => (35, FUNERAL_COMPLAINTS),
            _ => continue,
        };
        if !rng.per_mille(per_mille) {
            continue;
        }
        let listed_on = first
            .checked_add_days(Days::new(rng.below(270)))
            .expect("in 2026");
        rows.push(Listing {
            uscc: e.uscc.clone(),
            list: list.to_string(),
            listed_on,
            reason: rng.pick(reasons).to_string(),
        });
    }
    rows.sort_by(|a, b| (a.uscc.as_str(), &a.list).cmp(&(b.uscc.as_str(), &b.list)));
    rows
}
