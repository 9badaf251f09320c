//! The case state machine S0–S11 of legal-and-process.md §3.1, as a pure transition function.
//!
//! [`CaseSnapshot::transition`] checks that an [`Action`] exists in the current state, that the actor's role may
//! perform it, and that its data is complete and consistent (dates in order, not in the future, statutory windows
//! respected); it answers with a [`Transition`] naming the clocks started and stopped and the next snapshot.
//! Nothing is written anywhere: the store persists the transition together with its audit entry.
//!
//! Shape of the graph (Bawaslu track in calendar days, discipline track in working days where the law says so):
//!
//! ```text
//! S0 EventKnown ─┬─ receive report ─ S1a LaporanReceived ─┐
//!                └─ record finding ─ S1b TemuanRecorded ──┴─ S2 KajianAwal ─┬─ register ─ S3 Registered ─ S4 Kajian
//!                                                                          └─ reject ─ NotRegistered ■
//! S4 Kajian ─┬─ not a violation ■ / to KPU ■
//!            ├─ to Gakkumdu: investigation → prosecution → trial (→ appeal) → CriminalDecided ■
//!            └─ forward ─ S5 ForwardedToBkn ─ S6 BknReview ─┬─ not proven ■ / cancelled ■ / left service ■
//!                                                           ├─ return → S4 Kajian
//!                                                           └─ recommend ─ RecommendationSent ─ S7 PpkProcess
//! S7 PpkProcess ─ summon ─ Summoned ─ examine ─ Examined ─┬─ clear ─ NotProven ■
//!       │                                                  └─ decide ─ S8 SanctionIssued ─ deliver ─ SanctionDelivered
//!       └─ deadline passed ─ S9 NotFollowedUp ─ block ─ DataBlocked ─ summon (PPK finally acts)
//! SanctionDelivered ─ day 15 ─ SanctionEffective ─ close ■
//!       └──────────── appeal ─ S10 UpayaAdministratif ─ upheld / annulled ■ / changed → S8;  SanctionEffective ─ S11 PTUN
//! ```

use std::fmt;

use time::Date;

use crate::calendar::{Calendar, CalendarError};
use crate::catalogue::SanctionLevel;
use crate::clock::{ClockKind, ClockTable};
use crate::locale::{Locale, Localized, display_english};
use crate::role::Role;

/// The states of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CaseState {
    EventKnown,
    LaporanReceived,
    TemuanRecorded,
    KajianAwal,
    NotRegistered,
    Registered,
    Kajian,
    NotViolation,
    AdminToKpu,
    GakkumduInvestigation,
    GakkumduProsecution,
    GakkumduTrial,
    GakkumduAppeal,
    CriminalDecided,
    ForwardedToBkn,
    BknReview,
    NotProven,
    Cancelled,
    AsnLeftService,
    RecommendationSent,
    PpkProcess,
    Summoned,
    Examined,
    SanctionIssued,
    SanctionDelivered,
    SanctionEffective,
    NotFollowedUp,
    DataBlocked,
    UpayaAdministratif,
    Ptun,
    Closed,
}

/// Who holds a case in a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Holder {
    Bawaslu,
    Gakkumdu,
    Bkn,
    Ppk,
    /// BPASN or the superior of the deciding official (administrative appeal), or the court.
    AppealBody,
    /// Nobody: the case is finished.
    None,
}

impl Holder {
    const ALL: [Holder; 6] =
        [Holder::Bawaslu, Holder::Gakkumdu, Holder::Bkn, Holder::Ppk, Holder::AppealBody, Holder::None];

    /// Stable id for storage and work-list filters.
    pub fn as_str(self) -> &'static str {
        match self {
            Holder::Bawaslu => "bawaslu",
            Holder::Gakkumdu => "gakkumdu",
            Holder::Bkn => "bkn",
            Holder::Ppk => "ppk",
            Holder::AppealBody => "appeal_body",
            Holder::None => "none",
        }
    }

    pub fn parse(text: &str) -> Option<Holder> {
        Holder::ALL.into_iter().find(|h| h.as_str() == text)
    }

    /// Name for people.
    pub fn name(self, locale: Locale) -> &'static str {
        match self {
            Holder::Bawaslu => "Bawaslu",
            Holder::Gakkumdu => "Sentra Gakkumdu",
            Holder::Bkn => "BKN",
            Holder::Ppk => "PPK",
            Holder::AppealBody => locale.pick("Pejabat/badan banding", "Appeal body"),
            Holder::None => "—",
        }
    }

    /// The holder whose cases a staff role works on ("waiting for us"): the Inspektorat works with its agency's
    /// PPK. `None` for roles that hold no cases (admins, the custodian, civil servants).
    pub fn of_role(role: Role) -> Option<Holder> {
        match role {
            Role::BawasluKabKota | Role::BawasluProvinsi | Role::BawasluRi => Some(Holder::Bawaslu),
            Role::BknRegional | Role::BknPusat => Some(Holder::Bkn),
            Role::PpkOffice | Role::Inspektorat => Some(Holder::Ppk),
            Role::AgencyAdmin | Role::SystemAdmin | Role::Custodian | Role::AsnSelfService => None,
        }
    }
}

impl CaseState {
    /// Every state.
    pub const ALL: [CaseState; 31] = [
        CaseState::EventKnown,
        CaseState::LaporanReceived,
        CaseState::TemuanRecorded,
        CaseState::KajianAwal,
        CaseState::NotRegistered,
        CaseState::Registered,
        CaseState::Kajian,
        CaseState::NotViolation,
        CaseState::AdminToKpu,
        CaseState::GakkumduInvestigation,
        CaseState::GakkumduProsecution,
        CaseState::GakkumduTrial,
        CaseState::GakkumduAppeal,
        CaseState::CriminalDecided,
        CaseState::ForwardedToBkn,
        CaseState::BknReview,
        CaseState::NotProven,
        CaseState::Cancelled,
        CaseState::AsnLeftService,
        CaseState::RecommendationSent,
        CaseState::PpkProcess,
        CaseState::Summoned,
        CaseState::Examined,
        CaseState::SanctionIssued,
        CaseState::SanctionDelivered,
        CaseState::SanctionEffective,
        CaseState::NotFollowedUp,
        CaseState::DataBlocked,
        CaseState::UpayaAdministratif,
        CaseState::Ptun,
        CaseState::Closed,
    ];

