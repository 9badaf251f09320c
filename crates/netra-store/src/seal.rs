//! Sealing of confidential reporters' identities.
//!
//! A confidential reporter's name and contact are encrypted with XChaCha20-Poly1305 under the instance's seal
//! key before they reach the database; the report id is the associated data, so a sealed identity copied onto
//! another report does not open. The key lives in a file outside the database (`<data-dir>/keys/seal.key`,
//! mode 0600), so a copy of the database (a backup, a stolen dump, a PostgreSQL replica) holds only ciphertext.
//! Only the custodian's unseal handle (`access::Unsealer`) calls [`Sealer::open`], and it audits each call.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::Path;

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};

/// Format byte of a sealed value, so the scheme can change without guessing.
const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;

/// The seal key.
#[derive(Clone)]
pub struct Sealer {
    cipher: XChaCha20Poly1305,
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sealer { key: <redacted> }")
    }
}

/// Why a sealed value did not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the sealed value is damaged, was sealed for another record, or under another key")]
    Damaged,
    #[error("seal key: {0}")]
    Key(String),
}

impl Sealer {
    /// A sealer over a 32-byte key.
    pub fn from_key(key: &[u8; 32]) -> Sealer {
        Sealer { cipher: XChaCha20Poly1305::new_from_slice(key).expect("32-byte key") }
    }

    /// Reads the key file, creating it (mode 0600) with a fresh random key if it does not exist.
    pub fn load_or_create(path: &Path) -> Result<Sealer, SealError> {
        let describe = |e: std::io::Error| SealError::Key(format!("{}: {e}", path.display()));
        match fs::read_to_string(path) {
            Ok(text) => {
                let bytes = data_encoding::HEXLOWER
                    .decode(text.trim().as_bytes())
                    .map_err(|_| SealError::Key(format!("{}: not a hex key", path.display())))?;
                let key: [u8; 32] = bytes
                    .try_into()
                    .map_err(|_| SealError::Key(format!("{}: the key must be 32 bytes", path.display())))?;
                Ok(Sealer::from_key(&key))
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent() {
                    fs::create_dir_all(dir).map_err(describe)?;
                }
                let mut key = [0u8; 32];
                getrandom::fill(&mut key).map_err(|e| SealError::Key(e.to_string()))?;
                let mut options = fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut file = options.open(path).map_err(describe)?;
                file.write_all(data_encoding::HEXLOWER.encode(&key).as_bytes()).map_err(describe)?;
                file.sync_all().map_err(describe)?;
                Ok(Sealer::from_key(&key))
            }
            Err(error) => Err(describe(error)),
        }
    }

    /// Encrypts `plaintext` bound to `record_id`.
    pub fn seal(&self, record_id: &str, plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).expect("the operating system's random source");
        let ciphertext = self
            .cipher
            .encrypt(&XNonce::from(nonce), Payload { msg: plaintext, aad: record_id.as_bytes() })
            .expect("in-memory encryption of a short value");
        let mut out = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        out
    }

    /// Decrypts a value sealed for `record_id`.
    pub fn open(&self, record_id: &str, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        if sealed.len() < 1 + NONCE_LEN || sealed[0] != VERSION {
            return Err(SealError::Damaged);
        }
        let nonce: [u8; NONCE_LEN] = sealed[1..1 + NONCE_LEN].try_into().expect("length checked");
        self.cipher
            .decrypt(&XNonce::from(nonce), Payload { msg: &sealed[1 + NONCE_LEN..], aad: record_id.as_bytes() })
            .map_err(|_| SealError::Damaged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_for_their_record_and_key() {
        let sealer = Sealer::from_key(&[7; 32]);
        let sealed = sealer.seal("report-1", b"Siti Aminah, 0812");
        assert!(!sealed.windows(4).any(|w| w == b"Siti"), "no plaintext in the sealed bytes");
        assert_eq!(sealer.open("report-1", &sealed).unwrap(), b"Siti Aminah, 0812");
        assert_eq!(sealer.open("report-2", &sealed), Err(SealError::Damaged));
        assert_eq!(Sealer::from_key(&[8; 32]).open("report-1", &sealed), Err(SealError::Damaged));
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert_eq!(sealer.open("report-1", &tampered), Err(SealError::Damaged));
    }

    #[test]
    fn the_key_file_is_created_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/seal.key");
        let first = Sealer::load_or_create(&path).unwrap();
        let sealed = first.seal("r", b"x");
        let second = Sealer::load_or_create(&path).unwrap();
        assert_eq!(second.open("r", &sealed).unwrap(), b"x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }
}
