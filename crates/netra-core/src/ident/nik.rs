use std::fmt;

use super::{DateProblem, Gender, clean_digits, date_from_parts, digits_value};
use crate::locale::{Locale, Localized, display_english};
use crate::region::RegionCode;

/// The fields of a NIK, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NikField {
    /// Digits 1–2.
    Province,
    /// Digits 3–4.
    Regency,
    /// Digits 5–6.
    District,
    /// Digits 7–8 (plus 40 for women).
    BirthDay,
    /// Digits 9–10.
    BirthMonth,
    /// Digits 11–16.
    Sequence,
}

impl NikField {
    fn describe(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (NikField::Province, Locale::Id) => "Digit 1–2 (kode provinsi)",
            (NikField::Province, Locale::En) => "Digits 1–2 (province code)",
            (NikField::Regency, Locale::Id) => "Digit 3–4 (kode kabupaten/kota)",
            (NikField::Regency, Locale::En) => "Digits 3–4 (regency/city code)",
            (NikField::District, Locale::Id) => "Digit 5–6 (kode kecamatan)",
            (NikField::District, Locale::En) => "Digits 5–6 (district code)",
            (NikField::BirthDay, Locale::Id) => "Digit 7–8 (tanggal lahir, +40 untuk perempuan)",
            (NikField::BirthDay, Locale::En) => "Digits 7–8 (day of birth, +40 for women)",
            (NikField::BirthMonth, Locale::Id) => "Digit 9–10 (bulan lahir)",
            (NikField::BirthMonth, Locale::En) => "Digits 9–10 (month of birth)",
            (NikField::Sequence, Locale::Id) => "Digit 13–16 (nomor urut)",
            (NikField::Sequence, Locale::En) => "Digits 13–16 (sequence number)",
        }
    }
}

/// Why a string is not a valid NIK. Messages never repeat the whole input: a NIK is personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NikError {
    Empty,
    NotADigit {
        position: usize,
    },
    Length {
        found: usize,
    },
    /// A code or date field has an impossible value.
    Field {
        field: NikField,
        value: u32,
    },
    /// Day and month together are not a date.
    Date {
        problem: DateProblem,
    },
}

impl Localized for NikError {
    fn message(&self, locale: Locale) -> String {
        match (self, locale) {
            (NikError::Empty, Locale::Id) => "NIK kosong.".into(),
            (NikError::Empty, Locale::En) => "The NIK is empty.".into(),
            (NikError::NotADigit { position }, Locale::Id) => format!("Karakter ke-{position} NIK bukan angka."),
            (NikError::NotADigit { position }, Locale::En) => {
                format!("Character {position} of the NIK is not a digit.")
            }
            (NikError::Length { found }, Locale::Id) => format!("NIK harus 16 digit; yang diberikan {found} digit."),
            (NikError::Length { found }, Locale::En) => format!("A NIK has 16 digits; found {found}."),
            (NikError::Field { field, value }, Locale::Id) => {
                let why = match field {
                    NikField::BirthDay => "harus 01–31 (laki-laki) atau 41–71 (perempuan)",
                    NikField::BirthMonth => "harus 01–12",
                    NikField::Province => "bukan kode provinsi (11–99)",
                    _ => "tidak boleh 00",
                };
                format!("{} bernilai {value:02}: {why}.", field.describe(locale))
            }
            (NikError::Field { field, value }, Locale::En) => {
                let why = match field {
                    NikField::BirthDay => "must be 01–31 (men) or 41–71 (women)",
                    NikField::BirthMonth => "must be 01–12",
                    NikField::Province => "is not a province code (11–99)",
                    _ => "cannot be 00",
                };
                format!("{} is {value:02}: {why}.", field.describe(locale))
            }
            (NikError::Date { problem }, Locale::Id) => {
                format!("Tanggal lahir dalam NIK: {}.", problem.message(locale))
            }
            (NikError::Date { problem }, Locale::En) => {
                format!("Date of birth in the NIK: {}.", problem.message(locale))
            }
        }
    }
}

impl fmt::Display for NikError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        display_english(self, f)
    }
}

impl std::error::Error for NikError {}

/// A 16-digit NIK: region of first registration (province, regency, district), day of birth (+40 for women),
/// month and two-digit year of birth, sequence.
///
/// A NIK is sensitive personal data: `Display` and `Debug` mask it, and only [`Nik::expose`] gives the digits.
///
/// ```
/// use netra_core::ident::{Gender, Nik};
/// let nik = Nik::parse("3204014512900001").unwrap();
/// assert_eq!(nik.gender(), Gender::Female);
/// assert_eq!(nik.region().to_string(), "32.04.01");
/// assert_eq!(nik.to_string(), "320401**********");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Nik {
    digits: [u8; 16],
}

