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
const ROUNDS: usize = 5;
/// Cuts added in all, at most.
const MAX_CUTS: usize = 200;

/// `problem` with the cover inequalities its root relaxation breaks added
/// as rows.
pub(super) fn with_cover_cuts(problem: &Problem) -> Problem {
    let n = problem.values.len();
    let mut augmented = problem.clone();
    // The rows cuts are drawn from: the budget and the rows whose
    // coefficients are all non-negative.
    let mut sources: Vec<Row> = vec![Row {
        coefs: problem.costs.iter().map(|&c| c as i64).collect(),
        rhs: problem.budget.min(i64::MAX as u64) as i64,
    }];
    sources.extend(
        problem
            .rows
            .iter()
            .filter(|r| r.rhs >= 0 && r.coefs.iter().all(|&c| c >= 0))
            .cloned(),
    );
    let mut added = 0;
    for _ in 0..ROUNDS {
        let root = Multipliers::at_node(&augmented, &vec![None; n], 0, 0);
        let Some(x) = &root.primal else {
            break;
        };
        let mut new_cuts = Vec::new();
        for row in &sources {
            if let Some(cut) = separate(row, x)
                && !augmented.rows.contains(&cut)
                && !new_cuts.contains(&cut)
            {
                new_cuts.push(cut);
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
/// finds one.
fn separate(row: &Row, x: &[f64]) -> Option<Row> {
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
}
