//! Small-count masking with secondary suppression.
//!
//! A published count of people strictly between zero and the ruleset's
//! threshold is masked (*primary suppression*). A zero is shown: it describes
//! nobody, and masking it would hide most rows of a small site's tables.
//!
//! Masking one cell is not enough when totals are shown: if a group of cells
//! adds up to a published total and only one of them is masked, subtraction
//! gives it back. So [`suppress`] also masks other cells (*secondary
//! suppression*) until no masked cell can be worked out exactly from the
//! published ones:
//!
//! 1. in any group (members adding up to a total) with exactly one masked
//!    cell, the smallest other cell is masked too — a member rather than the
//!    total, so that the total stays readable where it can;
//! 2. groups that share cells (a site's row is in its table's column and in
//!    its département's sum) can still, together, pin a cell down. So the
//!    masked cells are then solved for as unknowns of the groups' equations;
//!    any that the equations determine gets a companion masked in one of its
//!    groups, and step 1 runs again.
//!
//! A zero is never chosen as a companion either, and counts as published
//! when the equations are solved. Masking it would hide nothing: the
//! report shows the same zero elsewhere in a way a reader can use — no
//! events of a type means nobody attended one, answered or was satisfied;
//! no visits in a row means no visitors in it. A masked zero next to such
//! a shown zero is known, so a row whose other cells are all zero gives its
//! one masked cell back as the total minus the shown ones (a site's single
//! workshop with 3 respondents, beside two masked types of no event, was
//! found so). So when a masked cell's group has no non-zero member left to
//! mask, rule 1 masks the total, and the solver goes on from there.
//!
//! Masked cells remain bounded (a reader knows a masked primary cell is
//! below the threshold); what is guaranteed is that none can be recovered
//! exactly.

/// Cells that add up: the members' sum is the total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The total's cell.
    pub total: usize,
    /// The members' cells.
    pub members: Vec<usize>,
}

/// Which cells of `values` to mask, given the groups of cells that add up
/// and the threshold below which a count is masked.
pub fn suppress(values: &[u64], groups: &[Group], threshold: u64) -> Vec<bool> {
    let mut masked: Vec<bool> = values.iter().map(|&v| v > 0 && v < threshold).collect();
    if !masked.iter().any(|&m| m) {
        return masked;
    }
    // A zero is never chosen as a companion: other published counts tell
    // it anyway (see the module's documentation). That covers the total of
    // a group without members too (a département without a site).
    let fixed: Vec<bool> = values.iter().map(|&v| v == 0).collect();
    let mut containing: Vec<Vec<usize>> = vec![Vec::new(); values.len()];
    for (g, group) in groups.iter().enumerate() {
        containing[group.total].push(g);
        for &m in &group.members {
            containing[m].push(g);
        }
    }
    loop {
        if secondary_pass(values, groups, &fixed, &mut masked) {
            continue;
        }
        let Some(exposed) = first_determined(groups, &masked) else {
            break;
        };
        let candidates = containing[exposed]
            .iter()
            .flat_map(|&g| cells(&groups[g]))
            .filter(|&c| !masked[c] && !fixed[c]);
        match smallest(values, candidates) {
            Some(c) => masked[c] = true,
            None => {
                // Every group holding the exposed cell is fully masked, yet
                // the equations still pin it: widen to any unmasked cell of
                // a group that has a masked one.
                let wider = groups
                    .iter()
                    .filter(|g| cells(g).any(|c| masked[c]))
                    .flat_map(cells)
                    .filter(|&c| !masked[c] && !fixed[c]);
                match smallest(values, wider) {
                    Some(c) => masked[c] = true,
                    None => break,
                }
            }
        }
    }
    masked
}

fn cells(group: &Group) -> impl Iterator<Item = usize> + '_ {
    group
        .members
        .iter()
        .copied()
        .chain(std::iter::once(group.total))
}

/// The cell of smallest value, the first one on ties.
fn smallest(values: &[u64], cells: impl Iterator<Item = usize>) -> Option<usize> {
    cells.min_by_key(|&c| (values[c], c))
}

