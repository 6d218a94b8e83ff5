//! The rule catalogue: one file per rule, each reading only the model.

use crate::engine::Rule;

/// Declares a rule's `RULE` static with its document from `rules/<code>-<name>.md`.
macro_rules! rule {
    ($code:literal, $name:literal, $severity:ident, $summary:literal, $check:expr) => {
        rule!($code, $name, $severity, $summary, $check, true);
    };
    ($code:literal, $name:literal, $severity:ident, $summary:literal, $check:expr, $enabled:expr) => {
        pub static RULE: crate::engine::Rule = crate::engine::Rule {
            code: $code,
            name: $name,
            severity: crate::engine::Severity::$severity,
            summary: $summary,
            doc: include_str!(concat!("../../rules/", $code, "-", $name, ".md")),
            enabled_by_default: $enabled,
            check: $check,
        };
    };
}

pub mod agent_subnet_below_minimum;
pub mod agent_subnet_below_production_size;
pub mod agent_subnet_below_session_maximum;
pub mod agent_subnet_capacity;
pub mod agent_subnet_not_delegated;
pub mod agent_subnet_shared;
pub mod capability_host_connections;
pub mod cgnat_range;
pub mod class_a_region;
pub mod cmk_identity_missing;
pub mod cmk_key_permission_missing;
pub mod cmk_key_type;
pub mod cmk_key_vault_firewall;
pub mod cmk_key_vault_purge_protection;
pub mod cmk_key_vault_region;
pub mod cmk_key_vault_soft_delete;
pub mod custom_subdomain_missing;
pub mod foundry_region_mismatch;
pub mod invalid_configuration;
pub mod invalid_suppression;
pub mod module_not_restored;
pub mod non_rfc1918_range;
pub mod parse_error;
pub mod peered_vnet_overlap;
pub mod platform_reserved_range;
pub mod private_access_without_endpoint;
pub mod private_dns_zone_missing;
pub mod private_dns_zone_not_linked;
pub mod subnet_below_azure_minimum;
pub mod subnet_outside_vnet;
pub mod subnet_overlap;
pub mod unresolved_value;

/// Every rule, in code order.
pub static ALL: &[&Rule] = &[
    &parse_error::RULE,
    &unresolved_value::RULE,
    &invalid_suppression::RULE,
    &invalid_configuration::RULE,
    &module_not_restored::RULE,
    &non_rfc1918_range::RULE,
    &cgnat_range::RULE,
    &platform_reserved_range::RULE,
    &class_a_region::RULE,
    &foundry_region_mismatch::RULE,
    &agent_subnet_below_minimum::RULE,
    &agent_subnet_below_session_maximum::RULE,
    &agent_subnet_below_production_size::RULE,
    &agent_subnet_capacity::RULE,
    &agent_subnet_not_delegated::RULE,
    &agent_subnet_shared::RULE,
    &private_access_without_endpoint::RULE,
    &custom_subdomain_missing::RULE,
    &capability_host_connections::RULE,
    &peered_vnet_overlap::RULE,
    &subnet_outside_vnet::RULE,
    &subnet_overlap::RULE,
    &subnet_below_azure_minimum::RULE,
    &private_dns_zone_missing::RULE,
    &private_dns_zone_not_linked::RULE,
    &cmk_key_vault_purge_protection::RULE,
    &cmk_key_vault_soft_delete::RULE,
    &cmk_key_vault_region::RULE,
    &cmk_key_permission_missing::RULE,
    &cmk_identity_missing::RULE,
    &cmk_key_type::RULE,
    &cmk_key_vault_firewall::RULE,
];

/// A rule by code or name (case-insensitive).
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| {
        r.code.eq_ignore_ascii_case(code_or_name) || r.name.eq_ignore_ascii_case(code_or_name)
    })
}

/// The first of `ranges` that a prefix overlaps.
fn overlapping_range(
    prefix: &ipnet::IpNet,
    ranges: &'static [&'static str],
) -> Option<&'static str> {
    ranges
        .iter()
        .copied()
        .find(|r| crate::cidr::parse(r).is_some_and(|range| crate::cidr::overlaps(prefix, &range)))
}

/// Whether an IPv4 prefix lies entirely inside RFC 1918 space.
fn is_private(prefix: &ipnet::IpNet) -> bool {
    crate::domain::PRIVATE_RANGES
        .iter()
        .any(|r| crate::cidr::parse(r).is_some_and(|range| crate::cidr::contains(&range, prefix)))
}

/// Offers where prefix `prefix` of subnet `subnet` would fit as a /`len` (FL201-FL204, FL403):
/// the free range, or that the VNet has none. `lead` opens the sentence. Nothing is offered
/// when the answer depends on what is not known statically. `offered` holds the ranges the
/// rule offered before, by VNet (avoided in the same VNet, then added to).
fn suggest_subnet_range(
    model: &crate::model::Model,
    finding: &mut crate::engine::Finding,
    (subnet, prefix): (usize, usize),
    len: u8,
    lead: &str,
    offered: &mut Vec<(usize, ipnet::IpNet)>,
) {
    use crate::engine::{SuggestedRange, Suggestion};
    use crate::model::{FreeRange, Resolved};
    let Resolved::Entity(v) = model.vnet_of_subnet(subnet) else {
        return;
    };
    let vnet = vnet_label(model, v);
    let avoid: Vec<ipnet::IpNet> = offered
        .iter()
        .filter(|(vnet, _)| *vnet == v)
        .map(|(_, range)| *range)
        .collect();
    let suggestion = match model.free_subnet_range(subnet, prefix, len, &avoid) {
        FreeRange::Free {
            prefix: free,
            within,
            in_place,
        } => {
            offered.push((v, free));
            let grows = if in_place {
                ": the subnet can grow in place"
            } else {
                ""
            };
            Suggestion {
                text: format!("{lead}{free} is free in `{vnet}` ({within}){grows}"),
                range: Some(SuggestedRange {
                    span: model.subnets[subnet].address_prefixes[prefix].span,
                    prefix: free,
                    within,
                }),
            }
        }
        FreeRange::Full {
            len,
            searched,
            crowded,
        } => Suggestion {
            text: if crowded {
                format!(
                    "{lead}no free /{len} in `{vnet}` ({}); widen its address space",
                    join(&searched)
                )
            } else {
                format!(
                    "{lead}every free /{len} in `{vnet}` ({}) overlaps a peered VNet or a range an agent subnet must avoid; renumber its address space",
                    join(&searched)
                )
            },
            range: None,
        },
        FreeRange::Unknown => return,
    };
    finding.suggest(suggestion);
}

/// How a suggestion names a VNet: by its Azure name, as network teams and the portal do
/// (`vnet-hub`), else by its address in the stack.
fn vnet_label(model: &crate::model::Model, vnet: usize) -> String {
    let network = &model.virtual_networks[vnet];
    crate::model::ids::parse(&network.id)
        .and_then(|id| id.name().map(str::to_string))
        .filter(|name| !crate::model::ids::is_marker(name))
        .unwrap_or_else(|| network.origin.address.clone())
}

/// Prefixes as a message lists them: `10.0.0.0/22, 10.1.0.0/24`.
fn join(prefixes: &[ipnet::IpNet]) -> String {
    prefixes
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
