//! Dashboards (`/dasbor`, over the viewer's case scope) and the neutrality index (`/indeks`, its method at
//! `/indeks/metode`, the figures as JSON at `/api/v1/indeks`). Charts are SVG drawn by [`crate::charts`].

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use netra_core::Locale;
use netra_core::access::CaseScope;
use netra_core::index::{self, INDICATORS, UnitScore, Unranked};
use netra_core::region::RegionCode;
use netra_store::access::AccessError;
use netra_store::casework::{Dashboard, Durations, UnitLevel};
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::auth::{SessionUser, Staff, locale_of};
use crate::staff::{Cell, Field, FieldKind, FormSpec, Section, StaffPage, Table, refusal};
use netra_letters::chart::{Bar, Chart, bar_chart, column_chart};

#[derive(Debug, Default, Deserialize)]
pub struct StatsQuery {
    #[serde(default)]
    pub pemilihan: String,
    #[serde(default)]
    pub tingkat: String,
}

/// A number with one decimal, written the locale's way (`48,3` / `48.3`).
fn decimal(l: Locale, value: f64) -> String {
    let text = format!("{value:.1}");
    if l == Locale::Id { text.replace('.', ",") } else { text }
}

fn days(l: Locale, d: &Durations) -> String {
    match (d.median, d.p90) {
        (Some(median), Some(p90)) => format!(
            "{} {} {} ({} 90: {} {}; n = {})",
            l.pick("median", "median"),
            decimal(l, median),
            l.pick("hari", "days"),
            l.pick("persentil", "percentile"),
            p90,
            l.pick("hari", "days"),
            d.count
        ),
        _ => l.pick("belum ada data", "no data yet").into(),
    }
}

fn scope_text(l: Locale, scope: &CaseScope, agencies: &HashMap<String, String>) -> String {
    match scope {
        CaseScope::All => l.pick("Semua kasus di Indonesia.", "Every case in Indonesia.").into(),
        CaseScope::Region(code) => {
            format!("{} {}.", l.pick("Kasus di wilayah", "Cases in"), crate::cases::region_name(code))
        }
        CaseScope::Forwarded(None) => {
            l.pick("Semua kasus yang diteruskan ke BKN.", "Every case forwarded to BKN.").into()
        }
        CaseScope::Forwarded(Some(code)) => format!(
            "{} {}.",
            l.pick("Kasus yang diteruskan ke BKN di", "Cases forwarded to BKN in"),
            crate::cases::region_name(code)
        ),
        CaseScope::PpkAgency(agency) => format!(
            "{} {}.",
            l.pick("Kasus yang direkomendasikan kepada PPK", "Cases recommended to the PPK of"),
            agencies.get(agency).cloned().unwrap_or_else(|| agency.clone())
        ),
        CaseScope::Nothing => l.pick("Peran Anda tidak menangani kasus.", "Your role handles no cases.").into(),
    }
}

fn region_label(code: &str) -> String {
    RegionCode::parse(code)
        .ok()
        .and_then(|c| netra_core::builtin::regions().get(&c).map(|r| r.name.clone()))
        .unwrap_or_else(|| code.to_string())
}

fn election_field(options: Vec<(String, String)>, l: Locale, chosen: &str, any: bool) -> Field {
    let mut choices = Vec::new();
    if any {
        choices.push((String::new(), l.pick("Semua pemilihan", "Every election").to_string()));
    }
    choices.extend(options);
    Field::new("pemilihan", l.pick("Pemilihan", "Election"), FieldKind::Select(choices), chosen)
}

fn chart(title: String, bars: Vec<Bar>, empty: &str, caption: String) -> (Chart, String) {
    (bar_chart(&title, &bars, None, empty), caption)
}

/// What both forms of the dashboard show: the scope, the chosen election, the figures and agency names.
struct Loaded {
    elections: Vec<(String, String)>,
    election: Option<String>,
    scope: String,
    dash: Dashboard,
    agencies: HashMap<String, String>,
}

