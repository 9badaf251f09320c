//! Training: logistic regression per head with AdaGrad and L2, and thresholds chosen on held-out folds.
//!
//! [`train`] featurises the examples once, runs `folds`-fold cross-validation on them to get an out-of-fold
//! score for every row, picks each head's threshold where the out-of-fold F1 is best (acts counted only when
//! the out-of-fold `violation` decision holds, as at prediction), then fits the final weights on all rows.
//! Everything is seeded: the same inputs and settings give the same bytes.

use netra_core::catalogue::ActLabel;

use crate::features::{FEATURE_VERSION, Features, Featurizer};
use crate::model::{HEADS, Model, ModelInfo, head_name};

/// A labelled text.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub text: String,
    pub violation: bool,
    pub acts: Vec<ActLabel>,
}

impl Example {
    fn targets(&self) -> [bool; HEADS] {
        let mut y = [false; HEADS];
        y[0] = self.violation;
        for act in &self.acts {
            let at = ActLabel::ALL.iter().position(|a| a == act).expect("every act is listed");
            y[1 + at] = true;
        }
        y
    }
}

/// Training settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainOptions {
    pub epochs: u32,
    pub learning_rate: f32,
    pub l2: f32,
    pub folds: usize,
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions { epochs: 30, learning_rate: 0.5, l2: 1e-4, folds: 5, seed: 20_241_127 }
    }
}

pub use netra_core::rng::SplitMix;

/// The fold of each of `n` rows: a seeded shuffle dealt round-robin.
pub fn fold_of_rows(n: usize, folds: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    SplitMix(seed).shuffle(&mut order);
    let mut fold = vec![0; n];
    for (position, row) in order.into_iter().enumerate() {
        fold[row] = position % folds;
    }
    fold
}

/// Weights and biases fitted on `rows`.
fn fit(bits: u32, data: &[(Features, [bool; HEADS])], rows: &[usize], options: &TrainOptions) -> Model {
    let mut positives = [0usize; HEADS];
    for &r in rows {
        for (h, &y) in data[r].1.iter().enumerate() {
            positives[h] += usize::from(y);
        }
    }
    // Rare heads weigh their positives up (square root of the imbalance, at most 5×).
    let positive_weight: [f32; HEADS] = std::array::from_fn(|h| {
        let p = positives[h].max(1) as f32;
        ((rows.len() as f32 - p).max(1.0) / p).sqrt().clamp(1.0, 5.0)
    });
    let info = ModelInfo {
        format: 1,
        feature_version: FEATURE_VERSION,
        bits,
        heads: (0..HEADS).map(|h| head_name(h).to_string()).collect(),
        bias: vec![0.0; HEADS],
        thresholds: vec![0.5; HEADS],
        validation_f1: vec![0.0; HEADS],
        trained_from: Vec::new(),
        settings: String::new(),
    };
    let mut model = Model::empty(info);
    let mut squares = Model::empty(model.info.clone());
    let mut bias = [0.0f32; HEADS];
    let mut bias_squares = [0.0f32; HEADS];
    let mut order = rows.to_vec();
    let mut rng = SplitMix(options.seed ^ 0x5eed);
    // Averaged SGD: the mean of the weights after each epoch of the second half, which steadies a model fitted
    // on a few hundred rows.
    let mut average = Model::empty(model.info.clone());
    let mut average_bias = [0.0f32; HEADS];
    let mut averaged = 0u32;
    let touched: Vec<u32> = {
        let mut b: Vec<u32> = rows.iter().flat_map(|&r| data[r].0.values.iter().map(|(b, _)| *b)).collect();
        b.sort_unstable();
        b.dedup();
        b
    };
    for epoch in 0..options.epochs {
        rng.shuffle(&mut order);
        for &r in &order {
            let (features, targets) = &data[r];
            let mut margin = bias;
            for &(bucket, value) in &features.values {
                for (m, w) in margin.iter_mut().zip(model.row(bucket)) {
                    *m += value * w;
                }
            }
            let gradient: [f32; HEADS] = std::array::from_fn(|h| {
                let p = 1.0 / (1.0 + (-margin[h]).exp());
                if targets[h] { (p - 1.0) * positive_weight[h] } else { p }
            });
            for &(bucket, value) in &features.values {
                let weights = model.row_mut(bucket);
                let acc = squares.row_mut(bucket);
                for h in 0..HEADS {
                    let g = gradient[h] * value + options.l2 * weights[h];
                    acc[h] += g * g;
                    weights[h] -= options.learning_rate * g / (acc[h].sqrt() + 1e-6);
                }
            }
            for h in 0..HEADS {
                bias_squares[h] += gradient[h] * gradient[h];
                bias[h] -= options.learning_rate * gradient[h] / (bias_squares[h].sqrt() + 1e-6);
            }
        }
        if epoch >= options.epochs / 2 {
            averaged += 1;
            for &bucket in &touched {
                let current: [f32; HEADS] = model.row(bucket).try_into().expect("a row has HEADS weights");
                for (a, w) in average.row_mut(bucket).iter_mut().zip(current) {
                    *a += w;
                }
            }
            for (a, b) in average_bias.iter_mut().zip(bias) {
                *a += b;
            }
        }
    }
    let n = averaged.max(1) as f32;
    for &bucket in &touched {
        for a in average.row_mut(bucket) {
            *a /= n;
        }
    }
    average.info.bias = average_bias.iter().map(|b| b / n).collect();
    average
}

