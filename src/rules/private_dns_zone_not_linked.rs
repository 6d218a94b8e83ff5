//! FL502: a private DNS zone an endpoint needs is declared but not linked to the endpoint's VNet
//! (or a VNet peered with it).

use crate::engine::Reporter;
use crate::model::{Model, NeededZones, Peer, Resolved, ids};
use crate::settings::Settings;

rule!(
    "FL502",
    "private-dns-zone-not-linked",
    Warning,
    "A needed private DNS zone has no virtual network link to the endpoint's VNet or a VNet peered with it",
    Some(check)
);

/// A VNet as a link or peering sees it: one of the model, or an outside one by id key.
#[derive(Clone, PartialEq)]
enum Vnet {
    Declared(usize),
    External(String),
}

fn vnet_of(r: &Resolved) -> Option<Vnet> {
    match r {
        Resolved::Entity(v) => Some(Vnet::Declared(*v)),
        Resolved::External(id) => Some(Vnet::External(
            ids::parse(id)
                .map(|p| p.key())
                .unwrap_or_else(|| id.to_ascii_lowercase()),
        )),
        Resolved::Unknown(_) => None,
    }
}

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    let mut reported: Vec<(usize, Vnet)> = Vec::new();
    for endpoint in &model.private_endpoints {
        // An endpoint in a VNet the stack does not declare still resolves through the zones the
        // stack declares for it; that VNet's peerings are not known, so only a zone linked
        // nowhere is certain not to reach it.
        let resolved = model.endpoint_vnet(endpoint);
        let Some(vnet) = vnet_of(&resolved) else {
            continue;
        };
        let (reachable, peers_known) = match &vnet {
            Vnet::Declared(v) => {
                // The endpoint's clients resolve through its VNet or a peered hub.
                let mut reachable = vec![Vnet::Declared(*v)];
                for peer in model.peers_of(*v) {
                    match peer {
                        Peer::VirtualNetwork(p) => reachable.push(Vnet::Declared(*p)),
                        Peer::External { key, .. } => reachable.push(Vnet::External(key.clone())),
                        Peer::Unknown => {}
                    }
                }
                (reachable, !model.peers_of(*v).contains(&Peer::Unknown))
            }
            Vnet::External(key) => (vec![Vnet::External(key.clone())], false),
        };
        let vnet_name = match (&vnet, &resolved) {
            (Vnet::Declared(v), _) => model.virtual_networks[*v].origin.address.clone(),
            (_, Resolved::External(id)) => ids::parse(id)
                .and_then(|i| i.names.first().cloned())
                .unwrap_or_else(|| id.clone()),
            _ => continue,
        };
        for connection in &endpoint.connections {
            for group_id in &connection.group_ids {
                let Some(group) = group_id.get() else {
                    continue;
                };
                let NeededZones::Zones(zones) = model.zones_needed(connection, group) else {
                    continue;
                };
                for zone_name in zones {
                    let Some(z) = model.dns_zones.iter().position(|z| {
                        z.name
                            .get()
                            .is_some_and(|n| n.eq_ignore_ascii_case(zone_name))
                    }) else {
                        continue;
                    };
                    if reported.iter().any(|(rz, rv)| *rz == z && *rv == vnet) {
                        continue;
                    }
                    let Some(links) = model.links_of(z) else {
                        continue;
                    };
                    let mut linked = false;
                    let mut uncertain = false;
                    let mut any_link = false;
                    for link in links {
                        any_link = true;
                        match vnet_of(&model.index.virtual_network(&link.vnet)) {
                            Some(v) if reachable.contains(&v) => linked = true,
                            Some(_) => {}
                            None => uncertain = true,
                        }
                    }
                    // A zone linked somewhere may reach the endpoint through a peering the
                    // stack does not show; a zone linked nowhere reaches no one.
                    if linked || uncertain || (any_link && !peers_known) {
                        continue;
                    }
                    reported.push((z, vnet.clone()));
                    let zone = &model.dns_zones[z];
                    out.report(
                        zone.origin.span,
                        format!(
                            "private DNS zone `{zone_name}` has no virtual network link to VNet `{vnet_name}`, where private endpoint `{}` resolves it",
                            endpoint.origin.address
                        ),
                    )
                    .help("add a virtual network link from the zone to the endpoint's VNet (or to the hub VNet peered with it)")
                    .origin(&zone.origin)
                    .related(endpoint.origin.span, "the private endpoint that needs it");
                }
            }
        }
    }
}
