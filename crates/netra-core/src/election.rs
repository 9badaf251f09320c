//! Elections and their stages (PKPU schedules), loaded from `data/elections/*.toml`.

use serde::Deserialize;
use time::Date;

use crate::Locale;

/// Kind of election.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ElectionKind {
    /// Regional head elections (governor, regent, mayor).
    Pilkada,
    /// General election (president, legislatures).
    Pemilu,
}

impl ElectionKind {
    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            ElectionKind::Pilkada => "pilkada",
            ElectionKind::Pemilu => "pemilu",
        }
    }
}

/// One stage of the schedule, inclusive of both dates.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub id: String,
    pub name_id: String,
    pub name_en: String,
    #[serde(deserialize_with = "crate::toml_date::deserialize")]
    pub start: Date,
    #[serde(deserialize_with = "crate::toml_date::deserialize")]
    pub end: Date,
}

impl Stage {
    /// Name in the given locale.
    pub fn name(&self, locale: Locale) -> &str {
        locale.pick(&self.name_id, &self.name_en)
    }

    /// Whether `date` falls in the stage.
    pub fn contains(&self, date: Date) -> bool {
        self.start <= date && date <= self.end
    }
}

/// Before or after the KPU determined the candidates: decides between the SKB's kode-etik and disiplin tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeterminationPhase {
    Before,
    After,
}

/// An election with its schedule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Election {
    pub id: String,
    pub kind: ElectionKind,
    pub name_id: String,
    pub name_en: String,
    pub legal_basis: String,
    #[serde(deserialize_with = "crate::toml_date::deserialize")]
    pub candidate_determination: Date,
    #[serde(deserialize_with = "crate::toml_date::deserialize")]
    pub voting_day: Date,
    #[serde(rename = "stage")]
    pub stages: Vec<Stage>,
}

/// Why an election file is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("election file {file}: {reason}")]
pub struct ElectionError {
    pub file: String,
    pub reason: String,
}

impl Election {
    /// Parses and checks an election file: stages in order, each ending on or after it starts, the campaign
    /// stage present, determination and voting days covered by their stages.
    pub fn from_toml(file: &str, text: &str) -> Result<Election, ElectionError> {
        let error = |reason: String| ElectionError { file: file.into(), reason };
        let election: Election = toml::from_str(text).map_err(|e| error(e.to_string()))?;
        if election.id.trim().is_empty() || election.name_id.trim().is_empty() {
            return Err(error("id and name_id must not be empty".into()));
        }
        for stage in &election.stages {
            if stage.end < stage.start {
                return Err(error(format!("stage {} ends before it starts", stage.id)));
            }
        }
        for pair in election.stages.windows(2) {
            if pair[1].start < pair[0].start {
                return Err(error(format!("stage {} starts before the stage listed before it", pair[1].id)));
            }
        }
        for required in ["kampanye", "pemungutan_suara", "penetapan"] {
            if !election.stages.iter().any(|stage| stage.id == required) {
                return Err(error(format!("missing stage {required}")));
            }
        }
        if !election.stage("pemungutan_suara").is_some_and(|stage| stage.contains(election.voting_day)) {
            return Err(error("voting_day is not inside the pemungutan_suara stage".into()));
        }
        if !election.stage("penetapan").is_some_and(|stage| stage.contains(election.candidate_determination)) {
            return Err(error("candidate_determination is not inside the penetapan stage".into()));
        }
        Ok(election)
    }

    /// Name in the given locale.
    pub fn name(&self, locale: Locale) -> &str {
        locale.pick(&self.name_id, &self.name_en)
    }

    /// The stage with this id.
    pub fn stage(&self, id: &str) -> Option<&Stage> {
        self.stages.iter().find(|stage| stage.id == id)
    }

    /// The stages running on `date` (they may overlap, e.g. voting day and recapitulation).
    pub fn stages_on(&self, date: Date) -> Vec<&Stage> {
        self.stages.iter().filter(|stage| stage.contains(date)).collect()
    }

    /// Before or after candidate determination. The determination day itself counts as after.
    pub fn determination_phase(&self, date: Date) -> DeterminationPhase {
        if date < self.candidate_determination { DeterminationPhase::Before } else { DeterminationPhase::After }
    }

    /// Whether `date` is in the campaign period.
    pub fn in_campaign(&self, date: Date) -> bool {
        self.stage("kampanye").is_some_and(|stage| stage.contains(date))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn pilkada_2024_phases() {
        let election = crate::builtin::election("pilkada-2024").unwrap();
        assert_eq!(election.determination_phase(date!(2024 - 09 - 21)), DeterminationPhase::Before);
        assert_eq!(election.determination_phase(date!(2024 - 09 - 22)), DeterminationPhase::After);
        assert!(election.in_campaign(date!(2024 - 09 - 25)));
        assert!(election.in_campaign(date!(2024 - 11 - 23)));
        assert!(!election.in_campaign(date!(2024 - 11 - 24)));
        let voting: Vec<&str> = election.stages_on(date!(2024 - 11 - 27)).iter().map(|s| s.id.as_str()).collect();
        assert_eq!(voting, ["pemungutan_suara", "rekapitulasi"]);
        assert_eq!(election.stages_on(date!(2024 - 11 - 25))[0].id, "masa_tenang");
    }

    #[test]
    fn a_stage_ending_before_it_starts_is_rejected() {
        let text = crate::builtin::ELECTION_FILES[0].1.replace("end = 2024-08-19", "end = 2024-04-01");
        let error = Election::from_toml("x.toml", &text).unwrap_err();
        assert_eq!(error.to_string(), "election file x.toml: stage dukungan_perseorangan ends before it starts");
    }
}
