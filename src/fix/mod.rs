//! Fixes: byte edits of the scanned files that remove a finding, as ruff's `Fix`/`Edit`.
//!
//! A fix is computed after the rules ran, from the finding (its rule, the span of the value,
//! the declaration it is about, the value's trace) and the text of the files: rules stay small
//! and read only the model, and nothing in the model learns about fixes. Edits replace a
//! literal where it is written (following variables, locals and parameters to the one literal
//! that feeds only this value) or add a missing attribute to its block; the rest of each file is
//! kept byte for byte. When a finding cannot be fixed safely it says why (`Remedy::NotFixed`).

mod apply;
mod document;
mod recipes;

pub use apply::{apply, unified_diff};

use crate::engine::Finding;
use crate::source::{SourceMap, Span};

/// Whether a fix may be applied without asking: ruff's applicability. `Unsafe` fixes change
/// what the user chose (an address range the tool picked) and are applied only with
/// `--unsafe-fixes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Applicability {
    Unsafe,
    Safe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Replace the bytes of `span` (empty: insert at its start) with `content`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edit {
    pub span: Span,
    pub content: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Fix {
    /// What the fix does, as a command: "set purge_protection_enabled = true".
    pub title: String,
    pub applicability: Applicability,
    /// Non-overlapping edits, possibly in several files.
    pub edits: Vec<Edit>,
}

/// What `--fix` does about a finding of a fixable rule.
#[derive(Clone, Debug, PartialEq)]
pub enum Remedy {
    Fix(Fix),
    /// Why the finding is left for a person: "`var.purge` is read in 2 places".
    NotFixed(String),
}

impl Remedy {
    pub fn fix(&self) -> Option<&Fix> {
        match self {
            Remedy::Fix(fix) => Some(fix),
            Remedy::NotFixed(_) => None,
        }
    }
}

/// The rules that have fixes.
pub const FIXABLE: [&str; 6] = ["FL301", "FL304", "FL601", "FL602", "FL605", "FL606"];

/// Computes the remedy of every finding of a fixable rule, and of every finding that suggests
/// a free address range (an unsafe fix: the range is the tool's pick, free only as far as the
/// stack shows).
pub fn attach(findings: &mut [Finding], sources: &SourceMap) {
    use rayon::prelude::*;
    let wanted = |f: &Finding| {
        FIXABLE.contains(&f.rule.code) || f.suggestion.as_ref().is_some_and(|s| s.range.is_some())
    };
    // Findings of one file share its parsed document; files are fixed in parallel.
    let mut by_file: std::collections::BTreeMap<crate::source::FileId, Vec<&mut Finding>> =
        Default::default();
    for finding in findings.iter_mut().filter(|f| wanted(f)) {
        by_file.entry(finding.span.file).or_default().push(finding);
    }
    by_file.into_par_iter().for_each(|(_, group)| {
        let documents = document::Documents::new(sources);
        for finding in group {
            let fix = match finding.suggestion.as_ref().and_then(|s| s.range.clone()) {
                _ if FIXABLE.contains(&finding.rule.code) => recipes::fix(finding, &documents),
                Some(range) => recipes::use_free_range(finding, &documents, &range),
                None => continue,
            };
            finding.remedy = Some(match fix {
                Ok(fix) => Remedy::Fix(fix),
                Err(reason) => Remedy::NotFixed(reason),
            });
        }
    });
}

/// The fixes to apply: safe ones, and unsafe ones too when asked.
pub fn applicable(findings: &[Finding], unsafe_fixes: bool) -> Vec<&Fix> {
    findings
        .iter()
        .filter_map(|f| f.remedy.as_ref()?.fix())
        .filter(|fix| unsafe_fixes || fix.applicability == Applicability::Safe)
        .collect()
}
