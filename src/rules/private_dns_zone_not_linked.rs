//! FL502: a private DNS zone an endpoint needs is declared but not linked to the endpoint's VNet
//! (or a VNet peered with it).

use crate::domain::dns_zones_for_group;
use crate::engine::Reporter;
use crate::model::{Model, Peer, Resolved, ids};
use crate::settings::Settings;

rule!(
    "FL502",
    "private-dns-zone-not-linked",
    Warning,
    "A needed private DNS zone has no virtual network link to the endpoint's VNet or a VNet peered with it",
    Some(check)
);

/// A VNet as a link or peering sees it: one of the model, or an outside one by id key.
#[derive(PartialEq)]
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
    let mut reported: Vec<(usize, usize)> = Vec::new();
    for endpoint in &model.private_endpoints {
        let Resolved::Entity(subnet) = model.index.subnet(&endpoint.subnet) else {
            continue;
        };
        let Resolved::Entity(vnet) = model.vnet_of_subnet(subnet) else {
            continue;
        };
        // The endpoint's clients resolve through its VNet or a peered hub.
        let mut reachable = vec![Vnet::Declared(vnet)];
        for peer in model.peers_of(vnet) {
            match peer {
                Peer::VirtualNetwork(p) => reachable.push(Vnet::Declared(*p)),
                Peer::External { key, .. } => reachable.push(Vnet::External(key.clone())),
                Peer::Unknown => {}
            }
        }
        let peers_known = !model.peers_of(vnet).contains(&Peer::Unknown);
        for connection in &endpoint.connections {
            let target_type = connection
                .target
                .get()
                .and_then(|t| ids::parse(t))
                .map(|t| t.resource_type);
            for group_id in &connection.group_ids {
                let Some(group) = group_id.get() else {
                    continue;
                };
                for zone_name in
                    dns_zones_for_group(group, target_type.as_deref()).unwrap_or_default()
                {
                    let Some(z) = model.dns_zones.iter().position(|z| {
                        z.name
                            .get()
                            .is_some_and(|n| n.eq_ignore_ascii_case(zone_name))
                    }) else {
                        continue;
                    };
                    if reported.contains(&(z, vnet)) {
                        continue;
                    }
                    let mut linked = false;
                    let mut uncertain = !peers_known;
                    let Some(links) = model.links_of(z) else {
                        continue;
                    };
                    for link in links {
                        match vnet_of(&model.index.virtual_network(&link.vnet)) {
                            Some(v) if reachable.contains(&v) => linked = true,
                            Some(_) => {}
                            None => uncertain = true,
                        }
                    }
                    if linked || uncertain {
                        continue;
                    }
                    reported.push((z, vnet));
                    let zone = &model.dns_zones[z];
                    out.report(
                        zone.origin.span,
                        format!(
                            "private DNS zone `{zone_name}` has no virtual network link to VNet `{}`, where private endpoint `{}` resolves it",
                            model.virtual_networks[vnet].origin.address, endpoint.origin.address
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
