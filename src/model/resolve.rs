//! Resolution of id references to the entities of a model.

use super::{Attr, Model, Val, ids};
use crate::value::Unknown;
use std::collections::HashMap;

/// What a reference names.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolved {
    /// An entity of the model (its index in the model's list of that kind).
    Entity(usize),
    /// A known id of something the model does not declare (an existing hub VNet, say).
    External(String),
    /// Not known statically, or not identifiable with certainty.
    Unknown(Unknown),
}

#[derive(Default, Debug)]
pub struct Index {
    virtual_networks: Table,
    subnets: Table,
    dns_zones: Table,
    endpoints: Table,
    vaults: Table,
    vaults_by_name: HashMap<String, Vec<usize>>,
    keys: Table,
    accounts: Table,
    identities: Table,
}

/// Entities of one kind by identity key, with their resource group for disambiguation.
#[derive(Default, Debug)]
struct Table(HashMap<String, Vec<(usize, Option<String>)>>);

impl Table {
    fn build<'a>(ids_: impl Iterator<Item = &'a str>) -> Table {
        let mut map: HashMap<String, Vec<(usize, Option<String>)>> = HashMap::new();
        for (i, id) in ids_.enumerate() {
            if let Some(parsed) = ids::parse(id) {
                map.entry(parsed.key())
                    .or_default()
                    .push((i, parsed.resource_group));
            }
        }
        Table(map)
    }

    fn lookup(&self, reference: &Attr<String>, expected_type: &str) -> Resolved {
        let raw = match &reference.val {
            Val::Known(s) => s,
            Val::Unknown(u) => return Resolved::Unknown(u.clone()),
        };
        let Some(id) = ids::parse(raw) else {
            return Resolved::Unknown(Unknown::new(format!("`{raw}` is not a resource id")));
        };
        if !id.is_type(expected_type) {
            return Resolved::External(raw.clone());
        }
        self.lookup_id(&id, raw)
    }

    fn lookup_id(&self, id: &ids::ArmId, raw: &str) -> Resolved {
        let candidates = self.0.get(&id.key()).map(Vec::as_slice).unwrap_or(&[]);
        let certain_rg = id
            .resource_group
            .as_deref()
            .filter(|rg| !ids::is_marker(rg));
        let matching: Vec<usize> = candidates
            .iter()
            .filter(|(_, rg)| match (certain_rg, rg.as_deref()) {
                (Some(want), Some(have)) if !ids::is_marker(have) => {
                    want.eq_ignore_ascii_case(have)
                }
                _ => true,
            })
            .map(|(i, _)| *i)
            .collect();
        match matching.as_slice() {
            [one] => Resolved::Entity(*one),
            [] if id.has_marker() => Resolved::Unknown(Unknown::new(format!(
                "`{raw}` names a resource whose name is not known statically"
            ))),
            [] => Resolved::External(raw.to_string()),
            _ => Resolved::Unknown(Unknown::new(format!(
                "`{raw}` matches several declared resources"
            ))),
        }
    }
}