async fn load(state: &AppState, user: &SessionUser, query: &StatsQuery) -> Result<Loaded, AccessError> {
    let l = user.locale;
    let desk = user.principal.statistics(&state.store)?;
    let elections = crate::admin::election_options(state, l).await;
    let election = Some(query.pemilihan.trim()).filter(|e| !e.is_empty()).map(String::from);
    if election.as_ref().is_some_and(|e| !elections.iter().any(|(id, _)| id == e)) {
        return Err(AccessError::NotFound);
    }
    let today = crate::cases::office_today(state, user);
    let dash = desk.dashboard(election.as_deref(), today).await?;
    let agencies: HashMap<String, String> =
        state.store.agencies().await.unwrap_or_default().into_iter().map(|a| (a.id, a.name)).collect();
    let scope = scope_text(l, &desk.scope(), &agencies);
    Ok(Loaded { elections, election, scope, dash, agencies })
}

/// `GET /dasbor`: the dashboard of the cases in the viewer's scope.
pub async fn dashboard(State(state): State<AppState>, Staff(user): Staff, Query(query): Query<StatsQuery>) -> Response {
    let l = user.locale;
    let Loaded { elections, election, scope, dash, agencies } = match load(&state, &user, &query).await {
        Ok(loaded) => loaded,
        Err(error) => return refusal(&user, "/dasbor", &error),
    };
    let form = FormSpec::new(
        "/dasbor",
        l.pick("Tampilkan", "Show"),
        vec![election_field(elections, l, election.as_deref().unwrap_or(""), true)],
    )
    .get();
    let mut page = StaffPage::for_user(&user, "/dasbor", l.pick("Dasbor pengawasan", "Supervision dashboard"))
        .lead(scope)
        .section(Section::Form(form));
    page = page.section(Section::Facts(summary(l, &dash)));
    for (chart, caption) in charts(l, &dash, &agencies) {
        page = page.section(Section::Chart { title: chart.title.clone(), svg: chart.to_svg(), caption });
    }
    let pdf = match &election {
        Some(e) => format!("/dasbor.pdf?pemilihan={e}"),
        None => "/dasbor.pdf".to_string(),
    };
    page.section(Section::Links(vec![
        (
            pdf,
            l.pick("Unduh dasbor sebagai PDF", "Download the dashboard as PDF").into(),
            l.pick("untuk laporan mingguan, dengan grafik yang sama", "for the weekly report, with the same charts")
                .into(),
        ),
        (
            "/indeks".into(),
            l.pick("Indeks netralitas per instansi dan wilayah", "Neutrality index per agency and region").into(),
            String::new(),
        ),
        ("/kasus".into(), l.pick("Daftar kasus", "Case list").into(), String::new()),
    ]))
    .render(StatusCode::OK)
}

/// `GET /dasbor.pdf`: the same dashboard as a PDF report (figures and the same charts).
pub async fn dashboard_pdf(
    State(state): State<AppState>,
    Staff(user): Staff,
    Query(query): Query<StatsQuery>,
) -> Response {
    let l = user.locale;
    let Loaded { elections, election, scope, dash, agencies } = match load(&state, &user, &query).await {
        Ok(loaded) => loaded,
        Err(error) => return refusal(&user, "/dasbor", &error),
    };
    let at = crate::staff::now(&state).to_offset(time::UtcOffset::UTC);
    let election_name = match &election {
        Some(id) => elections.iter().find(|(e, _)| e == id).map_or(id.clone(), |(_, name)| name.clone()),
        None => l.pick("Semua pemilihan", "Every election").into(),
    };
    let report = netra_letters::Report {
        title: l.pick("Dasbor pengawasan netralitas ASN", "ASN neutrality supervision dashboard").into(),
        subtitle: vec![
            format!("{} · {}", user.principal.office.name, election_name),
            scope,
            format!(
                "{} {} UTC",
                l.pick("Dibuat", "Made"),
                at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
            ),
        ],
        facts: summary(l, &dash),
        charts: charts(l, &dash, &agencies).into_iter().map(|(chart, _)| chart).collect(),
        footer: format!("Netra · {}", user.principal.office.name),
        created: (at.year() as u16, u8::from(at.month()), at.day(), at.hour(), at.minute(), at.second()),
    };
    match tokio::task::spawn_blocking(move || netra_letters::render_report(&report)).await {
        Ok(Ok(pdf)) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"dasbor-{}.pdf\"", at.date())),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            pdf,
        )
            .into_response(),
        Ok(Err(error)) => crate::staff::internal(error),
        Err(error) => crate::staff::internal(error),
    }
}

