// Every fixable mistake once, in Bicep: inline and child subnets without the agent delegation,
// accounts without a custom subdomain, a CMK vault whose purge protection is off through a
// variable read once (fixed there) and whose soft delete is off through a parameter read twice
// (not fixed: the tag would change too), and an EC key.
param location string = 'swedencentral'

param softDelete bool = false

var purgeProtection = false

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-fix'
  location: location
  properties: {
    addressSpace: {
      addressPrefixes: ['10.30.0.0/16']
    }
    subnets: [
      {
        name: 'snet-agent'
        properties: {
          addressPrefix: '10.30.0.0/24'
          delegations: []
        }
      }
    ]
  }
}

resource webSubnet 'Microsoft.Network/virtualNetworks/subnets@2024-05-01' = {
  parent: vnet
  name: 'snet-web'
  properties: {
    addressPrefix: '10.30.1.0/24'
  }
}

resource agents 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: 'ais-fix-agents'
  location: location
  kind: 'AIServices'
  sku: { name: 'S0' }
  properties: {
    // the agents run in the VNet
    networkInjections: [
      {
        scenario: 'agent'
        subnetArmId: '${vnet.id}/subnets/snet-agent'
        useMicrosoftManagedNetwork: false
      }
    ]
  }
}

resource web 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: 'ais-fix-web'
  location: location
  kind: 'AIServices'
  sku: { name: 'S0' }
  properties: {
    networkInjections: [
      {
        scenario: 'agent'
        subnetArmId: webSubnet.id
        useMicrosoftManagedNetwork: false
      }
    ]
  }
}

resource kv 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: 'kv-fix-cmk'
  location: location
  tags: {
    softDelete: string(softDelete)
  }
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'premium' }
    enableSoftDelete: softDelete
    enablePurgeProtection: purgeProtection
    enableRbacAuthorization: true
  }
}

resource key 'Microsoft.KeyVault/vaults/keys@2024-11-01' = {
  parent: kv
  name: 'cmk'
  properties: {
    kty: 'EC'
    curveName: 'P-256'
  }
}

resource cmk 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: 'ais-fix-cmk'
  location: location
  kind: 'AIServices'
  sku: { name: 'S0' }
  identity: { type: 'SystemAssigned' }
  properties: {
    customSubDomainName: 'ais-fix-cmk'
    encryption: {
      keySource: 'Microsoft.KeyVault'
      keyVaultProperties: {
        keyVaultUri: kv.properties.vaultUri
        keyName: key.name
      }
    }
  }
}

resource cryptoUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: kv
  name: guid(kv.id, cmk.id, 'crypto')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'e147488a-f6f5-4113-8e2d-b22465e65bf6')
    principalId: cmk.identity.principalId
    principalType: 'ServicePrincipal'
  }
}
