//! The normaliser and the screener on arbitrary text: no panic, idempotent normalisation, spans inside the
//! original on character boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netra_screen::{Normalizer, Screener};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let normalizer = Normalizer::builtin();
    let once = normalizer.normalize(&text);
    assert_eq!(normalizer.normalize(&once.text).text, once.text, "normalisation is idempotent");
    for (start, end) in once.token_ranges() {
        let (a, b) = once.original_span(start, end).expect("every token has an origin");
        assert!(a < b && b <= text.len() && text.is_char_boundary(a) && text.is_char_boundary(b));
    }
    let verdict = Screener::builtin().screen(&text, None);
    let chars = text.chars().count();
    for evidence in &verdict.explanation {
        assert!(evidence.start < evidence.end && evidence.end <= chars);
    }
});
