//! Standard output for results and standard error for problems, both quiet
//! when the reader goes away.
//!
//! `em … 2>&1 | head` closes the pipe early; Rust's `println!` and
//! `eprintln!` would then panic. A closed pipe only means nobody reads the
//! rest, so the lines are dropped and the command goes on to the exit code
//! its work earned: a refused file is still exit 1 for a script under
//! `set -o pipefail`, even when nobody read the line that said so.

use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether standard output (or standard error) was found closed: nothing
/// more is written to it.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
static STDERR_CLOSED: AtomicBool = AtomicBool::new(false);

/// Prints one line of results on standard output.
pub fn say(text: impl std::fmt::Display) {
    line(&mut std::io::stdout().lock(), &STDOUT_CLOSED, text);
}

/// Prints one line about a problem (a refused row, a warning, the final
/// error) on standard error.
pub fn warn(text: impl std::fmt::Display) {
    line(&mut std::io::stderr().lock(), &STDERR_CLOSED, text);
}

fn line(out: &mut impl Write, closed: &AtomicBool, text: impl std::fmt::Display) {
    if closed.load(Ordering::Relaxed) {
        return;
    }
    if let Err(e) = writeln!(out, "{text}") {
        // Any failure to write a line (a closed pipe, a full disk behind a
        // redirection) stops the writing, never the command.
        closed.store(true, Ordering::Relaxed);
        if e.kind() != ErrorKind::BrokenPipe {
            tracing::warn!("cannot write a line of output: {e}");
        }
    }
}
