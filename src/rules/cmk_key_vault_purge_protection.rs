//! FL601: the vault holding an account's customer-managed key lacks purge protection.

use crate::engine::Reporter;
use crate::model::Model;
use crate::settings::Settings;

rule!(
    "FL601",
    "cmk-key-vault-purge-protection",
    Error,
    "The Key Vault holding a Foundry account's customer-managed key lacks purge protection",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    for (a, v) in model.cmk_vaults() {
        let account = &model.accounts[a];
        let vault = &model.key_vaults[v];
        let span = match &vault.purge_protection {
            None => vault.origin.span,
            Some(setting) => match setting.get() {
                Some(false) => setting.span,
                Some(true) => continue,
                None => {
                    if let Some(u) = setting.unknown_reason() {
                        out.unresolved(
                            u,
                            setting.span,
                            &format!("purge protection of `{}`", vault.origin.address),
                        );
                    }
                    continue;
                }
            },
        };
        let how = if vault.purge_protection.is_none() {
            " (it is off unless enabled)"
        } else {
            ""
        };
        let cmk_span = account
            .customer_managed_key
            .as_ref()
            .map(|c| c.span)
            .unwrap_or(account.origin.span);
        out.report(span, format!("Key Vault `{}` holds the customer-managed key of `{}` but has no purge protection{how}", vault.origin.address, account.origin.address))
            .help("set purge_protection_enabled = true (ARM/Bicep: enablePurgeProtection: true); customer-managed keys require it")
            .origin(&vault.origin)
            .related(cmk_span, "the account's customer-managed key");
    }
}
