//! The `netra` binary, run as a user would.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn netra() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_netra"));
    command.env_remove("NETRA_DATABASE_URL").env_remove("NETRA_DATA_DIR").env_remove("NETRA_ADDR");
    command
}

/// A plain HTTP/1.0 GET on loopback; returns status line and body.
fn http_get(address: &str, path: &str) -> (String, String) {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {address}\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (head.lines().next().unwrap_or("").to_string(), body.to_string())
}

struct Server {
    child: Child,
    address: String,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Server {
    fn start(args: &[&str], envs: &[(&str, &str)]) -> Server {
        let mut child = netra()
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .envs(envs.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start netra serve");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).expect("read the listening line");
        let address = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        Server { child, address, stdout }
    }

    /// Sends Ctrl-C (SIGINT) and returns whether the server exited cleanly, and what it printed last.
    fn interrupt(mut self) -> (bool, String) {
        let status = Command::new("kill").args(["-INT", &self.child.id().to_string()]).status().unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(exit) = self.child.try_wait().unwrap() {
                let mut rest = String::new();
                self.stdout.read_to_string(&mut rest).unwrap();
                return (exit.success(), rest);
            }
            assert!(Instant::now() < deadline, "server did not stop after Ctrl-C");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn help_explains_every_subcommand() {
    let output = netra().arg("--help").output().unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    for (command, words) in [
        ("serve", "web server"),
        ("migrate", "reference data"),
        ("catalogue", "legal catalogue"),
        ("deadline", "statutory deadline"),
    ] {
        let line = help
            .lines()
            .find(|line| line.trim_start().starts_with(command))
            .unwrap_or_else(|| panic!("{command} missing"));
        assert!(line.contains(words), "{command}: {line}");
    }
}

#[test]
fn demo_server_serves_home_and_catalogue_and_stops_on_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap();
    let server = Server::start(&["--demo", "--data-dir", data_dir], &[]);
    assert!(server.address.starts_with("127.0.0.1:"));
    let (status, body) = http_get(&server.address, "/");
    assert_eq!(status, "HTTP/1.0 200 OK");
    assert!(body.contains("Menjaga netralitas ASN"));
    let (status, body) = http_get(&server.address, "/katalog");
    assert_eq!(status, "HTTP/1.0 200 OK");
    assert!(body.contains("id=\"D-PARTY-MEMBER\""));
    let (_, body) = http_get(&server.address, "/healthz");
    assert!(body.contains("\"database\":\"SQLite\""));
    let (clean, printed) = server.interrupt();
    assert!(clean, "exit status after Ctrl-C");
    assert!(printed.contains("Netra berhenti."), "{printed}");
    for username in ["bawaslu.kabbandung", "bkn.pusat", "ppk.kabbandung", "admin.sistem", "kustodian", "asn.demo"] {
        assert!(printed.contains(username), "the demo logins are printed: {printed}");
    }
    assert!(printed.contains("kunci TOTP"), "{printed}");
    assert!(dir.path().join("demo/netra.sqlite").exists());
    assert!(dir.path().join("demo/.netra-demo").exists());
}

#[test]
fn demo_refuses_to_wipe_a_directory_it_did_not_create() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("demo")).unwrap();
    std::fs::write(dir.path().join("demo/important.txt"), "keep me").unwrap();
    let output =
        netra().args(["serve", "--demo", "--addr", "127.0.0.1:0", "--data-dir"]).arg(dir.path()).output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not a Netra demo directory"));
    assert!(dir.path().join("demo/important.txt").exists());
}

#[test]
fn serve_runs_on_postgresql_from_the_environment() {
    let url = tokio::runtime::Runtime::new().unwrap().block_on(netra_store::testing::fresh_postgres_database());
    let server = Server::start(&[], &[("NETRA_DATABASE_URL", url.as_str())]);
    let (status, body) = http_get(&server.address, "/healthz");
    assert_eq!(status, "HTTP/1.0 200 OK");
    assert!(body.contains("\"database\":\"PostgreSQL\""), "{body}");
    let (_, body) = http_get(&server.address, "/api/v1/regions?parent=32");
    assert!(body.contains("Kabupaten Bandung"));
    assert!(server.interrupt().0);
}

#[test]
fn migrate_reports_the_loaded_reference_data() {
    let dir = tempfile::tempdir().unwrap();
    let output = netra().args(["migrate", "--data-dir"]).arg(dir.path()).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("38 provinsi, 514 kabupaten/kota"), "{stdout}");
}

