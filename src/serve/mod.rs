//! `inquest serve`: build in memory, serve over HTTP, watch the sources and rebuild on change.
//!
//! A rebuild is done in three tiers so that the page being written reloads at once:
//! 1. per-file results are cached (`build::Cache`: unchanged size and time, not even read),
//!    the archive is assembled, and only the postmortem pages whose incident or neighbours
//!    changed are rendered (`pages::PageCache`); open pages whose file changed reload;
//! 2. a worker renders everything derived (lists, term pages, reports, feeds) from that
//!    archive and swaps it in; open pages among those that changed reload;
//! 3. another worker rebuilds the search index, the slowest part, and swaps it in.
//!
//! Each tier replaces its part of the served site in one step, so no page is ever served
//! half-written; a newer save overtakes workers still busy with an older one. A failed
//! rebuild keeps the last good site and tells open pages to show an overlay.

mod http;
mod panel;
mod watch;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use serde::Serialize;
use tokio::sync::broadcast;

use crate::archive::Archive;
use crate::build::{load_archive, place_assets, BuildOptions, Cache, Loaded};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::output::{Payload, SiteOutput};
use crate::pages::{self, PageCache};
use crate::theme::Theme;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub interface: String,
    pub port: u16,
    pub open: bool,
    pub drafts: bool,
    /// The edition to preview; the site's default when `None`.
    pub edition: Option<crate::edition::Edition>,
}

/// What open pages are told.
#[derive(Debug, Clone)]
pub enum Signal {
    /// These output paths changed (`*`: every page); pages showing one of them reload.
    Reload(Vec<String>),
    /// The failed rebuild's errors, as the JSON the overlay reads.
    Failed(String),
}

#[derive(Serialize)]
struct ErrorView {
    location: String,
    message: String,
    hint: Option<String>,
}

#[derive(Serialize)]
struct StateView {
    errors: Vec<ErrorView>,
    generation: u64,
}

/// The site being served: the last good build of each tier, and the errors of the last
/// rebuild if it failed.
#[derive(Debug, Default)]
pub struct Served {
    /// Postmortem pages.
    pub pages: BTreeMap<String, Payload>,
    /// Files copied from the content folder (attachments).
    pub assets: BTreeMap<String, Payload>,
    /// Every other page and file but the search index.
    pub derived: BTreeMap<String, Payload>,
    /// The search index (`search-index/`).
    pub search: BTreeMap<String, Payload>,
    /// The archive of the last good build, for the writer's panels.
    archive: Option<Arc<Archive>>,
    warnings: Arc<Vec<Diagnostic>>,
    content_dir: String,
    /// Postmortem page path → index in `archive`.
    by_path: HashMap<String, usize>,
    pub errors: Vec<Diagnostic>,
    pub generation: u64,
}

impl Served {
    /// The file served at `rel`. A generated page wins over a content file of the same path.
    pub fn get(&self, rel: &str) -> Option<&Payload> {
        self.derived
            .get(rel)
            .or_else(|| self.search.get(rel))
            .or_else(|| self.pages.get(rel))
            .or_else(|| self.assets.get(rel))
    }

    /// The writer's panel for the postmortem page at `rel`.
    pub fn panel(&self, rel: &str) -> Option<String> {
        let archive = self.archive.as_ref()?;
        let inc = archive.incidents.get(*self.by_path.get(rel)?)?;
        let shown = format!("{}/{}", self.content_dir, inc.source);
        let diags: Vec<&Diagnostic> = self.warnings.iter().filter(|d| d.path == shown).collect();
        Some(panel::panel(inc, &shown, &diags))
    }

    fn state_json(&self) -> String {
        let view = StateView {
            errors: self
                .errors
                .iter()
                .filter(|d| d.is_error())
                .map(|d| ErrorView {
                    location: d.location(),
                    message: d.message.clone(),
                    hint: d.hint.clone(),
                })
                .collect(),
            generation: self.generation,
        };
        serde_json::to_string(&view).unwrap_or_default()
    }

    /// Shown when no build has succeeded yet.
    fn placeholder(&self) -> String {
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>inquest serve</title></head><body><h1>No site yet</h1><p>The first build failed; fix the errors and this page reloads.</p></body></html>".into()
    }
}

