//! Grouping by shared elements (union-find): Terraform roots that share module directories or
//! refer to each other, ARM templates joined by links, Bicep files joined into programs.

use std::collections::BTreeMap;

/// The sorted union of sorted lists.
pub(super) fn union_of<'a>(lists: impl Iterator<Item = &'a Vec<usize>>) -> Vec<usize> {
    let mut out: Vec<usize> = lists.flatten().copied().collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Groups the items (by position) whose lists share an element (`universe` bounds the
/// elements); each group is sorted, groups are in the order of their first item.
pub(super) fn sets_sharing(lists: &[Vec<usize>], universe: usize) -> Vec<Vec<usize>> {
    let mut sets = Sets::new(lists.len());
    let mut owner: Vec<Option<usize>> = vec![None; universe];
    for (i, list) in lists.iter().enumerate() {
        for &e in list {
            match owner[e] {
                Some(j) => sets.join(i, j),
                None => owner[e] = Some(i),
            }
        }
    }
    sets.groups()
}

/// Disjoint sets of the items `0..n` (a union-find forest whose roots are each set's smallest
/// item).
pub(super) struct Sets {
    parent: Vec<usize>,
}

impl Sets {
    /// Every item alone.
    pub(super) fn new(n: usize) -> Sets {
        Sets {
            parent: (0..n).collect(),
        }
    }

    /// Puts `a` and `b` in one set.
    pub(super) fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        self.parent[a.max(b)] = a.min(b);
    }

    /// The sets, each sorted, in the order of their first item.
    pub(super) fn groups(mut self) -> Vec<Vec<usize>> {
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for i in 0..self.parent.len() {
            let leader = self.find(i);
            groups.entry(leader).or_default().push(i);
        }
        groups.into_values().collect()
    }

    /// The representative of `i`'s set (halving paths on the way).
    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }
}

/// The entries of a graph of module calls (`calls[i]`: the items `i` calls): an item is an entry
/// when nothing outside its cycle of calls (its strongly connected component) calls it, and it is
/// the first `eligible` item of that cycle. So a module that calls itself, or modules that call
/// each other and nothing else calls, still have an entry (whose evaluation reports the cycle)
/// instead of all counting as called and none being evaluated.
pub(super) fn entries(calls: &[Vec<usize>], eligible: &[bool]) -> Vec<bool> {
    let component = components(calls);
    let count = component.iter().max().map_or(0, |&c| c + 1);
    let mut called = vec![false; count];
    for (i, targets) in calls.iter().enumerate() {
        for &t in targets {
            if component[t] != component[i] {
                called[component[t]] = true;
            }
        }
    }
    let mut taken = vec![false; count];
    (0..calls.len())
        .map(|i| {
            let c = component[i];
            let entry = eligible[i] && !called[c] && !taken[c];
            taken[c] |= entry;
            entry
        })
        .collect()
}

/// The strongly connected component of each item (Kosaraju's algorithm, without recursion: the
/// graph may be as large as the tree).
pub(super) fn components(calls: &[Vec<usize>]) -> Vec<usize> {
    let n = calls.len();
    // Items in the order their depth-first search finishes.
    let mut finished = Vec::with_capacity(n);
    let mut seen = vec![false; n];
    for start in 0..n {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut stack = vec![(start, 0)];
        while let Some((i, next)) = stack.pop() {
            match calls[i].get(next) {
                Some(&t) => {
                    stack.push((i, next + 1));
                    if !seen[t] {
                        seen[t] = true;
                        stack.push((t, 0));
                    }
                }
                None => finished.push(i),
            }
        }
    }
    let mut callers: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, targets) in calls.iter().enumerate() {
        for &t in targets {
            callers[t].push(i);
        }
    }
    let mut component = vec![usize::MAX; n];
    let mut count = 0;
    for &start in finished.iter().rev() {
        if component[start] != usize::MAX {
            continue;
        }
        component[start] = count;
        let mut stack = vec![start];
        while let Some(i) = stack.pop() {
            for &c in &callers[i] {
                if component[c] == usize::MAX {
                    component[c] = count;
                    stack.push(c);
                }
            }
        }
        count += 1;
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cycle_nothing_else_calls_has_one_entry() {
        // 0 calls itself; 1 and 2 call each other; 3 calls 4, which calls 3 and 5.
        let calls = vec![vec![0], vec![2], vec![1], vec![4], vec![3, 5], vec![]];
        let all = vec![true; calls.len()];
        assert_eq!(
            entries(&calls, &all),
            [true, true, false, true, false, false]
        );
        // The first eligible member of a cycle is its entry.
        let some = [true, false, true, false, true, true];
        assert_eq!(
            entries(&calls, &some),
            [true, false, true, false, true, false]
        );
        // A cycle called from outside has no entry.
        let calls = vec![vec![1], vec![2], vec![1]];
        assert_eq!(entries(&calls, &[true; 3]), [true, false, false]);
    }
}
