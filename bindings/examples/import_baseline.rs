//! The Rust baseline of the bindings' import benchmark: imports one file
//! into a store exactly as `Network.import_file` does (default French
//! mapping, default options) and prints the time it took as JSON.
//! `scripts/bench_bindings.py` runs it beside the same import from Python.
//!
//! Usage: `cargo run --release -p em-bindings --example import_baseline -- FILE DB`

use std::path::Path;
use std::time::Instant;

use em_core::{Registry, Ruleset};
use em_import::{ImportOptions, Importer, Mapping};
use em_store::Store;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(file), Some(db)) = (args.next(), args.next()) else {
        return Err("usage: import_baseline FILE DB".into());
    };
    let ruleset = Ruleset::champagne_ardenne();
    let registry = Registry::champagne_ardenne();
    let mut store = Store::open(&db)?;
    let started = Instant::now();
    let importer = Importer::new(&ruleset, &registry, &Mapping::default_fr())?;
    let report = importer.import_file(&mut store, Path::new(&file), ImportOptions::default())?;
    let seconds = started.elapsed().as_secs_f64();
    println!("{{\"seconds\": {seconds}, \"stored\": {}}}", report.stored);
    Ok(())
}
