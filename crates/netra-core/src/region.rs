//! Kemendagri region codes (`32`, `32.04`, `32.04.01`, `32.04.01.2001`) and the region tables of `data/regions`.

use std::collections::BTreeMap;
use std::fmt;

use crate::locale::{Locale, Localized, display_english};

/// Version of the embedded region tables (npm `idn-area-data`, Kepmendagri 300.2.2-2138/2025).
pub const REGION_DATA_VERSION: &str = "idn-area-data 4.0.1";

/// The four administrative levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RegionLevel {
    /// Provinsi: `PP`.
    Province = 1,
    /// Kabupaten or kota: `PP.KK`.
    Regency = 2,
    /// Kecamatan: `PP.KK.CC`.
    District = 3,
    /// Desa or kelurahan: `PP.KK.CC.VVVV`.
    Village = 4,
}

impl RegionLevel {
    /// Name of the level in the given locale.
    pub fn name(self, locale: Locale) -> &'static str {
        match self {
            RegionLevel::Province => locale.pick("provinsi", "province"),
            RegionLevel::Regency => locale.pick("kabupaten/kota", "regency/city"),
            RegionLevel::District => locale.pick("kecamatan", "district"),
            RegionLevel::Village => locale.pick("desa/kelurahan", "village"),
        }
    }

    /// Stable text form used in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            RegionLevel::Province => "province",
            RegionLevel::Regency => "regency",
            RegionLevel::District => "district",
            RegionLevel::Village => "village",
        }
    }

    /// Inverse of [`RegionLevel::as_str`].
    pub fn from_str_opt(text: &str) -> Option<RegionLevel> {
        [RegionLevel::Province, RegionLevel::Regency, RegionLevel::District, RegionLevel::Village]
            .into_iter()
            .find(|level| level.as_str() == text)
    }
}

/// Why a string is not a region code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionCodeError {
    Empty,
    /// More than four dotted segments.
    TooManySegments {
        found: usize,
    },
    /// A segment has the wrong number of digits (1-based segment number).
    SegmentLength {
        segment: usize,
        found: usize,
        expected: usize,
    },
    /// A segment contains something other than digits.
    NotADigit {
        segment: usize,
        found: char,
    },
    /// A segment is all zeros.
    Zero {
        segment: usize,
    },
    /// An undotted code whose length matches no level (BPS codes have 7-digit districts, for example).
    UndottedLength {
        found: usize,
    },
}

fn segment_name(segment: usize, locale: Locale) -> &'static str {
    match segment {
        1 => locale.pick("segmen ke-1 (provinsi)", "segment 1 (province)"),
        2 => locale.pick("segmen ke-2 (kabupaten/kota)", "segment 2 (regency/city)"),
        3 => locale.pick("segmen ke-3 (kecamatan)", "segment 3 (district)"),
        _ => locale.pick("segmen ke-4 (desa/kelurahan)", "segment 4 (village)"),
    }
}

impl Localized for RegionCodeError {
    fn message(&self, locale: Locale) -> String {
        match (self, locale) {
            (RegionCodeError::Empty, Locale::Id) => "Kode wilayah kosong.".into(),
            (RegionCodeError::Empty, Locale::En) => "The region code is empty.".into(),
            (RegionCodeError::TooManySegments { found }, Locale::Id) => {
                format!("Kode wilayah paling banyak 4 segmen (mis. 32.04.01.2001); ditemukan {found}.")
            }
            (RegionCodeError::TooManySegments { found }, Locale::En) => {
                format!("A region code has at most 4 segments (e.g. 32.04.01.2001); found {found}.")
            }
            (RegionCodeError::SegmentLength { segment, found, expected }, Locale::Id) => {
                format!("Kode wilayah: {} harus {expected} digit; ditemukan {found}.", segment_name(*segment, locale))
            }
            (RegionCodeError::SegmentLength { segment, found, expected }, Locale::En) => {
                format!("Region code: {} must have {expected} digits; found {found}.", segment_name(*segment, locale))
            }
            (RegionCodeError::NotADigit { segment, found }, Locale::Id) => {
                format!("Kode wilayah: {} berisi '{found}', bukan angka.", segment_name(*segment, locale))
            }
            (RegionCodeError::NotADigit { segment, found }, Locale::En) => {
                format!("Region code: {} contains '{found}', which is not a digit.", segment_name(*segment, locale))
            }
            (RegionCodeError::Zero { segment }, Locale::Id) => {
                format!("Kode wilayah: {} tidak boleh nol.", segment_name(*segment, locale))
            }
            (RegionCodeError::Zero { segment }, Locale::En) => {
                format!("Region code: {} cannot be zero.", segment_name(*segment, locale))
            }
            (RegionCodeError::UndottedLength { found }, Locale::Id) => format!(
                "Kode wilayah tanpa titik harus 2, 4, 6 atau 10 digit (kode Kemendagri); ditemukan {found}. \
                 Gunakan bentuk bertitik seperti 32.04.01."
            ),
            (RegionCodeError::UndottedLength { found }, Locale::En) => format!(
                "An undotted region code must have 2, 4, 6 or 10 digits (Kemendagri codes); found {found}. \
                 Use the dotted form such as 32.04.01."
            ),
        }
    }
}

