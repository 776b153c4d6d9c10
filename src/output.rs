//! The built site as values (`SiteOutput`: path → bytes or a file to copy), and the one place
//! that writes it: changed files go into a folder beside the output and move into it only
//! when every file is ready, so a failed or interrupted build leaves the previous site
//! untouched.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

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

/// Writes `site` to `out_dir` through a [`Staged`] output: nothing in `out_dir` changes
/// unless every file could be written. Returns the number of files of the site.
pub fn write_atomic(site: &SiteOutput, out_dir: &Path) -> io::Result<usize> {
    let mut staged = Staged::new(out_dir)?;
    staged.write(site)?;
    staged.commit()
}

/// An output being written in as many parts as the caller likes (pages while the search
/// index is still being built, then the index), of which only the files whose bytes differ
/// from the current output are written, into a temporary folder beside `out_dir`.
/// [`Staged::commit`] then moves them into `out_dir` and removes what the new site no longer
/// has; dropping it uncommitted removes the temporary folder and leaves `out_dir` as it was.
///
/// Unchanged files are never touched: they keep their inode and modification time (rsync
/// and CDN uploads skip them), and a rebuild of an unchanged archive writes nothing. Until
/// this version the whole site was staged (unchanged files as hard links) and swapped in
/// with two renames, which cost a hard link per file and the removal of the whole previous
/// tree: about 3 s of a 12 s build at 10,000 postmortems, with the processor idle.
pub struct Staged {
    out_dir: PathBuf,
    tmp: PathBuf,
    /// `out_dir` when it held a site before this build.
    previous: Option<PathBuf>,
    /// Every path of the new site, and whether it was staged (its bytes changed).
    paths: Mutex<HashMap<String, bool>>,
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
        // Leftovers from a build that was killed midway.
        clean_leftovers(&parent, &name);
        if tmp.exists() {
            fs::remove_dir_all(&tmp)?;
        }
        fs::create_dir_all(&tmp)?;
        Ok(Staged {
            out_dir: out_dir.to_path_buf(),
            tmp,
            previous: out_dir.is_dir().then(|| out_dir.to_path_buf()),
            paths: Mutex::default(),
            done: false,
        })
    }

    /// Writes `part`; a later part may replace a file of an earlier one.
    pub fn write(&mut self, part: &SiteOutput) -> io::Result<()> {
        use rayon::prelude::*;
        let files: Vec<(&String, &Payload)> = part.files.iter().collect();
        files
            .par_iter()
            .try_for_each(|(rel, payload)| match payload {
                Payload::Bytes(b) => self.put(rel, b),
                Payload::Copy(src) => {
                    let bytes = fs::read(src).map_err(|e| {
                        io::Error::new(e.kind(), format!("cannot read `{}`: {e}", src.display()))
                    })?;
                    self.put(rel, &bytes)
                }
            })
    }

    /// Writes one file while other threads write others (pages streamed out as they are
    /// rendered, so they need not all be held in memory).
    pub fn write_one(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.put(path, bytes)
    }

    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        if !is_safe_relative(rel) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("refusing to write `{rel}`: it would leave the output folder"),
            ));
        }
        let staged = self.tmp.join(rel);
        let unchanged = self
            .previous
            .as_ref()
            .is_some_and(|p| same_file(&p.join(rel), bytes));
        let result = if unchanged {
            // An earlier part may have staged other bytes for this path.
            match fs::remove_file(&staged) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            }
        } else {
            staged
                .parent()
                .map_or(Ok(()), fs::create_dir_all)
                .and_then(|()| fs::write(&staged, bytes))
        };
        result.map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot write `{}`: {e}", staged.display()),
            )
        })?;
        self.paths
            .lock()
            .map_err(|_| io::Error::other("a writer thread panicked"))?
            .insert(rel.to_string(), !unchanged);
        Ok(())
    }

    /// Brings `out_dir` to the new site; returns the number of files of the new site.
    ///
    /// When few files changed (at most [`IN_PLACE_MAX`], or one in twenty), they are renamed
    /// over the old ones (each replacement atomic), files the new site no longer has are
    /// removed, and unchanged files are left alone: a rebuild that changed a page takes
    /// milliseconds here. Otherwise the unchanged files are hard-linked into the staged
    /// folder, which replaces `out_dir` with two renames, so a build killed at any moment
    /// leaves the old site or the new one.
    pub fn commit(mut self) -> io::Result<usize> {
        let paths = std::mem::take(
            &mut *self
                .paths
                .lock()
                .map_err(|_| io::Error::other("a writer thread panicked"))?,
        );
        let changed = paths.values().filter(|staged| **staged).count();
        match self.previous.clone() {
            Some(out) if changed <= IN_PLACE_MAX.max(paths.len() / 20) => {
                self.update_in_place(&out, &paths)?;
            }
            previous => self.swap(previous.as_deref(), &paths)?,
        }
        Ok(paths.len())
    }

    fn update_in_place(&mut self, out: &Path, paths: &HashMap<String, bool>) -> io::Result<()> {
        for (rel, _) in paths.iter().filter(|(_, staged)| **staged) {
            make_room(out, Path::new(rel))?;
            fs::rename(self.tmp.join(rel), out.join(rel))?;
        }
        // What the previous site had and the new one has not; then the folders left empty.
        for entry in walkdir::WalkDir::new(out).min_depth(1).contents_first(true) {
            let entry = entry.map_err(io::Error::other)?;
            if entry.file_type().is_dir() {
                // Fails, as it should, while the folder still holds a file of the site.
                let _ = fs::remove_dir(entry.path());
                continue;
            }
            let rel = entry.path().strip_prefix(out).map_err(io::Error::other)?;
            let rel = rel.to_string_lossy();
            let rel = if std::path::MAIN_SEPARATOR == '/' {
                rel
            } else {
                std::borrow::Cow::Owned(rel.replace(std::path::MAIN_SEPARATOR, "/"))
            };
            if !paths.contains_key(rel.as_ref()) {
                fs::remove_file(entry.path())?;
            }
        }
        self.done = true;
        let _ = fs::remove_dir_all(&self.tmp);
        Ok(())
    }

    fn swap(&mut self, previous: Option<&Path>, paths: &HashMap<String, bool>) -> io::Result<()> {
        use rayon::prelude::*;
        if let Some(out) = previous {
            let kept: Vec<&String> = paths
                .iter()
                .filter(|(_, staged)| !**staged)
                .map(|(rel, _)| rel)
                .collect();
            kept.par_iter().try_for_each(|rel| -> io::Result<()> {
                let target = self.tmp.join(rel);
                if let Some(dir) = target.parent() {
                    fs::create_dir_all(dir)?;
                }
                let from = out.join(rel);
                fs::hard_link(&from, &target).or_else(|_| fs::copy(&from, &target).map(|_| ()))
            })?;
        }
        let old = self.old();
        let had_old = self.out_dir.exists();
        if had_old {
            fs::rename(&self.out_dir, &old)?;
        }
        if let Err(e) = fs::rename(&self.tmp, &self.out_dir) {
            if had_old {
                let _ = fs::rename(&old, &self.out_dir);
            }
            return Err(e);
        }
        self.done = true;
        if had_old {
            let _ = fs::remove_dir_all(&old);
        }
        Ok(())
    }

    /// Where the previous site goes while the new one takes its name.
    fn old(&self) -> PathBuf {
        let name = self.tmp.file_name().unwrap_or_default().to_string_lossy();
        self.tmp.with_file_name(name.replacen(".tmp-", ".old-", 1))
    }
}