/// Paths whose content differs between `old` and `new` (added, changed or removed).
fn changed(old: &BTreeMap<String, Payload>, new: &BTreeMap<String, Payload>) -> Vec<String> {
    let mut out: Vec<String> = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    out.extend(old.keys().filter(|k| !new.contains_key(*k)).cloned());
    out
}

/// What the workers of tiers 2 and 3 render from.
#[derive(Clone)]
struct Snapshot {
    archive: Arc<Archive>,
    theme: Arc<Theme>,
    config: Arc<Config>,
}

/// The newest of the snapshots waiting on `rx` (older ones are overtaken).
fn latest(rx: &Receiver<Snapshot>) -> Option<Snapshot> {
    let mut snap = rx.recv().ok()?;
    while let Ok(newer) = rx.try_recv() {
        snap = newer;
    }
    Some(snap)
}

fn fail(served: &RwLock<Served>, diagnostics: Vec<Diagnostic>) -> Option<Signal> {
    crate::cmd::report(&diagnostics);
    eprintln!("rebuild failed; still serving the last good site");
    let mut s = served.write().ok()?;
    s.errors = diagnostics;
    s.generation += 1;
    Some(Signal::Failed(s.state_json()))
}

/// Tier 1: loads the archive and renders the postmortem pages, swaps them in, and hands the
/// archive to the derived-pages worker. Returns the signal for open pages, if any.
fn rebuild(
    opts: &BuildOptions,
    cache: &mut Cache,
    page_cache: &mut PageCache,
    served: &RwLock<Served>,
    derived: &Sender<Snapshot>,
) -> Option<Signal> {
    let start = Instant::now();
    let Loaded {
        config,
        theme,
        archive,
        assets: assets_in,
        withheld,
        mut warnings,
        ..
    } = match load_archive(opts, cache) {
        Ok(l) => l,
        Err(f) => return fail(served, f.diagnostics),
    };
    // Only the pages that changed come back; the others stay as they are served.
    let fresh: SiteOutput = match pages::render_postmortems(&archive, &theme, &config, page_cache) {
        Ok(o) => o,
        Err(mut d) => {
            d.extend(warnings);
            return fail(served, d);
        }
    };
    let mut assets = SiteOutput::default();
    place_assets(&archive, &assets_in, &withheld, &mut assets, &mut warnings);
    crate::cmd::report(&warnings);
    let by_path = archive
        .incidents
        .iter()
        .enumerate()
        .map(|(i, inc)| (format!("postmortems/{}/index.html", inc.slug), i))
        .collect();
    let archive = Arc::new(archive);
    let mut s = served.write().ok()?;
    let mut paths = changed(&s.assets, &assets.files);
    s.assets = assets.files;
    // Pages of deleted or renamed postmortems go.
    let gone: Vec<String> = s
        .pages
        .keys()
        .filter(|k| !page_cache.contains(k))
        .cloned()
        .collect();
    for k in gone {
        s.pages.remove(&k);
        paths.push(k);
    }
    for (k, v) in fresh.files {
        if s.pages.get(&k) != Some(&v) {
            paths.push(k.clone());
            s.pages.insert(k, v);
        }
    }
    let was_failing = !s.errors.is_empty();
    if was_failing {
        paths = vec!["*".into()];
    }
    println!(
        "rebuilt {} postmortems in {} ms ({} files from cache, {} read again; {} pages rendered); lists, reports and search follow",
        archive.incidents.len(),
        start.elapsed().as_millis(),
        cache.reused,
        cache.processed,
        page_cache.rendered,
    );
    s.archive = Some(Arc::clone(&archive));
    s.warnings = Arc::new(warnings);
    s.content_dir = config.content_dir.trim_end_matches('/').to_string();
    s.by_path = by_path;
    s.errors.clear();
    s.generation += 1;
    drop(s);
    let _ = derived.send(Snapshot {
        archive,
        theme,
        config: Arc::new(config),
    });
    (!paths.is_empty()).then_some(Signal::Reload(paths))
}

