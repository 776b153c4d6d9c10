//! Unit tests of the tokenizer, the search records, facets, the index files and queries.

use std::collections::BTreeSet;

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

struct Pm<'a> {
    slug: &'a str,
    title: &'a str,
    date: Option<&'a str>,
    minutes: Option<u32>,
    tags: &'a [&'a str],
    body: &'a str,
}

fn incident(p: &Pm<'_>) -> Incident {
    let meta = IncidentMeta {
        title: Some(fm(p.title.to_string())),
        date: p.date.map(|d| fm(d.parse().unwrap())),
        duration: p.minutes.map(|m| fm(Minutes::new(m))),
        severity: Some(fm("SEV2".to_string())),
        tags: p.tags.iter().map(|t| fm(t.to_string())).collect(),
        services: vec![fm("dns".to_string())],
        ..Default::default()
    };
    Incident {
        slug: Slug::from_text(p.slug).unwrap(),
        source: format!("{}.md", p.slug),
        meta,
        window: Default::default(),
        body_html: String::new(),
        plain_text: p.body.to_string(),
        toc: Vec::new(),
        attachments: Vec::new(),
        fingerprint: 0,
        record: Default::default(),
    }
}

fn assemble_all(pms: &[Pm<'_>]) -> Archive {
    assemble(
        pms.iter()
            .map(|p| std::sync::Arc::new(incident(p)))
            .collect(),
        &["tags".into(), "services".into()],
    )
    .0
}

fn archive() -> Archive {
    assemble_all(&[
        Pm {
            slug: "resolver",
            title: "Resolver cache poisoned",
            date: Some("2024-02-03"),
            minutes: Some(95),
            tags: &["network", "dns"],
            body: "The resolver served stale records for four hours. A deploy of the cache \
                   layer was rolled back.",
        },
        Pm {
            slug: "queue",
            title: "Queue backlog",
            date: Some("2023-05-01"),
            minutes: Some(400),
            tags: &["queue"],
            body: "Consumers stalled after deploying a new release. Records stale in the \
                   backlog were replayed.",
        },
        Pm {
            slug: "old",
            title: "Undated note",
            date: None,
            minutes: None,
            tags: &[],
            body: "Nobody wrote the date down. The queue was fine.",
        },
    ])
}

fn read(a: &Archive) -> Index {
    Index::read(&index(a, "en-GB").unwrap()).unwrap()
}

fn none() -> BTreeMap<String, Vec<String>> {
    BTreeMap::new()
}

fn urls(ix: &Index, q: &str, filters: &BTreeMap<String, Vec<String>>, sort: &str) -> Vec<String> {
    ix.urls(&ix.search(q, filters, sort))
        .into_iter()
        .map(|u| {
            u.trim_start_matches("postmortems/")
                .trim_end_matches('/')
                .to_string()
        })
        .collect()
}

#[derive(serde::Deserialize)]
struct Cases {
    tokens: Vec<(String, Vec<String>)>,
    stems: Vec<(String, Option<String>)>,
}

fn cases() -> Cases {
    serde_json::from_str(include_str!("tokenize_cases.json")).unwrap()
}

#[test]
fn tokenizer_follows_the_shared_table() {
    for (text, want) in cases().tokens {
        assert_eq!(tokenize::terms(&text), want, "{text:?}");
    }
}

#[test]
fn stemmer_follows_the_shared_table() {
    for (word, want) in cases().stems {
        assert_eq!(tokenize::stem_en(&word), want, "{word:?}");
    }
}

#[test]
fn token_ranges_cover_the_written_word() {
    let text = "At 10:00 we didn’t roll back v1.2.";
    let mut spans = Vec::new();
    tokenize::each(text, |a, b, t| spans.push((&text[a..b], t.to_string())));
    assert_eq!(
        spans,
        [
            ("At", "at".to_string()),
            ("10:00", "10:00".into()),
            ("we", "we".into()),
            ("didn’t", "didnt".into()),
            ("roll", "roll".into()),
            ("back", "back".into()),
            ("v1.2", "v1.2".into()),
        ]
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]

    #[test]
    fn the_tokenizer_fast_path_agrees_with_the_general_one(
        parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "a", "Z", "7", "0", " ", ".", ",", ":", "'", "’", "-", "_", "é", "e\u{301}",
                "Σ", "ς", "数", "İ", "ß", "²", "\n", "word", "x".repeat(39).leak(),
            ]),
            0..30,
        )
    ) {
        let text = parts.concat();
        let mut fast = Vec::new();
        tokenize::each(&text, |a, b, t| fast.push((a, b, t.to_string())));
        let mut general = Vec::new();
        tokenize::each_general(&text, |a, b, t| general.push((a, b, t.to_string())));
        proptest::prop_assert_eq!(fast, general, "{:?}", text);
    }
}

