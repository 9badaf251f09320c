//! Neutrality pacts and declarations: their texts (versioned by digest), the canonical document a signature
//! covers, Ed25519 signatures by the instance's key, short verification codes, and offline verification with the
//! instance's published public keys (old keys stay listed after a rotation, so old pacts keep verifying).
//!
//! An exported pact is one compact JSON object ([`SignedPact`]). Verification re-serialises the document, checks
//! the signature with the key it names, and checks that the code is the one the signature gives, so any change to
//! the file (a name, a date, the code, the signature) makes it fail.

use std::fmt;

use data_encoding::{BASE32_NOPAD, BASE64, HEXLOWER};
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const TEXTS: &str = include_str!("../../../data/pact/texts.toml");

/// How long a one-time signing code issued by an agency admin stays valid.
pub const CODE_VALIDITY: time::Duration = time::Duration::days(14);

/// The share of a unit's civil servants who should have signed the pact (and attended a briefing); coverage pages
/// mark units below it.
pub const COVERAGE_THRESHOLD: f64 = 0.8;

/// Whether a registry person's `instansi` names the agency called `agency_name` in Netra (case and surrounding
/// spaces aside): who an agency admin acts for, who may attend an agency's briefing. Coverage counts in SQL with
/// the same rule (`lower(agency) = lower(name)`).
pub fn same_agency(instansi: &str, agency_name: &str) -> bool {
    instansi.trim().eq_ignore_ascii_case(agency_name.trim())
}

/// What is signed: the integrity pact (signed one by one or from a ceremony's attendance list) or the declaration
/// read out at an apel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PactKind {
    Pakta,
    Deklarasi,
}

impl PactKind {
    pub const ALL: [PactKind; 2] = [PactKind::Pakta, PactKind::Deklarasi];

    pub fn as_str(self) -> &'static str {
        match self {
            PactKind::Pakta => "pakta",
            PactKind::Deklarasi => "deklarasi",
        }
    }

    pub fn parse(text: &str) -> Option<PactKind> {
        PactKind::ALL.into_iter().find(|k| k.as_str() == text.trim())
    }

    pub fn name(self, locale: crate::Locale) -> &'static str {
        match self {
            PactKind::Pakta => locale.pick("Pakta integritas", "Integrity pact"),
            PactKind::Deklarasi => locale.pick("Deklarasi netralitas", "Neutrality declaration"),
        }
    }
}

/// The words of a pact or declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PactText {
    pub title: String,
    pub opening: String,
    pub points: Vec<String>,
    pub closing: String,
}

impl PactText {
    /// The default text of a kind (`data/pact/texts.toml`).
    pub fn default_for(kind: PactKind) -> PactText {
        #[derive(Deserialize)]
        struct Texts {
            pakta: PactText,
            deklarasi: PactText,
        }
        let texts: Texts = toml::from_str(TEXTS).expect("data/pact/texts.toml is valid (tested)");
        match kind {
            PactKind::Pakta => texts.pakta,
            PactKind::Deklarasi => texts.deklarasi,
        }
    }

    /// The text as one string, lines in order: what the digest covers and what a signer reads.
    pub fn plain(&self) -> String {
        let mut out = format!("{}\n\n{}\n", self.title.trim(), self.opening.trim());
        for (i, point) in self.points.iter().enumerate() {
            out.push_str(&format!("{}. {}\n", i + 1, point.trim()));
        }
        out.push_str(self.closing.trim());
        out.push('\n');
        out
    }

    /// SHA-256 of [`PactText::plain`], hex: two versions with the same words have the same digest.
    pub fn digest(&self) -> String {
        HEXLOWER.encode(&Sha256::digest(self.plain().as_bytes()))
    }

    /// Problems that make the text unusable, in Indonesian and English.
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        if self.title.trim().is_empty() {
            out.push(("Judul wajib diisi.", "The title is required."))
        }
        if self.points.iter().all(|p| p.trim().is_empty()) {
            out.push(("Isi paling sedikit satu butir.", "Give at least one point."))
        }
        if self.plain().len() > 20_000 {
            out.push(("Teks terlalu panjang (maks. 20.000 karakter).", "The text is too long (max 20,000 characters)."))
        }
        out
    }
}

