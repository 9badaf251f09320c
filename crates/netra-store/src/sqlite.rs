//! The SQLite store: one file under the data directory, WAL journal, one writer connection (so writers queue
//! instead of failing with `SQLITE_BUSY`) and a small pool of readers.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use netra_core::region::RegionSet;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, Transaction};

use crate::shared::{REGION_UPSERT, impl_shared_store, search_key};
use crate::shared_accounts::impl_account_store;
use crate::shared_cases::impl_case_store;
use crate::shared_letters::impl_letter_store;
use crate::shared_pacts::impl_pact_store;
use crate::shared_patrol::impl_patrol_store;
use crate::shared_registry::impl_registry_store;
use crate::{Backend, Store, StoreError, StoreResult};

/// Store on an SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) and migrates the database file at `path`.
    pub async fn open(path: &Path) -> StoreResult<SqliteStore> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| StoreError::Config(format!("cannot create directory {}: {e}", parent.display())))?;
        }
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let writer = SqlitePoolOptions::new().max_connections(1).connect_with(options.clone()).await?;
        crate::migrations::sqlite().run(&writer).await?;
        let reader = SqlitePoolOptions::new().max_connections(4).connect_with(options.read_only(true)).await?;
        Ok(SqliteStore { writer, reader })
    }

    fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    /// SQLite has a single writer connection, so appends to the audit chain are already serialised.
    async fn lock_audit(_tx: &mut Transaction<'_, Sqlite>) -> StoreResult<()> {
        Ok(())
    }

    async fn upsert_region_rows(tx: &mut Transaction<'_, Sqlite>, regions: &RegionSet) -> StoreResult<()> {
        for region in regions.iter() {
            sqlx::query(REGION_UPSERT)
                .bind(region.code.to_string())
                .bind(region.code.parent().map(|parent| parent.to_string()))
                .bind(region.level().as_str())
                .bind(&region.name)
                .bind(search_key(&region.name))
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }
}

impl_shared_store!(SqliteStore, Sqlite);
impl_account_store!(SqliteStore, Sqlite);
impl_case_store!(SqliteStore, Sqlite);
impl_patrol_store!(SqliteStore, Sqlite);
impl_pact_store!(SqliteStore, Sqlite);
impl_letter_store!(SqliteStore, Sqlite);
impl_registry_store!(
    SqliteStore,
    Sqlite,
    tune_import = ["PRAGMA cache_size = -262144"],
    create_stage = "CREATE TEMP TABLE IF NOT EXISTS registry_stage (seq INTEGER NOT NULL, nip TEXT NOT NULL, name TEXT NOT NULL, front_titles TEXT NOT NULL, back_titles TEXT NOT NULL, gender TEXT NOT NULL, birth_date TEXT, employment_kind TEXT NOT NULL, employment_state TEXT NOT NULL, position_kind TEXT NOT NULL, position TEXT NOT NULL, unit TEXT NOT NULL, agency TEXT NOT NULL, region_code TEXT NOT NULL)",
    after_stage = "SELECT 1",
    differs = "IS NOT"
);

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }
}