#[test]
fn records_carry_filters_meta_and_duration() {
    let a = archive();
    let r = record(&a.incidents[0]);
    assert_eq!(r.url, "postmortems/resolver/");
    assert_eq!(r.filters["tag"], ["network", "dns"]);
    assert_eq!(r.filters["service"], ["dns"]);
    assert_eq!(r.filters["severity"], ["SEV2"]);
    assert_eq!(r.filters["year"], ["2024"]);
    assert_eq!(r.meta["title"], "Resolver cache poisoned");
    assert_eq!(r.meta["duration"], "1 h 35 min");
    assert_eq!(r.duration, Some(95));
    // Unknown facts get no filter.
    let undated = record(&a.incidents[2]);
    assert!(!undated.filters.contains_key("year"));
    assert!(!undated.filters.contains_key("tag"));
    assert_eq!(undated.duration, None);
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
    assert!(paths.contains(&"search-index/manifest.json"), "{paths:?}");
    assert!(paths.contains(&"search-index/engine.js"));
    assert!(paths.iter().all(|p| p.starts_with(BUNDLE_DIR)), "{paths:?}");
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "sorted by path");
    // Every binary file is gzip.
    for (p, b) in &one {
        if p.ends_with(".bin") {
            assert_eq!(&b[..2], &[0x1f, 0x8b], "{p}");
        }
    }

    let ix = Index::read(&one).unwrap();
    assert!(ix.stem);
    // Ids: oldest first, so the archive (newest first) reversed.
    let got: Vec<&str> = ix.docs.iter().map(|d| d.fragment.url.as_str()).collect();
    assert_eq!(
        got,
        [
            "postmortems/old/",
            "postmortems/queue/",
            "postmortems/resolver/"
        ]
    );
    for (inc, doc) in a.incidents.iter().rev().zip(&ix.docs) {
        let r = record(inc);
        assert_eq!(doc.fragment.url, r.url);
        assert_eq!(doc.fragment.title, r.meta["title"]);
        assert_eq!(doc.fragment.date, r.meta.get("date").cloned());
        assert_eq!(doc.duration, r.duration);
        let mut want = r.filters.clone();
        want.values_mut().for_each(|v| v.sort());
        assert_eq!(doc.filters, want, "{}", r.url);
        assert_eq!(doc.fragment.text, r.content);
    }
    let resolver = &ix.docs[2].fragment;
    assert_eq!(resolver.date_human.as_deref(), Some("3 Feb 2024"));
    assert_eq!(resolver.duration.as_deref(), Some("1 h 35 min"));
    assert_eq!(resolver.severity_class, "sev2");
    assert_eq!(resolver.tags, ["network", "dns"]);
    // Title, metadata and body words are all in the dictionary.
    for t in [
        "resolver", "poisoned", "network", "sev2", "february", "stale",
    ] {
        assert!(ix.terms.contains_key(t), "{t}");
    }
}

#[test]
fn a_word_finds_its_postmortem_and_no_other() {
    let ix = read(&archive());
    assert_eq!(urls(&ix, "poisoned", &none(), ""), ["resolver"]);
    assert_eq!(urls(&ix, "Consumers", &none(), ""), ["queue"]);
    assert_eq!(urls(&ix, "nobody", &none(), ""), ["old"]);
    assert!(urls(&ix, "kubernetes", &none(), "").is_empty());
    // Every word must match.
    assert_eq!(urls(&ix, "stale consumers", &none(), ""), ["queue"]);
    // Metadata is searchable: a tag, the severity, the month.
    assert_eq!(urls(&ix, "network", &none(), ""), ["resolver"]);
    assert_eq!(urls(&ix, "february", &none(), ""), ["resolver"]);
    assert_eq!(urls(&ix, "sev2", &none(), "").len(), 3);
}