#[test]
fn catalogue_check_passes_on_the_repository_files_and_fails_on_a_broken_copy() {
    let repo_catalogue = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/catalogue");
    let output = netra().args(["catalogue", "--dir", repo_catalogue]).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("0 peringatan"), "{stdout}");

    let broken = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(repo_catalogue).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, broken.path().join(path.file_name().unwrap())).unwrap();
    }
    let file = broken.path().join("uu-10-2016.toml");
    let text = std::fs::read_to_string(&file).unwrap().replace("level = \"pidana\"", "level = \"sangat_berat\"");
    std::fs::write(&file, text).unwrap();
    let output = netra().args(["catalogue", "--dir"]).arg(broken.path()).output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("uu-10-2016.toml") && stderr.contains("sangat_berat"), "{stderr}");
}

#[test]
fn deadline_counts_working_days_across_the_holidays() {
    let output = netra().args(["deadline", "--clock", "summons", "--from", "2024-12-20"]).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("batas akhir 2025-01-03 pukul 23.59 WIB"), "{stdout}");
    assert!(stdout.contains("2024-12-26 Cuti bersama Hari Raya Natal"), "{stdout}");

    let output = netra().args(["deadline", "--clock", "summons", "--from", "2024-13-01"]).output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--from \"2024-13-01\" is not a date"));
    let output = netra().args(["deadline", "--clock", "tidur", "--from", "2024-12-01"]).output().unwrap();
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown clock \"tidur\""));
}

/// Where a tamper test's database lives.
enum Db {
    Sqlite(tempfile::TempDir),
    Postgres(String),
}

impl Db {
    fn args(&self) -> Vec<String> {
        match self {
            Db::Sqlite(dir) => vec!["--data-dir".into(), dir.path().display().to_string()],
            Db::Postgres(url) => vec!["--database-url".into(), url.clone()],
        }
    }
}

/// A database with the demo scenario (and so a long audit chain).
fn seeded(postgres: bool) -> Db {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let (db, config) = if postgres {
            let url = netra_store::testing::fresh_postgres_database().await;
            (Db::Postgres(url.clone()), netra_store::StoreConfig::Postgres { url })
        } else {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("netra.sqlite");
            (Db::Sqlite(dir), netra_store::StoreConfig::Sqlite { path })
        };
        let store = netra_store::open(&config).await.unwrap();
        let now = time::OffsetDateTime::now_utc();
        netra_store::ensure_reference_data(store.as_ref(), now).await.unwrap();
        netra_store::demo::seed(store.as_ref(), now).await.unwrap();
        db
    })
}

/// Runs SQL statements directly against the database, behind Netra's back.
fn tamper(db: &Db, statements: &[&str]) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        use sqlx::Connection;
        match db {
            Db::Sqlite(dir) => {
                let url = format!("sqlite://{}", dir.path().join("netra.sqlite").display());
                let mut connection = sqlx::SqliteConnection::connect(&url).await.unwrap();
                for statement in statements {
                    sqlx::query(sqlx::AssertSqlSafe(statement.to_string())).execute(&mut connection).await.unwrap();
                }
            }
            Db::Postgres(url) => {
                let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
                for statement in statements {
                    sqlx::query(sqlx::AssertSqlSafe(statement.to_string())).execute(&mut connection).await.unwrap();
                }
            }
        }
    });
}

fn audit_verify(db: &Db) -> (Option<i32>, String) {
    let output = netra().args(["audit", "verify"]).args(db.args()).output().unwrap();
    (output.status.code(), String::from_utf8(output.stdout).unwrap())
}