impl fmt::Display for RegionCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        display_english(self, f)
    }
}

impl std::error::Error for RegionCodeError {}

/// A Kemendagri region code at any level. Ordering is by code, so a parent sorts before its children.
///
/// ```
/// use netra_core::region::{RegionCode, RegionLevel};
/// let code: RegionCode = "32.04.01.2001".parse().unwrap();
/// assert_eq!(code.level(), RegionLevel::Village);
/// let chain: Vec<String> = code.ancestors().map(|c| c.to_string()).collect();
/// assert_eq!(chain, ["32.04.01", "32.04", "32"]);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode {
    // Unused trailing parts are zero; a real code never has a zero part.
    province: u8,
    regency: u8,
    district: u8,
    village: u16,
}

const SEGMENT_WIDTHS: [usize; 4] = [2, 2, 2, 4];

impl RegionCode {
    /// Parses a dotted code, or an undotted Kemendagri code of 2, 4, 6 or 10 digits.
    pub fn parse(input: &str) -> Result<RegionCode, RegionCodeError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(RegionCodeError::Empty);
        }
        let segments: Vec<&str> = if input.contains('.') {
            input.split('.').collect()
        } else {
            let mut rest = input;
            let mut parts = Vec::new();
            if !matches!(input.chars().count(), 2 | 4 | 6 | 10) {
                if let Some(found) = input.chars().find(|c| !c.is_ascii_digit()) {
                    return Err(RegionCodeError::NotADigit { segment: 1, found });
                }
                return Err(RegionCodeError::UndottedLength { found: input.chars().count() });
            }
            for width in SEGMENT_WIDTHS {
                if rest.is_empty() {
                    break;
                }
                let split = rest.char_indices().nth(width).map_or(rest.len(), |(i, _)| i);
                parts.push(&rest[..split]);
                rest = &rest[split..];
            }
            parts
        };
        if segments.len() > 4 {
            return Err(RegionCodeError::TooManySegments { found: segments.len() });
        }
        let mut values = [0u16; 4];
        for (index, segment) in segments.iter().enumerate() {
            let number = index + 1;
            if let Some(found) = segment.chars().find(|c| !c.is_ascii_digit()) {
                return Err(RegionCodeError::NotADigit { segment: number, found });
            }
            if segment.len() != SEGMENT_WIDTHS[index] {
                return Err(RegionCodeError::SegmentLength {
                    segment: number,
                    found: segment.len(),
                    expected: SEGMENT_WIDTHS[index],
                });
            }
            let value: u16 = segment.parse().map_err(|_| RegionCodeError::Zero { segment: number })?;
            if value == 0 {
                return Err(RegionCodeError::Zero { segment: number });
            }
            values[index] = value;
        }
        Ok(RegionCode {
            province: values[0] as u8,
            regency: values[1] as u8,
            district: values[2] as u8,
            village: values[3],
        })
    }

    /// A province code. Panics on zero: use [`RegionCode::parse`] for outside input.
    pub fn province(province: u8) -> RegionCode {
        assert!(province > 0);
        RegionCode { province, regency: 0, district: 0, village: 0 }
    }

    /// A district (kecamatan) code built from its parts, all non-zero.
    pub fn district(province: u8, regency: u8, district: u8) -> RegionCode {
        assert!(province > 0 && regency > 0 && district > 0);
        RegionCode { province, regency, district, village: 0 }
    }

    /// The level of this code.
    pub fn level(&self) -> RegionLevel {
        if self.village != 0 {
            RegionLevel::Village
        } else if self.district != 0 {
            RegionLevel::District
        } else if self.regency != 0 {
            RegionLevel::Regency
        } else {
            RegionLevel::Province
        }
    }

    /// The enclosing region, or `None` for a province.
    pub fn parent(&self) -> Option<RegionCode> {
        let mut parent = *self;
        match self.level() {
            RegionLevel::Province => return None,
            RegionLevel::Regency => parent.regency = 0,
            RegionLevel::District => parent.district = 0,
            RegionLevel::Village => parent.village = 0,
        }
        Some(parent)
    }

    /// The parent chain, nearest first, ending at the province.
    pub fn ancestors(&self) -> impl Iterator<Item = RegionCode> {
        std::iter::successors(self.parent(), |code| code.parent())
    }

    /// The province this code lies in.
    pub fn province_code(&self) -> RegionCode {
        RegionCode::province(self.province)
    }

    /// The regency/city this code lies in (itself at regency level), or `None` for a province.
    pub fn regency_code(&self) -> Option<RegionCode> {
        (self.regency != 0).then_some(RegionCode {
            province: self.province,
            regency: self.regency,
            district: 0,
            village: 0,
        })
    }

    /// The district (kecamatan) this code lies in, or `None` above district level.
    pub fn district_code(&self) -> Option<RegionCode> {
        (self.district != 0).then_some(RegionCode { village: 0, ..*self })
    }

    /// The two-digit province number.
    pub fn province_number(&self) -> u8 {
        self.province
    }

    /// Province, regency and district numbers; 0 below the code's level (`32.04` → `(32, 4, 0)`).
    pub fn numbers(&self) -> (u8, u8, u8) {
        (self.province, self.regency, self.district)
    }

    /// The code of [`RegionCode::numbers`]: `None` for a zero province or a district without a regency.
    pub fn from_numbers(province: u8, regency: u8, district: u8) -> Option<RegionCode> {
        (province > 0 && (regency > 0 || district == 0)).then_some(RegionCode {
            province,
            regency,
            district,
            village: 0,
        })
    }

    /// True if `self` is `other` or lies inside it (a kecamatan is within its kabupaten and province).
    pub fn is_within(&self, other: &RegionCode) -> bool {
        self == other || self.ancestors().any(|ancestor| ancestor == *other)
    }

    /// For a regency-level or deeper code: whether the regency is a kota (71–99) rather than a kabupaten (01–69).
    pub fn is_city(&self) -> Option<bool> {
        (self.regency != 0).then_some(self.regency >= 71)
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.province)?;
        if self.regency != 0 {
            write!(f, ".{:02}", self.regency)?;
        }
        if self.district != 0 {
            write!(f, ".{:02}", self.district)?;
        }
        if self.village != 0 {
            write!(f, ".{:04}", self.village)?;
        }
        Ok(())
    }
}

