//! Judging 10,000 applications against a 50-criterion specification.
//!
//! The specification is generated here (numbers, yes/no, codes, lists and
//! dates, combined with all / any / not) so that its size is the target's,
//! not the shipped one's sixteen criteria. The applications are generated
//! with a fixed seed, a few facts left out of each so that every verdict
//! (met, not met, unknown) occurs. Four figures: verdicts alone; the
//! evaluation the API returns (verdicts, values read, criterion, summary:
//! everything that explains each criterion); writing every sentence of
//! those evaluations; and reading the files, then evaluating.
//!
//! A fifth figure is the shipped specification in its territory: 10,000
//! copies of the example application, each in a commune drawn from the
//! region's 1,914, judged by `Labelling::judge`, which first works out the
//! catchment overlap of a site there — what every submission now costs.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use em_labelling::{ApplicationDocument, Evaluation, Facts, Format, Labelling, LabellingRules};
use jiff::civil::date;

const CRITERIA: usize = 50;
const APPLICATIONS: usize = 10_000;

#[path = "../tests/support/generated.rs"]
mod generated;

use generated::{Lcg, application, specification};

fn bench(c: &mut Criterion) {
    let rules = LabellingRules::parse("labelling.toml", &specification(CRITERIA), "bench", "1")
        .expect("the generated specification loads");
    let in_force = rules
        .specification
        .in_force(date(2010, 3, 15))
        .expect("criteria in force");
    assert_eq!(in_force.criteria().len(), CRITERIA);
    let mut rng = Lcg(2010);
    let texts: Vec<String> = (0..APPLICATIONS).map(|_| application(&mut rng)).collect();
    let facts: Vec<Facts> = texts
        .iter()
        .map(|t| {
            ApplicationDocument::parse(t, Format::Json)
                .and_then(|d| d.facts_for(&rules.specification))
                .expect("generated applications read")
        })
        .collect();

    let mut group = c.benchmark_group("labelling");
    group.sample_size(20);
    group.bench_function("judge 10k applications x 50 criteria (verdicts)", |b| {
        b.iter(|| {
            for f in &facts {
                black_box(in_force.judge(black_box(f.slots())));
            }
        });
    });
    group.bench_function(
        "evaluate 10k applications x 50 criteria (with explanations)",
        |b| {
            b.iter(|| {
                for f in &facts {
                    black_box(in_force.evaluate(black_box(f.slots())));
                }
            });
        },
    );
    // The sentences apart: an evaluation writes them when they are read,
    // so reading all of them is its own figure.
    let evaluations: Vec<Evaluation> = facts.iter().map(|f| in_force.evaluate(f.slots())).collect();
    group.bench_function("write the 500k sentences of 10k evaluations", |b| {
        let mut sentence = String::with_capacity(256);
        b.iter(|| {
            for evaluation in &evaluations {
                for criterion in &evaluation.criteria {
                    sentence.clear();
                    criterion.write_explanation(&mut sentence);
                    black_box(&sentence);
                }
            }
        });
    });
    group.bench_function("read and evaluate 10k JSON application files", |b| {
        b.iter(|| {
            for t in &texts {
                let facts = ApplicationDocument::parse(black_box(t), Format::Json)
                    .and_then(|d| d.facts_for(&rules.specification))
                    .expect("generated applications read");
                black_box(in_force.evaluate(facts.slots()));
            }
        });
    });
    group.finish();
}

fn bench_in_territory(c: &mut Criterion) {
    let registry = em_core::Registry::champagne_ardenne();
    let labelling = Labelling::from_ruleset(&em_core::Ruleset::champagne_ardenne(), &registry)
        .expect("the shipped labelling loads");
    let example = include_str!("../../../examples/applications/langres-2010.toml");
    let mut rng = Lcg(2010);
    let documents: Vec<ApplicationDocument> = (0..APPLICATIONS)
        .map(|_| {
            let at = (rng.next() as usize) % registry.communes.len();
            let commune = &registry.communes[at].code;
            let text = example.replace("\"51507\"", &format!("\"{commune}\""));
            ApplicationDocument::parse(&text, Format::Toml).expect("the example reads")
        })
        .collect();
    let day = date(2010, 3, 15);
    let mut group = c.benchmark_group("labelling");
    group.sample_size(10);
    group.bench_function(
        "judge 10k shipped applications with their catchment overlap",
        |b| {
            b.iter(|| {
                for d in &documents {
                    black_box(labelling.judge(black_box(d), day).expect("judged"));
                }
            });
        },
    );
    group.finish();
}

criterion_group!(benches, bench, bench_in_territory);
criterion_main!(benches);
