//! Editions: a public and an internal site built from one archive. This module owns the rules;
//! `content::fences` only finds markers.
//!
//! | written                                        | where                                 | meaning                                  |
//! |------------------------------------------------|---------------------------------------|------------------------------------------|
//! | `visibility = "internal"` (`visibility: internal`) | front matter                      | the whole postmortem is internal         |
//! | `Visibility: internal`                         | a line of the body's opening block (before its first blank line) | the same, for files without front matter |
//! | `<!-- internal -->` … `<!-- /internal -->`     | the body, each marker alone on a line | an internal passage                      |
//! | a body made only of internal passages          |                                       | the whole postmortem is internal         |
//! | `[editions] internal_fields = ["authors"]`     | `site.toml`                           | those front-matter keys are internal     |
//!
//! The public edition takes all of it out of the `Document` before anything is extracted or
//! rendered (internal lines become empty lines, so every line number stays right), so nothing
//! internal can reach a title, an excerpt, a tag, a page, a feed, the search index or
//! `incidents.json`; internal postmortems are then left out whole. Whatever the public edition
//! cannot honour — a passage never closed, a stray or misspelt marker, an unknown `visibility` —
//! is an error there, so the build fails instead of publishing; the internal edition, which
//! shows everything anyway, only warns.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::Config;
use crate::content::fences::{self, Problem};
use crate::content::Document;
use crate::diagnostic::Diagnostic;
use crate::extract::front::{ALIASES, KNOWN_KEYS};
use crate::model::{Incident, IncidentMeta};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Edition {
    /// Leaves out internal postmortems, passages and fields.
    #[default]
    Public,
    /// Shows everything, internal content marked.
    Internal,
}

impl Edition {
    pub fn name(self) -> &'static str {
        match self {
            Edition::Public => "public",
            Edition::Internal => "internal",
        }
    }
}

impl std::fmt::Display for Edition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// `[editions] public_stats`: what the public statistics page counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PublicStats {
    /// Public postmortems only.
    #[default]
    Public,
    /// Internal postmortems too, anonymously: their dates, durations, detection times, impact
    /// and severity count in the figures; nothing names them.
    All,
}

/// One document prepared for an edition.
#[derive(Debug, Default)]
pub struct Prepared {
    /// The whole postmortem is internal.
    pub internal: bool,
    /// The body to render when it differs from the body to extract from: the internal edition
    /// keeps the markers for rendering (they become the marked block) but not for extraction.
    pub render_body: Option<String>,
    /// Public edition: the text taken out (the whole body of an internal postmortem), so that
    /// attachments it links to are not published either.
    pub internal_text: String,
    /// Internal edition: internal front-matter fields that extraction does not know (shown
    /// marked on the page instead of warned about as unknown keys).
    pub internal_extra: BTreeMap<String, Value>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Prepared {
    /// Records on the extracted metadata what extraction could not see.
    pub fn mark(&mut self, meta: &mut IncidentMeta) {
        meta.internal = self.internal;
        // Templates find them in `extra` too, as they would any other unknown key.
        meta.extra.extend(self.internal_extra.clone());
        meta.internal_extra = std::mem::take(&mut self.internal_extra);
    }
}

/// `Visibility: internal` at the start of a line (any case).
static HEADER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*visibility\s*:\s*(.*?)\s*$").expect("valid regex"));
static HEADER_ANYWHERE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?im)^\s*visibility\s*:").expect("valid regex"));

/// `public` → false, `internal` → true, empty → false (not filled in); anything else `None`.
fn visibility_of(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "public" => Some(false),
        "internal" => Some(true),
        _ => None,
    }
}

