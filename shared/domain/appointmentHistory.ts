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

/** Every transaction row of one appointment, oldest first, successes included. */
export interface AppointmentHistory {
  /** At most `limit` rows, oldest first; `more` when the appointment has further rows. */
  listHistory(appointmentId: string, limit: number): Promise<{ rows: HistoryRow[]; more: boolean }>;
}
