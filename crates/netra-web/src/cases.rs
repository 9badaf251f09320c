//! Staff case pages: the work list (`/kasus`), a case with everything needed to decide on it (`/kasus/{id}`),
//! the forms that act on it, staff intake (`/kasus/baru`), evidence download and the office inbox
//! (`/kotak-masuk`).
//!
//! Handlers translate HTTP to calls on [`CaseDesk`], which decides scope and permission; pages only show what
//! the desk returned and offer the actions the workflow allows the viewer.

use axum::Form;
use axum::extract::{Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use netra_core::Locale;
use netra_core::access::Permission;
use netra_core::calendar::TimeZone;
use netra_core::catalogue::{ActLabel, SanctionLevel};
use netra_core::clock::{Deadline, TimeLeft};
use netra_core::intake::{CaseOrigin, ReporterMode};
use netra_core::locale::Localized;
use netra_core::region::RegionCode;
use netra_core::workflow::{Action, ActionKind, CaseState, Holder, required_fields};
use netra_store::access::{AccessError, FieldError};
use netra_store::cases::{CaseQuery, CaseRecord, Cursor, WorkTab};
use netra_store::casework::{CaseDesk, CaseFile, FactsInput, HandOff, assess_case, local_today, validate_report};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{SessionUser, Staff};
use crate::report::{read_form_upload, upload_to_input};
use crate::staff::{
    Cell, Field, FieldKind, FormSpec, NoticeQuery, Section, StaffPage, Table, internal, now, refusal, url_encode,
};

/// Days ahead that count as "due soon" on the work list.
pub const DUE_SOON_DAYS: i64 = 3;
/// Rows per page of the work list.
const PAGE_SIZE: u32 = 50;

fn desk<'u>(state: &AppState, user: &'u SessionUser) -> Result<CaseDesk<'u>, Box<Response>> {
    user.principal.case_desk(&state.store).map_err(|error| Box::new(refusal(user, "/kasus", &error)))
}

/// The date today where the viewer's office is (WIB for national offices).
pub(crate) fn office_today(state: &AppState, user: &SessionUser) -> time::Date {
    let region = user.principal.office.region.unwrap_or(RegionCode::province(31));
    local_today(&region, now(state))
}

pub(crate) fn region_name(code: &RegionCode) -> String {
    match netra_core::builtin::regions().get(code) {
        Some(region) => format!("{} {}", code, region.name),
        None => code.to_string(),
    }
}

fn parse_date(text: &str) -> Option<time::Date> {
    time::Date::parse(text.trim(), &time::format_description::well_known::Iso8601::DATE).ok()
}

// ----- Work list -----

/// `/kasus` filters; all optional.
#[derive(Debug, Deserialize, Default)]
pub struct ListQuery {
    /// For `/kasus/ekspor`: `csv` (default) or `xlsx`.
    #[serde(default)]
    pub(crate) format: String,
    #[serde(default)]
    tab: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    jenis: String,
    #[serde(default)]
    wilayah: String,
    #[serde(default)]
    instansi: String,
    #[serde(default)]
    dari: String,
    #[serde(default)]
    sampai: String,
    #[serde(default)]
    setelah: String,
    #[serde(default)]
    nomor: String,
}

impl ListQuery {
    /// The query string of these filters with another tab and cursor.
    fn link(&self, tab: &str, after: Option<&str>) -> String {
        let mut pairs = vec![("tab", tab.to_string())];
        for (name, value) in [
            ("status", &self.status),
            ("jenis", &self.jenis),
            ("wilayah", &self.wilayah),
            ("instansi", &self.instansi),
            ("dari", &self.dari),
            ("sampai", &self.sampai),
        ] {
            if !value.trim().is_empty() {
                pairs.push((name, value.trim().to_string()));
            }
        }
        if let Some(after) = after {
            pairs.push(("setelah", after.to_string()));
        }
        format!("/kasus?{}", serde_urlencoded::to_string(pairs).unwrap_or_default())
    }
}

const TABS: [(&str, &str, &str); 5] = [
    ("semua", "Semua", "All"),
    ("segera", "Segera jatuh tempo", "Due soon"),
    ("lewat", "Lewat batas waktu", "Overdue"),
    ("saya", "Menunggu kami", "Waiting for us"),
    ("lain", "Menunggu pihak lain", "Waiting for others"),
];

