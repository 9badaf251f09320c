//! SQL and row mapping of the case part of the store, shared by both backends: [`impl_case_store!`] instantiates
//! `CaseStore` for a backend that provides `reader()`, `writer()` and the audit append of `impl_account_store!`.

use netra_core::catalogue::ActLabel;
use netra_core::intake::{CaseOrigin, ReporterMode};
use netra_core::region::{RegionCode, RegionLevel};
use netra_core::workflow::CaseState;
use time::{Date, OffsetDateTime};

use crate::cases::*;
use crate::{StoreError, StoreResult};

macro_rules! case_select {
    ($tail:literal) => {
        concat!(
            "SELECT case_id, case_number, origin, snapshot, election_id, occurred_on, known_on, received_on, \
             region_code, place, latitude, longitude, description, person_name, person_position, \
             person_agency_text, person_nip, agency_id, links, items, bawaslu_office_id, bkn_office_id, \
             ppk_agency_id, merged_into, registry_person_id, created_at, updated_at, version FROM case_file",
            $tail
        )
    };
}

pub const CASE_BY_ID: &str = case_select!(" WHERE case_id = $1");
pub const CASE_BY_NUMBER: &str = case_select!(" WHERE case_number = $1");
pub const CASES_NEAR: &str = case_select!(
    " WHERE merged_into IS NULL AND holder <> 'none' AND case_id <> $1 AND occurred_on >= $2 AND occurred_on <= $3 \
     AND (regency_code = $4 OR ($4 IS NULL AND province_code = $5)) ORDER BY case_id LIMIT 200"
);
pub const CASES_DUE_BY: &str =
    case_select!(" WHERE merged_into IS NULL AND next_due_on <= $1 ORDER BY next_due_on, case_id LIMIT $2");

pub const CASE_INSERT: &str = "INSERT INTO case_file (case_id, case_number, origin, snapshot, election_id, \
    occurred_on, known_on, received_on, region_code, place, latitude, longitude, description, person_name, \
    person_position, person_agency_text, person_nip, agency_id, links, items, bawaslu_office_id, bkn_office_id, \
    ppk_agency_id, merged_into, created_at, updated_at, version, state, holder, next_due_on, province_code, \
    regency_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
    $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32)";

pub const CASE_UPDATE: &str = "UPDATE case_file SET state = $2, holder = $3, snapshot = $4, next_due_on = $5, \
    person_name = $6, person_position = $7, person_agency_text = $8, person_nip = $9, agency_id = $10, \
    items = $11, bkn_office_id = $12, ppk_agency_id = $13, merged_into = $14, place = $15, updated_at = $16, \
    registry_person_id = $18, version = version + 1 WHERE case_id = $1 AND version = $17";

pub const COUNTER_NEXT: &str = "INSERT INTO case_counter (year, value) VALUES ($1, 1) ON CONFLICT (year) \
    DO UPDATE SET value = case_counter.value + 1 RETURNING value";

pub const PUBLIC_BY_ACT: &str = "SELECT c.province_code, a.act, COUNT(*) FROM case_file c \
    LEFT JOIN case_act a ON a.case_id = c.case_id WHERE c.merged_into IS NULL GROUP BY c.province_code, a.act";
pub const PUBLIC_CASES: &str =
    "SELECT province_code, COUNT(*) FROM case_file WHERE merged_into IS NULL GROUP BY province_code";
pub const ACTS_DELETE: &str = "DELETE FROM case_act WHERE case_id = $1";
pub const ACT_INSERT: &str = "INSERT INTO case_act (case_id, act) VALUES ($1, $2)";

macro_rules! report_select {
    ($tail:literal) => {
        concat!(
            "SELECT report_id, case_id, channel, mode, receipt_hash, reporter_name, reporter_contact, \
             sealed_identity, description, submitted_at FROM report",
            $tail
        )
    };
}
pub const REPORTS_OF: &str = report_select!(" WHERE case_id = $1 ORDER BY submitted_at, report_id");
pub const REPORT_BY_ID: &str = report_select!(" WHERE report_id = $1");
pub const REPORT_BY_RECEIPT: &str = report_select!(" WHERE receipt_hash = $1");
pub const REPORT_INSERT: &str = "INSERT INTO report (report_id, case_id, channel, mode, receipt_hash, \
    reporter_name, reporter_contact, sealed_identity, description, submitted_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

macro_rules! evidence_select {
    ($tail:literal) => {
        concat!(
            "SELECT evidence_id, case_id, report_id, sha256, size_bytes, content_type, file_name, metadata, \
             uploaded_by, uploaded_at FROM evidence",
            $tail
        )
    };
}
pub const EVIDENCE_OF: &str = evidence_select!(" WHERE case_id = $1 ORDER BY uploaded_at, evidence_id");
pub const EVIDENCE_INSERT: &str = "INSERT INTO evidence (evidence_id, case_id, report_id, sha256, size_bytes, \
    content_type, file_name, metadata, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
pub const EVIDENCE_HASHES: &str = "SELECT DISTINCT sha256 FROM evidence";

pub const EVENTS_OF: &str = "SELECT case_id, seq, action, from_state, to_state, on_date, actor, office_id, detail, \
    at FROM case_event WHERE case_id = $1 ORDER BY seq";
pub const EVENT_NEXT_SEQ: &str = "SELECT COALESCE(MAX(seq), 0) + 1 FROM case_event WHERE case_id = $1";
pub const EVENT_INSERT: &str = "INSERT INTO case_event (case_id, seq, action, from_state, to_state, on_date, \
    actor, office_id, detail, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

pub const MESSAGES_OF: &str = "SELECT message_id, case_id, report_id, from_reporter, body, author, office_id, at \
    FROM case_message WHERE case_id = $1 ORDER BY at, message_id";
pub const MESSAGE_INSERT: &str = "INSERT INTO case_message (message_id, case_id, report_id, from_reporter, body, \
    author, office_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

