// One log alert rule (scheduled query) on Application Insights: it fires when the query's measure
// column adds up to more than 0 in the window, or, without a measure, when the query returns a row.

import { tagsType } from 'types.bicep'

@description('Name of the alert rule.')
param name string

@description('Azure region of the rule.')
param location string

@description('Tags for the rule.')
param tags tagsType

@description('Title the on-call engineer sees.')
param displayName string

@description('What the alert means and where to start.')
param alertDescription string

@minValue(0)
@maxValue(4)
@description('Severity, 0 (critical) to 4 (verbose).')
param severity int

@description('How often the query runs (ISO 8601 duration).')
param evaluationFrequency string

@description('The time span the query looks at (ISO 8601 duration).')
param windowSize string

@description('Resource id of the Application Insights component the query runs on.')
param applicationInsightsId string

@description('The KQL.')
param query string

@description('Column whose total must exceed 0; empty: the number of rows must.')
param measureColumn string = ''

@description('Column whose values split the alert (one alert per value); empty: no split.')
param dimension string = ''

@description('Action groups to notify.')
param actionGroupIds string[]

resource rule 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    displayName: displayName
    description: alertDescription
    severity: severity
    enabled: true
    scopes: [
      applicationInsightsId
    ]
    evaluationFrequency: evaluationFrequency
    windowSize: windowSize
    criteria: {
      allOf: [
        {
          query: query
          timeAggregation: empty(measureColumn) ? 'Count' : 'Total'
          metricMeasureColumn: empty(measureColumn) ? null : measureColumn
          dimensions: empty(dimension)
            ? []
            : [
                {
                  name: dimension
                  operator: 'Include'
                  values: ['*']
                }
              ]
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: actionGroupIds
    }
  }
}
