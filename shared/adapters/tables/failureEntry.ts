import type { TableEntity } from '@azure/data-tables';
import type { FailureSummary } from '../../domain/ports';
import type { TransactionRecord } from '../../domain/transaction';
import {
  asBoolean,
  asDate,
  asNumber,
  asString,
  cut,
  jsonProperties,
  optional,
  readJsonProperties,
} from './entityValues';
import { dayKey, newestFirstRowKey } from './keys';
import type { Entity } from './tableClients';
import { codeOf } from './transactionRow';

/** Where a record's Failures entry lives; createdAt never changes, so neither does the key. */
export function failureKeys(record: TransactionRecord): { partitionKey: string; rowKey: string } {
  return {
    partitionKey: dayKey(record.createdAt),
    rowKey: newestFirstRowKey(record.createdAt, record.transactionId),
  };
}

/** The Errors page line of a record that is not Success: PK = UTC day, RK = newest first. */
export function failureEntry(record: TransactionRecord): TableEntity<Entity> {
  const failedResources = record.resources
    .filter((resource) => resource.status !== 'Success')
    .map((resource) => ({ name: resource.name, mailbox: resource.mailbox }));
  return {
    ...failureKeys(record),
    TransactionId: cut(record.transactionId),
    AppointmentId: cut(record.appointmentId),
    Operation: record.operation,
    Status: record.status,
    ...optional('Code', record.code),
    Message: cut(record.message),
    Attempts: record.attempts,
    CreatedAt: record.createdAt,
    LastAttemptAt: record.lastAttemptAt,
    ...optional('NextAttemptAt', record.nextAttemptAt),
    NeedsManualAction: record.needsManualAction === true,
    ...jsonProperties('Resources', failedResources),
  };
}

export function failureSummary(entity: Entity): FailureSummary {
  return {
    transactionId: asString(entity.TransactionId) ?? '',
    appointmentId: asString(entity.AppointmentId) ?? '',
    operation: (asString(entity.Operation) ?? 'upsert') as FailureSummary['operation'],
    status: (asString(entity.Status) ?? 'Failed') as FailureSummary['status'],
    ...optional('code', codeOf(entity.Code)),
    message: asString(entity.Message) ?? '',
    attempts: asNumber(entity.Attempts) ?? 0,
    createdAt: asDate(entity.CreatedAt) ?? new Date(0),
    lastAttemptAt: asDate(entity.LastAttemptAt) ?? new Date(0),
    ...optional('nextAttemptAt', asDate(entity.NextAttemptAt)),
    needsManualAction: asBoolean(entity.NeedsManualAction) ?? false,
    resources: readJsonProperties<FailureSummary['resources']>(entity, 'Resources', []),
  };
}
