//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), the second factor of staff
//! accounts. Secrets are shown to people in unpadded base32, as authenticator apps expect.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// Length of the seconds window of one code.
pub const STEP_SECONDS: i64 = 30;

/// A shared TOTP secret.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(<redacted>)")
    }
}

impl TotpSecret {
    /// A secret from raw bytes (20 random bytes is the usual size).
    pub fn from_bytes(bytes: &[u8]) -> TotpSecret {
        TotpSecret(bytes.to_vec())
    }

    /// Parses base32 as typed by a person: spaces ignored, any case, padding optional.
    pub fn from_base32(text: &str) -> Option<TotpSecret> {
        let cleaned: String =
            text.chars().filter(|c| !c.is_whitespace() && *c != '=').map(|c| c.to_ascii_uppercase()).collect();
        let bytes = data_encoding::BASE32_NOPAD.decode(cleaned.as_bytes()).ok()?;
        (bytes.len() >= 10).then_some(TotpSecret(bytes))
    }

    /// Unpadded base32, for storage and for the enrolment page.
    pub fn to_base32(&self) -> String {
        data_encoding::BASE32_NOPAD.encode(&self.0)
    }

    /// The `otpauth://` URI an authenticator app can import.
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        let escape = |text: &str| -> String {
            text.bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect()
        };
        format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30",
            escape(issuer),
            escape(account),
            self.to_base32(),
            escape(issuer)
        )
    }

    /// The code for the step containing `unix_seconds`.
    pub fn code_at(&self, unix_seconds: i64) -> String {
        let counter = unix_seconds.div_euclid(STEP_SECONDS) as u64;
        let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(&counter.to_be_bytes());
        let hash = mac.finalize().into_bytes();
        let offset = usize::from(hash[hash.len() - 1] & 0x0f);
        let binary = u32::from_be_bytes([hash[offset] & 0x7f, hash[offset + 1], hash[offset + 2], hash[offset + 3]]);
        format!("{:06}", binary % 1_000_000)
    }

    /// The time step whose code `code` is, at `unix_seconds`, allowing one step of clock drift either way.
    pub fn matching_step(&self, code: &str, unix_seconds: i64) -> Option<i64> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        (-1..=1).map(|drift| unix_seconds + drift * STEP_SECONDS).find_map(|at| {
            let expected = self.code_at(at);
            // Constant-time enough: both are six ASCII digits, compared in full.
            let same = expected.bytes().zip(code.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
            same.then(|| at.div_euclid(STEP_SECONDS))
        })
    }

    /// Whether `code` is valid at `unix_seconds`, allowing one step of clock drift either way.
    pub fn verify(&self, code: &str, unix_seconds: i64) -> bool {
        self.matching_step(code, unix_seconds).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_sha1_vectors() {
        // RFC 6238 appendix B, SHA-1 key "12345678901234567890"; the RFC prints 8 digits, we keep the last 6.
        let secret = TotpSecret::from_bytes(b"12345678901234567890");
        for (time, code) in
            [(59, "94287082"), (1_111_111_109, "07081804"), (1_234_567_890, "89005924"), (2_000_000_000, "69279037")]
        {
            assert_eq!(secret.code_at(time), code[2..], "t = {time}");
        }
    }

    #[test]
    fn verify_allows_one_step_of_drift_only() {
        let secret = TotpSecret::from_bytes(b"12345678901234567890");
        let code = secret.code_at(1_000_000);
        assert!(secret.verify(&code, 1_000_000 + 29));
        assert!(secret.verify(&code, 1_000_000 - 30));
        assert!(!secret.verify(&code, 1_000_000 + 120));
        assert!(!secret.verify("12345", 1_000_000));
        assert!(!secret.verify("abcdef", 1_000_000));
    }

    #[test]
    fn base32_round_trip() {
        let secret = TotpSecret::from_bytes(&[7u8; 20]);
        let text = secret.to_base32();
        assert_eq!(TotpSecret::from_base32(&text.to_lowercase()), Some(secret.clone()));
        assert!(secret.otpauth_uri("Netra", "admin demo").contains("Netra:admin%20demo?secret="));
        assert_eq!(TotpSecret::from_base32("not base32!"), None);
    }
}
