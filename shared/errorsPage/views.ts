import { catalogueEntry, isReplayable } from '../domain/catalogue';
import type { FailureSummary } from '../domain/ports';
import type { TransactionRecord } from '../domain/transaction';

/** Whether the Errors page offers Replay: the same rule `RetryPass.replayNow` applies. */
export function canReplay(item: Pick<FailureSummary, 'code' | 'appointmentId'>): boolean {
  return item.code !== undefined && isReplayable(item.code) && item.appointmentId !== '';
}

/** One failure as the API answers it: dates in ISO 8601, the code's title, and whether it can be replayed. */
export function failureSummaryView(item: FailureSummary) {
  return {
    ...item,
    createdAt: item.createdAt.toISOString(),
    lastAttemptAt: item.lastAttemptAt.toISOString(),
    nextAttemptAt: item.nextAttemptAt?.toISOString(),
    title: item.code ? catalogueEntry(item.code).title : undefined,
    replayable: canReplay(item),
  };
}

export function transactionView(record: TransactionRecord) {
  return {
    ...record,
    createdAt: record.createdAt.toISOString(),
    lastAttemptAt: record.lastAttemptAt.toISOString(),
    nextAttemptAt: record.nextAttemptAt?.toISOString(),
  };
}
