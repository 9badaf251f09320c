//! SQL and row mapping for accounts, candidate pairs and the audit trail, shared by both backends through the
//! [`impl_account_store!`] macro (same pattern as `shared.rs`).

use netra_core::audit::AuditEntry;
use netra_core::region::RegionCode;
use netra_core::role::Role;
use time::OffsetDateTime;

use crate::accounts::{Agency, AgencyKind, CandidatePair, Office, SessionRecord, StaffUser};
use crate::{StoreError, StoreResult};

pub const AGENCIES: &str = "SELECT agency_id, name, kind, region_code FROM agency ORDER BY name";
pub const AGENCY_BY_ID: &str = "SELECT agency_id, name, kind, region_code FROM agency WHERE agency_id = $1";
pub const AGENCY_INSERT: &str = "INSERT INTO agency (agency_id, name, kind, region_code) VALUES ($1, $2, $3, $4)";
pub const AGENCY_UPDATE: &str = "UPDATE agency SET name = $2, kind = $3, region_code = $4 WHERE agency_id = $1";

pub const UNITS_OF: &str = "SELECT unit_id, agency_id, name FROM agency_unit WHERE agency_id = $1 ORDER BY name";
pub const UNIT_INSERT: &str = "INSERT INTO agency_unit (unit_id, agency_id, name) VALUES ($1, $2, $3)";
pub const UNIT_DELETE: &str = "DELETE FROM agency_unit WHERE unit_id = $1";

pub const OFFICES: &str = "SELECT office_id, name, region_code, agency_id, email FROM office ORDER BY name";
pub const OFFICE_BY_ID: &str = "SELECT office_id, name, region_code, agency_id, email FROM office WHERE office_id = $1";
pub const OFFICE_INSERT: &str =
    "INSERT INTO office (office_id, name, region_code, agency_id, email) VALUES ($1, $2, $3, $4, $5)";
pub const OFFICE_UPDATE: &str =
    "UPDATE office SET name = $2, region_code = $3, agency_id = $4, email = $5 WHERE office_id = $1";

macro_rules! user_select {
    ($tail:literal) => {
        concat!(
            "SELECT user_id, username, display_name, role, office_id, must_change_password, totp_secret, disabled, \
             created_at FROM staff_user",
            $tail
        )
    };
}
pub const USERS: &str = user_select!(" ORDER BY username");
pub const USER_BY_ID: &str = user_select!(" WHERE user_id = $1");
pub const USER_BY_USERNAME: &str = user_select!(" WHERE username = $1");
pub const USER_PASSWORD: &str = "SELECT password_hash FROM staff_user WHERE user_id = $1";
pub const USER_INSERT: &str = "INSERT INTO staff_user (user_id, username, display_name, role, office_id, \
     must_change_password, totp_secret, disabled, created_at, password_hash) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
pub const USER_UPDATE: &str = "UPDATE staff_user SET display_name = $2, role = $3, office_id = $4, \
     must_change_password = $5, totp_secret = $6, disabled = $7 WHERE user_id = $1";
pub const USER_SET_PASSWORD: &str =
    "UPDATE staff_user SET password_hash = $2, must_change_password = $3 WHERE user_id = $1";

pub const SESSION_INSERT: &str = "INSERT INTO user_session (token_hash, user_id, csrf_token, second_factor, \
     created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
pub const SESSION_BY_HASH: &str = "SELECT token_hash, user_id, csrf_token, second_factor, created_at, \
     last_seen_at, expires_at FROM user_session WHERE token_hash = $1";
pub const SESSION_TOUCH: &str = "UPDATE user_session SET last_seen_at = $2, expires_at = $3 WHERE token_hash = $1";
pub const SESSION_SECOND_FACTOR: &str = "UPDATE user_session SET second_factor = TRUE WHERE token_hash = $1";
pub const TOTP_STEP_CLAIM: &str = "UPDATE staff_user SET totp_last_step = $2 WHERE user_id = $1 \
    AND (totp_last_step IS NULL OR totp_last_step < $2)";
pub const SESSION_DELETE: &str = "DELETE FROM user_session WHERE token_hash = $1";
pub const SESSIONS_DELETE_OF: &str = "DELETE FROM user_session WHERE user_id = $1";
pub const SESSIONS_DELETE_OTHERS: &str = "DELETE FROM user_session WHERE user_id = $1 AND token_hash <> $2";
pub const SESSIONS_COUNT: &str = "SELECT COUNT(*) FROM user_session WHERE user_id = $1";

pub const FAILURE_INSERT: &str = "INSERT INTO login_failure (scope_key, failed_unix) VALUES ($1, $2)";
pub const FAILURE_PRUNE: &str = "DELETE FROM login_failure WHERE failed_unix < $1";
pub const FAILURE_COUNT: &str = "SELECT COUNT(*) FROM login_failure WHERE scope_key = $1 AND failed_unix >= $2";
pub const FAILURE_CLEAR: &str = "DELETE FROM login_failure WHERE scope_key = $1";

