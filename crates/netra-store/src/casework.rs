//! Casework: intake of reports and findings, the workflow through a capability-scoped handle, the reporter's
//! access by receipt, and the custodian's audited unseal.
//!
//! - [`validate_report`] parses a report's fields into a [`ValidReport`] or one error per field;
//! - [`submit_public_report`] files a public report and returns its receipt (shown once);
//! - [`ReporterDesk`] is what a receipt opens: the public status, messages, replies and more evidence;
//! - [`CaseDesk`] (from [`Principal::case_desk`]) is every staff operation on cases; the cases a principal can
//!   reach at all are its [`CaseScope`], applied in SQL for lists and re-checked for every single case;
//! - [`Unsealer`] (from [`Principal::unsealer`]) opens a confidential reporter's identity, with a reason, audited.

use std::collections::BTreeSet;
use std::sync::Arc;

use netra_core::Locale;
use netra_core::Localized;
use netra_core::access::Permission;
use netra_core::duplicate::{self, Similarity};
use netra_core::ident::EmployeeNumber;
use netra_core::intake::{self, Admissibility, CaseOrigin, IntakeFacts, ReporterMode};
use netra_core::region::{RegionCode, RegionLevel};
use netra_core::role::Role;
use netra_core::workflow::{Action, ActionKind, Actor, CaseSnapshot, CaseState, Holder, WorkflowRules};
use serde_json::{Value, json};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::access::{AccessError, AccessResult, FieldError, Principal};
use crate::accounts::{AuditContext, AuditRecord, Office};
use crate::blobs::{BlobStore, StagedBlob};
use crate::cases::*;
use crate::seal::Sealer;
use crate::{Store, StoreError};

/// The files and keys casework needs besides the database.
#[derive(Debug, Clone)]
pub struct Vault {
    pub blobs: BlobStore,
    pub sealer: Sealer,
    /// The instance's receipt salt (`ensure_receipt_salt`).
    pub receipt_salt: Vec<u8>,
}

impl Vault {
    /// Opens the evidence store (`<dir>/blobs`) and the seal key (`<dir>/keys/seal.key`), reads the receipt salt,
    /// and removes temporary uploads and blobs that no evidence row cites (left by a crash). Run at start-up,
    /// before requests are served.
    pub async fn open(
        store: &dyn Store,
        dir: &std::path::Path,
        now: OffsetDateTime,
    ) -> Result<(Vault, crate::blobs::SweepReport), StoreError> {
        let blobs = BlobStore::open(dir.join("blobs"))
            .map_err(|e| StoreError::Config(format!("evidence storage {}: {e}", dir.display())))?;
        let sealer = Sealer::load_or_create(&dir.join("keys").join("seal.key"))
            .map_err(|e| StoreError::Config(e.to_string()))?;
        let receipt_salt = crate::ensure_receipt_salt(store, now).await?;
        let referenced = store.evidence_hashes().await?.into_iter().collect();
        let swept = blobs.sweep(&referenced).map_err(|e| StoreError::Config(format!("evidence sweep: {e}")))?;
        Ok((Vault { blobs, sealer, receipt_salt }, swept))
    }
}

/// A report's fields as received (form or JSON), before validation.
#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    pub description: String,
    pub occurred_on: String,
    pub known_on: String,
    pub region_code: String,
    pub place: String,
    pub latitude: String,
    pub longitude: String,
    pub person_name: String,
    pub person_position: String,
    pub person_agency: String,
    pub person_nip: String,
    pub links: Vec<String>,
    pub mode: String,
    pub reporter_name: String,
    pub reporter_contact: String,
}

/// A report whose fields are valid.
#[derive(Debug, Clone)]
pub struct ValidReport {
    pub description: String,
    pub occurred_on: Date,
    pub known_on: Date,
    pub region: RegionCode,
    pub place: String,
    pub point: Option<(f64, f64)>,
    pub person: ReportedPerson,
    pub links: Vec<String>,
    pub mode: ReporterMode,
    pub identity: Option<ReporterIdentity>,
}

/// An evidence file checked and staged, waiting for its report to be saved.
#[derive(Debug)]
pub struct StagedEvidence {
    pub blob: StagedBlob,
    pub file_name: String,
    pub content_type: &'static str,
    pub metadata: Value,
}

/// What a submission returns.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub case_id: String,
    pub case_number: String,
    pub report_id: Option<String>,
    /// The receipt, shown once; `None` for a finding.
    pub receipt: Option<String>,
}

/// The longest description accepted.
pub const MAX_DESCRIPTION: usize = 10_000;
/// The most links per report.
pub const MAX_LINKS: usize = 20;

fn field(field: &'static str, id: impl Into<String>, en: impl Into<String>) -> FieldError {
    FieldError::new(field, id, en)
}

fn parse_date(name: &'static str, raw: &str, today: Date, errors: &mut Vec<FieldError>) -> Option<Date> {
    let raw = raw.trim();
    if raw.is_empty() {
        errors.push(field(name, "Tanggal wajib diisi (TTTT-BB-HH).", "A date is required (YYYY-MM-DD)."));
        return None;
    }
    match Date::parse(raw, &time::format_description::well_known::Iso8601::DATE) {
        Ok(date) if date > today => {
            errors.push(field(
                name,
                format!("Tanggal {date} belum terjadi (hari ini {today})."),
                format!("{date} is in the future (today is {today})."),
            ));
            None
        }
        Ok(date) => Some(date),
        Err(_) => {
            errors.push(field(
                name,
                format!("\"{raw}\" bukan tanggal; gunakan TTTT-BB-HH."),
                format!("\"{raw}\" is not a date; use YYYY-MM-DD."),
            ));
            None
        }
    }
}

fn bounded(name: &'static str, raw: &str, max: usize, required: bool, errors: &mut Vec<FieldError>) -> String {
    let value = raw.trim().to_string();
    if required && value.is_empty() {
        errors.push(field(name, "Wajib diisi.", "Required."));
    } else if value.chars().count() > max {
        errors.push(field(name, format!("Paling banyak {max} karakter."), format!("At most {max} characters.")));
    }
    value
}

