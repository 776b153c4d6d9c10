//! The build pipeline, stage by stage: walk → parse → extract → render → assemble → theme →
//! write. Per-file work runs in parallel; problems with one file become diagnostics and the
//! build goes on, so every problem is reported in one run. Any error leaves the previous
//! output untouched.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::archive::{assemble, Archive};
use crate::config::Config;
use crate::content::{self, walk};
use crate::diagnostic::Diagnostic;
use crate::edition::{self, Edition, PublicStats};
use crate::extract::{self, zone};
use crate::markdown::{self, RenderOptions};
use crate::model::{Incident, Slug, Zone};
use crate::output::{self, SiteOutput};
use crate::pages;
use crate::theme::Theme;

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Overrides `output_dir`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url`.
    pub base_url: Option<String>,
    /// Include drafts.
    pub drafts: bool,
    /// Treat warnings as errors (also `strict = true` in site.toml).
    pub strict: bool,
    /// The edition to build; `[editions] default` in site.toml (else public) when `None`.
    pub edition: Option<Edition>,
}

/// The site loaded and rendered in memory.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    pub archive: Archive,
    pub output: SiteOutput,
    pub drafts_skipped: usize,
    /// Postmortem files found.
    pub files: usize,
    /// Problems that did not stop the build.
    pub warnings: Vec<Diagnostic>,
}

#[derive(Debug)]
pub struct Report {
    pub edition: Edition,
    pub postmortems: usize,
    pub drafts_skipped: usize,
    /// Internal postmortems left out (public edition) or included (internal edition).
    pub internal: usize,
    pub terms: usize,
    pub files_written: usize,
    pub elapsed: Duration,
    pub output_dir: PathBuf,
    pub warnings: Vec<Diagnostic>,
}

/// A build that did not produce a site; `diagnostics` holds warnings too.
#[derive(Debug)]
pub struct Failure {
    pub diagnostics: Vec<Diagnostic>,
    /// Postmortems that were fine and would have become pages (for the "nothing lost"
    /// accounting: files = pages + drafts + internal left out + files named in errors).
    pub pages_ok: usize,
    pub drafts_skipped: usize,
    /// Internal postmortems the public edition left out.
    pub internal_skipped: usize,
}

impl From<Vec<Diagnostic>> for Failure {
    fn from(diagnostics: Vec<Diagnostic>) -> Failure {
        Failure {
            diagnostics,
            pages_ok: 0,
            drafts_skipped: 0,
            internal_skipped: 0,
        }
    }
}

impl Failure {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

/// The outcome of one postmortem file.
#[derive(Debug, Clone, Default)]
struct FileOutcome {
    incident: Option<std::sync::Arc<Incident>>,
    diagnostics: Vec<Diagnostic>,
    draft_skipped: bool,
    /// An internal postmortem the public edition leaves out; `incident` is then its anonymous
    /// copy for the statistics, if they count internal postmortems.
    internal_skipped: bool,
    /// Public edition: files (content-relative; a folder ends in `/`) that internal text links
    /// to, not to be published.
    withheld: Vec<String>,
}

/// Shown path of a content file: `content/2023/x.md`.
fn shown(config: &Config, rel: &str) -> String {
    format!("{}/{rel}", config.content_dir.trim_end_matches('/'))
}

fn process(
    entry: &walk::Entry,
    bytes: &[u8],
    fingerprint: u64,
    config: &Config,
    site_zone: &Zone,
    drafts: bool,
) -> FileOutcome {
    let shown = shown(config, &entry.rel);
    let fail = |d: Diagnostic| FileOutcome {
        incident: None,
        diagnostics: vec![d],
        ..FileOutcome::default()
    };
    let (mut doc, mut diagnostics) = match content::parse(&entry.rel, &shown, bytes) {
        Ok(x) => x,
        Err(d) => return fail(d),
    };
    // What this edition may not show leaves the document before anything reads it.
    let mut prepared = edition::prepare(&mut doc, config);
    diagnostics.append(&mut prepared.diagnostics);
    let withheld = match config.edition {
        Edition::Public => withheld(&doc, &prepared),
        Edition::Internal => Vec::new(),
    };
    let opts = extract::Options {
        site_zone,
        config: &config.extract,
        taxonomies: &config.taxonomies,
    };
    let (mut meta, ds) = extract::extract(&doc, &opts);
    diagnostics.extend(ds);
    prepared.mark(&mut meta);
    // A file with errors is reported as such, draft or not, so it is counted exactly once.
    if diagnostics.iter().any(Diagnostic::is_error) {
        return FileOutcome {
            incident: None,
            diagnostics,
            ..FileOutcome::default()
        };
    }
    if meta.draft && !drafts {
        return FileOutcome {
            incident: None,
            diagnostics,
            draft_skipped: true,
            withheld,
            ..FileOutcome::default()
        };
    }
    if meta.internal && config.edition == Edition::Public {
        let counted = (config.editions.public_stats == PublicStats::All)
            .then(|| edition::anonymous(&meta))
            .and_then(|meta| {
                Some(std::sync::Arc::new(Incident {
                    slug: Slug::from_text("internal")?,
                    source: entry.rel.clone(),
                    window: extract::window(&meta, site_zone),
                    meta,
                    body_html: String::new(),
                    plain_text: String::new(),
                    toc: Vec::new(),
                    attachments: Vec::new(),
                    fingerprint: 0,
                    record: Default::default(),
                }))
            });
        return FileOutcome {
            incident: counted,
            diagnostics,
            internal_skipped: true,
            withheld,
            ..FileOutcome::default()
        };
    }
    let rendered = markdown::render(
        prepared.render_body.as_deref().unwrap_or(&doc.body),
        doc.kind,
        Some(meta.title()),
        RenderOptions {
            unsafe_html: config.unsafe_html,
        },
    );
    let slug = match slug_for(&doc, &meta) {
        Some(s) => s,
        None => {
            diagnostics.push(
                Diagnostic::error(
                    &shown,
                    0,
                    "cannot make a page name (slug) from this file's name or title",
                )
                .with_hint("add `slug = \"short-name\"` to the front matter"),
            );
            return FileOutcome {
                incident: None,
                diagnostics,
                ..FileOutcome::default()
            };
        }
    };
    if let Some(given) = &meta.slug {
        if given.value != slug.as_str() {
            diagnostics.push(
                Diagnostic::warning(
                    &shown,
                    given.source.line().unwrap_or(0),
                    format!("slug `{}` is not URL-safe; using `{slug}`", given.value),
                )
                .with_hint("use lowercase letters, digits and dashes only"),
            );
        }
    }
    let window = extract::window(&meta, site_zone);
    FileOutcome {
        incident: Some(std::sync::Arc::new(Incident {
            slug,
            source: entry.rel.clone(),
            window,
            body_html: rendered.html,
            plain_text: rendered.plain,
            toc: rendered.toc,
            attachments: rendered.links,
            meta,
            fingerprint,
            record: Default::default(),
        })),
        diagnostics,
        withheld,
        ..FileOutcome::default()
    }
}

