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
        let (vault, _) =
            netra_store::casework::Vault::open(store.as_ref(), dir.path(), time::OffsetDateTime::now_utc())
                .await
                .unwrap();
        let mut state = AppState::new(store, vault);
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

// ----- Staff: sessions, CSRF, throttling, demo logins, and the role × route × jurisdiction matrix -----

use netra_core::role::Role;
use netra_store::AuditContext;
use netra_store::accounts::{Agency, AgencyKind, CandidatePair, Office, StaffUser, Unit};

const NOW: time::OffsetDateTime = time::macros::datetime!(2024-10-01 09:00 +7);

struct Staffed {
    app: TestApp,
    logins: Vec<netra_store::demo::DemoLogin>,
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
    /// The body as sent (for binary downloads).
    bytes: Vec<u8>,
}

impl Staffed {
    async fn spawn() -> Staffed {
        let app = TestApp::spawn().await;
        let logins = netra_store::demo::seed(app.state.store.as_ref(), NOW).await.unwrap();
        Staffed { app, logins }
    }

    fn store(&self) -> &Arc<dyn Store> {
        &self.app.state.store
    }

    /// A complete session for a user, created directly (no password hashing per request).
    async fn session_for(&self, username: &str) -> (String, String) {
        self.session_at(username, NOW).await
    }

    /// A complete session opened at `now` (for tests whose clock is not [`NOW`]).
    async fn session_at(&self, username: &str, now: time::OffsetDateTime) -> (String, String) {
        netra_store::testing::open_session(self.store().as_ref(), username, now, true).await
    }

    async fn send(&self, request: Request<Body>) -> Reply {
        let response = router(self.app.state.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 8 * 1024 * 1024).await.unwrap();
        Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned(), bytes: bytes.to_vec() }
    }

    /// A multipart POST with text fields and files (named `files`).
    async fn multipart(&self, uri: &str, cookie: &str, fields: &[(&str, String)], files: &[(&str, Vec<u8>)]) -> Reply {
        let boundary = "netra-matrix-boundary";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .into_bytes(),
            );
        }
        for (file_name, bytes) in files {
            body.extend(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{file_name}\"\r\n\r\n"
                )
                .into_bytes(),
            );
            body.extend(bytes);
            body.extend(b"\r\n");
        }
        body.extend(format!("--{boundary}--\r\n").into_bytes());
        let request = Request::post(uri)
            .header("host", "netra.test")
            .header("cookie", cookie)
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    async fn request(&self, method: &str, uri: &str, cookie: Option<&str>, form: &[(&str, String)]) -> Reply {
        let mut builder = Request::builder().method(method).uri(uri).header("host", "netra.test");
        if let Some(cookie) = cookie {
            builder = builder.header("cookie", cookie);
        }
        let body = if method == "POST" {
            builder = builder.header("content-type", "application/x-www-form-urlencoded");
            Body::from(serde_urlencoded::to_string(form).unwrap())
        } else {
            Body::empty()
        };
        self.send(builder.body(body).unwrap()).await
    }
}

/// The event date of the fresh cases of the matrix (the day before the fixed "now").
fn fresh_day() -> time::Date {
    time::macros::date!(2024 - 09 - 30)
}

fn session_cookie(token: &str) -> String {
    format!("netra_sesi={token}")
}

fn csrf_from(html: &str) -> String {
    let start = html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    html[start..].split('"').next().unwrap().to_string()
}

/// Signs in through the real form; returns the session cookie pair and the landing response.
async fn sign_in(app: &Staffed, username: &str, password: &str) -> (Option<String>, Reply) {
    let page = app.request("GET", "/masuk", None, &[]).await;
    let csrf = csrf_from(&page.body);
    let pre = format!("netra_csrf={csrf}");
    let form = [
        ("csrf", csrf.clone()),
        ("username", username.into()),
        ("password", password.into()),
        ("lanjut", String::new()),
    ];
    let reply = app.request("POST", "/masuk", Some(&pre), &form).await;
    let session = reply
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("netra_sesi="))
        .map(|v| v.split(';').next().unwrap().to_string());
    (session, reply)
}

#[tokio::test]
async fn each_demo_login_lands_on_a_page_for_its_role() {
    let app = Staffed::spawn().await;
    let logins = app.logins.clone();
    assert_eq!(logins.len(), Role::ALL.len());
    for login in logins {
        let (session, reply) = sign_in(&app, login.username, netra_store::demo::DEMO_PASSWORD).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", login.username);
        let cookie = session.expect("a session cookie");
        let mut target = reply.headers["location"].to_str().unwrap().to_string();
        if let Some(secret) = &login.totp_secret {
            assert_eq!(target, "/staf");
            let step = app.request("GET", "/staf", Some(&cookie), &[]).await;
            assert_eq!(step.headers["location"], "/masuk/totp", "{} owes the second factor", login.username);
            let page = app.request("GET", "/masuk/totp", Some(&cookie), &[]).await;
            let code = netra_core::totp::TotpSecret::from_base32(secret).unwrap().code_at(NOW.unix_timestamp());
            let wrong = app
                .request(
                    "POST",
                    "/masuk/totp",
                    Some(&cookie),
                    &[("csrf", csrf_from(&page.body)), ("code", "000000".into())],
                )
                .await;
            assert!(wrong.body.contains("Kode salah"), "a wrong code is refused");
            let done = app
                .request("POST", "/masuk/totp", Some(&cookie), &[("csrf", csrf_from(&page.body)), ("code", code)])
                .await;
            assert_eq!(done.status, StatusCode::SEE_OTHER);
            target = done.headers["location"].to_str().unwrap().to_string();
        }
        let landing = app.request("GET", &target, Some(&cookie), &[]).await;
        assert_eq!(landing.status, StatusCode::OK, "{} lands on {target}", login.username);
        assert!(
            landing.body.contains(&format!("<h1>{}</h1>", escaped(login.role.name(netra_core::Locale::Id)))),
            "{}",
            login.username
        );
        assert!(landing.body.contains(&escaped(&login.office)), "{} sees their office", login.username);
    }
}

#[tokio::test]
async fn wrong_passwords_are_throttled_per_account() {
    let app = Staffed::spawn().await;
    for _ in 0..5 {
        let (session, reply) = sign_in(&app, "bawaslu.jabar", "salah-sekali-123").await;
        assert!(session.is_none());
        assert_eq!(reply.status, StatusCode::OK);
        assert!(reply.body.contains("Nama pengguna atau kata sandi salah"));
    }
    let (session, reply) = sign_in(&app, "bawaslu.jabar", netra_store::demo::DEMO_PASSWORD).await;
    assert!(session.is_none(), "even the right password waits out the throttle");
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(reply.headers.contains_key("retry-after"));
    let (other, _) = sign_in(&app, "bawaslu.ri", netra_store::demo::DEMO_PASSWORD).await;
    assert!(other.is_some(), "other accounts are not locked by one account's failures");
}

#[tokio::test]
async fn a_totp_code_opens_one_session_only() {
    let app = Staffed::spawn().await;
    let login = app.logins.iter().find(|l| l.username == "admin.sistem").unwrap().clone();
    let secret = netra_core::totp::TotpSecret::from_base32(login.totp_secret.as_deref().unwrap()).unwrap();
    let code = secret.code_at(NOW.unix_timestamp());
    let second_factor = |code: String| async {
        let (session, _) = sign_in(&app, "admin.sistem", netra_store::demo::DEMO_PASSWORD).await;
        let cookie = session.unwrap();
        let page = app.request("GET", "/masuk/totp", Some(&cookie), &[]).await;
        let reply =
            app.request("POST", "/masuk/totp", Some(&cookie), &[("csrf", csrf_from(&page.body)), ("code", code)]).await;
        let landing = app.request("GET", "/staf", Some(&cookie), &[]).await;
        (reply, landing.status)
    };
    let (first, landing) = second_factor(code.clone()).await;
    assert_eq!((first.status, landing), (StatusCode::SEE_OTHER, StatusCode::OK));
    let (again, landing) = second_factor(code).await;
    assert!(again.body.contains("sudah dipakai"), "{}", again.body);
    assert_eq!(landing, StatusCode::SEE_OTHER, "the second session still owes its second factor");
    // The next time step's code (within the allowed drift) works.
    let (next, landing) = second_factor(secret.code_at(NOW.unix_timestamp() + 30)).await;
    assert_eq!((next.status, landing), (StatusCode::SEE_OTHER, StatusCode::OK));
}

#[tokio::test]
async fn cross_site_and_tokenless_posts_are_refused_and_cookies_are_safe() {
    let mut app = Staffed::spawn().await;
    let (token, csrf) = app.session_for("admin.sistem").await;
    let cookie = session_cookie(&token);
    let form = [
        ("csrf", csrf.clone()),
        ("name", "Kantor Uji".to_string()),
        ("region", String::new()),
        ("agency", String::new()),
    ];
    let cross = app
        .send(
            Request::post("/admin/kantor")
                .header("host", "netra.test")
                .header("origin", "https://evil.example")
                .header("cookie", &cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(serde_urlencoded::to_string(form.clone()).unwrap()))
                .unwrap(),
        )
        .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    let fetch_site = app
        .send(
            Request::post("/admin/kantor")
                .header("host", "netra.test")
                .header("sec-fetch-site", "cross-site")
                .header("cookie", &cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(serde_urlencoded::to_string(form.clone()).unwrap()))
                .unwrap(),
        )
        .await;
    assert_eq!(fetch_site.status, StatusCode::FORBIDDEN);
    let tokenless = app.request("POST", "/admin/kantor", Some(&cookie), &form[1..]).await;
    assert_eq!(tokenless.status, StatusCode::FORBIDDEN);
    // `Origin: null` (strict referrer policies) passes only when the browser says the post is same-origin.
    let null_origin = |fetch_site: Option<&'static str>, name: &str| {
        let mut form = form.clone();
        form[1].1 = name.to_string();
        let mut builder = Request::post("/admin/kantor")
            .header("host", "netra.test")
            .header("origin", "null")
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded");
        if let Some(site) = fetch_site {
            builder = builder.header("sec-fetch-site", site);
        }
        builder.body(Body::from(serde_urlencoded::to_string(form).unwrap())).unwrap()
    };
    assert_eq!(app.send(null_origin(None, "Kantor Null")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.send(null_origin(Some("same-site"), "Kantor Null")).await.status, StatusCode::FORBIDDEN);
    let same = app.send(null_origin(Some("same-origin"), "Kantor Null Sah")).await;
    assert_eq!(same.status, StatusCode::SEE_OTHER);
    assert_eq!(same.headers["referrer-policy"], "same-origin", "same-origin posts carry their Origin");
    let offices = app.store().offices().await.unwrap();
    assert!(!offices.iter().any(|o| o.name == "Kantor Uji" || o.name == "Kantor Null"), "nothing was written");
    let accepted = app.request("POST", "/admin/kantor", Some(&cookie), &form).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);

    let (_, reply) = sign_in(&app, "bawaslu.ri", netra_store::demo::DEMO_PASSWORD).await;
    let set = reply
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("netra_sesi="))
        .unwrap();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && !set.contains("Secure"), "{set}");
    app.app.state.secure_cookies = true;
    let (_, reply) = sign_in(&app, "bawaslu.ri", netra_store::demo::DEMO_PASSWORD).await;
    let set = reply
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("netra_sesi="))
        .unwrap();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Secure"), "{set}");
    assert_eq!(reply.headers["strict-transport-security"], "max-age=31536000", "HTTPS deployments send HSTS");
}

#[tokio::test]
async fn forms_show_errors_beside_fields_and_changes_are_audited() {
    let app = Staffed::spawn().await;
    let (token, csrf) = app.session_for("bawaslu.kabbandung").await;
    let cookie = session_cookie(&token);
    let form = [
        ("csrf", csrf.clone()),
        ("election_id", "pilkada-2024".into()),
        ("region", "32.04".into()),
        ("ballot_number", "abc".into()),
        ("head_name", String::new()),
        ("deputy_name", "X".into()),
    ];
    let reply = app.request("POST", "/paslon", Some(&cookie), &form).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("id=\"ballot_number-error\"") && reply.body.contains("Nomor urut 1–99."));
    assert!(reply.body.contains("id=\"head_name-error\""));
    assert!(reply.body.contains("value=\"X\""), "input is kept");
    let good = [
        ("csrf", csrf),
        ("election_id", "pilkada-2024".into()),
        ("region", "32.04".into()),
        ("ballot_number", "7".into()),
        ("head_name", "Calon Uji".into()),
        ("deputy_name", "Wakil Uji".into()),
        ("hashtags", "UjiMenang".into()),
    ];
    let reply = app.request("POST", "/paslon", Some(&cookie), &good).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let location = reply.headers["location"].to_str().unwrap().to_string();
    let id = location.trim_start_matches("/paslon/").split('?').next().unwrap().to_string();
    let trail = app.request("GET", &format!("/audit/candidate_pair/{id}"), Some(&cookie), &[]).await;
    assert!(trail.body.contains("candidate_pair.create") && trail.body.contains("Calon Uji"));
    let pair = app.store().candidate_pair(&id).await.unwrap().unwrap();
    assert_eq!(pair.hashtags, ["#UjiMenang"]);
}

