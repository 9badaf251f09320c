//! SQL and row mapping of the cyber-patrol part of the store, shared by both backends: [`impl_patrol_store!`]
//! instantiates `PatrolStore` for a backend that provides `reader()`, `writer()` and the audit append of
//! `impl_account_store!`.

use netra_core::patrol::{LineProblem, Platform};
use netra_core::region::RegionCode;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::patrol::*;
use crate::{StoreError, StoreResult};

pub const ACCOUNT_COLUMNS: &str = "SELECT account_id, platform, handle, person_name, nip, position, agency_id, \
    region_code, created_at, updated_at FROM asn_account";
pub const ACCOUNT_BY_ID: &str = "SELECT account_id, platform, handle, person_name, nip, position, agency_id, \
    region_code, created_at, updated_at FROM asn_account WHERE account_id = $1";
pub const ACCOUNT_BY_KEY: &str = "SELECT account_id FROM asn_account WHERE platform = $1 AND handle = $2";
pub const ACCOUNTS_IN: &str = "SELECT account_id, platform, handle, person_name, nip, position, agency_id, \
    region_code, created_at, updated_at FROM asn_account \
    WHERE ($1 IS NULL OR region_code = $1 OR region_code LIKE $2) ORDER BY person_name, handle LIMIT $3";
pub const ACCOUNT_INSERT: &str = "INSERT INTO asn_account (account_id, platform, handle, person_name, nip, \
    position, agency_id, region_code, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
pub const ACCOUNT_UPDATE: &str = "UPDATE asn_account SET person_name = $2, nip = $3, position = $4, agency_id = $5, \
    region_code = $6, updated_at = $7 WHERE account_id = $1";

pub const BATCH_BY_ID: &str = "SELECT batch_id, office_id, uploaded_by, region_code, file_name, sha256, \
    election_id, line_count, post_count, flagged_count, queued_count, problem_count, problems, created_at \
    FROM patrol_batch WHERE batch_id = $1";
pub const BATCHES_IN: &str = "SELECT batch_id, office_id, uploaded_by, region_code, file_name, sha256, \
    election_id, line_count, post_count, flagged_count, queued_count, problem_count, problems, created_at \
    FROM patrol_batch WHERE ($1 IS NULL OR region_code = $1 OR region_code LIKE $2) \
    ORDER BY created_at DESC, batch_id DESC LIMIT $3";
pub const BATCH_INSERT: &str = "INSERT INTO patrol_batch (batch_id, office_id, uploaded_by, region_code, \
    file_name, sha256, election_id, line_count, post_count, flagged_count, queued_count, problem_count, problems, \
    created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";

macro_rules! post_select {
    ($tail:literal) => {
        concat!(
            "SELECT post_id, batch_id, line_no, external_id, platform, account, account_id, url, posted_at, body, \
             score, verdict, region_code, review, review_note, reviewed_by, reviewed_at, case_id FROM patrol_post",
            $tail
        )
    };
}
pub const POSTS_OF_BATCH: &str = post_select!(" WHERE batch_id = $1 ORDER BY line_no LIMIT $2");
pub const POST_BY_ID: &str = post_select!(" WHERE post_id = $1");
pub const POSTS_QUEUED: &str = post_select!(
    " WHERE review = 'pending' AND ($1 IS NULL OR region_code = $1 OR region_code LIKE $2) \
     ORDER BY posted_at, post_id LIMIT $3"
);
pub const POST_INSERT: &str = "INSERT INTO patrol_post (post_id, batch_id, line_no, external_id, platform, \
    account, account_id, url, posted_at, body, score, verdict, region_code, review, review_note, reviewed_by, \
    reviewed_at, case_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)";
pub const POST_DISMISS: &str = "UPDATE patrol_post SET review = 'dismissed', review_note = $2, reviewed_by = $3, \
    reviewed_at = $4 WHERE post_id = $1 AND review = 'pending'";
