//! Cyber-patrol pages (`/patroli`): upload a batch of social-media posts (JSONL or CSV) for the screening engine,
//! see what it flagged, review the flagged posts of known civil servants' accounts (open a finding with the post
//! as evidence, or set it aside with a reason), and keep the list of known accounts.
//!
//! Handlers translate HTTP to calls on [`PatrolDesk`], which decides permission and jurisdiction; screening runs
//! on a blocking thread.

use axum::Form;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use netra_core::Locale;
use netra_core::calendar::TimeZone;
use netra_core::patrol::{ACCOUNT_COLUMNS, Platform};
use netra_store::access::{AccessError, FieldError};
use netra_store::casework::{MAX_ACCOUNT_FILE_BYTES, MAX_BATCH_BYTES, PATROL_PAGE, PatrolDesk, screen_batch};
use netra_store::patrol::{FlaggedAct, FlaggedPost, PatrolBatch, Review};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{CsrfExpected, SessionUser, Staff};
use crate::cases::{marked_parts, region_name, screener_for};
use crate::staff::{Cell, Field, FieldKind, FormSpec, NoticeQuery, Section, StaffPage, Table, now, refusal};

/// Largest request body of a batch upload.
pub const BATCH_BODY_LIMIT: usize = MAX_BATCH_BYTES + 1024 * 1024;

fn desk<'u>(state: &AppState, user: &'u SessionUser) -> Result<PatrolDesk<'u>, Box<Response>> {
    user.principal.patrol_desk(&state.store).map_err(|error| Box::new(refusal(user, "/patroli", &error)))
}

macro_rules! desk_or_refuse {
    ($state:expr, $user:expr) => {
        match desk(&$state, &$user) {
            Ok(desk) => desk,
            Err(response) => return *response,
        }
    };
}

fn local_time(at: time::OffsetDateTime) -> String {
    let local = at.to_offset(TimeZone::Wib.offset());
    format!("{} {:02}:{:02} WIB", local.date(), local.hour(), local.minute())
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{}…", cut.trim_end())
}

fn act_names(post: &FlaggedPost, l: Locale) -> String {
    post.acts().iter().map(|a| a.act.describe(l)).collect::<Vec<_>>().join(", ")
}

fn platform_name(post: &FlaggedPost) -> &'static str {
    post.platform.map_or("–", Platform::name)
}

fn review_name(review: Review, l: Locale) -> &'static str {
    match review {
        Review::None => l.pick("akun tidak dikenal", "unknown account"),
        Review::Pending => l.pick("menunggu tinjauan", "awaiting review"),
        Review::Dismissed => l.pick("dikesampingkan", "set aside"),
        Review::Opened => l.pick("temuan dibuka", "finding opened"),
    }
}

// ----- Uploads -----

/// A multipart form with one data file: its text fields and the file's name and bytes.
pub(crate) struct DataUpload {
    fields: Vec<(String, String)>,
    file: Option<(String, Vec<u8>)>,
    too_large: bool,
}

impl DataUpload {
    pub(crate) fn get(&self, name: &str) -> String {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }
}

