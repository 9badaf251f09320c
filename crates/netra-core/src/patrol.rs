//! Cyber patrol (patroli siber): the social-media platforms Netra knows, the key under which an account is
//! recognised however it is written (`@Budi.Camat`, `budi.camat`, `https://www.instagram.com/budi.camat/`), and
//! the import file of civil servants' known accounts.
//!
//! Pure: parsers take bytes or strings and report every problem with its line and field.

use std::fmt;

use crate::ident::EmployeeNumber;
use crate::locale::{Locale, Localized};
use crate::region::RegionCode;

/// A social-media platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Platform {
    Facebook,
    Instagram,
    X,
    TikTok,
    YouTube,
    Threads,
    /// Anything else (a forum, a messaging channel); matched on the handle alone.
    Other,
}

impl Platform {
    pub const ALL: [Platform; 7] = [
        Platform::Facebook,
        Platform::Instagram,
        Platform::X,
        Platform::TikTok,
        Platform::YouTube,
        Platform::Threads,
        Platform::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Facebook => "facebook",
            Platform::Instagram => "instagram",
            Platform::X => "x",
            Platform::TikTok => "tiktok",
            Platform::YouTube => "youtube",
            Platform::Threads => "threads",
            Platform::Other => "lain",
        }
    }

    /// The platform's usual name.
    pub fn name(self) -> &'static str {
        match self {
            Platform::Facebook => "Facebook",
            Platform::Instagram => "Instagram",
            Platform::X => "X (Twitter)",
            Platform::TikTok => "TikTok",
            Platform::YouTube => "YouTube",
            Platform::Threads => "Threads",
            Platform::Other => "Lainnya",
        }
    }

    /// Reads a platform as people write it (`fb`, `IG`, `twitter`, `Tik Tok`); `None` when unknown.
    pub fn parse(text: &str) -> Option<Platform> {
        let key: String = text.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
        Some(match key.as_str() {
            "facebook" | "fb" => Platform::Facebook,
            "instagram" | "ig" => Platform::Instagram,
            "x" | "twitter" | "xtwitter" => Platform::X,
            "tiktok" | "tt" => Platform::TikTok,
            "youtube" | "yt" => Platform::YouTube,
            "threads" => Platform::Threads,
            "lain" | "lainnya" | "other" => Platform::Other,
            _ => return None,
        })
    }

    /// The platform a web address belongs to.
    pub fn of_host(host: &str) -> Option<Platform> {
        let host = host.to_ascii_lowercase();
        let host = host.trim_start_matches("www.").trim_start_matches("m.").trim_start_matches("mobile.");
        Some(match host {
            "facebook.com" | "fb.com" | "fb.me" | "web.facebook.com" => Platform::Facebook,
            "instagram.com" => Platform::Instagram,
            "x.com" | "twitter.com" => Platform::X,
            "tiktok.com" | "vt.tiktok.com" => Platform::TikTok,
            "youtube.com" | "youtu.be" => Platform::YouTube,
            "threads.net" | "threads.com" => Platform::Threads,
            _ => return None,
        })
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an account cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountError {
    Empty,
    /// Spaces or other characters no platform allows in a handle.
    Malformed,
    TooLong,
}

impl Localized for AccountError {
    fn message(&self, locale: Locale) -> String {
        match self {
            AccountError::Empty => locale.pick("Akun wajib diisi.", "The account is required."),
            AccountError::Malformed => locale.pick(
                "Akun harus berupa nama pengguna (@nama) atau alamat profil, tanpa spasi.",
                "The account must be a handle (@name) or a profile address, without spaces.",
            ),
            AccountError::TooLong => {
                locale.pick("Akun paling banyak 100 karakter.", "An account has at most 100 characters.")
            }
        }
        .to_string()
    }
}

/// An account as Netra recognises it: the handle in lower case without `@`, and the platform when the text said
/// (a profile address does).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccountKey {
    pub platform: Option<Platform>,
    pub handle: String,
}