/// Public edition: what internal text links to (and the folder of an internal page bundle,
/// `incident/index.md`), as content-relative paths; a folder ends in `/`.
fn withheld(doc: &content::Document, prepared: &edition::Prepared) -> Vec<String> {
    let dir = doc.dir();
    let mut out: Vec<String> = markdown::links(&prepared.internal_text)
        .iter()
        .filter_map(|link| {
            let decoded = percent_decode(link.split(['#', '?']).next().unwrap_or(""));
            let joined = if dir.is_empty() {
                decoded
            } else {
                format!("{dir}/{decoded}")
            };
            normalise(&joined).filter(|p| !p.is_empty())
        })
        .collect();
    let bundle = ["index", "readme", "_index"].contains(&doc.stem().to_ascii_lowercase().as_str());
    if prepared.internal && bundle && !dir.is_empty() {
        out.push(format!("{dir}/"));
    }
    out
}

/// Front matter `slug`, else the file name (for `index.md`/`README.md`, the folder's name),
/// else the title.
fn slug_for(doc: &content::Document, meta: &crate::model::IncidentMeta) -> Option<Slug> {
    if let Some(s) = meta.slug.as_ref().and_then(|s| Slug::from_text(&s.value)) {
        return Some(s);
    }
    let stem = doc.stem();
    let name = if ["index", "readme", "_index"].contains(&stem.to_ascii_lowercase().as_str()) {
        doc.dir().rsplit('/').next().unwrap_or("")
    } else {
        stem
    };
    Slug::from_text(name).or_else(|| Slug::from_text(meta.title()))
}

