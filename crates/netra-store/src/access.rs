//! Capability-scoped handles (in the manner of lldap): a [`Principal`] is a signed-in user with their office and
//! jurisdiction, and each family of operations is reached through a handle that only a principal with the
//! matching [`Permission`] can obtain. Every method of a handle also checks the jurisdiction of the object it
//! touches, so the web layer cannot forget either check: it has no other way to reach the operation.
//!
//! Objects outside the jurisdiction are reported as [`AccessError::NotFound`], never as data; operations the
//! role may not perform at all are [`AccessError::Denied`].

use std::sync::Arc;

use netra_core::access::{Jurisdiction, ObjectScope, Permission};
use netra_core::audit::AuditEntry;
use netra_core::election::Election;
use netra_core::region::RegionCode;
use netra_core::role::Role;
use time::{Date, OffsetDateTime};

use crate::accounts::{Agency, AgencyKind, AuditContext, AuditFilter, CandidatePair, Office, StaffUser, Unit};
use crate::{Store, StoreError};

/// A field-level validation error, with the sentence in both locales.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub id: String,
    pub en: String,
}

impl FieldError {
    pub fn new(field: &'static str, id: impl Into<String>, en: impl Into<String>) -> FieldError {
        FieldError { field, id: id.into(), en: en.into() }
    }
}

/// Why an operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// The role may not do this at all.
    #[error("not permitted")]
    Denied,
    /// No such object within the user's jurisdiction.
    #[error("not found")]
    NotFound,
    /// The input is invalid; one error per field.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    /// The change conflicts with existing data.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for AccessError {
    fn from(error: StoreError) -> AccessError {
        match error {
            StoreError::NotFound => AccessError::NotFound,
            StoreError::Conflict(what) => AccessError::Conflict(what),
            other => AccessError::Store(other),
        }
    }
}

pub type AccessResult<T> = Result<T, AccessError>;

/// A signed-in user, their office and where they may act.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: StaffUser,
    pub office: Office,
    pub jurisdiction: Jurisdiction,
}

impl Principal {
    /// Loads an active user with their office; `None` when the user is unknown or disabled.
    pub async fn load(store: &dyn Store, user_id: &str) -> Result<Option<Principal>, StoreError> {
        let Some(user) = store.user(user_id).await?.filter(|user| !user.disabled) else { return Ok(None) };
        let Some(office) = store.office(&user.office_id).await? else { return Ok(None) };
        let agency_region = match &office.agency {
            Some(agency) => store.agency(agency).await?.and_then(|agency| agency.region),
            None => None,
        };
        let jurisdiction =
            Jurisdiction::of(user.role, &user.id, office.region, office.agency.as_deref(), agency_region);
        Ok(Some(Principal { user, office, jurisdiction }))
    }

    pub fn role(&self) -> Role {
        self.user.role
    }

    /// The audit context of a change made by this user now.
    pub fn audit_context(&self, at: OffsetDateTime) -> AuditContext {
        AuditContext { actor: self.user.id.clone(), office: Some(self.office.id.clone()), at }
    }

    fn require(&self, permission: Permission) -> AccessResult<()> {
        if self.role().can(permission) { Ok(()) } else { Err(AccessError::Denied) }
    }

