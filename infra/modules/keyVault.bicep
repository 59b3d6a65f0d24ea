// Key Vault with Azure RBAC authorization, soft delete and optional purge protection, holding the client secret
// of the Exchange app registration (or its certificate) and, when there is one, that of the sign-in app
// registration. The Function App reads them through Key Vault references.

import { tagsType } from 'types.bicep'

@description('Name of the Key Vault (3-24 letters, digits and hyphens).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the vault.')
param location string

@description('Tags for the vault.')
param tags tagsType

@description('Name of the secret (Key Vault names allow letters, digits and hyphens only).')
param secretName string

@description('Whether the vault holds the client secret (credential type secret); false for a certificate or a managed identity.')
param holdsSecret bool

@secure()
@description('Client secret value of the Exchange app registration; used only when holdsSecret.')
param secretValue string

@description('Name of the sign-in registration\'s secret.')
param signInSecretName string

@secure()
@description('Client secret of the sign-in app registration; empty: there is none and no secret is made.')
param signInSecretValue string

@description('Days a deleted vault or secret can be recovered (fixed once the vault exists).')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int

@description('Purge protection: no one can purge the deleted vault before its retention ends. Cannot be turned off once on.')
param purgeProtection bool

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
    // Key Vault accepts true or no value here, never false.
    enablePurgeProtection: purgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (holdsSecret) {
  parent: vault
  name: secretName
  properties: {
    value: secretValue
    contentType: 'Client secret of the Exchange app registration'
  }
}

resource signInSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(signInSecretValue)) {
  parent: vault
  name: signInSecretName
  properties: {
    value: signInSecretValue
    contentType: 'Client secret of the sign-in app registration (App Service Authentication)'
  }
}

output name string = vault.name
// Empty when the vault holds no client secret.
output secretName string = holdsSecret ? secretName : ''
