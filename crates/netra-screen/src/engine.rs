//! The screener: text → violation, acts, candidates and the evidence for each decision.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use netra_core::catalogue::{ActLabel, Catalogue};
use serde::Serialize;

use crate::candidates::{CandidateField, CandidateSet};
use crate::features::{Analysis, Featurizer, Origin};
use crate::lexicon::{Hit, Lexicon, LexiconError, Matcher, Source};
use crate::model::{HEADS, Model, Scores, head_name};
use crate::normalize::Normalizer;

/// How many evidence spans are given per flagged head.
const EVIDENCE_PER_HEAD: usize = 3;

/// An act predicted present, with its catalogue items.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActScore {
    pub act: ActLabel,
    pub score: f32,
    /// Codes of the catalogue items the act maps to.
    pub items: Vec<&'static str>,
}

/// A candidate pair the text names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidateMention {
    pub election: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub number: u32,
    pub name: String,
    /// The written forms found, as they appear in the original text.
    pub found: Vec<String>,
}

/// A span of the original text that drove a decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// `violation` or the act label.
    pub head: &'static str,
    /// The span as written.
    pub text: String,
    /// Character (Unicode scalar) offsets into the original text, end exclusive.
    pub start: usize,
    pub end: usize,
    /// Its contribution to the head's log-odds.
    pub weight: f32,
    /// What matched: a lexicon group and phrase, a candidate form, or the words themselves.
    pub cue: String,
}

/// The screener's answer for one text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub violation: bool,
    pub score: f32,
    pub acts: Vec<ActScore>,
    pub candidates: Vec<CandidateMention>,
    pub explanation: Vec<Evidence>,
}

/// Normaliser, matcher and model, ready to screen. Cloning is cheap (shared parts).
#[derive(Debug, Clone)]
pub struct Screener {
    featurizer: Arc<Featurizer>,
    model: Arc<Model>,
    /// Catalogue item codes per act, looked up once rather than per flagged post.
    items: Arc<[Vec<&'static str>; 15]>,
}

/// The repository's trained model.
pub fn builtin_model() -> Arc<Model> {
    static MODEL: OnceLock<Arc<Model>> = OnceLock::new();
    MODEL
        .get_or_init(|| {
            Arc::new(
                Model::from_bytes(include_bytes!("../../../data/screen/model.bin"))
                    .expect("the built-in model matches this build (retrain with `netra model train`)"),
            )
        })
        .clone()
}

impl Screener {
    /// The featurizer used for training and for screening without a chosen election: the built-in lexicon and
    /// every shipped candidate list.
    pub fn training_featurizer(bits: u32) -> Featurizer {
        featurizer(bits, None).expect("the built-in lexicon compiles")
    }

    /// The built-in model with every shipped candidate list.
    pub fn builtin() -> Screener {
        static DEFAULT: OnceLock<Screener> = OnceLock::new();
        DEFAULT
            .get_or_init(|| {
                let model = builtin_model();
                Screener::with_model(model, None).expect("the built-in lexicon compiles")
            })
            .clone()
    }

