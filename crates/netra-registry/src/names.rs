//! Indonesian personal names as people write them: titles (gelar) anywhere in the string, spelling variants of
//! the old and new orthographies, nicknames, initials.
//!
//! A name is split into pieces at spaces, dots, commas and other punctuation; runs of pieces that spell a title
//! (`S.Pd.I`, `S. Pd`, `Drs.`, `H.`) are taken out, and the rest are the name's words. Each word gets a *key*,
//! [`fold`]ed so that spellings of the same sound meet (`Djoko`/`Joko`, `Soekarno`/`Sukarno`, `Achmad`/`Ahmad`,
//! `Muhammad`/`Muhamad`), then mapped through the variant table (`Mochammad` → `muhammad`).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

const TITLES: &str = include_str!("../../../data/registry/titles.toml");
const VARIANTS: &str = include_str!("../../../data/registry/variants.tsv");
const NICKNAMES: &str = include_str!("../../../data/registry/nicknames.tsv");

/// Where a title stands by custom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TitlePlace {
    Front,
    Back,
}

/// A name split into titles and words.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SplitName {
    /// Titles as written, in order (`Drs.`, `H.`).
    pub front: Vec<String>,
    pub back: Vec<String>,
    /// The name's words as written, without titles.
    pub words: Vec<String>,
}

impl SplitName {
    /// The words joined by single spaces.
    pub fn plain(&self) -> String {
        self.words.join(" ")
    }
}

/// The title tables, the variant table and the nickname table, parsed once.
#[derive(Debug)]
pub struct NameRules {
    titles: HashMap<String, TitlePlace>,
    ambiguous: HashSet<String>,
    /// Folded variant → folded canonical spelling.
    variants: HashMap<String, String>,
    /// Folded nickname → folded full names.
    nicknames: HashMap<String, Vec<String>>,
    /// The nickname table in file order (for the reverse lookup, which must not depend on hashing).
    nickname_rows: Vec<(String, Vec<String>)>,
}

#[derive(serde::Deserialize)]
struct TitleFile {
    front: Vec<String>,
    back: Vec<String>,
    ambiguous: Vec<String>,
}

/// Lower-case letters of a title without dots, spaces or brackets: `S.Pd.I.` → `spdi`.
fn compress(title: &str) -> String {
    title.chars().filter(|c| c.is_alphabetic()).flat_map(char::to_lowercase).collect()
}

fn tsv_rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| line.split('\t').map(str::trim).filter(|cell| !cell.is_empty()).collect())
}

impl NameRules {
    fn load() -> NameRules {
        let file: TitleFile = toml::from_str(TITLES).expect("data/registry/titles.toml parses");
        let mut titles = HashMap::new();
        for title in &file.back {
            titles.insert(compress(title), TitlePlace::Back);
        }
        for title in &file.front {
            titles.insert(compress(title), TitlePlace::Front);
        }
        let ambiguous = file.ambiguous.iter().map(|t| compress(t)).collect();
        let mut variants = HashMap::new();
        for row in tsv_rows(VARIANTS) {
            let canonical = fold(row[0]);
            for variant in &row[1..] {
                variants.insert(fold(variant), canonical.clone());
            }
        }
        let nickname_rows: Vec<(String, Vec<String>)> = tsv_rows(NICKNAMES)
            .map(|row| {
                (row[0].to_string(), row[1..].iter().map(|full| canonical_key(&variants, &fold(full))).collect())
            })
            .collect();
        let nicknames = nickname_rows.iter().map(|(nick, fulls)| (fold(nick), fulls.clone())).collect();
        NameRules { titles, ambiguous, variants, nicknames, nickname_rows }
    }

    /// The key of one word as written: folded, then mapped to its canonical spelling.
    pub fn key(&self, word: &str) -> String {
        canonical_key(&self.variants, &fold(word))
    }

