//! FL302: an agent subnet used by two accounts, or holding a private endpoint.

use crate::engine::Reporter;
use crate::model::{Model, ids};
use crate::settings::Settings;

rule!(
    "FL302",
    "agent-subnet-shared",
    Error,
    "Two Foundry accounts inject into the same subnet, or a private endpoint sits in an agent subnet",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    for (s, _, _) in model.agent_subnets() {
        let subnet = &model.subnets[s];
        let users = model.accounts_injecting_into(s);
        // Accounts by identity: the same account declared twice (in two scanned stacks) is one.
        let identity = |a: usize| ids::parse(&model.accounts[a].id).map(|id| id.key());
        let mut accounts_seen: Vec<usize> = Vec::new();
        for (a, injection) in &users {
            if accounts_seen.iter().any(|&seen| {
                seen == *a || (identity(seen).is_some() && identity(seen) == identity(*a))
            }) {
                continue;
            }
            if let Some(&first) = accounts_seen.first() {
                let first_account = &model.accounts[first];
                out.report(
                    injection.span,
                    format!(
                        "account `{}` injects into agent subnet `{}`, which account `{}` already uses",
                        model.accounts[*a].origin.address, subnet.origin.address, first_account.origin.address
                    ),
                )
                .help("give each Foundry account its own delegated agent subnet")
                .origin(&model.accounts[*a].origin)
                .related(users[0].1.span, format!("account `{}` injects here", first_account.origin.address));
            }
            accounts_seen.push(*a);
        }
        for &e in model.endpoints_in(s) {
            let endpoint = &model.private_endpoints[e];
            out.report(
                endpoint.subnet.span,
                format!("private endpoint `{}` is placed in agent subnet `{}`", endpoint.origin.address, subnet.origin.address),
            )
            .help("put private endpoints in a separate, non-delegated subnet; the agent subnet is reserved for the Agent Service")
            .origin(&endpoint.origin)
            .related(subnet.origin.span, "the agent subnet");
        }
    }
}
