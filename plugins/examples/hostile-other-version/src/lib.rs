//! Test plugin: built against interface version 0.2.0 of the WIT package,
//! which the host (0.1.0) must refuse at load, naming both versions.

wit_bindgen::generate!({ path: "wit", world: "report" });

use espaces_metiers::plugin::types::{Document, PluginInfo, Section, SiteTables};

struct Future;

impl exports::espaces_metiers::plugin::reporter::Guest for Future {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "hostile-other-version".to_owned(),
            version: "0.1.0".to_owned(),
            interface_version: "0.2.0".to_owned(),
            sites: Vec::new(),
            needs: Vec::new(),
            description: "Built for a later interface.".to_owned(),
        }
    }

    fn render(_: SiteTables) -> Result<Document, String> {
        Ok(Document {
            title: "Future".to_owned(),
            sections: vec![Section {
                id: "future".to_owned(),
                title: "Future".to_owned(),
                blocks: Vec::new(),
            }],
        })
    }
}

export!(Future);
