# The vault comes from a restored registry module: its purge protection is fixed in the call's
# argument (the module reads it once); its soft delete is not, as the module reads it twice.
module "kv" {
  source  = "contoso/cmk-vault/azurerm"
  version = "1.0.0"

  purge_protection = true
  soft_delete      = false
}

resource "azurerm_key_vault_key" "cmk" {
  name         = "cmk"
  key_vault_id = module.kv.id
  key_type     = "RSA"
  key_size     = 2048
  key_opts     = ["wrapKey", "unwrapKey"]
}

resource "azurerm_cognitive_account" "cmk" {
  name                  = "ais-registry-cmk"
  location              = "swedencentral"
  resource_group_name   = "rg-registry"
  kind                  = "AIServices"
  sku_name              = "S0"
  custom_subdomain_name = "ais-registry-cmk"

  identity {
    type = "SystemAssigned"
  }

  customer_managed_key {
    key_vault_key_id = azurerm_key_vault_key.cmk.id
  }
}

resource "azurerm_role_assignment" "cmk" {
  scope                = module.kv.id
  role_definition_name = "Key Vault Crypto Service Encryption User"
  principal_id         = azurerm_cognitive_account.cmk.identity[0].principal_id
}
