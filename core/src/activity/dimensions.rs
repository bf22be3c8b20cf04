//! The dimensions a visit is counted by, and their categories interned to
//! small integers so that counting a visit is a few array increments.
//!
//! Every dimension lists, in display order, the codes its nomenclature has in
//! force at some day of the year (so a code in force all year but never used
//! still gets its zero row), then "non renseigné" for a field left blank, then
//! "code hors nomenclature" for a code the ruleset does not know — which the
//! import refuses, so it stays at zero unless records bypassed the checks.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use jiff::civil::Date;
use serde::Serialize;

use super::ActivityError;
use crate::registry::Registry;
use crate::ruleset::Ruleset;

/// The dimensions of a visit, with their stable identifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DimensionId {
    /// How the contact happened.
    ContactMode,
    /// Sex.
    Sex,
    /// Age band.
    AgeBand,
    /// Status (job seeker, employee…).
    Status,
    /// Education level.
    EducationLevel,
    /// First visit to the site or not.
    FirstVisit,
    /// How the person heard of the site.
    ArrivalChannel,
    /// Département of residence, or outside the region.
    Residence,
    /// Themes and sub-themes of the needs (several).
    Theme,
    /// Themes rolled up to their top-level theme (guidance, training,
    /// employment) (several).
    ThemeGroup,
    /// Services given (several).
    Service,
    /// Partners the person was referred to (several).
    Referral,
}

impl DimensionId {
    /// Dimensions with one value per visit, in the order of [`Self::ALL`].
    pub const SINGLE: [DimensionId; 8] = [
        DimensionId::ContactMode,
        DimensionId::Sex,
        DimensionId::AgeBand,
        DimensionId::Status,
        DimensionId::EducationLevel,
        DimensionId::FirstVisit,
        DimensionId::ArrivalChannel,
        DimensionId::Residence,
    ];

    /// Dimensions with several values per visit.
    pub const MULTIPLE: [DimensionId; 4] = [
        DimensionId::Theme,
        DimensionId::ThemeGroup,
        DimensionId::Service,
        DimensionId::Referral,
    ];

    /// Every dimension, single-valued first; [`Aggregates::dimensions`]
    /// follows this order.
    ///
    /// [`Aggregates::dimensions`]: super::Aggregates::dimensions
    pub const ALL: [DimensionId; 12] = [
        DimensionId::ContactMode,
        DimensionId::Sex,
        DimensionId::AgeBand,
        DimensionId::Status,
        DimensionId::EducationLevel,
        DimensionId::FirstVisit,
        DimensionId::ArrivalChannel,
        DimensionId::Residence,
        DimensionId::Theme,
        DimensionId::ThemeGroup,
        DimensionId::Service,
        DimensionId::Referral,
    ];

    /// The snake_case identifier used in table identifiers and files.
    pub fn as_str(self) -> &'static str {
        match self {
            DimensionId::ContactMode => "contact_mode",
            DimensionId::Sex => "sex",
            DimensionId::AgeBand => "age_band",
            DimensionId::Status => "status",
            DimensionId::EducationLevel => "education_level",
            DimensionId::FirstVisit => "first_visit",
            DimensionId::ArrivalChannel => "arrival_channel",
            DimensionId::Residence => "residence",
            DimensionId::Theme => "theme",
            DimensionId::ThemeGroup => "theme_group",
            DimensionId::Service => "service",
            DimensionId::Referral => "referral",
        }
    }

    /// Whether a visit may give several values.
    pub fn is_multiple(self) -> bool {
        Self::MULTIPLE.contains(&self)
    }

    /// The nomenclature the codes come from, if any.
    fn nomenclature(self) -> Option<&'static str> {
        match self {
            DimensionId::ContactMode => Some("contact_mode"),
            DimensionId::Sex => Some("sex"),
            DimensionId::AgeBand => Some("age_band"),
            DimensionId::Status => Some("status"),
            DimensionId::EducationLevel => Some("education_level"),
            DimensionId::ArrivalChannel => Some("arrival_channel"),
            DimensionId::Theme | DimensionId::ThemeGroup => Some("theme"),
            DimensionId::Service => Some("service"),
            DimensionId::Referral => Some("partner"),
            DimensionId::FirstVisit | DimensionId::Residence => None,
        }
    }

    /// The French title of the dimension in reports.
    pub fn title(self) -> &'static str {
        match self {
            DimensionId::ContactMode => "Mode de contact",
            DimensionId::Sex => "Sexe",
            DimensionId::AgeBand => "Tranche d'âge",
            DimensionId::Status => "Statut",
            DimensionId::EducationLevel => "Niveau de formation",
            DimensionId::FirstVisit => "Première visite",
            DimensionId::ArrivalChannel => "Comment la personne a connu l'Espace métiers",
            DimensionId::Residence => "Lieu de résidence",
            DimensionId::Theme => "Thèmes et sous-thèmes de la demande",
            DimensionId::ThemeGroup => "Grands thèmes de la demande",
            DimensionId::Service => "Services rendus",
            DimensionId::Referral => "Orientation vers un partenaire",
        }
    }
}

