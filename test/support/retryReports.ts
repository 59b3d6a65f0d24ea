import type { RetryPassReport } from '../../shared/domain/retryPass';

/** A pass's report: the given counts, every other count zero, no probe run. */
export function counted(counts: Partial<RetryPassReport> = {}): RetryPassReport {
  return {
    pending: 0,
    replayed: 0,
    appointments: 0,
    agedOut: 0,
    notDue: 0,
    heldByProbe: 0,
    waitingOnResource: 0,
    lostClaims: 0,
    probes: {},
    ...counts,
  };
}
