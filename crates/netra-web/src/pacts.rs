//! Prevention pages (issue 7): signing the neutrality pact in person with a one-time code, the public verification
//! of a signed pact by its code (with a QR code and the exported file), the published public keys, and the staff
//! page where agency admins issue codes and sign attendance lists and managers revise the texts.

use axum::Form;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use netra_core::Locale;
use netra_core::access::Permission;
use netra_core::pact::{COVERAGE_THRESHOLD, PactKind, PactText};
use netra_store::access::{AccessError, FieldError};
use netra_store::casework::{self, SignError, Verification};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{SessionUser, Staff, client_address, locale_of};
use crate::patrol::{read_data_upload, upload_file};
use crate::report::{csrf_for, with_csrf_cookie};
use crate::staff::{Cell, Field, FieldKind, FormSpec, Section, StaffPage, Table, internal, now, refusal};

/// Failed signing attempts per client address before a pause (like receipts).
const MAX_SIGN_FAILURES: u64 = 10;

/// Whether a client has failed `max` times within the throttle window under `key`.
pub(crate) async fn throttled(state: &AppState, key: &str, max: u64) -> Result<bool, Response> {
    let at = (state.now)().unix_timestamp();
    let window = crate::auth::THROTTLE_WINDOW.whole_seconds();
    state.store.login_failures_since(key, at - window).await.map(|failures| failures >= max).map_err(internal)
}

/// Counts one failure under `key` (old ones are pruned).
pub(crate) async fn count_failure(state: &AppState, key: &str) -> Result<(), Response> {
    let at = (state.now)().unix_timestamp();
    let window = crate::auth::THROTTLE_WINDOW.whole_seconds();
    state.store.record_login_failure(&[key.to_string()], at, at - 2 * window).await.map_err(internal)
}

/// The lines of an imported list that were not taken, with their reasons.
pub(crate) fn problems_table(
    l: Locale,
    caption: &str,
    empty: &str,
    problems: &[netra_core::patrol::LineProblem],
) -> Section {
    Section::Table(Table {
        caption: caption.into(),
        headers: vec![l.pick("Baris", "Line").into(), l.pick("Alasan", "Reason").into()],
        rows: problems.iter().map(|p| vec![Cell::text(p.line.to_string()), Cell::text(l.pick(&p.id, &p.en))]).collect(),
        empty: empty.into(),
    })
}

fn sign_form(l: Locale, nip: &str) -> FormSpec {
    FormSpec::new(
        "/pakta/tandatangani",
        l.pick("Baca pakta", "Read the pact"),
        vec![
            Field::new("nip", "NIP / NI PPPK", FieldKind::Text, nip).autocomplete("off"),
            Field::new("code", l.pick("Kode sekali pakai", "One-time code"), FieldKind::Text, "")
                .autocomplete("one-time-code")
                .help(l.pick(
                    "Kode dari admin instansi Anda, mis. ABCD-EFGH.",
                    "The code from your agency admin, e.g. ABCD-EFGH.",
                )),
        ],
    )
}

/// `GET /pakta/tandatangani`: the form where a civil servant starts signing.
pub async fn sign_page(State(state): State<AppState>, headers: HeaderMap, uri: axum::http::Uri) -> Response {
    let l = locale_of(&headers, uri.query());
    let csrf = csrf_for(&headers);
    let page = StaffPage::anonymous(l, "/pakta/tandatangani", &csrf, l.pick("Tanda tangani pakta integritas", "Sign the integrity pact"))
        .lead(l.pick(
            "Masukkan NIP Anda dan kode sekali pakai dari admin instansi. Anda akan membaca isi pakta sebelum menandatanganinya.",
            "Enter your NIP and the one-time code from your agency admin. You will read the pact before signing it.",
        ))
        .section(Section::Form(sign_form(l, "")));
    with_csrf_cookie(&state, &csrf, page.render(StatusCode::OK))
}

#[derive(Debug, Default, Deserialize)]
pub struct SignForm {
    #[serde(default)]
    nip: String,
    #[serde(default)]
    code: String,
    /// Set once the signer has read the text and agrees.
    #[serde(default)]
    agree: String,
    #[serde(default)]
    csrf: String,
}