/// Reads a multipart form with one data file of at most `limit` bytes, and checks its CSRF field against the
/// value the CSRF guard passed along.
pub(crate) async fn read_data_upload(state: &AppState, request: Request, limit: usize) -> Result<DataUpload, Response> {
    let expected = request.extensions().get::<CsrfExpected>().cloned().and_then(|e| e.0);
    let mut multipart = Multipart::from_request(request, state).await.map_err(IntoResponse::into_response)?;
    let broken = |e: axum::extract::multipart::MultipartError| {
        (StatusCode::BAD_REQUEST, format!("Unggahan rusak atau terputus. / Broken upload: {e}")).into_response()
    };
    let mut upload = DataUpload { fields: Vec::new(), file: None, too_large: false };
    while let Some(mut field) = multipart.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or_default().to_string();
        match field.file_name().map(str::to_string) {
            Some(file_name) if !file_name.is_empty() && upload.file.is_none() => {
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(broken)? {
                    if bytes.len() + chunk.len() > limit {
                        upload.too_large = true;
                        continue;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                upload.file = Some((file_name, bytes));
            }
            Some(_) => while field.chunk().await.map_err(broken)?.is_some() {},
            None => {
                let value = field.text().await.map_err(broken)?;
                upload.fields.push((name, value));
            }
        }
    }
    if let Some(refusal) = crate::auth::upload_token_refusal(expected.as_deref(), &upload.get("csrf")) {
        return Err(refusal);
    }
    Ok(upload)
}

/// The file of an upload, or the error to show beside the file field.
pub(crate) fn upload_file(upload: DataUpload, limit: usize) -> Result<(String, Vec<u8>), FieldError> {
    if upload.too_large {
        return Err(FieldError::new(
            "file",
            format!("Berkas lebih dari {} MB; bagi menjadi beberapa berkas.", limit / 1024 / 1024),
            format!("The file is larger than {} MB; split it into several files.", limit / 1024 / 1024),
        ));
    }
    match upload.file {
        Some((name, bytes)) if !bytes.is_empty() => Ok((name, bytes)),
        _ => Err(FieldError::new("file", "Pilih berkas.", "Choose a file.")),
    }
}

// ----- Batches -----

async fn election_options(state: &AppState, l: Locale) -> Vec<(String, String)> {
    let mut options = vec![(String::new(), l.pick("(daftar calon bawaan)", "(built-in candidate lists)").to_string())];
    options.extend(crate::admin::election_options(state, l).await);
    options
}

async fn upload_form(state: &AppState, l: Locale, election: &str) -> FormSpec {
    FormSpec::new(
        "/patroli",
        l.pick("Saring", "Screen"),
        vec![
            Field::new(
                "file",
                l.pick("Berkas unggahan (JSONL atau CSV)", "Post file (JSONL or CSV)"),
                FieldKind::DataFile,
                "",
            )
            .help(l.pick(
                "Satu unggahan per baris. Kolom/kunci: akun, url, waktu, teks (platform dan id boleh). Waktu \
                     seperti 2024-10-05 08:30 (WIB) atau 2024-10-05T08:30:00+07:00. Paling besar 32 MB.",
                "One post per line. Columns/keys: akun (account), url, waktu (time), teks (text); platform and id \
                     optional. Times like 2024-10-05 08:30 (WIB) or 2024-10-05T08:30:00+07:00. At most 32 MB.",
            )),
            Field::new(
                "election",
                l.pick("Pemilihan (untuk daftar pasangan calon)", "Election (for the candidate pairs)"),
                FieldKind::Select(election_options(state, l).await),
                election,
            ),
        ],
    )
    .heading(l.pick("Saring batch unggahan", "Screen a batch of posts"))
    .multipart()
}

fn batches_table(batches: &[PatrolBatch], l: Locale) -> Table {
    Table {
        caption: l.pick("Batch terakhir", "Recent batches").into(),
        headers: vec![
            l.pick("Waktu", "Time").into(),
            l.pick("Berkas", "File").into(),
            l.pick("Wilayah kantor", "Office region").into(),
            l.pick("Unggahan", "Posts").into(),
            l.pick("Ditandai", "Flagged").into(),
            l.pick("Ke antrean", "Queued").into(),
            l.pick("Baris bermasalah", "Bad lines").into(),
        ],
        rows: batches
            .iter()
            .map(|b| {
                vec![
                    Cell::link(local_time(b.created_at), format!("/patroli/batch/{}", b.id)),
                    Cell::text(&b.file_name),
                    Cell::text(b.region.as_ref().map_or_else(|| l.pick("nasional", "national").into(), region_name)),
                    Cell::text(b.posts.to_string()),
                    Cell::text(b.flagged.to_string()),
                    Cell::text(b.queued.to_string()),
                    Cell::text(b.problem_count.to_string()),
                ]
            })
            .collect(),
        empty: l.pick("Belum ada batch.", "No batches yet.").into(),
    }
}

async fn patrol_page(user: &SessionUser, desk: &PatrolDesk<'_>, form: FormSpec) -> StaffPage {
    let l = user.locale;
    let batches = desk.batches(50).await.unwrap_or_default();
    let waiting = desk.queue(PATROL_PAGE).await.map(|q| q.len()).unwrap_or(0);
    StaffPage::for_user(user, "/patroli", l.pick("Patroli siber", "Cyber patrol"))
        .lead(l.pick(
            "Mesin penyaring membaca unggahan media sosial dan menandai yang melanggar netralitas. Unggahan yang \
             ditandai dari akun ASN yang dikenal masuk antrean tinjauan wilayah akun itu.",
            "The screening engine reads social-media posts and flags those that breach neutrality. Flagged posts \
             of known civil servants' accounts go to the review queue of the account's region.",
        ))
        .section(Section::Form(form))
        .section(Section::Links(vec![
            (
                "/patroli/antrian".into(),
                format!("{} ({waiting})", l.pick("Antrean tinjauan", "Review queue")),
                l.pick("unggahan ASN yang menunggu", "civil servants' posts waiting").into(),
            ),
            (
                "/patroli/akun".into(),
                l.pick("Akun ASN yang dikenal", "Known civil servants' accounts").into(),
                l.pick("daftar dan impor CSV", "list and CSV import").into(),
            ),
        ]))
        .section(Section::Table(batches_table(&batches, l)))
}

/// `GET /patroli`: the upload form, the queue's size and the recent batches.
pub async fn home(State(state): State<AppState>, Staff(user): Staff) -> Response {
    let desk = desk_or_refuse!(state, user);
    let form = upload_form(&state, user.locale, "").await;
    patrol_page(&user, &desk, form).await.render(StatusCode::OK)
}

/// `POST /patroli` (multipart): screens a batch and shows it.
pub async fn upload(State(state): State<AppState>, Staff(user): Staff, request: Request) -> Response {
    let l = user.locale;
    // Refuse before reading the body.
    let desk = desk_or_refuse!(state, user);
    let upload = match read_data_upload(&state, request, MAX_BATCH_BYTES).await {
        Ok(upload) => upload,
        Err(response) => return response,
    };
    let election = upload.get("election").trim().to_string();
    let election = (!election.is_empty()).then_some(election);
    let failed = |error: FieldError| async {
        let form = upload_form(&state, l, election.as_deref().unwrap_or("")).await;
        let (form, _) = form.with_errors(&[error], l);
        let mut page = patrol_page(&user, &desk, form).await;
        page.error = Some(l.pick("Periksa isian yang ditandai.", "Check the marked fields.").into());
        page.render(StatusCode::UNPROCESSABLE_ENTITY)
    };
    let (file_name, bytes) = match upload_file(upload, MAX_BATCH_BYTES) {
        Ok(file) => file,
        Err(error) => return failed(error).await,
    };
    let screener = screener_for(&state, election.as_deref()).await;
    let screened = match tokio::task::spawn_blocking(move || screen_batch(&screener, &file_name, &bytes)).await {
        Ok(screened) => screened,
        Err(error) => return crate::staff::internal(error),
    };
    if screened.posts == 0 {
        let first = screened.problems.first().map(|p| (p.describe(Locale::Id), p.describe(Locale::En)));
        let (id, en) = first.unwrap_or_else(|| ("Berkas kosong.".into(), "The file is empty.".into()));
        return failed(FieldError::new(
            "file",
            format!("Tidak ada unggahan yang terbaca. {id}"),
            format!("No post could be read. {en}"),
        ))
        .await;
    }
    match desk.record(screened, election.clone(), now(&state)).await {
        Ok(batch) => Redirect::to(&format!("/patroli/batch/{}", batch.id)).into_response(),
        Err(AccessError::Invalid(errors)) => match errors.into_iter().next() {
            Some(error) => failed(error).await,
            None => refusal(&user, "/patroli", &AccessError::Invalid(Vec::new())),
        },
        Err(error) => refusal(&user, "/patroli", &error),
    }
}

fn posts_table(posts: &[FlaggedPost], l: Locale, caption: String) -> Table {
    let headers = vec![
        l.pick("Baris", "Line").into(),
        l.pick("Akun", "Account").into(),
        l.pick("Waktu", "Time").into(),
        l.pick("Teks", "Text").into(),
        l.pick("Skor", "Score").into(),
        l.pick("Jenis", "Kind").into(),
        l.pick("Tinjauan", "Review").into(),
    ];
    Table {
        caption,
        headers,
        rows: posts
            .iter()
            .map(|p| {
                let account = format!("{} ({})", p.account, platform_name(p));
                let review = match &p.case_id {
                    Some(case) => Cell::link(review_name(p.review, l), format!("/kasus/{case}")),
                    None => Cell::text(review_name(p.review, l)),
                };
                vec![
                    Cell::text(p.line.to_string()),
                    if p.account_id.is_some() {
                        Cell::link(account, format!("/patroli/unggahan/{}", p.id))
                    } else {
                        Cell::text(account)
                    },
                    Cell::text(local_time(p.posted_at)),
                    Cell::text(shorten(&p.text, 160)),
                    Cell::text(format!("{:.2}", p.score)),
                    Cell::text(act_names(p, l)),
                    review,
                ]
            })
            .collect(),
        empty: l.pick("Tidak ada unggahan yang ditandai.", "No post was flagged.").into(),
    }
}

/// `GET /patroli/batch/{id}`: a batch's counts, bad lines and flagged posts.
pub async fn batch(State(state): State<AppState>, Staff(user): Staff, Path(id): Path<String>) -> Response {
    let l = user.locale;
    let desk = desk_or_refuse!(state, user);
    let (batch, posts) = match desk.batch(&id).await {
        Ok(found) => found,
        Err(error) => return refusal(&user, "/patroli", &error),
    };
    let mut page = StaffPage::for_user(&user, "/patroli", format!("{} {}", l.pick("Batch", "Batch"), batch.file_name))
        .section(Section::Facts(vec![
            (l.pick("Diunggah", "Uploaded").into(), local_time(batch.created_at)),
            (l.pick("SHA-256 berkas", "File SHA-256").into(), batch.sha256.clone()),
            (l.pick("Pemilihan", "Election").into(), batch.election_id.clone().unwrap_or_else(|| "–".into())),
            (l.pick("Baris terbaca", "Lines read").into(), batch.lines.to_string()),
            (l.pick("Unggahan disaring", "Posts screened").into(), batch.posts.to_string()),
            (l.pick("Ditandai melanggar", "Flagged").into(), batch.flagged.to_string()),
            (
                l.pick("Masuk antrean (akun ASN dikenal)", "Queued (known civil servants' accounts)").into(),
                batch.queued.to_string(),
            ),
            (l.pick("Baris bermasalah (dilewati)", "Bad lines (skipped)").into(), batch.problem_count.to_string()),
        ]));
    if batch.problem_count > 0 {
        page = page.section(Section::Table(Table {
            caption: if batch.problem_count as usize > batch.problems.len() {
                format!(
                    "{} ({} {})",
                    l.pick("Baris bermasalah", "Bad lines"),
                    batch.problems.len(),
                    l.pick("pertama ditampilkan", "first shown")
                )
            } else {
                l.pick("Baris bermasalah", "Bad lines").into()
            },
            headers: vec![
                l.pick("Baris", "Line").into(),
                l.pick("Kolom", "Field").into(),
                l.pick("Masalah", "Problem").into(),
            ],
            rows: batch
                .problems
                .iter()
                .map(|p| vec![Cell::text(p.line.to_string()), Cell::text(p.field), Cell::text(l.pick(&p.id, &p.en))])
                .collect(),
            empty: String::new(),
        }));
    }
    let caption = l.pick("Unggahan yang ditandai", "Flagged posts").to_string();
    page.section(Section::Table(posts_table(&posts, l, caption))).render(StatusCode::OK)
}

// ----- Review queue -----

/// `GET /patroli/antrian`: flagged posts of known accounts in the jurisdiction waiting for review.
pub async fn queue(
    State(state): State<AppState>,
    Staff(user): Staff,
    axum::extract::Query(notice): axum::extract::Query<NoticeQuery>,
) -> Response {
    let l = user.locale;
    let desk = desk_or_refuse!(state, user);
    let posts = match desk.queue(PATROL_PAGE).await {
        Ok(posts) => posts,
        Err(error) => return refusal(&user, "/patroli/antrian", &error),
    };
    let mut names = std::collections::HashMap::new();
    for post in &posts {
        if let Some(id) = &post.account_id
            && !names.contains_key(id)
            && let Ok(Some(account)) = state.store.asn_account(id).await
        {
            names.insert(id.clone(), format!("{} – {}", account.name, account.position));
        }
    }
    let table = Table {
        caption: l.pick("Menunggu tinjauan, unggahan terlama dahulu", "Waiting for review, oldest post first").into(),
        headers: vec![
            l.pick("Akun", "Account").into(),
            l.pick("ASN", "Civil servant").into(),
            l.pick("Wilayah", "Region").into(),
            l.pick("Waktu", "Time").into(),
            l.pick("Teks", "Text").into(),
            l.pick("Skor", "Score").into(),
            l.pick("Jenis", "Kind").into(),
        ],
        rows: posts
            .iter()
            .map(|p| {
                vec![
                    Cell::link(format!("{} ({})", p.account, platform_name(p)), format!("/patroli/unggahan/{}", p.id)),
                    Cell::text(p.account_id.as_ref().and_then(|id| names.get(id)).cloned().unwrap_or_default()),
                    Cell::text(p.region.as_ref().map(region_name).unwrap_or_default()),
                    Cell::text(local_time(p.posted_at)),
                    Cell::text(shorten(&p.text, 160)),
                    Cell::text(format!("{:.2}", p.score)),
                    Cell::text(act_names(p, l)),
                ]
            })
            .collect(),
        empty: l.pick("Antrean kosong.", "The queue is empty.").into(),
    };
    StaffPage::for_user(&user, "/patroli/antrian", l.pick("Antrean tinjauan patroli", "Patrol review queue"))
        .notice_from(&notice, l)
        .lead(l.pick(
            "Buka tiap unggahan, periksa, lalu buka temuan atau kesampingkan dengan alasan.",
            "Open each post, check it, then open a finding or set it aside with a reason.",
        ))
        .section(Section::Table(table))
        .render(StatusCode::OK)
}

async fn post_page(state: &AppState, user: &SessionUser, post: &FlaggedPost, reason: &str) -> StaffPage {
    let l = user.locale;
    let account = match &post.account_id {
        Some(id) => state.store.asn_account(id).await.ok().flatten(),
        None => None,
    };
    let mut facts = vec![
        (l.pick("Akun", "Account").into(), format!("{} ({})", post.account, platform_name(post))),
        (l.pick("Alamat unggahan", "Post address").into(), post.url.clone().unwrap_or_else(|| "–".into())),
        (l.pick("Waktu unggah", "Posted").into(), local_time(post.posted_at)),
        (l.pick("Skor pelanggaran", "Violation score").into(), format!("{:.2}", post.score)),
        (l.pick("Status", "Status").into(), review_name(post.review, l).into()),
    ];
    if let Some(account) = &account {
        facts.insert(
            1,
            (
                l.pick("ASN pemilik akun", "Civil servant").into(),
                format!(
                    "{} – {} ({}){}",
                    account.name,
                    account.position,
                    region_name(&account.region),
                    account.nip.as_deref().map(|n| format!(", NIP {n}")).unwrap_or_default()
                ),
            ),
        );
    }
    if let Some(note) = &post.review_note {
        facts.push((l.pick("Alasan dikesampingkan", "Reason set aside").into(), note.clone()));
    }
    let catalogue = netra_core::builtin::catalogue();
    let acts = post
        .acts()
        .into_iter()
        .map(|FlaggedAct { act, score, items }| {
            let items = items
                .iter()
                .filter_map(|code| catalogue.get(code).map(|i| format!("{} ({})", i.code, i.level.name(l))))
                .collect::<Vec<_>>()
                .join("; ");
            vec![Cell::text(act.describe(l)), Cell::text(format!("{score:.2}")), Cell::text(items)]
        })
        .collect();
    let mut page = StaffPage::for_user(user, "/patroli/antrian", l.pick("Unggahan yang ditandai", "Flagged post"))
        .section(Section::Facts(facts))
        .section(Section::Marked(marked_parts(&post.text, post.evidence().iter().map(|e| (e.start, e.end)))))
        .section(Section::Table(Table {
            caption: l
                .pick(
                    "Jenis pelanggaran menurut mesin penyaring (petugas memastikan)",
                    "Kinds of violation according to the screening engine (staff confirm)",
                )
                .into(),
            headers: vec![
                l.pick("Jenis", "Kind").into(),
                l.pick("Skor", "Score").into(),
                l.pick("Butir katalog", "Catalogue items").into(),
            ],
            rows: acts,
            empty: String::new(),
        }));
    let candidates = post.candidates();
    if !candidates.is_empty() {
        let named: Vec<String> = candidates
            .iter()
            .map(|(number, name)| format!("{} {number} – {name}", l.pick("Nomor", "Number")))
            .collect();
        page = page.section(Section::Text(format!(
            "{}: {}",
            l.pick("Calon yang disebut", "Candidates named"),
            named.join("; ")
        )));
    }
    match (post.review, &post.case_id) {
        (Review::Pending, _) => {
            page = page
                .section(Section::Form(
                    FormSpec::new(
                        format!("/patroli/unggahan/{}/temuan", post.id),
                        l.pick("Buka temuan", "Open a finding"),
                        vec![],
                    )
                    .heading(l.pick(
                        "Buka temuan dengan unggahan ini sebagai bukti",
                        "Open a finding with this post as evidence",
                    )),
                ))
                .section(Section::Form(
                    FormSpec::new(
                        format!("/patroli/unggahan/{}/abaikan", post.id),
                        l.pick("Kesampingkan", "Set aside"),
                        vec![Field::new("reason", l.pick("Alasan", "Reason"), FieldKind::Textarea, reason).help(
                            l.pick(
                                "Misalnya: akun parodi, unggahan lama, bukan ajakan memilih.",
                                "E.g. a parody account, an old post, not a call to vote.",
                            ),
                        )],
                    )
                    .heading(l.pick("Kesampingkan", "Set aside"))
                    .danger(),
                ));
        }
        (_, Some(case)) => {
            page = page.section(Section::Nav(vec![(
                format!("/kasus/{case}"),
                l.pick("Buka kasus", "Open the case").into(),
                false,
            )]));
        }
        _ => {}
    }
    page
}

/// `GET /patroli/unggahan/{id}`: a queued post with the engine's evidence and the review forms.
pub async fn post(State(state): State<AppState>, Staff(user): Staff, Path(id): Path<String>) -> Response {
    let desk = desk_or_refuse!(state, user);
    match desk.queued_post(&id).await {
        Ok(post) => post_page(&state, &user, &post, "").await.render(StatusCode::OK),
        Err(error) => refusal(&user, "/patroli/antrian", &error),
    }
}

/// `POST /patroli/unggahan/{id}/temuan`: opens a finding from the post and goes to the new case.
pub async fn open_finding(State(state): State<AppState>, Staff(user): Staff, Path(id): Path<String>) -> Response {
    let desk = desk_or_refuse!(state, user);
    match desk.open_finding(&state.vault, &id, now(&state)).await {
        Ok(submitted) => Redirect::to(&format!("/kasus/{}", submitted.case_id)).into_response(),
        Err(AccessError::Conflict(what)) => {
            let l = user.locale;
            let Ok(post) = desk.queued_post(&id).await else {
                return refusal(&user, "/patroli/antrian", &AccessError::NotFound);
            };
            let mut page = post_page(&state, &user, &post, "").await;
            page.error = Some(format!("{} {what}", l.pick("Tidak dapat dibuka:", "Cannot be opened:")));
            page.render(StatusCode::CONFLICT)
        }
        Err(error) => refusal(&user, "/patroli/antrian", &error),
    }
}

#[derive(Debug, Deserialize)]
pub struct DismissForm {
    #[serde(default)]
    reason: String,
}

/// `POST /patroli/unggahan/{id}/abaikan`: sets the post aside with a reason.
pub async fn dismiss(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    Form(form): Form<DismissForm>,
) -> Response {
    let desk = desk_or_refuse!(state, user);
    match desk.dismiss(&id, &form.reason, now(&state)).await {
        Ok(()) => Redirect::to("/patroli/antrian?ok=disimpan").into_response(),
        Err(error @ (AccessError::Invalid(_) | AccessError::Conflict(_))) => {
            let Ok(post) = desk.queued_post(&id).await else {
                return refusal(&user, "/patroli/antrian", &AccessError::NotFound);
            };
            let page = post_page(&state, &user, &post, &form.reason).await;
            let index = page.sections.iter().rposition(|s| matches!(s, Section::Form(_))).unwrap_or(0);
            crate::staff::form_failed(page, index, error, &user, "/patroli/antrian")
        }
        Err(error) => refusal(&user, "/patroli/antrian", &error),
    }
}

// ----- Known accounts -----

fn import_form(l: Locale) -> FormSpec {
    FormSpec::new(
        "/patroli/akun",
        l.pick("Impor", "Import"),
        vec![Field::new("file", l.pick("Berkas CSV akun", "Accounts CSV file"), FieldKind::DataFile, "").help(
            format!(
            "{} {}. {}",
            l.pick("Kepala kolom:", "Header:"),
            ACCOUNT_COLUMNS.join(","),
            l.pick(
                "Platform: facebook, instagram, x, tiktok, youtube, threads atau lain; akun: @nama atau alamat profil; \
                 instansi: kode instansi di Netra (boleh kosong). Semua baris diimpor atau tidak sama sekali; akun \
                 yang sudah ada diperbarui.",
                "Platform: facebook, instagram, x, tiktok, youtube, threads or lain; account: @name or profile \
                 address; instansi: the agency's id in Netra (may be empty). All rows are imported or none; \
                 existing accounts are updated.",
            )
        ),
        )],
    )
    .heading(l.pick("Impor akun ASN", "Import civil servants' accounts"))
    .multipart()
}

async fn accounts_page(user: &SessionUser, desk: &PatrolDesk<'_>, form: FormSpec) -> StaffPage {
    let l = user.locale;
    let accounts = desk.accounts(1000).await.unwrap_or_default();
    let table = Table {
        caption: l
            .pick("Akun ASN yang dikenal di wilayah Anda", "Known civil servants' accounts in your region")
            .into(),
        headers: vec![
            l.pick("Nama", "Name").into(),
            l.pick("Jabatan", "Position").into(),
            "NIP".into(),
            l.pick("Wilayah", "Region").into(),
            "Platform".into(),
            l.pick("Akun", "Account").into(),
        ],
        rows: accounts
            .iter()
            .map(|a| {
                vec![
                    Cell::text(&a.name),
                    Cell::text(&a.position),
                    Cell::text(a.nip.clone().unwrap_or_default()),
                    Cell::text(region_name(&a.region)),
                    Cell::text(a.platform.name()),
                    Cell::text(&a.handle),
                ]
            })
            .collect(),
        empty: l.pick("Belum ada akun.", "No accounts yet.").into(),
    };
    StaffPage::for_user(user, "/patroli/akun", l.pick("Akun ASN yang dikenal", "Known civil servants' accounts"))
        .section(Section::Form(form))
        .section(Section::Table(table))
}

/// `GET /patroli/akun`: the known accounts and the import form.
pub async fn accounts(
    State(state): State<AppState>,
    Staff(user): Staff,
    axum::extract::Query(notice): axum::extract::Query<NoticeQuery>,
) -> Response {
    let desk = desk_or_refuse!(state, user);
    accounts_page(&user, &desk, import_form(user.locale)).await.notice_from(&notice, user.locale).render(StatusCode::OK)
}

/// `POST /patroli/akun` (multipart): imports a known-accounts CSV, all rows or none.
pub async fn import_accounts(State(state): State<AppState>, Staff(user): Staff, request: Request) -> Response {
    let l = user.locale;
    let desk = desk_or_refuse!(state, user);
    let upload = match read_data_upload(&state, request, MAX_ACCOUNT_FILE_BYTES).await {
        Ok(upload) => upload,
        Err(response) => return response,
    };
    let result = match upload_file(upload, MAX_ACCOUNT_FILE_BYTES) {
        Ok((_, bytes)) => desk.import_accounts(&bytes, now(&state)).await,
        Err(error) => Err(AccessError::Invalid(vec![error])),
    };
    match result {
        Ok(import) => {
            let text = format!(
                "{} {} {}, {} {}.",
                l.pick("Impor selesai:", "Import done:"),
                import.added,
                l.pick("akun ditambah", "accounts added"),
                import.updated,
                l.pick("diperbarui", "updated")
            );
            let mut page = accounts_page(&user, &desk, import_form(l)).await;
            page.notice = Some(text);
            page.render(StatusCode::OK)
        }
        Err(AccessError::Invalid(errors)) => {
            // Rows outside the jurisdiction make the import a refusal (403), still listing every line.
            let status = if errors.iter().any(|e| e.field == "jurisdiction") {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            const SHOWN: usize = 50;
            let mut lines: Vec<String> = errors.iter().take(SHOWN).map(|e| l.pick(&e.id, &e.en).to_string()).collect();
            if errors.len() > SHOWN {
                lines.push(format!("{} {}", errors.len() - SHOWN, l.pick("masalah lainnya", "more problems")));
            }
            let mut page = accounts_page(&user, &desk, import_form(l)).await;
            page.error = Some(format!(
                "{} {}",
                l.pick(
                    "Tidak ada yang diimpor. Perbaiki baris berikut lalu unggah ulang:",
                    "Nothing was imported. Fix these lines and upload again:"
                ),
                lines.join(" · ")
            ));
            page.render(status)
        }
        Err(error) => refusal(&user, "/patroli/akun", &error),
    }
}
