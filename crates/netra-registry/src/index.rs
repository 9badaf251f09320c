//! The in-memory match index: from a name as the public writes it, plus whatever else a report says (agency,
//! unit, region, position, gender), a ranked list of registry persons with a score and the reasons.
//!
//! Layout: persons are kept column by column and numbered in region order, so that "everyone in Kabupaten
//! Bandung" is one range of numbers. Each name word has a key ([`crate::names`]); each key has a sorted
//! postings list of person numbers. Typos are found through a deletion index over the keys (every key and every
//! key with one letter removed), checked with [`edit_distance`].
//!
//! Scoring: each query word is matched to at most one word of the person's name (exact 1.0, spelling variant
//! 0.95, typo 0.8, nickname 0.85, initial 0.5), weighted by how rare the word is (IDF). The name score is the
//! matched weight over the query's weight plus a quarter of the weight of the person's words the query did not
//! mention, so reordered and missing parts cost little and wrong parts cost much. When the query gives context,
//! the final score is 0.7 × name + 0.3 × the mean agreement of region, agency/unit, position and gender.

use std::collections::HashMap;
use std::sync::OnceLock;

use netra_core::Locale;
use netra_core::ident::Gender;
use netra_core::region::RegionCode;

use crate::names::{edit_distance, fold, letters_of, rules};
use crate::rows::{EmploymentState, PositionKind};

const ABBREVIATIONS: &str = include_str!("../../../data/registry/abbreviations.tsv");
const ORG_STOPWORDS: &str = include_str!("../../../data/registry/org-stopwords.txt");

/// How much the person's unmentioned name words weigh against the score.
const UNMENTIONED_WEIGHT: f32 = 0.25;
/// A word whose postings exceed this is looked up only inside the query's region when one is given (persons
/// elsewhere with a rarer name word are still found through that word).
const LARGE_POSTINGS: usize = 2_000;
/// At most this many candidates are scored per query.
const MAX_CANDIDATES: usize = 400_000;

/// One person as handed to the index.
#[derive(Debug, Clone, Copy)]
pub struct PersonInput<'a> {
    /// The store's internal id (stable; the NIP is not).
    pub id: i64,
    pub nip: &'a str,
    pub name: &'a str,
    pub front_titles: &'a str,
    pub back_titles: &'a str,
    pub gender: Gender,
    pub state: EmploymentState,
    pub position_kind: PositionKind,
    pub position: &'a str,
    pub unit: &'a str,
    pub agency: &'a str,
    pub region: RegionCode,
}

/// What a report says about the person.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct Query {
    pub nama: String,
    #[serde(default)]
    pub instansi: Option<String>,
    #[serde(default)]
    pub unit_kerja: Option<String>,
    #[serde(default)]
    pub kode_wilayah: Option<String>,
    #[serde(default)]
    pub jabatan: Option<String>,
    /// `L` or `P`.
    #[serde(default)]
    pub jenis_kelamin: Option<String>,
}

/// Why a candidate scored as it did.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    SameWord {
        word: String,
    },
    Variant {
        written: String,
        found: String,
    },
    Nickname {
        written: String,
        found: String,
    },
    Typo {
        written: String,
        found: String,
    },
    Initial {
        written: String,
        found: String,
    },
    NotInName {
        written: String,
    },
    NotMentioned {
        words: Vec<String>,
    },
    Region {
        agreement: RegionAgreement,
        region: String,
    },
    Organisation {
        share: f32,
    },
    Position {
        share: f32,
    },
    /// The share of the reporter's titles (gelar) the person holds.
    Titles {
        share: f32,
    },
    Gender {
        same: bool,
    },
    NotActive {
        state: EmploymentState,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionAgreement {
    Same,
    SameProvince,
    Different,
}

impl Reason {
    /// One line for staff.
    pub fn describe(&self, l: Locale) -> String {
        let pct = |share: f32| format!("{:.0}%", share * 100.0);
        match self {
            Reason::SameWord { word } => format!("{} {word}", l.pick("nama sama:", "same name:")),
            Reason::Variant { written, found } => {
                format!("{} {written} ~ {found}", l.pick("ejaan lain:", "spelling variant:"))
            }
            Reason::Nickname { written, found } => {
                format!("{} {written} → {found}", l.pick("nama panggilan:", "nickname:"))
            }
            Reason::Typo { written, found } => format!("{} {written} ~ {found}", l.pick("salah ketik:", "typo:")),
            Reason::Initial { written, found } => format!("{} {written}. → {found}", l.pick("inisial:", "initial:")),
            Reason::NotInName { written } => {
                format!("{} {written}", l.pick("tidak ada pada nama:", "not in the name:"))
            }
            Reason::NotMentioned { words } => {
                format!("{} {}", l.pick("tidak disebut pelapor:", "not mentioned by the reporter:"), words.join(" "))
            }
            Reason::Region { agreement, region } => match agreement {
                RegionAgreement::Same => format!("{} ({region})", l.pick("wilayah sama", "same region")),
                RegionAgreement::SameProvince => format!(
                    "{} ({region})",
                    l.pick("wilayah lain di provinsi yang sama", "another region of the same province")
                ),
                RegionAgreement::Different => format!("{} ({region})", l.pick("wilayah berbeda", "different region")),
            },
            Reason::Organisation { share } => {
                format!("{} {}", l.pick("instansi/unit cocok", "agency/unit agrees"), pct(*share))
            }
            Reason::Position { share } => format!("{} {}", l.pick("jabatan cocok", "position agrees"), pct(*share)),
            Reason::Titles { share } => format!("{} {}", l.pick("gelar cocok", "titles agree"), pct(*share)),
            Reason::Gender { same } => {
                if *same {
                    l.pick("jenis kelamin sama", "same gender").into()
                } else {
                    l.pick("jenis kelamin berbeda", "different gender").into()
                }
            }
            Reason::NotActive { state } => format!("{} {}", l.pick("status:", "status:"), state.name(l)),
        }
    }
}

/// One ranked candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: i64,
    pub nip: String,
    /// The name with titles, as in the registry.
    pub name: String,
    pub score: f32,
    pub reasons: Vec<Reason>,
    pub agency: String,
    pub unit: String,
    pub position: String,
    pub position_kind: PositionKind,
    pub region: RegionCode,
    pub state: EmploymentState,
}

