//! Who was affected: the share of users (or of their traffic or requests), the sentence that
//! says so, and a count of affected users when one is given.
//!
//! | written                                               | percent | note                   |
//! |-------------------------------------------------------|---------|------------------------|
//! | `affecting approximately 60% of our users`            | 60      |                        |
//! | `Eighty percent of users could not log in`            | 80      | number words           |
//! | `Percentage of users affected: Approximately 30%`     | 30      | label first            |
//! | `Customers Affected: 100%`                            | 100     |                        |
//! | `100% of traffic`, `100% request failures`            | 100     | traffic/request shares |
//! | `a 25% user base saw errors`                          | 25      |                        |
//! | not: `error rate of 18%`, `100% downtime`, `30% decrease in engagement`, `99.95% SLO` |
//! | `~8,400 users could not pay`                          | —       | `affected_users` 8400  |

use std::cell::LazyCell;
use std::sync::LazyLock;

use regex::Regex;

use super::hints::Hints;
use super::numbers::number;
use super::phrases::{phrase_at, Words};
use super::when::{is_space, run_end};
use super::Line;

/// The grammar of a share as written. Shares are found by hand ([`percent_at`]); this
/// regex is the reference the scanner is tested against.
#[cfg(test)]
static PERCENT_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)(\d{1,3}(?:\.\d+)?|one\s+hundred|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|ten|fifteen|hundred)\s*(?:%|percent(?-u:\b)|per\s+cent(?-u:\b))").unwrap()
});
/// The nouns of a share of people or of their load (`of users`, `of requests`).
const NOUNS_AFTER: Words = Words::new(&[
    "account",
    "accounts",
    "audience",
    "buyer",
    "buyers",
    "calls",
    "checkout",
    "checkouts",
    "client",
    "clients",
    "consumer",
    "consumers",
    "customer",
    "customers",
    "deliveries",
    "download",
    "downloads",
    "login",
    "logins",
    "member",
    "members",
    "merchant",
    "merchants",
    "messages",
    "order",
    "orders",
    "payment",
    "payments",
    "people",
    "player",
    "players",
    "queries",
    "request",
    "requests",
    "session",
    "sessions",
    "shopper",
    "shoppers",
    "site",
    "sites",
    "student",
    "students",
    "subscriber",
    "subscribers",
    "tenant",
    "tenants",
    "traffic",
    "transaction",
    "transactions",
    "upload",
    "uploads",
    "user",
    "user*base",
    "users",
    "visitor",
    "visitors",
    "website",
    "websites",
]);
/// The nouns among [`NOUNS_AFTER`] that make a share of load rather than of people.
const LOAD_NOUNS: Words = Words::new(&[
    "calls",
    "checkout",
    "checkouts",
    "deliveries",
    "download",
    "downloads",
    "login",
    "logins",
    "messages",
    "order",
    "orders",
    "payment",
    "payments",
    "queries",
    "request",
    "requests",
    "session",
    "sessions",
    "traffic",
    "transaction",
    "transactions",
    "upload",
    "uploads",
]);
/// A noun of `nouns` after at most four words: read by hand in ASCII text
/// ([`Words::within_four_words`]), by this regex elsewhere (its `(?i)` and `\s` are
/// Unicode's there).
fn noun_after_re(nouns: &Words) -> Regex {
    super::re(&format!(
        r"(?i)^\s*(?:\)\s*)?(?:of\s+)?(?:[\w'’-]+\s+){{0,4}}?{}(?-u:\b)",
        nouns.regex()
    ))
    .unwrap()
}
static NOUN_AFTER_RE: LazyLock<Regex> = LazyLock::new(|| noun_after_re(&NOUNS_AFTER));
static LABEL_BEFORE_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)(?:(?:affected|impacted)\s+(?:users?|customers?|visitors?|clients?)|(?:users?|customers?|visitors?|clients?|traffic|requests?|user\s*base)\s*(?:were\s+)?(?:affected|impacted))\s*\**\s*[:=]?\s*\**\s*(?:approximately|approx\.?|about|around|roughly|nearly|almost|~|an\s+estimated|over|up\s+to)?\s*$").unwrap()
});
/// What a share is of when it is not of people (`18% error rate`, `30% of the time`),
/// right after it.
const NOT_A_SHARE: Words = Words::new(&[
    "availability",
    "capacity",
    "cpu",
    "decrease",
    "degradation",
    "disk",
    "downtime",
    "drop",
    "error",
    "errors",
    "failure rate",
    "growth",
    "impact on",
    "increase",
    "latency",
    "load",
    "memory",
    "negative",
    "of capacity",
    "of the time",
    "outage",
    "packet",
    "reduction",
    "rise",
    "sla",
    "slo",
    "success",
    "uptime",
]);
/// The same, as the regex the hand matcher ([`not_a_share`]) is held to.
#[cfg(test)]
static NOT_A_SHARE_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(&format!(
        r"(?i)^\s*(?:of\s+(?:the\s+)?)?{}",
        NOT_A_SHARE.regex()
    ))
    .unwrap()
});
/// What a share is of when it is not of people, said shortly before it (`SLO of 99.9%`).
const NOT_BEFORE: Words = Words::new(&[
    "availability",
    "cpu",
    "disk",
    "error rate",
    "hit rate",
    "latency",
    "memory",
    "sla",
    "slo",
    "success rate",
    "uptime",
]);
/// Unicode mode (`[^.;:,]`): read by hand in ASCII text ([`Words::near_end`]).
static NOT_BEFORE_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(&format!(
        r"(?i)(?-u:\b){}(?-u:\b)[^.;:,]{{0,20}}$",
        NOT_BEFORE.regex()
    ))
    .unwrap()
});
/// `A segment of users, constituting around 20%, …`: the noun comes first.
const NOUNS_BEFORE: Words = Words::new(&[
    "account",
    "accounts",
    "buyer",
    "buyers",
    "client",
    "clients",
    "customer",
    "customers",
    "member",
    "members",
    "player",
    "players",
    "shopper",
    "shoppers",
    "student",
    "students",
    "subscriber",
    "subscribers",
    "user",
    "user*base",
    "users",
    "visitor",
    "visitors",
]);
/// Unicode mode (`[^.%;:]`): read by hand in ASCII text ([`Words::near_end`]).
static NOUN_BEFORE_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(&format!(
        r"(?i)(?-u:\b){}(?-u:\b)[^.%;:]{{0,40}}$",
        NOUNS_BEFORE.regex()
    ))
    .unwrap()
});
/// Words that end the clause of a share whose noun came before it.
const CLAUSE_END: Words = Words::new(&[
    "affected",
    "could",
    "experienced",
    "had",
    "impacted",
    "of them",
    "of those",
    "saw",
    "was",
    "were",
]);
/// The same, as the regex the hand matcher ([`clause_ends`]) is held to.
#[cfg(test)]
static CLAUSE_END_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(&format!(
        r"(?i)^\s*(?:[,.)]|$|{}(?-u:\b))",
        CLAUSE_END.regex()
    ))
    .unwrap()
});
/// `100% of traffic back online` is a recovery, not an impact.
static RECOVERY_AFTER_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(
        r"(?i)(?-u:\b)(?:back\s+online|back\s+up|restored|recovered|returned|back\s+to\s+normal)(?-u:\b)",
    )
    .unwrap()
});
static COUNT_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)(\d{1,3}(?:,\d{3})+|\d+)\s+(?:unique\s+|active\s+|registered\s+|paying\s+)?(?:users|customers|visitors|clients|accounts|subscribers)(?-u:\b)").unwrap()
});

