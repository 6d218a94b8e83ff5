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
    let mut parent: Vec<usize> = (0..lists.len()).collect();
    let mut owner: Vec<Option<usize>> = vec![None; universe];
    for (i, list) in lists.iter().enumerate() {
        for &e in list {
            match owner[e] {
                Some(j) => {
                    let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                    parent[a.max(b)] = a.min(b);
                }
                None => owner[e] = Some(i),
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..lists.len() {
        let leader = find(&mut parent, i);
        groups.entry(leader).or_default().push(i);
    }
    groups.into_values().collect()
}

/// The representative of `i`'s set in a union-find forest (halving paths on the way).
pub(super) fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}
