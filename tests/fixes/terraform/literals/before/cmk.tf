# A CMK vault without purge protection and with soft delete off, an EC key, and an account
# that uses it without any identity.
data "azurerm_client_config" "current" {}

resource "azurerm_key_vault" "cmk" {
  name                       = "kv-fix-cmk"
  location                   = azurerm_resource_group.rg.location
  resource_group_name        = azurerm_resource_group.rg.name
  tenant_id                  = data.azurerm_client_config.current.tenant_id
  sku_name                   = "premium"
  soft_delete_enabled        = false
  rbac_authorization_enabled = true

  network_acls {
    default_action = "Allow"
    bypass         = "AzureServices"
  }
}

resource "azurerm_key_vault_key" "cmk" {
  name         = "cmk"
  key_vault_id = azurerm_key_vault.cmk.id
  key_type     = "EC-HSM"
  curve        = "P-256"
  key_opts     = ["wrapKey", "unwrapKey"]
}

resource "azurerm_cognitive_account" "cmk" {
  name                  = "ais-fix-cmk"
  location              = azurerm_resource_group.rg.location
  resource_group_name   = azurerm_resource_group.rg.name
  kind                  = "AIServices"
  sku_name              = "S0"
  custom_subdomain_name = "ais-fix-cmk"
}

resource "azurerm_cognitive_account_customer_managed_key" "cmk" {
  cognitive_account_id = azurerm_cognitive_account.cmk.id
  key_vault_key_id     = azurerm_key_vault_key.cmk.id
}