impl AccountKey {
    /// Reads `@Budi.Camat`, `budi.camat` or a profile address (`https://www.instagram.com/budi.camat/`,
    /// `facebook.com/profile.php?id=1000123`, `tiktok.com/@budi`, `youtube.com/@budi`); a post's address
    /// (`x.com/budi/status/1`) gives its author.
    pub fn parse(raw: &str) -> Result<AccountKey, AccountError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(AccountError::Empty);
        }
        let without_scheme = raw.strip_prefix("https://").or_else(|| raw.strip_prefix("http://")).unwrap_or(raw);
        let (host, path) = without_scheme.split_once('/').unwrap_or((without_scheme, ""));
        let (platform, handle) = match Platform::of_host(host) {
            Some(platform) => (Some(platform), handle_in_path(path).ok_or(AccountError::Malformed)?),
            None if without_scheme.len() != raw.len() => return Err(AccountError::Malformed),
            None => (None, raw.to_string()),
        };
        let handle = handle.trim_start_matches('@').to_lowercase();
        if handle.is_empty() {
            return Err(AccountError::Malformed);
        }
        if handle.chars().count() > 100 {
            return Err(AccountError::TooLong);
        }
        if handle.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '/' | '?' | '#' | '@')) {
            return Err(AccountError::Malformed);
        }
        Ok(AccountKey { platform, handle })
    }
}

/// The account in a profile or post address's path.
fn handle_in_path(path: &str) -> Option<String> {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    let first = segments.next()?;
    match first {
        "profile.php" => {
            let id = query.split('&').find_map(|pair| pair.strip_prefix("id="))?;
            (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())).then(|| format!("id:{id}"))
        }
        "channel" | "c" | "user" => segments.next().map(str::to_string),
        _ => Some(first.to_string()),
    }
}

/// A problem at one line of an import file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    /// 1-based line of the file (the header is line 1).
    pub line: usize,
    pub field: &'static str,
    pub id: String,
    pub en: String,
}

impl LineProblem {
    pub fn new(line: usize, field: &'static str, id: impl Into<String>, en: impl Into<String>) -> LineProblem {
        LineProblem { line, field, id: id.into(), en: en.into() }
    }

    /// `baris 3, kolom nip: …`
    pub fn describe(&self, locale: Locale) -> String {
        format!(
            "{} {}, {} {}: {}",
            locale.pick("baris", "line"),
            self.line,
            locale.pick("kolom", "column"),
            self.field,
            locale.pick(&self.id, &self.en)
        )
    }
}

/// One row of a known-accounts file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub line: usize,
    pub platform: Platform,
    pub handle: String,
    pub name: String,
    pub nip: Option<String>,
    pub position: String,
    /// Agency id as entered in Netra (`pemkab-bandung`); checked against the store by the caller.
    pub agency: Option<String>,
    pub region: RegionCode,
}

/// The header of a known-accounts file.
pub const ACCOUNT_COLUMNS: [&str; 7] = ["platform", "akun", "nama", "nip", "jabatan", "instansi", "kode_wilayah"];

