//! Domain facts as data, in one place (see shared/domain.md). Rules and front ends read these
//! tables; no rule spells a range, a zone or a role id itself.

/// Address ranges an agent network may use (RFC 1918).
pub const PRIVATE_RANGES: &[&str] = &["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/// Carrier-grade NAT (RFC 6598): unsupported for agent networks.
pub const CGNAT_RANGE: &str = "100.64.0.0/10";

/// Ranges the Agent Service platform reserves: Learn, "Set up private networking for Foundry
/// Agent Service" (June 2026), which takes them from Azure Container Apps, and 172.17.0.0/16,
/// Docker's default bridge, which Learn's network isolation page (checked December 2026) says not
/// to use.
pub const PLATFORM_RESERVED_RANGES: &[&str] = &[
    "169.254.0.0/16",
    "172.17.0.0/16",
    "172.30.0.0/16",
    "172.31.0.0/16",
    "192.0.2.0/24",
    "0.0.0.0/8",
    "127.0.0.0/8",
    "100.100.0.0/17",
    "100.100.192.0/19",
    "100.100.224.0/19",
    "100.64.0.0/11",
];

/// Where the class A region lists come from. The documents disagree (the June 2026 setup page
/// lists 18 regions with support and no West Europe), so a rule only trusts the "not supported"
/// list and stays silent for every other region.
pub const CLASS_A_SOURCE: &str =
    "Learn, \"Foundry Agent Service limits, quotas, and regional support\", July 2026";

/// Regions the source marks as supporting class A (10.0.0.0/8) agent subnets. Regions compare
/// after `normalize_region` ("East US 2" and "eastus2" are one region).
pub const CLASS_A_SUPPORTED_REGIONS: &[&str] = &[
    "australiaeast",
    "brazilsouth",
    "canadaeast",
    "centralus",
    "eastus",
    "eastus2",
    "francecentral",
    "germanywestcentral",
    "italynorth",
    "japaneast",
    "koreacentral",
    "northcentralus",
    "southafricanorth",
    "southcentralus",
    "southeastasia",
    "southindia",
    "spaincentral",
    "swedencentral",
    "uaenorth",
    "uksouth",
    "westeurope",
    "westus",
    "westus3",
];

/// Regions the source marks as not supporting class A agent subnets.
pub const CLASS_A_UNSUPPORTED_REGIONS: &[&str] = &[
    "canadacentral",
    "norwayeast",
    "polandcentral",
    "switzerlandnorth",
    "switzerlandwest",
    "westcentralus",
];

/// Whether the documents say a region does not support class A agent subnets (false for
/// regions they support, disagree on or do not list).
pub fn class_a_unsupported(region: &str) -> bool {
    CLASS_A_UNSUPPORTED_REGIONS.contains(&normalize_region(region).as_str())
}

pub const CLASS_A_RANGE: &str = "10.0.0.0/8";

/// The delegation an agent subnet needs.
pub const AGENT_SUBNET_DELEGATION: &str = "Microsoft.App/environments";

/// Agent subnet sizing (prefix lengths).
pub const AGENT_SUBNET_MINIMUM_PREFIX: u8 = 27;
pub const AGENT_SUBNET_SESSION_MAXIMUM_PREFIX: u8 = 26;
pub const AGENT_SUBNET_PRODUCTION_PREFIX: u8 = 24;
/// Azure reserves five addresses in every subnet.
pub const AZURE_RESERVED_ADDRESSES_PER_SUBNET: u128 = 5;
/// Concurrent sessions a /27 supports (Learn's table).
pub const SESSIONS_AT_MINIMUM: u32 = 17;
/// Concurrent sessions per subscription and region, reachable from a /26.
pub const SESSION_MAXIMUM: u32 = 50;
/// Resources the Agent service keeps its state in (thread storage, files, vector stores),
/// reached through private endpoints in the agent VNet. Since mid-2026 Learn lets them be in
/// another region than the VNet (their endpoints may not: FL105).
pub const AGENT_DEPENDENCY_TYPES: &[&str] = &[
    "Microsoft.Storage/storageAccounts",
    "Microsoft.DocumentDB/databaseAccounts",
    "Microsoft.Search/searchServices",
];

pub fn is_agent_dependency_type(resource_type: &str) -> bool {
    AGENT_DEPENDENCY_TYPES
        .iter()
        .any(|t| t.eq_ignore_ascii_case(resource_type))
}

/// Agent subnet capacity (Learn: "about one IP per 10 pods"; the heavy-traffic example runs
/// 10 replicas per project; keep a subnet under 80% utilized).
pub const REPLICAS_PER_PROJECT: u32 = 10;
pub const PODS_PER_IP: u32 = 10;
pub const MAXIMUM_SUBNET_UTILIZATION_PERCENT: u32 = 80;
/// The smallest IPv4 subnet Azure accepts.
pub const AZURE_MINIMUM_SUBNET_PREFIX: u8 = 29;

/// The group id of a Cognitive Services account's endpoint: its zones follow the account's kind
/// (`ACCOUNT_ZONES_BY_KIND`), not the group id alone.
pub const ACCOUNT_GROUP_ID: &str = "account";

/// Private DNS zones an account endpoint needs, by the account's kind (compared
/// case-insensitively): the domains its custom subdomain answers on. A Foundry (`AIServices`)
/// account answers on all three; an `OpenAI` account only on `<subdomain>.openai.azure.com`.
pub const ACCOUNT_ZONES_BY_KIND: &[(&str, &[&str])] = &[
    (
        "AIServices",
        &[
            "privatelink.cognitiveservices.azure.com",
            "privatelink.openai.azure.com",
            "privatelink.services.ai.azure.com",
        ],
    ),
    ("OpenAI", &["privatelink.openai.azure.com"]),
];

/// The zone of every other Cognitive Services kind (TextAnalytics, FormRecognizer, ...).
pub const OTHER_ACCOUNT_KIND_ZONES: &[&str] = &["privatelink.cognitiveservices.azure.com"];

/// Private DNS zones each private endpoint group id needs (group ids compare case-insensitively).
/// Every zone listed for a group id is needed. `account` is not here: see
/// `ACCOUNT_ZONES_BY_KIND`.
pub const DNS_ZONES_BY_GROUP_ID: &[(&str, &[&str])] = &[
    ("searchService", &["privatelink.search.windows.net"]),
    ("Sql", &["privatelink.documents.azure.com"]),
    ("MongoDB", &["privatelink.mongo.cosmos.azure.com"]),
    ("Cassandra", &["privatelink.cassandra.cosmos.azure.com"]),
    ("Gremlin", &["privatelink.gremlin.cosmos.azure.com"]),
    ("Table", &["privatelink.table.cosmos.azure.com"]),
    ("Analytical", &["privatelink.analytics.cosmos.azure.com"]),
    ("blob", &["privatelink.blob.core.windows.net"]),
    ("blob_secondary", &["privatelink.blob.core.windows.net"]),
    ("file", &["privatelink.file.core.windows.net"]),
    ("file_secondary", &["privatelink.file.core.windows.net"]),
    ("queue", &["privatelink.queue.core.windows.net"]),
    ("queue_secondary", &["privatelink.queue.core.windows.net"]),
    ("table_secondary", &["privatelink.table.core.windows.net"]),
    ("dfs", &["privatelink.dfs.core.windows.net"]),
    ("dfs_secondary", &["privatelink.dfs.core.windows.net"]),
    ("web", &["privatelink.web.core.windows.net"]),
    ("web_secondary", &["privatelink.web.core.windows.net"]),
    ("vault", &["privatelink.vaultcore.azure.net"]),
    ("managedhsm", &["privatelink.managedhsm.azure.net"]),
    ("sqlServer", &["privatelink.database.windows.net"]),
    (
        "postgresqlServer",
        &["privatelink.postgres.database.azure.com"],
    ),
    ("mysqlServer", &["privatelink.mysql.database.azure.com"]),
    ("registry", &["privatelink.azurecr.io"]),
    (
        "amlworkspace",
        &[
            "privatelink.api.azureml.ms",
            "privatelink.notebooks.azure.net",
        ],
    ),
    ("Gateway", &["privatelink.azure-api.net"]),
    ("sites", &["privatelink.azurewebsites.net"]),
    ("namespace", &["privatelink.servicebus.windows.net"]),
    ("configurationStores", &["privatelink.azconfig.io"]),
    ("redisCache", &["privatelink.redis.cache.windows.net"]),
];

/// Group ids whose zone depends on the target type: `table` is Storage's table service unless
/// the target is a Cosmos DB account (whose group id is `Table`, compared case-insensitively).
pub const STORAGE_TABLE_ZONE: &str = "privatelink.table.core.windows.net";
pub const COSMOS_TABLE_ZONE: &str = "privatelink.table.cosmos.azure.com";

/// What decides the zones of a group id besides the id itself.
#[derive(Clone, Copy, Debug, Default)]
pub struct EndpointTarget<'a> {
    /// The target's resource type, when known.
    pub resource_type: Option<&'a str>,
    /// The target account's kind, when the target is an account whose kind is known.
    pub account_kind: Option<&'a str>,
}

