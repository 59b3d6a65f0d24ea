// An Azure Monitor workbook on Application Insights for the on-call engineer: outcomes per code over
// time, what the retry pass replayed, and throughput. Its queries live in queries/*.kql.

import { tagsType } from 'types.bicep'

@description('Azure region of the workbook.')
param location string

@description('Tags for the workbook.')
param tags tagsType

@description('Name of the Application Insights component the workbook reads.')
param applicationInsightsName string

@description('Display name of the workbook in the portal.')
param displayName string

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

@description('A query step of a workbook (type 3) drawn as a chart.')
type chartType = {
  type: 3
  name: string
  content: {
    version: 'KqlItem/1.0'
    title: string
    query: string
    size: 0
    queryType: 0
    resourceType: 'microsoft.insights/components'
    visualization: string
    timeContextFromParameter: 'TimeRange'
  }
}

func chart(name string, title string, query string, visualization string) chartType => {
  type: 3
  name: name
  content: {
    version: 'KqlItem/1.0'
    title: title
    query: query
    size: 0
    queryType: 0
    resourceType: 'microsoft.insights/components'
    visualization: visualization
    timeContextFromParameter: 'TimeRange'
  }
}

var content = {
  version: 'Notebook/1.0'
  items: [
    {
      type: 1
      name: 'about'
      content: {
        json: '## Exchange connector\nEach structured log line is one JSON object in `traces.message`; these charts parse it. Codes are explained in docs/errors.md and on the Errors page.'
      }
    }
    {
      type: 9
      name: 'parameters'
      content: {
        version: 'KqlParameterItem/1.0'
        parameters: [
          {
            name: 'TimeRange'
            label: 'Time range'
            type: 4
            isRequired: true
            value: {
              durationMs: 86400000
            }
            typeSettings: {
              allowCustom: true
            }
          }
        ]
      }
    }
    chart('failures-per-code', 'Outcomes per code (failures and skips)', loadTextContent('queries/failures-per-code.kql'), 'timechart')
    chart('replays', 'Retry pass: replayed and pending', loadTextContent('queries/replays.kql'), 'timechart')
    chart('throughput', 'Throughput: transactions per 5 minutes by status', loadTextContent('queries/throughput.kql'), 'timechart')
    chart('manual-replays', 'Manual replays: who replayed what', loadTextContent('queries/manual-replays.kql'), 'table')
  ]
  fallbackResourceIds: [
    applicationInsights.id
  ]
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  // A workbook's name is a GUID; this one is stable per component, so a redeployment updates it.
  name: guid(applicationInsights.id, 'exchange-connector-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    sourceId: applicationInsights.id
    serializedData: string(content)
  }
}
