//! FL304: a private or network-injected AIServices account without a custom subdomain.

use crate::domain::FOUNDRY_ACCOUNT_KIND;
use crate::engine::Reporter;
use crate::model::Model;
use crate::settings::Settings;

rule!(
    "FL304",
    "custom-subdomain-missing",
    Error,
    "An AIServices account with network injection or a private endpoint has no custom subdomain",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    for (a, account) in model.accounts.iter().enumerate() {
        // An empty name is no subdomain; an unknown one may be anything.
        if account
            .custom_subdomain
            .as_ref()
            .is_some_and(|s| s.get().is_none_or(|name| !name.trim().is_empty()))
        {
            continue;
        }
        let Some(kind) = account.kind.as_ref().and_then(|k| k.get()) else {
            continue;
        };
        if !kind.eq_ignore_ascii_case(FOUNDRY_ACCOUNT_KIND) {
            continue;
        }
        let injection = account.network_injections.first();
        let endpoint = model
            .endpoints_to(a)
            .and_then(|e| e.first())
            .map(|&e| &model.private_endpoints[e]);
        let why = match (injection, endpoint) {
            (Some(i), _) if i.uses_managed_network() => {
                "runs its agents in a Microsoft-managed network".to_string()
            }
            (Some(_), _) => "injects its agents into a subnet".to_string(),
            (None, Some(e)) => {
                format!("is reached through private endpoint `{}`", e.origin.address)
            }
            (None, None) => continue,
        };
        let finding = out.report(
            account.origin.span,
            format!(
                "account `{}` {why} but has no custom subdomain: private endpoints cannot attach and the Agent service, which authenticates with Entra ID, is unreachable",
                account.origin.address
            ),
        );
        finding
            .help("set `custom_subdomain_name` (Terraform) or `properties.customSubDomainName` (ARM, Bicep, azapi) to a globally unique name, usually the account's name")
            .origin(&account.origin);
        if let Some(e) = endpoint {
            finding.related(e.origin.span, "the private endpoint");
        }
    }
}
