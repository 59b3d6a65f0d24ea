// Exchange connector: everything the Function App needs in Azure, identity-based throughout.
// `azd up` provisions this file (parameters in main.parameters.json) and deploys the `api` service;
// `az deployment group create` works too (docs/deploy.md). No key, connection string or secret
// literal appears here: the one secret (credential type secret) arrives as a @secure() parameter and
// lives in Key Vault; a certificate lives in Key Vault too; a managed identity needs neither.
targetScope = 'resourceGroup'

import { appSettingType, tagsType } from 'modules/types.bicep'

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; seeds the resource names and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Azure region of every resource; it must offer the Flex Consumption plan.')
param location string = resourceGroup().location

@description('EXCHANGE_TENANT_ID: directory (tenant) ID or verified domain of the Exchange app registration. Empty means the tenant of this subscription.')
param exchangeTenantId string = ''

@minLength(1)
@description('EXCHANGE_CLIENT_ID: application (client) ID of the Exchange app registration.')
param exchangeClientId string

@allowed([
  'secret'
  'certificate'
  'managedIdentity'
])
@description('EXCHANGE_CREDENTIAL_TYPE: how the connector authenticates as the app registration. managedIdentity: this deployment\'s user-assigned identity as a federated credential, no Key Vault secret at all; certificate: the Key Vault certificate exchangeClientCertificateName (docs/deploy.md).')
param exchangeCredentialType string = 'secret'

@secure()
@description('Client secret value of the Exchange app registration, for exchangeCredentialType secret (empty otherwise). Stored in Key Vault; the app setting EXCHANGE_CLIENT_SECRET is a Key Vault reference to it.')
param exchangeClientSecret string

@minLength(1)
@description('For exchangeCredentialType certificate: name of the Key Vault certificate (created or imported after the vault exists, docs/deploy.md); EXCHANGE_CLIENT_CERTIFICATE is a Key Vault reference to its secret.')
param exchangeClientCertificateName string = 'exchange-client-certificate'

@description('EXCHANGE_CLIENT_CERTIFICATE_SEND_X5C: send the certificate chain (x5c) for subject name and issuer authentication.')
param exchangeClientCertificateSendX5c bool = false

@description('EXCHANGE_FEDERATED_AUDIENCE: audience of the managed identity\'s token for the federated credential. Empty: the connector picks the cloud\'s (api://AzureADTokenExchange in the public cloud).')
param exchangeFederatedAudience string = ''

// Named for the credential, not the secret: the value is a date, and the linter rightly treats
// parameters named *secret* as secrets.
@description('EXCHANGE_CLIENT_SECRET_EXPIRES_ON: expiry date of the client secret (ISO 8601, e.g. 2027-05-31); the health check warns from 30 days before and an alert fires from 14 days before. Empty: neither.')
param exchangeCredentialExpiresOn string = ''

@description('EXCHANGE_AUTHORITY_HOST: Microsoft Entra ID authority host; the default is the sign-in endpoint of the cloud the template is deployed to.')
param exchangeAuthorityHost string = environment().authentication.loginEndpoint

@description('GRAPH_ENDPOINT: Microsoft Graph endpoint (national clouds differ).')
param graphEndpoint string = 'https://graph.microsoft.com'

@minLength(1)
@maxLength(260)
@description('APPOINTMENT_QUEUE: queue of change messages the back office writes to.')
param appointmentQueueName string = 'appointment-changes'

@description('RETRY_SCHEDULE: NCRONTAB (six fields) of the retry pass.')
param retrySchedule string = '0 */5 * * * *'

@minValue(1)
@maxValue(365)
@description('RETRY_WINDOW_DAYS: how far back the retry pass looks, in days.')
param retryWindowDays int = 14

@minLength(1)
@description('Application (client) ID of the sign-in app registration (SIGN_IN_CLIENT_ID, docs/deploy.md): App Service Authentication signs every user and script in with it, and its app roles Errors.Read and Errors.Replay decide what they may do.')
param signInClientId string

@secure()
@description('Client secret of the sign-in app registration (SIGN_IN_CLIENT_SECRET), stored in Key Vault; MICROSOFT_PROVIDER_AUTHENTICATION_SECRET is a Key Vault reference to it. Empty: no secret, and sign-in uses ID tokens only.')
param signInClientSecret string = ''

@minValue(100)
@maxValue(300000)
@description('ENTRA_REQUEST_TIMEOUT_MS: how long a token request may take before it counts as transient.')
param entraRequestTimeoutMs int = 10000

@minValue(100)
@maxValue(300000)
@description('GRAPH_REQUEST_TIMEOUT_MS: how long one Microsoft Graph request may take before it counts as transient.')
param graphRequestTimeoutMs int = 15000

