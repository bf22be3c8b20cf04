//! Checks of records against the ruleset in force on their day and against
//! the registry.
//!
//! A [`Validator`] is built once per import and returns, for each record,
//! every problem it has — never only the first — so that a site fixes its
//! file in one go.
//!
//! An import checks a dozen codes per record, a million records a file, so
//! the validator resolves the ruleset's nomenclatures, the registry's sites
//! and its communes into tables of its own when it is built: a code is then
//! one foldhash look-up in its nomenclature's table, with no look-up of the
//! nomenclature by name and no SipHash. The tables borrow everything from
//! the ruleset and the registry, which stay the only source of the rules.

use std::collections::{HashMap, HashSet};

use jiff::civil::Date;

use super::{Event, Record, SurveyAnswer, Visit};
use crate::registry::Registry;
use crate::ruleset::Ruleset;
use crate::ruleset::statistics::{Code, REQUIRED_NOMENCLATURES};

/// Tables read for every field of every record: foldhash, since their keys
/// come from the ruleset and the registry, never from a file.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
type FastSet<K> = HashSet<K, foldhash::fast::RandomState>;

/// One problem of one field of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name in the schema, e.g. `age_band` or `themes`.
    pub field: String,
    /// Why the value is refused, in a sentence.
    pub reason: String,
}

impl FieldError {
    fn new(field: &str, reason: impl Into<String>) -> Self {
        FieldError {
            field: field.to_owned(),
            reason: reason.into(),
        }
    }
}

/// Checks records against a ruleset and a registry.
#[derive(Debug, Clone)]
pub struct Validator<'a> {
    ruleset: &'a Ruleset,
    /// Per nomenclature of [`REQUIRED_NOMENCLATURES`], in its order: each
    /// code with its periods.
    codes: Vec<FastMap<&'a str, Vec<&'a Code>>>,
    sites: FastSet<&'a str>,
    /// The registry's communes, each INSEE code packed into an integer
    /// (see [`commune_key`]): one look-up per visit, and no string compare.
    communes: FastSet<u64>,
    /// The codes of the départements whose communes the registry holds.
    departement_codes: Vec<&'a str>,
    /// The same, joined for messages.
    departements: String,
    /// Records dated after this day are refused; `None` checks no date
    /// against the calendar.
    today: Option<Date>,
}

/// Positions in [`REQUIRED_NOMENCLATURES`].
#[derive(Debug, Clone, Copy)]
enum Nomenclature {
    ContactMode,
    Sex,
    AgeBand,
    Status,
    EducationLevel,
    ArrivalChannel,
    Theme,
    Service,
    Partner,
    SurveyItem,
    EventType,
}

impl Nomenclature {
    fn id(self) -> &'static str {
        REQUIRED_NOMENCLATURES[self as usize]
    }
}

impl<'a> Validator<'a> {
    /// A validator for the given rules and network.
    pub fn new(ruleset: &'a Ruleset, registry: &'a Registry) -> Self {
        let codes = REQUIRED_NOMENCLATURES
            .iter()
            .map(|id| {
                let mut table: FastMap<&'a str, Vec<&'a Code>> = FastMap::default();
                // A ruleset without one of these nomenclatures is refused
                // when it is loaded; an empty table would refuse every code.
                if let Some(n) = ruleset.statistics.nomenclature(id) {
                    for code in &n.codes {
                        table.entry(code.code.as_str()).or_default().push(code);
                    }
                }
                table
            })
            .collect();
        let departement_codes: Vec<&str> = registry
            .departements
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        let departements = departement_codes.join(", ");
        Validator {
            ruleset,
            codes,
            sites: registry.sites.iter().map(|s| s.id.as_str()).collect(),
            communes: registry
                .communes
                .iter()
                .filter_map(|c| commune_key(&c.code))
                .collect(),
            departement_codes,
            departements,
            today: None,
        }
    }

    /// Refuses visits, survey answers and events dated after `today`:
    /// nobody can have come, answered or attended on a day still to come
    /// (an event is dated by its start, and one that has started may still
    /// run past today). The caller reads
    /// the clock (em-core does no I/O); an import passes the day it runs.
    pub fn with_today(mut self, today: Date) -> Self {
        self.today = Some(today);
        self
    }

