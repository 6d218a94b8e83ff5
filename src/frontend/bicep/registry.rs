//! Where the Bicep CLI keeps the registry modules it restored (`bicep restore`, `bicep build`,
//! the VS Code extension), so that `br:`, `br/<alias>:` and `ts:` modules are read from this
//! machine and never downloaded. The layout is the Bicep CLI's own (Azure/bicep,
//! `BicepRegistryArtifact.cs`, `TagEncoder.cs`, `TemplateSpecModuleArtifact.cs`):
//!
//! - `<root>/br/<registry, lowercased, ':' -> '$'>/<repository, '/' -> '$'>/<tag>$<mask>/main.json`,
//!   the mask being the hex bits of the tag's uppercase letters (empty when there are none), or
//!   `<digest, ':' -> '#'>` for `@sha256:...`;
//! - `<root>/ts/<subscription>/<resource group>/<name>/<version>/main.json`, lowercased, holding
//!   the template spec version (the template is its `properties.mainTemplate`).
//!
//! The root is `~/.bicep` (`%USERPROFILE%\.bicep` on Windows), or `cacheRootDirectory` from the
//! nearest `bicepconfig.json` above the referencing file; `--bicep-cache` (or `[bicep] cache` in
//! `.foundry-lint.toml`) overrides both. Aliases come from that file's `moduleAliases`, over the
//! built-in `br/public` (`mcr.microsoft.com`, module path `bicep`).

use crate::json::Spanned;
use crate::source::FileId;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The longest OCI tag (Azure/bicep `OciArtifactReferenceFacts.MaxTagLength`).
const MAX_TAG_LENGTH: usize = 128;

/// Where a reference's compiled template would be in the cache.
#[derive(Clone, Debug, PartialEq)]
pub struct Cached {
    /// `main.json`.
    pub main: PathBuf,
    /// A template spec: the template is `properties.mainTemplate` of `main.json`.
    pub template_spec: bool,
}

/// The parts of a `bicepconfig.json` that place registry modules.
#[derive(Default)]
struct Config {
    cache_root: Option<PathBuf>,
    /// alias -> (registry, module path)
    br: HashMap<String, (String, Option<String>)>,
    /// alias -> (subscription, resource group)
    ts: HashMap<String, (Option<String>, Option<String>)>,
}

/// Resolves registry references to cache paths, reading each directory's `bicepconfig.json`
/// once.
pub struct Cache {
    /// `--bicep-cache` or the configuration file's `[bicep] cache`.
    root_override: Option<PathBuf>,
    home: Option<PathBuf>,
    /// The configuration that applies in each directory looked at.
    configs: HashMap<PathBuf, std::rc::Rc<Config>>,
}

impl Cache {
    pub fn new(root_override: Option<PathBuf>) -> Cache {
        let home = std::env::var_os(if cfg!(windows) { "USERPROFILE" } else { "HOME" })
            .filter(|h| !h.is_empty())
            .map(PathBuf::from);
        Cache {
            root_override,
            home,
            configs: HashMap::new(),
        }
    }

