//! The report's tables and charts, built from counts whose masks are solved
//! for every scope at once.
//!
//! A count published in one table is often published in another: a site's
//! visits are the total of each of its tables and a row of its
//! département's table of sites, and a département's counts are the sums of
//! its sites'. So the masks are not solved table by table but for all the
//! counts of one kind (visits, visitors, survey answers, event attendance)
//! over the region, the départements and the sites together: every
//! published table then shows the same cell masked or not, and no
//! subtraction across tables gives a masked cell back.

use super::aggregate::{Aggregates, ScopeCounts};
use super::dimensions::{CategoryKind, Dimension, DimensionId, position};
use super::mask::{Group, suppress};
use crate::report::{Cell, Chart, ChartKind, Column, Row, Series, Table, holds_shares};

/// A published count: shown, masked, or not available (no such row that
/// year).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Val {
    Shown(u64),
    Masked,
    Absent,
}

impl Val {
    pub fn cell(self) -> Cell {
        match self {
            Val::Shown(v) => Cell::Count(v),
            Val::Masked => Cell::Masked,
            Val::Absent => Cell::Empty,
        }
    }

    pub fn chart(self) -> Option<f64> {
        match self {
            Val::Shown(v) => Some(v as f64),
            Val::Masked | Val::Absent => None,
        }
    }
}

pub(crate) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The share of `num` in `den`, in percent; masked when either is, since
/// a share and its denominator give the count back.
pub(crate) fn share(num: Val, den: Val) -> Cell {
    match (num, den) {
        (Val::Masked, _) | (_, Val::Masked) => Cell::Masked,
        (Val::Shown(n), Val::Shown(d)) if d > 0 => {
            Cell::Percent(round1(n as f64 * 100.0 / d as f64))
        }
        _ => Cell::Empty,
    }
}

/// The change from `prev` to `cur`, in percent; masked when either count
/// is, since a change and one count give the other back.
pub(crate) fn change(cur: Val, prev: Val) -> Cell {
    match (cur, prev) {
        (Val::Masked, _) | (_, Val::Masked) => Cell::Masked,
        (Val::Shown(c), Val::Shown(p)) if p > 0 => {
            Cell::Percent(round1((c as f64 - p as f64) * 100.0 / p as f64))
        }
        _ => Cell::Empty,
    }
}

fn percent_value(cell: &Cell) -> Option<f64> {
    match cell {
        Cell::Percent(p) => Some(*p),
        _ => None,
    }
}

/// Region, départements, sites: the order of [`Aggregates::scopes`].
#[derive(Debug, Clone)]
pub(crate) struct Hierarchy {
    pub departements: usize,
    pub site_departement: Vec<usize>,
}

impl Hierarchy {
    pub fn of(aggregates: &Aggregates) -> Hierarchy {
        Hierarchy {
            departements: aggregates.departements.len(),
            site_departement: aggregates.site_departement.clone(),
        }
    }

    pub fn scopes(&self) -> usize {
        1 + self.departements + self.site_departement.len()
    }

    pub fn site_scope(&self, site: usize) -> usize {
        1 + self.departements + site
    }

    pub fn sites_of(&self, departement: usize) -> impl Iterator<Item = usize> + '_ {
        (0..self.site_departement.len()).filter(move |&s| self.site_departement[s] == departement)
    }
}

/// Counts of one kind for every scope, laid out in `width` slots per scope,
/// with their masks.
#[derive(Debug, Clone)]
pub(crate) struct Solved {
    width: usize,
    values: Vec<u64>,
    masked: Vec<bool>,
}

impl Solved {
    /// Solves the masks of `values` (scope-major), where in every scope the
    /// slots of each `within` group add up to its total slot, and every slot
    /// adds up from sites to départements to the region.
    pub fn solve(
        values: Vec<u64>,
        width: usize,
        within: &[Within],
        hierarchy: &Hierarchy,
        threshold: u64,
    ) -> Solved {
        let mut groups = Vec::new();
        for scope in 0..hierarchy.scopes() {
            for (total, members) in within {
                groups.push(Group {
                    total: scope * width + total,
                    members: members.iter().map(|m| scope * width + m).collect(),
                });
            }
        }
        for slot in 0..width {
            groups.push(Group {
                total: slot,
                members: (0..hierarchy.departements)
                    .map(|d| (1 + d) * width + slot)
                    .collect(),
            });
            for d in 0..hierarchy.departements {
                let members: Vec<usize> = hierarchy
                    .sites_of(d)
                    .map(|s| hierarchy.site_scope(s) * width + slot)
                    .collect();
                if !members.is_empty() {
                    groups.push(Group {
                        total: (1 + d) * width + slot,
                        members,
                    });
                }
            }
        }
        groups.retain(|g| !g.members.is_empty());
        let masked = suppress(&values, &groups, threshold);
        Solved {
            width,
            values,
            masked,
        }
    }

