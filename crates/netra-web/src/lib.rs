//! Netra's web layer: public pages, the JSON API and (in later layers) staff pages.
//!
//! Handlers only translate between HTTP and the domain: rules live in `netra-core`, data access behind the
//! `netra-store` traits. Pages are server-rendered askama templates in Bahasa Indonesia with English as the
//! second locale (`?lang=en`); no JavaScript is needed.

// The OpenAPI document is one `json!` literal; its nesting needs more than the default 128.
#![recursion_limit = "512"]

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::{MethodRouter, get, post};
use netra_core::catalogue::Catalogue;
use netra_store::Store;
use netra_store::casework::Vault;
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;

mod admin;
mod api;
pub mod auth;
mod bundle;
mod cases;
mod dashboard;
mod export;
mod letters;
pub mod openapi;

pub use cases::candidate_set;
mod pacts;
mod pages;
mod patrol;
pub mod registry;
pub mod report;
mod sessions;
pub mod staff;
mod transparency;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub catalogue: &'static Catalogue,
    /// The current time; a function so that tests can fix it.
    pub now: fn() -> time::OffsetDateTime,
    /// Netra is reached over HTTPS (directly or behind a TLS proxy): cookies get the `Secure` attribute.
    pub secure_cookies: bool,
    /// Evidence files, the seal key and the receipt salt.
    pub vault: Arc<Vault>,
    /// The ASN registry's match index, rebuilt in the background after imports.
    pub registry: Arc<registry::RegistryMatcher>,
    /// The address the public reaches Netra at (for QR codes); the request's host when absent.
    pub public_url: Option<String>,
}

impl AppState {
    /// State over a store with the embedded catalogue and the system clock.
    pub fn new(store: Arc<dyn Store>, vault: Vault) -> AppState {
        AppState {
            store,
            catalogue: netra_core::builtin::catalogue(),
            now: time::OffsetDateTime::now_utc,
            secure_cookies: false,
            vault: Arc::new(vault),
            registry: Arc::new(registry::RegistryMatcher::new()),
            public_url: None,
        }
    }
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Anyone.
    Public,
    /// Sign-in and its steps (the session may be incomplete).
    SignIn,
    /// Signed-in staff; covered by the role × route × jurisdiction matrix test.
    Staff,
}

/// One registered route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteInfo {
    pub method: &'static str,
    pub path: &'static str,
    pub audience: Audience,
}

/// Builds the router and the table of its routes together, so the table cannot drift from the router.
struct Routes {
    router: Router<AppState>,
    table: Vec<RouteInfo>,
}

impl Routes {
    fn add(
        mut self,
        method: &'static str,
        path: &'static str,
        audience: Audience,
        handler: MethodRouter<AppState>,
    ) -> Routes {
        self.table.push(RouteInfo { method, path, audience });
        self.router = self.router.route(path, handler);
        self
    }
}

