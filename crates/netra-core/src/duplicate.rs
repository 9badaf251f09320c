//! Possible duplicates: two reports about the same person, place and time with similar wording.
//!
//! The score is a weighted sum of four similarities in 0..=1, each explainable on the case page:
//! the reported person's name (character-trigram Dice, after dropping academic and religious titles, so
//! `Drs. H. Asep Sunandar` and `asep sunandar` agree), the place (same kecamatan, kabupaten/kota or province),
//! the time (days between the two event dates) and the description (Dice over content words).

use std::collections::BTreeSet;

use time::Date;

use crate::region::RegionCode;

/// What the comparison looks at.
#[derive(Debug, Clone, Copy)]
pub struct CaseFacts<'a> {
    pub person_name: &'a str,
    pub region: &'a RegionCode,
    pub occurred_on: Date,
    pub description: &'a str,
}

/// The similarity of two cases, with its parts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    pub name: f64,
    pub place: f64,
    pub time: f64,
    pub text: f64,
    pub score: f64,
}

impl Similarity {
    /// Whether to offer the pair as a possible duplicate: the overall score is high and the person matches.
    pub fn is_possible_duplicate(&self) -> bool {
        self.score >= DUPLICATE_THRESHOLD && self.name >= 0.5
    }
}

/// Overall score from which a pair is offered as a possible duplicate.
pub const DUPLICATE_THRESHOLD: f64 = 0.6;
/// Days between event dates beyond which two cases are not compared at all.
pub const WINDOW_DAYS: i64 = 7;

const WEIGHT_NAME: f64 = 0.35;
const WEIGHT_PLACE: f64 = 0.2;
const WEIGHT_TIME: f64 = 0.15;
const WEIGHT_TEXT: f64 = 0.3;

const TITLES: &[&str] = &[
    "dr", "drs", "dra", "ir", "h", "hj", "prof", "kh", "st", "se", "sh", "mh", "mm", "msi", "mpd", "spd", "sag", "skm",
    "ssos", "sip", "skom", "ssi", "mt", "mkes", "amd", "amk", "sst", "sked", "sp", "mag", "ak", "bsc", "ma", "phd",
    "pak", "bu", "ibu", "bapak", "sdr", "sdri",
];

const STOPWORDS: &[&str] = &[
    "yang", "dan", "di", "ke", "dari", "itu", "ini", "dengan", "untuk", "pada", "dalam", "tersebut", "ada", "adalah",
    "juga", "karena", "oleh", "saat", "telah", "sudah", "akan", "atau", "sebagai", "para", "seorang", "kami", "saya",
    "dia", "ia", "mereka", "tidak", "bahwa", "hari", "tanggal", "pukul",
];

/// A person's name without titles, lower-case, single-spaced.
pub fn normalise_name(name: &str) -> String {
    // Titles are written with dots and commas (`Drs.`, `S.Pd.`, `M.Si`): split on spaces and commas, then
    // remove dots so `S.Pd` becomes `spd`.
    name.split([' ', ',', '\t'])
        .map(|part| part.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase())
        .filter(|part| !part.is_empty() && !TITLES.contains(&part.as_str()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn trigrams(text: &str) -> BTreeSet<[char; 3]> {
    let padded: Vec<char> = format!("  {text} ").chars().collect();
    padded.windows(3).map(|w| [w[0], w[1], w[2]]).collect()
}

fn dice<T: Ord>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    2.0 * a.intersection(b).count() as f64 / (a.len() + b.len()) as f64
}

fn content_words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|word| word.chars().count() >= 3 && !STOPWORDS.contains(&word.as_str()))
        .collect()
}

/// Name similarity: trigram Dice, or 1 when every word of the shorter name appears in the longer (a single
/// name such as `Suparman` against `Suparman Hadi`).
pub fn name_similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (normalise_name(a), normalise_name(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (words_a, words_b): (BTreeSet<&str>, BTreeSet<&str>) = (a.split(' ').collect(), b.split(' ').collect());
    let (short, long) = if words_a.len() <= words_b.len() { (&words_a, &words_b) } else { (&words_b, &words_a) };
    if short.is_subset(long) {
        return 1.0;
    }
    dice(&trigrams(&a), &trigrams(&b))
}

fn place_similarity(a: &RegionCode, b: &RegionCode) -> f64 {
    if a == b {
        1.0
    } else if a.regency_code().is_some() && a.regency_code() == b.regency_code() {
        0.7
    } else if a.province_code() == b.province_code() {
        0.2
    } else {
        0.0
    }
}

fn time_similarity(a: Date, b: Date) -> f64 {
    match (a - b).whole_days().abs() {
        0 => 1.0,
        1 => 0.8,
        2..=3 => 0.5,
        4..=WINDOW_DAYS => 0.2,
        _ => 0.0,
    }
}

/// Compares two cases.
pub fn compare(a: &CaseFacts<'_>, b: &CaseFacts<'_>) -> Similarity {
    let name = name_similarity(a.person_name, b.person_name);
    let place = place_similarity(a.region, b.region);
    let time = time_similarity(a.occurred_on, b.occurred_on);
    let text = dice(&content_words(a.description), &content_words(b.description));
    let score = WEIGHT_NAME * name + WEIGHT_PLACE * place + WEIGHT_TIME * time + WEIGHT_TEXT * text;
    Similarity { name, place, time, text, score }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn titles_do_not_count_and_single_names_match_their_full_form() {
        assert_eq!(normalise_name("Drs. H. Asep Sunandar, M.Si"), "asep sunandar");
        assert_eq!(name_similarity("Drs. H. Asep Sunandar, M.Si", "asep sunandar"), 1.0);
        assert_eq!(name_similarity("Suparman", "Suparman Hadi"), 1.0);
        assert!(name_similarity("Asep Sunandar", "Asep Sunanda") > 0.7);
        assert!(name_similarity("Asep Sunandar", "Budi Santoso") < 0.3);
    }

    #[test]
    fn the_same_act_reported_twice_is_a_possible_duplicate_and_another_is_not() {
        let region: RegionCode = "32.04.05".parse().unwrap();
        let other_region: RegionCode = "32.73.01".parse().unwrap();
        let first = CaseFacts {
            person_name: "Asep Sunandar",
            region: &region,
            occurred_on: date!(2024 - 10 - 10),
            description: "Camat Asep Sunandar mengunggah foto dengan paslon nomor 2 di Facebook dan mengajak warga \
                          memilih.",
        };
        let second = CaseFacts {
            person_name: "Drs. Asep Sunandar",
            region: &region,
            occurred_on: date!(2024 - 10 - 10),
            description: "Pak camat Asep posting foto bersama paslon nomor 2 di facebook, mengajak warga memilih.",
        };
        let similarity = compare(&first, &second);
        assert!(similarity.is_possible_duplicate(), "{similarity:?}");
        let unrelated = CaseFacts {
            person_name: "Budi Santoso",
            region: &other_region,
            occurred_on: date!(2024 - 10 - 20),
            description: "Guru memasang baliho calon di sekolah.",
        };
        assert!(!compare(&first, &unrelated).is_possible_duplicate());
    }
}