/// How a pact came to be signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SigningMethod {
    /// The civil servant, in the app, with a one-time code from their agency admin.
    SelfService,
    /// An agency admin, from the attendance list of a ceremony.
    AttendanceList,
}

impl SigningMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            SigningMethod::SelfService => "self_service",
            SigningMethod::AttendanceList => "attendance_list",
        }
    }

    pub fn parse(text: &str) -> Option<SigningMethod> {
        [SigningMethod::SelfService, SigningMethod::AttendanceList].into_iter().find(|m| m.as_str() == text)
    }

    pub fn name(self, locale: crate::Locale) -> &'static str {
        match self {
            SigningMethod::SelfService => {
                locale.pick("ditandatangani sendiri (kode sekali pakai)", "signed in person (one-time code)")
            }
            SigningMethod::AttendanceList => locale.pick("dari daftar hadir apel", "from a ceremony's attendance list"),
        }
    }
}

/// The canonical document a signature covers. Field order is the serialisation order, and the serialisation is
/// compact JSON: the bytes are a function of the values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PactDocument {
    /// Format version of this document.
    pub v: u32,
    pub kind: PactKind,
    pub election: String,
    /// Version number of the text within its election and kind.
    pub text_version: u32,
    /// SHA-256 of the text as read ([`PactText::digest`]).
    pub text_digest: String,
    pub signer: String,
    pub nip: String,
    pub position: String,
    pub unit: String,
    pub agency: String,
    pub region: String,
    /// RFC 3339, UTC.
    pub signed_at: String,
    pub method: SigningMethod,
    /// For an attendance list: the ceremony it came from (free text, e.g. "Apel Netralitas 29 Juli 2024").
    pub occasion: String,
}

impl PactDocument {
    pub const FORMAT: u32 = 1;

    /// The bytes that are signed.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a document of strings serialises")
    }
}

/// A signed pact as exported: the document, the key that signed it, the signature and the verification code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedPact {
    pub document: PactDocument,
    pub key_id: String,
    /// Ed25519 signature of [`PactDocument::canonical_bytes`], base64.
    pub signature: String,
    /// [`verification_code`] of the signature.
    pub code: String,
}

impl SignedPact {
    /// The exported file: compact JSON and a newline.
    pub fn to_file(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec(self).expect("a signed pact serialises");
        bytes.push(b'\n');
        bytes
    }

    /// Reads an exported file. Unknown fields are refused.
    pub fn from_file(bytes: &[u8]) -> Result<SignedPact, VerifyError> {
        serde_json::from_slice(bytes).map_err(|e| VerifyError::Unreadable(e.to_string()))
    }
}

/// The short code printed on a signed pact and typed into the public verification page: the first 60 bits of
/// SHA-256 of the signature, base32, as `XXXX-XXXX-XXXX`.
pub fn verification_code(signature: &[u8]) -> String {
    let digest = Sha256::digest(signature);
    let letters = BASE32_NOPAD.encode(&digest[..8]);
    let letters = &letters[..12];
    format!("{}-{}-{}", &letters[..4], &letters[4..8], &letters[8..12])
}

/// A code as typed (any case, with or without dashes or spaces) in its canonical form, or `None`.
pub fn normalise_code(typed: &str) -> Option<String> {
    let letters: String = typed.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect();
    let valid = letters.len() == 12 && letters.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b));
    valid.then(|| format!("{}-{}-{}", &letters[..4], &letters[4..8], &letters[8..12]))
}

/// The id of a public key: the first 16 hex digits of its SHA-256.
pub fn key_id(public_key: &[u8; 32]) -> String {
    HEXLOWER.encode(&Sha256::digest(public_key)[..8])
}

