//! Lexicons and the one multi-pattern automaton that finds them in normalised text.
//!
//! Phrase groups come from `data/screen/lexicon.toml` (acts, civil-servant markers, hand signs, ballot
//! numbers, support, case-process, general-rule and cleared vocabulary); a [`CandidateSet`] adds the names,
//! nicknames, numbers, slogans, hashtags and parties of an election's candidate pairs. Every phrase goes through
//! the same [`Normalizer`] as the text, so a pattern and its NFKC, leetspeak, stretched or slang variants meet
//! in one normal form, and one aho-corasick automaton finds them all in a single pass.

use std::collections::HashMap;
use std::fmt;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use netra_core::catalogue::ActLabel;
use serde::Deserialize;

use crate::candidates::{CandidateField, CandidateSet};
use crate::normalize::Normalizer;

/// A lexicon or candidate file that cannot be used, with where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconError(pub String);

impl fmt::Display for LexiconError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LexiconError {}

/// A named group of phrases, optionally tied to an act label.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub name: String,
    #[serde(default)]
    pub act: Option<ActLabel>,
    pub phrases: Vec<String>,
}

/// The phrase groups.
#[derive(Debug, Clone)]
pub struct Lexicon {
    pub groups: Vec<Group>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    group: Vec<Group>,
}

impl Lexicon {
    /// The repository's lexicon (`data/screen/lexicon.toml`).
    pub fn builtin() -> Lexicon {
        Lexicon::from_toml(include_str!("../../../data/screen/lexicon.toml")).expect("the built-in lexicon parses")
    }

    /// Parses a lexicon file; group names must be unique and a phrase appears once per group.
    pub fn from_toml(text: &str) -> Result<Lexicon, LexiconError> {
        let file: LexiconFile = toml::from_str(text).map_err(|e| LexiconError(format!("lexicon: {e}")))?;
        let mut names = std::collections::HashSet::new();
        for group in &file.group {
            if !names.insert(group.name.as_str()) {
                return Err(LexiconError(format!("lexicon: group `{}` is defined twice", group.name)));
            }
            let mut seen = std::collections::HashSet::new();
            for phrase in &group.phrases {
                if !seen.insert(phrase.as_str()) {
                    return Err(LexiconError(format!("lexicon: group `{}` lists `{phrase}` twice", group.name)));
                }
            }
        }
        Ok(Lexicon { groups: file.group })
    }
}

/// Where a pattern came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Phrase `phrase` of lexicon group `group`.
    Group { group: u16, phrase: u32 },
    /// A written form of candidate pair `pair` of the loaded set.
    Candidate { pair: u16, field: CandidateField },
}

#[derive(Debug, Clone)]
struct Origin {
    source: Source,
    /// The first word may start inside a longer word (`*unggah`).
    open_start: bool,
    /// The last word may run on (`unggah*`).
    open_end: bool,
}

/// One match in the normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub source: Source,
    /// Byte range in the normalised text.
    pub start: usize,
    pub end: usize,
}

/// The compiled automaton over the lexicon and, optionally, a candidate set.
#[derive(Debug, Clone)]
pub struct Matcher {
    automaton: AhoCorasick,
    /// Sources per automaton pattern (several phrases can normalise to one pattern).
    origins: Vec<Vec<Origin>>,
    groups: Vec<(String, Option<ActLabel>)>,
    phrases: Vec<String>,
    candidates: Option<CandidateSet>,
}

