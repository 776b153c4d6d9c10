//! Fills the facts the front matter did not give from the body: window (date, start, end,
//! zone), duration, timeline, impact, action items, severity, services and tags. Each
//! fact keeps the line and rule it came from; disagreements with front matter are warnings.

use jiff::civil::{Date, Time};
use jiff::ToSpan;

use super::front::Header;
use super::timeline::Entry;
use super::when::{self, DateVal};
use super::window::{self, Statement};
use super::{actions, classify, doubt, duration, impact, timeline, zone, Line, Options};
use crate::content::Document;
use crate::diagnostic::Diagnostic;
use crate::model::{Found, IncidentMeta, Minutes, Percent, Source, Zone};

/// A time with where it came from, plus its date and zone when written with it.
struct Point {
    time: Time,
    date: Option<DateVal>,
    zone: Option<Zone>,
    source: Source,
}

pub fn fill(
    doc: &Document,
    lines: &[Line],
    header: &Header,
    opts: &Options,
    meta: &mut IncidentMeta,
    diags: &mut Vec<Diagnostic>,
) {
    let entries = timeline::find(lines);
    let tl_lines: Vec<u32> = entries.iter().map(|e| e.line).collect();
    // Times on timeline lines are events, never the statement: read there only if needed.
    let all_moments = window::all_moments(lines, &tl_lines);
    let st = window::statement(lines, &all_moments, &tl_lines);
    let ft = window::from_timeline(&entries);
    let title = meta
        .title
        .as_ref()
        .map(|t| t.value.clone())
        .unwrap_or_default();

    // Start and end.
    let point = |e: &Entry, rule: &'static str| Point {
        time: e.time.unwrap_or(Time::midnight()),
        date: e.date,
        zone: e.zone.clone(),
        source: Source::Prose { line: e.line, rule },
    };
    let (mut start, mut end) = match &st {
        Some(s) => (
            Some(Point {
                time: s.start.tok.time(),
                date: s.start.date,
                zone: s.start.zone.clone(),
                source: Source::Prose {
                    line: s.start.line,
                    rule: s.rule,
                },
            }),
            s.end.as_ref().map(|e| Point {
                time: e.tok.time(),
                date: e.date,
                zone: e.zone.clone(),
                source: Source::Prose {
                    line: e.line,
                    rule: s.rule,
                },
            }),
        ),
        None => (
            ft.start.map(|i| point(&entries[i], "timeline_start")),
            ft.end(&entries)
                .map(|i| point(&entries[i], "timeline_recovery")),
        ),
    };
    let stated = duration::stated(lines);

    // Date.
    let first_entry = ft
        .start
        .map(|i| &entries[i])
        .or(entries.iter().find(|e| e.time.is_some()));
    // The first of these that says a date, each read only when the ones before say none.
    let candidates: [&dyn Fn() -> Option<(DateVal, Source)>; 5] = [
        &|| {
            let p = start.as_ref()?;
            Some((p.date?, p.source.clone()))
        },
        &|| {
            let s: &Statement = st.as_ref()?;
            let source = Source::Prose {
                line: s.start.line,
                rule: "statement_line_date",
            };
            Some((s.line_date?, source))
        },
        &|| {
            let e = first_entry?;
            let source = Source::Prose {
                line: e.line,
                rule: "timeline_date",
            };
            Some((e.date?, source))
        },
        &|| {
            let e = first_entry?;
            let source = Source::Prose {
                line: e.line,
                rule: "timeline_heading_date",
            };
            Some((window::timeline_heading_date(lines, e.line)?, source))
        },
        &|| {
            let d = when::dates(&title).first()?.value;
            let source = meta
                .title
                .as_ref()
                .map_or(Source::derived("title"), |t| t.source.clone());
            Some((d, source))
        },
    ];
    let mut prose_date: Option<Found<Date>> = None;
    let mut chosen = candidates.iter().find_map(|c| c());
    if chosen.is_none() {
        chosen = window::first_date(lines).map(|(d, line)| {
            (
                d,
                Source::Prose {
                    line,
                    rule: "first_date",
                },
            )
        });
    }
    if let Some((v, source)) = chosen {
        let partner = end.as_ref().and_then(|e| e.date);
        match v {
            DateVal::Known(d) => prose_date = Some(Found::new(d, source)),
            DateVal::NoYear(m, d) => {
                // "November 4th" in a post published 2013-11-26: the publication's year.
                if let (true, Some(pubd)) = (header.publication_date, &meta.date) {
                    let y = pubd.value.year();
                    let guess = Date::new(y, m, d)
                        .ok()
                        .filter(|g| *g <= pubd.value)
                        .or_else(|| Date::new(y - 1, m, d).ok());
                    if let Some(g) = guess {
                        prose_date = Some(Found::new(g, source));
                    }
                }
            }
            DateVal::Ambiguous(a, b) => {
                let partner_says = match partner {
                    Some(DateVal::Ambiguous(pa, pb))
                        if pa.month() == a.month() && pb.month() != b.month() =>
                    {
                        Some(a)
                    }
                    Some(DateVal::Ambiguous(pa, pb))
                        if pb.month() == b.month() && pa.month() != a.month() =>
                    {
                        Some(b)
                    }
                    _ => None,
                };
                match partner_says.or_else(|| {
                    // Only an ambiguous date needs the rest of the document's dates.
                    let doc_dates: Vec<when::DateTok> =
                        lines.iter().filter(|l| !l.code).flat_map(|l| when::dates_hinted(l.text, l.hints)).collect();
                    window::disambiguate(v, None, &doc_dates, &title)
                }) {
                    Some(d) => {
                        // Read the window's other numeric dates the same way.
                        let day_first = d == a;
                        for p in [start.as_mut(), end.as_mut()].into_iter().flatten() {
                            if let Some(DateVal::Ambiguous(x, y)) = p.date {
                                p.date = Some(DateVal::Known(if day_first { x } else { y }));
                            }
                        }
                        prose_date = Some(Found::new(d, source));
                    }
                    None => diags.push(
                        Diagnostic::warning(
                            &doc.shown,
                            source.line().unwrap_or(0),
                            format!("ambiguous date: expected a date that reads one way, but found one that could be {a} or {b}"),
                        )
                        .with_hint("write the date as YYYY-MM-DD or spell the month out, or set `date` in the front matter"),
                    ),
                }
            }
        }
    }
    match (&meta.date, &prose_date) {
        (None, Some(d)) => meta.date = Some(d.clone()),
        (Some(f), Some(p)) if f.value != p.value => {
            if header.publication_date {
                // A blog's `date` is when the post went out; the text knows the outage day.
                meta.extra.insert(
                    "published".into(),
                    serde_json::Value::String(f.value.to_string()),
                );
                meta.date = Some(p.clone());
            } else if let Source::FrontMatter { line, key } = &f.source {
                {
                    diags.push(Diagnostic::warning(
                        &doc.shown,
                        *line,
                        format!("front matter `{key}` says {}, but the text says {} (line {}); keeping the front matter", f.value, p.value, p.source.line().unwrap_or(0)),
                    ));
                }
            }
        }
        (Some(f), None) if header.publication_date && !says_today(lines) => {
            meta.extra.insert(
                "published".into(),
                serde_json::Value::String(f.value.to_string()),
            );
            meta.date = Some(Found::new(f.value, Source::derived("the publication date")));
        }
        _ => {}
    }

    // Zone.
    let tl_zones: Vec<&Zone> = entries.iter().filter_map(|e| e.zone.as_ref()).collect();
    // Read only when the front matter gave no zone.
    let zone_pick = || -> Option<(Zone, Source)> {
        start
            .as_ref()
            .and_then(|p| p.zone.clone().map(|z| (z, p.source.clone())))
            .or_else(|| {
                end.as_ref()
                    .and_then(|p| p.zone.clone().map(|z| (z, p.source.clone())))
            })
            .or_else(|| {
                // `… until 00:35 the next day (UTC)`: one zone named on the statement's line.
                let s = st.as_ref()?;
                let line = lines.iter().find(|l| l.no == s.start.line)?;
                let zs = when::zones(line.text);
                let first = zs.first()?;
                zs.iter()
                    .all(|z| z.zone.written == first.zone.written)
                    .then(|| {
                        (
                            first.zone.clone(),
                            Source::Prose {
                                line: line.no,
                                rule: "statement_line_zone",
                            },
                        )
                    })
            })
            .or_else(|| {
                entries.iter().find_map(|e| {
                    e.zone.clone().map(|z| {
                        (
                            z,
                            Source::Prose {
                                line: e.line,
                                rule: "timeline_zone",
                            },
                        )
                    })
                })
            })
            .or_else(|| {
                window::stated_zone(lines).map(|(z, l)| {
                    (
                        z,
                        Source::Prose {
                            line: l,
                            rule: "stated_zone",
                        },
                    )
                })
            })
            .or_else(|| {
                window::first_time_zone(lines, &all_moments).map(|(z, l)| {
                    (
                        z,
                        Source::Prose {
                            line: l,
                            rule: "time_zone",
                        },
                    )
                })
            })
    };
    if meta.timezone.is_none() {
        if let Some((z, source)) = zone_pick() {
            let differs = |o: &Zone| matches!((o.offset_minutes, z.offset_minutes), (Some(a), Some(b)) if a != b);
            let against = tl_zones.iter().filter(|o| differs(o)).count();
            if st.is_some() && against * 2 > tl_zones.len() && against > 0 {
                diags.push(Diagnostic::warning(
                    &doc.shown,
                    source.line().unwrap_or(0),
                    format!("conflicting time zones: the window says `{}` but the timeline says `{}`; no zone is assumed", z.written, tl_zones[0].written),
                ));
            } else {
                meta.timezone = Some(Found::new(z, source));
            }
        }
    }

    // Duration: a strong statement, refined by an exact stated range that agrees with it
    // within 15%; else the range or timeline; else a weak statement. Strong statements that
    // disagree leave it unknown.
    let strong: Vec<&duration::Stated> = stated.iter().filter(|s| s.strong).collect();
    let conflicting = strong.windows(2).any(|w| {
        let (a, b) = (w[0].minutes as f64, w[1].minutes as f64);
        (a - b).abs() > (a.max(b) * 0.1).max(2.0)
    });
    let front_start = match &meta.start_time {
        Some(f) if f.source.kind() == "front_matter" => Some(Point {
            time: f.value,
            date: meta.date.as_ref().map(|d| DateVal::Known(d.value)),
            zone: None,
            source: f.source.clone(),
        }),
        _ => None,
    };
    // A window read off a timeline whose dated entries are out of order has no length.
    let dates_doubtful = st.is_none() && doubt::out_of_order(&entries);
    if dates_doubtful && start.is_some() && end.is_some() {
        diags.push(
            Diagnostic::warning(
                &doc.shown,
                entries.first().map_or(0, |e| e.line),
                "the timeline's dated entries are out of order; no duration is derived from them",
            )
            .with_hint("check the dates of the timeline's entries"),
        );
    }
    let range_minutes = match (front_start.as_ref().or(start.as_ref()), &end) {
        (Some(s), Some(e)) if !dates_doubtful => span_minutes(s, e),
        _ => None,
    };
    let stated_found = |s: &duration::Stated| {
        Found::new(
            Minutes::new(s.minutes),
            Source::Prose {
                line: s.line,
                rule: if s.approx { "stated_approx" } else { "stated" },
            },
        )
    };
    let mut dur: Option<Found<Minutes>> = None;
    // An approximate figure that disagrees with its own window beyond its precision.
    let approx_off = strong.first().filter(|f| {
        f.approx
            && range_minutes.is_some_and(|r| r > 0 && doubt::approximate_disagrees(f.minutes, r))
    });
    if let (Some(f), Some(r)) = (approx_off, range_minutes) {
        diags.push(
            Diagnostic::warning(
                &doc.shown,
                f.line,
                format!(
                    "the text says the outage lasted about {}, but its times say {}; no duration is assumed",
                    Minutes::new(f.minutes).human(),
                    Minutes::new(r.max(0) as u32).human()
                ),
            )
            .with_hint("give the exact figure, or `duration` in the front matter"),
        );
    }
    if let Some(first) = strong
        .first()
        .filter(|_| !conflicting && approx_off.is_none())
    {
        let explicit_range = st.as_ref().is_some_and(|s| s.end.is_some());
        dur = match range_minutes {
            Some(r)
                if explicit_range
                    && r > 0
                    && (first.minutes as f64 - r as f64).abs() <= r as f64 * 0.15
                    && r != first.minutes as i64 =>
            {
                Minutes::from_signed(r)
                    .map(|m| Found::new(m, Source::derived("the stated start and end")))
            }
            _ => Some(stated_found(first)),
        };
    } else if !conflicting && approx_off.is_none() {
        dur = range_minutes.and_then(Minutes::from_signed).map(|m| {
            Found::new(
                m,
                Source::derived(if st.is_some() {
                    "the stated start and end"
                } else {
                    "the timeline"
                }),
            )
        });
        if dur.is_none() {
            dur = stated.first().map(stated_found);
        }
        if dur.is_none() {
            if let Some(r) = ft.relative_minutes {
                dur = Minutes::from_signed(r)
                    .map(|m| Found::new(m, Source::derived("the relative timeline")));
            }
        }
    }
    // The timeline's own `Incident Start` and `Incident Resolved` marks against the stated
    // window: when they disagree, the end and the length are in doubt.
    let mut end_doubtful = false;
    if let (Some((a, b)), Some(s)) = (doubt::marked_window(&entries), st.as_ref()) {
        let clock = |t: Time| t.hour() as i64 * 60 + t.minute() as i64;
        let marked_span = span_minutes(&point(&entries[a], ""), &point(&entries[b], ""));
        let window = range_minutes.or(dur.as_ref().map(|d| d.value.get() as i64));
        let end_off = s.end.as_ref().is_some_and(|e| {
            doubt::ends_disagree(
                clock(e.tok.time()),
                clock(entries[b].time.unwrap_or(Time::midnight())),
                window.unwrap_or(0),
            )
        });
        let length_off = match (&dur, marked_span) {
            (Some(d), Some(m)) => {
                let d = d.value.get() as i64;
                (d - m).abs() > 5.max(d / 10)
            }
            _ => false,
        };
        if end_off || length_off {
            diags.push(
                Diagnostic::warning(
                    &doc.shown,
                    entries[b].line,
                    format!(
                        "the timeline marks the incident resolved at {}, which disagrees with the window the text states; no end or duration is assumed",
                        entries[b].time.map_or(String::new(), |t| t.strftime("%H:%M").to_string())
                    ),
                )
                .with_hint("make the stated window and the timeline agree"),
            );
            end = None;
            dur = None;
            end_doubtful = true;
        }
    }
    // With only a start stated, the end is the start plus the stated length, else the
    // timeline's recovery event (or the other way round when the start is the timeline's).
    if end.is_none() && !end_doubtful {
        let from_duration =
            |start: &Option<Point>, dur: &Option<Found<Minutes>>| -> Option<Point> {
                let (s, d) = (start.as_ref()?, dur.as_ref()?);
                if d.source.kind() != "prose" {
                    return None;
                }
                let t = s
                    .time
                    .to_datetime(Date::constant(2000, 1, 1))
                    .checked_add((d.value.get() as i64).minutes())
                    .ok()?;
                Some(Point {
                    time: t.time(),
                    date: None,
                    zone: None,
                    source: Source::derived("the start and the stated duration"),
                })
            };
        let from_timeline = ft.end(&entries).and_then(|i| {
            let e = &entries[i];
            let later = start
                .as_ref()
                .is_some_and(|s| e.time.is_some_and(|t| t > s.time));
            later.then(|| point(e, "timeline_recovery"))
        });
        end = from_timeline.or_else(|| from_duration(&start, &dur));
        if dur.is_none() && !conflicting {
            if let (Some(s), Some(e)) = (&start, &end) {
                dur = span_minutes(s, e)
                    .and_then(Minutes::from_signed)
                    .map(|m| Found::new(m, Source::derived("the start and the timeline")));
            }
        }
    }
    if meta.start_time.is_none() {
        if let Some(s) = &start {
            meta.start_time = Some(Found::new(s.time, s.source.clone()));
        }
    }
    if meta.end_time.is_none() {
        if let Some(e) = &end {
            meta.end_time = Some(Found::new(e.time, e.source.clone()));
            if let (Some(DateVal::Known(ed)), Some(d), false) = (e.date, &meta.date, dates_doubtful)
            {
                if ed > d.value {
                    meta.end_date = Some(Found::new(ed, e.source.clone()));
                }
            }
        }
    }
    match (&meta.duration, dur) {
        (None, Some(d)) => meta.duration = Some(d),
        (Some(f), Some(d)) if f.value != d.value && f.source.kind() == "front_matter" => {
            diags.push(Diagnostic::warning(
                &doc.shown,
                f.source.line().unwrap_or(0),
                format!("front matter says the outage lasted {}, but the text says {} ({}); keeping the front matter", f.value.human(), d.value.human(), d.source),
            ));
        }
        _ => {}
    }

    // Detection time, when the instant can be placed.
    if meta.detected_at.is_none() {
        if let (Some(d), Some(z)) = (
            &meta.date,
            meta.timezone
                .as_ref()
                .and_then(|z| zone::time_zone(&z.value)),
        ) {
            if let Some(e) = entries
                .iter()
                .find(|e| e.time.is_some() && is_detection(&e.text))
            {
                if let Ok(ts) = d.value.to_datetime(e.time.unwrap()).to_zoned(z) {
                    meta.detected_at = Some(Found::new(
                        ts.timestamp(),
                        Source::Prose {
                            line: e.line,
                            rule: "timeline_detection",
                        },
                    ));
                }
            }
        }
    }

    // The timeline itself, last: the rules above read the entries' texts.
    if meta.timeline.is_empty() {
        meta.timeline = entries
            .into_iter()
            .filter(|e| e.counted)
            .map(Entry::into_public)
            .collect();
    }

    // Impact.
    let imp = impact::find(lines);
    if meta.impact_percent.is_none() {
        if let Some((p, line)) = imp.percent {
            meta.impact_percent = Percent::new(p).map(|p| {
                Found::new(
                    p,
                    Source::Prose {
                        line,
                        rule: "share_of_users",
                    },
                )
            });
        }
    }
    if meta.impact.is_none() {
        meta.impact = imp.sentence.map(|(s, line)| {
            Found::new(
                s,
                Source::Prose {
                    line,
                    rule: "impact_sentence",
                },
            )
        });
    }
    if meta.affected_users.is_none() {
        meta.affected_users = imp.users.map(|(n, line)| {
            Found::new(
                n,
                Source::Prose {
                    line,
                    rule: "user_count",
                },
            )
        });
    }
    if meta.action_items.is_empty() {
        meta.action_items = actions::find(lines);
    }
    if meta.severity.is_none() {
        meta.severity = classify::severity(lines, &title);
    }
    if meta.services.is_empty() {
        meta.services = classify::services(lines, opts.config);
    }
    if meta.tags.iter().all(|t| t.source.kind() != "front_matter") || opts.config.auto_tags {
        let summary = meta.summary.as_ref().map(|s| s.value.as_str());
        for t in classify::tags(&doc.body, lines, opts.config, &title, summary) {
            if !meta
                .tags
                .iter()
                .any(|x| x.value.eq_ignore_ascii_case(&t.value))
            {
                meta.tags.push(t);
            }
        }
    }
}

