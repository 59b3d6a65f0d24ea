import { randomUUID } from 'node:crypto';
import { isServiceBusError, ServiceBusClient, type ServiceBusReceiver } from '@azure/service-bus';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ServiceBusEmulator, startServiceBusEmulator } from '../../stand-ins/serviceBus';
import { eventually } from '../support/eventually';

// Locks, their expiry and the delivery limit, on an emulator with short locks and a low limit.

const LOCK_DURATION_MS = 500;
const MAX_DELIVERY_COUNT = 3;

let emulator: ServiceBusEmulator;
let client: ServiceBusClient;

beforeAll(async () => {
  emulator = await startServiceBusEmulator({
    lockDurationMs: LOCK_DURATION_MS,
    maxDeliveryCount: MAX_DELIVERY_COUNT,
  });
  client = new ServiceBusClient(emulator.connectionString);
});

afterAll(async () => {
  await client?.close();
  await emulator?.stop();
});

afterEach(() => {
  vi.useRealTimers();
});

const newQueue = (): string => `locks-${randomUUID()}`;
/** Waits for the emulator to release the queue's lock (it expired), instead of sleeping past it. */
const lockExpired = (queue: string) =>
  eventually(`the lock on ${queue} expired`, () => emulator.stats(queue).locked === 0);

async function sendOne(queue: string, body: unknown): Promise<void> {
  const sender = client.createSender(queue);
  await sender.sendMessages({ body });
  await sender.close();
}

/** The SDK renews locks on its own by default; these tests need locks to run out. */
function receiverWithoutAutoRenewal(queue: string): ServiceBusReceiver {
  return client.createReceiver(queue, { maxAutoLockRenewalDurationInMs: 0 });
}

async function receiveOne(receiver: ServiceBusReceiver) {
  const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3_000 });
  if (!message) throw new Error('no message arrived');
  return message;
}

describe('lock duration', () => {
  it('is the configured one', async () => {
    const queue = newQueue();
    await sendOne(queue, 'timed');
    const receiver = receiverWithoutAutoRenewal(queue);
    // The emulator's clock stands still (only Date is faked), so the lock ends exactly one duration on.
    vi.useFakeTimers({ toFake: ['Date'] });
    const lockedAt = Date.now();
    const message = await receiveOne(receiver);
    expect(message.lockedUntilUtc?.getTime()).toBe(lockedAt + LOCK_DURATION_MS);
    vi.useRealTimers();
    await receiver.completeMessage(message);
    await receiver.close();
  });
});

describe('lock expiry', () => {
  it('redelivers the message with its delivery count raised', async () => {
    const queue = newQueue();
    await sendOne(queue, 'slow consumer');
    const receiver = receiverWithoutAutoRenewal(queue);
    const first = await receiveOne(receiver);
    expect(first.deliveryCount).toBe(0);
    expect(emulator.stats(queue)).toMatchObject({ active: 0, locked: 1 });

    const second = await receiveOne(receiver);
    expect(second).toMatchObject({ body: 'slow consumer', deliveryCount: 1 });
    expect(Date.now()).toBeGreaterThanOrEqual(first.lockedUntilUtc?.getTime() ?? 0);
    await receiver.completeMessage(second);
    await receiver.close();
  });

  it('makes settling with the lost lock fail with MessageLockLost', async () => {
    const queue = newQueue();
    await sendOne(queue, 'too late');
    const receiver = receiverWithoutAutoRenewal(queue);
    const message = await receiveOne(receiver);
    await lockExpired(queue);

    const failure = await receiver.completeMessage(message).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isServiceBusError(failure) && failure.code).toBe('MessageLockLost');
    expect(emulator.stats(queue)).toMatchObject({ active: 1, locked: 0 });
    await expect(receiver.renewMessageLock(message)).rejects.toMatchObject({ code: 'MessageLockLost' });
    await receiver.close();
  });

  it('makes settling through the management link fail the same way once the receive link is gone', async () => {
    const queue = newQueue();
    await sendOne(queue, 'orphan');
    const receiver = receiverWithoutAutoRenewal(queue);
    const message = await receiveOne(receiver);
    await receiver.close();
    await lockExpired(queue);
    const other = receiverWithoutAutoRenewal(queue);
    await expect(other.completeMessage(message)).rejects.toMatchObject({ code: 'MessageLockLost' });
    await other.close();
  });
});