    /// Whether an INSEE code is in one of the départements whose communes
    /// the registry lists in full. Only those codes can be checked: a
    /// visitor may live outside the region (the activity report counts
    /// them apart), and the registry does not hold the rest of France.
    fn in_registry_departement(&self, commune: &str) -> bool {
        self.departement_codes
            .iter()
            .any(|d| !d.is_empty() && commune.starts_with(d))
    }

    fn future(&self, errors: &mut Vec<FieldError>, field: &str, day: Date, what: &str) {
        if let Some(today) = self.today
            && day > today
        {
            errors.push(FieldError::new(
                field,
                format!(
                    "{day} is after today ({today}): {what} cannot be recorded before it happens"
                ),
            ));
        }
    }

    /// Every problem of a record of any kind.
    pub fn check(&self, record: &Record) -> Vec<FieldError> {
        match record {
            Record::Visit(v) => self.check_visit(v),
            Record::SurveyAnswer(s) => self.check_survey_answer(s),
            Record::Event(e) => self.check_event(e),
        }
    }

    /// Every problem of a visit.
    pub fn check_visit(&self, visit: &Visit) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let day = visit.date;
        self.site(&mut errors, &visit.site, day);
        self.future(&mut errors, "date", day, "a visit");
        self.code(
            &mut errors,
            "contact_mode",
            Nomenclature::ContactMode,
            &visit.contact_mode,
            day,
        );
        let optional = [
            ("sex", Nomenclature::Sex, &visit.sex),
            ("age_band", Nomenclature::AgeBand, &visit.age_band),
            ("status", Nomenclature::Status, &visit.status),
            (
                "education_level",
                Nomenclature::EducationLevel,
                &visit.education_level,
            ),
            (
                "arrival_channel",
                Nomenclature::ArrivalChannel,
                &visit.arrival_channel,
            ),
        ];
        for (field, nomenclature, value) in optional {
            if let Some(value) = value {
                self.code(&mut errors, field, nomenclature, value, day);
            }
        }
        self.codes(
            &mut errors,
            "themes",
            Nomenclature::Theme,
            &visit.themes,
            day,
        );
        self.codes(
            &mut errors,
            "services",
            Nomenclature::Service,
            &visit.services,
            day,
        );
        self.codes(
            &mut errors,
            "referrals",
            Nomenclature::Partner,
            &visit.referrals,
            day,
        );
        if let Some(commune) = &visit.commune {
            if let Some(reason) = insee_code_problem(commune) {
                errors.push(FieldError::new("commune", reason));
            } else if self.in_registry_departement(commune)
                && !commune_key(commune).is_some_and(|k| self.communes.contains(&k))
            {
                errors.push(FieldError::new(
                    "commune",
                    format!(
                        "`{commune}` is not a commune of the registry, which lists every commune of the départements {}",
                        self.departements
                    ),
                ));
            }
        }
        match self.ruleset.statistics.visit_required_fields(day) {
            Ok(required) => {
                for field in required {
                    if visit_field_is_empty(visit, field) {
                        errors.push(FieldError::new(
                            field,
                            format!("this field is required on {day} and is empty"),
                        ));
                    }
                }
            }
            Err(e) => errors.push(FieldError::new("date", e.to_string())),
        }
        errors
    }

    /// Every problem of a survey answer.
    pub fn check_survey_answer(&self, answer: &SurveyAnswer) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let day = answer.date;
        self.site(&mut errors, &answer.site, day);
        self.future(&mut errors, "date", day, "an answer");
        for (item, score) in &answer.items {
            let field = format!("items.{item}");
            self.code(&mut errors, &field, Nomenclature::SurveyItem, item, day);
            if !(1..=4).contains(score) {
                errors.push(FieldError::new(
                    &field,
                    format!("score {score} is outside the 4-point scale (1 to 4)"),
                ));
            }
        }
        if answer.items.is_empty() && answer.would_recommend.is_none() {
            errors.push(FieldError::new(
                "items",
                "the answer has no item scored and no would_recommend: it says nothing",
            ));
        }
        errors
    }

    /// Every problem of an event.
    pub fn check_event(&self, event: &Event) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let day = event.start_date;
        self.site(&mut errors, &event.site, day);
        self.future(&mut errors, "start_date", day, "an event");
        if event.title.trim().is_empty() {
            errors.push(FieldError::new("title", "the event has no title"));
        }
        if event.end_date < event.start_date {
            errors.push(FieldError::new(
                "end_date",
                format!(
                    "ends on {}, before it starts on {}",
                    event.end_date, event.start_date
                ),
            ));
        }
        self.code(
            &mut errors,
            "event_type",
            Nomenclature::EventType,
            &event.event_type,
            day,
        );
        self.codes(
            &mut errors,
            "themes",
            Nomenclature::Theme,
            &event.themes,
            day,
        );
        self.codes(
            &mut errors,
            "partners",
            Nomenclature::Partner,
            &event.partners,
            day,
        );
        if let Some(respondents) = event.respondents
            && respondents > event.attendance
        {
            errors.push(FieldError::new(
                "respondents",
                format!(
                    "{respondents} respondents but only {} attended",
                    event.attendance
                ),
            ));
        }
        match (event.satisfied, event.respondents) {
            (Some(satisfied), Some(respondents)) if satisfied > respondents => {
                errors.push(FieldError::new(
                    "satisfied",
                    format!("{satisfied} satisfied but only {respondents} respondents"),
                ))
            }
            (Some(_), None) => errors.push(FieldError::new(
                "respondents",
                "a number satisfied needs the number of respondents",
            )),
            _ => {}
        }
        errors
    }

    fn site(&self, errors: &mut Vec<FieldError>, site: &str, _day: Date) {
        if !self.sites.contains(site) {
            errors.push(FieldError::new(
                "site",
                format!("`{site}` is not a site of the registry"),
            ));
        }
    }

    fn code(
        &self,
        errors: &mut Vec<FieldError>,
        field: &str,
        nomenclature: Nomenclature,
        code: &str,
        day: Date,
    ) {
        let Some(periods) = self.codes[nomenclature as usize].get(code) else {
            errors.push(FieldError::new(
                field,
                format!(
                    "`{code}` is not a code of the nomenclature `{}`",
                    nomenclature.id()
                ),
            ));
            return;
        };
        if periods.iter().any(|c| c.in_force(day)) {
            return;
        }
        let listed: Vec<String> = periods
            .iter()
            .map(|c| match c.until {
                Some(u) => format!("{} to {u}", c.from),
                None => format!("from {}", c.from),
            })
            .collect();
        errors.push(FieldError::new(
            field,
            format!(
                "code `{code}` of `{}` is not in force on {day} (in force {})",
                nomenclature.id(),
                listed.join(", ")
            ),
        ));
    }

    fn codes(
        &self,
        errors: &mut Vec<FieldError>,
        field: &str,
        nomenclature: Nomenclature,
        codes: &[String],
        day: Date,
    ) {
        for (i, code) in codes.iter().enumerate() {
            if codes[..i].contains(code) {
                errors.push(FieldError::new(field, format!("`{code}` is given twice")));
            } else {
                self.code(errors, field, nomenclature, code, day);
            }
        }
    }
}