impl Index {
    pub fn build(model: &Model) -> Index {
        let mut vaults_by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, vault) in model.key_vaults.iter().enumerate() {
            if let Some(name) = ids::parse(&vault.id).and_then(|id| id.name().map(str::to_string)) {
                vaults_by_name
                    .entry(name.to_ascii_lowercase())
                    .or_default()
                    .push(i);
            }
        }
        Index {
            virtual_networks: Table::build(model.virtual_networks.iter().map(|e| e.id.as_str())),
            subnets: Table::build(model.subnets.iter().map(|e| e.id.as_str())),
            dns_zones: Table::build(model.dns_zones.iter().map(|e| e.id.as_str())),
            endpoints: Table::build(model.private_endpoints.iter().map(|e| e.id.as_str())),
            vaults: Table::build(model.key_vaults.iter().map(|e| e.id.as_str())),
            vaults_by_name,
            keys: Table::build(model.keys.iter().map(|e| e.id.as_str())),
            accounts: Table::build(model.accounts.iter().map(|e| e.id.as_str())),
            identities: Table::build(model.managed_identities.iter().map(|e| e.id.as_str())),
        }
    }

    pub fn virtual_network(&self, r: &Attr<String>) -> Resolved {
        self.virtual_networks
            .lookup(r, "Microsoft.Network/virtualNetworks")
    }

    pub fn subnet(&self, r: &Attr<String>) -> Resolved {
        self.subnets
            .lookup(r, "Microsoft.Network/virtualNetworks/subnets")
    }

    pub fn dns_zone(&self, r: &Attr<String>) -> Resolved {
        self.dns_zones
            .lookup(r, "Microsoft.Network/privateDnsZones")
    }

    pub fn private_endpoint(&self, r: &Attr<String>) -> Resolved {
        self.endpoints
            .lookup(r, "Microsoft.Network/privateEndpoints")
    }

    pub fn account(&self, r: &Attr<String>) -> Resolved {
        self.accounts
            .lookup(r, "Microsoft.CognitiveServices/accounts")
    }

    pub fn managed_identity(&self, r: &Attr<String>) -> Resolved {
        self.identities
            .lookup(r, "Microsoft.ManagedIdentity/userAssignedIdentities")
    }

    /// A vault named by resource id, vault URI or key URI.
    pub fn key_vault(&self, r: &Attr<String>) -> Resolved {
        let raw = match &r.val {
            Val::Known(s) => s,
            Val::Unknown(u) => return Resolved::Unknown(u.clone()),
        };
        if let Some(name) = ids::vault_name_from_uri(raw) {
            return match self
                .vaults_by_name
                .get(&name.to_ascii_lowercase())
                .map(Vec::as_slice)
            {
                Some([one]) => Resolved::Entity(*one),
                Some([_, ..]) => {
                    Resolved::Unknown(Unknown::new(format!("several vaults are named `{name}`")))
                }
                _ if ids::is_marker(&name) => Resolved::Unknown(Unknown::new(format!(
                    "the vault behind `{raw}` is not known statically"
                ))),
                _ => Resolved::External(raw.clone()),
            };
        }
        match ids::parse(raw) {
            Some(id) if id.is_type("Microsoft.KeyVault/vaults/keys") => match id.parent() {
                Some(parent) => self.vaults.lookup_id(&parent, raw),
                None => Resolved::External(raw.clone()),
            },
            Some(id)
                if id.is_type("Microsoft.KeyVault/vaults")
                    || id.is_type("Microsoft.KeyVault/managedHSMs") =>
            {
                self.vaults.lookup_id(&id, raw)
            }
            Some(_) => Resolved::External(raw.clone()),
            None => Resolved::Unknown(Unknown::new(format!(
                "`{raw}` is neither a vault URI nor a resource id"
            ))),
        }
    }

    /// A key by its ARM id (`.../vaults/kv/keys/k`).
    pub fn key(&self, r: &Attr<String>) -> Resolved {
        self.keys.lookup(r, "Microsoft.KeyVault/vaults/keys")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Origin, VirtualNetwork};
    use crate::source::{FileId, Span};

    fn span() -> Span {
        Span::file_start(FileId(0))
    }

    fn vnet(rg: &str, name: &str) -> VirtualNetwork {
        VirtualNetwork {
            origin: Origin::new(name, span()),
            id: ids::format_id(Some(rg), "Microsoft.Network/virtualNetworks", &[name]),
            location: None,
            address_space: vec![],
        }
    }

    fn reference(s: &str) -> Attr<String> {
        Attr::known(s.to_string(), span())
    }

    #[test]
    fn resolves_by_name_and_disambiguates_by_resource_group() {
        let model = Model {
            virtual_networks: vec![
                vnet("rg-a", "vnet"),
                vnet("rg-b", "vnet"),
                vnet("rg-a", "hub"),
            ],
            ..Default::default()
        };
        let index = Index::build(&model);
        let id =
            "/subscriptions/x/resourceGroups/RG-B/providers/Microsoft.Network/virtualNetworks/VNET";
        assert_eq!(index.virtual_network(&reference(id)), Resolved::Entity(1));
        let hub =
            "/subscriptions/x/resourceGroups/other/providers/Microsoft.Network/virtualNetworks/hub";
        assert!(matches!(
            index.virtual_network(&reference(hub)),
            Resolved::External(_)
        ));
        let marker = "/subscriptions/x/resourceGroups/rg-a/providers/Microsoft.Network/virtualNetworks/⟨tf0:v.name⟩";
        assert!(matches!(
            index.virtual_network(&reference(marker)),
            Resolved::Unknown(_)
        ));
    }
}
