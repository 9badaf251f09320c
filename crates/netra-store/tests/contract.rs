//! The storage contract: every test runs on SQLite and on a real PostgreSQL server.

use netra_core::builtin;
use netra_core::election::Election;
use netra_core::region::{RegionCode, RegionLevel, RegionSet};
use netra_store::testing::{postgres_store, sqlite_store};
use netra_store::{Backend, Store, StoreError, ensure_reference_data};
use time::OffsetDateTime;
use time::macros::datetime;
use uuid::Uuid;

use std::sync::Arc;

use netra_core::role::Role;
use netra_store::access::{AccessError, CandidatePairInput, NewUserInput, Principal};
use netra_store::verify_audit_chain;

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

/// Runs a check that needs a shared store (for capability handles) on both backends.
macro_rules! contract_shared {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let (_dir, store) = netra_store::testing::sqlite_store().await;
                super::$name(std::sync::Arc::new(store)).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let store = netra_store::testing::postgres_store().await;
                super::$name(std::sync::Arc::new(store)).await;
            }
        }
    };
}

async fn demo_principal(store: &Arc<dyn Store>, username: &str) -> Principal {
    let user = store.user_by_username(username).await.unwrap().expect("demo user exists");
    Principal::load(store.as_ref(), &user.id).await.unwrap().expect("active user")
}

contract_shared!(demo_scenario_is_scoped_and_audited);
async fn demo_scenario_is_scoped_and_audited(store: Arc<dyn Store>) {
    ensure_reference_data(store.as_ref(), NOW).await.unwrap();
    let logins = netra_store::demo::seed(store.as_ref(), NOW).await.unwrap();
    assert_eq!(logins.len(), Role::ALL.len(), "one login per role");
    let head = verify_audit_chain(store.as_ref()).await.unwrap().expect("untouched chain is intact");
    assert!(head.length > 60, "every seeded object is audited: {}", head.length);

    // Bawaslu Kabupaten Bandung sees its own and the governor's pairs, not Kota Bandung's, and edits only its own.
    let kab = demo_principal(&store, "bawaslu.kabbandung").await;
    let desk = kab.candidate_desk(&store).unwrap();
    let pairs = desk.list(Some("pilkada-2024")).await.unwrap();
    let regions: std::collections::BTreeSet<String> = pairs.iter().map(|p| p.region.to_string()).collect();
    assert_eq!(regions.into_iter().collect::<Vec<_>>(), ["32", "32.04"]);
    let governor = pairs.iter().find(|p| p.region == code("32")).unwrap();
    assert!(matches!(desk.delete(&governor.id, NOW).await, Err(AccessError::Denied)));
    let all = store.candidate_pairs(None).await.unwrap();
    let city = all.iter().find(|p| p.region == code("32.73")).unwrap();
    assert!(matches!(desk.get(&city.id).await, Err(AccessError::NotFound)), "out of scope is not found");
    let input = CandidatePairInput {
        election_id: "pilkada-2024".into(),
        region: "32.04".into(),
        ballot_number: "2".into(),
        head_name: "Dup".into(),
        deputy_name: "Dup".into(),
        ..CandidatePairInput::default()
    };
    assert!(matches!(desk.create(&input, NOW).await, Err(AccessError::Conflict(_))), "ballot numbers are unique");
    let elsewhere = CandidatePairInput { region: "32.73".into(), ballot_number: "9".into(), ..input.clone() };
    assert!(matches!(desk.create(&elsewhere, NOW).await, Err(AccessError::Denied)), "outside the jurisdiction");
    let before = verify_audit_chain(store.as_ref()).await.unwrap().unwrap().length;
    let created = desk.create(&CandidatePairInput { ballot_number: "3".into(), ..input }, NOW).await.unwrap();
    let trail = kab.audit_reader(&store).unwrap().object_trail("candidate_pair", &created.id).await.unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].actor, kab.user.id);
    assert_eq!(verify_audit_chain(store.as_ref()).await.unwrap().unwrap().length, before + 1);

    // A PPK office has no candidate editing and no user administration; an agency admin only its agency's users.
    let ppk = demo_principal(&store, "ppk.kabbandung").await;
    assert!(matches!(ppk.user_admin(&store), Err(AccessError::Denied)));
    assert!(!ppk.candidate_desk(&store).unwrap().may_edit());
    let admin = demo_principal(&store, "admin.kabbandung").await;
    let users = admin.user_admin(&store).unwrap().list().await.unwrap();
    let names: Vec<&str> = users.iter().map(|(u, _)| u.username.as_str()).collect();
    assert_eq!(names, ["admin.kabbandung", "asn.demo", "inspektorat.kabbandung", "ppk.kabbandung"]);
    let bawaslu_user = store.user_by_username("bawaslu.jabar").await.unwrap().unwrap();
    assert!(matches!(admin.user_admin(&store).unwrap().get(&bawaslu_user.id).await, Err(AccessError::NotFound)));
    let grant = NewUserInput {
        username: "staf.baru".into(),
        display_name: "Staf Baru".into(),
        role: "bawaslu_ri".into(),
        office_id: admin.office.id.clone(),
        password: "sandi-yang-panjang".into(),
    };
    match admin.user_admin(&store).unwrap().create(&grant, NOW).await {
        Err(AccessError::Invalid(errors)) => assert!(errors.iter().any(|e| e.field == "role")),
        other => panic!("an agency admin cannot grant Bawaslu roles: {other:?}"),
    }
    let made = admin
        .user_admin(&store)
        .unwrap()
        .create(&NewUserInput { role: "ppk_office".into(), ..grant }, NOW)
        .await
        .unwrap();
    assert!(made.must_change_password);
    let hash = store.password_hash(&made.id).await.unwrap().unwrap();
    assert!(netra_store::auth::verify_password("sandi-yang-panjang", &hash));
}

contract!(sessions_and_login_failures);
async fn sessions_and_login_failures(store: &dyn Store) {
    ensure_reference_data(store, NOW).await.unwrap();
    netra_store::demo::seed(store, NOW).await.unwrap();
    let user = store.user_by_username("BAWASLU.RI").await.unwrap().expect("usernames are case-insensitive");
    let session = netra_store::accounts::SessionRecord {
        token_hash: netra_store::auth::token_hash("token"),
        user_id: user.id.clone(),
        csrf_token: "csrf".into(),
        second_factor: true,
        created_at: NOW,
        last_seen_at: NOW,
        expires_at: NOW + time::Duration::hours(8),
    };
    store.create_session(&session).await.unwrap();
    assert_eq!(store.session(&session.token_hash).await.unwrap(), Some(session.clone()));
    assert_eq!(store.session_count(&user.id).await.unwrap(), 1);
    let ctx = netra_store::AuditContext::system(NOW);
    assert_eq!(store.revoke_sessions(&ctx, &user.id).await.unwrap(), 1);
    assert_eq!(store.session(&session.token_hash).await.unwrap(), None, "revoked sessions are gone");

    let keys = ["user:x".to_string(), "addr:127.0.0.1".to_string()];
    for second in 0..3 {
        store.record_login_failure(&keys, 1_000 + second, 0).await.unwrap();
    }
    assert_eq!(store.login_failures_since("user:x", 1_001).await.unwrap(), 2);
    store.record_login_failure(&keys[..1], 5_000, 2_000).await.unwrap();
    assert_eq!(store.login_failures_since("addr:127.0.0.1", 0).await.unwrap(), 0, "old failures are pruned");
    store.clear_login_failures("user:x").await.unwrap();
    assert_eq!(store.login_failures_since("user:x", 0).await.unwrap(), 0);
}

