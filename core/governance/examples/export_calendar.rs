//! Writes the network's calendar of a year as iCalendar on standard output.
//!
//! `cargo run -p em-governance --example export_calendar -- YEAR [SITE] > calendar.ics`
//!
//! The sample meetings of `examples/governance/meetings-2009.json` are added
//! when the year is 2009. `DTSTAMP` is fixed to the year's 1 January at
//! midnight UTC so that two exports are identical.

use em_core::Registry;
use em_governance::{GovernanceRuleset, Meeting, calendar, from_json, to_ics};

const MEETINGS_2009: &str = include_str!("../../../examples/governance/meetings-2009.json");

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let year: i16 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(2010);
    let site = args.get(2).map(String::as_str);
    let rules = GovernanceRuleset::champagne_ardenne();
    let registry = Registry::champagne_ardenne();
    let meetings: Vec<Meeting> =
        from_json("meetings-2009.json", MEETINGS_2009).expect("the sample meetings parse");
    let cal = match calendar(&rules, &registry, year, site, &meetings) {
        Ok(cal) => cal,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let stamp = jiff::civil::date(year, 1, 1)
        .at(0, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .expect("midnight UTC exists")
        .timestamp();
    print!(
        "{}",
        to_ics(&cal, stamp).expect("the ruleset's zone is known")
    );
}
