import { BATCH_MESSAGE_FORMAT, unpackTransfer } from './brokeredMessage';
import type { Queue } from './queueRegistry';
import { deliveryOf, incomingDelivery, incomingPayload, type ServerReceiver } from './rheaAdapter';

/** The fault the emulator injects into sends, if any (an AMQP error condition). */
export interface SendFaults {
  condition: string | undefined;
}

/** A sender attached to a queue: accepts each transfer (one message or a batch) into the queue. */
export function acceptSends(receiver: ServerReceiver, queue: Queue, faults: SendFaults): void {
  receiver.on('message', (context) => {
    const raw = deliveryOf(context);
    const payload = incomingPayload(context);
    if (!raw || payload === undefined) return;
    const delivery = incomingDelivery(raw);
    if (faults.condition !== undefined) {
      delivery.reject({ condition: faults.condition, description: 'Send rejected by fault injection.' });
      return;
    }
    if (Buffer.isBuffer(payload) && delivery.format !== BATCH_MESSAGE_FORMAT) {
      delivery.reject({
        condition: 'amqp:not-implemented',
        description: `Message format ${delivery.format} is not supported.`,
      });
      return;
    }
    const now = Date.now();
    const messages = unpackTransfer(payload);
    // A batch is stored whole or refused whole.
    const refusal = messages.map((message) => queue.refusal(message)).find((r) => r !== undefined);
    if (refusal) {
      delivery.reject(refusal);
      return;
    }
    for (const message of messages) queue.accept(message, now);
    delivery.accept();
  });
}
