//! The Indonesian working-day calendar: national holidays and cuti bersama (data/calendar/holidays.toml),
//! WIB/WITA/WIT per province (data/calendar/timezones.toml), and day counting in calendar or working days.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Deserialize;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

use crate::Locale;
use crate::region::RegionCode;

/// Kind of non-working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    /// Libur nasional.
    Libur,
    /// Cuti bersama: collective leave; government offices are closed.
    CutiBersama,
    /// A voting day declared a holiday by Keppres.
    PemungutanSuara,
}

/// One non-working date.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    #[serde(deserialize_with = "crate::toml_date::deserialize")]
    pub date: Date,
    pub name: String,
    pub kind: HolidayKind,
    pub confidence: crate::catalogue::Confidence,
}

/// How a clock counts days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counting {
    /// Every day counts (UU 10/2016: "hari").
    Calendar,
    /// Monday–Friday except holidays and cuti bersama (PP 94/2021: "hari kerja").
    Working,
}

impl Counting {
    /// Name for people.
    pub fn name(self, locale: Locale) -> &'static str {
        match self {
            Counting::Calendar => locale.pick("hari kalender", "calendar days"),
            Counting::Working => locale.pick("hari kerja", "working days"),
        }
    }
}

/// Why a day count could not be done.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// Working days were asked for in a year whose holidays are not in the data: the answer would be wrong.
    #[error("the holiday calendar does not cover {year}; add that year's SKB to data/calendar/holidays.toml")]
    YearNotCovered { year: i32 },
    /// The data file is invalid.
    #[error("holiday calendar: {0}")]
    Data(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayFile {
    holiday: Vec<Holiday>,
}

/// The holiday calendar.
#[derive(Debug, Clone)]
pub struct Calendar {
    holidays: BTreeMap<Date, Holiday>,
    years: BTreeSet<i32>,
}

impl Calendar {
    /// Parses the holiday file. Every year that has at least one entry counts as covered, so a year must be
    /// entered whole. Duplicate dates are an error.
    pub fn from_toml(text: &str) -> Result<Calendar, CalendarError> {
        let file: HolidayFile = toml::from_str(text).map_err(|e| CalendarError::Data(e.to_string()))?;
        let mut holidays = BTreeMap::new();
        for holiday in file.holiday {
            let date = holiday.date;
            if holidays.insert(date, holiday).is_some() {
                return Err(CalendarError::Data(format!("date {date} is listed twice")));
            }
        }
        let years = holidays.keys().map(|date| date.year()).collect();
        Ok(Calendar { holidays, years })
    }

    /// The years whose holidays are known.
    pub fn covered_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    /// The holiday on `date`, if any.
    pub fn holiday(&self, date: Date) -> Option<&Holiday> {
        self.holidays.get(&date)
    }

    /// Holidays between two dates, inclusive.
    pub fn holidays_between(&self, from: Date, to: Date) -> impl Iterator<Item = &Holiday> {
        self.holidays.range(from..=to).map(|(_, holiday)| holiday)
    }

    /// Whether government offices work on `date`.
    pub fn is_working_day(&self, date: Date) -> Result<bool, CalendarError> {
        if !self.years.contains(&date.year()) {
            return Err(CalendarError::YearNotCovered { year: date.year() });
        }
        Ok(!matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) && !self.holidays.contains_key(&date))
    }

    /// The date `days` counted days after `start`. The start day itself is not counted: 7 calendar days from
    /// 1 November is 8 November; 1 working day from a Friday is the next working day.
    pub fn add_days(&self, start: Date, days: u32, counting: Counting) -> Result<Date, CalendarError> {
        match counting {
            Counting::Calendar => Ok(start + Duration::days(i64::from(days))),
            Counting::Working => {
                let mut date = start;
                let mut counted = 0;
                while counted < days {
                    date = date.next_day().ok_or(CalendarError::YearNotCovered { year: date.year() + 1 })?;
                    if self.is_working_day(date)? {
                        counted += 1;
                    }
                }
                Ok(date)
            }
        }
    }

    /// Counted days from `start` (exclusive) to `end` (inclusive); zero if `end` is not after `start`.
    pub fn days_between(&self, start: Date, end: Date, counting: Counting) -> Result<u32, CalendarError> {
        if end <= start {
            return Ok(0);
        }
        match counting {
            Counting::Calendar => Ok((end - start).whole_days() as u32),
            Counting::Working => {
                let mut count = 0;
                let mut date = start;
                while date < end {
                    date = date.next_day().ok_or(CalendarError::YearNotCovered { year: date.year() + 1 })?;
                    if self.is_working_day(date)? {
                        count += 1;
                    }
                }
                Ok(count)
            }
        }
    }
}

/// Indonesia's three time zones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeZone {
    /// Waktu Indonesia Barat, UTC+7.
    Wib,
    /// Waktu Indonesia Tengah, UTC+8.
    Wita,
    /// Waktu Indonesia Timur, UTC+9.
    Wit,
}