    /// The state number of legal-and-process.md §3.1.
    pub fn code(self) -> &'static str {
        use CaseState::*;
        match self {
            EventKnown => "S0",
            LaporanReceived => "S1a",
            TemuanRecorded => "S1b",
            KajianAwal | NotRegistered => "S2",
            Registered => "S3",
            Kajian => "S4",
            NotViolation | AdminToKpu | ForwardedToBkn => "S5",
            GakkumduInvestigation | GakkumduProsecution | GakkumduTrial | GakkumduAppeal | CriminalDecided => "S5-G",
            BknReview | NotProven | Cancelled | AsnLeftService | RecommendationSent => "S6",
            PpkProcess | Summoned | Examined => "S7",
            SanctionIssued | SanctionDelivered | SanctionEffective => "S8",
            NotFollowedUp | DataBlocked => "S9",
            UpayaAdministratif => "S10",
            Ptun => "S11",
            Closed => "—",
        }
    }

    /// Stable id for storage.
    pub fn as_str(self) -> &'static str {
        use CaseState::*;
        match self {
            EventKnown => "event_known",
            LaporanReceived => "laporan_received",
            TemuanRecorded => "temuan_recorded",
            KajianAwal => "kajian_awal",
            NotRegistered => "not_registered",
            Registered => "registered",
            Kajian => "kajian",
            NotViolation => "not_violation",
            AdminToKpu => "admin_to_kpu",
            GakkumduInvestigation => "gakkumdu_investigation",
            GakkumduProsecution => "gakkumdu_prosecution",
            GakkumduTrial => "gakkumdu_trial",
            GakkumduAppeal => "gakkumdu_appeal",
            CriminalDecided => "criminal_decided",
            ForwardedToBkn => "forwarded_to_bkn",
            BknReview => "bkn_review",
            NotProven => "not_proven",
            Cancelled => "cancelled",
            AsnLeftService => "asn_left_service",
            RecommendationSent => "recommendation_sent",
            PpkProcess => "ppk_process",
            Summoned => "summoned",
            Examined => "examined",
            SanctionIssued => "sanction_issued",
            SanctionDelivered => "sanction_delivered",
            SanctionEffective => "sanction_effective",
            NotFollowedUp => "not_followed_up",
            DataBlocked => "data_blocked",
            UpayaAdministratif => "upaya_administratif",
            Ptun => "ptun",
            Closed => "closed",
        }
    }

    /// Inverse of [`CaseState::as_str`].
    pub fn parse(text: &str) -> Option<CaseState> {
        CaseState::ALL.into_iter().find(|state| state.as_str() == text)
    }

    /// Name for people (the Indonesian names follow Bawaslu's and Kemendagri's status labels).
    pub fn name(self, locale: Locale) -> &'static str {
        use CaseState::*;
        let (id, en) = match self {
            EventKnown => ("Peristiwa diketahui", "Event known"),
            LaporanReceived => ("Laporan diterima", "Report received"),
            TemuanRecorded => ("Temuan dicatat", "Finding recorded"),
            KajianAwal => ("Kajian awal", "Preliminary check"),
            NotRegistered => ("Tidak diregistrasi", "Not registered"),
            Registered => ("Diregistrasi", "Registered"),
            Kajian => ("Kajian", "Under study"),
            NotViolation => ("Bukan pelanggaran", "Not a violation"),
            AdminToKpu => ("Diteruskan ke KPU (administrasi)", "Referred to KPU (administrative)"),
            GakkumduInvestigation => ("Penyidikan Gakkumdu", "Gakkumdu investigation"),
            GakkumduProsecution => ("Penuntutan", "Prosecution"),
            GakkumduTrial => ("Persidangan", "Trial"),
            GakkumduAppeal => ("Banding pidana", "Criminal appeal"),
            CriminalDecided => ("Perkara pidana selesai", "Criminal case decided"),
            ForwardedToBkn => ("Diteruskan ke BKN", "Forwarded to BKN"),
            BknReview => ("Menunggu verifikasi BKN", "Awaiting BKN verification"),
            NotProven => ("Tidak terbukti", "Not proven"),
            Cancelled => ("Dibatalkan", "Cancelled"),
            AsnLeftService => ("ASN sudah berhenti/pensiun", "Civil servant left the service"),
            RecommendationSent => ("Rekomendasi dikirim ke PPK", "Recommendation sent to the PPK"),
            PpkProcess => ("Menunggu tindak lanjut PPK", "Awaiting PPK follow-up"),
            Summoned => ("Pemanggilan", "Summoned"),
            Examined => ("Sudah diperiksa (BAP)", "Examined (BAP)"),
            SanctionIssued => ("Hukuman ditetapkan", "Sanction decided"),
            SanctionDelivered => ("Keputusan disampaikan", "Decision delivered"),
            SanctionEffective => ("Sudah dijatuhi hukuman", "Sanction in effect"),
            NotFollowedUp => ("PPK tidak menindaklanjuti", "PPK did not follow up"),
            DataBlocked => ("Data kepegawaian diblokir", "Personnel data blocked"),
            UpayaAdministratif => ("Upaya administratif", "Administrative appeal"),
            Ptun => ("Gugatan PTUN", "Administrative court"),
            Closed => ("Selesai", "Closed"),
        };
        locale.pick(id, en)
    }

    /// A terminal state has no way out and no clock running.
    pub fn is_terminal(self) -> bool {
        use CaseState::*;
        matches!(
            self,
            NotRegistered
                | NotViolation
                | AdminToKpu
                | CriminalDecided
                | NotProven
                | Cancelled
                | AsnLeftService
                | Closed
        )
    }

    /// Who must act next.
    pub fn holder(self) -> Holder {
        use CaseState::*;
        match self {
            EventKnown | LaporanReceived | TemuanRecorded | KajianAwal | Registered | Kajian => Holder::Bawaslu,
            GakkumduInvestigation | GakkumduProsecution | GakkumduTrial | GakkumduAppeal => Holder::Gakkumdu,
            ForwardedToBkn | BknReview | NotFollowedUp | DataBlocked => Holder::Bkn,
            RecommendationSent | PpkProcess | Summoned | Examined | SanctionIssued | SanctionDelivered
            | SanctionEffective => Holder::Ppk,
            UpayaAdministratif | Ptun => Holder::AppealBody,
            _ => Holder::None,
        }
    }

    /// What the reporter is told about the state: a few public phases, never internal detail.
    pub fn public_status(self, locale: Locale) -> &'static str {
        use CaseState::*;
        match self {
            EventKnown | LaporanReceived | TemuanRecorded => locale.pick("Diterima", "Received"),
            KajianAwal | Registered | Kajian => locale.pick("Dalam kajian Bawaslu", "Under study by Bawaslu"),
            NotRegistered => locale.pick("Tidak diregistrasi", "Not registered"),
            NotViolation => locale.pick("Selesai: bukan pelanggaran", "Closed: not a violation"),
            AdminToKpu => locale.pick("Diteruskan ke KPU", "Referred to KPU"),
            GakkumduInvestigation | GakkumduProsecution | GakkumduTrial | GakkumduAppeal => {
                locale.pick("Ditangani Sentra Gakkumdu", "With Sentra Gakkumdu")
            }
            CriminalDecided => locale.pick("Selesai: diputus pengadilan", "Closed: decided by the court"),
            ForwardedToBkn | BknReview => locale.pick("Diteruskan ke BKN", "Forwarded to BKN"),
            NotProven | Cancelled | AsnLeftService => locale.pick("Selesai tanpa sanksi", "Closed without sanction"),
            RecommendationSent | PpkProcess | Summoned | Examined | NotFollowedUp | DataBlocked => {
                locale.pick("Menunggu tindak lanjut PPK", "Awaiting the PPK's follow-up")
            }
            SanctionIssued | SanctionDelivered | SanctionEffective | UpayaAdministratif | Ptun => {
                locale.pick("Sanksi dijatuhkan", "Sanction imposed")
            }
            Closed => locale.pick("Selesai", "Closed"),
        }
    }

    /// States every path to this state must have passed through (in the law's order).
    pub fn mandatory_predecessors(self) -> &'static [CaseState] {
        use CaseState::*;
        match self {
            EventKnown => &[],
            LaporanReceived | TemuanRecorded => &[EventKnown],
            KajianAwal | NotRegistered => &[EventKnown],
            Registered => &[KajianAwal],
            Kajian | NotViolation | AdminToKpu | GakkumduInvestigation | ForwardedToBkn => &[KajianAwal, Registered],
            GakkumduProsecution => &[Registered, GakkumduInvestigation],
            GakkumduTrial => &[GakkumduInvestigation, GakkumduProsecution],
            GakkumduAppeal => &[GakkumduProsecution, GakkumduTrial],
            CriminalDecided => &[Registered, GakkumduInvestigation],
            BknReview => &[Registered, Kajian, ForwardedToBkn],
            NotProven | Cancelled | AsnLeftService | RecommendationSent => &[Registered, ForwardedToBkn, BknReview],
            PpkProcess => &[ForwardedToBkn, BknReview, RecommendationSent],
            NotFollowedUp => &[BknReview, RecommendationSent, PpkProcess],
            DataBlocked => &[PpkProcess, NotFollowedUp],
            Summoned => &[BknReview, RecommendationSent, PpkProcess],
            Examined => &[PpkProcess, Summoned],
            SanctionIssued => &[Registered, ForwardedToBkn, BknReview, PpkProcess, Summoned, Examined],
            SanctionDelivered => &[Examined, SanctionIssued],
            SanctionEffective => &[SanctionIssued, SanctionDelivered],
            UpayaAdministratif => &[SanctionIssued, SanctionDelivered],
            Ptun => &[SanctionDelivered, UpayaAdministratif],
            Closed => &[SanctionIssued, SanctionDelivered],
        }
    }
}

impl fmt::Display for CaseState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who performs an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    /// A member of the public submitting a report.
    Public,
    /// A staff user with a role.
    Staff(Role),
    /// Netra itself, acting on a clock (e.g. a sanction taking effect on its day, a missed PPK deadline).
    System,
}

/// Outcomes BKN may conclude a case with, besides recommending a sanction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BknConclusion {
    NotProven,
    Cancelled,
    AsnLeftService,
}

/// Kind of administrative appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppealKind {
    /// To the superior of the deciding official.
    Keberatan,
    /// To BPASN, against dismissal or contract termination.
    Banding,
}

/// Outcome of an administrative appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppealOutcome {
    Upheld,
    Annulled,
    /// The sanction is replaced: a new decision must be delivered.
    Changed,
}

/// An action on a case, with the data it requires. Every action carries the date it happened (`on`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    ReceiveReport { on: Date },
    RecordFinding { on: Date },
    BeginPreliminaryCheck { on: Date },
    Register { on: Date, number: String },
    RejectFormal { on: Date, reason: String },
    BeginKajian { on: Date },
    ExtendKajian { on: Date, reason: String },
    DecideNotViolation { on: Date, reason: String },
    ReferToKpu { on: Date, reason: String },
    ReferToGakkumdu { on: Date, reason: String },
    ForwardToBkn { on: Date, letter_number: String, items: Vec<String> },
    BknReceive { on: Date },
    BknReturn { on: Date, reason: String },
    BknConclude { on: Date, conclusion: BknConclusion, reason: String },
    Recommend { on: Date, letter_number: String, level: SanctionLevel },
    PpkReceive { on: Date },
    PpkReturn { on: Date, reason: String },
    Summon { on: Date },
    RecordExamination { on: Date, attended: bool },
    ClearAsn { on: Date, reason: String },
    IssueSanction { on: Date, decree_number: String, level: SanctionLevel },
    DeliverDecision { on: Date },
    TakeEffect { on: Date },
    FileAppeal { on: Date, kind: AppealKind },
    DecideAppeal { on: Date, outcome: AppealOutcome },
    FileLawsuit { on: Date },
    CourtDecision { on: Date, sanction_stands: bool },
    FlagNonCompliance { on: Date },
    BlockData { on: Date, reference: String },
    UnblockData { on: Date },
    Close { on: Date, reason: String },
    HandToProsecutor { on: Date },
    FileAtCourt { on: Date },
    RecordVerdict { on: Date, appealed: bool },
    RecordAppealVerdict { on: Date },
    StopInvestigation { on: Date, reason: String },
}

/// The kind of an [`Action`], without its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ActionKind {
    ReceiveReport,
    RecordFinding,
    BeginPreliminaryCheck,
    Register,
    RejectFormal,
    BeginKajian,
    ExtendKajian,
    DecideNotViolation,
    ReferToKpu,
    ReferToGakkumdu,
    ForwardToBkn,
    BknReceive,
    BknReturn,
    BknConclude,
    Recommend,
    PpkReceive,
    PpkReturn,
    Summon,
    RecordExamination,
    ClearAsn,
    IssueSanction,
    DeliverDecision,
    TakeEffect,
    FileAppeal,
    DecideAppeal,
    FileLawsuit,
    CourtDecision,
    FlagNonCompliance,
    BlockData,
    UnblockData,
    Close,
    HandToProsecutor,
    FileAtCourt,
    RecordVerdict,
    RecordAppealVerdict,
    StopInvestigation,
}

