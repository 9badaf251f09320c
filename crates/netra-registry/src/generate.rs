//! A realistic synthetic registry, for the demo, tests and benchmarks: names drawn from regional name statistics
//! (`data/registry/names.toml`: Sundanese, Javanese, Batak, Minang, Bugis, Malay, Balinese, eastern Christian and
//! general Muslim names, Zipf-weighted, with single names and three-word names), agencies, units and positions
//! per region (`data/registry/positions.toml`), titles by profession and age, and valid, unique NIPs and
//! NI PPPK. Seeded: the same seed gives the same registry.
//!
//! [`noisy_query`] turns a person into what a reporter might write (titles, typos, old spellings, nicknames,
//! reordered or missing parts, partial context), for the match benchmark.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use netra_core::ident::Gender;
use netra_core::region::{RegionCode, RegionLevel};
use time::{Date, Month};

use crate::index::Query;
use crate::names::rules;
use crate::rows::{EmploymentKind, EmploymentState, PositionKind, RegistryRow};

const NAMES: &str = include_str!("../../../data/registry/names.toml");
const POSITIONS: &str = include_str!("../../../data/registry/positions.toml");

pub use netra_core::rng::SplitMix;

/// A weighted choice by cumulative weights.
#[derive(Debug, Clone)]
struct Weighted<T> {
    items: Vec<T>,
    cumulative: Vec<f64>,
}

impl<T> Weighted<T> {
    fn new(pairs: impl IntoIterator<Item = (T, f64)>) -> Weighted<T> {
        let mut items = Vec::new();
        let mut cumulative = Vec::new();
        let mut total = 0.0;
        for (item, weight) in pairs {
            total += weight.max(0.0);
            items.push(item);
            cumulative.push(total);
        }
        Weighted { items, cumulative }
    }

    /// Earlier items more often: weight 1/(rank+1)^0.7.
    fn zipf(items: Vec<T>) -> Weighted<T> {
        let weights: Vec<f64> = (0..items.len()).map(|i| 1.0 / ((i + 1) as f64).powf(0.7)).collect();
        Weighted::new(items.into_iter().zip(weights))
    }

    fn pick(&self, rng: &mut SplitMix) -> &T {
        let total = *self.cumulative.last().unwrap_or(&1.0);
        let x = rng.unit() * total;
        let i = self.cumulative.partition_point(|&c| c <= x).min(self.items.len() - 1);
        &self.items[i]
    }
}

#[derive(serde::Deserialize)]
struct NameFile {
    groups: BTreeMap<String, GroupFile>,
    provinces: BTreeMap<String, ProvinceFile>,
    composed: ComposedFile,
}

#[derive(serde::Deserialize)]
struct ComposedFile {
    share: f64,
    prefixes: Vec<String>,
    roots: Vec<String>,
    male_endings: Vec<String>,
    female_endings: Vec<String>,
}

/// Syllable tables for the long tail of names.
struct Composed {
    share: f64,
    prefixes: Weighted<String>,
    roots: Weighted<String>,
    male_endings: Weighted<String>,
    female_endings: Weighted<String>,
}

#[derive(serde::Deserialize)]
struct GroupFile {
    single: f64,
    /// Whether names of this group take Muhammad/Ahmad/Siti/Nur in front.
    #[serde(default)]
    muslim_prefix: bool,
    /// Whether names of this group are built from syllables (the `[composed]` tables).
    #[serde(default)]
    composed: bool,
    three: f64,
    male: Vec<String>,
    female: Vec<String>,
    second_male: Vec<String>,
    #[serde(default)]
    second_female: Vec<String>,
    #[serde(default)]
    single_names: Vec<String>,
}

#[derive(serde::Deserialize)]
struct ProvinceFile {
    weight: f64,
    mix: BTreeMap<String, f64>,
}

#[derive(serde::Deserialize)]
struct PositionFile {
    regency_units: Vec<UnitFile>,
    province_units: Vec<UnitFile>,
    vertical_units: Vec<UnitFile>,
    titles: BTreeMap<String, TitleGroupFile>,
}

