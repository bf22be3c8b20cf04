//! How long the demo data set takes to make: the simulation of two years of
//! the eleven sites, and the writing of their files (CSV, XLSX, JSON Lines).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use em_core::{Registry, Ruleset};
use em_demo::{Calibration, generate, write_files};

fn demo(c: &mut Criterion) {
    let ruleset = Ruleset::champagne_ardenne();
    let registry = Registry::champagne_ardenne();
    let calibration = Calibration::shipped(&ruleset, &registry).expect("shipped calibration");
    let mut group = c.benchmark_group("demo");
    group.sample_size(10);
    group.bench_function("generate two years, 11 sites", |b| {
        b.iter(|| black_box(generate(&calibration, &registry, &ruleset)))
    });
    let data = generate(&calibration, &registry, &ruleset);
    let dir = tempfile::tempdir().expect("a temporary folder");
    group.bench_function("write the 46 files", |b| {
        b.iter(|| black_box(write_files(&data, &calibration, &ruleset, dir.path())))
    });
    group.finish();
}

criterion_group!(benches, demo);
criterion_main!(benches);