impl fmt::Debug for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RegionCode({self})")
    }
}

impl std::str::FromStr for RegionCode {
    type Err = RegionCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RegionCode::parse(s)
    }
}

/// One named region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub code: RegionCode,
    pub name: String,
}

impl Region {
    /// The level of the region.
    pub fn level(&self) -> RegionLevel {
        self.code.level()
    }
}

/// A problem in a region table, with the file and 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file} line {line}: {reason}")]
pub struct RegionTableError {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

/// The provinces, regencies and districts of Indonesia, validated: every code parses, sits at the level of its
/// table, appears once, and names an existing parent.
#[derive(Debug, Clone, Default)]
pub struct RegionSet {
    regions: BTreeMap<RegionCode, Region>,
}

impl RegionSet {
    /// Parses the three CSV tables of `data/regions` (`code,name`, `code,province_code,name`,
    /// `code,regency_code,name`).
    pub fn from_csv(provinces: &str, regencies: &str, districts: &str) -> Result<RegionSet, RegionTableError> {
        let mut set = RegionSet::default();
        set.add_table("provinces.csv", provinces, RegionLevel::Province)?;
        set.add_table("regencies.csv", regencies, RegionLevel::Regency)?;
        set.add_table("districts.csv", districts, RegionLevel::District)?;
        Ok(set)
    }

