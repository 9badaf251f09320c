//! SQL and row mapping shared by both backends. The statements use only the portable subset (`$N`
//! placeholders, `ON CONFLICT … DO UPDATE`, `LIKE … ESCAPE`), so one text serves SQLite and PostgreSQL; the
//! [`impl_shared_store!`] macro instantiates the shared trait methods for each backend's pool type.

use netra_core::election::{Election, ElectionKind, Stage};
use netra_core::region::{Region, RegionCode, RegionLevel};
use time::Date;

use crate::{StoreError, StoreResult};

pub const REGION_BY_CODE: &str = "SELECT code, name FROM region WHERE code = $1";
pub const REGION_PROVINCES: &str = "SELECT code, name FROM region WHERE parent_code IS NULL ORDER BY code";
pub const REGION_CHILDREN: &str = "SELECT code, name FROM region WHERE parent_code = $1 ORDER BY code";
pub const REGION_SEARCH: &str = "SELECT code, name FROM region WHERE name_search LIKE $1 ESCAPE '\\' \
     AND ($2 IS NULL OR level = $2) ORDER BY code LIMIT $3";
pub const REGION_COUNTS: &str = "SELECT level, COUNT(*) FROM region GROUP BY level";
pub const REGION_CODES: &str = "SELECT code FROM region";
pub const REGION_DELETE: &str = "DELETE FROM region WHERE code = $1";
pub const REGION_UPSERT: &str = "INSERT INTO region (code, parent_code, level, name, name_search) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO UPDATE SET parent_code = excluded.parent_code, \
     level = excluded.level, name = excluded.name, name_search = excluded.name_search";
pub const DATA_LOAD_INSERT: &str =
    "INSERT INTO data_load (data_load_id, kind, version, row_count, loaded_at) VALUES ($1, $2, $3, $4, $5)";
pub const DATA_LOADS: &str = "SELECT data_load_id, kind, version, row_count, loaded_at FROM data_load ORDER BY loaded_at DESC, data_load_id DESC LIMIT $1";
pub const META_GET: &str = "SELECT meta_value FROM meta WHERE meta_key = $1";
pub const META_SET: &str = "INSERT INTO meta (meta_key, meta_value, updated_at) VALUES ($1, $2, $3) \
     ON CONFLICT (meta_key) DO UPDATE SET meta_value = excluded.meta_value, updated_at = excluded.updated_at";
pub const ELECTION_UPSERT: &str = "INSERT INTO election \
     (election_id, kind, name_id, name_en, legal_basis, candidate_determination, voting_day) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (election_id) DO UPDATE SET kind = excluded.kind, \
     name_id = excluded.name_id, name_en = excluded.name_en, legal_basis = excluded.legal_basis, \
     candidate_determination = excluded.candidate_determination, voting_day = excluded.voting_day";
pub const STAGES_DELETE: &str = "DELETE FROM election_stage WHERE election_id = $1";
pub const STAGE_INSERT: &str = "INSERT INTO election_stage \
     (election_id, stage_id, position, name_id, name_en, start_on, end_on) VALUES ($1, $2, $3, $4, $5, $6, $7)";
pub const ELECTION_BY_ID: &str = "SELECT election_id, kind, name_id, name_en, legal_basis, candidate_determination, \
     voting_day FROM election WHERE election_id = $1";
pub const ELECTION_IDS: &str = "SELECT election_id FROM election ORDER BY voting_day DESC, election_id";
pub const STAGES_OF: &str = "SELECT stage_id, name_id, name_en, start_on, end_on FROM election_stage \
     WHERE election_id = $1 ORDER BY position";

/// Lower-cases a name for the `name_search` column and for queries, so both backends compare the same text.
pub fn search_key(text: &str) -> String {
    text.trim().to_lowercase()
}

