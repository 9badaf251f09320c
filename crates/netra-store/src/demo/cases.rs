//! Demo cases: reports and findings about civil servants of the demo registry across West Java in the Pilkada
//! 2024 campaign, each taken through the workflow by the offices' own desks (intake, registration, study,
//! forwarding, BKN's recommendation, the PPK's summons, examination and decision) on 2024 dates, so that the work
//! lists, dashboards and the neutrality index have something real to show. Seeded: every demo has the same cases.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use netra_core::catalogue::SanctionLevel;
use netra_core::intake::CaseOrigin;
use netra_core::rng::SplitMix;
use netra_core::role::Role;
use netra_core::workflow::{Action, BknConclusion};
use time::{Date, Duration, OffsetDateTime};

use crate::access::{AccessError, Principal};
use crate::accounts::{Agency, AgencyKind, AuditContext, Office, StaffUser};
use crate::cases::CaseRecord;
use crate::casework::{CaseDesk, FactsInput, HandOff, ReportInput, Vault, validate_report};
use crate::registry::PersonRecord;
use crate::{Store, StoreError, StoreResult};

/// What [`seed_cases`] made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseSeed {
    pub cases: u64,
    pub forwarded: u64,
    pub decided: u64,
    /// The extra PPK accounts it created (username, office), printed with the demo logins.
    pub ppk_logins: Vec<(String, String)>,
}

/// How many cases the demo files.
pub const DEMO_CASES: usize = 90;

const SEED: u64 = 202_411_270_001;

/// A kind of incident: its weight among reports, the catalogue items Bawaslu confirms, and how the report reads
/// (`{nama}`, `{jabatan}`, `{unit}`, `{nomor}` are filled in).
struct Scenario {
    weight: u32,
    items: &'static [&'static str],
    text: &'static str,
    place: &'static str,
}

/// Social media first, as in every recap of 2020–2024 (legal-and-process.md §5.3).
const SCENARIOS: [Scenario; 11] = [
    Scenario {
        weight: 22,
        items: &["D-SOC-CAMPAIGN"],
        text: "{jabatan} {nama} ({unit}) mengunggah ajakan memilih pasangan calon nomor urut {nomor} di akun Facebook \
               pribadinya, lengkap dengan foto alat peraga kampanye.",
        place: "Facebook",
    },
    Scenario {
        weight: 14,
        items: &["D-SOC-ENGAGE-COMMENT", "D-SOC-ENGAGE-SHARE"],
        text: "{nama}, {jabatan} di {unit}, menulis komentar dukungan dan membagikan unggahan akun resmi pasangan \
               calon nomor urut {nomor} di Instagram.",
        place: "Instagram",
    },
    Scenario {
        weight: 12,
        items: &["D-SOC-PHOTO"],
        text: "{nama} ({jabatan}, {unit}) berfoto bersama calon kepala daerah sambil mengacungkan {nomor} jari; \
               fotonya beredar di grup WhatsApp warga.",
        place: "Grup WhatsApp warga",
    },
    Scenario {
        weight: 10,
        items: &["PP-CAMPAIGN-ATTR"],
        text: "{jabatan} {nama} ({unit}) menghadiri kampanye terbuka pasangan calon nomor urut {nomor} pada jam \
               kerja dengan mengenakan seragam dinas.",
        place: "Lapangan kampanye",
    },
    Scenario {
        weight: 6,
        items: &["D-DECL-ATTEND"],
        text: "{nama}, {jabatan} di {unit}, hadir dan ikut berorasi dalam deklarasi relawan pendukung pasangan calon \
               nomor urut {nomor}.",
        place: "Gedung serbaguna",
    },
    Scenario {
        weight: 5,
        items: &["D-BANNER"],
        text: "{jabatan} {nama} memasang spanduk pasangan calon nomor urut {nomor} di pagar kantor {unit}.",
        place: "Pagar kantor",
    },
    Scenario {
        weight: 4,
        items: &["PP-MOBILISE"],
        text: "{nama}, {jabatan} di {unit}, mengumpulkan staf dan meminta mereka hadir di kampanye pasangan calon \
               nomor urut {nomor}.",
        place: "Ruang rapat kantor",
    },
    Scenario {
        weight: 4,
        items: &["PP-STATE-FACILITY"],
        text: "{jabatan} {nama} ({unit}) memakai kendaraan dinas untuk mengangkut peserta kampanye pasangan calon \
               nomor urut {nomor}.",
        place: "Jalan menuju lokasi kampanye",
    },
    Scenario {
        weight: 6,
        items: &["D-PARTISAN-EVENT"],
        text: "{nama} ({jabatan}, {unit}) membagikan paket sembako berstiker pasangan calon nomor urut {nomor} \
               kepada warga.",
        place: "Balai warga",
    },
    Scenario {
        weight: 2,
        items: &["D-KTP-SUPPORT"],
        text: "{jabatan} {nama} ({unit}) mengumpulkan fotokopi KTP warga sebagai surat dukungan bagi pasangan \
               calon nomor urut {nomor}.",
        place: "Kantor desa",
    },
    Scenario {
        weight: 3,
        items: &["D-DECISION-BIAS"],
        text: "{nama}, {jabatan} di {unit}, mendahulukan penyaluran bantuan ke wilayah pendukung pasangan calon \
               nomor urut {nomor}.",
        place: "Kantor {unit}",
    },
];

