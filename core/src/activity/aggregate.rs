//! Counting a year's records: the [`Aggregator`] and its result, the
//! [`Aggregates`] of every site, département and the region.
//!
//! Visits are counted as they come; people are counted once per site. A
//! person is the pair (site, visitor identifier): the same card number at two
//! sites is two visitors, so that a département's or the region's count of
//! visitors is the sum of its sites'. A visit without a visitor identifier
//! counts as one visitor of its own, since nothing says it is someone already
//! counted. A person's single-valued traits (sex, age band, status…) are those
//! of their first visit of the year, so that every table of visitors adds up
//! to the number of visitors; their multi-valued answers (themes, services,
//! referrals) are the union over all their visits of the year.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use jiff::civil::Date;
use serde::Serialize;

use super::ActivityError;
use super::dimensions::{
    Category, CodeIndex, Dimension, DimensionId, Layout, MULTI_LIMIT, MixHasher, hash_bytes, mix,
    position, year_bounds,
};
use super::fields::{Codes, VisitFields};
use crate::registry::Registry;
use crate::ruleset::Ruleset;
use crate::statistics::{Event, SurveyAnswer, Visit};

const SINGLE: usize = DimensionId::SINGLE.len();
const MULTIPLE: usize = DimensionId::MULTIPLE.len();

/// What a person looks like in the year: their first visit's traits, the
/// union of their answers, the months they came.
///
/// The theme groups are left out: the groups of a union of themes are the
/// union of the themes' groups, so they are worked out once per person in
/// [`Aggregator::finish`]. That keeps a person in 40 bytes, and the table of
/// half a million of them that much smaller in the processor's caches.
#[derive(Debug, Clone, Copy)]
struct Person {
    day: i16,
    site: u8,
    months: u16,
    single: [u8; SINGLE],
    /// Themes, services, referrals (the [`MULTIPLE`] masks without the
    /// groups).
    masks: [u64; MULTIPLE - 1],
}

impl Person {
    /// Adds what a later record (or a later part of the scan) says of the
    /// same person: their first visit stays the earliest day, and on the
    /// same day the one met first.
    #[inline]
    fn absorb(&mut self, later: &Person) {
        if later.day < self.day {
            self.day = later.day;
            self.single = later.single;
        }
        self.months |= later.months;
        for (mine, theirs) in self.masks.iter_mut().zip(later.masks) {
            *mine |= theirs;
        }
    }
}

/// The counters of one site while the records come in.
#[derive(Debug, Clone)]
struct SiteCounter {
    visits: u64,
    anonymous_visits: u64,
    /// Visits per category, flat over every dimension.
    by_category: Vec<u64>,
    /// Visits without a visitor identifier per category: each is a visitor.
    anonymous_by_category: Vec<u64>,
    visits_by_month: [u64; 12],
    anonymous_by_month: [u64; 12],
    survey: SurveyCounts,
    events: EventCounts,
}

impl SiteCounter {
    fn add(&mut self, other: &SiteCounter) {
        self.visits += other.visits;
        self.anonymous_visits += other.anonymous_visits;
        add_all(&mut self.by_category, &other.by_category);
        add_all(
            &mut self.anonymous_by_category,
            &other.anonymous_by_category,
        );
        add_all(&mut self.visits_by_month, &other.visits_by_month);
        add_all(&mut self.anonymous_by_month, &other.anonymous_by_month);
        self.survey.add(&other.survey);
        self.events.add(&other.events);
    }
}

/// Feeds on a year's records one at a time and counts them.
///
/// ```
/// # use em_core::activity::{Aggregator, sample};
/// # use em_core::{Registry, Ruleset};
/// let (registry, ruleset) = (Registry::champagne_ardenne(), Ruleset::champagne_ardenne());
/// let mut aggregator = Aggregator::new(&registry, &ruleset, 2009).unwrap();
/// for visit in sample::visits(&registry, &ruleset, 2009, 100, 1) {
///     aggregator.add_visit(&visit);
/// }
/// let aggregates = aggregator.finish();
/// assert_eq!(aggregates.region.visits, 100);
/// ```
#[derive(Debug)]
pub struct Aggregator {
    year: i16,
    start: Date,
    end: Date,
    layout: Layout,
    site_index: CodeIndex,
    scopes: Vec<Scope>,
    departement_scopes: Vec<Scope>,
    site_departement: Vec<usize>,
    counters: Vec<SiteCounter>,
    persons: Sightings,
    skipped: Skipped,
}