@description('EXCHANGE_NOTIFICATIONS_QUEUE: queue of Microsoft Graph change notifications.')
param notificationsQueueName string = 'exchange-notifications'

@description('BACKOFFICE_CHANGES_QUEUE: queue of changes made in Outlook, read by the back office.')
param backOfficeQueueName string = 'backoffice-changes'

@secure()
@description('GRAPH_CLIENT_STATE: secret checked on every Graph notification (stored in Key Vault). Empty: two-way sync off.')
param graphClientState string

@description('GRAPH_WEBHOOK_BASE_URL: public https origin Graph posts notifications to. Empty: the Function App\'s default host.')
param graphWebhookBaseUrl string = ''

@description('DELTA_WINDOW_DAYS: days back and ahead (back/ahead) the calendar delta covers.')
param deltaWindowDays string = '30/365'

@allowed([
  'true'
  'false'
])
@description('PUBLISH_DETAIL_CHANGES: whether subject and location changes made in Outlook are published.')
param publishDetailChanges string = 'false'

@description('PRIVACY_DEFAULT_RULE: the organisation\'s privacy rule for Outlook events the connector did not write (docs/privacy.md).')
param privacyDefaultRule string = 'showAs=busy,oof,tentative;sensitivity=normal,personal,private,confidential;details=none'

@minValue(0)
@maxValue(600)
@description('NOTIFICATION_DELAY_SECONDS: how long a Graph notification waits on the queue before its mailbox\'s delta runs.')
param notificationDelaySeconds int = 30

@allowed([
  512
  2048
  4096
])
@description('Memory of each Flex Consumption instance, in MB.')
param instanceMemoryMB int = 2048

// Graph allows 4 concurrent requests per mailbox and the connector enforces that per instance, so a
// modest ceiling keeps many instances from piling onto one mailbox (429 storms). Raise it for
// throughput across many mailboxes.
@minValue(1)
@maxValue(1000)
@description('Upper bound of the Flex Consumption scale-out.')
param maximumInstanceCount int = 10

@minValue(7)
@maxValue(90)
@description('Days a deleted Key Vault or secret can be recovered (fixed once the vault exists).')
param keyVaultSoftDeleteRetentionInDays int = 90

@minValue(30)
@maxValue(730)
@description('Days the Log Analytics workspace keeps logs.')
param logRetentionInDays int = 30

@description('E-mail address of the on-call engineer the alerts notify (ALERT_EMAIL_ADDRESS). Empty: the alerts fire and show in the portal but notify no one.')
param alertEmailAddress string = ''

// The vault holds one secret, which can always be issued again in Entra ID, and soft delete keeps a
// deleted vault recoverable for keyVaultSoftDeleteRetentionInDays. Purge protection on top means no
// one can purge it early, so `azd down` then `azd up` with the same environment name fails until
// the retention ends (or until keyVaultNameSalt changes). Once on, it cannot be turned off.
@description('Turn on Key Vault purge protection (KEY_VAULT_PURGE_PROTECTION); your policy may require it.')
param keyVaultPurgeProtection bool = false

@maxLength(24)
@description('Any text that gives the Key Vault a new name (KEY_VAULT_NAME_SALT), for when a soft-deleted vault still holds the old one. Empty: the name derived from the environment.')
param keyVaultNameSalt string = ''

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName, location))
var tags tagsType = {
  'azd-env-name': environmentName
}
// Key Vault secret names allow letters, digits and hyphens only, hence not EXCHANGE_CLIENT_SECRET.
var clientSecretName = 'exchange-client-secret'
var signInSecretName = 'sign-in-client-secret'
// The one route served without sign-in (functions/healthProbe.ts, under host.json's route prefix).
var healthProbePath = '/api/health/probe'
// Graph's change notifications carry no Entra token: the webhook authenticates them by clientState.
var graphWebhookPaths = ['/api/graph/notifications', '/api/graph/lifecycle']
var keyVaultName = empty(keyVaultNameSalt) ? 'kv-${resourceToken}' : 'kv-${uniqueString(resourceToken, keyVaultNameSalt)}'
// The connector's tables (named in shared/adapters/tables/); the code creates a missing one too.
var connectorTables = [
  'Transactions'
  'Failures'
  'Pending'
  'Appointments'
  'Resources'
  'MailboxSync'
]
var functionAppName = 'func-${resourceToken}'

// ---------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: 'app-package'
    tableNames: connectorTables
  }
}

module serviceBus 'modules/serviceBus.bicep' = {
  name: 'serviceBus'
  params: {
    name: 'sb-${resourceToken}'
    location: location
    tags: tags
    queueName: appointmentQueueName
  }
}