impl TimeZone {
    /// The fixed UTC offset (no daylight saving).
    pub fn offset(self) -> UtcOffset {
        let hours = match self {
            TimeZone::Wib => 7,
            TimeZone::Wita => 8,
            TimeZone::Wit => 9,
        };
        UtcOffset::from_hms(hours, 0, 0).expect("whole hours are a valid offset")
    }

    /// Abbreviation shown to people.
    pub fn abbreviation(self) -> &'static str {
        match self {
            TimeZone::Wib => "WIB",
            TimeZone::Wita => "WITA",
            TimeZone::Wit => "WIT",
        }
    }

    /// The local calendar date of an instant in this zone.
    pub fn local_date(self, instant: OffsetDateTime) -> Date {
        instant.to_offset(self.offset()).date()
    }

    /// The last instant (23:59:59.999) of a local date in this zone: when a clock due that day runs out.
    pub fn end_of_day(self, date: Date) -> OffsetDateTime {
        PrimitiveDateTime::new(date, Time::MAX).assume_offset(self.offset())
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.abbreviation())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ZoneFile {
    wib: Vec<String>,
    wita: Vec<String>,
    wit: Vec<String>,
}

/// Province → time zone.
#[derive(Debug, Clone)]
pub struct TimeZones {
    by_province: BTreeMap<u8, TimeZone>,
}

impl TimeZones {
    /// Parses the zone file; a province listed twice or a malformed code is an error.
    pub fn from_toml(text: &str) -> Result<TimeZones, CalendarError> {
        let file: ZoneFile = toml::from_str(text).map_err(|e| CalendarError::Data(e.to_string()))?;
        let mut by_province = BTreeMap::new();
        for (zone, codes) in [(TimeZone::Wib, file.wib), (TimeZone::Wita, file.wita), (TimeZone::Wit, file.wit)] {
            for code in codes {
                let parsed = RegionCode::parse(&code).map_err(|e| CalendarError::Data(format!("{code}: {e}")))?;
                if by_province.insert(parsed.province_number(), zone).is_some() {
                    return Err(CalendarError::Data(format!("province {code} is in two time zones")));
                }
            }
        }
        Ok(TimeZones { by_province })
    }

    /// The zone of the province a region lies in, if known.
    pub fn for_region(&self, region: &RegionCode) -> Option<TimeZone> {
        self.by_province.get(&region.province_number()).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn calendar() -> &'static Calendar {
        crate::builtin::calendar()
    }

    #[test]
    fn weekends_and_holidays_are_not_working_days() {
        let cal = calendar();
        assert!(!cal.is_working_day(date!(2024 - 11 - 27)).unwrap(), "Pilkada voting day");
        assert!(!cal.is_working_day(date!(2024 - 12 - 25)).unwrap(), "Natal");
        assert!(!cal.is_working_day(date!(2024 - 12 - 26)).unwrap(), "cuti bersama Natal");
        assert!(!cal.is_working_day(date!(2024 - 11 - 30)).unwrap(), "Saturday");
        assert!(cal.is_working_day(date!(2024 - 11 - 28)).unwrap());
    }

    #[test]
    fn uncovered_years_are_an_error_not_a_guess() {
        assert_eq!(
            calendar().add_days(date!(2027 - 03 - 01), 3, Counting::Working),
            Err(CalendarError::YearNotCovered { year: 2027 })
        );
        assert_eq!(calendar().add_days(date!(2027 - 03 - 01), 3, Counting::Calendar), Ok(date!(2027 - 03 - 04)));
    }

    #[test]
    fn working_days_skip_the_voting_holiday_and_weekend() {
        // Monday 25 Nov 2024 + 3 working days: Tue 26, (Wed 27 voting holiday), Thu 28, Fri 29.
        assert_eq!(calendar().add_days(date!(2024 - 11 - 25), 3, Counting::Working), Ok(date!(2024 - 11 - 29)));
        assert_eq!(calendar().days_between(date!(2024 - 11 - 25), date!(2024 - 11 - 29), Counting::Working), Ok(3));
    }

    #[test]
    fn zones_follow_the_province() {
        let zones = crate::builtin::time_zones();
        let zone = |code: &str| zones.for_region(&RegionCode::parse(code).unwrap());
        assert_eq!(zone("32.04"), Some(TimeZone::Wib));
        assert_eq!(zone("73.71"), Some(TimeZone::Wita));
        assert_eq!(zone("94"), Some(TimeZone::Wit));
        // 23:30 WIB on 1 Dec is already 2 Dec in WIT.
        let instant = datetime!(2024-12-01 16:30 UTC);
        assert_eq!(TimeZone::Wib.local_date(instant), date!(2024 - 12 - 01));
        assert_eq!(TimeZone::Wit.local_date(instant), date!(2024 - 12 - 02));
        assert_eq!(TimeZone::Wita.end_of_day(date!(2024 - 12 - 02)).offset().whole_hours(), 8);
    }

    #[test]
    fn every_province_of_the_region_table_has_a_zone() {
        let zones = crate::builtin::time_zones();
        let regions = crate::builtin::regions();
        for region in regions.iter().filter(|r| r.level() == crate::region::RegionLevel::Province) {
            assert!(zones.for_region(&region.code).is_some(), "no zone for {}", region.code);
        }
    }
}
