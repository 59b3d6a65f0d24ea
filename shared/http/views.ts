import { catalogueEntry } from '../domain/catalogue';
import type { FailureSummary } from '../domain/ports';
import { replayRefusal } from '../domain/replayRefusal';
import type { TransactionRecord } from '../domain/transaction';

/** Whether the Errors page offers Replay: the rule `RetryPass.replayNow` applies. */
export function canReplay(
  item: Pick<FailureSummary, 'transactionId' | 'status' | 'code' | 'appointmentId'>,
): boolean {
  return replayRefusal(item) === undefined;
}

interface Dated {
  readonly createdAt: Date;
  readonly lastAttemptAt: Date;
  readonly nextAttemptAt?: Date | undefined;
}

function withIsoDates<T extends Dated>(item: T) {
  return {
    ...item,
    createdAt: item.createdAt.toISOString(),
    lastAttemptAt: item.lastAttemptAt.toISOString(),
    nextAttemptAt: item.nextAttemptAt?.toISOString(),
  };
}

/** One failure as the API answers it: dates in ISO 8601, the code's title, and whether it can be replayed. */
export function failureSummaryView(item: FailureSummary) {
  return {
    ...withIsoDates(item),
    title: item.code ? catalogueEntry(item.code).title : undefined,
    replayable: canReplay(item),
  };
}

export function transactionView(record: TransactionRecord) {
  return withIsoDates(record);
}
