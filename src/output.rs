//! The built site as values (`SiteOutput`: path → bytes or a file to copy), and the one place
//! that writes it: into a fresh folder beside the output, swapped in only when complete, so a
//! failed or interrupted build leaves the previous site untouched.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    Bytes(Vec<u8>),
    /// Copied from this file when written (attachments, static files on disk).
    Copy(PathBuf),
}

/// Output path (relative, `/`-separated) → content. Sorted, so writing is deterministic.
#[derive(Debug, Clone, Default)]
pub struct SiteOutput {
    pub files: BTreeMap<String, Payload>,
}

impl SiteOutput {
    pub fn add(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), Payload::Bytes(bytes.into()));
    }

    pub fn copy(&mut self, path: impl Into<String>, from: PathBuf) {
        self.files.insert(path.into(), Payload::Copy(from));
    }

    pub fn get(&self, path: &str) -> Option<&Payload> {
        self.files.get(path)
    }
}

/// A relative output path that cannot leave the output folder.
pub fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Writes `site` to `out_dir` atomically: everything goes into a sibling temporary folder,
/// which then replaces `out_dir` with two renames. Returns the number of files written.
pub fn write_atomic(site: &SiteOutput, out_dir: &Path) -> io::Result<usize> {
    let parent = match out_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let name = out_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let pid = std::process::id();
    let tmp = parent.join(format!(".{name}.tmp-{pid}"));
    let old = parent.join(format!(".{name}.old-{pid}"));
    // Leftovers from a build that was killed midway.
    clean_leftovers(&parent, &name);
    if tmp.exists() {
        fs::remove_dir_all(&tmp)?;
    }
    let previous = out_dir.is_dir().then_some(out_dir);
    let result = write_tree(site, &tmp, previous);
    let count = match result {
        Ok(n) => n,
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    let had_old = out_dir.exists();
    if had_old {
        fs::rename(out_dir, &old).inspect_err(|_| {
            let _ = fs::remove_dir_all(&tmp);
        })?;
    }
    if let Err(e) = fs::rename(&tmp, out_dir) {
        if had_old {
            let _ = fs::rename(&old, out_dir);
        }
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if had_old {
        let _ = fs::remove_dir_all(&old);
    }
    Ok(count)
}

fn clean_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}.tmp-"), format!(".{name}.old-")];
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if prefixes.iter().any(|p| n.starts_with(p.as_str())) {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

/// Whether the file at `old` holds exactly `bytes` (compared by size first).
fn same_file(old: &Path, bytes: &[u8]) -> bool {
    match fs::metadata(old) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
            fs::read(old).is_ok_and(|b| b == bytes)
        }
        _ => false,
    }
}

/// Writes `bytes` to `target`, or hard-links the previous output's file when it holds the
/// same bytes: unchanged files keep their modification time (rsync and CDN uploads skip
/// them) and removing the previous output then frees nothing it still uses.
fn write_or_link(target: &Path, bytes: &[u8], previous: Option<&Path>) -> io::Result<()> {
    if let Some(old) = previous {
        if same_file(old, bytes) && fs::hard_link(old, target).is_ok() {
            return Ok(());
        }
    }
    fs::write(target, bytes)
}

fn write_tree(site: &SiteOutput, dir: &Path, previous: Option<&Path>) -> io::Result<usize> {
    use rayon::prelude::*;
    fs::create_dir_all(dir)?;
    let mut dirs: Vec<PathBuf> = site
        .files
        .keys()
        .filter_map(|p| Path::new(p).parent().map(|d| dir.join(d)))
        .collect();
    dirs.dedup();
    for d in &dirs {
        fs::create_dir_all(d)?;
    }
    let files: Vec<(&String, &Payload)> = site.files.iter().collect();
    files
        .par_iter()
        .try_for_each(|(rel, payload)| -> io::Result<()> {
            if !is_safe_relative(rel) {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("refusing to write `{rel}`: it would leave the output folder"),
                ));
            }
            let target = dir.join(rel);
            let old = previous.map(|p| p.join(rel));
            match payload {
                Payload::Bytes(b) => write_or_link(&target, b, old.as_deref()),
                Payload::Copy(src) => match (&old, fs::read(src)) {
                    (Some(_), Ok(b)) => write_or_link(&target, &b, old.as_deref()),
                    _ => fs::copy(src, &target).map(|_| ()),
                },
            }
            .map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("cannot write `{}`: {e}", target.display()),
                )
            })
        })?;
    Ok(site.files.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_paths_are_refused() {
        for p in ["../x", "/etc/passwd", "a/../../b", "", "a\\b"] {
            assert!(!is_safe_relative(p), "{p}");
        }
        assert!(is_safe_relative("postmortems/a/index.html"));
    }

    #[test]
    fn atomic_write_replaces_and_keeps_on_failure() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let mut a = SiteOutput::default();
        a.add("index.html", "one");
        a.add("x/y.html", "y");
        assert_eq!(write_atomic(&a, &out).unwrap(), 2);
        assert_eq!(fs::read_to_string(out.join("x/y.html")).unwrap(), "y");

        let mut bad = SiteOutput::default();
        bad.add("index.html", "two");
        bad.add("../escape.html", "no");
        assert!(write_atomic(&bad, &out).is_err());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "one");
        assert!(!tmp.path().join("escape.html").exists());
        // No temporary folders are left behind.
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, ["public"]);
    }
}
