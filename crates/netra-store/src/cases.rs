//! Types of the case part of the store and the trait that reads and writes them. Every write that matters takes
//! an [`AuditContext`] and appends its audit entry in the same transaction as the change.

use async_trait::async_trait;
use netra_core::catalogue::ActLabel;
use netra_core::clock::ClockKind;
use netra_core::intake::{CaseOrigin, ReporterMode};
use netra_core::region::RegionCode;
use netra_core::workflow::{CaseSnapshot, CaseState, Holder, RunningClock};
use serde_json::{Value, json};
use time::{Date, OffsetDateTime};

pub use netra_core::access::CaseScope;

use crate::accounts::AuditContext;
use crate::{StoreError, StoreResult};

/// The person a case is about, as the report names them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportedPerson {
    pub name: String,
    pub position: String,
    /// The agency as the reporter wrote it.
    pub agency_text: String,
    pub nip: Option<String>,
}

/// Aggregates only: what the public transparency page is made from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicCounts {
    pub by_act: Vec<(String, Option<String>, u64)>,
    pub cases: Vec<(String, u64)>,
}

/// What dashboards and the neutrality index read of one case (not merged into another): its state and places,
/// the confirmed registry person's position kind, agency and region, and the dates of the workflow's milestones.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFact {
    pub id: String,
    pub state: CaseState,
    pub election_id: Option<String>,
    pub province_code: String,
    pub regency_code: Option<String>,
    /// The agency Bawaslu verified, and the agency whose PPK received the recommendation.
    pub agency_id: Option<String>,
    pub ppk_agency_id: Option<String>,
    /// Confirmed catalogue item codes.
    pub items: Vec<String>,
    pub received_on: Date,
    pub next_due_on: Option<Date>,
    /// The confirmed registry person's position kind (`jpt`, `administrator`, …), agency name and region code.
    pub position_kind: Option<String>,
    pub person_agency: Option<String>,
    pub person_region: Option<String>,
    /// First day the case reached BKN's recommendation, and the PPK's decision (sanction issued or cleared).
    pub recommended_on: Option<Date>,
    pub decided_on: Option<Date>,
}

/// Active civil servants of the registry in one agency and kabupaten/kota, with how many of them signed the
/// election's pact and attended one of its briefings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PopulationCell {
    pub agency: String,
    /// The person's kabupaten/kota (`32.04`), or the province code for a province-level posting.
    pub regency: String,
    pub persons: u64,
    pub signed: u64,
    pub attended: u64,
}

/// A case as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRecord {
    pub id: String,
    /// Human reference, e.g. `NTR-2024-000123`.
    pub number: String,
    pub origin: CaseOrigin,
    pub snapshot: CaseSnapshot,
    pub election_id: Option<String>,
    pub occurred_on: Date,
    pub known_on: Date,
    pub received_on: Date,
    /// The most precise region known (a kecamatan, or the kabupaten/kota).
    pub region: RegionCode,
    /// Free-text place (street, building, platform).
    pub place: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub description: String,
    pub person: ReportedPerson,
    /// The reported person's agency once staff have identified it.
    pub agency_id: Option<String>,
    pub links: Vec<String>,
    /// Catalogue items confirmed by staff.
    pub items: Vec<String>,
    pub bawaslu_office_id: Option<String>,
    pub bkn_office_id: Option<String>,
    /// The agency whose PPK received the recommendation.
    pub ppk_agency_id: Option<String>,
    pub merged_into: Option<String>,
    /// The registry person staff confirmed the report is about (`registry_person.person_id`).
    pub registry_person_id: Option<i64>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// Increases with every change; a change names the version it was made on (optimistic locking).
    pub version: i64,
}

impl CaseRecord {
    pub fn state(&self) -> CaseState {
        self.snapshot.state
    }

    /// The earliest due date of the running clocks.
    pub fn next_due_on(&self) -> Option<Date> {
        next_due_on(&self.snapshot)
    }

    /// What the audit trail fingerprints: the workflow state and the facts staff can change. Never the reporter.
    pub fn canonical(&self) -> String {
        json!([
            self.id,
            self.number,
            self.version,
            snapshot_json(&self.snapshot),
            self.person.name,
            self.person.position,
            self.person.agency_text,
            self.person.nip,
            self.agency_id,
            self.items,
            self.bkn_office_id,
            self.ppk_agency_id,
            self.merged_into,
            self.registry_person_id
        ])
        .to_string()
    }
}