/// F1 from counts (0 when undefined).
pub fn f1(tp: usize, fp: usize, fn_: usize) -> f32 {
    if tp == 0 { 0.0 } else { 2.0 * tp as f32 / (2 * tp + fp + fn_) as f32 }
}

/// The threshold with the best F1 for `scored` `(score, truth)` rows where `allowed` gates a positive
/// prediction; the midpoint between the chosen score and the next lower one, and its F1.
fn best_threshold(scored: &[(f32, bool, bool)]) -> (f32, f32) {
    let mut sorted: Vec<(f32, bool, bool)> = scored.to_vec();
    sorted.sort_by(|a, b| b.0.total_cmp(&a.0));
    let total_true = sorted.iter().filter(|(_, t, _)| *t).count();
    let (mut tp, mut fp) = (0usize, 0usize);
    let (mut best, mut best_f1) = (0.5f32, -1.0f32);
    for (i, &(score, truth, allowed)) in sorted.iter().enumerate() {
        if allowed {
            if truth { tp += 1 } else { fp += 1 }
        }
        // A threshold can only sit between distinct scores.
        let next = sorted.get(i + 1).map(|r| r.0);
        if next == Some(score) {
            continue;
        }
        let f = f1(tp, fp, total_true - tp.min(total_true));
        if f > best_f1 {
            best_f1 = f;
            best = match next {
                Some(lower) => (score + lower) / 2.0,
                None => score - 1e-6,
            };
        }
    }
    (best.clamp(0.01, 0.99), best_f1.max(0.0))
}

/// Out-of-fold scores of every row: each fold's rows scored by a model fitted on the others.
pub fn out_of_fold_scores(
    bits: u32,
    data: &[(Features, [bool; HEADS])],
    folds: &[usize],
    k: usize,
    options: &TrainOptions,
) -> Vec<[f32; HEADS]> {
    let mut scores = vec![[0.0; HEADS]; data.len()];
    for fold in 0..k {
        let train: Vec<usize> = (0..data.len()).filter(|&r| folds[r] != fold).collect();
        let model = fit(bits, data, &train, options);
        for r in (0..data.len()).filter(|&r| folds[r] == fold) {
            scores[r] = model.scores(&data[r].0);
        }
    }
    scores
}

/// Trains a model on `examples` (see the module documentation). `trained_from` is recorded in the file.
pub fn train(
    featurizer: &Featurizer,
    examples: &[Example],
    options: &TrainOptions,
    trained_from: Vec<String>,
) -> Model {
    let data: Vec<(Features, [bool; HEADS])> =
        examples.iter().map(|e| (featurizer.analyse(&e.text).features(), e.targets())).collect();
    let bits = featurizer.bits;
    let k = options.folds.clamp(2, data.len().max(2));
    let folds = fold_of_rows(data.len(), k, options.seed);
    let oof = out_of_fold_scores(bits, &data, &folds, k, options);

    let mut thresholds = vec![0.5f32; HEADS];
    let mut validation_f1 = vec![0.0f32; HEADS];
    let violation: Vec<(f32, bool, bool)> = oof.iter().zip(&data).map(|(s, (_, y))| (s[0], y[0], true)).collect();
    (thresholds[0], validation_f1[0]) = best_threshold(&violation);
    for h in 1..HEADS {
        let rows: Vec<(f32, bool, bool)> =
            oof.iter().zip(&data).map(|(s, (_, y))| (s[h], y[h], s[0] >= thresholds[0])).collect();
        if rows.iter().any(|(_, t, _)| *t) {
            (thresholds[h], validation_f1[h]) = best_threshold(&rows);
        }
    }

    let all: Vec<usize> = (0..data.len()).collect();
    let mut model = fit(bits, &data, &all, options);
    model.info.thresholds = thresholds;
    model.info.validation_f1 = validation_f1;
    model.info.trained_from = trained_from;
    model.info.settings = format!(
        "epochs={} learning_rate={} l2={} folds={} seed={} bits={bits}",
        options.epochs, options.learning_rate, options.l2, k, options.seed
    );
    model
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_are_balanced_and_seeded() {
        let a = fold_of_rows(103, 5, 7);
        assert_eq!(a, fold_of_rows(103, 5, 7));
        assert_ne!(a, fold_of_rows(103, 5, 8));
        for f in 0..5 {
            let n = a.iter().filter(|&&x| x == f).count();
            assert!((20..=21).contains(&n));
        }
    }

    #[test]
    fn the_best_threshold_separates_and_respects_the_gate() {
        let rows = [(0.9, true, true), (0.8, true, true), (0.4, false, true), (0.2, false, true)];
        let (t, f) = best_threshold(&rows);
        assert!((0.4..0.8).contains(&t), "{t}");
        assert_eq!(f, 1.0);
        let gated = [(0.9, true, false), (0.8, true, true), (0.4, false, true)];
        assert!(best_threshold(&gated).1 < 1.0, "a gated-off row cannot count as found");
    }
}
