//! `inquest build` on fixture sites and on the sample archive.

use std::collections::BTreeSet;
use std::path::Path;

use scraper::Selector;

use crate::support::*;

const BASIC_TITLES: [&str; 4] = [
    "Resolver cache served stale records",
    "Primary database failover stalled",
    "Login errors after certificate rotation",
    "Search index rebuild took the cluster down",
];

#[test]
fn every_postmortem_gets_a_page() {
    let (_t, root) = site("basic");
    let public = build_ok(&root, &[]);
    let index = page(&public, "index.html");
    let listed: BTreeSet<String> = texts(&index, ".card-title a").into_iter().collect();
    assert_eq!(listed, BASIC_TITLES.iter().map(|s| s.to_string()).collect());
    for href in attrs(&index, ".card-title a", "href") {
        let doc = page(&public, &format!("{href}index.html"));
        let h1 = texts(&doc, "h1");
        assert_eq!(h1.len(), 1, "{href}: exactly one h1, got {h1:?}");
        assert!(BASIC_TITLES.contains(&h1[0].as_str()), "{href}: {h1:?}");
    }
}

#[test]
fn sample_archive_builds_a_page_for_every_postmortem() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content"), &root.join("content"));
    std::fs::copy(repo.join("site.toml"), root.join("site.toml")).unwrap();
    let files = postmortem_files(&root.join("content"));
    assert!(
        files.len() >= 10,
        "the sample archive has {} postmortems",
        files.len()
    );
    let marked = |keys: [&str; 2]| {
        files
            .iter()
            .filter(|p| {
                std::fs::read_to_string(p)
                    .unwrap()
                    .lines()
                    .take(30)
                    .any(|l| keys.contains(&l.replace(' ', "").as_str()))
            })
            .count()
    };
    let drafts = marked(["draft=true", "draft:true"]);
    let internal = marked(["visibility=\"internal\"", "visibility:internal"]);
    assert!(
        internal >= 1,
        "the sample archive shows an internal postmortem"
    );
    let public = build_ok(root, &[]);
    let pages = std::fs::read_dir(public.join("postmortems"))
        .unwrap()
        .count();
    assert_eq!(
        pages,
        files.len() - drafts - internal,
        "public pages + drafts + internal postmortems must equal the files"
    );
    assert_links_resolve(&public);
    let out = inquest(
        &[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--edition",
            "internal",
        ],
        root,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let internal_site = root.join("public-internal");
    let pages = std::fs::read_dir(internal_site.join("postmortems"))
        .unwrap()
        .count();
    assert_eq!(
        pages,
        files.len() - drafts,
        "the internal edition has them all"
    );
    assert_links_resolve(&internal_site);
}

