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
//! - **Bound.** A Lagrangian relaxation: every row and cover is moved to the
//!   objective with multipliers λ ≥ 0, the budget row is kept, and the
//!   relaxed problem is a fractional knapsack solved greedily (Dantzig's
//!   bound). The multipliers are the dual values of the node's linear
//!   relaxation, solved at every node by a bounded dual simplex
//!   warm-started from its parent's tableau (see `dual`), which makes each
//!   bound as tight as the linear relaxation; any λ ≥ 0 gives an upper
//!   bound, so a poor λ slows the search but never makes it wrong. Since
//!   values are non-negative, a bound below zero proves a subtree
//!   infeasible (an infeasible relaxation's certificate is checked that
//!   way too, never trusted as such).
//! - **Feasibility.** At each branch, every row is checked against the
//!   smallest left-hand side the undecided items could still reach, and the
//!   cheapest way to satisfy the uncovered covers (a table over subsets of
//!   covers) must fit in the budget left.
//! - **Cuts.** Before the search, extended and lifted cover inequalities of
//!   the budget and of every row (items with negative coefficients
//!   complemented) that the root relaxation breaks are added as rows (see
//!   `cuts`); they remove no 0-1 plan and tighten every bound.
//! - **First plan.** A greedy plan from the root relaxation, improved by
//!   exchanges (see [`heuristic`]), is the first incumbent: with it the
//!   search prunes from its first node instead of meeting poor plans first.
//! - **Reduced-cost fixing.** At every node, the Lagrangian function with
//!   the budget relaxed too, at the greedy's critical ratio r, bounds the
//!   subtree with item j forced to the side it does not favour by the
//!   node's bound minus |a_j − r·c_j|; when that falls below the value the
//!   search must reach, j is decided for the whole subtree.
//! - **Branching.** The first search branches by pseudo-costs: the
//!   relaxation's loss per unit of change is recorded each time a child
//!   solves its relaxation, and the node branches on the fractional item
//!   whose two children are expected to lose the most (the product rule),
//!   the side its relaxed value is nearer first. The search is sequential,
//!   so the pseudo-costs, the tree and the answer are the same on every
//!   run.
//! - **Tie-break.** Among optimal selections, the one with the least cost;
//!   among those, the one that, at the first item where two differ — items
//!   read by value per unit of cost, highest first, then by index — keeps
//!   it. The first search finds the best value and its least cost; a second
//!   one, in the tie-break's order with "keep" tried first, meets the leaves
//!   in the tie-break's order and stops at the first plan with that value
//!   and cost, on the problem narrowed to those plans (budget at the least
//!   cost, a row for the value). Past [`ORDERED_NODES`] nodes, the items
//!   are settled one by one instead, each by a search branching by
//!   pseudo-costs for a plan that keeps it (see [`settle_in_order`]).
//! - **Pruning.** A subtree is explored only if its bound could beat the
//!   incumbent's value, or equal it at a strictly smaller cost (the cost of
//!   reaching a value is bounded below by a fractional cover by value per
//!   cost).
//! - **Limit.** A search stops after [`MAX_NODES`] nodes and says so; the
//!   answer is then not proven. Every one of the 1,000 tight instances of
//!   the cross-check (`export_arbitration_instances 1000 2010 --tight`) is
//!   proven, every one but five in 2 s or less. FIXME: the slowest,
//!   instance 373 (172 proposals, co-funding 38 %, 20 % of the envelope
//!   per orientation), still takes 1.2 million nodes (about 24 s), nearly all
//!   in the first search: the root cuts close far less of the gap than a
//!   MIP solver's (knapsack covers only; no flow cover or mixed-integer
//!   rounding cuts on the aggregated orientation rows).

use std::cmp::Ordering;
use std::rc::Rc;

use super::cuts;
use super::dual::{DualLp, DualOutcome};
use super::relaxation::Multipliers;

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

const INFEASIBLE_COST: u128 = u128::MAX / 4;

/// An infeasible node's certificate is scaled by this (times the largest
/// value) so that its Lagrangian bound falls below zero.
const CERTIFICATE_SCALE: f64 = 1e9;

/// The most covers a problem may have.
pub const MAX_COVERS: usize = 8;

/// What the search concludes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The optimal selection under the tie-break.
    Optimal(Solution),
    /// No selection meets every constraint.
    Infeasible,
    /// The search reached [`MAX_NODES`] before proving either; the best
    /// selection found so far, if any.
    Stopped(Option<Solution>),
}

impl Outcome {
    /// The optimal selection, if proven.
    pub fn optimal(self) -> Option<Solution> {
        match self {
            Outcome::Optimal(s) => Some(s),
            _ => None,
        }
    }
}

