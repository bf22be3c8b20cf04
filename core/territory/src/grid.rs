//! A uniform grid over points of the Earth, for nearest-point and
//! within-radius queries that do not compare every pair.
//!
//! The points are placed by their position vector from the Earth's centre
//! (kilometres) into cubic cells. Chord length grows with great-circle
//! distance, so a cell that is far in straight-line terms is far on the
//! sphere too, and pruning is exact; the distances that decide anything are
//! still computed with the haversine formula (see [`crate::geo`]). A cube
//! grid rather than a latitude/longitude one avoids reasoning about meridians
//! converging, at the price of a few nearly empty layers of cells across the
//! curvature of the area.

use crate::geo::{
    GeoPoint, chord_for_great_circle_km, great_circle_for_chord_km, great_circle_km, metres,
};

/// At most this many cells per indexed point (plus a small constant): keeps
/// the grid's memory linear in the number of points whatever their spread.
const MAX_CELLS_PER_POINT: usize = 8;

/// Points of the Earth bucketed into cubic cells.
#[derive(Debug, Clone)]
pub(crate) struct SphereGrid {
    points: Vec<GeoPoint>,
    vectors: Vec<[f64; 3]>,
    origin: [f64; 3],
    cell_km: f64,
    dims: [usize; 3],
    /// `cell_start[c]..cell_start[c + 1]` is the range of `items` in cell `c`.
    cell_start: Vec<u32>,
    items: Vec<u32>,
}

impl SphereGrid {
    /// Indexes `points`; a query answers with positions in this slice.
    /// `cell_km` is a wish: it is enlarged when the points are so spread out
    /// that the grid would hold too many cells.
    pub(crate) fn new(points: &[GeoPoint], cell_km: f64) -> Self {
        let vectors: Vec<[f64; 3]> = points.iter().map(|p| p.to_vector_km()).collect();
        let mut min = [f64::INFINITY; 3];
        let mut max = [f64::NEG_INFINITY; 3];
        for v in &vectors {
            for axis in 0..3 {
                min[axis] = min[axis].min(v[axis]);
                max[axis] = max[axis].max(v[axis]);
            }
        }
        if vectors.is_empty() {
            min = [0.0; 3];
            max = [0.0; 3];
        }
        let max_cells = MAX_CELLS_PER_POINT * points.len() + 64;
        let mut cell_km = if cell_km.is_finite() && cell_km > 0.0 {
            cell_km
        } else {
            1.0
        };
        let dims = loop {
            let dims: [usize; 3] =
                std::array::from_fn(|axis| ((max[axis] - min[axis]) / cell_km) as usize + 1);
            if dims.iter().product::<usize>() <= max_cells {
                break dims;
            }
            cell_km *= 1.5;
        };

        let cell_of = |v: &[f64; 3]| -> usize {
            let c: [usize; 3] = std::array::from_fn(|axis| {
                (((v[axis] - min[axis]) / cell_km) as usize).min(dims[axis] - 1)
            });
            linear(dims, c)
        };
        let cell_count = dims.iter().product::<usize>();
        let mut counts = vec![0u32; cell_count + 1];
        for v in &vectors {
            counts[cell_of(v) + 1] += 1;
        }
        for c in 1..counts.len() {
            counts[c] += counts[c - 1];
        }
        let mut fill = counts.clone();
        let mut items = vec![0u32; vectors.len()];
        for (i, v) in vectors.iter().enumerate() {
            let c = cell_of(v);
            items[fill[c] as usize] = i as u32;
            fill[c] += 1;
        }
        SphereGrid {
            points: points.to_vec(),
            vectors,
            origin: min,
            cell_km,
            dims,
            cell_start: counts,
            items,
        }
    }

    /// A cell size suited to nearest-point queries: about two points per
    /// cell of the area the points cover.
    pub(crate) fn cell_for_nearest(points: &[GeoPoint]) -> f64 {
        let spread = bounding_extents(points);
        // The two largest extents approximate the surface the points cover.
        let mut sorted = spread;
        sorted.sort_by(f64::total_cmp);
        let area = (sorted[1].max(1.0)) * (sorted[2].max(1.0));
        (2.0 * area / points.len().max(1) as f64).sqrt().max(1.0)
    }

