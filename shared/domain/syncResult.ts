import type { DiagnosedFailure } from './failures';
import type { ResourceOutcome } from './transaction';

/** The outcome of syncing one appointment state, before it becomes a transaction row. */
export interface SyncResult {
  readonly resources: readonly ResourceOutcome[];
  /** A failure of the whole change (settings, token, no resources), when there is one. */
  readonly failure?: DiagnosedFailure;
  readonly retryAfterMs: number;
}

/** A change that failed as a whole, before any resource was written. */
export function failedWith(
  failure: DiagnosedFailure,
  resources: readonly ResourceOutcome[] = [],
): SyncResult {
  return { resources, failure, retryAfterMs: failure.retryAfterMs ?? 0 };
}

/** Whether every resource synced: the appointment's state is now what Exchange shows. */
export function fullySynced(result: SyncResult): boolean {
  return !result.failure && result.resources.every((r) => r.code === undefined);
}