/// `POST /pakta/tandatangani`: shows the text for a valid NIP and code, and signs once the signer agrees.
pub async fn sign_submit(State(state): State<AppState>, request: Request) -> Response {
    let headers = request.headers().clone();
    let l = locale_of(&headers, None);
    let address = client_address(request.extensions());
    let form: Form<SignForm> = match Form::from_request(request, &state).await {
        Ok(form) => form,
        Err(rejection) => return rejection.into_response(),
    };
    let form = form.0;
    let title = l.pick("Tanda tangani pakta integritas", "Sign the integrity pact");
    let at = (state.now)();
    let key = format!("pact:{address}");
    match throttled(&state, &key, MAX_SIGN_FAILURES).await {
        Ok(true) => {
            let mut page = StaffPage::anonymous(l, "/pakta/tandatangani", &form.csrf, title);
            page.error = Some(
                l.pick("Terlalu banyak percobaan. Coba lagi nanti.", "Too many attempts. Try again later.").into(),
            );
            return page.render(StatusCode::TOO_MANY_REQUESTS);
        }
        Ok(false) => {}
        Err(response) => return response,
    }
    let refused = || async {
        if let Err(response) = count_failure(&state, &key).await {
            return response;
        }
        let mut page = StaffPage::anonymous(l, "/pakta/tandatangani", &form.csrf, title)
            .section(Section::Form(sign_form(l, &form.nip)));
        page.error = Some(
            l.pick(
                "NIP dan kode tidak cocok, atau kode sudah dipakai atau kedaluwarsa. Minta kode baru kepada admin instansi.",
                "The NIP and code do not match, or the code was used or has expired. Ask your agency admin for a new code.",
            )
            .into(),
        );
        page.render(StatusCode::UNPROCESSABLE_ENTITY)
    };
    if form.agree != "ya" {
        // First step: show the text the code was issued for, without using the code.
        let preview = match casework::pact_for_code(state.store.as_ref(), &form.nip, &form.code, at).await {
            Ok(Some(preview)) => preview,
            Ok(None) => return refused().await,
            Err(error) => return internal(error),
        };
        let text = &preview.text.text;
        let mut page = StaffPage::anonymous(l, "/pakta/tandatangani", &form.csrf, text.title.clone())
            .lead(format!("{} · NIP {} · {}", preview.person.display_name(), preview.person.nip, preview.person.agency))
            .section(Section::Text(text.opening.clone()));
        for (i, point) in text.points.iter().enumerate() {
            page = page.section(Section::Text(format!("{}. {point}", i + 1)));
        }
        return page
            .section(Section::Text(text.closing.clone()))
            .section(Section::Text(format!(
                "{} {} {} · SHA-256 {}",
                l.pick("Pemilihan", "Election"),
                preview.text.election_id,
                format_args!("{} {}", l.pick("versi", "version"), preview.text.version),
                preview.text.digest
            )))
            .section(Section::Form(FormSpec::new(
                "/pakta/tandatangani",
                l.pick("Saya setuju dan menandatangani", "I agree and sign"),
                vec![
                    Field::new("nip", "", FieldKind::Hidden, form.nip.clone()),
                    Field::new("code", "", FieldKind::Hidden, form.code.clone()),
                    Field::new("agree", "", FieldKind::Hidden, "ya"),
                ],
            )))
            .render(StatusCode::OK);
    }
    match casework::sign_with_code(state.store.as_ref(), &state.vault.pact_keys, &form.nip, &form.code, at).await {
        Ok(signed) => Redirect::to(&format!("/verifikasi/{}?baru=1", signed.pact.code)).into_response(),
        Err(SignError::Refused) => refused().await,
        Err(SignError::Store(error)) => internal(error),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CodeQuery {
    #[serde(default)]
    kode: String,
    #[serde(default)]
    baru: String,
}

/// `GET /verifikasi`: the form (and, with `?kode=`, the way to a result).
pub async fn verify_page(headers: HeaderMap, uri: axum::http::Uri, Query(query): Query<CodeQuery>) -> Response {
    let l = locale_of(&headers, uri.query());
    if let Some(code) = netra_core::pact::normalise_code(&query.kode) {
        return Redirect::to(&format!("/verifikasi/{code}")).into_response();
    }
    let mut page =
        StaffPage::anonymous(l, "/verifikasi", "", l.pick("Verifikasi pakta atau surat", "Verify a pact or a letter"))
            .lead(l.pick(
                "Masukkan kode verifikasi yang tercetak pada pakta atau surat (XXXX-XXXX-XXXX) untuk memeriksa tanda tangannya.",
                "Enter the verification code printed on the pact or letter (XXXX-XXXX-XXXX) to check its signature.",
            ))
            .section(Section::Form(
                FormSpec::new(
                    "/verifikasi",
                    l.pick("Periksa", "Check"),
                    vec![Field::new(
                        "kode",
                        l.pick("Kode verifikasi", "Verification code"),
                        FieldKind::Text,
                        query.kode.clone(),
                    )],
                )
                .get(),
            ));
    if !query.kode.trim().is_empty() {
        page.error = Some(l.pick("Itu bukan kode verifikasi.", "That is not a verification code.").into());
        return page.render(StatusCode::UNPROCESSABLE_ENTITY);
    }
    page.render(StatusCode::OK)
}

/// `GET /verifikasi/{code}`: whether the pact with this code is genuine, what it says, its QR code and file.
pub async fn verify_result(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(code): Path<String>,
    Query(query): Query<CodeQuery>,
) -> Response {
    let l = locale_of(&headers, uri.query());
    let title = l.pick("Verifikasi pakta integritas", "Verify an integrity pact");
    let found = match casework::verify_code(state.store.as_ref(), &code).await {
        Ok(found) => found,
        Err(error) => return internal(error),
    };
    let Some(Verification { signature, text, verdict }) = found else {
        let csrf = crate::report::csrf_for(&headers);
        match crate::letters::verification_page(&state, l, &code, &csrf, None).await {
            Ok(Some(page)) => return crate::report::with_csrf_cookie(&state, &csrf, page),
            Ok(None) => {}
            Err(response) => return response,
        }
        let mut page = StaffPage::anonymous(l, "/verifikasi", "", title);
        page.error = Some(l.pick("Tidak ada pakta dengan kode ini.", "No pact has this code.").into());
        return page.render(StatusCode::NOT_FOUND);
    };
    let d = &signature.pact.document;
    let mut page = StaffPage::anonymous(l, "/verifikasi", "", title);
    match &verdict {
        Ok(()) => {
            page = page.lead(format!(
                "{} {}",
                l.pick(
                    "SAH: tanda tangan Netra atas pakta ini cocok.",
                    "VALID: Netra's signature on this pact matches."
                ),
                signature.pact.code
            ))
        }
        Err(error) => page.error = Some(format!("{} {}", l.pick("TIDAK SAH:", "NOT VALID:"), error.message(l))),
    }
    if query.baru == "1" {
        page.notice = Some(
            l.pick(
                "Pakta Anda telah ditandatangani. Simpan kode verifikasi ini atau unduh berkasnya.",
                "Your pact is signed. Keep this verification code or download the file.",
            )
            .into(),
        );
    }
    page = page.section(Section::Facts(vec![
        (l.pick("Dokumen", "Document").into(), d.kind.name(l).into()),
        (l.pick("Penanda tangan", "Signer").into(), d.signer.clone()),
        ("NIP".into(), d.nip.clone()),
        (l.pick("Jabatan", "Position").into(), d.position.clone()),
        (l.pick("Unit kerja · instansi", "Unit · agency").into(), format!("{} · {}", d.unit, d.agency)),
        (l.pick("Pemilihan", "Election").into(), d.election.clone()),
        (l.pick("Versi teks", "Text version").into(), format!("{} (SHA-256 {})", d.text_version, d.text_digest)),
        (l.pick("Waktu (UTC)", "Time (UTC)").into(), d.signed_at.clone()),
        (l.pick("Cara", "How").into(), d.method.name(l).into()),
        (l.pick("Acara", "Occasion").into(), if d.occasion.is_empty() { "—".into() } else { d.occasion.clone() }),
        (l.pick("Kunci", "Key").into(), signature.pact.key_id.clone()),
    ]));
    if let Some(text) = text {
        let mut lines = vec![text.text.title.clone(), text.text.opening.clone()];
        lines.extend(text.text.points.iter().enumerate().map(|(i, p)| format!("{}. {p}", i + 1)));
        lines.push(text.text.closing.clone());
        for line in lines {
            page = page.section(Section::Text(line));
        }
    }
    let base = crate::letters::public_base(&state, &headers);
    let url = format!("{}/verifikasi/{}", base.trim_end_matches('/'), signature.pact.code);
    if let Some(svg) = qr_svg(&url) {
        page = page.section(Section::Image { svg, alt: format!("{} {url}", l.pick("Kode QR menuju", "QR code for")) });
    }
    page.section(Section::Links(vec![(
        format!("/verifikasi/{}/berkas", signature.pact.code),
        l.pick("Unduh pakta bertanda tangan (JSON)", "Download the signed pact (JSON)").into(),
        l.pick(
            "diperiksa luring dengan: netra pact verify BERKAS --keys kunci.json",
            "checked offline with: netra pact verify FILE --keys keys.json",
        )
        .into(),
    )]))
    .render(StatusCode::OK)
}

/// The QR code of a URL as SVG.
pub(crate) fn qr_svg(url: &str) -> Option<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    Some(code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(180, 180).build())
}

/// `GET /verifikasi/{code}/berkas`: the signed pact as the JSON file `netra pact verify` checks.
pub async fn download(State(state): State<AppState>, Path(code): Path<String>) -> Response {
    let Some(code) = netra_core::pact::normalise_code(&code) else { return StatusCode::NOT_FOUND.into_response() };
    match state.store.pact_signature_by_code(&code).await {
        Ok(Some(signed)) => (
            [
                (header::CONTENT_TYPE, "application/json".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"pakta-{code}.json\"")),
            ],
            signed.pact.to_file(),
        )
            .into_response(),
        Ok(None) => match crate::letters::public_pdf(&state, &code).await {
            Ok(Some(response)) => response,
            Ok(None) => StatusCode::NOT_FOUND.into_response(),
            Err(response) => response,
        },
        Err(error) => internal(error),
    }
}

