//! Public reporting: the report form (`/lapor`), the receipt follow-up (`/lapor/status`), and the JSON API
//! (`/api/v1/reports...`, documented in `/api/openapi.json` by `crate::openapi`).
//!
//! Receipts travel only in request bodies and the `Authorization: Receipt <receipt>` header, never in URLs.
//! A wrong receipt answers like an unknown one and counts against the client address; too many answer 429.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use netra_core::Locale;
use netra_core::region::{RegionCode, RegionLevel};
use netra_store::access::{AccessError, FieldError};
use netra_store::cases::Channel;
use netra_store::casework::{
    self, ReportInput, ReporterDesk, StagedEvidence, Submitted, ValidReport, local_today, validate_report,
};
use netra_store::evidence::{self, MAX_FILE_BYTES, MAX_FILES};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::{CSRF_COOKIE, CsrfExpected, client_address, cookie, locale_of, set_cookie};
use crate::staff::{Field, FieldKind, FormSpec, Section, StaffPage, internal};

/// Failed receipt attempts per client address within the throttle window before further attempts are refused.
pub const MAX_RECEIPT_FAILURES: u64 = 10;

// ----- Multipart uploads -----

/// Text fields and staged files of a multipart request.
pub(crate) struct Upload {
    pub(crate) fields: Vec<(String, String)>,
    pub(crate) files: Vec<StagedEvidence>,
    pub(crate) errors: Vec<FieldError>,
}

impl Upload {
    pub(crate) fn get(&self, name: &str) -> String {
        self.fields.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone()).unwrap_or_default()
    }

    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.fields.iter().filter(|(key, _)| key == name).map(|(_, value)| value.clone()).collect()
    }
}

fn bad_upload(error: impl std::fmt::Display) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"errors": [{"field": "files", "message": format!("Unggahan rusak atau terputus: {error}")}]})),
    )
        .into_response()
}

/// Reads a multipart body: text fields into memory, files streamed into the blob store's staging area (hashed
/// while streaming, type sniffed, metadata read). Staged files are deleted when dropped, so an interrupted or
/// refused upload leaves nothing behind.
pub(crate) async fn read_upload(state: &AppState, mut multipart: Multipart) -> Result<Upload, Response> {
    let mut upload = Upload { fields: Vec::new(), files: Vec::new(), errors: Vec::new() };
    while let Some(mut field) = multipart.next_field().await.map_err(bad_upload)? {
        let name = field.name().unwrap_or_default().to_string();
        match field.file_name().map(str::to_string) {
            Some(file_name) => {
                if file_name.is_empty() {
                    continue; // an empty file input
                }
                let file_name = evidence::clean_file_name(&file_name);
                if upload.files.len() >= MAX_FILES {
                    upload.errors.push(FieldError::new(
                        "files",
                        format!("Paling banyak {MAX_FILES} berkas sekali unggah."),
                        format!("At most {MAX_FILES} files per upload."),
                    ));
                    continue;
                }
                let mut writer = state.vault.blobs.writer(MAX_FILE_BYTES).map_err(internal)?;
                let mut too_large = false;
                while let Some(chunk) = field.chunk().await.map_err(bad_upload)? {
                    if too_large {
                        continue;
                    }
                    if let Err(error) = writer.write(&chunk) {
                        match error {
                            netra_store::blobs::BlobError::TooLarge { .. } => too_large = true,
                            other => return Err(internal(other)),
                        }
                    }
                }
                if too_large {
                    upload.errors.push(FieldError::new(
                        "files",
                        format!("Berkas \"{file_name}\" lebih dari {} MB.", MAX_FILE_BYTES / 1024 / 1024),
                        format!("File \"{file_name}\" is larger than {} MB.", MAX_FILE_BYTES / 1024 / 1024),
                    ));
                    continue;
                }
                let blob = writer.finish().map_err(internal)?;
                let Some(content_type) = evidence::sniff(&blob.head) else {
                    upload.errors.push(evidence::unsupported("files", &file_name));
                    continue;
                };
                let metadata = evidence::extract_metadata(blob.path(), content_type);
                upload.files.push(StagedEvidence { blob, file_name, content_type, metadata });
            }
            None => {
                let value = field.text().await.map_err(bad_upload)?;
                upload.fields.push((name, value));
            }
        }
    }
    Ok(upload)
}