/// The impact facts found, each with its line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Impact {
    pub percent: Option<(f64, u32)>,
    pub sentence: Option<(String, u32)>,
    pub users: Option<(u64, u32)>,
}

/// `of requests`, `of traffic`: a share of load rather than of people.
static LOAD_NOUN_RE: LazyLock<Regex> = LazyLock::new(|| noun_after_re(&LOAD_NOUNS));

pub fn find(lines: &[Line]) -> Impact {
    let mut out = Impact::default();
    // A share of requests or traffic counts only when no share of people is given: "12% of
    // users" says more about impact than "31% of requests at the worst point".
    let mut load_share: Option<((f64, u32), (String, u32))> = None;
    for (idx, line) in lines.iter().enumerate().filter(|(_, l)| !l.code) {
        let text = line.text;
        let sentence_at = |pos: usize| sentence_around(text, pos, &lines[idx + 1..]);
        if out.percent.is_none() && line.hints.has(Hints::PERCENT) {
            let mut at = share_search_start(text, 0);
            while let Some(m) = (at < text.len()).then(|| percent_at(text, at)).flatten() {
                let m = Span {
                    start: m.start,
                    end: m.end,
                    text: &text[m],
                };
                at = share_search_start(text, m.end.max(m.start + 1));
                let number_text = share_number(m.text);
                // Part of a bigger number or a decimal (`1.100%`).
                if text[..m.start].ends_with(|c: char| c.is_ascii_digit() || c == '.') {
                    continue;
                }
                let after = super::window::head(&text[m.end..], 160);
                let before = super::window::tail(&text[..m.start], 120);
                let clause_after = after.split(['.', ';', '!', '?']).next().unwrap_or("");
                if not_a_share(after) || not_before(before) {
                    continue;
                }
                if may_say_recovery(clause_after) && RECOVERY_AFTER_RE.is_match(clause_after) {
                    continue;
                }
                let noun_after = noun_after_of(clause_after, &NOUNS_AFTER, &NOUN_AFTER_RE);
                let label_before = LazyCell::new(|| LABEL_BEFORE_RE.is_match(before));
                let share =
                    noun_after || *label_before || (noun_before(before) && clause_ends(after));
                if !share {
                    continue;
                }
                let Some(p) = number(number_text) else {
                    continue;
                };
                if p > 100.0 {
                    continue;
                }
                // (`LOAD_NOUN_RE` matches only where `NOUN_AFTER_RE` does: its nouns are
                // some of the other's, after the same words.)
                let people = *label_before
                    || !(noun_after && noun_after_of(clause_after, &LOAD_NOUNS, &LOAD_NOUN_RE));
                if !people {
                    if load_share.is_none() {
                        load_share = Some(((p, line.no), (sentence_at(m.start), line.no)));
                    }
                    continue;
                }
                out.percent = Some((p, line.no));
                if out.sentence.is_none() {
                    out.sentence = Some((sentence_at(m.start), line.no));
                }
                break;
            }
        }
        let names_people = out.users.is_none() && line.hints.has(Hints::DIGIT | Hints::PEOPLE);
        if names_people {
            if let Some(c) = may_count_people(text)
                .then(|| COUNT_RE.captures(text))
                .flatten()
            {
                let lower = text.to_ascii_lowercase();
                if [
                    "affect",
                    "impact",
                    "unable",
                    "could not",
                    "couldn't",
                    "failed",
                    "saw",
                    "experienced",
                    "lost",
                ]
                .iter()
                .any(|w| lower.contains(w))
                {
                    if let Ok(n) = c[1].replace(',', "").parse::<u64>() {
                        out.users = Some((n, line.no));
                    }
                }
            }
        }
        if out.sentence.is_none() {
            let t = text.trim_start_matches(['-', '*', '#', ' ', '>', '_']);
            let labelled = t.get(..6).is_some_and(|h| h.eq_ignore_ascii_case("impact"));
            if let Some(rest) = t.get(6..).filter(|_| labelled) {
                let rest = rest.trim_start_matches(['*', '_', ' ']);
                if let Some(r) = rest.strip_prefix(':') {
                    let start = t.len() - r.len();
                    let s = t[start..].trim_matches(['*', '_', ' ']).trim();
                    if s.len() > 10 {
                        out.sentence = Some((clip(s), line.no));
                    }
                }
            }
        }
    }
    if out.percent.is_none() {
        if let Some((percent, sentence)) = load_share {
            out.percent = Some(percent);
            out.sentence.get_or_insert(sentence);
        }
    }
    out
}

