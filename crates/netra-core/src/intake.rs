//! What is decided when a report or finding comes in: the reporter's disclosure mode, the origin of the case,
//! and the admissibility assessment (the 7-day rule from the date known, the reporter's standing, and the
//! election phase on the event date, which decides between code-of-ethics and discipline items).
//!
//! The system explains, staff decide: [`assess`] returns each check with its outcome and a reason in both
//! locales; nothing here refuses a report.

use time::Date;

use crate::calendar::CalendarError;
use crate::clock::ClockKind;
use crate::election::{DeterminationPhase, Election};
use crate::locale::{Locale, Localized};
use crate::workflow::WorkflowRules;

/// How much of themselves the reporter discloses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReporterMode {
    /// No identity is collected at all.
    Anonymous,
    /// Identity is stored sealed: only the custodian can open it, and each opening is audited.
    Confidential,
    /// Identity is visible to the staff handling the case.
    Open,
}

impl ReporterMode {
    pub const ALL: [ReporterMode; 3] = [ReporterMode::Anonymous, ReporterMode::Confidential, ReporterMode::Open];

    /// Stable id for storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ReporterMode::Anonymous => "anonymous",
            ReporterMode::Confidential => "confidential",
            ReporterMode::Open => "open",
        }
    }

    pub fn parse(text: &str) -> Option<ReporterMode> {
        ReporterMode::ALL.into_iter().find(|mode| mode.as_str() == text)
    }

    /// Name for people.
    pub fn name(self, locale: Locale) -> &'static str {
        match self {
            ReporterMode::Anonymous => locale.pick("Anonim", "Anonymous"),
            ReporterMode::Confidential => locale.pick("Rahasia (identitas disegel)", "Confidential (identity sealed)"),
            ReporterMode::Open => locale.pick("Terbuka", "Open"),
        }
    }
}

/// How a case came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseOrigin {
    /// A report submitted by the public online (web form or API).
    OnlineReport,
    /// A report received in person at a Bawaslu office and entered by staff.
    InPersonReport,
    /// A finding (temuan) of Bawaslu's own supervision.
    Finding,
}

impl CaseOrigin {
    pub const ALL: [CaseOrigin; 3] = [CaseOrigin::OnlineReport, CaseOrigin::InPersonReport, CaseOrigin::Finding];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseOrigin::OnlineReport => "online",
            CaseOrigin::InPersonReport => "in_person",
            CaseOrigin::Finding => "finding",
        }
    }

    pub fn parse(text: &str) -> Option<CaseOrigin> {
        CaseOrigin::ALL.into_iter().find(|origin| origin.as_str() == text)
    }

    pub fn name(self, locale: Locale) -> &'static str {
        match self {
            CaseOrigin::OnlineReport => locale.pick("Laporan daring", "Online report"),
            CaseOrigin::InPersonReport => locale.pick("Laporan langsung", "Report in person"),
            CaseOrigin::Finding => locale.pick("Temuan", "Finding"),
        }
    }

    /// Whether the case is a report (laporan) rather than a finding (temuan).
    pub fn is_report(self) -> bool {
        !matches!(self, CaseOrigin::Finding)
    }
}

/// What the intake assessment looks at.
#[derive(Debug, Clone, Copy)]
pub struct IntakeFacts<'a> {
    pub origin: CaseOrigin,
    pub occurred_on: Date,
    pub known_on: Date,
    /// The day the report or finding reached Bawaslu.
    pub received_on: Date,
    pub mode: ReporterMode,
    /// The election the act concerns, if one is known for the region and date.
    pub election: Option<&'a Election>,
}

/// The result of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The requirement is met.
    Met,
    /// Staff must look: the requirement may not be met, or needs a document the system cannot see.
    Attention,
    /// The requirement is not met.
    NotMet,
}

impl Outcome {
    pub fn name(self, locale: Locale) -> &'static str {
        match self {
            Outcome::Met => locale.pick("Terpenuhi", "Met"),
            Outcome::Attention => locale.pick("Perlu diperiksa", "Check"),
            Outcome::NotMet => locale.pick("Tidak terpenuhi", "Not met"),
        }
    }
}