/// Parses the filters into a query; each bad filter is a field error.
pub(crate) fn list_query(
    query: &ListQuery,
    desk: &CaseDesk<'_>,
    today: time::Date,
) -> Result<CaseQuery, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut out = CaseQuery::new(desk.scope().clone());
    out.limit = PAGE_SIZE;
    let holder = Holder::of_role(desk.principal().role());
    out.tab = match (query.tab.as_str(), holder) {
        ("" | "semua", _) => WorkTab::All,
        ("segera", _) => WorkTab::DueSoon { today, until: today + time::Duration::days(DUE_SOON_DAYS) },
        ("lewat", _) => WorkTab::Overdue { today },
        ("saya", Some(holder)) => WorkTab::HeldBy(holder),
        ("lain", Some(holder)) => WorkTab::HeldByOthers(holder),
        _ => {
            errors.push(FieldError::new("tab", "Tab tidak dikenal.", "Unknown tab."));
            WorkTab::All
        }
    };
    if !query.status.trim().is_empty() {
        out.state = CaseState::parse(query.status.trim());
        if out.state.is_none() {
            errors.push(FieldError::new("status", "Status tidak dikenal.", "Unknown state."));
        }
    }
    if !query.jenis.trim().is_empty() {
        out.act = ActLabel::parse(query.jenis.trim());
        if out.act.is_none() {
            errors.push(FieldError::new("jenis", "Jenis pelanggaran tidak dikenal.", "Unknown kind of act."));
        }
    }
    if !query.wilayah.trim().is_empty() {
        match RegionCode::parse(query.wilayah.trim()) {
            Ok(code) => out.region = Some(code),
            Err(error) => errors.push(FieldError::new("wilayah", error.message(Locale::Id), error.message(Locale::En))),
        }
    }
    if !query.instansi.trim().is_empty() {
        out.agency_id = Some(query.instansi.trim().to_string());
    }
    for (name, text, slot) in
        [("dari", &query.dari, &mut out.occurred_from), ("sampai", &query.sampai, &mut out.occurred_to)]
    {
        if !text.trim().is_empty() {
            *slot = parse_date(text);
            if slot.is_none() {
                errors.push(FieldError::new(name, "Tanggal harus berbentuk YYYY-MM-DD.", "Dates are YYYY-MM-DD."));
            }
        }
    }
    if !query.setelah.trim().is_empty() {
        out.after = Cursor::decode(query.setelah.trim());
        if out.after.is_none() {
            errors.push(FieldError::new("setelah", "Penanda halaman rusak.", "Broken page marker."));
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

async fn filter_form(state: &AppState, query: &ListQuery, l: Locale) -> FormSpec {
    let mut states = vec![(String::new(), l.pick("— semua status —", "— any state —").to_string())];
    states.extend(CaseState::ALL.iter().map(|s| (s.as_str().to_string(), format!("{} · {}", s.code(), s.name(l)))));
    let mut acts = vec![(String::new(), l.pick("— semua jenis —", "— any kind —").to_string())];
    acts.extend(ActLabel::ALL.iter().map(|a| (a.as_str().to_string(), a.describe(l).to_string())));
    let mut agencies = vec![(String::new(), l.pick("— semua instansi —", "— any agency —").to_string())];
    agencies.extend(state.store.agencies().await.unwrap_or_default().into_iter().map(|a| (a.id, a.name)));
    FormSpec::new(
        "/kasus",
        l.pick("Saring", "Filter"),
        vec![
            Field::new("tab", "", FieldKind::Hidden, if query.tab.is_empty() { "semua" } else { &query.tab }),
            Field::new("status", l.pick("Status", "State"), FieldKind::Select(states), query.status.trim()),
            Field::new(
                "jenis",
                l.pick("Jenis pelanggaran", "Kind of act"),
                FieldKind::Select(acts),
                query.jenis.trim(),
            ),
            Field::new("wilayah", l.pick("Kode wilayah", "Region code"), FieldKind::Text, query.wilayah.trim()).help(
                l.pick(
                    "Provinsi, kabupaten/kota atau kecamatan, mis. 32.04",
                    "Province, regency or district, e.g. 32.04",
                ),
            ),
            Field::new(
                "instansi",
                l.pick("Instansi terlapor", "Agency"),
                FieldKind::Select(agencies),
                query.instansi.trim(),
            ),
            Field::new("dari", l.pick("Kejadian dari", "Event from"), FieldKind::Date, query.dari.trim()),
            Field::new("sampai", l.pick("Kejadian sampai", "Event to"), FieldKind::Date, query.sampai.trim()),
        ],
    )
    .get()
}

/// `GET /kasus`: the office's work list.
pub async fn list(State(state): State<AppState>, Staff(user): Staff, Query(query): Query<ListQuery>) -> Response {
    let l = user.locale;
    let desk = match desk(&state, &user) {
        Ok(desk) => desk,
        Err(response) => return *response,
    };
    // "Open a case number" jumps straight to the case.
    if !query.nomor.trim().is_empty() {
        return match desk.case_by_number(&query.nomor).await {
            Ok(case) => Redirect::to(&format!("/kasus/{}", case.id)).into_response(),
            Err(AccessError::NotFound) => {
                let mut page = list_page(&state, &user, &query, Vec::new(), None, &[]).await;
                page.error =
                    Some(format!("{} {}", l.pick("Tidak ada kasus bernomor", "No case numbered"), query.nomor.trim()));
                page.render(StatusCode::NOT_FOUND)
            }
            Err(error) => refusal(&user, "/kasus", &error),
        };
    }
    let today = office_today(&state, &user);
    let case_query = match list_query(&query, &desk, today) {
        Ok(q) => q,
        Err(errors) => {
            return list_page(&state, &user, &query, Vec::new(), None, &errors)
                .await
                .render(StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let by_due = case_query.tab.by_due_date();
    let rows = match desk.list(case_query).await {
        Ok(rows) => rows,
        Err(error) => return refusal(&user, "/kasus", &error),
    };
    let next = (rows.len() as u32 == PAGE_SIZE).then(|| {
        let last = rows.last().expect("a full page");
        Cursor { due_on: if by_due { last.next_due_on } else { None }, case_id: last.id.clone() }.encode()
    });
    let table_rows = rows
        .iter()
        .map(|row| {
            let due = match row.next_due_on {
                Some(due) if due < today => format!("{due} ({})", l.pick("lewat", "overdue")),
                Some(due) => due.to_string(),
                None => "—".into(),
            };
            vec![
                Cell::link(row.number.clone(), format!("/kasus/{}", row.id)),
                Cell::text(format!("{} · {}", row.state.code(), row.state.name(l))),
                Cell::text(Holder::parse(&row.holder).map_or("—", |h| h.name(l))),
                Cell::text(row.person_name.clone()),
                Cell::text(region_name(&row.region)),
                Cell::text(row.occurred_on.to_string()),
                Cell::text(due),
            ]
        })
        .collect();
    list_page(&state, &user, &query, table_rows, next, &[]).await.render(StatusCode::OK)
}

async fn list_page(
    state: &AppState,
    user: &SessionUser,
    query: &ListQuery,
    rows: Vec<Vec<Cell>>,
    next: Option<String>,
    filter_errors: &[FieldError],
) -> StaffPage {
    let l = user.locale;
    let (filter, unplaced) = filter_form(state, query, l).await.with_errors(filter_errors, l);
    let current = if query.tab.is_empty() { "semua" } else { query.tab.as_str() };
    let has_holder = Holder::of_role(user.principal.role()).is_some();
    let tabs = TABS
        .iter()
        .filter(|(id, _, _)| has_holder || !matches!(*id, "saya" | "lain"))
        .map(|(id, name_id, name_en)| (query.link(id, None), l.pick(name_id, name_en).to_string(), *id == current))
        .collect();
    let mut page = StaffPage::for_user(user, "/kasus", l.pick("Daftar kasus", "Case list"))
        .lead(l.pick(
            "Kasus di wilayah kewenangan kantor Anda. Batas waktu dihitung menurut hari kalender atau hari kerja sesuai aturannya.",
            "Cases within your office's jurisdiction. Deadlines count calendar or working days as their rule says.",
        ))
        .section(Section::Nav(tabs))
        .section(Section::Links(
            ["csv", "xlsx"]
                .into_iter()
                .map(|format| {
                    let tab = if query.tab.is_empty() { "semua" } else { query.tab.as_str() };
                    let link = query.link(tab, None).replacen("/kasus?", &format!("/kasus/ekspor?format={format}&"), 1);
                    (
                        link,
                        format!("{} {}", l.pick("Unduh daftar ini sebagai", "Download this list as"), format.to_uppercase()),
                        l.pick("semua halaman, dengan saringan yang sama", "every page, with the same filters").to_string(),
                    )
                })
                .collect(),
        ))
        .section(Section::Form(
            FormSpec::new(
                "/kasus",
                l.pick("Buka", "Open"),
                vec![Field::new("nomor", l.pick("Nomor kasus", "Case number"), FieldKind::Text, query.nomor.trim())
                    .help("NTR-2024-000001")],
            )
            .get(),
        ))
        .section(Section::Form(filter))
        .section(Section::Table(Table {
            caption: l.pick("Kasus", "Cases").into(),
            headers: vec![
                l.pick("Nomor", "Number").into(),
                l.pick("Status", "State").into(),
                l.pick("Dipegang", "Held by").into(),
                l.pick("Terlapor", "Reported person").into(),
                l.pick("Wilayah", "Region").into(),
                l.pick("Tanggal kejadian", "Event date").into(),
                l.pick("Batas waktu berikutnya", "Next deadline").into(),
            ],
            rows,
            empty: l.pick("Tidak ada kasus.", "No cases.").into(),
        }));
    if !filter_errors.is_empty() {
        page.error = Some(if unplaced.is_empty() {
            l.pick("Periksa saringan yang ditandai.", "Check the marked filters.").to_string()
        } else {
            unplaced.join(" ")
        });
    }
    if let Some(next) = next {
        page = page.section(Section::Nav(vec![(
            query.link(current, Some(&next)),
            l.pick("Halaman berikutnya →", "Next page →").into(),
            false,
        )]));
    }
    if user.principal.role().can(Permission::IntakeCases) {
        page = page.section(Section::Links(vec![(
            "/kasus/baru".into(),
            l.pick("Catat temuan atau laporan langsung", "Record a finding or an in-person report").into(),
            l.pick(
                "Temuan pengawas dan laporan yang diterima di kantor.",
                "Findings and reports received at the office.",
            )
            .into(),
        )]));
    }
    page
}

// ----- One case -----

/// The time zone of the office that holds the case now (the case's region when unknown).
async fn holder_zone(state: &AppState, case: &CaseRecord) -> TimeZone {
    let zones = netra_core::builtin::time_zones();
    let region = match case.state().holder() {
        Holder::Bkn => match &case.bkn_office_id {
            Some(id) => match state.store.office(id).await {
                Ok(Some(office)) => office.region,
                _ => None,
            },
            None => None,
        },
        Holder::Ppk => match &case.ppk_agency_id {
            Some(id) => match state.store.agency(id).await {
                Ok(Some(agency)) => agency.region,
                _ => None,
            },
            None => None,
        },
        _ => Some(case.region),
    };
    match region {
        Some(region) => zones.for_region(&region).unwrap_or(TimeZone::Wib),
        // National offices sit in Jakarta.
        None => TimeZone::Wib,
    }
}

fn facts_section(file: &CaseFile, l: Locale) -> Section {
    let case = &file.case;
    let mut facts = vec![
        (l.pick("Nomor kasus", "Case number").to_string(), case.number.clone()),
        (l.pick("Status", "State").into(), format!("{} · {}", case.state().code(), case.state().name(l))),
        (l.pick("Dipegang oleh", "Held by").into(), case.state().holder().name(l).into()),
        (l.pick("Asal", "Origin").into(), case.origin.name(l).into()),
        (l.pick("Tanggal kejadian", "Event date").into(), case.occurred_on.to_string()),
        (l.pick("Tanggal diketahui", "Date known").into(), case.known_on.to_string()),
        (l.pick("Tanggal diterima", "Date received").into(), case.received_on.to_string()),
        (l.pick("Wilayah", "Region").into(), region_name(&case.region)),
        (l.pick("Tempat", "Place").into(), if case.place.is_empty() { "—".into() } else { case.place.clone() }),
    ];
    if let (Some(lat), Some(lon)) = (case.latitude, case.longitude) {
        facts.push((l.pick("Titik", "Point").into(), format!("{lat:.5}, {lon:.5}")));
    }
    facts.extend([
        (l.pick("Terlapor", "Reported person").into(), case.person.name.clone()),
        (l.pick("Jabatan", "Position").into(), or_dash(&case.person.position)),
        (l.pick("Instansi (menurut laporan)", "Agency (as reported)").into(), or_dash(&case.person.agency_text)),
        ("NIP".into(), case.person.nip.clone().unwrap_or_else(|| "—".into())),
        (
            l.pick("Instansi (terverifikasi)", "Agency (verified)").into(),
            case.agency_id.clone().unwrap_or_else(|| "—".into()),
        ),
        (
            l.pick("Butir katalog", "Catalogue items").into(),
            if case.items.is_empty() { "—".into() } else { case.items.join(", ") },
        ),
        (l.pick("Tautan", "Links").into(), if case.links.is_empty() { "—".into() } else { case.links.join(" ") }),
    ]);
    if let Some(agency) = &case.ppk_agency_id {
        facts.push((l.pick("PPK tujuan", "PPK agency").into(), agency.clone()));
    }
    if let Some(into) = &case.merged_into {
        facts.push((l.pick("Digabungkan ke", "Merged into").into(), into.clone()));
    }
    if case.snapshot.data_blocked {
        facts.push((l.pick("Data kepegawaian", "Personnel data").into(), l.pick("Diblokir", "Blocked").into()));
    }
    Section::Facts(facts)
}

fn or_dash(text: &str) -> String {
    if text.trim().is_empty() { "—".into() } else { text.to_string() }
}

async fn clocks_section(state: &AppState, case: &CaseRecord, l: Locale) -> Section {
    let zone = holder_zone(state, case).await;
    let table = netra_core::builtin::clocks();
    let calendar = netra_core::builtin::calendar();
    let at = now(state);
    let rows = case
        .snapshot
        .clocks
        .iter()
        .map(|clock| {
            let definition = table.get(clock.kind);
            let deadline = Deadline { due_on: clock.due_on, zone };
            let left = match deadline.time_left(at, definition.counting, calendar) {
                Ok(TimeLeft::Remaining { days: 0 }) => l.pick("hari ini batasnya", "due today").to_string(),
                Ok(TimeLeft::Remaining { days }) => format!("{days} {}", definition.counting.name(l)),
                Ok(TimeLeft::Overdue { days }) => {
                    format!("{} {days} {}", l.pick("lewat", "overdue by"), l.pick("hari", "days"))
                }
                Err(_) => "—".into(),
            };
            let expires = deadline.expires_at();
            vec![
                Cell::text(definition.title(l)),
                Cell::text(clock.started_on.to_string()),
                Cell::text(clock.due_on.to_string()),
                Cell::text(format!(
                    "{:02}:{:02} {} {}",
                    expires.hour(),
                    expires.minute(),
                    zone.abbreviation(),
                    expires.date()
                )),
                Cell::text(left),
                Cell::text(definition.legal_basis.clone()),
            ]
        })
        .collect();
    Section::Table(Table {
        caption: format!("{} ({})", l.pick("Batas waktu berjalan", "Running deadlines"), zone.abbreviation()),
        headers: vec![
            l.pick("Batas waktu", "Deadline").into(),
            l.pick("Mulai", "Started").into(),
            l.pick("Hari terakhir", "Last day").into(),
            l.pick("Berakhir", "Runs out").into(),
            l.pick("Sisa", "Left").into(),
            l.pick("Dasar hukum", "Legal basis").into(),
        ],
        rows,
        empty: l.pick("Tidak ada batas waktu yang berjalan.", "No deadline is running.").into(),
    })
}

fn admissibility_sections(file: &CaseFile, l: Locale) -> Vec<Section> {
    let mode = file.reports.first().map(|r| r.mode).unwrap_or(ReporterMode::Open);
    let Some(assessment) = assess_case(&file.case, mode) else { return Vec::new() };
    vec![
        Section::Heading(l.pick("Syarat penerimaan", "Admissibility").into()),
        Section::Text(format!(
            "{} {} · {} {}",
            l.pick("Kesimpulan sistem:", "System's reading:"),
            assessment.overall().name(l),
            l.pick("batas laporan", "reporting deadline"),
            assessment.due
        )),
        Section::Table(Table {
            caption: l
                .pick("Dijelaskan oleh sistem; petugas yang memutuskan.", "Explained by the system; staff decide.")
                .into(),
            headers: vec![
                l.pick("Syarat", "Check").into(),
                l.pick("Hasil", "Outcome").into(),
                l.pick("Alasan", "Reason").into(),
            ],
            rows: assessment
                .checks
                .iter()
                .map(|check| {
                    vec![
                        Cell::text(check.topic.name(l)),
                        Cell::text(check.outcome.name(l)),
                        Cell::text(check.reason.message(l)),
                    ]
                })
                .collect(),
            empty: String::new(),
        }),
    ]
}

/// The candidate pairs of one election as the screening engine reads them.
pub fn candidate_set(election: &str, pairs: Vec<netra_store::accounts::CandidatePair>) -> netra_screen::CandidateSet {
    let pairs = pairs
        .into_iter()
        .map(|p| netra_screen::candidates::Pair {
            election: None,
            region: Some(p.region.to_string()),
            number: u32::try_from(p.ballot_number).unwrap_or(0),
            names: vec![p.head_name, p.deputy_name],
            nicknames: p.nicknames,
            hashtags: p.hashtags,
            slogans: p.slogans,
            parties: p.parties,
        })
        .collect();
    netra_screen::CandidateSet { election: election.to_string(), pairs }
}

/// The screener for a case: with its election's candidate pairs as entered in the database (admin `/paslon`),
/// compiled once per distinct list and kept (a few elections at most), or with the shipped lists.
pub(crate) async fn screener_for(state: &AppState, election: Option<&str>) -> netra_screen::Screener {
    static COMPILED: std::sync::Mutex<Vec<(netra_screen::CandidateSet, netra_screen::Screener)>> =
        std::sync::Mutex::new(Vec::new());
    let Some(id) = election else { return netra_screen::Screener::builtin() };
    let pairs = state.store.candidate_pairs(Some(id)).await.unwrap_or_default();
    if pairs.is_empty() {
        return netra_screen::Screener::builtin();
    }
    let set = candidate_set(id, pairs);
    if let Some((_, screener)) = COMPILED.lock().expect("not poisoned").iter().find(|(s, _)| *s == set) {
        return screener.clone();
    }
    let screener = match netra_screen::Screener::with_model(netra_screen::engine::builtin_model(), Some(set.clone())) {
        Ok(screener) => screener,
        Err(error) => {
            tracing::warn!(%error, election = id, "candidate pairs do not compile; screening without them");
            return netra_screen::Screener::builtin();
        }
    };
    let mut compiled = COMPILED.lock().expect("not poisoned");
    compiled.retain(|(s, _)| s.election != set.election);
    compiled.push((set, screener.clone()));
    if compiled.len() > 8 {
        compiled.remove(0);
    }
    screener
}

/// `text` cut into plain and highlighted parts; spans are character offsets (as the engine gives them) and may
/// overlap.
pub(crate) fn marked_parts(text: &str, spans: impl Iterator<Item = (usize, usize)>) -> Vec<(String, bool)> {
    // The page cuts the text by bytes.
    let byte_at = |chars: usize| text.char_indices().nth(chars).map_or(text.len(), |(b, _)| b);
    let mut spans: Vec<(usize, usize)> = spans.map(|(start, end)| (byte_at(start), byte_at(end))).collect();
    spans.sort_unstable();
    let mut parts = Vec::new();
    let mut at = 0;
    for (start, end) in spans {
        let start = start.max(at);
        if start >= end {
            continue;
        }
        if start > at {
            parts.push((text[at..start].to_string(), false));
        }
        parts.push((text[start..end].to_string(), true));
        at = end;
    }
    if at < text.len() {
        parts.push((text[at..].to_string(), false));
    }
    parts
}

/// The screening engine on the narrative: its verdict, the evidence spans marked in the text, the acts with their
/// catalogue items applicable on the event date, and the candidates the text names.
fn triage_sections(file: &CaseFile, screener: &netra_screen::Screener, l: Locale) -> Vec<Section> {
    let case = &file.case;
    let text = &case.description;
    let election = case.election_id.as_deref().and_then(netra_core::builtin::election);
    let region = case.region.to_string();
    let verdict = screener.screen(text, Some(region.as_str()));
    let parts = marked_parts(text, verdict.explanation.iter().map(|e| (e.start, e.end)));
    // The acts the engine flags; when it flags none, its three likeliest, so staff still see where to look.
    let scores = screener.scores(text);
    let mut acts: Vec<(netra_core::catalogue::ActLabel, f32)> = verdict.acts.iter().map(|a| (a.act, a.score)).collect();
    if acts.is_empty() {
        let mut ranked: Vec<(netra_core::catalogue::ActLabel, f32)> =
            netra_core::catalogue::ActLabel::ALL.iter().enumerate().map(|(i, act)| (*act, scores[i + 1])).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        acts = ranked.into_iter().take(3).collect();
    }
    let catalogue = netra_core::builtin::catalogue();
    let rows = acts
        .iter()
        .map(|&(act, score)| {
            let mut phrases: Vec<&str> =
                verdict.explanation.iter().filter(|e| e.head == act.as_str()).map(|e| e.text.as_str()).collect();
            phrases.dedup();
            let items = match election {
                Some(election) => catalogue.applicable(act, election, case.occurred_on),
                None => catalogue.items_for_act(act).collect(),
            };
            vec![
                Cell::text(act.describe(l)),
                Cell::text(format!("{score:.2}")),
                Cell::text(phrases.join(", ")),
                Cell::text(
                    items.iter().map(|i| format!("{} ({})", i.code, i.level.name(l))).collect::<Vec<_>>().join("; "),
                ),
            ]
        })
        .collect();
    let threshold = screener.model().info.thresholds[0];
    let summary = if verdict.violation {
        format!(
            "{} {:.2} ({} {threshold:.2}).",
            l.pick(
                "Mesin penyaring menilai narasi ini menggambarkan pelanggaran netralitas: skor",
                "The screening engine reads this narrative as a neutrality violation: score"
            ),
            verdict.score,
            l.pick("ambang", "threshold"),
        )
    } else {
        format!(
            "{} {:.2} ({} {threshold:.2}).",
            l.pick(
                "Mesin penyaring tidak menemukan pelanggaran yang jelas dalam narasi ini: skor",
                "The screening engine finds no clear violation in this narrative: score"
            ),
            verdict.score,
            l.pick("ambang", "threshold"),
        )
    };
    let mentions: Vec<String> = verdict
        .candidates
        .iter()
        .filter(|c| case.election_id.as_deref().is_none_or(|id| id == c.election))
        .map(|c| format!("{} {} – {} ({})", l.pick("Nomor", "Number"), c.number, c.name, c.found.join(", ")))
        .collect();
    let mut sections = vec![
        Section::Heading(l.pick("Triase", "Triage").into()),
        Section::Text(summary),
        Section::Marked(parts),
        Section::Table(Table {
            caption: l
                .pick(
                    "Jenis pelanggaran menurut mesin penyaring (petugas memastikan)",
                    "Kinds of violation according to the screening engine (staff confirm)",
                )
                .into(),
            headers: vec![
                l.pick("Jenis", "Kind").into(),
                l.pick("Skor", "Score").into(),
                l.pick("Bukti dalam teks", "Evidence in the text").into(),
                l.pick("Butir yang berlaku pada tanggal kejadian", "Items applicable on the event date").into(),
            ],
            rows,
            empty: l.pick("Tidak ada usulan.", "No suggestions.").into(),
        }),
    ];
    if !mentions.is_empty() {
        sections.push(Section::Text(format!(
            "{}: {}",
            l.pick("Calon yang disebut", "Candidates named"),
            mentions.join("; ")
        )));
    }
    sections
}

async fn duplicate_sections(desk: &CaseDesk<'_>, file: &CaseFile, l: Locale) -> Vec<Section> {
    if file.case.merged_into.is_some() {
        return Vec::new();
    }
    let candidates = desk.duplicates(&file.case).await.unwrap_or_default();
    let bawaslu = desk.principal().role().is_bawaslu();
    let mut sections = vec![Section::Table(Table {
        caption: l.pick("Kemungkinan duplikat", "Possible duplicates").into(),
        headers: vec![
            l.pick("Kasus", "Case").into(),
            l.pick("Terlapor", "Person").into(),
            l.pick("Tanggal", "Date").into(),
            l.pick("Skor (nama/tempat/waktu/teks)", "Score (name/place/time/text)").into(),
        ],
        rows: candidates
            .iter()
            .map(|c| {
                let s = c.similarity;
                vec![
                    Cell::link(c.case.number.clone(), format!("/kasus/{}", c.case.id)),
                    Cell::text(c.case.person.name.clone()),
                    Cell::text(c.case.occurred_on.to_string()),
                    Cell::text(format!("{:.2} ({:.2}/{:.2}/{:.2}/{:.2})", s.score, s.name, s.place, s.time, s.text)),
                ]
            })
            .collect(),
        empty: l.pick("Tidak ada kasus serupa di sekitar tanggal ini.", "No similar case around this date.").into(),
    })];
    if bawaslu {
        for candidate in candidates.iter().filter(|c| c.case.state().holder() == Holder::Bawaslu) {
            sections.push(Section::Form(
                FormSpec::new(
                    format!("/kasus/{}/gabung", file.case.id),
                    format!(
                        "{} {} {}",
                        l.pick("Gabungkan", "Merge"),
                        candidate.case.number,
                        l.pick("ke kasus ini", "into this case")
                    ),
                    vec![
                        Field::new("version", "", FieldKind::Hidden, file.case.version.to_string()),
                        Field::new("other", "", FieldKind::Hidden, candidate.case.id.clone()),
                        Field::new("other_version", "", FieldKind::Hidden, candidate.case.version.to_string()),
                    ],
                )
                .danger(),
            ));
        }
    }
    sections
}

fn reports_sections(user: &SessionUser, file: &CaseFile, l: Locale) -> Vec<Section> {
    let custodian = user.principal.role().can(Permission::UnsealReporterIdentity);
    let mut sections = vec![Section::Table(Table {
        caption: l.pick("Laporan dan pelapor", "Reports and reporters").into(),
        headers: vec![
            l.pick("Diterima", "Received").into(),
            l.pick("Saluran", "Channel").into(),
            l.pick("Identitas", "Identity").into(),
            l.pick("Pelapor", "Reporter").into(),
        ],
        rows: file
            .reports
            .iter()
            .map(|report| {
                let who = match (&report.identity, &report.sealed_identity) {
                    (Some(identity), _) => format!("{} · {}", identity.name, identity.contact),
                    (None, Some(_)) => l
                        .pick("Disegel: hanya kustodian yang dapat membuka", "Sealed: only the custodian can open it")
                        .into(),
                    _ => l.pick("Tidak diketahui", "Unknown").into(),
                };
                vec![
                    Cell::text(report.submitted_at.date().to_string()),
                    Cell::text(report.channel.as_str()),
                    Cell::text(report.mode.name(l)),
                    Cell::text(who),
                ]
            })
            .collect(),
        empty: l.pick("Temuan pengawas: tanpa pelapor.", "A supervisor's finding: no reporter.").into(),
    })];
    if custodian {
        for (index, report) in file.reports.iter().enumerate().filter(|(_, r)| r.sealed_identity.is_some()) {
            sections.push(Section::Form(
                FormSpec::new(
                    format!("/kasus/{}/laporan/{}/buka", file.case.id, report.id),
                    l.pick(
                        "Buka identitas (tercatat di jejak audit)",
                        "Unseal the identity (recorded in the audit trail)",
                    ),
                    vec![
                        Field::new(
                            "reason",
                            l.pick("Alasan pembukaan", "Reason for unsealing"),
                            FieldKind::Textarea,
                            "",
                        )
                        .help(l.pick(
                            "Mis. permintaan penyidik Gakkumdu nomor surat ...",
                            "E.g. the Gakkumdu investigator's request, letter no. ...",
                        )),
                    ],
                )
                .heading(format!("{} {}", l.pick("Laporan rahasia", "Confidential report"), index + 1))
                .danger(),
            ));
        }
    }
    sections
}

fn evidence_sections(desk: &CaseDesk<'_>, file: &CaseFile, l: Locale) -> Vec<Section> {
    let rows = file
        .evidence
        .iter()
        .map(|evidence| {
            let metadata: serde_json::Value = serde_json::from_str(&evidence.metadata).unwrap_or_default();
            let mut meta = Vec::new();
            if let Some(gps) = metadata.get("gps") {
                meta.push(format!("GPS {}, {}", gps["latitude"], gps["longitude"]));
            }
            for key in ["camera", "taken_at"] {
                if let Some(value) = metadata.get(key).and_then(|v| v.as_str()) {
                    meta.push(value.to_string());
                }
            }
            vec![
                Cell::link(evidence.file_name.clone(), format!("/kasus/{}/bukti/{}", file.case.id, evidence.id)),
                Cell::text(evidence.content_type.clone()),
                Cell::text(format!("{} KB", (evidence.size + 1023) / 1024)),
                Cell::text(evidence.sha256.clone()),
                Cell::text(if meta.is_empty() { "—".into() } else { meta.join(" · ") }),
            ]
        })
        .collect();
    let mut sections = vec![Section::Table(Table {
        caption: l
            .pick("Bukti (SHA-256 tercatat di jejak audit)", "Evidence (SHA-256 recorded in the audit trail)")
            .into(),
        headers: vec![
            l.pick("Berkas", "File").into(),
            l.pick("Jenis", "Type").into(),
            l.pick("Ukuran", "Size").into(),
            "SHA-256".into(),
            l.pick("Metadata (hanya untuk petugas)", "Metadata (staff only)").into(),
        ],
        rows,
        empty: l.pick("Belum ada bukti.", "No evidence yet.").into(),
    })];
    if desk.may_attach_evidence() && file.case.merged_into.is_none() {
        sections.push(Section::Form(
            FormSpec::new(
                format!("/kasus/{}/bukti", file.case.id),
                l.pick("Unggah bukti", "Upload evidence"),
                vec![Field::new(
                    "files",
                    l.pick("Berkas (maks. 10, 20 MB per berkas)", "Files (max. 10, 20 MB each)"),
                    FieldKind::File,
                    "",
                )],
            )
            .multipart(),
        ));
    }
    sections
}

fn message_sections(desk: &CaseDesk<'_>, file: &CaseFile, l: Locale) -> Vec<Section> {
    let mut sections = vec![Section::Table(Table {
        caption: l.pick("Pesan dengan pelapor", "Messages with reporters").into(),
        headers: vec![l.pick("Waktu", "Time").into(), l.pick("Dari", "From").into(), l.pick("Pesan", "Message").into()],
        rows: file
            .messages
            .iter()
            .map(|m| {
                vec![
                    Cell::text(format!("{} {:02}:{:02}", m.at.date(), m.at.hour(), m.at.minute())),
                    Cell::text(if m.from_reporter {
                        l.pick("Pelapor", "Reporter")
                    } else {
                        l.pick("Petugas", "Staff")
                    }),
                    Cell::text(m.body.clone()),
                ]
            })
            .collect(),
        empty: l.pick("Belum ada pesan.", "No messages yet.").into(),
    })];
    let askable: Vec<_> = file.reports.iter().filter(|r| r.receipt_hash.is_some()).collect();
    if desk.principal().role().is_bawaslu() && !askable.is_empty() && file.case.merged_into.is_none() {
        let options = askable
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), format!("{} {} · {}", l.pick("Pelapor", "Reporter"), i + 1, r.mode.name(l))))
            .collect::<Vec<_>>();
        let first = options[0].0.clone();
        sections.push(Section::Form(FormSpec::new(
            format!("/kasus/{}/pesan", file.case.id),
            l.pick("Kirim pertanyaan", "Send the question"),
            vec![
                Field::new("report_id", l.pick("Kepada", "To"), FieldKind::Select(options), first),
                Field::new(
                    "body",
                    l.pick("Pertanyaan untuk pelapor", "Question for the reporter"),
                    FieldKind::Textarea,
                    "",
                )
                .help(l.pick("Pelapor membacanya dengan tanda terima.", "The reporter reads it with the receipt.")),
            ],
        )));
    }
    sections
}

fn timeline_section(file: &CaseFile, l: Locale) -> Section {
    Section::Table(Table {
        caption: l.pick("Riwayat tindakan", "Timeline").into(),
        headers: vec![
            l.pick("Tanggal", "Date").into(),
            l.pick("Tindakan", "Action").into(),
            l.pick("Status", "State").into(),
            l.pick("Rincian", "Details").into(),
        ],
        rows: file
            .events
            .iter()
            .map(|event| {
                let name = ActionKind::parse(&event.action)
                    .map(|k| k.name(l).to_string())
                    .unwrap_or_else(|| event.action.clone());
                let detail: serde_json::Value = serde_json::from_str(&event.detail).unwrap_or_default();
                let detail = detail
                    .as_object()
                    .map(|o| {
                        o.iter()
                            .map(|(k, v)| {
                                format!("{k}: {}", v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))
                            })
                            .collect::<Vec<_>>()
                            .join("; ")
                    })
                    .unwrap_or_default();
                vec![
                    Cell::text(event.on.to_string()),
                    Cell::text(name),
                    Cell::text(format!("{} → {}", event.from_state.code(), event.to_state.code())),
                    Cell::text(detail),
                ]
            })
            .collect(),
        empty: String::new(),
    })
}

fn level_options(l: Locale) -> Vec<(String, String)> {
    [SanctionLevel::Moral, SanctionLevel::Ringan, SanctionLevel::Sedang, SanctionLevel::Berat, SanctionLevel::Ptdh]
        .into_iter()
        .map(|level| (level.as_str().to_string(), level.name(l).to_string()))
        .collect()
}

/// The form of one workflow action, built from the fields the rule requires.
fn action_form(
    case: &CaseRecord,
    kind: ActionKind,
    today: time::Date,
    agencies: &[(String, String)],
    proposal: Option<&netra_core::sanction::Proposal>,
    l: Locale,
) -> FormSpec {
    let mut fields = vec![
        Field::new("version", "", FieldKind::Hidden, case.version.to_string()),
        Field::new("action", "", FieldKind::Hidden, kind.as_str()),
        Field::new("on", l.pick("Tanggal", "Date"), FieldKind::Date, today.to_string()),
    ];
    for name in required_fields(kind) {
        let field = match *name {
            "reason" => Field::new("reason", l.pick("Alasan", "Reason"), FieldKind::Textarea, ""),
            "number" => Field::new("number", l.pick("Nomor registrasi", "Registration number"), FieldKind::Text, ""),
            "letter_number" => Field::new("letter_number", l.pick("Nomor surat", "Letter number"), FieldKind::Text, ""),
            "decree_number" => {
                Field::new("decree_number", l.pick("Nomor keputusan", "Decree number"), FieldKind::Text, "")
            }
            "reference" => Field::new("reference", l.pick("Nomor rujukan", "Reference"), FieldKind::Text, ""),
            "items" => Field::new(
                "items",
                l.pick("Butir katalog (pisahkan dengan koma)", "Catalogue items (comma-separated)"),
                FieldKind::Text,
                case.items.join(", "),
            ),
            "level" => {
                let chosen = proposal.map(|p| p.level.as_str()).unwrap_or("ringan");
                let mut field = Field::new(
                    "level",
                    l.pick("Tingkat sanksi", "Sanction level"),
                    FieldKind::Select(level_options(l)),
                    chosen,
                );
                if let Some(proposal) = proposal {
                    field = field.help(format!(
                        "{} {}. {}",
                        l.pick("Usulan aturan:", "The rules point to:"),
                        proposal.level.name(l),
                        proposal.reasons.iter().map(|r| r.message(l)).collect::<Vec<_>>().join(" ")
                    ));
                }
                field
            }
            "conclusion" => Field::new(
                "conclusion",
                l.pick("Kesimpulan", "Conclusion"),
                FieldKind::Select(vec![
                    ("not_proven".into(), l.pick("Tidak terbukti", "Not proven").into()),
                    ("cancelled".into(), l.pick("Dibatalkan", "Cancelled").into()),
                    ("asn_left_service".into(), l.pick("ASN sudah berhenti", "The civil servant has left").into()),
                ]),
                "not_proven",
            ),
            "attended" => {
                Field::new("attended", l.pick("ASN hadir", "The civil servant attended"), FieldKind::Checkbox, "1")
            }
            "sanction_stands" => Field::new(
                "sanction_stands",
                l.pick("Sanksi tetap berlaku", "The sanction stands"),
                FieldKind::Checkbox,
                "1",
            ),
            "appealed" => Field::new("appealed", l.pick("Diajukan banding", "Appealed"), FieldKind::Checkbox, ""),
            "kind" => Field::new(
                "kind",
                l.pick("Jenis upaya", "Kind"),
                FieldKind::Select(vec![("keberatan".into(), "Keberatan".into()), ("banding".into(), "Banding".into())]),
                "keberatan",
            ),
            "outcome" => Field::new(
                "outcome",
                l.pick("Putusan", "Outcome"),
                FieldKind::Select(vec![
                    ("upheld".into(), l.pick("Dikuatkan", "Upheld").into()),
                    ("annulled".into(), l.pick("Dibatalkan", "Annulled").into()),
                    ("changed".into(), l.pick("Diubah", "Changed").into()),
                ]),
                "upheld",
            ),
            other => Field::new("reason", other, FieldKind::Text, ""),
        };
        fields.push(field);
    }
    if kind == ActionKind::Recommend {
        let chosen = case.agency_id.clone().unwrap_or_default();
        fields.push(
            Field::new(
                "ppk_agency",
                l.pick("Instansi PPK tujuan", "Agency of the PPK"),
                FieldKind::Select(agencies.to_vec()),
                chosen,
            )
            .help(l.pick("Rekomendasi dikirim ke PPK instansi ini.", "The recommendation goes to this agency's PPK.")),
        );
    }
    let mut form = FormSpec::new(format!("/kasus/{}/tindakan", case.id), kind.name(l), fields).heading(kind.name(l));
    if matches!(
        kind,
        ActionKind::RejectFormal
            | ActionKind::DecideNotViolation
            | ActionKind::Close
            | ActionKind::ClearAsn
            | ActionKind::BknReturn
            | ActionKind::PpkReturn
    ) {
        form = form.danger();
    }
    form
}

fn facts_form(case: &CaseRecord, agencies: &[(String, String)], l: Locale) -> FormSpec {
    FormSpec::new(
        format!("/kasus/{}/fakta", case.id),
        l.pick("Simpan data terlapor", "Save the facts"),
        vec![
            Field::new("version", "", FieldKind::Hidden, case.version.to_string()),
            Field::new("person_name", l.pick("Nama terlapor", "Name"), FieldKind::Text, case.person.name.clone()),
            Field::new("person_position", l.pick("Jabatan", "Position"), FieldKind::Text, case.person.position.clone()),
            Field::new(
                "person_agency",
                l.pick("Instansi (teks laporan)", "Agency (as reported)"),
                FieldKind::Text,
                case.person.agency_text.clone(),
            ),
            Field::new("person_nip", "NIP", FieldKind::Text, case.person.nip.clone().unwrap_or_default()),
            Field::new(
                "agency_id",
                l.pick("Instansi terverifikasi", "Verified agency"),
                FieldKind::Select(agencies.to_vec()),
                case.agency_id.clone().unwrap_or_default(),
            ),
            Field::new(
                "items",
                l.pick("Butir katalog (pisahkan dengan koma)", "Catalogue items (comma-separated)"),
                FieldKind::Text,
                case.items.join(", "),
            ),
            Field::new("place", l.pick("Tempat", "Place"), FieldKind::Text, case.place.clone()),
        ],
    )
    .heading(l.pick("Lengkapi data kasus", "Complete the case facts"))
}

/// Builds the whole case page.
async fn case_page(state: &AppState, user: &SessionUser, desk: &CaseDesk<'_>, file: &CaseFile) -> StaffPage {
    let l = user.locale;
    let case = &file.case;
    let path = format!("/kasus/{}", case.id);
    let today = local_today(&case.region, now(state));
    let mut agencies = vec![(String::new(), l.pick("— pilih instansi —", "— choose an agency —").to_string())];
    agencies.extend(state.store.agencies().await.unwrap_or_default().into_iter().map(|a| (a.id, a.name)));
    let catalogue = netra_core::builtin::catalogue();
    let items: Vec<_> = case.items.iter().filter_map(|code| catalogue.get(code)).collect();
    // Previous sanctions of the same person need the registry (issue 6); until then the proposal has none.
    let proposal = netra_core::sanction::propose(&items, &[]);

    let mut page = StaffPage::for_user(user, &path, format!("{} {}", l.pick("Kasus", "Case"), case.number))
        .lead(case.description.clone())
        .section(facts_section(file, l))
        .section(Section::Heading(l.pick("Batas waktu", "Deadlines").into()))
        .section(clocks_section(state, case, l).await);
    let actions = desk.allowed_actions(case);
    if !actions.is_empty() {
        page = page.section(Section::Heading(l.pick("Tindakan berikutnya", "Next actions").into()));
        if let Some(proposal) = &proposal
            && actions.iter().any(|k| matches!(k, ActionKind::Recommend | ActionKind::IssueSanction))
        {
            page = page.section(Section::Text(format!(
                "{} {}. {}",
                l.pick("Sanksi menurut aturan:", "Sanction the rules point to:"),
                proposal.level.name(l),
                proposal.reasons.iter().map(|r| r.message(l)).collect::<Vec<_>>().join(" ")
            )));
        }
        for kind in actions {
            page = page.section(Section::Form(action_form(case, kind, today, &agencies, proposal.as_ref(), l)));
        }
    }
    for section in admissibility_sections(file, l) {
        page = page.section(section);
    }
    let screener = screener_for(state, case.election_id.as_deref()).await;
    for section in triage_sections(file, &screener, l) {
        page = page.section(section);
    }
    for section in crate::registry::triage_sections(state, desk, file, l).await {
        page = page.section(section);
    }
    for section in duplicate_sections(desk, file, l).await {
        page = page.section(section);
    }
    page =
        page.section(Section::Heading(l.pick("Pelapor, bukti dan pesan", "Reporters, evidence and messages").into()));
    for section in reports_sections(user, file, l)
        .into_iter()
        .chain(evidence_sections(desk, file, l))
        .chain(message_sections(desk, file, l))
    {
        page = page.section(section);
    }
    page = page.section(Section::Heading(l.pick("Riwayat", "History").into())).section(timeline_section(file, l));
    for section in crate::letters::case_sections(desk, file, l).await {
        page = page.section(section);
    }
    if user.principal.role().is_bawaslu() && case.merged_into.is_none() {
        page = page.section(Section::Form(facts_form(case, &agencies, l)));
    }
    if !file.links.is_empty() {
        page = page.section(Section::Table(Table {
            caption: l.pick("Kasus terkait", "Linked cases").into(),
            headers: vec![l.pick("Kasus", "Case").into(), l.pick("Hubungan", "Link").into()],
            rows: file
                .links
                .iter()
                .map(|link| {
                    vec![
                        Cell::link(link.other_case_id.clone(), format!("/kasus/{}", link.other_case_id)),
                        Cell::text(match link.kind.as_str() {
                            "merged" => l.pick("digabungkan ke kasus ini", "merged into this case"),
                            "parallel" => l.pick("perkara pidana paralel", "parallel criminal case"),
                            other => other,
                        }),
                    ]
                })
                .collect(),
            empty: String::new(),
        }));
    }
    if user.principal.role().can(Permission::ViewAudit) {
        page = page.section(Section::Nav(vec![
            (
                format!("/audit/case/{}", case.id),
                l.pick("Jejak audit kasus ini", "This case's audit trail").into(),
                false,
            ),
            (
                format!("/kasus/{}/berkas.zip", case.id),
                l.pick(
                    "Unduh berkas perkara (ZIP: catatan, bukti, surat, jejak audit)",
                    "Download the case bundle (ZIP: record, evidence, letters, audit trail)",
                )
                .into(),
                false,
            ),
        ]));
    }
    page
}

async fn render_case(
    state: &AppState,
    user: &SessionUser,
    id: &str,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let desk = match desk(state, user) {
        Ok(desk) => desk,
        Err(response) => return *response,
    };
    let file = match desk.open(id).await {
        Ok(file) => file,
        Err(error) => return refusal(user, "/kasus", &error),
    };
    let mut page = case_page(state, user, &desk, &file).await;
    page.notice = notice;
    page.error = error;
    page.render(status)
}

/// `GET /kasus/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    Query(notice): Query<NoticeQuery>,
) -> Response {
    let l = user.locale;
    let text = notice.ok.as_deref().map(|what| match what {
        "tindakan" => l.pick("Tindakan tercatat.", "Action recorded.").to_string(),
        "bukti" => l
            .pick(
                "Bukti tersimpan; hash-nya tercatat di jejak audit.",
                "Evidence stored; its hash is in the audit trail.",
            )
            .to_string(),
        "pesan" => l.pick("Pertanyaan terkirim ke pelapor.", "Question sent to the reporter.").to_string(),
        "gabung" => l
            .pick(
                "Kasus digabungkan; semua pelapor dan bukti dipindahkan ke kasus ini.",
                "Cases merged; every reporter and file moved to this case.",
            )
            .to_string(),
        "dibuat" => l.pick("Kasus dicatat.", "Case recorded.").to_string(),
        "terlapor" => l.pick("Terlapor dalam registri tercatat.", "Registry person recorded.").to_string(),
        "surat" => l
            .pick(
                "Surat diterbitkan dan ditandatangani; unduh PDF-nya di bagian Surat.",
                "Letter issued and signed; download its PDF under Letters.",
            )
            .to_string(),
        _ => l.pick("Perubahan tersimpan.", "Changes saved.").to_string(),
    });
    render_case(&state, &user, &id, StatusCode::OK, text, None).await
}

