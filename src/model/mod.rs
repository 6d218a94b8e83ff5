//! The language-neutral network model. Front ends (Terraform, ARM, Bicep) fill it; rules read it.
//! Every value keeps the span it came from; a value that cannot be known statically is
//! `Val::Unknown` with the reason, never a guess.
//!
//! References between resources are id strings (see `ids`); `Model::finish` indexes the entities
//! so rules can resolve a reference to the entity it names, or learn that it is external or
//! unknown.

mod free_ranges;
pub mod ids;
mod links;
mod queries;
mod relations;
mod resolve;

pub use free_ranges::FreeRange;
pub use queries::{
    AgentRange, CapacityEstimate, CmkPrincipal, NeededZones, Peer, SubnetCapacity,
    prefix_for_demand,
};
pub use relations::Relations;
pub use resolve::{Index, Resolved};

use crate::source::Span;
use crate::value::Unknown;
use ipnet::IpNet;

#[derive(Clone, Debug, PartialEq)]
pub enum Val<T> {
    Known(T),
    Unknown(Unknown),
}

/// A value and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Attr<T> {
    pub val: Val<T>,
    pub span: Span,
}

impl<T> Attr<T> {
    pub fn known(value: T, span: Span) -> Attr<T> {
        Attr {
            val: Val::Known(value),
            span,
        }
    }

    pub fn unknown(unknown: Unknown, span: Span) -> Attr<T> {
        Attr {
            val: Val::Unknown(unknown),
            span,
        }
    }

    pub fn get(&self) -> Option<&T> {
        match &self.val {
            Val::Known(v) => Some(v),
            Val::Unknown(_) => None,
        }
    }

    pub fn unknown_reason(&self) -> Option<&Unknown> {
        match &self.val {
            Val::Known(_) => None,
            Val::Unknown(u) => Some(u),
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Attr<U> {
        Attr {
            val: match self.val {
                Val::Known(v) => Val::Known(f(v)),
                Val::Unknown(u) => Val::Unknown(u),
            },
            span: self.span,
        }
    }
}

impl Attr<IpNet> {
    /// The length of an IPv4 prefix, also when only the length is known (`"${var.base}.0/27"`,
    /// `cidrSubnet(vnetPrefix, 27, 0)`); None for IPv6 and for a prefix of unknown length.
    pub fn ipv4_prefix_len(&self) -> Option<u8> {
        match &self.val {
            Val::Known(net) => net.addr().is_ipv4().then(|| net.prefix_len()),
            Val::Unknown(u) => u.prefix_len(),
        }
    }

    /// How messages name an IPv4 prefix: `10.0.0.0/27`, or `a /27` when only its length is known.
    pub fn ipv4_text(&self) -> Option<String> {
        match &self.val {
            Val::Known(net) => net.addr().is_ipv4().then(|| net.to_string()),
            Val::Unknown(u) => u.prefix_len().map(|len| format!("a /{len}")),
        }
    }
}

/// Which declaration an entity came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    /// The user's name for it: `azurerm_subnet.agent`, `module.net.azurerm_subnet.x[0]`,
    /// `Microsoft.Network/virtualNetworks/vnet`, ...
    pub address: String,
    /// The declaration's header (`resource "azurerm_subnet" "agent" {`).
    pub span: Span,
    /// The module calls that lead to the declaration, outermost first (address, call site).
    pub via: Vec<(String, Span)>,
}

impl Origin {
    pub fn new(address: impl Into<String>, span: Span) -> Origin {
        Origin {
            address: address.into(),
            span,
            via: Vec::new(),
        }
    }

