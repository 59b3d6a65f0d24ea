import { historyEntryOf } from './appointmentHistory';
import { LOG_EVENTS } from './logEvents';
import type { AppointmentStore, OperationalLog, TransactionStore } from './ports';
import { redactDeep } from './redaction';
import { fitToRowBudget } from './rowBudget';
import type { SyncResult } from './syncResult';
import type { TransactionRecord } from './transaction';
import { buildTransactionRecord, supersededRecord, type TransactionBase } from './transactionRecord';

export interface RecorderDependencies {
  readonly transactions: TransactionStore;
  /** Where a row written for the first time joins its appointment's history. */
  readonly appointments: Pick<AppointmentStore, 'addToHistory'>;
  readonly log: OperationalLog;
  /** The secret values no row may hold. */
  readonly secrets: () => readonly string[];
  readonly now: () => Date;
}

/**
 * A manual replay records its outcome but is no attempt of the connector's: the attempt count and
 * the retry pass's next attempt stay as they were, so clicking Replay never pushes the backoff.
 */
function keepAutomaticSchedule(record: TransactionRecord, previous: TransactionRecord): TransactionRecord {
  const { nextAttemptAt, ...rest } = record;
  const scheduled = nextAttemptAt && (previous.nextAttemptAt ?? nextAttemptAt);
  return { ...rest, attempts: previous.attempts, ...(scheduled ? { nextAttemptAt: scheduled } : {}) };
}

/** Writes transaction rows (redacted, then fitted to the row budget) and logs one line for each. */
export class TransactionRecorder {
  constructor(private readonly deps: RecorderDependencies) {}

  /** The row for one attempt, redacted, then fitted to the row budget; not yet written. */
  build(
    base: TransactionBase,
    previous: TransactionRecord | undefined,
    result: SyncResult,
    started: number,
    options: { readonly manual?: boolean } = {},
  ): TransactionRecord {
    const attempt = buildTransactionRecord(base, previous, result, {
      now: this.deps.now(),
      durationMs: Date.now() - started,
    });
    const built = options.manual && previous ? keepAutomaticSchedule(attempt, previous) : attempt;
    // Redacted first, then cut: a secret is never left half-hidden by the cut.
    return fitToRowBudget(redactDeep(built, this.deps.secrets()));
  }

  /**
   * Writes a built row (and its index entries) and logs one line for it. A row written for the first
   * time joins its appointment's history first, unless `listed` says the appointment's own write
   * already added it: an entry whose row is missing is skipped when read, a row is never missing
   * from the history.
   */
  async write(
    record: TransactionRecord,
    previous: TransactionRecord | undefined,
    options: { readonly listed?: boolean } = {},
  ): Promise<TransactionRecord> {
    const entry = previous || options.listed ? undefined : historyEntryOf(record);
    if (entry) await this.deps.appointments.addToHistory(entry);
    await this.deps.transactions.recordTransaction(record, previous ?? null);
    this.deps.log.info(LOG_EVENTS.transaction, {
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
    options: { readonly manual?: boolean } = {},
  ): Promise<TransactionRecord> {
    return this.write(this.build(base, previous, result, started, options), previous);
  }

  /**
   * A sync of the appointment's newest state succeeded (from the queue, the retry pass or a manual
   * replay): its other open rows need no replay any more and are marked superseded. A row with a
   * replay in flight (a claim) is left to that replay, which finds the newest state synced and
   * records the same; superseding it here would leave its replay without a claim to match. Called
   * only when the stored appointment lists open transactions other than these.
   */
  async resolveOlderRows(appointmentId: string, by: string, except: readonly string[]): Promise<void> {
    const open = await this.deps.transactions.listPending(appointmentId);
    const older = open.filter(
      (entry) => entry.transactionId !== by && !except.includes(entry.transactionId) && !entry.claim,
    );
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
