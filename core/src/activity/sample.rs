//! Synthetic records for tests, examples and benchmarks.
//!
//! Visit-level data of real people is not public, so tests and benchmarks
//! run on records drawn from a seeded generator: the same seed gives the same
//! records on every machine. The draws are rough — sites weighted by the
//! size of their commune, fewer visits in August, a tenth of visits without a
//! visitor identifier, a few blanks in every optional field — enough to
//! exercise every code path, not a model of the real network.
//!
//! A million [`Visit`]s would take most of a gigabyte as owned strings, so
//! [`SampleVisits`] keeps them as small integers and fills one reusable
//! [`Visit`] at a time, the way a store hands out the rows it scans.

use std::fmt::Write as _;

use jiff::civil::Date;

use crate::registry::Registry;
use crate::ruleset::Ruleset;
use crate::statistics::{Event, SurveyAnswer, Visit};

/// A small, fast, seeded generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    /// An index drawn with the given cumulative weights.
    fn pick(&mut self, cumulative: &[u32]) -> usize {
        let total = *cumulative.last().expect("weights are not empty");
        let x = (self.below(total as usize)) as u32;
        cumulative.partition_point(|&c| c <= x)
    }
}

/// `at_least` plus up to `more - 1` draws, without repeats (a list never
/// names a code twice).
fn distinct<const N: usize>(
    rng: &mut Rng,
    at_least: usize,
    more: usize,
    mut draw: impl FnMut(&mut Rng) -> usize,
) -> [u8; N] {
    let mut out = [NONE; N];
    let mut filled = 0;
    let count = at_least + rng.below(more);
    for _ in 0..count.min(N) {
        let code = draw(rng) as u8;
        if !out[..filled].contains(&code) {
            out[filled] = code;
            filled += 1;
        }
    }
    out
}

fn cumulative(weights: impl IntoIterator<Item = u32>) -> Vec<u32> {
    let mut total = 0;
    weights
        .into_iter()
        .map(|w| {
            total += w.max(1);
            total
        })
        .collect()
}

const NONE: u8 = u8::MAX;

#[derive(Debug, Clone, Copy)]
struct CompactVisit {
    site: u8,
    day: u16,
    visitor: u32,
    single: [u8; 7],
    commune: u16,
    themes: [u8; 3],
    services: [u8; 2],
    referrals: [u8; 2],
}

/// Synthetic visits of one year, kept compact.
#[derive(Debug, Clone)]
pub struct SampleVisits {
    year: i16,
    sites: Vec<String>,
    /// Codes of contact mode, sex, age band, status, education level,
    /// (first visit), arrival channel.
    single: [Vec<String>; 7],
    communes: Vec<String>,
    themes: Vec<String>,
    services: Vec<String>,
    partners: Vec<String>,
    /// Every day of the year, so that filling a visit computes no date.
    days: Vec<Date>,
    visits: Vec<CompactVisit>,
}

const FIRST_VISIT: usize = 5;
const OUTSIDE: u16 = u16::MAX - 1;