/// False when [`COUNT_RE`] cannot match `text`: each count is a digit, white space, then
/// a word starting with the first letter of a people noun or of an adjective before one
/// (`users`, `customers`, `visitors`, `clients`, `accounts`, `subscribers`; `unique`,
/// `active`, `registered`, `paying`), in any case. Most lines with a number and such a noun
/// have a time or a share there instead (`at 10:00 the users`, `40% of users`).
fn may_count_people(text: &str) -> bool {
    let b = text.as_bytes();
    let starts_noun = |c: u8| matches!(c | 0x20, b'u' | b'c' | b'v' | b'a' | b's' | b'r' | b'p');
    (1..b.len()).any(|i| {
        b[i - 1].is_ascii_digit()
            && is_space(b[i])
            && b.get(run_end(b, i, is_space))
                .is_some_and(|c| starts_noun(*c))
    })
}

/// False when [`RECOVERY_AFTER_RE`] cannot match `text`: each of its phrases holds `back`,
/// `restored`, `recovered` or `returned` (the regex is ASCII: any case of these letters).
fn may_say_recovery(text: &str) -> bool {
    ["back", "restored", "recovered", "returned"]
        .iter()
        .any(|w| super::when::contains_ci(text, w))
}

/// What `NOT_A_SHARE_RE` matches: white space, `of` and `the` (each optional), then a
/// phrase of [`NOT_A_SHARE`].
fn not_a_share(after: &str) -> bool {
    let b = after.as_bytes();
    let i = run_end(b, 0, is_space);
    NOT_A_SHARE.any_at(b, i)
        || phrase_at(b, i, "of ").is_some_and(|j| {
            NOT_A_SHARE.any_at(b, j)
                || phrase_at(b, j, "the ").is_some_and(|k| NOT_A_SHARE.any_at(b, k))
        })
}

