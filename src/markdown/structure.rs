//! Plain-text structure recognition: turns the structure people type without Markdown into
//! Markdown, before the Markdown pass. Lines inside code fences are never touched.
//!
//! | written                                        | becomes                          |
//! |------------------------------------------------|----------------------------------|
//! | `Title: The Great Lockout` (first line)        | dropped (it is the page title)   |
//! | `Timeline`, `Root Cause and Resolution:` alone | `## Timeline`, `## Root Cause…`  |
//! | `Root Cause and Resolution: The cause was…`    | `## Root Cause and Resolution` + paragraph |
//! | `**Executive Summary**` alone                  | `## Executive Summary`           |
//! | `Improvements/Fixes:` alone (short, colon)     | `### Improvements/Fixes`         |
//! | `Impact: users could not log in`               | `**Impact:** users could not log in` |
//! | `•⇥text`, `– text`, `◦ text`                   | `- text`                         |
//! | `10:05 AM: engineers paged` (block start)      | `- 10:05 AM: engineers paged`    |
//! | `#Timeline` (no space)                         | `# Timeline`                     |
//! | `.txt`: every line                             | its own paragraph (unless the file is hard-wrapped) |

use std::sync::LazyLock;

use regex::Regex;

use crate::content::Kind;
use crate::extract::title;

/// Section names (lowercase, no trailing colon) that are headings when alone on a line.
const SECTIONS: &[&str] = &[
    "summary",
    "issue summary",
    "executive summary",
    "incident summary",
    "overview",
    "background",
    "impact",
    "customer impact",
    "timeline",
    "timeline of events",
    "detection",
    "root cause",
    "root causes",
    "root cause analysis",
    "root cause and resolution",
    "resolution",
    "resolution and recovery",
    "recovery",
    "mitigation",
    "corrective and preventative measures",
    "corrective and preventive measures",
    "corrective measures",
    "preventive measures",
    "preventative measures",
    "action items",
    "actions",
    "follow-up",
    "follow-up actions",
    "follow up",
    "next steps",
    "lessons learned",
    "lessons",
    "what went well",
    "what went wrong",
    "where we got lucky",
    "contributing factors",
    "conclusion",
    "tasks",
    "improvements",
    "appendix",
    "acknowledgements",
];

/// Sections that start a new part even with text after the colon on the same line.
const MAJOR_SECTIONS: &[&str] = &[
    "issue summary",
    "executive summary",
    "incident summary",
    "timeline",
    "root cause and resolution",
    "corrective and preventative measures",
    "corrective and preventive measures",
    "lessons learned",
    "action items",
];

static BULLET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\s*)[•◦▪‣–—●○■](?:[ \t]+)(\S.*)$").unwrap());
static LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([A-Z][A-Za-z0-9 /&'()-]{0,40}?):[ \t]+(\S.*)$").unwrap());
static TIME_LED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:\*\*)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?\b").unwrap()
});
static NOSPACE_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(#{1,6})([A-Z0-9].*)$").unwrap());

fn normalise(line: &str) -> String {
    let t = title::clean(line).to_lowercase();
    t.trim_end_matches(':').trim().to_string()
}

fn section_of(line: &str) -> Option<&'static str> {
    // Section names are short; most lines are prose and can be dismissed without allocating.
    if line.len() > 90 || line.split_whitespace().nth(9).is_some() {
        return None;
    }
    let n = normalise(line);
    if n.split_whitespace().count() > 7 {
        return None;
    }
    SECTIONS.iter().copied().find(|s| {
        n == *s
            || (n.starts_with(s) && n[s.len()..].starts_with([' ', '(', '/']) && !n.contains(". "))
    })
}

fn is_list_or_block_markup(t: &str) -> bool {
    t.starts_with(['#', '>', '|', '<', '!', '['])
        || t.starts_with("- ")
        || t.starts_with("* ")
        || t.starts_with("+ ")
        || t.starts_with("-\t")
        || t.starts_with("*\t")
        || t.chars().next().is_some_and(|c| c.is_ascii_digit()) && {
            let digits = t.chars().take_while(char::is_ascii_digit).count();
            t[digits..].starts_with(". ") || t[digits..].starts_with(") ")
        }
}

fn is_list_item(t: &str) -> bool {
    t.starts_with("- ")
        || t.starts_with("* ")
        || t.starts_with("+ ")
        || t.starts_with("-\t")
        || t.starts_with("*\t")
        || {
            let digits = t.chars().take_while(char::is_ascii_digit).count();
            digits > 0 && (t[digits..].starts_with(". ") || t[digits..].starts_with(") "))
        }
}

/// Most lines 55–100 characters long: the author wrapped paragraphs by hand.
fn hard_wrapped(body: &str) -> bool {
    let lens: Vec<usize> = body
        .lines()
        .map(|l| l.trim().chars().count())
        .filter(|&n| n > 0)
        .collect();
    if lens.len() < 6 {
        return false;
    }
    let wrapped = lens.iter().filter(|&&n| (55..=100).contains(&n)).count();
    wrapped * 2 > lens.len() && lens.iter().all(|&n| n <= 100)
}