/// The date at `now` in the time zone of `region` (WIB when unknown).
pub fn local_today(region: &RegionCode, now: OffsetDateTime) -> Date {
    netra_core::builtin::time_zones().for_region(region).unwrap_or(netra_core::calendar::TimeZone::Wib).local_date(now)
}

/// Validates a report's fields. `today` is the date in the reporter's region (WIB is close enough for the
/// future-date check, which allows today everywhere in Indonesia).
pub async fn validate_report(
    store: &dyn Store,
    input: &ReportInput,
    today: Date,
) -> Result<ValidReport, Vec<FieldError>> {
    let mut errors = Vec::new();
    let description = bounded("description", &input.description, MAX_DESCRIPTION, true, &mut errors);
    if !description.is_empty() && description.chars().count() < 20 && errors.is_empty() {
        errors.push(field(
            "description",
            "Ceritakan kejadiannya paling sedikit 20 karakter: siapa, berbuat apa, di mana.",
            "Describe what happened in at least 20 characters: who did what, where.",
        ));
    }
    let occurred_on = parse_date("occurred_on", &input.occurred_on, today, &mut errors);
    let known_on = parse_date("known_on", &input.known_on, today, &mut errors);
    if let (Some(occurred), Some(known)) = (occurred_on, known_on)
        && known < occurred
    {
        errors.push(field(
            "known_on",
            format!("Tanggal diketahui ({known}) tidak boleh sebelum tanggal kejadian ({occurred})."),
            format!("The date known ({known}) cannot be before the date of the act ({occurred})."),
        ));
    }
    let region = match RegionCode::parse(input.region_code.trim()) {
        Err(error) => {
            errors.push(field("region_code", error.message(Locale::Id), error.message(Locale::En)));
            None
        }
        Ok(code) if code.level() == RegionLevel::Province || code.level() == RegionLevel::Village => {
            errors.push(field(
                "region_code",
                "Pilih kabupaten/kota atau kecamatan.",
                "Choose a regency/city or a district (kecamatan).",
            ));
            None
        }
        Ok(code) => match store.region(code).await {
            Ok(Some(_)) => Some(code),
            _ => {
                errors.push(field(
                    "region_code",
                    format!("Wilayah {code} tidak ada dalam data wilayah."),
                    format!("Region {code} is not in the region tables."),
                ));
                None
            }
        },
    };
    let place = bounded("place", &input.place, 300, false, &mut errors);
    let point = match (input.latitude.trim(), input.longitude.trim()) {
        ("", "") => None,
        (lat, lon) => match (lat.parse::<f64>(), lon.parse::<f64>()) {
            (Ok(lat), Ok(lon)) if (-11.5..=6.5).contains(&lat) && (94.5..=141.5).contains(&lon) => Some((lat, lon)),
            _ => {
                errors.push(field(
                    "latitude",
                    "Titik lokasi harus berupa lintang dan bujur di wilayah Indonesia.",
                    "The location must be a latitude and longitude within Indonesia.",
                ));
                None
            }
        },
    };
    let person = ReportedPerson {
        name: bounded("reported_person.name", &input.person_name, 200, true, &mut errors),
        position: bounded("reported_person.position", &input.person_position, 200, false, &mut errors),
        agency_text: bounded("reported_person.agency", &input.person_agency, 200, false, &mut errors),
        nip: match input.person_nip.trim() {
            "" => None,
            raw => match EmployeeNumber::parse(raw) {
                Ok(number) => Some(number.to_string()),
                Err(error) => {
                    errors.push(field("reported_person.nip", error.message(Locale::Id), error.message(Locale::En)));
                    None
                }
            },
        },
    };
    let mut links = Vec::new();
    if input.links.len() > MAX_LINKS {
        errors.push(field(
            "links",
            format!("Paling banyak {MAX_LINKS} tautan."),
            format!("At most {MAX_LINKS} links."),
        ));
    }
    for (index, raw) in input.links.iter().enumerate().take(MAX_LINKS) {
        let link = raw.trim();
        if link.is_empty() {
            continue;
        }
        let web = (link.starts_with("https://") || link.starts_with("http://"))
            && link.len() <= 2_000
            && !link.chars().any(|c| c.is_whitespace() || c.is_control());
        if web {
            links.push(link.to_string());
        } else {
            errors.push(field(
                "links",
                format!("Tautan ke-{} bukan alamat web (http:// atau https://).", index + 1),
                format!("Link {} is not a web address (http:// or https://).", index + 1),
            ));
        }
    }
    let mode = ReporterMode::parse(input.mode.trim());
    if mode.is_none() {
        errors.push(field(
            "reporter.mode",
            "Pilih anonim, rahasia, atau terbuka.",
            "Choose anonymous, confidential or open.",
        ));
    }
    let name = bounded("reporter.name", &input.reporter_name, 200, false, &mut errors);
    let contact = bounded("reporter.contact", &input.reporter_contact, 200, false, &mut errors);
    let identity = match mode {
        Some(ReporterMode::Anonymous) => {
            if !name.is_empty() || !contact.is_empty() {
                errors.push(field(
                    "reporter.mode",
                    "Laporan anonim tidak menyimpan nama atau kontak: kosongkan keduanya atau pilih mode rahasia.",
                    "An anonymous report keeps no name or contact: leave both empty or choose confidential.",
                ));
            }
            None
        }
        Some(_) => {
            if name.is_empty() {
                errors.push(field("reporter.name", "Nama pelapor wajib diisi.", "The reporter's name is required."));
            }
            if contact.is_empty() {
                errors.push(field(
                    "reporter.contact",
                    "Kontak (telepon atau surel) wajib diisi.",
                    "A contact (phone or e-mail) is required.",
                ));
            }
            Some(ReporterIdentity { name, contact })
        }
        None => None,
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ValidReport {
        description,
        occurred_on: occurred_on.expect("no errors"),
        known_on: known_on.expect("no errors"),
        region: region.expect("no errors"),
        place,
        point,
        person,
        links,
        mode: mode.expect("no errors"),
        identity,
    })
}

/// The offices with active users, and their users' roles: hand-off targets and notification recipients are
/// chosen from it. Loaded once per operation (a reminder run over thousands of cases reads it once).
struct OfficeDirectory {
    offices: Vec<(Office, BTreeSet<Role>)>,
}

