//! Hand matchers for the word-list regexes that run on short texts around each candidate
//! (the words after a share, the words before it). A call to one of those regexes costs
//! 300–1,000 ns, most of it bringing the regex's state back into the caches; these read the
//! few bytes that matter. Each regex stays beside its matcher as the definition, and a
//! proptest holds the two to the same answers.
//!
//! A phrase is written in lower case; in it
//!
//! | byte   | matches                                              | as the regex `\s+` / `\s*` |
//! |--------|------------------------------------------------------|----------------------------|
//! | letter | that letter in either case (ASCII)                   | `(?i)a`                    |
//! | ` `    | one or more ASCII white-space bytes                  | `\s+`                      |
//! | `*`    | zero or more ASCII white-space bytes                 | `\s*`                      |
//! | other  | itself                                               |                            |
//!
//! White space here is what `\s` is in an ASCII regex (`\t`, `\n`, `\v`, `\f`, `\r`, space),
//! which is also what a Unicode regex's `\s` matches in ASCII text. Matchers that stand for a
//! Unicode-mode regex (one with `’` or `[^.]` in it, whose `(?i)` also folds `ſ` and the
//! Kelvin sign) answer only for ASCII text; their callers run the regex on the rest.

use super::when::{is_space, is_word_byte, run_end};

/// Where `phrase` ends when it is written at byte `i` of `b`, if it is (see the module's
/// table).
pub(super) fn phrase_at(b: &[u8], i: usize, phrase: &str) -> Option<usize> {
    let mut j = i;
    for &p in phrase.as_bytes() {
        match p {
            b' ' => {
                let e = run_end(b, j, is_space);
                if e == j {
                    return None;
                }
                j = e;
            }
            b'*' => j = run_end(b, j, is_space),
            _ => {
                if b.get(j)?.to_ascii_lowercase() != p {
                    return None;
                }
                j += 1;
            }
        }
    }
    Some(j)
}

/// A list of phrases, sorted, each starting with a letter: what a regex alternation
/// `(?i)(?:p1|p2|…)` lists, for matchers that only need to know whether one matches.
#[derive(Debug, Clone, Copy)]
pub(super) struct Words {
    list: &'static [&'static str],
    /// Bit `l - b'a'` set when a phrase starts with the letter `l`.
    first: u32,
    /// For each letter `l`, where the phrases that start with it are in `list`.
    ranges: [(u8, u8); 26],
}

impl Words {
    /// `list` must be sorted, hold fewer than 256 phrases, and each phrase must start with
    /// a lower-case letter (a test checks every list).
    pub(super) const fn new(list: &'static [&'static str]) -> Words {
        let mut first = 0;
        let mut ranges = [(0u8, 0u8); 26];
        let mut i = 0;
        while i < list.len() {
            let l = (list[i].as_bytes()[0].wrapping_sub(b'a') % 26) as usize;
            if first >> l & 1 == 0 {
                ranges[l].0 = i as u8;
            }
            first |= 1 << l;
            ranges[l].1 = i as u8 + 1;
            i += 1;
        }
        Words {
            list,
            first,
            ranges,
        }
    }

    #[cfg(test)]
    pub(super) fn list(&self) -> &'static [&'static str] {
        self.list
    }

    /// The phrases that start with the byte `c` (a letter, in either case).
    fn starting(&self, c: u8) -> &'static [&'static str] {
        let l = c | 0x20;
        if !l.is_ascii_lowercase() || self.first >> (l - b'a') & 1 == 0 {
            return &[];
        }
        let (lo, hi) = self.ranges[usize::from(l - b'a')];
        &self.list[usize::from(lo)..usize::from(hi)]
    }

    /// Where a phrase written at `i` of `b` ends with an ASCII word boundary after it
    /// (`(?:p1|p2|…)(?-u:\b)`; each phrase ends with a word character), if one does.
    pub(super) fn word_at(&self, b: &[u8], i: usize) -> Option<usize> {
        let c = *b.get(i)?;
        self.starting(c)
            .iter()
            .filter_map(|p| phrase_at(b, i, p))
            .find(|&e| !b.get(e).copied().is_some_and(is_word_byte))
    }

    /// True when a phrase starts at `i` of `b` (`(?:p1|p2|…)`, nothing asked of what
    /// follows).
    pub(super) fn any_at(&self, b: &[u8], i: usize) -> bool {
        b.get(i).is_some_and(|&c| {
            self.starting(c)
                .iter()
                .any(|p| phrase_at(b, i, p).is_some())
        })
    }

    /// The regex alternation of the phrases: `(?:p1|p2\s+q|…)`.
    pub(super) fn regex(&self) -> String {
        let alts: Vec<String> = self
            .list
            .iter()
            .map(|p| {
                p.chars()
                    .map(|c| match c {
                        ' ' => r"\s+".to_string(),
                        '*' => r"\s*".to_string(),
                        c => regex::escape(&c.to_string()),
                    })
                    .collect()
            })
            .collect();
        format!("(?:{})", alts.join("|"))
    }

    /// For ASCII `text`: whether `(?-u:\b)(?:p1|p2|…)(?-u:\b)[^STOPS]{0,MAX}$` matches, that
    /// is a whole phrase that ends at most `max_tail` bytes before the end of `text`, with
    /// none of the `stops` after it. Each phrase ends with a word character.
    pub(super) fn near_end(&self, text: &str, max_tail: usize, stops: &[u8]) -> bool {
        let b = text.as_bytes();
        // No phrase holds a stop, so one after which no stop comes starts after the last
        // stop.
        let from = b
            .iter()
            .rposition(|c| stops.contains(c))
            .map_or(0, |i| i + 1);
        let min_end = b.len().saturating_sub(max_tail);
        (from..b.len()).any(|s| {
            (s == 0 || !is_word_byte(b[s - 1]))
                && self.starting(b[s]).iter().any(|p| {
                    phrase_at(b, s, p).is_some_and(|e| {
                        e >= min_end && !b.get(e).copied().is_some_and(is_word_byte)
                    })
                })
        })
    }

    /// For ASCII `text`: whether `^\s*(?:\)\s*)?(?:of\s+)?(?:[\w'-]+\s+){0,4}?(?:p1|p2|…)(?-u:\b)`
    /// matches: a phrase after at most four words, themselves after white space, a `)` and
    /// an `of`, each optional.
    pub(super) fn within_four_words(&self, text: &str) -> bool {
        let b = text.as_bytes();
        let i = run_end(b, 0, is_space);
        let paren = (b.get(i) == Some(&b')')).then(|| run_end(b, i + 1, is_space));
        let word_byte = |c: u8| is_word_byte(c) || c == b'\'' || c == b'-';
        for p in [Some(i), paren].into_iter().flatten() {
            for q in [Some(p), phrase_at(b, p, "of ")].into_iter().flatten() {
                let mut at = q;
                for words in 0..=4 {
                    if self.word_at(b, at).is_some() {
                        return true;
                    }
                    // One more word, then white space (both runs whole: a word is followed
                    // by white space, and no phrase starts with white space).
                    let end = run_end(b, at, word_byte);
                    let next = run_end(b, end, is_space);
                    if words == 4 || end == at || next == end {
                        break;
                    }
                    at = next;
                }
            }
        }
        false
    }
}

