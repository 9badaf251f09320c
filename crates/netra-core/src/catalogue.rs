//! The legal catalogue of prohibited acts, loaded from the versioned TOML files of `data/catalogue`.
//!
//! Loading is strict: an unknown field, a missing field, an unknown level, category, phase or act label, a
//! duplicate code, a dangling parent or a level that does not fit the category is an error naming the file
//! (and, for TOML errors, the line). Softer findings are returned as warnings; the shipped catalogue has none.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Deserialize;

use crate::Locale;
use crate::election::{DeterminationPhase, Election};

/// The 15 act labels of the screening corpus (`shared/corpus/README.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActLabel {
    CampaignAttend,
    CampaignAttribute,
    MobiliseStaff,
    StateFacility,
    PartisanDecision,
    PartisanActivityGift,
    SupportLetterKtp,
    SocmedPost,
    SocmedLikeShareComment,
    PhotoHandSign,
    BannerApk,
    CampaignTeam,
    CandidacyNoResign,
    PartyMembership,
    OtherViolation,
}

impl ActLabel {
    /// Every label, in corpus order.
    pub const ALL: [ActLabel; 15] = [
        ActLabel::CampaignAttend,
        ActLabel::CampaignAttribute,
        ActLabel::MobiliseStaff,
        ActLabel::StateFacility,
        ActLabel::PartisanDecision,
        ActLabel::PartisanActivityGift,
        ActLabel::SupportLetterKtp,
        ActLabel::SocmedPost,
        ActLabel::SocmedLikeShareComment,
        ActLabel::PhotoHandSign,
        ActLabel::BannerApk,
        ActLabel::CampaignTeam,
        ActLabel::CandidacyNoResign,
        ActLabel::PartyMembership,
        ActLabel::OtherViolation,
    ];

    /// The label as written in the corpus, e.g. `SOCMED_POST`.
    pub fn as_str(self) -> &'static str {
        match self {
            ActLabel::CampaignAttend => "CAMPAIGN_ATTEND",
            ActLabel::CampaignAttribute => "CAMPAIGN_ATTRIBUTE",
            ActLabel::MobiliseStaff => "MOBILISE_STAFF",
            ActLabel::StateFacility => "STATE_FACILITY",
            ActLabel::PartisanDecision => "PARTISAN_DECISION",
            ActLabel::PartisanActivityGift => "PARTISAN_ACTIVITY_GIFT",
            ActLabel::SupportLetterKtp => "SUPPORT_LETTER_KTP",
            ActLabel::SocmedPost => "SOCMED_POST",
            ActLabel::SocmedLikeShareComment => "SOCMED_LIKE_SHARE_COMMENT",
            ActLabel::PhotoHandSign => "PHOTO_HAND_SIGN",
            ActLabel::BannerApk => "BANNER_APK",
            ActLabel::CampaignTeam => "CAMPAIGN_TEAM",
            ActLabel::CandidacyNoResign => "CANDIDACY_NO_RESIGN",
            ActLabel::PartyMembership => "PARTY_MEMBERSHIP",
            ActLabel::OtherViolation => "OTHER_VIOLATION",
        }
    }

    /// Parses a corpus label.
    pub fn parse(text: &str) -> Option<ActLabel> {
        ActLabel::ALL.into_iter().find(|label| label.as_str() == text)
    }

    /// A short description for people.
    pub fn describe(self, locale: Locale) -> &'static str {
        match self {
            ActLabel::CampaignAttend => {
                locale.pick("Menghadiri kampanye/deklarasi", "Attending a campaign or declaration")
            }
            ActLabel::CampaignAttribute => {
                locale.pick("Atribut partai/calon atau seragam dinas", "Party/candidate attributes or official uniform")
            }
            ActLabel::MobiliseStaff => locale.pick("Mengerahkan bawahan/pegawai", "Mobilising staff"),
            ActLabel::StateFacility => locale.pick("Fasilitas negara", "State facilities"),
            ActLabel::PartisanDecision => locale.pick("Keputusan/tindakan berpihak", "Partisan official decision"),
            ActLabel::PartisanActivityGift => {
                locale.pick("Kegiatan berpihak/pemberian barang", "Partisan activity or gifts")
            }
            ActLabel::SupportLetterKtp => locale.pick("Surat dukungan/fotokopi KTP", "Support letter or ID copies"),
            ActLabel::SocmedPost => locale.pick("Unggahan media sosial", "Social-media post"),
            ActLabel::SocmedLikeShareComment => {
                locale.pick("Like/share/komentar media sosial", "Social-media like, share or comment")
            }
            ActLabel::PhotoHandSign => locale.pick("Foto/pose simbol jari", "Photo or hand sign"),
            ActLabel::BannerApk => locale.pick("Spanduk/baliho/APK", "Banners and campaign props"),
            ActLabel::CampaignTeam => locale.pick("Tim kampanye/pemenangan", "Campaign team"),
            ActLabel::CandidacyNoResign => {
                locale.pick("Mencalonkan diri tanpa mundur/cuti", "Running without resigning or leave")
            }
            ActLabel::PartyMembership => locale.pick("Anggota/pengurus partai", "Party membership"),
            ActLabel::OtherViolation => locale.pick("Pelanggaran lain", "Other violation"),
        }
    }
}

