//! Cheap facts about each line, found once before the extractors run, so that each
//! extractor's regexes run only on the lines where they can match. A hint never decides
//! anything: it says that a pattern *may* be on the line, and the extractor's own check
//! decides. Most hints are substrings, so they also hold for any part of the line (a
//! `<br>`-separated part, the head of a line).
//!
//! | hint       | set when the line has …                                                  | checked before            |
//! |------------|--------------------------------------------------------------------------|---------------------------|
//! | `DIGIT`    | an ASCII digit                                                           | every number              |
//! | `TIME`     | a digit then `:`/`.`/`h` and a digit, or a digit then `am`/`pm` (`a.m`, ` PM`) | clock times         |
//! | `NOON`     | `oon`, `OON`, `dnight` or `DNIGHT` (as in `noon`, `midnight`)            | clock times without digits |
//! | `YEAR`     | four digits in a row                                                     | dates                     |
//! | `MONTH`    | a digit, and a word naming a month (`Mar`, `march`, `Sept`; whole line only) | dates with a month name |
//! | `PERCENT`  | `%`, `cent` or `CENT`                                                    | shares of users           |
//! | `PEOPLE`   | `sers`, `ustomer`, `isitor`, `lient`, `ccount` or `ubscriber`            | counts of users           |
//! | `AMOUNT`   | `h`, `m` or `s` after a digit, or a whole unit word (`hours`, `min`, `day`, `secs`) after digits or a number word (`an`, `two`), with spaces or `-` between (whole line only) | durations |
//! | `SEVERITY` | `everity` or `riority`                                                   | severity labels           |
//! | `PAREN`    | `(`                                                                      | `Duration (minutes): 55`  |
//! | `LT`       | `<`                                                                      | `<br>`-joined updates     |
//! | `BRACKET`  | `[`                                                                      | `[Start Time + 1 hour]`   |
//!
//! Letters match as written unless the row says otherwise (`hour`, `noon`: any case). One
//! pass over the whole body finds them all: over 32-byte blocks that the compiler
//! vectorises (AVX2 where the CPU has it), it marks the few bytes worth a closer look (the
//! first digit of a number, `%`, `<`, `[`, `(`, the first three letters of unit and month
//! words, and of the hint words in any case: `oon`, `dni`, `cen`, `ser`, …); only those
//! bytes are read again.

use super::duration::{NUMBER_WORDS, UNIT_WORDS};
use super::when::MONTH_HEADS;

/// A set of hints (bit flags).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hints(u16);

impl Hints {
    pub const DIGIT: Hints = Hints(1);
    pub const TIME: Hints = Hints(1 << 1);
    pub const NOON: Hints = Hints(1 << 2);
    pub const YEAR: Hints = Hints(1 << 3);
    pub const PERCENT: Hints = Hints(1 << 4);
    pub const PEOPLE: Hints = Hints(1 << 5);
    pub const AMOUNT: Hints = Hints(1 << 6);
    pub const SEVERITY: Hints = Hints(1 << 7);
    pub const PAREN: Hints = Hints(1 << 8);
    pub const LT: Hints = Hints(1 << 9);
    pub const BRACKET: Hints = Hints(1 << 10);
    pub const MONTH: Hints = Hints(1 << 12);
    /// Every hint: for text whose hints were not computed.
    pub const ALL: Hints = Hints(u16::MAX);

    /// True when any hint of `other` is set.
    pub fn any(self, other: Hints) -> bool {
        self.0 & other.0 != 0
    }

