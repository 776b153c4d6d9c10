//! Incremental rebuilds (what `serve` does on each save): unchanged files are not processed
//! again, and only the postmortem pages that show something that changed are rendered again.

use inquest::build::{load_archive, BuildOptions, Cache};
use inquest::pages::{render_postmortems, PageCache};

use std::collections::BTreeMap;

use crate::support::{retitle_db_failover, site};

fn opts(root: &std::path::Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        ..Default::default()
    }
}

/// Loads and renders the postmortem pages that changed, and applies them to `site` (output
/// path → html) as `serve` does; returns (files read again, pages rendered).
fn rebuild(
    root: &std::path::Path,
    cache: &mut Cache,
    pages: &mut PageCache,
    site: &mut BTreeMap<String, String>,
) -> (usize, usize) {
    let l = load_archive(&opts(root), cache).unwrap();
    let out = render_postmortems(&l.archive, &l.theme, &l.config, pages).unwrap();
    site.retain(|k, _| pages.contains(k));
    for (k, v) in out.files {
        match v {
            inquest::output::Payload::Bytes(b) => site.insert(k, String::from_utf8(b).unwrap()),
            inquest::output::Payload::Copy(p) => panic!("a page is a file to copy: {p:?}"),
        };
    }
    (cache.processed, pages.rendered)
}

#[test]
fn a_one_file_edit_renders_that_page_and_its_neighbours_only() {
    let (_t, root) = site("basic");
    let mut cache = Cache::persistent();
    let mut pages = PageCache::default();
    let mut served = BTreeMap::new();
    let (read, rendered) = rebuild(&root, &mut cache, &mut pages, &mut served);
    let first = served.clone();
    let n = first.len();
    assert_eq!((read, rendered), (5, n), "the first build does everything");
    assert!(
        n >= 3,
        "the fixture has at least three published postmortems"
    );

    // Nothing changed: nothing is read again or rendered again, and the pages are the same.
    let (read, rendered) = rebuild(&root, &mut cache, &mut pages, &mut served);
    assert_eq!((read, rendered), (0, 0));
    assert_eq!(served, first);

    // One file edited: it is read again; its page and the pages linking to it as previous
    // or next are rendered again, and they carry the new title.
    retitle_db_failover(&root);
    let (read, rendered) = rebuild(&root, &mut cache, &mut pages, &mut served);
    let after = served.clone();
    assert_eq!(read, 1);
    let changed: Vec<&String> = after
        .iter()
        .filter(|(k, v)| first.get(*k) != Some(*v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        changed.contains(&&"postmortems/2024-06-20-db-failover/index.html".to_string()),
        "{changed:?}"
    );
    assert!(
        rendered >= changed.len() && rendered <= 3,
        "rendered {rendered}, changed {changed:?}"
    );
    for path in &changed {
        assert!(after[*path].contains("Replica promotion stalled"), "{path}");
    }
    // And the result is exactly what a build from scratch gives.
    let mut scratch = BTreeMap::new();
    rebuild(
        &root,
        &mut Cache::default(),
        &mut PageCache::default(),
        &mut scratch,
    );
    assert_eq!(after, scratch);

    // A deleted postmortem's page goes.
    std::fs::remove_file(root.join("content/2024/2024-06-20-db-failover.md")).unwrap();
    rebuild(&root, &mut cache, &mut pages, &mut served);
    assert!(!served.contains_key("postmortems/2024-06-20-db-failover/index.html"));
    assert_eq!(served.len(), n - 1);
}

#[test]
fn a_template_edit_renders_every_page_again() {
    let (_t, root) = site("basic");
    let mut cache = Cache::persistent();
    let mut pages = PageCache::default();
    let mut served = BTreeMap::new();
    rebuild(&root, &mut cache, &mut pages, &mut served);
    let n = served.len();
    let theme_page = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("themes/default/templates/postmortem.html"),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/postmortem.html"),
        theme_page.replacen("<article", "<!-- edited template --><article", 1),
    )
    .unwrap();
    let (read, rendered) = rebuild(&root, &mut cache, &mut pages, &mut served);
    assert_eq!(read, 0, "no content file changed");
    assert_eq!(rendered, n);
    assert!(served
        .values()
        .all(|h| h.contains("<!-- edited template -->")));
}

#[test]
fn a_watcher_hint_reads_only_the_named_files_and_never_misses_new_ones() {
    let (_t, root) = site("basic");
    let mut cache = Cache::persistent();
    let first = load_archive(&opts(&root), &mut cache).unwrap();
    let n = first.archive.incidents.len();

    // An editor's save: the file, plus a temporary file that came and went.
    let file = retitle_db_failover(&root);
    cache.only_changed([file.clone(), root.join("content/2024/.tmp-4913")]);
    let l = load_archive(&opts(&root), &mut cache).unwrap();
    assert_eq!((cache.processed, cache.reused), (1, 4));
    assert!(l
        .archive
        .incidents
        .iter()
        .any(|i| i.meta.title() == "Replica promotion stalled"));

    // A hint naming a file the last walk did not see: the folder is walked again.
    let new = root.join("content/2024/2024-09-01-cache-stampede.md");
    std::fs::write(
        &new,
        "+++\ntitle = \"Cache stampede\"\ndate = 2024-09-01\n+++\n\nThe cache emptied.\n",
    )
    .unwrap();
    cache.only_changed([new.clone()]);
    let l = load_archive(&opts(&root), &mut cache).unwrap();
    assert_eq!(l.archive.incidents.len(), n + 1);
    assert_eq!(cache.processed, 1);

    // A deleted file named in the hint: walked again, and its incident goes.
    std::fs::remove_file(&new).unwrap();
    cache.only_changed([new]);
    let l = load_archive(&opts(&root), &mut cache).unwrap();
    assert_eq!(l.archive.incidents.len(), n);
}
