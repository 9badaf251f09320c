//! Figures over cases: the dashboards' counts and durations (over the viewer's case scope), and the inputs of the
//! neutrality index (over every case of an election, joined with the registry's population).

use std::collections::{BTreeMap, HashMap};

use netra_core::catalogue::{ActLabel, Catalogue};
use netra_core::index::{self, UnitInput};
use netra_core::region::RegionCode;
use netra_core::workflow::{CaseState, Holder};
use time::{Date, Duration};

use crate::access::{AccessError, AccessResult, Principal};
use crate::cases::{CaseFact, CaseScope};
use crate::{Store, StoreResult};

/// Durations in days between two milestones, over the cases that reached both.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Durations {
    pub count: u64,
    pub median: Option<f64>,
    /// 90th percentile (nearest rank).
    pub p90: Option<i64>,
}

impl Durations {
    fn of(mut days: Vec<i64>) -> Durations {
        days.sort_unstable();
        let count = days.len() as u64;
        if days.is_empty() {
            return Durations::default();
        }
        let mid = days.len() / 2;
        let median = if days.len() % 2 == 1 { days[mid] as f64 } else { (days[mid - 1] + days[mid]) as f64 / 2.0 };
        let rank = ((days.len() as f64) * 0.9).ceil() as usize;
        Durations { count, median: Some(median), p90: Some(days[rank.clamp(1, days.len()) - 1]) }
    }
}

/// What a dashboard shows, over a set of cases.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dashboard {
    pub total: u64,
    /// Cases someone still holds (not closed).
    pub open: u64,
    pub by_state: Vec<(CaseState, u64)>,
    /// Confirmed acts, most frequent first (a case with two acts counts under each).
    pub by_act: Vec<(ActLabel, u64)>,
    /// Per kabupaten/kota (the province code when the case has none), most first.
    pub by_regency: Vec<(String, u64)>,
    pub by_province: Vec<(String, u64)>,
    /// Per agency id (verified, else the PPK's), most first; cases with neither are left out.
    pub by_agency: Vec<(String, u64)>,
    /// Per position kind of the confirmed registry person (`None`: not confirmed), most first.
    pub by_position: Vec<(Option<String>, u64)>,
    /// Cases received per week (the Monday that starts it), every week from the first to the last.
    pub by_week: Vec<(Date, u64)>,
    pub report_to_recommendation: Durations,
    pub recommendation_to_decision: Durations,
    /// Recommended cases whose follow-up is known, and those the PPK decided.
    pub follow_up_known: u64,
    pub followed_up: u64,
    /// Open cases whose next deadline passed before `today`, per holder.
    pub overdue: Vec<(Holder, u64)>,
}

impl Dashboard {
    /// The share of known follow-ups the PPK carried out, in percent.
    pub fn follow_up_rate(&self) -> Option<f64> {
        (self.follow_up_known > 0).then(|| 100.0 * self.followed_up as f64 / self.follow_up_known as f64)
    }

    pub fn overdue_total(&self) -> u64 {
        self.overdue.iter().map(|(_, n)| n).sum()
    }
}

fn most_first<K: Ord>(counts: BTreeMap<K, u64>) -> Vec<(K, u64)> {
    let mut list: Vec<(K, u64)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    list
}

fn monday_of(date: Date) -> Date {
    date - Duration::days(i64::from(date.weekday().number_days_from_monday()))
}

