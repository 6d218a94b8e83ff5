//! Questions several rules ask of the model: which subnets are agent subnets, which VNets are
//! around them, which VNets are peered.

use super::{Attr, Model, PrivateEndpoint, PrivateLinkConnection, Resolved, Val, ids};
use crate::domain;
use crate::value::Unknown;
use ipnet::IpNet;

/// The other side of a peering, seen from one VNet.
#[derive(Clone, Debug, PartialEq)]
pub enum Peer {
    /// A VNet of the model.
    VirtualNetwork(usize),
    /// A VNet outside the model, by canonical id key; the peering's index tells where its
    /// stated address space (if any) is.
    External { key: String, peering: usize },
    /// The peering's other side is not known statically.
    Unknown,
}

/// An address range of the agent network: the agent subnet, its VNet, or a VNet peered with it.
pub struct AgentRange<'a> {
    pub prefix: &'a Attr<IpNet>,
    /// "agent subnet `azurerm_subnet.agent`", "VNet `azurerm_virtual_network.spoke`", ...
    pub description: String,
    pub origin: &'a super::Origin,
}

/// The private DNS zones a private endpoint's group id needs.
#[derive(Clone, Debug, PartialEq)]
pub enum NeededZones {
    Zones(Vec<&'static str>),
    /// The zone table has nothing to say: a group id it does not list, or `table` towards a
    /// target whose type is not known.
    Unlisted,
    /// They depend on what cannot be known statically: the kind of the target account.
    Unknown(Unknown),
}

impl Model {
    pub fn vnet_of_subnet(&self, subnet: usize) -> Resolved {
        self.relations.subnet_vnet[subnet].clone()
    }

    /// Whether a declaration of this (ARM) type could not be counted: it may stand for any
    /// number of resources, with any names.
    pub fn has_uncounted(&self, resource_type: &str) -> bool {
        self.uncounted
            .iter()
            .any(|u| u.resource_type.eq_ignore_ascii_case(resource_type))
    }

    /// The VNet a private endpoint is placed in: the VNet of its subnet, declared or not (a VNet
    /// the configuration file describes is not declared by the stack).
    pub fn endpoint_vnet(&self, endpoint: &PrivateEndpoint) -> Resolved {
        let vnet = match self.index.subnet(&endpoint.subnet) {
            Resolved::Entity(s) => self.vnet_of_subnet(s),
            Resolved::External(raw) => match ids::parse(&raw)
                .filter(|id| id.is_type("Microsoft.Network/virtualNetworks/subnets"))
                .and_then(|id| id.parent())
            {
                Some(vnet) => self.index.virtual_network_id(&vnet, &raw),
                None => Resolved::Unknown(Unknown::new(format!("`{raw}` is not a subnet id"))),
            },
            Resolved::Unknown(u) => Resolved::Unknown(u),
        };
        match vnet {
            Resolved::Entity(v) if self.configured_vnets.contains(&v) => {
                Resolved::External(self.virtual_networks[v].id.clone())
            }
            other => other,
        }
    }

    /// The zones one group id of a connection needs (shared by FL501 and FL502): by the group
    /// id, and for an account by the kind of the account it connects to.
    pub fn zones_needed(&self, connection: &PrivateLinkConnection, group_id: &str) -> NeededZones {
        let resource_type = connection
            .target
            .get()
            .and_then(|t| ids::parse(t))
            .map(|t| t.resource_type);
        let kind = if group_id.eq_ignore_ascii_case(domain::ACCOUNT_GROUP_ID) {
            match self.account_kind(&connection.target) {
                Ok(kind) => Some(kind),
                Err(u) => return NeededZones::Unknown(u),
            }
        } else {
            None
        };
        let target = domain::EndpointTarget {
            resource_type: resource_type.as_deref(),
            account_kind: kind,
        };
        match domain::dns_zones_for_group(group_id, target) {
            Some(zones) => NeededZones::Zones(zones),
            None => NeededZones::Unlisted,
        }
    }

    /// The kind of the account a reference names, when the stack declares it with a known kind.
    fn account_kind(&self, target: &Attr<String>) -> Result<&str, Unknown> {
        let account = match self.index.account(target) {
            Resolved::Entity(a) => &self.accounts[a],
            Resolved::External(id) => {
                let name = ids::parse(&id)
                    .and_then(|i| i.name().map(str::to_string))
                    .unwrap_or(id);
                return Err(Unknown::new(format!(
                    "the account `{name}` is not declared in this stack, so its kind is not known"
                )));
            }
            Resolved::Unknown(u) => return Err(u),
        };
        match &account.kind {
            Some(kind) => match &kind.val {
                Val::Known(k) => Ok(k),
                Val::Unknown(u) => Err(u.clone()),
            },
            None => Err(Unknown::new(format!(
                "account `{}` states no kind",
                account.origin.address
            ))),
        }
    }

