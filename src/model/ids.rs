//! Azure resource identity, shared by every front end: ARM resource ids, Key Vault URIs and the
//! tokens that stand for a managed identity's principal and client ids.
//!
//! Front ends express every reference between resources as a string (a literal id, a
//! `resourceId(...)` result, or an id a front end synthesises for a declared resource). Parts that
//! cannot be known statically are written as markers in braces (`{subscription}`,
//! `{tf:main/azurerm_subnet.agent:name}`); a marker never equals a real name, so references only
//! resolve where identity is certain.

/// A parsed ARM resource id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArmId {
    pub subscription: Option<String>,
    pub resource_group: Option<String>,
    /// Full resource type, e.g. `Microsoft.Network/virtualNetworks/subnets`; empty for a
    /// subscription or resource group id.
    pub resource_type: String,
    /// One name per type segment, e.g. `["vnet-hub", "snet-agent"]`.
    pub names: Vec<String>,
}

pub const SUBSCRIPTION_MARKER: &str = "⟨subscription⟩";

/// Wraps a description of an unknown part of an id (no `/` inside, ids are split on it).
pub fn marker(what: &str) -> String {
    format!("⟨{}⟩", what.replace('/', "|"))
}

/// The description inside the first marker of a string, if it holds one.
pub fn marker_text(s: &str) -> Option<&str> {
    let start = s.find('⟨')?;
    let rest = &s[start + '⟨'.len_utf8()..];
    Some(rest.split('⟩').next().unwrap_or(rest))
}

impl ArmId {
    /// The identity used to match references: type and names, case-insensitive. The subscription
    /// is left out (it is rarely known statically); the resource group is compared separately.
    pub fn key(&self) -> String {
        format!("{}:{}", self.resource_type, self.names.join("/")).to_ascii_lowercase()
    }

    pub fn name(&self) -> Option<&str> {
        self.names.last().map(String::as_str)
    }

    pub fn is_type(&self, resource_type: &str) -> bool {
        self.resource_type.eq_ignore_ascii_case(resource_type)
    }

    pub fn is_resource_group(&self) -> bool {
        self.resource_type.is_empty() && self.resource_group.is_some()
    }

    pub fn is_subscription(&self) -> bool {
        self.resource_type.is_empty()
            && self.resource_group.is_none()
            && self.subscription.is_some()
    }

    /// The id of the parent resource (`vnet` for `vnet/subnet`), if this is a child resource.
    pub fn parent(&self) -> Option<ArmId> {
        let (ty, _) = self.resource_type.rsplit_once('/')?;
        if !ty.contains('/') || self.names.len() < 2 {
            return None;
        }
        Some(ArmId {
            subscription: self.subscription.clone(),
            resource_group: self.resource_group.clone(),
            resource_type: ty.to_string(),
            names: self.names[..self.names.len() - 1].to_vec(),
        })
    }

    /// Whether a marker stands in any part that matters for identity.
    pub fn has_marker(&self) -> bool {
        self.names.iter().any(|n| is_marker(n))
    }
}

pub fn is_marker(s: &str) -> bool {
    s.contains('⟨')
}

/// Parses `/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{type}/{name}]*`
/// and the subscription and resource-group ids. Extension resources keep their last provider part.
pub fn parse(id: &str) -> Option<ArmId> {
    let id = id.trim();
    if !id.starts_with('/') {
        return None;
    }
    let parts: Vec<&str> = id.trim_end_matches('/').split('/').skip(1).collect();
    let mut i = 0;
    let mut out = ArmId {
        subscription: None,
        resource_group: None,
        resource_type: String::new(),
        names: Vec::new(),
    };
    while i < parts.len() {
        let seg = parts[i];
        if seg.eq_ignore_ascii_case("subscriptions") && out.resource_type.is_empty() {
            out.subscription = Some(parts.get(i + 1)?.to_string());
            i += 2;
        } else if seg.eq_ignore_ascii_case("resourceGroups") && out.resource_type.is_empty() {
            out.resource_group = Some(parts.get(i + 1)?.to_string());
            i += 2;
        } else if seg.eq_ignore_ascii_case("providers") {
            let namespace = parts.get(i + 1)?;
            let ty = parts.get(i + 2)?;
            let name = parts.get(i + 3)?;
            out.resource_type = format!("{namespace}/{ty}");
            out.names = vec![name.to_string()];
            i += 4;
            while i + 1 < parts.len() && !parts[i].eq_ignore_ascii_case("providers") {
                out.resource_type.push('/');
                out.resource_type.push_str(parts[i]);
                out.names.push(parts[i + 1].to_string());
                i += 2;
            }
            if i < parts.len() && !parts[i].eq_ignore_ascii_case("providers") {
                return None;
            }
        } else if seg.eq_ignore_ascii_case("managementGroups")
            || seg.eq_ignore_ascii_case("tenants")
        {
            // Management-group scope ids; only the provider part (if any) identifies a resource.
            i += 2;
        } else {
            return None;
        }
    }
    if out.subscription.is_none() && out.resource_group.is_none() && out.resource_type.is_empty() {
        return None;
    }
    Some(out)
}