    pub fn get(&self, scope: usize, slot: usize) -> Val {
        let i = scope * self.width + slot;
        if self.masked[i] {
            Val::Masked
        } else {
            Val::Shown(self.values[i])
        }
    }

    fn raw(&self, scope: usize, slot: usize) -> u64 {
        self.values[scope * self.width + slot]
    }
}

/// Where each count of visits (or visitors) of a scope sits.
#[derive(Debug, Clone)]
pub(crate) struct VisitSlots {
    /// Per dimension: first slot, number of categories, and for a
    /// multi-valued one the slot of its respondents.
    dims: Vec<(usize, usize, Option<usize>)>,
    width: usize,
}

const TOTAL: usize = 0;
const fn month_slot(m: usize) -> usize {
    1 + m
}

impl VisitSlots {
    fn new(dimensions: &[Dimension]) -> VisitSlots {
        let mut width = 1 + 12;
        let mut dims = Vec::new();
        for d in dimensions {
            let offset = width;
            width += d.categories.len();
            let respondents = d.multiple.then(|| {
                width += 1;
                width - 1
            });
            dims.push((offset, d.categories.len(), respondents));
        }
        VisitSlots { dims, width }
    }

    fn slot(&self, d: usize, category: usize) -> usize {
        self.dims[d].0 + category
    }

    fn within(&self, dimensions: &[Dimension], months_add_up: bool) -> Vec<Within> {
        let mut within = Vec::new();
        if months_add_up {
            within.push((TOTAL, (0..12).map(month_slot).collect()));
        }
        for (d, dimension) in dimensions.iter().enumerate() {
            let (offset, len, respondents) = self.dims[d];
            match respondents {
                None => within.push((TOTAL, (offset..offset + len).collect())),
                // Several answers per person: the categories do not add up,
                // but those who answered and those who did not do.
                Some(r) => within.push((TOTAL, vec![r, offset + dimension.not_given()])),
            }
        }
        within
    }

    fn values(&self, aggregates: &Aggregates, visitors: bool) -> Vec<u64> {
        let mut values = Vec::with_capacity(self.width * (3 + aggregates.sites.len()));
        for scope in aggregates.scopes() {
            let start = values.len();
            values.resize(start + self.width, 0);
            let row = &mut values[start..];
            row[TOTAL] = if visitors {
                scope.visitors
            } else {
                scope.visits
            };
            let months = if visitors {
                &scope.visitors_by_month
            } else {
                &scope.visits_by_month
            };
            for m in 0..12 {
                row[month_slot(m)] = months[m];
            }
            for (d, dimension) in aggregates.dimensions.iter().enumerate() {
                let counts = &scope.dimensions[d];
                let counts = if visitors {
                    &counts.visitors
                } else {
                    &counts.visits
                };
                let (offset, len, respondents) = self.dims[d];
                row[offset..offset + len].copy_from_slice(counts);
                if let Some(r) = respondents {
                    row[r] = row[TOTAL] - counts[dimension.not_given()];
                }
            }
        }
        values
    }
}

/// A group of slots of one scope: the total's slot and the members' slots.
type Within = (usize, Vec<usize>);

/// Survey slots: answers, would-recommend yes and answered, then per item
/// its respondents and its satisfied.
const SURVEY_ANSWERS: usize = 0;
const RECOMMEND_YES: usize = 1;
const RECOMMEND_ANSWERED: usize = 2;
const fn item_slot(item: usize) -> usize {
    3 + 2 * item
}

fn survey_values(aggregates: &Aggregates) -> (Vec<u64>, usize) {
    let width = item_slot(aggregates.survey_items.len());
    let mut values = Vec::new();
    for scope in aggregates.scopes() {
        let s = &scope.survey;
        values.push(s.answers);
        values.push(s.recommend_yes);
        values.push(s.recommend_yes + s.recommend_no);
        for item in 0..aggregates.survey_items.len() {
            values.push(s.respondents(item));
            values.push(s.satisfied(item));
        }
    }
    (values, width)
}

/// Event slots: attendance, respondents and satisfied, each per type (the
/// last type being "not in force") then in total.
fn event_values(aggregates: &Aggregates) -> (Vec<u64>, usize, Vec<Within>) {
    let types = aggregates.event_types.len() + 1;
    let width = 3 * (types + 1);
    let mut values = Vec::new();
    for scope in aggregates.scopes() {
        let e = &scope.events;
        for series in [&e.attendance, &e.respondents, &e.satisfied] {
            values.extend_from_slice(series);
            values.push(series.iter().sum());
        }
    }
    let within = (0..3)
        .map(|k| {
            let base = k * (types + 1);
            (base + types, (base..base + types).collect())
        })
        .collect();
    (values, width, within)
}

