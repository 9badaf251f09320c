//! The two locales of Netra's user-facing text: Bahasa Indonesia first, English second.

use std::fmt;

/// A user-facing language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    /// Bahasa Indonesia, the default everywhere.
    #[default]
    Id,
    /// English, the second locale.
    En,
}

impl Locale {
    /// Parses a language tag such as `id`, `en`, `en-GB`; anything else falls back to Indonesian.
    pub fn from_tag(tag: &str) -> Locale {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("en") { Locale::En } else { Locale::Id }
    }

    /// The BCP 47 tag of the locale, for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Id => "id",
            Locale::En => "en",
        }
    }

    /// Picks one of two texts.
    pub fn pick<'a>(self, id: &'a str, en: &'a str) -> &'a str {
        match self {
            Locale::Id => id,
            Locale::En => en,
        }
    }
}

/// An error or notice that can explain itself in either locale. `Display` on such types is English, for
/// developers and logs; pages call [`Localized::message`] with the reader's locale.
pub trait Localized {
    /// The message in the given locale.
    fn message(&self, locale: Locale) -> String;
}

/// Writes the English message; used by `Display` impls of [`Localized`] types.
pub(crate) fn display_english(value: &impl Localized, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str(&value.message(Locale::En))
}