/// Whether an attached private DNS zone named `zone` (lower case) resolves the names that the
/// zone `needed` serves: the zone itself, or the public zone it stands in for (`azure-api.net`
/// for `privatelink.azure-api.net`). Linked to the VNet, such a zone answers for the service's
/// own name with the endpoint's address; it shadows the rest of the public zone, a choice the
/// author made, not a missing zone.
pub fn zone_answers_for(zone: &str, needed: &str) -> bool {
    zone == needed || needed.strip_prefix("privatelink.") == Some(zone)
}

/// The zones a group id needs. None when the table cannot tell: the group id is not in it, or
/// what it depends on (the target's type for `table`, the account's kind for `account`) is not
/// given.
pub fn dns_zones_for_group(group_id: &str, target: EndpointTarget) -> Option<Vec<&'static str>> {
    if group_id.eq_ignore_ascii_case(ACCOUNT_GROUP_ID) {
        let kind = target.account_kind?;
        return Some(
            ACCOUNT_ZONES_BY_KIND
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(kind))
                .map_or(OTHER_ACCOUNT_KIND_ZONES, |(_, zones)| zones)
                .to_vec(),
        );
    }
    if group_id.eq_ignore_ascii_case("table") {
        return match target.resource_type {
            Some(t) if t.eq_ignore_ascii_case("Microsoft.DocumentDB/databaseAccounts") => {
                Some(vec![COSMOS_TABLE_ZONE])
            }
            Some(t) if t.eq_ignore_ascii_case("Microsoft.Storage/storageAccounts") => {
                Some(vec![STORAGE_TABLE_ZONE])
            }
            _ => None,
        };
    }
    DNS_ZONES_BY_GROUP_ID
        .iter()
        .find(|(g, _)| g.eq_ignore_ascii_case(group_id))
        .map(|(_, zones)| zones.to_vec())
}

