//! Staff pages: the page model shared by every staff screen (one accessible template, `staff.html`), sign-in
//! and account pages, the role landing page, reference-data administration and the audit trail.
//!
//! Handlers only translate HTTP to calls on the capability-scoped handles of `netra_store::access`; whether the
//! user may act, and on which objects, is decided there.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use netra_core::Locale;
use netra_core::access::Permission;
use netra_core::role::Role;
use netra_store::access::{AccessError, FieldError};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{PartialStaff, SessionUser, Staff};

/// A cell of a table, optionally a link.
#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), href: None }
    }
    pub fn link(text: impl Into<String>, href: impl Into<String>) -> Cell {
        Cell { text: text.into(), href: Some(href.into()) }
    }
}

#[derive(Debug, Clone)]
pub struct Table {
    pub caption: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub empty: String,
}

#[derive(Debug, Clone)]
pub enum FieldKind {
    Text,
    Password,
    Date,
    Hidden,
    Checkbox,
    Textarea,
    Select(Vec<(String, String)>),
    /// Evidence files (several allowed); the form must be [`FormSpec::multipart`].
    File,
    /// One data file (CSV or JSONL); the form must be [`FormSpec::multipart`].
    DataFile,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: &'static str,
    pub label: String,
    pub kind: FieldKind,
    pub value: String,
    pub error: Option<String>,
    pub help: Option<String>,
    pub autocomplete: Option<&'static str>,
}

impl Field {
    pub fn new(name: &'static str, label: impl Into<String>, kind: FieldKind, value: impl Into<String>) -> Field {
        Field { name, label: label.into(), kind, value: value.into(), error: None, help: None, autocomplete: None }
    }

    pub fn help(mut self, help: impl Into<String>) -> Field {
        self.help = Some(help.into());
        self
    }

    pub fn autocomplete(mut self, value: &'static str) -> Field {
        self.autocomplete = Some(value);
        self
    }

    pub fn input_type(&self) -> &'static str {
        match self.kind {
            FieldKind::Password => "password",
            FieldKind::Date => "date",
            _ => "text",
        }
    }
}

#[derive(Debug, Clone)]
pub struct FormSpec {
    pub heading: Option<String>,
    pub action: String,
    pub submit: String,
    pub fields: Vec<Field>,
    pub danger: bool,
    /// Sent as `multipart/form-data` (file uploads).
    pub multipart: bool,
    /// Sent with GET (a filter or picker that changes nothing).
    pub get: bool,
}

impl FormSpec {
    pub fn new(action: impl Into<String>, submit: impl Into<String>, fields: Vec<Field>) -> FormSpec {
        FormSpec {
            heading: None,
            action: action.into(),
            submit: submit.into(),
            fields,
            danger: false,
            multipart: false,
            get: false,
        }
    }

    pub fn heading(mut self, heading: impl Into<String>) -> FormSpec {
        self.heading = Some(heading.into());
        self
    }

    pub fn danger(mut self) -> FormSpec {
        self.danger = true;
        self
    }

    pub fn multipart(mut self) -> FormSpec {
        self.multipart = true;
        self
    }

    pub fn get(mut self) -> FormSpec {
        self.get = true;
        self
    }

    /// Puts each error beside its field; errors for fields the form lacks are returned.
    pub fn with_errors(mut self, errors: &[FieldError], locale: Locale) -> (FormSpec, Vec<String>) {
        let mut unplaced = Vec::new();
        for error in errors {
            let text = locale.pick(&error.id, &error.en).to_string();
            match self.fields.iter_mut().find(|field| field.name == error.field) {
                Some(field) => field.error = Some(text),
                None => unplaced.push(text),
            }
        }
        (self, unplaced)
    }
}

#[derive(Debug, Clone)]
pub enum Section {
    Heading(String),
    Text(String),
    Facts(Vec<(String, String)>),
    Links(Vec<(String, String, String)>),
    Table(Table),
    Form(FormSpec),
    /// A row of links (tabs, paging); the flag marks the current one.
    Nav(Vec<(String, String, bool)>),
    /// Text with highlighted parts (the flag marks a highlight), e.g. the phrases that triggered a suggestion.
    Marked(Vec<(String, bool)>),
    /// An SVG image Netra drew itself (a QR code), with its text alternative. Never user input.
    Image {
        svg: String,
        alt: String,
    },
    /// A chart Netra drew (`netra_letters::chart`): its title shown above it, the SVG (which carries the title
    /// and the text alternative for assistive technology), and a caption.
    Chart {
        title: String,
        svg: String,
        caption: String,
    },
}

