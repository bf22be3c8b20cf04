//! Synthetic roadmaps and action proposals, drawn from a seeded generator:
//! the same seed gives the same proposals on every platform. Used by the
//! benchmarks, the cross-checks against an independent solver and the
//! sample data; never by the rules themselves.

use crate::body::ServiceArea;
use crate::roadmap::{ActionProposal, Orientation, Roadmap};

/// A small deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    pub fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.next_u64() % (high - low + 1)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.range(1, 100) <= percent
    }

    /// One element of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() as u64 - 1) as usize]
    }
}

/// The five orientations of a plausible roadmap for `year`.
pub fn roadmap(year: i16) -> Roadmap {
    let orientations = [
        (
            "Accompagner les jeunes vers la qualification et l'emploi",
            1,
        ),
        (
            "Faire connaître les métiers qui recrutent sur le territoire",
            1,
        ),
        ("Sécuriser les parcours des salariés et des seniors", 2),
        (
            "Favoriser l'égalité entre les femmes et les hommes dans les métiers",
            2,
        ),
        ("Développer la validation des acquis de l'expérience", 3),
    ];
    Roadmap {
        year,
        decided_by: Some(format!("commission-{}-06", year - 1)),
        orientations: orientations
            .iter()
            .enumerate()
            .map(|(i, (title, priority))| Orientation {
                number: i as u32 + 1,
                title: (*title).to_owned(),
                priority: *priority,
            })
            .collect(),
    }
}

const FORMATS: &[&str] = &[
    "Forum des métiers",
    "Atelier CV et lettre de motivation",
    "Découverte des métiers en entreprise",
    "Rencontres employeurs – demandeurs d'emploi",
    "Information collective sur la VAE",
    "Semaine de l'orientation",
    "Visites d'entreprises",
    "Job dating",
    "Atelier projet professionnel",
    "Café des métiers",
];

const SECTORS: &[&str] = &[
    "de l'industrie",
    "du bâtiment",
    "des services à la personne",
    "de la viticulture",
    "de la logistique",
    "du commerce",
    "de la santé",
    "de l'agriculture",
];

const PUBLICS: &[&str] = &[
    "job_seeker",
    "pupil",
    "student",
    "employee",
    "apprentice",
    "senior",
];

const PARTNERS: &[&str] = &[
    "pole_emploi",
    "cci",
    "cma",
    "chamber_agriculture",
    "opca",
    "education_nationale",
    "social_partners",
];

/// `count` proposals of `site` for the year of `roadmap`, each asking the
/// Region between `min_funding` and `max_funding` euros.
pub fn proposals(
    rng: &mut Rng,
    roadmap: &Roadmap,
    site: &str,
    count: usize,
    min_funding: u64,
    max_funding: u64,
) -> Vec<ActionProposal> {
    (0..count)
        .map(|i| {
            let mut orientations: Vec<u32> = roadmap
                .orientations
                .iter()
                .map(|o| o.number)
                .filter(|_| rng.chance(30))
                .collect();
            if orientations.is_empty() && rng.chance(90) {
                orientations.push(rng.pick(&roadmap.orientations).number);
            }
            let mut themes: Vec<ServiceArea> = ServiceArea::ALL
                .into_iter()
                .filter(|_| rng.chance(35))
                .collect();
            if themes.is_empty() {
                themes.push(*rng.pick(&ServiceArea::ALL));
            }
            let funding = rng.range(min_funding, max_funding);
            // Co-funding between 10 % and 60 % of the cost.
            let share = rng.range(10, 60);
            let cofunding = funding * share / (100 - share);
            ActionProposal {
                id: format!("{site}-{}-{:03}", roadmap.year, i + 1),
                site: site.to_owned(),
                year: roadmap.year,
                title: format!("{} {}", rng.pick(FORMATS), rng.pick(SECTORS)),
                orientations,
                themes,
                publics: (0..rng.range(1, 2))
                    .map(|_| (*rng.pick(PUBLICS)).to_owned())
                    .collect(),
                partners: (0..rng.range(1, 3))
                    .map(|_| (*rng.pick(PARTNERS)).to_owned())
                    .collect(),
                expected_participants: rng.range(10, 400) as u32,
                cost_eur: funding + cofunding,
                region_funding_eur: funding,
                cofunding_eur: cofunding,
            }
        })
        .collect()
}
