//! Types of the accounts, reference-data and audit part of the store, and the traits that read and write them.
//! Every write takes an [`AuditContext`] and appends its audit entry in the same transaction as the change.

use async_trait::async_trait;
use netra_core::audit::{AuditEntry, ChainHead};
use netra_core::region::RegionCode;
use netra_core::role::Role;
use serde_json::json;
use time::OffsetDateTime;

use crate::StoreResult;

/// Who is changing something, from where, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditContext {
    /// A user id, or `system` (seeding, migrations) or `public`.
    pub actor: String,
    pub office: Option<String>,
    pub at: OffsetDateTime,
}

impl AuditContext {
    /// Changes made by Netra itself (demo seeding, reference-data loads, command-line tools).
    pub fn system(at: OffsetDateTime) -> AuditContext {
        AuditContext { actor: "system".into(), office: None, at }
    }
}

/// What an audit entry is about, before it is sealed into the chain.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditRecord {
    pub action: String,
    pub object_kind: String,
    pub object_id: String,
    pub region: Option<String>,
    pub agency: Option<String>,
    /// Canonical form of the object before the change; only its digest is kept.
    pub before: Option<String>,
    /// Canonical form after the change; only its digest is kept.
    pub after: Option<String>,
    pub summary: String,
}

/// The kind of an agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgencyKind {
    PemdaProvinsi,
    PemdaKabKota,
    Kementerian,
    Lembaga,
}

impl AgencyKind {
    pub const ALL: [AgencyKind; 4] =
        [AgencyKind::PemdaProvinsi, AgencyKind::PemdaKabKota, AgencyKind::Kementerian, AgencyKind::Lembaga];

    pub fn as_str(self) -> &'static str {
        match self {
            AgencyKind::PemdaProvinsi => "pemda_provinsi",
            AgencyKind::PemdaKabKota => "pemda_kabkota",
            AgencyKind::Kementerian => "kementerian",
            AgencyKind::Lembaga => "lembaga",
        }
    }

    pub fn parse(text: &str) -> Option<AgencyKind> {
        AgencyKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// Name in Indonesian.
    pub fn name_id(self) -> &'static str {
        match self {
            AgencyKind::PemdaProvinsi => "Pemerintah provinsi",
            AgencyKind::PemdaKabKota => "Pemerintah kabupaten/kota",
            AgencyKind::Kementerian => "Kementerian",
            AgencyKind::Lembaga => "Lembaga",
        }
    }
}

/// An employing agency (instansi).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agency {
    /// Short slug, e.g. `pemkab-bandung`.
    pub id: String,
    pub name: String,
    pub kind: AgencyKind,
    pub region: Option<RegionCode>,
}

/// A work unit of an agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: String,
    pub agency_id: String,
    pub name: String,
}

/// An office staff work in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Office {
    pub id: String,
    pub name: String,
    pub region: Option<RegionCode>,
    pub agency: Option<String>,
    /// Where the office's notifications are e-mailed, when SMTP is configured.
    pub email: Option<String>,
}

/// A staff (or ASN self-service) account. The password hash is read separately, only where a password is
/// checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffUser {
    pub id: String,
    /// Lower-case.
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub office_id: String,
    pub must_change_password: bool,
    /// Base32 TOTP secret when enrolled. Never logged: `StaffUser` is printed only in tests.
    pub totp_secret: Option<String>,
    pub disabled: bool,
    pub created_at: OffsetDateTime,
}

/// A server-side session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 of the cookie token.
    pub token_hash: String,
    pub user_id: String,
    pub csrf_token: String,
    /// The second factor was given (or is not required for this user).
    pub second_factor: bool,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// A candidate pair standing in one region's election.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidatePair {
    pub id: String,
    pub election_id: String,
    /// The province (governor) or regency/city (bupati/wali kota) the pair stands in.
    pub region: RegionCode,
    pub ballot_number: i32,
    pub head_name: String,
    pub deputy_name: String,
    pub nicknames: Vec<String>,
    pub parties: Vec<String>,
    pub slogans: Vec<String>,
    pub hashtags: Vec<String>,
}

/// The canonical form of an object, whose digest goes into the audit trail.
pub trait Canonical {
    fn canonical(&self) -> String;
}

impl Canonical for Agency {
    fn canonical(&self) -> String {
        json!([self.id, self.name, self.kind.as_str(), self.region.map(|c| c.to_string())]).to_string()
    }
}

impl Canonical for Unit {
    fn canonical(&self) -> String {
        json!([self.id, self.agency_id, self.name]).to_string()
    }
}

impl Canonical for Office {
    fn canonical(&self) -> String {
        json!([self.id, self.name, self.region.map(|c| c.to_string()), self.agency, self.email]).to_string()
    }
}

impl Canonical for StaffUser {
    fn canonical(&self) -> String {
        // The TOTP secret is represented by whether it is set: the digest must not be a way to test guesses.
        json!([
            self.id,
            self.username,
            self.display_name,
            self.role.as_str(),
            self.office_id,
            self.must_change_password,
            self.totp_secret.is_some(),
            self.disabled
        ])
        .to_string()
    }
}

impl Canonical for CandidatePair {
    fn canonical(&self) -> String {
        json!([
            self.id,
            self.election_id,
            self.region.to_string(),
            self.ballot_number,
            self.head_name,
            self.deputy_name,
            self.nicknames,
            self.parties,
            self.slogans,
            self.hashtags
        ])
        .to_string()
    }
}