/// `GET /pakta/kunci.json`: the instance's public keys, current and retired.
pub async fn public_keys(State(state): State<AppState>) -> Response {
    match state.store.signing_keys().await {
        Ok(keys) => axum::Json(keys.into_iter().map(|k| k.key).collect::<Vec<_>>()).into_response(),
        Err(error) => internal(error),
    }
}

// ----- Staff -----

#[derive(Debug, Default, Deserialize)]
pub struct PactQuery {
    #[serde(default)]
    pemilihan: String,
}

/// The election a page is about: the one asked for, else the next (or latest) by voting day.
pub(crate) async fn chosen_election(state: &AppState, asked: &str) -> Option<String> {
    let elections = state.store.elections().await.ok()?;
    if let Some(e) = elections.iter().find(|e| e.id == asked.trim()) {
        return Some(e.id.clone());
    }
    let today = (state.now)().date();
    let upcoming = elections.iter().filter(|e| e.voting_day >= today).min_by_key(|e| e.voting_day);
    upcoming.or_else(|| elections.iter().max_by_key(|e| e.voting_day)).map(|e| e.id.clone())
}

fn may_manage(user: &SessionUser) -> bool {
    user.principal.role().can(Permission::ManagePacts)
}

fn may_sign(user: &SessionUser) -> bool {
    user.principal.role().can(Permission::SignPacts)
}

