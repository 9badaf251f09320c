//! Reading a cyber-patrol batch: social-media posts collected by staff or a monitoring tool, as JSONL (one object
//! per line) or CSV (a header row), each with the account, the post's address, its time and its text.
//!
//! Columns and keys may be written in Indonesian or English: `akun`/`account`, `teks`/`text`, `waktu`/`time`,
//! `url`/`tautan`, and optionally `platform` and `id`. A bad line is reported with its line number, field and
//! reason and left out; the good lines are kept.

use netra_core::Locale;
use netra_core::locale::Localized;
use netra_core::patrol::{AccountKey, LineProblem, Platform, line_at, sniff_delimiter};
use time::format_description::well_known::Rfc3339;
use time::macros::{format_description, offset};
use time::{Date, OffsetDateTime, PrimitiveDateTime};

/// The longest post text accepted, in characters.
pub const MAX_POST_CHARS: usize = 20_000;

/// A batch's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchFormat {
    Jsonl,
    Csv,
}

impl BatchFormat {
    /// From the file name's extension, else from the first character (`{` is JSONL).
    pub fn detect(file_name: &str, bytes: &[u8]) -> BatchFormat {
        let lower = file_name.to_ascii_lowercase();
        if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") || lower.ends_with(".json") {
            return BatchFormat::Jsonl;
        }
        if lower.ends_with(".csv") || lower.ends_with(".txt") {
            return BatchFormat::Csv;
        }
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match body.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => BatchFormat::Jsonl,
            _ => BatchFormat::Csv,
        }
    }
}

/// One post of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchPost {
    /// 1-based line in the file.
    pub line: usize,
    /// The collector's own id of the post, if given.
    pub id: Option<String>,
    /// Given, or read from the account's or the post's address.
    pub platform: Option<Platform>,
    /// The account as written.
    pub account: String,
    pub key: AccountKey,
    pub url: Option<String>,
    pub posted_at: OffsetDateTime,
    pub text: String,
}

/// What a batch file holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchRead {
    pub posts: Vec<BatchPost>,
    pub problems: Vec<LineProblem>,
    /// Lines that held a post or a problem (blank lines and the CSV header are not counted).
    pub lines: usize,
}

/// The raw fields of one line, whatever the format.
#[derive(Default)]
struct RawPost {
    id: Option<String>,
    platform: Option<String>,
    account: Option<String>,
    url: Option<String>,
    time: Option<String>,
    text: Option<String>,
}

/// Which field a column or key holds.
fn field_of(name: &str) -> Option<&'static str> {
    Some(match name.trim().to_lowercase().as_str() {
        "id" => "id",
        "platform" | "platforma" => "platform",
        "akun" | "account" | "handle" | "username" => "akun",
        "url" | "tautan" | "link" => "url",
        "waktu" | "time" | "timestamp" | "tanggal" | "posted_at" => "waktu",
        "teks" | "text" | "isi" | "konten" | "content" => "teks",
        _ => return None,
    })
}

impl RawPost {
    fn set(&mut self, field: &str, value: String) {
        let slot = match field {
            "id" => &mut self.id,
            "platform" => &mut self.platform,
            "akun" => &mut self.account,
            "url" => &mut self.url,
            "waktu" => &mut self.time,
            _ => &mut self.text,
        };
        *slot = Some(value);
    }
}

fn problem(line: usize, field: &'static str, id: impl Into<String>, en: impl Into<String>) -> LineProblem {
    LineProblem::new(line, field, id, en)
}

/// Reads a post's time: RFC 3339 (`2024-10-05T08:30:00+07:00`), a local date and time (`2024-10-05 08:30[:00]`,
/// taken as WIB), a date (`2024-10-05`, midnight WIB) or Unix seconds.
pub fn parse_post_time(raw: &str) -> Option<OffsetDateTime> {
    let raw = raw.trim();
    if let Ok(at) = OffsetDateTime::parse(raw, &Rfc3339) {
        return Some(at);
    }
    if !raw.is_empty() && raw.len() <= 12 && raw.bytes().all(|b| b.is_ascii_digit()) {
        return raw.parse::<i64>().ok().and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok());
    }
    let normalised = raw.replacen('T', " ", 1);
    let wib = offset!(+7);
    if let Ok(at) =
        PrimitiveDateTime::parse(&normalised, format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"))
    {
        return Some(at.assume_offset(wib));
    }
    if let Ok(at) = PrimitiveDateTime::parse(&normalised, format_description!("[year]-[month]-[day] [hour]:[minute]")) {
        return Some(at.assume_offset(wib));
    }
    Date::parse(raw, format_description!("[year]-[month]-[day]")).ok().map(|d| d.midnight().assume_offset(wib))
}

