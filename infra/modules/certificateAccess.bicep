// For EXCHANGE_CREDENTIAL_TYPE certificate: the Function App's identity reads the Key Vault
// certificate's secret (certificate and private key) through the EXCHANGE_CLIENT_CERTIFICATE
// reference. The certificate is created or imported after the vault exists (docs/deploy.md), so the
// role is on the vault, which holds nothing else for this credential type.

@description('Principal (object) id of the user-assigned managed identity.')
param principalId string

@description('Name of the Key Vault holding the certificate.')
param keyVaultName string

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6' // Key Vault Secrets User

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource certificateSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}
