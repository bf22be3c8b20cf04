//! Cover inequalities that tighten the root relaxation before the search.
//!
//! For a row `Σ a[i]·x[i] ≤ b` with non-negative coefficients (the budget,
//! an orientation's share of the envelope), any set C of items whose
//! coefficients add up to more than b cannot all be kept: `Σ_{i∈C} x[i] ≤
//! |C| − 1`, and so for the extended set of C with every item whose
//! coefficient is at least C's largest. Every 0-1 plan meets these, so
//! adding them changes no answer; they cut off fractional points of the
//! linear relaxation, which makes the bound tighter and the search smaller.
//!
//! Separation is the usual greedy one: from the relaxation's optimum x*,
//! items are taken by (1 − x*[i]) / a[i] until they overflow the row, and
//! the cover is kept when x* breaks it.

use super::relaxation::Multipliers;
use super::solver::{Problem, Row};

/// Rounds of separation at the root, at most.
const ROUNDS: usize = 12;
/// Cuts added in all, at most.
const MAX_CUTS: usize = 400;

/// `problem` with the cover inequalities its root relaxation breaks added
/// as rows.
pub(super) fn with_cover_cuts(problem: &Problem) -> Problem {
    let n = problem.values.len();
    let mut augmented = problem.clone();
    // The rows cuts are drawn from: the budget and every other row of the
    // problem (a row with negative coefficients is read with those items
    // complemented, see `Knapsack`).
    let mut sources: Vec<Row> = vec![Row {
        coefs: problem.costs.iter().map(|&c| c as i64).collect(),
        rhs: problem.budget.min(i64::MAX as u64) as i64,
    }];
    sources.extend(problem.rows.iter().cloned());
    let mut added = 0;
    for _ in 0..ROUNDS {
        let root = Multipliers::at_node(&augmented, &vec![None; n], 0, 0);
        let Some(x) = &root.primal else {
            break;
        };
        let mut new_cuts = Vec::new();
        for row in &sources {
            for cut in [separate(row, x), separate_lifted(row, x)]
                .into_iter()
                .flatten()
            {
                if !augmented.rows.contains(&cut) && !new_cuts.contains(&cut) {
                    new_cuts.push(cut);
                }
            }
        }
        if new_cuts.is_empty() {
            break;
        }
        added += new_cuts.len();
        augmented.rows.extend(new_cuts);
        if added >= MAX_CUTS {
            break;
        }
    }
    // Cuts the final relaxation leaves slack only slow every node down.
    let original = problem.rows.len();
    if augmented.rows.len() > original {
        let root = Multipliers::at_node(&augmented, &vec![None; n], 0, 0);
        if let Some(x) = &root.primal {
            let tight = |row: &Row| {
                let lhs: f64 = row.coefs.iter().zip(x).map(|(&c, &v)| c as f64 * v).sum();
                lhs >= row.rhs as f64 - 1e-6
            };
            let cuts = augmented.rows.split_off(original);
            augmented.rows.extend(cuts.into_iter().filter(tight));
        }
    }
    augmented
}

/// The extended cover inequality of `row` that `x` breaks, if the greedy
/// finds one (rows with non-negative coefficients only).
fn separate(row: &Row, x: &[f64]) -> Option<Row> {
    if row.rhs < 0 || row.coefs.iter().any(|&c| c < 0) {
        return None;
    }
    let mut candidates: Vec<usize> = (0..x.len()).filter(|&i| row.coefs[i] > 0).collect();
    candidates.sort_by(|&a, &b| {
        let key = |i: usize| (1.0 - x[i]) / row.coefs[i] as f64;
        key(a).total_cmp(&key(b)).then(a.cmp(&b))
    });
    let mut cover = Vec::new();
    let mut total: i128 = 0;
    for i in candidates {
        cover.push(i);
        total += i128::from(row.coefs[i]);
        if total > i128::from(row.rhs) {
            break;
        }
    }
    if total <= i128::from(row.rhs) || cover.len() < 2 {
        return None;
    }
    let size = cover.len() as i64;
    let largest = cover.iter().map(|&i| row.coefs[i]).max().unwrap_or(0);
    let mut coefs = vec![0i64; x.len()];
    for &i in &cover {
        coefs[i] = 1;
    }
    for (i, c) in coefs.iter_mut().enumerate() {
        if row.coefs[i] >= largest {
            *c = 1;
        }
    }
    let lhs: f64 = coefs.iter().zip(x).map(|(&c, &v)| c as f64 * v).sum();
    (lhs > (size - 1) as f64 + 1e-6).then_some(Row {
        coefs,
        rhs: size - 1,
    })
}

/// A row read as a knapsack with non-negative weights: the items with a
/// negative coefficient are complemented (x̄ = 1 − x), which adds their
/// magnitude to the right-hand side.
struct Knapsack {
    weights: Vec<i128>,
    complemented: Vec<bool>,
    capacity: i128,
}

impl Knapsack {
    fn of(row: &Row) -> Knapsack {
        let complemented: Vec<bool> = row.coefs.iter().map(|&c| c < 0).collect();
        let weights: Vec<i128> = row.coefs.iter().map(|&c| i128::from(c).abs()).collect();
        let capacity = i128::from(row.rhs)
            - row
                .coefs
                .iter()
                .filter(|&&c| c < 0)
                .map(|&c| i128::from(c))
                .sum::<i128>();
        Knapsack {
            weights,
            complemented,
            capacity,
        }
    }
}