/// Rewrites `body` into Markdown. `title` is the page title: a first line that only repeats
/// it is dropped, since the page shows the title already.
pub fn recognise(body: &str, kind: Kind, title_text: Option<&str>) -> String {
    let text_mode = kind == Kind::Text && !hard_wrapped(body);
    let mut out = String::with_capacity(body.len() + body.len() / 10);
    let mut fence: Option<String> = None;
    let mut prev_blank = true;
    let mut prev_list = false;
    let mut seen_content = false;
    let title_norm = title_text.map(normalise);

    let mut have_h2 = false;
    let lines: Vec<&str> = body.lines().collect();
    for (i, &raw) in lines.iter().enumerate() {
        let next = lines[i + 1..]
            .iter()
            .map(|l| l.trim())
            .find(|l| !l.is_empty());
        let trimmed_start = raw.trim_start();
        // Code fences pass through untouched.
        if let Some(f) = &fence {
            out.push_str(raw);
            out.push('\n');
            if trimmed_start.starts_with(f.as_str())
                && trimmed_start
                    .trim_end()
                    .chars()
                    .all(|c| c == f.chars().next().unwrap_or('`'))
            {
                fence = None;
            }
            continue;
        }
        if trimmed_start.starts_with("```") || trimmed_start.starts_with("~~~") {
            let marker: String = trimmed_start
                .chars()
                .take_while(|c| *c == '`' || *c == '~')
                .collect();
            fence = Some(marker);
            if !prev_blank && !out.is_empty() {
                out.push('\n');
            }
            out.push_str(raw);
            out.push('\n');
            prev_blank = false;
            prev_list = false;
            seen_content = true;
            continue;
        }
        let t = raw.trim();
        if t.is_empty() {
            out.push('\n');
            prev_blank = true;
            prev_list = false;
            continue;
        }
        // In plain text every line starts a block; in Markdown only after a blank line.
        let block_start = prev_blank || text_mode || prev_list;
        let line: &str = if text_mode { t } else { raw };

        if !seen_content {
            seen_content = true;
            let first = title::heading_text(t)
                .or_else(|| bold_only(t))
                .unwrap_or_else(|| title::strip_label(t, "title").unwrap_or(t).to_string());
            if title_norm
                .as_deref()
                .is_some_and(|tn| normalise(&first) == tn && !tn.is_empty())
            {
                prev_blank = true;
                continue;
            }
        }

        let converted = if let Some(c) = BULLET.captures(line) {
            let indent = if text_mode {
                ""
            } else {
                c.get(1).map_or("", |m| m.as_str())
            };
            Some((format!("{indent}- {}", &c[2]), true))
        } else if let Some(c) = NOSPACE_HEADING.captures(t) {
            Some((format!("{} {}", &c[1], &c[2]), false))
        } else if !block_start || is_list_or_block_markup(t) {
            None
        } else if section_of(t).is_some() && (!t.contains(": ") || t.ends_with(':')) {
            // A bare section name is a part of its own; `Label:` alone is a sub-part once
            // the document has parts.
            let major = MAJOR_SECTIONS.contains(&normalise(t).as_str());
            let level = if t.ends_with(':') && !major && have_h2 {
                "###"
            } else {
                "##"
            };
            Some((format!("{level} {}", title::clean(t)), false))
        } else if let Some(inner) = bold_only(t) {
            let words = inner.split_whitespace().count();
            (words <= 8 && !inner.ends_with('.'))
                .then(|| (format!("## {}", title::clean(&inner)), false))
        } else if TIME_LED.is_match(t) {
            Some((format!("- {t}"), true))
        } else if let Some(c) = LABEL.captures(t) {
            let label = &c[1];
            if MAJOR_SECTIONS.contains(&normalise(label).as_str()) {
                Some((format!("## {}\n\n{}", label.trim(), &c[2]), false))
            } else if label.split_whitespace().count() <= 5 {
                Some((format!("**{}:** {}", label.trim(), &c[2]), false))
            } else {
                None
            }
        } else if t.ends_with(':')
            && t.split_whitespace().count() <= 6
            && t.chars().next().is_some_and(char::is_uppercase)
            && (text_mode || prev_blank)
        {
            let level = if have_h2 { "###" } else { "##" };
            Some((format!("{level} {}", title::clean(t)), false))
        } else if text_mode
            && title_case_line(t)
            && next.is_some_and(|n| n.len() > t.len() || n.ends_with(['.', '!', '?']))
        {
            let level = if prev_blank || !have_h2 { "##" } else { "###" };
            Some((format!("{level} {t}"), false))
        } else {
            None
        };

        let (text, is_list) = match converted {
            Some((s, l)) => (s, l),
            None => (line.to_string(), is_list_item(t)),
        };
        let is_heading = text.starts_with('#') && !text.contains('\n');
        if text.starts_with("## ") || text.starts_with("# ") {
            have_h2 = true;
        }
        // Keep blocks apart: plain-text lines are paragraphs; a list is left with a blank line.
        let needs_gap = !prev_blank
            && !out.is_empty()
            && ((text_mode && !(is_list && prev_list)) || is_heading);
        if needs_gap {
            out.push('\n');
        }
        out.push_str(&text);
        out.push('\n');
        prev_blank = false;
        prev_list = is_list;
        if is_heading {
            out.push('\n');
            prev_blank = true;
        }
    }
    out
}