#[tokio::test]
async fn the_triage_panel_proposes_registry_persons_and_a_confirmation_is_audited() {
    let app = Staffed::spawn().await;
    let (token, csrf) = app.session_for("bawaslu.kabbandung").await;
    let cookie = session_cookie(&token);
    // A reporter with a typo and a title, who knows the place and that he is a camat.
    let filed = file_report(&app, "32.04.05", "Drs. Asep Sunadar", None, fresh_day(), NOW).await;
    let page = format!("/kasus/{}", filed.case_id);
    let before = app.request("GET", &page, Some(&cookie), &[]).await;
    assert!(before.body.contains("Registri ASN belum diimpor"), "no registry yet");

    // After an import the server builds the index in the background; the page shows it once ready.
    netra_store::demo::seed_registry(app.store().as_ref(), NOW, 2_000).await.unwrap();
    let mut body = String::new();
    for _ in 0..200 {
        body = app.request("GET", &page, Some(&cookie), &[]).await.body;
        if !body.contains("sedang disiapkan") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let asep = app.store().registry_person_by_nip("197503122000031001").await.unwrap().unwrap();
    let first = body.find("197503122000031001").expect("the camat is a candidate");
    // His near-namesake in the same kecamatan office ranks below him.
    if let Some(namesake) = body.find("198205172006041002") {
        assert!(first < namesake, "the camat ranks first");
    }
    assert!(body.contains(&escaped("Drs. H. Asep Sunandar, M.Si")));
    assert!(body.contains("salah ketik"), "reasons are shown");
    assert!(body.contains("wilayah sama"));
    assert!(body.contains(&format!("action=\"/kasus/{}/terlapor\"", filed.case_id)), "Bawaslu may confirm");
    let (bkn_token, _) = app.session_for("bkn.kanreg3").await;
    let ppk_view = app.request("GET", &page, Some(&session_cookie(&bkn_token)), &[]).await;
    assert!(!ppk_view.body.contains("/terlapor\""), "only Bawaslu confirms");

    // A value that is not a registry id is refused beside the field; the right one is recorded and audited.
    let bad = [("csrf", csrf.clone()), ("version", "1".into()), ("person_id", "bukan-angka".into())];
    let reply = app.request("POST", &format!("{page}/terlapor"), Some(&cookie), &bad).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Pilih orang dari daftar registri."));
    let good = [("csrf", csrf), ("version", "1".into()), ("person_id", asep.id.to_string())];
    let reply = app.request("POST", &format!("{page}/terlapor"), Some(&cookie), &good).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let after = app.request("GET", &page, Some(&cookie), &[]).await;
    assert!(after.body.contains("Dipastikan sebagai") && after.body.contains("Camat Cileunyi"));
    assert!(after.body.contains("Batalkan kepastian"));
    assert!(after.body.contains("belum pernah menandatangani pakta integritas"), "the case shows the pact status");
    assert!(after.body.contains("belum pernah tercatat hadir sosialisasi"), "and the briefings");
    let case = app.store().case(&filed.case_id).await.unwrap().unwrap();
    assert_eq!(case.registry_person_id, Some(asep.id));
    let filter = netra_store::accounts::AuditFilter {
        object: Some(("case".into(), filed.case_id.clone())),
        ..Default::default()
    };
    let trail = app.store().audit_entries(&filter, 20).await.unwrap();
    assert!(
        trail.iter().any(|e| e.action == "case.registry_match" && e.summary.contains("Asep Sunandar")),
        "the confirmation is in the case's audit trail: {trail:?}"
    );
}

#[tokio::test]
async fn the_patrol_pages_take_a_batch_of_posts_to_a_finding() {
    let app = Staffed::spawn().await;
    let (token, csrf) = app.session_for("bawaslu.kabbandung").await;
    let cookie = session_cookie(&token);
    let form = [("csrf", csrf.clone())];
    let header = "platform,akun,nama,nip,jabatan,instansi,kode_wilayah\n";

    // Known accounts: a file with a bad row imports nothing and names the line; a row in another regency is
    // a refusal; a good file imports.
    let bad = format!("{header}instagram,@asep.camat,Asep Sunandar,123,Camat,,32.04\n");
    let reply = app.multipart("/patroli/akun", &cookie, &form, &[("akun.csv", bad.into_bytes())]).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.body.contains("Tidak ada yang diimpor") && reply.body.contains("baris 2, kolom nip"),
        "{}",
        reply.body
    );
    let outside = format!("{header}instagram,@eko,Eko,,Camat,,35.78\n");
    let reply = app.multipart("/patroli/akun", &cookie, &form, &[("akun.csv", outside.into_bytes())]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.body.contains("di luar wilayah kewenangan"));
    let good = format!(
        "{header}instagram,@Asep.Camat,Asep Sunandar,,Camat Cileunyi,pemkab-bandung,32.04\n\
         x,guru_dedi,Dedi Kurnia,,Guru SD,,32.04\n"
    );
    let reply = app.multipart("/patroli/akun", &cookie, &form, &[("akun.csv", good.into_bytes())]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("2 akun ditambah") && reply.body.contains("Asep Sunandar"));

    // A JSONL batch with a broken line: the good lines are screened, the bad one is listed.
    let partisan = "Ayo dukung dan coblos paslon nomor 2! Salam dua jari, menangkan pasangan kita di pilkada";
    let batch = format!(
        "{{\"akun\":\"@asep.camat\",\"url\":\"https://www.instagram.com/p/xyz/\",\"waktu\":\"2024-09-29 20:15\",\"teks\":\"{partisan}\"}}\n\
         {{\"akun\":\"guru_dedi\",\"waktu\":\"2024-09-29\",\"teks\":\"Selamat pagi, besok ujian matematika.\"}}\n\
         {{\"akun\":\"orang_lain\",\"waktu\":\"2024-09-29\",\"teks\":\"{partisan}\"}}\n\
         {{\"akun\":\"guru_dedi\",\"waktu\":\"besok\",\"teks\":\"x\"}}\n"
    );
    let upload = [("csrf", csrf.clone()), ("election", "pilkada-2024".to_string())];
    let reply = app.multipart("/patroli", &cookie, &upload, &[("patroli.jsonl", batch.into_bytes())]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let location = reply.headers["location"].to_str().unwrap().to_string();
    let page = app.request("GET", &location, Some(&cookie), &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in ["patroli.jsonl", "Baris bermasalah", "bukan waktu", "@asep.camat", "orang_lain", "menunggu tinjauan"] {
        assert!(page.body.contains(&escaped(text)) || page.body.contains(text), "batch page shows {text}");
    }
    assert!(!page.body.contains("Selamat pagi"), "a neutral post is not flagged");
    let empty = app.multipart("/patroli", &cookie, &upload, &[("kosong.csv", b"akun,waktu\n".to_vec())]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Tidak ada unggahan yang terbaca") && empty.body.contains("Kolom tidak ada: teks"));

    // The queue holds the known account's post only; its page marks the evidence and offers the review forms.
    let queue = app.request("GET", "/patroli/antrian", Some(&cookie), &[]).await;
    assert!(queue.body.contains("@asep.camat") && queue.body.contains("Asep Sunandar – Camat Cileunyi"));
    assert!(!queue.body.contains("orang_lain"));
    let start = queue.body.find("/patroli/unggahan/").unwrap();
    let post_path: String = queue.body[start..].chars().take_while(|c| *c != '"').collect();
    let post = app.request("GET", &post_path, Some(&cookie), &[]).await;
    assert!(post.body.contains("<mark>"), "evidence is marked");
    assert!(post.body.contains("Buka temuan") && post.body.contains("Kesampingkan"));
    let short = app
        .request(
            "POST",
            &format!("{post_path}/abaikan"),
            Some(&cookie),
            &[("csrf", csrf.clone()), ("reason", "x".into())],
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.body.contains("Tulis alasan"));

    // Opening the finding lands on the new case with the post as evidence.
    let opened = app.request("POST", &format!("{post_path}/temuan"), Some(&cookie), &form).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    let case_path = opened.headers["location"].to_str().unwrap().to_string();
    assert!(case_path.starts_with("/kasus/"));
    let case = app.request("GET", &case_path, Some(&cookie), &[]).await;
    assert!(case.body.contains("Asep Sunandar") && case.body.contains("https://www.instagram.com/p/xyz/"));
    assert!(case.body.contains("unggahan-asep.camat-baris-1.txt"), "the post is the evidence");
    let again = app.request("POST", &format!("{post_path}/temuan"), Some(&cookie), &form).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "a post opens one finding");
    let queue = app.request("GET", "/patroli/antrian", Some(&cookie), &[]).await;
    assert!(queue.body.contains("Antrean kosong"));
}

#[tokio::test]
async fn the_shipped_sample_batch_fills_the_demo_queue() {
    let app = Staffed::spawn().await;
    let (token, csrf) = app.session_for("bawaslu.kabbandung").await;
    let cookie = session_cookie(&token);
    let sample = include_bytes!("../../../data/screen/patroli-contoh.csv").to_vec();
    let upload = [("csrf", csrf), ("election", "pilkada-2024".to_string())];
    let reply = app.multipart("/patroli", &cookie, &upload, &[("patroli-contoh.csv", sample)]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let id = reply.headers["location"].to_str().unwrap().trim_start_matches("/patroli/batch/").to_string();
    let batch = app.store().patrol_batch(&id).await.unwrap().unwrap();
    assert_eq!((batch.posts, batch.problem_count), (5, 1));
    assert_eq!(batch.queued, 2, "the camat's and the village head's posts, not the teacher's or a citizen's");
    let queue = app.request("GET", "/patroli/antrian", Some(&cookie), &[]).await;
    assert!(queue.body.contains("Asep Sunandar") && queue.body.contains("Rina Marlina"));
    assert!(!queue.body.contains("Dedi Kurnia") && !queue.body.contains("warga_bandung"));
}

/// Out-of-scope fixtures in East Java, and targets for user operations.
struct Objects {
    office: (String, String),
    user: (String, String),
    agency: (String, String),
    unit: (String, String),
    pair: (String, String),
    stage: String,
    /// Cases at the PPK (visible to every case role of the region), their confidential reports and evidence.
    case: (String, String),
    report: (String, String),
    evidence: (String, String),
    /// A forwarding letter of each case.
    letter: (String, String),
    /// Patrol batches of an office in Kabupaten Bandung and in Surabaya, each with a queued post.
    batch: (String, String),
    post: (String, String),
    /// Known civil servants' accounts (ids) in each region.
    asn_account: (String, String),
    /// Socialisation sessions for Kabupaten Bandung's and Kota Surabaya's civil servants.
    session: (String, String),
}

/// A patrol batch of `office` in `region` with one flagged, queued post by `account`; returns (batch, post).
async fn patrol_batch(
    app: &Staffed,
    office: &str,
    region: &str,
    file: &str,
    account: &(String, String),
) -> (String, String) {
    use netra_store::patrol::{FlaggedPost, PatrolBatch, Review};
    let region = netra_core::region::RegionCode::parse(region).unwrap();
    let batch = PatrolBatch {
        id: uuid::Uuid::now_v7().to_string(),
        office_id: office.into(),
        uploaded_by: "system".into(),
        region: Some(region),
        file_name: file.into(),
        sha256: "0".repeat(64),
        election_id: None,
        lines: 1,
        posts: 1,
        flagged: 1,
        queued: 1,
        problem_count: 0,
        problems: Vec::new(),
        created_at: NOW,
    };
    let post = FlaggedPost {
        id: uuid::Uuid::now_v7().to_string(),
        batch_id: batch.id.clone(),
        line: 2,
        external_id: None,
        platform: Some(netra_core::patrol::Platform::Instagram),
        account: format!("@{}", account.1),
        account_id: Some(account.0.clone()),
        url: Some(format!("https://www.instagram.com/p/{}/", batch.id)),
        posted_at: NOW - time::Duration::days(1),
        text: "Ayo coblos paslon nomor 2, salam dua jari!".into(),
        score: 0.97,
        verdict: r#"{"acts":[{"act":"SOCMED_POST","score":0.9,"items":[]}],"candidates":[],"explanation":[]}"#.into(),
        region: Some(region),
        review: Review::Pending,
        review_note: None,
        reviewed_by: None,
        reviewed_at: None,
        case_id: None,
    };
    app.store().save_patrol_batch(&AuditContext::system(NOW), &batch, std::slice::from_ref(&post)).await.unwrap();
    (batch.id, post.id)
}

/// Files a report through the service as the API does; `reporter` makes it confidential.
async fn file_report(
    app: &Staffed,
    region: &str,
    person: &str,
    reporter: Option<&str>,
    occurred: time::Date,
    at: time::OffsetDateTime,
) -> netra_store::casework::Submitted {
    let input = netra_store::casework::ReportInput {
        description: format!("{person} mengunggah foto berpose dua jari bersama paslon dan mengajak warga memilih."),
        occurred_on: occurred.to_string(),
        known_on: at.date().to_string(),
        region_code: region.into(),
        person_name: person.into(),
        person_position: "Camat".into(),
        mode: if reporter.is_some() { "confidential" } else { "anonymous" }.into(),
        reporter_name: reporter.unwrap_or_default().into(),
        reporter_contact: reporter.map(|_| "0812-0000-0000").unwrap_or_default().into(),
        ..Default::default()
    };
    let report = netra_store::casework::validate_report(app.store().as_ref(), &input, at.date()).await.unwrap();
    netra_store::casework::submit_public_report(
        app.store().as_ref(),
        &app.app.state.vault,
        report,
        netra_store::cases::Channel::Api,
        Vec::new(),
        at,
    )
    .await
    .unwrap()
}

/// A JPEG staged in the blob store, as an upload would be.
fn staged_jpeg(app: &Staffed, name: &str) -> netra_store::casework::StagedEvidence {
    let mut writer = app.app.state.vault.blobs.writer(netra_store::evidence::MAX_FILE_BYTES).unwrap();
    writer.write(&netra_store::evidence::sample_jpeg_with_gps()).unwrap();
    netra_store::casework::StagedEvidence {
        blob: writer.finish().unwrap(),
        file_name: name.into(),
        content_type: "image/jpeg",
        metadata: serde_json::json!({}),
    }
}

/// Takes a case from receipt to the PPK's process on September 2024 dates, by the offices of its region.
async fn advance_to_ppk(app: &Staffed, case_id: &str, offices: [&str; 3], agency: &str) {
    use netra_core::workflow::Action;
    use netra_store::casework::HandOff;
    use time::macros::date;
    let steps: Vec<(usize, Action, Option<&str>)> = vec![
        (0, Action::BeginPreliminaryCheck { on: date!(2024 - 09 - 26) }, None),
        (0, Action::Register { on: date!(2024 - 09 - 26), number: "001/Reg/LP/PB/IX/2024".into() }, None),
        (0, Action::BeginKajian { on: date!(2024 - 09 - 27) }, None),
        (
            0,
            Action::ForwardToBkn {
                on: date!(2024 - 09 - 27),
                letter_number: "045/PP.01.02/IX/2024".into(),
                items: vec!["PP-CAMPAIGN-JOIN".into()],
            },
            None,
        ),
        (1, Action::BknReceive { on: date!(2024 - 09 - 30) }, None),
        (
            1,
            Action::Recommend {
                on: date!(2024 - 09 - 30),
                letter_number: "R-1/KR/IX/2024".into(),
                level: netra_core::catalogue::SanctionLevel::Sedang,
            },
            Some(agency),
        ),
        (2, Action::PpkReceive { on: date!(2024 - 10 - 01) }, None),
    ];
    for (office, action, ppk) in steps {
        let user = app.store().user_by_username(offices[office]).await.unwrap().unwrap();
        let principal = netra_store::access::Principal::load(app.store().as_ref(), &user.id).await.unwrap().unwrap();
        let desk = principal.case_desk(app.store()).unwrap();
        let case = desk.case(case_id).await.unwrap();
        let at = action.on().with_hms(10, 0, 0).unwrap().assume_offset(time::macros::offset!(+7));
        desk.act(case_id, case.version, action, HandOff { ppk_agency: ppk.map(str::to_string) }, at).await.unwrap();
    }
}

async fn objects(app: &Staffed) -> Objects {
    let store = app.store();
    let ctx = AuditContext::system(NOW);
    // The registry's named demo persons, for confirming a case's person.
    netra_store::demo::seed_registry(store.as_ref(), NOW, 0).await.unwrap();
    let code = |t: &str| netra_core::region::RegionCode::parse(t).unwrap();
    store
        .create_agency(
            &ctx,
            &Agency {
                id: "pemkot-surabaya".into(),
                name: "Pemerintah Kota Surabaya".into(),
                kind: AgencyKind::PemdaKabKota,
                region: Some(code("35.78")),
            },
        )
        .await
        .unwrap();
    let out_office = Office {
        id: "office-sby".into(),
        name: "BKPSDM Kota Surabaya".into(),
        region: Some(code("35.78")),
        agency: Some("pemkot-surabaya".into()),
        email: None,
    };
    store.create_office(&ctx, &out_office).await.unwrap();
    let in_office = store.offices().await.unwrap().into_iter().find(|o| o.name == "BKPSDM Kabupaten Bandung").unwrap();
    for (id, name, office) in
        [("target-bdg", "target.bandung", &in_office.id), ("target-sby", "target.surabaya", &out_office.id)]
    {
        let user = StaffUser {
            id: id.into(),
            username: name.into(),
            display_name: name.into(),
            role: Role::PpkOffice,
            office_id: office.clone(),
            must_change_password: false,
            totp_secret: None,
            disabled: false,
            created_at: NOW,
        };
        store.create_user(&ctx, &user, &netra_store::auth::hash_password("target-password-1")).await.unwrap();
    }
    store
        .create_unit(
            &ctx,
            &Unit { id: "unit-sby".into(), agency_id: "pemkot-surabaya".into(), name: "Dinas Kominfo Surabaya".into() },
        )
        .await
        .unwrap();
    let in_unit =
        store.units("pemkab-bandung").await.unwrap().into_iter().find(|u| u.name == "Dinas Pendidikan").unwrap();
    let out_pair = CandidatePair {
        id: "pair-sby".into(),
        election_id: "pilkada-2024".into(),
        region: code("35.78"),
        ballot_number: 1,
        head_name: "Eri Cahyadi".into(),
        deputy_name: "Armuji".into(),
        nicknames: vec![],
        parties: vec![],
        slogans: vec![],
        hashtags: vec![],
    };
    store.create_candidate_pair(&ctx, &out_pair).await.unwrap();
    let in_pair =
        store.candidate_pairs(None).await.unwrap().into_iter().find(|p| p.head_name == "Dadang Supriatna").unwrap();
    let stage = store.election("pilkada-2024").await.unwrap().unwrap().stages[0].id.clone();
    let at = time::macros::datetime!(2024-09-26 10:00 +7);
    let mut case = Vec::new();
    let mut report = Vec::new();
    let mut evidence = Vec::new();
    let mut letter = Vec::new();
    for (region, person, reporter, offices, agency) in [
        (
            "32.04",
            "Dedi Matriks",
            "Pelapor Bandung",
            ["bawaslu.kabbandung", "bkn.kanreg3", "ppk.kabbandung"],
            "pemkab-bandung",
        ),
        ("35.78", "Eko Matriks", "Pelapor Surabaya", ["bawaslu.ri", "bkn.pusat", "target.surabaya"], "pemkot-surabaya"),
    ] {
        let filed = file_report(app, region, person, Some(reporter), time::macros::date!(2024 - 09 - 25), at).await;
        advance_to_ppk(app, &filed.case_id, offices, agency).await;
        let user = store.user_by_username(offices[2]).await.unwrap().unwrap();
        let principal = netra_store::access::Principal::load(store.as_ref(), &user.id).await.unwrap().unwrap();
        let desk = principal.case_desk(store).unwrap();
        desk.attach_evidence(&app.app.state.vault, &filed.case_id, vec![staged_jpeg(app, "bap.jpg")], NOW)
            .await
            .unwrap();
        evidence.push(store.case_evidence(&filed.case_id).await.unwrap()[0].id.clone());
        let writer = store.user_by_username(offices[0]).await.unwrap().unwrap();
        let writer = netra_store::access::Principal::load(store.as_ref(), &writer.id).await.unwrap().unwrap();
        let input = netra_store::casework::LetterInput { kind: "penerusan".into(), ..Default::default() };
        let issued = writer
            .case_desk(store)
            .unwrap()
            .issue_letter(&filed.case_id, &input, &app.app.state.vault.pact_keys, "http://netra.test", NOW)
            .await
            .unwrap();
        letter.push(issued.id);
        report.push(filed.report_id.unwrap());
        case.push(filed.case_id);
    }
    let pair_of = |v: &mut Vec<String>| {
        let second = v.pop().unwrap();
        (v.pop().unwrap(), second)
    };
    let mut asn = Vec::new();
    for (handle, name, region) in
        [("asn.bandung", "Asep Bandung Matriks", "32.04"), ("asn.surabaya", "Eko Surabaya Matriks", "35.78")]
    {
        let account = netra_store::patrol::AsnAccount {
            id: uuid::Uuid::now_v7().to_string(),
            platform: netra_core::patrol::Platform::Instagram,
            handle: handle.into(),
            name: name.into(),
            nip: None,
            position: "Camat".into(),
            agency_id: None,
            region: code(region),
            created_at: NOW,
            updated_at: NOW,
        };
        store.upsert_asn_accounts(&ctx, std::slice::from_ref(&account)).await.unwrap();
        asn.push((account.id, handle.to_string()));
    }
    let (batch_in, post_in) = patrol_batch(app, &in_office.id, "32.04", "patroli-bdg.csv", &asn[0]).await;
    let (batch_out, post_out) = patrol_batch(app, &out_office.id, "35.78", "patroli-sby.csv", &asn[1]).await;
    let session = |agency: &str, id: &str| netra_store::pacts::Briefing {
        id: id.into(),
        election_id: "pilkada-2024".into(),
        title: format!("Sosialisasi {agency}"),
        held_on: time::macros::date!(2024 - 07 - 30),
        place: "Aula".into(),
        organiser: in_office.id.clone(),
        agency: agency.into(),
        speakers: vec!["Narasumber".into()],
        units: vec![],
        items: vec![],
        checkin_token: format!("token-{id}"),
        created_by: "system".into(),
        created_at: NOW,
    };
    for (agency, id) in [("Pemerintah Kabupaten Bandung", "session-bdg"), ("Pemerintah Kota Surabaya", "session-sby")] {
        store.create_socialisation(&ctx, &session(agency, id)).await.unwrap();
    }
    Objects {
        session: ("session-bdg".into(), "session-sby".into()),
        batch: (batch_in, batch_out),
        post: (post_in, post_out),
        asn_account: (asn[0].0.clone(), asn[1].0.clone()),
        case: pair_of(&mut case),
        report: pair_of(&mut report),
        evidence: pair_of(&mut evidence),
        letter: pair_of(&mut letter),
        office: (in_office.id, out_office.id),
        user: ("target-bdg".into(), "target-sby".into()),
        agency: ("pemkab-bandung".into(), "pemkot-surabaya".into()),
        unit: (in_unit.id, "unit-sby".into()),
        pair: (in_pair.id, out_pair.id),
        stage,
    }
}

/// What a route acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Nothing,
    Office,
    User,
    Agency,
    Unit,
    Pair,
    FreshPair,
    FreshUnit,
    Election,
    /// A case at the PPK of the region.
    AtPpk,
    /// A new case still with Bawaslu, one per request.
    FreshCase,
    Evidence,
    Report,
    /// A patrol batch.
    Batch,
    /// A queued patrol post.
    Post,
    /// A new queued patrol post, one per request.
    FreshPost,
    /// A socialisation session.
    Session,
}

struct Case {
    method: &'static str,
    path: &'static str,
    /// Roles that may use the route at all, on objects within their jurisdiction.
    roles: &'static [Role],
    /// Whether the jurisdiction limits the route (regional roles are refused out-of-scope objects).
    scoped: bool,
    target: Target,
    /// Text that appears only when the object's data is shown: (in-scope, out-of-scope).
    markers: Option<(&'static str, &'static str)>,
}

const ALL: &[Role] = &Role::ALL;
const SYS: &[Role] = &[Role::SystemAdmin];
const USER_ADMINS: &[Role] = &[Role::SystemAdmin, Role::AgencyAdmin];
const VIEWERS: &[Role] = &[
    Role::BawasluKabKota,
    Role::BawasluProvinsi,
    Role::BawasluRi,
    Role::BknRegional,
    Role::BknPusat,
    Role::PpkOffice,
    Role::Inspektorat,
    Role::SystemAdmin,
];
const EDITORS: &[Role] = &[Role::BawasluKabKota, Role::BawasluProvinsi, Role::BawasluRi, Role::SystemAdmin];
const BAWASLU: &[Role] = &[Role::BawasluKabKota, Role::BawasluProvinsi, Role::BawasluRi];
const CASE_ROLES: &[Role] = &[
    Role::BawasluKabKota,
    Role::BawasluProvinsi,
    Role::BawasluRi,
    Role::BknRegional,
    Role::BknPusat,
    Role::PpkOffice,
    Role::Inspektorat,
    Role::Custodian,
];
const CASE_WORKERS: &[Role] = &[
    Role::BawasluKabKota,
    Role::BawasluProvinsi,
    Role::BawasluRi,
    Role::BknRegional,
    Role::BknPusat,
    Role::PpkOffice,
    Role::Inspektorat,
];
const CUSTODIAN: &[Role] = &[Role::Custodian];
/// Roles that write a letter of a case at the PPK (the forwarding or the recommendation; the PPK's own letters
/// come after its next steps).
const LETTER_WRITERS: &[Role] =
    &[Role::BawasluKabKota, Role::BawasluProvinsi, Role::BawasluRi, Role::BknRegional, Role::BknPusat];
const PACT_MANAGERS: &[Role] = &[Role::SystemAdmin, Role::BawasluRi, Role::BknPusat];
const PACT_DESK: &[Role] = &[Role::SystemAdmin, Role::BawasluRi, Role::BknPusat, Role::AgencyAdmin];
const PACT_SIGNERS: &[Role] = &[Role::AgencyAdmin];
/// Dashboards and the index: every role that reads audit trails.
const STATISTICS: &[Role] = AUDITORS;
const AUDITORS: &[Role] = &[
    Role::BawasluKabKota,
    Role::BawasluProvinsi,
    Role::BawasluRi,
    Role::BknRegional,
    Role::BknPusat,
    Role::PpkOffice,
    Role::Inspektorat,
    Role::AgencyAdmin,
    Role::SystemAdmin,
];

fn cases() -> Vec<Case> {
    use Target::*;
    let case = |method, path, roles, scoped, target, markers| Case { method, path, roles, scoped, target, markers };
    let office = Some(("BKPSDM Kabupaten Bandung", "BKPSDM Kota Surabaya"));
    let user = Some(("target.bandung", "target.surabaya"));
    let pair = Some(("Dadang Supriatna", "Eri Cahyadi"));
    vec![
        case("GET", "/staf", ALL, false, Nothing, None),
        case("GET", "/akun/sandi", ALL, false, Nothing, None),
        case("GET", "/akun/totp", ALL, false, Nothing, None),
        case("GET", "/admin/kantor", SYS, false, Nothing, office),
        case("GET", "/admin/kantor/{id}", SYS, false, Office, office),
        case("GET", "/admin/pengguna", USER_ADMINS, true, Nothing, user),
        case("GET", "/admin/pengguna/{id}", USER_ADMINS, true, User, user),
        case(
            "GET",
            "/admin/instansi",
            USER_ADMINS,
            true,
            Nothing,
            Some(("Pemerintah Kabupaten Bandung", "Pemerintah Kota Surabaya")),
        ),
        case(
            "GET",
            "/admin/instansi/{id}",
            USER_ADMINS,
            true,
            Agency,
            Some(("Dinas Pendidikan", "Dinas Kominfo Surabaya")),
        ),
        case(
            "GET",
            "/admin/instansi/{id}/unit/{unit}/hapus",
            USER_ADMINS,
            true,
            Unit,
            Some(("Dinas Pendidikan", "Dinas Kominfo Surabaya")),
        ),
        case(
            "GET",
            "/admin/pemilihan",
            SYS,
            false,
            Nothing,
            Some(("Wali Kota Serentak 2024", "Wali Kota Serentak 2024")),
        ),
        case("GET", "/admin/pemilihan/{id}", SYS, false, Election, None),
        case("GET", "/paslon", VIEWERS, true, Nothing, pair),
        case("GET", "/pakta", PACT_DESK, false, Nothing, None),
        case("GET", "/pakta/cakupan", PACT_DESK, false, Nothing, None),
        case("GET", "/sosialisasi", PACT_DESK, false, Nothing, None),
        case("POST", "/sosialisasi", PACT_DESK, false, Nothing, None),
        case(
            "GET",
            "/sosialisasi/{id}",
            PACT_DESK,
            true,
            Session,
            Some(("Pemerintah Kabupaten Bandung", "Pemerintah Kota Surabaya")),
        ),
        case("POST", "/sosialisasi/{id}/daftar-hadir", PACT_DESK, true, Session, None),
        case("POST", "/pakta/kode", PACT_SIGNERS, false, Nothing, None),
        case("POST", "/pakta/daftar-hadir", PACT_SIGNERS, false, Nothing, None),
        case("POST", "/pakta/teks", PACT_MANAGERS, false, Nothing, None),
        case("GET", "/paslon/{id}", VIEWERS, true, Pair, pair),
        case(
            "GET",
            "/audit",
            AUDITORS,
            true,
            Nothing,
            Some(("Kantor dibuat: BKPSDM Kabupaten Bandung", "Kantor dibuat: BKPSDM Kota Surabaya")),
        ),
        case(
            "GET",
            "/audit/{kind}/{id}",
            AUDITORS,
            true,
            Office,
            Some(("Kantor dibuat: BKPSDM Kabupaten Bandung", "Kantor dibuat: BKPSDM Kota Surabaya")),
        ),
        case("GET", "/api/v1/candidate-pairs", VIEWERS, true, Nothing, pair),
        case(
            "GET",
            "/api/v1/audit/{kind}/{id}",
            AUDITORS,
            true,
            Office,
            Some(("Kantor dibuat: BKPSDM Kabupaten Bandung", "Kantor dibuat: BKPSDM Kota Surabaya")),
        ),
        case("POST", "/akun/sandi", ALL, false, Nothing, None),
        case("POST", "/akun/totp", ALL, false, Nothing, None),
        case("POST", "/admin/kantor", SYS, false, Nothing, None),
        case("POST", "/admin/kantor/{id}", SYS, false, Office, None),
        case("POST", "/admin/pengguna", USER_ADMINS, true, Office, None),
        case("POST", "/admin/pengguna/{id}", USER_ADMINS, true, User, None),
        case("POST", "/admin/pengguna/{id}/reset-sandi", USER_ADMINS, true, User, None),
        case("POST", "/admin/pengguna/{id}/cabut-sesi", USER_ADMINS, true, User, None),
        case("POST", "/admin/pengguna/{id}/reset-totp", USER_ADMINS, true, User, None),
        case("POST", "/admin/instansi", SYS, false, Nothing, None),
        case("POST", "/admin/instansi/{id}", SYS, false, Agency, None),
        case("POST", "/admin/instansi/{id}/unit", USER_ADMINS, true, Agency, None),
        case("POST", "/admin/instansi/{id}/unit/{unit}/hapus", USER_ADMINS, true, FreshUnit, None),
        case("POST", "/admin/pemilihan/{id}/tahapan/{stage}", SYS, false, Election, None),
        case("POST", "/paslon", EDITORS, true, Nothing, None),
        case("POST", "/paslon/{id}", EDITORS, true, Pair, None),
        case("POST", "/paslon/{id}/hapus", EDITORS, true, FreshPair, None),
        case("POST", "/keluar", ALL, false, Nothing, None),
        case("GET", "/kasus", CASE_ROLES, true, Nothing, Some(("Dedi Matriks", "Eko Matriks"))),
        case("GET", "/kasus/ekspor", CASE_ROLES, true, Nothing, Some(("Dedi Matriks", "Eko Matriks"))),
        case("GET", "/kasus/baru", BAWASLU, false, Nothing, None),
        case("POST", "/kasus/baru", BAWASLU, true, Nothing, None),
        case("GET", "/kasus/{id}", CASE_ROLES, true, AtPpk, Some(("Dedi Matriks", "Eko Matriks"))),
        case("POST", "/kasus/{id}/tindakan", BAWASLU, true, FreshCase, None),
        case("POST", "/kasus/{id}/fakta", BAWASLU, true, FreshCase, None),
        case("POST", "/kasus/{id}/terlapor", BAWASLU, true, FreshCase, None),
        case("POST", "/kasus/{id}/pesan", BAWASLU, true, FreshCase, None),
        case("POST", "/kasus/{id}/gabung", BAWASLU, true, FreshCase, None),
        case("POST", "/kasus/{id}/bukti", CASE_WORKERS, true, AtPpk, None),
        case("GET", "/kasus/{id}/bukti/{evidence}", CASE_ROLES, true, Evidence, None),
        case("POST", "/kasus/{id}/surat", LETTER_WRITERS, true, AtPpk, None),
        case("GET", "/kasus/{id}/surat/{letter}", CASE_ROLES, true, AtPpk, None),
        case("GET", "/kasus/{id}/berkas.zip", CASE_WORKERS, true, AtPpk, None),
        case(
            "POST",
            "/kasus/{id}/laporan/{report}/buka",
            CUSTODIAN,
            true,
            Report,
            Some(("Pelapor Bandung", "Pelapor Surabaya")),
        ),
        case("GET", "/patroli", BAWASLU, true, Nothing, Some(("patroli-bdg.csv", "patroli-sby.csv"))),
        case("POST", "/patroli", BAWASLU, false, Nothing, None),
        case("GET", "/patroli/batch/{id}", BAWASLU, true, Batch, Some(("patroli-bdg.csv", "patroli-sby.csv"))),
        case("GET", "/patroli/antrian", BAWASLU, true, Nothing, Some(("@asn.bandung", "@asn.surabaya"))),
        case("GET", "/patroli/unggahan/{id}", BAWASLU, true, Post, Some(("@asn.bandung", "@asn.surabaya"))),
        case("POST", "/patroli/unggahan/{id}/temuan", BAWASLU, true, FreshPost, None),
        case("POST", "/patroli/unggahan/{id}/abaikan", BAWASLU, true, FreshPost, None),
        case("GET", "/patroli/akun", BAWASLU, true, Nothing, Some(("Asep Bandung Matriks", "Eko Surabaya Matriks"))),
        case("POST", "/patroli/akun", BAWASLU, true, Nothing, None),
        case("GET", "/kotak-masuk", CASE_ROLES, false, Nothing, None),
        case("GET", "/dasbor", STATISTICS, false, Nothing, None),
        case("GET", "/dasbor.pdf", STATISTICS, false, Nothing, None),
        case("GET", "/indeks", STATISTICS, false, Nothing, None),
        case("GET", "/api/v1/indeks", STATISTICS, false, Nothing, None),
        case("POST", "/kotak-masuk/dibaca", CASE_ROLES, false, Nothing, None),
    ]
}

fn demo_username(role: Role) -> &'static str {
    match role {
        Role::BawasluKabKota => "bawaslu.kabbandung",
        Role::BawasluProvinsi => "bawaslu.jabar",
        Role::BawasluRi => "bawaslu.ri",
        Role::BknRegional => "bkn.kanreg3",
        Role::BknPusat => "bkn.pusat",
        Role::PpkOffice => "ppk.kabbandung",
        Role::Inspektorat => "inspektorat.kabbandung",
        Role::AgencyAdmin => "admin.kabbandung",
        Role::SystemAdmin => "admin.sistem",
        Role::Custodian => "kustodian",
        Role::AsnSelfService => "asn.demo",
    }
}

/// Roles whose jurisdiction is the whole country.
fn national(role: Role) -> bool {
    matches!(role, Role::BawasluRi | Role::BknPusat | Role::SystemAdmin | Role::Custodian)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_route_jurisdiction_matrix() {
    let app = Staffed::spawn().await;
    let objects = objects(&app).await;
    let cases = cases();

    // Every staff route of the router has a case, and every case is a real route.
    let table = netra_web::route_table();
    let staff_routes: Vec<(&str, &str)> =
        table.iter().filter(|r| r.audience == netra_web::Audience::Staff).map(|r| (r.method, r.path)).collect();
    let missing: Vec<_> =
        staff_routes.iter().filter(|(m, p)| !cases.iter().any(|c| c.method == *m && c.path == *p)).collect();
    assert!(missing.is_empty(), "staff routes without a row in the access matrix: {missing:?}");
    let unknown: Vec<_> =
        cases.iter().filter(|c| !staff_routes.contains(&(c.method, c.path))).map(|c| (c.method, c.path)).collect();
    assert!(unknown.is_empty(), "matrix rows for routes that do not exist: {unknown:?}");

    let store = app.store().clone();
    let ctx = AuditContext::system(NOW);
    let mut counter = 10;
    let mut checked = 0;
    for case in &cases {
        for role in Role::ALL {
            for in_scope in [true, false] {
                counter += 1;
                let pick = |pair: &(String, String)| if in_scope { pair.0.clone() } else { pair.1.clone() };
                let region = if in_scope { "32.04" } else { "35.78" };
                let (id, kind) = match case.target {
                    Target::Nothing => (String::new(), ""),
                    Target::Office => (pick(&objects.office), "office"),
                    Target::User => (pick(&objects.user), "user"),
                    Target::Agency => (pick(&objects.agency), "agency"),
                    Target::Unit => (pick(&objects.agency), "unit"),
                    Target::Pair => (pick(&objects.pair), "candidate_pair"),
                    Target::Election => ("pilkada-2024".to_string(), "election"),
                    Target::AtPpk | Target::Evidence | Target::Report => (pick(&objects.case), "case"),
                    Target::Batch => (pick(&objects.batch), "patrol_batch"),
                    Target::Session => (pick(&objects.session), "socialisation_session"),
                    Target::Post => (pick(&objects.post), "patrol_post"),
                    Target::FreshPost => {
                        let (office, account) = if in_scope {
                            (&objects.office.0, (objects.asn_account.0.clone(), "asn.bandung".to_string()))
                        } else {
                            (&objects.office.1, (objects.asn_account.1.clone(), "asn.surabaya".to_string()))
                        };
                        let (_, post) = patrol_batch(&app, office, region, "segar.csv", &account).await;
                        (post, "patrol_post")
                    }
                    Target::FreshCase => {
                        let filed =
                            file_report(&app, region, &format!("Segar {counter}"), None, fresh_day(), NOW).await;
                        (filed.case_id, "case")
                    }
                    Target::FreshPair => {
                        let pair = CandidatePair {
                            id: format!("fresh-pair-{counter}"),
                            election_id: "pemilu-2024".into(),
                            region: netra_core::region::RegionCode::parse(region).unwrap(),
                            ballot_number: counter % 90 + 1,
                            head_name: format!("Fresh {counter}"),
                            deputy_name: "Wakil".into(),
                            nicknames: vec![],
                            parties: vec![],
                            slogans: vec![],
                            hashtags: vec![],
                        };
                        store.create_candidate_pair(&ctx, &pair).await.unwrap();
                        (pair.id, "candidate_pair")
                    }
                    Target::FreshUnit => {
                        let unit = Unit {
                            id: format!("fresh-unit-{counter}"),
                            agency_id: pick(&objects.agency),
                            name: format!("Unit {counter}"),
                        };
                        store.create_unit(&ctx, &unit).await.unwrap();
                        (unit.agency_id.clone(), "unit")
                    }
                };
                let unit_id = match case.target {
                    Target::Unit => pick(&objects.unit),
                    Target::FreshUnit => format!("fresh-unit-{counter}"),
                    _ => String::new(),
                };
                let path = case
                    .path
                    .replace("{evidence}", &pick(&objects.evidence))
                    .replace("{letter}", &pick(&objects.letter))
                    .replace("{report}", &pick(&objects.report))
                    .replace("{id}", &id)
                    .replace("{kind}", kind)
                    .replace("{unit}", &unit_id)
                    .replace("{stage}", &objects.stage);
                let (token, csrf) = app.session_for(demo_username(role)).await;
                let form: Vec<(&str, String)> = match (case.method, case.path) {
                    ("GET", _) => vec![],
                    (_, "/akun/sandi") => vec![
                        ("current", netra_store::demo::DEMO_PASSWORD.into()),
                        ("new_password", netra_store::demo::DEMO_PASSWORD.into()),
                        ("confirm", netra_store::demo::DEMO_PASSWORD.into()),
                    ],
                    (_, "/akun/totp") => {
                        let secret = netra_core::totp::TotpSecret::from_bytes(b"matrix-secret-123456");
                        // Each user enrols twice (in and out of scope); a code works once, so the second time
                        // takes the next time step's code (within the allowed drift).
                        let at = NOW.unix_timestamp() + if in_scope { 0 } else { 30 };
                        vec![("secret", secret.to_base32()), ("code", secret.code_at(at))]
                    }
                    (_, "/admin/kantor") => vec![
                        ("name", format!("Kantor {counter}")),
                        ("region", region.into()),
                        ("agency", String::new()),
                    ],
                    (_, "/admin/kantor/{id}") => {
                        let office = store.office(&id).await.unwrap().unwrap();
                        vec![
                            ("name", office.name),
                            ("region", office.region.map(|c| c.to_string()).unwrap_or_default()),
                            ("agency", office.agency.unwrap_or_default()),
                        ]
                    }
                    (_, "/admin/pengguna") => vec![
                        ("username", format!("baru{counter}")),
                        ("display_name", "Baru".into()),
                        ("role", "ppk_office".into()),
                        ("office_id", id.clone()),
                        ("password", "sandi-sementara-1".into()),
                    ],
                    (_, "/admin/pengguna/{id}") => {
                        let user = store.user(&id).await.unwrap().unwrap();
                        vec![
                            ("display_name", user.display_name),
                            ("role", user.role.as_str().into()),
                            ("office_id", user.office_id),
                        ]
                    }
                    (_, "/admin/pengguna/{id}/reset-sandi") => vec![("password", "sandi-sementara-1".into())],
                    (_, "/admin/instansi") => vec![
                        ("id", format!("instansi-{counter}")),
                        ("name", format!("Instansi {counter}")),
                        ("kind", "lembaga".into()),
                        ("region", String::new()),
                    ],
                    (_, "/admin/instansi/{id}") => {
                        let agency = store.agency(&id).await.unwrap().unwrap();
                        vec![
                            ("name", agency.name),
                            ("kind", agency.kind.as_str().into()),
                            ("region", agency.region.map(|c| c.to_string()).unwrap_or_default()),
                        ]
                    }
                    (_, "/admin/instansi/{id}/unit") => vec![("name", format!("Unit baru {counter}"))],
                    (_, "/admin/pemilihan/{id}/tahapan/{stage}") => {
                        let election = store.election("pilkada-2024").await.unwrap().unwrap();
                        vec![
                            ("start", election.stages[0].start.to_string()),
                            ("end", election.stages[0].end.to_string()),
                        ]
                    }
                    (_, "/paslon") => vec![
                        ("election_id", "pilkada-2024".into()),
                        ("region", region.into()),
                        ("ballot_number", (counter % 80 + 10).to_string()),
                        ("head_name", format!("Baru {counter}")),
                        ("deputy_name", "Wakil".into()),
                    ],
                    (_, "/paslon/{id}") => {
                        let pair = store.candidate_pair(&id).await.unwrap().unwrap();
                        vec![
                            ("election_id", pair.election_id),
                            ("region", pair.region.to_string()),
                            ("ballot_number", pair.ballot_number.to_string()),
                            ("head_name", pair.head_name),
                            ("deputy_name", pair.deputy_name),
                        ]
                    }
                    (_, "/kasus/{id}/surat") => {
                        vec![("kind", if role.is_bkn() { "rekomendasi" } else { "penerusan" }.into())]
                    }
                    (_, "/kasus/baru") => vec![
                        ("origin", "finding".into()),
                        ("description", "Lurah ikut kampanye paslon di lapangan kecamatan.".into()),
                        ("occurred_on", "2024-09-30".into()),
                        ("known_on", "2024-10-01".into()),
                        ("region_code", region.into()),
                        ("reported_person.name", format!("Temuan {counter}")),
                    ],
                    (_, "/kasus/{id}/tindakan") => vec![
                        ("version", "1".into()),
                        ("action", "begin_preliminary_check".into()),
                        ("on", "2024-10-01".into()),
                    ],
                    (_, "/kasus/{id}/fakta") => vec![
                        ("version", "1".into()),
                        ("person_name", "Nama Dibetulkan".into()),
                        ("person_position", "Lurah".into()),
                        ("items", "PP-CAMPAIGN-JOIN".into()),
                    ],
                    (_, "/sosialisasi") => vec![
                        ("election", "pilkada-2024".into()),
                        ("title", format!("Sosialisasi {counter}")),
                        ("held_on", "2024-07-30".into()),
                        ("place", "Aula BKPSDM".into()),
                        ("speakers", "Bawaslu Kabupaten Bandung".into()),
                        ("agency_id", "pemkab-bandung".into()),
                    ],
                    (_, "/pakta/kode") => {
                        vec![("election", "pilkada-2024".into()), ("nip", "199006052015031006".into())]
                    }
                    (_, "/pakta/daftar-hadir") => {
                        vec![("election", "pilkada-2024".into()), ("occasion", format!("Apel {counter}"))]
                    }
                    (_, "/pakta/teks") => vec![
                        ("election", "pilkada-2024".into()),
                        ("kind", "pakta".into()),
                        ("title", "Pakta Integritas".into()),
                        ("opening", "Saya menyatakan:".into()),
                        ("points", format!("Bersikap netral.\nButir tambahan {counter}.")),
                        ("closing", "Demikian.".into()),
                    ],
                    (_, "/kasus/{id}/terlapor") => {
                        let person = store.registry_person_by_nip("197503122000031001").await.unwrap().unwrap();
                        vec![("version", "1".into()), ("person_id", person.id.to_string())]
                    }
                    (_, "/kasus/{id}/pesan") => {
                        let reports = store.case_reports(&id).await.unwrap();
                        vec![("report_id", reports[0].id.clone()), ("body", "Kapan foto itu diambil?".into())]
                    }
                    (_, "/kasus/{id}/gabung") => {
                        let other =
                            file_report(&app, region, &format!("Segar {counter}"), None, fresh_day(), NOW).await;
                        vec![("version", "1".into()), ("other", other.case_id), ("other_version", "1".into())]
                    }
                    (_, "/patroli/unggahan/{id}/abaikan") => vec![("reason", "Akun parodi, bukan milik ASN".into())],
                    (_, "/kasus/{id}/laporan/{report}/buka") => {
                        vec![("reason", "Permintaan penyidik Gakkumdu nomor 12/2024".into())]
                    }
                    _ => vec![],
                };
                let mut form_with_token = vec![("csrf", csrf)];
                form_with_token.extend(form);
                let cookie = session_cookie(&token);
                let reply = if case.method == "POST" && path == "/patroli" {
                    let batch = "akun,url,waktu,teks\n@asn.bandung,,2024-09-30 08:00,Ayo coblos paslon nomor 2!\n";
                    app.multipart(&path, &cookie, &form_with_token, &[("batch.csv", batch.as_bytes().to_vec())]).await
                } else if case.method == "POST" && path == "/patroli/akun" {
                    let file = format!(
                        "platform,akun,nama,nip,jabatan,instansi,kode_wilayah\ninstagram,baru{counter},Baru {counter},,Lurah,,{region}\n"
                    );
                    app.multipart(&path, &cookie, &form_with_token, &[("akun.csv", file.into_bytes())]).await
                } else if case.method == "POST" && (path == "/pakta/daftar-hadir" || path.ends_with("/daftar-hadir")) {
                    let list = "nip\n199006052015031006\n";
                    app.multipart(&path, &cookie, &form_with_token, &[("hadir.csv", list.as_bytes().to_vec())]).await
                } else if case.method == "POST" && (path == "/kasus/baru" || path.ends_with("/bukti")) {
                    app.multipart(
                        &path,
                        &cookie,
                        &form_with_token,
                        &[("bukti.jpg", netra_store::evidence::sample_jpeg_with_gps())],
                    )
                    .await
                } else {
                    app.request(case.method, &path, Some(&cookie), &form_with_token).await
                };

                // A list is allowed either way; "out of scope" then means the other region's object is absent.
                let list = case.method == "GET" && case.target == Target::Nothing;
                let allowed = case.roles.contains(&role) && (in_scope || !case.scoped || national(role) || list);
                let restricted = case.scoped && !national(role);
                let what =
                    format!("{role:?} {} {path} ({})", case.method, if in_scope { "in scope" } else { "out of scope" });
                if allowed {
                    let redirect = reply.headers.get("location").map(|l| l.to_str().unwrap().to_string());
                    assert!(
                        reply.status == StatusCode::OK
                            || reply.status == StatusCode::CREATED
                            || (reply.status == StatusCode::SEE_OTHER && redirect.as_deref() != Some("/masuk")
                                || case.path == "/keluar"),
                        "{what}: expected success, got {} {redirect:?}: {}",
                        reply.status,
                        &reply.body[..reply.body.len().min(400)]
                    );
                    if let Some((inside, outside)) = case.markers {
                        let marker = if in_scope { inside } else { outside };
                        if in_scope || !restricted {
                            assert!(
                                reply.body.contains(&escaped(marker)) || reply.body.contains(marker),
                                "{what}: should show {marker:?}"
                            );
                        }
                        if restricted && inside != outside {
                            assert!(!reply.body.contains(outside), "{what}: must not show {outside:?}");
                        }
                    }
                } else {
                    assert!(
                        reply.status == StatusCode::FORBIDDEN || reply.status == StatusCode::NOT_FOUND,
                        "{what}: expected 403 or 404, got {}: {}",
                        reply.status,
                        &reply.body[..reply.body.len().min(400)]
                    );
                    if let Some((inside, outside)) = case.markers {
                        let marker = if in_scope { inside } else { outside };
                        assert!(!reply.body.contains(marker), "{what}: a refusal must not carry data");
                    }
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, cases.len() * Role::ALL.len() * 2);
}

// ----- Reporting and the case workflow -----

/// The audit entries of a case taken from a public report to a sanction's effect, in order.
const CASE_TO_SANCTION_TRAIL: [&str; 13] = [
    "case.create",
    "case.begin_preliminary_check",
    "case.register",
    "case.begin_kajian",
    "case.forward_to_bkn",
    "case.bkn_receive",
    "case.recommend",
    "case.ppk_receive",
    "case.summon",
    "case.record_examination",
    "case.issue_sanction",
    "case.deliver_decision",
    "case.take_effect",
];

/// The text of a PDF as Debian's `pdftotext` reads it (an independent reader).
fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("surat.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (Debian poppler-utils, installed by scripts/install-test-deps.sh)");
    assert!(output.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

mod casework_flow {
    use super::*;
    use netra_core::workflow::{Action, CaseState};
    use netra_store::access::Principal;
    use netra_store::cases::{CaseQuery, CaseRecord};
    use netra_store::casework::HandOff;
    use serde_json::{Value, json};
    use time::macros::{date, datetime};

    async fn api(app: &Staffed, method: &str, uri: &str, receipt: Option<&str>, body: Option<Value>) -> Reply {
        let mut builder = Request::builder().method(method).uri(uri).header("host", "netra.test");
        if let Some(receipt) = receipt {
            builder = builder.header("authorization", format!("Receipt {receipt}"));
        }
        let body = match body {
            Some(value) => {
                builder = builder.header("content-type", "application/json");
                Body::from(value.to_string())
            }
            None => Body::empty(),
        };
        app.send(builder.body(body).unwrap()).await
    }

    fn report(name: &str, mode: &str, reporter: Option<(&str, &str)>) -> Value {
        let mut reporter_json = json!({ "mode": mode });
        if let Some((name, contact)) = reporter {
            reporter_json["name"] = json!(name);
            reporter_json["contact"] = json!(contact);
        }
        json!({
            "description": format!("Camat {name} mengunggah foto berpose dua jari bersama paslon nomor 2 di Facebook \
                                    dan mengajak warga memilih."),
            "occurred_on": "2024-11-10",
            "known_on": "2024-11-11",
            "region_code": "32.04",
            "place": "Kantor Kecamatan Cileunyi",
            "reported_person": { "name": name, "position": "Camat", "agency": "Pemkab Bandung" },
            "links": ["https://facebook.com/post/123"],
            "reporter": reporter_json,
        })
    }

    async fn desk_user(app: &Staffed, username: &str) -> Principal {
        let user = app.store().user_by_username(username).await.unwrap().unwrap();
        Principal::load(app.store().as_ref(), &user.id).await.unwrap().unwrap()
    }

    fn at(date: time::Date) -> time::OffsetDateTime {
        date.with_hms(10, 0, 0).unwrap().assume_offset(time::macros::offset!(+7))
    }

    fn due(case: &CaseRecord, kind: netra_core::clock::ClockKind) -> time::Date {
        case.snapshot.clock(kind).unwrap_or_else(|| panic!("{kind:?} is running")).due_on
    }

    async fn act(
        desk: &netra_store::casework::CaseDesk<'_>,
        case: CaseRecord,
        action: Action,
        handoff: HandOff,
    ) -> CaseRecord {
        let on = action.on();
        desk.act(&case.id, case.version, action, handoff, at(on)).await.unwrap()
    }

    /// Writes a letter through the case page's form as `username`; returns the reply.
    async fn write_letter(app: &Staffed, username: &str, case_id: &str, fields: &[(&str, &str)]) -> Reply {
        let (token, csrf) = app.session_at(username, (app.app.state.now)()).await;
        let cookie = session_cookie(&token);
        let mut form: Vec<(&str, String)> = vec![("csrf", csrf)];
        form.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
        app.request("POST", &format!("/kasus/{case_id}/surat"), Some(&cookie), &form).await
    }

    /// A form field and its value.
    type Pair<'a> = (&'a str, &'a str);

    #[tokio::test]
    async fn letters_read_back_and_break_on_any_change_and_the_case_bundle_carries_them() {
        let mut app = staffed_in_november().await;
        let filed = api(&app, "POST", "/api/v1/reports", None, Some(report("Asep Sunandar", "anonymous", None))).await;
        assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
        let bawaslu = desk_user(&app, "bawaslu.kabbandung").await;
        let desk = bawaslu.case_desk(app.store()).unwrap();
        let listed = desk.list(CaseQuery::new(desk.scope().clone())).await.unwrap();
        let mut case = desk.case(&listed[0].id).await.unwrap();
        let id = case.id.clone();
        // Before the forwarding, no letter can be written.
        let early = write_letter(&app, "bawaslu.kabbandung", &id, &[("kind", "penerusan")]).await;
        assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(early.body.contains("setelah langkah"), "{}", early.body);
        case = act(&desk, case, Action::BeginPreliminaryCheck { on: date!(2024 - 11 - 12) }, HandOff::default()).await;
        let register = Action::Register { on: date!(2024 - 11 - 12), number: "001/Reg/LP/PB/Kab/13.03/XI/2024".into() };
        case = act(&desk, case, register, HandOff::default()).await;
        case = act(&desk, case, Action::BeginKajian { on: date!(2024 - 11 - 13) }, HandOff::default()).await;
        let forward = Action::ForwardToBkn {
            on: date!(2024 - 11 - 14),
            letter_number: "045/PP.01.02/K.JB-04/11/2024".into(),
            items: vec!["PP-CAMPAIGN-JOIN".into()],
        };
        case = act(&desk, case, forward, HandOff::default()).await;
        let bkn_desk = desk_user(&app, "bkn.kanreg3").await;
        let bkn_desk = bkn_desk.case_desk(app.store()).unwrap();
        case = act(&bkn_desk, case, Action::BknReceive { on: date!(2024 - 11 - 15) }, HandOff::default()).await;
        let recommend = Action::Recommend {
            on: date!(2024 - 11 - 18),
            letter_number: "R-1234/KR.III/XI/2024".into(),
            level: netra_core::catalogue::SanctionLevel::Sedang,
        };
        case = act(&bkn_desk, case, recommend, HandOff { ppk_agency: Some("pemkab-bandung".into()) }).await;
        let ppk = desk_user(&app, "ppk.kabbandung").await;
        let ppk_desk = ppk.case_desk(app.store()).unwrap();
        case = act(&ppk_desk, case, Action::PpkReceive { on: date!(2024 - 11 - 20) }, HandOff::default()).await;
        case = act(&ppk_desk, case, Action::Summon { on: date!(2024 - 11 - 22) }, HandOff::default()).await;
        let exam = Action::RecordExamination { on: date!(2024 - 11 - 29), attended: true };
        act(&ppk_desk, case, exam, HandOff::default()).await;
        app.app.state.now = || datetime!(2024-12-02 09:00 +7);

        // Each office writes its letter; others may not, and missing examination details are named.
        let wrong = write_letter(&app, "bawaslu.kabbandung", &id, &[("kind", "rekomendasi")]).await;
        assert_eq!(wrong.status, StatusCode::FORBIDDEN);
        let incomplete = write_letter(&app, "ppk.kabbandung", &id, &[("kind", "panggilan"), ("exam_time", "9")]).await;
        assert_eq!(incomplete.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(incomplete.body.contains("exam_date") && incomplete.body.contains("exam_place"), "{}", incomplete.body);
        let exam_fields =
            [("exam_date", "2024-12-06"), ("exam_time", "09:30"), ("exam_place", "Ruang Rapat BKPSDM, Soreang")];
        let writes: [(&str, &str, &[Pair]); 5] = [
            ("bawaslu.kabbandung", "penerusan", &[]),
            ("bkn.kanreg3", "rekomendasi", &[]),
            ("ppk.kabbandung", "panggilan", &exam_fields),
            ("inspektorat.kabbandung", "berita-acara", &exam_fields),
            ("ppk.kabbandung", "keputusan", &[("number", "800.1.6/777/BKPSDM/2024")]),
        ];
        for (username, kind, extra) in writes {
            let mut fields = vec![("kind", kind)];
            fields.extend_from_slice(extra);
            let reply = write_letter(&app, username, &id, &fields).await;
            assert_eq!(reply.status, StatusCode::SEE_OTHER, "{username} writes {kind}: {}", reply.body);
        }
        let letters = app.store().letters_of_case(&id).await.unwrap();
        assert_eq!(letters.len(), 5);
        let keys_reply = app.request("GET", "/pakta/kunci.json", None, &[]).await;
        let keys: Vec<netra_core::pact::PublicKey> = serde_json::from_str(&keys_reply.body).unwrap();
        let (token, _) = app.session_at("bawaslu.kabbandung", (app.app.state.now)()).await;
        let cookie = session_cookie(&token);
        let page = app.request("GET", &format!("/kasus/{id}"), Some(&cookie), &[]).await;
        let expected_text: [&[&str]; 5] = [
            &["045/PP.01.02/K.JB-04/11/2024", "14 November 2024", "BKN Kantor Regional III Bandung", "Ikut kampanye"],
            &[
                "R-1234/KR.III/XI/2024",
                "hukuman disiplin sedang",
                "Pejabat Pembina Kepegawaian Pemerintah Kabupaten Bandung",
            ],
            &["Jumat, 6 Desember 2024", "09:30 WIB", "Ruang Rapat BKPSDM, Soreang"],
            &["BERITA ACARA PEMERIKSAAN", "Jumat, 6 Desember 2024", "Inspektorat Kabupaten Bandung"],
            &["800.1.6/777/BKPSDM/2024", "hukuman disiplin sedang", "RANCANGAN KEPUTUSAN"],
        ];
        for (letter, expected) in letters.iter().zip(expected_text) {
            assert!(page.body.contains(&letter.code), "the case page lists {}", letter.code);
            let reply = app.request("GET", &format!("/kasus/{id}/surat/{}", letter.id), Some(&cookie), &[]).await;
            assert_eq!(reply.status, StatusCode::OK);
            assert_eq!(reply.headers["content-type"], "application/pdf");
            let pdf = app.store().letter_pdf(&letter.id).await.unwrap().unwrap();
            let text = pdf_text(&pdf);
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            for needle in expected.iter().chain(&["Asep Sunandar", letter.code.as_str(), "NTR-2024-000001"]) {
                assert!(flat.contains(needle), "{:?}: {needle:?} not in the extracted text:\n{text}", letter.kind);
            }
            // The seal holds, and breaks on any change: one byte in the middle, or a name in the metadata.
            assert_eq!(netra_core::letter::verify_pdf(&pdf, &keys).unwrap(), letter.key_id);
            let mut flipped = pdf.clone();
            let middle = flipped.len() / 2;
            flipped[middle] ^= 0x20;
            assert!(netra_core::letter::verify_pdf(&flipped, &keys).is_err());
            let renamed = String::from_utf8_lossy(&pdf).contains("Asep");
            if renamed {
                let edited: Vec<u8> = pdf
                    .windows(4)
                    .position(|w| w == b"Asep")
                    .map(|at| {
                        let mut copy = pdf.clone();
                        copy[at..at + 4].copy_from_slice(b"Ujang"[..4].as_ref());
                        copy
                    })
                    .unwrap();
                assert!(matches!(
                    netra_core::letter::verify_pdf(&edited, &keys),
                    Err(netra_core::letter::SealError::Invalid(netra_core::pact::VerifyError::Forged))
                ));
            }
            // The document signature gives the printed code.
            let signature = data_encoding::BASE64.decode(letter.signature.as_bytes()).unwrap();
            assert_eq!(netra_core::pact::verification_code(&signature), letter.code);
        }

        // The public page checks a code and an uploaded file.
        let penerusan = &letters[0];
        let public = app.request("GET", &format!("/verifikasi/{}", penerusan.code), None, &[]).await;
        assert_eq!(public.status, StatusCode::OK);
        assert!(public.body.contains("SAH") && public.body.contains(&penerusan.pdf_sha256), "{}", public.body);
        let csrf_cookie = public
            .headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("netra_csrf="))
            .map(|v| v.split(';').next().unwrap().to_string())
            .expect("a form token cookie");
        let csrf = csrf_from(&public.body);
        let genuine = app.store().letter_pdf(&penerusan.id).await.unwrap().unwrap();
        let uri = format!("/verifikasi/{}/periksa", penerusan.code);
        let same =
            app.multipart(&uri, &csrf_cookie, &[("csrf", csrf.clone())], &[("surat.pdf", genuine.clone())]).await;
        assert_eq!(same.status, StatusCode::OK, "{}", same.body);
        assert!(same.body.contains("SAMA PERSIS"), "{}", same.body);
        let mut forged = genuine.clone();
        let at = forged.len() / 3;
        forged[at] ^= 0x01;
        let changed = app.multipart(&uri, &csrf_cookie, &[("csrf", csrf.clone())], &[("surat.pdf", forged)]).await;
        assert_eq!(changed.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(changed.body.contains("TIDAK SAH"), "{}", changed.body);
        let other = app.store().letter_pdf(&letters[1].id).await.unwrap().unwrap();
        let mismatch = app.multipart(&uri, &csrf_cookie, &[("csrf", csrf.clone())], &[("surat.pdf", other)]).await;
        assert!(mismatch.body.contains("bukan surat dengan kode ini"), "{}", mismatch.body);
        let no_token =
            app.multipart(&uri, &csrf_cookie, &[("csrf", "x".into())], &[("surat.pdf", genuine.clone())]).await;
        assert_eq!(no_token.status, StatusCode::FORBIDDEN);
        let download = app.request("GET", &format!("/verifikasi/{}/berkas", penerusan.code), None, &[]).await;
        assert_eq!(download.headers["content-type"], "application/pdf");

        // The case bundle holds the record, the evidence as stored, the letters and the audit trail, each with its
        // checksum; taking it is audited.
        let photo = staged_jpeg(&app, "foto kampanye.jpg");
        ppk_desk.attach_evidence(&app.app.state.vault, &id, vec![photo], datetime!(2024-12-02 09:00 +7)).await.unwrap();
        let stored = app.store().case_evidence(&id).await.unwrap();
        let reply = app.request("GET", &format!("/kasus/{id}/berkas.zip"), Some(&cookie), &[]).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.headers["content-type"], "application/zip");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(reply.bytes)).unwrap();
        let mut read = |name: &str| {
            let mut entry = archive.by_name(name).unwrap_or_else(|_| panic!("{name} is in the bundle"));
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut out).unwrap();
            out
        };
        let sums = String::from_utf8(read("SHA256SUMS")).unwrap();
        let listed: Vec<(String, String)> =
            sums.lines().map(|l| l.split_once("  ").map(|(h, n)| (h.to_string(), n.to_string())).unwrap()).collect();
        assert_eq!(listed.len(), 1 + 5 + 3, "one photo, five letters, the record, the trail and the note: {sums}");
        for (hash, name) in &listed {
            let content = read(name);
            assert_eq!(&netra_core::audit::digest(&content), hash, "{name}");
        }
        let photo_name = listed.iter().find(|(_, n)| n.starts_with("bukti/")).unwrap();
        assert_eq!(photo_name.0, stored[0].sha256, "the evidence file is byte for byte the stored one");
        let record: Value = serde_json::from_slice(&read("kasus.json")).unwrap();
        assert_eq!(record["case_number"], "NTR-2024-000001");
        assert_eq!(record["evidence"][0]["intact"], true);
        assert_eq!(record["letters"].as_array().unwrap().len(), 5);
        let audit: Value = serde_json::from_slice(&read("audit.json")).unwrap();
        assert_eq!(audit["entries_verified"], true);
        assert!(audit["entries"].as_array().unwrap().iter().any(|e| e["action"] == "letter.issue"));
        let penerusan_pdf = read(&format!("surat/penerusan-{}.pdf", penerusan.code));
        assert!(netra_core::letter::verify_pdf(&penerusan_pdf, &keys).is_ok());

        // Every letter is in the case's audit trail, so is each bundle taken, and the chain holds.
        let filter = netra_store::AuditFilter { object: Some(("case".into(), id.clone())), ..Default::default() };
        let trail = app.store().audit_entries(&filter, 100).await.unwrap();
        assert_eq!(trail.iter().filter(|e| e.action == "letter.issue").count(), 5);
        assert_eq!(trail.iter().filter(|e| e.action == "case.bundle").count(), 1);
        assert!(netra_store::verify_audit_chain(app.store().as_ref()).await.unwrap().is_ok());
    }

    async fn staffed_in_november() -> Staffed {
        let mut app = Staffed::spawn().await;
        app.app.state.now = || datetime!(2024-11-12 09:00 +7);
        app
    }

    #[tokio::test]
    async fn a_public_report_goes_from_the_api_to_a_sanction_taking_effect_on_2024_clocks() {
        use netra_core::clock::ClockKind as C;
        let app = staffed_in_november().await;
        let filed = api(&app, "POST", "/api/v1/reports", None, Some(report("Asep Sunandar", "anonymous", None))).await;
        assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
        let filed: Value = serde_json::from_str(&filed.body).unwrap();
        let receipt = filed["receipt"].as_str().unwrap().to_string();
        let number = filed["case_number"].as_str().unwrap().to_string();
        assert_eq!(number, "NTR-2024-000001");

        let bawaslu = desk_user(&app, "bawaslu.kabbandung").await;
        let desk = bawaslu.case_desk(app.store()).unwrap();
        let listed = desk.list(CaseQuery::new(desk.scope().clone())).await.unwrap();
        assert_eq!(listed.len(), 1);
        let mut case = desk.case(&listed[0].id).await.unwrap();
        assert_eq!(case.state(), CaseState::LaporanReceived);
        assert_eq!(case.snapshot.admissibility_due, date!(2024 - 11 - 18), "7 calendar days from 11 Nov");
        assert_eq!(case.snapshot.timely, Some(true));
        let inbox = desk.inbox(10).await.unwrap();
        assert!(inbox.iter().any(|n| n.kind == "new_report"), "Bawaslu Kab. Bandung is told of the new report");

        // Bawaslu: preliminary check, registration, study, forwarding.
        case = act(&desk, case, Action::BeginPreliminaryCheck { on: date!(2024 - 11 - 12) }, HandOff::default()).await;
        case = act(
            &desk,
            case,
            Action::Register { on: date!(2024 - 11 - 12), number: "001/Reg/LP/PB/Kab/13.03/XI/2024".into() },
            HandOff::default(),
        )
        .await;
        assert_eq!(due(&case, C::Kajian), date!(2024 - 11 - 15), "3 calendar days from registration");
        case = act(&desk, case, Action::BeginKajian { on: date!(2024 - 11 - 13) }, HandOff::default()).await;
        let forward = Action::ForwardToBkn {
            on: date!(2024 - 11 - 14),
            letter_number: "045/PP.01.02/K.JB-04/11/2024".into(),
            items: vec!["PP-CAMPAIGN-JOIN".into()],
        };
        case = act(&desk, case, forward, HandOff::default()).await;
        assert_eq!(case.state(), CaseState::ForwardedToBkn);
        assert!(case.snapshot.clock(C::Kajian).is_none(), "forwarding stops the kajian clock");

        // BKN regional office III: receives and recommends to the PPK of Kabupaten Bandung.
        let bkn = desk_user(&app, "bkn.kanreg3").await;
        let bkn_desk = bkn.case_desk(app.store()).unwrap();
        assert!(bkn_desk.inbox(10).await.unwrap().iter().any(|n| n.kind == "handoff" && n.body.contains(&number)));
        let mut case = bkn_desk.case(&case.id).await.unwrap();
        case = act(&bkn_desk, case, Action::BknReceive { on: date!(2024 - 11 - 15) }, HandOff::default()).await;
        let recommend = Action::Recommend {
            on: date!(2024 - 11 - 18),
            letter_number: "R-1234/KR.III/XI/2024".into(),
            level: netra_core::catalogue::SanctionLevel::Sedang,
        };
        case = act(&bkn_desk, case, recommend, HandOff { ppk_agency: Some("pemkab-bandung".into()) }).await;
        assert_eq!(case.ppk_agency_id.as_deref(), Some("pemkab-bandung"));

        // The PPK: receives, summons across the polling-day holiday, examines, decides, delivers.
        let ppk = desk_user(&app, "ppk.kabbandung").await;
        let ppk_desk = ppk.case_desk(app.store()).unwrap();
        assert!(ppk_desk.inbox(10).await.unwrap().iter().any(|n| n.kind == "handoff"));
        let mut case = ppk_desk.case(&case.id).await.unwrap();
        case = act(&ppk_desk, case, Action::PpkReceive { on: date!(2024 - 11 - 20) }, HandOff::default()).await;
        assert_eq!(due(&case, C::PpkFollowUp), date!(2024 - 11 - 30), "10 calendar days");
        case = act(&ppk_desk, case, Action::Summon { on: date!(2024 - 11 - 22) }, HandOff::default()).await;
        assert_eq!(due(&case, C::Summons), date!(2024 - 12 - 04), "7 working days; 27 Nov (voting) is a holiday");
        case = act(
            &ppk_desk,
            case,
            Action::RecordExamination { on: date!(2024 - 11 - 29), attended: true },
            HandOff::default(),
        )
        .await;
        let decide = Action::IssueSanction {
            on: date!(2024 - 12 - 02),
            decree_number: "800.1.6/123/BKPSDM".into(),
            level: netra_core::catalogue::SanctionLevel::Sedang,
        };
        case = act(&ppk_desk, case, decide, HandOff::default()).await;
        assert_eq!(due(&case, C::DecisionDelivery), date!(2024 - 12 - 16), "14 calendar days");
        case = act(&ppk_desk, case, Action::DeliverDecision { on: date!(2024 - 12 - 03) }, HandOff::default()).await;
        assert_eq!(due(&case, C::SanctionEffect), date!(2024 - 12 - 18), "day 15 after delivery");
        assert_eq!(due(&case, C::Banding), date!(2024 - 12 - 23), "14 working days");
        let early = ppk_desk
            .act(
                &case.id,
                case.version,
                Action::TakeEffect { on: date!(2024 - 12 - 17) },
                HandOff::default(),
                at(date!(2024 - 12 - 17)),
            )
            .await;
        assert!(early.is_err(), "the sanction cannot take effect before day 15");
        case = act(&ppk_desk, case, Action::TakeEffect { on: date!(2024 - 12 - 18) }, HandOff::default()).await;
        assert_eq!(case.state(), CaseState::SanctionEffective);

        // The reporter follows the case with only the receipt.
        let status = api(&app, "GET", "/api/v1/reports/status", Some(&receipt), None).await;
        assert_eq!(status.status, StatusCode::OK);
        let status: Value = serde_json::from_str(&status.body).unwrap();
        assert_eq!(status["status"], "Sanksi dijatuhkan");

        // Every step is in the audit trail, by the office that took it, in order.
        let filter = netra_store::AuditFilter { object: Some(("case".into(), case.id.clone())), ..Default::default() };
        let mut trail = app.store().audit_entries(&filter, 100).await.unwrap();
        trail.reverse();
        let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, CASE_TO_SANCTION_TRAIL);
        assert_eq!(trail[0].actor, "public");
        assert_eq!(trail[4].office.as_deref(), Some(bawaslu.office.id.as_str()));
        assert_eq!(trail[6].office.as_deref(), Some(bkn.office.id.as_str()));
        assert_eq!(trail[12].office.as_deref(), Some(ppk.office.id.as_str()));
        assert!(netra_store::verify_audit_chain(app.store().as_ref()).await.unwrap().is_ok());
    }

    #[tokio::test]
    async fn an_anonymous_reporter_answers_a_question_and_wrong_receipts_reveal_nothing_and_are_throttled() {
        let app = staffed_in_november().await;
        let filed = api(&app, "POST", "/api/v1/reports", None, Some(report("Budi Santoso", "anonymous", None))).await;
        let receipt = serde_json::from_str::<Value>(&filed.body).unwrap()["receipt"].as_str().unwrap().to_string();
        let bawaslu = desk_user(&app, "bawaslu.kabbandung").await;
        let desk = bawaslu.case_desk(app.store()).unwrap();
        let case = desk.list(CaseQuery::new(desk.scope().clone())).await.unwrap().remove(0);
        let file = desk.open(&case.id).await.unwrap();
        desk.ask_reporter(
            &case.id,
            &file.reports[0].id,
            "Kapan tepatnya foto itu diunggah?",
            at(date!(2024 - 11 - 12)),
        )
        .await
        .unwrap();
        let status: Value =
            serde_json::from_str(&api(&app, "GET", "/api/v1/reports/status", Some(&receipt), None).await.body).unwrap();
        assert_eq!(status["messages"][0]["from"], "staff");
        assert_eq!(status["messages"][0]["body"], "Kapan tepatnya foto itu diunggah?");
        let reply = api(
            &app,
            "POST",
            "/api/v1/reports/messages",
            Some(&receipt.to_lowercase()),
            Some(json!({"body": "Sekitar pukul 20.00, 10 November."})),
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "receipts are case-insensitive: {}", reply.body);
        let messages = desk.open(&case.id).await.unwrap().messages;
        assert!(messages.iter().any(|m| m.from_reporter && m.body.contains("20.00")));
        assert!(desk.inbox(10).await.unwrap().iter().any(|n| n.kind == "reporter_reply"));

        // A wrong receipt answers like a missing one, without any case data.
        let wrong = api(&app, "GET", "/api/v1/reports/status", Some("AAAA-BBBB-CCCC-DDDD"), None).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert!(!wrong.body.contains("NTR-"));
        for _ in 1..netra_web::report::MAX_RECEIPT_FAILURES {
            api(&app, "GET", "/api/v1/reports/status", Some("AAAA-BBBB-CCCC-DDDD"), None).await;
        }
        let throttled = api(&app, "GET", "/api/v1/reports/status", Some(&receipt), None).await;
        assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS, "even the right receipt waits once throttled");
        assert!(throttled.headers.contains_key("retry-after"));
    }

    #[tokio::test]
    async fn invalid_reports_get_one_error_per_field() {
        let app = staffed_in_november().await;
        let mut bad = report("", "anonymous", Some(("Siti", "0812")));
        bad["occurred_on"] = json!("2024-11-40");
        bad["known_on"] = json!("2030-01-01");
        bad["region_code"] = json!("32.99");
        bad["links"] = json!(["javascript:alert(1)"]);
        let reply = api(&app, "POST", "/api/v1/reports", None, Some(bad)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = serde_json::from_str(&reply.body).unwrap();
        let fields: Vec<&str> =
            body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        for field in ["occurred_on", "known_on", "region_code", "reported_person.name", "links", "reporter.mode"] {
            assert!(fields.contains(&field), "{field} missing from {fields:?}");
        }
        let malformed = app
            .send(
                Request::post("/api/v1/reports")
                    .header("content-type", "application/json")
                    .body(Body::from("{\"description\": "))
                    .unwrap(),
            )
            .await;
        assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
        let cases = app.store().list_cases(&CaseQuery::new(netra_store::cases::CaseScope::All)).await.unwrap();
        assert!(cases.is_empty(), "nothing was written");
    }

    #[tokio::test]
    async fn a_confidential_identity_is_sealed_everywhere_but_the_custodians_audited_unseal() {
        let app = staffed_in_november().await;
        let name = "Rahmawati Kusumadewi";
        let contact = "rahma.kusuma@contoh.id";
        let filed = api(
            &app,
            "POST",
            "/api/v1/reports",
            None,
            Some(report("Dedi Mulyadi", "confidential", Some((name, contact)))),
        )
        .await;
        assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
        let bawaslu = desk_user(&app, "bawaslu.kabbandung").await;
        let desk = bawaslu.case_desk(app.store()).unwrap();
        let case = desk.list(CaseQuery::new(desk.scope().clone())).await.unwrap().remove(0);
        let file = desk.open(&case.id).await.unwrap();
        let report_row = &file.reports[0];
        assert!(report_row.identity.is_none());
        let sealed = report_row.sealed_identity.as_ref().expect("sealed");
        assert!(!String::from_utf8_lossy(sealed).contains("Rahmawati"));
        // Not in any audit summary, and not in the database files at all.
        let trail = app.store().audit_entries(&netra_store::AuditFilter::default(), 500).await.unwrap();
        assert!(trail.iter().all(|e| !e.summary.contains("Rahmawati") && !e.summary.contains("rahma.kusuma")));
        for entry in std::fs::read_dir(app.app._dir.path()).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                let bytes = std::fs::read(&path).unwrap();
                let text = String::from_utf8_lossy(&bytes);
                assert!(!text.contains("Rahmawati") && !text.contains("rahma.kusuma"), "{} leaks it", path.display());
            }
        }
        // Only the custodian can unseal, with a reason, and the opening is audited.
        let sealer = &app.app.state.vault.sealer;
        assert!(matches!(bawaslu.unsealer(app.store(), sealer), Err(netra_store::access::AccessError::Denied)));
        let custodian = desk_user(&app, "kustodian").await;
        let unsealer = custodian.unsealer(app.store(), sealer).unwrap();
        assert!(unsealer.unseal(&report_row.id, "x", at(date!(2024 - 11 - 13))).await.is_err(), "a reason is required");
        let identity = unsealer
            .unseal(&report_row.id, "Klarifikasi kedudukan pelapor (hak pilih)", at(date!(2024 - 11 - 13)))
            .await
            .unwrap();
        assert_eq!((identity.name.as_str(), identity.contact.as_str()), (name, contact));
        let filter =
            netra_store::AuditFilter { object: Some(("report".into(), report_row.id.clone())), ..Default::default() };
        let opened = app.store().audit_entries(&filter, 10).await.unwrap();
        assert_eq!(opened.len(), 1);
        assert_eq!(opened[0].action, "report.unseal");
        assert_eq!(opened[0].actor, custodian.user.id);
    }

    #[tokio::test]
    async fn a_report_sent_twice_is_offered_as_a_duplicate_and_the_merge_keeps_both_reporters_and_all_evidence() {
        let app = staffed_in_november().await;
        let mut receipts = Vec::new();
        for (person, text) in [
            ("Asep Sunandar", None),
            (
                "Drs. Asep Sunandar",
                Some(
                    "Pak camat Asep Sunandar posting foto pose dua jari dengan paslon nomor 2 di facebook, mengajak warga memilih.",
                ),
            ),
        ] {
            let mut body = report(person, "anonymous", None);
            if let Some(text) = text {
                body["description"] = json!(text);
            }
            let filed = api(&app, "POST", "/api/v1/reports", None, Some(body)).await;
            receipts.push(serde_json::from_str::<Value>(&filed.body).unwrap()["receipt"].as_str().unwrap().to_string());
        }
        // Evidence on the second report, through the API: a photo with GPS.
        let boundary = "netra-test-boundary";
        let mut multipart = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"../foto.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
        )
        .into_bytes();
        multipart.extend(netra_store::evidence::sample_jpeg_with_gps());
        multipart.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
        let upload = app
            .send(
                Request::post("/api/v1/reports/evidence")
                    .header("authorization", format!("Receipt {}", receipts[1]))
                    .header("content-type", format!("multipart/form-data; boundary={boundary}"))
                    .body(Body::from(multipart))
                    .unwrap(),
            )
            .await;
        assert_eq!(upload.status, StatusCode::CREATED, "{}", upload.body);

        let bawaslu = desk_user(&app, "bawaslu.kabbandung").await;
        let desk = bawaslu.case_desk(app.store()).unwrap();
        let listed = desk.list(CaseQuery::new(desk.scope().clone())).await.unwrap();
        let (newer, older) = (desk.case(&listed[0].id).await.unwrap(), desk.case(&listed[1].id).await.unwrap());
        let offered = desk.duplicates(&older).await.unwrap();
        assert_eq!(offered.len(), 1, "the second report is offered");
        assert_eq!(offered[0].case.id, newer.id);
        let evidence = desk.open(&newer.id).await.unwrap().evidence;
        assert_eq!(evidence.len(), 1);
        assert_eq!(evidence[0].file_name, "foto.jpg", "paths are stripped from names");
        assert_eq!(evidence[0].content_type, "image/jpeg");
        assert!(evidence[0].metadata.contains("\"gps\""), "GPS kept for staff");
        assert!(app.app.state.vault.blobs.contains(&evidence[0].sha256));

        desk.merge(&older.id, older.version, &newer.id, newer.version, at(date!(2024 - 11 - 12))).await.unwrap();
        let kept = desk.open(&older.id).await.unwrap();
        assert_eq!(kept.reports.len(), 2, "both reporters kept");
        assert_eq!(kept.evidence.len(), 1, "the evidence moved with its report");
        assert_eq!(desk.list(CaseQuery::new(desk.scope().clone())).await.unwrap().len(), 1, "merged case leaves lists");
        // The second reporter's receipt now follows the kept case.
        let status: Value =
            serde_json::from_str(&api(&app, "GET", "/api/v1/reports/status", Some(&receipts[1]), None).await.body)
                .unwrap();
        assert_eq!(status["case_number"], Value::String(older.number.clone()));
        assert_eq!(status["evidence_count"], 1);
    }

    #[tokio::test]
    async fn the_openapi_document_describes_every_json_endpoint_and_matches_its_snapshot() {
        let app = staffed_in_november().await;
        let reply = app.request("GET", "/api/openapi.json", None, &[]).await;
        assert_eq!(reply.status, StatusCode::OK);
        let document: Value = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(document["openapi"], "3.1.0");
        // Every JSON endpoint of the router is documented with its method.
        let json_routes = netra_web::route_table()
            .into_iter()
            .filter(|r| r.path.starts_with("/api/") || r.path == "/healthz" || r.path == "/pakta/kunci.json");
        let mut documented = 0;
        for route in json_routes {
            let method = route.method.to_lowercase();
            assert!(
                document["paths"][route.path][&method].is_object(),
                "{} {} is documented",
                route.method,
                route.path
            );
            documented += 1;
        }
        assert_eq!(
            documented,
            document["paths"].as_object().unwrap().values().map(|p| p.as_object().unwrap().len()).sum::<usize>()
        );
        // Every reference resolves.
        let text = serde_json::to_string(&document).unwrap();
        for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = reference.split('"').next().unwrap();
            assert!(document["components"]["schemas"][name].is_object(), "schema {name} exists");
        }
        // The document is what the snapshot says (NETRA_UPDATE_SNAPSHOTS=1 rewrites it after a deliberate change).
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json");
        let pretty = serde_json::to_string_pretty(&document).unwrap() + "\n";
        if std::env::var_os("NETRA_UPDATE_SNAPSHOTS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &pretty).unwrap();
        }
        let snapshot = std::fs::read_to_string(&path).expect("tests/snapshots/openapi.json");
        assert!(snapshot == pretty, "the OpenAPI document changed; review it and run with NETRA_UPDATE_SNAPSHOTS=1");
    }
}