/// Shows an action's failure on the case page: the reasons for invalid input, a reload hint for a conflict.
pub(crate) async fn failed(state: &AppState, user: &SessionUser, id: &str, error: AccessError) -> Response {
    let l = user.locale;
    match error {
        AccessError::Invalid(errors) => {
            let text =
                errors.iter().map(|e| format!("{}: {}", e.field, l.pick(&e.id, &e.en))).collect::<Vec<_>>().join(" ");
            render_case(state, user, id, StatusCode::UNPROCESSABLE_ENTITY, None, Some(text)).await
        }
        AccessError::Conflict(what) => render_case(state, user, id, StatusCode::CONFLICT, None, Some(what)).await,
        other => refusal(user, "/kasus", &other),
    }
}

fn field_of(form: &[(String, String)], name: &str) -> Option<String> {
    form.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone())
}

fn version_of(form: &[(String, String)]) -> Result<i64, AccessError> {
    field_of(form, "version").and_then(|v| v.trim().parse().ok()).ok_or_else(|| {
        AccessError::Invalid(vec![FieldError::new("version", "Versi kasus hilang.", "Missing case version.")])
    })
}

/// `POST /kasus/{id}/tindakan`: a workflow action.
pub async fn act(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let desk = match desk(&state, &user) {
        Ok(desk) => desk,
        Err(response) => return *response,
    };
    let parsed = (|| {
        let version = version_of(&form)?;
        let kind = field_of(&form, "action").and_then(|a| ActionKind::parse(a.trim())).ok_or_else(|| {
            AccessError::Invalid(vec![FieldError::new("action", "Tindakan tidak dikenal.", "Unknown action.")])
        })?;
        let on = field_of(&form, "on").as_deref().and_then(parse_date).ok_or_else(|| {
            AccessError::Invalid(vec![FieldError::new(
                "on",
                "Tanggal harus berbentuk YYYY-MM-DD.",
                "The date must be YYYY-MM-DD.",
            )])
        })?;
        let action = Action::from_fields(kind, on, &|name| field_of(&form, name)).map_err(|problem| {
            AccessError::Invalid(vec![FieldError::new(
                problem.field,
                problem.message(Locale::Id),
                problem.message(Locale::En),
            )])
        })?;
        let ppk_agency = field_of(&form, "ppk_agency").map(|a| a.trim().to_string()).filter(|a| !a.is_empty());
        Ok::<_, AccessError>((version, action, HandOff { ppk_agency }))
    })();
    let result = match parsed {
        Ok((version, action, handoff)) => desk.act(&id, version, action, handoff, now(&state)).await.map(|_| ()),
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/kasus/{id}?ok=tindakan")).into_response(),
        Err(error) => failed(&state, &user, &id, error).await,
    }
}

