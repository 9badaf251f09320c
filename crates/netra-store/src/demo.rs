//! The demo scenario of `netra serve --demo`: West Java in the Pilkada of 27 November 2024. The province's
//! Bawaslu and one per kabupaten/kota, BKN, the regional governments as agencies, offices of Kabupaten Bandung
//! (BKPSDM, Inspektorat, a dinas), one demo user per role, and candidate pairs for the governor's race and two
//! regencies/cities. Everything is written through the audited store methods, as by an operator.
//!
//! Candidate names and ballot numbers follow the KPU determinations of September 2024; nicknames, slogans and
//! hashtags are illustrative, for the screening engine's demo.

use netra_core::patrol::Platform;
use netra_core::region::RegionCode;
use netra_core::role::Role;
use netra_core::totp::TotpSecret;
use sha2::Digest;
use time::OffsetDateTime;

use crate::accounts::{Agency, AgencyKind, AuditContext, CandidatePair, Office, StaffUser, Unit};
use crate::patrol::AsnAccount;
use crate::{Store, StoreResult};

mod cases;
pub use cases::{CaseSeed, DEMO_CASES, seed_cases};

/// Region, ballot number, head, deputy, nicknames, parties, slogans, hashtags.
type PairSeed = (
    &'static str,
    i32,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "netra-demo-2024";

/// One demo account as printed at start-up.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: &'static str,
    pub role: Role,
    pub office: String,
    /// Base32 TOTP secret for roles that must use a second factor.
    pub totp_secret: Option<String>,
}

const WEST_JAVA: &str = "32";

fn code(text: &str) -> RegionCode {
    RegionCode::parse(text).expect("demo region codes are valid")
}

fn slug(name: &str) -> String {
    name.to_lowercase().replace("kabupaten ", "kab-").replace("kota ", "kota-").replace(' ', "-")
}