fn visit_field_is_empty(visit: &Visit, field: &str) -> bool {
    match field {
        "reference" => visit.reference.is_none(),
        "visitor" => visit.visitor.is_none(),
        "contact_mode" => visit.contact_mode.is_empty(),
        "sex" => visit.sex.is_none(),
        "age_band" => visit.age_band.is_none(),
        "status" => visit.status.is_none(),
        "education_level" => visit.education_level.is_none(),
        "commune" => visit.commune.is_none(),
        "first_visit" => visit.first_visit.is_none(),
        "arrival_channel" => visit.arrival_channel.is_none(),
        "themes" => visit.themes.is_empty(),
        "services" => visit.services.is_empty(),
        "referrals" => visit.referrals.is_empty(),
        // Unknown names are refused when the ruleset is loaded, so nothing
        // else reaches this point.
        _ => false,
    }
}

/// The visit fields a ruleset may declare required.
pub const VISIT_FIELDS: &[&str] = &[
    "reference",
    "visitor",
    "contact_mode",
    "sex",
    "age_band",
    "status",
    "education_level",
    "commune",
    "first_visit",
    "arrival_channel",
    "themes",
    "services",
    "referrals",
];

/// Whether `code` is an INSEE commune code: five characters, whose first
/// two (three overseas) are a French département's.
pub fn is_insee_code(code: &str) -> bool {
    insee_code_problem(code).is_none()
}

