//! Free address ranges: where a subnet of a wanted size fits in its VNet, and where a VNet's
//! address space could move to. Computed from what the model knows, never guessed: a range that
//! could overlap something the model does not know is not offered.

use super::{Attr, Model, Peer, Resolved, Val, ids};
use crate::cidr;
use crate::domain;
use ipnet::IpNet;

/// The answer to "where is a free /N?".
#[derive(Clone, Debug, PartialEq)]
pub enum FreeRange {
    /// `prefix` is free, inside `within` (an address-space prefix of the VNet, or for a VNet's
    /// own space the RFC 1918 block searched). `in_place`: it holds the prefix being resized.
    Free {
        prefix: IpNet,
        within: IpNet,
        in_place: bool,
    },
    /// No /`len` is free in any of `searched`. `crowded`: what fills them is the subnets
    /// themselves (a wider address space helps); otherwise the free parts overlap a peered VNet
    /// or a range an agent subnet must avoid (the address space needs renumbering).
    Full {
        len: u8,
        searched: Vec<IpNet>,
        crowded: bool,
    },
    /// Something a free range must avoid, or the space to search, is not known statically
    /// (or there is no space to search: FL101 and FL102 speak of public and CGNAT spaces).
    Unknown,
}

impl Model {
    /// Where prefix `prefix` of subnet `subnet` could be a /`len` instead: the /`len` that holds
    /// it when that is free (the subnet grows in place, keeping its addresses), else the
    /// lowest-addressed free /`len` of the VNet's address space. Free means overlapping no
    /// other subnet of the VNet (nor the subnet's other prefixes) and no address space of a
    /// peered VNet known to the model. For an agent subnet the range also lies in RFC 1918
    /// space, avoids the platform's reserved ranges, and avoids 10.0.0.0/8 in a region the
    /// documents say does not support class A (what FL101-FL104 would report).
    ///
    /// Unknown when a subnet of the VNet may be missing or has a prefix not known statically:
    /// the VNet is not declared by the stack (an existing or configured VNet has subnets the
    /// stack does not show), some subnet's VNet is not known, subnets could not be counted, or a
    /// module foundry-lint cannot read is given the VNet; also when an address-space prefix is
    /// not known. A peer whose address space is not known does not hold the answer back: a range
    /// inside the VNet's space overlaps a peer only where the VNet's own space does, a peering
    /// Azure refuses whatever the subnet (FL401's finding).
    ///
    /// `offered` are ranges already offered to other subnets (by the same rule), avoided too, so
    /// that two findings do not offer one range twice.
    pub fn free_subnet_range(
        &self,
        subnet: usize,
        prefix: usize,
        len: u8,
        offered: &[IpNet],
    ) -> FreeRange {
        let Resolved::Entity(v) = self.vnet_of_subnet(subnet) else {
            return FreeRange::Unknown;
        };
        let own = self.subnets[subnet].address_prefixes.get(prefix);
        let ipv6 = match own.map(|p| &p.val) {
            Some(Val::Known(net)) => net.addr().is_ipv6(),
            // Only IPv4 prefixes have a length known without their address.
            _ => false,
        };
        if self.configured_vnets.contains(&v)
            || self.has_uncounted("Microsoft.Network/virtualNetworks/subnets")
            || self
                .relations
                .subnet_vnet
                .iter()
                .any(|r| matches!(r, Resolved::Unknown(_)))
            || self.given_to_unread_module(v)
        {
            return FreeRange::Unknown;
        }
        let Some(mut spaces) = known(&self.virtual_networks[v].address_space, ipv6) else {
            return FreeRange::Unknown;
        };
        let mut taken = offered.to_vec();
        for s in self.subnets_of_vnet(v) {
            for (i, p) in self.subnets[s].address_prefixes.iter().enumerate() {
                if (s, i) == (subnet, prefix) {
                    continue;
                }
                match &p.val {
                    Val::Known(net) => taken.push(*net),
                    Val::Unknown(_) => return FreeRange::Unknown,
                }
            }
        }
        let mut avoided = Vec::new();
        for peer in self.peers_of(v) {
            let space: &[Attr<IpNet>] = match peer {
                Peer::VirtualNetwork(p) => &self.virtual_networks[*p].address_space,
                Peer::External { peering, .. } => &self.peerings[*peering].remote_address_space,
                Peer::Unknown => &[],
            };
            avoided.extend(space.iter().filter_map(Attr::get));
        }
        let agent = self.agent_subnets().iter().any(|&(s, _, _)| s == subnet);
        if agent && !ipv6 {
            spaces = private_parts(&spaces);
            avoided.extend(parse_all(domain::PLATFORM_RESERVED_RANGES));
            if self.class_a_unsupported_at(v, subnet) {
                avoided.extend(cidr::parse(domain::CLASS_A_RANGE));
            }
        }
        let subnets_only = taken.clone();
        taken.extend(avoided);
        let in_place = own
            .and_then(Attr::get)
            .and_then(|net| cidr::supernet(net, len))
            .filter(|block| spaces.iter().any(|s| cidr::contains(s, block)))
            .filter(|block| cidr::first_free(&[*block], &taken, ipv6, len) == Some(*block));
        if let Some(block) = in_place {
            return free(block, &spaces, true);
        }
        match search(&spaces, &taken, ipv6, len) {
            FreeRange::Full { len, searched, .. } => FreeRange::Full {
                crowded: cidr::first_free(&spaces, &subnets_only, ipv6, len).is_none(),
                len,
                searched,
            },
            found => found,
        }
    }