    /// Offices (system admins).
    pub fn office_admin(&self, store: &Arc<dyn Store>) -> AccessResult<OfficeAdmin<'_>> {
        self.require(Permission::ManageOffices)?;
        Ok(OfficeAdmin { scope: Scope { principal: self, store: store.clone() } })
    }

    /// Users (system admins everywhere, agency admins within their agency).
    pub fn user_admin(&self, store: &Arc<dyn Store>) -> AccessResult<UserAdmin<'_>> {
        self.require(Permission::ManageUsers)?;
        Ok(UserAdmin { scope: Scope { principal: self, store: store.clone() } })
    }

    /// Agencies and units (system admins; agency admins for their own agency's units).
    pub fn agency_admin(&self, store: &Arc<dyn Store>) -> AccessResult<AgencyAdmin<'_>> {
        self.require(Permission::ManageAgencies)?;
        Ok(AgencyAdmin { scope: Scope { principal: self, store: store.clone() } })
    }

    /// Elections and their stages.
    pub fn election_admin(&self, store: &Arc<dyn Store>) -> AccessResult<ElectionAdmin<'_>> {
        self.require(Permission::ManageElections)?;
        Ok(ElectionAdmin { scope: Scope { principal: self, store: store.clone() } })
    }

    /// Candidate pairs: seeing those that concern the jurisdiction, and (with the permission) editing those in it.
    pub fn candidate_desk(&self, store: &Arc<dyn Store>) -> AccessResult<CandidateDesk<'_>> {
        self.require(Permission::ViewCandidates)?;
        Ok(CandidateDesk { scope: Scope { principal: self, store: store.clone() } })
    }

    /// The audit trail of objects within the jurisdiction.
    pub fn audit_reader(&self, store: &Arc<dyn Store>) -> AccessResult<AuditReader<'_>> {
        self.require(Permission::ViewAudit)?;
        Ok(AuditReader { scope: Scope { principal: self, store: store.clone() } })
    }
}

#[derive(Debug)]
struct Scope<'p> {
    principal: &'p Principal,
    store: Arc<dyn Store>,
}

impl Scope<'_> {
    fn covers(&self, object: &ObjectScope) -> bool {
        self.principal.jurisdiction.covers(object)
    }

    fn ctx(&self, at: OffsetDateTime) -> AuditContext {
        self.principal.audit_context(at)
    }

    async fn office_scope(&self, office: &Office) -> AccessResult<ObjectScope> {
        let agency_region = match &office.agency {
            Some(agency) => self.store.agency(agency).await?.and_then(|a| a.region),
            None => None,
        };
        Ok(ObjectScope { region: office.region.or(agency_region), agency: office.agency.clone(), owner: None })
    }

    async fn check_region(
        &self,
        field: &'static str,
        raw: &str,
        required: bool,
    ) -> Result<Option<RegionCode>, FieldError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return if required {
                Err(FieldError::new(field, "Kode wilayah wajib diisi.", "A region code is required."))
            } else {
                Ok(None)
            };
        }
        let code = RegionCode::parse(raw).map_err(|e| {
            use netra_core::Localized;
            FieldError::new(field, e.message(netra_core::Locale::Id), e.message(netra_core::Locale::En))
        })?;
        match self.store.region(code).await {
            Ok(Some(_)) => Ok(Some(code)),
            _ => Err(FieldError::new(
                field,
                format!("Wilayah {code} tidak ada dalam data wilayah."),
                format!("Region {code} is not in the region tables."),
            )),
        }
    }
}

fn required_text(field: &'static str, value: &str, max: usize, errors: &mut Vec<FieldError>) -> String {
    let value = value.trim();
    if value.is_empty() {
        errors.push(FieldError::new(field, "Wajib diisi.", "Required."));
    } else if value.chars().count() > max {
        errors.push(FieldError::new(
            field,
            format!("Paling banyak {max} karakter."),
            format!("At most {max} characters."),
        ));
    }
    value.to_string()
}

fn finish<T>(value: T, errors: Vec<FieldError>) -> AccessResult<T> {
    if errors.is_empty() { Ok(value) } else { Err(AccessError::Invalid(errors)) }
}

/// What a form sends for an office.
#[derive(Debug, Clone, Default)]
pub struct OfficeInput {
    pub name: String,
    pub region: String,
    pub agency: String,
    /// Optional address for the office's notifications.
    pub email: String,
}

/// Offices.
#[derive(Debug)]
pub struct OfficeAdmin<'p> {
    scope: Scope<'p>,
}

