//! Staff operations on the cases of a principal's scope.

use std::sync::Arc;

use netra_core::Locale;
use netra_core::Localized;
use netra_core::access::Permission;
use netra_core::duplicate::{self, Similarity};
use netra_core::ident::EmployeeNumber;
use netra_core::intake::CaseOrigin;
use netra_core::role::Role;
use netra_core::workflow::{Action, ActionKind, Actor, Holder, WorkflowRules};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::*;
use crate::Store;
use crate::access::{AccessError, AccessResult, Principal};
use crate::accounts::AuditContext;
use crate::cases::*;
use crate::seal::Sealer;

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
    pub(super) principal: &'p Principal,
    pub(super) store: Arc<dyn Store>,
    scope: CaseScope,
}

pub(crate) fn case_facts(case: &CaseRecord) -> duplicate::CaseFacts<'_> {
    duplicate::CaseFacts {
        person_name: &case.person.name,
        region: &case.region,
        occurred_on: case.occurred_on,
        description: &case.description,
    }
}

pub(crate) fn workflow_invalid(error: netra_core::workflow::WorkflowError) -> AccessError {
    AccessError::Invalid(vec![field("action", error.message(Locale::Id), error.message(Locale::En))])
}

/// The action's own fields, for the event log.
pub(crate) fn action_detail(action: &Action) -> Value {
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
        self.store.update_case_facts(&self.ctx(now), &case, "case.facts", &summary).await?;
        Ok(())
    }

    /// Bawaslu confirms which registry person the case is about (`None` withdraws a confirmation). The registry's
    /// NIP fills the case's NIP when the report gave none; a NIP the reporter gave is left for staff to correct.
    pub async fn confirm_registry_person(
        &self,
        case_id: &str,
        version: i64,
        person_id: Option<i64>,
        now: OffsetDateTime,
    ) -> AccessResult<CaseRecord> {
        self.require_bawaslu()?;
        let mut case = self.case(case_id).await?;
        if case.version != version {
            return Err(AccessError::Conflict("Kasus telah diubah oleh pengguna lain; muat ulang halaman.".into()));
        }
        if case.merged_into.is_some() {
            return Err(AccessError::Conflict("Kasus ini telah digabungkan ke kasus lain.".into()));
        }
        let summary = match person_id {
            Some(id) => {
                let Some(person) = self.store.registry_person(id).await? else {
                    return Err(AccessError::Invalid(vec![field(
                        "person_id",
                        format!("Orang {id} tidak ada dalam registri ASN."),
                        format!("Person {id} is not in the ASN registry."),
                    )]));
                };
                if case.person.nip.is_none() {
                    case.person.nip = EmployeeNumber::parse(&person.nip).ok().map(|n| n.to_string());
                }
                format!("{}: terlapor dipastikan sebagai {} (registri ASN #{id})", case.number, person.display_name())
            }
            None => format!("{}: kepastian terlapor dari registri ASN dibatalkan", case.number),
        };
        case.registry_person_id = person_id;
        self.store.update_case_facts(&self.ctx(now), &case, "case.registry_match", &summary).await?;
        Ok(CaseRecord { version: case.version + 1, ..case })
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
            from_post: None,
        };
        file_case(self.store.as_ref(), vault, report, filing, files, now).await
    }

    /// Whether this principal adds evidence: everyone who works cases, not the custodian (who only unseals).
    pub fn may_attach_evidence(&self) -> bool {
        self.principal.role() != Role::Custodian
    }

    /// Staff add evidence to a case in scope.
    pub async fn attach_evidence(
        &self,
        vault: &Vault,
        case_id: &str,
        files: Vec<StagedEvidence>,
        now: OffsetDateTime,
    ) -> AccessResult<()> {
        if !self.may_attach_evidence() {
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