/// What a category stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CategoryKind {
    /// A code of the nomenclature (or a département of residence).
    Code,
    /// Residence outside the region's départements.
    OutsideRegion,
    /// The field was left blank (*non renseigné*).
    NotGiven,
    /// A code the nomenclature does not have in force that year.
    Unrecognised,
}

/// One category of a dimension: one row of its tables.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Category {
    /// The code the category stands for, if it stands for one.
    pub code: Option<String>,
    /// French label.
    pub label: String,
    /// For a sub-code, the code it belongs to.
    pub parent: Option<String>,
    /// What the category stands for.
    pub kind: CategoryKind,
}

impl Category {
    fn code(code: &str, label: &str, parent: Option<&str>) -> Category {
        Category {
            code: Some(code.to_owned()),
            label: label.to_owned(),
            parent: parent.map(str::to_owned),
            kind: CategoryKind::Code,
        }
    }

    fn special(kind: CategoryKind, label: &str) -> Category {
        Category {
            code: None,
            label: label.to_owned(),
            parent: None,
            kind,
        }
    }
}

/// A dimension with its categories, in display order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dimension {
    /// Which dimension.
    pub id: DimensionId,
    /// Whether a visit may give several values (percentages are then over
    /// respondents and add up to more than 100 %).
    pub multiple: bool,
    /// The categories: codes in force, then "non renseigné", then "code hors
    /// nomenclature".
    pub categories: Vec<Category>,
}

impl Dimension {
    /// The index of the "non renseigné" category.
    pub fn not_given(&self) -> usize {
        self.categories.len() - 2
    }

    /// The index of the "code hors nomenclature" category.
    pub fn unrecognised(&self) -> usize {
        self.categories.len() - 1
    }
}

/// The label of a blank field.
pub(crate) const NOT_GIVEN: &str = "Non renseigné";
const UNRECOGNISED: &str = "Code hors nomenclature";

/// Multi-valued codes are kept as bits of a `u64`; the top bit stands for an
/// unrecognised code.
pub(crate) const MULTI_LIMIT: usize = 63;
/// Single-valued categories are kept in a `u8`, with two reserved values.
const SINGLE_LIMIT: usize = 250;

/// The dimensions of one year, and the tables that turn codes into indices.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub dimensions: Vec<Dimension>,
    /// Where each dimension's categories start in a flat count array.
    pub offsets: Vec<usize>,
    /// Length of the flat count array.
    pub width: usize,
    /// Code → index, per dimension (the theme group shares the theme's).
    pub indices: Vec<CodeIndex>,
    /// For each theme bit, the bit of its top-level theme in the theme group.
    pub theme_group_bit: [u64; 64],
    /// Commune code (packed) → index of its département in the residence
    /// dimension.
    pub communes: HashMap<u64, u8, BuildHasherDefault<MixHasher>>,
    /// The survey items and the event types, with their indices.
    pub survey_items: Vec<Category>,
    pub survey_index: CodeIndex,
    pub event_types: Vec<Category>,
    pub event_index: CodeIndex,
}

