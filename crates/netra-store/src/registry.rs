//! The ASN registry in the store: an atomic, streaming import with position history, the scan that feeds the
//! in-memory match index (`netra_registry::index`), and lookups by internal id.

use async_trait::async_trait;
use netra_registry::index::{IndexBuilder, PersonInput, RegistryIndex};
use netra_registry::rows::RegistryRow;
use time::Date;

use crate::StoreResult;
use crate::accounts::AuditContext;

/// Rows per batch sent to [`RegistryStore::import_registry`].
pub const IMPORT_BATCH: usize = 2000;

/// What an import is, for its record and audit entry.
#[derive(Debug, Clone)]
pub struct ImportMeta {
    pub file_name: String,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// Rows of the file that were refused (listed in the error file).
    pub problem_count: u64,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub import_id: String,
    pub rows: u64,
    pub new: u64,
    pub updated: u64,
    /// Persons whose position, unit, agency or region changed (a history row each).
    pub moved: u64,
}

/// What the file reader sends to [`RegistryStore::import_registry`]: batches of rows, then `Done` with the
/// file's digest and refused-row count (known only at the end), or `Failed` (then nothing is imported).
#[derive(Debug)]
pub enum ImportMessage {
    Rows(Vec<RegistryRow>),
    Done(ImportMeta),
    Failed(String),
}

/// One person as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRecord {
    pub id: i64,
    pub nip: String,
    pub name: String,
    pub front_titles: String,
    pub back_titles: String,
    /// `L` or `P`.
    pub gender: String,
    pub birth_date: Option<Date>,
    pub employment_kind: String,
    pub employment_state: String,
    pub position_kind: String,
    pub position: String,
    pub unit: String,
    pub agency: String,
    pub region_code: String,
    pub position_since: Date,
}

impl PersonRecord {
    /// The name with its titles.
    pub fn display_name(&self) -> String {
        netra_registry::rows::display_name(&self.front_titles, &self.name, &self.back_titles)
    }
}

/// An earlier position of a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastPosition {
    pub position_kind: String,
    pub position: String,
    pub unit: String,
    pub agency: String,
    pub region_code: String,
    pub since: Date,
    pub until: Date,
}

#[async_trait]
pub trait RegistryStore: Send + Sync {
    /// Imports the rows received in one transaction, with one audit entry: new NIPs are added, known NIPs
    /// updated in place, and a changed position is moved to the history (dated the import day). When the reader
    /// sends `Failed`, the channel closes before `Done`, or any write fails, nothing is kept.
    async fn import_registry(
        &self,
        ctx: &AuditContext,
        rows: &mut tokio::sync::mpsc::Receiver<ImportMessage>,
    ) -> StoreResult<ImportSummary>;

    /// Calls `visit` with every person, in id order. The scan reads in pages; an import committed meanwhile may be
    /// seen in part (callers that cache compare [`RegistryStore::latest_registry_import`] and scan again).
    async fn scan_registry(&self, visit: &mut (dyn FnMut(PersonRecord) + Send)) -> StoreResult<u64>;

    async fn registry_person(&self, id: i64) -> StoreResult<Option<PersonRecord>>;

    async fn registry_person_by_nip(&self, nip: &str) -> StoreResult<Option<PersonRecord>>;

    /// Earlier positions, latest first.
    async fn registry_history(&self, id: i64) -> StoreResult<Vec<PastPosition>>;

    async fn registry_count(&self) -> StoreResult<u64>;

    /// The id of the latest import (ids grow with time), or `None` before the first: a cached match index is
    /// current while this is unchanged, since imports are the only writes to the registry.
    async fn latest_registry_import(&self) -> StoreResult<Option<String>>;
}

/// Builds the in-memory match index from the stored registry. The build itself (sorting and packing) runs on a
/// blocking thread so that a server keeps answering meanwhile.
pub async fn load_index(store: &dyn RegistryStore) -> StoreResult<RegistryIndex> {
    let mut builder = IndexBuilder::new();
    store
        .scan_registry(&mut |person| {
            builder.add(&person_input(&person));
        })
        .await?;
    tokio::task::spawn_blocking(move || builder.build())
        .await
        .map_err(|error| crate::StoreError::Invalid(format!("building the registry index failed: {error}")))
}

/// The index's view of a stored person.
pub fn person_input(person: &PersonRecord) -> PersonInput<'_> {
    use netra_registry::rows::{EmploymentState, PositionKind, parse_gender};
    PersonInput {
        id: person.id,
        nip: &person.nip,
        name: &person.name,
        front_titles: &person.front_titles,
        back_titles: &person.back_titles,
        gender: parse_gender(&person.gender).unwrap_or(netra_core::ident::Gender::Male),
        state: match person.employment_state.as_str() {
            "pensiun" => EmploymentState::Retired,
            "diberhentikan" => EmploymentState::Dismissed,
            _ => EmploymentState::Active,
        },
        position_kind: PositionKind::parse(&person.position_kind).unwrap_or(PositionKind::Pelaksana),
        position: &person.position,
        unit: &person.unit,
        agency: &person.agency,
        region: netra_core::region::RegionCode::parse(&person.region_code)
            .unwrap_or_else(|_| netra_core::region::RegionCode::province(0)),
    }
}