/// The earliest due date among a snapshot's running clocks.
pub fn next_due_on(snapshot: &CaseSnapshot) -> Option<Date> {
    if snapshot.state.is_terminal() {
        return None;
    }
    snapshot.clocks.iter().map(|clock| clock.due_on).min()
}

/// The snapshot as a JSON document.
pub fn snapshot_json(snapshot: &CaseSnapshot) -> Value {
    json!({
        "state": snapshot.state.as_str(),
        "clocks": snapshot.clocks.iter().map(|clock| json!({
            "kind": clock.kind.as_str(),
            "started_on": clock.started_on.to_string(),
            "due_on": clock.due_on.to_string(),
        })).collect::<Vec<_>>(),
        "last_event_on": snapshot.last_event_on.to_string(),
        "admissibility_due": snapshot.admissibility_due.to_string(),
        "timely": snapshot.timely,
        "kajian_extended": snapshot.kajian_extended,
        "summons_count": snapshot.summons_count,
        "appeal_decided": snapshot.appeal_decided,
        "lawsuit_filed": snapshot.lawsuit_filed,
        "data_blocked": snapshot.data_blocked,
    })
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("case snapshot: {what}"))
}

fn json_date(value: &Value, field: &str) -> StoreResult<Date> {
    let text = value.get(field).and_then(Value::as_str).ok_or_else(|| corrupt(field))?;
    Date::parse(text, &time::format_description::well_known::Iso8601::DATE).map_err(|_| corrupt(field))
}

fn json_bool(value: &Value, field: &str) -> StoreResult<bool> {
    value.get(field).and_then(Value::as_bool).ok_or_else(|| corrupt(field))
}

/// Parses a snapshot written by [`snapshot_json`].
pub fn snapshot_from_json(text: &str) -> StoreResult<CaseSnapshot> {
    let value: Value = serde_json::from_str(text).map_err(|e| corrupt(&e.to_string()))?;
    let state =
        value.get("state").and_then(Value::as_str).and_then(CaseState::parse).ok_or_else(|| corrupt("state"))?;
    let mut clocks = Vec::new();
    for clock in value.get("clocks").and_then(Value::as_array).ok_or_else(|| corrupt("clocks"))? {
        let kind = clock.get("kind").and_then(Value::as_str).ok_or_else(|| corrupt("clock kind"))?;
        let kind = ClockKind::ALL.into_iter().find(|k| k.as_str() == kind).ok_or_else(|| corrupt("clock kind"))?;
        clocks.push(RunningClock {
            kind,
            started_on: json_date(clock, "started_on")?,
            due_on: json_date(clock, "due_on")?,
        });
    }
    Ok(CaseSnapshot {
        state,
        clocks,
        last_event_on: json_date(&value, "last_event_on")?,
        admissibility_due: json_date(&value, "admissibility_due")?,
        timely: value.get("timely").and_then(Value::as_bool),
        kajian_extended: json_bool(&value, "kajian_extended")?,
        summons_count: value
            .get("summons_count")
            .and_then(Value::as_u64)
            .and_then(|n| u8::try_from(n).ok())
            .ok_or_else(|| corrupt("summons_count"))?,
        appeal_decided: json_bool(&value, "appeal_decided")?,
        lawsuit_filed: json_bool(&value, "lawsuit_filed")?,
        data_blocked: json_bool(&value, "data_blocked")?,
    })
}

/// A reporter's identity (open reports show it; confidential ones keep it sealed).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReporterIdentity {
    pub name: String,
    pub contact: String,
}

/// How a report arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Web,
    Api,
    InPerson,
    Finding,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Api => "api",
            Channel::InPerson => "in_person",
            Channel::Finding => "finding",
        }
    }

    pub fn parse(text: &str) -> Option<Channel> {
        [Channel::Web, Channel::Api, Channel::InPerson, Channel::Finding].into_iter().find(|c| c.as_str() == text)
    }
}

