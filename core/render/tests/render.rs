//! The renderers on a whole activity report: the HTML page is well-formed
//! and self-contained, every table appears in every format, and no masked
//! cell ever shows a number.

use std::sync::OnceLock;

use em_core::activity::{ActivityReport, Aggregator, sample};
use em_core::report::{
    Block, Cell, Chart, ChartKind, Column, Document, Row, Section, Series, Table,
};
use em_core::{Registry, Ruleset};
use em_render::{Options, RenderError, activity_report_to_html, to_csv_files, to_html, to_json};

/// A report with small sites (so that there are masked cells), a previous
/// year, and one plugin document.
fn report() -> &'static ActivityReport {
    static REPORT: OnceLock<ActivityReport> = OnceLock::new();
    REPORT.get_or_init(|| {
        let registry = Registry::champagne_ardenne();
        let ruleset = Ruleset::champagne_ardenne();
        let mut years = Vec::new();
        for (year, visits) in [(2008, 1_500), (2009, 2_000)] {
            let mut aggregator = Aggregator::new(&registry, &ruleset, year).unwrap();
            for visit in sample::visits(&registry, &ruleset, year, visits, year as u64) {
                aggregator.add_visit(&visit);
            }
            for answer in sample::survey_answers(&registry, &ruleset, year, 150, 3) {
                aggregator.add_survey_answer(&answer);
            }
            for event in sample::events(&registry, &ruleset, year, 25, 3) {
                aggregator.add_event(&event);
            }
            years.push(aggregator.finish());
        }
        let mut report =
            ActivityReport::build(&registry, &ruleset, 2009, &years[1], Some(&years[0])).unwrap();
        report.add_plugin_document("sedan", plugin_document()).unwrap();
        report.territory_map_svg = Some(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><circle cx=\"5\" cy=\"5\" r=\"2\"/></svg>"
                .to_owned(),
        );
        report
    })
}

fn plugin_document() -> Document {
    Document {
        title: "Publics prioritaires".to_owned(),
        sections: vec![Section {
            id: "youth".to_owned(),
            title: "Jeunes <26 ans & \"NEET\"".to_owned(),
            blocks: vec![
                Block::Text {
                    text: "Suivi des jeunes.".to_owned(),
                },
                Block::Table(Table {
                    id: "youth.counts".to_owned(),
                    title: "Jeunes par quartier".to_owned(),
                    columns: vec![Column {
                        id: "n".to_owned(),
                        label: "Jeunes".to_owned(),
                    }],
                    rows: vec![
                        Row {
                            code: None,
                            label: "Centre".to_owned(),
                            cells: vec![Cell::Count(42)],
                        },
                        Row {
                            code: None,
                            label: "Ronde-Couture".to_owned(),
                            cells: vec![Cell::Masked],
                        },
                    ],
                    note: None,
                }),
                Block::Chart(Chart {
                    id: "youth.chart".to_owned(),
                    title: "Jeunes".to_owned(),
                    kind: ChartKind::Line,
                    categories: vec!["T1".to_owned(), "T2".to_owned()],
                    series: vec![Series {
                        label: "2009".to_owned(),
                        values: vec![Some(3.0), None],
                    }],
                    unit: "personnes".to_owned(),
                }),
            ],
        }],
    }
}

fn tables(document: &Document) -> Vec<&Table> {
    document
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .collect()
}

fn masked_cells(document: &Document) -> usize {
    tables(document)
        .iter()
        .flat_map(|t| &t.rows)
        .flat_map(|r| &r.cells)
        .filter(|c| matches!(c, Cell::Masked))
        .count()
}