impl SampleVisits {
    /// `n` visits of `year` to the registry's sites, with the codes in force
    /// that year, drawn from `seed`.
    pub fn generate(
        registry: &Registry,
        ruleset: &Ruleset,
        year: i16,
        n: usize,
        seed: u64,
    ) -> SampleVisits {
        let mut rng = Rng::new(seed);
        let start = Date::new(year, 1, 1).expect("a year of the calendar");
        let end = Date::new(year, 12, 31).expect("a year of the calendar");
        let codes = |id: &str| -> Vec<String> {
            ruleset
                .statistics
                .codes_between(id, start, end)
                .into_iter()
                .map(|c| c.code.clone())
                .collect()
        };
        let single = [
            codes("contact_mode"),
            codes("sex"),
            codes("age_band"),
            codes("status"),
            codes("education_level"),
            vec!["yes".to_owned(), "no".to_owned()],
            codes("arrival_channel"),
        ];
        // Earlier codes of a list are drawn more often, so that the tables
        // have large and small rows alike.
        let single_weights: Vec<Vec<u32>> = single
            .iter()
            .map(|codes| cumulative((0..codes.len()).map(|i| (40 / (i + 1)) as u32 + 1)))
            .collect();
        let themes = codes("theme");
        let theme_weights = cumulative((0..themes.len()).map(|i| [5, 2, 3, 1][i % 4]));
        let services = codes("service");
        let partners = codes("partner");
        let partner_weights = cumulative((0..partners.len()).map(|i| (30 / (i + 1)) as u32));
        let site_weights = cumulative(registry.sites.iter().map(|s| {
            let population = registry.commune(&s.commune).map_or(1000, |c| c.population);
            (f64::from(population).sqrt() as u32).max(10)
        }));
        let site_departement: Vec<String> = registry
            .sites
            .iter()
            .map(|s| {
                registry
                    .site_departement(s)
                    .map(|d| d.code.clone())
                    .unwrap_or_default()
            })
            .collect();
        let communes: Vec<String> = registry.communes.iter().map(|c| c.code.clone()).collect();
        let communes_of: Vec<Vec<u16>> = site_departement
            .iter()
            .map(|d| {
                registry
                    .communes
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| &c.departement == d)
                    .map(|(i, _)| i as u16)
                    .collect()
            })
            .collect();
        let days_in_year = usize::from(end.day_of_year() as u16);
        let mut per_site = vec![0u32; registry.sites.len()];
        let site_visits_estimate: Vec<u32> = {
            let total = *site_weights.last().unwrap_or(&1);
            let mut previous = 0;
            site_weights
                .iter()
                .map(|&c| {
                    let share = ((c - previous) as u64 * n as u64 / u64::from(total)) as u32;
                    previous = c;
                    share.max(1)
                })
                .collect()
        };
        let mut visits = Vec::with_capacity(n);
        for _ in 0..n {
            let site = rng.pick(&site_weights);
            per_site[site] += 1;
            let mut day = rng.below(days_in_year) as u16;
            // August is quiet: half its visits move to September.
            if (212..243).contains(&day) && rng.chance(0.5) {
                day += 31;
            }
            let pool = (site_visits_estimate[site] * 3 / 5).max(1);
            let visitor = if rng.chance(0.1) {
                u32::MAX
            } else {
                rng.below(pool as usize) as u32
            };
            let mut one = [NONE; 7];
            for (k, slot) in one.iter_mut().enumerate() {
                let blank = k != 0 && rng.chance(0.04);
                if !blank {
                    *slot = rng.pick(&single_weights[k]) as u8;
                }
            }
            let commune = if rng.chance(0.03) {
                u16::MAX
            } else if rng.chance(0.05) || communes_of[site].is_empty() {
                OUTSIDE
            } else {
                communes_of[site][rng.below(communes_of[site].len())]
            };
            let themes_drawn: [u8; 3] = distinct(&mut rng, 1, 3, |r| r.pick(&theme_weights));
            let services_drawn: [u8; 2] = distinct(&mut rng, 0, 3, |r| r.below(services.len()));
            let referrals_drawn: [u8; 2] = distinct(&mut rng, 0, 3, |r| r.pick(&partner_weights));
            visits.push(CompactVisit {
                site: site as u8,
                day,
                visitor,
                single: one,
                commune,
                themes: themes_drawn,
                services: services_drawn,
                referrals: referrals_drawn,
            });
        }
        let days = (0..days_in_year as i64)
            .map(|d| {
                start
                    .checked_add(jiff::Span::new().days(d))
                    .expect("a day of the year")
            })
            .collect();
        SampleVisits {
            days,
            year,
            sites: registry.sites.iter().map(|s| s.id.clone()).collect(),
            single,
            communes,
            themes,
            services,
            partners,
            visits,
        }
    }

    /// How many visits there are.
    pub fn len(&self) -> usize {
        self.visits.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.visits.is_empty()
    }

    /// Writes visit `i` into `visit`, reusing its strings' memory.
    pub fn fill(&self, i: usize, visit: &mut Visit) {
        let v = &self.visits[i];
        set(&mut visit.site, &self.sites[usize::from(v.site)]);
        visit.date = self.days[usize::from(v.day)];
        visit.reference = None;
        if v.visitor == u32::MAX {
            visit.visitor = None;
        } else {
            let text = visit.visitor.get_or_insert_with(String::new);
            text.clear();
            let _ = write!(text, "{}-{:07}", self.sites[usize::from(v.site)], v.visitor);
        }
        let code = |k: usize| {
            let c = v.single[k];
            (c != NONE).then(|| self.single[k][usize::from(c)].as_str())
        };
        set(&mut visit.contact_mode, code(0).unwrap_or("in_person"));
        set_option(&mut visit.sex, code(1));
        set_option(&mut visit.age_band, code(2));
        set_option(&mut visit.status, code(3));
        set_option(&mut visit.education_level, code(4));
        visit.first_visit = code(FIRST_VISIT).map(|c| c == "yes");
        set_option(&mut visit.arrival_channel, code(6));
        let commune = match v.commune {
            u16::MAX => None,
            OUTSIDE => Some("75056"),
            c => Some(self.communes[usize::from(c)].as_str()),
        };
        set_option(&mut visit.commune, commune);
        set_list(&mut visit.themes, &v.themes, &self.themes);
        set_list(&mut visit.services, &v.services, &self.services);
        set_list(&mut visit.referrals, &v.referrals, &self.partners);
    }

    /// Calls `f` with every visit in turn, through one reused [`Visit`].
    pub fn for_each(&self, mut f: impl FnMut(&Visit)) {
        let mut visit = empty_visit(self.year);
        for i in 0..self.visits.len() {
            self.fill(i, &mut visit);
            f(&visit);
        }
    }

    /// Every visit as an owned record (for small samples).
    pub fn to_visits(&self) -> Vec<Visit> {
        let mut out = Vec::with_capacity(self.visits.len());
        self.for_each(|v| out.push(v.clone()));
        out
    }
}

