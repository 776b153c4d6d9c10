//! Fuzzes decoding and front-matter splitting: any bytes give a Document or a located error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(d) = inquest::content::parse("f.md", "content/f.md", data) {
        assert!(d.is_error());
    }
});
