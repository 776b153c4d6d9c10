//! Whole-word keyword search, any case, for automatic tags: what a regex
//! `(?i)\b(?:kw1|kw2|…)(?:e?s)?\b` (ASCII word boundaries) finds with `find_iter`, without
//! the regex. This search reads every line of every body; the regex's lazy DFA (and an
//! Aho-Corasick automaton alike) spent about fourteen instructions on each byte, when only
//! the starts of words (about one byte in seven) can start a keyword.
//!
//! | text                      | keywords                      | found                         |
//! |---------------------------|-------------------------------|-------------------------------|
//! | `the DNS failed`          | `dns`                         | `DNS`                         |
//! | `two caches, one config`  | `cache`, `config`             | `caches`, `config` (plurals)  |
//! | `the load balancer`       | `load balancer`, `load`       | `load balancer` (first named) |
//! | `configs-db`              | `config`, `db`                | `configs`, `db`               |
//! | not: `feedback`, `dbs2`, `cached` | `db`, `cache`         | (no word boundary)            |
//!
//! A keyword matches where no word character (`[0-9A-Za-z_]`) comes before it and none
//! after it, optionally followed by `es` or `s`. At the leftmost place where one matches,
//! the first keyword in the given order wins, with `es` rather than `s` rather than nothing
//! after it; the search goes on after that match. Only the starts of words can be such a
//! place: they are found 32 bytes at a time, with the class of each byte (its letter, a
//! digit, or another byte), by AVX2 instructions where the CPU has them and by loops the
//! compiler vectorises elsewhere. A table of one bit per first letter and classes of the
//! next two bytes drops, without a branch, the word starts no keyword begins like (most of
//! them: `the`, `was`, `and`); each one left is checked against the keywords that start
//! with its first two bytes.

use super::hints::bit_mask;

/// Keywords prepared for [`Keywords::find`].
#[derive(Debug, Clone)]
pub struct Keywords {
    /// For each first letter and [`class`] of the byte after it (at `letter << 5 | class`),
    /// where the keywords that start so are in `order`: `(from, count)`.
    by_start: [(u16, u16); 1 << 10],
    /// The keywords with their places in the list, grouped by how they start, in order
    /// within a group.
    order: Vec<(u16, Word)>,
    /// For each first letter and [`CLASS`] of the byte after it (at [`group`]), one bit for
    /// each class of the byte after that: set when some keyword can start so.
    prefixes: [u32; 1 << 10],
}

/// One keyword, lower-cased: its first eight bytes as a number (little-endian, zeros
/// after the end), with `0x20` where a byte is a letter, and the rest.
#[derive(Debug, Clone)]
struct Word {
    len: usize,
    head: u64,
    /// The bits of the head that count: all eight bits of each byte of the keyword.
    head_mask: u64,
    /// `0x20` in each letter byte of the head: or-ed into the text's bytes, it makes
    /// them lower case there and nowhere else.
    head_case: u64,
    tail: Vec<u8>,
}

impl Word {
    /// True when `b` starts with the keyword, in any case; `head` is its first eight bytes
    /// as a number (zeros after the end).
    fn starts(&self, head: u64, b: &[u8]) -> bool {
        b.len() >= self.len
            && (head | self.head_case) & self.head_mask == self.head
            && (self.tail.is_empty() || b[8..self.len].eq_ignore_ascii_case(&self.tail))
    }
}

/// Bytes per block of the word-start scan.
const W: usize = 32;

/// Classes of the byte after a first letter (see [`CLASS`]).
const CLASSES: u8 = 28;

/// Where the group of keywords starting with the letter `first` (any case) then a byte of
/// class `second` is in [`Keywords::by_start`].
fn group(first: u8, second: u8) -> usize {
    usize::from((first | 0x20).wrapping_sub(b'a') & 31) << 5 | usize::from(second & 31)
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The class of each byte after a first letter: its letter (`a` = 0, any case), 26 for a
/// digit, 27 for any other byte ([`class_of`] for each byte).
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = class_of(c as u8);
        c += 1;
    }
    t
};

