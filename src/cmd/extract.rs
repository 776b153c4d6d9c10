//! `inquest extract`: what the archive reads from postmortem files, as JSON (the same object
//! as one entry of `incidents.json`) or as a table with each value's provenance.

use crate::cli::ExtractArgs;
use crate::cmd::{report, Outcome};
use crate::config::{Config, ExtractConfig};
use crate::content;
use crate::edition;
use crate::extract::{self, zone};
use crate::model::{Found, IncidentMeta};
use crate::record::record;

pub fn run(args: ExtractArgs) -> Outcome {
    let config = match &args.root {
        Some(root) => match Config::load(root) {
            Ok(c) => c,
            Err(d) => {
                report(&d);
                return Outcome::Failed;
            }
        },
        None => Config::default(),
    };
    let config = config.for_edition(
        args.edition
            .map(Into::into)
            .unwrap_or(config.editions.default),
    );
    let Some(site_zone) = zone::site_zone(&config.timezone) else {
        eprintln!("error: unknown timezone `{}` in site.toml", config.timezone);
        return Outcome::Failed;
    };
    let mut outcome = Outcome::Success;
    let one = args.files.len() == 1;
    for path in &args.files {
        let shown = path.display().to_string();
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{shown}: error: cannot read: {e}");
                outcome = Outcome::Failed;
                continue;
            }
        };
        let rel = path
            .file_name()
            .map_or(shown.clone(), |n| n.to_string_lossy().into_owned());
        let (mut doc, mut diags) = match content::parse(&rel, &shown, &bytes) {
            Ok(x) => x,
            Err(d) => {
                report(&[d]);
                outcome = Outcome::Failed;
                continue;
            }
        };
        let opts = extract::Options {
            site_zone: &site_zone,
            config: &config.extract,
            taxonomies: &config.taxonomies,
        };
        let mut prepared = edition::prepare(&mut doc, &config);
        diags.append(&mut prepared.diagnostics);
        let (mut meta, ds) = extract::extract(&doc, &opts);
        diags.extend(ds);
        prepared.mark(&mut meta);
        if diags.iter().any(|d| d.is_error()) {
            outcome = Outcome::Failed;
        }
        report(&diags);
        let window = extract::window(&meta, &site_zone);
        let rec = record(&meta, &window, &shown, None);
        if args.json {
            let json = if one {
                serde_json::to_string_pretty(&rec)
            } else {
                serde_json::to_string(&rec)
            };
            println!("{}", json.unwrap_or_default());
        } else {
            print_table(&shown, &meta, &rec, &config.extract);
        }
    }
    outcome
}

fn row<T>(name: &str, f: &Option<Found<T>>, show: impl Fn(&T) -> String) {
    match f {
        Some(f) => println!("  {name:<15} {:<40} {}", show(&f.value), f.source),
        None => println!("  {name:<15} {:<40} not found", "—"),
    }
}

fn print_table(
    shown: &str,
    meta: &IncidentMeta,
    rec: &crate::record::Record,
    _cfg: &ExtractConfig,
) {
    println!("{shown}");
    if meta.internal {
        println!("  {:<15} internal", "visibility");
    }
    row("title", &meta.title, Clone::clone);
    row("date", &meta.date, ToString::to_string);
    row("start", &meta.start_time, |t| {
        format!("{:02}:{:02}", t.hour(), t.minute())
    });
    row("end", &meta.end_time, |t| {
        format!("{:02}:{:02}", t.hour(), t.minute())
    });
    row("timezone", &meta.timezone, |z| z.written.clone());
    row("duration", &meta.duration, |m| m.human());
    row("impact", &meta.impact_percent, |p| format!("{}%", p.get()));
    row("severity", &meta.severity, Clone::clone);
    let list = |v: &[Found<String>]| {
        v.iter()
            .map(|f| f.value.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!("  {:<15} {}", "services", list(&meta.services));
    println!("  {:<15} {}", "tags", list(&meta.tags));
    println!("  {:<15} {} entries", "timeline", meta.timeline.len());
    println!("  {:<15} {} items", "action items", meta.action_items.len());
    if let (Some(s), e) = (&rec.started_at, &rec.resolved_at) {
        println!("  {:<15} {s} → {}", "window", e.as_deref().unwrap_or("?"));
    }
}