/// Why a check came out as it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    KnownBeforeOccurred { occurred_on: Date, known_on: Date },
    Timely { known_on: Date, due: Date, received_on: Date },
    Late { known_on: Date, due: Date, received_on: Date },
    FindingWindow { known_on: Date, due: Date, received_on: Date, timely: bool },
    AnonymousReporter,
    ConfidentialReporter,
    OpenReporter,
    FindingNeedsNoReporter,
    NoElection,
    BeforeDetermination { election: String, determination: Date },
    AfterDetermination { election: String, determination: Date, campaign: bool },
}

impl Localized for Reason {
    fn message(&self, locale: Locale) -> String {
        use Reason::*;
        let id = locale == Locale::Id;
        match self {
            KnownBeforeOccurred { occurred_on, known_on } => {
                if id {
                    format!("Tanggal diketahui ({known_on}) lebih awal dari tanggal kejadian ({occurred_on}).")
                } else {
                    format!("The date known ({known_on}) is before the date of the act ({occurred_on}).")
                }
            }
            Timely { known_on, due, received_on } => {
                if id {
                    format!(
                        "Diketahui {known_on}; batas 7 hari sampai {due}; diterima {received_on}: masih dalam batas \
                         waktu."
                    )
                } else {
                    format!("Known {known_on}; the 7-day window runs to {due}; received {received_on}: in time.")
                }
            }
            Late { known_on, due, received_on } => {
                if id {
                    format!(
                        "Diketahui {known_on}; batas 7 hari berakhir {due}; diterima {received_on}: terlambat, \
                         laporan tidak dapat diregistrasi (dapat dijadikan informasi awal)."
                    )
                } else {
                    format!(
                        "Known {known_on}; the 7-day window ended {due}; received {received_on}: late, the report \
                         cannot be registered (it may serve as initial information)."
                    )
                }
            }
            FindingWindow { known_on, due, received_on, timely } => match (id, timely) {
                (true, true) => {
                    format!("Temuan: ditemukan {known_on}, dicatat {received_on}, dalam 7 hari (sampai {due}).")
                }
                (true, false) => format!(
                    "Temuan: ditemukan {known_on}, dicatat {received_on}, melewati 7 hari ({due}); batas untuk \
                     Pilkada belum pasti, periksa Perbawaslu."
                ),
                (false, true) => format!("Finding: found {known_on}, recorded {received_on}, within 7 days ({due})."),
                (false, false) => format!(
                    "Finding: found {known_on}, recorded {received_on}, after 7 days ({due}); the Pilkada limit \
                     is unconfirmed, check the Perbawaslu."
                ),
            },
            AnonymousReporter => locale
                .pick(
                    "Pelapor anonim tidak memenuhi syarat formal pelapor (WNI yang mempunyai hak pilih, pemantau, \
                     atau peserta pemilihan). Laporan dapat dijadikan informasi awal untuk temuan.",
                    "An anonymous reporter does not meet the formal requirement (a citizen with voting rights, a \
                     monitor, or a candidate). The report can serve as initial information for a finding.",
                )
                .into(),
            ConfidentialReporter => locale
                .pick(
                    "Identitas pelapor tersimpan tersegel. Kedudukan pelapor (hak pilih, pemantau, peserta) perlu \
                     diperiksa oleh kustodian atau saat klarifikasi.",
                    "The reporter's identity is sealed. Standing (voting rights, monitor, candidate) must be \
                     checked by the custodian or at clarification.",
                )
                .into(),
            OpenReporter => locale
                .pick(
                    "Pelapor menyebutkan identitas. Periksa hak pilih dan kesesuaian KTP.",
                    "The reporter gave their identity. Check voting rights and the ID card.",
                )
                .into(),
            FindingNeedsNoReporter => locale
                .pick("Temuan Bawaslu: tidak memerlukan pelapor.", "Bawaslu finding: no reporter is needed.")
                .into(),
            NoElection => locale
                .pick(
                    "Tidak ada pemilihan yang diketahui untuk wilayah dan tanggal ini; tahapan tidak dapat ditentukan.",
                    "No election is known for this region and date; the phase cannot be determined.",
                )
                .into(),
            BeforeDetermination { election, determination } => {
                if id {
                    format!(
                        "Kejadian sebelum penetapan calon {election} ({determination}): berlaku butir kode etik \
                         (bakal calon)."
                    )
                } else {
                    format!(
                        "The act is before candidate determination in {election} ({determination}): code-of-ethics \
                         items apply (prospective candidates)."
                    )
                }
            }
            AfterDetermination { election, determination, campaign } => {
                let campaign_id = if *campaign { " Kejadian dalam masa kampanye." } else { "" };
                let campaign_en = if *campaign { " The act is in the campaign period." } else { "" };
                if id {
                    format!(
                        "Kejadian sejak penetapan calon {election} ({determination}): berlaku butir disiplin.\
                         {campaign_id}"
                    )
                } else {
                    format!(
                        "The act is after candidate determination in {election} ({determination}): discipline \
                         items apply.{campaign_en}"
                    )
                }
            }
        }
    }
}

