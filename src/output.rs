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
    let mut staged = Staged::new(out_dir)?;
    staged.write(site)?;
    staged.commit()
}

/// An output being written into a temporary folder beside `out_dir`, in as many parts as
/// the caller likes (pages while the search index is still being built, then the index);
/// `commit` swaps it in, and dropping it uncommitted removes it, leaving `out_dir` as it was.
pub struct Staged {
    out_dir: PathBuf,
    tmp: PathBuf,
    old: PathBuf,
    written: usize,
    /// Files written one by one by [`Staged::write_one`].
    streamed: std::sync::atomic::AtomicUsize,
    /// Parts written so far: a later part may replace a file of an earlier one.
    parts: usize,
    done: bool,
}

impl Staged {
    pub fn new(out_dir: &Path) -> io::Result<Staged> {
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
        fs::create_dir_all(&tmp)?;
        Ok(Staged {
            out_dir: out_dir.to_path_buf(),
            tmp,
            old,
            written: 0,
            streamed: Default::default(),
            parts: 0,
            done: false,
        })
    }

    /// Writes `part` into the temporary folder (hard-linking files unchanged since the
    /// current output).
    pub fn write(&mut self, part: &SiteOutput) -> io::Result<()> {
        let previous = self.out_dir.is_dir().then_some(self.out_dir.as_path());
        if self.parts > 0 {
            // A file written by an earlier part may be a hard link into the current output:
            // unlink it rather than write through it.
            for rel in part.files.keys() {
                let _ = fs::remove_file(self.tmp.join(rel));
            }
        }
        self.written += write_tree(part, &self.tmp, previous)?;
        self.parts += 1;
        Ok(())
    }

    /// Writes one file while other threads write others (pages streamed out as they are
    /// rendered, so they need not all be held in memory). Call it before any [`write`] of
    /// later parts; `path` must not be written twice.
    ///
    /// [`write`]: Staged::write
    pub fn write_one(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        if !is_safe_relative(path) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("refusing to write `{path}`: it would leave the output folder"),
            ));
        }
        let target = self.tmp.join(path);
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir)?;
        }
        let previous = self.out_dir.join(path);
        let previous = self.out_dir.is_dir().then_some(previous.as_path());
        write_or_link(&target, bytes, previous).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot write `{}`: {e}", target.display()),
            )
        })?;
        self.streamed
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// Replaces the output folder with what was written; returns the number of files.
    pub fn commit(mut self) -> io::Result<usize> {
        let (out_dir, tmp, old) = (&self.out_dir, &self.tmp, &self.old);
        let had_old = out_dir.exists();
        if had_old {
            fs::rename(out_dir, old)?;
        }
        if let Err(e) = fs::rename(tmp, out_dir) {
            if had_old {
                let _ = fs::rename(old, out_dir);
            }
            return Err(e);
        }
        self.done = true;
        if had_old {
            let _ = fs::remove_dir_all(old);
        }
        Ok(self.written + self.streamed.load(std::sync::atomic::Ordering::Relaxed))
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
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

    fn site(files: &[(&str, &str)]) -> SiteOutput {
        let mut s = SiteOutput::default();
        for (p, b) in files {
            s.add(*p, b.as_bytes().to_vec());
        }
        s
    }

    #[cfg(unix)]
    #[test]
    fn files_streamed_one_by_one_join_the_parts_and_unchanged_ones_are_linked() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_atomic(
            &site(&[("p/a/index.html", "same"), ("p/b/index.html", "old")]),
            &out,
        )
        .unwrap();
        let before = fs::metadata(out.join("p/a/index.html")).unwrap().ino();
        let staged = Staged::new(&out).unwrap();
        std::thread::scope(|s| {
            s.spawn(|| staged.write_one("p/a/index.html", b"same").unwrap());
            s.spawn(|| staged.write_one("p/b/index.html", b"new").unwrap());
        });
        assert!(staged.write_one("../escape.html", b"x").is_err());
        let mut staged = staged;
        staged.write(&site(&[("index.html", "home")])).unwrap();
        // Nothing changes before the commit.
        assert_eq!(fs::read(out.join("p/b/index.html")).unwrap(), b"old");
        assert_eq!(staged.commit().unwrap(), 3);
        assert_eq!(fs::read(out.join("p/b/index.html")).unwrap(), b"new");
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"home");
        let after = fs::metadata(out.join("p/a/index.html")).unwrap();
        assert_eq!(after.ino(), before, "an unchanged page is the same file");
    }

    #[test]
    fn a_later_part_never_writes_through_a_link_into_the_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_atomic(&site(&[("a.html", "same"), ("b.xml", "old")]), &out).unwrap();
        let mut staged = Staged::new(&out).unwrap();
        // `b.xml` is unchanged in the first part, so it is linked to the current file…
        staged
            .write(&site(&[("a.html", "same"), ("b.xml", "old")]))
            .unwrap();
        // …and a later part replaces it: the current output must not change before commit.
        staged.write(&site(&[("b.xml", "new")])).unwrap();
        assert_eq!(fs::read_to_string(out.join("b.xml")).unwrap(), "old");
        staged.commit().unwrap();
        assert_eq!(fs::read_to_string(out.join("b.xml")).unwrap(), "new");
        assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "same");
    }

    #[test]
    fn an_uncommitted_output_leaves_the_old_one_and_no_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_atomic(&site(&[("index.html", "v1")]), &out).unwrap();
        {
            let mut staged = Staged::new(&out).unwrap();
            staged.write(&site(&[("index.html", "v2")])).unwrap();
        }
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "v1");
        let names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["public".to_string()]);
    }

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
