//! Charts drawn as inline SVG: vertical bars, horizontal bars and lines,
//! with axes, graduations, labels and a legend.
//!
//! The drawing is plain arithmetic on a fixed canvas; the page's width
//! scales it (`viewBox`). A value that is `None` (masked or missing) is not
//! drawn, and the chart says so under it.

use std::fmt::Write as _;

use em_core::report::{Chart, ChartKind};

use crate::html::escape;
use crate::number::decimal;

/// Colours of the series, distinct for the colour-blind and in grey print.
const PALETTE: [&str; 6] = [
    "#1f5f8b", "#e08a1e", "#5a9e4b", "#b5425a", "#7d5ba6", "#6b6b6b",
];

const WIDTH: f64 = 720.0;

/// The chart as an `<svg>` element.
pub(crate) fn chart_svg(chart: &Chart, id: &str) -> String {
    match chart.kind {
        ChartKind::Bar => vertical(chart, id, false),
        ChartKind::Line => vertical(chart, id, true),
        ChartKind::HorizontalBar => horizontal(chart, id),
    }
}

/// Whether some value of the chart is not drawn.
pub(crate) fn has_gaps(chart: &Chart) -> bool {
    chart.series.iter().any(|s| {
        s.values
            .iter()
            .take(chart.categories.len())
            .any(Option::is_none)
    }) || chart
        .series
        .iter()
        .any(|s| s.values.len() < chart.categories.len())
}

fn value(chart: &Chart, series: usize, category: usize) -> Option<f64> {
    chart.series[series]
        .values
        .get(category)
        .copied()
        .flatten()
        .filter(|v| v.is_finite())
}

/// Graduations from 0 to at least `max`: steps of 1, 2 or 5 times a power
/// of ten, about five of them.
fn ticks(max: f64) -> Vec<f64> {
    if max <= 0.0 {
        return vec![0.0, 1.0];
    }
    let rough = max / 5.0;
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * power);
    let count = (max / step).ceil() as usize;
    (0..=count.max(1)).map(|i| i as f64 * step).collect()
}

fn bounds(chart: &Chart) -> (f64, f64) {
    let values = (0..chart.series.len())
        .flat_map(|s| (0..chart.categories.len()).filter_map(move |c| value(chart, s, c)));
    let (mut min, mut max) = (0.0f64, 0.0f64);
    for v in values {
        min = min.min(v);
        max = max.max(v);
    }
    (min, max)
}

fn shorten(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_owned()
    } else {
        let cut: String = label.chars().take(max - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

fn open(out: &mut String, id: &str, height: f64, chart: &Chart) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" \
         role=\"img\" aria-labelledby=\"{id}-t\"><title id=\"{id}-t\">{}</title>",
        escape(&chart.title)
    );
}

fn legend(out: &mut String, chart: &Chart, y: f64) {
    if chart.series.len() < 2 {
        return;
    }
    let mut x = 60.0;
    for (s, series) in chart.series.iter().enumerate() {
        let colour = PALETTE[s % PALETTE.len()];
        let _ = write!(
            out,
            "<rect x=\"{x}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"{}\" class=\"legend\">{}</text>",
            y - 10.0,
            x + 16.0,
            y,
            escape(&series.label)
        );
        x += 30.0 + series.label.chars().count() as f64 * 7.0;
    }
}

