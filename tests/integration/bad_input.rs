//! Bad input gives a located error or a safe result, never a lost file, a panic or an
//! escaped script. Each test is named after the input that could break a build.

use std::path::Path;

use crate::support::*;

/// A site with `files` (path under content/ → bytes) and an optional site.toml body.
fn site_with(files: &[(&str, &[u8])], toml: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(
        root.join("site.toml"),
        format!("title = \"Bad input\"\n{toml}"),
    )
    .unwrap();
    for (path, bytes) in files {
        let p = root.join("content").join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    (tmp, root)
}

fn build(root: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["build", "--root", root.to_str().unwrap()];
    args.extend_from_slice(extra);
    inquest(&args, root)
}

#[test]
fn bom_crlf_empty_and_invalid_utf8_files_still_become_pages() {
    let (_t, root) = site_with(
        &[
            ("bom-crlf.md", b"\xEF\xBB\xBF+++\r\ntitle = \"Windows file\"\r\n+++\r\n## Timeline\r\n- 10:00 start\r\n"),
            ("empty.md", b""),
            ("latin1.txt", b"Title: Caf\xE9 outage\n\nThe caf\xE9 menu service failed.\n"),
            ("only-front-matter.md", b"+++\ntitle = \"Nothing but metadata\"\n+++\n"),
        ],
        "",
    );
    let out = build(&root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("content/latin1.txt:1: warning: invalid UTF-8"),
        "{}",
        stderr(&out)
    );
    let public = root.join("public");
    assert_eq!(
        texts(&page(&public, "postmortems/bom-crlf/index.html"), "h1"),
        ["Windows file"]
    );
    assert_eq!(
        texts(
            &page(&public, "postmortems/bom-crlf/index.html"),
            ".prose h2"
        ),
        ["Timeline"]
    );
    assert_eq!(
        texts(&page(&public, "postmortems/empty/index.html"), "h1"),
        ["Empty"]
    );
    assert_eq!(
        texts(&page(&public, "postmortems/latin1/index.html"), "h1"),
        ["Caf\u{FFFD} outage"]
    );
    assert_eq!(
        texts(
            &page(&public, "postmortems/only-front-matter/index.html"),
            "h1"
        ),
        ["Nothing but metadata"]
    );
}

#[test]
fn a_binary_file_named_md_is_an_error_naming_it() {
    let (_t, root) = site_with(
        &[
            ("diagram.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
            ("ok.md", b"# Fine\n"),
        ],
        "",
    );
    let out = build(&root, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out)
            .contains("content/diagram.md: error: expected a text file, but found binary data"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn huge_files_long_lines_and_deep_nesting_build() {
    // Thousands of identical headings once made heading ids quadratic.
    let big = "## Update\n\n- 10:00 the queue grew and grew, filling the disk with retries\n"
        .repeat(140_000);
    assert!(big.len() > 10_000_000);
    let line = format!("# One line\n\n{}\n", "word ".repeat(420_000));
    let nested = format!(
        "# Nested\n\n{}deep\n\n{}item\n",
        ">".repeat(5000),
        (0..3000)
            .map(|i| format!("{}- x\n", "  ".repeat(i)))
            .collect::<String>()
    );
    let (_t, root) = site_with(
        &[
            ("big.md", big.as_bytes()),
            ("line.md", line.as_bytes()),
            ("nested.md", nested.as_bytes()),
        ],
        "",
    );
    let out = build(&root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = root.join("public");
    for slug in ["big", "line", "nested"] {
        assert!(
            public
                .join(format!("postmortems/{slug}/index.html"))
                .exists(),
            "{slug}"
        );
    }
}

#[test]
fn front_matter_errors_are_located_in_the_whole_file() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "+++\ntitle = \"never closed\"\n\nbody\n",
            "content/a.md:1: error: front matter opened with `+++` on line 1 is never closed",
            "never closed",
        ),
        (
            "---\ntitle: [unclosed\n---\n",
            "content/a.md:",
            "invalid YAML",
        ),
        (
            "+++\ntags = \"db\"\ndate = 5\n+++\n",
            "content/a.md:3: error: `date`: expected a date",
            "wrong type",
        ),
        (
            "+++\ndate = \"2023-02-30\"\n+++\n",
            "content/a.md:2: error: `date`: expected a date (YYYY-MM-DD) that exists",
            "impossible date",
        ),
        (
            "+++\ntimezone = \"Mars/Olympus\"\n+++\n",
            "content/a.md:2: error: `timezone`",
            "unknown zone",
        ),
    ];
    for (text, want, what) in cases {
        let (_t, root) = site_with(&[("a.md", text.as_bytes())], "");
        let out = build(&root, &[]);
        assert_eq!(out.status.code(), Some(1), "{what}");
        assert!(stderr(&out).contains(want), "{what}: {}", stderr(&out));
        assert!(stderr(&out).contains("hint:"), "{what}");
    }
}

#[test]
fn unknown_keys_and_string_tags_are_warnings_and_strict_makes_them_errors() {
    let (_t, root) = site_with(
        &[("a.md", b"+++\ntitel = \"typo\"\ntags = \"db\"\n+++\n# A\n")],
        "",
    );
    let out = build(&root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("content/a.md:2: warning: unknown front-matter key `titel`")
            && err.contains("did you mean `title`?"),
        "{err}"
    );
    assert!(
        err.contains("content/a.md:3: warning: `tags`: expected a list"),
        "{err}"
    );
    assert!(root.join("public/tags/db/index.html").exists());
    let before = snapshot(&root.join("public"));
    let strict = build(&root, &["--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(
        stderr(&strict).contains("content/a.md:2: error: unknown front-matter key"),
        "{}",
        stderr(&strict)
    );
    assert_eq!(snapshot(&root.join("public")), before);
}

#[test]
fn same_slugs_are_an_error_naming_both_files() {
    let (_t, root) = site_with(
        &[
            ("2023/db-outage.md", b"# One\n"),
            ("2024/DB Outage.md", b"# Two\n"),
        ],
        "",
    );
    let out = build(&root, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("page name `db-outage` is already used by `content/2023/db-outage.md`"),
        "{err}"
    );
    assert!(err.contains("content/2024/DB Outage.md"), "{err}");
}

#[test]
fn unsafe_slugs_and_file_names_become_url_safe() {
    let (_t, root) = site_with(
        &[
            (
                "a.md",
                b"+++\nslug = \"../../etc/passwd\"\n+++\n# Traversal\n",
            ),
            ("Panne du réseau à Zürich.md", b"# Non-ASCII\n"),
            ("with spaces in name.txt", b"Spaces\n"),
        ],
        "",
    );
    let out = build(&root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("slug `../../etc/passwd` is not URL-safe; using `etc-passwd`"),
        "{}",
        stderr(&out)
    );
    let public = root.join("public");
    for slug in [
        "etc-passwd",
        "panne-du-reseau-a-zurich",
        "with-spaces-in-name",
    ] {
        assert!(
            public
                .join(format!("postmortems/{slug}/index.html"))
                .exists(),
            "{slug}"
        );
    }
    assert!(!root.join("etc").exists() && !root.parent().unwrap().join("etc").exists());
}

const XSS: &str = "<script>alert(1)</script>";

#[test]
fn html_in_metadata_is_always_escaped() {
    let fm = format!(
        "+++\ntitle = \"{XSS} title\"\ntags = [\"{XSS}\"]\nservices = [\"x\\\" onmouseover=\\\"alert(2)\"]\nsummary = \"<img src=x onerror=alert(3)>\"\nseverity = \"<b>SEV1</b>\"\n+++\n\nBody.\n"
    );
    let (_t, root) = site_with(&[("x.md", fm.as_bytes())], "");
    let out = build(&root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = root.join("public");
    for (rel, bytes) in snapshot(&public) {
        let text = String::from_utf8_lossy(&bytes);
        if rel.ends_with(".html") {
            let doc = scraper::Html::parse_document(&text);
            let scripts: Vec<String> = texts(&doc, "script");
            assert!(
                scripts.iter().all(|s| !s.contains("alert")),
                "{rel}: script element from metadata"
            );
            for attr in ["onmouseover", "onerror"] {
                assert!(
                    attrs(&doc, &format!("[{attr}]"), attr).is_empty(),
                    "{rel}: {attr} attribute"
                );
            }
            assert!(
                attrs(&doc, "img[src=x]", "src").is_empty(),
                "{rel}: injected img"
            );
        }
        if rel.ends_with(".xml") {
            assert!(!text.contains("<script>"), "{rel}: raw script in XML");
        }
    }
    // The text itself survives, escaped.
    let doc = page(&public, "postmortems/x/index.html");
    assert_eq!(texts(&doc, "h1"), [format!("{XSS} title")]);
    let feed =
        feed_rs::parser::parse(std::fs::read(public.join("atom.xml")).unwrap().as_slice()).unwrap();
    assert_eq!(
        feed.entries[0].title.as_ref().unwrap().content,
        format!("{XSS} title")
    );
}

#[test]
fn raw_html_in_bodies_is_sanitised_unless_allowed() {
    let body = b"# Body HTML\n\n<script>alert(1)</script>\n\n<img src=\"x.png\" onerror=\"alert(2)\">\n\n[click](javascript:alert(3))\n\n<b>kept</b>\n";
    let (_t, root) = site_with(&[("b.md", body)], "");
    assert!(build(&root, &[]).status.success());
    let doc = page(&root.join("public"), "postmortems/b/index.html");
    assert!(texts(&doc, ".prose script").is_empty());
    assert!(attrs(&doc, ".prose [onerror]", "onerror").is_empty());
    assert!(attrs(&doc, ".prose a", "href")
        .iter()
        .all(|h| !h.contains("javascript")));
    assert_eq!(texts(&doc, ".prose b"), ["kept"]);

    std::fs::write(
        root.join("site.toml"),
        "title = \"Bad input\"\nunsafe_html = true\n",
    )
    .unwrap();
    assert!(build(&root, &[]).status.success());
    let doc = page(&root.join("public"), "postmortems/b/index.html");
    assert_eq!(texts(&doc, ".prose script"), ["alert(1)"]);
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_links_outside_are_reported_not_followed_blindly() {
    let (_t, root) = site_with(&[("a.md", b"# A\n")], "follow_symlinks = true\n");
    let outside = root.parent().unwrap().join("outside.md");
    std::fs::write(&outside, "# Outside secret\n").unwrap();
    std::os::unix::fs::symlink(&outside, root.join("content/linked.md")).unwrap();
    std::os::unix::fs::symlink(root.join("content"), root.join("content/loop")).unwrap();
    let out = build(&root, &[]);
    let err = stderr(&out);
    assert!(
        err.contains("symbolic link points outside the content folder"),
        "{err}"
    );
    assert!(err.contains("symbolic link loop"), "{err}");
    assert!(!root.join("public/postmortems/linked").exists());

    // Not followed unless configured: a warning, and the build goes on.
    std::fs::write(root.join("site.toml"), "title = \"Bad input\"\n").unwrap();
    let out = build(&root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("symbolic link not followed"));
}

#[test]
fn an_unwritable_output_is_a_clear_error_and_the_previous_site_stays() {
    let (_t, root) = site_with(&[("a.md", b"# A\n")], "");
    assert!(build(&root, &[]).status.success());
    let before = snapshot(&root.join("public"));
    // A file where the output's parent folder should be: nothing can be written there.
    let blocked = root.join("blocked");
    std::fs::write(&blocked, "not a folder").unwrap();
    let out = build(
        &root,
        &["--output", blocked.join("public").to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot write the site"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&root.join("public")), before);
}

#[test]
fn impossible_windows_are_dropped_with_a_warning() {
    let (_t, root) = site_with(
        &[
            ("backwards.md", b"+++\nstarted_at = \"2024-03-02T10:00:00Z\"\nresolved_at = \"2024-03-01T09:00:00Z\"\n+++\n# Backwards\n"),
            ("year.md", b"+++\ndate = 2024-01-01\nduration = \"8760h\"\n+++\n# A year\n"),
        ],
        "",
    );
    let out = build(&root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("content/backwards.md:3: warning: `resolved_at` is before `started_at`"),
        "{err}"
    );
    assert!(
        err.contains("content/year.md:3: warning: a duration of 365 d is longer than 60 days"),
        "{err}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("public/incidents.json")).unwrap())
            .unwrap();
    assert!(json["postmortems"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["duration_minutes"].is_null()));
}

#[test]
fn a_build_killed_midway_leaves_either_the_old_or_the_new_site() {
    let files: Vec<(String, String)> = (0..400)
        .map(|i| {
            (
                format!("p{i:03}.md"),
                format!("# Postmortem {i}\n\n```rust\nfn main() {{ println!(\"{i}\"); }}\n```\n"),
            )
        })
        .collect();
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_bytes()))
        .collect();
    let (_t, root) = site_with(&refs[..1], "");
    assert!(build(&root, &[]).status.success());
    let old = snapshot(&root.join("public"));
    for (p, t) in &files {
        std::fs::write(root.join("content").join(p), t).unwrap();
    }
    for delay in [5u64, 60, 250] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_inquest"))
            .args(["build", "--root", root.to_str().unwrap()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        let now = snapshot(&root.join("public"));
        let complete = now.len() == old.len() && now == old
            || now.contains_key("postmortems/p399/index.html") && now.len() > 400;
        assert!(
            complete,
            "after a kill at {delay} ms the output is half-built ({} files)",
            now.len()
        );
    }
    // The next build cleans up what a killed one left beside the output.
    assert!(build(&root, &[]).status.success());
    let leftovers = leftovers(&root);
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn nothing_escapes_the_output_folder() {
    let (_t, root) = site_with(
        &[
            (
                "a.md",
                b"# A\n\n![x](../../outside.png) [y](../b/../../../z.txt)\n",
            ),
            ("img/outside.png", b"png"),
        ],
        "",
    );
    let parent = root.parent().unwrap();
    let before: Vec<String> = walkdir::WalkDir::new(parent)
        .into_iter()
        .flatten()
        .map(|e| e.path().display().to_string())
        .collect();
    assert!(build(&root, &[]).status.success());
    let after: Vec<String> = walkdir::WalkDir::new(parent)
        .into_iter()
        .flatten()
        .map(|e| e.path().display().to_string())
        .filter(|p| !p.starts_with(root.join("public").to_str().unwrap()))
        .collect();
    assert_eq!(before, after, "files appeared outside public/");
}
