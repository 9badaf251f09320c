//! Socialisation session pages (issue 7): the list and the form to schedule one, a session's page with its
//! check-in QR code, attendees and quiz scores per attendee and per unit, the attendance-list import, and the
//! public check-in and quiz reached from the QR code.

use axum::Form;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use netra_core::Locale;
use netra_core::access::Permission;
use netra_store::access::AccessError;
use netra_store::casework::{self, SessionInput};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{SessionUser, Staff, client_address, locale_of};
use crate::pacts::{chosen_election, count_failure, field_of, problems_table, qr_svg, throttled};
use crate::patrol::{read_data_upload, upload_file};
use crate::report::{csrf_for, with_csrf_cookie};
use crate::staff::{Cell, Field, FieldKind, FormSpec, Section, StaffPage, Table, internal, now, refusal};

/// The quiz form's answer fields, one per question (the length ties them to the quiz at compile time).
const ANSWER_FIELDS: [&str; netra_core::quiz::QUESTIONS] = ["q0", "q1", "q2", "q3", "q4"];

/// Failed check-ins per client address before a pause: a wrong NIP tells whether it belongs to the agency.
const MAX_CHECKIN_FAILURES: u64 = 20;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pemilihan: String,
}

async fn list_page(
    state: &AppState,
    user: &SessionUser,
    election: &str,
    input: &SessionInput,
) -> Result<StaffPage, Response> {
    let l = user.locale;
    let desk = user
        .principal
        .pact_desk(&state.store, &state.vault.pact_keys)
        .map_err(|e| refusal(user, "/sosialisasi", &e))?;
    let sessions = desk.sessions(election).await.map_err(|e| refusal(user, "/sosialisasi", &e))?;
    let mut page = StaffPage::for_user(user, "/sosialisasi", l.pick("Sosialisasi netralitas", "Neutrality briefings"))
        .section(Section::Table(Table {
            caption: l.pick("Sesi sosialisasi", "Sessions").into(),
            headers: vec![
                l.pick("Tanggal", "Date").into(),
                l.pick("Judul", "Title").into(),
                l.pick("Instansi", "Agency").into(),
                l.pick("Tempat", "Place").into(),
            ],
            rows: sessions
                .iter()
                .map(|s| {
                    vec![
                        Cell::text(s.held_on.to_string()),
                        Cell::link(s.title.clone(), format!("/sosialisasi/{}", s.id)),
                        Cell::text(s.agency.clone()),
                        Cell::text(s.place.clone()),
                    ]
                })
                .collect(),
            empty: l.pick("Belum ada sesi.", "No sessions yet.").into(),
        }));
    let mut fields = vec![
        Field::new("election", "", FieldKind::Hidden, election),
        Field::new("title", l.pick("Judul", "Title"), FieldKind::Text, input.title.clone()),
        Field::new("held_on", l.pick("Tanggal", "Date"), FieldKind::Date, input.held_on.clone()),
        Field::new("place", l.pick("Tempat", "Place"), FieldKind::Text, input.place.clone()),
        Field::new(
            "speakers",
            l.pick("Narasumber (satu per baris)", "Speakers (one per line)"),
            FieldKind::Textarea,
            input.speakers.clone(),
        ),
        Field::new(
            "units",
            l.pick(
                "Unit kerja peserta (satu per baris; kosong: seluruh instansi)",
                "Audience units (one per line; empty: the whole agency)",
            ),
            FieldKind::Textarea,
            input.units.clone(),
        ),
        Field::new(
            "items",
            l.pick("Butir katalog yang dibahas (mis. D-SOC-PHOTO)", "Catalogue items covered (e.g. D-SOC-PHOTO)"),
            FieldKind::Text,
            input.items.clone(),
        ),
    ];
    if !user.principal.role().can(Permission::SignPacts) {
        let mut agencies = vec![(String::new(), l.pick("— pilih instansi —", "— choose an agency —").to_string())];
        agencies.extend(state.store.agencies().await.unwrap_or_default().into_iter().map(|a| (a.id, a.name)));
        fields.push(Field::new(
            "agency_id",
            l.pick("Instansi peserta", "Audience agency"),
            FieldKind::Select(agencies),
            input.agency_id.clone(),
        ));
    }
    page = page.section(Section::Form(
        FormSpec::new("/sosialisasi", l.pick("Jadwalkan", "Schedule"), fields)
            .heading(l.pick("Jadwalkan sesi", "Schedule a session")),
    ));
    Ok(page)
}