/// How many parts the sightings of people are spread over, by the top bits
/// of their key.
const PARTS: usize = 1 << PART_BITS;
const PART_BITS: u32 = 7;

/// Every sighting of a person (one per visit with a visitor identifier), in
/// the order met, spread over [`PARTS`] lists by key.
///
/// Looking each person up in one table of half a million as the visits come
/// costs a cache miss per visit: the visits come in no order of person, and
/// the table is some fifty megabytes. Appending to one of a hundred lists
/// writes where the last write to that list was, and
/// [`Aggregator::finish`] then folds each list in a table of a few thousand
/// people, small enough to stay in the processor's cache. A person's
/// sightings all land in the same list, in the order they were met, so the
/// fold gives what the one table did.
#[derive(Debug, Clone)]
struct Sightings {
    parts: Vec<Vec<(u64, Person)>>,
}

impl Sightings {
    fn new() -> Sightings {
        Sightings {
            parts: vec![Vec::new(); PARTS],
        }
    }

    #[inline]
    fn push(&mut self, key: u64, person: Person) {
        // The key is a finalised hash: its top bits are as even as any.
        self.parts[(key >> (64 - PART_BITS)) as usize].push((key, person));
    }

    /// Appends the sightings of `later`, met after all of these.
    fn append(&mut self, later: Sightings) {
        for (mine, mut theirs) in self.parts.iter_mut().zip(later.parts) {
            if mine.is_empty() {
                *mine = theirs;
            } else {
                mine.append(&mut theirs);
            }
        }
    }

    /// Calls `f` with every distinct person, described by all their
    /// sightings.
    fn for_each_person(&self, mut f: impl FnMut(&Person)) {
        let largest = self.parts.iter().map(Vec::len).max().unwrap_or(0);
        let mut people: HashMap<u64, Person, BuildHasherDefault<MixHasher>> =
            HashMap::with_capacity_and_hasher(largest, BuildHasherDefault::default());
        for part in &self.parts {
            people.clear();
            for (key, seen) in part {
                people
                    .entry(*key)
                    .and_modify(|person| person.absorb(seen))
                    .or_insert(*seen);
            }
            people.values().for_each(&mut f);
        }
    }
}

/// Records the aggregator left out, and why; none of them is counted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// Records dated outside the year.
    pub outside_year: u64,
    /// Records of a site the registry does not have.
    pub unknown_site: u64,
    /// Survey scores outside 1 to 4, or for an item not in force.
    pub bad_survey_scores: u64,
}

/// Whether a scope is a site, a département or the whole region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    /// One Espace métiers.
    Site,
    /// A département.
    Departement,
    /// The region.
    Region,
}

/// A place counts are made for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scope {
    /// Site, département or region.
    pub kind: ScopeKind,
    /// Site identifier, département code or region identifier.
    pub id: String,
    /// Name shown to people.
    pub name: String,
}

/// Visits and visitors of one dimension, per category.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DimensionCounts {
    /// Visits per category (for a multi-valued dimension, visits naming the
    /// category at least once).
    pub visits: Vec<u64>,
    /// Distinct visitors per category.
    pub visitors: Vec<u64>,
}

/// Answers to the satisfaction survey.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SurveyCounts {
    /// Answers (questionnaires) received.
    pub answers: u64,
    /// Per survey item: how many gave each score, 1 to 4 (index 0 to 3).
    pub scores: Vec<[u64; 4]>,
    /// Answers saying they would recommend the site.
    pub recommend_yes: u64,
    /// Answers saying they would not.
    pub recommend_no: u64,
}

impl SurveyCounts {
    /// Those who scored item `item`.
    pub fn respondents(&self, item: usize) -> u64 {
        self.scores[item].iter().sum()
    }

    /// Those who scored item `item` 3 or 4: satisfied or very satisfied.
    pub fn satisfied(&self, item: usize) -> u64 {
        self.scores[item][2] + self.scores[item][3]
    }

    fn add(&mut self, other: &SurveyCounts) {
        self.answers += other.answers;
        self.recommend_yes += other.recommend_yes;
        self.recommend_no += other.recommend_no;
        for (mine, theirs) in self.scores.iter_mut().zip(&other.scores) {
            add_all(mine, theirs);
        }
    }
}