#[tokio::test]
async fn the_public_form_files_a_report_with_evidence_and_shows_the_receipt_once() {
    let app = Staffed::spawn().await;
    let page = app.request("GET", "/lapor?wilayah=32.04", None, &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    assert!(page.body.contains("value=\"32.04\""), "the regency and its districts are offered");
    let csrf = csrf_from(&page.body);
    let boundary = "netra-form-boundary";
    let field = |name: &str, value: &str| {
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").into_bytes()
    };
    let mut body = Vec::new();
    for (name, value) in [
        ("csrf", csrf.as_str()),
        ("description", "Guru PNS SMPN 1 memasang spanduk paslon nomor 1 di pagar sekolah."),
        ("occurred_on", "2024-09-29"),
        ("known_on", "2024-09-30"),
        ("region_code", "32.04"),
        ("reported_person.name", "Wawan Setiawan"),
        ("links", "https://instagram.com/p/abc\nhttps://tiktok.com/@x/video/1"),
        ("reporter.mode", "anonymous"),
    ] {
        body.extend(field(name, value));
    }
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"spanduk.jpg\"\r\n\r\n")
            .into_bytes(),
    );
    body.extend(netra_store::evidence::sample_jpeg_with_gps());
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    let send = |body: Vec<u8>, cookie: String| {
        Request::post("/lapor")
            .header("host", "netra.test")
            .header("cookie", cookie)
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .unwrap()
    };
    let forged = app.send(send(body.clone(), "netra_csrf=another-token".into())).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "the form token must match the cookie");
    let filed = app.send(send(body, format!("netra_csrf={csrf}"))).await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    assert!(filed.body.contains("NTR-2024-000001"));
    assert_eq!(filed.headers["cache-control"], "no-store");
    let cases = app.store().list_cases(&netra_store::cases::CaseQuery::new(netra_store::cases::CaseScope::All)).await;
    let case_id = cases.unwrap()[0].id.clone();
    let evidence = app.store().case_evidence(&case_id).await.unwrap();
    assert_eq!(evidence.len(), 1);
    assert_eq!(app.store().case(&case_id).await.unwrap().unwrap().links.len(), 2);

    // An invalid submission is shown again with its errors and writes nothing.
    let mut bad = Vec::new();
    for (name, value) in [("csrf", csrf.as_str()), ("description", "pendek"), ("reporter.mode", "anonymous")] {
        bad.extend(field(name, value));
    }
    bad.extend(format!("--{boundary}--\r\n").into_bytes());
    let refused = app.send(send(bad, format!("netra_csrf={csrf}"))).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("field-error"));
    let all = app.store().list_cases(&netra_store::cases::CaseQuery::new(netra_store::cases::CaseScope::All)).await;
    assert_eq!(all.unwrap().len(), 1);
}

