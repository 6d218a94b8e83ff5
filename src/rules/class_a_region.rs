//! FL104: a class A agent subnet in a region the documents say does not support class A.

use crate::domain::{CLASS_A_RANGE, CLASS_A_SOURCE, class_a_unsupported};
use crate::engine::Reporter;
use crate::model::{Model, Resolved};
use crate::settings::Settings;

rule!(
    "FL104",
    "class-a-region",
    Warning,
    "An agent subnet in 10.0.0.0/8 in a region the Foundry documents mark as not supporting class A agent subnets",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    let Some(class_a) = crate::cidr::parse(CLASS_A_RANGE) else {
        return;
    };
    for (s, account, _) in model.agent_subnets() {
        let subnet = &model.subnets[s];
        // The region of the VNet, else of the account injecting into it.
        let vnet_location = match model.vnet_of_subnet(s) {
            Resolved::Entity(v) => model.virtual_networks[v].location.clone(),
            _ => None,
        };
        let Some(location) = vnet_location.or_else(|| model.accounts[account].location.clone())
        else {
            continue;
        };
        let Some(region) = location.get() else {
            continue;
        };
        // The documents disagree on some regions and do not list others: only a region they
        // mark as unsupported is a finding.
        if !class_a_unsupported(region) {
            continue;
        }
        for prefix in &subnet.address_prefixes {
            let Some(p) = prefix.get() else { continue };
            if !crate::cidr::contains(&class_a, p) {
                continue;
            }
            out.report(prefix.span, format!("agent subnet `{}` uses {p} (class A) in region `{region}`, which does not support class A agent subnets ({CLASS_A_SOURCE})", subnet.origin.address))
                .help("use a class B (172.16.0.0/12) or class C (192.168.0.0/16) range, or deploy to a region that supports class A")
                .origin(&subnet.origin)
                .related(location.span, "the region is set here");
        }
    }
}
