//! Turning the library's data into what crosses the boundary: a site's
//! aggregated tables for a report plugin, visits without who made them for
//! a rules plugin.

use em_core::report as core;
use em_core::statistics::Visit;
use jiff::civil::Date;

use crate::bindings::wit;

pub(crate) fn date(d: Date) -> wit::Date {
    wit::Date {
        year: d.year(),
        // jiff keeps months in 1..=12 and days in 1..=31.
        month: d.month().unsigned_abs(),
        day: d.day().unsigned_abs(),
    }
}

pub(crate) fn table(t: &core::Table) -> wit::Table {
    wit::Table {
        id: t.id.clone(),
        title: t.title.clone(),
        columns: t
            .columns
            .iter()
            .map(|c| wit::Column {
                id: c.id.clone(),
                label: c.label.clone(),
            })
            .collect(),
        rows: t
            .rows
            .iter()
            .map(|r| wit::Row {
                code: r.code.clone(),
                label: r.label.clone(),
                cells: r.cells.iter().map(cell).collect(),
            })
            .collect(),
        note: t.note.clone(),
    }
}

fn cell(c: &core::Cell) -> wit::Cell {
    match c {
        core::Cell::Count(n) => wit::Cell::Count(*n),
        core::Cell::Masked => wit::Cell::Masked,
        core::Cell::Percent(p) => wit::Cell::Percent(*p),
        core::Cell::Number(x) => wit::Cell::Number(*x),
        core::Cell::Text(t) => wit::Cell::Text(t.clone()),
        core::Cell::Empty => wit::Cell::Empty,
    }
}

/// A visit as a rules plugin sees it: `visitor` and `reference` stay in
/// the store.
pub(crate) fn visit(v: &Visit) -> wit::Visit {
    wit::Visit {
        site: v.site.clone(),
        date: date(v.date),
        contact_mode: v.contact_mode.clone(),
        sex: v.sex.clone(),
        age_band: v.age_band.clone(),
        status: v.status.clone(),
        education_level: v.education_level.clone(),
        commune: v.commune.clone(),
        first_visit: v.first_visit,
        arrival_channel: v.arrival_channel.clone(),
        themes: v.themes.clone(),
        services: v.services.clone(),
        referrals: v.referrals.clone(),
    }
}
