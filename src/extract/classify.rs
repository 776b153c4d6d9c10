//! Severity, services and tags read from the text.
//!
//! | fact     | written                                              | value            |
//! |----------|------------------------------------------------------|------------------|
//! | severity | `SEV1`, `Sev-2`, `SEV 3` anywhere in a label or title | `SEV1` …         |
//! | severity | `Severity: P1`, `Priority: P0`                       | `P1`, `P0`       |
//! | severity | `Severity: critical` / `major` / `minor` / `high`     | `critical` …     |
//! | services | a name from `extract.services` as a whole word       | that name        |
//! | tags     | a keyword of [`TAG_KEYWORDS`] (or `extract.tag_keywords`) as a whole word | the tag (derived) |

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use super::hints::Hints;
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

pub fn severity(lines: &[Line], title: &str) -> Option<Found<String>> {
    if let Some(c) = SEV_RE.captures(title) {
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
        let Some(re) = word_re(std::slice::from_ref(name)) else {
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

/// All built-in keywords in one regex (one pass over the text), longest first so
/// `load balancer` wins over shorter overlaps.
static BUILTIN_TAGS_RE: LazyLock<Regex> = LazyLock::new(|| {
    let mut words: Vec<String> = TAG_KEYWORDS
        .iter()
        .flat_map(|(_, ws)| ws.iter().map(|w| w.to_string()))
        .collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    word_re(&words).expect("built-in tag keywords form a regex")
});

static KEYWORD_TAG: LazyLock<std::collections::HashMap<&'static str, &'static str>> =
    LazyLock::new(|| {
        TAG_KEYWORDS
            .iter()
            .flat_map(|(t, ws)| ws.iter().map(move |w| (*w, *t)))
            .collect()
    });

fn builtin_tag(keyword: &str) -> Option<&'static str> {
    KEYWORD_TAG
        .get(keyword.to_ascii_lowercase().as_str())
        .copied()
}

pub fn tags(lines: &[Line], cfg: &ExtractConfig) -> Vec<Found<String>> {
    if !cfg.auto_tags {
        return Vec::new();
    }
    let text: String = lines
        .iter()
        .filter(|l| !l.code)
        .map(|l| l.text)
        .collect::<Vec<_>>()
        .join("\n");
    // tag -> first keyword seen
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for m in BUILTIN_TAGS_RE.find_iter(&text) {
        if let Some(tag) = builtin_tag(m.as_str()) {
            seen.entry(tag.to_string())
                .or_insert_with(|| m.as_str().to_ascii_lowercase());
        }
    }
    for (tag, words) in &cfg.tag_keywords {
        if let Some(m) = word_re(words).and_then(|re| re.find(&text)) {
            seen.entry(tag.clone())
                .or_insert_with(|| m.as_str().to_ascii_lowercase());
        }
    }
    seen.into_iter()
        .map(|(tag, kw)| Found::new(tag, Source::derived(format!("the keyword `{kw}`"))))
        .collect()
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
        let ls = lines(
            "The checkout-api lost its RabbitMQ link after a bad DNS change.\nresearch notes\n",
            1,
        );
        let s: Vec<String> = services(&ls, &cfg).into_iter().map(|f| f.value).collect();
        assert_eq!(s, ["checkout-api"]);
        let t: Vec<String> = tags(&ls, &cfg).into_iter().map(|f| f.value).collect();
        assert_eq!(t, ["dns", "queue"]);
        cfg.auto_tags = false;
        assert!(tags(&ls, &cfg).is_empty());
    }
}
