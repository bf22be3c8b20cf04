//! One self-contained HTML page for any [`Document`]: inline CSS, inline SVG
//! charts, a table of contents, print-friendly; it fetches nothing.
//!
//! The page is also well-formed XML (every element closed, void elements
//! self-closed), so that any XML tool can read it and the tests can check
//! its structure with a plain tag parser.

use std::fmt::Write as _;

use em_core::activity::ActivityReport;
use em_core::report::{Block, Cell, Chart, Document, Table};

use crate::number::{count, decimal};
use crate::svg::{chart_svg, has_gaps};
use crate::{Options, RenderError};

/// A picture drawn elsewhere (the territory map), placed at the top of a
/// section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    /// The section it goes in.
    pub section: String,
    /// Its caption.
    pub title: String,
    /// The `<svg>` element.
    pub svg: String,
}

impl Figure {
    /// Refuses an SVG that could run a script or fetch something: the page
    /// promises to work offline and to run nothing.
    fn check(&self) -> Result<(), RenderError> {
        let lower = self.svg.to_ascii_lowercase();
        let refuse = |reason: &str| {
            Err(RenderError::UnsafeSvg {
                figure: self.title.clone(),
                reason: reason.to_owned(),
            })
        };
        if !lower.trim_start().starts_with("<svg") {
            return refuse("it does not start with an <svg> element");
        }
        for (needle, reason) in [
            ("<script", "it holds a script"),
            ("javascript:", "it holds a javascript: link"),
            ("<foreignobject", "it embeds foreign content"),
            ("href=\"http", "it links to a remote resource"),
            ("href='http", "it links to a remote resource"),
            ("url(http", "it loads a remote resource"),
            ("@import", "it imports a style sheet"),
            (" on", "it may have an event handler attribute"),
        ] {
            let found = if needle == " on" {
                has_event_handler(&lower)
            } else {
                lower.contains(needle)
            };
            if found {
                return refuse(reason);
            }
        }
        Ok(())
    }
}

