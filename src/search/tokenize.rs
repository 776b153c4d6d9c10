//! The tokenizer and the query-side English stemmer. `engine.js` carries the same rules for
//! queries and excerpt highlighting; `tokenize_cases.json` is the table both are checked
//! against (here in `tests.rs`, in Chromium by the browser tests).
//!
//! | text                  | terms                   | rule                                            |
//! | --------------------- | ----------------------- | ----------------------------------------------- |
//! | `Deploy FAILED`       | `deploy`, `failed`      | runs of letters and digits, lowercased          |
//! | `api-gateway`, `a_b`  | `api`, `gateway`; `a`, `b` | anything else separates                      |
//! | `10:00`, `v1.2.3`, `2,400` | `10:00`, `v1.2.3`, `2,400` | `.` `,` `:` between two ASCII digits join |
//! | `don't`, `team’s`     | `dont`, `teams`         | an apostrophe between two letters is dropped    |
//! | `p0`, `SEV1`, `ΣΊΣΥΦΟΣ` | `p0`, `sev1`, `σίσυφοσ` | any script; final sigma folds to σ            |
//! | `数据库`, `カタカナ`   | one term per character  | Han, Hiragana and Katakana have no spaces       |
//!
//! Letters are Unicode `Alphabetic`, digits `Numeric` (`\p{N}`), plus the combining marks
//! U+0300–U+036F so that decomposed accents stay in their word. Terms are cut to
//! `MAX_TERM_CHARS` characters.

/// Longer terms (hashes, base64 in logs) are cut to this many characters.
pub const MAX_TERM_CHARS: usize = 40;

/// Query words shorter than this match whole terms only; longer ones also match every
/// term they begin (`deploy` → `deployment`).
pub const MIN_PREFIX_CHARS: usize = 3;

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF66}'..='\u{FF9F}'
        | '\u{20000}'..='\u{2FA1F}')
}

fn is_word(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    (c.is_alphabetic() || c.is_numeric() || ('\u{300}'..='\u{36F}').contains(&c)) && !is_cjk(c)
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Calls `f(start, end, term)` for every token of `text`, in order; `start..end` is the
/// token's byte range in `text` (apostrophes and joiners included), `term` its normalised
/// form. `term` is only valid during the call.
pub fn each(text: &str, mut f: impl FnMut(usize, usize, &str)) {
    let bytes = text.as_bytes();
    let mut term = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if !b.is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            // Fast path: a run of ASCII letters and digits that no joiner or other letter
            // continues (most words of most postmortems).
            let mut j = i + 1;
            while j < bytes.len() && bytes[j].is_ascii_alphanumeric() {
                j += 1;
            }
            let last = bytes[j - 1];
            let simple = j - i <= MAX_TERM_CHARS
                && match bytes.get(j) {
                    None => true,
                    Some(&n) if n >= 0x80 => false,
                    Some(b'\'') => !last.is_ascii_alphabetic(),
                    Some(b'.' | b',' | b':') => !last.is_ascii_digit(),
                    Some(_) => true,
                };
            if simple {
                term.clear();
                term.push_str(&text[i..j]);
                term.make_ascii_lowercase();
                f(i, j, &term);
                i = j;
                continue;
            }
        } else {
            let c = text[i..].chars().next().expect("a character starts here");
            if is_cjk(c) {
                f(i, i + c.len_utf8(), &text[i..i + c.len_utf8()]);
                i += c.len_utf8();
                continue;
            }
            if !is_word(c) {
                i += c.len_utf8();
                continue;
            }
        }
        i = word(text, i, &mut term, &mut f);
    }
}

/// `each` without its fast path, to check the fast path against.
#[cfg(test)]
pub fn each_general(text: &str, mut f: impl FnMut(usize, usize, &str)) {
    let mut term = String::new();
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        let end = i + c.len_utf8();
        if is_cjk(c) {
            f(i, end, &text[i..end]);
            i = end;
        } else if is_word(c) {
            i = word(text, i, &mut term, &mut f);
        } else {
            i = end;
        }
    }
}