/// Per-file results kept between rebuilds (`serve`): a file whose size and modification time
/// did not change is not even read again, and one whose bytes did not change is not parsed,
/// extracted or rendered again.
#[derive(Debug, Default)]
pub struct Cache {
    files: HashMap<String, Cached>,
    /// What the cached results depend on besides the file: the configuration and `--drafts`.
    key: String,
    /// Files reused and files processed in the last load.
    pub reused: usize,
    pub processed: usize,
    /// Keep results for the next load (`Cache::persistent`); off for one-off builds.
    remember: bool,
    /// The theme of the last load, reused while its files are unchanged.
    theme: Option<std::sync::Arc<Theme>>,
    /// The content folder as last walked.
    walked: Option<walk::Walked>,
    /// Files known to have changed since the last load (from a file watcher), when nothing
    /// else did: the folder is not walked again and other files are not even looked at.
    changed: Option<BTreeSet<PathBuf>>,
}

impl Cache {
    /// A cache that keeps every file's results for the next load.
    pub fn persistent() -> Cache {
        Cache {
            remember: true,
            ..Cache::default()
        }
    }

    /// Tells the next load that only these files changed (paths as the file watcher gives
    /// them). It still walks the content folder when one of them is not a postmortem it
    /// already knows (a new, deleted or renamed file, an attachment, a template…).
    pub fn only_changed(&mut self, paths: impl IntoIterator<Item = PathBuf>) {
        self.changed = Some(paths.into_iter().collect());
    }
}

#[derive(Debug, Clone)]
struct Cached {
    /// Size and modification time when read.
    stamp: Option<(u64, std::time::SystemTime)>,
    hash: u64,
    outcome: FileOutcome,
}

fn hash(rel: &str, bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    rel.hash(&mut h);
    bytes.hash(&mut h);
    h.finish()
}

fn stamp(path: &Path) -> Option<(u64, std::time::SystemTime)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?))
}

/// Reads one file and processes it, or takes the cached result when the file is unchanged
/// (same size and modification time, or same bytes).
fn outcome(
    entry: &walk::Entry,
    config: &Config,
    site_zone: &Zone,
    drafts: bool,
    cache: &HashMap<String, Cached>,
) -> (Cached, bool) {
    let stamp = stamp(&entry.path);
    let old = cache.get(&entry.rel);
    if let Some(old) = old {
        if stamp.is_some() && old.stamp == stamp {
            return (old.clone(), true);
        }
    }
    let bytes = match std::fs::read(&entry.path) {
        Ok(b) => b,
        Err(e) => {
            let d = Diagnostic::error(shown(config, &entry.rel), 0, format!("cannot read: {e}"))
                .with_hint("check the file's permissions (the build needs read access)");
            let outcome = FileOutcome {
                incident: None,
                diagnostics: vec![d],
                ..FileOutcome::default()
            };
            let c = Cached {
                stamp: None,
                hash: 0,
                outcome,
            };
            return (c, false);
        }
    };
    let h = hash(&entry.rel, &bytes);
    if let Some(old) = old {
        if old.hash == h {
            let c = Cached {
                stamp,
                ..old.clone()
            };
            return (c, true);
        }
    }
    let outcome = process(entry, &bytes, h, config, site_zone, drafts);
    (
        Cached {
            stamp,
            hash: h,
            outcome,
        },
        false,
    )
}

