//! The theme: the only module that knows Tera. Loads the embedded default theme, a named theme
//! from `themes/`, and the site's own `templates/` and `static/` (each overriding the previous
//! by file name), and renders the archive through serializable *views* — the template context,
//! versioned like `incidents.json` (see `views`).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use include_dir::{include_dir, Dir};
use tera::Tera;
use walkdir::WalkDir;

use crate::diagnostic::Diagnostic;
use crate::output::Payload;

static DEFAULT_THEME: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Templates every theme must provide (the default theme provides them all).
pub const PAGE_TEMPLATES: &[&str] = &[
    "index.html",
    "postmortem.html",
    "taxonomy.html",
    "term.html",
    "stats.html",
    "history.html",
    "actions.html",
    "search.html",
    "404.html",
    "card.html",
];

#[derive(Clone)]
pub struct Theme {
    tera: Tera,
    /// Static files: output path → content.
    pub static_files: BTreeMap<String, Payload>,
    /// Hash of every template's name and text: rendered pages cached under one fingerprint
    /// are stale under another (`serve` after a template edit).
    pub fingerprint: u64,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field(
                "templates",
                &self.tera.get_template_names().collect::<Vec<_>>(),
            )
            .field("static_files", &self.static_files.len())
            .finish()
    }
}

impl Theme {
    /// Loads the theme for a site at `root`. `name` is `theme` from site.toml.
    pub fn load(root: &Path, name: &str) -> Result<Theme, Vec<Diagnostic>> {
        Theme::load_reusing(root, name, None).map(Arc::unwrap_or_clone)
    }