/// A string table: each distinct string once.
#[derive(Debug, Default)]
struct Interner {
    ids: HashMap<String, u32>,
    strings: Vec<String>,
}

impl Interner {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.strings.len() as u32;
        self.ids.insert(s.to_string(), id);
        self.strings.push(s.to_string());
        id
    }

    fn get(&self, s: &str) -> Option<u32> {
        self.ids.get(s).copied()
    }
}

fn pack_region(code: RegionCode) -> u32 {
    let (province, regency, district) = code.numbers();
    (u32::from(province) << 16) | (u32::from(regency) << 8) | u32::from(district)
}

fn unpack_region(packed: u32) -> RegionCode {
    let (province, regency, district) = ((packed >> 16) as u8, (packed >> 8) as u8, packed as u8);
    RegionCode::from_numbers(province, regency, district).unwrap_or_else(|| RegionCode::province(province.max(1)))
}

/// Accumulates persons; [`IndexBuilder::build`] numbers them in region order and builds the postings.
#[derive(Debug, Default)]
pub struct IndexBuilder {
    ids: Vec<i64>,
    nips: Vec<u64>,
    regions: Vec<u32>,
    agencies: Vec<u32>,
    units: Vec<u32>,
    positions: Vec<u32>,
    flags: Vec<u8>,
    names: String,
    name_ends: Vec<u32>,
    token_ends: Vec<u32>,
    token_keys: Vec<u32>,
    token_words: Vec<u32>,
    keys: Interner,
    words: Interner,
    orgs: Interner,
    /// Each person's titles as one set (`drs h msi`), interned: few distinct sets.
    titles: Vec<u32>,
    title_sets: Interner,
}

fn flags_of(gender: Gender, state: EmploymentState, kind: PositionKind) -> u8 {
    let g = match gender {
        Gender::Male => 0,
        Gender::Female => 1,
    };
    let s = match state {
        EmploymentState::Active => 0,
        EmploymentState::Retired => 1,
        EmploymentState::Dismissed => 2,
    };
    g | (s << 1) | ((kind as u8) << 3)
}

fn gender_of(flags: u8) -> Gender {
    if flags & 1 == 0 { Gender::Male } else { Gender::Female }
}

fn state_of(flags: u8) -> EmploymentState {
    match (flags >> 1) & 3 {
        0 => EmploymentState::Active,
        1 => EmploymentState::Retired,
        _ => EmploymentState::Dismissed,
    }
}

fn kind_of(flags: u8) -> PositionKind {
    PositionKind::ALL[usize::from(flags >> 3).min(4)]
}

impl IndexBuilder {
    pub fn new() -> IndexBuilder {
        IndexBuilder::default()
    }

    /// Adds one person.
    pub fn add(&mut self, person: &PersonInput<'_>) {
        let rules = rules();
        self.ids.push(person.id);
        self.nips.push(person.nip.parse().unwrap_or(0));
        self.regions.push(pack_region(person.region));
        self.agencies.push(self.orgs.intern(person.agency));
        self.units.push(self.orgs.intern(person.unit));
        self.positions.push(self.orgs.intern(person.position));
        self.flags.push(flags_of(person.gender, person.state, person.position_kind));
        let display = crate::rows::display_name(person.front_titles, person.name, person.back_titles);
        let titles = if person.front_titles.trim().is_empty() && person.back_titles.trim().is_empty() {
            String::new()
        } else {
            let split = rules.split(&display);
            split.front.iter().chain(&split.back).map(|t| title_key(t)).collect::<Vec<_>>().join(" ")
        };
        self.titles.push(self.title_sets.intern(&titles));
        self.names.push_str(&display);
        self.name_ends.push(self.names.len() as u32);
        for word in rules.split(person.name).words {
            let letters = letters_of(&word);
            if letters.is_empty() {
                continue;
            }
            let key = rules.key(&letters);
            self.token_keys.push(self.keys.intern(&key));
            self.token_words.push(self.words.intern(&letters));
        }
        self.token_ends.push(self.token_keys.len() as u32);
    }