/// Reads a multipart form posted from one of Netra's pages: its CSRF token travels in the form's `csrf` field,
/// checked against the value the CSRF guard passed along (it cannot buffer an upload itself).
pub(crate) async fn read_form_upload(state: &AppState, request: Request) -> Result<Upload, Response> {
    let expected = request.extensions().get::<CsrfExpected>().cloned().and_then(|e| e.0);
    let multipart = Multipart::from_request(request, state).await.map_err(IntoResponse::into_response)?;
    let upload = read_upload(state, multipart).await?;
    if let Some(refusal) = crate::auth::upload_token_refusal(expected.as_deref(), &upload.get("csrf")) {
        return Err(refusal);
    }
    Ok(upload)
}

// ----- Receipts -----

/// The receipt of an `Authorization: Receipt <receipt>` header.
fn receipt_header(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, receipt) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("receipt").then(|| receipt.trim().to_string())
}

enum ReceiptCheck {
    Open(Box<ReporterDesk>),
    Wrong,
    Throttled(i64),
}

/// Opens a receipt, counting failures per client address.
async fn check_receipt(state: &AppState, receipt: &str, address: &str) -> Result<ReceiptCheck, Response> {
    let now = (state.now)().unix_timestamp();
    let window = crate::auth::THROTTLE_WINDOW.whole_seconds();
    let key = format!("receipt:{address}");
    let failures = state.store.login_failures_since(&key, now - window).await.map_err(internal)?;
    if failures >= MAX_RECEIPT_FAILURES {
        return Ok(ReceiptCheck::Throttled(crate::auth::THROTTLE_WINDOW.whole_minutes()));
    }
    match ReporterDesk::open(&state.store, &state.vault.receipt_salt, receipt).await.map_err(internal)? {
        Some(desk) => Ok(ReceiptCheck::Open(Box::new(desk))),
        None => {
            state.store.record_login_failure(&[key], now, now - 2 * window).await.map_err(internal)?;
            Ok(ReceiptCheck::Wrong)
        }
    }
}

fn api_errors(status: StatusCode, errors: &[FieldError], locale: Locale) -> Response {
    let list: Vec<Value> =
        errors.iter().map(|e| json!({"field": e.field, "message": locale.pick(&e.id, &e.en)})).collect();
    (status, Json(json!({ "errors": list }))).into_response()
}

fn api_access_error(error: AccessError, locale: Locale) -> Response {
    match error {
        AccessError::Invalid(errors) => api_errors(StatusCode::UNPROCESSABLE_ENTITY, &errors, locale),
        AccessError::Conflict(what) => {
            (StatusCode::CONFLICT, Json(json!({"errors": [{"field": "", "message": what}]}))).into_response()
        }
        AccessError::NotFound => StatusCode::NOT_FOUND.into_response(),
        AccessError::Denied => StatusCode::FORBIDDEN.into_response(),
        AccessError::Store(error) => internal(error),
    }
}

fn unauthorized(throttled: Option<i64>) -> Response {
    match throttled {
        Some(minutes) => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, (minutes * 60).to_string())],
            Json(json!({"errors": [{"field": "receipt", "message": "Terlalu banyak percobaan; coba lagi nanti."}]})),
        )
            .into_response(),
        None => (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Receipt")],
            Json(json!({"errors": [{"field": "receipt", "message": "Tanda terima tidak dikenal."}]})),
        )
            .into_response(),
    }
}