#[derive(serde::Deserialize)]
struct UnitFile {
    name: String,
    share: f64,
    #[serde(default)]
    district: bool,
    titles: String,
    positions: Vec<(String, String, f64)>,
}

#[derive(serde::Deserialize)]
struct TitleGroupFile {
    back: Vec<(String, f64)>,
    front: Vec<(String, f64)>,
    senior_front: Vec<(String, f64)>,
}

struct Group {
    single: f64,
    three: f64,
    male: Weighted<String>,
    female: Weighted<String>,
    second_male: Weighted<String>,
    second_female: Weighted<String>,
    single_names: Option<Weighted<String>>,
    muslim_prefix: bool,
    composed: bool,
}

struct Unit {
    name: String,
    district: bool,
    titles: String,
    positions: Weighted<(String, PositionKind)>,
}

struct TitleGroup {
    back: Weighted<String>,
    front: Weighted<String>,
    senior_front: Weighted<String>,
}

struct Regency {
    code: RegionCode,
    name: String,
    short: String,
    districts: Vec<(RegionCode, String)>,
}

struct Tables {
    groups: HashMap<String, Group>,
    composed: Composed,
    provinces: Weighted<(u8, Weighted<String>)>,
    regencies: HashMap<u8, Vec<Regency>>,
    province_names: HashMap<u8, String>,
    regency_units: Weighted<usize>,
    province_units: Weighted<usize>,
    vertical_units: Weighted<usize>,
    units: Vec<Unit>,
    titles: HashMap<String, TitleGroup>,
}

fn kind(text: &str) -> PositionKind {
    PositionKind::parse(text).unwrap_or(PositionKind::Pelaksana)
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let names: NameFile = toml::from_str(NAMES).expect("data/registry/names.toml parses");
        let positions: PositionFile = toml::from_str(POSITIONS).expect("data/registry/positions.toml parses");
        let groups = names
            .groups
            .into_iter()
            .map(|(name, g)| {
                let second_female = if g.second_female.is_empty() { g.second_male.clone() } else { g.second_female };
                let group = Group {
                    single: g.single,
                    three: g.three,
                    male: Weighted::zipf(g.male),
                    female: Weighted::zipf(g.female),
                    second_male: Weighted::zipf(g.second_male),
                    second_female: Weighted::zipf(second_female),
                    single_names: (!g.single_names.is_empty()).then(|| Weighted::zipf(g.single_names)),
                    muslim_prefix: g.muslim_prefix,
                    composed: g.composed,
                };
                (name, group)
            })
            .collect();
        let provinces = Weighted::new(names.provinces.into_iter().map(|(code, p)| {
            let number: u8 = code.parse().expect("province numbers are numbers");
            ((number, Weighted::new(p.mix)), p.weight)
        }));
        let set = netra_core::builtin::regions();
        let mut regencies: HashMap<u8, Vec<Regency>> = HashMap::new();
        let mut province_names = HashMap::new();
        for region in set.iter() {
            match region.level() {
                RegionLevel::Province => {
                    province_names.insert(region.code.province_number(), region.name.clone());
                }
                RegionLevel::Regency => {
                    let short =
                        region.name.trim_start_matches("Kabupaten ").trim_start_matches("Kota ").trim().to_string();
                    regencies.entry(region.code.province_number()).or_default().push(Regency {
                        code: region.code,
                        name: region.name.clone(),
                        short,
                        districts: Vec::new(),
                    });
                }
                _ => {}
            }
        }
        for region in set.iter().filter(|r| r.level() == RegionLevel::District) {
            if let Some(list) = regencies.get_mut(&region.code.province_number())
                && let Some(regency) = list.iter_mut().find(|r| Some(r.code) == region.code.regency_code())
            {
                regency.districts.push((region.code, region.name.clone()));
            }
        }
        let mut units = Vec::new();
        let mut add = |list: Vec<UnitFile>| {
            let mut shares = Vec::new();
            for unit in list {
                shares.push((units.len(), unit.share));
                units.push(Unit {
                    name: unit.name,
                    district: unit.district,
                    titles: unit.titles,
                    positions: Weighted::new(unit.positions.into_iter().map(|(name, k, w)| ((name, kind(&k)), w))),
                });
            }
            Weighted::new(shares)
        };
        let regency_units = add(positions.regency_units);
        let province_units = add(positions.province_units);
        let vertical_units = add(positions.vertical_units);
        let titles = positions
            .titles
            .into_iter()
            .map(|(name, t)| {
                (
                    name,
                    TitleGroup {
                        back: Weighted::new(t.back),
                        front: Weighted::new(t.front),
                        senior_front: Weighted::new(t.senior_front),
                    },
                )
            })
            .collect();
        let c = names.composed;
        let composed = Composed {
            share: c.share,
            prefixes: Weighted::zipf(c.prefixes),
            roots: Weighted::zipf(c.roots),
            male_endings: Weighted::zipf(c.male_endings),
            female_endings: Weighted::zipf(c.female_endings),
        };
        Tables {
            groups,
            composed,
            provinces,
            regencies,
            province_names,
            regency_units,
            province_units,
            vertical_units,
            units,
            titles,
        }
    })
}

