//! The Markdown pass: plain-text structure recognition (`structure`), then pulldown-cmark with
//! tables, footnotes, strikethrough and task lists; headings get ids, fenced code goes through
//! `highlight`, and the plain text, table of contents and relative links are collected on the
//! way. Raw HTML is sanitised unless the site allows it. Internal passages the internal
//! edition keeps (`<!-- internal -->` … `<!-- /internal -->`) become a marked block.

pub mod structure;

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::content::fences::{self, Marker};
use crate::content::Kind;
use crate::highlight;
use crate::model::TocEntry;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rendered {
    pub html: String,
    /// Text without markup, blocks separated by newlines.
    pub plain: String,
    pub toc: Vec<TocEntry>,
    /// Relative link and image targets (for attachments).
    pub links: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Pass raw HTML through unsanitised (`unsafe_html` in site.toml).
    pub unsafe_html: bool,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// How the internal edition marks an internal passage: a labelled note, styled by the theme.
pub const INTERNAL_OPEN: &str = "<div class=\"internal\" role=\"note\" aria-label=\"Internal passage\">\n<p class=\"internal-label\">Internal</p>\n";
pub const INTERNAL_CLOSE: &str = "</div>\n";

/// Renders a postmortem body. `title` is the page title (a leading repeat of it is dropped).
pub fn render(body: &str, kind: Kind, title: Option<&str>, opts: RenderOptions) -> Rendered {
    let source = structure::recognise(body, kind, title);
    let mut out = Rendered::default();
    let mut events: Vec<Event> = Vec::new();
    let mut ids = Ids::default();
    let mut has_raw_html = false;

    let mut heading: Option<(HeadingLevel, Option<CowStr>, Vec<Event>, String)> = None;
    let mut code: Option<(String, String)> = None;
    // Internal passages: the nesting depth each opened at. A passage that closes at another
    // depth (opened in a list item, closed after the list) makes the HTML overlap; it is then
    // repaired by the sanitiser.
    let mut depth: usize = 0;
    let mut internal: Vec<usize> = Vec::new();
    let mut overlapping = false;

    for ev in Parser::new_ext(&source, options()) {
        match &ev {
            Event::Start(t) if !matches!(t, Tag::HtmlBlock) => depth += 1,
            Event::End(t) if !matches!(t, TagEnd::HtmlBlock) => depth = depth.saturating_sub(1),
            _ => {}
        }
        if let Some((_, buf)) = code.as_mut() {
            match ev {
                Event::Text(t) => buf.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, text) = code.take().unwrap_or_default();
                    let inner = highlight::highlight(&text, &lang);
                    let class = if lang.is_empty() {
                        String::new()
                    } else {
                        format!(" class=\"language-{}\"", highlight::escape(&lang))
                    };
                    events.push(Event::Html(
                        format!("<pre class=\"code\"><code{class}>{inner}</code></pre>\n").into(),
                    ));
                    out.plain.push_str(&text);
                    out.plain.push('\n');
                }
                _ => {}
            }
            continue;
        }
        if let Some((_, _, inner, text)) = heading.as_mut() {
            match ev {
                Event::End(TagEnd::Heading(_)) => {
                    let (level, id, mut inner, mut text) =
                        heading
                            .take()
                            .unwrap_or((HeadingLevel::H2, None, vec![], String::new()));
                    // `## Timeline:` reads as `Timeline`: a pseudo-heading's colon is not part of it.
                    if let Some(Event::Text(t)) = inner.last_mut() {
                        if t.trim_end().ends_with(':') {
                            *t = t
                                .trim_end()
                                .trim_end_matches(':')
                                .trim_end()
                                .to_string()
                                .into();
                            text = text.trim_end().trim_end_matches(':').to_string();
                        }
                    }
                    let id = unique_id(
                        id.as_deref().map_or_else(|| slugify(&text), String::from),
                        &mut ids,
                    );
                    let lvl = level as u8;
                    let mut html = String::new();
                    pulldown_cmark::html::push_html(&mut html, inner.into_iter());
                    events.push(Event::Html(
                        format!("<h{lvl} id=\"{id}\">{html}</h{lvl}>\n").into(),
                    ));
                    out.toc.push(TocEntry {
                        level: lvl,
                        id,
                        title: text.trim().to_string(),
                    });
                    out.plain.push_str(text.trim());
                    out.plain.push('\n');
                }
                Event::Text(ref t) | Event::Code(ref t) => {
                    text.push_str(t);
                    inner.push(ev);
                }
                Event::Html(_) | Event::InlineHtml(_) => {
                    has_raw_html = true;
                    inner.push(ev);
                }
                other => inner.push(other),
            }
            continue;
        }
        match ev {
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some((level, id, Vec::new(), String::new()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(l) => {
                        l.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Start(Tag::Link { ref dest_url, .. })
            | Event::Start(Tag::Image { ref dest_url, .. }) => {
                if is_relative(dest_url) {
                    out.links.push(dest_url.to_string());
                }
                if !safe_url(dest_url) {
                    has_raw_html = true;
                }
                events.push(ev);
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                out.plain.push_str(t);
                events.push(ev);
            }
            Event::SoftBreak | Event::HardBreak => {
                out.plain.push(' ');
                events.push(ev);
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                out.plain.push('\n');
                events.push(ev);
            }
            Event::Html(ref h) if fences::marker(h) == Some(Marker::Open) => {
                internal.push(depth);
                events.push(Event::Html(INTERNAL_OPEN.into()));
            }
            Event::Html(ref h) if fences::marker(h) == Some(Marker::Close) => {
                if let Some(at) = internal.pop() {
                    overlapping |= at != depth;
                    events.push(Event::Html(INTERNAL_CLOSE.into()));
                }
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                has_raw_html = true;
                events.push(ev);
            }
            other => events.push(other),
        }
    }
    // A passage never closed runs to the end.
    for _ in internal.drain(..) {
        events.push(Event::Html(INTERNAL_CLOSE.into()));
    }
    let mut html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    out.html = if (has_raw_html && !opts.unsafe_html) || overlapping {
        sanitise(&html)
    } else {
        html
    };
    out
}

/// Relative link and image targets in `text` (Markdown or plain text), without rendering it:
/// the attachments an internal passage or postmortem links to.
pub fn links(text: &str) -> Vec<String> {
    Parser::new_ext(text, options())
        .filter_map(|ev| match ev {
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. })
                if is_relative(&dest_url) =>
            {
                Some(dest_url.to_string())
            }
            _ => None,
        })
        .collect()
}

