//! Resources in the ARM shape (`properties.addressSpace.addressPrefixes`, ...) into the model.
//! The same shape arrives from Terraform's azapi provider, from ARM JSON and from Bicep, so it is
//! read here once.

use crate::model::{
    AccessPolicy, AccountAddition, AccountIdentity, Attr, CAPABILITY_HOST_CONNECTION_LISTS,
    CapabilityHost, CognitiveAccount, CustomerManagedKey, Dependency, DnsZoneGroup, DnsZoneLink,
    KeyVault, KeyVaultFirewall, KeyVaultKey, ManagedIdentity, Model, NetworkInjection, Origin,
    Peering, PrivateDnsZone, PrivateEndpoint, PrivateLinkConnection, Project, RoleAssignment,
    Subnet, Val, VirtualNetwork, ids,
};
use crate::node::{Items, Node};
use crate::source::Span;
use crate::value::Unknown;

/// One ARM-shaped resource declaration.
pub struct ArmResource {
    /// `Microsoft.Network/virtualNetworks` (no API version).
    pub resource_type: String,
    pub api_version: Option<String>,
    /// The resource's id (possibly with identity markers).
    pub id: String,
    pub origin: Origin,
    pub location: Option<Attr<String>>,
    pub kind: Option<Attr<String>>,
    /// The `identity` object: `{type, userAssignedIdentities}` (ARM) or `{type, identity_ids}`
    /// (azapi block).
    pub identity: Option<Node>,
    pub properties: Option<Node>,
    /// The `scope` of an extension resource (role assignments).
    pub scope: Option<Attr<String>>,
}

/// API version from which Key Vault turns RBAC authorization on when the template is silent.
const KEY_VAULT_RBAC_DEFAULT_FROM: &str = "2026-02-01";