/// Changed files a commit renames into the current output one by one; beyond this (and
/// one in twenty), the whole output is swapped at once.
const IN_PLACE_MAX: usize = 200;

/// Clears the way for a file at `out/rel`: a file where the new site has a folder on the
/// way, or a folder where it has a file, is removed; missing folders are made.
fn make_room(out: &Path, rel: &Path) -> io::Result<()> {
    let mut at = out.to_path_buf();
    let parts: Vec<_> = rel.components().collect();
    for (i, part) in parts.iter().enumerate() {
        at.push(part);
        let last = i + 1 == parts.len();
        match fs::symlink_metadata(&at) {
            Ok(m) if last && m.is_dir() => fs::remove_dir_all(&at)?,
            Ok(m) if !last && !m.is_dir() => {
                fs::remove_file(&at)?;
                fs::create_dir(&at)?;
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound && !last => fs::create_dir(&at)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
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
    // `.old-` folders: the previous site, set aside while a swap takes its name.
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
    fn files_streamed_one_by_one_join_the_parts_and_unchanged_ones_are_left_alone() {
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

    #[cfg(unix)]
    #[test]
    fn a_commit_moves_changed_files_removes_stale_ones_and_touches_nothing_else() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_atomic(
            &site(&[
                ("index.html", "home"),
                ("gone/deep/index.html", "stale"),
                ("feed", "a file where a folder comes"),
                ("tags/index.html", "a folder where a file comes"),
                ("keep.css", "css"),
            ]),
            &out,
        )
        .unwrap();
        let ino = |p: &str| fs::metadata(out.join(p)).unwrap().ino();
        let (home, css) = (ino("index.html"), ino("keep.css"));
        let n = write_atomic(
            &site(&[
                ("index.html", "home"),
                ("feed/atom.xml", "<feed/>"),
                ("tags", "now a file"),
                ("keep.css", "css"),
                ("new/index.html", "new"),
            ]),
            &out,
        )
        .unwrap();
        assert_eq!(n, 5);
        let mut files: Vec<String> = walkdir::WalkDir::new(&out)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(&out).unwrap().to_string_lossy();
                format!("{rel}={}", fs::read_to_string(e.path()).unwrap())
            })
            .collect();
        files.sort();
        assert_eq!(
            files,
            [
                "feed/atom.xml=<feed/>",
                "index.html=home",
                "keep.css=css",
                "new/index.html=new",
                "tags=now a file"
            ]
        );
        // Folders the new site has no file in are gone; unchanged files are the same files.
        assert!(!out.join("gone").exists());
        assert_eq!((ino("index.html"), ino("keep.css")), (home, css));
        // No temporary folder is left beside the output.
        let names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["public"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_rebuild_of_the_same_site_writes_nothing() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = site(&[("index.html", "home"), ("p/a/index.html", "a")]);
        write_atomic(&s, &out).unwrap();
        let stamp = |p: &str| {
            let m = fs::metadata(out.join(p)).unwrap();
            (m.ino(), m.mtime(), m.mtime_nsec())
        };
        let before = (stamp("index.html"), stamp("p/a/index.html"));
        let staged = Staged::new(&out).unwrap();
        staged.write_one("index.html", b"home").unwrap();
        staged.write_one("p/a/index.html", b"a").unwrap();
        // Nothing was staged: both files are unchanged.
        let tmp_files = walkdir::WalkDir::new(&staged.tmp)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .count();
        assert_eq!(tmp_files, 0);
        assert_eq!(staged.commit().unwrap(), 2);
        assert_eq!((stamp("index.html"), stamp("p/a/index.html")), before);
    }

    #[cfg(unix)]
    #[test]
    fn many_changes_swap_the_whole_output_and_unchanged_files_stay_the_same_files() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let n = IN_PLACE_MAX + 10;
        let mut first = site(&[("keep.css", "css"), ("stale.html", "x")]);
        let mut second = site(&[("keep.css", "css")]);
        for i in 0..n {
            first.add(format!("p/{i}/index.html"), "old");
            second.add(format!("p/{i}/index.html"), format!("new {i}"));
        }
        write_atomic(&first, &out).unwrap();
        let css = fs::metadata(out.join("keep.css")).unwrap().ino();
        assert_eq!(write_atomic(&second, &out).unwrap(), n + 1);
        assert_eq!(fs::metadata(out.join("keep.css")).unwrap().ino(), css);
        assert_eq!(
            fs::read_to_string(out.join("p/7/index.html")).unwrap(),
            "new 7"
        );
        assert!(!out.join("stale.html").exists());
        let names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["public"]);
    }

    #[test]
    fn a_later_part_never_writes_through_a_link_into_the_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_atomic(&site(&[("a.html", "same"), ("b.xml", "old")]), &out).unwrap();
        let mut staged = Staged::new(&out).unwrap();
        // `b.xml` is unchanged in the first part, so it is not staged…
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
