//! Report pages: statistics (`stats/`), status history (`history/`) and the action-item
//! ledger (`actions/`), plus the calendar strip on the home page.

use jiff::civil::Date;
use serde::Serialize;

use super::{Ctx, Renderer};
use crate::archive::Archive;
use crate::charts::{bar_chart, ecdf_chart, Bar, NARROW, WIDE};
use crate::config::{Config, ShadeBy};
use crate::history::{self, CalendarMonth, Day};
use crate::model::{ActionItem, Minutes, Slug};
use crate::stats::{report, DurationSummary, Group, Report};
use crate::views::{Base, Card};

pub const PERCENTILE_DEFINITION: &str =
    "nearest rank: the smallest duration with at least p% of the incidents at or below it";

/// The last day of the history views: configured, or the newest incident's date (so two
/// builds of the same archive are identical whatever the day).
pub(super) fn reference_day(archive: &Archive, config: &Config) -> Date {
    if let Ok(Some(d)) = config.history_end() {
        return d;
    }
    archive
        .incidents
        .iter()
        .filter_map(|i| i.meta.date.as_ref().map(|d| d.value))
        .max()
        .unwrap_or(jiff::civil::date(1970, 1, 1))
}

fn shade_text(shade: ShadeBy) -> (&'static str, [&'static str; 5]) {
    match shade {
        ShadeBy::Downtime => (
            "total downtime that day",
            [
                "no incident",
                "under 30 min or unknown",
                "30 min – 2 h",
                "2–8 h",
                "8 h or more",
            ],
        ),
        ShadeBy::Severity => (
            "worst severity that day",
            ["no incident", "SEV4 or unknown", "SEV3", "SEV2", "SEV1"],
        ),
    }
}

#[derive(Serialize)]
pub(super) struct Strip {
    days: Vec<Day>,
    days_with_incidents: usize,
    n: usize,
    first: String,
    last: String,
    shaded_by: &'static str,
    legend: [&'static str; 5],
}

pub(super) fn strip(archive: &Archive, config: &Config, end: Date) -> Strip {
    let days = history::days(
        &archive.incidents,
        end,
        config.history.days,
        config.history.shade_by,
    );
    let (shaded_by, legend) = shade_text(config.history.shade_by);
    Strip {
        days_with_incidents: days.iter().filter(|d| d.count > 0).count(),
        n: days.len(),
        first: days.first().map(|d| d.label.clone()).unwrap_or_default(),
        last: days.last().map(|d| d.label.clone()).unwrap_or_default(),
        days,
        shaded_by,
        legend,
    }
}

#[derive(Serialize)]
struct GroupView {
    name: String,
    url: Option<String>,
    count: usize,
    durations: DurationSummary,
    longest: Option<Card>,
}

#[derive(Serialize)]
struct Charts {
    buckets: String,
    ecdf: String,
    months: String,
}

#[derive(Serialize)]
struct StatsPage<'a> {
    #[serde(flatten)]
    base: Base<'a>,
    report: Report,
    longest: Vec<Card>,
    by_tag: Vec<GroupView>,
    by_service: Vec<GroupView>,
    by_severity: Vec<GroupView>,
    charts: Charts,
    percentile_definition: &'static str,
    /// The mean, rounded to whole minutes, only ever shown labelled as the mean.
    mean_minutes: Option<u32>,
    actions_open: usize,
    actions_done: usize,
    /// Which postmortems the figures cover (public, internal, both).
    coverage: crate::edition::Coverage,
}

#[derive(Serialize)]
struct MonthView {
    key: String,
    label: String,
    postmortems: Vec<Card>,
}

#[derive(Serialize)]
struct HistoryPage<'a> {
    #[serde(flatten)]
    base: Base<'a>,
    months: Vec<MonthView>,
    /// Empty on the page of one year (`history/2023/`).
    calendar: Vec<CalendarMonth>,
    /// The year of a year page.
    year: Option<i16>,
    /// Every year with incidents, newest first, each with its page.
    years: Vec<HistoryYear>,
    shaded_by: &'static str,
    legend: [&'static str; 5],
    last: String,
}