/// Seeds the scenario into a store that has its reference data; returns the demo logins.
pub async fn seed(store: &dyn Store, now: OffsetDateTime) -> StoreResult<Vec<DemoLogin>> {
    let ctx = AuditContext::system(now);
    let province = code(WEST_JAVA);
    let regencies = store.region_children(Some(province)).await?;

    // Agencies: the province and each kabupaten/kota government.
    let pemprov = Agency {
        id: "pemprov-jabar".into(),
        name: "Pemerintah Provinsi Jawa Barat".into(),
        kind: AgencyKind::PemdaProvinsi,
        region: Some(province),
    };
    store.create_agency(&ctx, &pemprov).await?;
    for regency in &regencies {
        let agency = Agency {
            id: format!("pem{}", slug(&regency.name)).replace("pemkota-", "pemkot-"),
            name: format!("Pemerintah {}", regency.name),
            kind: AgencyKind::PemdaKabKota,
            region: Some(regency.code),
        };
        store.create_agency(&ctx, &agency).await?;
    }
    let bandung = "pemkab-bandung";
    for unit in ["Sekretariat Daerah", "Dinas Pendidikan", "Dinas Kesehatan", "Kecamatan Soreang", "BKPSDM"] {
        store
            .create_unit(
                &ctx,
                &Unit { id: uuid::Uuid::now_v7().to_string(), agency_id: bandung.into(), name: unit.into() },
            )
            .await?;
    }

    // Offices.
    let office = |name: &str, region: Option<RegionCode>, agency: Option<&str>| Office {
        email: None,
        id: uuid::Uuid::now_v7().to_string(),
        name: name.to_string(),
        region,
        agency: agency.map(String::from),
    };
    let bawaslu_ri = office("Bawaslu Republik Indonesia", None, None);
    let bawaslu_jabar = office("Bawaslu Provinsi Jawa Barat", Some(province), None);
    let mut bawaslu_kab = Vec::new();
    for regency in &regencies {
        bawaslu_kab.push(office(&format!("Bawaslu {}", regency.name), Some(regency.code), None));
    }
    let bkn_pusat = office("Badan Kepegawaian Negara (Pusat)", None, None);
    let bkn_kanreg = office("BKN Kantor Regional III Bandung", Some(province), None);
    let bkpsdm = office("BKPSDM Kabupaten Bandung", Some(code("32.04")), Some(bandung));
    let inspektorat = office("Inspektorat Kabupaten Bandung", Some(code("32.04")), Some(bandung));
    let disdik = office("Dinas Pendidikan Kabupaten Bandung", Some(code("32.04")), Some(bandung));
    let netra_ops = office("Pengelola Sistem Netra", None, None);
    let custody = office("Kustodian Identitas Pelapor", None, None);
    let mut all = vec![
        &bawaslu_ri,
        &bawaslu_jabar,
        &bkn_pusat,
        &bkn_kanreg,
        &bkpsdm,
        &inspektorat,
        &disdik,
        &netra_ops,
        &custody,
    ];
    all.extend(bawaslu_kab.iter());
    for office in all {
        store.create_office(&ctx, office).await?;
    }
    let kab_bandung =
        bawaslu_kab.iter().find(|o| o.region == Some(code("32.04"))).expect("Kabupaten Bandung is in West Java");

    // One user per role.
    let people: [(&'static str, &str, Role, &Office); 11] = [
        ("bawaslu.kabbandung", "Rina Kurniasih", Role::BawasluKabKota, kab_bandung),
        ("bawaslu.jabar", "Asep Saepudin", Role::BawasluProvinsi, &bawaslu_jabar),
        ("bawaslu.ri", "Dewi Lestari", Role::BawasluRi, &bawaslu_ri),
        ("bkn.kanreg3", "Hendra Gunawan", Role::BknRegional, &bkn_kanreg),
        ("bkn.pusat", "Sri Wahyuni", Role::BknPusat, &bkn_pusat),
        ("ppk.kabbandung", "Yusuf Hidayat", Role::PpkOffice, &bkpsdm),
        ("inspektorat.kabbandung", "Nur Aini", Role::Inspektorat, &inspektorat),
        ("admin.kabbandung", "Budi Santoso", Role::AgencyAdmin, &bkpsdm),
        ("admin.sistem", "Admin Netra", Role::SystemAdmin, &netra_ops),
        ("kustodian", "Maria Ulfa", Role::Custodian, &custody),
        ("asn.demo", "Taufik Rahman", Role::AsnSelfService, &disdik),
    ];
    let password_hash = crate::auth::hash_password(DEMO_PASSWORD);
    let mut logins = Vec::new();
    for (index, (username, name, role, office)) in people.into_iter().enumerate() {
        // Fixed, printed secrets so that the demo can be tried with any authenticator app (or `netra totp`).
        let totp_secret = role
            .requires_second_factor()
            .then(|| TotpSecret::from_bytes(format!("netra-demo-totp-{index:04}").as_bytes()).to_base32());
        let user = StaffUser {
            id: uuid::Uuid::now_v7().to_string(),
            username: username.to_string(),
            display_name: name.to_string(),
            role,
            office_id: office.id.clone(),
            must_change_password: false,
            totp_secret: totp_secret.clone(),
            disabled: false,
            created_at: now,
        };
        store.create_user(&ctx, &user, &password_hash).await?;
        logins.push(DemoLogin { username, role, office: office.name.clone(), totp_secret });
    }

    // Candidate pairs of the Pilkada 2024.
    let pairs: [PairSeed; 8] = [
        (
            WEST_JAVA,
            1,
            "Acep Adang Ruhiat",
            "Gitalis Dwi Natarina",
            &["Acep Adang", "Gita KDI"],
            &["PKB"],
            &["Jabar Amanah"],
            &["#AmanahJabar"],
        ),
        (
            WEST_JAVA,
            2,
            "Jeje Wiradinata",
            "Ronal Surapradja",
            &["Jeje", "Ronal"],
            &["PDI Perjuangan", "Hanura"],
            &["Jabar Hejo"],
            &["#JejeRonal"],
        ),
        (
            WEST_JAVA,
            3,
            "Ahmad Syaikhu",
            "Ilham Akbar Habibie",
            &["ASIH", "Syaikhu", "Ilham Habibie"],
            &["PKS", "NasDem", "PPP"],
            &["Jabar Bahagia"],
            &["#ASIH", "#JabarBahagia"],
        ),
        (
            WEST_JAVA,
            4,
            "Dedi Mulyadi",
            "Erwan Setiawan",
            &["KDM", "Kang Dedi", "Dedi Erwan"],
            &["Gerindra", "Golkar", "Demokrat", "PAN", "PSI"],
            &["Jabar Istimewa"],
            &["#JabarIstimewa", "#DediErwan"],
        ),
        (
            "32.04",
            1,
            "Sahrul Gunawan",
            "Gun Gun Gunawan",
            &["Kang Sahrul", "SAGU"],
            &["Golkar", "Gerindra", "PKS"],
            &["Bandung Bedas Lanjut"],
            &["#SAGU"],
        ),
        (
            "32.04",
            2,
            "Dadang Supriatna",
            "Ali Syakieb",
            &["Kang DS", "Bedas"],
            &["PKB", "NasDem", "PDI Perjuangan", "Demokrat"],
            &["Bandung Bedas"],
            &["#DSAli", "#BandungBedas"],
        ),
        (
            "32.73",
            1,
            "Haru Suandharu",
            "Ridwan Dhani Wirianata",
            &["Haru", "Dhani"],
            &["PKS", "PKB"],
            &["Bandung Juara"],
            &["#HaruDhani"],
        ),
        (
            "32.73",
            2,
            "Muhammad Farhan",
            "Erwin",
            &["Kang Farhan", "Farhan Erwin"],
            &["NasDem", "PKB", "PAN"],
            &["Bandung Utama"],
            &["#FarhanErwin"],
        ),
    ];
    let list = |items: &[&str]| items.iter().map(|item| item.to_string()).collect::<Vec<_>>();
    for (region, number, head, deputy, nicknames, parties, slogans, hashtags) in pairs {
        let pair = CandidatePair {
            id: uuid::Uuid::now_v7().to_string(),
            election_id: "pilkada-2024".into(),
            region: code(region),
            ballot_number: number,
            head_name: head.into(),
            deputy_name: deputy.into(),
            nicknames: list(nicknames),
            parties: list(parties),
            slogans: list(slogans),
            hashtags: list(hashtags),
        };
        store.create_candidate_pair(&ctx, &pair).await?;
    }
    // Known social-media accounts of civil servants in Kabupaten Bandung, for the cyber-patrol pages (the sample
    // batch `data/screen/patroli-contoh.csv` has posts by them).
    let accounts = [
        (Platform::Instagram, "asep.camat.cileunyi", "Asep Sunandar", "Camat Cileunyi", "32.04.05"),
        (Platform::Facebook, "dedi.kurnia.guru", "Dedi Kurnia", "Guru SD Negeri 1 Soreang", "32.04"),
        (Platform::TikTok, "lurah_rina", "Rina Marlina", "Kepala Desa Cinunuk", "32.04.05"),
    ];
    let accounts: Vec<AsnAccount> = accounts
        .into_iter()
        .map(|(platform, handle, name, position, region)| AsnAccount {
            id: uuid::Uuid::now_v7().to_string(),
            platform,
            handle: handle.into(),
            name: name.into(),
            nip: None,
            position: position.into(),
            agency_id: Some(bandung.into()),
            region: code(region),
            created_at: now,
            updated_at: now,
        })
        .collect();
    store.upsert_asn_accounts(&ctx, &accounts).await?;
    Ok(logins)
}

/// Persons the demo scenario names (the patrol sample's account holders, near-namesakes, the demo civil
/// servant), with fixed NIPs, in the registry's import format.
const DEMO_PERSONS: &str = include_str!("../../../data/registry/demo-persons.csv");

const DEMO_REGISTRY_SEED: u64 = 20_241_127;

/// How many synthetic West Java civil servants `netra serve --demo` adds around [`DEMO_PERSONS`].
pub const DEMO_REGISTRY_SIZE: usize = 50_000;

/// Imports a demo ASN registry: the scenario's named persons plus `generated` synthetic West Java civil servants
/// (a fixed seed, so every demo has the same registry), through the audited import like an operator's file.
pub async fn seed_registry(
    store: &dyn Store,
    now: OffsetDateTime,
    generated: usize,
) -> StoreResult<crate::registry::ImportSummary> {
    use crate::registry::{IMPORT_BATCH, ImportMessage, ImportMeta};
    let named = netra_registry::rows::CsvRows::new(DEMO_PERSONS.as_bytes(), b',').map_err(|problem| {
        crate::StoreError::Invalid(format!("demo persons, line {}: {}", problem.line, problem.en))
    })?;
    let mut rows = Vec::new();
    for row in named {
        rows.push(row.map_err(|problems| {
            crate::StoreError::Invalid(format!("demo persons, line {}: {}", problems[0].line, problems[0].en))
        })?);
    }
    let fixed: std::collections::HashSet<String> = rows.iter().map(|row| row.nip.clone()).collect();
    rows.extend(
        netra_registry::generate::Generator::new(DEMO_REGISTRY_SEED, Some(code(WEST_JAVA)))
            .filter(|row| !fixed.contains(&row.nip))
            .take(generated),
    );
    let batches: Vec<Vec<_>> = rows.chunks(IMPORT_BATCH).map(<[_]>::to_vec).collect();
    let (sender, mut receiver) = tokio::sync::mpsc::channel(batches.len() + 1);
    for batch in batches {
        sender.try_send(ImportMessage::Rows(batch)).expect("the channel holds every batch");
    }
    // What the demo registry is made from, so that its audit entry names it like a file's digest.
    let digest = sha2::Sha256::digest(format!("{DEMO_PERSONS}{DEMO_REGISTRY_SEED}/{generated}"));
    let meta = ImportMeta {
        file_name: "registri-demo-jabar.csv".into(),
        sha256: data_encoding::HEXLOWER.encode(&digest),
        problem_count: 0,
    };
    sender.try_send(ImportMessage::Done(meta)).expect("the channel holds every batch");
    drop(sender);
    store.import_registry(&AuditContext::system(now), &mut receiver).await
}

/// What the demo's prevention records hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreventionSeed {
    pub signed: u64,
    pub attended: u64,
}

