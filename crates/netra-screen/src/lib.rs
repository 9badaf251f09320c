//! Netra's screening engine: Indonesian text → violation acts, candidates and an explanation.
//!
//! A pure library (no I/O, no async), used by the CLI, the web triage panel and stream workers alike:
//!
//! 1. [`normalize`]: NFKC, case, diacritics, slang, leetspeak, stretched letters, hashtags, reduplication,
//!    with a map back to the original offsets;
//! 2. [`lexicon`]: one aho-corasick automaton over the lexicon groups and an election's [`candidates`];
//! 3. [`features`] and [`model`]: hashed n-gram and lexicon features scored by a linear model with one
//!    logistic head for `violation` and one per act label, trained by [`train`];
//! 4. [`engine`]: the [`Screener`], which decides and explains with spans into the original text;
//! 5. [`input`] and [`eval`]: JSONL line parsing and the evaluation report.

pub mod batch;
pub mod candidates;
pub mod engine;
pub mod eval;
pub mod features;
pub mod input;
pub mod lexicon;
pub mod model;
pub mod normalize;
pub mod train;

pub use candidates::CandidateSet;
pub use engine::{ActScore, CandidateMention, Evidence, Screener, Verdict};
pub use model::Model;
pub use normalize::{Normalized, Normalizer};

#[cfg(test)]
mod proptests;
