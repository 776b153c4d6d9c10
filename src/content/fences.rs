//! Internal passages: lines fenced by `<!-- internal -->` and `<!-- /internal -->`, each marker
//! on a line of its own. The same syntax works in Markdown (an HTML comment renders as nothing
//! in any other tool) and in `.txt` files. This module only finds markers and passages with
//! their lines; what an edition does with them is `edition`'s business.
//!
//! | line (trimmed; any case; spaces inside optional)       | meaning                           |
//! |---------------------------------------------------------|-----------------------------------|
//! | `<!-- internal -->`                                     | opens an internal passage         |
//! | `<!-- /internal -->`                                    | closes it                         |
//! | a marker with other text on its line                    | no marker: [`Problem::Inline`]    |
//! | `<!-- begin internal -->`, `<!-- end internal -->`, `:::internal` | no marker: [`Problem::NearMiss`] |
//!
//! Markers count wherever they stand alone on a line, in fenced code blocks too (a passage is
//! never published by accident because a code fence around it was left open), but there they
//! are reported ([`Problem::InCode`]): the internal edition shows them as code, unmarked.

use std::sync::LazyLock;

use regex::Regex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Open,
    Close,
}

/// The canonical spelling of the markers, for messages.
pub const OPEN: &str = "<!-- internal -->";
pub const CLOSE: &str = "<!-- /internal -->";

static MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^<!--\s*(/?)\s*internal\s*-->$").expect("valid regex"));
static ANYWHERE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)<!--\s*/?\s*internal\s*-->").expect("valid regex"));

/// The marker a whole line is, if any.
pub fn marker(line: &str) -> Option<Marker> {
    let c = MARKER.captures(line.trim())?;
    Some(if c[1].is_empty() {
        Marker::Open
    } else {
        Marker::Close
    })
}

/// True when `text` holds a marker anywhere, outside backtick code spans.
pub fn mentions_marker(text: &str) -> bool {
    ANYWHERE.find_iter(text).any(|m| {
        let ticks = text[..m.start()].matches('`').count();
        ticks % 2 == 0
    })
}

/// A line that looks meant as a marker but is not one (`<!-- begin internal -->`,
/// `<!-- internal`, `:::internal`).
fn near_miss(trimmed: &str) -> bool {
    const WORDS: &[&str] = &[
        "internal", "begin", "start", "end", "stop", "open", "close", "only", "section", "passage",
        "private",
    ];
    let t = trimmed.to_lowercase();
    if t.starts_with(":::") {
        return t.contains("internal");
    }
    let Some(inner) = t.strip_prefix("<!--") else {
        return false;
    };
    let inner = inner.trim_end().trim_end_matches("-->");
    let words: Vec<&str> = inner
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.contains(&"internal") && words.iter().all(|w| WORDS.contains(w))
}

/// One fenced passage: 0-based indices of its marker lines. `close` is `None` when the passage
/// is never closed (it then runs to the end of the body).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Passage {
    pub open: usize,
    pub close: Option<usize>,
}

impl Passage {
    /// The 0-based line indices the passage covers, markers included.
    pub fn lines(&self, total: usize) -> std::ops::RangeInclusive<usize> {
        self.open..=self.close.unwrap_or(total.saturating_sub(1))
    }
}