impl OfficeAdmin<'_> {
    pub async fn list(&self) -> AccessResult<Vec<Office>> {
        let mut visible = Vec::new();
        for office in self.scope.store.offices().await? {
            if self.scope.covers(&self.scope.office_scope(&office).await?) {
                visible.push(office);
            }
        }
        Ok(visible)
    }

    pub async fn get(&self, id: &str) -> AccessResult<Office> {
        let office = self.scope.store.office(id).await?.ok_or(AccessError::NotFound)?;
        if self.scope.covers(&self.scope.office_scope(&office).await?) {
            Ok(office)
        } else {
            Err(AccessError::NotFound)
        }
    }

    async fn validate(&self, id: String, input: &OfficeInput) -> AccessResult<Office> {
        let mut errors = Vec::new();
        let name = required_text("name", &input.name, 120, &mut errors);
        let region = self.scope.check_region("region", &input.region, false).await.unwrap_or_else(|e| {
            errors.push(e);
            None
        });
        let agency = match input.agency.trim() {
            "" => None,
            agency => {
                if self.scope.store.agency(agency).await?.is_none() {
                    errors.push(FieldError::new("agency", "Instansi tidak dikenal.", "Unknown agency."));
                }
                Some(agency.to_string())
            }
        };
        let email = match input.email.trim() {
            "" => None,
            email => {
                if email.parse::<lettre::Address>().is_err() || email.len() > 254 {
                    errors.push(FieldError::new(
                        "email",
                        "Alamat surel tidak sah (contoh: kantor@bawaslu.go.id).",
                        "Not a valid e-mail address (e.g. office@bawaslu.go.id).",
                    ));
                }
                Some(email.to_string())
            }
        };
        finish(Office { id, name, region, agency, email }, errors)
    }

    pub async fn create(&self, input: &OfficeInput, at: OffsetDateTime) -> AccessResult<Office> {
        let office = self.validate(uuid::Uuid::now_v7().to_string(), input).await?;
        self.scope.store.create_office(&self.scope.ctx(at), &office).await?;
        Ok(office)
    }

    pub async fn update(&self, id: &str, input: &OfficeInput, at: OffsetDateTime) -> AccessResult<Office> {
        let existing = self.get(id).await?;
        let office = self.validate(existing.id, input).await?;
        self.scope.store.update_office(&self.scope.ctx(at), &office).await?;
        Ok(office)
    }
}

/// What a form sends to create a user.
#[derive(Debug, Clone, Default)]
pub struct NewUserInput {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub office_id: String,
    pub password: String,
}

/// What a form sends to edit a user.
#[derive(Debug, Clone, Default)]
pub struct UserEditInput {
    pub display_name: String,
    pub role: String,
    pub office_id: String,
    pub disabled: bool,
}

/// Users.
#[derive(Debug)]
pub struct UserAdmin<'p> {
    scope: Scope<'p>,
}