/// One year's aggregates with their masks solved.
#[derive(Debug, Clone)]
pub(crate) struct Year<'a> {
    pub aggregates: &'a Aggregates,
    slots: VisitSlots,
    visits: Solved,
    visitors: Solved,
    survey: Solved,
    events: Solved,
    event_types: usize,
}

impl<'a> Year<'a> {
    pub fn new(aggregates: &'a Aggregates, threshold: u64) -> Year<'a> {
        let hierarchy = Hierarchy::of(aggregates);
        let slots = VisitSlots::new(&aggregates.dimensions);
        let visits = Solved::solve(
            slots.values(aggregates, false),
            slots.width,
            &slots.within(&aggregates.dimensions, true),
            &hierarchy,
            threshold,
        );
        // A person who came in two months is a visitor of both: the months
        // of visitors do not add up to the year.
        let visitors = Solved::solve(
            slots.values(aggregates, true),
            slots.width,
            &slots.within(&aggregates.dimensions, false),
            &hierarchy,
            threshold,
        );
        let (survey_values, survey_width) = survey_values(aggregates);
        let survey = Solved::solve(survey_values, survey_width, &[], &hierarchy, threshold);
        let (event_values, event_width, within) = event_values(aggregates);
        let events = Solved::solve(event_values, event_width, &within, &hierarchy, threshold);
        Year {
            aggregates,
            slots,
            visits,
            visitors,
            survey,
            events,
            event_types: aggregates.event_types.len() + 1,
        }
    }

    pub fn visits(&self, scope: usize) -> Val {
        self.visits.get(scope, TOTAL)
    }

    pub fn visitors(&self, scope: usize) -> Val {
        self.visitors.get(scope, TOTAL)
    }

    pub fn survey_answers(&self, scope: usize) -> Val {
        self.survey.get(scope, SURVEY_ANSWERS)
    }

    /// Events are not people: their number is published as it is.
    pub fn events(&self, scope: usize) -> Val {
        Val::Shown(self.scope(scope).events.events.iter().sum())
    }

    pub fn attendance(&self, scope: usize) -> Val {
        self.events.get(scope, self.event_types)
    }

    fn event_slot(&self, series: usize, t: usize) -> usize {
        series * (self.event_types + 1) + t
    }

    fn scope(&self, scope: usize) -> &ScopeCounts {
        self.aggregates
            .scopes()
            .nth(scope)
            .expect("scope index in range")
    }

    /// The dimension's counts for category `c`: visits and visitors.
    pub fn category(&self, scope: usize, d: usize, c: usize) -> (Val, Val) {
        let slot = self.slots.slot(d, c);
        (self.visits.get(scope, slot), self.visitors.get(scope, slot))
    }

    fn respondents(&self, scope: usize, d: usize) -> (Val, Val) {
        match self.slots.dims[d].2 {
            Some(slot) => (self.visits.get(scope, slot), self.visitors.get(scope, slot)),
            None => (self.visits(scope), self.visitors(scope)),
        }
    }

    /// A survey item's respondents and satisfaction rate.
    pub fn satisfaction(&self, scope: usize, item: usize) -> (Val, Val, Cell) {
        let respondents = self.survey.get(scope, item_slot(item));
        let satisfied = self.survey.get(scope, item_slot(item) + 1);
        (respondents, satisfied, share(satisfied, respondents))
    }

    /// Would-recommend: those who answered, those who said yes, the rate.
    pub fn recommend(&self, scope: usize) -> (Val, Val, Cell) {
        let answered = self.survey.get(scope, RECOMMEND_ANSWERED);
        let yes = self.survey.get(scope, RECOMMEND_YES);
        (answered, yes, share(yes, answered))
    }

    /// The theme group with the most visitors, and its share of respondents.
    pub fn top_theme_groups(&self, scope: usize) -> Vec<(String, Cell)> {
        let d = position(DimensionId::ThemeGroup);
        let dimension = &self.aggregates.dimensions[d];
        let (_, respondents) = self.respondents(scope, d);
        let mut groups: Vec<(u64, String, Cell)> = dimension
            .categories
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == CategoryKind::Code)
            .map(|(c, category)| {
                let (_, visitors) = self.category(scope, d, c);
                let raw = self.visitors.raw(scope, self.slots.slot(d, c));
                (raw, category.label.clone(), share(visitors, respondents))
            })
            .collect();
        groups.sort_by_key(|g| std::cmp::Reverse(g.0));
        groups.into_iter().map(|(_, l, c)| (l, c)).collect()
    }
}

