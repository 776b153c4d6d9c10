//! The search index and page: the index files exist, cover every postmortem of
//! `incidents.json` with the right filters, and every page carries a search form that works
//! without JavaScript (a GET to `search/`).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use serde_json::Value;

use crate::support::*;

/// Pagefind's files are gzip with a `pagefind_dcd` signature inside.
pub fn pagefind_decode(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("pagefind files are gzip");
    out.strip_prefix(b"pagefind_dcd")
        .expect("pagefind signature")
        .to_vec()
}

/// url → fragment (url, content, meta, filters) of every indexed page.
fn fragments(public: &Path) -> BTreeMap<String, Value> {
    std::fs::read_dir(public.join("pagefind/fragment"))
        .unwrap()
        .map(|e| {
            let bytes = std::fs::read(e.unwrap().path()).unwrap();
            let v: Value = serde_json::from_slice(&pagefind_decode(&bytes)).unwrap();
            (v["url"].as_str().unwrap().to_string(), v)
        })
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

#[test]
fn search_index_covers_every_postmortem_with_its_filters() {
    let (_t, root) = site("basic");
    let public = build_ok(&root, &[]);
    for f in ["pagefind/pagefind.js", "pagefind/pagefind-entry.json"] {
        assert!(public.join(f).is_file(), "{f} is missing");
    }
    let entry: Value = serde_json::from_slice(
        &std::fs::read(public.join("pagefind/pagefind-entry.json")).unwrap(),
    )
    .unwrap();
    let hash = entry["languages"]["en"]["hash"].as_str().unwrap();
    let meta = std::fs::read(public.join(format!("pagefind/pagefind.{hash}.pf_meta"))).unwrap();
    assert!(!pagefind_decode(&meta).is_empty());
    assert!(
        std::fs::read_dir(public.join("pagefind/index"))
            .unwrap()
            .count()
            > 0
    );

    let json: Value =
        serde_json::from_slice(&std::fs::read(public.join("incidents.json")).unwrap()).unwrap();
    let records = json["postmortems"].as_array().unwrap();
    let frags = fragments(&public);
    let urls: Vec<&str> = records.iter().map(|r| r["url"].as_str().unwrap()).collect();
    assert_eq!(
        frags.keys().map(String::as_str).collect::<Vec<_>>(),
        {
            let mut u = urls.clone();
            u.sort();
            u
        },
        "one search record per postmortem, and no other"
    );
    for r in records {
        let f = &frags[r["url"].as_str().unwrap()];
        let url = &r["url"];
        assert_eq!(f["meta"]["title"], r["title"], "{url}");
        assert_eq!(strings(&f["filters"]["tag"]), strings(&r["tags"]), "{url}");
        assert_eq!(
            strings(&f["filters"]["service"]),
            strings(&r["services"]),
            "{url}"
        );
        let severity: Vec<String> = r["severity"]
            .as_str()
            .map(String::from)
            .into_iter()
            .collect();
        assert_eq!(strings(&f["filters"]["severity"]), severity, "{url}");
        let year: Vec<String> = r["date"]
            .as_str()
            .map(|d| d[..4].to_string())
            .into_iter()
            .collect();
        assert_eq!(strings(&f["filters"]["year"]), year, "{url}");
        assert_eq!(f["meta"]["date"], r["date"], "{url}");
    }
    // The body text is indexed, front-matter summaries too.
    let dns = &frags["postmortems/2024-02-03-dns-cache-poisoned/"];
    assert!(dns["content"].as_str().unwrap().len() > 100);
}

#[test]
fn drafts_stay_out_of_the_search_index() {
    let (_t, root) = site("basic");
    let public = build_ok(&root, &[]);
    assert!(!fragments(&public).contains_key("postmortems/2023-11-30-draft-queue/"));
    for (path, bytes) in snapshot(&public.join("pagefind")) {
        if path.ends_with(".pf_fragment") {
            let text = String::from_utf8(pagefind_decode(&bytes)).unwrap();
            assert!(!text.contains("Queue backlog"), "{path} holds the draft");
        }
    }
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
    assert_eq!(attrs(&doc, "form#search", "data-bundle"), ["../pagefind/"]);
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
