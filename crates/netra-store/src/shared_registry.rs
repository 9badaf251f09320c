//! SQL of the registry, shared by both backends: [`impl_registry_store!`] instantiates `RegistryStore` for a
//! backend given its temporary-table statement and its null-safe "differs" operator.
//!
//! An import streams rows into a temporary stage table, [`STAGE_CHUNK`] rows at a time, and merges each chunk with
//! three set statements (history rows for moved persons, updates, inserts) inside one transaction.

use crate::registry::{PastPosition, PersonRecord};

/// Rows staged before each merge.
pub const STAGE_CHUNK: usize = 20_000;

/// Rows per staging INSERT: sqlx's per-statement cost grows faster than linearly with the number of
/// placeholders (200,000 rows: 2,000 rows per statement 1,800 rows/s, 100 → 21,800, 25 → 37,200, 10 → 25,500).
pub const STATEMENT_ROWS: usize = 25;

pub const STAGE_COLUMNS: &str = "seq, nip, name, front_titles, back_titles, gender, birth_date, employment_kind, \
    employment_state, position_kind, position, unit, agency, region_code";
pub const STAGE_WIDTH: usize = 14;

/// `INSERT INTO registry_stage (…) VALUES (…), … ` for `rows` rows.
pub fn stage_insert_sql(rows: usize) -> String {
    let mut sql = format!("INSERT INTO registry_stage ({STAGE_COLUMNS}) VALUES ");
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..STAGE_WIDTH {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", r * STAGE_WIDTH + c + 1));
        }
        sql.push(')');
    }
    sql
}

pub const HISTORY_FROM_STAGE: &str = "INSERT INTO registry_position (person_id, position_kind, position, unit, agency, \
    region_code, since, until) SELECT p.person_id, p.position_kind, p.position, p.unit, p.agency, p.region_code, \
    p.position_since, $1 FROM registry_stage s JOIN registry_person p ON p.nip = s.nip WHERE \
    (p.position_kind <> s.position_kind OR p.position <> s.position OR p.unit <> s.unit OR p.agency <> s.agency \
    OR p.region_code <> s.region_code)";

/// The update, with `{ne}` the backend's null-safe "differs" operator.
pub fn update_from_stage_sql(ne: &str) -> String {
    let target = "registry_person";
    let moved = format!(
        "({target}.position_kind <> s.position_kind OR {target}.position <> s.position OR {target}.unit <> s.unit \
         OR {target}.agency <> s.agency OR {target}.region_code <> s.region_code)"
    );
    format!(
        "UPDATE {target} SET name = s.name, front_titles = s.front_titles, back_titles = s.back_titles, \
         gender = s.gender, birth_date = s.birth_date, employment_kind = s.employment_kind, \
         employment_state = s.employment_state, position_kind = s.position_kind, position = s.position, \
         unit = s.unit, agency = s.agency, region_code = s.region_code, \
         position_since = CASE WHEN {moved} THEN $1 ELSE {target}.position_since END, updated_at = $2 \
         FROM registry_stage s WHERE s.nip = {target}.nip AND ({moved} OR {target}.name <> s.name \
         OR {target}.front_titles <> s.front_titles OR {target}.back_titles <> s.back_titles \
         OR {target}.gender <> s.gender OR {target}.birth_date {ne} s.birth_date \
         OR {target}.employment_kind <> s.employment_kind OR {target}.employment_state <> s.employment_state)"
    )
}

pub const INSERT_FROM_STAGE: &str = "INSERT INTO registry_person (person_id, nip, name, front_titles, back_titles, \
    gender, birth_date, employment_kind, employment_state, position_kind, position, unit, agency, region_code, \
    position_since, updated_at) SELECT $1 + s.seq, s.nip, s.name, s.front_titles, s.back_titles, s.gender, \
    s.birth_date, s.employment_kind, s.employment_state, s.position_kind, s.position, s.unit, s.agency, \
    s.region_code, $2, $3 FROM registry_stage s WHERE NOT EXISTS \
    (SELECT 1 FROM registry_person p WHERE p.nip = s.nip)";

/// The insert when the registry was empty at the start of the import: nothing to look up (the reader refuses
/// duplicate NIPs, and the NIP's UNIQUE constraint would still fail the whole import).
pub const INSERT_FROM_STAGE_FRESH: &str = "INSERT INTO registry_person (person_id, nip, name, front_titles, \
    back_titles, gender, birth_date, employment_kind, employment_state, position_kind, position, unit, agency, \
    region_code, position_since, updated_at) SELECT $1 + s.seq, s.nip, s.name, s.front_titles, s.back_titles, \
    s.gender, s.birth_date, s.employment_kind, s.employment_state, s.position_kind, s.position, s.unit, s.agency, \
    s.region_code, $2, $3 FROM registry_stage s";

pub const MAX_PERSON_ID: &str = "SELECT COALESCE(MAX(person_id), 0) FROM registry_person";
pub const IMPORT_INSERT: &str = "INSERT INTO registry_import (import_id, file_name, sha256, row_count, new_count, \
    updated_count, moved_count, problem_count, imported_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
    $10)";
