//! A generated corpus of postmortems in the shapes the extractor meets: Markdown with
//! headings and bullet timelines, plain text with pseudo-headings, tables, long prose.
//! Shared by the criterion benchmarks, `examples/throughput.rs` and `examples/callgrind.rs`.

const ZONES: &[&str] = &["UTC", "PST", "GMT+1", "EAT", "UTC-5", "CET"];
const SERVICES: &[&str] = &[
    "billing API",
    "login service",
    "search cluster",
    "image CDN",
    "job queue",
];

fn markdown(i: usize) -> String {
    let zone = ZONES[i % ZONES.len()];
    let svc = SERVICES[i % SERVICES.len()];
    let (h, m) = (8 + i % 10, (i * 7) % 60);
    let mut s = format!(
        "# Postmortem: {svc} outage #{i}\n\n## Summary\n\n**Duration:** {} hours, from {h}:{m:02} to {}:{m:02} {zone} on March {}, 2024.\n\n\
         **Impact:** about {}% of users could not reach the {svc}. Roughly {} customers saw errors.\n\n\
         **Root cause:** a configuration change to the load balancer removed the health check path.\n\n## Timeline ({zone})\n\n",
        1 + i % 3,
        h + 1 + i % 3,
        1 + i % 28,
        10 + i % 90,
        1000 + i
    );
    for k in 0..12 {
        let mm = (m + k * 5) % 60;
        s.push_str(&format!(
            "- {:02}:{mm:02} {zone}: step {k} of the investigation, checked the dashboards and the deploy log for the {svc}.\n",
            h + (m + k * 5) / 60
        ));
    }
    s.push_str("\n## Corrective and Preventive Measures\n\n- [ ] Add an alert on 5xx rate\n- [x] Restore the health check\n- [ ] Review the change process\n\n");
    s.push_str(&"We will keep monitoring the service closely and report back. ".repeat(20));
    s.push_str(
        "\n\n```\n10:00:01 ERROR upstream timed out\n10:00:02 ERROR upstream timed out\n```\n",
    );
    s
}

fn plain(i: usize) -> String {
    let zone = ZONES[(i + 3) % ZONES.len()];
    format!(
        "Issue Summary:\nOn {} {}th, 2023, between 4:{:02}PM and 6:15PM ({zone}), requests to the API failed.\n\
         Impact: 100% of traffic to the checkout page.\nTimeline:\n\
         4:{:02} PM - alert fired\n4:50 PM - engineers paged\n5:20 PM - rollback started\n6:15 PM - service restored\n\
         Root cause and resolution:\nA typo in the nginx config.\nCorrective and preventative measures:\n\
         - add config linting\n- add a canary\n\n{}\n",
        ["January", "April", "July", "October"][i % 4],
        4 + i % 20,
        i % 60,
        i % 60,
        "The team reviewed every step of the response and agreed on the follow-ups listed above. ".repeat(10)
    )
}

fn table(i: usize) -> String {
    let mut s = format!("## Incident {i}\n\n| Time | Event |\n|------|-------|\n");
    for k in 0..20 {
        s.push_str(&format!(
            "| {:02}:{:02}:{:02} | event {k}: traffic shifted, error rate at {}% |\n",
            8 + k / 6,
            (k * 10) % 60,
            k,
            k
        ));
    }
    s.push_str("\nFull traffic restored; incident resolved.\n");
    s
}

pub fn corpus() -> Vec<(String, Vec<u8>)> {
    (0..300)
        .map(|i| {
            let (name, text) = match i % 3 {
                0 => (format!("{i}.md"), markdown(i)),
                1 => (format!("{i}.txt"), plain(i)),
                _ => (format!("{i}.md"), table(i)),
            };
            (name, text.into_bytes())
        })
        .collect()
}

/// The files of the folder `arg`, by name, when it is one; else the generated corpus.
#[allow(dead_code)] // (the benchmarks measure the generated corpus only)
pub fn folder_or_generated(arg: &str) -> Vec<(String, Vec<u8>)> {
    if !std::path::Path::new(arg).is_dir() {
        return corpus();
    }
    let mut v: Vec<_> = std::fs::read_dir(arg)
        .unwrap()
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap_or_default(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Each document parsed (each name stands for its path).
#[allow(dead_code)] // (not read by the rendering benchmark)
pub fn parse_all(docs: &[(String, Vec<u8>)]) -> Vec<inquest::content::Document> {
    docs.iter()
        .map(|(n, b)| inquest::content::parse(n, n, b).unwrap().0)
        .collect()
}