impl UserAdmin<'_> {
    /// Offices the admin may put users in.
    pub async fn offices(&self) -> AccessResult<Vec<Office>> {
        let mut visible = Vec::new();
        for office in self.scope.store.offices().await? {
            if self.scope.covers(&self.scope.office_scope(&office).await?) {
                visible.push(office);
            }
        }
        Ok(visible)
    }

    /// Roles the admin may grant.
    pub fn grantable_roles(&self) -> Vec<Role> {
        Role::ALL.into_iter().filter(|role| self.may_grant(*role)).collect()
    }

    fn may_grant(&self, role: Role) -> bool {
        match self.scope.principal.role() {
            Role::SystemAdmin => true,
            _ => role.grantable_by_agency_admin(),
        }
    }

    pub async fn list(&self) -> AccessResult<Vec<(StaffUser, Office)>> {
        let offices = self.offices().await?;
        let mut users = Vec::new();
        for user in self.scope.store.users().await? {
            if let Some(office) = offices.iter().find(|office| office.id == user.office_id) {
                users.push((user, office.clone()));
            }
        }
        Ok(users)
    }

    pub async fn get(&self, id: &str) -> AccessResult<(StaffUser, Office)> {
        let user = self.scope.store.user(id).await?.ok_or(AccessError::NotFound)?;
        let office = self.scope.store.office(&user.office_id).await?.ok_or(AccessError::NotFound)?;
        if self.scope.covers(&self.scope.office_scope(&office).await?) && self.may_grant(user.role) {
            Ok((user, office))
        } else {
            Err(AccessError::NotFound)
        }
    }

    async fn role_and_office(
        &self,
        role: &str,
        office_id: &str,
        errors: &mut Vec<FieldError>,
    ) -> AccessResult<Option<(Role, Office)>> {
        let role = match Role::parse(role.trim()) {
            Some(role) if self.may_grant(role) => Some(role),
            _ => {
                errors.push(FieldError::new(
                    "role",
                    "Pilih peran yang boleh Anda berikan.",
                    "Choose a role you may grant.",
                ));
                None
            }
        };
        let office = self.offices().await?.into_iter().find(|office| office.id == office_id.trim());
        if office.is_none() && self.scope.store.office(office_id.trim()).await?.is_some() {
            // The form only offers offices in scope: another office's id is not shown to exist.
            return Err(AccessError::NotFound);
        }
        if office.is_none() {
            errors.push(FieldError::new(
                "office_id",
                "Pilih kantor dalam wewenang Anda.",
                "Choose an office within your jurisdiction.",
            ));
        }
        if let (Some(role), Some(office)) = (role, &office)
            && let Err(message) = role.office_requirement().check(
                office.region.as_ref(),
                office.agency.as_deref(),
                netra_core::Locale::Id,
            )
        {
            let en = role
                .office_requirement()
                .check(office.region.as_ref(), office.agency.as_deref(), netra_core::Locale::En)
                .err()
                .unwrap_or_default();
            errors.push(FieldError::new("office_id", message, en));
        }
        Ok(role.zip(office))
    }

    /// Creates a user who must change the password at first sign-in.
    pub async fn create(&self, input: &NewUserInput, at: OffsetDateTime) -> AccessResult<StaffUser> {
        let mut errors = Vec::new();
        let username = input.username.trim().to_lowercase();
        if let Some((id, en)) = netra_core::access::username_problem(&username) {
            errors.push(FieldError::new("username", id, en));
        }
        let display_name = required_text("display_name", &input.display_name, 120, &mut errors);
        if let Some((id, en)) = netra_core::access::password_problem(&input.password, &username) {
            errors.push(FieldError::new("password", id, en));
        }
        let chosen = self.role_and_office(&input.role, &input.office_id, &mut errors).await?;
        let Some((role, office)) = chosen.filter(|_| errors.is_empty()) else {
            return Err(AccessError::Invalid(errors));
        };
        let user = StaffUser {
            id: uuid::Uuid::now_v7().to_string(),
            username,
            display_name,
            role,
            office_id: office.id,
            must_change_password: true,
            totp_secret: None,
            disabled: false,
            created_at: at,
        };
        self.scope.store.create_user(&self.scope.ctx(at), &user, &crate::auth::hash_password(&input.password)).await?;
        Ok(user)
    }

    pub async fn update(&self, id: &str, input: &UserEditInput, at: OffsetDateTime) -> AccessResult<StaffUser> {
        let (mut user, _) = self.get(id).await?;
        let mut errors = Vec::new();
        user.display_name = required_text("display_name", &input.display_name, 120, &mut errors);
        let chosen = self.role_and_office(&input.role, &input.office_id, &mut errors).await?;
        let Some((role, office)) = chosen.filter(|_| errors.is_empty()) else {
            return Err(AccessError::Invalid(errors));
        };
        if user.id == self.scope.principal.user.id && (input.disabled || role != user.role) {
            return Err(AccessError::Invalid(vec![FieldError::new(
                "role",
                "Anda tidak dapat menonaktifkan atau mengubah peran akun Anda sendiri.",
                "You cannot disable your own account or change its role.",
            )]));
        }
        user.role = role;
        user.office_id = office.id;
        user.disabled = input.disabled;
        self.scope.store.update_user(&self.scope.ctx(at), &user).await?;
        Ok(user)
    }

    /// Sets a temporary password the user must change at next sign-in, and ends their sessions.
    pub async fn reset_password(&self, id: &str, password: &str, at: OffsetDateTime) -> AccessResult<()> {
        let (user, _) = self.get(id).await?;
        if let Some((id, en)) = netra_core::access::password_problem(password, &user.username) {
            return Err(AccessError::Invalid(vec![FieldError::new("password", id, en)]));
        }
        let hash = crate::auth::hash_password(password);
        self.scope.store.set_password(&self.scope.ctx(at), &user.id, &hash, true, None).await?;
        Ok(())
    }

    /// Removes the user's TOTP enrolment (a lost phone); they enrol again at next sign-in.
    pub async fn reset_second_factor(&self, id: &str, at: OffsetDateTime) -> AccessResult<()> {
        let (mut user, _) = self.get(id).await?;
        user.totp_secret = None;
        self.scope.store.update_user(&self.scope.ctx(at), &user).await?;
        self.scope.store.revoke_sessions(&self.scope.ctx(at), &user.id).await?;
        Ok(())
    }

    pub async fn revoke_sessions(&self, id: &str, at: OffsetDateTime) -> AccessResult<u64> {
        let (user, _) = self.get(id).await?;
        Ok(self.scope.store.revoke_sessions(&self.scope.ctx(at), &user.id).await?)
    }
}