    /// The full names a nickname stands for (keys), if it is a known nickname.
    pub fn nickname_of(&self, key: &str) -> &[String] {
        self.nicknames.get(key).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The first nickname of three letters or more (as written in the table) that stands for this full-name key.
    pub fn nickname_for(&self, key: &str) -> Option<&str> {
        self.nickname_rows
            .iter()
            .find(|(nick, fulls)| nick.len() >= 3 && fulls.iter().any(|full| full == key))
            .map(|(nick, _)| nick.as_str())
    }

    /// Splits a name into titles and words.
    pub fn split(&self, raw: &str) -> SplitName {
        let pieces = pieces(raw);
        let mut split = SplitName::default();
        let mut i = 0;
        while i < pieces.len() {
            if let Some((len, place)) = self.title_at(&pieces, i) {
                let written = pieces[i..i + len].iter().map(|p| p.written.as_str()).collect::<Vec<_>>().join("");
                match place {
                    TitlePlace::Front => split.front.push(written),
                    TitlePlace::Back => split.back.push(written),
                }
                i += len;
                continue;
            }
            split.words.push(pieces[i].written.trim_end_matches('.').to_string());
            i += 1;
        }
        // A name that is nothing but titles ("Dr. H.") keeps its last piece as a word, so it is not lost.
        if split.words.is_empty()
            && let Some(last) = pieces.last()
        {
            split.words.push(last.written.trim_end_matches('.').to_string());
        }
        split
    }

    fn title_at(&self, pieces: &[Piece], i: usize) -> Option<(usize, TitlePlace)> {
        for len in (1..=4.min(pieces.len() - i)).rev() {
            let run = &pieces[i..i + len];
            // A title of several pieces is written with dots or starts with a single letter (`S Pd`).
            if len > 1 && !(run[..len - 1].iter().all(|p| p.dotted) || run[0].letters.len() == 1) {
                continue;
            }
            let compressed: String = run.iter().map(|p| p.letters.as_str()).collect();
            if let Some(&place) = self.titles.get(&compressed) {
                let marked = run.iter().any(|p| p.dotted) || run[0].after_comma;
                if self.ambiguous.contains(&compressed) && !marked {
                    continue;
                }
                // `H.`/`R.` in the middle of a name is an initial, not Haji/Raden; the same goes for `St.`.
                if len == 1 && run[0].letters.len() == 1 && i > 0 && !run[0].after_comma && place == TitlePlace::Front {
                    let before_is_word = self.title_at_prefix_is_word(pieces, i);
                    if before_is_word {
                        continue;
                    }
                }
                return Some((len, place));
            }
        }
        None
    }

    /// Whether some piece before `i` is a name word (not a title): then a one-letter front title is an initial.
    fn title_at_prefix_is_word(&self, pieces: &[Piece], i: usize) -> bool {
        pieces[..i].iter().any(|p| !self.titles.contains_key(&p.letters))
    }
}

fn canonical_key(variants: &HashMap<String, String>, folded: &str) -> String {
    variants.get(folded).cloned().unwrap_or_else(|| folded.to_string())
}

/// The rules shipped in `data/registry/`.
pub fn rules() -> &'static NameRules {
    static RULES: OnceLock<NameRules> = OnceLock::new();
    RULES.get_or_init(NameRules::load)
}

#[derive(Debug)]
struct Piece {
    /// As written, with a trailing dot when there was one.
    written: String,
    /// Lower-case letters only, accents removed.
    letters: String,
    dotted: bool,
    after_comma: bool,
}

