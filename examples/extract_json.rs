//! Stand-in for `inquest extract --json FILE` until the CLI command lands: prints one JSON
//! object with the fields the extraction scorer reads.

use inquest::extract::{self, zone, Options};
use serde_json::json;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: extract_json FILE");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let (doc, _) = match inquest::content::parse(&path, &path, &bytes) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{}", e.message);
            std::process::exit(1);
        }
    };
    let site = zone::site_zone("UTC").unwrap();
    let opts = Options {
        site_zone: &site,
        config: &Default::default(),
        taxonomies: &[],
    };
    let (meta, diags) = extract::extract(&doc, &opts);
    let w = extract::window(&meta, &site);
    let hm = |t: &jiff::civil::Time| format!("{:02}:{:02}", t.hour(), t.minute());
    let out = json!({
        "title": meta.title.as_ref().filter(|t| t.source.kind() != "derived").map(|t| &t.value),
        "date": meta.date.as_ref().filter(|d| d.source.kind() != "derived").map(|d| d.value.to_string()),
        "start_time": meta.start_time.as_ref().map(|t| hm(&t.value)),
        "end_time": meta.end_time.as_ref().map(|t| hm(&t.value)),
        "end_date": meta.end_date.as_ref().map(|d| d.value.to_string()),
        "timezone": meta.timezone.as_ref().map(|z| &z.value.written),
        "duration_minutes": meta.duration.as_ref().map(|d| d.value.get()),
        "impact_percent": meta.impact_percent.as_ref().map(|p| p.value.get()),
        "impact": meta.impact.as_ref().map(|p| &p.value),
        "affected_users": meta.affected_users.as_ref().map(|p| p.value),
        "severity": meta.severity.as_ref().map(|p| &p.value),
        "services": meta.services.iter().map(|s| &s.value).collect::<Vec<_>>(),
        "tags": meta.tags.iter().map(|s| &s.value).collect::<Vec<_>>(),
        "timeline": meta.timeline,
        "action_items": meta.action_items,
        "started_at": w.started_at.map(|z| z.to_string()),
        "resolved_at": w.resolved_at.map(|z| z.to_string()),
        "sources": {
            "date": meta.date.as_ref().map(|f| f.source.to_string()),
            "start": meta.start_time.as_ref().map(|f| f.source.to_string()),
            "end": meta.end_time.as_ref().map(|f| f.source.to_string()),
            "duration": meta.duration.as_ref().map(|f| f.source.to_string()),
            "timezone": meta.timezone.as_ref().map(|f| f.source.to_string()),
            "impact": meta.impact_percent.as_ref().map(|f| f.source.to_string()),
        },
        "diagnostics": diags.iter().map(|d| format!("{}: {}", d.line, d.message)).collect::<Vec<_>>(),
    });
    println!("{}", serde_json::to_string_pretty(&out).unwrap());
}
