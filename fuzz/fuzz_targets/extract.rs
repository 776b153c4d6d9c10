//! Fuzzes the whole per-file path: parse → extract → window → render.
#![no_main]

use inquest::config::ExtractConfig;
use inquest::extract::{self, zone};
use inquest::markdown::{self, RenderOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for name in ["f.md", "f.txt"] {
        let Ok((doc, _)) = inquest::content::parse(name, name, data) else { continue };
        let z = zone::site_zone("UTC").unwrap();
        let cfg = ExtractConfig::default();
        let opts = extract::Options { site_zone: &z, config: &cfg, taxonomies: &[] };
        let (meta, _) = extract::extract(&doc, &opts);
        let _ = extract::window(&meta, &z);
        let _ = markdown::render(&doc.body, doc.kind, Some(meta.title()), RenderOptions::default());
    }
});
