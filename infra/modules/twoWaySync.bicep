// Two-way sync (Outlook -> back office): the notification and back-office queues, the clientState
// secret in Key Vault and the identity's roles on them.

@description('Name of the existing Service Bus namespace.')
param serviceBusNamespaceName string

@description('Queue of Microsoft Graph change notifications (EXCHANGE_NOTIFICATIONS_QUEUE).')
param notificationsQueueName string

@description('Queue of changes made in Outlook, read by the back office (BACKOFFICE_CHANGES_QUEUE).')
param backOfficeQueueName string

@description('Principal (object) id of the Function App\'s user-assigned identity.')
param principalId string

@description('Name of the existing Key Vault.')
param keyVaultName string

@secure()
@description('GRAPH_CLIENT_STATE value; empty leaves two-way sync off.')
param clientState string

@description('Public https origin of the Function App, where Microsoft Graph posts notifications.')
param webhookBaseUrl string

var enabled = !empty(clientState)
var roleIds = {
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0' // Azure Service Bus Data Receiver
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39' // Azure Service Bus Data Sender
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6' // Key Vault Secrets User
}

resource namespace 'Microsoft.ServiceBus/namespaces@2021-11-01' existing = {
  name: serviceBusNamespaceName
}

// Notifications only trigger a delta run, so a lost one costs little: short lock, few deliveries.
// The webhook enqueues with random ids; watch requests carry deterministic ones (one per mailbox
// and hour), hence duplicate detection.
resource notifications 'Microsoft.ServiceBus/namespaces/queues@2021-11-01' = {
  parent: namespace
  name: notificationsQueueName
  properties: {
    lockDuration: 'PT5M'
    maxDeliveryCount: 5
    defaultMessageTimeToLive: 'P1D'
    deadLetteringOnMessageExpiration: true
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT1H'
  }
}

// One message per change: its id comes from mailbox, event id, changeKey and kind, so a change seen
// by several delta runs within the window is published once.
resource backOffice 'Microsoft.ServiceBus/namespaces/queues@2021-11-01' = {
  parent: namespace
  name: backOfficeQueueName
  properties: {
    lockDuration: 'PT1M'
    maxDeliveryCount: 10
    defaultMessageTimeToLive: 'P14D'
    deadLetteringOnMessageExpiration: true
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'P1D'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource clientStateSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (enabled) {
  parent: vault
  name: 'graph-client-state'
  properties: {
    value: clientState
    contentType: 'clientState of the Microsoft Graph subscriptions'
  }
}

resource notificationsReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(notifications.id, principalId, roleIds.serviceBusDataReceiver)
  scope: notifications
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.serviceBusDataReceiver)
  }
}

resource notificationsSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(notifications.id, principalId, roleIds.serviceBusDataSender)
  scope: notifications
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.serviceBusDataSender)
  }
}

resource backOfficeSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(backOffice.id, principalId, roleIds.serviceBusDataSender)
  scope: backOffice
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.serviceBusDataSender)
  }
}

resource clientStateReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (enabled) {
  name: guid(vault.id, 'graph-client-state', principalId, roleIds.keyVaultSecretsUser)
  scope: clientStateSecret
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsUser)
  }
}

output notificationsQueueName string = notifications.name
output backOfficeQueueName string = backOffice.name
// Without a clientState the webhook URL stays empty, which keeps two-way sync off in the app.
output webhookBaseUrl string = enabled ? webhookBaseUrl : ''
output clientStateSecretName string = 'graph-client-state'
