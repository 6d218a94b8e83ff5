//! The fuzz targets' bodies, shared with the fuzz regression test of the main crate
//! (`tests/adversarial.rs` includes this file), so that a saved crash input goes through exactly
//! what the fuzzer ran.
//!
//! Input format of `terraform`, `arm` and `bicep`: the input is split at NUL bytes. The first
//! field is the text of the target's main file (`main.tf`, `azuredeploy.json`, `main.bicep`);
//! the fields after it alternate a relative path and that file's text, so one input can be a
//! module tree or a template with its parameter files. Paths of another language are dropped.
//! Text that is not UTF-8 is read lossily (the CLI reports such a file as FL001 instead).
//! `bicepparam` takes the whole input as `main.bicepparam` for a fixed `main.bicep`;
//! `arm_expression` one template string; `config` a `.foundry-lint.toml`; `terraform_functions`
//! a [`Call`], built from the input by `arbitrary`.

use arbitrary::{Arbitrary, Unstructured};
use foundry_lint::engine::{self, Selection};
use foundry_lint::json::Spanned;
use foundry_lint::report::{Format, Report};
use foundry_lint::settings::Settings;
use foundry_lint::source::FileId;
use foundry_lint::value::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

/// Paths longer than this are cut (a path is only a name here).
const MAX_NAME: usize = 200;

/// The files of an input: `(path, text)` pairs, the main file first.
pub fn files(data: &[u8], main: &str, keep: fn(&str) -> bool) -> Vec<(String, String)> {
    let mut fields = data.split(|&b| b == 0);
    let mut out = vec![(
        main.to_string(),
        String::from_utf8_lossy(fields.next().unwrap_or_default()).into_owned(),
    )];
    while let (Some(name), Some(text)) = (fields.next(), fields.next()) {
        let name: String = String::from_utf8_lossy(name)
            .chars()
            .take(MAX_NAME)
            .collect();
        let name = name.trim().trim_start_matches('/').to_string();
        if !name.is_empty() && keep(&name) {
            out.push((name, String::from_utf8_lossy(text).into_owned()));
        }
    }
    out
}

pub fn is_terraform(name: &str) -> bool {
    name.ends_with(".tf")
        || name.ends_with(".tf.json")
        || name.ends_with(".tfvars")
        || name.ends_with(".tfvars.json")
}

pub fn is_json(name: &str) -> bool {
    name.ends_with(".json") && !is_terraform(name)
}

pub fn is_bicep(name: &str) -> bool {
    name.ends_with(".bicep") || name.ends_with(".bicepparam")
}

/// Loads the files in memory, as the CLI loads a directory, and lints them.
pub fn lint_files(files: &[(String, String)]) {
    let pairs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let selection = Selection {
        select: Some(vec!["ALL".into()]),
        ..Selection::default()
    };
    lint_texts(&pairs, &Settings::default(), &selection);
}

/// Every rule on the files, then the report formats. SARIF and JUnit are left out: their time
/// goes to serialising the rule catalogue (third-party code), and they place findings with the
/// same line and column arithmetic as the formats rendered here.
pub fn lint_texts(files: &[(&str, &str)], settings: &Settings, selection: &Selection) {
    let (workspace, outcome) = engine::run(settings, selection, true, |sink| {
        Ok::<_, std::convert::Infallible>(foundry_lint::frontend::memory::load_texts(files, sink))
    })
    .unwrap_or_else(|never| match never {});
    let report = Report {
        findings: &outcome.findings,
        sources: &workspace.sources,
        models: &outcome.models,
        capacity: &outcome.capacity,
        settings,
        presentation: Default::default(),
        run: &Default::default(),
    };
    for format in [
        Format::Human,
        Format::Concise,
        Format::Json,
        Format::Github,
        Format::Azure,
    ] {
        std::hint::black_box(report.render(format));
    }
}

/// Runs a target's body on one input.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "terraform_functions" => terraform_functions(data),
        "arm_expression" => arm_expression(data),
        "config" => config(data),
        _ => {
            let files = tree(target, data).unwrap_or_else(|| panic!("no fuzz target `{target}`"));
            if target == "arm" {
                // The JSON reader on its own, on every file.
                for (_, text) in &files {
                    let _ = foundry_lint::json::parse(text, FileId(0));
                }
            }
            lint_files(&files);
        }
    }
}

/// The files a file-based target lints for an input (None for the other targets).
pub fn tree(target: &str, data: &[u8]) -> Option<Vec<(String, String)>> {
    Some(match target {
        "terraform" => files(data, "main.tf", is_terraform),
        "arm" => files(data, "azuredeploy.json", is_json),
        "bicep" => files(data, "main.bicep", is_bicep),
        "bicepparam" => vec![
            (
                "main.bicepparam".to_string(),
                String::from_utf8_lossy(data).into_owned(),
            ),
            ("main.bicep".to_string(), MAIN_BICEP.to_string()),
        ],
        _ => return None,
    })
}

