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
