//! Watching the site's sources: the only module that knows notify. Editors that save by
//! writing a temporary file and renaming it (vim, JetBrains) and bursts of saves come out as
//! one batch, thanks to notify-debouncer-full.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use notify::RecursiveMode;
use notify_debouncer_full::{new_debouncer, DebounceEventResult};

use crate::content::walk::is_ignored_name;

/// Keeps the watcher alive; dropping it stops watching.
pub struct Watcher {
    _debouncer: Box<dyn std::any::Any + Send>,
}

/// Does a change to `path` matter for the site at `root`? Changes to the output folder,
/// hidden files and editor leftovers do not.
pub fn relevant(root: &Path, ignored: &[PathBuf], path: &Path) -> bool {
    if ignored.iter().any(|i| path.starts_with(i)) {
        return false;
    }
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let Some(first) = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
    else {
        return false;
    };
    if rel
        .components()
        .any(|c| is_ignored_name(&c.as_os_str().to_string_lossy()))
    {
        return false;
    }
    first == "site.toml" || ["content", "templates", "static", "themes"].contains(&first.as_str())
}

/// Watches `root` recursively; every debounced batch of relevant changes sends the changed
/// paths on the returned channel.
pub fn watch(
    root: &Path,
    content_dir: &Path,
    ignored: Vec<PathBuf>,
) -> notify::Result<(Watcher, Receiver<Vec<PathBuf>>)> {
    let (tx, rx) = channel();
    let root_owned = root.to_path_buf();
    let content_owned = content_dir.to_path_buf();
    let mut debouncer = new_debouncer(
        Duration::from_millis(50),
        None,
        move |res: DebounceEventResult| {
            let Ok(events) = res else { return };
            // Reading files (the rebuild itself) makes access events; only changes count.
            let mut paths: Vec<PathBuf> = events
                .iter()
                .filter(|e| !matches!(e.kind, notify::EventKind::Access(_)))
                .flat_map(|e| e.paths.iter().cloned())
                .filter(|p| relevant(&root_owned, &ignored, p) || p.starts_with(&content_owned))
                .collect();
            paths.sort();
            paths.dedup();
            if !paths.is_empty() {
                let _ = tx.send(paths);
            }
        },
    )?;
    debouncer.watch(root, RecursiveMode::Recursive)?;
    if !content_dir.starts_with(root) && content_dir.is_dir() {
        debouncer.watch(content_dir, RecursiveMode::Recursive)?;
    }
    Ok((
        Watcher {
            _debouncer: Box::new(debouncer),
        },
        rx,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_are_relevant() {
        let root = Path::new("/site");
        let ignored = vec![root.join("public")];
        for p in [
            "site.toml",
            "content/a.md",
            "content/2024/b.txt",
            "templates/base.html",
            "static/x.css",
            "themes/t/templates/a.html",
        ] {
            assert!(relevant(root, &ignored, &root.join(p)), "{p}");
        }
        for p in [
            "public/index.html",
            "content/.a.md.swp",
            "content/a.md~",
            "content/.#a.md",
            "README.md",
            "target/x",
        ] {
            assert!(!relevant(root, &ignored, &root.join(p)), "{p}");
        }
    }
}