/// The template `bicepparam` inputs are parameters for: its parameters shape a network and a
/// Foundry account.
pub const MAIN_BICEP: &str = r#"param location string = resourceGroup().location
param prefix string = 'foundry'
param addressSpace string = '10.0.0.0/16'
param agentSubnetPrefix string = cidrSubnet(addressSpace, 24, 0)
param subnetCount int = 2
param delegate bool = true
param tags object = {}
param extraPrefixes array = []
param zones array = [
  'privatelink.cognitiveservices.azure.com'
]

var names = [for i in range(0, subnetCount): '${prefix}-snet-${i}']

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: '${prefix}-vnet'
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: concat([addressSpace], extraPrefixes)
    }
    subnets: [for (name, i) in names: {
      name: name
      properties: {
        addressPrefix: i == 0 ? agentSubnetPrefix : cidrSubnet(addressSpace, 24, i + 1)
        delegations: delegate && i == 0 ? [
          {
            name: 'apps'
            properties: {
              serviceName: 'Microsoft.App/environments'
            }
          }
        ] : []
      }
    }]
  }
}

resource zone 'Microsoft.Network/privateDnsZones@2020-06-01' = [for z in zones: {
  name: z
  location: 'global'
}]

resource account 'Microsoft.CognitiveServices/accounts@2025-04-01-preview' = {
  name: '${prefix}-ai'
  location: location
  kind: 'AIServices'
  sku: {
    name: 'S0'
  }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    publicNetworkAccess: 'Disabled'
    networkInjections: [
      {
        scenario: 'agent'
        subnetArmId: '${vnet.id}/subnets/${names[0]}'
        useMicrosoftManagedNetwork: false
      }
    ]
  }
}

output subnetId string = '${vnet.id}/subnets/${names[0]}'
"#;

/// The template `arm_expression` evaluates its input in: parameters, variables (a variable copy
/// loop among them) and a user function for the expression to use.
const TEMPLATE: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "location": {"type": "string", "defaultValue": "[resourceGroup().location]"},
    "prefix": {"type": "string", "defaultValue": "foundry"},
    "addressSpace": {"type": "string", "defaultValue": "10.0.0.0/16"},
    "count": {"type": "int", "defaultValue": 3},
    "enabled": {"type": "bool", "defaultValue": true},
    "tags": {"type": "object", "defaultValue": {"env": "dev", "owner": "net"}},
    "prefixes": {"type": "array", "defaultValue": ["10.1.0.0/24", "10.2.0.0/24"]},
    "secret": {"type": "securestring"},
    "stamp": {"type": "string", "defaultValue": "[utcNow()]"}
  },
  "variables": {
    "vnetName": "[format('{0}-vnet', parameters('prefix'))]",
    "agentPrefix": "[cidrSubnet(parameters('addressSpace'), 24, 0)]",
    "subnetId": "[resourceId('Microsoft.Network/virtualNetworks/subnets', variables('vnetName'), 'agent')]",
    "nested": {"a": [1, 2, {"b": "c"}], "d": null, "e": 1.5},
    "copy": [
      {"name": "subnets", "count": "[parameters('count')]",
       "input": {"name": "[format('snet-{0}', copyIndex('subnets'))]",
                 "prefix": "[cidrSubnet(parameters('addressSpace'), 24, copyIndex('subnets'))]"}}
    ]
  },
  "functions": [
    {"namespace": "contoso",
     "members": {
       "name": {"parameters": [{"name": "base", "type": "string"}, {"name": "i", "type": "int"}],
                "output": {"type": "string", "value": "[format('{0}-{1}', parameters('base'), parameters('i'))]"}}
     }}
  ],
  "resources": [
    {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2024-05-01",
     "name": "[variables('vnetName')]", "location": "[parameters('location')]",
     "properties": {"addressSpace": {"addressPrefixes": ["[parameters('addressSpace')]"]}}}
  ],
  "outputs": {
    "vnetId": {"type": "string", "value": "[resourceId('Microsoft.Network/virtualNetworks', variables('vnetName'))]"}
  }
}"#;

fn template() -> &'static Spanned {
    static T: OnceLock<Spanned> = OnceLock::new();
    T.get_or_init(|| {
        foundry_lint::json::parse(TEMPLATE, FileId(0))
            .ok()
            .flatten()
            .expect("the fixed template parses")
    })
}

/// One ARM template string, evaluated in [`TEMPLATE`]; an input that does not start with `[` is
/// read as the inside of `[...]`.
pub fn arm_expression(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let expression = if text.starts_with('[') {
        text.into_owned()
    } else {
        format!("[{text}]")
    };
    let (value, _diagnostics) =
        foundry_lint::frontend::arm::eval_string(template(), FileId(0), &expression);
    // What lowering does with a value: display it.
    std::hint::black_box(format!("{value:?}"));
}

/// The stack `config` inputs configure the lint of: an agent subnet, a peering to a network
/// outside the stack, a private endpoint without its DNS zones.
pub const STACK: &str = r#"
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