    /// Where address-space prefix `prefix` of VNet `vnet` could move to (FL401): the
    /// lowest-addressed prefix of the same size in the same RFC 1918 block that overlaps no
    /// address space of another VNet of the model (its peers, the VNets the configuration file
    /// describes, and every other VNet the stack declares, which it may peer later), no remote
    /// address space a peering states, and none of the VNet's own other prefixes; in the agent
    /// network, none of the platform's reserved ranges either.
    ///
    /// Unknown when the prefix is not a known RFC 1918 prefix, when any VNet of the model has an
    /// address-space prefix not known statically, when VNets could not be counted, when a peer
    /// of this VNet is not known or states no address space, or when a module foundry-lint
    /// cannot read is given the VNet (it could peer it).
    /// `offered`: ranges already offered to other VNets, avoided too.
    pub fn free_vnet_space(&self, vnet: usize, prefix: usize, offered: &[IpNet]) -> FreeRange {
        let Some(current) = self.virtual_networks[vnet]
            .address_space
            .get(prefix)
            .and_then(Attr::get)
        else {
            return FreeRange::Unknown;
        };
        let Some(block) = parse_all(domain::PRIVATE_RANGES)
            .into_iter()
            .find(|b| cidr::contains(b, current))
        else {
            return FreeRange::Unknown;
        };
        let peer_unknown = self.peers_of(vnet).iter().any(|peer| match peer {
            Peer::VirtualNetwork(_) => false,
            Peer::External { peering, .. } => {
                let space = &self.peerings[*peering].remote_address_space;
                space.is_empty() || space.iter().any(|p| p.get().is_none())
            }
            Peer::Unknown => true,
        });
        if peer_unknown
            || self.has_uncounted("Microsoft.Network/virtualNetworks")
            || self.given_to_unread_module(vnet)
        {
            return FreeRange::Unknown;
        }
        let mut taken = offered.to_vec();
        for (v, network) in self.virtual_networks.iter().enumerate() {
            for (i, p) in network.address_space.iter().enumerate() {
                match &p.val {
                    Val::Known(_) if (v, i) == (vnet, prefix) => {}
                    Val::Known(net) => taken.push(*net),
                    Val::Unknown(_) => return FreeRange::Unknown,
                }
            }
        }
        for peering in &self.peerings {
            taken.extend(peering.remote_address_space.iter().filter_map(Attr::get));
        }
        if self.in_agent_network(vnet) {
            taken.extend(parse_all(domain::PLATFORM_RESERVED_RANGES));
        }
        search(&[block], &taken, false, current.prefix_len())
    }

