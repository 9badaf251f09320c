//! The JSONL readers on arbitrary bytes: an error or a post, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netra_screen::input::{parse_labelled, parse_post};

fuzz_target!(|data: &[u8]| {
    if let Ok(post) = parse_post(data) {
        assert!(post.id.is_string() || post.id.is_number());
    }
    let _ = parse_labelled(data);
});
