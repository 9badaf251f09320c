//! Candidate pairs of an election and every written form a post may use for them.
//!
//! A file (TOML, see `data/screen/candidates/`) lists pairs with their ballot number, names, nicknames,
//! hashtags, slogans and coalition parties, and optionally the region code of the contest. The ballot number
//! is expanded into its written forms (`nomor 2`, `no. 02`, `paslon 2`, `nomor dua`, `salam dua jari`, `#02`).

use serde::{Deserialize, Serialize};

use crate::lexicon::LexiconError;

/// Which kind of written form matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CandidateField {
    Name,
    Nickname,
    Hashtag,
    Slogan,
    Number,
    Party,
}

impl CandidateField {
    pub fn as_str(self) -> &'static str {
        match self {
            CandidateField::Name => "name",
            CandidateField::Nickname => "nickname",
            CandidateField::Hashtag => "hashtag",
            CandidateField::Slogan => "slogan",
            CandidateField::Number => "number",
            CandidateField::Party => "party",
        }
    }

    /// Forms that name the pair by themselves; a number or a party alone is ambiguous across regions.
    pub fn identifies(self) -> bool {
        matches!(
            self,
            CandidateField::Name | CandidateField::Nickname | CandidateField::Hashtag | CandidateField::Slogan
        )
    }
}

/// One candidate pair.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Pair {
    /// The election, when pairs of several are merged ([`CandidateSet::builtin_all`]).
    #[serde(skip)]
    pub election: Option<String>,
    /// Kemendagri code of the contest (province, regency or city); none for a national race.
    #[serde(default)]
    pub region: Option<String>,
    pub number: u32,
    pub names: Vec<String>,
    #[serde(default)]
    pub nicknames: Vec<String>,
    #[serde(default)]
    pub hashtags: Vec<String>,
    #[serde(default)]
    pub slogans: Vec<String>,
    #[serde(default)]
    pub parties: Vec<String>,
}

const NUMBER_WORDS: [&str; 10] =
    ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"];

impl Pair {
    /// The pair's display name, `Name A – Name B`.
    pub fn display_name(&self) -> String {
        self.names.join(" – ")
    }

    /// Every written form with its kind: names, nicknames, hashtags, slogans, parties and the ballot number's forms.
    pub fn written_forms(&self) -> Vec<(CandidateField, String)> {
        let mut forms = Vec::new();
        for name in &self.names {
            forms.push((CandidateField::Name, name.clone()));
        }
        for (field, list) in [
            (CandidateField::Nickname, &self.nicknames),
            (CandidateField::Hashtag, &self.hashtags),
            (CandidateField::Slogan, &self.slogans),
            (CandidateField::Party, &self.parties),
        ] {
            for written in list {
                forms.push((field, written.clone()));
            }
        }
        let n = self.number;
        let mut numbers = vec![n.to_string(), format!("{n:02}")];
        if let Some(word) = NUMBER_WORDS.get(n as usize) {
            numbers.push(word.to_string());
        }
        for number in &numbers {
            for prefix in ["nomor", "nomor urut", "urut", "pasangan calon", "pasangan calon nomor", "coblos", "pilih"] {
                forms.push((CandidateField::Number, format!("{prefix} {number}")));
            }
            forms.push((CandidateField::Number, format!("salam {number} jari")));
            forms.push((CandidateField::Number, format!("{number} jari")));
        }
        forms.push((CandidateField::Number, format!("#{n:02}")));
        forms.sort();
        forms.dedup();
        forms
    }

    /// Whether the pair's contest covers `region` (the post's region, a code of any level) or has no region.
    pub fn covers(&self, region: &str) -> bool {
        match &self.region {
            None => true,
            Some(contest) => region == contest || region.starts_with(&format!("{contest}.")),
        }
    }
}

/// The candidate pairs of one election.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CandidateSet {
    pub election: String,
    #[serde(rename = "pair", default)]
    pub pairs: Vec<Pair>,
}

impl CandidateSet {
    /// Parses a candidate file; numbers are unique per region and every pair has a name.
    pub fn from_toml(text: &str) -> Result<CandidateSet, LexiconError> {
        let set: CandidateSet = toml::from_str(text).map_err(|e| LexiconError(format!("candidates: {e}")))?;
        let mut seen = std::collections::HashSet::new();
        for pair in &set.pairs {
            if pair.names.is_empty() || pair.names.iter().any(|n| n.trim().is_empty()) {
                return Err(LexiconError(format!("candidates: pair {} needs its names", pair.number)));
            }
            if !seen.insert((pair.region.clone(), pair.number)) {
                return Err(LexiconError(format!(
                    "candidates: number {} is listed twice in region {}",
                    pair.number,
                    pair.region.as_deref().unwrap_or("(national)")
                )));
            }
        }
        Ok(set)
    }

    /// The candidate list shipped for election `id`, if any.
    pub fn builtin(id: &str) -> Option<CandidateSet> {
        let text = match id {
            "pemilu-2024" => include_str!("../../../data/screen/candidates/pemilu-2024.toml"),
            "pilkada-2024" => include_str!("../../../data/screen/candidates/pilkada-2024.toml"),
            _ => return None,
        };
        Some(CandidateSet::from_toml(text).expect("the built-in candidate lists parse"))
    }

    /// Every shipped list merged into one (what the model is trained with: a generic "names a candidate").
    pub fn builtin_all() -> CandidateSet {
        let mut all = CandidateSet { election: "*".into(), pairs: Vec::new() };
        for id in ["pemilu-2024", "pilkada-2024"] {
            let mut set = CandidateSet::builtin(id).expect("listed");
            for pair in &mut set.pairs {
                pair.election = Some(id.to_string());
            }
            all.pairs.extend(set.pairs);
        }
        all
    }

    /// Whether a number alone identifies a pair: one contest only.
    pub fn single_contest(&self) -> bool {
        let first = self.pairs.first().map(|p| (&p.election, &p.region));
        self.pairs.iter().all(|p| Some((&p.election, &p.region)) == first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_lists_parse_and_expand_numbers() {
        let set = CandidateSet::builtin("pemilu-2024").unwrap();
        assert_eq!(set.pairs.len(), 3);
        assert!(set.single_contest());
        let forms = set.pairs[1].written_forms();
        for form in ["nomor 02", "pasangan calon 2", "salam dua jari", "#02", "Prabowo Subianto"] {
            assert!(forms.iter().any(|(_, f)| f == form), "missing {form}");
        }
        let pilkada = CandidateSet::builtin("pilkada-2024").unwrap();
        assert!(!pilkada.single_contest());
        assert!(pilkada.pairs[0].covers("31.71"));
        assert!(!pilkada.pairs[0].covers("32"));
        assert!(CandidateSet::builtin("nope").is_none());
    }

    #[test]
    fn a_number_twice_in_one_region_is_refused() {
        let text = "election = \"x\"\n[[pair]]\nnumber = 1\nnames = [\"A\"]\n[[pair]]\nnumber = 1\nnames = [\"B\"]\n";
        assert!(CandidateSet::from_toml(text).unwrap_err().0.contains("twice"));
        assert!(CandidateSet::from_toml("election = \"x\"\n[[pair]]\nnumber = 1\nnames = []\n").is_err());
    }
}
