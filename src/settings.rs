//! What rules may be told by the user: thresholds and the parts of the network that live outside
//! the repository. Built from `.foundry-lint.toml`; the defaults are the documented values in
//! `domain`.

use crate::domain;

#[derive(Clone, Debug)]
pub struct Settings {
    pub agent_subnet: AgentSubnet,
    pub dns: Dns,
}

/// Agent subnet thresholds (`[agent-subnet]`).
#[derive(Clone, Debug)]
pub struct AgentSubnet {
    /// The largest prefix length accepted for an agent subnet (FL201).
    pub minimum_prefix: u8,
    /// Container replicas each project may run (FL204's demand estimate).
    pub replicas_per_project: u32,
    /// Pods that share one subnet address.
    pub pods_per_ip: u32,
    /// The share of usable addresses demand may take, in percent.
    pub maximum_utilization_percent: u32,
}

/// Private DNS zones managed outside the stack (`[dns]`).
#[derive(Clone, Debug, Default)]
pub struct Dns {
    /// Zone names (lowercase) that a central hub provides and links.
    pub central_zones: Vec<String>,
    /// Every private DNS zone is provided centrally.
    pub assume_central: bool,
    /// Whether FL501 checks endpoints placed in a VNet the stack does not declare.
    pub existing_vnets: ExistingVnets,
}

/// `[dns] existing-vnets`: who provides DNS for a private endpoint in a VNet the stack does not
/// declare (an `existing` spoke, a data source, a resource id parameter).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ExistingVnets {
    /// The VNet's owner does (a landing zone's platform team, by policy): FL501 stays silent.
    #[default]
    AssumeProvided,
    /// The stack does, as for its own VNets.
    Check,
}

impl ExistingVnets {
    /// The values `.foundry-lint.toml` accepts, as written there.
    pub const VALUES: [(&'static str, ExistingVnets); 2] = [
        ("assume-provided", ExistingVnets::AssumeProvided),
        ("check", ExistingVnets::Check),
    ];

    pub fn parse(value: &str) -> Option<ExistingVnets> {
        Self::VALUES
            .iter()
            .find(|(name, _)| *name == value)
            .map(|(_, v)| *v)
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            agent_subnet: AgentSubnet {
                minimum_prefix: domain::AGENT_SUBNET_MINIMUM_PREFIX,
                replicas_per_project: domain::REPLICAS_PER_PROJECT,
                pods_per_ip: domain::PODS_PER_IP,
                maximum_utilization_percent: domain::MAXIMUM_SUBNET_UTILIZATION_PERCENT,
            },
            dns: Dns::default(),
        }
    }
}

impl Dns {
    /// Whether a zone the stack does not declare is provided centrally.
    pub fn is_central(&self, zone: &str) -> bool {
        self.assume_central
            || self
                .central_zones
                .iter()
                .any(|z| z.eq_ignore_ascii_case(zone))
    }
}
