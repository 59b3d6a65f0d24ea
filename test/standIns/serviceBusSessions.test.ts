import { randomUUID } from 'node:crypto';
import { isServiceBusError, ServiceBusClient } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServiceBusEmulator, startServiceBusEmulator } from '../../stand-ins/serviceBus';
import { eventually } from '../support/eventually';

// Session-enabled queues through the real SDK: accept-session, accept-next-session, session locks
// (expiry, renewal, release), session state, and the sends and receivers a session queue refuses.

const LOCK_DURATION_MS = 1_000;
const SESSION_QUEUES = Array.from({ length: 12 }, (_, i) => `sessions-${i}`);

let emulator: ServiceBusEmulator;
let client: ServiceBusClient;
let queues: string[];

beforeAll(async () => {
  emulator = await startServiceBusEmulator({
    lockDurationMs: LOCK_DURATION_MS,
    sessionQueues: SESSION_QUEUES,
  });
  client = new ServiceBusClient(emulator.connectionString, {
    retryOptions: { timeoutInMs: 2_000, maxRetries: 0 },
  });
  queues = [...SESSION_QUEUES];
});

afterAll(async () => {
  await client?.close();
  await emulator?.stop();
});

const newQueue = (): string => {
  const queue = queues.shift();
  if (!queue) throw new Error('no session queue left');
  return queue;
};

async function send(queue: string, messages: { body: unknown; sessionId?: string }[]): Promise<void> {
  const sender = client.createSender(queue);
  try {
    await sender.sendMessages(messages);
  } finally {
    await sender.close();
  }
}

describe('sending to a session-enabled queue', () => {
  it('refuses a message without a session id, alone or in a batch, and stores nothing of it', async () => {
    const queue = newQueue();
    const refusal = await send(queue, [{ body: 'no session' }]).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isServiceBusError(refusal) || refusal instanceof Error).toBe(true);
    expect(String((refusal as Error).message)).toContain('SessionId was not set');
    await expect(send(queue, [{ body: 'a', sessionId: 'S-1' }, { body: 'b' }])).rejects.toThrow(
      /SessionId was not set/,
    );
    expect(emulator.stats(queue).sentTotal).toBe(0);
  });

  it('refuses a receiver that names no session', async () => {
    const queue = newQueue();
    await send(queue, [{ body: 1, sessionId: 'S-1' }]);
    const receiver = client.createReceiver(queue);
    await expect(receiver.receiveMessages(1, { maxWaitTimeInMs: 1_000 })).rejects.toThrow(/non-sessionful/);
    await receiver.close();
  });
});

describe('accepting sessions', () => {
  it('accept-next takes the oldest free session and hands out only its messages, in order', async () => {
    const queue = newQueue();
    await send(queue, [
      { body: 'a1', sessionId: 'A' },
      { body: 'b1', sessionId: 'B' },
      { body: 'a2', sessionId: 'A' },
      { body: 'b2', sessionId: 'B' },
    ]);
    const first = await client.acceptNextSession(queue);
    const second = await client.acceptNextSession(queue);
    expect([first.sessionId, second.sessionId]).toEqual(['A', 'B']);
    const fromA = await first.receiveMessages(5, { maxWaitTimeInMs: 500 });
    const fromB = await second.receiveMessages(5, { maxWaitTimeInMs: 500 });
    expect(fromA.map((m) => [m.body, m.sessionId])).toEqual([
      ['a1', 'A'],
      ['a2', 'A'],
    ]);
    expect(fromB.map((m) => m.body)).toEqual(['b1', 'b2']);
    for (const message of fromA) await first.completeMessage(message);
    for (const message of fromB) await second.completeMessage(message);
    await first.close();
    await second.close();
    expect(emulator.stats(queue)).toMatchObject({ active: 0, locked: 0, sessionsLocked: 0 });
  });

  it('a session held by one receiver cannot be accepted by another until it is closed', async () => {
    const queue = newQueue();
    await send(queue, [{ body: 'only', sessionId: 'held' }]);
    const holder = await client.acceptSession(queue, 'held');
    const [message] = await holder.receiveMessages(1, { maxWaitTimeInMs: 500 });
    const refused = await client.acceptSession(queue, 'held').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isServiceBusError(refused) && refused.code).toBe('SessionCannotBeLocked');
    expect(message?.deliveryCount).toBe(0);
    await holder.close();
    // Closing lets go at once: the unsettled message is back, one delivery on.
    const next = await client.acceptSession(queue, 'held');
    const [again] = await next.receiveMessages(1, { maxWaitTimeInMs: 500 });
    expect([again?.body, again?.deliveryCount]).toEqual(['only', 1]);
    if (again) await next.completeMessage(again);
    await next.close();
  });

  it('accept-next waits for a session to arrive, and gives up with ServiceTimeout when none does', async () => {
    const queue = newQueue();
    const waiting = client.acceptNextSession(queue);
    await send(queue, [{ body: 'late', sessionId: 'late' }]);
    const receiver = await waiting;
    expect(receiver.sessionId).toBe('late');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 500 });
    if (message) await receiver.completeMessage(message);
    await receiver.close();

    const nothing = await client.acceptNextSession(queue).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isServiceBusError(nothing) && nothing.code).toBe('ServiceTimeout');
  });
});

