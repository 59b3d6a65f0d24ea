import type { TableEntity } from '@azure/data-tables';
import type { PendingReplay } from '../../domain/ports';
import type { TransactionRecord } from '../../domain/transaction';
import {
  asDate,
  asNumber,
  asString,
  cut,
  jsonProperties,
  optional,
  readJsonProperties,
} from './entityValues';
import { encodeKey } from './keys';
import type { Entity } from './tableClients';
import { codeOf } from './transactionRow';

/** The single partition of the retry index: the retry pass reads it and nothing else. */
export const PENDING_PARTITION = 'pending';

/** RK = appointment, then transaction: one appointment's open rows are one range of the partition. */
export function pendingRowKey(appointmentId: string, transactionId: string): string {
  return `${appointmentPrefix(appointmentId)}${encodeKey(transactionId)}`;
}

/** Every row key of the appointment starts with this; `|` never occurs inside an encoded key. */
export function appointmentPrefix(appointmentId: string): string {
  return `${encodeKey(appointmentId)}|`;
}

/** The retry index entry of a record that has a next attempt: PK = `pending`, RK = transaction id. */
export function pendingEntry(record: TransactionRecord, nextAttemptAt: Date): TableEntity<Entity> {
  return {
    partitionKey: PENDING_PARTITION,
    rowKey: pendingRowKey(record.appointmentId, record.transactionId),
    TransactionId: cut(record.transactionId),
    AppointmentId: cut(record.appointmentId),
    ...optional('Code', record.code),
    Attempts: record.attempts,
    FirstFailedAt: record.createdAt,
    LastAttemptAt: record.lastAttemptAt,
    NextAttemptAt: nextAttemptAt,
    ...jsonProperties('WaitingOnResources', record.waitingOnResources ?? []),
  };
}

export function pendingReplay(entity: Entity): PendingReplay {
  return {
    transactionId: asString(entity.TransactionId) ?? '',
    appointmentId: asString(entity.AppointmentId) ?? '',
    code: codeOf(entity.Code),
    attempts: asNumber(entity.Attempts) ?? 0,
    firstFailedAt: asDate(entity.FirstFailedAt) ?? new Date(0),
    lastAttemptAt: asDate(entity.LastAttemptAt) ?? new Date(0),
    nextAttemptAt: asDate(entity.NextAttemptAt) ?? new Date(0),
    waitingOnResources: readJsonProperties<string[]>(entity, 'WaitingOnResources', []),
    claim: asString(entity.ReplayClaim) ?? '',
    etag: asString(entity.etag) ?? '',
  };
}