async fn pact_page(state: &AppState, user: &SessionUser, election: &str) -> Result<StaffPage, Response> {
    let l = user.locale;
    let mut page = StaffPage::for_user(user, "/pakta", l.pick("Pakta integritas dan deklarasi", "Integrity pacts and declarations"))
        .lead(l.pick(
            "Setiap tanda tangan dibuat oleh kunci Ed25519 instansi Netra dan dapat diperiksa siapa pun dengan kodenya di /verifikasi.",
            "Every signature is made with the Netra instance's Ed25519 key and can be checked by anyone with its code at /verifikasi.",
        ));
    let elections = crate::admin::election_options(state, l).await;
    page = page.section(Section::Form(
        FormSpec::new(
            "/pakta",
            l.pick("Tampilkan", "Show"),
            vec![Field::new(
                "pemilihan",
                l.pick("Pemilihan", "Election"),
                FieldKind::Select(elections.clone()),
                election,
            )],
        )
        .get(),
    ));
    let mut rows = Vec::new();
    let mut texts = Vec::new();
    for kind in PactKind::ALL {
        let text = casework::current_pact_text(state.store.as_ref(), election, kind, now(state))
            .await
            .map_err(|e| refusal(user, "/pakta", &e))?;
        rows.push(vec![
            Cell::text(kind.name(l)),
            Cell::text(text.version.to_string()),
            Cell::text(text.digest.clone()),
            Cell::text(text.text.points.len().to_string()),
        ]);
        texts.push(text);
    }
    page = page.section(Section::Links(vec![(
        format!("/pakta/cakupan?pemilihan={election}"),
        l.pick("Cakupan per unit kerja", "Coverage per unit").into(),
        l.pick("siapa yang sudah dan belum menandatangani", "who has and has not signed").into(),
    )]));
    page = page.section(Section::Table(Table {
        caption: l.pick("Teks yang berlaku", "Current texts").into(),
        headers: vec![
            l.pick("Dokumen", "Document").into(),
            l.pick("Versi", "Version").into(),
            "SHA-256".into(),
            l.pick("Butir", "Points").into(),
        ],
        rows,
        empty: String::new(),
    }));
    if may_sign(user) {
        page = page
            .section(Section::Form(
                FormSpec::new(
                    "/pakta/kode",
                    l.pick("Terbitkan kode", "Issue a code"),
                    vec![
                        Field::new("election", "", FieldKind::Hidden, election),
                        Field::new("nip", "NIP / NI PPPK", FieldKind::Text, ""),
                    ],
                )
                .heading(l.pick("Kode sekali pakai untuk menandatangani sendiri", "One-time code to sign in person")),
            ))
            .section(Section::Form(
                FormSpec::new(
                    "/pakta/daftar-hadir",
                    l.pick("Tandatangani daftar hadir", "Sign the attendance list"),
                    vec![
                        Field::new("election", "", FieldKind::Hidden, election),
                        Field::new("occasion", l.pick("Acara", "Occasion"), FieldKind::Text, "").help(l.pick(
                            "mis. Apel Netralitas ASN, 29 Juli 2024",
                            "e.g. ASN neutrality ceremony, 29 July 2024",
                        )),
                        Field::new(
                            "file",
                            l.pick(
                                "Daftar hadir (CSV atau XLSX dengan kolom nip)",
                                "Attendance list (CSV or XLSX with a nip column)",
                            ),
                            FieldKind::DataFile,
                            "",
                        ),
                    ],
                )
                .multipart()
                .heading(l.pick(
                    "Penandatanganan massal dari daftar hadir apel",
                    "Bulk signing from a ceremony's attendance list",
                )),
            ));
    }
    if may_manage(user) {
        for text in texts {
            page = page.section(Section::Form(
                FormSpec::new(
                    "/pakta/teks",
                    l.pick("Simpan sebagai versi baru", "Save as a new version"),
                    vec![
                        Field::new("election", "", FieldKind::Hidden, election),
                        Field::new("kind", "", FieldKind::Hidden, text.kind.as_str()),
                        Field::new("title", l.pick("Judul", "Title"), FieldKind::Text, text.text.title.clone()),
                        Field::new(
                            "opening",
                            l.pick("Pembuka", "Opening"),
                            FieldKind::Textarea,
                            text.text.opening.clone(),
                        ),
                        Field::new(
                            "points",
                            l.pick("Butir (satu per baris)", "Points (one per line)"),
                            FieldKind::Textarea,
                            text.text.points.join("\n"),
                        ),
                        Field::new(
                            "closing",
                            l.pick("Penutup", "Closing"),
                            FieldKind::Textarea,
                            text.text.closing.clone(),
                        ),
                    ],
                )
                .heading(format!(
                    "{} ({} {})",
                    text.kind.name(l),
                    l.pick("versi", "version"),
                    text.version
                )),
            ));
        }
    }
    Ok(page)
}