    /// Whether a module call foundry-lint cannot read is given the VNet, by id or name: it may
    /// add subnets to it or peer it.
    fn given_to_unread_module(&self, vnet: usize) -> bool {
        let id = &self.virtual_networks[vnet].id;
        let name = ids::parse(id).and_then(|i| i.name().map(str::to_string));
        self.opaque_calls.iter().any(|call| {
            call.arguments.iter().any(|argument| {
                argument.eq_ignore_ascii_case(id)
                    || name
                        .as_deref()
                        .is_some_and(|n| argument.eq_ignore_ascii_case(n))
                    || matches!(
                        self.index
                            .virtual_network(&Attr::known(argument.clone(), call.origin.span)),
                        Resolved::Entity(v) if v == vnet
                    )
            })
        })
    }

    /// Whether the VNet holds an agent subnet or is peered with a VNet that does.
    fn in_agent_network(&self, vnet: usize) -> bool {
        self.agent_subnets().iter().any(|&(s, _, _)| {
            matches!(self.vnet_of_subnet(s), Resolved::Entity(v)
                if v == vnet || self.peers_of(v).contains(&Peer::VirtualNetwork(vnet)))
        })
    }

    /// Whether the region of the VNet (else of the first account injecting into the subnet) is
    /// one the documents say does not support class A agent subnets (FL104's test).
    fn class_a_unsupported_at(&self, vnet: usize, subnet: usize) -> bool {
        let account_location = || {
            self.accounts_injecting_into(subnet)
                .first()
                .and_then(|&(a, _)| self.accounts[a].location.as_ref())
        };
        self.virtual_networks[vnet]
            .location
            .as_ref()
            .or_else(account_location)
            .and_then(Attr::get)
            .is_some_and(|region| domain::class_a_unsupported(region))
    }
}

/// The known prefixes of one address family, or None when any prefix is not known (it might
/// be of either family, anywhere).
fn known(prefixes: &[Attr<IpNet>], ipv6: bool) -> Option<Vec<IpNet>> {
    prefixes
        .iter()
        .filter(|p| p.get().is_none_or(|net| net.addr().is_ipv6() == ipv6))
        .map(|p| p.get().copied())
        .collect()
}

fn parse_all(ranges: &[&str]) -> Vec<IpNet> {
    ranges.iter().filter_map(|r| cidr::parse(r)).collect()
}

/// The parts of IPv4 address spaces inside RFC 1918: a space inside a private block, or the
/// private blocks inside a wider space.
fn private_parts(spaces: &[IpNet]) -> Vec<IpNet> {
    let private = parse_all(domain::PRIVATE_RANGES);
    let mut out = Vec::new();
    for space in spaces {
        for block in &private {
            if cidr::contains(block, space) {
                out.push(space.trunc());
            } else if cidr::contains(space, block) {
                out.push(*block);
            }
        }
    }
    out
}

fn search(spaces: &[IpNet], taken: &[IpNet], ipv6: bool, len: u8) -> FreeRange {
    if spaces.is_empty() {
        return FreeRange::Unknown;
    }
    match cidr::first_free(spaces, taken, ipv6, len) {
        Some(prefix) => free(prefix, spaces, false),
        None => FreeRange::Full {
            len,
            searched: spaces.iter().map(IpNet::trunc).collect(),
            crowded: true,
        },
    }
}

