//! The `rules` world: bindings, and helpers for the findings a rules
//! plugin returns.
//!
//! A rules plugin implements [`RulesPlugin`] and exports it with
//! [`export_rules!`]. It receives a batch of visits
//! and returns [`Finding`]s, each naming the visit by its index in the
//! batch, the field, and why.

// The generated glue lifts and lowers values across the component boundary
// with raw pointers; it is the only unsafe code in the SDK.
#[allow(unsafe_code, missing_debug_implementations, unused_qualifications)]
mod bindings {
    wit_bindgen::generate!({
        path: "../wit",
        world: "rules",
        pub_export_macro: true,
        // Plugin tests compare what they got with what they expect.
        additional_derives: [PartialEq],
        export_macro_name: "export_rules_wasm",
        default_bindings_module: "em_plugin_sdk::rules::bindings_path",
    });
}

#[doc(hidden)]
pub mod bindings_path {
    pub use super::bindings::*;
}

pub use crate::export_rules;

/// Exports `$ty`, which implements [`RulesPlugin`], as the plugin's
/// `validator` interface. On targets other than WebAssembly it expands to
/// nothing, so that a plugin crate's native tests link.
#[macro_export]
macro_rules! export_rules {
    ($ty:ident) => {
        #[cfg(target_family = "wasm")]
        $crate::rules::bindings_path::export_rules_wasm!($ty);
    };
}
pub use bindings::espaces_metiers::plugin::types::{Date, Finding, PluginInfo, Severity, Visit};
pub use bindings::exports::espaces_metiers::plugin::validator::Guest as RulesPlugin;

/// A plugin's self-description with the SDK's interface version, serving
/// any site; narrow it with [`PluginInfo::sites`] and [`PluginInfo::needs`].
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

impl Finding {
    /// A finding that refuses visit number `visit` of the batch.
    pub fn error(visit: usize, field: &str, reason: impl Into<String>) -> Finding {
        Finding::new(visit, field, Severity::Error, reason.into())
    }

    /// A finding shown to the importer; the visit is kept.
    pub fn warning(visit: usize, field: &str, reason: impl Into<String>) -> Finding {
        Finding::new(visit, field, Severity::Warning, reason.into())
    }

    fn new(visit: usize, field: &str, severity: Severity, reason: String) -> Finding {
        Finding {
            // A batch longer than u32::MAX cannot cross the boundary, so the
            // index always fits.
            visit: u32::try_from(visit).unwrap_or(u32::MAX),
            field: field.to_owned(),
            severity,
            reason,
        }
    }
}

impl Visit {
    /// A visit with only the mandatory fields set, for tests.
    pub fn sample(site: &str, date: Date, contact_mode: &str) -> Visit {
        Visit {
            site: site.to_owned(),
            date,
            contact_mode: contact_mode.to_owned(),
            sex: None,
            age_band: None,
            status: None,
            education_level: None,
            commune: None,
            first_visit: None,
            arrival_channel: None,
            themes: Vec::new(),
            services: Vec::new(),
            referrals: Vec::new(),
        }
    }
}
