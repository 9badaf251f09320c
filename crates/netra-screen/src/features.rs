//! Feature extraction: normalised text and matcher hits → hashed sparse features.
//!
//! Features are word unigrams and bigrams and character 4-grams of each word (which tie `unggah`,
//! `diunggah` and `unggahan` together), scaled to unit length together, plus one binary feature per lexicon
//! group hit and per kind of candidate form, and a coarse length feature. Names are hashed with a fixed
//! function of our own (so a model file stays valid across builds and crate versions) into `2^bits` buckets.

use crate::lexicon::{Hit, Matcher, Source};
use crate::normalize::{Normalized, Normalizer};

/// Bumped whenever extraction changes; a model records the version it was trained with.
pub const FEATURE_VERSION: u32 = 3;

const SEED: u64 = 0x243f_6a88_85a3_08d3;
const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;

fn mix(h: u64, v: u64) -> u64 {
    (h ^ v).wrapping_mul(MULTIPLIER).rotate_left(29)
}

/// A fixed word-at-a-time hash over a kind byte and the parts (eight bytes per step: the hot loop hashes a few
/// hundred n-grams per post), finished with a multiply-xorshift so the top bits mix well.
fn hash_parts(kind: u8, parts: &[&[u8]]) -> u64 {
    let mut h = mix(SEED, u64::from(kind));
    for part in parts {
        let mut chunks = part.chunks_exact(8);
        for chunk in &mut chunks {
            h = mix(h, u64::from_le_bytes(chunk.try_into().expect("eight bytes")));
        }
        let rest = chunks.remainder();
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        // The length keeps `ab` + `c` apart from `a` + `bc`.
        h = mix(h, u64::from_le_bytes(last) ^ ((part.len() as u64) << 56));
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

/// Where a feature occurrence came from, for explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Tokens `first..=last` of the normalised text.
    Tokens { first: u32, last: u32 },
    /// Matcher hit number `index`.
    Hit { index: u32 },
    /// The whole text (length).
    Text,
}

/// One feature occurrence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Occurrence {
    pub bucket: u32,
    pub origin: Origin,
    /// Its share of the feature's value.
    pub value: f32,
}

/// A text's features.
#[derive(Debug, Clone, Default)]
pub struct Features {
    /// `(bucket, value)` in text order; a bucket may repeat (its values add up).
    pub values: Vec<(u32, f32)>,
}

/// The normaliser and the matcher, with the hashing width: everything before the model.
#[derive(Debug, Clone)]
pub struct Featurizer {
    pub normalizer: Normalizer,
    pub matcher: Matcher,
    pub bits: u32,
}

/// A text taken apart: normalised, matched and featurised.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub normalized: Normalized,
    pub hits: Vec<Hit>,
    /// Every feature occurrence's bucket and origin, n-grams first: the model's input and the explanations are
    /// read from it ([`Analysis::values`], [`Analysis::occurrences`]), so nothing is built for posts that need no
    /// explanation.
    raw: Vec<(u32, Origin)>,
    ngram_count: usize,
}

impl Analysis {
    /// The model's input: n-gram occurrences scaled to unit length together (a repeated n-gram adds up in its
    /// bucket); lexicon, candidate and length features one each, however often they occur. In text order,
    /// unsorted: the model sums.
    pub fn values(&self) -> impl Iterator<Item = (u32, f32)> + '_ {
        let (ngrams, flags) = self.raw.split_at(self.ngram_count);
        let share = 1.0 / (self.ngram_count.max(1) as f32).sqrt();
        ngrams.iter().map(move |&(b, _)| (b, share)).chain(
            flags
                .iter()
                .enumerate()
                .filter(|&(i, (b, _))| !flags[..i].iter().any(|(seen, _)| seen == b))
                .map(|(_, &(b, _))| (b, 1.0)),
        )
    }

    /// [`Analysis::values`] collected.
    pub fn features(&self) -> Features {
        Features { values: self.values().collect() }
    }

    /// Every feature occurrence with its origin and its share of the feature's value.
    pub fn occurrences(&self) -> Vec<Occurrence> {
        let (ngrams, flags) = self.raw.split_at(self.ngram_count);
        let share = 1.0 / (self.ngram_count.max(1) as f32).sqrt();
        let mut out = Vec::with_capacity(self.raw.len());
        out.extend(ngrams.iter().map(|&(bucket, origin)| Occurrence { bucket, origin, value: share }));
        for &(bucket, origin) in flags {
            // A flag's unit value is shared by its occurrences.
            let n = flags.iter().filter(|(b, _)| *b == bucket).count() as f32;
            out.push(Occurrence { bucket, origin, value: 1.0 / n });
        }
        out
    }
}