impl ActionKind {
    /// Every action kind.
    pub const ALL: [ActionKind; 36] = [
        ActionKind::ReceiveReport,
        ActionKind::RecordFinding,
        ActionKind::BeginPreliminaryCheck,
        ActionKind::Register,
        ActionKind::RejectFormal,
        ActionKind::BeginKajian,
        ActionKind::ExtendKajian,
        ActionKind::DecideNotViolation,
        ActionKind::ReferToKpu,
        ActionKind::ReferToGakkumdu,
        ActionKind::ForwardToBkn,
        ActionKind::BknReceive,
        ActionKind::BknReturn,
        ActionKind::BknConclude,
        ActionKind::Recommend,
        ActionKind::PpkReceive,
        ActionKind::PpkReturn,
        ActionKind::Summon,
        ActionKind::RecordExamination,
        ActionKind::ClearAsn,
        ActionKind::IssueSanction,
        ActionKind::DeliverDecision,
        ActionKind::TakeEffect,
        ActionKind::FileAppeal,
        ActionKind::DecideAppeal,
        ActionKind::FileLawsuit,
        ActionKind::CourtDecision,
        ActionKind::FlagNonCompliance,
        ActionKind::BlockData,
        ActionKind::UnblockData,
        ActionKind::Close,
        ActionKind::HandToProsecutor,
        ActionKind::FileAtCourt,
        ActionKind::RecordVerdict,
        ActionKind::RecordAppealVerdict,
        ActionKind::StopInvestigation,
    ];

    /// Stable id for storage and forms.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::ReceiveReport => "receive_report",
            ActionKind::RecordFinding => "record_finding",
            ActionKind::BeginPreliminaryCheck => "begin_preliminary_check",
            ActionKind::Register => "register",
            ActionKind::RejectFormal => "reject_formal",
            ActionKind::BeginKajian => "begin_kajian",
            ActionKind::ExtendKajian => "extend_kajian",
            ActionKind::DecideNotViolation => "decide_not_violation",
            ActionKind::ReferToKpu => "refer_to_kpu",
            ActionKind::ReferToGakkumdu => "refer_to_gakkumdu",
            ActionKind::ForwardToBkn => "forward_to_bkn",
            ActionKind::BknReceive => "bkn_receive",
            ActionKind::BknReturn => "bkn_return",
            ActionKind::BknConclude => "bkn_conclude",
            ActionKind::Recommend => "recommend",
            ActionKind::PpkReceive => "ppk_receive",
            ActionKind::PpkReturn => "ppk_return",
            ActionKind::Summon => "summon",
            ActionKind::RecordExamination => "record_examination",
            ActionKind::ClearAsn => "clear_asn",
            ActionKind::IssueSanction => "issue_sanction",
            ActionKind::DeliverDecision => "deliver_decision",
            ActionKind::TakeEffect => "take_effect",
            ActionKind::FileAppeal => "file_appeal",
            ActionKind::DecideAppeal => "decide_appeal",
            ActionKind::FileLawsuit => "file_lawsuit",
            ActionKind::CourtDecision => "court_decision",
            ActionKind::FlagNonCompliance => "flag_non_compliance",
            ActionKind::BlockData => "block_data",
            ActionKind::UnblockData => "unblock_data",
            ActionKind::Close => "close",
            ActionKind::HandToProsecutor => "hand_to_prosecutor",
            ActionKind::FileAtCourt => "file_at_court",
            ActionKind::RecordVerdict => "record_verdict",
            ActionKind::RecordAppealVerdict => "record_appeal_verdict",
            ActionKind::StopInvestigation => "stop_investigation",
        }
    }

    /// Inverse of [`ActionKind::as_str`].
    pub fn parse(text: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// Name for buttons and the timeline.
    pub fn name(self, locale: Locale) -> &'static str {
        match self {
            ActionKind::ReceiveReport => locale.pick("Terima laporan", "Receive report"),
            ActionKind::RecordFinding => locale.pick("Catat temuan", "Record finding"),
            ActionKind::BeginPreliminaryCheck => locale.pick("Mulai kajian awal", "Begin preliminary check"),
            ActionKind::Register => locale.pick("Registrasi", "Register"),
            ActionKind::RejectFormal => {
                locale.pick("Tidak diregistrasi (syarat formal)", "Do not register (formal requirements)")
            }
            ActionKind::BeginKajian => locale.pick("Mulai kajian", "Begin study"),
            ActionKind::ExtendKajian => locale.pick("Perpanjang kajian (+2 hari)", "Extend study (+2 days)"),
            ActionKind::DecideNotViolation => locale.pick("Bukan pelanggaran", "Not a violation"),
            ActionKind::ReferToKpu => locale.pick("Teruskan ke KPU (administrasi)", "Refer to KPU (administrative)"),
            ActionKind::ReferToGakkumdu => locale.pick("Teruskan ke Gakkumdu (pidana)", "Refer to Gakkumdu (criminal)"),
            ActionKind::ForwardToBkn => locale.pick("Teruskan ke BKN", "Forward to BKN"),
            ActionKind::BknReceive => locale.pick("Terima penerusan (BKN)", "Accept forwarding (BKN)"),
            ActionKind::BknReturn => locale.pick("Kembalikan ke Bawaslu", "Return to Bawaslu"),
            ActionKind::BknConclude => locale.pick("Simpulkan tanpa rekomendasi", "Conclude without recommendation"),
            ActionKind::Recommend => locale.pick("Kirim rekomendasi ke PPK", "Send recommendation to the PPK"),
            ActionKind::PpkReceive => locale.pick("Terima rekomendasi (PPK)", "Accept recommendation (PPK)"),
            ActionKind::PpkReturn => locale.pick("Kembalikan ke BKN", "Return to BKN"),
            ActionKind::Summon => locale.pick("Catat pemanggilan", "Record summons"),
            ActionKind::RecordExamination => locale.pick("Catat pemeriksaan (BAP)", "Record examination (BAP)"),
            ActionKind::ClearAsn => locale.pick("Tidak terbukti", "Not proven"),
            ActionKind::IssueSanction => locale.pick("Tetapkan keputusan hukuman", "Issue sanction decision"),
            ActionKind::DeliverDecision => {
                locale.pick("Catat penyampaian keputusan", "Record delivery of the decision")
            }
            ActionKind::TakeEffect => locale.pick("Catat hukuman berlaku", "Record the sanction taking effect"),
            ActionKind::FileAppeal => locale.pick("Catat upaya administratif", "Record administrative appeal"),
            ActionKind::DecideAppeal => locale.pick("Catat putusan upaya administratif", "Record appeal decision"),
            ActionKind::FileLawsuit => locale.pick("Catat gugatan PTUN", "Record court case (PTUN)"),
            ActionKind::CourtDecision => locale.pick("Catat putusan PTUN", "Record court decision"),
            ActionKind::FlagNonCompliance => locale.pick("Tandai tidak ditindaklanjuti", "Flag as not followed up"),
            ActionKind::BlockData => locale.pick("Blokir data kepegawaian", "Block personnel data"),
            ActionKind::UnblockData => locale.pick("Buka blokir data", "Unblock personnel data"),
            ActionKind::Close => locale.pick("Tutup kasus", "Close case"),
            ActionKind::HandToProsecutor => locale.pick("Limpahkan ke penuntut umum", "Hand to prosecutor"),
            ActionKind::FileAtCourt => locale.pick("Catat pelimpahan ke pengadilan", "Record filing at court"),
            ActionKind::RecordVerdict => locale.pick("Catat putusan pengadilan", "Record verdict"),
            ActionKind::RecordAppealVerdict => locale.pick("Catat putusan banding", "Record appeal verdict"),
            ActionKind::StopInvestigation => locale.pick("Hentikan penyidikan", "Stop investigation"),
        }
    }
}

/// Which actors may perform an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Performers {
    Bawaslu,
    BawasluOrPublic,
    Bkn,
    BknOrSystem,
    Ppk,
    PpkOrInspektorat,
    PpkOrSystem,
    PpkOrBkn,
}

impl Performers {
    fn allows(self, actor: Actor) -> bool {
        let role = match actor {
            Actor::Staff(role) => Some(role),
            _ => None,
        };
        let bawaslu = role.is_some_and(Role::is_bawaslu);
        let bkn = role.is_some_and(Role::is_bkn);
        let ppk = role == Some(Role::PpkOffice);
        match self {
            Performers::Bawaslu => bawaslu,
            Performers::BawasluOrPublic => bawaslu || actor == Actor::Public,
            Performers::Bkn => bkn,
            Performers::BknOrSystem => bkn || actor == Actor::System,
            Performers::Ppk => ppk,
            Performers::PpkOrInspektorat => ppk || role == Some(Role::Inspektorat),
            Performers::PpkOrSystem => ppk || actor == Actor::System,
            Performers::PpkOrBkn => ppk || bkn,
        }
    }
}

/// One rule of the transition table: an action, the states it leaves, who may perform it.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub action: ActionKind,
    pub from: &'static [CaseState],
    performers: Performers,
    /// The fields the action needs besides its date, for forms and documentation.
    pub requires: &'static [&'static str],
}

use CaseState as S;