/// `POST /kasus/{id}/fakta`: Bawaslu completes the facts.
pub async fn update_facts(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let desk = match desk(&state, &user) {
        Ok(desk) => desk,
        Err(response) => return *response,
    };
    let text = |name: &str| field_of(&form, name).unwrap_or_default();
    let input = FactsInput {
        person_name: text("person_name"),
        person_position: text("person_position"),
        person_agency: text("person_agency"),
        person_nip: text("person_nip"),
        agency_id: text("agency_id"),
        items: netra_core::catalogue::item_codes(&text("items")),
        place: text("place"),
    };
    let result = match version_of(&form) {
        Ok(version) => desk.update_facts(&id, version, &input, now(&state)).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/kasus/{id}?ok=disimpan")).into_response(),
        Err(error) => failed(&state, &user, &id, error).await,
    }
}

/// `POST /kasus/{id}/terlapor`: Bawaslu confirms (or, with an empty `person_id`, withdraws) the registry person.
pub async fn confirm_person(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let desk = match desk(&state, &user) {
        Ok(desk) => desk,
        Err(response) => return *response,
    };
    let person = match field_of(&form, "person_id").unwrap_or_default().trim() {
        "" => Ok(None),
        text => text.parse::<i64>().map(Some).map_err(|_| {
            AccessError::Invalid(vec![FieldError::new(
                "person_id",
                "Pilih orang dari daftar registri.",
                "Choose a person from the registry list.",
            )])
        }),
    };
    let result = match (version_of(&form), person) {
        (Ok(version), Ok(person)) => desk.confirm_registry_person(&id, version, person, now(&state)).await.map(|_| ()),
        (Err(error), _) | (_, Err(error)) => Err(error),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/kasus/{id}?ok=terlapor")).into_response(),
        Err(error) => failed(&state, &user, &id, error).await,
    }
}

