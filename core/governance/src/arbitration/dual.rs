//! The linear relaxation of a search node, solved by a bounded dual simplex
//! warm-started from its parent's optimal tableau.
//!
//! A node differs from its parent by one or two items fixed at 0 or 1: the
//! parent's basis stays dual feasible, and a few dual pivots restore primal
//! feasibility, where solving from scratch takes a hundred. The relaxation
//! holds every row of the problem, the budget and the covers (`−Σ x ≤ −1`);
//! items are bounded in [0, 1] and fixing one sets both bounds.
//!
//! As with the root relaxation (see `lp`), only multipliers are taken from
//! here and the search's bound is valid for any non-negative multipliers,
//! so a numerical mishap in this floating point code can slow the search
//! down but never make its answer wrong.

use super::solver::Problem;

const EPS: f64 = 1e-9;
/// Pivots one node may take before giving up (the node then keeps its
/// parent's multipliers).
const MAX_PIVOTS: usize = 2_000;

/// The relaxation of one node, in tableau form.
#[derive(Debug, Clone)]
pub(super) struct DualLp {
    n: usize,
    m: usize,
    cols: usize,
    /// B⁻¹A, row-major, `m × cols`: the items, then one slack per row.
    table: Vec<f64>,
    /// Values of the basic variables.
    beta: Vec<f64>,
    basis: Vec<usize>,
    lower: Vec<f64>,
    upper: Vec<f64>,
    /// Nonbasic variables at their upper bound.
    at_upper: Vec<bool>,
    is_basic: Vec<bool>,
    /// Reduced costs of the scaled objective.
    d: Vec<f64>,
    scales: Vec<f64>,
    objective_scale: f64,
    /// The decisions the bounds reflect.
    fixed: Vec<Option<bool>>,
    /// Index of the first cover's row (after the budget and the rows).
    cover_start: usize,
}

/// What a solve ends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DualOutcome {
    /// Primal and dual feasible.
    Optimal,
    /// No point of the box meets row `row` of the tableau.
    Infeasible { row: usize },
    /// The pivot limit was reached.
    Failed,
}

impl DualLp {
    /// The root relaxation, every item at the bound its value prefers (a
    /// dual feasible start), not yet solved.
    pub fn new(p: &Problem) -> DualLp {
        let n = p.values.len();
        let mut rows: Vec<(Vec<f64>, f64)> = Vec::new();
        rows.push((p.costs.iter().map(|&c| c as f64).collect(), p.budget as f64));
        for r in &p.rows {
            rows.push((r.coefs.iter().map(|&c| c as f64).collect(), r.rhs as f64));
        }
        for cover in &p.covers {
            rows.push((
                cover.iter().map(|&c| if c { -1.0 } else { 0.0 }).collect(),
                -1.0,
            ));
        }
        let m = rows.len();
        let cols = n + m;
        let mut table = vec![0.0; m * cols];
        let mut beta = vec![0.0; m];
        let mut scales = vec![1.0; m];
        let objective_scale = p
            .values
            .iter()
            .fold(0.0f64, |acc, &v| acc.max(v as f64))
            .max(1.0);
        let start: Vec<f64> = p
            .values
            .iter()
            .map(|&v| if v > 0 { 1.0 } else { 0.0 })
            .collect();
        for (i, (coefs, rhs)) in rows.iter().enumerate() {
            // Each row is scaled to a largest magnitude of 1, so that one
            // tolerance suits every number.
            let scale = coefs
                .iter()
                .fold(rhs.abs(), |acc, c| acc.max(c.abs()))
                .max(1e-300);
            scales[i] = scale;
            let row = &mut table[i * cols..(i + 1) * cols];
            for (cell, c) in row.iter_mut().zip(coefs) {
                *cell = c / scale;
            }
            row[n + i] = 1.0;
            let activity: f64 = coefs.iter().zip(&start).map(|(c, x)| c * x).sum();
            beta[i] = (rhs - activity) / scale;
        }
        let mut lower = vec![0.0; cols];
        let mut upper = vec![1.0; cols];
        upper[n..].fill(f64::INFINITY);
        lower[n..].fill(0.0);
        let mut d = vec![0.0; cols];
        for (dj, &v) in d.iter_mut().zip(&p.values) {
            *dj = v as f64 / objective_scale;
        }
        let mut is_basic = vec![false; cols];
        is_basic[n..].fill(true);
        DualLp {
            n,
            m,
            cols,
            table,
            beta,
            basis: (n..cols).collect(),
            lower,
            upper,
            at_upper: (0..cols).map(|j| j < n && start[j] > 0.0).collect(),
            is_basic,
            d,
            scales,
            objective_scale,
            fixed: vec![None; n],
            cover_start: 1 + p.rows.len(),
        }
    }

    fn nonbasic_value(&self, j: usize) -> f64 {
        if self.at_upper[j] {
            self.upper[j]
        } else {
            self.lower[j]
        }
    }

    /// Brings the bounds to the decisions of `fixed` (decisions are only
    /// ever added along a path of the search).
    pub fn sync(&mut self, fixed: &[Option<bool>]) {
        for (j, &wanted) in fixed.iter().enumerate().take(self.n) {
            if self.fixed[j] == wanted {
                continue;
            }
            let v = match wanted {
                Some(true) => 1.0,
                Some(false) => 0.0,
                None => {
                    // Not along a path: widen again (never happens in the
                    // search, kept for safety).
                    self.lower[j] = 0.0;
                    self.upper[j] = 1.0;
                    self.fixed[j] = None;
                    continue;
                }
            };
            let old = if self.is_basic[j] {
                None
            } else {
                Some(self.nonbasic_value(j))
            };
            self.lower[j] = v;
            self.upper[j] = v;
            self.fixed[j] = wanted;
            if let Some(old) = old {
                let delta = v - old;
                if delta != 0.0 {
                    for r in 0..self.m {
                        self.beta[r] -= self.table[r * self.cols + j] * delta;
                    }
                }
                self.at_upper[j] = v > 0.0;
            }
        }
    }