/// Nodes a search may explore before it stops. The problem is NP-hard: a
/// bound on the work keeps a call from running for hours on an adversarial
/// instance, and the caller is told the answer is not proven.
pub const MAX_NODES: u64 = 4_000_000;

/// A node solves its own relaxation when its multipliers were computed
/// this many decisions above it, or more. Warm-started from its parent's
/// tableau, a node's relaxation takes a few pivots: every node solves its
/// own.
const RESOLVE_EVERY: usize = 1;

/// The optimal selection under the tie-break, or why there is none.
///
/// Two searches. The first branches by pseudo-costs on the items the
/// node's linear relaxation leaves fractional, which proves optimality in
/// few nodes, and finds the best value and, for it, the least cost. The second branches
/// in the tie-break's order with "keep" tried first and stops at the first
/// plan with that value and cost: it meets the leaves in the tie-break's
/// order, so that plan is the preferred one.
pub fn solve(problem: &Problem) -> Outcome {
    assert!(
        problem.covers.len() <= MAX_COVERS,
        "at most {MAX_COVERS} covers"
    );
    let n = problem.values.len();
    let tie_order = tie_break_order(&problem.values, &problem.costs);
    // Valid inequalities change no plan's feasibility, only the bound.
    let augmented = cuts::with_cover_cuts(problem);
    let problem = &augmented;
    let root = Rc::new(Multipliers::at_node(problem, &vec![None; n], 0, 0));
    let mut root_lp = DualLp::new(problem);
    root_lp.solve();
    let root_lp = Rc::new(root_lp);
    let mut first = Search::new(problem, None, &tie_order, None);
    // A good plan from the start prunes most of the tree: the search meets
    // poor plans first, and a tree with a poor incumbent is many times
    // larger than one with the optimum.
    if let Some(x) = &root.primal {
        first.best = heuristic(problem, x, &tie_order);
        tracing::debug!(
            value = first.best.as_ref().map(|b| b.1),
            "arbitration heuristic plan"
        );
    }
    first.dfs(0, 0, 0, 0, &root, &root_lp);
    let found = |best: Option<(Vec<bool>, u64, u64)>, nodes| {
        best.map(|(keep, value, cost)| Solution {
            keep,
            value,
            cost,
            nodes,
        })
    };
    tracing::debug!(
        nodes = first.nodes,
        rows = problem.rows.len(),
        "arbitration first search done"
    );
    if first.stopped {
        return Outcome::Stopped(found(first.best, first.nodes));
    }
    let Some((first_keep, value, cost)) = first.best.clone() else {
        return Outcome::Infeasible;
    };
    // The plans the second search looks for are exactly those worth at
    // least the optimum and costing at most its least cost: both become
    // constraints, which makes its relaxations far tighter than the first
    // search's (most of them infeasible away from the optimal plans).
    let mut narrowed = problem.clone();
    narrowed.budget = cost;
    let worth: Option<Vec<i64>> = narrowed
        .values
        .iter()
        .map(|&v| i64::try_from(v).ok().map(|v| -v))
        .collect();
    if let (Some(coefs), Ok(rhs)) = (worth, i64::try_from(value))
        && narrowed.values.iter().map(|&v| u128::from(v)).sum::<u128>() <= i64::MAX as u128
    {
        narrowed.rows.push(Row { coefs, rhs: -rhs });
    }
    let narrowed_root = Rc::new(Multipliers::at_node(&narrowed, &vec![None; n], 0, 0));
    let mut narrowed_lp = DualLp::new(&narrowed);
    narrowed_lp.solve();
    let narrowed_lp = Rc::new(narrowed_lp);
    // The search in the tie-break's order meets the preferred plan first,
    // but proves slowly when many plans come near the optimum: past a
    // number of nodes, the items are settled one by one instead.
    let mut second = Search::new(
        &narrowed,
        Some(tie_order.clone()),
        &tie_order,
        Some((value, cost)),
    );
    second.limit = ORDERED_NODES;
    second.dfs(0, 0, 0, 0, &narrowed_root, &narrowed_lp);
    let mut nodes = first.nodes + second.nodes;
    let keep = if second.stopped {
        let (keep, more) = settle_in_order(
            &narrowed,
            &tie_order,
            &first_keep,
            (value, cost),
            &narrowed_root,
            &narrowed_lp,
        );
        nodes += more;
        match keep {
            Some(keep) => keep,
            None => return Outcome::Stopped(found(Some((first_keep, value, cost)), nodes)),
        }
    } else if let Some((keep, _, _)) = second.best {
        keep
    } else {
        // The first search's plan meets the narrowed rows, so this cannot
        // happen in exact terms; should the floating point relaxation of
        // the narrowed problem ever mislead the search, it is run again on
        // the problem as given rather than failing.
        tracing::warn!("arbitration second search retried without narrowing");
        let mut again = Search::new(
            problem,
            Some(tie_order.clone()),
            &tie_order,
            Some((value, cost)),
        );
        again.dfs(0, 0, 0, 0, &root, &root_lp);
        nodes += again.nodes;
        if again.stopped {
            return Outcome::Stopped(found(Some((first_keep, value, cost)), nodes));
        }
        again
            .best
            .expect("the second search finds the plan the first one found, or an equal one")
            .0
    };
    Outcome::Optimal(Solution {
        keep,
        value,
        cost,
        nodes,
    })
}

