//! `netra screen` and `netra model …` run as a user would, on real files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::netra;

fn repo_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(relative)
}

/// The shared corpus and seeds, when this checkout sits beside them (`NETRA_SHARED_DIR` or `../shared`).
fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("NETRA_SHARED_DIR").map(PathBuf::from).unwrap_or_else(|| repo_file("../shared"));
    dir.join("corpus/train.jsonl").exists().then_some(dir)
}

fn run(command: &mut Command) -> Output {
    command.stdin(Stdio::null()).output().expect("netra runs")
}

fn lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("every output line is JSON"))
        .collect()
}

#[test]
fn screen_answers_every_good_line_in_order_and_names_the_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let huge = format!("{{\"id\": \"huge\", \"text\": \"{}\"}}", "a".repeat(5000));
    let mut body = Vec::new();
    body.extend_from_slice(
        "{\"id\": \"p1\", \"text\": \"Camat Sukasari mengunggah foto salam dua jari bersama calon bupati di Facebook, ayo coblos nomor 2!\"}\n"
            .as_bytes(),
    );
    body.extend_from_slice(b"{\"id\": 2, \"text\": \"Harga cabai di pasar naik lagi minggu ini.\"}\r\n");
    body.extend_from_slice(b"not json\n");
    body.extend_from_slice(b"{\"id\": \"no-text\"}\n");
    body.extend_from_slice(b"{\"id\": \"latin1\", \"text\": \"caf\xe9\"}\n");
    body.extend_from_slice(huge.as_bytes());
    body.push(b'\n');
    body.extend_from_slice(b"\n");
    body.extend_from_slice(b"{\"id\": \"empty\", \"text\": \"\"}\n");
    std::fs::write(&input, &body).unwrap();
    let output = dir.path().join("out.jsonl");
    let result =
        run(netra().args(["screen", "--max-line-bytes", "4096", "--input"]).arg(&input).arg("--output").arg(&output));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "{stderr}");
    for expected in
        ["line 3: not a JSON object", "line 4: field `text`: is missing", "line 5: not valid UTF-8", "line 6: line is"]
    {
        assert!(stderr.contains(expected), "stderr names `{expected}`: {stderr}");
    }
    let rows = lines(&output);
    let ids: Vec<&serde_json::Value> = rows.iter().map(|r| &r["id"]).collect();
    assert_eq!(ids, [&serde_json::json!("p1"), &serde_json::json!(2), &serde_json::json!("empty")]);

    let partisan = &rows[0];
    assert_eq!(partisan["violation"], true, "{partisan}");
    let acts: Vec<&str> = partisan["acts"].as_array().unwrap().iter().map(|a| a["act"].as_str().unwrap()).collect();
    assert!(acts.contains(&"SOCMED_POST") || acts.contains(&"PHOTO_HAND_SIGN"), "{acts:?}");
    assert!(
        partisan["acts"][0]["items"].as_array().is_some_and(|items| !items.is_empty()),
        "acts name catalogue items"
    );
    let text: Vec<char> =
        "Camat Sukasari mengunggah foto salam dua jari bersama calon bupati di Facebook, ayo coblos nomor 2!"
            .chars()
            .collect();
    let explanation = partisan["explanation"].as_array().unwrap();
    assert!(!explanation.is_empty());
    for evidence in explanation {
        let (start, end) = (evidence["start"].as_u64().unwrap() as usize, evidence["end"].as_u64().unwrap() as usize);
        let span: String = text[start..end].iter().collect();
        assert_eq!(span, evidence["text"].as_str().unwrap(), "spans are character offsets into the original");
    }
    assert_eq!(rows[1]["violation"], false, "an everyday post is not a violation");
    assert_eq!(rows[2]["violation"], false, "an empty text is not a violation");
    assert_eq!(rows[2]["score"], 0.0);
}

#[test]
fn strict_mode_stops_at_the_first_bad_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, "{\"id\": 1, \"text\": \"halo\"}\n{\"id\": 2}\n{\"id\": 3, \"text\": \"x\"}\n").unwrap();
    let output = dir.path().join("out.jsonl");
    let result = run(netra().args(["screen", "--strict", "--input"]).arg(&input).arg("--output").arg(&output));
    assert!(!result.status.success());
    assert!(String::from_utf8_lossy(&result.stderr).contains("line 2: field `text`: is missing"));
    assert!(!output.exists(), "no half-written output");
    assert!(!dir.path().join("out.jsonl.partial").exists());
}

