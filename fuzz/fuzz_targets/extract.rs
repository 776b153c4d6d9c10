//! Fuzzes the whole per-file path: parse → extract → window → render.
#![no_main]

use inquest::extract;
use inquest::markdown::{self, RenderOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for name in ["f.md", "f.txt"] {
        let Ok((doc, _)) = inquest::content::parse(name, name, data) else { continue };
        let defaults = extract::Defaults::default();
        let (meta, _) = extract::extract(&doc, &defaults.options());
        let _ = extract::window(&meta, &defaults.zone);
        let _ = markdown::render(&doc.body, doc.kind, Some(meta.title()), RenderOptions::default());
    }
});
