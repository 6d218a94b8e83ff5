//! FL401: two peered VNets whose address spaces overlap.

use crate::engine::{Finding, Reporter, SuggestedRange, Suggestion};
use crate::model::{Attr, FreeRange, Model, Resolved};
use crate::settings::Settings;
use ipnet::IpNet;

rule!(
    "FL401",
    "peered-vnet-overlap",
    Error,
    "Two VNets joined by a peering (either direction) have overlapping address spaces",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    let mut reported: Vec<(usize, String)> = Vec::new();
    let mut offered = Vec::new();
    for peering in &model.peerings {
        let Resolved::Entity(local) = model.index.virtual_network(&peering.local_vnet) else {
            continue;
        };
        let remote_resolved = model.index.virtual_network(&peering.remote_vnet);
        let (remote_key, remote_name, remote_space): (String, String, &[Attr<IpNet>]) =
            match &remote_resolved {
                Resolved::Entity(r) => {
                    let v = &model.virtual_networks[*r];
                    (
                        format!("#{r}"),
                        format!("`{}`", v.origin.address),
                        &v.address_space,
                    )
                }
                Resolved::External(id) => (
                    id.to_ascii_lowercase(),
                    format!("`{id}`"),
                    &peering.remote_address_space,
                ),
                Resolved::Unknown(_) => continue,
            };
        // Each pair once, whichever side declares the peering.
        let pair = if let Resolved::Entity(r) = remote_resolved {
            (local.min(r), format!("#{}", local.max(r)))
        } else {
            (local, remote_key)
        };
        if reported.contains(&pair) {
            continue;
        }
        let local_vnet = &model.virtual_networks[local];
        'search: for (i, a) in local_vnet.address_space.iter().enumerate() {
            let Some(pa) = a.get() else { continue };
            for b in remote_space {
                let Some(pb) = b.get() else { continue };
                if crate::cidr::overlaps(pa, pb) {
                    reported.push(pair.clone());
                    let finding = out.report(
                        peering.origin.span,
                        format!(
                            "peering `{}` joins `{}` ({pa}) and {remote_name} ({pb}), whose address spaces overlap",
                            peering.origin.address, local_vnet.origin.address
                        ),
                    )
                    .help("peered VNets need disjoint address spaces (Azure refuses the peering); renumber one of them")
                    .origin(&peering.origin)
                    .related(a.span, format!("{pa} is declared here"))
                    .related(b.span, format!("{pb} is declared here"));
                    suggest_space(model, finding, local, (i, pa), &mut offered);
                    break 'search;
                }
            }
        }
    }
}

/// Offers where the peering's own VNet could move its overlapping prefix `current` (its
/// `prefix`th) to: that VNet is the one the stack declares the peering on, while the other side
/// may be a hub it only refers to. `offered` holds the ranges offered before, avoided too.
fn suggest_space(
    model: &Model,
    finding: &mut Finding,
    vnet: usize,
    (prefix, current): (usize, &IpNet),
    offered: &mut Vec<IpNet>,
) {
    if model.configured_vnets.contains(&vnet) {
        return;
    }
    let network = &model.virtual_networks[vnet];
    let name = super::vnet_label(model, vnet);
    let suggestion = match model.free_vnet_space(vnet, prefix, offered) {
        FreeRange::Free {
            prefix: free,
            within,
            ..
        } => {
            offered.push(free);
            Suggestion {
                text: format!(
                    "`{name}` could move from {current} to {free}, which no VNet of the stack or peered with it uses (its subnets move with it)"
                ),
                range: Some(SuggestedRange {
                    span: network.address_space[prefix].span,
                    prefix: free,
                    within,
                }),
            }
        }
        FreeRange::Full { len, searched, .. } => Suggestion {
            text: format!(
                "no /{len} in {} is free of the stack's VNets and those peered with `{name}`; renumber the other side",
                super::join(&searched)
            ),
            range: None,
        },
        FreeRange::Unknown => return,
    };
    finding.suggest(suggestion);
}
