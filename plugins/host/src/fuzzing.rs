//! Entry points for `cargo fuzz`: what the host reads back from a plugin,
//! built from arbitrary bytes.
//!
//! The canonical ABI lifting itself is the engine's and fuzzed upstream;
//! what this crate adds, and what a hostile plugin can reach, is the
//! checking and conversion of the lifted values. A fuzz target calls
//! [`document`] or [`findings`] with its input; both panic only when an
//! invariant of the checked output is broken.

use arbitrary::{Arbitrary, Unstructured};

use crate::bindings::wit;
use crate::document::{OutputRules, document_from_plugin};
use crate::findings::findings_from_plugin;
use em_core::report as core;

/// Checks a document built from `data`; on success asserts that every
/// count is masked below the threshold, every row has one cell per column
/// and every series one value per category.
pub fn document(data: &[u8]) {
    let mut input = Unstructured::new(data);
    let (Ok(threshold), Ok(doc)) = (
        u8::arbitrary(&mut input),
        wit::Document::arbitrary(&mut input),
    ) else {
        return;
    };
    let rules = OutputRules {
        max_bytes: 64 << 10,
        small_count_threshold: u64::from(threshold),
    };
    let Ok(out) = document_from_plugin(doc, &rules) else {
        return;
    };
    assert!(!out.sections.is_empty());
    for block in out.sections.iter().flat_map(|s| &s.blocks) {
        match block {
            core::Block::Table(t) => {
                for row in &t.rows {
                    assert_eq!(row.cells.len(), t.columns.len());
                    for cell in &row.cells {
                        if let core::Cell::Count(n) = cell {
                            assert!(*n == 0 || *n >= rules.small_count_threshold);
                        }
                    }
                }
            }
            core::Block::Chart(c) => {
                for s in &c.series {
                    assert_eq!(s.values.len(), c.categories.len());
                    assert!(s.values.iter().flatten().all(|v| v.is_finite()));
                }
            }
            core::Block::Text { .. } => {}
        }
    }
}

/// Checks findings built from `data` against a batch of arbitrary length;
/// on success asserts that every finding points inside the batch.
pub fn findings(data: &[u8]) {
    let mut input = Unstructured::new(data);
    let (Ok(batch), Ok(findings)) = (
        u8::arbitrary(&mut input),
        Vec::<wit::Finding>::arbitrary(&mut input),
    ) else {
        return;
    };
    if let Ok(out) = findings_from_plugin("fuzz", findings, usize::from(batch), 64 << 10) {
        assert!(out.iter().all(|f| f.visit < usize::from(batch)));
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_document_checks_hold_on_random_bytes(data in proptest::collection::vec(any::<u8>(), 0..4096)) {
            super::document(&data);
        }

        #[test]
        fn the_finding_checks_hold_on_random_bytes(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
            super::findings(&data);
        }
    }
}