/// One check of the assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub topic: Topic,
    pub outcome: Outcome,
    pub reason: Reason,
}

/// What a check is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Dates,
    Timeliness,
    Standing,
    Phase,
}

impl Topic {
    pub fn name(self, locale: Locale) -> &'static str {
        match self {
            Topic::Dates => locale.pick("Urutan tanggal", "Dates"),
            Topic::Timeliness => locale.pick("Batas 7 hari", "7-day limit"),
            Topic::Standing => locale.pick("Kedudukan pelapor", "Reporter standing"),
            Topic::Phase => locale.pick("Tahapan pemilihan", "Election phase"),
        }
    }
}

/// The intake assessment of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admissibility {
    /// Last day of the 7-day window from the date known.
    pub due: Date,
    pub timely: bool,
    /// The phase on the event date, when an election is known.
    pub phase: Option<DeterminationPhase>,
    pub checks: Vec<Check>,
}

impl Admissibility {
    /// The worst outcome of all checks.
    pub fn overall(&self) -> Outcome {
        if self.checks.iter().any(|check| check.outcome == Outcome::NotMet) {
            Outcome::NotMet
        } else if self.checks.iter().any(|check| check.outcome == Outcome::Attention) {
            Outcome::Attention
        } else {
            Outcome::Met
        }
    }
}

/// Assesses a report or finding at intake.
pub fn assess(facts: &IntakeFacts<'_>, rules: WorkflowRules<'_>) -> Result<Admissibility, CalendarError> {
    let due = rules.clocks.due(ClockKind::Admissibility, facts.known_on, rules.calendar)?;
    let timely = facts.received_on <= due;
    let mut checks = Vec::new();
    if facts.known_on < facts.occurred_on {
        checks.push(Check {
            topic: Topic::Dates,
            outcome: Outcome::NotMet,
            reason: Reason::KnownBeforeOccurred { occurred_on: facts.occurred_on, known_on: facts.known_on },
        });
    }
    let window = (facts.known_on, due, facts.received_on);
    checks.push(if facts.origin.is_report() {
        let (known_on, due, received_on) = window;
        if timely {
            Check {
                topic: Topic::Timeliness,
                outcome: Outcome::Met,
                reason: Reason::Timely { known_on, due, received_on },
            }
        } else {
            Check {
                topic: Topic::Timeliness,
                outcome: Outcome::NotMet,
                reason: Reason::Late { known_on, due, received_on },
            }
        }
    } else {
        let (known_on, due, received_on) = window;
        Check {
            topic: Topic::Timeliness,
            // The Pilkada rule for findings is unconfirmed: flag, do not fail.
            outcome: if timely { Outcome::Met } else { Outcome::Attention },
            reason: Reason::FindingWindow { known_on, due, received_on, timely },
        }
    });
    checks.push(match (facts.origin, facts.mode) {
        (CaseOrigin::Finding, _) => {
            Check { topic: Topic::Standing, outcome: Outcome::Met, reason: Reason::FindingNeedsNoReporter }
        }
        (_, ReporterMode::Anonymous) => {
            Check { topic: Topic::Standing, outcome: Outcome::NotMet, reason: Reason::AnonymousReporter }
        }
        (_, ReporterMode::Confidential) => {
            Check { topic: Topic::Standing, outcome: Outcome::Attention, reason: Reason::ConfidentialReporter }
        }
        (_, ReporterMode::Open) => {
            Check { topic: Topic::Standing, outcome: Outcome::Attention, reason: Reason::OpenReporter }
        }
    });
    let phase = facts.election.map(|election| election.determination_phase(facts.occurred_on));
    checks.push(match facts.election {
        None => Check { topic: Topic::Phase, outcome: Outcome::Attention, reason: Reason::NoElection },
        Some(election) => {
            let name = election.name(Locale::Id).to_string();
            let determination = election.candidate_determination;
            let reason = match election.determination_phase(facts.occurred_on) {
                DeterminationPhase::Before => Reason::BeforeDetermination { election: name, determination },
                DeterminationPhase::After => Reason::AfterDetermination {
                    election: name,
                    determination,
                    campaign: election.in_campaign(facts.occurred_on),
                },
            };
            Check { topic: Topic::Phase, outcome: Outcome::Met, reason }
        }
    });
    Ok(Admissibility { due, timely, phase, checks })
}

