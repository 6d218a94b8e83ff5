//! FL204: the projects using an agent subnet need more addresses than it should give.

use crate::engine::Reporter;
use crate::model::Model;
use crate::settings::Settings;

rule!(
    "FL204",
    "agent-subnet-capacity",
    Warning,
    "The estimated address demand of the projects using an agent subnet exceeds 80% of its usable addresses",
    Some(check)
);

fn check(model: &Model, settings: &Settings, out: &mut Reporter) {
    let a = &settings.agent_subnet;
    let mut offered = Vec::new();
    for capacity in model.agent_subnet_capacity(a) {
        // `projects` is a lower bound when counts are not known: a finding on it is still
        // true, silence is the only guess.
        if capacity.demand <= capacity.limit {
            continue;
        }
        let subnet = &model.subnets[capacity.subnet];
        let Some(net) = capacity.prefix.ipv4_text() else {
            continue;
        };
        let at_least = if capacity.exact { "" } else { "at least " };
        let finding = out.report(
            capacity.prefix.span,
            format!(
                "agent subnet `{}` ({net}, {} usable addresses) serves {at_least}{} project(s): {} x {} replicas / {} pods per address = {} addresses, above {}% of the usable addresses ({})",
                subnet.origin.address,
                capacity.usable,
                capacity.projects,
                capacity.projects,
                a.replicas_per_project,
                a.pods_per_ip,
                capacity.demand,
                a.maximum_utilization_percent,
                capacity.limit,
            ),
        );
        finding
            .help("give the agent subnet a larger prefix (/24 is recommended), or spread the projects over accounts with their own agent subnets; tune the estimate with [agent-subnet] replicas-per-project and pods-per-ip in .foundry-lint.toml")
            .origin(&subnet.origin);
        // The smallest subnet whose ceiling holds the demand, and never below the minimum.
        if let Some(len) = crate::model::prefix_for_demand(a, capacity.demand) {
            let len = len.min(a.minimum_prefix);
            super::suggest_subnet_range(
                model,
                finding,
                (capacity.subnet, capacity.prefix_index),
                len,
                &if capacity.exact {
                    format!("a /{len} holds the estimate: ")
                } else {
                    format!("at least a /{len} is needed: ")
                },
                &mut offered,
            );
        }
        for &account in &capacity.accounts {
            let account = &model.accounts[account];
            finding.related(
                account.origin.span,
                format!(
                    "account `{}` injects its agents here",
                    account.origin.address
                ),
            );
        }
    }
}
