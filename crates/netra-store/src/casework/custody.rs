//! The custodian's audited unseal of confidential identities, and the deadline reminders.

use std::sync::Arc;

use netra_core::region::RegionCode;
use serde_json::Value;
use time::OffsetDateTime;

use super::*;
use crate::access::{AccessError, AccessResult, Principal};
use crate::accounts::AuditRecord;
use crate::cases::*;
use crate::seal::Sealer;
use crate::{Store, StoreError};

/// Opens confidential reporters' identities, one audited opening at a time.
#[derive(Debug)]
pub struct Unsealer<'a> {
    pub(crate) principal: &'a Principal,
    pub(crate) store: Arc<dyn Store>,
    pub(crate) sealer: &'a Sealer,
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

/// Flags every case whose PPK let the follow-up deadline pass without acting (S6 → S9, "not followed up"), as the
/// system, dated the day after the deadline, and tells the BKN office so it can block the civil servant's
/// personnel data. Returns how many cases were flagged. A case changed meanwhile (stale version) is left for
/// the next run.
pub async fn flag_silent_ppks(store: &dyn Store, now: OffsetDateTime) -> Result<u64, StoreError> {
    use netra_core::clock::ClockKind;
    use netra_core::workflow::{Action, Actor, CaseState, WorkflowRules};
    let rules = WorkflowRules::builtin();
    let mut flagged = 0;
    // Every open case with a deadline already past somewhere in the country (today in the easternmost zone).
    let cases =
        store.cases_due_by(local_today(&RegionCode::province(94), now) - time::Duration::days(1), 5_000).await?;
    for mut case in cases {
        if case.state() != CaseState::PpkProcess || case.merged_into.is_some() {
            continue;
        }
        let Some(clock) = case.snapshot.clock(ClockKind::PpkFollowUp).copied() else { continue };
        let today = local_today(&case.region, now);
        let on = clock.due_on + time::Duration::days(1);
        if on > today {
            continue;
        }
        let action = Action::FlagNonCompliance { on };
        let Ok(transition) = case.snapshot.transition(&action, Actor::System, today, rules) else { continue };
        let mut notifications = Vec::new();
        if let Some(office) = &case.bkn_office_id {
            let body = format!(
                "PPK tidak menindaklanjuti {} dalam batas waktu ({}); data kepegawaian ASN dapat diblokir",
                case.number, clock.due_on
            );
            notifications.push(notification(office, &case, "returned", body, now));
        }
        let event = CaseEvent {
            case_id: case.id.clone(),
            seq: 0,
            action: action.kind().as_str().into(),
            from_state: transition.from,
            to_state: transition.to,
            on,
            actor: "system".into(),
            office_id: None,
            detail: serde_json::json!({ "follow_up_due": clock.due_on.to_string() }).to_string(),
            at: now,
        };
        let summary = format!("{}: PPK tidak menindaklanjuti sampai {}", case.number, clock.due_on);
        case.snapshot = transition.next;
        let change = CaseChange { case, event, notifications, summary };
        match store.record_transition(&crate::accounts::AuditContext::system(now), &change).await {
            Ok(()) => flagged += 1,
            Err(StoreError::Conflict(_)) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(flagged)
}
