//! The storage contract: every test runs on SQLite and on a real PostgreSQL server.

use netra_core::builtin;
use netra_core::election::Election;
use netra_core::region::{RegionCode, RegionLevel, RegionSet};
use netra_store::testing::{postgres_store, sqlite_store};
use netra_store::{Backend, Store, StoreError, ensure_reference_data};
use time::OffsetDateTime;
use time::macros::datetime;
use uuid::Uuid;

/// Runs a contract check on both backends.
macro_rules! contract {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let (_dir, store) = netra_store::testing::sqlite_store().await;
                super::$name(&store).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let store = netra_store::testing::postgres_store().await;
                super::$name(&store).await;
            }
        }
    };
}

const NOW: OffsetDateTime = datetime!(2024-11-23 10:00 +7);

fn code(text: &str) -> RegionCode {
    RegionCode::parse(text).unwrap()
}

contract!(reference_data_loads_once_and_answers_region_queries);
async fn reference_data_loads_once_and_answers_region_queries(store: &dyn Store) {
    store.ping().await.unwrap();
    let first = ensure_reference_data(store, NOW).await.unwrap();
    assert_eq!(first.regions_loaded, Some(builtin::regions().len() as u64));
    let second = ensure_reference_data(store, NOW).await.unwrap();
    assert_eq!(second.regions_loaded, None, "an unchanged version is not reloaded");
    assert_eq!(store.data_loads(10).await.unwrap().len(), 1);

    let counts = store.region_counts().await.unwrap();
    assert_eq!((counts.provinces, counts.regencies), (38, 514));
    assert_eq!(counts.districts as usize, builtin::regions().count(RegionLevel::District));

    assert_eq!(store.region(code("32.04")).await.unwrap().unwrap().name, "Kabupaten Bandung");
    assert!(store.region(code("32.99")).await.unwrap().is_none());
    let west_java = store.region_children(Some(code("32"))).await.unwrap();
    assert_eq!(west_java.len(), 27);
    assert!(west_java.windows(2).all(|pair| pair[0].code < pair[1].code));
    assert_eq!(store.region_children(None).await.unwrap().len(), 38);

    let found = store.search_regions("BANDUNG", Some(RegionLevel::Regency), 10).await.unwrap();
    let names: Vec<&str> = found.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["Kabupaten Bandung", "Kabupaten Bandung Barat", "Kota Bandung"]);
    assert!(store.search_regions("100%_", None, 10).await.unwrap().is_empty(), "wildcards are escaped");
    assert_eq!(store.search_regions("ra\"as", None, 10).await.unwrap()[0].code, code("35.29.22"));
}

contract!(a_new_region_version_replaces_the_tables_and_logs_the_load);
async fn a_new_region_version_replaces_the_tables_and_logs_the_load(store: &dyn Store) {
    ensure_reference_data(store, NOW).await.unwrap();
    let small = RegionSet::from_csv(
        "code,name\n32,Jawa Barat\n",
        "code,province_code,name\n32.04,32,Kab. Bandung\n",
        "code,regency_code,name\n32.04.01,32.04,Cileunyi\n",
    )
    .unwrap();
    let later = datetime!(2025-01-02 08:00 +7);
    let load_id = Uuid::now_v7();
    assert_eq!(store.replace_regions(&small, "test-1", load_id, later).await.unwrap(), 3);
    let counts = store.region_counts().await.unwrap();
    assert_eq!((counts.provinces, counts.regencies, counts.districts), (1, 1, 1));
    assert_eq!(store.region(code("32.04")).await.unwrap().unwrap().name, "Kab. Bandung");
    let loads = store.data_loads(10).await.unwrap();
    assert_eq!(loads.len(), 2);
    assert_eq!((loads[0].id, loads[0].version.as_str(), loads[0].row_count), (load_id, "test-1", 3));
    assert_eq!(loads[0].loaded_at, later);
}

contract!(elections_round_trip_with_their_stages);
async fn elections_round_trip_with_their_stages(store: &dyn Store) {
    for election in builtin::elections() {
        store.upsert_election(election).await.unwrap();
    }
    let stored = store.election("pilkada-2024").await.unwrap().unwrap();
    assert_eq!(&stored, builtin::election("pilkada-2024").unwrap());
    let all: Vec<String> = store.elections().await.unwrap().into_iter().map(|e| e.id).collect();
    assert_eq!(all, ["pilkada-2024", "pemilu-2024"]);
    assert!(store.election("nope").await.unwrap().is_none());
}

contract!(a_failed_election_write_leaves_nothing_half_written);
async fn a_failed_election_write_leaves_nothing_half_written(store: &dyn Store) {
    let original: Election = builtin::election("pilkada-2024").unwrap().clone();
    store.upsert_election(&original).await.unwrap();
    let mut broken = original.clone();
    broken.name_id = "Nama baru".into();
    let duplicate = broken.stages[0].clone();
    broken.stages.push(duplicate); // same (election_id, stage_id): the insert fails half-way
    let error = store.upsert_election(&broken).await.unwrap_err();
    assert!(matches!(error, StoreError::Database(_)), "{error:?}");
    let stored = store.election("pilkada-2024").await.unwrap().unwrap();
    assert_eq!(stored, original, "the failed write was rolled back whole");
}

contract!(meta_values_are_upserted);
async fn meta_values_are_upserted(store: &dyn Store) {
    assert_eq!(store.meta("k").await.unwrap(), None);
    store.set_meta("k", "1", NOW).await.unwrap();
    store.set_meta("k", "2", NOW).await.unwrap();
    assert_eq!(store.meta("k").await.unwrap().as_deref(), Some("2"));
}

#[tokio::test]
async fn each_backend_reports_itself() {
    let (_dir, sqlite) = sqlite_store().await;
    assert_eq!(sqlite.backend(), Backend::Sqlite);
    assert_eq!(postgres_store().await.backend(), Backend::Postgres);
}