/// Vertical bars, or lines, over the categories.
fn vertical(chart: &Chart, id: &str, line: bool) -> String {
    let categories = chart.categories.len().max(1);
    let longest = chart
        .categories
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(0);
    let slot_width = (WIDTH - 126.0) / categories as f64;
    // Labels too long for their slot are turned, and clipped.
    let turned = longest as f64 * 6.5 > slot_width;
    let label_room = if turned {
        (shorten_len(longest) as f64 * 5.0).min(140.0) + 10.0
    } else {
        24.0
    };
    let top = if chart.series.len() > 1 { 36.0 } else { 16.0 };
    let plot_height = 220.0;
    let height = top + plot_height + label_room + 8.0;
    // A turned first label reaches left of its slot: leave it room.
    let left = if turned { 110.0 } else { 64.0 };
    let right = WIDTH - 16.0;
    let bottom = top + plot_height;
    let (min, max) = bounds(chart);
    let graduations = ticks(max.max(-min));
    let ceiling = *graduations.last().unwrap_or(&1.0);
    let floor = if min < 0.0 { -ceiling } else { 0.0 };
    let y_of = |v: f64| bottom - (v - floor) / (ceiling - floor) * plot_height;

    let mut out = String::new();
    open(&mut out, id, height, chart);
    legend(&mut out, chart, 18.0);
    for &t in &graduations {
        for v in if floor < 0.0 && t > 0.0 {
            vec![t, -t]
        } else {
            vec![t]
        } {
            let y = y_of(v);
            let _ = write!(
                out,
                "<line x1=\"{left}\" x2=\"{right}\" y1=\"{y:.1}\" y2=\"{y:.1}\" class=\"grid\"/>\
                 <text x=\"{}\" y=\"{:.1}\" class=\"tick\" text-anchor=\"end\">{}</text>",
                left - 6.0,
                y + 4.0,
                decimal(v)
            );
        }
    }
    let _ = write!(
        out,
        "<line x1=\"{left}\" x2=\"{left}\" y1=\"{top}\" y2=\"{bottom}\" class=\"axis\"/>\
         <line x1=\"{left}\" x2=\"{right}\" y1=\"{0:.1}\" y2=\"{0:.1}\" class=\"axis\"/>",
        y_of(0.0)
    );
    let _ = write!(
        out,
        "<text x=\"12\" y=\"{:.1}\" class=\"unit\" transform=\"rotate(-90 12 {:.1})\" text-anchor=\"middle\">{}</text>",
        top + plot_height / 2.0,
        top + plot_height / 2.0,
        escape(&chart.unit)
    );
    let slot = (right - left) / categories as f64;
    for (c, label) in chart.categories.iter().enumerate() {
        let x = left + slot * (c as f64 + 0.5);
        let shown = shorten(label, if turned { shorten_len(longest) } else { 40 });
        if turned {
            let _ = write!(
                out,
                "<text x=\"{x:.1}\" y=\"{:.1}\" class=\"category\" text-anchor=\"end\" transform=\"rotate(-40 {x:.1} {:.1})\"><title>{}</title>{}</text>",
                bottom + 14.0,
                bottom + 14.0,
                escape(label),
                escape(&shown)
            );
        } else {
            let _ = write!(
                out,
                "<text x=\"{x:.1}\" y=\"{:.1}\" class=\"category\" text-anchor=\"middle\">{}</text>",
                bottom + 16.0,
                escape(&shown)
            );
        }
    }
    let series_count = chart.series.len().max(1);
    for (s, series) in chart.series.iter().enumerate() {
        let colour = PALETTE[s % PALETTE.len()];
        if line {
            // A gap in the values breaks the line rather than bridging it.
            let mut segments: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
            for c in 0..chart.categories.len() {
                let x = left + slot * (c as f64 + 0.5);
                match value(chart, s, c) {
                    Some(v) => segments.last_mut().expect("one segment").push((x, y_of(v))),
                    None => segments.push(Vec::new()),
                }
            }
            for segment in segments.iter().filter(|s| !s.is_empty()) {
                let points: Vec<String> = segment
                    .iter()
                    .map(|(x, y)| format!("{x:.1},{y:.1}"))
                    .collect();
                let _ = write!(
                    out,
                    "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\"/>",
                    points.join(" ")
                );
                for (x, y) in segment {
                    let _ = write!(
                        out,
                        "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\" fill=\"{colour}\"/>"
                    );
                }
            }
        } else {
            let bar = slot * 0.8 / series_count as f64;
            for c in 0..chart.categories.len() {
                let Some(v) = value(chart, s, c) else {
                    continue;
                };
                let x = left + slot * (c as f64 + 0.1) + bar * s as f64;
                let (y0, y1) = (y_of(0.0), y_of(v));
                let (y, h) = if y1 < y0 {
                    (y1, y0 - y1)
                } else {
                    (y0, y1 - y0)
                };
                let _ = write!(
                    out,
                    "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" fill=\"{colour}\"><title>{} — {} : {}</title></rect>",
                    escape(&series.label),
                    escape(&chart.categories[c]),
                    decimal(v)
                );
            }
        }
    }
    out.push_str("</svg>");
    out
}

