# Values that come through variables and locals: fixed where their literal is when it feeds
# nothing else, left alone otherwise.
variable "purge_protection" {
  type    = bool
  default = true # read once, through a local: fixed here
}

variable "soft_delete" {
  type    = bool
  default = false # read twice: the tag would change too, so it is not fixed
}

variable "key_type" {
  type = string
}

locals {
  purge_protection = var.purge_protection
}

data "azurerm_client_config" "current" {}

resource "azurerm_resource_group" "rg" {
  name     = "rg-fix-vars"
  location = "swedencentral"
}

resource "azurerm_key_vault" "cmk" {
  name                       = "kv-fix-vars"
  location                   = azurerm_resource_group.rg.location
  resource_group_name        = azurerm_resource_group.rg.name
  tenant_id                  = data.azurerm_client_config.current.tenant_id
  sku_name                   = "premium"
  purge_protection_enabled   = local.purge_protection
  soft_delete_enabled        = var.soft_delete
  rbac_authorization_enabled = true

  tags = {
    soft_delete = var.soft_delete
  }
}

resource "azurerm_key_vault_key" "cmk" {
  name         = "cmk"
  key_vault_id = azurerm_key_vault.cmk.id
  key_type     = var.key_type
  key_size     = 2048
  key_opts     = ["wrapKey", "unwrapKey"]
}

resource "azurerm_cognitive_account" "cmk" {
  name                  = "ais-fix-vars"
  location              = azurerm_resource_group.rg.location
  resource_group_name   = azurerm_resource_group.rg.name
  kind                  = "AIServices"
  sku_name              = "S0"
  custom_subdomain_name = "ais-fix-vars"

  identity {
    type = "SystemAssigned"
  }

  customer_managed_key {
    key_vault_key_id = azurerm_key_vault_key.cmk.id
  }
}

resource "azurerm_role_assignment" "cmk" {
  scope                = azurerm_key_vault.cmk.id
  role_definition_name = "Key Vault Crypto Service Encryption User"
  principal_id         = azurerm_cognitive_account.cmk.identity[0].principal_id
}
