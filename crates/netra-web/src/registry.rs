//! The ASN registry as the case pages see it: a match index built in the background from the store and rebuilt
//! when an import changes the registry. A page never waits for a build: it gets the current index, the previous
//! one while a rebuild runs, or a notice that the index is being prepared.

use std::sync::{Arc, Mutex};

use netra_core::Locale;
use netra_core::region::RegionCode;
use netra_registry::index::{Query, RegistryIndex};
use netra_registry::rows::PositionKind;
use netra_store::cases::CaseRecord;
use netra_store::casework::{CaseDesk, CaseFile};
use netra_store::{Store, StoreResult};

use crate::AppState;
use crate::cases::region_name;
use crate::staff::{Cell, Field, FieldKind, FormSpec, Section, Table};

/// What a page can use right now.
#[derive(Debug, Clone)]
pub enum IndexState {
    /// No registry has been imported.
    Empty,
    /// The first index is being built.
    Building,
    Ready(Arc<RegistryIndex>),
}

/// The shared, lazily rebuilt match index.
#[derive(Debug, Default)]
pub struct RegistryMatcher {
    cached: Mutex<Cached>,
}

#[derive(Debug, Default)]
struct Cached {
    /// The latest import when the index was built (imports are the registry's only writes).
    built_from: Option<String>,
    index: Option<Arc<RegistryIndex>>,
    building: bool,
}

impl RegistryMatcher {
    pub fn new() -> RegistryMatcher {
        RegistryMatcher::default()
    }

    /// The index for a page; starts a background rebuild when the registry changed since the last build.
    pub async fn index(self: &Arc<Self>, store: &Arc<dyn Store>) -> IndexState {
        let latest = match store.latest_registry_import().await {
            Ok(Some(latest)) => latest,
            Ok(None) => return IndexState::Empty,
            Err(error) => {
                tracing::warn!(%error, "cannot read the registry's latest import");
                return self.current().map_or(IndexState::Empty, IndexState::Ready);
            }
        };
        let mut cached = self.cached.lock().expect("not poisoned");
        let stale = cached.built_from.as_deref() != Some(latest.as_str());
        if stale && !cached.building {
            cached.building = true;
            let (this, store) = (self.clone(), store.clone());
            tokio::spawn(async move {
                if let Err(error) = this.rebuild(&store).await {
                    tracing::warn!(%error, "building the registry match index failed; retrying on the next page");
                }
            });
        }
        match &cached.index {
            Some(index) => IndexState::Ready(index.clone()),
            None => IndexState::Building,
        }
    }

    /// Builds the index now and waits for it (at server start, and in tests).
    pub async fn rebuild(&self, store: &Arc<dyn Store>) -> StoreResult<()> {
        self.cached.lock().expect("not poisoned").building = true;
        let result = async {
            let latest = store.latest_registry_import().await?;
            let index = netra_store::registry::load_index(store.as_ref()).await?;
            Ok::<_, netra_store::StoreError>((latest, index))
        }
        .await;
        let mut cached = self.cached.lock().expect("not poisoned");
        cached.building = false;
        let (latest, index) = result?;
        tracing::info!(persons = index.len(), "registry match index ready");
        cached.built_from = latest;
        cached.index = Some(Arc::new(index));
        Ok(())
    }

    fn current(&self) -> Option<Arc<RegistryIndex>> {
        self.cached.lock().expect("not poisoned").index.clone()
    }
}

/// How many registry candidates the triage panel shows.
pub const PANEL_CANDIDATES: usize = 5;