/// A `LIKE` pattern matching `query` anywhere, with `%`, `_` and `\` escaped.
pub fn contains_pattern(query: &str) -> String {
    let mut pattern = String::from("%");
    for ch in search_key(query).chars() {
        if matches!(ch, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    pattern
}

pub fn region_from_row(code: String, name: String) -> StoreResult<Region> {
    let code = RegionCode::parse(&code).map_err(|e| StoreError::Corrupt(format!("region code {code:?}: {e}")))?;
    Ok(Region { code, name })
}

pub fn level_from_str(text: &str) -> StoreResult<RegionLevel> {
    RegionLevel::from_str_opt(text).ok_or_else(|| StoreError::Corrupt(format!("region level {text:?}")))
}

pub fn kind_from_str(text: &str) -> StoreResult<ElectionKind> {
    match text {
        "pilkada" => Ok(ElectionKind::Pilkada),
        "pemilu" => Ok(ElectionKind::Pemilu),
        other => Err(StoreError::Corrupt(format!("election kind {other:?}"))),
    }
}

/// The columns of [`ELECTION_BY_ID`], in order.
pub type ElectionRow = (String, String, String, String, String, Date, Date);
/// The columns of [`STAGES_OF`], in order.
pub type StageRow = (String, String, String, Date, Date);

pub fn election_from_rows(row: ElectionRow, stages: Vec<StageRow>) -> StoreResult<Election> {
    let (id, kind, name_id, name_en, legal_basis, candidate_determination, voting_day) = row;
    Ok(Election {
        id,
        kind: kind_from_str(&kind)?,
        name_id,
        name_en,
        legal_basis,
        candidate_determination,
        voting_day,
        stages: stages
            .into_iter()
            .map(|(id, name_id, name_en, start, end)| Stage { id, name_id, name_en, start, end })
            .collect(),
    })
}

/// Implements the trait methods whose SQL is the same on both backends. The backend type must provide
/// `fn reader(&self) -> &Pool<DB>`, `fn writer(&self) -> &Pool<DB>` and
/// `async fn upsert_region_rows(tx, regions) -> StoreResult<()>`.
macro_rules! impl_shared_store {
    ($store:ty, $db:ty) => {
        impl $store {
            /// Writes an election and replaces its stages inside `tx`.
            async fn write_election_rows(
                tx: &mut sqlx::Transaction<'_, $db>,
                election: &netra_core::election::Election,
            ) -> $crate::StoreResult<()> {
                use $crate::shared::*;
                sqlx::query(ELECTION_UPSERT)
                    .bind(&election.id)
                    .bind(election.kind.as_str())
                    .bind(&election.name_id)
                    .bind(&election.name_en)
                    .bind(&election.legal_basis)
                    .bind(election.candidate_determination)
                    .bind(election.voting_day)
                    .execute(&mut **tx)
                    .await?;
                sqlx::query(STAGES_DELETE).bind(&election.id).execute(&mut **tx).await?;
                for (position, stage) in election.stages.iter().enumerate() {
                    sqlx::query(STAGE_INSERT)
                        .bind(&election.id)
                        .bind(&stage.id)
                        .bind(position as i64)
                        .bind(&stage.name_id)
                        .bind(&stage.name_en)
                        .bind(stage.start)
                        .bind(stage.end)
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::RegionStore for $store {
            #[tracing::instrument(skip_all)]
            async fn replace_regions(
                &self,
                regions: &netra_core::region::RegionSet,
                version: &str,
                load_id: uuid::Uuid,
                now: time::OffsetDateTime,
            ) -> $crate::StoreResult<u64> {
                use $crate::shared::*;
                let mut tx = self.writer().begin().await?;
                let existing: Vec<(String,)> = sqlx::query_as(REGION_CODES).fetch_all(&mut *tx).await?;
                Self::upsert_region_rows(&mut tx, regions).await?;
                // Remove regions no longer in the tables, deepest first so that parents go last.
                let mut gone: Vec<String> = existing
                    .into_iter()
                    .map(|(code,)| code)
                    .filter(|code| {
                        netra_core::region::RegionCode::parse(code)
                            .map_or(true, |parsed| regions.get(&parsed).is_none())
                    })
                    .collect();
                gone.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
                for code in &gone {
                    sqlx::query(REGION_DELETE).bind(code).execute(&mut *tx).await?;
                }
                let rows = regions.len() as i64;
                sqlx::query(DATA_LOAD_INSERT)
                    .bind(load_id)
                    .bind("regions")
                    .bind(version)
                    .bind(rows)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(rows as u64)
            }

            async fn region(
                &self,
                code: netra_core::region::RegionCode,
            ) -> $crate::StoreResult<Option<netra_core::region::Region>> {
                let row: Option<(String, String)> = sqlx::query_as($crate::shared::REGION_BY_CODE)
                    .bind(code.to_string())
                    .fetch_optional(self.reader())
                    .await?;
                row.map(|(code, name)| $crate::shared::region_from_row(code, name)).transpose()
            }

            async fn region_children(
                &self,
                parent: Option<netra_core::region::RegionCode>,
            ) -> $crate::StoreResult<Vec<netra_core::region::Region>> {
                let rows: Vec<(String, String)> = match parent {
                    None => sqlx::query_as($crate::shared::REGION_PROVINCES).fetch_all(self.reader()).await?,
                    Some(parent) => {
                        sqlx::query_as($crate::shared::REGION_CHILDREN)
                            .bind(parent.to_string())
                            .fetch_all(self.reader())
                            .await?
                    }
                };
                rows.into_iter().map(|(code, name)| $crate::shared::region_from_row(code, name)).collect()
            }

            async fn search_regions(
                &self,
                query: &str,
                level: Option<netra_core::region::RegionLevel>,
                limit: u32,
            ) -> $crate::StoreResult<Vec<netra_core::region::Region>> {
                let rows: Vec<(String, String)> = sqlx::query_as($crate::shared::REGION_SEARCH)
                    .bind($crate::shared::contains_pattern(query))
                    .bind(level.map(|level| level.as_str()))
                    .bind(i64::from(limit))
                    .fetch_all(self.reader())
                    .await?;
                rows.into_iter().map(|(code, name)| $crate::shared::region_from_row(code, name)).collect()
            }

            async fn region_counts(&self) -> $crate::StoreResult<$crate::RegionCounts> {
                let rows: Vec<(String, i64)> =
                    sqlx::query_as($crate::shared::REGION_COUNTS).fetch_all(self.reader()).await?;
                let mut counts = $crate::RegionCounts::default();
                for (level, count) in rows {
                    let count = count as u64;
                    match $crate::shared::level_from_str(&level)? {
                        netra_core::region::RegionLevel::Province => counts.provinces = count,
                        netra_core::region::RegionLevel::Regency => counts.regencies = count,
                        netra_core::region::RegionLevel::District => counts.districts = count,
                        netra_core::region::RegionLevel::Village => {}
                    }
                }
                Ok(counts)
            }
        }

        #[async_trait::async_trait]
        impl $crate::ElectionStore for $store {
            #[tracing::instrument(skip_all, fields(election = %election.id))]
            async fn upsert_election(&self, election: &netra_core::election::Election) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                Self::write_election_rows(&mut tx, election).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn election(&self, id: &str) -> $crate::StoreResult<Option<netra_core::election::Election>> {
                use $crate::shared::*;
                let row: Option<ElectionRow> =
                    sqlx::query_as(ELECTION_BY_ID).bind(id).fetch_optional(self.reader()).await?;
                let Some(row) = row else { return Ok(None) };
                let stages: Vec<StageRow> = sqlx::query_as(STAGES_OF).bind(id).fetch_all(self.reader()).await?;
                election_from_rows(row, stages).map(Some)
            }

            async fn elections(&self) -> $crate::StoreResult<Vec<netra_core::election::Election>> {
                let ids: Vec<(String,)> = sqlx::query_as($crate::shared::ELECTION_IDS).fetch_all(self.reader()).await?;
                let mut elections = Vec::with_capacity(ids.len());
                for (id,) in ids {
                    if let Some(election) = $crate::ElectionStore::election(self, &id).await? {
                        elections.push(election);
                    }
                }
                Ok(elections)
            }
        }

        #[async_trait::async_trait]
        impl $crate::MetaStore for $store {
            async fn meta(&self, key: &str) -> $crate::StoreResult<Option<String>> {
                let row: Option<(String,)> =
                    sqlx::query_as($crate::shared::META_GET).bind(key).fetch_optional(self.reader()).await?;
                Ok(row.map(|(value,)| value))
            }

            async fn set_meta(&self, key: &str, value: &str, now: time::OffsetDateTime) -> $crate::StoreResult<()> {
                sqlx::query($crate::shared::META_SET).bind(key).bind(value).bind(now).execute(self.writer()).await?;
                Ok(())
            }

            async fn data_loads(&self, limit: u32) -> $crate::StoreResult<Vec<$crate::DataLoad>> {
                let rows: Vec<(uuid::Uuid, String, String, i64, time::OffsetDateTime)> =
                    sqlx::query_as($crate::shared::DATA_LOADS).bind(i64::from(limit)).fetch_all(self.reader()).await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, kind, version, row_count, loaded_at)| $crate::DataLoad {
                        id,
                        kind,
                        version,
                        row_count,
                        loaded_at,
                    })
                    .collect())
            }
        }
    };
}

pub(crate) use impl_shared_store;
