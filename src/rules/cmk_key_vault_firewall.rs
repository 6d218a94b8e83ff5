//! FL607: the vault holding an account's customer-managed key shuts out trusted Microsoft
//! services.

use crate::engine::Reporter;
use crate::model::{Attr, Model};
use crate::settings::Settings;

rule!(
    "FL607",
    "cmk-key-vault-firewall",
    Error,
    "The Key Vault holding a Foundry account's customer-managed key has its firewall on and does not let trusted Microsoft services through",
    Some(check)
);

/// The bypass value that lets trusted Microsoft services (the account) through the firewall.
const TRUSTED_SERVICES: &str = "AzureServices";

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    for (a, v) in model.cmk_vaults() {
        let account = &model.accounts[a];
        let vault = &model.key_vaults[v];
        let firewall = &vault.firewall;
        // Absent, the bypass is AzureServices (the Key Vault API's default).
        let Some(bypass) = &firewall.bypass else {
            continue;
        };
        let Some(value) = bypass.get() else {
            unresolved(out, bypass, &vault.origin.address);
            continue;
        };
        if value.eq_ignore_ascii_case(TRUSTED_SERVICES) {
            continue;
        }
        let closed = [
            (&firewall.deny_by_default, true, "denies by default"),
            (
                &firewall.public_network_access,
                false,
                "disables public network access",
            ),
        ];
        let Some((setting, how)) = closed.iter().find_map(|(setting, on, how)| {
            let setting = setting.as_ref()?;
            (setting.get() == Some(on)).then_some((setting, *how))
        }) else {
            for (setting, _, _) in closed {
                if let Some(setting) = setting {
                    unresolved(out, setting, &vault.origin.address);
                }
            }
            continue;
        };
        let cmk_span = account
            .customer_managed_key
            .as_ref()
            .map(|c| c.span)
            .unwrap_or(account.origin.span);
        out.report(bypass.span, format!("Key Vault `{}` holds the customer-managed key of `{}` and {how}, but lets no trusted Microsoft service through (bypass `{value}`): the account cannot reach its key", vault.origin.address, account.origin.address))
            .help("set the bypass to AzureServices (azurerm: network_acls { bypass = \"AzureServices\" }; ARM/Bicep: networkAcls.bypass: 'AzureServices'), with or without a private endpoint to the vault")
            .origin(&vault.origin)
            .related(setting.span, "the firewall is on here")
            .related(cmk_span, "the account's customer-managed key");
    }
}

/// A network setting the rule needed but could not know (FL002 says why, when asked).
fn unresolved<T>(out: &mut Reporter, setting: &Attr<T>, vault: &str) {
    if let Some(u) = setting.unknown_reason() {
        out.unresolved(u, setting.span, &format!("the firewall of `{vault}`"));
    }
}
