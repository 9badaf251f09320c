//! The statutory clocks of the case workflow (data/clocks.toml) and deadline arithmetic.

use std::collections::BTreeMap;

use serde::Deserialize;
use time::{Date, OffsetDateTime};

use crate::Locale;
use crate::calendar::{Calendar, CalendarError, Counting, TimeZone};
use crate::catalogue::Confidence;

/// Every clock the workflow knows. Each must be defined exactly once in `data/clocks.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    /// 7 days from when the act became known to file a report (or record a finding).
    Admissibility,
    /// 3 days from registration for Bawaslu to decide.
    Kajian,
    /// 2 more days when Bawaslu needs more information.
    KajianExtension,
    /// Days for the PPK to act on BKN's recommendation.
    PpkFollowUp,
    /// 7 working days from the summons letter to the examination.
    Summons,
    /// 14 days from a discipline decision to its delivery.
    DecisionDelivery,
    /// Day 15 after receipt: when the discipline takes effect.
    SanctionEffect,
    /// 14 working days to file an administrative appeal (banding).
    Banding,
    /// Days for the PPK to answer an appeal.
    BandingReply,
    /// 14 working days for Gakkumdu investigators to hand the dossier to the prosecutor.
    GakkumduInvestigation,
    /// 5 working days for the prosecutor to file at court.
    GakkumduProsecution,
    /// 7 days for the district court's verdict.
    GakkumduTrial,
    /// 7 days for the high court's verdict on appeal.
    GakkumduAppeal,
}

impl ClockKind {
    /// Every clock.
    pub const ALL: [ClockKind; 13] = [
        ClockKind::Admissibility,
        ClockKind::Kajian,
        ClockKind::KajianExtension,
        ClockKind::PpkFollowUp,
        ClockKind::Summons,
        ClockKind::DecisionDelivery,
        ClockKind::SanctionEffect,
        ClockKind::Banding,
        ClockKind::BandingReply,
        ClockKind::GakkumduInvestigation,
        ClockKind::GakkumduProsecution,
        ClockKind::GakkumduTrial,
        ClockKind::GakkumduAppeal,
    ];

    /// The id used in data files and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            ClockKind::Admissibility => "admissibility",
            ClockKind::Kajian => "kajian",
            ClockKind::KajianExtension => "kajian_extension",
            ClockKind::PpkFollowUp => "ppk_follow_up",
            ClockKind::Summons => "summons",
            ClockKind::DecisionDelivery => "decision_delivery",
            ClockKind::SanctionEffect => "sanction_effect",
            ClockKind::Banding => "banding",
            ClockKind::BandingReply => "banding_reply",
            ClockKind::GakkumduInvestigation => "gakkumdu_investigation",
            ClockKind::GakkumduProsecution => "gakkumdu_prosecution",
            ClockKind::GakkumduTrial => "gakkumdu_trial",
            ClockKind::GakkumduAppeal => "gakkumdu_appeal",
        }
    }
}

/// The definition of one clock.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockDefinition {
    pub id: ClockKind,
    pub title_id: String,
    pub title_en: String,
    pub days: u32,
    pub counting: Counting,
    pub starts_at: String,
    pub legal_basis: String,
    pub confidence: Confidence,
}

impl ClockDefinition {
    /// Title in the given locale.
    pub fn title(&self, locale: Locale) -> &str {
        locale.pick(&self.title_id, &self.title_en)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockFile {
    clock: Vec<ClockDefinition>,
}

/// Why the clock table is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("clock table: {0}")]
pub struct ClockTableError(pub String);

/// All clock definitions.
#[derive(Debug, Clone)]
pub struct ClockTable {
    clocks: BTreeMap<ClockKind, ClockDefinition>,
}

impl ClockTable {
    /// Parses `data/clocks.toml`; every [`ClockKind`] must be defined exactly once with a positive day count.
    pub fn from_toml(text: &str) -> Result<ClockTable, ClockTableError> {
        let file: ClockFile = toml::from_str(text).map_err(|e| ClockTableError(e.to_string()))?;
        let mut clocks = BTreeMap::new();
        for clock in file.clock {
            if clock.days == 0 {
                return Err(ClockTableError(format!("clock {} has zero days", clock.id.as_str())));
            }
            let id = clock.id;
            if clocks.insert(id, clock).is_some() {
                return Err(ClockTableError(format!("clock {} is defined twice", id.as_str())));
            }
        }
        if let Some(missing) = ClockKind::ALL.iter().find(|kind| !clocks.contains_key(kind)) {
            return Err(ClockTableError(format!("clock {} is not defined", missing.as_str())));
        }
        Ok(ClockTable { clocks })
    }

    /// The definition of a clock.
    pub fn get(&self, kind: ClockKind) -> &ClockDefinition {
        &self.clocks[&kind]
    }

    /// All definitions.
    pub fn iter(&self) -> impl Iterator<Item = &ClockDefinition> {
        self.clocks.values()
    }

    /// The due date of a clock started on `start`.
    pub fn due(&self, kind: ClockKind, start: Date, calendar: &Calendar) -> Result<Date, CalendarError> {
        let clock = self.get(kind);
        calendar.add_days(start, clock.days, clock.counting)
    }
}

/// A deadline in an office's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    /// The last day on which the act is in time.
    pub due_on: Date,
    /// The zone of the office that holds the case.
    pub zone: TimeZone,
}

/// How much time is left on a deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeLeft {
    /// Still running: whole days remaining after today (0 = due today) in the deadline's counting.
    Remaining { days: u32 },
    /// Past the end of the due day: whole days overdue.
    Overdue { days: u32 },
}

impl Deadline {
    /// The instant the deadline runs out: the end of the due day in the office's zone.
    pub fn expires_at(&self) -> OffsetDateTime {
        self.zone.end_of_day(self.due_on)
    }

