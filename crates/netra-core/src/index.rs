//! The neutrality index (Indeks Netralitas ASN): one score per unit (an agency or a kabupaten/kota) from its
//! substantiated violations on the four indicators of the seeds, its prevention coverage (pacts, briefings) and
//! its PPK's follow-up of recommendations.
//!
//! The method is built to resist small numbers, as league tables must (FixMyStreet's lesson):
//! - violations are compared with what the unit's size predicts at the rate of its reference group (the units of
//!   the same province, or all units for national agencies), and the ratio is shrunk toward 1 (empirical Bayes,
//!   Poisson–gamma: `(observed + A) / (expected + A)`), so one case in a small unit moves it little;
//! - the PPK follow-up rate is shrunk toward the group's rate the same way (beta–binomial);
//! - a unit is ranked only when it has at least [`MIN_PERSONS`] civil servants in the registry and its group's
//!   rate predicts at least [`MIN_EXPECTED`] weighted cases for it; others are listed, unranked, with the reason.
//!
//! Everything here is a pure function of its inputs; the page `/indeks/metode` prints these constants, and a test
//! recomputes the values from the database independently.

use std::collections::BTreeMap;

use crate::catalogue::{Catalogue, Indicator, SanctionLevel};
use crate::workflow::CaseState;

/// The four indicators in the order the index reports them.
pub const INDICATORS: [Indicator; 4] =
    [Indicator::Karier, Indicator::HubunganParpol, Indicator::KegiatanKampanye, Indicator::PelayananPublik];

/// Prior strength of the violation ratio, in weighted cases: a unit's ratio is `(v + A) / (e + A)`.
pub const PRIOR_CASES: f64 = 2.0;
/// Prior strength of the follow-up rate, in recommendations.
pub const PRIOR_RECOMMENDATIONS: f64 = 4.0;
/// Follow-up rate assumed for a group with no recommendation yet.
pub const DEFAULT_FOLLOW_UP: f64 = 0.5;
/// Fewest active civil servants (registry) for a unit to be ranked.
pub const MIN_PERSONS: u64 = 100;
/// Fewest weighted cases the group's rate must predict for a unit (all indicators together) to be ranked.
pub const MIN_EXPECTED: f64 = 1.0;

/// Weights of the index's parts; they sum to 1.
pub const WEIGHT_VIOLATIONS: f64 = 0.6;
pub const WEIGHT_PACTS: f64 = 0.1;
pub const WEIGHT_SESSIONS: f64 = 0.1;
pub const WEIGHT_FOLLOW_UP: f64 = 0.2;

/// How much a substantiated case weighs, by the heaviest sanction level of its items on an indicator.
pub fn severity_weight(level: SanctionLevel) -> f64 {
    match level {
        SanctionLevel::Moral | SanctionLevel::Ringan => 1.0,
        SanctionLevel::Sedang | SanctionLevel::PerAturan => 2.0,
        SanctionLevel::Berat => 3.0,
        SanctionLevel::Ptdh | SanctionLevel::Pidana => 4.0,
    }
}

/// A case's weight on each indicator: for each indicator, the heaviest weight among its items that map to it
/// (0 where none does). Unknown item codes are ignored.
pub fn case_weights(catalogue: &Catalogue, items: &[String]) -> [f64; 4] {
    let mut weights = [0.0; 4];
    for item in items.iter().filter_map(|code| catalogue.get(code)) {
        let slot = INDICATORS.iter().position(|i| *i == item.indicator).expect("every indicator is listed");
        weights[slot] = f64::max(weights[slot], severity_weight(item.level));
    }
    weights
}

/// Whether a case counts as a substantiated violation: Bawaslu confirmed catalogue items and no later step found
/// otherwise (not registered, not a violation, not proven by BKN or the PPK, cancelled).
pub fn substantiated(state: CaseState, items: &[String]) -> bool {
    !items.is_empty()
        && !matches!(
            state,
            CaseState::NotRegistered | CaseState::NotViolation | CaseState::NotProven | CaseState::Cancelled
        )
}

/// The PPK's follow-up of a recommended case, once known: `Some(true)` when the PPK decided (a sanction or a
/// clearance after examination), `Some(false)` when the system flagged the PPK as silent past its deadline (and
/// it has not decided since), `None` while the PPK is still within its time or nothing was recommended.
pub fn follow_up(state: CaseState, recommended: bool, decided: bool) -> Option<bool> {
    if !recommended {
        None
    } else if decided {
        Some(true)
    } else if matches!(state, CaseState::NotFollowedUp | CaseState::DataBlocked) {
        Some(false)
    } else {
        None
    }
}

