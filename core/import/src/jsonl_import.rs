//! JSON Lines: one record per line, in the serde form of em-core's
//! `Record` (`{"kind": "visit", "site": …}`), strictly — an unknown field
//! is a problem, not something silently dropped.

use std::io::{BufRead, BufReader, Read};

use em_core::statistics::Record;

use crate::pipeline::Pipeline;
use crate::report::Location;
use crate::row::CellProblem;
use crate::{ImportError, ProgressTicker};

/// The longest line accepted; a longer one is refused without being held
/// in memory whole.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

pub(crate) fn import<R: Read>(
    reader: R,
    pipeline: &mut Pipeline<'_, '_, '_>,
    progress: &mut ProgressTicker<'_>,
) -> Result<(), ImportError> {
    let mut reader = BufReader::with_capacity(256 * 1024, reader);
    pipeline.set_layout(None)?;
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        line.clear();
        let n = (&mut reader)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(ImportError::io)?;
        if n == 0 {
            break;
        }
        number += 1;
        if line.len() > MAX_LINE_BYTES && line.last() != Some(&b'\n') {
            pipeline.row(
                Location::Line(number),
                Err(vec![problem(format!(
                    "the line is longer than {} MiB: the file is refused",
                    MAX_LINE_BYTES / (1024 * 1024)
                ))]),
            )?;
            // What follows the cut is not the start of a line.
            break;
        }
        let mut text: &[u8] = &line;
        if number == 1 {
            text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
        }
        if text.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let mut deserializer = serde_json::Deserializer::from_slice(text);
        let parsed: Result<Record, _> = serde_path_to_error::deserialize(&mut deserializer);
        let built = match parsed {
            Ok(record) => match deserializer.end() {
                Ok(()) => Ok((record, Vec::new())),
                Err(e) => Err(vec![problem(e.to_string())]),
            },
            Err(e) => {
                let path = e.path().to_string();
                Err(vec![CellProblem {
                    column: None,
                    field: (path != ".").then_some(path),
                    reason: e.into_inner().to_string(),
                }])
            }
        };
        pipeline.row(Location::Line(number), built)?;
        progress.tick(pipeline.rows_read());
    }
    Ok(())
}

fn problem(reason: String) -> CellProblem {
    CellProblem {
        column: None,
        field: None,
        reason,
    }
}