/// Nodes the search in the tie-break's order may take before the items are
/// settled one by one (see [`settle_in_order`]).
const ORDERED_NODES: u64 = 20_000;

/// The preferred plan among those worth `goal.0` at cost `goal.1`, settled
/// item by item in the tie-break's order, starting from `plan`, one such
/// plan: an item the current plan keeps is kept; otherwise a search
/// branching by pseudo-costs looks for a plan with the items settled so
/// far that keeps it, which becomes the current plan if found, and the item
/// is dropped if none exists. Each answer is exact, so the plan at the end
/// is the one the tie-break prefers. With the nodes taken; no plan when a
/// search stopped at its limit.
fn settle_in_order(
    p: &Problem,
    order: &[usize],
    plan: &[bool],
    goal: (u64, u64),
    root: &Rc<Multipliers>,
    root_lp: &Rc<DualLp>,
) -> (Option<Vec<bool>>, u64) {
    let mut plan = plan.to_vec();
    let mut settled: Vec<(usize, bool)> = Vec::with_capacity(order.len());
    let mut nodes = 0;
    for &i in order {
        if plan[i] {
            settled.push((i, true));
            continue;
        }
        let mut search = Search::new(p, None, order, Some(goal));
        let (mut used, mut value, mut covered) = (0u128, 0u128, 0u32);
        for &(j, keep) in settled.iter().chain([(i, true)].iter()) {
            search.decide(j, keep);
            if keep {
                used += u128::from(p.costs[j]);
                value += u128::from(p.values[j]);
                covered |= search.cover_bits[j];
            }
        }
        if used <= u128::from(p.budget) && search.node_feasible(used, covered) {
            search.dfs(settled.len() + 1, used, value, covered, root, root_lp);
            nodes += search.nodes;
            if search.stopped {
                return (None, nodes);
            }
        }
        match search.best {
            Some((keep, _, _)) => {
                plan = keep;
                settled.push((i, true));
            }
            None => settled.push((i, false)),
        }
    }
    (Some(plan), nodes)
}

/// A plan meeting every constraint, found from the root relaxation's
/// optimum `x`: items taken greedily (the relaxation's ones first, then by
/// its value, then by value per cost) while every row stays met, then
/// improved by exchanges of one kept item for one dropped item, or by
/// additions, while the plan gains value (or keeps it at a lower cost).
/// None when the greedy plan leaves a cover or a row unmet.
fn heuristic(p: &Problem, x: &[f64], by_ratio: &[usize]) -> Option<(Vec<bool>, u64, u64)> {
    let n = p.values.len();
    let mut order: Vec<usize> = by_ratio.to_vec();
    order.sort_by(|&a, &b| x[b].total_cmp(&x[a]));
    let mut keep = vec![false; n];
    let mut lhs: Vec<i128> = vec![0; p.rows.len()];
    let mut used: u128 = 0;
    let fits = |lhs: &[i128], used: u128, add: usize, drop: Option<usize>| -> bool {
        let mut cost = used + u128::from(p.costs[add]);
        if let Some(d) = drop {
            cost -= u128::from(p.costs[d]);
        }
        if cost > u128::from(p.budget) {
            return false;
        }
        p.rows.iter().zip(lhs).all(|(row, &l)| {
            let mut v = l + i128::from(row.coefs[add]);
            if let Some(d) = drop {
                v -= i128::from(row.coefs[d]);
            }
            v <= i128::from(row.rhs)
        })
    };
    let apply = |keep: &mut Vec<bool>, lhs: &mut Vec<i128>, used: &mut u128, i: usize, on: bool| {
        keep[i] = on;
        let sign: i128 = if on { 1 } else { -1 };
        for (l, row) in lhs.iter_mut().zip(&p.rows) {
            *l += sign * i128::from(row.coefs[i]);
        }
        if on {
            *used += u128::from(p.costs[i]);
        } else {
            *used -= u128::from(p.costs[i]);
        }
    };
    for &i in &order {
        if fits(&lhs, used, i, None) {
            apply(&mut keep, &mut lhs, &mut used, i, true);
        }
    }
    let covered = |keep: &[bool], without: Option<usize>| {
        p.covers
            .iter()
            .all(|c| (0..n).any(|i| keep[i] && c[i] && Some(i) != without))
    };
    if !covered(&keep, None) {
        return None;
    }
    for _ in 0..200 {
        let mut improved = false;
        for j in 0..n {
            if keep[j] {
                continue;
            }
            if fits(&lhs, used, j, None) && p.values[j] > 0 {
                apply(&mut keep, &mut lhs, &mut used, j, true);
                improved = true;
                continue;
            }
            // The best exchange for j.
            let mut best: Option<usize> = None;
            for i in 0..n {
                if !keep[i] {
                    continue;
                }
                let better = p.values[j] > p.values[i]
                    || (p.values[j] == p.values[i] && p.costs[j] < p.costs[i]);
                if !better || !fits(&lhs, used, j, Some(i)) {
                    continue;
                }
                keep[j] = true;
                let still = covered(&keep, Some(i));
                keep[j] = false;
                if still && best.is_none_or(|b| p.values[i] < p.values[b]) {
                    best = Some(i);
                }
            }
            if let Some(i) = best {
                apply(&mut keep, &mut lhs, &mut used, i, false);
                apply(&mut keep, &mut lhs, &mut used, j, true);
                improved = true;
            }
        }
        if !improved {
            break;
        }
    }
    // A row already broken by the empty plan (a negative right-hand side)
    // is never met by the greedy, which keeps every row met as it goes.
    if !is_feasible(p, &keep) {
        return None;
    }
    let value = (0..n).filter(|&i| keep[i]).map(|i| p.values[i]).sum();
    Some((keep, value, used as u64))
}