fn shorten_len(longest: usize) -> usize {
    longest.min(26)
}

/// Horizontal bars: one line per category, labels on the left.
fn horizontal(chart: &Chart, id: &str) -> String {
    let series_count = chart.series.len().max(1);
    let bar = 14.0;
    let row = bar * series_count as f64 + 10.0;
    let top = if chart.series.len() > 1 { 40.0 } else { 16.0 };
    let left = 250.0;
    let right = WIDTH - 60.0;
    let plot_height = row * chart.categories.len().max(1) as f64;
    let height = top + plot_height + 30.0;
    let (_, max) = bounds(chart);
    let graduations = ticks(max);
    let ceiling = *graduations.last().unwrap_or(&1.0);
    let x_of = |v: f64| left + v.max(0.0) / ceiling * (right - left);

    let mut out = String::new();
    open(&mut out, id, height, chart);
    legend(&mut out, chart, 18.0);
    let bottom = top + plot_height;
    for &t in &graduations {
        let x = x_of(t);
        let _ = write!(
            out,
            "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{top}\" y2=\"{bottom}\" class=\"grid\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" class=\"tick\" text-anchor=\"middle\">{}</text>",
            bottom + 16.0,
            decimal(t)
        );
    }
    let _ = write!(
        out,
        "<line x1=\"{left}\" x2=\"{left}\" y1=\"{top}\" y2=\"{bottom}\" class=\"axis\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\" class=\"unit\" text-anchor=\"start\">{}</text>",
        right + 14.0,
        bottom + 16.0,
        escape(&chart.unit)
    );
    for (c, label) in chart.categories.iter().enumerate() {
        let y = top + row * c as f64;
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" class=\"category\" text-anchor=\"end\"><title>{}</title>{}</text>",
            left - 8.0,
            y + row / 2.0 + 4.0,
            escape(label),
            escape(&shorten(label, 34))
        );
        for (s, series) in chart.series.iter().enumerate() {
            let colour = PALETTE[s % PALETTE.len()];
            let Some(v) = value(chart, s, c) else {
                continue;
            };
            let yb = y + 5.0 + bar * s as f64;
            let w = x_of(v) - left;
            let _ = write!(
                out,
                "<rect x=\"{left}\" y=\"{yb:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{colour}\"><title>{} — {} : {}</title></rect>\
                 <text x=\"{:.1}\" y=\"{:.1}\" class=\"value\">{}</text>",
                bar - 2.0,
                escape(&series.label),
                escape(label),
                decimal(v),
                left + w + 4.0,
                yb + bar - 4.0,
                decimal(v)
            );
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use em_core::report::Series;

    #[test]
    fn graduations_are_round_and_reach_the_maximum() {
        assert_eq!(ticks(93.0), [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(ticks(4.0), [0.0, 1.0, 2.0, 3.0, 4.0]);
        assert_eq!(ticks(0.0), [0.0, 1.0]);
        let t = ticks(123_456.0);
        assert!(*t.last().unwrap() >= 123_456.0 && t.len() <= 8, "{t:?}");
    }

    #[test]
    fn a_masked_value_draws_no_bar_and_breaks_the_line() {
        let chart = |kind| Chart {
            id: "c".to_owned(),
            title: "Visites <par> mois".to_owned(),
            kind,
            categories: vec!["Jan".to_owned(), "Fév".to_owned(), "Mar".to_owned()],
            series: vec![Series {
                label: "2009".to_owned(),
                values: vec![Some(10.0), None, Some(30.0)],
            }],
            unit: "visites".to_owned(),
        };
        let bars = chart_svg(&chart(ChartKind::Bar), "c");
        assert_eq!(bars.matches("<rect").count(), 2);
        assert!(bars.contains("Visites &lt;par&gt; mois"));
        let lines = chart_svg(&chart(ChartKind::Line), "c");
        assert_eq!(lines.matches("<polyline").count(), 2);
        let horizontal = chart_svg(&chart(ChartKind::HorizontalBar), "c");
        assert_eq!(horizontal.matches("<rect").count(), 2);
        assert!(has_gaps(&chart(ChartKind::Bar)));
    }
}