#[derive(Template, Debug)]
#[template(path = "staff.html")]
pub struct StaffPage {
    pub lang: &'static str,
    pub en: bool,
    pub path: String,
    pub user: Option<String>,
    pub csrf: String,
    pub nav: Vec<(String, String)>,
    pub title: String,
    pub lead: Option<String>,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub sections: Vec<Section>,
}

impl StaffPage {
    /// A page for a signed-in user, with the navigation their permissions allow.
    pub fn for_user(user: &SessionUser, path: &str, title: impl Into<String>) -> StaffPage {
        let l = user.locale;
        let role = user.principal.role();
        let mut nav = vec![("/staf".to_string(), l.pick("Beranda staf", "Staff home").to_string())];
        if role.can(Permission::HandleCases) {
            nav.push(("/kasus".into(), l.pick("Kasus", "Cases").into()));
            nav.push(("/kotak-masuk".into(), l.pick("Kotak masuk", "Inbox").into()));
        }
        if role.can(Permission::ViewStatistics) {
            nav.push(("/dasbor".into(), l.pick("Dasbor", "Dashboard").into()));
            nav.push(("/indeks".into(), l.pick("Indeks netralitas", "Neutrality index").into()));
        }
        if role.can(Permission::Patrol) {
            nav.push(("/patroli".into(), l.pick("Patroli siber", "Cyber patrol").into()));
        }
        if role.can(Permission::ViewCandidates) {
            nav.push(("/paslon".into(), l.pick("Pasangan calon", "Candidate pairs").into()));
        }
        if role.can(Permission::ManagePacts) || role.can(Permission::SignPacts) {
            nav.push(("/pakta".into(), l.pick("Pakta integritas", "Integrity pacts").into()));
            nav.push(("/sosialisasi".into(), l.pick("Sosialisasi", "Briefings").into()));
        }
        if role.can(Permission::ManageUsers) {
            nav.push(("/admin/pengguna".into(), l.pick("Pengguna", "Users").into()));
        }
        if role.can(Permission::ManageAgencies) {
            nav.push(("/admin/instansi".into(), l.pick("Instansi", "Agencies").into()));
        }
        if role.can(Permission::ManageOffices) {
            nav.push(("/admin/kantor".into(), l.pick("Kantor", "Offices").into()));
        }
        if role.can(Permission::ManageElections) {
            nav.push(("/admin/pemilihan".into(), l.pick("Pemilihan", "Elections").into()));
        }
        if role.can(Permission::ViewAudit) {
            nav.push(("/audit".into(), l.pick("Jejak audit", "Audit trail").into()));
        }
        nav.push(("/akun/sandi".into(), l.pick("Akun", "Account").into()));
        StaffPage {
            lang: l.tag(),
            en: l == Locale::En,
            path: url_encode(path),
            user: Some(format!("{} ({})", user.principal.user.display_name, role.name(l))),
            csrf: user.session.csrf_token.clone(),
            nav,
            title: title.into(),
            lead: None,
            notice: None,
            error: None,
            sections: Vec::new(),
        }
    }

    /// A page for someone not signed in (sign-in form).
    pub fn anonymous(locale: Locale, path: &str, csrf: &str, title: impl Into<String>) -> StaffPage {
        StaffPage {
            lang: locale.tag(),
            en: locale == Locale::En,
            path: url_encode(path),
            user: None,
            csrf: csrf.to_string(),
            nav: vec![
                ("/".into(), locale.pick("Beranda", "Home").into()),
                ("/katalog".into(), locale.pick("Katalog pelanggaran", "Prohibited acts").into()),
                ("/boleh-atau-tidak".into(), locale.pick("Boleh atau tidak?", "Allowed or not?").into()),
                ("/verifikasi".into(), locale.pick("Verifikasi pakta & surat", "Verify a pact or letter").into()),
                ("/transparansi".into(), locale.pick("Transparansi", "Transparency").into()),
            ],
            title: title.into(),
            lead: None,
            notice: None,
            error: None,
            sections: Vec::new(),
        }
    }

