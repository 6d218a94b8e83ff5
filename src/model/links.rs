//! Which resources a model declares and which it refers to, by identity key. Terraform roots are
//! evaluated one by one; roots that refer to each other's resources (a spoke peering with the
//! hub another root declares) are then checked as one model, and unrelated roots stay apart, so
//! two stacks that happen to reuse a name do not make each other's references ambiguous.

use super::{Attr, Model, Val, ids};
use std::collections::HashSet;

impl Model {
    /// The identity keys of the declared resources whose names are all known.
    pub fn declared_keys(&self) -> HashSet<String> {
        let declared = self
            .virtual_networks
            .iter()
            .map(|e| &e.id)
            .chain(self.subnets.iter().map(|e| &e.id))
            .chain(self.dns_zones.iter().map(|e| &e.id))
            .chain(self.private_endpoints.iter().map(|e| &e.id))
            .chain(self.key_vaults.iter().map(|e| &e.id))
            .chain(self.keys.iter().map(|e| &e.id))
            .chain(self.managed_identities.iter().map(|e| &e.id))
            .chain(self.accounts.iter().map(|e| &e.id))
            .chain(self.projects.iter().map(|e| &e.id))
            .chain(self.capability_hosts.iter().map(|e| &e.id))
            .chain(self.dependencies.iter().map(|e| &e.id));
        let mut keys = HashSet::new();
        for id in declared {
            if let Some(id) = ids::parse(id).filter(|id| !id.has_marker()) {
                keys.insert(id.key());
            }
        }
        keys
    }

    /// The identity keys of the resources the model's references name (resource ids, vault
    /// URIs, principal and client tokens), where every name is known.
    pub fn referenced_keys(&self) -> HashSet<String> {
        let mut references: Vec<&Attr<String>> = Vec::new();
        references.extend(self.subnets.iter().map(|s| &s.vnet));
        for p in &self.peerings {
            references.extend([&p.local_vnet, &p.remote_vnet]);
        }
        for l in &self.dns_zone_links {
            references.extend([&l.zone, &l.vnet]);
        }
        for e in &self.private_endpoints {
            references.push(&e.subnet);
            references.extend(e.connections.iter().map(|c| &c.target));
        }
        for g in &self.dns_zone_groups {
            references.push(&g.endpoint);
            references.extend(&g.zones);
        }
        references.extend(self.keys.iter().map(|k| &k.vault));
        for p in &self.access_policies {
            references.extend([&p.vault, &p.object_id]);
        }
        for a in &self.accounts {
            account_references(
                a.identity.iter().flat_map(|i| &i.user_assigned),
                &a.network_injections,
                a.customer_managed_key.as_ref(),
                &mut references,
            );
        }
        for a in &self.account_additions {
            references.push(&a.account);
            account_references(
                std::iter::empty(),
                &a.network_injections,
                a.customer_managed_key.as_ref(),
                &mut references,
            );
        }
        for r in &self.role_assignments {
            references.extend([&r.scope, &r.principal]);
        }
        references.extend(self.projects.iter().map(|p| &p.account));
        references.extend(self.connections.iter().filter_map(|c| c.resource.as_ref()));
        let mut keys = HashSet::new();
        for reference in references {
            if let Val::Known(s) = &reference.val {
                insert_keys(s, &mut keys);
            }
        }
        for call in &self.opaque_calls {
            for argument in &call.arguments {
                insert_keys(argument, &mut keys);
            }
        }
        keys
    }
}

fn account_references<'m>(
    user_assigned: impl Iterator<Item = &'m Attr<String>>,
    injections: &'m [super::NetworkInjection],
    cmk: Option<&'m super::CustomerManagedKey>,
    out: &mut Vec<&'m Attr<String>>,
) {
    out.extend(user_assigned);
    out.extend(injections.iter().filter_map(|i| i.subnet.as_ref()));
    if let Some(cmk) = cmk {
        out.push(&cmk.vault);
        out.extend(cmk.identity_client_id.as_ref());
    }
}

/// The keys a string names: a resource id and its parents, a vault URI's vault, or the
/// resource behind a principal or client token.
fn insert_keys(s: &str, keys: &mut HashSet<String>) {
    if let Some(inner) = ids::token_resource_key(s) {
        if !ids::is_marker(inner) {
            keys.insert(inner.to_string());
        }
        return;
    }
    if let Some(name) = ids::vault_name_from_uri(s) {
        if !ids::is_marker(&name) {
            keys.insert(format!(
                "microsoft.keyvault/vaults:{}",
                name.to_ascii_lowercase()
            ));
        }
        return;
    }
    let mut id = ids::parse(s);
    while let Some(current) = id {
        if !current.has_marker() && !current.resource_type.is_empty() {
            keys.insert(current.key());
        }
        id = current.parent();
    }
}
