//! FL202: a /27 agent subnet: the minimum, about 17 concurrent sessions.

use crate::domain::{
    AGENT_SUBNET_MINIMUM_PREFIX, AGENT_SUBNET_SESSION_MAXIMUM_PREFIX, SESSION_MAXIMUM,
    SESSIONS_AT_MINIMUM,
};
use crate::engine::Reporter;
use crate::model::Model;
use crate::settings::Settings;

rule!(
    "FL202",
    "agent-subnet-below-session-maximum",
    Warning,
    "An agent subnet is /27: about 27 usable IPs and 17 concurrent sessions, below the 50 a /26 allows",
    Some(check)
);

fn check(model: &Model, settings: &Settings, out: &mut Reporter) {
    let mut offered = Vec::new();
    for (s, _, _) in model.agent_subnets() {
        let subnet = &model.subnets[s];
        for (i, prefix) in subnet.address_prefixes.iter().enumerate() {
            let (Some(len), Some(p)) = (prefix.ipv4_prefix_len(), prefix.ipv4_text()) else {
                continue;
            };
            // A team minimum above /27 makes a /27 FL201's finding.
            if len != AGENT_SUBNET_MINIMUM_PREFIX || len > settings.agent_subnet.minimum_prefix {
                continue;
            }
            let finding = out.report(
                prefix.span,
                format!("agent subnet `{}` is {p}: about 27 usable addresses and {SESSIONS_AT_MINIMUM} concurrent sessions, below the {SESSION_MAXIMUM} a /26 allows", subnet.origin.address),
            )
            .help("use /26 or larger to reach the 50-session maximum; /24 is recommended for production")
            .origin(&subnet.origin);
            super::suggest_subnet_range(
                model,
                finding,
                (s, i),
                AGENT_SUBNET_SESSION_MAXIMUM_PREFIX,
                "",
                &mut offered,
            );
        }
    }
}
