//! The linear relaxation of the arbitration at the root, solved by a small
//! dense primal simplex with bounded variables (two phases), for its dual
//! values: they are the Lagrangian multipliers that make the search's bound
//! as tight as the linear relaxation at the root.
//!
//! Only the multipliers are taken from here, and any non-negative
//! multipliers give a valid bound, so a numerical mishap in this floating
//! point code can slow the search down but never make its answer wrong.

/// A row `Σ coefs[i]·x[i] ≤ rhs`, in floating point.
#[derive(Debug, Clone)]
pub(super) struct LpRow {
    pub coefs: Vec<f64>,
    pub rhs: f64,
}

/// What the relaxation says.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum LpOutcome {
    /// No x in [0, 1]ⁿ meets the rows; the duals of the first phase, a
    /// certificate: Σ duals·(rhs − A·x) < 0 for every x in [0, 1]ⁿ.
    Infeasible { duals: Vec<f64> },
    /// The optimum: its dual value for each row (≥ 0), its primal value for
    /// each variable, and its objective value.
    Optimal {
        duals: Vec<f64>,
        primal: Vec<f64>,
        value: f64,
    },
    /// The simplex did not finish (iteration limit); no multipliers.
    Failed,
}

const EPS: f64 = 1e-9;
const MAX_ITERATIONS: usize = 20_000;

/// Maximises `values·x` over `rows`, `0 ≤ x ≤ 1`.
pub(super) fn solve(values: &[f64], rows: &[LpRow]) -> LpOutcome {
    let n = values.len();
    let m = rows.len();
    // Each row is scaled to a largest magnitude of 1, and so is the
    // objective, so that one tolerance suits every number.
    let scales: Vec<f64> = rows
        .iter()
        .map(|r| {
            r.coefs
                .iter()
                .fold(r.rhs.abs(), |acc, c| acc.max(c.abs()))
                .max(1e-300)
        })
        .collect();
    let objective_scale = values
        .iter()
        .fold(0.0f64, |acc, v| acc.max(v.abs()))
        .max(1.0);
    let artificial_rows: Vec<usize> = (0..m).filter(|&i| rows[i].rhs < 0.0).collect();
    let columns = n + m + artificial_rows.len();
    let mut upper = vec![f64::INFINITY; columns];
    upper[..n].fill(1.0);
    let mut table = vec![vec![0.0f64; columns]; m];
    let mut beta = vec![0.0f64; m];
    let mut basis = vec![0usize; m];
    let mut art = n + m;
    for i in 0..m {
        let sign = if rows[i].rhs < 0.0 { -1.0 } else { 1.0 };
        for (cell, coef) in table[i].iter_mut().zip(&rows[i].coefs) {
            *cell = sign * coef / scales[i];
        }
        table[i][n + i] = sign;
        beta[i] = sign * rows[i].rhs / scales[i];
        if sign < 0.0 {
            table[i][art] = 1.0;
            basis[i] = art;
            art += 1;
        } else {
            basis[i] = n + i;
        }
    }
    let mut simplex = Simplex {
        table,
        beta,
        basis,
        at_upper: vec![false; columns],
        upper,
    };
    if !artificial_rows.is_empty() {
        let mut phase_one = vec![0.0; columns];
        phase_one[n + m..].fill(-1.0);
        if !simplex.run(&phase_one) {
            return LpOutcome::Failed;
        }
        let infeasibility: f64 = simplex
            .basis
            .iter()
            .zip(&simplex.beta)
            .filter(|(b, _)| **b >= n + m)
            .map(|(_, v)| *v)
            .sum();
        if infeasibility > 1e-7 {
            let reduced = simplex.reduced_costs(&phase_one);
            let duals = (0..m)
                .map(|i| (-reduced[n + i]).max(0.0) / scales[i])
                .collect();
            return LpOutcome::Infeasible { duals };
        }
        // Artificial variables may not come back.
        for j in n + m..columns {
            simplex.upper[j] = 0.0;
            simplex.at_upper[j] = false;
        }
    }
    let mut costs = vec![0.0; columns];
    for j in 0..n {
        costs[j] = values[j] / objective_scale;
    }
    if !simplex.run(&costs) {
        return LpOutcome::Failed;
    }
    let reduced = simplex.reduced_costs(&costs);
    let duals = (0..m)
        .map(|i| {
            // The reduced cost of a row's slack is minus the row's dual
            // value, whichever way the row was written: the slack is the
            // same quantity b_i − A_i·x, and raising it by one tightens
            // the row by one.
            (-reduced[n + i]).max(0.0) * objective_scale / scales[i]
        })
        .collect();
    let value = simplex.value(&costs) * objective_scale;
    let mut primal: Vec<f64> = (0..n)
        .map(|j| if simplex.at_upper[j] { 1.0 } else { 0.0 })
        .collect();
    for (&b, &v) in simplex.basis.iter().zip(&simplex.beta) {
        if b < n {
            primal[b] = v.clamp(0.0, 1.0);
        }
    }
    LpOutcome::Optimal {
        duals,
        primal,
        value,
    }
}

struct Simplex {
    /// B⁻¹A, one row per constraint.
    table: Vec<Vec<f64>>,
    /// Values of the basic variables.
    beta: Vec<f64>,
    basis: Vec<usize>,
    /// Nonbasic variables at their upper bound.
    at_upper: Vec<bool>,
    upper: Vec<f64>,
}

impl Simplex {
    fn reduced_costs(&self, costs: &[f64]) -> Vec<f64> {
        let mut d = costs.to_vec();
        for (row, &b) in self.table.iter().zip(&self.basis) {
            let cb = costs[b];
            if cb != 0.0 {
                for (dj, t) in d.iter_mut().zip(row) {
                    *dj -= cb * t;
                }
            }
        }
        d
    }