    /// Time left at `now`, counted in the clock's own days (working days for a working-day clock).
    pub fn time_left(
        &self,
        now: OffsetDateTime,
        counting: Counting,
        calendar: &Calendar,
    ) -> Result<TimeLeft, CalendarError> {
        let today = self.zone.local_date(now);
        if today <= self.due_on {
            Ok(TimeLeft::Remaining { days: calendar.days_between(today, self.due_on, counting)? })
        } else {
            Ok(TimeLeft::Overdue { days: calendar.days_between(self.due_on, today, Counting::Calendar)? })
        }
    }
}

#[cfg(test)]
mod tests {
    //! One test per statutory clock of legal-and-process.md §3, on 2024 dates, holidays included.
    use super::*;
    use crate::builtin;
    use time::macros::{date, datetime};

    fn due(kind: ClockKind, start: Date) -> Date {
        builtin::clocks().due(kind, start, builtin::calendar()).unwrap()
    }

    #[test]
    fn admissibility_is_seven_calendar_days_even_across_the_voting_holiday() {
        // Known on Mon 25 Nov 2024; the 27 Nov holiday and the weekend still count: last day Mon 2 Dec.
        assert_eq!(due(ClockKind::Admissibility, date!(2024 - 11 - 25)), date!(2024 - 12 - 02));
        assert_eq!(due(ClockKind::Admissibility, date!(2024 - 12 - 20)), date!(2024 - 12 - 27));
    }

    #[test]
    fn kajian_is_three_days_plus_two() {
        let registered = date!(2024 - 11 - 26);
        let kajian = due(ClockKind::Kajian, registered);
        assert_eq!(kajian, date!(2024 - 11 - 29), "calendar days: the voting holiday counts");
        assert_eq!(due(ClockKind::KajianExtension, kajian), date!(2024 - 12 - 01));
    }

    #[test]
    fn summons_is_seven_working_days_across_christmas_and_new_year() {
        // Letter Fri 20 Dec 2024: Mon 23, Tue 24, (Wed 25 Natal, Thu 26 cuti bersama), Fri 27, Mon 30, Tue 31,
        // (Wed 1 Jan), Thu 2, Fri 3 Jan 2025.
        assert_eq!(due(ClockKind::Summons, date!(2024 - 12 - 20)), date!(2025 - 01 - 03));
        // Letter Mon 25 Nov 2024: Tue 26, (Wed 27 voting), Thu 28, Fri 29, Mon 2, Tue 3, Wed 4, Thu 5 Dec.
        assert_eq!(due(ClockKind::Summons, date!(2024 - 11 - 25)), date!(2024 - 12 - 05));
    }

    #[test]
    fn decision_delivered_within_fourteen_days_and_effective_on_day_fifteen() {
        assert_eq!(due(ClockKind::DecisionDelivery, date!(2024 - 12 - 16)), date!(2024 - 12 - 30));
        // Received Fri 13 Dec 2024: in force on day 15, Sat 28 Dec; holidays do not move it.
        assert_eq!(due(ClockKind::SanctionEffect, date!(2024 - 12 - 13)), date!(2024 - 12 - 28));
    }

    #[test]
    fn banding_is_fourteen_working_days() {
        // Received Fri 13 Dec 2024. Working days: 16,17,18,19,20 (5), 23,24 (7), 27 (8), 30,31 (10),
        // 2,3 Jan (12), 6,7 Jan (14).
        assert_eq!(due(ClockKind::Banding, date!(2024 - 12 - 13)), date!(2025 - 01 - 07));
    }

    #[test]
    fn ppk_follow_up_and_gakkumdu_clocks() {
        assert_eq!(due(ClockKind::PpkFollowUp, date!(2024 - 11 - 20)), date!(2024 - 11 - 30));
        // 14 working days from Mon 18 Nov 2024, skipping 27 Nov: 19..22 (4), 25,26 (6), 28,29 (8), 2..6 Dec (13), 9 Dec (14).
        assert_eq!(due(ClockKind::GakkumduInvestigation, date!(2024 - 11 - 18)), date!(2024 - 12 - 09));
        assert_eq!(due(ClockKind::GakkumduTrial, date!(2024 - 12 - 09)), date!(2024 - 12 - 16));
    }

    #[test]
    fn time_left_is_counted_in_the_office_zone() {
        let deadline = Deadline { due_on: date!(2024 - 12 - 02), zone: TimeZone::Wit };
        let calendar = builtin::calendar();
        // 16:30 UTC on 2 Dec is already 01:30 on 3 Dec in WIT: one day overdue there, due today in WIB.
        let now = datetime!(2024-12-02 16:30 UTC);
        assert_eq!(deadline.time_left(now, Counting::Calendar, calendar).unwrap(), TimeLeft::Overdue { days: 1 });
        let wib = Deadline { zone: TimeZone::Wib, ..deadline };
        assert_eq!(wib.time_left(now, Counting::Calendar, calendar).unwrap(), TimeLeft::Remaining { days: 0 });
        assert_eq!(wib.expires_at(), datetime!(2024-12-02 23:59:59.999_999_999 +7));
    }

    #[test]
    fn every_clock_is_defined_once() {
        let text = include_str!("../../../data/clocks.toml");
        let doubled = format!(
            "{text}\n[[clock]]\nid = \"kajian\"\ntitle_id = \"x\"\ntitle_en = \"x\"\ndays = 1\ncounting = \"calendar\"\nstarts_at = \"x\"\nlegal_basis = \"x\"\nconfidence = \"C\"\n"
        );
        assert_eq!(
            ClockTable::from_toml(&doubled).unwrap_err().to_string(),
            "clock table: clock kajian is defined twice"
        );
    }
}
