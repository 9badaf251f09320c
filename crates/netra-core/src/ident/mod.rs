//! Civil-servant and citizen identifiers, parsed into types that cannot hold an invalid value.
//!
//! - [`Nip`]: the 18-digit NIP of a PNS (Perka BKN 22/2007);
//! - [`NiPppk`]: the 18-digit number of a PPPK contract employee;
//! - [`LegacyNip`]: the 9-digit NIP issued before 2009, recognised but not interpreted;
//! - [`EmployeeNumber`]: whichever of the three a string is;
//! - [`Nik`]: the 16-digit population number (personal data: masked when displayed).
//!
//! Errors name the field and the 1-based digit positions so that a form can say exactly what is wrong.

mod nik;
mod nip;

pub use nik::{Nik, NikError, NikField};
pub use nip::{EmployeeNumber, Gender, LegacyNip, NiPppk, Nip, NipError, NipField};

use crate::Locale;
use time::{Date, Month};

/// Why a group of digits is not a calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProblem {
    /// The year is outside the plausible range.
    Year(i32),
    /// The month is not 01–12.
    Month(u8),
    /// The day does not exist in that month.
    Day { day: u8, month: u8, year: i32 },
}

impl DateProblem {
    pub(crate) fn message(self, locale: Locale) -> String {
        match (self, locale) {
            (DateProblem::Year(y), Locale::Id) => format!("tahun {y} di luar rentang yang mungkin"),
            (DateProblem::Year(y), Locale::En) => format!("year {y} is out of range"),
            (DateProblem::Month(m), Locale::Id) => format!("bulan {m:02} tidak ada (harus 01–12)"),
            (DateProblem::Month(m), Locale::En) => format!("month {m:02} does not exist (must be 01–12)"),
            (DateProblem::Day { day, month, year }, Locale::Id) => {
                format!("tanggal {day:02} tidak ada pada bulan {month:02} tahun {year}")
            }
            (DateProblem::Day { day, month, year }, Locale::En) => {
                format!("day {day:02} does not exist in month {month:02} of {year}")
            }
        }
    }
}

/// Builds a date from parts, saying which part is wrong.
pub(crate) fn date_from_parts(year: i32, month: u8, day: u8) -> Result<Date, DateProblem> {
    if !(1900..=2100).contains(&year) {
        return Err(DateProblem::Year(year));
    }
    let month_enum = Month::try_from(month).map_err(|_| DateProblem::Month(month))?;
    Date::from_calendar_date(year, month_enum, day).map_err(|_| DateProblem::Day { day, month, year })
}

/// Parses `n` ASCII digits (already checked) into a number.
pub(crate) fn digits_value(digits: &[u8]) -> u32 {
    digits.iter().fold(0, |acc, d| acc * 10 + u32::from(d - b'0'))
}

/// Strips the separators people put in identifiers (spaces, dots, dashes) and checks the rest are ASCII digits.
/// Returns the digits or the 1-based position and character of the first non-digit in the original text.
pub(crate) fn clean_digits(input: &str) -> Result<Vec<u8>, (usize, char)> {
    let mut digits = Vec::with_capacity(input.len());
    for (index, ch) in input.trim().chars().enumerate() {
        match ch {
            '0'..='9' => digits.push(ch as u8),
            ' ' | '.' | '-' => {}
            other => return Err((index + 1, other)),
        }
    }
    Ok(digits)
}
