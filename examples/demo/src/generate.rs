//! The simulation: a year of visits, survey answers and events per site.
//!
//! Each site is simulated on its own generator (forked from the seed by the
//! site's identifier), years in order, so that a visitor met in 2008 may come
//! back in 2009 and is then no longer on a first visit.

use std::collections::BTreeMap;

use em_core::registry::{Commune, Site};
use em_core::statistics::{Event, SurveyAnswer, Visit};
use em_core::{Registry, Ruleset};
use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

use crate::calibration::{Calibration, Weights};
use crate::rng::{Cumulative, Rng};

/// Everything the generator made.
#[derive(Debug, Clone, Default)]
pub struct DemoData {
    /// The simulated years, in order.
    pub years: Vec<i16>,
    /// Visits, by site then date.
    pub visits: Vec<Visit>,
    /// Survey answers, by site then date.
    pub survey_answers: Vec<SurveyAnswer>,
    /// Events, by site then start date.
    pub events: Vec<Event>,
}

/// Runs the simulation for every site of the registry and every year of the
/// calibration.
pub fn generate(calibration: &Calibration, registry: &Registry, ruleset: &Ruleset) -> DemoData {
    let _span = tracing::info_span!("demo_generate", seed = calibration.seed).entered();
    let root = Rng::seeded(calibration.seed);
    let years = calibration.years();
    let mut data = DemoData {
        years: years.clone(),
        ..DemoData::default()
    };
    let reference_population = registry
        .site(&calibration.volume.reference_site)
        .and_then(|s| registry.commune(&s.commune))
        .map_or(1.0, |c| f64::from(c.population));
    let yearly_rate = calibration.volume.reference_visits / calibration.volume.reference_months
        * 12.0
        / reference_population;
    for site in &registry.sites {
        let Some(home) = registry.commune(&site.commune) else {
            continue;
        };
        let mut sim = SiteSimulation::new(calibration, registry, ruleset, site, home, &root);
        for &year in &years {
            let factor = calibration.volume.years[&year.to_string()];
            let mean = yearly_rate * f64::from(home.population) * factor;
            sim.year(year, mean, &mut data);
        }
        tracing::debug!(site = %site.id, "site simulated");
    }
    data
}

/// A person, as the site's card knows them.
#[derive(Debug, Clone)]
struct Person {
    id: String,
    sex: String,
    age_band: String,
    status: String,
    education_level: String,
    commune: String,
}

/// Draw tables built once per table of weights.
#[derive(Debug, Clone)]
struct Table {
    codes: Vec<String>,
    draw: Cumulative,
}

impl Table {
    fn new(weights: &Weights) -> Table {
        Table {
            codes: weights.keys().cloned().collect(),
            draw: Cumulative::new(weights.values().copied()),
        }
    }

    fn pick(&self, rng: &mut Rng) -> String {
        self.codes[self.draw.draw(rng)].clone()
    }
}

/// The state of one site across the simulated years.
struct SiteSimulation<'a> {
    calibration: &'a Calibration,
    ruleset: &'a Ruleset,
    site: &'a Site,
    rng: Rng,
    residence: Table,
    people: Vec<Person>,
    sex: Table,
    age_band: Table,
    education_adults: Table,
    education_minors: Table,
    status_by_age: BTreeMap<String, Table>,
    contact_mode: Table,
    arrival_channel: Table,
    referrals: BTreeMap<String, Table>,
    event_types: Cumulative,
    event_partners: Table,
    score: Table,
    business_creation_share: Option<f64>,
    always_filled: Vec<String>,
}

/// How many of the latest new visitors a returning visit is drawn from: a
/// person tends to come back within months, not years.
const RETURN_WINDOW: usize = 1500;

