//! An SVG map of the territory's coverage, as a string: commune centres as
//! dots whose area follows the population and whose colour says how far the
//! nearest site is, the sites marked and named, a legend. Nothing is fetched:
//! there are no tiles and no outlines, only the points the crate already has.
//!
//! The projection is equirectangular, with longitudes scaled by the cosine of
//! the map's middle latitude so that a kilometre is about as long east–west
//! as north–south; over four départements the error of that shortcut is a
//! few percent at the map's edges, which a reader cannot see.

use std::fmt::Write as _;

use serde::Serialize;

use crate::coverage::{CommuneCoverage, Coverage};
use crate::explain::people;
use crate::territory::Territory;

/// Colours of the distance bands, nearest first (colour-blind safe greens to
/// yellows); a ruleset with more bands reuses the last.
const BAND_COLOURS: &[&str] = &["#1a9850", "#91cf60", "#d9ef8b", "#fee08b", "#fdae61"];
/// Colour of communes beyond every band but not in a white zone.
const BEYOND_BANDS_COLOUR: &str = "#f46d43";
/// Radius in pixels of the smallest dot, so that hamlets keep a visible colour.
const MIN_DOT_RADIUS: f64 = 1.6;
/// Colour of white-zone communes.
const WHITE_ZONE_COLOUR: &str = "#a50026";

/// Size and wording of the map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MapOptions {
    /// Width of the map area in pixels (the legend is added to the right).
    pub width_px: f64,
    /// Title written above the map.
    pub title: String,
}

impl Default for MapOptions {
    fn default() -> Self {
        MapOptions {
            width_px: 640.0,
            title: "Distance de chaque commune à l'Espace métiers le plus proche".to_owned(),
        }
    }
}

/// Escapes text for an SVG text node or attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn colour(c: &CommuneCoverage, bands: &[f64]) -> &'static str {
    if c.white_zone {
        return WHITE_ZONE_COLOUR;
    }
    match c.band_km.and_then(|b| bands.iter().position(|&x| x == b)) {
        Some(i) => BAND_COLOURS[i.min(BAND_COLOURS.len() - 1)],
        None => BEYOND_BANDS_COLOUR,
    }
}

/// A distance as a French reader writes it: `12.345` → `12,3 km`. The
/// map is drawn for the French activity report, so all its text is French.
fn km(d: f64) -> String {
    format!("{d:.1}\u{A0}km").replace('.', ",")
}

/// Dot radius in pixels: the area grows with the population, so that a town
/// ten times larger draws ten times the ink; a floor keeps hamlets visible.
fn radius(population: u32, largest: u32, scale: f64) -> f64 {
    let largest = f64::from(largest.max(1));
    MIN_DOT_RADIUS + scale * (f64::from(population) / largest).sqrt()
}

impl Territory {
    /// Draws `coverage` (computed on this territory) as an SVG document.
    pub fn map_svg(&self, coverage: &Coverage, options: &MapOptions) -> String {
        let _span = tracing::info_span!("territory_map_svg").entered();
        let margin = 20.0;
        let legend_width = 230.0;
        let title_height = 30.0;
        let (mut lat_min, mut lat_max) = (f64::INFINITY, f64::NEG_INFINITY);
        let (mut lon_min, mut lon_max) = (f64::INFINITY, f64::NEG_INFINITY);
        for p in &self.centres {
            lat_min = lat_min.min(p.latitude);
            lat_max = lat_max.max(p.latitude);
            lon_min = lon_min.min(p.longitude);
            lon_max = lon_max.max(p.longitude);
        }
        if self.centres.is_empty() {
            (lat_min, lat_max, lon_min, lon_max) = (0.0, 1.0, 0.0, 1.0);
        }
        let cos_mid = ((lat_min + lat_max) / 2.0).to_radians().cos();
        let span_x = ((lon_max - lon_min) * cos_mid).max(1e-6);
        let span_y = (lat_max - lat_min).max(1e-6);
        let scale = (options.width_px - 2.0 * margin) / span_x;
        let map_height = span_y * scale;
        let width = options.width_px + legend_width;
        let height = (map_height + 2.0 * margin + title_height).max(360.0);
        let project = |lat: f64, lon: f64| -> (f64, f64) {
            (
                margin + (lon - lon_min) * cos_mid * scale,
                title_height + margin + (lat_max - lat) * scale,
            )
        };
        let largest = self
            .communes
            .iter()
            .map(|c| c.population)
            .max()
            .unwrap_or(1);
        let dot_scale = options.width_px / 60.0;

        let mut svg = String::with_capacity(200 * self.communes.len() + 4096);
        let _ = writeln!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="11">"#
        );
        let _ = writeln!(
            svg,
            r#"<title>{}</title><rect width="100%" height="100%" fill="white"/>"#,
            escape(&options.title)
        );
        let _ = writeln!(
            svg,
            r#"<text x="{margin}" y="20" font-size="15" font-weight="bold">{}</text>"#,
            escape(&options.title)
        );