const RULES: &[Rule] = &[
    Rule {
        action: ActionKind::ReceiveReport,
        from: &[S::EventKnown],
        performers: Performers::BawasluOrPublic,
        requires: &[],
    },
    Rule { action: ActionKind::RecordFinding, from: &[S::EventKnown], performers: Performers::Bawaslu, requires: &[] },
    Rule {
        action: ActionKind::BeginPreliminaryCheck,
        from: &[S::LaporanReceived, S::TemuanRecorded],
        performers: Performers::Bawaslu,
        requires: &[],
    },
    Rule {
        action: ActionKind::Register,
        from: &[S::KajianAwal],
        performers: Performers::Bawaslu,
        requires: &["number"],
    },
    Rule {
        action: ActionKind::RejectFormal,
        from: &[S::KajianAwal],
        performers: Performers::Bawaslu,
        requires: &["reason"],
    },
    Rule { action: ActionKind::BeginKajian, from: &[S::Registered], performers: Performers::Bawaslu, requires: &[] },
    Rule {
        action: ActionKind::ExtendKajian,
        from: &[S::Kajian],
        performers: Performers::Bawaslu,
        requires: &["reason"],
    },
    Rule {
        action: ActionKind::DecideNotViolation,
        from: &[S::Kajian],
        performers: Performers::Bawaslu,
        requires: &["reason"],
    },
    Rule { action: ActionKind::ReferToKpu, from: &[S::Kajian], performers: Performers::Bawaslu, requires: &["reason"] },
    Rule {
        action: ActionKind::ReferToGakkumdu,
        from: &[S::Kajian],
        performers: Performers::Bawaslu,
        requires: &["reason"],
    },
    Rule {
        action: ActionKind::ForwardToBkn,
        from: &[S::Kajian],
        performers: Performers::Bawaslu,
        requires: &["letter_number", "items"],
    },
    Rule { action: ActionKind::BknReceive, from: &[S::ForwardedToBkn], performers: Performers::Bkn, requires: &[] },
    Rule { action: ActionKind::BknReturn, from: &[S::BknReview], performers: Performers::Bkn, requires: &["reason"] },
    Rule {
        action: ActionKind::BknConclude,
        from: &[S::BknReview],
        performers: Performers::Bkn,
        requires: &["conclusion", "reason"],
    },
    Rule {
        action: ActionKind::Recommend,
        from: &[S::BknReview],
        performers: Performers::Bkn,
        requires: &["letter_number", "level"],
    },
    Rule { action: ActionKind::PpkReceive, from: &[S::RecommendationSent], performers: Performers::Ppk, requires: &[] },
    Rule {
        action: ActionKind::PpkReturn,
        from: &[S::RecommendationSent],
        performers: Performers::Ppk,
        requires: &["reason"],
    },
    Rule {
        action: ActionKind::Summon,
        from: &[S::PpkProcess, S::Summoned, S::NotFollowedUp, S::DataBlocked],
        performers: Performers::Ppk,
        requires: &[],
    },
    Rule {
        action: ActionKind::RecordExamination,
        from: &[S::Summoned],
        performers: Performers::PpkOrInspektorat,
        requires: &["attended"],
    },
    Rule { action: ActionKind::ClearAsn, from: &[S::Examined], performers: Performers::Ppk, requires: &["reason"] },
    Rule {
        action: ActionKind::IssueSanction,
        from: &[S::Examined],
        performers: Performers::Ppk,
        requires: &["decree_number", "level"],
    },
    Rule {
        action: ActionKind::DeliverDecision,
        from: &[S::SanctionIssued],
        performers: Performers::Ppk,
        requires: &[],
    },
    Rule {
        action: ActionKind::TakeEffect,
        from: &[S::SanctionDelivered],
        performers: Performers::PpkOrSystem,
        requires: &[],
    },
    Rule {
        action: ActionKind::FileAppeal,
        from: &[S::SanctionDelivered, S::SanctionEffective],
        performers: Performers::PpkOrBkn,
        requires: &["kind"],
    },
    Rule {
        action: ActionKind::DecideAppeal,
        from: &[S::UpayaAdministratif],
        performers: Performers::PpkOrBkn,
        requires: &["outcome"],
    },
    Rule {
        action: ActionKind::FileLawsuit,
        from: &[S::SanctionEffective],
        performers: Performers::PpkOrBkn,
        requires: &[],
    },
    Rule {
        action: ActionKind::CourtDecision,
        from: &[S::Ptun],
        performers: Performers::PpkOrBkn,
        requires: &["sanction_stands"],
    },
    Rule {
        action: ActionKind::FlagNonCompliance,
        from: &[S::PpkProcess],
        performers: Performers::BknOrSystem,
        requires: &[],
    },
    Rule {
        action: ActionKind::BlockData,
        from: &[S::NotFollowedUp],
        performers: Performers::Bkn,
        requires: &["reference"],
    },
    Rule {
        action: ActionKind::UnblockData,
        from: &[
            S::Summoned,
            S::Examined,
            S::SanctionIssued,
            S::SanctionDelivered,
            S::SanctionEffective,
            S::UpayaAdministratif,
            S::Ptun,
        ],
        performers: Performers::Bkn,
        requires: &[],
    },
    Rule {
        action: ActionKind::Close,
        from: &[S::SanctionEffective],
        performers: Performers::PpkOrBkn,
        requires: &["reason"],
    },
    Rule {
        action: ActionKind::HandToProsecutor,
        from: &[S::GakkumduInvestigation],
        performers: Performers::Bawaslu,
        requires: &[],
    },
    Rule {
        action: ActionKind::FileAtCourt,
        from: &[S::GakkumduProsecution],
        performers: Performers::Bawaslu,
        requires: &[],
    },
    Rule {
        action: ActionKind::RecordVerdict,
        from: &[S::GakkumduTrial],
        performers: Performers::Bawaslu,
        requires: &["appealed"],
    },
    Rule {
        action: ActionKind::RecordAppealVerdict,
        from: &[S::GakkumduAppeal],
        performers: Performers::Bawaslu,
        requires: &[],
    },
    Rule {
        action: ActionKind::StopInvestigation,
        from: &[S::GakkumduInvestigation, S::GakkumduProsecution],
        performers: Performers::Bawaslu,
        requires: &["reason"],
    },
];

/// The transition table.
pub fn rules() -> &'static [Rule] {
    RULES
}

fn rule(kind: ActionKind) -> &'static Rule {
    RULES.iter().find(|rule| rule.action == kind).expect("every action kind has a rule")
}

/// The actions `actor` may take on a case in `state` (before checking the action's data).
pub fn allowed_actions(state: CaseState, actor: Actor) -> Vec<ActionKind> {
    RULES
        .iter()
        .filter(|rule| rule.from.contains(&state) && rule.performers.allows(actor))
        .map(|rule| rule.action)
        .collect()
}

