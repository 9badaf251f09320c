//! The linear model: one logistic head for `violation` and one per act label, over hashed features.
//!
//! The file format is a magic line, a JSON header (heads, thresholds, biases, hashing width, what it was
//! trained from) and the non-zero weight rows as little-endian `u32` bucket + `f32` per head. It is written
//! by `netra model train` and read here; the repository's copy is compiled in (`data/screen/model.bin`).

use std::fmt;

use netra_core::catalogue::ActLabel;
use serde::{Deserialize, Serialize};

use crate::features::{FEATURE_VERSION, Features};

/// Heads: `violation` first, then the 15 acts in corpus order.
pub const HEADS: usize = 1 + ActLabel::ALL.len();

const MAGIC: &[u8; 12] = b"NETRA-MODEL\n";

/// The head's name: `violation` or the act label.
pub fn head_name(head: usize) -> &'static str {
    if head == 0 { "violation" } else { ActLabel::ALL[head - 1].as_str() }
}

/// What a model file says about itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub format: u32,
    pub feature_version: u32,
    pub bits: u32,
    pub heads: Vec<String>,
    pub bias: Vec<f32>,
    pub thresholds: Vec<f32>,
    /// Out-of-fold F1 per head on the training rows, from the folds that chose the thresholds.
    pub validation_f1: Vec<f32>,
    /// Training inputs (file names and row counts) and settings, for the record.
    pub trained_from: Vec<String>,
    pub settings: String,
}

/// A model file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError(pub String);

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "model: {}", self.0)
    }
}

impl std::error::Error for ModelError {}

/// The trained linear model.
///
/// Rows are stored compactly: `index` maps each of the `2^bits` buckets to a row of `HEADS` weights in `rows`
/// or to [`NO_ROW`]. A loaded model keeps only its non-zero rows (a few megabytes that stay in cache instead of
/// a dense table); a model in training has every row.
#[derive(Clone)]
pub struct Model {
    pub info: ModelInfo,
    index: Vec<u32>,
    rows: Vec<f32>,
}

const NO_ROW: u32 = u32::MAX;
static ZERO_ROW: [f32; HEADS] = [0.0; HEADS];

impl fmt::Debug for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Model").field("info", &self.info).finish_non_exhaustive()
    }
}

/// Per-head probabilities.
pub type Scores = [f32; HEADS];

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

impl Model {
    /// A model with zero weights (training starts here).
    pub fn empty(info: ModelInfo) -> Model {
        let buckets = 1u32 << info.bits;
        Model { index: (0..buckets).collect(), rows: vec![0.0; buckets as usize * HEADS], info }
    }

    /// The weights of bucket `bucket` (zeros for a bucket the model never saw).
    #[inline]
    pub fn row(&self, bucket: u32) -> &[f32] {
        match self.index[bucket as usize] {
            NO_ROW => &ZERO_ROW,
            row => {
                let at = row as usize * HEADS;
                &self.rows[at..at + HEADS]
            }
        }
    }

    /// The weights of bucket `bucket`, for training (every row exists in a model made by [`Model::empty`]).
    pub(crate) fn row_mut(&mut self, bucket: u32) -> &mut [f32] {
        let row = self.index[bucket as usize];
        assert_ne!(row, NO_ROW, "training models have every row");
        let at = row as usize * HEADS;
        &mut self.rows[at..at + HEADS]
    }

    /// Raw scores (log-odds) of every head.
    pub fn margins(&self, features: &Features) -> [f32; HEADS] {
        self.margins_of(features.values.iter().copied())
    }

    /// Margins of every head for `(bucket, value)` pairs.
    pub fn margins_of(&self, values: impl Iterator<Item = (u32, f32)>) -> [f32; HEADS] {
        let mut acc = [0.0f32; HEADS];
        acc.copy_from_slice(&self.info.bias);
        for (bucket, value) in values {
            let row = self.row(bucket);
            for (a, w) in acc.iter_mut().zip(row) {
                *a += value * w;
            }
        }
        acc
    }

    /// Probabilities of every head.
    pub fn scores(&self, features: &Features) -> Scores {
        self.margins(features).map(sigmoid)
    }

    /// Probabilities of every head for `(bucket, value)` pairs.
    pub fn scores_of(&self, values: impl Iterator<Item = (u32, f32)>) -> Scores {
        self.margins_of(values).map(sigmoid)
    }

    /// The decision: `violation` over its threshold, and the acts over theirs (at least the likeliest act when
    /// `violation` holds, since every violation is of some kind). Acts are empty when `violation` does not hold.
    pub fn decide(&self, scores: &Scores) -> (bool, Vec<usize>) {
        let violation = scores[0] >= self.info.thresholds[0];
        if !violation {
            return (false, Vec::new());
        }
        let mut acts: Vec<usize> = (1..HEADS).filter(|&h| scores[h] >= self.info.thresholds[h]).collect();
        if acts.is_empty() {
            let best = (1..HEADS).max_by(|&a, &b| scores[a].total_cmp(&scores[b])).unwrap_or(1);
            acts.push(best);
        }
        acts.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
        (true, acts)
    }

