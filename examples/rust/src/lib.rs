//! Embedding `espaces-metiers` from Rust: complete programs, one per job,
//! under `examples/`. Run one with
//! `cargo run -p em-examples --example <name> -- <arguments>`:
//!
//! - `check_visits`: check visit records against the statistics rules in
//!   force on their day, printing every problem of every record;
//! - `annual_report`: open a store, import the sites' files, build the
//!   activity report of a year and render it as HTML, JSON and CSV.
//!
//! The crate itself holds nothing but this page; `scripts/test-all.sh` runs
//! `annual_report` end to end.