    /// The cell (clamped to the grid) that holds, or is nearest to, `v`.
    fn cell_coords(&self, v: &[f64; 3]) -> [isize; 3] {
        std::array::from_fn(|axis| {
            let c = ((v[axis] - self.origin[axis]) / self.cell_km).floor();
            (c.max(0.0) as isize).min(self.dims[axis] as isize - 1)
        })
    }

    fn cell_items(&self, c: [isize; 3]) -> &[u32] {
        let c = linear(self.dims, c.map(|x| x as usize));
        &self.items[self.cell_start[c] as usize..self.cell_start[c + 1] as usize]
    }

    /// Calls `visit` with every cell at Chebyshev distance exactly `ring`
    /// from `centre`, within the grid.
    fn for_each_cell_in_ring(
        &self,
        centre: [isize; 3],
        ring: isize,
        mut visit: impl FnMut(&[u32]),
    ) {
        let lo: [isize; 3] = std::array::from_fn(|a| (centre[a] - ring).max(0));
        let hi: [isize; 3] =
            std::array::from_fn(|a| (centre[a] + ring).min(self.dims[a] as isize - 1));
        for x in lo[0]..=hi[0] {
            let x_edge = (x - centre[0]).abs() == ring;
            for y in lo[1]..=hi[1] {
                let xy_edge = x_edge || (y - centre[1]).abs() == ring;
                if xy_edge {
                    for z in lo[2]..=hi[2] {
                        visit(self.cell_items([x, y, z]));
                    }
                } else {
                    // Only the two z faces of the shell are new at this ring.
                    for z in [centre[2] - ring, centre[2] + ring] {
                        if (lo[2]..=hi[2]).contains(&z) {
                            visit(self.cell_items([x, y, z]));
                        }
                    }
                }
            }
        }
    }

    /// The nearest indexed point to `query`, skipping those `skip` says to,
    /// with its distance in kilometres. Distances are compared in whole
    /// metres; at equal metres the point with the lowest position wins, so a
    /// caller that orders its points by a key gets ties broken by that key.
    pub(crate) fn nearest(
        &self,
        query: GeoPoint,
        skip: impl Fn(u32) -> bool,
    ) -> Option<(u32, f64)> {
        let v = query.to_vector_km();
        let centre = self.cell_coords(&v);
        let max_ring = *self.dims.iter().max().unwrap_or(&0) as isize;
        let mut best: Option<(u64, u32, f64)> = None;
        for ring in 0..=max_ring {
            self.for_each_cell_in_ring(centre, ring, |items| {
                for &i in items {
                    if skip(i) {
                        continue;
                    }
                    let d = great_circle_km(query, self.points[i as usize]);
                    let key = (metres(d), i);
                    if best.is_none_or(|(m, j, _)| key < (m, j)) {
                        best = Some((key.0, key.1, d));
                    }
                }
            });
            if let Some((best_metres, _, _)) = best {
                // Every point not yet seen lies in a ring beyond this one, so
                // at least `ring` whole cells away in a straight line. The
                // margin of one metre covers rounding to whole metres.
                let unseen_km = great_circle_for_chord_km(ring as f64 * self.cell_km);
                if unseen_km * 1000.0 > best_metres as f64 + 1.0 {
                    break;
                }
            }
        }
        best.map(|(_, i, d)| (i, d))
    }

    /// Calls `visit(position, distance_km)` for every indexed point whose
    /// distance to `query`, in whole metres, is at most `radius_km`'s.
    pub(crate) fn within(&self, query: GeoPoint, radius_km: f64, mut visit: impl FnMut(u32, f64)) {
        if self.points.is_empty() {
            return;
        }
        let v = query.to_vector_km();
        let limit = metres(radius_km);
        // Half a metre of slack on the chord keeps points at exactly the
        // radius, which the haversine test below then decides.
        let chord = chord_for_great_circle_km(radius_km) + 0.0005;
        let lo: [isize; 3] = std::array::from_fn(|a| {
            (((v[a] - chord - self.origin[a]) / self.cell_km).floor() as isize).max(0)
        });
        let hi: [isize; 3] = std::array::from_fn(|a| {
            (((v[a] + chord - self.origin[a]) / self.cell_km).floor() as isize)
                .min(self.dims[a] as isize - 1)
        });
        let chord_sq = chord * chord;
        for x in lo[0]..=hi[0] {
            for y in lo[1]..=hi[1] {
                for z in lo[2]..=hi[2] {
                    for &i in self.cell_items([x, y, z]) {
                        let w = &self.vectors[i as usize];
                        let sq = (0..3).map(|a| (w[a] - v[a]).powi(2)).sum::<f64>();
                        if sq > chord_sq {
                            continue;
                        }
                        let d = great_circle_km(query, self.points[i as usize]);
                        if metres(d) <= limit {
                            visit(i, d);
                        }
                    }
                }
            }
        }
    }
}

