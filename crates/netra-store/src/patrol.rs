//! Types of the cyber-patrol part of the store and the trait that reads and writes them: civil servants' known
//! social-media accounts, screened batches of posts, and the flagged posts with their review.

use async_trait::async_trait;
use netra_core::catalogue::ActLabel;
use netra_core::patrol::{LineProblem, Platform};
use netra_core::region::RegionCode;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::StoreResult;
use crate::accounts::AuditContext;

/// A known social-media account of a civil servant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsnAccount {
    pub id: String,
    pub platform: Platform,
    /// The account's key (`netra_core::patrol::AccountKey::handle`): lower case, without `@`.
    pub handle: String,
    pub name: String,
    pub nip: Option<String>,
    pub position: String,
    pub agency_id: Option<String>,
    /// Where the civil servant works (a kecamatan or a kabupaten/kota).
    pub region: RegionCode,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl AsnAccount {
    /// What the audit trail fingerprints.
    pub fn canonical(&self) -> String {
        json!([
            self.platform.as_str(),
            self.handle,
            self.name,
            self.nip,
            self.position,
            self.agency_id,
            self.region.to_string()
        ])
        .to_string()
    }
}

/// A batch of posts screened by an office.
#[derive(Debug, Clone, PartialEq)]
pub struct PatrolBatch {
    pub id: String,
    pub office_id: String,
    pub uploaded_by: String,
    /// The uploading office's region; `None` for national offices.
    pub region: Option<RegionCode>,
    pub file_name: String,
    /// SHA-256 of the uploaded file, so the batch can be matched to the file it came from.
    pub sha256: String,
    pub election_id: Option<String>,
    /// Lines that held a post or a problem.
    pub lines: i64,
    /// Posts screened.
    pub posts: i64,
    /// Posts the engine flagged.
    pub flagged: i64,
    /// Flagged posts of known civil servants' accounts (put in the review queue).
    pub queued: i64,
    pub problem_count: i64,
    /// The first problems (at most [`MAX_STORED_PROBLEMS`]).
    pub problems: Vec<LineProblem>,
    pub created_at: OffsetDateTime,
}

/// Problems kept with a batch; the count says how many there were.
pub const MAX_STORED_PROBLEMS: usize = 200;

/// Where a flagged post stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    /// Not a known civil servant's account: shown on its batch only.
    None,
    /// In the review queue of the account's region.
    Pending,
    /// Reviewed and set aside, with a reason.
    Dismissed,
    /// A finding (temuan) was opened from it.
    Opened,
}

impl Review {
    pub fn as_str(self) -> &'static str {
        match self {
            Review::None => "none",
            Review::Pending => "pending",
            Review::Dismissed => "dismissed",
            Review::Opened => "opened",
        }
    }

    pub fn parse(text: &str) -> Option<Review> {
        [Review::None, Review::Pending, Review::Dismissed, Review::Opened].into_iter().find(|r| r.as_str() == text)
    }
}

/// A post the screening engine flagged.
#[derive(Debug, Clone, PartialEq)]
pub struct FlaggedPost {
    pub id: String,
    pub batch_id: String,
    pub line: i64,
    /// The collector's own id of the post.
    pub external_id: Option<String>,
    pub platform: Option<Platform>,
    /// The account as written in the batch.
    pub account: String,
    /// The known civil servant's account it matched.
    pub account_id: Option<String>,
    pub url: Option<String>,
    pub posted_at: OffsetDateTime,
    pub text: String,
    pub score: f64,
    /// The engine's verdict as JSON (acts, candidates, explanation).
    pub verdict: String,
    /// The matched account's region (the queue it is in).
    pub region: Option<RegionCode>,
    pub review: Review,
    pub review_note: Option<String>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<OffsetDateTime>,
    pub case_id: Option<String>,
}

/// One act of a flagged post's stored verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct FlaggedAct {
    pub act: ActLabel,
    pub score: f64,
    /// Codes of the catalogue items the act maps to.
    pub items: Vec<String>,
}

/// One piece of evidence of a stored verdict: character offsets into the post's text, and that text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlaggedEvidence {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

