//! Archive + theme → `SiteOutput`: every page, feeds, `incidents.json`, `sitemap.xml`, the
//! highlight stylesheet and static files. Nothing is written here. Reports (statistics,
//! history, action items) live in `reports`, feeds and calendars in `syndication`.

mod reports;
mod syndication;

use rayon::prelude::*;
use serde::Serialize;

use crate::archive::Archive;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::output::{Payload, SiteOutput};
use crate::record::VERSION;
use crate::theme::Theme;
use crate::views::{self, Base, Card, PageInfo, PostmortemView, SiteView, TermView};

#[derive(Serialize)]
struct YearGroup {
    year: String,
    postmortems: Vec<Card>,
}

#[derive(Serialize)]
struct IndexPage<'a> {
    #[serde(flatten)]
    base: Base<'a>,
    years: Vec<YearGroup>,
    count: usize,
    durations: &'a crate::stats::DurationSummary,
    strip: reports::Strip,
}

#[derive(Serialize)]
struct PostmortemPage<'a> {
    #[serde(flatten)]
    base: Base<'a>,
    pm: PostmortemView,
    body: &'a str,
    prev: Option<Card>,
    next: Option<Card>,
}

#[derive(Serialize)]
struct TaxonomyPage<'a> {
    #[serde(flatten)]
    base: Base<'a>,
    taxonomy: views::TaxonomyLink,
    terms: Vec<TermView>,
}

#[derive(Serialize)]
struct TermPage<'a> {
    #[serde(flatten)]
    base: Base<'a>,
    taxonomy: views::TaxonomyLink,
    term: TermView,
    postmortems: Vec<Card>,
    /// Relative URL of the term's Atom feed.
    feed: String,
}

#[derive(Serialize)]
struct SearchPage<'a> {
    #[serde(flatten)]
    base: Base<'a>,
    count: usize,
    /// Facets with every value and its count (`[{name, label, values: [{value, count}]}]`).
    facets: Vec<crate::search::Facet>,
    /// Folder of the search index, relative to the site root (`search-index/`).
    bundle: &'static str,
}

#[derive(Serialize)]
struct IncidentsJson<'a> {
    version: u32,
    generator: String,
    postmortems: &'a [std::sync::Arc<crate::record::Record>],
}

/// `postmortems/x/` → `../../`.
fn root_for(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

fn index_path(url: &str) -> String {
    format!("{url}index.html")
}

/// What every page view is made from.
pub(crate) struct Ctx<'a> {
    site: &'a SiteView,
    base_url: String,
}

impl<'a> Ctx<'a> {
    fn base(&self, kind: &'static str, title: &str, url: &str, description: &str) -> Base<'a> {
        Base {
            site: self.site,
            root: root_for(url),
            page: PageInfo {
                kind,
                title: title.to_string(),
                url: url.to_string(),
                permalink: format!("{}{url}", self.base_url),
                description: description.to_string(),
            },
        }
    }
}

/// Collects rendered pages and template errors.
pub(crate) struct Renderer<'a> {
    theme: &'a Theme,
    out: SiteOutput,
    errors: Vec<Diagnostic>,
}

impl Renderer<'_> {
    fn page<T: Serialize>(&mut self, path: &str, template: &str, view: &T) {
        match self.theme.render(template, view) {
            Ok(html) => self.out.add(path, html),
            Err(e) => self.errors.push(e),
        }
    }
}

/// Renders the whole site.
pub fn render_site(
    archive: &Archive,
    theme: &Theme,
    config: &Config,
) -> Result<SiteOutput, Vec<Diagnostic>> {
    // The search index is built beside the page rendering (both use the rayon pool).
    std::thread::scope(|scope| {
        let search = scope.spawn(|| crate::search::index(archive, &config.language));
        let pages = render_postmortems(archive, theme, config, &mut PageCache::default());
        let derived = render_derived(archive, theme, config);
        let search = search
            .join()
            .unwrap_or_else(|_| Err("the search indexer panicked".into()));
        let mut out = match (pages, derived) {
            (Ok(mut p), Ok(d)) => {
                p.files.extend(d.files);
                p
            }
            (Err(mut a), Err(b)) => {
                a.extend(b);
                return Err(a);
            }
            (Err(e), _) | (_, Err(e)) => return Err(e),
        };
        match search_files(search) {
            Ok(files) => {
                for (path, bytes) in files {
                    out.add(path, bytes);
                }
            }
            Err(e) => return Err(e),
        }
        let sitemap = sitemap(out.files.keys(), archive, &config.base_url());
        out.add("sitemap.xml", sitemap);
        Ok(out)
    })
}