// ----- The whole path through the HTML pages -----

/// The test clock of the HTML journey (a fn pointer cannot capture, so it reads a static).
static JOURNEY_CLOCK: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

fn journey_now() -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(JOURNEY_CLOCK.load(std::sync::atomic::Ordering::SeqCst)).unwrap()
}

fn set_journey_day(day: time::Date) {
    let at = day.with_hms(10, 0, 0).unwrap().assume_offset(time::macros::offset!(+7));
    JOURNEY_CLOCK.store(at.unix_timestamp(), std::sync::atomic::Ordering::SeqCst);
}

/// The value of `<dt>term</dt><dd>value</dd>` in a page.
fn fact(html: &str, term: &str) -> String {
    let start =
        html.find(&format!("<dt>{term}</dt><dd>")).unwrap_or_else(|| panic!("no fact {term}")) + term.len() + 13;
    html[start..].split("</dd>").next().unwrap().to_string()
}

fn case_version(html: &str) -> String {
    let start = html.find("name=\"version\" value=\"").expect("an action form") + 22;
    html[start..].split('"').next().unwrap().to_string()
}

/// A staff member of the journey; each request gets a session made at the journey's current time.
struct Clerk {
    username: &'static str,
}

impl Clerk {
    async fn new(_app: &Staffed, username: &'static str) -> Clerk {
        Clerk { username }
    }

