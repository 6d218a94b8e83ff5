//! azurerm and azapi resources into the model. azapi bodies are in the ARM shape and go through
//! `arm_shape`; azurerm resources have their own attribute names, read here.

use crate::frontend::arm_shape::{self, ArmResource};
use crate::model::{
    AccessPolicy, AccountAddition, AccountIdentity, Attr, CognitiveAccount, CustomerManagedKey,
    Dependency, DnsZoneGroup, DnsZoneLink, KeyVault, KeyVaultFirewall, KeyVaultKey,
    ManagedIdentity, Model, NetworkInjection, Origin, Peering, PrivateDnsZone, PrivateEndpoint,
    PrivateLinkConnection, Project, RoleAssignment, Subnet, Val, VirtualNetwork, ids,
};
use crate::node::Node;
use crate::source::Span;
use crate::value::Unknown;

/// Lowers one evaluated resource instance. `node` holds its attributes and blocks plus the
/// computed `id`.
pub fn lower(tf_type: &str, origin: Origin, node: &Node, model: &mut Model) {
    let header = origin.span;
    let id = node
        .get("id")
        .map(|n| n.reference())
        .and_then(|a| a.get().cloned())
        .unwrap_or_default();
    let attr = |key: &str| node.get(key);
    let string = |key: &str| attr(key).map(|n| n.string());
    let reference = |key: &str| match attr(key) {
        Some(n) => n.reference(),
        None => Attr::unknown(
            Unknown::new(format!("`{}.{key}` is not set", origin.address)),
            header,
        ),
    };
    match tf_type {
        "azurerm_virtual_network" => {
            model.virtual_networks.push(VirtualNetwork {
                origin: origin.clone(),
                id: id.clone(),
                location: string("location"),
                address_space: attr("address_space")
                    .map(|n| n.prefixes())
                    .unwrap_or_default(),
            });
            for subnet in attr("subnet").map(|n| n.elements()).unwrap_or_default() {
                let Some(subnet_id) = subnet.get("id").and_then(|n| n.reference().get().cloned())
                else {
                    continue;
                };
                let name = ids::parse(&subnet_id)
                    .and_then(|i| i.name().map(str::to_string))
                    .unwrap_or_default();
                let inline = origin.part(
                    format!("{}.subnet[{name:?}]", origin.address),
                    subnet.span(),
                );
                model.subnets.push(subnet_from(
                    inline,
                    subnet_id,
                    Attr::known(id.clone(), header),
                    &subnet,
                ));
            }
        }
        "azurerm_subnet" => {
            let vnet = id
                .rsplit_once("/subnets/")
                .map(|(vnet, _)| Attr::known(vnet.to_string(), header))
                .unwrap_or_else(|| {
                    Attr::unknown(Unknown::new("the subnet's VNet is not known"), header)
                });
            model.subnets.push(subnet_from(origin, id, vnet, node));
        }
        "azurerm_virtual_network_peering" => {
            let local = id
                .rsplit_once("/virtualNetworkPeerings/")
                .map(|(vnet, _)| Attr::known(vnet.to_string(), header))
                .unwrap_or_else(|| {
                    Attr::unknown(Unknown::new("the peering's VNet is not known"), header)
                });
            model.peerings.push(Peering {
                local_vnet: local,
                remote_vnet: reference("remote_virtual_network_id"),
                remote_address_space: Vec::new(),
                origin,
            });
        }
        "azurerm_private_dns_zone" => {
            model.dns_zones.push(PrivateDnsZone {
                name: string("name")
                    .unwrap_or_else(|| Attr::unknown(Unknown::new("the zone has no name"), header)),
                id,
                origin,
            });
        }
        "azurerm_private_dns_zone_virtual_network_link" => {
            // azurerm 5.x names the zone by id; 4.x by name and resource group (in our own id).
            let zone = match attr("private_dns_zone_id") {
                Some(n) => n.reference(),
                None => Attr::known(arm_shape::parent_id(&id), header),
            };
            model.dns_zone_links.push(DnsZoneLink {
                zone,
                vnet: reference("virtual_network_id"),
                origin,
            });
        }
        "azurerm_private_endpoint" => {
            let connections = attr("private_service_connection")
                .map(|n| n.elements())
                .unwrap_or_default()
                .iter()
                .map(|conn| PrivateLinkConnection {
                    target: match conn.get("private_connection_resource_id") {
                        Some(n) => n.reference(),
                        None => Attr::unknown(
                            Unknown::new("the connection targets an alias"),
                            conn.span(),
                        ),
                    },
                    group_ids: conn
                        .get("subresource_names")
                        .map(|n| n.strings())
                        .unwrap_or_default(),
                    span: conn.span(),
                })
                .collect();
            for group in attr("private_dns_zone_group")
                .map(|n| n.elements())
                .unwrap_or_default()
            {
                model.dns_zone_groups.push(DnsZoneGroup {
                    origin: origin.part(
                        format!("{}.private_dns_zone_group", origin.address),
                        group.span(),
                    ),
                    endpoint: Attr::known(id.clone(), header),
                    zones: group
                        .get("private_dns_zone_ids")
                        .map(|n| n.references())
                        .unwrap_or_default(),
                });
            }
            model.private_endpoints.push(PrivateEndpoint {
                subnet: reference("subnet_id"),
                location: string("location"),
                connections,
                id,
                origin,
            });
        }
        "azurerm_key_vault" | "azurerm_key_vault_managed_hardware_security_module" => {
            let managed_hsm = tf_type != "azurerm_key_vault";
            let rbac = attr("rbac_authorization_enabled")
                .or_else(|| attr("enable_rbac_authorization"))
                .map(|n| n.bool())
                .unwrap_or_else(|| Attr::known(managed_hsm, header));
            // azurerm requires both `bypass` and `default_action` in the block.
            let acls = attr("network_acls").and_then(|n| n.elements().into_iter().next());
            let acl = |key: &str| acls.as_ref().and_then(|a| a.get(key)).map(|n| n.string());
            model.key_vaults.push(KeyVault {
                firewall: KeyVaultFirewall {
                    deny_by_default: acl("default_action").map(|a| arm_shape::deny(&a)),
                    public_network_access: attr("public_network_access_enabled").map(|n| n.bool()),
                    bypass: acl("bypass"),
                },
                origin: origin.clone(),
                id: id.clone(),
                name: string("name").unwrap_or_else(|| {
                    Attr::unknown(Unknown::new("the vault has no name"), header)
                }),
                location: string("location"),
                soft_delete: attr("soft_delete_enabled").map(|n| n.bool()),
                purge_protection: attr("purge_protection_enabled").map(|n| n.bool()),
                rbac_authorization: rbac,
                managed_hsm,
            });
            for policy in attr("access_policy")
                .map(|n| n.elements())
                .unwrap_or_default()
            {
                model.access_policies.push(access_policy(
                    &origin,
                    Attr::known(id.clone(), header),
                    &policy,
                ));
            }
        }
        "azurerm_key_vault_access_policy" => {
            let vault = reference("key_vault_id");
            model
                .access_policies
                .push(access_policy(&origin, vault, node));
        }
        "azurerm_key_vault_key" => {
            model.keys.push(KeyVaultKey {
                id: node
                    .get("resource_id")
                    .and_then(|n| n.reference().get().cloned())
                    .unwrap_or_default(),
                vault: reference("key_vault_id"),
                name: string("name")
                    .unwrap_or_else(|| Attr::unknown(Unknown::new("the key has no name"), header)),
                key_type: string("key_type"),
                key_size: attr("key_size").map(|n| n.number()),
                origin,
            });
        }
        "azurerm_user_assigned_identity" => {
            model
                .managed_identities
                .push(ManagedIdentity { origin, id });
        }
        "azurerm_cognitive_account" | "azurerm_ai_services" => {
            let kind = if tf_type == "azurerm_ai_services" {
                Some(Attr::known(
                    crate::domain::FOUNDRY_ACCOUNT_KIND.to_string(),
                    header,
                ))
            } else {
                string("kind")
            };
            model.accounts.push(CognitiveAccount {
                kind,
                location: string("location"),
                identity: attr("identity")
                    .and_then(|n| n.elements().into_iter().next())
                    .map(|i| identity(&i)),
                network_injections: attr("network_injection")
                    .map(|n| n.elements())
                    .unwrap_or_default()
                    .iter()
                    .map(|inj| NetworkInjection {
                        subnet: inj.get("subnet_id").map(|n| n.reference()),
                        managed_network: None,
                        span: inj.span(),
                    })
                    .collect(),
                customer_managed_key: attr("customer_managed_key")
                    .and_then(|n| n.elements().into_iter().next())
                    .map(|cmk| customer_managed_key(&cmk)),
                // azurerm_cognitive_account takes a bool, azurerm_ai_services a string.
                public_network_access: attr("public_network_access_enabled")
                    .map(|n| n.bool())
                    .or_else(|| attr("public_network_access").map(|n| arm_shape::enabled(&n))),
                custom_subdomain: string("custom_subdomain_name"),
                id,
                origin,
            });
        }
        "azurerm_cognitive_account_project" => {
            model.projects.push(Project {
                account: reference("cognitive_account_id"),
                location: string("location"),
                id,
                origin,
            });
        }
        "azurerm_storage_account" | "azurerm_cosmosdb_account" | "azurerm_search_service" => {
            model.dependencies.push(Dependency {
                location: string("location"),
                id,
                origin,
            });
        }
        "azurerm_cognitive_account_customer_managed_key" => {
            model.account_additions.push(AccountAddition {
                account: reference("cognitive_account_id"),
                network_injections: Vec::new(),
                customer_managed_key: Some(customer_managed_key(node)),
            });
        }
        "azurerm_role_assignment" => {
            let role = attr("role_definition_id")
                .or_else(|| attr("role_definition_name"))
                .map(|n| n.string())
                .unwrap_or_else(|| Attr::unknown(Unknown::new("the role is not set"), header));
            model.role_assignments.push(RoleAssignment {
                scope: reference("scope"),
                role,
                principal: reference("principal_id"),
                origin,
            });
        }
        "azapi_resource" => {
            let Some(resource_type) = azapi_type(node) else {
                return;
            };
            let body = attr("body");
            let from_body = |key: &str| body.as_ref().and_then(|b| b.get(key));
            let resource = ArmResource {
                api_version: azapi_api_version(node),
                id: id.clone(),
                location: attr("location")
                    .or_else(|| from_body("location"))
                    .map(|n| n.string()),
                kind: from_body("kind").map(|n| n.string()),
                identity: attr("identity")
                    .and_then(|n| n.elements().into_iter().next())
                    .or_else(|| from_body("identity")),
                properties: from_body("properties"),
                scope: attr("parent_id").map(|n| n.reference()),
                origin,
                resource_type,
            };
            arm_shape::lower(&resource, model);
        }
        "azapi_update_resource" => {
            let Some(resource_type) = azapi_type(node) else {
                return;
            };
            if !resource_type.eq_ignore_ascii_case("Microsoft.CognitiveServices/accounts") {
                return;
            }
            let properties = attr("body").and_then(|b| b.get("properties"));
            arm_shape::lower_account_update(reference("resource_id"), &properties, model);
        }
        _ => {}
    }
}