/// What the index needs to know of one unit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnitInput {
    /// Stable key (agency id or region code).
    pub key: String,
    pub name: String,
    /// The reference group the unit is compared with (a province code, or `"nasional"`).
    pub group: String,
    /// Active civil servants in the registry.
    pub persons: u64,
    /// Substantiated cases (any indicator).
    pub cases: u64,
    /// Severity-weighted substantiated cases per indicator ([`INDICATORS`] order).
    pub violations: [f64; 4],
    /// Active civil servants who signed the election's pact.
    pub pact_signed: u64,
    /// Active civil servants who attended one of the election's briefings.
    pub session_attended: u64,
    /// Recommendations to the unit's PPK that are decided or past their follow-up deadline.
    pub recommended: u64,
    /// Of those, the ones the PPK decided (a sanction issued, or the civil servant cleared after examination).
    pub followed_up: u64,
}

/// Why a unit has no rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unranked {
    /// Fewer than [`MIN_PERSONS`] civil servants in the registry.
    FewPersons,
    /// The group's rate predicts fewer than [`MIN_EXPECTED`] weighted cases.
    FewExpected,
}

impl Unranked {
    /// Reason for people.
    pub fn describe(self, locale: crate::Locale) -> String {
        match self {
            Unranked::FewPersons => format!(
                "{} {MIN_PERSONS} {}",
                locale.pick("kurang dari", "fewer than"),
                locale.pick("ASN dalam registri", "civil servants in the registry")
            ),
            Unranked::FewExpected => format!(
                "{} {MIN_EXPECTED:.0} {}",
                locale.pick("perkiraan kasus kurang dari", "fewer than"),
                locale.pick("(terlalu sedikit data)", "expected cases (too little data)")
            ),
        }
    }
}

/// One unit's index with every intermediate value, so that the page can explain it.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitScore {
    pub input: UnitInput,
    /// Weighted cases the group's rate predicts for the unit, per indicator.
    pub expected: [f64; 4],
    /// Shrunk ratio of observed to expected violations, per indicator (1 = as the group).
    pub ratio: [f64; 4],
    /// Per-indicator score in 0..=100: `100 / (1 + ratio)`, so 50 means "as the group".
    pub indicator_scores: [f64; 4],
    /// Mean of the indicator scores.
    pub violation_score: f64,
    /// Pact and briefing coverage in 0..=100.
    pub pact_score: f64,
    pub session_score: f64,
    /// Shrunk follow-up rate in 0..=100.
    pub follow_up_score: f64,
    /// The index in 0..=100.
    pub index: f64,
    /// 1-based rank among ranked units (best first), or why there is none.
    pub rank: Result<usize, Unranked>,
}

#[derive(Default)]
struct GroupTotals {
    persons: f64,
    violations: [f64; 4],
    recommended: f64,
    followed_up: f64,
}