#[derive(Debug, Default, Deserialize)]
pub struct CoverageQuery {
    #[serde(default)]
    pemilihan: String,
    #[serde(default)]
    instansi: String,
}

fn share(signed: u64, persons: u64) -> f64 {
    if persons == 0 { 0.0 } else { signed as f64 / persons as f64 }
}

/// `GET /pakta/cakupan`: per unit, the share of active civil servants who signed the election's pact; units
/// below the threshold are marked.
pub async fn coverage(
    State(state): State<AppState>,
    Staff(user): Staff,
    Query(query): Query<CoverageQuery>,
) -> Response {
    let l = user.locale;
    let desk = match user.principal.pact_desk(&state.store, &state.vault.pact_keys) {
        Ok(desk) => desk,
        Err(error) => return refusal(&user, "/pakta", &error),
    };
    let Some(election) = chosen_election(&state, &query.pemilihan).await else {
        return refusal(&user, "/pakta", &AccessError::NotFound);
    };
    let mut page = StaffPage::for_user(&user, "/pakta", l.pick("Cakupan pakta integritas", "Integrity pact coverage"));
    let mut fields = vec![Field::new(
        "pemilihan",
        l.pick("Pemilihan", "Election"),
        FieldKind::Select(crate::admin::election_options(&state, l).await),
        election.clone(),
    )];
    if may_manage(&user) {
        let mut agencies = vec![(String::new(), l.pick("— pilih instansi —", "— choose an agency —").to_string())];
        agencies.extend(state.store.agencies().await.unwrap_or_default().into_iter().map(|a| (a.id, a.name)));
        fields.push(Field::new(
            "instansi",
            l.pick("Instansi", "Agency"),
            FieldKind::Select(agencies),
            query.instansi.clone(),
        ));
    }
    page = page.section(Section::Form(FormSpec::new("/pakta/cakupan", l.pick("Tampilkan", "Show"), fields).get()));
    let agency = Some(query.instansi.trim()).filter(|a| !a.is_empty());
    if may_manage(&user) && agency.is_none() {
        return page.render(StatusCode::OK);
    }
    let coverage = match desk.coverage(&election, agency).await {
        Ok(coverage) => coverage,
        Err(error) => return refusal(&user, "/pakta", &error),
    };
    let total = coverage.total();
    let below = |u: &netra_store::pacts::UnitCoverage| {
        share(u.signed, u.persons) < COVERAGE_THRESHOLD || share(u.attended, u.persons) < COVERAGE_THRESHOLD
    };
    let threshold = format!("{:.0}%", COVERAGE_THRESHOLD * 100.0);
    let mark = |u: &netra_store::pacts::UnitCoverage| {
        let mut notes = Vec::new();
        if share(u.signed, u.persons) < COVERAGE_THRESHOLD {
            notes.push(format!("{} {threshold}", l.pick("pakta di bawah", "pact below")));
        }
        if share(u.attended, u.persons) < COVERAGE_THRESHOLD {
            notes.push(format!("{} {threshold}", l.pick("sosialisasi di bawah", "briefings below")));
        }
        notes.join("; ")
    };
    let row = |name: String, u: &netra_store::pacts::UnitCoverage| {
        vec![
            Cell::text(name),
            Cell::text(u.persons.to_string()),
            Cell::text(u.signed.to_string()),
            Cell::text(format!("{:.1}%", 100.0 * share(u.signed, u.persons))),
            Cell::text(u.attended.to_string()),
            Cell::text(format!("{:.1}%", 100.0 * share(u.attended, u.persons))),
            Cell::text(mark(u)),
        ]
    };
    let mut rows: Vec<Vec<Cell>> = coverage.units.iter().map(|u| row(u.unit.clone(), u)).collect();
    rows.push(row(l.pick("Seluruh instansi", "Whole agency").into(), &total));
    page.lead = Some(format!(
        "{} · {} · {} {} {}",
        coverage.agency,
        election,
        coverage.units.iter().filter(|u| below(u)).count(),
        l.pick("unit di bawah", "units below"),
        threshold
    ));
    page.section(Section::Table(Table {
        caption: l
            .pick(
                "ASN aktif per unit kerja yang telah menandatangani pakta pemilihan ini (versi mana pun) dan menghadiri sosialisasinya",
                "Active civil servants per unit who signed this election's pact (any version) and attended its briefings",
            )
            .into(),
        headers: vec![
            l.pick("Unit kerja", "Unit").into(),
            l.pick("ASN aktif", "Active civil servants").into(),
            l.pick("Menandatangani", "Signed").into(),
            l.pick("Cakupan pakta", "Pact coverage").into(),
            l.pick("Hadir sosialisasi", "Attended a briefing").into(),
            l.pick("Cakupan sosialisasi", "Briefing coverage").into(),
            l.pick("Catatan", "Note").into(),
        ],
        rows,
        empty: String::new(),
    }))
    .render(StatusCode::OK)
}

