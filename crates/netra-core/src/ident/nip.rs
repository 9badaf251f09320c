use std::fmt;

use time::Date;

use super::{DateProblem, clean_digits, date_from_parts, digits_value};
use crate::locale::{Locale, Localized, display_english};

/// Gender as encoded in NIP, NI PPPK and NIK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    Male,
    Female,
}

/// The fields of an 18-digit NIP or NI PPPK, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NipField {
    /// Digits 1–8: date of birth, YYYYMMDD.
    BirthDate,
    /// Digits 9–14 of a NIP: TMT CPNS (first appointment), YYYYMM.
    Tmt,
    /// Digits 9–12 of a NI PPPK: year of first PPPK appointment.
    AppointmentYear,
    /// Digits 13–14 of a NI PPPK: number of employment contracts.
    ContractCount,
    /// Digit 15: gender.
    Gender,
    /// Digits 16–18: sequence number.
    Sequence,
}

impl NipField {
    fn describe(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (NipField::BirthDate, Locale::Id) => "digit 1–8 (tanggal lahir)",
            (NipField::BirthDate, Locale::En) => "digits 1–8 (date of birth)",
            (NipField::Tmt, Locale::Id) => "digit 9–14 (TMT CPNS, tahun dan bulan)",
            (NipField::Tmt, Locale::En) => "digits 9–14 (TMT CPNS, year and month)",
            (NipField::AppointmentYear, Locale::Id) => "digit 9–12 (tahun pengangkatan PPPK)",
            (NipField::AppointmentYear, Locale::En) => "digits 9–12 (year of PPPK appointment)",
            (NipField::ContractCount, Locale::Id) => "digit 13–14 (jumlah perjanjian kerja)",
            (NipField::ContractCount, Locale::En) => "digits 13–14 (number of contracts)",
            (NipField::Gender, Locale::Id) => "digit 15 (jenis kelamin)",
            (NipField::Gender, Locale::En) => "digit 15 (gender)",
            (NipField::Sequence, Locale::Id) => "digit 16–18 (nomor urut)",
            (NipField::Sequence, Locale::En) => "digits 16–18 (sequence number)",
        }
    }
}

/// Why a string is not a valid NIP or NI PPPK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NipError {
    /// Nothing was given.
    Empty,
    /// A character other than a digit or a separator (space, dot, dash); position is 1-based in the input.
    NotADigit { position: usize, found: char },
    /// Not 18 digits (or 9 for a legacy NIP).
    Length { found: usize },
    /// A date field is not a real date.
    Date { field: NipField, digits: String, problem: DateProblem },
    /// The first appointment is not after the date of birth.
    AppointedBeforeBirth { field: NipField },
    /// Digit 15 is neither 1 nor 2.
    Gender { found: char },
    /// A numeric field is zero where numbering starts at 1.
    Zero { field: NipField },
}

impl Localized for NipError {
    fn message(&self, locale: Locale) -> String {
        match (self, locale) {
            (NipError::Empty, Locale::Id) => "NIP kosong.".into(),
            (NipError::Empty, Locale::En) => "The NIP is empty.".into(),
            (NipError::NotADigit { position, found }, Locale::Id) => {
                format!("Karakter ke-{position} ('{found}') bukan angka.")
            }
            (NipError::NotADigit { position, found }, Locale::En) => {
                format!("Character {position} ('{found}') is not a digit.")
            }
            (NipError::Length { found }, Locale::Id) => {
                format!("NIP harus 18 digit (NIP lama 9 digit); yang diberikan {found} digit.")
            }
            (NipError::Length { found }, Locale::En) => {
                format!("A NIP has 18 digits (9 for a legacy NIP); found {found}.")
            }
            (NipError::Date { field, digits, problem }, _) => {
                format!("{} '{digits}': {}.", capitalise(field.describe(locale)), problem.message(locale))
            }
            (NipError::AppointedBeforeBirth { field }, Locale::Id) => {
                format!("{} tidak boleh sebelum tanggal lahir.", capitalise(field.describe(locale)))
            }
            (NipError::AppointedBeforeBirth { field }, Locale::En) => {
                format!("{} cannot be before the date of birth.", capitalise(field.describe(locale)))
            }
            (NipError::Gender { found }, Locale::Id) => {
                format!("Digit 15 (jenis kelamin) adalah '{found}'; harus 1 (laki-laki) atau 2 (perempuan).")
            }
            (NipError::Gender { found }, Locale::En) => {
                format!("Digit 15 (gender) is '{found}'; it must be 1 (male) or 2 (female).")
            }
            (NipError::Zero { field }, Locale::Id) => {
                format!("{} tidak boleh nol; penomoran mulai dari 1.", capitalise(field.describe(locale)))
            }
            (NipError::Zero { field }, Locale::En) => {
                format!("{} cannot be zero; numbering starts at 1.", capitalise(field.describe(locale)))
            }
        }
    }
}

