//! Whole postmortems (written for these tests, in the styles real ones use) through
//! `content::parse` + `extract::extract`: each case is one document and the facts a careful
//! reader would take from it.

use inquest::content;
use inquest::extract::{self, Defaults};
use inquest::model::IncidentMeta;

fn run(name: &str, text: &str) -> (IncidentMeta, Vec<String>) {
    let defaults = Defaults::default();
    let opts = defaults.options();
    let (doc, _) = content::parse(name, name, text.as_bytes()).unwrap();
    let (meta, diags) = extract::extract(&doc, &opts);
    (meta, diags.into_iter().map(|d| d.message).collect())
}

fn hm(t: &Option<inquest::model::Found<jiff::civil::Time>>) -> Option<String> {
    t.as_ref()
        .map(|t| format!("{:02}:{:02}", t.value.hour(), t.value.minute()))
}

/// (title, date, start, end, zone, minutes, percent, timeline entries)
type Facts = (
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<u32>,
    Option<f64>,
    usize,
);

/// The same facts as extracted.
type Got = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<u32>,
    Option<f64>,
    usize,
);

fn facts(m: &IncidentMeta) -> Got {
    (
        m.title
            .as_ref()
            .filter(|t| t.source.kind() != "derived")
            .map(|t| t.value.clone()),
        m.date
            .as_ref()
            .filter(|d| d.source.kind() != "derived")
            .map(|d| d.value.to_string()),
        hm(&m.start_time),
        hm(&m.end_time),
        m.timezone.as_ref().map(|z| z.value.written.clone()),
        m.duration.as_ref().map(|d| d.value.get()),
        m.impact_percent.as_ref().map(|p| p.value.get()),
        m.timeline.len(),
    )
}

fn check(name: &str, text: &str, want: Facts) {
    let (m, _) = run(name, text);
    let got = facts(&m);
    let want = (
        want.0.map(String::from),
        want.1.map(String::from),
        want.2.map(String::from),
        want.3.map(String::from),
        want.4.map(String::from),
        want.5,
        want.6,
        want.7,
    );
    assert_eq!(got, want, "{name}");
}

#[test]
fn markdown_summary_range_and_bullet_timeline() {
    check(
        "queue.md",
        "# Postmortem: Job Queue Stall\n\n## Summary\n\nOn April 9, 2024, from 1:10 PM to 2:40 PM (CEST), the job queue stopped \
         dispatching work, affecting roughly 35% of our customers.\n\n## Timeline\n\n- 1:10 PM: queue depth alarm fires\n\
         - 1:25 PM: on-call engineer starts looking at the broker\n- 2:05 PM: a stuck consumer group is found\n\
         - 2:40 PM: consumers restarted, backlog drained, service restored\n\n## Action items\n\n- [ ] alert on consumer lag\n- [x] document the restart\n",
        (Some("Postmortem: Job Queue Stall"), Some("2024-04-09"), Some("13:10"), Some("14:40"), Some("CEST"), Some(90), Some(35.0), 4),
    );
}

#[test]
fn plain_text_with_start_and_end_lines() {
    check(
        "billing.txt",
        "Billing Export Delay\nSummary:\nStart: 2023-11-02 22:15 UTC\nEnd: 2023-11-03 01:45 UTC\n\
         Impact: exports for 12% of accounts were late.\nTimeline:\n22:15 UTC - export job times out\n\
         23:00 UTC - database lock identified\n01:45 UTC - exports resumed and fully recovered\n",
        (Some("Billing Export Delay"), Some("2023-11-02"), Some("22:15"), Some("01:45"), Some("UTC"), Some(210), Some(12.0), 3),
    );
}

#[test]
fn only_a_heading_timeline() {
    // No stated window: the first event starts it, the last recovery event ends it.
    check(
        "builds.md",
        "# 2021-06-14, build farm full\n\n## Timeline\n\nAll times in EDT\n\n### 2021-06-14 09:02\n\nBuilds start queueing forever.\n\n\
         ### 09:40\n\nDisk on the artifact store found at 100%.\n\n### 10:15\n\nOld artifacts pruned; builds are working again.\n\n\
         ### 11:30\n\nWrite-up started.\n",
        (Some("2021-06-14, build farm full"), Some("2021-06-14"), Some("09:02"), Some("10:15"), Some("EDT"), Some(73), None, 4),
    );
}

#[test]
fn stated_duration_wins_and_midnight_is_crossed() {
    check(
        "dns.md",
        "## Resolver outage\n\n**Duration:** 1 hour and 50 minutes, from 11:30 PM to 1:20 AM (PST) on 3rd March 2022.\n\n\
         Eighty percent of users could not resolve our API host.\n",
        (Some("Resolver outage"), Some("2022-03-03"), Some("23:30"), Some("01:20"), Some("PST"), Some(110), Some(80.0), 0),
    );
}

