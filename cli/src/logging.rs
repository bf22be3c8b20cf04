//! Logs to standard error, so that standard output stays for results.
//!
//! `EM_LOG` (a `tracing` filter such as `debug` or `em_store=trace`) wins over
//! `-v`; without either, only warnings and errors are shown.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Installs the subscriber for the whole process.
pub fn init(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_env("EM_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    // A second initialisation (only possible in tests) is harmless to skip.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only where a person reads them, not in a log file.
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .try_init();
}
