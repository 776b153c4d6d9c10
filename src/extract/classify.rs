//! Severity, services and tags read from the text.
//!
//! | fact     | written                                              | value            |
//! |----------|------------------------------------------------------|------------------|
//! | severity | `SEV1`, `Sev-2`, `SEV 3` anywhere in a label or title | `SEV1` …         |
//! | severity | `Severity: P1`, `Priority: P0`                       | `P1`, `P0`       |
//! | severity | `Severity: critical` / `major` / `minor` / `high`     | `critical` …     |
//! | services | a name from `extract.services` as a whole word       | that name        |
//! | tags     | a keyword of [`TAG_KEYWORDS`] (or `extract.tag_keywords`) as a whole word, in the title or the summary, or [`TAG_MENTIONS`] times in all | the tag (derived) |
//!
//! Automatic tags say what an incident was about, not every word a long post uses in
//! passing ("we also checked the DNS"): a keyword counts where a reader looks first, the
//! title and the summary (front matter `summary`, a `Summary`/`Overview`/`TL;DR` section,
//! else the opening paragraph), or when the tag's keywords come up [`TAG_MENTIONS`] times.

use std::sync::LazyLock;

use regex::Regex;

use super::hints::Hints;
use super::keywords::Keywords;
use super::Line;
use crate::config::ExtractConfig;
use crate::model::{Found, Source};

static SEV_RE: LazyLock<Regex> =
    LazyLock::new(|| super::re(r"(?i)(?-u:\b)sev(?:erity)?[\s-]?([0-4])(?-u:\b)").unwrap());
static SEV_LABEL_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)^[\s*_#>-]*(?:severity|priority|incident\s+(?:severity|priority|level))\s*[*_]*\s*[:=-]\s*[*_]*\s*(p[0-4]|sev[\s-]?[0-4]|critical|major|minor|high|medium|low)(?-u:\b)").unwrap()
});

/// Built-in keyword → tag table; matched case-insensitively as whole words.
pub const TAG_KEYWORDS: &[(&str, &[&str])] = &[
    (
        "authentication",
        &[
            "authentication",
            "login",
            "log in",
            "sign-in",
            "signin",
            "oauth",
            "sso",
            "password",
            "credentials",
            "session token",
        ],
    ),
    (
        "database",
        &[
            "database",
            "mysql",
            "postgres",
            "postgresql",
            "mongodb",
            "sql",
            "replica",
            "primary db",
            "db",
        ],
    ),
    ("dns", &["dns", "resolver", "nameserver", "domain name"]),
    (
        "deploy",
        &[
            "deploy",
            "deployment",
            "deployed",
            "release",
            "rollout",
            "rollback",
            "rolled back",
        ],
    ),
    (
        "network",
        &[
            "network",
            "connectivity",
            "packet loss",
            "firewall",
            "bgp",
            "routing",
            "port 80",
            "port 443",
        ],
    ),
    (
        "configuration",
        &["misconfiguration", "configuration", "config", "typo"],
    ),
    (
        "capacity",
        &[
            "capacity",
            "out of memory",
            "oom",
            "disk full",
            "traffic spike",
            "overload",
            "overloaded",
            "quota",
            "resource limit",
        ],
    ),
    (
        "certificate",
        &["certificate", "ssl", "tls", "certbot", "https"],
    ),
    ("ddos", &["ddos", "denial of service", "denial-of-service"]),
    ("storage", &["storage", "disk", "volume", "s3", "bucket"]),
    ("cache", &["cache", "redis", "memcached", "cdn"]),
    (
        "load-balancer",
        &["load balancer", "load-balancer", "haproxy", "elb"],
    ),
    ("web-server", &["nginx", "apache", "web server"]),
    (
        "security",
        &[
            "breach",
            "compromised",
            "vulnerability",
            "exploit",
            "attacker",
        ],
    ),
];

fn word_re(words: &[String]) -> Option<Regex> {
    if words.is_empty() {
        return None;
    }
    let alts: Vec<String> = words
        .iter()
        .map(|w| regex::escape(w.trim()))
        .filter(|w| !w.is_empty())
        .collect();
    Regex::new(&format!(r"(?i)(?-u:\b)(?:{})(?-u:\b)", alts.join("|"))).ok()
}