/// Tier 2: every derived page and file of `snap`, swapped in; returns the signal.
fn render_derived(snap: &Snapshot, served: &RwLock<Served>) -> Option<Signal> {
    let start = Instant::now();
    let mut out = match pages::render_derived(&snap.archive, &snap.theme, &snap.config) {
        Ok(o) => o,
        Err(d) => return fail(served, d),
    };
    let mut all: BTreeSet<&String> = out.files.keys().collect();
    let page_paths: Vec<String> = snap
        .archive
        .incidents
        .iter()
        .map(|i| format!("postmortems/{}/index.html", i.slug))
        .collect();
    all.extend(page_paths.iter());
    let sitemap = pages::sitemap(all.into_iter(), &snap.archive, &snap.config.base_url());
    out.add("sitemap.xml", sitemap);
    let mut s = served.write().ok()?;
    let paths = changed(&s.derived, &out.files);
    s.derived = out.files;
    println!(
        "rendered lists, reports and feeds in {} ms",
        start.elapsed().as_millis()
    );
    (!paths.is_empty()).then_some(Signal::Reload(paths))
}

/// Tier 3: the search index of `snap`, swapped in. Open pages are not reloaded for it.
fn render_search(snap: &Snapshot, served: &RwLock<Served>) -> Option<Signal> {
    let start = Instant::now();
    let files =
        match pages::search_files(crate::search::index(&snap.archive, &snap.config.language)) {
            Ok(f) => f,
            Err(d) => return fail(served, d),
        };
    let files = files
        .into_iter()
        .map(|(p, b)| (p, Payload::Bytes(b)))
        .collect();
    served.write().ok()?.search = files;
    println!("search index rebuilt in {} ms", start.elapsed().as_millis());
    None
}

/// How much a worker thread yields to tier 1 (the page being written).
#[derive(Clone, Copy)]
enum Background {
    /// Lists and reports: the lowest nice value, so tier 1 gets ~98% of a contended core.
    Low,
    /// The search index: only when no other thread wants the processor (`SCHED_IDLE`).
    Idle,
}

