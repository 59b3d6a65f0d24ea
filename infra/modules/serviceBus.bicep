// Service Bus namespace (Standard: duplicate detection needs it) with local (SAS) authentication off,
// and the queue the back office writes change messages to.

import { tagsType } from 'types.bicep'

@description('Name of the Service Bus namespace.')
param name string

@description('Azure region of the namespace.')
param location string

@description('Tags for the namespace.')
param tags tagsType

@description('Queue of change messages (APPOINTMENT_QUEUE).')
param queueName string

// TLS: Azure Service Bus accepts TLS 1.2 or later only since TLS 1.0/1.1 were retired, so the
// minimumTlsVersion property (preview API versions only) is not needed with this GA API version.
resource namespace 'Microsoft.ServiceBus/namespaces@2021-11-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
  }
}

resource queue 'Microsoft.ServiceBus/namespaces/queues@2021-11-01' = {
  parent: namespace
  name: queueName
  properties: {
    // The queue requires sessions (below), so this is also the session lock: the session of an
    // appointment is held by one instance at a time and renewed by the Functions host while it works
    // (up to host.json extensions.serviceBus.maxAutoLockRenewalDuration, 00:05:00). One minute is how
    // long the changes of an appointment wait when the instance holding its session crashes, before
    // another instance takes the session over; renewals every ~30 s keep a working instance's lock.
    lockDuration: 'PT1M'
    maxDeliveryCount: 10
    // Two weeks, like the retry window (RETRY_WINDOW_DAYS 14): a change nobody processed in that time
    // goes to the dead-letter queue instead of vanishing.
    defaultMessageTimeToLive: 'P14D'
    deadLetteringOnMessageExpiration: true
    // The retry pass (every 5 minutes) re-enqueues with a deterministic message id per transaction
    // and attempt (replay:<transactionId>:<attempt>), so an overlapping pass, a pass retried after
    // an ambiguous send failure, or a double click on Replay sends nothing twice. The window must
    // outlast the gap between two passes (5 min) with room for a late or slow pass; one hour covers
    // twelve passes. A later attempt carries a new id, so the window never swallows a real replay.
    // Duplicate detection cannot be switched on or off after the queue exists.
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT1H'
    // One truth per appointment across instances: the back office sends every change of an
    // appointment with sessionId = the appointment id (resource changes: resource:<id>), the
    // connector's replays do the same, and Service Bus hands a session to one instance at a time,
    // in order. A message without a session id is refused at send. requiresSession cannot be
    // changed on an existing queue: an existing deployment drains the queue and recreates it
    // (docs/scale-out.md).
    requiresSession: true
    enablePartitioning: false
    maxSizeInMegabytes: 1024
  }
}

output name string = namespace.name
output queueName string = queue.name
// e.g. contoso-sb.servicebus.windows.net (national clouds have other suffixes, hence no literal).
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
