//! What `serve` adds to pages, and only `serve`: the live-reload script with its error
//! overlay, and the writer's panel — every extracted field of a postmortem with its value and
//! provenance, and the warnings for its file. Self-contained HTML, CSS and JS, so it works
//! with any theme.

use std::fmt::Write;

use crate::diagnostic::Diagnostic;
use crate::highlight::escape;
use crate::model::{Found, Incident};

pub const LIVE_JS_PATH: &str = "/__inquest/live.js";
pub const EVENTS_PATH: &str = "/__inquest/events";
pub const STATE_PATH: &str = "/__inquest/state";

/// Reloads the page after a rebuild; shows an overlay while the last rebuild failed.
pub const LIVE_JS: &str = r#"(() => {
  const OVERLAY = "inquest-overlay";
  function hide() { const o = document.getElementById(OVERLAY); if (o) o.remove(); }
  function show(state) {
    hide();
    if (!state || !state.errors || state.errors.length === 0) return;
    const o = document.createElement("div");
    o.id = OVERLAY;
    o.setAttribute("role", "alertdialog");
    o.setAttribute("aria-label", "Build failed");
    o.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:rgba(20,16,12,.86);color:#fff;font:15px/1.5 ui-monospace,Menlo,Consolas,monospace;overflow:auto;padding:2rem";
    const box = document.createElement("div");
    box.style.cssText = "max-width:60rem;margin:0 auto;background:#2a1414;border:2px solid #ff6b5b;border-radius:10px;padding:1.25rem 1.5rem";
    const h = document.createElement("h2");
    h.textContent = "Build failed — the last good version of the site is still being served";
    h.style.cssText = "margin:0 0 1rem;font:700 18px system-ui,sans-serif;color:#ffb4a8";
    box.appendChild(h);
    for (const e of state.errors) {
      const item = document.createElement("div");
      item.className = "inquest-error";
      item.style.cssText = "margin:0 0 1rem;padding:0 0 1rem;border-bottom:1px solid #5a2a2a";
      const loc = document.createElement("div");
      loc.className = "inquest-error-location";
      loc.textContent = e.location;
      loc.style.cssText = "color:#ffd27a;font-weight:700";
      const msg = document.createElement("div");
      msg.className = "inquest-error-message";
      msg.textContent = e.message;
      item.append(loc, msg);
      if (e.hint) {
        const hint = document.createElement("div");
        hint.className = "inquest-error-hint";
        hint.textContent = "hint: " + e.hint;
        hint.style.cssText = "color:#a8e0a0";
        item.appendChild(hint);
      }
      box.appendChild(item);
    }
    const p = document.createElement("p");
    p.textContent = "Fix the file and save: this page reloads by itself.";
    p.style.cssText = "margin:0;color:#ddd;font-family:system-ui,sans-serif";
    box.appendChild(p);
    o.appendChild(box);
    document.body.appendChild(o);
  }
  window.__inquest = { show, hide };
  fetch("/__inquest/state").then(r => r.json()).then(show).catch(() => {});
  const es = new EventSource("/__inquest/events");
  // A rebuild names the output files that changed: reload when this page is one of them,
  // or a stylesheet, script or image it may use ("*": everything changed).
  function mine(paths) {
    let p = decodeURIComponent(location.pathname).replace(/^\/+/, "");
    if (p === "" || p.endsWith("/")) p += "index.html";
    return paths.some(c => c === "*" || c === p || (!c.endsWith(".html") && !c.startsWith("search-index/") && !c.endsWith(".json") && !c.endsWith(".xml") && !c.endsWith(".ics")));
  }
  es.addEventListener("reload", ev => {
    let paths = ["*"];
    try { paths = JSON.parse(ev.data); } catch (_) {}
    if (mine(paths)) location.reload();
  });
  es.addEventListener("failed", ev => show(JSON.parse(ev.data)));
})();
"#;

/// The tag `serve` puts before `</body>` of every HTML page.
pub fn script_tag() -> String {
    format!("<script src=\"{LIVE_JS_PATH}\" defer></script>")
}

/// Inserts `snippet` before the last `</body>` (or at the end).
pub fn inject(html: &str, snippet: &str) -> String {
    match html.rfind("</body>") {
        Some(i) => format!("{}{snippet}{}", &html[..i], &html[i..]),
        None => format!("{html}{snippet}"),
    }
}

fn row<T>(out: &mut String, name: &str, f: &Option<Found<T>>, show: impl Fn(&T) -> String) {
    match f {
        Some(f) => {
            let _ = write!(
                out,
                "<tr><th scope=\"row\">{name}</th><td>{}</td><td class=\"src src-{}\">{}</td></tr>",
                escape(&show(&f.value)),
                f.source.kind(),
                escape(&f.source.to_string())
            );
        }
        None => {
            let _ = write!(
                out,
                "<tr class=\"missing\"><th scope=\"row\">{name}</th><td>not found</td><td class=\"src\">add it to the text or the front matter</td></tr>"
            );
        }
    }
}