    /// The same declaration's part at `span` (an inline subnet, an access policy block).
    pub fn part(&self, address: impl Into<String>, span: Span) -> Origin {
        Origin {
            address: address.into(),
            span,
            via: self.via.clone(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct VirtualNetwork {
    pub origin: Origin,
    pub id: String,
    pub location: Option<Attr<String>>,
    pub address_space: Vec<Attr<IpNet>>,
}

#[derive(Clone, Debug)]
pub struct Subnet {
    pub origin: Origin,
    pub id: String,
    /// The id of the VNet the subnet belongs to.
    pub vnet: Attr<String>,
    pub address_prefixes: Vec<Attr<IpNet>>,
    /// Service names the subnet is delegated to (`Microsoft.App/environments`, ...).
    pub delegations: Vec<Attr<String>>,
    /// Where the delegations are (or would be) written: the first delegation or the header.
    pub delegation_span: Span,
}

#[derive(Clone, Debug)]
pub struct Peering {
    pub origin: Origin,
    pub local_vnet: Attr<String>,
    pub remote_vnet: Attr<String>,
    /// Address space of the remote VNet when the template states it (ARM `remoteAddressSpace`).
    pub remote_address_space: Vec<Attr<IpNet>>,
}

#[derive(Clone, Debug)]
pub struct PrivateDnsZone {
    pub origin: Origin,
    pub id: String,
    pub name: Attr<String>,
}

#[derive(Clone, Debug)]
pub struct DnsZoneLink {
    pub origin: Origin,
    pub zone: Attr<String>,
    pub vnet: Attr<String>,
}

#[derive(Clone, Debug)]
pub struct PrivateLinkConnection {
    pub target: Attr<String>,
    pub group_ids: Vec<Attr<String>>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct PrivateEndpoint {
    pub origin: Origin,
    pub id: String,
    pub subnet: Attr<String>,
    pub location: Option<Attr<String>>,
    pub connections: Vec<PrivateLinkConnection>,
}

/// A DNS zone group: the zones attached to a private endpoint (inline in azurerm, a child
/// resource in ARM).
#[derive(Clone, Debug)]
pub struct DnsZoneGroup {
    pub origin: Origin,
    pub endpoint: Attr<String>,
    pub zones: Vec<Attr<String>>,
}

#[derive(Clone, Debug)]
pub struct KeyVault {
    pub origin: Origin,
    pub id: String,
    pub name: Attr<String>,
    pub location: Option<Attr<String>>,
    /// None when the template leaves it out (on by default).
    pub soft_delete: Option<Attr<bool>>,
    /// None when the template leaves it out (off by default).
    pub purge_protection: Option<Attr<bool>>,
    /// RBAC authorization, with the front end's default applied when absent.
    pub rbac_authorization: Attr<bool>,
    /// Whether the vault is a Managed HSM (always RBAC, purge protection settable).
    pub managed_hsm: bool,
    pub firewall: KeyVaultFirewall,
}

/// A vault's network rules (ARM `networkAcls` and `publicNetworkAccess`; azurerm `network_acls`
/// and `public_network_access_enabled`). Each is None when the template leaves it out.
#[derive(Clone, Debug, Default)]
pub struct KeyVaultFirewall {
    /// Whether traffic no rule allows is denied (`defaultAction: Deny`); absent means Allow.
    pub deny_by_default: Option<Attr<bool>>,
    /// Whether public network access is enabled; absent means enabled.
    pub public_network_access: Option<Attr<bool>>,
    /// What passes the rules anyway (`AzureServices` or `None`); absent means `AzureServices`.
    pub bypass: Option<Attr<String>>,
}

#[derive(Clone, Debug)]
pub struct KeyVaultKey {
    pub origin: Origin,
    pub id: String,
    pub vault: Attr<String>,
    pub name: Attr<String>,
    pub key_type: Option<Attr<String>>,
    pub key_size: Option<Attr<f64>>,
}

#[derive(Clone, Debug)]
pub struct AccessPolicy {
    pub origin: Origin,
    pub vault: Attr<String>,
    pub object_id: Attr<String>,
    pub key_permissions: Vec<Attr<String>>,
}

#[derive(Clone, Debug)]
pub struct ManagedIdentity {
    pub origin: Origin,
    pub id: String,
}

#[derive(Clone, Debug)]
pub struct AccountIdentity {
    pub system_assigned: Val<bool>,
    /// Ids of the user-assigned identities attached.
    pub user_assigned: Vec<Attr<String>>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct NetworkInjection {
    /// None when `subnetArmId` is absent, null or empty: no customer subnet.
    pub subnet: Option<Attr<String>>,
    pub managed_network: Option<Attr<bool>>,
    pub span: Span,
}

impl NetworkInjection {
    /// Whether the agents run in a Microsoft-managed network (`useMicrosoftManagedNetwork:
    /// true`): there is no customer subnet, whatever `subnetArmId` says.
    pub fn uses_managed_network(&self) -> bool {
        self.managed_network.as_ref().and_then(|m| m.get().copied()) == Some(true)
    }
}

#[derive(Clone, Debug)]
pub struct CustomerManagedKey {
    /// A vault URI, a key URI or a vault resource id.
    pub vault: Attr<String>,
    pub key_name: Option<Attr<String>>,
    pub identity_client_id: Option<Attr<String>>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct CognitiveAccount {
    pub origin: Origin,
    pub id: String,
    pub kind: Option<Attr<String>>,
    pub location: Option<Attr<String>>,
    /// None when the account declares no identity.
    pub identity: Option<AccountIdentity>,
    pub network_injections: Vec<NetworkInjection>,
    pub customer_managed_key: Option<CustomerManagedKey>,
    /// Whether the account accepts traffic from public networks; None when the template leaves
    /// it out (enabled by default).
    pub public_network_access: Option<Attr<bool>>,
    /// The custom subdomain (`customSubDomainName`); None when the template leaves it out.
    pub custom_subdomain: Option<Attr<String>>,
}

/// A Foundry project (`Microsoft.CognitiveServices/accounts/projects`).
#[derive(Clone, Debug)]
pub struct Project {
    pub origin: Origin,
    pub id: String,
    /// The id of the account the project belongs to.
    pub account: Attr<String>,
    pub location: Option<Attr<String>>,
}

/// The connection lists a project capability host must name, each with exactly one
/// connection.
pub const CAPABILITY_HOST_CONNECTION_LISTS: [&str; 3] = [
    "vectorStoreConnections",
    "storageConnections",
    "threadStorageConnections",
];

/// A capability host (`.../accounts/projects/capabilityHosts` or `.../accounts/capabilityHosts`).
#[derive(Clone, Debug)]
pub struct CapabilityHost {
    pub origin: Origin,
    pub id: String,
    /// Whether it belongs to a project (the connection lists are required there).
    pub on_project: bool,
    /// The connection lists in `CAPABILITY_HOST_CONNECTION_LISTS` order; None when absent.
    pub connection_lists: [Option<Attr<Vec<Attr<String>>>>; 3],
}

/// A connection of a Foundry account or project to another resource
/// (`.../projects/connections`, `.../accounts/connections`).
#[derive(Clone, Debug)]
pub struct Connection {
    pub origin: Origin,
    /// The id of the resource it connects to (`properties.metadata.ResourceId`).
    pub resource: Option<Attr<String>>,
}

/// A resource the agent service keeps its state in through a private endpoint: a Storage
/// account, a Cosmos DB account or an AI Search service.
#[derive(Clone, Debug)]
pub struct Dependency {
    pub origin: Origin,
    pub id: String,
    pub location: Option<Attr<String>>,
}

/// A module call foundry-lint cannot read (a registry module that is not installed, a Bicep
/// registry module): whatever it deploys is unknown, but the ids it is given tell what it may
/// connect to.
#[derive(Clone, Debug)]
pub struct OpaqueCall {
    pub origin: Origin,
    /// Every string among its arguments (ids, names).
    pub arguments: Vec<String>,
    /// Set when the module could be read had its toolchain restored it.
    pub not_restored: Option<NotRestored>,
}

/// A registry or git module that no local cache holds: what it is and how to restore it.
#[derive(Clone, Debug)]
pub struct NotRestored {
    /// The source as the call writes it (`Azure/avm-res-network-virtualnetwork/azurerm`,
    /// `br/public:avm/res/network/virtual-network:0.9.0`).
    pub source: String,
    /// The command that restores it (`terraform init -backend=false` in `infra`).
    pub restore: String,
}

/// A declaration whose instances could not be counted (`count` or a copy loop of unknown
/// length): it may stand for any number of resources.
#[derive(Clone, Debug)]
pub struct Uncounted {
    pub origin: Origin,
    /// The resource type as the language names it (`azapi_resource`,
    /// `Microsoft.CognitiveServices/accounts/projects`).
    pub resource_type: String,
    pub reason: Unknown,
}

/// A configuration Terraform, ARM or Bicep would reject, found while evaluating it: values that
/// refer to each other in a cycle, a module that calls itself. What depends on it has no value;
/// the rest of the stack is still checked.
#[derive(Clone, Debug, PartialEq)]
pub struct InvalidConfiguration {
    pub span: Span,
    pub message: String,
    /// The other declarations involved, with what each is.
    pub related: Vec<(Span, String)>,
}

/// Settings declared outside an account's own block (azurerm's separate CMK resource,
/// azapi_update_resource), merged into the account by `Model::finish`.
#[derive(Clone, Debug)]
pub struct AccountAddition {
    pub account: Attr<String>,
    pub network_injections: Vec<NetworkInjection>,
    pub customer_managed_key: Option<CustomerManagedKey>,
}

#[derive(Clone, Debug)]
pub struct RoleAssignment {
    pub origin: Origin,
    pub scope: Attr<String>,
    /// A role definition id (bare GUID or full id) or a role name.
    pub role: Attr<String>,
    pub principal: Attr<String>,
}

/// Everything one environment of a stack declares.
#[derive(Default, Debug)]
pub struct Model {
    /// The parameter file that makes this environment (None: defaults, or Terraform).
    pub environment: Option<Span>,
    pub virtual_networks: Vec<VirtualNetwork>,
    pub subnets: Vec<Subnet>,
    pub peerings: Vec<Peering>,
    pub dns_zones: Vec<PrivateDnsZone>,
    pub dns_zone_links: Vec<DnsZoneLink>,
    pub private_endpoints: Vec<PrivateEndpoint>,
    pub dns_zone_groups: Vec<DnsZoneGroup>,
    pub key_vaults: Vec<KeyVault>,
    pub keys: Vec<KeyVaultKey>,
    pub access_policies: Vec<AccessPolicy>,
    pub managed_identities: Vec<ManagedIdentity>,
    pub accounts: Vec<CognitiveAccount>,
    pub account_additions: Vec<AccountAddition>,
    pub role_assignments: Vec<RoleAssignment>,
    pub projects: Vec<Project>,
    pub capability_hosts: Vec<CapabilityHost>,
    pub dependencies: Vec<Dependency>,
    pub connections: Vec<Connection>,
    pub uncounted: Vec<Uncounted>,
    pub opaque_calls: Vec<OpaqueCall>,
    pub invalid_configurations: Vec<InvalidConfiguration>,
    /// The VNets (by index) the configuration file's `[[networks]]` adds: known to the model,
    /// but not the stack's own.
    pub configured_vnets: Vec<usize>,
    /// How values were computed, by (resource address, span of the value): the expression, then
    /// the locals and variables it came through.
    pub traces: std::collections::HashMap<(String, Span), Trace>,
    pub index: Index,
    pub relations: Relations,
}

/// A value's computation, shared by every instance built from the same expression.
pub type Trace = std::sync::Arc<Vec<TraceStep>>;

/// One step of a value's computation: an expression or definition and where it is written.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceStep {
    pub span: Span,
    pub text: String,
}

impl Model {
    /// Adds the entities of another part of the same environment (another module).
    pub fn absorb(&mut self, other: Model) {
        self.virtual_networks.extend(other.virtual_networks);
        self.subnets.extend(other.subnets);
        self.peerings.extend(other.peerings);
        self.dns_zones.extend(other.dns_zones);
        self.dns_zone_links.extend(other.dns_zone_links);
        self.private_endpoints.extend(other.private_endpoints);
        self.dns_zone_groups.extend(other.dns_zone_groups);
        self.key_vaults.extend(other.key_vaults);
        self.keys.extend(other.keys);
        self.access_policies.extend(other.access_policies);
        self.managed_identities.extend(other.managed_identities);
        self.accounts.extend(other.accounts);
        self.account_additions.extend(other.account_additions);
        self.role_assignments.extend(other.role_assignments);
        self.projects.extend(other.projects);
        self.capability_hosts.extend(other.capability_hosts);
        self.dependencies.extend(other.dependencies);
        self.connections.extend(other.connections);
        self.uncounted.extend(other.uncounted);
        self.opaque_calls.extend(other.opaque_calls);
        self.invalid_configurations
            .extend(other.invalid_configurations);
        self.traces.extend(other.traces);
    }

    /// Names every declaration as seen from a caller: `prefix` (`module.vnet.`) before its
    /// address, as a module's resources are named (ARM templates name theirs without one).
    pub fn prefix_addresses(&mut self, prefix: &str) {
        let origins = self
            .virtual_networks
            .iter_mut()
            .map(|e| &mut e.origin)
            .chain(self.subnets.iter_mut().map(|e| &mut e.origin))
            .chain(self.peerings.iter_mut().map(|e| &mut e.origin))
            .chain(self.dns_zones.iter_mut().map(|e| &mut e.origin))
            .chain(self.dns_zone_links.iter_mut().map(|e| &mut e.origin))
            .chain(self.private_endpoints.iter_mut().map(|e| &mut e.origin))
            .chain(self.dns_zone_groups.iter_mut().map(|e| &mut e.origin))
            .chain(self.key_vaults.iter_mut().map(|e| &mut e.origin))
            .chain(self.keys.iter_mut().map(|e| &mut e.origin))
            .chain(self.access_policies.iter_mut().map(|e| &mut e.origin))
            .chain(self.managed_identities.iter_mut().map(|e| &mut e.origin))
            .chain(self.accounts.iter_mut().map(|e| &mut e.origin))
            .chain(self.role_assignments.iter_mut().map(|e| &mut e.origin))
            .chain(self.projects.iter_mut().map(|e| &mut e.origin))
            .chain(self.capability_hosts.iter_mut().map(|e| &mut e.origin))
            .chain(self.dependencies.iter_mut().map(|e| &mut e.origin))
            .chain(self.connections.iter_mut().map(|e| &mut e.origin))
            .chain(self.uncounted.iter_mut().map(|e| &mut e.origin))
            .chain(self.opaque_calls.iter_mut().map(|e| &mut e.origin));
        for origin in origins {
            origin.address.insert_str(0, prefix);
        }
        self.traces = std::mem::take(&mut self.traces)
            .into_iter()
            .map(|((address, span), trace)| ((format!("{prefix}{address}"), span), trace))
            .collect();
    }

    /// Merges duplicate declarations and builds the reference index. Call once, after every
    /// front end has added its entities.
    pub fn finish(&mut self) {
        // The same cycle is found again by every module instance and nested deployment that
        // evaluates it.
        let mut unique: Vec<InvalidConfiguration> = Vec::new();
        for problem in std::mem::take(&mut self.invalid_configurations) {
            if !unique.contains(&problem) {
                unique.push(problem);
            }
        }
        self.invalid_configurations = unique;
        self.merge_duplicate_subnets();
        self.merge_duplicate_accounts();
        self.index = Index::build(self);
        self.apply_account_additions();
        self.relations = Relations::build(self);
    }

    /// The same subnet may be declared inline in its VNet and as a child resource: one subnet.
    /// The child declaration wins where it states a value; the inline one fills the gaps.
    fn merge_duplicate_subnets(&mut self) {
        let mut seen: std::collections::HashMap<String, usize> = Default::default();
        let mut merged: Vec<Subnet> = Vec::with_capacity(self.subnets.len());
        for subnet in self.subnets.drain(..) {
            let key = ids::parse(&subnet.id).map(|id| id.key());
            match key.and_then(|k| seen.get(&k).copied().map(|i| (k, i))) {
                Some((_, i)) => {
                    let existing = &mut merged[i];
                    if existing.address_prefixes.is_empty() {
                        existing.address_prefixes = subnet.address_prefixes;
                    }
                    if existing.delegations.is_empty() {
                        existing.delegations = subnet.delegations;
                    }
                }
                None => {
                    if let Some(id) = ids::parse(&subnet.id) {
                        seen.insert(id.key(), merged.len());
                    }
                    merged.push(subnet);
                }
            }
        }
        self.subnets = merged;
    }

    /// An account declared twice (ARM templates redeclare an account in a nested deployment to
    /// add its customer-managed key once the identity holds its role) is one account.
    fn merge_duplicate_accounts(&mut self) {
        let mut seen: std::collections::HashMap<String, usize> = Default::default();
        let mut merged: Vec<CognitiveAccount> = Vec::with_capacity(self.accounts.len());
        for account in self.accounts.drain(..) {
            let key = ids::parse(&account.id)
                .filter(|id| !id.has_marker())
                .map(|id| id.key());
            match key.as_ref().and_then(|k| seen.get(k).copied()) {
                Some(i) => {
                    let existing = &mut merged[i];
                    for injection in account.network_injections {
                        if !existing
                            .network_injections
                            .iter()
                            .any(|e| e.subnet == injection.subnet)
                        {
                            existing.network_injections.push(injection);
                        }
                    }
                    if existing.identity.is_none() {
                        existing.identity = account.identity;
                    }
                    if account.customer_managed_key.is_some() {
                        existing.customer_managed_key = account.customer_managed_key;
                    }
                    existing.kind = existing.kind.take().or(account.kind);
                    existing.public_network_access = existing
                        .public_network_access
                        .take()
                        .or(account.public_network_access);
                    existing.custom_subdomain = existing
                        .custom_subdomain
                        .take()
                        .or(account.custom_subdomain);
                    existing.location = existing.location.take().or(account.location);
                }
                None => {
                    if let Some(k) = key {
                        seen.insert(k, merged.len());
                    }
                    merged.push(account);
                }
            }
        }
        self.accounts = merged;
    }

    fn apply_account_additions(&mut self) {
        let additions = std::mem::take(&mut self.account_additions);
        for addition in additions {
            if let Resolved::Entity(i) = self.index.account(&addition.account) {
                let account = &mut self.accounts[i];
                account
                    .network_injections
                    .extend(addition.network_injections);
                if addition.customer_managed_key.is_some() {
                    account.customer_managed_key = addition.customer_managed_key;
                }
            }
        }
    }

    /// The accounts that inject into the subnet at `subnet_index`, with the injection.
    pub fn accounts_injecting_into(&self, subnet_index: usize) -> Vec<(usize, &NetworkInjection)> {
        self.relations
            .injections_by_subnet
            .get(&subnet_index)
            .into_iter()
            .flatten()
            .map(|&k| {
                let (_, a, i) = self.relations.injections[k];
                (a, &self.accounts[a].network_injections[i])
            })
            .collect()
    }

    /// The agent subnets (subnets some account injects into), each once, with the first
    /// account and injection that use it.
    pub fn agent_subnets(&self) -> Vec<(usize, usize, &NetworkInjection)> {
        let mut seen = std::collections::HashSet::new();
        self.relations
            .injections
            .iter()
            .filter(|(s, _, _)| seen.insert(*s))
            .map(|&(s, a, i)| (s, a, &self.accounts[a].network_injections[i]))
            .collect()
    }
}