/// Generates registry rows: `count` persons, optionally only in the regions under `within` (a province or
/// regency), reproducibly from `seed`. Every NIP is valid and unique.
#[derive(Debug)]
pub struct Generator {
    rng: SplitMix,
    within: Option<RegionCode>,
    used: HashSet<u64>,
    line: usize,
}

impl Generator {
    pub fn new(seed: u64, within: Option<RegionCode>) -> Generator {
        Generator { rng: SplitMix(seed), within, used: HashSet::new(), line: 1 }
    }

    fn place(&mut self) -> (u8, &'static Regency) {
        let tables = tables();
        loop {
            let province = match self.within {
                Some(code) => code.province_number(),
                None => tables.provinces.pick(&mut self.rng).0,
            };
            let Some(list) = tables.regencies.get(&province) else { continue };
            let candidates: Vec<&Regency> = match self.within.and_then(|c| c.regency_code()) {
                Some(regency) => list.iter().filter(|r| r.code == regency).collect(),
                None => list.iter().collect(),
            };
            if candidates.is_empty() {
                continue;
            }
            return (province, candidates[self.rng.below(candidates.len())]);
        }
    }

    fn name(&mut self, province: u8, gender: Gender) -> String {
        let tables = tables();
        let mix = tables.provinces.items.iter().find(|(p, _)| *p == province).map(|(_, mix)| mix);
        let group_name = mix.map_or("muslim".to_string(), |m| m.pick(&mut self.rng).clone());
        let group = &tables.groups[&group_name];
        let rng = &mut self.rng;
        let (given, second) = match gender {
            Gender::Male => (&group.male, &group.second_male),
            Gender::Female => (&group.female, &group.second_female),
        };
        let compose = |rng: &mut SplitMix| {
            let c = &tables.composed;
            let ending = match gender {
                Gender::Male => c.male_endings.pick(rng),
                Gender::Female => c.female_endings.pick(rng),
            };
            format!("{}{}{}", c.prefixes.pick(rng), c.roots.pick(rng), ending)
        };
        if rng.chance(group.single) {
            // Single names are mostly composed ones (Su-par-man, Sri-yati); the listed ones are the commonest.
            if group.composed && rng.chance(tables.composed.share) {
                return compose(rng);
            }
            return match &group.single_names {
                Some(singles) => singles.pick(rng).clone(),
                None => second.pick(rng).clone(),
            };
        }
        let first = if group.composed && rng.chance(tables.composed.share / 3.0) {
            compose(rng)
        } else {
            given.pick(rng).clone()
        };
        let mut words = vec![first];
        if group.muslim_prefix && rng.chance(0.12) {
            let prefix = match gender {
                Gender::Male => ["Muhammad", "Ahmad", "Muhammad", "Abdul"][rng.below(4)],
                Gender::Female => ["Siti", "Nur", "Siti", "Nurul"][rng.below(4)],
            };
            if words[0] != prefix {
                words.insert(0, prefix.to_string());
            }
        } else if rng.chance(group.three) {
            let middle = given.pick(rng).clone();
            if middle != words[0] {
                words.push(middle);
            }
        }
        let last =
            if group.composed && rng.chance(tables.composed.share) { compose(rng) } else { second.pick(rng).clone() };
        if !words.contains(&last) {
            words.push(last);
        }
        words.join(" ")
    }