/// Why `code` is not an INSEE commune code, if it is not one.
///
/// The shape is five characters, digits, or 2A/2B then three digits
/// (Corsica). The département part must be one that exists: 01 to 19 and
/// 21 to 95 in metropolitan France, 2A and 2B, and 971 to 976 overseas
/// (Guadeloupe, Martinique, Guyane, La Réunion, Saint-Pierre-et-Miquelon,
/// Mayotte), whose codes take three characters out of five. Anything
/// else (00, 20, 96, 977 and up, 99 for abroad) names no commune. A code
/// that passes may still be outside the region: only the registry's own
/// départements are checked commune by commune.
pub fn insee_code_problem(code: &str) -> Option<String> {
    let b = code.as_bytes();
    let shaped = b.len() == 5
        && (b[..2].iter().all(u8::is_ascii_digit) || b[..2] == *b"2A" || b[..2] == *b"2B")
        && b[2..].iter().all(u8::is_ascii_digit);
    if !shaped {
        return Some(format!(
            "`{code}` is not an INSEE commune code (five characters: digits, or 2A/2B then three digits)"
        ));
    }
    let departement = &code[..2];
    let valid = match departement {
        "2A" | "2B" => true,
        "97" => (b'1'..=b'6').contains(&b[2]),
        _ => matches!(departement.parse::<u8>(), Ok(1..=19 | 21..=95)),
    };
    if valid {
        return None;
    }
    let part = if departement == "97" {
        &code[..3]
    } else {
        departement
    };
    Some(format!(
        "`{code}` is not an INSEE commune code: `{part}` is not a French département (01 to 19, 21 to 95, 2A, 2B, or 971 to 976 overseas)"
    ))
}

