//! Letters on the case page (list, download, the form per kind the viewer may write) and their public
//! verification (`/verifikasi/{code}` for a letter's code, the genuine PDF, and a check of an uploaded PDF).

use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use netra_core::Locale;
use netra_core::letter;
use netra_store::casework::{CaseDesk, CaseFile, LetterInput};
use netra_store::letters::LetterRecord;
use sha2::Digest;

use crate::AppState;
use crate::auth::{CsrfExpected, Staff, locale_of};
use crate::staff::{Cell, Field, FieldKind, FormSpec, Section, StaffPage, Table, internal, now, refusal};

/// Largest PDF the public check reads.
const MAX_CHECKED_PDF: usize = 10 * 1024 * 1024;

/// The public address letters point to: the configured one, else the request's host.
pub(crate) fn public_base(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1:8080");
    state.public_url.clone().unwrap_or_else(|| format!("http://{host}"))
}

/// The case page's letters: what was issued, and a form for each kind the viewer may write now.
pub(crate) async fn case_sections(desk: &CaseDesk<'_>, file: &CaseFile, l: Locale) -> Vec<Section> {
    let case = &file.case;
    let letters = desk.letters(&case.id).await.unwrap_or_default();
    let kinds = desk.letter_kinds(&file.events);
    if letters.is_empty() && kinds.is_empty() {
        return Vec::new();
    }
    let mut sections = vec![Section::Heading(l.pick("Surat", "Letters").into())];
    sections.push(Section::Table(Table {
        caption: l.pick("Surat yang diterbitkan (PDF bertanda tangan)", "Letters issued (signed PDF)").into(),
        headers: vec![
            l.pick("Jenis", "Kind").into(),
            l.pick("Nomor", "Number").into(),
            l.pick("Tanggal", "Date").into(),
            l.pick("Kode verifikasi", "Verification code").into(),
            l.pick("Berkas", "File").into(),
        ],
        rows: letters
            .iter()
            .map(|letter| {
                vec![
                    Cell::text(letter.kind.name(l)),
                    Cell::text(letter.number.clone()),
                    Cell::text(letter.document.date.clone()),
                    Cell::link(letter.code.clone(), format!("/verifikasi/{}", letter.code)),
                    Cell::link("PDF", format!("/kasus/{}/surat/{}", case.id, letter.id)),
                ]
            })
            .collect(),
        empty: l.pick("Belum ada surat.", "No letters yet.").into(),
    }));
    for kind in kinds {
        let mut fields = vec![Field::new("kind", "", FieldKind::Hidden, kind.as_str())];
        if kind.asks_for_number() {
            fields.push(Field::new("number", l.pick("Nomor surat", "Letter number"), FieldKind::Text, "").help(
                l.pick("Kosongkan untuk nomor dari nomor kasus.", "Leave empty for a number from the case number."),
            ));
        }
        if kind.asks_for_examination() {
            fields.push(Field::new(
                "exam_date",
                l.pick("Tanggal pemeriksaan", "Examination date"),
                FieldKind::Date,
                "",
            ));
            fields.push(
                Field::new("exam_time", l.pick("Jam pemeriksaan", "Examination time"), FieldKind::Text, "09:00")
                    .help("JJ:MM"),
            );
            fields.push(Field::new(
                "exam_place",
                l.pick("Tempat pemeriksaan", "Examination place"),
                FieldKind::Text,
                "",
            ));
        }
        let form = FormSpec::new(
            format!("/kasus/{}/surat", case.id),
            l.pick("Buat dan tandatangani", "Write and sign"),
            fields,
        )
        .heading(kind.name(l));
        sections.push(Section::Form(form));
    }
    sections
}