impl fmt::Display for ActLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The regime an item falls under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SanctionCategory {
    /// Code of ethics (PP 42/2004): moral sanction.
    KodeEtik,
    /// Discipline (PP 94/2021, PP 49/2018, UU ASN).
    Disiplin,
    /// Criminal (UU 10/2016), through Sentra Gakkumdu.
    Pidana,
}

impl SanctionCategory {
    /// Name for people.
    pub fn name(self, locale: Locale) -> &'static str {
        match self {
            SanctionCategory::KodeEtik => locale.pick("Kode etik", "Code of ethics"),
            SanctionCategory::Disiplin => locale.pick("Disiplin", "Discipline"),
            SanctionCategory::Pidana => locale.pick("Pidana", "Criminal"),
        }
    }
}

/// Catalogue item codes as staff type them in a form: separated by commas or spaces.
pub fn item_codes(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace()).filter(|code| !code.is_empty()).map(str::to_string).collect()
}

/// Severity of the sanction, ordered from lightest to heaviest (E0 < D1 < D2 < D3 < D4). `PerRule` (the
/// catch-all) and `Pidana` sit outside the discipline scale and are ordered after it only for sorting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SanctionLevel {
    /// E0: sanksi moral (PP 42/2004 Pasal 15).
    Moral,
    /// D1: hukuman disiplin ringan.
    Ringan,
    /// D2: hukuman disiplin sedang.
    Sedang,
    /// D3: hukuman disiplin berat.
    Berat,
    /// D4: pemberhentian tidak dengan hormat.
    Ptdh,
    /// Depends on the rule breached.
    PerAturan,
    /// CR: criminal penalty.
    Pidana,
}

impl SanctionLevel {
    pub const ALL: [SanctionLevel; 7] = [
        SanctionLevel::Moral,
        SanctionLevel::Ringan,
        SanctionLevel::Sedang,
        SanctionLevel::Berat,
        SanctionLevel::Ptdh,
        SanctionLevel::PerAturan,
        SanctionLevel::Pidana,
    ];

    /// The level an id names ([`SanctionLevel::as_str`]).
    pub fn parse(text: &str) -> Option<SanctionLevel> {
        SanctionLevel::ALL.into_iter().find(|level| level.as_str() == text)
    }

    /// Stable id as written in the catalogue files, e.g. `berat`.
    pub fn as_str(self) -> &'static str {
        match self {
            SanctionLevel::Moral => "moral",
            SanctionLevel::Ringan => "ringan",
            SanctionLevel::Sedang => "sedang",
            SanctionLevel::Berat => "berat",
            SanctionLevel::Ptdh => "ptdh",
            SanctionLevel::PerAturan => "per_aturan",
            SanctionLevel::Pidana => "pidana",
        }
    }

    /// Short code of the severity scale in legal-and-process.md §2.5.
    pub fn severity_code(self) -> &'static str {
        match self {
            SanctionLevel::Moral => "E0",
            SanctionLevel::Ringan => "D1",
            SanctionLevel::Sedang => "D2",
            SanctionLevel::Berat => "D3",
            SanctionLevel::Ptdh => "D4",
            SanctionLevel::PerAturan => "D?",
            SanctionLevel::Pidana => "CR",
        }
    }

    /// Name for people.
    pub fn name(self, locale: Locale) -> &'static str {
        match self {
            SanctionLevel::Moral => locale.pick("Sanksi moral", "Moral sanction"),
            SanctionLevel::Ringan => locale.pick("Disiplin ringan", "Light discipline"),
            SanctionLevel::Sedang => locale.pick("Disiplin sedang", "Moderate discipline"),
            SanctionLevel::Berat => locale.pick("Disiplin berat", "Severe discipline"),
            SanctionLevel::Ptdh => locale.pick("Pemberhentian tidak dengan hormat", "Dishonourable dismissal"),
            SanctionLevel::PerAturan => locale.pick("Sesuai aturan yang dilanggar", "Per the rule breached"),
            SanctionLevel::Pidana => locale.pick("Pidana", "Criminal"),
        }
    }

    fn fits(self, category: SanctionCategory) -> bool {
        match category {
            SanctionCategory::KodeEtik => self == SanctionLevel::Moral,
            SanctionCategory::Disiplin => matches!(
                self,
                SanctionLevel::Ringan
                    | SanctionLevel::Sedang
                    | SanctionLevel::Berat
                    | SanctionLevel::Ptdh
                    | SanctionLevel::PerAturan
            ),
            SanctionCategory::Pidana => self == SanctionLevel::Pidana,
        }
    }
}

