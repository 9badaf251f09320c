//! The short "boleh atau tidak?" quiz of a socialisation session: situations drawn from the catalogue (each
//! prohibited act is a "tidak boleh") mixed with allowed situations kept as data, the same questions for everyone
//! in a session (seeded by the session), and the score of a set of answers.

use serde::Deserialize;

use crate::Locale;
use crate::catalogue::Catalogue;
use crate::rng::SplitMix;

const ALLOWED: &str = include_str!("../../../data/pact/allowed.toml");

/// Questions per quiz.
pub const QUESTIONS: usize = 5;

/// One situation: is it allowed?
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub situation_id: String,
    pub situation_en: String,
    pub allowed: bool,
    /// The catalogue item behind a prohibited situation.
    pub item: Option<String>,
}

impl Question {
    pub fn situation(&self, locale: Locale) -> &str {
        locale.pick(&self.situation_id, &self.situation_en)
    }
}

#[derive(Deserialize)]
struct Allowed {
    allowed: Vec<Situation>,
}

#[derive(Deserialize)]
struct Situation {
    id: String,
    en: String,
}

/// The quiz of a session: three prohibited situations (from `materials`, the session's catalogue items, when it
/// has any; else from the whole catalogue) and two allowed ones, in an order fixed by `seed`.
pub fn quiz(catalogue: &Catalogue, materials: &[String], seed: u64) -> Vec<Question> {
    let allowed: Allowed = toml::from_str(ALLOWED).expect("data/pact/allowed.toml is valid (tested)");
    let mut rng = SplitMix(seed);
    let mut prohibited: Vec<_> = materials.iter().filter_map(|code| catalogue.get(code)).collect();
    if prohibited.len() < 3 {
        prohibited = catalogue.items().iter().filter(|item| item.parent.is_none()).collect();
    }
    rng.shuffle(&mut prohibited);
    let mut allowed = allowed.allowed;
    rng.shuffle(&mut allowed);
    let mut questions: Vec<Question> = prohibited
        .into_iter()
        .take(3)
        .map(|item| Question {
            situation_id: item.title_id.clone(),
            situation_en: item.title_en.clone(),
            allowed: false,
            item: Some(item.code.clone()),
        })
        .chain(allowed.into_iter().take(QUESTIONS - 3).map(|s| Question {
            situation_id: s.id,
            situation_en: s.en,
            allowed: true,
            item: None,
        }))
        .collect();
    rng.shuffle(&mut questions);
    questions
}

/// How many answers (`true`: "boleh") are right; a missing answer is wrong.
pub fn score(questions: &[Question], answers: &[Option<bool>]) -> u32 {
    questions.iter().enumerate().filter(|(i, q)| answers.get(*i).copied().flatten() == Some(q.allowed)).count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quiz_mixes_prohibited_and_allowed_situations_the_same_way_for_a_session() {
        let catalogue = crate::builtin::catalogue();
        let first = quiz(catalogue, &[], 7);
        assert_eq!(first.len(), QUESTIONS);
        assert_eq!(first.iter().filter(|q| q.allowed).count(), 2);
        assert!(
            first.iter().filter(|q| !q.allowed).all(|q| q.item.as_deref().is_some_and(|c| catalogue.get(c).is_some()))
        );
        assert_eq!(quiz(catalogue, &[], 7), first, "the same seed, the same quiz");
        let all_right: Vec<Option<bool>> = first.iter().map(|q| Some(q.allowed)).collect();
        assert_eq!(score(&first, &all_right), 5);
        let all_wrong: Vec<Option<bool>> = first.iter().map(|q| Some(!q.allowed)).collect();
        assert_eq!(score(&first, &all_wrong), 0);
        assert_eq!(score(&first, &[]), 0);
    }

    #[test]
    fn a_session_quiz_asks_about_its_own_materials() {
        let catalogue = crate::builtin::catalogue();
        let materials: Vec<String> =
            catalogue.items().iter().filter(|i| i.parent.is_none()).take(3).map(|i| i.code.clone()).collect();
        let questions = quiz(catalogue, &materials, 1);
        let asked: Vec<&str> = questions.iter().filter_map(|q| q.item.as_deref()).collect();
        assert_eq!(asked.len(), 3);
        assert!(asked.iter().all(|code| materials.iter().any(|m| m == code)), "{asked:?}");
    }
}
