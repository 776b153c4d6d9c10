//! The title of a postmortem without a front-matter `title`.
//!
//! | form (first non-blank line unless noted)     | rule            | example                           |
//! |----------------------------------------------|-----------------|-----------------------------------|
//! | Markdown heading, any level, `#Title` too    | `heading`       | `## The Great Login Fiasco`       |
//! | HTML `<h1>`…`</h1>`                          | `html_heading`  | `<h1>DNS outage</h1>`             |
//! | a line that is only bold text                | `bold_line`     | `**Postmortem: API outage**`      |
//! | `Title:` line                                | `title_line`    | `Title: The Authentication Saga`  |
//! | a short line that reads as a title           | `first_line`    | `My First Postmortem`             |
//! | else the first heading anywhere              | `heading`       |                                   |
//! | else derived from the first sentence or the file name |        |                                   |

use crate::model::{Found, Source};

/// Finds the document's own title in `body` (`body_line` is the body's first line in the file).
pub fn find(body: &str, body_line: u32) -> Option<Found<String>> {
    find_in(&super::lines(body, body_line))
}

/// Lines that come before a title without being one: images, embeds, bare links, git
/// conflict markers.
fn is_preamble(line: &str) -> bool {
    let l = line.trim().to_ascii_lowercase();
    l.starts_with("![")
        || l.starts_with("<img")
        || l.starts_with("<iframe")
        || l.starts_with("<p align")
        || l.starts_with("</")
        || l.starts_with("<br")
        || (l.starts_with("http") && !l.contains(' '))
        || l.starts_with("<<<<<<<")
        || l.starts_with(">>>>>>>")
        || l.starts_with("=======")
        || (l.starts_with('[') && l.contains("](") && l.ends_with(')'))
}

/// Like [`find`], over lines already split.
pub fn find_in(all: &[super::Line]) -> Option<Found<String>> {
    let mut lines = all
        .iter()
        .filter(|l| !l.text.trim().is_empty() && !l.code)
        .map(|l| (l.no, l.text))
        .skip_while(|(_, l)| is_preamble(l));
    let (n, first) = lines.next()?;
    let first = first.trim();
    let first = strip_br(first);
    // Flattened Markdown: `Title #Section text …` keeps only the text before the first `#`.
    let first = match first.find(" #") {
        Some(i)
            if i > 0
                && first[i + 2..].starts_with(|c: char| c.is_alphabetic())
                && !first.starts_with('#') =>
        {
            first[..i].trim()
        }
        _ => first,
    };
    if let Some(t) = heading_text(first) {
        return Some(Found::new(
            t,
            Source::Prose {
                line: n,
                rule: "heading",
            },
        ));
    }
    if let Some(t) = html_heading(first) {
        return Some(Found::new(
            t,
            Source::Prose {
                line: n,
                rule: "html_heading",
            },
        ));
    }
    if let Some(t) = bold_line(first) {
        return Some(Found::new(
            t,
            Source::Prose {
                line: n,
                rule: "bold_line",
            },
        ));
    }
    if let Some(rest) = strip_label(first, "title") {
        let t = clean(rest);
        if !t.is_empty() {
            return Some(Found::new(
                t,
                Source::Prose {
                    line: n,
                    rule: "title_line",
                },
            ));
        }
    }
    if reads_as_title(first) {
        return Some(Found::new(
            clean(first),
            Source::Prose {
                line: n,
                rule: "first_line",
            },
        ));
    }
    for (n, line) in lines {
        if let Some(t) = heading_text(line.trim()) {
            return Some(Found::new(
                t,
                Source::Prose {
                    line: n,
                    rule: "heading",
                },
            ));
        }
    }
    None
}

fn strip_br(s: &str) -> &str {
    let l = s.to_ascii_lowercase();
    for tag in ["<br>", "<br/>", "<br />"] {
        if l.ends_with(tag) {
            return s[..s.len() - tag.len()].trim_end();
        }
    }
    s
}

/// A title for a document that has none: its first sentence, shortened, or the file name.
pub fn derive(body: &str, stem: &str) -> Found<String> {
    let sentence = body
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && l.chars().any(char::is_alphabetic))
        .map(|l| {
            let l = clean(l);
            let end = l.find(". ").map_or(l.len(), |i| i);
            l[..end].trim_end_matches('.').to_string()
        })
        .filter(|s| !s.is_empty());
    if let Some(s) = sentence {
        let words: Vec<&str> = s.split_whitespace().collect();
        let title = if words.len() > 10 {
            format!("{}…", words[..10].join(" "))
        } else {
            words.join(" ")
        };
        return Found::new(title, Source::derived("the first sentence"));
    }
    let from_name = stem
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_')
        .replace(['-', '_'], " ");
    let from_name = from_name.trim();
    let title = if from_name.is_empty() {
        stem.to_string()
    } else {
        capitalise(from_name)
    };
    Found::new(title, Source::derived("the file name"))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// `# Title`, `###Title`, `## Title ##`.
pub fn heading_text(line: &str) -> Option<String> {
    let rest = line.strip_prefix('#')?;
    let rest = rest.trim_start_matches('#');
    if line.len() - rest.len() > 6 {
        return None;
    }
    let t = clean(rest.trim_end_matches('#'));
    (!t.is_empty()).then_some(t)
}

