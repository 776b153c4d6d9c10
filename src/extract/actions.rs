//! Action items: the list items of a corrective, preventive, follow-up or action-item section.
//!
//! | section heading (any level, bold, or `Label:` line)                 | items            |
//! |---------------------------------------------------------------------|------------------|
//! | `## Corrective and Preventative Measures`, `**Action Items**`        | `-`, `*`, `+`, `•`, `1.` items |
//! | `Follow-up:`, `Next steps`, `Tasks to address the issue include:`, `TODO` | same         |
//! | `- [ ] add an alert`, `- [x] rotate the key`                        | `done` = false, true |
//! | `- ✅ rotate the key`, `- rotate the key (done)`, `[done]`, `(completed)`, `Done: …` | `done` = true, the mark dropped |
//! | a table `\| Action \| Owner \| Status \|` (`Done`, `Closed`, `✅` / `Open`, `In progress`) | the action column; done from the status column |
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
    super::trim_start(text).starts_with(|c: char| c.is_ascii_digit() || is_marker(c))
}

/// A list item's marker (numbers aside).
fn is_marker(c: char) -> bool {
    matches!(c, '-' | '*' | '+' | '•' | '‣' | '▪' | '◦')
}

/// A list item: (its text, its task box was ticked).
fn item(text: &str) -> Option<(&str, bool)> {
    if !may_be_item(text) {
        return None;
    }
    match item_by_hand(text) {
        Some(found) => found,
        None => item_by_regex(text),
    }
}

/// [`ITEM_RE`] read by hand: `Some(answer)`, or `None` where a digit that is not ASCII
/// could make a difference (then the regex decides).
fn item_by_hand(text: &str) -> Option<Option<(&str, bool)>> {
    let t = super::trim_start(text);
    let after_marker = match t.chars().next() {
        Some(c) if is_marker(c) => &t[c.len_utf8()..],
        Some(c) if c.is_ascii_digit() => {
            let n = t.bytes().take_while(u8::is_ascii_digit).count();
            match t[n..].chars().next() {
                Some('.' | ')') if n <= 3 => &t[n + 1..],
                Some(c) if !c.is_ascii() => return None,
                _ => return Some(None),
            }
        }
        _ => return Some(None),
    };
    // `\s+`, then an optional `[x]` with `\s+`, then the text's first character.
    let body = after_marker.trim_start();
    if body.len() == after_marker.len() || body.is_empty() {
        return Some(None);
    }
    let b = body.as_bytes();
    if b.len() >= 3 && b[0] == b'[' && matches!(b[1], b' ' | b'x' | b'X') && b[2] == b']' {
        let after_box = &body[3..];
        let rest = after_box.trim_start();
        if rest.len() < after_box.len() && !rest.is_empty() {
            return Some(Some((rest.trim_end(), b[1] != b' ')));
        }
    }
    Some(Some((body.trim_end(), false)))
}

fn item_by_regex(text: &str) -> Option<(&str, bool)> {
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
    let t = super::trim(text);
    if t.starts_with('#') {
        let n = t.chars().take_while(|&c| c == '#').count();
        return n.min(6) as u8;
    }
    // Bold starts with `**`/`__`; a label ends with `:` (perhaps inside emphasis).
    if !t.starts_with(['*', '_']) && !t.ends_with([':', '*', '_']) {
        return 0;
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

/// Says an item is done: a mark before it (`✅ `), or a word in brackets, after a dash or
/// before a colon (`(done)`, `[completed]`, `— done`, `Done:`).
static DONE_MARK_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)^\s*(?:(?:✅|✔️|✔|☑️|☑)\s*|(?:done|completed?)\s*:\s*)|\s*(?:[(\[]\s*(?:done|completed?|finished)\s*[)\]]|[-–—]\s*(?:done|completed?)\s*$)").unwrap()
});
/// A status mark that says it is not done (dropped from the text like the done marks).
static OPEN_MARK_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)^\s*(?:⬜|🔲|⏳|🚧|❌)\s*|\s*[(\[]\s*(?:open|to\s*do|in\s+progress|wip|pending|planned|not\s+started)\s*[)\]]").unwrap()
});