/// What a form sends for an agency.
#[derive(Debug, Clone, Default)]
pub struct AgencyInput {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub region: String,
}

/// Agencies and their units.
#[derive(Debug)]
pub struct AgencyAdmin<'p> {
    scope: Scope<'p>,
}

impl AgencyAdmin<'_> {
    fn national(&self) -> bool {
        self.scope.principal.jurisdiction == Jurisdiction::National
    }

    fn agency_scope(agency: &Agency) -> ObjectScope {
        ObjectScope::agency(&agency.id, agency.region)
    }

    pub async fn list(&self) -> AccessResult<Vec<Agency>> {
        let agencies = self.scope.store.agencies().await?;
        Ok(agencies.into_iter().filter(|agency| self.scope.covers(&Self::agency_scope(agency))).collect())
    }

    pub async fn get(&self, id: &str) -> AccessResult<Agency> {
        let agency = self.scope.store.agency(id).await?.ok_or(AccessError::NotFound)?;
        if self.scope.covers(&Self::agency_scope(&agency)) { Ok(agency) } else { Err(AccessError::NotFound) }
    }

    async fn validate(&self, input: &AgencyInput) -> AccessResult<Agency> {
        let mut errors = Vec::new();
        let id = input.id.trim().to_lowercase();
        if !(2..=40).contains(&id.len())
            || !id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            errors.push(FieldError::new(
                "id",
                "2–40 karakter: huruf kecil, angka, tanda hubung.",
                "2–40 characters: lower-case letters, digits, hyphens.",
            ));
        }
        let name = required_text("name", &input.name, 160, &mut errors);
        let kind = AgencyKind::parse(input.kind.trim());
        if kind.is_none() {
            errors.push(FieldError::new("kind", "Pilih jenis instansi.", "Choose the kind of agency."));
        }
        let regional = matches!(kind, Some(AgencyKind::PemdaProvinsi | AgencyKind::PemdaKabKota));
        let region = self.scope.check_region("region", &input.region, regional).await.unwrap_or_else(|e| {
            errors.push(e);
            None
        });
        finish(Agency { id, name, kind: kind.unwrap_or(AgencyKind::Lembaga), region }, errors)
    }

    /// Creates an agency (national admins only).
    pub async fn create(&self, input: &AgencyInput, at: OffsetDateTime) -> AccessResult<Agency> {
        if !self.national() {
            return Err(AccessError::Denied);
        }
        let agency = self.validate(input).await?;
        self.scope.store.create_agency(&self.scope.ctx(at), &agency).await?;
        Ok(agency)
    }

    /// Edits an agency's name, kind and region (national admins only; the id stays).
    pub async fn update(&self, id: &str, input: &AgencyInput, at: OffsetDateTime) -> AccessResult<Agency> {
        let existing = self.get(id).await?;
        if !self.national() {
            return Err(AccessError::Denied);
        }
        let agency = self.validate(&AgencyInput { id: existing.id, ..input.clone() }).await?;
        self.scope.store.update_agency(&self.scope.ctx(at), &agency).await?;
        Ok(agency)
    }

    pub async fn units(&self, agency_id: &str) -> AccessResult<Vec<Unit>> {
        let agency = self.get(agency_id).await?;
        Ok(self.scope.store.units(&agency.id).await?)
    }

    pub async fn add_unit(&self, agency_id: &str, name: &str, at: OffsetDateTime) -> AccessResult<Unit> {
        let agency = self.get(agency_id).await?;
        let mut errors = Vec::new();
        let name = required_text("name", name, 160, &mut errors);
        let unit = finish(Unit { id: uuid::Uuid::now_v7().to_string(), agency_id: agency.id, name }, errors)?;
        self.scope.store.create_unit(&self.scope.ctx(at), &unit).await?;
        Ok(unit)
    }

    pub async fn delete_unit(&self, agency_id: &str, unit_id: &str, at: OffsetDateTime) -> AccessResult<()> {
        let units = self.units(agency_id).await?;
        let unit = units.into_iter().find(|unit| unit.id == unit_id).ok_or(AccessError::NotFound)?;
        self.scope.store.delete_unit(&self.scope.ctx(at), &unit).await?;
        Ok(())
    }
}