fn short(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

fn mentions_marker(v: &Value) -> bool {
    match v {
        Value::String(s) => fences::mentions_marker(s),
        Value::Array(a) => a.iter().any(mentions_marker),
        Value::Object(o) => o.values().any(mentions_marker),
        _ => false,
    }
}

/// True when front-matter `key` (or the key it is an alias of) is declared internal.
fn is_internal_key(key: &str, config: &Config) -> bool {
    let target = ALIASES
        .iter()
        .find(|(k, _)| *k == key)
        .and_then(|(_, t)| *t);
    config
        .editions
        .internal_fields
        .iter()
        .any(|f| f == key || Some(f.as_str()) == target)
}

/// Prepares `doc` for `config.edition`: reads its visibility, takes internal fields and
/// passages out (public edition) or keeps them for marking (internal edition), and reports
/// markers that cannot do what their author meant.
pub fn prepare(doc: &mut Document, config: &Config) -> Prepared {
    let edition = config.edition;
    let mut p = Prepared::default();
    let shown = doc.shown.clone();
    // What would leak from the public edition fails it; the internal edition only warns.
    let report = |line: u32, message: String, hint: String| match edition {
        Edition::Public => Diagnostic::error(&shown, line, message).with_hint(hint),
        Edition::Internal => Diagnostic::warning(&shown, line, message).with_hint(hint),
    };
    let mut internal = false;

    if let Some(fm) = &doc.front {
        if let Some(f) = fm.get("visibility") {
            let v = match &f.value {
                Value::String(s) => visibility_of(s),
                Value::Null => Some(false),
                _ => None,
            };
            internal |= v.unwrap_or(true);
            if v.is_none() {
                p.diagnostics.push(report(
                    f.line,
                    format!("`visibility`: expected `public` or `internal`, but found `{}`", short(&f.value)),
                    "write `visibility = \"internal\"` to keep this postmortem out of the public edition, or `visibility = \"public\"`".into(),
                ));
            }
        }
        for f in &fm.fields {
            let dropped = edition == Edition::Public && is_internal_key(&f.key, config);
            if !dropped && mentions_marker(&f.value) {
                p.diagnostics.push(report(
                    f.line,
                    format!("an internal marker in front matter hides nothing: `{}` is published whole", f.key),
                    format!("declare the key internal in site.toml (`[editions] internal_fields = [\"{}\"]`), or move the passage into the body", f.key),
                ));
            }
        }
    }

    // `Visibility: internal` lines: honoured in the opening block, reported further down.
    let mut header_lines: Vec<usize> = Vec::new();
    if HEADER_ANYWHERE.is_match(&doc.body) {
        let mut opening = true;
        let mut seen = false;
        for l in crate::extract::lines(&doc.body, doc.body_line) {
            let i = (l.no - doc.body_line) as usize;
            if l.text.trim().is_empty() {
                opening &= !seen;
                continue;
            }
            seen = true;
            // One word after `Visibility:`; a sentence there is prose (`Visibility: users
            // saw errors`), not a header.
            let Some(c) = HEADER
                .captures(l.text)
                .filter(|c| !l.code && c[1].split_whitespace().count() <= 1)
            else {
                continue;
            };
            let v = visibility_of(&c[1]);
            if opening {
                header_lines.push(i);
                internal |= v.unwrap_or(true);
                if v.is_none() {
                    p.diagnostics.push(report(
                        l.no,
                        format!("`Visibility:` expected `public` or `internal`, but found `{}`", &c[1]),
                        "write `Visibility: internal` to keep this postmortem out of the public edition".into(),
                    ));
                }
            } else if v == Some(true) {
                p.diagnostics.push(report(
                    l.no,
                    "`Visibility: internal` counts only in the file's opening lines; here it is read as text and hides nothing".into(),
                    "move it to the top of the file (before the first blank line), or use `visibility = \"internal\"` in front matter".into(),
                ));
            }
        }
    }

    let scan = fences::scan(&doc.body);
    for problem in &scan.problems {
        let at = |i: usize| doc.body_line + i as u32;
        let d = match *problem {
            Problem::Unclosed { line } => report(
                at(line),
                match edition {
                    Edition::Public => format!("`{}` is never closed; the public edition is not built rather than publish what follows", fences::OPEN),
                    Edition::Internal => format!("`{}` is never closed; everything after it is internal", fences::OPEN),
                },
                format!("add a line `{}` where the internal passage ends", fences::CLOSE),
            ),
            Problem::Nested { line, outer } => report(
                at(line),
                format!("`{}` inside the internal passage opened on line {}: passages do not nest", fences::OPEN, at(outer)),
                format!("remove this marker, or close the passage above first with `{}`", fences::CLOSE),
            ),
            Problem::Stray { line } => report(
                at(line),
                format!("`{}` closes no internal passage", fences::CLOSE),
                format!("add `{}` where the internal passage starts, or remove this line", fences::OPEN),
            ),
            Problem::Inline { line } => report(
                at(line),
                "an internal marker with other text on its line hides nothing".into(),
                format!("put `{}` and `{}` on lines of their own around the passage", fences::OPEN, fences::CLOSE),
            ),
            Problem::NearMiss { line } => report(
                at(line),
                format!(
                    "expected an internal marker, but found `{}`",
                    doc.body.lines().nth(line).unwrap_or("").trim()
                ),
                format!("write `{}` … `{}`, each on a line of its own", fences::OPEN, fences::CLOSE),
            ),
            Problem::InCode { line } => Diagnostic::warning(
                &shown,
                at(line),
                "internal marker inside a code block: the public edition leaves the fenced lines out, but the internal edition shows the markers as code",
            )
            .with_hint("put the markers outside the code block, around all of it"),
            Problem::Indent { open, close } => Diagnostic::warning(
                &shown,
                at(close),
                format!("the internal passage opened on line {} closes at another indentation; the internal edition may mark only part of it", at(open)),
            )
            .with_hint("indent both markers alike: both inside the same list item, or both at the start of the line"),
        };
        p.diagnostics.push(d);
    }

    // Take out, or keep for marking, what is internal in the front matter.
    if let Some(fm) = doc.front.as_mut() {
        match edition {
            Edition::Public => fm.fields.retain(|f| !is_internal_key(&f.key, config)),
            Edition::Internal => {
                let known = |k: &str| {
                    KNOWN_KEYS.contains(&k)
                        || ALIASES.iter().any(|(a, _)| *a == k)
                        || config.taxonomies.iter().any(|t| t == k)
                };
                let (moved, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut fm.fields)
                    .into_iter()
                    .partition(|f| is_internal_key(&f.key, config) && !known(&f.key));
                fm.fields = kept;
                p.internal_extra = moved.into_iter().map(|f| (f.key, f.value)).collect();
            }
        }
    }

    if scan.passages.is_empty() && header_lines.is_empty() {
        p.internal = internal;
        if internal && edition == Edition::Public {
            p.internal_text = doc.body.clone();
        }
        return p;
    }
    let total = doc.body.lines().count();
    let mut in_passage = vec![false; total];
    for passage in &scan.passages {
        for i in passage.lines(total) {
            in_passage[i] = true;
        }
    }
    // A body made only of internal passages is an internal postmortem (a `.txt` file fenced
    // whole), not an empty public page.
    let wholly = !scan.passages.is_empty()
        && doc
            .body
            .lines()
            .enumerate()
            .all(|(i, l)| in_passage[i] || header_lines.contains(&i) || l.trim().is_empty());
    p.internal = internal || wholly;
    let delimiters: Vec<usize> = scan
        .passages
        .iter()
        .flat_map(|ps| std::iter::once(ps.open).chain(ps.close))
        .collect();
    match edition {
        Edition::Public => {
            p.internal_text = if p.internal {
                doc.body.clone()
            } else {
                keep_lines(&doc.body, |i| in_passage[i])
            };
            doc.body = keep_lines(&doc.body, |i| {
                !(in_passage[i] || header_lines.contains(&i) || scan.loose_markers.contains(&i))
            });
        }
        Edition::Internal => {
            p.render_body = Some(keep_lines(&doc.body, |i| {
                !(header_lines.contains(&i) || scan.loose_markers.contains(&i))
            }));
            doc.body = keep_lines(&doc.body, |i| {
                !(header_lines.contains(&i)
                    || scan.loose_markers.contains(&i)
                    || delimiters.contains(&i))
            });
        }
    }
    p
}

/// `text` with the lines for which `keep(index)` is false replaced by empty lines, so that
/// every other line keeps its number.
fn keep_lines(text: &str, keep: impl Fn(usize) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if keep(i) {
            out.push_str(line);
        } else if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// What the public statistics may know of an internal postmortem (`public_stats = "all"`):
/// when, how long, how it was detected, how many were affected, how severe. No title, text,
/// tags, services or action items.
pub fn anonymous(meta: &IncidentMeta) -> IncidentMeta {
    IncidentMeta {
        date: meta.date.clone(),
        start_time: meta.start_time.clone(),
        end_time: meta.end_time.clone(),
        end_date: meta.end_date.clone(),
        timezone: meta.timezone.clone(),
        detected_at: meta.detected_at.clone(),
        duration: meta.duration.clone(),
        impact_percent: meta.impact_percent.clone(),
        severity: meta.severity.clone(),
        internal: true,
        ..IncidentMeta::default()
    }
}

/// What pages need to know about internal postmortems in the edition being built.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Internal postmortems shown (internal edition) or left out (public edition).
    pub internal: usize,
    /// Public edition with `public_stats = "all"`: anonymous copies ([`anonymous`]) of the
    /// internal postmortems, counted by the statistics page only.
    pub counted: Vec<std::sync::Arc<Incident>>,
}

/// What the statistics page says it covers.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Coverage {
    /// `public` or `internal`.
    pub edition: &'static str,
    /// Postmortems the figures count.
    pub total: usize,
    pub public: usize,
    /// Internal postmortems: counted (internal edition, `public_stats = "all"`) or not.
    pub internal: usize,
    pub internal_counted: bool,
}