/// How a key figure is read from a year.
type Figure = fn(&Year<'_>, usize) -> Val;

/// The months as French abbreviations, for chart axes.
const MONTHS_SHORT: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];

/// The two years a table compares.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Years<'y, 'a> {
    pub cur: &'y Year<'a>,
    pub prev: Option<&'y Year<'a>>,
}

fn year_label(word: &str, year: i16) -> String {
    format!("{word} {year}")
}

fn column(id: &str, label: impl Into<String>) -> Column {
    Column {
        id: id.to_owned(),
        label: label.into(),
    }
}

/// The note every table with masked cells carries.
pub(crate) fn mask_note(threshold: u64) -> String {
    format!(
        "< {threshold} : effectif inférieur à {threshold}, ou masqué pour qu'il ne puisse pas être \
         retrouvé à partir des totaux (secret statistique)."
    )
}

/// The note's second sentence where a percentage, rate or change is
/// masked with the count it is worked out from: renderers draw it "s".
const MASKED_SHARE_NOTE: &str = "s : pourcentage, taux ou évolution calculé sur un effectif masqué, masqué avec lui \
     (secret statistique).";

fn finish_note(
    mut notes: Vec<String>,
    columns: &[Column],
    rows: &[Row],
    threshold: u64,
) -> Option<String> {
    let masked_in = |shares: bool| {
        rows.iter().any(|r| {
            r.cells.iter().enumerate().any(|(c, cell)| {
                matches!(cell, Cell::Masked) && holds_shares(columns, rows, c) == shares
            })
        })
    };
    if masked_in(false) {
        notes.push(mask_note(threshold));
    }
    if masked_in(true) {
        notes.push(MASKED_SHARE_NOTE.to_owned());
    }
    (!notes.is_empty()).then(|| notes.join(" "))
}

impl Years<'_, '_> {
    fn cur_year(&self) -> i16 {
        self.cur.aggregates.year
    }

    /// The key figures of a scope.
    pub fn key_figures(&self, scope: usize, id: &str, threshold: u64) -> Table {
        let year = self.cur_year();
        let mut columns = vec![column("value", year.to_string())];
        if let Some(prev) = self.prev {
            columns.push(column("previous", prev.aggregates.year.to_string()));
            columns.push(column("change", "Évolution (%)"));
        }
        let figures: [(&str, &str, Figure); 5] = [
            ("visits", "Visites", |y, s| y.visits(s)),
            ("visitors", "Visiteurs distincts", |y, s| y.visitors(s)),
            (
                "survey_answers",
                "Questionnaires de satisfaction reçus",
                |y, s| y.survey_answers(s),
            ),
            ("events", "Événements organisés", |y, s| y.events(s)),
            ("attendance", "Participants aux événements", |y, s| {
                y.attendance(s)
            }),
        ];
        let rows: Vec<Row> = figures
            .iter()
            .map(|(code, label, get)| {
                let cur = get(self.cur, scope);
                let mut cells = vec![cur.cell()];
                if let Some(prev) = self.prev {
                    let p = get(prev, scope);
                    cells.push(p.cell());
                    cells.push(change(cur, p));
                }
                Row {
                    code: Some((*code).to_owned()),
                    label: (*label).to_owned(),
                    cells,
                }
            })
            .collect();
        Table {
            id: format!("{id}.key_figures"),
            title: format!("Chiffres clés {year}"),
            note: finish_note(Vec::new(), &columns, &rows, threshold),
            columns,
            rows,
        }
    }

