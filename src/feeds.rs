//! Feeds and calendars: Atom (RFC 4287), JSON Feed 1.1 and iCalendar (RFC 5545). Dates come
//! from the incidents themselves, never from the clock, so rebuilds are byte-identical.
//!
//! The iCalendar writer is hand-written: the crates that write it pull in a second date
//! library, and the part needed here (escaping, 75-octet folding, UTC times) is small and
//! tested against the RFC's rules below.

use std::fmt::Write;

use serde::Serialize;

use crate::highlight::escape;
use crate::model::Incident;

/// What a feed needs to know about one postmortem.
pub struct Entry<'a> {
    pub incident: &'a Incident,
    /// Absolute URL of its page.
    pub permalink: String,
    pub summary: Option<String>,
}

/// `2024-02-03T08:00:00Z`: the resolution, else the start, else noon UTC on the date.
fn updated(inc: &Incident) -> Option<String> {
    let ts = inc
        .window
        .resolved_at
        .as_ref()
        .or(inc.window.started_at.as_ref())
        .map(|z| z.timestamp());
    if let Some(ts) = ts {
        return Some(ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
    }
    inc.meta
        .date
        .as_ref()
        .map(|d| format!("{}T12:00:00Z", d.value))
}

fn published(inc: &Incident) -> Option<String> {
    match &inc.window.started_at {
        Some(z) => Some(z.timestamp().strftime("%Y-%m-%dT%H:%M:%SZ").to_string()),
        None => inc
            .meta
            .date
            .as_ref()
            .map(|d| format!("{}T12:00:00Z", d.value)),
    }
}

/// How much of each postmortem an Atom feed carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// The whole rendered body (the site feed).
    Full,
    /// Title, summary and link only (per-term feeds: a postmortem is in many of them).
    Summary,
}

/// An Atom feed. `self_url` is the feed's own absolute URL, `home` the page it belongs to.
pub fn atom(
    title: &str,
    subtitle: &str,
    self_url: &str,
    home: &str,
    generator: &str,
    entries: &[Entry],
    content: Content,
) -> String {
    let newest = entries
        .iter()
        .filter_map(|e| updated(e.incident))
        .max()
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string());
    let mut s = String::with_capacity(4096 + entries.len() * 2048);
    s.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    let _ = writeln!(s, "  <title>{}</title>", escape(title));
    if !subtitle.is_empty() {
        let _ = writeln!(s, "  <subtitle>{}</subtitle>", escape(subtitle));
    }
    let _ = writeln!(s, "  <id>{}</id>", escape(self_url));
    let _ = writeln!(
        s,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        escape(self_url)
    );
    let _ = writeln!(
        s,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape(home)
    );
    let _ = writeln!(s, "  <updated>{newest}</updated>");
    let _ = writeln!(s, "  <generator>{}</generator>", escape(generator));
    for e in entries {
        let inc = e.incident;
        let up = updated(inc).unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string());
        s.push_str("  <entry>\n");
        let _ = writeln!(s, "    <title>{}</title>", escape(inc.meta.title()));
        let _ = writeln!(s, "    <id>{}</id>", escape(&e.permalink));
        let _ = writeln!(
            s,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            escape(&e.permalink)
        );
        let _ = writeln!(s, "    <updated>{up}</updated>");
        if let Some(p) = published(inc) {
            let _ = writeln!(s, "    <published>{p}</published>");
        }
        if inc.meta.authors.is_empty() {
            let _ = writeln!(s, "    <author><name>{}</name></author>", escape(title));
        }
        for a in &inc.meta.authors {
            let _ = writeln!(s, "    <author><name>{}</name></author>", escape(a));
        }
        for t in inc.meta.tags.iter().chain(&inc.meta.services) {
            let _ = writeln!(s, "    <category term=\"{}\"/>", escape(&t.value));
        }
        if let Some(sum) = &e.summary {
            let _ = writeln!(s, "    <summary>{}</summary>", escape(sum));
        }
        if content == Content::Full {
            let _ = writeln!(
                s,
                "    <content type=\"html\" xml:base=\"{}\">{}</content>",
                escape(&e.permalink),
                escape(&inc.body_html)
            );
        }
        s.push_str("  </entry>\n");
    }
    s.push_str("</feed>\n");
    s
}

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    language: &'a str,
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    content_html: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_modified: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Author<'a>>,
}

