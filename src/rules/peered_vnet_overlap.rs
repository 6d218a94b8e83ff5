//! FL401: two peered VNets whose address spaces overlap.

use crate::engine::Reporter;
use crate::model::{Attr, Model, Resolved};
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
        'search: for a in &local_vnet.address_space {
            let Some(pa) = a.get() else { continue };
            for b in remote_space {
                let Some(pb) = b.get() else { continue };
                if crate::cidr::overlaps(pa, pb) {
                    reported.push(pair.clone());
                    out.report(
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
                    break 'search;
                }
            }
        }
    }
}
