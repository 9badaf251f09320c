//! Sessions, sign-in, second factor, password change and CSRF protection.
//!
//! - The session cookie carries a random token; the database keeps only its SHA-256 (`user_session`).
//!   Cookies are `HttpOnly`, `SameSite=Lax`, `Path=/`, and `Secure` when Netra is served over TLS
//!   ([`AppState::secure_cookies`]).
//! - Every state-changing request passes [`csrf_guard`]: a cross-site `Sec-Fetch-Site` or a foreign `Origin` is
//!   refused, and the request must carry the session's CSRF token (form field `csrf` or header
//!   `X-CSRF-Token`); without a session, the token must match the `netra_csrf` cookie (double submit).
//! - Sign-in is throttled per account and per client address (failures in a sliding window).

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use netra_core::Locale;
use netra_store::access::Principal;
use netra_store::accounts::SessionRecord;
use time::Duration;

use crate::AppState;

pub const SESSION_COOKIE: &str = "netra_sesi";
pub const CSRF_COOKIE: &str = "netra_csrf";
pub const LANG_COOKIE: &str = "netra_bahasa";
/// A session ends after this long without use.
pub const IDLE_TIMEOUT: Duration = Duration::hours(2);
/// A session ends this long after sign-in, however active.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// Window of the sign-in throttle.
pub const THROTTLE_WINDOW: Duration = Duration::minutes(15);
/// Failed attempts per account within the window before further attempts are refused.
pub const MAX_FAILURES_PER_ACCOUNT: u64 = 5;
/// Failed attempts per client address within the window.
pub const MAX_FAILURES_PER_ADDRESS: u64 = 20;

/// A cookie's value from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| cookie::Cookie::split_parse(value.to_string()))
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// A `Set-Cookie` value with Netra's attributes.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: Option<Duration>) -> String {
    let mut builder = cookie::Cookie::build((name.to_string(), value.to_string()))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .secure(state.secure_cookies);
    if let Some(age) = max_age {
        builder = builder.max_age(cookie::time::Duration::seconds(age.whole_seconds()));
    }
    builder.build().to_string()
}

/// The client's address (for throttling), when the server recorded it.
pub fn client_address(parts_extensions: &axum::http::Extensions) -> String {
    parts_extensions
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map_or_else(|| "unknown".to_string(), |ConnectInfo(addr)| addr.ip().to_string())
}

/// The reader's language: `?lang=` first, then the language cookie.
pub fn locale(parts: &Parts) -> Locale {
    locale_of(&parts.headers, parts.uri.query())
}

/// The reader's language from headers and query string.
pub fn locale_of(headers: &HeaderMap, query: Option<&str>) -> Locale {
    let query_lang = query.and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix("lang="))).map(Locale::from_tag);
    query_lang.or_else(|| cookie(headers, LANG_COOKIE).map(|tag| Locale::from_tag(&tag))).unwrap_or_default()
}

/// A loaded, unexpired session and its user.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub session: SessionRecord,
    pub principal: Principal,
    pub locale: Locale,
}

async fn load_session(state: &AppState, parts: &Parts) -> Result<Option<SessionUser>, Response> {
    let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else { return Ok(None) };
    let hash = netra_store::auth::token_hash(&token);
    let session = state.store.session(&hash).await.map_err(crate::staff::internal)?;
    let Some(session) = session else { return Ok(None) };
    let now = (state.now)();
    if session.expires_at <= now || session.created_at + ABSOLUTE_TIMEOUT <= now {
        state.store.delete_session(&hash).await.map_err(crate::staff::internal)?;
        return Ok(None);
    }
    let Some(principal) =
        Principal::load(state.store.as_ref(), &session.user_id).await.map_err(crate::staff::internal)?
    else {
        return Ok(None);
    };
    // Sliding expiry, written at most once a minute.
    if now - session.last_seen_at > Duration::minutes(1) {
        state.store.touch_session(&hash, now, now + IDLE_TIMEOUT).await.map_err(crate::staff::internal)?;
    }
    Ok(Some(SessionUser { session, principal, locale: locale(parts) }))
}

fn wants_json(parts: &Parts) -> bool {
    parts.uri.path().starts_with("/api/")
}

fn sign_in_first(parts: &Parts) -> Response {
    if wants_json(parts) {
        return (StatusCode::UNAUTHORIZED, axum::Json(serde_json::json!({"error": "sign in first"}))).into_response();
    }
    let next = parts.uri.path_and_query().map_or("/staf", |pq| pq.as_str());
    let next = if parts.method == Method::GET { next } else { "/staf" };
    Redirect::to(&format!("/masuk?lanjut={}", crate::staff::url_encode(next))).into_response()
}

/// A signed-in user who may still owe the second factor or a password change (the pages that settle those).
#[derive(Debug, Clone)]
pub struct PartialStaff(pub SessionUser);

impl FromRequestParts<AppState> for PartialStaff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match load_session(state, parts).await? {
            Some(user) => Ok(PartialStaff(user)),
            None => Err(sign_in_first(parts)),
        }
    }
}

/// A fully signed-in user: second factor given, no pending password change.
#[derive(Debug, Clone)]
pub struct Staff(pub SessionUser);

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(user) = load_session(state, parts).await? else { return Err(sign_in_first(parts)) };
        if wants_json(parts) && (!user.session.second_factor || user.principal.user.must_change_password) {
            return Err(StatusCode::UNAUTHORIZED.into_response());
        }
        if !user.session.second_factor {
            let target = if user.principal.user.totp_secret.is_some() { "/masuk/totp" } else { "/akun/totp" };
            return Err(Redirect::to(target).into_response());
        }
        if user.principal.user.must_change_password {
            return Err(Redirect::to("/akun/sandi").into_response());
        }
        Ok(Staff(user))
    }
}

