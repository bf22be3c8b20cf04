//! The exact solver behind the arbitration: a 0-1 program
//!
//! ```text
//! maximise   Σ value[i]·x[i]
//! subject to Σ cost[i]·x[i] ≤ budget
//!            Σ row.coefs[i]·x[i] ≤ row.rhs      for every row
//!            Σ x[i] ≥ 1 over the items of cover k, for every cover
//!            x[i] ∈ {0, 1}
//! ```
//!
//! solved by depth-first branch and bound. Integers are exact (i128 sums);
//! only the bound is computed in floating point, with a margin that keeps it
//! an upper bound.
//!
//! - **Order.** Items are branched on in decreasing value per unit of cost
//!   (cross-multiplied, exact), ties by index, always trying "keep" before
//!   "drop". Leaves are therefore met in decreasing lexicographic order of
//!   their keep-vectors read in that order, which is what makes the
//!   tie-break below cheap: a later leaf never wins a tie.
//! - **Tie-break.** Among optimal selections, the one with the least cost;
//!   among those, the one that, at the first item (in the order above) where
//!   two differ, keeps it.
//! - **Bound.** A Lagrangian relaxation: every row and cover is moved to the
//!   objective with multipliers λ ≥ 0 found once at the root by subgradient
//!   steps, the budget row is kept, and the relaxed problem is a fractional
//!   knapsack solved greedily (Dantzig's bound). Any λ ≥ 0 gives an upper
//!   bound, so a poor λ slows the search but never makes it wrong. Since
//!   values are non-negative, a bound below zero proves a subtree infeasible.
//! - **Feasibility.** At each branch, every row is checked against the
//!   smallest left-hand side the undecided items could still reach, and the
//!   cheapest way to satisfy the uncovered covers (a table over subsets of
//!   covers, built once) must fit in the budget left.
//! - **Ties in the search.** A subtree is explored only if it could beat the
//!   incumbent on value, or equal its value at a strictly smaller cost
//!   (bounded below by a fractional cover of the missing value).

use std::cmp::Ordering;

/// A linear row `Σ coefs[i]·x[i] ≤ rhs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// One coefficient per item.
    pub coefs: Vec<i64>,
    /// Right-hand side.
    pub rhs: i64,
}

/// The program to solve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Value of each item (the objective).
    pub values: Vec<u64>,
    /// Cost of each item against the budget; at least 1 for the tie-break's
    /// pruning to be exact.
    pub costs: Vec<u64>,
    /// The budget.
    pub budget: u64,
    /// Other rows.
    pub rows: Vec<Row>,
    /// Covers: for each, which items satisfy it. At most 8 (the search keeps
    /// a table over their subsets).
    pub covers: Vec<Vec<bool>>,
}

/// An optimal selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solution {
    /// Which items are kept.
    pub keep: Vec<bool>,
    /// Total value.
    pub value: u64,
    /// Total cost.
    pub cost: u64,
    /// Nodes explored, for benchmarks and curiosity.
    pub nodes: u64,
}

/// The order the solver branches in, which the tie-break follows: value per
/// unit of cost, highest first, then index.
pub fn tie_break_order(values: &[u64], costs: &[u64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| {
        // v_a / c_a > v_b / c_b  ⇔  v_a·c_b > v_b·c_a (costs are ≥ 0; a zero
        // cost with a positive value is an infinite ratio and comes first).
        let left = u128::from(values[a]) * u128::from(costs[b]);
        let right = u128::from(values[b]) * u128::from(costs[a]);
        right.cmp(&left).then(a.cmp(&b))
    });
    order
}

/// Whether selection `a` is preferred to `b` under the tie-break, given the
/// order from [`tie_break_order`]; both are assumed feasible.
pub fn better(a: (&[bool], u64, u64), b: (&[bool], u64, u64), order: &[usize]) -> bool {
    match a.1.cmp(&b.1) {
        Ordering::Greater => return true,
        Ordering::Less => return false,
        Ordering::Equal => {}
    }
    match a.2.cmp(&b.2) {
        Ordering::Less => return true,
        Ordering::Greater => return false,
        Ordering::Equal => {}
    }
    for &i in order {
        if a.0[i] != b.0[i] {
            return a.0[i];
        }
    }
    false
}

/// Whether `keep` satisfies every constraint of `problem`.
pub fn is_feasible(problem: &Problem, keep: &[bool]) -> bool {
    let cost: u128 = (0..keep.len())
        .filter(|&i| keep[i])
        .map(|i| u128::from(problem.costs[i]))
        .sum();
    if cost > u128::from(problem.budget) {
        return false;
    }
    let rows_ok = problem.rows.iter().all(|row| {
        let lhs: i128 = (0..keep.len())
            .filter(|&i| keep[i])
            .map(|i| i128::from(row.coefs[i]))
            .sum();
        lhs <= i128::from(row.rhs)
    });
    rows_ok
        && problem
            .covers
            .iter()
            .all(|cover| (0..keep.len()).any(|i| keep[i] && cover[i]))
}

