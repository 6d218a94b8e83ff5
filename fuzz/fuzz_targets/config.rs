//! `.foundry-lint.toml` text: read and checked; a configuration that is accepted then selects
//! and tunes the rules on a fixed stack (agent subnet, peering, DNS, keys), as the CLI would.
#![no_main]

use foundry_lint::engine::{Selection, Severity};
use foundry_lint::frontend::Workspace;
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;

const STACK: &str = r#"
resource "azurerm_virtual_network" "hub" {
  name                = "hub"
  resource_group_name = "rg"
  location            = "swedencentral"
  address_space       = ["10.0.0.0/16", "100.64.0.0/16"]
}

resource "azurerm_subnet" "agent" {
  name                 = "agent"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = ["10.0.0.0/26"]
  delegation {
    name = "apps"
    service_delegation {
      name = "Microsoft.App/environments"
    }
  }
}

resource "azurerm_virtual_network_peering" "to_spoke" {
  name                      = "to-spoke"
  resource_group_name       = "rg"
  virtual_network_name      = azurerm_virtual_network.hub.name
  remote_virtual_network_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/spoke"
}

resource "azurerm_cognitive_account" "ai" {
  name                  = "ai"
  resource_group_name   = "rg"
  location              = "swedencentral"
  kind                  = "AIServices"
  sku_name              = "S0"
  custom_subdomain_name = "ai"
  network_injection {
    scenario  = "agent"
    subnet_id = azurerm_subnet.agent.id
  }
}

resource "azurerm_private_endpoint" "ai" {
  name                = "ai-pe"
  resource_group_name = "rg"
  location            = "swedencentral"
  subnet_id           = azurerm_subnet.agent.id
  private_service_connection {
    name                           = "ai"
    private_connection_resource_id = azurerm_cognitive_account.ai.id
    subresource_names              = ["account"]
    is_manual_connection           = false
  }
}
"#;

fn workspace() -> &'static Workspace {
    static W: OnceLock<Workspace> = OnceLock::new();
    W.get_or_init(|| foundry_lint::frontend::memory::load_texts(&[("main.tf", STACK)]))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(config) = foundry_lint::config::parse_str(&text, Path::new(".foundry-lint.toml")) else {
        return;
    };
    // The CLI's reading of the configuration.
    let mut severities = std::collections::HashMap::new();
    for (rule, severity) in &config.rules {
        if let Some(rule) = foundry_lint::rules::find(rule) {
            let severity = match severity.as_str() {
                "error" => Some(Severity::Error),
                "warning" => Some(Severity::Warning),
                "note" => Some(Severity::Note),
                _ => None,
            };
            severities.insert(rule.code, severity);
        }
    }
    let selection = Selection {
        select: config.select.clone(),
        ignore: config.ignore.clone(),
        severities,
    };
    if !selection.unknown_selectors().is_empty() {
        return;
    }
    foundry_lint_fuzz::lint_workspace(workspace(), &config.settings(), &selection);
});
