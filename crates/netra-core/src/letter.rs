//! Signed letters of the case workflow: Bawaslu's forwarding letter to BKN, BKN's recommendation to the PPK, the
//! PPK's summons and decision draft, and the berita acara of the examination.
//!
//! - **Templates** (`data/letters/*.toml`) hold the words, with `{field}` placeholders from [`FIELDS`]; a template
//!   that names an unknown field, or has a stray brace, fails to load.
//! - **Document**: what a letter says, as a canonical JSON [`LetterDocument`]; the instance's key signs it, and the
//!   verification code printed on the letter is [`crate::pact::verification_code`] of that signature.
//! - **Seal**: the PDF itself carries an Ed25519 signature over its own bytes. The renderer writes a placeholder
//!   `NETRA-SEAL:<key id>:<128 zeros>` (in the document information and the XMP metadata); [`seal_pdf`] signs the
//!   file with every placeholder's zeros in place and writes the signature's hex over them, which keeps every
//!   offset. [`verify_pdf`] zeroes them again and checks: any other changed byte fails.

use std::collections::BTreeMap;

use data_encoding::HEXLOWER;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Locale;
use crate::pact::{PactSigner, PublicKey, VerifyError, verifying_key};
use crate::workflow::Holder;

/// The kinds of letter Netra writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LetterKind {
    /// Bawaslu forwards the case to BKN (penerusan).
    Penerusan,
    /// BKN recommends a sanction to the PPK (rekomendasi).
    Rekomendasi,
    /// The PPK summons the civil servant (surat panggilan).
    Panggilan,
    /// The record of the examination (berita acara pemeriksaan).
    BeritaAcara,
    /// The PPK's draft decision on a sanction (rancangan keputusan).
    Keputusan,
}

impl LetterKind {
    pub const ALL: [LetterKind; 5] = [
        LetterKind::Penerusan,
        LetterKind::Rekomendasi,
        LetterKind::Panggilan,
        LetterKind::BeritaAcara,
        LetterKind::Keputusan,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LetterKind::Penerusan => "penerusan",
            LetterKind::Rekomendasi => "rekomendasi",
            LetterKind::Panggilan => "panggilan",
            LetterKind::BeritaAcara => "berita-acara",
            LetterKind::Keputusan => "keputusan",
        }
    }

    pub fn parse(text: &str) -> Option<LetterKind> {
        LetterKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn name(self, locale: Locale) -> &'static str {
        match self {
            LetterKind::Penerusan => locale.pick("Surat penerusan ke BKN", "Forwarding letter to BKN"),
            LetterKind::Rekomendasi => locale.pick("Rekomendasi BKN kepada PPK", "BKN's recommendation to the PPK"),
            LetterKind::Panggilan => locale.pick("Surat panggilan pemeriksaan", "Summons to an examination"),
            LetterKind::BeritaAcara => locale.pick("Berita acara pemeriksaan", "Record of the examination"),
            LetterKind::Keputusan => locale.pick("Rancangan keputusan hukuman disiplin", "Draft disciplinary decision"),
        }
    }

    /// Whether a role writes this kind: the office that holds the step (the PPK's inspectorate only the berita
    /// acara, as part of the examining team).
    pub fn issued_by(self, role: crate::role::Role) -> bool {
        match role {
            crate::role::Role::Inspektorat => self == LetterKind::BeritaAcara,
            role => Holder::of_role(role) == Some(self.issuer()),
        }
    }

    /// The workflow action (its id) that must have happened before this letter can be written: the forwarding and
    /// the recommendation are letters of their own steps; the PPK summons after receiving the recommendation,
    /// records the examination after summoning, and drafts a decision after the examination.
    pub fn requires(self) -> crate::workflow::ActionKind {
        use crate::workflow::ActionKind;
        match self {
            LetterKind::Penerusan => ActionKind::ForwardToBkn,
            LetterKind::Rekomendasi => ActionKind::Recommend,
            LetterKind::Panggilan => ActionKind::PpkReceive,
            LetterKind::BeritaAcara => ActionKind::Summon,
            LetterKind::Keputusan => ActionKind::RecordExamination,
        }
    }

    /// Whether the writer gives the examination's date, time and place.
    pub fn asks_for_examination(self) -> bool {
        matches!(self, LetterKind::Panggilan | LetterKind::BeritaAcara)
    }

    /// Whether the writer gives the letter's number (the forwarding and recommendation letters carry the number
    /// recorded with their step).
    pub fn asks_for_number(self) -> bool {
        !matches!(self, LetterKind::Penerusan | LetterKind::Rekomendasi)
    }

    /// Who writes it.
    pub fn issuer(self) -> Holder {
        match self {
            LetterKind::Penerusan => Holder::Bawaslu,
            LetterKind::Rekomendasi => Holder::Bkn,
            LetterKind::Panggilan | LetterKind::BeritaAcara | LetterKind::Keputusan => Holder::Ppk,
        }
    }
}

