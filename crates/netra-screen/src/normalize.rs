//! Text normalisation for matching and classification, with a map back to the original text.
//!
//! The original is cut into words (letters, digits and the marks that live inside social-media words: `#`, `@`,
//! `-`, `.`, `'`); each word becomes zero or more normalised tokens:
//!
//! 1. NFKC, lowercase, diacritics and zero-width characters removed (`Ｐｉｌｉｈ` → `pilih`, `café` → `cafe`);
//! 2. hashtags and camel case split at case and letter/digit changes (`#PilihNomor2` → `pilih nomor 2`);
//! 3. reduplication written out (`calon2`, `calon-calon` → `calon calon`), except after number words
//!    (`nomor2` → `nomor 2`);
//! 4. leetspeak inside words (`p4sl0n` → `paslon`: digits and `@`/`$` surrounded by letters become letters);
//! 5. stretched letters collapsed (`pilihhhh` → `pilih`: a run of three or more of a letter becomes one);
//! 6. slang and abbreviations from the table `data/screen/slang.tsv` (`yg` → `yang`, `paslon` →
//!    `pasangan calon`, `no.` → `nomor`).
//!
//! Tokens are joined by single spaces. [`Normalized::original_span`] maps a byte range of the normalised text
//! back to the range of the original words it came from, so evidence spans point into what the author wrote.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Words after which a trailing `2` is a number, not reduplication (`nomor2` is "nomor 2", not "nomor-nomor").
const NUMBER_WORDS: &[&str] =
    &["no", "nomor", "nomer", "nmr", "urut", "paslon", "pilih", "coblos", "jari", "salam", "angka"];

/// A slang table could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "slang table line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for TableError {}

/// FNV-1a for the slang table's short keys (the default SipHash costs more than the lookup it guards).
#[derive(Debug, Clone, Copy)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

type SlangTable = HashMap<String, Vec<String>, std::hash::BuildHasherDefault<Fnv>>;

/// The normaliser with its slang table.
#[derive(Debug, Clone)]
pub struct Normalizer {
    slang: SlangTable,
}

/// One output token and the original word it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    out_start: usize,
    out_end: usize,
    orig_start: usize,
    orig_end: usize,
}

/// Normalised text and its map to the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    pub text: String,
    pieces: Vec<Piece>,
}

impl Normalized {
    /// The byte range of the original text that produced `start..end` of the normalised text: from the start of
    /// the first word touched to the end of the last. `None` for a range outside the text.
    pub fn original_span(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        // Pieces are in output order, so both ends are binary searches.
        let first = self.pieces.get(self.pieces.partition_point(|p| p.out_end <= start))?;
        let last = self.pieces.get(self.pieces.partition_point(|p| p.out_start < end).checked_sub(1)?)?;
        (first.orig_start <= last.orig_end).then_some((first.orig_start, last.orig_end))
    }

    /// The normalised tokens.
    pub fn tokens(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().map(|p| &self.text[p.out_start..p.out_end])
    }

    /// The byte range of each token in the normalised text.
    pub fn token_ranges(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.pieces.iter().map(|p| (p.out_start, p.out_end))
    }

    /// How many tokens there are.
    pub fn token_count(&self) -> usize {
        self.pieces.len()
    }

    /// The byte range of the original text that token `index` came from.
    pub fn token_origin(&self, index: usize) -> Option<(usize, usize)> {
        self.pieces.get(index).map(|p| (p.orig_start, p.orig_end))
    }
}

fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}')
}

/// Characters that continue a word besides letters and digits.
fn is_word_mark(c: char) -> bool {
    matches!(c, '#' | '@' | '-' | '.' | '\'' | '$' | '_') || is_zero_width(c)
}

/// NFKC, lowercase, no diacritics; keeps the case of letters in `cased` for camel-case splitting.
fn fold(word: &str) -> Vec<(char, bool)> {
    // Plain ASCII (most words) needs no Unicode normalisation.
    if word.is_ascii() {
        return word.chars().map(|c| (c.to_ascii_lowercase(), c.is_ascii_uppercase())).collect();
    }
    let mut out = Vec::new();
    for c in word.nfkc() {
        if is_zero_width(c) {
            continue;
        }
        let upper = c.is_uppercase();
        for d in c.to_lowercase().collect::<String>().nfkd() {
            if is_combining_mark(d) {
                continue;
            }
            // NFKC can bring in marks that do not belong in a word (`¼` → `1⁄4`): they separate.
            let d = if d.is_alphanumeric() || is_word_mark(d) { d } else { '_' };
            out.push((d, upper));
        }
    }
    out
}