/// `POST /kasus/{id}/surat`: writes, signs and stores a letter.
pub async fn issue(
    State(state): State<AppState>,
    Staff(user): Staff,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Response {
    let desk = match user.principal.case_desk(&state.store) {
        Ok(desk) => desk,
        Err(error) => return refusal(&user, "/kasus", &error),
    };
    let get = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let input = LetterInput {
        kind: get("kind"),
        number: get("number"),
        exam_date: get("exam_date"),
        exam_time: get("exam_time"),
        exam_place: get("exam_place"),
    };
    let base = public_base(&state, &headers);
    match desk.issue_letter(&id, &input, &state.vault.pact_keys, &base, now(&state)).await {
        Ok(_) => Redirect::to(&format!("/kasus/{id}?ok=surat")).into_response(),
        Err(error) => crate::cases::failed(&state, &user, &id, error).await,
    }
}

fn pdf_response(letter: &LetterRecord, pdf: Vec<u8>) -> Response {
    let name = format!("{}-{}.pdf", letter.kind.as_str(), letter.code);
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        pdf,
    )
        .into_response()
}

/// `GET /kasus/{id}/surat/{letter}`: the PDF as issued, for staff who see the case.
pub async fn download(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path((id, letter_id)): Path<(String, String)>,
) -> Response {
    let desk = match user.principal.case_desk(&state.store) {
        Ok(desk) => desk,
        Err(error) => return refusal(&user, "/kasus", &error),
    };
    match desk.letter_pdf(&id, &letter_id).await {
        Ok((letter, pdf)) => pdf_response(&letter, pdf),
        Err(error) => refusal(&user, "/kasus", &error),
    }
}

/// The public page of a letter's code; `None` when no letter has it.
pub(crate) async fn verification_page(
    state: &AppState,
    l: Locale,
    code: &str,
    csrf: &str,
    check: Option<Result<(), String>>,
) -> Result<Option<Response>, Response> {
    let Some(code) = netra_core::pact::normalise_code(code) else { return Ok(None) };
    let letter = state.store.letter_by_code(&code).await.map_err(internal)?;
    let Some(letter) = letter else { return Ok(None) };
    let keys: Vec<_> = state.store.signing_keys().await.map_err(internal)?.into_iter().map(|k| k.key).collect();
    let pdf = state.store.letter_pdf(&letter.id).await.map_err(internal)?.unwrap_or_default();
    let stored = letter::verify_pdf(&pdf, &keys);
    let mut page = StaffPage::anonymous(l, "/verifikasi", csrf, l.pick("Verifikasi surat", "Verify a letter"));
    match &stored {
        Ok(_) => {
            page = page.lead(format!(
                "{} {}",
                l.pick(
                    "SAH: surat ini diterbitkan dan ditandatangani oleh Netra.",
                    "VALID: Netra issued and signed this letter."
                ),
                letter.code
            ))
        }
        Err(error) => page.error = Some(format!("{} {}", l.pick("TIDAK SAH:", "NOT VALID:"), error.message(l))),
    }
    match check {
        Some(Ok(())) => {
            page.notice = Some(
                l.pick(
                    "Berkas yang Anda unggah SAMA PERSIS dengan surat yang diterbitkan, dan segel tanda tangannya sah.",
                    "The file you uploaded is EXACTLY the letter issued, and its seal is valid.",
                )
                .into(),
            )
        }
        Some(Err(why)) => page.error = Some(why),
        None => {}
    }
    let d = &letter.document;
    page = page.section(Section::Facts(vec![
        (l.pick("Jenis", "Kind").into(), letter.kind.name(l).into()),
        (l.pick("Nomor", "Number").into(), letter.number.clone()),
        (l.pick("Tanggal", "Date").into(), d.date.clone()),
        (l.pick("Penerbit", "Issuer").into(), d.issuer.clone()),
        (l.pick("Perihal", "Subject").into(), d.letter.subject.clone()),
        (l.pick("Kunci", "Key").into(), letter.key_id.clone()),
        ("SHA-256 PDF".into(), letter.pdf_sha256.clone()),
    ]));
    page = page.section(Section::Form(
        FormSpec::new(
            format!("/verifikasi/{code}/periksa"),
            l.pick("Periksa berkas", "Check the file"),
            vec![Field::new("berkas", l.pick("Berkas PDF surat", "The letter's PDF file"), FieldKind::File, "")],
        )
        .heading(l.pick("Periksa berkas PDF yang Anda terima", "Check a PDF you received"))
        .multipart(),
    ));
    page = page.section(Section::Links(vec![(
        format!("/verifikasi/{code}/berkas"),
        l.pick("Unduh surat asli (PDF)", "Download the original letter (PDF)").into(),
        l.pick(
            "diperiksa luring dengan: netra letter verify BERKAS.pdf --keys kunci.json",
            "check it offline with: netra letter verify FILE.pdf --keys keys.json",
        )
        .into(),
    )]));
    let status = if page.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(Some(page.render(status)))
}