/// Roles that carry the key permissions a customer-managed key needs (matched by id; names are
/// accepted too because roles were renamed but kept their ids).
pub const KEY_PERMISSION_ROLES: &[(&str, &[&str])] = &[
    (
        "12338af0-0e69-4776-bea7-57ae8d297424",
        &["Key Vault Crypto User"],
    ),
    (
        "e147488a-f6f5-4113-8e2d-b22465e65bf6",
        &["Key Vault Crypto Service Encryption User"],
    ),
    (
        "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
        &["Key Vault Crypto Officer"],
    ),
    (
        "00482a5a-887f-4fb3-b363-3b7fe8e74483",
        &["Key Vault Administrator"],
    ),
];

/// Key permissions an access policy must grant for a customer-managed key.
pub const CMK_KEY_PERMISSIONS: &[&str] = &["get", "wrapKey", "unwrapKey"];

/// Key types and the minimum size a customer-managed key needs.
pub const CMK_KEY_TYPES: &[&str] = &["RSA", "RSA-HSM"];
pub const CMK_MINIMUM_KEY_SIZE: u32 = 2048;

/// The Foundry account kind whose accounts the agent rules apply to.
pub const FOUNDRY_ACCOUNT_KIND: &str = "AIServices";

/// DNS suffix of Key Vault URIs in the public cloud.
pub const KEY_VAULT_DNS_SUFFIXES: &[&str] = &[
    ".vault.azure.net",
    ".vault.azure.cn",
    ".vault.usgovcloudapi.net",
    ".managedhsm.azure.net",
];