fn azapi_type(node: &Node) -> Option<String> {
    let ty = node.get("type")?.string().get()?.clone();
    Some(ty.split('@').next().unwrap_or_default().to_string())
}

fn azapi_api_version(node: &Node) -> Option<String> {
    let ty = node.get("type")?.string().get()?.clone();
    ty.split_once('@').map(|(_, v)| v.to_string())
}

fn subnet_from(origin: Origin, id: String, vnet: Attr<String>, node: &Node) -> Subnet {
    let mut address_prefixes = node
        .get("address_prefixes")
        .map(|n| n.prefixes())
        .unwrap_or_default();
    if let Some(single) = node.get("address_prefix") {
        address_prefixes.insert(0, single.prefix());
    }
    let delegation_blocks = node
        .get("delegation")
        .map(|n| n.elements())
        .unwrap_or_default();
    let delegation_span = delegation_blocks
        .first()
        .map(Node::span)
        .unwrap_or(origin.span);
    let mut delegations = Vec::new();
    for delegation in &delegation_blocks {
        match delegation.get("service_delegation") {
            Some(sd) => delegations.extend(sd.elements().iter().map(|s| match s.get("name") {
                Some(n) => n.string(),
                None => Attr::unknown(
                    Unknown::new("a delegation without a service name"),
                    s.span(),
                ),
            })),
            None => delegations.push(Attr::unknown(
                Unknown::new("a delegation without a service"),
                delegation.span(),
            )),
        }
    }
    Subnet {
        origin,
        id,
        vnet,
        address_prefixes,
        delegations,
        delegation_span,
    }
}