impl Action {
    /// The kind of action.
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::ReceiveReport { .. } => ActionKind::ReceiveReport,
            Action::RecordFinding { .. } => ActionKind::RecordFinding,
            Action::BeginPreliminaryCheck { .. } => ActionKind::BeginPreliminaryCheck,
            Action::Register { .. } => ActionKind::Register,
            Action::RejectFormal { .. } => ActionKind::RejectFormal,
            Action::BeginKajian { .. } => ActionKind::BeginKajian,
            Action::ExtendKajian { .. } => ActionKind::ExtendKajian,
            Action::DecideNotViolation { .. } => ActionKind::DecideNotViolation,
            Action::ReferToKpu { .. } => ActionKind::ReferToKpu,
            Action::ReferToGakkumdu { .. } => ActionKind::ReferToGakkumdu,
            Action::ForwardToBkn { .. } => ActionKind::ForwardToBkn,
            Action::BknReceive { .. } => ActionKind::BknReceive,
            Action::BknReturn { .. } => ActionKind::BknReturn,
            Action::BknConclude { .. } => ActionKind::BknConclude,
            Action::Recommend { .. } => ActionKind::Recommend,
            Action::PpkReceive { .. } => ActionKind::PpkReceive,
            Action::PpkReturn { .. } => ActionKind::PpkReturn,
            Action::Summon { .. } => ActionKind::Summon,
            Action::RecordExamination { .. } => ActionKind::RecordExamination,
            Action::ClearAsn { .. } => ActionKind::ClearAsn,
            Action::IssueSanction { .. } => ActionKind::IssueSanction,
            Action::DeliverDecision { .. } => ActionKind::DeliverDecision,
            Action::TakeEffect { .. } => ActionKind::TakeEffect,
            Action::FileAppeal { .. } => ActionKind::FileAppeal,
            Action::DecideAppeal { .. } => ActionKind::DecideAppeal,
            Action::FileLawsuit { .. } => ActionKind::FileLawsuit,
            Action::CourtDecision { .. } => ActionKind::CourtDecision,
            Action::FlagNonCompliance { .. } => ActionKind::FlagNonCompliance,
            Action::BlockData { .. } => ActionKind::BlockData,
            Action::UnblockData { .. } => ActionKind::UnblockData,
            Action::Close { .. } => ActionKind::Close,
            Action::HandToProsecutor { .. } => ActionKind::HandToProsecutor,
            Action::FileAtCourt { .. } => ActionKind::FileAtCourt,
            Action::RecordVerdict { .. } => ActionKind::RecordVerdict,
            Action::RecordAppealVerdict { .. } => ActionKind::RecordAppealVerdict,
            Action::StopInvestigation { .. } => ActionKind::StopInvestigation,
        }
    }

    /// The date the action happened.
    pub fn on(&self) -> Date {
        match self {
            Action::ReceiveReport { on }
            | Action::RecordFinding { on }
            | Action::BeginPreliminaryCheck { on }
            | Action::Register { on, .. }
            | Action::RejectFormal { on, .. }
            | Action::BeginKajian { on }
            | Action::ExtendKajian { on, .. }
            | Action::DecideNotViolation { on, .. }
            | Action::ReferToKpu { on, .. }
            | Action::ReferToGakkumdu { on, .. }
            | Action::ForwardToBkn { on, .. }
            | Action::BknReceive { on }
            | Action::BknReturn { on, .. }
            | Action::BknConclude { on, .. }
            | Action::Recommend { on, .. }
            | Action::PpkReceive { on }
            | Action::PpkReturn { on, .. }
            | Action::Summon { on }
            | Action::RecordExamination { on, .. }
            | Action::ClearAsn { on, .. }
            | Action::IssueSanction { on, .. }
            | Action::DeliverDecision { on }
            | Action::TakeEffect { on }
            | Action::FileAppeal { on, .. }
            | Action::DecideAppeal { on, .. }
            | Action::FileLawsuit { on }
            | Action::CourtDecision { on, .. }
            | Action::FlagNonCompliance { on }
            | Action::BlockData { on, .. }
            | Action::UnblockData { on }
            | Action::Close { on, .. }
            | Action::HandToProsecutor { on }
            | Action::FileAtCourt { on }
            | Action::RecordVerdict { on, .. }
            | Action::RecordAppealVerdict { on }
            | Action::StopInvestigation { on, .. } => *on,
        }
    }

    /// The action's data besides its date, as named text fields: the inverse of [`Action::from_fields`], used
    /// for the event log and for checking that required texts are not blank.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let text = |name: &'static str, value: &str| vec![(name, value.to_string())];
        match self {
            Action::Register { number, .. } => text("number", number),
            Action::RejectFormal { reason, .. }
            | Action::ExtendKajian { reason, .. }
            | Action::DecideNotViolation { reason, .. }
            | Action::ReferToKpu { reason, .. }
            | Action::ReferToGakkumdu { reason, .. }
            | Action::BknReturn { reason, .. }
            | Action::PpkReturn { reason, .. }
            | Action::ClearAsn { reason, .. }
            | Action::Close { reason, .. }
            | Action::StopInvestigation { reason, .. } => text("reason", reason),
            Action::ForwardToBkn { letter_number, items, .. } => {
                vec![("letter_number", letter_number.clone()), ("items", items.join(","))]
            }
            Action::BknConclude { conclusion, reason, .. } => {
                let conclusion = match conclusion {
                    BknConclusion::NotProven => "not_proven",
                    BknConclusion::Cancelled => "cancelled",
                    BknConclusion::AsnLeftService => "asn_left_service",
                };
                vec![("conclusion", conclusion.into()), ("reason", reason.clone())]
            }
            Action::Recommend { letter_number, level, .. } => {
                vec![("letter_number", letter_number.clone()), ("level", level.as_str().into())]
            }
            Action::IssueSanction { decree_number, level, .. } => {
                vec![("decree_number", decree_number.clone()), ("level", level.as_str().into())]
            }
            Action::BlockData { reference, .. } => text("reference", reference),
            Action::RecordExamination { attended, .. } => text("attended", &attended.to_string()),
            Action::CourtDecision { sanction_stands, .. } => text("sanction_stands", &sanction_stands.to_string()),
            Action::RecordVerdict { appealed, .. } => text("appealed", &appealed.to_string()),
            Action::FileAppeal { kind, .. } => text(
                "kind",
                match kind {
                    AppealKind::Keberatan => "keberatan",
                    AppealKind::Banding => "banding",
                },
            ),
            Action::DecideAppeal { outcome, .. } => text(
                "outcome",
                match outcome {
                    AppealOutcome::Upheld => "upheld",
                    AppealOutcome::Annulled => "annulled",
                    AppealOutcome::Changed => "changed",
                },
            ),
            _ => Vec::new(),
        }
    }

    /// The free-text fields that must not be blank, with their values.
    fn required_texts(&self) -> Vec<(&'static str, String)> {
        const TEXTS: [&str; 5] = ["number", "reason", "letter_number", "decree_number", "reference"];
        self.fields().into_iter().filter(|(name, _)| TEXTS.contains(name)).collect()
    }
}

/// A form field of an action that is missing or malformed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: &'static str,
}

impl Localized for FieldProblem {
    fn message(&self, locale: Locale) -> String {
        match locale {
            Locale::Id => format!("Isian {} wajib diisi dengan nilai yang sah.", self.field),
            Locale::En => format!("Field {} needs a valid value.", self.field),
        }
    }
}

impl Action {
    /// Builds an action of `kind` dated `on` from named fields (a form or JSON): the fields are those of
    /// [`Rule::requires`]; `items` is a comma- or space-separated list of catalogue codes; `level` a
    /// [`SanctionLevel`] id; booleans are `1`/`true`; `kind`, `outcome`, `conclusion` the snake-case variant.
    pub fn from_fields(
        kind: ActionKind,
        on: Date,
        get: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Action, FieldProblem> {
        let text = |name: &'static str| get(name).unwrap_or_default();
        let flag = |name: &'static str| matches!(get(name).as_deref().map(str::trim), Some("1" | "true" | "on" | "ya"));
        let level = || {
            let raw = text("level");
            [
                SanctionLevel::Moral,
                SanctionLevel::Ringan,
                SanctionLevel::Sedang,
                SanctionLevel::Berat,
                SanctionLevel::Ptdh,
            ]
            .into_iter()
            .find(|level| level.as_str() == raw.trim())
            .ok_or(FieldProblem { field: "level" })
        };
        Ok(match kind {
            ActionKind::ReceiveReport => Action::ReceiveReport { on },
            ActionKind::RecordFinding => Action::RecordFinding { on },
            ActionKind::BeginPreliminaryCheck => Action::BeginPreliminaryCheck { on },
            ActionKind::Register => Action::Register { on, number: text("number") },
            ActionKind::RejectFormal => Action::RejectFormal { on, reason: text("reason") },
            ActionKind::BeginKajian => Action::BeginKajian { on },
            ActionKind::ExtendKajian => Action::ExtendKajian { on, reason: text("reason") },
            ActionKind::DecideNotViolation => Action::DecideNotViolation { on, reason: text("reason") },
            ActionKind::ReferToKpu => Action::ReferToKpu { on, reason: text("reason") },
            ActionKind::ReferToGakkumdu => Action::ReferToGakkumdu { on, reason: text("reason") },
            ActionKind::ForwardToBkn => Action::ForwardToBkn {
                on,
                letter_number: text("letter_number"),
                items: crate::catalogue::item_codes(&text("items")),
            },
            ActionKind::BknReceive => Action::BknReceive { on },
            ActionKind::BknReturn => Action::BknReturn { on, reason: text("reason") },
            ActionKind::BknConclude => Action::BknConclude {
                on,
                conclusion: match text("conclusion").trim() {
                    "not_proven" => BknConclusion::NotProven,
                    "cancelled" => BknConclusion::Cancelled,
                    "asn_left_service" => BknConclusion::AsnLeftService,
                    _ => return Err(FieldProblem { field: "conclusion" }),
                },
                reason: text("reason"),
            },
            ActionKind::Recommend => Action::Recommend { on, letter_number: text("letter_number"), level: level()? },
            ActionKind::PpkReceive => Action::PpkReceive { on },
            ActionKind::PpkReturn => Action::PpkReturn { on, reason: text("reason") },
            ActionKind::Summon => Action::Summon { on },
            ActionKind::RecordExamination => Action::RecordExamination { on, attended: flag("attended") },
            ActionKind::ClearAsn => Action::ClearAsn { on, reason: text("reason") },
            ActionKind::IssueSanction => {
                Action::IssueSanction { on, decree_number: text("decree_number"), level: level()? }
            }
            ActionKind::DeliverDecision => Action::DeliverDecision { on },
            ActionKind::TakeEffect => Action::TakeEffect { on },
            ActionKind::FileAppeal => Action::FileAppeal {
                on,
                kind: match text("kind").trim() {
                    "keberatan" => AppealKind::Keberatan,
                    "banding" => AppealKind::Banding,
                    _ => return Err(FieldProblem { field: "kind" }),
                },
            },
            ActionKind::DecideAppeal => Action::DecideAppeal {
                on,
                outcome: match text("outcome").trim() {
                    "upheld" => AppealOutcome::Upheld,
                    "annulled" => AppealOutcome::Annulled,
                    "changed" => AppealOutcome::Changed,
                    _ => return Err(FieldProblem { field: "outcome" }),
                },
            },
            ActionKind::FileLawsuit => Action::FileLawsuit { on },
            ActionKind::CourtDecision => Action::CourtDecision { on, sanction_stands: flag("sanction_stands") },
            ActionKind::FlagNonCompliance => Action::FlagNonCompliance { on },
            ActionKind::BlockData => Action::BlockData { on, reference: text("reference") },
            ActionKind::UnblockData => Action::UnblockData { on },
            ActionKind::Close => Action::Close { on, reason: text("reason") },
            ActionKind::HandToProsecutor => Action::HandToProsecutor { on },
            ActionKind::FileAtCourt => Action::FileAtCourt { on },
            ActionKind::RecordVerdict => Action::RecordVerdict { on, appealed: flag("appealed") },
            ActionKind::RecordAppealVerdict => Action::RecordAppealVerdict { on },
            ActionKind::StopInvestigation => Action::StopInvestigation { on, reason: text("reason") },
        })
    }
}

/// The fields an action needs besides its date.
pub fn required_fields(kind: ActionKind) -> &'static [&'static str] {
    rule(kind).requires
}

/// A clock that is running on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunningClock {
    pub kind: ClockKind,
    pub started_on: Date,
    pub due_on: Date,
}