/// Elections and their stages.
#[derive(Debug)]
pub struct ElectionAdmin<'p> {
    scope: Scope<'p>,
}

impl ElectionAdmin<'_> {
    pub async fn list(&self) -> AccessResult<Vec<Election>> {
        Ok(self.scope.store.elections().await?)
    }

    pub async fn get(&self, id: &str) -> AccessResult<Election> {
        self.scope.store.election(id).await?.ok_or(AccessError::NotFound)
    }

    /// Moves one stage; the start may not be after the end.
    pub async fn update_stage(
        &self,
        election_id: &str,
        stage_id: &str,
        start: &str,
        end: &str,
        at: OffsetDateTime,
    ) -> AccessResult<Election> {
        let mut election = self.get(election_id).await?;
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let mut errors = Vec::new();
        let mut date = |field: &'static str, raw: &str| match Date::parse(raw.trim(), &format) {
            Ok(date) => Some(date),
            Err(_) => {
                errors.push(FieldError::new(
                    field,
                    "Tanggal harus berbentuk TTTT-BB-HH.",
                    "The date must be YYYY-MM-DD.",
                ));
                None
            }
        };
        let (start, end) = (date("start", start), date("end", end));
        if let (Some(start), Some(end)) = (start, end)
            && start > end
        {
            errors.push(FieldError::new(
                "end",
                "Tanggal selesai tidak boleh sebelum tanggal mulai.",
                "The end cannot be before the start.",
            ));
        }
        let stage = election.stages.iter_mut().find(|stage| stage.id == stage_id).ok_or(AccessError::NotFound)?;
        if let (Some(start), Some(end), true) = (start, end, errors.is_empty()) {
            stage.start = start;
            stage.end = end;
        }
        let election = finish(election, errors)?;
        self.scope.store.save_election(&self.scope.ctx(at), &election).await?;
        Ok(election)
    }
}

/// What a form sends for a candidate pair. List fields are one entry per line or comma-separated.
#[derive(Debug, Clone, Default)]
pub struct CandidatePairInput {
    pub election_id: String,
    pub region: String,
    pub ballot_number: String,
    pub head_name: String,
    pub deputy_name: String,
    pub nicknames: String,
    pub parties: String,
    pub slogans: String,
    pub hashtags: String,
}

fn split_list(text: &str) -> Vec<String> {
    text.split(['\n', ',']).map(|item| item.trim().to_string()).filter(|item| !item.is_empty()).collect()
}

