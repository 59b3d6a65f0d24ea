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

/** The Transactions row of a record: PK = transaction id, RK = ''. */
export function transactionRow(record: TransactionRecord): TableEntity<Entity> {
  return {
    partitionKey: encodeKey(record.transactionId),
    rowKey: '',
    TransactionId: cut(record.transactionId),
    ChangeId: cut(record.changeId),
    AppointmentId: cut(record.appointmentId),
    Operation: record.operation,
    ...optional('Version', record.version === undefined ? undefined : double(record.version)),
    Status: record.status,
    ...optional('Code', record.code),
    Message: cut(record.message),
    Attempts: record.attempts,
    CreatedAt: record.createdAt,
    LastAttemptAt: record.lastAttemptAt,
    ...optional('NextAttemptAt', record.nextAttemptAt),
    ...(record.waitingOnResources ? jsonProperties('WaitingOnResources', record.waitingOnResources) : {}),
    ...optional('NeedsManualAction', record.needsManualAction),
    ...optional('SupersededBy', record.supersededBy === undefined ? undefined : cut(record.supersededBy)),
    ...optional('RawBody', record.rawBody === undefined ? undefined : cut(record.rawBody)),
    ...optional('DurationMs', record.durationMs === undefined ? undefined : double(record.durationMs)),
    ...jsonProperties('Resources', record.resources),
  };
}

export function transactionRecord(entity: Entity): TransactionRecord {
  return {
    transactionId: asString(entity.TransactionId) ?? '',
    changeId: asString(entity.ChangeId) ?? '',
    appointmentId: asString(entity.AppointmentId) ?? '',
    operation: (asString(entity.Operation) ?? 'upsert') as TransactionRecord['operation'],
    ...optional('version', asNumber(entity.Version)),
    status: (asString(entity.Status) ?? 'Failed') as TransactionRecord['status'],
    ...optional('code', codeOf(entity.Code)),
    message: asString(entity.Message) ?? '',
    attempts: asNumber(entity.Attempts) ?? 0,
    createdAt: asDate(entity.CreatedAt) ?? new Date(0),
    lastAttemptAt: asDate(entity.LastAttemptAt) ?? new Date(0),
    resources: readJsonProperties<ResourceOutcome[]>(entity, 'Resources', []),
    ...optional('nextAttemptAt', asDate(entity.NextAttemptAt)),
    ...optional(
      'waitingOnResources',
      readJsonProperties<string[] | undefined>(entity, 'WaitingOnResources', undefined),
    ),
    ...optional('needsManualAction', asBoolean(entity.NeedsManualAction)),
    ...optional('supersededBy', asString(entity.SupersededBy)),
    ...optional('rawBody', asString(entity.RawBody)),
    ...optional('durationMs', asNumber(entity.DurationMs)),
  };
}