impl OfficeDirectory {
    async fn load(store: &dyn Store) -> Result<OfficeDirectory, StoreError> {
        let users = store.users().await?;
        let offices = store
            .offices()
            .await?
            .into_iter()
            .map(|office| {
                let roles = users
                    .iter()
                    .filter(|user| user.office_id == office.id && !user.disabled)
                    .map(|user| user.role)
                    .collect::<BTreeSet<Role>>();
                (office, roles)
            })
            .filter(|(_, roles)| !roles.is_empty())
            .collect();
        Ok(OfficeDirectory { offices })
    }

    fn with_role(&self, role: Role) -> impl Iterator<Item = &Office> {
        self.offices.iter().filter(move |(_, roles)| roles.contains(&role)).map(|(office, _)| office)
    }

    /// The Bawaslu office that handles cases in `region`: the kabupaten/kota office, else the province's.
    fn bawaslu_for(&self, region: &RegionCode) -> Option<&Office> {
        let regency = region.regency_code();
        let province = Some(region.province_code());
        self.with_role(Role::BawasluKabKota)
            .find(|office| regency.is_some() && office.region == regency)
            .or_else(|| self.with_role(Role::BawasluProvinsi).find(|office| office.region == province))
    }

    /// The BKN office for cases in `region`: the regional office covering the province, else BKN headquarters.
    fn bkn_for(&self, region: &RegionCode) -> Option<&Office> {
        let province = Some(region.province_code());
        self.with_role(Role::BknRegional)
            .find(|office| office.region == province)
            .or_else(|| self.with_role(Role::BknPusat).next())
    }

    /// The offices of an agency's PPK and inspectorate.
    fn ppk_offices_of(&self, agency: &str) -> Vec<&Office> {
        self.offices
            .iter()
            .filter(|(office, roles)| {
                office.agency.as_deref() == Some(agency)
                    && (roles.contains(&Role::PpkOffice) || roles.contains(&Role::Inspektorat))
            })
            .map(|(office, _)| office)
            .collect()
    }

    /// The offices that hold a case now.
    fn holders_of(&self, case: &CaseRecord) -> Vec<String> {
        match case.state().holder() {
            Holder::Bkn => case.bkn_office_id.iter().cloned().collect(),
            Holder::Ppk => match &case.ppk_agency_id {
                Some(agency) => self.ppk_offices_of(agency).into_iter().map(|office| office.id.clone()).collect(),
                None => Vec::new(),
            },
            _ => case.bawaslu_office_id.iter().cloned().collect(),
        }
    }
}

fn notification(office_id: &str, case: &CaseRecord, kind: &str, body: String, at: OffsetDateTime) -> Notification {
    Notification {
        id: Uuid::now_v7().to_string(),
        office_id: office_id.to_string(),
        case_id: Some(case.id.clone()),
        kind: kind.to_string(),
        body,
        dedupe_key: None,
        created_at: at,
        read_at: None,
    }
}

/// Moves staged evidence into the blob store; returns the rows to insert and the blobs created by this call
/// (to remove again if the database write fails).
fn commit_evidence(
    vault: &Vault,
    case_id: &str,
    report_id: Option<&str>,
    uploaded_by: &str,
    files: Vec<StagedEvidence>,
    at: OffsetDateTime,
) -> Result<(Vec<EvidenceRecord>, Vec<String>), StoreError> {
    let mut rows = Vec::new();
    let mut created = Vec::new();
    for file in files {
        let size = file.blob.size as i64;
        let committed = match vault.blobs.commit(file.blob) {
            Ok(committed) => committed,
            Err(error) => {
                undo_blobs(vault, &created);
                return Err(StoreError::Config(format!("evidence storage: {error}")));
            }
        };
        if committed.newly_created {
            created.push(committed.sha256.clone());
        }
        rows.push(EvidenceRecord {
            id: Uuid::now_v7().to_string(),
            case_id: case_id.to_string(),
            report_id: report_id.map(str::to_string),
            sha256: committed.sha256,
            size,
            content_type: file.content_type.to_string(),
            file_name: file.file_name,
            metadata: file.metadata.to_string(),
            uploaded_by: uploaded_by.to_string(),
            uploaded_at: at,
        });
    }
    Ok((rows, created))
}

fn undo_blobs(vault: &Vault, created: &[String]) {
    for sha in created {
        // A blob left behind here is removed by the start-up sweep.
        let _ = vault.blobs.remove(sha);
    }
}

/// A new receipt and its hash (the slow hash runs off the async threads).
async fn receipt_pair(salt: &[u8]) -> (String, String) {
    let receipt = crate::auth::new_receipt();
    let normalised = crate::auth::normalise_receipt(&receipt).expect("a fresh receipt is well-formed");
    let salt = salt.to_vec();
    let hash = tokio::task::spawn_blocking(move || crate::auth::receipt_hash(&normalised, &salt))
        .await
        .expect("hashing does not panic");
    (receipt, hash)
}

/// Inputs to [`file_case`] besides the report.
struct Filing<'a> {
    origin: CaseOrigin,
    channel: Channel,
    actor: Actor,
    ctx: AuditContext,
    uploaded_by: &'a str,
    /// Office entering the case (staff intake), which then holds it.
    office: Option<Office>,
}

