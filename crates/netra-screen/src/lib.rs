//! Netra's screening engine: Indonesian text → violation acts, candidates and an explanation.
//!
//! A pure library: no I/O, no async, used by the CLI, the web triage panel and stream workers alike. Built in
//! steps under its issue: [`normalize`] (normalisation with a map back to the original text) is the first; the
//! aho-corasick matcher, the linear classifier and its explanations follow.

pub mod normalize;

pub use normalize::{Normalized, Normalizer};