/// Agencies, units, offices and staff accounts, with their sessions and sign-in throttling.
#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn agencies(&self) -> StoreResult<Vec<Agency>>;
    async fn agency(&self, id: &str) -> StoreResult<Option<Agency>>;
    async fn create_agency(&self, ctx: &AuditContext, agency: &Agency) -> StoreResult<()>;
    async fn update_agency(&self, ctx: &AuditContext, agency: &Agency) -> StoreResult<()>;

    async fn units(&self, agency_id: &str) -> StoreResult<Vec<Unit>>;
    async fn create_unit(&self, ctx: &AuditContext, unit: &Unit) -> StoreResult<()>;
    async fn delete_unit(&self, ctx: &AuditContext, unit: &Unit) -> StoreResult<()>;

    async fn offices(&self) -> StoreResult<Vec<Office>>;
    async fn office(&self, id: &str) -> StoreResult<Option<Office>>;
    async fn create_office(&self, ctx: &AuditContext, office: &Office) -> StoreResult<()>;
    async fn update_office(&self, ctx: &AuditContext, office: &Office) -> StoreResult<()>;

    async fn users(&self) -> StoreResult<Vec<StaffUser>>;
    async fn user(&self, id: &str) -> StoreResult<Option<StaffUser>>;
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<StaffUser>>;
    /// The stored Argon2id hash of a user's password.
    async fn password_hash(&self, user_id: &str) -> StoreResult<Option<String>>;
    async fn create_user(&self, ctx: &AuditContext, user: &StaffUser, password_hash: &str) -> StoreResult<()>;
    /// Saves name, role, office, disabled, must-change and TOTP fields. Disabling a user ends their sessions.
    async fn update_user(&self, ctx: &AuditContext, user: &StaffUser) -> StoreResult<()>;
    /// Sets a new password and ends every session of the user except `keep_session` (the one that changed it).
    async fn set_password(
        &self,
        ctx: &AuditContext,
        user_id: &str,
        password_hash: &str,
        must_change: bool,
        keep_session: Option<&str>,
    ) -> StoreResult<()>;

    async fn create_session(&self, session: &SessionRecord) -> StoreResult<()>;
    async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>>;
    /// Extends a session (sliding expiry) and records its last use.
    async fn touch_session(&self, token_hash: &str, seen: OffsetDateTime, expires: OffsetDateTime) -> StoreResult<()>;
    /// Marks a session's second factor done with a TOTP code of time step `step`, unless the user already signed
    /// in with that step or a later one (a code works once): `Ok(false)` then, and the session stays incomplete.
    async fn complete_second_factor(&self, token_hash: &str, user_id: &str, step: i64) -> StoreResult<bool>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Ends every session of a user (audited); returns how many there were.
    async fn revoke_sessions(&self, ctx: &AuditContext, user_id: &str) -> StoreResult<u64>;
    async fn session_count(&self, user_id: &str) -> StoreResult<u64>;

    /// Records a failed sign-in under each key (`user:…`, `addr:…`), pruning entries older than `prune_before`.
    async fn record_login_failure(&self, keys: &[String], unix: i64, prune_before: i64) -> StoreResult<()>;
    /// Failed sign-ins under `key` since `since_unix`.
    async fn login_failures_since(&self, key: &str, since_unix: i64) -> StoreResult<u64>;
    async fn clear_login_failures(&self, key: &str) -> StoreResult<()>;

    /// Appends an audit entry for an event that changes no table of its own (sign-in, sign-out, export).
    async fn record_event(&self, ctx: &AuditContext, record: AuditRecord) -> StoreResult<()>;
}

/// Candidate pairs.
#[async_trait]
pub trait CandidateStore: Send + Sync {
    /// All pairs, optionally of one election, ordered by election, region and ballot number.
    async fn candidate_pairs(&self, election_id: Option<&str>) -> StoreResult<Vec<CandidatePair>>;
    async fn candidate_pair(&self, id: &str) -> StoreResult<Option<CandidatePair>>;
    async fn create_candidate_pair(&self, ctx: &AuditContext, pair: &CandidatePair) -> StoreResult<()>;
    async fn update_candidate_pair(&self, ctx: &AuditContext, pair: &CandidatePair) -> StoreResult<()>;
    async fn delete_candidate_pair(&self, ctx: &AuditContext, pair: &CandidatePair) -> StoreResult<()>;
    /// Saves an election with its stages (audited).
    async fn save_election(&self, ctx: &AuditContext, election: &netra_core::election::Election) -> StoreResult<()>;
}

/// Filters for reading the trail.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only entries about objects in this region or below.
    pub region_within: Option<RegionCode>,
    /// Only entries about objects of this agency.
    pub agency: Option<String>,
    /// Only entries about this object (kind, id).
    pub object: Option<(String, String)>,
}

/// The audit trail.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Entries matching the filter, newest first.
    async fn audit_entries(&self, filter: &AuditFilter, limit: u32) -> StoreResult<Vec<AuditEntry>>;
    /// Entries with `seq > after`, in chain order, at most `limit` (for verification).
    async fn audit_chain_page(&self, after: i64, limit: u32) -> StoreResult<Vec<AuditEntry>>;
    /// The head recorded with the last append (length, hash).
    async fn audit_head(&self) -> StoreResult<Option<(i64, String)>>;
}

/// Re-computes the whole chain, page by page; the error names the first bad entry.
pub async fn verify_audit_chain(
    store: &(impl AuditStore + ?Sized),
) -> StoreResult<Result<ChainHead, netra_core::audit::ChainBreak>> {
    let mut verifier = netra_core::audit::ChainVerifier::new();
    let mut after = 0;
    loop {
        let page = store.audit_chain_page(after, 2_000).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for entry in &page {
            if let Err(broken) = verifier.push(entry) {
                return Ok(Err(broken));
            }
        }
    }
    let head = store.audit_head().await?;
    Ok(verifier.finish(head.as_ref().map(|(length, hash)| (*length, hash.as_str()))))
}
