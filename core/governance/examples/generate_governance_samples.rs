//! Writes the governance sample data into a folder (default
//! `examples/governance/`): the meetings of 2009 for the eleven sites and
//! the Commission — a few of them missing or out of their window, on
//! purpose — the 2010 roadmap, and 40 action proposals per site for 2010.
//!
//! `cargo run -p em-governance --example generate_governance_samples -- [FOLDER]`
//!
//! The data are drawn from a fixed seed: running it again writes the same
//! files.

use std::collections::BTreeMap;
use std::path::PathBuf;

use em_core::Registry;
use em_governance::synthetic::{Rng, proposals, roadmap};
use em_governance::{Body, Decision, DecisionKind, Meeting};
use jiff::civil::{Date, date, time};

fn attendees(list: &[(&str, u32)]) -> BTreeMap<String, u32> {
    list.iter().map(|(c, n)| ((*c).to_owned(), *n)).collect()
}

fn technical_committee(rng: &mut Rng, site: &str, n: usize, day: Date) -> Meeting {
    Meeting {
        id: format!("technical_committee-{site}-2009-{n}"),
        body: Body::TechnicalCommittee,
        site: Some(site.to_owned()),
        date: day,
        start: Some(time(14, 0, 0, 0)),
        duration_minutes: Some(150),
        attendees: attendees(&[
            ("coordinator", 1),
            ("host_structure", 1),
            ("regional_coordination", 1),
            ("site_partners", rng.range(3, 9) as u32),
        ]),
        agenda: vec![
            "Bilan des actions 2009".to_owned(),
            "Orientations régionales 2010".to_owned(),
            "Propositions d'actions 2010".to_owned(),
        ],
        decisions: vec![Decision {
            kind: DecisionKind::ActionProposal,
            subject: format!("plan:{site}:2010"),
            outcome: "propositions d'actions transmises au comité de pilotage".to_owned(),
        }],
    }
}

fn steering_committee(rng: &mut Rng, site: &str, day: Date) -> Meeting {
    Meeting {
        id: format!("steering_committee-{site}-2009"),
        body: Body::SteeringCommittee,
        site: Some(site.to_owned()),
        date: day,
        start: Some(time(10, 0, 0, 0)),
        duration_minutes: Some(120),
        attendees: attendees(&[
            ("host_structure_director", 1),
            ("coordinator", 1),
            ("regional_elected", 1),
            ("region_training_technician", 1),
            ("local_elected", rng.range(1, 4) as u32),
        ]),
        agenda: vec!["Arbitrage du plan d'actions 2010".to_owned()],
        decisions: vec![Decision {
            kind: DecisionKind::Arbitration,
            subject: format!("plan:{site}:2010"),
            outcome: "plan d'actions arbitré".to_owned(),
        }],
    }
}

fn main() {
    let folder = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from("examples/governance"), PathBuf::from);
    std::fs::create_dir_all(&folder).expect("the sample folder can be created");
    let registry = Registry::champagne_ardenne();
    let mut rng = Rng::new(2009);
    let administrators = [
        ("regional_coordination", 2),
        ("state", 1),
        ("region", 2),
        ("chambers", 2),
        ("opca", 1),
        ("education_nationale", 1),
        ("social_partners", 2),
    ];
    let mut june = administrators.to_vec();
    june.extend([("coordinator", 11), ("host_structure", 9)]);
    let mut meetings = vec![
        Meeting {
            id: "commission-2009-03".to_owned(),
            body: Body::Commission,
            site: None,
            date: date(2009, 3, 12),
            start: Some(time(9, 30, 0, 0)),
            duration_minutes: Some(180),
            attendees: attendees(&administrators),
            agenda: vec!["Demande de labellisation d'un nouveau territoire".to_owned()],
            decisions: vec![Decision {
                kind: DecisionKind::OpinionLabelling,
                subject: "application:langres-2009".to_owned(),
                outcome: "avis favorable sous réserve".to_owned(),
            }],
        },
        Meeting {
            id: "commission-2009-06".to_owned(),
            body: Body::Commission,
            site: None,
            date: date(2009, 6, 18),
            start: Some(time(9, 30, 0, 0)),
            duration_minutes: Some(240),
            attendees: attendees(&june),
            agenda: vec![
                "Bilan 2008 du réseau".to_owned(),
                "Orientations régionales 2010 (feuille de route)".to_owned(),
            ],
            decisions: vec![Decision {
                kind: DecisionKind::Roadmap,
                subject: "roadmap:2010".to_owned(),
                outcome: "feuille de route 2010 adoptée".to_owned(),
            }],
        },
        Meeting {
            id: "commission-2009-10".to_owned(),
            body: Body::Commission,
            site: None,
            date: date(2009, 10, 8),
            start: Some(time(14, 0, 0, 0)),
            duration_minutes: Some(120),
            attendees: attendees(&administrators),
            agenda: vec!["Recrutement d'un coordinateur territorial".to_owned()],
            decisions: vec![Decision {
                kind: DecisionKind::OpinionRecruitment,
                subject: "coordinator:vireux-molhain".to_owned(),
                outcome: "avis favorable".to_owned(),
            }],
        },
    ];
    for site in &registry.sites {
        let id = site.id.as_str();
        // The departures from the rules, on purpose: the compliance table
        // of 2009 shows each kind once or twice.
        let (tcs, sc): (Vec<Date>, Option<Date>) = match id {
            "vireux-molhain" => (vec![], Some(date(2009, 12, 3))),
            "nogent" => (vec![date(2009, 5, 19)], Some(date(2009, 12, 8))),
            "bar-sur-aube" => (vec![date(2009, 9, 22)], Some(date(2009, 10, 20))),
            "troyes" => (
                vec![date(2009, 6, 16), date(2009, 9, 15), date(2009, 11, 17)],
                Some(date(2009, 12, 10)),
            ),
            "chaumont" => (vec![date(2009, 10, 13)], None),
            // Two committees on each side of the 25 October clock change.
            "reims" => (
                vec![date(2009, 10, 22), date(2009, 10, 27)],
                Some(date(2009, 11, 26)),
            ),
            _ => {
                let month = rng.range(6, 10) as i8;
                let day = rng.range(2, 27) as i8;
                let mut tcs = vec![date(2009, month, day)];
                if rng.chance(50) {
                    tcs.push(date(2009, 11, rng.range(2, 20) as i8));
                }
                (tcs, Some(date(2009, 12, rng.range(1, 15) as i8)))
            }
        };
        for (n, day) in tcs.into_iter().enumerate() {
            meetings.push(technical_committee(&mut rng, id, n + 1, day));
        }
        if let Some(day) = sc {
            meetings.push(steering_committee(&mut rng, id, day));
        }
    }
    let roadmap = roadmap(2010);
    let mut rng = Rng::new(2010);
    let all: Vec<_> = registry
        .sites
        .iter()
        .flat_map(|s| proposals(&mut rng, &roadmap, &s.id, 40, 1_500, 15_000))
        .collect();
    let write = |name: &str, value: serde_json::Value| {
        let text = serde_json::to_string_pretty(&value).expect("samples serialise") + "\n";
        std::fs::write(folder.join(name), text).expect("the sample file can be written");
    };
    write(
        "meetings-2009.json",
        serde_json::to_value(&meetings).unwrap(),
    );
    write("roadmap-2010.json", serde_json::to_value(&roadmap).unwrap());
    write("proposals-2010.json", serde_json::to_value(&all).unwrap());
    println!(
        "wrote {} meetings, the 2010 roadmap and {} proposals into {}",
        meetings.len(),
        all.len(),
        folder.display()
    );
}