fn summary(l: Locale, dash: &Dashboard) -> Vec<(String, String)> {
    vec![
        (l.pick("Jumlah kasus", "Cases").into(), dash.total.to_string()),
        (l.pick("Masih berjalan", "Open").into(), dash.open.to_string()),
        (l.pick("Melewati tenggat", "Past a deadline").into(), dash.overdue_total().to_string()),
        (
            l.pick("Laporan sampai rekomendasi BKN", "Report to BKN recommendation").into(),
            days(l, &dash.report_to_recommendation),
        ),
        (
            l.pick("Rekomendasi sampai keputusan PPK", "Recommendation to PPK decision").into(),
            days(l, &dash.recommendation_to_decision),
        ),
        (
            l.pick("Tindak lanjut PPK", "PPK follow-up").into(),
            match dash.follow_up_rate() {
                Some(rate) => format!(
                    "{} % ({} {} {})",
                    decimal(l, rate),
                    dash.followed_up,
                    l.pick("dari", "of"),
                    dash.follow_up_known
                ),
                None => l.pick("belum ada rekomendasi yang jatuh tempo", "no recommendation due yet").into(),
            },
        ),
    ]
}

/// The dashboard's charts with their captions, for the page and the PDF alike.
fn charts(l: Locale, dash: &Dashboard, agencies: &HashMap<String, String>) -> Vec<(Chart, String)> {
    let empty = l.pick("Belum ada kasus.", "No cases yet.");
    let weeks: Vec<Bar> = dash.by_week.iter().map(|(monday, n)| Bar::count(monday.to_string(), *n)).collect();
    let week_title = l.pick("Kasus diterima per minggu", "Cases received per week").to_string();
    let mut sections = vec![(
        column_chart(&week_title, &weeks, empty),
        l.pick(
            "Minggu dimulai hari Senin; tanggal penerimaan laporan atau temuan.",
            "Weeks start on Monday; by the date the report or finding was received.",
        )
        .to_string(),
    )];
    sections.push(chart(
        l.pick("Kasus per status", "Cases by state").into(),
        dash.by_state.iter().map(|(s, n)| Bar::count(format!("{} {}", s.code(), s.name(l)), *n)).collect(),
        empty,
        l.pick("Status saat ini dalam alur kerja.", "Current state in the workflow.").into(),
    ));
    sections.push(chart(
        l.pick("Jenis pelanggaran terbanyak", "Top kinds of violation").into(),
        dash.by_act.iter().take(10).map(|(a, n)| Bar::count(a.describe(l), *n)).collect(),
        l.pick("Belum ada butir katalog yang dipastikan.", "No catalogue item confirmed yet."),
        l.pick(
            "Dari butir katalog yang dipastikan Bawaslu; satu kasus dapat memuat beberapa jenis.",
            "From the catalogue items Bawaslu confirmed; a case may involve several kinds.",
        )
        .into(),
    ));
    let regions = if dash.by_province.len() > 1 { &dash.by_province } else { &dash.by_regency };
    sections.push(chart(
        l.pick("Kasus per wilayah", "Cases by region").into(),
        regions.iter().take(15).map(|(code, n)| Bar::count(region_label(code), *n)).collect(),
        empty,
        l.pick("Lima belas wilayah dengan kasus terbanyak.", "The fifteen regions with most cases.").into(),
    ));
    sections.push(chart(
        l.pick("Kasus per instansi", "Cases by agency").into(),
        dash.by_agency
            .iter()
            .take(15)
            .map(|(id, n)| Bar::count(agencies.get(id).cloned().unwrap_or_else(|| id.clone()), *n))
            .collect(),
        l.pick("Belum ada instansi yang dipastikan.", "No agency confirmed yet."),
        l.pick(
            "Instansi yang dipastikan Bawaslu atau penerima rekomendasi BKN.",
            "The agency Bawaslu confirmed, or the one BKN recommended to.",
        )
        .into(),
    ));
    sections.push(chart(
        l.pick("Kasus per jenis jabatan", "Cases by kind of position").into(),
        dash.by_position
            .iter()
            .map(|(kind, n)| {
                let label = kind.as_deref().and_then(netra_registry::rows::PositionKind::parse).map_or_else(
                    || l.pick("Belum dipastikan di registri", "Not confirmed in the registry").to_string(),
                    |k| k.name(l).to_string(),
                );
                Bar::count(label, *n)
            })
            .collect(),
        empty,
        l.pick(
            "Jenis jabatan terlapor menurut registri ASN, bila Bawaslu telah memastikannya.",
            "The reported person's kind of position in the ASN registry, once Bawaslu confirmed them.",
        )
        .into(),
    ));
    sections.push(chart(
        l.pick("Tenggat terlewati per pemegang kasus", "Missed deadlines by holder").into(),
        dash.overdue.iter().map(|(holder, n)| Bar::count(holder.name(l), *n)).collect(),
        l.pick("Tidak ada tenggat yang terlewati.", "No deadline missed."),
        l.pick(
            "Kasus yang masih berjalan dan tenggat berikutnya sudah lewat.",
            "Open cases whose next deadline has passed.",
        )
        .into(),
    ));
    sections
}