impl Layout {
    pub fn new(registry: &Registry, ruleset: &Ruleset, year: i16) -> Result<Layout, ActivityError> {
        let (start, end) = year_bounds(year)?;
        let stats = &ruleset.statistics;
        let codes_of = |nomenclature: &str| {
            if stats.nomenclature(nomenclature).is_none() {
                return Err(ActivityError::MissingNomenclature(nomenclature.to_owned()));
            }
            Ok(stats.codes_between(nomenclature, start, end))
        };
        let check_size = |nomenclature: &str, codes: usize, limit: usize| {
            if codes > limit {
                Err(ActivityError::TooManyCodes {
                    nomenclature: nomenclature.to_owned(),
                    year,
                    codes,
                    limit,
                })
            } else {
                Ok(())
            }
        };

        let mut dimensions = Vec::new();
        let mut indices = Vec::new();
        let mut theme_group_bit = [0u64; 64];
        for id in DimensionId::ALL {
            let limit = if id.is_multiple() {
                MULTI_LIMIT
            } else {
                SINGLE_LIMIT
            };
            let mut categories: Vec<Category> = match (id, id.nomenclature()) {
                (DimensionId::FirstVisit, _) => vec![
                    Category::code("yes", "Première visite", None),
                    Category::code("no", "Déjà venu(e)", None),
                ],
                (DimensionId::Residence, _) => {
                    let mut categories: Vec<Category> = registry
                        .departements
                        .iter()
                        .map(|d| Category::code(&d.code, &format!("{} ({})", d.name, d.code), None))
                        .collect();
                    categories.push(Category {
                        code: Some("outside_region".to_owned()),
                        label: "Hors région".to_owned(),
                        parent: None,
                        kind: CategoryKind::OutsideRegion,
                    });
                    categories
                }
                (DimensionId::ThemeGroup, Some(nomenclature)) => codes_of(nomenclature)?
                    .into_iter()
                    .filter(|c| c.parent.is_none())
                    .map(|c| Category::code(&c.code, &c.label, None))
                    .collect(),
                (_, Some(nomenclature)) => codes_of(nomenclature)?
                    .into_iter()
                    .map(|c| Category::code(&c.code, &c.label, c.parent.as_deref()))
                    .collect(),
                (_, None) => unreachable!("every other dimension has a nomenclature"),
            };
            check_size(
                id.nomenclature().unwrap_or(id.as_str()),
                categories.len(),
                limit,
            )?;
            let index = CodeIndex::new(categories.iter().filter_map(|c| c.code.as_deref()));
            categories.push(Category::special(CategoryKind::NotGiven, NOT_GIVEN));
            categories.push(Category::special(CategoryKind::Unrecognised, UNRECOGNISED));
            dimensions.push(Dimension {
                id,
                multiple: id.is_multiple(),
                categories,
            });
            indices.push(index);
        }

        // Roll each theme up to its top-level ancestor: a visit about VAE is
        // also a visit about guidance, counted once however many guidance
        // sub-themes it names.
        let theme = &dimensions[position(DimensionId::Theme)];
        let group_index = &indices[position(DimensionId::ThemeGroup)];
        for (bit, category) in theme.categories.iter().enumerate() {
            let Some(mut code) = category.code.clone() else {
                continue;
            };
            let mut guard = 0;
            while let Some(parent) = theme
                .categories
                .iter()
                .find(|c| c.code.as_deref() == Some(&code))
                .and_then(|c| c.parent.clone())
                && guard < 16
            {
                code = parent;
                guard += 1;
            }
            theme_group_bit[bit] = match group_index.get(code.as_bytes()) {
                Some(group) => 1 << group,
                // A sub-theme whose top-level theme is not in force that
                // year is counted as an unrecognised group.
                None => 1 << MULTI_LIMIT,
            };
        }
        theme_group_bit[MULTI_LIMIT] = 1 << MULTI_LIMIT;

        let mut offsets = Vec::with_capacity(dimensions.len());
        let mut width = 0;
        for dimension in &dimensions {
            offsets.push(width);
            width += dimension.categories.len();
        }

        let residence = &dimensions[position(DimensionId::Residence)];
        let mut communes = HashMap::default();
        for commune in &registry.communes {
            if let Some(d) = residence
                .categories
                .iter()
                .position(|c| c.code.as_deref() == Some(commune.departement.as_str()))
            {
                communes.insert(pack_commune(commune.code.as_bytes()), d as u8);
            }
        }

        let survey_items: Vec<Category> = codes_of("survey_item")?
            .into_iter()
            .map(|c| Category::code(&c.code, &c.label, None))
            .collect();
        check_size("survey_item", survey_items.len(), SINGLE_LIMIT)?;
        let survey_index = CodeIndex::new(survey_items.iter().filter_map(|c| c.code.as_deref()));
        let event_types: Vec<Category> = codes_of("event_type")?
            .into_iter()
            .map(|c| Category::code(&c.code, &c.label, None))
            .collect();
        check_size("event_type", event_types.len(), SINGLE_LIMIT)?;
        let event_index = CodeIndex::new(event_types.iter().filter_map(|c| c.code.as_deref()));

        Ok(Layout {
            dimensions,
            offsets,
            width,
            indices,
            theme_group_bit,
            communes,
            survey_items,
            survey_index,
            event_types,
            event_index,
        })
    }