    pub fn has(self, other: Hints) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for Hints {
    type Output = Hints;
    fn bitor(self, o: Hints) -> Hints {
        Hints(self.0 | o.0)
    }
}

impl std::ops::BitOrAssign for Hints {
    fn bitor_assign(&mut self, o: Hints) {
        self.0 |= o.0;
    }
}

/// The first three letters of each hint word of [`WORDS`], in lower case: the bytes the
/// block pass marks for a closer look.
const WORD_HEADS: [[u8; 3]; 11] = [
    *b"oon", *b"dni", *b"cen", *b"ser", *b"ust", *b"isi", *b"lie", *b"cco", *b"ubs", *b"eve",
    *b"rio",
];

/// Set while reading when a line names a month (made `MONTH` if it also has a digit).
const MONTH_WORD: Hints = Hints(1 << 15);

/// Words whose presence is a hint, as written. Each starts with one of the [`WORD_HEADS`],
/// which [`worth_a_look`] marks in any case.
const WORDS: &[(&str, Hints)] = &[
    ("oon", Hints::NOON),
    ("OON", Hints::NOON),
    ("dnight", Hints::NOON),
    ("DNIGHT", Hints::NOON),
    ("cent", Hints::PERCENT),
    ("CENT", Hints::PERCENT),
    ("sers", Hints::PEOPLE),
    ("ustomer", Hints::PEOPLE),
    ("isitor", Hints::PEOPLE),
    ("lient", Hints::PEOPLE),
    ("ccount", Hints::PEOPLE),
    ("ubscriber", Hints::PEOPLE),
    ("everity", Hints::SEVERITY),
    ("riority", Hints::SEVERITY),
];

/// The hints of one piece of text.
pub fn of(text: &str) -> Hints {
    let mut out = [Hints::default()];
    of_lines(text, &[0], &[text.len()], &mut out);
    out[0]
}

/// The hints of each line: line `i` is `body[starts[i]..starts[i] + lens[i]]` (lines in
/// order, separated by at least one byte that is `\n`, or `\r\n`); `out[i]` receives its
/// hints.
pub fn of_lines(body: &str, starts: &[usize], lens: &[usize], out: &mut [Hints]) {
    let b = body.as_bytes();
    let mut lines = Cursor {
        starts,
        lens,
        at: 0,
    };
    // Bytes worth a closer look, in order.
    let mut look = |pos: usize| {
        let Some(i) = lines.line_of(pos) else {
            return;
        };
        let end = starts[i] + lens[i];
        let line = &b[starts[i]..end];
        let at = pos - starts[i];
        let c = b[pos];
        let h = &mut out[i];
        match c {
            b'0'..=b'9' => {
                // A whole number: its length, and what follows its last digit (only what the
                // line's hints do not say yet).
                *h |= Hints::DIGIT;
                if h.has(Hints::YEAR | Hints::TIME | Hints::AMOUNT) {
                    return;
                }
                let len = line[at..].iter().take_while(|c| c.is_ascii_digit()).count();
                let last = at + len - 1;
                if len >= 4 {
                    *h |= Hints::YEAR;
                }
                if !h.has(Hints::TIME) && time_at(line, last) {
                    *h |= Hints::TIME;
                }
                if unit_letter_after(line, last + 1) {
                    *h |= Hints::AMOUNT;
                }
                return;
            }
            b'%' => *h |= Hints::PERCENT,
            b'<' => *h |= Hints::LT,
            b'[' => *h |= Hints::BRACKET,
            b'(' => *h |= Hints::PAREN,
            _ => {}
        }
        if matches!(c | 0x20, b'h' | b'm' | b's' | b'd')
            && !h.has(Hints::AMOUNT)
            && amount_at(line, at)
        {
            *h |= Hints::AMOUNT;
        }
        if matches!(
            c | 0x20,
            b'o' | b'd' | b'c' | b's' | b'u' | b'i' | b'l' | b'e' | b'r'
        ) {
            let rest = &line[at..];
            for (w, hint) in WORDS {
                if !h.has(*hint) && rest.starts_with(w.as_bytes()) {
                    *h |= *hint;
                }
            }
        }
        if c.is_ascii_alphabetic() && !h.has(MONTH_WORD) {
            let len = line[at..]
                .iter()
                .take_while(|c| c.is_ascii_alphabetic())
                .count();
            if super::when::word_is_month(&line[at..at + len]) {
                *h |= MONTH_WORD;
            }
        }
    };
    for (block, &mask) in marks(b).iter().enumerate() {
        let mut mask = mask;
        while mask != 0 {
            let k = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            look(block * W + k);
        }
    }
    // A month name counts only on a line with a digit: dates need both.
    for h in out.iter_mut() {
        if h.has(MONTH_WORD | Hints::DIGIT) {
            *h |= Hints::MONTH;
        }
        h.0 &= !MONTH_WORD.0;
    }
}

/// Bytes per block of [`marks`].
const W: usize = 32;

/// For each block of [`W`] bytes of `b`, a mask with bit `k` set when byte `k` of the
/// block is worth a closer look ([`worth_a_look`]).
fn marks(b: &[u8]) -> Vec<u32> {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { marks_avx2(b) };
    }
    marks_portable(b)
}

