import { type Code, catalogueEntry, isReplayable, mostSevere } from './catalogue';
import { nextAttemptAt } from './retryPolicy';
import type { SyncResult } from './syncResult';
import type { ResourceOutcome, TransactionOperation, TransactionRecord } from './transaction';

/** What identifies the row a result is recorded on. */
export interface TransactionBase {
  readonly transactionId: string;
  readonly changeId: string;
  readonly appointmentId: string;
  readonly operation: TransactionOperation;
  readonly version?: number;
  readonly rawBody?: string;
}

/** Outcomes that decide the row's code: written resources, or the skipped ones when nothing was written. */
function countedOutcomes(resources: readonly ResourceOutcome[]): ResourceOutcome[] {
  const anyWritten = resources.some((r) => r.action !== 'none');
  return resources.filter((r) => r.code && (r.action !== 'none' || !anyWritten));
}

function successMessage(base: TransactionBase, result: SyncResult): string {
  if (base.operation === 'resource') return result.resources[0]?.message ?? 'Saved.';
  const written = result.resources.filter((r) => r.action !== 'none').length;
  return `Synced ${written} resource event${written === 1 ? '' : 's'}.`;
}

function failureMessage(code: Code, result: SyncResult, counted: readonly ResourceOutcome[]): string {
  const worst =
    result.failure?.code === code ? result.failure.message : counted.find((r) => r.code === code)?.message;
  const failedCount = counted.length;
  const suffix =
    !result.failure && failedCount > 1
      ? ` (${failedCount} of ${result.resources.length} resources did not sync)`
      : '';
  return `[${code}] ${worst ?? ''}${suffix}`;
}

/**
 * The row for one attempt of a change: the most severe code of its outcomes, the message that
 * starts with it, attempts counted on from the previous row, and the next replay when replayable.
 */
export function buildTransactionRecord(
  base: TransactionBase,
  previous: TransactionRecord | undefined,
  result: SyncResult,
  timing: { readonly now: Date; readonly durationMs: number },
): TransactionRecord {
  const counted = countedOutcomes(result.resources);
  const codes = [...counted.map((r) => r.code as Code), ...(result.failure ? [result.failure.code] : [])];
  const code = mostSevere(codes);
  const attempts = (previous?.attempts ?? 0) + 1;
  // Replays sync an appointment's newest state: a row without an appointment is never replayed.
  const replayable = code !== undefined && isReplayable(code) && base.appointmentId !== '';
  const waiting = result.resources
    .filter((r) => r.code === 'DSEX011' || r.code === 'DSEX012')
    .map((r) => r.resourceId);
  return {
    ...base,
    status: code ? catalogueEntry(code).status : 'Success',
    ...(code ? { code } : {}),
    message: code ? failureMessage(code, result, counted) : successMessage(base, result),
    attempts,
    createdAt: previous?.createdAt ?? timing.now,
    lastAttemptAt: timing.now,
    resources: result.resources,
    ...(replayable ? { nextAttemptAt: nextAttemptAt(timing.now, attempts, result.retryAfterMs) } : {}),
    ...(replayable && waiting.length > 0 ? { waitingOnResources: waiting } : {}),
    durationMs: timing.durationMs,
  };
}

/** An open row resolved because a later sync of its appointment succeeded (DSEX022, not replayed). */
export function supersededRecord(row: TransactionRecord, by: string, now: Date): TransactionRecord {
  const { nextAttemptAt: _next, waitingOnResources: _waiting, needsManualAction: _manual, ...rest } = row;
  return {
    ...rest,
    status: catalogueEntry('DSEX022').status,
    code: 'DSEX022',
    message: `[DSEX022] Superseded: transaction ${by} synced the newest state of appointment ${row.appointmentId}; this change needs no replay.`,
    lastAttemptAt: now,
  };
}
