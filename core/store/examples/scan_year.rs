//! Times a full scan of one year of visits, the read a report makes.
//!
//! `cargo run --release -p em-store --example scan_year -- STORE [YEAR]`

use std::time::Instant;

use em_store::Store;
use jiff::civil::date;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("STORE missing")?;
    let year: i16 = args.next().map_or(Ok(2009), |y| y.parse())?;
    let store = Store::open(&path)?;
    for run in 1..=3 {
        let started = Instant::now();
        let mut themes = 0usize;
        let visits = store.scan_visits(date(year, 1, 1), date(year, 12, 31), |v| {
            themes += v.themes.len();
        })?;
        println!(
            "run {run}: {visits} visits ({themes} themes) scanned in {:.0} ms",
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    Ok(())
}