/// Checks one line's fields and makes the post, or reports every problem of the line.
fn finish(line: usize, raw: RawPost, problems: &mut Vec<LineProblem>) -> Option<BatchPost> {
    let before = problems.len();
    let account = raw.account.unwrap_or_default().trim().to_string();
    let key = match AccountKey::parse(&account) {
        Ok(key) => Some(key),
        Err(error) => {
            problems.push(problem(line, "akun", error.message(Locale::Id), error.message(Locale::En)));
            None
        }
    };
    let text = raw.text.unwrap_or_default();
    let text = text.trim();
    if text.is_empty() {
        problems.push(problem(line, "teks", "Teks unggahan kosong.", "The post's text is empty."));
    } else if text.chars().count() > MAX_POST_CHARS {
        problems.push(problem(
            line,
            "teks",
            format!("Teks lebih dari {MAX_POST_CHARS} karakter."),
            format!("The text is longer than {MAX_POST_CHARS} characters."),
        ));
    }
    let time = raw.time.unwrap_or_default();
    let posted_at = parse_post_time(&time);
    if posted_at.is_none() {
        let (id, en) = if time.trim().is_empty() {
            ("Waktu unggahan wajib diisi.".to_string(), "The post's time is required.".to_string())
        } else {
            (
                format!("\"{}\" bukan waktu; gunakan 2024-10-05T08:30:00+07:00 atau 2024-10-05 08:30.", time.trim()),
                format!("\"{}\" is not a time; use 2024-10-05T08:30:00+07:00 or 2024-10-05 08:30.", time.trim()),
            )
        };
        problems.push(problem(line, "waktu", id, en));
    }
    let url = raw.url.map(|u| u.trim().to_string()).filter(|u| !u.is_empty());
    if let Some(url) = &url
        && (!(url.starts_with("https://") || url.starts_with("http://"))
            || url.len() > 2000
            || url.contains(char::is_whitespace))
    {
        problems.push(problem(
            line,
            "url",
            "Alamat unggahan harus diawali http:// atau https:// tanpa spasi.",
            "The post's address must start with http:// or https:// and contain no spaces.",
        ));
    }
    let stated = raw.platform.map(|p| p.trim().to_string()).filter(|p| !p.is_empty());
    let platform = match &stated {
        Some(name) => match Platform::parse(name) {
            Some(platform) => Some(platform),
            None => {
                problems.push(problem(
                    line,
                    "platform",
                    format!("Platform \"{name}\" tidak dikenal."),
                    format!("Unknown platform \"{name}\"."),
                ));
                None
            }
        },
        None => None,
    };
    if problems.len() > before {
        return None;
    }
    let key = key.expect("no problem");
    let from_url = url.as_deref().and_then(|u| {
        let rest = u.split_once("://").map_or(u, |(_, rest)| rest);
        Platform::of_host(rest.split('/').next().unwrap_or(""))
    });
    Some(BatchPost {
        line,
        id: raw.id.map(|id| id.trim().to_string()).filter(|id| !id.is_empty()),
        platform: platform.or(key.platform).or(from_url),
        account,
        key,
        url,
        posted_at: posted_at.expect("no problem"),
        text: text.to_string(),
    })
}

/// Reads a batch file.
pub fn read_batch(bytes: &[u8], format: BatchFormat) -> BatchRead {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match format {
        BatchFormat::Jsonl => read_jsonl(bytes),
        BatchFormat::Csv => read_csv(bytes),
    }
}

