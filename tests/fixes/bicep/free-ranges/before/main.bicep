// Suggested ranges in Bicep: inline subnets, child subnets, a peering to a hub outside the
// template that states its address space, and an agent subnet in an existing VNet, whose other
// subnets the template does not show (nothing is suggested there).
param location string = 'swedencentral'

var delegations = [
  {
    name: 'Microsoft.App/environments'
    properties: { serviceName: 'Microsoft.App/environments' }
  }
]

// FL202: a /27 agent subnet. The /26 holding it also holds the endpoints' subnet, the next one
// the jobs subnet: 192.168.0.128/26 is the first free /26.
resource agents 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-agents'
  location: location
  properties: {
    addressSpace: { addressPrefixes: [ '192.168.0.0/24' ] }
    subnets: [
      {
        name: 'snet-agent'
        properties: {
          addressPrefix: '192.168.0.0/27'
          delegations: delegations
        }
      }
      {
        name: 'snet-pe'
        properties: { addressPrefix: '192.168.0.32/27' }
      }
      {
        name: 'snet-jobs'
        properties: { addressPrefix: '192.168.0.64/26' }
      }
    ]
  }
}

resource tools 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-tools'
  location: location
  properties: {
    addressSpace: { addressPrefixes: [ '172.20.0.0/22' ] }
  }
}

resource build 'Microsoft.Network/virtualNetworks/subnets@2024-05-01' = {
  parent: tools
  name: 'snet-build'
  properties: { addressPrefix: '172.20.0.0/24' }
}

// FL403: inside snet-build. The first free /26 of the VNet is 172.20.1.0/26.
resource cache 'Microsoft.Network/virtualNetworks/subnets@2024-05-01' = {
  parent: tools
  name: 'snet-cache'
  properties: { addressPrefix: '172.20.0.192/26' }
  dependsOn: [ build ]
}

// FL401: the hub (another resource group) holds 172.18.0.0/16, which contains the edge's space.
// The lowest /24 of 172.16.0.0/12 that neither the hub nor a VNet of the template uses is
// 172.16.0.0/24.
resource edge 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-edge'
  location: location
  properties: {
    addressSpace: { addressPrefixes: [ '172.18.4.0/24' ] }
  }
}

resource edgeToHub 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings@2024-05-01' = {
  parent: edge
  name: 'edge-to-hub'
  properties: {
    remoteVirtualNetwork: {
      id: resourceId('rg-hub', 'Microsoft.Network/virtualNetworks', 'vnet-hub')
    }
    remoteAddressSpace: { addressPrefixes: [ '172.18.0.0/16' ] }
    allowVirtualNetworkAccess: true
  }
}

// FL201 without a suggestion: vnet-shared belongs to the platform team, and its other subnets
// are not in this template.
resource shared 'Microsoft.Network/virtualNetworks@2024-05-01' existing = {
  name: 'vnet-shared'
}

resource sharedAgent 'Microsoft.Network/virtualNetworks/subnets@2024-05-01' = {
  parent: shared
  name: 'snet-agent-tools'
  properties: {
    addressPrefix: '10.50.0.0/28'
    delegations: delegations
  }
}

resource account 'Microsoft.CognitiveServices/accounts@2025-04-01-preview' = {
  name: 'ais-ranges'
  location: location
  kind: 'AIServices'
  sku: { name: 'S0' }
  identity: { type: 'SystemAssigned' }
  properties: {
    customSubDomainName: 'ais-ranges'
    networkInjections: [
      {
        scenario: 'agent'
        subnetArmId: agents.properties.subnets[0].id
        useMicrosoftManagedNetwork: false
      }
    ]
  }
}

resource toolsAccount 'Microsoft.CognitiveServices/accounts@2025-04-01-preview' = {
  name: 'ais-ranges-tools'
  location: location
  kind: 'AIServices'
  sku: { name: 'S0' }
  identity: { type: 'SystemAssigned' }
  properties: {
    customSubDomainName: 'ais-ranges-tools'
    networkInjections: [
      {
        scenario: 'agent'
        subnetArmId: sharedAgent.id
        useMicrosoftManagedNetwork: false
      }
    ]
  }
}
