//! FL303: an account closed to public networks that no private endpoint in the stack reaches.

use crate::engine::Reporter;
use crate::model::Model;
use crate::settings::Settings;

rule!(
    "FL303",
    "private-access-without-endpoint",
    Warning,
    "A Foundry account disables public network access and no private endpoint in the stack connects to it",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    for (a, account) in model.accounts.iter().enumerate() {
        let Some(access) = &account.public_network_access else {
            continue;
        };
        if let Some(u) = access.unknown_reason() {
            out.unresolved(
                u,
                access.span,
                &format!("whether `{}` allows public access", account.origin.address),
            );
        }
        if access.get() != Some(&false) {
            continue;
        }
        // None: some endpoint's target is not known and may be this account.
        if model
            .endpoints_to(a)
            .is_none_or(|endpoints| !endpoints.is_empty())
        {
            continue;
        }
        out.report(
            access.span,
            format!(
                "account `{}` disables public network access, but no private endpoint in the stack connects to it: nothing can reach it",
                account.origin.address
            ),
        )
        .help("add a private endpoint with group id `account` in the VNet that needs the account (with its private DNS zones), or suppress this finding with a reason if the endpoint is deployed elsewhere")
        .origin(&account.origin);
    }
}