    /// Restores primal feasibility by dual pivots.
    pub fn solve(&mut self) -> DualOutcome {
        let cols = self.cols;
        for _ in 0..MAX_PIVOTS {
            // The basic variable furthest outside its bounds leaves.
            let mut leaving = None;
            let mut worst = EPS;
            for r in 0..self.m {
                let b = self.basis[r];
                let below = self.lower[b] - self.beta[r];
                let above = self.beta[r] - self.upper[b];
                if below > worst {
                    worst = below;
                    leaving = Some((r, false));
                }
                if above > worst {
                    worst = above;
                    leaving = Some((r, true));
                }
            }
            let Some((r, to_upper)) = leaving else {
                return DualOutcome::Optimal;
            };
            let row = &self.table[r * cols..(r + 1) * cols];
            // The entering variable keeps every reduced cost of the right
            // sign: the least |d_j / T_rj| among those that move the leaving
            // variable towards its bound.
            let mut entering = None;
            let mut best = f64::INFINITY;
            for (j, &t) in row.iter().enumerate() {
                if self.is_basic[j] || self.upper[j] - self.lower[j] <= EPS {
                    continue;
                }
                let up = self.at_upper[j];
                let helps = if to_upper {
                    // x_B must decrease: Σ T_rj·Δx_j > 0.
                    (!up && t > EPS) || (up && t < -EPS)
                } else {
                    (!up && t < -EPS) || (up && t > EPS)
                };
                if !helps {
                    continue;
                }
                let ratio = (self.d[j] / t).abs();
                if ratio < best - 1e-12 || (ratio <= best + 1e-12 && entering.is_none()) {
                    best = ratio;
                    entering = Some(j);
                }
            }
            let Some(q) = entering else {
                return DualOutcome::Infeasible { row: r };
            };
            let b = self.basis[r];
            let target = if to_upper {
                self.upper[b]
            } else {
                self.lower[b]
            };
            let pivot = self.table[r * cols + q];
            let delta = (self.beta[r] - target) / pivot;
            let entering_value = self.nonbasic_value(q) + delta;
            for i in 0..self.m {
                if i != r {
                    self.beta[i] -= self.table[i * cols + q] * delta;
                }
            }
            self.beta[r] = entering_value;
            // The tableau pivot on (r, q).
            let (before, rest) = self.table.split_at_mut(r * cols);
            let (pivot_row, after) = rest.split_at_mut(cols);
            for t in pivot_row.iter_mut() {
                *t /= pivot;
            }
            for other in before
                .chunks_exact_mut(cols)
                .chain(after.chunks_exact_mut(cols))
            {
                let f = other[q];
                if f != 0.0 {
                    for (t, p) in other.iter_mut().zip(pivot_row.iter()) {
                        *t -= f * p;
                    }
                }
            }
            let f = self.d[q];
            for (dj, p) in self.d.iter_mut().zip(pivot_row.iter()) {
                *dj -= f * p;
            }
            self.basis[r] = q;
            self.is_basic[q] = true;
            self.is_basic[b] = false;
            self.at_upper[q] = false;
            self.at_upper[b] = to_upper;
        }
        DualOutcome::Failed
    }

    /// The multipliers of the problem's rows (without the budget's) and of
    /// its covers, at the optimum.
    pub fn duals(&self) -> (Vec<f64>, Vec<f64>) {
        let all: Vec<f64> = (0..self.m)
            .map(|i| {
                let j = self.n + i;
                if self.is_basic[j] {
                    0.0
                } else {
                    // The reduced cost of a row's slack is minus the row's
                    // dual value.
                    (-self.d[j]).max(0.0) * self.objective_scale / self.scales[i]
                }
            })
            .collect();
        self.split(all)
    }

    /// Two candidate certificates of infeasibility from tableau row `row`
    /// (its combination of the rows, either sign, negative parts dropped);
    /// the caller keeps the one whose bound proves it.
    pub fn certificates(&self, row: usize) -> [(Vec<f64>, Vec<f64>); 2] {
        let t = &self.table[row * self.cols..(row + 1) * self.cols];
        let y = |sign: f64| -> Vec<f64> {
            (0..self.m)
                .map(|i| (sign * t[self.n + i]).max(0.0) / self.scales[i])
                .collect()
        };
        [self.split(y(1.0)), self.split(y(-1.0))]
    }

    /// The budget's entry dropped (it stays a constraint of the
    /// Lagrangian relaxation), the rows' and the covers' apart.
    fn split(&self, mut all: Vec<f64>) -> (Vec<f64>, Vec<f64>) {
        let covers = all.split_off(self.cover_start);
        all.remove(0);
        (all, covers)
    }

    /// The relaxation's value for each item.
    pub fn primal(&self) -> Vec<f64> {
        let mut x: Vec<f64> = (0..self.n).map(|j| self.nonbasic_value(j)).collect();
        for (r, &b) in self.basis.iter().enumerate() {
            if b < self.n {
                x[b] = self.beta[r].clamp(0.0, 1.0);
            }
        }
        x
    }
}