/// `GET /sosialisasi`.
pub async fn list(State(state): State<AppState>, Staff(user): Staff, Query(query): Query<ListQuery>) -> Response {
    let Some(election) = chosen_election(&state, &query.pemilihan).await else {
        return refusal(&user, "/sosialisasi", &AccessError::NotFound);
    };
    match list_page(&state, &user, &election, &SessionInput::default()).await {
        Ok(page) => page.render(StatusCode::OK),
        Err(response) => response,
    }
}

/// `POST /sosialisasi`: schedules a session.
pub async fn create(
    State(state): State<AppState>,
    Staff(user): Staff,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let desk = match user.principal.pact_desk(&state.store, &state.vault.pact_keys) {
        Ok(desk) => desk,
        Err(error) => return refusal(&user, "/sosialisasi", &error),
    };
    let input = SessionInput {
        election_id: field_of(&form, "election"),
        title: field_of(&form, "title"),
        held_on: field_of(&form, "held_on"),
        place: field_of(&form, "place"),
        speakers: field_of(&form, "speakers"),
        units: field_of(&form, "units"),
        items: field_of(&form, "items"),
        agency_id: field_of(&form, "agency_id"),
    };
    match desk.create_session(&input, now(&state)).await {
        Ok(session) => Redirect::to(&format!("/sosialisasi/{}", session.id)).into_response(),
        Err(AccessError::Invalid(errors)) => {
            let election = chosen_election(&state, &input.election_id).await.unwrap_or_default();
            match list_page(&state, &user, &election, &input).await {
                Ok(mut page) => {
                    let l = user.locale;
                    if let Some(Section::Form(form)) = page.sections.pop() {
                        let (form, rest) = form.with_errors(&errors, l);
                        page.sections.push(Section::Form(form));
                        if !rest.is_empty() {
                            page.error = Some(rest.join(" "));
                        }
                    }
                    page.error.get_or_insert_with(|| {
                        l.pick("Periksa isian yang ditandai.", "Check the marked fields.").into()
                    });
                    page.render(StatusCode::UNPROCESSABLE_ENTITY)
                }
                Err(response) => response,
            }
        }
        Err(error) => refusal(&user, "/sosialisasi", &error),
    }
}

