//! What an uploaded evidence file is: its content type sniffed from its bytes (never the uploader's claim), the
//! metadata staff may need (EXIF camera, time, GPS position), and a copy without that metadata for anything that
//! leaves the case (publication, sharing).

use std::io::BufReader;
use std::path::Path;

use serde_json::{Map, Value, json};

use crate::access::FieldError;

/// Largest evidence file accepted.
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;
/// Most files per report or upload.
pub const MAX_FILES: usize = 10;

/// Content types accepted as evidence.
const ALLOWED: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/heif",
    "image/heic",
    "video/mp4",
    "video/quicktime",
    "video/webm",
    "video/x-matroska",
    "video/3gpp",
    "audio/mpeg",
    "audio/ogg",
    "audio/x-wav",
    "audio/aac",
    "audio/m4a",
    "audio/x-m4a",
    "application/pdf",
];

/// The sniffed type of a file from its first bytes, if it is accepted as evidence. Plain UTF-8 text (a copied
/// chat) is accepted as `text/plain`.
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    match infer::get(head) {
        Some(kind) => ALLOWED.iter().find(|allowed| **allowed == kind.mime_type()).copied(),
        None => {
            // The head may end inside a multi-byte character: only the last three bytes may be cut.
            let valid = match std::str::from_utf8(head) {
                Ok(_) => true,
                Err(error) => error.error_len().is_none() && head.len() - error.valid_up_to() < 4,
            };
            (valid && !head.is_empty() && !head.contains(&0)).then_some("text/plain")
        }
    }
}

/// The refusal for a file whose type is not accepted.
pub fn unsupported(field: &'static str, name: &str) -> FieldError {
    FieldError::new(
        field,
        format!(
            "Berkas \"{name}\" bukan jenis yang diterima (foto, video, audio, PDF, atau teks). Jenis ditentukan dari \
             isi berkas, bukan namanya."
        ),
        format!(
            "File \"{name}\" is not an accepted type (photo, video, audio, PDF or text). The type is read from the \
             content, not the name."
        ),
    )
}

/// A file name safe to show and store: the last path component, without control characters, at most 120
/// characters.
pub fn clean_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last.chars().filter(|c| !c.is_control()).take(120).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() { "berkas".into() } else { cleaned }
}

fn rational_degrees(field: &exif::Field) -> Option<f64> {
    match &field.value {
        exif::Value::Rational(parts) if parts.len() == 3 => {
            Some(parts[0].to_f64() + parts[1].to_f64() / 60.0 + parts[2].to_f64() / 3600.0)
        }
        _ => None,
    }
}

/// Metadata of an image file (EXIF: camera, time taken, GPS position) as a JSON object; empty when there is none.
pub fn extract_metadata(path: &Path, content_type: &str) -> Value {
    match std::fs::File::open(path) {
        Ok(file) => metadata_of(&mut BufReader::new(file), content_type),
        Err(_) => Value::Object(Map::new()),
    }
}

/// [`extract_metadata`] of an image read from `reader`.
pub fn metadata_of<R: std::io::BufRead + std::io::Seek>(reader: &mut R, content_type: &str) -> Value {
    let mut out = Map::new();
    if !content_type.starts_with("image/") {
        return Value::Object(out);
    }
    let Ok(data) = exif::Reader::new().read_from_container(reader) else {
        return Value::Object(out);
    };
    let text = |tag: exif::Tag| {
        data.get_field(tag, exif::In::PRIMARY)
            .map(|field| field.display_value().to_string().trim_matches('"').to_string())
    };
    for (key, tag) in [
        ("camera_make", exif::Tag::Make),
        ("camera_model", exif::Tag::Model),
        ("taken_at", exif::Tag::DateTimeOriginal),
        ("software", exif::Tag::Software),
    ] {
        if let Some(value) = text(tag) {
            out.insert(key.into(), Value::String(value));
        }
    }
    let coordinate = |value: exif::Tag, reference: exif::Tag, negative: &str| {
        let degrees = rational_degrees(data.get_field(value, exif::In::PRIMARY)?)?;
        let sign = if text(reference).is_some_and(|r| r.starts_with(negative)) { -1.0 } else { 1.0 };
        Some(sign * degrees)
    };
    if let (Some(lat), Some(lon)) = (
        coordinate(exif::Tag::GPSLatitude, exif::Tag::GPSLatitudeRef, "S"),
        coordinate(exif::Tag::GPSLongitude, exif::Tag::GPSLongitudeRef, "W"),
    ) {
        out.insert("gps".into(), json!({ "latitude": lat, "longitude": lon }));
    }
    Value::Object(out)
}

/// A copy of an image without its metadata (JPEG APP1–APP15 and comment segments; PNG text, time and EXIF
/// chunks). `None` for types this cannot clean, which must then not be published.
pub fn strip_metadata(content_type: &str, bytes: &[u8]) -> Option<Vec<u8>> {
    match content_type {
        "image/jpeg" => strip_jpeg(bytes),
        "image/png" => strip_png(bytes),
        _ => None,
    }
}

