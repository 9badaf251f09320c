//! SQL and row mapping of issued letters, shared by both backends: [`impl_letter_store!`].

use netra_core::letter::LetterKind;
use time::OffsetDateTime;

use crate::letters::LetterRecord;
use crate::{StoreError, StoreResult};

macro_rules! letter_select {
    ($tail:literal) => {
        concat!(
            "SELECT letter_id, code, case_id, kind, number, document, key_id, signature, pdf_sha256, issued_by, \
             office_id, issued_at FROM letter",
            $tail
        )
    };
}
pub const LETTER_INSERT: &str = "INSERT INTO letter (letter_id, code, case_id, kind, number, document, key_id, \
    signature, pdf, pdf_sha256, issued_by, office_id, issued_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
pub const LETTERS_OF_CASE: &str = letter_select!(" WHERE case_id = $1 ORDER BY issued_at, letter_id");
pub const LETTER_BY_ID: &str = letter_select!(" WHERE letter_id = $1");
pub const LETTER_BY_CODE: &str = letter_select!(" WHERE code = $1");
pub const LETTER_PDF: &str = "SELECT pdf FROM letter WHERE letter_id = $1";

pub type LetterRow =
    (String, String, String, String, String, String, String, String, String, String, Option<String>, OffsetDateTime);

pub fn letter_record(row: LetterRow) -> StoreResult<LetterRecord> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("letter {}: {what}", row.0));
    Ok(LetterRecord {
        kind: LetterKind::parse(&row.3).ok_or_else(|| corrupt("kind"))?,
        document: serde_json::from_str(&row.5).map_err(|_| corrupt("document"))?,
        id: row.0.clone(),
        code: row.1,
        case_id: row.2,
        number: row.4,
        key_id: row.6,
        signature: row.7,
        pdf_sha256: row.8,
        issued_by: row.9,
        office_id: row.10,
        issued_at: row.11,
    })
}

/// Implements `LetterStore` for a backend type.
macro_rules! impl_letter_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::letters::LetterStore for $store {
            async fn create_letter(
                &self,
                ctx: &$crate::accounts::AuditContext,
                case: &$crate::cases::CaseRecord,
                letter: &$crate::letters::LetterRecord,
                pdf: &[u8],
            ) -> $crate::StoreResult<()> {
                use $crate::shared_letters::*;
                let document = String::from_utf8(letter.document.canonical_bytes()).expect("JSON is UTF-8");
                let mut tx = self.writer().begin().await?;
                sqlx::query(LETTER_INSERT)
                    .bind(&letter.id)
                    .bind(&letter.code)
                    .bind(&letter.case_id)
                    .bind(letter.kind.as_str())
                    .bind(&letter.number)
                    .bind(&document)
                    .bind(&letter.key_id)
                    .bind(&letter.signature)
                    .bind(pdf)
                    .bind(&letter.pdf_sha256)
                    .bind(&letter.issued_by)
                    .bind(&letter.office_id)
                    .bind($crate::shared_patrol::utc(letter.issued_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| $crate::shared_accounts::write_error(e, "surat"))?;
                let summary = format!(
                    "{}: {} nomor {} diterbitkan (kode verifikasi {}, SHA-256 {})",
                    case.number,
                    letter.kind.name(netra_core::Locale::Id),
                    letter.number,
                    letter.code,
                    letter.pdf_sha256
                );
                let audit = $crate::shared_cases::case_audit("letter.issue", case, None, Some(document), summary);
                Self::append_audit(&mut tx, ctx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn letters_of_case(&self, case_id: &str) -> $crate::StoreResult<Vec<$crate::letters::LetterRecord>> {
                use $crate::shared_letters::*;
                let rows: Vec<LetterRow> =
                    sqlx::query_as(LETTERS_OF_CASE).bind(case_id).fetch_all(self.reader()).await?;
                rows.into_iter().map(letter_record).collect()
            }

            async fn letter(&self, id: &str) -> $crate::StoreResult<Option<$crate::letters::LetterRecord>> {
                use $crate::shared_letters::*;
                let row: Option<LetterRow> =
                    sqlx::query_as(LETTER_BY_ID).bind(id).fetch_optional(self.reader()).await?;
                row.map(letter_record).transpose()
            }

            async fn letter_by_code(&self, code: &str) -> $crate::StoreResult<Option<$crate::letters::LetterRecord>> {
                use $crate::shared_letters::*;
                let row: Option<LetterRow> =
                    sqlx::query_as(LETTER_BY_CODE).bind(code).fetch_optional(self.reader()).await?;
                row.map(letter_record).transpose()
            }

            async fn letter_pdf(&self, id: &str) -> $crate::StoreResult<Option<Vec<u8>>> {
                let row: Option<(Vec<u8>,)> =
                    sqlx::query_as($crate::shared_letters::LETTER_PDF).bind(id).fetch_optional(self.reader()).await?;
                Ok(row.map(|(pdf,)| pdf))
            }
        }
    };
}
pub(crate) use impl_letter_store;
