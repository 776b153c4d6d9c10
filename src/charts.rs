//! Inline SVG charts made at build time: no JavaScript, colours from the theme's CSS classes
//! (`chart-*`, so light and dark mode follow the page), and a `<title>`/`<desc>` pair for
//! screen readers. Pages show a data table beside every chart.

use std::fmt::Write;

use crate::highlight::escape;

const H: f64 = 240.0;
/// Width of the normal and the wide charts (the view box scales to the page).
pub const NARROW: f64 = 640.0;
pub const WIDE: f64 = 1040.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 40.0;

/// One bar: its axis label, its value, and the text shown as its tooltip.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub tip: String,
}

fn open(out: &mut String, w: f64, id: &str, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg class="chart" viewBox="0 0 {w} {H}" role="img" aria-labelledby="{id}-t {id}-d" preserveAspectRatio="xMidYMid meet"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        escape(title),
        escape(desc)
    );
}

/// A horizontal grid line at `y` with its tick label at the left.
fn grid_line(out: &mut String, w: f64, y: f64, label: &str) {
    let _ = write!(
        out,
        r#"<line class="chart-grid" x1="{LEFT}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}"/><text class="chart-tick" x="{:.1}" y="{:.1}" text-anchor="end">{label}</text>"#,
        w - RIGHT,
        LEFT - 6.0,
        y + 4.0,
    );
}

/// The x axis along the bottom of the plot, closing the chart.
fn close(out: &mut String, w: f64) {
    let _ = write!(
        out,
        r#"<line class="chart-axis" x1="{LEFT}" x2="{:.1}" y1="{:.1}" y2="{:.1}"/></svg>"#,
        w - RIGHT,
        H - BOTTOM,
        H - BOTTOM
    );
}

/// A "nice" axis maximum and tick step at or above `max`; counts of up to 5 get one tick
/// per whole number.
fn nice(max: f64) -> (f64, f64) {
    if max <= 0.0 {
        return (1.0, 1.0);
    }
    if max <= 5.0 && max.fract() == 0.0 {
        return (max, 1.0);
    }
    let mag = 10f64.powf(max.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        let top = m * mag;
        if top >= max {
            let step = top / if m == 2.5 { 5.0 } else { 4.0 };
            return (top, step);
        }
    }
    (10.0 * mag, 2.5 * mag)
}

fn fmt_num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

/// A vertical bar chart `w` wide. With many bars only every n-th label is drawn.
pub fn bar_chart(w: f64, id: &str, title: &str, desc: &str, bars: &[Bar], y_label: &str) -> String {
    #[allow(non_snake_case)]
    let W = w;
    let mut s = String::with_capacity(2048);
    open(&mut s, w, id, title, desc);
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let (top, step) = nice(max);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let y = |v: f64| TOP + plot_h - v / top * plot_h;
    // Grid and y axis.
    let mut t = 0.0;
    while t <= top + 1e-9 {
        grid_line(&mut s, W, y(t), &fmt_num(t));
        t += step;
    }
    let _ = write!(
        s,
        r#"<text class="chart-tick" x="4" y="{:.1}" transform="rotate(-90 10 {:.1})">{}</text>"#,
        TOP + plot_h / 2.0,
        TOP + plot_h / 2.0,
        escape(y_label)
    );
    let n = bars.len().max(1) as f64;
    let slot = plot_w / n;
    let bar_w = (slot * 0.72).max(1.0);
    let every = (bars.len() as f64 / (w / 64.0)).ceil().max(1.0) as usize;
    for (i, b) in bars.iter().enumerate() {
        let x = LEFT + i as f64 * slot + (slot - bar_w) / 2.0;
        let h = b.value / top * plot_h;
        let _ = write!(
            s,
            r#"<rect class="chart-bar" x="{x:.1}" y="{:.1}" width="{bar_w:.1}" height="{h:.1}"><title>{}</title></rect>"#,
            y(b.value),
            escape(&b.tip)
        );
        if i % every == 0 {
            let _ = write!(
                s,
                r#"<text class="chart-label" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                LEFT + i as f64 * slot + slot / 2.0,
                H - BOTTOM + 16.0,
                escape(&b.label)
            );
        }
    }
    close(&mut s, W);
    s
}

