//! Feeds and the calendar, parsed back with a real feed parser and checked field by field.

use crate::support::*;

fn parse(bytes: &[u8]) -> feed_rs::model::Feed {
    feed_rs::parser::parse(bytes).expect("a valid feed")
}

#[test]
fn atom_feed_parses_and_lists_postmortems_newest_first() {
    let (_t, root) = site("basic");
    let public = build_ok(&root, &[]);
    let feed = parse(&std::fs::read(public.join("atom.xml")).unwrap());
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    assert_eq!(feed.title.unwrap().content, "Fixture archive");
    let titles: Vec<String> = feed
        .entries
        .iter()
        .map(|e| e.title.clone().unwrap().content)
        .collect();
    assert_eq!(titles.len(), 4, "drafts are never in a feed: {titles:?}");
    let dns = feed
        .entries
        .iter()
        .find(|e| e.title.as_ref().unwrap().content == "Resolver cache served stale records")
        .unwrap();
    assert_eq!(
        dns.id,
        "https://example.com/status/postmortems/2024-02-03-dns-cache-poisoned/"
    );
    assert_eq!(dns.links[0].href, dns.id);
    assert_eq!(
        dns.updated.unwrap().to_rfc3339(),
        "2024-02-03T14:30:00+00:00"
    );
    assert_eq!(
        dns.published.unwrap().to_rfc3339(),
        "2024-02-03T13:00:00+00:00"
    );
    let cats: Vec<&str> = dns.categories.iter().map(|c| c.term.as_str()).collect();
    assert_eq!(
        cats,
        ["dns", "network", "cache", "load-balancer", "dns", "api"],
        "front-matter tags, then automatic ones, then services"
    );
    assert!(dns
        .content
        .as_ref()
        .unwrap()
        .body
        .as_ref()
        .unwrap()
        .contains("<h2 id=\"timeline\">"));
    // Newest first by update time.
    let updated: Vec<_> = feed.entries.iter().filter_map(|e| e.updated).collect();
    let mut sorted = updated.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(updated, sorted);
}

#[test]
fn json_feed_parses_with_the_same_entries() {
    let (_t, root) = site("basic");
    let public = build_ok(&root, &[]);
    let bytes = std::fs::read(public.join("feed.json")).unwrap();
    let raw: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(raw["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(raw["feed_url"], "https://example.com/status/feed.json");
    let feed = parse(&bytes);
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::JSON);
    assert_eq!(feed.entries.len(), 4);
    let atom = parse(&std::fs::read(public.join("atom.xml")).unwrap());
    let ids = |f: &feed_rs::model::Feed| f.entries.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&feed), ids(&atom));
}

#[test]
fn term_feeds_hold_only_their_postmortems() {
    let (_t, root) = site("basic");
    let public = build_ok(&root, &[]);
    let feed = parse(&std::fs::read(public.join("services/api/atom.xml")).unwrap());
    let mut titles: Vec<String> = feed
        .entries
        .iter()
        .map(|e| e.title.clone().unwrap().content)
        .collect();
    titles.sort();
    assert_eq!(
        titles,
        [
            "Primary database failover stalled",
            "Resolver cache served stale records"
        ]
    );
    let term = page(&public, "services/api/index.html");
    assert_eq!(
        attrs(&term, "link[type=\"application/atom+xml\"]", "href")
            .last()
            .map(String::as_str),
        Some("atom.xml")
    );
}

#[test]
fn every_page_advertises_the_feeds() {
    let (_t, root) = site("basic");
    let public = build_ok(&root, &[]);
    for (rel, bytes) in snapshot(&public) {
        if !rel.ends_with(".html") {
            continue;
        }
        let doc = scraper::Html::parse_document(&String::from_utf8_lossy(&bytes));
        let types = attrs(&doc, "link[rel=alternate]", "type");
        assert!(types.iter().any(|t| t == "application/atom+xml"), "{rel}");
        assert!(types.iter().any(|t| t == "application/feed+json"), "{rel}");
    }
}

/// Unfolds an iCalendar file into its logical lines.
fn ics_lines(text: &str) -> Vec<String> {
    assert!(text.contains("\r\n"), "iCalendar lines end with CRLF");
    let unfolded = text.replace("\r\n ", "");
    unfolded
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

#[test]
fn calendar_has_an_event_per_incident_with_a_known_start() {
    let (_t, root) = site("basic");
    let public = build_ok(&root, &[]);
    let text = std::fs::read_to_string(public.join("incidents.ics")).unwrap();
    for physical in text.split("\r\n") {
        assert!(physical.len() <= 75, "line over 75 octets: {physical}");
    }
    let lines = ics_lines(&text);
    assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
    let events = lines.iter().filter(|l| *l == "BEGIN:VEVENT").count();
    let starts: Vec<&String> = lines.iter().filter(|l| l.starts_with("DTSTART:")).collect();
    assert_eq!(events, starts.len());
    assert!(
        lines.contains(&"DTSTART:20240203T130000Z".to_string()),
        "{lines:?}"
    );
    assert!(lines.contains(&"DTEND:20240203T143000Z".to_string()));
    assert!(lines.contains(&"SUMMARY:Resolver cache served stale records".to_string()));
    assert!(lines
        .iter()
        .any(|l| l == "UID:2024-02-03-dns-cache-poisoned@example.com"));
}