fn free(prefix: IpNet, spaces: &[IpNet], in_place: bool) -> FreeRange {
    let within = spaces
        .iter()
        .find(|s| cidr::contains(s, &prefix))
        .map_or(prefix, IpNet::trunc);
    FreeRange::Free {
        prefix,
        within,
        in_place,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        CognitiveAccount, NetworkInjection, OpaqueCall, Origin, Peering, Subnet, Uncounted,
        VirtualNetwork,
    };
    use crate::source::{FileId, Span};
    use crate::value::Unknown;

    fn span() -> Span {
        Span::file_start(FileId(0))
    }

    /// A prefix, or `?` for one not known statically.
    fn prefix(s: &str) -> Attr<IpNet> {
        match s {
            "?" => Attr::unknown(Unknown::new("not known"), span()),
            s => Attr::known(cidr::parse(s).expect("prefix"), span()),
        }
    }

    fn vnet_id(name: &str) -> String {
        ids::format_id(Some("rg"), "Microsoft.Network/virtualNetworks", &[name])
    }

    fn net(s: &str) -> IpNet {
        cidr::parse(s).expect("prefix")
    }

    /// A model built declaration by declaration; subnet names are unique across VNets.
    #[derive(Default)]
    struct Stack(Model);

    impl Stack {
        fn vnet(mut self, name: &str, spaces: &[&str]) -> Stack {
            self.0.virtual_networks.push(VirtualNetwork {
                origin: Origin::new(name, span()),
                id: vnet_id(name),
                location: None,
                address_space: spaces.iter().map(|s| prefix(s)).collect(),
            });
            self
        }

        fn located(mut self, region: &str) -> Stack {
            let vnet = self.0.virtual_networks.last_mut().expect("a VNet");
            vnet.location = Some(Attr::known(region.to_string(), span()));
            self
        }

        fn subnet(mut self, vnet: &str, name: &str, prefixes: &[&str]) -> Stack {
            self.0.subnets.push(Subnet {
                origin: Origin::new(name, span()),
                id: format!("{}/subnets/{name}", vnet_id(vnet)),
                vnet: Attr::known(vnet_id(vnet), span()),
                address_prefixes: prefixes.iter().map(|s| prefix(s)).collect(),
                delegations: Vec::new(),
                delegation_span: span(),
            });
            self
        }

        /// An account injecting its agents into the last subnet.
        fn agent(mut self) -> Stack {
            let subnet = self.0.subnets.last().expect("a subnet").id.clone();
            let n = self.0.accounts.len();
            self.0.accounts.push(CognitiveAccount {
                origin: Origin::new(format!("account{n}"), span()),
                id: ids::format_id(
                    Some("rg"),
                    "Microsoft.CognitiveServices/accounts",
                    &[&format!("account{n}")],
                ),
                kind: None,
                location: None,
                identity: None,
                network_injections: vec![NetworkInjection {
                    subnet: Some(Attr::known(subnet, span())),
                    managed_network: None,
                    span: span(),
                }],
                customer_managed_key: None,
                public_network_access: None,
                custom_subdomain: None,
            });
            self
        }

        /// A peering from `local` to `remote` (a VNet of the stack, or of another resource
        /// group with the address space the peering states; `?` for an unknown id).
        fn peer(mut self, local: &str, remote: &str, stated: &[&str]) -> Stack {
            let remote = match remote {
                "?" => Attr::unknown(Unknown::new("not known"), span()),
                r if self.0.virtual_networks.iter().any(|v| v.id == vnet_id(r)) => {
                    Attr::known(vnet_id(r), span())
                }
                r => Attr::known(
                    ids::format_id(Some("hub-rg"), "Microsoft.Network/virtualNetworks", &[r]),
                    span(),
                ),
            };
            self.0.peerings.push(Peering {
                origin: Origin::new(format!("{local}-peering"), span()),
                local_vnet: Attr::known(vnet_id(local), span()),
                remote_vnet: remote,
                remote_address_space: stated.iter().map(|s| prefix(s)).collect(),
            });
            self
        }

        fn build(mut self) -> Model {
            self.0.finish();
            self.0
        }
    }

    fn subnet_index(model: &Model, name: &str) -> usize {
        model
            .subnets
            .iter()
            .position(|s| s.origin.address == name)
            .expect("subnet")
    }

    /// Where subnet `name`'s first prefix would fit as a /`len`.
    fn subnet_range(model: &Model, name: &str, len: u8) -> FreeRange {
        model.free_subnet_range(subnet_index(model, name), 0, len, &[])
    }

    fn free(prefix: &str, within: &str, in_place: bool) -> FreeRange {
        FreeRange::Free {
            prefix: net(prefix),
            within: net(within),
            in_place,
        }
    }

    #[test]
    fn a_subnet_grows_in_place_when_the_block_holding_it_is_free() {
        let model = Stack::default()
            .vnet("hub", &["10.0.0.0/16"])
            .subnet("hub", "pe", &["10.0.0.0/24"])
            .subnet("hub", "agent", &["10.0.4.32/27"])
            .agent()
            .build();
        assert_eq!(
            subnet_range(&model, "agent", 24),
            free("10.0.4.0/24", "10.0.0.0/16", true)
        );
        // Its own range is not in its way, another subnet's is.
        assert_eq!(
            subnet_range(&model, "pe", 22),
            free("10.0.0.0/22", "10.0.0.0/16", true)
        );
        assert_eq!(
            subnet_range(&model, "pe", 21),
            free("10.0.8.0/21", "10.0.0.0/16", false)
        );
    }

    #[test]
    fn otherwise_the_lowest_free_block_of_the_address_space() {
        let model = Stack::default()
            .vnet("hub", &["10.1.0.0/16", "10.0.0.0/22"])
            .subnet("hub", "pe", &["10.0.0.0/24"])
            .subnet("hub", "jobs", &["10.0.1.128/25"])
            .subnet("hub", "agent", &["10.0.1.0/27"])
            .agent()
            .build();
        assert_eq!(
            subnet_range(&model, "agent", 24),
            free("10.0.2.0/24", "10.0.0.0/22", false)
        );
        assert_eq!(
            subnet_range(&model, "agent", 22),
            free("10.1.0.0/22", "10.1.0.0/16", false)
        );
        // Ranges already offered to other subnets are avoided too.
        let agent = subnet_index(&model, "agent");
        assert_eq!(
            model.free_subnet_range(agent, 0, 24, &[net("10.0.2.0/24")]),
            free("10.0.3.0/24", "10.0.0.0/22", false)
        );
    }

    #[test]
    fn a_full_address_space_is_reported_with_what_was_searched() {
        let model = Stack::default()
            .vnet("hub", &["10.0.0.0/23"])
            .subnet("hub", "pe", &["10.0.0.0/24"])
            .subnet("hub", "agent", &["10.0.1.0/28"])
            .agent()
            .subnet("hub", "jobs", &["10.0.1.128/25"])
            .build();
        assert_eq!(
            subnet_range(&model, "agent", 24),
            FreeRange::Full {
                len: 24,
                searched: vec![net("10.0.0.0/23")],
                crowded: true,
            }
        );
        assert_eq!(
            subnet_range(&model, "agent", 26),
            free("10.0.1.0/26", "10.0.0.0/23", true)
        );
    }

    #[test]
    fn known_peers_are_avoided_and_unknown_ones_do_not_hold_the_answer_back() {
        let model = Stack::default()
            .vnet("spoke", &["10.0.0.0/16"])
            .subnet("spoke", "agent", &["10.0.0.0/28"])
            .agent()
            .vnet("hub", &["10.0.0.0/17"])
            .peer("spoke", "hub", &[])
            .peer("spoke", "shared", &["10.0.128.0/24"])
            .peer("spoke", "?", &[])
            .build();
        assert_eq!(
            subnet_range(&model, "agent", 24),
            free("10.0.129.0/24", "10.0.0.0/16", false)
        );
        // A space a peer covers whole: widening would not help, renumbering would.
        let model = Stack::default()
            .vnet("spoke", &["10.0.64.0/20"])
            .subnet("spoke", "agent", &["10.0.64.0/26"])
            .agent()
            .peer("spoke", "hub", &["10.0.0.0/16"])
            .build();
        assert_eq!(
            subnet_range(&model, "agent", 24),
            FreeRange::Full {
                len: 24,
                searched: vec![net("10.0.64.0/20")],
                crowded: false,
            }
        );
    }

    #[test]
    fn an_agent_subnet_avoids_what_the_agent_network_rules_report() {
        let model = Stack::default()
            .vnet("spoke", &["20.0.0.0/16", "172.17.0.0/16", "172.18.0.0/16"])
            .subnet("spoke", "agent", &["172.18.0.0/28"])
            .agent()
            .subnet("spoke", "pe", &["172.18.0.128/25"])
            .build();
        // Public space (FL101) and Docker's bridge (FL103) are skipped.
        assert_eq!(
            subnet_range(&model, "agent", 24),
            free("172.18.1.0/24", "172.18.0.0/16", false)
        );
        // Other subnets may use any of the VNet's space.
        assert_eq!(
            subnet_range(&model, "pe", 24),
            free("20.0.0.0/24", "20.0.0.0/16", false)
        );
        // A wide space is searched in its RFC 1918 parts only.
        let model = Stack::default()
            .vnet("wide", &["0.0.0.0/0"])
            .subnet("wide", "agent", &["0.0.0.0/28"])
            .agent()
            .build();
        assert_eq!(
            subnet_range(&model, "agent", 24),
            free("10.0.0.0/24", "10.0.0.0/8", false)
        );
        // Class A where the documents say it is not supported (FL104).
        let model = Stack::default()
            .vnet("spoke", &["10.0.0.0/16", "192.168.0.0/24"])
            .located("Norway East")
            .subnet("spoke", "agent", &["10.0.0.0/28"])
            .agent()
            .build();
        assert_eq!(
            subnet_range(&model, "agent", 27),
            free("192.168.0.0/27", "192.168.0.0/24", false)
        );
    }

    #[test]
    fn ipv6_subnets_are_placed_in_the_ipv6_space() {
        let model = Stack::default()
            .vnet("dual", &["10.0.0.0/16", "fd00::/48"])
            .subnet("dual", "a", &["10.0.0.0/24", "fd00::/64"])
            .subnet("dual", "b", &["fd00::/64"])
            .build();
        assert_eq!(
            subnet_range(&model, "b", 64),
            free("fd00:0:0:1::/64", "fd00::/48", false)
        );
        // The IPv6 space is not searched for an IPv4 subnet.
        let model = Stack::default()
            .vnet("dual", &["10.0.0.0/24", "fd00::/48"])
            .subnet("dual", "a", &["10.0.0.0/24"])
            .subnet("dual", "b", &["10.0.0.0/26"])
            .build();
        assert!(matches!(
            subnet_range(&model, "b", 26),
            FreeRange::Full { crowded: true, .. }
        ));
    }

    #[test]
    fn nothing_is_offered_when_a_range_in_the_way_is_not_known() {
        let base = || {
            Stack::default()
                .vnet("hub", &["10.0.0.0/16"])
                .subnet("hub", "agent", &["10.0.0.0/28"])
                .agent()
        };
        let unknown = |model: Model| subnet_range(&model, "agent", 27) == FreeRange::Unknown;
        assert!(!unknown(base().build()));
        assert!(unknown(base().subnet("hub", "pe", &["?"]).build()));
        assert!(unknown(
            base().subnet("hub", "pe", &["10.0.1.0/24", "?"]).build()
        ));
        assert!(unknown(
            Stack::default()
                .vnet("hub", &["?"])
                .subnet("hub", "agent", &["10.0.0.0/28"])
                .build()
        ));
        assert!(unknown(
            Stack::default()
                .vnet("hub", &["10.0.0.0/16", "?"])
                .subnet("hub", "agent", &["10.0.0.0/28"])
                .build()
        ));
        // No address space to search.
        assert!(unknown(
            Stack::default()
                .vnet("hub", &[])
                .subnet("hub", "agent", &["10.0.0.0/28"])
                .build()
        ));
        // A subnet whose VNet is not known may be in this one.
        let mut model = base().subnet("hub", "pe", &["10.0.1.0/24"]).build();
        model.subnets[1].vnet = Attr::unknown(Unknown::new("not known"), span());
        model.finish();
        assert!(unknown(model));
        // Subnets that could not be counted.
        let mut model = base().build();
        model.uncounted.push(Uncounted {
            origin: Origin::new("azurerm_subnet.many", span()),
            resource_type: "Microsoft.Network/virtualNetworks/subnets".into(),
            reason: Unknown::new("not known"),
        });
        model.finish();
        assert!(unknown(model));
        // A module foundry-lint cannot read is given the VNet's name: it may add subnets.
        let mut model = base().build();
        model.opaque_calls.push(OpaqueCall {
            origin: Origin::new("module.subnets", span()),
            arguments: vec!["HUB".into()],
            not_restored: None,
        });
        model.finish();
        assert!(unknown(model));
        // A VNet the stack does not declare (an existing one) has subnets it does not show.
        let model = Stack::default()
            .subnet("elsewhere", "agent", &["10.0.0.0/28"])
            .agent()
            .build();
        assert!(unknown(model));
        // Nor does one the configuration file describes.
        let mut model = base().build();
        model.configured_vnets.push(0);
        assert!(unknown(model));
    }

    #[test]
    fn a_vnet_moves_to_space_no_other_vnet_uses() {
        let model = Stack::default()
            .vnet("hub", &["10.0.0.0/16"])
            .vnet("spoke", &["10.1.0.0/16", "10.0.128.0/20"])
            .vnet("lone", &["10.2.0.0/16"])
            .peer("spoke", "hub", &[])
            .peer("hub", "remote", &["10.3.0.0/16"])
            .build();
        let space = |v: usize, p: usize| model.free_vnet_space(v, p, &[]);
        assert_eq!(space(1, 1), free("10.4.0.0/20", "10.0.0.0/8", false));
        assert_eq!(space(0, 0), free("10.4.0.0/16", "10.0.0.0/8", false));
        assert_eq!(
            model.free_vnet_space(0, 0, &[net("10.4.0.0/20")]),
            free("10.5.0.0/16", "10.0.0.0/8", false)
        );
        // The agent network also avoids the platform's reserved ranges.
        let model = Stack::default()
            .vnet("agents", &["172.16.0.0/16"])
            .subnet("agents", "agent", &["172.16.0.0/24"])
            .agent()
            .vnet("hub", &["172.16.0.0/16"])
            .peer("agents", "hub", &[])
            .build();
        assert_eq!(
            model.free_vnet_space(0, 0, &[]),
            free("172.18.0.0/16", "172.16.0.0/12", false)
        );
        assert_eq!(
            model.free_vnet_space(1, 0, &[]),
            free("172.18.0.0/16", "172.16.0.0/12", false)
        );
        let model = Stack::default()
            .vnet("a", &["172.16.0.0/16"])
            .vnet("b", &["172.16.0.0/16"])
            .peer("a", "b", &[])
            .build();
        assert_eq!(
            model.free_vnet_space(0, 0, &[]),
            free("172.17.0.0/16", "172.16.0.0/12", false)
        );
        // The whole block taken.
        let model = Stack::default()
            .vnet("a", &["192.168.0.0/16"])
            .peer("a", "b", &["192.168.0.0/16"])
            .build();
        assert_eq!(
            model.free_vnet_space(0, 0, &[]),
            FreeRange::Full {
                len: 16,
                searched: vec![net("192.168.0.0/16")],
                crowded: true,
            }
        );
    }

    #[test]
    fn a_vnet_is_not_moved_next_to_what_is_not_known() {
        let base = || Stack::default().vnet("a", &["10.0.0.0/16"]);
        let unknown = |model: Model| model.free_vnet_space(0, 0, &[]) == FreeRange::Unknown;
        assert!(!unknown(base().peer("a", "b", &["10.0.0.0/16"]).build()));
        assert!(
            unknown(base().peer("a", "b", &[]).build()),
            "a peer's space"
        );
        assert!(unknown(base().peer("a", "b", &["?"]).build()));
        assert!(unknown(base().peer("a", "?", &[]).build()), "a peer");
        assert!(unknown(base().vnet("c", &["?"]).build()), "another VNet");
        assert!(
            unknown(Stack::default().vnet("a", &["20.0.0.0/16"]).build()),
            "public"
        );
        assert!(unknown(Stack::default().vnet("a", &["?"]).build()));
    }
}
