import type { StoredMessage } from './messageQueue';
import { type AmqpMessage, dataSections, decodeMessage, wire } from './rheaAdapter';

/** Service Bus batches travel with this message format: one encoded message per data section. */
export const BATCH_MESSAGE_FORMAT = 0x80013700;

const MESSAGE_STATE = { active: 0, locked: 0, deferred: 1, scheduled: 2 } as const;

/** The messages in one incoming transfer: a single message, or the contents of a batch. */
export function unpackTransfer(payload: AmqpMessage | Buffer): AmqpMessage[] {
  if (!Buffer.isBuffer(payload)) return [payload];
  return dataSections(decodeMessage(payload).body).map(decodeMessage);
}

/** The message as a receiver (or a peek) sees it: broker annotations and the delivery count added. */
export function brokeredMessage(stored: StoredMessage): AmqpMessage {
  const annotations: Record<string, unknown> = {
    ...stored.message.message_annotations,
    'x-opt-sequence-number': wire.long(stored.sequenceNumber),
    'x-opt-enqueued-time': new Date(stored.enqueuedAt),
    'x-opt-message-state': wire.int(MESSAGE_STATE[stored.state]),
  };
  if (stored.lock) annotations['x-opt-locked-until'] = new Date(stored.lock.lockedUntil);
  return { ...stored.message, delivery_count: stored.deliveryCount, message_annotations: annotations };
}
