//! One ARM template string: the expression parser and evaluator with the function library, in a
//! fixed template that gives the expression parameters, variables (a variable copy loop among
//! them) and a user function to use. An input that does not start with `[` is read as the
//! inside of `[...]`.
#![no_main]

use foundry_lint::json::Spanned;
use foundry_lint::source::FileId;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

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

fuzz_target!(|data: &[u8]| {
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
});