fn audit_verify_names_the_first_bad_entry(postgres: bool) {
    let db = seeded(postgres);
    let (code, stdout) = audit_verify(&db);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.starts_with("Rantai audit utuh: "), "{stdout}");
    let length: i64 = stdout["Rantai audit utuh: ".len()..].split(' ').next().unwrap().parse().unwrap();
    assert!(length > 60, "{stdout}");

    let edited = seeded(postgres);
    tamper(&edited, &["UPDATE audit_log SET summary = 'Kantor dibuat: palsu' WHERE seq = 10"]);
    let (code, stdout) = audit_verify(&edited);
    assert_eq!(code, Some(2));
    assert!(stdout.contains("entri #10 telah diubah"), "{stdout}");

    let deleted = seeded(postgres);
    tamper(&deleted, &["DELETE FROM audit_log WHERE seq = 20"]);
    let (code, stdout) = audit_verify(&deleted);
    assert_eq!(code, Some(2));
    assert!(stdout.contains("entri #20 telah dihapus"), "{stdout}");

    let reordered = seeded(postgres);
    tamper(
        &reordered,
        &[
            "UPDATE audit_log SET seq = -1 WHERE seq = 30",
            "UPDATE audit_log SET seq = 30 WHERE seq = 31",
            "UPDATE audit_log SET seq = 31 WHERE seq = -1",
        ],
    );
    let (code, stdout) = audit_verify(&reordered);
    assert_eq!(code, Some(2));
    assert!(stdout.contains("entri #30 tidak menyambung"), "{stdout}");

    let truncated = seeded(postgres);
    tamper(&truncated, &[&format!("DELETE FROM audit_log WHERE seq > {}", length - 3)]);
    let (code, stdout) = audit_verify(&truncated);
    assert_eq!(code, Some(2));
    assert!(stdout.contains(&format!("entri #{} sampai #{length} telah dihapus", length - 2)), "{stdout}");
}

#[test]
fn audit_verify_names_the_first_bad_entry_on_sqlite() {
    audit_verify_names_the_first_bad_entry(false);
}

#[test]
fn audit_verify_names_the_first_bad_entry_on_postgresql() {
    audit_verify_names_the_first_bad_entry(true);
}

#[test]
fn totp_prints_a_six_digit_code() {
    let output = netra().args(["totp", "NZSXI4TBFVSGK3LPFV2G65DQFUYDAMBY"]).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success());
    assert!(stdout.chars().take(6).all(|c| c.is_ascii_digit()) && stdout.contains("detik"), "{stdout}");
    assert!(!netra().args(["totp", "not-base32!"]).output().unwrap().status.success());
}

// ----- Crash safety: kill -9 during a burst of submissions and hand-offs -----

/// An HTTP/1.0 request with a body and extra headers; `None` when the connection fails or is cut.
fn http_send(
    address: &str,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(address).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    let mut head = format!("{method} {path} HTTP/1.0\r\nHost: {address}\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body).ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let response = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = response.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, body.to_string()))
}

/// What a client was told had been stored.
#[derive(Debug, Clone)]
struct Acknowledged {
    receipt: String,
    evidence: bool,
}

fn report_json(client: usize, n: usize) -> String {
    let today = time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+7)).date();
    let yesterday = today - time::Duration::days(1);
    format!(
        r#"{{"description":"Camat Klien{client} Nomor{n} mengunggah foto dukungan paslon di Facebook.","occurred_on":"{yesterday}","known_on":"{today}","region_code":"32.04","reported_person":{{"name":"Klien{client} Nomor{n}"}},"links":[],"reporter":{{"mode":"anonymous"}}}}"#
    )
}

fn evidence_body(boundary: &str, client: usize, n: usize) -> Vec<u8> {
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"bukti-{client}-{n}.jpg\"\r\n\r\n"
    )
    .into_bytes();
    // A distinct photo per upload, so that each is its own blob.
    let mut jpeg = netra_store::evidence::sample_jpeg_with_gps();
    let end = jpeg.len() - 2;
    jpeg.splice(end..end, format!("\u{FF}\u{FE}{client}-{n}").bytes());
    body.extend(jpeg);
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    body
}