contract_shared!(cases_move_through_scopes_lists_and_merges);
async fn cases_move_through_scopes_lists_and_merges(store: Arc<dyn Store>) {
    use netra_core::workflow::Action;
    use netra_store::cases::{CaseQuery, CaseScope, Channel, WorkTab};
    use netra_store::casework::{self, HandOff, ReportInput, Vault};
    use time::macros::date;

    ensure_reference_data(store.as_ref(), NOW).await.unwrap();
    netra_store::demo::seed(store.as_ref(), NOW).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (vault, _) = Vault::open(store.as_ref(), dir.path(), NOW).await.unwrap();
    let input = |name: &str, region: &str| ReportInput {
        description: format!("{name} memasang baliho paslon nomor 1 di kantor kelurahan pada jam dinas."),
        occurred_on: "2024-09-29".into(),
        known_on: "2024-09-30".into(),
        region_code: region.into(),
        person_name: name.into(),
        mode: "anonymous".into(),
        ..ReportInput::default()
    };
    let filed_at = time::macros::datetime!(2024-10-01 09:00 +7);
    let mut ids = Vec::new();
    for (name, region) in [("Ujang Sutisna", "32.04"), ("Ujang Sutisna", "32.04"), ("Rina Marlina", "32.73")] {
        let valid =
            casework::validate_report(store.as_ref(), &input(name, region), date!(2024 - 10 - 01)).await.unwrap();
        let filed = casework::submit_public_report(store.as_ref(), &vault, valid, Channel::Api, Vec::new(), filed_at)
            .await
            .unwrap();
        assert!(filed.receipt.is_some());
        ids.push(filed.case_id);
    }
    // Scopes: Kabupaten Bandung sees its two, the province all three, BKN none yet.
    let kab = demo_principal(&store, "bawaslu.kabbandung").await;
    let kab_desk = kab.case_desk(&store).unwrap();
    assert_eq!(kab_desk.list(CaseQuery::new(CaseScope::All)).await.unwrap().len(), 2, "scope is forced");
    let prov = demo_principal(&store, "bawaslu.jabar").await;
    assert_eq!(prov.case_desk(&store).unwrap().list(CaseQuery::new(CaseScope::All)).await.unwrap().len(), 3);
    let bkn = demo_principal(&store, "bkn.kanreg3").await;
    let bkn_desk = bkn.case_desk(&store).unwrap();
    assert!(bkn_desk.list(CaseQuery::new(CaseScope::All)).await.unwrap().is_empty());
    assert!(matches!(kab_desk.case(&ids[2]).await, Err(netra_store::access::AccessError::NotFound)));

    // Keyset pages and the due-date tab.
    let mut query = CaseQuery::new(CaseScope::All);
    query.limit = 1;
    let first = kab_desk.list(query.clone()).await.unwrap();
    query.after = Some(netra_store::cases::Cursor { due_on: None, case_id: first[0].id.clone() });
    let second = kab_desk.list(query).await.unwrap();
    assert_eq!(second.len(), 1);
    assert_ne!(first[0].id, second[0].id);
    let mut due = CaseQuery::new(CaseScope::All);
    due.tab = WorkTab::DueSoon { today: date!(2024 - 10 - 01), until: date!(2024 - 10 - 10) };
    assert!(kab_desk.list(due).await.unwrap().is_empty(), "received reports run no clock until registered");

    // A transition with a stale version is refused; a current one is saved with its audit entry.
    let case = kab_desk.case(&ids[0]).await.unwrap();
    let at = filed_at + time::Duration::hours(1);
    let stale = kab_desk
        .act(
            &case.id,
            case.version + 1,
            Action::BeginPreliminaryCheck { on: date!(2024 - 10 - 01) },
            HandOff::default(),
            at,
        )
        .await;
    assert!(matches!(stale, Err(netra_store::access::AccessError::Conflict(_))));
    let case = kab_desk
        .act(
            &case.id,
            case.version,
            Action::BeginPreliminaryCheck { on: date!(2024 - 10 - 01) },
            HandOff::default(),
            at,
        )
        .await
        .unwrap();
    let events = store.case_events(&case.id).await.unwrap();
    assert_eq!(events.len(), 2);

    // The intake assessment explains the anonymous reporter's missing standing and the phase.
    let assessed = casework::assess_case(&case, netra_core::intake::ReporterMode::Anonymous).unwrap();
    assert_eq!(assessed.overall(), netra_core::intake::Outcome::NotMet);
    assert_eq!(assessed.phase, Some(netra_core::election::DeterminationPhase::After));

    // Staff complete the facts: unknown catalogue items are refused; confirmed items drive the act filter.
    let mut facts = casework::FactsInput {
        person_name: "Ujang Sutisna".into(),
        agency_id: "pemkab-bandung".into(),
        items: vec!["NO-SUCH-ITEM".into()],
        ..Default::default()
    };
    let refused = kab_desk.update_facts(&case.id, case.version, &facts, at).await;
    assert!(matches!(refused, Err(netra_store::access::AccessError::Invalid(_))));
    facts.items = vec!["PP-MOBILISE".into()];
    kab_desk.update_facts(&case.id, case.version, &facts, at).await.unwrap();
    let case = kab_desk.case(&case.id).await.unwrap();
    let mut by_act = CaseQuery::new(CaseScope::All);
    by_act.act = Some(netra_core::catalogue::ActLabel::MobiliseStaff);
    assert_eq!(kab_desk.list(by_act.clone()).await.unwrap().len(), 1);
    by_act.act = Some(netra_core::catalogue::ActLabel::SocmedPost);
    assert!(kab_desk.list(by_act).await.unwrap().is_empty());

    // Bawaslu enters a finding in its own region, not elsewhere; findings get no receipt.
    let finding = casework::validate_report(store.as_ref(), &input("Dadang Hermawan", "32.04"), date!(2024 - 10 - 01))
        .await
        .unwrap();
    let recorded = kab_desk
        .intake(&vault, finding.clone(), netra_core::intake::CaseOrigin::Finding, Vec::new(), at)
        .await
        .unwrap();
    assert!(recorded.receipt.is_none());
    assert_eq!(
        kab_desk.case(&recorded.case_id).await.unwrap().state(),
        netra_core::workflow::CaseState::TemuanRecorded
    );
    let elsewhere = netra_store::casework::ValidReport { region: "32.73".parse().unwrap(), ..finding };
    let refused = kab_desk.intake(&vault, elsewhere, netra_core::intake::CaseOrigin::Finding, Vec::new(), at).await;
    assert!(matches!(refused, Err(netra_store::access::AccessError::Denied)));
    assert!(matches!(
        bkn.case_desk(&store)
            .unwrap()
            .intake(
                &vault,
                casework::validate_report(store.as_ref(), &input("X Y", "32.04"), date!(2024 - 10 - 01)).await.unwrap(),
                netra_core::intake::CaseOrigin::Finding,
                Vec::new(),
                at
            )
            .await,
        Err(netra_store::access::AccessError::Denied)
    ));

    // Registration starts the 3-day kajian clock (due 4 Oct); a reminder reaches the office once.
    let case = kab_desk
        .act(
            &case.id,
            case.version,
            Action::Register { on: date!(2024 - 10 - 01), number: "001/Reg".into() },
            HandOff::default(),
            at,
        )
        .await
        .unwrap();
    let reminder_time = time::macros::datetime!(2024-10-03 08:00 +7);
    assert_eq!(casework::send_deadline_reminders(store.as_ref(), reminder_time, 2).await.unwrap(), 1);
    assert_eq!(casework::send_deadline_reminders(store.as_ref(), reminder_time, 2).await.unwrap(), 0, "idempotent");
    let inbox = kab_desk.inbox(20).await.unwrap();
    assert!(inbox.iter().any(|n| n.kind == "deadline" && n.body.contains("2024-10-04")), "{inbox:?}");

    // Duplicates and merge.
    let offered = kab_desk.duplicates(&case).await.unwrap();
    assert_eq!(offered.len(), 1);
    let other = offered[0].case.clone();
    kab_desk.merge(&case.id, case.version, &other.id, other.version, at).await.unwrap();
    assert_eq!(store.case_reports(&case.id).await.unwrap().len(), 2);
    let left: Vec<_> = kab_desk.list(CaseQuery::new(CaseScope::All)).await.unwrap().into_iter().map(|c| c.id).collect();
    assert_eq!(left, [recorded.case_id.clone(), case.id.clone()], "the merged case leaves the list; the finding stays");
    assert!(verify_audit_chain(store.as_ref()).await.unwrap().is_ok());
}

