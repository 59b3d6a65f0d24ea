import { keyProblem } from './storageKeys';
import type { TransactionRecord } from './transaction';

/** One transaction of an appointment as its history lists it. */
export type HistoryRow = Pick<
  TransactionRecord,
  | 'transactionId'
  | 'appointmentId'
  | 'operation'
  | 'status'
  | 'code'
  | 'message'
  | 'attempts'
  | 'createdAt'
  | 'lastAttemptAt'
  | 'nextAttemptAt'
>;

/**
 * Where a transaction stands in its appointment's history: written once, before its row is first
 * written, and never changed (the row's creation time orders the history).
 */
export interface HistoryEntry {
  readonly appointmentId: string;
  readonly transactionId: string;
  readonly createdAt: Date;
}

/**
 * The history entry of a row; none for a row of no appointment (a resource, a nameless message) or
 * of an appointment id no key can hold (an invalid message's, DSEX050: no change of it is ever synced).
 */
export function historyEntryOf(record: TransactionRecord): HistoryEntry | undefined {
  const { appointmentId, transactionId, createdAt } = record;
  if (!appointmentId || keyProblem('appointmentId', appointmentId) !== undefined) return undefined;
  return { appointmentId, transactionId, createdAt };
}

/** Every transaction row of one appointment, oldest first, successes included. */
export interface AppointmentHistory {
  /** At most `limit` rows, oldest first; `more` when the appointment has further rows. */
  listHistory(appointmentId: string, limit: number): Promise<{ rows: HistoryRow[]; more: boolean }>;
}