    fn birth_and_number(&mut self, kind: EmploymentKind, gender: Gender) -> (Date, String) {
        let rng = &mut self.rng;
        loop {
            let year = rng.range(1966, 2000);
            let month = rng.range(1, 12) as u8;
            let day = rng.range(1, 28) as u8;
            let birth = Date::from_calendar_date(year, Month::try_from(month).unwrap_or(Month::January), day)
                .expect("days 1-28 exist in every month");
            let g = match gender {
                Gender::Male => 1,
                Gender::Female => 2,
            };
            let sequence = rng.range(1, 999);
            let middle = match kind {
                EmploymentKind::Pppk => format!("{:04}{:02}", rng.range(2019.max(year + 19), 2024), rng.range(1, 3)),
                EmploymentKind::Cpns => format!("{:04}{:02}", 2024, rng.range(1, 12)),
                EmploymentKind::Pns => {
                    let tmt = rng.range((year + 21).max(1988), (year + 32).min(2023));
                    format!("{:04}{:02}", tmt, rng.range(1, 12))
                }
            };
            if middle.starts_with("2025") {
                continue;
            }
            let number = format!("{year:04}{month:02}{day:02}{middle}{g}{sequence:03}");
            if self.used.insert(number.parse().unwrap_or(0)) {
                return (birth, number);
            }
        }
    }

    fn titles(&mut self, group: &str, gender: Gender, birth_year: i32) -> (String, String) {
        let tables = tables();
        let Some(titles) = tables.titles.get(group) else { return (String::new(), String::new()) };
        let rng = &mut self.rng;
        let mut front = titles.front.pick(rng).clone();
        if birth_year < 1972 {
            let senior = titles.senior_front.pick(rng);
            if !senior.is_empty() {
                front = if front.is_empty() || front == *senior { senior.clone() } else { format!("{senior} {front}") };
            }
        }
        let mut back = titles.back.pick(rng).clone();
        if front.contains("dr.") {
            back.clear();
        }
        if gender == Gender::Female {
            front = front.replace("Drs.", "Dra.").replace("K.H.", "Hj.").replace("H.", "Hj.");
            front = front.replace("Hj.j.", "Hj.");
        }
        (front, back)
    }

