//! FL103: a private range of the agent network overlaps a range the platform reserves.

use crate::domain::PLATFORM_RESERVED_RANGES;
use crate::engine::Reporter;
use crate::model::Model;
use crate::settings::Settings;

rule!(
    "FL103",
    "platform-reserved-range",
    Warning,
    "An agent network range overlaps a range the Agent Service platform reserves (172.17/16, 172.30/16, 172.31/16, ...)",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    for range in model.agent_network_ranges() {
        let Some(prefix) = range.prefix.get() else {
            continue;
        };
        // Ranges outside RFC 1918 already get FL101 or FL102: one finding per problem.
        if !super::is_private(prefix) {
            continue;
        }
        let Some(reserved) = super::overlapping_range(prefix, PLATFORM_RESERVED_RANGES) else {
            continue;
        };
        out.report(
            range.prefix.span,
            format!("{} uses {prefix}, which overlaps {reserved}, reserved by the Agent Service platform", range.description),
        )
        .help(format!("choose a range that avoids {reserved} (the platform's reserved ranges: {})", PLATFORM_RESERVED_RANGES.join(", ")))
        .origin(range.origin);
    }
}