/// One round of rule 1; whether it masked anything.
fn secondary_pass(values: &[u64], groups: &[Group], fixed: &[bool], masked: &mut [bool]) -> bool {
    let mut changed = false;
    for group in groups {
        if group.members.is_empty() {
            continue;
        }
        let count = cells(group).filter(|&c| masked[c]).count();
        if count != 1 {
            continue;
        }
        let member = smallest(
            values,
            group
                .members
                .iter()
                .copied()
                .filter(|&c| !masked[c] && !fixed[c]),
        );
        let pick = member.or((!fixed[group.total]).then_some(group.total));
        if let Some(pick) = pick
            && !masked[pick]
        {
            masked[pick] = true;
            changed = true;
        }
    }
    changed
}

/// A masked cell that the groups' equations determine exactly, if any.
///
/// Unknowns are the masked cells; each group gives one equation (members
/// minus total equals a known number). An unknown is determined when its
/// unit vector lies in the row space of the equations, which in reduced row
/// echelon form means a pivot row with no other non-zero entry.
pub fn first_determined(groups: &[Group], masked: &[bool]) -> Option<usize> {
    let mut column_of = vec![usize::MAX; masked.len()];
    let mut unknowns = Vec::new();
    for (c, &m) in masked.iter().enumerate() {
        if m {
            column_of[c] = unknowns.len();
            unknowns.push(c);
        }
    }
    let width = unknowns.len();
    let mut rows: Vec<Vec<f64>> = Vec::new();
    for group in groups {
        let mut row = vec![0.0; width];
        let mut any = false;
        for &m in &group.members {
            if masked[m] {
                row[column_of[m]] += 1.0;
                any = true;
            }
        }
        if masked[group.total] {
            row[column_of[group.total]] -= 1.0;
            any = true;
        }
        if any {
            rows.push(row);
        }
    }
    let pivots = reduce(&mut rows, width);
    for (r, &pivot) in pivots.iter().enumerate() {
        let alone = rows[r]
            .iter()
            .enumerate()
            .all(|(c, &x)| c == pivot || x.abs() < EPSILON);
        if alone {
            return Some(unknowns[pivot]);
        }
    }
    None
}

const EPSILON: f64 = 1e-9;

