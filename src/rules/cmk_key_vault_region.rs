//! FL603: the vault holding an account's customer-managed key is in another region.

use crate::domain::normalize_region;
use crate::engine::Reporter;
use crate::model::{Model, Resolved};
use crate::settings::Settings;

rule!(
    "FL603",
    "cmk-key-vault-region",
    Error,
    "The Key Vault holding a Foundry account's customer-managed key is not in the account's region",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    for (a, account) in model.accounts.iter().enumerate() {
        let Some(Resolved::Entity(v)) = model.cmk_vault(a) else {
            continue;
        };
        let vault = &model.key_vaults[v];
        let (Some(vault_location), Some(account_location)) = (&vault.location, &account.location)
        else {
            continue;
        };
        let (Some(vr), Some(ar)) = (vault_location.get(), account_location.get()) else {
            continue;
        };
        if normalize_region(vr) == normalize_region(ar) {
            continue;
        }
        out.report(vault_location.span, format!("Key Vault `{}` is in `{vr}` but account `{}`, whose customer-managed key it holds, is in `{ar}`", vault.origin.address, account.origin.address))
            .help("put the Key Vault in the account's region; a key store in another region is not found")
            .origin(&vault.origin)
            .related(account_location.span, format!("the account's region `{ar}`"));
    }
}
