//! Property: a valid Foundry stack (Terraform, Bicep or ARM) with any mix of the fixable
//! mistakes, written with any indentation, is fixed by `--fix --unsafe-fixes` so that the
//! fixable rules find nothing more, every file still parses, and a second `--fix` changes
//! nothing.

use proptest::prelude::*;
use std::path::Path;
use std::process::Command;

const FIXABLE: &str = "FL001,FL301,FL304,FL601,FL602,FL605,FL606";

#[derive(Clone, Copy, Debug)]
enum Flag {
    Absent,
    Off,
    On,
    /// Off, through a variable or parameter read once.
    OffThroughInput,
}

#[derive(Clone, Copy, Debug)]
enum Key {
    Rsa2048,
    Ec,
    RsaHsm1024,
}

#[derive(Clone, Copy, Debug)]
enum Subdomain {
    Absent,
    Empty,
    Named,
}

#[derive(Clone, Copy, Debug)]
enum Delegation {
    None,
    Wrong,
    Right,
}

#[derive(Clone, Copy, Debug)]
enum Language {
    Terraform,
    Bicep,
    Arm,
}

#[derive(Clone, Debug)]
struct Stack {
    language: Language,
    indent: usize,
    purge: Flag,
    soft_delete: Flag,
    key: Key,
    identity: bool,
    subdomain: Subdomain,
    delegation: Delegation,
}

