//! Public and internal editions (issue 9). The guarantee: for the `editions` fixture — internal
//! passages in Markdown with TOML and YAML front matter, in plain Markdown and in `.txt`;
//! internal postmortems with attachments; internal front-matter fields — no sentinel string
//! placed in internal text (`SentinelInternal01` … `SentinelInternal20`) appears anywhere in
//! the public output: not in any file (search index decoded), not in any path. The internal
//! edition holds every one of them, so the scan can fail.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use scraper::Selector;
use serde_json::Value;

use crate::support::*;

const SENTINELS: usize = 20;

fn sentinel(i: usize) -> String {
    format!("sentinelinternal{i:02}")
}

/// Gzip files (the search index's chunks, fragments, facets) decompressed; other files as
/// they are.
fn decoded(bytes: &[u8]) -> (Vec<u8>, bool) {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return (bytes.to_vec(), false);
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("a gzip file decodes");
    (out, true)
}

/// Where `output` puts the search index as `search::Index` decodes it: every term, facet
/// value and fragment, one a line (`Index::text`).
const DECODED_INDEX: &str = "search-index/(decoded)";

/// Every output file (relative path → decoded, lowercased bytes) and how many were gzip;
/// plus the whole search index decoded, under `DECODED_INDEX`.
fn output(dir: &Path) -> (BTreeMap<String, Vec<u8>>, usize) {
    let mut gz = 0;
    let mut files: BTreeMap<String, Vec<u8>> = snapshot(dir)
        .into_iter()
        .map(|(rel, bytes)| {
            let (bytes, was_gz) = decoded(&bytes);
            gz += usize::from(was_gz);
            (rel.to_lowercase(), bytes.to_ascii_lowercase())
        })
        .collect();
    let index = inquest::search::Index::read(&crate::search::index_files(dir))
        .expect("the search index decodes");
    files.insert(
        DECODED_INDEX.into(),
        index.text().into_bytes().to_ascii_lowercase(),
    );
    (files, gz)
}