/// The optimal selection under the tie-break, or `None` when no selection
/// meets every constraint.
pub fn solve(problem: &Problem) -> Option<Solution> {
    Search::new(problem).run()
}

const INFEASIBLE_COST: u128 = u128::MAX / 4;

/// The most covers a problem may have.
pub const MAX_COVERS: usize = 8;

struct Search<'a> {
    p: &'a Problem,
    n: usize,
    /// Branching order (positions → item).
    order: Vec<usize>,
    /// Prefix sums of value and cost along `order`, for the cost bound.
    prefix_value: Vec<u128>,
    prefix_cost: Vec<u128>,
    /// For each row, Σ over positions ≥ p of min(0, coef).
    row_min_suffix: Vec<Vec<i128>>,
    /// For each position p and subset of covers, the least cost of items at
    /// positions ≥ p satisfying them all (INFEASIBLE_COST if none can).
    cover_suffix: Vec<Vec<u128>>,
    /// Cover bits of each item.
    cover_bits: Vec<u32>,
    all_covers: u32,
    /// Lagrangian data: multipliers and adjusted values, and the items with
    /// a positive adjusted value sorted by adjusted value per cost.
    lambda_rhs: f64,
    adjusted: Vec<f64>,
    /// Relaxed-row weights λ_j / scale_j for the incumbent-side term.
    row_lambda: Vec<f64>,
    cover_lambda: Vec<f64>,
    relaxed_order: Vec<usize>,
    /// Position of each item in `order`.
    position: Vec<usize>,
    // Search state.
    keep: Vec<bool>,
    lhs: Vec<i128>,
    best: Option<(Vec<bool>, u64, u64)>,
    nodes: u64,
}