    /// A session cookie and CSRF token valid now.
    async fn session(&self, app: &Staffed) -> (String, String) {
        let (token, csrf) = app.session_at(self.username, journey_now()).await;
        (session_cookie(&token), csrf)
    }

    async fn get(&self, app: &Staffed, path: &str) -> Reply {
        let (cookie, _) = self.session(app).await;
        app.request("GET", path, Some(&cookie), &[]).await
    }

    async fn post(&self, app: &Staffed, path: &str, fields: &[(&str, String)]) -> Reply {
        let (cookie, csrf) = self.session(app).await;
        let mut form = vec![("csrf", csrf)];
        form.extend(fields.iter().cloned());
        app.request("POST", path, Some(&cookie), &form).await
    }

    /// Takes an action through the case page's form on `day`, and returns the case page afterwards.
    async fn act(&self, app: &Staffed, case: &str, day: time::Date, action: &str, fields: &[(&str, &str)]) -> String {
        set_journey_day(day);
        let page = self.get(app, &format!("/kasus/{case}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains(&format!("name=\"action\" value=\"{action}\"")),
            "the page offers {action}: {}",
            &page.body[..page.body.len().min(300)]
        );
        let mut form =
            vec![("version", case_version(&page.body)), ("action", action.to_string()), ("on", day.to_string())];
        form.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
        let reply = self.post(app, &format!("/kasus/{case}/tindakan"), &form).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{action}: {}", reply.body);
        let page = self.get(app, &format!("/kasus/{case}?ok=tindakan")).await;
        assert!(page.body.contains("Tindakan tercatat."));
        page.body
    }
}