/// False when neither [`DONE_MARK_RE`] nor [`OPEN_MARK_RE`] can match `text`. Every mark
/// has an emoji (or another byte beyond ASCII: the regexes' white space and dashes may be),
/// a bracket, or the word done or complete(d) at the start or the end of the text.
fn may_have_mark(text: &str) -> bool {
    let b = text.as_bytes();
    // (A fold without early exits, which the compiler vectorises.)
    let marked = b.iter().fold(false, |any, &c| {
        any | (c >= 0x80) | (c == b'(') | (c == b'[')
    });
    let t = text.trim_matches(|c: char| u8::try_from(c).is_ok_and(super::when::is_space));
    let starts = |w: &str| super::starts_with_ci(t, w);
    let ends = |w: &str| super::ends_with_ci(t, w);
    marked
        || starts("done")
        || starts("complete")
        || ends("done")
        || ends("complete")
        || ends("completed")
}

/// False when [`SECTION_RE`] cannot match `text`. What comes before the section's name
/// (`#`, `*`, `_`, white space, a run of signs or emoji) holds no ASCII letter or digit, and
/// every name starts with one of the heads below; so the first ASCII letter or digit of
/// the text starts one of them, in any case (the regex folds case beyond ASCII too, where
/// `ſ` is an `s` and the Kelvin sign a `k`).
fn may_name_section(text: &str) -> bool {
    const HEADS: [&[u8]; 11] = [
        b"corr", b"prev", b"foll", b"acti", b"next", b"to-d", b"todo", b"task", b"impr", b"reme",
        b"less",
    ];
    let b = text.as_bytes();
    let Some(p) = b.iter().position(u8::is_ascii_alphanumeric) else {
        return false;
    };
    HEADS.iter().any(|h| starts_folded(&b[p..], h))
}

/// True when `b` starts with `head` (ASCII, lower case) as a case-insensitive regex reads
/// it: any ASCII case, and `ſ` for `s`, `K` (the Kelvin sign) for `k`.
fn starts_folded(b: &[u8], head: &[u8]) -> bool {
    let mut i = 0;
    for &c in head {
        let folded: &[u8] = match c {
            b's' => "ſ".as_bytes(),
            b'k' => "\u{212a}".as_bytes(),
            _ => b"",
        };
        if b.get(i).is_some_and(|x| x.to_ascii_lowercase() == c) {
            i += 1;
        } else if !folded.is_empty() && b[i.min(b.len())..].starts_with(folded) {
            i += folded.len();
        } else {
            return false;
        }
    }
    true
}

/// An item's text without its status mark, and whether the mark says it is done.
fn status_mark(text: &str) -> (String, Option<bool>) {
    if !may_have_mark(text) {
        return (super::squeeze(text), None);
    }
    for (re, done) in [(&*DONE_MARK_RE, true), (&*OPEN_MARK_RE, false)] {
        if let Some(m) = re.find(text) {
            let rest = format!("{}{}", &text[..m.start()], &text[m.end()..]);
            return (super::squeeze(rest.trim()), Some(done));
        }
    }
    (super::squeeze(text), None)
}

/// The cells of a table row (`| a | b |`).
fn cells(row: &str) -> Vec<&str> {
    let t = row.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    t.split('|').map(str::trim).collect()
}

