//! The governance year on the shipped sample data: the 2009 meetings give
//! the compliance table the samples were written to show, and the 2010
//! proposals of the eleven sites are arbitrated, decided, transmitted and
//! added up against the regional budget.

use em_core::Registry;
use em_governance::{
    ActionProposal, CommitteeDecision, ComplianceStatus, GovernanceRuleset, Meeting, PlanError,
    PlanState, RecommendationStatus, Roadmap, arbitrate, arbitrate_network, compliance, decide,
    decide_network, from_json, recommend_network, record, region_view, transmit,
};
use jiff::civil::date;

const MEETINGS: &str = include_str!("../../../examples/governance/meetings-2009.json");
const ROADMAP: &str = include_str!("../../../examples/governance/roadmap-2010.json");
const PROPOSALS: &str = include_str!("../../../examples/governance/proposals-2010.json");

fn sites(registry: &Registry) -> Vec<&str> {
    registry.sites.iter().map(|s| s.id.as_str()).collect()
}

#[test]
fn the_2009_compliance_table_shows_each_departure_of_the_samples() {
    let rules = GovernanceRuleset::champagne_ardenne();
    let registry = Registry::champagne_ardenne();
    let sites = sites(&registry);
    let meetings: Vec<Meeting> = from_json("meetings-2009.json", MEETINGS).unwrap();
    for m in &meetings {
        record(&rules, &sites, m.clone()).unwrap();
    }
    let report = compliance(&rules, &sites, &meetings, 2009);
    assert_eq!(report.lines.len(), 1 + 2 * 11);
    let status = |site: Option<&str>, requirement: &str| {
        report
            .lines_of(site)
            .find(|l| l.requirement == requirement)
            .unwrap()
            .status
    };
    use ComplianceStatus::*;
    let cases = [
        (None, "commission_roadmap", Held),
        (
            Some("vireux-molhain"),
            "technical_committee_meetings",
            Missing,
        ),
        (Some("nogent"), "technical_committee_meetings", OutOfWindow),
        (
            Some("bar-sur-aube"),
            "steering_committee_arbitration",
            OutOfWindow,
        ),
        (Some("troyes"), "technical_committee_meetings", TooMany),
        (Some("chaumont"), "steering_committee_arbitration", Missing),
        (Some("reims"), "technical_committee_meetings", Held),
        (Some("sedan"), "steering_committee_arbitration", Held),
    ];
    for (site, requirement, want) in cases {
        assert_eq!(status(site, requirement), want, "{site:?} {requirement}");
    }
    assert_eq!(report.count(Held), 23 - 5, "{}", report.explanation);
    assert!(report.lines.iter().all(|l| !l.explanation.is_empty()));
}

#[test]
fn the_2010_plans_are_arbitrated_decided_transmitted_and_added_up() {
    let rules = GovernanceRuleset::champagne_ardenne();
    let registry = Registry::champagne_ardenne();
    let sites = sites(&registry);
    let roadmap: Roadmap = from_json("roadmap-2010.json", ROADMAP).unwrap();
    let all: Vec<ActionProposal> = from_json("proposals-2010.json", PROPOSALS).unwrap();
    let mut plans = Vec::new();
    for (site, recommendation) in arbitrate_network(&rules, &roadmap, &sites, &all) {
        let recommendation = recommendation.unwrap();
        assert_eq!(
            recommendation.status,
            RecommendationStatus::Optimal,
            "{site}"
        );
        assert!(recommendation.region_funding_eur <= recommendation.envelope_eur);
        assert!(recommendation.rules.iter().all(|r| r.met));
        let own: Vec<ActionProposal> = all.iter().filter(|p| p.site == site).cloned().collect();
        let (plan, record) = decide(&rules, &roadmap, &own, &recommendation, &[], None).unwrap();
        assert_eq!(record.subject, format!("plan:{site}:2010"));
        assert_eq!(plan.overrides, 0);
        let (plan, record) = transmit(plan, date(2009, 12, 18)).unwrap();
        assert_eq!(record.action, "transmit");
        plans.push(plan);
    }
    let view = region_view(&rules, 2010, &sites, &plans).unwrap();
    let total: u64 = plans.iter().map(|p| p.region_funding_eur).sum();
    assert_eq!(view.region_funding_eur, total);
    assert_eq!(view.transmitted_eur, total);
    assert_eq!(view.within_budget, total <= 700_000);
    assert!(
        view.explanation.contains("700 000 €"),
        "{}",
        view.explanation
    );
}