/// Marks a pending post as opened into a case (run in the transaction that creates the case).
pub const POST_OPENED: &str = "UPDATE patrol_post SET review = 'opened', case_id = $2, reviewed_by = $3, \
    reviewed_at = $4 WHERE post_id = $1 AND review = 'pending'";

/// Handles per `IN (…)` query.
pub const HANDLE_CHUNK: usize = 500;

/// `SELECT … WHERE handle IN ($1, …, $n)`.
pub fn accounts_by_handle_sql(n: usize) -> String {
    let placeholders: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
    format!("{ACCOUNT_COLUMNS} WHERE handle IN ({})", placeholders.join(", "))
}

/// The two parameters of a region filter: the code, and the LIKE pattern of the regions below it.
pub fn region_filter(region: Option<RegionCode>) -> (Option<String>, Option<String>) {
    match region {
        Some(code) => (Some(code.to_string()), Some(format!("{code}.%"))),
        None => (None, None),
    }
}

/// Times are kept in UTC so that text comparison on SQLite is time order.
pub fn utc(at: OffsetDateTime) -> OffsetDateTime {
    at.to_offset(time::UtcOffset::UTC)
}

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("patrol: {what}"))
}

fn region(code: &str) -> StoreResult<RegionCode> {
    RegionCode::parse(code).map_err(|e| corrupt(format!("region {code:?}: {e}")))
}

fn platform(text: &str) -> StoreResult<Platform> {
    Platform::parse(text).ok_or_else(|| corrupt(format!("platform {text:?}")))
}