#[tokio::test]
async fn a_report_from_the_public_form_reaches_a_sanction_through_the_staff_pages() {
    use time::macros::date;
    let mut app = Staffed::spawn().await;
    app.app.state.now = journey_now;
    set_journey_day(date!(2024 - 11 - 12));

    // The public form, confidential, with a photo.
    let page = app.request("GET", "/lapor?wilayah=32.04", None, &[]).await;
    let csrf = csrf_from(&page.body);
    let fields: Vec<(&str, String)> = vec![
        ("csrf", csrf.clone()),
        (
            "description",
            "Camat Asep Sunandar mengunggah foto berpose dua jari bersama paslon nomor 2 di Facebook dan mengajak warga memilih. #BandungBedas"
                .into(),
        ),
        ("occurred_on", "2024-11-10".into()),
        ("known_on", "2024-11-11".into()),
        ("region_code", "32.04".into()),
        ("reported_person.name", "Asep Sunandar".into()),
        ("reported_person.position", "Camat".into()),
        ("latitude", "-7.0251".into()),
        ("longitude", "107.5199".into()),
        ("reporter.mode", "confidential".into()),
        ("reporter.name", "Siti Rahasia Pelapor".into()),
        ("reporter.contact", "0812-9999-0000".into()),
    ];
    let filed = app
        .multipart(
            "/lapor",
            &format!("netra_csrf={csrf}"),
            &fields,
            &[("pose.jpg", netra_store::evidence::sample_jpeg_with_gps())],
        )
        .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let receipt = fact(&filed.body, "Tanda terima");
    let number = fact(&filed.body, "Nomor kasus");

    // Bawaslu Kabupaten Bandung finds it in "waiting for us", with its clock and the triage marks.
    let bawaslu = Clerk::new(&app, "bawaslu.kabbandung").await;
    let bad = bawaslu.get(&app, "/kasus?dari=kemarin&status=entah").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "a bad filter is refused beside its field");
    assert!(bad.body.contains("id=\"dari-error\"") && bad.body.contains("id=\"status-error\""), "{}", bad.body);
    let list = bawaslu.get(&app, "/kasus?tab=saya").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(&number));
    let start = list.body.find("href=\"/kasus/0").expect("a case link") + 13;
    let case = list.body[start..].split('"').next().unwrap().to_string();
    let page = bawaslu.get(&app, &format!("/kasus/{case}")).await.body;
    assert!(page.contains("2024-11-18"), "the admissibility clock runs to 18 Nov (7 calendar days from 11 Nov)");
    assert!(page.contains("<mark>Facebook</mark>"), "triage marks the evidence the screening engine found");
    assert!(
        page.contains("Mesin penyaring menilai narasi ini menggambarkan pelanggaran"),
        "the engine's verdict is shown"
    );
    assert!(page.contains("Disegel"), "the identity is sealed on the page");
    assert!(!page.contains("Siti Rahasia"), "the sealed name is nowhere on the page");
    assert!(page.contains("GPS"), "staff see the photo's GPS");
    assert!(page.contains("-7.02510, 107.51990"), "the point the reporter gave is on the case");

    // The photo downloads as an attachment, byte for byte, with its hash.
    let start = page.find(&format!("/kasus/{case}/bukti/")).unwrap();
    let href = page[start..].split('"').next().unwrap().to_string();
    let download = bawaslu.get(&app, &href).await;
    assert_eq!(download.status, StatusCode::OK);
    assert!(download.headers["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert!(page.contains(download.headers["x-evidence-sha256"].to_str().unwrap()), "the hash is on the case page");

    // A question to the reporter, answered through the receipt.
    let report_id = {
        let s = page.find("name=\"report_id\"").unwrap();
        let v = page[s..].find("<option value=\"").unwrap() + s + 15;
        page[v..].split('"').next().unwrap().to_string()
    };
    let asked = bawaslu
        .post(
            &app,
            &format!("/kasus/{case}/pesan"),
            &[("report_id", report_id), ("body", "Di akun Facebook apa foto itu diunggah?".into())],
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    let status_page = app.request("GET", "/lapor/status", None, &[]).await;
    let status_csrf = csrf_from(&status_page.body);
    let seen = app
        .request(
            "POST",
            "/lapor/status",
            Some(&format!("netra_csrf={status_csrf}")),
            &[("csrf", status_csrf.clone()), ("receipt", receipt.clone()), ("reply", "Akun pribadinya.".into())],
        )
        .await;
    assert!(seen.body.contains("Di akun Facebook apa foto itu diunggah?"), "{}", seen.body);

    // Bawaslu: check, register, study, forward.
    bawaslu.act(&app, &case, date!(2024 - 11 - 12), "begin_preliminary_check", &[]).await;
    let page =
        bawaslu.act(&app, &case, date!(2024 - 11 - 12), "register", &[("number", "001/Reg/LP/PB/Kab/XI/2024")]).await;
    assert!(page.contains("2024-11-15"), "kajian: 3 calendar days from registration");
    bawaslu.act(&app, &case, date!(2024 - 11 - 13), "begin_kajian", &[]).await;
    let page = bawaslu
        .act(
            &app,
            &case,
            date!(2024 - 11 - 14),
            "forward_to_bkn",
            &[("letter_number", "045/PP.01.02/K.JB-04/11/2024"), ("items", "PP-CAMPAIGN-JOIN")],
        )
        .await;
    assert!(page.contains("RT-08") || page.contains("BKN"), "now held by BKN");

    // BKN regional office III receives and recommends to the PPK of Kabupaten Bandung.
    let bkn = Clerk::new(&app, "bkn.kanreg3").await;
    let inbox = bkn.get(&app, "/kotak-masuk").await;
    assert!(inbox.body.contains(&number), "the hand-off is in BKN's inbox");
    bkn.act(&app, &case, date!(2024 - 11 - 15), "bkn_receive", &[]).await;
    bkn.act(
        &app,
        &case,
        date!(2024 - 11 - 18),
        "recommend",
        &[("letter_number", "R-1234/KR.III/XI/2024"), ("level", "sedang"), ("ppk_agency", "pemkab-bandung")],
    )
    .await;

    // The PPK decides across the polling-day holiday.
    let ppk = Clerk::new(&app, "ppk.kabbandung").await;
    let page = ppk.act(&app, &case, date!(2024 - 11 - 20), "ppk_receive", &[]).await;
    assert!(page.contains("2024-11-30"), "PPK follow-up: 10 calendar days");
    assert!(!page.contains("Siti Rahasia"));
    let page = ppk.act(&app, &case, date!(2024 - 11 - 22), "summon", &[]).await;
    assert!(page.contains("2024-12-04"), "summons: 7 working days, 27 Nov is a holiday");
    assert!(page.contains("hari kerja"), "a working-day clock says so");
    ppk.act(&app, &case, date!(2024 - 11 - 29), "record_examination", &[("attended", "1")]).await;
    let page = ppk
        .act(
            &app,
            &case,
            date!(2024 - 12 - 02),
            "issue_sanction",
            &[("decree_number", "800.1.6/123/BKPSDM"), ("level", "sedang")],
        )
        .await;
    assert!(page.contains("2024-12-16"), "decision delivery: 14 calendar days");
    let page = ppk.act(&app, &case, date!(2024 - 12 - 03), "deliver_decision", &[]).await;
    assert!(page.contains("2024-12-18") && page.contains("2024-12-23"), "effect on day 15; banding 14 working days");

    // Too early: the page explains and nothing changes.
    set_journey_day(date!(2024 - 12 - 17));
    let version = case_version(&ppk.get(&app, &format!("/kasus/{case}")).await.body);
    let early = ppk
        .post(
            &app,
            &format!("/kasus/{case}/tindakan"),
            &[("version", version.clone()), ("action", "take_effect".into()), ("on", "2024-12-17".into())],
        )
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("role=\"alert\""));
    let page = ppk.act(&app, &case, date!(2024 - 12 - 18), "take_effect", &[]).await;
    assert!(page.contains("S8 · Sudah dijatuhi hukuman"), "the case shows its final state");

    // A stale form (the version it was built on) is refused with a reload hint.
    let stale = ppk
        .post(
            &app,
            &format!("/kasus/{case}/tindakan"),
            &[("version", version), ("action", "close".into()), ("on", "2024-12-18".into()), ("reason", "x".into())],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("muat ulang"), "the refusal says to reload");

    // The reporter sees the outcome with the receipt.
    let seen = app
        .request(
            "POST",
            "/lapor/status",
            Some(&format!("netra_csrf={status_csrf}")),
            &[("csrf", status_csrf.clone()), ("receipt", receipt)],
        )
        .await;
    assert!(seen.body.contains("Sanksi dijatuhkan"), "{}", seen.body);

    // Every step is in the audit trail, in order, and the chain verifies.
    let filter = netra_store::AuditFilter { object: Some(("case".into(), case.clone())), ..Default::default() };
    let mut trail = app.store().audit_entries(&filter, 100).await.unwrap();
    trail.reverse();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).filter(|a| a.starts_with("case.")).collect();
    assert_eq!(actions, CASE_TO_SANCTION_TRAIL);
    assert!(netra_store::verify_audit_chain(app.store().as_ref()).await.unwrap().is_ok());
}

