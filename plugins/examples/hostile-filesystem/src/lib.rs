//! Test plugin: reads the clock, then tries to read a file. The host gives
//! plugins a clock frozen at zero and no file, and must say which import
//! was refused.

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