    /// Numbers the persons in region order and builds the postings and the typo index.
    pub fn build(self) -> RegistryIndex {
        let n = self.ids.len();
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by_key(|&i| (self.regions[i as usize], i));
        let pick_u32 = |v: &[u32]| order.iter().map(|&i| v[i as usize]).collect::<Vec<u32>>();
        let mut names = String::with_capacity(self.names.len());
        let mut name_ends = Vec::with_capacity(n);
        let mut token_ends = Vec::with_capacity(n + 1);
        let mut token_keys = Vec::with_capacity(self.token_keys.len());
        let mut token_words = Vec::with_capacity(self.token_words.len());
        token_ends.push(0u32);
        for &i in &order {
            let i = i as usize;
            let start = if i == 0 { 0 } else { self.name_ends[i - 1] as usize };
            names.push_str(&self.names[start..self.name_ends[i] as usize]);
            name_ends.push(names.len() as u32);
            let t0 = if i == 0 { 0 } else { self.token_ends[i - 1] as usize };
            let t1 = self.token_ends[i] as usize;
            token_keys.extend_from_slice(&self.token_keys[t0..t1]);
            token_words.extend_from_slice(&self.token_words[t0..t1]);
            token_ends.push(token_keys.len() as u32);
        }
        // Postings: counting sort by key, persons ascending within a key.
        let vocabulary = self.keys.strings.len();
        let mut posting_ends = vec![0u32; vocabulary + 1];
        for &key in &token_keys {
            posting_ends[key as usize + 1] += 1;
        }
        for k in 0..vocabulary {
            posting_ends[k + 1] += posting_ends[k];
        }
        let mut fill = posting_ends.clone();
        let mut postings = vec![0u32; token_keys.len()];
        for person in 0..n {
            let (t0, t1) = (token_ends[person] as usize, token_ends[person + 1] as usize);
            for t in t0..t1 {
                let key = token_keys[t] as usize;
                // A name with the same key twice ("Nur Nur") is listed once.
                if token_keys[t0..t].contains(&token_keys[t]) {
                    continue;
                }
                postings[fill[key] as usize] = person as u32;
                fill[key] += 1;
            }
        }
        let document_frequency: Vec<u32> = (0..vocabulary).map(|k| fill[k] - posting_ends[k]).collect();
        let idf: Vec<f32> = document_frequency.iter().map(|&df| (1.0 + n as f32 / (df.max(1) as f32)).ln()).collect();
        let mut deletions: Vec<(u64, u32)> = Vec::new();
        for (key_id, key) in self.keys.strings.iter().enumerate() {
            for variant in deletion_variants(key) {
                deletions.push((variant, key_id as u32));
            }
        }
        deletions.sort_unstable();
        deletions.dedup();
        let org_tokens = self.orgs.strings.iter().map(|s| org_tokens(s)).collect();
        let title_tokens =
            self.title_sets.strings.iter().map(|s| s.split(' ').map(|t| hash(t.as_bytes())).collect()).collect();
        RegistryIndex {
            ids: order.iter().map(|&i| self.ids[i as usize]).collect(),
            nips: order.iter().map(|&i| self.nips[i as usize]).collect(),
            regions: pick_u32(&self.regions),
            agencies: pick_u32(&self.agencies),
            units: pick_u32(&self.units),
            positions: pick_u32(&self.positions),
            flags: order.iter().map(|&i| self.flags[i as usize]).collect(),
            names,
            name_ends,
            token_ends,
            token_keys,
            token_words,
            posting_ends,
            postings,
            document_frequency,
            idf,
            deletions,
            keys: self.keys,
            words: self.words,
            orgs: self.orgs,
            org_tokens,
            titles: pick_u32(&self.titles),
            title_tokens,
        }
    }
}

/// Hashes of a key and of the key with each one letter removed (keys of four letters or more).
fn deletion_variants(key: &str) -> Vec<u64> {
    let bytes = key.as_bytes();
    let mut out = vec![hash(bytes)];
    if bytes.len() >= 4 {
        let mut buffer = Vec::with_capacity(bytes.len());
        for skip in 0..bytes.len() {
            buffer.clear();
            buffer.extend_from_slice(&bytes[..skip]);
            buffer.extend_from_slice(&bytes[skip + 1..]);
            out.push(hash(&buffer));
        }
    }
    out
}

/// FNV-1a: stable across runs and platforms, fast for short keys.
fn hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

struct OrgRules {
    abbreviations: HashMap<String, Vec<String>>,
    stopwords: std::collections::HashSet<String>,
}

fn org_rules() -> &'static OrgRules {
    static RULES: OnceLock<OrgRules> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut abbreviations = HashMap::new();
        for line in ABBREVIATIONS.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
            if let Some((short, long)) = line.split_once('\t') {
                abbreviations.insert(short.trim().to_string(), long.split_whitespace().map(fold).collect());
            }
        }
        let stopwords =
            ORG_STOPWORDS.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(fold).collect();
        OrgRules { abbreviations, stopwords }
    })
}

/// The informative words of an agency, unit or position name: abbreviations spelled out, folded, stopwords out.
/// Words with digits keep them (`SDN 1`): "1" tells schools apart.
pub fn org_tokens(text: &str) -> Vec<u64> {
    let rules = org_rules();
    let mut out = Vec::new();
    for raw in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let lower = raw.to_lowercase();
        let expanded: Vec<String> = match rules.abbreviations.get(&lower) {
            Some(words) => words.clone(),
            None if lower.bytes().all(|b| b.is_ascii_digit()) => vec![lower.clone()],
            None => vec![fold(&lower)],
        };
        for word in expanded {
            if word.is_empty() || rules.stopwords.contains(&word) {
                continue;
            }
            let h = hash(word.as_bytes());
            if !out.contains(&h) {
                out.push(h);
            }
        }
    }
    out
}

/// A title as compared: letters only, lower case, with the female and male forms of the same title together
/// (`Hj.`/`H.`, `Dra.`/`Drs.`): `S. Pd` and `S.Pd.` are one title.
fn title_key(title: &str) -> String {
    let key: String = title.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
    match key.as_str() {
        "hj" => "h".into(),
        "dra" => "drs".into(),
        _ => key,
    }
}

/// The share of `wanted` found in `have` (0 when nothing is wanted).
fn containment(wanted: &[u64], have: &[&[u64]]) -> f32 {
    if wanted.is_empty() {
        return 0.0;
    }
    let found = wanted.iter().filter(|w| have.iter().any(|h| h.contains(w))).count();
    found as f32 / wanted.len() as f32
}

