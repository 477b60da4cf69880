//! Publication time limits (公示时限) as data: how many working days a result may take from
//! its inspection date to its publication, per sector, each with the rule it follows.
//!
//! The list lives in `registries/publication.toml` (embedded; format in its comments): a
//! default and the sectors whose rules set their own limit (社会组织: 5 working days under
//! 民政部令第60号). Pure: callers count the days with `calendar::Calendar`.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The limit for one sector and the rule it follows.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    /// Working days after the inspection date (that day not counted).
    pub working_days: u32,
    pub basis_zh: String,
    pub basis_en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SectorLimit {
    sector: String,
    working_days: u32,
    basis_zh: String,
    basis_en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    default: Limit,
    #[serde(default)]
    sector: Vec<SectorLimit>,
}

/// The most working days a limit may allow (three months of working days).
pub const MAX_WORKING_DAYS: u32 = 60;

/// The validated limits: a default and one per listed sector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicationRules {
    default: Limit,
    sectors: BTreeMap<String, Limit>,
}

impl PublicationRules {
    /// The shipped file, `registries/publication.toml`.
    pub const SHIPPED: &'static str = include_str!("../../registries/publication.toml");

    /// The shipped rules, embedded in the binary; a test proves the file is valid, so an
    /// invalid one never ships.
    pub fn shipped() -> PublicationRules {
        PublicationRules::parse("registries/publication.toml", PublicationRules::SHIPPED)
            .expect("registries/publication.toml is valid (tested)")
    }

    /// Parses and validates a rules file; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<PublicationRules, String> {
        let raw: RawFile = toml::from_str(text).map_err(|e| format!("{file}: {e}"))?;
        let check = |at: &str, l: &Limit| -> Result<(), String> {
            if !(1..=MAX_WORKING_DAYS).contains(&l.working_days) {
                return Err(format!(
                    "{file}: {at}: working_days is {}, not between 1 and {MAX_WORKING_DAYS}",
                    l.working_days
                ));
            }
            if l.basis_zh.trim().is_empty() || l.basis_en.trim().is_empty() {
                return Err(format!(
                    "{file}: {at}: a limit names its basis (basis_zh, basis_en)"
                ));
            }
            Ok(())
        };
        check("[default]", &raw.default)?;
        let mut sectors = BTreeMap::new();
        for s in raw.sector {
            let at = format!("sector '{}'", s.sector);
            if s.sector.trim().is_empty() {
                return Err(format!("{file}: a [[sector]] has an empty sector"));
            }
            let limit = Limit {
                working_days: s.working_days,
                basis_zh: s.basis_zh,
                basis_en: s.basis_en,
            };
            check(&at, &limit)?;
            if sectors.insert(s.sector, limit).is_some() {
                return Err(format!("{file}: {at} is listed twice"));
            }
        }
        Ok(PublicationRules {
            default: raw.default,
            sectors,
        })
    }

    /// The limit for a sector: its own, or the default.
    pub fn for_sector(&self, sector: &str) -> &Limit {
        self.sectors.get(sector).unwrap_or(&self.default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_rules_parse_and_social_organisations_have_their_own_limit() {
        let rules = PublicationRules::parse("publication.toml", PublicationRules::SHIPPED).unwrap();
        assert_eq!(rules, PublicationRules::shipped());
        assert_eq!(rules.for_sector("养老服务").working_days, 20);
        assert_eq!(rules.for_sector("社会组织").working_days, 5);
        assert!(
            rules
                .for_sector("社会组织")
                .basis_zh
                .contains("民政部令第60号")
        );
    }

    #[test]
    fn bad_files_are_refused_naming_the_problem() {
        let basis = "basis_zh = \"x\"\nbasis_en = \"x\"\n";
        for (text, says) in [
            (
                format!("[default]\nworking_days = 0\n{basis}"),
                "not between 1 and 60",
            ),
            (
                format!("[default]\nworking_days = 61\n{basis}"),
                "not between 1 and 60",
            ),
            (
                "[default]\nworking_days = 20\nbasis_zh = \" \"\nbasis_en = \"x\"\n".into(),
                "names its basis",
            ),
            (
                format!(
                    "[default]\nworking_days = 20\n{basis}[[sector]]\nsector = \"a\"\nworking_days = 5\n{basis}[[sector]]\nsector = \"a\"\nworking_days = 6\n{basis}"
                ),
                "listed twice",
            ),
            (
                format!("[default]\nworking_days = 20\n{basis}extra = 1\n"),
                "unknown field",
            ),
        ] {
            let e = PublicationRules::parse("p.toml", &text).unwrap_err();
            assert!(e.contains(says) && e.starts_with("p.toml"), "{text}: {e}");
        }
    }
}
