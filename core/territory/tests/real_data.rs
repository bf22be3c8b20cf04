//! The territory analyses on the real region: 1 914 communes of the four
//! départements and the 11 sites of 2009, as shipped in the registry, with the
//! shipped ruleset. Each result is checked against an independent, naive
//! computation or against the published population totals.

use em_core::Ruleset;
use em_core::registry::Registry;
use em_territory::{
    GeoPoint, PlacedSite, Territory, TerritoryRules, TerritoryRuleset, VisitorResidence,
    great_circle_km,
};

fn registry() -> Registry {
    Registry::champagne_ardenne()
}

fn territory() -> Territory {
    Territory::from_registry(&registry()).expect("the shipped registry makes a territory")
}

fn rules() -> TerritoryRules {
    TerritoryRuleset::from_ruleset(&Ruleset::champagne_ardenne())
        .expect("the shipped territory rules are valid")
        .at(jiff::civil::date(2010, 6, 1))
        .expect("rules in force in 2010")
}

fn centre(t: &Territory, code: &str) -> GeoPoint {
    t.centre(code).expect("known commune")
}

/// Distances from a commune to every site, nearest first, in whole metres.
fn site_distances(t: &Territory, code: &str) -> Vec<(u64, String)> {
    let mut d: Vec<(u64, String)> = t
        .sites()
        .iter()
        .map(|s| {
            let km = great_circle_km(centre(t, code), centre(t, &s.commune));
            ((km * 1000.0).round() as u64, s.id.clone())
        })
        .collect();
    d.sort();
    d
}

#[test]
fn every_commune_has_exactly_one_nearest_site() {
    let t = territory();
    let coverage = t.coverage(&rules());
    assert_eq!(coverage.communes.len(), 1914);
    for c in &coverage.communes {
        let all = site_distances(&t, &c.code);
        // "Exactly one": the nearest is strictly nearer than the runner-up,
        // so no tie rule was needed on the real data.
        assert!(all[0].0 < all[1].0, "{} is equidistant: {all:?}", c.code);
        assert_eq!(
            c.nearest_site.as_deref(),
            Some(all[0].1.as_str()),
            "{}",
            c.code
        );
        assert!((c.distance_km * 1000.0 - all[0].0 as f64).abs() <= 0.5);
    }
    // The catchments split the communes: each appears in one and only one.
    let catchments = t.catchments(&[]).unwrap();
    let mut listed: Vec<&str> = catchments
        .iter()
        .flat_map(|c| c.communes.iter().map(String::as_str))
        .collect();
    listed.sort_unstable();
    let expected: Vec<&str> = t.communes().iter().map(|c| c.code.as_str()).collect();
    assert_eq!(listed, expected);
}

/// Populations from the data's README (population municipale 2023).
const PUBLISHED: &[(&str, usize, u64)] = &[
    ("08", 447, 265_893),
    ("10", 431, 310_447),
    ("51", 610, 563_076),
    ("52", 426, 168_331),
];

#[test]
fn populations_add_up_to_the_published_totals() {
    let t = territory();
    let coverage = t.coverage(&rules());
    for &(code, communes, population) in PUBLISHED {
        let area = coverage
            .departements
            .iter()
            .find(|d| d.departement.as_deref() == Some(code))
            .unwrap();
        assert_eq!(
            (area.communes, area.population),
            (communes, population),
            "{code}"
        );
        assert!(area.explanation.contains(&area.name));
    }
    assert_eq!(coverage.region.population, 1_307_747);
    assert_eq!(coverage.region.communes, 1914);
    let catchments: u64 = t
        .catchments(&[])
        .unwrap()
        .iter()
        .map(|c| c.population)
        .sum();
    assert_eq!(catchments, 1_307_747);
    // Each band holds the previous one; white zones are the complement of
    // the threshold, which here is the last band.
    let bands = &coverage.region.bands;
    assert!(bands.windows(2).all(|w| w[0].population <= w[1].population));
    assert_eq!(
        bands.last().unwrap().population + coverage.region.white_zone_population,
        1_307_747
    );
    let per_dep: u64 = coverage
        .departements
        .iter()
        .map(|d| d.bands[1].population)
        .sum();
    assert_eq!(per_dep, bands[1].population);
}

#[test]
fn band_populations_match_a_naive_count() {
    let t = territory();
    let rules = rules();
    let coverage = t.coverage(&rules);
    for (i, &band) in rules.coverage_bands_km.iter().enumerate() {
        let limit = (band * 1000.0).round() as u64;
        let naive: u64 = t
            .communes()
            .iter()
            .filter(|c| site_distances(&t, &c.code)[0].0 <= limit)
            .map(|c| u64::from(c.population))
            .sum();
        assert_eq!(coverage.region.bands[i].population, naive, "band {band}");
    }
}