/// A minimal SMTP server on loopback that accepts every message and keeps its DATA.
async fn fake_smtp() -> (u16, Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(std::sync::Mutex::new(Vec::new()));
    let inbox = received.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let inbox = inbox.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 fake.test ESMTP\r\n").await.ok();
                while let Ok(Some(line)) = lines.next_line().await {
                    let command = line.to_ascii_uppercase();
                    let reply: &[u8] = if command.starts_with("EHLO") {
                        b"250-fake.test\r\n250 8BITMIME\r\n"
                    } else if command.starts_with("DATA") {
                        write.write_all(b"354 go ahead\r\n").await.ok();
                        let mut data = String::new();
                        while let Ok(Some(line)) = lines.next_line().await {
                            if line == "." {
                                break;
                            }
                            data.push_str(&line);
                            data.push('\n');
                        }
                        inbox.lock().unwrap().push(data);
                        b"250 queued\r\n"
                    } else if command.starts_with("QUIT") {
                        write.write_all(b"221 bye\r\n").await.ok();
                        break;
                    } else {
                        b"250 OK\r\n"
                    };
                    write.write_all(reply).await.ok();
                }
            });
        }
    });
    (port, received)
}

contract_shared!(notifications_are_mailed_once_through_smtp_and_retried_after_a_failure);
async fn notifications_are_mailed_once_through_smtp_and_retried_after_a_failure(store: Arc<dyn Store>) {
    use netra_store::cases::Notification;
    use netra_store::mail::{MailConfig, Mailer};
    ensure_reference_data(store.as_ref(), NOW).await.unwrap();
    netra_store::demo::seed(store.as_ref(), NOW).await.unwrap();
    let offices = store.offices().await.unwrap();
    let mut kab = offices.iter().find(|o| o.name == "Bawaslu Kabupaten Bandung").unwrap().clone();
    kab.email = Some("bawaslu.kabbandung@contoh.id".into());
    store.update_office(&netra_store::AuditContext::system(NOW), &kab).await.unwrap();
    let without_email = offices.iter().find(|o| o.email.is_none() && o.id != kab.id).unwrap();
    let note = |office: &str, body: &str, at: OffsetDateTime| Notification {
        id: Uuid::now_v7().to_string(),
        office_id: office.into(),
        case_id: None,
        kind: "new_report".into(),
        body: body.into(),
        dedupe_key: None,
        created_at: at,
        read_at: None,
    };
    store
        .add_notifications(&[
            note(&kab.id, "Laporan baru: NTR-2024-000042 (Asep Sunandar)", NOW),
            note(&without_email.id, "Tanpa surel", NOW),
            note(&kab.id, "Sudah lama", NOW - time::Duration::days(10)),
        ])
        .await
        .unwrap();

    // The server is down: nothing is marked, so the next run sends it.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = |port: u16| MailConfig {
        host: "127.0.0.1".into(),
        port,
        from: "Netra <netra@contoh.id>".into(),
        username: None,
        password: None,
        base_url: Some("https://netra.contoh.id/".into()),
    };
    assert!(Mailer::new(&config(closed)).unwrap().send_pending(store.as_ref(), NOW).await.is_err());
    assert_eq!(store.unmailed_notifications(NOW - time::Duration::days(3), 10).await.unwrap().len(), 1);

    let (port, received) = fake_smtp().await;
    let mailer = Mailer::new(&config(port)).unwrap();
    assert_eq!(mailer.send_pending(store.as_ref(), NOW).await.unwrap(), 1, "one office has an address");
    let mails = received.lock().unwrap().clone();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("To: bawaslu.kabbandung@contoh.id"), "{}", mails[0]);
    assert!(mails[0].contains("Subject: [Netra] Laporan baru"), "{}", mails[0]);
    assert!(mails[0].contains("NTR-2024-000042"));
    assert!(!mails[0].contains("/kasus/"), "a notice without a case has no case link");
    assert_eq!(mailer.send_pending(store.as_ref(), NOW).await.unwrap(), 0, "each notification is mailed once");
    assert!(Mailer::new(&MailConfig { from: "not an address".into(), ..config(port) }).is_err());
}

contract_shared!(a_ppk_that_lets_the_follow_up_deadline_pass_is_flagged_once_and_bkn_is_told);
async fn a_ppk_that_lets_the_follow_up_deadline_pass_is_flagged_once_and_bkn_is_told(store: Arc<dyn Store>) {
    use netra_core::clock::ClockKind;
    use netra_core::workflow::{CaseSnapshot, CaseState, RunningClock, WorkflowRules};
    use netra_store::cases::{CaseEvent, CaseRecord, NewCase, ReportedPerson};
    use time::macros::date;
    ensure_reference_data(store.as_ref(), NOW).await.unwrap();
    netra_store::demo::seed(store.as_ref(), NOW).await.unwrap();
    let bkn = store.offices().await.unwrap().into_iter().find(|o| o.name.contains("Regional III")).unwrap();
    let ctx = netra_store::AuditContext::system(NOW);
    let mut ids = Vec::new();
    for (n, due) in [(1, date!(2024 - 11 - 20)), (2, date!(2024 - 11 - 30))] {
        let mut snapshot = CaseSnapshot::new(date!(2024 - 11 - 01), WorkflowRules::builtin()).unwrap();
        snapshot.state = CaseState::PpkProcess;
        snapshot.clocks = vec![RunningClock {
            kind: ClockKind::PpkFollowUp,
            started_on: due - time::Duration::days(10),
            due_on: due,
        }];
        let id = Uuid::now_v7().to_string();
        let case = CaseRecord {
            id: id.clone(),
            number: String::new(),
            origin: netra_core::intake::CaseOrigin::OnlineReport,
            snapshot,
            election_id: Some("pilkada-2024".into()),
            occurred_on: date!(2024 - 10 - 30),
            known_on: date!(2024 - 11 - 01),
            received_on: date!(2024 - 11 - 01),
            region: code("32.04"),
            place: String::new(),
            latitude: None,
            longitude: None,
            description: format!("Kasus {n}"),
            person: ReportedPerson { name: format!("ASN {n}"), ..Default::default() },
            agency_id: Some("pemkab-bandung".into()),
            links: vec![],
            items: vec![],
            bawaslu_office_id: None,
            bkn_office_id: Some(bkn.id.clone()),
            ppk_agency_id: Some("pemkab-bandung".into()),
            merged_into: None,
            registry_person_id: None,
            created_at: NOW,
            updated_at: NOW,
            version: 1,
        };
        let event = CaseEvent {
            case_id: id.clone(),
            seq: 0,
            action: "ppk_receive".into(),
            from_state: CaseState::RecommendationSent,
            to_state: CaseState::PpkProcess,
            on: due - time::Duration::days(10),
            actor: "system".into(),
            office_id: None,
            detail: "{}".into(),
            at: NOW,
        };
        store
            .create_case(
                &ctx,
                &NewCase { case, report: None, evidence: vec![], event, notifications: vec![], from_post: None },
            )
            .await
            .unwrap();
        ids.push(id);
    }
    // 23 Nov: the first PPK's deadline (20 Nov) has passed, the second's (30 Nov) has not.
    assert_eq!(netra_store::casework::flag_silent_ppks(store.as_ref(), NOW).await.unwrap(), 1);
    let flagged = store.case(&ids[0]).await.unwrap().unwrap();
    assert_eq!(flagged.state(), CaseState::NotFollowedUp);
    let events = store.case_events(&ids[0]).await.unwrap();
    let last = events.last().unwrap();
    assert_eq!(
        (last.action.as_str(), last.on, last.actor.as_str()),
        ("flag_non_compliance", date!(2024 - 11 - 21), "system")
    );
    assert_eq!(store.case(&ids[1]).await.unwrap().unwrap().state(), CaseState::PpkProcess);
    let told = store.notifications(&bkn.id, 10).await.unwrap();
    assert!(told.iter().any(|n| n.body.contains(&flagged.number) && n.body.contains("2024-11-20")), "{told:?}");
    assert_eq!(netra_store::casework::flag_silent_ppks(store.as_ref(), NOW).await.unwrap(), 0, "once");
    assert!(verify_audit_chain(store.as_ref()).await.unwrap().is_ok());
}