/// `Making It Attractive`: 2–6 words, capitalised, no closing punctuation.
fn title_case_line(t: &str) -> bool {
    let words: Vec<&str> = t.split_whitespace().collect();
    (2..=6).contains(&words.len())
        && !t.ends_with(['.', '!', '?', ',', ';', ':'])
        && t.chars().next().is_some_and(char::is_uppercase)
        && words
            .iter()
            .all(|w| w.chars().count() <= 3 || !w.chars().next().is_some_and(char::is_lowercase))
}

/// `**Text**` or `__Text__` and nothing else on the line.
fn bold_only(t: &str) -> Option<String> {
    for m in ["**", "__"] {
        if let Some(inner) = t.strip_prefix(m).and_then(|r| r.strip_suffix(m)) {
            if !inner.contains(m) && !inner.trim().is_empty() {
                return Some(inner.trim().to_string());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn txt(s: &str) -> String {
        recognise(s, Kind::Text, None)
    }

    #[test]
    fn accepted_forms() {
        let cases: &[(&str, Kind, &str)] = &[
            ("Timeline\n", Kind::Text, "## Timeline\n\n"),
            ("Timeline:\n", Kind::Text, "## Timeline\n\n"),
            (
                "Root Cause and Resolution\n",
                Kind::Text,
                "## Root Cause and Resolution\n\n",
            ),
            (
                "Timeline (East Africa Time)\n",
                Kind::Text,
                "## Timeline (East Africa Time)\n\n",
            ),
            (
                "**Lessons Learned**\n",
                Kind::Markdown,
                "## Lessons Learned\n\n",
            ),
            (
                "Root Cause and Resolution: The cache expired.\n",
                Kind::Text,
                "## Root Cause and Resolution\n\nThe cache expired.\n",
            ),
            (
                "Impact: checkout failed\n",
                Kind::Text,
                "**Impact:** checkout failed\n",
            ),
            (
                "•\tRestarted the pool\n",
                Kind::Text,
                "- Restarted the pool\n",
            ),
            ("– Rotated the key\n", Kind::Markdown, "- Rotated the key\n"),
            (
                "9:05 AM: pager fired\n",
                Kind::Text,
                "- 9:05 AM: pager fired\n",
            ),
            ("#Timeline\n", Kind::Markdown, "# Timeline\n\n"),
            ("Issue Detection:\n", Kind::Text, "## Issue Detection\n\n"),
            (
                "Timeline\nIssue Detection:\nx\n",
                Kind::Text,
                "## Timeline\n\n### Issue Detection\n\nx\n",
            ),
            (
                "Summary\nImpact:\nx\n",
                Kind::Text,
                "## Summary\n\n### Impact\n\nx\n",
            ),
            (
                "Making It Attractive\nHey there, readers!\n",
                Kind::Text,
                "## Making It Attractive\n\nHey there, readers!\n",
            ),
            (
                "Sincerely,\nThe SRE team\n",
                Kind::Text,
                "Sincerely,\n\nThe SRE team\n",
            ),
        ];
        for (input, kind, want) in cases {
            assert_eq!(recognise(input, *kind, None), *want, "{input:?}");
        }
    }

    #[test]
    fn text_lines_become_paragraphs_and_lists_stay_together() {
        let got = txt("First line.\nSecond line.\n•\tone\n•\ttwo\nAfter.\n");
        assert_eq!(
            got,
            "First line.\n\nSecond line.\n\n- one\n- two\n\nAfter.\n"
        );
    }

    #[test]
    fn title_line_is_dropped_when_it_is_the_page_title() {
        let got = recognise(
            "\nTitle: The Lockout\n\nBody.\n",
            Kind::Text,
            Some("The Lockout"),
        );
        assert_eq!(got.trim(), "Body.");
        let got = recognise(
            "# The Lockout\nBody.\n",
            Kind::Markdown,
            Some("The Lockout"),
        );
        assert_eq!(got.trim(), "Body.");
    }

    #[test]
    fn code_fences_are_untouched() {
        let src = "```\nTimeline\n•\tx\n10:00 AM: y\n```\n";
        assert_eq!(recognise(src, Kind::Text, None), src);
    }

    #[test]
    fn markdown_prose_inside_paragraphs_is_untouched() {
        let src = "The outage began at night\nTimeline of the fix is below.\n";
        assert_eq!(recognise(src, Kind::Markdown, None), src);
    }

    #[test]
    fn hard_wrapped_text_keeps_paragraphs() {
        let line = "This paragraph was wrapped by hand at about seventy characters wide ok";
        let src = format!("{line}\n{line}\n{line}\n\n{line}\n{line}\n{line}\n");
        assert_eq!(recognise(&src, Kind::Text, None), src);
    }
}