/// The registry part of a case's triage: the confirmed person, or the best candidates for the reported person with
/// their reasons and (for Bawaslu) a form to confirm one. Staff confirm; Netra only proposes.
pub(crate) async fn triage_sections(state: &AppState, desk: &CaseDesk<'_>, file: &CaseFile, l: Locale) -> Vec<Section> {
    let case = &file.case;
    let may_confirm = desk.principal().role().is_bawaslu() && case.merged_into.is_none();
    let mut sections =
        vec![Section::Heading(l.pick("Terlapor dalam registri ASN", "Reported person in the ASN registry").into())];
    if let Some(id) = case.registry_person_id {
        sections.extend(confirmed_sections(state, case, id, may_confirm, l).await);
        return sections;
    }
    let index = match state.registry.index(&state.store).await {
        IndexState::Ready(index) => index,
        IndexState::Empty => {
            sections.push(Section::Text(
                l.pick(
                    "Registri ASN belum diimpor (netra registry import); terlapor belum dapat dicocokkan.",
                    "No ASN registry has been imported (netra registry import); the person cannot be matched yet.",
                )
                .into(),
            ));
            return sections;
        }
        IndexState::Building => {
            sections.push(Section::Text(
                l.pick(
                    "Indeks registri ASN sedang disiapkan; muat ulang halaman sebentar lagi.",
                    "The ASN registry index is being prepared; reload the page in a moment.",
                )
                .into(),
            ));
            return sections;
        }
    };
    let agency = match &case.agency_id {
        Some(id) => state.store.agency(id).await.ok().flatten().map(|a| a.name),
        None => None,
    };
    let query = Query {
        nama: case.person.name.clone(),
        instansi: agency.or_else(|| Some(case.person.agency_text.clone()).filter(|t| !t.trim().is_empty())),
        unit_kerja: None,
        kode_wilayah: Some(case.region.to_string()),
        jabatan: Some(case.person.position.clone()).filter(|t| !t.trim().is_empty()),
        jenis_kelamin: None,
    };
    let candidates = index.search(&query, PANEL_CANDIDATES);
    sections.push(Section::Table(Table {
        caption: l
            .pick(
                "Kemungkinan orang yang dilaporkan (dari nama, wilayah, instansi dan jabatan dalam laporan; petugas memastikan)",
                "Who the report may be about (from the name, region, agency and position in the report; staff confirm)",
            )
            .into(),
        headers: vec![
            l.pick("Nama", "Name").into(),
            "NIP".into(),
            l.pick("Jabatan · unit · instansi", "Position · unit · agency").into(),
            l.pick("Wilayah", "Region").into(),
            l.pick("Skor", "Score").into(),
            l.pick("Alasan", "Reasons").into(),
        ],
        rows: candidates
            .iter()
            .map(|c| {
                vec![
                    Cell::text(c.name.clone()),
                    Cell::text(c.nip.clone()),
                    Cell::text(workplace(&c.position, c.position_kind.name(l), &c.unit, &c.agency)),
                    Cell::text(region_name(&c.region)),
                    Cell::text(format!("{:.2}", c.score)),
                    Cell::text(c.reasons.iter().map(|r| r.describe(l)).collect::<Vec<_>>().join("; ")),
                ]
            })
            .collect(),
        empty: l
            .pick("Tidak ada orang dalam registri yang cocok dengan nama ini.", "Nobody in the registry matches this name.")
            .into(),
    }));
    if may_confirm && !candidates.is_empty() {
        let options = candidates
            .iter()
            .map(|c| (c.id.to_string(), format!("{} · NIP {} · {}", c.name, c.nip, c.position)))
            .collect();
        sections.push(Section::Form(
            FormSpec::new(
                format!("/kasus/{}/terlapor", case.id),
                l.pick("Pastikan", "Confirm"),
                vec![
                    Field::new("version", "", FieldKind::Hidden, case.version.to_string()),
                    Field::new("person_id", l.pick("Orang dalam registri", "Registry person"), FieldKind::Select(options), "")
                        .help(l.pick(
                            "Kepastian tercatat di jejak audit; NIP registri mengisi NIP kasus bila laporan tidak menyebutnya.",
                            "The confirmation is audited; the registry's NIP fills the case's NIP when the report gave none.",
                        )),
                ],
            )
            .heading(l.pick("Pastikan terlapor", "Confirm the reported person")),
        ));
    }
    sections
}