#[derive(Serialize)]
struct Author<'a> {
    name: &'a str,
}

/// A JSON Feed 1.1 document.
pub fn json_feed(
    title: &str,
    description: &str,
    home: &str,
    feed_url: &str,
    language: &str,
    entries: &[Entry],
) -> String {
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title,
        home_page_url: home,
        feed_url,
        description,
        language,
        items: entries
            .iter()
            .map(|e| JsonItem {
                id: &e.permalink,
                url: &e.permalink,
                title: e.incident.meta.title(),
                content_html: &e.incident.body_html,
                summary: e.summary.as_deref(),
                date_published: published(e.incident),
                date_modified: updated(e.incident),
                tags: e
                    .incident
                    .meta
                    .tags
                    .iter()
                    .chain(&e.incident.meta.services)
                    .map(|t| t.value.as_str())
                    .collect(),
                authors: e
                    .incident
                    .meta
                    .authors
                    .iter()
                    .map(|a| Author { name: a })
                    .collect(),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&feed).unwrap_or_default()
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
pub fn ics_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character.
pub fn ics_fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
    out
}

/// An iCalendar file with one event per incident whose start is known.
pub fn ics(calendar_name: &str, host: &str, entries: &[Entry]) -> String {
    let mut s = String::new();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//inquest//incident archive//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        s.push_str(&ics_fold(l));
    }
    s.push_str(&ics_fold(&format!(
        "X-WR-CALNAME:{}",
        ics_escape(calendar_name)
    )));
    let utc = |z: &jiff::Zoned| z.timestamp().strftime("%Y%m%dT%H%M%SZ").to_string();
    for e in entries {
        let inc = e.incident;
        let Some(start) = &inc.window.started_at else {
            continue;
        };
        s.push_str(&ics_fold("BEGIN:VEVENT"));
        s.push_str(&ics_fold(&format!("UID:{}@{}", inc.slug, ics_escape(host))));
        // DTSTAMP must be stable across builds: use the incident's own start.
        s.push_str(&ics_fold(&format!("DTSTAMP:{}", utc(start))));
        s.push_str(&ics_fold(&format!("DTSTART:{}", utc(start))));
        if let Some(end) = &inc.window.resolved_at {
            s.push_str(&ics_fold(&format!("DTEND:{}", utc(end))));
        } else if let Some(d) = &inc.meta.duration {
            if let Ok(end) = start.checked_add(jiff::Span::new().minutes(i64::from(d.value.get())))
            {
                s.push_str(&ics_fold(&format!("DTEND:{}", utc(&end))));
            }
        }
        s.push_str(&ics_fold(&format!(
            "SUMMARY:{}",
            ics_escape(inc.meta.title())
        )));
        if let Some(sum) = &e.summary {
            s.push_str(&ics_fold(&format!("DESCRIPTION:{}", ics_escape(sum))));
        }
        s.push_str(&ics_fold(&format!("URL:{}", e.permalink)));
        let cats: Vec<String> = inc
            .meta
            .tags
            .iter()
            .chain(&inc.meta.services)
            .map(|t| ics_escape(&t.value))
            .collect();
        if !cats.is_empty() {
            s.push_str(&ics_fold(&format!("CATEGORIES:{}", cats.join(","))));
        }
        s.push_str(&ics_fold("END:VEVENT"));
    }
    s.push_str(&ics_fold("END:VCALENDAR"));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ics_text_is_escaped() {
        assert_eq!(ics_escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn ics_lines_fold_at_75_octets_on_char_boundaries() {
        let long = format!("SUMMARY:{}", "é".repeat(60));
        let folded = ics_fold(&long);
        for physical in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        let unfolded = folded.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), long);
        assert_eq!(ics_fold("SHORT"), "SHORT\r\n");
    }
}
