//! Front matter → metadata. Every known key is checked for its type and turned into a fact
//! marked `front_matter` with its line; unknown keys are warnings (with the closest known key)
//! and stay available to templates as `extra`.
//!
//! | key                          | accepted values                                        |
//! |------------------------------|--------------------------------------------------------|
//! | `title`, `summary`, `impact`, `status` | string                                       |
//! | `severity`                   | string or integer (`2` → `SEV2`)                        |
//! | `date`                       | `2023-03-01`, a TOML date, or a date-time               |
//! | `started_at`, `detected_at`, `resolved_at` | `2023-03-01T10:00:00-08:00`, `2023-03-01 10:00` (site zone), `…[Europe/Paris]` |
//! | `duration`                   | `"2h30m"`, `"90m"`, `"1.5 hours"`, or minutes as an integer |
//! | `impact_percent`             | number or `"30%"`                                       |
//! | `timezone`                   | zone as written (`PST`, `UTC-5`, `Europe/Paris`)        |
//! | `tags`, `services`, `authors`| list of strings (a single string is accepted, with a warning) |
//! | `draft`                      | boolean                                                 |
//! | `slug`                       | string, made URL-safe                                   |
//! | `visibility`                 | `public` or `internal` (read by `edition`)              |
//!
//! Other tools' keys are read through [`ALIASES`] (Hugo/Jekyll `categories`, `description`,
//! `lastmod`; cState `resolvedWhen`, `resolved`, `affected`). Blog keys such as `layout` or
//! `author` mark `date` as the publication date: the text's own outage date then wins.
//! A file without delimiters may open with bare `key: value` lines ([`bare_header`]).

use jiff::civil::{Date, DateTime};
use serde_json::Value;

use super::zone::{parse_zone, time_zone};
use crate::content::{Field, FrontMatter};
use crate::diagnostic::{suggest, Diagnostic};
use crate::model::{Found, IncidentMeta, Minutes, Percent, Source, Zone};

pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "date",
    "slug",
    "draft",
    "tags",
    "services",
    "severity",
    "status",
    "summary",
    "authors",
    "started_at",
    "detected_at",
    "resolved_at",
    "duration",
    "impact",
    "impact_percent",
    "timezone",
    "visibility",
];

/// Keys of other tools: `(their key, inquest key)`. `None` keeps the value in `extra`
/// without a warning.
pub const ALIASES: &[(&str, Option<&str>)] = &[
    ("categories", Some("tags")),
    ("category", Some("tags")),
    ("description", Some("summary")),
    ("author", Some("authors")),
    ("resolvedWhen", Some("resolved_at")),
    ("resolvedwhen", Some("resolved_at")),
    ("affected", Some("services")),
    ("affectedsystems", Some("services")),
    ("lastmod", None),
    ("modified", None),
    ("layout", None),
    ("id", None),
    ("cover", None),
    ("permalink", None),
    ("team", None),
    ("excerpt", None),
    ("resolved", None),
];

/// Keys that say the front matter belongs to a blog post, whose `date` is when it was published.
pub const BLOG_KEYS: &[&str] = &[
    "layout",
    "author",
    "categories",
    "category",
    "cover",
    "lastmod",
    "description",
    "permalink",
    "excerpt",
    "team",
];

/// What bare `key: value` header lines (and the front matter's flavour) say.
#[derive(Debug, Clone, Default)]
pub struct Header {
    /// How many body lines the bare header takes.
    pub lines: usize,
    pub title: Option<Found<String>>,
    /// `date` is a publication date (blog front matter or a bare header).
    pub publication_date: bool,
    pub date: Option<Found<Date>>,
}