impl Nik {
    /// Parses a NIK; spaces, dots and dashes are ignored.
    pub fn parse(input: &str) -> Result<Nik, NikError> {
        if input.trim().is_empty() {
            return Err(NikError::Empty);
        }
        let digits = clean_digits(input).map_err(|(position, _)| NikError::NotADigit { position })?;
        let digits: [u8; 16] = digits.as_slice().try_into().map_err(|_| NikError::Length { found: digits.len() })?;
        let value = |range: std::ops::Range<usize>| digits_value(&digits[range]);
        let province = value(0..2);
        if province < 11 {
            return Err(NikError::Field { field: NikField::Province, value: province });
        }
        for (field, range) in [(NikField::Regency, 2..4), (NikField::District, 4..6)] {
            if value(range.clone()) == 0 {
                return Err(NikError::Field { field, value: 0 });
            }
        }
        let raw_day = value(6..8);
        let day = match raw_day {
            1..=31 => raw_day,
            41..=71 => raw_day - 40,
            _ => return Err(NikError::Field { field: NikField::BirthDay, value: raw_day }),
        };
        let month = value(8..10);
        if !(1..=12).contains(&month) {
            return Err(NikError::Field { field: NikField::BirthMonth, value: month });
        }
        // The century is not encoded: accept the date if it exists in either 19YY or 20YY (only 29 Feb differs).
        let year2 = value(10..12) as i32;
        let valid = |year| date_from_parts(year, month as u8, day as u8);
        if let Err(problem) = valid(2000 + year2).or_else(|_| valid(1900 + year2)) {
            return Err(NikError::Date { problem });
        }
        if value(12..16) == 0 {
            return Err(NikError::Field { field: NikField::Sequence, value: 0 });
        }
        Ok(Nik { digits })
    }

    /// The district (kecamatan) of first registration. The code never changes when the person moves.
    pub fn region(&self) -> RegionCode {
        let value = |range: std::ops::Range<usize>| digits_value(&self.digits[range]) as u16;
        RegionCode::district(value(0..2) as u8, value(2..4) as u8, value(4..6) as u8)
    }

    /// Gender, from the +40 rule on the day of birth.
    pub fn gender(&self) -> Gender {
        if digits_value(&self.digits[6..8]) > 40 { Gender::Female } else { Gender::Male }
    }

    /// Day and month of birth, and the two-digit year.
    pub fn birth_day_month_year2(&self) -> (u8, u8, u8) {
        let day = digits_value(&self.digits[6..8]) as u8;
        (day % 40, digits_value(&self.digits[8..10]) as u8, digits_value(&self.digits[10..12]) as u8)
    }

    /// The 16 digits. Call only where the reader is entitled to see them; never log the result.
    pub fn expose(&self) -> String {
        String::from_utf8_lossy(&self.digits).into_owned()
    }
}

impl fmt::Display for Nik {
    /// Masked: the region prefix, then asterisks.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}**********", String::from_utf8_lossy(&self.digits[0..6]))
    }
}

impl fmt::Debug for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nik({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn women_have_forty_added_to_the_day() {
        let nik = Nik::parse("3204014512900001").unwrap();
        assert_eq!(nik.gender(), Gender::Female);
        assert_eq!(nik.birth_day_month_year2(), (5, 12, 90));
        let man = Nik::parse("3204010512900001").unwrap();
        assert_eq!(man.gender(), Gender::Male);
    }

    #[test]
    fn errors_name_the_field_without_echoing_the_number() {
        let cases = [
            ("320401451290000", "A NIK has 16 digits; found 15."),
            (
                "3204013512900001",
                "Digits 7–8 (day of birth, +40 for women) is 35: must be 01–31 (men) or 41–71 (women).",
            ),
            ("3204010513900001", "Digits 9–10 (month of birth) is 13: must be 01–12."),
            ("3204013102900001", "Date of birth in the NIK: day 31 does not exist in month 02 of 1990."),
            ("3204010512900000", "Digits 13–16 (sequence number) is 00: cannot be 00."),
            ("0504010512900001", "Digits 1–2 (province code) is 05: is not a province code (11–99)."),
            ("3200010512900001", "Digits 3–4 (regency/city code) is 00: cannot be 00."),
        ];
        for (input, expected) in cases {
            let message = Nik::parse(input).unwrap_err().to_string();
            assert_eq!(message, expected, "input {input}");
            assert!(!message.contains(input));
        }
    }

    #[test]
    fn leap_day_is_accepted_when_either_century_allows_it() {
        assert!(Nik::parse("3204012902000001").is_ok()); // 29 Feb 2000
        assert!(Nik::parse("3204012902040001").is_ok()); // 29 Feb 2004
        assert!(Nik::parse("3204012902030001").is_err());
    }

    #[test]
    fn debug_and_display_mask_the_number() {
        let nik = Nik::parse("3204014512900001").unwrap();
        assert_eq!(format!("{nik:?}"), "Nik(320401**********)");
        assert_eq!(nik.expose(), "3204014512900001");
    }
}