impl EventCounts {
    fn add(&mut self, other: &EventCounts) {
        add_all(&mut self.events, &other.events);
        add_all(&mut self.attendance, &other.attendance);
        add_all(&mut self.respondents, &other.respondents);
        add_all(&mut self.satisfied, &other.satisfied);
    }
}

/// Events (*animations*) of the year, counted by their first day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventCounts {
    /// Events, per event type (last entry: a type not in force).
    pub events: Vec<u64>,
    /// Attendance, per event type.
    pub attendance: Vec<u64>,
    /// Attendees who answered the satisfaction question, per event type.
    pub respondents: Vec<u64>,
    /// Respondents satisfied or very satisfied, per event type.
    pub satisfied: Vec<u64>,
}

/// Every count of one site, département or the region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeCounts {
    /// Where.
    pub scope: Scope,
    /// Visits.
    pub visits: u64,
    /// Distinct visitors (see the module's documentation).
    pub visitors: u64,
    /// Visits without a visitor identifier, each counted as a visitor.
    pub anonymous_visits: u64,
    /// Per dimension, in the order of [`Aggregates::dimensions`].
    pub dimensions: Vec<DimensionCounts>,
    /// Visits per month, January first.
    pub visits_by_month: [u64; 12],
    /// Distinct visitors per month: a person who came in March and in May
    /// counts in both, so the months add up to more than the year.
    pub visitors_by_month: [u64; 12],
    /// The satisfaction survey.
    pub survey: SurveyCounts,
    /// The events.
    pub events: EventCounts,
}

impl ScopeCounts {
    fn empty(scope: Scope, layout: &Layout) -> ScopeCounts {
        ScopeCounts {
            scope,
            visits: 0,
            visitors: 0,
            anonymous_visits: 0,
            dimensions: layout
                .dimensions
                .iter()
                .map(|d| DimensionCounts {
                    visits: vec![0; d.categories.len()],
                    visitors: vec![0; d.categories.len()],
                })
                .collect(),
            visits_by_month: [0; 12],
            visitors_by_month: [0; 12],
            survey: SurveyCounts {
                scores: vec![[0; 4]; layout.survey_items.len()],
                ..SurveyCounts::default()
            },
            events: empty_events(layout.event_types.len()),
        }
    }

    /// Adds another scope's counts to this one (a site into its département).
    fn add(&mut self, other: &ScopeCounts) {
        self.visits += other.visits;
        self.visitors += other.visitors;
        self.anonymous_visits += other.anonymous_visits;
        for (mine, theirs) in self.dimensions.iter_mut().zip(&other.dimensions) {
            add_all(&mut mine.visits, &theirs.visits);
            add_all(&mut mine.visitors, &theirs.visitors);
        }
        add_all(&mut self.visits_by_month, &other.visits_by_month);
        add_all(&mut self.visitors_by_month, &other.visitors_by_month);
        self.survey.add(&other.survey);
        self.events.add(&other.events);
    }

    /// The counts of dimension `id`.
    pub fn dimension(&self, id: DimensionId) -> &DimensionCounts {
        &self.dimensions[position(id)]
    }
}

fn empty_events(types: usize) -> EventCounts {
    EventCounts {
        events: vec![0; types + 1],
        attendance: vec![0; types + 1],
        respondents: vec![0; types + 1],
        satisfied: vec![0; types + 1],
    }
}

fn add_all(into: &mut [u64], from: &[u64]) {
    for (a, b) in into.iter_mut().zip(from) {
        *a += b;
    }
}

/// The counts of one year for every site, département and the region.
///
/// Deliberately not serialisable: these are unmasked counts, and only the
/// masked [`ActivityReport`](super::ActivityReport) may be published.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregates {
    /// The year counted.
    pub year: i16,
    /// The dimensions and their categories, in the order of
    /// [`DimensionId::ALL`].
    pub dimensions: Vec<Dimension>,
    /// The survey items in force that year.
    pub survey_items: Vec<Category>,
    /// The event types in force that year (the counts have one more entry,
    /// for a type not in force).
    pub event_types: Vec<Category>,
    /// One entry per site of the registry, in its order.
    pub sites: Vec<ScopeCounts>,
    /// One entry per département of the registry, in its order.
    pub departements: Vec<ScopeCounts>,
    /// The region.
    pub region: ScopeCounts,
    /// For each site, the index of its département in `departements`.
    pub site_departement: Vec<usize>,
    /// Records left out, and why.
    pub skipped: Skipped,
}

