//! The tamper-evident audit trail: every entry's hash covers its content and the previous entry's hash, so
//! editing, deleting or reordering a stored entry breaks the chain at that entry.
//!
//! The sequence number is deliberately *not* hashed: the chain order is carried by `prev_hash`, so a row that
//! was moved (its `seq` swapped with another's) still verifies on its own but no longer links to its
//! predecessor, and the verifier can tell "moved" from "edited".

use std::fmt;

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// The `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When, truncated to microseconds so that every database stores it exactly.
    pub at: OffsetDateTime,
    /// Who: a user id, `system` or `public`.
    pub actor: String,
    /// The actor's office, if any.
    pub office: Option<String>,
    /// What was done, e.g. `office.create`.
    pub action: String,
    /// The kind of object, e.g. `office`.
    pub object_kind: String,
    /// The object's id.
    pub object_id: String,
    /// The object's region, for jurisdiction scoping of the trail.
    pub region: Option<String>,
    /// The object's agency, for jurisdiction scoping of the trail.
    pub agency: Option<String>,
    /// SHA-256 of the object's canonical form before the change (`None` when created).
    pub before_digest: Option<String>,
    /// SHA-256 of the object's canonical form after the change (`None` when deleted).
    pub after_digest: Option<String>,
    /// A short human-readable description (never personal data such as a NIK).
    pub summary: String,
    pub prev_hash: String,
    pub hash: String,
}

/// Truncates a time to whole microseconds, the precision every backend keeps.
pub fn audit_time(at: OffsetDateTime) -> OffsetDateTime {
    let micros = at.nanosecond() / 1_000 * 1_000;
    at.replace_nanosecond(micros).unwrap_or(at)
}

/// Hex SHA-256 of some bytes, for before/after digests.
pub fn digest(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(bytes))
}

impl AuditEntry {
    /// The hash this entry must carry, from its content and `prev_hash`.
    pub fn compute_hash(&self) -> String {
        let mut hasher = Sha256::new();
        let at = self.at.unix_timestamp_nanos() / 1_000;
        let fields: [Option<&str>; 11] = [
            Some(&self.prev_hash),
            Some(&self.actor),
            self.office.as_deref(),
            Some(&self.action),
            Some(&self.object_kind),
            Some(&self.object_id),
            self.region.as_deref(),
            self.agency.as_deref(),
            self.before_digest.as_deref(),
            self.after_digest.as_deref(),
            Some(&self.summary),
        ];
        hasher.update(at.to_be_bytes());
        // Length-prefixed fields, with a distinct marker for "absent", so no two entries share an encoding.
        for field in fields {
            match field {
                None => hasher.update([0u8]),
                Some(text) => {
                    hasher.update([1u8]);
                    hasher.update((text.len() as u64).to_be_bytes());
                    hasher.update(text.as_bytes());
                }
            }
        }
        data_encoding::HEXLOWER.encode(&hasher.finalize())
    }

    /// Fills `prev_hash` and `hash` for an entry about to be appended after `previous` (`None` for the first).
    pub fn seal(&mut self, previous: Option<&str>) {
        self.prev_hash = previous.unwrap_or(GENESIS_HASH).to_string();
        self.hash = self.compute_hash();
    }
}

/// Where and why the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The entry's content no longer matches its hash.
    Edited { seq: i64 },
    /// An entry is missing: the next one present has a higher number.
    Deleted { seq: i64 },
    /// The entry verifies on its own but does not follow its predecessor: it was moved, or entries before it
    /// were deleted and the rest renumbered.
    Reordered { seq: i64 },
    /// Entries at the end are gone: the recorded head says the chain was longer.
    Truncated { expected_length: i64, found_length: i64 },
}

impl ChainBreak {
    /// The first bad entry's number.
    pub fn seq(&self) -> i64 {
        match self {
            ChainBreak::Edited { seq } | ChainBreak::Deleted { seq } | ChainBreak::Reordered { seq } => *seq,
            ChainBreak::Truncated { found_length, .. } => found_length + 1,
        }
    }
}

impl fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainBreak::Edited { seq } => write!(f, "entri #{seq} telah diubah (isinya tidak cocok dengan hash-nya)"),
            ChainBreak::Deleted { seq } => write!(f, "entri #{seq} telah dihapus"),
            ChainBreak::Reordered { seq } => {
                write!(f, "entri #{seq} tidak menyambung ke entri sebelumnya (urutan diubah atau entri dihapus)")
            }
            ChainBreak::Truncated { expected_length, found_length } => {
                write!(f, "entri #{} sampai #{expected_length} telah dihapus dari ujung rantai", found_length + 1)
            }
        }
    }
}

