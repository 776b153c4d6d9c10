//! The command line: help and version on every verb, init, configuration errors, extract.

use crate::support::*;

#[test]
fn help_and_version_on_every_verb() {
    let tmp = tempfile::tempdir().unwrap();
    for verb in [&[][..], &["build"], &["init"], &["extract"]] {
        for flag in ["--help", "--version"] {
            let mut args: Vec<&str> = verb.to_vec();
            args.push(flag);
            let out = inquest(&args, tmp.path());
            assert!(out.status.success(), "{args:?}: {}", stderr(&out));
            let text = stdout(&out);
            if flag == "--version" {
                assert!(text.contains(env!("CARGO_PKG_VERSION")), "{args:?}: {text}");
            } else {
                assert!(text.contains("Usage"), "{args:?}: {text}");
            }
        }
    }
}

#[test]
fn a_missing_site_toml_suggests_init() {
    let tmp = tempfile::tempdir().unwrap();
    let out = inquest(&["build"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("inquest init"), "{}", stderr(&out));
}

#[test]
fn init_writes_a_site_that_builds_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new-site");
    let out = inquest(&["init", dir.to_str().unwrap()], tmp.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let public = build_ok(&dir, &[]);
    assert_eq!(
        std::fs::read_dir(public.join("postmortems"))
            .unwrap()
            .count(),
        1
    );
    let before = std::fs::read(dir.join("site.toml")).unwrap();
    let again = inquest(&["init", dir.to_str().unwrap()], tmp.path());
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already exists"));
    assert_eq!(std::fs::read(dir.join("site.toml")).unwrap(), before);
}

#[test]
fn an_unknown_site_toml_key_is_an_error_with_a_suggestion() {
    let (_t, root) = site("override");
    std::fs::write(
        root.join("site.toml"),
        "title = \"x\"\nbase_ulr = \"https://x.org/\"\n",
    )
    .unwrap();
    let out = inquest(&["build", "--root", root.to_str().unwrap()], &root);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("site.toml:2: error: unknown key `base_ulr`"),
        "{err}"
    );
    assert!(err.contains("did you mean `base_url`?"), "{err}");
}

#[test]
fn output_inside_content_is_refused() {
    let (_t, root) = site("override");
    let out = inquest(
        &[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--output",
            root.join("content/out").to_str().unwrap(),
        ],
        &root,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("overlaps the content folder"),
        "{}",
        stderr(&out)
    );
    assert!(!root.join("content/out").exists());
}

#[test]
fn extract_json_prints_the_incidents_json_object() {
    let file = fixture("basic").join("content/2024/2024-06-20-db-failover.md");
    let out = inquest(
        &["extract", "--json", file.to_str().unwrap()],
        &fixture("basic"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["title"], "Primary database failover stalled");
    assert_eq!(v["date"], "2024-06-20");
    assert_eq!(v["duration_minutes"], 135);
    assert_eq!(v["severity"], "SEV1");
    assert!(v["slug"].is_null());
    for key in [
        "start_time",
        "end_time",
        "timezone",
        "utc_offset_minutes",
        "started_at",
        "resolved_at",
        "impact_percent",
        "services",
        "tags",
        "timeline",
        "action_items",
        "provenance",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    // Several files: one JSON object per line.
    let other = fixture("basic").join("content/2024/login-errors.txt");
    let out = inquest(
        &[
            "extract",
            "--json",
            file.to_str().unwrap(),
            other.to_str().unwrap(),
        ],
        &fixture("basic"),
    );
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), 2);
    let second: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(second["title"], "Login errors after certificate rotation");
}
