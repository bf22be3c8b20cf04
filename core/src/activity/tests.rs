//! Tests of the activity report from records to masked tables: hand-made
//! visits whose counts are known, and generated years checked for the
//! report's invariants.

use jiff::civil::{Date, date};
use proptest::prelude::*;

use super::*;
use crate::registry::Registry;
use crate::report::{Block, Cell, Table};
use crate::ruleset::Ruleset;
use crate::statistics::{Event, SurveyAnswer, Visit};

fn setup() -> (Registry, Ruleset) {
    (Registry::champagne_ardenne(), Ruleset::champagne_ardenne())
}

fn visit(
    site: &str,
    day: (i8, i8),
    visitor: Option<&str>,
    status: Option<&str>,
    themes: &[&str],
) -> Visit {
    Visit {
        site: site.to_owned(),
        date: date(2009, day.0, day.1),
        reference: None,
        visitor: visitor.map(str::to_owned),
        contact_mode: "in_person".to_owned(),
        sex: None,
        age_band: None,
        status: status.map(str::to_owned),
        education_level: None,
        commune: Some("08409".to_owned()),
        first_visit: Some(true),
        arrival_channel: None,
        themes: themes.iter().map(|t| (*t).to_owned()).collect(),
        services: Vec::new(),
        referrals: Vec::new(),
    }
}

fn category(aggregates: &Aggregates, dim: DimensionId, code: Option<&str>) -> usize {
    let dimension = aggregates.dimension(dim);
    match code {
        Some(code) => dimension
            .categories
            .iter()
            .position(|c| c.code.as_deref() == Some(code))
            .expect("a code of the dimension"),
        None => dimension.not_given(),
    }
}

#[test]
fn visitors_are_distinct_per_site_and_described_by_their_first_visit() {
    let (registry, ruleset) = setup();
    let mut aggregator = Aggregator::new(&registry, &ruleset, 2009).unwrap();
    // Card A comes three times to Sedan, a job seeker in March who found a
    // job by May; the same card at Reims is another visitor. Two visits have
    // no card: two visitors.
    let records = [
        visit(
            "sedan",
            (5, 2),
            Some("A"),
            Some("employee"),
            &["employment.cv"],
        ),
        visit(
            "sedan",
            (3, 10),
            Some("A"),
            Some("job_seeker"),
            &["guidance.vae", "guidance.project"],
        ),
        visit(
            "sedan",
            (3, 20),
            Some("A"),
            Some("job_seeker"),
            &["employment.job_search"],
        ),
        visit("reims", (3, 20), Some("A"), None, &["training.offer"]),
        visit("sedan", (7, 1), None, Some("student"), &[]),
        visit("sedan", (7, 2), None, Some("student"), &["guidance"]),
    ];
    for record in &records {
        aggregator.add_visit(record);
    }
    let aggregates = aggregator.finish();
    let sedan = &aggregates.sites[registry.sites.iter().position(|s| s.id == "sedan").unwrap()];
    assert_eq!(
        (sedan.visits, sedan.visitors, sedan.anonymous_visits),
        (5, 3, 2)
    );

    let status = sedan.dimension(DimensionId::Status);
    let at = |code| category(&aggregates, DimensionId::Status, code);
    assert_eq!(status.visits[at(Some("job_seeker"))], 2);
    assert_eq!(status.visits[at(Some("employee"))], 1);
    // Visitor A is a job seeker: that was their first visit of the year.
    assert_eq!(status.visitors[at(Some("job_seeker"))], 1);
    assert_eq!(status.visitors[at(Some("employee"))], 0);
    assert_eq!(status.visitors[at(Some("student"))], 2);
    assert_eq!(status.visitors.iter().sum::<u64>(), sedan.visitors);

    // Two guidance sub-themes in one visit are one guidance visit; visitor
    // A asked about guidance and employment over the year.
    let groups = sedan.dimension(DimensionId::ThemeGroup);
    let group = |code| category(&aggregates, DimensionId::ThemeGroup, code);
    assert_eq!(groups.visits[group(Some("guidance"))], 2);
    assert_eq!(groups.visits[group(Some("employment"))], 2);
    assert_eq!(groups.visitors[group(Some("guidance"))], 2);
    assert_eq!(groups.visitors[group(Some("employment"))], 1);
    assert_eq!(groups.visits[group(None)], 1, "one visit gave no theme");

    // By month: A came in March (twice) and May.
    assert_eq!(sedan.visits_by_month[2], 2);
    assert_eq!(sedan.visitors_by_month[2], 1);
    assert_eq!(sedan.visitors_by_month[4], 1);

    // The Ardennes hold Sedan; the region holds both sites.
    let ardennes = aggregates
        .departements
        .iter()
        .find(|d| d.scope.id == "08")
        .unwrap();
    assert_eq!((ardennes.visits, ardennes.visitors), (5, 3));
    assert_eq!(
        (aggregates.region.visits, aggregates.region.visitors),
        (6, 4)
    );
}

