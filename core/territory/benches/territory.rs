//! Speed of the territory analyses: on the real region (1 914 communes, 11
//! sites) and on generated points the size of mainland France (35 000
//! communes; 2 000 sites, and 200 to leave large white zones), with the
//! naive every-pair nearest-site search beside the indexed one.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use em_core::registry::{Commune, Departement};
use em_core::{Registry, Ruleset};
use em_territory::{GeoPoint, PlacedSite, Territory, TerritoryRuleset, great_circle_km};

fn rules() -> em_territory::TerritoryRules {
    TerritoryRuleset::from_ruleset(&Ruleset::champagne_ardenne())
        .expect("shipped ruleset")
        .at(jiff::civil::date(2010, 6, 1))
        .expect("rules in force")
}

/// A small deterministic generator, so that every run measures the same
/// points.
struct Lcg(u64);

impl Lcg {
    fn next_f64(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `communes` points spread over mainland France's bounding box, with a
/// skewed population (most communes small, a few large), and `sites` of
/// them hosting a site.
fn generated(communes: usize, sites: usize) -> Territory {
    let mut rng = Lcg(42);
    let departements: Vec<Departement> = (0..96)
        .map(|d| Departement {
            code: format!("{d:02}"),
            name: format!("Département {d:02}"),
        })
        .collect();
    let list: Vec<Commune> = (0..communes)
        .map(|i| {
            let latitude = 42.5 + 8.5 * rng.next_f64();
            let longitude = -4.5 + 12.5 * rng.next_f64();
            let population = (30.0 * (8.0 * rng.next_f64()).exp()) as u32;
            Commune {
                code: format!("{i:05}"),
                name: format!("Commune {i}"),
                departement: format!("{:02}", i % 96),
                population,
                latitude,
                longitude,
            }
        })
        .collect();
    let step = communes / sites;
    let placed: Vec<PlacedSite> = (0..sites)
        .map(|s| PlacedSite {
            id: format!("site-{s:04}"),
            name: format!("Site {s}"),
            commune: format!("{:05}", s * step),
        })
        .collect();
    Territory::new(departements, list, placed).expect("generated territory is valid")
}

/// The nearest site of every commune by comparing every pair: the baseline
/// the grid index is measured against.
fn naive_nearest(t: &Territory) -> Vec<(usize, f64)> {
    let sites: Vec<GeoPoint> = t
        .sites()
        .iter()
        .map(|s| t.centre(&s.commune).expect("site commune"))
        .collect();
    t.communes()
        .iter()
        .map(|c| {
            let p = GeoPoint::new(c.latitude, c.longitude);
            sites
                .iter()
                .enumerate()
                .map(|(i, s)| (i, great_circle_km(p, *s)))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .expect("at least one site")
        })
        .collect()
}

fn champagne_ardenne(c: &mut Criterion) {
    let territory = Territory::from_registry(&Registry::champagne_ardenne()).expect("registry");
    let rules = rules();
    let mut group = c.benchmark_group("territory/champagne-ardenne");
    group.bench_function("coverage (1914 communes x 11 sites)", |b| {
        b.iter(|| black_box(territory.coverage(black_box(&rules))))
    });
    group.bench_function("naive nearest site (1914 x 11)", |b| {
        b.iter(|| black_box(naive_nearest(black_box(&territory))))
    });
    group.bench_function("best next site (all 1914 communes)", |b| {
        b.iter(|| black_box(territory.best_next_site(black_box(&rules))))
    });
    group.bench_function("catchments (no visitor counts)", |b| {
        b.iter(|| black_box(territory.catchments(&[])))
    });
    group.bench_function("site addition (Vouziers)", |b| {
        b.iter(|| black_box(territory.site_addition(&rules, "08490")))
    });
    group.bench_function("catchment overlap (Vouziers)", |b| {
        b.iter(|| black_box(territory.catchment_overlap(&rules, "08490")))
    });
    let coverage = territory.coverage(&rules);
    group.bench_function("SVG map", |b| {
        b.iter(|| black_box(territory.map_svg(&coverage, &Default::default())))
    });
    group.finish();
}

fn france_sized(c: &mut Criterion) {
    let rules = rules();
    let mut group = c.benchmark_group("territory/france-generated");
    group.sample_size(10);
    group.bench_function("build territory (35000 communes, 2000 sites)", |b| {
        b.iter(|| black_box(generated(35_000, 2_000)))
    });
    for sites in [2_000, 200] {
        let territory = generated(35_000, sites);
        group.bench_function(format!("coverage (35000 x {sites})"), |b| {
            b.iter(|| black_box(territory.coverage(black_box(&rules))))
        });
        group.bench_function(
            format!("best next site (35000 communes, {sites} sites)"),
            |b| b.iter(|| black_box(territory.best_next_site(black_box(&rules)))),
        );
    }
    let territory = generated(35_000, 2_000);
    group.bench_function("naive nearest site (35000 x 2000)", |b| {
        b.iter(|| black_box(naive_nearest(black_box(&territory))))
    });
    group.finish();
}

criterion_group!(benches, champagne_ardenne, france_sized);
criterion_main!(benches);