/// [`marks_portable`] with AVX2 instructions: for each block of [`W`] bytes, the bytes
/// are read four times (shifted by one byte back and one and two ahead, for `prev`,
/// `next` and `next2`), [`worth_a_look`] is computed on all 32 lanes at once, and the
/// lanes' results become the mask in one instruction. The first and the last blocks,
/// whose neighbours are outside `b`, are read from a copy padded with spaces, which is what
/// the neighbours are beyond the ends.
///
/// # Safety
///
/// The CPU must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn marks_avx2(b: &[u8]) -> Vec<u32> {
    let blocks = b.len().div_ceil(W);
    let mut out = Vec::with_capacity(blocks);
    // A block read from a padded copy: `from` is where the copy starts in `b` (one byte
    // before the block, or the block itself at the start), `lead` the spaces before it.
    let padded = |from: usize, lead: usize| {
        let mut buf = [b' '; W + 3];
        let end = b.len().min(from + W + 3 - lead);
        buf[lead..lead + end - from].copy_from_slice(&b[from..end]);
        // SAFETY: `buf` holds the byte before the block, the block and two bytes after it.
        unsafe { avx2_block(buf.as_ptr().add(1)) }
    };
    if blocks == 0 {
        return out;
    }
    out.push(padded(0, 1));
    for k in 1..blocks {
        let pos = k * W;
        out.push(if pos + W + 1 < b.len() {
            // SAFETY: `pos - 1 .. pos + W + 2` is inside `b`.
            unsafe { avx2_block(b.as_ptr().add(pos)) }
        } else {
            padded(pos - 1, 0)
        });
    }
    out
}

/// [`worth_a_look`] for the [`W`] bytes at `p`, as a mask.
///
/// # Safety
///
/// The CPU must have AVX2, and the bytes from `p - 1` to `p + W + 1` must be readable.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn avx2_block(p: *const u8) -> u32 {
    use std::arch::x86_64::*;
    let splat = |c: u8| _mm256_set1_epi8(c as i8);
    // `x` in `lo..=hi` (unsigned), lane by lane.
    let within = |x: __m256i, lo: u8, hi: u8| {
        _mm256_and_si256(
            _mm256_cmpeq_epi8(_mm256_max_epu8(x, splat(lo)), x),
            _mm256_cmpeq_epi8(_mm256_min_epu8(x, splat(hi)), x),
        )
    };
    let is = |x: __m256i, c: u8| _mm256_cmpeq_epi8(x, splat(c));
    let or = |a: __m256i, b: __m256i| _mm256_or_si256(a, b);
    let and = |a: __m256i, b: __m256i| _mm256_and_si256(a, b);
    // SAFETY: the caller promises `p - 1 .. p + W + 2` is readable; the loads are
    // unaligned loads.
    let (before, ch, after, after2) = unsafe {
        (
            _mm256_loadu_si256(p.sub(1).cast()),
            _mm256_loadu_si256(p.cast()),
            _mm256_loadu_si256(p.add(1).cast()),
            _mm256_loadu_si256(p.add(2).cast()),
        )
    };
    let case = splat(0x20);
    let number = _mm256_andnot_si256(within(before, b'0', b'9'), within(ch, b'0', b'9'));
    let mark = or(
        or(is(ch, b'%'), is(ch, b'<')),
        or(is(ch, b'['), is(ch, b'(')),
    );
    let (l, n, n2) = (or(ch, case), or(after, case), or(after2, case));
    let prev_letter = within(or(before, case), b'a', b'z');
    // Three letters: `l` then `n` then `n2`.
    let three = |a: u8, b: u8, c: u8| and(and(is(l, a), is(n, b)), is(n2, c));
    let unit = or(
        or(
            or(three(b'h', b'o', b'u'), and(is(l, b'h'), is(n, b'r'))),
            three(b'm', b'i', b'n'),
        ),
        or(three(b's', b'e', b'c'), three(b'd', b'a', b'y')),
    );
    let any = |heads: &[[u8; 3]]| {
        heads.iter().fold(_mm256_setzero_si256(), |m, [a, b, c]| {
            or(m, three(*a, *b, *c))
        })
    };
    let month = any(&MONTH_HEADS);
    let hint_word = any(&WORD_HEADS);
    let word = or(_mm256_andnot_si256(prev_letter, or(unit, month)), hint_word);
    _mm256_movemask_epi8(or(or(number, mark), word)) as u32
}