/// Reads bare `key: value` lines at the very top of a body (at least two known keys).
pub fn bare_header(lines: &[super::Line]) -> Header {
    const KEYS: &[&str] = &[
        "date",
        "author",
        "title",
        "slug",
        "category",
        "categories",
        "tags",
    ];
    let mut h = Header::default();
    let mut n = 0;
    let mut found = Vec::new();
    for l in lines {
        let Some((k, v)) = l.text.split_once(':') else {
            break;
        };
        let k = k.trim().to_ascii_lowercase();
        if !KEYS.contains(&k.as_str()) || v.trim().is_empty() {
            break;
        }
        found.push((k, v.trim().to_string(), l.no));
        n += 1;
    }
    if found.len() < 2 {
        return h;
    }
    h.lines = n;
    h.publication_date = true;
    for (k, v, line) in found {
        let src = Source::Prose {
            line,
            rule: "bare_header",
        };
        match k.as_str() {
            "title" => h.title = Some(Found::new(v.trim_matches('"').to_string(), src)),
            "date" => {
                if let Some(d) = super::when::dates(&v).first().and_then(|d| match d.value {
                    super::when::DateVal::Known(d) => Some(d),
                    _ => None,
                }) {
                    h.date = Some(Found::new(d, src));
                }
            }
            _ => {}
        }
    }
    h
}

/// True when the front matter has keys only blogs use.
pub fn is_blog(fm: &FrontMatter) -> bool {
    fm.fields
        .iter()
        .any(|f| BLOG_KEYS.contains(&f.key.as_str()))
}

/// Instants from front matter, resolved after the zone is known.
#[derive(Debug, Default)]
pub struct FrontInstants {
    pub started_at: Option<(Stamp, u32)>,
    pub detected_at: Option<(Stamp, u32)>,
    pub resolved_at: Option<(Stamp, u32)>,
}

/// A date-time as written in front matter: with its own zone or offset, or local.
#[derive(Debug, Clone)]
pub enum Stamp {
    Zoned(jiff::Zoned, Zone),
    Local(DateTime),
}

