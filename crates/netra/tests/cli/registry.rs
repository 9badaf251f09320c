//! `netra registry …` run as a user would: import with broken rows, an interrupted import, XLSX, match.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::netra;

fn run(command: &mut Command) -> Output {
    command.env("NETRA_LOG", "warn,sqlx=error").stdin(Stdio::null()).output().expect("netra runs")
}

fn generate(path: &Path, count: u64, seed: u64) {
    let out = run(netra()
        .args(["registry", "generate", "--count", &count.to_string(), "--seed", &seed.to_string(), "--csv"])
        .arg(path));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn count_persons(data_dir: &Path) -> i64 {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let url = format!("sqlite://{}?mode=ro", data_dir.join("netra.sqlite").display());
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM registry_person").fetch_one(&pool).await.unwrap();
        n
    })
}

fn data_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path).unwrap().lines().skip(1).map(str::to_string).collect()
}

#[test]
fn import_keeps_the_good_rows_and_lists_each_bad_one_with_line_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("registri.csv");
    generate(&csv, 200, 5);
    let mut text = std::fs::read_to_string(&csv).unwrap();
    let first = data_lines(&csv)[0].clone();
    // Lines 202-205: bad NIP, bad date, a missing column, a duplicate NIP.
    text.push_str(
        "19850330201001100X,Budi Santoso,,,L,1985-03-30,PNS,pelaksana,Staf,,Pemerintah Kabupaten Bandung,32.04\n",
    );
    text.push_str(
        "198503302010011777,Budi Santoso,,,L,1985-02-30,PNS,pelaksana,Staf,,Pemerintah Kabupaten Bandung,32.04\n",
    );
    text.push_str(
        "198503302010011778,Budi Santoso,,,L,1985-03-30,PNS,pelaksana,Staf,Pemerintah Kabupaten Bandung,32.04\n",
    );
    text.push_str(&first);
    text.push('\n');
    std::fs::write(&csv, text).unwrap();
    let data = dir.path().join("data");
    let out = run(netra().args(["registry", "import", "--csv"]).arg(&csv).arg("--data-dir").arg(&data));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("200 rows imported"), "{stderr}");
    assert!(stderr.contains("4 rows refused"), "{stderr}");
    assert_eq!(count_persons(&data), 200);
    let errors = std::fs::read_to_string(dir.path().join("registri.csv.errors.csv")).unwrap();
    let rows: Vec<(String, String)> = errors
        .lines()
        .skip(1)
        .map(|l| {
            let mut cells = l.splitn(3, ',');
            (cells.next().unwrap().to_string(), cells.next().unwrap().to_string())
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("202".to_string(), "nip".to_string()),
            ("203".to_string(), "tanggal_lahir".to_string()),
            ("204".to_string(), "baris".to_string()),
            ("205".to_string(), "nip".to_string()),
        ]
    );
    assert!(errors.contains("sudah ada di baris 2"), "{errors}");

    // A second import of the same file updates nothing and adds nothing.
    let again = run(netra().args(["registry", "import", "--csv"]).arg(&csv).arg("--data-dir").arg(&data));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("0 new, 0 updated, 0 moved"), "{stderr}");
    let verify = run(netra().args(["audit", "verify", "--data-dir"]).arg(&data));
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
}

