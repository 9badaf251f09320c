//! Prevention (issue 7): pact and declaration texts per election, signing by a civil servant with a one-time code
//! from their agency admin or in bulk from a ceremony's attendance list, and public verification by code.
//!
//! Who may do what: `ManagePacts` revises an election's texts; `SignPacts` (agency admins) issues one-time codes
//! and signs attendance lists, only for registry persons of their own agency (the registry's `instansi` equals
//! the agency's name). Signing in person needs no account: the NIP and the one-time code.

use std::sync::Arc;

use netra_core::access::Permission;
use netra_core::ident::EmployeeNumber;
use netra_core::pact::{PactDocument, PactKind, PactSigner, PactText, SigningMethod, same_agency};
use netra_core::patrol::LineProblem;
use netra_core::{Locale, Localized};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::Store;
use crate::access::{AccessError, AccessResult, FieldError, Principal};
use crate::accounts::AuditContext;
use crate::pacts::{PactCodeRecord, PactKeys, PactSignatureRecord, PactTextRecord};
use crate::registry::PersonRecord;

/// The largest attendance list accepted.
pub const MAX_ATTENDANCE_BYTES: usize = 10 * 1024 * 1024;

impl Principal {
    /// Pact texts, one-time codes and attendance lists, as the role allows.
    pub fn pact_desk<'a>(&'a self, store: &Arc<dyn Store>, keys: &'a PactKeys) -> AccessResult<PactDesk<'a>> {
        if !self.role().can(Permission::ManagePacts) && !self.role().can(Permission::SignPacts) {
            return Err(AccessError::Denied);
        }
        Ok(PactDesk { principal: self, store: store.clone(), keys })
    }
}

/// Prevention operations of one principal.
#[derive(Debug)]
pub struct PactDesk<'a> {
    principal: &'a Principal,
    store: Arc<dyn Store>,
    keys: &'a PactKeys,
}

/// A one-time code as issued: shown once to the agency admin, who hands it to the civil servant.
#[derive(Debug, Clone)]
pub struct IssuedCode {
    pub code: String,
    pub person: PersonRecord,
    pub expires_at: OffsetDateTime,
}

/// Pact coverage of one agency, per unit.
#[derive(Debug, Clone)]
pub struct Coverage {
    pub agency: String,
    pub units: Vec<crate::pacts::UnitCoverage>,
}

impl Coverage {
    /// All units together.
    pub fn total(&self) -> crate::pacts::UnitCoverage {
        crate::pacts::UnitCoverage {
            unit: String::new(),
            persons: self.units.iter().map(|u| u.persons).sum(),
            signed: self.units.iter().map(|u| u.signed).sum(),
            attended: self.units.iter().map(|u| u.attended).sum(),
        }
    }
}

/// What signing an attendance list did.
#[derive(Debug, Clone, Default)]
pub struct AttendanceSigning {
    pub signed: u64,
    /// Persons on the list who had already signed this text.
    pub already: u64,
    /// Lines that could not be signed (unknown NIP, another agency, unreadable), by line.
    pub problems: Vec<LineProblem>,
}

fn invalid(field: &'static str, id: impl Into<String>, en: impl Into<String>) -> AccessError {
    AccessError::Invalid(vec![FieldError::new(field, id, en)])
}

/// SHA-256 of a one-time code (codes are stored only as hashes).
fn code_hash(code: &str) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(code.trim().to_ascii_uppercase().as_bytes()))
}

/// The current text of an election's pact or declaration; version 1 is the default text, made on first use.
pub async fn current_pact_text(
    store: &dyn Store,
    election_id: &str,
    kind: PactKind,
    now: OffsetDateTime,
) -> AccessResult<PactTextRecord> {
    if store.election(election_id).await?.is_none() {
        return Err(invalid(
            "election",
            format!("Pemilihan {election_id} tidak dikenal."),
            format!("Unknown election {election_id}."),
        ));
    }
    let texts = store.pact_texts(election_id).await?;
    if let Some(latest) = texts.into_iter().filter(|t| t.kind == kind).max_by_key(|t| t.version) {
        return Ok(latest);
    }
    let text = PactText::default_for(kind);
    let record = PactTextRecord {
        id: uuid::Uuid::now_v7().to_string(),
        election_id: election_id.to_string(),
        kind,
        version: 1,
        digest: text.digest(),
        text,
        created_by: "system".into(),
        created_at: now,
    };
    match store.create_pact_text(&AuditContext::system(now), &record).await {
        Ok(()) => Ok(record),
        // Another request made version 1 at the same moment: use theirs.
        Err(crate::StoreError::Conflict(_)) => {
            let texts = store.pact_texts(election_id).await?;
            texts.into_iter().filter(|t| t.kind == kind).max_by_key(|t| t.version).ok_or(AccessError::NotFound)
        }
        Err(error) => Err(error.into()),
    }
}

