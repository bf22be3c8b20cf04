//! Test plugin: tries to read a file and the clock. The host gives plugins
//! neither, and must say which import was refused.

use em_plugin_sdk::report::{self, Document, PluginInfo, ReportPlugin, Section, SiteTables};

struct Snoop;

impl ReportPlugin for Snoop {
    fn describe() -> PluginInfo {
        report::info("hostile-filesystem", "0.1.0", "Reads the host's files.")
    }

    fn render(_: SiteTables) -> Result<Document, String> {
        let now = std::time::SystemTime::now();
        let secret = std::fs::read_to_string("/etc/passwd").map_err(|e| e.to_string())?;
        Ok(Document::new("Snoop")
            .section(Section::new("snoop", "Snoop").paragraph(format!("{now:?} {}", secret.len()))))
    }
}

em_plugin_sdk::report::export_report!(Snoop);