// ----- Prevention: pacts -----

/// The one-time code in an issued-code notice ("…: ABCD-EFGH (berlaku …").
fn issued_code(body: &str) -> String {
    let at = body.find(" (berlaku sampai").expect("a code was issued");
    body[at - 9..at].to_string()
}

#[tokio::test]
async fn a_civil_servant_signs_with_a_one_time_code_and_anyone_verifies_the_pact() {
    let app = Staffed::spawn().await;
    netra_store::demo::seed_registry(app.store().as_ref(), NOW, 0).await.unwrap();
    let (token, csrf) = app.session_for("admin.kabbandung").await;
    let cookie = session_cookie(&token);
    let page = app.request("GET", "/pakta", Some(&cookie), &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Terbitkan kode") && page.body.contains("Tandatangani daftar hadir"));
    assert!(!page.body.contains("Simpan sebagai versi baru"), "agency admins do not edit the texts");
    let (bkn, _) = app.session_for("bkn.kanreg3").await;
    assert_eq!(app.request("GET", "/pakta", Some(&session_cookie(&bkn)), &[]).await.status, StatusCode::FORBIDDEN);

    // A code for someone of another agency is refused; for Taufik it is shown once.
    let form = |nip: &str| [("csrf", csrf.clone()), ("election", "pilkada-2024".into()), ("nip", nip.into())];
    let other = app.request("POST", "/pakta/kode", Some(&cookie), &form("198402142009021005")).await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(other.body.contains("instansi lain"));
    let issued = app.request("POST", "/pakta/kode", Some(&cookie), &form("199006052015031006")).await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.body);
    let code = issued_code(&issued.body);

    // The public side: read the text, then sign; a wrong code tells nothing about the NIP.
    let start = app.request("GET", "/pakta/tandatangani", None, &[]).await;
    let public_csrf = csrf_from(&start.body);
    let public = format!("netra_csrf={public_csrf}");
    let attempt = |nip: &str, code: &str, agree: &str| {
        vec![
            ("csrf", public_csrf.clone()),
            ("nip", nip.to_string()),
            ("code", code.to_string()),
            ("agree", agree.to_string()),
        ]
    };
    let wrong = app
        .request("POST", "/pakta/tandatangani", Some(&public), &attempt("199006052015031006", "AAAA-AAAA", ""))
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("NIP dan kode tidak cocok"));
    let read =
        app.request("POST", "/pakta/tandatangani", Some(&public), &attempt("199006052015031006", &code, "")).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert!(read.body.contains("politik uang") && read.body.contains("Saya setuju dan menandatangani"));
    let signed =
        app.request("POST", "/pakta/tandatangani", Some(&public), &attempt("199006052015031006", &code, "ya")).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let location = signed.headers["location"].to_str().unwrap().to_string();
    let again =
        app.request("POST", "/pakta/tandatangani", Some(&public), &attempt("199006052015031006", &code, "ya")).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "the code is spent");

    // Verification online: the verdict, the text, a QR code and the file.
    let result = app.request("GET", &location, None, &[]).await;
    assert_eq!(result.status, StatusCode::OK);
    assert!(result.body.contains("SAH: tanda tangan Netra") && result.body.contains("Taufik Rahman, S.Kom"));
    assert!(result.body.contains("<svg") && result.body.contains("Pakta Anda telah ditandatangani"));
    let pact_code = location.trim_start_matches("/verifikasi/").split('?').next().unwrap().to_string();
    let typed = app.request("GET", &format!("/verifikasi?kode={}", pact_code.to_lowercase()), None, &[]).await;
    assert_eq!(typed.headers["location"].to_str().unwrap(), format!("/verifikasi/{pact_code}"));
    assert_eq!(app.request("GET", "/verifikasi/AAAA-BBBB-CCCC", None, &[]).await.status, StatusCode::NOT_FOUND);

    // Offline: the downloaded file with the published keys; a changed byte fails.
    let file = app.request("GET", &format!("/verifikasi/{pact_code}/berkas"), None, &[]).await;
    let keys: Vec<netra_core::pact::PublicKey> =
        serde_json::from_str(&app.request("GET", "/pakta/kunci.json", None, &[]).await.body).unwrap();
    let pact = netra_core::pact::SignedPact::from_file(file.body.as_bytes()).unwrap();
    assert_eq!(netra_core::pact::verify(&pact, &keys), Ok(()));
    let forged = file.body.replace("199006052015031006", "199006052015031007");
    let forged = netra_core::pact::SignedPact::from_file(forged.as_bytes()).unwrap();
    assert!(netra_core::pact::verify(&forged, &keys).is_err());
}

#[tokio::test]
async fn an_attendance_list_signs_the_known_and_reports_the_rest_by_line() {
    let app = Staffed::spawn().await;
    netra_store::demo::seed_registry(app.store().as_ref(), NOW, 0).await.unwrap();
    let (token, csrf) = app.session_for("admin.kabbandung").await;
    let cookie = session_cookie(&token);
    let list = "no,nama,nip\n1,Asep Sunandar,197503122000031001\n2,Rina Marlina,198608212010032004\n\
        3,Orang Lain,198001012005011009\n4,Tanpa NIP,\n5,Salah,19750312\n";
    let fields = [
        ("csrf", csrf.clone()),
        ("election", "pilkada-2024".to_string()),
        ("occasion", "Apel Netralitas ASN 29 Juli 2024".to_string()),
    ];
    let reply =
        app.multipart("/pakta/daftar-hadir", &cookie, &fields, &[("hadir.csv", list.as_bytes().to_vec())]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(
        reply.body.contains("2 ASN menandatangani; 0 sudah menandatangani sebelumnya; 2 baris tidak dapat"),
        "{}",
        reply.body
    );
    assert!(reply.body.contains("<td>4</td>") && reply.body.contains("tidak ada dalam registri"));
    assert!(reply.body.contains("<td>6</td>"));
    let rina = app.store().registry_person_by_nip("198608212010032004").await.unwrap().unwrap();
    let signed = app.store().pact_signatures_of(rina.id).await.unwrap();
    assert_eq!(signed.len(), 1);
    assert_eq!(signed[0].pact.document.occasion, "Apel Netralitas ASN 29 Juli 2024");
    // Coverage: Kecamatan Cileunyi has three demo persons, two of whom (Asep and Rina) signed.
    let coverage = app.request("GET", "/pakta/cakupan?pemilihan=pilkada-2024", Some(&cookie), &[]).await;
    assert_eq!(coverage.status, StatusCode::OK, "{}", coverage.body);
    assert!(
        coverage.body.contains("<td>Kecamatan Cileunyi</td><td>3</td><td>2</td><td>66.7%</td><td>0</td><td>0.0%</td><td>pakta di bawah 80%; sosialisasi di bawah 80%</td>"),
        "{}",
        coverage.body
    );
    assert!(coverage.body.contains("Seluruh instansi"));
    let headers = coverage.body.matches("<th scope=\"col\">").count();
    assert_eq!(headers, 7, "one header per column of the coverage rows");
    let no_occasion = [("csrf", csrf), ("election", "pilkada-2024".to_string()), ("occasion", String::new())];
    let refused =
        app.multipart("/pakta/daftar-hadir", &cookie, &no_occasion, &[("hadir.csv", list.as_bytes().to_vec())]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_self_check_names_the_catalogue_items_of_a_situation_and_stores_nothing() {
    let app = Staffed::spawn().await;
    let before = netra_store::verify_audit_chain(app.store().as_ref()).await.unwrap().unwrap().length;
    let situation =
        "Saya berfoto dengan calon bupati nomor 2 sambil mengacungkan dua jari lalu mengunggahnya ke Instagram";
    let query = serde_urlencoded::to_string([("situasi", situation), ("pemilihan", "pilkada-2024")]).unwrap();
    let reply = app.request("GET", &format!("/boleh-atau-tidak?{query}"), None, &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("Kemungkinan TIDAK BOLEH"), "{}", reply.body);
    // On 1 October 2024 the candidates are determined: the discipline items apply, not the code of ethics.
    assert!(reply.body.contains("D-SOC-PHOTO") && !reply.body.contains("KE-SOC-PHOTO"), "{}", reply.body);
    assert!(reply.body.contains("<mark>"), "the words that matter are marked");
    let calm =
        serde_urlencoded::to_string([("situasi", "Hari ini saya mengajar matematika di kelas lima seperti biasa")])
            .unwrap();
    let reply = app.request("GET", &format!("/boleh-atau-tidak?{calm}"), None, &[]).await;
    assert!(reply.body.contains("Tidak ditemukan larangan yang jelas"), "{}", reply.body);
    let after = netra_store::verify_audit_chain(app.store().as_ref()).await.unwrap().unwrap().length;
    assert_eq!(before, after, "a self-check writes nothing");
}

#[tokio::test]
async fn a_session_checks_attendees_in_by_qr_and_scores_their_quiz() {
    let app = Staffed::spawn().await;
    netra_store::demo::seed_registry(app.store().as_ref(), NOW, 0).await.unwrap();
    let (token, csrf) = app.session_for("admin.kabbandung").await;
    let cookie = session_cookie(&token);
    let mut form = vec![
        ("csrf", csrf.clone()),
        ("election", "pilkada-2024".to_string()),
        ("title", "Sosialisasi Netralitas ASN Kabupaten Bandung".to_string()),
        ("held_on", "30-07-2024".to_string()),
        ("place", "Aula BKPSDM Soreang".to_string()),
        ("speakers", "Bawaslu Kabupaten Bandung".to_string()),
        ("items", "D-SOC-PHOTO D-DECL-ATTEND D-SOC-CAMPAIGN".to_string()),
    ];
    let refused = app.request("POST", "/sosialisasi", Some(&cookie), &form).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"held_on-error\""), "the bad date is named beside its field");
    form[3].1 = "2024-07-30".into();
    let created = app.request("POST", "/sosialisasi", Some(&cookie), &form).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let page_path = created.headers["location"].to_str().unwrap().to_string();
    let page = app.request("GET", &page_path, Some(&cookie), &[]).await;
    assert!(page.body.contains("<svg"), "the check-in QR code");
    let at = page.body.find("/hadir/").expect("the check-in address");
    let checkin: String =
        page.body[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '/' || *c == '-').collect();

    // The attendee's phone: the QR page, the NIP, the quiz.
    let start = app.request("GET", &checkin, None, &[]).await;
    assert_eq!(start.status, StatusCode::OK);
    let public_csrf = csrf_from(&start.body);
    let public = format!("netra_csrf={public_csrf}");
    let other = app
        .request(
            "POST",
            &checkin,
            Some(&public),
            &[("csrf", public_csrf.clone()), ("nip", "198402142009021005".into())],
        )
        .await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(other.body.contains("instansi lain"));
    let quiz = app
        .request(
            "POST",
            &checkin,
            Some(&public),
            &[("csrf", public_csrf.clone()), ("nip", "199006052015031006".into())],
        )
        .await;
    assert_eq!(quiz.status, StatusCode::OK, "{}", quiz.body);
    assert!(quiz.body.contains("kehadiran Anda tercatat") && quiz.body.contains("name=\"q4\""));
    // Answering "boleh" everywhere gets exactly the allowed situations right: two of five.
    let mut answers = vec![("csrf", public_csrf.clone()), ("nip", "199006052015031006".to_string())];
    answers.extend(["q0", "q1", "q2", "q3", "q4"].map(|q| (q, "boleh".to_string())));
    let scored = app.request("POST", &format!("{checkin}/kuis"), Some(&public), &answers).await;
    assert_eq!(scored.status, StatusCode::OK, "{}", scored.body);
    assert!(scored.body.contains("Jawaban benar: 2/5"), "{}", scored.body);
    let again = app.request("POST", &format!("{checkin}/kuis"), Some(&public), &answers).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "one score per attendee");

    let page = app.request("GET", &page_path, Some(&cookie), &[]).await;
    assert!(page.body.contains("Taufik Rahman") && page.body.contains("<td>2/5</td>"), "{}", page.body);
    assert!(page.body.contains("<td>Dinas Pendidikan</td><td>1</td><td>40%</td>"), "per unit");
}

