//! Benchmarks of the plugin host, against the targets of the plugin work:
//!
//! - `report_call/youth-report`: one report-plugin call for one site, a
//!   fresh instance included, the plugin compiled and cached: under 2 ms;
//! - `load_cached_in_new_process`: a new process starts a host and loads
//!   the cached plugin: under 50 ms;
//! - `report_run/youth-report`: one site of a report run, where the plugin
//!   keeps its instance from site to site, beside `native/youth-report`:
//!   the same plugin code compiled natively and run by the SDK's test
//!   harness (describe, the tables it needs, render, the document's
//!   checks), with the conversions from and to the library's types; the
//!   plugin at most 3× slower.
//!
//! The bench binary doubles as the child process of the second benchmark:
//! started with `EM_PLUGIN_BENCH_CHILD` set to a manifest, it loads it and
//! exits.

#[path = "../tests/common/mod.rs"]
mod common;
// The example's own source, compiled natively: the same code the plugin runs.
#[allow(dead_code, unused_imports)]
#[path = "../../examples/youth-report/src/lib.rs"]
mod youth_report;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use criterion::{Criterion, criterion_group};
use em_core::report as core;
use em_plugin_host::{HostConfig, PluginHost, SiteTables};
use em_plugin_sdk::report as sdk;
use em_plugin_sdk::testing;

const CHILD: &str = "EM_PLUGIN_BENCH_CHILD";

/// What a native report does with the same input: convert the library's
/// tables to the SDK's, run the plugin's code under the SDK's harness
/// (which keeps the tables it needs and checks the document, as the host
/// does), and convert the document back.
fn native(tables: &SiteTables) -> core::Document {
    let date = |d: jiff::civil::Date| sdk::Date {
        year: d.year(),
        month: d.month().unsigned_abs(),
        day: d.day().unsigned_abs(),
    };
    let input = sdk::SiteTables {
        site: tables.site.clone(),
        period_start: date(tables.period_start),
        period_end: date(tables.period_end),
        tables: tables
            .tables
            .iter()
            .map(|t| sdk::Table {
                id: t.id.clone(),
                title: t.title.clone(),
                columns: t
                    .columns
                    .iter()
                    .map(|c| sdk::Column {
                        id: c.id.clone(),
                        label: c.label.clone(),
                    })
                    .collect(),
                rows: t
                    .rows
                    .iter()
                    .map(|r| sdk::Row {
                        code: r.code.clone(),
                        label: r.label.clone(),
                        cells: r
                            .cells
                            .iter()
                            .map(|c| match c {
                                core::Cell::Count(n) => sdk::Cell::Count(*n),
                                core::Cell::Masked => sdk::Cell::Masked,
                                core::Cell::Percent(p) => sdk::Cell::Percent(*p),
                                core::Cell::Number(x) => sdk::Cell::Number(*x),
                                core::Cell::Text(t) => sdk::Cell::Text(t.clone()),
                                core::Cell::Empty => sdk::Cell::Empty,
                            })
                            .collect(),
                    })
                    .collect(),
                note: t.note.clone(),
            })
            .collect(),
    };
    let doc = testing::run_report::<youth_report::YouthReport>(input).expect("the sample renders");
    core::Document {
        title: doc.title,
        sections: doc
            .sections
            .into_iter()
            .map(|s| core::Section {
                id: s.id,
                title: s.title,
                blocks: s
                    .blocks
                    .into_iter()
                    .map(|b| match b {
                        sdk::Block::Paragraph(text) => core::Block::Text { text },
                        sdk::Block::Table(t) => core::Block::Table(back_table(t)),
                        sdk::Block::Chart(c) => core::Block::Chart(core::Chart {
                            id: c.id,
                            title: c.title,
                            kind: core::ChartKind::Bar,
                            categories: c.categories,
                            series: c
                                .series
                                .into_iter()
                                .map(|s| core::Series {
                                    label: s.label,
                                    values: s.values,
                                })
                                .collect(),
                            unit: c.unit,
                        }),
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn back_table(t: sdk::Table) -> core::Table {
    core::Table {
        id: t.id,
        title: t.title,
        columns: t
            .columns
            .into_iter()
            .map(|c| core::Column {
                id: c.id,
                label: c.label,
            })
            .collect(),
        rows: t
            .rows
            .into_iter()
            .map(|r| core::Row {
                code: r.code,
                label: r.label,
                cells: r
                    .cells
                    .into_iter()
                    .map(|c| match c {
                        sdk::Cell::Count(n) => core::Cell::Count(n),
                        sdk::Cell::Masked => core::Cell::Masked,
                        sdk::Cell::Percent(p) => core::Cell::Percent(p),
                        sdk::Cell::Number(x) => core::Cell::Number(x),
                        sdk::Cell::Text(t) => core::Cell::Text(t),
                        sdk::Cell::Empty => core::Cell::Empty,
                    })
                    .collect(),
            })
            .collect(),
        note: t.note,
    }
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let manifest = common::install(
        dir.path(),
        &[common::Plugin::report(
            "youth-report",
            common::wasm("youth_report"),
        )],
    );
    let mut host = common::host(dir.path());
    let outcome = host.load_manifest(&manifest).unwrap();
    assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
    let tables = common::troyes();
    // Same input, same work: both sides give the same document.
    assert_eq!(
        host.run_report("youth-report", &tables).unwrap(),
        native(&tables)
    );

    let mut group = c.benchmark_group("plugins");
    group.bench_function("report_call/youth-report", |b| {
        b.iter(|| host.run_report("youth-report", &tables).unwrap())
    });
    let mut run = host.report_run();
    group.bench_function("report_run/youth-report", |b| {
        b.iter(|| run.run_report("youth-report", &tables).unwrap())
    });
    drop(run);
    group.bench_function("native/youth-report", |b| b.iter(|| native(&tables)));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));
    let exe = std::env::current_exe().unwrap();
    group.bench_function("load_cached_in_new_process", |b| {
        b.iter(|| {
            let status = Command::new(&exe).env(CHILD, &manifest).status().unwrap();
            assert!(status.success());
        })
    });
    group.finish();
}

/// The child of `load_cached_in_new_process`: a host, its cache, one load.
fn child(manifest: &Path) {
    let cache = manifest.parent().unwrap().join("cache");
    let mut host = PluginHost::new(HostConfig::with_cache(cache)).unwrap();
    let outcome = host.load_manifest(manifest).unwrap();
    assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
}

criterion_group!(plugin_benches, benches);

fn main() {
    if let Some(manifest) = std::env::var_os(CHILD) {
        child(Path::new(&manifest));
        return;
    }
    plugin_benches();
    Criterion::default().configure_from_args().final_summary();
}