impl Keywords {
    /// The keywords in the order they are preferred. `None` when one of them does not start
    /// with an ASCII letter or does not end with an ASCII letter or digit (the boundaries
    /// of such words need the general rule), or when there are more than 65,535.
    pub fn new<S: AsRef<str>>(words: &[S]) -> Option<Keywords> {
        let mut k = Keywords {
            by_start: [(0, 0); 1 << 10],
            order: Vec::new(),
            prefixes: [0; 1 << 10],
        };
        let mut words_ = Vec::with_capacity(words.len());
        let mut groups = vec![Vec::new(); 1 << 10];
        for (i, w) in words.iter().enumerate() {
            let w = w.as_ref().as_bytes().to_ascii_lowercase();
            let (first, last) = (*w.first()?, *w.last()?);
            if !first.is_ascii_lowercase() || !last.is_ascii_alphanumeric() {
                return None;
            }
            let i = u16::try_from(i).ok()?;
            // Its prefix bits: a keyword shorter than three bytes may be followed by any
            // byte (`db` in `dbs`, `db.`), and one byte long by any two.
            let any: Vec<u8> = (0..=255).collect();
            let one = |j: usize| w.get(j).map_or(&any[..], std::slice::from_ref);
            for &second in one(1) {
                for &third in one(2) {
                    k.prefixes[group(first, CLASS[usize::from(second)])] |=
                        1 << CLASS[usize::from(third)];
                }
            }
            match w.get(1) {
                Some(&c) => groups[group(first, CLASS[usize::from(c)])].push(i),
                // A one-letter keyword may be followed by anything.
                None => (0..CLASSES).for_each(|c| groups[group(first, c)].push(i)),
            }
            let mut head = [0u8; 8];
            let mut mask = [0u8; 8];
            let mut case = [0u8; 8];
            for (j, &c) in w.iter().take(8).enumerate() {
                head[j] = c;
                mask[j] = 0xff;
                case[j] = if c.is_ascii_lowercase() { 0x20 } else { 0 };
            }
            words_.push(Word {
                len: w.len(),
                head: u64::from_le_bytes(head),
                head_mask: u64::from_le_bytes(mask),
                head_case: u64::from_le_bytes(case),
                tail: w.get(8..).unwrap_or_default().to_vec(),
            });
        }
        for (g, members) in groups.iter().enumerate() {
            let from = u16::try_from(k.order.len()).ok()?;
            k.by_start[g] = (from, u16::try_from(members.len()).ok()?);
            k.order
                .extend(members.iter().map(|&i| (i, words_[usize::from(i)].clone())));
        }
        Some(k)
    }

    /// Calls `found(start, end, k)` for each keyword of `text`, in order, where `k` is the
    /// keyword's index in the list given to [`Keywords::new`].
    pub fn find(&self, text: &str, mut found: impl FnMut(usize, usize, usize)) {
        let b = text.as_bytes();
        // Where the search goes on: the end of the last match.
        let mut from = 0;
        word_starts(b, &self.prefixes, |p, g| {
            if p < from {
                return;
            }
            let (first, n) = self.by_start[g];
            if n == 0 {
                return;
            }
            let rest = &b[p..];
            let head = match rest.first_chunk::<8>() {
                Some(h) => u64::from_le_bytes(*h),
                None => {
                    let mut h = [0u8; 8];
                    h[..rest.len()].copy_from_slice(rest);
                    u64::from_le_bytes(h)
                }
            };
            let first = usize::from(first);
            for (i, w) in &self.order[first..first + usize::from(n)] {
                if !w.starts(head, rest) {
                    continue;
                }
                if let Some(end) = word_end(b, p + w.len) {
                    found(p, end, usize::from(*i));
                    from = end;
                    return;
                }
            }
        });
    }
}