/// When in the election an item applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemPhase {
    /// Before the KPU determines the candidates (the SKB's kode-etik table, about *bakal calon*).
    PraPenetapan,
    /// From candidate determination on (the SKB's disiplin table, about *calon*).
    PascaPenetapan,
    /// During the campaign period (acts of a *peserta kampanye*).
    Kampanye,
    /// At any time.
    Semua,
}

impl ItemPhase {
    /// Name for people.
    pub fn name(self, locale: Locale) -> &'static str {
        match self {
            ItemPhase::PraPenetapan => locale.pick("Sebelum penetapan calon", "Before candidate determination"),
            ItemPhase::PascaPenetapan => locale.pick("Sejak penetapan calon", "From candidate determination"),
            ItemPhase::Kampanye => locale.pick("Masa kampanye", "Campaign period"),
            ItemPhase::Semua => locale.pick("Setiap tahapan", "Any time"),
        }
    }

    /// Whether an act on `date` in `election` falls in this phase.
    pub fn applies_on(self, election: &Election, date: time::Date) -> bool {
        match self {
            ItemPhase::Semua => true,
            ItemPhase::PraPenetapan => election.determination_phase(date) == DeterminationPhase::Before,
            ItemPhase::PascaPenetapan => election.determination_phase(date) == DeterminationPhase::After,
            ItemPhase::Kampanye => election.in_campaign(date),
        }
    }
}

/// The four neutrality indicators of the seeds, used by the neutrality index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// Netralitas dalam karier.
    Karier,
    /// Hubungan dengan partai politik.
    HubunganParpol,
    /// Kegiatan kampanye.
    KegiatanKampanye,
    /// Pelayanan publik.
    PelayananPublik,
}

impl Indicator {
    /// Name for people.
    pub fn name(self, locale: Locale) -> &'static str {
        match self {
            Indicator::Karier => locale.pick("Karier", "Career"),
            Indicator::HubunganParpol => {
                locale.pick("Hubungan dengan partai politik", "Relations with political parties")
            }
            Indicator::KegiatanKampanye => locale.pick("Kegiatan kampanye", "Campaign activities"),
            Indicator::PelayananPublik => locale.pick("Pelayanan publik", "Public service"),
        }
    }
}

/// How sure the source is (legal-and-process.md labels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
pub enum Confidence {
    /// Confirmed by the cited source.
    C,
    /// Partly confirmed, or sources disagree.
    P,
    /// Unconfirmed.
    U,
}

/// One prohibited act of the catalogue.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueItem {
    pub code: String,
    #[serde(default)]
    pub parent: Option<String>,
    pub title_id: String,
    pub title_en: String,
    pub text_id: String,
    pub text_en: String,
    pub legal_basis: Vec<String>,
    pub category: SanctionCategory,
    pub level: SanctionLevel,
    pub sanction_id: String,
    pub sanction_en: String,
    pub phase: ItemPhase,
    pub acts: Vec<ActLabel>,
    pub indicator: Indicator,
    pub source: String,
    pub confidence: Confidence,
    #[serde(default)]
    pub note: Option<String>,
}

impl CatalogueItem {
    /// Title in the given locale.
    pub fn title(&self, locale: Locale) -> &str {
        locale.pick(&self.title_id, &self.title_en)
    }

    /// Full text in the given locale.
    pub fn text(&self, locale: Locale) -> &str {
        locale.pick(&self.text_id, &self.text_en)
    }