pub fn lower(res: &ArmResource, model: &mut Model) {
    let props = res.properties.clone();
    let get = |path: &str| props.as_ref().and_then(|p| p.path(path));
    let origin = res.origin.clone();
    let header = origin.span;
    match res.resource_type.to_ascii_lowercase().as_str() {
        "microsoft.network/virtualnetworks" => {
            model.virtual_networks.push(VirtualNetwork {
                origin: origin.clone(),
                id: res.id.clone(),
                location: res.location.clone(),
                address_space: get("addressSpace.addressPrefixes")
                    .map(|n| n.prefixes())
                    .unwrap_or_default(),
            });
            for subnet in get("subnets").map(|n| n.elements()).unwrap_or_default() {
                let name = subnet.get("name").map(|n| n.reference());
                let id = match name.as_ref().and_then(|n| n.get().cloned()) {
                    Some(name) => format!("{}/subnets/{name}", res.id),
                    None => continue,
                };
                let name = ids::parse(&id)
                    .and_then(|i| i.name().map(str::to_string))
                    .unwrap_or_default();
                let inline_origin =
                    origin.part(format!("{}/subnets/{name}", origin.address), subnet.span());
                model.subnets.push(subnet_from(
                    inline_origin,
                    id,
                    res.id.clone(),
                    &subnet.get("properties"),
                    header,
                ));
            }
            for peering in get("virtualNetworkPeerings")
                .map(|n| n.elements())
                .unwrap_or_default()
            {
                let props = peering.get("properties");
                model.peerings.push(Peering {
                    origin: origin.part(
                        format!("{}/virtualNetworkPeerings", origin.address),
                        peering.span(),
                    ),
                    local_vnet: Attr::known(res.id.clone(), header),
                    remote_vnet: reference_at(&props, "remoteVirtualNetwork.id", peering.span()),
                    remote_address_space: props
                        .as_ref()
                        .and_then(|p| p.path("remoteAddressSpace.addressPrefixes"))
                        .map(|n| n.prefixes())
                        .unwrap_or_default(),
                });
            }
        }
        "microsoft.network/virtualnetworks/subnets" => {
            let vnet = parent_id(&res.id);
            model
                .subnets
                .push(subnet_from(origin, res.id.clone(), vnet, &props, header));
        }
        "microsoft.network/virtualnetworks/virtualnetworkpeerings" => {
            model.peerings.push(Peering {
                local_vnet: Attr::known(parent_id(&res.id), header),
                remote_vnet: reference_at(&props, "remoteVirtualNetwork.id", header),
                remote_address_space: get("remoteAddressSpace.addressPrefixes")
                    .map(|n| n.prefixes())
                    .unwrap_or_default(),
                origin,
            });
        }
        "microsoft.network/privatednszones" => {
            let name = ids::parse(&res.id)
                .and_then(|i| i.name().map(str::to_string))
                .filter(|n| !ids::is_marker(n));
            model.dns_zones.push(PrivateDnsZone {
                name: match name {
                    Some(n) => Attr::known(n, header),
                    None => Attr::unknown(
                        Unknown::new(format!(
                            "the name of `{}` is not known statically",
                            origin.address
                        )),
                        header,
                    ),
                },
                id: res.id.clone(),
                origin,
            });
        }
        "microsoft.network/privatednszones/virtualnetworklinks" => {
            model.dns_zone_links.push(DnsZoneLink {
                zone: Attr::known(parent_id(&res.id), header),
                vnet: reference_at(&props, "virtualNetwork.id", header),
                origin,
            });
        }
        "microsoft.network/privateendpoints" => {
            let mut connections = Vec::new();
            for key in [
                "privateLinkServiceConnections",
                "manualPrivateLinkServiceConnections",
            ] {
                for conn in get(key).map(|n| n.elements()).unwrap_or_default() {
                    let props = conn.get("properties");
                    connections.push(PrivateLinkConnection {
                        target: reference_at(&props, "privateLinkServiceId", conn.span()),
                        group_ids: props
                            .as_ref()
                            .and_then(|p| p.get("groupIds"))
                            .map(|n| n.strings())
                            .unwrap_or_default(),
                        span: conn.span(),
                    });
                }
            }
            model.private_endpoints.push(PrivateEndpoint {
                subnet: reference_at(&props, "subnet.id", header),
                location: res.location.clone(),
                connections,
                id: res.id.clone(),
                origin,
            });
        }
        "microsoft.network/privateendpoints/privatednszonegroups" => {
            let zones = get("privateDnsZoneConfigs")
                .map(|n| n.elements())
                .unwrap_or_default()
                .iter()
                .map(|config| {
                    reference_at(&config.get("properties"), "privateDnsZoneId", config.span())
                })
                .collect();
            model.dns_zone_groups.push(DnsZoneGroup {
                endpoint: Attr::known(parent_id(&res.id), header),
                zones,
                origin,
            });
        }
        "microsoft.keyvault/vaults" | "microsoft.keyvault/managedhsms" => {
            let managed_hsm = res
                .resource_type
                .eq_ignore_ascii_case("Microsoft.KeyVault/managedHSMs");
            let rbac_default = managed_hsm
                || res
                    .api_version
                    .as_deref()
                    .is_some_and(|v| v >= KEY_VAULT_RBAC_DEFAULT_FROM);
            model.key_vaults.push(KeyVault {
                name: name_of(&res.id, &origin),
                location: res.location.clone(),
                soft_delete: get("enableSoftDelete").map(|n| n.bool()),
                purge_protection: get("enablePurgeProtection").map(|n| n.bool()),
                rbac_authorization: get("enableRbacAuthorization")
                    .map(|n| n.bool())
                    .unwrap_or_else(|| Attr::known(rbac_default, header)),
                managed_hsm,
                firewall: KeyVaultFirewall {
                    deny_by_default: get("networkAcls.defaultAction").map(|n| deny(&n.string())),
                    public_network_access: get("publicNetworkAccess").map(|n| enabled(&n)),
                    bypass: get("networkAcls.bypass").map(|n| n.string()),
                },
                id: res.id.clone(),
                origin: origin.clone(),
            });
            access_policies(&get("accessPolicies"), &res.id, &origin, model);
        }
        "microsoft.keyvault/vaults/accesspolicies" => {
            access_policies(&get("accessPolicies"), &parent_id(&res.id), &origin, model);
        }
        "microsoft.keyvault/vaults/keys" => {
            model.keys.push(KeyVaultKey {
                vault: Attr::known(parent_id(&res.id), header),
                name: name_of(&res.id, &origin),
                key_type: get("kty").map(|n| n.string()),
                key_size: get("keySize").map(|n| n.number()),
                id: res.id.clone(),
                origin,
            });
        }
        "microsoft.managedidentity/userassignedidentities" => {
            model.managed_identities.push(ManagedIdentity {
                id: res.id.clone(),
                origin,
            });
        }
        "microsoft.cognitiveservices/accounts" => {
            model.accounts.push(CognitiveAccount {
                kind: res.kind.clone(),
                location: res.location.clone(),
                identity: res.identity.as_ref().map(identity_from),
                network_injections: network_injections(&props),
                customer_managed_key: customer_managed_key(&props),
                public_network_access: get("publicNetworkAccess").map(|n| enabled(&n)),
                custom_subdomain: get("customSubDomainName").map(|n| n.string()),
                id: res.id.clone(),
                origin,
            });
        }
        "microsoft.cognitiveservices/accounts/projects" => {
            model.projects.push(Project {
                account: Attr::known(parent_id(&res.id), header),
                location: res.location.clone(),
                id: res.id.clone(),
                origin,
            });
        }
        "microsoft.cognitiveservices/accounts/projects/capabilityhosts"
        | "microsoft.cognitiveservices/accounts/capabilityhosts" => {
            model.capability_hosts.push(CapabilityHost {
                on_project: res
                    .resource_type
                    .to_ascii_lowercase()
                    .contains("/projects/"),
                connection_lists: CAPABILITY_HOST_CONNECTION_LISTS
                    .map(|list| get(list).map(|n| string_list(&n))),
                id: res.id.clone(),
                origin,
            });
        }
        "microsoft.cognitiveservices/accounts/projects/connections"
        | "microsoft.cognitiveservices/accounts/connections" => {
            let metadata = get("metadata");
            let resource = metadata.as_ref().and_then(|m| {
                m.get("ResourceId")
                    .or_else(|| m.get("resourceId"))
                    .map(|n| n.reference())
            });
            model
                .connections
                .push(crate::model::Connection { resource, origin });
        }
        t if crate::domain::is_agent_dependency_type(t) => {
            model.dependencies.push(Dependency {
                location: res.location.clone(),
                id: res.id.clone(),
                origin,
            });
        }
        "microsoft.authorization/roleassignments" => {
            model.role_assignments.push(RoleAssignment {
                scope: res.scope.clone().unwrap_or_else(|| {
                    Attr::unknown(
                        Unknown::new("the role assignment's scope is not known"),
                        header,
                    )
                }),
                role: reference_at(&props, "roleDefinitionId", header),
                principal: reference_at(&props, "principalId", header),
                origin,
            });
        }
        _ => {}
    }
}