// ----- Neutrality index -----

fn level_of(text: &str) -> UnitLevel {
    UnitLevel::parse(text.trim()).unwrap_or(UnitLevel::Agency)
}

async fn index_scores(
    state: &AppState,
    user: &SessionUser,
    query: &StatsQuery,
) -> Result<(String, UnitLevel, Vec<UnitScore>), AccessError> {
    let desk = user.principal.statistics(&state.store)?;
    let election = crate::pacts::chosen_election(state, &query.pemilihan).await.ok_or(AccessError::NotFound)?;
    if !query.pemilihan.trim().is_empty() && query.pemilihan.trim() != election {
        return Err(AccessError::NotFound);
    }
    let level = level_of(&query.tingkat);
    let scores = desk.index(&election, level).await?;
    Ok((election, level, scores))
}

/// `GET /indeks`: the neutrality index per agency or kabupaten/kota.
pub async fn index_page(
    State(state): State<AppState>,
    Staff(user): Staff,
    Query(query): Query<StatsQuery>,
) -> Response {
    let l = user.locale;
    let (election, level, scores) = match index_scores(&state, &user, &query).await {
        Ok(found) => found,
        Err(error) => return refusal(&user, "/indeks", &error),
    };
    let elections = crate::admin::election_options(&state, l).await;
    let levels = vec![
        ("instansi".to_string(), l.pick("Instansi", "Agency").to_string()),
        ("wilayah".to_string(), l.pick("Kabupaten/kota", "Regency/city").to_string()),
    ];
    let form = FormSpec::new(
        "/indeks",
        l.pick("Tampilkan", "Show"),
        vec![
            election_field(elections, l, &election, false),
            Field::new("tingkat", l.pick("Unit", "Unit"), FieldKind::Select(levels), level.as_str()),
        ],
    )
    .get();
    let ranked: Vec<&UnitScore> = scores.iter().filter(|s| s.rank.is_ok()).collect();
    let bars: Vec<Bar> = ranked
        .iter()
        .map(|s| Bar { label: s.input.name.clone(), value: s.index, shown: decimal(l, s.index) })
        .collect();
    let title = l.pick("Indeks netralitas (unit yang diperingkat)", "Neutrality index (ranked units)");
    let mut headers: Vec<String> = vec![
        l.pick("Peringkat", "Rank").into(),
        l.pick("Unit", "Unit").into(),
        l.pick("ASN (registri)", "Civil servants (registry)").into(),
        l.pick("Kasus terbukti", "Substantiated cases").into(),
    ];
    headers.extend(INDICATORS.iter().map(|i| i.name(l).to_string()));
    headers.extend([
        l.pick("Pakta %", "Pact %").to_string(),
        l.pick("Sosialisasi %", "Briefing %").to_string(),
        l.pick("Tindak lanjut PPK", "PPK follow-up").to_string(),
        l.pick("Indeks", "Index").to_string(),
    ]);
    let rows = scores
        .iter()
        .map(|s| {
            let mut row = vec![
                Cell::text(match s.rank {
                    Ok(rank) => rank.to_string(),
                    Err(why) => format!("— ({})", why.describe(l)),
                }),
                Cell::text(s.input.name.clone()),
                Cell::text(s.input.persons.to_string()),
                Cell::text(s.input.cases.to_string()),
            ];
            row.extend(s.indicator_scores.iter().map(|v| Cell::text(decimal(l, *v))));
            row.extend([
                Cell::text(decimal(l, s.pact_score)),
                Cell::text(decimal(l, s.session_score)),
                Cell::text(format!(
                    "{} ({}/{})",
                    decimal(l, s.follow_up_score),
                    s.input.followed_up,
                    s.input.recommended
                )),
                Cell::text(decimal(l, s.index)),
            ]);
            row
        })
        .collect();
    let json_link = format!("/api/v1/indeks?pemilihan={election}&tingkat={}", level.as_str());
    StaffPage::for_user(&user, "/indeks", l.pick("Indeks netralitas ASN", "ASN neutrality index"))
        .lead(l.pick(
            "Skor 0–100 per unit: pelanggaran yang terbukti pada empat indikator dibandingkan dengan ukuran unit dan rata-rata wilayah acuannya, ditambah cakupan pakta, sosialisasi dan tindak lanjut PPK. Makin tinggi makin baik; 50 pada indikator berarti setara wilayah acuan.",
            "A 0–100 score per unit: substantiated violations on the four indicators against the unit's size and its reference group's rate, plus pact and briefing coverage and PPK follow-up. Higher is better; 50 on an indicator means as the reference group.",
        ))
        .section(Section::Form(form))
        .section(Section::Chart {
            title: title.into(),
            svg: bar_chart(title, &bars, Some(100.0), l.pick("Belum ada unit dengan data yang cukup untuk diperingkat.", "No unit has enough data to be ranked yet.")).to_svg(),
            caption: l.pick("Unit dengan data terlalu sedikit tidak diperingkat (lihat tabel).", "Units with too little data are not ranked (see the table).").into(),
        })
        .section(Section::Table(Table {
            caption: l.pick("Indeks per unit, dengan komponennya", "Index per unit, with its parts").into(),
            headers,
            rows,
            empty: l.pick("Belum ada unit.", "No units yet.").into(),
        }))
        .section(Section::Links(vec![
            ("/indeks/metode".into(), l.pick("Cara indeks dihitung", "How the index is computed").into(), String::new()),
            (json_link, l.pick("Data lengkap (JSON)", "Full figures (JSON)").into(), String::new()),
        ]))
        .render(StatusCode::OK)
}