/// Every relative link, stylesheet and image in every page points at a file in the output,
/// and every `#fragment` at an id in its target page.
fn assert_links_resolve(public: &Path) {
    let all = snapshot(public);
    let mut checked = 0;
    for (rel, bytes) in &all {
        if !rel.ends_with(".html") || rel == "404.html" {
            continue;
        }
        let doc = scraper::Html::parse_document(&String::from_utf8_lossy(bytes));
        let dir = Path::new(rel).parent().unwrap_or(Path::new(""));
        for (sel, attr) in [
            ("a[href]", "href"),
            ("link[href]", "href"),
            ("img[src]", "src"),
            ("script[src]", "src"),
        ] {
            for url in attrs(&doc, sel, attr) {
                if url.contains("://") || url.starts_with("mailto:") {
                    continue;
                }
                assert!(
                    !url.starts_with('/'),
                    "{rel}: absolute link `{url}` breaks under a sub-path"
                );
                let (path, frag) = url.split_once('#').unwrap_or((&url, ""));
                let target = if path.is_empty() {
                    rel.clone()
                } else {
                    let mut joined = normalise(&dir.join(path));
                    if joined.is_empty()
                        || path.ends_with('/')
                        || path == "."
                        || path.ends_with("/.")
                    {
                        joined = format!(
                            "{}index.html",
                            if joined.is_empty() {
                                String::new()
                            } else {
                                format!("{joined}/")
                            }
                        );
                    }
                    joined
                };
                assert!(
                    all.contains_key(&target),
                    "{rel}: link `{url}` → `{target}` is not in the output"
                );
                if !frag.is_empty() && target.ends_with(".html") {
                    let t = scraper::Html::parse_document(&String::from_utf8_lossy(&all[&target]));
                    let sel = Selector::parse(&format!("[id=\"{frag}\"]")).unwrap();
                    assert!(
                        t.select(&sel).next().is_some(),
                        "{rel}: anchor `{url}` has no target"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 20, "only {checked} links checked");
}

fn normalise(p: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                assert!(
                    parts.pop().is_some(),
                    "link climbs out of the site: {}",
                    p.display()
                );
            }
            std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

#[test]
fn every_internal_link_resolves() {
    let (_t, root) = site("basic");
    let public = build_ok(&root, &[]);
    assert_links_resolve(&public);
}

#[test]
fn tag_and_service_pages_list_exactly_their_postmortems() {
    let (_t, root) = site("basic");
    let public = build_ok(&root, &[]);
    let listed = |rel: &str| -> BTreeSet<String> {
        texts(&page(&public, rel), ".card-title a")
            .into_iter()
            .collect()
    };
    let set = |v: &[&str]| -> BTreeSet<String> { v.iter().map(|s| s.to_string()).collect() };
    assert_eq!(
        listed("tags/dns/index.html"),
        set(&["Resolver cache served stale records"])
    );
    assert_eq!(
        listed("tags/database/index.html"),
        set(&["Primary database failover stalled"])
    );
    assert_eq!(
        listed("services/api/index.html"),
        set(&[
            "Resolver cache served stale records",
            "Primary database failover stalled"
        ])
    );
    assert_eq!(
        listed("services/db/index.html"),
        set(&["Primary database failover stalled"])
    );
    // The draft's tag has no page.
    assert!(!public.join("tags/queue").exists());
    // The index pages name every term with its count.
    let tags = page(&public, "tags/index.html");
    let rows = texts(&tags, "tbody tr");
    assert!(rows.iter().any(|r| r.starts_with("dns 1")), "{rows:?}");
    let services = page(&public, "services/index.html");
    assert!(texts(&services, "tbody tr")
        .iter()
        .any(|r| r.starts_with("api 2")));
}

#[test]
fn plain_text_pseudo_headings_and_bullets_become_h2_and_li() {
    let (_t, root) = site("basic");
    let public = build_ok(&root, &[]);
    let doc = page(&public, "postmortems/login-errors/index.html");
    let h2 = texts(&doc, ".prose h2");
    assert_eq!(
        h2,
        [
            "Issue Summary",
            "Timeline",
            "Root Cause and Resolution",
            "Corrective and Preventative Measures"
        ]
    );
    let items = texts(&doc, ".prose li");
    assert_eq!(
        items,
        [
            "10:00 AM: alerts fired for failed handshakes",
            "10:20 AM: the old certificate was restored",
            "Check chains in CI",
            "Add an expiry and chain probe"
        ]
    );
    // The `Title:` line is the page title, not a paragraph of the body.
    assert!(!texts(&doc, ".prose p").iter().any(|p| p.contains("Title:")));
    assert_eq!(
        texts(&doc, "h1"),
        ["Login errors after certificate rotation"]
    );
}

#[test]
fn code_blocks_carry_syntect_classes() {
    let (_t, root) = site("basic");
    let public = build_ok(&root, &[]);
    let doc = page(
        &public,
        "postmortems/2024-02-03-dns-cache-poisoned/index.html",
    );
    let spans = attrs(&doc, "pre code.language-yaml span", "class");
    assert!(spans.iter().any(|c| c.starts_with("hl-")), "{spans:?}");
    assert!(
        attrs(&doc, "pre code span", "style").is_empty(),
        "no inline styles"
    );
    let sql = page(&public, "postmortems/2024-06-20-db-failover/index.html");
    assert!(!attrs(&sql, "pre code.language-sql span", "class").is_empty());
    let css = std::fs::read_to_string(public.join("highlight.css")).unwrap();
    assert!(css.contains(".hl-") && css.contains("prefers-color-scheme: dark"));
}

#[test]
fn a_site_template_overrides_the_theme() {
    let (_t, root) = site("override");
    let public = build_ok(&root, &[]);
    let doc = page(&public, "postmortems/a/index.html");
    assert_eq!(
        texts(&doc, "#custom-template"),
        ["Custom page for Cache flush"]
    );
    // Other templates still come from the theme.
    assert_eq!(
        texts(&page(&public, "index.html"), ".card-title a"),
        ["Cache flush"]
    );
}

#[test]
fn broken_front_matter_names_the_line_and_keeps_the_previous_output() {
    let (_t, root) = site("broken");
    let bad = root.join("content/bad.md");
    let aside = root.join("bad.md.aside");
    std::fs::rename(&bad, &aside).unwrap();
    let public = build_ok(&root, &[]);
    let before = snapshot(&public);
    std::fs::rename(&aside, &bad).unwrap();

    let out = inquest(&["build", "--root", root.to_str().unwrap()], &root);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("content/bad.md:3: error:"), "{err}");
    assert!(err.contains("hint:"), "{err}");
    assert_eq!(
        snapshot(&public),
        before,
        "the previous output must stay untouched"
    );
    let leftovers = leftovers(&root);
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let (_t, root) = site("basic");
    let public = build_ok(&root, &[]);
    assert!(!public.join("postmortems/2023-11-30-draft-queue").exists());
    let json = std::fs::read_to_string(public.join("incidents.json")).unwrap();
    assert!(!json.contains("Queue backlog"));
    assert!(!std::fs::read_to_string(public.join("sitemap.xml"))
        .unwrap()
        .contains("draft-queue"));

    let public = build_ok(&root, &["--drafts"]);
    let doc = page(&public, "postmortems/2023-11-30-draft-queue/index.html");
    assert_eq!(texts(&doc, ".badge.draft"), ["Draft"]);
}

#[test]
fn two_builds_are_byte_identical() {
    let (_t, root) = site("basic");
    let a = snapshot(&build_ok(&root, &[]));
    let out2 = root.join("second");
    let o = inquest(
        &[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--output",
            out2.to_str().unwrap(),
        ],
        &root,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let b = snapshot(&out2);
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(v == &b[k], "{k} differs between builds");
    }
}

#[cfg(unix)]
#[test]
fn a_rebuild_keeps_unchanged_files_and_rewrites_changed_ones() {
    use std::os::unix::fs::MetadataExt;
    let (_t, root) = site("basic");
    let public = build_ok(&root, &[]);
    let ino = |rel: &str| std::fs::metadata(public.join(rel)).unwrap().ino();
    let page = "postmortems/2024-06-20-db-failover/index.html";
    let other = "postmortems/readme-only-prose/index.html";
    let (page_before, other_before, css_before) = (ino(page), ino(other), ino("style.css"));
    retitle_db_failover(&root);
    build_ok(&root, &[]);
    // The same file (inode) where nothing changed: its modification time stays, so
    // rsync and CDN uploads skip it.
    assert_eq!(ino(other), other_before, "{other} was rewritten");
    assert_eq!(ino("style.css"), css_before);
    assert_ne!(ino(page), page_before, "{page} kept its old file");
    let html = std::fs::read_to_string(public.join(page)).unwrap();
    assert!(html.contains("Replica promotion stalled"));
    assert!(leftovers(&root).is_empty(), "{:?}", leftovers(&root));
}

#[test]
fn incidents_json_follows_the_contract() {
    let (_t, root) = site("basic");
    let public = build_ok(&root, &[]);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(public.join("incidents.json")).unwrap()).unwrap();
    assert_eq!(json["version"], 1);
    assert!(json["generator"].as_str().unwrap().starts_with("inquest "));
    let pms = json["postmortems"].as_array().unwrap();
    assert_eq!(pms.len(), 4);
    let dns = pms
        .iter()
        .find(|p| p["slug"] == "2024-02-03-dns-cache-poisoned")
        .unwrap();
    let want = serde_json::json!({
        "url": "postmortems/2024-02-03-dns-cache-poisoned/",
        "source": "2024/2024-02-03-dns-cache-poisoned.md",
        "title": "Resolver cache served stale records",
        "date": "2024-02-03",
        "start_time": "08:00",
        "end_time": "09:30",
        "utc_offset_minutes": -300,
        "started_at": "2024-02-03T08:00:00-05:00",
        "resolved_at": "2024-02-03T09:30:00-05:00",
        "duration_minutes": 90,
        "impact_percent": 40.0,
        "severity": "SEV2",
        "services": ["dns", "api"],
        "tags": ["dns", "network", "cache", "load-balancer"],
        "draft": false,
    });
    for (k, v) in want.as_object().unwrap() {
        assert_eq!(&dns[k], v, "field {k}");
    }
    assert_eq!(dns["provenance"]["duration_minutes"], "derived");
    assert_eq!(dns["provenance"]["title"], "front_matter");
    for key in ["timezone", "timeline", "action_items", "provenance"] {
        assert!(dns.get(key).is_some(), "missing key {key}");
    }
    // Unknown facts are null, never guessed.
    let prose = pms
        .iter()
        .find(|p| p["slug"] == "readme-only-prose")
        .unwrap();
    assert!(
        prose["date"].is_null() && prose["duration_minutes"].is_null(),
        "{prose}"
    );
    assert_eq!(prose["title"], "Search index rebuild took the cluster down");
    // Newest first.
    let dates: Vec<&str> = pms.iter().filter_map(|p| p["date"].as_str()).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
}

#[test]
fn attachments_are_copied_beside_their_page() {
    let (_t, root) = site("basic");
    let public = build_ok(&root, &[]);
    let svg = public.join("postmortems/2024-02-03-dns-cache-poisoned/resolver.svg");
    assert_eq!(
        std::fs::read(svg).unwrap(),
        std::fs::read(root.join("content/2024/resolver.svg")).unwrap()
    );
}

#[test]
fn sitemap_uses_the_base_url_and_the_404_page_its_path() {
    let (_t, root) = site("basic");
    let public = build_ok(&root, &[]);
    let sitemap = std::fs::read_to_string(public.join("sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("<loc>https://example.com/status/postmortems/login-errors/</loc>"),
        "{sitemap}"
    );
    assert!(sitemap.contains("<lastmod>2024-02-03</lastmod>"));
    let nf = page(&public, "404.html");
    assert!(attrs(&nf, "link[rel=stylesheet]", "href")
        .iter()
        .all(|h| h.starts_with("/status/")));
    // --base-url overrides site.toml.
    let public = build_ok(&root, &["--base-url", "https://other.example/"]);
    let sitemap = std::fs::read_to_string(public.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("https://other.example/postmortems/"));
}

/// The titles listed on a list page and on every later page it links to with `rel=next`.
fn titles_across_pages(public: &Path, first: &str) -> (Vec<String>, usize) {
    let mut titles = Vec::new();
    let mut rel = first.to_string();
    let mut pages = 0;
    loop {
        let doc = page(public, &rel);
        pages += 1;
        titles.extend(texts(&doc, ".card-title a"));
        let next = attrs(&doc, "nav.pages a[rel=next]", "href");
        let Some(next) = next.first() else { break };
        let dir = Path::new(&rel).parent().unwrap().join(next);
        rel = format!("{}/index.html", normalise(&dir));
        assert!(pages < 100, "{first}: the pages do not end");
    }
    (titles, pages)
}

/// Postmortems with action items, from `incidents.json`.
fn count_groups(public: &Path) -> usize {
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(public.join("incidents.json")).unwrap()).unwrap();
    json["postmortems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["action_items"].as_array().is_some_and(|a| !a.is_empty()))
        .count()
}

#[test]
fn long_lists_are_split_into_linked_pages_that_list_everything_once() {
    let (_t, root) = site("basic");
    let toml = root.join("site.toml");
    let cfg = std::fs::read_to_string(&toml).unwrap() + "paginate_by = 1\n";
    std::fs::write(&toml, cfg).unwrap();
    let public = build_ok(&root, &[]);

    // The home page: one postmortem per page, newest first, every one exactly once, in the
    // same order as the unpaginated list of the other fixture build below.
    let (home, pages) = titles_across_pages(&public, "index.html");
    assert_eq!(pages, BASIC_TITLES.len());
    let mut sorted = home.clone();
    sorted.sort();
    let mut expected: Vec<String> = BASIC_TITLES.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(sorted, expected);
    assert!(public.join("page/4/index.html").is_file());
    assert!(!public.join("page/5").exists());
    assert!(!public.join("page/1").exists(), "page 1 is the list itself");
    let last = page(&public, "page/4/index.html");
    assert_eq!(texts(&last, "nav.pages [aria-current=page]"), ["4"]);
    assert!(attrs(&last, "nav.pages a[rel=next]", "href").is_empty());
    assert_eq!(
        attrs(&last, "nav.pages a[rel=prev]", "href"),
        ["../../page/3/"]
    );
    // The summary and calendar strip are on the first page only.
    assert_eq!(
        texts(&page(&public, "index.html"), ".summary-strip").len(),
        1
    );
    assert!(texts(&last, ".summary-strip").is_empty());

    // Term pages: the pages of each term list exactly the postmortems its count says, and
    // at least one term here has more than one page.
    let mut paged_terms = 0;
    for tax in ["tags", "services"] {
        let index = page(&public, &format!("{tax}/index.html"));
        for href in attrs(&index, "main a[href]", "href") {
            // `../tags/dns/` from `tags/`.
            let Some(term) = href.strip_prefix(&format!("../{tax}/")) else {
                continue;
            };
            let first = format!("{tax}/{term}index.html");
            let h1 = texts(&page(&public, &first), "h1 .count");
            let count: usize = h1[0].split_whitespace().next().unwrap().parse().unwrap();
            let (titles, pages) = titles_across_pages(&public, &first);
            assert_eq!(titles.len(), count, "{first}: {titles:?}");
            assert_eq!(
                titles.iter().collect::<BTreeSet<_>>().len(),
                count,
                "{first} lists a postmortem twice: {titles:?}"
            );
            assert_eq!(pages, count.max(1), "{first}");
            if pages > 1 {
                paged_terms += 1;
                // Later pages still link to the term's feed.
                let later = page(&public, &format!("{tax}/{term}page/2/index.html"));
                assert!(
                    attrs(&later, "link[rel=alternate]", "href").contains(&"../../atom.xml".into()),
                    "{first}: page 2 lost the term feed"
                );
            }
        }
    }
    assert!(
        paged_terms > 0,
        "no term of the fixture has two postmortems"
    );

    assert_links_resolve(&public);

    // `paginate_by = 0`: everything on one page, no `page/` folders.
    let cfg = std::fs::read_to_string(&toml)
        .unwrap()
        .replace("paginate_by = 1", "paginate_by = 0");
    std::fs::write(&toml, cfg).unwrap();
    let public = build_ok(&root, &[]);
    assert_eq!(
        texts(&page(&public, "index.html"), ".card-title a"),
        home,
        "the pages together list what the single page lists, in its order"
    );
    assert!(!public.join("page").exists());
    assert!(texts(&page(&public, "index.html"), "nav.pages").is_empty());
}

#[test]
fn the_action_ledger_is_split_into_pages_that_list_each_postmortem_once() {
    let (_t, root) = site("stats");
    let toml = root.join("site.toml");
    let cfg = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("paginate_by = 2\n{cfg}")).unwrap();
    let public = build_ok(&root, &[]);
    // The action-item ledger: two postmortems' items a page, each postmortem once, and the
    // totals on every page count all of them.
    let with_items = count_groups(&public);
    let mut groups = Vec::new();
    let mut rel = "actions/index.html".to_string();
    let mut pages = 0;
    loop {
        pages += 1;
        let doc = page(&public, &rel);
        groups.extend(texts(&doc, ".action-group h2"));
        let lede = texts(&doc, ".lede").join(" ");
        assert!(
            lede.contains(&format!("across {with_items} postmortem")),
            "{rel}: {lede}"
        );
        let Some(next) = attrs(&doc, "nav.pages a[rel=next]", "href").pop() else {
            break;
        };
        let dir = Path::new(&rel).parent().unwrap().join(next);
        rel = format!("{}/index.html", normalise(&dir));
    }
    assert!(pages > 2, "{pages} pages: {groups:?}");
    assert_eq!(groups.len(), with_items);
    assert_eq!(groups.iter().collect::<BTreeSet<_>>().len(), groups.len());
    assert_links_resolve(&public);
}
