//! Baselines: adopt foundry-lint in a repository with known findings. `--write-baseline FILE`
//! records the current findings; `--baseline FILE` hides exactly those, however the lines move.
//! A finding is identified by its rule, file, resource and message (the message names the
//! resource and the offending value), never by its line.

use crate::engine::Finding;
use crate::source::SourceMap;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

/// One recorded finding: the fingerprint decides; the rest is there for reviewers.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    fingerprint: String,
    rule: String,
    file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    resource: Option<String>,
    message: String,
}

/// A fingerprint that survives line shifts and moves: FNV-1a over the rule, the resource and the
/// message (SARIF's partialFingerprints; code scanning pairs it with the file itself).
pub fn fingerprint(finding: &Finding) -> String {
    fingerprint_in(finding, "")
}

/// The baseline's fingerprint: the same, within one file.
fn fingerprint_in(finding: &Finding, file: &str) -> String {
    let text = format!(
        "{}|{}|{}|{}",
        finding.rule.code,
        file,
        finding.resource.as_deref().unwrap_or_default(),
        finding.message
    );
    let hash = text.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    });
    format!("{hash:016x}")
}

/// A finding's file relative to the baseline's directory, so the baseline holds wherever the
/// linter is run from.
fn file_for(baseline: &Path, finding: &Finding, sources: &SourceMap) -> String {
    let source = sources.get(finding.span.file);
    let base = baseline
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .and_then(|p| std::fs::canonicalize(p).ok());
    let file = std::fs::canonicalize(&source.path).ok();
    match (base, file) {
        (Some(base), Some(file)) => match file.strip_prefix(&base) {
            Ok(relative) => relative.to_string_lossy().replace('\\', "/"),
            Err(_) => file.to_string_lossy().replace('\\', "/"),
        },
        _ => source.display_path.clone(),
    }
}

pub fn write(path: &Path, findings: &[Finding], sources: &SourceMap) -> Result<(), String> {
    let file = BaselineFile {
        version: 1,
        findings: findings
            .iter()
            .map(|f| {
                let file = file_for(path, f, sources);
                (f, file)
            })
            .map(|(f, file)| Entry {
                fingerprint: fingerprint_in(f, &file),
                rule: f.rule.code.to_string(),
                file,
                resource: f.resource.clone(),
                message: f.message.clone(),
            })
            .collect(),
    };
    let text = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())?;
    std::fs::write(path, text + "\n").map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Removes the findings the baseline records; each recorded finding hides one finding (two
/// identical findings recorded once leave one visible). Returns how many were hidden.
pub fn apply(
    path: &Path,
    findings: &mut Vec<Finding>,
    sources: &SourceMap,
) -> Result<usize, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("baseline {}: {e}", path.display()))?;
    let file: BaselineFile =
        serde_json::from_str(&text).map_err(|e| format!("baseline {}: {e}", path.display()))?;
    if file.version != 1 {
        return Err(format!(
            "baseline {}: version {} is not supported (expected 1)",
            path.display(),
            file.version
        ));
    }
    let mut remaining: HashMap<String, usize> = HashMap::new();
    for entry in file.findings {
        *remaining.entry(entry.fingerprint).or_default() += 1;
    }
    let before = findings.len();
    findings.retain(
        |f| match remaining.get_mut(&fingerprint_in(f, &file_for(path, f, sources))) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        },
    );
    Ok(before - findings.len())
}
