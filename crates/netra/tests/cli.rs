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
