//! Netra's screening engine: Indonesian text → violation acts, candidates and an explanation.
//!
//! This crate is the layer's place in the workspace; the engine itself (normalisation, aho-corasick matching,
//! the linear classifier and its explanations) is built under its own issue. It will stay a pure library: no
//! I/O, no async, used by the CLI, the web triage panel and stream workers alike.