#[test]
fn days_long_window_with_a_rounded_statement() {
    // "about 3 days" is rounded; the exact range (3 d 4 h) is kept.
    check(
        "storage.md",
        "# Object storage degradation\n\nFrom January 3, 2024, 6:00 AM to January 6, 2024, 10:00 AM GMT+2 uploads failed \
         for about 3 days.\n",
        (Some("Object storage degradation"), Some("2024-01-03"), Some("06:00"), Some("10:00"), Some("GMT+2"), Some(4560), None, 0),
    );
}

#[test]
fn table_timeline_with_seconds() {
    check(
        "cache.md",
        "# Cache eviction storm\n\n| Time (UTC) | Event |\n|---|---|\n| 03:12:09 | hit rate drops to 20% |\n\
         | 03:15:40 | paged |\n| 03:31:02 | eviction policy reverted |\n| 03:44:00 | latency back to normal |\n",
        (Some("Cache eviction storm"), None, Some("03:12"), Some("03:44"), Some("UTC"), Some(32), None, 4),
    );
}

#[test]
fn vague_and_contradictory_durations_stay_unknown() {
    let (m, _) = run(
        "vague.md",
        "# Flaky logins\n\nThe login page was flaky for a few hours.\n",
    );
    assert!(m.duration.is_none());
    let (m, _) = run(
        "contradict.md",
        "# Search down\n\nThe outage lasted 40 minutes.\n\nLater analysis: the outage lasted 25 minutes.\n",
    );
    assert!(m.duration.is_none());
}

#[test]
fn a_status_page_timeline_that_opens_with_a_recovery_has_no_start() {
    // The first update was posted mid-incident: when the outage began is not said.
    let (m, _) = run(
        "status.md",
        "## Payments API unavailable\n\nWe are investigating failed payments.\n\n### Updates\n\n\
         * **10:20 UTC** - Service has been restored for most merchants; we keep monitoring.\n\
         * **10:40 UTC** - Card payments are working again for everyone.\n\
         * **11:15 UTC** - All systems operational; incident resolved.\n",
    );
    assert_eq!(hm(&m.start_time), None);
    assert_eq!(hm(&m.end_time).as_deref(), Some("11:15"));
    assert!(m.duration.is_none());
    assert_eq!(m.timeline.len(), 3);
}

#[test]
fn a_timeline_with_dates_out_of_order_gives_no_duration() {
    let (m, diags) = run(
        "breach.md",
        "# Incident: build server compromised\n\n## Timeline\n\n\
         - `2022-03-01 09:10` build server created with SSH open to the world\n\
         - `2022-03-20 22:05` intrusion detected\n\
         - `2022-03-20 22:30` replacement server online\n\
         - `2022-03-20 00:15` compromised server deleted\n",
    );
    assert_eq!(hm(&m.start_time).as_deref(), Some("09:10"));
    assert_eq!(hm(&m.end_time).as_deref(), Some("00:15"));
    assert!(m.duration.is_none(), "{:?}", m.duration);
    assert!(m.end_date.is_none());
    assert!(
        diags.iter().any(|d| d.contains("out of order")),
        "{diags:?}"
    );
}

#[test]
fn an_approximate_duration_that_disagrees_with_its_times_is_unknown() {
    // About seven hours, but the timeline runs from 01:00 to 10:45: which is right?
    let (m, diags) = run(
        "quota.md",
        "# Launches failing\n\nThe problem lasted approximately seven hours before things recovered on their own.\n\n\
         ## Timeline\n\n### 01:00\n\nLaunches start failing.\n\n### 10:30\n\nTeam paged.\n\n\
         ### 10:45\n\nQuota raised; launches work again.\n",
    );
    assert!(m.duration.is_none(), "{:?}", m.duration);
    assert!(diags.iter().any(|d| d.contains("about 7 h")), "{diags:?}");
    // Within the figure's precision (about three hours for 3 h 30 min), it stands.
    let (m, _) = run(
        "traffic.md",
        "# Traffic surge\n\nThe outage lasted approximately three hours.\n\n## Timeline\n\n\
         - 12:00 PM: traffic surge begins\n- 2:00 PM: caching enabled\n- 3:30 PM: normal operations were restored\n",
    );
    assert_eq!(m.duration.map(|d| d.value.get()), Some(180));
}