macro_rules! pair_select {
    ($tail:literal) => {
        concat!(
            "SELECT pair_id, election_id, region_code, ballot_number, head_name, deputy_name, nicknames, parties, \
             slogans, hashtags FROM candidate_pair",
            $tail
        )
    };
}
pub const PAIRS: &str = pair_select!(
    " WHERE ($1 IS NULL OR election_id = $1) \
     ORDER BY election_id, region_code, ballot_number"
);
pub const PAIR_BY_ID: &str = pair_select!(" WHERE pair_id = $1");
pub const PAIR_INSERT: &str = "INSERT INTO candidate_pair (pair_id, election_id, region_code, ballot_number, \
     head_name, deputy_name, nicknames, parties, slogans, hashtags) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
pub const PAIR_UPDATE: &str = "UPDATE candidate_pair SET election_id = $2, region_code = $3, ballot_number = $4, \
     head_name = $5, deputy_name = $6, nicknames = $7, parties = $8, slogans = $9, hashtags = $10 WHERE pair_id = $1";
pub const PAIR_DELETE: &str = "DELETE FROM candidate_pair WHERE pair_id = $1";

macro_rules! audit_select {
    ($tail:literal) => {
        concat!(
            "SELECT seq, at, actor, office_id, action, object_kind, object_id, region_code, agency_id, \
             before_digest, after_digest, summary, prev_hash, hash FROM audit_log",
            $tail
        )
    };
}
pub const AUDIT_FILTERED: &str = audit_select!(
    " WHERE ($1 IS NULL OR region_code = $1 OR region_code LIKE $2) \
     AND ($3 IS NULL OR agency_id = $3) AND ($4 IS NULL OR (object_kind = $4 AND object_id = $5)) \
     ORDER BY seq DESC LIMIT $6"
);
pub const AUDIT_PAGE: &str = audit_select!(" WHERE seq > $1 ORDER BY seq LIMIT $2");
pub const AUDIT_LAST: &str = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
pub const AUDIT_INSERT: &str = "INSERT INTO audit_log (seq, at, actor, office_id, action, object_kind, object_id, \
     region_code, agency_id, before_digest, after_digest, summary, prev_hash, hash) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
/// Meta key of the chain head (`<length>:<hash>`), written with every append, so truncation is visible.
pub const AUDIT_HEAD_KEY: &str = "audit_head";

/// Maps a failed write: unique and foreign-key violations become [`StoreError::Conflict`] with `what`.
pub fn write_error(error: sqlx::Error, what: &str) -> StoreError {
    if let sqlx::Error::Database(db) = &error {
        if db.is_unique_violation() {
            return StoreError::Conflict(format!("{what}: sudah ada"));
        }
        if db.is_foreign_key_violation() {
            return StoreError::Conflict(format!("{what}: masih dirujuk data lain atau rujukannya tidak ada"));
        }
    }
    StoreError::Database(error)
}

fn region_opt(code: Option<String>) -> StoreResult<Option<RegionCode>> {
    code.map(|code| RegionCode::parse(&code).map_err(|e| StoreError::Corrupt(format!("region code {code:?}: {e}"))))
        .transpose()
}

pub type AgencyRow = (String, String, String, Option<String>);
pub fn agency_from_row((id, name, kind, region): AgencyRow) -> StoreResult<Agency> {
    let kind = AgencyKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("agency kind {kind:?}")))?;
    Ok(Agency { id, name, kind, region: region_opt(region)? })
}

pub type OfficeRow = (String, String, Option<String>, Option<String>, Option<String>);
pub fn office_from_row((id, name, region, agency, email): OfficeRow) -> StoreResult<Office> {
    Ok(Office { id, name, region: region_opt(region)?, agency, email })
}

pub type UserRow = (String, String, String, String, String, bool, Option<String>, bool, OffsetDateTime);
pub fn user_from_row(row: UserRow) -> StoreResult<StaffUser> {
    let (id, username, display_name, role, office_id, must_change_password, totp_secret, disabled, created_at) = row;
    let role = Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role:?}")))?;
    Ok(StaffUser {
        id,
        username,
        display_name,
        role,
        office_id,
        must_change_password,
        totp_secret,
        disabled,
        created_at,
    })
}

pub type SessionRow = (String, String, String, bool, OffsetDateTime, OffsetDateTime, OffsetDateTime);
pub fn session_from_row(row: SessionRow) -> SessionRecord {
    let (token_hash, user_id, csrf_token, second_factor, created_at, last_seen_at, expires_at) = row;
    SessionRecord { token_hash, user_id, csrf_token, second_factor, created_at, last_seen_at, expires_at }
}

pub type PairRow = (String, String, String, i32, String, String, String, String, String, String);
pub fn pair_from_row(row: PairRow) -> StoreResult<CandidatePair> {
    let (id, election_id, region, ballot_number, head_name, deputy_name, nicknames, parties, slogans, hashtags) = row;
    let list = |text: String| -> StoreResult<Vec<String>> {
        serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("candidate pair {id}: {e}")))
    };
    Ok(CandidatePair {
        region: RegionCode::parse(&region)
            .map_err(|e| StoreError::Corrupt(format!("candidate pair {id}: region {region:?}: {e}")))?,
        election_id,
        ballot_number,
        head_name,
        deputy_name,
        nicknames: list(nicknames)?,
        parties: list(parties)?,
        slogans: list(slogans)?,
        hashtags: list(hashtags)?,
        id: id.clone(),
    })
}