/// The pact a person signs, made from the registry's record of them.
fn document(
    text: &PactTextRecord,
    person: &PersonRecord,
    method: SigningMethod,
    occasion: &str,
    now: OffsetDateTime,
) -> PactDocument {
    PactDocument {
        v: PactDocument::FORMAT,
        kind: text.kind,
        election: text.election_id.clone(),
        text_version: text.version,
        text_digest: text.digest.clone(),
        signer: person.display_name(),
        nip: person.nip.clone(),
        position: person.position.clone(),
        unit: person.unit.clone(),
        agency: person.agency.clone(),
        region: person.region_code.clone(),
        signed_at: now
            .to_offset(time::UtcOffset::UTC)
            .replace_nanosecond(0)
            .expect("zero nanoseconds are valid")
            .format(&time::format_description::well_known::Rfc3339)
            .expect("a UTC time formats"),
        method,
        occasion: occasion.trim().to_string(),
    }
}

fn signature_record(
    signer: &PactSigner,
    text: &PactTextRecord,
    person: &PersonRecord,
    method: SigningMethod,
    occasion: &str,
    signed_by: Option<String>,
    now: OffsetDateTime,
) -> PactSignatureRecord {
    PactSignatureRecord {
        id: uuid::Uuid::now_v7().to_string(),
        text_id: text.id.clone(),
        person_id: person.id,
        method,
        pact: signer.sign(document(text, person, method, occasion, now)),
        signed_by,
        signed_at: now,
    }
}

