//! Unit tests of the search records, facets and index.

use std::io::Read;

use super::*;
use crate::archive::assemble;
use crate::model::{Found, Incident, IncidentMeta, Minutes, Slug, Source};

fn fm<T>(v: T) -> Found<T> {
    Found::new(
        v,
        Source::FrontMatter {
            line: 1,
            key: "x".into(),
        },
    )
}

fn incident(slug: &str, title: &str, date: Option<&str>, tags: &[&str], body: &str) -> Incident {
    let meta = IncidentMeta {
        title: Some(fm(title.to_string())),
        date: date.map(|d| fm(d.parse().unwrap())),
        duration: date.map(|_| fm(Minutes::new(95))),
        severity: Some(fm("SEV2".to_string())),
        tags: tags.iter().map(|t| fm(t.to_string())).collect(),
        services: vec![fm("dns".to_string())],
        ..Default::default()
    };
    Incident {
        slug: Slug::from_text(slug).unwrap(),
        source: format!("{slug}.md"),
        meta,
        window: Default::default(),
        body_html: String::new(),
        plain_text: body.to_string(),
        toc: Vec::new(),
        attachments: Vec::new(),
        fingerprint: 0,
        record: Default::default(),
    }
}

fn archive() -> Archive {
    let incidents = vec![
        incident(
            "resolver",
            "Resolver cache poisoned",
            Some("2024-02-03"),
            &["network", "dns"],
            "The resolver served stale records for four hours.",
        ),
        incident(
            "queue",
            "Queue backlog",
            Some("2023-05-01"),
            &["queue"],
            "Consumers stalled after a deploy.",
        ),
        incident(
            "old",
            "Undated note",
            None,
            &[],
            "Nobody wrote the date down.",
        ),
    ];
    assemble(
        incidents.into_iter().map(std::sync::Arc::new).collect(),
        &["tags".into(), "services".into()],
    )
    .0
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    // Pagefind marks decompressed payloads with this signature.
    out.strip_prefix(b"pagefind_dcd").unwrap().to_vec()
}

#[test]
fn records_carry_filters_meta_and_sort_keys() {
    let a = archive();
    let r = record(&a.incidents[0]);
    assert_eq!(r.url, "postmortems/resolver/");
    assert_eq!(r.filters["tag"], ["network", "dns"]);
    assert_eq!(r.filters["service"], ["dns"]);
    assert_eq!(r.filters["severity"], ["SEV2"]);
    assert_eq!(r.filters["year"], ["2024"]);
    assert_eq!(r.meta["title"], "Resolver cache poisoned");
    assert_eq!(r.meta["duration"], "1 h 35 min");
    assert_eq!(r.sort["date"], "2024-02-03");
    assert_eq!(r.sort["duration"], "95");
    // Unknown facts get no filter, and sort last when sorting newest or longest first.
    let undated = record(&a.incidents[2]);
    assert!(!undated.filters.contains_key("year"));
    assert!(!undated.filters.contains_key("tag"));
    assert_eq!(undated.sort["date"], NO_DATE);
    assert_eq!(undated.sort["duration"], NO_DURATION);
}

#[test]
fn facets_count_every_value() {
    let f = facets(&archive());
    let names: Vec<&str> = f.iter().map(|f| f.name).collect();
    assert_eq!(names, ["tag", "service", "severity", "year"]);
    let tag: Vec<(&str, usize)> = f[0]
        .values
        .iter()
        .map(|v| (v.value.as_str(), v.count))
        .collect();
    assert_eq!(tag, [("dns", 1), ("network", 1), ("queue", 1)]);
    assert_eq!(f[1].values[0].count, 3);
    let years: Vec<&str> = f[3].values.iter().map(|v| v.value.as_str()).collect();
    assert_eq!(years, ["2024", "2023"], "newest year first");
}

#[test]
fn index_is_deterministic_and_covers_every_postmortem() {
    let a = archive();
    let one = index(&a, "en-GB").unwrap();
    let two = index(&a, "en-GB").unwrap();
    assert_eq!(one, two, "same archive, same index bytes");
    let paths: Vec<&str> = one.iter().map(|(p, _)| p.as_str()).collect();
    assert!(paths.contains(&"pagefind/pagefind.js"), "{paths:?}");
    assert!(paths.contains(&"pagefind/pagefind-entry.json"));
    assert!(paths.contains(&"pagefind/wasm.en.pagefind"));
    assert!(paths.iter().all(|p| !p.contains("-ui.")), "{paths:?}");
    let fragments: Vec<serde_json::Value> = one
        .iter()
        .filter(|(p, _)| p.ends_with(".pf_fragment"))
        .map(|(_, b)| serde_json::from_slice(&gunzip(b)).unwrap())
        .collect();
    let mut urls: Vec<&str> = fragments
        .iter()
        .map(|f| f["url"].as_str().unwrap())
        .collect();
    urls.sort();
    assert_eq!(
        urls,
        [
            "postmortems/old/",
            "postmortems/queue/",
            "postmortems/resolver/"
        ]
    );
    let resolver = fragments
        .iter()
        .find(|f| f["url"] == "postmortems/resolver/")
        .unwrap();
    assert_eq!(
        resolver["filters"]["tag"],
        serde_json::json!(["network", "dns"])
    );
    assert_eq!(resolver["meta"]["title"], "Resolver cache poisoned");
    assert!(resolver["content"]
        .as_str()
        .unwrap()
        .contains("stale records"));
}

#[test]
fn languages_map_to_pagefind_stemmers() {
    assert_eq!(pagefind_language("en"), "en");
    assert_eq!(pagefind_language("pt-BR"), "pt");
    assert_eq!(pagefind_language(""), "en");
}
