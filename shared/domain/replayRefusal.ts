import { catalogueEntry, isReplayable } from './catalogue';
import type { TransactionRecord } from './transaction';

/**
 * Why a transaction cannot be replayed, or undefined when it can: the one rule the Errors page's
 * Replay button and the replay API both apply.
 */
export function replayRefusal(row: {
  readonly transactionId: string;
  readonly status: TransactionRecord['status'];
  readonly code?: TransactionRecord['code'] | undefined;
  readonly appointmentId: string;
}): string | undefined {
  if (row.status === 'Success') return `Transaction ${row.transactionId} already succeeded.`;
  if (!row.code || !isReplayable(row.code) || !row.appointmentId) {
    const why = row.code ? catalogueEntry(row.code).title : 'nothing failed';
    return `Transaction ${row.transactionId} (${row.code ?? 'no code'}) cannot be replayed: ${why}.`;
  }
  return undefined;
}
