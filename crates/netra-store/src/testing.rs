//! Test support: a temporary SQLite store, and fresh databases on a real PostgreSQL server.
//!
//! PostgreSQL: when `NETRA_TEST_DATABASE_URL` is set it is used as an admin URL (a database is created per
//! test). Otherwise a throwaway cluster is started once per test process from the Debian server binaries
//! (`/usr/lib/postgresql/<version>/bin`, or `NETRA_PG_BIN`) with `initdb` and `pg_ctl`, listening on a free
//! loopback port, and stopped and deleted by a watchdog when the test process exits. Missing binaries are a
//! test failure with instructions, never a silent skip.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use sqlx::Connection;
use sqlx::postgres::PgConnection;

use crate::postgres::PgStore;
use crate::sqlite::SqliteStore;

/// Opens a session for `username` at `now` (two hours long) straight in the store, as signing in would, without
/// hashing a password; returns the cookie token and the session's CSRF token. `second_factor` says whether the
/// second factor is already done.
pub async fn open_session(
    store: &dyn crate::Store,
    username: &str,
    now: time::OffsetDateTime,
    second_factor: bool,
) -> (String, String) {
    let user = store.user_by_username(username).await.unwrap().unwrap_or_else(|| panic!("no user {username}"));
    let token = crate::auth::new_token();
    let csrf = crate::auth::new_token();
    let session = crate::accounts::SessionRecord {
        token_hash: crate::auth::token_hash(&token),
        user_id: user.id,
        csrf_token: csrf.clone(),
        second_factor,
        created_at: now,
        last_seen_at: now,
        expires_at: now + time::Duration::hours(2),
    };
    store.create_session(&session).await.unwrap();
    (token, csrf)
}

/// An SQLite store in a temporary directory, removed when the guard drops.
pub async fn sqlite_store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = SqliteStore::open(&dir.path().join("netra.sqlite")).await.expect("open SQLite store");
    (dir, store)
}

/// A PostgreSQL store on a freshly created, empty database.
pub async fn postgres_store() -> PgStore {
    let url = fresh_postgres_database().await;
    PgStore::connect(&url).await.expect("connect to the test database")
}

/// Creates an empty database on the test server and returns its URL.
pub async fn fresh_postgres_database() -> String {
    let admin = admin_url();
    let name = format!("netra_test_{}", uuid::Uuid::now_v7().simple());
    let mut connection = PgConnection::connect(admin).await.expect("connect to the test PostgreSQL server");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut connection)
        .await
        .expect("create test database");
    connection.close().await.ok();
    let base = admin.rsplit_once('/').map_or(admin, |(base, _)| base);
    format!("{base}/{name}")
}

/// The admin URL of the test server (starting it on first use).
pub fn admin_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| match std::env::var("NETRA_TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => url,
        _ => start_cluster(),
    })
}

