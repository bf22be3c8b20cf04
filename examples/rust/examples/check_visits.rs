//! Checks visit records (one JSON object per line, the published record
//! schema) against the statistics rules in force on each visit's day, and
//! prints every problem of every record, each with its line and field.
//!
//! `cargo run -p em-examples --example check_visits -- visits.jsonl`

use std::process::ExitCode;

use em_core::statistics::{Validator, Visit};
use em_core::{Registry, Ruleset};

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: check_visits FILE.jsonl");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(1);
        }
    };
    // The shipped rules and network; a region with its own would load them
    // with `Ruleset::from_files` and `Registry::from_sources`.
    let ruleset = Ruleset::champagne_ardenne();
    let registry = Registry::champagne_ardenne();
    let validator = Validator::new(&ruleset, &registry);
    let mut bad = 0;
    for (number, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let line_no = number + 1;
        match serde_json::from_str::<Visit>(line) {
            Ok(visit) => {
                let problems = validator.check_visit(&visit);
                bad += usize::from(!problems.is_empty());
                for p in problems {
                    eprintln!("{path}, line {line_no} (`{}`): {}", p.field, p.reason);
                }
            }
            Err(e) => {
                bad += 1;
                eprintln!("{path}, line {line_no}: {e}");
            }
        }
    }
    if bad == 0 {
        println!("{path}: every visit follows the rules");
        ExitCode::SUCCESS
    } else {
        println!("{path}: {bad} visit(s) with problems");
        ExitCode::from(1)
    }
}
