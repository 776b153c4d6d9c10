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
    /// The postmortems of this page, grouped by year.
    years: Vec<YearGroup>,
    /// Set when the list spans several pages (`paginate_by`).
    pager: Option<Pager>,
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
    /// Where the action-item ledger lists this postmortem's items (`actions/page/3/#a-db`),
    /// relative to the site root; null without action items.
    actions_url: Option<String>,
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
    /// The postmortems of this page.
    postmortems: Vec<Card>,
    pager: Option<Pager>,
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

/// Where a page stands in a list split over several pages (`paginate_by` in `site.toml`).
/// URLs are relative to the page itself.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct Pager {
    /// 1-based.
    number: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
    /// First, last and nearby pages, with `gap` entries where numbers are left out.
    links: Vec<PagerLink>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct PagerLink {
    number: usize,
    /// `None` for the current page and for gaps.
    url: Option<String>,
    current: bool,
    gap: bool,
}

/// URL of page `n` of the list at `base` (`tags/dns/` → `tags/dns/page/2/`).
fn page_url(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// Splits `items` into pages of `per_page` (`0`: one page); always at least one page.
fn paginate<T>(items: &[T], per_page: usize) -> Vec<&[T]> {
    if per_page == 0 || items.len() <= per_page {
        vec![items]
    } else {
        items.chunks(per_page).collect()
    }
}

/// The pager of page `number` of `total` of the list at `base`; `None` for a single page.
fn pager(base: &str, number: usize, total: usize) -> Option<Pager> {
    if total <= 1 {
        return None;
    }
    let root = root_for(&page_url(base, number));
    let href = |n: usize| format!("{root}{}", page_url(base, n));
    let mut links = Vec::new();
    let near = |n: usize| n == 1 || n == total || n.abs_diff(number) <= 2;
    for n in 1..=total {
        if near(n) {
            links.push(PagerLink {
                number: n,
                url: (n != number).then(|| href(n)),
                current: n == number,
                gap: false,
            });
        } else if links.last().is_some_and(|l| !l.gap) {
            links.push(PagerLink {
                number: n,
                url: None,
                current: false,
                gap: true,
            });
        }
    }
    Some(Pager {
        number,
        total,
        prev: (number > 1).then(|| href(number - 1)),
        next: (number < total).then(|| href(number + 1)),
        links,
    })
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

impl<'a> Renderer<'a> {
    fn new(theme: &'a Theme) -> Self {
        Renderer {
            theme,
            out: SiteOutput::default(),
            errors: Vec::new(),
        }
    }

    /// Takes over the pages and errors of `other` (rendered beside this one).
    fn merge(&mut self, other: Renderer<'_>) {
        self.out.files.extend(other.out.files);
        self.errors.extend(other.errors);
    }

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
        let (pages, derived) = rayon::join(
            || render_postmortems(archive, theme, config, &mut PageCache::default()),
            || render_derived(archive, theme, config),
        );
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
    let ledger = ledger_pages(archive, config.paginate_by);
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
            let ledger = ledger[i];
            let key = fingerprint(&[inc.fingerprint, fp(prev), fp(next), ledger as u64]);
            if inc.fingerprint != 0 && old.get(&path) == Some(&key) {
                return Ok((path, key, None));
            }
            render_postmortem(archive, theme, &ctx, i, ledger).map(|html| (path, key, Some(html)))
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

/// For each postmortem, the page of the action-item ledger that lists its items (`0`: it
/// has none), as `reports` paginates the ledger.
fn ledger_pages(archive: &Archive, per_page: usize) -> Vec<usize> {
    let mut rank = 0;
    archive
        .incidents
        .iter()
        .map(|inc| {
            if inc.meta.action_items.is_empty() {
                return 0;
            }
            rank += 1;
            // `paginate_by = 0`: one page.
            (rank - 1_usize).checked_div(per_page).unwrap_or(0) + 1
        })
        .collect()
}

/// The page of postmortem `i` of `archive`; `ledger_page` is the page of the action-item
/// ledger that lists its items.
fn render_postmortem(
    archive: &Archive,
    theme: &Theme,
    ctx: &Ctx<'_>,
    i: usize,
    ledger_page: usize,
) -> Result<String, Diagnostic> {
    let inc = &archive.incidents[i];
    // Newest first: "previous" is the older incident.
    let (prev, next) = (archive.incidents.get(i + 1), i.checked_sub(1));
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
        prev: prev.map(|p| views::card(p)),
        next: next.map(|j| views::card(&archive.incidents[j])),
        actions_url: (ledger_page > 0)
            .then(|| format!("{}#a-{}", page_url("actions/", ledger_page), inc.slug)),
    };
    theme.render("postmortem.html", &view)
}

/// Renders every postmortem page and hands each to `sink` (path, bytes) as soon as it is
/// rendered, from several threads: `build` writes them straight to disk instead of holding
/// all of them. Returns the paths written.
pub fn stream_postmortems(
    archive: &Archive,
    theme: &Theme,
    config: &Config,
    sink: &(dyn Fn(&str, &[u8]) -> std::io::Result<()> + Sync),
) -> Result<Vec<String>, Vec<Diagnostic>> {
    let site = views::site_view(config);
    let ctx = Ctx {
        site: &site,
        base_url: config.base_url(),
    };
    let ledger = ledger_pages(archive, config.paginate_by);
    let results: Vec<Result<String, Diagnostic>> = (0..archive.incidents.len())
        .into_par_iter()
        .map(|i| {
            let path = format!("postmortems/{}/index.html", archive.incidents[i].slug);
            let html = render_postmortem(archive, theme, &ctx, i, ledger[i])?;
            sink(&path, html.as_bytes()).map_err(|e| {
                Diagnostic::error(&path, 0, format!("cannot write the page: {e}"))
                    .with_hint("check that the disk has space and the folder is writable; the previous site was left in place")
            })?;
            Ok(path)
        })
        .collect();
    let (paths, errors): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
    if errors.is_empty() {
        Ok(paths.into_iter().flatten().collect())
    } else {
        Err(errors.into_iter().filter_map(Result::err).collect())
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
    // Lists repeat the same card on the home page, on several term pages and on their later
    // pages, at different depths: render each card once, with a mark where the relative
    // root goes, and fill the mark in per depth.
    const ROOT_MARK: &str = "\u{E000}";
    let rendered: Result<Vec<String>, Diagnostic> = cards
        .par_iter()
        .map(|c| {
            #[derive(Serialize)]
            struct CardView<'a> {
                pm: &'a Card,
                root: &'a str,
            }
            theme.render(
                "card.html",
                &CardView {
                    pm: c,
                    root: ROOT_MARK,
                },
            )
        })
        .collect();
    let rendered = rendered.map_err(|e| vec![e])?;
    let listed = |depth: usize| -> Vec<Card> {
        let root = "../".repeat(depth);
        cards
            .par_iter()
            .zip(&rendered)
            .map(|(c, html)| Card {
                html: html.replace(ROOT_MARK, &root),
                ..c.clone()
            })
            .collect()
    };
    let per_page = config.paginate_by;
    let long_term = archive.taxonomies.iter().any(|t| {
        t.terms
            .iter()
            .any(|t| per_page > 0 && t.members.len() > per_page)
    });
    // Depth 0: the home page; 2: term pages and later home pages (`page/2/`); 4: later
    // term pages (`tags/dns/page/2/`).
    let home_cards = listed(0);
    let term_cards = listed(2);
    let deep_cards = if long_term { listed(4) } else { Vec::new() };
    lap("cards");
    let end = reports::reference_day(archive, config);

    // The home page, the term pages (each with its feed), the reports and the feeds do not
    // depend on each other: they render side by side, and the term pages in parallel.
    let home = || {
        let mut r = Renderer::new(theme);
        let pages = paginate(&home_cards, per_page);
        let total = pages.len();
        for (k, page) in pages.iter().enumerate() {
            let number = k + 1;
            let url = page_url("", number);
            // Grouped by year, newest first; the first page also has the calendar strip.
            let mut years: Vec<YearGroup> = Vec::new();
            for (i, home_card) in page.iter().enumerate() {
                let c = if number == 1 {
                    home_card
                } else {
                    &term_cards[k * per_page + i]
                };
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
            let title = if number == 1 {
                config.title.clone()
            } else {
                format!("{} (page {number} of {total})", config.title)
            };
            r.page(
                &index_path(&url),
                "index.html",
                &IndexPage {
                    base: ctx.base("index", &title, &url, &config.description),
                    years,
                    pager: pager("", number, total),
                    count: cards.len(),
                    durations: &archive.durations,
                    strip: reports::strip(archive, config, end),
                },
            );
        }
        r
    };
    let taxonomies = || {
        let mut jobs = Vec::new();
        let mut r = Renderer::new(theme);
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
                jobs.push((link.clone(), term, tv.clone()));
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
        let pages: Vec<Renderer> = jobs
            .into_par_iter()
            .map(|(link, term, tv)| {
                let mut r = Renderer::new(theme);
                let title = format!("{}: {}", link.title, term.name);
                syndication::term_feed(
                    &mut r.out,
                    archive,
                    config,
                    &cards,
                    &title,
                    &tv.url,
                    &term.members,
                );
                let pages = paginate(&term.members, per_page);
                let total = pages.len();
                for (k, members) in pages.iter().enumerate() {
                    let number = k + 1;
                    let url = page_url(&tv.url, number);
                    let listed = if number == 1 {
                        &term_cards
                    } else {
                        &deep_cards
                    };
                    let page_title = if number == 1 {
                        title.clone()
                    } else {
                        format!("{title} (page {number} of {total})")
                    };
                    r.page(
                        &index_path(&url),
                        "term.html",
                        &TermPage {
                            base: ctx.base("term", &page_title, &url, ""),
                            taxonomy: link.clone(),
                            term: tv.clone(),
                            postmortems: members.iter().map(|&i| listed[i].clone()).collect(),
                            pager: pager(&tv.url, number, total),
                            // The term's feed sits beside its first page.
                            feed: if number == 1 {
                                "atom.xml".into()
                            } else {
                                "../../atom.xml".into()
                            },
                        },
                    );
                }
                r
            })
            .collect();
        for p in pages {
            r.merge(p);
        }
        r
    };
    let reports = || {
        let mut r = Renderer::new(theme);
        reports::render(&mut r, ctx, archive, config, &cards, end);
        lap("reports");
        syndication::render(&mut r.out, archive, config, &cards);
        lap("feeds");
        r
    };
    let ((home, terms), rest) = rayon::join(|| rayon::join(home, taxonomies), reports);
    lap("home, taxonomies, reports and feeds");
    for part in [home, terms, rest] {
        r.merge(part);
    }

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
    fn pagers_link_first_last_and_nearby_pages_relatively() {
        assert_eq!(pager("", 1, 1), None);
        let p = pager("tags/dns/", 6, 20).unwrap();
        let shown: Vec<String> = p
            .links
            .iter()
            .map(|l| {
                if l.gap {
                    "…".into()
                } else if l.current {
                    format!("[{}]", l.number)
                } else {
                    l.number.to_string()
                }
            })
            .collect();
        assert_eq!(shown, ["1", "…", "4", "5", "[6]", "7", "8", "…", "20"]);
        assert_eq!(p.prev.as_deref(), Some("../../../../tags/dns/page/5/"));
        assert_eq!(p.next.as_deref(), Some("../../../../tags/dns/page/7/"));
        assert_eq!(p.links[0].url.as_deref(), Some("../../../../tags/dns/"));
        let first = pager("", 1, 3).unwrap();
        assert_eq!(first.prev, None);
        assert_eq!(first.next.as_deref(), Some("page/2/"));
        assert_eq!(paginate(&[1, 2, 3, 4, 5], 2), [&[1, 2][..], &[3, 4], &[5]]);
        assert_eq!(paginate(&[1, 2], 0), [&[1, 2][..]]);
        assert_eq!(
            paginate::<u8>(&[], 2).len(),
            1,
            "an empty list still has its page"
        );
    }

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