    /// The masks of every multi-valued dimension, in the order of
    /// [`DimensionId::MULTIPLE`], from those of themes, services and
    /// referrals: the theme groups are the groups of the themes.
    #[inline]
    pub fn with_groups(&self, answers: &[u64; 3]) -> [u64; 4] {
        let [themes, services, referrals] = *answers;
        let mut groups = 0u64;
        let mut bits = themes;
        while bits != 0 {
            groups |= self.theme_group_bit[bits.trailing_zeros() as usize];
            bits &= bits - 1;
        }
        [themes, groups, services, referrals]
    }

    /// The residence category of a commune code: its département, outside
    /// the region, or not given.
    #[inline]
    pub fn residence(&self, commune: Option<&[u8]>) -> u8 {
        let residence = &self.dimensions[position(DimensionId::Residence)];
        match commune {
            None => residence.not_given() as u8,
            Some(code) => match self.communes.get(&pack_commune(code)) {
                Some(&d) => d,
                // A commune the registry does not list is outside the region:
                // the registry holds every commune of the region's
                // départements, and the import checks the code's form.
                None => (residence.not_given() - 1) as u8,
            },
        }
    }
}

/// Where a dimension sits in [`DimensionId::ALL`].
pub(crate) const fn position(id: DimensionId) -> usize {
    id as usize
}

/// The first and last day of `year`.
pub(crate) fn year_bounds(year: i16) -> Result<(Date, Date), ActivityError> {
    let start = Date::new(year, 1, 1).map_err(|_| ActivityError::BadYear(year))?;
    let end = Date::new(year, 12, 31).map_err(|_| ActivityError::BadYear(year))?;
    Ok((start, end))
}

/// An INSEE code packed into an integer (they are five ASCII characters;
/// longer texts are folded, and then simply miss the table).
#[inline]
fn pack_commune(code: &[u8]) -> u64 {
    if code.len() <= 8 {
        let mut buf = [0u8; 8];
        buf[..code.len()].copy_from_slice(code);
        u64::from_le_bytes(buf)
    } else {
        hash_bytes(code) | (1 << 63)
    }
}

/// A hasher for keys that are already integers: one multiply and a fold,
/// enough to spread packed codes and pre-hashed visitor keys over a table.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct MixHasher(u64);