fn generated_posts(n: usize) -> String {
    let templates = [
        "Ayo coblos nomor {n} Prabowo Gibran, salam {n} jari!",
        "Selamat pagi warga, jalan desa sudah diperbaiki.",
        "Camat ikut kampanye paslon {n} pakai mobil dinas",
        "Info pemadaman listrik besok jam {n} siang",
    ];
    (0..n)
        .map(|i| {
            let text = templates[i % templates.len()].replace("{n}", &(i % 4 + 1).to_string());
            format!("{{\"id\": {i}, \"text\": \"{text}\"}}\n")
        })
        .collect()
}

#[test]
fn two_threads_give_the_same_output_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, generated_posts(10_000)).unwrap();
    let one = dir.path().join("one.jsonl");
    let two = dir.path().join("two.jsonl");
    assert!(run(netra().args(["screen", "--input"]).arg(&input).arg("--output").arg(&one)).status.success());
    let result = run(netra().args(["screen", "--threads", "2", "--input"]).arg(&input).arg("--output").arg(&two));
    assert!(result.status.success());
    assert!(String::from_utf8_lossy(&result.stderr).contains("screened 10000 posts"));
    assert_eq!(std::fs::read(&one).unwrap(), std::fs::read(&two).unwrap());
}

#[test]
fn candidates_come_from_an_election_or_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        "{\"id\": \"a\", \"text\": \"Bismillah coblos 02 #PrabowoGibran\"}\n{\"id\": \"b\", \"text\": \"Dukung Mas Budi nomor urut 1, #BudiBisa\"}\n",
    )
    .unwrap();
    let output = dir.path().join("out.jsonl");
    let result =
        run(netra().args(["screen", "--election", "pemilu-2024", "--input"]).arg(&input).arg("--output").arg(&output));
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let rows = lines(&output);
    assert_eq!(rows[0]["candidates"][0]["number"], 2);
    assert_eq!(rows[0]["candidates"][0]["election"], "pemilu-2024");
    // One contest: a ballot number alone names the pair.
    assert_eq!(rows[1]["candidates"][0]["name"], "Anies Baswedan – Muhaimin Iskandar");
    assert_eq!(rows[1]["candidates"][0]["found"], serde_json::json!(["nomor urut 1"]));

    let candidates = dir.path().join("candidates.toml");
    std::fs::write(
        &candidates,
        "election = \"pilkada-contoh\"\n[[pair]]\nnumber = 1\nnames = [\"Budi Santoso\", \"Siti Aminah\"]\nnicknames = [\"Mas Budi\"]\nhashtags = [\"#BudiBisa\"]\n",
    )
    .unwrap();
    let result = run(netra()
        .args(["screen", "--candidates"])
        .arg(&candidates)
        .arg("--input")
        .arg(&input)
        .arg("--output")
        .arg(&output));
    assert!(result.status.success());
    let rows = lines(&output);
    assert_eq!(rows[1]["candidates"][0]["name"], "Budi Santoso – Siti Aminah");
    let found: Vec<&str> =
        rows[1]["candidates"][0]["found"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert!(found.contains(&"Mas Budi") && found.contains(&"#BudiBisa"), "{found:?}");

    let unknown =
        run(netra().args(["screen", "--election", "pemilu-1955", "--input"]).arg(&input).arg("--output").arg(&output));
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("--candidates FILE"));
    std::fs::write(&candidates, "election = \"x\"\n[[pair]]\nnumber = 1\nnames = []\n").unwrap();
    let broken = run(netra()
        .args(["screen", "--candidates"])
        .arg(&candidates)
        .arg("--input")
        .arg(&input)
        .arg("--output")
        .arg(&output));
    assert!(String::from_utf8_lossy(&broken.stderr).contains("pair 1 needs its names"));
}