/// Sentinel → the output files (or paths) it appears in.
fn sentinels_in(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, BTreeSet<String>> {
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for i in 1..=SENTINELS {
        let s = sentinel(i);
        for (rel, bytes) in files {
            let in_bytes = bytes.windows(s.len()).any(|w| w == s.as_bytes());
            if in_bytes || rel.contains(&s) {
                found.entry(s.clone()).or_default().insert(rel.clone());
            }
        }
    }
    found
}

fn contains(bytes: &[u8], needle: &str) -> bool {
    let needle = needle.to_ascii_lowercase();
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn records(dir: &Path) -> BTreeMap<String, Value> {
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("incidents.json")).unwrap())
            .unwrap();
    json["postmortems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["slug"].as_str().unwrap().to_string(), r.clone()))
        .collect()
}

const PUBLIC_SLUGS: [&str; 4] = [
    "2023-11-02-queue-backlog",
    "2024-03-05-cache-stampede",
    "2024-05-10-login-outage",
    "plain-notes-db",
];
const INTERNAL_SLUGS: [&str; 4] = [
    "2023-06-01-payroll-export",
    "2024-08-14-vault-leak",
    "2025-01-20-wholly-fenced",
    "hr-data-incident",
];

#[test]
fn no_internal_text_reaches_any_public_output_file() {
    let (_t, root) = site("editions");
    let public = build_ok(&root, &[]);
    let (files, gz) = output(&public);
    // The scan covers what a leak could hide in: every kind of output, the search index decoded.
    for must in [
        "index.html",
        "atom.xml",
        "feed.json",
        "incidents.ics",
        "incidents.json",
        "sitemap.xml",
        "stats/index.html",
        "actions/index.html",
        "history/index.html",
        "tags/index.html",
        "postmortems/2024-03-05-cache-stampede/shared-hit-rate.svg",
    ] {
        assert!(files.contains_key(must), "{must} is in the public output");
    }
    assert!(gz >= 4, "the search index's files were decoded ({gz})");
    let leaks = sentinels_in(&files);
    assert!(
        leaks.is_empty(),
        "internal text in the public edition: {leaks:#?}"
    );

    // Not vacuous: the public text of every public postmortem is there, search index included.
    for (word, slug) in [
        ("PublicTextCache", "2024-03-05-cache-stampede"),
        ("PublicTextLogin", "2024-05-10-login-outage"),
        ("PublicTextReplica", "plain-notes-db"),
        ("PublicTextQueue", "2023-11-02-queue-backlog"),
    ] {
        let page = format!("postmortems/{slug}/index.html");
        assert!(contains(&files[&page], word), "{word} on {page}");
        assert!(
            files
                .iter()
                .any(|(rel, b)| rel.starts_with("search-index/t/") && contains(b, word)),
            "{word} in the search index"
        );
    }
    let pages: BTreeSet<String> = std::fs::read_dir(public.join("postmortems"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(pages, PUBLIC_SLUGS.iter().map(|s| s.to_string()).collect());
    let recs = records(&public);
    assert_eq!(
        recs.keys().collect::<Vec<_>>(),
        PUBLIC_SLUGS.iter().collect::<Vec<_>>()
    );
    assert!(recs.values().all(|r| r["visibility"] == "public"));
    // Attachments: linked only from internal text, or beside an internal postmortem: not
    // published; linked from public text as well: published.
    for rel in files.keys() {
        assert!(
            !rel.ends_with("cache-internal-graph.svg")
                && !rel.ends_with("vault-leak-timeline.svg")
                && !rel.ends_with("affected-teams.csv"),
            "{rel} is an internal attachment"
        );
    }

    // The internal edition, built from the same archive, holds every sentinel.
    let out = inquest(
        &[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--edition",
            "internal",
        ],
        &root,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("built the internal edition: 8 postmortems (4 of them internal)"));
    let internal = root.join("public-internal");
    let (files, _) = output(&internal);
    let found = sentinels_in(&files);
    let missing: Vec<String> = (1..=SENTINELS)
        .map(sentinel)
        .filter(|s| !found.contains_key(s))
        .collect();
    assert!(missing.is_empty(), "the internal edition lacks {missing:?}");
    // Passage text reaches the internal search index (so the public scan of it means something).
    for i in [3, 4, 5, 11, 12] {
        assert!(
            found[&sentinel(i)]
                .iter()
                .any(|f| f.starts_with("search-index/t/")),
            "{} in the internal word index",
            sentinel(i)
        );
    }
    let pages: BTreeSet<String> = std::fs::read_dir(internal.join("postmortems"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        pages,
        PUBLIC_SLUGS
            .iter()
            .chain(&INTERNAL_SLUGS)
            .map(|s| s.to_string())
            .collect()
    );
    // The public edition was left as it was.
    assert!(public
        .join("postmortems/plain-notes-db/index.html")
        .is_file());
}

#[test]
fn the_public_edition_reads_facts_from_public_text_only() {
    let (_t, root) = site("editions");
    let public = build_ok(&root, &[]);
    let out = inquest(
        &[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--edition",
            "internal",
        ],
        &root,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let internal = root.join("public-internal");
    let (p, i) = (records(&public), records(&internal));
    let times = |r: &Value| -> Vec<String> {
        r["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["time"].as_str().unwrap().to_string())
            .collect()
    };
    let cache = "2024-03-05-cache-stampede";
    assert_eq!(times(&p[cache]), ["10:00", "11:10"]);
    assert_eq!(times(&i[cache]), ["10:00", "10:05", "11:10"]);
    assert_eq!(p[cache]["impact_percent"], Value::Null);
    assert_eq!(i[cache]["impact_percent"], 40.0);
    assert_eq!(p[cache]["action_items"].as_array().unwrap().len(), 1);
    assert_eq!(i[cache]["action_items"].as_array().unwrap().len(), 2);
    // Internal fields, also through an alias (`author` → `authors`).
    assert_eq!(p[cache]["authors"], serde_json::json!([]));
    assert_eq!(
        p["2024-05-10-login-outage"]["authors"],
        serde_json::json!([])
    );
    assert_eq!(
        i["2024-05-10-login-outage"]["authors"],
        serde_json::json!(["SentinelInternal07 Bob"])
    );
    // A title inside an internal passage is not the public title.
    assert_eq!(p["plain-notes-db"]["title"], "Database replica lag");
    assert_eq!(
        i["plain-notes-db"]["title"],
        "SentinelInternal09 customer database corrupted"
    );
    assert_eq!(p["2023-11-02-queue-backlog"]["impact_percent"], Value::Null);
    assert_eq!(i["2023-11-02-queue-backlog"]["impact_percent"], 65.0);
    for slug in INTERNAL_SLUGS {
        assert_eq!(i[slug]["visibility"], "internal", "{slug}");
    }

    // The internal edition marks what the public one leaves out.
    let doc = page(&internal, &format!("postmortems/{cache}/index.html"));
    let notes = texts(&doc, ".prose div.internal[role=note][aria-label]");
    assert_eq!(notes.len(), 4, "{notes:?}");
    assert!(
        notes.iter().all(|n| n.starts_with("Internal ")),
        "{notes:?}"
    );
    assert!(notes[0].contains("SentinelInternal03"), "{notes:?}");
    assert!(notes[1].contains("SentinelInternal04"), "{notes:?}");
    assert_eq!(
        texts(&doc, ".internal-field dd"),
        ["SentinelInternal02: page the cache owner through the private rota"]
    );
    assert_eq!(texts(&doc, ".edition-banner strong"), ["Internal edition."]);
    let doc = page(&internal, "postmortems/2024-08-14-vault-leak/index.html");
    assert_eq!(texts(&doc, ".internal-notice .badge"), ["Internal"]);
    assert!(doc
        .select(&Selector::parse("div.internal").unwrap())
        .next()
        .is_none());
    let home = page(&internal, "index.html");
    assert_eq!(texts(&home, ".card .badge.internal").len(), 4);
    assert_eq!(
        page(&internal, "index.html")
            .select(&Selector::parse("title").unwrap())
            .next()
            .map(|t| t.text().collect::<String>()),
        Some("Editions fixture (internal)".into())
    );
    assert!(std::fs::read_to_string(internal.join("sitemap.xml"))
        .unwrap()
        .contains("https://wiki.example/postmortems/"));

    // The public edition has no marker at all, and its own title and base URL.
    let doc = page(&public, &format!("postmortems/{cache}/index.html"));
    assert!(doc
        .select(&Selector::parse(".internal, .edition-banner, .internal-field").unwrap())
        .next()
        .is_none());
    assert_eq!(
        texts(&doc, ".prose li").len(),
        3,
        "two timeline entries and one action item"
    );
    assert!(std::fs::read_to_string(public.join("sitemap.xml"))
        .unwrap()
        .contains("https://status.example/"));
}

#[test]
fn an_unclosed_fence_fails_the_public_build_and_leaves_the_previous_site() {
    let (_t, root) = site("editions");
    let public = build_ok(&root, &[]);
    let before = snapshot(&public);
    let file = root.join("content/2024/plain-notes-db.md");
    let mut text = std::fs::read_to_string(&file).unwrap();
    let line = text.lines().count() + 2;
    text.push_str("\n<!-- internal -->\nSentinelInternal21 was never meant to be published.\n");
    std::fs::write(&file, text).unwrap();

    let out = inquest(&["build", "--root", root.to_str().unwrap()], &root);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "content/2024/plain-notes-db.md:{line}: error: `<!-- internal -->` is never closed"
        )),
        "{err}"
    );
    assert!(
        err.contains("hint: add a line `<!-- /internal -->` where the internal passage ends"),
        "{err}"
    );
    assert_eq!(
        snapshot(&public),
        before,
        "the previous output is untouched"
    );
    assert!(leftovers(&root).is_empty());

    // The internal edition shows everything anyway: a warning, and the passage runs to the end.
    let out = inquest(
        &[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--edition",
            "internal",
        ],
        &root,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("content/2024/plain-notes-db.md:{line}: warning:")));
    let doc = page(
        &root.join("public-internal"),
        "postmortems/plain-notes-db/index.html",
    );
    let notes = texts(&doc, "div.internal");
    assert!(
        notes.last().unwrap().contains("SentinelInternal21"),
        "{notes:?}"
    );
}

fn coverage(dir: &Path) -> Vec<String> {
    texts(&page(dir, "stats/index.html"), "p.coverage")
}

fn figure(dir: &Path, label: &str) -> String {
    let doc = page(dir, "stats/index.html");
    let sel = Selector::parse(
        "section[aria-labelledby=quality] dl div, section[aria-labelledby=durations] .figure",
    )
    .unwrap();
    let dt = Selector::parse("dt").unwrap();
    doc.select(&sel)
        .find(|d| {
            d.select(&dt)
                .next()
                .is_some_and(|t| t.text().collect::<String>() == label)
        })
        .map(|d| {
            let dd = Selector::parse("dd").unwrap();
            d.select(&dd)
                .next()
                .unwrap()
                .text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| panic!("no figure {label}"))
}

#[test]
fn the_statistics_page_says_which_postmortems_it_covers() {
    let (_t, root) = site("editions");
    let public = build_ok(&root, &[]);
    assert_eq!(
        coverage(&public),
        ["Covers 4 public postmortems; 4 internal postmortems are not included."]
    );
    assert_eq!(figure(&public, "Postmortems"), "4");
    let known = figure(&public, "Known duration").parse::<usize>().unwrap();

    let out = inquest(
        &[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--edition",
            "internal",
        ],
        &root,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let internal = root.join("public-internal");
    assert_eq!(
        coverage(&internal),
        ["Covers all 8 postmortems: 4 public and 4 internal."]
    );
    assert_eq!(figure(&internal, "Postmortems"), "8");

    // `public_stats = "all"`: internal postmortems count, anonymously.
    let toml = std::fs::read_to_string(root.join("site.toml")).unwrap();
    std::fs::write(
        root.join("site.toml"),
        toml.replace("[editions]\n", "[editions]\npublic_stats = \"all\"\n"),
    )
    .unwrap();
    let public = build_ok(&root, &[]);
    let said = coverage(&public);
    assert_eq!(said.len(), 1);
    assert!(
        said[0].starts_with("Covers 8 postmortems: 4 public and 4 internal. Internal postmortems count in the figures but are never named"),
        "{said:?}"
    );
    assert_eq!(figure(&public, "Postmortems"), "8");
    // The vault leak's three hours are the only internal duration.
    assert_eq!(figure(&public, "Known duration"), (known + 1).to_string());
    assert!(
        figure(&public, "Longest").starts_with("3 h"),
        "{}",
        figure(&public, "Longest")
    );
    let (files, _) = output(&public);
    let leaks = sentinels_in(&files);
    assert!(leaks.is_empty(), "anonymous counting leaked {leaks:#?}");
}

/// One file with every marker that cannot do what its author meant.
const MISUSED: &str = "---
title: Misused markers
date: 2024-04-01
summary: |
  <!-- internal -->
  A summary is published whole.
---

Public text.
<!-- /internal -->
See <!-- internal --> here.
<!-- begin internal -->

```
<!-- internal -->
code
<!-- /internal -->
```

Visibility: internal

<!-- internal -->
never closed
";

fn findings(root: &Path, edition: &str) -> (Option<i32>, BTreeSet<(u64, String, String)>) {
    let out = inquest(
        &[
            "check",
            "--root",
            root.to_str().unwrap(),
            "--json",
            "--edition",
            edition,
        ],
        root,
    );
    let found = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|d| d["path"] == "content/misused.md")
        .map(|d| {
            (
                d["line"].as_u64().unwrap(),
                d["severity"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (out.status.code(), found)
}

#[test]
fn check_reports_markers_that_cannot_apply_with_their_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::write(root.join("site.toml"), "title = \"x\"\n").unwrap();
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(root.join("content/misused.md"), MISUSED).unwrap();
    std::fs::write(
        root.join("content/odd-visibility.md"),
        "+++\ntitle = \"Odd\"\nvisibility = \"private\"\n+++\nText.\n",
    )
    .unwrap();

    let (code, internal) = findings(root, "internal");
    assert_eq!(
        code,
        Some(0),
        "the internal edition only warns: {internal:#?}"
    );
    let lines: Vec<(u64, &str)> = internal
        .iter()
        .filter(|(_, _, m)| m.contains("internal") || m.contains("Visibility"))
        .map(|(l, s, _)| (*l, s.as_str()))
        .collect();
    assert_eq!(
        lines,
        [
            (4, "warning"),  // a marker in a front-matter value
            (10, "warning"), // a closing marker with nothing open
            (11, "warning"), // a marker with text around it
            (12, "warning"), // a misspelt marker
            (15, "warning"), // markers inside a code block
            (17, "warning"),
            (20, "warning"), // `Visibility:` below the opening lines
            (22, "warning"), // never closed
        ],
        "{internal:#?}"
    );
    let messages: Vec<&str> = internal.iter().map(|(_, _, m)| m.as_str()).collect();
    for want in [
        "an internal marker in front matter hides nothing: `summary` is published whole",
        "`<!-- /internal -->` closes no internal passage",
        "an internal marker with other text on its line hides nothing",
        "expected an internal marker, but found `<!-- begin internal -->`",
        "internal marker inside a code block",
        "`Visibility: internal` counts only in the file's opening lines",
        "`<!-- internal -->` is never closed",
    ] {
        assert!(
            messages.iter().any(|m| m.starts_with(want)),
            "{want}: {messages:#?}"
        );
    }

    // Checking the public edition: what would leak is an error, and check fails.
    let (code, public) = findings(root, "public");
    assert_eq!(code, Some(1));
    let errors: Vec<u64> = public
        .iter()
        .filter(|(_, s, _)| s == "error")
        .map(|(l, _, _)| *l)
        .collect();
    assert_eq!(errors, [4, 10, 11, 12, 20, 22], "{public:#?}");
    let out = inquest(&["check", "--root", root.to_str().unwrap()], root);
    let text = stdout(&out);
    assert!(
        text.contains("content/odd-visibility.md:3: error: `visibility`: expected `public` or `internal`, but found `private`"),
        "{text}"
    );
}

#[test]
fn a_wrong_edition_name_is_a_usage_error() {
    let (_t, root) = site("editions");
    let out = inquest(
        &[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--edition",
            "private",
        ],
        &root,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("possible values: public, internal"),
        "{}",
        stderr(&out)
    );
}