#[derive(Serialize, Clone)]
struct HistoryYear {
    year: i16,
    /// Relative to the site root (`history/2023/`).
    url: String,
    count: usize,
}

#[derive(Serialize, Clone)]
struct ActionGroup {
    pm: Card,
    items: Vec<ActionItem>,
    open: usize,
    /// Days from the incident to the reference day.
    age_days: Option<i32>,
}

#[derive(Serialize)]
struct ActionsPage<'a> {
    #[serde(flatten)]
    base: Base<'a>,
    /// This page's postmortems with their action items (`paginate_by` to a page).
    groups: Vec<ActionGroup>,
    /// Postmortems with action items, on all pages.
    postmortems: usize,
    pager: Option<super::Pager>,
    open: usize,
    done: usize,
    as_of: String,
}

fn groups(g: &[Group], taxonomy: Option<&str>, cards: &[Card]) -> Vec<GroupView> {
    g.iter()
        .map(|g| GroupView {
            url: taxonomy.and_then(|t| Slug::from_text(&g.name).map(|s| format!("{t}/{s}/"))),
            name: g.name.clone(),
            count: g.count,
            durations: g.durations.clone(),
            // Anonymous internal postmortems (past the cards) are counted, never named.
            longest: g.longest.and_then(|i| cards.get(i).cloned()),
        })
        .collect()
}

