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
use crate::shared_patrol::impl_patrol_store;
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