/// The fields a template may name, each described for template authors.
pub const FIELDS: &[(&str, &str)] = &[
    ("nomor_surat", "the letter's number"),
    ("tanggal_surat", "the letter's date, e.g. 14 November 2024"),
    ("tempat_surat", "where the letter is written (the issuer's regency or city)"),
    ("pengirim", "the issuing office"),
    ("penerima", "the addressee"),
    ("nomor_kasus", "Netra's case number"),
    ("nomor_registrasi", "Bawaslu's registration number"),
    ("nama", "the civil servant's name"),
    ("nip", "the civil servant's NIP, or a dash"),
    ("jabatan", "the civil servant's position"),
    ("instansi", "the civil servant's agency"),
    ("wilayah", "where the act happened"),
    ("tanggal_kejadian", "when the act happened"),
    ("uraian", "the report's description"),
    ("butir", "the confirmed catalogue items with their legal basis"),
    ("tingkat_sanksi", "the recommended or decided sanction level"),
    ("nomor_rekomendasi", "BKN's recommendation letter number"),
    ("tanggal_rekomendasi", "the recommendation's date"),
    ("nomor_penerusan", "Bawaslu's forwarding letter number"),
    ("tanggal_penerusan", "the forwarding date"),
    ("tanggal_pemeriksaan", "the examination's day and date"),
    ("jam_pemeriksaan", "the examination's time"),
    ("tempat_pemeriksaan", "the examination's place"),
];

/// A letter template as written in `data/letters/`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterTemplate {
    pub kind: LetterKind,
    /// What the letter is about (perihal).
    pub subject: String,
    /// A centred title above the body (decisions and berita acara), if any.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub addressee: Vec<String>,
    /// Paragraphs before the facts table.
    pub paragraphs: Vec<String>,
    /// Label and value rows.
    #[serde(default)]
    pub facts: Vec<[String; 2]>,
    /// Paragraphs after the facts table.
    #[serde(default)]
    pub closing: Vec<String>,
    /// The signature block's lines (role, office).
    pub signer: Vec<String>,
    /// Copies to (tembusan).
    #[serde(default)]
    pub copies: Vec<String>,
    /// Where the facts in it come from (regulation, a real letter seen).
    pub source: String,
}

/// Why a template does not load.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("{file}: {message}")]
    Toml { file: String, message: String },
    #[error("{file}: unknown field {{{field}}}")]
    UnknownField { file: String, field: String },
    #[error("{file}: unbalanced brace in {text:?}")]
    Brace { file: String, text: String },
    #[error("{file}: kind {kind} already has a template")]
    Duplicate { file: String, kind: &'static str },
    #[error("no template for {0}")]
    Missing(&'static str),
}

/// The placeholders of a text, or the offending text when a brace is unbalanced.
fn placeholders(text: &str) -> Result<Vec<&str>, ()> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(['{', '}']) {
        if rest.as_bytes()[open] == b'}' {
            return Err(());
        }
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or(())?;
        let name = &after[..close];
        if name.contains('{') || name.is_empty() {
            return Err(());
        }
        out.push(name);
        rest = &after[close + 1..];
    }
    Ok(out)
}

impl LetterTemplate {
    fn texts(&self) -> impl Iterator<Item = &String> {
        std::iter::once(&self.subject)
            .chain(self.title.iter())
            .chain(&self.addressee)
            .chain(&self.paragraphs)
            .chain(self.facts.iter().flatten())
            .chain(&self.closing)
            .chain(&self.signer)
            .chain(&self.copies)
    }