impl Featurizer {
    fn bucket(&self, hash: u64) -> u32 {
        (hash >> (64 - self.bits)) as u32
    }

    /// Normalises, matches and featurises `text`.
    pub fn analyse(&self, text: &str) -> Analysis {
        let normalized = self.normalizer.normalize(text);
        let mut hits = Vec::new();
        self.matcher.find(&normalized.text, &mut hits);
        let mut raw: Vec<(u32, Origin)> = Vec::with_capacity(normalized.text.len());
        let tokens: Vec<(usize, usize)> = normalized.token_ranges().collect();
        let bytes = normalized.text.as_bytes();
        let mut padded = Vec::with_capacity(64);
        for (i, &(s, e)) in tokens.iter().enumerate() {
            let token = &bytes[s..e];
            let here = Origin::Tokens { first: i as u32, last: i as u32 };
            raw.push((self.bucket(hash_parts(b'w', &[token])), here));
            if let Some(&(ns, ne)) = tokens.get(i + 1) {
                let pair = Origin::Tokens { first: i as u32, last: i as u32 + 1 };
                raw.push((self.bucket(hash_parts(b'b', &[token, &bytes[ns..ne]])), pair));
            }
            if token.len() >= 3 {
                padded.clear();
                padded.push(b'<');
                padded.extend_from_slice(token);
                padded.push(b'>');
                for gram in padded.windows(4) {
                    raw.push((self.bucket(hash_parts(b'c', &[gram])), here));
                }
            }
        }
        let ngram_count = raw.len();
        for (index, hit) in hits.iter().enumerate() {
            let origin = Origin::Hit { index: index as u32 };
            match hit.source {
                // The phrase itself is already in the word n-grams: its group is what the lexicon adds.
                Source::Group { group, .. } => {
                    let (name, _) = self.matcher.group(group);
                    raw.push((self.bucket(hash_parts(b'g', &[name.as_bytes()])), origin));
                }
                Source::Candidate { field, .. } => {
                    raw.push((self.bucket(hash_parts(b'k', &[field.as_str().as_bytes()])), origin));
                }
            }
        }
        let length_class = (usize::BITS - tokens.len().leading_zeros()).min(10) as u8;
        raw.push((self.bucket(hash_parts(b'n', &[&[length_class]])), Origin::Text));

        Analysis { normalized, hits, raw, ngram_count }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Lexicon;

    fn featurizer() -> Featurizer {
        let normalizer = Normalizer::builtin().clone();
        let matcher = Matcher::new(&normalizer, &Lexicon::builtin(), None).unwrap();
        Featurizer { normalizer, matcher, bits: 18 }
    }

    #[test]
    fn flags_are_unique_and_variants_share_the_features() {
        let f = featurizer();
        let a = f.analyse("Camat pose salam dua jari").features();
        let b = f.analyse("CAMAT p0se s4lam duaaa jari!!").features();
        assert_eq!(a.values, b.values, "variants normalise to the same features");
        let mut flags: Vec<u32> = a.values.iter().filter(|(_, v)| *v == 1.0).map(|(b, _)| *b).collect();
        let n = flags.len();
        flags.sort_unstable();
        flags.dedup();
        assert_eq!(flags.len(), n, "a flag appears once");
        let ngram_norm: f32 = a.values.iter().filter(|(_, v)| *v < 1.0).map(|(_, v)| v * v).sum();
        assert!(ngram_norm > 0.5 && ngram_norm <= 1.01, "n-grams have unit length: {ngram_norm}");
    }

    #[test]
    fn occurrences_point_at_tokens_and_hits() {
        let f = featurizer();
        let analysis = f.analyse("pakai mobil dinas");
        let occurrences = analysis.occurrences();
        assert!(!analysis.hits.is_empty());
        assert!(occurrences.iter().any(|o| matches!(o.origin, Origin::Hit { .. })));
        assert!(occurrences.iter().any(|o| o.origin == Origin::Tokens { first: 1, last: 2 }));
        let empty = f.analyse("");
        assert_eq!(empty.features().values.len(), 1, "only the length feature");
    }
}