    /// Sanction description in the given locale.
    pub fn sanction(&self, locale: Locale) -> &str {
        locale.pick(&self.sanction_id, &self.sanction_en)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    version: String,
    title_id: String,
    title_en: String,
    files: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemFile {
    item: Vec<CatalogueItem>,
}

/// Why the catalogue could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("catalogue file {file}: {reason}")]
pub struct CatalogueError {
    pub file: String,
    pub reason: String,
}

/// A finding that does not stop loading but should be fixed in the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueWarning(pub String);

impl fmt::Display for CatalogueWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The loaded, validated catalogue.
#[derive(Debug, Clone)]
pub struct Catalogue {
    version: String,
    title_id: String,
    title_en: String,
    items: Vec<CatalogueItem>,
    by_code: BTreeMap<String, usize>,
}

impl Catalogue {
    /// Loads the catalogue from the manifest text and a lookup of item files by name.
    pub fn load<'a>(
        manifest: &str,
        file: impl Fn(&str) -> Option<&'a str>,
    ) -> Result<(Catalogue, Vec<CatalogueWarning>), CatalogueError> {
        let manifest: Manifest = toml::from_str(manifest)
            .map_err(|e| CatalogueError { file: "manifest.toml".into(), reason: e.to_string() })?;
        if manifest.files.is_empty() {
            return Err(CatalogueError { file: "manifest.toml".into(), reason: "lists no item files".into() });
        }
        let mut items: Vec<CatalogueItem> = Vec::new();
        let mut by_code = BTreeMap::new();
        for name in &manifest.files {
            let error = |reason: String| CatalogueError { file: name.clone(), reason };
            let text = file(name).ok_or_else(|| error("listed in manifest.toml but not found".into()))?;
            let parsed: ItemFile = toml::from_str(text).map_err(|e| error(e.to_string()))?;
            for item in parsed.item {
                validate_item(&item).map_err(|reason| error(format!("item {}: {reason}", item.code)))?;
                if by_code.insert(item.code.clone(), items.len()).is_some() {
                    return Err(error(format!("duplicate code {}", item.code)));
                }
                items.push(item);
            }
        }
        for item in &items {
            if let Some(parent) = &item.parent {
                match by_code.get(parent).map(|&index| &items[index]) {
                    None => {
                        return Err(CatalogueError {
                            file: "catalogue".into(),
                            reason: format!("item {} names unknown parent {parent}", item.code),
                        });
                    }
                    Some(p) if p.parent.is_some() || p.category != item.category => {
                        return Err(CatalogueError {
                            file: "catalogue".into(),
                            reason: format!(
                                "item {} has parent {parent}, which is itself a sub-item or of another category",
                                item.code
                            ),
                        });
                    }
                    Some(_) => {}
                }
            }
        }
        let catalogue = Catalogue {
            version: manifest.version,
            title_id: manifest.title_id,
            title_en: manifest.title_en,
            items,
            by_code,
        };
        let warnings = catalogue.warnings();
        Ok((catalogue, warnings))
    }

    fn warnings(&self) -> Vec<CatalogueWarning> {
        let mut warnings = Vec::new();
        let covered: BTreeSet<ActLabel> = self.items.iter().flat_map(|item| item.acts.iter().copied()).collect();
        for label in ActLabel::ALL {
            if !covered.contains(&label) {
                warnings.push(CatalogueWarning(format!("act label {label} maps to no catalogue item")));
            }
        }
        for item in &self.items {
            if item.confidence != Confidence::C && item.note.is_none() {
                warnings.push(CatalogueWarning(format!(
                    "item {} is not confirmed ({:?}) but has no note saying what is uncertain",
                    item.code, item.confidence
                )));
            }
        }
        warnings
    }

    /// Catalogue version, e.g. `2024.1`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Title in the given locale.
    pub fn title(&self, locale: Locale) -> &str {
        locale.pick(&self.title_id, &self.title_en)
    }

    /// Every item in file order.
    pub fn items(&self) -> &[CatalogueItem] {
        &self.items
    }

    /// The item with this code.
    pub fn get(&self, code: &str) -> Option<&CatalogueItem> {
        self.by_code.get(code).map(|&index| &self.items[index])
    }

    /// Items that name this act label.
    pub fn items_for_act(&self, act: ActLabel) -> impl Iterator<Item = &CatalogueItem> {
        self.items.iter().filter(move |item| item.acts.contains(&act))
    }

    /// Items for an act that apply on `date` in `election` (kode etik before candidate determination, disiplin
    /// after, campaign items in the campaign period), heaviest first.
    pub fn applicable(&self, act: ActLabel, election: &Election, date: time::Date) -> Vec<&CatalogueItem> {
        let mut items: Vec<&CatalogueItem> =
            self.items_for_act(act).filter(|item| item.phase.applies_on(election, date)).collect();
        items.sort_by(|a, b| b.level.cmp(&a.level).then_with(|| a.code.cmp(&b.code)));
        items
    }

    /// Items whose text, title, code or legal basis contains every word of `query` (case-insensitive), in
    /// either language. An empty query matches everything.
    pub fn search(&self, query: &str) -> Vec<&CatalogueItem> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        self.items
            .iter()
            .filter(|item| {
                let haystack = format!(
                    "{} {} {} {} {} {} {}",
                    item.code,
                    item.title_id,
                    item.title_en,
                    item.text_id,
                    item.text_en,
                    item.legal_basis.join(" "),
                    item.sanction_id
                )
                .to_lowercase();
                words.iter().all(|word| haystack.contains(word.as_str()))
            })
            .collect()
    }
}

