//! `em-core`: the rules of a network of *Espaces métiers* — job, training and
//! careers-guidance centres — as a pure Rust library.
//!
//! The core does no I/O: it is handed texts and records and returns typed
//! results, each decision with its explanation. Storage, import formats,
//! renderers, bindings and plugins live in other crates around it.
//!
//! - [`registry`]: the network — region, départements, communes, sites, host
//!   structures, coordinators, partners;
//! - [`ruleset`] and [`dated`]: the rules as versioned, dated data;
//! - [`statistics`]: the records of the regional statistics tools and their
//!   checks;
//! - [`report`]: reports as typed data (tables, charts, notes).

pub mod activity;
pub mod dated;
pub mod registry;
pub mod report;
pub mod ruleset;
pub mod statistics;

pub use registry::Registry;
pub use ruleset::Ruleset;