async fn file_case(
    store: &dyn Store,
    vault: &Vault,
    report: ValidReport,
    filing: Filing<'_>,
    files: Vec<StagedEvidence>,
    now: OffsetDateTime,
) -> AccessResult<Submitted> {
    let rules = WorkflowRules::builtin();
    let today = local_today(&report.region, now);
    let elections = store.elections().await?;
    let election = intake::election_for(&elections, report.occurred_on).map(|e| e.id.clone());
    let invalid = |e: netra_core::workflow::WorkflowError| {
        AccessError::Invalid(vec![field("known_on", e.message(Locale::Id), e.message(Locale::En))])
    };
    let start = CaseSnapshot::new(report.known_on, rules).map_err(invalid)?;
    let action = match filing.origin {
        CaseOrigin::Finding => Action::RecordFinding { on: today },
        _ => Action::ReceiveReport { on: today },
    };
    let transition = start.transition(&action, filing.actor, today, rules).map_err(invalid)?;
    let office = match filing.office.clone() {
        Some(office) => Some(office),
        None => OfficeDirectory::load(store).await?.bawaslu_for(&report.region).cloned(),
    };
    let case_id = Uuid::now_v7().to_string();
    let report_id = Uuid::now_v7().to_string();
    let (receipt, receipt_hash) = match filing.origin {
        CaseOrigin::Finding => (None, None),
        _ => {
            let (receipt, hash) = receipt_pair(&vault.receipt_salt).await;
            (Some(receipt), Some(hash))
        }
    };
    let sealed_identity = match (report.mode, &report.identity) {
        (ReporterMode::Confidential, Some(identity)) => {
            let plain = json!({ "name": identity.name, "contact": identity.contact }).to_string();
            Some(vault.sealer.seal(&report_id, plain.as_bytes()))
        }
        _ => None,
    };
    let case = CaseRecord {
        id: case_id.clone(),
        number: String::new(),
        origin: filing.origin,
        snapshot: transition.next.clone(),
        election_id: election,
        occurred_on: report.occurred_on,
        known_on: report.known_on,
        received_on: today,
        region: report.region,
        place: report.place.clone(),
        latitude: report.point.map(|p| p.0),
        longitude: report.point.map(|p| p.1),
        description: report.description.clone(),
        person: report.person.clone(),
        agency_id: None,
        links: report.links.clone(),
        items: Vec::new(),
        bawaslu_office_id: office.as_ref().map(|o| o.id.clone()),
        bkn_office_id: None,
        ppk_agency_id: None,
        merged_into: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let report_row = ReportRecord {
        id: report_id.clone(),
        case_id: case_id.clone(),
        channel: filing.channel,
        mode: report.mode,
        receipt_hash,
        identity: match report.mode {
            ReporterMode::Open => report.identity.clone(),
            _ => None,
        },
        sealed_identity,
        description: report.description.clone(),
        submitted_at: now,
    };
    let event = CaseEvent {
        case_id: case_id.clone(),
        seq: 0,
        action: action.kind().as_str().into(),
        from_state: CaseState::EventKnown,
        to_state: transition.to,
        on: today,
        actor: filing.ctx.actor.clone(),
        office_id: filing.ctx.office.clone(),
        detail: json!({ "origin": filing.origin.as_str(), "channel": filing.channel.as_str() }).to_string(),
        at: now,
    };
    let notifications = match (&office, filing.office.is_none()) {
        (Some(office), true) => vec![notification(
            &office.id,
            &case,
            "new_report",
            format!("Laporan baru di {}: {}", report.region, report.person.name),
            now,
        )],
        _ => Vec::new(),
    };
    let (evidence, created) = commit_evidence(vault, &case_id, Some(&report_id), filing.uploaded_by, files, now)?;
    let new = NewCase { case, report: Some(report_row), evidence, event, notifications };
    match store.create_case(&filing.ctx, &new).await {
        Ok(number) => Ok(Submitted { case_id, case_number: number, report_id: Some(report_id), receipt }),
        Err(error) => {
            undo_blobs(vault, &created);
            Err(error.into())
        }
    }
}

/// Files a report from the public (web form or API) with its evidence; the receipt in the answer is the only
/// copy.
pub async fn submit_public_report(
    store: &dyn Store,
    vault: &Vault,
    report: ValidReport,
    channel: Channel,
    files: Vec<StagedEvidence>,
    now: OffsetDateTime,
) -> AccessResult<Submitted> {
    let ctx = AuditContext { actor: "public".into(), office: None, at: now };
    let filing = Filing {
        origin: CaseOrigin::OnlineReport,
        channel,
        actor: Actor::Public,
        ctx,
        uploaded_by: "public",
        office: None,
    };
    file_case(store, vault, report, filing, files, now).await
}

/// The intake assessment of a case (7-day rule, standing, phase), from its stored facts.
pub fn assess_case(case: &CaseRecord, mode: ReporterMode) -> Option<Admissibility> {
    let election = case.election_id.as_deref().and_then(netra_core::builtin::election);
    let facts = IntakeFacts {
        origin: case.origin,
        occurred_on: case.occurred_on,
        known_on: case.known_on,
        received_on: case.received_on,
        mode,
        election,
    };
    intake::assess(&facts, WorkflowRules::builtin()).ok()
}

/// What a receipt opens.
#[derive(Debug)]
pub struct ReporterDesk {
    store: Arc<dyn Store>,
    pub report: ReportRecord,
    pub case: CaseRecord,
}

/// What the reporter sees.
#[derive(Debug, Clone)]
pub struct PublicStatus {
    pub case_number: String,
    pub state: CaseState,
    pub received_on: Date,
    pub updated_at: OffsetDateTime,
    /// Messages of this report's conversation only.
    pub messages: Vec<CaseMessage>,
    pub evidence_count: usize,
}

impl ReporterDesk {
    /// Opens the report a receipt belongs to; `None` for a wrong or malformed receipt (the caller throttles).
    pub async fn open(store: &Arc<dyn Store>, salt: &[u8], receipt: &str) -> Result<Option<ReporterDesk>, StoreError> {
        let Some(normalised) = crate::auth::normalise_receipt(receipt) else { return Ok(None) };
        let salt = salt.to_vec();
        let hash = tokio::task::spawn_blocking(move || crate::auth::receipt_hash(&normalised, &salt))
            .await
            .expect("hashing does not panic");
        let Some(report) = store.report_by_receipt(&hash).await? else { return Ok(None) };
        let Some(case) = store.case(&report.case_id).await? else { return Ok(None) };
        // A merged case answers with the case it was merged into (the report row has moved there already).
        Ok(Some(ReporterDesk { store: store.clone(), report, case }))
    }

    pub async fn status(&self) -> Result<PublicStatus, StoreError> {
        let messages = self
            .store
            .case_messages(&self.case.id)
            .await?
            .into_iter()
            .filter(|message| message.report_id == self.report.id)
            .collect();
        let evidence_count = self
            .store
            .case_evidence(&self.case.id)
            .await?
            .iter()
            .filter(|e| e.report_id.as_deref() == Some(self.report.id.as_str()))
            .count();
        Ok(PublicStatus {
            case_number: self.case.number.clone(),
            state: self.case.state(),
            received_on: self.case.received_on,
            updated_at: self.case.updated_at,
            messages,
            evidence_count,
        })
    }

    /// The reporter answers (or adds information); the office holding the case is notified.
    pub async fn reply(&self, body: &str, now: OffsetDateTime) -> AccessResult<()> {
        let mut errors = Vec::new();
        let body = bounded("body", body, 5_000, true, &mut errors);
        if !errors.is_empty() {
            return Err(AccessError::Invalid(errors));
        }
        let message = CaseMessage {
            id: Uuid::now_v7().to_string(),
            case_id: self.case.id.clone(),
            report_id: self.report.id.clone(),
            from_reporter: true,
            body,
            author: None,
            office_id: None,
            at: now,
        };
        let notes = OfficeDirectory::load(self.store.as_ref())
            .await?
            .holders_of(&self.case)
            .iter()
            .map(|office| {
                notification(
                    office,
                    &self.case,
                    "reporter_reply",
                    format!("Balasan pelapor pada {}", self.case.number),
                    now,
                )
            })
            .collect::<Vec<_>>();
        let ctx = AuditContext { actor: "public".into(), office: None, at: now };
        self.store.add_message(&ctx, &message, &notes).await?;
        Ok(())
    }

    /// More evidence from the reporter.
    pub async fn add_evidence(
        &self,
        vault: &Vault,
        files: Vec<StagedEvidence>,
        now: OffsetDateTime,
    ) -> AccessResult<()> {
        let existing = self.store.case_evidence(&self.case.id).await?.len();
        if existing + files.len() > crate::evidence::MAX_FILES * 3 {
            return Err(AccessError::Invalid(vec![field(
                "files",
                "Jumlah bukti untuk kasus ini sudah mencapai batas.",
                "This case has reached its limit of evidence files.",
            )]));
        }
        let (rows, created) = commit_evidence(vault, &self.case.id, Some(&self.report.id), "public", files, now)?;
        let ctx = AuditContext { actor: "public".into(), office: None, at: now };
        if let Err(error) = self.store.add_evidence(&ctx, &rows).await {
            undo_blobs(vault, &created);
            return Err(error.into());
        }
        Ok(())
    }
}

impl Principal {
    /// The cases this principal can reach at all.
    pub fn case_scope(&self) -> CaseScope {
        self.role().case_scope(self.office.region, self.office.agency.as_deref())
    }

    /// Every staff operation on cases.
    pub fn case_desk(&self, store: &Arc<dyn Store>) -> AccessResult<CaseDesk<'_>> {
        if !self.role().can(Permission::HandleCases) {
            return Err(AccessError::Denied);
        }
        Ok(CaseDesk { principal: self, store: store.clone(), scope: self.case_scope() })
    }

    /// Opening confidential reporters' identities (custodian only).
    pub fn unsealer<'a>(&'a self, store: &Arc<dyn Store>, sealer: &'a Sealer) -> AccessResult<Unsealer<'a>> {
        if !self.role().can(Permission::UnsealReporterIdentity) {
            return Err(AccessError::Denied);
        }
        Ok(Unsealer { principal: self, store: store.clone(), sealer })
    }
}