/// What a case's workflow needs to know about it: its state, running clocks and a few facts that later rules
/// depend on. The store keeps this next to the case and replays transitions into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSnapshot {
    pub state: CaseState,
    pub clocks: Vec<RunningClock>,
    /// Date of the last event; later actions cannot be dated before it.
    pub last_event_on: Date,
    /// Last day of the admissibility window (7 days from when the act became known).
    pub admissibility_due: Date,
    /// Whether the report or finding arrived within the admissibility window (known once received).
    pub timely: Option<bool>,
    pub kajian_extended: bool,
    pub summons_count: u8,
    pub appeal_decided: bool,
    pub lawsuit_filed: bool,
    pub data_blocked: bool,
}

/// The result of a valid action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub action: ActionKind,
    pub from: CaseState,
    pub to: CaseState,
    pub on: Date,
    pub started: Vec<RunningClock>,
    pub stopped: Vec<ClockKind>,
    /// The snapshot after the transition.
    pub next: CaseSnapshot,
}

/// The data the workflow computes with.
#[derive(Debug, Clone, Copy)]
pub struct WorkflowRules<'a> {
    pub clocks: &'a ClockTable,
    pub calendar: &'a Calendar,
}

impl WorkflowRules<'static> {
    /// The rules of the embedded data files.
    pub fn builtin() -> WorkflowRules<'static> {
        WorkflowRules { clocks: crate::builtin::clocks(), calendar: crate::builtin::calendar() }
    }
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkflowError {
    /// The action does not exist in this state.
    NotAllowedInState { action: ActionKind, state: CaseState },
    /// The actor's role may not perform the action.
    NotPermitted { action: ActionKind },
    /// The action is dated before the previous event of the case.
    BeforePreviousEvent { on: Date, previous: Date },
    /// The action is dated after today.
    InTheFuture { on: Date, today: Date },
    /// A required field is blank.
    MissingField { field: &'static str },
    /// The report arrived after the admissibility window and cannot be registered.
    Late { due: Date },
    /// The kajian has already been extended once.
    AlreadyExtended,
    /// The employee did not attend and has been summoned only once: a second summons is required.
    SecondSummonsRequired,
    /// The action needs a clock to have run out first (e.g. day 15, the PPK deadline).
    NotYetDue { due: Date },
    /// A window has closed (e.g. the appeal period).
    WindowClosed { due: Date },
    /// The level does not belong in this decision.
    InvalidLevel { level: SanctionLevel },
    /// Personnel data is still blocked.
    StillBlocked,
    /// Nothing to unblock.
    NotBlocked,
    /// A court case needs a decided administrative appeal and is possible once.
    LawsuitNotPossible,
    /// The calendar could not count the days.
    Calendar(CalendarError),
}

impl Localized for WorkflowError {
    fn message(&self, locale: Locale) -> String {
        use WorkflowError::*;
        match self {
            NotAllowedInState { action, state } => match locale {
                Locale::Id => format!("Tindakan {action:?} tidak tersedia pada status \"{}\".", state.name(locale)),
                Locale::En => format!("Action {action:?} is not available in state \"{}\".", state.name(locale)),
            },
            NotPermitted { action } => match locale {
                Locale::Id => format!("Peran Anda tidak berwenang melakukan tindakan {action:?}."),
                Locale::En => format!("Your role may not perform {action:?}."),
            },
            BeforePreviousEvent { on, previous } => match locale {
                Locale::Id => format!("Tanggal {on} lebih awal dari peristiwa sebelumnya ({previous})."),
                Locale::En => format!("Date {on} is before the previous event ({previous})."),
            },
            InTheFuture { on, today } => match locale {
                Locale::Id => format!("Tanggal {on} belum terjadi (hari ini {today})."),
                Locale::En => format!("Date {on} is in the future (today is {today})."),
            },
            MissingField { field } => match locale {
                Locale::Id => format!("Kolom {field} wajib diisi."),
                Locale::En => format!("Field {field} is required."),
            },
            Late { due } => match locale {
                Locale::Id => format!("Laporan melewati batas 7 hari (paling lambat {due}); tidak dapat diregistrasi."),
                Locale::En => format!("The report is past the 7-day limit (last day {due}); it cannot be registered."),
            },
            AlreadyExtended => {
                locale.pick("Kajian sudah pernah diperpanjang.", "The study has already been extended.").into()
            }
            SecondSummonsRequired => locale
                .pick(
                    "Pegawai tidak hadir: lakukan pemanggilan kedua sebelum memutus berdasarkan bukti.",
                    "The employee did not attend: a second summons is required before deciding on the evidence.",
                )
                .into(),
            NotYetDue { due } => match locale {
                Locale::Id => format!("Belum waktunya: batas waktu jatuh pada {due}."),
                Locale::En => format!("Not yet: the clock runs until {due}."),
            },
            WindowClosed { due } => match locale {
                Locale::Id => format!("Batas waktu sudah lewat ({due})."),
                Locale::En => format!("The window closed on {due}."),
            },
            InvalidLevel { level } => match locale {
                Locale::Id => format!("Tingkat \"{}\" tidak dapat dipakai dalam keputusan ini.", level.name(locale)),
                Locale::En => format!("Level \"{}\" cannot be used in this decision.", level.name(locale)),
            },
            StillBlocked => locale
                .pick(
                    "Data kepegawaian masih diblokir; buka blokir terlebih dahulu.",
                    "Personnel data is still blocked; unblock it first.",
                )
                .into(),
            NotBlocked => {
                locale.pick("Data kepegawaian tidak sedang diblokir.", "Personnel data is not blocked.").into()
            }
            LawsuitNotPossible => locale
                .pick(
                    "Gugatan PTUN hanya setelah upaya administratif diputus, dan hanya sekali.",
                    "A court case is possible only after the administrative appeal is decided, and only once.",
                )
                .into(),
            Calendar(error) => error.to_string(),
        }
    }
}

impl fmt::Display for WorkflowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        display_english(self, f)
    }
}

impl std::error::Error for WorkflowError {}

impl From<CalendarError> for WorkflowError {
    fn from(error: CalendarError) -> Self {
        WorkflowError::Calendar(error)
    }
}

impl CaseSnapshot {
    /// A new case at S0: the act became known on `known_on`, which starts the admissibility clock.
    pub fn new(known_on: Date, rules: WorkflowRules<'_>) -> Result<CaseSnapshot, WorkflowError> {
        let due_on = rules.clocks.due(ClockKind::Admissibility, known_on, rules.calendar)?;
        Ok(CaseSnapshot {
            state: CaseState::EventKnown,
            clocks: vec![RunningClock { kind: ClockKind::Admissibility, started_on: known_on, due_on }],
            last_event_on: known_on,
            admissibility_due: due_on,
            timely: None,
            kajian_extended: false,
            summons_count: 0,
            appeal_decided: false,
            lawsuit_filed: false,
            data_blocked: false,
        })
    }

    /// The running clock of a kind.
    pub fn clock(&self, kind: ClockKind) -> Option<&RunningClock> {
        self.clocks.iter().find(|clock| clock.kind == kind)
    }