impl FlaggedPost {
    fn verdict_field(&self, key: &str) -> Vec<Value> {
        let value: Value = serde_json::from_str(&self.verdict).unwrap_or_default();
        match value.get(key) {
            Some(Value::Array(items)) => items.clone(),
            _ => Vec::new(),
        }
    }

    /// The acts the engine found, likeliest first.
    pub fn acts(&self) -> Vec<FlaggedAct> {
        self.verdict_field("acts")
            .iter()
            .filter_map(|a| {
                Some(FlaggedAct {
                    act: ActLabel::parse(a.get("act")?.as_str()?)?,
                    score: a.get("score").and_then(Value::as_f64).unwrap_or(0.0),
                    items: a
                        .get("items")
                        .and_then(Value::as_array)
                        .map(|items| items.iter().filter_map(|i| i.as_str().map(String::from)).collect())
                        .unwrap_or_default(),
                })
            })
            .collect()
    }

    /// The spans of the text that drove the verdict.
    pub fn evidence(&self) -> Vec<FlaggedEvidence> {
        self.verdict_field("explanation")
            .iter()
            .filter_map(|e| {
                Some(FlaggedEvidence {
                    start: e.get("start")?.as_u64()? as usize,
                    end: e.get("end")?.as_u64()? as usize,
                    text: e.get("text")?.as_str()?.to_string(),
                })
            })
            .collect()
    }

    /// The candidate pairs the post names: ballot number and name.
    pub fn candidates(&self) -> Vec<(u64, String)> {
        self.verdict_field("candidates")
            .iter()
            .filter_map(|c| Some((c.get("number")?.as_u64()?, c.get("name")?.as_str()?.to_string())))
            .collect()
    }

    /// What the audit trail fingerprints.
    pub fn canonical(&self) -> String {
        json!([self.id, self.batch_id, self.account, self.url, self.text, self.review.as_str(), self.case_id])
            .to_string()
    }
}

/// What an import of known accounts changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AccountImport {
    pub added: u64,
    pub updated: u64,
}

/// Known accounts, batches and flagged posts.
#[async_trait]
pub trait PatrolStore: Send + Sync {
    /// Adds or updates (by platform and handle) known accounts in one transaction, with one audit entry for the
    /// import.
    async fn upsert_asn_accounts(&self, ctx: &AuditContext, accounts: &[AsnAccount]) -> StoreResult<AccountImport>;
    /// Known accounts in `region` (and below; everywhere when `None`), by name.
    async fn asn_accounts(&self, region: Option<RegionCode>, limit: u32) -> StoreResult<Vec<AsnAccount>>;
    async fn asn_account(&self, id: &str) -> StoreResult<Option<AsnAccount>>;
    /// Known accounts with any of these handles (any platform).
    async fn asn_accounts_by_handle(&self, handles: &[String]) -> StoreResult<Vec<AsnAccount>>;

    /// Saves a screened batch with its flagged posts, in one transaction with its audit entry.
    async fn save_patrol_batch(
        &self,
        ctx: &AuditContext,
        batch: &PatrolBatch,
        posts: &[FlaggedPost],
    ) -> StoreResult<()>;
    async fn patrol_batch(&self, id: &str) -> StoreResult<Option<PatrolBatch>>;
    /// Batches of offices in `region` (and below; all when `None`), newest first.
    async fn patrol_batches(&self, region: Option<RegionCode>, limit: u32) -> StoreResult<Vec<PatrolBatch>>;
    /// The flagged posts of a batch, in file order.
    async fn batch_posts(&self, batch_id: &str, limit: u32) -> StoreResult<Vec<FlaggedPost>>;
    async fn patrol_post(&self, id: &str) -> StoreResult<Option<FlaggedPost>>;
    /// Posts waiting for review whose account is in `region` (and below; all when `None`), oldest post first.
    async fn patrol_queue(&self, region: Option<RegionCode>, limit: u32) -> StoreResult<Vec<FlaggedPost>>;
    /// Sets a pending post aside with a reason. Fails with `Conflict` when it is no longer pending.
    async fn dismiss_patrol_post(
        &self,
        ctx: &AuditContext,
        post_id: &str,
        reason: &str,
        at: OffsetDateTime,
    ) -> StoreResult<()>;
}
