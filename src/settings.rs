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
