//! Properties of the whole pipeline, over generated input: it never panics, and nothing is
//! lost — every postmortem file becomes a page, is a left-out draft, is an internal
//! postmortem the public edition leaves out, or is named in an error.

use std::collections::BTreeSet;

use inquest::build::{load, BuildOptions};
use inquest::config::Config;
use inquest::content;
use inquest::edition::{self, Edition};
use inquest::extract;
use inquest::markdown::{self, RenderOptions};
use proptest::prelude::*;

fn whole_path(name: &str, bytes: &[u8]) {
    for e in [Edition::Public, Edition::Internal] {
        let Ok((mut doc, _)) = content::parse(name, name, bytes) else {
            return;
        };
        let lines = doc.body.split('\n').count();
        let config = Config::default().for_edition(e);
        let prepared = edition::prepare(&mut doc, &config);
        // Internal lines become empty lines: every line keeps its number.
        assert_eq!(doc.body.split('\n').count(), lines);
        let defaults = extract::Defaults::default();
        let (meta, _) = extract::extract(&doc, &defaults.options());
        let _ = extract::window(&meta, &defaults.zone);
        let _ = markdown::render(
            prepared.render_body.as_deref().unwrap_or(&doc.body),
            doc.kind,
            Some(meta.title()),
            RenderOptions::default(),
        );
    }
}

/// Bytes that look like postmortems: front matter delimiters, headings, bullets, times.
fn postmortemish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just("+++\n".to_string()),
        Just("---\n".to_string()),
        Just("title = \"x\"\n".to_string()),
        Just("date = 2024-02-30\n".to_string()),
        Just("## Timeline\n".to_string()),
        Just("•\t10:00 AM: alert\n".to_string()),
        Just("- [x] done\n".to_string()),
        Just("```\n".to_string()),
        Just("<script>x</script>\n".to_string()),
        Just("from 23:50 to 00:10 (UTC+5:30) on March 1, 2023\n".to_string()),
        Just(">".repeat(50)),
        Just("<!-- internal -->\n".to_string()),
        Just("<!-- /internal -->\n".to_string()),
        Just("visibility = \"internal\"\n".to_string()),
        Just("Visibility: internal\n".to_string()),
        "[ -~\\n\\t•–é]{0,40}".prop_map(|s| s),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat().into_bytes())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        whole_path("a.md", &bytes);
        whole_path("a.txt", &bytes);
    }

    #[test]
    fn postmortem_shaped_input_never_panics(bytes in postmortemish()) {
        whole_path("a.md", &bytes);
        whole_path("a.txt", &bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn nothing_is_lost(files in prop::collection::vec((0usize..12, postmortemish(), any::<bool>()), 1..8)) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::write(root.join("site.toml"), "title = \"p\"\n").unwrap();
        let mut names = BTreeSet::new();
        for (i, (n, mut bytes, draft)) in files.into_iter().enumerate() {
            // Names collide on purpose (same slug from different files).
            let name = format!("{}/{}.md", i % 2, ["db", "DB", "api", "x", "y", "z", "a b", "é", "1", "2", "3", "4"][n]);
            if draft {
                bytes = [b"+++\ndraft = true\n+++\n".as_slice(), &bytes].concat();
            }
            let path = root.join("content").join(&name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, bytes).unwrap();
            names.insert(name);
        }
        let opts = BuildOptions { root: root.to_path_buf(), ..Default::default() };
        match load(&opts) {
            Ok(site) => {
                prop_assert_eq!(site.archive.incidents.len() + site.drafts_skipped + site.archive.editions.internal, names.len());
            }
            Err(f) => {
                let named: BTreeSet<String> = f.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.path.clone()).collect();
                for n in &named {
                    prop_assert!(n.starts_with("content/"), "an error not about a file: {}", n);
                }
                prop_assert_eq!(f.pages_ok + f.drafts_skipped + f.internal_skipped + named.len(), names.len(), "errors: {:?}", f.diagnostics);
            }
        }
    }
}