    /// Applies `action` by `actor` on `today`, or says why not.
    pub fn transition(
        &self,
        action: &Action,
        actor: Actor,
        today: Date,
        rules: WorkflowRules<'_>,
    ) -> Result<Transition, WorkflowError> {
        let kind = action.kind();
        let rule = rule(kind);
        if !rule.from.contains(&self.state) {
            return Err(WorkflowError::NotAllowedInState { action: kind, state: self.state });
        }
        if !rule.performers.allows(actor) {
            return Err(WorkflowError::NotPermitted { action: kind });
        }
        let on = action.on();
        if on < self.last_event_on {
            return Err(WorkflowError::BeforePreviousEvent { on, previous: self.last_event_on });
        }
        if on > today {
            return Err(WorkflowError::InTheFuture { on, today });
        }
        if let Some((field, _)) = action.required_texts().into_iter().find(|(_, value)| value.trim().is_empty()) {
            return Err(WorkflowError::MissingField { field });
        }

        let mut next = self.clone();
        let mut started = Vec::new();
        let mut stopped = Vec::new();
        let start = |kind: ClockKind, from: Date, started: &mut Vec<RunningClock>| -> Result<(), WorkflowError> {
            let due_on = rules.clocks.due(kind, from, rules.calendar)?;
            started.push(RunningClock { kind, started_on: from, due_on });
            Ok(())
        };
        let running = |kind: ClockKind| self.clock(kind).copied();

        use CaseState as S;
        let to = match action {
            Action::ReceiveReport { .. } | Action::RecordFinding { .. } => {
                next.timely = Some(on <= self.admissibility_due);
                stopped.push(ClockKind::Admissibility);
                if kind == ActionKind::ReceiveReport { S::LaporanReceived } else { S::TemuanRecorded }
            }
            Action::BeginPreliminaryCheck { .. } => S::KajianAwal,
            Action::Register { .. } => {
                if self.timely == Some(false) {
                    return Err(WorkflowError::Late { due: self.admissibility_due });
                }
                start(ClockKind::Kajian, on, &mut started)?;
                S::Registered
            }
            Action::RejectFormal { .. } => S::NotRegistered,
            Action::BeginKajian { .. } => S::Kajian,
            Action::ExtendKajian { .. } => {
                if self.kajian_extended {
                    return Err(WorkflowError::AlreadyExtended);
                }
                if let Some(kajian) = running(ClockKind::Kajian) {
                    stopped.push(ClockKind::Kajian);
                    start(ClockKind::KajianExtension, kajian.due_on, &mut started)?;
                } else {
                    start(ClockKind::KajianExtension, on, &mut started)?;
                }
                next.kajian_extended = true;
                S::Kajian
            }
            Action::DecideNotViolation { .. } => S::NotViolation,
            Action::ReferToKpu { .. } => S::AdminToKpu,
            Action::ReferToGakkumdu { .. } => {
                stop_all_of(self, &[ClockKind::Kajian, ClockKind::KajianExtension], &mut stopped);
                start(ClockKind::GakkumduInvestigation, on, &mut started)?;
                S::GakkumduInvestigation
            }
            Action::ForwardToBkn { items, .. } => {
                if items.iter().all(|item| item.trim().is_empty()) {
                    return Err(WorkflowError::MissingField { field: "items" });
                }
                stop_all_of(self, &[ClockKind::Kajian, ClockKind::KajianExtension], &mut stopped);
                S::ForwardedToBkn
            }
            Action::BknReceive { .. } => S::BknReview,
            Action::BknReturn { .. } => S::Kajian,
            Action::BknConclude { conclusion, .. } => match conclusion {
                BknConclusion::NotProven => S::NotProven,
                BknConclusion::Cancelled => S::Cancelled,
                BknConclusion::AsnLeftService => S::AsnLeftService,
            },
            Action::Recommend { level, .. } => {
                if matches!(level, SanctionLevel::Pidana | SanctionLevel::PerAturan) {
                    return Err(WorkflowError::InvalidLevel { level: *level });
                }
                S::RecommendationSent
            }
            Action::PpkReceive { .. } => {
                start(ClockKind::PpkFollowUp, on, &mut started)?;
                S::PpkProcess
            }
            Action::PpkReturn { .. } => S::BknReview,
            Action::Summon { .. } => {
                stop_all_of(self, &[ClockKind::PpkFollowUp, ClockKind::Summons], &mut stopped);
                start(ClockKind::Summons, on, &mut started)?;
                next.summons_count = self.summons_count.saturating_add(1);
                S::Summoned
            }
            Action::RecordExamination { attended, .. } => {
                if !attended && self.summons_count < 2 {
                    return Err(WorkflowError::SecondSummonsRequired);
                }
                stopped.push(ClockKind::Summons);
                S::Examined
            }
            Action::ClearAsn { .. } => S::NotProven,
            Action::IssueSanction { level, .. } => {
                if matches!(level, SanctionLevel::Pidana | SanctionLevel::PerAturan) {
                    return Err(WorkflowError::InvalidLevel { level: *level });
                }
                start(ClockKind::DecisionDelivery, on, &mut started)?;
                S::SanctionIssued
            }
            Action::DeliverDecision { .. } => {
                stopped.push(ClockKind::DecisionDelivery);
                start(ClockKind::SanctionEffect, on, &mut started)?;
                start(ClockKind::Banding, on, &mut started)?;
                S::SanctionDelivered
            }
            Action::TakeEffect { .. } => {
                let effect = running(ClockKind::SanctionEffect).expect("a delivered decision runs the effect clock");
                if on < effect.due_on {
                    return Err(WorkflowError::NotYetDue { due: effect.due_on });
                }
                stopped.push(ClockKind::SanctionEffect);
                S::SanctionEffective
            }
            Action::FileAppeal { kind: appeal, .. } => {
                match running(ClockKind::Banding) {
                    Some(window) if *appeal == AppealKind::Keberatan || on <= window.due_on => {}
                    Some(window) => return Err(WorkflowError::WindowClosed { due: window.due_on }),
                    None => return Err(WorkflowError::WindowClosed { due: self.last_event_on }),
                }
                stop_all_of(self, &[ClockKind::Banding, ClockKind::SanctionEffect], &mut stopped);
                start(ClockKind::BandingReply, on, &mut started)?;
                S::UpayaAdministratif
            }
            Action::DecideAppeal { outcome, .. } => {
                stopped.push(ClockKind::BandingReply);
                next.appeal_decided = true;
                match outcome {
                    AppealOutcome::Upheld => S::SanctionEffective,
                    AppealOutcome::Annulled => {
                        if self.data_blocked {
                            return Err(WorkflowError::StillBlocked);
                        }
                        S::Closed
                    }
                    AppealOutcome::Changed => {
                        start(ClockKind::DecisionDelivery, on, &mut started)?;
                        S::SanctionIssued
                    }
                }
            }
            Action::FileLawsuit { .. } => {
                if !self.appeal_decided || self.lawsuit_filed {
                    return Err(WorkflowError::LawsuitNotPossible);
                }
                stop_all_of(self, &[ClockKind::Banding], &mut stopped);
                next.lawsuit_filed = true;
                S::Ptun
            }
            Action::CourtDecision { sanction_stands, .. } => {
                if *sanction_stands {
                    S::SanctionEffective
                } else if self.data_blocked {
                    return Err(WorkflowError::StillBlocked);
                } else {
                    S::Closed
                }
            }
            Action::FlagNonCompliance { .. } => {
                let follow_up = running(ClockKind::PpkFollowUp).expect("PPK process runs the follow-up clock");
                if on <= follow_up.due_on {
                    return Err(WorkflowError::NotYetDue { due: follow_up.due_on });
                }
                stopped.push(ClockKind::PpkFollowUp);
                S::NotFollowedUp
            }
            Action::BlockData { .. } => {
                next.data_blocked = true;
                S::DataBlocked
            }
            Action::UnblockData { .. } => {
                if !self.data_blocked {
                    return Err(WorkflowError::NotBlocked);
                }
                next.data_blocked = false;
                self.state
            }
            Action::Close { .. } => {
                if self.data_blocked {
                    return Err(WorkflowError::StillBlocked);
                }
                if let Some(window) = running(ClockKind::Banding)
                    && on <= window.due_on
                {
                    return Err(WorkflowError::NotYetDue { due: window.due_on });
                }
                S::Closed
            }
            Action::HandToProsecutor { .. } => {
                stopped.push(ClockKind::GakkumduInvestigation);
                start(ClockKind::GakkumduProsecution, on, &mut started)?;
                S::GakkumduProsecution
            }
            Action::FileAtCourt { .. } => {
                stopped.push(ClockKind::GakkumduProsecution);
                start(ClockKind::GakkumduTrial, on, &mut started)?;
                S::GakkumduTrial
            }
            Action::RecordVerdict { appealed, .. } => {
                stopped.push(ClockKind::GakkumduTrial);
                if *appealed {
                    start(ClockKind::GakkumduAppeal, on, &mut started)?;
                    S::GakkumduAppeal
                } else {
                    S::CriminalDecided
                }
            }
            Action::RecordAppealVerdict { .. } => {
                stopped.push(ClockKind::GakkumduAppeal);
                S::CriminalDecided
            }
            Action::StopInvestigation { .. } => S::CriminalDecided,
        };

        // A finished case keeps no clock running, whatever the action above stopped explicitly.
        if to.is_terminal() {
            for clock in &self.clocks {
                if !stopped.contains(&clock.kind) {
                    stopped.push(clock.kind);
                }
            }
        }
        stopped.retain(|kind| self.clock(*kind).is_some());
        next.clocks.retain(|clock| !stopped.contains(&clock.kind));
        next.clocks.extend(started.iter().copied());
        next.state = to;
        next.last_event_on = on;
        Ok(Transition { action: kind, from: self.state, to, on, started, stopped, next })
    }
}

