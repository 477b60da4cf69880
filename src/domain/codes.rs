//! Closed vocabularies: credit/risk grade, entity status, officer status, registration level,
//! inspection method, measure taken on a finding, outcome of a follow-up.
//! Each value has one canonical spelling (Chinese, as in the registers); English aliases are
//! accepted on input.

use serde::{Deserialize, Serialize};

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $canonical:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $canonical)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical spelling, as written in files and in the commitment.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $canonical),+ }
            }

            /// Accepts the canonical spelling or an alias (case-insensitive for ASCII).
            pub fn parse(value: &str) -> Result<$name, String> {
                let v = value.trim();
                $(
                    if v == $canonical $(|| v.eq_ignore_ascii_case($alias))* {
                        return Ok($name::$variant);
                    }
                )+
                let expected: Vec<&str> = $name::ALL.iter().map(|x| x.as_str()).collect();
                Err(format!(
                    "「{v}」不是 {0} 之一 / '{v}' is not one of {0}",
                    expected.join(", ")
                ))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// Credit / risk grade (信用风险分类): A best … D worst.
    Grade { A => "A" | "a", B => "B" | "b", C => "C" | "c", D => "D" | "d" }
}

vocabulary! {
    /// Registration status of a supervised entity.
    EntityStatus {
        Active => "正常" | "active",
        Suspended => "停业" | "suspended",
        Liquidating => "清算" | "liquidating",
        Deregistered => "注销" | "deregistered",
        Revoked => "吊销" | "revoked",
        Cancelled => "撤销" | "cancelled",
    }
}

vocabulary! {
    /// Status of a law-enforcement officer; only 在岗 officers are drawn.
    OfficerStatus {
        Active => "在岗" | "active",
        Suspended => "暂停" | "suspended",
        Left => "离岗" | "left",
    }
}

vocabulary! {
    /// Level of the authority that registered an entity (登记管理机关层级), read from its USCC
    /// by `Level::of_uscc` (DRAW-SPEC §5.2).
    Level {
        Ministry => "部级" | "ministry",
        Province => "省级" | "province",
        Prefecture => "地市级" | "prefecture",
        County => "县级" | "county",
    }
}

vocabulary! {
    /// Inspection method of a matter (抽查方式).
    Method {
        Documents => "书面检查" | "documents",
        OnSite => "实地核查" | "on-site",
        Online => "网络监测" | "online",
    }
}

vocabulary! {
    /// A measure taken on a finding (处置措施): on the spot, as an item of a checklist, or as
    /// the follow-up of a result (后续处置). Whatever a measure leads to is the follow-up's
    /// closure (查处结果), not a measure.
    Measure {
        CorrectedOnSite => "当场整改" | "corrected-on-site",
        OrderToCorrect => "责令限期整改" | "order-to-correct",
        Interview => "约谈" | "interview",
        CaseOpened => "立案查处" | "case-opened",
        Referred => "移送有关部门" | "referred",
        AbnormalList => "列入活动异常名录" | "abnormal-list",
        SeriousList => "列入严重违法失信名单" | "serious-list",
    }
}

vocabulary! {
    /// How a follow-up ended (查处结果的结论), recorded with its closure beside the text of
    /// the outcome. From 行政处罚法 (2021) Art. 57 (penalty, no penalty, referral where a
    /// crime is suspected) and Art. 28 (an order to correct, complied with), and 民政部令第60号
    /// (listing in the 活动异常名录 or 严重违法失信名单); sources in registries/README.md.
    Outcome {
        Corrected => "已整改" | "corrected",
        Penalised => "已处罚" | "penalised",
        NotPenalised => "不予处罚" | "not-penalised",
        Referred => "已移送" | "referred",
        Listed => "已列入名录" | "listed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_and_alias_spellings_parse() {
        assert_eq!(Grade::parse(" c ").unwrap(), Grade::C);
        assert_eq!(EntityStatus::parse("正常").unwrap(), EntityStatus::Active);
        assert_eq!(
            EntityStatus::parse("Revoked").unwrap(),
            EntityStatus::Revoked
        );
        assert_eq!(OfficerStatus::parse("在岗").unwrap().as_str(), "在岗");
        assert_eq!(
            Measure::parse("Order-To-Correct").unwrap(),
            Measure::OrderToCorrect
        );
        let err = Method::parse("电话").unwrap_err();
        assert!(err.contains("书面检查, 实地核查, 网络监测"), "{err}");
    }

    #[test]
    fn serde_uses_canonical_spelling() {
        assert_eq!(
            serde_json::to_string(&EntityStatus::Active).unwrap(),
            "\"正常\""
        );
        let g: Grade = serde_json::from_str("\"D\"").unwrap();
        assert_eq!(g, Grade::D);
    }
}
