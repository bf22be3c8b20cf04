//! Standard output for results, quiet when the reader goes away.
//!
//! `em … | head` closes the pipe early; Rust's `println!` would then panic.
//! A closed pipe only means nobody wants the rest, so the command stops
//! quietly instead.

use std::io::{ErrorKind, Write};

/// Prints one line of results on standard output.
pub fn say(text: impl std::fmt::Display) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{text}") {
        if e.kind() == ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        tracing::warn!("cannot write to standard output: {e}");
    }
}
