// Key Vault with Azure RBAC authorization, soft delete and purge protection, holding the client secret
// of the Exchange app registration (or its certificate). The Function App reads it through a Key Vault
// reference.

@description('Name of the Key Vault (3-24 letters, digits and hyphens).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the vault.')
param location string

@description('Tags for the vault.')
param tags object

@description('Name of the secret (Key Vault names allow letters, digits and hyphens only).')
param secretName string

@secure()
@description('Client secret value of the Exchange app registration; empty: no secret (certificate or managed identity).')
param secretValue string

@description('Days a deleted vault or secret can be recovered (fixed once the vault exists).')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    // Purge protection cannot be turned off again; a deleted vault stays until its retention ends.
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(secretValue)) {
  parent: vault
  name: secretName
  properties: {
    value: secretValue
    contentType: 'Client secret of the Exchange app registration'
  }
}

output name string = vault.name
// Empty when the vault holds no client secret.
output secretName string = empty(secretValue) ? '' : secretName
