//! Who registered an entity, read from its USCC (GB 32100-2015): characters 3 to 8 are the
//! area code of the registering authority, and its form gives the authority's level
//! (DRAW-SPEC §5.2). The spot-check floors of 民发〔2017〕45号 Art. 5 are set per level.

use super::codes::Level;

/// The registering authority's area code: characters 3 to 8 of a USCC (all ASCII, as every
/// USCC symbol is).
pub fn authority(uscc: &str) -> &str {
    uscc.get(2..8).unwrap_or("")
}

impl Level {
    /// The level of an authority's area code, by its form: `100000` is the ministry's, a code
    /// ending in `0000` a province's (Shanghai's municipal bureau: `310000`), one ending in
    /// `00` a prefecture's, any other a county's or district's. The form alone decides: the
    /// code is not checked against the list of divisions.
    pub fn of_authority(authority: &str) -> Level {
        if authority == "100000" {
            Level::Ministry
        } else if authority.ends_with("0000") {
            Level::Province
        } else if authority.ends_with("00") {
            Level::Prefecture
        } else {
            Level::County
        }
    }

    /// The level of the authority that registered the entity with this USCC.
    pub fn of_uscc(uscc: &str) -> Level {
        Level::of_authority(authority(uscc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_level_follows_the_form_of_the_area_code() {
        for (uscc, authority_code, level) in [
            ("53100000500019045E", "100000", Level::Ministry),
            ("53310000MJ0000000X", "310000", Level::Province),
            ("51310100MJ0000000X", "310100", Level::Prefecture),
            ("51310104MJ0000000X", "310104", Level::County),
            ("91310115MA0000000X", "310115", Level::County),
        ] {
            assert_eq!(authority(uscc), authority_code);
            assert_eq!(Level::of_uscc(uscc), level, "{uscc}");
        }
    }
}
