//! `inquest new "Title"`: a new postmortem from a template (the built-in one, or the site's
//! `archetypes/NAME.md`), written to `content/YYYY-MM-DD-<slug>.md`. Never overwrites.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cli::NewArgs;
use crate::cmd::Outcome;
use crate::config::Config;
use crate::extract::zone;
use crate::model::Slug;

/// The built-in template. Times are left commented out: a placeholder time that nobody
/// edited would put a zero-minute outage into the statistics.
pub const DEFAULT_ARCHETYPE: &str = r#"+++
title = "{{ title }}"
date = {{ date }}
severity = "SEV3"        # SEV1 (worst) to SEV4
services = []            # e.g. ["api-gateway", "postgres"]
tags = []                # e.g. ["database", "deploy"]
# Times in {{ timezone }}; uncomment and fill in:
# started_at = "{{ date }}T09:00:00{{ offset }}"
# detected_at = "{{ date }}T09:05:00{{ offset }}"
# resolved_at = "{{ date }}T10:00:00{{ offset }}"
# impact_percent = 25
summary = ""
authors = []
draft = true             # remove when the postmortem is ready to publish
+++

## Summary

What happened, in two or three sentences: what users saw, for how long, and why.

## Impact

Who was affected and how much (share of users or requests, regions, data loss).

## Timeline

All times {{ timezone }}.

- 09:00 — first sign of the problem
- 09:05 — alert fires; on-call engineer paged
- 10:00 — service restored; incident resolved

## Root cause

## Resolution

## Action items

- [ ] 
- [ ] 

## Lessons learned

### What went well

### What went wrong

### Where we got lucky
"#;

#[derive(Serialize)]
struct Ctx<'a> {
    title: &'a str,
    slug: &'a str,
    date: String,
    timezone: &'a str,
    /// `-05:00`, `+01:00` or `Z`: the site zone's offset on that date.
    offset: String,
}

pub fn run(args: NewArgs) -> Outcome {
    match new(
        &args.root,
        &args.title,
        args.template.as_deref(),
        args.date.as_deref(),
    ) {
        Ok(path) => {
            println!("created {}", path.display());
            Outcome::Success
        }
        Err(msg) => {
            eprintln!("error: {msg}");
            Outcome::Failed
        }
    }
}

/// Writes the new postmortem and returns its path.
pub fn new(
    root: &Path,
    title: &str,
    template: Option<&str>,
    date: Option<&str>,
) -> Result<PathBuf, String> {
    let config = Config::load(root).map_err(|d| {
        d.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let site_zone = zone::site_zone(&config.timezone)
        .and_then(|z| zone::time_zone(&z))
        .ok_or_else(|| format!("unknown timezone `{}` in site.toml", config.timezone))?;
    let date: jiff::civil::Date = match date {
        Some(d) => d.parse().map_err(|_| {
            format!("expected a date like `2024-06-20` for --date, but found `{d}`")
        })?,
        None => jiff::Timestamp::now().to_zoned(site_zone.clone()).date(),
    };
    let slug = Slug::from_text(title).ok_or_else(|| {
        format!("the title `{title}` has no letters or digits to make a file name from")
    })?;
    let offset = date
        .to_zoned(site_zone)
        .map(|z| z.offset())
        .map_err(|e| e.to_string())?;
    let offset = if offset.seconds() == 0 {
        "Z".to_string()
    } else {
        let m = offset.seconds() / 60;
        format!(
            "{}{:02}:{:02}",
            if m < 0 { '-' } else { '+' },
            m.abs() / 60,
            m.abs() % 60
        )
    };
    let source = match template {
        Some(name) => {
            let path = root.join("archetypes").join(format!("{name}.md"));
            std::fs::read_to_string(&path).map_err(|e| {
                format!(
                    "cannot read template `{}`: {e} (templates live in archetypes/NAME.md)",
                    path.display()
                )
            })?
        }
        None => match std::fs::read_to_string(root.join("archetypes/default.md")) {
            Ok(t) => t,
            Err(_) => DEFAULT_ARCHETYPE.to_string(),
        },
    };
    // The title goes into a TOML string: escape what TOML would read differently.
    let toml_title = title.replace('\\', "\\\\").replace('"', "\\\"");
    let ctx = Ctx {
        title: &toml_title,
        slug: slug.as_str(),
        date: date.to_string(),
        timezone: &config.timezone,
        offset,
    };
    let text = crate::theme::render_one_off(&source, &ctx)?;
    let path = root
        .join(&config.content_dir)
        .join(format!("{date}-{slug}.md"));
    if path.exists() {
        return Err(format!(
            "`{}` already exists; inquest new never overwrites (choose another title or --date)",
            path.display()
        ));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
    }
    std::fs::write(&path, text).map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    Ok(path)
}