/// `GET /pakta`.
pub async fn staff_page(State(state): State<AppState>, Staff(user): Staff, Query(query): Query<PactQuery>) -> Response {
    if !may_manage(&user) && !may_sign(&user) {
        return refusal(&user, "/pakta", &AccessError::Denied);
    }
    let Some(election) = chosen_election(&state, &query.pemilihan).await else {
        return refusal(&user, "/pakta", &AccessError::NotFound);
    };
    match pact_page(&state, &user, &election).await {
        Ok(page) => page.render(StatusCode::OK),
        Err(response) => response,
    }
}

pub(crate) fn field_of(form: &[(String, String)], name: &str) -> String {
    form.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone()).unwrap_or_default()
}

async fn failed(state: &AppState, user: &SessionUser, election: &str, error: AccessError) -> Response {
    let l = user.locale;
    let (status, text) = match &error {
        AccessError::Invalid(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            errors.iter().map(|e| format!("{}: {}", e.field, l.pick(&e.id, &e.en))).collect::<Vec<_>>().join(" "),
        ),
        AccessError::Conflict(what) => (StatusCode::CONFLICT, what.clone()),
        _ => return refusal(user, "/pakta", &error),
    };
    match pact_page(state, user, election).await {
        Ok(mut page) => {
            page.error = Some(text);
            page.render(status)
        }
        Err(response) => response,
    }
}