/// `.foundry-lint.toml` text: read and checked; a configuration that is accepted then selects
/// and tunes the rules on [`STACK`], as the CLI would.
pub fn config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(config) = foundry_lint::config::parse_str(&text, Path::new(".foundry-lint.toml")) else {
        return;
    };
    let selection = Selection {
        select: config.select.clone(),
        ignore: config.ignore.clone(),
        severities: config.severities(),
        ignore_suppressions: false,
    };
    if !selection.unknown_selectors().is_empty() {
        return;
    }
    lint_texts(&[("main.tf", STACK)], &config.settings(), &selection);
}

/// The functions `terraform_functions` calls (`Name::Known` indexes this list, modulo its
/// length; `Name::Other` calls any name).
const FUNCTIONS: &[&str] = &[
    // Collections.
    "alltrue",
    "anytrue",
    "chunklist",
    "coalesce",
    "coalescelist",
    "compact",
    "concat",
    "contains",
    "distinct",
    "element",
    "flatten",
    "index",
    "keys",
    "length",
    "lookup",
    "matchkeys",
    "merge",
    "one",
    "range",
    "reverse",
    "setintersection",
    "setproduct",
    "setsubtract",
    "setunion",
    "slice",
    "sort",
    "sum",
    "transpose",
    "values",
    "zipmap",
    // Conversions.
    "tobool",
    "tolist",
    "tomap",
    "tonumber",
    "toset",
    "tostring",
    "sensitive",
    "nonsensitive",
    // Strings.
    "chomp",
    "endswith",
    "format",
    "formatlist",
    "indent",
    "join",
    "lower",
    "regex",
    "regexall",
    "replace",
    "split",
    "startswith",
    "strcontains",
    "strrev",
    "substr",
    "title",
    "trim",
    "trimprefix",
    "trimsuffix",
    "trimspace",
    "upper",
    // Numbers.
    "abs",
    "ceil",
    "floor",
    "max",
    "min",
    "parseint",
    "pow",
    "signum",
    // Network addresses.
    "cidrhost",
    "cidrnetmask",
    "cidrsubnet",
    "cidrsubnets",
    // Encodings.
    "base64decode",
    "base64encode",
    "jsondecode",
    "jsonencode",
    "urlencode",
    "yamldecode",
    "yamlencode",
    // Not evaluated, or removed.
    "file",
    "templatefile",
    "timestamp",
    "uuid",
    "bcrypt",
    "md5",
    "list",
    "map",
    "core::cidrsubnet",
    "core::format",
];

#[derive(Arbitrary, Debug)]
pub enum Name {
    Known(u8),
    Other(String),
}

/// An argument: CIDR-shaped strings and small integers are made likely, as the network
/// functions need them.
#[derive(Arbitrary, Debug)]
pub enum Arg {
    Null,
    Bool(bool),
    Number(f64),
    Int(i16),
    String(String),
    Cidr {
        v6: bool,
        address: [u8; 16],
        prefix: u8,
    },
    List(Vec<Arg>),
    Object(Vec<(String, Arg)>),
    Unknown {
        error: bool,
    },
}

impl Arg {
    fn value(&self) -> Value {
        match self {
            Arg::Null => Value::Null,
            Arg::Bool(b) => Value::Bool(*b),
            Arg::Number(n) => Value::Number(*n),
            Arg::Int(i) => Value::Number(f64::from(*i)),
            Arg::String(s) => Value::String(s.clone()),
            Arg::Cidr {
                v6,
                address,
                prefix,
            } => Value::String(match v6 {
                false => format!(
                    "{}/{}",
                    std::net::Ipv4Addr::new(address[0], address[1], address[2], address[3]),
                    prefix % 40
                ),
                true => format!("{}/{}", std::net::Ipv6Addr::from(*address), prefix % 140),
            }),
            Arg::List(items) => Value::List(items.iter().map(Arg::value).collect()),
            Arg::Object(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.value()))
                    .collect::<BTreeMap<_, _>>(),
            ),
            Arg::Unknown { error: false } => Value::unknown("fuzz: deferred"),
            Arg::Unknown { error: true } => Value::error("fuzz: error"),
        }
    }
}

#[derive(Arbitrary, Debug)]
pub struct Call {
    pub name: Name,
    pub args: Vec<Arg>,
}

/// Terraform's function library: the input, read by `arbitrary` as a [`Call`] (as libFuzzer's
/// `fuzz_target!` reads a typed input), calls one function.
pub fn terraform_functions(data: &[u8]) {
    let Ok(call) = Call::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let name = match &call.name {
        Name::Known(i) => FUNCTIONS[usize::from(*i) % FUNCTIONS.len()].to_string(),
        Name::Other(s) => s.clone(),
    };
    let args: Vec<Value> = call.args.iter().map(Arg::value).collect();
    let result = foundry_lint::frontend::terraform::call_function(&name, args);
    std::hint::black_box(format!("{result:?}"));
}
