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

/** The history entry of a row; none for a row of no appointment (a resource, a nameless message). */
export function historyEntryOf(record: TransactionRecord): HistoryEntry | undefined {
  const { appointmentId, transactionId, createdAt } = record;
  return appointmentId ? { appointmentId, transactionId, createdAt } : undefined;
}

/** Every transaction row of one appointment, oldest first, successes included. */
export interface AppointmentHistory {
  /** At most `limit` rows, oldest first; `more` when the appointment has further rows. */
  listHistory(appointmentId: string, limit: number): Promise<{ rows: HistoryRow[]; more: boolean }>;
}
