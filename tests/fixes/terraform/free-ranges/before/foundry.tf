# One account per agent subnet; agent_b's account has 25 projects: 25 x 10 replicas / 10 pods
# per address = 25 addresses, above 80% of a /27's 27 usable ones (FL204). How many partner
# projects it has is not known, so 25 is a lower bound, and so is the /26 FL204 asks for.
locals {
  agent_subnets = {
    a   = azurerm_subnet.agent_a.id
    b   = azurerm_subnet.agent_b.id
    c   = azurerm_subnet.agent_c.id
    lab = azurerm_subnet.lab_agent.id
  }
}

resource "azurerm_cognitive_account" "agents" {
  for_each              = local.agent_subnets
  name                  = "ais-ranges-${each.key}"
  location              = azurerm_resource_group.rg.location
  resource_group_name   = azurerm_resource_group.rg.name
  kind                  = "AIServices"
  sku_name              = "S0"
  custom_subdomain_name = "ais-ranges-${each.key}"

  identity {
    type = "SystemAssigned"
  }

  network_injection {
    scenario  = "agent"
    subnet_id = each.value
  }
}

resource "azurerm_cognitive_account_project" "team" {
  count                = 25
  name                 = "team-${count.index}"
  cognitive_account_id = azurerm_cognitive_account.agents["b"].id
  location             = azurerm_resource_group.rg.location

  identity {
    type = "SystemAssigned"
  }
}

variable "partner_projects" {
  type = number
}

resource "azurerm_cognitive_account_project" "partner" {
  count                = var.partner_projects
  name                 = "partner-${count.index}"
  cognitive_account_id = azurerm_cognitive_account.agents["b"].id
  location             = azurerm_resource_group.rg.location

  identity {
    type = "SystemAssigned"
  }
}