/// Submits reports (half with evidence) until `stop`, recording each acknowledged receipt.
fn burst_client(
    address: String,
    client: usize,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    acknowledged: std::sync::Arc<std::sync::Mutex<Vec<Acknowledged>>>,
) {
    use std::sync::atomic::Ordering;
    let json = ("Content-Type", "application/json".to_string());
    for n in 0.. {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Some((201, body)) = http_send(
            &address,
            "POST",
            "/api/v1/reports",
            std::slice::from_ref(&json),
            report_json(client, n).as_bytes(),
        ) else {
            return;
        };
        let receipt = body.split("\"receipt\":\"").nth(1).and_then(|r| r.split('"').next()).unwrap().to_string();
        let index = {
            let mut list = acknowledged.lock().unwrap();
            list.push(Acknowledged { receipt: receipt.clone(), evidence: false });
            list.len() - 1
        };
        if n % 2 == 0 {
            let boundary = "crash-boundary";
            let headers = [
                ("Content-Type", format!("multipart/form-data; boundary={boundary}")),
                ("Authorization", format!("Receipt {receipt}")),
            ];
            match http_send(&address, "POST", "/api/v1/reports/evidence", &headers, &evidence_body(boundary, client, n))
            {
                Some((201, _)) => acknowledged.lock().unwrap()[index].evidence = true,
                _ => return,
            }
        }
    }
}

/// The next Bawaslu step a case page offers, with its form fields, in the order a case moves to BKN.
fn next_bawaslu_step(page: &str, today: time::Date) -> Option<Vec<(&'static str, String)>> {
    let offered = |action: &str| page.contains(&format!("name=\"action\" value=\"{action}\""));
    let on = ("on", today.to_string());
    if offered("begin_preliminary_check") {
        Some(vec![("action", "begin_preliminary_check".into()), on])
    } else if offered("register") {
        Some(vec![("action", "register".into()), on, ("number", "001/Reg/LP/PB/Kab/2024".into())])
    } else if offered("begin_kajian") {
        Some(vec![("action", "begin_kajian".into()), on])
    } else if offered("forward_to_bkn") {
        let letter = ("letter_number", "045/PP.01.02/K.JB-04/2024".to_string());
        Some(vec![("action", "forward_to_bkn".into()), on, letter, ("items", "D-SOC-CAMPAIGN".into())])
    } else {
        None
    }
}

/// A Bawaslu officer working the new cases while reports keep arriving: each case one step at a time towards
/// BKN through the case page's forms, recording each step the server acknowledged (a redirect after commit).
fn handoff_client(
    address: String,
    cookie: String,
    csrf: String,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    acknowledged: std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>,
) {
    use std::sync::atomic::Ordering;
    let today = time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+7)).date();
    let session = [("Cookie", cookie.clone())];
    while !stop.load(Ordering::SeqCst) {
        let Some((200, list)) = http_send(&address, "GET", "/kasus?tab=semua", &session, b"") else { return };
        let ids: Vec<String> = list
            .split("href=\"/kasus/")
            .skip(1)
            .filter_map(|rest| rest.get(..36))
            .filter(|id| id.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
            .map(String::from)
            .collect();
        if ids.is_empty() {
            std::thread::sleep(Duration::from_millis(50));
        }
        for id in ids {
            if stop.load(Ordering::SeqCst) {
                return;
            }
            let Some((200, page)) = http_send(&address, "GET", &format!("/kasus/{id}"), &session, b"") else { return };
            let Some(fields) = next_bawaslu_step(&page, today) else { continue };
            let version = page.split("name=\"version\" value=\"").nth(1).and_then(|r| r.split('"').next()).unwrap();
            let mut form = vec![("csrf", csrf.clone()), ("version", version.to_string())];
            form.extend(fields.iter().cloned());
            let body: String = form
                .iter()
                .map(|(k, v)| format!("{k}={}", v.replace('/', "%2F").replace(',', "%2C").replace(' ', "+")))
                .collect::<Vec<_>>()
                .join("&");
            let headers =
                [("Cookie", cookie.clone()), ("Content-Type", "application/x-www-form-urlencoded".to_string())];
            match http_send(&address, "POST", &format!("/kasus/{id}/tindakan"), &headers, body.as_bytes()) {
                Some((303, _)) => acknowledged.lock().unwrap().push((id.clone(), fields[0].1.clone())),
                Some(_) => {}
                None => return,
            }
        }
    }
}