#[inline(always)]
fn marks_portable(b: &[u8]) -> Vec<u32> {
    let mut out = Vec::with_capacity(b.len().div_ceil(W));
    let mut pos = 0;
    while pos < b.len() {
        let n = W.min(b.len() - pos);
        let mut flags = [0u8; W];
        if n == W && pos > 0 && pos + W + 1 < b.len() {
            let block = |from: usize| -> &[u8; W] {
                b[from..from + W].try_into().expect("a block of W bytes")
            };
            let (before, ch) = (block(pos - 1), block(pos));
            let (after, after2) = (block(pos + 1), block(pos + 2));
            for k in 0..W {
                flags[k] = u8::from(worth_a_look(before[k], ch[k], after[k], after2[k]));
            }
        } else {
            for (k, flag) in flags.iter_mut().enumerate().take(n) {
                let i = pos + k;
                let (prev, next, next2) = neighbours(b, i);
                *flag = u8::from(worth_a_look(prev, b[i], next, next2));
            }
        }
        out.push(bit_mask(flags));
        pos += n;
    }
    out
}

/// The byte before `i` and the two after it, spaces beyond the ends of `b`.
fn neighbours(b: &[u8], i: usize) -> (u8, u8, u8) {
    let at = |j: usize| b.get(j).copied().unwrap_or(b' ');
    let prev = if i == 0 { b' ' } else { b[i - 1] };
    (prev, at(i + 1), at(i + 2))
}

/// Bit `k` set when `flags[k]` is 1 (every flag is 0 or 1): eight flags at a time, gathered
/// into the top byte by one multiplication.
#[inline(always)]
pub(super) fn bit_mask(flags: [u8; W]) -> u32 {
    let pack = |k: usize| {
        let eight = u64::from_le_bytes(flags[k * 8..k * 8 + 8].try_into().expect("8 flags"));
        (eight.wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32
    };
    pack(0) | pack(1) << 8 | pack(2) << 16 | pack(3) << 24
}

/// Finds the line of positions given in increasing order.
struct Cursor<'a> {
    starts: &'a [usize],
    lens: &'a [usize],
    at: usize,
}

impl Cursor<'_> {
    fn line_of(&mut self, pos: usize) -> Option<usize> {
        while self.at + 1 < self.starts.len() && self.starts[self.at + 1] <= pos {
            self.at += 1;
        }
        let (s, n) = (*self.starts.get(self.at)?, self.lens[self.at]);
        (s <= pos && pos < s + n).then_some(self.at)
    }
}