    /// Where the module or import `reference` (as written in `file`) is cached; `Err` says why
    /// the reference names no cache entry (an unknown alias, a malformed reference).
    pub fn resolve(&mut self, file: &Path, reference: &str) -> Result<Cached, String> {
        let config = self.config(file.parent().unwrap_or(Path::new(".")));
        let root = self
            .root_override
            .clone()
            .or_else(|| config.cache_root.clone())
            .or_else(|| self.home.as_ref().map(|h| h.join(".bicep")))
            .ok_or_else(|| "no home directory to find the Bicep cache in".to_string())?;
        let (scheme, rest) = reference
            .split_once(':')
            .ok_or_else(|| format!("`{reference}` is not a registry reference"))?;
        let (scheme, alias) = match scheme.split_once('/') {
            Some((s, a)) => (s, Some(a)),
            None => (scheme, None),
        };
        match scheme {
            "br" => {
                let (registry, path) = match alias {
                    Some(alias) => {
                        let (registry, module_path) = config.br.get(alias).ok_or_else(|| {
                            format!(
                                "alias `br/{alias}` is not in moduleAliases of a bicepconfig.json"
                            )
                        })?;
                        let path = match module_path {
                            Some(prefix) => format!("{}/{rest}", prefix.trim_end_matches('/')),
                            None => rest.to_string(),
                        };
                        (registry.clone(), path)
                    }
                    None => {
                        let (registry, path) = rest
                            .split_once('/')
                            .ok_or_else(|| format!("`{reference}` names no repository"))?;
                        (registry.to_string(), path.to_string())
                    }
                };
                let (repository, version) = if let Some((repo, digest)) = path.split_once('@') {
                    (repo, digest.replace(':', "#"))
                } else {
                    let (repo, tag) = path
                        .rsplit_once(':')
                        .ok_or_else(|| format!("`{reference}` has no tag or digest"))?;
                    (repo, encode_tag(tag)?)
                };
                let dir = root
                    .join("br")
                    .join(registry.replace(':', "$").to_lowercase())
                    .join(repository.replace('/', "$"))
                    .join(version);
                Ok(Cached {
                    main: dir.join("main.json"),
                    template_spec: false,
                })
            }
            "ts" => {
                let full = match alias {
                    Some(alias) => {
                        let (subscription, group) = config.ts.get(alias).ok_or_else(|| {
                            format!(
                                "alias `ts/{alias}` is not in moduleAliases of a bicepconfig.json"
                            )
                        })?;
                        let mut parts: Vec<&str> = Vec::new();
                        parts.extend(subscription.as_deref());
                        parts.extend(group.as_deref());
                        parts.push(rest);
                        parts.join("/")
                    }
                    None => rest.to_string(),
                };
                let (path, version) = full
                    .rsplit_once(':')
                    .ok_or_else(|| format!("`{reference}` has no version"))?;
                let parts: Vec<&str> = path.split('/').collect();
                let [subscription, group, name] = parts.as_slice() else {
                    return Err(format!(
                        "`{reference}` does not name a subscription, resource group and template spec"
                    ));
                };
                let dir = format!("ts/{subscription}/{group}/{name}/{version}").to_lowercase();
                Ok(Cached {
                    main: root.join(dir).join("main.json"),
                    template_spec: true,
                })
            }
            _ => Err(format!("`{reference}` has an unknown scheme `{scheme}:`")),
        }
    }