fn crash_during_a_burst_loses_nothing_acknowledged(database_url: Option<String>) {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().display().to_string();
    let mut args = vec!["--data-dir".to_string(), data_dir.clone(), "--reminder-minutes".into(), "0".into()];
    if let Some(url) = &database_url {
        args.extend(["--database-url".to_string(), url.clone()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let config = match &database_url {
        Some(url) => netra_store::StoreConfig::Postgres { url: url.clone() },
        None => netra_store::StoreConfig::Sqlite { path: dir.path().join("netra.sqlite") },
    };
    // The offices and a Bawaslu officer's session, in the database before the server starts.
    let (cookie, csrf) = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let now = time::OffsetDateTime::now_utc();
        let store = netra_store::open(&config).await.unwrap();
        netra_store::ensure_reference_data(store.as_ref(), now).await.unwrap();
        netra_store::demo::seed(store.as_ref(), now).await.unwrap();
        let (token, csrf) = netra_store::testing::open_session(store.as_ref(), "bawaslu.kabbandung", now, true).await;
        (format!("netra_sesi={token}"), csrf)
    });
    let mut server = Server::start(&args, &[]);

    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let handed = Arc::new(Mutex::new(Vec::new()));
    let mut clients: Vec<_> = (0..8)
        .map(|client| {
            let (address, stop, acknowledged) = (server.address.clone(), stop.clone(), acknowledged.clone());
            std::thread::spawn(move || burst_client(address, client, stop, acknowledged))
        })
        .collect();
    for _ in 0..2 {
        let (address, stop, handed) = (server.address.clone(), stop.clone(), handed.clone());
        let (cookie, csrf) = (cookie.clone(), csrf.clone());
        clients.push(std::thread::spawn(move || handoff_client(address, cookie, csrf, stop, handed)));
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    while (acknowledged.lock().unwrap().len() < 80 || handed.lock().unwrap().len() < 40) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    // SIGKILL in the middle of the burst: requests are in flight.
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    stop.store(true, Ordering::SeqCst);
    for client in clients {
        client.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 80, "the burst acknowledged only {} reports", acknowledged.len());
    let handed = handed.lock().unwrap().clone();
    assert!(handed.len() >= 40, "the officer's steps acknowledged only {}", handed.len());
    assert!(handed.iter().any(|(_, action)| action == "forward_to_bkn"), "some cases reached BKN before the kill");

    // After a restart every acknowledged receipt opens its report, with its evidence.
    let server = Server::start(&args, &[]);
    for ack in &acknowledged {
        let (status, body) = http_send(
            &server.address,
            "GET",
            "/api/v1/reports/status",
            &[("Authorization", format!("Receipt {}", ack.receipt))],
            b"",
        )
        .unwrap();
        assert_eq!(status, 200, "receipt {} lost: {body}", ack.receipt);
        if ack.evidence {
            assert!(!body.contains("\"evidence_count\":0"), "evidence of {} lost: {body}", ack.receipt);
        }
    }
    assert!(server.interrupt().0);

    // No orphan blob, no staged leftovers, no evidence row without its file, no case without its report and
    // first event; and the audit chain verifies.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = netra_store::open(&config).await.unwrap();
        // Every step the officer was told was recorded is in its case's history.
        for (case, action) in &handed {
            let events = store.case_events(case).await.unwrap();
            assert!(events.iter().any(|e| &e.action == action), "{action} on {case} was acknowledged but is gone");
        }
        let referenced: std::collections::HashSet<String> =
            store.evidence_hashes().await.unwrap().into_iter().collect();
        let blobs = netra_store::blobs::BlobStore::open(dir.path().join("blobs")).unwrap();
        let stored: std::collections::HashSet<String> = blobs.list().unwrap().into_iter().collect();
        assert_eq!(stored, referenced, "blobs on disk and evidence rows agree");
        assert_eq!(std::fs::read_dir(dir.path().join("blobs/tmp")).unwrap().count(), 0, "no staged upload remains");
        assert!(acknowledged.iter().filter(|a| a.evidence).count() <= referenced.len());
        let mut query = netra_store::cases::CaseQuery::new(netra_store::cases::CaseScope::All);
        query.limit = 10_000;
        let cases = store.list_cases(&query).await.unwrap();
        assert!(cases.len() >= acknowledged.len());
        for case in &cases {
            assert!(!store.case_reports(&case.id).await.unwrap().is_empty(), "{} has no report", case.number);
            assert!(!store.case_events(&case.id).await.unwrap().is_empty(), "{} has no event", case.number);
        }
    });
    let mut verify = netra();
    verify.args(["audit", "verify", "--data-dir", &data_dir]);
    if let Some(url) = &database_url {
        verify.args(["--database-url", url]);
    }
    let output = verify.output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stdout));
}