impl Hasher for MixHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = hash_bytes(bytes);
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = mix(x);
    }
}

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// A 64-bit finaliser (the one of MurmurHash3): every input bit changes
/// every output bit with probability one half.
#[inline]
pub(crate) fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// Hashes a short text eight bytes at a time. For texts of at most eight
/// bytes it is a bijection of (length, bytes), so such codes never collide.
#[inline]
pub(crate) fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("chunks of eight"));
        h = (h.rotate_left(23) ^ word).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut buf = [0u8; 8];
        buf[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(23) ^ u64::from_le_bytes(buf)).wrapping_mul(K);
    }
    h ^ (h >> 29)
}

/// A slot for a code in a table of `1 << (64 - shift)` slots: the code's
/// first and last eight bytes (fewer for a shorter code) and its length,
/// folded into one word and spread by one multiplication, whose top bits
/// depend on every bit of the word.
///
/// Unlike [`hash_bytes`] it reads two words whatever the code's length, so
/// there is no chain of multiplications to wait for: at a dozen look-ups
/// per visit that chain was a tenth of a report's time. Codes that share
/// their ends and length meet in one slot, which only costs a comparison,
/// since a look-up compares the whole code.
#[inline]
fn code_slot(code: &[u8], shift: u32) -> usize {
    let n = code.len();
    let word = |b: &[u8]| u64::from_le_bytes(b.try_into().expect("eight bytes"));
    let half = |b: &[u8]| u64::from(u32::from_le_bytes(b.try_into().expect("four bytes")));
    let (first, last) = match n {
        8.. => (word(&code[..8]), word(&code[n - 8..])),
        4..=7 => (half(&code[..4]) | half(&code[n - 4..]) << 32, 0),
        1..=3 => (
            u64::from(code[0]) | u64::from(code[n / 2]) << 8 | u64::from(code[n - 1]) << 16,
            0,
        ),
        0 => (0, 0),
    };
    let folded = first ^ last.rotate_left(29) ^ (n as u64).wrapping_mul(K);
    (folded.wrapping_mul(K) >> shift) as usize
}

/// A small open-addressing table from code to index. Nomenclatures hold a
/// few dozen codes and every visit looks up a dozen of them, so the table
/// stays a quarter full and a look-up is one hash and one comparison.
#[derive(Debug, Clone)]
pub(crate) struct CodeIndex {
    slots: Vec<u32>,
    codes: Vec<Box<[u8]>>,
    mask: usize,
    /// 64 less the number of bits of a slot.
    shift: u32,
}

const EMPTY: u32 = u32::MAX;

impl CodeIndex {
    pub fn new<'a>(codes: impl IntoIterator<Item = &'a str>) -> CodeIndex {
        let codes: Vec<Box<[u8]>> = codes.into_iter().map(|c| c.as_bytes().into()).collect();
        let size = (codes.len() * 4).next_power_of_two().max(8);
        let mut index = CodeIndex {
            slots: vec![EMPTY; size],
            codes: Vec::new(),
            mask: size - 1,
            shift: 64 - size.trailing_zeros(),
        };
        for (i, code) in codes.iter().enumerate() {
            // A code listed twice in the year keeps its first position.
            if index.get(code).is_some() {
                continue;
            }
            let mut slot = code_slot(code, index.shift);
            while index.slots[slot] != EMPTY {
                slot = (slot + 1) & index.mask;
            }
            index.slots[slot] = i as u32;
            index.codes.resize(i + 1, Box::default());
            index.codes[i] = code.clone();
        }
        index
    }

    /// The position of `code`, if it is one.
    #[inline]
    pub fn get(&self, code: &[u8]) -> Option<usize> {
        let mut slot = code_slot(code, self.shift);
        loop {
            let i = self.slots[slot];
            if i == EMPTY {
                return None;
            }
            if same_bytes(&self.codes[i as usize], code) {
                return Some(i as usize);
            }
            slot = (slot + 1) & self.mask;
        }
    }
}