impl fmt::Display for NipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        display_english(self, f)
    }
}

impl std::error::Error for NipError {}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The 18-digit NIP of a PNS: date of birth, TMT CPNS (year and month), gender digit, sequence.
///
/// ```
/// use netra_core::ident::{Gender, Nip};
/// let nip: Nip = "19860926 201505 1 001".parse().unwrap();
/// assert_eq!(nip.to_string(), "198609262015051001");
/// assert_eq!(nip.gender(), Gender::Male);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Nip {
    birth_date: Date,
    tmt_year: i32,
    tmt_month: u8,
    gender: Gender,
    sequence: u16,
}

impl PartialOrd for Gender {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Gender {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (*self as u8).cmp(&(*other as u8))
    }
}

fn eighteen_digits(input: &str) -> Result<Vec<u8>, NipError> {
    if input.trim().is_empty() {
        return Err(NipError::Empty);
    }
    let digits = clean_digits(input).map_err(|(position, found)| NipError::NotADigit { position, found })?;
    if digits.len() != 18 {
        return Err(NipError::Length { found: digits.len() });
    }
    Ok(digits)
}

fn birth_date(digits: &[u8]) -> Result<Date, NipError> {
    let part = &digits[0..8];
    date_from_parts(digits_value(&part[0..4]) as i32, digits_value(&part[4..6]) as u8, digits_value(&part[6..8]) as u8)
        .map_err(|problem| NipError::Date {
            field: NipField::BirthDate,
            digits: String::from_utf8_lossy(part).into_owned(),
            problem,
        })
}

fn gender_and_sequence(digits: &[u8]) -> Result<(Gender, u16), NipError> {
    let gender = match digits[14] {
        b'1' => Gender::Male,
        b'2' => Gender::Female,
        other => return Err(NipError::Gender { found: other as char }),
    };
    let sequence = digits_value(&digits[15..18]) as u16;
    if sequence == 0 {
        return Err(NipError::Zero { field: NipField::Sequence });
    }
    Ok((gender, sequence))
}

impl Nip {
    /// Parses a NIP; spaces, dots and dashes between digit groups are ignored.
    pub fn parse(input: &str) -> Result<Nip, NipError> {
        let digits = eighteen_digits(input)?;
        let birth_date = birth_date(&digits)?;
        let tmt_year = digits_value(&digits[8..12]) as i32;
        let tmt_month = digits_value(&digits[12..14]) as u8;
        date_from_parts(tmt_year, tmt_month, 1).map_err(|problem| NipError::Date {
            field: NipField::Tmt,
            digits: String::from_utf8_lossy(&digits[8..14]).into_owned(),
            problem,
        })?;
        if (tmt_year, tmt_month) <= (birth_date.year(), u8::from(birth_date.month())) {
            return Err(NipError::AppointedBeforeBirth { field: NipField::Tmt });
        }
        let (gender, sequence) = gender_and_sequence(&digits)?;
        Ok(Nip { birth_date, tmt_year, tmt_month, gender, sequence })
    }