    /// Visits and visitors by month, and its chart.
    pub fn months(&self, scope: usize, id: &str, threshold: u64) -> (Table, Chart) {
        const MONTHS: [&str; 12] = [
            "Janvier",
            "Février",
            "Mars",
            "Avril",
            "Mai",
            "Juin",
            "Juillet",
            "Août",
            "Septembre",
            "Octobre",
            "Novembre",
            "Décembre",
        ];
        let year = self.cur_year();
        let mut columns = vec![
            column("visits", year_label("Visites", year)),
            column("visitors", year_label("Visiteurs", year)),
        ];
        if let Some(prev) = self.prev {
            let p = prev.aggregates.year;
            columns.push(column("visits_previous", year_label("Visites", p)));
            columns.push(column("visits_change", "Évolution des visites (%)"));
        }
        let mut rows = Vec::new();
        let mut current_series = Vec::new();
        let mut previous_series = Vec::new();
        for (m, name) in MONTHS.iter().enumerate() {
            let slot = month_slot(m);
            let visits = self.cur.visits.get(scope, slot);
            let mut cells = vec![visits.cell(), self.cur.visitors.get(scope, slot).cell()];
            current_series.push(visits.chart());
            if let Some(prev) = self.prev {
                let p = prev.visits.get(scope, slot);
                cells.push(p.cell());
                cells.push(change(visits, p));
                previous_series.push(p.chart());
            }
            rows.push(Row {
                code: Some(format!("{:02}", m + 1)),
                label: (*name).to_owned(),
                cells,
            });
        }
        let visits = self.cur.visits(scope);
        let mut cells = vec![visits.cell(), self.cur.visitors(scope).cell()];
        if let Some(prev) = self.prev {
            let p = prev.visits(scope);
            cells.push(p.cell());
            cells.push(change(visits, p));
        }
        rows.push(Row {
            code: None,
            label: "Année".to_owned(),
            cells,
        });
        let note = finish_note(
            vec![
                "Une personne venue plusieurs mois est comptée chaque mois : les visiteurs des \
                 mois ne s'additionnent pas en visiteurs de l'année."
                    .to_owned(),
            ],
            &columns,
            &rows,
            threshold,
        );
        let mut series = vec![Series {
            label: year.to_string(),
            values: current_series,
        }];
        if let Some(prev) = self.prev {
            series.push(Series {
                label: prev.aggregates.year.to_string(),
                values: previous_series,
            });
        }
        let chart = Chart {
            id: format!("{id}.visits_by_month_chart"),
            title: "Visites par mois".to_owned(),
            kind: ChartKind::Line,
            categories: MONTHS_SHORT.iter().map(|m| (*m).to_owned()).collect(),
            series,
            unit: "visites".to_owned(),
        };
        (
            Table {
                id: format!("{id}.visits_by_month"),
                title: "Visites et visiteurs par mois".to_owned(),
                columns,
                rows,
                note,
            },
            chart,
        )
    }

    /// Visits and visitors by one dimension.
    pub fn dimension(&self, scope: usize, dim: DimensionId, id: &str, threshold: u64) -> Table {
        let d = position(dim);
        let dimension = &self.cur.aggregates.dimensions[d];
        let year = self.cur_year();
        let multiple = dimension.multiple;
        let share_label = if multiple { "% des répondants" } else { "%" };
        let mut columns = vec![
            column("visits", year_label("Visites", year)),
            column("visits_share", share_label),
            column("visitors", year_label("Visiteurs", year)),
            column("visitors_share", share_label),
        ];
        if let Some(prev) = self.prev {
            let p = prev.aggregates.year;
            columns.push(column("visits_previous", year_label("Visites", p)));
            columns.push(column("visits_change", "Évolution des visites (%)"));
            columns.push(column("visitors_previous", year_label("Visiteurs", p)));
            columns.push(column("visitors_change", "Évolution des visiteurs (%)"));
        }
        let (resp_visits, resp_visitors) = self.cur.respondents(scope, d);
        let (den_visits, den_visitors) = if multiple {
            (resp_visits, resp_visitors)
        } else {
            (self.cur.visits(scope), self.cur.visitors(scope))
        };
        let prev_dimension = self.prev.map(|p| &p.aggregates.dimensions[d]);
        let mut rows = Vec::new();
        for (c, category) in dimension.categories.iter().enumerate() {
            let (visits, visitors) = self.cur.category(scope, d, c);
            let (prev_visits, prev_visitors) = match (self.prev, prev_dimension) {
                (Some(prev), Some(pd)) => match matching_category(category, pd) {
                    Some(pc) => prev.category(scope, d, pc),
                    None => (Val::Absent, Val::Absent),
                },
                _ => (Val::Absent, Val::Absent),
            };
            // The unrecognised row is shown only when it holds something or
            // hides something: dropping a masked row would let the others
            // be subtracted from the total.
            if category.kind == CategoryKind::Unrecognised
                && [visits, visitors, prev_visits, prev_visitors]
                    .iter()
                    .all(|v| matches!(v, Val::Shown(0) | Val::Absent))
            {
                continue;
            }
            let not_given_of_multiple = multiple && category.kind == CategoryKind::NotGiven;
            let (share_visits, share_visitors) = if not_given_of_multiple {
                (Cell::Empty, Cell::Empty)
            } else {
                (share(visits, den_visits), share(visitors, den_visitors))
            };
            let mut cells = vec![visits.cell(), share_visits, visitors.cell(), share_visitors];
            if self.prev.is_some() {
                cells.extend([
                    prev_visits.cell(),
                    change(visits, prev_visits),
                    prev_visitors.cell(),
                    change(visitors, prev_visitors),
                ]);
            }
            let label = if category.parent.is_some() {
                format!("\u{2013} {}", category.label)
            } else {
                category.label.clone()
            };
            rows.push(Row {
                code: category.code.clone(),
                label,
                cells,
            });
        }
        let total_row = |label: &str, cur: (Val, Val), prev: Option<(Val, Val)>, shares: bool| {
            let pct = |v: Val| {
                if shares && !matches!(v, Val::Shown(0)) {
                    share(v, v)
                } else {
                    Cell::Empty
                }
            };
            let mut cells = vec![cur.0.cell(), pct(cur.0), cur.1.cell(), pct(cur.1)];
            if let Some((pv, pvr)) = prev {
                cells.extend([pv.cell(), change(cur.0, pv), pvr.cell(), change(cur.1, pvr)]);
            }
            Row {
                code: None,
                label: label.to_owned(),
                cells,
            }
        };
        let totals = (self.cur.visits(scope), self.cur.visitors(scope));
        let prev_totals = self.prev.map(|p| (p.visits(scope), p.visitors(scope)));
        let mut notes = Vec::new();
        if multiple {
            let prev_resp = self.prev.map(|p| p.respondents(scope, d));
            rows.push(total_row(
                "Répondants (au moins une réponse)",
                (resp_visits, resp_visitors),
                prev_resp,
                true,
            ));
            rows.push(total_row("Total", totals, prev_totals, false));
            notes.push(
                "Réponses multiples : une personne peut en donner plusieurs ; les pourcentages \
                 sont calculés sur les répondants et leur somme dépasse 100 %."
                    .to_owned(),
            );
        } else {
            rows.push(total_row("Total", totals, prev_totals, true));
        }
        if matches!(
            dim,
            DimensionId::Sex
                | DimensionId::AgeBand
                | DimensionId::Status
                | DimensionId::EducationLevel
                | DimensionId::FirstVisit
                | DimensionId::ArrivalChannel
                | DimensionId::Residence
        ) {
            notes
                .push("Les visiteurs sont décrits par leur première visite de l'année.".to_owned());
        }
        Table {
            id: format!("{id}.{}", dim.as_str()),
            title: dim.title().to_owned(),
            note: finish_note(notes, &columns, &rows, threshold),
            columns,
            rows,
        }
    }