    fn value(&self, costs: &[f64]) -> f64 {
        let basic: f64 = self
            .basis
            .iter()
            .zip(&self.beta)
            .map(|(b, v)| costs[*b] * v)
            .sum();
        let nonbasic: f64 = (0..costs.len())
            .filter(|&j| self.at_upper[j])
            .map(|j| costs[j] * self.upper[j])
            .sum();
        basic + nonbasic
    }

    /// Maximises `costs`; false when the iteration limit is reached.
    fn run(&mut self, costs: &[f64]) -> bool {
        let m = self.table.len();
        let columns = costs.len();
        let mut d = self.reduced_costs(costs);
        let mut is_basic = vec![false; columns];
        for &b in &self.basis {
            is_basic[b] = true;
        }
        for iteration in 0..MAX_ITERATIONS {
            // Dantzig's rule, then Bland's (smallest index) after many
            // iterations, which cannot cycle.
            let bland = iteration > 2_000;
            let mut entering = None;
            let mut best = EPS;
            for j in 0..columns {
                if is_basic[j] || self.upper[j] <= 0.0 {
                    continue;
                }
                let gain = if self.at_upper[j] { -d[j] } else { d[j] };
                if gain > best {
                    entering = Some(j);
                    if bland {
                        break;
                    }
                    best = gain;
                }
            }
            let Some(q) = entering else {
                return true;
            };
            let direction = if self.at_upper[q] { -1.0 } else { 1.0 };
            let mut step = self.upper[q];
            let mut leaving: Option<(usize, bool)> = None;
            for r in 0..m {
                let alpha = self.table[r][q] * direction;
                let limit = if alpha > EPS {
                    Some((self.beta[r].max(0.0) / alpha, false))
                } else if alpha < -EPS && self.upper[self.basis[r]].is_finite() {
                    Some((
                        (self.upper[self.basis[r]] - self.beta[r]).max(0.0) / -alpha,
                        true,
                    ))
                } else {
                    None
                };
                if let Some((limit, to_upper)) = limit {
                    let better = limit < step - EPS
                        || (limit <= step + EPS
                            && leaving.is_some_and(|(l, _)| self.basis[r] < self.basis[l]));
                    if better || (leaving.is_none() && limit <= step) {
                        step = limit;
                        leaving = Some((r, to_upper));
                    }
                }
            }
            if !step.is_finite() {
                return false;
            }
            for r in 0..m {
                self.beta[r] -= step * self.table[r][q] * direction;
            }
            let Some((r, to_upper)) = leaving else {
                // The entering variable reaches its other bound first.
                self.at_upper[q] = !self.at_upper[q];
                continue;
            };
            let entering_value = if self.at_upper[q] {
                self.upper[q] - step
            } else {
                step
            };
            let out = self.basis[r];
            let pivot = self.table[r][q];
            for t in self.table[r].iter_mut() {
                *t /= pivot;
            }
            let pivot_row = self.table[r].clone();
            for (i, row) in self.table.iter_mut().enumerate() {
                if i == r {
                    continue;
                }
                let f = row[q];
                if f != 0.0 {
                    for (t, p) in row.iter_mut().zip(&pivot_row) {
                        *t -= f * p;
                    }
                }
            }
            let f = d[q];
            for (dj, p) in d.iter_mut().zip(&pivot_row) {
                *dj -= f * p;
            }
            self.beta[r] = entering_value;
            self.basis[r] = q;
            is_basic[q] = true;
            is_basic[out] = false;
            self.at_upper[q] = false;
            self.at_upper[out] = to_upper;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fractional_knapsack_has_the_greedy_value_and_a_positive_budget_dual() {
        let rows = vec![LpRow {
            coefs: vec![10.0, 20.0, 30.0],
            rhs: 50.0,
        }];
        let LpOutcome::Optimal { duals, value, .. } = solve(&[60.0, 100.0, 120.0], &rows) else {
            panic!("feasible");
        };
        assert!((value - 240.0).abs() < 1e-6, "{value}");
        assert!((duals[0] - 4.0).abs() < 1e-6, "{duals:?}");
    }

    #[test]
    fn a_cover_that_no_budget_allows_is_infeasible() {
        let rows = vec![
            LpRow {
                coefs: vec![10.0, 10.0],
                rhs: 5.0,
            },
            LpRow {
                coefs: vec![-1.0, -1.0],
                rhs: -1.0,
            },
        ];
        let LpOutcome::Infeasible { duals } = solve(&[1.0, 1.0], &rows) else {
            panic!("infeasible");
        };
        // The certificate: for every x in [0, 1]², Σ duals·(rhs − A·x) < 0.
        for x in [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]] {
            let total: f64 = rows
                .iter()
                .zip(&duals)
                .map(|(r, y)| y * (r.rhs - r.coefs[0] * x[0] - r.coefs[1] * x[1]))
                .sum();
            assert!(total < 0.0, "{duals:?} at {x:?}");
        }
    }

    #[test]
    fn a_cover_forcing_a_poor_item_has_a_positive_dual() {
        // Budget 10; item 0 is the better one, but a cover needs item 1.
        let rows = vec![
            LpRow {
                coefs: vec![10.0, 10.0],
                rhs: 10.0,
            },
            LpRow {
                coefs: vec![0.0, -1.0],
                rhs: -1.0,
            },
        ];
        let LpOutcome::Optimal { duals, value, .. } = solve(&[5.0, 1.0], &rows) else {
            panic!("feasible");
        };
        assert!((value - 1.0).abs() < 1e-6, "{value}");
        assert!(duals[1] > 1.0, "{duals:?}");
    }
}