/// `POST /kasus/{id}/pesan`: a question to a reporter.
pub async fn ask(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let desk = match desk(&state, &user) {
        Ok(desk) => desk,
        Err(response) => return *response,
    };
    let report = field_of(&form, "report_id").unwrap_or_default();
    let body = field_of(&form, "body").unwrap_or_default();
    match desk.ask_reporter(&id, report.trim(), &body, now(&state)).await {
        Ok(()) => Redirect::to(&format!("/kasus/{id}?ok=pesan")).into_response(),
        Err(error) => failed(&state, &user, &id, error).await,
    }
}

/// `POST /kasus/{id}/gabung`: merges another case into this one.
pub async fn merge(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let desk = match desk(&state, &user) {
        Ok(desk) => desk,
        Err(response) => return *response,
    };
    let other = field_of(&form, "other").unwrap_or_default();
    let other_version = field_of(&form, "other_version").and_then(|v| v.trim().parse().ok()).unwrap_or(-1);
    let result = match version_of(&form) {
        Ok(version) => desk.merge(&id, version, other.trim(), other_version, now(&state)).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/kasus/{id}?ok=gabung")).into_response(),
        Err(error) => failed(&state, &user, &id, error).await,
    }
}

/// `POST /kasus/{id}/bukti`: staff add evidence (multipart).
pub async fn upload_evidence(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    // Refuse before reading (and staging) the body.
    let desk = match desk(&state, &user) {
        Ok(desk) => desk,
        Err(response) => return *response,
    };
    if !desk.may_attach_evidence() {
        return refusal(&user, "/kasus", &AccessError::Denied);
    }
    let upload = match read_form_upload(&state, request).await {
        Ok(upload) => upload,
        Err(response) => return response,
    };
    if !upload.errors.is_empty() {
        return failed(&state, &user, &id, AccessError::Invalid(upload.errors)).await;
    }
    if upload.files.is_empty() {
        let none = FieldError::new("files", "Pilih paling sedikit satu berkas.", "Choose at least one file.");
        return failed(&state, &user, &id, AccessError::Invalid(vec![none])).await;
    }
    match desk.attach_evidence(&state.vault, &id, upload.files, now(&state)).await {
        Ok(()) => Redirect::to(&format!("/kasus/{id}?ok=bukti")).into_response(),
        Err(error) => failed(&state, &user, &id, error).await,
    }
}

