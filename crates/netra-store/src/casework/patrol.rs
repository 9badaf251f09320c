//! Cyber patrol through a capability-scoped handle: civil servants' known accounts, batches of social-media posts
//! screened by the engine, the review queue of flagged posts from known accounts, and opening a finding (temuan)
//! from a post with the post as evidence.
//!
//! Screening itself ([`screen_batch`]) is plain CPU work with no store access, so a web handler can run it on a
//! blocking thread; [`PatrolDesk::record`] then matches accounts and saves the batch in one transaction.

use std::collections::HashMap;
use std::sync::Arc;

use netra_core::Locale;
use netra_core::access::{Jurisdiction, ObjectScope, Permission};
use netra_core::intake::{CaseOrigin, ReporterMode};
use netra_core::patrol::{LineProblem, Platform, parse_accounts};
use netra_core::region::RegionCode;
use netra_core::workflow::Actor;
use netra_screen::Screener;
use netra_screen::batch::{BatchFormat, BatchPost, read_batch};
use serde_json::json;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use super::*;
use crate::Store;
use crate::access::{AccessError, AccessResult, FieldError, Principal};
use crate::cases::{Channel, ReportedPerson, ReporterIdentity};
use crate::patrol::*;

/// Largest batch file accepted (about 60,000 posts of average length).
pub const MAX_BATCH_BYTES: usize = 32 * 1024 * 1024;
/// Largest known-accounts file accepted.
pub const MAX_ACCOUNT_FILE_BYTES: usize = 8 * 1024 * 1024;
/// Flagged posts shown per batch or queue page.
pub const PATROL_PAGE: u32 = 500;

/// A batch read and screened, not yet saved.
#[derive(Debug)]
pub struct ScreenedBatch {
    pub file_name: String,
    pub sha256: String,
    pub lines: usize,
    pub posts: usize,
    pub problems: Vec<LineProblem>,
    /// The posts the engine flagged, with its verdict.
    pub flagged: Vec<(BatchPost, netra_screen::Verdict)>,
}

/// Reads and screens a batch file (JSONL or CSV, told apart by name and content). Pure CPU work.
pub fn screen_batch(screener: &Screener, file_name: &str, bytes: &[u8]) -> ScreenedBatch {
    let read = read_batch(bytes, BatchFormat::detect(file_name, bytes));
    let posts = read.posts.len();
    let flagged = read
        .posts
        .into_iter()
        .filter_map(|post| {
            let verdict = screener.screen(&post.text, None);
            verdict.violation.then_some((post, verdict))
        })
        .collect();
    ScreenedBatch {
        file_name: crate::evidence::clean_file_name(file_name),
        sha256: data_encoding::HEXLOWER.encode(&Sha256::digest(bytes)),
        lines: read.lines,
        posts,
        problems: read.problems,
        flagged,
    }
}

impl Principal {
    /// Cyber patrol (Bawaslu): accounts, batches and the review queue of the jurisdiction.
    pub fn patrol_desk(&self, store: &Arc<dyn Store>) -> AccessResult<PatrolDesk<'_>> {
        if !self.role().can(Permission::Patrol) {
            return Err(AccessError::Denied);
        }
        let region = match &self.jurisdiction {
            Jurisdiction::National => None,
            Jurisdiction::Region(code) => Some(*code),
            _ => return Err(AccessError::Denied),
        };
        Ok(PatrolDesk { principal: self, store: store.clone(), region })
    }
}

/// Cyber-patrol operations within a principal's region (`None`: national).
#[derive(Debug)]
pub struct PatrolDesk<'p> {
    principal: &'p Principal,
    store: Arc<dyn Store>,
    region: Option<RegionCode>,
}

fn file_problems(problems: &[LineProblem]) -> AccessError {
    AccessError::Invalid(problem_errors(problems.iter().map(|p| ("file", p))))
}

