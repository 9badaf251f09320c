//! Signed letters as stored: the canonical document and its signature, and the PDF exactly as issued.

use async_trait::async_trait;
use netra_core::letter::{LetterDocument, LetterKind};
use time::OffsetDateTime;

use crate::StoreResult;
use crate::accounts::AuditContext;
use crate::cases::CaseRecord;

/// One issued letter (without its PDF bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterRecord {
    pub id: String,
    /// Verification code (`XXXX-XXXX-XXXX`), from the document signature.
    pub code: String,
    pub case_id: String,
    pub kind: LetterKind,
    pub number: String,
    pub document: LetterDocument,
    pub key_id: String,
    /// Ed25519 signature of the document's canonical bytes, base64.
    pub signature: String,
    pub pdf_sha256: String,
    pub issued_by: String,
    pub office_id: Option<String>,
    pub issued_at: OffsetDateTime,
}

/// Issued letters.
#[async_trait]
pub trait LetterStore: Send + Sync {
    /// Saves a letter with its PDF and the case's audit entry (`letter.issue`) in one transaction.
    async fn create_letter(
        &self,
        ctx: &AuditContext,
        case: &CaseRecord,
        letter: &LetterRecord,
        pdf: &[u8],
    ) -> StoreResult<()>;
    async fn letters_of_case(&self, case_id: &str) -> StoreResult<Vec<LetterRecord>>;
    async fn letter(&self, id: &str) -> StoreResult<Option<LetterRecord>>;
    async fn letter_by_code(&self, code: &str) -> StoreResult<Option<LetterRecord>>;
    async fn letter_pdf(&self, id: &str) -> StoreResult<Option<Vec<u8>>>;
}
