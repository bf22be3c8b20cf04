//! Test plugin: allocates without end in `render`. The host must stop it
//! at its memory cap and carry on.

use em_plugin_sdk::report::{self, Document, PluginInfo, ReportPlugin, SiteTables};

struct Hog;

impl ReportPlugin for Hog {
    fn describe() -> PluginInfo {
        report::info("hostile-memory", "0.1.0", "Grows its memory past any cap.")
    }

    fn render(_: SiteTables) -> Result<Document, String> {
        let mut hoard: Vec<Vec<u8>> = Vec::new();
        loop {
            // Touch every page so the growth is real.
            hoard.push(std::hint::black_box(vec![7u8; 1 << 20]));
        }
    }
}

em_plugin_sdk::report::export_report!(Hog);