/// Minutes from `s` to `e`, across days when both dates are known, else across midnight.
fn span_minutes(s: &Point, e: &Point) -> Option<i64> {
    if let (Some(DateVal::Known(sd)), Some(DateVal::Known(ed))) = (s.date, e.date) {
        let a = sd.to_datetime(s.time);
        let b = ed.to_datetime(e.time);
        let span = a.until((jiff::Unit::Minute, b)).ok()?;
        let mins = span.get_minutes();
        if mins >= 0 {
            return Some(mins);
        }
    }
    let a = s.time.hour() as i64 * 60 + s.time.minute() as i64;
    let b = e.time.hour() as i64 * 60 + e.time.minute() as i64;
    Some(if b >= a { b - a } else { b + 1440 - a })
}

/// True when `text` says `detect`, `alert`, `noticed`, `paged`, `reported` or `monitoring`
/// (any case): one pass, each word checked where its first letter is.
fn is_detection(text: &str) -> bool {
    let b = text.as_bytes();
    let at = |i: usize, w: &[u8]| {
        b.get(i..i + w.len())
            .is_some_and(|x| x.eq_ignore_ascii_case(w))
    };
    (0..b.len()).any(|i| match b[i] | 0x20 {
        b'd' => at(i, b"detect"),
        b'a' => at(i, b"alert"),
        b'n' => at(i, b"noticed"),
        b'p' => at(i, b"paged"),
        b'r' => at(i, b"reported"),
        b'm' => at(i, b"monitoring"),
        _ => false,
    })
}

fn says_today(lines: &[Line]) -> bool {
    lines.iter().any(|l| {
        let t = l.text.to_ascii_lowercase();
        t.contains(" today")
            || t.contains("this morning")
            || t.contains("tonight")
            || t.contains("earlier today")
    })
}
