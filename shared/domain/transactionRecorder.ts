import type { OperationalLog, TransactionStore } from './ports';
import { redactDeep } from './redaction';
import type { SyncResult } from './syncResult';
import type { TransactionRecord } from './transaction';
import { buildTransactionRecord, supersededRecord, type TransactionBase } from './transactionRecord';

export interface RecorderDependencies {
  readonly transactions: TransactionStore;
  readonly log: OperationalLog;
  /** The secret values no row may hold. */
  readonly secrets: () => readonly string[];
  readonly now: () => Date;
}

/** Writes transaction rows (redacted) and logs one line for each. */
export class TransactionRecorder {
  constructor(private readonly deps: RecorderDependencies) {}

  /** The row for one attempt, redacted, not yet written. */
  build(
    base: TransactionBase,
    previous: TransactionRecord | undefined,
    result: SyncResult,
    started: number,
  ): TransactionRecord {
    const built = buildTransactionRecord(base, previous, result, {
      now: this.deps.now(),
      durationMs: Date.now() - started,
    });
    return redactDeep(built, this.deps.secrets());
  }

  /** Writes a built row (and its index entries) and logs one line for it. */
  async write(
    record: TransactionRecord,
    previous: TransactionRecord | undefined,
  ): Promise<TransactionRecord> {
    await this.deps.transactions.recordTransaction(record, previous ?? null);
    this.deps.log.info('transaction', {
      transactionId: record.transactionId,
      appointmentId: record.appointmentId,
      operation: record.operation,
      status: record.status,
      code: record.code ?? '',
      attempts: record.attempts,
      resources: record.resources.length,
      durationMs: record.durationMs,
    });
    return record;
  }

  record(
    base: TransactionBase,
    previous: TransactionRecord | undefined,
    result: SyncResult,
    started: number,
  ): Promise<TransactionRecord> {
    return this.write(this.build(base, previous, result, started), previous);
  }

  /**
   * A sync of the appointment's newest state succeeded (from the queue, the retry pass or a manual
   * replay): its other open rows (`candidates`, from the stored appointment) need no replay any more
   * and are marked superseded. A candidate resolved meanwhile (no next attempt) is left alone.
   */
  async resolveOlderRows(appointmentId: string, by: string, candidates: readonly string[]): Promise<void> {
    await Promise.all(
      candidates.map(async (transactionId) => {
        const row = await this.deps.transactions.getTransaction(transactionId);
        if (!row || row.status === 'Success' || row.nextAttemptAt === undefined) return;
        await this.deps.transactions.recordTransaction(supersededRecord(row, by, this.deps.now()), row);
        this.deps.log.info('transaction superseded', {
          transactionId: row.transactionId,
          appointmentId,
          supersededBy: by,
        });
      }),
    );
  }
}
