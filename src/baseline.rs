//! Baselines: adopt foundry-lint in a repository with known findings. `--write-baseline FILE`
//! records the current findings; `--baseline FILE` hides exactly those, however the lines move.
//! A finding is identified by its rule, file, resource and the attribute it is about, never by
//! its line or message: renumbering a VNet into another range of the same size keeps its findings
//! recorded, while a change that makes another rule fire shows the new finding. (Version 1
//! baselines identified findings by their message, offending value included; they are still
//! read that way, and `--write-baseline` writes version 2.)

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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    attribute: Option<String>,
    message: String,
}

/// The version `--write-baseline` writes; older ones are still read.
const VERSION: u32 = 2;

/// A fingerprint that survives line shifts, moves and a renumbered range: version 2's identity
/// without the file (SARIF's partialFingerprints; code scanning pairs it with the file itself).
pub fn fingerprint(finding: &Finding, sources: &SourceMap) -> String {
    identity_in(finding, "", attribute(finding, sources).as_deref())
}

/// Version 1's fingerprint: the same, within one file.
fn fingerprint_in(finding: &Finding, file: &str) -> String {
    hash(&format!(
        "{}|{}|{}|{}",
        finding.rule.code,
        file,
        finding.resource.as_deref().unwrap_or_default(),
        finding.message
    ))
}

/// Version 2's fingerprint: the rule, the file, the resource and the attribute, with the message
/// only for a finding about no resource (a file that cannot be parsed, a suppression comment),
/// which the message alone tells apart.
fn identity_in(finding: &Finding, file: &str, attribute: Option<&str>) -> String {
    let what = match &finding.resource {
        Some(resource) => format!("{resource}|{}", attribute.unwrap_or_default()),
        None => format!("|{}", finding.message),
    };
    hash(&format!("{}|{file}|{what}", finding.rule.code))
}

/// FNV-1a, as hex.
fn hash(text: &str) -> String {
    let hash = text.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    });
    format!("{hash:016x}")
}

/// The attribute a finding's value is written in: the key that starts its line (`name =` in HCL,
/// `"name":` in JSON, `name:` in Bicep). None when the value is not on its key's line (an item
/// of a list spread over lines), so the resource alone identifies it.
fn attribute(finding: &Finding, sources: &SourceMap) -> Option<String> {
    finding.resource.as_ref()?;
    let text = sources.get(finding.span.file).parse_text();
    let start = (finding.span.start as usize).min(text.len());
    let start = (0..=start).rev().find(|&i| text.is_char_boundary(i))?;
    let line = &text[text[..start].rfind('\n').map_or(0, |i| i + 1)..start];
    let key = line[..line.find(['=', ':'])?]
        .trim()
        .trim_matches(['"', '\'']);
    let is_key = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    is_key.then(|| key.to_string())
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
        version: VERSION,
        findings: findings
            .iter()
            .map(|f| {
                let file = file_for(path, f, sources);
                (f, file)
            })
            .map(|(f, file)| {
                let attribute = attribute(f, sources);
                Entry {
                    fingerprint: identity_in(f, &file, attribute.as_deref()),
                    rule: f.rule.code.to_string(),
                    file,
                    resource: f.resource.clone(),
                    attribute,
                    message: f.message.clone(),
                }
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
    if !(1..=VERSION).contains(&file.version) {
        return Err(format!(
            "baseline {}: version {} is not supported (expected 1 to {VERSION}; a newer foundry-lint wrote it?)",
            path.display(),
            file.version
        ));
    }
    let version = file.version;
    let mut remaining: HashMap<String, usize> = HashMap::new();
    for entry in file.findings {
        *remaining.entry(entry.fingerprint).or_default() += 1;
    }
    let before = findings.len();
    findings.retain(|f| {
        let file = file_for(path, f, sources);
        let fingerprint = match version {
            1 => fingerprint_in(f, &file),
            _ => identity_in(f, &file, attribute(f, sources).as_deref()),
        };
        match remaining.get_mut(&fingerprint) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        }
    });
    Ok(before - findings.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, Span};

    /// A FL202 finding on the prefix of `azurerm_subnet.agent` in `dir/main.tf`, as `cidr`.
    fn finding(dir: &Path, sources: &mut SourceMap, cidr: &str) -> Finding {
        let text = format!(
            "resource \"azurerm_subnet\" \"agent\" {{\n  address_prefixes = [\"{cidr}\"]\n}}\n"
        );
        std::fs::write(dir.join("main.tf"), &text).expect("write");
        let start = text.find('[').expect("value");
        let file = sources.add(SourceFile::new(
            dir.join("main.tf"),
            "main.tf".into(),
            text.clone(),
        ));
        let rule = crate::rules::find("FL202").expect("rule");
        Finding {
            rule,
            severity: rule.severity,
            message: format!("agent subnet `azurerm_subnet.agent` is {cidr}"),
            help: "".into(),
            span: Span::new(file, start..text.find(']').expect("end") + 1),
            resource: Some("azurerm_subnet.agent".into()),
            related: Vec::new(),
            trace: None,
            scopes: Vec::new(),
            suggestion: None,
            remedy: None,
        }
    }

    #[test]
    fn version_1_baselines_still_match_by_message_and_version_2_by_attribute() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("baseline.json");
        let mut sources = SourceMap::default();
        let before = finding(dir.path(), &mut sources, "10.0.0.0/27");
        assert_eq!(
            attribute(&before, &sources).as_deref(),
            Some("address_prefixes")
        );
        let v1 = serde_json::json!({"version": 1, "findings": [{
            "fingerprint": fingerprint_in(&before, "main.tf"),
            "rule": "FL202",
            "file": "main.tf",
            "resource": "azurerm_subnet.agent",
            "message": before.message,
        }]});
        std::fs::write(&path, v1.to_string()).expect("write");
        assert_eq!(apply(&path, &mut vec![before.clone()], &sources), Ok(1));
        let mut renumbered_sources = SourceMap::default();
        let renumbered = finding(dir.path(), &mut renumbered_sources, "10.0.5.0/27");
        // Version 1 knew the finding by its message: a renumbered range is a new finding there.
        assert_eq!(
            apply(&path, &mut vec![renumbered.clone()], &renumbered_sources),
            Ok(0)
        );
        write(&path, std::slice::from_ref(&before), &sources).expect("write baseline");
        assert_eq!(
            apply(&path, &mut vec![renumbered], &renumbered_sources),
            Ok(1)
        );
        std::fs::write(&path, r#"{"version": 3, "findings": []}"#).expect("write");
        assert!(apply(&path, &mut Vec::new(), &sources).is_err());
    }
}