/// `POST /pakta/kode`: an agency admin issues a one-time code, shown once.
pub async fn issue_code(
    State(state): State<AppState>,
    Staff(user): Staff,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let l = user.locale;
    let desk = match user.principal.pact_desk(&state.store, &state.vault.pact_keys) {
        Ok(desk) => desk,
        Err(error) => return refusal(&user, "/pakta", &error),
    };
    let election = field_of(&form, "election");
    match desk.issue_code(&election, &field_of(&form, "nip"), now(&state)).await {
        Ok(issued) => match pact_page(&state, &user, &election).await {
            Ok(mut page) => {
                page.notice = Some(format!(
                    "{} {}: {} ({} {}). {}",
                    l.pick("Kode sekali pakai untuk", "One-time code for"),
                    issued.person.display_name(),
                    issued.code,
                    l.pick("berlaku sampai", "valid until"),
                    issued.expires_at.date(),
                    l.pick(
                        "Kode hanya ditampilkan sekali; serahkan kepada yang bersangkutan untuk menandatangani di /pakta/tandatangani.",
                        "The code is shown only once; hand it to the person, who signs at /pakta/tandatangani.",
                    )
                ));
                page.render(StatusCode::OK)
            }
            Err(response) => response,
        },
        Err(error) => failed(&state, &user, &election, error).await,
    }
}

/// `POST /pakta/daftar-hadir` (multipart): signs a ceremony's attendance list.
pub async fn sign_attendance(State(state): State<AppState>, Staff(user): Staff, request: Request) -> Response {
    let l = user.locale;
    let desk = match user.principal.pact_desk(&state.store, &state.vault.pact_keys) {
        Ok(desk) if may_sign(&user) => desk,
        Ok(_) => return refusal(&user, "/pakta", &AccessError::Denied),
        Err(error) => return refusal(&user, "/pakta", &error),
    };
    let upload = match read_data_upload(&state, request, casework::MAX_ATTENDANCE_BYTES).await {
        Ok(upload) => upload,
        Err(response) => return response,
    };
    let election = upload.get("election");
    let occasion = upload.get("occasion");
    let (file_name, bytes) = match upload_file(upload, casework::MAX_ATTENDANCE_BYTES) {
        Ok(file) => file,
        Err(error) => return failed(&state, &user, &election, AccessError::Invalid(vec![error])).await,
    };
    match desk.sign_attendance(&election, &occasion, &file_name, &bytes, now(&state)).await {
        Ok(outcome) => match pact_page(&state, &user, &election).await {
            Ok(mut page) => {
                page.notice = Some(format!(
                    "{} {}; {} {}; {} {}.",
                    outcome.signed,
                    l.pick("ASN menandatangani", "civil servants signed"),
                    outcome.already,
                    l.pick("sudah menandatangani sebelumnya", "had signed before"),
                    outcome.problems.len(),
                    l.pick("baris tidak dapat ditandatangani", "lines could not be signed"),
                ));
                page = page.section(problems_table(
                    l,
                    l.pick("Baris yang tidak ditandatangani", "Lines not signed"),
                    l.pick("Semua baris ditandatangani.", "Every line was signed."),
                    &outcome.problems,
                ));
                page.render(StatusCode::OK)
            }
            Err(response) => response,
        },
        Err(error) => failed(&state, &user, &election, error).await,
    }
}

/// `POST /pakta/teks`: a manager saves a new version of a text.
pub async fn revise_text(
    State(state): State<AppState>,
    Staff(user): Staff,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let desk = match user.principal.pact_desk(&state.store, &state.vault.pact_keys) {
        Ok(desk) => desk,
        Err(error) => return refusal(&user, "/pakta", &error),
    };
    let election = field_of(&form, "election");
    let Some(kind) = PactKind::parse(&field_of(&form, "kind")) else {
        let error = FieldError::new("kind", "Jenis dokumen tidak dikenal.", "Unknown document kind.");
        return failed(&state, &user, &election, AccessError::Invalid(vec![error])).await;
    };
    let text = PactText {
        title: field_of(&form, "title").trim().to_string(),
        opening: field_of(&form, "opening").trim().to_string(),
        points: field_of(&form, "points")
            .lines()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect(),
        closing: field_of(&form, "closing").trim().to_string(),
    };
    match desk.revise_text(&election, kind, text, now(&state)).await {
        Ok(_) => Redirect::to(&format!("/pakta?pemilihan={election}")).into_response(),
        Err(error) => failed(&state, &user, &election, error).await,
    }
}

