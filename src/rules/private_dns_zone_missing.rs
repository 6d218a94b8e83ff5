//! FL501: a private endpoint's group id needs a private DNS zone the stack neither declares nor
//! attaches.

use crate::domain::dns_zones_for_group;
use crate::engine::Reporter;
use crate::model::{Model, Resolved, ids};
use crate::settings::Settings;

rule!(
    "FL501",
    "private-dns-zone-missing",
    Error,
    "A private endpoint needs a private DNS zone that the stack neither declares nor attaches",
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
            let target_type = connection
                .target
                .get()
                .and_then(|t| ids::parse(t))
                .map(|t| t.resource_type);
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
                let Some(zones) = dns_zones_for_group(group, target_type.as_deref()) else {
                    continue;
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
                    .help(format!("declare the zone `{zone}`, link it to the VNet, and attach it with a DNS zone group on the endpoint (or attach the central zone's id)"))
                    .origin(&endpoint.origin);
                }
            }
        }
    }
}
