//! Statistics, history and action-item pages on a fixture whose figures are worked out by
//! hand: durations 120, 150, 150, 120 and 240 minutes, and one incident without a duration.

use crate::support::*;

fn figures(doc: &scraper::Html, section: &str) -> Vec<(String, String, String)> {
    let sel = scraper::Selector::parse(&format!("section[aria-labelledby=\"{section}\"] .figure"))
        .unwrap();
    let one = |e: scraper::ElementRef, s: &str| {
        let sel = scraper::Selector::parse(s).unwrap();
        e.select(&sel)
            .next()
            .map(|x| x.text().collect::<String>().trim().to_string())
            .unwrap_or_default()
    };
    doc.select(&sel)
        .map(|f| (one(f, "dt"), one(f, ".figure-value"), one(f, ".figure-n")))
        .collect()
}

#[test]
fn statistics_match_hand_computed_figures() {
    let (_t, root) = site("stats");
    let public = build_ok(&root, &[]);
    let doc = page(&public, "stats/index.html");
    let want = [
        ("Median", "2 h 30 min"),
        ("75th percentile", "2 h 30 min"),
        ("90th percentile", "4 h"),
        ("95th percentile", "4 h"),
        ("Longest", "4 h"),
        ("Total downtime", "13 h"),
    ];
    let got = figures(&doc, "durations");
    assert_eq!(got.len(), want.len(), "{got:?}");
    for ((label, value, n), (wl, wv)) in got.iter().zip(want) {
        assert_eq!(
            (label.as_str(), value.as_str(), n.as_str()),
            (wl, wv, "n = 5")
        );
    }
    let quality = texts(&doc, "section[aria-labelledby=quality] .summary-strip div");
    assert_eq!(
        quality[..3],
        ["Postmortems 6", "Known duration 5", "Known date 6"]
    );
    let fine = texts(&doc, "section[aria-labelledby=durations] .fineprint").join(" ");
    assert!(
        fine.contains("nearest rank") && fine.contains("mean, for reference only: 2 h 36 min"),
        "{fine}"
    );
    assert!(
        !texts(&doc, ".note").is_empty(),
        "a small sample is flagged"
    );
    // Buckets table: four incidents in 2–4 h, one in 4–8 h.
    let buckets = texts(&doc, "figure table tbody tr");
    assert!(buckets.contains(&"2–4 h 4 80%".to_string()), "{buckets:?}");
    assert!(buckets.contains(&"4–8 h 1 20%".to_string()));
    assert!(buckets.contains(&"< 15 min 0 0%".to_string()));
    // Charts are inline SVG with a title, one bar per bucket.
    let svg_titles = texts(&doc, "svg.chart > title");
    assert_eq!(
        svg_titles,
        [
            "Incidents by duration",
            "Cumulative distribution of incident durations",
            "Incidents per month"
        ]
    );
    assert_eq!(
        attrs(
            &doc,
            "svg#x, svg.chart[aria-labelledby^=chart-buckets] rect.chart-bar",
            "height"
        )
        .len(),
        8
    );
    // Per year, with how many durations are known.
    let years = texts(&doc, "section[aria-labelledby=trend] table.data tbody tr");
    assert_eq!(years[..2], ["2023 1 4 h 1 of 1", "2024 5 9 h 4 of 5"]);
    // Breakdown by severity: count, median, p90, total.
    let sev = texts(
        &doc,
        "section[aria-labelledby=breakdowns] table:first-of-type tbody tr",
    );
    assert!(
        sev.iter()
            .any(|r| r.starts_with("SEV1 2 2 h 30 min 4 h 6 h 30 min")),
        "{sev:?}"
    );
    assert!(
        sev.iter().any(|r| r.starts_with("SEV4 1 — (n = 0)")),
        "{sev:?}"
    );
    // Action items.
    let actions = texts(&doc, "section[aria-labelledby=actions-summary] p").join(" ");
    assert!(actions.contains("6 open and 6 done"), "{actions}");
}