// ----- JSON API -----

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ApiPerson {
    name: String,
    position: Option<String>,
    agency: Option<String>,
    nip: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ApiReporter {
    mode: String,
    name: Option<String>,
    contact: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ApiReport {
    description: String,
    occurred_on: String,
    known_on: String,
    region_code: String,
    place: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    reported_person: ApiPerson,
    links: Vec<String>,
    reporter: ApiReporter,
}

impl From<ApiReport> for ReportInput {
    fn from(api: ApiReport) -> ReportInput {
        ReportInput {
            description: api.description,
            occurred_on: api.occurred_on,
            known_on: api.known_on,
            region_code: api.region_code,
            place: api.place.unwrap_or_default(),
            latitude: api.latitude.map(|v| v.to_string()).unwrap_or_default(),
            longitude: api.longitude.map(|v| v.to_string()).unwrap_or_default(),
            person_name: api.reported_person.name,
            person_position: api.reported_person.position.unwrap_or_default(),
            person_agency: api.reported_person.agency.unwrap_or_default(),
            person_nip: api.reported_person.nip.unwrap_or_default(),
            links: api.links,
            mode: api.reporter.mode,
            reporter_name: api.reporter.name.unwrap_or_default(),
            reporter_contact: api.reporter.contact.unwrap_or_default(),
        }
    }
}

pub(crate) fn today_wib(state: &AppState) -> time::Date {
    local_today(&RegionCode::province(31), (state.now)())
}

/// `POST /api/v1/reports`: files a report; 201 with the receipt.
pub async fn api_submit(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let locale = locale_of(&headers, None);
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_json {
        return (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Json(json!({"errors": [{"field": "", "message": "Kirim JSON (Content-Type: application/json)."}]})),
        )
            .into_response();
    }
    let api: ApiReport = match serde_json::from_slice(&body) {
        Ok(api) => api,
        Err(error) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"errors": [{"field": "", "message": format!("JSON tidak valid: {error}")}]})),
            )
                .into_response();
        }
    };
    let report = match validate_report(state.store.as_ref(), &api.into(), today_wib(&state)).await {
        Ok(report) => report,
        Err(errors) => return api_errors(StatusCode::UNPROCESSABLE_ENTITY, &errors, locale),
    };
    match casework::submit_public_report(
        state.store.as_ref(),
        &state.vault,
        report,
        Channel::Api,
        Vec::new(),
        (state.now)(),
    )
    .await
    {
        Ok(submitted) => (
            StatusCode::CREATED,
            [(header::CACHE_CONTROL, "no-store")],
            Json(json!({
                "receipt": submitted.receipt,
                "case_number": submitted.case_number,
                "status": "/api/v1/reports/status",
                "evidence": "/api/v1/reports/evidence",
            })),
        )
            .into_response(),
        Err(error) => api_access_error(error, locale),
    }
}

async fn api_desk(
    state: &AppState,
    headers: &HeaderMap,
    request_extensions: &axum::http::Extensions,
) -> Result<Box<ReporterDesk>, Response> {
    let Some(receipt) = receipt_header(headers) else { return Err(unauthorized(None)) };
    match check_receipt(state, &receipt, &client_address(request_extensions)).await? {
        ReceiptCheck::Open(desk) => Ok(desk),
        ReceiptCheck::Wrong => Err(unauthorized(None)),
        ReceiptCheck::Throttled(minutes) => Err(unauthorized(Some(minutes))),
    }
}

fn status_json(status: &casework::PublicStatus) -> Value {
    json!({
        "case_number": status.case_number,
        "state": status.state.as_str(),
        "status": status.state.public_status(Locale::Id),
        "status_en": status.state.public_status(Locale::En),
        "received_on": status.received_on.to_string(),
        "updated_at": status.updated_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "evidence_count": status.evidence_count,
        "messages": status.messages.iter().map(|m| json!({
            "from": if m.from_reporter { "reporter" } else { "staff" },
            "body": m.body,
            "at": m.at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        })).collect::<Vec<_>>(),
    })
}

