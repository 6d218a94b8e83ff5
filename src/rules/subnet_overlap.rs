//! FL403: two subnets of one VNet overlap.

use crate::engine::Reporter;
use crate::model::{Model, Resolved};
use crate::settings::Settings;
use std::collections::HashMap;

rule!(
    "FL403",
    "subnet-overlap",
    Error,
    "Two subnets of one VNet have overlapping ranges",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    // (subnet, prefix index) per VNet, sorted by start address: prefixes are nested or disjoint,
    // so each one need only be compared with the widest-reaching range seen before it.
    let mut by_vnet: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
    for (s, subnet) in model.subnets.iter().enumerate() {
        if let Resolved::Entity(v) = model.vnet_of_subnet(s) {
            for (i, p) in subnet.address_prefixes.iter().enumerate() {
                if p.get().is_some() {
                    by_vnet.entry(v).or_default().push((s, i));
                }
            }
        }
    }
    let mut vnets: Vec<_> = by_vnet.into_iter().collect();
    vnets.sort_by_key(|(v, _)| *v);
    let mut offered = Vec::new();
    for (_, mut prefixes) in vnets {
        let net =
            |&(s, i): &(usize, usize)| *model.subnets[s].address_prefixes[i].get().expect("known");
        prefixes.sort_by_key(|entry| {
            let n = net(entry);
            (n.network(), std::cmp::Reverse(n.prefix_len()), entry.0)
        });
        let mut reach: Option<(usize, usize)> = None;
        for entry in prefixes {
            let n = net(&entry);
            if let Some(prev) = reach
                && prev.0 != entry.0
                && crate::cidr::overlaps(&net(&prev), &n)
            {
                let (a, b) = (&model.subnets[prev.0], &model.subnets[entry.0]);
                // Report on the later declaration; point at the earlier one.
                let (first, second, first_entry, second_entry) = if a.origin.span <= b.origin.span {
                    (a, b, prev, entry)
                } else {
                    (b, a, entry, prev)
                };
                let (fp, sp) = (net(&first_entry), net(&second_entry));
                let finding = out
                    .report(
                        second.address_prefixes[second_entry.1].span,
                        format!(
                            "subnet `{}` ({sp}) overlaps subnet `{}` ({fp}) in the same VNet",
                            second.origin.address, first.origin.address
                        ),
                    )
                    .help("give each subnet of a VNet its own, non-overlapping range")
                    .origin(&second.origin)
                    .related(
                        first.address_prefixes[first_entry.1].span,
                        format!("{fp} is declared here"),
                    );
                // The later subnet moves, to a range of its own size.
                super::suggest_subnet_range(
                    model,
                    finding,
                    second_entry,
                    sp.prefix_len(),
                    "",
                    &mut offered,
                );
            }
            let ends_later = |candidate: &(usize, usize)| {
                reach.is_none_or(|r| net(candidate).broadcast() > net(&r).broadcast())
            };
            if ends_later(&entry) {
                reach = Some(entry);
            }
        }
    }
}