describe('session locks', () => {
  it('a lock left to run out (a crashed holder) frees the session: the message comes back, the old holder settles nothing', async () => {
    const queue = newQueue();
    await send(queue, [{ body: 'work', sessionId: 'crash' }]);
    const crashed = await client.acceptNextSession(queue, { maxAutoLockRenewalDurationInMs: 0 });
    const [lost] = await crashed.receiveMessages(1, { maxWaitTimeInMs: 500 });
    if (!lost) throw new Error('no message');
    const taker = await client.acceptNextSession(queue);
    expect(taker.sessionId).toBe('crash');
    const [again] = await taker.receiveMessages(1, { maxWaitTimeInMs: 500 });
    expect([again?.body, again?.deliveryCount]).toEqual(['work', 1]);
    const stale = await crashed.completeMessage(lost).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isServiceBusError(stale) && stale.code).toMatch(/SessionLockLost|MessageLockLost/);
    if (again) await taker.completeMessage(again);
    await taker.close();
    await crashed.close().catch(() => undefined);
    expect(emulator.stats(queue)).toMatchObject({ active: 0, locked: 0 });
  });

  it('renewing extends the lock by one duration; a renewed session is not taken', async () => {
    const queue = newQueue();
    await send(queue, [{ body: 'long job', sessionId: 'renewed' }]);
    const receiver = await client.acceptNextSession(queue, { maxAutoLockRenewalDurationInMs: 0 });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 500 });
    for (let renewal = 0; renewal < 3; renewal++) {
      const before = Date.now();
      const lockedUntil = await receiver.renewSessionLock();
      expect(lockedUntil.getTime()).toBeGreaterThanOrEqual(before + LOCK_DURATION_MS);
      expect(emulator.stats(queue).sessionsLocked).toBe(1);
    }
    if (message) await receiver.completeMessage(message);
    expect(emulator.stats(queue)).toMatchObject({ active: 0, locked: 0 });
    await receiver.close();
  });

  it('the SDK renews the lock on its own while the holder works', async () => {
    const queue = newQueue();
    await send(queue, [{ body: 'slow', sessionId: 'auto' }]);
    const receiver = await client.acceptNextSession(queue);
    const acceptedUntil = receiver.sessionLockedUntilUtc?.getTime() ?? 0;
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 500 });
    await eventually(
      'the SDK renewed the session lock',
      () => (receiver.sessionLockedUntilUtc?.getTime() ?? 0) > acceptedUntil,
      5_000,
    );
    if (message) await receiver.completeMessage(message);
    expect(message?.deliveryCount).toBe(0);
    await receiver.close();
  });

  it('keeps session state across locks', async () => {
    const queue = newQueue();
    const sessionId = randomUUID();
    await send(queue, [{ body: 'x', sessionId }]);
    const first = await client.acceptSession(queue, sessionId);
    expect(await first.getSessionState()).toBeNull();
    await first.setSessionState(JSON.stringify({ step: 2 }));
    await first.close();
    const second = await client.acceptSession(queue, sessionId);
    expect(await second.getSessionState()).toBe(JSON.stringify({ step: 2 }));
    const [message] = await second.receiveMessages(1, { maxWaitTimeInMs: 500 });
    if (message) await second.completeMessage(message);
    await second.close();
  });
});
