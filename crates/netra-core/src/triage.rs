//! Triage suggestions for a case's narrative: which act labels (and so which catalogue items) the words of the
//! report point to, with the phrases and their spans in the original text, so staff can see why.
//!
//! The rules are keyword phrases kept as data (`data/triage/keywords.toml`); the screening engine replaces
//! them when it lands. Matching is on whole words, case-insensitive, so `apk` does not fire inside `tapak`.

use std::collections::BTreeMap;

use serde::Deserialize;
use time::Date;

use crate::catalogue::{ActLabel, Catalogue, CatalogueItem};
use crate::election::Election;

/// A phrase found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The phrase of the rule, as written in the data file.
    pub phrase: String,
    /// Byte range in the original text.
    pub start: usize,
    pub end: usize,
}

/// One suggested act with what triggered it.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion<'c> {
    pub act: ActLabel,
    pub hits: Vec<Hit>,
    /// The catalogue items for the act, filtered by the election phase on the event date when an election is
    /// known, heaviest first.
    pub items: Vec<&'c CatalogueItem>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    rule: Vec<RuleRow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleRow {
    act: ActLabel,
    phrases: Vec<String>,
}

/// A phrase as a sequence of word patterns.
#[derive(Debug, Clone)]
struct Phrase {
    text: String,
    words: Vec<WordPattern>,
}

#[derive(Debug, Clone)]
enum WordPattern {
    Exact(String),
    Prefix(String),
}

impl WordPattern {
    fn matches(&self, word: &str) -> bool {
        match self {
            WordPattern::Exact(exact) => word == exact,
            WordPattern::Prefix(prefix) => word.starts_with(prefix.as_str()),
        }
    }
}

/// The keyword rules.
#[derive(Debug, Clone)]
pub struct TriageRules {
    rules: Vec<(ActLabel, Vec<Phrase>)>,
}

/// A rule file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("triage rules: {0}")]
pub struct TriageRulesError(pub String);

/// A word of the text, lower-cased, with its byte range.
struct Word {
    text: String,
    start: usize,
    end: usize,
}

fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start = None;
    for (index, ch) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (ch.is_alphanumeric(), start) {
            (true, None) => start = Some(index),
            (false, Some(begin)) => {
                out.push(Word { text: text[begin..index].to_lowercase(), start: begin, end: index });
                start = None;
            }
            _ => {}
        }
    }
    out
}

impl TriageRules {
    /// Parses a rule file.
    pub fn from_toml(text: &str) -> Result<TriageRules, TriageRulesError> {
        let file: RuleFile = toml::from_str(text).map_err(|e| TriageRulesError(e.to_string()))?;
        let mut rules = Vec::new();
        for row in file.rule {
            let mut phrases = Vec::new();
            for text in row.phrases {
                let mut pattern: Vec<WordPattern> =
                    words(&text).into_iter().map(|word| WordPattern::Exact(word.text)).collect();
                if text.trim_end().ends_with('*')
                    && let Some(WordPattern::Exact(last)) = pattern.pop()
                {
                    pattern.push(WordPattern::Prefix(last));
                }
                if pattern.is_empty() {
                    return Err(TriageRulesError(format!("act {}: an empty phrase", row.act)));
                }
                phrases.push(Phrase { text, words: pattern });
            }
            rules.push((row.act, phrases));
        }
        Ok(TriageRules { rules })
    }

    /// The suggested acts for `text`, most hits first.
    pub fn suggest<'c>(
        &self,
        text: &str,
        catalogue: &'c Catalogue,
        election: Option<&Election>,
        occurred_on: Date,
    ) -> Vec<Suggestion<'c>> {
        let words = words(text);
        let mut by_act: BTreeMap<ActLabel, Vec<Hit>> = BTreeMap::new();
        for (act, phrases) in &self.rules {
            for phrase in phrases {
                let n = phrase.words.len();
                if n > words.len() {
                    continue;
                }
                for window in 0..=(words.len() - n) {
                    let here = &words[window..window + n];
                    if phrase.words.iter().zip(here).all(|(pattern, word)| pattern.matches(&word.text)) {
                        let hits = by_act.entry(*act).or_default();
                        let (start, end) = (here[0].start, here[n - 1].end);
                        // A longer phrase covering a shorter one's span keeps both: they explain differently.
                        if !hits.iter().any(|hit| hit.start == start && hit.end == end) {
                            hits.push(Hit { phrase: phrase.text.clone(), start, end });
                        }
                    }
                }
            }
        }
        let mut suggestions: Vec<Suggestion<'c>> = by_act
            .into_iter()
            .map(|(act, mut hits)| {
                hits.sort_by_key(|hit| hit.start);
                let items = match election {
                    Some(election) => catalogue.applicable(act, election, occurred_on),
                    None => catalogue.items_for_act(act).collect(),
                };
                Suggestion { act, hits, items }
            })
            .collect();
        suggestions.sort_by(|a, b| b.hits.len().cmp(&a.hits.len()).then(a.act.cmp(&b.act)));
        suggestions
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn phrases_match_whole_words_with_spans_into_the_original() {
        let rules = crate::builtin::triage_rules();
        let text = "Camat X MENGUNGGAH foto pose dua jari di Facebook dengan Mobil Dinas.";
        let election = crate::builtin::election("pilkada-2024");
        let suggestions = rules.suggest(text, crate::builtin::catalogue(), election, date!(2024 - 10 - 10));
        let acts: Vec<ActLabel> = suggestions.iter().map(|s| s.act).collect();
        assert!(acts.contains(&ActLabel::SocmedPost));
        assert!(acts.contains(&ActLabel::PhotoHandSign));
        assert!(acts.contains(&ActLabel::StateFacility));
        let facility = suggestions.iter().find(|s| s.act == ActLabel::StateFacility).unwrap();
        let hit = &facility.hits[0];
        assert_eq!(&text[hit.start..hit.end], "Mobil Dinas");
        assert!(!facility.items.is_empty(), "a suggestion names catalogue items");
    }

    #[test]
    fn no_match_inside_a_word() {
        let rules = crate::builtin::triage_rules();
        let suggestions = rules.suggest("tapak tilas", crate::builtin::catalogue(), None, date!(2024 - 10 - 10));
        assert!(suggestions.iter().all(|s| s.act != ActLabel::BannerApk));
    }

    #[test]
    fn prefix_phrases_need_the_word_to_start_with_them() {
        let rules = TriageRules::from_toml("[[rule]]\nact = \"SOCMED_POST\"\nphrases = [\"unggah*\"]\n").unwrap();
        let catalogue = crate::builtin::catalogue();
        assert_eq!(rules.suggest("unggahan itu", catalogue, None, date!(2024 - 10 - 10)).len(), 1);
        assert!(rules.suggest("diunggah", catalogue, None, date!(2024 - 10 - 10)).is_empty());
    }
}