impl<'a> Search<'a> {
    fn new(p: &'a Problem) -> Search<'a> {
        let n = p.values.len();
        let order = tie_break_order(&p.values, &p.costs);
        let mut position = vec![0; n];
        for (pos, &i) in order.iter().enumerate() {
            position[i] = pos;
        }
        let mut prefix_value = vec![0u128; n + 1];
        let mut prefix_cost = vec![0u128; n + 1];
        for (pos, &i) in order.iter().enumerate() {
            prefix_value[pos + 1] = prefix_value[pos] + u128::from(p.values[i]);
            prefix_cost[pos + 1] = prefix_cost[pos] + u128::from(p.costs[i]);
        }
        let row_min_suffix = p
            .rows
            .iter()
            .map(|row| {
                let mut suffix = vec![0i128; n + 1];
                for pos in (0..n).rev() {
                    suffix[pos] = suffix[pos + 1] + i128::from(row.coefs[order[pos]].min(0));
                }
                suffix
            })
            .collect();
        let k = p.covers.len();
        assert!(k <= MAX_COVERS, "at most {MAX_COVERS} covers");
        let cover_bits: Vec<u32> = (0..n)
            .map(|i| {
                (0..k)
                    .filter(|&c| p.covers[c][i])
                    .fold(0u32, |bits, c| bits | (1 << c))
            })
            .collect();
        let subsets = 1usize << k;
        let mut cover_suffix = vec![vec![INFEASIBLE_COST; subsets]; n + 1];
        cover_suffix[n][0] = 0;
        for pos in (0..n).rev() {
            let i = order[pos];
            let (head, tail) = cover_suffix.split_at_mut(pos + 1);
            let next = &tail[0];
            let here = &mut head[pos];
            for mask in 0..subsets {
                let without = next[mask];
                let rest = mask & !(cover_bits[i] as usize);
                let with = next[rest].saturating_add(u128::from(p.costs[i]));
                here[mask] = without.min(with).min(INFEASIBLE_COST);
            }
        }
        let all_covers = ((1u64 << k) - 1) as u32;
        Search {
            p,
            n,
            order,
            prefix_value,
            prefix_cost,
            row_min_suffix,
            cover_suffix,
            cover_bits,
            all_covers,
            lambda_rhs: 0.0,
            adjusted: p.values.iter().map(|&v| v as f64).collect(),
            row_lambda: vec![0.0; p.rows.len()],
            cover_lambda: vec![0.0; k],
            relaxed_order: Vec::new(),
            position,
            keep: vec![false; n],
            lhs: vec![0; p.rows.len()],
            best: None,
            nodes: 0,
        }
    }

    fn run(mut self) -> Option<Solution> {
        if !self.node_feasible(0, 0, 0) {
            return None;
        }
        if !self.choose_multipliers() {
            return None;
        }
        self.dfs(0, 0, 0, 0);
        let nodes = self.nodes;
        self.best.map(|(keep, value, cost)| Solution {
            keep,
            value,
            cost,
            nodes,
        })
    }

    /// Whether some completion of the node could meet every row and cover.
    fn node_feasible(&self, pos: usize, used: u128, covered: u32) -> bool {
        let left = u128::from(self.p.budget) - used;
        let missing = (self.all_covers & !covered) as usize;
        if self.cover_suffix[pos][missing] > left {
            return false;
        }
        self.p
            .rows
            .iter()
            .enumerate()
            .all(|(j, row)| self.lhs[j] + self.row_min_suffix[j][pos] <= i128::from(row.rhs))
    }

    fn dfs(&mut self, pos: usize, used: u128, value: u128, covered: u32) {
        self.nodes += 1;
        if pos == self.n {
            let value = value as u64;
            let cost = used as u64;
            let candidate = (self.keep.as_slice(), value, cost);
            let wins = match &self.best {
                None => true,
                Some((keep, v, c)) => better(candidate, (keep, *v, *c), &self.order),
            };
            if wins {
                self.best = Some((self.keep.clone(), value, cost));
            }
            return;
        }
        if self.prune(pos, used, value) {
            return;
        }
        let i = self.order[pos];
        // Keep first: the tie-break relies on it.
        let cost = u128::from(self.p.costs[i]);
        if used + cost <= u128::from(self.p.budget) {
            self.keep[i] = true;
            for (j, row) in self.p.rows.iter().enumerate() {
                self.lhs[j] += i128::from(row.coefs[i]);
            }
            let now_covered = covered | self.cover_bits[i];
            if self.node_feasible(pos + 1, used + cost, now_covered) {
                self.dfs(
                    pos + 1,
                    used + cost,
                    value + u128::from(self.p.values[i]),
                    now_covered,
                );
            }
            for (j, row) in self.p.rows.iter().enumerate() {
                self.lhs[j] -= i128::from(row.coefs[i]);
            }
            self.keep[i] = false;
        }
        if self.node_feasible(pos + 1, used, covered) {
            self.dfs(pos + 1, used, value, covered);
        }
    }

    /// Whether no completion of the node can beat the incumbent.
    fn prune(&self, pos: usize, used: u128, value: u128) -> bool {
        let bound = self.upper_bound(pos, used, value);
        let (best_value, best_cost) = match &self.best {
            // Values are non-negative: a negative bound proves infeasibility.
            None => return bound < 0,
            Some((_, v, c)) => (i128::from(*v), u128::from(*c)),
        };
        if bound < best_value {
            return true;
        }
        if bound > best_value {
            return false;
        }
        // Only an equal value at a smaller cost could still win; a later
        // leaf with equal value and cost loses the tie-break.
        let missing = best_value - value as i128;
        let least_cost = used + self.least_cost_for(pos, missing.max(0) as u128);
        least_cost >= best_cost
    }

    /// A lower bound on the cost of gaining `missing` value from the items
    /// at positions ≥ pos: take them in order of value per cost, the last
    /// one fractionally (ceiling, since costs are whole).
    fn least_cost_for(&self, pos: usize, missing: u128) -> u128 {
        if missing == 0 {
            return 0;
        }
        let base_v = self.prefix_value[pos];
        let base_c = self.prefix_cost[pos];
        // First position k such that the prefix from pos to k reaches it.
        let k = self.prefix_value[pos..].partition_point(|&pv| pv - base_v < missing) + pos;
        if k > self.n {
            return INFEASIBLE_COST;
        }
        let (full_v, full_c) = (
            self.prefix_value[k - 1] - base_v,
            self.prefix_cost[k - 1] - base_c,
        );
        let i = self.order[k - 1];
        let still = missing - full_v;
        let (v, c) = (u128::from(self.p.values[i]), u128::from(self.p.costs[i]));
        // still ≤ v here; the fraction of cost needed is still·c / v.
        full_c + (still * c).div_ceil(v.max(1))
    }

    /// An integer upper bound on the value of any completion of the node.
    fn upper_bound(&self, pos: usize, used: u128, value: u128) -> i128 {
        let mut bound = value as f64 + self.lambda_rhs;
        for (j, lhs) in self.lhs.iter().enumerate() {
            bound -= self.row_lambda[j] * *lhs as f64;
        }
        if !self.cover_lambda.is_empty() {
            for &i in self.order[..pos].iter().filter(|&&i| self.keep[i]) {
                for (c, lambda) in self.cover_lambda.iter().enumerate() {
                    if self.cover_bits[i] & (1 << c) != 0 {
                        bound += lambda;
                    }
                }
            }
        }
        let mut left = (u128::from(self.p.budget) - used) as f64;
        for &i in &self.relaxed_order {
            if self.position[i] < pos {
                continue;
            }
            let cost = self.p.costs[i] as f64;
            if cost <= left {
                bound += self.adjusted[i];
                left -= cost;
            } else {
                bound += self.adjusted[i] * left / cost;
                break;
            }
        }
        // The float sum may be off by a few ulps: widen before flooring so
        // the bound stays an upper bound of the exact one.
        let margin = 1e-6 + bound.abs() * 1e-9;
        (bound + margin).floor() as i128
    }

    /// Subgradient steps on the multipliers at the root. Returns false when
    /// the relaxation proves the program infeasible.
    fn choose_multipliers(&mut self) -> bool {
        let m = self.p.rows.len();
        let k = self.p.covers.len();
        if m + k == 0 {
            self.set_multipliers(&[], &[]);
            return true;
        }
        // Rows are scaled to a largest coefficient of 1 so that one step size
        // suits them all; a multiplier on a scaled row is a multiplier on the
        // original divided by its scale.
        let scales: Vec<f64> = self
            .p
            .rows
            .iter()
            .map(|r| {
                r.coefs
                    .iter()
                    .map(|c| c.unsigned_abs())
                    .max()
                    .unwrap_or(0)
                    .max(r.rhs.unsigned_abs())
                    .max(1) as f64
            })
            .collect();
        let mut lambda = vec![0.0f64; m + k];
        let mut best_lambda = lambda.clone();
        let mut best_l = f64::INFINITY;
        let mut theta = 2.0;
        let mut since_improvement = 0;
        let target = 0.0;
        for _ in 0..120 {
            let (row_l, cover_l): (Vec<f64>, Vec<f64>) = (
                (0..m).map(|j| lambda[j] / scales[j]).collect(),
                lambda[m..].to_vec(),
            );
            self.set_multipliers(&row_l, &cover_l);
            let (l, x) = self.relaxed_root();
            if l < best_l - 1e-9 * best_l.abs().max(1.0) {
                best_l = l;
                best_lambda.clone_from(&lambda);
                since_improvement = 0;
            } else {
                since_improvement += 1;
                if since_improvement >= 8 {
                    theta /= 2.0;
                    since_improvement = 0;
                }
            }
            if best_l < -1e-6 {
                break;
            }
            let mut g = vec![0.0f64; m + k];
            for (j, row) in self.p.rows.iter().enumerate() {
                let ax: f64 = x
                    .iter()
                    .map(|&(i, share)| row.coefs[i] as f64 * share)
                    .sum();
                g[j] = (row.rhs as f64 - ax) / scales[j];
            }
            for c in 0..k {
                let covered: f64 = x
                    .iter()
                    .filter(|&&(i, _)| self.p.covers[c][i])
                    .map(|&(_, share)| share)
                    .sum();
                g[m + c] = covered - 1.0;
            }
            let norm: f64 = g.iter().map(|v| v * v).sum();
            if norm < 1e-18 || theta < 1e-6 {
                break;
            }
            let step = theta * (l - target).max(1e-3 * l.abs().max(1.0)) / norm;
            for (lj, gj) in lambda.iter_mut().zip(&g) {
                *lj = (*lj - step * gj).max(0.0);
            }
        }
        let row_l: Vec<f64> = (0..m).map(|j| best_lambda[j] / scales[j]).collect();
        self.set_multipliers(&row_l, &best_lambda[m..]);
        // The relaxation's optimum is an upper bound of every feasible value,
        // which is at least zero.
        self.upper_bound(0, 0, 0) >= 0
    }

    fn set_multipliers(&mut self, rows: &[f64], covers: &[f64]) {
        self.row_lambda = rows.to_vec();
        if self.row_lambda.is_empty() {
            self.row_lambda = vec![0.0; self.p.rows.len()];
        }
        self.cover_lambda = covers.to_vec();
        if self.cover_lambda.is_empty() {
            self.cover_lambda = vec![0.0; self.p.covers.len()];
        }
        self.lambda_rhs = self
            .p
            .rows
            .iter()
            .zip(&self.row_lambda)
            .map(|(r, l)| l * r.rhs as f64)
            .sum::<f64>()
            - self.cover_lambda.iter().sum::<f64>();
        for i in 0..self.n {
            let mut v = self.p.values[i] as f64;
            for (row, l) in self.p.rows.iter().zip(&self.row_lambda) {
                v -= l * row.coefs[i] as f64;
            }
            for (c, l) in self.cover_lambda.iter().enumerate() {
                if self.p.covers[c][i] {
                    v += l;
                }
            }
            self.adjusted[i] = v;
        }
        let mut relaxed: Vec<usize> = (0..self.n).filter(|&i| self.adjusted[i] > 0.0).collect();
        relaxed.sort_by(|&a, &b| {
            let ra = self.adjusted[a] / (self.p.costs[a] as f64).max(f64::MIN_POSITIVE);
            let rb = self.adjusted[b] / (self.p.costs[b] as f64).max(f64::MIN_POSITIVE);
            rb.total_cmp(&ra).then(a.cmp(&b))
        });
        self.relaxed_order = relaxed;
    }

    /// The relaxation's value at the root and its fractional solution.
    fn relaxed_root(&self) -> (f64, Vec<(usize, f64)>) {
        let mut value = self.lambda_rhs;
        let mut left = self.p.budget as f64;
        let mut x = Vec::new();
        for &i in &self.relaxed_order {
            let cost = self.p.costs[i] as f64;
            if cost <= left {
                value += self.adjusted[i];
                left -= cost;
                x.push((i, 1.0));
            } else {
                let share = left / cost;
                value += self.adjusted[i] * share;
                x.push((i, share));
                break;
            }
        }
        (value, x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute(p: &Problem) -> Option<(Vec<bool>, u64, u64)> {
        let n = p.values.len();
        let order = tie_break_order(&p.values, &p.costs);
        let mut best: Option<(Vec<bool>, u64, u64)> = None;
        for mask in 0u32..(1 << n) {
            let keep: Vec<bool> = (0..n).map(|i| mask & (1 << i) != 0).collect();
            if !is_feasible(p, &keep) {
                continue;
            }
            let v = (0..n).filter(|&i| keep[i]).map(|i| p.values[i]).sum();
            let c = (0..n).filter(|&i| keep[i]).map(|i| p.costs[i]).sum();
            let wins = best
                .as_ref()
                .is_none_or(|(bk, bv, bc)| better((&keep, v, c), (bk, *bv, *bc), &order));
            if wins {
                best = Some((keep, v, c));
            }
        }
        best
    }

    #[test]
    fn a_plain_knapsack_keeps_the_best_pair() {
        let p = Problem {
            values: vec![60, 100, 120],
            costs: vec![10, 20, 30],
            budget: 50,
            rows: vec![],
            covers: vec![],
        };
        let s = solve(&p).unwrap();
        assert_eq!(s.keep, vec![false, true, true]);
        assert_eq!((s.value, s.cost), (220, 50));
    }

    #[test]
    fn identical_items_tie_on_the_first_listed_without_exploring_every_tie() {
        let p = Problem {
            values: vec![10; 200],
            costs: vec![5; 200],
            budget: 50,
            rows: vec![],
            covers: vec![vec![true; 200]],
        };
        let s = solve(&p).unwrap();
        assert_eq!(s.value, 100);
        assert_eq!(s.keep.iter().filter(|k| **k).count(), 10);
        assert!(s.keep[..10].iter().all(|k| *k));
        assert!(s.nodes < 5_000, "{} nodes", s.nodes);
    }

    #[test]
    fn an_uncoverable_cover_is_infeasible() {
        let p = Problem {
            values: vec![1, 2],
            costs: vec![1, 1],
            budget: 10,
            rows: vec![],
            covers: vec![vec![false, false]],
        };
        assert_eq!(solve(&p), None);
    }

    #[test]
    fn small_mixed_instances_match_brute_force() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |bound: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % bound
        };
        for _ in 0..300 {
            let n = 1 + next(10) as usize;
            let values: Vec<u64> = (0..n).map(|_| next(50)).collect();
            let costs: Vec<u64> = (0..n).map(|_| 1 + next(30)).collect();
            let budget = next(120);
            let rows = (0..next(3))
                .map(|_| Row {
                    coefs: (0..n).map(|_| next(21) as i64 - 10).collect(),
                    rhs: next(20) as i64 - 5,
                })
                .collect();
            let covers = (0..next(3))
                .map(|_| (0..n).map(|_| next(3) == 0).collect())
                .collect();
            let p = Problem {
                values,
                costs,
                budget,
                rows,
                covers,
            };
            let got = solve(&p).map(|s| (s.keep, s.value, s.cost));
            assert_eq!(got, brute(&p), "{p:?}");
        }
    }
}
