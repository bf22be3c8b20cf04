//! Criterion benchmark of a French CSV import into a store in memory: the
//! per-row cost, tracked between changes. The side-by-side comparison with
//! the sqlite3 shell and pandas on a million rows is
//! `scripts/bench-import.sh`.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use em_core::{Registry, Ruleset};
use em_import::{Format, ImportOptions, Importer, Mapping};
use em_store::Store;

const ROWS: usize = 20_000;

/// Rows as a site's spreadsheet writes them, cycling through French labels.
fn french_csv() -> Vec<u8> {
    let sites = ["Sedan", "Troyes", "Reims", "Chaumont", "Épernay"];
    let statuses = ["Demandeur d'emploi", "Salarié(e)", "Étudiant(e)", ""];
    let themes = [
        "Orientation|Formation",
        "CV, lettre de motivation",
        "Emploi",
    ];
    let mut text = String::from(
        "Site;Date;N° de fiche;Mode de contact;Sexe;Statut;Commune;Première visite;Thèmes;Orientation vers\r\n",
    );
    for i in 0..ROWS {
        text.push_str(&format!(
            "{};{:02}/{:02}/2009;F-{i};Sur place;{};{};08409;{};{};Pôle emploi\r\n",
            sites[i % sites.len()],
            i % 28 + 1,
            i % 12 + 1,
            if i % 2 == 0 { "Femme" } else { "Homme" },
            statuses[i % statuses.len()],
            if i % 3 == 0 { "oui" } else { "non" },
            themes[i % themes.len()],
        ));
    }
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    bytes.into_owned()
}

fn import(c: &mut Criterion) {
    let (ruleset, registry) = (Ruleset::champagne_ardenne(), Registry::champagne_ardenne());
    let importer = Importer::new(&ruleset, &registry, &Mapping::default_fr()).unwrap();
    let bytes = french_csv();
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS as u64));
    group.bench_function("french_csv_20k_visits", |b| {
        b.iter_batched(
            || Store::open_in_memory().unwrap(),
            |mut store| {
                let report = importer
                    .import_bytes(
                        &mut store,
                        "v.csv",
                        Format::Csv,
                        &bytes,
                        ImportOptions::default(),
                    )
                    .unwrap();
                assert_eq!(report.stored, ROWS as u64);
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, import);
criterion_main!(benches);
