//! What an upload brings from outside: its file name (multipart), its bytes sniffed for a type, its EXIF read for
//! staff, and its metadata stripped. Stripping never panics, keeps the file's kind, and is idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netra_store::evidence::{clean_file_name, metadata_of, sniff, strip_metadata};

fuzz_target!(|data: &[u8]| {
    let name = clean_file_name(&String::from_utf8_lossy(data));
    assert!(!name.is_empty() && name.chars().count() <= 120);
    assert!(!name.contains('/') && !name.contains('\\') && !name.starts_with('.'));
    assert!(!name.chars().any(char::is_control));
    for kind in ["image/jpeg", "image/png"] {
        let _ = metadata_of(&mut std::io::Cursor::new(data), kind);
        if let Some(stripped) = strip_metadata(kind, data) {
            assert_eq!(strip_metadata(kind, &stripped).as_deref(), Some(stripped.as_slice()));
        }
    }
    let _ = sniff(data);
});