    /// Every VNet peered with `vnet`, whichever side declares the peering.
    pub fn peers_of(&self, vnet: usize) -> &[Peer] {
        self.relations
            .peers
            .get(&vnet)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The subnets of a VNet.
    pub fn subnets_of_vnet(&self, vnet: usize) -> Vec<usize> {
        self.relations
            .subnets_by_vnet
            .get(&vnet)
            .cloned()
            .unwrap_or_default()
    }

    /// Private endpoints placed in a subnet.
    pub fn endpoints_in(&self, subnet: usize) -> &[usize] {
        self.relations
            .endpoints_by_subnet
            .get(&subnet)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The DNS zone groups of an endpoint, or None when some group's endpoint is unknown (it
    /// might be this one).
    pub fn zone_groups_of(
        &self,
        endpoint: usize,
    ) -> Option<impl Iterator<Item = &super::DnsZoneGroup>> {
        if self.relations.unplaced_zone_groups {
            return None;
        }
        let groups = self
            .relations
            .zone_groups_by_endpoint
            .get(&endpoint)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        Some(groups.iter().map(|&g| &self.dns_zone_groups[g]))
    }

    /// The virtual network links of a zone, or None when some link's zone is unknown.
    pub fn links_of(&self, zone: usize) -> Option<impl Iterator<Item = &super::DnsZoneLink>> {
        if self.relations.unplaced_links {
            return None;
        }
        let links = self
            .relations
            .links_by_zone
            .get(&zone)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        Some(links.iter().map(|&l| &self.dns_zone_links[l]))
    }

    /// Declared zones with this name (case-insensitive).
    pub fn zones_named(&self, name: &str) -> &[usize] {
        self.relations
            .zones_by_name
            .get(&name.to_ascii_lowercase())
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The ranges of the agent network: each agent subnet's prefixes, the address space of its
    /// VNet, and of the VNets peered with that VNet (or the remote space a peering states).
    pub fn agent_network_ranges(&self) -> Vec<AgentRange<'_>> {
        let mut out = Vec::new();
        let mut seen_vnets = Vec::new();
        let mut seen_peerings = Vec::new();
        for (s, _, _) in self.agent_subnets() {
            let subnet = &self.subnets[s];
            for prefix in &subnet.address_prefixes {
                out.push(AgentRange {
                    prefix,
                    description: format!("agent subnet `{}`", subnet.origin.address),
                    origin: &subnet.origin,
                });
            }
            let Resolved::Entity(v) = self.vnet_of_subnet(s) else {
                continue;
            };
            let mut vnets = vec![(v, "VNet")];
            for peer in self.peers_of(v) {
                match peer {
                    Peer::VirtualNetwork(p) => vnets.push((*p, "peered VNet")),
                    Peer::External { peering, .. } if !seen_peerings.contains(peering) => {
                        seen_peerings.push(*peering);
                        let p = &self.peerings[*peering];
                        for prefix in &p.remote_address_space {
                            out.push(AgentRange {
                                prefix,
                                description: format!(
                                    "remote VNet of peering `{}`",
                                    p.origin.address
                                ),
                                origin: &p.origin,
                            });
                        }
                    }
                    _ => {}
                }
            }
            for (vnet, role) in vnets {
                if seen_vnets.contains(&vnet) {
                    continue;
                }
                seen_vnets.push(vnet);
                let network = &self.virtual_networks[vnet];
                for prefix in &network.address_space {
                    out.push(AgentRange {
                        prefix,
                        description: format!("{role} `{}`", network.origin.address),
                        origin: &network.origin,
                    });
                }
            }
        }
        out
    }
}

/// Who holds the customer-managed key for an account.
pub enum CmkPrincipal {
    /// A principal token (`ids::principal_token`) to look for in role assignments and policies.
    Known(String),
    /// The account names no identity that could use the key (FL605's concern).
    Missing,
    Unknown,
}

impl Model {
    /// The vault holding an account's customer-managed key.
    pub fn cmk_vault(&self, account: usize) -> Option<Resolved> {
        let cmk = self.accounts[account].customer_managed_key.as_ref()?;
        Some(self.index.key_vault(&cmk.vault))
    }

    /// Each declared vault that holds some account's customer-managed key, once, with the first
    /// account using it: (account, vault). Vault settings are the vault's, so one finding per
    /// vault is enough.
    pub fn cmk_vaults(&self) -> Vec<(usize, usize)> {
        let mut seen = std::collections::HashSet::new();
        (0..self.accounts.len())
            .filter_map(|a| match self.cmk_vault(a)? {
                Resolved::Entity(v) => seen.insert(v).then_some((a, v)),
                _ => None,
            })
            .collect()
    }

    /// The key an account's CMK names, when both its vault and name are known.
    pub fn cmk_key(&self, account: usize) -> Option<usize> {
        let cmk = self.accounts[account].customer_managed_key.as_ref()?;
        let Some(Resolved::Entity(vault)) = self.cmk_vault(account) else {
            return None;
        };
        let name = cmk.key_name.as_ref()?.get()?;
        self.relations
            .keys_by_vault_and_name
            .get(&(vault, name.to_ascii_lowercase()))
            .copied()
    }

    /// The identity an account uses to reach its key: the user-assigned one named by the
    /// client id, else the system-assigned one.
    pub fn cmk_principal(&self, account: usize) -> CmkPrincipal {
        let a = &self.accounts[account];
        let Some(cmk) = &a.customer_managed_key else {
            return CmkPrincipal::Unknown;
        };
        if let Some(client) = &cmk.identity_client_id {
            let Some(client) = client.get() else {
                return CmkPrincipal::Unknown;
            };
            return match self.relations.identities_by_client_token.get(client) {
                Some(&m) => {
                    CmkPrincipal::Known(ids::principal_token(&self.managed_identities[m].id))
                }
                None => CmkPrincipal::Unknown,
            };
        }
        match a.identity.as_ref().map(|i| &i.system_assigned) {
            None | Some(super::Val::Known(false)) => CmkPrincipal::Missing,
            Some(super::Val::Known(true)) => CmkPrincipal::Known(ids::principal_token(&a.id)),
            Some(super::Val::Unknown(_)) => CmkPrincipal::Unknown,
        }
    }
}

impl Model {
    /// The projects of an account, or None when some project's account is not known (it may
    /// be this one).
    pub fn projects_of(&self, account: usize) -> Option<&[usize]> {
        if self.relations.unplaced_projects {
            return None;
        }
        Some(
            self.relations
                .projects_by_account
                .get(&account)
                .map(Vec::as_slice)
                .unwrap_or(&[]),
        )
    }

    /// The private endpoints connecting to an account, or None when some endpoint's target is
    /// not known (it may be this account), or the account is given to a module foundry-lint
    /// cannot read.
    pub fn endpoints_to(&self, account: usize) -> Option<&[usize]> {
        if self.relations.untargeted_endpoints
            || self
                .relations
                .accounts_passed_to_opaque_calls
                .contains(&account)
        {
            return None;
        }
        Some(
            self.relations
                .endpoints_by_account
                .get(&account)
                .map(Vec::as_slice)
                .unwrap_or(&[]),
        )
    }

    /// Estimated address demand on each agent subnet with an IPv4 prefix of known length.
    pub fn agent_subnet_capacity(
        &self,
        settings: &crate::settings::AgentSubnet,
    ) -> Vec<SubnetCapacity<'_>> {
        let uncounted_projects = self.uncounted.iter().any(|u| {
            u.resource_type
                .eq_ignore_ascii_case("Microsoft.CognitiveServices/accounts/projects")
        });
        let mut out = Vec::new();
        for (s, _, _) in self.agent_subnets() {
            let subnet = &self.subnets[s];
            let Some((prefix_index, prefix, len)) = subnet
                .address_prefixes
                .iter()
                .enumerate()
                .find_map(|(i, p)| Some((i, p, p.ipv4_prefix_len()?)))
            else {
                continue;
            };
            let mut accounts: Vec<usize> = self
                .accounts_injecting_into(s)
                .into_iter()
                .map(|(a, _)| a)
                .collect();
            accounts.sort_unstable();
            accounts.dedup();
            let mut projects = 0;
            let mut exact = !uncounted_projects;
            for &a in &accounts {
                match self.projects_of(a) {
                    Some(list) => projects += list.len(),
                    None => exact = false,
                }
            }
            let (usable, limit) = address_limit(settings, len);
            let replicas = projects as u128 * u128::from(settings.replicas_per_project);
            let pods_per_ip = u128::from(settings.pods_per_ip.max(1));
            out.push(SubnetCapacity {
                subnet: s,
                prefix_index,
                prefix,
                usable,
                accounts,
                projects,
                exact,
                replicas,
                demand: replicas.div_ceil(pods_per_ip),
                limit,
            });
        }
        out
    }
}

/// The usable addresses of an IPv4 subnet of `len` bits (after Azure's five reserved ones) and
/// how many of them demand may take (the utilization ceiling).
fn address_limit(settings: &crate::settings::AgentSubnet, len: u8) -> (u128, u128) {
    let usable = crate::cidr::ipv4_addr_count(len)
        .saturating_sub(crate::domain::AZURE_RESERVED_ADDRESSES_PER_SUBNET);
    (
        usable,
        usable * u128::from(settings.maximum_utilization_percent) / 100,
    )
}

/// The longest IPv4 prefix (the smallest subnet Azure accepts or larger) whose utilization
/// ceiling holds `demand` addresses; None when even a /1 would not.
pub fn prefix_for_demand(settings: &crate::settings::AgentSubnet, demand: u128) -> Option<u8> {
    (1..=crate::domain::AZURE_MINIMUM_SUBNET_PREFIX)
        .rev()
        .find(|&len| address_limit(settings, len).1 >= demand)
}

/// A capacity estimate that outlives its model, for reports.
#[derive(Clone, Debug)]
pub struct CapacityEstimate {
    /// The subnet's address.
    pub subnet: String,
    /// `10.0.0.0/24`, or `a /24` when only the length is known.
    pub prefix: String,
    pub prefix_span: crate::source::Span,
    pub usable: u128,
    pub projects: usize,
    pub exact: bool,
    pub demand: u128,
    pub limit: u128,
}

impl Model {
    /// [`Model::agent_subnet_capacity`], owned.
    pub fn capacity_estimates(
        &self,
        settings: &crate::settings::AgentSubnet,
    ) -> Vec<CapacityEstimate> {
        self.agent_subnet_capacity(settings)
            .into_iter()
            .filter_map(|c| {
                Some(CapacityEstimate {
                    subnet: self.subnets[c.subnet].origin.address.clone(),
                    prefix: c.prefix.ipv4_text()?,
                    prefix_span: c.prefix.span,
                    usable: c.usable,
                    projects: c.projects,
                    exact: c.exact,
                    demand: c.demand,
                    limit: c.limit,
                })
            })
            .collect()
    }
}

/// An agent subnet's addresses against the estimated demand of the projects that use it.
pub struct SubnetCapacity<'a> {
    pub subnet: usize,
    /// The subnet's first IPv4 prefix of known length, and its index among the subnet's.
    pub prefix_index: usize,
    pub prefix: &'a Attr<IpNet>,
    /// Addresses after Azure's five reserved ones.
    pub usable: u128,
    /// The accounts injecting into the subnet.
    pub accounts: Vec<usize>,
    /// Projects of those accounts declared in the stack.
    pub projects: usize,
    /// False when more projects may exist than the stack shows (a count that is not known, a
    /// project whose account is not known): `projects` is then a lower bound.
    pub exact: bool,
    pub replicas: u128,
    /// Addresses the replicas need.
    pub demand: u128,
    /// The most addresses demand may take (the utilization ceiling).
    pub limit: u128,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_for_a_demand_is_the_smallest_whose_ceiling_holds_it() {
        let mut settings = crate::settings::Settings::default().agent_subnet;
        // 80% of the usable addresses: /29 2, /28 8, /27 21, /26 47, /25 98, /24 200.
        assert_eq!(prefix_for_demand(&settings, 0), Some(29));
        assert_eq!(prefix_for_demand(&settings, 2), Some(29));
        assert_eq!(prefix_for_demand(&settings, 21), Some(27));
        assert_eq!(prefix_for_demand(&settings, 22), Some(26));
        assert_eq!(prefix_for_demand(&settings, 200), Some(24));
        assert_eq!(prefix_for_demand(&settings, 201), Some(23));
        assert_eq!(prefix_for_demand(&settings, u128::MAX), None);
        settings.maximum_utilization_percent = 0;
        assert_eq!(prefix_for_demand(&settings, 1), None);
    }
}