/// One error per problem, in line order, each tagged with its form field.
fn problem_errors<'a>(problems: impl Iterator<Item = (&'static str, &'a LineProblem)>) -> Vec<FieldError> {
    let mut problems: Vec<_> = problems.collect();
    problems.sort_by_key(|(_, p)| p.line);
    problems
        .into_iter()
        .map(|(field, p)| FieldError::new(field, p.describe(Locale::Id), p.describe(Locale::En)))
        .collect()
}

impl PatrolDesk<'_> {
    /// The region the desk covers (`None`: the whole country).
    pub fn region(&self) -> Option<RegionCode> {
        self.region
    }

    fn covers(&self, region: Option<&RegionCode>) -> bool {
        match (self.region, region) {
            (None, _) => true,
            (Some(mine), Some(theirs)) => theirs.is_within(&mine),
            (Some(_), None) => false,
        }
    }

    /// Known accounts in the jurisdiction, by name.
    pub async fn accounts(&self, limit: u32) -> AccessResult<Vec<AsnAccount>> {
        Ok(self.store.asn_accounts(self.region, limit).await?)
    }

    /// Imports a known-accounts CSV (`netra_core::patrol::ACCOUNT_COLUMNS`): all rows or none. Each account's
    /// region must exist and lie in the jurisdiction, and its agency (when given) must exist.
    pub async fn import_accounts(&self, bytes: &[u8], at: OffsetDateTime) -> AccessResult<AccountImport> {
        if bytes.len() > MAX_ACCOUNT_FILE_BYTES {
            return Err(AccessError::Invalid(vec![FieldError::new(
                "file",
                format!("Berkas lebih dari {} MB.", MAX_ACCOUNT_FILE_BYTES / 1024 / 1024),
                format!("The file is larger than {} MB.", MAX_ACCOUNT_FILE_BYTES / 1024 / 1024),
            )]));
        }
        let rows = parse_accounts(bytes).map_err(|problems| file_problems(&problems))?;
        if rows.is_empty() {
            return Err(AccessError::Invalid(vec![FieldError::new(
                "file",
                "Berkas tidak berisi akun.",
                "The file holds no accounts.",
            )]));
        }
        let mut problems = Vec::new();
        let mut outside = Vec::new();
        let mut regions: HashMap<RegionCode, bool> = HashMap::new();
        let mut agencies: HashMap<String, bool> = HashMap::new();
        for row in &rows {
            let exists = match regions.get(&row.region) {
                Some(exists) => *exists,
                None => {
                    let exists = self.store.region(row.region).await?.is_some();
                    regions.insert(row.region, exists);
                    exists
                }
            };
            if !exists {
                problems.push(LineProblem::new(
                    row.line,
                    "kode_wilayah",
                    format!("Wilayah {} tidak ada dalam data wilayah.", row.region),
                    format!("Region {} is not in the region tables.", row.region),
                ));
            } else if !self.principal.jurisdiction.covers(&ObjectScope::region(row.region)) {
                outside.push(LineProblem::new(
                    row.line,
                    "kode_wilayah",
                    format!("Wilayah {} di luar wilayah kewenangan Anda.", row.region),
                    format!("Region {} lies outside your jurisdiction.", row.region),
                ));
            }
            if let Some(agency) = &row.agency {
                let known = match agencies.get(agency) {
                    Some(known) => *known,
                    None => {
                        let known = self.store.agency(agency).await?.is_some();
                        agencies.insert(agency.clone(), known);
                        known
                    }
                };
                if !known {
                    problems.push(LineProblem::new(
                        row.line,
                        "instansi",
                        format!("Instansi \"{agency}\" tidak dikenal (gunakan kode instansi di Netra)."),
                        format!("Unknown agency \"{agency}\" (use the agency's id in Netra)."),
                    ));
                }
            }
        }
        if !outside.is_empty() {
            // Writing outside the jurisdiction is a refusal, not a typo: tagged so the page answers 403.
            let tagged = problems.iter().map(|p| ("file", p)).chain(outside.iter().map(|p| ("jurisdiction", p)));
            return Err(AccessError::Invalid(problem_errors(tagged)));
        }
        if !problems.is_empty() {
            return Err(file_problems(&problems));
        }
        let accounts: Vec<AsnAccount> = rows
            .into_iter()
            .map(|row| AsnAccount {
                id: Uuid::now_v7().to_string(),
                platform: row.platform,
                handle: row.handle,
                name: row.name,
                nip: row.nip,
                position: row.position,
                agency_id: row.agency,
                region: row.region,
                created_at: at,
                updated_at: at,
            })
            .collect();
        Ok(self.store.upsert_asn_accounts(&self.principal.audit_context(at), &accounts).await?)
    }

    /// Saves a screened batch: flagged posts of known accounts go to the review queue of the account's region.
    pub async fn record(
        &self,
        batch: ScreenedBatch,
        election_id: Option<String>,
        at: OffsetDateTime,
    ) -> AccessResult<PatrolBatch> {
        if let Some(id) = &election_id
            && self.store.election(id).await?.is_none()
        {
            return Err(AccessError::Invalid(vec![FieldError::new(
                "election",
                "Pilih pemilihan.",
                "Choose an election.",
            )]));
        }
        let mut handles: Vec<String> = batch.flagged.iter().map(|(post, _)| post.key.handle.clone()).collect();
        handles.sort_unstable();
        handles.dedup();
        let mut known: HashMap<String, Vec<AsnAccount>> = HashMap::new();
        for account in self.store.asn_accounts_by_handle(&handles).await? {
            known.entry(account.handle.clone()).or_default().push(account);
        }
        let batch_id = Uuid::now_v7().to_string();
        let mut posts = Vec::with_capacity(batch.flagged.len());
        for (post, verdict) in &batch.flagged {
            let account = known.get(&post.key.handle).and_then(|accounts| {
                accounts.iter().find(|a| match post.platform {
                    Some(platform) => a.platform == platform || a.platform == Platform::Other,
                    None => true,
                })
            });
            let verdict_json = json!({
                "acts": verdict.acts,
                "candidates": verdict.candidates,
                "explanation": verdict.explanation,
            });
            posts.push(FlaggedPost {
                id: Uuid::now_v7().to_string(),
                batch_id: batch_id.clone(),
                line: post.line as i64,
                external_id: post.id.clone(),
                platform: post.platform.or(account.map(|a| a.platform)),
                account: post.account.clone(),
                account_id: account.map(|a| a.id.clone()),
                url: post.url.clone(),
                posted_at: post.posted_at,
                text: post.text.clone(),
                score: f64::from(verdict.score),
                verdict: verdict_json.to_string(),
                region: account.map(|a| a.region),
                review: if account.is_some() { Review::Pending } else { Review::None },
                review_note: None,
                reviewed_by: None,
                reviewed_at: None,
                case_id: None,
            });
        }
        let record = PatrolBatch {
            id: batch_id,
            office_id: self.principal.office.id.clone(),
            uploaded_by: self.principal.user.id.clone(),
            region: self.principal.office.region,
            file_name: batch.file_name,
            sha256: batch.sha256,
            election_id,
            lines: batch.lines as i64,
            posts: batch.posts as i64,
            flagged: posts.len() as i64,
            queued: posts.iter().filter(|p| p.review == Review::Pending).count() as i64,
            problem_count: batch.problems.len() as i64,
            problems: batch.problems.into_iter().take(MAX_STORED_PROBLEMS).collect(),
            created_at: at,
        };
        self.store.save_patrol_batch(&self.principal.audit_context(at), &record, &posts).await?;
        Ok(record)
    }

    /// Batches of offices in the jurisdiction, newest first.
    pub async fn batches(&self, limit: u32) -> AccessResult<Vec<PatrolBatch>> {
        Ok(self.store.patrol_batches(self.region, limit).await?)
    }

    /// A batch of an office in the jurisdiction, with its flagged posts.
    pub async fn batch(&self, id: &str) -> AccessResult<(PatrolBatch, Vec<FlaggedPost>)> {
        let batch = self.store.patrol_batch(id).await?.ok_or(AccessError::NotFound)?;
        if !self.covers(batch.region.as_ref()) {
            return Err(AccessError::NotFound);
        }
        let posts = self.store.batch_posts(id, PATROL_PAGE).await?;
        Ok((batch, posts))
    }

    /// Flagged posts of known accounts in the jurisdiction waiting for review.
    pub async fn queue(&self, limit: u32) -> AccessResult<Vec<FlaggedPost>> {
        Ok(self.store.patrol_queue(self.region, limit).await?)
    }

    /// A post of the review queue (any review state) whose account is in the jurisdiction.
    pub async fn queued_post(&self, id: &str) -> AccessResult<FlaggedPost> {
        let post = self.store.patrol_post(id).await?.ok_or(AccessError::NotFound)?;
        if post.account_id.is_none() || !self.covers(post.region.as_ref()) {
            return Err(AccessError::NotFound);
        }
        Ok(post)
    }

    /// Sets a queued post aside with a reason.
    pub async fn dismiss(&self, id: &str, reason: &str, at: OffsetDateTime) -> AccessResult<()> {
        let post = self.queued_post(id).await?;
        let reason = reason.trim();
        if reason.chars().count() < 5 || reason.chars().count() > 500 {
            return Err(AccessError::Invalid(vec![FieldError::new(
                "reason",
                "Tulis alasan (5–500 karakter).",
                "Give a reason (5–500 characters).",
            )]));
        }
        Ok(self.store.dismiss_patrol_post(&self.principal.audit_context(at), &post.id, reason, at).await?)
    }

    /// Opens a finding (temuan) from a queued post: the account's civil servant as the reported person, the
    /// post's address as a link, and the post with the engine's verdict as a text evidence file. The post leaves
    /// the queue in the same transaction.
    pub async fn open_finding(&self, vault: &Vault, id: &str, at: OffsetDateTime) -> AccessResult<Submitted> {
        if !self.principal.role().can(Permission::IntakeCases) {
            return Err(AccessError::Denied);
        }
        let post = self.queued_post(id).await?;
        if post.review != Review::Pending {
            return Err(AccessError::Conflict("unggahan ini sudah ditinjau".into()));
        }
        let account_id = post.account_id.as_deref().ok_or(AccessError::NotFound)?;
        let account = self.store.asn_account(account_id).await?.ok_or(AccessError::NotFound)?;
        let scope = self.principal.case_scope();
        if !scope.admits_intake(&account.region) {
            return Err(AccessError::Denied);
        }
        let batch = self.store.patrol_batch(&post.batch_id).await?.ok_or(AccessError::NotFound)?;
        let agency_name = match &account.agency_id {
            Some(agency) => self.store.agency(agency).await?.map(|a| a.name).unwrap_or_default(),
            None => String::new(),
        };
        let today = local_today(&account.region, at);
        let zone = zone_of(&account.region);
        let posted_on = zone.local_date(post.posted_at).min(today);
        let platform = post.platform.map_or("media sosial", Platform::name);
        let excerpt: String = post.text.chars().take(6000).collect();
        let acts: Vec<&str> = post.acts().iter().map(|a| a.act.describe(Locale::Id)).collect();
        let description = format!(
            "Temuan patroli siber: unggahan akun {} ({platform}) pada {}: \"{excerpt}\". Penilaian mesin penyaring: \
             skor {:.2}{}.",
            post.account,
            local_time_text(post.posted_at, zone),
            post.score,
            if acts.is_empty() { String::new() } else { format!("; {}", acts.join(", ")) },
        );
        let report = ValidReport {
            description,
            occurred_on: posted_on,
            known_on: zone.local_date(batch.created_at).clamp(posted_on, today),
            region: account.region,
            place: format!("{platform}: {}", post.url.as_deref().unwrap_or(&post.account)),
            point: None,
            person: ReportedPerson {
                name: account.name.clone(),
                position: account.position.clone(),
                agency_text: agency_name,
                nip: account.nip.clone(),
            },
            links: post.url.iter().cloned().collect(),
            mode: ReporterMode::Open,
            identity: Some(ReporterIdentity {
                name: self.principal.user.display_name.clone(),
                contact: self.principal.office.name.clone(),
            }),
        };
        let record = post_record(&post, &account, &batch, zone);
        let staged = stage_text(vault, &record).map_err(|e| AccessError::Store(crate::StoreError::Config(e)))?;
        let files = vec![StagedEvidence {
            blob: staged,
            file_name: format!("unggahan-{}-baris-{}.txt", account.handle.replace(':', "-"), post.line),
            content_type: "text/plain",
            metadata: json!({"sumber": "patroli siber", "batch": batch.id, "baris": post.line, "sha256_batch": batch.sha256}),
        }];
        let filing = Filing {
            origin: CaseOrigin::Finding,
            channel: Channel::Finding,
            actor: Actor::Staff(self.principal.role()),
            ctx: self.principal.audit_context(at),
            uploaded_by: &self.principal.user.id,
            office: Some(self.principal.office.clone()),
            from_post: Some(post.id.clone()),
        };
        file_case(self.store.as_ref(), vault, report, filing, files, at).await
    }
}