/// Splits a folded hashtag or camel-case word at lower→upper and letter↔digit changes.
fn split_camel(chars: &[(char, bool)]) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous: Option<(char, bool)> = None;
    for &(c, upper) in chars {
        // Marks inside a hashtag separate its parts (`@`/`$` are letters in disguise).
        if !c.is_alphanumeric() && !matches!(c, '@' | '$') {
            if !current.is_empty() {
                parts.push(std::mem::take(&mut current));
            }
            previous = None;
            continue;
        }
        let boundary = match previous {
            Some((p, p_upper)) => {
                (upper && !p_upper && p.is_alphabetic()) || (p.is_ascii_digit() != c.is_ascii_digit())
            }
            None => false,
        };
        if boundary && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        current.push(c);
        previous = Some((c, upper));
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

fn leet_letter(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' => 'i',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '7' => 't',
        '8' => 'b',
        '@' => 'a',
        '$' => 's',
        _ => return None,
    })
}

/// Leetspeak read as letters: a run of look-alike digits between two letters (`p4slon`, `sos14l`), and `@`/`$`
/// anywhere after the first character (`c@lon`). Digits at the edges stay numbers (`nomor02`).
fn unleet(token: &str) -> Cow<'_, str> {
    if !token.chars().any(|c| leet_letter(c).is_some()) || !token.chars().any(char::is_alphabetic) {
        return Cow::Borrowed(token);
    }
    let chars: Vec<char> = token.chars().collect();
    let mut out: Vec<char> = chars.clone();
    let mut i = 0;
    while i < chars.len() {
        if leet_letter(chars[i]).is_none() {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && leet_letter(chars[j]).is_some() {
            j += 1;
        }
        let between_letters = i > 0 && chars[i - 1].is_alphabetic() && chars.get(j).is_some_and(|c| c.is_alphabetic());
        for k in i..j {
            if between_letters || (k > 0 && matches!(chars[k], '@' | '$')) {
                out[k] = leet_letter(chars[k]).expect("checked");
            }
        }
        i = j;
    }
    Cow::Owned(out.into_iter().collect())
}

/// A run of three or more of the same letter becomes one (`pilihhhh` → `pilih`).
fn unstretch(token: &str) -> Cow<'_, str> {
    let bytes = token.as_bytes();
    if token.is_ascii() && !bytes.windows(3).any(|w| w[0] == w[1] && w[1] == w[2]) {
        return Cow::Borrowed(token);
    }
    let chars: Vec<char> = token.chars().collect();
    let mut out = String::with_capacity(token.len());
    let mut i = 0;
    while i < chars.len() {
        let mut j = i;
        while j < chars.len() && chars[j] == chars[i] {
            j += 1;
        }
        let run = j - i;
        let keep = if chars[i].is_alphabetic() && run >= 3 { 1 } else { run };
        out.extend(std::iter::repeat_n(chars[i], keep));
        i = j;
    }
    Cow::Owned(out)
}