    /// A chart of a dimension's visitors, in percent of the denominator of
    /// its table.
    pub fn dimension_chart(
        &self,
        scope: usize,
        dim: DimensionId,
        id: &str,
        kind: ChartKind,
    ) -> Chart {
        let d = position(dim);
        let dimension = &self.cur.aggregates.dimensions[d];
        let mut categories = Vec::new();
        let mut series: Vec<Series> = Vec::new();
        let years: Vec<&Year<'_>> = std::iter::once(self.cur).chain(self.prev).collect();
        for year in &years {
            series.push(Series {
                label: year.aggregates.year.to_string(),
                values: Vec::new(),
            });
        }
        for category in &dimension.categories {
            if category.kind != CategoryKind::Code && category.kind != CategoryKind::OutsideRegion {
                continue;
            }
            categories.push(category.label.clone());
            for (k, year) in years.iter().enumerate() {
                let yd = &year.aggregates.dimensions[d];
                let value = matching_category(category, yd).and_then(|yc| {
                    let (_, visitors) = year.category(scope, d, yc);
                    let den = if dimension.multiple {
                        year.respondents(scope, d).1
                    } else {
                        year.visitors(scope)
                    };
                    percent_value(&share(visitors, den))
                });
                series[k].values.push(value);
            }
        }
        Chart {
            id: format!("{id}.{}_chart", dim.as_str()),
            title: format!("{} (% des visiteurs)", dim.title()),
            kind,
            categories,
            series,
            unit: "%".to_owned(),
        }
    }

