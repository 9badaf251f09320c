//! `netra letter verify` as an outside reader of a letter would run it: the PDF as issued verifies with the
//! instance's public keys; a changed byte, or a list without the key, does not.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use super::netra;

fn run(command: &mut Command) -> Output {
    command.env("NETRA_LOG", "warn,sqlx=error").stdin(Stdio::null()).output().expect("netra runs")
}

/// Files the demo cases in a fresh SQLite data directory and has Bawaslu write the forwarding letter of the first
/// forwarded one; returns the PDF and its verification code.
fn issued_letter(data_dir: &Path) -> (Vec<u8>, String) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let now = time::macros::datetime!(2025-01-06 09:00 +7);
        let config = netra_store::StoreConfig::Sqlite { path: data_dir.join("netra.sqlite") };
        let store = netra_store::open(&config).await.unwrap();
        netra_store::ensure_reference_data(store.as_ref(), now).await.unwrap();
        netra_store::demo::seed(store.as_ref(), now).await.unwrap();
        netra_store::demo::seed_registry(store.as_ref(), now, 300).await.unwrap();
        let (vault, _) = netra_store::casework::Vault::open(store.as_ref(), data_dir, now).await.unwrap();
        netra_store::demo::seed_cases(&store, &vault, now).await.unwrap();
        let user = store.user_by_username("bawaslu.jabar").await.unwrap().unwrap();
        let bawaslu = netra_store::access::Principal::load(store.as_ref(), &user.id).await.unwrap().unwrap();
        let desk = bawaslu.case_desk(&store).unwrap();
        let forwarded = store
            .case_facts(&desk.scope().clone(), None)
            .await
            .unwrap()
            .into_iter()
            .find(|f| f.recommended_on.is_some())
            .expect("a forwarded demo case");
        let input = netra_store::casework::LetterInput { kind: "penerusan".into(), ..Default::default() };
        let letter =
            desk.issue_letter(&forwarded.id, &input, &vault.pact_keys, "http://netra.test", now).await.unwrap();
        (store.letter_pdf(&letter.id).await.unwrap().unwrap(), letter.code)
    })
}

#[test]
fn a_letter_verifies_offline_and_fails_when_changed_or_the_key_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let (pdf, code) = issued_letter(&data);
    let file = dir.path().join("surat.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let keys = dir.path().join("kunci.json");
    let out = run(netra().args(["pact", "keys", "--output"]).arg(&keys).arg("--data-dir").arg(&data));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(pdf.starts_with(b"%PDF-") && code.len() == 14, "a PDF and its code");

    let verify = |file: &Path, keys: &Path| run(netra().args(["letter", "verify"]).arg(file).arg("--keys").arg(keys));
    let good = verify(&file, &keys);
    assert_eq!(good.status.code(), Some(0), "{}", String::from_utf8_lossy(&good.stdout));
    assert!(String::from_utf8_lossy(&good.stdout).starts_with("SAH"));

    for at in [pdf.len() / 5, pdf.len() / 2, pdf.len() - 10] {
        let mut changed = pdf.clone();
        changed[at] ^= 0x04;
        let bent = dir.path().join("surat-ubah.pdf");
        std::fs::write(&bent, &changed).unwrap();
        let bad = verify(&bent, &keys);
        assert_eq!(bad.status.code(), Some(2), "byte {at} changed");
        assert!(String::from_utf8_lossy(&bad.stdout).contains("TIDAK SAH"));
    }
    let none = dir.path().join("kunci-kosong.json");
    std::fs::write(&none, "[]").unwrap();
    let unknown = verify(&file, &none);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stdout).contains("kunci yang tidak dikenal"));
    let not_keys = dir.path().join("bukan.json");
    std::fs::write(&not_keys, "{").unwrap();
    let broken = verify(&file, &not_keys);
    assert_eq!(broken.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&broken.stderr).contains("is not a list of public keys"));
}
