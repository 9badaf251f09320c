//! What a receipt opens: the reporter's view of the case, replies and more evidence.

use std::sync::Arc;

use netra_core::workflow::CaseState;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::*;
use crate::access::{AccessError, AccessResult};
use crate::accounts::AuditContext;
use crate::cases::*;
use crate::{Store, StoreError};

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
        let hash = crate::auth::receipt_hash_queued(normalised, salt.to_vec()).await;
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