pub(super) fn render(
    r: &mut Renderer,
    ctx: &Ctx,
    archive: &Archive,
    config: &Config,
    cards: &[Card],
    end: Date,
) {
    // `public_stats = "all"`: the figures also count anonymous internal postmortems.
    let with_internal: Vec<std::sync::Arc<crate::model::Incident>>;
    let sample = if archive.editions.counted.is_empty() {
        &archive.incidents
    } else {
        with_internal = [&archive.incidents[..], &archive.editions.counted[..]].concat();
        &with_internal
    };
    let rep = report(sample);
    let has_tax = |t: &'static str| config.taxonomies.iter().any(|x| x == t).then_some(t);
    let bucket_bars: Vec<Bar> = rep
        .buckets
        .iter()
        .map(|b| Bar {
            label: b.label.to_string(),
            value: b.count as f64,
            tip: format!(
                "{}: {} incident{}",
                b.label,
                b.count,
                if b.count == 1 { "" } else { "s" }
            ),
        })
        .collect();
    let month_bars: Vec<Bar> = rep
        .months
        .iter()
        .map(|p| Bar {
            label: p.label.clone(),
            value: p.count as f64,
            tip: format!(
                "{}: {} incident{}, {} downtime",
                p.label,
                p.count,
                if p.count == 1 { "" } else { "s" },
                Minutes::new(u32::try_from(p.downtime_minutes).unwrap_or(u32::MAX)).human()
            ),
        })
        .collect();
    let ecdf_points: Vec<(u32, f64)> = rep.ecdf.iter().map(|p| (p.minutes, p.share)).collect();
    let n = rep.with_duration;
    let charts = Charts {
        buckets: bar_chart(
            NARROW,
            "chart-buckets",
            "Incidents by duration",
            &format!("Number of incidents in each duration range, for the {n} incidents whose duration is known."),
            &bucket_bars,
            "incidents",
        ),
        ecdf: ecdf_chart(
            "chart-ecdf",
            "Cumulative distribution of incident durations",
            &format!("Share of the {n} incidents with a known duration that lasted at most a given time, on a logarithmic time axis."),
            &ecdf_points,
        ),
        months: bar_chart(
            WIDE,
            "chart-months",
            "Incidents per month",
            "Number of incidents that started in each month, months without incidents included.",
            &month_bars,
            "incidents",
        ),
    };
    let (open, done) = archive
        .incidents
        .iter()
        .flat_map(|i| &i.meta.action_items)
        .fold(
            (0, 0),
            |(o, d), a| {
                if a.done {
                    (o, d + 1)
                } else {
                    (o + 1, d)
                }
            },
        );
    let view = StatsPage {
        base: ctx.base(
            "stats",
            "Statistics",
            "stats/",
            "Incident duration statistics",
        ),
        longest: rep
            .longest
            .iter()
            .filter_map(|&i| cards.get(i).cloned())
            .collect(),
        by_tag: groups(&rep.by_tag, has_tax("tags"), cards),
        by_service: groups(&rep.by_service, has_tax("services"), cards),
        by_severity: groups(&rep.by_severity, None, cards),
        charts,
        percentile_definition: PERCENTILE_DEFINITION,
        mean_minutes: rep.durations.mean.map(|m| m.round() as u32),
        actions_open: open,
        actions_done: done,
        coverage: crate::edition::coverage(config.edition, &archive.incidents, &archive.editions),
        report: rep,
    };
    r.page("stats/index.html", "stats.html", &view);

    let (shaded_by, legend) = shade_text(config.history.shade_by);
    // The history page covers the twelve months of its calendar; every year (including
    // the current one, whole) also has a page of its own, so the page stays small however
    // long the archive.
    let mut months: Vec<MonthView> = history::months(&archive.incidents, end)
        .into_iter()
        .map(|m| MonthView {
            key: m.key,
            label: m.label,
            postmortems: m.members.iter().map(|&i| cards[i].clone()).collect(),
        })
        .collect();
    let year_of = |m: &MonthView| m.key[..4].parse::<i16>().unwrap_or_default();
    let mut years: Vec<HistoryYear> = Vec::new();
    for m in &months {
        let y = year_of(m);
        match years.last_mut() {
            Some(last) if last.year == y => last.count += m.postmortems.len(),
            _ => years.push(HistoryYear {
                year: y,
                url: format!("history/{y}/"),
                count: m.postmortems.len(),
            }),
        }
    }
    for y in &years {
        let view = HistoryPage {
            base: ctx.base(
                "history",
                &format!("History: {}", y.year),
                &y.url,
                &format!("Incident history of {} by month", y.year),
            ),
            months: months
                .iter()
                .filter(|m| year_of(m) == y.year)
                .map(|m| MonthView {
                    key: m.key.clone(),
                    label: m.label.clone(),
                    postmortems: m.postmortems.clone(),
                })
                .collect(),
            calendar: Vec::new(),
            year: Some(y.year),
            years: years.clone(),
            shaded_by: "",
            legend: Default::default(),
            last: end.strftime("%-d %B %Y").to_string(),
        };
        r.page(&format!("{}index.html", y.url), "history.html", &view);
    }
    months.truncate(12);
    let view = HistoryPage {
        base: ctx.base(
            "history",
            "History",
            "history/",
            "Incident history by month",
        ),
        months,
        calendar: history::calendar(&archive.incidents, end, config.history.shade_by),
        year: None,
        years,
        shaded_by,
        legend,
        last: end.strftime("%-d %B %Y").to_string(),
    };
    r.page("history/index.html", "history.html", &view);

    let groups: Vec<ActionGroup> = archive
        .incidents
        .iter()
        .enumerate()
        .filter(|(_, inc)| !inc.meta.action_items.is_empty())
        .map(|(i, inc)| ActionGroup {
            pm: cards[i].clone(),
            open: inc.meta.action_items.iter().filter(|a| !a.done).count(),
            items: inc.meta.action_items.clone(),
            age_days: inc
                .meta
                .date
                .as_ref()
                .and_then(|d| d.value.until(end).ok())
                .map(|s| s.get_days()),
        })
        .collect();
    let postmortems = groups.len();
    let pages = super::paginate(&groups, config.paginate_by);
    let total = pages.len();
    for (k, page) in pages.into_iter().enumerate() {
        let number = k + 1;
        let url = super::page_url("actions/", number);
        let title = if number == 1 {
            "Action items".to_string()
        } else {
            format!("Action items (page {number} of {total})")
        };
        let view = ActionsPage {
            base: ctx.base(
                "actions",
                &title,
                &url,
                "Follow-up actions from every postmortem",
            ),
            groups: page.to_vec(),
            postmortems,
            pager: super::pager("actions/", number, total),
            open,
            done,
            as_of: end.strftime("%-d %B %Y").to_string(),
        };
        r.page(&format!("{url}index.html"), "actions.html", &view);
    }
}
