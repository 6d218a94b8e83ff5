//! FL604: the account's identity has no key permissions on the vault holding its CMK.

use crate::domain::{CMK_KEY_PERMISSIONS, is_key_permission_role};
use crate::engine::Reporter;
use crate::model::{Attr, CmkPrincipal, Model, Resolved, ids};
use crate::settings::Settings;
use crate::value::UnknownKind;

rule!(
    "FL604",
    "cmk-key-permission-missing",
    Error,
    "The account's identity has no key permission (Crypto User role or get/wrapKey/unwrapKey policy) on the CMK vault",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    for (a, account) in model.accounts.iter().enumerate() {
        let Some(Resolved::Entity(v)) = model.cmk_vault(a) else {
            continue;
        };
        let CmkPrincipal::Known(principal) = model.cmk_principal(a) else {
            continue;
        };
        let vault = &model.key_vaults[v];
        let (granted, how) = match vault.rbac_authorization.get() {
            Some(true) => (
                role_may_grant(model, v, &principal),
                "assign the identity Key Vault Crypto User (12338af0-0e69-4776-bea7-57ae8d297424) on the vault, or Crypto Service Encryption User, Crypto Officer or Administrator",
            ),
            Some(false) => (
                policy_may_grant(model, v, &principal),
                "add an access policy for the identity with key permissions get, wrapKey and unwrapKey",
            ),
            None => continue,
        };
        if granted {
            continue;
        }
        let model_kind = if vault.rbac_authorization.get() == Some(&true) {
            "RBAC"
        } else {
            "access-policy"
        };
        let span = account
            .customer_managed_key
            .as_ref()
            .map(|c| c.span)
            .unwrap_or(account.origin.span);
        out.report(span, format!(
            "the identity account `{}` uses for its customer-managed key has no key permissions on {model_kind} vault `{}`",
            account.origin.address, vault.origin.address
        ))
        .help(how)
        .origin(&account.origin)
        .related(vault.origin.span, "the vault holding the key");
    }
}

/// Whether some role assignment may give `principal` a key role covering vault `v` (an
/// assignment whose parts are unknown may).
fn role_may_grant(model: &Model, v: usize, principal: &str) -> bool {
    model.role_assignments.iter().any(|ra| {
        let role_ok = ra.role.get().is_none_or(|r| is_key_permission_role(r));
        role_ok && may_be(&ra.principal, principal) && scope_may_cover(model, v, &ra.scope)
    })
}

/// Whether a principal id may be the account's identity: an unknown one may, unless it was read
/// from outside the stack (a data source such as the deployer's `azurerm_client_config`), which
/// can never be the principal of an identity the stack creates.
fn may_be(candidate: &Attr<String>, principal: &str) -> bool {
    match (candidate.get(), candidate.unknown_reason()) {
        (Some(p), _) => p == principal,
        (None, Some(u)) => u.kind() != UnknownKind::External,
        (None, None) => true,
    }
}

fn scope_may_cover(model: &Model, v: usize, scope: &Attr<String>) -> bool {
    let Some(raw) = scope.get() else { return true };
    match model.index.key_vault(scope) {
        Resolved::Entity(i) => return i == v,
        Resolved::Unknown(_)
            if ids::parse(raw).is_some_and(|id| {
                id.resource_type
                    .to_ascii_lowercase()
                    .starts_with("microsoft.keyvault/")
            }) =>
        {
            return true;
        }
        _ => {}
    }
    let Some(id) = ids::parse(raw) else {
        return true;
    };
    if id.is_subscription() || id.is_type("Microsoft.Management/managementGroups") {
        return true;
    }
    if id.is_resource_group() {
        let vault_rg = ids::parse(&model.key_vaults[v].id).and_then(|vid| vid.resource_group);
        return match (id.resource_group.as_deref(), vault_rg.as_deref()) {
            (Some(a), Some(b)) if !ids::is_marker(a) && !ids::is_marker(b) => {
                a.eq_ignore_ascii_case(b)
            }
            _ => true,
        };
    }
    false
}

/// Whether some access policy on vault `v` may give `principal` get, wrapKey and unwrapKey.
fn policy_may_grant(model: &Model, v: usize, principal: &str) -> bool {
    model.access_policies.iter().any(|policy| {
        let vault_ok = match model.index.key_vault(&policy.vault) {
            Resolved::Entity(i) => i == v,
            Resolved::Unknown(_) => true,
            Resolved::External(_) => false,
        };
        let principal_ok = may_be(&policy.object_id, principal);
        let known: Option<Vec<&String>> = policy.key_permissions.iter().map(Attr::get).collect();
        let permissions_ok = match known {
            None => true,
            Some(perms) => CMK_KEY_PERMISSIONS.iter().all(|needed| {
                perms
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(needed) || p.eq_ignore_ascii_case("all"))
            }),
        };
        vault_ok && principal_ok && permissions_ok
    })
}
