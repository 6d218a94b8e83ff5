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
    /// Agent subnet thresholds.
    #[serde(default)]
    pub agent_subnet: AgentSubnet,
    /// Virtual networks outside the repository that the stack peers with (a hub).
    #[serde(default)]
    pub networks: Vec<Network>,
    /// Private DNS zones managed outside the stack.
    #[serde(default)]
    pub dns: Dns,
    /// Where Bicep registry modules are read from.
    #[serde(default)]
    pub bicep: Bicep,
    /// URL prefixes of linked ARM templates and the directories of the repository (relative
    /// to the configuration file) that hold the same files.
    #[serde(default)]
    pub template_links: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Bicep {
    /// The Bicep cache root, relative to the configuration file (`bicep restore` fills it),
    /// instead of `~/.bicep` or `bicepconfig.json`'s `cacheRootDirectory`.
    pub cache: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AgentSubnet {
    pub minimum_prefix: Option<u8>,
    pub replicas_per_project: Option<u32>,
    pub pods_per_ip: Option<u32>,
    /// Percent of usable addresses the estimated demand may take.
    pub maximum_utilization: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Network {
    /// The VNet's resource id, as the stack's peerings name it.
    pub id: toml::Spanned<String>,
    pub address_space: Vec<toml::Spanned<String>>,
    pub location: Option<toml::Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Dns {
    #[serde(default)]
    pub central_zones: Vec<String>,
    #[serde(default)]
    pub assume_central: bool,
    /// `assume-provided` (default) or `check`: FL501 on endpoints in VNets the stack does not
    /// declare.
    pub existing_vnets: Option<toml::Spanned<String>>,
}

impl Config {
    /// The `[rules]` table as severity overrides by rule code (None: the rule is off); names
    /// that are no rule are left out.
    pub fn severities(
        &self,
    ) -> std::collections::HashMap<&'static str, Option<crate::engine::Severity>> {
        use crate::engine::Severity;
        self.rules
            .iter()
            .filter_map(|(rule, severity)| {
                let rule = crate::rules::find(rule)?;
                let severity = match severity.as_str() {
                    "error" => Some(Severity::Error),
                    "warning" => Some(Severity::Warning),
                    "note" => Some(Severity::Note),
                    _ => None,
                };
                Some((rule.code, severity))
            })
            .collect()
    }

    /// The settings rules read: the documented defaults, with the file's values over them.
    pub fn settings(&self) -> crate::settings::Settings {
        let mut settings = crate::settings::Settings::default();
        let a = &mut settings.agent_subnet;
        if let Some(v) = self.agent_subnet.minimum_prefix {
            a.minimum_prefix = v;
        }
        if let Some(v) = self.agent_subnet.replicas_per_project {
            a.replicas_per_project = v;
        }
        if let Some(v) = self.agent_subnet.pods_per_ip {
            a.pods_per_ip = v;
        }
        if let Some(v) = self.agent_subnet.maximum_utilization {
            a.maximum_utilization_percent = v;
        }
        settings.dns.central_zones = self
            .dns
            .central_zones
            .iter()
            .map(|z| z.trim_end_matches('.').to_ascii_lowercase())
            .collect();
        settings.dns.assume_central = self.dns.assume_central;
        if let Some(v) = self
            .dns
            .existing_vnets
            .as_ref()
            .and_then(|v| crate::settings::ExistingVnets::parse(v.get_ref()))
        {
            settings.dns.existing_vnets = v;
        }
        settings
    }
}

/// `[template-links]` with each directory relative to `config_dir`, the configuration file's.
pub fn template_links(config: &Config, config_dir: &Path) -> Vec<(String, PathBuf)> {
    config
        .template_links
        .iter()
        .map(|(prefix, dir)| {
            let dir = crate::frontend::terraform::normalize(&config_dir.join(dir));
            (prefix.clone(), dir)
        })
        .collect()
}

/// `[[networks]]` of the configuration file at `path`, as the front ends take them (none
/// without a file or without networks).
pub fn external_networks(
    config: &Config,
    path: Option<&Path>,
) -> Result<Option<crate::frontend::ExternalNetworks>, String> {
    let Some(path) = path.filter(|_| !config.networks.is_empty()) else {
        return Ok(None);
    };
    Ok(Some(crate::frontend::ExternalNetworks {
        // Findings show it like every other file: relative to where the linter runs.
        path: std::env::current_dir()
            .ok()
            .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
            .unwrap_or_else(|| path.to_path_buf()),
        text: std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?,
        networks: config
            .networks
            .iter()
            .map(|n| crate::frontend::ExternalNetwork {
                id: (n.id.get_ref().clone(), n.id.span()),
                address_space: n
                    .address_space
                    .iter()
                    .map(|p| (p.get_ref().clone(), p.span()))
                    .collect(),
                location: n.location.as_ref().map(|l| (l.get_ref().clone(), l.span())),
            })
            .collect(),
    }))
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
    parse_str(&text, path)
}

/// Reads and checks a configuration file's text; `path` only names the file in messages.
pub fn parse_str(text: &str, path: &Path) -> Result<Config, String> {
    let config: Config = toml::from_str(text).map_err(|e| {
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
            let hint = crate::engine::suggest(rule)
                .map(|close| format!(" (did you mean {close}?)"))
                .unwrap_or_default();
            return Err(format!(
                "{}: [rules] names `{rule}`, which is not a rule{hint}; see --list-rules",
                path.display()
            ));
        }
        const SEVERITIES: [&str; 4] = ["off", "error", "warning", "note"];
        if !SEVERITIES.contains(&severity.as_str()) {
            return Err(format!(
                "{}: [rules] {rule} = \"{severity}\": expected one of \"off\", \"error\", \"warning\", \"note\"{}",
                path.display(),
                crate::engine::did_you_mean(severity, SEVERITIES)
            ));
        }
    }
    let a = &config.agent_subnet;
    let invalid = |key: &str, expected: &str| {
        Err(format!(
            "{}: [agent-subnet] {key}: expected {expected}",
            path.display()
        ))
    };
    if a.minimum_prefix.is_some_and(|p| !(8..=29).contains(&p)) {
        return invalid("minimum-prefix", "a prefix length from 8 to 29");
    }
    if a.replicas_per_project == Some(0) {
        return invalid("replicas-per-project", "at least 1");
    }
    if a.pods_per_ip == Some(0) {
        return invalid("pods-per-ip", "at least 1");
    }
    if a.maximum_utilization
        .is_some_and(|p| !(1..=100).contains(&p))
    {
        return invalid("maximum-utilization", "a percentage from 1 to 100");
    }
    let line =
        |span: std::ops::Range<usize>| text[..span.start.min(text.len())].matches('\n').count() + 1;
    if let Some(value) = &config.dns.existing_vnets
        && crate::settings::ExistingVnets::parse(value.get_ref()).is_none()
    {
        let expected: Vec<String> = crate::settings::ExistingVnets::VALUES
            .iter()
            .map(|(name, _)| format!("\"{name}\""))
            .collect();
        return Err(format!(
            "{}:{}: [dns] existing-vnets = \"{}\": expected one of {}{}",
            path.display(),
            line(value.span()),
            value.get_ref(),
            expected.join(", "),
            crate::engine::did_you_mean(
                value.get_ref(),
                crate::settings::ExistingVnets::VALUES
                    .iter()
                    .map(|(name, _)| *name)
            )
        ));
    }
    for network in &config.networks {
        if crate::model::ids::parse(network.id.get_ref()).is_none_or(|id| {
            !id.resource_type
                .eq_ignore_ascii_case("Microsoft.Network/virtualNetworks")
        }) {
            return Err(format!(
                "{}:{}: [[networks]] id `{}` is not a virtual network resource id (/subscriptions/.../providers/Microsoft.Network/virtualNetworks/NAME)",
                path.display(),
                line(network.id.span()),
                network.id.get_ref()
            ));
        }
        for prefix in &network.address_space {
            if crate::cidr::parse(prefix.get_ref()).is_none() {
                return Err(format!(
                    "{}:{}: [[networks]] address-space `{}` is not a CIDR prefix",
                    path.display(),
                    line(prefix.span()),
                    prefix.get_ref()
                ));
            }
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
    fn existing_vnets_takes_one_of_its_values() {
        use crate::settings::ExistingVnets;
        let default = parse("[dns]\n").expect("valid");
        assert_eq!(
            default.settings().dns.existing_vnets,
            ExistingVnets::AssumeProvided
        );
        let check = parse("[dns]\nexisting-vnets = \"check\"\n").expect("valid");
        assert_eq!(check.settings().dns.existing_vnets, ExistingVnets::Check);
        let err = parse("[dns]\n\nexisting-vnets = \"yes\"\n")
            .err()
            .unwrap_or_default();
        assert!(err.contains(":3:"), "{err}");
        assert!(err.contains("\"assume-provided\", \"check\""), "{err}");
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
        assert!(!err.contains("did you mean"), "{err}");
        let err = parse("[rules]\nagent-subnet-below-minimun = \"off\"\n")
            .err()
            .unwrap_or_default();
        assert!(
            err.contains("`agent-subnet-below-minimun`, which is not a rule (did you mean agent-subnet-below-minimum?)"),
            "{err}"
        );
    }

    #[test]
    fn a_misspelt_value_gets_the_closest_valid_one_and_a_far_one_none() {
        let err = parse("[rules]\nFL201 = \"warnig\"\n")
            .err()
            .unwrap_or_default();
        assert!(err.ends_with("(did you mean warning?)"), "{err}");
        let err = parse("[rules]\nFL201 = \"loud\"\n")
            .err()
            .unwrap_or_default();
        assert!(!err.contains("did you mean"), "{err}");
        let err = parse("[dns]\nexisting-vnets = \"chek\"\n")
            .err()
            .unwrap_or_default();
        assert!(err.ends_with("(did you mean check?)"), "{err}");
    }
}
