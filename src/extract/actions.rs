//! Action items: the list items of a corrective, preventive, follow-up or action-item section.
//!
//! | section heading (any level, bold, or `Label:` line)                 | items            |
//! |---------------------------------------------------------------------|------------------|
//! | `## Corrective and Preventative Measures`, `**Action Items**`        | `-`, `*`, `+`, `•`, `1.` items |
//! | `Follow-up:`, `Next steps`, `Tasks to address the issue include:`, `TODO` | same         |
//! | `- [ ] add an alert`, `- [x] rotate the key`                        | `done` = false, true |
//! | the section ends at the next heading of the same or a higher level  |                  |

use std::sync::LazyLock;

use regex::Regex;

use super::Line;
use crate::model::ActionItem;

static SECTION_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)^(?:#{1,6}\s*)?[*_]*\s*(?:[^\w\s]+\s*)?(?:corrective|preventi?ve|preventative|follow[\s-]?ups?|action\s+items?|actions?\s+(?:taken\s+to\s+prevent|to\s+take)|next\s+steps|to-?dos?|tasks?(?-u:\b)|improvements?|remediation|lessons\s+and\s+actions)").unwrap()
});
static ITEM_RE: LazyLock<Regex> = LazyLock::new(|| {
    // Only the marker is matched; the item's text is the rest of the line (capturing it
    // would run the slow capture engine over every character).
    super::re(r"^\s*(?:[-*+•‣▪◦]|\d{1,3}[.)])\s+(?:\[([ xX])\]\s+)?\S").unwrap()
});

/// Heading level of a line: 1–6 for `#`, 7 for bold or `Label:` pseudo-headings, 0 if none.
/// Cheap test before `ITEM_RE`: a list item starts with a marker or a number.
fn may_be_item(text: &str) -> bool {
    text.trim_start()
        .starts_with(|c: char| c.is_ascii_digit() || "-*+•‣▪◦".contains(c))
}

/// A list item: (its text, its task box was ticked).
fn item(text: &str) -> Option<(&str, bool)> {
    if !may_be_item(text) {
        return None;
    }
    let c = ITEM_RE.captures(text)?;
    // The match ends with the text's first character, which may be several bytes long.
    let end = c.get(0)?.end();
    let first_len = text[..end].chars().next_back().map_or(0, char::len_utf8);
    let rest = &text[end - first_len..];
    let done = c
        .get(1)
        .is_some_and(|m| m.as_str().eq_ignore_ascii_case("x"));
    Some((rest.trim_end(), done))
}

fn heading_level(text: &str) -> u8 {
    let t = text.trim();
    if t.starts_with('#') {
        let n = t.chars().take_while(|&c| c == '#').count();
        return n.min(6) as u8;
    }
    let bare = t.trim_matches(['*', '_']).trim();
    let bold = (t.starts_with("**") || t.starts_with("__"))
        && t.len() > 4
        && (t.ends_with("**") || t.ends_with("__") || t.ends_with(':'));
    let label = bare.ends_with(':') && bare.split_whitespace().count() <= 8 && item(t).is_none();
    if bold || label {
        7
    } else {
        0
    }
}

pub fn find(lines: &[Line]) -> Vec<ActionItem> {
    let mut out = Vec::new();
    let mut section: Option<u8> = None;
    for l in lines.iter().filter(|l| !l.code) {
        let level = heading_level(l.text);
        if level > 0 && item(l.text).is_none() {
            if SECTION_RE.is_match(l.text.trim()) {
                section = Some(level);
                continue;
            }
            match section {
                Some(s)
                    if level <= s
                        || (s == 7 && level == 7 && l.text.trim().starts_with(['*', '_', '#'])) =>
                {
                    section = None
                }
                _ => {}
            }
            if section.is_some_and(|s| level < 7 && level <= s) {
                section = None;
            }
            continue;
        }
        if section.is_none() {
            continue;
        }
        if let Some((rest, done)) = item(l.text) {
            let text: String = rest.chars().filter(|c| !matches!(c, '*' | '`')).collect();
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if text.is_empty() {
                continue;
            }
            out.push(ActionItem {
                text,
                done,
                line: l.no,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::lines;

    #[test]
    fn accepted_forms() {
        let cases: &[(&str, &[(&str, bool)])] = &[
            ("## Corrective and Preventative Measures\n- Add a disk alert\n- Shorten the TTL\n## Lessons\n- not an action\n", &[("Add a disk alert", false), ("Shorten the TTL", false)]),
            ("**Action Items**\n- [ ] page the owner earlier\n- [x] rotate the leaked key\n", &[("page the owner earlier", false), ("rotate the leaked key", true)]),
            ("Tasks to address the issue include:\n•\tPatch the resolver\n1. Review deploys\n", &[("Patch the resolver", false), ("Review deploys", false)]),
            ("### Follow-up\n* **Monitoring:** alert on 5xx rate\n", &[("Monitoring: alert on 5xx rate", false)]),
            ("## Timeline\n- 10:00 paged\n", &[]),
            ("## Action items\n- évaluer le cache\n", &[("évaluer le cache", false)]),
        ];
        for (text, want) in cases {
            let got: Vec<(String, bool)> = find(&lines(text, 1))
                .into_iter()
                .map(|a| (a.text, a.done))
                .collect();
            let want: Vec<(String, bool)> = want.iter().map(|(t, d)| (t.to_string(), *d)).collect();
            assert_eq!(got, want, "{text}");
        }
    }
}
