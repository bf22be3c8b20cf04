//! The Rust side of the bindings' boundary: what a Python call costs once
//! it has crossed — a batch of visits parsed, checked and stored, the
//! statistics of a year as rows, and one small query. The Python side is
//! measured beside these by `scripts/bench_bindings.py`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use em_bindings::network::Network;
use em_bindings::ruleset::Ruleset;

const SITES: [&str; 4] = ["sedan", "reims", "troyes", "chaumont"];
const THEMES: [&str; 4] = [
    "guidance",
    "training.offer",
    "employment.cv",
    "guidance.vae",
];

/// `n` valid visits of 2009 as one JSON array, as Python hands them over.
fn visits_json(n: usize, seed: usize) -> String {
    let rows: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"site":"{}","date":"2009-{:02}-{:02}","reference":"{seed}-{i}","visitor":"p{}","contact_mode":"in_person","sex":"female","age_band":"18_25","status":"job_seeker","themes":["{}"],"services":["information"]}}"#,
                SITES[i % SITES.len()],
                i % 12 + 1,
                i % 28 + 1,
                i / 3,
                THEMES[i % THEMES.len()],
            )
        })
        .collect();
    format!("[{}]", rows.join(","))
}

fn boundary(c: &mut Criterion) {
    let mut group = c.benchmark_group("bindings");
    group.sample_size(10);
    let batch = visits_json(10_000, 0);
    group.bench_function("add_records_10k_visits", |b| {
        b.iter(|| {
            let network = Network::in_memory(None, None).expect("a network in memory");
            black_box(
                network
                    .add_records("visit".into(), batch.clone(), None)
                    .expect("valid visits"),
            )
        })
    });
    let network = Network::in_memory(None, None).expect("a network in memory");
    for chunk in 0..10 {
        network
            .add_records("visit".into(), visits_json(10_000, chunk + 1), None)
            .expect("valid visits");
    }
    group.bench_function("statistics_rows_100k_visits", |b| {
        b.iter(|| black_box(network.statistics_json(2009).expect("statistics")))
    });
    let ruleset = Ruleset::shipped();
    group.bench_function("small_count_threshold", |b| {
        b.iter(|| black_box(ruleset.small_count_threshold("2009-06-01".into())))
    });
    group.finish();
}

criterion_group!(benches, boundary);
criterion_main!(benches);
