//! Types of the prevention part of the store (issue 7) and the trait that reads and writes them: versioned pact
//! and declaration texts, the instance's public signing keys, signed pacts and one-time signing codes.

use async_trait::async_trait;
use netra_core::pact::{PactKind, PactText, PublicKey, SignedPact, SigningMethod};
use serde_json::json;
use time::OffsetDateTime;

use crate::StoreResult;
use crate::accounts::AuditContext;

/// One version of an election's pact or declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PactTextRecord {
    pub id: String,
    pub election_id: String,
    pub kind: PactKind,
    pub version: u32,
    pub text: PactText,
    /// [`PactText::digest`] of `text`.
    pub digest: String,
    pub created_by: String,
    pub created_at: OffsetDateTime,
}

impl PactTextRecord {
    pub fn canonical(&self) -> String {
        json!([self.election_id, self.kind.as_str(), self.version, self.digest]).to_string()
    }
}

/// A public signing key of the instance, current or retired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKeyRecord {
    pub key: PublicKey,
    pub created_at: OffsetDateTime,
    pub retired_at: Option<OffsetDateTime>,
}

/// A signed pact as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PactSignatureRecord {
    pub id: String,
    pub text_id: String,
    pub person_id: i64,
    pub method: SigningMethod,
    pub pact: SignedPact,
    /// The staff user who signed from an attendance list; `None` when the civil servant signed.
    pub signed_by: Option<String>,
    pub signed_at: OffsetDateTime,
}

/// A one-time signing code as stored (only its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PactCodeRecord {
    pub code_hash: String,
    pub text_id: String,
    pub person_id: i64,
    pub issued_by: String,
    pub issued_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
}

/// How many active civil servants of one unit have signed an election's pact and attended one of its sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitCoverage {
    pub unit: String,
    pub persons: u64,
    pub signed: u64,
    pub attended: u64,
}

/// A socialisation session on neutrality.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Briefing {
    pub id: String,
    pub election_id: String,
    pub title: String,
    pub held_on: time::Date,
    pub place: String,
    /// The organising office.
    pub organiser: String,
    /// The audience's agency (the registry's `instansi`).
    pub agency: String,
    /// Speakers (narasumber), e.g. "Oky Putranto (BPSDMD Jawa Barat)".
    pub speakers: Vec<String>,
    /// Audience units; empty: the whole agency.
    pub units: Vec<String>,
    /// Catalogue items the material covers (codes).
    pub items: Vec<String>,
    /// The secret in the check-in QR code.
    pub checkin_token: String,
    pub created_by: String,
    pub created_at: OffsetDateTime,
}

impl Briefing {
    pub fn canonical(&self) -> String {
        json!([
            self.election_id,
            self.title,
            self.held_on.to_string(),
            self.place,
            self.agency,
            self.speakers,
            self.units,
            self.items
        ])
        .to_string()
    }
}

/// How someone came to be on a session's attendance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckIn {
    /// Scanned the session's QR code and gave their NIP.
    Qr,
    /// On the attendance list the organiser imported.
    List,
}

impl CheckIn {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckIn::Qr => "qr",
            CheckIn::List => "list",
        }
    }
}

/// One attendee of a session, with their registry record and quiz score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    pub person_id: i64,
    pub nip: String,
    pub name: String,
    pub unit: String,
    pub method: String,
    pub checked_in_at: OffsetDateTime,
    pub quiz: Option<(u32, u32)>,
}

#[async_trait]
pub trait PactStore: Send + Sync {
    /// Per unit of an agency (the registry's `instansi`, case aside): active civil servants, and those who signed
    /// any version of the election's pact. Units by name.
    async fn pact_coverage(&self, election_id: &str, agency: &str) -> StoreResult<Vec<UnitCoverage>>;

    /// Adds a session. Audited.
    async fn create_socialisation(&self, ctx: &AuditContext, session: &Briefing) -> StoreResult<()>;

    /// An election's sessions for an agency (all agencies when `None`), latest first.
    async fn socialisations(&self, election_id: &str, agency: Option<&str>) -> StoreResult<Vec<Briefing>>;

    async fn socialisation(&self, id: &str) -> StoreResult<Option<Briefing>>;

    async fn socialisation_by_token(&self, token: &str) -> StoreResult<Option<Briefing>>;

    /// Adds attendees (persons already there are skipped) with one audit entry; returns how many were added.
    async fn record_attendance(
        &self,
        ctx: &AuditContext,
        session_id: &str,
        persons: &[i64],
        method: CheckIn,
        summary: &str,
    ) -> StoreResult<u64>;

    /// The sessions a person attended, latest first.
    async fn sessions_attended(&self, person_id: i64) -> StoreResult<Vec<Briefing>>;

    /// A session's attendees, by unit and name.
    async fn attendees(&self, session_id: &str) -> StoreResult<Vec<Attendee>>;

