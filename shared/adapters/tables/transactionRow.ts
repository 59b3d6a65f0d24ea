import type { TableEntity } from '@azure/data-tables';
import { type Code, isCode } from '../../domain/catalogue';
import type { ResourceOutcome, TransactionRecord } from '../../domain/transaction';
import {
  asBoolean,
  asDate,
  asNumber,
  asString,
  cut,
  double,
  jsonProperties,
  optional,
  readJsonProperties,
} from './entityValues';
import { encodeKey } from './keys';
import type { Entity } from './tableClients';

export function codeOf(value: unknown): Code | undefined {
  return typeof value === 'string' && isCode(value) ? value : undefined;
}

/** The columns a Transactions row and its Failures entry share. */
export function sharedColumns(record: TransactionRecord): Entity {
  return {
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
  };
}

/** Reads what `sharedColumns` wrote. */
export function sharedFields(entity: Entity) {
  return {
    transactionId: asString(entity.TransactionId) ?? '',
    appointmentId: asString(entity.AppointmentId) ?? '',
    operation: (asString(entity.Operation) ?? 'upsert') as TransactionRecord['operation'],
    status: (asString(entity.Status) ?? 'Failed') as TransactionRecord['status'],
    ...optional('code', codeOf(entity.Code)),
    message: asString(entity.Message) ?? '',
    attempts: asNumber(entity.Attempts) ?? 0,
    createdAt: asDate(entity.CreatedAt) ?? new Date(0),
    lastAttemptAt: asDate(entity.LastAttemptAt) ?? new Date(0),
    ...optional('nextAttemptAt', asDate(entity.NextAttemptAt)),
  };
}

/** The Transactions row of a record: PK = transaction id, RK = ''. */
export function transactionRow(record: TransactionRecord): TableEntity<Entity> {
  return {
    partitionKey: encodeKey(record.transactionId),
    rowKey: '',
    ...sharedColumns(record),
    ChangeId: cut(record.changeId),
    ...optional('Version', record.version === undefined ? undefined : double(record.version)),
    ...(record.waitingOnResources ? jsonProperties('WaitingOnResources', record.waitingOnResources) : {}),
    ...optional('NeedsManualAction', record.needsManualAction),
    ...optional('RawBody', record.rawBody === undefined ? undefined : cut(record.rawBody)),
    ...optional('DurationMs', record.durationMs === undefined ? undefined : double(record.durationMs)),
    ...jsonProperties('Resources', record.resources),
  };
}

export function transactionRecord(entity: Entity): TransactionRecord {
  return {
    ...sharedFields(entity),
    changeId: asString(entity.ChangeId) ?? '',
    ...optional('version', asNumber(entity.Version)),
    resources: readJsonProperties<ResourceOutcome[]>(entity, 'Resources', []),
    ...optional(
      'waitingOnResources',
      readJsonProperties<string[] | undefined>(entity, 'WaitingOnResources', undefined),
    ),
    ...optional('needsManualAction', asBoolean(entity.NeedsManualAction)),
    ...optional('rawBody', asString(entity.RawBody)),
    ...optional('durationMs', asNumber(entity.DurationMs)),
  };
}