/// Whether `scope` reaches `case`.
pub fn scope_covers(scope: &CaseScope, case: &CaseRecord) -> bool {
    match scope {
        CaseScope::All => true,
        CaseScope::Region(region) => case.region.is_within(region),
        CaseScope::Forwarded(province) => {
            case.bkn_office_id.is_some() && province.is_none_or(|p| case.region.province_code() == p.province_code())
        }
        CaseScope::PpkAgency(agency) => case.ppk_agency_id.as_deref() == Some(agency.as_str()),
        CaseScope::Nothing => false,
    }
}

/// A case with everything shown on its page.
#[derive(Debug, Clone)]
pub struct CaseFile {
    pub case: CaseRecord,
    pub reports: Vec<ReportRecord>,
    pub events: Vec<CaseEvent>,
    pub evidence: Vec<EvidenceRecord>,
    pub messages: Vec<CaseMessage>,
    pub links: Vec<CaseLink>,
}

/// Where a hand-off goes, chosen on the form.
#[derive(Debug, Clone, Default)]
pub struct HandOff {
    /// The agency whose PPK receives a recommendation.
    pub ppk_agency: Option<String>,
}

/// Staff edits of a case's facts.
#[derive(Debug, Clone, Default)]
pub struct FactsInput {
    pub person_name: String,
    pub person_position: String,
    pub person_agency: String,
    pub person_nip: String,
    pub agency_id: String,
    pub items: Vec<String>,
    pub place: String,
}

/// A possible duplicate with its similarity.
#[derive(Debug, Clone)]
pub struct DuplicateCandidate {
    pub case: CaseRecord,
    pub similarity: Similarity,
}

/// Staff operations on the cases of a principal's scope.
#[derive(Debug)]
pub struct CaseDesk<'p> {
    principal: &'p Principal,
    store: Arc<dyn Store>,
    scope: CaseScope,
}

fn case_facts(case: &CaseRecord) -> duplicate::CaseFacts<'_> {
    duplicate::CaseFacts {
        person_name: &case.person.name,
        region: &case.region,
        occurred_on: case.occurred_on,
        description: &case.description,
    }
}

fn workflow_invalid(error: netra_core::workflow::WorkflowError) -> AccessError {
    AccessError::Invalid(vec![field("action", error.message(Locale::Id), error.message(Locale::En))])
}

/// The action's own fields, for the event log.
fn action_detail(action: &Action) -> Value {
    Value::Object(action.fields().into_iter().map(|(name, value)| (name.to_string(), Value::String(value))).collect())
}