/// Checks a chain entry by entry, in `seq` order, without holding it in memory.
#[derive(Debug, Default)]
pub struct ChainVerifier {
    length: i64,
    last_seq: i64,
    last_hash: Option<String>,
}

impl ChainVerifier {
    pub fn new() -> ChainVerifier {
        ChainVerifier::default()
    }

    /// Checks the next entry; the first error is the first bad entry.
    pub fn push(&mut self, entry: &AuditEntry) -> Result<(), ChainBreak> {
        let expected_seq = self.last_seq + 1;
        if entry.seq > expected_seq {
            return Err(ChainBreak::Deleted { seq: expected_seq });
        }
        if entry.compute_hash() != entry.hash {
            return Err(ChainBreak::Edited { seq: entry.seq });
        }
        let expected_prev = self.last_hash.as_deref().unwrap_or(GENESIS_HASH);
        if entry.seq < expected_seq || entry.prev_hash != expected_prev {
            return Err(ChainBreak::Reordered { seq: entry.seq });
        }
        self.length += 1;
        self.last_seq = entry.seq;
        self.last_hash = Some(entry.hash.clone());
        Ok(())
    }

    /// Ends the check against the head recorded at the last append (length and hash), if one was recorded.
    pub fn finish(self, recorded_head: Option<(i64, &str)>) -> Result<ChainHead, ChainBreak> {
        if let Some((length, hash)) = recorded_head {
            if length > self.length {
                return Err(ChainBreak::Truncated { expected_length: length, found_length: self.length });
            }
            if length == self.length && self.last_hash.as_deref() != Some(hash) && length > 0 {
                return Err(ChainBreak::Edited { seq: length });
            }
        }
        Ok(ChainHead { length: self.length, hash: self.last_hash.unwrap_or_else(|| GENESIS_HASH.to_string()) })
    }
}

/// An intact chain's length and last hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    pub length: i64,
    pub hash: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut entries: Vec<AuditEntry> = Vec::new();
        for seq in 1..=n {
            let mut entry = AuditEntry {
                seq,
                at: audit_time(OffsetDateTime::from_unix_timestamp(1_700_000_000 + seq).unwrap()),
                actor: "system".into(),
                office: None,
                action: "office.create".into(),
                object_kind: "office".into(),
                object_id: format!("o{seq}"),
                region: Some("32.04".into()),
                agency: None,
                before_digest: None,
                after_digest: Some(digest(format!("{seq}").as_bytes())),
                summary: format!("kantor {seq}"),
                prev_hash: String::new(),
                hash: String::new(),
            };
            entry.seal(entries.last().map(|e| e.hash.as_str()));
            entries.push(entry);
        }
        entries
    }

    fn verify(entries: &[AuditEntry], head: Option<(i64, &str)>) -> Result<ChainHead, ChainBreak> {
        let mut verifier = ChainVerifier::new();
        for entry in entries {
            verifier.push(entry)?;
        }
        verifier.finish(head)
    }

    #[test]
    fn intact_chain_reports_its_length() {
        let entries = chain(5);
        let head = verify(&entries, Some((5, &entries[4].hash))).unwrap();
        assert_eq!(head.length, 5);
        assert_eq!(head.hash, entries[4].hash);
    }

    #[test]
    fn edits_deletions_reorders_and_truncation_are_named() {
        let mut edited = chain(5);
        edited[2].summary = "diubah".into();
        assert_eq!(verify(&edited, None), Err(ChainBreak::Edited { seq: 3 }));

        let mut deleted = chain(5);
        deleted.remove(1);
        assert_eq!(verify(&deleted, None), Err(ChainBreak::Deleted { seq: 2 }));

        let mut swapped = chain(5);
        swapped.swap(2, 3);
        swapped[2].seq = 3;
        swapped[3].seq = 4;
        assert_eq!(verify(&swapped, None), Err(ChainBreak::Reordered { seq: 3 }));

        let full = chain(5);
        let head_hash = full[4].hash.clone();
        assert_eq!(
            verify(&full[..3], Some((5, &head_hash))),
            Err(ChainBreak::Truncated { expected_length: 5, found_length: 3 })
        );
    }
}
