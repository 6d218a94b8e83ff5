//! FL105: a Foundry account or a private endpoint is not in the region of the VNet it uses.
//!
//! The Storage, Cosmos DB and AI Search the agents use may be in other regions (Learn allows it
//! since mid-2026; it costs cross-region traffic but deploys and works), so they are not checked:
//! a finding here is a deployment Azure refuses.

use crate::domain::normalize_region;
use crate::engine::Reporter;
use crate::model::{Attr, Model, Resolved};
use crate::settings::Settings;

rule!(
    "FL105",
    "foundry-region-mismatch",
    Error,
    "A Foundry account or a private endpoint is not in the region of the VNet it injects into or sits in",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    accounts(model, out);
    endpoints(model, out);
}

/// An account injects its agents only into a VNet of its own region.
fn accounts(model: &Model, out: &mut Reporter) {
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
            .help("deploy the account and its agent VNet in one region")
            .origin(&account.origin)
            .related(vnet_location.span, "the VNet's region");
        }
    }
}

/// A private endpoint must be in its VNet's region; Azure refuses one elsewhere.
fn endpoints(model: &Model, out: &mut Reporter) {
    let mut unknown_vnets: Vec<usize> = Vec::new();
    for s in 0..model.subnets.len() {
        let Resolved::Entity(v) = model.vnet_of_subnet(s) else {
            continue;
        };
        let vnet = &model.virtual_networks[v];
        let vnet_region = region(&vnet.location);
        for &e in model.endpoints_in(s) {
            let endpoint = &model.private_endpoints[e];
            // One side unknown: say which value is missing; both unknown (typically the same
            // `resourceGroup().location`): nothing to compare and nothing worth a note.
            let endpoint_region = region(&endpoint.location);
            let (Some((vnet_location, vnet_region)), Some((location, endpoint_region))) =
                (&vnet_region, &endpoint_region)
            else {
                if vnet_region.is_some() {
                    unresolved(out, &endpoint.location, &endpoint.origin.address);
                } else if endpoint_region.is_some() && !unknown_vnets.contains(&v) {
                    unknown_vnets.push(v);
                    unresolved(out, &vnet.location, &vnet.origin.address);
                }
                continue;
            };
            if endpoint_region == vnet_region {
                continue;
            }
            out.report(
                location.span,
                format!(
                    "private endpoint `{}` is in `{}` but its subnet `{}` belongs to VNet `{}` in `{}`: Azure refuses an endpoint outside its VNet's region",
                    endpoint.origin.address,
                    location.get().map_or("", |l| l.as_str()),
                    model.subnets[s].origin.address,
                    vnet.origin.address,
                    vnet_location.get().map_or("", |l| l.as_str()),
                ),
            )
            .help("give the private endpoint its VNet's location; the resource it connects to may stay in its own region")
            .origin(&endpoint.origin)
            .related(vnet_location.span, "the VNet's region");
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