contract_shared!(patrol_accounts_batches_queue_and_findings);
async fn patrol_accounts_batches_queue_and_findings(store: Arc<dyn Store>) {
    use netra_store::casework::{Vault, screen_batch};
    use netra_store::patrol::Review;

    ensure_reference_data(store.as_ref(), NOW).await.unwrap();
    netra_store::demo::seed(store.as_ref(), NOW).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (vault, _) = Vault::open(store.as_ref(), dir.path(), NOW).await.unwrap();
    let kab = demo_principal(&store, "bawaslu.kabbandung").await;
    let prov = demo_principal(&store, "bawaslu.jabar").await;
    let bkn = demo_principal(&store, "bkn.kanreg3").await;
    assert!(matches!(bkn.patrol_desk(&store), Err(AccessError::Denied)), "patrol is Bawaslu's");
    let kab_desk = kab.patrol_desk(&store).unwrap();
    let prov_desk = prov.patrol_desk(&store).unwrap();
    let before = store.asn_accounts(None, 100).await.unwrap().len();

    // An import with one row outside the jurisdiction and one unknown agency imports nothing and names both.
    let header = "platform,akun,nama,nip,jabatan,instansi,kode_wilayah\n";
    let bad = format!(
        "{header}instagram,@Asep.Camat,Asep Sunandar,,Camat Cileunyi,pemkab-bandung,32.04\n\
         x,guru_eko,Eko,,Guru,,35.78\n\
         x,guru_dedi,Dedi,,Guru,pemkab-entah,32.04\n"
    );
    let Err(AccessError::Invalid(errors)) = kab_desk.import_accounts(bad.as_bytes(), NOW).await else {
        panic!("refused")
    };
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].id.starts_with("baris 3, kolom kode_wilayah"), "{errors:?}");
    assert!(errors[1].id.starts_with("baris 4, kolom instansi"), "{errors:?}");
    assert_eq!(store.asn_accounts(None, 100).await.unwrap().len(), before, "nothing half-written");

    let good = format!(
        "{header}instagram,@Asep.Camat,Asep Sunandar,,Camat Cileunyi,pemkab-bandung,32.04\n\
         x,https://x.com/guru_dedi,Dedi Kurnia,,Guru SD,,32.04.05\n"
    );
    let import = kab_desk.import_accounts(good.as_bytes(), NOW).await.unwrap();
    assert_eq!((import.added, import.updated), (2, 0));
    let again = kab_desk.import_accounts(good.replace("Guru SD", "Guru SMP").as_bytes(), NOW).await.unwrap();
    assert_eq!((again.added, again.updated), (0, 2), "a re-import updates in place");
    let city = format!("{header}facebook,rina.lurah,Rina Marlina,,Lurah,,32.73\n");
    prov_desk.import_accounts(city.as_bytes(), NOW).await.unwrap();
    let mine = kab_desk.accounts(100).await.unwrap();
    assert!(mine.iter().any(|a| a.handle == "guru_dedi" && a.position == "Guru SMP"));
    assert!(!mine.iter().any(|a| a.handle == "rina.lurah"), "Kota Bandung is not the kabupaten's");
    assert_eq!(store.asn_accounts_by_handle(&["asep.camat".into(), "rina.lurah".into()]).await.unwrap().len(), 2);

    // A batch: partisan posts by two known accounts (one in each jurisdiction) and an unknown one, a neutral
    // post by a known account, and a broken line.
    let partisan = "Ayo dukung dan coblos paslon nomor 2! Salam dua jari, menangkan pasangan kita di pilkada";
    let batch = format!(
        "akun,url,waktu,teks\n\
         @asep.camat,https://www.instagram.com/p/abc/,2024-09-28 08:30,\"{partisan}\"\n\
         guru_dedi,https://x.com/guru_dedi/status/1,2024-09-28 09:00,Selamat pagi anak-anak. Besok ujian matematika.\n\
         akun_lain,,2024-09-28 10:00,\"{partisan}\"\n\
         rina.lurah,,2024-09-29,\"{partisan}\"\n\
         rina.lurah,,kemarin,teks\n"
    );
    let screener = netra_screen::Screener::builtin();
    let screened = screen_batch(&screener, "patroli.csv", batch.as_bytes());
    assert_eq!((screened.lines, screened.posts, screened.problems.len()), (5, 4, 1));
    let saved = kab_desk.record(screened, Some("pilkada-2024".into()), NOW).await.unwrap();
    assert_eq!((saved.posts, saved.flagged, saved.queued, saved.problem_count), (4, 3, 2, 1));
    let (stored, posts) = kab_desk.batch(&saved.id).await.unwrap();
    assert_eq!(stored, saved);
    assert_eq!(posts.iter().map(|p| p.line).collect::<Vec<_>>(), [2, 4, 5]);
    assert_eq!(posts[1].review, Review::None, "an unknown account is not queued");
    assert!(prov_desk.batch(&saved.id).await.is_ok(), "the province sees its regencies' batches");

    // Each jurisdiction's queue holds its own accounts' posts.
    let kab_queue = kab_desk.queue(100).await.unwrap();
    assert_eq!(kab_queue.iter().map(|p| p.account.as_str()).collect::<Vec<_>>(), ["@asep.camat"]);
    let prov_queue = prov_desk.queue(100).await.unwrap();
    assert_eq!(prov_queue.len(), 2);
    let city_post = prov_queue.iter().find(|p| p.account == "rina.lurah").unwrap().id.clone();
    assert!(matches!(kab_desk.queued_post(&city_post).await, Err(AccessError::NotFound)));
    assert!(matches!(kab_desk.dismiss(&city_post, "Bukan ASN yang dimaksud", NOW).await, Err(AccessError::NotFound)));
    assert!(matches!(prov_desk.dismiss(&city_post, "x", NOW).await, Err(AccessError::Invalid(_))));
    prov_desk.dismiss(&city_post, "Akun parodi, bukan milik lurah", NOW).await.unwrap();
    assert!(matches!(
        prov_desk.dismiss(&city_post, "Akun parodi, bukan milik lurah", NOW).await,
        Err(AccessError::Conflict(_))
    ));
    assert_eq!(store.patrol_post(&city_post).await.unwrap().unwrap().review, Review::Dismissed);

    // Opening a finding: the case names the civil servant, links the post and keeps it as text evidence.
    let post_id = kab_queue[0].id.clone();
    let submitted = kab_desk.open_finding(&vault, &post_id, NOW).await.unwrap();
    let case = store.case(&submitted.case_id).await.unwrap().unwrap();
    assert_eq!(case.origin, netra_core::intake::CaseOrigin::Finding);
    assert_eq!((case.person.name.as_str(), case.person.position.as_str()), ("Asep Sunandar", "Camat Cileunyi"));
    assert_eq!(case.person.agency_text, "Pemerintah Kabupaten Bandung");
    assert_eq!(case.links, ["https://www.instagram.com/p/abc/"]);
    assert_eq!(case.occurred_on, time::macros::date!(2024 - 09 - 28));
    let evidence = store.case_evidence(&case.id).await.unwrap();
    assert_eq!(evidence.len(), 1);
    assert_eq!(evidence[0].content_type, "text/plain");
    let bytes = vault.blobs.read(&evidence[0].sha256).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains(partisan) && text.contains("@asep.camat") && text.contains("patroli.csv"), "{text}");
    let post = store.patrol_post(&post_id).await.unwrap().unwrap();
    assert_eq!((post.review, post.case_id.as_deref()), (Review::Opened, Some(case.id.as_str())));
    assert!(kab_desk.queue(100).await.unwrap().is_empty(), "the post left the queue");
    assert!(matches!(kab_desk.open_finding(&vault, &post_id, NOW).await, Err(AccessError::Conflict(_))));
    let cases = store.list_cases(&netra_store::cases::CaseQuery::new(netra_store::cases::CaseScope::All)).await;
    assert_eq!(cases.unwrap().len(), 1, "no second case");

    let trail = store.audit_entries(&netra_store::AuditFilter::default(), 500).await.unwrap();
    for action in ["asn_account.import", "patrol_batch.create", "patrol_post.dismiss", "patrol_post.open"] {
        assert!(trail.iter().any(|e| e.action == action), "{action} audited");
    }
    assert!(verify_audit_chain(store.as_ref()).await.unwrap().is_ok());
}