/// Applies the front matter to `meta`. `taxonomies` are extra list-valued keys the site
/// declares (beyond tags and services); their values go to `extra`.
pub fn apply(
    fm: &FrontMatter,
    shown: &str,
    taxonomies: &[String],
    meta: &mut IncidentMeta,
    diags: &mut Vec<Diagnostic>,
) -> FrontInstants {
    let mut instants = FrontInstants::default();
    let blog = is_blog(fm);
    for field in &fm.fields {
        // `summary = ""` or a bare YAML `summary:` means "not filled in yet", not an error.
        let empty =
            field.value.is_null() || field.value.as_str().is_some_and(|s| s.trim().is_empty());
        if empty && KNOWN_KEYS.contains(&field.key.as_str()) {
            continue;
        }
        let src = || Source::FrontMatter {
            line: field.line,
            key: field.key.clone(),
        };
        let alias = ALIASES.iter().find(|(k, _)| *k == field.key);
        let key: &str = match alias {
            Some((_, Some(to))) => to,
            Some((_, None)) => {
                if field.key == "resolved"
                    && field.value == Value::Bool(true)
                    && meta.status.is_none()
                {
                    meta.status = Some(Found::new("resolved".to_string(), src()));
                }
                meta.extra.insert(field.key.clone(), field.value.clone());
                continue;
            }
            None => field.key.as_str(),
        };
        let mut bad = |expected: &str, example: &str| {
            diags.push(
                Diagnostic::error(
                    shown,
                    field.line,
                    format!(
                        "`{}`: expected {expected}, but found `{}`",
                        field.key,
                        short(&field.value)
                    ),
                )
                .with_hint(format!("write it like `{example}`")),
            );
        };
        match key {
            "title" | "summary" | "impact" | "status" => match text(&field.value) {
                Some(s) => {
                    let f = Some(Found::new(s, src()));
                    match key {
                        "title" => meta.title = f,
                        "summary" => meta.summary = f,
                        "impact" => meta.impact = f,
                        _ => meta.status = f,
                    }
                }
                None => bad("a string", &format!("{} = \"…\"", field.key)),
            },
            "severity" => match &field.value {
                Value::String(s) if !s.trim().is_empty() => {
                    meta.severity = Some(Found::new(s.trim().to_string(), src()))
                }
                Value::Number(n) if n.is_u64() => {
                    meta.severity = Some(Found::new(format!("SEV{n}"), src()))
                }
                _ => bad("a severity such as `SEV2`", "severity = \"SEV2\""),
            },
            "slug" => match text(&field.value) {
                Some(s) => meta.slug = Some(Found::new(s, src())),
                None => bad("a string", "slug = \"db-outage\""),
            },
            "draft" => match field.value {
                Value::Bool(b) => meta.draft = b,
                _ => bad("`true` or `false`", "draft = true"),
            },
            "tags" | "services" => {
                let list = if field.key == "categories" || field.key == "category" {
                    // Jekyll writes categories space-separated.
                    match &field.value {
                        Value::String(s) => s
                            .split([',', ' '])
                            .filter(|s| !s.is_empty())
                            .map(String::from)
                            .collect(),
                        _ => string_list(field, shown, diags),
                    }
                } else {
                    string_list(field, shown, diags)
                };
                let target = if key == "tags" {
                    &mut meta.tags
                } else {
                    &mut meta.services
                };
                target.extend(list.into_iter().map(|v| Found::new(v, src())));
            }
            "authors" => match &field.value {
                Value::String(s) => meta.authors.push(s.trim().to_string()),
                _ => meta.authors = string_list(field, shown, diags),
            },
            "date" => match parse_date_value(&field.value) {
                Some(d) => {
                    meta.date = Some(Found::new(d, src()));
                    // A status entry's date-time with its own offset is when the incident began.
                    if !blog && instants.started_at.is_none() && fm.get("started_at").is_none() {
                        if let Some(s @ Stamp::Zoned(..)) = parse_stamp(&field.value) {
                            instants.started_at = Some((s, field.line));
                        }
                    }
                }
                None => bad("a date (YYYY-MM-DD) that exists", "date = 2023-03-01"),
            },
            "started_at" | "detected_at" | "resolved_at" => match parse_stamp(&field.value) {
                Some(s) => {
                    let slot = match key {
                        "started_at" => &mut instants.started_at,
                        "detected_at" => &mut instants.detected_at,
                        _ => &mut instants.resolved_at,
                    };
                    *slot = Some((s, field.line));
                }
                None => bad(
                    "a date and time",
                    &format!("{} = \"2023-03-01T10:00:00-08:00\"", field.key),
                ),
            },
            "duration" => match parse_duration_value(&field.value) {
                Some(m) => meta.duration = Some(Found::new(m, src())),
                None => bad("a duration", "duration = \"2h30m\""),
            },
            "impact_percent" => match parse_percent_value(&field.value) {
                Some(p) => meta.impact_percent = Some(Found::new(p, src())),
                None => bad("a number from 0 to 100", "impact_percent = 30"),
            },
            "timezone" => match text(&field.value).and_then(|s| parse_zone(&s)) {
                Some(z) => meta.timezone = Some(Found::new(z, src())),
                None => bad(
                    "a time zone (abbreviation, offset or IANA name)",
                    "timezone = \"America/Los_Angeles\"",
                ),
            },
            // Read (and checked) by `edition`, which knows which edition is being built.
            "visibility" => {}
            key if taxonomies.iter().any(|t| t == key) => {
                let list = string_list(field, shown, diags);
                meta.extra.insert(key.to_string(), Value::from(list));
            }
            key => {
                let mut d = Diagnostic::warning(
                    shown,
                    field.line,
                    format!(
                        "unknown front-matter key `{key}`; kept for templates as `extra.{key}`"
                    ),
                );
                let known = KNOWN_KEYS
                    .iter()
                    .copied()
                    .chain(taxonomies.iter().map(String::as_str));
                if let Some(s) = suggest(key, known) {
                    d = d.with_hint(format!("did you mean `{s}`?"));
                }
                diags.push(d);
                meta.extra.insert(key.to_string(), field.value.clone());
            }
        }
    }
    instants
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

fn short(v: &Value) -> String {
    let s = match v {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    };
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

fn string_list(field: &Field, shown: &str, diags: &mut Vec<Diagnostic>) -> Vec<String> {
    match &field.value {
        Value::Array(items) => {
            let mut out = Vec::new();
            for item in items {
                match item {
                    Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
                    Value::Number(n) => out.push(n.to_string()),
                    other => diags.push(
                        Diagnostic::error(
                            shown,
                            field.line,
                            format!(
                                "`{}`: expected a list of strings, but found `{}` in it",
                                field.key,
                                short(other)
                            ),
                        )
                        .with_hint(format!(
                            "write it like `{} = [\"database\", \"api\"]`",
                            field.key
                        )),
                    ),
                }
            }
            out
        }
        Value::String(s) => {
            diags.push(
                Diagnostic::warning(
                    shown,
                    field.line,
                    format!("`{}`: expected a list, but found the string `\"{s}\"`; read as a list of one", field.key),
                )
                .with_hint(format!("write it like `{} = [\"{s}\"]`", field.key)),
            );
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        }
        Value::Null => Vec::new(),
        other => {
            diags.push(
                Diagnostic::error(
                    shown,
                    field.line,
                    format!(
                        "`{}`: expected a list of strings, but found `{}`",
                        field.key,
                        short(other)
                    ),
                )
                .with_hint(format!(
                    "write it like `{} = [\"database\", \"api\"]`",
                    field.key
                )),
            );
            Vec::new()
        }
    }
}

/// `2023-03-01`, or the date part of a date-time.
pub fn parse_date_value(v: &Value) -> Option<Date> {
    let Value::String(s) = v else { return None };
    let s = s.trim();
    if let Ok(d) = s.parse::<Date>() {
        return Some(d);
    }
    match parse_stamp(v)? {
        Stamp::Zoned(z, _) => Some(z.date()),
        Stamp::Local(dt) => Some(dt.date()),
    }
}

/// A date-time with an offset or bracketed IANA zone, an RFC 3339 string, or a local
/// `YYYY-MM-DD HH:MM[:SS]` optionally followed by a zone as written (`PST`, `UTC-5`).
pub fn parse_stamp(v: &Value) -> Option<Stamp> {
    let Value::String(s) = v else { return None };
    let s = s.trim();
    if let Ok(z) = s.parse::<jiff::Zoned>() {
        let name = z.time_zone().iana_name().map(String::from);
        let zone = Zone {
            written: name.clone().unwrap_or_else(|| z.offset().to_string()),
            offset_minutes: if name.is_some() {
                None
            } else {
                Some(z.offset().seconds() / 60)
            },
            iana: name,
            ambiguous: false,
        };
        return Some(Stamp::Zoned(z, zone));
    }
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        // An RFC 3339 string with an offset: keep the offset as written.
        let offset = offset_suffix(s).unwrap_or(0);
        let tz = jiff::tz::TimeZone::fixed(jiff::tz::Offset::from_seconds(offset * 60).ok()?);
        let zone = Zone {
            written: if offset == 0 && s.ends_with(['Z', 'z']) {
                "UTC".into()
            } else {
                // As written: `+00:00`.
                s[s.len().saturating_sub(6)..].to_string()
            },
            offset_minutes: Some(offset),
            iana: None,
            ambiguous: false,
        };
        return Some(Stamp::Zoned(ts.to_zoned(tz), zone));
    }
    if let Ok(dt) = s.parse::<DateTime>() {
        return Some(Stamp::Local(dt));
    }
    // `2023-03-01 10:00 PST`
    let (head, zone_text) = s.rsplit_once(' ')?;
    let dt = head.trim().parse::<DateTime>().ok()?;
    let zone = parse_zone(zone_text)?;
    let tz = time_zone(&zone)?;
    let z = dt.to_zoned(tz).ok()?;
    Some(Stamp::Zoned(z, zone))
}

fn offset_suffix(s: &str) -> Option<i32> {
    let tail = &s[s.len().saturating_sub(6)..];
    super::zone::parse_offset(tail)
}

/// `+05:30`, `-08:00`.
pub fn format_offset(minutes: i32) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.abs();
    format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
}

