//! The harness on two small plugins written here: it passes a correct one
//! and names what is wrong in a broken one.

use em_plugin_sdk::report::{self, Document, PluginInfo, ReportPlugin, Section, SiteTables, Table};
use em_plugin_sdk::rules::{self as rules, Finding, RulesPlugin, Visit};
use em_plugin_sdk::testing::{self, HarnessError};

struct Counting;

impl ReportPlugin for Counting {
    fn describe() -> PluginInfo {
        let mut info = report::info("counting", "1.0.0", "Counts the tables it gets.");
        info.needs = vec!["visits_by_status".to_owned()];
        info
    }
    fn render(tables: SiteTables) -> Result<Document, String> {
        Ok(Document::new("Count").section(
            Section::new("count", "Count").paragraph(format!("{} table(s)", tables.tables.len())),
        ))
    }
}

struct RaggedTable;

impl ReportPlugin for RaggedTable {
    fn describe() -> PluginInfo {
        report::info("ragged", "1.0.0", "Returns a broken table.")
    }
    fn render(_: SiteTables) -> Result<Document, String> {
        let table = Table::new("t", "T", &[("a", "A"), ("b", "B")])
            .row("only one cell", vec![report::Cell::Count(1)]);
        Ok(Document::new("Broken").section(Section::new("s", "S").table(table)))
    }
}

struct OutOfBatch;

impl RulesPlugin for OutOfBatch {
    fn describe() -> rules::PluginInfo {
        rules::info("out-of-batch", "1.0.0", "Points past the batch.")
    }
    fn check(visits: Vec<Visit>) -> Result<Vec<Finding>, String> {
        Ok(vec![Finding::warning(
            visits.len(),
            "themes",
            "past the end",
        )])
    }
}

#[test]
fn the_harness_passes_only_the_needed_tables() {
    let doc = testing::run_report::<Counting>(testing::sample_site_tables()).unwrap();
    assert_eq!(
        testing::paragraphs(&doc).collect::<Vec<_>>(),
        ["1 table(s)"]
    );
}

#[test]
fn the_harness_names_a_ragged_row() {
    let err = testing::run_report::<RaggedTable>(testing::sample_site_tables()).unwrap_err();
    assert_eq!(
        err,
        HarnessError::Invalid(vec![
            "sections[0].blocks[0].table.rows[0]: 1 cell(s) for 2 column(s)".to_owned()
        ])
    );
}

#[test]
fn the_harness_refuses_a_finding_past_the_batch() {
    let err = testing::run_rules::<OutOfBatch>(testing::sample_visits()).unwrap_err();
    assert_eq!(
        err,
        HarnessError::Invalid(vec!["findings[0]: visit 3 of a batch of 3".to_owned()])
    );
}
