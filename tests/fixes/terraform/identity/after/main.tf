# The account's key needs an identity; the role for it is already written, waiting for the
# system-assigned identity that `--fix --unsafe-fixes` adds.
data "azurerm_client_config" "current" {}

resource "azurerm_resource_group" "rg" {
  name     = "rg-fix-identity"
  location = "swedencentral"
}

resource "azurerm_key_vault" "cmk" {
  name                       = "kv-fix-identity"
  location                   = azurerm_resource_group.rg.location
  resource_group_name        = azurerm_resource_group.rg.name
  tenant_id                  = data.azurerm_client_config.current.tenant_id
  sku_name                   = "premium"
  purge_protection_enabled   = true
  rbac_authorization_enabled = true
}

resource "azurerm_key_vault_key" "cmk" {
  name         = "cmk"
  key_vault_id = azurerm_key_vault.cmk.id
  key_type     = "RSA"
  key_size     = 3072
  key_opts     = ["wrapKey", "unwrapKey"]
}

resource "azurerm_cognitive_account" "cmk" {
  name                  = "ais-fix-identity"
  location              = azurerm_resource_group.rg.location
  resource_group_name   = azurerm_resource_group.rg.name
  kind                  = "AIServices"
  sku_name              = "S0"
  custom_subdomain_name = "ais-fix-identity"

  customer_managed_key {
    key_vault_key_id = azurerm_key_vault_key.cmk.id
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_role_assignment" "cmk" {
  scope                = azurerm_key_vault.cmk.id
  role_definition_name = "Key Vault Crypto Service Encryption User"
  principal_id         = azurerm_cognitive_account.cmk.identity[0].principal_id
}
