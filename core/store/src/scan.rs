//! Reading records back: full scans for reports, look-ups by reference.
//!
//! A scan hands the callback one record value that it overwrites row after
//! row, so that reading a million visits allocates nothing per row once the
//! buffers have grown. The callback must copy what it wants to keep.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use em_core::activity::{Codes, VisitFields};
use jiff::civil::Date;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, Row};

use crate::codec::{
    LIST_SEPARATOR, read_date, set_opt, set_str, split_codes, split_items, write_date,
};
use crate::{Event, Record, RecordKind, Store, StoreError, SurveyAnswer, Visit};

const VISIT_COLUMNS: &str = "id, site, date, reference, visitor, contact_mode, sex, age_band, \
    status, education_level, commune, first_visit, arrival_channel, themes, services, referrals";
/// The columns [`Store::scan_visit_fields`] reads: those of a visit less
/// its reference, which the counts do not use. SQLite decodes every column
/// of the select list for each row, read or not.
const VISIT_FIELD_COLUMNS: &str = "id, site, date, visitor, contact_mode, sex, age_band, status, \
    education_level, commune, first_visit, arrival_channel, themes, services, referrals";
/// [`LIST_SEPARATOR`] as the one byte it is, to split code lists read as
/// bytes.
const LIST_BYTE: u8 = {
    assert!(LIST_SEPARATOR.is_ascii());
    LIST_SEPARATOR as u8
};
const SURVEY_COLUMNS: &str = "id, site, date, reference, items, would_recommend";
const EVENT_COLUMNS: &str = "id, site, reference, title, start_date, end_date, event_type, \
    themes, partners, attendance, respondents, satisfied";

impl Store {
    /// Calls `f` with every visit dated from `from` to `to` (both included),
    /// in the order they were stored; returns how many there were.
    pub fn scan_visits(
        &self,
        from: Date,
        to: Date,
        mut f: impl FnMut(&Visit),
    ) -> Result<u64, StoreError> {
        let (from, to) = (date_text(from), date_text(to));
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {VISIT_COLUMNS} FROM visits WHERE date >= ?1 AND date <= ?2"
        ))?;
        let mut rows = stmt.query([from, to])?;
        let mut visit = empty_visit();
        let mut n = 0;
        while let Some(row) = rows.next()? {
            read_visit(row, &mut visit)?;
            f(&visit);
            n += 1;
        }
        Ok(n)
    }

    /// The lowest and highest row id of the visits, if there are any: the
    /// span along which [`Store::scan_visit_fields`] can be split, for two
    /// connections to read two halves at once.
    pub fn visit_ids(&self) -> Result<Option<(i64, i64)>, StoreError> {
        let (low, high): (Option<i64>, Option<i64>) =
            self.conn
                .query_row("SELECT min(id), max(id) FROM visits", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
        Ok(low.zip(high))
    }

    /// Calls `f` with the fields of every visit dated from `from` to `to`
    /// (both included) whose row id is in `ids`, in the order they were
    /// stored; returns how many there were.
    ///
    /// Unlike [`Store::scan_visits`] nothing is copied: the fields borrow
    /// the texts of the row where SQLite holds them, and the code lists stay
    /// joined. The texts are handed over as bytes, unchecked: the counts
    /// compare them with the codes in force, and a text that is not UTF-8
    /// is simply no code, so checking a million rows' texts would buy
    /// nothing. The dates are compared here rather than in SQL, where each
    /// would be two text comparisons, and a row of another day is left
    /// before any other column is read.
    pub fn scan_visit_fields(
        &self,
        from: Date,
        to: Date,
        ids: RangeInclusive<i64>,
        mut f: impl FnMut(&VisitFields<'_>),
    ) -> Result<u64, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {VISIT_FIELD_COLUMNS} FROM visits WHERE id >= ?1 AND id <= ?2"
        ))?;
        let mut rows = stmt.query([ids.start(), ids.end()])?;
        let mut n = 0;
        while let Some(row) = rows.next()? {
            let c = Cells::new(row, "visits")?;
            let date = c.date(2)?;
            if date < from || date > to {
                continue;
            }
            f(&VisitFields {
                site: c.bytes(1)?,
                date,
                visitor: c.opt_bytes(3)?,
                contact_mode: c.bytes(4)?,
                sex: c.opt_bytes(5)?,
                age_band: c.opt_bytes(6)?,
                status: c.opt_bytes(7)?,
                education_level: c.opt_bytes(8)?,
                commune: c.opt_bytes(9)?,
                first_visit: c.opt_bool(10)?,
                arrival_channel: c.opt_bytes(11)?,
                themes: Codes::joined(c.bytes(12)?, LIST_BYTE),
                services: Codes::joined(c.bytes(13)?, LIST_BYTE),
                referrals: Codes::joined(c.bytes(14)?, LIST_BYTE),
            });
            n += 1;
        }
        Ok(n)
    }

    /// Calls `f` with every survey answer dated from `from` to `to` (both
    /// included); returns how many there were.
    pub fn scan_survey_answers(
        &self,
        from: Date,
        to: Date,
        mut f: impl FnMut(&SurveyAnswer),
    ) -> Result<u64, StoreError> {
        let (from, to) = (date_text(from), date_text(to));
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SURVEY_COLUMNS} FROM survey_answers WHERE date >= ?1 AND date <= ?2"
        ))?;
        let mut rows = stmt.query([from, to])?;
        let mut answer = empty_survey_answer();
        let mut n = 0;
        while let Some(row) = rows.next()? {
            read_survey_answer(row, &mut answer)?;
            f(&answer);
            n += 1;
        }
        Ok(n)
    }

    /// Calls `f` with every event that *starts* from `from` to `to` (both
    /// included), so that an event across a year's end is counted once, in
    /// the year it starts; returns how many there were.
    pub fn scan_events(
        &self,
        from: Date,
        to: Date,
        mut f: impl FnMut(&Event),
    ) -> Result<u64, StoreError> {
        let (from, to) = (date_text(from), date_text(to));
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE start_date >= ?1 AND start_date <= ?2"
        ))?;
        let mut rows = stmt.query([from, to])?;
        let mut event = empty_event();
        let mut n = 0;
        while let Some(row) = rows.next()? {
            read_event(row, &mut event)?;
            f(&event);
            n += 1;
        }
        Ok(n)
    }
}

