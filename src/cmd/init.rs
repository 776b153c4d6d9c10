//! `inquest init`: a starter site with site.toml and one example postmortem. Never overwrites.

use std::path::Path;

use crate::cli::InitArgs;
use crate::cmd::Outcome;

const SITE_TOML: &str = r#"# inquest site configuration. Every key is documented in the README.
title = "Incident history"
description = "Postmortems of our production incidents"
base_url = "https://status.example.com/"
language = "en"
# Zone assumed for times a postmortem writes without one.
timezone = "UTC"
taxonomies = ["tags", "services"]

[highlight]
light = "InspiredGitHub"
dark = "base16-ocean.dark"

# A public and an internal site from the same postmortems (`inquest build --edition internal`):
# mark a postmortem `visibility = "internal"`, fence passages with <!-- internal --> and
# <!-- /internal -->, and list front-matter keys only the internal site shows.
[editions]
default = "public"
internal_fields = ["authors", "internal_notes"]

[editions.internal]
output_dir = "public-internal"
"#;

const EXAMPLE: &str = r#"+++
title = "Example: API latency spike after a cache flush"
date = 2024-01-15
severity = "SEV3"
services = ["api"]
tags = ["cache"]
started_at = "2024-01-15T09:12:00Z"
resolved_at = "2024-01-15T09:47:00Z"
impact_percent = 12
summary = "A manual cache flush sent every request to the database for 35 minutes."
+++

## Summary

At 09:12 UTC an operator flushed the whole response cache instead of one key. Requests
fell through to the database, and about 12% of API calls timed out until the cache warmed.

## Timeline

- 09:12 — cache flushed by hand during a config change
- 09:15 — latency alert fires; on-call engineer paged
- 09:31 — request rate to the database limited to let the cache refill
- 09:47 — p99 latency back under 300 ms; incident resolved

## Root cause

The flush command's default scope was "all keys".

```bash
cache-admin flush --scope=all   # what ran
cache-admin flush --key=user:42 # what was meant
```

## Action items

- [x] Make `--scope` a required argument
- [ ] Add a warm-up job that pre-fills the hottest keys

<!-- internal -->
Only the internal edition shows this passage: the on-call notes, names and links that the
public history leaves out.
<!-- /internal -->
"#;

pub fn run(args: InitArgs) -> Outcome {
    match init(&args.dir) {
        Ok(()) => {
            println!(
                "created a site in {}: edit site.toml, add postmortems to content/, then run `inquest build --root {}`",
                args.dir.display(),
                args.dir.display()
            );
            Outcome::Success
        }
        Err(msg) => {
            eprintln!("error: {msg}");
            Outcome::Failed
        }
    }
}

/// Writes the starter files, refusing to overwrite any of them.
pub fn init(dir: &Path) -> Result<(), String> {
    let site = dir.join("site.toml");
    let example = dir
        .join("content")
        .join("2024-01-15-example-cache-flush.md");
    for p in [&site, &example] {
        if p.exists() {
            return Err(format!(
                "`{}` already exists; init never overwrites files (choose an empty folder)",
                p.display()
            ));
        }
    }
    let write = |p: &Path, text: &str| -> Result<(), String> {
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
        }
        std::fs::write(p, text).map_err(|e| format!("cannot write `{}`: {e}", p.display()))
    };
    write(&site, SITE_TOML)?;
    write(&example, EXAMPLE)
}
