//! `inquest serve`: build in memory, serve over HTTP, watch the sources and rebuild on change.
//! Per-file results are cached by content hash (`build::Cache`), so a one-file edit redoes one
//! file; everything after assembly is recomputed. A rebuild replaces the served site in one
//! step, so it is never half-built; a failed rebuild keeps the last good site and tells open
//! pages to show an overlay.

mod http;
mod panel;
mod watch;

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use serde::Serialize;
use tokio::sync::broadcast;

use crate::build::{load_with, BuildOptions, Cache, Site};
use crate::diagnostic::Diagnostic;
use crate::output::Payload;

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
    Reload,
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

/// The site being served: the last good build, and the errors of the last rebuild if it
/// failed.
#[derive(Debug, Default)]
pub struct Served {
    pub files: BTreeMap<String, Payload>,
    /// Writer's panels by output path.
    pub panels: HashMap<String, String>,
    pub errors: Vec<Diagnostic>,
    pub generation: u64,
}

impl Served {
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

/// Writer's panels for every postmortem page of `site`.
fn panels(site: &Site) -> HashMap<String, String> {
    let content = site.config.content_dir.trim_end_matches('/');
    site.archive
        .incidents
        .iter()
        .map(|inc| {
            let shown = format!("{content}/{}", inc.source);
            let diags: Vec<&Diagnostic> =
                site.warnings.iter().filter(|d| d.path == shown).collect();
            (
                format!("postmortems/{}/index.html", inc.slug),
                panel::panel(inc, &shown, &diags),
            )
        })
        .collect()
}

/// Rebuilds and swaps the served site; returns the signal for open pages, if any.
fn rebuild(opts: &BuildOptions, cache: &mut Cache, served: &RwLock<Served>) -> Option<Signal> {
    let start = Instant::now();
    let result = load_with(opts, cache);
    let Ok(mut s) = served.write() else {
        return None;
    };
    match result {
        Ok(site) => {
            let panels = panels(&site);
            let changed = site
                .output
                .files
                .iter()
                .filter(|(k, v)| s.files.get(*k) != Some(*v))
                .count()
                + s.files
                    .keys()
                    .filter(|k| !site.output.files.contains_key(*k))
                    .count();
            let was_failing = !s.errors.is_empty();
            crate::cmd::report(&site.warnings);
            println!(
                "rebuilt {} postmortems in {} ms ({} from cache, {} redone; {} output files changed)",
                site.archive.incidents.len(),
                start.elapsed().as_millis(),
                cache.reused,
                cache.processed,
                changed
            );
            s.files = site.output.files;
            s.panels = panels;
            s.errors.clear();
            s.generation += 1;
            (changed > 0 || was_failing).then_some(Signal::Reload)
        }
        Err(f) => {
            crate::cmd::report(&f.diagnostics);
            eprintln!("rebuild failed; still serving the last good site");
            s.errors = f.diagnostics;
            s.generation += 1;
            Some(Signal::Failed(s.state_json()))
        }
    }
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
    let mut cache = Cache::default();
    rebuild(&build_opts, &mut cache, &served);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let (tx, _) = broadcast::channel::<Signal>(16);

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
                if let Some(sig) = rebuild(&build_opts, &mut cache, &served) {
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