/// The record of `kind` stored under `site` and `reference`, if any.
pub(crate) fn by_reference(
    conn: &Connection,
    kind: RecordKind,
    site: &str,
    reference: &str,
) -> Result<Option<Record>, StoreError> {
    let (columns, table) = match kind {
        RecordKind::Visit => (VISIT_COLUMNS, "visits"),
        RecordKind::SurveyAnswer => (SURVEY_COLUMNS, "survey_answers"),
        RecordKind::Event => (EVENT_COLUMNS, "events"),
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {columns} FROM {table} WHERE site = ?1 AND reference = ?2"
    ))?;
    let mut rows = stmt.query([site, reference])?;
    let Some(row) = rows.next()? else {
        return Ok(None);
    };
    Ok(Some(match kind {
        RecordKind::Visit => {
            let mut v = empty_visit();
            read_visit(row, &mut v)?;
            Record::Visit(v)
        }
        RecordKind::SurveyAnswer => {
            let mut s = empty_survey_answer();
            read_survey_answer(row, &mut s)?;
            Record::SurveyAnswer(s)
        }
        RecordKind::Event => {
            let mut e = empty_event();
            read_event(row, &mut e)?;
            Record::Event(e)
        }
    }))
}

fn date_text(date: Date) -> String {
    let mut s = String::new();
    write_date(&mut s, date);
    s
}

const PLACEHOLDER_DATE: Date = Date::constant(1970, 1, 1);