impl<'a> SiteSimulation<'a> {
    fn new(
        calibration: &'a Calibration,
        registry: &'a Registry,
        ruleset: &'a Ruleset,
        site: &'a Site,
        home: &'a Commune,
        root: &Rng,
    ) -> Self {
        let people = &calibration.people;
        let visit = &calibration.visit;
        SiteSimulation {
            calibration,
            ruleset,
            site,
            rng: root.fork(&site.id),
            residence: residence_table(calibration, registry, site, home),
            people: Vec::new(),
            sex: Table::new(&people.sex),
            age_band: Table::new(&people.age_band),
            education_adults: Table::new(&people.education_level),
            education_minors: Table::new(&people.education_level_minors),
            status_by_age: people
                .status_by_age
                .iter()
                .map(|(age, w)| (age.clone(), Table::new(w)))
                .collect(),
            contact_mode: Table::new(&visit.contact_mode),
            arrival_channel: Table::new(&visit.arrival_channel),
            referrals: visit
                .referrals
                .iter()
                .map(|(theme, w)| (theme.clone(), Table::new(w)))
                .collect(),
            event_types: Cumulative::new(calibration.events.types.iter().map(|t| t.weight)),
            event_partners: Table::new(&calibration.events.event_partners),
            score: Table::new(&calibration.survey.scores),
            business_creation_share: calibration
                .site_overrides
                .iter()
                .find(|o| o.site == site.id)
                .and_then(|o| o.business_creation_share),
            always_filled: calibration
                .site_overrides
                .iter()
                .filter(|o| o.site == site.id)
                .flat_map(|o| o.always_filled.iter().cloned())
                .collect(),
        }
    }

    fn year(&mut self, year: i16, mean: f64, data: &mut DemoData) {
        let mut rng = self.rng.fork(&year.to_string());
        let count = rng.poisson(mean);
        let days = open_days(year);
        let month_tables: Vec<Cumulative> = (0..12)
            .map(|m| Cumulative::new(days[m].iter().map(|_| 1.0)))
            .collect();
        let months = Cumulative::new(
            (0..12).map(|m| self.calibration.volume.month_weights[m] * days[m].len() as f64),
        );
        let mut dates: Vec<Date> = (0..count)
            .map(|_| {
                let m = months.draw(&mut rng);
                days[m][month_tables[m].draw(&mut rng)]
            })
            .collect();
        dates.sort_unstable();
        let mut survey_number = 0;
        for (i, date) in dates.into_iter().enumerate() {
            let visit = self.visit(&mut rng, year, i + 1, date);
            if rng.chance(self.calibration.survey.response_share) {
                survey_number += 1;
                data.survey_answers
                    .push(self.survey_answer(&mut rng, year, survey_number, date));
            }
            data.visits.push(visit);
        }
        let events = (mean / self.calibration.events.visits_per_event)
            .round()
            .max(f64::from(self.calibration.events.min_events)) as u32;
        let mut site_events: Vec<Event> = (0..events)
            .map(|_| self.event(&mut rng, year, &days))
            .collect();
        site_events.sort_by_key(|e| e.start_date);
        for (n, event) in site_events.iter_mut().enumerate() {
            event.reference = Some(format!("EV-{year}-{:03}", n + 1));
        }
        data.events.extend(site_events);
    }

    fn person(&mut self, rng: &mut Rng) -> Person {
        let age_band = self.age_band.pick(rng);
        let status = self.status_by_age[&age_band].pick(rng);
        let minor = matches!(age_band.as_str(), "under_16" | "16_17");
        let education_level = if minor {
            self.education_minors.pick(rng)
        } else {
            self.education_adults.pick(rng)
        };
        let number = self.people.len() + 1;
        Person {
            id: format!("{}-{number:05}", card_prefix(&self.site.id)),
            sex: self.sex.pick(rng),
            age_band,
            status,
            education_level,
            commune: self.residence.pick(rng),
        }
    }