fn read_jsonl(bytes: &[u8]) -> BatchRead {
    let mut read = BatchRead::default();
    for (index, line) in bytes.split(|b| *b == b'\n').enumerate() {
        let number = index + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        read.lines += 1;
        let text = match std::str::from_utf8(line) {
            Ok(text) => text,
            Err(_) => {
                read.problems.push(problem(number, "baris", "Baris bukan teks UTF-8.", "The line is not UTF-8 text."));
                continue;
            }
        };
        let object = match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text) {
            Ok(object) => object,
            Err(error) => {
                read.problems.push(problem(
                    number,
                    "baris",
                    format!("Baris bukan objek JSON (kolom {}).", error.column()),
                    format!("The line is not a JSON object (column {}).", error.column()),
                ));
                continue;
            }
        };
        let mut raw = RawPost::default();
        let mut bad_type = None;
        for (key, value) in object {
            let Some(field) = field_of(&key) else { continue };
            match value {
                serde_json::Value::String(text) => raw.set(field, text),
                serde_json::Value::Number(number) if matches!(field, "id" | "waktu") => {
                    raw.set(field, number.to_string())
                }
                serde_json::Value::Null => {}
                _ => bad_type = Some(field),
            }
        }
        if let Some(field) = bad_type {
            read.problems.push(problem(number, field, "Harus berupa teks.", "Must be a string."));
            continue;
        }
        if let Some(post) = finish(number, raw, &mut read.problems) {
            read.posts.push(post);
        }
    }
    read
}

