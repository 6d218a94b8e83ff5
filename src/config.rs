//! `.foundry-lint.toml`: found by walking up from the first scanned path (or given with
//! `--config`). Command-line options win over it. An unknown key is an error that names the file,
//! the line and the valid keys.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = ".foundry-lint.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Rules to run instead of the defaults (codes, names, prefixes).
    pub select: Option<Vec<String>>,
    /// Rules not to run.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// `error`, `warning`, `note` or `never`.
    pub fail_on: Option<String>,
    /// Glob patterns of paths not to lint (`**/examples/**`).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Per-rule severity: `FL203 = "off"`, `FL202 = "error"`.
    #[serde(default)]
    pub rules: BTreeMap<String, String>,
}

/// The configuration file that applies to `start`: the nearest one in it or above it.
pub fn find(start: &Path) -> Option<PathBuf> {
    let absolute = std::fs::canonicalize(start).ok()?;
    let mut dir = if absolute.is_dir() {
        absolute
    } else {
        absolute.parent()?.to_path_buf()
    };
    loop {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if !dir.pop() {
            return None;
        }
    }
}

pub fn load(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let config: Config = toml::from_str(&text).map_err(|e| {
        let at = e.span().map(|s| {
            let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
            format!(":{line}")
        });
        format!(
            "{}{}: {}",
            path.display(),
            at.unwrap_or_default(),
            e.message()
        )
    })?;
    for (rule, severity) in &config.rules {
        if crate::rules::find(rule).is_none() {
            return Err(format!(
                "{}: [rules] names `{rule}`, which is not a rule; see --list-rules",
                path.display()
            ));
        }
        if !matches!(severity.as_str(), "off" | "error" | "warning" | "note") {
            return Err(format!(
                "{}: [rules] {rule} = \"{severity}\": expected one of \"off\", \"error\", \"warning\", \"note\"",
                path.display()
            ));
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
        load(&path)
    }

    #[test]
    fn reads_the_documented_keys() {
        let c = parse("select = [\"FL2\"]\nignore = [\"FL203\"]\nfail-on = \"error\"\nexclude = [\"**/examples/**\"]\n[rules]\nFL202 = \"error\"\n").expect("valid");
        assert_eq!(c.select, Some(vec!["FL2".to_string()]));
        assert_eq!(c.fail_on.as_deref(), Some("error"));
        assert_eq!(c.rules.get("FL202").map(String::as_str), Some("error"));
    }

    #[test]
    fn unknown_keys_name_the_line_and_the_valid_keys() {
        let err = parse("select = []\n\nfailon = \"error\"\n")
            .err()
            .unwrap_or_default();
        assert!(err.contains(":3:"), "{err}");
        assert!(err.contains("fail-on"), "{err}");
        let err = parse("[rules]\nFL999 = \"off\"\n")
            .err()
            .unwrap_or_default();
        assert!(err.contains("FL999"), "{err}");
    }
}
