//! The Rust side of `scripts/bench_report.py`: writes the generated visits
//! of 2009 (the criterion benchmark's, same seed) as a CSV for pandas and
//! DuckDB, then times the full activity report on them and prints the
//! figures as one JSON line.
//!
//! `cargo run --release -p em-render --example bench_report -- <folder> [visits] [runs]`

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use em_core::activity::{ActivityReport, Aggregator, sample};
use em_core::{Registry, Ruleset};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let folder = PathBuf::from(
        args.next()
            .ok_or("usage: bench_report <folder> [visits] [runs]")?,
    );
    let count: usize = args.next().map_or(Ok(1_000_000), |n| n.parse())?;
    let runs: usize = args.next().map_or(Ok(5), |n| n.parse())?;
    let registry = Registry::champagne_ardenne();
    let ruleset = Ruleset::champagne_ardenne();
    let current = sample::SampleVisits::generate(&registry, &ruleset, 2009, count, 2009);
    let previous = sample::SampleVisits::generate(&registry, &ruleset, 2008, count * 9 / 10, 2008);

    fs::create_dir_all(&folder)?;
    let mut out = BufWriter::new(File::create(folder.join("visits-2009.csv"))?);
    writeln!(
        out,
        "site,date,visitor,contact_mode,sex,age_band,status,education_level,commune,first_visit,arrival_channel,themes,services,referrals"
    )?;
    let mut failure = None;
    current.for_each(|v| {
        let o = |x: &Option<String>| x.clone().unwrap_or_default();
        let line = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            v.site,
            v.date,
            o(&v.visitor),
            v.contact_mode,
            o(&v.sex),
            o(&v.age_band),
            o(&v.status),
            o(&v.education_level),
            o(&v.commune),
            v.first_visit.map_or("", |f| if f { "yes" } else { "no" }),
            o(&v.arrival_channel),
            v.themes.join("|"),
            v.services.join("|"),
            v.referrals.join("|"),
        );
        if let Err(e) = line {
            failure.get_or_insert(e);
        }
    });
    if let Some(e) = failure {
        return Err(e.into());
    }
    out.flush()?;
    let mut sites = BufWriter::new(File::create(folder.join("sites.csv"))?);
    writeln!(sites, "site,departement")?;
    for site in &registry.sites {
        let departement = registry
            .site_departement(site)
            .map(|d| d.code.as_str())
            .unwrap_or("");
        writeln!(sites, "{},{}", site.id, departement)?;
    }
    sites.flush()?;

    let aggregate = |year: i16, visits: &sample::SampleVisits| {
        let mut aggregator = Aggregator::new(&registry, &ruleset, year).expect("rules in force");
        visits.for_each(|v| aggregator.add_visit(v));
        aggregator.finish()
    };
    let previous = aggregate(2008, &previous);
    // What handing out the records costs by itself (the generator's part,
    // which a store's scan replaces), to tell it from the counting.
    let mut best_fill = f64::MAX;
    for _ in 0..runs {
        let start = Instant::now();
        let mut days = 0u64;
        current.for_each(|v| days += u64::from(v.date.day().unsigned_abs()));
        std::hint::black_box(days);
        best_fill = best_fill.min(start.elapsed().as_secs_f64());
    }
    let (mut best_aggregate, mut best_total, mut best_cpu) = (f64::MAX, f64::MAX, f64::MAX);
    let mut html_bytes = 0;
    let mut region = (0, 0);
    for _ in 0..runs {
        let start = Instant::now();
        let cpu_start = cpu_seconds();
        let aggregates = aggregate(2009, &current);
        let counted = start.elapsed().as_secs_f64();
        region = (aggregates.region.visits, aggregates.region.visitors);
        let report =
            ActivityReport::build(&registry, &ruleset, 2009, &aggregates, Some(&previous))?;
        let html = em_render::activity_report_to_html(&report)?;
        let json = em_render::to_json(&report)?;
        let total = start.elapsed().as_secs_f64();
        best_cpu = best_cpu.min(cpu_seconds() - cpu_start);
        html_bytes = html.len() + json.len();
        best_aggregate = best_aggregate.min(counted);
        best_total = best_total.min(total);
    }
    println!(
        "{{\"visits\": {count}, \"rust_fill_s\": {best_fill:.4}, \"rust_aggregate_s\": {best_aggregate:.4}, \"rust_full_report_s\": {best_total:.4}, \"rust_full_report_cpu_s\": {best_cpu:.4}, \"output_bytes\": {html_bytes}, \"region_visits\": {}, \"region_visitors\": {}}}",
        region.0, region.1
    );
    Ok(())
}

/// CPU time used by this process so far (user and system), from
/// `/proc/self/stat`: on a machine shared with other work it says what the
/// report costs better than the wall clock does. Zero where it is not
/// available.
fn cpu_seconds() -> f64 {
    let Ok(stat) = fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name, which is in parentheses.
    let Some(rest) = stat.rsplit(')').next() else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 here; the
    // kernel counts them in hundredths of a second on every common system.
    (ticks(11) + ticks(12)) / 100.0
}
