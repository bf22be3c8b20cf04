//! Points on the Earth and the distance between them.
//!
//! Every distance of this crate is a great-circle distance on a sphere of
//! radius [`EARTH_RADIUS_KM`] (the mean radius of the WGS84 ellipsoid,
//! 6 371.0088 km), computed with the haversine formula. Against the ellipsoid
//! it is off by at most about 0.5 %, a few hundred metres across a
//! département, which is well below what a commune centre means for someone
//! travelling to a site; in exchange it is cheap and gives the same figure on
//! every platform.

use serde::Serialize;

/// Radius of the sphere the distances are measured on, in kilometres: the
/// mean radius `(2a + b) / 3` of the WGS84 ellipsoid.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A point given by its WGS84 latitude and longitude, in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GeoPoint {
    /// Latitude in degrees, north positive, within [-90, 90].
    pub latitude: f64,
    /// Longitude in degrees, east positive, within [-180, 180].
    pub longitude: f64,
}

impl GeoPoint {
    /// A point from latitude and longitude in degrees.
    pub const fn new(latitude: f64, longitude: f64) -> Self {
        GeoPoint {
            latitude,
            longitude,
        }
    }

    /// Why the point cannot be placed on the Earth, if it cannot.
    pub fn problem(&self) -> Option<String> {
        if !self.latitude.is_finite() || !(-90.0..=90.0).contains(&self.latitude) {
            return Some(format!(
                "latitude {} is not a number of degrees within -90 and 90",
                self.latitude
            ));
        }
        if !self.longitude.is_finite() || !(-180.0..=180.0).contains(&self.longitude) {
            return Some(format!(
                "longitude {} is not a number of degrees within -180 and 180",
                self.longitude
            ));
        }
        None
    }

    /// The point as a vector from the Earth's centre, in kilometres. The
    /// straight-line (chord) distance between two such vectors grows with
    /// the great-circle distance, which lets a spatial index prune with plain
    /// Euclidean geometry.
    pub(crate) fn to_vector_km(self) -> [f64; 3] {
        let (lat, lon) = (self.latitude.to_radians(), self.longitude.to_radians());
        [
            EARTH_RADIUS_KM * lat.cos() * lon.cos(),
            EARTH_RADIUS_KM * lat.cos() * lon.sin(),
            EARTH_RADIUS_KM * lat.sin(),
        ]
    }
}

/// Great-circle distance in kilometres between two points, by the haversine
/// formula on a sphere of radius [`EARTH_RADIUS_KM`].
pub fn great_circle_km(a: GeoPoint, b: GeoPoint) -> f64 {
    let (lat_a, lat_b) = (a.latitude.to_radians(), b.latitude.to_radians());
    let half_dlat = (lat_b - lat_a) / 2.0;
    let half_dlon = (b.longitude - a.longitude).to_radians() / 2.0;
    let h = half_dlat.sin().powi(2) + lat_a.cos() * lat_b.cos() * half_dlon.sin().powi(2);
    // `min` guards against a rounding error pushing `h` past 1 for two
    // antipodal points, where `asin` would return NaN.
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// The chord length (straight line through the Earth) that corresponds to a
/// great-circle distance, both in kilometres.
pub(crate) fn chord_for_great_circle_km(distance_km: f64) -> f64 {
    let half_angle = (distance_km / (2.0 * EARTH_RADIUS_KM)).min(std::f64::consts::FRAC_PI_2);
    2.0 * EARTH_RADIUS_KM * half_angle.sin()
}

/// The great-circle distance that corresponds to a chord length, both in
/// kilometres.
pub(crate) fn great_circle_for_chord_km(chord_km: f64) -> f64 {
    2.0 * EARTH_RADIUS_KM * (chord_km / (2.0 * EARTH_RADIUS_KM)).min(1.0).asin()
}

/// A distance rounded to the whole metre, the unit in which this crate
/// compares distances: commune centres are given to five decimals of a
/// degree (about a metre), so finer differences are noise, and whole numbers
/// make ties exact and deterministic on every platform.
pub(crate) fn metres(distance_km: f64) -> u64 {
    // The distance is finite and non-negative by construction; the cast
    // saturates anyway.
    (distance_km * 1000.0).round() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quarter_of_a_meridian_is_a_quarter_of_the_circumference() {
        let d = great_circle_km(GeoPoint::new(0.0, 0.0), GeoPoint::new(90.0, 0.0));
        let expected = std::f64::consts::PI * EARTH_RADIUS_KM / 2.0;
        assert!((d - expected).abs() < 1e-9, "{d} vs {expected}");
    }

    #[test]
    fn antipodal_points_are_half_a_circumference_apart() {
        let d = great_circle_km(GeoPoint::new(10.0, 20.0), GeoPoint::new(-10.0, -160.0));
        let expected = std::f64::consts::PI * EARTH_RADIUS_KM;
        // The haversine formula loses digits near antipodes (`asin` of a
        // value close to 1): within a metre is all it promises there.
        assert!((d - expected).abs() < 1e-3, "{d} vs {expected}");
    }

    #[test]
    fn one_degree_of_longitude_at_60_north_is_half_a_degree_at_the_equator() {
        let at_equator = great_circle_km(GeoPoint::new(0.0, 0.0), GeoPoint::new(0.0, 0.01));
        let at_60 = great_circle_km(GeoPoint::new(60.0, 0.0), GeoPoint::new(60.0, 0.01));
        assert!((at_60 / at_equator - 0.5).abs() < 1e-6);
    }

    #[test]
    fn chord_and_great_circle_conversions_are_inverse() {
        for d in [0.0, 0.5, 10.0, 30.0, 1000.0, 15000.0] {
            let back = great_circle_for_chord_km(chord_for_great_circle_km(d));
            assert!((back - d).abs() < 1e-6, "{d} -> {back}");
        }
    }

    #[test]
    fn the_chord_between_vectors_matches_the_great_circle_distance() {
        let a = GeoPoint::new(49.25163, 4.04025);
        let b = GeoPoint::new(48.29679, 4.07838);
        let (va, vb) = (a.to_vector_km(), b.to_vector_km());
        let chord = (0..3).map(|i| (va[i] - vb[i]).powi(2)).sum::<f64>().sqrt();
        let d = great_circle_km(a, b);
        assert!((great_circle_for_chord_km(chord) - d).abs() < 1e-6);
    }

    #[test]
    fn points_off_the_earth_are_refused_with_the_reason() {
        assert!(
            GeoPoint::new(91.0, 0.0)
                .problem()
                .unwrap()
                .contains("latitude")
        );
        assert!(
            GeoPoint::new(0.0, f64::NAN)
                .problem()
                .unwrap()
                .contains("longitude")
        );
        assert_eq!(GeoPoint::new(49.0, 4.0).problem(), None);
    }
}
