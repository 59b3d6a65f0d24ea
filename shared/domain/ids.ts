import { createHash } from 'node:crypto';

function digest(...parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/** The transaction row of a change: the same for every delivery and replay of that change. */
export function transactionIdFor(changeId: string): string {
  return `tx-${digest('change', changeId).slice(0, 24)}`;
}

/**
 * Graph's `transactionId` for creating the event of one resource of one appointment, so a retried
 * create returns the event made before instead of a second one. `generation` changes only when the
 * event is recreated after someone deleted it in Outlook.
 */
export function eventTransactionId(
  appointmentId: string,
  resourceId: string,
  mailbox: string,
  generation = '',
): string {
  const hex = digest('event', appointmentId, resourceId, mailbox.toLowerCase(), generation);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Service Bus message id of a replay, so an overlapping or repeated pass sends nothing twice. */
export function replayMessageId(transactionId: string, attempt: number): string {
  return `replay:${transactionId}:${attempt}`;
}