/// What Azure adds to a resource's declared properties that templates read back through
/// `reference()` or a symbolic name: identity principals, a vault's URI, the ids of a VNet's
/// inline subnets.
pub fn add_computed_properties(
    resource_type: &str,
    id: &str,
    properties: &mut std::collections::BTreeMap<String, crate::value::Value>,
) {
    use crate::value::Value;
    match resource_type.to_ascii_lowercase().as_str() {
        "microsoft.managedidentity/userassignedidentities" => {
            properties.insert(
                "principalId".into(),
                Value::String(ids::principal_token(id)),
            );
            properties.insert("clientId".into(), Value::String(ids::client_token(id)));
        }
        "microsoft.keyvault/vaults" => {
            if let Some(name) = ids::parse(id).and_then(|i| i.name().map(str::to_string)) {
                properties.insert("vaultUri".into(), Value::String(ids::vault_uri(&name)));
            }
        }
        "microsoft.network/virtualnetworks" => {
            if let Some(Value::List(subnets)) = properties.get_mut("subnets") {
                for subnet in subnets {
                    if let Value::Object(subnet) = subnet
                        && let Some(Value::String(name)) = subnet.get("name")
                        && !subnet.contains_key("id")
                    {
                        let subnet_id = format!("{id}/subnets/{name}");
                        subnet.insert("id".into(), Value::String(subnet_id));
                    }
                }
            }
        }
        _ => {}
    }
}