#[test]
fn killing_the_server_during_a_burst_loses_no_acknowledged_report_or_step_on_sqlite() {
    crash_during_a_burst_loses_nothing_acknowledged(None);
}

#[test]
fn killing_the_server_during_a_burst_loses_no_acknowledged_report_or_step_on_postgresql() {
    let url = tokio::runtime::Runtime::new().unwrap().block_on(netra_store::testing::fresh_postgres_database());
    crash_during_a_burst_loses_nothing_acknowledged(Some(url));
}

#[path = "cli/letter.rs"]
mod letter;
#[path = "cli/pact.rs"]
mod pact;
#[path = "cli/registry.rs"]
mod registry;
#[path = "cli/screen.rs"]
mod screen;

#[test]
fn the_first_administrator_is_created_once_with_a_password_to_change_and_a_second_factor_to_enrol() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().display().to_string();
    let create = |username: &str| {
        netra()
            .args(["user", "create-admin", "--username", username, "--name", "Siti Aminah", "--data-dir", &data])
            .env("NETRA_LOG", "warn,sqlx=error")
            .output()
            .unwrap()
    };
    let bad = create("Siti Aminah");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("lower-case"), "{}", String::from_utf8_lossy(&bad.stderr));
    let made = create("siti.admin");
    let printed = String::from_utf8_lossy(&made.stdout).to_string();
    assert!(made.status.success(), "{printed}{}", String::from_utf8_lossy(&made.stderr));
    let password = printed.split("sekali ini saja): ").nth(1).unwrap().lines().next().unwrap().trim().to_string();
    assert_eq!(password.len(), 19, "{printed}");
    let again = create("siti.admin");
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("already exists"));

    // A system administrator who must change the password and has no second factor yet (the sign-in pages then
    // ask for both, as for any account in that state).
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let config = netra_store::StoreConfig::Sqlite { path: dir.path().join("netra.sqlite") };
        let store = netra_store::open(&config).await.unwrap();
        let user = store.user_by_username("siti.admin").await.unwrap().unwrap();
        assert_eq!(user.role, netra_core::role::Role::SystemAdmin);
        assert!(user.must_change_password && user.totp_secret.is_none());
        let hash = store.password_hash(&user.id).await.unwrap().unwrap();
        assert!(netra_store::auth::verify_password(&password, &hash));
        let office = store.office(&user.office_id).await.unwrap().unwrap();
        assert_eq!(office.name, "Pengelola Sistem Netra");
        assert!(netra_store::verify_audit_chain(store.as_ref()).await.unwrap().is_ok());
    });
}