    /// [`Model::decide`] with the acts as labels.
    pub fn decide_acts(&self, scores: &Scores) -> (bool, Vec<ActLabel>) {
        let (violation, heads) = self.decide(scores);
        (violation, heads.into_iter().map(|h| ActLabel::ALL[h - 1]).collect())
    }

    /// Writes the model file.
    pub fn to_bytes(&self) -> Vec<u8> {
        let header = serde_json::to_vec(&self.info).expect("the header serialises");
        let mut out = Vec::with_capacity(header.len() + 64);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        out.extend_from_slice(&header);
        let rows: Vec<u32> = (0..1u32 << self.info.bits).filter(|&b| self.row(b).iter().any(|w| *w != 0.0)).collect();
        out.extend_from_slice(&(rows.len() as u32).to_le_bytes());
        for bucket in rows {
            out.extend_from_slice(&bucket.to_le_bytes());
            for w in self.row(bucket) {
                out.extend_from_slice(&w.to_le_bytes());
            }
        }
        out
    }

    /// Reads a model file, checking its shape.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        let err = |m: &str| ModelError(m.to_string());
        let rest = bytes.strip_prefix(MAGIC).ok_or_else(|| err("not a Netra model file"))?;
        let (len, rest) = take_u32(rest).ok_or_else(|| err("truncated header"))?;
        let header = rest.get(..len as usize).ok_or_else(|| err("truncated header"))?;
        let info: ModelInfo = serde_json::from_slice(header).map_err(|e| ModelError(format!("bad header: {e}")))?;
        if info.format != 1 {
            return Err(ModelError(format!("format {} is not supported", info.format)));
        }
        if info.feature_version != FEATURE_VERSION {
            return Err(ModelError(format!(
                "trained with features v{}, this build extracts v{FEATURE_VERSION}: retrain",
                info.feature_version
            )));
        }
        let expected: Vec<&str> = (0..HEADS).map(head_name).collect();
        if info.heads != expected || info.bias.len() != HEADS || info.thresholds.len() != HEADS {
            return Err(err("heads do not match this build's act labels"));
        }
        if !(8..=24).contains(&info.bits) {
            return Err(err("hashing width out of range"));
        }
        let (count, mut rest) = take_u32(&rest[len as usize..]).ok_or_else(|| err("truncated weights"))?;
        if (count as usize).saturating_mul(4 * (HEADS + 1)) > rest.len() {
            return Err(err("truncated weights"));
        }
        let mut index = vec![NO_ROW; 1usize << info.bits];
        let mut rows = Vec::with_capacity(count as usize * HEADS);
        for row in 0..count {
            let (bucket, after) = take_u32(rest).ok_or_else(|| err("truncated weights"))?;
            if bucket >> info.bits != 0 || index[bucket as usize] != NO_ROW {
                return Err(err("bucket out of range or repeated"));
            }
            index[bucket as usize] = row;
            rest = after;
            for _ in 0..HEADS {
                let (bits, after) = take_u32(rest).ok_or_else(|| err("truncated weights"))?;
                rows.push(f32::from_bits(bits));
                rest = after;
            }
        }
        let model = Model { info, index, rows };
        if !rest.is_empty() {
            return Err(err("trailing bytes"));
        }
        Ok(model)
    }
}

fn take_u32(bytes: &[u8]) -> Option<(u32, &[u8])> {
    let (head, rest) = bytes.split_first_chunk::<4>()?;
    Some((u32::from_le_bytes(*head), rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> ModelInfo {
        ModelInfo {
            format: 1,
            feature_version: FEATURE_VERSION,
            bits: 10,
            heads: (0..HEADS).map(|h| head_name(h).to_string()).collect(),
            bias: vec![-1.0; HEADS],
            thresholds: vec![0.5; HEADS],
            validation_f1: vec![0.0; HEADS],
            trained_from: vec!["test".into()],
            settings: String::new(),
        }
    }

    #[test]
    fn a_model_round_trips_and_damage_is_refused() {
        let mut model = Model::empty(info());
        model.row_mut(7)[3] = 0.25;
        model.row_mut(1023)[0] = -2.0;
        let bytes = model.to_bytes();
        let back = Model::from_bytes(&bytes).unwrap();
        assert_eq!(back.row(7)[3], 0.25);
        assert_eq!(back.row(1023)[0], -2.0);
        assert_eq!(back.info, model.info);
        assert!(Model::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        assert!(Model::from_bytes(b"hello").is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Model::from_bytes(&longer).is_err());
    }

    #[test]
    fn acts_need_a_violation_and_a_violation_has_an_act() {
        let model = Model::empty(info());
        let mut scores = [0.1; HEADS];
        assert_eq!(model.decide(&scores), (false, vec![]));
        scores[0] = 0.9;
        scores[4] = 0.3;
        assert_eq!(model.decide(&scores), (true, vec![4]), "the likeliest act when none passes");
        scores[2] = 0.8;
        scores[5] = 0.95;
        assert_eq!(model.decide(&scores), (true, vec![5, 2]));
    }
}
