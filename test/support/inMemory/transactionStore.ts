import { failureEntry as failureEntity } from '../../../shared/adapters/tables/failureEntry';
import { dayKey, newestFirstRowKey } from '../../../shared/adapters/tables/keys';
import { transactionRow } from '../../../shared/adapters/tables/transactionRow';
import type { FailureSummary, PendingReplay, TransactionStore } from '../../../shared/domain/ports';
import type { TransactionRecord } from '../../../shared/domain/transaction';
import { checkEntity, nextEtag, stored, tableKey } from './entities';

/** A Failures entry as `failureEntry` writes it, under its day partition and newest-first row key. */
export interface FailureEntry {
  readonly partitionKey: string;
  readonly rowKey: string;
  readonly summary: FailureSummary;
}

function failureEntry(record: TransactionRecord): FailureEntry {
  return {
    partitionKey: dayKey(record.createdAt),
    rowKey: newestFirstRowKey(record.createdAt, record.transactionId),
    summary: {
      transactionId: record.transactionId,
      appointmentId: record.appointmentId,
      operation: record.operation,
      status: record.status,
      ...(record.code ? { code: record.code } : {}),
      message: record.message,
      attempts: record.attempts,
      createdAt: record.createdAt,
      lastAttemptAt: record.lastAttemptAt,
      ...(record.nextAttemptAt ? { nextAttemptAt: record.nextAttemptAt } : {}),
      needsManualAction: record.needsManualAction === true,
      resources: record.resources
        .filter((resource) => resource.status !== 'Success')
        .map((resource) => ({ name: resource.name, mailbox: resource.mailbox })),
    },
  };
}

function pendingEntry(record: TransactionRecord, nextAttemptAt: Date): PendingReplay {
  return {
    transactionId: record.transactionId,
    appointmentId: record.appointmentId,
    code: record.code,
    attempts: record.attempts,
    firstFailedAt: record.createdAt,
    lastAttemptAt: record.lastAttemptAt,
    nextAttemptAt,
    waitingOnResources: record.waitingOnResources ?? [],
    claim: '',
    etag: nextEtag(),
  };
}

/**
 * Transactions with their Failures and Pending indexes, kept in step as `TableTransactionStore`
 * keeps them: the row is replaced, the Failures entry upserted while the status is not Success, the
 * Pending entry upserted while `nextAttemptAt` is set, and the index deletes skipped when `previous`
 * is `null` (a change never recorded before). A claim is a merge under the entry's ETag.
 */
export class InMemoryTransactionStore implements TransactionStore {
  private readonly rows = new Map<string, TransactionRecord>();
  private readonly failures = new Map<string, FailureEntry>();
  private readonly pending = new Map<string, PendingReplay>();
  private writeFailure: Error | undefined;

  /** Makes every later `recordTransaction` throw (storage unreachable), or heals it with `undefined`. */
  failWrites(error: Error | undefined): void {
    this.writeFailure = error;
  }

  async getTransaction(transactionId: string): Promise<TransactionRecord | undefined> {
    const row = this.rows.get(transactionId);
    return row ? stored(row) : undefined;
  }

  async recordTransaction(record: TransactionRecord, previous?: TransactionRecord | null): Promise<void> {
    if (this.writeFailure) throw this.writeFailure;
    checkEntity(transactionRow(record));
    if (record.status !== 'Success') checkEntity(failureEntity(record));
    if (record.nextAttemptAt) tableKey(record.appointmentId, record.transactionId);
    this.rows.set(record.transactionId, stored(record));
    const neverRecorded = previous === null;
    const failure = failureEntry(record);
    const failureKey = `${failure.partitionKey}/${failure.rowKey}`;
    if (record.status !== 'Success') this.failures.set(failureKey, stored(failure));
    else if (!neverRecorded) this.failures.delete(failureKey);
    if (record.nextAttemptAt)
      this.pending.set(record.transactionId, pendingEntry(record, record.nextAttemptAt));
    else if (!neverRecorded) this.pending.delete(record.transactionId);
  }

  async listPending(appointmentId?: string): Promise<PendingReplay[]> {
    return [...this.pending.values()]
      .filter((entry) => appointmentId === undefined || entry.appointmentId === appointmentId)
      .sort((a, b) => (a.transactionId < b.transactionId ? -1 : 1))
      .map((entry) => stored(entry));
  }

  async claimPending(
    entry: PendingReplay,
    nextAttemptAt: Date,
    attempts = entry.attempts + 1,
    claim = '',
  ): Promise<boolean> {
    const current = this.pending.get(entry.transactionId);
    // 404 (entry gone) and 412 (ETag moved on) both mean another writer got there first.
    if (!current || current.etag !== entry.etag) return false;
    this.pending.set(entry.transactionId, {
      ...current,
      nextAttemptAt,
      attempts,
      claim,
      etag: nextEtag(),
    });
    return true;
  }

  /** The Failures index as stored (what the Errors page reads). */
  failureEntries(): FailureEntry[] {
    return [...this.failures.values()].map((entry) => stored(entry));
  }
}