impl Matcher {
    /// Compiles `lexicon` and `candidates` into one automaton.
    pub fn new(
        normalizer: &Normalizer,
        lexicon: &Lexicon,
        candidates: Option<CandidateSet>,
    ) -> Result<Matcher, LexiconError> {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut origins: Vec<Vec<Origin>> = Vec::new();
        let mut add = |written: &str, source: Source| -> Result<(), LexiconError> {
            let open_start = written.starts_with('*');
            let open_end = written.ends_with('*') && written.len() > 1;
            let core = written.trim_matches('*');
            let normalized = normalizer.normalize(core).text;
            if normalized.is_empty() {
                return Err(LexiconError(format!("phrase `{written}` is empty once normalised")));
            }
            let at = *index.entry(normalized.clone()).or_insert_with(|| {
                patterns.push(normalized);
                origins.push(Vec::new());
                patterns.len() - 1
            });
            origins[at].push(Origin { source, open_start, open_end });
            Ok(())
        };
        let mut phrases = Vec::new();
        for (g, group) in lexicon.groups.iter().enumerate() {
            for phrase in &group.phrases {
                add(phrase, Source::Group { group: g as u16, phrase: phrases.len() as u32 })?;
                phrases.push(phrase.trim_matches('*').to_string());
            }
        }
        if let Some(set) = &candidates {
            for (p, pair) in set.pairs.iter().enumerate() {
                for (field, written) in pair.written_forms() {
                    add(&written, Source::Candidate { pair: p as u16, field })
                        .map_err(|e| LexiconError(format!("candidate pair {}: {e}", pair.number)))?;
                }
            }
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .map_err(|e| LexiconError(format!("automaton: {e}")))?;
        Ok(Matcher {
            automaton,
            origins,
            groups: lexicon.groups.iter().map(|g| (g.name.clone(), g.act)).collect(),
            phrases,
            candidates,
        })
    }

    /// Every whole-word occurrence of every pattern in `normalized` (overlaps included), in text order.
    pub fn find(&self, normalized: &str, out: &mut Vec<Hit>) {
        let bytes = normalized.as_bytes();
        for found in self.automaton.find_overlapping_iter(normalized) {
            let (start, end) = (found.start(), found.end());
            let starts_word = start == 0 || bytes[start - 1] == b' ';
            let ends_word = end == bytes.len() || bytes[end] == b' ';
            for origin in &self.origins[found.pattern().as_usize()] {
                if (starts_word || origin.open_start) && (ends_word || origin.open_end) {
                    out.push(Hit { source: origin.source, start, end });
                }
            }
        }
    }

    /// The name and act of lexicon group `group`.
    pub fn group(&self, group: u16) -> (&str, Option<ActLabel>) {
        let (name, act) = &self.groups[group as usize];
        (name, *act)
    }

    /// Phrase `phrase` as written in the lexicon (without `*`).
    pub fn phrase(&self, phrase: u32) -> &str {
        &self.phrases[phrase as usize]
    }

    /// The candidate set compiled in, if any.
    pub fn candidates(&self) -> Option<&CandidateSet> {
        self.candidates.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> Matcher {
        Matcher::new(Normalizer::builtin(), &Lexicon::builtin(), None).unwrap()
    }

    fn groups_found(text: &str) -> Vec<String> {
        let m = matcher();
        let normalized = Normalizer::builtin().normalize(text);
        let mut hits = Vec::new();
        m.find(&normalized.text, &mut hits);
        hits.iter()
            .filter_map(|h| match h.source {
                Source::Group { group, .. } => Some(m.group(group).0.to_string()),
                Source::Candidate { .. } => None,
            })
            .collect()
    }

    #[test]
    fn the_builtin_lexicon_compiles_and_finds_phrases_in_their_variants() {
        assert!(groups_found("Camat itu pose salam dua jari").contains(&"hand_sign".to_string()));
        assert!(groups_found("CAMAT itu p0se s@lam duaaa jari").contains(&"hand_sign".to_string()));
        assert!(groups_found("pakai mobil dinas").contains(&"state_facility".to_string()));
        assert!(groups_found("foto dgn p4slon no. 2").contains(&"ballot_number".to_string()));
    }

    #[test]
    fn phrases_match_whole_words_unless_starred() {
        assert!(!groups_found("tapak tilas").contains(&"banner_apk".to_string()), "apk inside tapak");
        let found = groups_found("foto itu diunggah ke grup");
        assert!(found.contains(&"socmed_post".to_string()), "*unggah* matches diunggah: {found:?}");
    }

    #[test]
    fn a_bad_lexicon_is_refused_with_the_reason() {
        let twice = "[[group]]\nname = \"a\"\nphrases = [\"x\", \"x\"]\n";
        assert!(Lexicon::from_toml(twice).unwrap_err().0.contains("twice"));
        let unknown = "[[group]]\nname = \"a\"\nact = \"NOPE\"\nphrases = [\"x\"]\n";
        assert!(Lexicon::from_toml(unknown).is_err());
        let empty = Lexicon::from_toml("[[group]]\nname = \"a\"\nphrases = [\"!!\"]\n").unwrap();
        assert!(Matcher::new(Normalizer::builtin(), &empty, None).unwrap_err().0.contains("empty"));
    }
}
