//! The annual activity report over 1,000,000 generated visits: counting,
//! masking, building the document, and drawing it as HTML and JSON.
//!
//! The visits are drawn by the seeded generator of `em_core::activity::sample`
//! and handed to the aggregator one by one through a reused record, as the
//! store's scan does. The previous year's aggregates (for the comparison
//! columns) are counted once outside the timed part: a report is made once a
//! year, and last year's counts are last year's report's.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use em_core::activity::{ActivityReport, Aggregates, Aggregator, sample};
use em_core::{Registry, Ruleset};

const VISITS: usize = 1_000_000;

fn aggregate(
    registry: &Registry,
    ruleset: &Ruleset,
    year: i16,
    visits: &sample::SampleVisits,
) -> Aggregates {
    let mut aggregator = Aggregator::new(registry, ruleset, year).expect("rules in force");
    visits.for_each(|v| aggregator.add_visit(v));
    for answer in sample::survey_answers(registry, ruleset, year, 20_000, 5) {
        aggregator.add_survey_answer(&answer);
    }
    for event in sample::events(registry, ruleset, year, 600, 5) {
        aggregator.add_event(&event);
    }
    aggregator.finish()
}

fn bench(c: &mut Criterion) {
    let registry = Registry::champagne_ardenne();
    let ruleset = Ruleset::champagne_ardenne();
    let current = sample::SampleVisits::generate(&registry, &ruleset, 2009, VISITS, 2009);
    let previous = sample::SampleVisits::generate(&registry, &ruleset, 2008, VISITS * 9 / 10, 2008);
    let previous = aggregate(&registry, &ruleset, 2008, &previous);
    let aggregates = aggregate(&registry, &ruleset, 2009, &current);

    let mut group = c.benchmark_group("activity_report");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("aggregate_1m_visits", |b| {
        b.iter(|| black_box(aggregate(&registry, &ruleset, 2009, &current)))
    });
    group.bench_function("mask_and_build_document", |b| {
        b.iter(|| {
            let report =
                ActivityReport::build(&registry, &ruleset, 2009, &aggregates, Some(&previous))
                    .expect("report");
            black_box(report.to_document())
        })
    });
    let report = ActivityReport::build(&registry, &ruleset, 2009, &aggregates, Some(&previous))
        .expect("report");
    group.bench_function("render_html", |b| {
        b.iter(|| black_box(em_render::activity_report_to_html(&report).expect("html")))
    });
    group.bench_function("render_json", |b| {
        b.iter(|| black_box(em_render::to_json(&report).expect("json")))
    });
    group.bench_function("full_report_1m_visits", |b| {
        b.iter(|| {
            let aggregates = aggregate(&registry, &ruleset, 2009, &current);
            let report =
                ActivityReport::build(&registry, &ruleset, 2009, &aggregates, Some(&previous))
                    .expect("report");
            let html = em_render::activity_report_to_html(&report).expect("html");
            let json = em_render::to_json(&report).expect("json");
            black_box((html.len(), json.len()))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
