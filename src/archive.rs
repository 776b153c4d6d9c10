//! Assembly: incidents become an `Archive` — sorted newest first, grouped into taxonomy terms,
//! with prev/next neighbours and duration statistics. Pure and cheap: `serve` recomputes it
//! from cached incidents after every edit.

use crate::diagnostic::Diagnostic;
use crate::model::{Incident, Minutes, Slug};
use crate::record::Record;
use crate::stats::{summarise, DurationSummary};

#[derive(Debug, Clone)]
pub struct Term {
    /// Display name (the first spelling met in archive order).
    pub name: String,
    pub slug: Slug,
    /// Indices into `Archive::incidents`, in archive order.
    pub members: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// `tags`, `services`, or a site-declared name.
    pub name: String,
    /// Sorted by name.
    pub terms: Vec<Term>,
}

#[derive(Debug, Clone)]
pub struct Archive {
    /// Newest first; undated postmortems last, by title.
    /// Shared with the build cache, so a rebuild does not copy unchanged incidents.
    pub incidents: Vec<std::sync::Arc<Incident>>,
    /// `incidents.json` records, parallel to `incidents`.
    pub records: Vec<std::sync::Arc<Record>>,
    pub taxonomies: Vec<Taxonomy>,
    pub durations: DurationSummary,
    /// Internal postmortems in this edition (set by the build after assembly).
    pub editions: crate::edition::Facts,
}

/// Values of taxonomy `name` for one incident.
pub fn terms_of<'a>(inc: &'a Incident, name: &str) -> Vec<&'a str> {
    match name {
        "tags" => inc.meta.tags.iter().map(|f| f.value.as_str()).collect(),
        "services" => inc.meta.services.iter().map(|f| f.value.as_str()).collect(),
        other => inc
            .meta
            .extra
            .get(other)
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default(),
    }
}

pub fn assemble(
    mut incidents: Vec<std::sync::Arc<Incident>>,
    taxonomies: &[String],
) -> (Archive, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    incidents.sort_by(|a, b| {
        let key = |i: &Incident| {
            (
                i.meta.date.as_ref().map(|d| d.value),
                i.meta.start_time.as_ref().map(|t| t.value),
            )
        };
        // Dated before undated, newest first; then title and path for a total order.
        match (key(a), key(b)) {
            ((Some(_), _), (None, _)) => std::cmp::Ordering::Less,
            ((None, _), (Some(_), _)) => std::cmp::Ordering::Greater,
            (ka, kb) => kb.cmp(&ka),
        }
        .then_with(|| a.meta.title().cmp(b.meta.title()))
        .then_with(|| a.source.cmp(&b.source))
    });

    let mut taxes = Vec::new();
    // Few distinct values, each on many incidents: make each one's slug once.
    let mut slugs: std::collections::HashMap<&str, Option<Slug>> = Default::default();
    for name in taxonomies {
        // Slug → index in `terms`; the terms are sorted by name below.
        let mut by_slug: std::collections::HashMap<Slug, usize> = Default::default();
        let mut terms: Vec<Term> = Vec::new();
        for (idx, inc) in incidents.iter().enumerate() {
            for value in terms_of(inc, name) {
                if !slugs.contains_key(value) {
                    slugs.insert(value, Slug::from_text(value));
                }
                let Some(Some(slug)) = slugs.get(value) else {
                    diags.push(Diagnostic::warning(
                        inc.source.clone(),
                        0,
                        format!("{name} value `{value}` has no letters or digits to make a page name of; left out"),
                    ));
                    continue;
                };
                let at = match by_slug.get(slug) {
                    Some(&at) => at,
                    None => {
                        terms.push(Term {
                            name: value.to_string(),
                            slug: slug.clone(),
                            members: Vec::new(),
                        });
                        by_slug.insert(slug.clone(), terms.len() - 1);
                        terms.len() - 1
                    }
                };
                let term = &mut terms[at];
                if term.members.last() != Some(&idx) {
                    term.members.push(idx);
                }
            }
        }
        terms.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then(a.slug.cmp(&b.slug))
        });
        taxes.push(Taxonomy {
            name: name.clone(),
            terms,
        });
    }

    let durations = summarise(
        incidents
            .iter()
            .filter_map(|i| i.meta.duration.as_ref().map(|d| d.value)),
    );
    let records = {
        use rayon::prelude::*;
        incidents.par_iter().map(|i| i.record()).collect()
    };
    (
        Archive {
            incidents,
            records,
            taxonomies: taxes,
            durations,
            editions: Default::default(),
        },
        diags,
    )
}

impl Archive {
    /// The longest incidents, longest first.
    pub fn longest(&self, n: usize) -> Vec<(usize, Minutes)> {
        let mut v: Vec<(usize, Minutes)> = self
            .incidents
            .iter()
            .enumerate()
            .filter_map(|(i, inc)| inc.meta.duration.as_ref().map(|d| (i, d.value)))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(n);
        v
    }
}