/// Stage timings on stderr when `INQUEST_PROFILE` is set (for profiling, not for users).
struct Timer {
    on: bool,
    last: Instant,
}

impl Timer {
    fn new() -> Timer {
        Timer {
            on: std::env::var_os("INQUEST_PROFILE").is_some(),
            last: Instant::now(),
        }
    }

    fn lap(&mut self, what: &str) {
        if self.on {
            eprintln!("[profile] {what}: {} ms", self.last.elapsed().as_millis());
        }
        self.last = Instant::now();
    }
}

/// Loads, extracts, renders and assembles the site in memory.
pub fn load(opts: &BuildOptions) -> Result<Site, Failure> {
    load_with(opts, &mut Cache::default())
}

/// `load`, reusing the per-file results in `cache` and updating it.
pub fn load_with(opts: &BuildOptions, cache: &mut Cache) -> Result<Site, Failure> {
    let mut timer = Timer::new();
    let Loaded {
        config,
        theme,
        archive,
        assets,
        withheld,
        drafts_skipped,
        files,
        mut warnings,
    } = load_archive(opts, cache)?;
    timer.lap("load");
    let mut output = pages::render_site(&archive, &theme, &config).map_err(|mut d| {
        d.extend(warnings.clone());
        Failure::from(d)
    })?;
    timer.lap("pages and feeds");
    place_assets(&archive, &assets, &withheld, &mut output, &mut warnings);
    Ok(Site {
        config,
        archive,
        output,
        drafts_skipped,
        files,
        warnings,
    })
}

/// The site read, extracted and assembled, before any page is rendered.
#[derive(Debug)]
pub struct Loaded {
    pub config: Config,
    pub theme: std::sync::Arc<Theme>,
    pub archive: Archive,
    /// Files in the content folder that are not postmortems (attachments).
    pub assets: Vec<walk::Entry>,
    /// Content files linked only from internal text, or beside an internal postmortem: not
    /// copied into this edition.
    pub withheld: BTreeSet<String>,
    pub drafts_skipped: usize,
    /// Postmortem files found.
    pub files: usize,
    pub warnings: Vec<Diagnostic>,
}