/// Where a keyword ending at `end` of `b` ends as a whole word: after `es`, else after `s`,
/// else at `end`, the first of these with no word character after it.
fn word_end(b: &[u8], end: usize) -> Option<usize> {
    let at = |i: usize| b.get(i).copied();
    let boundary = |i: usize| !at(i).is_some_and(is_word);
    let is = |i: usize, c: u8| at(i).is_some_and(|x| x | 0x20 == c);
    if is(end, b'e') && is(end + 1, b's') && boundary(end + 2) {
        Some(end + 2)
    } else if is(end, b's') && boundary(end + 1) {
        Some(end + 1)
    } else {
        boundary(end).then_some(end)
    }
}

/// Calls `at(p, g)` for each position `p` of `b`, in order, that holds an ASCII letter
/// with no word character before it and that `prefixes` keeps: where `g` is the [`group`]
/// of the letter and the byte after it, bit [`CLASS`] of the byte after that is set in
/// `prefixes[g]` (spaces after the end).
fn word_starts(b: &[u8], prefixes: &[u32; 1 << 10], at: impl FnMut(usize, usize)) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { word_starts_avx2(b, prefixes, at) };
    }
    scan::<false>(b, prefixes, at);
}

/// [`word_starts`] with a block's word starts and classes found by AVX2 instructions.
///
/// # Safety
///
/// The CPU must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,bmi1")]
unsafe fn word_starts_avx2(b: &[u8], prefixes: &[u32; 1 << 10], at: impl FnMut(usize, usize)) {
    scan::<true>(b, prefixes, at);
}

/// The loop of [`word_starts`], over blocks of [`W`] bytes; with `AVX2` (only when the CPU
/// has it) each block is read by [`avx2_block`], else by [`portable_block`].
#[inline(always)]
fn scan<const AVX2: bool>(b: &[u8], prefixes: &[u32; 1 << 10], mut at: impl FnMut(usize, usize)) {
    let mut class = [0u8; W + 2];
    // `window` is the block at `pos` with the byte before it and the two bytes after it.
    let mut visit = |window: &[u8; W + 3], pos: usize| {
        #[cfg(target_arch = "x86_64")]
        let starts = if AVX2 {
            // SAFETY: `AVX2` is only set by `word_starts_avx2`, which runs only on a CPU
            // with AVX2.
            unsafe { avx2_block(window, &mut class) }
        } else {
            portable_block(window, &mut class)
        };
        #[cfg(not(target_arch = "x86_64"))]
        let starts = portable_block(window, &mut class);
        // The word starts kept, gathered without a branch on each (which way the check
        // goes is as good as random), then visited.
        let mut kept = [0u8; W];
        let mut n = 0;
        let mut starts = starts;
        while starts != 0 {
            let k = starts.trailing_zeros() as usize;
            starts &= starts - 1;
            kept[n & (W - 1)] = k as u8;
            let g = group_of(&class, k);
            n += (prefixes[g] >> (class[k + 2] & 31) & 1) as usize;
        }
        for &k in &kept[..n] {
            let k = usize::from(k);
            at(pos + k, group_of(&class, k));
        }
    };
    let mut pos = 0;
    while pos < b.len() {
        match b.get(pos.wrapping_sub(1)..pos + W + 2) {
            Some(window) => visit(window.try_into().expect("W + 3 bytes"), pos),
            None => {
                // The first and the last blocks, from a copy with spaces (no word character,
                // no letter) beyond the ends.
                let mut buf = [b' '; W + 3];
                let from = pos.saturating_sub(1);
                let to = b.len().min(pos + W + 2);
                let lead = usize::from(pos == 0);
                buf[lead..lead + to - from].copy_from_slice(&b[from..to]);
                visit(&buf, pos);
            }
        }
        pos += W;
    }
}

/// The [`group`] of the bytes whose classes are `class[k]` and `class[k + 1]` (`k < W`).
#[inline(always)]
fn group_of(class: &[u8; W + 2], k: usize) -> usize {
    (usize::from(class[k & (W - 1)]) << 5 | usize::from(class[(k & (W - 1)) + 1])) & 0x3ff
}

/// The class ([`CLASS`]) of a byte, computed rather than looked up (so that a loop of it
/// is vectorised).
#[inline(always)]
const fn class_of(c: u8) -> u8 {
    let l = (c | 0x20).wrapping_sub(b'a');
    if l < 26 {
        l
    } else if c.wrapping_sub(b'0') < 10 {
        26
    } else {
        27
    }
}

