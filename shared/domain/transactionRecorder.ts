import type { OperationalLog, TransactionStore } from './ports';
import { redactDeep } from './redaction';
import { fitToRowBudget } from './rowBudget';
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

/** Writes transaction rows (redacted, within the row budget) and logs one line for each. */
export class TransactionRecorder {
  constructor(private readonly deps: RecorderDependencies) {}

  async record(
    base: TransactionBase,
    previous: TransactionRecord | undefined,
    result: SyncResult,
    started: number,
  ): Promise<TransactionRecord> {
    const built = buildTransactionRecord(base, previous, result, {
      now: this.deps.now(),
      durationMs: Date.now() - started,
    });
    // Redacted first, then cut: a secret is never left half-hidden by the cut.
    const record = fitToRowBudget(redactDeep(built, this.deps.secrets()));
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

  /**
   * A sync of the appointment's newest state succeeded (from the queue, the retry pass or a manual
   * replay): its other open rows need no replay any more and are marked superseded.
   */
  async resolveOlderRows(appointmentId: string, by: string, except: readonly string[]): Promise<void> {
    const open = await this.deps.transactions.listPending(appointmentId);
    const older = open.filter((entry) => entry.transactionId !== by && !except.includes(entry.transactionId));
    await Promise.all(
      older.map(async (entry) => {
        const row = await this.deps.transactions.getTransaction(entry.transactionId);
        if (!row || row.status === 'Success') return;
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