    /// The next person.
    pub fn next_row(&mut self) -> RegistryRow {
        let tables = tables();
        self.line += 1;
        let (province, regency) = self.place();
        let tier = self.rng.below(100);
        let (agency, unit_index) = if tier < 75 {
            (format!("Pemerintah {}", regency.name), *tables.regency_units.pick(&mut self.rng))
        } else if tier < 87 {
            let province_name = tables.province_names.get(&province).cloned().unwrap_or_default();
            (format!("Pemerintah Provinsi {province_name}"), *tables.province_units.pick(&mut self.rng))
        } else {
            ("Kementerian Agama".to_string(), *tables.vertical_units.pick(&mut self.rng))
        };
        let unit = &tables.units[unit_index];
        let district = if regency.districts.is_empty() {
            None
        } else {
            Some(&regency.districts[self.rng.below(regency.districts.len())])
        };
        let district_name = district.map_or(regency.short.as_str(), |d| d.1.as_str());
        let n = (1 + self.rng.below(6)).to_string();
        let fill = |template: &str| {
            template
                .replace("{n}", &n)
                .replace("{kecamatan}", district_name)
                .replace("{daerah}", &regency.short)
                .replace("{wilayah}", &regency.name)
        };
        let unit_name = fill(&unit.name);
        let (position, position_kind) = unit.positions.pick(&mut self.rng).clone();
        let position = fill(&position);
        let region = match (unit.district, district) {
            (true, Some(d)) => d.0,
            _ => regency.code,
        };
        let female_share = if unit.titles == "guru" || unit.titles == "kesehatan" { 0.62 } else { 0.4 };
        let gender = if self.rng.chance(female_share) { Gender::Female } else { Gender::Male };
        let roll = self.rng.below(1000);
        let (kind, state) = match roll {
            0..=169 => (EmploymentKind::Pppk, EmploymentState::Active),
            170..=199 => (EmploymentKind::Cpns, EmploymentState::Active),
            200..=214 => (EmploymentKind::Pns, EmploymentState::Retired),
            215..=217 => (EmploymentKind::Pns, EmploymentState::Dismissed),
            _ => (EmploymentKind::Pns, EmploymentState::Active),
        };
        let name = self.name(province, gender);
        let (birth, nip) = self.birth_and_number(kind, gender);
        let (front_titles, back_titles) = self.titles(&unit.titles.clone(), gender, birth.year());
        RegistryRow {
            line: self.line,
            nip,
            name,
            front_titles,
            back_titles,
            gender,
            birth_date: Some(birth),
            kind,
            state,
            position_kind,
            position,
            unit: unit_name,
            agency,
            region,
        }
    }
}

impl Iterator for Generator {
    type Item = RegistryRow;

    fn next(&mut self) -> Option<RegistryRow> {
        Some(self.next_row())
    }
}

/// The cells of a row in [`crate::rows::COLUMNS`] order.
pub fn cells(row: &RegistryRow) -> [String; 12] {
    let status = match row.state {
        EmploymentState::Active => row.kind.as_str().to_string(),
        state => format!("{} {}", row.kind.as_str(), state.as_str()),
    };
    [
        row.nip.clone(),
        row.name.clone(),
        row.front_titles.clone(),
        row.back_titles.clone(),
        crate::rows::gender_code(row.gender).to_string(),
        row.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        status,
        row.position_kind.as_str().to_string(),
        row.position.clone(),
        row.unit.clone(),
        row.agency.clone(),
        row.region.to_string(),
    ]
}

/// What was done to a name to make a query, for the benchmark's breakdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Noise {
    Titles,
    Typo,
    Variant,
    Nickname,
    Reordered,
    PartMissing,
    Initial,
    Case,
}

impl Noise {
    pub fn as_str(self) -> &'static str {
        match self {
            Noise::Titles => "titles",
            Noise::Typo => "typo",
            Noise::Variant => "variant",
            Noise::Nickname => "nickname",
            Noise::Reordered => "reordered",
            Noise::PartMissing => "part_missing",
            Noise::Initial => "initial",
            Noise::Case => "case",
        }
    }
}

fn typo(word: &str, rng: &mut SplitMix) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    if chars.len() < 4 {
        return word.to_string();
    }
    let at = 1 + rng.below(chars.len() - 1);
    let letter = (b'a' + rng.below(26) as u8) as char;
    match rng.below(4) {
        0 => chars[at] = letter,
        1 => {
            chars.remove(at);
        }
        2 => chars.insert(at, letter),
        _ => {
            let at = at.min(chars.len() - 1);
            chars.swap(at - 1, at);
        }
    }
    chars.into_iter().collect()
}