/// `GET /api/v1/indeks`: every unit's index with all intermediate values, for reuse and for checking.
pub async fn index_json(
    State(state): State<AppState>,
    Staff(user): Staff,
    Query(query): Query<StatsQuery>,
) -> Response {
    let (election, level, scores) = match index_scores(&state, &user, &query).await {
        Ok(found) => found,
        Err(error) => return crate::admin::api_refusal(error),
    };
    let units: Vec<serde_json::Value> = scores
        .iter()
        .map(|s| {
            json!({
                "key": s.input.key, "name": s.input.name, "group": s.input.group,
                "persons": s.input.persons, "cases": s.input.cases, "violations": s.input.violations,
                "pact_signed": s.input.pact_signed, "session_attended": s.input.session_attended,
                "recommended": s.input.recommended, "followed_up": s.input.followed_up,
                "expected": s.expected, "ratio": s.ratio, "indicator_scores": s.indicator_scores,
                "violation_score": s.violation_score, "pact_score": s.pact_score, "session_score": s.session_score,
                "follow_up_score": s.follow_up_score, "index": s.index,
                "rank": s.rank.ok(),
                "unranked": s.rank.err().map(|why| match why { Unranked::FewPersons => "few_persons", Unranked::FewExpected => "few_expected" }),
            })
        })
        .collect();
    axum::Json(json!({
        "election": election,
        "level": level.as_str(),
        "indicators": INDICATORS.iter().map(|i| i.name(Locale::En)).collect::<Vec<_>>(),
        "method": {
            "prior_cases": index::PRIOR_CASES, "prior_recommendations": index::PRIOR_RECOMMENDATIONS,
            "default_follow_up": index::DEFAULT_FOLLOW_UP, "min_persons": index::MIN_PERSONS,
            "min_expected": index::MIN_EXPECTED,
            "weights": { "violations": index::WEIGHT_VIOLATIONS, "pacts": index::WEIGHT_PACTS,
                         "sessions": index::WEIGHT_SESSIONS, "follow_up": index::WEIGHT_FOLLOW_UP },
        },
        "units": units,
    }))
    .into_response()
}