impl Stack {
    /// Each fixable rule, and whether the stack has its mistake.
    fn mistakes(&self) -> [(&'static str, bool); 6] {
        [
            ("FL301", !matches!(self.delegation, Delegation::Right)),
            ("FL304", !matches!(self.subdomain, Subdomain::Named)),
            ("FL601", !matches!(self.purge, Flag::On)),
            (
                "FL602",
                matches!(self.soft_delete, Flag::Off | Flag::OffThroughInput),
            ),
            ("FL605", !self.identity),
            ("FL606", !matches!(self.key, Key::Rsa2048)),
        ]
    }
}

fn flag() -> impl Strategy<Value = Flag> {
    prop_oneof![
        Just(Flag::Absent),
        Just(Flag::Off),
        Just(Flag::On),
        Just(Flag::OffThroughInput)
    ]
}

fn stack() -> impl Strategy<Value = Stack> {
    (
        prop_oneof![
            Just(Language::Terraform),
            Just(Language::Bicep),
            Just(Language::Arm)
        ],
        prop_oneof![Just(2usize), Just(4usize)],
        flag(),
        flag(),
        prop_oneof![Just(Key::Rsa2048), Just(Key::Ec), Just(Key::RsaHsm1024)],
        any::<bool>(),
        prop_oneof![
            Just(Subdomain::Absent),
            Just(Subdomain::Empty),
            Just(Subdomain::Named)
        ],
        prop_oneof![
            Just(Delegation::None),
            Just(Delegation::Wrong),
            Just(Delegation::Right)
        ],
    )
        .prop_map(
            |(language, indent, purge, soft_delete, key, identity, subdomain, delegation)| Stack {
                language,
                indent,
                purge,
                soft_delete,
                key,
                identity,
                subdomain,
                delegation,
            },
        )
}

/// Lines written with two spaces per level, re-indented to `unit` spaces per level.
fn indented(text: &str, unit: usize) -> String {
    text.lines()
        .map(|line| {
            let depth = (line.len() - line.trim_start().len()) / 2;
            format!("{}{}\n", " ".repeat(depth * unit), line.trim_start())
        })
        .collect()
}

/// How a language writes each mistake: the delegation to a service, a flag setting (key, the
/// input it may come through), the three keys, the three subdomains and the identity.
struct Spelling {
    delegation: fn(&str) -> String,
    setting: fn(Flag, &str, &str) -> String,
    purge: (&'static str, &'static str),
    soft_delete: (&'static str, &'static str),
    keys: [&'static str; 3],
    subdomains: [&'static str; 3],
    identity: &'static str,
}

/// The pieces of a stack's text, as a language spells them.
struct Pieces {
    delegation: String,
    purge: String,
    soft_delete: String,
    key: &'static str,
    subdomain: &'static str,
    identity: &'static str,
}

fn pieces(s: &Stack, spelling: &Spelling) -> Pieces {
    Pieces {
        delegation: match s.delegation {
            Delegation::None => String::new(),
            Delegation::Wrong => (spelling.delegation)("Microsoft.Web/serverFarms"),
            Delegation::Right => (spelling.delegation)("Microsoft.App/environments"),
        },
        purge: (spelling.setting)(s.purge, spelling.purge.0, spelling.purge.1),
        soft_delete: (spelling.setting)(
            s.soft_delete,
            spelling.soft_delete.0,
            spelling.soft_delete.1,
        ),
        key: spelling.keys[s.key as usize],
        subdomain: spelling.subdomains[s.subdomain as usize],
        identity: if s.identity { spelling.identity } else { "" },
    }
}

fn terraform(s: &Stack) -> (&'static str, String) {
    let mut out = String::new();
    let input = |name: &str, out: &mut String| {
        out.push_str(&format!(
            "variable \"{name}\" {{\n  type    = bool\n  default = false\n}}\n\n"
        ))
    };
    if matches!(s.purge, Flag::OffThroughInput) {
        input("purge_protection", &mut out);
    }
    if matches!(s.soft_delete, Flag::OffThroughInput) {
        input("soft_delete", &mut out);
    }
    let setting = |flag: Flag, key: &str, input: &str| match flag {
        Flag::Absent => String::new(),
        Flag::Off => format!("  {key} = false\n"),
        Flag::On => format!("  {key} = true\n"),
        Flag::OffThroughInput => format!("  {key} = var.{input}\n"),
    };
    let delegation = |service: &str| {
        format!(
            "\n  delegation {{\n    name = \"d\"\n    service_delegation {{\n      name = \"{service}\"\n    }}\n  }}\n"
        )
    };
    let p = pieces(
        s,
        &Spelling {
            delegation,
            setting,
            purge: ("purge_protection_enabled", "purge_protection"),
            soft_delete: ("soft_delete_enabled", "soft_delete"),
            keys: [
                "  key_type = \"RSA\"\n  key_size = 2048\n",
                "  key_type = \"EC\"\n  curve    = \"P-256\"\n",
                "  key_type = \"RSA-HSM\"\n  key_size = 1024\n",
            ],
            subdomains: [
                "",
                "  custom_subdomain_name = \"\"\n",
                "  custom_subdomain_name = \"ais-prop\"\n",
            ],
            identity: "\n  identity {\n    type = \"SystemAssigned\"\n  }\n",
        },
    );
    out.push_str(&format!(
        r#"data "azurerm_client_config" "current" {{}}

resource "azurerm_resource_group" "rg" {{
  name     = "rg-prop"
  location = "swedencentral"
}}

resource "azurerm_virtual_network" "vnet" {{
  name                = "vnet-prop"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  address_space       = ["10.50.0.0/16"]
}}

resource "azurerm_subnet" "agent" {{
  name                 = "snet-agent"
  resource_group_name  = azurerm_resource_group.rg.name
  virtual_network_name = azurerm_virtual_network.vnet.name
  address_prefixes     = ["10.50.0.0/24"] # the agents
{delegation}}}

resource "azurerm_key_vault" "kv" {{
  name                       = "kv-prop"
  location                   = azurerm_resource_group.rg.location
  resource_group_name        = azurerm_resource_group.rg.name
  tenant_id                  = data.azurerm_client_config.current.tenant_id
  sku_name                   = "premium"
  rbac_authorization_enabled = true
{purge}{soft}}}

resource "azurerm_key_vault_key" "cmk" {{
  name         = "cmk"
  key_vault_id = azurerm_key_vault.kv.id
{key}  key_opts     = ["wrapKey", "unwrapKey"]
}}

resource "azurerm_cognitive_account" "ai" {{
  name                = "ais-prop"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name
  kind                = "AIServices"
  sku_name            = "S0"
{subdomain}
  network_injection {{
    scenario  = "agent"
    subnet_id = azurerm_subnet.agent.id
  }}
{identity}
  customer_managed_key {{
    key_vault_key_id = azurerm_key_vault_key.cmk.id
  }}
}}

resource "azurerm_role_assignment" "crypto" {{
  scope                = azurerm_key_vault.kv.id
  role_definition_name = "Key Vault Crypto Service Encryption User"
  principal_id         = azurerm_cognitive_account.ai.identity[0].principal_id
}}
"#,
        delegation = p.delegation,
        purge = p.purge,
        soft = p.soft_delete,
        key = p.key,
        subdomain = p.subdomain,
        identity = p.identity,
    ));
    ("main.tf", indented(&out, s.indent))
}

fn bicep(s: &Stack) -> (&'static str, String) {
    let mut out = String::from("param location string = 'swedencentral'\n\n");
    if matches!(s.purge, Flag::OffThroughInput) {
        out.push_str("param purgeProtection bool = false\n\n");
    }
    if matches!(s.soft_delete, Flag::OffThroughInput) {
        out.push_str("var softDelete = false\n\n");
    }
    let setting = |flag: Flag, key: &str, input: &str| match flag {
        Flag::Absent => String::new(),
        Flag::Off => format!("    {key}: false\n"),
        Flag::On => format!("    {key}: true\n"),
        Flag::OffThroughInput => format!("    {key}: {input}\n"),
    };
    let delegation = |service: &str| {
        format!(
            "    delegations: [\n      {{\n        name: 'd'\n        properties: {{\n          serviceName: '{service}'\n        }}\n      }}\n    ]\n"
        )
    };
    let p = pieces(
        s,
        &Spelling {
            delegation,
            setting,
            purge: ("enablePurgeProtection", "purgeProtection"),
            soft_delete: ("enableSoftDelete", "softDelete"),
            keys: [
                "    kty: 'RSA'\n    keySize: 2048\n",
                "    kty: 'EC'\n    curveName: 'P-256'\n",
                "    kty: 'RSA-HSM'\n    keySize: 1024\n",
            ],
            subdomains: [
                "",
                "    customSubDomainName: ''\n",
                "    customSubDomainName: 'ais-prop'\n",
            ],
            identity: "  identity: {\n    type: 'SystemAssigned'\n  }\n",
        },
    );
    out.push_str(&format!(
        r#"resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {{
  name: 'vnet-prop'
  location: location
  properties: {{
    addressSpace: {{
      addressPrefixes: ['10.50.0.0/16']
    }}
  }}
}}

resource agentSubnet 'Microsoft.Network/virtualNetworks/subnets@2024-05-01' = {{
  parent: vnet
  name: 'snet-agent'
  properties: {{
    addressPrefix: '10.50.0.0/24' // the agents
{delegation}  }}
}}

resource kv 'Microsoft.KeyVault/vaults@2024-11-01' = {{
  name: 'kv-prop'
  location: location
  properties: {{
    tenantId: subscription().tenantId
    sku: {{ family: 'A', name: 'premium' }}
    enableRbacAuthorization: true
{purge}{soft}  }}
}}

resource key 'Microsoft.KeyVault/vaults/keys@2024-11-01' = {{
  parent: kv
  name: 'cmk'
  properties: {{
{key}  }}
}}

resource account 'Microsoft.CognitiveServices/accounts@2025-06-01' = {{
  name: 'ais-prop'
  location: location
  kind: 'AIServices'
  sku: {{ name: 'S0' }}
{identity}  properties: {{
{subdomain}    networkInjections: [
      {{
        scenario: 'agent'
        subnetArmId: agentSubnet.id
        useMicrosoftManagedNetwork: false
      }}
    ]
    encryption: {{
      keySource: 'Microsoft.KeyVault'
      keyVaultProperties: {{
        keyVaultUri: kv.properties.vaultUri
        keyName: key.name
      }}
    }}
  }}
}}

resource crypto 'Microsoft.Authorization/roleAssignments@2022-04-01' = {{
  scope: kv
  name: guid(kv.id, account.id)
  properties: {{
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'e147488a-f6f5-4113-8e2d-b22465e65bf6')
    principalId: account.identity.principalId
    principalType: 'ServicePrincipal'
  }}
}}
"#,
        delegation = p.delegation,
        purge = p.purge,
        soft = p.soft_delete,
        key = p.key,
        subdomain = p.subdomain,
        identity = p.identity,
    ));
    ("main.bicep", indented(&out, s.indent))
}