    /// Parses and checks one template file.
    pub fn parse(file: &str, text: &str) -> Result<LetterTemplate, TemplateError> {
        let template: LetterTemplate =
            toml::from_str(text).map_err(|e| TemplateError::Toml { file: file.into(), message: e.to_string() })?;
        for text in template.texts() {
            let names =
                placeholders(text).map_err(|()| TemplateError::Brace { file: file.into(), text: text.clone() })?;
            if let Some(unknown) = names.into_iter().find(|n| !FIELDS.iter().any(|(f, _)| f == n)) {
                return Err(TemplateError::UnknownField { file: file.into(), field: unknown.into() });
            }
        }
        Ok(template)
    }

    /// The template with every placeholder replaced (a field without a value becomes `…`).
    pub fn fill(&self, values: &BTreeMap<&'static str, String>) -> FilledLetter {
        let fill = |text: &String| fill(text, values);
        FilledLetter {
            kind: self.kind,
            subject: fill(&self.subject),
            title: self.title.as_ref().map(fill),
            addressee: self.addressee.iter().map(fill).collect(),
            paragraphs: self.paragraphs.iter().map(fill).collect(),
            facts: self.facts.iter().map(|[label, value]| (fill(label), fill(value))).collect(),
            closing: self.closing.iter().map(fill).collect(),
            signer: self.signer.iter().map(fill).collect(),
            copies: self.copies.iter().map(fill).collect(),
        }
    }
}

fn fill(text: &str, values: &BTreeMap<&'static str, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').expect("templates are checked at load");
        match values.get(&after[..close]) {
            Some(value) if !value.trim().is_empty() => out.push_str(value),
            _ => out.push('…'),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// A template filled with a case's values: what the letter says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilledLetter {
    pub kind: LetterKind,
    pub subject: String,
    pub title: Option<String>,
    pub addressee: Vec<String>,
    pub paragraphs: Vec<String>,
    pub facts: Vec<(String, String)>,
    pub closing: Vec<String>,
    pub signer: Vec<String>,
    pub copies: Vec<String>,
}

/// Every template, by kind; each kind has exactly one.
pub fn load_templates(files: &[(&str, &str)]) -> Result<BTreeMap<LetterKind, LetterTemplate>, TemplateError> {
    let mut templates = BTreeMap::new();
    for (file, text) in files {
        let template = LetterTemplate::parse(file, text)?;
        if templates.contains_key(&template.kind) {
            return Err(TemplateError::Duplicate { file: file.to_string(), kind: template.kind.as_str() });
        }
        templates.insert(template.kind, template);
    }
    if let Some(missing) = LetterKind::ALL.into_iter().find(|k| !templates.contains_key(k)) {
        return Err(TemplateError::Missing(missing.as_str()));
    }
    Ok(templates)
}

/// What a letter's document signature covers: compact JSON in this field order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterDocument {
    /// Format version.
    pub v: u32,
    /// The letter's own id: two letters are never the same document, so never share a code.
    pub id: String,
    pub kind: LetterKind,
    pub number: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub case_number: String,
    pub issuer: String,
    /// The letter as written.
    pub letter: FilledLetter,
    /// RFC 3339, UTC.
    pub issued_at: String,
}

impl LetterDocument {
    pub const FORMAT: u32 = 1;

    pub fn canonical_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a document of strings serialises")
    }
}

/// The start of every seal in a PDF.
pub const SEAL_PREFIX: &str = "NETRA-SEAL:";
const KEY_ID_LEN: usize = 16;
const SIGNATURE_HEX_LEN: usize = 128;
const SEAL_DOMAIN: &[u8] = b"netra-letter-seal-v1\n";

/// The placeholder the renderer writes where the seal goes.
pub fn seal_placeholder(key_id: &str) -> String {
    format!("{SEAL_PREFIX}{key_id}:{}", "0".repeat(SIGNATURE_HEX_LEN))
}

/// Where each seal sits: (start of the key id, start of the signature hex).
fn seal_sites(pdf: &[u8]) -> Vec<(usize, usize)> {
    let prefix = SEAL_PREFIX.as_bytes();
    let whole = prefix.len() + KEY_ID_LEN + 1 + SIGNATURE_HEX_LEN;
    let mut sites = Vec::new();
    let mut at = 0;
    while let Some(found) = memchr_find(&pdf[at..], prefix) {
        let start = at + found;
        let key = start + prefix.len();
        if start + whole <= pdf.len() && pdf[key + KEY_ID_LEN] == b':' {
            sites.push((key, key + KEY_ID_LEN + 1));
        }
        at = start + prefix.len();
    }
    sites
}

