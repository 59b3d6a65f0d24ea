// The one identity the Function App runs as: the host's storage, the Service Bus trigger and sender,
// the connector's tables, the Key Vault reference, telemetry and the deployment package.

import { tagsType } from 'types.bicep'

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region of the identity.')
param location string

@description('Tags for the identity.')
param tags tagsType

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
