//! Writes, as JSON, the crate's great-circle distances between the centres
//! of a few towns of the region (the eleven site communes and six other
//! towns), so that an independent implementation can check them: the Python
//! test `tests/python/test_territory_distances.py` compares them with
//! `geopy`.
//!
//! Usage: `cargo run -p em-territory --example territory_distances [OUT.json]`
//! (standard output without an argument).

use em_core::Registry;
use em_territory::{EARTH_RADIUS_KM, Territory};
use serde_json::json;

/// Towns besides the site communes: Châlons-en-Champagne, Langres, Givet
/// (the region's northern tip), Vitry-le-François, Rethel, Nogent-sur-Seine.
const OTHER_TOWNS: &[&str] = &["51108", "52269", "08190", "51649", "08362", "10268"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let territory = Territory::from_registry(&Registry::champagne_ardenne())?;
    let mut towns: Vec<&str> = territory
        .sites()
        .iter()
        .map(|s| s.commune.as_str())
        .chain(OTHER_TOWNS.iter().copied())
        .collect();
    towns.sort_unstable();
    towns.dedup();

    let place = |code: &str| {
        let c = territory.commune(code).expect("a commune of the region");
        json!({
            "code": c.code,
            "name": c.name,
            "latitude": c.latitude,
            "longitude": c.longitude,
        })
    };
    let mut pairs = Vec::new();
    for (i, from) in towns.iter().enumerate() {
        for to in &towns[i + 1..] {
            pairs.push(json!({
                "from": place(from),
                "to": place(to),
                "distance_km": territory.distance_km(from, to).expect("known communes"),
            }));
        }
    }
    let document = json!({
        "model": "great circle (haversine) on a sphere",
        "earth_radius_km": EARTH_RADIUS_KM,
        "pairs": pairs,
    });
    let text = serde_json::to_string_pretty(&document)?;
    match std::env::args_os().nth(1) {
        Some(path) => std::fs::write(path, text + "\n")?,
        None => println!("{text}"),
    }
    Ok(())
}