/// The match index over a whole registry.
pub struct RegistryIndex {
    ids: Vec<i64>,
    nips: Vec<u64>,
    regions: Vec<u32>,
    agencies: Vec<u32>,
    units: Vec<u32>,
    positions: Vec<u32>,
    flags: Vec<u8>,
    names: String,
    name_ends: Vec<u32>,
    token_ends: Vec<u32>,
    token_keys: Vec<u32>,
    token_words: Vec<u32>,
    posting_ends: Vec<u32>,
    postings: Vec<u32>,
    document_frequency: Vec<u32>,
    idf: Vec<f32>,
    deletions: Vec<(u64, u32)>,
    keys: Interner,
    words: Interner,
    orgs: Interner,
    org_tokens: Vec<Vec<u64>>,
    titles: Vec<u32>,
    title_tokens: Vec<Vec<u64>>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum How {
    Exact,
    Variant,
    Nickname,
    Typo,
    Initial,
}

impl How {
    fn weight(self) -> f32 {
        match self {
            How::Exact => 1.0,
            How::Variant => 0.95,
            How::Nickname => 0.85,
            How::Typo => 0.8,
            How::Initial => 0.5,
        }
    }
}

/// One word of the query with the keys it may match.
#[derive(Debug)]
struct QueryWord {
    written: String,
    word_id: Option<u32>,
    /// Keys it matches, with how.
    keys: Vec<(u32, How)>,
    /// An initial: the first letter.
    initial: Option<u8>,
    weight: f32,
    postings: usize,
}

/// The query made ready for scoring.
#[derive(Debug)]
struct Prepared {
    words: Vec<QueryWord>,
    region: Option<RegionCode>,
    org: Vec<u64>,
    position: Vec<u64>,
    gender: Option<Gender>,
    /// The titles the reporter wrote (`title_key` hashes).
    titles: Vec<u64>,
}

/// How one person's name met the query.
#[derive(Debug)]
struct NameMatch {
    score: f32,
    /// Per query word: the person's token index and how.
    pairs: Vec<Option<(usize, How)>>,
}

/// Sizes only: the index itself is hundreds of megabytes at national size.
impl std::fmt::Debug for RegistryIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryIndex").field("persons", &self.len()).field("name_keys", &self.vocabulary()).finish()
    }
}

impl RegistryIndex {
    /// Persons in the index.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Distinct name keys.
    pub fn vocabulary(&self) -> usize {
        self.keys.strings.len()
    }