/// Whether two short texts are equal, compared eight bytes at a time in
/// registers: codes are a few dozen bytes at most, and at a dozen look-ups
/// per visit the call into the C library's `memcmp` that slice equality
/// makes showed in profiles.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut a8, mut b8) = (a.chunks_exact(8), b.chunks_exact(8));
    let word = |chunk: &[u8]| u64::from_le_bytes(chunk.try_into().expect("chunks of eight"));
    for (x, y) in (&mut a8).zip(&mut b8) {
        if word(x) != word(y) {
            return false;
        }
    }
    a8.remainder()
        .iter()
        .zip(b8.remainder())
        .all(|(x, y)| x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_texts_are_equal_exactly_when_their_bytes_are() {
        let texts: [&[u8]; 9] = [
            b"",
            b"a",
            b"b",
            b"abcdefgh",
            b"abcdefgi",
            b"abcdefghi",
            b"abcdefghj",
            b"employment.labour_market",
            b"employment.labour_markeu",
        ];
        for a in texts {
            for b in texts {
                assert_eq!(same_bytes(a, b), a == b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn every_code_of_a_nomenclature_is_found_at_its_position_and_nothing_else_is() {
        let codes = ["in_person", "phone", "email", "outreach", "a", ""];
        let index = CodeIndex::new(codes);
        for (i, code) in codes.iter().enumerate() {
            assert_eq!(index.get(code.as_bytes()), Some(i), "{code}");
        }
        assert_eq!(index.get(b"Phone"), None);
        assert_eq!(index.get(b"in_perso"), None);
        assert_eq!(index.get(b"in_personn"), None);
        // Codes of every length up to twenty, sharing their ends, so that
        // many meet in a slot: each is still found at its own position.
        let long: Vec<String> = (0..20)
            .map(|n| format!("{}{}", "a".repeat(n), "z".repeat(n % 3)))
            .collect();
        let index = CodeIndex::new(long.iter().map(String::as_str));
        for (i, code) in long.iter().enumerate() {
            assert_eq!(index.get(code.as_bytes()), Some(i), "{code}");
        }
        assert_eq!(index.get(b"b"), None);
        assert_eq!(index.get(b"in_person "), None);
    }

    #[test]
    fn the_layout_of_2009_has_every_code_in_force_and_the_two_extra_rows() {
        let layout = Layout::new(
            &Registry::champagne_ardenne(),
            &Ruleset::champagne_ardenne(),
            2009,
        )
        .unwrap();
        let status = &layout.dimensions[position(DimensionId::Status)];
        assert_eq!(status.categories.len(), 11 + 2);
        assert_eq!(status.categories[status.not_given()].label, NOT_GIVEN);
        let groups = &layout.dimensions[position(DimensionId::ThemeGroup)];
        let codes: Vec<_> = groups
            .categories
            .iter()
            .filter_map(|c| c.code.as_deref())
            .collect();
        assert_eq!(codes, ["guidance", "training", "employment"]);
        let residence = &layout.dimensions[position(DimensionId::Residence)];
        assert_eq!(
            layout.residence(Some(b"08409")),
            0,
            "Sedan is in the Ardennes"
        );
        assert_eq!(
            residence.categories[layout.residence(Some(b"75056")) as usize].kind,
            CategoryKind::OutsideRegion
        );
    }

    #[test]
    fn a_sub_theme_rolls_up_to_its_top_level_theme() {
        let layout = Layout::new(
            &Registry::champagne_ardenne(),
            &Ruleset::champagne_ardenne(),
            2009,
        )
        .unwrap();
        let theme = &layout.indices[position(DimensionId::Theme)];
        let vae = theme.get(b"guidance.vae").unwrap();
        let cv = theme.get(b"employment.cv").unwrap();
        assert_eq!(layout.theme_group_bit[vae], 1 << 0);
        assert_eq!(layout.theme_group_bit[cv], 1 << 2);
    }
}