    fn visit(&mut self, rng: &mut Rng, year: i16, number: usize, date: Date) -> Visit {
        let first = self.people.is_empty() || rng.chance(self.calibration.volume.first_visit_share);
        let person = if first {
            let p = self.person(rng);
            self.people.push(p.clone());
            p
        } else {
            let window = self.people.len().min(RETURN_WINDOW);
            let start = self.people.len() - window;
            self.people[start + rng.between(0, window as u32 - 1) as usize].clone()
        };
        let themes = self.themes(rng, &person.status);
        let visit_shares = &self.calibration.visit;
        let mut services: Vec<String> = visit_shares
            .services
            .iter()
            .filter(|(_, p)| rng.chance(**p))
            .map(|(code, _)| code.clone())
            .collect();
        if services.is_empty() {
            services.push("information".to_owned());
        }
        let mut referrals = Vec::new();
        if rng.chance(visit_shares.referral_share) {
            let table = self
                .referrals
                .get(&themes[0])
                .or_else(|| self.referrals.get(top_theme(&themes[0])));
            if let Some(table) = table {
                referrals.push(table.pick(rng));
                if rng.chance(0.15) {
                    let second = table.pick(rng);
                    if !referrals.contains(&second) {
                        referrals.push(second);
                    }
                }
            }
        }
        let missing = self.calibration.people.missing_share;
        let contact_mode = self.contact_mode.pick(rng);
        // How a person heard of the site is asked on the first visit only.
        let arrival_channel = first.then(|| self.arrival_channel.pick(rng));
        let always = &self.always_filled;
        // The draw happens even for a field the site always fills, so that
        // the rest of the stream is the same as without the override.
        let mut optional = |field: &str, value: String| {
            let blank = rng.chance(missing);
            (!blank || always.iter().any(|f| f == field)).then_some(value)
        };
        Visit {
            site: self.site.id.clone(),
            date,
            reference: Some(format!("{year}-{number:05}")),
            visitor: Some(person.id.clone()),
            contact_mode,
            sex: optional("sex", person.sex),
            age_band: optional("age_band", person.age_band),
            status: optional("status", person.status),
            education_level: optional("education_level", person.education_level),
            commune: optional("commune", person.commune),
            first_visit: Some(first),
            arrival_channel: arrival_channel.and_then(|c| optional("arrival_channel", c)),
            themes,
            services,
            referrals,
        }
    }

    fn themes(&self, rng: &mut Rng, status: &str) -> Vec<String> {
        let visit = &self.calibration.visit;
        if let Some(share) = self.business_creation_share
            && rng.chance(share)
        {
            return vec!["employment.business_creation".to_owned()];
        }
        let factors = visit.theme_factor_by_status.get(status);
        let mut weights: Weights = visit.theme.clone();
        if let Some(factors) = factors {
            for (theme, factor) in factors {
                if let Some(w) = weights.get_mut(theme) {
                    *w *= factor;
                }
            }
        }
        let table = Table::new(&weights);
        let first = table.pick(rng);
        let mut themes = vec![self.sub_theme(rng, &first)];
        if rng.chance(visit.second_theme_share) {
            let top = table.pick(rng);
            if !themes.iter().any(|t| top_theme(t) == top) {
                themes.push(self.sub_theme(rng, &top));
            }
        }
        themes
    }

    fn sub_theme(&self, rng: &mut Rng, top: &str) -> String {
        let candidates: Weights = self
            .calibration
            .visit
            .sub_theme
            .iter()
            .filter(|(code, _)| top_theme(code) == top)
            .map(|(c, w)| (c.clone(), *w))
            .collect();
        if candidates.is_empty() {
            top.to_owned()
        } else {
            Table::new(&candidates).pick(rng)
        }
    }

    fn survey_answer(&self, rng: &mut Rng, year: i16, number: usize, date: Date) -> SurveyAnswer {
        let survey = &self.calibration.survey;
        let items = self
            .ruleset
            .statistics
            .nomenclature("survey_item")
            .map(|n| {
                let mut items = BTreeMap::new();
                for code in n.codes.iter().filter(|c| c.in_force(date)) {
                    if !rng.chance(survey.item_blank_share) {
                        // Score keys of the calibration are the digits 1 to 4.
                        let score = self.score.pick(rng).parse().unwrap_or(3);
                        items.insert(code.code.clone(), score);
                    }
                }
                items
            })
            .unwrap_or_default();
        let would_recommend = if rng.chance(survey.recommend_blank_share) {
            None
        } else {
            Some(rng.chance(survey.would_recommend))
        };
        SurveyAnswer {
            site: self.site.id.clone(),
            date,
            reference: Some(format!("Q{year}-{number:04}")),
            items,
            would_recommend,
        }
    }

