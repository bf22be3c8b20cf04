//! The column mapping: which spreadsheet header is which field of a record,
//! and which written value is which code.
//!
//! A mapping is a TOML file (the shipped one is
//! `mappings/default-fr.toml`); [`Mapping::compile`] checks it against the
//! ruleset and the registry and builds the look-up tables an import uses.
//! Headers and values are compared through [`crate::text::normalize`], so
//! case, accents, spaces and punctuation do not matter.

use std::collections::{BTreeMap, HashSet};

/// Look-up tables hashed with foldhash: they are read for every cell of
/// every row, and SipHash's protection against chosen keys buys nothing
/// for tables built from the mapping and the ruleset.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

use em_core::ruleset::{RulesetError, parse_section};
use em_core::statistics::RecordKind;
use em_core::{Registry, Ruleset};
use serde::Deserialize;

use crate::text::{normalize, normalize_into};

/// The shipped mapping for French spreadsheets.
pub const DEFAULT_FR: &str = include_str!("../mappings/default-fr.toml");

/// Why a mapping cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    /// The file is not a mapping (syntax, unknown key, wrong type).
    #[error(transparent)]
    Parse(#[from] RulesetError),
    /// The file parses but says something impossible; every problem listed.
    #[error("mapping `{file}` has {} problem(s):\n{}", problems.len(), problems.join("\n"))]
    Invalid {
        /// The mapping's file name.
        file: String,
        /// One sentence per problem, each naming its key.
        problems: Vec<String>,
    },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    list_separator: String,
    accept_ruleset_labels: bool,
    booleans: Booleans,
    #[serde(default)]
    scores: BTreeMap<String, u8>,
    #[serde(default)]
    visit: KindColumns,
    #[serde(default)]
    survey_answer: KindColumns,
    #[serde(default)]
    event: KindColumns,
    #[serde(default)]
    values: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    sites: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Booleans {
    yes: Vec<String>,
    no: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct KindColumns {
    #[serde(default)]
    columns: BTreeMap<String, Vec<String>>,
}

/// A column mapping as written, before it is checked.
#[derive(Debug, Clone)]
pub struct Mapping {
    name: String,
    file: MappingFile,
}

impl Mapping {
    /// The shipped mapping for French spreadsheets.
    pub fn default_fr() -> Mapping {
        // The shipped file is checked by this crate's tests.
        Mapping::from_toml("default-fr.toml", DEFAULT_FR).expect("the shipped mapping parses")
    }

    /// Reads a mapping from its TOML text; `name` is used in messages.
    pub fn from_toml(name: &str, text: &str) -> Result<Mapping, MappingError> {
        Ok(Mapping {
            name: name.to_owned(),
            file: parse_section(name, text)?,
        })
    }

    /// Checks the mapping against the ruleset and the registry and builds
    /// its look-up tables; every problem is reported at once.
    pub fn compile(
        &self,
        ruleset: &Ruleset,
        registry: &Registry,
    ) -> Result<Compiled, MappingError> {
        let mut problems = Vec::new();
        let f = &self.file;
        let mut separator = f.list_separator.chars();
        let list_separator = match (separator.next(), separator.next()) {
            (Some(c), None) if c != '\n' && c != '"' => c,
            _ => {
                problems.push(format!(
                    "list_separator: `{}` must be one character (not a quote or a newline)",
                    f.list_separator
                ));
                '|'
            }
        };
        let stats = &ruleset.statistics;
        let items: Vec<String> = stats
            .nomenclature("survey_item")
            .map(|n| n.codes.iter().map(|c| c.code.clone()))
            .into_iter()
            .flatten()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();

        let mut headers: [HashMap<String, Field>; 3] = Default::default();
        for kind in RecordKind::ALL {
            let table = &mut headers[kind_index(kind)];
            let columns = match kind {
                RecordKind::Visit => &f.visit,
                RecordKind::SurveyAnswer => &f.survey_answer,
                RecordKind::Event => &f.event,
            };
            let mut add = |header: &str, field: Field, key: &str, problems: &mut Vec<String>| {
                let norm = normalize(header);
                if norm.is_empty() {
                    problems.push(format!("{key}: header `{header}` has no letter or digit"));
                    return;
                }
                match table.get(&norm) {
                    Some(other) if *other != field => problems.push(format!(
                        "{key}: header `{header}` is also the header of `{}`",
                        other.name(&items)
                    )),
                    _ => {
                        table.insert(norm, field);
                    }
                }
            };
            // A field's own name is always its header, and so are an item's
            // code and French labels.
            for field in Field::of_kind(kind, items.len()) {
                add(&field.name(&items), field, "(built in)", &mut problems);
                if let Field::Item(i) = field {
                    add(&items[i], field, "(built in)", &mut problems);
                    if let Some(n) = stats.nomenclature("survey_item") {
                        for code in n.codes.iter().filter(|c| c.code == items[i]) {
                            add(&code.label, field, "(ruleset label)", &mut problems);
                        }
                    }
                }
            }
            for (name, names) in &columns.columns {
                let key = format!("{}.columns.{name}", kind.as_str());
                match Field::parse(kind, name, &items) {
                    Some(field) => {
                        for header in names {
                            add(header, field, &key, &mut problems);
                        }
                    }
                    None => problems.push(format!(
                        "{key}: `{name}` is not a field of a {} record",
                        kind.as_str()
                    )),
                }
            }
        }

        let mut values = Vec::new();
        for nomenclature in CODED {
            let mut map = ValueMap::default();
            let Some(n) = stats.nomenclature(nomenclature) else {
                problems.push(format!("the ruleset has no nomenclature `{nomenclature}`"));
                continue;
            };
            for code in &n.codes {
                map.add(
                    &code.code,
                    &code.code,
                    nomenclature,
                    "(code)",
                    &mut problems,
                );
                if f.accept_ruleset_labels {
                    map.add(
                        &code.label,
                        &code.code,
                        nomenclature,
                        "(ruleset label)",
                        &mut problems,
                    );
                    if !map.labels.contains(&code.label) {
                        map.labels.push(code.label.clone());
                    }
                } else if !map.labels.contains(&code.code) {
                    map.labels.push(code.code.clone());
                }
            }
            if let Some(extra) = f.values.get(*nomenclature) {
                for (written, code) in extra {
                    let key = format!("values.{nomenclature}.\"{written}\"");
                    if n.codes.iter().any(|c| &c.code == code) {
                        map.add(written, code, nomenclature, &key, &mut problems);
                    } else {
                        problems.push(format!(
                            "{key}: `{code}` is not a code of the nomenclature `{nomenclature}`"
                        ));
                    }
                }
            }
            values.push(map);
        }
        for nomenclature in f.values.keys() {
            if !CODED.contains(&nomenclature.as_str()) {
                problems.push(format!(
                    "values.{nomenclature}: not a nomenclature of a coded field ({})",
                    CODED.join(", ")
                ));
            }
        }

        let mut sites = HashMap::default();
        for site in &registry.sites {
            sites.insert(site.id.clone(), site.id.clone());
            sites.insert(normalize(&site.id), site.id.clone());
            sites.insert(normalize(&site.name), site.id.clone());
        }
        for (name, id) in &f.sites {
            if registry.site(id).is_none() {
                problems.push(format!(
                    "sites.\"{name}\": `{id}` is not a site of the registry"
                ));
            } else {
                sites.insert(normalize(name), id.clone());
            }
        }

        let yes: HashSet<String> = f.booleans.yes.iter().map(|w| normalize(w)).collect();
        let no: HashSet<String> = f.booleans.no.iter().map(|w| normalize(w)).collect();
        for word in yes.intersection(&no) {
            problems.push(format!("booleans: `{word}` is both yes and no"));
        }
        let mut scores = HashMap::default();
        for (word, score) in &f.scores {
            if !(1..=4).contains(score) {
                problems.push(format!(
                    "scores.\"{word}\": {score} is outside the 4-point scale"
                ));
            }
            scores.insert(normalize(word), *score);
        }

        if problems.is_empty() {
            Ok(Compiled {
                headers,
                values,
                sites,
                yes,
                no,
                scores,
                items,
                list_separator,
            })
        } else {
            Err(MappingError::Invalid {
                file: self.name.clone(),
                problems,
            })
        }
    }
}

/// The nomenclatures of coded fields whose values a mapping translates.
const CODED: &[&str] = &[
    "contact_mode",
    "sex",
    "age_band",
    "status",
    "education_level",
    "arrival_channel",
    "theme",
    "service",
    "partner",
    "event_type",
];

/// Written value → code, for one nomenclature.
#[derive(Debug, Default)]
pub(crate) struct ValueMap {
    exact: HashMap<String, String>,
    normalized: HashMap<String, String>,
    /// What a person may write, for the message of a refused value.
    pub(crate) labels: Vec<String>,
}

impl ValueMap {
    fn add(
        &mut self,
        written: &str,
        code: &str,
        nomenclature: &str,
        key: &str,
        problems: &mut Vec<String>,
    ) {
        self.exact.insert(written.to_owned(), code.to_owned());
        let norm = normalize(written);
        match self.normalized.get(&norm) {
            Some(other) if other != code => problems.push(format!(
                "{key}: `{written}` of `{nomenclature}` would mean both `{other}` and `{code}`"
            )),
            _ => {
                self.normalized.insert(norm, code.to_owned());
            }
        }
    }

    /// The code `written` stands for, if any.
    pub(crate) fn code<'m>(&'m self, written: &str, buf: &mut String) -> Option<&'m str> {
        if let Some(code) = self.exact.get(written) {
            return Some(code);
        }
        normalize_into(buf, written);
        self.normalized.get(buf.as_str()).map(String::as_str)
    }
}