/// What `CLAUSE_END_RE` matches: white space, then `,`, `.`, `)`, the end, or a word of
/// [`CLAUSE_END`].
fn clause_ends(after: &str) -> bool {
    let b = after.as_bytes();
    let i = run_end(b, 0, is_space);
    i == b.len() || matches!(b[i], b',' | b'.' | b')') || CLAUSE_END.word_at(b, i).is_some()
}

/// Whether [`NOT_BEFORE_RE`] matches `before`: by hand in ASCII text.
fn not_before(before: &str) -> bool {
    if before.is_ascii() {
        NOT_BEFORE.near_end(before, 20, b".;:,")
    } else {
        NOT_BEFORE_RE.is_match(before)
    }
}

/// Whether [`NOUN_BEFORE_RE`] matches `before`: by hand in ASCII text.
fn noun_before(before: &str) -> bool {
    if before.is_ascii() {
        NOUNS_BEFORE.near_end(before, 40, b".%;:")
    } else {
        NOUN_BEFORE_RE.is_match(before)
    }
}

/// `re` ([`NOUN_AFTER_RE`] or [`LOAD_NOUN_RE`], made of `nouns`) on `after`: by hand in
/// ASCII text.
fn noun_after_of(after: &str, nouns: &Words, re: &Regex) -> bool {
    if after.is_ascii() {
        nouns.within_four_words(after)
    } else {
        re.is_match(after)
    }
}

/// A share as found: where it is in its line, and its text.
struct Span<'a> {
    start: usize,
    end: usize,
    text: &'a str,
}

/// The first share written in `text` from byte `from` (a character boundary): what
/// `PERCENT_RE.find_at(text, from)` finds, found by hand from its sign. A number is made of
/// digits, `.`, letters and white space, none of which is a sign (`%`, or the `p` of
/// `percent` and `per cent`: no number word has a `p`), so a share that starts before a
/// sign ends with that sign. Signs are therefore taken in order; for each, the leftmost
/// number form (from `from`) that ends where the white space before the sign begins makes
/// the match; a sign without one leaves only shares after it.
fn percent_at(text: &str, from: usize) -> Option<std::ops::Range<usize>> {
    let b = text.as_bytes();
    let mut at = from;
    while at < b.len() {
        let i = at + memchr::memchr3(b'%', b'p', b'P', &b[at..])?;
        at = i + 1;
        let Some(end) = sign_at(b, i) else {
            continue;
        };
        let before = b[..i].iter().rev().take_while(|c| is_space(**c)).count();
        if let Some(start) = number_ending_at(b, i - before, from) {
            return Some(start..end);
        }
    }
    None
}

/// Where the sign at `i` ends: `%`, `percent` or `per cent` (the words ending a word).
fn sign_at(b: &[u8], i: usize) -> Option<usize> {
    let word = |at: usize, w: &[u8]| {
        b.get(at..at + w.len())
            .is_some_and(|x| x.eq_ignore_ascii_case(w))
    };
    let boundary = |at: usize| {
        !b.get(at)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
    };
    if b[i] == b'%' {
        return Some(i + 1);
    }
    if word(i, b"percent") && boundary(i + 7) {
        return Some(i + 7);
    }
    if word(i, b"per") {
        let k = i + 3 + b[i + 3..].iter().take_while(|c| is_space(**c)).count();
        if k > i + 3 && word(k, b"cent") && boundary(k + 4) {
            return Some(k + 4);
        }
    }
    None
}