impl Aggregates {
    /// The dimension `id` with its categories.
    pub fn dimension(&self, id: DimensionId) -> &Dimension {
        &self.dimensions[position(id)]
    }

    /// Every scope: the region, then the départements, then the sites.
    pub fn scopes(&self) -> impl Iterator<Item = &ScopeCounts> {
        std::iter::once(&self.region)
            .chain(&self.departements)
            .chain(&self.sites)
    }
}

impl Aggregator {
    /// An aggregator for `year`, with the nomenclatures in force that year
    /// and the registry's sites.
    pub fn new(
        registry: &Registry,
        ruleset: &Ruleset,
        year: i16,
    ) -> Result<Aggregator, ActivityError> {
        let (start, end) = year_bounds(year)?;
        let layout = Layout::new(registry, ruleset, year)?;
        if registry.sites.len() > 255 {
            return Err(ActivityError::TooManySites(registry.sites.len()));
        }
        let site_index = CodeIndex::new(registry.sites.iter().map(|s| s.id.as_str()));
        let scopes = registry
            .sites
            .iter()
            .map(|s| Scope {
                kind: ScopeKind::Site,
                id: s.id.clone(),
                name: s.name.clone(),
            })
            .collect();
        let departement_scopes = registry
            .departements
            .iter()
            .map(|d| Scope {
                kind: ScopeKind::Departement,
                id: d.code.clone(),
                name: d.name.clone(),
            })
            .collect();
        // The registry's own check guarantees every site's commune is known
        // and in one of its départements.
        let site_departement = registry
            .sites
            .iter()
            .map(|s| {
                registry
                    .site_departement(s)
                    .and_then(|d| registry.departements.iter().position(|x| x.code == d.code))
                    .unwrap_or(0)
            })
            .collect();
        let counter = SiteCounter {
            visits: 0,
            anonymous_visits: 0,
            by_category: vec![0; layout.width],
            anonymous_by_category: vec![0; layout.width],
            visits_by_month: [0; 12],
            anonymous_by_month: [0; 12],
            survey: SurveyCounts {
                scores: vec![[0; 4]; layout.survey_items.len()],
                ..SurveyCounts::default()
            },
            events: empty_events(layout.event_types.len()),
        };
        Ok(Aggregator {
            year,
            start,
            end,
            counters: vec![counter; registry.sites.len()],
            layout,
            site_index,
            scopes,
            departement_scopes,
            site_departement,
            persons: Sightings::new(),
            skipped: Skipped::default(),
        })
    }

    /// The year being counted.
    pub fn year(&self) -> i16 {
        self.year
    }

    #[inline]
    fn single(&self, id: DimensionId, code: Option<&[u8]>) -> u8 {
        let d = position(id);
        let dimension = &self.layout.dimensions[d];
        match code {
            None => dimension.not_given() as u8,
            Some(code) => match self.layout.indices[d].get(code) {
                Some(i) => i as u8,
                None => dimension.unrecognised() as u8,
            },
        }
    }

    #[inline]
    fn mask(&self, id: DimensionId, codes: Codes<'_>) -> u64 {
        let index = &self.layout.indices[position(id)];
        let mut mask = 0u64;
        codes.for_each(|code| {
            mask |= match index.get(code) {
                Some(i) => 1 << i,
                None => 1 << MULTI_LIMIT,
            };
        });
        mask
    }

    /// Counts one visit. A visit outside the year or of an unknown site is
    /// left out and counted in [`Skipped`].
    pub fn add_visit(&mut self, visit: &Visit) {
        self.add_visit_fields(&VisitFields::of(visit));
    }