/// The word starts of a block (`window` is its bytes with the byte before them and the
/// two after them), as a mask; `class` receives the classes of its bytes and of the two
/// after them.
#[inline(always)]
fn portable_block(window: &[u8; W + 3], class: &mut [u8; W + 2]) -> u32 {
    let letter = |c: u8| (c | 0x20).wrapping_sub(b'a') < 26;
    let mut flags = [0u8; W];
    for k in 0..W {
        let (p, c) = (window[k], window[k + 1]);
        let word = letter(p) | (p.wrapping_sub(b'0') < 10) | (p == b'_');
        flags[k] = u8::from(letter(c) & !word);
    }
    for k in 0..W + 2 {
        class[k] = class_of(window[k + 1]);
    }
    bit_mask(flags)
}

/// [`portable_block`] with AVX2 instructions.
///
/// # Safety
///
/// The CPU must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn avx2_block(window: &[u8; W + 3], class: &mut [u8; W + 2]) -> u32 {
    use std::arch::x86_64::*;
    let splat = |c: u8| _mm256_set1_epi8(c as i8);
    // `x` below `n` (unsigned), lane by lane.
    let below = |x: __m256i, n: u8| _mm256_cmpeq_epi8(_mm256_min_epu8(x, splat(n - 1)), x);
    let p = window.as_ptr();
    // SAFETY: `window` holds W + 3 bytes: the loads read bytes 0..W, 1..W + 1 and
    // 3..W + 3; they are unaligned loads.
    let (before, ch, late) = unsafe {
        (
            _mm256_loadu_si256(p.cast()),
            _mm256_loadu_si256(p.add(1).cast()),
            _mm256_loadu_si256(p.add(3).cast()),
        )
    };
    let letter_index = |x: __m256i| _mm256_sub_epi8(_mm256_or_si256(x, splat(0x20)), splat(b'a'));
    let classes = |x: __m256i| {
        let l = letter_index(x);
        let digit = below(_mm256_sub_epi8(x, splat(b'0')), 10);
        // 27, or 26 for a digit (a true lane is -1), or the letter's index.
        let other = _mm256_add_epi8(splat(27), digit);
        _mm256_blendv_epi8(other, l, below(l, 26))
    };
    let word_before = _mm256_or_si256(
        _mm256_or_si256(
            below(letter_index(before), 26),
            below(_mm256_sub_epi8(before, splat(b'0')), 10),
        ),
        _mm256_cmpeq_epi8(before, splat(b'_')),
    );
    let starts = _mm256_andnot_si256(word_before, below(letter_index(ch), 26));
    let out = class.as_mut_ptr();
    // SAFETY: `class` holds W + 2 bytes: the stores write bytes 2..W + 2 and 0..W
    // (in this order, the second one writing the same classes where they overlap).
    unsafe {
        _mm256_storeu_si256(out.add(2).cast(), classes(late));
        _mm256_storeu_si256(out.cast(), classes(ch));
    }
    _mm256_movemask_epi8(starts) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The definition: the regex this search stands for.
    fn reference(words: &[&str]) -> regex::Regex {
        let alts: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
        crate::extract::re(&format!(
            r"(?i)(?-u:\b)(?:{})(?:e?s)?(?-u:\b)",
            alts.join("|")
        ))
        .unwrap()
    }

    /// Where keywords were found: `(start, end)`.
    type Spans = Vec<(usize, usize)>;

    /// What [`Keywords::find`] finds, and what the regex finds.
    fn both(words: &[&str], text: &str) -> (Spans, Spans) {
        let mut got = Vec::new();
        Keywords::new(words)
            .unwrap()
            .find(text, |s, e, _| got.push((s, e)));
        let want = reference(words)
            .find_iter(text)
            .map(|m| (m.start(), m.end()))
            .collect();
        (got, want)
    }

    #[test]
    fn forms() {
        let words = ["load balancer", "config", "cache", "load", "db", "s3"];
        let cases: &[(&str, &[&str])] = &[
            ("the DNS failed", &[]),
            ("two caches, one CONFIG", &["caches", "CONFIG"]),
            ("the load balancer and the load", &["load balancer", "load"]),
            ("configs-db", &["configs", "db"]),
            ("feedback, dbs2, cached, _db", &[]),
            ("S3es s3s db_ db", &["S3es", "s3s", "db"]),
            ("load balancers", &["load balancers"]),
            // The longer keyword fails its boundary; the shorter one at the same place holds.
            ("load balancerx", &["load"]),
            ("é db é", &["db"]),
        ];
        for (text, want) in cases {
            let (got, reference) = both(&words, text);
            let got: Vec<&str> = got.iter().map(|&(s, e)| &text[s..e]).collect();
            assert_eq!(got, *want, "{text}");
            let reference: Vec<&str> = reference.iter().map(|&(s, e)| &text[s..e]).collect();
            assert_eq!(reference, *want, "{text}");
        }
    }

    #[test]
    fn words_that_need_the_general_rule_are_refused() {
        assert!(Keywords::new(&["c++"]).is_none());
        assert!(Keywords::new(&[".net"]).is_none());
        assert!(Keywords::new(&["9gag"]).is_none());
        assert!(Keywords::new(&[""]).is_none());
        assert!(Keywords::new(&["a", "b-2"]).is_some());
    }

    #[test]
    fn the_built_in_keywords_take_the_fast_rule() {
        let words: Vec<&str> = crate::extract::classify::TAG_KEYWORDS
            .iter()
            .flat_map(|(_, ws)| ws.iter().copied())
            .collect();
        assert!(Keywords::new(&words).is_some());
    }

    /// Keywords that overlap in every way: prefixes of each other, plurals of each other,
    /// with spaces and hyphens, two-letter ones.
    const WORDS: &[&str] = &[
        "load balancer",
        "load-balancer",
        "loads",
        "load",
        "configs",
        "config",
        "cache",
        "caches",
        "db",
        "s3",
        "a",
        "es",
        "sso",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        #[test]
        fn finds_what_the_regex_finds_in_texts_of_keywords(
            text in "(load|balancer|load balancer|load-balancer|config|cache|db|s3|sso|es|e|s|S|a|A|_|x|7|é| |-|\n|LOAD|Cache|DB){0,40}",
            order in proptest::sample::subsequence(WORDS.to_vec(), 1..WORDS.len()),
        ) {
            let (got, want) = both(&order, &text);
            prop_assert_eq!(got, want, "{:?} in {:?}", order, text);
        }

        #[test]
        fn finds_what_the_regex_finds_in_any_text(text in any::<String>()) {
            let (got, want) = both(WORDS, &text);
            prop_assert_eq!(got, want);
        }

        #[test]
        fn finds_the_built_in_keywords_as_the_regex_does(
            text in "(dns|DNS|login|log in|sign-in|caches|config|configuration|db|primary db|s3|port 80|port 443|out of memory|ddos|denial-of-service|denial of service|load balancer|load-balancer|es|s|x|_|1| |-|\\.|é){0,40}"
        ) {
            let words: Vec<&str> = crate::extract::classify::builtin_words();
            let (got, want) = both(&words, &text);
            prop_assert_eq!(got, want);
        }

        /// The portable word-start scan and the one the CPU runs (AVX2 where it has it)
        /// visit the same places with the same groups, whatever the bytes.
        #[test]
        fn the_portable_scan_and_the_fast_one_agree(
            text in proptest::collection::vec(
                prop_oneof![
                    Just(b' '), Just(b'_'), Just(b'\n'), b'0'..=b'9', b'a'..=b'z', b'A'..=b'Z',
                    any::<u8>(),
                ],
                0..200,
            ),
        ) {
            let k = Keywords::new(WORDS).unwrap();
            let mut portable = Vec::new();
            scan::<false>(&text, &k.prefixes, |p, g| portable.push((p, g)));
            let mut fast = Vec::new();
            word_starts(&text, &k.prefixes, |p, g| fast.push((p, g)));
            prop_assert_eq!(portable, fast);
        }
    }
}
