# A restored registry module (not the user's code): never edited; its variables are fed from
# the call in main.tf.
variable "purge_protection" {
  type = bool
}

variable "soft_delete" {
  type = bool
}

resource "azurerm_key_vault" "this" {
  name                       = "kv-registry-cmk"
  location                   = "swedencentral"
  resource_group_name        = "rg-registry"
  tenant_id                  = "00000000-0000-0000-0000-000000000000"
  sku_name                   = "premium"
  purge_protection_enabled   = var.purge_protection
  soft_delete_enabled        = var.soft_delete
  rbac_authorization_enabled = true

  tags = {
    soft_delete = tostring(var.soft_delete)
  }
}

output "id" {
  value = azurerm_key_vault.this.id
}
