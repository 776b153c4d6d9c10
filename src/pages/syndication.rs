//! Feed and calendar outputs: `atom.xml`, `feed.json`, `incidents.ics`, and an Atom feed per
//! taxonomy term (`tags/<term>/atom.xml`).

use crate::archive::Archive;
use crate::config::Config;
use crate::feeds::{atom, ics, json_feed, Content, Entry};
use crate::output::SiteOutput;
use crate::views::Card;

fn entries<'a>(
    archive: &'a Archive,
    config: &Config,
    cards: &[Card],
    members: impl Iterator<Item = usize>,
) -> Vec<Entry<'a>> {
    let limit = if config.feeds.limit == 0 {
        usize::MAX
    } else {
        config.feeds.limit
    };
    members
        .take(limit)
        .map(|i| Entry {
            incident: &archive.incidents[i],
            permalink: format!("{}{}", config.base_url(), cards[i].url),
            summary: cards[i].summary.clone(),
        })
        .collect()
}

fn generator() -> String {
    format!("inquest {}", env!("CARGO_PKG_VERSION"))
}

pub(super) fn render(out: &mut SiteOutput, archive: &Archive, config: &Config, cards: &[Card]) {
    let base = config.base_url();
    let all = entries(archive, config, cards, 0..archive.incidents.len());
    out.add(
        "atom.xml",
        atom(
            &config.title,
            &config.description,
            &format!("{base}atom.xml"),
            &base,
            &generator(),
            &all,
            Content::Full,
        ),
    );
    out.add(
        "feed.json",
        json_feed(
            &config.title,
            &config.description,
            &base,
            &format!("{base}feed.json"),
            &config.language,
            &all,
        ),
    );
    // The calendar holds every incident, not only the newest.
    let every: Vec<Entry> = (0..archive.incidents.len())
        .map(|i| Entry {
            incident: &archive.incidents[i],
            permalink: format!("{base}{}", cards[i].url),
            summary: cards[i].summary.clone(),
        })
        .collect();
    let host = base
        .split("://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .filter(|h| !h.is_empty())
        .unwrap_or("inquest.local");
    out.add("incidents.ics", ics(&config.title, host, &every));
}

pub(super) fn term_feed(
    out: &mut SiteOutput,
    archive: &Archive,
    config: &Config,
    cards: &[Card],
    title: &str,
    term_url: &str,
    members: &[usize],
) {
    let base = config.base_url();
    let list = entries(archive, config, cards, members.iter().copied());
    out.add(
        format!("{term_url}atom.xml"),
        atom(
            &format!("{} · {title}", config.title),
            "",
            &format!("{base}{term_url}atom.xml"),
            &format!("{base}{term_url}"),
            &generator(),
            &list,
            Content::Summary,
        ),
    );
}