/// Reads, extracts and assembles the archive, reusing and updating `cache`.
pub fn load_archive(opts: &BuildOptions, cache: &mut Cache) -> Result<Loaded, Failure> {
    let loaded = Config::load(&opts.root).map_err(Failure::from)?;
    // The edition is part of the configuration from here on (and so of the cache key).
    let mut config = loaded.for_edition(opts.edition.unwrap_or(loaded.editions.default));
    if let Some(u) = &opts.base_url {
        config.base_url = u.clone();
    }
    let site_zone = zone::site_zone(&config.timezone).ok_or_else(|| {
        Failure::from(vec![Diagnostic::error(
            "site.toml",
            0,
            format!("unknown timezone `{}`", config.timezone),
        )])
    })?;
    let content_dir = opts.root.join(&config.content_dir);
    let output_dir = output_dir(opts, &config);
    check_output_dir(&opts.root, &content_dir, &output_dir).map_err(|d| Failure::from(vec![d]))?;
    if !content_dir.is_dir() {
        return Err(Failure::from(vec![Diagnostic::error(
                content_dir.display().to_string(),
                0,
                "the content folder does not exist",
            )
            .with_hint("create it and put postmortems (.md, .markdown, .txt) in it, or set `content_dir` in site.toml")]));
    }
    let mut timer = Timer::new();
    let theme = Theme::load_reusing(&opts.root, &config.theme, cache.theme.as_ref())
        .map_err(Failure::from)?;
    if cache.remember {
        cache.theme = Some(std::sync::Arc::clone(&theme));
    }
    timer.lap("config and theme");

    // With a watcher's word that only known postmortems changed, the last walk still holds.
    let changed = cache.changed.take();
    // A changed path that no longer exists and was never walked is an editor's temporary
    // file that came and went.
    let fine = |p: &PathBuf| {
        let Some(w) = cache.walked.as_ref() else {
            return false;
        };
        let is = |list: &[walk::Entry]| list.iter().any(|e| &e.path == p);
        if p.exists() {
            p.is_file() && is(&w.postmortems)
        } else {
            !is(&w.postmortems) && !is(&w.assets)
        }
    };
    let hint = changed.filter(|c| c.iter().all(fine));
    let walked = match (&hint, &cache.walked) {
        (Some(_), Some(w)) => w.clone(),
        _ => walk::walk(
            &content_dir,
            config.follow_symlinks,
            config.content_dir.trim_end_matches('/'),
        ),
    };
    if cache.remember {
        cache.walked = Some(walked.clone());
    }
    let mut diagnostics = walked.diagnostics;
    let key = format!(
        "{}|{}",
        serde_json::to_string(&config).unwrap_or_default(),
        opts.drafts
    );
    if cache.key != key {
        cache.files.clear();
        cache.key = key;
    }
    timer.lap("walk");
    let results: Vec<(Cached, bool)> = walked
        .postmortems
        .par_iter()
        .map(|e| match (&hint, cache.files.get(&e.rel)) {
            (Some(h), Some(c)) if !h.contains(&e.path) => (c.clone(), true),
            _ => outcome(e, &config, &site_zone, opts.drafts, &cache.files),
        })
        .collect();
    cache.reused = results.iter().filter(|r| r.1).count();
    cache.processed = results.len() - cache.reused;
    // Deleted and renamed files leave the cache with their pages. A one-off build keeps
    // nothing (`remember` is off), which saves a copy of every page.
    let outcomes: Vec<FileOutcome> = if cache.remember {
        if hint.is_some() {
            // Same files as last time: update the changed entries in place.
            for (e, (c, reused)) in walked.postmortems.iter().zip(&results) {
                if !reused {
                    cache.files.insert(e.rel.clone(), c.clone());
                }
            }
        } else {
            cache.files = walked
                .postmortems
                .iter()
                .zip(&results)
                .map(|(e, (c, _))| (e.rel.clone(), c.clone()))
                .collect();
        }
        results.into_iter().map(|(c, _)| c.outcome).collect()
    } else {
        results.into_iter().map(|(c, _)| c.outcome).collect()
    };
    let files = walked.postmortems.len();
    let mut incidents = Vec::with_capacity(outcomes.len());
    let mut drafts_skipped = 0;
    let mut internal = edition::Facts::default();
    let mut withheld: BTreeSet<String> = BTreeSet::new();
    for o in outcomes {
        diagnostics.extend(o.diagnostics);
        drafts_skipped += usize::from(o.draft_skipped);
        withheld.extend(o.withheld);
        if o.internal_skipped {
            internal.internal += 1;
            internal.counted.extend(o.incident);
        } else {
            incidents.extend(o.incident);
        }
    }

    check_duplicate_slugs(&incidents, &config, &mut diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        let named: BTreeSet<&str> = diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.path.as_str())
            .collect();
        let pages_ok = incidents
            .iter()
            .filter(|i| !named.contains(shown(&config, &i.source).as_str()))
            .count();
        return Err(Failure {
            diagnostics,
            pages_ok,
            drafts_skipped,
            internal_skipped: internal.internal,
        });
    }
    if config.edition == Edition::Internal {
        internal.internal = incidents.iter().filter(|i| i.meta.internal).count();
    }
    timer.lap("read, parse, extract, render");
    let (mut archive, ds) = assemble(incidents, &config.taxonomies);
    archive.editions = internal;
    timer.lap("assemble");
    diagnostics.extend(ds);
    Ok(Loaded {
        config,
        theme,
        archive,
        assets: walked.assets,
        withheld,
        drafts_skipped,
        files,
        warnings: diagnostics,
    })
}