/// A marker that cannot do what its author meant; lines are 0-based body line indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// An opening marker never closed.
    Unclosed { line: usize },
    /// An opening marker inside an open passage (passages do not nest).
    Nested { line: usize, outer: usize },
    /// A closing marker with no passage open.
    Stray { line: usize },
    /// A marker with other text on its line: it hides nothing.
    Inline { line: usize },
    /// A line that looks meant as a marker but is not one.
    NearMiss { line: usize },
    /// A marker inside a fenced code block.
    InCode { line: usize },
    /// Opening and closing markers indented differently (one in a list, one outside).
    Indent { open: usize, close: usize },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    pub passages: Vec<Passage>,
    pub problems: Vec<Problem>,
    /// Lines that are markers but delimit no passage (stray or nested ones).
    pub loose_markers: Vec<usize>,
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Finds the passages and problems of a body.
pub fn scan(body: &str) -> Scan {
    let mut out = Scan::default();
    // A cheap test first: most postmortems have no markers at all.
    if !body.contains("<!--") && !body.contains(":::")
        || !body.to_ascii_lowercase().contains("internal")
    {
        return out;
    }
    let lines = crate::extract::lines(body, 0);
    let mut open: Option<usize> = None;
    for (i, l) in lines.iter().enumerate() {
        let Some(m) = marker(l.text) else {
            if !l.code {
                if mentions_marker(l.text) {
                    out.problems.push(Problem::Inline { line: i });
                } else if near_miss(l.text.trim()) {
                    out.problems.push(Problem::NearMiss { line: i });
                }
            }
            continue;
        };
        if l.code {
            out.problems.push(Problem::InCode { line: i });
        }
        match (m, open) {
            (Marker::Open, None) => open = Some(i),
            (Marker::Open, Some(outer)) => {
                out.problems.push(Problem::Nested { line: i, outer });
                out.loose_markers.push(i);
            }
            (Marker::Close, Some(o)) => {
                if indent(lines[o].text) != indent(l.text) {
                    out.problems.push(Problem::Indent { open: o, close: i });
                }
                out.passages.push(Passage {
                    open: o,
                    close: Some(i),
                });
                open = None;
            }
            (Marker::Close, None) => {
                out.problems.push(Problem::Stray { line: i });
                out.loose_markers.push(i);
            }
        }
    }
    if let Some(o) = open {
        out.problems.push(Problem::Unclosed { line: o });
        out.passages.push(Passage {
            open: o,
            close: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_marker_forms() {
        let cases = [
            ("<!-- internal -->", Some(Marker::Open)),
            ("<!--internal-->", Some(Marker::Open)),
            ("  <!-- INTERNAL -->  ", Some(Marker::Open)),
            ("<!-- /internal -->", Some(Marker::Close)),
            ("<!-- / internal -->", Some(Marker::Close)),
            ("<!--/Internal-->", Some(Marker::Close)),
            ("<!-- internal notes -->", None),
            ("text <!-- internal -->", None),
            ("internal", None),
        ];
        for (line, want) in cases {
            assert_eq!(marker(line), want, "{line:?}");
        }
    }

    #[test]
    fn passages_with_their_lines() {
        let s = scan("a\n<!-- internal -->\nsecret\n<!-- /internal -->\nb\n");
        assert_eq!(
            s.passages,
            [Passage {
                open: 1,
                close: Some(3)
            }]
        );
        assert!(s.problems.is_empty());
        assert_eq!(s.passages[0].lines(5), 1..=3);
    }

    #[test]
    fn unclosed_runs_to_the_end() {
        let s = scan("a\n<!-- internal -->\nsecret\nmore\n");
        assert_eq!(s.problems, [Problem::Unclosed { line: 1 }]);
        assert_eq!(s.passages[0].lines(4), 1..=3);
    }

    #[test]
    fn nested_and_stray_markers() {
        let s = scan(
            "<!-- internal -->\n<!-- internal -->\nx\n<!-- /internal -->\ny\n<!-- /internal -->\n",
        );
        assert_eq!(
            s.problems,
            [
                Problem::Nested { line: 1, outer: 0 },
                Problem::Stray { line: 5 }
            ]
        );
        assert_eq!(s.passages.len(), 1);
        assert_eq!(s.loose_markers, [1, 5]);
    }

    #[test]
    fn inline_near_miss_code_and_indent() {
        let s = scan(
            "See <!-- internal --> here\nUse `<!-- internal -->` to hide.\n<!-- begin internal -->\n:::internal\n<!-- TODO: internal wiki link -->\n```\n<!-- internal -->\n```\n  <!-- /internal -->\n",
        );
        assert_eq!(
            s.problems,
            [
                Problem::Inline { line: 0 },
                Problem::NearMiss { line: 2 },
                Problem::NearMiss { line: 3 },
                Problem::InCode { line: 6 },
                Problem::Indent { open: 6, close: 8 },
            ]
        );
    }

    #[test]
    fn bodies_without_markers_are_quick() {
        assert_eq!(scan("# Title\n\nNothing internal here.\n"), Scan::default());
    }
}
