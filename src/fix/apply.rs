//! Applying fixes to the files' text, and showing them as unified diffs.

use super::{Edit, Fix};
use crate::source::{FileId, SourceMap};
use std::collections::BTreeMap;

/// The new text of every file the fixes change, and how many fixes were applied. A fix whose
/// edits overlap an edit already taken waits for the next round (ruff does the same): the
/// caller lints again and applies what is left.
pub fn apply(fixes: &[&Fix], sources: &SourceMap) -> (BTreeMap<FileId, String>, usize) {
    let mut taken: Vec<&Edit> = Vec::new();
    let mut applied = 0;
    for fix in fixes {
        let overlaps = |edit: &Edit| {
            taken.iter().any(|t| {
                t.span.file == edit.span.file
                    && *t != edit
                    && t.span.start <= edit.span.end
                    && edit.span.start <= t.span.end
            })
        };
        if fix.edits.iter().any(overlaps) {
            continue;
        }
        for edit in &fix.edits {
            if !taken.contains(&edit) {
                taken.push(edit);
            }
        }
        applied += 1;
    }
    taken.sort_by_key(|e| (e.span.file, std::cmp::Reverse(e.span.start)));
    let mut texts: BTreeMap<FileId, String> = BTreeMap::new();
    for edit in taken {
        let text = texts
            .entry(edit.span.file)
            .or_insert_with(|| sources.get(edit.span.file).text.clone());
        text.replace_range(
            edit.span.start as usize..edit.span.end as usize,
            &edit.content,
        );
    }
    (texts, applied)
}

/// A unified diff of one file, `a/` and `b/` prefixed as git prints them.
pub fn unified_diff(path: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}
