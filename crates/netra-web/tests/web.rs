//! Public pages and JSON API, through the real router on a real SQLite store with the reference data loaded.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use netra_store::Store;
use netra_web::{AppState, router};
use tower::ServiceExt;

struct TestApp {
    _dir: tempfile::TempDir,
    state: AppState,
}

impl TestApp {
    async fn spawn() -> TestApp {
        let (dir, store) = netra_store::testing::sqlite_store().await;
        let store: Arc<dyn Store> = Arc::new(store);
        netra_store::ensure_reference_data(store.as_ref(), time::OffsetDateTime::now_utc()).await.unwrap();
        let mut state = AppState::new(store);
        state.now = || time::macros::datetime!(2024-10-01 09:00 +7);
        TestApp { _dir: dir, state }
    }

    async fn get(&self, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
        let response =
            router(self.state.clone()).oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 4 * 1024 * 1024).await.unwrap();
        (status, headers, String::from_utf8(bytes.to_vec()).unwrap())
    }
}

/// Minimal HTML escaping as askama does it, to find catalogue text in the page.
fn escaped(text: &str) -> String {
    text.replace('&', "&#38;").replace('<', "&#60;").replace('>', "&#62;").replace('"', "&#34;").replace('\'', "&#39;")
}

#[tokio::test]
async fn the_home_page_explains_netra_in_indonesian_and_english() {
    let app = TestApp::spawn().await;
    let (status, headers, body) = app.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<html lang=\"id\">"));
    assert!(body.contains("Menjaga netralitas ASN dalam pemilihan"));
    assert!(body.contains("Cara melapor"));
    assert!(body.contains("Paling lambat 7 hari"));
    assert!(body.contains("Masa kampanye"), "the election stage of the fixed date (1 Oct 2024) is shown");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert!(headers["content-security-policy"].to_str().unwrap().contains("default-src 'self'"));
    let (_, _, english) = app.get("/?lang=en").await;
    assert!(english.contains("<html lang=\"en\">"));
    assert!(english.contains("Keeping civil servants neutral"));
}

#[tokio::test]
async fn the_catalogue_page_lists_every_item_with_its_basis_and_sanction() {
    let app = TestApp::spawn().await;
    let (status, _, body) = app.get("/katalog").await;
    assert_eq!(status, StatusCode::OK);
    let catalogue = netra_core::builtin::catalogue();
    assert!(body.contains(&format!("Menampilkan {n} dari {n} larangan.", n = catalogue.items().len())));
    for item in catalogue.items() {
        assert!(body.contains(&format!("id=\"{}\"", item.code)), "{} missing", item.code);
        assert!(body.contains(&escaped(&item.legal_basis.join("; "))), "basis of {} missing", item.code);
        assert!(body.contains(&escaped(item.level.name(netra_core::Locale::Id))), "level of {} missing", item.code);
    }
}

#[tokio::test]
async fn the_catalogue_is_searchable_and_filterable() {
    let app = TestApp::spawn().await;
    let (_, _, body) = app.get("/katalog?q=like").await;
    assert!(body.contains("id=\"KE-SOC-ENGAGE-LIKE\""));
    assert!(body.contains("id=\"D-SOC-ENGAGE-LIKE\""));
    assert!(!body.contains("id=\"D-BANNER\""));
    let (_, _, body) = app.get("/katalog?kategori=pidana").await;
    assert!(body.contains("id=\"CR-DECISION\"") && body.contains("id=\"CR-INVOLVE\""));
    assert!(body.contains("Menampilkan 2 dari"));
    let (_, _, body) = app.get("/katalog?q=%3Cscript%3E").await;
    assert!(!body.contains("<script>"), "the query is escaped when echoed");
}

#[tokio::test]
async fn health_and_region_api() {
    let app = TestApp::spawn().await;
    let (status, _, body) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, r#"{"status":"ok","database":"SQLite"}"#);

    let (status, _, body) = app.get("/api/v1/regions?parent=32").await;
    assert_eq!(status, StatusCode::OK);
    let regions: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(regions.as_array().unwrap().len(), 27);
    assert_eq!(regions[3]["name"], "Kabupaten Bandung");

    let (status, _, body) = app.get("/api/v1/regions?parent=32.4").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(errors["errors"][0]["field"], "parent");
    assert_eq!(
        errors["errors"][0]["message"],
        "Kode wilayah: segmen ke-2 (kabupaten/kota) harus 2 digit; ditemukan 1."
    );

    let (_, _, body) = app.get("/api/v1/regions?q=cimahi").await;
    assert!(body.contains("\"code\":\"32.77\""));
    let (_, _, body) = app.get("/api/v1/catalogue").await;
    let catalogue: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(catalogue["items"].as_array().unwrap().len(), netra_core::builtin::catalogue().items().len());
}

#[tokio::test]
async fn unknown_pages_answer_404_in_indonesian() {
    let app = TestApp::spawn().await;
    let (status, _, body) = app.get("/tidak-ada").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("Halaman tidak ditemukan"));
}
