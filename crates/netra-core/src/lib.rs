//! Netra's pure domain core.
//!
//! Everything here is deterministic and free of I/O: identifiers parsed into types ([`ident`], [`region`]), the
//! legal catalogue ([`catalogue`]), elections and their stages ([`election`]), the working-day calendar and the
//! statutory clocks ([`calendar`], [`clock`]), the case state machine ([`workflow`]) and roles ([`role`]).
//! The data that drives these rules lives in the repository's `data/` directory and is embedded at build time
//! ([`builtin`]); callers that want other data pass their own strings to the same parsers.

pub mod access;
pub mod audit;
pub mod builtin;
pub mod calendar;
pub mod catalogue;
pub mod clock;
pub mod duplicate;
pub mod election;
pub mod export;
pub mod ident;
pub mod index;
pub mod intake;
pub mod letter;
pub mod locale;
pub mod pact;
pub mod patrol;
pub mod quiz;
pub mod region;
pub mod rng;
pub mod role;
pub mod sanction;
pub mod totp;
pub mod workflow;

pub use locale::{Locale, Localized};

/// Reads a TOML local date (`2024-11-27`, unquoted) into a [`time::Date`].
pub(crate) mod toml_date {
    use serde::{Deserialize, Deserializer, de::Error};
    use time::{Date, Month};

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let value = toml::value::Datetime::deserialize(deserializer)?;
        match (value.date, value.time, value.offset) {
            (Some(date), None, None) => {
                let month = Month::try_from(date.month).map_err(D::Error::custom)?;
                Date::from_calendar_date(i32::from(date.year), month, date.day).map_err(D::Error::custom)
            }
            _ => Err(D::Error::custom(format!("expected a date such as 2024-11-27, found {value}"))),
        }
    }
}
