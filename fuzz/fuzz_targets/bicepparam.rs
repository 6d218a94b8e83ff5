//! A `.bicepparam` file (the whole input) for a fixed `main.bicep` whose parameters shape a
//! network and a Foundry account.
#![no_main]

use foundry_lint_fuzz::lint_files;
use libfuzzer_sys::fuzz_target;

const MAIN_BICEP: &str = r#"param location string = resourceGroup().location
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

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    lint_files(&[
        ("main.bicepparam".to_string(), text),
        ("main.bicep".to_string(), MAIN_BICEP.to_string()),
    ]);
});
