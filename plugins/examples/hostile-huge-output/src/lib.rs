//! Test plugin: returns a document of about 8 MiB. The host must refuse it
//! as too large and carry on.

use em_plugin_sdk::report::{self, Document, PluginInfo, ReportPlugin, Section, SiteTables};

struct Flood;

impl ReportPlugin for Flood {
    fn describe() -> PluginInfo {
        report::info(
            "hostile-huge-output",
            "0.1.0",
            "Returns far more than its limit.",
        )
    }

    fn render(_: SiteTables) -> Result<Document, String> {
        let mut section = Section::new("flood", "Flood");
        for _ in 0..128 {
            section = section.paragraph("x".repeat(64 << 10));
        }
        Ok(Document::new("Flood").section(section))
    }
}

em_plugin_sdk::report::export_report!(Flood);