fn memchr_find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The message a seal signs: the domain and SHA-256 of the file with every seal's signature zeroed.
fn seal_message(pdf: &[u8], sites: &[(usize, usize)]) -> Vec<u8> {
    let mut zeroed = pdf.to_vec();
    for (_, signature) in sites {
        zeroed[*signature..signature + SIGNATURE_HEX_LEN].fill(b'0');
    }
    let mut message = SEAL_DOMAIN.to_vec();
    message.extend_from_slice(&Sha256::digest(&zeroed));
    message
}

/// Why a PDF's seal does not verify (or cannot be made).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SealError {
    /// The file has no Netra seal.
    NoSeal,
    /// Its seals disagree, or one is not hexadecimal.
    Malformed,
    /// The key is unknown or invalid, or the signature does not match: the file was changed.
    Invalid(VerifyError),
}

impl SealError {
    pub fn message(&self, locale: Locale) -> String {
        match self {
            SealError::NoSeal => locale
                .pick("Berkas ini tidak memuat segel tanda tangan Netra.", "This file carries no Netra seal.")
                .into(),
            SealError::Malformed => locale.pick("Segel tanda tangan rusak.", "The seal is damaged.").into(),
            SealError::Invalid(VerifyError::Forged) => locale
                .pick(
                    "Tanda tangan TIDAK cocok: berkas PDF telah diubah setelah ditandatangani.",
                    "The signature does NOT match: the PDF was changed after it was signed.",
                )
                .into(),
            SealError::Invalid(other) => other.message(locale),
        }
    }
}

impl std::fmt::Display for SealError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Locale::En))
    }
}

impl std::error::Error for SealError {}

/// Signs a rendered PDF in place: every placeholder for `signer`'s key gets the signature. Fails if the file has
/// no placeholder for that key.
pub fn seal_pdf(pdf: &mut [u8], signer: &PactSigner) -> Result<(), SealError> {
    let sites = seal_sites(pdf);
    let ours = |(key, _): &(usize, usize)| &pdf[*key..key + KEY_ID_LEN] == signer.key_id().as_bytes();
    if sites.is_empty() || !sites.iter().all(ours) {
        return Err(SealError::NoSeal);
    }
    let signature = signer.sign_bytes(&seal_message(pdf, &sites));
    let hex = HEXLOWER.encode(&signature);
    for (_, at) in &sites {
        pdf[*at..at + SIGNATURE_HEX_LEN].copy_from_slice(hex.as_bytes());
    }
    Ok(())
}

/// Checks a PDF's seal against the instance's published keys; returns the key id that sealed it.
pub fn verify_pdf(pdf: &[u8], keys: &[PublicKey]) -> Result<String, SealError> {
    let sites = seal_sites(pdf);
    let (first_key, first_signature) = *sites.first().ok_or(SealError::NoSeal)?;
    let seal_of = |(key, signature): (usize, usize)| {
        (&pdf[key..key + KEY_ID_LEN], &pdf[signature..signature + SIGNATURE_HEX_LEN])
    };
    let (key_id, signature_hex) = seal_of((first_key, first_signature));
    if sites.iter().any(|site| seal_of(*site) != (key_id, signature_hex)) {
        return Err(SealError::Malformed);
    }
    let key_id = std::str::from_utf8(key_id).map_err(|_| SealError::Malformed)?.to_string();
    let signature: [u8; 64] =
        HEXLOWER.decode(signature_hex).ok().and_then(|bytes| bytes.try_into().ok()).ok_or(SealError::Malformed)?;
    let verifying = verifying_key(keys, &key_id).map_err(SealError::Invalid)?;
    verifying
        .verify_strict(&seal_message(pdf, &sites), &ed25519_dalek::Signature::from_bytes(&signature))
        .map_err(|_| SealError::Invalid(VerifyError::Forged))?;
    Ok(key_id)
}

/// Indonesian long date: `14 November 2024`.
pub fn long_date(date: time::Date) -> String {
    const MONTHS: [&str; 12] = [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ];
    format!("{} {} {}", date.day(), MONTHS[usize::from(u8::from(date.month())) - 1], date.year())
}

