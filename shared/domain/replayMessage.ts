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

function fieldsOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A replay request, or undefined when the body is something else (then it is a change message). */
export function parseReplayRequest(body: unknown): ReplayRequest | undefined {
  try {
    return replayRequestOf(fieldsOf(body));
  } catch {
    // A body whose fields cannot even be read is no replay request; the change parser reports it.
    return undefined;
  }
}

function replayRequestOf(fields: Record<string, unknown> | undefined): ReplayRequest | undefined {
  if (fields?.kind !== 'replay') return undefined;
  const { transactionIds, appointmentId, reason } = fields;
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