async fn session_page(state: &AppState, user: &SessionUser, id: &str, host: &str) -> Result<StaffPage, Response> {
    let l = user.locale;
    let desk = user
        .principal
        .pact_desk(&state.store, &state.vault.pact_keys)
        .map_err(|e| refusal(user, "/sosialisasi", &e))?;
    let (session, attendees) = desk.session(id).await.map_err(|e| refusal(user, "/sosialisasi", &e))?;
    let catalogue = netra_core::builtin::catalogue();
    let materials: Vec<String> = session
        .items
        .iter()
        .map(|code| catalogue.get(code).map_or(code.clone(), |item| format!("{code} ({})", item.title(l))))
        .collect();
    let base = state.public_url.clone().unwrap_or_else(|| format!("http://{host}"));
    let url = format!("{}/hadir/{}", base.trim_end_matches('/'), session.checkin_token);
    let mut page = StaffPage::for_user(user, "/sosialisasi", session.title.clone()).section(Section::Facts(vec![
        (l.pick("Tanggal", "Date").into(), session.held_on.to_string()),
        (l.pick("Tempat", "Place").into(), session.place.clone()),
        (l.pick("Instansi", "Agency").into(), session.agency.clone()),
        (
            l.pick("Unit peserta", "Audience units").into(),
            if session.units.is_empty() {
                l.pick("seluruh instansi", "the whole agency").into()
            } else {
                session.units.join(", ")
            },
        ),
        (l.pick("Narasumber", "Speakers").into(), session.speakers.join("; ")),
        (l.pick("Materi", "Material").into(), if materials.is_empty() { "—".into() } else { materials.join("; ") }),
        (l.pick("Pemilihan", "Election").into(), session.election_id.clone()),
        (l.pick("Daftar hadir lewat kode QR", "Check-in by QR code").into(), url.clone()),
    ]));
    if let Some(svg) = qr_svg(&url) {
        page = page.section(Section::Image {
            svg,
            alt: format!("{} {url}", l.pick("Kode QR daftar hadir:", "Check-in QR code:")),
        });
    }
    // Quiz scores per unit: attendees who answered, their mean share right.
    let mut units: std::collections::BTreeMap<&str, (u32, u32, u32)> = std::collections::BTreeMap::new();
    for a in &attendees {
        let entry = units.entry(a.unit.as_str()).or_default();
        entry.0 += 1;
        if let Some((score, total)) = a.quiz {
            entry.1 += score;
            entry.2 += total;
        }
    }
    page = page
        .section(Section::Table(Table {
            caption: format!("{} ({})", l.pick("Peserta", "Attendees"), attendees.len()),
            headers: vec![
                l.pick("Nama", "Name").into(),
                "NIP".into(),
                l.pick("Unit kerja", "Unit").into(),
                l.pick("Cara hadir", "Check-in").into(),
                l.pick("Kuis", "Quiz").into(),
            ],
            rows: attendees
                .iter()
                .map(|a| {
                    vec![
                        Cell::text(a.name.clone()),
                        Cell::text(a.nip.clone()),
                        Cell::text(a.unit.clone()),
                        Cell::text(if a.method == "qr" {
                            l.pick("kode QR", "QR code")
                        } else {
                            l.pick("daftar hadir", "attendance list")
                        }),
                        Cell::text(a.quiz.map_or("—".to_string(), |(s, t)| format!("{s}/{t}"))),
                    ]
                })
                .collect(),
            empty: l.pick("Belum ada peserta.", "No attendees yet.").into(),
        }))
        .section(Section::Table(Table {
            caption: l.pick("Per unit kerja", "Per unit").into(),
            headers: vec![
                l.pick("Unit kerja", "Unit").into(),
                l.pick("Peserta", "Attendees").into(),
                l.pick("Nilai kuis rata-rata", "Mean quiz score").into(),
            ],
            rows: units
                .iter()
                .map(|(unit, (count, right, total))| {
                    let mean = if *total == 0 {
                        "—".to_string()
                    } else {
                        format!("{:.0}%", 100.0 * f64::from(*right) / f64::from(*total))
                    };
                    vec![Cell::text(*unit), Cell::text(count.to_string()), Cell::text(mean)]
                })
                .collect(),
            empty: String::new(),
        }))
        .section(Section::Form(
            FormSpec::new(
                format!("/sosialisasi/{}/daftar-hadir", session.id),
                l.pick("Impor daftar hadir", "Import the attendance list"),
                vec![Field::new(
                    "file",
                    l.pick(
                        "Daftar hadir (CSV atau XLSX dengan kolom nip)",
                        "Attendance list (CSV or XLSX with a nip column)",
                    ),
                    FieldKind::DataFile,
                    "",
                )],
            )
            .multipart(),
        ));
    Ok(page)
}

fn host_of(headers: &HeaderMap) -> String {
    headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1:8080").to_string()
}

/// `GET /sosialisasi/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Staff(user): Staff,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    match session_page(&state, &user, &id, &host_of(&headers)).await {
        Ok(page) => page.render(StatusCode::OK),
        Err(response) => response,
    }
}