fn html_heading(line: &str) -> Option<String> {
    let lower = line.to_ascii_lowercase();
    let start = lower.find("<h1")?;
    let open_end = lower[start..].find('>')? + start + 1;
    let close = lower[open_end..].find("</h1>")? + open_end;
    let t = clean(&strip_tags(&line[open_end..close]));
    (!t.is_empty()).then_some(t)
}

fn bold_line(line: &str) -> Option<String> {
    for m in ["**", "__"] {
        if let Some(inner) = line
            .strip_prefix(m)
            .and_then(|r| r.trim_end().strip_suffix(m))
        {
            if !inner.contains(m) {
                let t = clean(inner);
                return (!t.is_empty()).then_some(t);
            }
        }
    }
    None
}

/// `Title: x`, `**Title:** x` → `x`.
pub fn strip_label<'a>(line: &'a str, label: &str) -> Option<&'a str> {
    let l = line.trim_start_matches(['*', '_', '#', ' ']);
    // `get` rather than slicing: the line may hold multi-byte characters at that position.
    if !l
        .get(..label.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(label))
    {
        return None;
    }
    let rest = l[label.len()..].trim_start_matches(['*', '_']);
    let rest = rest.strip_prefix(':')?;
    Some(rest.trim_start_matches(['*', '_']).trim())
}

/// Short, no sentence punctuation at the end, not a URL, image or list item.
fn reads_as_title(line: &str) -> bool {
    let words = line.split_whitespace().count();
    let lower = line.to_ascii_lowercase();
    (1..=14).contains(&words)
        && line.chars().count() <= 120
        && !line.ends_with(['.', ',', ';'])
        && !lower.starts_with("http")
        && !line.starts_with(['!', '[', '-', '*', '+', '>', '|', '<', '`', '•'])
        && !LIST_NUMBER_RE.is_match(line)
        && line.chars().any(char::is_alphabetic)
        // A letter, a digit (`0x19. Postmortem`) or an emoji (`🚨 Postmortem`) first.
        && line.chars().next().is_some_and(|c| c.is_alphanumeric() || (!c.is_ascii() && c != '•'))
}

/// `1. item`, `2) item`, `10:00 …`, `2023-03-01 …`: list items, times and dates, not titles.
static LIST_NUMBER_RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"^(?:\d{1,3}[.)]\s|\d{1,2}:\d{2}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/)")
        .unwrap()
});

/// Removes Markdown emphasis, backticks, a trailing colon and surrounding space.
pub fn clean(s: &str) -> String {
    // Most titles have no marks to drop: read in place, copied once.
    let s: std::borrow::Cow<str> = if s.bytes().any(|c| c == b'*' || c == b'`') {
        s.chars().filter(|c| !matches!(c, '*' | '`')).collect()
    } else {
        s.into()
    };
    let s = s.trim().trim_matches('_').trim();
    let s = s.trim_end_matches(':').trim();
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms() {
        let cases: &[(&str, Option<&str>, &str)] = &[
            (
                "## The Great Login Fiasco: A Postmortem Report \n\nbody",
                Some("The Great Login Fiasco: A Postmortem Report"),
                "heading",
            ),
            ("#Cache stampede\n", Some("Cache stampede"), "heading"),
            (
                "<h1 align=\"center\">Queue backlog</h1>\n",
                Some("Queue backlog"),
                "html_heading",
            ),
            (
                "**Postmortem: Billing API outage**\n\ntext",
                Some("Postmortem: Billing API outage"),
                "bold_line",
            ),
            (
                "\n\nTitle: The Certificate Caper\n",
                Some("The Certificate Caper"),
                "title_line",
            ),
            (
                "My Second Postmortem\nIssue Summary\n",
                Some("My Second Postmortem"),
                "first_line",
            ),
            (
                "Issue Summary:\nDuration: 2 hours\n",
                Some("Issue Summary"),
                "first_line",
            ),
            (
                "On June 2, 2023, from 9:00 AM to 9:40 AM the API was down.\n\n## Timeline\n",
                Some("Timeline"),
                "heading",
            ),
            (
                "On June 2, 2023, the API was down for everyone.\n",
                None,
                "",
            ),
            ("![meme](x.png)\n", None, ""),
        ];
        for (text, want, rule) in cases {
            let got = find(text, 1);
            assert_eq!(got.as_ref().map(|f| f.value.as_str()), *want, "{text:?}");
            if let Some(Found {
                source: Source::Prose { rule: r, .. },
                ..
            }) = got
            {
                assert_eq!(r, *rule, "{text:?}");
            }
        }
    }

    #[test]
    fn label_check_does_not_split_a_character() {
        assert_eq!(strip_label("ઁr𞋿 x", "title"), None);
        assert_eq!(find("ઁr𞋿?PE\n", 1).map(|f| f.source.kind()), Some("prose"));
    }

    #[test]
    fn line_counts_from_body_start() {
        let f = find("\n\nTitle: X\n", 5).unwrap();
        assert_eq!(f.source.line(), Some(7));
    }

    #[test]
    fn derived_titles() {
        let d = derive(
            "On March 1, 2023, the login service failed. More text.",
            "x",
        );
        assert_eq!(d.value, "On March 1, 2023, the login service failed");
        assert_eq!(d.source.kind(), "derived");
        assert_eq!(derive("", "2023-03-01-db-failover").value, "Db failover");
    }
}