pub const COUNT: &str = "SELECT COUNT(*) FROM registry_person";
pub const LATEST_IMPORT: &str = "SELECT MAX(import_id) FROM registry_import";

macro_rules! person_select {
    ($tail:literal) => {
        concat!(
            "SELECT person_id, nip, name, front_titles, back_titles, gender, birth_date, employment_kind, \
             employment_state, position_kind, position, unit, agency, region_code, position_since FROM registry_person",
            $tail
        )
    };
}
/// One page of the scan (keyset on the id): short statements, so no read transaction spans a national scan.
pub const SCAN_PAGE: &str = person_select!(" WHERE person_id > $1 ORDER BY person_id LIMIT $2");
pub const SCAN_PAGE_ROWS: i64 = 4_096;
pub const BY_ID: &str = person_select!(" WHERE person_id = $1");
pub const BY_NIP: &str = person_select!(" WHERE nip = $1");
pub const HISTORY: &str = "SELECT position_kind, position, unit, agency, region_code, since, until \
    FROM registry_position WHERE person_id = $1 ORDER BY until DESC, since DESC";

pub type PersonRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<time::Date>,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    time::Date,
);

pub fn person(row: PersonRow) -> PersonRecord {
    PersonRecord {
        id: row.0,
        nip: row.1,
        name: row.2,
        front_titles: row.3,
        back_titles: row.4,
        gender: row.5,
        birth_date: row.6,
        employment_kind: row.7,
        employment_state: row.8,
        position_kind: row.9,
        position: row.10,
        unit: row.11,
        agency: row.12,
        region_code: row.13,
        position_since: row.14,
    }
}

pub type HistoryRow = (String, String, String, String, String, time::Date, time::Date);

pub fn past(row: HistoryRow) -> PastPosition {
    PastPosition {
        position_kind: row.0,
        position: row.1,
        unit: row.2,
        agency: row.3,
        region_code: row.4,
        since: row.5,
        until: row.6,
    }
}