fn pieces(raw: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut written = String::new();
    let mut after_comma = false;
    let mut piece_after_comma = false;
    let flush = |written: &mut String, dotted: bool, piece_after_comma: bool, pieces: &mut Vec<Piece>| {
        let letters = letters_of(written);
        if !letters.is_empty() {
            let mut text = std::mem::take(written);
            if dotted {
                text.push('.');
            }
            pieces.push(Piece { written: text, letters, dotted, after_comma: piece_after_comma });
        }
        written.clear();
    };
    for c in raw.chars() {
        match c {
            '.' => {
                flush(&mut written, true, piece_after_comma, &mut pieces);
            }
            ',' | ';' => {
                flush(&mut written, false, piece_after_comma, &mut pieces);
                after_comma = true;
            }
            '\'' | '`' | '’' => {}
            c if c.is_alphanumeric() => {
                if written.is_empty() {
                    piece_after_comma = after_comma;
                }
                written.push(c);
            }
            _ => flush(&mut written, false, piece_after_comma, &mut pieces),
        }
    }
    flush(&mut written, false, piece_after_comma, &mut pieces);
    pieces
}

/// Lower-case ASCII letters of a word: accents removed, everything else dropped.
pub fn letters_of(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        let c = match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' => 'o',
            'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => 'u',
            'ñ' | 'Ñ' => 'n',
            'ç' | 'Ç' => 'c',
            c => c.to_ascii_lowercase(),
        };
        if c.is_ascii_lowercase() {
            out.push(c);
        }
    }
    out
}