/// The general case of one word starting at `start`; returns where it ends.
fn word(
    text: &str,
    start: usize,
    term: &mut String,
    f: &mut impl FnMut(usize, usize, &str),
) -> usize {
    term.clear();
    let mut chars = 0;
    let mut push = |term: &mut String, c: char| {
        if c.is_ascii() {
            if chars < MAX_TERM_CHARS {
                term.push(c.to_ascii_lowercase());
                chars += 1;
            }
            return;
        }
        for l in c.to_lowercase() {
            if chars < MAX_TERM_CHARS {
                term.push(if l == 'ς' { 'σ' } else { l });
                chars += 1;
            }
        }
    };
    let mut it = text[start..]
        .char_indices()
        .map(|(i, c)| (start + i, c))
        .peekable();
    let (_, c) = it.next().expect("a word starts here");
    push(term, c);
    let mut prev = c;
    let mut end = start + c.len_utf8();
    while let Some(&(i, n)) = it.peek() {
        if is_word(n) {
            push(term, n);
            it.next();
            prev = n;
            end = i + n.len_utf8();
            continue;
        }
        // A joiner counts only with a word character of the right kind on both sides.
        let joins_letters = is_apostrophe(n) && prev.is_alphabetic();
        let joins_digits = matches!(n, '.' | ',' | ':') && prev.is_ascii_digit();
        if !(joins_letters || joins_digits) {
            break;
        }
        let after = text[i + n.len_utf8()..].chars().next();
        let ok = match after {
            Some(a) if joins_letters => a.is_alphabetic() && is_word(a),
            Some(a) => a.is_ascii_digit(),
            None => false,
        };
        if !ok {
            break;
        }
        it.next();
        if joins_digits {
            push(term, n);
        }
        let (j, a) = it.next().expect("checked above");
        push(term, a);
        prev = a;
        end = j + a.len_utf8();
    }
    f(start, end, term);
    end
}

/// The terms of `text`, in order (tests and queries; indexing uses `each`).
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each(text, |_, _, t| out.push(t.to_string()));
    out
}

/// A light English suffix stripping of one query word, for prefix matching: `deploying` →
/// `deploy`, `queries` → `quer`, `caches` → `cach`, `stopped` → `stop`, `services` →
/// `service`. Only lowercase ASCII words of five letters or more change (`dns`, `status`,
/// `class`, `speed`, `string` never do); the stem keeps at least `MIN_PREFIX_CHARS` letters
/// and a vowel. Index terms are never stemmed: the stem is matched as a prefix, which covers
/// the other forms.
pub fn stem_en(word: &str) -> Option<String> {
    let w = word.as_bytes();
    if w.len() < 5 || !w.iter().all(u8::is_ascii_lowercase) {
        return None;
    }
    let vowel = |s: &str| s.bytes().any(|b| b"aeiouy".contains(&b));
    let undouble = |s: &str| -> String {
        let b = s.as_bytes();
        let n = b.len();
        if n >= 2 && b[n - 1] == b[n - 2] && !b"aeioulsz".contains(&b[n - 1]) {
            s[..n - 1].to_string()
        } else {
            s.to_string()
        }
    };
    let stem = if let Some(s) = word.strip_suffix("ies") {
        Some(s.to_string()).filter(|s| s.len() >= 4)
    } else if let Some(s) = word.strip_suffix("ing") {
        Some(undouble(s)).filter(|s| w.len() >= 6 && vowel(s))
    } else if let Some(s) = word.strip_suffix("ed") {
        Some(undouble(s)).filter(|s| !s.ends_with('e') && vowel(s))
    } else if let Some(s) = word
        .strip_suffix("es")
        .filter(|s| s.ends_with(['s', 'x', 'z', 'h']))
    {
        Some(s.to_string())
    } else if word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
    {
        Some(word[..w.len() - 1].to_string())
    } else {
        None
    };
    stem.filter(|s| s.len() >= MIN_PREFIX_CHARS && s != word)
}