    /// A screener with `model` and the candidates of one election (or every shipped list with `None`).
    pub fn with_model(model: Arc<Model>, candidates: Option<CandidateSet>) -> Result<Screener, LexiconError> {
        let featurizer = Arc::new(featurizer(model.info.bits, candidates)?);
        let catalogue: &'static Catalogue = netra_core::builtin::catalogue();
        let items = Arc::new(ActLabel::ALL.map(|act| catalogue.items_for_act(act).map(|i| i.code.as_str()).collect()));
        Ok(Screener { featurizer, model, items })
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Per-head probabilities only (for evaluation).
    pub fn scores(&self, text: &str) -> Scores {
        self.scores_of(&self.featurizer.analyse(text))
    }

    /// Nothing to judge in a text without a word (empty, punctuation, emoji only): zero everywhere.
    fn scores_of(&self, analysis: &Analysis) -> Scores {
        if analysis.normalized.text.is_empty() { [0.0; HEADS] } else { self.model.scores_of(analysis.values()) }
    }

    /// Screens `text`; `region` (a region code of any level) narrows the candidates to that contest.
    pub fn screen(&self, text: &str, region: Option<&str>) -> Verdict {
        let analysis = self.featurizer.analyse(text);
        let scores = self.scores_of(&analysis);
        let (violation, acts) = self.model.decide(&scores);
        let candidates = self.candidates(text, &analysis.normalized, &analysis.hits, region);
        let mut verdict = Verdict {
            violation,
            score: round4(scores[0]),
            acts: acts
                .iter()
                .map(|&h| ActScore {
                    act: ActLabel::ALL[h - 1],
                    score: round4(scores[h]),
                    items: self.items[h - 1].clone(),
                })
                .collect(),
            candidates,
            explanation: Vec::new(),
        };
        if violation {
            let heads: Vec<usize> = std::iter::once(0).chain(acts).collect();
            verdict.explanation = self.explain(text, &analysis, &heads);
        }
        verdict
    }

    fn candidates(
        &self,
        text: &str,
        normalized: &crate::normalize::Normalized,
        hits: &[Hit],
        region: Option<&str>,
    ) -> Vec<CandidateMention> {
        let Some(set) = self.featurizer.matcher.candidates() else { return Vec::new() };
        if !hits.iter().any(|h| matches!(h.source, Source::Candidate { .. })) {
            return Vec::new();
        }
        let mut by_pair: BTreeMap<u16, Vec<(CandidateField, usize, usize)>> = BTreeMap::new();
        for hit in hits {
            if let Source::Candidate { pair, field } = hit.source
                && region.is_none_or(|r| set.pairs[pair as usize].covers(r))
            {
                by_pair.entry(pair).or_default().push((field, hit.start, hit.end));
            }
        }
        // A ballot number alone names a pair only when one contest is in view: the list has one, or the post's
        // region is covered by one (a regency sits inside its province's governor race too).
        let numbers_identify = set.single_contest()
            || region.is_some_and(|r| {
                let mut contests: Vec<(&Option<String>, &Option<String>)> =
                    set.pairs.iter().filter(|p| p.covers(r)).map(|p| (&p.election, &p.region)).collect();
                contests.sort();
                contests.dedup();
                contests.len() == 1
            });
        by_pair
            .into_iter()
            .filter(|(_, found)| {
                found.iter().any(|(f, _, _)| f.identifies() || (numbers_identify && *f == CandidateField::Number))
            })
            .map(|(pair, found)| {
                let p = &set.pairs[pair as usize];
                let spans: Vec<(usize, usize)> =
                    found.iter().filter_map(|&(_, s, e)| normalized.original_span(s, e)).collect();
                // A form inside a longer one found at the same place (`urut 1` in `nomor urut 1`) adds nothing.
                let mut kept: Vec<(usize, usize)> = spans
                    .iter()
                    .copied()
                    .filter(|&(s, e)| !spans.iter().any(|&(a, b)| a <= s && e <= b && (a, b) != (s, e)))
                    .collect();
                kept.sort_unstable();
                kept.dedup();
                let written: Vec<String> = kept.iter().map(|&(a, b)| text[a..b].to_string()).collect();
                CandidateMention {
                    election: p.election.clone().unwrap_or_else(|| set.election.clone()),
                    region: p.region.clone(),
                    number: p.number,
                    name: p.display_name(),
                    found: written,
                }
            })
            .collect()
    }

    /// The spans of `text` that add most to each of `heads`.
    fn explain(&self, text: &str, analysis: &Analysis, heads: &[usize]) -> Vec<Evidence> {
        // Occurrences are grouped by origin first (a token's word and character n-grams, a token pair, a hit), so
        // that spans are looked up per group rather than per occurrence; groups with equal spans (tokens cut from
        // one written word) then share an index.
        let tokens = analysis.normalized.token_count();
        let group_of = |origin: Origin| -> Option<usize> {
            match origin {
                Origin::Tokens { first, last } if first == last => Some(first as usize),
                Origin::Tokens { first, last } if last == first + 1 => Some(tokens + first as usize),
                Origin::Hit { index } => Some(2 * tokens + index as usize),
                Origin::Tokens { .. } | Origin::Text => None,
            }
        };
        let group_span = |group: usize| -> Option<(Span, Option<Source>)> {
            if group < tokens {
                Some((analysis.normalized.token_origin(group)?, None))
            } else if group < 2 * tokens {
                let a = analysis.normalized.token_origin(group - tokens)?;
                let b = analysis.normalized.token_origin(group - tokens + 1)?;
                Some(((a.0, b.1), None))
            } else {
                let hit = analysis.hits[group - 2 * tokens];
                Some((analysis.normalized.original_span(hit.start, hit.end)?, Some(hit.source)))
            }
        };
        let groups = 2 * tokens + analysis.hits.len();
        let ranges: Vec<Option<(Span, Option<Source>)>> = (0..groups).map(group_span).collect();
        let mut spans: Vec<Span> = ranges.iter().flatten().map(|(range, _)| *range).collect();
        spans.sort_unstable();
        spans.dedup();
        let group_place: Vec<Option<(usize, Option<Source>)>> = ranges
            .iter()
            .map(|r| r.map(|(range, cue)| (spans.binary_search(&range).expect("every range is listed"), cue)))
            .collect();
        let occurrences = analysis.occurrences();
        let mut out = Vec::new();
        // Per span: summed contribution, and the cue of its largest single contribution.
        let mut sums: Vec<(f32, Option<Source>, f32)> = Vec::with_capacity(spans.len());
        for &head in heads {
            sums.clear();
            sums.resize(spans.len(), (0.0, None, f32::MIN));
            for occurrence in &occurrences {
                let Some((at, cue)) = group_of(occurrence.origin).and_then(|g| group_place[g]) else { continue };
                let w = self.model.row(occurrence.bucket)[head] * occurrence.value;
                let entry = &mut sums[at];
                entry.0 += w;
                if w > entry.2 {
                    entry.1 = cue;
                    entry.2 = w;
                }
            }
            let mut ranked: Vec<usize> = (0..spans.len()).filter(|&i| sums[i].0 > 0.0).collect();
            ranked.sort_by(|&a, &b| sums[b].0.total_cmp(&sums[a].0).then(spans[a].cmp(&spans[b])));
            let mut taken: Vec<(usize, usize)> = Vec::new();
            for i in ranked {
                if taken.len() == EVIDENCE_PER_HEAD {
                    break;
                }
                let (start, end) = spans[i];
                if taken.iter().any(|&(s, e)| start < e && s < end) {
                    continue;
                }
                taken.push((start, end));
                out.push(Evidence {
                    head: head_name(head),
                    text: text[start..end].to_string(),
                    start: text[..start].chars().count(),
                    end: text[..end].chars().count(),
                    weight: (sums[i].0 * 1000.0).round() / 1000.0,
                    cue: sums[i].1.map_or_else(|| String::from("kata"), |source| self.cue(source)),
                });
            }
        }
        out
    }

    fn cue(&self, source: Source) -> String {
        let matcher = &self.featurizer.matcher;
        match source {
            Source::Group { group, phrase } => format!("{}: {}", matcher.group(group).0, matcher.phrase(phrase)),
            Source::Candidate { pair, field } => {
                let number = matcher.candidates().map_or(0, |set| set.pairs[pair as usize].number);
                format!("calon {number}: {}", field.as_str())
            }
        }
    }
}

/// The built-in normaliser and lexicon with `candidates` (every shipped list with `None`).
fn featurizer(bits: u32, candidates: Option<CandidateSet>) -> Result<Featurizer, LexiconError> {
    let normalizer = Normalizer::builtin().clone();
    let candidates = candidates.unwrap_or_else(CandidateSet::builtin_all);
    let matcher = Matcher::new(&normalizer, &Lexicon::builtin(), Some(candidates))?;
    Ok(Featurizer { normalizer, matcher, bits })
}

/// A byte range of the original text.
type Span = (usize, usize);

fn round4(x: f32) -> f32 {
    (x * 10_000.0).round() / 10_000.0
}