    /// Date of birth (digits 1–8).
    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    /// TMT CPNS: year and month of first appointment (digits 9–14).
    pub fn tmt(&self) -> (i32, u8) {
        (self.tmt_year, self.tmt_month)
    }

    /// Gender (digit 15).
    pub fn gender(&self) -> Gender {
        self.gender
    }

    /// Sequence number (digits 16–18), from 1.
    pub fn sequence(&self) -> u16 {
        self.sequence
    }
}

impl fmt::Display for Nip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}{:02}{:02}{:04}{:02}{}{:03}",
            self.birth_date.year(),
            u8::from(self.birth_date.month()),
            self.birth_date.day(),
            self.tmt_year,
            self.tmt_month,
            if self.gender == Gender::Male { 1 } else { 2 },
            self.sequence
        )
    }
}

impl std::str::FromStr for Nip {
    type Err = NipError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Nip::parse(s)
    }
}

/// The 18-digit number of a PPPK employee: date of birth, year of first PPPK appointment, number of contracts,
/// gender digit, sequence. It changes when the person signs a contract with another agency, so it is never a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NiPppk {
    birth_date: Date,
    appointment_year: i32,
    contract_count: u8,
    gender: Gender,
    sequence: u16,
}

/// PPPK under UU 5/2014 were first appointed in 2019.
const FIRST_PPPK_YEAR: i32 = 2019;

impl NiPppk {
    /// Parses a NI PPPK; spaces, dots and dashes between digit groups are ignored.
    pub fn parse(input: &str) -> Result<NiPppk, NipError> {
        let digits = eighteen_digits(input)?;
        let birth_date = birth_date(&digits)?;
        let appointment_year = digits_value(&digits[8..12]) as i32;
        if !(FIRST_PPPK_YEAR..=2100).contains(&appointment_year) {
            return Err(NipError::Date {
                field: NipField::AppointmentYear,
                digits: String::from_utf8_lossy(&digits[8..12]).into_owned(),
                problem: DateProblem::Year(appointment_year),
            });
        }
        if appointment_year <= birth_date.year() {
            return Err(NipError::AppointedBeforeBirth { field: NipField::AppointmentYear });
        }
        let contract_count = digits_value(&digits[12..14]) as u8;
        if contract_count == 0 {
            return Err(NipError::Zero { field: NipField::ContractCount });
        }
        let (gender, sequence) = gender_and_sequence(&digits)?;
        Ok(NiPppk { birth_date, appointment_year, contract_count, gender, sequence })
    }

    /// Date of birth (digits 1–8).
    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    /// Year of the first PPPK appointment (digits 9–12).
    pub fn appointment_year(&self) -> i32 {
        self.appointment_year
    }

    /// Number of employment contracts (digits 13–14).
    pub fn contract_count(&self) -> u8 {
        self.contract_count
    }

    /// Gender (digit 15).
    pub fn gender(&self) -> Gender {
        self.gender
    }
}

impl fmt::Display for NiPppk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}{:02}{:02}{:04}{:02}{}{:03}",
            self.birth_date.year(),
            u8::from(self.birth_date.month()),
            self.birth_date.day(),
            self.appointment_year,
            self.contract_count,
            if self.gender == Gender::Male { 1 } else { 2 },
            self.sequence
        )
    }
}

/// A 9-digit NIP from before the 2009 conversion (e.g. `130…`, `131…` at Kemendikbud). Recognised so that old
/// records can be imported, but it carries no structure to check.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LegacyNip(String);

impl LegacyNip {
    /// The nine digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LegacyNip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Any civil-servant number: a PNS NIP, a NI PPPK or a legacy 9-digit NIP.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EmployeeNumber {
    Pns(Nip),
    Pppk(NiPppk),
    Legacy(LegacyNip),
}