/// The confirmed person with their earlier positions, and a way to withdraw the confirmation.
async fn confirmed_sections(state: &AppState, case: &CaseRecord, id: i64, may_change: bool, l: Locale) -> Vec<Section> {
    let mut sections = Vec::new();
    match state.store.registry_person(id).await.ok().flatten() {
        Some(person) => {
            let status = format!("{} ({})", person.employment_kind, person.employment_state);
            let mut facts = vec![
                (l.pick("Dipastikan sebagai", "Confirmed as").into(), person.display_name()),
                ("NIP".into(), person.nip.clone()),
                (l.pick("Status kepegawaian", "Employment").into(), status),
                (
                    l.pick("Jabatan", "Position").into(),
                    format!(
                        "{} ({}, {} {})",
                        person.position,
                        PositionKind::parse(&person.position_kind).map_or("—", |k| k.name(l)),
                        l.pick("sejak", "since"),
                        person.position_since
                    ),
                ),
                (l.pick("Unit kerja", "Unit").into(), person.unit.clone()),
                (l.pick("Instansi", "Agency").into(), person.agency.clone()),
                (
                    l.pick("Wilayah", "Region").into(),
                    RegionCode::parse(&person.region_code).map_or(person.region_code.clone(), |c| region_name(&c)),
                ),
            ];
            // Prevention (issue 7): the pacts this person signed, with the codes that verify them at /verifikasi,
            // and the briefings they attended.
            let signed = state.store.pact_signatures_of(id).await.unwrap_or_default();
            let pacts = if signed.is_empty() {
                l.pick("belum pernah menandatangani pakta integritas", "has never signed an integrity pact").to_string()
            } else {
                signed
                    .iter()
                    .map(|s| {
                        let d = &s.pact.document;
                        format!(
                            "{} {} {} {} ({}), {} {}",
                            d.kind.name(l),
                            d.election,
                            l.pick("versi", "version"),
                            d.text_version,
                            s.signed_at.date(),
                            l.pick("kode", "code"),
                            s.pact.code
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let attended = state.store.sessions_attended(id).await.unwrap_or_default();
            let briefings = if attended.is_empty() {
                l.pick("belum pernah tercatat hadir sosialisasi netralitas", "never recorded at a neutrality briefing")
                    .to_string()
            } else {
                attended
                    .iter()
                    .map(|s| format!("{} ({}, {})", s.title, s.held_on, s.election_id))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            facts.push((l.pick("Pakta integritas", "Integrity pact").into(), pacts));
            facts.push((l.pick("Sosialisasi", "Briefings").into(), briefings));
            sections.push(Section::Facts(facts));
            let history = state.store.registry_history(id).await.unwrap_or_default();
            if !history.is_empty() {
                sections.push(Section::Table(Table {
                    caption: l.pick("Jabatan sebelumnya", "Earlier positions").into(),
                    headers: vec![
                        l.pick("Jabatan · unit · instansi", "Position · unit · agency").into(),
                        l.pick("Wilayah", "Region").into(),
                        l.pick("Dari", "From").into(),
                        l.pick("Sampai", "Until").into(),
                    ],
                    rows: history
                        .iter()
                        .map(|past| {
                            let kind = PositionKind::parse(&past.position_kind).map_or("—", |k| k.name(l));
                            vec![
                                Cell::text(workplace(&past.position, kind, &past.unit, &past.agency)),
                                Cell::text(past.region_code.clone()),
                                Cell::text(past.since.to_string()),
                                Cell::text(past.until.to_string()),
                            ]
                        })
                        .collect(),
                    empty: String::new(),
                }));
            }
        }
        None => sections.push(Section::Text(format!(
            "{} #{id}",
            l.pick(
                "Orang yang dipastikan tidak lagi ada di registri:",
                "The confirmed person is no longer in the registry:"
            )
        ))),
    }
    if may_change {
        sections.push(Section::Form(
            FormSpec::new(
                format!("/kasus/{}/terlapor", case.id),
                l.pick("Batalkan kepastian", "Withdraw the confirmation"),
                vec![
                    Field::new("version", "", FieldKind::Hidden, case.version.to_string()),
                    Field::new("person_id", "", FieldKind::Hidden, ""),
                ],
            )
            .danger(),
        ));
    }
    sections
}

fn workplace(position: &str, kind: &str, unit: &str, agency: &str) -> String {
    let mut parts = vec![format!("{position} ({kind})")];
    parts.extend([unit, agency].into_iter().filter(|p| !p.trim().is_empty()).map(str::to_string));
    parts.join(" · ")
}