/// The leftmost start from `from` of a number of [`PERCENT_RE`] that ends at `end`: up to
/// three digits with their decimals, `one hundred`, a multiple of ten with its unit
/// (`twenty-five`) or without, `ten`, `fifteen`, `hundred` (number words in any case, and
/// not necessarily starting a word, as in the regex).
fn number_ending_at(b: &[u8], end: usize, from: usize) -> Option<usize> {
    const TENS: [&[u8]; 8] = [
        b"twenty", b"thirty", b"forty", b"fifty", b"sixty", b"seventy", b"eighty", b"ninety",
    ];
    const UNITS: [&[u8]; 9] = [
        b"one", b"two", b"three", b"four", b"five", b"six", b"seven", b"eight", b"nine",
    ];
    let mut best: Option<usize> = None;
    let mut consider = |p: usize| {
        if p >= from && !best.is_some_and(|b| p >= b) {
            best = Some(p);
        }
    };
    let digits_before = |e: usize| {
        b[..e]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let ends = |e: usize, w: &[u8]| e >= w.len() && b[e - w.len()..e].eq_ignore_ascii_case(w);
    let last = end.checked_sub(1).map(|i| b[i])?;
    if last.is_ascii_digit() {
        let frac = digits_before(end);
        for k in 1..=frac.min(3) {
            consider(end - k);
        }
        let dot = end - frac;
        if dot >= 1 && b[dot - 1] == b'.' {
            let whole = digits_before(dot - 1);
            for k in 1..=whole.min(3) {
                consider(dot - 1 - k);
            }
        }
        return best;
    }
    if !last.is_ascii_alphabetic() {
        return None;
    }
    if ends(end, b"hundred") {
        let h = end - 7;
        consider(h);
        let gap = b[..h].iter().rev().take_while(|c| is_space(**c)).count();
        if gap > 0 && ends(h - gap, b"one") {
            consider(h - gap - 3);
        }
    }
    for t in TENS {
        if ends(end, t) {
            consider(end - t.len());
        }
    }
    for u in UNITS {
        if ends(end, u) {
            let q = end - u.len();
            if q >= 1 && (is_space(b[q - 1]) || b[q - 1] == b'-') {
                for t in TENS {
                    if ends(q - 1, t) {
                        consider(q - 1 - t.len());
                    }
                }
            }
        }
    }
    for w in [&b"ten"[..], b"fifteen"] {
        if ends(end, w) {
            consider(end - w.len());
        }
    }
    best
}

/// The number of a [`PERCENT_RE`] match (its first group): the match without its `%`,
/// `percent` or `per cent` and the white space before it (no number ends in white space).
fn share_number(m: &str) -> &str {
    fn ws(s: &str) -> &str {
        s.trim_end_matches(['\t', '\n', '\u{b}', '\u{c}', '\r', ' '])
    }
    let strip = |s: &'static str, m: &str| -> Option<usize> {
        let n = m.len().checked_sub(s.len())?;
        m.as_bytes()[n..]
            .eq_ignore_ascii_case(s.as_bytes())
            .then_some(n)
    };
    if let Some(rest) = m.strip_suffix('%') {
        return ws(rest);
    }
    if let Some(n) = strip("percent", m) {
        return ws(&m[..n]);
    }
    // `per cent`
    let n = strip("cent", m).unwrap_or(m.len());
    let rest = ws(&m[..n]);
    let n = strip("per", rest).unwrap_or(rest.len());
    ws(&rest[..n])
}

/// Where a search for [`PERCENT_RE`] from `from` can start in `text` (its length when no
/// match can be found): every match ends with `%` or `cent` and is made of digits, letters,
/// `.`, `-` and white space before it, so no match starts before the run of those that
/// leads to the first `%` or `cent` from `from`, nor before `from`.
#[inline(always)]
fn share_search_start(text: &str, from: usize) -> usize {
    let b = text.as_bytes();
    let from = from.min(b.len());
    let percent = memchr::memchr(b'%', &b[from..]).map_or(b.len(), |i| from + i);
    let cent = memchr::memchr2_iter(b'c', b'C', &b[from..percent])
        .map(|i| from + i)
        .find(|&i| {
            b.get(i..i + 4)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"cent"))
        })
        .unwrap_or(percent);
    if cent == b.len() {
        return cent;
    }
    let mut start = cent;
    while start > from {
        let c = b[start - 1];
        if c.is_ascii_alphanumeric()
            || matches!(c, b'.' | b'-' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
        {
            start -= 1;
        } else {
            break;
        }
    }
    start
}

/// The sentence of `text` around byte `pos`; one that goes on past the end of the line
/// (hard-wrapped text) continues on the `next` lines of its paragraph.
fn sentence_around(text: &str, pos: usize, next: &[Line]) -> String {
    let b = text.as_bytes();
    // A sentence starts after a stop followed by white space (not inside `crates.io` or
    // `1.5`), or after a label's colon (not inside `10:08`) ...
    let start = (0..pos)
        .rev()
        .find(|&i| match b[i] {
            b':' => !b.get(i + 1).is_some_and(u8::is_ascii_digit),
            b'.' | b'!' | b'?' => {
                b.get(i + 1).is_some_and(u8::is_ascii_whitespace)
                    && !(b[i] == b'.' && abbreviation_before(text, i))
            }
            _ => false,
        })
        .map_or(0, |i| i + 1);
    let mut sentence = String::new();
    let (mut rest, mut from) = (text, pos);
    let mut more = next
        .iter()
        .take(3)
        .take_while(|l| continues_paragraph(l.text));
    loop {
        match sentence_end(rest, from) {
            Some(end) => {
                sentence.push_str(&rest[..end]);
                break;
            }
            None => {
                sentence.push_str(rest);
                match more.next() {
                    Some(l) => {
                        sentence.push(' ');
                        rest = l.text.trim();
                        from = 0;
                    }
                    None => break,
                }
            }
        }
    }
    clip(sentence[start..].trim_matches(['*', '_', ' ', '-']).trim())
}