/// The instance's signing key.
pub struct PactSigner {
    key: SigningKey,
    id: String,
}

impl fmt::Debug for PactSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PactSigner").field("id", &self.id).finish_non_exhaustive()
    }
}

impl PactSigner {
    /// A signer from the 32 secret bytes of an Ed25519 key.
    pub fn from_secret(secret: &[u8; 32]) -> PactSigner {
        let key = SigningKey::from_bytes(secret);
        let id = key_id(&key.verifying_key().to_bytes());
        PactSigner { key, id }
    }

    pub fn key_id(&self) -> &str {
        &self.id
    }

    /// The public half, as published.
    pub fn public_key(&self) -> PublicKey {
        PublicKey { key_id: self.id.clone(), public_key: BASE64.encode(&self.key.verifying_key().to_bytes()) }
    }

    /// An Ed25519 signature of arbitrary bytes (signed letters use it for their document and their PDF seal).
    pub fn sign_bytes(&self, bytes: &[u8]) -> [u8; 64] {
        self.key.sign(bytes).to_bytes()
    }

    pub fn sign(&self, document: PactDocument) -> SignedPact {
        let signature = self.key.sign(&document.canonical_bytes()).to_bytes();
        SignedPact {
            document,
            key_id: self.id.clone(),
            signature: BASE64.encode(&signature),
            code: verification_code(&signature),
        }
    }
}

/// One published public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKey {
    pub key_id: String,
    /// The 32-byte Ed25519 public key, base64.
    pub public_key: String,
}

/// Why a pact does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    /// Not a signed pact file.
    Unreadable(String),
    /// Signed by a key the list does not have.
    UnknownKey(String),
    /// A key in the list is not a valid Ed25519 public key.
    BadKey(String),
    /// The signature is not 64 bytes of base64.
    BadSignature,
    /// The document or signature was changed.
    Forged,
    /// The code does not belong to the signature.
    WrongCode,
}

impl VerifyError {
    pub fn message(&self, locale: crate::Locale) -> String {
        match self {
            VerifyError::Unreadable(e) => {
                format!("{}: {e}", locale.pick("Bukan berkas pakta bertanda tangan", "Not a signed pact file"))
            }
            VerifyError::UnknownKey(id) => {
                format!(
                    "{} {id}",
                    locale.pick("Ditandatangani dengan kunci yang tidak dikenal:", "Signed with an unknown key:")
                )
            }
            VerifyError::BadKey(id) => {
                format!("{} {id}", locale.pick("Kunci publik tidak sah:", "Invalid public key:"))
            }
            VerifyError::BadSignature => locale.pick("Tanda tangan tidak terbaca.", "Unreadable signature.").into(),
            VerifyError::Forged => locale
                .pick(
                    "Tanda tangan TIDAK cocok: isi dokumen telah diubah.",
                    "The signature does NOT match: the document was changed.",
                )
                .into(),
            VerifyError::WrongCode => locale
                .pick(
                    "Kode verifikasi tidak sesuai dengan tanda tangan.",
                    "The verification code does not belong to the signature.",
                )
                .into(),
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(crate::Locale::En))
    }
}

impl std::error::Error for VerifyError {}

/// The verifying key `key_id` names among the instance's published keys, checked against its id.
pub fn verifying_key(keys: &[PublicKey], key_id: &str) -> Result<VerifyingKey, VerifyError> {
    let key = keys.iter().find(|k| k.key_id == key_id).ok_or_else(|| VerifyError::UnknownKey(key_id.to_string()))?;
    let bad_key = || VerifyError::BadKey(key.key_id.clone());
    let bytes: [u8; 32] =
        BASE64.decode(key.public_key.as_bytes()).ok().and_then(|b| b.try_into().ok()).ok_or_else(bad_key)?;
    if self::key_id(&bytes) != key.key_id {
        return Err(bad_key());
    }
    VerifyingKey::from_bytes(&bytes).map_err(|_| bad_key())
}

