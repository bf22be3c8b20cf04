//! Test plugin: loops for ever in `render`. The host must stop it at its
//! deadline and carry on.

use em_plugin_sdk::report::{self, Document, PluginInfo, ReportPlugin, SiteTables};

struct Loop;

impl ReportPlugin for Loop {
    fn describe() -> PluginInfo {
        report::info("hostile-loop", "0.1.0", "Never returns from render.")
    }

    fn render(tables: SiteTables) -> Result<Document, String> {
        let mut n = tables.tables.len() as u64;
        loop {
            // Opaque to the optimiser, so the loop is not removed.
            n = std::hint::black_box(n.wrapping_mul(6364136223846793005).wrapping_add(1));
        }
    }
}

em_plugin_sdk::report::export_report!(Loop);
