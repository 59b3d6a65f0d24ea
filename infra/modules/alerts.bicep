// Azure Monitor alerts for the on-call engineer: an action group that e-mails, log alerts on the
// connector's structured log lines in Application Insights (traces; each line is one JSON object in
// `message`, parsed with parse_json), and a metric alert on the queue's dead-letter count.
// The KQL lives in queries/*.kql; docs/monitoring.md shows each query.

import { tagsType } from 'types.bicep'

@description('Azure region of the log alert rules (the action group and the metric alert are global).')
param location string

@description('Tags for every alert resource.')
param tags tagsType

@description('Prefix of the alert rule names.')
param namePrefix string

@description('Name of the Application Insights component the log alerts query.')
param applicationInsightsName string

@description('Name of the Service Bus namespace.')
param serviceBusNamespaceName string

@description('Queue whose dead-lettered messages raise an alert.')
param queueName string

@description('E-mail address the action group notifies; empty: the alerts fire (visible in the portal) but notify no one.')
param alertEmailAddress string

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource namespace 'Microsoft.ServiceBus/namespaces@2021-11-01' existing = {
  name: serviceBusNamespaceName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmailAddress)) {
  name: '${namePrefix}-oncall'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'exconnector'
    enabled: true
    emailReceivers: [
      {
        name: 'on-call'
        emailAddress: alertEmailAddress
        useCommonAlertSchema: true
      }
    ]
  }
}

var actionGroups = empty(alertEmailAddress) ? [] : [actionGroup.id]

module credentialFailures 'logAlert.bicep' = {
  name: 'alert-credential-failures'
  params: {
    name: '${namePrefix}-credential-failures'
    location: location
    tags: tags
    displayName: 'Exchange connector: credential failures (DSEX001–DSEX006)'
    alertDescription: 'Token requests to Microsoft Entra ID fail on the app registration\'s credentials: every change fails until the secret, client ID or tenant is fixed (docs/errors.md). One alert per code.'
    severity: 1
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    applicationInsightsId: applicationInsights.id
    query: loadTextContent('queries/credential-failures.kql')
    measureColumn: 'failures'
    dimension: 'code'
    actionGroupIds: actionGroups
  }
}

module undiagnosedFailures 'logAlert.bicep' = {
  name: 'alert-undiagnosed-failures'
  params: {
    name: '${namePrefix}-undiagnosed-failures'
    location: location
    tags: tags
    displayName: 'Exchange connector: undiagnosed failures (DSUNK001)'
    alertDescription: 'A change failed in a way the catalogue does not diagnose; the error line next to it carries the stack trace.'
    severity: 2
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    applicationInsightsId: applicationInsights.id
    query: loadTextContent('queries/undiagnosed-failures.kql')
    measureColumn: 'failures'
    actionGroupIds: actionGroups
  }
}

module retryPassMissing 'logAlert.bicep' = {
  name: 'alert-retry-pass-missing'
  params: {
    name: '${namePrefix}-retry-pass-missing'
    location: location
    tags: tags
    displayName: 'Exchange connector: no retry pass for 30 minutes'
    alertDescription: 'retryFailed logs one line per pass (RETRY_SCHEDULE, every 5 minutes by default); none arrived for 30 minutes, so failed changes are not being replayed.'
    severity: 1
    evaluationFrequency: 'PT10M'
    windowSize: 'PT30M'
    applicationInsightsId: applicationInsights.id
    query: loadTextContent('queries/retry-pass-missing.kql')
    actionGroupIds: actionGroups
  }
}

module secretExpiry 'logAlert.bicep' = {
  name: 'alert-secret-expiry'
  params: {
    name: '${namePrefix}-secret-expiry'
    location: location
    tags: tags
    displayName: 'Exchange connector: client secret expires within 14 days'
    alertDescription: 'The retry pass reports the credential (EXCHANGE_CLIENT_SECRET_EXPIRES_ON as set now) at most 14 days from expiry: rotate it (docs/deploy.md, Rotating the client secret) before changes fail with DSEX001.'
    severity: 2
    evaluationFrequency: 'PT6H'
    windowSize: 'PT6H'
    applicationInsightsId: applicationInsights.id
    query: loadTextContent('queries/secret-expiry.kql')
    actionGroupIds: actionGroups
  }
}

// DeadletteredMessages counts the messages in the queue's dead-letter queue: above 0 means a change
// was dead-lettered (delivered 10 times without its outcome being recorded, or expired unprocessed).
resource deadLetterAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-dead-lettered'
  location: 'global'
  tags: tags
  properties: {
    description: 'A change message was dead-lettered on ${queueName}: look it up in the dead-letter queue and replay it (docs/monitoring.md).'
    severity: 2
    enabled: true
    scopes: [
      namespace.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: [queueName]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    autoMitigate: true
    actions: [
      for id in actionGroups: {
        actionGroupId: id
      }
    ]
  }
}