    fn event(&self, rng: &mut Rng, year: i16, days: &[Vec<Date>; 12]) -> Event {
        let events = &self.calibration.events;
        let kind = &events.types[self.event_types.draw(rng)];
        // No event in August, when sites run on a skeleton staff
        // (assumption).
        let month = Cumulative::new((0..12).map(|m| {
            if m == 7 {
                0.0
            } else {
                self.calibration.volume.month_weights[m]
            }
        }))
        .draw(rng);
        let start = days[month][rng.between(0, days[month].len() as u32 - 1) as usize];
        let end = start
            .checked_add((i64::from(kind.days) - 1).days())
            .unwrap_or(start)
            .min(Date::constant(year, 12, 31));
        let theme_weights = &self.calibration.visit.theme;
        let top = Table::new(theme_weights).pick(rng);
        let mut themes = vec![self.sub_theme(rng, &top)];
        if rng.chance(0.3) {
            let other = Table::new(theme_weights).pick(rng);
            if other != top {
                themes.push(other);
            }
        }
        let [low, high] = events.event_partner_count;
        let mut partners = Vec::new();
        for _ in 0..rng.between(low, high) {
            let p = self.event_partners.pick(rng);
            if !partners.contains(&p) {
                partners.push(p);
            }
        }
        let attendance = rng.between(kind.attendance[0], kind.attendance[1]);
        let respondents = ((f64::from(attendance) * events.satisfaction_respondent_share)
            * (0.8 + 0.4 * rng.unit()))
        .round()
        .min(f64::from(attendance)) as u32;
        let satisfied = ((f64::from(respondents) * events.satisfied_share) + rng.normal())
            .round()
            .clamp(0.0, f64::from(respondents)) as u32;
        let stats = &self.ruleset.statistics;
        let type_label = stats
            .label("event_type", &kind.code, start)
            .unwrap_or(&kind.code);
        let theme_label = stats
            .label("theme", &themes[0], start)
            .unwrap_or(&themes[0]);
        Event {
            site: self.site.id.clone(),
            reference: None,
            title: format!("{type_label} : {theme_label}"),
            start_date: start,
            end_date: end,
            event_type: kind.code.clone(),
            themes,
            partners,
            attendance,
            respondents: Some(respondents),
            satisfied: Some(satisfied),
        }
    }
}

/// The theme a sub-theme belongs to (`guidance.vae` → `guidance`).
fn top_theme(code: &str) -> &str {
    code.split_once('.').map_or(code, |(top, _)| top)
}

/// The prefix of a site's visitor card numbers, e.g. `SAI` for Saint-Dizier.
fn card_prefix(site: &str) -> String {
    site.chars()
        .filter(char::is_ascii_alphabetic)
        .take(3)
        .collect::<String>()
        .to_ascii_uppercase()
}

/// The weights of the communes a site's visitors live in (gravity model).
fn residence_table(
    calibration: &Calibration,
    registry: &Registry,
    site: &Site,
    home: &Commune,
) -> Table {
    let r = &calibration.residence;
    let site_centres: Vec<(&str, &Commune)> = registry
        .sites
        .iter()
        .filter_map(|s| registry.commune(&s.commune).map(|c| (s.id.as_str(), c)))
        .collect();
    let mut weights = Weights::new();
    for commune in &registry.communes {
        let d = distance_km(home, commune);
        if d > r.max_distance_km {
            continue;
        }
        let nearest = site_centres
            .iter()
            .min_by(|a, b| distance_km(a.1, commune).total_cmp(&distance_km(b.1, commune)))
            .map(|(id, _)| *id);
        let outside = if nearest == Some(site.id.as_str()) {
            1.0
        } else {
            r.outside_catchment
        };
        let w = f64::from(commune.population) * (-d / r.distance_scale_km).exp() * outside;
        if w > 0.0 {
            weights.insert(commune.code.clone(), w);
        }
    }
    if weights.is_empty() {
        weights.insert(home.code.clone(), 1.0);
    }
    Table::new(&weights)
}

/// Great-circle distance between two commune centres (haversine).
fn distance_km(a: &Commune, b: &Commune) -> f64 {
    const EARTH_RADIUS_KM: f64 = 6371.0088;
    let (la1, la2) = (a.latitude.to_radians(), b.latitude.to_radians());
    let dla = la2 - la1;
    let dlo = (b.longitude - a.longitude).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().asin()
}

