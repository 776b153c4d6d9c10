//! `inquest new` and `inquest check`.

use crate::support::*;

#[test]
fn new_writes_a_dated_postmortem_that_builds_and_never_overwrites() {
    let (_t, root) = site("basic");
    let out = inquest(
        &[
            "new",
            "DNS: resolvers timed out",
            "--root",
            root.to_str().unwrap(),
            "--date",
            "2024-05-02",
        ],
        &root,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let path = root.join("content/2024-05-02-dns-resolvers-timed-out.md");
    let text = std::fs::read_to_string(&path).unwrap();
    for section in [
        "## Summary",
        "## Impact",
        "## Timeline",
        "## Root cause",
        "## Resolution",
        "## Action items",
        "## Lessons learned",
        "- [ ]",
    ] {
        assert!(text.contains(section), "missing {section}");
    }
    assert!(text.contains("title = \"DNS: resolvers timed out\""));
    assert!(
        text.contains("# started_at = \"2024-05-02T09:00:00-04:00\""),
        "times in the site zone (America/New_York): {text}"
    );
    // It is a draft until the author says otherwise; with --drafts it builds.
    let public = build_ok(&root, &["--drafts"]);
    let doc = page(
        &public,
        "postmortems/2024-05-02-dns-resolvers-timed-out/index.html",
    );
    assert_eq!(texts(&doc, "h1"), ["DNS: resolvers timed out"]);
    let again = inquest(
        &[
            "new",
            "DNS: resolvers timed out",
            "--root",
            root.to_str().unwrap(),
            "--date",
            "2024-05-02",
        ],
        &root,
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("never overwrites"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn new_uses_a_site_archetype() {
    let (_t, root) = site("override");
    std::fs::create_dir_all(root.join("archetypes")).unwrap();
    std::fs::write(
        root.join("archetypes/short.md"),
        "+++\ntitle = \"{{ title }}\"\ndate = {{ date }}\n+++\nShort form for {{ slug }}.\n",
    )
    .unwrap();
    let out = inquest(
        &[
            "new",
            "Queue stall",
            "--root",
            root.to_str().unwrap(),
            "--template",
            "short",
            "--date",
            "2024-01-09",
        ],
        &root,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(root.join("content/2024-01-09-queue-stall.md")).unwrap();
    assert_eq!(
        text,
        "+++\ntitle = \"Queue stall\"\ndate = 2024-01-09\n+++\nShort form for queue-stall.\n"
    );
    let missing = inquest(
        &[
            "new",
            "X",
            "--root",
            root.to_str().unwrap(),
            "--template",
            "nope",
        ],
        &root,
    );
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("archetypes/nope.md"));
}

#[test]
fn check_reports_errors_with_lines_and_writes_nothing() {
    let (_t, root) = site("broken");
    let out = inquest(&["check", "--root", root.to_str().unwrap()], &root);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("content/bad.md:3: error:"), "{text}");
    assert!(!root.join("public").exists(), "check writes nothing");
}

#[test]
fn check_json_gives_one_finding_per_line_including_dead_links() {
    let (_t, root) = site("basic");
    std::fs::write(root.join("content/2024/links.md"), "# Links\n\nSee [the timeline](#timeline) and [nothing](#no-such-heading).\n\n## Timeline\n\nx\n").unwrap();
    let out = inquest(
        &["check", "--json", "--root", root.to_str().unwrap()],
        &root,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "warnings only: {}",
        stdout(&out)
    );
    let findings: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let about = |path: &str, needle: &str| {
        findings
            .iter()
            .any(|f| f["path"] == path && f["message"].as_str().unwrap().contains(needle))
    };
    assert!(
        about("content/2024/links.md", "`#no-such-heading` leads nowhere"),
        "{findings:#?}"
    );
    assert!(!about("content/2024/links.md", "`#timeline`"));
    assert!(about("content/2024/links.md", "no date found"));
    assert!(findings
        .iter()
        .all(|f| f["severity"] == "warning" && f.get("hint").is_some()));
}