/// Reads a known-accounts CSV (header [`ACCOUNT_COLUMNS`], comma or semicolon separated, UTF-8). Every row is
/// checked; any problem means nothing is imported, so the caller gets all problems at once.
pub fn parse_accounts(bytes: &[u8]) -> Result<Vec<AccountRow>, Vec<LineProblem>> {
    let text = match std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)) {
        Ok(text) => text,
        Err(e) => {
            let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
            return Err(vec![LineProblem::new(
                line,
                "berkas",
                "Berkas bukan teks UTF-8; simpan ulang sebagai CSV UTF-8.",
                "The file is not UTF-8 text; save it again as CSV UTF-8.",
            )]);
        }
    };
    let delimiter = sniff_delimiter(text);
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(header) => header.iter().map(|h| h.trim().to_lowercase()).collect(),
        Err(_) => return Err(vec![LineProblem::new(1, "header", "Kepala kolom tidak terbaca.", "Unreadable header.")]),
    };
    let missing: Vec<&str> = ACCOUNT_COLUMNS.iter().filter(|c| !header.iter().any(|h| h == *c)).copied().collect();
    if !missing.is_empty() {
        return Err(vec![LineProblem::new(
            1,
            "header",
            format!("Kolom tidak ada: {}. Kepala kolom: {}.", missing.join(", "), ACCOUNT_COLUMNS.join(",")),
            format!("Missing columns: {}. Header: {}.", missing.join(", "), ACCOUNT_COLUMNS.join(",")),
        )]);
    }
    let index = |name: &str| header.iter().position(|h| h == name).expect("checked above");
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |p| line_at(text.as_bytes(), p.byte()));
                problems.push(LineProblem::new(line, "baris", "Baris CSV rusak.", format!("Broken CSV row: {error}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| line_at(text.as_bytes(), p.byte()));
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if record.len() != header.len() {
            problems.push(LineProblem::new(
                line,
                "baris",
                format!("Baris berisi {} kolom, kepala kolom {}.", record.len(), header.len()),
                format!("The row has {} columns, the header {}.", record.len(), header.len()),
            ));
            continue;
        }
        let cell = |name: &str| record.get(index(name)).unwrap_or("").trim();
        let before = problems.len();
        let platform = match Platform::parse(cell("platform")) {
            Some(platform) => Some(platform),
            None => {
                problems.push(LineProblem::new(
                    line,
                    "platform",
                    format!(
                        "Platform \"{}\" tidak dikenal (facebook, instagram, x, tiktok, youtube, threads, lain).",
                        cell("platform")
                    ),
                    format!(
                        "Unknown platform \"{}\" (facebook, instagram, x, tiktok, youtube, threads, lain).",
                        cell("platform")
                    ),
                ));
                None
            }
        };
        let key = match AccountKey::parse(cell("akun")) {
            Ok(key) => Some(key),
            Err(error) => {
                problems.push(LineProblem::new(line, "akun", error.message(Locale::Id), error.message(Locale::En)));
                None
            }
        };
        if let (Some(platform), Some(AccountKey { platform: Some(from_address), .. })) = (platform, &key)
            && platform != *from_address
        {
            problems.push(LineProblem::new(
                line,
                "akun",
                format!("Alamat akun milik {}, bukan {}.", from_address.name(), platform.name()),
                format!("The address belongs to {}, not {}.", from_address.name(), platform.name()),
            ));
        }
        let name = cell("nama");
        if name.is_empty() || name.chars().count() > 120 {
            problems.push(LineProblem::new(
                line,
                "nama",
                "Nama wajib diisi (≤ 120 karakter).",
                "Name required (≤ 120 characters).",
            ));
        }
        let nip = match cell("nip") {
            "" => None,
            raw => match EmployeeNumber::parse(raw) {
                Ok(number) => Some(number.to_string()),
                Err(error) => {
                    problems.push(LineProblem::new(line, "nip", error.message(Locale::Id), error.message(Locale::En)));
                    None
                }
            },
        };
        let position = cell("jabatan");
        if position.chars().count() > 120 {
            problems.push(LineProblem::new(line, "jabatan", "Paling banyak 120 karakter.", "At most 120 characters."));
        }
        let region = match RegionCode::parse(cell("kode_wilayah")) {
            Ok(code) => Some(code),
            Err(error) => {
                problems.push(LineProblem::new(
                    line,
                    "kode_wilayah",
                    error.message(Locale::Id),
                    error.message(Locale::En),
                ));
                None
            }
        };
        if problems.len() > before {
            continue;
        }
        let (platform, key, region) =
            (platform.expect("no problem"), key.expect("no problem"), region.expect("no problem"));
        if let Some(first) = seen.insert((platform, key.handle.clone()), line) {
            problems.push(LineProblem::new(
                line,
                "akun",
                format!("Akun ini sudah ada di baris {first}."),
                format!("This account is already on line {first}."),
            ));
            continue;
        }
        let agency = Some(cell("instansi").to_string()).filter(|a| !a.is_empty());
        rows.push(AccountRow {
            line,
            platform,
            handle: key.handle,
            name: name.to_string(),
            nip,
            position: position.to_string(),
            agency,
            region,
        });
    }
    if problems.is_empty() { Ok(rows) } else { Err(problems) }
}

/// The 1-based line where a record starting at `byte` begins. The csv crate's own line count, and its record
/// positions, include the blank lines it skips before a record, so they are stepped over here.
pub fn line_at(bytes: &[u8], byte: u64) -> usize {
    let mut end = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
    while end < bytes.len() && matches!(bytes[end], b'\n' | b'\r') {
        end += 1;
    }
    line_ends(&bytes[..end]) + 1
}

fn line_ends(bytes: &[u8]) -> usize {
    // A line ends with `\n`, `\r\n` or a lone `\r` (as the csv crate reads them).
    bytes.iter().enumerate().filter(|&(i, b)| *b == b'\n' || (*b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))).count()
}