/// Tag keywords as whole words, also in the plural (`configurations`, `caches`).
fn keyword_re(words: &[String]) -> Option<Regex> {
    let alts: Vec<String> = words
        .iter()
        .map(|w| regex::escape(w.trim()))
        .filter(|w| !w.is_empty())
        .collect();
    if alts.is_empty() {
        return None;
    }
    super::re(&format!(
        r"(?i)(?-u:\b)(?:{})(?:e?s)?(?-u:\b)",
        alts.join("|")
    ))
    .ok()
}

/// False when [`SEV_RE`] cannot match `text`: every match holds `sev`, in any case (the
/// regex is ASCII).
fn may_name_severity(text: &str) -> bool {
    super::when::contains_ci(text, "sev")
}

pub fn severity(lines: &[Line], title: &str) -> Option<Found<String>> {
    let sev = may_name_severity(title).then(|| SEV_RE.captures(title));
    if let Some(c) = sev.flatten() {
        return Some(Found::new(
            format!("SEV{}", &c[1]),
            Source::derived("the title"),
        ));
    }
    for l in lines.iter().filter(|l| !l.code) {
        let labelled = l.hints.any(Hints::SEVERITY)
            && ["everity", "riority"].iter().any(|w| l.text.contains(w));
        if let Some(c) = labelled.then(|| SEV_LABEL_RE.captures(l.text)).flatten() {
            let v = c[1].to_ascii_uppercase().replace([' ', '-'], "");
            let v = if v.starts_with("SEV") || v.starts_with('P') {
                v
            } else {
                c[1].to_ascii_lowercase()
            };
            return Some(Found::new(
                v,
                Source::Prose {
                    line: l.no,
                    rule: "severity_label",
                },
            ));
        }
    }
    None
}

pub fn services(lines: &[Line], cfg: &ExtractConfig) -> Vec<Found<String>> {
    let mut out = Vec::new();
    for name in &cfg.services {
        let Some(re) = cached_word_re(std::slice::from_ref(name)) else {
            continue;
        };
        if let Some(l) = lines.iter().find(|l| re.is_match(l.text)) {
            out.push(Found::new(
                name.clone(),
                Source::Prose {
                    line: l.no,
                    rule: "configured_service",
                },
            ));
        }
    }
    out
}

thread_local! {
    /// The regexes of the site's own words (`extract.services`, `extract.tag_keywords`),
    /// compiled once per thread rather than once per document.
    static SITE_WORDS: std::cell::RefCell<std::collections::HashMap<Vec<String>, Option<std::rc::Rc<Regex>>>> =
        Default::default();
}

fn cached_word_re(words: &[String]) -> Option<std::rc::Rc<Regex>> {
    cached(words, false)
}

fn cached_keyword_re(words: &[String]) -> Option<std::rc::Rc<Regex>> {
    cached(words, true)
}

fn cached(words: &[String], plurals: bool) -> Option<std::rc::Rc<Regex>> {
    let mut key = words.to_vec();
    key.push(plurals.to_string());
    SITE_WORDS.with(|cache| {
        cache
            .borrow_mut()
            .entry(key)
            .or_insert_with(|| {
                let re = if plurals {
                    keyword_re(words)
                } else {
                    word_re(words)
                };
                re.map(std::rc::Rc::new)
            })
            .clone()
    })
}

/// The built-in keywords, longest first (ties in table order), so `load balancer` wins over
/// shorter overlaps.
pub(crate) fn builtin_words() -> Vec<&'static str> {
    let mut words: Vec<&'static str> = TAG_KEYWORDS
        .iter()
        .flat_map(|(_, ws)| ws.iter().copied())
        .collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    words
}

static BUILTIN_WORDS: LazyLock<Vec<&'static str>> = LazyLock::new(builtin_words);

/// All built-in keywords, found in one pass over the text.
static BUILTIN: LazyLock<Keywords> = LazyLock::new(|| {
    Keywords::new(&BUILTIN_WORDS).expect("built-in tag keywords start and end with letters")
});

