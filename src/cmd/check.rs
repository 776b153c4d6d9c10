//! `inquest check`: everything a build checks, plus what an author should fix, with nothing
//! written. Human output is grouped by file; `--json` prints one object per finding.

use std::collections::BTreeMap;

use crate::build::{load, BuildOptions, Site};
use crate::cli::CheckArgs;
use crate::cmd::Outcome;
use crate::diagnostic::{Diagnostic, Severity};

/// Findings beyond the build's own: missing key facts, ambiguous zones, unknown services,
/// and links that lead nowhere.
pub fn findings(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let content = site.config.content_dir.trim_end_matches('/');
    let known_services = &site.config.extract.services;
    let mut page_source: BTreeMap<String, String> = BTreeMap::new();
    for inc in &site.archive.incidents {
        let shown = format!("{content}/{}", inc.source);
        page_source.insert(
            format!("postmortems/{}/index.html", inc.slug),
            shown.clone(),
        );
        let m = &inc.meta;
        let missing: Vec<(&str, &str)> = [
            (m.date.is_none(), ("date", "write the day in the text (`On March 1, 2023, …`) or add `date = 2023-03-01`")),
            (m.duration.is_none(), ("duration", "give the start and end times with a zone, or add `duration = \"1h30m\"`")),
            (m.impact_percent.is_none(), ("impact", "say what share of users was affected (`about 30% of users`) or add `impact_percent = 30`")),
        ]
        .into_iter()
        .filter_map(|(miss, what)| miss.then_some(what))
        .collect();
        for (fact, hint) in missing {
            out.push(
                Diagnostic::warning(
                    &shown,
                    0,
                    format!("no {fact} found: the statistics leave this postmortem out"),
                )
                .with_hint(hint),
            );
        }
        if let Some(z) = m.timezone.as_ref().filter(|z| z.value.ambiguous) {
            out.push(
                Diagnostic::warning(
                    &shown,
                    z.source.line().unwrap_or(0),
                    format!(
                        "time zone `{}` is ambiguous; read as UTC{:+}",
                        z.value.written,
                        f64::from(z.value.offset_minutes.unwrap_or(0)) / 60.0
                    ),
                )
                .with_hint(
                    "write an offset (`UTC+05:30`) or an IANA name (`Asia/Kolkata`) to be sure",
                ),
            );
        }
        if let (Some(d), Some(e)) = (&m.date, &m.end_date) {
            if e.value < d.value {
                out.push(Diagnostic::warning(
                    &shown,
                    e.source.line().unwrap_or(0),
                    format!(
                        "the outage ends ({}) before it starts ({})",
                        e.value, d.value
                    ),
                ));
            }
        }
        if !known_services.is_empty() {
            for s in &m.services {
                if !known_services
                    .iter()
                    .any(|k| k.eq_ignore_ascii_case(&s.value))
                {
                    let mut d = Diagnostic::warning(
                        &shown,
                        s.source.line().unwrap_or(0),
                        format!("unknown service `{}`", s.value),
                    );
                    d = match crate::diagnostic::suggest(&s.value, known_services.iter().map(String::as_str)) {
                        Some(k) => d.with_hint(format!("did you mean `{k}`? (services are listed in site.toml, [extract] services)")),
                        None => d.with_hint("add it to `services` under [extract] in site.toml, or fix the name"),
                    };
                    out.push(d);
                }
            }
        }
    }
    for b in crate::links::check(&site.output) {
        let path = page_source
            .get(&b.page)
            .cloned()
            .unwrap_or_else(|| format!("(page {})", b.page));
        out.push(
            Diagnostic::warning(
                path,
                0,
                format!("link `{}` leads nowhere: {}", b.link, b.reason),
            )
            .with_hint("fix the link target, or the heading it points to"),
        );
    }
    out
}

pub fn run(args: CheckArgs) -> Outcome {
    let opts = BuildOptions {
        root: args.root,
        output: None,
        base_url: None,
        drafts: args.drafts,
        strict: args.strict,
        edition: args.edition.map(Into::into),
    };
    let (mut all, postmortems, strict) = match load(&opts) {
        Ok(site) => {
            let mut all = site.warnings.clone();
            all.extend(findings(&site));
            (all, site.files, args.strict || site.config.strict)
        }
        Err(f) => (f.diagnostics, 0, args.strict),
    };
    if strict {
        for d in &mut all {
            d.severity = Severity::Error;
        }
    }
    let errors = all.iter().filter(|d| d.is_error()).count();
    let warnings = all.len() - errors;
    if args.json {
        for d in &all {
            println!("{}", serde_json::to_string(d).unwrap_or_default());
        }
    } else {
        let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
        for d in &all {
            by_file.entry(d.path.as_str()).or_default().push(d);
        }
        for (file, mut ds) in by_file {
            ds.sort_by_key(|d| (d.line, d.severity != Severity::Error));
            println!("{file}");
            for d in ds {
                let sev = if d.is_error() { "error" } else { "warning" };
                let at = if d.line > 0 {
                    format!(":{}", d.line)
                } else {
                    String::new()
                };
                println!("  {file}{at}: {sev}: {}", d.message);
                if let Some(h) = &d.hint {
                    println!("    hint: {h}");
                }
            }
        }
        println!(
            "checked {postmortems} postmortem files: {errors} error{}, {warnings} warning{}",
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" }
        );
    }
    if errors > 0 {
        Outcome::Failed
    } else {
        Outcome::Success
    }
}
