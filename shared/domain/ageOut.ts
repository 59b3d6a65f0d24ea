import type { AppointmentStore, PendingReplay, TransactionStore } from './ports';
import { syncedNewest } from './replayTransactions';
import type { TransactionRecord } from './transaction';
import { supersededRecord } from './transactionRecord';

export interface AgeOutDependencies {
  readonly transactions: TransactionStore;
  readonly appointments: AppointmentStore;
  readonly windowDays: number;
}

/**
 * A row leaving the retry window needs an administrator, unless its appointment has synced since
 * (then it is superseded). Answers false when the row is gone.
 */
export async function ageOut(deps: AgeOutDependencies, entry: PendingReplay, now: Date): Promise<boolean> {
  const row = await deps.transactions.getTransaction(entry.transactionId);
  if (!row) return false;
  const { state } = await deps.appointments.getAppointment(row.appointmentId);
  const newest = state && (await syncedNewest(deps.transactions, state, [row.transactionId]));
  if (newest) {
    await deps.transactions.recordTransaction(supersededRecord(row, newest, now), row);
    return true;
  }
  const { nextAttemptAt: _dropped, ...rest } = row;
  const record: TransactionRecord = {
    ...rest,
    needsManualAction: true,
    message: row.message.includes('Needs manual action')
      ? row.message
      : `${row.message} Needs manual action: unresolved after ${deps.windowDays} days, no longer replayed automatically.`,
  };
  await deps.transactions.recordTransaction(record);
  return true;
}