fn strip_jpeg(bytes: &[u8]) -> Option<Vec<u8>> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut out = vec![0xFF, 0xD8];
    let mut at = 2;
    loop {
        if at + 4 > bytes.len() || bytes[at] != 0xFF {
            return None;
        }
        let marker = bytes[at + 1];
        if marker == 0xDA {
            // Start of scan: the compressed image and the rest follow unchanged.
            out.extend_from_slice(&bytes[at..]);
            return Some(out);
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        let end = at + 2 + length;
        if length < 2 || end > bytes.len() {
            return None;
        }
        let metadata = (0xE1..=0xEF).contains(&marker) || marker == 0xFE;
        if !metadata {
            out.extend_from_slice(&bytes[at..end]);
        }
        at = end;
    }
}

fn strip_png(bytes: &[u8]) -> Option<Vec<u8>> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !bytes.starts_with(SIGNATURE) {
        return None;
    }
    let mut out = SIGNATURE.to_vec();
    let mut at = SIGNATURE.len();
    while at + 12 <= bytes.len() {
        let length = u32::from_be_bytes(bytes[at..at + 4].try_into().ok()?) as usize;
        let end = at.checked_add(12)?.checked_add(length)?;
        if end > bytes.len() {
            return None;
        }
        let kind = &bytes[at + 4..at + 8];
        if !matches!(kind, b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME") {
            out.extend_from_slice(&bytes[at..end]);
        }
        at = end;
        if kind == b"IEND" {
            return Some(out);
        }
    }
    None
}

#[cfg(any(test, feature = "test-support"))]
/// For tests: a minimal JPEG with an EXIF segment carrying a GPS position (built by hand: TIFF header, IFD0 with a
/// GPS pointer, GPS IFD with latitude/longitude and their references).
pub fn sample_jpeg_with_gps() -> Vec<u8> {
    let mut tiff: Vec<u8> = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    // IFD0: one entry, GPS IFD pointer (0x8825, LONG) -> offset 26.
    tiff.extend_from_slice(&[0x00, 0x01, 0x88, 0x25, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 26]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    // GPS IFD at 26: four entries, data after (26 + 2 + 4*12 + 4 = 80).
    let entry = |tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        let mut e = tag.to_be_bytes().to_vec();
        e.extend_from_slice(&kind.to_be_bytes());
        e.extend_from_slice(&count.to_be_bytes());
        e.extend_from_slice(&value);
        e
    };
    tiff.extend_from_slice(&[0x00, 0x04]);
    tiff.extend(entry(1, 2, 2, *b"S\0\0\0"));
    tiff.extend(entry(2, 5, 3, 80u32.to_be_bytes()));
    tiff.extend(entry(3, 2, 2, *b"E\0\0\0"));
    tiff.extend(entry(4, 5, 3, 104u32.to_be_bytes()));
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    for (num, den) in [(6u32, 1u32), (54, 1), (0, 1), (107, 1), (36, 1), (0, 1)] {
        tiff.extend_from_slice(&num.to_be_bytes());
        tiff.extend_from_slice(&den.to_be_bytes());
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1];
    jpeg.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    jpeg.extend(app1);
    // A quantisation-table segment and a start of scan with some "image data", then EOI.
    jpeg.extend_from_slice(&[0xFF, 0xDB, 0x00, 0x04, 0x00, 0x01]);
    jpeg.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 0x11, 0x22, 0x33, 0xFF, 0xD9]);
    jpeg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_sniffed_from_content_not_names() {
        assert_eq!(sniff(&sample_jpeg_with_gps()), Some("image/jpeg"));
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(sniff("obrolan grup: coblos nomor 2".as_bytes()), Some("text/plain"));
        assert_eq!(sniff(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"), None, "executables are refused");
        assert_eq!(sniff(b"PK\x03\x04\x14\x00\x00\x00"), None, "archives are refused");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("C:\\Users\\x\\foto 1.jpg"), "foto 1.jpg");
        assert_eq!(clean_file_name(".."), "berkas");
    }

    #[test]
    fn gps_is_extracted_for_staff_and_stripped_from_copies() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jpg");
        let jpeg = sample_jpeg_with_gps();
        std::fs::write(&path, &jpeg).unwrap();
        let metadata = extract_metadata(&path, "image/jpeg");
        let gps = &metadata["gps"];
        assert!((gps["latitude"].as_f64().unwrap() + 6.9).abs() < 1e-9, "{metadata}");
        assert!((gps["longitude"].as_f64().unwrap() - 107.6).abs() < 1e-9);

        let stripped = strip_metadata("image/jpeg", &jpeg).unwrap();
        assert!(!stripped.windows(4).any(|w| w == b"Exif"));
        assert!(stripped.ends_with(&[0xFF, 0xDA, 0x00, 0x02, 0x11, 0x22, 0x33, 0xFF, 0xD9]), "image data kept");
        std::fs::write(&path, &stripped).unwrap();
        assert_eq!(extract_metadata(&path, "image/jpeg"), json!({}));
        assert_eq!(strip_metadata("application/pdf", b"%PDF"), None);
    }
}
