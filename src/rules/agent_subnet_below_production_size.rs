//! FL203: an agent subnet of /26 or /25: works, but below the /24 recommended for production.

use crate::domain::{AGENT_SUBNET_PRODUCTION_PREFIX, AGENT_SUBNET_SESSION_MAXIMUM_PREFIX};
use crate::engine::Reporter;
use crate::model::Model;
use crate::settings::Settings;

rule!(
    "FL203",
    "agent-subnet-below-production-size",
    Note,
    "An agent subnet is /26 or /25, below the /24 recommended for production",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    let mut offered = Vec::new();
    for (s, _, _) in model.agent_subnets() {
        let subnet = &model.subnets[s];
        for (i, prefix) in subnet.address_prefixes.iter().enumerate() {
            let (Some(len), Some(p)) = (prefix.ipv4_prefix_len(), prefix.ipv4_text()) else {
                continue;
            };
            if len <= AGENT_SUBNET_PRODUCTION_PREFIX || len > AGENT_SUBNET_SESSION_MAXIMUM_PREFIX {
                continue;
            }
            let usable = crate::cidr::ipv4_addr_count(len)
                .saturating_sub(crate::domain::AZURE_RESERVED_ADDRESSES_PER_SUBNET);
            let finding = out.report(
                prefix.span,
                format!("agent subnet `{}` is {p} ({usable} usable addresses), below the /{AGENT_SUBNET_PRODUCTION_PREFIX} recommended for production", subnet.origin.address),
            )
            .help("a /24 leaves room for projects, replicas and hosted agents as usage grows (keep utilization under 80%)")
            .origin(&subnet.origin);
            super::suggest_subnet_range(
                model,
                finding,
                (s, i),
                AGENT_SUBNET_PRODUCTION_PREFIX,
                "",
                &mut offered,
            );
        }
    }
}