/// Computes every unit's index. Units are returned best first: ranked ones by rank, then unranked ones by index.
/// Ties keep the order of `units`'s keys.
pub fn compute(units: &[UnitInput]) -> Vec<UnitScore> {
    let mut groups: BTreeMap<&str, GroupTotals> = BTreeMap::new();
    for unit in units {
        let totals = groups.entry(unit.group.as_str()).or_default();
        totals.persons += unit.persons as f64;
        for (sum, v) in totals.violations.iter_mut().zip(unit.violations) {
            *sum += v;
        }
        totals.recommended += unit.recommended as f64;
        totals.followed_up += unit.followed_up as f64;
    }
    let mut scores: Vec<UnitScore> = units
        .iter()
        .map(|unit| {
            let group = &groups[unit.group.as_str()];
            let persons = unit.persons as f64;
            let mut expected = [0.0; 4];
            let mut ratio = [0.0; 4];
            let mut indicator_scores = [0.0; 4];
            for k in 0..4 {
                let rate = if group.persons > 0.0 { group.violations[k] / group.persons } else { 0.0 };
                expected[k] = persons * rate;
                ratio[k] = (unit.violations[k] + PRIOR_CASES) / (expected[k] + PRIOR_CASES);
                indicator_scores[k] = 100.0 / (1.0 + ratio[k]);
            }
            let violation_score = indicator_scores.iter().sum::<f64>() / 4.0;
            let share = |n: u64| if unit.persons == 0 { 0.0 } else { 100.0 * (n.min(unit.persons) as f64) / persons };
            let pact_score = share(unit.pact_signed);
            let session_score = share(unit.session_attended);
            let group_rate =
                if group.recommended > 0.0 { group.followed_up / group.recommended } else { DEFAULT_FOLLOW_UP };
            let follow_up_score = 100.0 * (unit.followed_up as f64 + PRIOR_RECOMMENDATIONS * group_rate)
                / (unit.recommended as f64 + PRIOR_RECOMMENDATIONS);
            let index = WEIGHT_VIOLATIONS * violation_score
                + WEIGHT_PACTS * pact_score
                + WEIGHT_SESSIONS * session_score
                + WEIGHT_FOLLOW_UP * follow_up_score;
            let rank = if unit.persons < MIN_PERSONS {
                Err(Unranked::FewPersons)
            } else if expected.iter().sum::<f64>() < MIN_EXPECTED {
                Err(Unranked::FewExpected)
            } else {
                Ok(0)
            };
            UnitScore {
                input: unit.clone(),
                expected,
                ratio,
                indicator_scores,
                violation_score,
                pact_score,
                session_score,
                follow_up_score,
                index,
                rank,
            }
        })
        .collect();
    scores.sort_by(|a, b| {
        a.rank
            .is_err()
            .cmp(&b.rank.is_err())
            .then(b.index.total_cmp(&a.index))
            .then_with(|| a.input.key.cmp(&b.input.key))
    });
    let mut next = 1;
    for score in scores.iter_mut() {
        if score.rank.is_ok() {
            score.rank = Ok(next);
            next += 1;
        }
    }
    scores
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(key: &str, persons: u64, violations: [f64; 4], cases: u64) -> UnitInput {
        UnitInput {
            key: key.into(),
            name: key.into(),
            group: "32".into(),
            persons,
            cases,
            violations,
            ..Default::default()
        }
    }

    #[test]
    fn weights_sum_to_one() {
        let sum = WEIGHT_VIOLATIONS + WEIGHT_PACTS + WEIGHT_SESSIONS + WEIGHT_FOLLOW_UP;
        assert!((sum - 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_unit_like_its_group_scores_fifty_on_violations() {
        let units = [unit("a", 1000, [2.0, 0.0, 4.0, 0.0], 3), unit("b", 1000, [2.0, 0.0, 4.0, 0.0], 3)];
        for score in compute(&units) {
            assert!((score.violation_score - 50.0).abs() < 1e-9, "{score:?}");
            assert_eq!(score.ratio, [1.0; 4]);
        }
    }

    #[test]
    fn one_case_in_a_small_unit_is_shrunk_toward_the_group() {
        // Big units: one clean, one with many cases; a tiny unit with one severe case.
        let units = [
            unit("clean", 5000, [0.0; 4], 0),
            unit("many", 5000, [0.0, 0.0, 30.0, 6.0], 14),
            unit("one", 400, [0.0, 0.0, 3.0, 0.0], 1),
        ];
        let scores = compute(&units);
        let order: Vec<&str> = scores.iter().map(|s| s.input.key.as_str()).collect();
        assert_eq!(order, ["clean", "one", "many"]);
        let one = scores.iter().find(|s| s.input.key == "one").unwrap();
        // Unshrunk, its campaign ratio would be 3 / (400 · 33/10400) ≈ 2.4; shrunk it is about 1.5.
        assert!(one.ratio[2] < 2.5, "{:?}", one.ratio);
    }

    #[test]
    fn small_units_and_units_without_expected_cases_are_not_ranked() {
        let units = [unit("big", 5000, [0.0, 0.0, 3.0, 0.0], 1), unit("tiny", 40, [0.0; 4], 0)];
        let scores = compute(&units);
        let tiny = scores.iter().find(|s| s.input.key == "tiny").unwrap();
        assert_eq!(tiny.rank, Err(Unranked::FewPersons));
        assert_eq!(scores[0].input.key, "big");
        assert_eq!(scores[0].rank, Ok(1));
        // With no case anywhere nothing is expected, so nothing is ranked.
        let quiet = compute(&[unit("x", 5000, [0.0; 4], 0), unit("y", 3000, [0.0; 4], 0)]);
        assert!(quiet.iter().all(|s| s.rank == Err(Unranked::FewExpected)));
    }

    #[test]
    fn follow_up_is_shrunk_toward_the_group_rate() {
        let mut a = unit("a", 1000, [1.0; 4], 1);
        a.recommended = 1;
        a.followed_up = 1;
        let mut b = unit("b", 1000, [1.0; 4], 1);
        b.recommended = 9;
        b.followed_up = 3;
        let scores = compute(&[a, b]);
        let a = scores.iter().find(|s| s.input.key == "a").unwrap();
        // Group rate 4/10; (1 + 4·0.4) / (1 + 4) = 0.52.
        assert!((a.follow_up_score - 52.0).abs() < 1e-9, "{}", a.follow_up_score);
    }

    #[test]
    fn case_weights_take_the_heaviest_item_per_indicator() {
        let catalogue = crate::builtin::catalogue();
        let items: Vec<String> = catalogue.items().iter().map(|i| i.code.clone()).collect();
        let weights = case_weights(catalogue, &items);
        for (k, indicator) in INDICATORS.iter().enumerate() {
            let heaviest = catalogue
                .items()
                .iter()
                .filter(|i| i.indicator == *indicator)
                .map(|i| severity_weight(i.level))
                .fold(0.0, f64::max);
            assert_eq!(weights[k], heaviest);
        }
        assert_eq!(case_weights(catalogue, &["NO-SUCH".into()]), [0.0; 4]);
    }
}
