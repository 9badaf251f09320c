//! Evaluation: per-act precision, recall and F1, macro-F1, and the confusion of `violation`.

use std::fmt::Write as _;

use netra_core::catalogue::ActLabel;
use serde::Serialize;

use crate::train::f1;

/// True/false positives and negatives of one decision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
    pub tn: usize,
}

impl Counts {
    fn add(&mut self, truth: bool, predicted: bool) {
        match (truth, predicted) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }

    pub fn precision(&self) -> f32 {
        if self.tp + self.fp == 0 { 0.0 } else { self.tp as f32 / (self.tp + self.fp) as f32 }
    }

    pub fn recall(&self) -> f32 {
        if self.tp + self.fn_ == 0 { 0.0 } else { self.tp as f32 / (self.tp + self.fn_) as f32 }
    }

    pub fn f1(&self) -> f32 {
        f1(self.tp, self.fp, self.fn_)
    }

    /// Rows where the truth holds.
    pub fn support(&self) -> usize {
        self.tp + self.fn_
    }
}

/// Accumulated results over labelled rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub rows: usize,
    pub violation: Counts,
    pub acts: [Counts; 15],
}

impl Evaluation {
    /// Adds one row's truth and prediction.
    pub fn add(&mut self, truth_violation: bool, truth_acts: &[ActLabel], violation: bool, acts: &[ActLabel]) {
        self.rows += 1;
        self.violation.add(truth_violation, violation);
        for (i, act) in ActLabel::ALL.iter().enumerate() {
            self.acts[i].add(truth_acts.contains(act), acts.contains(act));
        }
    }

    /// Mean F1 over the acts that occur in the truth (an act absent from the data has no defined F1).
    pub fn macro_f1(&self) -> f32 {
        let present: Vec<&Counts> = self.acts.iter().filter(|c| c.support() > 0).collect();
        if present.is_empty() { 0.0 } else { present.iter().map(|c| c.f1()).sum::<f32>() / present.len() as f32 }
    }

    /// A plain-text report: one line per act, macro-F1, and the `violation` confusion.
    pub fn report(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{:<26} {:>9} {:>9} {:>9} {:>8}", "act", "precision", "recall", "f1", "support");
        for (i, act) in ActLabel::ALL.iter().enumerate() {
            let c = &self.acts[i];
            let _ = writeln!(
                out,
                "{:<26} {:>9.3} {:>9.3} {:>9.3} {:>8}",
                act.as_str(),
                c.precision(),
                c.recall(),
                c.f1(),
                c.support()
            );
        }
        let present = self.acts.iter().filter(|c| c.support() > 0).count();
        let _ = writeln!(out, "\nmacro-F1 over the {present} acts present: {:.3}", self.macro_f1());
        let v = &self.violation;
        let _ = writeln!(
            out,
            "violation: precision {:.3}  recall {:.3}  F1 {:.3}  ({} rows)",
            v.precision(),
            v.recall(),
            v.f1(),
            self.rows
        );
        let _ = writeln!(out, "\nconfusion of violation   predicted true  predicted false");
        let _ = writeln!(out, "  truly true              {:>14}  {:>15}", v.tp, v.fn_);
        let _ = writeln!(out, "  truly false             {:>14}  {:>15}", v.fp, v.tn);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_macro_f1_follow_their_definitions() {
        let mut e = Evaluation::default();
        e.add(true, &[ActLabel::SocmedPost], true, &[ActLabel::SocmedPost]);
        e.add(true, &[ActLabel::BannerApk], true, &[ActLabel::SocmedPost]);
        e.add(false, &[], true, &[ActLabel::BannerApk]);
        e.add(false, &[], false, &[]);
        assert_eq!(e.violation, Counts { tp: 2, fp: 1, fn_: 0, tn: 1 });
        let post = &e.acts[7];
        assert_eq!((post.tp, post.fp, post.fn_), (1, 1, 0));
        assert!((post.f1() - 2.0 / 3.0).abs() < 1e-6);
        assert_eq!(e.acts[10].f1(), 0.0);
        assert!((e.macro_f1() - (2.0 / 3.0) / 2.0).abs() < 1e-6, "two acts present");
        let report = e.report();
        assert!(report.contains("SOCMED_POST") && report.contains("macro-F1 over the 2 acts"));
    }
}