/// For each keyword of [`BUILTIN_WORDS`] found with nothing, `s` or `es` after it, the tag
/// (index in [`TAG_KEYWORDS`]) that [`builtin_tag`] gives the text found.
static BUILTIN_TAGS: LazyLock<Vec<[Option<usize>; 3]>> = LazyLock::new(|| {
    BUILTIN_WORDS
        .iter()
        .map(|w| ["", "s", "es"].map(|suffix| builtin_tag(&format!("{w}{suffix}"))))
        .collect()
});

/// Every built-in keyword with the index of its tag in [`TAG_KEYWORDS`], sorted by keyword.
static KEYWORD_TAG: LazyLock<Vec<(&'static str, usize)>> = LazyLock::new(|| {
    let mut v: Vec<(&'static str, usize)> = TAG_KEYWORDS
        .iter()
        .enumerate()
        .flat_map(|(t, (_, ws))| ws.iter().map(move |w| (*w, t)))
        .collect();
    v.sort();
    v
});

/// The tag (its index in [`TAG_KEYWORDS`]) of a keyword as found (perhaps in the plural).
fn builtin_tag(found: &str) -> Option<usize> {
    // Keywords are short: lower-cased on the stack.
    let mut buf = [0u8; 32];
    let word = buf.get_mut(..found.len())?;
    word.copy_from_slice(found.as_bytes());
    word.make_ascii_lowercase();
    let word = std::str::from_utf8(word).ok()?;
    let tag = [Some(word), word.strip_suffix("es"), word.strip_suffix('s')]
        .into_iter()
        .flatten()
        .find_map(|w| {
            let i = KEYWORD_TAG.binary_search_by(|(k, _)| (*k).cmp(w)).ok()?;
            Some(KEYWORD_TAG[i].1)
        });
    tag
}

/// How many times the keywords of a tag must come up when none is in the title or summary.
pub const TAG_MENTIONS: usize = 3;

/// A section heading that introduces the summary (after `#`, emphasis and a colon).
static SUMMARY_HEADING_RE: LazyLock<Regex> = LazyLock::new(|| {
    super::re(r"(?i)^(?:(?:issue|incident|executive|short)\s+)?(?:summary|overview|tl;?\s*dr|abstract|what\s+happened)$").unwrap()
});

/// `SUMMARY_HEADING_RE.is_match(b)`. The regex (ASCII rules) matches only texts that end
/// with one of a few words: others are refused without running it.
fn summary_heading(b: &str) -> bool {
    ["summary", "overview", "dr", "abstract", "happened"]
        .iter()
        .any(|w| super::ends_with_ci(b, w))
        && SUMMARY_HEADING_RE.is_match(b)
}

/// The lines of the body's summary: a section whose heading says Summary, Overview, TL;DR
/// (up to the next heading), else the opening paragraph (after a title heading, up to the
/// first blank line or heading). At most 12 lines either way.
fn summary_lines(lines: &[Line]) -> std::ops::Range<u32> {
    fn bare(t: &str) -> &str {
        super::trim(t)
            .trim_start_matches('#')
            .trim_matches(['*', '_', ' '])
            .trim_end_matches(':')
            .trim_matches(['*', '_', ' '])
    }
    let is_heading = |t: &str| {
        let t = super::trim(t);
        t.starts_with('#')
            || (t.len() > 4 && t.starts_with("**") && t.ends_with("**"))
            || (t.ends_with(':') && t.split_whitespace().count() <= 5)
    };
    // The words of a summary heading are short: longer lines are never one.
    let says_summary = |t: &str| t.len() < 40 && summary_heading(bare(t));
    let prose = || lines.iter().filter(|l| !l.code);
    let range = |from: &mut dyn Iterator<Item = &Line>| -> std::ops::Range<u32> {
        let mut first = None;
        let mut last = 0;
        for l in from.take(12) {
            first.get_or_insert(l.no);
            last = l.no;
        }
        first.map_or(0..0, |f| f..last + 1)
    };
    let heading = prose()
        .position(|l| is_heading(l.text) && says_summary(l.text))
        // `Issue Summary` alone on its line (a plain-text pseudo-heading).
        .or_else(|| prose().position(|l| says_summary(l.text)));
    if let Some(i) = heading {
        return range(&mut prose().skip(i + 1).take_while(|l| !is_heading(l.text)));
    }
    // The opening paragraph: after a title heading, up to a blank line or a heading.
    let mut rest = prose()
        .skip_while(|l| super::trim(l.text).is_empty())
        .peekable();
    if rest
        .peek()
        .is_some_and(|l| super::trim_start(l.text).starts_with('#'))
    {
        rest.next();
    }
    range(
        &mut rest
            .skip_while(|l| super::trim(l.text).is_empty())
            .take_while(|l| !super::trim(l.text).is_empty() && !is_heading(l.text)),
    )
}