fn forbidden(message_id: &str) -> Response {
    (StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], message_id.to_string())
        .into_response()
}

/// The CSRF token a multipart form must carry in its `csrf` field, passed by [`csrf_guard`] to the upload
/// handlers (the guard cannot buffer uploads to read the field itself).
#[derive(Debug, Clone)]
pub struct CsrfExpected(pub Option<String>);

/// Refuses cross-site and token-less state-changing requests.
pub async fn csrf_guard(state: axum::extract::State<AppState>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let headers = request.headers();
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return forbidden("Permintaan lintas situs ditolak. / Cross-site request refused.");
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
        let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
        // A browser sends `Origin: null` for a page with a strict referrer policy (an old tab, a saved page);
        // it is accepted only when the browser itself vouches that the request is same-origin.
        let same_origin_fetch = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("same-origin");
        let refused = if origin == "null" { !same_origin_fetch } else { origin_host != host };
        if refused {
            return forbidden("Permintaan dari situs lain ditolak. / Request from another origin refused.");
        }
    }
    // The public reporting API authenticates with receipts, not cookies: a forged cross-site request gains
    // nothing a direct request would not, and the receipt header cannot be set by a cross-site form.
    if request.uri().path().starts_with("/api/v1/reports") {
        return next.run(request).await;
    }
    let expected = match cookie(headers, SESSION_COOKIE) {
        Some(token) => match state.store.session(&netra_store::auth::token_hash(&token)).await {
            Ok(Some(session)) => Some(session.csrf_token),
            Ok(None) => cookie(headers, CSRF_COOKIE),
            Err(error) => return crate::staff::internal(error),
        },
        None => cookie(headers, CSRF_COOKIE),
    };
    let header_token = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).map(String::from);
    let multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if multipart && header_token.is_none() {
        // An upload is too large to buffer here: the handler checks the form's `csrf` field against this value
        // (only multipart handlers read multipart bodies; every other handler rejects them unread).
        let mut request = request;
        request.extensions_mut().insert(CsrfExpected(expected));
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, 256 * 1024).await {
        Ok(bytes) => bytes,
        Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "Isian terlalu besar. / Request too large.").into_response(),
    };
    let form_token =
        || form_urlencoded_pairs(&bytes).into_iter().find(|(key, _)| key == "csrf").map(|(_, value)| value);
    let given = header_token.or_else(form_token);
    let valid = matches!((&expected, &given), (Some(expected), Some(given)) if !expected.is_empty() && constant_eq(expected, given));
    if !valid {
        return forbidden(
            "Token keamanan formulir tidak cocok atau sudah kedaluwarsa. Muat ulang halaman lalu coba lagi. / \
             The form's security token is missing or expired: reload the page and try again.",
        );
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// The refusal for a multipart form whose `csrf` field does not match the token the guard passed along
/// ([`CsrfExpected`]); `None` when it matches.
pub(crate) fn upload_token_refusal(expected: Option<&str>, given: &str) -> Option<Response> {
    match expected {
        Some(expected) if !expected.is_empty() && constant_eq(expected, given) => None,
        _ => Some(
            (
                StatusCode::FORBIDDEN,
                "Token keamanan formulir tidak cocok; muat ulang halaman. / Form token mismatch: reload the page.",
            )
                .into_response(),
        ),
    }
}

fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Decodes an `application/x-www-form-urlencoded` body into pairs.
pub fn form_urlencoded_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes).unwrap_or_default()
}

/// Creates a session for a user who gave the right password; returns the `Set-Cookie` value.
pub async fn start_session(state: &AppState, principal: &Principal) -> Result<String, Response> {
    let now = (state.now)();
    let token = netra_store::auth::new_token();
    let user = &principal.user;
    let session = SessionRecord {
        token_hash: netra_store::auth::token_hash(&token),
        user_id: user.id.clone(),
        csrf_token: netra_store::auth::new_token(),
        // The second factor is owed by anyone enrolled, and by roles that must enrol.
        second_factor: user.totp_secret.is_none() && !user.role.requires_second_factor(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + IDLE_TIMEOUT,
    };
    state.store.create_session(&session).await.map_err(crate::staff::internal)?;
    Ok(set_cookie(state, SESSION_COOKIE, &token, None))
}

/// Whether sign-in is currently throttled for this account or address; returns minutes to wait.
pub async fn throttled(state: &AppState, username: &str, address: &str) -> Result<Option<i64>, Response> {
    let now = (state.now)().unix_timestamp();
    let since = now - THROTTLE_WINDOW.whole_seconds();
    let store = &state.store;
    let account =
        store.login_failures_since(&format!("user:{username}"), since).await.map_err(crate::staff::internal)?;
    let addr = store.login_failures_since(&format!("addr:{address}"), since).await.map_err(crate::staff::internal)?;
    Ok((account >= MAX_FAILURES_PER_ACCOUNT || addr >= MAX_FAILURES_PER_ADDRESS)
        .then_some(THROTTLE_WINDOW.whole_minutes()))
}

/// Records a failed attempt under the account and the address.
pub async fn record_failure(state: &AppState, username: &str, address: &str) -> Result<(), Response> {
    let now = (state.now)().unix_timestamp();
    let keys = [format!("user:{username}"), format!("addr:{address}")];
    state
        .store
        .record_login_failure(&keys, now, now - 2 * THROTTLE_WINDOW.whole_seconds())
        .await
        .map_err(crate::staff::internal)
}