/// `"2h30m"`, `"90m"`, `"1.5 hours"`, `"2 hours 30 minutes"`, or an integer of minutes.
pub fn parse_duration_value(v: &Value) -> Option<Minutes> {
    match v {
        Value::Number(n) => n
            .as_u64()
            .and_then(|m| u32::try_from(m).ok())
            .map(Minutes::new),
        Value::String(s) => parse_duration_text(s),
        _ => None,
    }
}

/// A compact or friendly duration (jiff's friendly format), in whole minutes.
pub fn parse_duration_text(s: &str) -> Option<Minutes> {
    let s = s.trim();
    if let Ok(m) = s.parse::<u32>() {
        return Some(Minutes::new(m));
    }
    // `1.5 hours` / `1.5h`: jiff only accepts fractions on the smallest unit, which is this.
    if let Ok(span) = s.parse::<jiff::Span>() {
        let total = span
            .total((jiff::Unit::Minute, jiff::civil::date(2000, 1, 1)))
            .ok()?;
        if total >= 0.0 && total < u32::MAX as f64 {
            return Some(Minutes::new(total.round() as u32));
        }
    }
    None
}

fn parse_percent_value(v: &Value) -> Option<Percent> {
    match v {
        Value::Number(n) => n.as_f64().and_then(Percent::new),
        Value::String(s) => s
            .trim()
            .trim_end_matches('%')
            .trim()
            .parse()
            .ok()
            .and_then(Percent::new),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::frontmatter::split;

    fn run(text: &str) -> (IncidentMeta, Vec<Diagnostic>, FrontInstants) {
        let fm = split(text, "a.md").unwrap().front.unwrap();
        let mut meta = IncidentMeta::default();
        let mut diags = Vec::new();
        let inst = apply(&fm, "a.md", &["teams".to_string()], &mut meta, &mut diags);
        (meta, diags, inst)
    }

    #[test]
    fn known_fields_are_typed_with_lines() {
        let (m, d, inst) = run(
            "+++\ntitle = \"DB down\"\ndate = 2023-03-01\nduration = \"2h30m\"\nimpact_percent = 30\nseverity = 2\ntags = [\"db\", \"dns\"]\nstarted_at = 2023-03-01T10:00:00-08:00\n+++\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(m.title.unwrap().source.line(), Some(2));
        assert_eq!(m.date.unwrap().value, jiff::civil::date(2023, 3, 1));
        assert_eq!(m.duration.unwrap().value, Minutes::new(150));
        assert_eq!(m.impact_percent.unwrap().value.get(), 30.0);
        assert_eq!(m.severity.unwrap().value, "SEV2");
        assert_eq!(m.tags.len(), 2);
        assert!(matches!(inst.started_at, Some((Stamp::Zoned(..), 8))));
    }

    #[test]
    fn wrong_types_are_located_errors() {
        let (_, d, _) = run("+++\ntitle = \"x\"\ndate = 5\n+++\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].is_error());
        assert_eq!(d[0].line, 3);
        assert!(d[0].message.contains("expected a date"), "{}", d[0].message);
    }

    #[test]
    fn impossible_date_is_an_error() {
        let (_, d, _) = run("---\ndate: 2023-02-30\n---\n");
        assert!(d[0].is_error() && d[0].line == 2, "{d:?}");
    }

    #[test]
    fn string_tags_become_a_list_with_a_warning() {
        let (m, d, _) = run("+++\ntags = \"db\"\n+++\n");
        assert_eq!(m.tags[0].value, "db");
        assert!(!d[0].is_error());
    }

    #[test]
    fn unknown_keys_warn_with_suggestion_and_stay_in_extra() {
        let (m, d, _) = run("+++\ntitel = \"x\"\nteams = [\"sre\"]\n+++\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].hint.as_deref(), Some("did you mean `title`?"));
        assert!(m.extra.contains_key("titel"));
        assert_eq!(m.extra["teams"], serde_json::json!(["sre"]));
    }

    #[test]
    fn durations() {
        let cases = [
            ("2h30m", 150),
            ("90m", 90),
            ("1.5 hours", 90),
            ("2 hours 30 minutes", 150),
            ("45", 45),
            ("1h", 60),
        ];
        for (s, want) in cases {
            assert_eq!(parse_duration_text(s), Some(Minutes::new(want)), "{s}");
        }
        assert_eq!(parse_duration_text("soon"), None);
    }

    #[test]
    fn stamps() {
        let local = parse_stamp(&Value::from("2023-03-01 10:00")).unwrap();
        assert!(matches!(local, Stamp::Local(_)));
        let Stamp::Zoned(z, zone) = parse_stamp(&Value::from("2023-03-01 10:00 PST")).unwrap()
        else {
            panic!()
        };
        assert_eq!(z.offset().seconds(), -8 * 3600);
        assert_eq!(zone.written, "PST");
        let Stamp::Zoned(_, zone) = parse_stamp(&Value::from("2023-03-01T10:00:00+05:30")).unwrap()
        else {
            panic!()
        };
        assert_eq!(zone.offset_minutes, Some(330));
    }
}