#[test]
fn timeline_marks_that_disagree_with_the_stated_window() {
    // The summary says 08:15 to 09:00; the timeline marks the incident resolved at 08:45.
    let (m, diags) = run(
        "db.md",
        "# Database disk full\n\n**Time to recover**: 45 minutes (08:15 → 09:00 UTC)\n\n## Updates\n\n\
         **08:16 - Incident Start**: all requests failing\n\n**08:30 - Failover**: replica promoted\n\n\
         **08:45 - Incident Resolved**: traffic back to normal\n",
    );
    assert_eq!(hm(&m.start_time).as_deref(), Some("08:15"));
    assert_eq!(hm(&m.end_time), None);
    assert!(m.duration.is_none(), "{:?}", m.duration);
    assert!(
        diags.iter().any(|d| d.contains("resolved at 08:45")),
        "{diags:?}"
    );
    // When they agree, nothing is doubted.
    let (m, diags) = run(
        "db2.md",
        "# Database disk full\n\nThe outage ran from 08:15 to 08:45 UTC.\n\n## Updates\n\n\
         **08:16 - Incident Start**: all requests failing\n\n**08:45 - Incident Resolved**: traffic back to normal\n",
    );
    assert_eq!(hm(&m.end_time).as_deref(), Some("08:45"));
    assert_eq!(m.duration.map(|d| d.value.get()), Some(30));
    assert!(diags.is_empty(), "{diags:?}");
}

#[test]
fn ambiguous_numeric_date_is_a_warning() {
    let (m, d) = run("amb.md", "# Disk full\n\nOn 04/05/2023 at 10:00 UTC the disk filled up and was cleaned by 10:30 UTC.\n");
    assert!(m.date.is_none());
    assert!(d.iter().any(|m| m.contains("ambiguous date")), "{d:?}");
    let (m, _) = run(
        "dayfirst.md",
        "# Disk full\n\nOn 14/05/2023 at 10:00 UTC the disk filled up.\n",
    );
    assert_eq!(m.date.unwrap().value.to_string(), "2023-05-14");
}

#[test]
fn conflicting_zones_give_none() {
    let (m, d) = run(
        "zones.md",
        "# API errors\n\nDuration: from 9:00 AM to 10:00 AM (UTC).\n\nTimeline:\n- 9:00 AM (EAT): errors\n- 9:30 AM (EAT): rollback\n- 10:00 AM (EAT): resolved\n",
    );
    assert!(m.timezone.is_none());
    assert!(
        d.iter().any(|m| m.contains("conflicting time zones")),
        "{d:?}"
    );
}

#[test]
fn front_matter_wins_and_disagreement_is_a_warning() {
    let (m, d) = run(
        "fm.md",
        "+++\ntitle = \"Queue stall\"\ndate = 2024-02-01\nduration = 30\n+++\n\nOn February 2, 2024 the queue stalled; the outage lasted 45 minutes.\n",
    );
    assert_eq!(m.date.as_ref().unwrap().value.to_string(), "2024-02-01");
    assert_eq!(m.duration.as_ref().unwrap().value.get(), 30);
    assert!(d.iter().any(|m| m.contains("45 min")), "{d:?}");
    assert!(d.iter().any(|m| m.contains("2024-02-02")), "{d:?}");
}

#[test]
fn blog_front_matter_date_is_the_publication_date() {
    let (m, _) = run(
        "post.md",
        "---\nlayout: post\ntitle: \"Why the site was down\"\ndate: 2019-05-20\nauthor: Sam\n---\n\n\
         On May 17, 2019 our site was down for 3 hours.\n",
    );
    assert_eq!(m.date.unwrap().value.to_string(), "2019-05-17");
    assert_eq!(m.extra["published"], serde_json::json!("2019-05-20"));
    assert_eq!(m.authors, ["Sam"]);
}

#[test]
fn status_page_entry_front_matter() {
    let (m, _) = run(
        "status.md",
        "---\ntitle: Webhooks delayed\ndate: 2022-08-30T14:05:00-04:00\nresolved: true\naffected:\n  - webhooks\n---\n\n\
         Deliveries are delayed.<br /><br />**Update: 14:40** cause found<br /><br />**Update: 15:20** all deliveries are back to normal\n",
    );
    assert_eq!(hm(&m.start_time).as_deref(), Some("14:05"));
    assert_eq!(m.timezone.as_ref().unwrap().value.written, "-04:00");
    assert_eq!(hm(&m.end_time).as_deref(), Some("15:20"));
    assert_eq!(m.duration.unwrap().value.get(), 75);
    assert_eq!(m.services[0].value, "webhooks");
    assert_eq!(m.status.unwrap().value, "resolved");
}