pub fn json_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

pub type AuditRow = (
    i64,
    OffsetDateTime,
    String,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
);
pub fn audit_from_row(row: AuditRow) -> AuditEntry {
    let (seq, at, actor, office, action, object_kind, object_id, region, agency, before, after, summary, prev, hash) =
        row;
    AuditEntry {
        seq,
        at,
        actor,
        office,
        action,
        object_kind,
        object_id,
        region,
        agency,
        before_digest: before,
        after_digest: after,
        summary,
        prev_hash: prev,
        hash,
    }
}

/// Implements [`crate::AccountStore`], [`crate::CandidateStore`] and [`crate::AuditStore`] for a backend. The
/// backend provides `reader()`, `writer()` and `async fn lock_audit(tx)`, which serialises appends to the chain.
macro_rules! impl_account_store {
    ($store:ty, $db:ty) => {
        impl $store {
            /// Seals an entry onto the chain inside `tx` and records the new head.
            async fn append_audit(
                tx: &mut sqlx::Transaction<'_, $db>,
                ctx: &$crate::accounts::AuditContext,
                record: $crate::accounts::AuditRecord,
            ) -> $crate::StoreResult<()> {
                use $crate::shared_accounts::*;
                Self::lock_audit(tx).await?;
                let head: Option<(i64, String)> = sqlx::query_as(AUDIT_LAST).fetch_optional(&mut **tx).await?;
                let digest = |text: Option<String>| text.map(|t| netra_core::audit::digest(t.as_bytes()));
                let mut entry = netra_core::audit::AuditEntry {
                    seq: head.as_ref().map_or(1, |(seq, _)| seq + 1),
                    at: netra_core::audit::audit_time(ctx.at),
                    actor: ctx.actor.clone(),
                    office: ctx.office.clone(),
                    action: record.action,
                    object_kind: record.object_kind,
                    object_id: record.object_id,
                    region: record.region,
                    agency: record.agency,
                    before_digest: digest(record.before),
                    after_digest: digest(record.after),
                    summary: record.summary,
                    prev_hash: String::new(),
                    hash: String::new(),
                };
                entry.seal(head.as_ref().map(|(_, hash)| hash.as_str()));
                sqlx::query(AUDIT_INSERT)
                    .bind(entry.seq)
                    .bind(entry.at)
                    .bind(&entry.actor)
                    .bind(&entry.office)
                    .bind(&entry.action)
                    .bind(&entry.object_kind)
                    .bind(&entry.object_id)
                    .bind(&entry.region)
                    .bind(&entry.agency)
                    .bind(&entry.before_digest)
                    .bind(&entry.after_digest)
                    .bind(&entry.summary)
                    .bind(&entry.prev_hash)
                    .bind(&entry.hash)
                    .execute(&mut **tx)
                    .await?;
                sqlx::query($crate::shared::META_SET)
                    .bind(AUDIT_HEAD_KEY)
                    .bind(format!("{}:{}", entry.seq, entry.hash))
                    .bind(ctx.at)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }

            async fn user_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                id: &str,
            ) -> $crate::StoreResult<Option<$crate::accounts::StaffUser>> {
                let row: Option<$crate::shared_accounts::UserRow> =
                    sqlx::query_as($crate::shared_accounts::USER_BY_ID).bind(id).fetch_optional(&mut **tx).await?;
                row.map($crate::shared_accounts::user_from_row).transpose()
            }
        }

        #[async_trait::async_trait]
        impl $crate::accounts::AccountStore for $store {
            async fn agencies(&self) -> $crate::StoreResult<Vec<$crate::accounts::Agency>> {
                let rows: Vec<$crate::shared_accounts::AgencyRow> =
                    sqlx::query_as($crate::shared_accounts::AGENCIES).fetch_all(self.reader()).await?;
                rows.into_iter().map($crate::shared_accounts::agency_from_row).collect()
            }

            async fn agency(&self, id: &str) -> $crate::StoreResult<Option<$crate::accounts::Agency>> {
                let row: Option<$crate::shared_accounts::AgencyRow> =
                    sqlx::query_as($crate::shared_accounts::AGENCY_BY_ID)
                        .bind(id)
                        .fetch_optional(self.reader())
                        .await?;
                row.map($crate::shared_accounts::agency_from_row).transpose()
            }

            async fn create_agency(
                &self,
                ctx: &$crate::accounts::AuditContext,
                agency: &$crate::accounts::Agency,
            ) -> $crate::StoreResult<()> {
                use $crate::accounts::Canonical;
                use $crate::shared_accounts::*;
                let mut tx = self.writer().begin().await?;
                sqlx::query(AGENCY_INSERT)
                    .bind(&agency.id)
                    .bind(&agency.name)
                    .bind(agency.kind.as_str())
                    .bind(agency.region.map(|c| c.to_string()))
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| write_error(e, "instansi"))?;
                let record = $crate::accounts::AuditRecord {
                    action: "agency.create".into(),
                    object_kind: "agency".into(),
                    object_id: agency.id.clone(),
                    region: agency.region.map(|c| c.to_string()),
                    agency: Some(agency.id.clone()),
                    before: None,
                    after: Some(agency.canonical()),
                    summary: format!("Instansi dibuat: {}", agency.name),
                };
                Self::append_audit(&mut tx, ctx, record).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn update_agency(
                &self,
                ctx: &$crate::accounts::AuditContext,
                agency: &$crate::accounts::Agency,
            ) -> $crate::StoreResult<()> {
                use $crate::accounts::Canonical;
                use $crate::shared_accounts::*;
                let mut tx = self.writer().begin().await?;
                let before: Option<AgencyRow> =
                    sqlx::query_as(AGENCY_BY_ID).bind(&agency.id).fetch_optional(&mut *tx).await?;
                let Some(before) = before.map(agency_from_row).transpose()? else {
                    return Err($crate::StoreError::NotFound);
                };
                sqlx::query(AGENCY_UPDATE)
                    .bind(&agency.id)
                    .bind(&agency.name)
                    .bind(agency.kind.as_str())
                    .bind(agency.region.map(|c| c.to_string()))
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| write_error(e, "instansi"))?;
                let record = $crate::accounts::AuditRecord {
                    action: "agency.update".into(),
                    object_kind: "agency".into(),
                    object_id: agency.id.clone(),
                    region: agency.region.map(|c| c.to_string()),
                    agency: Some(agency.id.clone()),
                    before: Some(before.canonical()),
                    after: Some(agency.canonical()),
                    summary: format!("Instansi diubah: {}", agency.name),
                };
                Self::append_audit(&mut tx, ctx, record).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn units(&self, agency_id: &str) -> $crate::StoreResult<Vec<$crate::accounts::Unit>> {
                let rows: Vec<(String, String, String)> =
                    sqlx::query_as($crate::shared_accounts::UNITS_OF).bind(agency_id).fetch_all(self.reader()).await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, agency_id, name)| $crate::accounts::Unit { id, agency_id, name })
                    .collect())
            }

            async fn create_unit(
                &self,
                ctx: &$crate::accounts::AuditContext,
                unit: &$crate::accounts::Unit,
            ) -> $crate::StoreResult<()> {
                use $crate::accounts::Canonical;
                use $crate::shared_accounts::*;
                let mut tx = self.writer().begin().await?;
                sqlx::query(UNIT_INSERT)
                    .bind(&unit.id)
                    .bind(&unit.agency_id)
                    .bind(&unit.name)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| write_error(e, "unit kerja"))?;
                let record = $crate::accounts::AuditRecord {
                    action: "unit.create".into(),
                    object_kind: "unit".into(),
                    object_id: unit.id.clone(),
                    agency: Some(unit.agency_id.clone()),
                    after: Some(unit.canonical()),
                    summary: format!("Unit kerja dibuat: {}", unit.name),
                    ..Default::default()
                };
                Self::append_audit(&mut tx, ctx, record).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn delete_unit(
                &self,
                ctx: &$crate::accounts::AuditContext,
                unit: &$crate::accounts::Unit,
            ) -> $crate::StoreResult<()> {
                use $crate::accounts::Canonical;
                use $crate::shared_accounts::*;
                let mut tx = self.writer().begin().await?;
                let done = sqlx::query(UNIT_DELETE)
                    .bind(&unit.id)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| write_error(e, "unit kerja"))?;
                if done.rows_affected() == 0 {
                    return Err($crate::StoreError::NotFound);
                }
                let record = $crate::accounts::AuditRecord {
                    action: "unit.delete".into(),
                    object_kind: "unit".into(),
                    object_id: unit.id.clone(),
                    agency: Some(unit.agency_id.clone()),
                    before: Some(unit.canonical()),
                    summary: format!("Unit kerja dihapus: {}", unit.name),
                    ..Default::default()
                };
                Self::append_audit(&mut tx, ctx, record).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn offices(&self) -> $crate::StoreResult<Vec<$crate::accounts::Office>> {
                let rows: Vec<$crate::shared_accounts::OfficeRow> =
                    sqlx::query_as($crate::shared_accounts::OFFICES).fetch_all(self.reader()).await?;
                rows.into_iter().map($crate::shared_accounts::office_from_row).collect()
            }

            async fn office(&self, id: &str) -> $crate::StoreResult<Option<$crate::accounts::Office>> {
                let row: Option<$crate::shared_accounts::OfficeRow> =
                    sqlx::query_as($crate::shared_accounts::OFFICE_BY_ID)
                        .bind(id)
                        .fetch_optional(self.reader())
                        .await?;
                row.map($crate::shared_accounts::office_from_row).transpose()
            }

            async fn create_office(
                &self,
                ctx: &$crate::accounts::AuditContext,
                office: &$crate::accounts::Office,
            ) -> $crate::StoreResult<()> {
                use $crate::accounts::Canonical;
                use $crate::shared_accounts::*;
                let mut tx = self.writer().begin().await?;
                sqlx::query(OFFICE_INSERT)
                    .bind(&office.id)
                    .bind(&office.name)
                    .bind(office.region.map(|c| c.to_string()))
                    .bind(&office.agency)
                    .bind(&office.email)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| write_error(e, "kantor"))?;
                let record = $crate::accounts::AuditRecord {
                    action: "office.create".into(),
                    object_kind: "office".into(),
                    object_id: office.id.clone(),
                    region: office.region.map(|c| c.to_string()),
                    agency: office.agency.clone(),
                    before: None,
                    after: Some(office.canonical()),
                    summary: format!("Kantor dibuat: {}", office.name),
                };
                Self::append_audit(&mut tx, ctx, record).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn update_office(
                &self,
                ctx: &$crate::accounts::AuditContext,
                office: &$crate::accounts::Office,
            ) -> $crate::StoreResult<()> {
                use $crate::accounts::Canonical;
                use $crate::shared_accounts::*;
                let mut tx = self.writer().begin().await?;
                let before: Option<OfficeRow> =
                    sqlx::query_as(OFFICE_BY_ID).bind(&office.id).fetch_optional(&mut *tx).await?;
                let Some(before) = before.map(office_from_row).transpose()? else {
                    return Err($crate::StoreError::NotFound);
                };
                sqlx::query(OFFICE_UPDATE)
                    .bind(&office.id)
                    .bind(&office.name)
                    .bind(office.region.map(|c| c.to_string()))
                    .bind(&office.agency)
                    .bind(&office.email)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| write_error(e, "kantor"))?;
                let record = $crate::accounts::AuditRecord {
                    action: "office.update".into(),
                    object_kind: "office".into(),
                    object_id: office.id.clone(),
                    region: office.region.map(|c| c.to_string()),
                    agency: office.agency.clone(),
                    before: Some(before.canonical()),
                    after: Some(office.canonical()),
                    summary: format!("Kantor diubah: {}", office.name),
                };
                Self::append_audit(&mut tx, ctx, record).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn users(&self) -> $crate::StoreResult<Vec<$crate::accounts::StaffUser>> {
                let rows: Vec<$crate::shared_accounts::UserRow> =
                    sqlx::query_as($crate::shared_accounts::USERS).fetch_all(self.reader()).await?;
                rows.into_iter().map($crate::shared_accounts::user_from_row).collect()
            }

            async fn user(&self, id: &str) -> $crate::StoreResult<Option<$crate::accounts::StaffUser>> {
                let row: Option<$crate::shared_accounts::UserRow> =
                    sqlx::query_as($crate::shared_accounts::USER_BY_ID).bind(id).fetch_optional(self.reader()).await?;
                row.map($crate::shared_accounts::user_from_row).transpose()
            }

            async fn user_by_username(
                &self,
                username: &str,
            ) -> $crate::StoreResult<Option<$crate::accounts::StaffUser>> {
                let row: Option<$crate::shared_accounts::UserRow> =
                    sqlx::query_as($crate::shared_accounts::USER_BY_USERNAME)
                        .bind(username.trim().to_lowercase())
                        .fetch_optional(self.reader())
                        .await?;
                row.map($crate::shared_accounts::user_from_row).transpose()
            }

            async fn password_hash(&self, user_id: &str) -> $crate::StoreResult<Option<String>> {
                let row: Option<(String,)> = sqlx::query_as($crate::shared_accounts::USER_PASSWORD)
                    .bind(user_id)
                    .fetch_optional(self.reader())
                    .await?;
                Ok(row.map(|(hash,)| hash))
            }

            async fn create_user(
                &self,
                ctx: &$crate::accounts::AuditContext,
                user: &$crate::accounts::StaffUser,
                password_hash: &str,
            ) -> $crate::StoreResult<()> {
                use $crate::accounts::Canonical;
                use $crate::shared_accounts::*;
                let mut tx = self.writer().begin().await?;
                sqlx::query(USER_INSERT)
                    .bind(&user.id)
                    .bind(&user.username)
                    .bind(&user.display_name)
                    .bind(user.role.as_str())
                    .bind(&user.office_id)
                    .bind(user.must_change_password)
                    .bind(&user.totp_secret)
                    .bind(user.disabled)
                    .bind(user.created_at)
                    .bind(password_hash)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| write_error(e, "nama pengguna"))?;
                let record = $crate::accounts::AuditRecord {
                    action: "user.create".into(),
                    object_kind: "user".into(),
                    object_id: user.id.clone(),
                    after: Some(user.canonical()),
                    summary: format!("Pengguna dibuat: {} ({})", user.username, user.role.as_str()),
                    ..Default::default()
                };
                let record = Self::user_scope(&mut tx, &user.office_id, record).await?;
                Self::append_audit(&mut tx, ctx, record).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn update_user(
                &self,
                ctx: &$crate::accounts::AuditContext,
                user: &$crate::accounts::StaffUser,
            ) -> $crate::StoreResult<()> {
                use $crate::accounts::Canonical;
                use $crate::shared_accounts::*;
                let mut tx = self.writer().begin().await?;
                let Some(before) = Self::user_in(&mut tx, &user.id).await? else {
                    return Err($crate::StoreError::NotFound);
                };
                sqlx::query(USER_UPDATE)
                    .bind(&user.id)
                    .bind(&user.display_name)
                    .bind(user.role.as_str())
                    .bind(&user.office_id)
                    .bind(user.must_change_password)
                    .bind(&user.totp_secret)
                    .bind(user.disabled)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| write_error(e, "pengguna"))?;
                if user.disabled {
                    sqlx::query(SESSIONS_DELETE_OF).bind(&user.id).execute(&mut *tx).await?;
                }
                let record = $crate::accounts::AuditRecord {
                    action: "user.update".into(),
                    object_kind: "user".into(),
                    object_id: user.id.clone(),
                    before: Some(before.canonical()),
                    after: Some(user.canonical()),
                    summary: format!("Pengguna diubah: {}", user.username),
                    ..Default::default()
                };
                let record = Self::user_scope(&mut tx, &user.office_id, record).await?;
                Self::append_audit(&mut tx, ctx, record).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn set_password(
                &self,
                ctx: &$crate::accounts::AuditContext,
                user_id: &str,
                password_hash: &str,
                must_change: bool,
                keep_session: Option<&str>,
            ) -> $crate::StoreResult<()> {
                use $crate::shared_accounts::*;
                let mut tx = self.writer().begin().await?;
                let Some(user) = Self::user_in(&mut tx, user_id).await? else {
                    return Err($crate::StoreError::NotFound);
                };
                sqlx::query(USER_SET_PASSWORD)
                    .bind(user_id)
                    .bind(password_hash)
                    .bind(must_change)
                    .execute(&mut *tx)
                    .await?;
                match keep_session {
                    Some(keep) => {
                        sqlx::query(SESSIONS_DELETE_OTHERS).bind(user_id).bind(keep).execute(&mut *tx).await?
                    }
                    None => sqlx::query(SESSIONS_DELETE_OF).bind(user_id).execute(&mut *tx).await?,
                };
                let record = $crate::accounts::AuditRecord {
                    action: if must_change { "user.password_reset" } else { "user.password_change" }.into(),
                    object_kind: "user".into(),
                    object_id: user.id.clone(),
                    summary: if must_change {
                        format!("Kata sandi {} disetel ulang oleh admin", user.username)
                    } else {
                        format!("Kata sandi {} diganti", user.username)
                    },
                    ..Default::default()
                };
                let record = Self::user_scope(&mut tx, &user.office_id, record).await?;
                Self::append_audit(&mut tx, ctx, record).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn create_session(&self, session: &$crate::accounts::SessionRecord) -> $crate::StoreResult<()> {
                sqlx::query($crate::shared_accounts::SESSION_INSERT)
                    .bind(&session.token_hash)
                    .bind(&session.user_id)
                    .bind(&session.csrf_token)
                    .bind(session.second_factor)
                    .bind(session.created_at)
                    .bind(session.last_seen_at)
                    .bind(session.expires_at)
                    .execute(self.writer())
                    .await?;
                Ok(())
            }

            async fn session(&self, token_hash: &str) -> $crate::StoreResult<Option<$crate::accounts::SessionRecord>> {
                let row: Option<$crate::shared_accounts::SessionRow> =
                    sqlx::query_as($crate::shared_accounts::SESSION_BY_HASH)
                        .bind(token_hash)
                        .fetch_optional(self.reader())
                        .await?;
                Ok(row.map($crate::shared_accounts::session_from_row))
            }

            async fn touch_session(
                &self,
                token_hash: &str,
                seen: time::OffsetDateTime,
                expires: time::OffsetDateTime,
            ) -> $crate::StoreResult<()> {
                sqlx::query($crate::shared_accounts::SESSION_TOUCH)
                    .bind(token_hash)
                    .bind(seen)
                    .bind(expires)
                    .execute(self.writer())
                    .await?;
                Ok(())
            }

            async fn complete_second_factor(
                &self,
                token_hash: &str,
                user_id: &str,
                step: i64,
            ) -> $crate::StoreResult<bool> {
                let mut tx = self.writer().begin().await?;
                let claimed = sqlx::query($crate::shared_accounts::TOTP_STEP_CLAIM)
                    .bind(user_id)
                    .bind(step)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if claimed == 0 {
                    return Ok(false);
                }
                sqlx::query($crate::shared_accounts::SESSION_SECOND_FACTOR).bind(token_hash).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn delete_session(&self, token_hash: &str) -> $crate::StoreResult<()> {
                sqlx::query($crate::shared_accounts::SESSION_DELETE).bind(token_hash).execute(self.writer()).await?;
                Ok(())
            }

            async fn revoke_sessions(
                &self,
                ctx: &$crate::accounts::AuditContext,
                user_id: &str,
            ) -> $crate::StoreResult<u64> {
                use $crate::shared_accounts::*;
                let mut tx = self.writer().begin().await?;
                let Some(user) = Self::user_in(&mut tx, user_id).await? else {
                    return Err($crate::StoreError::NotFound);
                };
                let done = sqlx::query(SESSIONS_DELETE_OF).bind(user_id).execute(&mut *tx).await?;
                let record = $crate::accounts::AuditRecord {
                    action: "user.sessions_revoke".into(),
                    object_kind: "user".into(),
                    object_id: user.id.clone(),
                    summary: format!("{} sesi {} dicabut", done.rows_affected(), user.username),
                    ..Default::default()
                };
                let record = Self::user_scope(&mut tx, &user.office_id, record).await?;
                Self::append_audit(&mut tx, ctx, record).await?;
                tx.commit().await?;
                Ok(done.rows_affected())
            }

            async fn session_count(&self, user_id: &str) -> $crate::StoreResult<u64> {
                let (count,): (i64,) = sqlx::query_as($crate::shared_accounts::SESSIONS_COUNT)
                    .bind(user_id)
                    .fetch_one(self.reader())
                    .await?;
                Ok(count as u64)
            }

            async fn record_login_failure(
                &self,
                keys: &[String],
                unix: i64,
                prune_before: i64,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                sqlx::query($crate::shared_accounts::FAILURE_PRUNE).bind(prune_before).execute(&mut *tx).await?;
                for key in keys {
                    sqlx::query($crate::shared_accounts::FAILURE_INSERT).bind(key).bind(unix).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn login_failures_since(&self, key: &str, since_unix: i64) -> $crate::StoreResult<u64> {
                let (count,): (i64,) = sqlx::query_as($crate::shared_accounts::FAILURE_COUNT)
                    .bind(key)
                    .bind(since_unix)
                    .fetch_one(self.reader())
                    .await?;
                Ok(count as u64)
            }

            async fn clear_login_failures(&self, key: &str) -> $crate::StoreResult<()> {
                sqlx::query($crate::shared_accounts::FAILURE_CLEAR).bind(key).execute(self.writer()).await?;
                Ok(())
            }

            async fn record_event(
                &self,
                ctx: &$crate::accounts::AuditContext,
                record: $crate::accounts::AuditRecord,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                Self::append_audit(&mut tx, ctx, record).await?;
                tx.commit().await?;
                Ok(())
            }
        }

        impl $store {
            /// Puts a user-related entry in the region and agency of the user's office, so that the trail is
            /// visible to whoever may see the user.
            async fn user_scope(
                tx: &mut sqlx::Transaction<'_, $db>,
                office_id: &str,
                mut record: $crate::accounts::AuditRecord,
            ) -> $crate::StoreResult<$crate::accounts::AuditRecord> {
                let row: Option<$crate::shared_accounts::OfficeRow> =
                    sqlx::query_as($crate::shared_accounts::OFFICE_BY_ID)
                        .bind(office_id)
                        .fetch_optional(&mut **tx)
                        .await?;
                if let Some((_, _, region, agency, _)) = row {
                    record.region = region;
                    record.agency = agency;
                }
                Ok(record)
            }
        }

        #[async_trait::async_trait]
        impl $crate::accounts::CandidateStore for $store {
            async fn candidate_pairs(
                &self,
                election_id: Option<&str>,
            ) -> $crate::StoreResult<Vec<$crate::accounts::CandidatePair>> {
                let rows: Vec<$crate::shared_accounts::PairRow> =
                    sqlx::query_as($crate::shared_accounts::PAIRS).bind(election_id).fetch_all(self.reader()).await?;
                rows.into_iter().map($crate::shared_accounts::pair_from_row).collect()
            }

            async fn candidate_pair(&self, id: &str) -> $crate::StoreResult<Option<$crate::accounts::CandidatePair>> {
                let row: Option<$crate::shared_accounts::PairRow> =
                    sqlx::query_as($crate::shared_accounts::PAIR_BY_ID).bind(id).fetch_optional(self.reader()).await?;
                row.map($crate::shared_accounts::pair_from_row).transpose()
            }

            async fn create_candidate_pair(
                &self,
                ctx: &$crate::accounts::AuditContext,
                pair: &$crate::accounts::CandidatePair,
            ) -> $crate::StoreResult<()> {
                self.write_pair(ctx, pair, "create").await
            }

            async fn update_candidate_pair(
                &self,
                ctx: &$crate::accounts::AuditContext,
                pair: &$crate::accounts::CandidatePair,
            ) -> $crate::StoreResult<()> {
                self.write_pair(ctx, pair, "update").await
            }

            async fn delete_candidate_pair(
                &self,
                ctx: &$crate::accounts::AuditContext,
                pair: &$crate::accounts::CandidatePair,
            ) -> $crate::StoreResult<()> {
                self.write_pair(ctx, pair, "delete").await
            }

            async fn save_election(
                &self,
                ctx: &$crate::accounts::AuditContext,
                election: &netra_core::election::Election,
            ) -> $crate::StoreResult<()> {
                let before = $crate::ElectionStore::election(self, &election.id).await?;
                let canonical = |e: &netra_core::election::Election| {
                    serde_json::json!([
                        e.id,
                        e.kind.as_str(),
                        e.name_id,
                        e.name_en,
                        e.candidate_determination.to_string(),
                        e.voting_day.to_string(),
                        e.stages
                            .iter()
                            .map(|s| (s.id.clone(), s.start.to_string(), s.end.to_string()))
                            .collect::<Vec<_>>()
                    ])
                    .to_string()
                };
                let record = $crate::accounts::AuditRecord {
                    action: "election.update".into(),
                    object_kind: "election".into(),
                    object_id: election.id.clone(),
                    before: before.as_ref().map(canonical),
                    after: Some(canonical(election)),
                    summary: format!("Tahapan {} diubah", election.name_id),
                    ..Default::default()
                };
                let mut tx = self.writer().begin().await?;
                Self::write_election_rows(&mut tx, election).await?;
                Self::append_audit(&mut tx, ctx, record).await?;
                tx.commit().await?;
                Ok(())
            }
        }

        impl $store {
            async fn write_pair(
                &self,
                ctx: &$crate::accounts::AuditContext,
                pair: &$crate::accounts::CandidatePair,
                verb: &str,
            ) -> $crate::StoreResult<()> {
                use $crate::accounts::Canonical;
                use $crate::shared_accounts::*;
                let mut tx = self.writer().begin().await?;
                let before: Option<PairRow> =
                    sqlx::query_as(PAIR_BY_ID).bind(&pair.id).fetch_optional(&mut *tx).await?;
                let before = before.map(pair_from_row).transpose()?;
                if verb != "create" && before.is_none() {
                    return Err($crate::StoreError::NotFound);
                }
                let statement = match verb {
                    "create" => PAIR_INSERT,
                    "update" => PAIR_UPDATE,
                    _ => PAIR_DELETE,
                };
                let mut query = sqlx::query(statement).bind(&pair.id);
                if verb != "delete" {
                    query = query
                        .bind(&pair.election_id)
                        .bind(pair.region.to_string())
                        .bind(pair.ballot_number)
                        .bind(&pair.head_name)
                        .bind(&pair.deputy_name)
                        .bind(json_list(&pair.nicknames))
                        .bind(json_list(&pair.parties))
                        .bind(json_list(&pair.slogans))
                        .bind(json_list(&pair.hashtags));
                }
                query.execute(&mut *tx).await.map_err(|e| write_error(e, "nomor urut pasangan calon"))?;
                let record = $crate::accounts::AuditRecord {
                    action: format!("candidate_pair.{verb}"),
                    object_kind: "candidate_pair".into(),
                    object_id: pair.id.clone(),
                    region: Some(pair.region.to_string()),
                    agency: None,
                    before: before.as_ref().map(|p| p.canonical()),
                    after: (verb != "delete").then(|| pair.canonical()),
                    summary: format!(
                        "Paslon nomor {} ({} – {}) {}",
                        pair.ballot_number,
                        pair.head_name,
                        pair.deputy_name,
                        match verb {
                            "create" => "ditambahkan",
                            "update" => "diubah",
                            _ => "dihapus",
                        }
                    ),
                };
                Self::append_audit(&mut tx, ctx, record).await?;
                tx.commit().await?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::accounts::AuditStore for $store {
            async fn audit_entries(
                &self,
                filter: &$crate::accounts::AuditFilter,
                limit: u32,
            ) -> $crate::StoreResult<Vec<netra_core::audit::AuditEntry>> {
                let region = filter.region_within.map(|c| c.to_string());
                let below = region.as_ref().map(|r| format!("{r}.%"));
                let (kind, id) = match &filter.object {
                    Some((kind, id)) => (Some(kind.as_str()), Some(id.as_str())),
                    None => (None, None),
                };
                let rows: Vec<$crate::shared_accounts::AuditRow> =
                    sqlx::query_as($crate::shared_accounts::AUDIT_FILTERED)
                        .bind(region)
                        .bind(below)
                        .bind(filter.agency.as_deref())
                        .bind(kind)
                        .bind(id)
                        .bind(i64::from(limit))
                        .fetch_all(self.reader())
                        .await?;
                Ok(rows.into_iter().map($crate::shared_accounts::audit_from_row).collect())
            }

            async fn audit_chain_page(
                &self,
                after: i64,
                limit: u32,
            ) -> $crate::StoreResult<Vec<netra_core::audit::AuditEntry>> {
                let rows: Vec<$crate::shared_accounts::AuditRow> = sqlx::query_as($crate::shared_accounts::AUDIT_PAGE)
                    .bind(after)
                    .bind(i64::from(limit))
                    .fetch_all(self.reader())
                    .await?;
                Ok(rows.into_iter().map($crate::shared_accounts::audit_from_row).collect())
            }

            async fn audit_head(&self) -> $crate::StoreResult<Option<(i64, String)>> {
                let Some(value) = $crate::MetaStore::meta(self, $crate::shared_accounts::AUDIT_HEAD_KEY).await? else {
                    return Ok(None);
                };
                let (length, hash) = value
                    .split_once(':')
                    .and_then(|(length, hash)| Some((length.parse::<i64>().ok()?, hash.to_string())))
                    .ok_or_else(|| $crate::StoreError::Corrupt(format!("audit head {value:?}")))?;
                Ok(Some((length, hash)))
            }
        }
    };
}

pub(crate) use impl_account_store;