#[test]
fn white_zones_come_largest_first_and_are_all_beyond_the_threshold() {
    let t = territory();
    let rules = rules();
    let coverage = t.coverage(&rules);
    let zones = &coverage.white_zones;
    assert!(!zones.is_empty());
    assert!(zones.windows(2).all(|w| {
        w[0].population > w[1].population
            || (w[0].population == w[1].population && w[0].code < w[1].code)
    }));
    assert!(zones.iter().all(|z| z.distance_km > rules.white_zone_km));
    assert!(
        zones[0]
            .explanation
            .contains("beyond the white-zone threshold of 30.0 km")
    );
    let count = coverage.communes.iter().filter(|c| c.white_zone).count();
    assert_eq!(zones.len(), count);
    assert!(coverage.explanation.contains(&zones[0].name));
}

#[test]
fn a_site_s_own_commune_is_at_distance_zero_in_its_catchment() {
    let t = territory();
    let coverage = t.coverage(&rules());
    for site in t.sites() {
        let c = coverage
            .communes
            .iter()
            .find(|c| c.code == site.commune)
            .unwrap();
        assert_eq!(c.nearest_site.as_deref(), Some(site.id.as_str()));
        assert_eq!(c.distance_km, 0.0);
        assert!(c.explanation.contains("0.0 km"), "{}", c.explanation);
    }
}

#[test]
fn visitors_are_split_by_where_they_live() {
    let t = territory();
    let counts = vec![
        // Reims residents at the Reims site: in its catchment.
        VisitorResidence {
            site: "reims".into(),
            commune: Some("51454".into()),
            visitors: 60,
            visits: 90,
        },
        // Épernay residents at Reims: elsewhere in the region.
        VisitorResidence {
            site: "reims".into(),
            commune: Some("51230".into()),
            visitors: 15,
            visits: 20,
        },
        // A Paris resident: outside the region.
        VisitorResidence {
            site: "reims".into(),
            commune: Some("75056".into()),
            visitors: 5,
            visits: 5,
        },
        VisitorResidence {
            site: "reims".into(),
            commune: None,
            visitors: 20,
            visits: 25,
        },
    ];
    let catchments = t.catchments(&counts).unwrap();
    let reims = catchments.iter().find(|c| c.site == "reims").unwrap();
    let o = reims.visitors.as_ref().unwrap();
    assert_eq!(
        (
            o.in_catchment,
            o.elsewhere_in_region,
            o.outside_region,
            o.residence_unknown
        ),
        (60, 15, 5, 20)
    );
    assert_eq!((o.visits_in_catchment, o.visits), (90, 140));
    assert_eq!(o.share_in_catchment, Some(0.75));
    assert!(
        reims.explanation.contains("75.0 %"),
        "{}",
        reims.explanation
    );
    let sedan = catchments.iter().find(|c| c.site == "sedan").unwrap();
    assert_eq!(sedan.visitors, None);
    assert!(sedan.explanation.contains("No visitor count"));
}

#[test]
fn counts_for_unknown_sites_are_all_reported() {
    let t = territory();
    let count = |site: &str| VisitorResidence {
        site: site.into(),
        commune: None,
        visitors: 1,
        visits: 1,
    };
    let err = t
        .catchments(&[count("reims"), count("paris"), count("lyon")])
        .unwrap_err();
    assert_eq!(err.0, vec![(1, "paris".to_owned()), (2, "lyon".to_owned())]);
}

fn without_site(registry: &Registry, id: &str) -> Territory {
    let sites = registry
        .sites
        .iter()
        .filter(|s| s.id != id)
        .map(|s| PlacedSite {
            id: s.id.clone(),
            name: s.name.clone(),
            commune: s.commune.clone(),
        })
        .collect();
    Territory::new(
        registry.departements.clone(),
        registry.communes.clone(),
        sites,
    )
    .unwrap()
}

#[test]
fn closing_a_site_gives_the_coverage_of_the_network_without_it() {
    let registry = registry();
    let t = territory();
    let rules = rules();
    for site in t.sites() {
        let closure = t.site_closure(&rules, &site.id).unwrap();
        let rebuilt = without_site(&registry, &site.id).coverage(&rules);
        for (change, band) in closure.bands.iter().zip(&rebuilt.region.bands) {
            assert_eq!(change.population_after, band.population, "{}", site.id);
        }
        assert_eq!(
            closure.white_zone_population_after,
            rebuilt.region.white_zone_population
        );
        let moved: u64 = closure.reassigned_to.iter().map(|r| r.population).sum();
        let catchment = t.catchments(&[]).unwrap();
        let own = catchment
            .iter()
            .find(|c| c.site == site.id)
            .unwrap()
            .population;
        assert_eq!(moved, own, "{}", site.id);
        assert!(
            closure
                .explanation
                .starts_with(&format!("Closing {}", site.name))
        );
    }
}