pub const LINKS_OF: &str = "SELECT case_id, other_case_id, kind, created_at FROM case_link \
    WHERE case_id = $1 OR other_case_id = $1 ORDER BY created_at";
pub const LINK_INSERT: &str =
    "INSERT INTO case_link (case_id, other_case_id, kind, created_at) VALUES ($1, $2, $3, $4)";
pub const MOVE_REPORTS: &str = "UPDATE report SET case_id = $1 WHERE case_id = $2";
pub const MOVE_EVIDENCE: &str = "UPDATE evidence SET case_id = $1 WHERE case_id = $2";
pub const MOVE_MESSAGES: &str = "UPDATE case_message SET case_id = $1 WHERE case_id = $2";

pub const NOTIFICATIONS_OF: &str = "SELECT notification_id, office_id, case_id, kind, body, dedupe_key, created_at, \
    read_at FROM notification WHERE office_id = $1 ORDER BY created_at DESC, notification_id DESC LIMIT $2";
pub const NOTIFICATIONS_UNMAILED: &str = "SELECT n.notification_id, n.office_id, n.case_id, n.kind, n.body, \
    n.dedupe_key, n.created_at, n.read_at, o.email FROM notification n JOIN office o ON o.office_id = n.office_id \
    WHERE n.emailed_at IS NULL AND o.email IS NOT NULL AND n.created_at >= $1 \
    ORDER BY n.created_at, n.notification_id LIMIT $2";
pub const NOTIFICATION_MAILED: &str = "UPDATE notification SET emailed_at = $2 WHERE notification_id = $1";
pub const NOTIFICATIONS_UNREAD: &str = "SELECT COUNT(*) FROM notification WHERE office_id = $1 AND read_at IS NULL";
pub const NOTIFICATIONS_READ: &str = "UPDATE notification SET read_at = $2 WHERE office_id = $1 AND read_at IS NULL";
pub const NOTIFICATION_INSERT: &str = "INSERT INTO notification (notification_id, office_id, case_id, kind, body, \
    dedupe_key, created_at, read_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (dedupe_key) DO NOTHING";

pub const CASE_FACTS: &str = "SELECT c.case_id, c.state, c.election_id, c.province_code, c.regency_code, \
    c.agency_id, c.ppk_agency_id, c.items, c.received_on, c.next_due_on, p.position_kind, p.agency, \
    p.region_code, (SELECT MIN(e.on_date) FROM case_event e WHERE e.case_id = c.case_id AND e.action = 'recommend') AS recommended_on, \
    (SELECT MIN(e.on_date) FROM case_event e WHERE e.case_id = c.case_id \
    AND e.action IN ('issue_sanction', 'clear_asn')) AS decided_on \
    FROM case_file c LEFT JOIN registry_person p ON p.person_id = c.registry_person_id WHERE c.merged_into IS NULL";

/// Active registry persons per agency and kabupaten/kota, with the pact's signers and briefings' attendees.
pub const POPULATION: &str = "SELECT MIN(p.agency), substr(p.region_code, 1, 5), COUNT(*), COUNT(s.person_id), \
    COUNT(a.person_id) FROM registry_person p \
    LEFT JOIN (SELECT DISTINCT g.person_id FROM pact_signature g JOIN pact_text t ON t.text_id = g.text_id \
    WHERE t.election_id = $1 AND t.kind = 'pakta') s ON s.person_id = p.person_id \
    LEFT JOIN (SELECT DISTINCT h.person_id FROM session_attendance h \
    JOIN socialisation_session x ON x.session_id = h.session_id WHERE x.election_id = $1) a \
    ON a.person_id = p.person_id WHERE p.employment_state = 'aktif' \
    GROUP BY lower(p.agency), substr(p.region_code, 1, 5) ORDER BY 1, 2";