impl CaseDesk<'_> {
    pub fn principal(&self) -> &Principal {
        self.principal
    }

    pub fn scope(&self) -> &CaseScope {
        &self.scope
    }

    fn ctx(&self, at: OffsetDateTime) -> AuditContext {
        self.principal.audit_context(at)
    }

    fn require_bawaslu(&self) -> AccessResult<()> {
        if self.principal.role().is_bawaslu() { Ok(()) } else { Err(AccessError::Denied) }
    }

    /// A work list; the scope is always the principal's.
    pub async fn list(&self, mut query: CaseQuery) -> AccessResult<Vec<CaseSummary>> {
        query.scope = self.scope.clone();
        query.limit = query.limit.clamp(1, 200);
        Ok(self.store.list_cases(&query).await?)
    }

    /// A case in scope, or `NotFound`.
    pub async fn case(&self, id: &str) -> AccessResult<CaseRecord> {
        match self.store.case(id).await? {
            Some(case) if scope_covers(&self.scope, &case) => Ok(case),
            _ => Err(AccessError::NotFound),
        }
    }

    /// A case in scope by its number.
    pub async fn case_by_number(&self, number: &str) -> AccessResult<CaseRecord> {
        match self.store.case_by_number(number.trim()).await? {
            Some(case) if scope_covers(&self.scope, &case) => Ok(case),
            _ => Err(AccessError::NotFound),
        }
    }

    /// Everything on a case's page.
    pub async fn open(&self, id: &str) -> AccessResult<CaseFile> {
        let case = self.case(id).await?;
        Ok(CaseFile {
            reports: self.store.case_reports(&case.id).await?,
            events: self.store.case_events(&case.id).await?,
            evidence: self.store.case_evidence(&case.id).await?,
            messages: self.store.case_messages(&case.id).await?,
            links: self.store.case_links(&case.id).await?,
            case,
        })
    }

    /// The workflow actions this principal may take on the case now.
    pub fn allowed_actions(&self, case: &CaseRecord) -> Vec<ActionKind> {
        if case.merged_into.is_some() {
            return Vec::new();
        }
        netra_core::workflow::allowed_actions(case.state(), Actor::Staff(self.principal.role()))
    }

    /// Takes a workflow action on a case (made on `version`, which must still be current).
    pub async fn act(
        &self,
        case_id: &str,
        version: i64,
        action: Action,
        handoff: HandOff,
        now: OffsetDateTime,
    ) -> AccessResult<CaseRecord> {
        let mut case = self.case(case_id).await?;
        if case.version != version {
            return Err(AccessError::Conflict(
                "Kasus telah diubah oleh pengguna lain; muat ulang halaman lalu ulangi.".into(),
            ));
        }
        if case.merged_into.is_some() {
            return Err(AccessError::Invalid(vec![field(
                "action",
                "Kasus ini telah digabungkan ke kasus lain.",
                "This case was merged into another.",
            )]));
        }
        // A role with no action at all in this state (e.g. the custodian, or BKN while Bawaslu holds the case)
        // is refused outright; a role that has other actions gets the workflow's explanation.
        if self.allowed_actions(&case).is_empty() {
            return Err(AccessError::Denied);
        }
        let today = local_today(&case.region, now);
        let rules = WorkflowRules::builtin();
        let actor = Actor::Staff(self.principal.role());
        let transition = case.snapshot.transition(&action, actor, today, rules).map_err(workflow_invalid)?;
        let mut detail = action_detail(&action);
        let mut notifications = Vec::new();
        let store = self.store.as_ref();
        match &action {
            Action::ForwardToBkn { items, .. } => {
                let catalogue = netra_core::builtin::catalogue();
                if let Some(unknown) = items.iter().find(|code| catalogue.get(code).is_none()) {
                    return Err(AccessError::Invalid(vec![field(
                        "items",
                        format!("Butir katalog {unknown} tidak dikenal."),
                        format!("Unknown catalogue item {unknown}."),
                    )]));
                }
                case.items = items.clone();
                let office = OfficeDirectory::load(store).await?.bkn_for(&case.region).cloned().ok_or_else(|| {
                    AccessError::Invalid(vec![field(
                        "action",
                        "Belum ada kantor BKN dengan pengguna untuk wilayah ini.",
                        "No BKN office with users covers this region yet.",
                    )])
                })?;
                detail["to_office"] = json!(office.id);
                case.bkn_office_id = Some(office.id.clone());
                notifications.push(notification(
                    &office.id,
                    &case,
                    "handoff",
                    format!("Penerusan dari Bawaslu: {} ({})", case.number, case.person.name),
                    now,
                ));
            }
            Action::Recommend { .. } => {
                let agency = handoff.ppk_agency.clone().or_else(|| case.agency_id.clone()).ok_or_else(|| {
                    AccessError::Invalid(vec![field(
                        "ppk_agency",
                        "Pilih instansi PPK yang menerima rekomendasi.",
                        "Choose the agency whose PPK receives the recommendation.",
                    )])
                })?;
                if store.agency(&agency).await?.is_none() {
                    return Err(AccessError::Invalid(vec![field(
                        "ppk_agency",
                        format!("Instansi {agency} tidak dikenal."),
                        format!("Unknown agency {agency}."),
                    )]));
                }
                detail["to_agency"] = json!(agency);
                for office in OfficeDirectory::load(store).await?.ppk_offices_of(&agency) {
                    notifications.push(notification(
                        &office.id,
                        &case,
                        "handoff",
                        format!("Rekomendasi BKN: {} ({})", case.number, case.person.name),
                        now,
                    ));
                }
                case.ppk_agency_id = Some(agency);
            }
            Action::BknReturn { .. } => {
                if let Some(office) = &case.bawaslu_office_id {
                    notifications.push(notification(
                        office,
                        &case,
                        "returned",
                        format!("Dikembalikan oleh BKN: {}", case.number),
                        now,
                    ));
                }
            }
            Action::PpkReturn { .. } | Action::FlagNonCompliance { .. } => {
                if let Some(office) = &case.bkn_office_id {
                    let body = match action {
                        Action::PpkReturn { .. } => format!("Dikembalikan oleh PPK: {}", case.number),
                        _ => format!("PPK tidak menindaklanjuti: {}", case.number),
                    };
                    notifications.push(notification(office, &case, "returned", body, now));
                }
            }
            _ => {}
        }
        let summary = format!(
            "{}: {} → {} ({})",
            case.number,
            transition.from.as_str(),
            transition.to.as_str(),
            action.kind().name(Locale::Id)
        );
        case.snapshot = transition.next.clone();
        let event = CaseEvent {
            case_id: case.id.clone(),
            seq: 0,
            action: action.kind().as_str().into(),
            from_state: transition.from,
            to_state: transition.to,
            on: action.on(),
            actor: self.principal.user.id.clone(),
            office_id: Some(self.principal.office.id.clone()),
            detail: detail.to_string(),
            at: now,
        };
        let change = CaseChange { case: case.clone(), event, notifications, summary };
        self.store.record_transition(&self.ctx(now), &change).await?;
        Ok(CaseRecord { version: case.version + 1, ..case })
    }

    /// Bawaslu corrects or completes the facts (the person, their agency, the confirmed catalogue items).
    pub async fn update_facts(
        &self,
        case_id: &str,
        version: i64,
        input: &FactsInput,
        now: OffsetDateTime,
    ) -> AccessResult<()> {
        self.require_bawaslu()?;
        let mut case = self.case(case_id).await?;
        if case.version != version {
            return Err(AccessError::Conflict("Kasus telah diubah oleh pengguna lain; muat ulang halaman.".into()));
        }
        let mut errors = Vec::new();
        case.person.name = bounded("person_name", &input.person_name, 200, true, &mut errors);
        case.person.position = bounded("person_position", &input.person_position, 200, false, &mut errors);
        case.person.agency_text = bounded("person_agency", &input.person_agency, 200, false, &mut errors);
        case.place = bounded("place", &input.place, 300, false, &mut errors);
        case.person.nip = match input.person_nip.trim() {
            "" => None,
            raw => match EmployeeNumber::parse(raw) {
                Ok(number) => Some(number.to_string()),
                Err(error) => {
                    errors.push(field("person_nip", error.message(Locale::Id), error.message(Locale::En)));
                    None
                }
            },
        };
        case.agency_id = match input.agency_id.trim() {
            "" => None,
            id => {
                if self.store.agency(id).await?.is_none() {
                    errors.push(field(
                        "agency_id",
                        format!("Instansi {id} tidak dikenal."),
                        format!("Unknown agency {id}."),
                    ));
                }
                Some(id.to_string())
            }
        };
        let catalogue = netra_core::builtin::catalogue();
        let mut items = Vec::new();
        for code in input.items.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
            if catalogue.get(code).is_none() {
                errors.push(field(
                    "items",
                    format!("Butir katalog {code} tidak dikenal."),
                    format!("Unknown item {code}."),
                ));
            } else if !items.iter().any(|i| i == code) {
                items.push(code.to_string());
            }
        }
        case.items = items;
        if !errors.is_empty() {
            return Err(AccessError::Invalid(errors));
        }
        let summary = format!("{}: data terlapor dan butir katalog diperbarui", case.number);
        self.store.update_case_facts(&self.ctx(now), &case, &summary).await?;
        Ok(())
    }

    /// Bawaslu asks the reporter of one report a question (answered through the receipt).
    pub async fn ask_reporter(
        &self,
        case_id: &str,
        report_id: &str,
        body: &str,
        now: OffsetDateTime,
    ) -> AccessResult<()> {
        self.require_bawaslu()?;
        let case = self.case(case_id).await?;
        let report = match self.store.report(report_id).await? {
            Some(report) if report.case_id == case.id && report.receipt_hash.is_some() => report,
            _ => return Err(AccessError::NotFound),
        };
        let mut errors = Vec::new();
        let body = bounded("body", body, 5_000, true, &mut errors);
        if !errors.is_empty() {
            return Err(AccessError::Invalid(errors));
        }
        let message = CaseMessage {
            id: Uuid::now_v7().to_string(),
            case_id: case.id.clone(),
            report_id: report.id,
            from_reporter: false,
            body,
            author: Some(self.principal.user.id.clone()),
            office_id: Some(self.principal.office.id.clone()),
            at: now,
        };
        self.store.add_message(&self.ctx(now), &message, &[]).await?;
        Ok(())
    }

    /// Open cases near this one (same regency, event within a week) that look like the same report.
    pub async fn duplicates(&self, case: &CaseRecord) -> AccessResult<Vec<DuplicateCandidate>> {
        let window = time::Duration::days(duplicate::WINDOW_DAYS);
        let near =
            self.store.cases_near(&case.region, case.occurred_on - window, case.occurred_on + window, &case.id).await?;

        let mut out: Vec<DuplicateCandidate> = near
            .into_iter()
            .filter(|other| scope_covers(&self.scope, other))
            .map(|other| DuplicateCandidate {
                similarity: duplicate::compare(&case_facts(case), &case_facts(&other)),
                case: other,
            })
            .filter(|candidate| candidate.similarity.is_possible_duplicate())
            .collect();
        out.sort_by(|a, b| b.similarity.score.total_cmp(&a.similarity.score));
        Ok(out)
    }

    /// Merges `merged` into `keep`: every report, piece of evidence and message of `merged` moves to `keep`.
    pub async fn merge(
        &self,
        keep_id: &str,
        keep_version: i64,
        merged_id: &str,
        merged_version: i64,
        now: OffsetDateTime,
    ) -> AccessResult<()> {
        self.require_bawaslu()?;
        if keep_id == merged_id {
            return Err(AccessError::Invalid(vec![field("merge", "Pilih kasus lain.", "Choose another case.")]));
        }
        let keep = self.case(keep_id).await?;
        let merged = self.case(merged_id).await?;
        if keep.version != keep_version || merged.version != merged_version {
            return Err(AccessError::Conflict("Salah satu kasus telah diubah; muat ulang halaman.".into()));
        }
        if keep.merged_into.is_some() || merged.merged_into.is_some() {
            return Err(AccessError::Invalid(vec![field(
                "merge",
                "Kasus yang sudah digabungkan tidak dapat digabungkan lagi.",
                "A case already merged cannot be merged again.",
            )]));
        }
        if merged.state().holder() != Holder::Bawaslu {
            return Err(AccessError::Invalid(vec![field(
                "merge",
                "Hanya kasus yang masih di Bawaslu yang dapat digabungkan.",
                "Only cases still with Bawaslu can be merged.",
            )]));
        }
        self.store.merge_cases(&self.ctx(now), &keep, &merged).await?;
        Ok(())
    }

    /// Bawaslu enters a finding (temuan) or a report received in person. A report received in person gets a
    /// receipt to hand to the reporter.
    pub async fn intake(
        &self,
        vault: &Vault,
        report: ValidReport,
        origin: CaseOrigin,
        files: Vec<StagedEvidence>,
        now: OffsetDateTime,
    ) -> AccessResult<Submitted> {
        if !self.principal.role().can(Permission::IntakeCases) {
            return Err(AccessError::Denied);
        }
        // The form offers only regions of the office's jurisdiction: another region is a forged request.
        if !self.scope.admits_intake(&report.region) {
            return Err(AccessError::Denied);
        }
        let channel = match origin {
            CaseOrigin::Finding => Channel::Finding,
            _ => Channel::InPerson,
        };
        let origin = if origin == CaseOrigin::OnlineReport { CaseOrigin::InPersonReport } else { origin };
        let filing = Filing {
            origin,
            channel,
            actor: Actor::Staff(self.principal.role()),
            ctx: self.ctx(now),
            uploaded_by: &self.principal.user.id,
            office: Some(self.principal.office.clone()),
        };
        file_case(self.store.as_ref(), vault, report, filing, files, now).await
    }

    /// Staff add evidence to a case in scope.
    pub async fn attach_evidence(
        &self,
        vault: &Vault,
        case_id: &str,
        files: Vec<StagedEvidence>,
        now: OffsetDateTime,
    ) -> AccessResult<()> {
        if self.principal.role() == Role::Custodian {
            return Err(AccessError::Denied);
        }
        let case = self.case(case_id).await?;
        let (rows, created) = commit_evidence(vault, &case.id, None, &self.principal.user.id, files, now)?;
        if let Err(error) = self.store.add_evidence(&self.ctx(now), &rows).await {
            undo_blobs(vault, &created);
            return Err(error.into());
        }
        Ok(())
    }

    /// One evidence file of a case in scope (for download).
    pub async fn evidence(&self, case_id: &str, evidence_id: &str) -> AccessResult<EvidenceRecord> {
        let case = self.case(case_id).await?;
        self.store.case_evidence(&case.id).await?.into_iter().find(|e| e.id == evidence_id).ok_or(AccessError::NotFound)
    }

    /// The inbox of the principal's office.
    pub async fn inbox(&self, limit: u32) -> AccessResult<Vec<Notification>> {
        Ok(self.store.notifications(&self.principal.office.id, limit).await?)
    }

    pub async fn mark_inbox_read(&self, now: OffsetDateTime) -> AccessResult<u64> {
        Ok(self.store.mark_notifications_read(&self.principal.office.id, now).await?)
    }
}