        // Large dots first, so that small communes drawn later stay visible.
        let mut order: Vec<usize> = (0..self.communes.len()).collect();
        order.sort_by(|&a, &b| {
            self.communes[b]
                .population
                .cmp(&self.communes[a].population)
                .then(a.cmp(&b))
        });
        svg.push_str("<g stroke=\"#333\" stroke-width=\"0.2\" fill-opacity=\"0.9\">\n");
        for i in order {
            let (c, cov) = (&self.communes[i], &coverage.communes[i]);
            let (x, y) = project(c.latitude, c.longitude);
            let _ = writeln!(
                svg,
                r#"<circle cx="{x:.1}" cy="{y:.1}" r="{:.2}" fill="{}"><title>{} ({}) : {} habitants, à {} de l'Espace métiers le plus proche</title></circle>"#,
                radius(c.population, largest, dot_scale),
                colour(cov, &coverage.bands_km),
                escape(&c.name),
                c.code,
                people(u64::from(c.population)),
                km(cov.distance_km),
            );
        }
        svg.push_str("</g>\n<g>\n");
        for (site, &at) in self.sites.iter().zip(&self.site_commune) {
            let p = self.centres[at];
            let (x, y) = project(p.latitude, p.longitude);
            let _ = writeln!(
                svg,
                r#"<path d="M{x:.1} {:.1} L{:.1} {y:.1} L{x:.1} {:.1} L{:.1} {y:.1} Z" fill="black" stroke="white" stroke-width="1"><title>Espace métiers de {}</title></path><text x="{:.1}" y="{:.1}" font-weight="bold" stroke="white" stroke-width="3" paint-order="stroke">{}</text>"#,
                y - 7.0,
                x + 7.0,
                y + 7.0,
                x - 7.0,
                escape(&site.name),
                x + 9.0,
                y + 4.0,
                escape(&site.name),
            );
        }
        svg.push_str("</g>\n");
        self.legend(
            &mut svg,
            coverage,
            options.width_px + 10.0,
            title_height + margin,
            largest,
            dot_scale,
        );
        svg.push_str("</svg>\n");
        svg
    }

    fn legend(
        &self,
        svg: &mut String,
        coverage: &Coverage,
        x: f64,
        top: f64,
        largest: u32,
        dot_scale: f64,
    ) {
        let mut y = top;
        let _ = writeln!(
            svg,
            r#"<g><text x="{x}" y="{y}" font-weight="bold">Espace métiers le plus proche</text>"#
        );
        let mut entries: Vec<(&str, String)> = Vec::new();
        let mut previous = 0.0;
        for (i, &b) in coverage.bands_km.iter().enumerate() {
            let label = if i == 0 {
                format!("à moins de {}", km(b))
            } else {
                format!("de {} à {}", km(previous), km(b))
            };
            entries.push((BAND_COLOURS[i.min(BAND_COLOURS.len() - 1)], label));
            previous = b;
        }
        let last_band = coverage.bands_km.last().copied().unwrap_or(0.0);
        if coverage.white_zone_km > last_band {
            entries.push((
                BEYOND_BANDS_COLOUR,
                format!("de {} à {}", km(last_band), km(coverage.white_zone_km)),
            ));
        }
        entries.push((
            WHITE_ZONE_COLOUR,
            format!("au-delà de {} (zone blanche)", km(coverage.white_zone_km)),
        ));
        for (fill, label) in entries {
            y += 18.0;
            let _ = writeln!(
                svg,
                r##"<circle cx="{:.1}" cy="{:.1}" r="6" fill="{fill}" stroke="#333" stroke-width="0.3"/><text x="{:.1}" y="{:.1}">{}</text>"##,
                x + 6.0,
                y - 4.0,
                x + 18.0,
                y,
                escape(&label)
            );
        }
        y += 30.0;
        let _ = writeln!(
            svg,
            r#"<text x="{x}" y="{y}" font-weight="bold">Habitants</text>"#
        );
        for population in [1_000u32, 10_000, 100_000] {
            if population > largest {
                continue;
            }
            let r = radius(population, largest, dot_scale);
            y += 2.0 * r.max(6.0) + 6.0;
            let _ = writeln!(
                svg,
                r##"<circle cx="{:.1}" cy="{:.1}" r="{r:.2}" fill="#ccc" stroke="#333" stroke-width="0.3"/><text x="{:.1}" y="{:.1}">{}</text>"##,
                x + 14.0,
                y - r.max(6.0),
                x + 34.0,
                y - r.max(6.0) + 4.0,
                people(u64::from(population))
            );
        }
        y += 28.0;
        let _ = writeln!(
            svg,
            r#"<path d="M{:.1} {:.1} l7 7 l-7 7 l-7 -7 Z" fill="black"/><text x="{:.1}" y="{:.1}">Espace métiers</text>"#,
            x + 7.0,
            y - 11.0,
            x + 20.0,
            y + 1.0
        );
        for line in [
            "Points : centres des communes.",
            "Distances à vol d'oiseau entre",
            "centres des communes (sphère",
            "de 6 371 km de rayon).",
        ] {
            y += 16.0;
            let _ = writeln!(svg, r##"<text x="{x}" y="{y}" fill="#555">{line}</text>"##);
        }
        svg.push_str("</g>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_svg() {
        assert_eq!(
            escape(r#"A & B <"c"> 'd'"#),
            "A &amp; B &lt;&quot;c&quot;&gt; &#39;d&#39;"
        );
    }

    #[test]
    fn distances_read_the_french_way() {
        assert_eq!(km(12.345), "12,3\u{A0}km");
    }

    #[test]
    fn dot_area_follows_population() {
        let small = radius(1_000, 100_000, 10.0) - MIN_DOT_RADIUS;
        let large = radius(100_000, 100_000, 10.0) - MIN_DOT_RADIUS;
        assert!(((large / small).powi(2) - 100.0).abs() < 1e-9);
    }
}