#[test]
fn records_outside_the_year_or_of_an_unknown_site_are_left_out_and_counted() {
    let (registry, ruleset) = setup();
    let mut aggregator = Aggregator::new(&registry, &ruleset, 2009).unwrap();
    let mut late = visit("sedan", (1, 1), Some("A"), None, &["guidance"]);
    late.date = date(2010, 1, 1);
    aggregator.add_visit(&late);
    aggregator.add_visit(&visit("atlantis", (1, 1), Some("A"), None, &["guidance"]));
    aggregator.add_visit(&visit("sedan", (12, 31), Some("A"), None, &["guidance"]));
    let aggregates = aggregator.finish();
    assert_eq!(aggregates.region.visits, 1);
    assert_eq!(
        aggregates.skipped,
        Skipped {
            outside_year: 1,
            unknown_site: 1,
            bad_survey_scores: 0
        }
    );
}

#[test]
fn satisfaction_counts_those_who_answered_each_item_and_events_their_attendance() {
    let (registry, ruleset) = setup();
    let mut aggregator = Aggregator::new(&registry, &ruleset, 2009).unwrap();
    type Answer<'a> = (&'a [(&'a str, u8)], Option<bool>);
    let answers: &[Answer<'_>] = &[
        (&[("welcome", 4), ("premises", 2)], Some(true)),
        (&[("welcome", 3)], Some(false)),
        (&[("welcome", 1), ("premises", 9)], None),
    ];
    for (items, recommend) in answers {
        aggregator.add_survey_answer(&SurveyAnswer {
            site: "troyes".to_owned(),
            date: date(2009, 6, 1),
            reference: None,
            items: items.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
            would_recommend: *recommend,
        });
    }
    aggregator.add_event(&Event {
        site: "troyes".to_owned(),
        reference: None,
        title: "Forum".to_owned(),
        start_date: date(2009, 10, 1),
        end_date: date(2009, 10, 2),
        event_type: "forum".to_owned(),
        themes: Vec::new(),
        partners: Vec::new(),
        attendance: 120,
        respondents: Some(40),
        satisfied: Some(36),
    });
    let aggregates = aggregator.finish();
    let survey = &aggregates.region.survey;
    let item = |code: &str| {
        aggregates
            .survey_items
            .iter()
            .position(|c| c.code.as_deref() == Some(code))
            .unwrap()
    };
    assert_eq!(survey.answers, 3);
    assert_eq!(
        (
            survey.respondents(item("welcome")),
            survey.satisfied(item("welcome"))
        ),
        (3, 2)
    );
    assert_eq!(
        (
            survey.respondents(item("premises")),
            survey.satisfied(item("premises"))
        ),
        (1, 0)
    );
    assert_eq!((survey.recommend_yes, survey.recommend_no), (1, 1));
    assert_eq!(
        aggregates.skipped.bad_survey_scores, 1,
        "a 9 is not on the scale"
    );
    let events = &aggregates.region.events;
    assert_eq!(events.events.iter().sum::<u64>(), 1);
    assert_eq!(events.attendance.iter().sum::<u64>(), 120);
}

fn tables(report: &ActivityReport) -> Vec<&Table> {
    std::iter::once(&report.region)
        .chain(&report.departements)
        .chain(report.sites.iter().map(|s| &s.report))
        .flat_map(|r| &r.blocks)
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .collect()
}

fn report_of(visits: usize, seed: u64) -> ActivityReport {
    let (registry, ruleset) = setup();
    let mut years = Vec::new();
    for year in [2008, 2009] {
        let mut aggregator = Aggregator::new(&registry, &ruleset, year).unwrap();
        for v in sample::visits(&registry, &ruleset, year, visits, seed + year as u64) {
            aggregator.add_visit(&v);
        }
        for a in sample::survey_answers(&registry, &ruleset, year, visits / 10, seed) {
            aggregator.add_survey_answer(&a);
        }
        for e in sample::events(&registry, &ruleset, year, visits / 100 + 3, seed) {
            aggregator.add_event(&e);
        }
        years.push(aggregator.finish());
    }
    ActivityReport::build(&registry, &ruleset, 2009, &years[1], Some(&years[0])).unwrap()
}

#[test]
fn every_category_in_force_has_its_row_even_at_zero() {
    let report = report_of(40, 1);
    let (_, ruleset) = setup();
    let status = tables(&report)
        .into_iter()
        .find(|t| t.id == "site-vireux-molhain.status")
        .unwrap();
    let codes: Vec<&str> = status
        .rows
        .iter()
        .filter_map(|r| r.code.as_deref())
        .collect();
    let expected: Vec<&str> = ruleset
        .statistics
        .codes_between("status", date(2009, 1, 1), date(2009, 12, 31))
        .iter()
        .map(|c| c.code.as_str())
        .collect();
    assert_eq!(codes, expected);
    assert!(status.rows.iter().any(|r| r.label == "Non renseigné"));
    assert!(status.rows.iter().any(|r| r.cells[0] == Cell::Count(0)));
}

#[test]
fn the_summary_says_the_year_in_a_sentence() {
    let report = report_of(3000, 2);
    assert!(
        report
            .summary
            .starts_with("En 2009, le réseau a reçu 3\u{202F}000 visites de "),
        "{}",
        report.summary
    );
    assert!(
        report.summary.contains("par rapport à 2008"),
        "{}",
        report.summary
    );
    let document = report.to_document();
    assert_eq!(document.sections[0].id, "summary");
    assert_eq!(document.sections.last().unwrap().id, "method");
    assert_eq!(document.sections.len(), 1 + 1 + 4 + 11 + 1);
}

#[test]
fn aggregates_of_another_year_are_refused() {
    let (registry, ruleset) = setup();
    let aggregates = Aggregator::new(&registry, &ruleset, 2008).unwrap().finish();
    let err = ActivityReport::build(&registry, &ruleset, 2009, &aggregates, None).unwrap_err();
    assert!(err.to_string().contains("2008"), "{err}");
}

/// The columns of a table that add up to its "Total" row: the counts of a
/// single-valued dimension's table and of the events' table.
fn additive_columns(table: &Table) -> Vec<usize> {
    let single = DimensionId::SINGLE
        .iter()
        .any(|d| table.id.ends_with(&format!(".{}", d.as_str())));
    if single {
        table
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                matches!(
                    c.id.as_str(),
                    "visits" | "visitors" | "visits_previous" | "visitors_previous"
                )
            })
            .map(|(i, _)| i)
            .collect()
    } else if table.id.ends_with(".visits_by_month") || table.id.ends_with(".events") {
        vec![
            table
                .columns
                .iter()
                .position(|c| c.id == "visits" || c.id == "attendance")
                .unwrap(),
        ]
    } else {
        Vec::new()
    }
}

