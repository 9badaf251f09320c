//! Netra's storage: traits owned by the application, one implementation per database.
//!
//! - [`sqlite::SqliteStore`]: the default, an embedded file under the data directory (WAL, one writer connection,
//!   a pool of readers);
//! - [`postgres::PgStore`]: PostgreSQL for production.
//!
//! Both run the migrations of their own folder (`migrations/sqlite`, `migrations/postgres`), embedded in the
//! binary, when opened. IDs (UUID v7) and timestamps are produced in Rust and passed in; SQL stays in the
//! portable subset with `$N` placeholders. The contract suite in `tests/contract.rs` runs against both.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use netra_core::election::Election;
use netra_core::region::{Region, RegionCode, RegionLevel, RegionSet};
use time::OffsetDateTime;
use uuid::Uuid;

pub use accounts::{
    AccountStore, AuditContext, AuditFilter, AuditRecord, AuditStore, CandidateStore, verify_audit_chain,
};
pub use cases::CaseStore;
pub use letters::LetterStore;
pub use pacts::PactStore;
pub use patrol::PatrolStore;
pub use registry::RegistryStore;

pub mod access;
pub mod accounts;
pub mod auth;
pub mod blobs;
pub mod cases;
pub mod casework;
pub mod demo;
pub mod evidence;
pub mod letters;
pub mod mail;
mod migrations;
pub mod pacts;
pub mod patrol;
pub mod postgres;
pub mod registry;
pub mod seal;
mod shared;
mod shared_accounts;
mod shared_cases;
mod shared_letters;
mod shared_pacts;
mod shared_patrol;
mod shared_registry;
pub mod sqlite;
#[cfg(feature = "test-support")]
pub mod testing;

/// Errors of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database answered with an error or could not be reached.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A stored value no longer parses (edited by hand, or written by a newer version).
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// The change conflicts with existing data (a duplicate name, a row still referenced); the text says what.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The object to change does not exist.
    #[error("not found")]
    NotFound,
    /// The configuration cannot be used.
    #[error("storage configuration: {0}")]
    Config(String),
    /// The input was refused as a whole (an import whose file could not be read to its end); the text says why.
    #[error("invalid input: {0}")]
    Invalid(String),
}

/// Result of storage operations.
pub type StoreResult<T> = Result<T, StoreError>;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        })
    }
}

/// Where the data lives.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreConfig {
    /// An SQLite file (created if missing).
    Sqlite { path: PathBuf },
    /// A PostgreSQL connection URL.
    Postgres { url: String },
}

impl fmt::Debug for StoreConfig {
    // The URL may carry a password: never print it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreConfig::Sqlite { path } => f.debug_struct("Sqlite").field("path", path).finish(),
            StoreConfig::Postgres { .. } => f.write_str("Postgres { url: <redacted> }"),
        }
    }
}

/// One recorded load of reference data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataLoad {
    pub id: Uuid,
    pub kind: String,
    pub version: String,
    pub row_count: i64,
    pub loaded_at: OffsetDateTime,
}

/// Number of regions per level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RegionCounts {
    pub provinces: u64,
    pub regencies: u64,
    pub districts: u64,
}

/// Regions of Indonesia.
#[async_trait]
pub trait RegionStore: Send + Sync {
    /// Replaces every region with `regions` in one transaction and records the load; returns the row count.
    async fn replace_regions(
        &self,
        regions: &RegionSet,
        version: &str,
        load_id: Uuid,
        now: OffsetDateTime,
    ) -> StoreResult<u64>;
    /// The region with this code.
    async fn region(&self, code: RegionCode) -> StoreResult<Option<Region>>;
    /// The children of a region, or the provinces when `parent` is `None`, ordered by code.
    async fn region_children(&self, parent: Option<RegionCode>) -> StoreResult<Vec<Region>>;
    /// Regions whose name contains `query` (case-insensitive), optionally at one level, ordered by code.
    async fn search_regions(&self, query: &str, level: Option<RegionLevel>, limit: u32) -> StoreResult<Vec<Region>>;
    /// Count per level.
    async fn region_counts(&self) -> StoreResult<RegionCounts>;
}