// ----- Exports -----

#[tokio::test]
async fn the_case_list_exports_as_xlsx_and_csv_with_formulas_as_text_and_only_in_scope() {
    let app = Staffed::spawn().await;
    let payload = "=HYPERLINK(\"http://contoh.invalid\",\"klik\")";
    for (region, person) in
        [("32.04", payload), ("32.04.05", "Asep Sunandar"), ("32.04", "@SUM(1+1)"), ("35.78", "Orang Surabaya")]
    {
        file_report(&app, region, person, None, fresh_day(), NOW).await;
    }
    let (token, _) = app.session_for("bawaslu.kabbandung").await;
    let cookie = session_cookie(&token);
    let user = app.store().user_by_username("bawaslu.kabbandung").await.unwrap().unwrap();
    let principal = netra_store::access::Principal::load(app.store().as_ref(), &user.id).await.unwrap().unwrap();
    let listed = principal
        .case_desk(app.store())
        .unwrap()
        .list(netra_store::cases::CaseQuery::new(principal.case_scope()))
        .await
        .unwrap();
    assert_eq!(listed.len(), 3, "the Surabaya case is out of scope");

    let reply = app.request("GET", "/kasus/ekspor?format=xlsx", Some(&cookie), &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.headers["content-disposition"].to_str().unwrap().contains(".xlsx"));
    let response = router(app.app.state.clone())
        .oneshot(
            Request::get("/kasus/ekspor?format=xlsx")
                .header("host", "netra.test")
                .header("cookie", &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024).await.unwrap();
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows[0][0], "Nomor");
    let exported: Vec<(String, String)> = rows[1..].iter().map(|r| (r[0].clone(), r[5].clone())).collect();
    let expected: Vec<(String, String)> = listed.iter().map(|c| (c.number.clone(), c.person_name.clone())).collect();
    assert_eq!(exported, expected, "the export is the case list, in its order");
    assert!(exported.iter().any(|(_, person)| person == payload), "the payload is kept as written text");
    let formulas = book.worksheet_formula(&book.sheet_names()[0].clone()).unwrap();
    assert!(formulas.used_cells().next().is_none(), "no cell is a formula");

    let reply = app.request("GET", "/kasus/ekspor?format=csv", Some(&cookie), &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.starts_with('\u{feff}'), "a byte-order mark for spreadsheets");
    let mut reader = csv::Reader::from_reader(reply.body.trim_start_matches('\u{feff}').as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 3);
    let people: Vec<&str> = records.iter().map(|r| &r[5]).collect();
    assert!(people.contains(&format!("'{payload}").as_str()), "{people:?}");
    assert!(people.contains(&"'@SUM(1+1)") && people.contains(&"Asep Sunandar"), "{people:?}");
    assert!(!reply.body.contains("Orang Surabaya"));
    let bad = app.request("GET", "/kasus/ekspor?format=pdf", Some(&cookie), &[]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_transparency_page_publishes_aggregates_and_withholds_small_counts() {
    let app = Staffed::spawn().await;
    for n in 0..6 {
        file_report(&app, "32.04", &format!("Rahasia Bandung {n}"), None, fresh_day(), NOW).await;
    }
    for n in 0..2 {
        file_report(&app, "35.78", &format!("Rahasia Surabaya {n}"), None, fresh_day(), NOW).await;
    }
    let page = app.request("GET", "/transparansi", None, &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Rahasia") && !page.body.contains("NTR-"), "aggregates only");
    // Surabaya's 2 is small; Bandung's 6 is withheld with it, or it would follow from the national 8.
    let row = |name: &str| {
        let at = page.body.find(&format!("<td>{name}</td>")).unwrap_or_else(|| panic!("a row for {name}"));
        let end = page.body[at..].find("</tr>").unwrap() + at;
        page.body[at..end].to_string()
    };
    assert!(row("Jawa Timur").contains("<td>•</td>"), "{}", row("Jawa Timur"));
    let west_java = row("Jawa Barat");
    assert!(!west_java.contains("<td>6</td>"), "{west_java}");
    assert!(row("Indonesia").ends_with("<td>8</td><td>8</td>"), "{}", row("Indonesia"));
}

// ----- Dashboards and the neutrality index -----

mod statistics {
    use std::collections::{BTreeMap, HashMap, HashSet};

    use serde_json::Value;
    use sqlx::Row;

    use super::*;

    /// The demo as `netra serve --demo` seeds it: scenario, full-size registry, pacts and briefings, cases.
    async fn full_demo() -> Staffed {
        let app = Staffed::spawn().await;
        let store = app.store().clone();
        netra_store::demo::seed_registry(store.as_ref(), NOW, netra_store::demo::DEMO_REGISTRY_SIZE).await.unwrap();
        netra_store::demo::seed_prevention(&store, &app.app.state.vault.pact_keys, NOW).await.unwrap();
        let later = time::macros::datetime!(2025-03-03 09:00 +7);
        let seeded = netra_store::demo::seed_cases(&store, &app.app.state.vault, later).await.unwrap();
        assert_eq!(seeded.cases as usize, netra_store::demo::DEMO_CASES);
        app
    }

    /// One unit as this test computes it from the method page's description.
    #[derive(Default, Debug)]
    struct Unit {
        group: String,
        persons: f64,
        cases: u64,
        v: [f64; 4],
        signed: f64,
        attended: f64,
        recommended: f64,
        decided: f64,
    }

    fn weight_of(level: &str) -> f64 {
        match level {
            "moral" | "ringan" => 1.0,
            "sedang" | "per_aturan" => 2.0,
            "berat" => 3.0,
            "ptdh" | "pidana" => 4.0,
            other => panic!("unknown level {other}"),
        }
    }

    fn slot_of(indicator: &str) -> usize {
        ["Karier", "HubunganParpol", "KegiatanKampanye", "PelayananPublik"]
            .iter()
            .position(|i| *i == indicator)
            .unwrap_or_else(|| panic!("unknown indicator {indicator}"))
    }

    /// Recomputes every unit's index straight from the SQLite file, without Netra's aggregation code.
    async fn recompute(db: &std::path::Path, by_agency: bool) -> BTreeMap<String, (f64, bool)> {
        let url = format!("sqlite://{}?mode=ro", db.display());
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        let election = "pilkada-2024";
        let catalogue: HashMap<String, (usize, f64)> = netra_core::builtin::catalogue()
            .items()
            .iter()
            .map(|i| (i.code.clone(), (slot_of(&format!("{:?}", i.indicator)), weight_of(i.level.as_str()))))
            .collect();
        let agencies: Vec<(String, String, Option<String>)> =
            sqlx::query_as("SELECT agency_id, name, region_code FROM agency").fetch_all(&pool).await.unwrap();
        let agency_by_name: HashMap<String, String> =
            agencies.iter().map(|(id, name, _)| (name.to_lowercase(), id.clone())).collect();
        let mut units: BTreeMap<String, Unit> = BTreeMap::new();
        if by_agency {
            for (id, _, region) in &agencies {
                let group = region.as_ref().map_or("nasional".to_string(), |r| r[..2].to_string());
                units.insert(id.clone(), Unit { group, ..Unit::default() });
            }
        }
        let regency_unit = |code: &str| (code.len() >= 5).then(|| code[..5].to_string());
        let signers: HashSet<i64> = sqlx::query_scalar(
            "SELECT s.person_id FROM pact_signature s, pact_text t WHERE t.text_id = s.text_id AND t.kind = 'pakta' \
             AND t.election_id = ?",
        )
        .bind(election)
        .fetch_all(&pool)
        .await
        .unwrap()
        .into_iter()
        .collect();
        let attendees: HashSet<i64> = sqlx::query_scalar(
            "SELECT a.person_id FROM session_attendance a, socialisation_session x \
             WHERE x.session_id = a.session_id AND x.election_id = ?",
        )
        .bind(election)
        .fetch_all(&pool)
        .await
        .unwrap()
        .into_iter()
        .collect();
        let persons = sqlx::query("SELECT person_id, agency, region_code, employment_state FROM registry_person")
            .fetch_all(&pool)
            .await
            .unwrap();
        for row in persons {
            if row.get::<String, _>("employment_state") != "aktif" {
                continue;
            }
            let id: i64 = row.get("person_id");
            let region: String = row.get("region_code");
            let key = if by_agency {
                agency_by_name.get(&row.get::<String, _>("agency").to_lowercase()).cloned()
            } else {
                regency_unit(&region)
            };
            let Some(key) = key else { continue };
            let unit = units.entry(key).or_insert_with(|| Unit { group: region[..2].to_string(), ..Unit::default() });
            unit.persons += 1.0;
            unit.signed += f64::from(u8::from(signers.contains(&id)));
            unit.attended += f64::from(u8::from(attendees.contains(&id)));
        }
        let events: Vec<(String, String)> =
            sqlx::query_as("SELECT case_id, action FROM case_event").fetch_all(&pool).await.unwrap();
        let cases = sqlx::query(
            "SELECT c.case_id, c.state, c.items, c.regency_code, c.agency_id, c.ppk_agency_id, p.agency AS person_agency \
             FROM case_file c LEFT JOIN registry_person p ON p.person_id = c.registry_person_id \
             WHERE c.merged_into IS NULL AND c.election_id = ?",
        )
        .bind(election)
        .fetch_all(&pool)
        .await
        .unwrap();
        for row in cases {
            let id: String = row.get("case_id");
            let state: String = row.get("state");
            let items: Vec<String> = serde_json::from_str(&row.get::<String, _>("items")).unwrap();
            let key = if by_agency {
                row.get::<Option<String>, _>("ppk_agency_id").or(row.get("agency_id")).or_else(|| {
                    row.get::<Option<String>, _>("person_agency")
                        .and_then(|n| agency_by_name.get(&n.to_lowercase()).cloned())
                })
            } else {
                row.get::<Option<String>, _>("regency_code")
            };
            let Some(key) = key else { continue };
            let unit =
                units.entry(key.clone()).or_insert_with(|| Unit { group: key[..2].to_string(), ..Unit::default() });
            let dropped = ["not_registered", "not_violation", "not_proven", "cancelled"].contains(&state.as_str());
            if !items.is_empty() && !dropped {
                unit.cases += 1;
                let mut heaviest = [0.0f64; 4];
                for (slot, weight) in items.iter().filter_map(|code| catalogue.get(code)) {
                    heaviest[*slot] = heaviest[*slot].max(*weight);
                }
                for (sum, weight) in unit.v.iter_mut().zip(heaviest) {
                    *sum += weight;
                }
            }
            let has = |action: &[&str]| events.iter().any(|(c, a)| *c == id && action.contains(&a.as_str()));
            if has(&["recommend"]) {
                if has(&["issue_sanction", "clear_asn"]) {
                    unit.recommended += 1.0;
                    unit.decided += 1.0;
                } else if state == "not_followed_up" || state == "data_blocked" {
                    unit.recommended += 1.0;
                }
            }
        }
        units.retain(|_, u| u.persons > 0.0 || u.cases > 0 || u.recommended > 0.0);
        // Group totals, then each unit's index.
        let mut groups: HashMap<String, (f64, [f64; 4], f64, f64)> = HashMap::new();
        for unit in units.values() {
            let g = groups.entry(unit.group.clone()).or_default();
            g.0 += unit.persons;
            for k in 0..4 {
                g.1[k] += unit.v[k];
            }
            g.2 += unit.recommended;
            g.3 += unit.decided;
        }
        let mut out = BTreeMap::new();
        for (key, unit) in &units {
            let (persons, v, recommended, decided) = groups[&unit.group];
            let mut expected_total = 0.0;
            let mut indicators = 0.0;
            for (group_v, unit_v) in v.iter().zip(unit.v) {
                let expected = if persons > 0.0 { unit.persons * group_v / persons } else { 0.0 };
                expected_total += expected;
                indicators += 100.0 / (1.0 + (unit_v + 2.0) / (expected + 2.0));
            }
            let share = |n: f64| if unit.persons > 0.0 { 100.0 * n / unit.persons } else { 0.0 };
            let f = if recommended > 0.0 { decided / recommended } else { 0.5 };
            let follow_up = 100.0 * (unit.decided + 4.0 * f) / (unit.recommended + 4.0);
            let index =
                0.6 * indicators / 4.0 + 0.1 * share(unit.signed) + 0.1 * share(unit.attended) + 0.2 * follow_up;
            let ranked = unit.persons >= 100.0 && expected_total >= 1.0;
            out.insert(key.clone(), (index, ranked));
        }
        out
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_index_on_the_demo_data_matches_an_independent_computation_and_resists_single_cases() {
        let app = full_demo().await;
        let (token, _) = app.session_for("bawaslu.ri").await;
        let cookie = session_cookie(&token);
        let db = app.app._dir.path().join("netra.sqlite");
        for level in ["instansi", "wilayah"] {
            let reply = app
                .request("GET", &format!("/api/v1/indeks?pemilihan=pilkada-2024&tingkat={level}"), Some(&cookie), &[])
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            let json: Value = serde_json::from_str(&reply.body).unwrap();
            let units = json["units"].as_array().unwrap();
            let expected = recompute(&db, level == "instansi").await;
            assert_eq!(units.len(), expected.len(), "{level}: the same units");
            for unit in units {
                let key = unit["key"].as_str().unwrap();
                let (index, ranked) = expected[key];
                let got = unit["index"].as_f64().unwrap();
                assert!((got - index).abs() < 1e-9, "{level} {key}: Netra {got}, recomputed {index}");
                assert_eq!(unit["rank"].is_number(), ranked, "{level} {key}: ranked or not");
            }
            // Ranks follow the index, best first.
            let ranked: Vec<&Value> = units.iter().filter(|u| u["rank"].is_number()).collect();
            assert!(ranked.len() >= 5, "{level}: the demo ranks enough units to compare ({})", ranked.len());
            for pair in ranked.windows(2) {
                assert!(pair[0]["index"].as_f64() >= pair[1]["index"].as_f64());
                assert_eq!(pair[0]["rank"].as_u64().unwrap() + 1, pair[1]["rank"].as_u64().unwrap());
            }
            // A unit with one substantiated case is neither first nor last, and the demo has such units.
            let single: Vec<&str> =
                ranked.iter().filter(|u| u["cases"].as_u64() == Some(1)).map(|u| u["name"].as_str().unwrap()).collect();
            assert!(!single.is_empty(), "{level}: the demo has a ranked unit with exactly one case");
            for end in [ranked[0], ranked[ranked.len() - 1]] {
                assert_ne!(end["cases"].as_u64(), Some(1), "{level}: {} is at an end with one case", end["name"]);
            }
        }
        // The page shows the same table, and the method page is public.
        let page = app.request("GET", "/indeks?tingkat=wilayah", Some(&cookie), &[]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("<svg") && page.body.contains("Kabupaten Bandung"), "{}", page.body);
        let method = app.request("GET", "/indeks/metode", None, &[]).await;
        assert_eq!(method.status, StatusCode::OK);
        assert!(method.body.contains("A = 2") && method.body.contains("D-SOC-CAMPAIGN"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn dashboards_count_the_cases_in_the_viewers_scope_and_draw_accessible_charts() {
        let app = full_demo().await;
        let store = app.store().clone();
        let everything = store.case_facts(&netra_core::access::CaseScope::All, None).await.unwrap();
        let in_bandung = everything.iter().filter(|f| f.regency_code.as_deref() == Some("32.04")).count();
        assert!(in_bandung > 0 && in_bandung < everything.len());

        let (token, _) = app.session_for("bawaslu.kabbandung").await;
        let page = app.request("GET", "/dasbor", Some(&session_cookie(&token)), &[]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains(&format!("<dt>Jumlah kasus</dt><dd>{in_bandung}</dd>")),
            "Kabupaten Bandung sees its {in_bandung} cases: {}",
            page.body
        );
        assert!(page.body.matches("<svg").count() >= 6, "one chart per breakdown");
        assert!(page.body.contains("role=\"img\"") && page.body.contains("<desc id="));
        let (token, _) = app.session_for("bawaslu.ri").await;
        let page = app.request("GET", "/dasbor", Some(&session_cookie(&token)), &[]).await;
        assert!(page.body.contains(&format!("<dt>Jumlah kasus</dt><dd>{}</dd>", everything.len())));
        // The follow-up rate counts decided recommendations among the known outcomes.
        let known: Vec<_> = everything
            .iter()
            .filter_map(|f| netra_core::index::follow_up(f.state, f.recommended_on.is_some(), f.decided_on.is_some()))
            .collect();
        let decided = known.iter().filter(|d| **d).count();
        assert!(decided > 0 && decided < known.len(), "some PPKs decide, some do not");
        assert!(page.body.contains(&format!("({decided} dari {})", known.len())), "{}", page.body);
        // The PDF report has the same figures and charts, as text a reader extracts.
        let pdf = app.request("GET", "/dasbor.pdf", Some(&session_cookie(&token)), &[]).await;
        assert_eq!(pdf.status, StatusCode::OK);
        assert_eq!(pdf.headers["content-type"], "application/pdf");
        let text = pdf_text(&pdf.bytes);
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for needle in [
            format!("Jumlah kasus : {}", everything.len()),
            "Kasus per status".to_string(),
            "Jenis pelanggaran terbanyak".to_string(),
            "Kabupaten Bandung".to_string(),
            format!("({decided} dari {})", known.len()),
        ] {
            assert!(flat.contains(&needle), "{needle:?} not in the dashboard PDF:\n{text}");
        }
        // ASN self-service and the custodian have no dashboard.
        let (token, _) = app.session_for("asn.demo").await;
        let refused = app.request("GET", "/dasbor", Some(&session_cookie(&token)), &[]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
    }
}
