//! Properties of the arbitration, on random proposals and rules: a
//! recommended plan never breaks a rule it reports as met; on up to 16
//! proposals it is the one an exhaustive search finds (tie-break included);
//! its value never decreases when the envelope grows.
//!
//! The rules and the tie-break are re-implemented here from their statement
//! in the docs, independently of the library's code.

use em_governance::synthetic::roadmap;
use em_governance::{
    ActionProposal, GovernanceRuleset, RecommendationStatus, Roadmap, ServiceArea, arbitrate,
};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Rules {
    envelope: u64,
    min_cofunding_percent: u32,
    max_actions: u32,
    max_share_percent: u32,
}

fn ruleset(r: &Rules) -> GovernanceRuleset {
    let mut rules = GovernanceRuleset::champagne_ardenne();
    let a = &mut rules.arbitration;
    for p in &mut a.site_envelope_eur.0 {
        p.value.default = r.envelope;
        p.value.per_site.clear();
    }
    for p in &mut a.min_cofunding_percent.0 {
        p.value = r.min_cofunding_percent;
    }
    for p in &mut a.max_actions_per_orientation.0 {
        p.value = r.max_actions;
    }
    for p in &mut a.max_orientation_share_percent.0 {
        p.value = r.max_share_percent;
    }
    rules
}

fn rules_strategy() -> impl Strategy<Value = Rules> {
    (1_000u64..120_000, 0u32..60, 1u32..6, 20u32..=100).prop_map(|(e, c, m, s)| Rules {
        envelope: e,
        min_cofunding_percent: c,
        max_actions: m,
        max_share_percent: s,
    })
}

fn proposals_strategy(max: usize) -> impl Strategy<Value = Vec<ActionProposal>> {
    prop::collection::vec(
        (0u8..32, 1u8..8, 0u32..300, 1u64..30_000, 0u64..80),
        1..=max,
    )
    .prop_map(|raw| {
        raw.into_iter()
            .enumerate()
            .map(
                |(i, (orientations, themes, participants, funding, share))| {
                    let cofunding = funding * share / (100 - share);
                    ActionProposal {
                        id: format!("p{i:02}"),
                        site: "sedan".to_owned(),
                        year: 2010,
                        title: format!("Action {i}"),
                        orientations: (1..=5)
                            .filter(|o| orientations & (1 << (o - 1)) != 0)
                            .collect(),
                        themes: ServiceArea::ALL
                            .into_iter()
                            .enumerate()
                            .filter(|(b, _)| themes & (1 << b) != 0)
                            .map(|(_, a)| a)
                            .collect(),
                        publics: vec![],
                        partners: vec![],
                        expected_participants: participants,
                        cost_eur: funding + cofunding,
                        region_funding_eur: funding,
                        cofunding_eur: cofunding,
                    }
                },
            )
            .collect()
    })
}

/// The value of a proposal, from the formula stated in governance.toml.
fn value(p: &ActionProposal, roadmap: &Roadmap) -> u64 {
    let weights = [3u64, 2, 1];
    let mut numbers = p.orientations.clone();
    numbers.sort_unstable();
    numbers.dedup();
    let sum: u64 = numbers
        .iter()
        .map(|n| weights[roadmap.orientations[*n as usize - 1].priority as usize - 1])
        .sum();
    u64::from(p.expected_participants) * sum
}

/// Each rule, checked from its statement.
fn rules_met(ps: &[ActionProposal], keep: &[bool], r: &Rules) -> Vec<(String, bool)> {
    let kept: Vec<&ActionProposal> = ps
        .iter()
        .zip(keep)
        .filter(|(_, k)| **k)
        .map(|(p, _)| p)
        .collect();
    let funding: u64 = kept.iter().map(|p| p.region_funding_eur).sum();
    let cofunding: u64 = kept.iter().map(|p| p.cofunding_eur).sum();
    let cost: u64 = kept.iter().map(|p| p.cost_eur).sum();
    let mut out = vec![("envelope".to_owned(), funding <= r.envelope)];
    for area in ServiceArea::ALL {
        out.push((
            format!("area {area}"),
            kept.iter().any(|p| p.themes.contains(&area)),
        ));
    }
    out.push((
        "cofunding".to_owned(),
        cofunding as u128 * 100 >= u128::from(r.min_cofunding_percent) * cost as u128,
    ));
    for o in 1..=5u32 {
        let serving: Vec<&&ActionProposal> = kept
            .iter()
            .filter(|p| p.orientations.contains(&o))
            .collect();
        out.push((format!("count {o}"), serving.len() as u32 <= r.max_actions));
        let asked: u64 = serving.iter().map(|p| p.region_funding_eur).sum();
        out.push((
            format!("share {o}"),
            asked as u128 * 100 <= u128::from(r.max_share_percent) * r.envelope as u128,
        ));
    }
    out
}

