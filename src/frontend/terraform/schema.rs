//! What the azurerm and azapi providers compute for a resource and references read: its `id`
//! (an ARM id, or a URI for Key Vault keys), `vault_uri`, and the principal and client ids of
//! managed identities. Parts that cannot be known statically become identity markers
//! (`model::ids`), so two references to the same resource still meet.

use crate::model::ids;
use crate::node::Node;
use crate::value::Value;

/// azurerm resource types whose id is a plain ARM id: the ARM type and the attributes naming the
/// parent resources (outermost first).
const ARM_ID_SHAPES: &[(&str, &str, &[&str])] = &[
    (
        "azurerm_virtual_network",
        "Microsoft.Network/virtualNetworks",
        &[],
    ),
    (
        "azurerm_subnet",
        "Microsoft.Network/virtualNetworks/subnets",
        &["virtual_network_name"],
    ),
    (
        "azurerm_virtual_network_peering",
        "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
        &["virtual_network_name"],
    ),
    (
        "azurerm_private_dns_zone",
        "Microsoft.Network/privateDnsZones",
        &[],
    ),
    (
        "azurerm_private_dns_zone_virtual_network_link",
        "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
        &["private_dns_zone_name"],
    ),
    (
        "azurerm_private_endpoint",
        "Microsoft.Network/privateEndpoints",
        &[],
    ),
    (
        "azurerm_network_security_group",
        "Microsoft.Network/networkSecurityGroups",
        &[],
    ),
    ("azurerm_key_vault", "Microsoft.KeyVault/vaults", &[]),
    (
        "azurerm_key_vault_managed_hardware_security_module",
        "Microsoft.KeyVault/managedHSMs",
        &[],
    ),
    (
        "azurerm_cognitive_account",
        "Microsoft.CognitiveServices/accounts",
        &[],
    ),
    (
        "azurerm_ai_services",
        "Microsoft.CognitiveServices/accounts",
        &[],
    ),
    (
        "azurerm_user_assigned_identity",
        "Microsoft.ManagedIdentity/userAssignedIdentities",
        &[],
    ),
    (
        "azurerm_storage_account",
        "Microsoft.Storage/storageAccounts",
        &[],
    ),
    (
        "azurerm_search_service",
        "Microsoft.Search/searchServices",
        &[],
    ),
    (
        "azurerm_cosmosdb_account",
        "Microsoft.DocumentDB/databaseAccounts",
        &[],
    ),
    (
        "azurerm_container_registry",
        "Microsoft.ContainerRegistry/registries",
        &[],
    ),
    ("azurerm_mssql_server", "Microsoft.Sql/servers", &[]),
    (
        "azurerm_postgresql_flexible_server",
        "Microsoft.DBforPostgreSQL/flexibleServers",
        &[],
    ),
    (
        "azurerm_mysql_flexible_server",
        "Microsoft.DBforMySQL/flexibleServers",
        &[],
    ),
    (
        "azurerm_ai_foundry",
        "Microsoft.MachineLearningServices/workspaces",
        &[],
    ),
    (
        "azurerm_machine_learning_workspace",
        "Microsoft.MachineLearningServices/workspaces",
        &[],
    ),
    (
        "azurerm_api_management",
        "Microsoft.ApiManagement/service",
        &[],
    ),
    ("azurerm_linux_web_app", "Microsoft.Web/sites", &[]),
    ("azurerm_windows_web_app", "Microsoft.Web/sites", &[]),
    ("azurerm_linux_function_app", "Microsoft.Web/sites", &[]),
    (
        "azurerm_eventhub_namespace",
        "Microsoft.EventHub/namespaces",
        &[],
    ),
    (
        "azurerm_servicebus_namespace",
        "Microsoft.ServiceBus/namespaces",
        &[],
    ),
    (
        "azurerm_app_configuration",
        "Microsoft.AppConfiguration/configurationStores",
        &[],
    ),
    ("azurerm_redis_cache", "Microsoft.Cache/Redis", &[]),
];

/// The ARM type of an azurerm resource type.
pub fn arm_type(tf_type: &str) -> Option<&'static str> {
    match tf_type {
        "azurerm_cognitive_account_project" => {
            Some("Microsoft.CognitiveServices/accounts/projects")
        }
        _ => ARM_ID_SHAPES
            .iter()
            .find(|(t, _, _)| *t == tf_type)
            .map(|(_, arm, _)| *arm),
    }
}