module keyVault 'modules/keyVault.bicep' = {
  name: 'keyVault'
  params: {
    name: keyVaultName
    location: location
    tags: tags
    secretName: clientSecretName
    // Only the secret type keeps a secret in the vault.
    holdsSecret: exchangeCredentialType == 'secret'
    secretValue: exchangeCredentialType == 'secret' ? exchangeClientSecret : ''
    signInSecretName: signInSecretName
    signInSecretValue: signInClientSecret
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionInDays
    purgeProtection: keyVaultPurgeProtection
  }
}

module twoWaySync 'modules/twoWaySync.bicep' = {
  name: 'twoWaySync'
  params: {
    serviceBusNamespaceName: serviceBus.outputs.name
    notificationsQueueName: notificationsQueueName
    backOfficeQueueName: backOfficeQueueName
    principalId: identity.outputs.principalId
    keyVaultName: keyVault.outputs.name
    clientState: graphClientState
    webhookBaseUrl: empty(graphWebhookBaseUrl) ? 'https://${functionAppName}.azurewebsites.net' : graphWebhookBaseUrl
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: identity.outputs.principalId
    serviceBusNamespaceName: serviceBus.outputs.name
    queueName: serviceBus.outputs.queueName
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    keyVaultSecretName: keyVault.outputs.secretName
    signInSecretName: empty(signInClientSecret) ? '' : signInSecretName
    readsCertificate: exchangeCredentialType == 'certificate'
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

// Every setting of shared/settings.ts (SETTINGS), plus what the Functions host itself reads.
// Connections are identity-based: <Prefix>__<endpoint>, __credential and __clientId.
var appSettings appSettingType[] = [
  // Functions host storage, through the managed identity (no AccountKey). Service URIs rather than
  // __accountName, which assumes the public cloud's endpoint suffix.
  {
    name: 'AzureWebJobsStorage__blobServiceUri'
    value: storage.outputs.blobEndpoint
  }
  {
    name: 'AzureWebJobsStorage__queueServiceUri'
    value: storage.outputs.queueEndpoint
  }
  {
    name: 'AzureWebJobsStorage__credential'
    value: 'managedidentity'
  }
  {
    name: 'AzureWebJobsStorage__clientId'
    value: identity.outputs.clientId
  }
  // Telemetry with Microsoft Entra authentication.
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: monitoring.outputs.connectionString
  }
  {
    name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
    value: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
  }
  // The connector's settings.
  {
    name: 'EXCHANGE_TENANT_ID'
    value: empty(exchangeTenantId) ? subscription().tenantId : exchangeTenantId
  }
  {
    name: 'EXCHANGE_CLIENT_ID'
    value: exchangeClientId
  }
  {
    name: 'EXCHANGE_CREDENTIAL_TYPE'
    value: exchangeCredentialType
  }
  {
    name: 'EXCHANGE_CLIENT_SECRET'
    value: exchangeCredentialType == 'secret' ? '@Microsoft.KeyVault(VaultName=${keyVault.outputs.name};SecretName=${keyVault.outputs.secretName})' : ''
  }
  {
    name: 'EXCHANGE_CLIENT_CERTIFICATE'
    value: exchangeCredentialType == 'certificate' ? '@Microsoft.KeyVault(VaultName=${keyVault.outputs.name};SecretName=${exchangeClientCertificateName})' : ''
  }
  // A file path and its password are for local runs; Key Vault serves the certificate without a password.
  {
    name: 'EXCHANGE_CLIENT_CERTIFICATE_PATH'
    value: ''
  }
  {
    name: 'EXCHANGE_CLIENT_CERTIFICATE_PASSWORD'
    value: ''
  }
  {
    name: 'EXCHANGE_CLIENT_CERTIFICATE_SEND_X5C'
    value: string(exchangeClientCertificateSendX5c)
  }
  {
    name: 'EXCHANGE_MANAGED_IDENTITY_CLIENT_ID'
    value: exchangeCredentialType == 'managedIdentity' ? identity.outputs.clientId : ''
  }
  {
    name: 'EXCHANGE_FEDERATED_AUDIENCE'
    value: exchangeFederatedAudience
  }
  {
    name: 'EXCHANGE_CLIENT_SECRET_EXPIRES_ON'
    value: exchangeCredentialExpiresOn
  }
  {
    name: 'EXCHANGE_AUTHORITY_HOST'
    value: exchangeAuthorityHost
  }
  {
    name: 'GRAPH_ENDPOINT'
    value: graphEndpoint
  }
  {
    name: 'ServiceBusConnection__fullyQualifiedNamespace'
    value: serviceBus.outputs.fullyQualifiedNamespace
  }
  {
    name: 'ServiceBusConnection__credential'
    value: 'managedidentity'
  }
  {
    name: 'ServiceBusConnection__clientId'
    value: identity.outputs.clientId
  }
  {
    name: 'TableStorageConnection__tableServiceUri'
    value: storage.outputs.tableEndpoint
  }
  {
    name: 'TableStorageConnection__credential'
    value: 'managedidentity'
  }
  {
    name: 'TableStorageConnection__clientId'
    value: identity.outputs.clientId
  }
  {
    name: 'APPOINTMENT_QUEUE'
    value: serviceBus.outputs.queueName
  }
  {
    name: 'RETRY_SCHEDULE'
    value: retrySchedule
  }
  {
    name: 'RETRY_WINDOW_DAYS'
    value: string(retryWindowDays)
  }
  {
    name: 'ENTRA_REQUEST_TIMEOUT_MS'
    value: string(entraRequestTimeoutMs)
  }
  {
    name: 'GRAPH_REQUEST_TIMEOUT_MS'
    value: string(graphRequestTimeoutMs)
  }
  {
    name: 'MICROSOFT_PROVIDER_AUTHENTICATION_SECRET'
    value: empty(signInClientSecret)
      ? ''
      : '@Microsoft.KeyVault(VaultName=${keyVault.outputs.name};SecretName=${signInSecretName})'
  }
  {
    name: 'EXCHANGE_NOTIFICATIONS_QUEUE'
    value: twoWaySync.outputs.notificationsQueueName
  }
  {
    name: 'BACKOFFICE_CHANGES_QUEUE'
    value: twoWaySync.outputs.backOfficeQueueName
  }
  {
    name: 'GRAPH_WEBHOOK_BASE_URL'
    value: twoWaySync.outputs.webhookBaseUrl
  }
  {
    name: 'DELTA_WINDOW_DAYS'
    value: deltaWindowDays
  }
  {
    name: 'PUBLISH_DETAIL_CHANGES'
    value: publishDetailChanges
  }
  {
    name: 'PRIVACY_DEFAULT_RULE'
    value: privacyDefaultRule
  }
  {
    name: 'NOTIFICATION_DELAY_SECONDS'
    value: string(notificationDelaySeconds)
  }
  {
    name: 'GRAPH_CLIENT_STATE'
    // No secret without a clientState: an empty value keeps two-way sync off.
    value: empty(graphClientState)
      ? ''
      : '@Microsoft.KeyVault(VaultName=${keyVault.outputs.name};SecretName=${twoWaySync.outputs.clientStateSecretName})'
  }
]

module functionApp 'modules/functionApp.bicep' = {
  name: 'functionApp'
  params: {
    planName: 'plan-${resourceToken}'
    appName: functionAppName
    location: location
    tags: tags
    identityId: identity.outputs.id
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    appSettings: appSettings
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
  }
  // The host reads its storage, the deployment package and the Key Vault reference as soon as it
  // starts, so the roles come first.
  dependsOn: [
    roles
  ]
}

module authentication 'modules/authentication.bicep' = {
  name: 'authentication'
  params: {
    appName: functionApp.outputs.name
    clientId: signInClientId
    tenantId: subscription().tenantId
    // App Service Authentication reads the sign-in registration's secret from this app setting.
    credentialSettingName: empty(signInClientSecret) ? '' : 'MICROSOFT_PROVIDER_AUTHENTICATION_SECRET'
    excludedPaths: concat([healthProbePath], graphWebhookPaths)
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    location: location
    tags: tags
    namePrefix: 'exchange-connector-${environmentName}'
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    serviceBusNamespaceName: serviceBus.outputs.name
    queueName: serviceBus.outputs.queueName
    alertEmailAddress: alertEmailAddress
  }
}

module workbook 'modules/workbook.bicep' = {
  name: 'workbook'
  params: {
    location: location
    tags: tags
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    displayName: 'Exchange connector (${environmentName})'
  }
}

// ---------------------------------------------------------------------------------------------
// Outputs (azd stores them in the environment's .env)
// ---------------------------------------------------------------------------------------------

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = subscription().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup().name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_URL string = functionApp.outputs.url
output SERVICE_BUS_FULLY_QUALIFIED_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output SERVICE_BUS_QUEUE_NAME string = serviceBus.outputs.queueName
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output SIGN_IN_CLIENT_ID string = signInClientId
output HEALTH_PROBE_URL string = '${functionApp.outputs.url}${healthProbePath}'
// The subject of the federated credential for exchangeCredentialType managedIdentity (docs/deploy.md).
output AZURE_MANAGED_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