/// A checked mapping with its look-up tables, ready for imports.
#[derive(Debug)]
pub struct Compiled {
    headers: [HashMap<String, Field>; 3],
    /// One table per nomenclature of [`CODED`], in its order.
    values: Vec<ValueMap>,
    sites: HashMap<String, String>,
    yes: HashSet<String>,
    no: HashSet<String>,
    scores: HashMap<String, u8>,
    pub(crate) items: Vec<String>,
    pub(crate) list_separator: char,
}

impl Compiled {
    /// The field of a record of `kind` that a column headed `header` holds.
    pub(crate) fn field(&self, kind: RecordKind, header: &str) -> Option<Field> {
        self.headers[kind_index(kind)]
            .get(&normalize(header))
            .copied()
    }

    /// The nomenclature and the table of a coded field (`None` for the
    /// others): found by the field's position, since it is asked for every
    /// coded cell of every row.
    pub(crate) fn values_of(&self, field: Field) -> Option<(&'static str, &ValueMap)> {
        let i = field.coded_index()?;
        Some((CODED[i], &self.values[i]))
    }

    /// The table of the nomenclature `nomenclature` (one of [`CODED`]).
    #[cfg(test)]
    pub(crate) fn values(&self, nomenclature: &str) -> &ValueMap {
        // Every nomenclature of CODED is compiled or the mapping is refused,
        // and callers only name those, so a miss is a defect of this crate.
        let i = CODED
            .iter()
            .position(|n| *n == nomenclature)
            .expect("a coded nomenclature");
        &self.values[i]
    }