/// In an events table, a type of no event is known to have had nobody
/// attending, answering or satisfied, masked or not: so no such row may
/// hold a masked cell, and each count column must have no masked cell or
/// at least two among the other rows (the total included), or subtraction
/// gives it back. Returns what is wrong, if anything.
fn events_table_leak(table: &Table) -> Option<String> {
    let events = table.columns.iter().position(|c| c.id == "events")?;
    for row in &table.rows {
        if row.cells[events] == Cell::Count(0) && row.cells.contains(&Cell::Masked) {
            return Some(format!(
                "{}: {} has no event and a masked cell",
                table.id, row.label
            ));
        }
    }
    for id in ["attendance", "respondents", "satisfied"] {
        let column = table.columns.iter().position(|c| c.id == id).unwrap();
        let masked = table
            .rows
            .iter()
            .filter(|r| r.cells[column] == Cell::Masked)
            .count();
        if masked == 1 {
            return Some(format!(
                "{}: {id} has one masked cell beside zeros",
                table.id
            ));
        }
    }
    None
}

#[test]
fn a_small_count_beside_types_of_no_event_is_not_given_back() {
    // Vireux-Molhain's events of 2009 in the demo: one workshop with 3
    // respondents and 1 satisfied among types of no event. The report used
    // to mask the zeros of two types of no event beside them, which hid
    // nothing: 97 - (10 + 25 + 59) gave the 3 back, 91 - (10 + 23 + 57)
    // the 1.
    let (registry, ruleset) = setup();
    let mut aggregator = Aggregator::new(&registry, &ruleset, 2009).unwrap();
    let events = [
        ("company_visit", 15, 10, 10),
        ("conference", 117, 59, 57),
        ("information_session", 41, 25, 23),
        ("workshop", 7, 3, 1),
    ];
    for (i, (event_type, attendance, respondents, satisfied)) in events.into_iter().enumerate() {
        aggregator.add_event(&Event {
            site: "vireux-molhain".to_owned(),
            reference: None,
            title: format!("Événement {i}"),
            start_date: date(2009, 3, 1 + i as i8),
            end_date: date(2009, 3, 1 + i as i8),
            event_type: event_type.to_owned(),
            themes: Vec::new(),
            partners: Vec::new(),
            attendance,
            respondents: Some(respondents),
            satisfied: Some(satisfied),
        });
    }
    let aggregates = aggregator.finish();
    let report = ActivityReport::build(&registry, &ruleset, 2009, &aggregates, None).unwrap();
    let mut seen = 0;
    for table in tables(&report)
        .into_iter()
        .filter(|t| t.id.ends_with(".events"))
    {
        assert_eq!(events_table_leak(table), None);
        seen += 1;
    }
    assert_eq!(seen, 1 + 4 + 11);
    let site = tables(&report)
        .into_iter()
        .find(|t| t.id == "site-vireux-molhain.events")
        .unwrap();
    let workshop = site
        .rows
        .iter()
        .find(|r| r.code.as_deref() == Some("workshop"))
        .unwrap();
    assert_eq!(workshop.cells[2..4], [Cell::Masked, Cell::Masked]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn no_published_table_shows_a_small_count_or_lets_one_be_subtracted(
        visits in 30usize..2500,
        seed in 0u64..1000,
    ) {
        let report = report_of(visits, seed);
        let threshold = report.small_count_threshold;
        for table in tables(&report) {
            for row in &table.rows {
                for (column, cell) in table.columns.iter().zip(&row.cells) {
                    // Events are the sites' public actions, not people.
                    let counts_events = column.id.starts_with("events")
                        || (table.id.ends_with("key_figures") && row.code.as_deref() == Some("events"));
                    if let Cell::Count(n) = cell {
                        prop_assert!(
                            *n == 0 || *n >= threshold || counts_events,
                            "{}: {} / {} shows {n}", table.id, row.label, column.label
                        );
                    }
                }
            }
            // Only the events tables lay events out by type; elsewhere an
            // "events" column sits beside counts of visits, which a row
            // without events may rightly mask.
            if table.id.ends_with(".events")
                && let Some(leak) = events_table_leak(table)
            {
                prop_assert!(false, "{}", leak);
            }
            let has_masked = table.rows.iter().any(|r| r.cells.contains(&Cell::Masked));
            prop_assert_eq!(has_masked, table.note.as_deref().is_some_and(|n| n.contains("secret statistique")));
            for column in additive_columns(table) {
                let total = table.rows.iter().rposition(|r| r.label == "Total" || r.label == "Année").unwrap();
                let masked = table.rows[..=total]
                    .iter()
                    .filter(|r| r.cells[column] == Cell::Masked)
                    .count();
                prop_assert_ne!(masked, 1, "{} column {}: one masked cell", table.id, column);
            }
        }
    }
}

/// The counts of one site as the plain reading of the module's rules gives
/// them, with owned strings and ordered maps: the reference the fast
/// aggregator must equal.
#[derive(Debug, Default, PartialEq, Eq)]
struct ReferenceSite {
    visits: u64,
    visitors: u64,
    anonymous_visits: u64,
    by_month: [u64; 12],
    visitors_by_month: [u64; 12],
    /// (dimension, category) → (visits, visitors).
    cells: std::collections::BTreeMap<(usize, usize), (u64, u64)>,
}

/// The categories a visit falls in, per dimension, found by reading the
/// dimensions' category lists (no index, no interning).
fn reference_categories(
    registry: &Registry,
    aggregates: &Aggregates,
    visit: &Visit,
) -> Vec<(usize, Vec<usize>)> {
    let find = |d: usize, code: Option<&str>| -> usize {
        let dimension = &aggregates.dimensions[d];
        match code {
            None => dimension.not_given(),
            Some(code) => dimension
                .categories
                .iter()
                .position(|c| c.code.as_deref() == Some(code))
                .unwrap_or(dimension.unrecognised()),
        }
    };
    let first_visit = visit.first_visit.map(|f| if f { "yes" } else { "no" });
    let residence = visit.commune.as_deref().map(|code| {
        registry
            .commune(code)
            .map_or("outside_region", |c| c.departement.as_str())
    });
    let singles = [
        Some(visit.contact_mode.as_str()),
        visit.sex.as_deref(),
        visit.age_band.as_deref(),
        visit.status.as_deref(),
        visit.education_level.as_deref(),
        first_visit,
        visit.arrival_channel.as_deref(),
        residence,
    ];
    let mut out: Vec<(usize, Vec<usize>)> = singles
        .iter()
        .enumerate()
        .map(|(d, code)| (d, vec![find(d, *code)]))
        .collect();
    let theme_d = position_of(DimensionId::Theme);
    let group_d = position_of(DimensionId::ThemeGroup);
    let top = |code: &str| -> String {
        let theme = &aggregates.dimensions[theme_d];
        let mut code = code.to_owned();
        while let Some(parent) = theme
            .categories
            .iter()
            .find(|c| c.code.as_deref() == Some(code.as_str()))
            .and_then(|c| c.parent.clone())
        {
            code = parent;
        }
        code
    };
    let multi = |d: usize, codes: Vec<String>| -> (usize, Vec<usize>) {
        let mut categories: Vec<usize> = codes.iter().map(|c| find(d, Some(c))).collect();
        categories.sort_unstable();
        categories.dedup();
        if categories.is_empty() {
            categories.push(aggregates.dimensions[d].not_given());
        }
        (d, categories)
    };
    out.push(multi(theme_d, visit.themes.clone()));
    out.push(multi(
        group_d,
        visit.themes.iter().map(|t| top(t)).collect(),
    ));
    out.push(multi(
        position_of(DimensionId::Service),
        visit.services.clone(),
    ));
    out.push(multi(
        position_of(DimensionId::Referral),
        visit.referrals.clone(),
    ));
    out
}

fn position_of(id: DimensionId) -> usize {
    DimensionId::ALL.iter().position(|&d| d == id).unwrap()
}

/// Counts `visits` by the module's rules, read literally.
fn reference_counts(
    registry: &Registry,
    aggregates: &Aggregates,
    visits: &[Visit],
) -> Vec<ReferenceSite> {
    use std::collections::{BTreeMap, BTreeSet};

    let mut sites: Vec<ReferenceSite> = registry
        .sites
        .iter()
        .map(|_| ReferenceSite::default())
        .collect();
    // (site, visitor) → (first date, categories of the first visit, union
    // of the multi-valued categories, months).
    type Person = (
        Date,
        Vec<(usize, Vec<usize>)>,
        BTreeSet<(usize, usize)>,
        BTreeSet<usize>,
    );
    let mut persons: BTreeMap<(usize, String), Person> = BTreeMap::new();
    for visit in visits {
        let site = registry
            .sites
            .iter()
            .position(|s| s.id == visit.site)
            .unwrap();
        let categories = reference_categories(registry, aggregates, visit);
        let month = visit.date.month() as usize - 1;
        let counts = &mut sites[site];
        counts.visits += 1;
        counts.by_month[month] += 1;
        for (d, list) in &categories {
            for &c in list {
                counts.cells.entry((*d, c)).or_default().0 += 1;
            }
        }
        let multi = |categories: &[(usize, Vec<usize>)]| -> BTreeSet<(usize, usize)> {
            categories[DimensionId::SINGLE.len()..]
                .iter()
                .flat_map(|(d, list)| list.iter().map(move |&c| (*d, c)))
                .collect()
        };
        match &visit.visitor {
            None => {
                counts.anonymous_visits += 1;
                counts.visitors += 1;
                counts.visitors_by_month[month] += 1;
                for (d, list) in &categories {
                    for &c in list {
                        counts.cells.entry((*d, c)).or_default().1 += 1;
                    }
                }
            }
            Some(visitor) => {
                let key = (site, visitor.clone());
                let union = multi(&categories);
                match persons.get_mut(&key) {
                    None => {
                        persons.insert(
                            key,
                            (visit.date, categories, union, BTreeSet::from([month])),
                        );
                    }
                    Some(person) => {
                        if visit.date < person.0 {
                            person.0 = visit.date;
                            person.1 = categories;
                        }
                        person.2.extend(union);
                        person.3.insert(month);
                    }
                }
            }
        }
    }
    // A person's multi-valued union stands for all their visits; a blank
    // list counts as "not given" only if every visit left it blank.
    for ((site, _), (_, first, union, months)) in persons {
        let counts = &mut sites[site];
        counts.visitors += 1;
        for month in months {
            counts.visitors_by_month[month] += 1;
        }
        for (d, list) in &first[..DimensionId::SINGLE.len()] {
            counts.cells.entry((*d, list[0])).or_default().1 += 1;
        }
        for &d in &DimensionId::MULTIPLE.map(position_of) {
            let not_given = aggregates.dimensions[d].not_given();
            let given: Vec<usize> = union
                .iter()
                .filter(|&&(ud, c)| ud == d && c != not_given)
                .map(|&(_, c)| c)
                .collect();
            if given.is_empty() {
                counts.cells.entry((d, not_given)).or_default().1 += 1;
            }
            for c in given {
                counts.cells.entry((d, c)).or_default().1 += 1;
            }
        }
    }
    sites
}

fn as_reference(aggregates: &Aggregates) -> Vec<ReferenceSite> {
    aggregates
        .sites
        .iter()
        .map(|site| {
            let mut cells = std::collections::BTreeMap::new();
            for (d, counts) in site.dimensions.iter().enumerate() {
                for (c, (&visits, &visitors)) in
                    counts.visits.iter().zip(&counts.visitors).enumerate()
                {
                    if visits > 0 || visitors > 0 {
                        cells.insert((d, c), (visits, visitors));
                    }
                }
            }
            ReferenceSite {
                visits: site.visits,
                visitors: site.visitors,
                anonymous_visits: site.anonymous_visits,
                by_month: site.visits_by_month,
                visitors_by_month: site.visitors_by_month,
                cells,
            }
        })
        .collect()
}

#[test]
fn the_aggregator_counts_a_seeded_year_as_the_rules_read_literally_do() {
    let (registry, ruleset) = setup();
    let mut visits = sample::visits(&registry, &ruleset, 2009, 6_000, 42);
    // Records that bypassed the import's checks: an unknown code in a
    // single and a multi-valued field, a commune outside the region, a
    // person whose two first visits fall on the same day with different
    // traits (the one met first describes them).
    visits[0].sex = Some("not_a_code".to_owned());
    visits[1].services = vec!["nope".to_owned()];
    visits[2].commune = Some("75056".to_owned());
    let mut twin = visits[3].clone();
    twin.status = Some("student".to_owned());
    twin.visitor = Some("same-day-twin".to_owned());
    visits[3].visitor = Some("same-day-twin".to_owned());
    visits.insert(4, twin);

    let mut aggregator = Aggregator::new(&registry, &ruleset, 2009).unwrap();
    for visit in &visits {
        aggregator.add_visit(visit);
    }
    let aggregates = aggregator.finish();
    let expected = reference_counts(&registry, &aggregates, &visits);
    for (site, (counted, expected)) in as_reference(&aggregates).iter().zip(&expected).enumerate() {
        assert_eq!(counted, expected, "site {}", registry.sites[site].id);
    }
    assert_eq!(aggregates.region.visits, 6_001);
    assert!(aggregates.region.visitors > 1_000);
}

#[test]
fn a_scan_counted_in_two_parts_and_merged_equals_one_pass() {
    let (registry, ruleset) = setup();
    let visits = sample::visits(&registry, &ruleset, 2009, 5_000, 3);
    let whole = {
        let mut aggregator = Aggregator::new(&registry, &ruleset, 2009).unwrap();
        visits.iter().for_each(|v| aggregator.add_visit(v));
        aggregator.finish()
    };
    for split in [0, 1, 2_500, 4_999, 5_000] {
        let mut first = Aggregator::new(&registry, &ruleset, 2009).unwrap();
        let mut second = Aggregator::new(&registry, &ruleset, 2009).unwrap();
        visits[..split].iter().for_each(|v| first.add_visit(v));
        visits[split..].iter().for_each(|v| second.add_visit(v));
        first.merge(second).unwrap();
        assert_eq!(first.finish(), whole, "split at {split}");
    }
}

#[test]
fn aggregators_of_two_years_are_not_merged() {
    let (registry, ruleset) = setup();
    let mut first = Aggregator::new(&registry, &ruleset, 2009).unwrap();
    let second = Aggregator::new(&registry, &ruleset, 2008).unwrap();
    assert!(matches!(
        first.merge(second),
        Err(ActivityError::MismatchedAggregates(_))
    ));
}

#[test]
fn visits_read_through_joined_code_lists_count_as_the_owned_records() {
    let (registry, ruleset) = setup();
    let visits = sample::visits(&registry, &ruleset, 2009, 3_000, 11);
    let mut owned = Aggregator::new(&registry, &ruleset, 2009).unwrap();
    let mut borrowed = Aggregator::new(&registry, &ruleset, 2009).unwrap();
    for visit in &visits {
        owned.add_visit(visit);
        let (themes, services, referrals) = (
            visit.themes.join(";"),
            visit.services.join(";"),
            visit.referrals.join(";"),
        );
        borrowed.add_visit_fields(&VisitFields {
            themes: Codes::joined(themes.as_bytes(), b';'),
            services: Codes::joined(services.as_bytes(), b';'),
            referrals: Codes::joined(referrals.as_bytes(), b';'),
            ..VisitFields::of(visit)
        });
    }
    assert_eq!(owned.finish(), borrowed.finish());
}

#[test]
fn codes_not_in_force_are_counted_and_the_method_says_where() {
    let (registry, ruleset) = setup();
    let mut aggregator = Aggregator::new(&registry, &ruleset, 2009).unwrap();
    for n in 0..7 {
        let person = format!("P{n}");
        aggregator.add_visit(&visit(
            "sedan",
            (3, 2),
            Some(&person),
            None,
            &["no_such_theme"],
        ));
    }
    aggregator.add_visit(&visit(
        "sedan",
        (3, 3),
        Some("Q"),
        Some("no_such_status"),
        &["guidance"],
    ));
    let aggregates = aggregator.finish();
    let themes = aggregates.dimension(DimensionId::Theme);
    assert_eq!(
        aggregates.region.dimension(DimensionId::Theme).visits[themes.unrecognised()],
        7
    );
    let report = ActivityReport::build(&registry, &ruleset, 2009, &aggregates, None).unwrap();
    let note = report
        .method
        .iter()
        .find(|p| p.starts_with("Codes hors nomenclature"))
        .expect("a note on the codes not in force");
    assert!(note.contains("en 2009"), "{note}");
    assert!(note.contains("(7 visites)"), "{note}");
    // One visit with a stray status: a small count, written as masked.
    assert!(note.contains("(moins de 5 visites)"), "{note}");
    // A year without such codes has no such note.
    assert!(
        !report_of(300, 1)
            .method
            .iter()
            .any(|p| p.starts_with("Codes hors"))
    );
}