    /// `load`, returning `previous` itself when no template or static file changed (`serve`
    /// rebuilds then skip compiling the templates again).
    pub fn load_reusing(
        root: &Path,
        name: &str,
        previous: Option<&Arc<Theme>>,
    ) -> Result<Arc<Theme>, Vec<Diagnostic>> {
        let mut templates: BTreeMap<String, String> = BTreeMap::new();
        let mut static_files: BTreeMap<String, Payload> = BTreeMap::new();
        if let Some(t) = DEFAULT_THEME.get_dir("templates") {
            for f in t.files() {
                if let (Some(rel), Some(text)) = (rel_in(f.path(), "templates"), f.contents_utf8())
                {
                    templates.insert(rel, text.to_string());
                }
            }
        }
        if let Some(d) = DEFAULT_THEME.get_dir("static") {
            collect_embedded_static(d, &mut static_files);
        }

        let mut layers = Vec::new();
        if name != "default" {
            let dir = root.join("themes").join(name);
            if !dir.is_dir() {
                return Err(vec![Diagnostic::error(
                    "site.toml",
                    0,
                    format!("theme `{name}` not found: expected a folder `{}`", dir.display()),
                )
                .with_hint("set `theme = \"default\"` or create the theme folder with `templates/` and `static/`")]);
            }
            layers.push(dir);
        }
        layers.push(root.to_path_buf());
        let mut errors = Vec::new();
        for layer in layers {
            let tdir = layer.join("templates");
            for (rel, path) in files_under(&tdir) {
                match std::fs::read_to_string(&path) {
                    Ok(text) => {
                        templates.insert(rel, text);
                    }
                    Err(e) => errors.push(Diagnostic::error(
                        path.display().to_string(),
                        0,
                        format!("cannot read template: {e}"),
                    )),
                }
            }
            for (rel, path) in files_under(&layer.join("static")) {
                static_files.insert(rel, Payload::Copy(path));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let fingerprint = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            templates.hash(&mut h);
            h.finish()
        };
        if let Some(prev) = previous {
            if prev.fingerprint == fingerprint && prev.static_files == static_files {
                return Ok(Arc::clone(prev));
            }
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Escapes `& < > " '` like Jinja's MarkupSafe. Tera's default also turns every `/`
        // into `&#x2F;`, which makes each relative URL several times longer: without it a
        // tag page listing 300 postmortems is 9% smaller.
        tera.set_escape_fn(crate::highlight::escape);
        tera.register_filter("minutes", minutes_filter);
        if let Err(e) =
            tera.add_raw_templates(templates.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        {
            return Err(vec![template_error(&e, None)]);
        }
        let missing: Vec<&str> = PAGE_TEMPLATES
            .iter()
            .copied()
            .filter(|t| !templates.contains_key(*t))
            .collect();
        if !missing.is_empty() {
            return Err(vec![Diagnostic::error(
                "templates",
                0,
                format!("the theme is missing templates: {}", missing.join(", ")),
            )]);
        }
        Ok(Arc::new(Theme {
            tera,
            static_files,
            fingerprint,
        }))
    }

    /// Renders `template` with a serializable context (a view).
    pub fn render<T: serde::Serialize>(
        &self,
        template: &str,
        view: &T,
    ) -> Result<String, Diagnostic> {
        let ctx =
            tera::Context::from_serialize(view).map_err(|e| template_error(&e, Some(template)))?;
        self.tera
            .render(template, &ctx)
            .map_err(|e| template_error(&e, Some(template)))
    }
}

/// Renders a one-off template text (for `inquest new`'s archetypes). No autoescaping: the
/// output is Markdown, not HTML.
pub fn render_one_off<T: serde::Serialize>(text: &str, view: &T) -> Result<String, String> {
    let ctx = tera::Context::from_serialize(view).map_err(|e| e.to_string())?;
    Tera::one_off(text, &ctx, false).map_err(|e| template_error(&e, Some("archetype")).message)
}

/// Formats Tera's error chain on one line: Tera puts the useful part in the causes.
fn template_error(e: &tera::Error, template: Option<&str>) -> Diagnostic {
    use std::error::Error;
    let mut msg = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        msg.push_str(": ");
        msg.push_str(&c.to_string());
        cause = c.source();
    }
    Diagnostic::error(format!("templates/{}", template.unwrap_or("")), 0, msg)
        .with_hint("the template context is documented in the README (section \"Themes\")")
}

/// `{{ 150 | minutes }}` → `2 h 30 min`.
fn minutes_filter(
    v: &tera::Value,
    _: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    match v.as_u64() {
        Some(m) => Ok(tera::Value::String(
            crate::model::Minutes::new(u32::try_from(m).unwrap_or(u32::MAX)).human(),
        )),
        None if v.is_null() => Ok(tera::Value::String("—".into())),
        None => Err(tera::Error::msg(format!(
            "`minutes` expects a number, but got `{v}`"
        ))),
    }
}

fn rel_in(path: &Path, prefix: &str) -> Option<String> {
    let rel = path.strip_prefix(prefix).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

fn collect_embedded_static(dir: &Dir<'_>, out: &mut BTreeMap<String, Payload>) {
    for f in dir.files() {
        if let Some(rel) = rel_in(f.path(), "static") {
            out.insert(rel, Payload::Bytes(f.contents().to_vec()));
        }
    }
    for d in dir.dirs() {
        collect_embedded_static(d, out);
    }
}

/// Files below `dir` (relative path, full path), skipping hidden files and editor leftovers.
fn files_under(dir: &Path) -> Vec<(String, std::path::PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !crate::content::walk::is_ignored_name(&e.file_name().to_string_lossy())
        })
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            Some((rel, e.path().to_path_buf()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_theme_is_embedded_and_complete() {
        let tmp = tempfile::tempdir().unwrap();
        let theme = Theme::load(tmp.path(), "default").unwrap();
        assert!(
            theme.static_files.contains_key("style.css"),
            "{:?}",
            theme.static_files.keys()
        );
    }

    #[test]
    fn site_templates_override_by_name() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("templates")).unwrap();
        std::fs::write(tmp.path().join("templates/404.html"), "custom {{ 1 + 1 }}").unwrap();
        let theme = Theme::load(tmp.path(), "default").unwrap();
        let out = theme.render("404.html", &serde_json::json!({})).unwrap();
        assert_eq!(out, "custom 2");
    }

    #[test]
    fn missing_theme_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let err = Theme::load(tmp.path(), "nope").unwrap_err();
        assert!(err[0].message.contains("theme `nope` not found"));
    }
}