fn arm(s: &Stack) -> (&'static str, String) {
    let input = |flag: Flag, name: &str| match flag {
        Flag::OffThroughInput => format!(
            ",\n    \"{name}\": {{\n      \"type\": \"bool\",\n      \"defaultValue\": false\n    }}"
        ),
        _ => String::new(),
    };
    let setting = |flag: Flag, key: &str, input: &str| match flag {
        Flag::Absent => String::new(),
        Flag::Off => format!(",\n        \"{key}\": false"),
        Flag::On => format!(",\n        \"{key}\": true"),
        Flag::OffThroughInput => format!(",\n        \"{key}\": \"[parameters('{input}')]\""),
    };
    let delegation = |service: &str| {
        format!(
            ",\n        \"delegations\": [\n          {{\n            \"name\": \"d\",\n            \"properties\": {{\n              \"serviceName\": \"{service}\"\n            }}\n          }}\n        ]"
        )
    };
    let p = pieces(
        s,
        &Spelling {
            delegation,
            setting,
            purge: ("enablePurgeProtection", "purgeProtection"),
            soft_delete: ("enableSoftDelete", "softDelete"),
            keys: [
                "\"kty\": \"RSA\",\n        \"keySize\": 2048",
                "\"kty\": \"EC\",\n        \"curveName\": \"P-256\"",
                "\"kty\": \"RSA-HSM\",\n        \"keySize\": 1024",
            ],
            subdomains: [
                "",
                "\n        \"customSubDomainName\": \"\",",
                "\n        \"customSubDomainName\": \"ais-prop\",",
            ],
            identity: "\n      \"identity\": {\n        \"type\": \"SystemAssigned\"\n      },",
        },
    );
    let out = format!(
        r#"{{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {{
    "location": {{
      "type": "string",
      "defaultValue": "swedencentral"
    }}{purge_input}{soft_input}
  }},
  "resources": [
    {{
      "type": "Microsoft.Network/virtualNetworks",
      "apiVersion": "2024-05-01",
      "name": "vnet-prop",
      "location": "[parameters('location')]",
      "properties": {{
        "addressSpace": {{
          "addressPrefixes": ["10.50.0.0/16"]
        }}
      }}
    }},
    {{
      "type": "Microsoft.Network/virtualNetworks/subnets",
      "apiVersion": "2024-05-01",
      "name": "vnet-prop/snet-agent",
      "dependsOn": ["[resourceId('Microsoft.Network/virtualNetworks', 'vnet-prop')]"],
      "properties": {{
        "addressPrefix": "10.50.0.0/24"{delegation}
      }}
    }},
    {{
      "type": "Microsoft.KeyVault/vaults",
      "apiVersion": "2024-11-01",
      "name": "kv-prop",
      "location": "[parameters('location')]",
      "properties": {{
        "tenantId": "[subscription().tenantId]",
        "sku": {{
          "family": "A",
          "name": "premium"
        }},
        "enableRbacAuthorization": true{purge}{soft}
      }}
    }},
    {{
      "type": "Microsoft.KeyVault/vaults/keys",
      "apiVersion": "2024-11-01",
      "name": "kv-prop/cmk",
      "dependsOn": ["[resourceId('Microsoft.KeyVault/vaults', 'kv-prop')]"],
      "properties": {{
        {key}
      }}
    }},
    {{
      "type": "Microsoft.CognitiveServices/accounts",
      "apiVersion": "2025-06-01",
      "name": "ais-prop",
      "location": "[parameters('location')]",
      "kind": "AIServices",
      "sku": {{
        "name": "S0"
      }},{identity}
      "properties": {{{subdomain}
        "networkInjections": [
          {{
            "scenario": "agent",
            "subnetArmId": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-prop', 'snet-agent')]",
            "useMicrosoftManagedNetwork": false
          }}
        ],
        "encryption": {{
          "keySource": "Microsoft.KeyVault",
          "keyVaultProperties": {{
            "keyVaultUri": "[reference(resourceId('Microsoft.KeyVault/vaults', 'kv-prop'), '2024-11-01').vaultUri]",
            "keyName": "cmk"
          }}
        }}
      }}
    }},
    {{
      "type": "Microsoft.Authorization/roleAssignments",
      "apiVersion": "2022-04-01",
      "scope": "[format('Microsoft.KeyVault/vaults/{{0}}', 'kv-prop')]",
      "name": "[guid('kv-prop', 'ais-prop')]",
      "properties": {{
        "roleDefinitionId": "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'e147488a-f6f5-4113-8e2d-b22465e65bf6')]",
        "principalId": "[reference(resourceId('Microsoft.CognitiveServices/accounts', 'ais-prop'), '2025-06-01', 'full').identity.principalId]",
        "principalType": "ServicePrincipal"
      }}
    }}
  ]
}}
"#,
        purge_input = input(s.purge, "purgeProtection"),
        soft_input = input(s.soft_delete, "softDelete"),
        delegation = p.delegation,
        purge = p.purge,
        soft = p.soft_delete,
        key = p.key,
        subdomain = p.subdomain,
        identity = p.identity,
    );
    ("azuredeploy.json", indented(&out, s.indent))
}

