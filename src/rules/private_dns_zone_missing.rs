//! FL501: a private endpoint's group id needs a private DNS zone the stack neither declares nor
//! attaches. DNS belongs to whoever owns the VNet: an endpoint in a VNet the stack does not
//! declare (a landing zone's spoke) gets its zones from the VNet's owner, unless `[dns]
//! existing-vnets = "check"` says the stack provides them.

use crate::domain;
use crate::engine::Reporter;
use crate::model::{Model, NeededZones, PrivateEndpoint, Resolved, ids};
use crate::settings::{ExistingVnets, Settings};

rule!(
    "FL501",
    "private-dns-zone-missing",
    Error,
    "A private endpoint in a VNet the stack declares needs a private DNS zone that the stack neither declares nor attaches",
    Some(check)
);

fn check(model: &Model, settings: &Settings, out: &mut Reporter) {
    // A zone whose name is unknown could be any zone.
    if let Some(zone) = model.dns_zones.iter().find(|z| z.name.get().is_none()) {
        if let Some(u) = zone.name.unknown_reason() {
            out.unresolved(u, zone.name.span, "which private DNS zones are declared");
        }
        return;
    }
    // So could zones whose instances could not be counted (their own note says so).
    if model.has_uncounted("Microsoft.Network/privateDnsZones") {
        return;
    }
    for (e, endpoint) in model.private_endpoints.iter().enumerate() {
        // The VNet's owner provides its DNS: say so where a zone would be missing, check nothing.
        let owner = match settings.dns.existing_vnets {
            ExistingVnets::Check => None,
            ExistingVnets::AssumeProvided => outside_owner(model, endpoint),
        };
        let Some(attached) = attached_zones(model, e) else {
            continue;
        };
        let mut assumed: Vec<&str> = Vec::new();
        for connection in &endpoint.connections {
            for group_id in &connection.group_ids {
                let Some(group) = group_id.get() else {
                    if let (Some(u), None) = (group_id.unknown_reason(), &owner) {
                        out.unresolved(
                            u,
                            group_id.span,
                            &format!(
                                "the group id of private endpoint `{}`",
                                endpoint.origin.address
                            ),
                        );
                    }
                    continue;
                };
                let zones = match model.zones_needed(connection, group) {
                    NeededZones::Zones(zones) => zones,
                    NeededZones::Unlisted => continue,
                    NeededZones::Unknown(u) => {
                        if owner.is_none() {
                            out.unresolved(
                                &u,
                                group_id.span,
                                &format!(
                                    "which private DNS zones `{group}` of private endpoint `{}` needs",
                                    endpoint.origin.address
                                ),
                            );
                        }
                        continue;
                    }
                };
                for zone in zones {
                    if !model.zones_named(zone).is_empty()
                        || attached.iter().any(|z| domain::zone_answers_for(z, zone))
                        || settings.dns.is_central(zone)
                    {
                        continue;
                    }
                    if owner.is_some() {
                        if !assumed.contains(&zone) {
                            assumed.push(zone);
                        }
                        continue;
                    }
                    out.report(
                        group_id.span,
                        format!("private endpoint `{}` connects to `{group}`, which needs the private DNS zone `{zone}`; the stack neither declares nor attaches it", endpoint.origin.address),
                    )
                    .help(format!("declare the zone `{zone}`, link it to the VNet, and attach it with a DNS zone group on the endpoint; if a hub provides the zone, attach its id or name it in `central-zones` under `[dns]` in .foundry-lint.toml"))
                    .origin(&endpoint.origin);
                }
            }
        }
        if let (Some(owner), false) = (owner, assumed.is_empty()) {
            let zones: Vec<String> = assumed.iter().map(|z| format!("`{z}`")).collect();
            out.assumed(
                endpoint.subnet.span,
                &format!(
                    "private endpoint `{}`, which needs {} that the stack neither declares nor attaches: {owner}, so DNS is assumed to be provided by the VNet's owner",
                    endpoint.origin.address,
                    zones.join(", ")
                ),
                "to check it anyway, set `existing-vnets = \"check\"` under `[dns]` in .foundry-lint.toml",
            );
        }
    }
}

/// The zones attached to an endpoint through its DNS zone groups (lower case, by the name in
/// their id), or None when some attached zone cannot be known.
fn attached_zones(model: &Model, endpoint: usize) -> Option<Vec<String>> {
    let mut attached: Vec<String> = Vec::new();
    for group in model.zone_groups_of(endpoint)? {
        for zone in &group.zones {
            match zone
                .get()
                .and_then(|id| ids::parse(id))
                .and_then(|id| id.name().map(str::to_string))
            {
                Some(name) if !ids::is_marker(&name) => attached.push(name.to_ascii_lowercase()),
                _ => match model.index.dns_zone(zone) {
                    Resolved::Entity(z) => attached.extend(
                        model.dns_zones[z]
                            .name
                            .get()
                            .map(|n| n.to_ascii_lowercase()),
                    ),
                    _ => return None,
                },
            }
        }
    }
    Some(attached)
}

/// Why the endpoint's VNet is someone else's (not declared in the stack, or not known), or None
/// when the stack declares it.
fn outside_owner(model: &Model, endpoint: &PrivateEndpoint) -> Option<String> {
    match model.endpoint_vnet(endpoint) {
        Resolved::Entity(_) => None,
        Resolved::External(id) => Some(format!(
            "its VNet `{}` is not declared in this stack",
            ids::parse(&id)
                .and_then(|i| i.names.first().cloned())
                .unwrap_or(id)
        )),
        Resolved::Unknown(u) => Some(format!(
            "which VNet it is in is not known statically ({})",
            u.reason()
        )),
    }
}