/// Implements `RegistryStore` for a backend type.
macro_rules! impl_registry_store {
    (
        $store:ty,
        $db:ty,
        tune_import = [$($tune:literal),*],
        create_stage = $create:literal,
        after_stage = $after_stage:literal,
        differs = $ne:literal
    ) => {
        #[async_trait::async_trait]
        impl $crate::registry::RegistryStore for $store {
            async fn import_registry(
                &self,
                ctx: &$crate::accounts::AuditContext,
                rows: &mut tokio::sync::mpsc::Receiver<$crate::registry::ImportMessage>,
            ) -> $crate::StoreResult<$crate::registry::ImportSummary> {
                use $crate::shared_registry::*;
                let today = ctx.at.date();
                let at = ctx.at.to_offset(time::UtcOffset::UTC);
                let mut tx = self.writer().begin().await?;
                // SQLite: a page cache big enough for the NIP index of a national registry (with the default
                // 2 MiB each insert reads index pages back from the OS). PostgreSQL: the registry's statistics
                // predate the transaction's own rows, so the planner would hash-join whole tables per chunk;
                // index lookups by NIP are what the merge needs.
                $(sqlx::query($tune).execute(&mut *tx).await?;)*
                sqlx::query($create).execute(&mut *tx).await?;
                let (base,): (i64,) = sqlx::query_as(MAX_PERSON_ID).fetch_one(&mut *tx).await?;
                // A first import into an empty registry has nobody to move or update.
                let fresh = base == 0;
                let full_sql = stage_insert_sql(STATEMENT_ROWS);
                let update_sql = update_from_stage_sql($ne);
                let mut summary = $crate::registry::ImportSummary::default();
                let mut staged = 0usize;
                let mut seq: i64 = 0;
                let mut finished: Option<$crate::registry::ImportMeta> = None;
                loop {
                    let batch = match rows.recv().await {
                        Some($crate::registry::ImportMessage::Rows(batch)) => batch,
                        Some($crate::registry::ImportMessage::Done(meta)) => {
                            finished = Some(meta);
                            Vec::new()
                        }
                        Some($crate::registry::ImportMessage::Failed(reason)) => {
                            return Err($crate::StoreError::Invalid(reason));
                        }
                        None => break,
                    };
                    let last = finished.is_some();
                    for rows_of_statement in batch.chunks(STATEMENT_ROWS) {
                        let partial;
                        let sql: &str = if rows_of_statement.len() == STATEMENT_ROWS {
                            &full_sql
                        } else {
                            partial = stage_insert_sql(rows_of_statement.len());
                            &partial
                        };
                        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                        for row in rows_of_statement {
                            seq += 1;
                            query = query
                                .bind(seq)
                                .bind(&row.nip)
                                .bind(&row.name)
                                .bind(&row.front_titles)
                                .bind(&row.back_titles)
                                .bind(netra_registry::rows::gender_code(row.gender))
                                .bind(row.birth_date)
                                .bind(row.kind.as_str())
                                .bind(row.state.as_str())
                                .bind(row.position_kind.as_str())
                                .bind(&row.position)
                                .bind(&row.unit)
                                .bind(&row.agency)
                                .bind(row.region.to_string());
                        }
                        query.execute(&mut *tx).await?;
                    }
                    staged += batch.len();
                    summary.rows += batch.len() as u64;
                    if staged >= STAGE_CHUNK || (last && staged > 0) {
                        // PostgreSQL plans the merge from the stage's statistics; without them it scans the whole
                        // registry once per chunk.
                        sqlx::query($after_stage).execute(&mut *tx).await?;
                        if !fresh {
                            summary.moved +=
                                sqlx::query(HISTORY_FROM_STAGE).bind(today).execute(&mut *tx).await?.rows_affected();
                            summary.updated += sqlx::query(sqlx::AssertSqlSafe(update_sql.as_str()))
                                .bind(today)
                                .bind(at)
                                .execute(&mut *tx)
                                .await?
                                .rows_affected();
                        }
                        summary.new += sqlx::query(if fresh { INSERT_FROM_STAGE_FRESH } else { INSERT_FROM_STAGE })
                            .bind(base)
                            .bind(today)
                            .bind(at)
                            .execute(&mut *tx)
                            .await?
                            .rows_affected();
                        sqlx::query("DELETE FROM registry_stage").execute(&mut *tx).await?;
                        staged = 0;
                    }
                    if last {
                        break;
                    }
                }
                let Some(meta) = finished else {
                    return Err($crate::StoreError::Invalid(
                        "the registry file was not read to its end; nothing was imported".into(),
                    ));
                };
                summary.import_id = uuid::Uuid::now_v7().to_string();
                sqlx::query(IMPORT_INSERT)
                    .bind(&summary.import_id)
                    .bind(&meta.file_name)
                    .bind(&meta.sha256)
                    .bind(summary.rows as i64)
                    .bind(summary.new as i64)
                    .bind(summary.updated as i64)
                    .bind(summary.moved as i64)
                    .bind(meta.problem_count as i64)
                    .bind(&ctx.actor)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                let record = $crate::accounts::AuditRecord {
                    action: "registry.import".into(),
                    object_kind: "registry_import".into(),
                    object_id: summary.import_id.clone(),
                    region: None,
                    agency: None,
                    before: None,
                    after: Some(format!("{} {}", meta.file_name, meta.sha256)),
                    summary: format!(
                        "Impor registri ASN {} (SHA-256 {}): {} baris, {} baru, {} diperbarui, {} pindah jabatan, {} baris ditolak",
                        meta.file_name, meta.sha256, summary.rows, summary.new, summary.updated, summary.moved,
                        meta.problem_count
                    ),
                };
                Self::append_audit(&mut tx, ctx, record).await?;
                tx.commit().await?;
                Ok(summary)
            }

            async fn scan_registry(
                &self,
                visit: &mut (dyn FnMut($crate::registry::PersonRecord) + Send),
            ) -> $crate::StoreResult<u64> {
                use $crate::shared_registry::*;
                let (mut after, mut count) = (0_i64, 0);
                loop {
                    let rows: Vec<PersonRow> = sqlx::query_as(SCAN_PAGE)
                        .bind(after)
                        .bind(SCAN_PAGE_ROWS)
                        .fetch_all(self.reader())
                        .await?;
                    let full = rows.len() as i64 == SCAN_PAGE_ROWS;
                    for row in rows {
                        after = row.0;
                        visit(person(row));
                        count += 1;
                    }
                    if !full {
                        return Ok(count);
                    }
                }
            }

            async fn registry_person(&self, id: i64) -> $crate::StoreResult<Option<$crate::registry::PersonRecord>> {
                use $crate::shared_registry::*;
                let row: Option<PersonRow> = sqlx::query_as(BY_ID).bind(id).fetch_optional(self.reader()).await?;
                Ok(row.map(person))
            }

            async fn registry_person_by_nip(
                &self,
                nip: &str,
            ) -> $crate::StoreResult<Option<$crate::registry::PersonRecord>> {
                use $crate::shared_registry::*;
                let row: Option<PersonRow> = sqlx::query_as(BY_NIP).bind(nip).fetch_optional(self.reader()).await?;
                Ok(row.map(person))
            }

            async fn registry_history(&self, id: i64) -> $crate::StoreResult<Vec<$crate::registry::PastPosition>> {
                use $crate::shared_registry::*;
                let rows: Vec<HistoryRow> = sqlx::query_as(HISTORY).bind(id).fetch_all(self.reader()).await?;
                Ok(rows.into_iter().map(past).collect())
            }

            async fn registry_count(&self) -> $crate::StoreResult<u64> {
                use $crate::shared_registry::*;
                let (count,): (i64,) = sqlx::query_as(COUNT).fetch_one(self.reader()).await?;
                Ok(count as u64)
            }

            async fn latest_registry_import(&self) -> $crate::StoreResult<Option<String>> {
                use $crate::shared_registry::*;
                let (latest,): (Option<String>,) = sqlx::query_as(LATEST_IMPORT).fetch_one(self.reader()).await?;
                Ok(latest)
            }
        }
    };
}

pub(crate) use impl_registry_store;