/// `GET /api/v1/reports/status` with `Authorization: Receipt …`.
pub async fn api_status(State(state): State<AppState>, request: Request) -> Response {
    let desk = match api_desk(&state, request.headers(), request.extensions()).await {
        Ok(desk) => desk,
        Err(response) => return response,
    };
    match desk.status().await {
        Ok(status) => ([(header::CACHE_CONTROL, "no-store")], Json(status_json(&status))).into_response(),
        Err(error) => internal(error),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ApiMessage {
    body: String,
}

/// `POST /api/v1/reports/messages`: the reporter answers a question or adds information.
pub async fn api_reply(State(state): State<AppState>, request: Request) -> Response {
    let locale = locale_of(request.headers(), None);
    let desk = match api_desk(&state, request.headers(), request.extensions()).await {
        Ok(desk) => desk,
        Err(response) => return response,
    };
    let body = match Bytes::from_request(request, &state).await {
        Ok(body) => body,
        Err(rejection) => return rejection.into_response(),
    };
    let message: ApiMessage = match serde_json::from_slice(&body) {
        Ok(message) => message,
        Err(error) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"errors": [{"field": "", "message": format!("JSON tidak valid: {error}")}]})),
            )
                .into_response();
        }
    };
    match desk.reply(&message.body, (state.now)()).await {
        Ok(()) => (StatusCode::CREATED, Json(json!({"ok": true}))).into_response(),
        Err(error) => api_access_error(error, locale),
    }
}

/// `POST /api/v1/reports/evidence`: multipart files (field `files`) for the report of the receipt.
pub async fn api_evidence(State(state): State<AppState>, request: Request) -> Response {
    let locale = locale_of(request.headers(), None);
    let desk = match api_desk(&state, request.headers(), request.extensions()).await {
        Ok(desk) => desk,
        Err(response) => return response,
    };
    let multipart = match Multipart::from_request(request, &state).await {
        Ok(multipart) => multipart,
        Err(rejection) => return rejection.into_response(),
    };
    let upload = match read_upload(&state, multipart).await {
        Ok(upload) => upload,
        Err(response) => return response,
    };
    if !upload.errors.is_empty() {
        return api_errors(StatusCode::UNPROCESSABLE_ENTITY, &upload.errors, locale);
    }
    if upload.files.is_empty() {
        let error = FieldError::new("files", "Tidak ada berkas.", "No file was sent.");
        return api_errors(StatusCode::UNPROCESSABLE_ENTITY, &[error], locale);
    }
    let listed: Vec<Value> = upload
        .files
        .iter()
        .map(|f| json!({"sha256": f.blob.sha256, "content_type": f.content_type, "size": f.blob.size, "name": f.file_name}))
        .collect();
    match desk.add_evidence(&state.vault, upload.files, (state.now)()).await {
        Ok(()) => (StatusCode::CREATED, Json(json!({ "files": listed }))).into_response(),
        Err(error) => api_access_error(error, locale),
    }
}

// ----- The web form -----

#[derive(Debug, Default, Deserialize)]
pub struct RegionPick {
    #[serde(default)]
    wilayah: Option<String>,
}

pub(crate) fn csrf_for(headers: &HeaderMap) -> String {
    cookie(headers, CSRF_COOKIE).unwrap_or_else(netra_store::auth::new_token)
}