/// Indonesian day name and long date: `Jumat, 22 November 2024`.
pub fn day_and_date(date: time::Date) -> String {
    const DAYS: [&str; 7] = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"];
    format!("{}, {}", DAYS[usize::from(date.weekday().number_days_from_monday())], long_date(date))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> PactSigner {
        PactSigner::from_secret(&[7; 32])
    }

    fn fake_pdf(key_id: &str) -> Vec<u8> {
        format!(
            "%PDF-1.7\n1 0 obj << /Keywords ({}) >> endobj\nstream body text\n<x:Keywords>{}</x:Keywords>\n%%EOF\n",
            seal_placeholder(key_id),
            seal_placeholder(key_id)
        )
        .into_bytes()
    }

    #[test]
    fn a_sealed_file_verifies_and_any_changed_byte_fails() {
        let signer = signer();
        let mut pdf = fake_pdf(signer.key_id());
        let before = pdf.len();
        seal_pdf(&mut pdf, &signer).unwrap();
        assert_eq!(pdf.len(), before, "sealing keeps every offset");
        let keys = [signer.public_key()];
        assert_eq!(verify_pdf(&pdf, &keys).unwrap(), signer.key_id());
        for at in 0..pdf.len() {
            let mut changed = pdf.clone();
            changed[at] ^= 0x01;
            assert!(verify_pdf(&changed, &keys).is_err(), "byte {at} changed and still verified");
        }
        let other = PactSigner::from_secret(&[8; 32]).public_key();
        assert!(matches!(verify_pdf(&pdf, &[other]), Err(SealError::Invalid(VerifyError::UnknownKey(_)))));
        assert_eq!(verify_pdf(b"%PDF-1.7 nothing", &keys), Err(SealError::NoSeal));
    }

    #[test]
    fn sealing_needs_a_placeholder_for_the_signers_key() {
        let mut pdf = fake_pdf("0123456789abcdef");
        assert_eq!(seal_pdf(&mut pdf, &signer()), Err(SealError::NoSeal));
        assert_eq!(seal_pdf(&mut b"no placeholder".to_vec(), &signer()), Err(SealError::NoSeal));
    }

    #[test]
    fn the_shipped_templates_load_and_fill() {
        let templates = crate::builtin::letter_templates();
        assert_eq!(templates.len(), LetterKind::ALL.len());
        let mut values = BTreeMap::new();
        values.insert("nama", "Asep Sunandar".to_string());
        let filled = templates[&LetterKind::Panggilan].fill(&values);
        assert_eq!(filled.addressee[0], "Yth. Sdr/Sdri. Asep Sunandar");
        for template in templates.values() {
            let filled = template.fill(&values);
            let texts = filled.paragraphs.iter().chain(&filled.closing).chain(filled.facts.iter().map(|(_, v)| v));
            for text in texts {
                assert!(!text.contains('{') && !text.contains('}'), "every placeholder is filled: {text}");
            }
        }
    }

    #[test]
    fn templates_with_unknown_fields_or_stray_braces_are_refused() {
        let good =
            "kind = \"panggilan\"\nsubject = \"x\"\nparagraphs = [\"Yth. {nama}\"]\nsigner = [\"a\"]\nsource = \"s\"\n";
        assert!(LetterTemplate::parse("a.toml", good).is_ok());
        let unknown = good.replace("{nama}", "{nama_lengkap}");
        assert!(matches!(LetterTemplate::parse("a.toml", &unknown), Err(TemplateError::UnknownField { .. })));
        let stray = good.replace("{nama}", "{nama");
        assert!(matches!(LetterTemplate::parse("a.toml", &stray), Err(TemplateError::Brace { .. })));
        let extra = format!("{good}color = \"red\"\n");
        assert!(matches!(LetterTemplate::parse("a.toml", &extra), Err(TemplateError::Toml { .. })));
    }

    #[test]
    fn dates_read_the_indonesian_way() {
        assert_eq!(long_date(time::macros::date!(2024 - 11 - 14)), "14 November 2024");
        assert_eq!(day_and_date(time::macros::date!(2024 - 11 - 22)), "Jumat, 22 November 2024");
    }
}
