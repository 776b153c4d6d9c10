//! Prints extraction time for growing inputs (a quick check that work stays linear).
use inquest::content;
use inquest::extract::{self, zone, Options};

fn main() {
    let site = zone::site_zone("UTC").unwrap();
    let cfg = Default::default();
    let opts = Options {
        site_zone: &site,
        config: &cfg,
        taxonomies: &[],
    };
    let units = [
        (
            "long line",
            "from 10:00 to 11:00 on May 3, 2024 (UTC), 45% of users, down for 2 hours; ",
        ),
        (
            "many lines",
            "- 10:00 UTC: paged\n\n### 10:05\n| 10:06 | x |\nStart: 2024-05-03 10:00\n",
        ),
        (
            "prose lines",
            "The outage lasted 2 hours and 45% of users saw errors.\n",
        ),
        ("timeline", "- 10:00 UTC: paged\n"),
        ("headings", "### 10:05\n\n"),
        ("start lines", "Start: 2024-05-03 10:00\n"),
    ];
    for (name, unit) in units {
        for n in [2000, 8000, 32000] {
            let text = unit.repeat(n);
            let doc = content::parse("x.md", "x.md", text.as_bytes()).unwrap().0;
            let t = std::time::Instant::now();
            let _ = extract::extract(&doc, &opts);
            println!("{name:12} n={n:6} {:?}", t.elapsed());
        }
    }
}
