//! `netra pact …` as an operator and an outside verifier would run it: export a signed pact and the public keys,
//! verify offline, tamper, rotate the key.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use super::netra;

fn run(command: &mut Command) -> Output {
    command.env("NETRA_LOG", "warn,sqlx=error").stdin(Stdio::null()).output().expect("netra runs")
}

/// Signs Asep Sunandar's pact from an attendance list in a fresh SQLite data directory; returns its code.
fn signed_pact(data_dir: &Path) -> String {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let now = time::OffsetDateTime::now_utc();
        let config = netra_store::StoreConfig::Sqlite { path: data_dir.join("netra.sqlite") };
        let store = netra_store::open(&config).await.unwrap();
        netra_store::ensure_reference_data(store.as_ref(), now).await.unwrap();
        netra_store::demo::seed(store.as_ref(), now).await.unwrap();
        netra_store::demo::seed_registry(store.as_ref(), now, 0).await.unwrap();
        let keys = netra_store::pacts::PactKeys::new(data_dir.join("keys").join("pact"));
        let user = store.user_by_username("admin.kabbandung").await.unwrap().unwrap();
        let admin = netra_store::access::Principal::load(store.as_ref(), &user.id).await.unwrap().unwrap();
        let desk = admin.pact_desk(&store, &keys).unwrap();
        let list = b"nip\n197503122000031001\n";
        let outcome = desk.sign_attendance("pilkada-2024", "Apel Netralitas", "hadir.csv", list, now).await.unwrap();
        assert_eq!(outcome.signed, 1);
        let asep = store.registry_person_by_nip("197503122000031001").await.unwrap().unwrap();
        store.pact_signatures_of(asep.id).await.unwrap()[0].pact.code.clone()
    })
}

#[test]
fn an_exported_pact_verifies_offline_fails_when_tampered_and_survives_key_rotation() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let code = signed_pact(&data);
    let file = dir.path().join("pakta.json");
    let keys = dir.path().join("kunci.json");
    let out = run(netra().args(["pact", "export", &code, "--output"]).arg(&file).arg("--data-dir").arg(&data));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(netra().args(["pact", "keys", "--output"]).arg(&keys).arg("--data-dir").arg(&data));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let verify = |file: &Path, keys: &Path| run(netra().args(["pact", "verify"]).arg(file).arg("--keys").arg(keys));
    let good = verify(&file, &keys);
    let printed = String::from_utf8_lossy(&good.stdout);
    assert_eq!(good.status.code(), Some(0), "{printed}");
    assert!(printed.contains("SAH") && printed.contains("Asep Sunandar") && printed.contains(&code), "{printed}");

    // One byte of the name changed: exit code 2 and the reason.
    let bent = dir.path().join("pakta-ubah.json");
    std::fs::write(&bent, std::fs::read_to_string(&file).unwrap().replacen("Sunandar", "Sunandir", 1)).unwrap();
    let bad = verify(&bent, &keys);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("TIDAK SAH"));

    // After a rotation the new key list still verifies the old pact; a list without the old key does not.
    let out = run(netra().args(["pact", "rotate-key", "--data-dir"]).arg(&data));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rotated = dir.path().join("kunci-baru.json");
    let out = run(netra().args(["pact", "keys", "--output"]).arg(&rotated).arg("--data-dir").arg(&data));
    assert!(out.status.success());
    let listed: Vec<serde_json::Value> = serde_json::from_str(&std::fs::read_to_string(&rotated).unwrap()).unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(verify(&file, &rotated).status.code(), Some(0));
    let only_new = dir.path().join("kunci-hanya-baru.json");
    std::fs::write(&only_new, serde_json::to_string(&listed[..1]).unwrap()).unwrap();
    let unknown = verify(&file, &only_new);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stdout).contains("kunci yang tidak dikenal"));
}
