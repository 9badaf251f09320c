//! Signed files people upload or hand over: letter PDFs (checked by their seal), exported pacts, and letter
//! templates. Nothing panics; a random file never verifies.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netra_core::letter::{LetterTemplate, verify_pdf};
use netra_core::pact::{PactSigner, SignedPact};

fuzz_target!(|data: &[u8]| {
    let key = PactSigner::from_secret(&[9; 32]).public_key();
    assert!(verify_pdf(data, std::slice::from_ref(&key)).is_err());
    if let Ok(pact) = SignedPact::from_file(data) {
        assert!(netra_core::pact::verify(&pact, &[key]).is_err());
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = LetterTemplate::parse("fuzz.toml", text);
    }
});