/// Texts made of the phrases of `words` (as written, in upper case with tabs, cut short)
/// and of the bytes around them that matter to the matchers: for proptests that hold a
/// matcher to its regex.
#[cfg(test)]
pub(super) fn texts(words: Words) -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    use proptest::sample::select;
    const AROUND: &[&str] = &[
        "", " ", "  ", "\t", "\n", "\u{b}", "x", "é", "’", "ſ", "\u{212a}", "\u{a0}", ")", ",",
        ".", "%", ";", ":", "of ", "the ", "OF  THE ", "s", "es", "-", "'", "10", "A", "_",
    ];
    let token = prop_oneof![
        select(words.list()).prop_map(|w| w.replace('*', "")),
        select(words.list()).prop_map(|w| w.replace('*', " ")),
        select(words.list()).prop_map(|w| w.to_uppercase().replace(' ', "\t ").replace('*', "")),
        select(words.list()).prop_map(|w| w[..w.len() - 1].replace('*', "")),
        select(AROUND).prop_map(str::to_string),
        select(AROUND).prop_map(str::to_string),
    ];
    proptest::collection::vec(token, 0..12).prop_map(|v| v.concat())
}

/// True when `words` can be a [`Words`]: sorted, each phrase starting with a lower-case
/// letter and ending with a word character.
#[cfg(test)]
pub(super) fn well_formed(words: Words) -> bool {
    let l = words.list();
    l.len() < 256
        && l.windows(2).all(|w| w[0] < w[1])
        && l.iter().all(|p| {
            p.as_bytes()[0].is_ascii_lowercase()
                && p.bytes().last().is_some_and(is_word_byte)
                && !p.bytes().any(|c| c.is_ascii_uppercase())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_as_written() {
        let cases: &[(&str, usize, &str, Option<usize>)] = &[
            ("Error Rate", 0, "error rate", Some(10)),
            ("error \t\n rate", 0, "error rate", Some(13)),
            ("errorrate", 0, "error rate", None),
            ("userbase", 0, "user*base", Some(8)),
            ("user  base", 0, "user*base", Some(10)),
            ("x of the", 2, "of ", Some(5)),
            ("us", 0, "user", None),
            ("approx.", 0, "approx.", Some(7)),
        ];
        for (text, at, phrase, want) in cases {
            assert_eq!(
                phrase_at(text.as_bytes(), *at, phrase),
                *want,
                "{phrase} in {text}"
            );
        }
        const USERS: Words = Words::new(&["cpu", "user", "users"]);
        assert_eq!(USERS.word_at(b"Users.", 0), Some(5));
        assert_eq!(USERS.word_at(b"username", 0), None);
        assert!(USERS.near_end("the cpu was at", 20, b".;:,"));
        assert!(!USERS.near_end("the cpu, at", 20, b".;:,"));
        assert!(!USERS.near_end("the cpus at", 20, b".;:,"));
        assert!(!USERS.near_end("cpu and then a great many words", 20, b".;:,"));
        assert!(USERS.within_four_words(") of the paying users"));
        assert!(!USERS.within_four_words("of a b c d e users"));
        assert!(USERS.within_four_words(" a b c d users"));
        assert_eq!(USERS.regex(), r"(?:cpu|user|users)");
        assert_eq!(Words::new(&["a b*c."]).regex(), r"(?:a\s+b\s*c\.)");
    }
}