fn access_policy(origin: &Origin, vault: Attr<String>, node: &Node) -> AccessPolicy {
    AccessPolicy {
        origin: origin.part(origin.address.clone(), node.span()),
        vault,
        object_id: node
            .get("object_id")
            .map(|n| n.reference())
            .unwrap_or_else(|| {
                Attr::unknown(
                    Unknown::new("the access policy has no object_id"),
                    node.span(),
                )
            }),
        key_permissions: node
            .get("key_permissions")
            .map(|n| n.strings())
            .unwrap_or_default(),
    }
}

/// azurerm `identity { type = "SystemAssigned, UserAssigned", identity_ids = [...] }`.
fn identity(node: &Node) -> AccountIdentity {
    let mut identity = arm_shape::identity_from(node);
    if let Val::Known(false) = identity.system_assigned
        && node.get("type").is_none()
    {
        identity.system_assigned = Val::Unknown(Unknown::new("the identity type is not set"));
    }
    identity
}

fn customer_managed_key(node: &Node) -> CustomerManagedKey {
    let key = match node.get("key_vault_key_id") {
        Some(n) => n.reference(),
        None => Attr::unknown(Unknown::new("the CMK has no key_vault_key_id"), node.span()),
    };
    let key_name = key
        .get()
        .and_then(|uri| ids::key_name_from_uri(uri))
        .filter(|n| !ids::is_marker(n))
        .map(|n| Attr::known(n, key.span));
    CustomerManagedKey {
        vault: key,
        key_name,
        identity_client_id: node.get("identity_client_id").map(|n| n.reference()),
        span: span_or(node, node.span()),
    }
}

fn span_or(node: &Node, fallback: Span) -> Span {
    let s = node.span();
    if s.start == s.end { fallback } else { s }
}
