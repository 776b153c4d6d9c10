//! The search index and page: the index files exist and, decoded by `search::Index`, cover
//! every postmortem of `incidents.json` with the right url, title, filters and sort keys;
//! words find their postmortems; drafts stay out; every page carries a search form that
//! works without JavaScript (a GET to `search/`).

use std::collections::BTreeMap;
use std::path::Path;

use inquest::search::Index;
use serde_json::Value;

use crate::support::*;

/// The files under `search-index/`, as `search::index` returned them.
pub fn index_files(public: &Path) -> Vec<(String, Vec<u8>)> {
    snapshot(&public.join("search-index"))
        .into_iter()
        .map(|(rel, bytes)| (format!("search-index/{rel}"), bytes))
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

fn found(ix: &Index, q: &str) -> Vec<String> {
    ix.urls(&ix.search(q, &BTreeMap::new(), ""))
        .into_iter()
        .map(String::from)
        .collect()
}

#[test]
fn search_index_covers_every_postmortem_with_its_filters() {
    let (_t, root) = site("basic");
    let public = build_ok(&root, &[]);
    for f in ["search-index/manifest.json", "search-index/engine.js"] {
        assert!(public.join(f).is_file(), "{f} is missing");
    }
    let ix = Index::read(&index_files(&public)).expect("the index decodes");
    assert!(!ix.chunks.is_empty());

    let json: Value =
        serde_json::from_slice(&std::fs::read(public.join("incidents.json")).unwrap()).unwrap();
    let records = json["postmortems"].as_array().unwrap();
    // Ids: oldest first, incidents.json newest first.
    let urls: Vec<&str> = records
        .iter()
        .rev()
        .map(|r| r["url"].as_str().unwrap())
        .collect();
    let docs: Vec<&str> = ix.docs.iter().map(|d| d.fragment.url.as_str()).collect();
    assert_eq!(docs, urls, "one document per postmortem, and no other");
    for (r, d) in records.iter().rev().zip(&ix.docs) {
        let url = &r["url"];
        let f = &d.fragment;
        let filter = |name: &str| d.filters.get(name).cloned().unwrap_or_default();
        let sorted = |mut v: Vec<String>| {
            v.sort();
            v
        };
        assert_eq!(f.title, r["title"].as_str().unwrap(), "{url}");
        assert_eq!(filter("tag"), sorted(strings(&r["tags"])), "{url}");
        assert_eq!(f.tags, strings(&r["tags"]), "{url}");
        assert_eq!(filter("service"), sorted(strings(&r["services"])), "{url}");
        assert_eq!(f.services, strings(&r["services"]), "{url}");
        let severity: Vec<String> = r["severity"]
            .as_str()
            .map(String::from)
            .into_iter()
            .collect();
        assert_eq!(filter("severity"), severity, "{url}");
        assert_eq!(f.severity.as_deref(), r["severity"].as_str(), "{url}");
        let year: Vec<String> = r["date"]
            .as_str()
            .map(|d| d[..4].to_string())
            .into_iter()
            .collect();
        assert_eq!(filter("year"), year, "{url}");
        assert_eq!(f.date.as_deref(), r["date"].as_str(), "{url}");
        assert_eq!(
            d.duration.map(u64::from),
            r["duration_minutes"].as_u64(),
            "{url}"
        );
    }
    // The body text is indexed, front-matter summaries too.
    let dns = ix
        .docs
        .iter()
        .find(|d| d.fragment.url == "postmortems/2024-02-03-dns-cache-poisoned/")
        .unwrap();
    assert!(dns.fragment.text.contains("drained load balancer"));
    assert!(dns.fragment.text.contains("min_ttl"));
}

#[test]
fn a_word_finds_its_postmortem_and_no_other() {
    let (_t, root) = site("basic");
    let public = build_ok(&root, &[]);
    let ix = Index::read(&index_files(&public)).unwrap();
    let dns = "postmortems/2024-02-03-dns-cache-poisoned/";
    // From the summary, a code block, the title; a prefix; a stem.
    assert_eq!(found(&ix, "drained"), [dns]);
    assert_eq!(found(&ix, "min_ttl"), [dns]);
    assert_eq!(found(&ix, "stale records"), [dns]);
    assert_eq!(found(&ix, "resolv"), [dns]);
    assert_eq!(found(&ix, "flushing"), [dns], "`flushing` finds `flushed`");
    assert_eq!(
        found(&ix, "intermediate chain"),
        ["postmortems/login-errors/"]
    );
    assert!(found(&ix, "zzzzunknownword").is_empty());
    // A title hit first: `certificate` is in the login postmortem's title.
    assert_eq!(found(&ix, "certificate")[0], "postmortems/login-errors/");
}

#[test]
fn facets_hold_exactly_the_postmortems_of_each_value() {
    let (_t, root) = site("basic");
    let public = build_ok(&root, &[]);
    let ix = Index::read(&index_files(&public)).unwrap();
    let json: Value =
        serde_json::from_slice(&std::fs::read(public.join("incidents.json")).unwrap()).unwrap();
    let mut want: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in json["postmortems"].as_array().unwrap().iter().rev() {
        for t in strings(&r["tags"]) {
            want.entry(t)
                .or_default()
                .push(r["url"].as_str().unwrap().to_string());
        }
    }
    let got: BTreeMap<String, Vec<String>> = ix.facets["tag"]
        .iter()
        .map(|(v, ids)| {
            (
                v.clone(),
                ix.urls(ids).into_iter().map(String::from).collect(),
            )
        })
        .collect();
    assert_eq!(got, want);
}

#[test]
fn drafts_stay_out_of_the_search_index() {
    let (_t, root) = site("basic");
    let public = build_ok(&root, &[]);
    let ix = Index::read(&index_files(&public)).unwrap();
    assert!(ix
        .docs
        .iter()
        .all(|d| d.fragment.url != "postmortems/2023-11-30-draft-queue/"));
    let text = ix.text();
    assert!(
        !text.contains("Queue backlog"),
        "the draft's title is indexed"
    );
    // With --drafts it is there (so the check above can fail).
    let with = build_ok(&root, &["--drafts"]);
    let ix = Index::read(&index_files(&with)).unwrap();
    assert!(ix.text().contains("Queue backlog"));
}

#[test]
fn every_page_has_a_search_form_that_works_without_javascript() {
    let (_t, root) = site("basic");
    let public = build_ok(&root, &[]);
    for (rel, action) in [
        ("index.html", "search/"),
        ("stats/index.html", "../search/"),
        (
            "postmortems/2024-02-03-dns-cache-poisoned/index.html",
            "../../search/",
        ),
    ] {
        let doc = page(&public, rel);
        assert_eq!(
            attrs(&doc, "header form[role=search]", "action"),
            [action],
            "{rel}"
        );
        assert_eq!(attrs(&doc, "header form[role=search]", "method"), ["get"]);
        assert_eq!(attrs(&doc, "header form[role=search] input", "name"), ["q"]);
        // The input has a label.
        let id = &attrs(&doc, "header form[role=search] input", "id")[0];
        assert_eq!(attrs(&doc, &format!("label[for={id}]"), "for").len(), 1);
    }
}

#[test]
fn search_page_lists_every_facet_value_with_its_count() {
    let (_t, root) = site("basic");
    let public = build_ok(&root, &[]);
    let doc = page(&public, "search/index.html");
    assert_eq!(attrs(&doc, "form#search", "method"), ["get"]);
    assert_eq!(
        attrs(&doc, "form#search", "data-bundle"),
        ["../search-index/"]
    );
    assert_eq!(attrs(&doc, "script[type=module]", "src"), ["../search.js"]);
    assert!(public.join("search.js").is_file());
    assert_eq!(
        attrs(&doc, "fieldset[data-facet]", "data-facet"),
        ["tag", "service", "severity", "year"]
    );
    assert_eq!(attrs(&doc, "#search-status", "aria-live"), ["polite"]);

    let json: Value =
        serde_json::from_slice(&std::fs::read(public.join("incidents.json")).unwrap()).unwrap();
    let mut want: BTreeMap<String, usize> = BTreeMap::new();
    for r in json["postmortems"].as_array().unwrap() {
        for t in strings(&r["tags"]) {
            *want.entry(t).or_default() += 1;
        }
    }
    let values = attrs(&doc, "fieldset[data-facet=tag] input", "value");
    let counts = attrs(&doc, "fieldset[data-facet=tag] .facet-count", "data-total");
    let got: BTreeMap<String, usize> = values
        .into_iter()
        .zip(counts.iter().map(|c| c.parse().unwrap()))
        .collect();
    assert_eq!(got, want);
    assert!(attrs(&doc, "fieldset[data-facet=tag] input", "name")
        .iter()
        .all(|n| n == "tag"));
}