/// Candidate pairs.
#[derive(Debug)]
pub struct CandidateDesk<'p> {
    scope: Scope<'p>,
}

impl CandidateDesk<'_> {
    /// Whether the user may edit pairs at all (the jurisdiction still limits which).
    pub fn may_edit(&self) -> bool {
        self.scope.principal.role().can(Permission::ManageCandidates)
    }

    fn visible(&self, pair: &CandidatePair) -> bool {
        self.scope.principal.jurisdiction.overlaps_region(&pair.region)
    }

    /// Pairs that concern the jurisdiction, optionally of one election.
    pub async fn list(&self, election_id: Option<&str>) -> AccessResult<Vec<CandidatePair>> {
        let pairs = self.scope.store.candidate_pairs(election_id).await?;
        Ok(pairs.into_iter().filter(|pair| self.visible(pair)).collect())
    }

    pub async fn get(&self, id: &str) -> AccessResult<CandidatePair> {
        let pair = self.scope.store.candidate_pair(id).await?.ok_or(AccessError::NotFound)?;
        if self.visible(&pair) { Ok(pair) } else { Err(AccessError::NotFound) }
    }

    fn require_edit(&self, region: &RegionCode) -> AccessResult<()> {
        if self.may_edit() && self.scope.covers(&ObjectScope::region(*region)) {
            Ok(())
        } else {
            Err(AccessError::Denied)
        }
    }

    async fn validate(&self, id: String, input: &CandidatePairInput) -> AccessResult<CandidatePair> {
        let mut errors = Vec::new();
        if self.scope.store.election(input.election_id.trim()).await?.is_none() {
            errors.push(FieldError::new("election_id", "Pilih pemilihan.", "Choose an election."));
        }
        let region = self.scope.check_region("region", &input.region, true).await.unwrap_or_else(|e| {
            errors.push(e);
            None
        });
        if let Some(code) = region {
            if code.level() == netra_core::region::RegionLevel::District {
                errors.push(FieldError::new(
                    "region",
                    "Pasangan calon berlaga di provinsi atau kabupaten/kota.",
                    "Pairs stand in a province or regency/city.",
                ));
            } else if !self.scope.covers(&ObjectScope::region(code)) {
                // Outside the jurisdiction is a refusal, not a typo to correct.
                return Err(AccessError::Denied);
            }
        }
        let ballot_number = match input.ballot_number.trim().parse::<i32>() {
            Ok(number) if (1..=99).contains(&number) => number,
            _ => {
                errors.push(FieldError::new("ballot_number", "Nomor urut 1–99.", "Ballot number 1–99."));
                0
            }
        };
        let head_name = required_text("head_name", &input.head_name, 120, &mut errors);
        let deputy_name = required_text("deputy_name", &input.deputy_name, 120, &mut errors);
        let hashtags: Vec<String> = split_list(&input.hashtags)
            .into_iter()
            .map(|tag| if tag.starts_with('#') { tag } else { format!("#{tag}") })
            .collect();
        if hashtags.iter().any(|tag| tag.len() < 2 || tag[1..].contains(char::is_whitespace)) {
            errors.push(FieldError::new(
                "hashtags",
                "Tagar tidak boleh memuat spasi.",
                "Hashtags cannot contain spaces.",
            ));
        }
        let pair = CandidatePair {
            id,
            election_id: input.election_id.trim().to_string(),
            region: region.unwrap_or(RegionCode::province(11)),
            ballot_number,
            head_name,
            deputy_name,
            nicknames: split_list(&input.nicknames),
            parties: split_list(&input.parties),
            slogans: input.slogans.lines().map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect(),
            hashtags,
        };
        finish(pair, errors)
    }

    pub async fn create(&self, input: &CandidatePairInput, at: OffsetDateTime) -> AccessResult<CandidatePair> {
        if !self.may_edit() {
            return Err(AccessError::Denied);
        }
        let pair = self.validate(uuid::Uuid::now_v7().to_string(), input).await?;
        self.scope.store.create_candidate_pair(&self.scope.ctx(at), &pair).await?;
        Ok(pair)
    }

    pub async fn update(
        &self,
        id: &str,
        input: &CandidatePairInput,
        at: OffsetDateTime,
    ) -> AccessResult<CandidatePair> {
        let existing = self.get(id).await?;
        self.require_edit(&existing.region)?;
        let pair = self.validate(existing.id, input).await?;
        self.scope.store.update_candidate_pair(&self.scope.ctx(at), &pair).await?;
        Ok(pair)
    }

    pub async fn delete(&self, id: &str, at: OffsetDateTime) -> AccessResult<CandidatePair> {
        let existing = self.get(id).await?;
        self.require_edit(&existing.region)?;
        self.scope.store.delete_candidate_pair(&self.scope.ctx(at), &existing).await?;
        Ok(existing)
    }
}

