# Suggested ranges: each sizing and overlap finding names a free range of the size it needs, or
# says that there is none. The lab VNet has a subnet whose range is not known: nothing is
# suggested there, since a suggestion could overlap it.

variable "lab_jobs_prefix" {
  type = string
}

resource "azurerm_resource_group" "rg" {
  name     = "rg-ranges"
  location = "swedencentral"
}

# Not peered with anything, but a VNet of the stack: a VNet moving out of an overlap avoids it.
resource "azurerm_virtual_network" "platform" {
  name                = "vnet-platform"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  address_space       = ["10.0.0.0/16"]
}

resource "azurerm_virtual_network" "hub" {
  name                = "vnet-hub"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  address_space       = ["10.10.0.0/16"]
}

resource "azurerm_subnet" "gateway" {
  name                 = "GatewaySubnet"
  resource_group_name  = azurerm_resource_group.rg.name
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = ["10.10.0.0/24"]
}

# FL403: inside the gateway subnet. The first free /26 of the hub is offered.
resource "azurerm_subnet" "firewall" {
  name                 = "AzureFirewallSubnet"
  resource_group_name  = azurerm_resource_group.rg.name
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = ["10.10.1.0/26"]
}

# FL401: the edge's second address space lies inside the hub's. The edge may move it to the
# lowest /24 of 10.0.0.0/8 that no VNet of the stack uses: 10.1.0.0/24 (platform holds 10.0/16).
resource "azurerm_virtual_network" "edge" {
  name                = "vnet-edge"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  address_space       = ["10.30.0.0/24", "10.1.0.0/24"]
}

resource "azurerm_virtual_network_peering" "edge_to_hub" {
  name                      = "edge-to-hub"
  resource_group_name       = azurerm_resource_group.rg.name
  virtual_network_name      = azurerm_virtual_network.edge.name
  remote_virtual_network_id = azurerm_virtual_network.hub.id
}

resource "azurerm_virtual_network" "spoke" {
  name                = "vnet-spoke"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  address_space       = ["10.20.0.0/23"]
}

resource "azurerm_virtual_network_peering" "spoke_to_hub" {
  name                      = "spoke-to-hub"
  resource_group_name       = azurerm_resource_group.rg.name
  virtual_network_name      = azurerm_virtual_network.spoke.name
  remote_virtual_network_id = azurerm_virtual_network.hub.id
}

# FL201: a /28; the /27 that holds it is free, so it grows in place.
resource "azurerm_subnet" "agent_a" {
  name                 = "snet-agent-a"
  resource_group_name  = azurerm_resource_group.rg.name
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = ["10.20.0.0/26"]

  delegation {
    name = "aca"
    service_delegation {
      name = "Microsoft.App/environments"
    }
  }
}

# FL202 and FL204: a /27 serving 25 projects. The /26 holding it also holds agent_a, so the
# next free /26 is offered, by both.
resource "azurerm_subnet" "agent_b" {
  name                 = "snet-agent-b"
  resource_group_name  = azurerm_resource_group.rg.name
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = ["10.20.0.128/26"]

  delegation {
    name = "aca"
    service_delegation {
      name = "Microsoft.App/environments"
    }
  }
}

resource "azurerm_subnet" "pe" {
  name                 = "snet-pe"
  resource_group_name  = azurerm_resource_group.rg.name
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = ["10.20.0.64/26"]
}

# FL203: a /25; neither /24 of the spoke's /23 is free.
resource "azurerm_subnet" "agent_c" {
  name                 = "snet-agent-c"
  resource_group_name  = azurerm_resource_group.rg.name
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = ["10.20.1.0/25"]

  delegation {
    name = "aca"
    service_delegation {
      name = "Microsoft.App/environments"
    }
  }
}

resource "azurerm_subnet" "jobs" {
  name                 = "snet-jobs"
  resource_group_name  = azurerm_resource_group.rg.name
  virtual_network_name = azurerm_virtual_network.spoke.name
  address_prefixes     = ["10.20.1.128/26"]
}

resource "azurerm_virtual_network" "lab" {
  name                = "vnet-lab"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  address_space       = ["10.40.0.0/24"]
}

# FL201 without a suggestion: the jobs subnet of the lab may be anywhere in it.
resource "azurerm_subnet" "lab_agent" {
  name                 = "snet-agent"
  resource_group_name  = azurerm_resource_group.rg.name
  virtual_network_name = azurerm_virtual_network.lab.name
  address_prefixes     = ["10.40.0.0/28"]

  delegation {
    name = "aca"
    service_delegation {
      name = "Microsoft.App/environments"
    }
  }
}

resource "azurerm_subnet" "lab_jobs" {
  name                 = "snet-jobs"
  resource_group_name  = azurerm_resource_group.rg.name
  virtual_network_name = azurerm_virtual_network.lab.name
  address_prefixes     = [var.lab_jobs_prefix]
}
