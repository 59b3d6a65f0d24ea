import { createHash } from 'node:crypto';
import { transactionIdFor } from './ids';
import { appointmentIdOf, bodyText, type DecodedBody } from './messageBody';
import type { TransactionBase } from './transactionRecord';

/**
 * The row of a message that is no valid change: keyed by its Service Bus message id (or, without
 * one, a hash of its body), so every delivery of it lands on the same row; the raw body kept for
 * inspection (the recorder cuts it to the row budget).
 */
export function invalidMessageBase(body: unknown, decoded: DecodedBody, messageId?: string): TransactionBase {
  const raw = bodyText(body);
  const identity = messageId ?? createHash('sha256').update(raw).digest('hex');
  const changeId = `message:${identity}`;
  return {
    transactionId: transactionIdFor(changeId),
    changeId,
    appointmentId: appointmentIdOf(decoded),
    operation: 'invalid',
    rawBody: raw,
  };
}