fn validate_item(item: &CatalogueItem) -> Result<(), String> {
    let code_ok = !item.code.is_empty()
        && item.code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        && !item.code.starts_with('-')
        && !item.code.ends_with('-');
    if !code_ok {
        return Err("code must be upper-case letters, digits and dashes".into());
    }
    for (name, value) in [
        ("title_id", &item.title_id),
        ("title_en", &item.title_en),
        ("text_id", &item.text_id),
        ("text_en", &item.text_en),
        ("sanction_id", &item.sanction_id),
        ("sanction_en", &item.sanction_en),
    ] {
        if value.trim().is_empty() {
            return Err(format!("field {name} is empty"));
        }
    }
    if item.legal_basis.is_empty() || item.legal_basis.iter().any(|basis| basis.trim().is_empty()) {
        return Err("legal_basis must list at least one non-empty provision".into());
    }
    if item.acts.is_empty() {
        return Err("acts must list at least one act label".into());
    }
    if !item.level.fits(item.category) {
        return Err(format!("level {:?} does not fit category {:?}", item.level, item.category));
    }
    if !(item.source.starts_with("https://") || item.source.starts_with("http://")) {
        return Err("source must be a URL".into());
    }
    if let Some(parent) = &item.parent
        && !item.code.starts_with(&format!("{parent}-"))
    {
        return Err(format!("a sub-item's code must start with its parent's code {parent}-"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = "version = \"t\"\ntitle_id = \"t\"\ntitle_en = \"t\"\nfiles = [\"a.toml\"]\n";

    fn item(code: &str, level: &str) -> String {
        format!(
            "[[item]]\ncode = \"{code}\"\ntitle_id = \"x\"\ntitle_en = \"x\"\ntext_id = \"x\"\ntext_en = \"x\"\n\
             legal_basis = [\"PP\"]\ncategory = \"disiplin\"\nlevel = \"{level}\"\nsanction_id = \"x\"\nsanction_en = \"x\"\n\
             phase = \"semua\"\nacts = [\"BANNER_APK\"]\nindicator = \"karier\"\nsource = \"https://example.org\"\nconfidence = \"C\"\n"
        )
    }

    fn load(text: &str) -> Result<(Catalogue, Vec<CatalogueWarning>), CatalogueError> {
        Catalogue::load(MANIFEST, |name| (name == "a.toml").then_some(text))
    }

    #[test]
    fn duplicate_codes_fail() {
        let text = format!("{}\n{}", item("D-X", "berat"), item("D-X", "sedang"));
        assert_eq!(load(&text).unwrap_err().to_string(), "catalogue file a.toml: duplicate code D-X");
    }

    #[test]
    fn unknown_levels_fail_with_the_line() {
        let error = load(&item("D-X", "sangat_berat")).unwrap_err().to_string();
        assert!(error.contains("unknown variant `sangat_berat`"), "{error}");
        assert!(error.contains("line 9"), "{error}");
    }

    #[test]
    fn missing_fields_fail() {
        let text = item("D-X", "berat").replace("indicator = \"karier\"\n", "");
        let error = load(&text).unwrap_err().to_string();
        assert!(error.contains("missing field `indicator`"), "{error}");
    }

    #[test]
    fn a_level_must_fit_the_category() {
        let error = load(&item("D-X", "moral")).unwrap_err().to_string();
        assert!(error.contains("level Moral does not fit category Disiplin"), "{error}");
    }

    #[test]
    fn a_small_catalogue_warns_about_uncovered_acts() {
        let (catalogue, warnings) = load(&item("D-X", "berat")).unwrap();
        assert_eq!(catalogue.items().len(), 1);
        assert_eq!(warnings.len(), 14);
    }
}
