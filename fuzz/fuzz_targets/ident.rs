//! Identifiers typed by people and read from files: NIP, NI PPPK and old NIPs, NIK, region codes, verification
//! codes and catalogue item lists. No input panics, and whatever parses prints back to something that parses to
//! the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netra_core::ident::{EmployeeNumber, Nik};
use netra_core::region::RegionCode;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(number) = EmployeeNumber::parse(text) {
        assert_eq!(EmployeeNumber::parse(&number.to_string()).as_ref(), Ok(&number));
    }
    if let Ok(nik) = Nik::parse(text) {
        // Displayed NIKs are masked (personal data); the full number is only ever exposed on purpose.
        assert!(nik.to_string().contains('*'));
        assert_eq!(Nik::parse(&nik.expose()).as_ref(), Ok(&nik));
    }
    if let Ok(code) = RegionCode::parse(text) {
        assert_eq!(RegionCode::parse(&code.to_string()), Ok(code));
        let _ = code.parent();
    }
    if let Some(code) = netra_core::pact::normalise_code(text) {
        assert_eq!(netra_core::pact::normalise_code(&code).as_deref(), Some(code.as_str()));
    }
    let _ = netra_core::catalogue::item_codes(text);
});