#[test]
fn adding_a_site_back_undoes_its_closure() {
    let registry = registry();
    let t = territory();
    let rules = rules();
    let reduced = without_site(&registry, "chaumont");
    let addition = reduced.site_addition(&rules, "52121").unwrap();
    let full = t.coverage(&rules);
    for (change, band) in addition.bands.iter().zip(&full.region.bands) {
        assert_eq!(change.population_after, band.population);
    }
    assert_eq!(
        addition.white_zone_population_after,
        full.region.white_zone_population
    );
    let chaumont = t
        .catchments(&[])
        .unwrap()
        .into_iter()
        .find(|c| c.site == "chaumont")
        .unwrap();
    let taken: u64 = addition.taken_from.iter().map(|s| s.population).sum();
    assert_eq!(taken, chaumont.population);
    assert!(
        addition.explanation.contains("Chaumont (52121)"),
        "{}",
        addition.explanation
    );
}

#[test]
fn the_best_next_site_matches_an_exhaustive_search() {
    let t = territory();
    let rules = rules();
    let limit = (rules.white_zone_km * 1000.0).round() as u64;
    let metres = |a: &str, b: &str| (t.distance_km(a, b).unwrap() * 1000.0).round() as u64;
    let white: Vec<&em_core::registry::Commune> = t
        .communes()
        .iter()
        .filter(|c| site_distances(&t, &c.code)[0].0 > limit)
        .collect();
    let mut gains: Vec<(u64, &str)> = t
        .communes()
        .iter()
        .map(|cand| {
            let gain = white
                .iter()
                .filter(|w| metres(&cand.code, &w.code) <= limit)
                .map(|w| u64::from(w.population))
                .sum();
            (gain, cand.code.as_str())
        })
        .collect();
    gains.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let best = t.best_next_site(&rules);
    let got: Vec<(u64, &str)> = best
        .best
        .iter()
        .chain(&best.runners_up)
        .map(|c| (c.population_gained, c.commune.as_str()))
        .collect();
    assert_eq!(got, gains[..5].to_vec());
    let b = best.best.as_ref().unwrap();
    assert!(
        best.explanation.starts_with(&b.name),
        "{}",
        best.explanation
    );
    // The addition's own figures agree on the gain.
    let addition = t.site_addition(&rules, &b.commune).unwrap();
    assert_eq!(
        addition.white_zone_population_before - addition.white_zone_population_after,
        b.population_gained
    );
}

#[test]
fn a_candidate_next_to_an_existing_site_overlaps_too_much_and_one_in_open_country_does_not() {
    let t = territory();
    let rules = rules();
    // Tinqueux is a suburb of Reims.
    let suburb = t.catchment_overlap(&rules, "51573").unwrap();
    assert!(
        suburb.share > rules.max_catchment_overlap_share,
        "{}",
        suburb.explanation
    );
    assert!(!suburb.within_limit);
    assert!(
        suburb.explanation.ends_with("too large."),
        "{}",
        suburb.explanation
    );
    assert_eq!(
        suburb.taken_from.iter().map(|s| s.population).sum::<u64>(),
        suburb.taken_population
    );
    let open = t.best_next_site(&rules).best.unwrap();
    let overlap = t.catchment_overlap(&rules, &open.commune).unwrap();
    assert!(overlap.within_limit, "{}", overlap.explanation);
    assert!(overlap.catchment_population >= open.population_gained);
    // In a commune that already hosts a site, the whole catchment is taken.
    let reims = t.catchment_overlap(&rules, "51454").unwrap();
    assert_eq!(reims.share, 1.0);
}

#[test]
fn what_if_questions_about_unknown_places_are_refused() {
    let t = territory();
    let rules = rules();
    assert_eq!(
        t.site_addition(&rules, "75056").unwrap_err().to_string(),
        "commune `75056` is not in the territory"
    );
    assert!(t.site_closure(&rules, "paris").is_err());
    assert!(t.catchment_overlap(&rules, "").is_err());
}

#[test]
fn the_map_draws_every_commune_and_every_site() {
    let t = territory();
    let coverage = t.coverage(&rules());
    let svg = t.map_svg(&coverage, &Default::default());
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.trim_end().ends_with("</svg>"));
    let commune_dots = svg
        .matches("de l'Espace métiers le plus proche</title></circle>")
        .count();
    assert_eq!(commune_dots, 1914);
    for site in t.sites() {
        assert!(
            svg.contains(&format!("<title>Espace métiers de {}</title>", site.name)),
            "{}",
            site.name
        );
    }
    assert!(svg.contains("au-delà de 30,0\u{A0}km (zone blanche)"));
    assert!(
        !svg.contains("http://") || svg.matches("http://").count() == 1,
        "only the namespace"
    );
    // Same input, same drawing.
    assert_eq!(svg, t.map_svg(&coverage, &Default::default()));
}

#[test]
fn the_shipped_territory_rules_are_in_force_from_2007() {
    let rules = rules();
    assert_eq!(rules.coverage_bands_km, [10.0, 20.0, 30.0]);
    let ruleset = TerritoryRuleset::from_ruleset(&Ruleset::champagne_ardenne()).unwrap();
    assert!(ruleset.at(jiff::civil::date(2006, 12, 31)).is_err());
}
