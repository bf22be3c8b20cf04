//! The `em` command: the network of Espaces métiers from a shell.
//!
//! `main` parses the command line, sets up the logs and hands each
//! subcommand to its module under [`commands`]; every error comes back as a
//! [`error::CliError`], printed on standard error with the exit code it
//! stands for.

mod args;
mod commands;
mod error;
mod logging;
mod output;

use std::process::ExitCode;

// An import allocates and frees a dozen small texts per row, a million rows
// a file: mimalloc takes about a tenth off `em import`'s CPU against the
// system allocator (BENCHMARKS.md, "Import").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = args::Cli::parse_args();
    logging::init(cli.verbose);
    commands::ruleset::select(cli.ruleset);
    match commands::run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            output::warn(format_args!("error: {e}"));
            ExitCode::from(e.exit_code())
        }
    }
}