/// Reports per kabupaten/kota relative to the others (unlisted: 1). Kabupaten Bandung, the demo's home, has most.
const REGION_WEIGHTS: [(&str, u32); 6] =
    [("32.04", 9), ("32.73", 4), ("32.16", 3), ("32.01", 3), ("32.05", 2), ("32.75", 2)];

/// Extra PPK offices, so that follow-up differs between agencies: agency id, office, username, display name.
const PPK_OFFICES: [(&str, &str, &str, &str); 2] = [
    ("pemkot-bandung", "BKPSDM Kota Bandung", "ppk.kotabandung", "Lina Marlina"),
    ("pemprov-jabar", "BKD Provinsi Jawa Barat", "ppk.jabar", "Agus Setiawan"),
];

fn failed(error: AccessError) -> StoreError {
    StoreError::Invalid(format!("demo case: {error}"))
}

fn at(date: Date) -> OffsetDateTime {
    date.with_hms(10, 0, 0).expect("valid time").assume_offset(time::macros::offset!(+7))
}

async fn principal(store: &dyn Store, username: &str) -> StoreResult<Principal> {
    let user = store.user_by_username(username).await?.ok_or(StoreError::NotFound)?;
    Principal::load(store, &user.id).await?.ok_or(StoreError::NotFound)
}

/// One desk action on `day`; returns the case as saved.
async fn act(desk: &CaseDesk<'_>, case: CaseRecord, action: Action, handoff: HandOff) -> StoreResult<CaseRecord> {
    let on = action.on();
    desk.act(&case.id, case.version, action, handoff, at(on)).await.map_err(failed)
}

/// The index of an entry drawn with probability proportional to its weight.
fn weighted(rng: &mut SplitMix, weights: impl Iterator<Item = u32> + Clone) -> usize {
    let total: u32 = weights.clone().sum();
    let mut pick = rng.below(total as usize) as u32;
    for (index, weight) in weights.enumerate() {
        if pick < weight {
            return index;
        }
        pick -= weight;
    }
    unreachable!("the pick is below the total")
}

fn days(rng: &mut SplitMix, low: i64, high: i64) -> Duration {
    Duration::days(low + rng.below((high - low + 1) as usize) as i64)
}