/// `POST /sosialisasi/{id}/daftar-hadir` (multipart).
pub async fn import(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let l = user.locale;
    let host = host_of(request.headers());
    let desk = match user.principal.pact_desk(&state.store, &state.vault.pact_keys) {
        Ok(desk) => desk,
        Err(error) => return refusal(&user, "/sosialisasi", &error),
    };
    if let Err(error) = desk.session(&id).await {
        return refusal(&user, "/sosialisasi", &error);
    }
    let upload = match read_data_upload(&state, request, casework::MAX_ATTENDANCE_BYTES).await {
        Ok(upload) => upload,
        Err(response) => return response,
    };
    let result = match upload_file(upload, casework::MAX_ATTENDANCE_BYTES) {
        Ok((name, bytes)) => desk.import_session_attendance(&id, &name, &bytes, now(&state)).await,
        Err(error) => Err(AccessError::Invalid(vec![error])),
    };
    let mut page = match session_page(&state, &user, &id, &host).await {
        Ok(page) => page,
        Err(response) => return response,
    };
    match result {
        Ok(outcome) => {
            page.notice = Some(format!(
                "{} {}; {} {}; {} {}.",
                outcome.added,
                l.pick("peserta ditambahkan", "attendees added"),
                outcome.already,
                l.pick("sudah tercatat", "already listed"),
                outcome.problems.len(),
                l.pick("baris tidak dikenali", "lines not recognised"),
            ));
            page = page.section(problems_table(
                l,
                l.pick("Baris yang tidak dicatat", "Lines not recorded"),
                l.pick("Semua baris dicatat.", "Every line was recorded."),
                &outcome.problems,
            ));
            page.render(StatusCode::OK)
        }
        Err(AccessError::Invalid(errors)) => {
            page.error = Some(errors.iter().map(|e| l.pick(&e.id, &e.en).to_string()).collect::<Vec<_>>().join(" "));
            page.render(StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => refusal(&user, "/sosialisasi", &error),
    }
}

// ----- Public check-in and quiz -----

fn checkin_form(l: Locale, token: &str) -> FormSpec {
    FormSpec::new(
        format!("/hadir/{token}"),
        l.pick("Hadir", "Check in"),
        vec![Field::new("nip", "NIP / NI PPPK", FieldKind::Text, "").autocomplete("off")],
    )
}

/// `GET /hadir/{token}`: the page the session's QR code opens.
pub async fn checkin_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(token): Path<String>,
) -> Response {
    let l = locale_of(&headers, uri.query());
    let csrf = csrf_for(&headers);
    let session = match state.store.socialisation_by_token(&token).await {
        Ok(Some(session)) => session,
        Ok(None) => {
            let mut page = StaffPage::anonymous(l, "/hadir", &csrf, l.pick("Daftar hadir", "Check-in"));
            page.error = Some(l.pick("Kode QR ini tidak dikenal.", "Unknown QR code.").into());
            return page.render(StatusCode::NOT_FOUND);
        }
        Err(error) => return internal(error),
    };
    let page = StaffPage::anonymous(l, "/hadir", &csrf, session.title.clone())
        .lead(format!("{} · {} · {}", session.held_on, session.place, session.agency))
        .section(Section::Form(checkin_form(l, &token)));
    with_csrf_cookie(&state, &csrf, page.render(StatusCode::OK))
}

#[derive(Debug, Default, Deserialize)]
pub struct CheckinForm {
    #[serde(default)]
    nip: String,
    #[serde(default)]
    csrf: String,
}

/// `POST /hadir/{token}`: checks in and shows the session's quiz.
pub async fn checkin(State(state): State<AppState>, Path(token): Path<String>, request: Request) -> Response {
    let l = locale_of(request.headers(), None);
    let address = client_address(request.extensions());
    let Ok(Form(form)) = Form::<CheckinForm>::from_request(request, &state).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let at = (state.now)();
    let key = format!("hadir:{address}");
    match throttled(&state, &key, MAX_CHECKIN_FAILURES).await {
        Ok(true) => {
            let mut page = StaffPage::anonymous(l, "/hadir", &form.csrf, l.pick("Daftar hadir", "Check-in"));
            page.error = Some(
                l.pick("Terlalu banyak percobaan. Coba lagi nanti.", "Too many attempts. Try again later.").into(),
            );
            return page.render(StatusCode::TOO_MANY_REQUESTS);
        }
        Ok(false) => {}
        Err(response) => return response,
    }
    match casework::check_in(state.store.as_ref(), &token, &form.nip, at).await {
        Ok(Some((session, person))) => {
            let questions = casework::session_quiz(&session);
            let mut fields = vec![Field::new("nip", "", FieldKind::Hidden, person.nip.clone())];
            for (i, question) in questions.iter().enumerate().take(ANSWER_FIELDS.len()) {
                let options = vec![
                    (String::new(), l.pick("— pilih —", "— choose —").to_string()),
                    ("boleh".to_string(), l.pick("Boleh", "Allowed").to_string()),
                    ("tidak".to_string(), l.pick("Tidak boleh", "Not allowed").to_string()),
                ];
                fields.push(Field::new(
                    ANSWER_FIELDS[i],
                    format!("{}. {}", i + 1, question.situation(l)),
                    FieldKind::Select(options),
                    "",
                ));
            }
            StaffPage::anonymous(l, "/hadir", &form.csrf, session.title.clone())
                .lead(format!(
                    "{} {}.",
                    l.pick("Terima kasih, kehadiran Anda tercatat:", "Thank you, you are checked in:"),
                    person.display_name()
                ))
                .section(Section::Form(
                    FormSpec::new(format!("/hadir/{token}/kuis"), l.pick("Kirim jawaban", "Send answers"), fields)
                        .heading(l.pick("Kuis singkat: boleh atau tidak?", "Short quiz: allowed or not?")),
                ))
                .render(StatusCode::OK)
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(AccessError::Invalid(errors)) => {
            if let Err(response) = count_failure(&state, &key).await {
                return response;
            }
            let mut page = StaffPage::anonymous(l, "/hadir", &form.csrf, l.pick("Daftar hadir", "Check-in"))
                .section(Section::Form(checkin_form(l, &token)));
            page.error = errors.first().map(|e| l.pick(&e.id, &e.en).to_string());
            page.render(StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => internal(error),
    }
}

/// `POST /hadir/{token}/kuis`: scores the answers once.
pub async fn answer(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let l = locale_of(&headers, None);
    let answers: Vec<Option<bool>> = ANSWER_FIELDS
        .iter()
        .map(|name| match field_of(&form, name).as_str() {
            "boleh" => Some(true),
            "tidak" => Some(false),
            _ => None,
        })
        .collect();
    let csrf = field_of(&form, "csrf");
    match casework::answer_quiz(state.store.as_ref(), &token, &field_of(&form, "nip"), &answers).await {
        Ok(Some((score, total))) => StaffPage::anonymous(l, "/hadir", &csrf, l.pick("Hasil kuis", "Quiz result"))
            .lead(format!("{} {score}/{total}.", l.pick("Jawaban benar:", "Right answers:")))
            .section(Section::Links(vec![(
                "/boleh-atau-tidak".into(),
                l.pick("Periksa situasi lain: boleh atau tidak?", "Check another situation: allowed or not?").into(),
                String::new(),
            )]))
            .render(StatusCode::OK),
        Ok(None) => {
            let mut page = StaffPage::anonymous(l, "/hadir", &csrf, l.pick("Hasil kuis", "Quiz result"));
            page.error = Some(
                l.pick(
                    "Jawaban tidak dapat dicatat: belum hadir di sesi ini, atau sudah menjawab.",
                    "The answers cannot be recorded: not checked in to this session, or already answered.",
                )
                .into(),
            );
            page.render(StatusCode::CONFLICT)
        }
        Err(error) => internal(error),
    }
}
