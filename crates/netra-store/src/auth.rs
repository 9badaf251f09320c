//! Credentials: Argon2id password hashes, random tokens for sessions and CSRF, and TOTP secrets.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use netra_core::totp::TotpSecret;
use sha2::{Digest, Sha256};

/// Random bytes from the operating system.
fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    bytes
}

/// Hashes a password with Argon2id (the crate's default parameters: 19 MiB, 2 passes) and a random salt.
pub fn hash_password(password: &str) -> String {
    let salt = random_bytes::<16>();
    Argon2::default()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .expect("Argon2 accepts any password with a 16-byte salt")
        .to_string()
}

/// Checks a password against a stored hash; a malformed hash never verifies.
pub fn verify_password(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(hash) => Argon2::default().verify_password(password.as_bytes(), &hash).is_ok(),
        Err(_) => false,
    }
}

/// A hash that no password matches, checked against when the account does not exist, so that the response
/// time does not reveal which usernames exist.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(&data_encoding::BASE64URL_NOPAD.encode(&random_bytes::<24>())))
}

/// A new random token (32 bytes, URL-safe base64) for a session cookie or a CSRF field.
pub fn new_token() -> String {
    data_encoding::BASE64URL_NOPAD.encode(&random_bytes::<32>())
}

/// What the database keeps of a session token.
pub fn token_hash(token: &str) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(token.as_bytes()))
}

/// A new random TOTP secret (20 bytes).
pub fn new_totp_secret() -> TotpSecret {
    TotpSecret::from_bytes(&random_bytes::<20>())
}

/// A new receipt for a reporter: 80 random bits as 16 base32 characters in four groups (`ABCD-EFGH-JKLM-NPQR`).
/// Shown once; the database keeps only [`receipt_hash`] of it.
pub fn new_receipt() -> String {
    let text = data_encoding::BASE32_NOPAD.encode(&random_bytes::<10>());
    text.as_bytes().chunks(4).map(|chunk| std::str::from_utf8(chunk).expect("ASCII")).collect::<Vec<_>>().join("-")
}

/// The canonical form of a receipt as typed by a person: case, spaces and dashes do not matter, and the digits
/// people confuse with letters (0, 1, 8) are read as O, I, B. `None` if it cannot be a receipt.
pub fn normalise_receipt(input: &str) -> Option<String> {
    let text: String = input
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\t'))
        .map(|c| match c.to_ascii_uppercase() {
            '0' => 'O',
            '1' => 'I',
            '8' => 'B',
            other => other,
        })
        .collect();
    (text.len() == 16 && text.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))).then_some(text)
}

/// The slow hash of a normalised receipt under the instance's receipt salt. The salt is the same for every
/// receipt so that a receipt can be looked up by its hash; 80 bits of entropy and Argon2id's cost make the
/// stored hashes useless to guess from.
pub fn receipt_hash(normalised: &str, salt: &[u8]) -> String {
    let mut out = [0u8; 32];
    Argon2::default().hash_password_into(normalised.as_bytes(), salt, &mut out).expect("salt of 16 bytes");
    data_encoding::HEXLOWER.encode(&out)
}

/// [`receipt_hash`] off the async threads, at most one per core at a time: a burst of reports or status checks
/// then waits in line (first come, first served) instead of thrashing 19 MiB hashes over two cores, which keeps
/// the slowest answers close to the typical ones.
pub async fn receipt_hash_queued(normalised: String, salt: Vec<u8>) -> String {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let slots = SLOTS.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get))
    });
    let _slot = slots.acquire().await.expect("the semaphore is never closed");
    tokio::task::spawn_blocking(move || receipt_hash(&normalised, &salt)).await.expect("hashing does not panic")
}

/// A new random instance salt for receipts (16 bytes, hex).
pub fn new_receipt_salt() -> String {
    data_encoding::HEXLOWER.encode(&random_bytes::<16>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_are_random_forgiving_to_type_and_hashed_slowly() {
        let receipt = new_receipt();
        assert_eq!(receipt.len(), 19);
        assert_ne!(receipt, new_receipt());
        let normalised = normalise_receipt(&receipt.to_lowercase().replace('-', " ")).unwrap();
        assert_eq!(normalised, receipt.replace('-', ""));
        assert_eq!(normalise_receipt("ABCD-EFGH-IJKL-MN01").as_deref(), Some("ABCDEFGHIJKLMNOI"));
        assert_eq!(normalise_receipt("too short"), None);
        let salt = [3u8; 16];
        let hash = receipt_hash(&normalised, &salt);
        assert_eq!(hash, receipt_hash(&normalised, &salt));
        assert_ne!(hash, receipt_hash(&normalised, &[4u8; 16]));
    }

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("rahasia-sekali-42");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("rahasia-sekali-42", &hash));
        assert!(!verify_password("rahasia-sekali-43", &hash));
        assert!(!verify_password("rahasia-sekali-42", "not a hash"));
        assert_ne!(hash, hash_password("rahasia-sekali-42"), "salts differ");
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, new_token());
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
