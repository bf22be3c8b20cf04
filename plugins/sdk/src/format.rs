//! Numbers written the way the activity report writes them in its
//! sentences (French): `12 345` with a narrow no-break space between
//! thousands, `20,2 %` with a decimal comma and a no-break space before the
//! percent sign, so that a plugin's paragraphs read like the report around
//! them.
//!
//! The functions are the report's own, from `em-format`, a crate without
//! dependencies that plugins built for WebAssembly can carry.

pub use em_format::{count, percent};