fn lint(dir: &Path, args: &[&str]) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_foundry-lint"))
        .arg(dir)
        .args([
            "--format",
            "concise",
            "--fail-on",
            "never",
            "--select",
            FIXABLE,
        ])
        .args(args)
        .output()
        .expect("run foundry-lint");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn fixed_stacks_lint_clean_for_the_fixable_rules_and_still_parse(s in stack()) {
        let (name, text) = match s.language {
            Language::Terraform => terraform(&s),
            Language::Bicep => bicep(&s),
            Language::Arm => arm(&s),
        };
        let tmp = tempfile::tempdir().expect("tempdir");
        let file = tmp.path().join(name);
        std::fs::write(&file, &text).expect("write");
        let (before, _) = lint(tmp.path(), &[]);
        prop_assert!(!before.contains("FL001"), "the generated stack does not parse:\n{before}\n{text}");
        for (rule, made) in s.mistakes() {
            prop_assert_eq!(before.contains(rule), made, "{}:\n{}\n{}", rule, before, text);
        }
        let (after, stderr) = lint(tmp.path(), &["--fix", "--unsafe-fixes"]);
        let fixed = std::fs::read_to_string(&file).expect("read");
        prop_assert!(stderr.is_empty(), "{stderr}\n{fixed}");
        prop_assert_eq!(&after, "", "before:\n{}\n{}\nafter:\n{}", before, text, fixed);
        let (_, stderr) = lint(tmp.path(), &["--fix", "--unsafe-fixes"]);
        prop_assert!(stderr.is_empty(), "{}", stderr);
        prop_assert_eq!(std::fs::read_to_string(&file).expect("read"), fixed);
    }
}
