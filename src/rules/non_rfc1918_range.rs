//! FL101: the agent network uses an address range outside RFC 1918.

use crate::domain::{CGNAT_RANGE, PRIVATE_RANGES};
use crate::engine::Reporter;
use crate::model::Model;
use crate::settings::Settings;

rule!(
    "FL101",
    "non-rfc1918-range",
    Error,
    "An agent subnet, its VNet or a peered VNet uses a range outside 10/8, 172.16/12, 192.168/16",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    for range in model.agent_network_ranges() {
        let Some(prefix) = range.prefix.get() else {
            if let Some(u) = range.prefix.unknown_reason() {
                out.unresolved(
                    u,
                    range.prefix.span,
                    &format!("the address range of {}", range.description),
                );
            }
            continue;
        };
        let cgnat =
            crate::cidr::parse(CGNAT_RANGE).is_some_and(|c| crate::cidr::overlaps(prefix, &c));
        if !prefix.addr().is_ipv4() || cgnat || super::is_private(prefix) {
            continue;
        }
        out.report(
            range.prefix.span,
            format!(
                "{} uses {prefix}, which is not a private (RFC 1918) range",
                range.description
            ),
        )
        .help(format!(
            "use addresses from {}; the Agent Service routes only private ranges",
            PRIVATE_RANGES.join(", ")
        ))
        .origin(range.origin);
    }
}
