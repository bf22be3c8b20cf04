//! Arbitration speed: one site with 200 proposals under a 10 M€ envelope
//! (target: under 100 ms), and the whole region, 11 sites × 40 proposals
//! with the regional view (target: under 50 ms).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use em_core::Registry;
use em_governance::synthetic::{Rng, proposals, roadmap};
use em_governance::{GovernanceRuleset, arbitrate, arbitrate_network, decide, region_view};

fn rules_with_envelope(euros: u64) -> GovernanceRuleset {
    let mut rules = GovernanceRuleset::champagne_ardenne();
    for period in &mut rules.arbitration.site_envelope_eur.0 {
        period.value.default = euros;
        period.value.per_site.clear();
    }
    rules
}

fn one_site(c: &mut Criterion) {
    let rules = rules_with_envelope(10_000_000);
    let roadmap = roadmap(2010);
    let mut rng = Rng::new(2010);
    let all = proposals(&mut rng, &roadmap, "reims", 200, 5_000, 150_000);
    let first = arbitrate(&rules, &roadmap, "reims", &all).unwrap();
    println!(
        "200 proposals, 10 M€: {} kept, value {}, {} nodes",
        first.kept.len(),
        first.value,
        first.nodes
    );
    c.bench_function("arbitrate 200 proposals / 10 M€ envelope", |b| {
        b.iter(|| arbitrate(black_box(&rules), &roadmap, "reims", black_box(&all)).unwrap())
    });
    // Larger proposals where the envelope is what binds: the limits per
    // orientation are lifted.
    let mut loose = rules_with_envelope(10_000_000);
    for p in &mut loose.arbitration.max_actions_per_orientation.0 {
        p.value = 200;
    }
    for p in &mut loose.arbitration.max_orientation_share_percent.0 {
        p.value = 100;
    }
    let mut rng = Rng::new(2011);
    let large = proposals(&mut rng, &roadmap, "reims", 200, 20_000, 150_000);
    let first = arbitrate(&loose, &roadmap, "reims", &large).unwrap();
    println!(
        "200 proposals, 10 M€ binding: {} kept, {} € of 10 000 000 €, {} nodes",
        first.kept.len(),
        first.region_funding_eur,
        first.nodes
    );
    c.bench_function("arbitrate 200 proposals / 10 M€ envelope binding", |b| {
        b.iter(|| arbitrate(black_box(&loose), &roadmap, "reims", black_box(&large)).unwrap())
    });
}

fn region(c: &mut Criterion) {
    let rules = GovernanceRuleset::champagne_ardenne();
    let registry = Registry::champagne_ardenne();
    let sites: Vec<&str> = registry.sites.iter().map(|s| s.id.as_str()).collect();
    let roadmap = roadmap(2010);
    let mut rng = Rng::new(11);
    let all: Vec<_> = sites
        .iter()
        .flat_map(|s| proposals(&mut rng, &roadmap, s, 40, 2_000, 15_000))
        .collect();
    let nodes: Vec<u64> = arbitrate_network(&rules, &roadmap, &sites, &all)
        .into_iter()
        .map(|(_, r)| r.unwrap().nodes)
        .collect();
    println!("11 sites × 40 proposals: nodes per site {nodes:?}");
    c.bench_function(
        "arbitrate the region: 11 sites × 40 proposals + regional view",
        |b| {
            b.iter(|| {
                let plans: Vec<_> = arbitrate_network(&rules, &roadmap, &sites, black_box(&all))
                    .into_iter()
                    .map(|(site, recommendation)| {
                        let own: Vec<_> = all.iter().filter(|p| p.site == site).cloned().collect();
                        decide(&rules, &roadmap, &own, &recommendation.unwrap(), &[], None)
                            .unwrap()
                            .0
                    })
                    .collect();
                region_view(&rules, 2010, &sites, &plans).unwrap()
            })
        },
    );
}

criterion_group!(benches, one_site, region);
criterion_main!(benches);