fn empty_visit(year: i16) -> Visit {
    Visit {
        site: String::new(),
        date: Date::new(year, 1, 1).expect("a year of the calendar"),
        reference: None,
        visitor: None,
        contact_mode: String::new(),
        sex: None,
        age_band: None,
        status: None,
        education_level: None,
        commune: None,
        first_visit: None,
        arrival_channel: None,
        themes: Vec::new(),
        services: Vec::new(),
        referrals: Vec::new(),
    }
}

fn set(into: &mut String, value: &str) {
    into.clear();
    into.push_str(value);
}

fn set_option(into: &mut Option<String>, value: Option<&str>) {
    match value {
        None => *into = None,
        Some(value) => set(into.get_or_insert_with(String::new), value),
    }
}

fn set_list(into: &mut Vec<String>, drawn: &[u8], codes: &[String]) {
    let count = drawn.iter().take_while(|&&c| c != NONE).count();
    into.truncate(count);
    for (k, &c) in drawn[..count].iter().enumerate() {
        let code = &codes[usize::from(c)];
        match into.get_mut(k) {
            Some(text) => set(text, code),
            None => into.push(code.clone()),
        }
    }
}

/// `n` visits of `year`, as owned records.
pub fn visits(
    registry: &Registry,
    ruleset: &Ruleset,
    year: i16,
    n: usize,
    seed: u64,
) -> Vec<Visit> {
    SampleVisits::generate(registry, ruleset, year, n, seed).to_visits()
}

/// `n` answers to the satisfaction survey of `year`.
pub fn survey_answers(
    registry: &Registry,
    ruleset: &Ruleset,
    year: i16,
    n: usize,
    seed: u64,
) -> Vec<SurveyAnswer> {
    let mut rng = Rng::new(seed ^ 0x5u64.rotate_right(4));
    let start = Date::new(year, 1, 1).expect("a year of the calendar");
    let end = Date::new(year, 12, 31).expect("a year of the calendar");
    let items = ruleset.statistics.codes_between("survey_item", start, end);
    let scores = cumulative([2, 5, 40, 53]);
    (0..n)
        .map(|_| {
            let site = &registry.sites[rng.below(registry.sites.len())];
            let date = start
                .checked_add(jiff::Span::new().days(rng.below(365) as i64))
                .expect("a day of the year");
            let mut answers = std::collections::BTreeMap::new();
            for item in &items {
                if !rng.chance(0.08) {
                    answers.insert(item.code.clone(), rng.pick(&scores) as u8 + 1);
                }
            }
            SurveyAnswer {
                site: site.id.clone(),
                date,
                reference: None,
                items: answers,
                would_recommend: (!rng.chance(0.1)).then(|| rng.chance(0.93)),
            }
        })
        .collect()
}

/// `n` events of `year`.
pub fn events(
    registry: &Registry,
    ruleset: &Ruleset,
    year: i16,
    n: usize,
    seed: u64,
) -> Vec<Event> {
    let mut rng = Rng::new(seed ^ 0xE7u64.rotate_right(8));
    let start = Date::new(year, 1, 1).expect("a year of the calendar");
    let end = Date::new(year, 12, 31).expect("a year of the calendar");
    let types = ruleset.statistics.codes_between("event_type", start, end);
    (0..n)
        .map(|k| {
            let site = &registry.sites[rng.below(registry.sites.len())];
            let day = start
                .checked_add(jiff::Span::new().days(rng.below(360) as i64))
                .expect("a day of the year");
            let kind = &types[rng.below(types.len())];
            let attendance = 3 + rng.below(80) as u32;
            let respondents = attendance * (30 + rng.below(60) as u32) / 100;
            Event {
                site: site.id.clone(),
                reference: Some(format!("E{k}")),
                title: format!("{} {}", kind.label, k + 1),
                start_date: day,
                end_date: day,
                event_type: kind.code.clone(),
                themes: Vec::new(),
                partners: Vec::new(),
                attendance,
                respondents: Some(respondents),
                satisfied: Some(respondents * (80 + rng.below(21) as u32) / 100),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statistics::Validator;

    #[test]
    fn the_generated_records_pass_the_import_checks() {
        let registry = Registry::champagne_ardenne();
        let ruleset = Ruleset::champagne_ardenne();
        let validator = Validator::new(&ruleset, &registry);
        for visit in visits(&registry, &ruleset, 2009, 500, 3) {
            let errors = validator.check_visit(&visit);
            assert!(errors.is_empty(), "{visit:?}: {errors:?}");
        }
        for answer in survey_answers(&registry, &ruleset, 2009, 100, 3) {
            let errors = validator.check_survey_answer(&answer);
            assert!(errors.is_empty(), "{answer:?}: {errors:?}");
        }
        for event in events(&registry, &ruleset, 2009, 50, 3) {
            let errors = validator.check_event(&event);
            assert!(errors.is_empty(), "{event:?}: {errors:?}");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_visits() {
        let registry = Registry::champagne_ardenne();
        let ruleset = Ruleset::champagne_ardenne();
        let a = visits(&registry, &ruleset, 2009, 50, 11);
        let b = visits(&registry, &ruleset, 2009, 50, 11);
        assert_eq!(a, b);
        assert_ne!(a, visits(&registry, &ruleset, 2009, 50, 12));
    }
}