/// Whether an attribute named `on…=` appears inside a tag.
fn has_event_handler(lower: &str) -> bool {
    let bytes = lower.as_bytes();
    let mut in_tag = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            b'o' if in_tag
                && i > 0
                && bytes[i - 1].is_ascii_whitespace()
                && bytes.get(i + 1) == Some(&b'n') =>
            {
                let name_end = bytes[i..]
                    .iter()
                    .position(|c| !c.is_ascii_alphanumeric())
                    .map_or(bytes.len(), |p| i + p);
                let rest = lower[name_end..].trim_start();
                if rest.starts_with('=') {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and newline are not allowed
            // in XML; they never carry meaning in a report.
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// An identifier usable as an HTML id and fragment: ASCII letters, digits,
/// `-`, `_` and `.`.
fn anchor(id: &str) -> String {
    let cleaned: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("s-{cleaned}")
}

const STYLE: &str = r#"
:root { --ink: #1b1b1b; --muted: #5b5b5b; --line: #d0d0d0; --band: #f3f5f7; --accent: #1f5f8b; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink);
  margin: 0 auto; max-width: 1100px; padding: 1.5rem; line-height: 1.45; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; color: var(--accent); }
h2 { font-size: 1.35rem; margin: 2.2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid var(--accent); }
p.summary { font-size: 1.05rem; background: var(--band); padding: .8rem 1rem; border-left: 4px solid var(--accent); }
nav.toc { background: var(--band); padding: .6rem 1.2rem; margin: 1rem 0; }
nav.toc h2 { border: none; margin: .4rem 0; font-size: 1.1rem; }
nav.toc ol { margin: .2rem 0; padding-left: 1.4rem; }
nav.toc details summary { cursor: pointer; }
nav.toc a { color: var(--accent); text-decoration: none; }
figure { margin: 1.2rem 0; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-weight: 600; margin-bottom: .3rem; }
table { border-collapse: collapse; font-size: .88rem; width: 100%; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .25rem .45rem; vertical-align: top; }
thead th { background: var(--band); text-align: right; font-weight: 600; }
thead th:first-child, tbody th { text-align: left; font-weight: normal; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.masked { color: var(--muted); font-style: italic; }
tr.total th, tr.total td { font-weight: 600; border-top: 1.5px solid var(--ink); }
p.note { color: var(--muted); font-size: .82rem; margin: .3rem 0 0; }
svg.chart { width: 100%; height: auto; max-width: 760px; font-size: 12px; }
svg .grid { stroke: #e6e6e6; } svg .axis { stroke: #555; }
svg text { fill: #333; } svg .tick, svg .unit { fill: #666; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav.toc { page-break-after: always; }
  nav.toc details > ol { display: block; }
  section { page-break-before: always; }
  a { color: inherit; text-decoration: none; }
  p.summary { border-left-color: #000; }
}
"#;

/// `document` as one HTML page.
pub fn to_html(document: &Document, options: &Options) -> String {
    render(document, options, &[])
}

/// The activity report as one HTML page, with the territory map at the top
/// of the region's section when the report has one.
pub fn activity_report_to_html(report: &ActivityReport) -> Result<String, RenderError> {
    let mut figures = Vec::new();
    if let Some(svg) = &report.territory_map_svg {
        let figure = Figure {
            section: "region".to_owned(),
            title: "Les Espaces métiers sur le territoire".to_owned(),
            svg: svg.clone(),
        };
        figure.check()?;
        figures.push(figure);
    }
    Ok(render(
        &report.to_document(),
        &Options::for_report(report),
        &figures,
    ))
}

/// `document` as one HTML page, with extra figures (checked by the caller).
pub(crate) fn render(document: &Document, options: &Options, figures: &[Figure]) -> String {
    let _span = tracing::info_span!("render.html", sections = document.sections.len()).entered();
    let mut out = String::with_capacity(256 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"fr\" xmlns=\"http://www.w3.org/1999/xhtml\"><head><meta charset=\"utf-8\"/>");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>");
    let _ = write!(
        out,
        "<title>{}</title><style>{STYLE}</style></head><body>",
        escape(&document.title)
    );
    let _ = write!(out, "<header><h1>{}</h1></header>", escape(&document.title));

    out.push_str("<nav class=\"toc\" aria-label=\"Sommaire\"><h2>Sommaire</h2><ol>");
    for section in &document.sections {
        let tables: Vec<&Table> = section
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(t),
                _ => None,
            })
            .collect();
        let link = format!(
            "<a href=\"#{}\">{}</a>",
            anchor(&section.id),
            escape(&section.title)
        );
        if tables.len() > 1 {
            let _ = write!(out, "<li><details><summary>{link}</summary><ol>");
            for table in tables {
                let _ = write!(
                    out,
                    "<li><a href=\"#{}\">{}</a></li>",
                    anchor(&table.id),
                    escape(&table.title)
                );
            }
            out.push_str("</ol></details></li>");
        } else {
            let _ = write!(out, "<li>{link}</li>");
        }
    }
    out.push_str("</ol></nav><main>");

    for section in &document.sections {
        let _ = write!(
            out,
            "<section id=\"{}\"><h2>{}</h2>",
            anchor(&section.id),
            escape(&section.title)
        );
        for figure in figures.iter().filter(|f| f.section == section.id) {
            let _ = write!(
                out,
                "<figure class=\"map\"><figcaption>{}</figcaption>{}</figure>",
                escape(&figure.title),
                figure.svg
            );
        }
        for (b, block) in section.blocks.iter().enumerate() {
            match block {
                Block::Text { text } => {
                    let class = if b == 0 { " class=\"summary\"" } else { "" };
                    for paragraph in text.split("\n\n") {
                        let _ = write!(out, "<p{class}>{}</p>", escape(paragraph));
                    }
                }
                Block::Table(table) => table_html(&mut out, table, options),
                Block::Chart(chart) => chart_html(&mut out, chart),
            }
        }
        out.push_str("</section>");
    }
    out.push_str("</main></body></html>\n");
    out
}

fn table_html(out: &mut String, table: &Table, options: &Options) {
    let _ = write!(
        out,
        "<figure class=\"table\" id=\"{}\"><table><caption>{}</caption><thead><tr><th scope=\"col\"></th>",
        anchor(&table.id),
        escape(&table.title)
    );
    for column in &table.columns {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(&column.label));
    }
    out.push_str("</tr></thead><tbody>");
    // A change reads better signed: "+4,2 %".
    let signed: Vec<bool> = table
        .columns
        .iter()
        .map(|c| c.id.ends_with("change"))
        .collect();
    let marks = crate::masked_marks(table, options);
    let mut masked = false;
    for row in &table.rows {
        let total = row.code.is_none() && (row.label.starts_with("Total") || row.label == "Année");
        out.push_str(if total {
            "<tr class=\"total\">"
        } else {
            "<tr>"
        });
        let _ = write!(out, "<th scope=\"row\">{}</th>", escape(&row.label));
        for (c, cell) in row.cells.iter().enumerate() {
            let plus = if signed.get(c).copied().unwrap_or(false) {
                "+"
            } else {
                ""
            };
            match cell {
                Cell::Count(n) => {
                    let _ = write!(out, "<td class=\"num\">{}</td>", count(*n));
                }
                Cell::Masked => {
                    masked = true;
                    let _ = write!(
                        out,
                        "<td class=\"num masked\" title=\"effectif masqué\">{}</td>",
                        escape(marks.get(c).copied().unwrap_or(&options.masked_label))
                    );
                }
                Cell::Percent(x) => {
                    let sign = if *x > 0.0 { plus } else { "" };
                    let _ = write!(out, "<td class=\"num\">{sign}{}\u{A0}%</td>", decimal(*x));
                }
                Cell::Number(x) => {
                    let sign = if *x > 0.0 { plus } else { "" };
                    let _ = write!(out, "<td class=\"num\">{sign}{}</td>", decimal(*x));
                }
                Cell::Text(t) => {
                    let _ = write!(out, "<td>{}</td>", escape(t));
                }
                Cell::Empty => out.push_str("<td class=\"num\">\u{2014}</td>"),
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    let mut notes = Vec::new();
    if let Some(note) = &table.note {
        notes.push(note.clone());
    }
    // The report's own tables already carry the note; a plugin's may not.
    if masked && !notes.iter().any(|n| n.contains(&options.masked_label)) {
        notes.push(options.masked_note.clone());
    }
    for note in notes {
        let _ = write!(out, "<p class=\"note\">{}</p>", escape(&note));
    }
    out.push_str("</figure>");
}

fn chart_html(out: &mut String, chart: &Chart) {
    let id = anchor(&chart.id);
    let _ = write!(
        out,
        "<figure class=\"chart\" id=\"{id}\"><figcaption>{}</figcaption>{}",
        escape(&chart.title),
        chart_svg(chart, &id)
    );
    if has_gaps(chart) {
        out.push_str(
            "<p class=\"note\">Les valeurs masquées (secret statistique) ou manquantes ne sont \
             pas représentées.</p>",
        );
    }
    out.push_str("</figure>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_everywhere() {
        assert_eq!(
            escape("a<b & \"c\" 'd'"),
            "a&lt;b &amp; &quot;c&quot; &#39;d&#39;"
        );
        assert_eq!(escape("bell\u{7}"), "bell");
    }

    #[test]
    fn a_figure_that_could_run_or_fetch_something_is_refused() {
        let figure = |svg: &str| Figure {
            section: "region".to_owned(),
            title: "carte".to_owned(),
            svg: svg.to_owned(),
        };
        assert!(
            figure("<svg viewBox=\"0 0 1 1\"><path d=\"M0 0\"/></svg>")
                .check()
                .is_ok()
        );
        for bad in [
            "<svg><script>alert(1)</script></svg>",
            "<svg><image href=\"https://example.invalid/x.png\"/></svg>",
            "<svg onload=\"x()\"></svg>",
            "<svg><a xlink:href=\"javascript:x()\"/></svg>",
            "<div></div>",
        ] {
            assert!(figure(bad).check().is_err(), "{bad}");
        }
        // A word starting with "on" in text is not an attribute.
        assert!(figure("<svg><text>on the map</text></svg>").check().is_ok());
    }
}