#[test]
fn an_interrupted_import_leaves_the_previous_registry_intact() {
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("kecil.csv");
    let big = dir.path().join("besar.csv");
    generate(&small, 300, 1);
    generate(&big, 300_000, 2);
    let data = dir.path().join("data");
    assert!(
        run(netra().args(["registry", "import", "--csv"]).arg(&small).arg("--data-dir").arg(&data)).status.success()
    );
    let mut child = netra()
        .args(["registry", "import", "--csv"])
        .arg(&big)
        .arg("--data-dir")
        .arg(&data)
        .env("NETRA_LOG", "warn,sqlx=error")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once it is writing: the WAL file grows past a few megabytes.
    let wal = data.join("netra.sqlite-wal");
    let started = Instant::now();
    while std::fs::metadata(&wal).map_or(0, |m| m.len()) < 8 << 20 {
        assert!(child.try_wait().unwrap().is_none(), "the import finished before it could be interrupted");
        assert!(started.elapsed() < Duration::from_secs(120), "the import never started writing");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(count_persons(&data), 300);
    let verify = run(netra().args(["audit", "verify", "--data-dir"]).arg(&data));
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
}

#[test]
fn an_xlsx_registry_is_read_like_a_csv() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registri.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let header = [
        "nip",
        "nama",
        "gelar_depan",
        "gelar_belakang",
        "jenis_kelamin",
        "tanggal_lahir",
        "status_kepegawaian",
        "jenis_jabatan",
        "jabatan",
        "unit_kerja",
        "instansi",
        "kode_wilayah",
    ];
    let rows = [
        [
            "198503302010011002",
            "Asep Sunandar",
            "Drs. H.",
            "M.Si",
            "L",
            "",
            "PNS",
            "administrator",
            "Camat Cileunyi",
            "Kecamatan Cileunyi",
            "Pemerintah Kabupaten Bandung",
            "32.04.05",
        ],
        [
            "198503302010011003",
            "Budi",
            "",
            "",
            "X",
            "",
            "PNS",
            "pelaksana",
            "Staf",
            "",
            "Pemerintah Kabupaten Bandung",
            "32.04",
        ],
    ];
    for (c, name) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *name).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, *value).unwrap();
        }
    }
    // The birth date as a real spreadsheet date.
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(1985, 3, 30).unwrap();
    let format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    sheet.write_datetime_with_format(1, 5, &date, &format).unwrap();
    workbook.save(&path).unwrap();
    let data = dir.path().join("data");
    let out = run(netra().args(["registry", "import", "--xlsx"]).arg(&path).arg("--data-dir").arg(&data));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let errors = std::fs::read_to_string(dir.path().join("registri.xlsx.errors.csv")).unwrap();
    assert!(stderr.contains("1 rows imported") && stderr.contains("1 rows refused"), "{stderr}{errors}");
    assert!(errors.contains("3,jenis_kelamin"), "{errors}");
}

#[test]
fn match_answers_in_input_order_with_scores_and_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("registri.csv");
    generate(&csv, 2000, 3);
    let mut text = std::fs::read_to_string(&csv).unwrap();
    text.push_str("198503302010011002,Asep Sunandar,Drs. H.,M.Si,L,1985-03-30,PNS,administrator,Camat Cileunyi,Kecamatan Cileunyi,Pemerintah Kabupaten Bandung,32.04.05\n");
    text.push_str("198604122011012003,Siti Nurhayati,,S.Pd.,P,1986-04-12,PNS,fungsional,Guru Ahli Muda,SD Negeri 2 Cileunyi,Pemerintah Kabupaten Bandung,32.04.05\n");
    std::fs::write(&csv, text).unwrap();
    let data = dir.path().join("data");
    assert!(run(netra().args(["registry", "import", "--csv"]).arg(&csv).arg("--data-dir").arg(&data)).status.success());
    let input = dir.path().join("q.jsonl");
    std::fs::write(
        &input,
        concat!(
            "{\"id\": \"a\", \"nama\": \"drs h asep sunadar msi\", \"kode_wilayah\": \"32.04\", \"jabatan\": \"camat\"}\n",
            "{\"id\": 7, \"nama\": \"SITI NOERHAJATI\", \"instansi\": \"Pemkab Bandung\", \"unit_kerja\": \"SDN 2 Cileunyi\"}\n",
            "not json\n",
            "{\"id\": \"c\", \"nama\": \"Sunandar, Asep\"}\n",
        ),
    )
    .unwrap();
    let output = dir.path().join("out.jsonl");
    let out = run(netra()
        .args(["registry", "match", "--top", "3", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .arg("--data-dir")
        .arg(&data));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let answers: Vec<serde_json::Value> =
        std::fs::read_to_string(&output).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(answers.len(), 4);
    assert_eq!(answers[0]["id"], "a");
    assert_eq!(answers[0]["candidates"][0]["nip"], "198503302010011002");
    assert_eq!(answers[0]["candidates"][0]["nama"], "Drs. H. Asep Sunandar, M.Si");
    let reasons: Vec<String> = answers[0]["candidates"][0]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    assert!(reasons.contains(&"salah ketik: sunadar ~ Sunandar".to_string()), "{reasons:?}");
    assert!(answers[0]["candidates"].as_array().unwrap().len() <= 3);
    assert_eq!(answers[1]["id"], 7);
    assert_eq!(answers[1]["candidates"][0]["nip"], "198604122011012003");
    assert!(answers[2]["error"].as_str().unwrap().starts_with("baris 3"));
    assert_eq!(answers[3]["candidates"][0]["nip"], "198503302010011002");
    let score = answers[3]["candidates"][0]["score"].as_f64().unwrap();
    assert!(score > 0.5 && score <= 1.0, "{score}");
}