/// Canonical region name: lower case without spaces ("East US 2" -> "eastus2").
pub fn normalize_region(region: &str) -> String {
    region
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a role (id, full role definition id, or name) grants CMK key permissions.
pub fn is_key_permission_role(role: &str) -> bool {
    let role = role.trim();
    let last = role.rsplit('/').next().unwrap_or(role);
    KEY_PERMISSION_ROLES.iter().any(|(id, names)| {
        last.eq_ignore_ascii_case(id) || names.iter().any(|n| n.eq_ignore_ascii_case(role))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of_type(resource_type: &str) -> EndpointTarget<'_> {
        EndpointTarget {
            resource_type: Some(resource_type),
            account_kind: None,
        }
    }

    fn of_kind(kind: &str) -> EndpointTarget<'_> {
        EndpointTarget {
            resource_type: Some("Microsoft.CognitiveServices/accounts"),
            account_kind: Some(kind),
        }
    }

    #[test]
    fn group_ids_match_case_insensitively() {
        assert_eq!(
            dns_zones_for_group("BLOB", EndpointTarget::default()),
            Some(vec!["privatelink.blob.core.windows.net"])
        );
        assert_eq!(
            dns_zones_for_group("somethingElse", EndpointTarget::default()),
            None
        );
    }

    #[test]
    fn a_public_zone_linked_to_the_vnet_answers_for_its_privatelink_zone() {
        assert!(zone_answers_for(
            "privatelink.azure-api.net",
            "privatelink.azure-api.net"
        ));
        assert!(zone_answers_for(
            "azure-api.net",
            "privatelink.azure-api.net"
        ));
        assert!(!zone_answers_for("api.net", "privatelink.azure-api.net"));
        assert!(!zone_answers_for(
            "privatelink.openai.azure.com",
            "privatelink.services.ai.azure.com"
        ));
    }

    #[test]
    fn account_zones_follow_the_kind() {
        assert_eq!(
            dns_zones_for_group("account", of_kind("aiservices"))
                .unwrap()
                .len(),
            3
        );
        assert_eq!(
            dns_zones_for_group("Account", of_kind("OpenAI")),
            Some(vec!["privatelink.openai.azure.com"])
        );
        assert_eq!(
            dns_zones_for_group("account", of_kind("TextAnalytics")),
            Some(vec!["privatelink.cognitiveservices.azure.com"])
        );
        assert_eq!(
            dns_zones_for_group("account", of_type("Microsoft.CognitiveServices/accounts")),
            None
        );
    }

    #[test]
    fn table_depends_on_the_target() {
        assert_eq!(
            dns_zones_for_group("table", of_type("Microsoft.Storage/storageAccounts")),
            Some(vec![STORAGE_TABLE_ZONE])
        );
        assert_eq!(
            dns_zones_for_group("Table", of_type("Microsoft.DocumentDB/databaseAccounts")),
            Some(vec![COSMOS_TABLE_ZONE])
        );
        assert_eq!(
            dns_zones_for_group("table", EndpointTarget::default()),
            None
        );
    }

    #[test]
    fn roles_match_by_id_definition_id_or_name() {
        assert!(is_key_permission_role("Key Vault Crypto User"));
        assert!(is_key_permission_role(
            "/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/12338af0-0e69-4776-bea7-57ae8d297424"
        ));
        assert!(!is_key_permission_role("Reader"));
    }

    #[test]
    fn class_a_lists_are_disjoint_and_only_unsupported_regions_count() {
        for region in CLASS_A_UNSUPPORTED_REGIONS {
            assert!(!CLASS_A_SUPPORTED_REGIONS.contains(region), "{region}");
        }
        assert!(class_a_unsupported("Norway East"));
        assert!(!class_a_unsupported("westeurope"));
        // Not listed either way (North Europe): no warning.
        assert!(!class_a_unsupported("North Europe"));
    }

    #[test]
    fn the_class_a_document_names_the_source_and_the_regions() {
        let doc = include_str!("../rules/FL104-class-a-region.md");
        assert!(
            doc.contains(CLASS_A_SOURCE),
            "FL104 document cites its source"
        );
        for region in CLASS_A_SUPPORTED_REGIONS
            .iter()
            .chain(CLASS_A_UNSUPPORTED_REGIONS)
        {
            assert!(doc.contains(region), "FL104 document lists {region}");
        }
    }

    #[test]
    fn regions_normalise() {
        assert_eq!(normalize_region("East US 2"), "eastus2");
    }
}