    /// Counts one visit seen through borrowed fields, as [`Self::add_visit`]
    /// does: a store's scan can hand over the texts of a row without
    /// copying them.
    pub fn add_visit_fields(&mut self, visit: &VisitFields<'_>) {
        if visit.date < self.start || visit.date > self.end {
            self.skipped.outside_year += 1;
            return;
        }
        let Some(site) = self.site_index.get(visit.site) else {
            self.skipped.unknown_site += 1;
            return;
        };
        let first_visit = visit
            .first_visit
            .map(|yes| if yes { &b"yes"[..] } else { &b"no"[..] });
        let single: [u8; SINGLE] = [
            self.single(DimensionId::ContactMode, Some(visit.contact_mode)),
            self.single(DimensionId::Sex, visit.sex),
            self.single(DimensionId::AgeBand, visit.age_band),
            self.single(DimensionId::Status, visit.status),
            self.single(DimensionId::EducationLevel, visit.education_level),
            self.single(DimensionId::FirstVisit, first_visit),
            self.single(DimensionId::ArrivalChannel, visit.arrival_channel),
            self.layout.residence(visit.commune),
        ];
        let themes = self.mask(DimensionId::Theme, visit.themes);
        let answers = [
            themes,
            self.mask(DimensionId::Service, visit.services),
            self.mask(DimensionId::Referral, visit.referrals),
        ];
        let masks = self.layout.with_groups(&answers);
        let month = visit.date.month() as usize - 1;

        let layout = &self.layout;
        let counter = &mut self.counters[site];
        counter.visits += 1;
        counter.visits_by_month[month] += 1;
        count_profile(layout, &mut counter.by_category, &single, &masks);

        match visit.visitor {
            None => {
                counter.anonymous_visits += 1;
                counter.anonymous_by_month[month] += 1;
                count_profile(layout, &mut counter.anonymous_by_category, &single, &masks);
            }
            Some(visitor) => {
                // The key is a hash of (site, visitor): two people collide
                // with a probability of about n²/2⁶⁵ — under 10⁻⁷ for a
                // million people — and a collision only makes one visitor
                // fewer. Keeping hashes rather than identifiers means no
                // allocation per visit and no identifier held in memory.
                let key = mix(hash_bytes(visitor) ^ (site as u64).wrapping_mul(K2));
                // Month and day packed in one number order the days of a
                // year as the dates do, without a calendar computation.
                let day = (i16::from(visit.date.month()) << 5) | i16::from(visit.date.day());
                let seen = Person {
                    day,
                    site: site as u8,
                    months: 1 << month,
                    single,
                    masks: answers,
                };
                self.persons.push(key, seen);
            }
        }
    }

    /// Counts one answer to the satisfaction survey.
    pub fn add_survey_answer(&mut self, answer: &SurveyAnswer) {
        if answer.date < self.start || answer.date > self.end {
            self.skipped.outside_year += 1;
            return;
        }
        let Some(site) = self.site_index.get(answer.site.as_bytes()) else {
            self.skipped.unknown_site += 1;
            return;
        };
        let survey = &mut self.counters[site].survey;
        survey.answers += 1;
        for (item, &score) in &answer.items {
            match (self.layout.survey_index.get(item.as_bytes()), score) {
                (Some(i), 1..=4) => survey.scores[i][usize::from(score) - 1] += 1,
                _ => self.skipped.bad_survey_scores += 1,
            }
        }
        match answer.would_recommend {
            Some(true) => survey.recommend_yes += 1,
            Some(false) => survey.recommend_no += 1,
            None => {}
        }
    }

    /// Counts one event, in the year of its first day.
    pub fn add_event(&mut self, event: &Event) {
        if event.start_date < self.start || event.start_date > self.end {
            self.skipped.outside_year += 1;
            return;
        }
        let Some(site) = self.site_index.get(event.site.as_bytes()) else {
            self.skipped.unknown_site += 1;
            return;
        };
        let events = &mut self.counters[site].events;
        let t = self
            .layout
            .event_index
            .get(event.event_type.as_bytes())
            .unwrap_or(self.layout.event_types.len());
        events.events[t] += 1;
        events.attendance[t] += u64::from(event.attendance);
        // A count of satisfied people only means something with its
        // respondents; an event giving one without the other adds neither.
        if let (Some(respondents), Some(satisfied)) = (event.respondents, event.satisfied) {
            events.respondents[t] += u64::from(respondents);
            events.satisfied[t] += u64::from(satisfied.min(respondents));
        }
    }

    /// Adds the counts of `later`, an aggregator of the same year and
    /// network fed with records that come after this one's in the store's
    /// order, so that two parts of a scan counted apart (on two threads, say)
    /// give exactly what one pass over all of it gives.
    ///
    /// The order matters only for a person whose first two visits fall on
    /// the same day: the one met first describes them.
    pub fn merge(&mut self, later: Aggregator) -> Result<(), ActivityError> {
        if later.year != self.year || later.counters.len() != self.counters.len() {
            return Err(ActivityError::MismatchedAggregates(format!(
                "cannot merge the counts of {} ({} sites) into those of {} ({} sites)",
                later.year,
                later.counters.len(),
                self.year,
                self.counters.len()
            )));
        }
        for (mine, theirs) in self.counters.iter_mut().zip(&later.counters) {
            mine.add(theirs);
        }
        self.persons.append(later.persons);
        self.skipped.outside_year += later.skipped.outside_year;
        self.skipped.unknown_site += later.skipped.unknown_site;
        self.skipped.bad_survey_scores += later.skipped.bad_survey_scores;
        Ok(())
    }