    pub fn lead(mut self, text: impl Into<String>) -> StaffPage {
        self.lead = Some(text.into());
        self
    }

    pub fn section(mut self, section: Section) -> StaffPage {
        self.sections.push(section);
        self
    }

    pub fn notice_from(mut self, query: &NoticeQuery, locale: Locale) -> StaffPage {
        self.notice = query.ok.as_deref().map(|what| notice_text(what, locale));
        self
    }

    pub fn render(&self, status: StatusCode) -> Response {
        match Template::render(self) {
            Ok(body) => (status, [(header::CACHE_CONTROL, "no-store")], Html(body)).into_response(),
            Err(error) => internal(error),
        }
    }
}

fn notice_text(what: &str, l: Locale) -> String {
    match what {
        "dibuat" => l.pick("Tersimpan: data baru dibuat.", "Saved: created."),
        "dihapus" => l.pick("Data dihapus.", "Deleted."),
        "sandi" => l.pick(
            "Kata sandi disetel ulang; pengguna wajib menggantinya saat masuk.",
            "Password reset; the user must change it at sign-in.",
        ),
        "sesi" => l.pick("Semua sesi pengguna dicabut.", "All of the user's sessions were revoked."),
        "totp" => l.pick(
            "Faktor kedua direset; pengguna mendaftar ulang saat masuk.",
            "Second factor reset; the user enrols again at sign-in.",
        ),
        _ => l.pick("Perubahan tersimpan.", "Changes saved."),
    }
    .to_string()
}

/// `?ok=` after a redirect.
#[derive(Debug, Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    pub ok: Option<String>,
}

/// Percent-encodes a string for a query parameter.
pub fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Logs an unexpected error and answers 500 without details.
pub fn internal(error: impl std::fmt::Display) -> Response {
    tracing::error!(%error, "request failed");
    (StatusCode::INTERNAL_SERVER_ERROR, "Terjadi kesalahan di server. / Internal error.").into_response()
}

/// The page for a refused or unknown object: never any data.
pub fn refusal(user: &SessionUser, path: &str, error: &AccessError) -> Response {
    let l = user.locale;
    let (status, title, text) = match error {
        AccessError::Denied => (
            StatusCode::FORBIDDEN,
            l.pick("Tidak diizinkan", "Not permitted"),
            l.pick(
                "Peran atau wilayah kewenangan Anda tidak mencakup tindakan ini.",
                "Your role or jurisdiction does not cover this action.",
            ),
        ),
        AccessError::NotFound => (
            StatusCode::NOT_FOUND,
            l.pick("Tidak ditemukan", "Not found"),
            l.pick(
                "Data ini tidak ada atau berada di luar wilayah kewenangan Anda.",
                "This does not exist or lies outside your jurisdiction.",
            ),
        ),
        AccessError::Store(error) => return internal(error),
        AccessError::Invalid(_) | AccessError::Conflict(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            l.pick("Isian tidak valid", "Invalid input"),
            l.pick("Periksa kembali isian Anda.", "Check your input."),
        ),
    };
    StaffPage::for_user(user, path, title).section(Section::Text(text.into())).render(status)
}

/// Renders a form page again after a failed submit, errors beside the fields.
pub fn form_failed(
    mut page: StaffPage,
    form_index: usize,
    error: AccessError,
    user: &SessionUser,
    path: &str,
) -> Response {
    let l = user.locale;
    match error {
        AccessError::Invalid(errors) => {
            if let Some(Section::Form(form)) = page.sections.get(form_index).cloned() {
                let (form, unplaced) = form.with_errors(&errors, l);
                page.sections[form_index] = Section::Form(form);
                if !unplaced.is_empty() {
                    page.error = Some(unplaced.join(" "));
                }
            }
            page.error
                .get_or_insert_with(|| l.pick("Periksa isian yang ditandai.", "Check the marked fields.").to_string());
            page.render(StatusCode::UNPROCESSABLE_ENTITY)
        }
        AccessError::Conflict(what) => {
            page.error = Some(format!("{} {what}", l.pick("Tidak dapat disimpan:", "Cannot be saved:")));
            page.render(StatusCode::CONFLICT)
        }
        other => refusal(user, path, &other),
    }
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

pub(crate) fn now(state: &AppState) -> time::OffsetDateTime {
    (state.now)()
}

// ----- Sign-in, second factor, password, language -----

#[derive(Debug, Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default)]
    lanjut: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    lanjut: String,
}