// ----- "Boleh atau tidak?" -----

#[derive(Debug, Default, Deserialize)]
pub struct SelfCheckQuery {
    #[serde(default)]
    situasi: String,
    #[serde(default)]
    pemilihan: String,
}

/// The longest situation the self-check reads.
const MAX_SITUATION_CHARS: usize = 2_000;

/// `GET /boleh-atau-tidak`: a civil servant describes a situation and sees the catalogue items it may touch, with
/// their sanctions. Nothing is stored or logged; the form is a GET because nothing changes.
pub async fn self_check(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Query(query): Query<SelfCheckQuery>,
) -> Response {
    let l = locale_of(&headers, uri.query());
    let situation: String = query.situasi.chars().take(MAX_SITUATION_CHARS).collect();
    let election = chosen_election(&state, &query.pemilihan).await;
    let mut page = StaffPage::anonymous(l, "/boleh-atau-tidak", "", l.pick("Boleh atau tidak?", "Allowed or not?"))
        .lead(l.pick(
            "Ceritakan situasinya (mis. \"Saya diajak berfoto dengan calon bupati sambil mengacungkan dua jari\"). Netra mencocokkan dengan katalog larangan netralitas ASN. Teks Anda tidak disimpan.",
            "Describe the situation (e.g. \"I was asked to pose with a regent candidate showing two fingers\"). Netra matches it against the catalogue of neutrality prohibitions. Your text is not stored.",
        ))
        .section(Section::Form(
            FormSpec::new(
                "/boleh-atau-tidak",
                l.pick("Periksa", "Check"),
                vec![Field::new("situasi", l.pick("Situasi", "Situation"), FieldKind::Textarea, situation.clone())],
            )
            .get(),
        ));
    if situation.trim().is_empty() {
        return page.render(StatusCode::OK);
    }
    let screener = crate::cases::screener_for(&state, election.as_deref()).await;
    let verdict = screener.screen(&situation, None);
    let catalogue = netra_core::builtin::catalogue();
    let today = (state.now)().date();
    let election = election.as_deref().and_then(netra_core::builtin::election);
    // Only what the engine flags: a self-check that guessed would teach the wrong rules.
    let acts: Vec<_> = verdict.acts.iter().map(|a| a.act).collect();
    page = page.section(Section::Heading(if verdict.violation {
        l.pick("Kemungkinan TIDAK BOLEH", "Probably NOT allowed").into()
    } else if acts.is_empty() {
        l.pick("Tidak ditemukan larangan yang jelas", "No clear prohibition found").into()
    } else {
        l.pick("Perlu hati-hati", "Be careful").into()
    }));
    let spans = verdict.explanation.iter().map(|e| (e.start, e.end));
    page = page.section(Section::Marked(crate::cases::marked_parts(&situation, spans)));
    let mut rows = Vec::new();
    for act in &acts {
        let items = match election {
            Some(election) => catalogue.applicable(*act, election, today),
            None => catalogue.items_for_act(*act).collect(),
        };
        for item in items {
            rows.push(vec![
                Cell::link(item.code.clone(), format!("/katalog#{}", item.code)),
                Cell::text(item.title(l)),
                Cell::text(item.level.name(l)),
                Cell::text(l.pick(&item.sanction_id, &item.sanction_en)),
                Cell::text(item.legal_basis.join("; ")),
            ]);
        }
    }
    page.section(Section::Table(Table {
        caption: l.pick("Butir katalog yang mungkin terkait", "Catalogue items that may apply").into(),
        headers: vec![
            l.pick("Kode", "Code").into(),
            l.pick("Larangan", "Prohibition").into(),
            l.pick("Tingkat", "Level").into(),
            l.pick("Sanksi", "Sanction").into(),
            l.pick("Dasar hukum", "Legal basis").into(),
        ],
        rows,
        empty: l
            .pick(
                "Tidak ada butir yang cocok. Tetap berhati-hati: ASN wajib netral sebelum, selama dan sesudah pemilihan.",
                "No item matches. Stay careful: civil servants must stay neutral before, during and after the election.",
            )
            .into(),
    }))
    .section(Section::Text(
        l.pick(
            "Hasil ini bantuan, bukan keputusan: yang memutuskan adalah Bawaslu, BKN dan PPK menurut aturan yang berlaku.",
            "This is guidance, not a decision: Bawaslu, BKN and the PPK decide under the rules in force.",
        )
        .into(),
    ))
    .render(StatusCode::OK)
}