mod registry_contract {
    use netra_registry::generate::Generator;
    use netra_registry::rows::RegistryRow;
    use netra_store::Store;
    use netra_store::accounts::AuditContext;
    use netra_store::registry::{ImportMessage, ImportMeta, ImportSummary};
    use netra_store::{StoreError, verify_audit_chain};
    use time::macros::datetime;

    fn meta(name: &str) -> ImportMeta {
        ImportMeta { file_name: name.into(), sha256: "00".repeat(32), problem_count: 0 }
    }

    async fn import(
        store: &dyn Store,
        messages: Vec<ImportMessage>,
        at: time::OffsetDateTime,
    ) -> Result<ImportSummary, StoreError> {
        let (sender, mut receiver) = tokio::sync::mpsc::channel(messages.len() + 1);
        for message in messages {
            sender.send(message).await.unwrap();
        }
        drop(sender);
        store.import_registry(&AuditContext::system(at), &mut receiver).await
    }

    fn batches(rows: &[RegistryRow]) -> Vec<ImportMessage> {
        rows.chunks(netra_store::registry::IMPORT_BATCH).map(|c| ImportMessage::Rows(c.to_vec())).collect()
    }

    /// Imports, re-imports with changes, and refuses a half-read file, on both backends.
    pub async fn registry_imports_atomically_and_updates_in_place(store: &dyn Store) {
        assert_eq!(store.latest_registry_import().await.unwrap(), None);
        let first: Vec<RegistryRow> = Generator::new(9, None).take(4_500).collect();
        let mut messages = batches(&first);
        messages.push(ImportMessage::Done(meta("registri.csv")));
        let summary = import(store, messages, datetime!(2024-06-01 10:00 +7)).await.unwrap();
        assert_eq!(store.latest_registry_import().await.unwrap().as_ref(), Some(&summary.import_id));
        assert_eq!((summary.rows, summary.new, summary.updated, summary.moved), (4_500, 4_500, 0, 0));
        assert_eq!(store.registry_count().await.unwrap(), 4_500);
        let asep = store.registry_person_by_nip(&first[10].nip).await.unwrap().unwrap();
        assert_eq!(asep.name, first[10].name);
        assert_eq!(asep.position, first[10].position);

        // Re-import: one person moves, one is renamed, one is new; the rest are unchanged.
        let mut second = first.clone();
        second[10].position = "Camat Cileunyi".into();
        second[10].unit = "Kecamatan Cileunyi".into();
        second[11].name = format!("{} Baru", second[11].name);
        let newcomer = Generator::new(10, None).next().unwrap();
        second.push(newcomer.clone());
        let mut messages = batches(&second);
        messages.push(ImportMessage::Done(meta("registri-2.csv")));
        let summary = import(store, messages, datetime!(2024-09-01 10:00 +7)).await.unwrap();
        assert_eq!((summary.new, summary.updated, summary.moved), (1, 2, 1));
        assert_eq!(store.latest_registry_import().await.unwrap().as_ref(), Some(&summary.import_id));
        let moved = store.registry_person_by_nip(&first[10].nip).await.unwrap().unwrap();
        assert_eq!(moved.id, asep.id, "the internal id stays");
        assert_eq!(store.registry_person(moved.id).await.unwrap(), Some(moved.clone()));
        assert_eq!(store.registry_person(i64::MAX).await.unwrap(), None);
        assert_eq!(moved.position, "Camat Cileunyi");
        assert_eq!(moved.position_since, time::macros::date!(2024 - 09 - 01));
        let history = store.registry_history(moved.id).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].position, first[10].position);
        assert_eq!(history[0].until, time::macros::date!(2024 - 09 - 01));
        assert!(store.registry_person_by_nip(&newcomer.nip).await.unwrap().is_some());

        // A reader that fails, or stops before `Done`, leaves the registry as it was.
        let mut third = second.clone();
        third[0].name = "Tidak Boleh Tersimpan".into();
        let mut messages = batches(&third);
        messages.push(ImportMessage::Failed("baris 9: berkas terpotong".into()));
        assert!(matches!(import(store, messages, datetime!(2024-10-01 10:00 +7)).await, Err(StoreError::Invalid(_))));
        let messages = batches(&third);
        assert!(matches!(import(store, messages, datetime!(2024-10-01 10:00 +7)).await, Err(StoreError::Invalid(_))));
        let unchanged = store.registry_person_by_nip(&first[0].nip).await.unwrap().unwrap();
        assert_eq!(unchanged.name, first[0].name);
        assert_eq!(store.registry_count().await.unwrap(), 4_501);
        assert_eq!(store.latest_registry_import().await.unwrap().as_ref(), Some(&summary.import_id));

        // The scan (in pages of 4,096) sees everyone once, in id order; two imports are audited and the chain holds.
        let mut ids = Vec::new();
        store.scan_registry(&mut |person| ids.push(person.id)).await.unwrap();
        assert_eq!(ids.len(), 4_501);
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]));
        let chain = verify_audit_chain(store).await.unwrap().expect("chain intact");
        assert!(chain.length >= 2);
        let filter = netra_store::accounts::AuditFilter {
            object: Some(("registry_import".into(), summary.import_id.clone())),
            ..Default::default()
        };
        let entries = store.audit_entries(&filter, 10).await.unwrap();
        assert_eq!(entries.len(), 1);
        assert!(entries[0].summary.contains("1 baru, 2 diperbarui, 1 pindah jabatan"), "{}", entries[0].summary);
    }
}

contract!(registry_imports_atomically_and_updates_in_place);
async fn registry_imports_atomically_and_updates_in_place(store: &dyn Store) {
    registry_contract::registry_imports_atomically_and_updates_in_place(store).await;
}