    /// The configuration of the nearest `bicepconfig.json` in or above `dir` (a relative `dir`
    /// is followed up to the current directory and on to its ancestors).
    fn config(&mut self, dir: &Path) -> std::rc::Rc<Config> {
        if let Some(c) = self.configs.get(dir) {
            return c.clone();
        }
        let mut candidates: Vec<PathBuf> = dir
            .ancestors()
            .filter(|d| !d.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .collect();
        if dir.is_relative()
            && let Ok(cwd) = std::env::current_dir()
        {
            candidates.extend(cwd.ancestors().map(Path::to_path_buf));
        }
        let config = candidates
            .iter()
            .find_map(|d| {
                let text = std::fs::read_to_string(d.join("bicepconfig.json")).ok()?;
                Some(read_config(text.trim_start_matches('\u{feff}'), d))
            })
            .unwrap_or_else(|| read_config("{}", dir));
        let config = std::rc::Rc::new(config);
        self.configs.insert(dir.to_path_buf(), config.clone());
        config
    }
}

/// A configuration file's settings over Bicep's built-in defaults; a file that does not parse
/// gives the defaults (Bicep would refuse it, which the user sees when restoring).
fn read_config(text: &str, dir: &Path) -> Config {
    let mut config = Config::default();
    config.br.insert(
        "public".into(),
        ("mcr.microsoft.com".into(), Some("bicep".into())),
    );
    let Ok(Some(json)) = crate::json::parse(text, FileId(u32::MAX)) else {
        return config;
    };
    let string = |v: Option<&Spanned>| v.and_then(Spanned::as_str).map(str::to_string);
    if let Some(root) = string(json.get("cacheRootDirectory")).filter(|r| !r.trim().is_empty()) {
        config.cache_root = Some(expand_root(&root, dir));
    }
    let aliases = json.get("moduleAliases");
    for (alias, entry) in aliases
        .and_then(|a| a.get("br"))
        .map(Spanned::members)
        .unwrap_or_default()
    {
        if let Some(registry) = string(entry.get("registry")) {
            config
                .br
                .insert(alias.clone(), (registry, string(entry.get("modulePath"))));
        }
    }
    for (alias, entry) in aliases
        .and_then(|a| a.get("ts"))
        .map(Spanned::members)
        .unwrap_or_default()
    {
        config.ts.insert(
            alias.clone(),
            (
                string(entry.get("subscription")),
                string(entry.get("resourceGroup")),
            ),
        );
    }
    config
}

/// `~` is the home directory, as Bicep expands it; a relative path is taken from the
/// configuration file's directory, so that a repository can keep its cache beside it.
fn expand_root(root: &str, dir: &Path) -> PathBuf {
    let home = std::env::var_os(if cfg!(windows) { "USERPROFILE" } else { "HOME" });
    if let Some(rest) = root.strip_prefix('~')
        && (rest.is_empty() || rest.starts_with(['/', '\\']))
        && let Some(home) = home
    {
        return PathBuf::from(home).join(rest.trim_start_matches(['/', '\\']));
    }
    dir.join(root)
}

/// Bicep's cache name for a tag: the tag, `$`, and the hex mask of its uppercase letters
/// (bit i for character i, in 64-bit words, the most significant word first and without its
/// leading zeros; nothing for an all-lowercase tag).
pub fn encode_tag(tag: &str) -> Result<String, String> {
    let chars: Vec<char> = tag.chars().collect();
    if chars.len() > MAX_TAG_LENGTH {
        return Err(format!(
            "the tag `{tag}` is longer than {MAX_TAG_LENGTH} characters"
        ));
    }
    let mut mask = [0u64; MAX_TAG_LENGTH.div_ceil(64)];
    for (i, c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            mask[i / 64] |= 1 << (i % 64);
        }
    }
    let mut out = format!("{tag}$");
    let mut leading = false;
    for word in mask.iter().rev() {
        if leading {
            out.push_str(&format!("{word:016x}"));
        } else if *word != 0 {
            out.push_str(&format!("{word:x}"));
            leading = true;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_carry_the_mask_of_their_uppercase_letters() {
        assert_eq!(encode_tag("0.9.0").unwrap(), "0.9.0$");
        assert_eq!(encode_tag("v1").unwrap(), "v1$");
        assert_eq!(encode_tag("V1").unwrap(), "V1$1");
        assert_eq!(encode_tag("aBcD").unwrap(), "aBcD$a");
        let long = format!("{}A", "a".repeat(64));
        assert_eq!(
            encode_tag(&long).unwrap(),
            format!("{long}$10000000000000000")
        );
        assert!(encode_tag(&"a".repeat(129)).is_err());
    }

    fn cache_in(dir: &Path, config: &str) -> Cache {
        std::fs::create_dir_all(dir.join("infra/app")).unwrap();
        std::fs::write(dir.join("bicepconfig.json"), config).unwrap();
        Cache {
            root_override: None,
            home: Some(PathBuf::from("/home/u")),
            configs: HashMap::new(),
        }
    }

    #[test]
    fn public_registry_aliases_and_template_specs_map_to_the_cli_layout() {
        let dir = std::env::temp_dir().join(format!("fl-bicep-cache-{}", std::process::id()));
        let mut cache = cache_in(
            &dir,
            r#"{
              // comments are allowed
              "cacheRootDirectory": "cache",
              "moduleAliases": {
                "br": { "shared": { "registry": "contoso.azurecr.io:443", "modulePath": "infra/modules" } },
                "ts": { "specs": { "subscription": "00000000-0000-0000-0000-000000000001", "resourceGroup": "RG-Specs" } }
              }
            }"#,
        );
        let file = dir.join("infra/app/main.bicep");
        let root = dir.join("cache");
        let mut main = |r: &str| cache_main(&mut cache, &file, r);
        assert_eq!(
            main("br/public:avm/res/network/virtual-network:0.9.0"),
            root.join(
                "br/mcr.microsoft.com/bicep$avm$res$network$virtual-network/0.9.0$/main.json"
            )
        );
        assert_eq!(
            main("br/shared:network/Hub:V2"),
            root.join("br/contoso.azurecr.io$443/infra$modules$network$Hub/V2$1/main.json")
        );
        assert_eq!(
            main("br:Contoso.azurecr.io/net/vnet@sha256:abc"),
            root.join("br/contoso.azurecr.io/net$vnet/sha256#abc/main.json")
        );
        assert_eq!(
            main("ts/specs:Network:1.0"),
            root.join("ts/00000000-0000-0000-0000-000000000001/rg-specs/network/1.0/main.json")
        );
        assert!(cache.resolve(&file, "br/unknown:x:1").is_err());
        assert!(cache.resolve(&file, "ts:sub/rg:1").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn cache_main(cache: &mut Cache, file: &Path, reference: &str) -> PathBuf {
        cache.resolve(file, reference).unwrap().main
    }

    #[test]
    fn the_home_cache_is_the_default_and_the_override_wins() {
        let dir = std::env::temp_dir().join(format!("fl-bicep-home-{}", std::process::id()));
        let mut cache = cache_in(&dir, "{}");
        let file = dir.join("infra/app/main.bicep");
        assert_eq!(
            cache_main(&mut cache, &file, "br/public:avm/x:1.0.0"),
            PathBuf::from("/home/u/.bicep/br/mcr.microsoft.com/bicep$avm$x/1.0.0$/main.json")
        );
        cache.root_override = Some(PathBuf::from("/ci/cache"));
        assert_eq!(
            cache_main(&mut cache, &file, "br/public:avm/x:1.0.0"),
            PathBuf::from("/ci/cache/br/mcr.microsoft.com/bicep$avm$x/1.0.0$/main.json")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