/// A small XML checker: every element closed in order, attributes quoted,
/// no stray `<` or `&` in text. Returns the element names in order.
fn well_formed(text: &str) -> Result<Vec<String>, String> {
    let mut stack: Vec<String> = Vec::new();
    let mut names = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => {
                let end = text[i..].find('>').ok_or(format!("unclosed tag at {i}"))? + i;
                let tag = &text[i + 1..end];
                if let Some(rest) = tag.strip_prefix('!') {
                    if !rest.starts_with("DOCTYPE") {
                        return Err(format!("unexpected declaration at {i}"));
                    }
                } else if let Some(name) = tag.strip_prefix('/') {
                    let open = stack
                        .pop()
                        .ok_or(format!("`</{name}>` closes nothing at {i}"))?;
                    if open != name {
                        return Err(format!("`</{name}>` closes `<{open}>` at {i}"));
                    }
                } else {
                    let self_closed = tag.ends_with('/');
                    let body = tag.trim_end_matches('/');
                    let name: String = body
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                        .collect();
                    if name.is_empty() {
                        return Err(format!("a tag without a name at {i}"));
                    }
                    if !body.matches('"').count().is_multiple_of(2) {
                        return Err(format!("an unbalanced quote in `<{name}>` at {i}"));
                    }
                    names.push(name.clone());
                    if !self_closed {
                        stack.push(name);
                    }
                }
                i = end + 1;
            }
            b'&' => {
                let end = text[i..].find(';').ok_or(format!("bare & at {i}"))? + i;
                let entity = &text[i + 1..end];
                if !(matches!(entity, "amp" | "lt" | "gt" | "quot" | "#39")) {
                    return Err(format!("unknown entity &{entity}; at {i}"));
                }
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    if let Some(open) = stack.pop() {
        return Err(format!("`<{open}>` is never closed"));
    }
    Ok(names)
}

#[test]
fn the_html_page_is_well_formed_and_fetches_nothing() {
    let html = activity_report_to_html(report()).unwrap();
    let names = well_formed(&html).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(names[0], "html");
    assert!(names.iter().any(|n| n == "nav"), "a table of contents");
    assert!(
        !names
            .iter()
            .any(|n| n == "script" || n == "link" || n == "img" || n == "iframe")
    );
    // The only addresses are XML namespaces, which nothing fetches.
    for (at, _) in html.match_indices("http") {
        let before = &html[at.saturating_sub(7)..at];
        assert!(
            before.ends_with("xmlns=\""),
            "an address at {at}: {}",
            &html[at..at + 40]
        );
    }
    assert!(
        html.contains("<circle cx=\"5\""),
        "the territory map is in the page"
    );
    assert!(html.contains("@media print"));
}

#[test]
fn every_table_and_chart_appears_and_every_link_of_the_contents_leads_somewhere() {
    let report = report();
    let document = report.to_document();
    let html = activity_report_to_html(report).unwrap();
    let all = tables(&document);
    assert!(all.len() > 200, "{} tables", all.len());
    for table in &all {
        let anchor = format!("<figure class=\"table\" id=\"s-{}\">", table.id);
        assert_eq!(html.matches(&anchor).count(), 1, "{}", table.id);
    }
    let charts = document
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .filter(|b| matches!(b, Block::Chart(_)))
        .count();
    assert_eq!(html.matches("<figure class=\"chart\"").count(), charts);
    for (at, _) in html.match_indices("href=\"#") {
        let target = &html[at + 7..];
        let target = &target[..target.find('"').unwrap()];
        assert!(
            html.contains(&format!("id=\"{target}\"")),
            "link to {target}"
        );
    }
    assert!(
        html.contains("Jeunes &lt;26 ans &amp; &quot;NEET&quot;"),
        "the plugin's section, escaped"
    );
}

#[test]
fn a_masked_cell_never_shows_a_number() {
    let report = report();
    let document = report.to_document();
    let masked = masked_cells(&document);
    assert!(masked > 0, "the small sites have masked cells");
    // A masked percentage, rate or change reads "s": "< 5" under a "%"
    // heading would read as "less than 5 %".
    let masked_shares = masked_share_cells(&document);
    assert!(masked_shares > 0, "shares of masked counts are masked");

    let html = activity_report_to_html(report).unwrap();
    let cells: Vec<&str> = html
        .split("<td class=\"num masked\" title=\"effectif masqué\">")
        .skip(1)
        .map(|rest| &rest[..rest.find("</td>").unwrap()])
        .collect();
    assert_eq!(cells.len(), masked);
    assert_eq!(cells.iter().filter(|c| **c == "s").count(), masked_shares);
    assert!(
        cells.iter().all(|c| *c == "&lt; 5" || *c == "s"),
        "{cells:?}"
    );
    assert!(!html.contains("&lt; 5\u{A0}%"));

    let csv = to_csv_files(&document, &Options::for_report(report));
    let fields = |mark: &str| -> usize {
        csv.iter()
            .map(|f| {
                f.content
                    .split(['\r', '\n', ';'])
                    .filter(|x| *x == mark)
                    .count()
            })
            .sum()
    };
    assert_eq!(fields("< 5"), masked - masked_shares);
    assert_eq!(fields("s"), masked_shares);

    let json = to_json(report).unwrap();
    assert_eq!(json.matches("\"type\": \"masked\"").count(), masked);
}

/// Masked cells in columns of percentages, rates or changes.
fn masked_share_cells(document: &Document) -> usize {
    tables(document)
        .iter()
        .map(|t| {
            t.rows
                .iter()
                .map(|r| {
                    r.cells
                        .iter()
                        .enumerate()
                        .filter(|(c, cell)| **cell == Cell::Masked && t.holds_shares(*c))
                        .count()
                })
                .sum::<usize>()
        })
        .sum()
}

#[test]
fn there_is_one_csv_file_per_table_that_a_french_spreadsheet_reads() {
    let document = report().to_document();
    let files = to_csv_files(&document, &Options::for_report(report()));
    assert_eq!(files.len(), tables(&document).len());
    for (file, table) in files.iter().zip(tables(&document)) {
        assert!(file.content.starts_with('\u{FEFF}'), "{}", file.name);
        let lines: Vec<&str> = file.content[3..].split_terminator("\r\n").collect();
        assert_eq!(lines.len(), table.rows.len() + 1, "{}", file.name);
        let fields = |line: &str| {
            let mut quoted = false;
            line.chars()
                .filter(|&c| {
                    if c == '"' {
                        quoted = !quoted;
                    }
                    c == ';' && !quoted
                })
                .count()
        };
        let width = fields(lines[0]);
        assert_eq!(width, table.columns.len() + 1, "{}", file.name);
        assert!(lines.iter().all(|l| fields(l) == width), "{}", file.name);
    }
}

#[test]
fn the_json_is_stable_and_holds_no_visitor_identifier() {
    let report = report();
    let first = to_json(report).unwrap();
    assert_eq!(first, to_json(report).unwrap());
    let value: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(value["year"], 2009);
    assert_eq!(value["previous_year"], 2008);
    assert_eq!(value["sites"].as_array().unwrap().len(), 11);
    assert_eq!(
        value["sites"][2]["plugin_documents"][0]["title"],
        "Publics prioritaires"
    );
    // The generator's visitor identifiers look like `sedan-0000042`.
    assert!(!first.contains("-00000"), "a visitor identifier leaked");
}

#[test]
fn any_document_renders_with_the_default_mark_of_secrecy() {
    let document = plugin_document();
    let html = to_html(&document, &Options::default());
    well_formed(&html).unwrap_or_else(|e| panic!("{e}"));
    assert!(html.contains("<td class=\"num masked\" title=\"effectif masqué\">s</td>"));
    assert!(html.contains("s : effectif masqué (secret statistique)."));
    assert!(
        html.contains("ne sont pas représentées"),
        "the chart says a value is missing"
    );
}

#[test]
fn a_territory_map_that_could_run_a_script_is_refused() {
    let mut report = report().clone();
    report.territory_map_svg = Some("<svg><script>fetch('x')</script></svg>".to_owned());
    let err = activity_report_to_html(&report).unwrap_err();
    assert!(matches!(err, RenderError::UnsafeSvg { .. }), "{err}");
}
