//! FL102: the agent network uses carrier-grade NAT space (100.64.0.0/10).

use crate::domain::{CGNAT_RANGE, PRIVATE_RANGES};
use crate::engine::Reporter;
use crate::model::Model;
use crate::settings::Settings;

rule!(
    "FL102",
    "cgnat-range",
    Error,
    "An agent subnet, its VNet or a peered VNet overlaps the CGNAT range 100.64.0.0/10",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    let Some(cgnat) = crate::cidr::parse(CGNAT_RANGE) else {
        return;
    };
    for range in model.agent_network_ranges() {
        let Some(prefix) = range.prefix.get() else {
            continue;
        };
        if !crate::cidr::overlaps(prefix, &cgnat) {
            continue;
        }
        out.report(
            range.prefix.span,
            format!(
                "{} uses {prefix}, which overlaps the carrier-grade NAT range {CGNAT_RANGE}",
                range.description
            ),
        )
        .help(format!(
            "CGNAT space is unsupported for agent networks (routing fails); use {}",
            PRIVATE_RANGES.join(", ")
        ))
        .origin(range.origin);
    }
}