/// The kinds of object whose trail can be read.
pub const AUDITED_KINDS: [&str; 6] = ["office", "user", "agency", "unit", "candidate_pair", "election"];

/// The audit trail.
#[derive(Debug)]
pub struct AuditReader<'p> {
    scope: Scope<'p>,
}

impl AuditReader<'_> {
    /// The most recent entries about objects in the jurisdiction.
    pub async fn recent(&self, limit: u32) -> AccessResult<Vec<AuditEntry>> {
        let filter = match &self.scope.principal.jurisdiction {
            Jurisdiction::National => AuditFilter::default(),
            Jurisdiction::Region(code) => AuditFilter { region_within: Some(*code), ..AuditFilter::default() },
            Jurisdiction::Agency { agency, .. } => {
                AuditFilter { agency: Some(agency.clone()), ..AuditFilter::default() }
            }
            Jurisdiction::Own { .. } => return Err(AccessError::Denied),
        };
        Ok(self.scope.store.audit_entries(&filter, limit).await?)
    }

    /// The trail of one object the user may see.
    pub async fn object_trail(&self, kind: &str, id: &str) -> AccessResult<Vec<AuditEntry>> {
        let store = &self.scope.store;
        let visible = match kind {
            "office" => match store.office(id).await? {
                Some(office) => self.scope.covers(&self.scope.office_scope(&office).await?),
                None => false,
            },
            "user" => match store.user(id).await? {
                Some(user) => match store.office(&user.office_id).await? {
                    Some(office) => self.scope.covers(&self.scope.office_scope(&office).await?),
                    None => false,
                },
                None => false,
            },
            "agency" => store.agency(id).await?.is_some_and(|a| self.scope.covers(&AgencyAdmin::agency_scope(&a))),
            "candidate_pair" => match store.candidate_pair(id).await? {
                Some(pair) => self.scope.principal.jurisdiction.overlaps_region(&pair.region),
                // A deleted pair's trail stays readable where its region was.
                None => self.deleted_object_visible(kind, id).await?,
            },
            "unit" => self.deleted_object_visible(kind, id).await?,
            "election" => store.election(id).await?.is_some(),
            _ => false,
        };
        if !visible {
            return Err(AccessError::NotFound);
        }
        let filter = AuditFilter { object: Some((kind.to_string(), id.to_string())), ..AuditFilter::default() };
        Ok(store.audit_entries(&filter, 500).await?)
    }

    /// Objects that may no longer exist are judged by the scope recorded in their trail.
    async fn deleted_object_visible(&self, kind: &str, id: &str) -> AccessResult<bool> {
        let filter = AuditFilter { object: Some((kind.to_string(), id.to_string())), ..AuditFilter::default() };
        let entries = self.scope.store.audit_entries(&filter, 1).await?;
        Ok(entries.first().is_some_and(|entry| {
            let region = entry.region.as_deref().and_then(|code| RegionCode::parse(code).ok());
            let object = ObjectScope { region, agency: entry.agency.clone(), owner: None };
            self.scope.covers(&object)
                || region.is_some_and(|code| self.scope.principal.jurisdiction.overlaps_region(&code))
        }))
    }
}