/// The days a site is open in `year`, by month: Monday to Friday, public
/// holidays with a fixed date left out (Easter-based ones are kept open: a
/// simplification of the demo).
fn open_days(year: i16) -> [Vec<Date>; 12] {
    const FIXED_HOLIDAYS: [(i8, i8); 8] = [
        (1, 1),
        (5, 1),
        (5, 8),
        (7, 14),
        (8, 15),
        (11, 1),
        (11, 11),
        (12, 25),
    ];
    std::array::from_fn(|m| {
        let month = m as i8 + 1;
        let first = Date::constant(year, month, 1);
        (1..=first.days_in_month())
            .map(|d| Date::constant(year, month, d))
            .filter(|d| !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday))
            .filter(|d| !FIXED_HOLIDAYS.contains(&(d.month(), d.day())))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> (DemoData, Registry, Ruleset) {
        let ruleset = Ruleset::champagne_ardenne();
        let registry = Registry::champagne_ardenne();
        let calibration = Calibration::shipped(&ruleset, &registry).unwrap();
        (
            generate(&calibration, &registry, &ruleset),
            registry,
            ruleset,
        )
    }

    #[test]
    fn every_generated_record_passes_the_statistics_checks() {
        let (data, registry, ruleset) = demo();
        let validator = em_core::statistics::Validator::new(&ruleset, &registry);
        for v in &data.visits {
            assert_eq!(validator.check_visit(v), vec![], "{v:?}");
        }
        for s in &data.survey_answers {
            assert_eq!(validator.check_survey_answer(s), vec![], "{s:?}");
        }
        for e in &data.events {
            assert_eq!(validator.check_event(e), vec![], "{e:?}");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_year() {
        let (a, _, _) = demo();
        let (b, _, _) = demo();
        assert_eq!(a.visits, b.visits);
        assert_eq!(a.events, b.events);
    }

    #[test]
    fn epernay_gets_about_its_published_yearly_rate() {
        let (data, _, _) = demo();
        let count = |year: i16| {
            data.visits
                .iter()
                .filter(|v| v.site == "epernay" && v.date.year() == year)
                .count() as f64
        };
        // 1 500 visits in 11 months is 1 636 a year; 2009 is 8 % above.
        let expected_2008 = 1500.0 / 11.0 * 12.0;
        assert!((count(2008) - expected_2008).abs() < expected_2008 * 0.05);
        assert!((count(2009) - expected_2008 * 1.08).abs() < expected_2008 * 0.05);
    }

    #[test]
    fn first_visits_are_consistent_with_visitor_ids() {
        let (data, _, _) = demo();
        let mut seen = std::collections::HashSet::new();
        let mut first = 0usize;
        for v in &data.visits {
            let id = v.visitor.as_deref().unwrap();
            assert_eq!(
                v.first_visit,
                Some(seen.insert((v.site.clone(), id))),
                "{v:?}"
            );
            first += usize::from(v.first_visit == Some(true));
        }
        let share = first as f64 / data.visits.len() as f64;
        assert!((0.58..0.68).contains(&share), "{share}");
    }

    #[test]
    fn job_seekers_are_a_little_more_than_forty_percent_of_visitors() {
        let (data, _, _) = demo();
        let people: std::collections::HashMap<_, _> = data
            .visits
            .iter()
            .filter_map(|v| Some(((v.site.clone(), v.visitor.clone()?), v.status.clone()?)))
            .collect();
        let seekers = people.values().filter(|s| *s == "job_seeker").count();
        let share = seekers as f64 / people.len() as f64;
        assert!((0.40..0.50).contains(&share), "{share}");
    }

    #[test]
    fn most_visitors_live_in_their_sites_catchment_area() {
        let (data, registry, _) = demo();
        let reims_home = data
            .visits
            .iter()
            .filter(|v| v.site == "reims")
            .filter_map(|v| v.commune.as_deref())
            .filter(|c| *c == registry.site("reims").unwrap().commune)
            .count();
        let reims_all = data.visits.iter().filter(|v| v.site == "reims").count();
        assert!(reims_home * 2 > reims_all, "{reims_home} of {reims_all}");
    }

    #[test]
    fn epernay_never_leaves_the_education_level_blank() {
        let (data, _, _) = demo();
        let epernay: Vec<_> = data.visits.iter().filter(|v| v.site == "epernay").collect();
        assert!(epernay.iter().all(|v| v.education_level.is_some()));
        // Elsewhere about 3 % of visits leave it blank.
        let blank = data
            .visits
            .iter()
            .filter(|v| v.site == "reims" && v.education_level.is_none())
            .count();
        assert!(blank > 100, "{blank}");
    }

    #[test]
    fn no_visit_falls_on_a_weekend_or_fixed_holiday() {
        let (data, _, _) = demo();
        for v in &data.visits {
            assert!(!matches!(
                v.date.weekday(),
                Weekday::Saturday | Weekday::Sunday
            ));
            assert!(!(v.date.month() == 7 && v.date.day() == 14));
        }
    }
}