/// Prevention in the demo, through the agency admin's desk as an operator would: the Pilkada 2024 pact signed from
/// the attendance list of an Apel Netralitas, and a socialisation session with its attendance list, for part of
/// Kabupaten Bandung's civil servants. Each unit takes part at its own (seeded) rate, so the coverage page shows
/// strong and weak units.
pub async fn seed_prevention(
    store: &std::sync::Arc<dyn Store>,
    keys: &crate::pacts::PactKeys,
    now: OffsetDateTime,
) -> StoreResult<PreventionSeed> {
    use netra_core::rng::SplitMix;
    let agency = "Pemerintah Kabupaten Bandung";
    let mut persons: Vec<(String, String)> = Vec::new();
    store
        .scan_registry(&mut |p| {
            if p.agency == agency && p.employment_state == "aktif" {
                persons.push((p.unit, p.nip));
            }
        })
        .await?;
    let mut rng = SplitMix(20_240_729);
    let mut rates: std::collections::HashMap<String, f64> = std::collections::HashMap::new();
    let (mut ceremony, mut briefing) = (String::from("nip\n"), String::from("nip\n"));
    for (unit, nip) in &persons {
        let rate = *rates.entry(unit.clone()).or_insert_with(|| 0.3 + 0.7 * rng.unit());
        for list in [&mut ceremony, &mut briefing] {
            if rng.chance(rate) {
                list.push_str(nip);
                list.push('\n');
            }
        }
    }
    let failed = |e: crate::access::AccessError| crate::StoreError::Invalid(e.to_string());
    let user = store.user_by_username("admin.kabbandung").await?.ok_or(crate::StoreError::NotFound)?;
    let admin = crate::access::Principal::load(store.as_ref(), &user.id).await?.ok_or(crate::StoreError::NotFound)?;
    let desk = admin.pact_desk(store, keys).map_err(failed)?;
    let occasion = "Apel Netralitas ASN Kabupaten Bandung, 29 Juli 2024";
    let signed = desk
        .sign_attendance("pilkada-2024", occasion, "daftar-hadir-apel.csv", ceremony.as_bytes(), now)
        .await
        .map_err(failed)?
        .signed;
    let input = crate::casework::SessionInput {
        election_id: "pilkada-2024".into(),
        title: "Sosialisasi Netralitas ASN Pemerintah Kabupaten Bandung".into(),
        held_on: "2024-08-06".into(),
        place: "Gedung Dewi Sartika, Soreang".into(),
        speakers: "Bawaslu Kabupaten Bandung\nBKN Kantor Regional III Bandung\nBKPSDM Kabupaten Bandung".into(),
        units: String::new(),
        items: "D-SOC-PHOTO D-SOC-CAMPAIGN D-DECL-ATTEND".into(),
        agency_id: String::new(),
    };
    let session = desk.create_session(&input, now).await.map_err(failed)?;
    let attended = desk
        .import_session_attendance(&session.id, "daftar-hadir-sosialisasi.csv", briefing.as_bytes(), now)
        .await
        .map_err(failed)?
        .added;
    Ok(PreventionSeed { signed, attended })
}
