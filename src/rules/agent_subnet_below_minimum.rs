//! FL201: an agent subnet smaller than the documented minimum (/27).

use crate::domain::{AGENT_SUBNET_MINIMUM_PREFIX, AZURE_MINIMUM_SUBNET_PREFIX};
use crate::engine::Reporter;
use crate::model::Model;
use crate::settings::Settings;

rule!(
    "FL201",
    "agent-subnet-below-minimum",
    Error,
    "An agent subnet is smaller than /27, the documented minimum",
    Some(check)
);

fn check(model: &Model, settings: &Settings, out: &mut Reporter) {
    let minimum = settings.agent_subnet.minimum_prefix;
    let mut offered = Vec::new();
    for (s, _, _) in model.agent_subnets() {
        let subnet = &model.subnets[s];
        for (i, prefix) in subnet.address_prefixes.iter().enumerate() {
            let (Some(len), Some(p)) = (prefix.ipv4_prefix_len(), prefix.ipv4_text()) else {
                if let Some(u) = prefix.unknown_reason() {
                    out.unresolved(
                        u,
                        prefix.span,
                        &format!("the size of agent subnet `{}`", subnet.origin.address),
                    );
                }
                continue;
            };
            // Past /29 Azure refuses the subnet outright: FL404 says so.
            if len <= minimum || len > AZURE_MINIMUM_SUBNET_PREFIX {
                continue;
            }
            let usable = crate::cidr::ipv4_addr_count(len)
                .saturating_sub(crate::domain::AZURE_RESERVED_ADDRESSES_PER_SUBNET);
            let finding = out.report(
                prefix.span,
                format!("agent subnet `{}` is {p} ({usable} usable addresses), smaller than the /{minimum} minimum{}", subnet.origin.address, if minimum == AGENT_SUBNET_MINIMUM_PREFIX { "" } else { " set in the configuration" }),
            )
            .help(format!("make the agent subnet at least /{minimum}; /24 is recommended for production"))
            .origin(&subnet.origin);
            super::suggest_subnet_range(model, finding, (s, i), minimum, "", &mut offered);
        }
    }
}