/// Removes scripts, event handlers and dangerous URLs; keeps the markup Markdown makes and
/// the classes and ids inquest adds.
pub fn sanitise(html: &str) -> String {
    ammonia::Builder::default()
        .add_generic_attributes(["class", "id", "align"])
        .add_tags([
            "input",
            "details",
            "summary",
            "figure",
            "figcaption",
            "mark",
        ])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("ol", ["start"])
        .add_tag_attributes("div", ["role", "aria-label"])
        .link_rel(Some("noopener noreferrer"))
        .clean(html)
        .to_string()
}

fn is_relative(url: &str) -> bool {
    !url.is_empty()
        && !url.starts_with('#')
        && !url.starts_with('/')
        && !url.contains("://")
        && !url.starts_with("mailto:")
        && !url.starts_with("data:")
        && !url.to_ascii_lowercase().starts_with("javascript:")
}

fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.split_once(':') {
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => {
            matches!(scheme, "http" | "https" | "mailto" | "tel")
        }
        _ => true,
    }
}

/// GitHub-style heading ids: lowercase, spaces to dashes, punctuation dropped.
pub fn slugify(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            s.extend(c.to_lowercase());
        } else if (c == ' ' || c == '-' || c == '_') && !s.ends_with('-') {
            s.push('-');
        }
    }
    let s = s.trim_matches('-').to_string();
    if s.is_empty() {
        "section".into()
    } else {
        s
    }
}

/// Ids already used, and for each base the next suffix to try: a document with thousands of
/// `## Update` headings stays linear.
#[derive(Default)]
struct Ids {
    used: HashSet<String>,
    next: HashMap<String, usize>,
}

