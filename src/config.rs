//! `site.toml`: the site's configuration, read strictly. An unknown key is an error that names
//! the key, its line and the closest valid key, so a typo never silently does nothing.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{suggest, Diagnostic};

pub const FILE_NAME: &str = "site.toml";

/// Syntect themes that ship inside the binary.
pub const HIGHLIGHT_THEMES: &[&str] = &[
    "InspiredGitHub",
    "Solarized (light)",
    "Solarized (dark)",
    "base16-ocean.light",
    "base16-ocean.dark",
    "base16-eighties.dark",
    "base16-mocha.dark",
];

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Site title, shown in the header and feeds.
    pub title: String,
    pub description: String,
    /// Absolute URL the site is published at (`https://example.com/status/`); used for feeds,
    /// the sitemap and canonical links. Pages link to each other relatively, so the site
    /// also works from any sub-path.
    pub base_url: String,
    pub language: String,
    pub content_dir: String,
    pub output_dir: String,
    pub theme: String,
    /// IANA zone (or `UTC`, or a fixed offset such as `UTC-5`) assumed for times a
    /// postmortem gives without a zone.
    pub timezone: String,
    pub taxonomies: Vec<String>,
    /// Follow symbolic links inside the content folder.
    pub follow_symlinks: bool,
    /// Pass raw HTML in postmortem bodies through unchanged. Off by default: bodies are
    /// sanitised so a `<script>` or `onerror=` never reaches a page.
    pub unsafe_html: bool,
    pub highlight: HighlightConfig,
    pub extract: ExtractConfig,
    pub history: HistoryConfig,
    pub feeds: FeedsConfig,
}

/// How days are shaded in the calendar strip and the 12-month calendar.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum ShadeBy {
    /// By the day's total downtime: < 30 min, < 2 h, < 8 h, longer.
    #[default]
    Downtime,
    /// By the day's worst severity.
    Severity,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct HistoryConfig {
    pub shade_by: ShadeBy,
    /// Length of the calendar strip on the home page.
    pub days: usize,
    /// Last day shown: `latest` (the newest incident's date, so rebuilds are reproducible),
    /// `today` (the build date) or a `YYYY-MM-DD` date.
    pub end: String,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        HistoryConfig {
            shade_by: ShadeBy::Downtime,
            days: 90,
            end: "latest".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct FeedsConfig {
    /// Entries per feed, newest first; 0 means all.
    pub limit: usize,
}

impl Default for FeedsConfig {
    fn default() -> Self {
        FeedsConfig { limit: 50 }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct HighlightConfig {
    pub light: String,
    pub dark: String,
}

/// Settings for reading metadata out of prose.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ExtractConfig {
    /// Service names to recognise in the text of postmortems without a `services` key.
    pub services: Vec<String>,
    /// Add tags from the keyword table (marked derived).
    pub auto_tags: bool,
    /// Extra keywords per tag, merged with the built-in table (`dns = ["resolver", "bind"]`).
    pub tag_keywords: BTreeMap<String, Vec<String>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Postmortems".into(),
            description: String::new(),
            base_url: "/".into(),
            language: "en".into(),
            content_dir: "content".into(),
            output_dir: "public".into(),
            theme: "default".into(),
            timezone: "UTC".into(),
            taxonomies: vec!["tags".into(), "services".into()],
            follow_symlinks: false,
            unsafe_html: false,
            highlight: HighlightConfig::default(),
            extract: ExtractConfig::default(),
            history: HistoryConfig::default(),
            feeds: FeedsConfig::default(),
        }
    }
}

impl Default for HighlightConfig {
    fn default() -> Self {
        HighlightConfig {
            light: "InspiredGitHub".into(),
            dark: "base16-ocean.dark".into(),
        }
    }
}

impl Default for ExtractConfig {
    fn default() -> Self {
        ExtractConfig {
            services: Vec::new(),
            auto_tags: true,
            tag_keywords: BTreeMap::new(),
        }
    }
}

const TOP_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "content_dir",
    "output_dir",
    "theme",
    "timezone",
    "taxonomies",
    "follow_symlinks",
    "unsafe_html",
    "highlight",
    "extract",
    "history",
    "feeds",
];
const HIGHLIGHT_KEYS: &[&str] = &["light", "dark"];
const EXTRACT_KEYS: &[&str] = &["services", "auto_tags", "tag_keywords"];
const HISTORY_KEYS: &[&str] = &["shade_by", "days", "end"];
const FEEDS_KEYS: &[&str] = &["limit"];