impl PactDesk<'_> {
    fn ctx(&self, now: OffsetDateTime) -> AuditContext {
        self.principal.audit_context(now)
    }

    pub(super) fn principal(&self) -> &Principal {
        self.principal
    }

    pub(super) fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The name of the principal's agency (for `SignPacts`), or `Denied`.
    pub(super) async fn own_agency(&self) -> AccessResult<String> {
        if !self.principal.role().can(Permission::SignPacts) {
            return Err(AccessError::Denied);
        }
        let id = self.principal.office.agency.as_deref().ok_or(AccessError::Denied)?;
        Ok(self.store.agency(id).await?.ok_or(AccessError::Denied)?.name)
    }

    /// A registry person of the principal's agency by NIP, or a field error.
    async fn person_of_agency(&self, nip: &str, agency: &str) -> Result<PersonRecord, (String, String)> {
        let number = EmployeeNumber::parse(nip).map_err(|e| (e.message(Locale::Id), e.message(Locale::En)))?;
        match self.store.registry_person_by_nip(&number.to_string()).await {
            Ok(Some(person)) if same_agency(&person.agency, agency) => Ok(person),
            Ok(Some(_)) => Err((
                format!("NIP {number} terdaftar di instansi lain."),
                format!("NIP {number} belongs to another agency."),
            )),
            Ok(None) => Err((
                format!("NIP {number} tidak ada dalam registri ASN."),
                format!("NIP {number} is not in the ASN registry."),
            )),
            Err(error) => Err((error.to_string(), error.to_string())),
        }
    }

    /// Pact coverage per unit of an agency: an agency admin's own agency; managers any agency by id.
    pub async fn coverage(&self, election_id: &str, agency_id: Option<&str>) -> AccessResult<Coverage> {
        let agency = match (self.principal.role().can(Permission::ManagePacts), agency_id) {
            (true, Some(id)) => self.store.agency(id).await?.ok_or(AccessError::NotFound)?.name,
            (true, None) => return Err(invalid("agency", "Pilih instansi.", "Choose an agency.")),
            (false, _) => self.own_agency().await?,
        };
        if self.store.election(election_id).await?.is_none() {
            return Err(AccessError::NotFound);
        }
        let units = self.store.pact_coverage(election_id, &agency).await?;
        Ok(Coverage { agency, units })
    }

    /// Saves a new version of an election's text (`ManagePacts`). An unchanged text makes no version.
    pub async fn revise_text(
        &self,
        election_id: &str,
        kind: PactKind,
        text: PactText,
        now: OffsetDateTime,
    ) -> AccessResult<PactTextRecord> {
        if !self.principal.role().can(Permission::ManagePacts) {
            return Err(AccessError::Denied);
        }
        let problems = text.problems();
        if !problems.is_empty() {
            return Err(AccessError::Invalid(
                problems.into_iter().map(|(id, en)| FieldError::new("text", id, en)).collect(),
            ));
        }
        let current = current_pact_text(self.store.as_ref(), election_id, kind, now).await?;
        if current.digest == text.digest() {
            return Err(AccessError::Conflict("Teks tidak berubah; tidak ada versi baru.".into()));
        }
        let record = PactTextRecord {
            id: uuid::Uuid::now_v7().to_string(),
            election_id: election_id.to_string(),
            kind,
            version: current.version + 1,
            digest: text.digest(),
            text,
            created_by: self.principal.user.id.clone(),
            created_at: now,
        };
        self.store.create_pact_text(&self.ctx(now), &record).await?;
        Ok(record)
    }

    /// Issues a one-time code for a civil servant of the principal's agency to sign the current pact.
    pub async fn issue_code(&self, election_id: &str, nip: &str, now: OffsetDateTime) -> AccessResult<IssuedCode> {
        let agency = self.own_agency().await?;
        let person = self.person_of_agency(nip, &agency).await.map_err(|(id, en)| invalid("nip", id, en))?;
        let text = current_pact_text(self.store.as_ref(), election_id, PactKind::Pakta, now).await?;
        let mut bytes = [0u8; 10];
        getrandom::fill(&mut bytes).map_err(|e| AccessError::Store(crate::StoreError::Config(e.to_string())))?;
        let letters = data_encoding::BASE32_NOPAD.encode(&bytes);
        let code = format!("{}-{}", &letters[..4], &letters[4..8]);
        let record = PactCodeRecord {
            code_hash: code_hash(&code),
            text_id: text.id,
            person_id: person.id,
            issued_by: self.principal.user.id.clone(),
            issued_at: now,
            expires_at: now + netra_core::pact::CODE_VALIDITY,
            used_at: None,
        };
        self.store.issue_pact_code(&self.ctx(now), &record).await?;
        Ok(IssuedCode { code, person, expires_at: record.expires_at })
    }

    /// Signs the current pact for everyone on a ceremony's attendance list (CSV or XLSX with a `nip` column) who
    /// is a civil servant of the principal's agency; every other line is reported with its reason. One
    /// transaction and one audit entry for the whole list.
    pub async fn sign_attendance(
        &self,
        election_id: &str,
        occasion: &str,
        file_name: &str,
        bytes: &[u8],
        now: OffsetDateTime,
    ) -> AccessResult<AttendanceSigning> {
        let agency = self.own_agency().await?;
        if occasion.trim().is_empty() {
            return Err(invalid(
                "occasion",
                "Sebutkan acaranya (mis. Apel Netralitas 29 Juli 2024).",
                "Name the occasion (e.g. the neutrality ceremony of 29 July 2024).",
            ));
        }
        if bytes.len() > MAX_ATTENDANCE_BYTES {
            return Err(invalid("file", "Berkas lebih dari 10 MB.", "The file is larger than 10 MB."));
        }
        let mut problems = Vec::new();
        let lines = read_attendance(file_name, bytes).map_err(|p| {
            AccessError::Invalid(vec![FieldError::new("file", p.describe(Locale::Id), p.describe(Locale::En))])
        })?;
        let text = current_pact_text(self.store.as_ref(), election_id, PactKind::Pakta, now).await?;
        let signer = self.keys.current(self.store.as_ref(), now).await?;
        let mut outcome = AttendanceSigning::default();
        let mut records = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (line, nip) in lines {
            match self.person_of_agency(&nip, &agency).await {
                Ok(person) => {
                    if !seen.insert(person.id) {
                        continue;
                    }
                    let signed = self.store.pact_signatures_of(person.id).await?;
                    if signed.iter().any(|s| s.text_id == text.id) {
                        outcome.already += 1;
                        continue;
                    }
                    let by = Some(self.principal.user.id.clone());
                    records.push(signature_record(
                        &signer,
                        &text,
                        &person,
                        SigningMethod::AttendanceList,
                        occasion,
                        by,
                        now,
                    ));
                }
                Err((id, en)) => problems.push(LineProblem::new(line, "nip", id, en)),
            }
        }
        problems.sort_by_key(|p| p.line);
        let summary = format!(
            "{} ASN menandatangani pakta {} versi {} dari daftar hadir \"{}\" ({}; {} baris tidak dikenali)",
            records.len(),
            text.election_id,
            text.version,
            occasion.trim(),
            crate::evidence::clean_file_name(file_name),
            problems.len()
        );
        outcome.signed = self.store.record_pact_signatures(&self.ctx(now), &records, None, &summary).await?;
        outcome.problems = problems;
        Ok(outcome)
    }
}