/// The end of the sentence that `text` is in at `from`: after a stop followed by white
/// space or the end of the line.
fn sentence_end(text: &str, from: usize) -> Option<usize> {
    let b = text.as_bytes();
    (from..b.len())
        .find(|&i| {
            matches!(b[i], b'.' | b'!' | b'?')
                && b.get(i + 1).map_or(true, u8::is_ascii_whitespace)
                && !(b[i] == b'.' && abbreviation_before(text, i))
        })
        .map(|i| i + 1)
}

/// A line that carries on the paragraph before it: not blank, a heading, a list item, a
/// table row or a code block.
fn continues_paragraph(text: &str) -> bool {
    let t = text.trim_start();
    !t.is_empty()
        && !t.starts_with(['#', '-', '*', '+', '|', '>', '`', '~', '•'])
        && !t
            .split_once(['.', ')'])
            .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
}

/// Words written with a full stop that does not end the sentence (`approx. 40%`, `e.g. at`).
const ABBREVIATIONS: &[&str] = &[
    "approx", "ca", "cf", "e.g", "eg", "i.e", "ie", "incl", "vs", "mr", "mrs", "ms", "dr", "no",
    "nr", "st", "fig",
];
/// Words written with a full stop that ends the sentence when a capital follows (`until
/// 4:44 p.m. Then`, `servers etc. We`).
const ABBREVIATIONS_AT_ENDS: &[&str] = &["a.m", "p.m", "etc", "inc", "ltd", "co", "u.s", "est"];

/// True when the `.` at `dot` closes an abbreviation (`approx.`, `e.g.`, `p.m.`) or an
/// initial (`J. Smith`), not a sentence.
fn abbreviation_before(text: &str, dot: usize) -> bool {
    let word = text[..dot]
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    let is = |list: &[&str]| list.iter().any(|a| word.eq_ignore_ascii_case(a));
    let capital_next = text[dot + 1..]
        .trim_start()
        .starts_with(|c: char| c.is_uppercase());
    let single_letter = word.len() == 1 && word.as_bytes()[0].is_ascii_alphabetic();
    single_letter || is(ABBREVIATIONS) || (is(ABBREVIATIONS_AT_ENDS) && !capital_next)
}

