//! Property tests: normalisation is idempotent and total, matching survives the variants normalisation undoes,
//! and the JSONL reader never panics.

use proptest::prelude::*;

use crate::input::parse_post;
use crate::lexicon::{Lexicon, Matcher, Source};
use crate::normalize::Normalizer;

fn matcher() -> &'static Matcher {
    static MATCHER: std::sync::OnceLock<Matcher> = std::sync::OnceLock::new();
    MATCHER.get_or_init(|| Matcher::new(Normalizer::builtin(), &Lexicon::builtin(), None).unwrap())
}

/// Every lexicon phrase without its `*` marks, with its group index.
fn phrases() -> Vec<(u16, String)> {
    Lexicon::builtin()
        .groups
        .iter()
        .enumerate()
        .flat_map(|(g, group)| group.phrases.iter().map(move |p| (g as u16, p.trim_matches('*').to_string())))
        .collect()
}

fn groups_in(text: &str) -> Vec<u16> {
    let normalized = Normalizer::builtin().normalize(text);
    let mut hits = Vec::new();
    matcher().find(&normalized.text, &mut hits);
    hits.iter()
        .filter_map(|h| match h.source {
            Source::Group { group, .. } => Some(group),
            Source::Candidate { .. } => None,
        })
        .collect()
}

/// Rewrites a phrase the way posts disguise words; `choices` picks what happens to each letter.
fn disguise(phrase: &str, choices: &[u8]) -> String {
    let chars: Vec<char> = phrase.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let choice = choices.get(i).copied().unwrap_or(0) % 6;
        let interior =
            i > 0 && chars[i - 1].is_ascii_alphabetic() && chars.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic());
        let lonely = chars.get(i + 1) != Some(&c) && (i == 0 || chars[i - 1] != c);
        match choice {
            // Upper case.
            1 => out.extend(c.to_uppercase()),
            // Stretched: a letter not already doubled, repeated.
            2 if c.is_ascii_alphabetic() && lonely => out.extend(std::iter::repeat_n(c, 4)),
            // Leetspeak inside a word.
            3 if interior => out.push(match c {
                'a' => '4',
                'e' => '3',
                'i' => '1',
                'o' => '0',
                's' => '5',
                other => other,
            }),
            // Full-width forms, undone by NFKC.
            4 if c.is_ascii_alphanumeric() => out.push(char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c)),
            // A zero-width space inside a word.
            5 if interior => {
                out.push(c);
                out.push('\u{200B}');
            }
            _ => out.push(c),
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn normalisation_is_idempotent(text in "\\PC{0,80}") {
        let once = Normalizer::builtin().normalize(&text).text;
        let twice = Normalizer::builtin().normalize(&once).text;
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn normalisation_of_post_like_text_is_idempotent(text in "[#@A-Za-z0-9 .,!\\-'_$]{0,60}") {
        let once = Normalizer::builtin().normalize(&text).text;
        prop_assert_eq!(Normalizer::builtin().normalize(&once).text, once);
    }

    #[test]
    fn spans_always_point_into_the_original(text in "\\PC{0,60}") {
        let normalized = Normalizer::builtin().normalize(&text);
        for (s, e) in normalized.token_ranges() {
            let (a, b) = normalized.original_span(s, e).unwrap();
            prop_assert!(a < b && b <= text.len() && text.is_char_boundary(a) && text.is_char_boundary(b));
        }
    }

    #[test]
    fn a_phrase_is_found_in_its_disguises(index in any::<prop::sample::Index>(), choices in prop::collection::vec(any::<u8>(), 40)) {
        let all = phrases();
        let (group, phrase) = &all[index.index(all.len())];
        let plain = groups_in(&format!("kata {phrase} lain"));
        prop_assume!(plain.contains(group));
        let disguised = disguise(phrase, &choices);
        let found = groups_in(&format!("kata {disguised} lain"));
        prop_assert!(found.contains(group), "`{}` disguised as `{}` was not found", phrase, disguised);
    }

    #[test]
    fn the_post_reader_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = parse_post(&bytes);
    }
}
