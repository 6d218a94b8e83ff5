//! FL402: a subnet range outside every address space of its VNet.

use crate::engine::Reporter;
use crate::model::{Model, Resolved};
use crate::settings::Settings;

rule!(
    "FL402",
    "subnet-outside-vnet",
    Error,
    "A subnet range is not inside any address space of its VNet",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    for (s, subnet) in model.subnets.iter().enumerate() {
        let Resolved::Entity(v) = model.vnet_of_subnet(s) else {
            continue;
        };
        let vnet = &model.virtual_networks[v];
        // An unknown range of the VNet might be the one that holds the subnet.
        let Some(space) = vnet
            .address_space
            .iter()
            .map(|a| a.get())
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        if space.is_empty() {
            continue;
        }
        for prefix in &subnet.address_prefixes {
            let Some(p) = prefix.get() else { continue };
            if space.iter().any(|outer| crate::cidr::contains(outer, p)) {
                continue;
            }
            let list: Vec<String> = space.iter().map(|n| n.to_string()).collect();
            out.report(
                prefix.span,
                format!(
                    "subnet `{}` ({p}) is outside the address space of VNet `{}` ({})",
                    subnet.origin.address,
                    vnet.origin.address,
                    list.join(", ")
                ),
            )
            .help(
                "choose a subnet range inside the VNet's address space, or add a range to the VNet",
            )
            .origin(&subnet.origin)
            .related(vnet.address_space[0].span, "the VNet's address space");
        }
    }
}
