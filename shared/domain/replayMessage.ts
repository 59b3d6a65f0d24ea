import { isFields, readField } from './fields';

/**
 * The connector's own message asking for transactions of one appointment to be replayed with the
 * newest state of that appointment. The retry pass and the Errors page send it; the back office never does.
 */
export interface ReplayRequest {
  readonly kind: 'replay';
  readonly appointmentId: string;
  /** Every retryable transaction of the appointment: one sync records its outcome on each. */
  readonly transactionIds: readonly string[];
  readonly reason: 'retry pass' | 'manual';
}

/** A replay request, or undefined when the body is something else (then it is a change message). */
export function parseReplayRequest(body: unknown): ReplayRequest | undefined {
  try {
    return isFields(body) ? replayRequestOf(body) : undefined;
  } catch {
    // A body whose fields cannot even be read is no replay request; the change parser reports it.
    return undefined;
  }
}

function replayRequestOf(fields: object): ReplayRequest | undefined {
  if (readField(fields, 'kind') !== 'replay') return undefined;
  const transactionIds = readField(fields, 'transactionIds');
  const appointmentId = readField(fields, 'appointmentId');
  const reason = readField(fields, 'reason');
  if (typeof appointmentId !== 'string' || !Array.isArray(transactionIds) || transactionIds.length === 0) {
    return undefined;
  }
  if (!transactionIds.every((id): id is string => typeof id === 'string')) return undefined;
  return {
    kind: 'replay',
    appointmentId,
    transactionIds,
    reason: reason === 'manual' ? 'manual' : 'retry pass',
  };
}
