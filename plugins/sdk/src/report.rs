//! The `report` world: bindings, and builders for the document a report
//! plugin returns.
//!
//! A report plugin implements [`ReportPlugin`] and exports it with
//! [`export_report!`]. It receives the site's
//! aggregated tables ([`SiteTables`]), finds the ones it needs with
//! [`table`], and returns a [`Document`] made of sections of paragraphs,
//! tables and charts.

// The generated glue lifts and lowers values across the component boundary
// with raw pointers; it is the only unsafe code in the SDK.
#[allow(unsafe_code, missing_debug_implementations, unused_qualifications)]
mod bindings {
    wit_bindgen::generate!({
        path: "../wit",
        world: "report",
        pub_export_macro: true,
        // Plugin tests compare what they got with what they expect.
        additional_derives: [PartialEq],
        export_macro_name: "export_report_wasm",
        default_bindings_module: "em_plugin_sdk::report::bindings_path",
    });
}

#[doc(hidden)]
pub mod bindings_path {
    pub use super::bindings::*;
}

pub use crate::export_report;

/// Exports `$ty`, which implements [`ReportPlugin`], as the plugin's
/// `reporter` interface. On targets other than WebAssembly it expands to
/// nothing, so that a plugin crate's native tests link.
#[macro_export]
macro_rules! export_report {
    ($ty:ident) => {
        #[cfg(target_family = "wasm")]
        $crate::report::bindings_path::export_report_wasm!($ty);
    };
}
pub use bindings::espaces_metiers::plugin::types::{
    Block, Cell, Chart, ChartKind, Column, Date, Document, Measure, PluginInfo, Row, Section,
    Series, SiteTables, Table,
};
pub use bindings::exports::espaces_metiers::plugin::reporter::Guest as ReportPlugin;

/// A plugin's self-description with the SDK's interface version, serving
/// any site and reading every table; narrow it with [`PluginInfo::sites`]
/// and [`PluginInfo::needs`].
pub fn info(name: &str, version: &str, description: &str) -> PluginInfo {
    PluginInfo {
        name: name.to_owned(),
        version: version.to_owned(),
        interface_version: crate::INTERFACE_VERSION.to_owned(),
        sites: Vec::new(),
        needs: Vec::new(),
        description: description.to_owned(),
    }
}

/// The table with this id, if the host passed it.
pub fn table<'a>(tables: &'a SiteTables, id: &str) -> Option<&'a Table> {
    tables.tables.iter().find(|t| t.id == id)
}

impl Table {
    /// An empty table with these columns, given as `(id, label)` pairs.
    pub fn new(id: &str, title: &str, columns: &[(&str, &str)]) -> Table {
        Table {
            id: id.to_owned(),
            title: title.to_owned(),
            columns: columns
                .iter()
                .map(|(id, label)| Column {
                    id: (*id).to_owned(),
                    label: (*label).to_owned(),
                })
                .collect(),
            rows: Vec::new(),
            note: None,
        }
    }

    /// Adds a row; the host refuses a document whose rows do not have one
    /// cell per column.
    pub fn row(mut self, label: &str, cells: Vec<Cell>) -> Table {
        self.rows.push(Row {
            code: None,
            label: label.to_owned(),
            cells,
        });
        self
    }

    /// Sets the note printed under the table.
    pub fn note(mut self, note: &str) -> Table {
        self.note = Some(note.to_owned());
        self
    }

    /// The index of the column with this id.
    pub fn column(&self, id: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.id == id)
    }

    /// The row standing for this nomenclature code.
    pub fn row_by_code(&self, code: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.code.as_deref() == Some(code))
    }

    /// The cell at the row of this code and the column of this id.
    pub fn cell(&self, code: &str, column: &str) -> Option<&Cell> {
        let c = self.column(column)?;
        self.row_by_code(code)?.cells.get(c)
    }
}

impl Cell {
    /// The count this cell holds, `None` when it is masked, empty or not a
    /// count. A plugin never sees a masked value: small counts are hidden
    /// before the tables reach it.
    pub fn as_count(&self) -> Option<u64> {
        match self {
            Cell::Count(n) => Some(*n),
            _ => None,
        }
    }
}

impl Chart {
    /// A chart with no series yet; `unit` is shown beside the values
    /// (`visites`, `%`).
    pub fn new(id: &str, title: &str, kind: ChartKind, measure: Measure, unit: &str) -> Chart {
        Chart {
            id: id.to_owned(),
            title: title.to_owned(),
            kind,
            measure,
            unit: unit.to_owned(),
            categories: Vec::new(),
            series: Vec::new(),
        }
    }

    /// Sets the categories (the x axis, or the slices of a pie).
    pub fn categories<S: AsRef<str>>(mut self, categories: &[S]) -> Chart {
        self.categories = categories.iter().map(|c| c.as_ref().to_owned()).collect();
        self
    }

    /// Adds a series: one value per category, `None` where it is missing.
    pub fn series(mut self, label: &str, values: Vec<Option<f64>>) -> Chart {
        self.series.push(Series {
            label: label.to_owned(),
            values,
        });
        self
    }
}

impl Document {
    /// An empty document.
    pub fn new(title: &str) -> Document {
        Document {
            title: title.to_owned(),
            sections: Vec::new(),
        }
    }

    /// Adds a section.
    pub fn section(mut self, section: Section) -> Document {
        self.sections.push(section);
        self
    }
}

impl Section {
    /// An empty section; `id` must be unique in the document.
    pub fn new(id: &str, title: &str) -> Section {
        Section {
            id: id.to_owned(),
            title: title.to_owned(),
            blocks: Vec::new(),
        }
    }

    /// Adds a paragraph of text.
    pub fn paragraph(mut self, text: impl Into<String>) -> Section {
        self.blocks.push(Block::Paragraph(text.into()));
        self
    }

    /// Adds a table.
    pub fn table(mut self, table: Table) -> Section {
        self.blocks.push(Block::Table(table));
        self
    }

    /// Adds a chart.
    pub fn chart(mut self, chart: Chart) -> Section {
        self.blocks.push(Block::Chart(chart));
        self
    }
}
