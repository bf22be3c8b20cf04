//! A visit seen through borrowed fields: what the [`Aggregator`] reads of a
//! visit, without owning any of it.
//!
//! A store scanning a million rows can hand the aggregator the texts of
//! each row where they lie (in SQLite's row buffer, say) instead of copying
//! them into a [`Visit`] first; a [`Visit`] in memory is read through the
//! same view with [`VisitFields::of`].
//!
//! The texts are seen as bytes: the aggregator only compares them with the
//! codes in force and hashes visitor identifiers, neither of which needs
//! valid UTF-8, so a store need not check each text of a million rows. A
//! text that is not UTF-8 matches no code and counts as unrecognised.
//!
//! [`Aggregator`]: super::Aggregator

use jiff::civil::Date;

use crate::statistics::Visit;

/// The fields of a visit the activity report counts, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct VisitFields<'a> {
    /// The site's identifier in the registry.
    pub site: &'a [u8],
    /// The day of the visit.
    pub date: Date,
    /// Pseudonymous identifier of the visitor, if the site keeps one.
    pub visitor: Option<&'a [u8]>,
    /// How the contact happened.
    pub contact_mode: &'a [u8],
    /// Sex.
    pub sex: Option<&'a [u8]>,
    /// Age band.
    pub age_band: Option<&'a [u8]>,
    /// Status.
    pub status: Option<&'a [u8]>,
    /// Education level.
    pub education_level: Option<&'a [u8]>,
    /// INSEE code of the commune of residence.
    pub commune: Option<&'a [u8]>,
    /// Whether this is the person's first visit to the site.
    pub first_visit: Option<bool>,
    /// How the person heard of the site.
    pub arrival_channel: Option<&'a [u8]>,
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
            site: visit.site.as_bytes(),
            date: visit.date,
            visitor: visit.visitor.as_deref().map(str::as_bytes),
            contact_mode: visit.contact_mode.as_bytes(),
            sex: visit.sex.as_deref().map(str::as_bytes),
            age_band: visit.age_band.as_deref().map(str::as_bytes),
            status: visit.status.as_deref().map(str::as_bytes),
            education_level: visit.education_level.as_deref().map(str::as_bytes),
            commune: visit.commune.as_deref().map(str::as_bytes),
            first_visit: visit.first_visit,
            arrival_channel: visit.arrival_channel.as_deref().map(str::as_bytes),
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
    Joined(&'a [u8], u8),
}

impl<'a> Codes<'a> {
    /// Codes held one per text.
    pub fn listed(codes: &'a [String]) -> Codes<'a> {
        Codes(Repr::Listed(codes))
    }

    /// Codes joined by the one-byte `separator` in one text (as bytes,
    /// UTF-8 or not); an empty text is no code.
    pub fn joined(text: &'a [u8], separator: u8) -> Codes<'a> {
        Codes(Repr::Joined(text, separator))
    }

    /// Calls `f` with each code in turn, as bytes.
    #[inline]
    pub fn for_each(self, mut f: impl FnMut(&'a [u8])) {
        match self.0 {
            Repr::Listed(codes) => codes.iter().for_each(|c| f(c.as_bytes())),
            Repr::Joined(b"", _) => {}
            Repr::Joined(text, separator) => text.split(|&b| b == separator).for_each(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(codes: Codes<'_>) -> Vec<&[u8]> {
        let mut out = Vec::new();
        codes.for_each(|c| out.push(c));
        out
    }

    #[test]
    fn joined_and_listed_codes_give_the_same_codes() {
        let listed = ["guidance.vae".to_owned(), "training".to_owned()];
        assert_eq!(
            collect(Codes::joined(b"guidance.vae;training", b';')),
            collect(Codes::listed(&listed))
        );
        assert_eq!(collect(Codes::joined(b"cio", b';')), [b"cio"]);
    }

    #[test]
    fn an_empty_joined_text_is_no_code_not_one_empty_code() {
        assert!(collect(Codes::joined(b"", b';')).is_empty());
        assert!(collect(Codes::listed(&[])).is_empty());
    }
}