/// Brings `rows` to reduced row echelon form in place; returns the pivot
/// column of each of the first rows (the others are zero).
fn reduce(rows: &mut [Vec<f64>], width: usize) -> Vec<usize> {
    let mut pivots = Vec::new();
    let mut r = 0;
    for c in 0..width {
        if r == rows.len() {
            break;
        }
        let Some(p) = (r..rows.len())
            .filter(|&i| rows[i][c].abs() > EPSILON)
            .max_by(|&a, &b| rows[a][c].abs().total_cmp(&rows[b][c].abs()))
        else {
            continue;
        };
        rows.swap(r, p);
        let pivot = rows[r][c];
        for x in rows[r].iter_mut() {
            *x /= pivot;
        }
        let pivot_row = rows[r].clone();
        for (i, row) in rows.iter_mut().enumerate() {
            if i != r && row[c].abs() > EPSILON {
                let factor = row[c];
                for (x, p) in row.iter_mut().zip(&pivot_row) {
                    *x -= factor * p;
                }
            }
        }
        pivots.push(c);
        r += 1;
    }
    pivots
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An independent check, in exact integer arithmetic: can cell `c` be
    /// written as a combination of the groups' equations? It can iff adding
    /// its unit vector to the equations does not raise their rank. A zero
    /// counts as known even when masked, since the report shows it
    /// elsewhere (no events of the type, no visits in the row).
    fn recoverable(groups: &[Group], values: &[u64], masked: &[bool], c: usize) -> bool {
        let unknowns: Vec<usize> = (0..masked.len())
            .filter(|&i| masked[i] && values[i] > 0)
            .collect();
        let col = |cell: usize| unknowns.iter().position(|&u| u == cell);
        let mut rows: Vec<Vec<i128>> = groups
            .iter()
            .map(|g| {
                let mut row = vec![0i128; unknowns.len()];
                for &m in &g.members {
                    if let Some(i) = col(m) {
                        row[i] += 1;
                    }
                }
                if let Some(i) = col(g.total) {
                    row[i] -= 1;
                }
                row
            })
            .collect();
        let before = rank(rows.clone());
        let Some(i) = col(c) else {
            // A masked zero is known: it is recovered by definition.
            return true;
        };
        let mut unit = vec![0i128; unknowns.len()];
        unit[i] = 1;
        rows.push(unit);
        rank(rows) == before
    }

    fn rank(mut rows: Vec<Vec<i128>>) -> usize {
        let width = rows.first().map_or(0, Vec::len);
        let mut r = 0;
        for c in 0..width {
            let Some(p) = (r..rows.len()).find(|&i| rows[i][c] != 0) else {
                continue;
            };
            rows.swap(r, p);
            for i in 0..rows.len() {
                if i != r && rows[i][c] != 0 {
                    let (a, b) = (rows[r][c], rows[i][c]);
                    let pivot_row = rows[r].clone();
                    for (x, p) in rows[i].iter_mut().zip(&pivot_row) {
                        *x = *x * a - p * b;
                    }
                    let g = rows[i].iter().fold(0i128, |g, &x| gcd(g, x.abs()));
                    if g > 1 {
                        rows[i].iter_mut().for_each(|x| *x /= g);
                    }
                }
            }
            r += 1;
        }
        r
    }

    fn gcd(a: i128, b: i128) -> i128 {
        if b == 0 { a } else { gcd(b, a % b) }
    }

    /// A table like the activity report's: rows are categories plus a total
    /// row, columns are sites, their départements and the region. Returns
    /// the values and the groups.
    fn hierarchical_table(
        site_values: &[Vec<u64>],
        departement_of: &[usize],
        departements: usize,
        rows_add_up: bool,
    ) -> (Vec<u64>, Vec<Group>) {
        let categories = site_values[0].len();
        let rows = categories + 1;
        let scopes = 1 + departements + site_values.len();
        let cell = |scope: usize, row: usize| scope * rows + row;
        let mut values = vec![0u64; scopes * rows];
        for (s, site) in site_values.iter().enumerate() {
            let scope = 1 + departements + s;
            for (r, &v) in site.iter().enumerate() {
                values[cell(scope, r)] = v;
                values[cell(scope, categories)] += v;
                values[cell(1 + departement_of[s], r)] += v;
                values[cell(1 + departement_of[s], categories)] += v;
                values[cell(0, r)] += v;
                values[cell(0, categories)] += v;
            }
        }
        let mut groups = Vec::new();
        for row in 0..rows {
            groups.push(Group {
                total: cell(0, row),
                members: (0..departements).map(|d| cell(1 + d, row)).collect(),
            });
            for d in 0..departements {
                groups.push(Group {
                    total: cell(1 + d, row),
                    members: (0..site_values.len())
                        .filter(|&s| departement_of[s] == d)
                        .map(|s| cell(1 + departements + s, row))
                        .collect(),
                });
            }
        }
        if rows_add_up {
            for scope in 0..scopes {
                groups.push(Group {
                    total: cell(scope, categories),
                    members: (0..categories).map(|r| cell(scope, r)).collect(),
                });
            }
        }
        (values, groups)
    }

    fn table_strategy() -> impl Strategy<Value = (Vec<Vec<u64>>, Vec<usize>, usize, bool, u64)> {
        (1usize..5, 1usize..7, 1usize..6, any::<bool>(), 2u64..8).prop_flat_map(
            |(departements, sites, categories, rows_add_up, threshold)| {
                (
                    prop::collection::vec(
                        prop::collection::vec(prop_oneof![3 => 0u64..8, 1 => 0u64..60], categories),
                        sites,
                    ),
                    prop::collection::vec(0..departements, sites),
                    Just(departements),
                    Just(rows_add_up),
                    Just(threshold),
                )
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn no_masked_count_can_be_recovered_from_the_totals(
            (sites, departement_of, departements, rows_add_up, threshold) in table_strategy()
        ) {
            let (values, groups) =
                hierarchical_table(&sites, &departement_of, departements, rows_add_up);
            let masked = suppress(&values, &groups, threshold);
            for (c, &v) in values.iter().enumerate() {
                if v > 0 && v < threshold {
                    prop_assert!(masked[c], "cell {c} = {v} is below {threshold} and shown");
                }
                prop_assert!(v > 0 || !masked[c], "cell {c} is a zero and masked");
            }
            // Subtraction within one group: never exactly one masked cell.
            for group in &groups {
                if group.members.is_empty() {
                    continue;
                }
                let count = cells(group).filter(|&c| masked[c]).count();
                prop_assert_ne!(count, 1, "group {:?} has one masked cell", group);
            }
            // Any combination of the groups' equations.
            for c in (0..values.len()).filter(|&c| masked[c]) {
                prop_assert!(
                    !recoverable(&groups, &values, &masked, c),
                    "cell {c} can be worked out from the published cells"
                );
            }
        }
    }

    #[test]
    fn a_lone_small_count_takes_the_next_smallest_with_it() {
        // 3 + 7 + 40 = 50: the 3 is masked, and with it the 7, not the 40.
        let values = [3, 7, 40, 50];
        let groups = [Group {
            total: 3,
            members: vec![0, 1, 2],
        }];
        assert_eq!(suppress(&values, &groups, 5), [true, true, false, false]);
    }

    #[test]
    fn a_small_count_beside_zeros_is_not_given_back_by_its_total() {
        // The respondents of a site's events by type, as the demo had them
        // in 2009: one workshop with 3 respondents (masked), the types of
        // no event at 0, and the total 97. Masking a zero beside the 3 hid
        // nothing, since the types' event counts (0) are published: 97
        // minus the shown cells gave the 3 back. The companion must be a
        // non-zero cell; the site is also its département's and region's
        // only one here, so those columns carry the same equations.
        let site = vec![
            vec![0],
            vec![10],
            vec![0],
            vec![3],
            vec![25],
            vec![0],
            vec![59],
        ];
        let by_type: Vec<Vec<u64>> = vec![site.into_iter().flatten().collect()];
        let (values, groups) = hierarchical_table(&by_type, &[0], 1, true);
        let masked = suppress(&values, &groups, 5);
        for (c, &v) in values.iter().enumerate() {
            assert!(v > 0 || !masked[c], "a zero is masked: {masked:?}");
            if masked[c] {
                assert!(
                    !recoverable(&groups, &values, &masked, c),
                    "{c} in {masked:?}"
                );
            }
        }
        // The 3 and, with it, the next smallest count, the 10.
        let site_cell = |row: usize| 2 * 8 + row;
        assert!(masked[site_cell(3)] && masked[site_cell(1)]);
    }

    #[test]
    fn a_small_count_among_zeros_takes_its_total_with_it() {
        let values = [3, 0, 0, 3];
        let groups = [Group {
            total: 3,
            members: vec![0, 1, 2],
        }];
        assert_eq!(suppress(&values, &groups, 5), [true, false, false, true]);
    }

    #[test]
    fn zeros_are_shown_and_large_counts_untouched() {
        let values = [0, 12, 30, 42];
        let groups = [Group {
            total: 3,
            members: vec![0, 1, 2],
        }];
        assert_eq!(suppress(&values, &groups, 5), [false; 4]);
    }

    #[test]
    fn a_cell_pinned_by_two_groups_together_gets_a_companion() {
        // Two-way table: rows (a b | r1), (c d | r2), columns totals (k1 k2)
        // and the grand total g. Cells a and d are small.
        //      a=1  b=9  r1=10
        //      c=9  d=2  r2=11
        //     k1=10 k2=11 g=21
        let values = [1, 9, 10, 9, 2, 11, 10, 11, 21];
        let groups = [
            Group {
                total: 2,
                members: vec![0, 1],
            },
            Group {
                total: 5,
                members: vec![3, 4],
            },
            Group {
                total: 6,
                members: vec![0, 3],
            },
            Group {
                total: 7,
                members: vec![1, 4],
            },
            Group {
                total: 8,
                members: vec![2, 5],
            },
            Group {
                total: 8,
                members: vec![6, 7],
            },
        ];
        let masked = suppress(&values, &groups, 5);
        for c in (0..values.len()).filter(|&c| masked[c]) {
            assert!(
                !recoverable(&groups, &values, &masked, c),
                "{c} in {masked:?}"
            );
        }
        assert!(masked[0] && masked[4]);
    }
}