pub(crate) fn with_csrf_cookie(state: &AppState, csrf: &str, mut response: Response) -> Response {
    if let Ok(value) = set_cookie(state, CSRF_COOKIE, csrf, None).parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The options of the region select: the regencies of a province, or a regency and its districts.
async fn region_options(state: &AppState, chosen: Option<RegionCode>, locale: Locale) -> Vec<(String, String)> {
    let mut options = vec![(String::new(), locale.pick("— pilih —", "— choose —").to_string())];
    let Some(code) = chosen else { return options };
    let (parent, include_parent) = match code.level() {
        RegionLevel::Province => (code, false),
        _ => (code.regency_code().unwrap_or(code), true),
    };
    if include_parent && let Ok(Some(region)) = state.store.region(parent).await {
        options.push((
            parent.to_string(),
            format!("{} ({})", region.name, locale.pick("seluruh kab/kota", "whole regency")),
        ));
    }
    if let Ok(children) = state.store.region_children(Some(parent)).await {
        options.extend(children.into_iter().map(|r| (r.code.to_string(), format!("{} · {}", r.code, r.name))));
    }
    options
}

async fn report_page(
    state: &AppState,
    locale: Locale,
    csrf: &str,
    chosen: Option<RegionCode>,
    values: &(dyn Fn(&str) -> String + Sync),
) -> StaffPage {
    let l = locale;
    let provinces: Vec<(String, String)> =
        std::iter::once((String::new(), l.pick("— provinsi —", "— province —").to_string()))
            .chain(
                state
                    .store
                    .region_children(None)
                    .await
                    .unwrap_or_default()
                    .into_iter()
                    .map(|r| (r.code.to_string(), r.name)),
            )
            .collect();
    let mut picker_options = provinces;
    if let Some(code) = chosen
        && let Ok(regencies) = state.store.region_children(Some(code.province_code())).await
    {
        picker_options.extend(regencies.into_iter().map(|r| (r.code.to_string(), format!("· {}", r.name))));
    }
    let region_value = {
        let v = values("region_code");
        if v.is_empty() { chosen.map(|c| c.to_string()).unwrap_or_default() } else { v }
    };
    let mode_options = vec![
        ("anonymous".to_string(), l.pick("Anonim: tanpa nama", "Anonymous: no name").to_string()),
        (
            "confidential".to_string(),
            l.pick(
                "Rahasia: identitas disegel, hanya kustodian yang dapat membuka",
                "Confidential: identity sealed, only the custodian can open it",
            )
            .to_string(),
        ),
        (
            "open".to_string(),
            l.pick("Terbuka: identitas dapat dilihat petugas", "Open: staff can see your identity").to_string(),
        ),
    ];
    let picker = FormSpec::new(
        "/lapor",
        l.pick("Tampilkan wilayah", "Show regions"),
        vec![Field::new(
            "wilayah",
            l.pick("Provinsi atau kabupaten/kota", "Province or regency/city"),
            FieldKind::Select(picker_options),
            chosen.map(|c| c.to_string()).unwrap_or_default(),
        )],
    )
    .get();
    let mode = {
        let m = values("reporter.mode");
        if m.is_empty() { "anonymous".to_string() } else { m }
    };
    let form = FormSpec::new(
        "/lapor",
        l.pick("Kirim laporan", "Send report"),
        vec![
            Field::new(
                "description",
                l.pick("Apa yang terjadi?", "What happened?"),
                FieldKind::Textarea,
                values("description"),
            )
            .help(
                l.pick("Siapa berbuat apa, di mana, untuk calon siapa.", "Who did what, where, for which candidate."),
            ),
            Field::new(
                "occurred_on",
                l.pick("Tanggal kejadian", "Date of the act"),
                FieldKind::Date,
                values("occurred_on"),
            ),
            Field::new(
                "known_on",
                l.pick("Tanggal Anda mengetahuinya", "Date you learned of it"),
                FieldKind::Date,
                values("known_on"),
            )
            .help(l.pick(
                "Laporan harus masuk paling lambat 7 hari setelah tanggal ini.",
                "Reports must arrive within 7 days of this date.",
            )),
            Field::new(
                "region_code",
                l.pick("Kabupaten/kota atau kecamatan", "Regency/city or district"),
                FieldKind::Select(region_options(state, chosen, l).await),
                region_value,
            )
            .help(l.pick(
                "Pilih provinsi/kabupaten di atas bila daftar kosong.",
                "Choose the province/regency above if the list is empty.",
            )),
            Field::new(
                "place",
                l.pick("Tempat (alamat, gedung, atau platform)", "Place (address, building or platform)"),
                FieldKind::Text,
                values("place"),
            ),
            Field::new(
                "latitude",
                l.pick("Titik lokasi: lintang (boleh kosong)", "Location: latitude (optional)"),
                FieldKind::Text,
                values("latitude"),
            )
            .help(l.pick("Mis. -7.0251 (dari peta di ponsel Anda)", "E.g. -7.0251 (from your phone's map)")),
            Field::new(
                "longitude",
                l.pick("Titik lokasi: bujur (boleh kosong)", "Location: longitude (optional)"),
                FieldKind::Text,
                values("longitude"),
            )
            .help(l.pick("Mis. 107.5199", "E.g. 107.5199")),
            Field::new(
                "reported_person.name",
                l.pick("Nama terlapor", "Name of the person reported"),
                FieldKind::Text,
                values("reported_person.name"),
            ),
            Field::new(
                "reported_person.position",
                l.pick("Jabatan (bila tahu)", "Position (if known)"),
                FieldKind::Text,
                values("reported_person.position"),
            ),
            Field::new(
                "reported_person.agency",
                l.pick("Instansi (bila tahu)", "Agency (if known)"),
                FieldKind::Text,
                values("reported_person.agency"),
            ),
            Field::new(
                "reported_person.nip",
                l.pick("NIP (boleh kosong)", "NIP (optional)"),
                FieldKind::Text,
                values("reported_person.nip"),
            ),
            Field::new(
                "links",
                l.pick("Tautan unggahan media sosial (satu per baris)", "Links to social-media posts (one per line)"),
                FieldKind::Textarea,
                values("links"),
            ),
            Field::new(
                "files",
                l.pick(
                    "Bukti: foto, video, audio, PDF (maks. 10 berkas, 20 MB per berkas)",
                    "Evidence: photos, video, audio, PDF (max. 10 files, 20 MB each)",
                ),
                FieldKind::File,
                "",
            ),
            Field::new(
                "reporter.mode",
                l.pick("Identitas Anda", "Your identity"),
                FieldKind::Select(mode_options),
                mode,
            ),
            Field::new(
                "reporter.name",
                l.pick("Nama Anda (untuk rahasia/terbuka)", "Your name (confidential/open)"),
                FieldKind::Text,
                values("reporter.name"),
            ),
            Field::new(
                "reporter.contact",
                l.pick("Telepon atau surel (untuk rahasia/terbuka)", "Phone or e-mail (confidential/open)"),
                FieldKind::Text,
                values("reporter.contact"),
            ),
        ],
    )
    .multipart();
    StaffPage::anonymous(l, "/lapor", csrf, l.pick("Laporkan pelanggaran netralitas ASN", "Report an ASN neutrality violation"))
        .lead(l.pick(
            "Anda akan menerima tanda terima untuk mengikuti perkembangan laporan dan menjawab pertanyaan petugas, tanpa akun. Simpan baik-baik: tanda terima hanya ditampilkan sekali.",
            "You will get a receipt to follow your report and answer staff questions without an account. Keep it safe: it is shown only once.",
        ))
        .section(Section::Form(picker))
        .section(Section::Form(form))
}

/// `GET /lapor`: the report form.
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Query(pick): Query<RegionPick>,
) -> Response {
    let locale = locale_of(&headers, uri.query());
    let csrf = csrf_for(&headers);
    let chosen = pick.wilayah.as_deref().and_then(|w| RegionCode::parse(w.trim()).ok());
    let page = report_page(&state, locale, &csrf, chosen, &|_| String::new()).await;
    with_csrf_cookie(&state, &csrf, page.render(StatusCode::OK))
}

