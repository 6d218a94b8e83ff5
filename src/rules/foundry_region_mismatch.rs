//! FL105: the agent network and what the Agent service reaches through it are not in one
//! region.

use crate::domain::normalize_region;
use crate::engine::Reporter;
use crate::model::{Attr, Model, Resolved};
use crate::settings::Settings;

rule!(
    "FL105",
    "foundry-region-mismatch",
    Error,
    "A Foundry account, its agent VNet and the resources it reaches through private endpoints there are not in one region",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    let mut reported_dependencies: Vec<usize> = Vec::new();
    let mut reported_accounts: Vec<usize> = Vec::new();
    for (s, _, _) in model.agent_subnets() {
        let Resolved::Entity(v) = model.vnet_of_subnet(s) else {
            continue;
        };
        let vnet = &model.virtual_networks[v];
        let Some((vnet_location, vnet_region)) = region(&vnet.location) else {
            unresolved(out, &vnet.location, &vnet.origin.address);
            continue;
        };
        for (a, _) in model.accounts_injecting_into(s) {
            if reported_accounts.contains(&a) {
                continue;
            }
            let account = &model.accounts[a];
            let Some((account_location, account_region)) = region(&account.location) else {
                unresolved(out, &account.location, &account.origin.address);
                continue;
            };
            if account_region == vnet_region {
                continue;
            }
            reported_accounts.push(a);
            out.report(
                account_location.span,
                format!(
                    "account `{}` is in `{}` but injects its agents into `{}`, whose VNet `{}` is in `{}`",
                    account.origin.address,
                    account_location.get().map_or("", |l| l.as_str()),
                    model.subnets[s].origin.address,
                    vnet.origin.address,
                    vnet_location.get().map_or("", |l| l.as_str()),
                ),
            )
            .help("deploy the account, its project resources and the agent VNet in one region")
            .origin(&account.origin)
            .related(vnet_location.span, "the VNet's region");
        }
        // What the agents use (named by a connection) and reach through endpoints in the agent
        // VNet: their Storage, Cosmos DB and AI Search.
        for other in model.subnets_of_vnet(v) {
            for &e in model.endpoints_in(other) {
                let endpoint = &model.private_endpoints[e];
                for connection in &endpoint.connections {
                    let Resolved::Entity(d) = model.index.dependency(&connection.target) else {
                        continue;
                    };
                    // A resource reached from the VNet that no Foundry connection names is not
                    // the agents' (a data lake in another region is legitimate).
                    if reported_dependencies.contains(&d) || !model.is_connected(d) {
                        continue;
                    }
                    let dependency = &model.dependencies[d];
                    let Some((location, dependency_region)) = region(&dependency.location) else {
                        unresolved(out, &dependency.location, &dependency.origin.address);
                        continue;
                    };
                    if dependency_region == vnet_region {
                        continue;
                    }
                    reported_dependencies.push(d);
                    out.report(
                        location.span,
                        format!(
                            "`{}` is in `{}` but the agent VNet `{}` that reaches it through private endpoint `{}` is in `{}`",
                            dependency.origin.address,
                            location.get().map_or("", |l| l.as_str()),
                            vnet.origin.address,
                            endpoint.origin.address,
                            vnet_location.get().map_or("", |l| l.as_str()),
                        ),
                    )
                    .help("the Agent service's Storage, Cosmos DB and AI Search must be in the agent VNet's region; move the resource or the VNet")
                    .origin(&dependency.origin)
                    .related(vnet_location.span, "the VNet's region")
                    .related(connection.span, "connected here");
                }
            }
        }
    }
}

/// A location that could not be compared (FL002 says why, when asked).
fn unresolved(out: &mut Reporter, location: &Option<Attr<String>>, address: &str) {
    if let Some(location) = location
        && let Some(u) = location.unknown_reason()
    {
        out.unresolved(u, location.span, &format!("the region of `{address}`"));
    }
}

/// A known location and its normalized region name.
fn region(location: &Option<Attr<String>>) -> Option<(&Attr<String>, String)> {
    let location = location.as_ref()?;
    Some((location, normalize_region(location.get()?)))
}