/// `GET /kasus/{id}/bukti/{evidence}`: downloads an evidence file (staff only, always as an attachment).
pub async fn download_evidence(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path((id, evidence_id)): Path<(String, String)>,
) -> Response {
    let desk = match desk(&state, &user) {
        Ok(desk) => desk,
        Err(response) => return *response,
    };
    let evidence = match desk.evidence(&id, &evidence_id).await {
        Ok(evidence) => evidence,
        Err(error) => return refusal(&user, "/kasus", &error),
    };
    let Some(path) = state.vault.blobs.path_of(&evidence.sha256) else {
        return internal(format!("evidence {} has a malformed hash", evidence.id));
    };
    let bytes = match tokio::fs::read(&path).await {
        Ok(bytes) => bytes,
        Err(error) => return internal(format!("evidence blob {}: {error}", evidence.sha256)),
    };
    let ascii_name: String = evidence
        .file_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' })
        .collect();
    let disposition =
        format!("attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{}", url_encode(&evidence.file_name));
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, evidence.content_type.clone()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_string()),
            (header::HeaderName::from_static("x-evidence-sha256"), evidence.sha256.clone()),
        ],
        bytes,
    )
        .into_response()
}

/// `POST /kasus/{id}/laporan/{report}/buka`: the custodian opens a sealed identity, with a recorded reason.
pub async fn unseal(
    State(state): State<AppState>,
    Staff(user): Staff,
    Path((id, report_id)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let l = user.locale;
    let unsealer = match user.principal.unsealer(&state.store, &state.vault.sealer) {
        Ok(unsealer) => unsealer,
        Err(error) => return refusal(&user, "/kasus", &error),
    };
    // The report must belong to the case in the path.
    match state.store.report(&report_id).await {
        Ok(Some(report)) if report.case_id == id => {}
        Ok(_) => return refusal(&user, "/kasus", &AccessError::NotFound),
        Err(error) => return internal(error),
    }
    let reason = field_of(&form, "reason").unwrap_or_default();
    match unsealer.unseal(&report_id, &reason, now(&state)).await {
        Ok(identity) => StaffPage::for_user(
            &user,
            &format!("/kasus/{id}"),
            l.pick("Identitas pelapor", "Reporter's identity"),
        )
        .lead(l.pick(
            "Pembukaan ini tercatat di jejak audit. Jangan salin identitas ke tempat lain tanpa dasar hukum.",
            "This opening is recorded in the audit trail. Do not copy the identity elsewhere without legal grounds.",
        ))
        .section(Section::Facts(vec![
            (l.pick("Nama", "Name").into(), identity.name),
            (l.pick("Kontak", "Contact").into(), identity.contact),
        ]))
        .section(Section::Nav(vec![(
            format!("/kasus/{id}"),
            l.pick("Kembali ke kasus", "Back to the case").into(),
            false,
        )]))
        .render(StatusCode::OK),
        Err(error) => failed(&state, &user, &id, error).await,
    }
}

// ----- Staff intake -----

async fn intake_regions(state: &AppState, user: &SessionUser, l: Locale) -> FieldKind {
    let Some(region) = user.principal.office.region else { return FieldKind::Text };
    let mut options = vec![(String::new(), l.pick("— pilih wilayah —", "— choose a region —").to_string())];
    let name = |code: &RegionCode| region_name(code);
    options.push((region.to_string(), name(&region)));
    if let Ok(children) = state.store.region_children(Some(region)).await {
        for child in children {
            options.push((child.code.to_string(), format!("· {}", name(&child.code))));
        }
    }
    FieldKind::Select(options)
}

async fn intake_page(state: &AppState, user: &SessionUser, values: &(dyn Fn(&str) -> String + Sync)) -> StaffPage {
    let l = user.locale;
    let origins = vec![
        ("finding".to_string(), CaseOrigin::Finding.name(l).to_string()),
        ("in_person".to_string(), CaseOrigin::InPersonReport.name(l).to_string()),
    ];
    let modes = ReporterMode::ALL.iter().map(|m| (m.as_str().to_string(), m.name(l).to_string())).collect();
    let value_or = |name: &str, default: &str| {
        let v = values(name);
        if v.is_empty() { default.to_string() } else { v }
    };
    let today = office_today(state, user).to_string();
    let fields = vec![
        Field::new("origin", l.pick("Asal", "Origin"), FieldKind::Select(origins), value_or("origin", "finding")),
        Field::new(
            "description",
            l.pick("Uraian kejadian", "What happened"),
            FieldKind::Textarea,
            values("description"),
        ),
        Field::new(
            "occurred_on",
            l.pick("Tanggal kejadian", "Date of the act"),
            FieldKind::Date,
            values("occurred_on"),
        ),
        Field::new(
            "known_on",
            l.pick("Tanggal diketahui", "Date known"),
            FieldKind::Date,
            value_or("known_on", &today),
        ),
        Field::new(
            "region_code",
            l.pick("Wilayah", "Region"),
            intake_regions(state, user, l).await,
            values("region_code"),
        )
        .help(l.pick(
            "Kode wilayah dalam yurisdiksi kantor Anda, mis. 32.04.05",
            "A region code in your office's jurisdiction, e.g. 32.04.05",
        )),
        Field::new("place", l.pick("Tempat", "Place"), FieldKind::Text, values("place")),
        Field::new(
            "reported_person.name",
            l.pick("Nama terlapor", "Name of the person"),
            FieldKind::Text,
            values("reported_person.name"),
        ),
        Field::new(
            "reported_person.position",
            l.pick("Jabatan", "Position"),
            FieldKind::Text,
            values("reported_person.position"),
        ),
        Field::new(
            "reported_person.agency",
            l.pick("Instansi", "Agency"),
            FieldKind::Text,
            values("reported_person.agency"),
        ),
        Field::new("reported_person.nip", "NIP", FieldKind::Text, values("reported_person.nip")),
        Field::new(
            "links",
            l.pick("Tautan (satu per baris)", "Links (one per line)"),
            FieldKind::Textarea,
            values("links"),
        ),
        Field::new("files", l.pick("Bukti", "Evidence"), FieldKind::File, ""),
        Field::new(
            "reporter.mode",
            l.pick("Identitas pelapor (laporan langsung)", "Reporter's identity (in-person report)"),
            FieldKind::Select(modes),
            value_or("reporter.mode", "open"),
        ),
        Field::new(
            "reporter.name",
            l.pick("Nama pelapor", "Reporter's name"),
            FieldKind::Text,
            values("reporter.name"),
        ),
        Field::new(
            "reporter.contact",
            l.pick("Kontak pelapor", "Reporter's contact"),
            FieldKind::Text,
            values("reporter.contact"),
        ),
    ];
    StaffPage::for_user(user, "/kasus/baru", l.pick("Catat temuan atau laporan langsung", "Record a finding or an in-person report"))
        .lead(l.pick(
            "Temuan pengawas dan laporan yang diterima di kantor masuk ke model kasus yang sama. Laporan langsung mendapat tanda terima untuk diserahkan kepada pelapor.",
            "Supervisors' findings and reports received at the office enter the same case model. An in-person report gets a receipt to hand to the reporter.",
        ))
        .section(Section::Form(FormSpec::new("/kasus/baru", l.pick("Catat", "Record"), fields).multipart()))
}

/// `GET /kasus/baru`.
pub async fn intake_form(State(state): State<AppState>, Staff(user): Staff) -> Response {
    if !user.principal.role().can(Permission::IntakeCases) {
        return refusal(&user, "/kasus/baru", &AccessError::Denied);
    }
    intake_page(&state, &user, &|_| String::new()).await.render(StatusCode::OK)
}

/// `POST /kasus/baru` (multipart).
pub async fn intake_submit(State(state): State<AppState>, Staff(user): Staff, request: Request) -> Response {
    let l = user.locale;
    // Refuse before reading (and staging) the body.
    if !user.principal.role().can(Permission::IntakeCases) {
        return refusal(&user, "/kasus/baru", &AccessError::Denied);
    }
    let desk = match desk(&state, &user) {
        Ok(desk) => desk,
        Err(response) => return *response,
    };
    let upload = match read_form_upload(&state, request).await {
        Ok(upload) => upload,
        Err(response) => return response,
    };
    let origin = match upload.get("origin").as_str() {
        "in_person" => CaseOrigin::InPersonReport,
        _ => CaseOrigin::Finding,
    };
    let mut input = upload_to_input(&upload);
    if origin == CaseOrigin::Finding {
        // A finding has no reporter: the supervisor is on record as the author.
        input.mode = "open".into();
        input.reporter_name = user.principal.user.display_name.clone();
        input.reporter_contact = user.principal.office.name.clone();
    }
    let mut errors = upload.errors.clone();
    let today = office_today(&state, &user);
    let report = match validate_report(state.store.as_ref(), &input, today).await {
        Ok(report) if errors.is_empty() => report,
        Ok(_) => return intake_failed(&state, &user, &upload, errors).await,
        Err(more) => {
            errors.extend(more);
            return intake_failed(&state, &user, &upload, errors).await;
        }
    };
    let crate::report::Upload { fields, files, .. } = upload;
    let upload = crate::report::Upload { fields, files: Vec::new(), errors: Vec::new() };
    match desk.intake(&state.vault, report, origin, files, now(&state)).await {
        Ok(submitted) => {
            let mut page = StaffPage::for_user(&user, "/kasus/baru", l.pick("Kasus dicatat", "Case recorded")).section(
                Section::Facts(vec![(l.pick("Nomor kasus", "Case number").into(), submitted.case_number.clone())]),
            );
            if let Some(receipt) = &submitted.receipt {
                page = page
                    .lead(l.pick(
                        "Serahkan tanda terima ini kepada pelapor sekarang: Netra tidak menyimpannya dan tidak dapat menampilkannya lagi.",
                        "Hand this receipt to the reporter now: Netra does not keep it and cannot show it again.",
                    ))
                    .section(Section::Facts(vec![(l.pick("Tanda terima", "Receipt").into(), receipt.clone())]));
            }
            page.section(Section::Nav(vec![(
                format!("/kasus/{}", submitted.case_id),
                l.pick("Buka kasus", "Open the case").into(),
                false,
            )]))
            .render(StatusCode::CREATED)
        }
        Err(AccessError::Invalid(errors)) => intake_failed(&state, &user, &upload, errors).await,
        Err(error) => refusal(&user, "/kasus/baru", &error),
    }
}

async fn intake_failed(
    state: &AppState,
    user: &SessionUser,
    upload: &crate::report::Upload,
    errors: Vec<FieldError>,
) -> Response {
    let l = user.locale;
    let values = |name: &str| if name == "links" { upload.all("links").join("\n") } else { upload.get(name) };
    let mut page = intake_page(state, user, &values).await;
    if let Some(Section::Form(form)) = page.sections.first().cloned() {
        let (form, unplaced) = form.with_errors(&errors, l);
        page.sections[0] = Section::Form(form);
        let lead = l.pick(
            "Periksa isian yang ditandai. Berkas bukti perlu dipilih ulang.",
            "Check the marked fields. Evidence files must be chosen again.",
        );
        page.error =
            Some(if unplaced.is_empty() { lead.to_string() } else { format!("{lead} {}", unplaced.join(" ")) });
    }
    page.render(StatusCode::UNPROCESSABLE_ENTITY)
}

// ----- Inbox -----

/// `GET /kotak-masuk`: the office's notifications.
pub async fn inbox(State(state): State<AppState>, Staff(user): Staff, Query(notice): Query<NoticeQuery>) -> Response {
    let l = user.locale;
    let desk = match desk(&state, &user) {
        Ok(desk) => desk,
        Err(response) => return *response,
    };
    let notes = match desk.inbox(200).await {
        Ok(notes) => notes,
        Err(error) => return refusal(&user, "/kotak-masuk", &error),
    };
    let unread = notes.iter().filter(|n| n.read_at.is_none()).count();
    let rows = notes
        .iter()
        .map(|note| {
            let kind = note.kind_name(l);
            let body = match &note.case_id {
                Some(case) => Cell::link(note.body.clone(), format!("/kasus/{case}")),
                None => Cell::text(note.body.clone()),
            };
            vec![
                Cell::text(format!(
                    "{} {:02}:{:02}",
                    note.created_at.date(),
                    note.created_at.hour(),
                    note.created_at.minute()
                )),
                Cell::text(kind),
                body,
                Cell::text(if note.read_at.is_some() { l.pick("dibaca", "read") } else { l.pick("baru", "new") }),
            ]
        })
        .collect();
    let mut page = StaffPage::for_user(&user, "/kotak-masuk", l.pick("Kotak masuk", "Inbox"))
        .lead(format!("{} {unread}", l.pick("Belum dibaca:", "Unread:")))
        .section(Section::Table(Table {
            caption: user.principal.office.name.clone(),
            headers: vec![
                l.pick("Waktu", "Time").into(),
                l.pick("Jenis", "Kind").into(),
                l.pick("Isi", "Content").into(),
                l.pick("Status", "State").into(),
            ],
            rows,
            empty: l.pick("Kotak masuk kosong.", "The inbox is empty.").into(),
        }));
    if unread > 0 {
        page = page.section(Section::Form(FormSpec::new(
            "/kotak-masuk/dibaca",
            l.pick("Tandai semua sudah dibaca", "Mark all as read"),
            vec![],
        )));
    }
    if notice.ok.is_some() {
        page.notice =
            Some(l.pick("Semua pemberitahuan ditandai sudah dibaca.", "All notifications marked as read.").into());
    }
    page.render(StatusCode::OK)
}

/// `POST /kotak-masuk/dibaca`.
pub async fn inbox_read(State(state): State<AppState>, Staff(user): Staff) -> Response {
    let desk = match desk(&state, &user) {
        Ok(desk) => desk,
        Err(response) => return *response,
    };
    match desk.mark_inbox_read(now(&state)).await {
        Ok(_) => Redirect::to("/kotak-masuk?ok=dibaca").into_response(),
        Err(error) => refusal(&user, "/kotak-masuk", &error),
    }
}