/// Files [`DEMO_CASES`] cases through the offices' desks (after [`super::seed`], the registry and the
/// prevention records), then lets the system flag PPKs that let their follow-up deadline pass by `now`.
pub async fn seed_cases(store: &Arc<dyn Store>, vault: &Vault, now: OffsetDateTime) -> StoreResult<CaseSeed> {
    let ctx = AuditContext::system(now);
    let mut seed = CaseSeed::default();
    // The central agency most West Java civil servants outside the regional governments work for.
    store
        .create_agency(
            &ctx,
            &Agency {
                id: "kemenag".into(),
                name: "Kementerian Agama".into(),
                kind: AgencyKind::Kementerian,
                region: None,
            },
        )
        .await?;
    let password_hash = crate::auth::hash_password(super::DEMO_PASSWORD);
    for (agency, name, username, person) in PPK_OFFICES {
        let region = store.agency(agency).await?.and_then(|a| a.region);
        let office = Office {
            id: uuid::Uuid::now_v7().to_string(),
            name: name.into(),
            region,
            agency: Some(agency.into()),
            email: None,
        };
        store.create_office(&ctx, &office).await?;
        let user = StaffUser {
            id: uuid::Uuid::now_v7().to_string(),
            username: username.into(),
            display_name: person.into(),
            role: Role::PpkOffice,
            office_id: office.id.clone(),
            must_change_password: false,
            totp_secret: None,
            disabled: false,
            created_at: now,
        };
        store.create_user(&ctx, &user, &password_hash).await?;
        seed.ppk_logins.push((username.into(), name.into()));
    }

    // Active civil servants per kabupaten/kota, in registry order.
    let mut persons: BTreeMap<String, Vec<PersonRecord>> = BTreeMap::new();
    store
        .scan_registry(&mut |p| {
            if p.employment_state == "aktif" && p.region_code.len() >= 5 && p.region_code.starts_with("32") {
                persons.entry(p.region_code[..5].to_string()).or_default().push(p);
            }
        })
        .await?;
    let regions: Vec<(String, u32)> = persons
        .keys()
        .map(|code| {
            let weight = REGION_WEIGHTS.iter().find(|(c, _)| c == code).map_or(1, |(_, w)| *w);
            (code.clone(), weight)
        })
        .collect();
    if regions.is_empty() {
        return Err(StoreError::Invalid("demo cases need the demo registry".into()));
    }
    let agency_ids: HashMap<String, String> =
        store.agencies().await?.into_iter().map(|a| (a.name.to_lowercase(), a.id)).collect();
    let bawaslu_kab = principal(store.as_ref(), "bawaslu.kabbandung").await?;
    let bawaslu_prov = principal(store.as_ref(), "bawaslu.jabar").await?;
    let bkn = principal(store.as_ref(), "bkn.kanreg3").await?;
    let mut ppk: HashMap<String, Principal> = HashMap::new();
    ppk.insert("pemkab-bandung".into(), principal(store.as_ref(), "ppk.kabbandung").await?);
    for (agency, _, username, _) in PPK_OFFICES {
        ppk.insert(agency.into(), principal(store.as_ref(), username).await?);
    }
    // How likely each PPK is to carry a recommendation through (the national figure is about one in two).
    let diligence = |agency: &str| match agency {
        "pemkab-bandung" => 0.75,
        "pemprov-jabar" => 0.85,
        _ => 0.35,
    };

    let mut rng = SplitMix(SEED);
    let campaign_start = time::macros::date!(2024 - 09 - 25);
    for n in 0..DEMO_CASES {
        // Where and who.
        let (regency, _) = &regions[weighted(&mut rng, regions.iter().map(|(_, w)| *w))];
        let people = &persons[regency];
        let person = people[rng.below(people.len())].clone();
        let scenario = &SCENARIOS[weighted(&mut rng, SCENARIOS.iter().map(|s| s.weight))];
        let number = 1 + rng.below(4);
        let fill = |text: &str| {
            text.replace("{nama}", &person.name)
                .replace("{jabatan}", &person.position)
                .replace("{unit}", &person.unit)
                .replace("{nomor}", &number.to_string())
        };
        let occurred = campaign_start + days(&mut rng, 0, 55);
        let known = occurred + days(&mut rng, 0, 2);
        let received = known + days(&mut rng, 0, 1);
        let desk_owner = if regency == "32.04" { &bawaslu_kab } else { &bawaslu_prov };
        let desk = desk_owner.case_desk(store).map_err(failed)?;
        let input = ReportInput {
            description: fill(scenario.text),
            occurred_on: occurred.to_string(),
            known_on: known.to_string(),
            region_code: person.region_code.clone(),
            place: fill(scenario.place),
            person_name: person.name.clone(),
            person_position: person.position.clone(),
            person_agency: person.agency.clone(),
            mode: "anonymous".into(),
            ..Default::default()
        };
        let report = validate_report(store.as_ref(), &input, received)
            .await
            .map_err(|errors| StoreError::Invalid(format!("demo case {n}: {}", errors[0].en)))?;
        let origin = if rng.chance(0.3) { CaseOrigin::Finding } else { CaseOrigin::InPersonReport };
        let filed = desk.intake(vault, report, origin, Vec::new(), at(received)).await.map_err(failed)?;
        seed.cases += 1;
        let mut case = desk.case(&filed.case_id).await.map_err(failed)?;
        // Bawaslu confirms the person in the registry (most reports name them well enough) and their agency.
        let agency_id = agency_ids.get(&person.agency.to_lowercase()).cloned();
        if rng.chance(0.85) {
            case = desk
                .confirm_registry_person(&case.id, case.version, Some(person.id), at(received))
                .await
                .map_err(failed)?;
            let facts = FactsInput {
                person_name: person.name.clone(),
                person_position: person.position.clone(),
                person_agency: person.agency.clone(),
                person_nip: case.person.nip.clone().unwrap_or_default(),
                agency_id: agency_id.clone().unwrap_or_default(),
                items: Vec::new(),
                place: case.place.clone(),
            };
            desk.update_facts(&case.id, case.version, &facts, at(received)).await.map_err(failed)?;
            case = desk.case(&case.id).await.map_err(failed)?;
        }

        // Bawaslu: preliminary check, registration, study; some stop here.
        let fate = rng.unit();
        if fate < 0.06 {
            continue;
        }
        case = act(&desk, case, Action::BeginPreliminaryCheck { on: received }, HandOff::default()).await?;
        if fate < 0.11 {
            let reason = "Syarat formal laporan tidak terpenuhi: identitas terlapor dan waktu kejadian tidak jelas.";
            act(
                &desk,
                case,
                Action::RejectFormal { on: received + Duration::days(1), reason: reason.into() },
                HandOff::default(),
            )
            .await?;
            continue;
        }
        let registered = received + days(&mut rng, 0, 1);
        let register = Action::Register { on: registered, number: format!("{:03}/Reg/LP/PB/{regency}/2024", n + 1) };
        case = act(&desk, case, register, HandOff::default()).await?;
        case = act(&desk, case, Action::BeginKajian { on: registered }, HandOff::default()).await?;
        if fate < 0.15 {
            continue;
        }
        let studied = registered + days(&mut rng, 1, 3);
        if fate < 0.23 {
            let reason = "Hasil kajian: tidak memenuhi unsur pelanggaran netralitas ASN.";
            act(&desk, case, Action::DecideNotViolation { on: studied, reason: reason.into() }, HandOff::default())
                .await?;
            continue;
        }
        let forward = Action::ForwardToBkn {
            on: studied,
            letter_number: format!("{:03}/PP.01.02/K.JB/{}/2024", n + 1, studied.month() as u8),
            items: scenario.items.iter().map(|s| s.to_string()).collect(),
        };
        case = act(&desk, case, forward, HandOff::default()).await?;
        seed.forwarded += 1;

        // BKN: verification, then a recommendation to the PPK of the person's agency.
        let bkn_desk = bkn.case_desk(store).map_err(failed)?;
        let received_by_bkn = studied + days(&mut rng, 1, 4);
        case = act(&bkn_desk, case, Action::BknReceive { on: received_by_bkn }, HandOff::default()).await?;
        let verdict = rng.unit();
        if verdict < 0.07 {
            continue;
        }
        let concluded = received_by_bkn + days(&mut rng, 5, 25);
        if verdict < 0.14 {
            let reason = "Bukti tidak cukup menunjukkan keberpihakan terlapor.";
            let action =
                Action::BknConclude { on: concluded, conclusion: BknConclusion::NotProven, reason: reason.into() };
            act(&bkn_desk, case, action, HandOff::default()).await?;
            continue;
        }
        let Some(agency) = agency_id.clone().or_else(|| agency_ids.get(&person.agency.to_lowercase()).cloned()) else {
            continue;
        };
        let catalogue = netra_core::builtin::catalogue();
        let level = scenario
            .items
            .iter()
            .filter_map(|code| catalogue.get(code))
            .map(|item| item.level)
            .max_by_key(|level| netra_core::index::severity_weight(*level) as u32)
            .map(|level| if level == SanctionLevel::Sedang { SanctionLevel::Sedang } else { SanctionLevel::Berat })
            .unwrap_or(SanctionLevel::Sedang);
        let recommend = Action::Recommend {
            on: concluded,
            letter_number: format!("R-{:04}/KR.III/{}/2024", 100 + n, concluded.month() as u8),
            level,
        };
        case = act(&bkn_desk, case, recommend, HandOff { ppk_agency: Some(agency.clone()) }).await?;

        // The PPK, where the agency has one in the demo.
        let Some(ppk_user) = ppk.get(&agency) else { continue };
        let ppk_desk = ppk_user.case_desk(store).map_err(failed)?;
        let diligent = diligence(&agency);
        if !rng.chance(diligent + 0.1) {
            continue;
        }
        let taken = concluded + days(&mut rng, 1, 6);
        case = act(&ppk_desk, case, Action::PpkReceive { on: taken }, HandOff::default()).await?;
        if !rng.chance(diligent) {
            // The PPK sits on it: the follow-up deadline passes and the system flags it below.
            continue;
        }
        let summoned = taken + days(&mut rng, 1, 4);
        case = act(&ppk_desk, case, Action::Summon { on: summoned }, HandOff::default()).await?;
        let examined = summoned + days(&mut rng, 2, 5);
        let exam = Action::RecordExamination { on: examined, attended: true };
        case = act(&ppk_desk, case, exam, HandOff::default()).await?;
        let decided = examined + days(&mut rng, 2, 8);
        seed.decided += 1;
        if rng.chance(0.12) {
            let reason = "Hasil pemeriksaan: terlapor tidak terbukti melanggar.";
            act(&ppk_desk, case, Action::ClearAsn { on: decided, reason: reason.into() }, HandOff::default()).await?;
            continue;
        }
        let decree = format!("800.1.6/{}/BKPSDM/2024", 200 + n);
        case = act(
            &ppk_desk,
            case,
            Action::IssueSanction { on: decided, decree_number: decree, level },
            HandOff::default(),
        )
        .await?;
        let delivered = decided + days(&mut rng, 1, 4);
        case = act(&ppk_desk, case, Action::DeliverDecision { on: delivered }, HandOff::default()).await?;
        if rng.chance(0.8) {
            act(&ppk_desk, case, Action::TakeEffect { on: delivered + Duration::days(15) }, HandOff::default()).await?;
        }
    }
    crate::casework::flag_silent_ppks(store.as_ref(), now).await?;
    Ok(seed)
}