fn unique_id(base: String, ids: &mut Ids) -> String {
    let base = highlight::escape(&base);
    if ids.used.insert(base.clone()) {
        return base;
    }
    let n = ids.next.entry(base.clone()).or_insert(1);
    loop {
        let candidate = format!("{base}-{n}");
        *n += 1;
        if ids.used.insert(candidate.clone()) {
            return candidate;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(s: &str) -> Rendered {
        render(s, Kind::Markdown, None, RenderOptions::default())
    }

    #[test]
    fn headings_get_unique_ids_and_toc() {
        let r = md("## Timeline:\n\n## Timeline\n\n### Root *cause*\n");
        assert!(
            r.html.contains("<h2 id=\"timeline\">Timeline</h2>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<h2 id=\"timeline-1\">"));
        assert!(
            r.html
                .contains("<h3 id=\"root-cause\">Root <em>cause</em></h3>"),
            "{}",
            r.html
        );
        assert_eq!(r.toc.len(), 3);
    }

    #[test]
    fn code_is_highlighted_with_classes() {
        let r = md("```sql\nSELECT 1;\n```\n");
        assert!(r
            .html
            .contains("<pre class=\"code\"><code class=\"language-sql\">"));
        assert!(r.html.contains("hl-"));
        assert!(r.plain.contains("SELECT 1;"));
    }

    #[test]
    fn extensions_are_enabled() {
        let r = md("| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~old~~ text[^1]\n\n[^1]: note\n");
        for needle in ["<table>", "type=\"checkbox\"", "<del>old</del>", "footnote"] {
            assert!(r.html.contains(needle), "{needle}: {}", r.html);
        }
    }

    #[test]
    fn scripts_and_handlers_never_pass() {
        let r = md("<script>alert(1)</script>\n\n<img src=x onerror=\"alert(1)\">\n\n[x](javascript:alert(1))\n");
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("onerror"), "{}", r.html);
        assert!(!r.html.contains("javascript:"), "{}", r.html);
        let unsafe_r = render(
            "<b onclick=x>hi</b>\n",
            Kind::Markdown,
            None,
            RenderOptions { unsafe_html: true },
        );
        assert!(unsafe_r.html.contains("onclick"));
    }

    #[test]
    fn internal_passages_become_a_labelled_note() {
        for (kind, src) in [
            (
                Kind::Markdown,
                "Public.\n<!-- internal -->\n- 10:05 secret step\n<!-- /internal -->\nAfter.\n",
            ),
            (
                Kind::Text,
                "Public.\n<!-- internal -->\nSecret step.\n<!-- /internal -->\nAfter.\n",
            ),
        ] {
            let r = render(src, kind, None, RenderOptions::default());
            let doc = scraper::Html::parse_fragment(&r.html);
            let sel = scraper::Selector::parse("div.internal[role=note][aria-label]").unwrap();
            let notes: Vec<_> = doc.select(&sel).collect();
            assert_eq!(notes.len(), 1, "{kind:?}: {}", r.html);
            let text: String = notes[0].text().collect();
            assert!(
                text.contains("Internal") && text.to_lowercase().contains("secret"),
                "{text}"
            );
            assert!(
                !text.contains("After") && !text.contains("Public"),
                "{text}"
            );
        }
    }

    #[test]
    fn an_internal_passage_closed_outside_its_list_still_makes_well_formed_html() {
        let r = md("- one\n  <!-- internal -->\n  secret\n\n<!-- /internal -->\nAfter.\n");
        assert_eq!(
            r.html.matches("<div").count(),
            r.html.matches("</div>").count(),
            "{}",
            r.html
        );
        let unclosed = md("a\n<!-- internal -->\nsecret\n");
        assert!(
            unclosed.html.trim_end().ends_with("</div>"),
            "{}",
            unclosed.html
        );
    }

    #[test]
    fn links_are_found_without_rendering() {
        assert_eq!(
            links("See ![d](secret.svg) and [x](https://a.org), [n](notes/a.pdf)\n"),
            ["secret.svg", "notes/a.pdf"]
        );
    }

    #[test]
    fn relative_links_are_collected() {
        let r = md("![d](diagram.svg) [a](https://x.org) [b](#top) [c](notes/a.pdf)\n");
        assert_eq!(r.links, ["diagram.svg", "notes/a.pdf"]);
    }

    #[test]
    fn plain_text_bullets_become_list_items() {
        let r = render(
            "Timeline\n•\t10:00 AM: alert\n•\t10:30 AM: fixed\n",
            Kind::Text,
            None,
            RenderOptions::default(),
        );
        assert!(
            r.html.contains("<h2 id=\"timeline\">Timeline</h2>"),
            "{}",
            r.html
        );
        assert_eq!(r.html.matches("<li>").count(), 2, "{}", r.html);
    }
}