/// Lowers the calling thread's scheduling priority, so that tier 1 gets the processor
/// first while workers catch up. On Linux these calls change the calling thread only.
fn lower_priority(level: Background) {
    #[cfg(target_os = "linux")]
    // SAFETY: both calls only read their arguments; `0` names the calling thread.
    unsafe {
        match level {
            Background::Low => {
                libc::setpriority(libc::PRIO_PROCESS, 0, 19);
            }
            Background::Idle => {
                let param = libc::sched_param { sched_priority: 0 };
                if libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) != 0 {
                    libc::setpriority(libc::PRIO_PROCESS, 0, 19);
                }
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = level;
}

/// A worker's own thread pool at a lower priority: its parallel work (the search indexer's
/// too) must not queue in front of tier 1's on the global pool.
fn worker_pool(name: &'static str, threads: usize, level: Background) -> Option<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(move |i| format!("inquest-{name}-{i}"))
        .start_handler(move |_| lower_priority(level))
        .build()
        .ok()
}

/// Starts the tier 2 and 3 workers; returns where tier 1 sends its snapshots.
fn workers(served: &Arc<RwLock<Served>>, tx: &broadcast::Sender<Signal>) -> Sender<Snapshot> {
    let (derived_tx, derived_rx) = channel::<Snapshot>();
    let (search_tx, search_rx) = channel::<Snapshot>();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    {
        let served = Arc::clone(served);
        let tx = tx.clone();
        std::thread::spawn(move || {
            lower_priority(Background::Low);
            let pool = worker_pool("lists", cores, Background::Low);
            while let Some(snap) = latest(&derived_rx) {
                let sig = match &pool {
                    Some(p) => p.install(|| render_derived(&snap, &served)),
                    None => render_derived(&snap, &served),
                };
                if let Some(sig) = sig {
                    let _ = tx.send(sig);
                }
                if search_tx.send(snap).is_err() {
                    break;
                }
            }
        });
    }
    {
        let served = Arc::clone(served);
        let tx = tx.clone();
        std::thread::spawn(move || {
            lower_priority(Background::Idle);
            let pool = worker_pool("search", cores, Background::Idle);
            while let Some(snap) = latest(&search_rx) {
                let sig = match &pool {
                    Some(p) => p.install(|| render_search(&snap, &served)),
                    None => render_search(&snap, &served),
                };
                if let Some(sig) = sig {
                    let _ = tx.send(sig);
                }
            }
        });
    }
    derived_tx
}

/// Runs the server until Ctrl-C.
pub fn run(mut opts: ServeOptions) -> Result<(), String> {
    // The watcher reports absolute paths; compare them with an absolute root.
    opts.root = opts
        .root
        .canonicalize()
        .map_err(|e| format!("cannot open the site folder `{}`: {e}", opts.root.display()))?;
    let ip: std::net::IpAddr = opts.interface.parse().map_err(|_| {
        format!(
            "expected an IP address for --interface, but found `{}`",
            opts.interface
        )
    })?;
    let addr = SocketAddr::new(ip, opts.port);
    let config = crate::config::Config::load(&opts.root).map_err(|d| {
        crate::cmd::report(&d);
        "cannot serve without a valid site.toml".to_string()
    })?;
    let build_opts = BuildOptions {
        root: opts.root.clone(),
        output: None,
        base_url: Some(format!("http://{addr}/")),
        drafts: opts.drafts,
        strict: false,
        edition: opts.edition,
    };
    let served = Arc::new(RwLock::new(Served::default()));
    let mut cache = Cache::persistent();
    let mut page_cache = PageCache::default();
    let (tx, _) = broadcast::channel::<Signal>(16);
    // The first build renders its lists before the server starts, so the first visit finds
    // a whole site; the search index follows in the background.
    let (first_tx, first_rx) = channel::<Snapshot>();
    rebuild(&build_opts, &mut cache, &mut page_cache, &served, &first_tx);
    let derived_tx = workers(&served, &tx);
    if let Ok(snap) = first_rx.try_recv() {
        render_derived(&snap, &served);
        let _ = derived_tx.send(snap);
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;

    let content_dir = opts.root.join(&config.content_dir);
    let ignored = vec![
        // Both editions' output folders: a build of either must not trigger a rebuild.
        opts.root.join(
            config
                .for_edition(crate::edition::Edition::Public)
                .output_dir,
        ),
        opts.root.join(
            config
                .for_edition(crate::edition::Edition::Internal)
                .output_dir,
        ),
        opts.root.join("target"),
        opts.root.join(".git"),
    ];
    let (_watcher, changes) = watch::watch(&opts.root, &content_dir, ignored)
        .map_err(|e| format!("cannot watch `{}` for changes: {e}", opts.root.display()))?;
    {
        let served = Arc::clone(&served);
        let tx = tx.clone();
        std::thread::spawn(move || {
            while let Ok(mut paths) = changes.recv() {
                // Coalesce batches that arrived while the last rebuild ran.
                while let Ok(more) = changes.try_recv() {
                    paths.extend(more);
                }
                cache.only_changed(paths);
                if let Some(sig) = rebuild(
                    &build_opts,
                    &mut cache,
                    &mut page_cache,
                    &served,
                    &derived_tx,
                ) {
                    let _ = tx.send(sig);
                }
            }
        });
    }

    let app = http::router(http::AppState {
        served: Arc::clone(&served),
        tx,
    });
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
            if e.kind() == std::io::ErrorKind::AddrInUse {
                format!("port {} on {} is already in use; choose another with `--port`, e.g. `inquest serve --port {}`", opts.port, opts.interface, opts.port.wrapping_add(1))
            } else {
                format!("cannot listen on {addr}: {e}")
            }
        })?;
        let url = format!("http://{addr}/");
        let edition = opts.edition.unwrap_or(config.editions.default);
        println!("serving the {edition} edition of {} at {url} (Ctrl-C to stop)", opts.root.display());
        if opts.open {
            if let Err(e) = open::that(&url) {
                eprintln!("warning: cannot open a browser: {e}");
            }
        }
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
                println!("stopping");
            })
            .await
            .map_err(|e| format!("server error: {e}"))
    })
}
