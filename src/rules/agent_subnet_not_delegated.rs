//! FL301: the subnet an account injects into is not delegated to Microsoft.App/environments
//! (or is delegated to something else as well).

use crate::domain::AGENT_SUBNET_DELEGATION;
use crate::engine::Reporter;
use crate::model::Model;
use crate::settings::Settings;

rule!(
    "FL301",
    "agent-subnet-not-delegated",
    Error,
    "An agent subnet is not delegated to Microsoft.App/environments, or is also delegated elsewhere",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    for (s, account, injection) in model.agent_subnets() {
        let subnet = &model.subnets[s];
        let mut services = Vec::new();
        let mut unknown = None;
        for d in &subnet.delegations {
            match d.get() {
                Some(name) => services.push((name, d.span)),
                None => unknown = d.unknown_reason().map(|u| (u, d.span)),
            }
        }
        if let Some((u, span)) = unknown {
            out.unresolved(
                u,
                span,
                &format!("the delegation of agent subnet `{}`", subnet.origin.address),
            );
            continue;
        }
        let account = &model.accounts[account];
        let delegated = services
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(AGENT_SUBNET_DELEGATION));
        if !delegated {
            out.report(
                subnet.delegation_span,
                format!("agent subnet `{}` is not delegated to {AGENT_SUBNET_DELEGATION}", subnet.origin.address),
            )
            .help(format!("add a delegation of the subnet to {AGENT_SUBNET_DELEGATION}; the Agent Service injects its containers through it"))
            .origin(&subnet.origin)
            .related(injection.span, format!("account `{}` injects into it here", account.origin.address));
            continue;
        }
        for (other, span) in services
            .iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case(AGENT_SUBNET_DELEGATION))
        {
            out.report(*span, format!("agent subnet `{}` is also delegated to {other}", subnet.origin.address))
                .help(format!("an agent subnet must be delegated to {AGENT_SUBNET_DELEGATION} only; give {other} its own subnet"))
                .origin(&subnet.origin);
        }
    }
}