fn linear(dims: [usize; 3], c: [usize; 3]) -> usize {
    (c[0] * dims[1] + c[1]) * dims[2] + c[2]
}

/// Extent of the points' position vectors along each axis, in kilometres.
fn bounding_extents(points: &[GeoPoint]) -> [f64; 3] {
    let mut min = [f64::INFINITY; 3];
    let mut max = [f64::NEG_INFINITY; 3];
    for p in points {
        let v = p.to_vector_km();
        for a in 0..3 {
            min[a] = min[a].min(v[a]);
            max[a] = max[a].max(v[a]);
        }
    }
    std::array::from_fn(|a| (max[a] - min[a]).max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn brute_nearest(points: &[GeoPoint], q: GeoPoint, skip: Option<u32>) -> Option<(u32, u64)> {
        points
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i as u32) != skip)
            .map(|(i, p)| (metres(great_circle_km(q, *p)), i as u32))
            .min()
            .map(|(m, i)| (i, m))
    }

    fn point() -> impl Strategy<Value = GeoPoint> {
        // France's mainland box, a little enlarged.
        (41.0f64..51.5, -5.5f64..10.0).prop_map(|(lat, lon)| GeoPoint::new(lat, lon))
    }

    proptest! {
        #[test]
        fn nearest_agrees_with_comparing_every_point(
            points in proptest::collection::vec(point(), 1..80),
            queries in proptest::collection::vec(point(), 1..20),
            cell in 1.0f64..400.0,
            skip in 0u32..80,
        ) {
            let grid = SphereGrid::new(&points, cell);
            for q in queries {
                let got = grid.nearest(q, |i| i == skip).map(|(i, d)| (i, metres(d)));
                prop_assert_eq!(got, brute_nearest(&points, q, Some(skip)));
            }
        }

        #[test]
        fn within_agrees_with_comparing_every_point(
            points in proptest::collection::vec(point(), 0..120),
            q in point(),
            radius in 0.0f64..300.0,
            cell in 1.0f64..200.0,
        ) {
            let grid = SphereGrid::new(&points, cell);
            let mut got = Vec::new();
            grid.within(q, radius, |i, _| got.push(i));
            got.sort_unstable();
            let expected: Vec<u32> = (0..points.len() as u32)
                .filter(|&i| metres(great_circle_km(q, points[i as usize])) <= metres(radius))
                .collect();
            prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn duplicate_points_tie_to_the_lowest_position() {
        let p = GeoPoint::new(49.0, 4.0);
        let grid = SphereGrid::new(&[GeoPoint::new(48.0, 4.0), p, p], 10.0);
        assert_eq!(
            grid.nearest(GeoPoint::new(49.1, 4.0), |_| false).unwrap().0,
            1
        );
        assert_eq!(
            grid.nearest(GeoPoint::new(49.1, 4.0), |i| i == 1)
                .unwrap()
                .0,
            2
        );
    }

    #[test]
    fn a_grid_without_points_finds_nothing() {
        let grid = SphereGrid::new(&[], 10.0);
        assert_eq!(grid.nearest(GeoPoint::new(49.0, 4.0), |_| false), None);
        let mut n = 0;
        grid.within(GeoPoint::new(49.0, 4.0), 100.0, |_, _| n += 1);
        assert_eq!(n, 0);
    }

    #[test]
    fn points_spread_over_the_globe_keep_the_grid_small() {
        let points: Vec<GeoPoint> = (0..50)
            .map(|i| GeoPoint::new(-80.0 + 3.2 * i as f64, -170.0 + 6.8 * i as f64))
            .collect();
        let grid = SphereGrid::new(&points, 0.01);
        assert!(grid.cell_start.len() <= MAX_CELLS_PER_POINT * 50 + 65);
        let q = GeoPoint::new(0.0, 0.0);
        assert_eq!(
            grid.nearest(q, |_| false).map(|(i, d)| (i, metres(d))),
            brute_nearest(&points, q, None)
        );
    }
}