#[test]
fn words_match_as_prefixes_and_by_stem() {
    let ix = read(&archive());
    // `deploy` begins `deploying`; `deploying` is stemmed to `deploy…`.
    assert_eq!(urls(&ix, "deploy", &none(), ""), ["resolver", "queue"]);
    let both = urls(&ix, "deploying", &none(), "");
    assert_eq!(both, ["queue", "resolver"], "the word itself ranks first");
    // Short words match whole terms only; quoted words too.
    assert!(urls(&ix, "de", &none(), "").is_empty());
    assert_eq!(urls(&ix, "\"deploy\"", &none(), ""), ["resolver"]);
    // Typing is incremental.
    assert_eq!(urls(&ix, "poiso", &none(), ""), ["resolver"]);
}

#[test]
fn a_title_hit_ranks_first() {
    let ix = read(&archive());
    assert_eq!(urls(&ix, "queue", &none(), ""), ["queue", "old"]);
    // The title wins over tags, and tags over the body, whatever the dates.
    let a = assemble_all(&[
        Pm {
            slug: "body",
            title: "Login errors",
            date: Some("2024-05-01"),
            minutes: None,
            tags: &[],
            body: "The certificate expired. Certificate renewal failed, the certificate \
                   chain was incomplete and certificate pinning made it worse.",
        },
        Pm {
            slug: "title",
            title: "Certificate expired",
            date: Some("2023-01-01"),
            minutes: None,
            tags: &[],
            body: "Logins failed for an hour.",
        },
        Pm {
            slug: "tag",
            title: "Slow checkout",
            date: Some("2024-06-01"),
            minutes: None,
            tags: &["certificate"],
            body: "Checkout was slow for everyone.",
        },
    ]);
    let ix = read(&a);
    assert_eq!(
        urls(&ix, "certificate", &none(), ""),
        ["title", "tag", "body"],
        "title ≫ tags > body"
    );
}

#[test]
fn phrases_must_appear_in_order() {
    let ix = read(&archive());
    assert_eq!(urls(&ix, "\"stale records\"", &none(), ""), ["resolver"]);
    assert_eq!(urls(&ix, "\"records stale\"", &none(), ""), ["queue"]);
    assert_eq!(urls(&ix, "stale records", &none(), "").len(), 2);
    assert!(urls(&ix, "\"stale four\"", &none(), "").is_empty());
    // An unclosed quote is a phrase up to the end.
    assert_eq!(urls(&ix, "\"records stale", &none(), ""), ["queue"]);
}

#[test]
fn facets_carry_exact_memberships_and_combine() {
    let ix = read(&archive());
    let tag = &ix.facets["tag"];
    let urls_of = |ids: &[u32]| ix.urls(ids);
    assert_eq!(urls_of(&tag["dns"]), ["postmortems/resolver/"]);
    assert_eq!(urls_of(&tag["queue"]), ["postmortems/queue/"]);
    assert_eq!(tag.len(), 3);
    assert_eq!(ix.facets["service"]["dns"].len(), 3);
    assert_eq!(
        ix.facets["year"].keys().collect::<Vec<_>>(),
        ["2023", "2024"]
    );
    let f = |pairs: &[(&str, &[&str])]| -> BTreeMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect()
    };
    // Facets alone list newest first; values of one facet: any; facets: all.
    assert_eq!(
        urls(&ix, "", &f(&[("service", &["dns"])]), ""),
        ["resolver", "queue", "old"]
    );
    assert_eq!(
        urls(&ix, "", &f(&[("tag", &["dns", "queue"])]), ""),
        ["resolver", "queue"]
    );
    assert_eq!(
        urls(
            &ix,
            "",
            &f(&[("tag", &["dns", "queue"]), ("year", &["2023"])]),
            ""
        ),
        ["queue"]
    );
    assert_eq!(
        urls(&ix, "stale", &f(&[("year", &["2024"])]), ""),
        ["resolver"]
    );
    assert!(urls(&ix, "", &f(&[("tag", &["nope"])]), "").is_empty());
    assert!(
        urls(&ix, "", &none(), "").is_empty(),
        "nothing asked, nothing shown"
    );
}

#[test]
fn sorts_by_date_and_duration_with_unknowns_at_the_end() {
    let ix = read(&archive());
    let all = |sort| urls(&ix, "sev2", &none(), sort);
    assert_eq!(all("date-desc"), ["resolver", "queue", "old"]);
    assert_eq!(all("date-asc"), ["old", "queue", "resolver"]);
    assert_eq!(all("duration-desc"), ["queue", "resolver", "old"]);
    assert_eq!(all("duration-asc"), ["old", "resolver", "queue"]);
}