/// Checks a signed pact against the instance's public keys (current and retired).
pub fn verify(pact: &SignedPact, keys: &[PublicKey]) -> Result<(), VerifyError> {
    let verifying = verifying_key(keys, &pact.key_id)?;
    let signature: [u8; 64] = BASE64
        .decode(pact.signature.as_bytes())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(VerifyError::BadSignature)?;
    verifying
        .verify_strict(&pact.document.canonical_bytes(), &ed25519_dalek::Signature::from_bytes(&signature))
        .map_err(|_| VerifyError::Forged)?;
    if verification_code(&signature) != pact.code {
        return Err(VerifyError::WrongCode);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> PactDocument {
        let text = PactText::default_for(PactKind::Pakta);
        PactDocument {
            v: PactDocument::FORMAT,
            kind: PactKind::Pakta,
            election: "pilkada-2024".into(),
            text_version: 1,
            text_digest: text.digest(),
            signer: "Drs. H. Asep Sunandar, M.Si".into(),
            nip: "197503122000031001".into(),
            position: "Camat Cileunyi".into(),
            unit: "Kecamatan Cileunyi".into(),
            agency: "Pemerintah Kabupaten Bandung".into(),
            region: "32.04".into(),
            signed_at: "2024-07-29T02:00:00Z".into(),
            method: SigningMethod::SelfService,
            occasion: String::new(),
        }
    }

    #[test]
    fn an_agency_is_matched_by_name_regardless_of_case_and_spaces() {
        assert!(same_agency("Pemerintah Kabupaten Bandung", " pemerintah kabupaten bandung "));
        assert!(!same_agency("Pemerintah Kabupaten Bandung", "Pemerintah Kota Bandung"));
    }

    #[test]
    fn the_default_texts_hold_the_seed_points() {
        let pakta = PactText::default_for(PactKind::Pakta);
        assert_eq!(pakta.points.len(), 4);
        assert!(pakta.plain().contains("politik uang"));
        assert!(pakta.problems().is_empty());
        let deklarasi = PactText::default_for(PactKind::Deklarasi);
        assert_ne!(pakta.digest(), deklarasi.digest());
        let mut edited = pakta.clone();
        edited.points[0].push_str(" Tambahan.");
        assert_ne!(edited.digest(), pakta.digest(), "any change makes a new digest");
    }

    #[test]
    fn a_signed_pact_verifies_and_any_changed_byte_fails() {
        let signer = PactSigner::from_secret(&[7; 32]);
        let pact = signer.sign(document());
        let keys = [signer.public_key()];
        let file = pact.to_file();
        assert_eq!(verify(&SignedPact::from_file(&file).unwrap(), &keys), Ok(()));
        assert!(normalise_code(&pact.code.to_lowercase().replace('-', " ")).is_some_and(|c| c == pact.code));
        // Every single-byte change of the exported file (except its final newline) is caught.
        for at in 0..file.len() - 1 {
            let mut bent = file.clone();
            bent[at] = if bent[at] == b'A' { b'B' } else { b'A' };
            let verdict = SignedPact::from_file(&bent).and_then(|p| verify(&p, &keys));
            assert!(verdict.is_err(), "byte {at} ({:?}) changed and still verified", file[at] as char);
        }
    }

    #[test]
    fn an_old_key_still_verifies_after_rotation_but_an_unknown_one_does_not() {
        let old = PactSigner::from_secret(&[1; 32]);
        let new = PactSigner::from_secret(&[2; 32]);
        let pact = old.sign(document());
        assert_eq!(verify(&pact, &[new.public_key(), old.public_key()]), Ok(()));
        assert_eq!(verify(&pact, &[new.public_key()]), Err(VerifyError::UnknownKey(old.key_id().into())));
        // A key listed under another key's id is refused.
        let swapped = PublicKey { key_id: old.key_id().into(), public_key: new.public_key().public_key };
        assert_eq!(verify(&pact, &[swapped]), Err(VerifyError::BadKey(old.key_id().into())));
    }
}