fn login_page(locale: Locale, csrf: &str, username: &str, next: &str, error: Option<String>) -> StaffPage {
    let l = locale;
    let mut page = StaffPage::anonymous(l, "/masuk", csrf, l.pick("Masuk staf", "Staff sign-in"))
        .lead(l.pick(
            "Untuk staf Bawaslu, BKN, PPK, Inspektorat, admin instansi dan ASN.",
            "For staff of Bawaslu, BKN, PPK offices, inspectorates, agency admins and civil servants.",
        ))
        .section(Section::Form(FormSpec::new(
            "/masuk",
            l.pick("Masuk", "Sign in"),
            vec![
                Field::new("username", l.pick("Nama pengguna", "Username"), FieldKind::Text, username)
                    .autocomplete("username"),
                Field::new("password", l.pick("Kata sandi", "Password"), FieldKind::Password, "")
                    .autocomplete("current-password"),
                Field::new("lanjut", "", FieldKind::Hidden, next),
            ],
        )));
    page.error = error;
    page
}

/// Only local paths are followed after sign-in (no open redirect).
fn safe_next(next: &str) -> Option<&str> {
    (next.starts_with('/') && !next.starts_with("//") && !next.contains('\\')).then_some(next)
}

/// Where every role lands after signing in: `/staf` adapts itself to the role.
const LANDING: &str = "/staf";

pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<LoginQuery>,
    uri: axum::http::Uri,
) -> Response {
    let locale = crate::auth::locale_of(&headers, uri.query());
    let csrf = crate::auth::cookie(&headers, crate::auth::CSRF_COOKIE).unwrap_or_else(netra_store::auth::new_token);
    let next = query.lanjut.unwrap_or_default();
    let mut response = login_page(locale, &csrf, "", &next, None).render(StatusCode::OK);
    if let Ok(value) = crate::auth::set_cookie(&state, crate::auth::CSRF_COOKIE, &csrf, None).parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

pub async fn login_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Form(form): Form<LoginForm>,
) -> Response {
    let l = crate::auth::locale_of(&headers, None);
    let csrf = crate::auth::cookie(&headers, crate::auth::CSRF_COOKIE).unwrap_or_default();
    let username = form.username.trim().to_lowercase();
    let address = crate::auth::client_address(&extensions);
    match crate::auth::throttled(&state, &username, &address).await {
        Err(response) => return response,
        Ok(Some(minutes)) => {
            let message = format!(
                "{} {minutes} {}",
                l.pick(
                    "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam",
                    "Too many failed sign-in attempts. Try again in"
                ),
                l.pick("menit.", "minutes.")
            );
            let mut response =
                login_page(l, &csrf, &username, &form.lanjut, Some(message)).render(StatusCode::TOO_MANY_REQUESTS);
            response.headers_mut().insert(
                header::RETRY_AFTER,
                axum::http::HeaderValue::from(crate::auth::THROTTLE_WINDOW.whole_seconds()),
            );
            return response;
        }
        Ok(None) => {}
    }
    let user = match state.store.user_by_username(&username).await {
        Ok(user) => user,
        Err(error) => return internal(error),
    };
    let hash = match &user {
        Some(user) => state.store.password_hash(&user.id).await.ok().flatten(),
        None => None,
    };
    // Verify against a dummy hash for unknown users so that timing does not reveal which names exist.
    let password_ok =
        netra_store::auth::verify_password(&form.password, hash.as_deref().unwrap_or(netra_store::auth::dummy_hash()));
    let user = user.filter(|user| password_ok && hash.is_some() && !user.disabled);
    let principal = match &user {
        Some(user) => netra_store::access::Principal::load(state.store.as_ref(), &user.id).await.ok().flatten(),
        None => None,
    };
    let Some(principal) = principal else {
        if let Err(response) = crate::auth::record_failure(&state, &username, &address).await {
            return response;
        }
        let message = l.pick("Nama pengguna atau kata sandi salah.", "Wrong username or password.").to_string();
        return login_page(l, &csrf, &username, &form.lanjut, Some(message)).render(StatusCode::OK);
    };
    if let Err(error) = state.store.clear_login_failures(&format!("user:{username}")).await {
        return internal(error);
    }
    let cookie = match crate::auth::start_session(&state, &principal).await {
        Ok(cookie) => cookie,
        Err(response) => return response,
    };
    let event = netra_store::AuditRecord {
        action: "session.sign_in".into(),
        object_kind: "user".into(),
        object_id: principal.user.id.clone(),
        region: principal.office.region.map(|c| c.to_string()),
        agency: principal.office.agency.clone(),
        summary: format!("{} masuk", principal.user.username),
        ..Default::default()
    };
    if let Err(error) = state.store.record_event(&principal.audit_context(now(&state)), event).await {
        return internal(error);
    }
    let target = safe_next(&form.lanjut).unwrap_or(LANDING).to_string();
    let mut response = see_other(&target);
    if let Ok(value) = cookie.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

pub async fn logout(State(state): State<AppState>, PartialStaff(user): PartialStaff) -> Response {
    if let Err(error) = state.store.delete_session(&user.session.token_hash).await {
        return internal(error);
    }
    let event = netra_store::AuditRecord {
        action: "session.sign_out".into(),
        object_kind: "user".into(),
        object_id: user.principal.user.id.clone(),
        region: user.principal.office.region.map(|c| c.to_string()),
        agency: user.principal.office.agency.clone(),
        summary: format!("{} keluar", user.principal.user.username),
        ..Default::default()
    };
    if let Err(error) = state.store.record_event(&user.principal.audit_context(now(&state)), event).await {
        return internal(error);
    }
    let mut response = see_other("/masuk");
    if let Ok(value) =
        crate::auth::set_cookie(&state, crate::auth::SESSION_COOKIE, "", Some(time::Duration::ZERO)).parse()
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    secret: String,
}

fn totp_page(user: &SessionUser, error: Option<String>) -> StaffPage {
    let l = user.locale;
    let mut page = StaffPage::for_user(user, "/masuk/totp", l.pick("Kode verifikasi", "Verification code"))
        .lead(l.pick(
            "Masukkan 6 digit kode dari aplikasi autentikator Anda.",
            "Enter the 6-digit code from your authenticator app.",
        ))
        .section(Section::Form(FormSpec::new(
            "/masuk/totp",
            l.pick("Verifikasi", "Verify"),
            vec![Field::new("code", l.pick("Kode", "Code"), FieldKind::Text, "").autocomplete("one-time-code")],
        )));
    page.error = error;
    page
}

pub async fn totp_form(PartialStaff(user): PartialStaff) -> Response {
    if user.session.second_factor {
        return see_other("/staf");
    }
    if user.principal.user.totp_secret.is_none() {
        return see_other("/akun/totp");
    }
    totp_page(&user, None).render(StatusCode::OK)
}

pub async fn totp_submit(
    State(state): State<AppState>,
    PartialStaff(user): PartialStaff,
    extensions: axum::http::Extensions,
    Form(form): Form<CodeForm>,
) -> Response {
    let l = user.locale;
    let username = &user.principal.user.username;
    let address = crate::auth::client_address(&extensions);
    match crate::auth::throttled(&state, username, &address).await {
        Err(response) => return response,
        Ok(Some(_)) => {
            return totp_page(
                &user,
                Some(
                    l.pick("Terlalu banyak percobaan. Coba lagi nanti.", "Too many attempts. Try again later.").into(),
                ),
            )
            .render(StatusCode::TOO_MANY_REQUESTS);
        }
        Ok(None) => {}
    }
    let secret = user.principal.user.totp_secret.as_deref().and_then(netra_core::totp::TotpSecret::from_base32);
    let step = secret.and_then(|secret| secret.matching_step(&form.code, now(&state).unix_timestamp()));
    let Some(step) = step else {
        if let Err(response) = crate::auth::record_failure(&state, username, &address).await {
            return response;
        }
        return totp_page(&user, Some(l.pick("Kode salah atau kedaluwarsa.", "Wrong or expired code.").into()))
            .render(StatusCode::OK);
    };
    // A code works once: one seen (or overheard) at a sign-in cannot open a second session.
    match state.store.complete_second_factor(&user.session.token_hash, &user.principal.user.id, step).await {
        Ok(true) => see_other(LANDING),
        Ok(false) => {
            if let Err(response) = crate::auth::record_failure(&state, username, &address).await {
                return response;
            }
            let used = l.pick(
                "Kode ini sudah dipakai. Tunggu kode berikutnya di aplikasi autentikator.",
                "This code was already used. Wait for the next code in your authenticator app.",
            );
            totp_page(&user, Some(used.into())).render(StatusCode::OK)
        }
        Err(error) => internal(error),
    }
}

fn enrol_page(user: &SessionUser, secret: &str, error: Option<String>) -> StaffPage {
    let l = user.locale;
    let uri = netra_core::totp::TotpSecret::from_base32(secret)
        .map(|s| s.otpauth_uri("Netra", &user.principal.user.username))
        .unwrap_or_default();
    let mut page = StaffPage::for_user(user, "/akun/totp", l.pick("Faktor kedua (TOTP)", "Second factor (TOTP)"))
        .lead(if user.principal.role().requires_second_factor() {
            l.pick("Peran Anda wajib memakai faktor kedua. Tambahkan kunci ini ke aplikasi autentikator, lalu masukkan kodenya.", "Your role must use a second factor. Add this key to an authenticator app, then enter its code.")
        } else {
            l.pick("Opsional: tambahkan kunci ini ke aplikasi autentikator, lalu masukkan kodenya.", "Optional: add this key to an authenticator app, then enter its code.")
        })
        .section(Section::Facts(vec![
            (l.pick("Kunci", "Key").into(), secret.to_string()),
            (l.pick("Tautan aplikasi", "App link").into(), uri),
        ]))
        .section(Section::Form(FormSpec::new(
            "/akun/totp",
            l.pick("Aktifkan", "Enable"),
            vec![
                Field::new("secret", "", FieldKind::Hidden, secret),
                Field::new("code", l.pick("Kode dari aplikasi", "Code from the app"), FieldKind::Text, "").autocomplete("one-time-code"),
            ],
        )));
    page.error = error;
    page
}

pub async fn enrol_form(PartialStaff(user): PartialStaff) -> Response {
    let secret = netra_store::auth::new_totp_secret().to_base32();
    enrol_page(&user, &secret, None).render(StatusCode::OK)
}

pub async fn enrol_submit(
    State(state): State<AppState>,
    PartialStaff(user): PartialStaff,
    Form(form): Form<CodeForm>,
) -> Response {
    let l = user.locale;
    let Some(secret) = netra_core::totp::TotpSecret::from_base32(&form.secret) else {
        return enrol_form(PartialStaff(user)).await;
    };
    let Some(step) = secret.matching_step(&form.code, now(&state).unix_timestamp()) else {
        return enrol_page(
            &user,
            &form.secret,
            Some(
                l.pick(
                    "Kode salah; periksa jam ponsel Anda dan coba lagi.",
                    "Wrong code; check your phone's clock and try again.",
                )
                .into(),
            ),
        )
        .render(StatusCode::UNPROCESSABLE_ENTITY);
    };
    let mut account = user.principal.user.clone();
    account.totp_secret = Some(secret.to_base32());
    let ctx = user.principal.audit_context(now(&state));
    if let Err(error) = state.store.update_user(&ctx, &account).await {
        return internal(error);
    }
    match state.store.complete_second_factor(&user.session.token_hash, &account.id, step).await {
        Ok(true) => see_other(LANDING),
        Ok(false) => enrol_page(
            &user,
            &form.secret,
            Some(l.pick("Tunggu kode berikutnya, lalu coba lagi.", "Wait for the next code, then try again.").into()),
        )
        .render(StatusCode::UNPROCESSABLE_ENTITY),
        Err(error) => internal(error),
    }
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm: String,
}

fn password_page(user: &SessionUser) -> StaffPage {
    let l = user.locale;
    let lead = if user.principal.user.must_change_password {
        l.pick(
            "Kata sandi Anda disetel oleh admin: buat kata sandi baru sebelum melanjutkan.",
            "Your password was set by an admin: choose a new one to continue.",
        )
    } else {
        l.pick("Ganti kata sandi Anda. Sesi lain akan diakhiri.", "Change your password. Other sessions will be ended.")
    };
    StaffPage::for_user(user, "/akun/sandi", l.pick("Kata sandi", "Password")).lead(lead).section(Section::Form(
        FormSpec::new(
            "/akun/sandi",
            l.pick("Simpan kata sandi", "Save password"),
            vec![
                Field::new("current", l.pick("Kata sandi sekarang", "Current password"), FieldKind::Password, "")
                    .autocomplete("current-password"),
                Field::new("new_password", l.pick("Kata sandi baru", "New password"), FieldKind::Password, "")
                    .autocomplete("new-password")
                    .help(l.pick("Minimal 10 karakter.", "At least 10 characters.")),
                Field::new(
                    "confirm",
                    l.pick("Ulangi kata sandi baru", "Repeat the new password"),
                    FieldKind::Password,
                    "",
                )
                .autocomplete("new-password"),
            ],
        ),
    ))
}

pub async fn password_form(PartialStaff(user): PartialStaff) -> Response {
    password_page(&user).render(StatusCode::OK)
}

pub async fn password_submit(
    State(state): State<AppState>,
    PartialStaff(user): PartialStaff,
    Form(form): Form<PasswordForm>,
) -> Response {
    let account = &user.principal.user;
    let mut errors = Vec::new();
    let stored = state.store.password_hash(&account.id).await.ok().flatten().unwrap_or_default();
    if !netra_store::auth::verify_password(&form.current, &stored) {
        errors.push(FieldError::new("current", "Kata sandi sekarang salah.", "The current password is wrong."));
    }
    if let Some((id, en)) = netra_core::access::password_problem(&form.new_password, &account.username) {
        errors.push(FieldError::new("new_password", id, en));
    }
    if form.new_password != form.confirm {
        errors.push(FieldError::new(
            "confirm",
            "Tidak sama dengan kata sandi baru.",
            "Does not match the new password.",
        ));
    }
    if !errors.is_empty() {
        return form_failed(password_page(&user), 0, AccessError::Invalid(errors), &user, "/akun/sandi");
    }
    let hash = netra_store::auth::hash_password(&form.new_password);
    let ctx = user.principal.audit_context(now(&state));
    if let Err(error) = state.store.set_password(&ctx, &account.id, &hash, false, Some(&user.session.token_hash)).await
    {
        return internal(error);
    }
    see_other(&format!("{LANDING}?ok=disimpan"))
}

#[derive(Debug, Deserialize)]
pub struct LanguageQuery {
    #[serde(default)]
    ke: String,
    #[serde(default)]
    kembali: String,
}

/// `GET /bahasa?ke=en&kembali=/path`: remembers the language in a cookie and goes back.
pub async fn language(State(state): State<AppState>, Query(query): Query<LanguageQuery>) -> Response {
    let locale = Locale::from_tag(&query.ke);
    let mut response = see_other(safe_next(&query.kembali).unwrap_or("/"));
    let cookie =
        crate::auth::set_cookie(&state, crate::auth::LANG_COOKIE, locale.tag(), Some(time::Duration::days(365)));
    if let Ok(value) = cookie.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

// ----- Landing page -----

pub async fn home(Staff(user): Staff, Query(notice): Query<NoticeQuery>) -> Response {
    let l = user.locale;
    let principal = &user.principal;
    let role = principal.role();
    let mut page = StaffPage::for_user(&user, "/staf", role.name(l))
        .lead(format!("{}, {}.", l.pick("Selamat datang", "Welcome"), principal.user.display_name))
        .notice_from(&notice, l)
        .section(Section::Facts(vec![
            (l.pick("Peran", "Role").into(), role.name(l).into()),
            (l.pick("Kantor", "Office").into(), principal.office.name.clone()),
            (l.pick("Wilayah kewenangan", "Jurisdiction").into(), principal.jurisdiction.describe(l)),
        ]));
    let duty = match role {
        Role::BawasluKabKota | Role::BawasluProvinsi | Role::BawasluRi => l.pick(
            "Pengawasan: terima dan kaji laporan dugaan pelanggaran netralitas ASN di wilayah Anda, pantau media sosial, dan teruskan rekomendasi ke BKN.",
            "Supervision: receive and study reports of ASN neutrality violations in your region, watch social media, and forward recommendations to BKN.",
        ),
        Role::BknRegional | Role::BknPusat => l.pick(
            "Tindak lanjut: telaah rekomendasi Bawaslu, rekomendasikan sanksi kepada PPK, dan blokir data kepegawaian bila PPK tidak bertindak.",
            "Follow-up: review Bawaslu's recommendations, recommend sanctions to the PPK, and block personnel data when the PPK does not act.",
        ),
        Role::PpkOffice => l.pick(
            "PPK: panggil, periksa dan putuskan sanksi atas ASN instansi Anda dalam batas waktu.",
            "PPK: summon, examine and decide sanctions on your agency's civil servants within the deadlines.",
        ),
        Role::Inspektorat => l.pick("Inspektorat: dukung pemeriksaan ASN instansi Anda.", "Inspectorate: support the examination of your agency's civil servants."),
        Role::AgencyAdmin => l.pick("Admin instansi: kelola akun dan unit kerja instansi Anda.", "Agency admin: manage your agency's accounts and work units."),
        Role::SystemAdmin => l.pick("Admin sistem: kelola kantor, pengguna, instansi, pemilihan dan pasangan calon.", "System admin: manage offices, users, agencies, elections and candidate pairs."),
        Role::Custodian => l.pick(
            "Kustodian: hanya Anda yang dapat membuka identitas pelapor yang disegel, dengan alasan yang dicatat.",
            "Custodian: only you can unseal a sealed reporter identity, with a recorded reason.",
        ),
        Role::AsnSelfService => l.pick(
            "Layanan mandiri ASN: pernyataan netralitas, pakta integritas, dan status laporan yang menyangkut Anda.",
            "Civil-servant self-service: neutrality declarations, integrity pacts, and the status of reports concerning you.",
        ),
    };
    page = page.section(Section::Text(duty.into()));
    let mut links = Vec::new();
    let mut link = |permission: Permission, href: &str, id: &str, en: &str, did: &str, den: &str| {
        if role.can(permission) {
            links.push((href.to_string(), l.pick(id, en).to_string(), l.pick(did, den).to_string()));
        }
    };
    link(
        Permission::HandleCases,
        "/kasus",
        "Kasus",
        "Cases",
        "Daftar kerja: segera jatuh tempo, lewat batas waktu, menunggu kami.",
        "Work list: due soon, overdue, waiting for us.",
    );
    link(
        Permission::HandleCases,
        "/kotak-masuk",
        "Kotak masuk",
        "Inbox",
        "Pelimpahan, balasan pelapor, dan pengingat batas waktu.",
        "Hand-offs, reporters' replies and deadline reminders.",
    );
    link(
        Permission::IntakeCases,
        "/kasus/baru",
        "Catat temuan",
        "Record a finding",
        "Temuan pengawas atau laporan yang diterima langsung.",
        "A supervisor's finding or a report received in person.",
    );
    link(
        Permission::ViewCandidates,
        "/paslon",
        "Pasangan calon",
        "Candidate pairs",
        "Nama, nomor urut, partai, slogan dan tagar.",
        "Names, ballot numbers, parties, slogans and hashtags.",
    );
    link(
        Permission::ManageUsers,
        "/admin/pengguna",
        "Pengguna",
        "Users",
        "Akun, peran, reset kata sandi, cabut sesi.",
        "Accounts, roles, password resets, session revocation.",
    );
    link(
        Permission::ManageAgencies,
        "/admin/instansi",
        "Instansi dan unit",
        "Agencies and units",
        "Instansi pemerintah dan unit kerjanya.",
        "Government agencies and their units.",
    );
    link(
        Permission::ManageOffices,
        "/admin/kantor",
        "Kantor",
        "Offices",
        "Kantor dan wilayah kewenangannya.",
        "Offices and their jurisdictions.",
    );
    link(
        Permission::ManageElections,
        "/admin/pemilihan",
        "Pemilihan",
        "Elections",
        "Tahapan dan jadwal.",
        "Stages and schedules.",
    );
    link(
        Permission::ViewAudit,
        "/audit",
        "Jejak audit",
        "Audit trail",
        "Siapa mengubah apa dan kapan.",
        "Who changed what, and when.",
    );
    links.push((
        "/akun/totp".into(),
        l.pick("Faktor kedua", "Second factor").into(),
        l.pick("Aplikasi autentikator (TOTP).", "Authenticator app (TOTP).").into(),
    ));
    page.section(Section::Links(links)).render(StatusCode::OK)
}