/// A report of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRecord {
    pub id: String,
    pub case_id: String,
    pub channel: Channel,
    pub mode: ReporterMode,
    /// Argon2id hash of the receipt; `None` for a finding.
    pub receipt_hash: Option<String>,
    /// Open reports only.
    pub identity: Option<ReporterIdentity>,
    /// Confidential reports only: the identity sealed by `seal::Sealer`.
    pub sealed_identity: Option<Vec<u8>>,
    pub description: String,
    pub submitted_at: OffsetDateTime,
}

/// An evidence file of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRecord {
    pub id: String,
    pub case_id: String,
    pub report_id: Option<String>,
    pub sha256: String,
    pub size: i64,
    /// Sniffed from the content, not taken from the upload.
    pub content_type: String,
    /// The name given by the uploader, cleaned of any path.
    pub file_name: String,
    /// JSON object of extracted metadata (EXIF, GPS) for staff.
    pub metadata: String,
    /// `public` or a user id.
    pub uploaded_by: String,
    pub uploaded_at: OffsetDateTime,
}

/// One workflow event of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseEvent {
    pub case_id: String,
    pub seq: i64,
    /// `ActionKind::as_str`.
    pub action: String,
    pub from_state: CaseState,
    pub to_state: CaseState,
    pub on: Date,
    pub actor: String,
    pub office_id: Option<String>,
    /// JSON object of the action's fields (numbers, reasons, levels, the office handed to).
    pub detail: String,
    pub at: OffsetDateTime,
}

/// A message between staff and a reporter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseMessage {
    pub id: String,
    pub case_id: String,
    pub report_id: String,
    pub from_reporter: bool,
    pub body: String,
    /// The staff user who wrote it.
    pub author: Option<String>,
    pub office_id: Option<String>,
    pub at: OffsetDateTime,
}

/// An entry in an office's inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: String,
    pub office_id: String,
    pub case_id: Option<String>,
    /// `handoff`, `returned`, `reporter_reply`, `deadline`.
    pub kind: String,
    pub body: String,
    /// Makes a reminder idempotent: a second notification with the same key is not added.
    pub dedupe_key: Option<String>,
    pub created_at: OffsetDateTime,
    pub read_at: Option<OffsetDateTime>,
}

impl Notification {
    /// What kind of notice this is, for the inbox and mail subjects.
    pub fn kind_name(&self, locale: netra_core::Locale) -> &'static str {
        match self.kind.as_str() {
            "handoff" => locale.pick("Pelimpahan kasus", "Case hand-off"),
            "returned" => locale.pick("Kasus dikembalikan", "Case returned"),
            "reporter_reply" => locale.pick("Balasan pelapor", "Reporter's reply"),
            "deadline" => locale.pick("Pengingat batas waktu", "Deadline reminder"),
            "new_report" => locale.pick("Laporan baru", "New report"),
            _ => locale.pick("Pemberitahuan", "Notice"),
        }
    }
}

/// A link between two cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseLink {
    pub case_id: String,
    pub other_case_id: String,
    /// `merged` (other was merged into case) or `parallel` (a criminal case beside the discipline one).
    pub kind: String,
    pub created_at: OffsetDateTime,
}

/// A new case with its first report, evidence and first event.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// `number` is assigned by the store; the record's `version` is 1.
    pub case: CaseRecord,
    pub report: Option<ReportRecord>,
    pub evidence: Vec<EvidenceRecord>,
    pub event: CaseEvent,
    pub notifications: Vec<Notification>,
    /// The flagged social-media post this finding was opened from: marked opened in the same transaction, which
    /// fails with `Conflict` when the post is no longer waiting for review.
    pub from_post: Option<String>,
}

/// A workflow transition to persist.
#[derive(Debug, Clone)]
pub struct CaseChange {
    /// The case after the change (its `version` is the one the change was made on; the store increments it).
    pub case: CaseRecord,
    pub event: CaseEvent,
    pub notifications: Vec<Notification>,
    pub summary: String,
}

/// A row of a work list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSummary {
    pub id: String,
    pub number: String,
    pub state: CaseState,
    pub holder: String,
    pub origin: CaseOrigin,
    pub region: RegionCode,
    pub person_name: String,
    pub agency_id: Option<String>,
    pub occurred_on: Date,
    pub received_on: Date,
    pub next_due_on: Option<Date>,
}

