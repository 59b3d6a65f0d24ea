// Least-privilege data-plane roles of the Function App's user-assigned identity, each on the narrowest
// scope that works. Built-in role definition ids are the same in every tenant.

@description('Principal (object) id of the user-assigned managed identity.')
param principalId string

@description('Name of the Service Bus namespace.')
param serviceBusNamespaceName string

@description('Queue of change messages: the identity receives from it and re-enqueues replays to it.')
param queueName string

@description('Name of the storage account (host storage, deployment package, connector tables).')
param storageAccountName string

@description('Name of the Key Vault.')
param keyVaultName string

@description('Name of the secret the Key Vault reference reads; empty: no client secret to read.')
param keyVaultSecretName string

@description('Name of the sign-in registration\'s secret the second Key Vault reference reads; empty: none.')
param signInSecretName string

@description('Whether the identity reads a Key Vault certificate (EXCHANGE_CREDENTIAL_TYPE certificate).')
param readsCertificate bool

@description('Name of the Application Insights component.')
param applicationInsightsName string

var roleIds = {
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0' // Azure Service Bus Data Receiver
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39' // Azure Service Bus Data Sender
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Storage Blob Data Owner
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6' // Key Vault Secrets User
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb' // Monitoring Metrics Publisher
}

resource namespace 'Microsoft.ServiceBus/namespaces@2021-11-01' existing = {
  name: serviceBusNamespaceName
}

resource queue 'Microsoft.ServiceBus/namespaces/queues@2021-11-01' existing = {
  parent: namespace
  name: queueName
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = {
  parent: vault
  name: keyVaultSecretName
}

resource signInSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = if (!empty(signInSecretName)) {
  parent: vault
  name: signInSecretName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Service Bus trigger (peek-lock, complete, renew locks). Scoped to the queue, not the namespace.
resource serviceBusReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(queue.id, principalId, roleIds.serviceBusDataReceiver)
  scope: queue
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.serviceBusDataReceiver)
  }
}

// The retry pass and Replay re-enqueue to the same queue.
resource serviceBusSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(queue.id, principalId, roleIds.serviceBusDataSender)
  scope: queue
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.serviceBusDataSender)
  }
}

// Functions host storage (AzureWebJobsStorage: keys, leases, timer schedule monitor) and the Flex
// Consumption deployment package. The host needs Owner on blobs; Contributor is not enough for it.
resource storageBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, roleIds.storageBlobDataOwner)
  scope: storage
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDataOwner)
  }
}

// Functions host queues (used by the host for its internal work items).
resource storageQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, roleIds.storageQueueDataContributor)
  scope: storage
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roleIds.storageQueueDataContributor
    )
  }
}

// The connector's tables (Transactions, Appointments, Resources, ...); includes creating a
// missing table.
resource storageTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, roleIds.storageTableDataContributor)
  scope: storage
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roleIds.storageTableDataContributor
    )
  }
}

// The Key Vault reference of EXCHANGE_CLIENT_SECRET: read that one secret, nothing else in the vault.
resource keyVaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(keyVaultSecretName)) {
  name: guid(secret.id, principalId, roleIds.keyVaultSecretsUser)
  scope: secret
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsUser)
  }
}

// The Key Vault reference of MICROSOFT_PROVIDER_AUTHENTICATION_SECRET, when the sign-in registration has a secret.
resource signInSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(signInSecretName)) {
  name: guid(signInSecret.id, principalId, roleIds.keyVaultSecretsUser)
  scope: signInSecret
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsUser)
  }
}

// For EXCHANGE_CREDENTIAL_TYPE certificate: the EXCHANGE_CLIENT_CERTIFICATE reference reads the Key
// Vault certificate's secret (certificate and private key). The certificate is created or imported
// after the vault exists (docs/deploy.md), so the role is on the vault, which then holds nothing else
// (but the sign-in secret, which the identity reads anyway).
resource keyVaultCertificateUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (readsCertificate) {
  name: guid(vault.id, principalId, roleIds.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsUser)
  }
}

// Telemetry with Microsoft Entra authentication (the component has local auth disabled).
resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, principalId, roleIds.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roleIds.monitoringMetricsPublisher
    )
  }
}
