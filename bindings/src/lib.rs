//! `em-bindings`: the library seen from other languages, through uniffi.
//!
//! This crate is the edge: it owns its transfer types (plain records, one
//! error enum) and converts to and from the core's types here, so that
//! `em-core` and the crates around it know nothing of FFI. Dates travel as
//! ISO text, batches of records and rows of statistics as JSON text (one
//! call across the boundary per batch, whatever its size).
//!
//! The Python package `espaces_metiers` (in `python/`) wraps the generated
//! module with type hints, exceptions with fields, and plain dicts.
//!
//! The sites' WebAssembly plugins run through `em-plugin-host` (module
//! [`plugins`]), which links wasmtime into the wheel.

uniffi::setup_scaffolding!();

pub mod activity;
mod convert;
pub mod demo;
pub mod error;
pub mod governance;
pub mod import;
mod json;
pub mod labelling;
pub mod network;
pub mod plugins;
pub mod records;
pub mod registry;
pub mod ruleset;
pub mod territory;

pub use error::{EmError, Problem};

/// The version of the library.
#[uniffi::export]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// The version of the statistics records' schema.
#[uniffi::export]
pub fn schema_version() -> u32 {
    em_core::statistics::SCHEMA_VERSION
}
