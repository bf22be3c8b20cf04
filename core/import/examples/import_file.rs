//! Imports one file into a store with the shipped ruleset, registry and
//! mapping, and prints the account: what the benchmark times.
//!
//! `cargo run --release -p em-import --example import_file -- STORE FILE`

use em_core::{Registry, Ruleset};
use em_import::{ImportOptions, Importer, Mapping, Outcome};
use em_store::Store;

// The allocator `em` itself uses, so that the benchmark times what `em
// import` runs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let db = args.next().ok_or("STORE missing")?;
    let file = args.next().ok_or("FILE missing")?;
    let (ruleset, registry) = (Ruleset::champagne_ardenne(), Registry::champagne_ardenne());
    let importer = Importer::new(&ruleset, &registry, &Mapping::default_fr())?;
    let mut store = Store::open(&db)?;
    let report = importer.import_file(&mut store, file.as_ref(), ImportOptions::default())?;
    for problem in report.problems.iter().take(20) {
        eprintln!("{problem}");
    }
    match report.outcome {
        Outcome::Imported(info) => println!("{} rows stored from {}", info.rows, info.file_name),
        Outcome::AlreadyImported(info) => println!("already imported on {}", info.imported_at),
        Outcome::Refused => {
            eprintln!(
                "refused: {} problems",
                report.problems.len() as u64 + report.problems_not_listed
            );
            std::process::exit(1);
        }
    }
    Ok(())
}