#[test]
fn a_large_dictionary_is_cut_into_ordered_chunks() {
    // 400 postmortems of 300 distinct words each: many chunks, read back in order.
    let bodies: Vec<String> = (0..400)
        .map(|i| {
            (0..300)
                .map(|j| format!("word{:05}x{}", (i * 37 + j * 11) % 20_000, j % 7))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let slugs: Vec<String> = (0..400).map(|i| format!("pm-{i}")).collect();
    let pms: Vec<Pm<'_>> = (0..400)
        .map(|i| Pm {
            slug: &slugs[i],
            title: "Generated",
            date: Some("2024-01-01"),
            minutes: Some(i as u32),
            tags: &[],
            body: &bodies[i],
        })
        .collect();
    let a = assemble_all(&pms);
    let files = index(&a, "en").unwrap();
    let ix = Index::read(&files).unwrap();
    assert!(
        ix.chunks.len() >= read::MAX_PREFIX_CHUNKS + 2,
        "{} chunks",
        ix.chunks.len()
    );
    for (first, path, size) in &ix.chunks {
        assert!(ix.terms.contains_key(first));
        assert!(*size < 32 * 1024, "{path} is {size} bytes");
    }
    // Every posting of every document is there.
    let total: usize = ix.terms.values().map(Vec::len).sum();
    let want: usize = bodies
        .iter()
        .map(|b| {
            let mut t = tokenize::terms(b);
            t.extend(tokenize::terms("Generated sev2 dns 1 January 2024"));
            t.sort();
            t.dedup();
            t.len()
        })
        .sum();
    assert_eq!(total, want);
    assert_eq!(
        urls(&ix, "word00011x1", &none(), "").len(),
        ix.terms["word00011x1"].len()
    );
    // `word` begins terms in more chunks than a prefix may expand into: only the first
    // ones count, and a word past them still finds itself.
    let first = ix.chunk_of("word");
    assert!(ix.chunks[first + read::MAX_PREFIX_CHUNKS]
        .0
        .starts_with("word"));
    let late = ix.chunks[first + read::MAX_PREFIX_CHUNKS + 1].0.clone();
    let reach: BTreeSet<u32> = ix
        .terms
        .iter()
        .filter(|(t, _)| t.starts_with("word") && ix.chunk_of(t) < first + read::MAX_PREFIX_CHUNKS)
        .flat_map(|(_, p)| p.iter().map(|&(d, _)| d))
        .collect();
    let found: BTreeSet<u32> = ix.search("word", &none(), "").into_iter().collect();
    assert_eq!(found, reach);
    assert_eq!(
        ix.search(&late, &none(), "").len(),
        ix.terms[&late].len(),
        "{late}"
    );
}

#[test]
fn text_of_a_huge_postmortem_is_capped_in_its_fragment() {
    let body = "word ".repeat(20_000);
    let a = assemble_all(&[Pm {
        slug: "huge",
        title: "Huge",
        date: None,
        minutes: None,
        tags: &[],
        body: &body,
    }]);
    let ix = read(&a);
    assert!(ix.docs[0].fragment.text.len() <= write::TEXT_CAP);
    assert!(ix.terms.contains_key("word"));
}

#[test]
fn an_empty_archive_has_an_empty_index() {
    let ix = read(&assemble_all(&[]));
    assert!(ix.docs.is_empty());
    assert!(ix.terms.is_empty());
    assert!(ix.search("anything", &none(), "").is_empty());
}

#[test]
fn other_languages_are_not_stemmed() {
    let files = index(&archive(), "de").unwrap();
    assert!(!Index::read(&files).unwrap().stem);
}

#[test]
fn gzip_round_trips_with_a_reused_compressor() {
    let mut gz = format::Gzip::new(6);
    for text in ["", "a", &"postmortem ".repeat(10_000), "the end"] {
        let packed = gz.compress(text.as_bytes());
        assert_eq!(&packed[..2], &[0x1f, 0x8b]);
        assert_eq!(format::gunzip(&packed).unwrap(), text.as_bytes());
        assert_eq!(
            packed,
            format::gzip(text.as_bytes()),
            "the same bytes every time"
        );
    }
}
