//! Resolved relations between entities, computed once in `Model::finish` so that rules look
//! them up instead of scanning every pair (linear time in the size of the model).

use super::{Model, Peer, Resolved, ids};
use std::collections::HashMap;

#[derive(Default, Debug)]
pub struct Relations {
    /// The VNet of each subnet, by subnet index.
    pub(super) subnet_vnet: Vec<Resolved>,
    /// (subnet, account, injection index) for each injection into a declared subnet.
    pub(super) injections: Vec<(usize, usize, usize)>,
    pub(super) injections_by_subnet: HashMap<usize, Vec<usize>>,
    pub(super) peers: HashMap<usize, Vec<Peer>>,
    pub(super) endpoints_by_subnet: HashMap<usize, Vec<usize>>,
    pub(super) zone_groups_by_endpoint: HashMap<usize, Vec<usize>>,
    /// Zone groups whose endpoint is not known: they may belong to any endpoint.
    pub(super) unplaced_zone_groups: bool,
    pub(super) links_by_zone: HashMap<usize, Vec<usize>>,
    /// Links whose zone is not known: they may link any zone.
    pub(super) unplaced_links: bool,
    pub(super) zones_by_name: HashMap<String, Vec<usize>>,
    pub(super) subnets_by_vnet: HashMap<usize, Vec<usize>>,
    pub(super) projects_by_account: HashMap<usize, Vec<usize>>,
    /// Projects whose account is not known: they may belong to any account.
    pub(super) unplaced_projects: bool,
    /// Private endpoints connecting to each account.
    pub(super) endpoints_by_account: HashMap<usize, Vec<usize>>,
    /// Some endpoint's target is not known: it may connect to any account.
    pub(super) untargeted_endpoints: bool,
    /// Accounts whose id is passed to a module foundry-lint cannot read (which may deploy an
    /// endpoint to them).
    pub(super) accounts_passed_to_opaque_calls: std::collections::HashSet<usize>,
    /// Keys by (vault, lowercase key name); the first declared wins.
    pub(super) keys_by_vault_and_name: HashMap<(usize, String), usize>,
    /// User-assigned identities by the token of their client id.
    pub(super) identities_by_client_token: HashMap<String, usize>,
}

impl Relations {
    pub fn build(model: &Model) -> Relations {
        let index = &model.index;
        let mut r = Relations {
            subnet_vnet: model
                .subnets
                .iter()
                .map(|s| index.virtual_network(&s.vnet))
                .collect(),
            ..Default::default()
        };
        for (s, vnet) in r.subnet_vnet.iter().enumerate() {
            if let Resolved::Entity(v) = vnet {
                r.subnets_by_vnet.entry(*v).or_default().push(s);
            }
        }
        for (a, account) in model.accounts.iter().enumerate() {
            for (i, injection) in account.network_injections.iter().enumerate() {
                if injection.uses_managed_network() {
                    continue;
                }
                if let Some(subnet) = &injection.subnet
                    && let Resolved::Entity(s) = index.subnet(subnet)
                {
                    r.injections_by_subnet
                        .entry(s)
                        .or_default()
                        .push(r.injections.len());
                    r.injections.push((s, a, i));
                }
            }
        }
        for (p, peering) in model.peerings.iter().enumerate() {
            let local = index.virtual_network(&peering.local_vnet);
            let remote = index.virtual_network(&peering.remote_vnet);
            let as_peer = |side: &Resolved| match side {
                Resolved::Entity(v) => Peer::VirtualNetwork(*v),
                Resolved::External(id) => Peer::External {
                    key: ids::parse(id)
                        .map(|i| i.key())
                        .unwrap_or_else(|| id.to_ascii_lowercase()),
                    peering: p,
                },
                Resolved::Unknown(_) => Peer::Unknown,
            };
            for (this, other) in [(&local, &remote), (&remote, &local)] {
                if let Resolved::Entity(v) = this {
                    let peer = as_peer(other);
                    let list = r.peers.entry(*v).or_default();
                    if !list.contains(&peer) {
                        list.push(peer);
                    }
                }
            }
        }
        for (e, endpoint) in model.private_endpoints.iter().enumerate() {
            if let Resolved::Entity(s) = index.subnet(&endpoint.subnet) {
                r.endpoints_by_subnet.entry(s).or_default().push(e);
            }
        }
        for (g, group) in model.dns_zone_groups.iter().enumerate() {
            match index.private_endpoint(&group.endpoint) {
                Resolved::Entity(e) => r.zone_groups_by_endpoint.entry(e).or_default().push(g),
                Resolved::Unknown(_) => r.unplaced_zone_groups = true,
                Resolved::External(_) => {}
            }
        }
        for (l, link) in model.dns_zone_links.iter().enumerate() {
            match index.dns_zone(&link.zone) {
                Resolved::Entity(z) => r.links_by_zone.entry(z).or_default().push(l),
                Resolved::Unknown(_) => r.unplaced_links = true,
                Resolved::External(_) => {}
            }
        }
        for (p, project) in model.projects.iter().enumerate() {
            match index.account(&project.account) {
                Resolved::Entity(a) => r.projects_by_account.entry(a).or_default().push(p),
                Resolved::Unknown(_) => r.unplaced_projects = true,
                Resolved::External(_) => {}
            }
        }
        // An endpoint whose instances could not be counted may connect to anything.
        r.untargeted_endpoints = model.uncounted.iter().any(|u| {
            u.resource_type
                .eq_ignore_ascii_case("Microsoft.Network/privateEndpoints")
        });
        for (e, endpoint) in model.private_endpoints.iter().enumerate() {
            for connection in &endpoint.connections {
                match index.account(&connection.target) {
                    Resolved::Entity(a) => {
                        let list = r.endpoints_by_account.entry(a).or_default();
                        if !list.contains(&e) {
                            list.push(e);
                        }
                    }
                    Resolved::Unknown(_) => r.untargeted_endpoints = true,
                    Resolved::External(_) => {}
                }
            }
        }
        for call in &model.opaque_calls {
            for argument in &call.arguments {
                let reference = super::Attr::known(argument.clone(), call.origin.span);
                if let Resolved::Entity(a) = index.account(&reference) {
                    r.accounts_passed_to_opaque_calls.insert(a);
                }
            }
        }
        for (k, key) in model.keys.iter().enumerate() {
            if let (Some(name), Resolved::Entity(vault)) =
                (key.name.get(), index.key_vault(&key.vault))
            {
                r.keys_by_vault_and_name
                    .entry((vault, name.to_ascii_lowercase()))
                    .or_insert(k);
            }
        }
        for (m, identity) in model.managed_identities.iter().enumerate() {
            r.identities_by_client_token
                .entry(ids::client_token(&identity.id))
                .or_insert(m);
        }
        for (z, zone) in model.dns_zones.iter().enumerate() {
            if let Some(name) = zone.name.get() {
                r.zones_by_name
                    .entry(name.to_ascii_lowercase())
                    .or_default()
                    .push(z);
            }
        }
        r
    }
}