    pub(crate) fn site<'m>(&'m self, written: &str, buf: &mut String) -> Option<&'m str> {
        if let Some(id) = self.sites.get(written) {
            return Some(id);
        }
        normalize_into(buf, written);
        self.sites.get(buf.as_str()).map(String::as_str)
    }

    pub(crate) fn boolean(&self, written: &str, buf: &mut String) -> Option<bool> {
        normalize_into(buf, written);
        if self.yes.contains(buf.as_str()) {
            Some(true)
        } else if self.no.contains(buf.as_str()) {
            Some(false)
        } else {
            None
        }
    }

    pub(crate) fn score(&self, written: &str, buf: &mut String) -> Option<u8> {
        normalize_into(buf, written);
        self.scores.get(buf.as_str()).copied()
    }
}

fn kind_index(kind: RecordKind) -> usize {
    match kind {
        RecordKind::Visit => 0,
        RecordKind::SurveyAnswer => 1,
        RecordKind::Event => 2,
    }
}

/// A field of a record that a column can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Field {
    Site,
    Date,
    Reference,
    Visitor,
    ContactMode,
    Sex,
    AgeBand,
    Status,
    EducationLevel,
    Commune,
    FirstVisit,
    ArrivalChannel,
    Themes,
    Services,
    Referrals,
    /// A survey item, by its index in [`Compiled::items`].
    Item(usize),
    WouldRecommend,
    Title,
    StartDate,
    EndDate,
    EventType,
    Partners,
    Attendance,
    Respondents,
    Satisfied,
}