fn routes() -> Routes {
    use Audience::{Public, SignIn, Staff};
    Routes { router: Router::new(), table: Vec::new() }
        .add("GET", "/", Public, get(pages::home))
        .add("GET", "/katalog", Public, get(pages::catalogue))
        .add("GET", "/static/netra.css", Public, get(pages::stylesheet))
        .add("GET", "/healthz", Public, get(api::health))
        .add("GET", "/api/v1/regions", Public, get(api::regions))
        .add("GET", "/api/v1/catalogue", Public, get(api::catalogue))
        .add("GET", "/api/openapi.json", Public, get(openapi::serve))
        .add("POST", "/api/v1/reports", Public, post(report::api_submit))
        .add("GET", "/api/v1/reports/status", Public, get(report::api_status))
        .add("POST", "/api/v1/reports/messages", Public, post(report::api_reply))
        .add("POST", "/api/v1/reports/evidence", Public, post(report::api_evidence).layer(upload_limit()))
        .add("GET", "/lapor", Public, get(report::form))
        .add("POST", "/lapor", Public, post(report::submit).layer(upload_limit()))
        .add("GET", "/lapor/status", Public, get(report::status_form_page))
        .add("GET", "/boleh-atau-tidak", Public, get(pacts::self_check))
        .add("GET", "/transparansi", Public, get(transparency::page))
        .add("GET", "/indeks/metode", Public, get(dashboard::method_page))
        .add("GET", "/hadir/{token}", Public, get(sessions::checkin_page))
        .add("POST", "/hadir/{token}", Public, post(sessions::checkin))
        .add("POST", "/hadir/{token}/kuis", Public, post(sessions::answer))
        .add("GET", "/pakta/tandatangani", Public, get(pacts::sign_page))
        .add("POST", "/pakta/tandatangani", Public, post(pacts::sign_submit))
        .add("GET", "/pakta/kunci.json", Public, get(pacts::public_keys))
        .add("GET", "/verifikasi", Public, get(pacts::verify_page))
        .add("GET", "/verifikasi/{code}", Public, get(pacts::verify_result))
        .add("GET", "/verifikasi/{code}/berkas", Public, get(pacts::download))
        .add("POST", "/verifikasi/{code}/periksa", Public, post(letters::check_upload).layer(letter_check_limit()))
        .add("GET", "/pakta", Staff, get(pacts::staff_page))
        .add("GET", "/pakta/cakupan", Staff, get(pacts::coverage))
        .add("GET", "/sosialisasi", Staff, get(sessions::list))
        .add("POST", "/sosialisasi", Staff, post(sessions::create))
        .add("GET", "/sosialisasi/{id}", Staff, get(sessions::show))
        .add("POST", "/sosialisasi/{id}/daftar-hadir", Staff, post(sessions::import))
        .add("POST", "/pakta/kode", Staff, post(pacts::issue_code))
        .add("POST", "/pakta/daftar-hadir", Staff, post(pacts::sign_attendance))
        .add("POST", "/pakta/teks", Staff, post(pacts::revise_text))
        .add("POST", "/lapor/status", Public, post(report::status_submit))
        .add("GET", "/bahasa", Public, get(staff::language))
        .add("GET", "/masuk", SignIn, get(staff::login_form))
        .add("POST", "/masuk", SignIn, post(staff::login_submit))
        .add("GET", "/masuk/totp", SignIn, get(staff::totp_form))
        .add("POST", "/masuk/totp", SignIn, post(staff::totp_submit))
        .add("POST", "/keluar", Staff, post(staff::logout))
        .add("GET", "/akun/sandi", Staff, get(staff::password_form))
        .add("POST", "/akun/sandi", Staff, post(staff::password_submit))
        .add("GET", "/akun/totp", Staff, get(staff::enrol_form))
        .add("POST", "/akun/totp", Staff, post(staff::enrol_submit))
        .add("GET", "/staf", Staff, get(staff::home))
        .add("GET", "/admin/kantor", Staff, get(admin::offices))
        .add("POST", "/admin/kantor", Staff, post(admin::office_create))
        .add("GET", "/admin/kantor/{id}", Staff, get(admin::office_show))
        .add("POST", "/admin/kantor/{id}", Staff, post(admin::office_update))
        .add("GET", "/admin/pengguna", Staff, get(admin::users))
        .add("POST", "/admin/pengguna", Staff, post(admin::user_create))
        .add("GET", "/admin/pengguna/{id}", Staff, get(admin::user_show))
        .add("POST", "/admin/pengguna/{id}", Staff, post(admin::user_update))
        .add("POST", "/admin/pengguna/{id}/reset-sandi", Staff, post(admin::user_reset_password))
        .add("POST", "/admin/pengguna/{id}/cabut-sesi", Staff, post(admin::user_revoke_sessions))
        .add("POST", "/admin/pengguna/{id}/reset-totp", Staff, post(admin::user_reset_totp))
        .add("GET", "/admin/instansi", Staff, get(admin::agencies))
        .add("POST", "/admin/instansi", Staff, post(admin::agency_create))
        .add("GET", "/admin/instansi/{id}", Staff, get(admin::agency_show))
        .add("POST", "/admin/instansi/{id}", Staff, post(admin::agency_update))
        .add("POST", "/admin/instansi/{id}/unit", Staff, post(admin::unit_create))
        .add("GET", "/admin/instansi/{id}/unit/{unit}/hapus", Staff, get(admin::unit_delete_confirm))
        .add("POST", "/admin/instansi/{id}/unit/{unit}/hapus", Staff, post(admin::unit_delete))
        .add("GET", "/admin/pemilihan", Staff, get(admin::elections))
        .add("GET", "/admin/pemilihan/{id}", Staff, get(admin::election_show))
        .add("POST", "/admin/pemilihan/{id}/tahapan/{stage}", Staff, post(admin::stage_update))
        .add("GET", "/paslon", Staff, get(admin::pairs))
        .add("POST", "/paslon", Staff, post(admin::pair_create))
        .add("GET", "/paslon/{id}", Staff, get(admin::pair_show))
        .add("POST", "/paslon/{id}", Staff, post(admin::pair_update))
        .add("POST", "/paslon/{id}/hapus", Staff, post(admin::pair_delete))
        .add("GET", "/dasbor", Staff, get(dashboard::dashboard))
        .add("GET", "/dasbor.pdf", Staff, get(dashboard::dashboard_pdf))
        .add("GET", "/indeks", Staff, get(dashboard::index_page))
        .add("GET", "/api/v1/indeks", Staff, get(dashboard::index_json))
        .add("GET", "/kasus", Staff, get(cases::list))
        .add("GET", "/kasus/ekspor", Staff, get(export::export))
        .add("GET", "/kasus/baru", Staff, get(cases::intake_form))
        .add("POST", "/kasus/baru", Staff, post(cases::intake_submit).layer(upload_limit()))
        .add("GET", "/kasus/{id}", Staff, get(cases::show))
        .add("POST", "/kasus/{id}/tindakan", Staff, post(cases::act))
        .add("POST", "/kasus/{id}/fakta", Staff, post(cases::update_facts))
        .add("POST", "/kasus/{id}/terlapor", Staff, post(cases::confirm_person))
        .add("POST", "/kasus/{id}/pesan", Staff, post(cases::ask))
        .add("POST", "/kasus/{id}/gabung", Staff, post(cases::merge))
        .add("POST", "/kasus/{id}/bukti", Staff, post(cases::upload_evidence).layer(upload_limit()))
        .add("GET", "/kasus/{id}/bukti/{evidence}", Staff, get(cases::download_evidence))
        .add("POST", "/kasus/{id}/surat", Staff, post(letters::issue))
        .add("GET", "/kasus/{id}/berkas.zip", Staff, get(bundle::download))
        .add("GET", "/kasus/{id}/surat/{letter}", Staff, get(letters::download))
        .add("POST", "/kasus/{id}/laporan/{report}/buka", Staff, post(cases::unseal))
        .add("GET", "/patroli", Staff, get(patrol::home))
        .add("POST", "/patroli", Staff, post(patrol::upload).layer(batch_limit()))
        .add("GET", "/patroli/batch/{id}", Staff, get(patrol::batch))
        .add("GET", "/patroli/antrian", Staff, get(patrol::queue))
        .add("GET", "/patroli/unggahan/{id}", Staff, get(patrol::post))
        .add("POST", "/patroli/unggahan/{id}/temuan", Staff, post(patrol::open_finding))
        .add("POST", "/patroli/unggahan/{id}/abaikan", Staff, post(patrol::dismiss))
        .add("GET", "/patroli/akun", Staff, get(patrol::accounts))
        .add("POST", "/patroli/akun", Staff, post(patrol::import_accounts).layer(batch_limit()))
        .add("GET", "/kotak-masuk", Staff, get(cases::inbox))
        .add("POST", "/kotak-masuk/dibaca", Staff, post(cases::inbox_read))
        .add("GET", "/audit", Staff, get(admin::audit_recent))
        .add("GET", "/audit/{kind}/{id}", Staff, get(admin::audit_object))
        .add("GET", "/api/v1/candidate-pairs", Staff, get(admin::api_pairs))
        .add("GET", "/api/v1/audit/{kind}/{id}", Staff, get(admin::api_audit))
}