pub(crate) fn upload_to_input(upload: &Upload) -> ReportInput {
    ReportInput {
        description: upload.get("description"),
        occurred_on: upload.get("occurred_on"),
        known_on: upload.get("known_on"),
        region_code: upload.get("region_code"),
        place: upload.get("place"),
        latitude: upload.get("latitude"),
        longitude: upload.get("longitude"),
        person_name: upload.get("reported_person.name"),
        person_position: upload.get("reported_person.position"),
        person_agency: upload.get("reported_person.agency"),
        person_nip: upload.get("reported_person.nip"),
        links: upload.all("links").iter().flat_map(|v| v.lines().map(str::to_string).collect::<Vec<_>>()).collect(),
        mode: upload.get("reporter.mode"),
        reporter_name: upload.get("reporter.name"),
        reporter_contact: upload.get("reporter.contact"),
    }
}

fn receipt_page(locale: Locale, csrf: &str, submitted: &Submitted) -> Response {
    let l = locale;
    let receipt = submitted.receipt.clone().unwrap_or_default();
    StaffPage::anonymous(l, "/lapor", csrf, l.pick("Laporan diterima", "Report received"))
        .lead(l.pick(
            "Catat atau foto tanda terima ini sekarang. Netra tidak menyimpannya dan tidak dapat menampilkannya lagi.",
            "Write down or photograph this receipt now. Netra does not keep it and cannot show it again.",
        ))
        .section(Section::Facts(vec![
            (l.pick("Tanda terima", "Receipt").to_string(), receipt),
            (l.pick("Nomor kasus", "Case number").to_string(), submitted.case_number.clone()),
        ]))
        .section(Section::Links(vec![(
            "/lapor/status".into(),
            l.pick("Ikuti laporan", "Follow your report").into(),
            l.pick(
                "Masukkan tanda terima untuk melihat status dan pertanyaan petugas.",
                "Enter the receipt to see the status and staff questions.",
            )
            .into(),
        )]))
        .render(StatusCode::CREATED)
}