/// Adds what the provider computes to a resource instance's node. `marker` makes the identity
/// marker for a part that is not known statically.
pub fn add_computed_attributes(
    tf_type: &str,
    address: &str,
    node: &mut Node,
    marker: &dyn Fn(&str) -> String,
) {
    let span = node.span();
    let attr_text = |name: &str| -> String {
        match node.get(name).map(|n| n.value()) {
            Some(Value::String(s)) => s,
            _ => marker(&format!("{address}.{name}")),
        }
    };
    let mut computed: Vec<(&str, Value)> = Vec::new();
    match tf_type {
        "azurerm_resource_group" => {
            computed.push((
                "id",
                Value::String(ids::format_id(Some(&attr_text("name")), "", &[])),
            ));
        }
        "azurerm_key_vault_key" => {
            let vault = match node.get("key_vault_id").map(|n| n.value()) {
                Some(Value::String(id)) => ids::parse(&id)
                    .and_then(|i| i.name().map(str::to_string))
                    .unwrap_or_else(|| marker(&format!("{address}.key_vault_id"))),
                _ => marker(&format!("{address}.key_vault_id")),
            };
            let name = attr_text("name");
            let versionless = format!("{}keys/{name}", ids::vault_uri(&vault));
            let version = marker(&format!("{address}.version"));
            let arm = match node.get("key_vault_id").map(|n| n.value()) {
                Some(Value::String(id)) => format!("{id}/keys/{name}"),
                _ => ids::format_id(None, "Microsoft.KeyVault/vaults/keys", &[&vault, &name]),
            };
            computed.push(("id", Value::String(format!("{versionless}/{version}"))));
            computed.push(("versionless_id", Value::String(versionless)));
            computed.push(("resource_id", Value::String(arm.clone())));
            computed.push(("resource_versionless_id", Value::String(arm)));
        }
        "azurerm_cognitive_account_project" => {
            let account = match node.get("cognitive_account_id").map(|n| n.value()) {
                Some(Value::String(id)) => id,
                _ => ids::format_id(
                    Some(&marker(&format!("{address}.cognitive_account_id"))),
                    "Microsoft.CognitiveServices/accounts",
                    &[&marker(&format!("{address}.cognitive_account_id"))],
                ),
            };
            let id = format!("{account}/projects/{}", attr_text("name"));
            if has_identity(node) {
                add_identity_principal(node, &Value::String(ids::principal_token(&id)));
            }
            computed.push(("id", Value::String(id)));
        }
        "azapi_resource" => {
            if let Some(id) = azapi_id(node, address, marker) {
                let principal = Value::String(ids::principal_token(&id));
                if has_identity(node) {
                    computed.push((
                        "output",
                        Value::Object(
                            [(
                                "identity".to_string(),
                                Value::Object(
                                    [("principalId".to_string(), principal.clone())].into(),
                                ),
                            )]
                            .into(),
                        ),
                    ));
                    add_identity_principal(node, &principal);
                }
                computed.push(("id", Value::String(id)));
            }
        }
        _ => {
            if let Some((_, arm_type, parents)) =
                ARM_ID_SHAPES.iter().find(|(t, _, _)| *t == tf_type)
            {
                let rg = attr_text("resource_group_name");
                let mut names: Vec<String> = parents.iter().map(|p| attr_text(p)).collect();
                names.push(attr_text("name"));
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                let id = ids::format_id(Some(&rg), arm_type, &names);
                match tf_type {
                    "azurerm_key_vault" => {
                        computed.push(("vault_uri", Value::String(ids::vault_uri(names[0]))));
                    }
                    "azurerm_user_assigned_identity" => {
                        computed.push(("principal_id", Value::String(ids::principal_token(&id))));
                        computed.push(("client_id", Value::String(ids::client_token(&id))));
                    }
                    "azurerm_virtual_network" => add_inline_subnet_ids(node, &id),
                    _ => {}
                }
                if has_identity(node) {
                    add_identity_principal(node, &Value::String(ids::principal_token(&id)));
                }
                computed.push(("id", Value::String(id)));
            }
        }
    }
    // A value already there (a plan's real id of an existing resource) is the truth.
    if let Node::Object { entries, .. } = node {
        for (key, value) in computed {
            if !entries.iter().any(|(k, v)| k == key && !v.is_null()) {
                entries.retain(|(k, _)| k != key);
                entries.push((key.to_string(), Node::leaf(value, span)));
            }
        }
    }
}

fn has_identity(node: &Node) -> bool {
    node.get("identity").is_some() || node.path("body.identity").is_some()
}

/// `identity[0].principal_id` (azurerm) and `identity[0].principal_id` on azapi resources.
fn add_identity_principal(node: &mut Node, principal: &Value) {
    let Node::Object { entries, .. } = node else {
        return;
    };
    if let Some((_, Node::List { items, .. })) = entries.iter_mut().find(|(k, _)| k == "identity") {
        for item in items {
            if let Node::Object { entries, span } = item {
                entries.push(("principal_id".into(), Node::leaf(principal.clone(), *span)));
            }
        }
    }
}

/// Inline `subnet` blocks of a VNet export their `id`.
fn add_inline_subnet_ids(node: &mut Node, vnet_id: &str) {
    let Node::Object { entries, .. } = node else {
        return;
    };
    if let Some((_, Node::List { items, .. })) = entries.iter_mut().find(|(k, _)| k == "subnet") {
        for item in items {
            let name = item.get("name").map(|n| n.value());
            if let (Node::Object { entries, span }, Some(Value::String(name))) = (item, name) {
                entries.push((
                    "id".into(),
                    Node::leaf(Value::String(format!("{vnet_id}/subnets/{name}")), *span),
                ));
            }
        }
    }
}

/// An azapi resource's id: its parent id plus its type and name.
fn azapi_id(node: &Node, address: &str, marker: &dyn Fn(&str) -> String) -> Option<String> {
    let ty = match node.get("type").map(|n| n.value()) {
        Some(Value::String(t)) => t.split('@').next().unwrap_or_default().to_string(),
        _ => return None,
    };
    let name = match node.get("name").map(|n| n.value()) {
        Some(Value::String(n)) => n,
        _ => marker(&format!("{address}.name")),
    };
    let parent = match node.get("parent_id").map(|n| n.value()) {
        Some(Value::String(p)) => p,
        _ => ids::format_id(Some(&marker(&format!("{address}.parent_id"))), "", &[]),
    };
    let parent_type = ids::parse(&parent)
        .map(|p| p.resource_type)
        .unwrap_or_default();
    let child_type = ty
        .strip_prefix(&parent_type)
        .filter(|rest| !parent_type.is_empty() && rest.starts_with('/'))
        .map(|rest| rest.trim_start_matches('/'));
    Some(match child_type {
        Some(child) if !child.contains('/') => {
            format!("{}/{child}/{name}", parent.trim_end_matches('/'))
        }
        _ => format!("{}/providers/{ty}/{name}", parent.trim_end_matches('/')),
    })
}