/// Largest body of an upload request: every file at its limit plus the form fields.
pub const UPLOAD_BODY_LIMIT: usize =
    netra_store::evidence::MAX_FILES * netra_store::evidence::MAX_FILE_BYTES as usize + 1024 * 1024;
/// Largest body of any other request.
pub const BODY_LIMIT: usize = 64 * 1024;
/// Time allowed for an ordinary request, and for an upload (slow connections).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(15 * 60);

fn upload_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)
}

fn letter_check_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(11 * 1024 * 1024)
}

fn batch_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(patrol::BATCH_BODY_LIMIT)
}

/// Ends requests that take too long: uploads (multipart) get longer, for reporters on slow connections.
async fn timeout(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    let upload = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let limit = if upload { UPLOAD_TIMEOUT } else { REQUEST_TIMEOUT };
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => axum::http::StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}

/// Every route of the application, for tests and documentation.
pub fn route_table() -> Vec<RouteInfo> {
    routes().table
}

/// The full router with its middleware.
pub fn router(state: AppState) -> Router {
    let secure = state.secure_cookies;
    let security_headers = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        // Same-origin: browsers then send the `Origin` of same-origin form posts (the CSRF guard checks it) while no
        // address ever leaves for another site. `no-referrer` would make every post `Origin: null`.
        (header::REFERRER_POLICY, "same-origin"),
        (HeaderName::from_static("permissions-policy"), "geolocation=(), camera=(), microphone=()"),
    ];
    let mut router = routes()
        .router
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::csrf_guard))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
        .layer(axum::middleware::from_fn(timeout))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(UPLOAD_BODY_LIMIT))
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .layer(tower_http::trace::TraceLayer::new_for_http());
    for (name, value) in security_headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)));
    }
    if secure {
        // Reached over HTTPS: browsers keep to it for a year.
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        ));
    }
    router
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
