//! FL605: CMK configured, but the account has no identity to reach the key.

use crate::engine::Reporter;
use crate::model::{Model, Resolved, Val, ids};
use crate::settings::Settings;

rule!(
    "FL605",
    "cmk-identity-missing",
    Error,
    "A customer-managed key is configured but the account has no managed identity to use it",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    for account in &model.accounts {
        let Some(cmk) = &account.customer_managed_key else {
            continue;
        };
        let Some(identity) = &account.identity else {
            out.report(cmk.span, format!("account `{}` uses a customer-managed key but has no managed identity", account.origin.address))
                .help("add an identity (SystemAssigned, or UserAssigned with identity_client_id / identityClientId) and grant it key permissions on the vault")
                .origin(&account.origin);
            continue;
        };
        match &cmk.identity_client_id {
            None => {
                if let Val::Known(false) = identity.system_assigned {
                    out.report(cmk.span, format!("account `{}` uses a customer-managed key without identity_client_id, but has no system-assigned identity", account.origin.address))
                        .help("name the user-assigned identity with identity_client_id (identityClientId), or add SystemAssigned to the identity type")
                        .origin(&account.origin)
                        .related(identity.span, "the account's identity");
                }
            }
            Some(client) => {
                let Some(client_id) = client.get() else {
                    continue;
                };
                let Some(named) = model
                    .managed_identities
                    .iter()
                    .position(|m| ids::client_token(&m.id) == *client_id)
                else {
                    continue;
                };
                let mut attached = false;
                let mut uncertain = false;
                for ua in &identity.user_assigned {
                    match model.index.managed_identity(ua) {
                        Resolved::Entity(i) if i == named => attached = true,
                        Resolved::Unknown(_) => uncertain = true,
                        _ => {}
                    }
                }
                if attached || uncertain {
                    continue;
                }
                out.report(client.span, format!(
                    "account `{}` uses identity `{}` for its customer-managed key, but that identity is not attached to the account",
                    account.origin.address, model.managed_identities[named].origin.address
                ))
                .help("add the identity to the account's user-assigned identities (identity_ids / userAssignedIdentities)")
                .origin(&account.origin)
                .related(identity.span, "the account's identity");
            }
        }
    }
}
