//! Netra's web layer: public pages, the JSON API and (in later layers) staff pages.
//!
//! Handlers only translate between HTTP and the domain: rules live in `netra-core`, data access behind the
//! `netra-store` traits. Pages are server-rendered askama templates in Bahasa Indonesia with English as the
//! second locale (`?lang=en`); no JavaScript is needed.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::get;
use netra_core::catalogue::Catalogue;
use netra_store::Store;
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;

mod api;
mod pages;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub catalogue: &'static Catalogue,
    /// The current time; a function so that tests can fix it.
    pub now: fn() -> time::OffsetDateTime,
}

impl AppState {
    /// State over a store with the embedded catalogue and the system clock.
    pub fn new(store: Arc<dyn Store>) -> AppState {
        AppState { store, catalogue: netra_core::builtin::catalogue(), now: time::OffsetDateTime::now_utc }
    }
}

/// The full router with its middleware.
pub fn router(state: AppState) -> Router {
    let security_headers = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (HeaderName::from_static("permissions-policy"), "geolocation=(), camera=(), microphone=()"),
    ];
    let mut router = Router::new()
        .route("/", get(pages::home))
        .route("/katalog", get(pages::catalogue))
        .route("/static/netra.css", get(pages::stylesheet))
        .route("/healthz", get(api::health))
        .route("/api/v1/regions", get(api::regions))
        .route("/api/v1/catalogue", get(api::catalogue))
        .fallback(pages::not_found)
        .with_state(state)
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(64 * 1024))
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .layer(tower_http::trace::TraceLayer::new_for_http());
    for (name, value) in security_headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)));
    }
    router
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await
}
