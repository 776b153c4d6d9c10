//! `site.toml`: the site's configuration, read strictly. An unknown key is an error that names
//! the key, its line and the closest valid key, so a typo never silently does nothing.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{suggest, Diagnostic};
use crate::edition::{Edition, PublicStats};

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
    /// Treat warnings as errors in `build` and `check` (for CI).
    pub strict: bool,
    /// Postmortems per page on the home page and on term pages; later pages are at
    /// `page/2/`, `tags/dns/page/2/`… `0` lists everything on one page.
    pub paginate_by: usize,
    pub highlight: HighlightConfig,
    pub extract: ExtractConfig,
    pub history: HistoryConfig,
    pub feeds: FeedsConfig,
    pub editions: EditionsConfig,
    /// The edition being built. Not a key of its own: `[editions] default` or `--edition`
    /// choose it, and [`Config::for_edition`] sets it with the edition's overrides.
    #[serde(skip_deserializing)]
    pub edition: Edition,
}

/// `[editions]`: the public and the internal site built from one archive (see `edition`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct EditionsConfig {
    /// The edition `build`, `serve` and `check` use without `--edition`.
    pub default: Edition,
    /// Front-matter keys left out of the public edition (`["authors", "internal_notes"]`).
    pub internal_fields: Vec<String>,
    /// Whether the public statistics page also counts internal postmortems (anonymously).
    pub public_stats: PublicStats,
    pub public: EditionOverrides,
    pub internal: EditionOverrides,
}

