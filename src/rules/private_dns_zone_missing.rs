//! FL501: a private endpoint's group id needs a private DNS zone the stack neither declares nor
//! attaches. DNS belongs to whoever owns the VNet: an endpoint in a VNet the stack does not
//! declare (a landing zone's spoke) gets its zones from the VNet's owner, unless `[dns]
//! existing-vnets = "check"` says the stack provides them.

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
    for (e, endpoint) in model.private_endpoints.iter().enumerate() {
        if settings.dns.existing_vnets == ExistingVnets::AssumeProvided
            && !in_declared_vnet(model, endpoint, out)
        {
            continue;
        }
        // Zones attached through the endpoint's DNS zone groups, by the name in their id.
        let Some(groups) = model.zone_groups_of(e) else {
            continue;
        };
        let mut attached: Vec<String> = Vec::new();
        let mut attachments_known = true;
        for group in groups {
            for zone in &group.zones {
                match zone
                    .get()
                    .and_then(|id| ids::parse(id))
                    .and_then(|id| id.name().map(str::to_string))
                {
                    Some(name) if !ids::is_marker(&name) => {
                        attached.push(name.to_ascii_lowercase())
                    }
                    _ => match model.index.dns_zone(zone) {
                        Resolved::Entity(z) => attached.extend(
                            model.dns_zones[z]
                                .name
                                .get()
                                .map(|n| n.to_ascii_lowercase()),
                        ),
                        _ => attachments_known = false,
                    },
                }
            }
        }
        if !attachments_known {
            continue;
        }
        for connection in &endpoint.connections {
            for group_id in &connection.group_ids {
                let Some(group) = group_id.get() else {
                    if let Some(u) = group_id.unknown_reason() {
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
                        out.unresolved(
                            &u,
                            group_id.span,
                            &format!(
                                "which private DNS zones `{group}` of private endpoint `{}` needs",
                                endpoint.origin.address
                            ),
                        );
                        continue;
                    }
                };
                for zone in zones {
                    if !model.zones_named(zone).is_empty()
                        || attached.iter().any(|z| z == zone)
                        || settings.dns.is_central(zone)
                    {
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
    }
}

/// Whether the endpoint is in a VNet the stack declares. When it is not, or that cannot be
/// told, the endpoint is left to the VNet's owner and a note says so.
fn in_declared_vnet(model: &Model, endpoint: &PrivateEndpoint, out: &mut Reporter) -> bool {
    let vnet = match model.endpoint_vnet(endpoint) {
        Resolved::Entity(_) => return true,
        Resolved::External(id) => format!(
            "its VNet `{}` is not declared in this stack",
            ids::parse(&id)
                .and_then(|i| i.names.first().cloned())
                .unwrap_or(id)
        ),
        Resolved::Unknown(u) => format!(
            "which VNet it is in is not known statically ({})",
            u.reason()
        ),
    };
    out.assumed(
        endpoint.subnet.span,
        &format!(
            "the private DNS zones of private endpoint `{}`: {vnet}, so DNS is assumed to be provided by the VNet's owner",
            endpoint.origin.address
        ),
        "to check it anyway, set `existing-vnets = \"check\"` under `[dns]` in .foundry-lint.toml",
    );
    false
}