/// The bytes worth a closer look (`c`, after `prev`, before `next` and `next2`): the first
/// digit of a number; `%`, `<`, `[` or `(`; the start of a word (not after a letter:
/// `15Sep94` has a month name too) whose first three letters (any case) start a unit
/// (`hou`, `hr`, `min`, `sec`, `day`) or a month (`jan` … `dec`); the first three letters
/// (any case) of a hint word ([`WORDS`]), anywhere. Branch-free, so that a block of these
/// compiles to vector instructions.
fn worth_a_look(prev: u8, c: u8, next: u8, next2: u8) -> bool {
    let is_digit = |c: u8| c.wrapping_sub(b'0') < 10;
    let number = is_digit(c) & !is_digit(prev);
    let mark = (c == b'%') | (c == b'<') | (c == b'[') | (c == b'(');
    let (l, n, n2) = (c | 0x20, next | 0x20, next2 | 0x20);
    let prev_letter = (prev | 0x20).wrapping_sub(b'a') < 26;
    let three = |a: u8, b: u8, c: u8| (l == a) & (n == b) & (n2 == c);
    let unit = three(b'h', b'o', b'u')
        | (l == b'h') & (n == b'r')
        | three(b'm', b'i', b'n')
        | three(b's', b'e', b'c')
        | three(b'd', b'a', b'y');
    let any = |heads: &[[u8; 3]]| {
        heads
            .iter()
            .fold(false, |m, [a, b, c]| m | three(*a, *b, *c))
    };
    let month = any(&MONTH_HEADS);
    // The hint words (`WORDS`), anywhere in a word.
    let word = any(&WORD_HEADS);
    number | mark | ((unit | month) & !prev_letter) | word
}

/// A digit at `i` of `b` then `:`/`.`/`h` and a digit, or then `am`/`pm` (`a.m`, ` PM`):
/// the shapes every clock time with digits has.
fn time_at(b: &[u8], i: usize) -> bool {
    match b.get(i + 1) {
        Some(b':' | b'.' | b'h' | b'H') => b.get(i + 2).is_some_and(u8::is_ascii_digit),
        _ => {
            let j = if b.get(i + 1) == Some(&b' ') {
                i + 2
            } else {
                i + 1
            };
            b.get(j)
                .is_some_and(|c| matches!(c.to_ascii_lowercase(), b'a' | b'p'))
                && b[(j + 1).min(b.len())..(j + 4).min(b.len())]
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(&b'm'))
        }
    }
}

/// `h`, `m` or `s` at `i` of `b` after a digit, or a word starting at `i` with `hour`, `hr`,
/// `min`, `sec` or `day` (any case): where an amount of time may be.
fn amount_at(b: &[u8], i: usize) -> bool {
    let c = b[i] | 0x20;
    let prev = if i == 0 { b' ' } else { b[i - 1] };
    if prev.is_ascii_alphabetic() {
        return false;
    }
    if prev.is_ascii_digit() && c != b'd' {
        return true;
    }
    // A whole unit word (`hours`, not `hourly`; `min`, not `minor`; `second`, not
    // `security`) …
    let len = b[i..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    let word = &b[i..i + len];
    if !UNIT_WORDS
        .iter()
        .any(|u| word.eq_ignore_ascii_case(u.as_bytes()))
    {
        return false;
    }
    // … after a number: digits, or a number word (`an hour`, `two-day`), with white space
    // or hyphens between.
    let mut j = i;
    while j > 0 && is_gap(b[j - 1]) {
        j -= 1;
    }
    if j > 0 && b[j - 1].is_ascii_digit() {
        return true;
    }
    let from = j - b[..j]
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    let before = &b[from..j];
    NUMBER_WORDS
        .iter()
        .any(|n| before.eq_ignore_ascii_case(n.as_bytes()))
}

/// A unit letter right after a number (`2h`, `10ms`, `5min`), or a one-letter unit word
/// after white space or hyphens (`2 h`, `30 m`); `i` is where the number ends.
fn unit_letter_after(b: &[u8], i: usize) -> bool {
    let is_unit = |c: &u8| matches!(c | 0x20, b'h' | b'm' | b's');
    if b.get(i).is_some_and(is_unit) {
        return true;
    }
    let j = i + b[i.min(b.len())..]
        .iter()
        .take_while(|c| is_gap(**c))
        .count();
    j > i && b.get(j).is_some_and(is_unit) && !b.get(j + 1).is_some_and(u8::is_ascii_alphabetic)
}

/// What may stand between a number and its unit: white space (`\s` of the duration
/// regexes) or a hyphen.
fn is_gap(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'-' | b'\r' | 0x0b | 0x0c)
}

