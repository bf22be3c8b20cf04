//! The kit for writing an espaces-metiers plugin in Rust.
//!
//! A plugin is a WebAssembly component built for `wasm32-wasip2`. It
//! implements one of the two worlds of the `espaces-metiers:plugin` WIT
//! package, which this crate turns into Rust with `wit-bindgen`:
//!
//! - feature `report`: module [`report`], a plugin that draws a section of
//!   the activity report from one site's aggregated tables;
//! - feature `rules`: module [`rules`], a plugin that checks visits at
//!   import and returns findings.
//!
//! Enable exactly one of the two in a plugin crate. Feature `allocator`
//! (on by default) gives the plugin a size-class allocator much faster than
//! the C library's for the many small blocks of a call. [`format`] writes
//! numbers as the report's sentences do (`20,2 %`). [`testing`] runs a
//! plugin's logic natively, against sample data, without the host, so a
//! plugin is unit-tested with a plain `cargo test`.
//!
//! ```text
//! use em_plugin_sdk::report::{self, Document, PluginInfo, ReportPlugin, SiteTables};
//!
//! struct MyReport;
//! impl ReportPlugin for MyReport {
//!     fn describe() -> PluginInfo { report::info("my-report", "0.1.0", "What it shows.") }
//!     fn render(tables: SiteTables) -> Result<Document, String> { todo!() }
//! }
//! em_plugin_sdk::report::export_report!(MyReport);
//! ```

/// The version of the WIT package this SDK was generated from. A plugin
/// reports it from `describe`, and the host refuses a plugin whose version
/// is not compatible with its own.
pub const INTERFACE_VERSION: &str = "0.1.0";

// The plugin's allocator, on WebAssembly only; tested natively.
#[cfg(any(test, all(feature = "allocator", target_arch = "wasm32")))]
mod allocator;
pub mod format;
#[cfg(feature = "report")]
pub mod report;
#[cfg(feature = "rules")]
pub mod rules;
pub mod testing;
