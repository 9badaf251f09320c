//! A case's bundle for Gakkumdu or a court: the record, its letters and its audit trail, read in one place for
//! the viewer, and the audit entry that says who took it.

use netra_core::access::Permission;
use netra_core::audit::AuditEntry;
use time::OffsetDateTime;

use super::{CaseDesk, CaseFile};
use crate::access::{AccessError, AccessResult};
use crate::accounts::{AuditFilter, AuditRecord};
use crate::letters::LetterRecord;

/// Everything a case bundle holds besides the evidence files (read from the blob store by the caller).
#[derive(Debug)]
pub struct CaseBundle {
    pub file: CaseFile,
    /// Letters with their PDFs, oldest first.
    pub letters: Vec<(LetterRecord, Vec<u8>)>,
    /// The case's audit trail, oldest first.
    pub audit: Vec<AuditEntry>,
    /// Whether every entry of the trail still carries the hash of its own content and predecessor's hash (the
    /// whole chain is `netra audit verify`'s job: it reads every entry of the instance).
    pub entries_verified: bool,
}

/// Most audit entries one case's bundle carries.
const AUDIT_LIMIT: u32 = 10_000;

impl CaseDesk<'_> {
    /// The bundle of a case in scope. Only roles that read audit trails take bundles (not the custodian).
    pub async fn bundle(&self, case_id: &str) -> AccessResult<CaseBundle> {
        if !self.principal.role().can(Permission::ViewAudit) {
            return Err(AccessError::Denied);
        }
        let file = self.open(case_id).await?;
        let mut letters = Vec::new();
        for letter in self.store.letters_of_case(&file.case.id).await? {
            let pdf = self.store.letter_pdf(&letter.id).await?.unwrap_or_default();
            letters.push((letter, pdf));
        }
        let filter = AuditFilter { object: Some(("case".into(), file.case.id.clone())), ..AuditFilter::default() };
        let mut audit = self.store.audit_entries(&filter, AUDIT_LIMIT).await?;
        audit.reverse();
        let entries_verified = audit.iter().all(|entry| entry.compute_hash() == entry.hash);
        Ok(CaseBundle { file, letters, audit, entries_verified })
    }

    /// Records that this viewer took the bundle, with the SHA-256 of its checksum list.
    pub async fn record_bundle(
        &self,
        bundle: &CaseBundle,
        sums_sha256: &str,
        files: usize,
        now: OffsetDateTime,
    ) -> AccessResult<()> {
        let case = &bundle.file.case;
        let record = AuditRecord {
            summary: format!(
                "{}: berkas perkara diunduh ({files} berkas, SHA-256 daftar periksa {sums_sha256})",
                case.number
            ),
            ..crate::shared_cases::case_audit("case.bundle", case, None, None, String::new())
        };
        self.store.record_event(&self.principal.audit_context(now), record).await?;
        Ok(())
    }
}