fn empty_visit() -> Visit {
    Visit {
        site: String::new(),
        date: PLACEHOLDER_DATE,
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

fn empty_survey_answer() -> SurveyAnswer {
    SurveyAnswer {
        site: String::new(),
        date: PLACEHOLDER_DATE,
        reference: None,
        items: BTreeMap::new(),
        would_recommend: None,
    }
}

fn empty_event() -> Event {
    Event {
        site: String::new(),
        reference: None,
        title: String::new(),
        start_date: PLACEHOLDER_DATE,
        end_date: PLACEHOLDER_DATE,
        event_type: String::new(),
        themes: Vec::new(),
        partners: Vec::new(),
        attendance: 0,
        respondents: None,
        satisfied: None,
    }
}

/// Typed access to one row, naming the table and row in every error.
struct Cells<'a, 'r> {
    row: &'a Row<'r>,
    table: &'static str,
}

impl<'a, 'r> Cells<'a, 'r> {
    fn new(row: &'a Row<'r>, table: &'static str) -> Result<Self, StoreError> {
        Ok(Cells { row, table })
    }

    fn corrupt(&self, reason: impl Into<String>) -> StoreError {
        StoreError::Corrupt {
            table: self.table,
            // The id (column 0) is read only for the message: a scan reads
            // a million rows, and every column read costs.
            row_id: self.row.get(0).unwrap_or(-1),
            reason: reason.into(),
        }
    }

    fn text(&self, i: usize) -> Result<&'a str, StoreError> {
        self.opt_text(i)?
            .ok_or_else(|| self.corrupt(format!("column {i} is NULL")))
    }

    fn opt_text(&self, i: usize) -> Result<Option<&'a str>, StoreError> {
        self.opt_bytes(i)?
            .map(|t| {
                std::str::from_utf8(t).map_err(|_| self.corrupt(format!("column {i} is not UTF-8")))
            })
            .transpose()
    }

    /// A text column's bytes, not checked for UTF-8.
    #[inline]
    fn bytes(&self, i: usize) -> Result<&'a [u8], StoreError> {
        self.opt_bytes(i)?
            .ok_or_else(|| self.corrupt(format!("column {i} is NULL")))
    }

    /// A text column's bytes, if not NULL, not checked for UTF-8.
    #[inline]
    fn opt_bytes(&self, i: usize) -> Result<Option<&'a [u8]>, StoreError> {
        match self.row.get_ref(i)? {
            ValueRef::Null => Ok(None),
            ValueRef::Text(t) => Ok(Some(t)),
            _ => Err(self.corrupt(format!("column {i} is not text"))),
        }
    }

    fn date(&self, i: usize) -> Result<Date, StoreError> {
        let text = self.text(i)?;
        read_date(text).ok_or_else(|| self.corrupt(format!("`{text}` is not a YYYY-MM-DD date")))
    }

    fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        match self.row.get_ref(i)? {
            ValueRef::Null => Ok(None),
            ValueRef::Integer(n) => Ok(Some(n)),
            _ => Err(self.corrupt(format!("column {i} is not an integer"))),
        }
    }

    fn opt_bool(&self, i: usize) -> Result<Option<bool>, StoreError> {
        Ok(self.opt_int(i)?.map(|n| n != 0))
    }

    fn opt_u32(&self, i: usize) -> Result<Option<u32>, StoreError> {
        self.opt_int(i)?
            .map(|n| u32::try_from(n).map_err(|_| self.corrupt(format!("{n} is out of range"))))
            .transpose()
    }
}

fn read_visit(row: &Row<'_>, v: &mut Visit) -> Result<(), StoreError> {
    let c = Cells::new(row, "visits")?;
    set_str(&mut v.site, c.text(1)?);
    v.date = c.date(2)?;
    set_opt(&mut v.reference, c.opt_text(3)?);
    set_opt(&mut v.visitor, c.opt_text(4)?);
    set_str(&mut v.contact_mode, c.text(5)?);
    set_opt(&mut v.sex, c.opt_text(6)?);
    set_opt(&mut v.age_band, c.opt_text(7)?);
    set_opt(&mut v.status, c.opt_text(8)?);
    set_opt(&mut v.education_level, c.opt_text(9)?);
    set_opt(&mut v.commune, c.opt_text(10)?);
    v.first_visit = c.opt_bool(11)?;
    set_opt(&mut v.arrival_channel, c.opt_text(12)?);
    split_codes(&mut v.themes, c.text(13)?);
    split_codes(&mut v.services, c.text(14)?);
    split_codes(&mut v.referrals, c.text(15)?);
    Ok(())
}