fn read_csv(bytes: &[u8]) -> BatchRead {
    let mut read = BatchRead::default();
    let text = String::from_utf8_lossy(bytes);
    let mut reader = csv::ReaderBuilder::new().delimiter(sniff_delimiter(&text)).flexible(true).from_reader(bytes);
    let header: Vec<Option<&'static str>> = match reader.byte_headers() {
        Ok(header) => header.iter().map(|h| std::str::from_utf8(h).ok().and_then(field_of)).collect(),
        Err(_) => {
            read.problems.push(problem(1, "header", "Kepala kolom tidak terbaca.", "Unreadable header."));
            return read;
        }
    };
    let missing: Vec<&str> = ["akun", "waktu", "teks"].into_iter().filter(|f| !header.contains(&Some(*f))).collect();
    if !missing.is_empty() {
        read.problems.push(problem(
            1,
            "header",
            format!("Kolom tidak ada: {}. Kolom: akun, url, waktu, teks (platform dan id boleh).", missing.join(", ")),
            format!(
                "Missing columns: {}. Columns: akun, url, waktu, teks (platform and id optional).",
                missing.join(", ")
            ),
        ));
        return read;
    }
    let mut record = csv::ByteRecord::new();
    loop {
        let line = line_at(bytes, reader.position().byte());
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(_) => {
                read.lines += 1;
                read.problems.push(problem(
                    line,
                    "baris",
                    "Baris CSV rusak (tanda kutip?).",
                    "Broken CSV row (quotes?).",
                ));
                continue;
            }
        }
        if record.iter().all(|cell| cell.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        read.lines += 1;
        if record.len() != header.len() {
            read.problems.push(problem(
                line,
                "baris",
                format!("Baris berisi {} kolom, kepala kolom {}.", record.len(), header.len()),
                format!("The row has {} columns, the header {}.", record.len(), header.len()),
            ));
            continue;
        }
        let mut raw = RawPost::default();
        let mut not_utf8 = false;
        for (cell, field) in record.iter().zip(&header) {
            let Some(field) = field else { continue };
            match std::str::from_utf8(cell) {
                Ok(value) => raw.set(field, value.to_string()),
                Err(_) => not_utf8 = true,
            }
        }
        if not_utf8 {
            read.problems.push(problem(line, "baris", "Baris bukan teks UTF-8.", "The row is not UTF-8 text."));
            continue;
        }
        if let Some(post) = finish(line, raw, &mut read.problems) {
            read.posts.push(post);
        }
    }
    read
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_detected_by_name_then_content() {
        assert_eq!(BatchFormat::detect("x.JSONL", b"akun"), BatchFormat::Jsonl);
        assert_eq!(BatchFormat::detect("x.csv", b"{"), BatchFormat::Csv);
        assert_eq!(BatchFormat::detect("x", b"  {\"a\":1}"), BatchFormat::Jsonl);
        assert_eq!(BatchFormat::detect("x", b"akun,teks"), BatchFormat::Csv);
    }

    #[test]
    fn times_are_read_in_the_usual_forms() {
        let wib = offset!(+7);
        let expected = time::macros::datetime!(2024-10-05 08:30).assume_offset(wib);
        assert_eq!(parse_post_time("2024-10-05T08:30:00+07:00"), Some(expected));
        assert_eq!(parse_post_time("2024-10-05T01:30:00Z"), Some(expected));
        assert_eq!(parse_post_time("2024-10-05 08:30"), Some(expected));
        assert_eq!(parse_post_time("2024-10-05T08:30:00"), Some(expected));
        assert_eq!(parse_post_time(&expected.unix_timestamp().to_string()), Some(expected));
        assert_eq!(parse_post_time("2024-10-05").unwrap().date(), time::macros::date!(2024 - 10 - 05));
        assert_eq!(parse_post_time("5 Oktober"), None);
        assert_eq!(parse_post_time(""), None);
    }

    #[test]
    fn a_csv_batch_keeps_good_rows_and_names_bad_ones() {
        let file = "akun,url,waktu,teks,platform\n\
            @Asep.Camat,https://www.instagram.com/p/abc/,2024-10-05 08:30,\"Ayo dukung paslon 2, salam dua jari!\",\n\
            \n\
            ,https://x.com/a/status/1,2024-10-05,teks,\n\
            budi,ftp://x,kemarin,,\n\
            budi,,2024-10-05,\"Selamat pagi\",myspace\n\
            budi,,2024-10-05\n\
            https://x.com/dedi,,2024-10-06 10:00,Coblos nomor 1,\n";
        let read = read_batch(file.as_bytes(), BatchFormat::Csv);
        let problems: Vec<(usize, &str)> = read.problems.iter().map(|p| (p.line, p.field)).collect();
        assert_eq!(problems, [(4, "akun"), (5, "teks"), (5, "waktu"), (5, "url"), (6, "platform"), (7, "baris")]);
        assert_eq!(read.lines, 6);
        assert_eq!(read.posts.len(), 2);
        let first = &read.posts[0];
        assert_eq!(
            (first.line, first.key.handle.as_str(), first.platform),
            (2, "asep.camat", Some(Platform::Instagram))
        );
        assert_eq!(first.text, "Ayo dukung paslon 2, salam dua jari!");
        let last = &read.posts[1];
        assert_eq!((last.line, last.key.handle.as_str(), last.platform), (8, "dedi", Some(Platform::X)));
        let no_header = read_batch(b"a,b\n1,2\n", BatchFormat::Csv);
        assert_eq!((no_header.problems[0].line, no_header.problems[0].field), (1, "header"));
    }

    #[test]
    fn csv_line_numbers_count_bytes_not_replacement_characters() {
        // Found by the fuzzer: invalid UTF-8 earlier in the file must not shift later line numbers.
        let file = b"akun,waktu,teks\n\xff\xff\xff,2024-10-05,a\nbudi,2024-10-05\n";
        let read = read_batch(file, BatchFormat::Csv);
        let lines: Vec<usize> = read.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [2, 3]);
    }

    #[test]
    fn a_jsonl_batch_accepts_english_keys_and_names_bad_lines() {
        let file = b"{\"account\":\"@budi\",\"time\":\"2024-10-05 08:30\",\"text\":\"Salam dua jari\",\"id\":17}\n\
            not json\n\
            {\"akun\":\"budi\",\"waktu\":\"2024-10-05\",\"teks\":5}\n\
            \xff\xfe\n\
            \n\
            {\"akun\":\"budi\",\"waktu\":\"2024-10-05\",\"teks\":\"ok\",\"lain\":[1]}\r\n";
        let read = read_batch(file, BatchFormat::Jsonl);
        let problems: Vec<(usize, &str)> = read.problems.iter().map(|p| (p.line, p.field)).collect();
        assert_eq!(problems, [(2, "baris"), (3, "teks"), (4, "baris")]);
        assert_eq!(read.posts.len(), 2);
        assert_eq!(read.posts[0].id.as_deref(), Some("17"));
        assert_eq!(read.posts[1].line, 6);
        assert_eq!(read.lines, 5);
    }
}
