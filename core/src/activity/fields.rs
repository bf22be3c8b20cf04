//! A visit seen through borrowed fields: what the [`Aggregator`] reads of a
//! visit, without owning any of it.
//!
//! A store scanning a million rows can hand the aggregator the texts of
//! each row where they lie (in SQLite's row buffer, say) instead of copying
//! them into a [`Visit`] first; a [`Visit`] in memory is read through the
//! same view with [`VisitFields::of`].
//!
//! [`Aggregator`]: super::Aggregator

use jiff::civil::Date;

use crate::statistics::Visit;

/// The fields of a visit the activity report counts, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct VisitFields<'a> {
    /// The site's identifier in the registry.
    pub site: &'a str,
    /// The day of the visit.
    pub date: Date,
    /// Pseudonymous identifier of the visitor, if the site keeps one.
    pub visitor: Option<&'a str>,
    /// How the contact happened.
    pub contact_mode: &'a str,
    /// Sex.
    pub sex: Option<&'a str>,
    /// Age band.
    pub age_band: Option<&'a str>,
    /// Status.
    pub status: Option<&'a str>,
    /// Education level.
    pub education_level: Option<&'a str>,
    /// INSEE code of the commune of residence.
    pub commune: Option<&'a str>,
    /// Whether this is the person's first visit to the site.
    pub first_visit: Option<bool>,
    /// How the person heard of the site.
    pub arrival_channel: Option<&'a str>,
    /// Themes of the person's needs.
    pub themes: Codes<'a>,
    /// Services given.
    pub services: Codes<'a>,
    /// Partners the person was referred to.
    pub referrals: Codes<'a>,
}

impl<'a> VisitFields<'a> {
    /// The fields of a visit held in memory.
    pub fn of(visit: &'a Visit) -> VisitFields<'a> {
        VisitFields {
            site: &visit.site,
            date: visit.date,
            visitor: visit.visitor.as_deref(),
            contact_mode: &visit.contact_mode,
            sex: visit.sex.as_deref(),
            age_band: visit.age_band.as_deref(),
            status: visit.status.as_deref(),
            education_level: visit.education_level.as_deref(),
            commune: visit.commune.as_deref(),
            first_visit: visit.first_visit,
            arrival_channel: visit.arrival_channel.as_deref(),
            themes: Codes::listed(&visit.themes),
            services: Codes::listed(&visit.services),
            referrals: Codes::listed(&visit.referrals),
        }
    }
}

/// A list of codes, either as separate texts or as one text with a
/// separator between the codes (the way a store keeps them in one column).
#[derive(Debug, Clone, Copy)]
pub struct Codes<'a>(Repr<'a>);

#[derive(Debug, Clone, Copy)]
enum Repr<'a> {
    Listed(&'a [String]),
    Joined(&'a str, char),
}

impl<'a> Codes<'a> {
    /// Codes held one per text.
    pub fn listed(codes: &'a [String]) -> Codes<'a> {
        Codes(Repr::Listed(codes))
    }

    /// Codes joined by `separator` in one text; an empty text is no code.
    pub fn joined(text: &'a str, separator: char) -> Codes<'a> {
        Codes(Repr::Joined(text, separator))
    }

    /// Calls `f` with each code in turn.
    #[inline]
    pub fn for_each(self, mut f: impl FnMut(&'a str)) {
        match self.0 {
            Repr::Listed(codes) => codes.iter().for_each(|c| f(c)),
            Repr::Joined("", _) => {}
            Repr::Joined(text, separator) => text.split(separator).for_each(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(codes: Codes<'_>) -> Vec<&str> {
        let mut out = Vec::new();
        codes.for_each(|c| out.push(c));
        out
    }

    #[test]
    fn joined_and_listed_codes_give_the_same_codes() {
        let listed = ["guidance.vae".to_owned(), "training".to_owned()];
        assert_eq!(
            collect(Codes::joined("guidance.vae;training", ';')),
            collect(Codes::listed(&listed))
        );
        assert_eq!(collect(Codes::joined("cio", ';')), ["cio"]);
    }

    #[test]
    fn an_empty_joined_text_is_no_code_not_one_empty_code() {
        assert!(collect(Codes::joined("", ';')).is_empty());
        assert!(collect(Codes::listed(&[])).is_empty());
    }
}