/// An INSEE code's five bytes packed into an integer, the key of the
/// validator's table of communes; `None` for anything not five bytes long.
fn commune_key(code: &str) -> Option<u64> {
    let b: [u8; 5] = code.as_bytes().try_into().ok()?;
    Some(b.iter().fold(0u64, |k, byte| (k << 8) | u64::from(*byte)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn visit() -> Visit {
        Visit {
            site: "sedan".into(),
            date: date(2009, 3, 12),
            reference: None,
            visitor: Some("A-17".into()),
            contact_mode: "in_person".into(),
            sex: Some("female".into()),
            age_band: Some("18_25".into()),
            status: Some("job_seeker".into()),
            education_level: Some("level_4".into()),
            commune: Some("08409".into()),
            first_visit: Some(true),
            arrival_channel: Some("pole_emploi".into()),
            themes: vec!["employment.cv".into(), "training".into()],
            services: vec!["advice".into()],
            referrals: vec!["mission_locale".into()],
        }
    }

    fn check(v: &Visit) -> Vec<FieldError> {
        let ruleset = Ruleset::champagne_ardenne();
        let registry = Registry::champagne_ardenne();
        Validator::new(&ruleset, &registry).check_visit(v)
    }

    #[test]
    fn a_complete_visit_has_no_problem() {
        assert_eq!(check(&visit()), vec![]);
    }

    #[test]
    fn every_problem_of_a_visit_is_reported_at_once() {
        let mut v = visit();
        v.site = "paris".into();
        v.status = Some("astronaut".into());
        v.commune = Some("8409".into());
        v.themes = vec![];
        v.referrals = vec!["mission_locale".into(), "mission_locale".into()];
        let fields: Vec<String> = check(&v).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["site", "status", "referrals", "commune", "themes"]);
    }

    #[test]
    fn a_code_used_before_it_is_in_force_names_its_period() {
        let mut v = visit();
        v.date = date(2006, 12, 31);
        let errors = check(&v);
        let contact = errors.iter().find(|e| e.field == "contact_mode").unwrap();
        assert!(
            contact.reason.contains("from 2007-01-01"),
            "{}",
            contact.reason
        );
    }

    #[test]
    fn a_survey_score_off_the_four_point_scale_is_refused() {
        let ruleset = Ruleset::champagne_ardenne();
        let registry = Registry::champagne_ardenne();
        let answer = SurveyAnswer {
            site: "reims".into(),
            date: date(2009, 5, 4),
            reference: None,
            items: [("welcome".to_owned(), 5), ("colour".to_owned(), 3)].into(),
            would_recommend: Some(true),
        };
        let errors = Validator::new(&ruleset, &registry).check_survey_answer(&answer);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["items.colour", "items.welcome"]);
    }

    #[test]
    fn an_event_with_more_respondents_than_attendees_is_refused() {
        let ruleset = Ruleset::champagne_ardenne();
        let registry = Registry::champagne_ardenne();
        let event = Event {
            site: "troyes".into(),
            reference: Some("2009-07".into()),
            title: "Les métiers de l'uniforme".into(),
            start_date: date(2009, 5, 20),
            end_date: date(2009, 5, 19),
            event_type: "job_discovery".into(),
            themes: vec!["guidance.discovery".into()],
            partners: vec!["pole_emploi".into()],
            attendance: 40,
            respondents: Some(41),
            satisfied: Some(30),
        };
        let errors = Validator::new(&ruleset, &registry).check_event(&event);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["end_date", "respondents"]);
    }

    #[test]
    fn the_validator_tables_follow_the_required_nomenclatures() {
        let all = [
            Nomenclature::ContactMode,
            Nomenclature::Sex,
            Nomenclature::AgeBand,
            Nomenclature::Status,
            Nomenclature::EducationLevel,
            Nomenclature::ArrivalChannel,
            Nomenclature::Theme,
            Nomenclature::Service,
            Nomenclature::Partner,
            Nomenclature::SurveyItem,
            Nomenclature::EventType,
        ];
        let ids: Vec<&str> = all.iter().map(|n| n.id()).collect();
        assert_eq!(ids, REQUIRED_NOMENCLATURES);
        let expected = [
            "contact_mode",
            "sex",
            "age_band",
            "status",
            "education_level",
            "arrival_channel",
            "theme",
            "service",
            "partner",
            "survey_item",
            "event_type",
        ];
        assert_eq!(ids, expected);
    }

    #[test]
    fn a_visit_after_today_is_refused_on_its_date() {
        let ruleset = Ruleset::champagne_ardenne();
        let registry = Registry::champagne_ardenne();
        let validator = Validator::new(&ruleset, &registry).with_today(date(2009, 3, 11));
        let errors = validator.check_visit(&visit());
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, "date");
        assert_eq!(
            errors[0].reason,
            "2009-03-12 is after today (2009-03-11): a visit cannot be recorded before it happens"
        );
        // The day itself is not in the future.
        let validator = Validator::new(&ruleset, &registry).with_today(date(2009, 3, 12));
        assert_eq!(validator.check_visit(&visit()), vec![]);
        // Without a day given, no date is checked against the calendar.
        let mut far = visit();
        far.date = date(2099, 3, 12);
        let errors = Validator::new(&ruleset, &registry).check_visit(&far);
        assert!(
            errors
                .iter()
                .all(|e| e.field != "date" || !e.reason.contains("after today"))
        );
    }

    #[test]
    fn a_survey_answer_after_today_is_refused_on_its_date() {
        let ruleset = Ruleset::champagne_ardenne();
        let registry = Registry::champagne_ardenne();
        let answer = SurveyAnswer {
            site: "reims".into(),
            date: date(2009, 5, 4),
            reference: None,
            items: [("welcome".to_owned(), 4)].into(),
            would_recommend: Some(true),
        };
        let validator = Validator::new(&ruleset, &registry).with_today(date(2009, 5, 1));
        let fields: Vec<String> = validator
            .check_survey_answer(&answer)
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["date"]);
    }

    #[test]
    fn an_event_starting_after_today_is_refused_on_its_start_date() {
        let ruleset = Ruleset::champagne_ardenne();
        let registry = Registry::champagne_ardenne();
        let event = Event {
            site: "troyes".into(),
            reference: Some("2035-01".into()),
            title: "Les métiers de l'uniforme".into(),
            start_date: date(2035, 5, 20),
            end_date: date(2035, 5, 21),
            event_type: "job_discovery".into(),
            themes: vec!["guidance.discovery".into()],
            partners: vec!["pole_emploi".into()],
            attendance: 40,
            respondents: Some(30),
            satisfied: Some(20),
        };
        let validator = Validator::new(&ruleset, &registry).with_today(date(2026, 12, 4));
        let errors = validator.check_event(&event);
        let found: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.reason.as_str()))
            .collect();
        assert!(
            found.contains(&(
                "start_date",
                "2035-05-20 is after today (2026-12-04): an event cannot be recorded before it happens"
            )),
            "{found:?}"
        );
        // An event that started today and ends later is not in the future.
        let validator = Validator::new(&ruleset, &registry).with_today(date(2035, 5, 20));
        assert!(
            validator
                .check_event(&event)
                .iter()
                .all(|e| !e.reason.contains("after today")),
            "{:?}",
            validator.check_event(&event)
        );
    }

    #[test]
    fn a_commune_code_of_the_region_that_the_registry_does_not_list_is_refused() {
        let mut v = visit();
        // 08999 has the shape of an INSEE code of the Ardennes, but no
        // commune of the Ardennes has it (a typo of 08409, say).
        v.commune = Some("08999".into());
        let errors = check(&v);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, "commune");
        assert_eq!(
            errors[0].reason,
            "`08999` is not a commune of the registry, which lists every commune of the départements 08, 10, 51, 52"
        );
        // A visitor from outside the region (Paris) is counted, not refused:
        // the registry cannot tell a real commune elsewhere from a typo.
        v.commune = Some("75056".into());
        assert_eq!(check(&v), vec![]);
        // Every commune of the registry passes, whatever its département.
        let registry = Registry::champagne_ardenne();
        let ruleset = Ruleset::champagne_ardenne();
        let validator = Validator::new(&ruleset, &registry);
        for commune in &registry.communes {
            let mut v = visit();
            v.commune = Some(commune.code.clone());
            assert_eq!(validator.check_visit(&v), vec![], "{}", commune.code);
        }
    }

    #[test]
    fn a_commune_code_outside_every_french_departement_is_refused() {
        // Real communes elsewhere in France pass (Paris, Ajaccio, Bastia,
        // Pointe-à-Pitre, Saint-Pierre, Mamoudzou, Bourg-en-Bresse).
        for code in [
            "75056", "2A004", "2B033", "97120", "97502", "97611", "01053",
        ] {
            let mut v = visit();
            v.commune = Some(code.into());
            assert_eq!(check(&v), vec![], "{code}");
            assert!(is_insee_code(code), "{code}");
        }
        for (code, part) in [
            ("99999", "99"),
            ("00123", "00"),
            ("20004", "20"),
            ("96001", "96"),
            ("97701", "977"),
            ("97001", "970"),
            ("98735", "98"),
        ] {
            let mut v = visit();
            v.commune = Some(code.into());
            let errors = check(&v);
            assert_eq!(errors.len(), 1, "{code}: {errors:?}");
            assert_eq!(errors[0].field, "commune");
            assert_eq!(
                errors[0].reason,
                format!(
                    "`{code}` is not an INSEE commune code: `{part}` is not a French département (01 to 19, 21 to 95, 2A, 2B, or 971 to 976 overseas)"
                )
            );
            assert!(!is_insee_code(code));
        }
        let mut v = visit();
        v.commune = Some("2C004".into());
        assert!(check(&v)[0].reason.contains("five characters"));
    }

    #[test]
    fn commune_keys_tell_every_code_apart() {
        assert_eq!(commune_key("08105"), commune_key("08105"));
        assert_ne!(commune_key("08105"), commune_key("08150"));
        assert_ne!(commune_key("2A004"), commune_key("2B004"));
        assert_eq!(commune_key("0810"), None);
        assert_eq!(commune_key("081050"), None);
    }
}