    /// The counts of every site, département and of the region.
    pub fn finish(self) -> Aggregates {
        let _span = tracing::info_span!("activity.aggregate", year = self.year).entered();
        let layout = &self.layout;
        let mut visitor_categories = vec![vec![0u64; layout.width]; self.counters.len()];
        let mut visitors = vec![0u64; self.counters.len()];
        let mut visitors_by_month = vec![[0u64; 12]; self.counters.len()];
        self.persons.for_each_person(|person| {
            let site = usize::from(person.site);
            visitors[site] += 1;
            count_profile(
                layout,
                &mut visitor_categories[site],
                &person.single,
                &layout.with_groups(&person.masks),
            );
            let mut months = person.months;
            while months != 0 {
                visitors_by_month[site][months.trailing_zeros() as usize] += 1;
                months &= months - 1;
            }
        });

        let sites: Vec<ScopeCounts> = self
            .counters
            .iter()
            .enumerate()
            .map(|(s, counter)| {
                let mut counts = ScopeCounts::empty(self.scopes[s].clone(), layout);
                counts.visits = counter.visits;
                counts.anonymous_visits = counter.anonymous_visits;
                counts.visitors = visitors[s] + counter.anonymous_visits;
                for (d, dimension) in counts.dimensions.iter_mut().enumerate() {
                    let range = layout.offsets[d]..layout.offsets[d] + dimension.visits.len();
                    dimension
                        .visits
                        .copy_from_slice(&counter.by_category[range.clone()]);
                    for (i, slot) in range.enumerate() {
                        dimension.visitors[i] =
                            visitor_categories[s][slot] + counter.anonymous_by_category[slot];
                    }
                }
                counts.visits_by_month = counter.visits_by_month;
                for (m, slot) in counts.visitors_by_month.iter_mut().enumerate() {
                    *slot = visitors_by_month[s][m] + counter.anonymous_by_month[m];
                }
                counts.survey = counter.survey.clone();
                counts.events = counter.events.clone();
                counts
            })
            .collect();

        let mut departements: Vec<ScopeCounts> = self
            .departement_scopes
            .iter()
            .map(|scope| ScopeCounts::empty(scope.clone(), layout))
            .collect();
        let mut region = ScopeCounts::empty(
            Scope {
                kind: ScopeKind::Region,
                id: "region".to_owned(),
                name: "Région".to_owned(),
            },
            layout,
        );
        for (s, site) in sites.iter().enumerate() {
            if let Some(departement) = departements.get_mut(self.site_departement[s]) {
                departement.add(site);
            }
            region.add(site);
        }
        tracing::info!(
            sites = sites.len(),
            outside_year = self.skipped.outside_year,
            unknown_site = self.skipped.unknown_site,
            "counted the year's records"
        );
        Aggregates {
            year: self.year,
            dimensions: self.layout.dimensions.clone(),
            survey_items: self.layout.survey_items.clone(),
            event_types: self.layout.event_types.clone(),
            sites,
            departements,
            region,
            site_departement: self.site_departement,
            skipped: self.skipped,
        }
    }
}

const K2: u64 = 0xD6E8_FEB8_6659_FD93;

/// Adds one visit's (or one person's) categories to a flat count array.
#[inline]
fn count_profile(
    layout: &Layout,
    counts: &mut [u64],
    single: &[u8; SINGLE],
    masks: &[u64; MULTIPLE],
) {
    for (d, &category) in single.iter().enumerate() {
        counts[layout.offsets[d] + usize::from(category)] += 1;
    }
    for (m, &mask) in masks.iter().enumerate() {
        let d = SINGLE + m;
        let base = layout.offsets[d];
        let dimension = &layout.dimensions[d];
        if mask == 0 {
            counts[base + dimension.not_given()] += 1;
            continue;
        }
        let mut bits = mask;
        while bits != 0 {
            let bit = bits.trailing_zeros() as usize;
            let category = if bit == MULTI_LIMIT {
                dimension.unrecognised()
            } else {
                bit
            };
            counts[base + category] += 1;
            bits &= bits - 1;
        }
    }
}