/// The election a case concerns: among `elections`, the one whose period (first stage to last) contains the
/// date, else the next one to come, else the most recent one.
pub fn election_for(elections: &[Election], occurred_on: Date) -> Option<&Election> {
    let span = |election: &Election| {
        let start = election.stages.iter().map(|stage| stage.start).min().unwrap_or(election.voting_day);
        let end = election.stages.iter().map(|stage| stage.end).max().unwrap_or(election.voting_day);
        (start, end)
    };
    elections
        .iter()
        .filter(|election| {
            let (start, end) = span(election);
            start <= occurred_on && occurred_on <= end
        })
        // Overlapping elections (Pemilu and Pilkada in 2024): the one whose voting day is nearest.
        .min_by_key(|election| (election.voting_day - occurred_on).whole_days().abs())
        .or_else(|| elections.iter().filter(|e| e.voting_day >= occurred_on).min_by_key(|e| e.voting_day))
        .or_else(|| elections.iter().max_by_key(|e| e.voting_day))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn pilkada() -> &'static Election {
        crate::builtin::election("pilkada-2024").expect("embedded pilkada")
    }

    fn facts(origin: CaseOrigin, mode: ReporterMode, known_on: Date, received_on: Date) -> IntakeFacts<'static> {
        IntakeFacts { origin, occurred_on: known_on, known_on, received_on, mode, election: Some(pilkada()) }
    }

    #[test]
    fn seven_calendar_days_from_the_date_known() {
        let rules = WorkflowRules::builtin();
        let on_time = facts(CaseOrigin::OnlineReport, ReporterMode::Open, date!(2024 - 10 - 01), date!(2024 - 10 - 08));
        let assessed = assess(&on_time, rules).unwrap();
        assert_eq!(assessed.due, date!(2024 - 10 - 08));
        assert!(assessed.timely);
        let late = IntakeFacts { received_on: date!(2024 - 10 - 09), ..on_time };
        let assessed = assess(&late, rules).unwrap();
        assert!(!assessed.timely);
        assert_eq!(assessed.overall(), Outcome::NotMet);
        assert!(assessed.checks.iter().any(|c| matches!(c.reason, Reason::Late { .. })));
    }

    #[test]
    fn a_late_finding_is_flagged_not_failed() {
        let rules = WorkflowRules::builtin();
        let late = facts(CaseOrigin::Finding, ReporterMode::Anonymous, date!(2024 - 10 - 01), date!(2024 - 10 - 20));
        let assessed = assess(&late, rules).unwrap();
        assert_eq!(assessed.overall(), Outcome::Attention);
    }

    #[test]
    fn anonymous_reports_lack_standing_and_the_phase_decides_the_regime() {
        let rules = WorkflowRules::builtin();
        let before =
            facts(CaseOrigin::OnlineReport, ReporterMode::Anonymous, date!(2024 - 09 - 01), date!(2024 - 09 - 02));
        let assessed = assess(&before, rules).unwrap();
        assert_eq!(assessed.phase, Some(DeterminationPhase::Before));
        let standing = assessed.checks.iter().find(|c| c.topic == Topic::Standing).unwrap();
        assert_eq!(standing.outcome, Outcome::NotMet);
        let after = facts(CaseOrigin::OnlineReport, ReporterMode::Open, date!(2024 - 10 - 10), date!(2024 - 10 - 11));
        let assessed = assess(&after, rules).unwrap();
        assert_eq!(assessed.phase, Some(DeterminationPhase::After));
        let phase = assessed.checks.iter().find(|c| c.topic == Topic::Phase).unwrap();
        assert!(matches!(phase.reason, Reason::AfterDetermination { campaign: true, .. }));
        assert!(phase.reason.message(Locale::Id).contains("disiplin"));
    }

    #[test]
    fn the_election_of_a_date_prefers_the_one_in_progress() {
        let elections = crate::builtin::elections();
        assert_eq!(election_for(elections, date!(2024 - 10 - 10)).unwrap().id, "pilkada-2024");
        assert_eq!(election_for(elections, date!(2024 - 02 - 01)).unwrap().id, "pemilu-2024");
    }
}