/// Why signing in person failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignError {
    /// The NIP and code do not open a signing (wrong, used or expired): one message for all, so that the page
    /// does not tell which NIPs have codes.
    Refused,
    Store(String),
}

/// What a valid NIP and one-time code open: the person and the text they are about to sign.
#[derive(Debug, Clone)]
pub struct PactPreview {
    pub person: PersonRecord,
    pub text: PactTextRecord,
    code_hash: String,
}

/// The pact a NIP and one-time code would sign, without using the code; `None` when they do not open one (wrong,
/// used or expired, with no hint which).
pub async fn pact_for_code(
    store: &dyn Store,
    nip: &str,
    code: &str,
    now: OffsetDateTime,
) -> Result<Option<PactPreview>, crate::StoreError> {
    let hash = code_hash(code);
    let Some(issued) = store.pact_code(&hash).await? else { return Ok(None) };
    let Some(person) = store.registry_person(issued.person_id).await? else { return Ok(None) };
    let Ok(typed) = EmployeeNumber::parse(nip) else { return Ok(None) };
    if typed.to_string() != person.nip || issued.used_at.is_some() || issued.expires_at <= now {
        return Ok(None);
    }
    let Some(text) = store.pact_text(&issued.text_id).await? else { return Ok(None) };
    Ok(Some(PactPreview { person, text, code_hash: hash }))
}

/// A civil servant signs the pact their code was issued for; the code is used up in the same transaction.
pub async fn sign_with_code(
    store: &dyn Store,
    keys: &PactKeys,
    nip: &str,
    code: &str,
    now: OffsetDateTime,
) -> Result<PactSignatureRecord, SignError> {
    let failed = |e: crate::StoreError| SignError::Store(e.to_string());
    let PactPreview { person, text, code_hash } =
        pact_for_code(store, nip, code, now).await.map_err(failed)?.ok_or(SignError::Refused)?;
    let signer = keys.current(store, now).await.map_err(failed)?;
    let record = signature_record(&signer, &text, &person, SigningMethod::SelfService, "", None, now);
    let summary = format!(
        "{} menandatangani pakta {} versi {} dengan kode sekali pakai",
        person.display_name(),
        text.election_id,
        text.version
    );
    // The signer has no account: the audit names them by their registry id.
    let ctx = AuditContext { actor: format!("asn:{}", person.id), office: None, at: now };
    match store.record_pact_signatures(&ctx, std::slice::from_ref(&record), Some(&code_hash), &summary).await {
        Ok(1) => Ok(record),
        // Already signed this text: the code is spent and the earlier signature stands.
        Ok(_) => store
            .pact_signatures_of(person.id)
            .await
            .map_err(failed)?
            .into_iter()
            .find(|s| s.text_id == text.id)
            .ok_or(SignError::Refused),
        Err(crate::StoreError::Conflict(_)) => Err(SignError::Refused),
        Err(error) => Err(failed(error)),
    }
}

/// What the public verification page shows for a code.
#[derive(Debug, Clone)]
pub struct Verification {
    pub signature: PactSignatureRecord,
    pub text: Option<PactTextRecord>,
    pub verdict: Result<(), netra_core::pact::VerifyError>,
}