/// Opens confidential reporters' identities, one audited opening at a time.
#[derive(Debug)]
pub struct Unsealer<'a> {
    principal: &'a Principal,
    store: Arc<dyn Store>,
    sealer: &'a Sealer,
}

impl Unsealer<'_> {
    /// Opens the identity of a confidential report, recording who, when and why in the audit trail first.
    pub async fn unseal(&self, report_id: &str, reason: &str, now: OffsetDateTime) -> AccessResult<ReporterIdentity> {
        let mut errors = Vec::new();
        let reason = bounded("reason", reason, 500, true, &mut errors);
        if reason.chars().count() < 10 && errors.is_empty() {
            errors.push(field(
                "reason",
                "Tuliskan alasan pembukaan paling sedikit 10 karakter.",
                "Give a reason of at least 10 characters.",
            ));
        }
        if !errors.is_empty() {
            return Err(AccessError::Invalid(errors));
        }
        let report = self.store.report(report_id).await?.ok_or(AccessError::NotFound)?;
        let sealed = report.sealed_identity.as_ref().ok_or(AccessError::NotFound)?;
        let plain =
            self.sealer.open(&report.id, sealed).map_err(|e| AccessError::Store(StoreError::Corrupt(e.to_string())))?;
        let value: Value = serde_json::from_slice(&plain).map_err(|_| StoreError::Corrupt("sealed identity".into()))?;
        let case = self.store.case(&report.case_id).await?;
        self.store
            .record_event(
                &self.principal.audit_context(now),
                AuditRecord {
                    action: "report.unseal".into(),
                    object_kind: "report".into(),
                    object_id: report.id.clone(),
                    region: case.as_ref().map(|c| c.region.to_string()),
                    agency: None,
                    before: None,
                    after: None,
                    summary: format!(
                        "Identitas pelapor dibuka untuk kasus {}; alasan: {reason}",
                        case.map(|c| c.number).unwrap_or_default()
                    ),
                },
            )
            .await?;
        Ok(ReporterIdentity {
            name: value["name"].as_str().unwrap_or_default().to_string(),
            contact: value["contact"].as_str().unwrap_or_default().to_string(),
        })
    }
}