contract_shared!(a_confirmed_registry_person_stays_with_the_case_and_is_audited);
async fn a_confirmed_registry_person_stays_with_the_case_and_is_audited(store: Arc<dyn Store>) {
    use netra_store::cases::Channel;
    use netra_store::casework::{self, ReportInput, Vault};
    use time::macros::date;

    ensure_reference_data(store.as_ref(), NOW).await.unwrap();
    netra_store::demo::seed(store.as_ref(), NOW).await.unwrap();
    let imported = netra_store::demo::seed_registry(store.as_ref(), NOW, 300).await.unwrap();
    let named = include_str!("../../../data/registry/demo-persons.csv").lines().count() as u64 - 1;
    assert_eq!((imported.rows, imported.new), (300 + named, 300 + named));
    let asep = store.registry_person_by_nip("197503122000031001").await.unwrap().expect("a named demo person");
    assert_eq!(asep.display_name(), "Drs. H. Asep Sunandar, M.Si");

    let dir = tempfile::tempdir().unwrap();
    let (vault, _) = Vault::open(store.as_ref(), dir.path(), NOW).await.unwrap();
    let input = ReportInput {
        description: "Camat mengajak warga memilih paslon nomor 2 di acara kecamatan.".into(),
        occurred_on: "2024-09-29".into(),
        known_on: "2024-09-30".into(),
        region_code: "32.04.05".into(),
        person_name: "Pak Asep camat".into(),
        mode: "anonymous".into(),
        ..ReportInput::default()
    };
    let valid = casework::validate_report(store.as_ref(), &input, date!(2024 - 10 - 01)).await.unwrap();
    let filed =
        casework::submit_public_report(store.as_ref(), &vault, valid, Channel::Api, Vec::new(), NOW).await.unwrap();

    // Only Bawaslu confirms; an unknown person and a stale version are refused and change nothing.
    let bkn = demo_principal(&store, "bkn.kanreg3").await;
    assert!(matches!(
        bkn.case_desk(&store).unwrap().confirm_registry_person(&filed.case_id, 1, Some(asep.id), NOW).await,
        Err(AccessError::Denied | AccessError::NotFound)
    ));
    let kab = demo_principal(&store, "bawaslu.kabbandung").await;
    let desk = kab.case_desk(&store).unwrap();
    assert!(matches!(
        desk.confirm_registry_person(&filed.case_id, 1, Some(i64::MAX), NOW).await,
        Err(AccessError::Invalid(errors)) if errors[0].field == "person_id"
    ));
    assert!(matches!(
        desk.confirm_registry_person(&filed.case_id, 7, Some(asep.id), NOW).await,
        Err(AccessError::Conflict(_))
    ));
    assert_eq!(desk.case(&filed.case_id).await.unwrap().registry_person_id, None);

    let confirmed = desk.confirm_registry_person(&filed.case_id, 1, Some(asep.id), NOW).await.unwrap();
    let stored = desk.case(&filed.case_id).await.unwrap();
    assert_eq!(stored, confirmed);
    assert_eq!(stored.registry_person_id, Some(asep.id));
    assert_eq!(stored.person.nip.as_deref(), Some("197503122000031001"), "the registry's NIP fills the case");
    assert_eq!(stored.person.name, "Pak Asep camat", "the reporter's words stay");

    // Withdrawing keeps the NIP (staff correct it in the facts form); both changes are audited in the chain.
    let withdrawn = desk.confirm_registry_person(&filed.case_id, stored.version, None, NOW).await.unwrap();
    assert_eq!(desk.case(&filed.case_id).await.unwrap().registry_person_id, None);
    assert_eq!(withdrawn.version, stored.version + 1);
    let filter = netra_store::accounts::AuditFilter {
        object: Some(("case".into(), filed.case_id.clone())),
        ..Default::default()
    };
    let entries = store.audit_entries(&filter, 20).await.unwrap();
    let matches: Vec<_> = entries.iter().filter(|e| e.action == "case.registry_match").collect();
    assert_eq!(matches.len(), 2, "{entries:?}");
    assert!(matches.iter().any(|e| e.summary.contains("Drs. H. Asep Sunandar, M.Si")), "{matches:?}");
    assert!(matches.iter().any(|e| e.summary.contains("dibatalkan")), "{matches:?}");
    assert!(verify_audit_chain(store.as_ref()).await.unwrap().is_ok());
}

contract_shared!(pacts_are_signed_verified_offline_and_survive_key_rotation);
async fn pacts_are_signed_verified_offline_and_survive_key_rotation(store: Arc<dyn Store>) {
    use netra_core::pact::{PactKind, SignedPact, VerifyError};
    use netra_store::casework::{self, SignError};
    use netra_store::pacts::PactKeys;

    ensure_reference_data(store.as_ref(), NOW).await.unwrap();
    netra_store::demo::seed(store.as_ref(), NOW).await.unwrap();
    netra_store::demo::seed_registry(store.as_ref(), NOW, 0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let keys = PactKeys::new(dir.path().join("keys"));
    let admin = demo_principal(&store, "admin.kabbandung").await;
    let desk = admin.pact_desk(&store, &keys).unwrap();
    let bkn = demo_principal(&store, "bkn.kanreg3").await;
    assert!(matches!(bkn.pact_desk(&store, &keys), Err(AccessError::Denied)));

    // A ceremony's attendance list: two of the agency's civil servants, an unknown NIP, one of another agency,
    // a malformed NIP, a blank line and a repeat.
    let list = "nip;nama\n\
        197503122000031001;Asep Sunandar\n\
        197911302005011003;Dedi Kurnia\n\
        198001012005011009;Tidak Ada\n\
        198402142009021005;Dedi Kurniawan\n\
        12345;Salah Ketik\n\
        \n\
        197503122000031001;Asep Sunandar\n";
    let occasion = "Apel Netralitas 29 Juli 2024";
    let outcome = desk.sign_attendance("pilkada-2024", occasion, "hadir.csv", list.as_bytes(), NOW).await.unwrap();
    assert_eq!((outcome.signed, outcome.already), (2, 0));
    let lines: Vec<usize> = outcome.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [4, 5, 6], "{:?}", outcome.problems);
    assert!(outcome.problems[0].id.contains("tidak ada dalam registri"));
    assert!(outcome.problems[1].id.contains("instansi lain"));
    let again = desk.sign_attendance("pilkada-2024", occasion, "hadir.csv", list.as_bytes(), NOW).await.unwrap();
    assert_eq!((again.signed, again.already), (0, 2), "signing twice adds nothing");

    // Online: the code finds the pact and its signature holds.
    let asep = store.registry_person_by_nip("197503122000031001").await.unwrap().unwrap();
    let signed = store.pact_signatures_of(asep.id).await.unwrap();
    assert_eq!(signed.len(), 1);
    let code = signed[0].pact.code.clone();
    let found = casework::verify_code(store.as_ref(), &code.to_lowercase()).await.unwrap().expect("the code is known");
    assert_eq!(found.verdict, Ok(()));
    assert_eq!(found.signature.pact.document.occasion, occasion);
    assert_eq!(found.text.unwrap().kind, PactKind::Pakta);
    assert!(casework::verify_code(store.as_ref(), "AAAA-BBBB-CCCC").await.unwrap().is_none());

    // Offline: the exported file and the published keys; one changed byte fails.
    let published: Vec<_> = store.signing_keys().await.unwrap().into_iter().map(|k| k.key).collect();
    let file = signed[0].pact.to_file();
    assert_eq!(netra_core::pact::verify(&SignedPact::from_file(&file).unwrap(), &published), Ok(()));
    let tampered = String::from_utf8(file.clone()).unwrap().replace("Asep Sunandar", "Asep Sunandor");
    assert_eq!(
        netra_core::pact::verify(&SignedPact::from_file(tampered.as_bytes()).unwrap(), &published),
        Err(VerifyError::Forged)
    );

    // After a rotation new pacts use the new key and the old pact still verifies, online and offline.
    let old_key = keys.current(store.as_ref(), NOW).await.unwrap().key_id().to_string();
    let new_key = keys.rotate(store.as_ref(), NOW).await.unwrap().key_id().to_string();
    assert_ne!(old_key, new_key);
    let all_keys = store.signing_keys().await.unwrap();
    assert_eq!(all_keys.len(), 2);
    assert!(all_keys.iter().any(|k| k.key.key_id == old_key && k.retired_at.is_some()));
    assert_eq!(casework::verify_code(store.as_ref(), &code).await.unwrap().unwrap().verdict, Ok(()));
    let published: Vec<_> = all_keys.into_iter().map(|k| k.key).collect();
    assert_eq!(netra_core::pact::verify(&SignedPact::from_file(&file).unwrap(), &published), Ok(()));

    // In person: a one-time code from the agency admin, for the agency's own civil servants only.
    assert!(matches!(
        desk.issue_code("pilkada-2024", "198402142009021005", NOW).await,
        Err(AccessError::Invalid(errors)) if errors[0].field == "nip"
    ));
    let issued = desk.issue_code("pilkada-2024", "199006052015031006", NOW).await.unwrap();
    let refused = casework::sign_with_code(store.as_ref(), &keys, "197503122000031001", &issued.code, NOW).await;
    assert_eq!(refused.unwrap_err(), SignError::Refused, "another NIP with the code");
    let later = NOW + netra_core::pact::CODE_VALIDITY + time::Duration::minutes(1);
    let expired = casework::sign_with_code(store.as_ref(), &keys, "199006052015031006", &issued.code, later).await;
    assert_eq!(expired.unwrap_err(), SignError::Refused, "an expired code");
    let taufik =
        casework::sign_with_code(store.as_ref(), &keys, "199006052015031006", &issued.code.to_lowercase(), NOW)
            .await
            .unwrap();
    assert_eq!(taufik.pact.key_id, new_key);
    assert_eq!(taufik.pact.document.signer, "Taufik Rahman, S.Kom");
    let reused = casework::sign_with_code(store.as_ref(), &keys, "199006052015031006", &issued.code, NOW).await;
    assert_eq!(reused.unwrap_err(), SignError::Refused, "a code is used once");

    // A new text version leaves signed pacts on theirs.
    let manager = demo_principal(&store, "bawaslu.ri").await;
    let manage = manager.pact_desk(&store, &keys).unwrap();
    let mut revised = netra_core::pact::PactText::default_for(PactKind::Pakta);
    revised.points.push("Melaporkan pelanggaran netralitas yang diketahui kepada Bawaslu.".into());
    let v2 = manage.revise_text("pilkada-2024", PactKind::Pakta, revised.clone(), NOW).await.unwrap();
    assert_eq!(v2.version, 2);
    assert!(matches!(
        manage.revise_text("pilkada-2024", PactKind::Pakta, revised, NOW).await,
        Err(AccessError::Conflict(_))
    ));
    assert!(matches!(
        desk.revise_text("pilkada-2024", PactKind::Pakta, v2.text.clone(), NOW).await,
        Err(AccessError::Denied)
    ));
    assert_eq!(store.pact_signatures_of(asep.id).await.unwrap()[0].pact.document.text_version, 1);
    assert!(verify_audit_chain(store.as_ref()).await.unwrap().is_ok());
}

