//! The hook through which a site's own rules (plugins) check records while
//! they are imported.

use em_core::statistics::Record;

use crate::report::Severity;

/// One finding of a [`RecordCheck`] about one record of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The record's position in the batch handed to the check.
    pub index: usize,
    /// An error refuses the row (and so the file); a warning is reported.
    pub severity: Severity,
    /// The field to blame, if any (`status`, `items.welcome`).
    pub field: Option<String>,
    /// Why, in a sentence a site's staff understands.
    pub reason: String,
}

/// A check run on batches of valid records during an import.
///
/// Records reach a check only once they have passed the statistics schema's
/// validation; a check sees them in file order, in batches.
pub trait RecordCheck {
    /// The check's name, quoted in the problems it raises.
    fn name(&self) -> &str;

    /// Checks a batch; an `Err` means the check itself failed, which refuses
    /// the file since its rows could not be checked.
    fn check(&mut self, batch: &[Record]) -> Result<Vec<Finding>, String>;
}