fn read_survey_answer(row: &Row<'_>, s: &mut SurveyAnswer) -> Result<(), StoreError> {
    let c = Cells::new(row, "survey_answers")?;
    set_str(&mut s.site, c.text(1)?);
    s.date = c.date(2)?;
    set_opt(&mut s.reference, c.opt_text(3)?);
    let items = c.text(4)?;
    split_items(&mut s.items, items)
        .ok_or_else(|| c.corrupt(format!("`{items}` is not a list of item=score")))?;
    s.would_recommend = c.opt_bool(5)?;
    Ok(())
}

fn read_event(row: &Row<'_>, e: &mut Event) -> Result<(), StoreError> {
    let c = Cells::new(row, "events")?;
    set_str(&mut e.site, c.text(1)?);
    set_opt(&mut e.reference, c.opt_text(2)?);
    set_str(&mut e.title, c.text(3)?);
    e.start_date = c.date(4)?;
    e.end_date = c.date(5)?;
    set_str(&mut e.event_type, c.text(6)?);
    split_codes(&mut e.themes, c.text(7)?);
    split_codes(&mut e.partners, c.text(8)?);
    e.attendance = c
        .opt_u32(9)?
        .ok_or_else(|| c.corrupt("attendance is NULL"))?;
    e.respondents = c.opt_u32(10)?;
    e.satisfied = c.opt_u32(11)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use em_core::activity::{Codes, VisitFields};
    use jiff::civil::date;

    use crate::{ImportSource, Record, Store, Visit};

    fn owned(v: &VisitFields<'_>) -> Visit {
        let text = |bytes: &[u8]| String::from_utf8(bytes.to_vec()).unwrap();
        let list = |codes: Codes<'_>| {
            let mut out = Vec::new();
            codes.for_each(|c| out.push(text(c)));
            out
        };
        Visit {
            site: text(v.site),
            date: v.date,
            reference: None,
            visitor: v.visitor.map(text),
            contact_mode: text(v.contact_mode),
            sex: v.sex.map(text),
            age_band: v.age_band.map(text),
            status: v.status.map(text),
            education_level: v.education_level.map(text),
            commune: v.commune.map(text),
            first_visit: v.first_visit,
            arrival_channel: v.arrival_channel.map(text),
            themes: list(v.themes),
            services: list(v.services),
            referrals: list(v.referrals),
        }
    }

    #[test]
    fn borrowed_fields_split_by_row_id_give_the_visits_of_the_owned_scan() {
        let mut store = Store::open_in_memory().unwrap();
        let days = [
            date(2008, 12, 31),
            date(2009, 1, 1),
            date(2009, 6, 15),
            date(2009, 12, 31),
            date(2010, 1, 1),
        ];
        let records = days.iter().enumerate().map(|(i, day)| {
            Record::Visit(Visit {
                site: "sedan".into(),
                date: *day,
                reference: None,
                visitor: (i % 2 == 0).then(|| format!("card-{i}")),
                contact_mode: "in_person".into(),
                sex: (i != 2).then(|| "female".into()),
                age_band: None,
                status: Some("job_seeker".into()),
                education_level: None,
                commune: Some("08105".into()),
                first_visit: Some(i == 1),
                arrival_channel: None,
                themes: vec!["guidance".into(), "training.cif".into()],
                services: vec![],
                referrals: (0..i).map(|_| "pole_emploi".into()).take(1).collect(),
            })
        });
        let source = ImportSource {
            file_name: "a.csv".into(),
            sha256: "h".into(),
        };
        store
            .import_records(&source, records.collect::<Vec<_>>())
            .unwrap();
        let (from, to) = (date(2009, 1, 1), date(2009, 12, 31));
        let mut expected = Vec::new();
        store
            .scan_visits(from, to, |v| expected.push(v.clone()))
            .unwrap();
        assert_eq!(expected.len(), 3);

        let (low, high) = store.visit_ids().unwrap().unwrap();
        for split in low - 1..=high {
            let mut seen = Vec::new();
            let first = store
                .scan_visit_fields(from, to, low..=split, |v| seen.push(owned(v)))
                .unwrap();
            let second = store
                .scan_visit_fields(from, to, split + 1..=high, |v| seen.push(owned(v)))
                .unwrap();
            assert_eq!(first + second, 3);
            assert_eq!(seen, expected, "split after row {split}");
        }
    }

    #[test]
    fn an_empty_store_has_no_visit_ids() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(store.visit_ids().unwrap(), None);
    }
}