#[test]
fn training_is_reproducible_and_eval_reports_every_act() {
    let dir = tempfile::tempdir().unwrap();
    let examples = repo_file("data/screen/examples.jsonl");
    let (a, b) = (dir.path().join("a.bin"), dir.path().join("b.bin"));
    for model in [&a, &b] {
        let result =
            run(netra().args(["model", "train", "--bits", "16", "--input"]).arg(&examples).arg("--output").arg(model));
        assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap(), "same inputs, same model bytes");

    let result = run(netra().args(["model", "eval", "--model"]).arg(&a).arg("--input").arg(&examples));
    let report = String::from_utf8_lossy(&result.stdout);
    assert!(result.status.success());
    for expected in ["SOCMED_POST", "PARTY_MEMBERSHIP", "macro-F1", "confusion of violation", "truly true"] {
        assert!(report.contains(expected), "{report}");
    }
    let json = run(netra().args(["model", "eval", "--json", "--model"]).arg(&a).arg("--input").arg(&examples));
    let counts: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let v = &counts["violation"];
    let rows =
        v["tp"].as_u64().unwrap() + v["fp"].as_u64().unwrap() + v["fn"].as_u64().unwrap() + v["tn"].as_u64().unwrap();
    assert_eq!(rows, std::fs::read_to_string(&examples).unwrap().lines().count() as u64);

    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"id\":\"x\",\"text\":\"a\",\"labels\":[\"NOT_AN_ACT\"]}\n").unwrap();
    let refused = run(netra().args(["model", "eval", "--input"]).arg(&bad));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("line 1: field `labels`: unknown act `NOT_AN_ACT`"));
    std::fs::write(&bad, b"NETRA-MODEL\nxx").unwrap();
    let refused = run(netra().args(["model", "eval", "--model"]).arg(&bad).arg("--input").arg(&examples));
    assert!(!refused.status.success());
}

/// With the shared corpus beside the checkout: the shipped model is exactly what the documented training
/// command produces, and none of the five seed articles (prevention news) comes out as a violation.
#[test]
fn the_shipped_model_is_reproducible_and_the_seeds_are_not_violations() {
    let Some(shared) = shared_dir() else {
        eprintln!("skipped: no shared corpus beside this checkout (set NETRA_SHARED_DIR)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.bin");
    let result = run(netra()
        .args(["model", "train", "--input"])
        .arg(shared.join("corpus/train.jsonl"))
        .arg("--input")
        .arg(shared.join("corpus/posts.jsonl"))
        .arg("--input")
        .arg(repo_file("data/screen/examples.jsonl"))
        .arg("--output")
        .arg(&model));
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    assert!(
        std::fs::read(&model).unwrap() == std::fs::read(repo_file("data/screen/model.bin")).unwrap(),
        "data/screen/model.bin is not what the training command produces: retrain and commit it"
    );

    let seeds = dir.path().join("seeds.jsonl");
    let mut body = String::new();
    for entry in std::fs::read_dir(shared.join("seeds")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        body.push_str(
            &serde_json::json!({"id": path.file_name().unwrap().to_string_lossy(), "text": text}).to_string(),
        );
        body.push('\n');
    }
    std::fs::write(&seeds, body).unwrap();
    let output = dir.path().join("seeds.out.jsonl");
    assert!(run(netra().args(["screen", "--input"]).arg(&seeds).arg("--output").arg(&output)).status.success());
    let rows = lines(&output);
    assert_eq!(rows.len(), 5);
    for row in rows {
        assert_eq!(row["violation"], false, "seed {} is prevention news, not a violation", row["id"]);
    }
}

#[test]
fn an_elections_candidates_come_from_the_database_when_it_has_them() {
    let dir = tempfile::tempdir().unwrap();
    let server = super::Server::start(&["--demo", "--data-dir", dir.path().to_str().unwrap()], &[]);
    // Once it answers, the demo data is in and Ctrl-C is handled.
    let (status, _) = super::http_get(&server.address, "/healthz");
    assert_eq!(status, "HTTP/1.0 200 OK");
    let (clean, _) = server.interrupt();
    assert!(clean);
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        "{\"id\": 1, \"text\": \"Warga Bandung ayo dukung #FarhanErwin, Bandung Utama!\", \"region\": \"32.73.01\"}\n",
    )
    .unwrap();
    let output = dir.path().join("out.jsonl");
    let result = run(netra()
        .args(["screen", "--election", "pilkada-2024", "--data-dir"])
        .arg(dir.path().join("demo"))
        .arg("--input")
        .arg(&input)
        .arg("--output")
        .arg(&output));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "{stderr}");
    assert!(stderr.contains("candidate pairs of pilkada-2024 from the database"), "{stderr}");
    let rows = lines(&output);
    let named = &rows[0]["candidates"][0];
    assert_eq!(named["name"], "Muhammad Farhan – Erwin", "{}", rows[0]);
    assert_eq!(named["region"], "32.73");
    assert_eq!(named["number"], 2);
}