fn kept_flags(ps: &[ActionProposal], kept: &[String]) -> Vec<bool> {
    ps.iter().map(|p| kept.contains(&p.id)).collect()
}

/// The best plan by exhaustive search, with the stated tie-break.
fn brute_force(ps: &[ActionProposal], r: &Rules, roadmap: &Roadmap) -> Option<(Vec<bool>, u64)> {
    let n = ps.len();
    let values: Vec<u64> = ps.iter().map(|p| value(p, roadmap)).collect();
    // Value per euro asked, highest first; equal ratios in listed order.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        let left = values[a] as u128 * ps[b].region_funding_eur as u128;
        let right = values[b] as u128 * ps[a].region_funding_eur as u128;
        right.cmp(&left).then(a.cmp(&b))
    });
    let mut best: Option<(Vec<bool>, u64, u64)> = None;
    for mask in 0u32..(1 << n) {
        let keep: Vec<bool> = (0..n).map(|i| mask & (1 << i) != 0).collect();
        if !rules_met(ps, &keep, r).iter().all(|(_, ok)| *ok) {
            continue;
        }
        let v: u64 = (0..n).filter(|&i| keep[i]).map(|i| values[i]).sum();
        let c: u64 = (0..n)
            .filter(|&i| keep[i])
            .map(|i| ps[i].region_funding_eur)
            .sum();
        let wins = match &best {
            None => true,
            Some((bk, bv, bc)) => {
                v > *bv
                    || (v == *bv && c < *bc)
                    || (v == *bv
                        && c == *bc
                        && order
                            .iter()
                            .find(|&&i| keep[i] != bk[i])
                            .is_some_and(|&i| keep[i]))
            }
        };
        if wins {
            best = Some((keep, v, c));
        }
    }
    best.map(|(k, v, _)| (k, v))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn a_recommended_plan_never_breaks_a_rule_it_reports_as_met(
        r in rules_strategy(),
        ps in proposals_strategy(40),
    ) {
        let roadmap = roadmap(2010);
        let rec = arbitrate(&ruleset(&r), &roadmap, "sedan", &ps).unwrap();
        let keep = kept_flags(&ps, &rec.kept);
        let truth = rules_met(&ps, &keep, &r);
        prop_assert_eq!(rec.rules.len(), truth.len());
        for (check, (name, ok)) in rec.rules.iter().zip(&truth) {
            if check.met {
                prop_assert!(*ok, "rule {} reported met but broken: {}", name, check.explanation);
            }
        }
        if rec.status == RecommendationStatus::Optimal {
            prop_assert!(truth.iter().all(|(_, ok)| *ok), "{:?}", truth);
            let v: u64 = ps.iter().zip(&keep).filter(|(_, k)| **k).map(|(p, _)| value(p, &roadmap)).sum();
            prop_assert_eq!(v, rec.value);
            prop_assert_eq!(rec.outcomes.len(), ps.len());
        } else {
            prop_assert!(!rec.conflicts.is_empty());
        }
    }

    #[test]
    fn on_up_to_16_proposals_the_plan_is_the_exhaustive_optimum(
        r in rules_strategy(),
        ps in proposals_strategy(16),
    ) {
        let roadmap = roadmap(2010);
        let rec = arbitrate(&ruleset(&r), &roadmap, "sedan", &ps).unwrap();
        match brute_force(&ps, &r, &roadmap) {
            None => prop_assert_eq!(rec.status, RecommendationStatus::Infeasible),
            Some((keep, v)) => {
                prop_assert_eq!(rec.status, RecommendationStatus::Optimal);
                prop_assert_eq!(rec.value, v);
                prop_assert_eq!(kept_flags(&ps, &rec.kept), keep);
            }
        }
    }

    #[test]
    fn the_value_never_decreases_when_the_envelope_grows(
        r in rules_strategy(),
        more in 0u64..50_000,
        ps in proposals_strategy(40),
    ) {
        let roadmap = roadmap(2010);
        let small = arbitrate(&ruleset(&r), &roadmap, "sedan", &ps).unwrap();
        let bigger = Rules { envelope: r.envelope + more, ..r.clone() };
        let large = arbitrate(&ruleset(&bigger), &roadmap, "sedan", &ps).unwrap();
        if small.status == RecommendationStatus::Optimal {
            prop_assert_eq!(large.status, RecommendationStatus::Optimal);
            prop_assert!(large.value >= small.value, "{} < {}", large.value, small.value);
        }
    }
}
