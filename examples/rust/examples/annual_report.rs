//! The main job from Rust: a store, the sites' files imported into it, the
//! activity report (*bilan d'activité*) of a year built from it and written
//! as HTML, JSON and CSV.
//!
//! `cargo run -p em-examples --example annual_report -- OUT_DIR`
//!
//! The files are the generated demo files (see `examples/data`); a site's
//! own software would hand its own files to the importer the same way.

use std::error::Error;
use std::path::PathBuf;

use em_core::activity::{ActivityReport, Aggregator};
use em_core::{Registry, Ruleset};
use em_import::{ImportOptions, Importer, Mapping, Outcome};
use em_store::Store;
use jiff::civil::date;

fn main() -> Result<(), Box<dyn Error>> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "annual-report".into()),
    );
    std::fs::create_dir_all(&out)?;
    let ruleset = Ruleset::champagne_ardenne();
    let registry = Registry::champagne_ardenne();

    // 1. The sites' files: here the demo's, generated from a fixed seed.
    let (_, files) = em_demo::build(&ruleset, &registry, &out.join("data"))?;

    // 2. A store, and every file imported into it: one transaction per file,
    //    all of a file or nothing of it.
    let db = out.join("network.sqlite");
    let _ = std::fs::remove_file(&db);
    let mut store = Store::open(&db)?;
    let importer = Importer::new(&ruleset, &registry, &Mapping::default_fr())?;
    for file in &files {
        let options = ImportOptions {
            kind: Some(file.kind),
            site: file.site.clone(),
            ..ImportOptions::default()
        };
        let report = importer.import_file(&mut store, &file.path, options)?;
        if report.outcome == Outcome::Refused {
            for problem in &report.problems {
                eprintln!("{problem}");
            }
            return Err(format!("{} was refused", file.path.display()).into());
        }
    }

    // 3. The year's records aggregated (the store scans them into the
    //    aggregator, one reused record at a time), for 2009 and 2008.
    let aggregate = |year: i16| -> Result<_, Box<dyn Error>> {
        let mut aggregator = Aggregator::new(&registry, &ruleset, year)?;
        let (from, to) = (date(year, 1, 1), date(year, 12, 31));
        store.scan_visits(from, to, |v| aggregator.add_visit(v))?;
        store.scan_survey_answers(from, to, |s| aggregator.add_survey_answer(s))?;
        store.scan_events(from, to, |e| aggregator.add_event(e))?;
        Ok(aggregator.finish())
    };
    let (current, previous) = (aggregate(2009)?, aggregate(2008)?);

    // 4. The report, masked, and its three renderings.
    let report = ActivityReport::build(&registry, &ruleset, 2009, &current, Some(&previous))?;
    println!("{}", report.summary);
    std::fs::write(
        out.join("index.html"),
        em_render::activity_report_to_html(&report)?,
    )?;
    std::fs::write(out.join("report.json"), em_render::to_json(&report)?)?;
    let csv = out.join("csv");
    std::fs::create_dir_all(&csv)?;
    let options = em_render::Options::for_report(&report);
    for file in em_render::to_csv_files(&report.to_document(), &options) {
        std::fs::write(csv.join(&file.name), file.content)?;
    }
    println!("report: {}", out.join("index.html").display());
    Ok(())
}