/// `GET /indeks/metode`: the method, public, with the constants the code uses and the item → indicator map.
pub async fn method_page(State(state): State<AppState>, headers: HeaderMap, uri: axum::http::Uri) -> Response {
    let l = locale_of(&headers, uri.query());
    let n = |x: f64| decimal(l, x);
    let pct = |x: f64| format!("{:.0} %", x * 100.0);
    let steps = vec![
        l.pick(
            "Unit yang dibandingkan: instansi (dicocokkan dengan registri ASN menurut nama) dan kabupaten/kota. Pembanding (wilayah acuan) sebuah unit adalah semua unit di provinsinya; instansi pusat dibandingkan secara nasional.",
            "Units compared: agencies (matched to the ASN registry by name) and regencies/cities. A unit's reference group is every unit in its province; central agencies are compared nationally.",
        ).to_string(),
        l.pick(
            "Kasus terbukti: kasus yang butir katalognya telah dipastikan Bawaslu dan tidak kemudian dinyatakan tidak diregistrasi, bukan pelanggaran, tidak terbukti (oleh BKN atau PPK) atau dibatalkan. Kasus dihitung untuk instansi PPK penerima rekomendasi (atau instansi yang dipastikan Bawaslu, atau instansi terlapor di registri) dan untuk kabupaten/kota tempat kejadian.",
            "Substantiated case: Bawaslu confirmed its catalogue items and no later step found it not registered, not a violation, not proven (by BKN or the PPK) or cancelled. A case counts for the agency whose PPK received the recommendation (else the agency Bawaslu confirmed, else the person's agency in the registry) and for the regency/city where it happened.",
        ).to_string(),
        format!(
            "{} {}",
            l.pick(
                "Setiap butir katalog masuk satu dari empat indikator (tabel di bawah). Bobot kasus pada sebuah indikator adalah bobot terberat butirnya: moral/ringan 1, sedang 2, berat 3, pemberhentian/pidana 4.",
                "Every catalogue item belongs to one of the four indicators (table below). A case's weight on an indicator is its heaviest item's: moral/light 1, moderate 2, severe 3, dismissal/criminal 4.",
            ),
            l.pick("Sesuai aturan: 2.", "Per the rule breached: 2.")
        ),
        format!(
            "{} A = {}. {}",
            l.pick(
                "Per indikator, kasus yang diharapkan e = jumlah ASN unit × (bobot kasus wilayah acuan ÷ ASN wilayah acuan). Rasio disusutkan r = (v + A) ÷ (e + A), dengan v bobot kasus unit dan",
                "Per indicator, expected cases e = the unit's civil servants × (the group's weighted cases ÷ the group's civil servants). The shrunk ratio is r = (v + A) ÷ (e + A), with v the unit's weighted cases and",
            ),
            n(index::PRIOR_CASES),
            l.pick(
                "Satu kasus di unit kecil hanya sedikit menggeser rasionya dari 1. Skor indikator = 100 ÷ (1 + r): 50 berarti setara wilayah acuan, lebih tinggi berarti lebih sedikit pelanggaran.",
                "One case in a small unit moves its ratio little from 1. Indicator score = 100 ÷ (1 + r): 50 means as the reference group, higher means fewer violations.",
            )
        ),
        l.pick(
            "Pakta dan sosialisasi: persentase ASN aktif unit di registri yang menandatangani pakta integritas pemilihan ini dan yang hadir dalam salah satu sosialisasinya.",
            "Pacts and briefings: the share of the unit's active civil servants in the registry who signed this election's integrity pact and who attended one of its briefings.",
        ).to_string(),
        format!(
            "{} B = {} {} {}).",
            l.pick(
                "Tindak lanjut PPK: dari rekomendasi yang hasilnya sudah diketahui (PPK memutus, atau sistem mencatat PPK tidak menindaklanjuti sampai tenggat), bagian yang diputus PPK, disusutkan ke tingkat wilayah acuan f: (diputus + B·f) ÷ (rekomendasi + B), dengan",
                "PPK follow-up: of the recommendations whose outcome is known (the PPK decided, or the system recorded that the PPK let the deadline pass), the share the PPK decided, shrunk toward the group's rate f: (decided + B·f) ÷ (recommendations + B), with",
            ),
            n(index::PRIOR_RECOMMENDATIONS),
            l.pick("(tanpa rekomendasi di wilayah acuan f =", "(with no recommendation in the group f ="),
            n(index::DEFAULT_FOLLOW_UP)
        ),
        format!(
            "{}: {} × {} + {} × {} + {} × {} + {} × {}.",
            l.pick("Indeks", "Index"),
            pct(index::WEIGHT_VIOLATIONS),
            l.pick("rata-rata empat skor indikator", "the mean of the four indicator scores"),
            pct(index::WEIGHT_PACTS),
            l.pick("cakupan pakta", "pact coverage"),
            pct(index::WEIGHT_SESSIONS),
            l.pick("cakupan sosialisasi", "briefing coverage"),
            pct(index::WEIGHT_FOLLOW_UP),
            l.pick("tindak lanjut PPK", "PPK follow-up"),
        ),
        format!(
            "{} {} {} {} {}",
            l.pick("Peringkat hanya untuk unit dengan sedikitnya", "Only units with at least"),
            index::MIN_PERSONS,
            l.pick("ASN aktif di registri dan perkiraan kasus (semua indikator) sedikitnya", "active civil servants in the registry and expected cases (all indicators) of at least"),
            n(index::MIN_EXPECTED),
            l.pick(
                "; unit lain tetap ditampilkan tanpa peringkat. Dengan begitu unit kecil dengan satu kasus tidak dapat berada di puncak atau dasar tabel.",
                "are ranked; others are listed without a rank. So a small unit with one case cannot top or bottom the table.",
            )
        ),
        l.pick(
            "Semua angka dihitung ulang dari data yang berjalan setiap kali halaman dibuka, dan tersedia lengkap dalam JSON (/api/v1/indeks). Tidak ada indeks resmi BKN/KASN; metode ini rancangan Netra dari empat indikator netralitas.",
            "Every figure is recomputed from live data whenever the page is opened, and available in full as JSON (/api/v1/indeks). There is no official BKN/KASN index; this method is Netra's, built on the four neutrality indicators.",
        ).to_string(),
    ];
    let mut rows = Vec::new();
    for item in state.catalogue.items() {
        rows.push(vec![
            Cell::text(item.code.clone()),
            Cell::text(item.title(l).to_string()),
            Cell::text(item.level.name(l).to_string()),
            Cell::text(n(index::severity_weight(item.level))),
            Cell::text(item.indicator.name(l).to_string()),
        ]);
    }
    let mut page = StaffPage::anonymous(l, "/indeks/metode", "", l.pick("Metode indeks netralitas ASN", "Method of the ASN neutrality index"))
        .lead(l.pick(
            "Bagaimana Netra menghitung indeks netralitas per instansi dan kabupaten/kota, dan mengapa unit dengan sedikit data tidak diperingkat.",
            "How Netra computes the neutrality index per agency and regency/city, and why units with little data are not ranked.",
        ));
    for (i, step) in steps.into_iter().enumerate() {
        page = page.section(Section::Text(format!("{}. {step}", i + 1)));
    }
    page.section(Section::Table(Table {
        caption: l.pick("Butir katalog, bobot dan indikatornya", "Catalogue items, their weight and indicator").into(),
        headers: vec![
            l.pick("Kode", "Code").into(),
            l.pick("Butir", "Item").into(),
            l.pick("Tingkat", "Level").into(),
            l.pick("Bobot", "Weight").into(),
            l.pick("Indikator", "Indicator").into(),
        ],
        rows,
        empty: String::new(),
    }))
    .render(StatusCode::OK)
}
