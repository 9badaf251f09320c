//! The data files of `data/`, embedded at build time and parsed once. A parse failure here is a bug in the
//! shipped data, caught by the tests of this crate, so these accessors panic with the loader's message.

use std::sync::OnceLock;

use crate::calendar::{Calendar, TimeZones};
use crate::catalogue::{Catalogue, CatalogueError, CatalogueWarning};
use crate::clock::ClockTable;
use crate::election::Election;
use crate::region::RegionSet;

/// `data/catalogue/manifest.toml`.
pub const CATALOGUE_MANIFEST: &str = include_str!("../../../data/catalogue/manifest.toml");

/// The catalogue item files, by the names the manifest uses.
pub const CATALOGUE_FILES: &[(&str, &str)] = &[
    ("pp-94-2021.toml", include_str!("../../../data/catalogue/pp-94-2021.toml")),
    ("skb-2022-kode-etik.toml", include_str!("../../../data/catalogue/skb-2022-kode-etik.toml")),
    ("skb-2022-disiplin.toml", include_str!("../../../data/catalogue/skb-2022-disiplin.toml")),
    ("uu-10-2016.toml", include_str!("../../../data/catalogue/uu-10-2016.toml")),
];

/// The election files.
pub const ELECTION_FILES: &[(&str, &str)] = &[
    ("pilkada-2024.toml", include_str!("../../../data/elections/pilkada-2024.toml")),
    ("pemilu-2024.toml", include_str!("../../../data/elections/pemilu-2024.toml")),
];

/// The letter templates (`data/letters/`).
pub const LETTER_FILES: &[(&str, &str)] = &[
    ("penerusan.toml", include_str!("../../../data/letters/penerusan.toml")),
    ("rekomendasi.toml", include_str!("../../../data/letters/rekomendasi.toml")),
    ("panggilan.toml", include_str!("../../../data/letters/panggilan.toml")),
    ("berita-acara.toml", include_str!("../../../data/letters/berita-acara.toml")),
    ("keputusan.toml", include_str!("../../../data/letters/keputusan.toml")),
];

const HOLIDAYS: &str = include_str!("../../../data/calendar/holidays.toml");
const TIME_ZONES: &str = include_str!("../../../data/calendar/timezones.toml");
const CLOCKS: &str = include_str!("../../../data/clocks.toml");
const PROVINCES: &str = include_str!("../../../data/regions/provinces.csv");
const REGENCIES: &str = include_str!("../../../data/regions/regencies.csv");
const DISTRICTS: &str = include_str!("../../../data/regions/districts.csv");

/// Loads the embedded catalogue with its warnings.
pub fn load_catalogue() -> Result<(Catalogue, Vec<CatalogueWarning>), CatalogueError> {
    Catalogue::load(CATALOGUE_MANIFEST, |name| {
        CATALOGUE_FILES.iter().find(|(file, _)| *file == name).map(|(_, text)| *text)
    })
}

/// The embedded catalogue.
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| load_catalogue().unwrap_or_else(|e| panic!("{e}")).0)
}

/// The letter templates, one per kind.
pub fn letter_templates()
-> &'static std::collections::BTreeMap<crate::letter::LetterKind, crate::letter::LetterTemplate> {
    static TEMPLATES: OnceLock<std::collections::BTreeMap<crate::letter::LetterKind, crate::letter::LetterTemplate>> =
        OnceLock::new();
    TEMPLATES.get_or_init(|| crate::letter::load_templates(LETTER_FILES).unwrap_or_else(|e| panic!("{e}")))
}

/// The holiday calendar.
pub fn calendar() -> &'static Calendar {
    static CALENDAR: OnceLock<Calendar> = OnceLock::new();
    CALENDAR.get_or_init(|| Calendar::from_toml(HOLIDAYS).unwrap_or_else(|e| panic!("{e}")))
}

/// Province time zones.
pub fn time_zones() -> &'static TimeZones {
    static ZONES: OnceLock<TimeZones> = OnceLock::new();
    ZONES.get_or_init(|| TimeZones::from_toml(TIME_ZONES).unwrap_or_else(|e| panic!("{e}")))
}

/// The statutory clocks.
pub fn clocks() -> &'static ClockTable {
    static CLOCKS_TABLE: OnceLock<ClockTable> = OnceLock::new();
    CLOCKS_TABLE.get_or_init(|| ClockTable::from_toml(CLOCKS).unwrap_or_else(|e| panic!("{e}")))
}

/// All embedded elections.
pub fn elections() -> &'static [Election] {
    static ELECTIONS: OnceLock<Vec<Election>> = OnceLock::new();
    ELECTIONS.get_or_init(|| {
        ELECTION_FILES
            .iter()
            .map(|(file, text)| Election::from_toml(file, text).unwrap_or_else(|e| panic!("{e}")))
            .collect()
    })
}

/// The embedded election with this id.
pub fn election(id: &str) -> Option<&'static Election> {
    elections().iter().find(|election| election.id == id)
}