/// Which part of the work list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkTab {
    /// Every case in scope, newest first.
    All,
    /// Open cases whose next deadline falls between `today` and `until`, soonest first.
    DueSoon { today: Date, until: Date },
    /// Open cases whose next deadline has passed, oldest deadline first.
    Overdue { today: Date },
    /// Open cases held by the viewer's kind of office (Bawaslu, BKN, PPK).
    HeldBy(Holder),
    /// Open cases in scope held by someone else.
    HeldByOthers(Holder),
}

impl WorkTab {
    /// Whether the tab is sorted by due date (otherwise newest first).
    pub fn by_due_date(self) -> bool {
        matches!(self, WorkTab::DueSoon { .. } | WorkTab::Overdue { .. })
    }
}

/// Where a page of a work list starts (keyset pagination).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// The due date of the last row of the previous page, for tabs sorted by due date.
    pub due_on: Option<Date>,
    pub case_id: String,
}

impl Cursor {
    /// Compact text form for URLs: `<case id>` or `<due date>~<case id>`.
    pub fn encode(&self) -> String {
        match self.due_on {
            Some(due) => format!("{due}~{}", self.case_id),
            None => self.case_id.clone(),
        }
    }

    pub fn decode(text: &str) -> Option<Cursor> {
        let valid_id = |id: &str| uuid::Uuid::parse_str(id).is_ok();
        match text.split_once('~') {
            Some((due, id)) if valid_id(id) => {
                let due = Date::parse(due, &time::format_description::well_known::Iso8601::DATE).ok()?;
                Some(Cursor { due_on: Some(due), case_id: id.to_string() })
            }
            None if valid_id(text) => Some(Cursor { due_on: None, case_id: text.to_string() }),
            _ => None,
        }
    }
}

/// A work-list query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseQuery {
    pub scope: CaseScope,
    pub tab: WorkTab,
    pub state: Option<CaseState>,
    pub act: Option<ActLabel>,
    /// Only cases in this province, regency or kecamatan.
    pub region: Option<RegionCode>,
    pub agency_id: Option<String>,
    pub occurred_from: Option<Date>,
    pub occurred_to: Option<Date>,
    pub after: Option<Cursor>,
    pub limit: u32,
}

impl CaseQuery {
    /// Everything in `scope`, first page.
    pub fn new(scope: CaseScope) -> CaseQuery {
        CaseQuery {
            scope,
            tab: WorkTab::All,
            state: None,
            act: None,
            region: None,
            agency_id: None,
            occurred_from: None,
            occurred_to: None,
            after: None,
            limit: 50,
        }
    }
}

/// Cases, their reports, evidence, events, messages and links, and the offices' inboxes.
#[async_trait]
pub trait CaseStore: Send + Sync {
    /// Creates a case with its first report, evidence, event and notifications; returns the case number.
    async fn create_case(&self, ctx: &AuditContext, new: &NewCase) -> StoreResult<String>;
    async fn case(&self, id: &str) -> StoreResult<Option<CaseRecord>>;
    async fn case_by_number(&self, number: &str) -> StoreResult<Option<CaseRecord>>;
    /// Saves a transition. Fails with `Conflict` if the case changed since `change.case.version`.
    async fn record_transition(&self, ctx: &AuditContext, change: &CaseChange) -> StoreResult<()>;
    /// Saves staff edits of the facts (person, agency, items, place, the confirmed registry person) under the
    /// audit `action` (`case.facts`, `case.registry_match`). Same version rule.
    async fn update_case_facts(
        &self,
        ctx: &AuditContext,
        case: &CaseRecord,
        action: &str,
        summary: &str,
    ) -> StoreResult<()>;
    async fn case_events(&self, case_id: &str) -> StoreResult<Vec<CaseEvent>>;

    async fn case_reports(&self, case_id: &str) -> StoreResult<Vec<ReportRecord>>;
    async fn report(&self, report_id: &str) -> StoreResult<Option<ReportRecord>>;
    async fn report_by_receipt(&self, receipt_hash: &str) -> StoreResult<Option<ReportRecord>>;