/// The integer below a Lagrangian bound computed in floating point, widened
/// first so that it stays an upper bound of the exact one: each of the
/// float operations may be off by an ulp of the terms it adds, which are
/// at most `magnitude` in all, even when they cancel to a small bound.
fn floor_bound(bound: f64, magnitude: f64) -> i128 {
    let margin = 1e-6 + bound.abs() * 1e-9 + magnitude * 1e-11;
    (bound + margin).floor() as i128
}

struct Search<'a> {
    p: &'a Problem,
    n: usize,
    /// A fixed branching order, or none to branch by pseudo-costs on the
    /// items the node's relaxation leaves fractional.
    order: Option<Vec<usize>>,
    /// The tie-break's order (value per cost, highest first), for the
    /// lower bound on the cost of reaching a value.
    by_ratio: &'a [usize],
    cover_bits: Vec<u32>,
    all_covers: u32,
    /// In the second search: the value and cost to reach, and stop at.
    target: Option<(u64, u64)>,
    done: bool,
    /// The nodes it may explore ([`MAX_NODES`] unless said).
    limit: u64,
    /// Whether the search stopped at its limit of nodes.
    stopped: bool,
    /// The decisions so far.
    fixed: Vec<Option<bool>>,
    /// Each row's left-hand side over the kept items.
    lhs: Vec<i128>,
    /// Each row's Σ min(0, coef) over the undecided items.
    min_free: Vec<i128>,
    best: Option<(Vec<bool>, u64, u64)>,
    nodes: u64,
    /// Pseudo-costs of the first search: for each item, the relaxation's
    /// loss per unit of change observed when it was fixed down (0) and up
    /// (1), summed, and how many times.
    pseudo: Vec<[(f64, u32); 2]>,
    /// The branching that led to the node about to be explored: the item,
    /// the side, how far its relaxed value moved and the parent's
    /// relaxation value; the child records its loss against it.
    pending: Option<(usize, bool, f64, f64)>,
}