contract_shared!(pact_coverage_on_the_demo_data_matches_an_independent_count);
async fn pact_coverage_on_the_demo_data_matches_an_independent_count(store: Arc<dyn Store>) {
    use std::collections::BTreeMap;
    ensure_reference_data(store.as_ref(), NOW).await.unwrap();
    netra_store::demo::seed(store.as_ref(), NOW).await.unwrap();
    // The demo's own data: its registry at full size and its prevention records.
    netra_store::demo::seed_registry(store.as_ref(), NOW, netra_store::demo::DEMO_REGISTRY_SIZE).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let keys = netra_store::pacts::PactKeys::new(dir.path());
    let seeded = netra_store::demo::seed_prevention(&store, &keys, NOW).await.unwrap();
    let signed = seeded.signed;
    assert!(signed > 20 && seeded.attended > 20, "the demo covers a good part of the agency: {seeded:?}");
    // Attendance, independently: the attendees of every session of the election.
    let mut attendees = std::collections::HashSet::new();
    for session in store.socialisations("pilkada-2024", None).await.unwrap() {
        attendees.extend(store.attendees(&session.id).await.unwrap().into_iter().map(|a| a.person_id));
    }

    // Independently: every active person of the agency from the scan, each one's signatures looked up one by one.
    let mut persons = Vec::new();
    store
        .scan_registry(&mut |p| {
            if p.agency.eq_ignore_ascii_case("pemerintah kabupaten bandung") && p.employment_state == "aktif" {
                persons.push((p.id, p.unit));
            }
        })
        .await
        .unwrap();
    let mut expected: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
    for (id, unit) in persons {
        let has = store.pact_signatures_of(id).await.unwrap().iter().any(|s| {
            s.pact.document.election == "pilkada-2024" && s.pact.document.kind == netra_core::pact::PactKind::Pakta
        });
        let entry = expected.entry(unit).or_default();
        entry.0 += 1;
        entry.1 += u64::from(has);
        entry.2 += u64::from(attendees.contains(&id));
    }

    let admin = demo_principal(&store, "admin.kabbandung").await;
    let coverage = admin.pact_desk(&store, &keys).unwrap().coverage("pilkada-2024", None).await.unwrap();
    let counted: BTreeMap<String, (u64, u64, u64)> =
        coverage.units.iter().map(|u| (u.unit.clone(), (u.persons, u.signed, u.attended))).collect();
    assert_eq!(counted, expected);
    assert_eq!((coverage.total().signed, coverage.total().attended), (signed, seeded.attended));
    assert!(coverage.units.iter().any(|u| (u.signed as f64) < 0.8 * u.persons as f64), "some units fall short");
    // A manager names the agency; without one, or for an unknown one, there is nothing to show.
    let manager = demo_principal(&store, "bawaslu.ri").await;
    let desk = manager.pact_desk(&store, &keys).unwrap();
    assert_eq!(desk.coverage("pilkada-2024", Some("pemkab-bandung")).await.unwrap().units, coverage.units);
    assert!(matches!(desk.coverage("pilkada-2024", None).await, Err(AccessError::Invalid(_))));
    assert!(matches!(desk.coverage("pilkada-2024", Some("tidak-ada")).await, Err(AccessError::NotFound)));
}

