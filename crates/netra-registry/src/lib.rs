//! Netra's ASN registry, the pure part: reading registry rows ([`rows`]), names as people write them
//! ([`names`]), the in-memory match index ([`index`]) and the synthetic registry generator ([`generate`]).
//! The store keeps the rows; this crate does no I/O beyond what it is handed.

pub mod generate;
pub mod index;
pub mod names;
pub mod rows;