#[test]
fn history_lists_every_month_newest_first_with_empty_months() {
    let (_t, root) = site("stats");
    let public = build_ok(&root, &[]);
    let doc = page(&public, "history/index.html");
    assert_eq!(
        texts(&doc, ".history-month h3"),
        [
            "March 2024",
            "February 2024",
            "January 2024",
            "December 2023",
            "November 2023"
        ]
    );
    let empty: Vec<String> = texts(&doc, ".history-month")
        .into_iter()
        .filter(|t| t.ends_with("No incidents."))
        .collect();
    assert_eq!(empty.len(), 2, "{empty:?}");
    assert_eq!(texts(&doc, ".cal-month h3").len(), 12);
    assert_eq!(
        texts(&doc, ".cal-month h3").last().map(String::as_str),
        Some("March 2024")
    );
    // Two incidents on 2 March: the day links to its entry on this page.
    assert!(
        attrs(&doc, ".cal-grid a.day", "href").contains(&"../history/#day-2024-03-02".to_string())
    );
    assert_eq!(attrs(&doc, "#day-2024-03-02", "id").len(), 1);
}

#[test]
fn the_home_page_strip_marks_the_days_with_incidents() {
    let (_t, root) = site("stats");
    let public = build_ok(&root, &[]);
    let doc = page(&public, "index.html");
    assert_eq!(attrs(&doc, ".day-strip li > *", "class").len(), 90);
    let marked = attrs(&doc, ".day-strip a.day", "href");
    assert_eq!(marked.len(), 4, "{marked:?}");
    assert!(marked.contains(&"history/#day-2024-03-02".to_string()));
    let titles = attrs(&doc, ".day-strip a.day", "title");
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("Sat 2 Mar 2024: 2 incidents, 4 h 30 min downtime")),
        "{titles:?}"
    );
    assert!(texts(&doc, ".legend")
        .join(" ")
        .contains("Shaded by total downtime that day"));
}

#[test]
fn the_action_ledger_counts_open_and_done_items_with_their_age() {
    let (_t, root) = site("stats");
    let public = build_ok(&root, &[]);
    let doc = page(&public, "actions/index.html");
    assert!(texts(&doc, ".lede")[0].starts_with("6 open, 6 done, across 6 postmortems"));
    assert_eq!(texts(&doc, ".action-list li.open").len(), 6);
    assert_eq!(texts(&doc, ".action-list li.done").len(), 6);
    // Each postmortem page shows its own count, linked to its entry in the ledger.
    let pm = page(&public, "postmortems/incident-1/index.html");
    assert_eq!(
        texts(&pm, ".meta-card a[href=\"../../actions/#a-incident-1\"]"),
        ["1 open of 2"]
    );
    let meta = texts(&doc, ".action-group > p");
    assert!(
        meta.iter()
            .any(|m| m.contains("11 Nov 2023 · 141 days ago")),
        "{meta:?}"
    );
}

#[test]
fn history_shows_twelve_months_and_every_year_has_its_own_page() {
    let (_t, root) = site("stats");
    let toml = root.join("site.toml");
    let cfg = std::fs::read_to_string(&toml)
        .unwrap()
        .replace("end = \"2024-03-31\"", "end = \"2024-12-31\"");
    std::fs::write(&toml, cfg).unwrap();
    let public = build_ok(&root, &[]);
    let doc = page(&public, "history/index.html");
    let months = texts(&doc, ".history-month h3");
    assert_eq!(months.len(), 12, "{months:?}");
    assert_eq!(months.first().map(String::as_str), Some("December 2024"));
    assert_eq!(months.last().map(String::as_str), Some("January 2024"));
    // The 2023 incidents are before the twelve months: only on the 2023 page.
    assert_eq!(
        attrs(&doc, ".years-nav a", "href"),
        ["../history/2024/", "../history/2023/"]
    );
    let listed = |doc: &scraper::Html| texts(doc, ".history-list li a");
    let y2024 = page(&public, "history/2024/index.html");
    let y2023 = page(&public, "history/2023/index.html");
    assert_eq!(
        texts(&y2023, ".history-month h3"),
        ["December 2023", "November 2023"]
    );
    assert!(
        texts(&y2023, ".cal-month").is_empty(),
        "no calendar on a year page"
    );
    assert_eq!(texts(&y2023, ".years-nav [aria-current=page]"), ["2023"]);
    // Every dated postmortem is on exactly one year page, and the 2024 page lists what the
    // main page lists.
    let mut all: Vec<String> = listed(&y2024).into_iter().chain(listed(&y2023)).collect();
    assert_eq!(listed(&y2024), listed(&doc));
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), n);
    let dated = std::fs::read_to_string(public.join("incidents.json")).unwrap();
    let dated: serde_json::Value = serde_json::from_str(&dated).unwrap();
    let dated = dated["postmortems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| !p["date"].is_null())
        .count();
    assert_eq!(n, dated);
}