const VISIT_FIELDS: &[Field] = &[
    Field::Site,
    Field::Date,
    Field::Reference,
    Field::Visitor,
    Field::ContactMode,
    Field::Sex,
    Field::AgeBand,
    Field::Status,
    Field::EducationLevel,
    Field::Commune,
    Field::FirstVisit,
    Field::ArrivalChannel,
    Field::Themes,
    Field::Services,
    Field::Referrals,
];
const SURVEY_FIELDS: &[Field] = &[
    Field::Site,
    Field::Date,
    Field::Reference,
    Field::WouldRecommend,
];
const EVENT_FIELDS: &[Field] = &[
    Field::Site,
    Field::Reference,
    Field::Title,
    Field::StartDate,
    Field::EndDate,
    Field::EventType,
    Field::Themes,
    Field::Partners,
    Field::Attendance,
    Field::Respondents,
    Field::Satisfied,
];

impl Field {
    /// Every field of a record of `kind`.
    pub(crate) fn of_kind(kind: RecordKind, items: usize) -> Vec<Field> {
        match kind {
            RecordKind::Visit => VISIT_FIELDS.to_vec(),
            RecordKind::SurveyAnswer => SURVEY_FIELDS
                .iter()
                .copied()
                .chain((0..items).map(Field::Item))
                .collect(),
            RecordKind::Event => EVENT_FIELDS.to_vec(),
        }
    }

    fn parse(kind: RecordKind, name: &str, items: &[String]) -> Option<Field> {
        Field::of_kind(kind, items.len())
            .into_iter()
            .find(|f| f.name(items) == name)
    }

    /// The field's name in the statistics schema (`items.welcome` for an
    /// item), as the validator names it.
    pub(crate) fn name(self, items: &[String]) -> String {
        match self {
            Field::Item(i) => format!("items.{}", items[i]),
            other => other.static_name().to_owned(),
        }
    }