fn local_time_text(at: OffsetDateTime, zone: netra_core::calendar::TimeZone) -> String {
    let local = at.to_offset(zone.offset());
    format!("{} {:02}:{:02} {}", local.date(), local.hour(), local.minute(), zone.abbreviation())
}

/// The evidence file of a post: what was posted, where and when, where it was found, and what the engine saw.
fn post_record(
    post: &FlaggedPost,
    account: &AsnAccount,
    batch: &PatrolBatch,
    zone: netra_core::calendar::TimeZone,
) -> String {
    let mut text = String::new();
    text.push_str("UNGGAHAN MEDIA SOSIAL (patroli siber Netra)\n\n");
    text.push_str(&format!("Platform      : {}\n", post.platform.map_or("-", Platform::name)));
    text.push_str(&format!("Akun          : {}\n", post.account));
    text.push_str(&format!("Alamat        : {}\n", post.url.as_deref().unwrap_or("-")));
    text.push_str(&format!("Waktu unggah  : {}\n", local_time_text(post.posted_at, zone)));
    text.push_str(&format!(
        "Akun dikenal  : {} ({}), {}{}\n",
        account.name,
        account.position,
        account.region,
        account.nip.as_deref().map(|n| format!(", NIP {n}")).unwrap_or_default()
    ));
    text.push_str(&format!("Batch         : {} baris {} (sha256 {})\n\n", batch.file_name, post.line, batch.sha256));
    text.push_str("Teks unggahan:\n");
    text.push_str(&post.text);
    text.push_str("\n\nPenilaian mesin penyaring (bukan keputusan; petugas memastikan):\n");
    text.push_str(&format!("Skor pelanggaran: {:.2}\n", post.score));
    for act in post.acts() {
        text.push_str(&format!("- {} ({:.2})\n", act.act.describe(Locale::Id), act.score));
    }
    let phrases: Vec<String> = post.evidence().into_iter().map(|e| e.text).collect();
    if !phrases.is_empty() {
        text.push_str(&format!("Bukti dalam teks: {}\n", phrases.join("; ")));
    }
    text
}

fn stage_text(vault: &Vault, text: &str) -> Result<crate::blobs::StagedBlob, String> {
    let mut writer = vault.blobs.writer(crate::evidence::MAX_FILE_BYTES).map_err(|e| e.to_string())?;
    writer.write(text.as_bytes()).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())
}