    fn add_table(&mut self, file: &str, text: &str, level: RegionLevel) -> Result<(), RegionTableError> {
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
        let expected_columns = if level == RegionLevel::Province { 2 } else { 3 };
        for record in reader.records() {
            let error = |line: u64, reason: String| RegionTableError { file: file.into(), line, reason };
            let record =
                record.map_err(|e| error(e.position().map_or(0, |p| p.line()), format!("unreadable CSV: {e}")))?;
            let line = record.position().map_or(0, |p| p.line());
            if record.len() != expected_columns {
                return Err(error(line, format!("expected {expected_columns} columns, found {}", record.len())));
            }
            let code = RegionCode::parse(&record[0]).map_err(|e| error(line, e.to_string()))?;
            if code.level() != level {
                return Err(error(line, format!("code {code} is not at the {} level", level.as_str())));
            }
            if expected_columns == 3 {
                let parent = RegionCode::parse(&record[1]).map_err(|e| error(line, e.to_string()))?;
                if code.parent() != Some(parent) {
                    return Err(error(line, format!("code {code} does not lie in its stated parent {parent}")));
                }
                if !self.regions.contains_key(&parent) {
                    return Err(error(line, format!("parent {parent} of {code} is not in the parent table")));
                }
            }
            let name = record[expected_columns - 1].trim();
            if name.is_empty() {
                return Err(error(line, format!("region {code} has no name")));
            }
            if self.regions.insert(code, Region { code, name: name.to_string() }).is_some() {
                return Err(error(line, format!("code {code} appears twice")));
            }
        }
        Ok(())
    }

    /// Looks a region up by code.
    pub fn get(&self, code: &RegionCode) -> Option<&Region> {
        self.regions.get(code)
    }

    /// All regions, parents before children.
    pub fn iter(&self) -> impl Iterator<Item = &Region> {
        self.regions.values()
    }

    /// Number of regions at a level.
    pub fn count(&self, level: RegionLevel) -> usize {
        self.regions.keys().filter(|code| code.level() == level).count()
    }

    /// Total number of regions.
    pub fn len(&self) -> usize {
        self.regions.len()
    }

    /// True when no region is loaded.
    pub fn is_empty(&self) -> bool {
        self.regions.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip() {
        for text in ["32", "32.04", "32.04.05"] {
            let code = RegionCode::parse(text).unwrap();
            let (p, r, d) = code.numbers();
            assert_eq!(RegionCode::from_numbers(p, r, d), Some(code));
        }
        assert_eq!(RegionCode::from_numbers(0, 4, 0), None);
        assert_eq!(RegionCode::from_numbers(32, 0, 5), None);
    }

    #[test]
    fn parses_every_level_and_its_parent_chain() {
        for (text, level) in [
            ("32", RegionLevel::Province),
            ("32.04", RegionLevel::Regency),
            ("32.04.01", RegionLevel::District),
            ("32.04.01.2001", RegionLevel::Village),
        ] {
            let code = RegionCode::parse(text).unwrap();
            assert_eq!(code.level(), level);
            assert_eq!(code.to_string(), text);
        }
        let village = RegionCode::parse("32.04.01.2001").unwrap();
        assert!(village.is_within(&RegionCode::parse("32").unwrap()));
        assert!(!village.is_within(&RegionCode::parse("33").unwrap()));
        assert_eq!(RegionCode::parse("320401").unwrap().to_string(), "32.04.01");
        assert_eq!(RegionCode::parse("32.73").unwrap().is_city(), Some(true));
        assert_eq!(RegionCode::parse("32.04").unwrap().is_city(), Some(false));
    }

    #[test]
    fn errors_say_which_segment_and_why() {
        let cases = [
            ("", "The region code is empty."),
            ("32.4", "Region code: segment 2 (regency/city) must have 2 digits; found 1."),
            ("32.04.0a", "Region code: segment 3 (district) contains 'a', which is not a digit."),
            ("32.00", "Region code: segment 2 (regency/city) cannot be zero."),
            ("32.04.01.201", "Region code: segment 4 (village) must have 4 digits; found 3."),
            ("32.04.01.2001.1", "A region code has at most 4 segments (e.g. 32.04.01.2001); found 5."),
            (
                "3303010",
                "An undotted region code must have 2, 4, 6 or 10 digits (Kemendagri codes); found 7. \
                 Use the dotted form such as 32.04.01.",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(RegionCode::parse(input).unwrap_err().to_string(), expected, "input {input:?}");
        }
    }

    #[test]
    fn region_tables_reject_orphans_and_duplicates() {
        let provinces = "code,name\n32,Jawa Barat\n";
        let orphan =
            RegionSet::from_csv(provinces, "code,province_code,name\n33.01,33,Cilacap\n", "code,regency_code,name\n");
        assert_eq!(
            orphan.unwrap_err().to_string(),
            "regencies.csv line 2: parent 33 of 33.01 is not in the parent table"
        );
        let twice = RegionSet::from_csv(
            "code,name\n32,Jawa Barat\n32,Jabar\n",
            "code,province_code,name\n",
            "code,regency_code,name\n",
        );
        assert_eq!(twice.unwrap_err().to_string(), "provinces.csv line 3: code 32 appears twice");
    }
}
