//! Test plugin: panics in `render`, which traps. The host must report the
//! trap and carry on.

use em_plugin_sdk::report::{self, Document, PluginInfo, ReportPlugin, SiteTables};

struct Crash;

impl ReportPlugin for Crash {
    fn describe() -> PluginInfo {
        report::info("hostile-trap", "0.1.0", "Panics when asked to render.")
    }

    fn render(tables: SiteTables) -> Result<Document, String> {
        let index = std::hint::black_box(tables.tables.len() + 1000);
        // An out-of-bounds index panics, and a panic traps.
        let _ = tables.tables[index].id.len();
        Err("unreachable".to_owned())
    }
}

em_plugin_sdk::report::export_report!(Crash);