    /// Approximate heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        let strings = |i: &Interner| i.strings.iter().map(|s| s.len() * 2 + 48).sum::<usize>();
        self.ids.len() * 8
            + self.nips.len() * 8
            + (self.regions.len() + self.agencies.len() + self.units.len() + self.positions.len()) * 4
            + self.flags.len()
            + self.names.len()
            + (self.name_ends.len() + self.token_ends.len() + self.token_keys.len() + self.token_words.len()) * 4
            + (self.posting_ends.len() + self.postings.len() + self.document_frequency.len() + self.idf.len()) * 4
            + self.deletions.len() * 16
            + strings(&self.keys)
            + strings(&self.words)
            + strings(&self.orgs)
            + self.org_tokens.iter().map(|t| t.len() * 8 + 24).sum::<usize>()
    }

    fn postings_of(&self, key: u32) -> &[u32] {
        &self.postings[self.posting_ends[key as usize] as usize..self.posting_ends[key as usize + 1] as usize]
    }

    fn tokens(&self, person: usize) -> std::ops::Range<usize> {
        self.token_ends[person] as usize..self.token_ends[person + 1] as usize
    }

    /// Keys within one edit of `key` (not `key` itself).
    /// Keys one edit away. A three-letter key only gains a letter (`Eus` → `Euis`): shorter words have too many
    /// neighbours to tell apart.
    fn typo_neighbours(&self, key: &str) -> Vec<u32> {
        if key.len() < 3 {
            return Vec::new();
        }
        let mut found = Vec::new();
        for variant in deletion_variants(key) {
            let start = self.deletions.partition_point(|&(h, _)| h < variant);
            for &(h, candidate) in &self.deletions[start..] {
                if h != variant {
                    break;
                }
                if !found.contains(&candidate) && self.keys.strings[candidate as usize] != key {
                    found.push(candidate);
                }
            }
        }
        found.retain(|&k| edit_distance(key, &self.keys.strings[k as usize], 1) <= 1);
        found
    }

    fn prepare(&self, query: &Query) -> Prepared {
        let rules = rules();
        let n = self.len().max(1) as f32;
        let max_idf = (1.0 + n).ln();
        let split = rules.split(&query.nama);
        let titles = split.front.iter().chain(&split.back).map(|t| hash(title_key(t).as_bytes())).collect();
        let mut words = Vec::new();
        for written in split.words {
            let letters = letters_of(&written);
            if letters.is_empty() {
                continue;
            }
            if letters.len() == 1 {
                // A lone letter is an initial, or `M.` for Muhammad.
                let mut keys = Vec::new();
                for full in rules.nickname_of(&letters) {
                    if let Some(k) = self.keys.get(full) {
                        keys.push((k, How::Nickname));
                    }
                }
                words.push(QueryWord {
                    written,
                    word_id: None,
                    keys,
                    initial: Some(letters.as_bytes()[0]),
                    weight: 0.5,
                    postings: usize::MAX,
                });
                continue;
            }
            let key = rules.key(&letters);
            let mut keys: Vec<(u32, How)> = Vec::new();
            if let Some(k) = self.keys.get(&key) {
                keys.push((k, How::Variant));
            }
            for full in rules.nickname_of(&key) {
                if let Some(k) = self.keys.get(full)
                    && !keys.iter().any(|(have, _)| *have == k)
                {
                    keys.push((k, How::Nickname));
                }
            }
            for k in self.typo_neighbours(&key) {
                if !keys.iter().any(|(have, _)| *have == k) {
                    keys.push((k, How::Typo));
                }
            }
            let weight = match keys.first() {
                Some(&(k, How::Variant)) => self.idf[k as usize],
                Some(_) => keys.iter().map(|&(k, _)| self.idf[k as usize]).fold(0.0, f32::max),
                None => max_idf,
            };
            let postings = keys.iter().map(|&(k, _)| self.document_frequency[k as usize] as usize).sum();
            words.push(QueryWord { word_id: self.words.get(&letters), written, keys, initial: None, weight, postings });
        }
        let region = query.kode_wilayah.as_deref().and_then(|c| RegionCode::parse(c.trim()).ok());
        let mut org = org_tokens(query.instansi.as_deref().unwrap_or(""));
        for t in org_tokens(query.unit_kerja.as_deref().unwrap_or("")) {
            if !org.contains(&t) {
                org.push(t);
            }
        }
        Prepared {
            words,
            region,
            org,
            position: org_tokens(query.jabatan.as_deref().unwrap_or("")),
            gender: query.jenis_kelamin.as_deref().and_then(crate::rows::parse_gender),
            titles,
        }
    }

    /// The range of person numbers inside a region (a district widens to its regency).
    fn region_range(&self, region: RegionCode) -> std::ops::Range<usize> {
        let packed = pack_region(region.regency_code().unwrap_or(region));
        let (lo, hi) = if packed & 0xff00 == 0 {
            (packed, packed + (1 << 16))
        } else {
            (packed & !0xff, (packed & !0xff) + (1 << 8))
        };
        self.regions.partition_point(|&r| r < lo)..self.regions.partition_point(|&r| r < hi)
    }

    /// The persons worth scoring, in groups by an upper bound on their name score, highest first. Candidates come
    /// from the postings of the query's two rarest words (a common word only inside the query's region): a person
    /// is found when either word is right or one edit away. A person in one word's postings only cannot match the
    /// other word, so their name score is at most the weight of the words they can still match; `search` skips
    /// such a group when it cannot reach the top.
    fn candidates(&self, prepared: &Prepared) -> Vec<CandidateGroup> {
        let mut order: Vec<&QueryWord> = prepared.words.iter().filter(|w| w.initial.is_none()).collect();
        order.sort_by_key(|w| w.postings);
        let range = prepared.region.map(|r| self.region_range(r));
        let everyone = |persons: Vec<u32>| vec![CandidateGroup { bound: 1.0, persons }];
        // Only initials (and nicknames of a letter): everyone in the region with a word of that key.
        if order.is_empty() {
            let mut out = Vec::new();
            for word in &prepared.words {
                for &(key, _) in &word.keys {
                    out.extend_from_slice(self.postings_of(key));
                }
            }
            if let Some(range) = range {
                out.retain(|&p| range.contains(&(p as usize)));
            }
            out.sort_unstable();
            out.dedup();
            return everyone(out);
        }
        let mut lists: Vec<(Vec<u32>, bool)> = Vec::new();
        let mut size = 0;
        for word in order.iter().take(2) {
            let restrict = range.as_ref().filter(|_| word.postings > LARGE_POSTINGS);
            let mut list = Vec::new();
            for &(key, _) in &word.keys {
                let postings = self.postings_of(key);
                match restrict {
                    Some(range) => {
                        let a = postings.partition_point(|&p| (p as usize) < range.start);
                        let b = postings.partition_point(|&p| (p as usize) < range.end);
                        list.extend_from_slice(&postings[a..b]);
                    }
                    None => list.extend_from_slice(postings),
                }
            }
            list.sort_unstable();
            list.dedup();
            size += list.len();
            lists.push((list, restrict.is_some()));
            if size > MAX_CANDIDATES {
                break;
            }
        }
        if lists.len() < 2 {
            return everyone(lists.pop().map(|(list, _)| list).unwrap_or_default());
        }
        let (b, b_restricted) = lists.pop().expect("two lists");
        let (a, a_restricted) = lists.pop().expect("two lists");
        // Outside the region a restricted list says nothing: such persons may match its word too.
        let outside = |p: u32| range.as_ref().is_some_and(|r| !r.contains(&(p as usize)));
        let (mut both, mut only_a, mut only_b) = (Vec::new(), Vec::new(), Vec::new());
        let (mut i, mut j) = (0, 0);
        loop {
            let take_a = match (a.get(i), b.get(j)) {
                (Some(p), Some(q)) if p == q => {
                    both.push(*p);
                    i += 1;
                    j += 1;
                    continue;
                }
                (Some(p), Some(q)) => p < q,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            if take_a {
                let p = a[i];
                if b_restricted && outside(p) {
                    both.push(p)
                } else {
                    only_a.push(p)
                }
                i += 1;
            } else {
                let q = b[j];
                if a_restricted && outside(q) {
                    both.push(q)
                } else {
                    only_b.push(q)
                }
                j += 1;
            }
        }
        both.sort_unstable();
        let total: f32 = prepared.words.iter().map(|w| w.weight).sum();
        let used = order[0].weight + order[1].weight;
        // A little slack for rounding: the bound must never be below a score computed in another order.
        let bound = |word: &QueryWord| ((total - used + word.weight) / total + 1e-5).min(1.0);
        let mut groups = vec![
            CandidateGroup { bound: 1.0, persons: both },
            CandidateGroup { bound: bound(order[0]), persons: only_a },
            CandidateGroup { bound: bound(order[1]), persons: only_b },
        ];
        groups.sort_by(|x, y| y.bound.total_cmp(&x.bound));
        groups
    }

    fn match_name(&self, prepared: &Prepared, person: usize) -> NameMatch {
        let tokens = self.tokens(person);
        let mut used = [false; 16];
        let mut pairs = Vec::with_capacity(prepared.words.len());
        let mut matched = 0.0f32;
        let mut total = 0.0f32;
        for word in &prepared.words {
            total += word.weight;
            let mut best: Option<(usize, How)> = None;
            for (offset, t) in tokens.clone().enumerate() {
                if offset >= used.len() || used[offset] {
                    continue;
                }
                let how = if word.word_id.is_some_and(|w| w == self.token_words[t]) {
                    Some(How::Exact)
                } else if let Some(&(_, how)) = word.keys.iter().find(|(k, _)| *k == self.token_keys[t]) {
                    Some(how)
                } else if word
                    .initial
                    .is_some_and(|c| self.words.strings[self.token_words[t] as usize].as_bytes()[0] == c)
                {
                    Some(How::Initial)
                } else {
                    None
                };
                if let Some(how) = how
                    && best.is_none_or(|(_, b)| how.weight() > b.weight())
                {
                    best = Some((offset, how));
                }
            }
            if let Some((offset, how)) = best {
                used[offset] = true;
                matched += word.weight * how.weight();
            }
            pairs.push(best);
        }
        let unmentioned: f32 = tokens
            .clone()
            .enumerate()
            .filter(|(offset, _)| *offset >= used.len() || !used[*offset])
            .map(|(_, t)| self.idf[self.token_keys[t] as usize])
            .sum();
        let denominator = total + UNMENTIONED_WEIGHT * unmentioned;
        NameMatch { score: if denominator > 0.0 { matched / denominator } else { 0.0 }, pairs }
    }

    fn region_agreement(&self, wanted: RegionCode, person: usize) -> RegionAgreement {
        let have = unpack_region(self.regions[person]);
        let wanted_regency = wanted.regency_code().unwrap_or(wanted);
        let have_regency = have.regency_code().unwrap_or(have);
        if have_regency.is_within(&wanted_regency)
            || wanted_regency.is_within(&have_regency)
            || have_regency == wanted_regency
        {
            RegionAgreement::Same
        } else if have.province_code() == wanted.province_code() {
            RegionAgreement::SameProvince
        } else {
            RegionAgreement::Different
        }
    }

    /// The share of the query's agency and unit words found in the person's agency and unit (cached per pair).
    fn org_share(&self, prepared: &Prepared, person: usize, cache: &mut ContextCache) -> f32 {
        let pair = (self.agencies[person], self.units[person]);
        *cache.org.entry(pair).or_insert_with(|| {
            containment(&prepared.org, &[&self.org_tokens[pair.0 as usize], &self.org_tokens[pair.1 as usize]])
        })
    }

    /// The share of the query's position words found in the person's position (cached per position).
    fn position_share(&self, prepared: &Prepared, person: usize, cache: &mut ContextCache) -> f32 {
        let position = self.positions[person];
        *cache
            .position
            .entry(position)
            .or_insert_with(|| containment(&prepared.position, &[&self.org_tokens[position as usize]]))
    }

    /// The share of the reporter's titles the person holds (cached per title set).
    fn title_share(&self, prepared: &Prepared, person: usize, cache: &mut ContextCache) -> f32 {
        let set = self.titles[person];
        *cache.titles.entry(set).or_insert_with(|| containment(&prepared.titles, &[&self.title_tokens[set as usize]]))
    }

    /// Context agreement in [0, 1], or `None` when the query gives no context.
    fn context(&self, prepared: &Prepared, person: usize, cache: &mut ContextCache) -> Option<f32> {
        let mut sum = 0.0;
        let mut count = 0;
        if let Some(region) = prepared.region {
            sum += match self.region_agreement(region, person) {
                RegionAgreement::Same => 1.0,
                RegionAgreement::SameProvince => 0.4,
                RegionAgreement::Different => 0.0,
            };
            count += 1;
        }
        if !prepared.org.is_empty() {
            sum += self.org_share(prepared, person, cache);
            count += 1;
        }
        if !prepared.position.is_empty() {
            sum += self.position_share(prepared, person, cache);
            count += 1;
        }
        if let Some(gender) = prepared.gender {
            sum += if gender_of(self.flags[person]) == gender { 1.0 } else { 0.0 };
            count += 1;
        }
        if !prepared.titles.is_empty() {
            sum += self.title_share(prepared, person, cache);
            count += 1;
        }
        (count > 0).then(|| sum / count as f32)
    }

    /// The `top` best candidates for a query, best first (by score, then internal order).
    ///
    /// The score is `0.7 × name + 0.3 × context` with both in [0, 1], so `0.7 × name + 0.3` bounds it: groups and
    /// persons whose bound is below the current `top`-th score are skipped without changing the result.
    pub fn search(&self, query: &Query, top: usize) -> Vec<Candidate> {
        let prepared = self.prepare(query);
        if prepared.words.is_empty() || top == 0 {
            return Vec::new();
        }
        let has_context = prepared.region.is_some()
            || !prepared.org.is_empty()
            || !prepared.position.is_empty()
            || prepared.gender.is_some()
            || !prepared.titles.is_empty();
        let bound = |name: f32| if has_context { 0.7 * name + 0.3 } else { name };
        let mut cache = ContextCache::default();
        let mut best = TopList::new(top);
        for group in self.candidates(&prepared) {
            if bound(group.bound) < best.threshold() {
                break;
            }
            let mut named: Vec<(f32, u32)> = group
                .persons
                .iter()
                .map(|&person| (self.match_name(&prepared, person as usize).score, person))
                .filter(|&(name, _)| name > 0.0)
                .collect();
            named.sort_unstable_by(by_score);
            for (name, person) in named {
                if bound(name) < best.threshold() {
                    break;
                }
                let score = match self.context(&prepared, person as usize, &mut cache) {
                    Some(context) => 0.7 * name + 0.3 * context,
                    None => name,
                };
                best.offer(score, person);
            }
        }
        best.ranked
            .into_iter()
            .map(|(score, person)| self.candidate(&prepared, person as usize, score, &mut cache))
            .collect()
    }

    fn word_display(&self, token: usize) -> String {
        let word = &self.words.strings[self.token_words[token] as usize];
        let mut chars = word.chars();
        match chars.next() {
            Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
            None => String::new(),
        }
    }

    fn candidate(&self, prepared: &Prepared, person: usize, score: f32, cache: &mut ContextCache) -> Candidate {
        let tokens = self.tokens(person);
        let matched = self.match_name(prepared, person);
        let mut reasons = Vec::new();
        let mut used = vec![false; tokens.len()];
        for (word, pair) in prepared.words.iter().zip(&matched.pairs) {
            match pair {
                Some((offset, how)) => {
                    used[*offset] = true;
                    let found = self.word_display(tokens.start + offset);
                    let written = word.written.trim_end_matches('.').to_string();
                    reasons.push(match how {
                        How::Exact => Reason::SameWord { word: found },
                        How::Variant => Reason::Variant { written, found },
                        How::Nickname => Reason::Nickname { written, found },
                        How::Typo => Reason::Typo { written, found },
                        How::Initial => Reason::Initial { written, found },
                    });
                }
                None => reasons.push(Reason::NotInName { written: word.written.clone() }),
            }
        }
        let missing: Vec<String> =
            tokens.clone().enumerate().filter(|(o, _)| !used[*o]).map(|(_, t)| self.word_display(t)).collect();
        if !missing.is_empty() {
            reasons.push(Reason::NotMentioned { words: missing });
        }
        let region = unpack_region(self.regions[person]);
        if let Some(wanted) = prepared.region {
            let name =
                netra_core::builtin::regions().get(&region).map_or_else(|| region.to_string(), |r| r.name.clone());
            reasons.push(Reason::Region { agreement: self.region_agreement(wanted, person), region: name });
        }
        if !prepared.org.is_empty() {
            reasons.push(Reason::Organisation { share: self.org_share(prepared, person, cache) });
        }
        if !prepared.position.is_empty() {
            reasons.push(Reason::Position { share: self.position_share(prepared, person, cache) });
        }
        if !prepared.titles.is_empty() {
            reasons.push(Reason::Titles { share: self.title_share(prepared, person, cache) });
        }
        if let Some(gender) = prepared.gender {
            reasons.push(Reason::Gender { same: gender_of(self.flags[person]) == gender });
        }
        let state = state_of(self.flags[person]);
        if state != EmploymentState::Active {
            reasons.push(Reason::NotActive { state });
        }
        let name_start = if person == 0 { 0 } else { self.name_ends[person - 1] as usize };
        let nip = self.nips[person];
        Candidate {
            id: self.ids[person],
            nip: if nip < 1_000_000_000 { format!("{nip:09}") } else { format!("{nip:018}") },
            name: self.names[name_start..self.name_ends[person] as usize].to_string(),
            score: (score * 1000.0).round() / 1000.0,
            reasons,
            agency: self.orgs.strings[self.agencies[person] as usize].clone(),
            unit: self.orgs.strings[self.units[person] as usize].clone(),
            position: self.orgs.strings[self.positions[person] as usize].clone(),
            position_kind: kind_of(self.flags[person]),
            region,
            state,
        }
    }
}