    /// Stores an attendee's first quiz score; `false` when they are not an attendee or already answered.
    async fn record_quiz_score(&self, session_id: &str, person_id: i64, score: u32, total: u32) -> StoreResult<bool>;

    /// Adds a text version (its number is the caller's: the next after [`PactStore::pact_texts`]). Audited.
    async fn create_pact_text(&self, ctx: &AuditContext, text: &PactTextRecord) -> StoreResult<()>;

    /// Every version of an election's texts, oldest first.
    async fn pact_texts(&self, election_id: &str) -> StoreResult<Vec<PactTextRecord>>;

    async fn pact_text(&self, text_id: &str) -> StoreResult<Option<PactTextRecord>>;

    /// Every key the instance has signed with, newest first.
    async fn signing_keys(&self) -> StoreResult<Vec<SigningKeyRecord>>;

    /// Adds a key and retires every other one (a rotation), in one audited transaction.
    async fn add_signing_key(&self, ctx: &AuditContext, key: &PublicKey) -> StoreResult<()>;

    /// Stores signed pacts with one audit entry; with `code_hash`, also uses that one-time code, which must be
    /// unused and unexpired at `ctx.at` (else `Conflict` and nothing is stored). A person who already signed the
    /// same text is skipped; returns how many were stored.
    async fn record_pact_signatures(
        &self,
        ctx: &AuditContext,
        signatures: &[PactSignatureRecord],
        code_hash: Option<&str>,
        summary: &str,
    ) -> StoreResult<u64>;

    async fn pact_signature_by_code(&self, code: &str) -> StoreResult<Option<PactSignatureRecord>>;

    /// A person's signed pacts, newest first.
    async fn pact_signatures_of(&self, person_id: i64) -> StoreResult<Vec<PactSignatureRecord>>;

    /// Stores a one-time code (replacing the person's unused codes for the same text). Audited.
    async fn issue_pact_code(&self, ctx: &AuditContext, code: &PactCodeRecord) -> StoreResult<()>;

    async fn pact_code(&self, code_hash: &str) -> StoreResult<Option<PactCodeRecord>>;
}

/// The instance's pact signing keys: the secret halves are files `<dir>/<key_id>.key` (hex, mode 0600) in the
/// data directory, the public halves are in the store, where retired ones stay so that old pacts keep verifying.
#[derive(Debug, Clone)]
pub struct PactKeys {
    dir: std::path::PathBuf,
}

impl PactKeys {
    /// Keys kept in `dir` (normally `<data-dir>/keys/pact`).
    pub fn new(dir: impl Into<std::path::PathBuf>) -> PactKeys {
        PactKeys { dir: dir.into() }
    }

    /// The current signer; the first call on an instance makes its first key.
    pub async fn current(
        &self,
        store: &dyn crate::Store,
        now: OffsetDateTime,
    ) -> StoreResult<netra_core::pact::PactSigner> {
        let keys = store.signing_keys().await?;
        match keys.iter().find(|k| k.retired_at.is_none()) {
            Some(current) => self.load(&current.key.key_id),
            None => self.rotate(store, now).await,
        }
    }

    /// Makes a new key and retires the others (their signatures stay valid). Audited.
    pub async fn rotate(
        &self,
        store: &dyn crate::Store,
        now: OffsetDateTime,
    ) -> StoreResult<netra_core::pact::PactSigner> {
        let config = |what: String| crate::StoreError::Config(format!("pact keys in {}: {what}", self.dir.display()));
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|e| config(e.to_string()))?;
        let signer = netra_core::pact::PactSigner::from_secret(&secret);
        std::fs::create_dir_all(&self.dir).map_err(|e| config(e.to_string()))?;
        let path = self.dir.join(format!("{}.key", signer.key_id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&path).map_err(|e| config(e.to_string()))?;
        std::io::Write::write_all(&mut file, data_encoding::HEXLOWER.encode(&secret).as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| config(e.to_string()))?;
        // The file exists before the key is announced: a crash in between leaves an unused file, never a
        // published key without its secret.
        store.add_signing_key(&AuditContext::system(now), &signer.public_key()).await?;
        Ok(signer)
    }

    fn load(&self, key_id: &str) -> StoreResult<netra_core::pact::PactSigner> {
        let path = self.dir.join(format!("{key_id}.key"));
        let config = |what: &str| crate::StoreError::Config(format!("pact key {}: {what}", path.display()));
        let text = std::fs::read_to_string(&path).map_err(|e| config(&e.to_string()))?;
        let secret: [u8; 32] = data_encoding::HEXLOWER
            .decode(text.trim().as_bytes())
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| config("not a 32-byte hex key"))?;
        let signer = netra_core::pact::PactSigner::from_secret(&secret);
        if signer.key_id() != key_id {
            return Err(config("the file does not hold the key its name says"));
        }
        Ok(signer)
    }
}
