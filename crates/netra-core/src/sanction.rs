//! The sanction the rules point to for a case, for the PPK's decision form: the heaviest level among the
//! confirmed catalogue items, and one step heavier than the last sanction when the same kind of violation is
//! repeated (PP 94/2021: a repeat of a violation of the same nature earns a heavier sanction than the last).
//! The PPK decides; the proposal and its reasons are shown beside the form.

use crate::catalogue::{CatalogueItem, SanctionCategory, SanctionLevel};
use crate::locale::{Locale, Localized};

/// Why the proposal is what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProposalReason {
    /// The heaviest level among the items, and the item that carries it.
    HeaviestItem { code: String, level: SanctionLevel },
    /// A previous sanction of the same category makes this one heavier.
    Repeat { previous: SanctionLevel, raised_to: SanctionLevel },
}

impl Localized for ProposalReason {
    fn message(&self, locale: Locale) -> String {
        match self {
            ProposalReason::HeaviestItem { code, level } => match locale {
                Locale::Id => format!("Butir terberat: {code} ({}).", level.name(locale)),
                Locale::En => format!("Heaviest item: {code} ({}).", level.name(locale)),
            },
            ProposalReason::Repeat { previous, raised_to } => match locale {
                Locale::Id => format!(
                    "Pengulangan: sanksi sebelumnya {}; sanksi berikutnya lebih berat: {}.",
                    previous.name(locale),
                    raised_to.name(locale)
                ),
                Locale::En => format!(
                    "Repeat: the previous sanction was {}; the next is heavier: {}.",
                    previous.name(locale),
                    raised_to.name(locale)
                ),
            },
        }
    }
}

/// A proposed level with its reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub level: SanctionLevel,
    pub reasons: Vec<ProposalReason>,
}

/// The next heavier level on the same scale (ethics stays moral; berat is the top short of dismissal, which
/// needs its own grounds).
pub fn heavier(level: SanctionLevel) -> SanctionLevel {
    match level {
        SanctionLevel::Ringan => SanctionLevel::Sedang,
        SanctionLevel::Sedang => SanctionLevel::Berat,
        other => other,
    }
}

fn on_scale(level: SanctionLevel) -> bool {
    matches!(
        level,
        SanctionLevel::Moral
            | SanctionLevel::Ringan
            | SanctionLevel::Sedang
            | SanctionLevel::Berat
            | SanctionLevel::Ptdh
    )
}

/// The proposal for a case whose confirmed items are `items`, given the levels of earlier sanctions on the same
/// person (oldest first). `None` when no item carries a level on the ethics/discipline scale.
pub fn propose(items: &[&CatalogueItem], previous: &[SanctionLevel]) -> Option<Proposal> {
    let heaviest = items
        .iter()
        .filter(|item| on_scale(item.level) && item.category != SanctionCategory::Pidana)
        .max_by(|a, b| a.level.cmp(&b.level).then_with(|| b.code.cmp(&a.code)))?;
    let mut level = heaviest.level;
    let mut reasons = vec![ProposalReason::HeaviestItem { code: heaviest.code.clone(), level }];
    let category = heaviest.category;
    let same_kind = previous.iter().rev().find(|p| match category {
        SanctionCategory::KodeEtik => **p == SanctionLevel::Moral,
        _ => on_scale(**p) && **p != SanctionLevel::Moral,
    });
    if let Some(&last) = same_kind
        && heavier(last) > level
    {
        level = heavier(last);
        reasons.push(ProposalReason::Repeat { previous: last, raised_to: level });
    }
    Some(Proposal { level, reasons })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(code: &str) -> &'static CatalogueItem {
        crate::builtin::catalogue().get(code).unwrap_or_else(|| panic!("no item {code}"))
    }

    #[test]
    fn heaviest_of_several_items() {
        let sedang = item("PP-CAMPAIGN-JOIN");
        let berat = item("PP-MOBILISE");
        let proposal = propose(&[sedang, berat], &[]).unwrap();
        assert_eq!(proposal.level, SanctionLevel::Berat);
        assert_eq!(proposal.reasons.len(), 1);
    }

    #[test]
    fn a_repeat_is_one_step_heavier_than_the_last_sanction() {
        let sedang = item("PP-CAMPAIGN-JOIN");
        let proposal = propose(&[sedang], &[SanctionLevel::Sedang]).unwrap();
        assert_eq!(proposal.level, SanctionLevel::Berat);
        assert!(matches!(proposal.reasons[1], ProposalReason::Repeat { previous: SanctionLevel::Sedang, .. }));
        // A light earlier sanction raises a light item, never lowers a heavy one.
        let proposal = propose(&[sedang], &[SanctionLevel::Ringan]).unwrap();
        assert_eq!(proposal.level, SanctionLevel::Sedang);
    }
}
