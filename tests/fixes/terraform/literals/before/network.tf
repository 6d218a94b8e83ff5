# An agent subnet with no delegation, another delegated to the wrong service, and an account
# injected into each without a custom subdomain.
resource "azurerm_resource_group" "rg" {
  name     = "rg-fix"
  location = "swedencentral"
}

resource "azurerm_virtual_network" "vnet" {
  name                = "vnet-fix"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  address_space       = ["10.20.0.0/16"]
}

resource "azurerm_subnet" "agent" {
  name                 = "snet-agent"
  resource_group_name  = azurerm_resource_group.rg.name
  virtual_network_name = azurerm_virtual_network.vnet.name
  address_prefixes     = ["10.20.0.0/24"] # sized for production
}

resource "azurerm_subnet" "web" {
  name                 = "snet-web"
  resource_group_name  = azurerm_resource_group.rg.name
  virtual_network_name = azurerm_virtual_network.vnet.name
  address_prefixes     = ["10.20.1.0/24"]

  delegation {
    name = "web"
    service_delegation {
      name    = "Microsoft.Web/serverFarms"
      actions = ["Microsoft.Network/virtualNetworks/subnets/action"]
    }
  }
}

resource "azurerm_cognitive_account" "agents" {
  name                = "ais-fix-agents"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  kind                = "AIServices"
  sku_name            = "S0"

  network_injection {
    scenario  = "agent"
    subnet_id = azurerm_subnet.agent.id
  }
}

resource "azurerm_cognitive_account" "web" {
  name                  = "ais-fix-web"
  location              = azurerm_resource_group.rg.location
  resource_group_name   = azurerm_resource_group.rg.name
  kind                  = "AIServices"
  sku_name              = "S0"
  custom_subdomain_name = ""

  network_injection {
    scenario  = "agent"
    subnet_id = azurerm_subnet.web.id
  }
}
