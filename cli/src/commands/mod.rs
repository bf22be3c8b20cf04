//! One module per subcommand; [`run`] dispatches to them.

pub mod demo;
pub mod governance;
pub mod import;
pub mod init;
pub mod label;
pub mod plugins;
pub mod recruitment;
pub mod report;
pub mod ruleset;
pub mod schema;
pub mod territory;

use crate::args::Command;
use crate::error::CliError;

/// Runs one subcommand.
pub fn run(command: Command) -> Result<(), CliError> {
    let name = command.name();
    let started = std::time::Instant::now();
    let result = dispatch(command);
    tracing::info!(
        command = name,
        ok = result.is_ok(),
        seconds = started.elapsed().as_secs_f64(),
        "em {name} finished"
    );
    result
}

fn dispatch(command: Command) -> Result<(), CliError> {
    match command {
        Command::Init(args) => init::run(&args.db),
        Command::Schema(args) => {
            for path in schema::run(&args.out)? {
                crate::output::say(format_args!("{}", path.display()));
            }
            Ok(())
        }
        Command::Demo(args) => demo::run(&args.out, args.plugins.as_deref()),
        Command::Import(args) => import::run(&args),
        Command::Territory(args) => territory::run(&args),
        Command::Committee(args) => governance::committee(&args),
        Command::Calendar(args) => governance::calendar(&args),
        Command::Plan(args) => governance::plan(&args),
        Command::Label(args) => label::run(&args),
        Command::Recruitment(args) => recruitment::run(&args),
        Command::Plugins(args) => plugins::run(&args),
        Command::Ruleset(args) => match &args.command {
            crate::args::RulesetCommand::Check { folder } => ruleset::check(folder.as_deref()),
        },
        Command::Report(args) => {
            let written = report::run(&args)?;
            for path in &written.files {
                tracing::info!(path = %path.display(), "written");
            }
            match &written.html {
                Some(html) => {
                    crate::output::say(format_args!("report written: {}", html.display()))
                }
                None => {
                    crate::output::say(format_args!("report written in {}", args.out.display()))
                }
            }
            if let Some(page) = &written.governance {
                crate::output::say(format_args!("governance: {}", page.display()));
            }
            Ok(())
        }
    }
}
