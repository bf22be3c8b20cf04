//! The three record kinds of the statistics schema v1.

use std::collections::BTreeMap;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The version of the records' schema; published schemas carry it.
pub const SCHEMA_VERSION: u32 = 1;

/// One contact of a person with a site's resource centre.
///
/// `visitor` is the pseudonymous identifier the site keeps for a person (a
/// card number, say), used only to count distinct visitors: it never leaves
/// the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Visit {
    /// The site's identifier in the registry, e.g. `sedan`.
    pub site: String,
    /// The day of the visit.
    pub date: Date,
    /// The site's own reference for this visit, if it keeps one; a second
    /// record with the same site and reference is the same visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Pseudonymous identifier of the visitor, to count distinct visitors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor: Option<String>,
    /// How the contact happened (nomenclature `contact_mode`).
    pub contact_mode: String,
    /// Nomenclature `sex`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<String>,
    /// Nomenclature `age_band`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_band: Option<String>,
    /// Nomenclature `status` (job seeker, employee, student…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Nomenclature `education_level`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub education_level: Option<String>,
    /// INSEE code of the commune of residence (five characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commune: Option<String>,
    /// Whether this is the person's first visit to the site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_visit: Option<bool>,
    /// How the person heard of the site (nomenclature `arrival_channel`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrival_channel: Option<String>,
    /// Themes of the person's needs (nomenclature `theme`; several).
    #[serde(default)]
    pub themes: Vec<String>,
    /// Services given (nomenclature `service`; several).
    #[serde(default)]
    pub services: Vec<String>,
    /// Partner organisations the person was referred to (nomenclature
    /// `partner`; several).
    #[serde(default)]
    pub referrals: Vec<String>,
}

/// One answer to the user satisfaction questionnaire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyAnswer {
    /// The site's identifier in the registry.
    pub site: String,
    /// The day of the answer.
    pub date: Date,
    /// The site's own reference for this answer, if it keeps one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Item code (nomenclature `survey_item`) → score from 1 (not at all
    /// satisfied) to 4 (very satisfied); an item left blank is absent.
    #[serde(default)]
    pub items: BTreeMap<String, u8>,
    /// Whether the person would recommend the site, if they answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub would_recommend: Option<bool>,
}

/// One event (*animation*) organised by a site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// The site's identifier in the registry.
    pub site: String,
    /// The site's own reference for this event, if it keeps one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Title of the event.
    pub title: String,
    /// First day.
    pub start_date: Date,
    /// Last day (inclusive); the same as `start_date` for a one-day event.
    pub end_date: Date,
    /// Nomenclature `event_type`.
    pub event_type: String,
    /// Themes (nomenclature `theme`; several).
    #[serde(default)]
    pub themes: Vec<String>,
    /// Partner organisations (nomenclature `partner`; several).
    #[serde(default)]
    pub partners: Vec<String>,
    /// Number of people who attended.
    pub attendance: u32,
    /// Number of attendees who answered the satisfaction question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respondents: Option<u32>,
    /// Number of respondents satisfied or very satisfied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfied: Option<u32>,
}

/// Which kind of record a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// Resource-centre visits.
    Visit,
    /// Satisfaction survey answers.
    SurveyAnswer,
    /// Events.
    Event,
}

impl RecordKind {
    /// Every kind, in the order reports show them.
    pub const ALL: [RecordKind; 3] = [
        RecordKind::Visit,
        RecordKind::SurveyAnswer,
        RecordKind::Event,
    ];

    /// The snake_case name used in files, SQL and the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Visit => "visit",
            RecordKind::SurveyAnswer => "survey_answer",
            RecordKind::Event => "event",
        }
    }
}

impl std::str::FromStr for RecordKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RecordKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                format!("unknown record kind `{s}` (expected visit, survey_answer or event)")
            })
    }
}

/// A record of any kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    /// A visit.
    Visit(Visit),
    /// A survey answer.
    SurveyAnswer(SurveyAnswer),
    /// An event.
    Event(Event),
}

impl Record {
    /// The record's kind.
    pub fn kind(&self) -> RecordKind {
        match self {
            Record::Visit(_) => RecordKind::Visit,
            Record::SurveyAnswer(_) => RecordKind::SurveyAnswer,
            Record::Event(_) => RecordKind::Event,
        }
    }

    /// The site the record belongs to.
    pub fn site(&self) -> &str {
        match self {
            Record::Visit(v) => &v.site,
            Record::SurveyAnswer(s) => &s.site,
            Record::Event(e) => &e.site,
        }
    }
}