/// `POST /lapor`: files the report from the form (multipart, with evidence).
pub async fn submit(State(state): State<AppState>, request: Request) -> Response {
    let headers = request.headers().clone();
    let locale = locale_of(&headers, None);
    let upload = match read_form_upload(&state, request).await {
        Ok(upload) => upload,
        Err(response) => return response,
    };
    let csrf = upload.get("csrf");
    let input = upload_to_input(&upload);
    let validated: Result<ValidReport, Vec<FieldError>> =
        validate_report(state.store.as_ref(), &input, today_wib(&state)).await;
    let mut errors = upload.errors.clone();
    let report = match validated {
        Ok(report) if errors.is_empty() => report,
        Ok(_) => return refill(&state, locale, &csrf, &upload, errors).await,
        Err(mut more) => {
            errors.append(&mut more);
            return refill(&state, locale, &csrf, &upload, errors).await;
        }
    };
    match casework::submit_public_report(
        state.store.as_ref(),
        &state.vault,
        report,
        Channel::Web,
        upload.files,
        (state.now)(),
    )
    .await
    {
        Ok(submitted) => receipt_page(locale, &csrf, &submitted),
        Err(AccessError::Invalid(errors)) => {
            let empty = Upload { fields: upload.fields.clone(), files: Vec::new(), errors: Vec::new() };
            refill(&state, locale, &csrf, &empty, errors).await
        }
        Err(other) => api_access_error(other, locale),
    }
}

async fn refill(state: &AppState, locale: Locale, csrf: &str, upload: &Upload, errors: Vec<FieldError>) -> Response {
    let chosen = RegionCode::parse(upload.get("region_code").trim()).ok();
    let values = |name: &str| if name == "links" { upload.all("links").join("\n") } else { upload.get(name) };
    let mut page = report_page(state, locale, csrf, chosen, &values).await;
    if let Some(Section::Form(form)) = page.sections.get(1).cloned() {
        let (form, unplaced) = form.with_errors(&errors, locale);
        page.sections[1] = Section::Form(form);
        let lead = locale.pick(
            "Periksa isian yang ditandai. Berkas bukti perlu dipilih ulang.",
            "Check the marked fields. Evidence files must be chosen again.",
        );
        page.error =
            Some(if unplaced.is_empty() { lead.to_string() } else { format!("{lead} {}", unplaced.join(" ")) });
    }
    page.render(StatusCode::UNPROCESSABLE_ENTITY)
}

// ----- Follow-up with the receipt -----

fn status_form(l: Locale) -> FormSpec {
    FormSpec::new(
        "/lapor/status",
        l.pick("Lihat status", "Show status"),
        vec![Field::new("receipt", l.pick("Tanda terima", "Receipt"), FieldKind::Password, "").autocomplete("off")],
    )
}

/// `GET /lapor/status`: asks for the receipt.
pub async fn status_form_page(State(state): State<AppState>, headers: HeaderMap, uri: axum::http::Uri) -> Response {
    let locale = locale_of(&headers, uri.query());
    let csrf = csrf_for(&headers);
    let page = StaffPage::anonymous(locale, "/lapor/status", &csrf, locale.pick("Ikuti laporan", "Follow your report"))
        .section(Section::Form(status_form(locale)));
    with_csrf_cookie(&state, &csrf, page.render(StatusCode::OK))
}

#[derive(Debug, Default, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    receipt: String,
    #[serde(default)]
    reply: String,
    #[serde(default)]
    csrf: String,
}