impl Config {
    /// Reads `site.toml` from `root`. Every problem comes back as a diagnostic with its line.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join(FILE_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(vec![Diagnostic::error(
                    path.display().to_string(),
                    0,
                    format!("no `{FILE_NAME}` found in `{}`", root.display()),
                )
                .with_hint(format!(
                    "run `inquest init {}` to create a starter site, or pass `--root DIR`",
                    root.display()
                ))]);
            }
            Err(e) => {
                return Err(vec![Diagnostic::error(
                    path.display().to_string(),
                    0,
                    format!("cannot read: {e}"),
                )])
            }
        };
        Config::parse(&text, &path.display().to_string())
    }

    /// Parses the text of a `site.toml`; `shown` is the path used in diagnostics.
    pub fn parse(text: &str, shown: &str) -> Result<Config, Vec<Diagnostic>> {
        let table: toml::Table = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(0, |s| line_of(text, s.start));
            vec![
                Diagnostic::error(shown, line, format!("invalid TOML: {}", e.message())).with_hint(
                    "check quoting and `key = value` syntax; strings need double quotes",
                ),
            ]
        })?;

        let mut errors = Vec::new();
        check_keys(&table, TOP_KEYS, None, text, shown, &mut errors);
        for (section, keys) in [
            ("highlight", HIGHLIGHT_KEYS),
            ("extract", EXTRACT_KEYS),
            ("history", HISTORY_KEYS),
            ("feeds", FEEDS_KEYS),
        ] {
            if let Some(toml::Value::Table(t)) = table.get(section) {
                check_keys(t, keys, Some(section), text, shown, &mut errors);
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }

        let config: Config = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(0, |s| line_of(text, s.start));
            vec![Diagnostic::error(shown, line, e.message().to_string())
                .with_hint("see the `site.toml` section of the README for every key and its type")]
        })?;
        config.validate(text, shown)?;
        Ok(config)
    }

    fn validate(&self, text: &str, shown: &str) -> Result<(), Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let at = |key: &str| key_line(text, key);
        if crate::extract::zone::site_zone(&self.timezone).is_none() {
            errors.push(
                Diagnostic::error(
                    shown,
                    at("timezone"),
                    format!(
                        "expected an IANA time zone or a UTC offset, but found `{}`",
                        self.timezone
                    ),
                )
                .with_hint("use a name such as `UTC`, `Europe/Berlin`, `America/New_York` or an offset such as `UTC-5`"),
            );
        }
        for (key, theme) in [
            ("light", &self.highlight.light),
            ("dark", &self.highlight.dark),
        ] {
            if !HIGHLIGHT_THEMES.contains(&theme.as_str()) {
                let mut d = Diagnostic::error(
                    shown,
                    at(key),
                    format!("unknown highlight theme `{theme}` for `highlight.{key}`"),
                );
                d = match suggest(theme, HIGHLIGHT_THEMES.iter().copied()) {
                    Some(s) => d.with_hint(format!("did you mean `{s}`?")),
                    None => d.with_hint(format!("choose one of: {}", HIGHLIGHT_THEMES.join(", "))),
                };
                errors.push(d);
            }
        }
        if self.history_end().is_err() {
            errors.push(
                Diagnostic::error(shown, at("end"), format!("`history.end`: expected `latest`, `today` or a date, but found `{}`", self.history.end))
                    .with_hint("write `end = \"latest\"` (reproducible), `end = \"today\"` or `end = \"2024-12-31\"`"),
            );
        }
        if self.history.days == 0 || self.history.days > 3660 {
            errors.push(Diagnostic::error(
                shown,
                at("days"),
                "`history.days` must be between 1 and 3660",
            ));
        }
        for tax in &self.taxonomies {
            if crate::model::Slug::from_text(tax).map(|s| s.as_str() == tax) != Some(true) {
                errors.push(
                    Diagnostic::error(
                        shown,
                        at("taxonomies"),
                        format!("taxonomy name `{tax}` is not URL-safe"),
                    )
                    .with_hint("use lowercase letters, digits and dashes, e.g. `teams`"),
                );
            }
        }
        for (key, dir) in [
            ("content_dir", &self.content_dir),
            ("output_dir", &self.output_dir),
        ] {
            if dir.trim().is_empty() {
                errors.push(Diagnostic::error(
                    shown,
                    at(key),
                    format!("`{key}` cannot be empty"),
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The configured last day of the history views; `None` means the newest incident's date.
    pub fn history_end(&self) -> Result<Option<jiff::civil::Date>, jiff::Error> {
        match self.history.end.as_str() {
            "latest" => Ok(None),
            "today" => Ok(Some(jiff::Zoned::now().date())),
            d => d.parse().map(Some),
        }
    }

    /// `base_url` with exactly one trailing slash.
    pub fn base_url(&self) -> String {
        format!("{}/", self.base_url.trim_end_matches('/'))
    }
}

fn check_keys(
    table: &toml::Table,
    known: &[&str],
    section: Option<&str>,
    text: &str,
    shown: &str,
    errors: &mut Vec<Diagnostic>,
) {
    for key in table.keys() {
        if known.contains(&key.as_str()) {
            continue;
        }
        let name = match section {
            Some(s) => format!("{s}.{key}"),
            None => key.clone(),
        };
        let mut d = Diagnostic::error(shown, key_line(text, key), format!("unknown key `{name}`"));
        d = match suggest(key, known.iter().copied()) {
            Some(s) => d.with_hint(format!("did you mean `{s}`?")),
            None => d.with_hint(format!("valid keys here: {}", known.join(", "))),
        };
        errors.push(d);
    }
}

/// 1-based line of byte offset `pos`.
pub fn line_of(text: &str, pos: usize) -> u32 {
    let pos = pos.min(text.len());
    text.as_bytes()[..pos]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u32
        + 1
}

/// 1-based line where `key` is assigned (`key =` or `[key]`), or 0.
fn key_line(text: &str, key: &str) -> u32 {
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            t.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
                || t.trim_end() == format!("[{key}]")
        })
        .map_or(0, |i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_to_an_empty_file() {
        let c = Config::parse("", "site.toml").unwrap();
        assert_eq!(c, Config::default());
        assert_eq!(c.taxonomies, ["tags", "services"]);
    }

    #[test]
    fn unknown_key_names_line_and_suggestion() {
        let err = Config::parse("title = \"x\"\ntitel = \"y\"\n", "site.toml").unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!(err[0].line, 2);
        assert!(err[0].message.contains("`titel`"), "{}", err[0].message);
        assert_eq!(err[0].hint.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn unknown_key_in_section() {
        let err =
            Config::parse("[highlight]\nligth = \"InspiredGitHub\"\n", "site.toml").unwrap_err();
        assert!(err[0].message.contains("highlight.ligth"));
        assert_eq!(err[0].hint.as_deref(), Some("did you mean `light`?"));
    }

    #[test]
    fn bad_timezone_and_theme_are_errors() {
        let err = Config::parse(
            "timezone = \"Mars/Olympus\"\n[highlight]\ndark = \"base16-ocean-dark\"\n",
            "site.toml",
        )
        .unwrap_err();
        assert_eq!(err.len(), 2);
        assert_eq!(err[0].line, 1);
        assert_eq!(
            err[1].hint.as_deref(),
            Some("did you mean `base16-ocean.dark`?")
        );
    }

    #[test]
    fn wrong_type_is_located() {
        let err = Config::parse("title = \"x\"\ntaxonomies = \"tags\"\n", "site.toml").unwrap_err();
        assert_eq!(err[0].line, 2, "{:?}", err);
    }
}