/// An older or alternative spelling of a word, when it has one.
fn respell(word: &str, rng: &mut SplitMix) -> Option<String> {
    let lower = word.to_lowercase();
    let swaps: [(&str, &str); 9] = [
        ("u", "oe"),
        ("j", "dj"),
        ("c", "tj"),
        ("y", "j"),
        ("sy", "sj"),
        ("kh", "ch"),
        ("ai", "ae"),
        ("f", "p"),
        ("i", "y"),
    ];
    let start = rng.below(swaps.len());
    for k in 0..swaps.len() {
        let (from, to) = swaps[(start + k) % swaps.len()];
        // `i`→`y` only at the end (Rizki → Rizky).
        if from == "i" {
            if lower.ends_with('i') {
                return Some(format!("{}y", &word[..word.len() - 1]));
            }
            continue;
        }
        if let Some(at) = lower[1..].find(from).map(|a| a + 1).or_else(|| lower.find(from)) {
            let mut out = String::with_capacity(word.len() + 1);
            out.push_str(&word[..at]);
            out.push_str(to);
            out.push_str(&word[at + from.len()..]);
            return Some(out);
        }
    }
    // Doubling a consonant (Muhamad → Muhammad).
    let bytes = lower.as_bytes();
    (1..bytes.len()).find(|&i| !b"aeiou".contains(&bytes[i])).map(|i| format!("{}{}", &word[..=i], &word[i..]))
}

/// A reporter's version of a person: noisy name, partial context. Returns the query and what was done.
pub fn noisy_query(row: &RegistryRow, rng: &mut SplitMix) -> (Query, Vec<Noise>) {
    let names = rules();
    let mut noise = Vec::new();
    let mut words = names.split(&row.name).words;
    if words.len() >= 2 && rng.chance(0.2) {
        // People drop a middle or first name far more often than the last.
        let drop = if words.len() >= 3 { rng.below(words.len() - 1) } else { rng.below(2) };
        words.remove(drop);
        noise.push(Noise::PartMissing);
    }
    if words.len() >= 2 && rng.chance(0.15) {
        let last = words.len() - 1;
        words.swap(0, last);
        noise.push(Noise::Reordered);
    }
    if rng.chance(0.1) {
        let full_to_nick: Vec<(usize, &str)> =
            words.iter().enumerate().filter_map(|(i, w)| names.nickname_for(&names.key(w)).map(|n| (i, n))).collect();
        if let Some(&(i, nick)) = full_to_nick.first() {
            let mut c = nick.chars();
            words[i] = c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default();
            noise.push(Noise::Nickname);
        }
    }
    if words.len() >= 3 && rng.chance(0.08) {
        let first = words[0].chars().next().unwrap_or('A');
        words[0] = format!("{first}.");
        noise.push(Noise::Initial);
    }
    if rng.chance(0.25) {
        let i = rng.below(words.len());
        if !words[i].ends_with('.') && words[i].len() >= 4 {
            words[i] = typo(&words[i], rng);
            noise.push(Noise::Typo);
        }
    }
    if rng.chance(0.2) {
        let i = rng.below(words.len());
        if !words[i].ends_with('.')
            && let Some(respelled) = respell(&words[i], rng)
        {
            words[i] = respelled;
            noise.push(Noise::Variant);
        }
    }
    let mut name = words.join(" ");
    if rng.chance(0.4) && (!row.front_titles.is_empty() || !row.back_titles.is_empty()) {
        // Reporters know some of the titles, seldom all: each is written with probability 0.7.
        let split = names.split(&crate::rows::display_name(&row.front_titles, "X", &row.back_titles));
        let mut keep = |titles: Vec<String>| titles.into_iter().filter(|_| rng.chance(0.7)).collect::<Vec<_>>();
        let (front, back) = (keep(split.front).join(" "), keep(split.back).join(", "));
        if !front.is_empty() || !back.is_empty() {
            name = crate::rows::display_name(&front, &name, &back);
            noise.push(Noise::Titles);
        }
    }
    match rng.below(10) {
        0 | 1 => {
            name = name.to_uppercase();
            noise.push(Noise::Case);
        }
        2 => {
            name = name.to_lowercase();
            noise.push(Noise::Case);
        }
        _ => {}
    }
    // A report is always filed somewhere: the place is known, at least its province.
    let regency = row.region.regency_code().unwrap_or(row.region);
    let kode_wilayah = if rng.chance(0.8) { regency.to_string() } else { row.region.province_code().to_string() };
    let kode_wilayah = Some(kode_wilayah);
    let instansi = rng.chance(0.5).then(|| abbreviate_agency(&row.agency, rng));
    let unit_kerja = rng.chance(0.4).then(|| abbreviate_unit(&row.unit, rng));
    let jabatan =
        rng.chance(0.3).then(|| row.position.split_whitespace().take(1 + rng.below(2)).collect::<Vec<_>>().join(" "));
    (Query { nama: name, instansi, unit_kerja, kode_wilayah, jabatan, jenis_kelamin: None }, noise)
}