fn stop_all_of(snapshot: &CaseSnapshot, kinds: &[ClockKind], stopped: &mut Vec<ClockKind>) {
    for kind in kinds {
        if snapshot.clock(*kind).is_some() {
            stopped.push(*kind);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2025 - 06 - 30);

    #[test]
    fn holders_round_trip_and_each_case_role_works_for_one() {
        for holder in Holder::ALL {
            assert_eq!(Holder::parse(holder.as_str()), Some(holder));
        }
        assert_eq!(Holder::of_role(Role::Inspektorat), Some(Holder::Ppk));
        assert_eq!(Holder::of_role(Role::BknPusat), Some(Holder::Bkn));
        assert_eq!(Holder::of_role(Role::Custodian), None);
        assert_eq!(crate::catalogue::item_codes(" A-1, B-2  C-3,,"), ["A-1", "B-2", "C-3"]);
    }

    #[test]
    fn fields_and_from_fields_are_inverse_for_every_action_kind() {
        let form = |name: &str| {
            Some(
                match name {
                    "items" => "PP-CAMPAIGN-JOIN,PP-MOBILISE",
                    "level" => "sedang",
                    "attended" | "sanction_stands" | "appealed" => "true",
                    "kind" => "banding",
                    "outcome" => "changed",
                    "conclusion" => "cancelled",
                    _ => "teks",
                }
                .to_string(),
            )
        };
        for kind in ActionKind::ALL {
            let action = Action::from_fields(kind, TODAY, &form).unwrap();
            assert_eq!(action.kind(), kind);
            let fields = action.fields();
            let names: Vec<&str> = fields.iter().map(|(name, _)| *name).collect();
            assert_eq!(names, required_fields(kind), "{kind:?} fields follow its rule");
            let again = Action::from_fields(kind, TODAY, &|name| {
                fields.iter().find(|(n, _)| *n == name).map(|(_, value)| value.clone())
            })
            .unwrap();
            assert_eq!(again, action, "{kind:?}");
        }
        assert_eq!(Action::from_fields(ActionKind::Recommend, TODAY, &|_| None), Err(FieldProblem { field: "level" }));
    }

    fn bawaslu() -> Actor {
        Actor::Staff(Role::BawasluKabKota)
    }
    fn bkn() -> Actor {
        Actor::Staff(Role::BknRegional)
    }
    fn ppk() -> Actor {
        Actor::Staff(Role::PpkOffice)
    }

    fn step(case: &mut CaseSnapshot, action: Action, actor: Actor) -> Transition {
        let transition = case
            .transition(&action, actor, TODAY, WorkflowRules::builtin())
            .unwrap_or_else(|e| panic!("{action:?}: {e}"));
        *case = transition.next.clone();
        transition
    }

    fn due(case: &CaseSnapshot, kind: ClockKind) -> Date {
        case.clock(kind).unwrap_or_else(|| panic!("clock {kind:?} not running in {:?}", case.state)).due_on
    }

    /// One report from the act becoming known to the sanction's effective date, across Bawaslu, BKN and a PPK,
    /// on 2024 dates: every clock's due date is asserted, holidays counted as the rules say.
    #[test]
    fn a_case_runs_from_report_to_sanction_on_2024_dates() {
        let rules = WorkflowRules::builtin();
        let mut case = CaseSnapshot::new(date!(2024 - 11 - 25), rules).unwrap();
        assert_eq!(due(&case, ClockKind::Admissibility), date!(2024 - 12 - 02));
        step(&mut case, Action::ReceiveReport { on: date!(2024 - 11 - 28) }, Actor::Public);
        assert_eq!(case.timely, Some(true));
        assert!(case.clocks.is_empty());
        step(&mut case, Action::BeginPreliminaryCheck { on: date!(2024 - 11 - 28) }, bawaslu());
        let t = step(
            &mut case,
            Action::Register { on: date!(2024 - 11 - 29), number: "001/Reg/LP/PB/Kab/13.04/XI/2024".into() },
            bawaslu(),
        );
        assert_eq!(t.started[0].due_on, date!(2024 - 12 - 02));
        step(&mut case, Action::BeginKajian { on: date!(2024 - 11 - 29) }, bawaslu());
        let t = step(
            &mut case,
            Action::ExtendKajian { on: date!(2024 - 12 - 02), reason: "klarifikasi saksi".into() },
            bawaslu(),
        );
        assert_eq!(t.stopped, [ClockKind::Kajian]);
        assert_eq!(due(&case, ClockKind::KajianExtension), date!(2024 - 12 - 04));
        step(
            &mut case,
            Action::ForwardToBkn {
                on: date!(2024 - 12 - 04),
                letter_number: "123/PP.01/K.JB-04/12/2024".into(),
                items: vec!["D-SOC-ENGAGE-POST".into()],
            },
            bawaslu(),
        );
        assert!(case.clocks.is_empty());
        step(&mut case, Action::BknReceive { on: date!(2024 - 12 - 05) }, bkn());
        step(
            &mut case,
            Action::Recommend {
                on: date!(2024 - 12 - 06),
                letter_number: "9953/B-AK.02.02/SD/F/2024".into(),
                level: SanctionLevel::Berat,
            },
            bkn(),
        );
        step(&mut case, Action::PpkReceive { on: date!(2024 - 12 - 09) }, ppk());
        assert_eq!(due(&case, ClockKind::PpkFollowUp), date!(2024 - 12 - 19));
        step(&mut case, Action::Summon { on: date!(2024 - 12 - 20) }, ppk());
        assert_eq!(due(&case, ClockKind::Summons), date!(2025 - 01 - 03), "Natal, cuti bersama and 1 Jan skipped");
        step(
            &mut case,
            Action::RecordExamination { on: date!(2025 - 01 - 02), attended: true },
            Actor::Staff(Role::Inspektorat),
        );
        step(
            &mut case,
            Action::IssueSanction {
                on: date!(2025 - 01 - 06),
                decree_number: "800/12/BKPSDM".into(),
                level: SanctionLevel::Berat,
            },
            ppk(),
        );
        assert_eq!(due(&case, ClockKind::DecisionDelivery), date!(2025 - 01 - 20));
        step(&mut case, Action::DeliverDecision { on: date!(2025 - 01 - 08) }, ppk());
        assert_eq!(due(&case, ClockKind::SanctionEffect), date!(2025 - 01 - 23));
        // Working days from Wed 8 Jan: 9,10 (2), 13–17 (7), 20–24 (12), then 27 Jan Isra Mikraj, 28 cuti bersama Imlek,
        // 29 Imlek are skipped: 30 (13), 31 (14).
        assert_eq!(due(&case, ClockKind::Banding), date!(2025 - 01 - 31));
        let early = case.transition(&Action::TakeEffect { on: date!(2025 - 01 - 22) }, Actor::System, TODAY, rules);
        assert_eq!(early.unwrap_err(), WorkflowError::NotYetDue { due: date!(2025 - 01 - 23) });
        step(&mut case, Action::TakeEffect { on: date!(2025 - 01 - 23) }, Actor::System);
        assert_eq!(case.state, CaseState::SanctionEffective);
        let early_close = case.transition(
            &Action::Close { on: date!(2025 - 01 - 31), reason: "selesai".into() },
            ppk(),
            TODAY,
            rules,
        );
        assert_eq!(early_close.unwrap_err(), WorkflowError::NotYetDue { due: date!(2025 - 01 - 31) });
        let t = step(&mut case, Action::Close { on: date!(2025 - 02 - 03), reason: "selesai".into() }, ppk());
        assert_eq!(t.stopped, [ClockKind::Banding]);
        assert!(case.clocks.is_empty());
    }

    #[test]
    fn a_late_report_cannot_be_registered() {
        let rules = WorkflowRules::builtin();
        let mut case = CaseSnapshot::new(date!(2024 - 11 - 01), rules).unwrap();
        step(&mut case, Action::ReceiveReport { on: date!(2024 - 11 - 09) }, Actor::Public);
        assert_eq!(case.timely, Some(false));
        step(&mut case, Action::BeginPreliminaryCheck { on: date!(2024 - 11 - 09) }, bawaslu());
        let refused = case.transition(
            &Action::Register { on: date!(2024 - 11 - 10), number: "1".into() },
            bawaslu(),
            TODAY,
            rules,
        );
        assert_eq!(refused.unwrap_err(), WorkflowError::Late { due: date!(2024 - 11 - 08) });
        step(
            &mut case,
            Action::RejectFormal { on: date!(2024 - 11 - 10), reason: "melewati 7 hari".into() },
            bawaslu(),
        );
        assert!(case.state.is_terminal());
    }

    #[test]
    fn roles_states_dates_and_fields_are_checked() {
        let rules = WorkflowRules::builtin();
        let mut case = CaseSnapshot::new(date!(2024 - 10 - 01), rules).unwrap();
        let as_bkn = case.transition(&Action::RecordFinding { on: date!(2024 - 10 - 02) }, bkn(), TODAY, rules);
        assert_eq!(as_bkn.unwrap_err(), WorkflowError::NotPermitted { action: ActionKind::RecordFinding });
        let wrong_state = case.transition(&Action::BknReceive { on: date!(2024 - 10 - 02) }, bkn(), TODAY, rules);
        assert!(matches!(wrong_state.unwrap_err(), WorkflowError::NotAllowedInState { .. }));
        let before = case.transition(&Action::RecordFinding { on: date!(2024 - 09 - 30) }, bawaslu(), TODAY, rules);
        assert!(matches!(before.unwrap_err(), WorkflowError::BeforePreviousEvent { .. }));
        let future = case.transition(
            &Action::RecordFinding { on: date!(2024 - 10 - 05) },
            bawaslu(),
            date!(2024 - 10 - 03),
            rules,
        );
        assert!(matches!(future.unwrap_err(), WorkflowError::InTheFuture { .. }));
        step(&mut case, Action::RecordFinding { on: date!(2024 - 10 - 02) }, bawaslu());
        step(&mut case, Action::BeginPreliminaryCheck { on: date!(2024 - 10 - 02) }, bawaslu());
        let blank = case.transition(
            &Action::Register { on: date!(2024 - 10 - 02), number: "  ".into() },
            bawaslu(),
            TODAY,
            rules,
        );
        assert_eq!(blank.unwrap_err(), WorkflowError::MissingField { field: "number" });
        assert_eq!(allowed_actions(CaseState::KajianAwal, bawaslu()), [ActionKind::Register, ActionKind::RejectFormal]);
        assert!(allowed_actions(CaseState::KajianAwal, ppk()).is_empty());
    }

    #[test]
    fn an_absent_employee_needs_a_second_summons_and_a_silent_ppk_is_flagged() {
        let rules = WorkflowRules::builtin();
        let mut case = CaseSnapshot {
            state: CaseState::RecommendationSent,
            clocks: vec![],
            ..CaseSnapshot::new(date!(2024 - 12 - 02), rules).unwrap()
        };
        step(&mut case, Action::PpkReceive { on: date!(2024 - 12 - 02) }, ppk());
        let early =
            case.transition(&Action::FlagNonCompliance { on: date!(2024 - 12 - 12) }, Actor::System, TODAY, rules);
        assert_eq!(early.unwrap_err(), WorkflowError::NotYetDue { due: date!(2024 - 12 - 12) });
        step(&mut case, Action::FlagNonCompliance { on: date!(2024 - 12 - 13) }, Actor::System);
        step(&mut case, Action::BlockData { on: date!(2024 - 12 - 16), reference: "blokir SIASN".into() }, bkn());
        assert!(case.data_blocked);
        step(&mut case, Action::Summon { on: date!(2024 - 12 - 17) }, ppk());
        let absent = case.transition(
            &Action::RecordExamination { on: date!(2024 - 12 - 18), attended: false },
            ppk(),
            TODAY,
            rules,
        );
        assert_eq!(absent.unwrap_err(), WorkflowError::SecondSummonsRequired);
        step(&mut case, Action::Summon { on: date!(2024 - 12 - 19) }, ppk());
        step(&mut case, Action::RecordExamination { on: date!(2024 - 12 - 27), attended: false }, ppk());
        step(&mut case, Action::UnblockData { on: date!(2024 - 12 - 30) }, bkn());
        assert!(!case.data_blocked);
    }
}