/// Elections and their stages.
#[async_trait]
pub trait ElectionStore: Send + Sync {
    /// Inserts or replaces an election with all its stages, in one transaction.
    async fn upsert_election(&self, election: &Election) -> StoreResult<()>;
    /// The election with this id.
    async fn election(&self, id: &str) -> StoreResult<Option<Election>>;
    /// All elections, latest voting day first.
    async fn elections(&self) -> StoreResult<Vec<Election>>;
}

/// Facts about the database itself.
#[async_trait]
pub trait MetaStore: Send + Sync {
    /// A stored fact.
    async fn meta(&self, key: &str) -> StoreResult<Option<String>>;
    /// Sets a fact.
    async fn set_meta(&self, key: &str, value: &str, now: OffsetDateTime) -> StoreResult<()>;
    /// The most recent data loads, newest first.
    async fn data_loads(&self, limit: u32) -> StoreResult<Vec<DataLoad>>;
}

/// Everything the application stores. Obtain one with [`open`].
#[async_trait]
pub trait Store:
    RegionStore
    + ElectionStore
    + MetaStore
    + AccountStore
    + CandidateStore
    + AuditStore
    + CaseStore
    + PatrolStore
    + RegistryStore
    + PactStore
    + LetterStore
    + fmt::Debug
{
    /// The database behind this store.
    fn backend(&self) -> Backend;
    /// Checks that the database answers.
    async fn ping(&self) -> StoreResult<()>;
}

/// Opens (and migrates) the store described by `config`.
pub async fn open(config: &StoreConfig) -> StoreResult<Arc<dyn Store>> {
    Ok(match config {
        StoreConfig::Sqlite { path } => Arc::new(sqlite::SqliteStore::open(path).await?),
        StoreConfig::Postgres { url } => Arc::new(postgres::PgStore::connect(url).await?),
    })
}

/// Meta key under which the loaded region-table version is kept.
pub const REGION_VERSION_KEY: &str = "regions_version";

/// What [`ensure_reference_data`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReferenceDataReport {
    /// Regions written, if the region tables were (re)loaded.
    pub regions_loaded: Option<u64>,
    /// Elections written.
    pub elections: usize,
}

/// Loads the embedded region tables when the stored version differs, and upserts the embedded elections.
pub async fn ensure_reference_data(store: &dyn Store, now: OffsetDateTime) -> StoreResult<ReferenceDataReport> {
    let mut report = ReferenceDataReport::default();
    let version = netra_core::region::REGION_DATA_VERSION;
    if store.meta(REGION_VERSION_KEY).await?.as_deref() != Some(version) {
        let rows = store.replace_regions(netra_core::builtin::regions(), version, Uuid::now_v7(), now).await?;
        store.set_meta(REGION_VERSION_KEY, version, now).await?;
        report.regions_loaded = Some(rows);
    }
    for election in netra_core::builtin::elections() {
        store.upsert_election(election).await?;
        report.elections += 1;
    }
    Ok(report)
}

/// Meta key of the instance's receipt salt.
pub const RECEIPT_SALT_KEY: &str = "receipt_salt";

/// The instance's receipt salt, created on first use. Call once at start-up, before requests are served, so that
/// two requests cannot race to create it.
pub async fn ensure_receipt_salt(store: &dyn Store, now: OffsetDateTime) -> StoreResult<Vec<u8>> {
    let hex = match store.meta(RECEIPT_SALT_KEY).await? {
        Some(hex) => hex,
        None => {
            let hex = auth::new_receipt_salt();
            store.set_meta(RECEIPT_SALT_KEY, &hex, now).await?;
            hex
        }
    };
    data_encoding::HEXLOWER.decode(hex.as_bytes()).map_err(|_| StoreError::Corrupt("receipt salt".into()))
}