/// Comma unless the header line has more semicolons (spreadsheets in Indonesian locales save with `;`).
pub fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    if header.matches(';').count() > header.matches(',').count() { b';' } else { b',' }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> (Option<Platform>, String) {
        let key = AccountKey::parse(text).unwrap();
        (key.platform, key.handle)
    }

    #[test]
    fn accounts_are_recognised_however_written() {
        assert_eq!(key("@Budi.Camat"), (None, "budi.camat".into()));
        assert_eq!(key(" budi.camat "), (None, "budi.camat".into()));
        assert_eq!(key("https://www.instagram.com/budi.camat/"), (Some(Platform::Instagram), "budi.camat".into()));
        assert_eq!(key("instagram.com/Budi.Camat?igsh=abc"), (Some(Platform::Instagram), "budi.camat".into()));
        assert_eq!(key("https://x.com/BudiCamat/status/123"), (Some(Platform::X), "budicamat".into()));
        assert_eq!(key("https://twitter.com/budicamat"), (Some(Platform::X), "budicamat".into()));
        assert_eq!(key("https://www.tiktok.com/@budi_camat/video/1"), (Some(Platform::TikTok), "budi_camat".into()));
        assert_eq!(key("https://m.facebook.com/profile.php?id=100012"), (Some(Platform::Facebook), "id:100012".into()));
        assert_eq!(key("https://www.youtube.com/@budi"), (Some(Platform::YouTube), "budi".into()));
        assert_eq!(key("https://www.youtube.com/channel/UCx1"), (Some(Platform::YouTube), "ucx1".into()));
        assert_eq!(AccountKey::parse("  "), Err(AccountError::Empty));
        assert_eq!(AccountKey::parse("budi camat"), Err(AccountError::Malformed));
        assert_eq!(AccountKey::parse("https://example.com/budi"), Err(AccountError::Malformed));
        assert_eq!(AccountKey::parse("https://facebook.com/"), Err(AccountError::Malformed));
        assert_eq!(AccountKey::parse(&"a".repeat(101)), Err(AccountError::TooLong));
    }

    #[test]
    fn platforms_parse_from_names_and_aliases() {
        for platform in Platform::ALL {
            assert_eq!(Platform::parse(platform.as_str()), Some(platform));
        }
        assert_eq!(Platform::parse("FB"), Some(Platform::Facebook));
        assert_eq!(Platform::parse("Tik Tok"), Some(Platform::TikTok));
        assert_eq!(Platform::parse("Twitter"), Some(Platform::X));
        assert_eq!(Platform::parse("myspace"), None);
    }

    const HEADER: &str = "platform,akun,nama,nip,jabatan,instansi,kode_wilayah\n";

    #[test]
    fn a_good_accounts_file_is_read() {
        let file = format!(
            "{HEADER}instagram,@Asep.Camat,Asep Sunandar,,Camat Cileunyi,pemkab-bandung,32.04.01\n\n\
             x,https://x.com/guru_dedi,Dedi,198503302010011002,Guru,,32.04\n"
        );
        let rows = parse_accounts(file.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].line, rows[0].platform, rows[0].handle.as_str()), (2, Platform::Instagram, "asep.camat"));
        assert_eq!(rows[0].agency.as_deref(), Some("pemkab-bandung"));
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[1].nip.as_deref(), Some("198503302010011002"));
        assert_eq!(rows[1].region.to_string(), "32.04");
        let semicolons = "platform;akun;nama;nip;jabatan;instansi;kode_wilayah\nfb;budi;Budi;;Lurah;;32.04\n";
        assert_eq!(parse_accounts(semicolons.as_bytes()).unwrap()[0].platform, Platform::Facebook);
    }

    #[test]
    fn every_bad_row_is_reported_with_line_and_column() {
        let file = format!(
            "{HEADER}myspace,budi,Budi,,,,32.04\n\
             instagram,budi camat,Budi,,,,32.04\n\
             instagram,budi,Budi,123,,,32.04\n\
             instagram,budi,Budi,,,,99.99.99.9\n\
             instagram,budi,,,,,32.04\n\
             instagram,budi,Budi,,,\n\
             instagram,ok,Oke,,,,32.04\n\
             ig,OK,Oke Lagi,,,,32.04\n\
             tiktok,https://x.com/salah,Salah,,,,32.04\n"
        );
        let problems = parse_accounts(file.as_bytes()).unwrap_err();
        let got: Vec<(usize, &str)> = problems.iter().map(|p| (p.line, p.field)).collect();
        assert_eq!(
            got,
            [
                (2, "platform"),
                (3, "akun"),
                (4, "nip"),
                (5, "kode_wilayah"),
                (6, "nama"),
                (7, "baris"),
                (9, "akun"),
                (10, "akun")
            ]
        );
        assert!(
            problems[6].id.contains("sudah ada di baris 8") || problems[6].id.contains("baris 8"),
            "{:?}",
            problems[6]
        );
        assert!(problems[0].describe(Locale::Id).starts_with("baris 2, kolom platform: "));
        let missing = parse_accounts(b"platform,akun\nig,a\n").unwrap_err();
        assert_eq!((missing[0].line, missing[0].field), (1, "header"));
        assert!(missing[0].id.contains("nama"));
        let latin1 = parse_accounts(b"platform,akun,nama,nip,jabatan,instansi,kode_wilayah\nig,a,Jos\xe9,,,,32.04\n");
        assert_eq!(latin1.unwrap_err()[0].line, 2);
    }
}