/// Builds an ARM id. `resource_group` None gives a subscription-level id.
pub fn format_id(resource_group: Option<&str>, resource_type: &str, names: &[&str]) -> String {
    let mut s = String::from("/subscriptions/");
    s.push_str(SUBSCRIPTION_MARKER);
    if let Some(rg) = resource_group {
        s.push_str("/resourceGroups/");
        s.push_str(rg);
    }
    if resource_type.is_empty() {
        return s;
    }
    let mut types = resource_type.split('/');
    let namespace = types.next().unwrap_or_default();
    s.push_str("/providers/");
    s.push_str(namespace);
    for (ty, name) in types.zip(names.iter()) {
        s.push('/');
        s.push_str(ty);
        s.push('/');
        s.push_str(name);
    }
    s
}

/// The host name of a Key Vault (or Managed HSM) URI or key id: `https://kv.vault.azure.net/keys/k/v`
/// gives the vault name `kv`.
pub fn vault_name_from_uri(uri: &str) -> Option<String> {
    let rest = uri
        .trim()
        .strip_prefix("https://")
        .or_else(|| uri.trim().strip_prefix("http://"))?;
    let authority = rest.split('/').next()?;
    // A port would follow the last `:`; a marker (`⟨tf0:...⟩`) holds a `:` of its own.
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => authority,
    };
    let lower = host.to_ascii_lowercase();
    crate::domain::KEY_VAULT_DNS_SUFFIXES
        .iter()
        .find_map(|suffix| {
            lower
                .strip_suffix(suffix)
                .map(|_| host[..host.len() - suffix.len()].to_string())
        })
}

/// The key name in a key URI (`https://kv.vault.azure.net/keys/<name>[/<version>]`).
pub fn key_name_from_uri(uri: &str) -> Option<String> {
    let rest = uri.trim().strip_prefix("https://")?;
    let mut parts = rest.split('/');
    parts.next()?;
    if !parts.next()?.eq_ignore_ascii_case("keys") {
        return None;
    }
    parts.next().filter(|s| !s.is_empty()).map(str::to_string)
}

pub fn vault_uri(vault_name: &str) -> String {
    format!("https://{vault_name}.vault.azure.net/")
}

/// The token that stands for the principal id of a resource's system-assigned identity, or of a
/// user-assigned identity resource. Front ends produce it wherever a template reads
/// `identity.principalId` (or `principal_id`); rules compare it with role assignments.
pub fn principal_token(resource_id: &str) -> String {
    format!("⟨principal:{}⟩", canonical(resource_id))
}

/// The token for a user-assigned identity's client id.
pub fn client_token(resource_id: &str) -> String {
    format!("⟨client:{}⟩", canonical(resource_id))
}

/// The identity key of the resource behind a principal or client token.
pub fn token_resource_key(token: &str) -> Option<&str> {
    let inner = token.strip_suffix('⟩')?;
    inner
        .strip_prefix("⟨principal:")
        .or_else(|| inner.strip_prefix("⟨client:"))
}

fn canonical(resource_id: &str) -> String {
    parse(resource_id)
        .map(|id| id.key())
        .unwrap_or_else(|| resource_id.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_child_resource_ids() {
        let id = parse("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/a").unwrap();
        assert_eq!(
            id.resource_type,
            "Microsoft.Network/virtualNetworks/subnets"
        );
        assert_eq!(id.names, vec!["v", "a"]);
        assert_eq!(id.resource_group.as_deref(), Some("rg"));
        assert_eq!(id.key(), "microsoft.network/virtualnetworks/subnets:v/a");
        assert_eq!(
            id.parent().unwrap().key(),
            "microsoft.network/virtualnetworks:v"
        );
    }

    #[test]
    fn parses_scopes_and_rejects_garbage() {
        assert!(
            parse("/subscriptions/s/resourceGroups/rg")
                .unwrap()
                .is_resource_group()
        );
        assert!(parse("/subscriptions/s").unwrap().is_subscription());
        assert!(parse("not-an-id").is_none());
        assert!(parse("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network").is_none());
        assert!(parse("/").is_none());
    }

    #[test]
    fn format_and_parse_round_trip() {
        let s = format_id(
            Some("rg"),
            "Microsoft.Network/virtualNetworks/subnets",
            &["v", "a"],
        );
        assert_eq!(
            parse(&s).unwrap().key(),
            "microsoft.network/virtualnetworks/subnets:v/a"
        );
    }

    #[test]
    fn vault_names_come_from_uris() {
        assert_eq!(
            vault_name_from_uri("https://KV-1.vault.azure.net/keys/k/123").as_deref(),
            Some("KV-1")
        );
        assert_eq!(vault_name_from_uri("https://example.com/"), None);
        assert_eq!(
            vault_name_from_uri("https://kv.vault.azure.net:443/").as_deref(),
            Some("kv")
        );
        assert_eq!(
            vault_name_from_uri("https://⟨tf0:a.b.name⟩.vault.azure.net/").as_deref(),
            Some("⟨tf0:a.b.name⟩")
        );
        assert_eq!(
            key_name_from_uri("https://kv.vault.azure.net/keys/cmk/abc").as_deref(),
            Some("cmk")
        );
    }

    #[test]
    fn tokens_are_case_insensitive_on_ids() {
        assert_eq!(
            principal_token(
                "/subscriptions/a/resourceGroups/RG/providers/Microsoft.CognitiveServices/accounts/AI"
            ),
            principal_token(
                "/subscriptions/b/resourceGroups/rg/providers/microsoft.cognitiveservices/accounts/ai"
            ),
        );
    }
}