#[test]
fn relative_placeholder_timeline() {
    check(
        "placeholder.md",
        "## Checkout Outage\n\nFrom [Start Time] to [End Time] (CET) checkout failed.\n\n* **[Start Time] CET:** errors begin\n\
         * **[Start Time + 20 minutes] CET:** paged\n* **[Start Time + 1.5 hours] CET:** fix deployed, checkout restored\n",
        (Some("Checkout Outage"), None, None, None, Some("CET"), Some(90), None, 3),
    );
}

#[test]
fn actions_severity_and_tags() {
    let (m, _) = run(
        "sev.md",
        "# SEV2: Certificate expiry on the login service\n\n## Follow-up\n\n- [x] renew the certificate\n- [ ] alert 14 days before expiry\n",
    );
    assert_eq!(m.severity.unwrap().value, "SEV2");
    let items: Vec<(String, bool)> = m
        .action_items
        .into_iter()
        .map(|a| (a.text, a.done))
        .collect();
    assert_eq!(
        items,
        [
            ("renew the certificate".to_string(), true),
            ("alert 14 days before expiry".to_string(), false)
        ]
    );
    let tags: Vec<String> = m.tags.into_iter().map(|t| t.value).collect();
    assert!(
        tags.contains(&"certificate".to_string()) && tags.contains(&"authentication".to_string()),
        "{tags:?}"
    );
}

#[test]
fn more_phrasings() {
    let cases: &[(&str, &str, Facts)] = &[
        (
            "webhooks.md",
            "# Payment webhook failures\n\nThe incident began at 3:45 PM EST and was mitigated at 4:30 PM EST on Tuesday, 12 March 2024.\nAbout 15% of merchants saw failed webhooks.\n",
            (Some("Payment webhook failures"), Some("2024-03-12"), Some("15:45"), Some("16:30"), Some("EST"), Some(45), Some(15.0), 0),
        ),
        (
            "deploy.md",
            "# Outage report\n\nOutage window: 2024-02-10 08:00–09:15 UTC. Downtime: 75 minutes.\n\n## Timeline\n* 08:00 — deploy of v2.3.1 starts\n* 08:04 — error rate climbs\n* 09:15 — rollback complete, all green\n",
            (Some("Outage report"), Some("2024-02-10"), Some("08:00"), Some("09:15"), Some("UTC"), Some(75), None, 3),
        ),
        (
            "login.txt",
            "POSTMORTEM - LOGIN OUTAGE\nDate: 21/09/2023\nTime: 09:10 - 11:40 WAT\nAffected users: roughly 40%\n",
            (Some("POSTMORTEM - LOGIN OUTAGE"), Some("2023-09-21"), Some("09:10"), Some("11:40"), Some("WAT"), Some(150), Some(40.0), 0),
        ),
        (
            "api.md",
            "## Summary\nOur API was unavailable from 23:50 on Friday 5 May 2023 until 00:35 the next day (UTC), lasting 45 minutes.\n",
            (Some("Summary"), Some("2023-05-05"), Some("23:50"), Some("00:35"), Some("UTC"), Some(45), None, 0),
        ),
        (
            "uploads.md",
            "# Incident: Image uploads failing\n\n- **Started:** 2024-10-02 14:30 PDT\n- **Resolved:** 2024-10-02 17:00 PDT\n- **Total downtime:** 2h 30m\n- **Customer impact:** 22% of uploads failed\n",
            (Some("Incident: Image uploads failing"), Some("2024-10-02"), Some("14:30"), Some("17:00"), Some("PDT"), Some(150), Some(22.0), 0),
        ),
        (
            "cache.txt",
            "Postmortem — cache cluster\nSummary: At 07:40 UTC on 9 Aug 2025 the primary cache node crashed. Service was restored at 08:55 UTC.\nTimeline\n07:40 node crash\n07:42 alerts\n08:55 service restored\n",
            (Some("Postmortem — cache cluster"), Some("2025-08-09"), Some("07:40"), Some("08:55"), Some("UTC"), Some(75), None, 3),
        ),
        (
            "db.md",
            "# Database failover\n\nOn Saturday (October 5th, 2024) at 2 a.m. CST the primary database went read-only until 3:20 a.m.\n",
            (Some("Database failover"), Some("2024-10-05"), Some("02:00"), Some("03:20"), Some("CST"), Some(80), None, 0),
        ),
        (
            "latency.md",
            "# API latency incident\n\n**Date:** 2023-12-01\n**Time:** 10:00 – 10:45 (Europe/Berlin)\n",
            (Some("API latency incident"), Some("2023-12-01"), Some("10:00"), Some("10:45"), Some("Europe/Berlin"), Some(45), None, 0),
        ),
    ];
    for (name, text, want) in cases {
        check(name, text, *want);
    }
}