/// `"Enabled"` / `"Disabled"` (ARM's publicNetworkAccess) or a bool.
pub fn enabled(node: &Node) -> Attr<bool> {
    let text = node.string();
    match text.get().map(|t| t.to_ascii_lowercase()) {
        Some(t) if t == "enabled" || t == "true" => Attr::known(true, text.span),
        Some(t) if t == "disabled" || t == "false" => Attr::known(false, text.span),
        // `SecuredByPerimeter` and values to come: not a plain "disabled".
        Some(_) => Attr::unknown(
            Unknown::new("public network access is neither Enabled nor Disabled"),
            text.span,
        ),
        None => node.bool(),
    }
}

/// Whether a firewall's default action (`Allow` / `Deny`, any case) denies.
pub fn deny(action: &Attr<String>) -> Attr<bool> {
    action.clone().map(|a| a.eq_ignore_ascii_case("Deny"))
}

/// A list of strings, or why the list is not known.
fn string_list(node: &Node) -> Attr<Vec<Attr<String>>> {
    match node.items() {
        Items::Known(items) => Attr::known(items.iter().map(Node::string).collect(), node.span()),
        Items::Unknown(u, span) => Attr::unknown(u, span),
    }
}

/// Settings an update of an existing account adds (azapi_update_resource, a second ARM
/// declaration of the same account).
pub fn lower_account_update(account: Attr<String>, properties: &Option<Node>, model: &mut Model) {
    let injections = network_injections(properties);
    let cmk = customer_managed_key(properties);
    if injections.is_empty() && cmk.is_none() {
        return;
    }
    model.account_additions.push(AccountAddition {
        account,
        network_injections: injections,
        customer_managed_key: cmk,
    });
}

fn network_injections(props: &Option<Node>) -> Vec<NetworkInjection> {
    let Some(list) = props.as_ref().and_then(|p| p.get("networkInjections")) else {
        return Vec::new();
    };
    list.elements()
        .iter()
        .map(|inj| NetworkInjection {
            subnet: inj
                .get("subnetArmId")
                .map(|n| n.reference())
                .filter(|s| s.get().is_none_or(|v| !v.is_empty())),
            managed_network: inj.get("useMicrosoftManagedNetwork").map(|n| n.bool()),
            span: inj.span(),
        })
        .collect()
}

fn customer_managed_key(props: &Option<Node>) -> Option<CustomerManagedKey> {
    let encryption = props.as_ref()?.get("encryption")?;
    let key_source = encryption.get("keySource").map(|n| n.string());
    if let Some(Val::Known(source)) = key_source.as_ref().map(|a| &a.val)
        && !source.eq_ignore_ascii_case("Microsoft.KeyVault")
    {
        return None;
    }
    let kv = encryption.get("keyVaultProperties")?;
    Some(CustomerManagedKey {
        vault: kv
            .get("keyVaultUri")
            .map(|n| n.reference())
            .unwrap_or_else(|| {
                Attr::unknown(Unknown::new("the CMK has no keyVaultUri"), kv.span())
            }),
        key_name: kv.get("keyName").map(|n| n.string()),
        identity_client_id: kv
            .get("identityClientId")
            .map(|n| n.reference())
            .filter(|a| a.get().is_none_or(|v| !v.is_empty())),
        span: encryption.span(),
    })
}