#[derive(Debug, sqlx::FromRow)]
pub struct AccountRow {
    account_id: String,
    platform: String,
    handle: String,
    person_name: String,
    nip: Option<String>,
    position: String,
    agency_id: Option<String>,
    region_code: String,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl TryFrom<AccountRow> for AsnAccount {
    type Error = StoreError;
    fn try_from(row: AccountRow) -> StoreResult<AsnAccount> {
        Ok(AsnAccount {
            id: row.account_id,
            platform: platform(&row.platform)?,
            handle: row.handle,
            name: row.person_name,
            nip: row.nip,
            position: row.position,
            agency_id: row.agency_id,
            region: region(&row.region_code)?,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// The stored JSON of a batch's problems.
pub fn problems_json(problems: &[LineProblem]) -> String {
    Value::Array(
        problems
            .iter()
            .take(MAX_STORED_PROBLEMS)
            .map(|p| json!({"line": p.line, "field": p.field, "id": p.id, "en": p.en}))
            .collect(),
    )
    .to_string()
}

fn problems_from_json(text: &str) -> StoreResult<Vec<LineProblem>> {
    let value: Value = serde_json::from_str(text).map_err(|e| corrupt(format!("problems: {e}")))?;
    let field_name = |name: &str| -> &'static str {
        // Field names are a closed set; an unknown one (a newer version's) is shown as "baris".
        ["akun", "teks", "waktu", "url", "platform", "id", "baris", "header", "berkas"]
            .into_iter()
            .find(|f| *f == name)
            .unwrap_or("baris")
    };
    value
        .as_array()
        .ok_or_else(|| corrupt("problems"))?
        .iter()
        .map(|p| {
            let text = |key: &str| p.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
            Ok(LineProblem {
                line: p.get("line").and_then(Value::as_u64).ok_or_else(|| corrupt("problem line"))? as usize,
                field: field_name(&text("field")),
                id: text("id"),
                en: text("en"),
            })
        })
        .collect()
}

#[derive(Debug, sqlx::FromRow)]
pub struct BatchRow {
    batch_id: String,
    office_id: String,
    uploaded_by: String,
    region_code: Option<String>,
    file_name: String,
    sha256: String,
    election_id: Option<String>,
    line_count: i64,
    post_count: i64,
    flagged_count: i64,
    queued_count: i64,
    problem_count: i64,
    problems: String,
    created_at: OffsetDateTime,
}

impl TryFrom<BatchRow> for PatrolBatch {
    type Error = StoreError;
    fn try_from(row: BatchRow) -> StoreResult<PatrolBatch> {
        Ok(PatrolBatch {
            id: row.batch_id,
            office_id: row.office_id,
            uploaded_by: row.uploaded_by,
            region: row.region_code.as_deref().map(region).transpose()?,
            file_name: row.file_name,
            sha256: row.sha256,
            election_id: row.election_id,
            lines: row.line_count,
            posts: row.post_count,
            flagged: row.flagged_count,
            queued: row.queued_count,
            problem_count: row.problem_count,
            problems: problems_from_json(&row.problems)?,
            created_at: row.created_at,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
pub struct PostRow {
    post_id: String,
    batch_id: String,
    line_no: i64,
    external_id: Option<String>,
    platform: Option<String>,
    account: String,
    account_id: Option<String>,
    url: Option<String>,
    posted_at: OffsetDateTime,
    body: String,
    score: f64,
    verdict: String,
    region_code: Option<String>,
    review: String,
    review_note: Option<String>,
    reviewed_by: Option<String>,
    reviewed_at: Option<OffsetDateTime>,
    case_id: Option<String>,
}

impl TryFrom<PostRow> for FlaggedPost {
    type Error = StoreError;
    fn try_from(row: PostRow) -> StoreResult<FlaggedPost> {
        Ok(FlaggedPost {
            id: row.post_id,
            batch_id: row.batch_id,
            line: row.line_no,
            external_id: row.external_id,
            platform: row.platform.as_deref().map(platform).transpose()?,
            account: row.account,
            account_id: row.account_id,
            url: row.url,
            posted_at: row.posted_at,
            text: row.body,
            score: row.score,
            verdict: row.verdict,
            region: row.region_code.as_deref().map(region).transpose()?,
            review: Review::parse(&row.review).ok_or_else(|| corrupt(format!("review {:?}", row.review)))?,
            review_note: row.review_note,
            reviewed_by: row.reviewed_by,
            reviewed_at: row.reviewed_at,
            case_id: row.case_id,
        })
    }
}

/// The audit record of a change to a flagged post.
pub fn post_audit(action: &str, post: &FlaggedPost, summary: String) -> crate::accounts::AuditRecord {
    crate::accounts::AuditRecord {
        action: action.to_string(),
        object_kind: "patrol_post".into(),
        object_id: post.id.clone(),
        region: post.region.map(|r| r.to_string()),
        agency: None,
        before: None,
        after: Some(post.canonical()),
        summary,
    }
}

/// Implements `PatrolStore` for a backend type over its sqlx database.
macro_rules! impl_patrol_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::patrol::PatrolStore for $store {
            async fn upsert_asn_accounts(
                &self,
                ctx: &$crate::accounts::AuditContext,
                accounts: &[$crate::patrol::AsnAccount],
            ) -> $crate::StoreResult<$crate::patrol::AccountImport> {
                use $crate::shared_patrol::*;
                let mut tx = self.writer().begin().await?;
                let mut import = $crate::patrol::AccountImport::default();
                let mut canonical = String::new();
                for account in accounts {
                    let existing: Option<(String,)> = sqlx::query_as(ACCOUNT_BY_KEY)
                        .bind(account.platform.as_str())
                        .bind(&account.handle)
                        .fetch_optional(&mut *tx)
                        .await?;
                    match existing {
                        Some((id,)) => {
                            sqlx::query(ACCOUNT_UPDATE)
                                .bind(&id)
                                .bind(&account.name)
                                .bind(&account.nip)
                                .bind(&account.position)
                                .bind(&account.agency_id)
                                .bind(account.region.to_string())
                                .bind(utc(account.updated_at))
                                .execute(&mut *tx)
                                .await
                                .map_err(|e| $crate::shared_accounts::write_error(e, "akun ASN"))?;
                            import.updated += 1;
                        }
                        None => {
                            sqlx::query(ACCOUNT_INSERT)
                                .bind(&account.id)
                                .bind(account.platform.as_str())
                                .bind(&account.handle)
                                .bind(&account.name)
                                .bind(&account.nip)
                                .bind(&account.position)
                                .bind(&account.agency_id)
                                .bind(account.region.to_string())
                                .bind(utc(account.created_at))
                                .bind(utc(account.updated_at))
                                .execute(&mut *tx)
                                .await
                                .map_err(|e| $crate::shared_accounts::write_error(e, "akun ASN"))?;
                            import.added += 1;
                        }
                    }
                    canonical.push_str(&account.canonical());
                    canonical.push('\n');
                }
                let record = $crate::accounts::AuditRecord {
                    action: "asn_account.import".into(),
                    object_kind: "asn_account_import".into(),
                    object_id: uuid::Uuid::now_v7().to_string(),
                    region: None,
                    agency: None,
                    before: None,
                    after: Some(canonical),
                    summary: format!("Impor akun ASN: {} ditambah, {} diperbarui", import.added, import.updated),
                };
                Self::append_audit(&mut tx, ctx, record).await?;
                tx.commit().await?;
                Ok(import)
            }

            async fn asn_accounts(
                &self,
                region: Option<netra_core::region::RegionCode>,
                limit: u32,
            ) -> $crate::StoreResult<Vec<$crate::patrol::AsnAccount>> {
                use $crate::shared_patrol::*;
                let (code, below) = region_filter(region);
                let rows: Vec<AccountRow> = sqlx::query_as(ACCOUNTS_IN)
                    .bind(code)
                    .bind(below)
                    .bind(i64::from(limit))
                    .fetch_all(self.reader())
                    .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn asn_account(&self, id: &str) -> $crate::StoreResult<Option<$crate::patrol::AsnAccount>> {
                use $crate::shared_patrol::*;
                let row: Option<AccountRow> =
                    sqlx::query_as(ACCOUNT_BY_ID).bind(id).fetch_optional(self.reader()).await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn asn_accounts_by_handle(
                &self,
                handles: &[String],
            ) -> $crate::StoreResult<Vec<$crate::patrol::AsnAccount>> {
                use $crate::shared_patrol::*;
                let mut found = Vec::new();
                for chunk in handles.chunks(HANDLE_CHUNK) {
                    let sql = accounts_by_handle_sql(chunk.len());
                    let mut query = sqlx::query_as::<_, AccountRow>(sqlx::AssertSqlSafe(sql));
                    for handle in chunk {
                        query = query.bind(handle);
                    }
                    for row in query.fetch_all(self.reader()).await? {
                        found.push(row.try_into()?);
                    }
                }
                Ok(found)
            }

            async fn save_patrol_batch(
                &self,
                ctx: &$crate::accounts::AuditContext,
                batch: &$crate::patrol::PatrolBatch,
                posts: &[$crate::patrol::FlaggedPost],
            ) -> $crate::StoreResult<()> {
                use $crate::shared_patrol::*;
                let mut tx = self.writer().begin().await?;
                sqlx::query(BATCH_INSERT)
                    .bind(&batch.id)
                    .bind(&batch.office_id)
                    .bind(&batch.uploaded_by)
                    .bind(batch.region.map(|r| r.to_string()))
                    .bind(&batch.file_name)
                    .bind(&batch.sha256)
                    .bind(&batch.election_id)
                    .bind(batch.lines)
                    .bind(batch.posts)
                    .bind(batch.flagged)
                    .bind(batch.queued)
                    .bind(batch.problem_count)
                    .bind(problems_json(&batch.problems))
                    .bind(utc(batch.created_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| $crate::shared_accounts::write_error(e, "batch patroli"))?;
                for post in posts {
                    sqlx::query(POST_INSERT)
                        .bind(&post.id)
                        .bind(&post.batch_id)
                        .bind(post.line)
                        .bind(&post.external_id)
                        .bind(post.platform.map(|p| p.as_str()))
                        .bind(&post.account)
                        .bind(&post.account_id)
                        .bind(&post.url)
                        .bind(utc(post.posted_at))
                        .bind(&post.text)
                        .bind(post.score)
                        .bind(&post.verdict)
                        .bind(post.region.map(|r| r.to_string()))
                        .bind(post.review.as_str())
                        .bind(&post.review_note)
                        .bind(&post.reviewed_by)
                        .bind(post.reviewed_at.map(utc))
                        .bind(&post.case_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| $crate::shared_accounts::write_error(e, "unggahan tersaring"))?;
                }
                let record = $crate::accounts::AuditRecord {
                    action: "patrol_batch.create".into(),
                    object_kind: "patrol_batch".into(),
                    object_id: batch.id.clone(),
                    region: batch.region.map(|r| r.to_string()),
                    agency: None,
                    before: None,
                    after: Some(format!("{}:{}", batch.sha256, batch.posts)),
                    summary: format!(
                        "Batch patroli {} (sha256={}): {} unggahan, {} ditandai, {} ke antrean, {} baris bermasalah",
                        batch.file_name, batch.sha256, batch.posts, batch.flagged, batch.queued, batch.problem_count
                    ),
                };
                Self::append_audit(&mut tx, ctx, record).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn patrol_batch(&self, id: &str) -> $crate::StoreResult<Option<$crate::patrol::PatrolBatch>> {
                use $crate::shared_patrol::*;
                let row: Option<BatchRow> = sqlx::query_as(BATCH_BY_ID).bind(id).fetch_optional(self.reader()).await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn patrol_batches(
                &self,
                region: Option<netra_core::region::RegionCode>,
                limit: u32,
            ) -> $crate::StoreResult<Vec<$crate::patrol::PatrolBatch>> {
                use $crate::shared_patrol::*;
                let (code, below) = region_filter(region);
                let rows: Vec<BatchRow> = sqlx::query_as(BATCHES_IN)
                    .bind(code)
                    .bind(below)
                    .bind(i64::from(limit))
                    .fetch_all(self.reader())
                    .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn batch_posts(
                &self,
                batch_id: &str,
                limit: u32,
            ) -> $crate::StoreResult<Vec<$crate::patrol::FlaggedPost>> {
                use $crate::shared_patrol::*;
                let rows: Vec<PostRow> = sqlx::query_as(POSTS_OF_BATCH)
                    .bind(batch_id)
                    .bind(i64::from(limit))
                    .fetch_all(self.reader())
                    .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn patrol_post(&self, id: &str) -> $crate::StoreResult<Option<$crate::patrol::FlaggedPost>> {
                use $crate::shared_patrol::*;
                let row: Option<PostRow> = sqlx::query_as(POST_BY_ID).bind(id).fetch_optional(self.reader()).await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn patrol_queue(
                &self,
                region: Option<netra_core::region::RegionCode>,
                limit: u32,
            ) -> $crate::StoreResult<Vec<$crate::patrol::FlaggedPost>> {
                use $crate::shared_patrol::*;
                let (code, below) = region_filter(region);
                let rows: Vec<PostRow> = sqlx::query_as(POSTS_QUEUED)
                    .bind(code)
                    .bind(below)
                    .bind(i64::from(limit))
                    .fetch_all(self.reader())
                    .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn dismiss_patrol_post(
                &self,
                ctx: &$crate::accounts::AuditContext,
                post_id: &str,
                reason: &str,
                at: time::OffsetDateTime,
            ) -> $crate::StoreResult<()> {
                use $crate::shared_patrol::*;
                let mut tx = self.writer().begin().await?;
                let done = sqlx::query(POST_DISMISS)
                    .bind(post_id)
                    .bind(reason)
                    .bind(&ctx.actor)
                    .bind(utc(at))
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err($crate::StoreError::Conflict("unggahan ini sudah ditinjau".into()));
                }
                let row: PostRow = sqlx::query_as(POST_BY_ID).bind(post_id).fetch_one(&mut *tx).await?;
                let post: $crate::patrol::FlaggedPost = row.try_into()?;
                Self::append_audit(
                    &mut tx,
                    ctx,
                    post_audit("patrol_post.dismiss", &post, format!("Unggahan dikesampingkan: {reason}")),
                )
                .await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

pub(crate) use impl_patrol_store;