fn output_dir(opts: &BuildOptions, config: &Config) -> PathBuf {
    opts.output
        .clone()
        .unwrap_or_else(|| opts.root.join(&config.output_dir))
}

/// The output folder is replaced whole, so it must not hold the site's sources.
fn check_output_dir(root: &Path, content: &Path, output: &Path) -> Result<(), Diagnostic> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        // Normalise `.` and `..` without touching the disk (the output may not exist yet).
        let mut out = PathBuf::new();
        for c in p.components() {
            match c {
                std::path::Component::ParentDir => {
                    out.pop();
                }
                std::path::Component::CurDir => {}
                other => out.push(other),
            }
        }
        out
    };
    let (root, content, output) = (abs(root), abs(content), abs(output));
    let bad = if output == root || root.starts_with(&output) {
        Some("the output folder would replace the site folder itself")
    } else if output.starts_with(&content) || content.starts_with(&output) {
        Some("the output folder overlaps the content folder")
    } else {
        None
    };
    match bad {
        Some(why) => Err(Diagnostic::error(
            output.display().to_string(),
            0,
            format!("refusing to build into `{}`: {why}", output.display()),
        )
        .with_hint(
            "use a separate folder such as `public` (`output_dir` in site.toml, or `--output`)",
        )),
        None => Ok(()),
    }
}

fn check_duplicate_slugs(
    incidents: &[std::sync::Arc<Incident>],
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<&str, &str> = HashMap::new();
    let mut sorted: Vec<&Incident> = incidents.iter().map(|i| &**i).collect();
    sorted.sort_by(|a, b| a.source.cmp(&b.source));
    for inc in sorted {
        if let Some(first) = seen.insert(inc.slug.as_str(), &inc.source) {
            diags.push(
                Diagnostic::error(
                    shown(config, &inc.source),
                    0,
                    format!(
                        "page name `{}` is already used by `{}`",
                        inc.slug,
                        shown(config, first)
                    ),
                )
                .with_hint(
                    "give one of them its own `slug = \"…\"` in front matter, or rename the file",
                ),
            );
            seen.insert(inc.slug.as_str(), first);
        }
    }
}

/// Files beside postmortems: a file a postmortem links to is copied next to its page; every
/// other file keeps its place relative to the content folder.
pub fn place_assets(
    archive: &Archive,
    assets: &[walk::Entry],
    withheld: &BTreeSet<String>,
    out: &mut SiteOutput,
    diags: &mut Vec<Diagnostic>,
) {
    let by_rel: BTreeMap<&str, &walk::Entry> = assets.iter().map(|a| (a.rel.as_str(), a)).collect();
    let mut used: BTreeSet<&str> = BTreeSet::new();
    for inc in &archive.incidents {
        let dir = inc.source.rsplit_once('/').map_or("", |(d, _)| d);
        for link in &inc.attachments {
            let link = link.split(['#', '?']).next().unwrap_or("");
            let decoded = percent_decode(link);
            let joined = if dir.is_empty() {
                decoded.clone()
            } else {
                format!("{dir}/{decoded}")
            };
            let Some(norm) = normalise(&joined) else {
                continue;
            };
            if let Some(asset) = by_rel.get(norm.as_str()) {
                if output::is_safe_relative(&decoded) {
                    pages::attach(out, inc.slug.as_str(), &decoded, asset.path.clone());
                    used.insert(asset.rel.as_str());
                }
            }
        }
    }
    for a in assets {
        if used.contains(a.rel.as_str()) {
            continue;
        }
        // Linked from internal text only, or inside an internal postmortem's folder.
        if withheld.contains(&a.rel)
            || withheld
                .iter()
                .any(|w| w.ends_with('/') && a.rel.starts_with(w.as_str()))
        {
            continue;
        }
        if out.files.contains_key(&a.rel) {
            diags.push(Diagnostic::warning(
                a.rel.clone(),
                0,
                "this file has the same path as a generated page; the generated page wins",
            ));
            continue;
        }
        out.copy(a.rel.clone(), a.path.clone());
    }
}