contract_shared!(a_session_takes_attendance_by_list_and_qr_and_scores_its_quiz);
async fn a_session_takes_attendance_by_list_and_qr_and_scores_its_quiz(store: Arc<dyn Store>) {
    use netra_store::casework::{self, SessionInput};
    ensure_reference_data(store.as_ref(), NOW).await.unwrap();
    netra_store::demo::seed(store.as_ref(), NOW).await.unwrap();
    netra_store::demo::seed_registry(store.as_ref(), NOW, 0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let keys = netra_store::pacts::PactKeys::new(dir.path());
    let admin = demo_principal(&store, "admin.kabbandung").await;
    let desk = admin.pact_desk(&store, &keys).unwrap();

    let bad = SessionInput {
        election_id: "pilkada-2024".into(),
        held_on: "29-07-2024".into(),
        items: "NOPE".into(),
        ..Default::default()
    };
    let Err(AccessError::Invalid(errors)) = desk.create_session(&bad, NOW).await else {
        panic!("invalid input accepted")
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
    assert_eq!(fields, ["title", "held_on", "place", "speakers", "items"]);
    let input = SessionInput {
        election_id: "pilkada-2024".into(),
        title: "Sosialisasi Netralitas ASN".into(),
        held_on: "2024-07-30".into(),
        place: "Aula BKPSDM Soreang".into(),
        speakers: "Oky Putranto (BPSDMD Jawa Barat)\nKetua Bawaslu Kabupaten Bandung".into(),
        units: "Kecamatan Cileunyi\nDinas Pendidikan".into(),
        items: "D-SOC-PHOTO, D-DECL-ATTEND".into(),
        agency_id: String::new(),
    };
    let session = desk.create_session(&input, NOW).await.unwrap();
    assert_eq!(session.agency, "Pemerintah Kabupaten Bandung");
    assert_eq!(session.items, ["D-SOC-PHOTO", "D-DECL-ATTEND"]);

    // The list: two of the agency, an unknown NIP, one of another agency; a repeat counts once.
    let list =
        "nip\n197503122000031001\n198608212010032004\n198001012005011009\n198402142009021005\n197503122000031001\n";
    let imported = desk.import_session_attendance(&session.id, "hadir.csv", list.as_bytes(), NOW).await.unwrap();
    assert_eq!((imported.added, imported.already), (2, 1));
    assert_eq!(imported.problems.iter().map(|p| p.line).collect::<Vec<_>>(), [4, 5]);

    // The QR code: the agency's civil servants check in; others and unknown codes do not.
    assert!(casework::check_in(store.as_ref(), "tidak-ada", "199006052015031006", NOW).await.unwrap().is_none());
    assert!(matches!(
        casework::check_in(store.as_ref(), &session.checkin_token, "198402142009021005", NOW).await,
        Err(AccessError::Invalid(_))
    ));
    let (_, taufik) =
        casework::check_in(store.as_ref(), &session.checkin_token, "199006052015031006", NOW).await.unwrap().unwrap();
    let questions = casework::session_quiz(&session);
    let right: Vec<Option<bool>> = questions.iter().map(|q| Some(q.allowed)).collect();
    let mut one_wrong = right.clone();
    one_wrong[0] = Some(!questions[0].allowed);
    assert_eq!(
        casework::answer_quiz(store.as_ref(), &session.checkin_token, "199006052015031006", &one_wrong).await.unwrap(),
        Some((4, 5))
    );
    assert_eq!(
        casework::answer_quiz(store.as_ref(), &session.checkin_token, "199006052015031006", &right).await.unwrap(),
        None,
        "once"
    );
    assert_eq!(
        casework::answer_quiz(store.as_ref(), &session.checkin_token, "197911302005011003", &right).await.unwrap(),
        None,
        "not an attendee"
    );

    let (_, attendees) = desk.session(&session.id).await.unwrap();
    assert_eq!(attendees.len(), 3);
    let scored = attendees.iter().find(|a| a.person_id == taufik.id).unwrap();
    assert_eq!((scored.method.as_str(), scored.quiz), ("qr", Some((4, 5))));
    assert_eq!(desk.sessions("pilkada-2024").await.unwrap().len(), 1);
    assert_eq!(store.sessions_attended(taufik.id).await.unwrap()[0].id, session.id);
    let bkn = demo_principal(&store, "bkn.kanreg3").await;
    assert!(bkn.pact_desk(&store, &keys).is_err());

    // Coverage counts attendance per unit.
    let coverage = desk.coverage("pilkada-2024", None).await.unwrap();
    let unit = |name: &str| coverage.units.iter().find(|u| u.unit == name).unwrap().clone();
    assert_eq!((unit("Kecamatan Cileunyi").persons, unit("Kecamatan Cileunyi").attended), (3, 2));
    assert_eq!(unit("Dinas Pendidikan").attended, 1);
    assert!(verify_audit_chain(store.as_ref()).await.unwrap().is_ok());
}

contract_shared!(case_facts_and_population_agree_with_the_records_they_sum);
async fn case_facts_and_population_agree_with_the_records_they_sum(store: Arc<dyn Store>) {
    use netra_core::access::CaseScope;
    use std::collections::BTreeMap;
    ensure_reference_data(store.as_ref(), NOW).await.unwrap();
    netra_store::demo::seed(store.as_ref(), NOW).await.unwrap();
    netra_store::demo::seed_registry(store.as_ref(), NOW, 3_000).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (vault, _) = netra_store::casework::Vault::open(store.as_ref(), dir.path(), NOW).await.unwrap();
    let prevention = netra_store::demo::seed_prevention(&store, &vault.pact_keys, NOW).await.unwrap();
    let seeded = netra_store::demo::seed_cases(&store, &vault, datetime!(2025-03-03 09:00 +7)).await.unwrap();
    assert!(seeded.forwarded > 20 && seeded.decided > 3, "{seeded:?}");

    let facts = store.case_facts(&CaseScope::All, Some("pilkada-2024")).await.unwrap();
    assert_eq!(facts.len(), netra_store::demo::DEMO_CASES);
    assert!(store.case_facts(&CaseScope::All, Some("pemilu-2024")).await.unwrap().is_empty());
    for fact in &facts {
        let case = store.case(&fact.id).await.unwrap().unwrap();
        assert_eq!((fact.state, &fact.items), (case.state(), &case.items));
        assert_eq!(fact.regency_code, case.region.regency_code().map(|c| c.to_string()));
        assert_eq!((&fact.agency_id, &fact.ppk_agency_id), (&case.agency_id, &case.ppk_agency_id));
        let events = store.case_events(&fact.id).await.unwrap();
        let first =
            |actions: &[&str]| events.iter().filter(|e| actions.contains(&e.action.as_str())).map(|e| e.on).min();
        assert_eq!(fact.recommended_on, first(&["recommend"]));
        assert_eq!(fact.decided_on, first(&["issue_sanction", "clear_asn"]));
        match case.registry_person_id {
            Some(id) => {
                let person = store.registry_person(id).await.unwrap().unwrap();
                assert_eq!(fact.position_kind.as_deref(), Some(person.position_kind.as_str()));
                assert_eq!(fact.person_agency.as_deref(), Some(person.agency.as_str()));
            }
            None => assert!(fact.position_kind.is_none()),
        }
    }
    assert!(facts.iter().any(|f| f.decided_on.is_some()) && facts.iter().any(|f| f.position_kind.is_some()));
    // Scopes select the same cases as the work list.
    for scope in [CaseScope::Region(code("32.04")), CaseScope::PpkAgency("pemkab-bandung".into())] {
        let scoped: Vec<String> = store.case_facts(&scope, None).await.unwrap().into_iter().map(|f| f.id).collect();
        let mut query = netra_store::cases::CaseQuery::new(scope.clone());
        query.limit = 1_000;
        let mut listed: Vec<String> = store.list_cases(&query).await.unwrap().into_iter().map(|c| c.id).collect();
        listed.sort();
        assert!(!scoped.is_empty(), "{scope:?}");
        assert_eq!(scoped, listed, "{scope:?}");
    }

    // The population per agency and kabupaten/kota, independently from the scan.
    let mut expected: BTreeMap<(String, String), u64> = BTreeMap::new();
    store
        .scan_registry(&mut |p| {
            if p.employment_state == "aktif" {
                let regency = p.region_code.chars().take(5).collect();
                *expected.entry((p.agency.to_lowercase(), regency)).or_default() += 1;
            }
        })
        .await
        .unwrap();
    let cells = store.population("pilkada-2024").await.unwrap();
    let counted: BTreeMap<(String, String), u64> =
        cells.iter().map(|c| ((c.agency.to_lowercase(), c.regency.clone()), c.persons)).collect();
    assert_eq!(counted, expected);
    let signed: u64 = cells.iter().map(|c| c.signed).sum();
    let attended: u64 = cells.iter().map(|c| c.attended).sum();
    assert_eq!((signed, attended), (prevention.signed, prevention.attended));
    assert!(store.population("pemilu-2024").await.unwrap().iter().all(|c| c.signed == 0 && c.attended == 0));
}

contract!(a_totp_step_completes_one_session_only);
async fn a_totp_step_completes_one_session_only(store: &dyn Store) {
    ensure_reference_data(store, NOW).await.unwrap();
    netra_store::demo::seed(store, NOW).await.unwrap();
    let user = store.user_by_username("admin.sistem").await.unwrap().unwrap();
    let mut tokens = Vec::new();
    for _ in 0..3 {
        let (token, _) = netra_store::testing::open_session(store, "admin.sistem", NOW, false).await;
        tokens.push(netra_store::auth::token_hash(&token));
    }
    let step = NOW.unix_timestamp() / 30;
    assert!(store.complete_second_factor(&tokens[0], &user.id, step).await.unwrap());
    assert!(!store.complete_second_factor(&tokens[1], &user.id, step).await.unwrap(), "the same step twice");
    assert!(!store.complete_second_factor(&tokens[1], &user.id, step - 1).await.unwrap(), "an older step");
    assert!(!store.session(&tokens[1]).await.unwrap().unwrap().second_factor);
    assert!(store.complete_second_factor(&tokens[2], &user.id, step + 1).await.unwrap());
    assert!(store.session(&tokens[2]).await.unwrap().unwrap().second_factor);
}