impl EmployeeNumber {
    /// Recognises the kind of number. An 18-digit number is read as a PNS NIP first; it is read as a NI PPPK only
    /// when it is not a valid NIP (the usual PPPK contract field "21" is not a month) but is a valid NI PPPK.
    /// When neither fits, the NIP error is returned, as PNS numbers are by far the most common.
    pub fn parse(input: &str) -> Result<EmployeeNumber, NipError> {
        if input.trim().is_empty() {
            return Err(NipError::Empty);
        }
        let digits = clean_digits(input).map_err(|(position, found)| NipError::NotADigit { position, found })?;
        match digits.len() {
            9 => Ok(EmployeeNumber::Legacy(LegacyNip(String::from_utf8_lossy(&digits).into_owned()))),
            18 => match Nip::parse(input) {
                Ok(nip) => Ok(EmployeeNumber::Pns(nip)),
                Err(nip_error) => NiPppk::parse(input).map(EmployeeNumber::Pppk).map_err(|_| nip_error),
            },
            found => Err(NipError::Length { found }),
        }
    }
}

impl fmt::Display for EmployeeNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmployeeNumber::Pns(nip) => nip.fmt(f),
            EmployeeNumber::Pppk(number) => number.fmt(f),
            EmployeeNumber::Legacy(number) => number.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_reference_example() {
        let nip = Nip::parse("198609262015051001").unwrap();
        assert_eq!(nip.birth_date(), time::macros::date!(1986 - 09 - 26));
        assert_eq!(nip.tmt(), (2015, 5));
        assert_eq!(nip.gender(), Gender::Male);
        assert_eq!(nip.sequence(), 1);
    }

    #[test]
    fn names_the_field_and_reason() {
        let cases = [
            ("19860926201505100", "A NIP has 18 digits (9 for a legacy NIP); found 17."),
            ("19860926x015051001", "Character 9 ('x') is not a digit."),
            ("198613262015051001", "Digits 1–8 (date of birth) '19861326': month 13 does not exist (must be 01–12)."),
            ("198602302015051001", "Digits 1–8 (date of birth) '19860230': day 30 does not exist in month 02 of 1986."),
            (
                "198609262015131001",
                "Digits 9–14 (TMT CPNS, year and month) '201513': month 13 does not exist (must be 01–12).",
            ),
            ("198609261980051001", "Digits 9–14 (TMT CPNS, year and month) cannot be before the date of birth."),
            ("198609262015053001", "Digit 15 (gender) is '3'; it must be 1 (male) or 2 (female)."),
            ("198609262015051000", "Digits 16–18 (sequence number) cannot be zero; numbering starts at 1."),
        ];
        for (input, expected) in cases {
            assert_eq!(Nip::parse(input).unwrap_err().to_string(), expected, "input {input}");
        }
    }

    #[test]
    fn messages_exist_in_indonesian() {
        let error = Nip::parse("198613262015051001").unwrap_err();
        assert_eq!(
            error.message(Locale::Id),
            "Digit 1–8 (tanggal lahir) '19861326': bulan 13 tidak ada (harus 01–12)."
        );
    }

    #[test]
    fn recognises_pppk_and_legacy_numbers() {
        match EmployeeNumber::parse("199601292023211010").unwrap() {
            EmployeeNumber::Pppk(n) => {
                assert_eq!(n.appointment_year(), 2023);
                assert_eq!(n.contract_count(), 21);
                assert_eq!(n.gender(), Gender::Male);
                assert_eq!(n.to_string(), "199601292023211010");
            }
            other => panic!("expected PPPK, got {other:?}"),
        }
        assert!(matches!(EmployeeNumber::parse("130 123 456").unwrap(), EmployeeNumber::Legacy(_)));
        assert!(matches!(EmployeeNumber::parse("198609262015051001").unwrap(), EmployeeNumber::Pns(_)));
        assert_eq!(EmployeeNumber::parse("1234").unwrap_err(), NipError::Length { found: 4 });
    }

    #[test]
    fn pppk_rejects_appointment_before_the_scheme_existed() {
        let error = NiPppk::parse("199601292015211010").unwrap_err();
        assert!(matches!(error, NipError::Date { field: NipField::AppointmentYear, .. }), "{error:?}");
    }
}