/// `|---|:--:|`
fn is_separator_row(row: &str) -> bool {
    let t = row.trim();
    t.starts_with('|')
        && t.contains('-')
        && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

/// The columns of an action table: (the action, the status if there is one).
fn table_columns(header: &[&str]) -> (usize, Option<usize>) {
    let named = |words: &[&str]| {
        header.iter().position(|h| {
            let h = h.trim_matches(['*', '_', ' ']).to_ascii_lowercase();
            words.iter().any(|w| h.contains(w))
        })
    };
    let action = named(&[
        "action",
        "item",
        "task",
        "description",
        "what",
        "fix",
        "remediation",
        "title",
        "summary",
        "measure",
        "step",
    ]);
    let status = named(&["status", "state", "done", "progress"]);
    // Else the first column that is not an id, a person, a priority or a date.
    let other = || {
        header.iter().position(|h| {
            let h = h.trim_matches(['*', '_', ' ']).to_ascii_lowercase();
            ![
                "id", "#", "no", "owner", "assignee", "who", "priority", "due", "date", "ticket",
            ]
            .contains(&h.as_str())
        })
    };
    (action.or_else(other).unwrap_or(0), status)
}

/// A status cell that says the item is done.
fn says_done(cell: &str) -> bool {
    let c = cell.trim_matches(['*', '_', '`', ' ']).to_ascii_lowercase();
    c.contains('✅')
        || c.contains('✔')
        || c.contains('☑')
        || [
            "done",
            "complete",
            "completed",
            "closed",
            "fixed",
            "resolved",
            "shipped",
            "merged",
            "implemented",
            "finished",
            "yes",
        ]
        .iter()
        .any(|w| c == *w || c.starts_with(&format!("{w} ")) || c.starts_with(&format!("{w} (")))
}

pub fn find(lines: &[Line]) -> Vec<ActionItem> {
    let mut out = Vec::new();
    let mut section: Option<u8> = None;
    // The columns of the action table being read.
    let mut table: Option<(usize, Option<usize>)> = None;
    for (k, l) in lines.iter().enumerate().filter(|(_, l)| !l.code) {
        if section.is_some() && super::trim_start(l.text).starts_with('|') {
            if is_separator_row(l.text) {
                continue;
            }
            let row = cells(l.text);
            let Some((action, status)) = table else {
                // The first row is the header when a separator follows it.
                let header = lines[k + 1..]
                    .iter()
                    .find(|n| !n.code)
                    .is_some_and(|n| is_separator_row(n.text));
                table = Some(if header {
                    table_columns(&row)
                } else {
                    (0, None)
                });
                if header {
                    continue;
                }
                let (text, mark) = status_mark(row.first().copied().unwrap_or(""));
                if !text.is_empty() {
                    out.push(ActionItem {
                        text,
                        done: mark == Some(true),
                        line: l.no,
                    });
                }
                continue;
            };
            let (text, mark) = status_mark(row.get(action).copied().unwrap_or(""));
            let done = match status.and_then(|s| row.get(s)) {
                Some(cell) => says_done(cell),
                None => mark == Some(true),
            };
            if !text.is_empty() {
                out.push(ActionItem {
                    text,
                    done,
                    line: l.no,
                });
            }
            continue;
        }
        table = None;
        let level = heading_level(l.text);
        if level > 0 && item(l.text).is_none() {
            if may_name_section(l.text) && SECTION_RE.is_match(super::trim(l.text)) {
                section = Some(level);
                continue;
            }
            match section {
                Some(s)
                    if level <= s
                        || (s == 7
                            && level == 7
                            && super::trim(l.text).starts_with(['*', '_', '#'])) =>
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
        if let Some((rest, ticked)) = item(l.text) {
            let (text, mark) = status_mark(rest);
            if text.is_empty() {
                continue;
            }
            out.push(ActionItem {
                text,
                done: ticked || mark == Some(true),
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
    fn items_read_by_hand_as_the_regex_reads_them() {
        for text in [
            "- a",
            "-a",
            "- ",
            "-  [x]  done",
            "- [x]",
            "- [x]x",
            "- [ ] open",
            "* [X] b",
            "12. twelve",
            "1234. no",
            "3) three",
            "3)three",
            "• bullet",
            "◦\tsub",
            "  - indented",
            "- \u{a0}nbsp",
            "1.\u{2003}em",
            "- [x]\u{a0}y",
            "x - no",
            "",
        ] {
            assert_eq!(item(text), item_by_regex(text), "{text:?}");
        }
    }

    #[test]
    fn accepted_forms() {
        let cases: &[(&str, &[(&str, bool)])] = &[
            ("## Corrective and Preventative Measures\n- Add a disk alert\n- Shorten the TTL\n## Lessons\n- not an action\n", &[("Add a disk alert", false), ("Shorten the TTL", false)]),
            ("**Action Items**\n- [ ] page the owner earlier\n- [x] rotate the leaked key\n", &[("page the owner earlier", false), ("rotate the leaked key", true)]),
            ("Tasks to address the issue include:\n•\tPatch the resolver\n1. Review deploys\n", &[("Patch the resolver", false), ("Review deploys", false)]),
            ("### Follow-up\n* **Monitoring:** alert on 5xx rate\n", &[("Monitoring: alert on 5xx rate", false)]),
            ("## Timeline\n- 10:00 paged\n", &[]),
            ("## Action items\n- évaluer le cache\n", &[("évaluer le cache", false)]),
            (
                "## Follow-up\n- ✅ Restore the health check\n- Add a canary (done)\n- Lint configs [Completed]\n\
                 - Done: page earlier\n- Review the runbook — done\n- 🚧 Move to the new cluster\n\
                 - Rotate keys (in progress)\n- Not done yet: write the donation page\n",
                &[
                    ("Restore the health check", true),
                    ("Add a canary", true),
                    ("Lint configs", true),
                    ("page earlier", true),
                    ("Review the runbook", true),
                    ("Move to the new cluster", false),
                    ("Rotate keys", false),
                    ("Not done yet: write the donation page", false),
                ],
            ),
            (
                "## Action items\n\n| Action | Owner | Status |\n|---|---|---|\n\
                 | Add an alert on 5xx rate | @ana | Done |\n| Restore the health check | @li | ✅ Closed |\n\
                 | Review the change process | @sam | In progress |\n| **Game day** | @kim | Open |\n\n## Lessons\n\n| Not | An | Action |\n",
                &[
                    ("Add an alert on 5xx rate", true),
                    ("Restore the health check", true),
                    ("Review the change process", false),
                    ("Game day", false),
                ],
            ),
            (
                "## Remediation\n\n| Owner | Task | State |\n|:--|:--|:--:|\n| ops | Cap the TTL | completed |\n| dev | Add retries | todo |\n",
                &[("Cap the TTL", true), ("Add retries", false)],
            ),
            (
                "## Action items\n\n| ID | Title | Owner | Status |\n|---|---|---|---|\n| AI-1 | Block risky pool changes | sre | open |\n",
                &[("Block risky pool changes", false)],
            ),
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

    proptest::proptest! {
        /// The cheap test before the section regex never refuses what it matches.
        #[test]
        fn may_name_section_holds_wherever_a_section_is_named(
            t in "[ \t\u{a0}]{0,2}(#{0,7}|\\*\\*|__|_\\*|🛠️|— |1\\. |x)[ \u{a0}]{0,2}([*_#:>.—🔧✅-]{0,3})[ ]?(Corrective|PREVENTIVE|preventative|prevenive|Follow-ups|follow up|FollowUps|Action Items|actions taken to prevent|action to take|Next  steps|To-Dos|todo|TASKS|taſk|Tasks:|taskforce|ta\u{17f}\u{212a}s|leſſons|TA\u{212a}|Improvements|Remediation|Lessons and actions|é|Summary|Timeline)( and \\w+)?[*_:]{0,3}"
        ) {
            let matched = SECTION_RE.is_match(t.trim());
            proptest::prop_assert!(may_name_section(&t) || !matched, "{:?}", t);
        }

        /// The cheap test before the status-mark regexes never refuses what they match.
        #[test]
        fn may_have_mark_holds_wherever_a_mark_is(
            t in "[ \t\x0b]{0,2}(✅ |DONE: |Completed : |complete:|x |é|)(Fix the (thing|done)|done|Add alerts)( \\(done\\)| \\[Completed\\]| \\(open\\)| \\[to do\\]| - done| — completed| -- Done| done|Complete|)[ \t\x0b\u{a0}]{0,2}"
        ) {
            let matched = DONE_MARK_RE.is_match(&t) || OPEN_MARK_RE.is_match(&t);
            proptest::prop_assert!(may_have_mark(&t) || !matched, "{:?}", t);
        }
    }
}
