//! Writes random arbitration instances with the library's optimum, as JSON,
//! for the cross-check against HiGHS (`tests/python/test_arbitration_highs.py`).
//!
//! `cargo run -p em-governance --example export_arbitration_instances -- COUNT SEED [--tight] > instances.json`
//!
//! Each instance holds the rules (envelope, co-funding, limits, weights), the
//! roadmap's priorities and the proposals, so that the checker builds its
//! own program from the rules' statement; and the library's answer: status,
//! value and kept proposals.

use em_governance::synthetic::{Rng, proposals, roadmap};
use em_governance::{GovernanceRuleset, RecommendationStatus, arbitrate};
use serde_json::json;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let count: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let seed: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(2010);
    // With `--verbose`, one line per instance on standard error: its size,
    // the nodes explored and the time taken.
    let verbose = args.iter().any(|a| a == "--verbose");
    // With `--only K`, only instance K is solved and written (to study one).
    let only: Option<usize> = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .and_then(|a| a.parse().ok());
    // With `--unsolved`, the instances are written without solving them.
    let unsolved = args.iter().any(|a| a == "--unsolved");
    // With `--tight`, the rules are drawn tight (see below).
    let tight = args.iter().any(|a| a == "--tight");
    let mut rng = Rng::new(seed);
    let base = GovernanceRuleset::champagne_ardenne();
    let roadmap = roadmap(2010);
    let mut instances = Vec::with_capacity(count);
    for k in 0..count {
        let n = rng.range(1, 200) as usize;
        // Small and large amounts: up to 10 M€ envelopes, to the euro.
        let (low, high) = if rng.chance(50) {
            (1_000, 20_000)
        } else {
            (5_000, 150_000)
        };
        let ps = proposals(&mut rng, &roadmap, "sedan", n, low, high);
        let total: u64 = ps.iter().map(|p| p.region_funding_eur).sum();
        let envelope = (total * rng.range(5, 80) / 100).clamp(1, 10_000_000);
        // Rules drawn around the regions' plausible range (the shipped
        // ones are 30 %, 6 actions and 60 %), or, with `--tight`, tighter:
        // co-funding up to 45 %, as few as one action and 20 % of the
        // envelope per orientation, which make the hardest instances.
        let (min_cofunding, max_actions, max_share) = if tight {
            (
                rng.range(0, 45) as u32,
                rng.range(1, (n as u64 / 3).max(1) + 2) as u32,
                rng.range(20, 100) as u32,
            )
        } else {
            (
                rng.range(0, 35) as u32,
                rng.range(2, (n as u64 / 3).max(2) + 2) as u32,
                rng.range(50, 100) as u32,
            )
        };
        let mut rules = base.clone();
        let a = &mut rules.arbitration;
        for p in &mut a.site_envelope_eur.0 {
            p.value.default = envelope;
            p.value.per_site.clear();
        }
        for p in &mut a.min_cofunding_percent.0 {
            p.value = min_cofunding;
        }
        for p in &mut a.max_actions_per_orientation.0 {
            p.value = max_actions;
        }
        for p in &mut a.max_orientation_share_percent.0 {
            p.value = max_share;
        }
        let arbitration = rules.arbitration_for(2010).expect("rules in force in 2010");
        if only.is_some_and(|o| o != k) {
            continue;
        }
        if unsolved {
            instances.push(json!({
                "id": k,
                "envelope_eur": envelope,
                "min_cofunding_percent": min_cofunding,
                "max_actions_per_orientation": max_actions,
                "max_orientation_share_percent": max_share,
                "required_service_areas": arbitration.required_service_areas,
                "priority_weights": arbitration.priority_weights,
                "orientations": roadmap.orientations.iter().map(|o| json!({"number": o.number, "priority": o.priority})).collect::<Vec<_>>(),
                "proposals": ps,
            }));
            continue;
        }
        if verbose {
            eprintln!(
                "instance {k}: {n} proposals, envelope {envelope}, cofunding {min_cofunding} %, max {max_actions} actions, share {max_share} %"
            );
        }
        let started = std::time::Instant::now();
        let rec = arbitrate(&rules, &roadmap, "sedan", &ps).expect("synthetic proposals are valid");
        if verbose {
            eprintln!(
                "  {:?}, {} nodes, {:?}",
                rec.status,
                rec.nodes,
                started.elapsed()
            );
        }
        instances.push(json!({
            "id": k,
            "envelope_eur": envelope,
            "min_cofunding_percent": min_cofunding,
            "max_actions_per_orientation": max_actions,
            "max_orientation_share_percent": max_share,
            "required_service_areas": arbitration.required_service_areas,
            "priority_weights": arbitration.priority_weights,
            "orientations": roadmap.orientations.iter().map(|o| json!({"number": o.number, "priority": o.priority})).collect::<Vec<_>>(),
            "proposals": ps,
            "status": match rec.status {
                RecommendationStatus::Optimal => "optimal",
                RecommendationStatus::Infeasible => "infeasible",
                RecommendationStatus::Unproven => "unproven",
            },
            "value": rec.value,
            "kept": rec.kept,
            "nodes": rec.nodes,
        }));
    }
    println!(
        "{}",
        json!({ "seed": seed, "tight": tight, "instances": instances })
    );
}