/// The PDF of the letter with this code, for `/verifikasi/{code}/berkas`; `None` when no letter has it.
pub(crate) async fn public_pdf(state: &AppState, code: &str) -> Result<Option<Response>, Response> {
    let Some(code) = netra_core::pact::normalise_code(code) else { return Ok(None) };
    let Some(letter) = state.store.letter_by_code(&code).await.map_err(internal)? else { return Ok(None) };
    let pdf = state.store.letter_pdf(&letter.id).await.map_err(internal)?.unwrap_or_default();
    Ok(Some(pdf_response(&letter, pdf)))
}

/// `POST /verifikasi/{code}/periksa`: checks an uploaded PDF against the letter with this code (nothing is
/// stored): identical bytes, else why not (changed after signing, another letter, not a Netra letter).
pub async fn check_upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    request: Request,
) -> Response {
    let l = locale_of(&headers, request.uri().query());
    let expected = request.extensions().get::<CsrfExpected>().cloned().and_then(|e| e.0);
    let mut multipart = match Multipart::from_request(request, &state).await {
        Ok(multipart) => multipart,
        Err(rejection) => return rejection.into_response(),
    };
    let (mut csrf, mut file) = (String::new(), None::<Vec<u8>>);
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => return (StatusCode::BAD_REQUEST, error.body_text()).into_response(),
        };
        match field.name() {
            Some("csrf") => csrf = field.text().await.unwrap_or_default(),
            _ if field.file_name().is_some() => {
                let mut field = field;
                let mut bytes = Vec::new();
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            if bytes.len() + chunk.len() > MAX_CHECKED_PDF {
                                return (
                                    StatusCode::PAYLOAD_TOO_LARGE,
                                    l.pick("Berkas terlalu besar (maks. 10 MB).", "File too large (10 MB at most)."),
                                )
                                    .into_response();
                            }
                            bytes.extend_from_slice(&chunk);
                        }
                        Ok(None) => break,
                        Err(error) => return (StatusCode::BAD_REQUEST, error.body_text()).into_response(),
                    }
                }
                file = Some(bytes);
            }
            _ => {}
        }
    }
    if let Some(refusal) = crate::auth::upload_token_refusal(expected.as_deref(), &csrf) {
        return refusal;
    }
    let Some(letter_code) = netra_core::pact::normalise_code(&code) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let letter = match state.store.letter_by_code(&letter_code).await {
        Ok(Some(letter)) => letter,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => return internal(error),
    };
    let verdict = match file.filter(|f| !f.is_empty()) {
        None => Err(l.pick("Pilih berkas PDF yang akan diperiksa.", "Choose the PDF file to check.").to_string()),
        Some(bytes) => {
            let keys: Vec<_> = match state.store.signing_keys().await {
                Ok(keys) => keys.into_iter().map(|k| k.key).collect(),
                Err(error) => return internal(error),
            };
            let digest = data_encoding::HEXLOWER.encode(&sha2::Sha256::digest(&bytes));
            match letter::verify_pdf(&bytes, &keys) {
                Ok(_) if digest == letter.pdf_sha256 => Ok(()),
                Ok(_) => Err(l
                    .pick(
                        "Segel berkas ini sah, tetapi berkas ini bukan surat dengan kode ini.",
                        "This file's seal is valid, but it is not the letter with this code.",
                    )
                    .to_string()),
                Err(error) => Err(format!("{} {}", l.pick("TIDAK SAH:", "NOT VALID:"), error.message(l))),
            }
        }
    };
    let csrf = crate::report::csrf_for(&headers);
    match verification_page(&state, l, &letter_code, &csrf, Some(verdict)).await {
        Ok(Some(page)) => crate::report::with_csrf_cookie(&state, &csrf, page),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(response) => response,
    }
}