/// Looks up a code and checks its signature against every key the instance has had.
pub async fn verify_code(store: &dyn Store, typed: &str) -> Result<Option<Verification>, crate::StoreError> {
    let Some(code) = netra_core::pact::normalise_code(typed) else { return Ok(None) };
    let Some(signature) = store.pact_signature_by_code(&code).await? else { return Ok(None) };
    let keys: Vec<_> = store.signing_keys().await?.into_iter().map(|k| k.key).collect();
    let verdict = netra_core::pact::verify(&signature.pact, &keys);
    let text = store.pact_text(&signature.text_id).await?;
    Ok(Some(Verification { signature, text, verdict }))
}

/// An attendance list's NIPs with their lines.
pub type AttendanceLines = Vec<(usize, String)>;

/// The NIPs of an attendance list (CSV with a `nip` column, `,` or `;`; or the first sheet of an XLSX file), by
/// line; lines without a NIP are skipped. An unreadable file is one problem.
pub fn read_attendance(file_name: &str, bytes: &[u8]) -> Result<AttendanceLines, LineProblem> {
    let table = if bytes.starts_with(b"PK\x03\x04") || file_name.to_lowercase().ends_with(".xlsx") {
        xlsx_rows(bytes)?
    } else {
        csv_rows(bytes)?
    };
    let mut rows = table.into_iter();
    let Some((_, header)) = rows.next() else {
        return Err(LineProblem::new(1, "file", "Berkas kosong.", "The file is empty."));
    };
    let column = header
        .iter()
        .position(|h| h.trim().trim_start_matches('\u{feff}').eq_ignore_ascii_case("nip"))
        .ok_or_else(|| {
            LineProblem::new(1, "header", "Kepala berkas harus memuat kolom nip.", "The header must have a nip column.")
        })?;
    let mut lines = Vec::new();
    for (line, cells) in rows {
        let nip = cells.get(column).map(|c| c.trim().to_string()).unwrap_or_default();
        if nip.is_empty() {
            continue;
        }
        lines.push((line, nip));
    }
    Ok(lines)
}

fn csv_rows(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, LineProblem> {
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let delimiter = if first.iter().filter(|&&b| b == b';').count() > first.iter().filter(|&&b| b == b',').count() {
        b';'
    } else {
        b','
    };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(bytes);
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            LineProblem::new(line, "file", format!("Baris tidak terbaca: {e}"), format!("Unreadable line: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        out.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(out)
}

fn xlsx_rows(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, LineProblem> {
    use calamine::{Data, Reader, Xlsx};
    let unreadable = |what: String| {
        LineProblem::new(
            1,
            "file",
            format!("Berkas XLSX tidak terbaca: {what}"),
            format!("Unreadable XLSX file: {what}"),
        )
    };
    let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable(e.to_string()))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| unreadable("no sheet".into()))?
        .map_err(|e| unreadable(e.to_string()))?;
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            let cells = row
                .iter()
                .map(|cell| match cell {
                    // A NIP typed as a number (18 digits lose their tail as a float): written out, then refused by
                    // the NIP check with its reason.
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
                    other => other.to_string(),
                })
                .collect();
            (i + 1, cells)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attendance_lists_are_read_from_csv_and_xlsx_by_line() {
        let csv = "no;nama;NIP\n1;Asep;197503122000031001\n2;Tanpa;\n3;Rina;198608212010032004\n";
        let lines = read_attendance("hadir.csv", csv.as_bytes()).unwrap();
        assert_eq!(lines, [(2, "197503122000031001".to_string()), (4, "198608212010032004".to_string())]);
        assert_eq!(read_attendance("hadir.csv", b"nama\nAsep\n").unwrap_err().field, "header");

        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "Nama").unwrap();
        sheet.write_string(0, 1, "NIP").unwrap();
        sheet.write_string(1, 0, "Asep").unwrap();
        sheet.write_string(1, 1, "197503122000031001").unwrap();
        // A NIP typed as a number keeps only 15 significant digits: read as written, refused later by its check.
        sheet.write_number(2, 1, 198608212010032004.0).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let lines = read_attendance("hadir.xlsx", &bytes).unwrap();
        assert_eq!(lines[0], (2, "197503122000031001".to_string()));
        assert_eq!(lines[1].0, 3);
        assert_ne!(lines[1].1, "198608212010032004", "digits a number cell lost are not made up");
        assert!(read_attendance("hadir.xlsx", b"PK\x03\x04 not a zip").is_err());
    }
}