fn percent_decode(s: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `a/./b/../c` → `a/c`; `None` when it climbs out of the content folder.
fn normalise(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Builds the site and writes it atomically.
pub fn build(opts: &BuildOptions) -> Result<Report, Failure> {
    let start = Instant::now();
    let mut timer = Timer::new();
    let Loaded {
        config,
        theme,
        archive,
        assets,
        withheld,
        drafts_skipped,
        files: _,
        mut warnings,
    } = load_archive(opts, &mut Cache::default())?;
    timer.lap("load");
    let out_dir = output_dir(opts, &config);
    let write_error = |e: std::io::Error| {
        Failure::from(vec![Diagnostic::error(
            out_dir.display().to_string(),
            0,
            format!("cannot write the site: {e}"),
        )
        .with_hint("check that the disk has space and the folder is writable; the previous site was left in place")])
    };
    // The search index is built beside the pages, which are rendered and written into the
    // temporary output folder meanwhile. Nothing replaces the current output before
    // everything succeeded.
    let files_written = std::thread::scope(|scope| -> Result<usize, Failure> {
        let search = scope.spawn(|| crate::search::index(&archive, &config.language));
        // Postmortem pages go to disk as they are rendered; the lists, reports and feeds
        // render beside them and are written afterwards.
        let staged = output::Staged::new(&out_dir).map_err(write_error)?;
        let (pages, derived) = rayon::join(
            || {
                pages::stream_postmortems(&archive, &theme, &config, &|path, bytes| {
                    staged.write_one(path, bytes)
                })
            },
            || pages::render_derived(&archive, &theme, &config),
        );
        let (page_paths, mut rendered) = match (pages, derived) {
            (Ok(p), Ok(d)) => (p, d),
            (Err(mut a), Err(b)) => {
                a.extend(b);
                a.extend(warnings.clone());
                return Err(Failure::from(a));
            }
            (Err(mut e), _) | (_, Err(mut e)) => {
                e.extend(warnings.clone());
                return Err(Failure::from(e));
            }
        };
        let mut paths: BTreeSet<String> = rendered.files.keys().cloned().collect();
        let mut with_assets = SiteOutput::default();
        // Assets go in after the pages, so a generated page wins over a content file: the
        // pages already on disk and the sitemap hold their places while assets are placed.
        std::mem::swap(&mut with_assets.files, &mut rendered.files);
        let placeholders: Vec<String> = page_paths
            .into_iter()
            .chain(["sitemap.xml".to_string()])
            .collect();
        for p in &placeholders {
            with_assets.add(p.clone(), Vec::new());
        }
        place_assets(
            &archive,
            &assets,
            &withheld,
            &mut with_assets,
            &mut warnings,
        );
        for p in placeholders {
            with_assets.files.remove(&p);
            paths.insert(p);
        }
        paths.remove("sitemap.xml");
        timer.lap("pages and feeds");
        if (opts.strict || config.strict) && !warnings.is_empty() {
            let diagnostics = std::mem::take(&mut warnings)
                .into_iter()
                .map(|mut d| {
                    d.severity = crate::diagnostic::Severity::Error;
                    d
                })
                .collect();
            return Err(Failure {
                diagnostics,
                pages_ok: 0,
                drafts_skipped,
                internal_skipped: 0,
            });
        }
        let mut staged = staged;
        staged.write(&with_assets).map_err(write_error)?;
        drop(with_assets);
        timer.lap("write pages");
        let search = search
            .join()
            .unwrap_or_else(|_| Err("the search indexer panicked".into()));
        let index = pages::search_files(search).map_err(Failure::from)?;
        timer.lap("search index (after the pages)");
        let mut rest = SiteOutput::default();
        for (path, bytes) in index {
            paths.insert(path.clone());
            rest.add(path, bytes);
        }
        rest.add(
            "sitemap.xml",
            pages::sitemap(paths.iter(), &archive, &config.base_url()),
        );
        staged.write(&rest).map_err(write_error)?;
        let n = staged.commit().map_err(write_error)?;
        timer.lap("write search index and swap");
        Ok(n)
    })?;
    Ok(Report {
        edition: config.edition,
        postmortems: archive.incidents.len(),
        drafts_skipped,
        internal: archive.editions.internal,
        terms: archive.taxonomies.iter().map(|t| t.terms.len()).sum(),
        files_written,
        elapsed: start.elapsed(),
        output_dir: out_dir,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_relative_paths() {
        assert_eq!(normalise("a/./b/../c.png").as_deref(), Some("a/c.png"));
        assert_eq!(normalise("../x"), None);
        assert_eq!(percent_decode("my%20diagram.png"), "my diagram.png");
    }

    #[test]
    fn a_file_that_cannot_be_read_is_an_error_naming_it() {
        // CI runs as root, which reads files whatever their mode: a file removed between the
        // walk and the read takes the same path through the code.
        let config = Config::default();
        let zone = zone::site_zone("UTC").unwrap();
        let entry = walk::Entry {
            path: PathBuf::from("/nonexistent/inquest/gone.md"),
            rel: "2024/gone.md".into(),
        };
        let (c, reused) = outcome(&entry, &config, &zone, false, &HashMap::new());
        let o = c.outcome;
        assert!(!reused && o.incident.is_none());
        assert_eq!(o.diagnostics.len(), 1);
        assert!(o.diagnostics[0].is_error());
        assert!(
            o.diagnostics[0]
                .to_string()
                .starts_with("content/2024/gone.md: error: cannot read"),
            "{}",
            o.diagnostics[0]
        );
    }

    #[test]
    fn one_cache_never_mixes_editions() {
        // `serve` keeps one cache: switching edition must redo every file, not reuse the
        // other edition's results.
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/editions");
        let mut cache = Cache::persistent();
        let leaks = |site: &Site| {
            site.archive
                .incidents
                .iter()
                .filter(|i| i.body_html.contains("SentinelInternal"))
                .count()
        };
        let opts = |edition| BuildOptions {
            root: root.clone(),
            edition: Some(edition),
            ..BuildOptions::default()
        };
        let public = load_with(&opts(Edition::Public), &mut cache).unwrap();
        assert_eq!((public.archive.incidents.len(), leaks(&public)), (4, 0));
        let internal = load_with(&opts(Edition::Internal), &mut cache).unwrap();
        assert_eq!(cache.reused, 0);
        assert_eq!(internal.archive.incidents.len(), 8);
        assert!(leaks(&internal) >= 4);
        let again = load_with(&opts(Edition::Public), &mut cache).unwrap();
        assert_eq!(cache.reused, 0);
        assert_eq!((again.archive.incidents.len(), leaks(&again)), (4, 0));
        let same = load_with(&opts(Edition::Public), &mut cache).unwrap();
        assert_eq!(cache.processed, 0, "same edition, same files: all reused");
        assert_eq!(leaks(&same), 0);
    }

    #[test]
    fn output_inside_content_is_refused() {
        let root = Path::new("/site");
        assert!(
            check_output_dir(root, &root.join("content"), &root.join("content/public")).is_err()
        );
        assert!(check_output_dir(root, &root.join("content"), root).is_err());
        assert!(check_output_dir(root, &root.join("content"), Path::new("/")).is_err());
        assert!(check_output_dir(root, &root.join("content"), &root.join("public")).is_ok());
    }
}