fn abbreviate_agency(agency: &str, rng: &mut SplitMix) -> String {
    if rng.chance(0.5) {
        return agency.to_string();
    }
    agency
        .replace("Pemerintah Kabupaten", "Pemkab")
        .replace("Pemerintah Kota", "Pemkot")
        .replace("Pemerintah Provinsi", "Pemprov")
        .replace("Kementerian Agama", "Kemenag")
}

fn abbreviate_unit(unit: &str, rng: &mut SplitMix) -> String {
    if rng.chance(0.5) {
        return unit.to_string();
    }
    unit.replace("SD Negeri", "SDN")
        .replace("SMP Negeri", "SMPN")
        .replace("SMA Negeri", "SMAN")
        .replace("SMK Negeri", "SMKN")
        .replace("Dinas Pendidikan", "Disdik")
        .replace("Dinas Kesehatan", "Dinkes")
        .replace("Kecamatan", "Kec.")
        .replace("Sekretariat Daerah", "Setda")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rows::{CsvRows, Header, parse_row};

    #[test]
    fn generated_rows_are_valid_unique_and_reproducible() {
        let rows: Vec<RegistryRow> = Generator::new(7, None).take(3000).collect();
        let again: Vec<RegistryRow> = Generator::new(7, None).take(3000).collect();
        assert_eq!(rows, again);
        let header = Header::standard();
        for row in &rows {
            let cells = cells(row);
            let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
            let parsed = parse_row(&header, row.line, &refs);
            assert!(parsed.is_ok(), "{cells:?}: {parsed:?}");
        }
        let nips: HashSet<&str> = rows.iter().map(|r| r.nip.as_str()).collect();
        assert_eq!(nips.len(), rows.len());
        // The mix is realistic: several provinces, single names, titles, PPPK, every position kind.
        let provinces: HashSet<u8> = rows.iter().map(|r| r.region.province_number()).collect();
        assert!(provinces.len() > 20, "{}", provinces.len());
        assert!(rows.iter().any(|r| !r.name.contains(' ')));
        assert!(rows.iter().filter(|r| !r.back_titles.is_empty()).count() > rows.len() / 2);
        assert!(rows.iter().any(|r| r.kind == EmploymentKind::Pppk));
        for kind in PositionKind::ALL {
            assert!(rows.iter().any(|r| r.position_kind == kind), "{kind:?}");
        }
    }

    #[test]
    fn a_region_limits_where_people_work() {
        let bandung = RegionCode::parse("32.04").unwrap();
        for row in Generator::new(1, Some(bandung)).take(500) {
            assert!(row.region.is_within(&bandung), "{}", row.region);
        }
    }

    #[test]
    fn generated_csv_reads_back() {
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(crate::rows::COLUMNS).unwrap();
        for row in Generator::new(3, None).take(200) {
            out.write_record(cells(&row)).unwrap();
        }
        let bytes = out.into_inner().unwrap();
        let read: Vec<_> = CsvRows::new(bytes.as_slice(), b',').unwrap().collect();
        assert_eq!(read.len(), 200);
        assert!(read.iter().all(Result::is_ok));
    }

    #[test]
    fn noisy_queries_change_the_name_but_keep_it_recognisable() {
        let mut rng = SplitMix(11);
        let mut kinds = HashSet::new();
        for row in Generator::new(5, None).take(2000) {
            let (query, noise) = noisy_query(&row, &mut rng);
            assert!(!query.nama.trim().is_empty());
            kinds.extend(noise);
        }
        for kind in [Noise::Titles, Noise::Typo, Noise::Variant, Noise::Reordered, Noise::PartMissing, Noise::Case] {
            assert!(kinds.contains(&kind), "{kind:?}");
        }
    }
}