/// The search indexer's result as diagnostics.
pub fn search_files(
    result: Result<Vec<(String, Vec<u8>)>, String>,
) -> Result<Vec<(String, Vec<u8>)>, Vec<Diagnostic>> {
    result.map_err(|e| {
        vec![Diagnostic::error("search index", 0, e).with_hint(
            "this is a bug in inquest; please report it with the postmortem that triggers it",
        )]
    })
}

/// What the postmortem pages were last rendered from (`serve`). A page is rendered again
/// only when its incident or a neighbour it links to (previous, next) changed, or the
/// configuration or templates did; the caller keeps the pages themselves.
#[derive(Debug, Default)]
pub struct PageCache {
    /// Configuration and theme the pages were rendered with.
    context: u64,
    /// Output path → fingerprint of what the page shows.
    keys: std::collections::HashMap<String, u64>,
    /// Pages rendered and pages left as they were by the last call.
    pub rendered: usize,
    pub reused: usize,
}

impl PageCache {
    /// Whether `path` is a postmortem page of the last call.
    pub fn contains(&self, path: &str) -> bool {
        self.keys.contains_key(path)
    }
}

fn fingerprint(parts: &[u64]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut h);
    h.finish()
}

/// The pages of postmortems whose page differs from what `cache` says was rendered before:
/// every page on the first call (and always with a fresh cache, as `build` uses).
pub fn render_postmortems(
    archive: &Archive,
    theme: &Theme,
    config: &Config,
    cache: &mut PageCache,
) -> Result<SiteOutput, Vec<Diagnostic>> {
    let site = views::site_view(config);
    let ctx = Ctx {
        site: &site,
        base_url: config.base_url(),
    };
    let context = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        theme.fingerprint.hash(&mut h);
        serde_json::to_string(config)
            .unwrap_or_default()
            .hash(&mut h);
        h.finish()
    };
    if cache.context != context {
        cache.keys.clear();
        cache.context = context;
    }
    let n = archive.incidents.len();
    let fp = |i: Option<usize>| i.map_or(0, |i| archive.incidents[i].fingerprint);
    let old = std::mem::take(&mut cache.keys);
    // Postmortem pages, in parallel: they are most of the work.
    type Rendered = (String, u64, Option<String>);
    let pages: Vec<Result<Rendered, Diagnostic>> = archive
        .incidents
        .par_iter()
        .enumerate()
        .map(|(i, inc)| {
            let path = format!("postmortems/{}/index.html", inc.slug);
            // Newest first: "previous" is the older incident.
            let (prev, next) = ((i + 1 < n).then_some(i + 1), i.checked_sub(1));
            let key = fingerprint(&[inc.fingerprint, fp(prev), fp(next)]);
            if inc.fingerprint != 0 && old.get(&path) == Some(&key) {
                return Ok((path, key, None));
            }
            let card = views::card(inc);
            let view = PostmortemPage {
                base: ctx.base(
                    "postmortem",
                    &card.title,
                    &card.url,
                    card.summary.as_deref().unwrap_or(""),
                ),
                pm: views::postmortem_view(inc, &archive.records[i]),
                body: &inc.body_html,
                prev: prev.map(|j| views::card(&archive.incidents[j])),
                next: next.map(|j| views::card(&archive.incidents[j])),
            };
            theme
                .render("postmortem.html", &view)
                .map(|html| (path, key, Some(html)))
        })
        .collect();
    let mut out = SiteOutput::default();
    let mut errors = Vec::new();
    cache.rendered = 0;
    cache.reused = 0;
    for p in pages {
        match p {
            Ok((path, key, html)) => {
                cache.keys.insert(path.clone(), key);
                match html {
                    Some(html) => {
                        cache.rendered += 1;
                        out.add(path, html);
                    }
                    None => cache.reused += 1,
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        cache.keys.clear();
        Err(errors)
    }
}

/// Every page and file but the postmortem pages, the search index and the sitemap: lists,
/// term pages, reports, feeds, `incidents.json`, the search page, static files.
pub fn render_derived(
    archive: &Archive,
    theme: &Theme,
    config: &Config,
) -> Result<SiteOutput, Vec<Diagnostic>> {
    let site = views::site_view(config);
    let ctx = Ctx {
        site: &site,
        base_url: config.base_url(),
    };
    render_pages(archive, theme, config, &ctx)
}

/// Every page and file but the postmortem pages, the search index and the sitemap.
fn render_pages(
    archive: &Archive,
    theme: &Theme,
    config: &Config,
    ctx: &Ctx<'_>,
) -> Result<SiteOutput, Vec<Diagnostic>> {
    let site = ctx.site;
    let mut r = Renderer {
        theme,
        out: SiteOutput::default(),
        errors: Vec::new(),
    };
    let profile = std::env::var_os("INQUEST_PROFILE").is_some();
    let t = std::time::Instant::now();
    let lap = |what: &str| {
        if profile {
            eprintln!(
                "[profile]   {what}: {} ms (cumulative)",
                t.elapsed().as_millis()
            );
        }
    };
    let cards: Vec<Card> = archive
        .incidents
        .par_iter()
        .map(|i| views::card(i))
        .collect();
    // Lists repeat the same card on the home page and on several term pages: render each
    // card once per link depth instead of once per listing.
    let listed = |depth: usize| -> Result<Vec<Card>, Diagnostic> {
        let root = "../".repeat(depth);
        cards
            .par_iter()
            .map(|c| {
                #[derive(Serialize)]
                struct CardView<'a> {
                    pm: &'a Card,
                    root: &'a str,
                }
                let html = theme.render("card.html", &CardView { pm: c, root: &root })?;
                Ok(Card { html, ..c.clone() })
            })
            .collect()
    };
    let (home_cards, term_cards) = match (listed(0), listed(2)) {
        (Ok(h), Ok(t)) => (h, t),
        (Err(e), _) | (_, Err(e)) => return Err(vec![e]),
    };

    lap("cards");
    let end = reports::reference_day(archive, config);

    // Home: grouped by year, newest first, with the calendar strip.
    let mut years: Vec<YearGroup> = Vec::new();
    for c in &home_cards {
        let y = c
            .year
            .map_or_else(|| "Undated".to_string(), |y| y.to_string());
        match years.last_mut() {
            Some(g) if g.year == y => g.postmortems.push(c.clone()),
            _ => years.push(YearGroup {
                year: y,
                postmortems: vec![c.clone()],
            }),
        }
    }
    r.page(
        "index.html",
        "index.html",
        &IndexPage {
            base: ctx.base("index", &config.title, "", &config.description),
            years,
            count: cards.len(),
            durations: &archive.durations,
            strip: reports::strip(archive, config, end),
        },
    );

    for tax in &archive.taxonomies {
        let link = views::TaxonomyLink {
            name: tax.name.clone(),
            title: views::taxonomy_title(&tax.name),
            url: format!("{}/", tax.name),
        };
        let terms: Vec<TermView> = tax
            .terms
            .iter()
            .map(|t| views::term_view(archive, tax, t))
            .collect();
        for (term, tv) in tax.terms.iter().zip(&terms) {
            let title = format!("{}: {}", link.title, term.name);
            r.page(
                &index_path(&tv.url),
                "term.html",
                &TermPage {
                    base: ctx.base("term", &title, &tv.url, ""),
                    taxonomy: link.clone(),
                    term: tv.clone(),
                    postmortems: term
                        .members
                        .iter()
                        .map(|&i| term_cards[i].clone())
                        .collect(),
                    feed: "atom.xml".into(),
                },
            );
            syndication::term_feed(
                &mut r.out,
                archive,
                config,
                &cards,
                &title,
                &tv.url,
                &term.members,
            );
        }
        r.page(
            &index_path(&link.url),
            "taxonomy.html",
            &TaxonomyPage {
                base: ctx.base("taxonomy", &link.title, &link.url, ""),
                taxonomy: link.clone(),
                terms,
            },
        );
    }

    lap("home and taxonomies");
    reports::render(&mut r, ctx, archive, config, &cards, end);
    lap("reports");
    syndication::render(&mut r.out, archive, config, &cards);
    lap("feeds");

    r.page(
        "search/index.html",
        "search.html",
        &SearchPage {
            base: ctx.base("search", "Search", "search/", "Search the postmortems"),
            count: cards.len(),
            facets: crate::search::facets(archive),
            bundle: crate::search::BUNDLE_DIR,
        },
    );
    // The 404 page is served at any depth, so its links go from the base URL's path.
    let mut nf = ctx.base("404", "Page not found", "404.html", "");
    nf.root = base_path(&config.base_url());
    r.page("404.html", "404.html", &nf);

    let Renderer {
        mut out, errors, ..
    } = r;
    if !errors.is_empty() {
        return Err(errors);
    }

    let json = serde_json::to_string_pretty(&IncidentsJson {
        version: VERSION,
        generator: site.generator.clone(),
        postmortems: &archive.records,
    })
    .unwrap_or_default();
    out.add("incidents.json", json);
    match crate::highlight::stylesheet(&config.highlight.light, &config.highlight.dark) {
        Ok(css) => out.add("highlight.css", css),
        Err(e) => return Err(vec![Diagnostic::error("site.toml", 0, e)]),
    }
    for (path, payload) in &theme.static_files {
        out.files.insert(path.clone(), payload.clone());
    }
    Ok(out)
}

/// `https://example.com/status/` → `/status/`.
pub(crate) fn base_path(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    match after_scheme.find('/') {
        Some(i) if base_url.contains("://") => after_scheme[i..].to_string(),
        _ if base_url.starts_with('/') => base_url.to_string(),
        _ => "/".to_string(),
    }
}

/// `sitemap.xml` over the output paths `paths` (pages are the `…index.html` ones).
pub fn sitemap<'a>(
    paths: impl Iterator<Item = &'a String>,
    archive: &Archive,
    base_url: &str,
) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let lastmod: std::collections::HashMap<String, String> = archive
        .incidents
        .iter()
        .filter_map(|i| {
            Some((
                format!("postmortems/{}/index.html", i.slug),
                i.meta.date.as_ref()?.value.to_string(),
            ))
        })
        .collect();
    for path in paths {
        let Some(dir) = path.strip_suffix("index.html") else {
            continue;
        };
        s.push_str("  <url><loc>");
        s.push_str(&crate::highlight::escape(&format!("{base_url}{dir}")));
        s.push_str("</loc>");
        if let Some(d) = lastmod.get(path) {
            s.push_str("<lastmod>");
            s.push_str(d);
            s.push_str("</lastmod>");
        }
        s.push_str("</url>\n");
    }
    s.push_str("</urlset>\n");
    s
}

/// Attachments resolved for the page of `slug`: copies of files beside the postmortem.
pub fn attach(out: &mut SiteOutput, slug: &str, rel_link: &str, from: std::path::PathBuf) {
    out.files.insert(
        format!("postmortems/{slug}/{rel_link}"),
        Payload::Copy(from),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_and_base_paths() {
        assert_eq!(root_for(""), "");
        assert_eq!(root_for("stats/"), "../");
        assert_eq!(root_for("postmortems/a/"), "../../");
        assert_eq!(base_path("https://example.com/status/"), "/status/");
        assert_eq!(base_path("https://example.com/"), "/");
        assert_eq!(base_path("/"), "/");
    }
}