/// The lifted cover inequality of `row` that `x` breaks, if one is found:
/// a minimal cover C chosen greedily from `x` (items near 1 first), then
/// every other item lifted in exactly, one after the other (sequential
/// up-lifting): its coefficient is |C| − 1 minus the most the inequality's
/// left-hand side can reach among the items already in it when that item
/// takes its share of the capacity. Exact integer arithmetic throughout, so
/// the inequality holds for every 0-1 point meeting the row.
fn separate_lifted(row: &Row, x: &[f64]) -> Option<Row> {
    let k = Knapsack::of(row);
    if k.capacity < 0 {
        return None;
    }
    let n = x.len();
    // The point in the complemented variables.
    let y: Vec<f64> = (0..n)
        .map(|i| if k.complemented[i] { 1.0 - x[i] } else { x[i] })
        .collect();
    let mut candidates: Vec<usize> = (0..n)
        .filter(|&i| k.weights[i] > 0 && k.weights[i] <= k.capacity)
        .collect();
    candidates.sort_by(|&a, &b| {
        let key = |i: usize| (1.0 - y[i]) / k.weights[i] as f64;
        key(a).total_cmp(&key(b)).then(a.cmp(&b))
    });
    let mut cover = Vec::new();
    let mut total: i128 = 0;
    for i in candidates {
        cover.push(i);
        total += k.weights[i];
        if total > k.capacity {
            break;
        }
    }
    if total <= k.capacity || cover.len() < 2 {
        return None;
    }
    // Minimal: drop the items least worth keeping while it stays a cover.
    cover.sort_by(|&a, &b| y[a].total_cmp(&y[b]).then(a.cmp(&b)));
    let mut minimal = Vec::new();
    for (position, &i) in cover.iter().enumerate() {
        let rest = total - k.weights[i];
        if rest > k.capacity && position + 1 < cover.len() {
            total = rest;
        } else {
            minimal.push(i);
        }
    }
    let cover = minimal;
    let size = cover.len();
    if size < 2 {
        return None;
    }
    let top = size - 1;
    let mut coefs = vec![0i64; n];
    for &i in &cover {
        coefs[i] = 1;
    }
    // least[v]: the least weight with which the items already in the
    // inequality reach a left-hand side of at least v.
    let mut least = vec![i128::MAX; top + 2];
    least[0] = 0;
    let add = |least: &mut Vec<i128>, weight: i128, coef: usize| {
        if coef == 0 {
            return;
        }
        for v in (0..least.len()).rev() {
            let from = v.saturating_sub(coef);
            if least[from] != i128::MAX {
                let with = least[from] + weight;
                if with < least[v] {
                    least[v] = with;
                }
            }
        }
    };
    for &i in &cover {
        add(&mut least, k.weights[i], 1);
    }
    let mut others: Vec<usize> = (0..n)
        .filter(|&i| k.weights[i] > 0 && coefs[i] == 0)
        .collect();
    others.sort_by(|&a, &b| y[b].total_cmp(&y[a]).then(a.cmp(&b)));
    for j in others {
        let room = k.capacity - k.weights[j];
        let alpha = if room < 0 {
            // The item alone overflows the row: it is never kept (or,
            // complemented, never dropped), any coefficient up to |C| − 1
            // holds.
            top
        } else {
            let reach = (0..=top).rev().find(|&v| least[v] <= room).unwrap_or(0);
            top - reach
        };
        if alpha > 0 {
            coefs[j] = alpha as i64;
            add(&mut least, k.weights[j], alpha);
        }
    }
    let lhs: f64 = (0..n).map(|i| coefs[i] as f64 * y[i]).sum();
    if lhs <= top as f64 + 1e-6 {
        return None;
    }
    // Back to the original variables: c·(1 − x) = c − c·x.
    let mut rhs = top as i64;
    for (c, &flipped) in coefs.iter_mut().zip(&k.complemented) {
        if flipped && *c != 0 {
            rhs -= *c;
            *c = -*c;
        }
    }
    Some(Row { coefs, rhs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fractional_knapsack_point_is_cut_off_by_its_cover() {
        // 3 items of 6 in a row of 10: x* = (1, 0.67, 0) breaks x0 + x1 ≤ 1.
        let row = Row {
            coefs: vec![6, 6, 6],
            rhs: 10,
        };
        let cut = separate(&row, &[1.0, 0.67, 0.0]).unwrap();
        assert_eq!(cut.rhs, 1);
        // Extended to the third item, as large as the cover's largest.
        assert_eq!(cut.coefs, vec![1, 1, 1]);
        assert!(separate(&row, &[1.0, 0.0, 0.0]).is_none());
    }

    /// Every 0-1 point of a small row meets its lifted cover inequality.
    #[test]
    fn lifted_covers_hold_for_every_plan_of_small_rows() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |bound: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % bound
        };
        let mut found = 0;
        for _ in 0..400 {
            let n = 2 + next(9) as usize;
            let row = Row {
                coefs: (0..n).map(|_| next(41) as i64 - 12).collect(),
                rhs: next(60) as i64 - 10,
            };
            let x: Vec<f64> = (0..n).map(|_| next(101) as f64 / 100.0).collect();
            let Some(cut) = separate_lifted(&row, &x) else {
                continue;
            };
            found += 1;
            for mask in 0u32..(1 << n) {
                let lhs = |coefs: &[i64]| -> i64 {
                    (0..n)
                        .filter(|&i| mask & (1 << i) != 0)
                        .map(|i| coefs[i])
                        .sum()
                };
                if lhs(&row.coefs) <= row.rhs {
                    assert!(lhs(&cut.coefs) <= cut.rhs, "{row:?} {cut:?} {mask:b}");
                }
            }
        }
        assert!(found > 20, "{found} cuts");
    }
}