    fn static_name(self) -> &'static str {
        match self {
            Field::Site => "site",
            Field::Date => "date",
            Field::Reference => "reference",
            Field::Visitor => "visitor",
            Field::ContactMode => "contact_mode",
            Field::Sex => "sex",
            Field::AgeBand => "age_band",
            Field::Status => "status",
            Field::EducationLevel => "education_level",
            Field::Commune => "commune",
            Field::FirstVisit => "first_visit",
            Field::ArrivalChannel => "arrival_channel",
            Field::Themes => "themes",
            Field::Services => "services",
            Field::Referrals => "referrals",
            Field::Item(_) => "items",
            Field::WouldRecommend => "would_recommend",
            Field::Title => "title",
            Field::StartDate => "start_date",
            Field::EndDate => "end_date",
            Field::EventType => "event_type",
            Field::Partners => "partners",
            Field::Attendance => "attendance",
            Field::Respondents => "respondents",
            Field::Satisfied => "satisfied",
        }
    }

    /// The position in [`CODED`] of the nomenclature a coded field takes
    /// its values from.
    fn coded_index(self) -> Option<usize> {
        Some(match self {
            Field::ContactMode => 0,
            Field::Sex => 1,
            Field::AgeBand => 2,
            Field::Status => 3,
            Field::EducationLevel => 4,
            Field::ArrivalChannel => 5,
            Field::Themes => 6,
            Field::Services => 7,
            Field::Referrals | Field::Partners => 8,
            Field::EventType => 9,
            _ => return None,
        })
    }

    /// The nomenclature a coded field takes its values from.
    #[cfg(test)]
    pub(crate) fn nomenclature(self) -> Option<&'static str> {
        Some(match self {
            Field::ContactMode => "contact_mode",
            Field::Sex => "sex",
            Field::AgeBand => "age_band",
            Field::Status => "status",
            Field::EducationLevel => "education_level",
            Field::ArrivalChannel => "arrival_channel",
            Field::Themes => "theme",
            Field::Services => "service",
            Field::Referrals | Field::Partners => "partner",
            Field::EventType => "event_type",
            _ => return None,
        })
    }

    /// Whether the field identifies the kind of record a file holds. The
    /// fields several kinds have do not (an event's start date is headed
    /// "Date" like a visit's day).
    pub(crate) fn is_distinctive(self) -> bool {
        !matches!(
            self,
            Field::Site | Field::Reference | Field::Date | Field::StartDate | Field::Themes
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_coded_field_finds_the_table_of_its_own_nomenclature() {
        let coded = [
            Field::ContactMode,
            Field::Sex,
            Field::AgeBand,
            Field::Status,
            Field::EducationLevel,
            Field::ArrivalChannel,
            Field::Themes,
            Field::Services,
            Field::Referrals,
            Field::Partners,
            Field::EventType,
        ];
        for field in coded {
            let i = field.coded_index().unwrap();
            assert_eq!(Some(CODED[i]), field.nomenclature(), "{field:?}");
        }
        for field in [Field::Site, Field::Commune, Field::Item(0), Field::Date] {
            assert_eq!(field.coded_index(), None);
            assert_eq!(field.nomenclature(), None);
        }
    }

    #[test]
    fn the_shipped_mapping_compiles_against_the_shipped_rules() {
        let compiled = Mapping::default_fr()
            .compile(
                &Ruleset::champagne_ardenne(),
                &Registry::champagne_ardenne(),
            )
            .unwrap();
        let mut buf = String::new();
        let status = compiled.values("status");
        assert_eq!(
            status.code("Demandeur d'emploi", &mut buf),
            Some("job_seeker")
        );
        assert_eq!(
            status.code("demandeur d’emploi", &mut buf),
            Some("job_seeker")
        );
        assert_eq!(status.code("job_seeker", &mut buf), Some("job_seeker"));
        assert_eq!(status.code("Chômeur", &mut buf), Some("job_seeker"));
        assert_eq!(status.code("astronaute", &mut buf), None);
        assert_eq!(
            compiled.field(RecordKind::Visit, "TRANCHE D'AGE"),
            Some(Field::AgeBand)
        );
        assert_eq!(
            compiled.field(RecordKind::SurveyAnswer, "Qualité de l'accueil"),
            compiled.field(RecordKind::SurveyAnswer, "items.welcome"),
        );
        assert_eq!(
            compiled.site("Charleville-Mézières", &mut buf),
            Some("charleville-mezieres")
        );
    }

    #[test]
    fn every_label_of_the_ruleset_is_accepted_as_a_value() {
        let ruleset = Ruleset::champagne_ardenne();
        let compiled = Mapping::default_fr()
            .compile(&ruleset, &Registry::champagne_ardenne())
            .unwrap();
        let mut buf = String::new();
        for nomenclature in CODED {
            let n = ruleset.statistics.nomenclature(nomenclature).unwrap();
            for code in &n.codes {
                let values = compiled.values(nomenclature);
                assert_eq!(values.code(&code.label, &mut buf), Some(code.code.as_str()));
                assert_eq!(values.code(&code.code, &mut buf), Some(code.code.as_str()));
            }
        }
    }

    #[test]
    fn a_mapping_with_impossible_entries_lists_every_one() {
        let text = DEFAULT_FR
            .replace("\"DE\" = \"job_seeker\"", "\"DE\" = \"astronaut\"")
            .replace(
                "sex = [\"Sexe\", \"Genre\"]",
                "sexe = [\"Sexe\"]\nsex = [\"Statut\"]",
            )
            .replace("list_separator = \"|\"", "list_separator = \"||\"");
        let err = Mapping::from_toml("bad.toml", &text)
            .unwrap()
            .compile(
                &Ruleset::champagne_ardenne(),
                &Registry::champagne_ardenne(),
            )
            .unwrap_err();
        let MappingError::Invalid { problems, .. } = err else {
            panic!("{err}")
        };
        let all = problems.join("\n");
        assert!(all.contains("values.status.\"DE\": `astronaut`"), "{all}");
        assert!(all.contains("visit.columns.sexe"), "{all}");
        assert!(
            all.contains("header `Statut` is also the header of"),
            "{all}"
        );
        assert!(all.contains("list_separator"), "{all}");
    }

    #[test]
    fn a_mapping_with_an_unknown_key_names_it_with_its_line() {
        let err =
            Mapping::from_toml("bad.toml", "list_separator = \"|\"\nseparator = 1\n").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("bad.toml") && text.contains("separator"),
            "{text}"
        );
    }
}