pub fn coverage(
    edition: Edition,
    incidents: &[std::sync::Arc<Incident>],
    facts: &Facts,
) -> Coverage {
    match edition {
        Edition::Public => Coverage {
            edition: edition.name(),
            total: incidents.len() + facts.counted.len(),
            public: incidents.len(),
            internal: facts.internal,
            internal_counted: !facts.counted.is_empty(),
        },
        Edition::Internal => {
            let internal = incidents.iter().filter(|i| i.meta.internal).count();
            Coverage {
                edition: edition.name(),
                total: incidents.len(),
                public: incidents.len() - internal,
                internal,
                internal_counted: true,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content;
    use crate::diagnostic::Severity;

    fn prep(text: &str, rel: &str, edition: Edition, fields: &[&str]) -> (Document, Prepared) {
        let (mut doc, _) = content::parse(rel, rel, text.as_bytes()).unwrap();
        let mut config = Config::default();
        config.editions.internal_fields = fields.iter().map(|s| s.to_string()).collect();
        let config = config.for_edition(edition);
        let p = prepare(&mut doc, &config);
        (doc, p)
    }

    const FENCED: &str = "+++\ntitle = \"DB\"\nauthors = [\"Ana\"]\n+++\nPublic line.\n<!-- internal -->\nSecret line.\n<!-- /internal -->\nAfter.\n";

    #[test]
    fn public_edition_blanks_passages_and_keeps_line_numbers() {
        let (doc, p) = prep(FENCED, "a.md", Edition::Public, &["authors"]);
        assert_eq!(doc.body, "Public line.\n\n\n\nAfter.\n");
        assert_eq!(doc.body.lines().count(), FENCED.lines().count() - 4);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        assert!(!p.internal);
        assert!(p.internal_text.contains("Secret line."));
        assert!(doc.front.unwrap().get("authors").is_none());
    }

    #[test]
    fn internal_edition_keeps_markers_for_rendering_only() {
        let (doc, p) = prep(FENCED, "a.md", Edition::Internal, &["authors"]);
        assert_eq!(doc.body, "Public line.\n\nSecret line.\n\nAfter.\n");
        assert_eq!(
            p.render_body.as_deref(),
            Some("Public line.\n<!-- internal -->\nSecret line.\n<!-- /internal -->\nAfter.\n")
        );
        assert!(doc.front.unwrap().get("authors").is_some());
    }

    #[test]
    fn visibility_from_front_matter_header_line_or_a_wholly_fenced_body() {
        let cases: &[(&str, &str, bool)] = &[
            ("+++\nvisibility = \"internal\"\n+++\nx\n", "a.md", true),
            ("---\nvisibility: Internal\n---\nx\n", "a.md", true),
            ("+++\nvisibility = \"public\"\n+++\nx\n", "a.md", false),
            (
                "Title: Lockout\nVisibility: internal\n\nBody.\n",
                "a.txt",
                true,
            ),
            ("# Lockout\n\nBody.\nVisibility: internal\n", "a.md", false),
            (
                "\n<!-- internal -->\nAll of it.\n<!-- /internal -->\n\n",
                "a.txt",
                true,
            ),
            (
                "Public.\n<!-- internal -->\nSome.\n<!-- /internal -->\n",
                "a.txt",
                false,
            ),
            ("Nothing to see.\n", "a.txt", false),
            (
                "Title: X\nVisibility: users saw errors\n\nBody.\n",
                "a.txt",
                false,
            ),
        ];
        for (text, rel, want) in cases {
            let (doc, p) = prep(text, rel, Edition::Internal, &[]);
            assert_eq!(p.internal, *want, "{text:?}");
            assert!(!doc.body.to_lowercase().contains("visibility: internal") || !want);
        }
    }

    #[test]
    fn what_the_public_edition_cannot_honour_fails_it_and_the_internal_edition_warns() {
        let cases: &[(&str, u32)] = &[
            ("a\n<!-- internal -->\nsecret\n", 2),
            ("a\n<!-- /internal -->\n", 2),
            ("a\nsee <!-- internal --> this\n", 2),
            ("a\n<!-- begin internal -->\n", 2),
            ("+++\nvisibility = \"private\"\n+++\nx\n", 2),
            ("+++\nsummary = \"<!-- internal --> x\"\n+++\nx\n", 2),
            ("# T\n\nBody.\nVisibility: internal\n", 4),
        ];
        for (text, line) in cases {
            for (edition, severity) in [
                (Edition::Public, Severity::Error),
                (Edition::Internal, Severity::Warning),
            ] {
                let (_, p) = prep(text, "a.md", edition, &[]);
                assert_eq!(p.diagnostics.len(), 1, "{text:?}: {:?}", p.diagnostics);
                assert_eq!(p.diagnostics[0].line, *line, "{text:?}");
                assert_eq!(p.diagnostics[0].severity, severity, "{text:?}");
                assert!(p.diagnostics[0].hint.is_some());
            }
        }
    }

    #[test]
    fn unclosed_passage_is_reported_on_its_opening_line_and_hides_the_rest() {
        let (doc, p) = prep(
            "+++\ntitle = \"x\"\n+++\nok\n<!-- internal -->\nsecret\n",
            "a.md",
            Edition::Public,
            &[],
        );
        assert_eq!(p.diagnostics[0].line, 5);
        assert!(p.diagnostics[0].message.contains("never closed"));
        assert!(!doc.body.contains("secret"));
    }

    #[test]
    fn unknown_internal_fields_move_out_of_extraction_in_the_internal_edition() {
        let text = "+++\ninternal_notes = \"call Bob\"\nauthor = \"Ana\"\n+++\nx\n";
        let (doc, p) = prep(
            text,
            "a.md",
            Edition::Internal,
            &["internal_notes", "authors"],
        );
        let fm = doc.front.unwrap();
        assert!(fm.get("internal_notes").is_none());
        assert!(fm.get("author").is_some());
        assert_eq!(p.internal_extra["internal_notes"], "call Bob");
        let (doc, _) = prep(
            text,
            "a.md",
            Edition::Public,
            &["internal_notes", "authors"],
        );
        assert!(
            doc.front.unwrap().fields.is_empty(),
            "an alias of an internal key is internal"
        );
    }

    #[test]
    fn anonymous_copies_keep_figures_only() {
        let meta = IncidentMeta {
            title: Some(crate::model::Found::new(
                "Secret".into(),
                crate::model::Source::derived("x"),
            )),
            duration: Some(crate::model::Found::new(
                crate::model::Minutes::new(30),
                crate::model::Source::derived("x"),
            )),
            authors: vec!["Ana".into()],
            ..Default::default()
        };
        let a = anonymous(&meta);
        assert_eq!(a.title, None);
        assert!(a.authors.is_empty() && a.internal);
        assert_eq!(a.duration, meta.duration);
    }
}