impl Normalizer {
    /// The normaliser with the repository's table (`data/screen/slang.tsv`).
    pub fn builtin() -> &'static Normalizer {
        static BUILTIN: OnceLock<Normalizer> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Normalizer::from_tsv(include_str!("../../../data/screen/slang.tsv"))
                .expect("the built-in slang table parses")
        })
    }

    /// Reads a table of `informal<TAB>standard words` lines (`#` comments, blank lines allowed).
    pub fn from_tsv(text: &str) -> Result<Normalizer, TableError> {
        let mut slang = SlangTable::default();
        for (index, line) in text.lines().enumerate() {
            let line_no = index + 1;
            let line = line.trim_end();
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let error = |message: &str| TableError { line: line_no, message: message.into() };
            let (from, to) = line.split_once('\t').ok_or_else(|| error("expected `informal<TAB>standard`"))?;
            let from = from.trim().to_lowercase();
            let to: Vec<String> = to.split_whitespace().map(str::to_lowercase).collect();
            if from.is_empty() || to.is_empty() || from.contains(char::is_whitespace) {
                return Err(error("an entry needs one informal token and at least one standard word"));
            }
            if slang.insert(from.clone(), to).is_some() {
                return Err(error(&format!("`{from}` is listed twice")));
            }
        }
        Ok(Normalizer { slang })
    }

    /// Normalises `text` (see the module documentation).
    pub fn normalize(&self, text: &str) -> Normalized {
        let mut out =
            Normalized { text: String::with_capacity(text.len() + 16), pieces: Vec::with_capacity(text.len() / 5 + 4) };
        let mut start = None;
        let mut scratch = String::with_capacity(64);
        let bytes = text.as_bytes();
        let mut at = 0;
        // Bytes, not chars: most text is ASCII, and only the other characters need decoding.
        while at <= bytes.len() {
            let (in_word, width) = match bytes.get(at) {
                None => (false, 1),
                Some(&b) if b.is_ascii() => (b.is_ascii_alphanumeric() || is_word_mark(char::from(b)), 1),
                Some(_) => {
                    let c = text[at..].chars().next().expect("at a character boundary");
                    (c.is_alphanumeric() || is_word_mark(c), c.len_utf8())
                }
            };
            match (in_word, start) {
                (true, None) => start = Some(at),
                (false, Some(s)) => {
                    self.word(&text[s..at], s, &mut out, &mut scratch);
                    start = None;
                }
                _ => {}
            }
            at += width;
        }
        out
    }

    fn push(&self, token: &str, orig: (usize, usize), out: &mut Normalized) {
        // A token neither starts nor ends with a mark (nor starts with a hashtag or mention sign): normalising
        // again would split it off.
        let token = token.trim_start_matches(['-', '\'', '_', '#', '@']).trim_end_matches(['-', '\'', '_']);
        let unleeted = unleet(token);
        self.push_clean(&unleeted, orig, out);
    }

    /// [`Normalizer::push`] for a token without marks at its edges and without leetspeak.
    fn push_clean(&self, token: &str, orig: (usize, usize), out: &mut Normalized) {
        let token = unstretch(token);
        if token.is_empty() {
            return;
        }
        let mut emit = |word: &str| {
            if !out.text.is_empty() {
                out.text.push(' ');
            }
            let out_start = out.text.len();
            out.text.push_str(word);
            out.pieces.push(Piece { out_start, out_end: out.text.len(), orig_start: orig.0, orig_end: orig.1 });
        };
        match self.slang.get(token.as_ref()) {
            Some(standard) => standard.iter().for_each(|w| emit(w)),
            None => emit(&token),
        }
    }

    fn word(&self, raw: &str, offset: usize, out: &mut Normalized, scratch: &mut String) {
        let orig = (offset, offset + raw.len());
        // Fast path for the common word of plain ASCII letters, maybe ending a sentence (`ini.`): the general path
        // below would only lowercase it and drop the dots, unless it is an abbreviation with its dot (`no.`).
        let letters = raw.trim_end_matches('.');
        if !letters.is_empty() && letters.bytes().all(|b| b.is_ascii_alphabetic()) {
            scratch.clear();
            scratch.push_str(letters);
            scratch.make_ascii_lowercase();
            let dotted = letters.len() < raw.len();
            scratch.push('.');
            if !(dotted && self.slang.contains_key(scratch.as_str())) {
                // Letters only: no marks to trim and no leetspeak.
                self.push_clean(&scratch[..letters.len()], orig, out);
                return;
            }
        }
        let folded = fold(raw);
        let plain: String = folded.iter().map(|(c, _)| *c).collect();
        // An abbreviation with its dot (`no.`) before the dot is dropped.
        let trimmed = plain.trim_matches(|c: char| matches!(c, '-' | '\'' | '_'));
        if let Some(stem) = trimmed.strip_suffix('.')
            && self.slang.contains_key(trimmed)
            && !stem.contains('.')
        {
            self.push(trimmed, orig, out);
            return;
        }
        // Hashtags and mentions: split camel case and letter/digit changes.
        if let Some(rest) = raw.strip_prefix('#').or_else(|| raw.strip_prefix('@')).filter(|r| !r.is_empty()) {
            for part in split_camel(&fold(rest)) {
                self.word_part(&part, orig, out);
            }
            return;
        }
        for part in trimmed.split(['.', '#', '_']).filter(|p| !p.is_empty()) {
            // Reduplication with a hyphen: `calon-calon`.
            let halves: Vec<&str> = part.split('-').filter(|h| !h.is_empty()).collect();
            if halves.len() == 2 && halves[0] == halves[1] {
                // Each half still gets the letter/digit treatment (`j2-j2` is `j 2 j 2`, as a second pass reads it).
                self.word_part(halves[0], orig, out);
                self.word_part(halves[1], orig, out);
                continue;
            }
            for half in halves {
                self.word_part(half, orig, out);
            }
        }
    }

    /// A token with `2`-reduplication and letter/digit splitting still to do.
    fn word_part(&self, part: &str, orig: (usize, usize), out: &mut Normalized) {
        if let Some(stem) = part.strip_suffix('2')
            && stem.chars().count() >= 2
            && stem.chars().all(char::is_alphabetic)
        {
            if NUMBER_WORDS.contains(&stem) {
                self.push(stem, orig, out);
                self.push("2", orig, out);
            } else {
                self.push(stem, orig, out);
                self.push(stem, orig, out);
            }
            return;
        }
        // Leetspeak keeps digits inside letters; digits at the edges are numbers (`nomor02`, `2paslon`).
        let unleeted = unleet(part);
        if unleeted.chars().any(|c| c.is_ascii_digit()) && unleeted.chars().any(char::is_alphabetic) {
            let chars: Vec<(char, bool)> = unleeted.chars().map(|c| (c, false)).collect();
            for piece in split_camel(&chars) {
                self.push(&piece, orig, out);
            }
        } else {
            self.push(&unleeted, orig, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(text: &str) -> String {
        Normalizer::builtin().normalize(text).text
    }

    #[test]
    fn folds_width_case_diacritics_and_zero_width_characters() {
        assert_eq!(norm("Ｐｉｌｉｈ  CAFÉ"), "pilih cafe");
        assert_eq!(norm("pa\u{200B}slon"), "pasangan calon");
        assert_eq!(norm("Kêpala  Dinas!!"), "kepala dinas");
    }

    #[test]
    fn expands_slang_and_abbreviations_from_the_table() {
        assert_eq!(norm("yg gk dtg utk paslon no. 2"), "yang tidak dtg untuk pasangan calon nomor 2");
        assert_eq!(norm("nggak, dgn nmr 3"), "tidak dengan nomor 3");
    }

    #[test]
    fn splits_hashtags_and_camel_case() {
        assert_eq!(norm("#PilihNomor2 sekarang"), "pilih nomor 2 sekarang");
        assert_eq!(norm("#2019GantiPresiden"), "2019 ganti presiden");
        assert_eq!(norm("@BupatiBandung"), "bupati bandung");
    }

    #[test]
    fn writes_out_reduplication_but_not_after_number_words() {
        assert_eq!(norm("calon2 dan calon-calon"), "calon calon dan calon calon");
        assert_eq!(norm("J2------J2------"), "j 2 j 2", "found by the fuzzer: halves split like any word");
        assert_eq!(norm("nomor2 no2"), "nomor 2 nomor 2");
    }

    #[test]
    fn reads_leetspeak_inside_words_and_collapses_stretched_letters() {
        assert_eq!(norm("p4sl0n"), "pasangan calon");
        assert_eq!(norm("c@lon pilihhhhh"), "calon pilih");
        assert_eq!(norm("2024 dan 02"), "2024 dan 02", "numbers stay numbers");
        assert_eq!(norm("maaf saat"), "maaf saat", "double letters stay");
    }

    #[test]
    fn spans_map_back_to_the_original_words() {
        let text = "Dukung #PilihNomor2 yaaa, pa\u{200B}slon hebat";
        let normalized = Normalizer::builtin().normalize(text);
        assert_eq!(normalized.text, "dukung pilih nomor 2 ya pasangan calon hebat");
        let at = normalized.text.find("nomor 2").unwrap();
        let (s, e) = normalized.original_span(at, at + "nomor 2".len()).unwrap();
        assert_eq!(&text[s..e], "#PilihNomor2");
        let at = normalized.text.find("pasangan calon").unwrap();
        let (s, e) = normalized.original_span(at, at + 14).unwrap();
        assert_eq!(&text[s..e], "pa\u{200B}slon");
        assert_eq!(normalized.original_span(500, 600), None);
    }

    #[test]
    fn a_table_error_names_its_line() {
        let error = Normalizer::from_tsv("# c\nyg\tyang\nyg\tyang\n").unwrap_err();
        assert_eq!(error.line, 3);
        assert!(Normalizer::from_tsv("no-tab-here\n").is_err());
        assert!(Normalizer::from_tsv("a b\tc\n").is_err());
    }
}