/// `POST /lapor/status`: shows the status for a receipt, and sends a reply when one is given.
pub async fn status_submit(State(state): State<AppState>, request: Request) -> Response {
    let headers = request.headers().clone();
    let locale = locale_of(&headers, None);
    let l = locale;
    let address = client_address(request.extensions());
    let form: axum::Form<StatusForm> = match axum::Form::from_request(request, &state).await {
        Ok(form) => form,
        Err(rejection) => return rejection.into_response(),
    };
    let form = form.0;
    let csrf = form.csrf.clone();
    let desk = match check_receipt(&state, &form.receipt, &address).await {
        Ok(ReceiptCheck::Open(desk)) => desk,
        Ok(ReceiptCheck::Wrong) => {
            let mut page =
                StaffPage::anonymous(l, "/lapor/status", &csrf, l.pick("Ikuti laporan", "Follow your report"))
                    .section(Section::Form(status_form(l)));
            page.error = Some(l.pick("Tanda terima tidak dikenal.", "Unknown receipt.").into());
            return page.render(StatusCode::UNAUTHORIZED);
        }
        Ok(ReceiptCheck::Throttled(minutes)) => {
            let mut page =
                StaffPage::anonymous(l, "/lapor/status", &csrf, l.pick("Ikuti laporan", "Follow your report"));
            page.error = Some(match l {
                Locale::Id => format!("Terlalu banyak percobaan. Coba lagi dalam {minutes} menit."),
                Locale::En => format!("Too many attempts. Try again in {minutes} minutes."),
            });
            let mut response = page.render(StatusCode::TOO_MANY_REQUESTS);
            if let Ok(value) = (minutes * 60).to_string().parse() {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return response;
        }
        Err(response) => return response,
    };
    let mut notice = None;
    let mut error = None;
    if !form.reply.trim().is_empty() {
        match desk.reply(&form.reply, (state.now)()).await {
            Ok(()) => notice = Some(l.pick("Balasan terkirim.", "Reply sent.").to_string()),
            Err(AccessError::Invalid(errors)) => error = errors.first().map(|e| l.pick(&e.id, &e.en).to_string()),
            Err(other) => return api_access_error(other, l),
        }
    }
    let status = match desk.status().await {
        Ok(status) => status,
        Err(e) => return internal(e),
    };
    let mut page = StaffPage::anonymous(l, "/lapor/status", &csrf, l.pick("Status laporan", "Report status"))
        .section(Section::Facts(vec![
            (l.pick("Nomor kasus", "Case number").into(), status.case_number.clone()),
            (l.pick("Status", "Status").into(), status.state.public_status(l).into()),
            (l.pick("Diterima", "Received").into(), status.received_on.to_string()),
            (l.pick("Berkas bukti", "Evidence files").into(), status.evidence_count.to_string()),
        ]))
        .section(Section::Table(crate::staff::Table {
            caption: l.pick("Pesan", "Messages").into(),
            headers: vec![l.pick("Dari", "From").into(), l.pick("Waktu", "Time").into(), l.pick("Isi", "Text").into()],
            rows: status
                .messages
                .iter()
                .map(|m| {
                    vec![
                        crate::staff::Cell::text(if m.from_reporter {
                            l.pick("Anda", "You")
                        } else {
                            l.pick("Petugas", "Staff")
                        }),
                        crate::staff::Cell::text(m.at.date().to_string()),
                        crate::staff::Cell::text(m.body.clone()),
                    ]
                })
                .collect(),
            empty: l.pick("Belum ada pesan.", "No messages yet.").into(),
        }))
        .section(Section::Form(FormSpec::new(
            "/lapor/status",
            l.pick("Kirim balasan", "Send reply"),
            vec![
                Field::new("receipt", "", FieldKind::Hidden, form.receipt.clone()),
                Field::new(
                    "reply",
                    l.pick("Balasan atau informasi tambahan", "Reply or more information"),
                    FieldKind::Textarea,
                    "",
                ),
            ],
        )));
    page.notice = notice;
    page.error = error;
    page.render(StatusCode::OK)
}

// ----- OpenAPI -----