/// A digit then `:`/`.`/`h` and a digit, or a digit then `am`/`pm` (`a.m`, ` PM`): what
/// every clock time with digits has.
pub fn may_have_time(b: &[u8]) -> bool {
    (0..b.len()).any(|i| b[i].is_ascii_digit() && time_at(b, i))
}

/// One cheap pass before the duration regexes: an amount needs a unit that follows a digit
/// (`2h`, `45min`, `2 h`), or a whole unit word (`hours`, `min`, `day`) after a number
/// (`45 min`, `an hour`, `two-day`). A one-letter unit after a number word (`a h`) is no
/// amount.
pub fn may_have_amount(b: &[u8]) -> bool {
    let number_end =
        |i: usize| b[i].is_ascii_digit() && !b.get(i + 1).is_some_and(u8::is_ascii_digit);
    (0..b.len()).any(|i| {
        (matches!(b[i] | 0x20, b'h' | b'm' | b's' | b'd') && amount_at(b, i))
            || (number_end(i) && unit_letter_after(b, i + 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What each hint promises, checked the slow way on one line.
    fn promised(line: &str, h: Hints) -> Result<(), TestCaseError> {
        let b = line.as_bytes();
        let has = |w: &str| line.contains(w);
        prop_assert_eq!(h.has(Hints::DIGIT), b.iter().any(u8::is_ascii_digit));
        prop_assert_eq!(h.has(Hints::TIME), may_have_time(b));
        prop_assert_eq!(h.has(Hints::AMOUNT), may_have_amount(b));
        prop_assert_eq!(
            h.has(Hints::YEAR),
            b.windows(4).any(|w| w.iter().all(u8::is_ascii_digit))
        );
        prop_assert_eq!(
            h.has(Hints::NOON),
            ["oon", "OON", "dnight", "DNIGHT"].iter().any(|w| has(w))
        );
        prop_assert_eq!(
            h.has(Hints::PERCENT),
            has("%") || has("cent") || has("CENT")
        );
        prop_assert_eq!(
            h.has(Hints::PEOPLE),
            ["sers", "ustomer", "isitor", "lient", "ccount", "ubscriber"]
                .iter()
                .any(|w| has(w))
        );
        prop_assert_eq!(h.has(Hints::SEVERITY), has("everity") || has("riority"));
        prop_assert_eq!(h.has(Hints::PAREN), has("("));
        prop_assert_eq!(h.has(Hints::LT), has("<"));
        prop_assert_eq!(h.has(Hints::BRACKET), has("["));
        prop_assert_eq!(h.has(Hints::MONTH), super::super::when::date_hints(b).1);
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

        #[test]
        fn every_line_gets_exactly_its_hints(
            body in "([0-9:%<\\[(a-zA-Z .é\r\n-]|hour|noon|OON|Oon|cent|Cent|users|Users|SERS|Severity|everit|priority|ccount|ccoun|ustomer|isitor|lient|ubscriber|midnight|MIDNIGHT|dnigh|day|sec|2h|10 am|May|sept|Mar|min|HR|Hrs|jan|Jul|aug|DEC|nov|Oct|feb|apr|june|15Sep94|xmin|sec5){0,60}"
        ) {
            let ls = crate::extract::lines(&body, 1);
            for l in &ls {
                promised(l.text, l.hints)?;
                prop_assert_eq!(l.hints, of(l.text));
            }
        }

        #[test]
        fn any_text_gets_exactly_its_hints(s in any::<String>()) {
            promised(&s, of(&s))?;
        }
    }

    #[test]
    fn hints_of_forms() {
        let d = Hints::DIGIT;
        let cases: &[(&str, Hints)] = &[
            ("at 14:00 UTC", d | Hints::TIME),
            ("around 10am", d | Hints::TIME),
            ("shortly after noon", Hints::NOON),
            ("on 2023-03-01", d | Hints::YEAR),
            ("1 May", d | Hints::MONTH),
            ("we may see 2", d | Hints::MONTH),
            ("the summary, 2", d),
            ("affected 30% of users", d | Hints::PERCENT | Hints::PEOPLE),
            ("eighty PERCENT", Hints::PERCENT),
            ("down for an hour", Hints::AMOUNT),
            ("lasted 2h", d | Hints::AMOUNT),
            ("Duration (minutes): 5", d | Hints::PAREN),
            ("a minor security fix the same day", Hints::default()),
            ("twenty-five seconds", Hints::AMOUNT),
            ("**Severity:** high", Hints::SEVERITY),
            ("a<br>b [x]", Hints::LT | Hints::BRACKET),
            ("the shrine; a mad dash", Hints::default()),
        ];
        for (text, want) in cases {
            assert_eq!(of(text), *want, "{text}");
        }
    }

    #[test]
    fn lines_get_the_hints_of_their_own_text() {
        let body = "one hour\nthe summary 5\r\n\n10:00 noon\nday 1234 5a\nm ::: :::";
        let mut starts = Vec::new();
        let mut lens = Vec::new();
        let mut at = 0;
        for l in body.split('\n') {
            starts.push(at);
            lens.push(l.trim_end_matches('\r').len());
            at += l.len() + 1;
        }
        let mut out = vec![Hints::default(); starts.len()];
        of_lines(body, &starts, &lens, &mut out);
        for (i, (&s, &n)) in starts.iter().zip(&lens).enumerate() {
            assert_eq!(out[i], of(&body[s..s + n]), "line {i}");
        }
        // `5a` then `m` on the next line is not a time.
        assert!(!out[4].any(Hints::TIME));
    }

    #[test]
    fn long_lines_use_every_lane() {
        for pad in 0..40 {
            let mut line = "x".repeat(pad);
            line.push_str("2024 ::::::");
            assert_eq!(of(&line), Hints::DIGIT | Hints::YEAR, "{pad}");
        }
    }

    #[test]
    fn bit_masks() {
        let mut f = [0u8; W];
        assert_eq!(bit_mask(f), 0);
        for k in [0, 7, 8, 15, 16, 31] {
            f[k] = 1;
        }
        assert_eq!(
            bit_mask(f),
            1 | 1 << 7 | 1 << 8 | 1 << 15 | 1 << 16 | 1 << 31
        );
        assert_eq!(bit_mask([1; W]), u32::MAX);
    }

    proptest! {
        /// The vector build (AVX2 where the CPU has it) marks what the portable one marks.
        /// Also on text made of the bytes that matter, across many blocks.
        #[test]
        fn every_build_marks_the_same_bytes_of_text(
            s in "([0-9%<\\[(. ]|[hmsdjfaonHMSDJFAON][oriaeupcORIAEUPC][unrcybglptvUNRCYBGLPTV]?|[odcsuilerODCSUILER][onesbivcONESBIVC][nirtseoNIRTSEO]|[a-z]|é){0,200}"
        ) {
            let b = s.as_bytes();
            prop_assert_eq!(marks(b), marks_portable(b));
        }

        #[test]
        fn every_build_marks_the_same_bytes(b in proptest::collection::vec(any::<u8>(), 0..200)) {
            prop_assert_eq!(marks(&b), marks_portable(&b));
            for (i, &c) in b.iter().enumerate() {
                let (prev, next, next2) = neighbours(&b, i);
                let marked = marks_portable(&b)[i / W] >> (i % W) & 1 == 1;
                prop_assert_eq!(marked, worth_a_look(prev, c, next, next2));
            }
        }
    }

    #[test]
    fn byte_checks_agree_with_the_simple_scans() {
        for text in [
            "10 am",
            "10a.m",
            "9:5",
            "9:55",
            "2 PM",
            "2h",
            "x3m",
            "a 4 day",
            "the day",
            "xhour",
            "2 - hours",
            "one minute",
            "oneminute",
            "a sec",
            "minimum",
            "2 secure",
        ] {
            let h = of(text);
            assert_eq!(h.has(Hints::TIME), may_have_time(text.as_bytes()), "{text}");
            assert_eq!(
                h.has(Hints::AMOUNT),
                may_have_amount(text.as_bytes()),
                "{text}"
            );
        }
    }
}