#[test]
fn the_committee_overrides_with_a_reason_and_a_plan_is_transmitted_once() {
    let rules = GovernanceRuleset::champagne_ardenne();
    let roadmap: Roadmap = from_json("roadmap-2010.json", ROADMAP).unwrap();
    let all: Vec<ActionProposal> = from_json("proposals-2010.json", PROPOSALS).unwrap();
    let own: Vec<ActionProposal> = all.into_iter().filter(|p| p.site == "sedan").collect();
    let rec = arbitrate(&rules, &roadmap, "sedan", &own).unwrap();
    let dropped = rec.outcomes.iter().find(|o| !o.kept).unwrap();
    assert!(
        dropped.explanation.starts_with("dropped: "),
        "{}",
        dropped.explanation
    );
    let kept = rec.outcomes.iter().find(|o| o.kept).unwrap();
    assert!(
        kept.explanation.starts_with("kept: serves"),
        "{}",
        kept.explanation
    );

    let without_reason = [CommitteeDecision {
        proposal: dropped.proposal.clone(),
        keep: true,
        reason: String::new(),
    }];
    let err = decide(&rules, &roadmap, &own, &rec, &without_reason, None).unwrap_err();
    let PlanError::Invalid(problems) = err else {
        panic!("a missing reason is an invalid decision");
    };
    assert_eq!(problems[0].path, "decisions[0].reason");

    let with_reason = [CommitteeDecision {
        proposal: dropped.proposal.clone(),
        keep: true,
        reason: "action phare du territoire, soutenue par les élus".to_owned(),
    }];
    let (plan, record) = decide(&rules, &roadmap, &own, &rec, &with_reason, Some("sc-1")).unwrap();
    assert_eq!(plan.overrides, 1);
    assert_eq!(plan.state, PlanState::Arbitrated);
    let item = plan
        .items
        .iter()
        .find(|i| i.proposal == dropped.proposal)
        .unwrap();
    assert!(item.kept && !item.recommended);
    assert!(
        item.explanation.contains("action phare"),
        "{}",
        item.explanation
    );
    assert_eq!(record.payload["overrides"].as_array().unwrap().len(), 1);
    // Keeping one more action than the optimum breaks at least the
    // envelope or another rule, and the plan says which.
    assert!(plan.rules.iter().any(|r| !r.met), "{}", plan.explanation);
    assert!(plan.explanation.contains("breaks"), "{}", plan.explanation);

    let (plan, _) = transmit(plan, date(2009, 12, 18)).unwrap();
    let again = transmit(plan, date(2009, 12, 19)).unwrap_err();
    assert!(
        matches!(again, PlanError::AlreadyTransmitted { .. }),
        "{again}"
    );
    assert!(
        again
            .to_string()
            .contains("already transmitted to the Region on 2009-12-18"),
        "{again}"
    );
}

#[test]
fn a_proposal_of_an_unknown_site_and_a_decision_on_no_proposal_are_refused() {
    let rules = GovernanceRuleset::champagne_ardenne();
    let registry = Registry::champagne_ardenne();
    let sites = sites(&registry);
    let roadmap: Roadmap = from_json("roadmap-2010.json", ROADMAP).unwrap();
    let mut proposals: Vec<ActionProposal> = from_json("proposals-2010.json", PROPOSALS).unwrap();

    // A decision on a proposal no plan holds: a typo, or another site's.
    let sedan: Vec<ActionProposal> = proposals
        .iter()
        .filter(|p| p.site == "sedan")
        .cloned()
        .collect();
    let reims = proposals.iter().find(|p| p.site == "reims").unwrap();
    for name in ["nope-2010-001", reims.id.as_str()] {
        let decision = [CommitteeDecision {
            proposal: name.to_owned(),
            keep: true,
            reason: "une raison".to_owned(),
        }];
        let err = decide_network(&rules, &sites, &roadmap, &sedan, &decision).unwrap_err();
        let PlanError::Invalid(problems) = &err.source else {
            panic!("{err}");
        };
        assert_eq!(problems[0].path, "decisions[0].proposal");
        assert_eq!(
            problems[0].reason,
            format!("{name} is not a proposal of sedan")
        );
    }

    // A proposal of a site the network does not have is refused, not left
    // out, by every path from proposals to plans.
    proposals[2].site = "paris".to_owned();
    let err = recommend_network(&rules, &sites, &roadmap, &proposals).unwrap_err();
    assert!(err.to_string().contains("proposals[2].site"), "{err}");
    assert!(err.to_string().contains("`paris` is not a site"), "{err}");
    let err = decide_network(&rules, &sites, &roadmap, &proposals, &[]).unwrap_err();
    assert!(err.to_string().contains("proposals[2].site"), "{err}");
}