/// ARM `{type: 'SystemAssigned, UserAssigned', userAssignedIdentities: {'<id>': {}}}` or the azapi
/// block `{type, identity_ids}`.
pub fn identity_from(identity: &Node) -> AccountIdentity {
    let kind = identity.get("type").map(|n| n.string());
    let system_assigned = match kind.as_ref().map(|a| &a.val) {
        Some(Val::Known(t)) => Val::Known(t.to_ascii_lowercase().contains("systemassigned")),
        Some(Val::Unknown(u)) => Val::Unknown(u.clone()),
        None => Val::Known(false),
    };
    let mut user_assigned = Vec::new();
    if let Some(ids_node) = identity.get("identity_ids") {
        user_assigned.extend(ids_node.references());
    }
    if let Some(map) = identity.get("userAssignedIdentities") {
        match &map {
            Node::Object { entries, .. } => {
                user_assigned.extend(
                    entries
                        .iter()
                        .map(|(k, v)| Attr::known(k.clone(), v.span())),
                );
            }
            other => match other.value() {
                crate::value::Value::Object(m) => {
                    user_assigned.extend(m.keys().map(|k| Attr::known(k.clone(), other.span())));
                }
                crate::value::Value::Unknown(u) => {
                    user_assigned.push(Attr::unknown(u, other.span()))
                }
                _ => {}
            },
        }
    }
    AccountIdentity {
        system_assigned,
        user_assigned,
        span: identity.span(),
    }
}

fn subnet_from(
    origin: Origin,
    id: String,
    vnet: String,
    props: &Option<Node>,
    header: Span,
) -> Subnet {
    let get = |path: &str| props.as_ref().and_then(|p| p.path(path));
    let mut address_prefixes = get("addressPrefixes")
        .map(|n| n.prefixes())
        .unwrap_or_default();
    if let Some(single) = get("addressPrefix") {
        address_prefixes.insert(0, single.prefix());
    }
    let delegation_nodes = get("delegations").map(|n| n.elements()).unwrap_or_default();
    let delegation_span = delegation_nodes
        .first()
        .map(Node::span)
        .unwrap_or(origin.span);
    let delegations = delegation_nodes
        .iter()
        .map(|d| match d.path("properties.serviceName") {
            Some(n) => n.string(),
            None => Attr::unknown(
                Unknown::new("a delegation without a service name"),
                d.span(),
            ),
        })
        .collect();
    Subnet {
        origin,
        id,
        vnet: Attr::known(vnet, header),
        address_prefixes,
        delegations,
        delegation_span,
    }
}

fn access_policies(list: &Option<Node>, vault_id: &str, origin: &Origin, model: &mut Model) {
    for policy in list.as_ref().map(|n| n.elements()).unwrap_or_default() {
        model.access_policies.push(AccessPolicy {
            origin: origin.part(origin.address.clone(), policy.span()),
            vault: Attr::known(vault_id.to_string(), origin.span),
            object_id: policy
                .get("objectId")
                .map(|n| n.reference())
                .unwrap_or_else(|| {
                    Attr::unknown(
                        Unknown::new("an access policy without objectId"),
                        policy.span(),
                    )
                }),
            key_permissions: policy
                .path("permissions.keys")
                .map(|n| n.strings())
                .unwrap_or_default(),
        });
    }
}

fn reference_at(node: &Option<Node>, path: &str, fallback: Span) -> Attr<String> {
    match node.as_ref().and_then(|n| n.path(path)) {
        Some(n) => n.reference(),
        None => Attr::unknown(Unknown::new(format!("`{path}` is not set")), fallback),
    }
}

fn name_of(id: &str, origin: &Origin) -> Attr<String> {
    match ids::parse(id).and_then(|i| i.name().map(str::to_string)) {
        Some(n) if !ids::is_marker(&n) => Attr::known(n, origin.span),
        _ => Attr::unknown(
            Unknown::new(format!(
                "the name of `{}` is not known statically",
                origin.address
            )),
            origin.span,
        ),
    }
}

/// The id of a child resource's parent: `.../virtualNetworks/v/subnets/s` -> `.../virtualNetworks/v`.
pub fn parent_id(id: &str) -> String {
    let trimmed = id.trim_end_matches('/');
    let mut parts: Vec<&str> = trimmed.split('/').collect();
    if parts.len() >= 2 {
        parts.truncate(parts.len() - 2);
    }
    parts.join("/")
}