/// Provinces, regencies and districts.
pub fn regions() -> &'static RegionSet {
    static REGIONS: OnceLock<RegionSet> = OnceLock::new();
    REGIONS.get_or_init(|| RegionSet::from_csv(PROVINCES, REGENCIES, DISTRICTS).unwrap_or_else(|e| panic!("{e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{ActLabel, ItemPhase, SanctionCategory, SanctionLevel};
    use crate::region::{RegionCode, RegionLevel};

    #[test]
    fn the_shipped_catalogue_loads_with_zero_warnings() {
        let (catalogue, warnings) = load_catalogue().unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(catalogue.version(), "2024.1");
    }

    #[test]
    fn the_catalogue_covers_every_item_of_the_legal_reference() {
        let catalogue = catalogue();
        let expected = [
            "PP-CAMPAIGN-JOIN",
            "PP-CAMPAIGN-ATTR",
            "PP-MOBILISE",
            "PP-STATE-FACILITY",
            "PP-DECISION",
            "PP-PARTISAN-ACTIVITY",
            "PP-KTP-LETTER",
            "KE-BANNER",
            "KE-SOC-CAMPAIGN",
            "KE-DECL-ATTEND",
            "KE-SOC-ENGAGE",
            "KE-SOC-PHOTO",
            "KE-EVENT-JOIN",
            "KE-SPOUSE",
            "D-BANNER",
            "D-SOC-CAMPAIGN",
            "D-PARTY-APPROACH",
            "D-DECL-ATTEND",
            "D-PARTY-MEMBER",
            "D-SOC-ENGAGE",
            "D-SOC-PHOTO",
            "D-PARTISAN-EVENT",
            "D-TEAM-PRE",
            "D-TEAM-POST",
            "D-KTP-SUPPORT",
            "D-DECISION-BIAS",
            "D-OTHER",
            "CR-DECISION",
            "CR-INVOLVE",
        ];
        for code in expected {
            assert!(catalogue.get(code).is_some(), "missing {code}");
        }
        for sub in ["POST", "COMMENT", "SHARE", "LIKE", "FOLLOW"] {
            assert!(catalogue.get(&format!("KE-SOC-ENGAGE-{sub}")).is_some());
            assert!(catalogue.get(&format!("D-SOC-ENGAGE-{sub}")).is_some());
        }
        assert_eq!(catalogue.get("D-PARTY-MEMBER").unwrap().level, SanctionLevel::Ptdh);
        assert_eq!(catalogue.get("PP-CAMPAIGN-ATTR").unwrap().level, SanctionLevel::Sedang);
        assert_eq!(catalogue.get("PP-MOBILISE").unwrap().level, SanctionLevel::Berat);
        assert!(
            catalogue
                .items()
                .iter()
                .filter(|i| i.code.starts_with("KE-"))
                .all(|i| { i.category == SanctionCategory::KodeEtik && i.phase == ItemPhase::PraPenetapan })
        );
    }

    #[test]
    fn kode_etik_before_determination_disiplin_after() {
        let election = election("pilkada-2024").unwrap();
        let before: Vec<&str> = catalogue()
            .applicable(ActLabel::BannerApk, election, time::macros::date!(2024 - 08 - 01))
            .iter()
            .map(|i| i.code.as_str())
            .collect();
        assert_eq!(before, ["KE-BANNER"]);
        let after: Vec<&str> = catalogue()
            .applicable(ActLabel::BannerApk, election, time::macros::date!(2024 - 10 - 01))
            .iter()
            .map(|i| i.code.as_str())
            .collect();
        assert_eq!(after, ["D-BANNER"]);
    }

    #[test]
    fn catalogue_search_matches_all_words_in_either_language() {
        let hits: Vec<&str> = catalogue().search("fotokopi KTP").iter().map(|i| i.code.as_str()).collect();
        assert_eq!(hits, ["PP-KTP-LETTER", "D-KTP-SUPPORT"]);
        assert_eq!(catalogue().search("").len(), catalogue().items().len());
    }

    #[test]
    fn region_tables_match_the_national_counts() {
        let regions = regions();
        assert_eq!(regions.count(RegionLevel::Province), 38);
        assert_eq!(regions.count(RegionLevel::Regency), 514);
        assert!(regions.count(RegionLevel::District) > 7_000);
        let jabar = RegionCode::parse("32").unwrap();
        let west_java: Vec<_> =
            regions.iter().filter(|r| r.level() == RegionLevel::Regency && r.code.is_within(&jabar)).collect();
        assert_eq!(west_java.len(), 27);
        assert_eq!(regions.get(&RegionCode::parse("32.04").unwrap()).unwrap().name, "Kabupaten Bandung");
        assert_eq!(regions.get(&RegionCode::parse("35.29.22").unwrap()).unwrap().name, "Ra\"as");
    }

    #[test]
    fn calendar_covers_2024_to_2026() {
        assert_eq!(calendar().covered_years().collect::<Vec<_>>(), [2024, 2025, 2026]);
    }
}
