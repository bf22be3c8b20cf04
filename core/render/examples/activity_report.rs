//! Writes the activity report of a generated year as HTML, JSON and CSV, to
//! look at what the renderers draw.
//!
//! `cargo run -p em-render --example activity_report -- <folder> [visits]`

use std::fs;
use std::path::PathBuf;

use em_core::activity::{ActivityReport, Aggregator, sample};
use em_core::{Registry, Ruleset};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let folder = PathBuf::from(
        args.next()
            .ok_or("usage: activity_report <folder> [visits]")?,
    );
    let visits: usize = args.next().map_or(Ok(30_000), |n| n.parse())?;
    let registry = Registry::champagne_ardenne();
    let ruleset = Ruleset::champagne_ardenne();
    let mut years = Vec::new();
    for (year, count) in [(2008, visits * 9 / 10), (2009, visits)] {
        let mut aggregator = Aggregator::new(&registry, &ruleset, year)?;
        sample::SampleVisits::generate(&registry, &ruleset, year, count, year as u64)
            .for_each(|v| aggregator.add_visit(v));
        for answer in sample::survey_answers(&registry, &ruleset, year, count / 15, year as u64) {
            aggregator.add_survey_answer(&answer);
        }
        for event in sample::events(&registry, &ruleset, year, 40 + count / 500, year as u64) {
            aggregator.add_event(&event);
        }
        years.push(aggregator.finish());
    }
    let report = ActivityReport::build(&registry, &ruleset, 2009, &years[1], Some(&years[0]))?;
    fs::create_dir_all(folder.join("csv"))?;
    fs::write(
        folder.join("report.html"),
        em_render::activity_report_to_html(&report)?,
    )?;
    fs::write(folder.join("report.json"), em_render::to_json(&report)?)?;
    let options = em_render::Options::for_report(&report);
    for file in em_render::to_csv_files(&report.to_document(), &options) {
        fs::write(folder.join("csv").join(&file.name), file.content)?;
    }
    println!("{}", report.summary);
    println!("written to {}", folder.display());
    Ok(())
}