impl<'a> Search<'a> {
    fn new(
        p: &'a Problem,
        order: Option<Vec<usize>>,
        by_ratio: &'a [usize],
        target: Option<(u64, u64)>,
    ) -> Search<'a> {
        let n = p.values.len();
        let k = p.covers.len();
        let cover_bits: Vec<u32> = (0..n)
            .map(|i| {
                (0..k)
                    .filter(|&c| p.covers[c][i])
                    .fold(0u32, |bits, c| bits | (1 << c))
            })
            .collect();
        Search {
            p,
            n,
            order,
            by_ratio,
            cover_bits,
            all_covers: ((1u64 << k) - 1) as u32,
            target,
            done: false,
            limit: MAX_NODES,
            stopped: false,
            fixed: vec![None; n],
            lhs: vec![0; p.rows.len()],
            min_free: p
                .rows
                .iter()
                .map(|r| r.coefs.iter().map(|&c| i128::from(c.min(0))).sum())
                .collect(),
            best: None,
            nodes: 0,
            pseudo: vec![[(0.0, 0); 2]; n],
            pending: None,
        }
    }

    /// Whether some completion of the node could meet every row and cover:
    /// every row against the least left-hand side the undecided items can
    /// reach, and the cheapest undecided items satisfying the uncovered
    /// covers against the budget left.
    fn node_feasible(&self, used: u128, covered: u32) -> bool {
        let rows_ok = self
            .p
            .rows
            .iter()
            .enumerate()
            .all(|(j, row)| self.lhs[j] + self.min_free[j] <= i128::from(row.rhs));
        if !rows_ok {
            return false;
        }
        let missing = self.all_covers & !covered;
        if missing == 0 {
            return true;
        }
        // Least cost of covering each subset of the missing covers.
        let subsets = 1usize << self.p.covers.len();
        let mut least = vec![INFEASIBLE_COST; subsets];
        least[0] = 0;
        for i in (0..self.n).filter(|&i| self.fixed[i].is_none()) {
            let bits = self.cover_bits[i] & missing;
            if bits == 0 {
                continue;
            }
            let cost = u128::from(self.p.costs[i]);
            for mask in (0..subsets).rev() {
                let rest = mask & !(bits as usize);
                let with = least[rest].saturating_add(cost);
                if with < least[mask] {
                    least[mask] = with;
                }
            }
        }
        least[missing as usize] <= u128::from(self.p.budget) - used
    }

    fn decide(&mut self, i: usize, keep: bool) {
        self.fixed[i] = Some(keep);
        for (j, row) in self.p.rows.iter().enumerate() {
            self.min_free[j] -= i128::from(row.coefs[i].min(0));
            if keep {
                self.lhs[j] += i128::from(row.coefs[i]);
            }
        }
    }

    fn undecide(&mut self, i: usize) {
        let kept = self.fixed[i] == Some(true);
        self.fixed[i] = None;
        for (j, row) in self.p.rows.iter().enumerate() {
            self.min_free[j] += i128::from(row.coefs[i].min(0));
            if kept {
                self.lhs[j] -= i128::from(row.coefs[i]);
            }
        }
    }

    fn dfs(
        &mut self,
        depth: usize,
        used: u128,
        value: u128,
        covered: u32,
        lambda: &Rc<Multipliers>,
        lp: &Rc<DualLp>,
    ) {
        if self.done {
            return;
        }
        let pending = self.pending.take();
        self.nodes += 1;
        if self.nodes >= self.limit {
            self.stopped = true;
            self.done = true;
            return;
        }
        if depth == self.n {
            self.leaf(value as u64, used as u64);
            return;
        }
        if self.prune(used, value, lambda) {
            return;
        }
        // The inherited multipliers do not prune the node: those of its own
        // relaxation may, and they serve its subtree.
        let own;
        let own_lp;
        let (lambda, lp) = if lambda.decided + RESOLVE_EVERY <= depth {
            let mut node_lp = (**lp).clone();
            node_lp.sync(&self.fixed);
            match node_lp.solve() {
                DualOutcome::Optimal => {
                    let (rows, covers) = node_lp.duals();
                    let mut m = Multipliers::new(self.p, rows, covers, depth);
                    let x = node_lp.primal();
                    if let Some((item, keep, moved, parent)) = pending {
                        let loss = (parent - self.relaxed_value(&x)).max(0.0);
                        let entry = &mut self.pseudo[item][usize::from(keep)];
                        entry.0 += loss / moved.max(1e-6);
                        entry.1 += 1;
                    }
                    m.primal = Some(x);
                    own = Rc::new(m);
                    own_lp = Rc::new(node_lp);
                    if self.prune(used, value, &own) {
                        return;
                    }
                    (&own, &own_lp)
                }
                DualOutcome::Infeasible { row } => {
                    // The relaxation has no point: a certificate whose
                    // bound falls below zero proves it in exact terms.
                    let scale = CERTIFICATE_SCALE
                        * self.p.values.iter().copied().max().unwrap_or(0).max(1) as f64;
                    for (rows, covers) in node_lp.certificates(row) {
                        let m = Multipliers::new(
                            self.p,
                            rows.iter().map(|l| l * scale).collect(),
                            covers.iter().map(|l| l * scale).collect(),
                            depth,
                        );
                        if self.upper_bound(used, value, &m) < 0 {
                            return;
                        }
                    }
                    (lambda, lp)
                }
                DualOutcome::Failed => (lambda, lp),
            }
        } else {
            (lambda, lp)
        };
        // Reduced-cost fixing: an undecided item whose other side cannot
        // reach the goal is decided here for the whole subtree.
        let fixes = self.fixings(used, value, lambda);
        let (mut used, mut value, mut covered) = (used, value, covered);
        let mut applied = Vec::with_capacity(fixes.len());
        let mut fits = true;
        for &(j, keep) in &fixes {
            let cost = if keep { u128::from(self.p.costs[j]) } else { 0 };
            if used + cost > u128::from(self.p.budget) {
                fits = false;
                break;
            }
            self.decide(j, keep);
            applied.push(j);
            if keep {
                used += cost;
                value += u128::from(self.p.values[j]);
                covered |= self.cover_bits[j];
            }
        }
        if fits && !applied.is_empty() && !self.node_feasible(used, covered) {
            fits = false;
        }
        if fits {
            let depth = depth + applied.len();
            if depth == self.n {
                self.leaf(value as u64, used as u64);
            } else {
                self.branch(depth, used, value, covered, lambda, lp);
            }
        }
        for &j in applied.iter().rev() {
            self.undecide(j);
        }
    }

    /// Branches on one undecided item of a node whose `depth` items are
    /// decided: both children explored, the preferred one first.
    fn branch(
        &mut self,
        depth: usize,
        used: u128,
        value: u128,
        covered: u32,
        lambda: &Rc<Multipliers>,
        lp: &Rc<DualLp>,
    ) {
        let (i, keep_first) = match &self.order {
            // Fixings decide items out of the order: the first undecided
            // one is branched on, and the leaves still come in the
            // tie-break's order.
            Some(order) => (
                order
                    .iter()
                    .copied()
                    .find(|&i| self.fixed[i].is_none())
                    .expect("a node above the leaves has an undecided item"),
                true,
            ),
            None => self.pseudo_cost_choice(lambda),
        };
        // What the children's relaxations are measured against.
        let parent = match (&self.order, &lambda.primal) {
            (None, Some(x)) => Some((x[i], self.relaxed_value(x))),
            _ => None,
        };
        for keep in [keep_first, !keep_first] {
            let cost = if keep { u128::from(self.p.costs[i]) } else { 0 };
            if used + cost > u128::from(self.p.budget) {
                continue;
            }
            self.decide(i, keep);
            let now_covered = if keep {
                covered | self.cover_bits[i]
            } else {
                covered
            };
            if self.node_feasible(used + cost, now_covered) {
                let gained = if keep {
                    u128::from(self.p.values[i])
                } else {
                    0
                };
                self.pending = parent.map(|(x, value)| {
                    let moved = if keep { 1.0 - x } else { x };
                    (i, keep, moved, value)
                });
                self.dfs(
                    depth + 1,
                    used + cost,
                    value + gained,
                    now_covered,
                    lambda,
                    lp,
                );
            }
            self.undecide(i);
            if self.done {
                return;
            }
        }
    }

    /// The undecided items that reduced-cost fixing decides at this node,
    /// with the side they are fixed to.
    ///
    /// The Lagrangian function also relaxes the budget with a multiplier
    /// r ≥ 0: `base + r·left + Σ max(0, a_i − r·c_i)` over the undecided
    /// items bounds every completion, for any r. Forcing item j to the
    /// side the function does not favour lowers it by |a_j − r·c_j|; when
    /// that bound (floored with the same margin as [`Self::upper_bound`])
    /// falls below the value the search must still reach, every plan of
    /// the subtree has j on the favoured side. r is the critical ratio of
    /// the greedy, where the function equals Dantzig's bound.
    fn fixings(&self, used: u128, value: u128, l: &Multipliers) -> Vec<(usize, bool)> {
        let goal = match (self.target, &self.best) {
            (Some((v, _)), _) => i128::from(v),
            (None, Some((_, v, _))) => i128::from(*v),
            (None, None) => return Vec::new(),
        };
        let left = (u128::from(self.p.budget) - used) as f64;
        let mut room = left;
        let mut ratio = 0.0;
        for &i in &l.relaxed_order {
            if self.fixed[i].is_some() {
                continue;
            }
            let cost = self.p.costs[i] as f64;
            if cost <= room {
                room -= cost;
            } else {
                ratio = l.adjusted[i] / cost;
                break;
            }
        }
        let mut base = self.base_bound(value, l) + ratio * left;
        let mut free_total = 0.0;
        for i in (0..self.n).filter(|&i| self.fixed[i].is_none()) {
            free_total += (l.adjusted[i] - ratio * self.p.costs[i] as f64).max(0.0);
        }
        base += free_total;
        let free_cost: f64 = (0..self.n)
            .filter(|&i| self.fixed[i].is_none())
            .map(|i| self.p.costs[i] as f64)
            .sum();
        let magnitude = l.magnitude + ratio * (left + free_cost);
        let floor = |bound: f64| floor_bound(bound, magnitude);
        if floor(base) < goal {
            // The node itself cannot reach the goal; its bound prunes it.
            return Vec::new();
        }
        let mut fixes = Vec::new();
        for i in (0..self.n).filter(|&i| self.fixed[i].is_none()) {
            let reduced = l.adjusted[i] - ratio * self.p.costs[i] as f64;
            if floor(base - reduced.abs()) < goal {
                fixes.push((i, reduced > 0.0));
            }
        }
        fixes
    }

    /// The Lagrangian function's part from the decided items: their value,
    /// the constant, the rows' left-hand sides and the covers they meet.
    fn base_bound(&self, value: u128, l: &Multipliers) -> f64 {
        let mut bound = value as f64 + l.constant;
        for (lambda, lhs) in l.rows.iter().zip(&self.lhs) {
            bound -= lambda * *lhs as f64;
        }
        if l.covers.iter().any(|c| *c > 0.0) {
            for i in (0..self.n).filter(|&i| self.fixed[i] == Some(true)) {
                for (c, lambda) in l.covers.iter().enumerate() {
                    if self.cover_bits[i] & (1 << c) != 0 {
                        bound += lambda;
                    }
                }
            }
        }
        bound
    }

    /// The relaxation's value at its optimum `x`.
    fn relaxed_value(&self, x: &[f64]) -> f64 {
        x.iter()
            .zip(&self.p.values)
            .map(|(x, &v)| x * v as f64)
            .sum()
    }

    /// The item to branch on by pseudo-costs: among the undecided items
    /// the relaxation leaves fractional, the one whose two children are
    /// expected to lose the most (the product of the expected losses, an
    /// item never measured taking the average of those measured), ties to
    /// the better ratio; kept first when its relaxed value is at least
    /// one half. Without a fractional item, the most fractional rule.
    fn pseudo_cost_choice(&self, lambda: &Multipliers) -> (usize, bool) {
        let Some(x) = &lambda.primal else {
            return self.most_fractional(lambda);
        };
        let mut average = [(0.0, 0u32); 2];
        for entry in &self.pseudo {
            for side in 0..2 {
                if entry[side].1 > 0 {
                    average[side].0 += entry[side].0 / f64::from(entry[side].1);
                    average[side].1 += 1;
                }
            }
        }
        let mean = |side: usize| {
            if average[side].1 > 0 {
                average[side].0 / f64::from(average[side].1)
            } else {
                1.0
            }
        };
        let (down_mean, up_mean) = (mean(0), mean(1));
        let estimate = |i: usize, side: usize, fallback: f64| {
            let (sum, count) = self.pseudo[i][side];
            if count > 0 {
                sum / f64::from(count)
            } else {
                fallback
            }
        };
        let mut best = None;
        let mut best_score = f64::NEG_INFINITY;
        for &i in self.by_ratio {
            if self.fixed[i].is_some() || x[i] < 1e-6 || x[i] > 1.0 - 1e-6 {
                continue;
            }
            let down = estimate(i, 0, down_mean) * x[i];
            let up = estimate(i, 1, up_mean) * (1.0 - x[i]);
            let score = down.max(1e-6) * up.max(1e-6);
            if score > best_score * (1.0 + 1e-9) {
                best_score = score;
                best = Some(i);
            }
        }
        match best {
            Some(i) => (i, x[i] >= 0.5),
            None => self.most_fractional(lambda),
        }
    }

    /// The undecided item whose relaxed value is nearest one half (ties to
    /// the better ratio), and whether to try keeping it first.
    fn most_fractional(&self, lambda: &Multipliers) -> (usize, bool) {
        let free = self
            .by_ratio
            .iter()
            .copied()
            .filter(|&i| self.fixed[i].is_none());
        match &lambda.primal {
            Some(x) => {
                let mut best = None;
                let mut distance = f64::INFINITY;
                for i in free {
                    let d = (x[i] - 0.5).abs();
                    if d < distance - 1e-12 {
                        distance = d;
                        best = Some(i);
                    }
                }
                let i = best.expect("a node above the leaves has an undecided item");
                (i, x[i] >= 0.5)
            }
            None => {
                let i = free
                    .into_iter()
                    .next()
                    .expect("a node above the leaves has an undecided item");
                (i, true)
            }
        }
    }

    fn leaf(&mut self, value: u64, cost: u64) {
        let keep: Vec<bool> = self.fixed.iter().map(|f| *f == Some(true)).collect();
        match self.target {
            Some(target) => {
                if (value, cost) == target {
                    self.best = Some((keep, value, cost));
                    self.done = true;
                }
            }
            None => {
                let wins = match &self.best {
                    None => true,
                    Some((_, v, c)) => value > *v || (value == *v && cost < *c),
                };
                if wins {
                    self.best = Some((keep, value, cost));
                }
            }
        }
    }

    /// Whether no completion of the node can do what the search looks for.
    fn prune(&self, used: u128, value: u128, lambda: &Multipliers) -> bool {
        let bound = self.upper_bound(used, value, lambda);
        let (goal_value, goal_cost, strict) = match (self.target, &self.best) {
            // Second search: reach the value without exceeding the cost.
            (Some((v, c)), _) => (i128::from(v), u128::from(c), false),
            // Values are non-negative: a negative bound proves infeasibility.
            (None, None) => return bound < 0,
            // First search: beat the value, or equal it at a smaller cost.
            (None, Some((_, v, c))) => (i128::from(*v), u128::from(*c), true),
        };
        if bound < goal_value {
            return true;
        }
        if strict && bound > goal_value {
            return false;
        }
        let missing = (goal_value - value as i128).max(0) as u128;
        let least_cost = used + self.least_cost_for(missing);
        if strict {
            least_cost >= goal_cost
        } else {
            least_cost > goal_cost
        }
    }

    /// A lower bound on the cost of gaining `missing` value from the items
    /// not yet decided: take them by value per cost, the last one
    /// fractionally (rounded up, since costs are whole).
    fn least_cost_for(&self, missing: u128) -> u128 {
        if missing == 0 {
            return 0;
        }
        let mut gained = 0u128;
        let mut cost = 0u128;
        for &i in self.by_ratio {
            if self.fixed[i].is_some() {
                continue;
            }
            let (v, c) = (u128::from(self.p.values[i]), u128::from(self.p.costs[i]));
            if v == 0 {
                // The order puts every item without value last.
                break;
            }
            if gained + v >= missing {
                return cost + ((missing - gained) * c).div_ceil(v);
            }
            gained += v;
            cost += c;
        }
        INFEASIBLE_COST
    }

    /// An integer upper bound on the value of any completion of the node.
    fn upper_bound(&self, used: u128, value: u128, l: &Multipliers) -> i128 {
        let mut bound = self.base_bound(value, l);
        let mut left = (u128::from(self.p.budget) - used) as f64;
        for &i in &l.relaxed_order {
            if self.fixed[i].is_some() {
                continue;
            }
            let cost = self.p.costs[i] as f64;
            if cost <= left {
                bound += l.adjusted[i];
                left -= cost;
            } else {
                bound += l.adjusted[i] * left / cost;
                break;
            }
        }
        floor_bound(bound, l.magnitude)
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

    /// A seeded xorshift draw below `bound`: the same instances every run.
    fn xorshift(mut seed: u64) -> impl FnMut(u64) -> u64 {
        move |bound| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % bound
        }
    }

    /// Settling item by item, from the plan of optimal value and cost the
    /// tie-break likes least, ends at the plan it prefers.
    #[test]
    fn settling_in_order_from_the_least_preferred_optimum_finds_the_preferred_one() {
        let mut next = xorshift(0x5851_f42d_4c95_7f2du64);
        let mut ties = 0;
        for _ in 0..300 {
            let n = 1 + next(10) as usize;
            // Few distinct values and costs, so that optima often tie.
            let p = Problem {
                values: (0..n).map(|_| next(4)).collect(),
                costs: (0..n).map(|_| 1 + next(3)).collect(),
                budget: next(12),
                rows: (0..next(2))
                    .map(|_| Row {
                        coefs: (0..n).map(|_| next(5) as i64 - 2).collect(),
                        rhs: next(4) as i64,
                    })
                    .collect(),
                covers: (0..next(2))
                    .map(|_| (0..n).map(|_| next(3) == 0).collect())
                    .collect(),
            };
            let Some((preferred, value, cost)) = brute(&p) else {
                continue;
            };
            let order = tie_break_order(&p.values, &p.costs);
            let least = (0u32..(1 << n))
                .map(|mask| (0..n).map(|i| mask & (1 << i) != 0).collect::<Vec<bool>>())
                .filter(|keep| {
                    is_feasible(&p, keep)
                        && (0..n)
                            .filter(|&i| keep[i])
                            .map(|i| p.values[i])
                            .sum::<u64>()
                            == value
                        && (0..n).filter(|&i| keep[i]).map(|i| p.costs[i]).sum::<u64>() == cost
                })
                .fold(None::<Vec<bool>>, |worst, keep| match worst {
                    Some(w) if better((&keep, value, cost), (&w, value, cost), &order) => Some(w),
                    _ => Some(keep),
                })
                .expect("the optimum is one of them");
            if least != preferred {
                ties += 1;
            }
            let root = Rc::new(Multipliers::at_node(&p, &vec![None; n], 0, 0));
            let mut lp = DualLp::new(&p);
            lp.solve();
            let (settled, _) =
                settle_in_order(&p, &order, &least, (value, cost), &root, &Rc::new(lp));
            assert_eq!(settled, Some(preferred), "{p:?}");
        }
        assert!(ties > 10, "{ties} instances with tied optima");
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
        let s = solve(&p).optimal().unwrap();
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
        let s = solve(&p).optimal().unwrap();
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
        assert_eq!(solve(&p), Outcome::Infeasible);
    }

    #[test]
    fn small_mixed_instances_match_brute_force() {
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15u64);
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
            let got = solve(&p).optimal().map(|s| (s.keep, s.value, s.cost));
            assert_eq!(got, brute(&p), "{p:?}");
        }
    }
}