fn find_bin_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("NETRA_PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| entries.filter_map(Result::ok).map(|entry| entry.path().join("bin")).collect())
        .unwrap_or_default();
    versions.retain(|dir| dir.join("initdb").exists() && dir.join("pg_ctl").exists());
    versions.sort_by_key(|dir| {
        dir.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    versions.pop().unwrap_or_else(|| {
        panic!(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin. Install them with \
             `scripts/install-test-deps.sh` (Debian package postgresql), set NETRA_PG_BIN, or point \
             NETRA_TEST_DATABASE_URL at a server."
        )
    })
}

fn running_as_root() -> bool {
    Command::new("id").arg("-u").output().map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0").unwrap_or(false)
}

/// Runs a PostgreSQL program, as the `postgres` user when we are root (the server refuses to run as root).
fn pg_command(bin: &Path, program: &str, as_postgres: bool) -> Command {
    if as_postgres {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(bin.join(program));
        command
    } else {
        Command::new(bin.join(program))
    }
}

fn run(mut command: Command, what: &str) {
    let output = command.stdin(Stdio::null()).output().unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert!(
        output.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn start_cluster() -> String {
    let bin = find_bin_dir();
    let as_postgres = running_as_root();
    let root = std::env::temp_dir().join(format!("netra-pg-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&root).expect("create cluster directory");
    if as_postgres {
        let mut chown = Command::new("chown");
        chown.arg("postgres").arg(&root);
        run(chown, "chown cluster directory");
    }
    let data = root.join("data");
    let mut initdb = pg_command(&bin, "initdb", as_postgres);
    initdb.arg("-D").arg(&data).args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "--locale=C"]);
    run(initdb, "initdb");
    let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
    let options = format!(
        "-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories='' -c fsync=off -c max_connections=200"
    );
    let mut pg_ctl = pg_command(&bin, "pg_ctl", as_postgres);
    pg_ctl.arg("-D").arg(&data).arg("-o").arg(&options).arg("-l").arg(root.join("server.log")).args(["-w", "start"]);
    run(pg_ctl, "pg_ctl start");
    // The watchdog stops and deletes the cluster once this test process is gone. Its output goes nowhere, so
    // that nothing waiting on the test's output streams waits on it.
    let stop = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {runas}{bin}/pg_ctl -D {data} -m immediate stop; rm -rf {root}",
        pid = std::process::id(),
        runas = if as_postgres { "runuser -u postgres -- " } else { "" },
        bin = bin.display(),
        data = data.display(),
        root = root.display(),
    );
    #[allow(clippy::zombie_processes, reason = "the watchdog must outlive this process; init reaps it")]
    Command::new("setsid")
        .args(["sh", "-c", &stop])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the cluster watchdog");
    format!("postgres://postgres@127.0.0.1:{port}/postgres")
}

/// The "today" of [`generate_cases`]: events fall in the 120 days before it, deadlines within 20 days of it.
pub const GENERATED_TODAY: time::Date = time::macros::date!(2024 - 11 - 20);

/// Writes `count` generated cases (after the reference data and the demo scenario) through `create_case`, the
/// production path with its audit entry, spread the way reports are: a third in West Java, a sixth of those in
/// Kabupaten Bandung, the rest across the country. Seeded: every store gets the same cases. Returns the time taken.
pub async fn generate_cases(store: &dyn crate::Store, count: usize) -> std::time::Duration {
    use crate::cases::{CaseEvent, CaseRecord, NewCase, ReportedPerson};
    use netra_core::clock::ClockKind;
    use netra_core::intake::CaseOrigin;
    use netra_core::region::{RegionCode, RegionLevel};
    use netra_core::workflow::{CaseSnapshot, CaseState, RunningClock, WorkflowRules};
    const TODAY: time::Date = GENERATED_TODAY;
    let started = std::time::Instant::now();
    let now = time::macros::datetime!(2024-11-20 09:00 +7);
    crate::ensure_reference_data(store, now).await.unwrap();
    crate::demo::seed(store, now).await.unwrap();
    let agencies: Vec<String> = store.agencies().await.unwrap().into_iter().map(|a| a.id).collect();
    let regencies: Vec<RegionCode> =
        netra_core::builtin::regions().iter().filter(|r| r.level() == RegionLevel::Regency).map(|r| r.code).collect();
    let west_java: Vec<RegionCode> =
        regencies.iter().filter(|r| r.province_code() == RegionCode::province(32)).copied().collect();
    let catalogue = netra_core::builtin::catalogue();
    let codes: Vec<&str> = catalogue.items().iter().map(|i| i.code.as_str()).collect();
    let rules = WorkflowRules::builtin();
    let bkn_pusat = store.offices().await.unwrap().into_iter().find(|o| o.name.contains("Pusat")).map(|o| o.id);
    let mut rng = netra_core::rng::SplitMix(0x5eed_1234_abcd_0001);
    let ctx = crate::AuditContext::system(now);
    for n in 0..count {
        let region = match rng.below(6) {
            0 => RegionCode::parse("32.04").unwrap(),
            1 => west_java[rng.below(west_java.len())],
            _ => regencies[rng.below(regencies.len())],
        };
        let occurred_on = TODAY - time::Duration::days(rng.below(120) as i64);
        let mut snapshot = CaseSnapshot::new(occurred_on, rules).unwrap();
        snapshot.state = CaseState::ALL[1 + rng.below(CaseState::ALL.len() - 1)];
        if !snapshot.state.is_terminal() {
            let due_on = TODAY + time::Duration::days(rng.below(40) as i64 - 20);
            snapshot.clocks = vec![RunningClock { kind: ClockKind::Kajian, started_on: occurred_on, due_on }];
        }
        let forwarded =
            matches!(snapshot.state.holder(), netra_core::workflow::Holder::Bkn | netra_core::workflow::Holder::Ppk);
        let agency = agencies[rng.below(agencies.len())].clone();
        let items: Vec<String> = (0..1 + rng.below(2)).map(|_| codes[rng.below(codes.len())].to_string()).collect();
        let id = uuid::Uuid::now_v7().to_string();
        let case = CaseRecord {
            id: id.clone(),
            number: String::new(),
            origin: if n % 5 == 0 { CaseOrigin::Finding } else { CaseOrigin::OnlineReport },
            snapshot,
            election_id: Some("pilkada-2024".into()),
            occurred_on,
            known_on: occurred_on,
            received_on: occurred_on,
            region,
            place: String::new(),
            latitude: None,
            longitude: None,
            description: format!("Kasus bangkitan {n}: ASN mengunggah dukungan kepada pasangan calon."),
            person: ReportedPerson { name: format!("ASN Bangkitan {n}"), ..Default::default() },
            agency_id: Some(agency.clone()),
            links: Vec::new(),
            items,
            bawaslu_office_id: None,
            // BKN's scope follows the forwarding: a forwarded case names its BKN office.
            bkn_office_id: if forwarded { bkn_pusat.clone() } else { None },
            ppk_agency_id: forwarded.then(|| agency.clone()),
            merged_into: None,
            registry_person_id: None,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        let event = CaseEvent {
            case_id: id,
            seq: 0,
            action: "record_finding".into(),
            from_state: CaseState::EventKnown,
            to_state: case.snapshot.state,
            on: occurred_on,
            actor: "system".into(),
            office_id: None,
            detail: "{}".into(),
            at: now,
        };
        let new =
            NewCase { case, report: None, evidence: Vec::new(), event, notifications: Vec::new(), from_post: None };
        store.create_case(&ctx, &new).await.unwrap();
        if (n + 1) % 10_000 == 0 {
            eprintln!("  {} cases ({:.0} s)", n + 1, started.elapsed().as_secs_f64());
        }
    }
    started.elapsed()
}