/// Adds a reminder to the holding office of every open case whose next deadline falls within `days` of today,
/// once per case, clock and due date. Returns how many were added.
pub async fn send_deadline_reminders(store: &dyn Store, now: OffsetDateTime, days: i64) -> Result<u64, StoreError> {
    let today = local_today(&RegionCode::province(31), now);
    let cases = store.cases_due_by(today + time::Duration::days(days), 5_000).await?;
    let directory = OfficeDirectory::load(store).await?;
    let mut notes = Vec::new();
    for case in cases {
        let Some(clock) = case.snapshot.clocks.iter().min_by_key(|clock| clock.due_on) else { continue };
        let overdue = clock.due_on < today;
        for office in directory.holders_of(&case) {
            let body = if overdue {
                format!("Lewat batas waktu: {} ({}) jatuh tempo {}", case.number, clock.kind.as_str(), clock.due_on)
            } else {
                format!("Batas waktu mendekat: {} ({}) jatuh tempo {}", case.number, clock.kind.as_str(), clock.due_on)
            };
            let mut note = notification(&office, &case, "deadline", body, now);
            note.dedupe_key =
                Some(format!("deadline:{}:{}:{}:{}:{overdue}", case.id, clock.kind.as_str(), clock.due_on, office));
            notes.push(note);
        }
    }
    store.add_notifications(&notes).await
}