/// Automatic tags from keywords in the title, the summary (front matter `summary` or the
/// body's summary lines), or mentioned [`TAG_MENTIONS`] times in the text. `lines` are
/// lines of `body`.
pub fn tags(
    body: &str,
    lines: &[Line],
    cfg: &ExtractConfig,
    title: &str,
    summary: Option<&str>,
) -> Vec<Found<String>> {
    if !cfg.auto_tags {
        return Vec::new();
    }
    #[derive(Default, Clone)]
    struct Seen {
        /// The first keyword seen.
        first: Option<String>,
        /// The first keyword seen in the title or summary, and where.
        prominent: Option<(String, &'static str)>,
        count: usize,
    }
    let extra: Vec<(&String, std::rc::Rc<Regex>)> = cfg
        .tag_keywords
        .iter()
        .filter_map(|(tag, words)| cached_keyword_re(words).map(|re| (tag, re)))
        .collect();
    // The built-in tags by their index in TAG_KEYWORDS, then the site's own (a site's
    // keywords for a built-in tag count for that tag).
    let slot: Vec<usize> = extra
        .iter()
        .enumerate()
        .map(|(j, (tag, _))| {
            TAG_KEYWORDS
                .iter()
                .position(|(t, _)| t == tag)
                .unwrap_or(TAG_KEYWORDS.len() + j)
        })
        .collect();
    let mut seen = vec![Seen::default(); TAG_KEYWORDS.len() + extra.len()];
    let mut note = |tag: usize, keyword: &str, place: Option<&'static str>| {
        let s = &mut seen[tag];
        if s.first.is_none() {
            s.first = Some(keyword.to_ascii_lowercase());
        }
        if let (None, Some(p)) = (&s.prominent, place) {
            s.prominent = Some((keyword.to_ascii_lowercase(), p));
        }
        s.count += 1;
    };
    let mut builtin = |text: &str, place: Option<&'static str>| {
        BUILTIN.find(text, |start, end, k| {
            let suffix = end - start - BUILTIN_WORDS[k].len();
            if let Some(tag) = BUILTIN_TAGS[k][suffix] {
                note(tag, &text[start..end], place);
            }
        });
    };
    builtin(title, Some("the title"));
    if let Some(s) = summary {
        builtin(s, Some("the summary"));
    }
    // The body in one pass. Each keyword found is placed on its line by a walk forward (the
    // lines are slices of `body`, in order); no keyword holds a line break, so one found
    // outside the lines (a header) or on a line of code is in no line read.
    let lead = summary_lines(lines);
    let base = body.as_ptr() as usize;
    let offset = |l: &Line| (l.text.as_ptr() as usize).wrapping_sub(base);
    let mut k = 0;
    BUILTIN.find(body, |start, end, kw| {
        while lines.get(k).is_some_and(|l| offset(l) + l.text.len() < end) {
            k += 1;
        }
        let Some(l) = lines.get(k).filter(|l| !l.code && offset(l) <= start) else {
            return;
        };
        let suffix = end - start - BUILTIN_WORDS[kw].len();
        if let Some(tag) = BUILTIN_TAGS[kw][suffix] {
            note(
                tag,
                &body[start..end],
                lead.contains(&l.no).then_some("the summary"),
            );
        }
    });
    let body = || lines.iter().filter(|l| !l.code);
    // The site's own keywords, after the built-in ones.
    if !extra.is_empty() {
        let mut site = |text: &str, place: &mut dyn FnMut(usize) -> Option<&'static str>| {
            for ((_, re), &slot) in extra.iter().zip(&slot) {
                for m in re.find_iter(text) {
                    note(slot, m.as_str(), place(m.start()));
                }
            }
        };
        site(title, &mut |_| Some("the title"));
        if let Some(s) = summary {
            site(s, &mut |_| Some("the summary"));
        }
        // The body as one text (lines joined), and where each line starts in it.
        let mut text = String::with_capacity(lines.iter().map(|l| l.text.len() + 1).sum());
        let mut starts: Vec<(usize, u32)> = Vec::with_capacity(lines.len());
        for l in body() {
            if !text.is_empty() {
                text.push('\n');
            }
            starts.push((text.len(), l.no));
            text.push_str(l.text);
        }
        // Matches come in order: the line they are on is found by walking forward.
        let mut k = 0;
        site(&text, &mut |at| {
            while k + 1 < starts.len() && starts[k + 1].0 <= at {
                k += 1;
            }
            starts
                .get(k)
                .is_some_and(|(_, no)| lead.contains(no))
                .then_some("the summary")
        });
    }
    // Names as `&str`: only the tags kept become strings.
    let names = TAG_KEYWORDS
        .iter()
        .map(|(t, _)| *t)
        .chain(extra.iter().map(|(t, _)| t.as_str()));
    let mut out: Vec<Found<String>> = names
        .zip(seen)
        .filter_map(|(tag, s)| {
            let from = match (s.prominent, s.first) {
                (Some((kw, place)), _) => format!("the keyword `{kw}` in {place}"),
                (None, Some(kw)) if s.count >= TAG_MENTIONS => {
                    format!("the keyword `{kw}`, {} mentions", s.count)
                }
                _ => return None,
            };
            Some(Found::new(tag.to_string(), Source::derived(from)))
        })
        .collect();
    out.sort_by(|a, b| a.value.cmp(&b.value));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::lines;

    #[test]
    fn severities() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("", "SEV1: Primary database down", Some("SEV1")),
            ("**Severity:** Sev-2\n", "x", Some("SEV2")),
            ("- Priority: P0\n", "x", Some("P0")),
            ("Severity: Critical\n", "x", Some("critical")),
            ("We used P2P sync and it had a major impact.\n", "x", None),
        ];
        for (text, title, want) in cases {
            assert_eq!(
                severity(&lines(text, 1), title).map(|f| f.value).as_deref(),
                *want,
                "{text}"
            );
        }
    }

    #[test]
    fn tags_and_services() {
        let mut cfg = ExtractConfig {
            services: vec!["checkout-api".into(), "search".into()],
            ..Default::default()
        };
        cfg.tag_keywords
            .insert("queue".into(), vec!["rabbitmq".into()]);
        let text =
            "The checkout-api lost its RabbitMQ link after a bad DNS change.\nresearch notes\n";
        let ls = lines(text, 1);
        let s: Vec<String> = services(&ls, &cfg).into_iter().map(|f| f.value).collect();
        assert_eq!(s, ["checkout-api"]);
        // The only paragraph is the opening one: its keywords count.
        let t: Vec<String> = tags(text, &ls, &cfg, "", None)
            .into_iter()
            .map(|f| f.value)
            .collect();
        assert_eq!(t, ["dns", "queue"]);
        cfg.auto_tags = false;
        assert!(tags(text, &ls, &cfg, "", None).is_empty());
    }

    proptest::proptest! {
        /// The cheap test before the title's severity regex never refuses what it matches.
        #[test]
        fn a_severity_in_the_title_says_sev(
            t in "(x|é|DB )?(SEV|sev|Severity|SEVERITY|se v|s)[ \t-]?[0-5](x| |é|)"
        ) {
            proptest::prop_assert!(may_name_severity(&t) || !SEV_RE.is_match(&t));
        }

        /// The cheap test before the summary-heading regex never refuses what it matches.
        #[test]
        fn summary_heading_is_the_regex(
            t in "((issue|Incident|EXECUTIVE|short)[ \t]{1,2})?(summary|Overview|tl;dr|TL; DR|abstract|what  happened|ſummary|x|:|é| ){0,3}"
        ) {
            proptest::prop_assert_eq!(summary_heading(&t), SUMMARY_HEADING_RE.is_match(&t));
        }
    }

    fn tag_names(text: &str, title: &str, summary: Option<&str>) -> Vec<String> {
        tags(
            text,
            &lines(text, 1),
            &ExtractConfig::default(),
            title,
            summary,
        )
        .into_iter()
        .map(|f| f.value)
        .collect()
    }

    /// A long post that names a keyword once, in passing, is not about it; the title, the
    /// summary or repeated mentions say what it is about.
    #[test]
    fn tags_need_the_title_the_summary_or_repeated_mentions() {
        let body = "# Checkout errors after a deploy\n\n\
                    The checkout service returned errors for 40 minutes.\n\n\
                    ## Timeline\n\n\
                    - 10:00 a deploy of the checkout service starts\n\
                    - 10:05 we ruled out DNS early on\n\
                    - 10:20 the deploy is rolled back\n\n\
                    ## Root cause\n\n\
                    A bad flag in the deploy. The Redis cache was fine.\n";
        let t = tag_names(body, "Checkout errors after a deploy", None);
        assert_eq!(
            t,
            ["deploy"],
            "dns and cache are mentioned once each, in passing"
        );
        // Plurals count: `configurations` is the keyword `configuration`.
        let t = tag_names("We edited the wrong nginx configurations.\n", "x", None);
        assert_eq!(t, ["configuration", "web-server"]);
        // Three mentions of a tag's keywords anywhere are enough.
        let t = tag_names(
            "# Outage\n\nIt broke.\n\n## Notes\n\nThe resolver failed. DNS was slow. A nameserver was down.\n",
            "Outage",
            None,
        );
        assert_eq!(t, ["dns"]);
        // A Summary section, or the front matter's summary, counts like the title.
        let t = tag_names(
            "# Outage\n\n## Timeline\n\n- 10:00 x\n\n## Summary\n\nA certificate expired.\n\n## More\n\nredis\n",
            "Outage",
            None,
        );
        assert_eq!(t, ["certificate"]);
        let t = tag_names(
            "## Timeline\n\n- 10:00 x\n",
            "Outage",
            Some("A firewall rule dropped traffic."),
        );
        assert_eq!(t, ["network"]);
        // Plain-text pseudo-headings: `Issue Summary` alone on its line.
        let t = tag_names(
            "My first postmortem\nIssue Summary\nUsers could not log in: the database was full.\nTimeline\n- 10:00 x\n",
            "My first postmortem",
            None,
        );
        assert_eq!(t, ["authentication", "database"]);
    }

    #[test]
    fn a_sites_keywords_add_to_a_built_in_tag() {
        let mut cfg = ExtractConfig::default();
        cfg.tag_keywords.insert("dns".into(), vec!["bind".into()]);
        let text = "x\n\n## A\n\nThe resolver and DNS failed; bind was restarted.\n";
        let t: Vec<String> = tags(text, &lines(text, 1), &cfg, "x", None)
            .into_iter()
            .map(|f| f.value)
            .collect();
        assert_eq!(
            t,
            ["dns"],
            "resolver, DNS and bind are three mentions of one tag"
        );
    }

    /// The body is read in one pass, but only on the lines given, and not in code blocks.
    #[test]
    fn tags_read_only_the_lines_given_outside_code() {
        let text = "Service: DNS DNS DNS\n\nIt broke.\n\n```\ncache cache cache\n```\n\n## Notes\n\nThe CDN, the CDN and the CDN again.\n";
        let all = lines(text, 1);
        let t: Vec<String> = tags(text, &all[1..], &ExtractConfig::default(), "x", None)
            .into_iter()
            .map(|f| f.value)
            .collect();
        assert_eq!(t, ["cache"], "three mentions of the CDN, none of DNS");
        let why = tags(text, &all[1..], &ExtractConfig::default(), "x", None)[0]
            .source
            .to_string();
        assert_eq!(why, "derived from the keyword `cdn`, 3 mentions");
    }

    #[test]
    fn tag_provenance_says_why() {
        let text = "x\n\n## A\n\nbgp, bgp and bgp again\n";
        let t = tags(
            text,
            &lines(text, 1),
            &ExtractConfig::default(),
            "DNS outage",
            None,
        );
        let why: Vec<String> = t.iter().map(|f| f.source.to_string()).collect();
        assert_eq!(
            why,
            [
                "derived from the keyword `dns` in the title",
                "derived from the keyword `bgp`, 3 mentions"
            ]
        );
    }
}