fn clip(s: &str) -> String {
    let s = super::squeeze(s);
    if s.len() > 300 && s.chars().count() > 300 {
        format!("{}…", s.chars().take(300).collect::<String>())
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::lines;
    use crate::extract::phrases::texts;

    fn pct(text: &str) -> Option<f64> {
        find(&lines(text, 1)).percent.map(|p| p.0)
    }

    #[test]
    fn accepted_forms() {
        let cases: &[(&str, f64)] = &[
            ("The outage hit approximately 60% of our users.", 60.0),
            ("Eighty percent of users could not log in.", 80.0),
            (
                "Percentage of users affected: Approximately 30% of active users.",
                30.0,
            ),
            ("- **Customers Affected**: 100%", 100.0),
            ("Affected Users: 45% were impacted", 45.0),
            ("The bad rule dropped 100% of traffic.", 100.0),
            ("Impact: 100% request failures for the search API", 100.0),
            ("a 25% user base saw intermittent errors", 25.0),
            ("It affected 12.5 percent of the mobile customers.", 12.5),
            ("Nearly 100% of admin users were locked out", 100.0),
            (
                "A slice of shoppers, roughly 20%, saw failed checkouts.",
                20.0,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(pct(text), Some(*want), "{text}");
        }
    }

    #[test]
    fn words_before_a_share_count_up_to_their_distance() {
        for gap in 15..45 {
            for t in [
                format!("the cpu{}", " x".repeat(gap / 2)),
                format!("users{}", " y".repeat(gap / 2)),
                format!("an SLO{}", "-".repeat(gap)),
            ] {
                assert_eq!(not_before(&t), NOT_BEFORE_RE.is_match(&t), "{t:?}");
                assert_eq!(noun_before(&t), NOUN_BEFORE_RE.is_match(&t), "{t:?}");
            }
        }
    }

    #[test]
    fn word_lists_are_well_formed() {
        for w in [
            NOUNS_AFTER,
            LOAD_NOUNS,
            NOT_A_SHARE,
            NOT_BEFORE,
            NOUNS_BEFORE,
            CLAUSE_END,
        ] {
            assert!(super::super::phrases::well_formed(w), "{w:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config { cases: 2000, ..Default::default() })]

        /// Each hand matcher answers as its regex does, on texts of its words and on any
        /// text.
        #[test]
        fn not_a_share_is_its_regex(t in texts(NOT_A_SHARE)) {
            proptest::prop_assert_eq!(not_a_share(&t), NOT_A_SHARE_RE.is_match(&t), "{:?}", t);
        }

        #[test]
        fn clause_ends_is_its_regex(t in texts(CLAUSE_END)) {
            proptest::prop_assert_eq!(clause_ends(&t), CLAUSE_END_RE.is_match(&t), "{:?}", t);
        }

        #[test]
        fn not_before_is_its_regex(t in texts(NOT_BEFORE)) {
            proptest::prop_assert_eq!(not_before(&t), NOT_BEFORE_RE.is_match(&t), "{:?}", t);
        }

        #[test]
        fn noun_before_is_its_regex(t in texts(NOUNS_BEFORE)) {
            proptest::prop_assert_eq!(noun_before(&t), NOUN_BEFORE_RE.is_match(&t), "{:?}", t);
        }

        #[test]
        fn noun_after_is_its_regex(t in texts(NOUNS_AFTER)) {
            let got = noun_after_of(&t, &NOUNS_AFTER, &NOUN_AFTER_RE);
            proptest::prop_assert_eq!(got, NOUN_AFTER_RE.is_match(&t), "{:?}", t);
            let got = noun_after_of(&t, &LOAD_NOUNS, &LOAD_NOUN_RE);
            proptest::prop_assert_eq!(got, LOAD_NOUN_RE.is_match(&t), "{:?}", t);
        }

        #[test]
        fn the_matchers_are_their_regexes_on_any_text(t in proptest::prelude::any::<String>()) {
            proptest::prop_assert_eq!(not_a_share(&t), NOT_A_SHARE_RE.is_match(&t));
            proptest::prop_assert_eq!(clause_ends(&t), CLAUSE_END_RE.is_match(&t));
            proptest::prop_assert_eq!(not_before(&t), NOT_BEFORE_RE.is_match(&t));
            proptest::prop_assert_eq!(noun_before(&t), NOUN_BEFORE_RE.is_match(&t));
            let got = noun_after_of(&t, &NOUNS_AFTER, &NOUN_AFTER_RE);
            proptest::prop_assert_eq!(got, NOUN_AFTER_RE.is_match(&t));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config { cases: 3000, ..Default::default() })]

        /// The hand-written scanner finds what `PERCENT_RE.find_at` finds, from any place.
        #[test]
        fn share_scanner_is_the_regex(
            text in "([0-9 .%_-]|[0-9]{3,5}|\\.[0-9]+|\t|percent|PERCENT|percentage|per cent|per  Cent|cents|one|One hundred|hundred|ten|often|fifteen|twenty|forty-five|sixty two|ninety-|seven|x){0,16}",
            cut in 0usize..60,
        ) {
            let cut = (0..=cut.min(text.len())).rev().find(|&c| text.is_char_boundary(c)).unwrap_or(0);
            let want = PERCENT_RE.find_at(&text, cut).map(|m| m.range());
            proptest::prop_assert_eq!(percent_at(&text, cut), want, "{:?} from {}", text, cut);
        }

        #[test]
        fn share_scanner_is_the_regex_on_any_text(text in proptest::prelude::any::<String>()) {
            let want = PERCENT_RE.find_at(&text, 0).map(|m| m.range());
            proptest::prop_assert_eq!(percent_at(&text, 0), want);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config { cases: 3000, ..Default::default() })]

        /// The cheap test before the recovery regex never refuses what it matches.
        #[test]
        fn may_say_recovery_holds_wherever_a_recovery_is_said(
            t in "(x|of users |é )?(back  online|BACK UP|Restored|recovered|returned|back to\tnormal|backed|restore|return|x|é)( x|\\.)?"
        ) {
            proptest::prop_assert!(may_say_recovery(&t) || !RECOVERY_AFTER_RE.is_match(&t), "{:?}", t);
        }

        /// Where the load-noun regex matches, the people-or-load noun regex does too.
        #[test]
        fn a_load_noun_is_a_noun_after(
            t in "[ )]{0,2}(of )?((the|all|é|’s|x-y|10) ){0,5}(traffic|Requests|uploads|calls|queries|sessions|users|x|é)[ .s]?"
        ) {
            proptest::prop_assert!(!LOAD_NOUN_RE.is_match(&t) || NOUN_AFTER_RE.is_match(&t), "{:?}", t);
        }

        /// The cheap test before the count regex never refuses what it matches.
        #[test]
        fn may_count_people_holds_wherever_a_count_is(
            t in "(x|é|at|10:00|40%|)[ \t\x0b\x0c\r\n]{0,2}(1|23|1,200|8 400|x)[ \t\x0b\x0c\r\n\u{a0}]{0,3}(unique |ACTIVE  |registered\t|paying |new |)(users|Customers|VISITORS|clients|accounts|subscribers|people|user|x)[ .]?(x|é|)"
        ) {
            proptest::prop_assert!(may_count_people(&t) || !COUNT_RE.is_match(&t), "{:?}", t);
        }

        #[test]
        fn no_share_starts_before_the_search_does(
            text in "([a-zA-Z0-9 .,:|%-]|percent|PER CENT|ten|one hundred){0,30}",
            cut in 0usize..40,
        ) {
            let from = share_search_start(&text, 0);
            proptest::prop_assert!(PERCENT_RE.find_iter(&text).all(|m| m.start() >= from));
            // From any place (on a character boundary): the first match from there is
            // found from the start the search gives.
            let cut = (0..=cut.min(text.len())).rev().find(|&c| text.is_char_boundary(c)).unwrap_or(0);
            let start = share_search_start(&text, cut);
            let want = PERCENT_RE.find_at(&text, cut).map(|m| m.range());
            let got = (start < text.len()).then(|| PERCENT_RE.find_at(&text, start)).flatten().map(|m| m.range());
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn the_number_of_a_share_is_its_first_group() {
        for text in [
            "30%",
            "12.5 %",
            "ten percent",
            "Eighty PER  CENT",
            "twenty-five percent",
            "one hundred%",
        ] {
            let c = PERCENT_RE.captures(text).unwrap();
            assert_eq!(share_number(&c[0]), &c[1], "{text}");
        }
    }

    #[test]
    fn the_search_for_shares_starts_at_the_first_number_before_a_sign() {
        assert_eq!(share_search_start("x: ten percent of users; 5%", 0), 2);
        assert_eq!(share_search_start("x: ten percent of users; 5%", 14), 24);
        assert_eq!(share_search_start("| 08:00 | error rate at 3% |", 0), 9);
        assert_eq!(share_search_start("| 08:00 | error rate at 3% |", 26), 28);
        assert_eq!(share_search_start("no share here", 0), 13);
    }

    #[test]
    fn a_share_of_people_wins_over_an_earlier_share_of_requests() {
        let text = "At the worst point 31% of search requests failed.\nAbout 12% of active users were affected.\n";
        let i = find(&lines(text, 1));
        assert_eq!(i.percent, Some((12.0, 2)));
        // Without a share of people, the share of requests still counts.
        assert_eq!(
            pct("At the worst point 31% of search requests failed."),
            Some(31.0)
        );
    }

    #[test]
    fn not_shares_of_users() {
        for text in [
            "The error rate reached 18%.",
            "This caused 100% downtime for the service.",
            "We saw a 30% decrease in user engagement.",
            "Availability SLO is 99.95% for users.",
            "Traffic spiked by 427% increase in traffic",
            "5xx errors hit 100%.",
            "CPU was at 95% on every host.",
            "| 10:22 | 100% of traffic back online |",
        ] {
            assert_eq!(pct(text), None, "{text}");
        }
    }

    #[test]
    fn impact_sentences_are_whole_sentences() {
        let cases: &[(&str, &str)] = &[
            (
                "Payments failed. Approx. 40% of users saw errors, e.g. at checkout. We fixed it.",
                "Approx. 40% of users saw errors, e.g. at checkout.",
            ),
            (
                "At 4:07 p.m. the cache broke, affecting 12.5% of users until 4:44 p.m. Then it recovered.",
                "At 4:07 p.m. the cache broke, affecting 12.5% of users until 4:44 p.m.",
            ),
            (
                "The endpoint crates.io serves 99% of users on the U.S. east coast. Other text.",
                "The endpoint crates.io serves 99% of users on the U.S. east coast.",
            ),
            (
                "Impact: at 10:08 about 30% of users were logged out",
                "at 10:08 about 30% of users were logged out",
            ),
            (
                "- **Impact:** Complete outage for 80% of users",
                "Complete outage for 80% of users",
            ),
            (
                "The outage affected approximately 40% of users, preventing them\nfrom paying. Then it\nstopped.",
                "The outage affected approximately 40% of users, preventing them from paying.",
            ),
            (
                "About 40% of users were affected and\n\n- a list item\n",
                "About 40% of users were affected and",
            ),
        ];
        for (text, want) in cases {
            let i = find(&lines(text, 1));
            assert_eq!(i.sentence.map(|s| s.0).as_deref(), Some(*want), "{text}");
        }
    }

    #[test]
    fn user_counts_and_sentences() {
        let i = find(&lines(
            "Impact: about 8,400 users could not pay for their orders.",
            3,
        ));
        assert_eq!(i.users, Some((8400, 3)));
        assert_eq!(
            i.sentence.unwrap().0,
            "about 8,400 users could not pay for their orders."
        );
    }
}
