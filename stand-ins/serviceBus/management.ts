import { brokeredMessage } from './brokeredMessage';
import { lockTokenToUuidBytes, uuidBytesToString } from './lockToken';
import type { MessageQueue, SettleResult } from './messageQueue';
import type { Queue } from './queueRegistry';
import { type AmqpMessage, decodeMessage, encodeMessage, isRecord, wire } from './rheaAdapter';
import { SESSION_OPERATIONS } from './sessionManagement';

/** The answer to a management request, before it is wrapped into a reply message. */
export interface ManagementResponse {
  readonly statusCode: number;
  readonly statusDescription?: string;
  readonly errorCondition?: string;
  readonly body?: Record<string, unknown>;
}

export interface Target {
  readonly queue: Queue;
  readonly subQueue: MessageQueue;
}

export type Operation = (target: Target, body: Record<string, unknown>, now: number) => ManagementResponse;

const OK: ManagementResponse = { statusCode: 200, statusDescription: 'OK' };
const LOCK_LOST: ManagementResponse = {
  statusCode: 410,
  errorCondition: 'com.microsoft:message-lock-lost',
  statusDescription:
    'The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.',
};

const SCHEDULE_MESSAGE = 'com.microsoft:schedule-message';

const OPERATIONS: Record<string, Operation> = {
  'com.microsoft:peek-message': peek,
  [SCHEDULE_MESSAGE]: schedule,
  'com.microsoft:cancel-scheduled-message': cancelScheduled,
  'com.microsoft:renew-lock': renewLock,
  'com.microsoft:update-disposition': updateDisposition,
  'com.microsoft:receive-by-sequence-number': receiveBySequenceNumber,
  ...SESSION_OPERATIONS,
};

/**
 * Runs one `<queue>/$management` request (the operation named in its application properties).
 * `sendFault`, the condition injected into sends, also fails scheduling: that is a send too.
 */
export function runManagementOperation(
  target: Target,
  request: AmqpMessage,
  now: number,
  sendFault: string | undefined,
): ManagementResponse {
  const operationName = request.application_properties?.operation;
  const operation = typeof operationName === 'string' ? OPERATIONS[operationName] : undefined;
  if (operationName === SCHEDULE_MESSAGE && sendFault !== undefined) {
    return {
      statusCode: 500,
      errorCondition: sendFault,
      statusDescription: 'Send rejected by fault injection.',
    };
  }
  if (!operation) {
    return {
      statusCode: 501,
      errorCondition: 'amqp:not-implemented',
      statusDescription: `The emulator does not implement '${String(operationName)}'.`,
    };
  }
  return operation(target, isRecord(request.body) ? request.body : {}, now);
}

function peek({ subQueue }: Target, body: Record<string, unknown>): ManagementResponse {
  const from = toNumber(body['from-sequence-number']) ?? 1;
  const count = toNumber(body['message-count']) ?? 1;
  const peeked = subQueue.peek(from, count);
  if (peeked.length === 0) return { statusCode: 204, statusDescription: 'No messages' };
  return {
    ...OK,
    body: { messages: peeked.map((stored) => ({ message: encodeMessage(brokeredMessage(stored)) })) },
  };
}

function schedule({ queue }: Target, body: Record<string, unknown>, now: number): ManagementResponse {
  const entries = Array.isArray(body.messages) ? body.messages : [];
  const sequenceNumbers: number[] = [];
  const messages = entries.flatMap((entry: unknown) =>
    isRecord(entry) && Buffer.isBuffer(entry.message) ? [decodeMessage(entry.message)] : [],
  );
  const refusal = messages.map((message) => queue.refusal(message)).find((r) => r !== undefined);
  if (refusal) {
    return {
      statusCode: 400,
      errorCondition: refusal.condition,
      statusDescription: refusal.description ?? '',
    };
  }
  for (const message of messages) {
    // The message carries x-opt-scheduled-enqueue-time, so the queue holds it until then. A
    // duplicate is dropped, yet the reply needs a number in its place.
    sequenceNumbers.push(queue.accept(message, now) ?? 0);
  }
  return { ...OK, body: { 'sequence-numbers': wire.longArray(sequenceNumbers) } };
}

function cancelScheduled({ subQueue }: Target, body: Record<string, unknown>): ManagementResponse {
  for (const sequenceNumber of numberList(body['sequence-numbers'])) subQueue.cancelScheduled(sequenceNumber);
  return OK;
}

function renewLock({ subQueue }: Target, body: Record<string, unknown>, now: number): ManagementResponse {
  const expirations: Date[] = [];
  for (const lockToken of lockTokens(body)) {
    const lockedUntil = subQueue.renewLock(lockToken, now);
    if (lockedUntil === undefined) return LOCK_LOST;
    expirations.push(new Date(lockedUntil));
  }
  return { ...OK, body: { expirations } };
}

function updateDisposition(
  { subQueue }: Target,
  body: Record<string, unknown>,
  now: number,
): ManagementResponse {
  const status = body['disposition-status'];
  const propertiesToModify = isRecord(body['properties-to-modify'])
    ? body['properties-to-modify']
    : undefined;
  for (const lockToken of lockTokens(body)) {
    let result: SettleResult;
    switch (status) {
      case 'completed':
        result = subQueue.complete(lockToken, now);
        break;
      case 'abandoned':
        result = subQueue.abandon(lockToken, now, propertiesToModify);
        break;
      case 'defered':
        result = subQueue.defer(lockToken, now, propertiesToModify);
        break;
      case 'suspended':
        result = subQueue.deadLetter(lockToken, now, {
          reason: stringOr(body['deadletter-reason'], ''),
          description: stringOr(body['deadletter-description'], ''),
          ...(propertiesToModify ? { propertiesToModify } : {}),
        });
        break;
      default:
        return {
          statusCode: 400,
          errorCondition: 'amqp:invalid-field',
          statusDescription: `Unknown disposition '${String(status)}'.`,
        };
    }
    if (result === 'lock-lost') return LOCK_LOST;
  }
  return OK;
}

function receiveBySequenceNumber(
  { subQueue }: Target,
  body: Record<string, unknown>,
  now: number,
): ManagementResponse {
  const peekLock = toNumber(body['receiver-settle-mode']) !== 0;
  const taken = subQueue.takeDeferred(numberList(body['sequence-numbers']), now, peekLock);
  if (taken.length === 0) {
    return {
      statusCode: 404,
      errorCondition: 'com.microsoft:message-not-found',
      statusDescription: 'No deferred message has the given sequence numbers.',
    };
  }
  const messages = taken.map((stored) => ({
    ...(stored.lock ? { 'lock-token': wire.uuid(lockTokenToUuidBytes(stored.lock.lockToken)) } : {}),
    message: encodeMessage(brokeredMessage(stored)),
  }));
  return { ...OK, body: { messages } };
}

function lockTokens(body: Record<string, unknown>): string[] {
  const tokens = body['lock-tokens'];
  if (!Array.isArray(tokens)) return [];
  return tokens.flatMap((token: unknown) => {
    if (Buffer.isBuffer(token)) return [uuidBytesToString(token)];
    return typeof token === 'string' ? [token.toLowerCase()] : [];
  });
}

function numberList(value: unknown): number[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    const number = toNumber(item);
    return number === undefined ? [] : [number];
  });
}

/** AMQP longs arrive as numbers, or as 8 big-endian bytes when beyond 2^53. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (Buffer.isBuffer(value) && value.length === 8) return Number(value.readBigInt64BE());
  return undefined;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}