/// The empirical cumulative distribution of durations as a step line on a log time axis.
/// `points` are `(minutes, share)` with shares rising to 1.
pub fn ecdf_chart(id: &str, title: &str, desc: &str, points: &[(u32, f64)]) -> String {
    const W: f64 = NARROW;
    let mut s = String::with_capacity(2048);
    open(&mut s, W, id, title, desc);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let max = points.iter().map(|p| p.0).max().unwrap_or(60).max(60);
    // Ticks at familiar durations, up to the longest incident.
    let ticks: Vec<(u32, &str)> = [
        (1, "1 min"),
        (15, "15 min"),
        (60, "1 h"),
        (240, "4 h"),
        (1440, "1 d"),
        (10080, "1 wk"),
    ]
    .into_iter()
    .filter(|(m, _)| *m <= max.max(60) * 2)
    .collect();
    let log_max = (f64::from(max) * 1.2).ln();
    let x = |m: u32| LEFT + (f64::from(m.max(1))).ln() / log_max * plot_w;
    let y = |share: f64| TOP + plot_h - share * plot_h;
    for share in [0.0, 0.25, 0.5, 0.75, 1.0] {
        grid_line(&mut s, W, y(share), &format!("{}%", (share * 100.0) as u32));
    }
    for (m, label) in &ticks {
        let _ = write!(
            s,
            r#"<text class="chart-label" x="{:.1}" y="{:.1}" text-anchor="middle">{label}</text>"#,
            x(*m),
            H - BOTTOM + 16.0
        );
    }
    if !points.is_empty() {
        let mut d = format!("M{:.1},{:.1}", x(1), y(0.0));
        let mut prev = 0.0;
        for &(m, share) in points {
            let _ = write!(d, " H{:.1} V{:.1}", x(m), y(share));
            prev = share;
        }
        let _ = write!(d, " H{:.1}", W - RIGHT);
        let _ = prev;
        let _ = write!(s, r#"<path class="chart-line" d="{d}"/>"#);
        for &(m, share) in points {
            let _ = write!(
                s,
                r#"<circle class="chart-dot" cx="{:.1}" cy="{:.1}" r="3"><title>{}% lasted at most {}</title></circle>"#,
                x(m),
                y(share),
                (share * 100.0).round(),
                crate::model::Minutes::new(m).human()
            );
        }
    }
    close(&mut s, W);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_chart_is_accessible_and_escaped() {
        let svg = bar_chart(
            NARROW,
            "b",
            "Incidents <by> bucket",
            "desc",
            &[
                Bar {
                    label: "< 15 min".into(),
                    value: 2.0,
                    tip: "2 incidents".into(),
                },
                Bar {
                    label: "15–30 min".into(),
                    value: 0.0,
                    tip: "none".into(),
                },
            ],
            "incidents",
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="img""#) && svg.contains(r#"aria-labelledby="b-t b-d""#));
        assert!(svg.contains("<title id=\"b-t\">Incidents &lt;by&gt; bucket</title>"));
        assert!(svg.contains("&lt; 15 min"));
        assert_eq!(svg.matches("class=\"chart-bar\"").count(), 2);
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn empty_charts_do_not_break() {
        assert!(!bar_chart(WIDE, "e", "t", "d", &[], "n").contains("NaN"));
        assert!(!ecdf_chart("e", "t", "d", &[]).contains("NaN"));
    }

    #[test]
    fn nice_axis_maxima() {
        assert_eq!(nice(7.0).0, 10.0);
        assert_eq!(nice(2.0), (2.0, 1.0));
        assert_eq!(nice(2.5).0, 2.5);
        assert_eq!(nice(23.0).0, 25.0);
        assert_eq!(nice(0.0), (1.0, 1.0));
    }

    #[test]
    fn ecdf_line_rises_to_the_top() {
        let svg = ecdf_chart("c", "t", "d", &[(10, 0.5), (90, 1.0)]);
        assert!(svg.contains("class=\"chart-line\""));
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains("100% lasted at most 1 h 30 min"));
    }
}