    /// Visits and visitors of sub-scopes (the sites of a département, the
    /// départements or the sites of the region), with their total.
    pub fn breakdown(
        &self,
        parts: &[(usize, String, String)],
        whole: usize,
        id: &str,
        title: &str,
        threshold: u64,
    ) -> (Table, Chart) {
        let year = self.cur_year();
        let mut columns = vec![
            column("visits", year_label("Visites", year)),
            column("visitors", year_label("Visiteurs", year)),
        ];
        if let Some(prev) = self.prev {
            let p = prev.aggregates.year;
            columns.push(column("visits_previous", year_label("Visites", p)));
            columns.push(column("visits_change", "Évolution des visites (%)"));
        }
        columns.extend([
            column("survey_answers", "Questionnaires reçus"),
            column("events", "Événements"),
            column("attendance", "Participants aux événements"),
        ]);
        let row = |scope: usize, code: Option<String>, label: String| {
            let visits = self.cur.visits(scope);
            let mut cells = vec![visits.cell(), self.cur.visitors(scope).cell()];
            if let Some(prev) = self.prev {
                let p = prev.visits(scope);
                cells.extend([p.cell(), change(visits, p)]);
            }
            cells.extend([
                self.cur.survey_answers(scope).cell(),
                self.cur.events(scope).cell(),
                self.cur.attendance(scope).cell(),
            ]);
            Row { code, label, cells }
        };
        let mut rows: Vec<Row> = parts
            .iter()
            .map(|(scope, code, label)| row(*scope, Some(code.clone()), label.clone()))
            .collect();
        rows.push(row(whole, None, "Total".to_owned()));
        let mut series = vec![Series {
            label: year.to_string(),
            values: parts
                .iter()
                .map(|(s, ..)| self.cur.visits(*s).chart())
                .collect(),
        }];
        if let Some(prev) = self.prev {
            series.push(Series {
                label: prev.aggregates.year.to_string(),
                values: parts
                    .iter()
                    .map(|(s, ..)| prev.visits(*s).chart())
                    .collect(),
            });
        }
        let chart = Chart {
            id: format!("{id}_chart"),
            title: format!("Visites — {}", title.to_lowercase()),
            kind: ChartKind::Bar,
            categories: parts.iter().map(|(_, _, l)| l.clone()).collect(),
            series,
            unit: "visites".to_owned(),
        };
        (
            Table {
                id: id.to_owned(),
                title: title.to_owned(),
                note: finish_note(Vec::new(), &columns, &rows, threshold),
                columns,
                rows,
            },
            chart,
        )
    }