/// Adds a case scope's condition to a query over `case_file c`.
pub fn push_scope<DB: sqlx::Database>(sql: &mut sqlx::QueryBuilder<DB>, scope: &CaseScope)
where
    for<'t> String: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    match scope {
        CaseScope::All => {}
        CaseScope::Region(code) => {
            let (column, value) = region_condition(code);
            sql.push(format_args!(" AND c.{column} = ")).push_bind(value);
        }
        CaseScope::Forwarded(province) => {
            sql.push(" AND c.bkn_office_id IS NOT NULL");
            if let Some(code) = province {
                sql.push(" AND c.province_code = ").push_bind(code.province_code().to_string());
            }
        }
        CaseScope::PpkAgency(agency) => {
            sql.push(" AND c.ppk_agency_id = ").push_bind(agency.clone());
        }
        CaseScope::Nothing => {
            sql.push(" AND 1 = 0");
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
pub struct FactRow {
    case_id: String,
    state: String,
    election_id: Option<String>,
    province_code: String,
    regency_code: Option<String>,
    agency_id: Option<String>,
    ppk_agency_id: Option<String>,
    items: String,
    received_on: Date,
    next_due_on: Option<Date>,
    position_kind: Option<String>,
    agency: Option<String>,
    region_code: Option<String>,
    recommended_on: Option<Date>,
    decided_on: Option<Date>,
}

impl TryFrom<FactRow> for CaseFact {
    type Error = StoreError;
    fn try_from(row: FactRow) -> StoreResult<CaseFact> {
        Ok(CaseFact {
            state: CaseState::parse(&row.state)
                .ok_or_else(|| StoreError::Corrupt(format!("case {}: unknown state {}", row.case_id, row.state)))?,
            items: serde_json::from_str(&row.items)
                .map_err(|e| StoreError::Corrupt(format!("case {}: items: {e}", row.case_id)))?,
            id: row.case_id,
            election_id: row.election_id,
            province_code: row.province_code,
            regency_code: row.regency_code,
            agency_id: row.agency_id,
            ppk_agency_id: row.ppk_agency_id,
            received_on: row.received_on,
            next_due_on: row.next_due_on,
            position_kind: row.position_kind,
            person_agency: row.agency,
            person_region: row.region_code,
            recommended_on: row.recommended_on,
            decided_on: row.decided_on,
        })
    }
}

pub const SUMMARY_COLUMNS: &str = "SELECT case_id, case_number, state, holder, origin, region_code, person_name, \
    agency_id, occurred_on, received_on, next_due_on FROM case_file c WHERE merged_into IS NULL";

#[derive(Debug, sqlx::FromRow)]
pub struct CaseRow {
    case_id: String,
    case_number: String,
    origin: String,
    snapshot: String,
    election_id: Option<String>,
    occurred_on: Date,
    known_on: Date,
    received_on: Date,
    region_code: String,
    place: String,
    latitude: Option<f64>,
    longitude: Option<f64>,
    description: String,
    person_name: String,
    person_position: String,
    person_agency_text: String,
    person_nip: Option<String>,
    agency_id: Option<String>,
    links: String,
    items: String,
    bawaslu_office_id: Option<String>,
    bkn_office_id: Option<String>,
    ppk_agency_id: Option<String>,
    merged_into: Option<String>,
    registry_person_id: Option<i64>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    version: i64,
}

fn corrupt(what: impl Into<String>) -> StoreError {
    StoreError::Corrupt(what.into())
}

fn region(code: &str) -> StoreResult<RegionCode> {
    code.parse().map_err(|_| corrupt(format!("region code {code}")))
}

fn string_list(text: &str) -> StoreResult<Vec<String>> {
    serde_json::from_str(text).map_err(|_| corrupt("a JSON list of strings"))
}

impl TryFrom<CaseRow> for CaseRecord {
    type Error = StoreError;
    fn try_from(row: CaseRow) -> StoreResult<CaseRecord> {
        Ok(CaseRecord {
            origin: CaseOrigin::parse(&row.origin).ok_or_else(|| corrupt(format!("case origin {}", row.origin)))?,
            snapshot: snapshot_from_json(&row.snapshot)?,
            region: region(&row.region_code)?,
            links: string_list(&row.links)?,
            items: string_list(&row.items)?,
            person: ReportedPerson {
                name: row.person_name,
                position: row.person_position,
                agency_text: row.person_agency_text,
                nip: row.person_nip,
            },
            id: row.case_id,
            number: row.case_number,
            election_id: row.election_id,
            occurred_on: row.occurred_on,
            known_on: row.known_on,
            received_on: row.received_on,
            place: row.place,
            latitude: row.latitude,
            longitude: row.longitude,
            description: row.description,
            agency_id: row.agency_id,
            bawaslu_office_id: row.bawaslu_office_id,
            bkn_office_id: row.bkn_office_id,
            ppk_agency_id: row.ppk_agency_id,
            merged_into: row.merged_into,
            registry_person_id: row.registry_person_id,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
pub struct SummaryRow {
    case_id: String,
    case_number: String,
    state: String,
    holder: String,
    origin: String,
    region_code: String,
    person_name: String,
    agency_id: Option<String>,
    occurred_on: Date,
    received_on: Date,
    next_due_on: Option<Date>,
}

impl TryFrom<SummaryRow> for CaseSummary {
    type Error = StoreError;
    fn try_from(row: SummaryRow) -> StoreResult<CaseSummary> {
        Ok(CaseSummary {
            state: CaseState::parse(&row.state).ok_or_else(|| corrupt(format!("case state {}", row.state)))?,
            origin: CaseOrigin::parse(&row.origin).ok_or_else(|| corrupt(format!("case origin {}", row.origin)))?,
            region: region(&row.region_code)?,
            id: row.case_id,
            number: row.case_number,
            holder: row.holder,
            person_name: row.person_name,
            agency_id: row.agency_id,
            occurred_on: row.occurred_on,
            received_on: row.received_on,
            next_due_on: row.next_due_on,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
pub struct ReportRow {
    report_id: String,
    case_id: String,
    channel: String,
    mode: String,
    receipt_hash: Option<String>,
    reporter_name: Option<String>,
    reporter_contact: Option<String>,
    sealed_identity: Option<Vec<u8>>,
    description: String,
    submitted_at: OffsetDateTime,
}

impl TryFrom<ReportRow> for ReportRecord {
    type Error = StoreError;
    fn try_from(row: ReportRow) -> StoreResult<ReportRecord> {
        let identity = match (row.reporter_name, row.reporter_contact) {
            (None, None) => None,
            (name, contact) => {
                Some(ReporterIdentity { name: name.unwrap_or_default(), contact: contact.unwrap_or_default() })
            }
        };
        Ok(ReportRecord {
            channel: Channel::parse(&row.channel).ok_or_else(|| corrupt(format!("channel {}", row.channel)))?,
            mode: ReporterMode::parse(&row.mode).ok_or_else(|| corrupt(format!("reporter mode {}", row.mode)))?,
            id: row.report_id,
            case_id: row.case_id,
            receipt_hash: row.receipt_hash,
            identity,
            sealed_identity: row.sealed_identity,
            description: row.description,
            submitted_at: row.submitted_at,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
pub struct EvidenceRow {
    evidence_id: String,
    case_id: String,
    report_id: Option<String>,
    sha256: String,
    size_bytes: i64,
    content_type: String,
    file_name: String,
    metadata: String,
    uploaded_by: String,
    uploaded_at: OffsetDateTime,
}

impl From<EvidenceRow> for EvidenceRecord {
    fn from(row: EvidenceRow) -> EvidenceRecord {
        EvidenceRecord {
            id: row.evidence_id,
            case_id: row.case_id,
            report_id: row.report_id,
            sha256: row.sha256,
            size: row.size_bytes,
            content_type: row.content_type,
            file_name: row.file_name,
            metadata: row.metadata,
            uploaded_by: row.uploaded_by,
            uploaded_at: row.uploaded_at,
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
pub struct EventRow {
    case_id: String,
    seq: i64,
    action: String,
    from_state: String,
    to_state: String,
    on_date: Date,
    actor: String,
    office_id: Option<String>,
    detail: String,
    at: OffsetDateTime,
}

impl TryFrom<EventRow> for CaseEvent {
    type Error = StoreError;
    fn try_from(row: EventRow) -> StoreResult<CaseEvent> {
        let state = |text: &str| CaseState::parse(text).ok_or_else(|| corrupt(format!("case state {text}")));
        Ok(CaseEvent {
            from_state: state(&row.from_state)?,
            to_state: state(&row.to_state)?,
            case_id: row.case_id,
            seq: row.seq,
            action: row.action,
            on: row.on_date,
            actor: row.actor,
            office_id: row.office_id,
            detail: row.detail,
            at: row.at,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
pub struct MessageRow {
    message_id: String,
    case_id: String,
    report_id: String,
    from_reporter: bool,
    body: String,
    author: Option<String>,
    office_id: Option<String>,
    at: OffsetDateTime,
}

impl From<MessageRow> for CaseMessage {
    fn from(row: MessageRow) -> CaseMessage {
        CaseMessage {
            id: row.message_id,
            case_id: row.case_id,
            report_id: row.report_id,
            from_reporter: row.from_reporter,
            body: row.body,
            author: row.author,
            office_id: row.office_id,
            at: row.at,
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
pub struct NotificationRow {
    notification_id: String,
    office_id: String,
    case_id: Option<String>,
    kind: String,
    body: String,
    dedupe_key: Option<String>,
    created_at: OffsetDateTime,
    read_at: Option<OffsetDateTime>,
}

/// A notification with the address of its office (the mail outbox).
#[derive(Debug, sqlx::FromRow)]
pub struct MailRow {
    #[sqlx(flatten)]
    pub note: NotificationRow,
    pub email: String,
}

impl From<NotificationRow> for Notification {
    fn from(row: NotificationRow) -> Notification {
        Notification {
            id: row.notification_id,
            office_id: row.office_id,
            case_id: row.case_id,
            kind: row.kind,
            body: row.body,
            dedupe_key: row.dedupe_key,
            created_at: row.created_at,
            read_at: row.read_at,
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
pub struct LinkRow {
    case_id: String,
    other_case_id: String,
    kind: String,
    created_at: OffsetDateTime,
}

impl From<LinkRow> for CaseLink {
    fn from(row: LinkRow) -> CaseLink {
        CaseLink { case_id: row.case_id, other_case_id: row.other_case_id, kind: row.kind, created_at: row.created_at }
    }
}

/// The act labels of a case's confirmed items, from the embedded catalogue.
pub fn acts_of(items: &[String]) -> Vec<ActLabel> {
    let catalogue = netra_core::builtin::catalogue();
    let mut acts: Vec<ActLabel> =
        items.iter().filter_map(|code| catalogue.get(code)).flat_map(|item| item.acts.iter().copied()).collect();
    acts.sort();
    acts.dedup();
    acts
}

/// The column a region filter compares, and the value.
pub fn region_condition(code: &RegionCode) -> (&'static str, String) {
    match code.level() {
        RegionLevel::Province => ("province_code", code.to_string()),
        RegionLevel::Regency => ("regency_code", code.to_string()),
        RegionLevel::District | RegionLevel::Village => ("region_code", code.to_string()),
    }
}

/// The audit record of a case change.
pub fn case_audit(
    action: &str,
    case: &CaseRecord,
    before: Option<String>,
    after: Option<String>,
    summary: String,
) -> crate::accounts::AuditRecord {
    crate::accounts::AuditRecord {
        action: action.to_string(),
        object_kind: "case".into(),
        object_id: case.id.clone(),
        region: Some(case.region.to_string()),
        agency: case.ppk_agency_id.clone().or_else(|| case.agency_id.clone()),
        before,
        after,
        summary,
    }
}

/// Implements `CaseStore` for a backend type over its sqlx database.
macro_rules! impl_case_store {
    ($store:ty, $db:ty) => {
        impl $store {
            async fn write_case_acts(
                tx: &mut sqlx::Transaction<'_, $db>,
                case: &$crate::cases::CaseRecord,
            ) -> $crate::StoreResult<()> {
                use $crate::shared_cases::*;
                sqlx::query(ACTS_DELETE).bind(&case.id).execute(&mut **tx).await?;
                for act in acts_of(&case.items) {
                    sqlx::query(ACT_INSERT).bind(&case.id).bind(act.as_str()).execute(&mut **tx).await?;
                }
                Ok(())
            }

            async fn update_case_row(
                tx: &mut sqlx::Transaction<'_, $db>,
                case: &$crate::cases::CaseRecord,
                at: time::OffsetDateTime,
            ) -> $crate::StoreResult<()> {
                use $crate::cases::*;
                use $crate::shared_cases::*;
                let done = sqlx::query(CASE_UPDATE)
                    .bind(&case.id)
                    .bind(case.snapshot.state.as_str())
                    .bind(case.snapshot.state.holder().as_str())
                    .bind(snapshot_json(&case.snapshot).to_string())
                    .bind(case.next_due_on())
                    .bind(&case.person.name)
                    .bind(&case.person.position)
                    .bind(&case.person.agency_text)
                    .bind(&case.person.nip)
                    .bind(&case.agency_id)
                    .bind($crate::shared_accounts::json_list(&case.items))
                    .bind(&case.bkn_office_id)
                    .bind(&case.ppk_agency_id)
                    .bind(&case.merged_into)
                    .bind(&case.place)
                    .bind(at)
                    .bind(case.version)
                    .bind(case.registry_person_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(|e| $crate::shared_accounts::write_error(e, "kasus"))?;
                if done.rows_affected() == 0 {
                    return Err($crate::StoreError::Conflict(
                        "kasus telah diubah oleh pengguna lain; muat ulang halaman".into(),
                    ));
                }
                Ok(())
            }

            async fn insert_notifications(
                tx: &mut sqlx::Transaction<'_, $db>,
                notifications: &[$crate::cases::Notification],
            ) -> $crate::StoreResult<u64> {
                let mut added = 0;
                for note in notifications {
                    added += sqlx::query($crate::shared_cases::NOTIFICATION_INSERT)
                        .bind(&note.id)
                        .bind(&note.office_id)
                        .bind(&note.case_id)
                        .bind(&note.kind)
                        .bind(&note.body)
                        .bind(&note.dedupe_key)
                        .bind(note.created_at)
                        .bind(note.read_at)
                        .execute(&mut **tx)
                        .await?
                        .rows_affected();
                }
                Ok(added)
            }

            async fn insert_event(
                tx: &mut sqlx::Transaction<'_, $db>,
                event: &$crate::cases::CaseEvent,
            ) -> $crate::StoreResult<()> {
                use $crate::shared_cases::*;
                let (seq,): (i64,) = sqlx::query_as(EVENT_NEXT_SEQ).bind(&event.case_id).fetch_one(&mut **tx).await?;
                sqlx::query(EVENT_INSERT)
                    .bind(&event.case_id)
                    .bind(seq)
                    .bind(&event.action)
                    .bind(event.from_state.as_str())
                    .bind(event.to_state.as_str())
                    .bind(event.on)
                    .bind(&event.actor)
                    .bind(&event.office_id)
                    .bind(&event.detail)
                    .bind(event.at)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }

            async fn insert_evidence(
                tx: &mut sqlx::Transaction<'_, $db>,
                ctx: &$crate::accounts::AuditContext,
                case: &$crate::cases::CaseRecord,
                evidence: &[$crate::cases::EvidenceRecord],
            ) -> $crate::StoreResult<()> {
                use $crate::shared_cases::*;
                for file in evidence {
                    sqlx::query(EVIDENCE_INSERT)
                        .bind(&file.id)
                        .bind(&file.case_id)
                        .bind(&file.report_id)
                        .bind(&file.sha256)
                        .bind(file.size)
                        .bind(&file.content_type)
                        .bind(&file.file_name)
                        .bind(&file.metadata)
                        .bind(&file.uploaded_by)
                        .bind(file.uploaded_at)
                        .execute(&mut **tx)
                        .await
                        .map_err(|e| $crate::shared_accounts::write_error(e, "bukti"))?;
                    let mut record = case_audit(
                        "case.evidence",
                        case,
                        None,
                        None,
                        format!("Bukti {} ({}, {} bait) sha256={}", file.id, file.content_type, file.size, file.sha256),
                    );
                    record.object_kind = "evidence".into();
                    record.object_id = file.id.clone();
                    Self::append_audit(tx, ctx, record).await?;
                }
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::cases::CaseStore for $store {
            async fn create_case(
                &self,
                ctx: &$crate::accounts::AuditContext,
                new: &$crate::cases::NewCase,
            ) -> $crate::StoreResult<String> {
                use $crate::cases::*;
                use $crate::shared_cases::*;
                let mut tx = self.writer().begin().await?;
                let year = i64::from(new.case.received_on.year());
                let (value,): (i64,) = sqlx::query_as(COUNTER_NEXT).bind(year).fetch_one(&mut *tx).await?;
                let number = format!("NTR-{year}-{value:06}");
                let case = CaseRecord { number: number.clone(), version: 1, ..new.case.clone() };
                sqlx::query(CASE_INSERT)
                    .bind(&case.id)
                    .bind(&case.number)
                    .bind(case.origin.as_str())
                    .bind(snapshot_json(&case.snapshot).to_string())
                    .bind(&case.election_id)
                    .bind(case.occurred_on)
                    .bind(case.known_on)
                    .bind(case.received_on)
                    .bind(case.region.to_string())
                    .bind(&case.place)
                    .bind(case.latitude)
                    .bind(case.longitude)
                    .bind(&case.description)
                    .bind(&case.person.name)
                    .bind(&case.person.position)
                    .bind(&case.person.agency_text)
                    .bind(&case.person.nip)
                    .bind(&case.agency_id)
                    .bind($crate::shared_accounts::json_list(&case.links))
                    .bind($crate::shared_accounts::json_list(&case.items))
                    .bind(&case.bawaslu_office_id)
                    .bind(&case.bkn_office_id)
                    .bind(&case.ppk_agency_id)
                    .bind(&case.merged_into)
                    .bind(case.created_at)
                    .bind(case.updated_at)
                    .bind(case.version)
                    .bind(case.snapshot.state.as_str())
                    .bind(case.snapshot.state.holder().as_str())
                    .bind(case.next_due_on())
                    .bind(case.region.province_code().to_string())
                    .bind(case.region.regency_code().map(|c| c.to_string()))
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| $crate::shared_accounts::write_error(e, "kasus"))?;
                Self::write_case_acts(&mut tx, &case).await?;
                if let Some(report) = &new.report {
                    sqlx::query(REPORT_INSERT)
                        .bind(&report.id)
                        .bind(&case.id)
                        .bind(report.channel.as_str())
                        .bind(report.mode.as_str())
                        .bind(&report.receipt_hash)
                        .bind(report.identity.as_ref().map(|i| i.name.clone()))
                        .bind(report.identity.as_ref().map(|i| i.contact.clone()))
                        .bind(&report.sealed_identity)
                        .bind(&report.description)
                        .bind(report.submitted_at)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| $crate::shared_accounts::write_error(e, "laporan"))?;
                }
                Self::insert_event(&mut tx, &new.event).await?;
                let summary = format!(
                    "Kasus {} dibuat ({}), status {}",
                    case.number,
                    case.origin.as_str(),
                    case.snapshot.state.as_str()
                );
                Self::append_audit(
                    &mut tx,
                    ctx,
                    case_audit("case.create", &case, None, Some(case.canonical()), summary),
                )
                .await?;
                Self::insert_evidence(&mut tx, ctx, &case, &new.evidence).await?;
                Self::insert_notifications(&mut tx, &new.notifications).await?;
                if let Some(post_id) = &new.from_post {
                    use $crate::shared_patrol::{POST_BY_ID, POST_OPENED, PostRow, post_audit, utc};
                    let done = sqlx::query(POST_OPENED)
                        .bind(post_id)
                        .bind(&case.id)
                        .bind(&ctx.actor)
                        .bind(utc(ctx.at))
                        .execute(&mut *tx)
                        .await?;
                    if done.rows_affected() == 0 {
                        return Err($crate::StoreError::Conflict("unggahan ini sudah ditinjau".into()));
                    }
                    let row: PostRow = sqlx::query_as(POST_BY_ID).bind(post_id).fetch_one(&mut *tx).await?;
                    let post: $crate::patrol::FlaggedPost = row.try_into()?;
                    let summary = format!("Temuan {} dibuka dari unggahan {}", case.number, post.id);
                    Self::append_audit(&mut tx, ctx, post_audit("patrol_post.open", &post, summary)).await?;
                }
                tx.commit().await?;
                Ok(number)
            }

            async fn case(&self, id: &str) -> $crate::StoreResult<Option<$crate::cases::CaseRecord>> {
                let row: Option<$crate::shared_cases::CaseRow> =
                    sqlx::query_as($crate::shared_cases::CASE_BY_ID).bind(id).fetch_optional(self.reader()).await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn case_by_number(&self, number: &str) -> $crate::StoreResult<Option<$crate::cases::CaseRecord>> {
                let row: Option<$crate::shared_cases::CaseRow> = sqlx::query_as($crate::shared_cases::CASE_BY_NUMBER)
                    .bind(number)
                    .fetch_optional(self.reader())
                    .await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn record_transition(
                &self,
                ctx: &$crate::accounts::AuditContext,
                change: &$crate::cases::CaseChange,
            ) -> $crate::StoreResult<()> {
                use $crate::shared_cases::*;
                let mut tx = self.writer().begin().await?;
                let before: Option<$crate::shared_cases::CaseRow> =
                    sqlx::query_as(CASE_BY_ID).bind(&change.case.id).fetch_optional(&mut *tx).await?;
                let before: $crate::cases::CaseRecord = before.ok_or($crate::StoreError::NotFound)?.try_into()?;
                Self::update_case_row(&mut tx, &change.case, ctx.at).await?;
                Self::write_case_acts(&mut tx, &change.case).await?;
                Self::insert_event(&mut tx, &change.event).await?;
                let after = $crate::cases::CaseRecord { version: change.case.version + 1, ..change.case.clone() };
                let record = case_audit(
                    &format!("case.{}", change.event.action),
                    &after,
                    Some(before.canonical()),
                    Some(after.canonical()),
                    change.summary.clone(),
                );
                Self::append_audit(&mut tx, ctx, record).await?;
                Self::insert_notifications(&mut tx, &change.notifications).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn update_case_facts(
                &self,
                ctx: &$crate::accounts::AuditContext,
                case: &$crate::cases::CaseRecord,
                action: &str,
                summary: &str,
            ) -> $crate::StoreResult<()> {
                use $crate::shared_cases::*;
                let mut tx = self.writer().begin().await?;
                let before: Option<$crate::shared_cases::CaseRow> =
                    sqlx::query_as(CASE_BY_ID).bind(&case.id).fetch_optional(&mut *tx).await?;
                let before: $crate::cases::CaseRecord = before.ok_or($crate::StoreError::NotFound)?.try_into()?;
                Self::update_case_row(&mut tx, case, ctx.at).await?;
                Self::write_case_acts(&mut tx, case).await?;
                let after = $crate::cases::CaseRecord { version: case.version + 1, ..case.clone() };
                let record =
                    case_audit(action, &after, Some(before.canonical()), Some(after.canonical()), summary.to_string());
                Self::append_audit(&mut tx, ctx, record).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn public_counts(&self) -> $crate::StoreResult<$crate::cases::PublicCounts> {
                use $crate::shared_cases::*;
                let by_act: Vec<(String, Option<String>, i64)> =
                    sqlx::query_as(PUBLIC_BY_ACT).fetch_all(self.reader()).await?;
                let cases: Vec<(String, i64)> = sqlx::query_as(PUBLIC_CASES).fetch_all(self.reader()).await?;
                Ok($crate::cases::PublicCounts {
                    by_act: by_act.into_iter().map(|(p, a, n)| (p, a, n as u64)).collect(),
                    cases: cases.into_iter().map(|(p, n)| (p, n as u64)).collect(),
                })
            }

            async fn case_events(&self, case_id: &str) -> $crate::StoreResult<Vec<$crate::cases::CaseEvent>> {
                let rows: Vec<$crate::shared_cases::EventRow> =
                    sqlx::query_as($crate::shared_cases::EVENTS_OF).bind(case_id).fetch_all(self.reader()).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn case_reports(&self, case_id: &str) -> $crate::StoreResult<Vec<$crate::cases::ReportRecord>> {
                let rows: Vec<$crate::shared_cases::ReportRow> =
                    sqlx::query_as($crate::shared_cases::REPORTS_OF).bind(case_id).fetch_all(self.reader()).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn report(&self, report_id: &str) -> $crate::StoreResult<Option<$crate::cases::ReportRecord>> {
                let row: Option<$crate::shared_cases::ReportRow> = sqlx::query_as($crate::shared_cases::REPORT_BY_ID)
                    .bind(report_id)
                    .fetch_optional(self.reader())
                    .await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn report_by_receipt(
                &self,
                receipt_hash: &str,
            ) -> $crate::StoreResult<Option<$crate::cases::ReportRecord>> {
                let row: Option<$crate::shared_cases::ReportRow> =
                    sqlx::query_as($crate::shared_cases::REPORT_BY_RECEIPT)
                        .bind(receipt_hash)
                        .fetch_optional(self.reader())
                        .await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn case_evidence(&self, case_id: &str) -> $crate::StoreResult<Vec<$crate::cases::EvidenceRecord>> {
                let rows: Vec<$crate::shared_cases::EvidenceRow> =
                    sqlx::query_as($crate::shared_cases::EVIDENCE_OF).bind(case_id).fetch_all(self.reader()).await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn add_evidence(
                &self,
                ctx: &$crate::accounts::AuditContext,
                evidence: &[$crate::cases::EvidenceRecord],
            ) -> $crate::StoreResult<()> {
                let Some(first) = evidence.first() else { return Ok(()) };
                let mut tx = self.writer().begin().await?;
                let row: Option<$crate::shared_cases::CaseRow> = sqlx::query_as($crate::shared_cases::CASE_BY_ID)
                    .bind(&first.case_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                let case: $crate::cases::CaseRecord = row.ok_or($crate::StoreError::NotFound)?.try_into()?;
                Self::insert_evidence(&mut tx, ctx, &case, evidence).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn evidence_hashes(&self) -> $crate::StoreResult<Vec<String>> {
                let rows: Vec<(String,)> =
                    sqlx::query_as($crate::shared_cases::EVIDENCE_HASHES).fetch_all(self.reader()).await?;
                Ok(rows.into_iter().map(|(hash,)| hash).collect())
            }

            async fn case_messages(&self, case_id: &str) -> $crate::StoreResult<Vec<$crate::cases::CaseMessage>> {
                let rows: Vec<$crate::shared_cases::MessageRow> =
                    sqlx::query_as($crate::shared_cases::MESSAGES_OF).bind(case_id).fetch_all(self.reader()).await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn add_message(
                &self,
                ctx: &$crate::accounts::AuditContext,
                message: &$crate::cases::CaseMessage,
                notifications: &[$crate::cases::Notification],
            ) -> $crate::StoreResult<()> {
                use $crate::shared_cases::*;
                let mut tx = self.writer().begin().await?;
                let row: Option<CaseRow> =
                    sqlx::query_as(CASE_BY_ID).bind(&message.case_id).fetch_optional(&mut *tx).await?;
                let case: $crate::cases::CaseRecord = row.ok_or($crate::StoreError::NotFound)?.try_into()?;
                sqlx::query(MESSAGE_INSERT)
                    .bind(&message.id)
                    .bind(&message.case_id)
                    .bind(&message.report_id)
                    .bind(message.from_reporter)
                    .bind(&message.body)
                    .bind(&message.author)
                    .bind(&message.office_id)
                    .bind(message.at)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| $crate::shared_accounts::write_error(e, "pesan"))?;
                let summary = if message.from_reporter {
                    format!("Balasan pelapor pada laporan {}", message.report_id)
                } else {
                    format!("Pertanyaan kepada pelapor laporan {}", message.report_id)
                };
                let mut record = case_audit("case.message", &case, None, Some(message.body.clone()), summary);
                record.object_kind = "message".into();
                record.object_id = message.id.clone();
                Self::append_audit(&mut tx, ctx, record).await?;
                Self::insert_notifications(&mut tx, notifications).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn list_cases(
                &self,
                query: &$crate::cases::CaseQuery,
            ) -> $crate::StoreResult<Vec<$crate::cases::CaseSummary>> {
                use $crate::cases::*;
                use $crate::shared_cases::*;
                let mut sql = sqlx::QueryBuilder::<$db>::new(SUMMARY_COLUMNS);
                push_scope(&mut sql, &query.scope);
                match query.tab {
                    WorkTab::All => {}
                    WorkTab::DueSoon { today, until } => {
                        sql.push(" AND next_due_on >= ").push_bind(today).push(" AND next_due_on <= ").push_bind(until);
                    }
                    WorkTab::Overdue { today } => {
                        sql.push(" AND next_due_on < ").push_bind(today);
                    }
                    WorkTab::HeldBy(holder) => {
                        sql.push(" AND holder = ").push_bind(holder.as_str());
                    }
                    WorkTab::HeldByOthers(holder) => {
                        sql.push(" AND holder <> ")
                            .push_bind(netra_core::workflow::Holder::None.as_str())
                            .push(" AND holder <> ")
                            .push_bind(holder.as_str());
                    }
                }
                if let Some(state) = query.state {
                    sql.push(" AND state = ").push_bind(state.as_str());
                }
                if let Some(act) = query.act {
                    sql.push(" AND EXISTS (SELECT 1 FROM case_act a WHERE a.case_id = c.case_id AND a.act = ")
                        .push_bind(act.as_str())
                        .push(")");
                }
                if let Some(code) = &query.region {
                    let (column, value) = region_condition(code);
                    sql.push(format_args!(" AND {column} = ")).push_bind(value);
                }
                if let Some(agency) = &query.agency_id {
                    sql.push(" AND agency_id = ").push_bind(agency.clone());
                }
                if let Some(from) = query.occurred_from {
                    sql.push(" AND occurred_on >= ").push_bind(from);
                }
                if let Some(to) = query.occurred_to {
                    sql.push(" AND occurred_on <= ").push_bind(to);
                }
                if query.tab.by_due_date() {
                    if let Some(Cursor { due_on: Some(due), case_id }) = &query.after {
                        sql.push(" AND (next_due_on > ")
                            .push_bind(*due)
                            .push(" OR (next_due_on = ")
                            .push_bind(*due)
                            .push(" AND case_id > ")
                            .push_bind(case_id.clone())
                            .push("))");
                    }
                    sql.push(" ORDER BY next_due_on, case_id");
                } else {
                    if let Some(cursor) = &query.after {
                        sql.push(" AND case_id < ").push_bind(cursor.case_id.clone());
                    }
                    sql.push(" ORDER BY case_id DESC");
                }
                sql.push(" LIMIT ").push_bind(i64::from(query.limit));
                let rows: Vec<SummaryRow> = sql.build_query_as().fetch_all(self.reader()).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn case_facts(
                &self,
                scope: &$crate::cases::CaseScope,
                election: Option<&str>,
            ) -> $crate::StoreResult<Vec<$crate::cases::CaseFact>> {
                use $crate::shared_cases::*;
                let mut sql = sqlx::QueryBuilder::<$db>::new(CASE_FACTS);
                push_scope(&mut sql, scope);
                if let Some(election) = election {
                    sql.push(" AND c.election_id = ").push_bind(election.to_string());
                }
                sql.push(" ORDER BY c.case_id");
                let rows: Vec<FactRow> = sql.build_query_as().fetch_all(self.reader()).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn population(&self, election: &str) -> $crate::StoreResult<Vec<$crate::cases::PopulationCell>> {
                let rows: Vec<(String, String, i64, i64, i64)> =
                    sqlx::query_as($crate::shared_cases::POPULATION).bind(election).fetch_all(self.reader()).await?;
                Ok(rows
                    .into_iter()
                    .map(|(agency, regency, persons, signed, attended)| $crate::cases::PopulationCell {
                        agency,
                        regency,
                        persons: persons as u64,
                        signed: signed as u64,
                        attended: attended as u64,
                    })
                    .collect())
            }

            async fn cases_near(
                &self,
                region: &netra_core::region::RegionCode,
                from: time::Date,
                to: time::Date,
                exclude: &str,
            ) -> $crate::StoreResult<Vec<$crate::cases::CaseRecord>> {
                let rows: Vec<$crate::shared_cases::CaseRow> = sqlx::query_as($crate::shared_cases::CASES_NEAR)
                    .bind(exclude)
                    .bind(from)
                    .bind(to)
                    .bind(region.regency_code().map(|c| c.to_string()))
                    .bind(region.province_code().to_string())
                    .fetch_all(self.reader())
                    .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn merge_cases(
                &self,
                ctx: &$crate::accounts::AuditContext,
                keep: &$crate::cases::CaseRecord,
                merged: &$crate::cases::CaseRecord,
            ) -> $crate::StoreResult<()> {
                use $crate::shared_cases::*;
                let mut tx = self.writer().begin().await?;
                // Touch the kept case first: both version checks guard against a concurrent change.
                Self::update_case_row(&mut tx, keep, ctx.at).await?;
                let marked = $crate::cases::CaseRecord { merged_into: Some(keep.id.clone()), ..merged.clone() };
                Self::update_case_row(&mut tx, &marked, ctx.at).await?;
                for statement in [MOVE_REPORTS, MOVE_EVIDENCE, MOVE_MESSAGES] {
                    sqlx::query(statement).bind(&keep.id).bind(&merged.id).execute(&mut *tx).await?;
                }
                sqlx::query(LINK_INSERT)
                    .bind(&keep.id)
                    .bind(&merged.id)
                    .bind("merged")
                    .bind(ctx.at)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| $crate::shared_accounts::write_error(e, "tautan kasus"))?;
                let summary = format!("Kasus {} digabungkan ke {}", merged.number, keep.number);
                Self::append_audit(
                    &mut tx,
                    ctx,
                    case_audit("case.merge", keep, Some(keep.canonical()), None, summary.clone()),
                )
                .await?;
                Self::append_audit(
                    &mut tx,
                    ctx,
                    case_audit("case.merged", &marked, Some(merged.canonical()), Some(marked.canonical()), summary),
                )
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn case_links(&self, case_id: &str) -> $crate::StoreResult<Vec<$crate::cases::CaseLink>> {
                let rows: Vec<$crate::shared_cases::LinkRow> =
                    sqlx::query_as($crate::shared_cases::LINKS_OF).bind(case_id).fetch_all(self.reader()).await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn notifications(
                &self,
                office_id: &str,
                limit: u32,
            ) -> $crate::StoreResult<Vec<$crate::cases::Notification>> {
                let rows: Vec<$crate::shared_cases::NotificationRow> =
                    sqlx::query_as($crate::shared_cases::NOTIFICATIONS_OF)
                        .bind(office_id)
                        .bind(i64::from(limit))
                        .fetch_all(self.reader())
                        .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn unread_notifications(&self, office_id: &str) -> $crate::StoreResult<u64> {
                let (count,): (i64,) = sqlx::query_as($crate::shared_cases::NOTIFICATIONS_UNREAD)
                    .bind(office_id)
                    .fetch_one(self.reader())
                    .await?;
                Ok(count as u64)
            }

            async fn mark_notifications_read(
                &self,
                office_id: &str,
                at: time::OffsetDateTime,
            ) -> $crate::StoreResult<u64> {
                let done = sqlx::query($crate::shared_cases::NOTIFICATIONS_READ)
                    .bind(office_id)
                    .bind(at)
                    .execute(self.writer())
                    .await?;
                Ok(done.rows_affected())
            }

            async fn add_notifications(
                &self,
                notifications: &[$crate::cases::Notification],
            ) -> $crate::StoreResult<u64> {
                let mut tx = self.writer().begin().await?;
                let added = Self::insert_notifications(&mut tx, notifications).await?;
                tx.commit().await?;
                Ok(added)
            }

            async fn unmailed_notifications(
                &self,
                since: time::OffsetDateTime,
                limit: u32,
            ) -> $crate::StoreResult<Vec<($crate::cases::Notification, String)>> {
                let rows: Vec<$crate::shared_cases::MailRow> =
                    sqlx::query_as($crate::shared_cases::NOTIFICATIONS_UNMAILED)
                        .bind(since)
                        .bind(i64::from(limit))
                        .fetch_all(self.reader())
                        .await?;
                Ok(rows.into_iter().map(|row| (row.note.into(), row.email)).collect())
            }

            async fn mark_mailed(&self, ids: &[String], at: time::OffsetDateTime) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                for id in ids {
                    sqlx::query($crate::shared_cases::NOTIFICATION_MAILED).bind(id).bind(at).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn cases_due_by(
                &self,
                date: time::Date,
                limit: u32,
            ) -> $crate::StoreResult<Vec<$crate::cases::CaseRecord>> {
                let rows: Vec<$crate::shared_cases::CaseRow> = sqlx::query_as($crate::shared_cases::CASES_DUE_BY)
                    .bind(date)
                    .bind(i64::from(limit))
                    .fetch_all(self.reader())
                    .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }
        }
    };
}

pub(crate) use impl_case_store;
