//! The relaxation behind the arbitration's bound: Lagrangian multipliers
//! for the rows and covers of a node, taken from the dual values of the
//! node's linear relaxation (see `lp`), and the values they adjust.
//!
//! Moving every row and cover into the objective with multipliers λ ≥ 0 and
//! keeping only the budget leaves a fractional knapsack whose greedy optimum
//! (Dantzig's bound) is an upper bound of the node's best plan for *any*
//! λ ≥ 0; with the linear relaxation's duals it is as tight as that
//! relaxation. The multipliers come from floating point code, the bound's
//! validity does not depend on them.

use super::lp;
use super::solver::Problem;

/// Lagrangian multipliers of the rows and covers (the budget stays a
/// constraint of the relaxation), with the values they adjust.
#[derive(Debug)]
pub(super) struct Multipliers {
    pub rows: Vec<f64>,
    pub covers: Vec<f64>,
    /// Σ λ·rhs over the rows and covers.
    pub constant: f64,
    /// value − Σ λ·coef for each item.
    pub adjusted: Vec<f64>,
    /// Items with a positive adjusted value, by adjusted value per cost.
    pub relaxed_order: Vec<usize>,
    /// How many items were decided when they were computed.
    pub decided: usize,
    /// A bound on the magnitude of every term a Lagrangian bound sums with
    /// these multipliers (values, λ·coefficients, λ·right-hand sides): the
    /// float error of the sum is a tiny multiple of it, however much the
    /// terms cancel.
    pub magnitude: f64,
    /// The relaxation's optimum for each item (decided items at their
    /// value), when it was solved.
    pub primal: Option<Vec<f64>>,
}

/// The relaxation is infeasible: the certificate's multipliers are scaled
/// by this so the Lagrangian bound falls below zero.
const CERTIFICATE_SCALE: f64 = 1e9;

impl Multipliers {
    /// The multipliers of the linear relaxation of the node where the
    /// `fixed` items are decided (`Some(kept)`): its dual values, or, when
    /// the relaxation is infeasible, a certificate scaled up so that the
    /// bound falls below zero; none when the simplex fails.
    pub fn at_node(p: &Problem, fixed: &[Option<bool>], used: u128, decided: usize) -> Multipliers {
        let free: Vec<usize> = (0..p.values.len())
            .filter(|&i| fixed[i].is_none())
            .collect();
        let kept = |i: usize| fixed[i] == Some(true);
        let mut rows = vec![lp::LpRow {
            coefs: free.iter().map(|&i| p.costs[i] as f64).collect(),
            rhs: (u128::from(p.budget) - used) as f64,
        }];
        for r in &p.rows {
            let fixed_lhs: i128 = (0..p.values.len())
                .filter(|&i| kept(i))
                .map(|i| i128::from(r.coefs[i]))
                .sum();
            rows.push(lp::LpRow {
                coefs: free.iter().map(|&i| r.coefs[i] as f64).collect(),
                rhs: (i128::from(r.rhs) - fixed_lhs) as f64,
            });
        }
        for cover in &p.covers {
            let done = (0..p.values.len()).any(|i| kept(i) && cover[i]);
            rows.push(lp::LpRow {
                coefs: free
                    .iter()
                    .map(|&i| if cover[i] { -1.0 } else { 0.0 })
                    .collect(),
                rhs: if done { 0.0 } else { -1.0 },
            });
        }
        let values: Vec<f64> = free.iter().map(|&i| p.values[i] as f64).collect();
        let m = p.rows.len();
        let k = p.covers.len();
        let mut primal = None;
        let (row_l, cover_l) = match lp::solve(&values, &rows) {
            lp::LpOutcome::Failed => (vec![0.0; m], vec![0.0; k]),
            lp::LpOutcome::Optimal {
                duals, primal: x, ..
            } => {
                let mut all: Vec<f64> = fixed
                    .iter()
                    .map(|f| if *f == Some(true) { 1.0 } else { 0.0 })
                    .collect();
                for (&i, v) in free.iter().zip(x) {
                    all[i] = v;
                }
                primal = Some(all);
                (duals[1..=m].to_vec(), duals[m + 1..].to_vec())
            }
            lp::LpOutcome::Infeasible { duals } => {
                let scale =
                    CERTIFICATE_SCALE * p.values.iter().copied().max().unwrap_or(0).max(1) as f64;
                (
                    duals[1..=m].iter().map(|d| d * scale).collect(),
                    duals[m + 1..].iter().map(|d| d * scale).collect(),
                )
            }
        };
        let mut multipliers = Multipliers::new(p, row_l, cover_l, decided);
        multipliers.primal = primal;
        multipliers
    }

    pub fn new(p: &Problem, rows: Vec<f64>, covers: Vec<f64>, decided: usize) -> Multipliers {
        let constant = p
            .rows
            .iter()
            .zip(&rows)
            .map(|(r, l)| l * r.rhs as f64)
            .sum::<f64>()
            - covers.iter().sum::<f64>();
        let adjusted: Vec<f64> = (0..p.values.len())
            .map(|i| {
                let mut v = p.values[i] as f64;
                for (row, l) in p.rows.iter().zip(&rows) {
                    v -= l * row.coefs[i] as f64;
                }
                for (cover, l) in p.covers.iter().zip(&covers) {
                    if cover[i] {
                        v += l;
                    }
                }
                v
            })
            .collect();
        let magnitude = p.values.iter().map(|&v| v as f64).sum::<f64>()
            + p.rows
                .iter()
                .zip(&rows)
                .map(|(r, l)| {
                    l.abs()
                        * (r.coefs.iter().map(|&c| (c as f64).abs()).sum::<f64>()
                            + (r.rhs as f64).abs())
                })
                .sum::<f64>()
            + p.covers
                .iter()
                .zip(&covers)
                .map(|(c, l)| l.abs() * (c.iter().filter(|&&x| x).count() as f64 + 1.0))
                .sum::<f64>();
        let mut relaxed_order: Vec<usize> =
            (0..p.values.len()).filter(|&i| adjusted[i] > 0.0).collect();
        relaxed_order.sort_by(|&a, &b| {
            let ratio = |i: usize| adjusted[i] / (p.costs[i] as f64).max(f64::MIN_POSITIVE);
            ratio(b).total_cmp(&ratio(a)).then(a.cmp(&b))
        });
        Multipliers {
            rows,
            covers,
            constant,
            adjusted,
            relaxed_order,
            decided,
            magnitude,
            primal: None,
        }
    }
}