/// Persons that share an upper bound on their name score.
#[derive(Debug)]
struct CandidateGroup {
    bound: f32,
    persons: Vec<u32>,
}

/// Best first: higher score, then lower internal number.
fn by_score(a: &(f32, u32), b: &(f32, u32)) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

/// The best `size` (score, person) pairs seen so far, in rank order.
#[derive(Debug)]
struct TopList {
    size: usize,
    ranked: Vec<(f32, u32)>,
}

impl TopList {
    fn new(size: usize) -> TopList {
        TopList { size, ranked: Vec::with_capacity(size + 1) }
    }

    /// The score a newcomer must reach to enter (ties enter by their order).
    fn threshold(&self) -> f32 {
        if self.ranked.len() < self.size { f32::NEG_INFINITY } else { self.ranked[self.size - 1].0 }
    }

    fn offer(&mut self, score: f32, person: u32) {
        let entry = (score, person);
        let at = self.ranked.partition_point(|held| by_score(held, &entry).is_lt());
        if at < self.size {
            self.ranked.insert(at, entry);
            self.ranked.truncate(self.size);
        }
    }
}

#[derive(Debug, Default)]
struct ContextCache {
    org: HashMap<(u32, u32), f32>,
    position: HashMap<u32, f32>,
    titles: HashMap<u32, f32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person<'a>(
        id: i64,
        nip: &'a str,
        name: &'a str,
        gender: Gender,
        unit: &'a str,
        region: &str,
    ) -> PersonInput<'a> {
        PersonInput {
            id,
            nip,
            name,
            front_titles: "",
            back_titles: "",
            gender,
            state: EmploymentState::Active,
            position_kind: PositionKind::Pelaksana,
            position: "Pengadministrasi Umum",
            unit,
            agency: "Pemerintah Kabupaten Bandung",
            region: RegionCode::parse(region).unwrap(),
        }
    }

    fn sample() -> RegistryIndex {
        let mut builder = IndexBuilder::new();
        let people = [
            person(1, "198503302010011002", "Asep Sunandar", Gender::Male, "Kecamatan Cileunyi", "32.04"),
            person(2, "198503302010011003", "Asep Suryana", Gender::Male, "Dinas Pendidikan", "32.04"),
            person(3, "198503302010011004", "Djoko Santoso", Gender::Male, "Dinas Kesehatan", "33.74"),
            person(4, "198503302010011005", "Joko Santoso", Gender::Male, "Dinas Kesehatan", "35.78"),
            person(5, "198503302010011006", "Kurniawan", Gender::Male, "Dinas Sosial", "32.04"),
            person(6, "198503302010012007", "Siti Nurhayati", Gender::Female, "Dinas Pendidikan", "32.73"),
            person(7, "198503302010011008", "Muhammad Rizki Ramadhan", Gender::Male, "Dinas Pendidikan", "32.04"),
            person(8, "198503302010011009", "Asep Sunandar", Gender::Male, "Dinas Perhubungan", "35.78"),
        ];
        for p in &people {
            builder.add(p);
        }
        builder.build()
    }

    fn top(index: &RegistryIndex, query: Query) -> Vec<i64> {
        index.search(&query, 3).iter().map(|c| c.id).collect()
    }

    fn q(name: &str) -> Query {
        Query { nama: name.into(), ..Query::default() }
    }

    #[test]
    fn titles_typos_reordering_and_variants_find_the_person() {
        let index = sample();
        assert_eq!(top(&index, q("Drs. H. Asep Sunandar, M.Si"))[..2], [1, 8]);
        assert_eq!(top(&index, q("Sunandar Asep"))[0], 1);
        assert_eq!(top(&index, q("Asep Sunadar"))[0], 1);
        assert_eq!(top(&index, q("Mochamad Rizky"))[0], 7);
        assert_eq!(top(&index, q("M. Rizki"))[0], 7);
        assert_eq!(top(&index, q("Wawan"))[0], 5);
        assert_eq!(top(&index, q("Nurhayati"))[0], 6);
    }

    #[test]
    fn context_ranks_among_namesakes() {
        let index = sample();
        let surabaya = Query { kode_wilayah: Some("35.78".into()), ..q("Asep Sunandar") };
        assert_eq!(top(&index, surabaya)[0], 8);
        let by_unit = Query { unit_kerja: Some("Dishub".into()), ..q("Asep Sunandar") };
        assert_eq!(top(&index, by_unit)[0], 8);
        let by_region = Query { kode_wilayah: Some("32.04.05".into()), ..q("asep sunandar") };
        assert_eq!(top(&index, by_region)[0], 1);
        // The exact spelling wins over the old one when nothing else differs.
        let joko = Query { kode_wilayah: Some("35.78".into()), ..q("Joko Santoso") };
        assert_eq!(top(&index, joko)[0], 4);
        assert_eq!(top(&index, q("Djoko Santoso"))[0], 3);
    }

    /// Every candidate scored, nothing skipped: what `search` must equal.
    fn exhaustive(index: &RegistryIndex, query: &Query, top: usize) -> Vec<(f32, i64)> {
        let prepared = index.prepare(query);
        let mut cache = ContextCache::default();
        let mut scored: Vec<(f32, u32)> = Vec::new();
        for group in index.candidates(&prepared) {
            for person in group.persons {
                let name = index.match_name(&prepared, person as usize).score;
                if name <= 0.0 {
                    continue;
                }
                let score = match index.context(&prepared, person as usize, &mut cache) {
                    Some(context) => 0.7 * name + 0.3 * context,
                    None => name,
                };
                scored.push((score, person));
            }
        }
        scored.sort_by(by_score);
        scored.truncate(top);
        scored
            .into_iter()
            .map(|(score, person)| ((score * 1000.0).round() / 1000.0, index.ids[person as usize]))
            .collect()
    }

    #[test]
    fn skipping_hopeless_candidates_never_changes_the_result() {
        let rows: Vec<crate::rows::RegistryRow> =
            crate::generate::Generator::new(5, RegionCode::parse("32").ok()).take(30_000).collect();
        let mut builder = IndexBuilder::new();
        for (id, row) in rows.iter().enumerate() {
            builder.add(&PersonInput {
                id: id as i64,
                nip: &row.nip,
                name: &row.name,
                front_titles: &row.front_titles,
                back_titles: &row.back_titles,
                gender: row.gender,
                state: row.state,
                position_kind: row.position_kind,
                position: &row.position,
                unit: &row.unit,
                agency: &row.agency,
                region: row.region,
            });
        }
        let index = builder.build();
        let mut rng = crate::generate::SplitMix(11);
        let mut pruned_somewhere = 0;
        for n in 0..600 {
            let row = &rows[rng.below(rows.len())];
            let (mut query, _) = crate::generate::noisy_query(row, &mut rng);
            if n % 3 == 0 {
                // Bare names too: no context, so the bound is the name score itself.
                query = Query { nama: query.nama, ..Query::default() };
            }
            let fast: Vec<(f32, i64)> = index.search(&query, 5).iter().map(|c| (c.score, c.id)).collect();
            let slow = exhaustive(&index, &query, 5);
            assert_eq!(fast, slow, "{query:?}");
            let prepared = index.prepare(&query);
            pruned_somewhere += usize::from(index.candidates(&prepared).len() > 1);
        }
        assert!(pruned_somewhere > 100, "the two-word grouping is exercised: {pruned_somewhere}");
    }

    #[test]
    fn titles_the_reporter_wrote_tell_namesakes_apart() {
        let mut builder = IndexBuilder::new();
        for (id, front, back) in [(1, "", "S.Ag."), (2, "Drs.", ""), (3, "", "S.Pd., M.Pd."), (4, "", "")] {
            builder.add(&PersonInput {
                front_titles: front,
                back_titles: back,
                ..person(id, "198503302010011002", "Sutrisno", Gender::Male, "Dinas Pendidikan", "33.20")
            });
        }
        let index = builder.build();
        assert_eq!(top(&index, q("Sutrisno, S.Pd"))[0], 3);
        assert_eq!(top(&index, q("Drs. Sutrisno"))[0], 2);
        let best = &index.search(&q("sutrisno s. ag"), 1)[0];
        assert_eq!(best.id, 1);
        assert!(best.reasons.contains(&Reason::Titles { share: 1.0 }), "{:?}", best.reasons);
    }

    #[test]
    fn a_short_word_missing_a_letter_is_a_typo() {
        let index = sample();
        let query = Query { kode_wilayah: Some("32.04".into()), ..q("Asp Sunandar") };
        let best = &index.search(&query, 1)[0];
        assert_eq!(best.id, 1);
        let typo = Reason::Typo { written: "Asp".into(), found: "Asep".into() };
        assert!(best.reasons.contains(&typo), "{:?}", best.reasons);
    }

    #[test]
    fn reasons_say_what_matched() {
        let index = sample();
        let query = Query { kode_wilayah: Some("32.04".into()), ..q("Asep Sunadar") };
        let best = &index.search(&query, 1)[0];
        let reasons: Vec<String> = best.reasons.iter().map(|r| r.describe(Locale::Id)).collect();
        assert!(reasons.contains(&"nama sama: Asep".to_string()), "{reasons:?}");
        assert!(reasons.contains(&"salah ketik: Sunadar ~ Sunandar".to_string()), "{reasons:?}");
        assert!(reasons.iter().any(|r| r.starts_with("wilayah sama")), "{reasons:?}");
        assert_eq!(best.nip, "198503302010011002");
        assert!(best.score > 0.8 && best.score <= 1.0, "{}", best.score);
    }

    #[test]
    fn region_packing_round_trips() {
        for code in ["32", "32.04", "32.04.05", "35.78"] {
            let region = RegionCode::parse(code).unwrap();
            assert_eq!(unpack_region(pack_region(region)), region);
        }
    }
}
