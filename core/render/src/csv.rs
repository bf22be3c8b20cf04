//! Tables as CSV files for French spreadsheets: one file per table.
//!
//! One file per table rather than one long-format file, because the people
//! who open these files — coordinators, the Regional Council's officers —
//! open them in a spreadsheet and paste the table into their own report; a
//! long format would first need a pivot table. Programs have the JSON.
//!
//! Each file is UTF-8 with a byte order mark (so that Excel reads accents
//! right), `;`-separated with comma decimals (what Excel expects in a French
//! locale), CRLF line ends, a header line `Code;Libellé;<columns>`, and
//! masked cells as "< 5" ("s" in a column of percentages, rates or changes:
//! see the crate's documentation). A text that a spreadsheet would take for a formula
//! (starting with `=`, `+`, `-` or `@`) gets a leading apostrophe.

use em_core::report::{Block, Cell, Document, Table};

use crate::Options;
use crate::number::plain_decimal;

/// One CSV file: its name (from the table's identifier) and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvFile {
    /// File name, e.g. `region.visits_by_month.csv`.
    pub name: String,
    /// The file's text, byte order mark included.
    pub content: String,
}

/// Every table of `document`, one file each, in reading order.
pub fn to_csv_files(document: &Document, options: &Options) -> Vec<CsvFile> {
    let _span = tracing::info_span!("render.csv").entered();
    let mut files: Vec<CsvFile> = Vec::new();
    for section in &document.sections {
        for block in &section.blocks {
            if let Block::Table(table) = block {
                let mut name = file_name(&table.id);
                // Two tables with one identifier (two plugin documents, say)
                // keep both files.
                let mut n = 2;
                while files.iter().any(|f| f.name == name) {
                    name = format!("{}-{n}.csv", file_stem(&table.id));
                    n += 1;
                }
                files.push(CsvFile {
                    name,
                    content: table_csv(table, options),
                });
            }
        }
    }
    files
}

fn file_stem(id: &str) -> String {
    let stem: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let stem = stem.trim_start_matches('.');
    if stem.is_empty() {
        "table".to_owned()
    } else {
        stem.to_owned()
    }
}

fn file_name(id: &str) -> String {
    format!("{}.csv", file_stem(id))
}

/// One table as CSV text.
pub(crate) fn table_csv(table: &Table, options: &Options) -> String {
    let mut out = String::from("\u{FEFF}");
    let mut header = vec![field("Code"), field("Libellé")];
    header.extend(table.columns.iter().map(|c| field(&c.label)));
    line(&mut out, &header);
    let marks = crate::masked_marks(table, options);
    for row in &table.rows {
        let mut fields = vec![field(row.code.as_deref().unwrap_or("")), field(&row.label)];
        fields.extend(row.cells.iter().enumerate().map(|(c, cell)| match cell {
            Cell::Count(n) => n.to_string(),
            Cell::Masked => field(marks.get(c).copied().unwrap_or(&options.masked_label)),
            Cell::Percent(x) | Cell::Number(x) => plain_decimal(*x),
            Cell::Text(t) => field(t),
            Cell::Empty => String::new(),
        }));
        line(&mut out, &fields);
    }
    out
}

fn line(out: &mut String, fields: &[String]) {
    out.push_str(&fields.join(";"));
    out.push_str("\r\n");
}

/// A text field, guarded against formulas and quoted when it must be.
fn field(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if guarded.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use em_core::report::{Column, Row};

    #[test]
    fn a_table_reads_in_a_french_spreadsheet() {
        let table = Table {
            id: "region.status".to_owned(),
            title: "Statut".to_owned(),
            columns: vec![
                Column {
                    id: "visits".to_owned(),
                    label: "Visites".to_owned(),
                },
                Column {
                    id: "share".to_owned(),
                    label: "%".to_owned(),
                },
            ],
            rows: vec![
                Row {
                    code: Some("job_seeker".to_owned()),
                    label: "Demandeur d'emploi; inscrit".to_owned(),
                    cells: vec![Cell::Count(1200), Cell::Percent(54.25)],
                },
                Row {
                    code: None,
                    label: "=HYPERLINK(\"x\")".to_owned(),
                    cells: vec![Cell::Masked, Cell::Masked],
                },
            ],
            note: None,
        };
        let text = table_csv(&table, &Options::for_threshold(5));
        assert_eq!(
            text,
            "\u{FEFF}Code;Libellé;Visites;%\r\n\
             job_seeker;\"Demandeur d'emploi; inscrit\";1200;54,3\r\n\
             ;\"'=HYPERLINK(\"\"x\"\")\";< 5;s\r\n"
        );
    }

    #[test]
    fn file_names_are_safe_and_unique() {
        assert_eq!(file_name("site-sedan.status"), "site-sedan.status.csv");
        assert_eq!(file_name("../../etc/passwd"), "_.._etc_passwd.csv");
        assert_eq!(file_name("Été 2009"), "_t__2009.csv");
    }
}
