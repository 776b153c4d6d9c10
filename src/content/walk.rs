//! Walking `content/`: which files are postmortems, which are attachments, which are ignored.
//! The result is sorted by path so every build sees the same order.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::Diagnostic;

/// File extensions (lowercase) that are postmortems.
pub const POSTMORTEM_EXTENSIONS: &[&str] = &["md", "markdown", "txt"];

/// A file found under the content folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Path on disk.
    pub path: PathBuf,
    /// Path relative to the content folder, `/`-separated.
    pub rel: String,
}

#[derive(Debug, Default, Clone)]
pub struct Walked {
    pub postmortems: Vec<Entry>,
    pub assets: Vec<Entry>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Hidden files and editor leftovers: `.x`, `.#x`, `x~`, `#x#`, `x.swp`, `x.swo`, `x.tmp`.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || [".swp", ".swo", ".swx", ".tmp", ".bak"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

pub fn is_postmortem(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| POSTMORTEM_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Lists the content folder. `shown_root` prefixes paths in diagnostics.
pub fn walk(content_dir: &Path, follow_symlinks: bool, shown_root: &str) -> Walked {
    let mut out = Walked::default();
    let walker = WalkDir::new(content_dir)
        .follow_links(follow_symlinks)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    let canonical_root = content_dir.canonicalize().ok();
    for item in walker {
        let entry = match item {
            Ok(e) => e,
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| shown(p, content_dir, shown_root))
                    .unwrap_or_else(|| shown_root.to_string());
                let (msg, hint) = if err.loop_ancestor().is_some() {
                    (
                        "symbolic link loop".to_string(),
                        "remove the link, or point it at a folder that does not contain it",
                    )
                } else {
                    (
                        format!("cannot read: {err}"),
                        "check the file's permissions (the build needs read access)",
                    )
                };
                out.diagnostics
                    .push(Diagnostic::error(path, 0, msg).with_hint(hint));
                continue;
            }
        };
        let ft = entry.file_type();
        if entry.path_is_symlink() && !follow_symlinks {
            // Not followed: say so once, so a linked folder is not silently missing.
            out.diagnostics.push(
                Diagnostic::warning(
                    shown(entry.path(), content_dir, shown_root),
                    0,
                    "symbolic link not followed",
                )
                .with_hint("set `follow_symlinks = true` in site.toml to include linked files"),
            );
            continue;
        }
        if !ft.is_file() {
            continue;
        }
        if follow_symlinks && entry.path_is_symlink() {
            if let (Some(root), Ok(target)) = (&canonical_root, entry.path().canonicalize()) {
                if !target.starts_with(root) {
                    out.diagnostics.push(
                        Diagnostic::warning(
                            shown(entry.path(), content_dir, shown_root),
                            0,
                            format!(
                                "symbolic link points outside the content folder, to `{}`; skipped",
                                target.display()
                            ),
                        )
                        .with_hint(
                            "copy the file into the content folder instead of linking to it",
                        ),
                    );
                    continue;
                }
            }
        }
        let Ok(rel) = entry.path().strip_prefix(content_dir) else {
            continue;
        };
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let e = Entry {
            path: entry.path().to_path_buf(),
            rel,
        };
        if is_postmortem(&e.path) {
            out.postmortems.push(e);
        } else {
            out.assets.push(e);
        }
    }
    out
}

fn shown(path: &Path, content_dir: &Path, shown_root: &str) -> String {
    match path.strip_prefix(content_dir) {
        Ok(rel) => format!("{shown_root}/{}", rel.display()),
        Err(_) => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_leftovers_are_ignored() {
        for name in [
            ".hidden.md",
            ".#draft.md",
            "notes.md~",
            "#autosave#",
            "a.md.swp",
            "a.swo",
        ] {
            assert!(is_ignored_name(name), "{name}");
        }
        for name in ["2023-01-01-db.md", "diagram.png", "README.txt"] {
            assert!(!is_ignored_name(name), "{name}");
        }
    }

    #[test]
    fn extensions_are_case_insensitive() {
        assert!(is_postmortem(Path::new("a/B.MD")));
        assert!(is_postmortem(Path::new("x.markdown")));
        assert!(is_postmortem(Path::new("x.txt")));
        assert!(!is_postmortem(Path::new("x.png")));
    }
}