const PANEL_CSS: &str = "#inquest-panel{position:fixed;right:1rem;bottom:1rem;z-index:2147483000;max-width:min(44rem,calc(100vw - 2rem));max-height:70vh;overflow:auto;background:#fffdf8;color:#1d1b18;border:1px solid #d8d2c6;border-radius:10px;box-shadow:0 6px 24px rgba(0,0,0,.18);font:13px/1.45 system-ui,sans-serif}\
#inquest-panel summary{cursor:pointer;padding:.55rem .8rem;font-weight:700}\
#inquest-panel table{border-collapse:collapse;margin:0 .8rem .6rem;width:calc(100% - 1.6rem)}\
#inquest-panel th,#inquest-panel td{text-align:left;vertical-align:top;padding:.2rem .4rem;border-top:1px solid #eee7da}\
#inquest-panel .src{color:#6b645a}#inquest-panel .src-derived{color:#8a5a00}#inquest-panel .missing td{color:#a33}\
#inquest-panel ul{margin:0 .8rem .8rem;padding-left:1.1rem}#inquest-panel li{margin:.2rem 0}\
@media (prefers-color-scheme: dark){#inquest-panel{background:#1f2229;color:#e8e6e3;border-color:#3a3f4a}#inquest-panel th,#inquest-panel td{border-color:#333842}#inquest-panel .src{color:#a5a09a}#inquest-panel .src-derived{color:#f2c14e}#inquest-panel .missing td{color:#ff8f80}}";

/// The writer's panel for one postmortem page.
pub fn panel(inc: &Incident, shown_path: &str, diags: &[&Diagnostic]) -> String {
    let m = &inc.meta;
    let hm = |t: &jiff::civil::Time| format!("{:02}:{:02}", t.hour(), t.minute());
    let mut rows = String::new();
    row(&mut rows, "title", &m.title, Clone::clone);
    row(&mut rows, "date", &m.date, ToString::to_string);
    row(&mut rows, "start", &m.start_time, hm);
    row(&mut rows, "end", &m.end_time, hm);
    if m.end_date.is_some() {
        row(&mut rows, "end date", &m.end_date, ToString::to_string);
    }
    row(&mut rows, "time zone", &m.timezone, |z| {
        if z.ambiguous {
            format!("{} (ambiguous)", z.written)
        } else {
            z.written.clone()
        }
    });
    row(&mut rows, "duration", &m.duration, |d| d.human());
    row(&mut rows, "users affected", &m.impact_percent, |p| {
        format!("{}%", p.get())
    });
    row(&mut rows, "impact", &m.impact, Clone::clone);
    row(&mut rows, "severity", &m.severity, Clone::clone);
    let list = |v: &[Found<String>]| {
        v.iter()
            .map(|f| f.value.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = write!(
        rows,
        "<tr><th scope=\"row\">services</th><td colspan=\"2\">{}</td></tr><tr><th scope=\"row\">tags</th><td colspan=\"2\">{}</td></tr><tr><th scope=\"row\">timeline</th><td colspan=\"2\">{} timed entries</td></tr><tr><th scope=\"row\">action items</th><td colspan=\"2\">{} ({} open)</td></tr>",
        escape(&list(&m.services)),
        escape(&list(&m.tags)),
        m.timeline.len(),
        m.action_items.len(),
        m.action_items.iter().filter(|a| !a.done).count()
    );
    if let Some(s) = &inc.window.started_at {
        let end = inc
            .window
            .resolved_at
            .as_ref()
            .map_or("?".to_string(), crate::record::rfc3339);
        let _ = write!(
            rows,
            "<tr><th scope=\"row\">window</th><td colspan=\"2\">{} → {}</td></tr>",
            escape(&crate::record::rfc3339(s)),
            escape(&end)
        );
    }
    let mut warnings = String::new();
    for d in diags {
        let _ = write!(
            warnings,
            "<li><strong>{}</strong> {}{}</li>",
            escape(&d.location()),
            escape(&d.message),
            d.hint
                .as_ref()
                .map(|h| format!(" <em>hint: {}</em>", escape(h)))
                .unwrap_or_default()
        );
    }
    let missing = [
        m.date.is_none(),
        m.duration.is_none(),
        m.impact_percent.is_none(),
    ]
    .iter()
    .filter(|x| **x)
    .count();
    let summary = format!(
        "What inquest read from {} — {} warning{}{}",
        shown_path,
        diags.len(),
        if diags.len() == 1 { "" } else { "s" },
        if missing > 0 {
            format!(
                ", {missing} key fact{} missing",
                if missing == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        }
    );
    format!(
        "<style>{PANEL_CSS}</style><details id=\"inquest-panel\" aria-label=\"Writer's panel\"><summary>{}</summary><table><thead><tr><th scope=\"col\">field</th><th scope=\"col\">value</th><th scope=\"col\">from</th></tr></thead><tbody>{rows}</tbody></table>{}</details>",
        escape(&summary),
        if warnings.is_empty() { String::new() } else { format!("<ul class=\"warnings\">{warnings}</ul>") }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_the_closing_body() {
        assert_eq!(
            inject("<html><body>x</body></html>", "<s>"),
            "<html><body>x<s></body></html>"
        );
        assert_eq!(inject("fragment", "<s>"), "fragment<s>");
    }
}
