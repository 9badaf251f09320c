//! Filing reports and findings: the vault of files and keys, validation of a report's fields, and the one
//! path (`file_case`) by which a public report, an in-person report or a finding becomes a case.

use netra_core::Locale;
use netra_core::Localized;
use netra_core::ident::EmployeeNumber;
use netra_core::intake::{self, Admissibility, CaseOrigin, IntakeFacts, ReporterMode};
use netra_core::region::{RegionCode, RegionLevel};
use netra_core::workflow::{Action, Actor, CaseSnapshot, CaseState, WorkflowRules};
use serde_json::{Value, json};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::*;
use crate::access::{AccessError, AccessResult, FieldError};
use crate::accounts::{AuditContext, Office};
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
    /// The pact signing keys (`<dir>/keys/pact`).
    pub pact_keys: crate::pacts::PactKeys,
}

impl Vault {
    /// Opens the evidence store (`<dir>/blobs`), the seal key (`<dir>/keys/seal.key`) and the pact keys
    /// (`<dir>/keys/pact`), reads the receipt salt,
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
        let pact_keys = crate::pacts::PactKeys::new(dir.join("keys").join("pact"));
        Ok((Vault { blobs, sealer, receipt_salt, pact_keys }, swept))
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

pub(crate) fn field(field: &'static str, id: impl Into<String>, en: impl Into<String>) -> FieldError {
    FieldError::new(field, id, en)
}

pub(crate) fn parse_date(name: &'static str, raw: &str, today: Date, errors: &mut Vec<FieldError>) -> Option<Date> {
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

pub(crate) fn bounded(
    name: &'static str,
    raw: &str,
    max: usize,
    required: bool,
    errors: &mut Vec<FieldError>,
) -> String {
    let value = raw.trim().to_string();
    if required && value.is_empty() {
        errors.push(field(name, "Wajib diisi.", "Required."));
    } else if value.chars().count() > max {
        errors.push(field(name, format!("Paling banyak {max} karakter."), format!("At most {max} characters.")));
    }
    value
}

/// The time zone of `region` (WIB when unknown).
pub fn zone_of(region: &RegionCode) -> netra_core::calendar::TimeZone {
    netra_core::builtin::time_zones().for_region(region).unwrap_or(netra_core::calendar::TimeZone::Wib)
}

/// The date at `now` in the time zone of `region` (WIB when unknown).
pub fn local_today(region: &RegionCode, now: OffsetDateTime) -> Date {
    zone_of(region).local_date(now)
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

/// Moves staged evidence into the blob store; returns the rows to insert and the blobs created by this call
/// (to remove again if the database write fails).
pub(crate) fn commit_evidence(
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

pub(crate) fn undo_blobs(vault: &Vault, created: &[String]) {
    for sha in created {
        // A blob left behind here is removed by the start-up sweep.
        let _ = vault.blobs.remove(sha);
    }
}

/// A new receipt and its hash (the slow hash runs off the async threads).
pub(crate) async fn receipt_pair(salt: &[u8]) -> (String, String) {
    let receipt = crate::auth::new_receipt();
    let normalised = crate::auth::normalise_receipt(&receipt).expect("a fresh receipt is well-formed");
    let hash = crate::auth::receipt_hash_queued(normalised, salt.to_vec()).await;
    (receipt, hash)
}

/// Inputs to [`file_case`] besides the report.
pub(crate) struct Filing<'a> {
    pub(crate) origin: CaseOrigin,
    pub(crate) channel: Channel,
    pub(crate) actor: Actor,
    pub(crate) ctx: AuditContext,
    pub(crate) uploaded_by: &'a str,
    /// Office entering the case (staff intake), which then holds it.
    pub(crate) office: Option<Office>,
    /// The flagged post a finding is opened from.
    pub(crate) from_post: Option<String>,
}

pub(crate) async fn file_case(
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
        registry_person_id: None,
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
    let new = NewCase { case, report: Some(report_row), evidence, event, notifications, from_post: filing.from_post };
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
        from_post: None,
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