    async fn case_evidence(&self, case_id: &str) -> StoreResult<Vec<EvidenceRecord>>;
    /// Adds evidence to a case (audited with each file's hash).
    async fn add_evidence(&self, ctx: &AuditContext, evidence: &[EvidenceRecord]) -> StoreResult<()>;
    /// Every blob hash that some evidence row cites (for the blob sweep).
    async fn evidence_hashes(&self) -> StoreResult<Vec<String>>;

    async fn case_messages(&self, case_id: &str) -> StoreResult<Vec<CaseMessage>>;
    /// Adds a message (audited without its text) and its notifications.
    async fn add_message(
        &self,
        ctx: &AuditContext,
        message: &CaseMessage,
        notifications: &[Notification],
    ) -> StoreResult<()>;

    async fn list_cases(&self, query: &CaseQuery) -> StoreResult<Vec<CaseSummary>>;
    /// Every unmerged case in `scope` (of `election` when given) as a [`CaseFact`], in id order.
    async fn case_facts(&self, scope: &CaseScope, election: Option<&str>) -> StoreResult<Vec<CaseFact>>;
    /// The registry's active civil servants per agency and kabupaten/kota, with pact and briefing counts for
    /// `election`.
    async fn population(&self, election: &str) -> StoreResult<Vec<PopulationCell>>;

    /// Counts for the public transparency page, over cases not merged into another: per province and confirmed
    /// act (`None`: no act confirmed yet; a case with two acts counts under each), and cases per province.
    async fn public_counts(&self) -> StoreResult<PublicCounts>;
    /// Open, unmerged cases in `regency` (or `province` when the regency is unknown) whose event date lies in
    /// `from..=to`, except `exclude`: the candidates for duplicate detection.
    async fn cases_near(
        &self,
        region: &RegionCode,
        from: Date,
        to: Date,
        exclude: &str,
    ) -> StoreResult<Vec<CaseRecord>>;
    /// Merges `merged` into `keep`: its reports, evidence and messages move to `keep`, it is marked merged and
    /// linked. Both versions must be current.
    async fn merge_cases(&self, ctx: &AuditContext, keep: &CaseRecord, merged: &CaseRecord) -> StoreResult<()>;
    async fn case_links(&self, case_id: &str) -> StoreResult<Vec<CaseLink>>;

    async fn notifications(&self, office_id: &str, limit: u32) -> StoreResult<Vec<Notification>>;
    async fn unread_notifications(&self, office_id: &str) -> StoreResult<u64>;
    async fn mark_notifications_read(&self, office_id: &str, at: OffsetDateTime) -> StoreResult<u64>;
    /// Adds notifications, skipping those whose dedupe key exists; returns how many were added.
    async fn add_notifications(&self, notifications: &[Notification]) -> StoreResult<u64>;
    /// Notifications created since `since` and not yet e-mailed, for offices with an address, oldest first,
    /// each with the address (the mail outbox).
    async fn unmailed_notifications(
        &self,
        since: OffsetDateTime,
        limit: u32,
    ) -> StoreResult<Vec<(Notification, String)>>;
    /// Records that notifications were handed to the mail server.
    async fn mark_mailed(&self, ids: &[String], at: OffsetDateTime) -> StoreResult<()>;
    /// Open cases whose next deadline is on or before `date` (for reminders).
    async fn cases_due_by(&self, date: Date, limit: u32) -> StoreResult<Vec<CaseRecord>>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use netra_core::workflow::WorkflowRules;
    use time::macros::date;

    #[test]
    fn snapshots_round_trip_through_json() {
        let snapshot = CaseSnapshot::new(date!(2024 - 10 - 01), WorkflowRules::builtin()).unwrap();
        let text = snapshot_json(&snapshot).to_string();
        assert_eq!(snapshot_from_json(&text).unwrap(), snapshot);
        assert!(snapshot_from_json("{}").is_err());
    }

    #[test]
    fn cursors_round_trip_and_reject_junk() {
        let id = uuid::Uuid::now_v7().to_string();
        let cursor = Cursor { due_on: Some(date!(2024 - 10 - 08)), case_id: id.clone() };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(Cursor::decode(&id).unwrap().due_on, None);
        assert_eq!(Cursor::decode("x'; DROP TABLE"), None);
    }
}