/// The sound key of one word: old-orthography spellings and common variations folded together.
///
/// `oe`→`u`, `dj`/`j`→`y`, `tj`→`c`, `sj`/`sy`→`s`, `nj`→`ny`, `ch`/`kh`→`h`, `th`→`t`, `dh`→`d`, `ph`/`f`/`v`→`p`,
/// `q`→`k`, `z`→`s`, `ae`→`ai`, `iy`+vowel→`i`, final `y`→`i`, final `h` dropped, double letters single.
/// ```
/// use netra_registry::names::fold;
/// assert_eq!(fold("Djoko"), fold("Joko"));
/// assert_eq!(fold("Soekarno"), fold("Sukarno"));
/// assert_eq!(fold("Tjahjo"), fold("Cahyo"));
/// assert_eq!(fold("Achmad"), fold("Ahmad"));
/// assert_eq!(fold("Muhammad"), fold("Muhamad"));
/// assert_eq!(fold("Rizky"), fold("Riski"));
/// ```
pub fn fold(word: &str) -> String {
    let s = letters_of(word).into_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(s.len());
    let mut i = 0;
    let is_vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u');
    while i < s.len() {
        let c = s[i];
        let next = s.get(i + 1).copied();
        let (emit, used): (&[u8], usize) = match (c, next) {
            (b'o', Some(b'e')) => (b"u", 2),
            (b'a', Some(b'e')) if i > 0 => (b"ai", 2),
            (b'd', Some(b'j')) => (b"y", 2),
            (b't', Some(b'j')) => (b"c", 2),
            (b's', Some(b'j' | b'y')) => (b"s", 2),
            (b'n', Some(b'j')) => (b"ny", 2),
            (b'c' | b'k', Some(b'h')) => (b"h", 2),
            (b't', Some(b'h')) => (b"t", 2),
            (b'd', Some(b'h')) => (b"d", 2),
            (b'p', Some(b'h')) => (b"p", 2),
            (b'i', Some(b'y')) if s.get(i + 2).is_some_and(|&c| is_vowel(c)) => (b"i", 2),
            (b'j', _) => (b"y", 1),
            (b'f' | b'v', _) => (b"p", 1),
            (b'q', _) => (b"k", 1),
            (b'z', _) => (b"s", 1),
            (b'y', None) if i > 0 => (b"i", 1),
            (b'h', None) if i >= 3 => (b"", 1),
            _ => (std::slice::from_ref(&s[i]), 1),
        };
        for &b in emit {
            if out.last() != Some(&b) {
                out.push(b);
            }
        }
        i += used;
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), stopping early above `limit`.
pub fn edit_distance(a: &str, b: &str, limit: usize) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let width = b.len() + 1;
    let mut rows = vec![0usize; width * (a.len() + 1)];
    for (j, cell) in rows.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        rows[i * width] = i;
        let mut row_min = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[(i - 1) * width + j] + 1)
                .min(rows[i * width + j - 1] + 1)
                .min(rows[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[(i - 2) * width + j - 2] + 1);
            }
            rows[i * width + j] = best;
            row_min = row_min.min(best);
        }
        if row_min > limit {
            return limit + 1;
        }
    }
    rows[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(raw: &str) -> Vec<String> {
        rules().split(raw).words
    }

    #[test]
    fn titles_anywhere_are_taken_out() {
        let split = rules().split("Drs. H. Asep Sunandar, M.Si");
        assert_eq!(split.words, ["Asep", "Sunandar"]);
        assert_eq!(split.front, ["Drs.", "H."]);
        assert_eq!(split.back, ["M.Si"]);
        assert_eq!(words("asep sunandar S. Pd"), ["asep", "sunandar"]);
        assert_eq!(words("Hj. Siti Aminah, S.Pd.I., M.Pd."), ["Siti", "Aminah"]);
        assert_eq!(words("dr. Rina Marlina Sp.OG"), ["Rina", "Marlina"]);
        assert_eq!(words("SUTRISNO SE MM"), ["SUTRISNO"]);
        assert_eq!(words("Prof.Dr.Ir.Bambang Wibowo"), ["Bambang", "Wibowo"]);
        assert_eq!(words("A.Md.Kep Yuni Lestari"), ["Yuni", "Lestari"]);
    }

    #[test]
    fn ambiguous_titles_need_a_dot_or_a_comma() {
        assert_eq!(words("Ma Sri Wahyuni"), ["Ma", "Sri", "Wahyuni"]);
        assert_eq!(words("Sri Wahyuni, MA"), ["Sri", "Wahyuni"]);
        assert_eq!(words("Sri Wahyuni M.A."), ["Sri", "Wahyuni"]);
    }

    #[test]
    fn a_one_letter_title_inside_a_name_is_an_initial() {
        assert_eq!(words("H. Asep"), ["Asep"]);
        assert_eq!(words("Asep H. Sunandar"), ["Asep", "H", "Sunandar"]);
    }

    #[test]
    fn folding_meets_the_spelling_variants() {
        for (a, b) in [
            ("Djoko", "Joko"),
            ("Soekarno", "Sukarno"),
            ("Tjahjono", "Cahyono"),
            ("Sjamsul", "Syamsul"),
            ("Syamsul", "Samsul"),
            ("Chairul", "Khairul"),
            ("Jusuf", "Yusuf"),
            ("Muhammad", "Muhamad"),
            ("Ramadhan", "Ramadan"),
            ("Fathurrahman", "Faturahman"),
            ("Saepul", "Saiful"),
            ("Supriyadi", "Supriadi"),
            ("Aisyah", "Aisya"),
            ("Nunung", "NUNUNG"),
            ("Andre", "André"),
        ] {
            assert_eq!(fold(a), fold(b), "{a} / {b}");
        }
        assert_ne!(fold("Asep"), fold("Usep"));
        assert_ne!(fold("Budi"), fold("Bagus"));
    }

    #[test]
    fn variant_table_maps_to_the_canonical_key() {
        let rules = rules();
        assert_eq!(rules.key("Mochammad"), rules.key("Muhammad"));
        assert_eq!(rules.key("Abdoel"), rules.key("Abdul"));
        assert!(rules.nickname_of(&rules.key("Wawan")).contains(&rules.key("Kurniawan")));
        assert!(rules.nickname_of(&rules.key("Moh")).contains(&rules.key("Muhammad")));
        assert_eq!(rules.nickname_for(&rules.key("Kurniawan")), Some("wawan"));
        assert_eq!(rules.nickname_for(&rules.key("Bagus")), None);
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("sunandar", "sunadar", 2), 1);
        assert_eq!(edit_distance("asep", "aesp", 2), 1);
        assert_eq!(edit_distance("asep", "asep", 2), 0);
        assert_eq!(edit_distance("budi", "santoso", 2), 3);
        assert_eq!(edit_distance("wibowo", "wibisono", 1), 2);
    }
}
