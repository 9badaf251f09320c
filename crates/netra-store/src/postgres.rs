//! The PostgreSQL store.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use netra_core::region::RegionSet;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};

use crate::shared::{impl_shared_store, search_key};
use crate::shared_accounts::impl_account_store;
use crate::shared_cases::impl_case_store;
use crate::shared_letters::impl_letter_store;
use crate::shared_pacts::impl_pact_store;
use crate::shared_patrol::impl_patrol_store;
use crate::shared_registry::impl_registry_store;
use crate::{Backend, Store, StoreResult};

/// Store on a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

/// Regions are written in one statement per table load: arrays unnested server-side instead of 8,000 round trips.
const REGION_UPSERT_MANY: &str = "INSERT INTO region (code, parent_code, level, name, name_search) \
     SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) \
     ON CONFLICT (code) DO UPDATE SET parent_code = excluded.parent_code, level = excluded.level, \
     name = excluded.name, name_search = excluded.name_search";

impl PgStore {
    /// Connects to `url` and runs the migrations.
    pub async fn connect(url: &str) -> StoreResult<PgStore> {
        let options = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        crate::migrations::postgres().run(&pool).await?;
        Ok(PgStore { pool })
    }

    fn writer(&self) -> &PgPool {
        &self.pool
    }

    /// The obvious PostgreSQL alternative to Netra's match index, for the benchmark: the `pg_trgm` extension
    /// and a trigram GIN index over the lower-cased name (created once).
    pub async fn prepare_trigram_search(&self) -> StoreResult<()> {
        sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute(&self.pool).await?;
        sqlx::query(
            "CREATE INDEX IF NOT EXISTS registry_person_name_trgm ON registry_person USING gin (lower(name) gin_trgm_ops)",
        )
        .execute(&self.pool)
        .await?;
        sqlx::query("ANALYZE registry_person").execute(&self.pool).await?;
        Ok(())
    }

    /// Persons whose name is trigram-similar to `name` (inside `region` and below when given), most similar first.
    pub async fn trigram_search(
        &self,
        name: &str,
        region: Option<&str>,
        top: usize,
    ) -> StoreResult<Vec<(String, String, f32)>> {
        let pattern = region.map(|r| format!("{}%", r.trim()));
        let rows: Vec<(String, String, f32)> = sqlx::query_as(
            "SELECT nip, name, similarity(lower(name), lower($1)) AS score FROM registry_person \
             WHERE lower(name) % lower($1) AND ($2::text IS NULL OR region_code LIKE $2) \
             ORDER BY score DESC, person_id LIMIT $3",
        )
        .bind(name)
        .bind(pattern)
        .bind(top as i64)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }

    fn reader(&self) -> &PgPool {
        &self.pool
    }

    /// Serialises appends to the audit chain across connections for the rest of the transaction.
    async fn lock_audit(tx: &mut Transaction<'_, Postgres>) -> StoreResult<()> {
        sqlx::query("SELECT pg_advisory_xact_lock(7361240)").execute(&mut **tx).await?;
        Ok(())
    }

    async fn upsert_region_rows(tx: &mut Transaction<'_, Postgres>, regions: &RegionSet) -> StoreResult<()> {
        let mut codes = Vec::with_capacity(regions.len());
        let mut parents = Vec::with_capacity(regions.len());
        let mut levels = Vec::with_capacity(regions.len());
        let mut names = Vec::with_capacity(regions.len());
        let mut keys = Vec::with_capacity(regions.len());
        for region in regions.iter() {
            codes.push(region.code.to_string());
            parents.push(region.code.parent().map(|parent| parent.to_string()));
            levels.push(region.level().as_str().to_string());
            names.push(region.name.clone());
            keys.push(search_key(&region.name));
        }
        sqlx::query(REGION_UPSERT_MANY)
            .bind(codes)
            .bind(parents)
            .bind(levels)
            .bind(names)
            .bind(keys)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}

impl_shared_store!(PgStore, Postgres);
impl_account_store!(PgStore, Postgres);
impl_case_store!(PgStore, Postgres);
impl_patrol_store!(PgStore, Postgres);
impl_pact_store!(PgStore, Postgres);
impl_letter_store!(PgStore, Postgres);
impl_registry_store!(
    PgStore,
    Postgres,
    tune_import = ["SET LOCAL enable_hashjoin = off", "SET LOCAL enable_mergejoin = off"],
    create_stage = "CREATE TEMP TABLE registry_stage (seq BIGINT NOT NULL, nip TEXT NOT NULL, name TEXT NOT NULL, front_titles TEXT NOT NULL, back_titles TEXT NOT NULL, gender TEXT NOT NULL, birth_date DATE, employment_kind TEXT NOT NULL, employment_state TEXT NOT NULL, position_kind TEXT NOT NULL, position TEXT NOT NULL, unit TEXT NOT NULL, agency TEXT NOT NULL, region_code TEXT NOT NULL) ON COMMIT DROP",
    after_stage = "ANALYZE registry_stage",
    differs = "IS DISTINCT FROM"
);

#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}