/// Aggregates `facts` for a dashboard; `today` decides what is overdue.
pub fn dashboard(facts: &[CaseFact], catalogue: &Catalogue, today: Date) -> Dashboard {
    let mut dash = Dashboard { total: facts.len() as u64, ..Dashboard::default() };
    let (mut states, mut acts, mut regencies, mut provinces) =
        (BTreeMap::new(), BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let (mut agencies, mut positions, mut weeks, mut overdue) =
        (BTreeMap::new(), BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let (mut to_recommendation, mut to_decision) = (Vec::new(), Vec::new());
    for fact in facts {
        let holder = fact.state.holder();
        if holder != Holder::None {
            dash.open += 1;
            if fact.next_due_on.is_some_and(|due| due < today) {
                *overdue.entry(holder).or_insert(0) += 1;
            }
        }
        *states.entry(fact.state).or_insert(0) += 1;
        let mut case_acts: Vec<ActLabel> =
            fact.items.iter().filter_map(|code| catalogue.get(code)).flat_map(|item| item.acts.clone()).collect();
        case_acts.sort();
        case_acts.dedup();
        for act in case_acts {
            *acts.entry(act).or_insert(0) += 1;
        }
        *regencies.entry(fact.regency_code.clone().unwrap_or_else(|| fact.province_code.clone())).or_insert(0) += 1;
        *provinces.entry(fact.province_code.clone()).or_insert(0) += 1;
        if let Some(agency) = fact.agency_id.as_ref().or(fact.ppk_agency_id.as_ref()) {
            *agencies.entry(agency.clone()).or_insert(0) += 1;
        }
        *positions.entry(fact.position_kind.clone()).or_insert(0) += 1;
        *weeks.entry(monday_of(fact.received_on)).or_insert(0) += 1;
        if let Some(recommended) = fact.recommended_on {
            to_recommendation.push((recommended - fact.received_on).whole_days());
            if let Some(decided) = fact.decided_on {
                to_decision.push((decided - recommended).whole_days());
            }
        }
        if let Some(done) = index::follow_up(fact.state, fact.recommended_on.is_some(), fact.decided_on.is_some()) {
            dash.follow_up_known += 1;
            dash.followed_up += u64::from(done);
        }
    }
    dash.by_state = states.into_iter().collect();
    dash.by_act = most_first(acts);
    dash.by_regency = most_first(regencies);
    dash.by_province = most_first(provinces);
    dash.by_agency = most_first(agencies);
    dash.by_position = most_first(positions);
    if let (Some(first), Some(last)) = (weeks.keys().next().copied(), weeks.keys().next_back().copied()) {
        let mut week = first;
        while week <= last {
            dash.by_week.push((week, weeks.get(&week).copied().unwrap_or(0)));
            week += Duration::days(7);
        }
    }
    dash.report_to_recommendation = Durations::of(to_recommendation);
    dash.recommendation_to_decision = Durations::of(to_decision);
    dash.overdue = overdue.into_iter().collect();
    dash
}

/// The units the neutrality index compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitLevel {
    /// Agencies known to Netra, matched to the registry by name.
    Agency,
    /// Kabupaten/kota.
    Regency,
}

impl UnitLevel {
    pub fn parse(text: &str) -> Option<UnitLevel> {
        match text {
            "instansi" | "agency" => Some(UnitLevel::Agency),
            "wilayah" | "region" => Some(UnitLevel::Regency),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            UnitLevel::Agency => "instansi",
            UnitLevel::Regency => "wilayah",
        }
    }
}

/// The neutrality index's inputs for every unit of `level` in `election`: all cases of the election (not a
/// viewer's scope: the index compares units with each other) and the registry's active population.
///
/// A case counts for the agency whose PPK received the recommendation, else the agency Bawaslu verified, else
/// the confirmed registry person's agency; and for the kabupaten/kota where the act happened.
pub async fn index_inputs(store: &dyn Store, election: &str, level: UnitLevel) -> StoreResult<Vec<UnitInput>> {
    let catalogue = netra_core::builtin::catalogue();
    let facts = store.case_facts(&CaseScope::All, Some(election)).await?;
    let population = store.population(election).await?;
    let agencies = store.agencies().await?;
    let mut units: BTreeMap<String, UnitInput> = BTreeMap::new();
    match level {
        UnitLevel::Agency => {
            let by_name: HashMap<String, &str> =
                agencies.iter().map(|a| (a.name.to_lowercase(), a.id.as_str())).collect();
            for agency in &agencies {
                let group = agency.region.map_or_else(|| "nasional".to_string(), |r| r.province_code().to_string());
                units.insert(
                    agency.id.clone(),
                    UnitInput { key: agency.id.clone(), name: agency.name.clone(), group, ..UnitInput::default() },
                );
            }
            for cell in &population {
                if let Some(unit) = by_name.get(&cell.agency.to_lowercase()).and_then(|id| units.get_mut(*id)) {
                    unit.persons += cell.persons;
                    unit.pact_signed += cell.signed;
                    unit.session_attended += cell.attended;
                }
            }
            for fact in &facts {
                let agency = fact.ppk_agency_id.clone().or_else(|| fact.agency_id.clone()).or_else(|| {
                    fact.person_agency
                        .as_ref()
                        .and_then(|name| by_name.get(&name.to_lowercase()))
                        .map(|id| id.to_string())
                });
                if let Some(unit) = agency.and_then(|id| units.get_mut(&id)) {
                    add_case(unit, fact, catalogue);
                }
            }
        }
        UnitLevel::Regency => {
            let regions = netra_core::builtin::regions();
            let unit_of = |code: &str, units: &mut BTreeMap<String, UnitInput>| -> bool {
                if units.contains_key(code) {
                    return true;
                }
                let Some(region) = RegionCode::parse(code).ok().and_then(|c| regions.get(&c)) else { return false };
                if region.code.regency_code() != Some(region.code) {
                    return false;
                }
                units.insert(
                    code.to_string(),
                    UnitInput {
                        key: code.to_string(),
                        name: region.name.clone(),
                        group: region.code.province_code().to_string(),
                        ..UnitInput::default()
                    },
                );
                true
            };
            for cell in &population {
                if unit_of(&cell.regency, &mut units) {
                    let unit = units.get_mut(&cell.regency).expect("just added");
                    unit.persons += cell.persons;
                    unit.pact_signed += cell.signed;
                    unit.session_attended += cell.attended;
                }
            }
            for fact in &facts {
                if let Some(code) = &fact.regency_code
                    && unit_of(code, &mut units)
                {
                    add_case(units.get_mut(code).expect("just added"), fact, catalogue);
                }
            }
        }
    }
    Ok(units.into_values().filter(|u| u.persons > 0 || u.cases > 0 || u.recommended > 0).collect())
}

fn add_case(unit: &mut UnitInput, fact: &CaseFact, catalogue: &Catalogue) {
    if index::substantiated(fact.state, &fact.items) {
        unit.cases += 1;
        for (sum, weight) in unit.violations.iter_mut().zip(index::case_weights(catalogue, &fact.items)) {
            *sum += weight;
        }
    }
    if let Some(done) = index::follow_up(fact.state, fact.recommended_on.is_some(), fact.decided_on.is_some()) {
        unit.recommended += 1;
        unit.followed_up += u64::from(done);
    }
}

/// Read access to dashboards and the index, from [`Principal::statistics`].
#[derive(Debug)]
pub struct StatisticsDesk<'a> {
    principal: &'a Principal,
    store: &'a std::sync::Arc<dyn Store>,
}

impl Principal {
    /// Dashboards (over this principal's case scope) and the neutrality index.
    pub fn statistics<'a>(&'a self, store: &'a std::sync::Arc<dyn Store>) -> AccessResult<StatisticsDesk<'a>> {
        if !self.role().can(netra_core::access::Permission::ViewStatistics) {
            return Err(AccessError::Denied);
        }
        Ok(StatisticsDesk { principal: self, store })
    }
}

impl StatisticsDesk<'_> {
    /// The case scope the dashboard covers.
    pub fn scope(&self) -> CaseScope {
        self.principal.case_scope()
    }

    /// The dashboard of the cases in scope (of `election` when given).
    pub async fn dashboard(&self, election: Option<&str>, today: Date) -> AccessResult<Dashboard> {
        let facts = self.store.case_facts(&self.scope(), election).await?;
        Ok(dashboard(&facts, netra_core::builtin::catalogue(), today))
    }

    /// The neutrality index of `election` at `level`, best first.
    pub async fn index(&self, election: &str, level: UnitLevel) -> AccessResult<Vec<index::UnitScore>> {
        Ok(index::compute(&index_inputs(self.store.as_ref(), election, level).await?))
    }
}