    /// Satisfaction per survey item, and would-recommend.
    pub fn survey(&self, scope: usize, id: &str, threshold: u64) -> (Table, Chart) {
        let year = self.cur_year();
        let mut columns = vec![
            column("respondents", "Répondants"),
            column("satisfied", "Satisfaits (3 ou 4)"),
            column("rate", year_label("Taux", year) + " (%)"),
        ];
        if let Some(prev) = self.prev {
            columns.push(column(
                "rate_previous",
                year_label("Taux", prev.aggregates.year) + " (%)",
            ));
            columns.push(column("rate_change", "Évolution (points)"));
        }
        let items = &self.cur.aggregates.survey_items;
        let mut rows = Vec::new();
        let mut rates = Vec::new();
        let mut previous_rates = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let (respondents, satisfied, rate) = self.cur.satisfaction(scope, i);
            rates.push(percent_value(&rate));
            let mut cells = vec![respondents.cell(), satisfied.cell(), rate.clone()];
            if let Some(prev) = self.prev {
                let previous = item
                    .code
                    .as_deref()
                    .and_then(|code| {
                        prev.aggregates
                            .survey_items
                            .iter()
                            .position(|p| p.code.as_deref() == Some(code))
                    })
                    .map_or(Cell::Empty, |pi| prev.satisfaction(scope, pi).2);
                previous_rates.push(percent_value(&previous));
                cells.push(previous.clone());
                cells.push(points(&rate, &previous));
            }
            rows.push(Row {
                code: item.code.clone(),
                label: item.label.clone(),
                cells,
            });
        }
        let (answered, yes, rate) = self.cur.recommend(scope);
        let mut cells = vec![answered.cell(), yes.cell(), rate.clone()];
        if let Some(prev) = self.prev {
            let previous = prev.recommend(scope).2;
            cells.push(previous.clone());
            cells.push(points(&rate, &previous));
        }
        rows.push(Row {
            code: Some("would_recommend".to_owned()),
            label: "Recommanderait l'Espace métiers (oui)".to_owned(),
            cells,
        });
        let note = finish_note(
            vec![format!(
                "Taux de satisfaction : part des notes 3 et 4 (satisfait, très satisfait) sur \
                 l'échelle de 1 à 4, parmi les personnes qui ont répondu à l'item ; \
                 {} questionnaires reçus.",
                match self.cur.survey_answers(scope) {
                    Val::Shown(n) => super::format::int(n),
                    _ => format!("moins de {threshold}"),
                }
            )],
            &columns,
            &rows,
            threshold,
        );
        let mut series = vec![Series {
            label: year.to_string(),
            values: rates,
        }];
        if let Some(prev) = self.prev {
            series.push(Series {
                label: prev.aggregates.year.to_string(),
                values: previous_rates,
            });
        }
        let chart = Chart {
            id: format!("{id}.satisfaction_chart"),
            title: "Taux de satisfaction par item (%)".to_owned(),
            kind: ChartKind::HorizontalBar,
            categories: items.iter().map(|i| i.label.clone()).collect(),
            series,
            unit: "%".to_owned(),
        };
        (
            Table {
                id: format!("{id}.satisfaction"),
                title: "Satisfaction des usagers".to_owned(),
                columns,
                rows,
                note,
            },
            chart,
        )
    }

    /// Events by type.
    pub fn events(&self, scope: usize, id: &str, threshold: u64) -> Table {
        let year = self.cur_year();
        let mut columns = vec![
            column("events", year_label("Événements", year)),
            column("attendance", "Participants"),
            column("respondents", "Répondants"),
            column("satisfied", "Satisfaits"),
            column("rate", "Taux de satisfaction (%)"),
        ];
        if let Some(prev) = self.prev {
            columns.push(column(
                "events_previous",
                year_label("Événements", prev.aggregates.year),
            ));
            columns.push(column("events_change", "Évolution (%)"));
        }
        let types = &self.cur.aggregates.event_types;
        let counts = &self.cur.scope(scope).events;
        let line = |year: &Year<'_>, t: usize| {
            (
                year.events.get(scope, year.event_slot(0, t)),
                year.events.get(scope, year.event_slot(1, t)),
                year.events.get(scope, year.event_slot(2, t)),
            )
        };
        let mut rows = Vec::new();
        for t in 0..=types.len() {
            let (attendance, respondents, satisfied) = line(self.cur, t);
            let events = Val::Shown(counts.events[t]);
            let prev_events = self.prev.map(|prev| {
                let code = types.get(t).and_then(|c| c.code.as_deref());
                let pt = match code {
                    Some(code) => prev
                        .aggregates
                        .event_types
                        .iter()
                        .position(|p| p.code.as_deref() == Some(code)),
                    None => Some(prev.aggregates.event_types.len()),
                };
                pt.map_or(Val::Absent, |pt| {
                    Val::Shown(prev.scope(scope).events.events[pt])
                })
            });
            if t == types.len()
                && counts.events[t] == 0
                && matches!(attendance, Val::Shown(0))
                && !matches!(prev_events, Some(Val::Shown(n)) if n > 0)
            {
                continue;
            }
            let mut cells = vec![
                events.cell(),
                attendance.cell(),
                respondents.cell(),
                satisfied.cell(),
                share(satisfied, respondents),
            ];
            if let Some(p) = prev_events {
                cells.extend([p.cell(), change(events, p)]);
            }
            let (code, label) = match types.get(t) {
                Some(c) => (c.code.clone(), c.label.clone()),
                None => (None, "Type hors nomenclature".to_owned()),
            };
            rows.push(Row { code, label, cells });
        }
        let total = self.event_types_total(self.cur, scope);
        let events = self.cur.events(scope);
        let mut cells = vec![
            events.cell(),
            total.0.cell(),
            total.1.cell(),
            total.2.cell(),
            share(total.2, total.1),
        ];
        if let Some(prev) = self.prev {
            let p = prev.events(scope);
            cells.extend([p.cell(), change(events, p)]);
        }
        rows.push(Row {
            code: None,
            label: "Total".to_owned(),
            cells,
        });
        Table {
            id: format!("{id}.events"),
            title: "Événements (animations)".to_owned(),
            note: finish_note(
                vec!["Les événements sont comptés dans l'année de leur premier jour.".to_owned()],
                &columns,
                &rows,
                threshold,
            ),
            columns,
            rows,
        }
    }

    fn event_types_total(&self, year: &Year<'_>, scope: usize) -> (Val, Val, Val) {
        let t = year.event_types;
        (
            year.events.get(scope, year.event_slot(0, t)),
            year.events.get(scope, year.event_slot(1, t)),
            year.events.get(scope, year.event_slot(2, t)),
        )
    }
}

/// The difference of two rates, in percentage points.
fn points(cur: &Cell, prev: &Cell) -> Cell {
    match (cur, prev) {
        (Cell::Masked, _) | (_, Cell::Masked) => Cell::Masked,
        (Cell::Percent(c), Cell::Percent(p)) => Cell::Number(round1(c - p)),
        _ => Cell::Empty,
    }
}

/// The category of `other` (another year's dimension) that stands for the
/// same thing as `category`.
fn matching_category(category: &super::Category, other: &Dimension) -> Option<usize> {
    match category.kind {
        CategoryKind::NotGiven => Some(other.not_given()),
        CategoryKind::Unrecognised => Some(other.unrecognised()),
        CategoryKind::Code | CategoryKind::OutsideRegion => other
            .categories
            .iter()
            .position(|c| c.kind == category.kind && c.code == category.code),
    }
}