describe('renewMessageLock', () => {
  it('extends the lock so the message outlives its first lock', async () => {
    const queue = newQueue();
    await sendOne(queue, 'long job');
    const receiver = receiverWithoutAutoRenewal(queue);
    const message = await receiveOne(receiver);
    const firstLockedUntil = message.lockedUntilUtc?.getTime() ?? 0;

    // Renew each lock once it is half over, until the first one's end has passed.
    let lockedUntil = firstLockedUntil;
    while (Date.now() <= firstLockedUntil) {
      const due = lockedUntil - LOCK_DURATION_MS / 2;
      await eventually('the lock is half over', () => Date.now() >= due);
      const renewed = (await receiver.renewMessageLock(message)).getTime();
      expect(renewed).toBeGreaterThan(lockedUntil);
      lockedUntil = renewed;
    }
    expect(emulator.stats(queue)).toMatchObject({ active: 0, locked: 1 });
    await receiver.completeMessage(message);
    expect(emulator.stats(queue)).toMatchObject({ active: 0, locked: 0 });
    await receiver.close();
  });

  it('keeps a lock alive through the SDK automatic renewal', async () => {
    const queue = newQueue();
    await sendOne(queue, 'auto renewed');
    const receiver = client.createReceiver(queue, { maxAutoLockRenewalDurationInMs: 5_000 });
    const message = await receiveOne(receiver);
    const firstLockedUntil = message.lockedUntilUtc?.getTime() ?? 0;
    await eventually(
      'the SDK renewed the lock',
      () => (message.lockedUntilUtc?.getTime() ?? 0) > firstLockedUntil,
    );
    await eventually('the first lock has ended', () => Date.now() > firstLockedUntil);
    await receiver.completeMessage(message);
    expect(emulator.stats(queue)).toMatchObject({ active: 0, locked: 0, deadLettered: 0 });
    await receiver.close();
  });
});

describe('maxDeliveryCount', () => {
  it('dead-letters a message abandoned on its last allowed delivery', async () => {
    const queue = newQueue();
    await sendOne(queue, 'always fails');
    const receiver = receiverWithoutAutoRenewal(queue);
    for (let attempt = 0; attempt < MAX_DELIVERY_COUNT; attempt += 1) {
      const message = await receiveOne(receiver);
      expect(message.deliveryCount).toBe(attempt);
      await receiver.abandonMessage(message);
    }
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 })).toEqual([]);
    expect(emulator.stats(queue)).toMatchObject({ active: 0, locked: 0, deadLettered: 1 });
    await receiver.close();

    const deadLetters = client.createReceiver(queue, {
      subQueueType: 'deadLetter',
      receiveMode: 'receiveAndDelete',
    });
    const dead = await receiveOne(deadLetters);
    expect(dead).toMatchObject({
      body: 'always fails',
      deadLetterReason: 'MaxDeliveryCountExceeded',
      deliveryCount: MAX_DELIVERY_COUNT,
    });
    expect(dead.deadLetterErrorDescription).toContain(`${MAX_DELIVERY_COUNT}`);
    await deadLetters.close();
  });

  it('counts expired locks as delivery attempts too', async () => {
    const queue = newQueue();
    await sendOne(queue, 'never settled');
    const receiver = receiverWithoutAutoRenewal(queue);
    for (let attempt = 0; attempt < MAX_DELIVERY_COUNT; attempt += 1) {
      expect((await receiveOne(receiver)).deliveryCount).toBe(attempt);
    }
    await eventually('the last lock expired', () => emulator.stats(queue).deadLettered === 1);
    expect(emulator.stats(queue)).toMatchObject({ active: 0, locked: 0, deadLettered: 1 });
    await receiver.close();
  });
});
