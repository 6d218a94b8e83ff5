//! FL602: the vault holding an account's customer-managed key has soft delete disabled.

use crate::engine::Reporter;
use crate::model::Model;
use crate::settings::Settings;

rule!(
    "FL602",
    "cmk-key-vault-soft-delete",
    Error,
    "The Key Vault holding a Foundry account's customer-managed key has soft delete disabled",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    for (a, v) in model.cmk_vaults() {
        let account = &model.accounts[a];
        let vault = &model.key_vaults[v];
        // Absent means on: vaults have soft delete unless a template turns it off.
        let Some(setting) = &vault.soft_delete else {
            continue;
        };
        if setting.get() != Some(&false) {
            continue;
        }
        out.report(setting.span, format!("Key Vault `{}` holds the customer-managed key of `{}` but has soft delete disabled", vault.origin.address, account.origin.address))
            .help("remove the setting or set it to true (ARM/Bicep: enableSoftDelete: true); customer-managed keys require soft delete")
            .origin(&vault.origin);
    }
}