/// `[editions.public]`, `[editions.internal]`: what differs from the top-level keys.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct EditionOverrides {
    pub base_url: Option<String>,
    pub title: Option<String>,
    pub output_dir: Option<String>,
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
            strict: false,
            paginate_by: 50,
            highlight: HighlightConfig::default(),
            extract: ExtractConfig::default(),
            history: HistoryConfig::default(),
            feeds: FeedsConfig::default(),
            editions: EditionsConfig::default(),
            edition: Edition::Public,
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
    "strict",
    "paginate_by",
    "highlight",
    "extract",
    "history",
    "feeds",
    "editions",
];
const HIGHLIGHT_KEYS: &[&str] = &["light", "dark"];
const EXTRACT_KEYS: &[&str] = &["services", "auto_tags", "tag_keywords"];
const HISTORY_KEYS: &[&str] = &["shade_by", "days", "end"];
const FEEDS_KEYS: &[&str] = &["limit"];
const EDITIONS_KEYS: &[&str] = &[
    "default",
    "internal_fields",
    "public_stats",
    "public",
    "internal",
];
const EDITION_KEYS: &[&str] = &["base_url", "title", "output_dir"];
/// Front-matter keys that decide what is published: dropping them from the public edition
/// would publish what they hold back.
const NEVER_INTERNAL: &[&str] = &["visibility", "draft"];

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
        if let Some(toml::Value::Table(eds)) = table.get("editions") {
            check_keys(
                eds,
                EDITIONS_KEYS,
                Some("editions"),
                text,
                shown,
                &mut errors,
            );
            for name in ["public", "internal"] {
                if let Some(toml::Value::Table(t)) = eds.get(name) {
                    let section = format!("editions.{name}");
                    check_keys(t, EDITION_KEYS, Some(&section), text, shown, &mut errors);
                }
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
        self.validate_editions(text, shown, &mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn validate_editions(&self, text: &str, shown: &str, errors: &mut Vec<Diagnostic>) {
        let eds = &self.editions;
        let at = |key: &str| key_line(text, key);
        for key in &eds.internal_fields {
            if NEVER_INTERNAL.contains(&key.as_str()) {
                errors.push(
                    Diagnostic::error(
                        shown,
                        at("internal_fields"),
                        format!("`{key}` cannot be an internal field: it decides what the public edition publishes"),
                    )
                    .with_hint(format!("remove `{key}` from `editions.internal_fields`")),
                );
            }
        }
        for (name, o) in [("public", &eds.public), ("internal", &eds.internal)] {
            for (key, value) in [
                ("base_url", &o.base_url),
                ("title", &o.title),
                ("output_dir", &o.output_dir),
            ] {
                if value.as_ref().is_some_and(|v| v.trim().is_empty()) {
                    errors.push(
                        Diagnostic::error(
                            shown,
                            section_key_line(text, &format!("editions.{name}"), key),
                            format!("`editions.{name}.{key}` cannot be empty"),
                        )
                        .with_hint(format!("remove it to use the top-level `{key}`")),
                    );
                }
            }
        }
        let public = self.for_edition(Edition::Public).output_dir;
        let internal = self.for_edition(Edition::Internal).output_dir;
        if public.trim_end_matches('/') == internal.trim_end_matches('/') {
            errors.push(
                Diagnostic::error(
                    shown,
                    section_key_line(text, "editions.internal", "output_dir"),
                    format!("the public and the internal edition would both be written to `{public}`"),
                )
                .with_hint("give the internal edition its own folder: `[editions.internal] output_dir = \"public-internal\"`"),
            );
        }
    }

    /// The configuration as `edition` sees it: its `base_url`, `title` and `output_dir` when
    /// `[editions.NAME]` sets them. The internal edition is written to `<output_dir>-internal`
    /// unless told otherwise, so it never replaces the public site by accident.
    pub fn for_edition(&self, edition: Edition) -> Config {
        let mut c = self.clone();
        c.edition = edition;
        let o = match edition {
            Edition::Public => &self.editions.public,
            Edition::Internal => &self.editions.internal,
        };
        if let Some(v) = &o.base_url {
            c.base_url = v.clone();
        }
        if let Some(v) = &o.title {
            c.title = v.clone();
        }
        c.output_dir = match (&o.output_dir, edition) {
            (Some(v), _) => v.clone(),
            (None, Edition::Public) => self.output_dir.clone(),
            (None, Edition::Internal) => {
                format!("{}-internal", self.output_dir.trim_end_matches('/'))
            }
        };
        c
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
        let line = match section {
            Some(s) => section_key_line(text, s, key),
            None => key_line(text, key),
        };
        let mut d = Diagnostic::error(shown, line, format!("unknown key `{name}`"));
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

/// 1-based line where `key` is assigned inside table `section` (`[editions.public]`), or
/// where the table starts, or 0.
fn section_key_line(text: &str, section: &str, key: &str) -> u32 {
    let header = format!("[{section}]");
    let Some(start) = text.lines().position(|l| l.trim() == header) else {
        return key_line(text, section.rsplit('.').next().unwrap_or(section));
    };
    text.lines()
        .enumerate()
        .skip(start + 1)
        .take_while(|(_, l)| !l.trim_start().starts_with('['))
        .find(|(_, l)| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with('='))
        })
        .map_or(start as u32 + 1, |(i, _)| i as u32 + 1)
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
    fn editions_give_each_edition_its_own_url_title_and_folder() {
        let c = Config::parse(
            "title = \"Status\"\nbase_url = \"https://status.example/\"\n[editions]\ndefault = \"internal\"\ninternal_fields = [\"authors\"]\npublic_stats = \"all\"\n[editions.internal]\nbase_url = \"https://wiki.example/pm/\"\ntitle = \"Postmortems (internal)\"\n",
            "site.toml",
        )
        .unwrap();
        assert_eq!(c.editions.default, Edition::Internal);
        assert_eq!(c.editions.public_stats, PublicStats::All);
        let public = c.for_edition(Edition::Public);
        assert_eq!(
            (
                public.title.as_str(),
                public.base_url.as_str(),
                public.output_dir.as_str()
            ),
            ("Status", "https://status.example/", "public")
        );
        let internal = c.for_edition(Edition::Internal);
        assert_eq!(internal.edition, Edition::Internal);
        assert_eq!(
            (
                internal.title.as_str(),
                internal.base_url.as_str(),
                internal.output_dir.as_str()
            ),
            (
                "Postmortems (internal)",
                "https://wiki.example/pm/",
                "public-internal"
            )
        );
    }

    #[test]
    fn edition_mistakes_are_located_errors() {
        let err = Config::parse(
            "base_url = \"/\"\n[editions.public]\nbase_ulr = \"x\"\n",
            "site.toml",
        )
        .unwrap_err();
        assert_eq!(err[0].line, 3, "{err:?}");
        assert!(err[0].message.contains("editions.public.base_ulr"));
        assert_eq!(err[0].hint.as_deref(), Some("did you mean `base_url`?"));

        let err = Config::parse(
            "[editions]\ninternal_fields = [\"draft\"]\n[editions.internal]\noutput_dir = \"public/\"\n",
            "site.toml",
        )
        .unwrap_err();
        assert_eq!(err.len(), 2, "{err:?}");
        assert_eq!(err[0].line, 2);
        assert!(err[0]
            .message
            .contains("`draft` cannot be an internal field"));
        assert_eq!(err[1].line, 4);
        assert!(
            err[1].message.contains("both be written to `public`"),
            "{}",
            err[1].message
        );

        let err = Config::parse("[editions]\ndefault = \"private\"\n", "site.toml").unwrap_err();
        assert_eq!(err[0].line, 2, "{err:?}");
        assert!(err[0].message.contains("public") && err[0].message.contains("internal"));
        // `edition` is not a key: the edition is chosen by `[editions] default` or --edition.
        let err = Config::parse("edition = \"internal\"\n", "site.toml").unwrap_err();
        assert_eq!(err[0].hint.as_deref(), Some("did you mean `editions`?"));
    }

    #[test]
    fn wrong_type_is_located() {
        let err = Config::parse("title = \"x\"\ntaxonomies = \"tags\"\n", "site.toml").unwrap_err();
        assert_eq!(err[0].line, 2, "{:?}", err);
    }
}
