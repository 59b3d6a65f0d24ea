import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { isServiceBusError, ServiceBusClient } from '@azure/service-bus';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ServiceBusEmulator, startServiceBusEmulator } from '../../stand-ins/serviceBus';

// Scheduling, duplicate detection, peeking, fault injection and shutdown.

const DUPLICATE_WINDOW_MS = 400;

let emulator: ServiceBusEmulator;
let client: ServiceBusClient;

beforeAll(async () => {
  emulator = await startServiceBusEmulator({ duplicateDetectionWindowMs: DUPLICATE_WINDOW_MS });
  // Fault-injection tests expect the rejection itself, not the SDK's retries of it.
  client = new ServiceBusClient(emulator.connectionString, { retryOptions: { maxRetries: 0 } });
});

afterAll(async () => {
  await client?.close();
  await emulator?.stop();
});

afterEach(() => {
  vi.useRealTimers();
});

const newQueue = (): string => `features-${randomUUID()}`;

describe('scheduleMessages', () => {
  it('holds a message back until its scheduled time', async () => {
    const queue = newQueue();
    const sender = client.createSender(queue);
    const at = new Date(Date.now() + 700);
    const [sequenceNumber] = await sender.scheduleMessages(
      { body: 'reminder', messageId: 'scheduled-1' },
      at,
    );
    expect(sequenceNumber?.toNumber()).toBeGreaterThan(0);
    expect(emulator.stats(queue)).toMatchObject({ active: 0, scheduled: 1, sentTotal: 1 });

    const receiver = client.createReceiver(queue);
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3_000 });
    // Not before its time, by the emulator's own clock: it enqueues the message when the time comes.
    expect(message?.enqueuedTimeUtc?.getTime()).toBeGreaterThanOrEqual(at.getTime());
    expect(message).toMatchObject({ body: 'reminder', messageId: 'scheduled-1' });
    expect(message?.scheduledEnqueueTimeUtc?.getTime()).toBe(at.getTime());
    expect(message?.sequenceNumber?.toNumber()).toBe(sequenceNumber?.toNumber());
    await receiver.completeMessage(message!);
    await receiver.close();
    await sender.close();
  });

  it('also honours scheduledEnqueueTimeUtc on an ordinary send', async () => {
    const queue = newQueue();
    const sender = client.createSender(queue);
    await sender.sendMessages({ body: 'via send', scheduledEnqueueTimeUtc: new Date(Date.now() + 60_000) });
    expect(emulator.stats(queue)).toMatchObject({ active: 0, scheduled: 1 });
    await sender.close();
  });

  it('drops a scheduled message that is cancelled', async () => {
    const queue = newQueue();
    const sender = client.createSender(queue);
    const at = new Date(Date.now() + 300);
    const [cancelled, kept] = await sender.scheduleMessages([{ body: 'cancel me' }, { body: 'keep me' }], at);
    await sender.cancelScheduledMessages(cancelled!);
    expect(emulator.stats(queue)).toMatchObject({ scheduled: 1 });

    const receiver = client.createReceiver(queue, { receiveMode: 'receiveAndDelete' });
    const [received] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
    expect(received?.body).toBe('keep me');
    expect(received?.sequenceNumber?.toNumber()).toBe(kept?.toNumber());
    expect(emulator.stats(queue)).toMatchObject({ active: 0, scheduled: 0 });
    await receiver.close();
    await sender.close();
  });
});

describe('duplicate detection', () => {
  it('accepts a repeated messageId inside the window but stores it once', async () => {
    const queue = newQueue();
    const sender = client.createSender(queue);
    await sender.sendMessages({ body: 'first', messageId: 'same-id' });
    await sender.sendMessages({ body: 'second', messageId: 'same-id' });
    await sender.sendMessages([
      { body: 'third', messageId: 'same-id' },
      { body: 'other', messageId: 'other-id' },
    ]);
    expect(emulator.stats(queue)).toMatchObject({ active: 2, sentTotal: 2, duplicatesDropped: 2 });

    const receiver = client.createReceiver(queue, { receiveMode: 'receiveAndDelete' });
    const received = await receiver.receiveMessages(3, { maxWaitTimeInMs: 500 });
    expect(received.map((message) => message.body)).toEqual(['first', 'other']);
    await receiver.close();
    await sender.close();
  });

  it('accepts the id again once the window has passed', async () => {
    const queue = newQueue();
    const sender = client.createSender(queue);
    // The emulator's clock is moved on (only Date is faked), so the window ends when told.
    vi.useFakeTimers({ toFake: ['Date'] });
    await sender.sendMessages({ body: 'first', messageId: 'windowed' });
    vi.setSystemTime(Date.now() + DUPLICATE_WINDOW_MS - 1);
    await sender.sendMessages({ body: 'inside window', messageId: 'windowed' });
    vi.setSystemTime(Date.now() + 1);
    await sender.sendMessages({ body: 'after window', messageId: 'windowed' });
    expect(emulator.stats(queue)).toMatchObject({ active: 2, duplicatesDropped: 1 });
    await sender.close();
  });

  it('is off when the window is 0', async () => {
    const noDetection = await startServiceBusEmulator({ duplicateDetectionWindowMs: 0 });
    const otherClient = new ServiceBusClient(noDetection.connectionString);
    try {
      const sender = otherClient.createSender('orders');
      await sender.sendMessages({ body: 1, messageId: 'repeat' });
      await sender.sendMessages({ body: 2, messageId: 'repeat' });
      expect(noDetection.stats('orders')).toMatchObject({ active: 2, duplicatesDropped: 0 });
    } finally {
      await otherClient.close();
      await noDetection.stop();
    }
  });
});

describe('peekMessages', () => {
  it('shows messages in order without locking or removing them', async () => {
    const queue = newQueue();
    const sender = client.createSender(queue);
    await sender.sendMessages([{ body: 'a' }, { body: 'b' }, { body: 'c' }]);
    const receiver = client.createReceiver(queue);

    const firstTwo = await receiver.peekMessages(2);
    expect(firstTwo.map((message) => message.body)).toEqual(['a', 'b']);
    expect(firstTwo[0]?.lockToken).toBeUndefined();
    const rest = await receiver.peekMessages(5);
    expect(rest.map((message) => message.body)).toEqual(['c']);
    expect(await receiver.peekMessages(5)).toEqual([]);
    const fromStart = await receiver.peekMessages(5, { fromSequenceNumber: firstTwo[1]!.sequenceNumber! });
    expect(fromStart.map((message) => message.body)).toEqual(['b', 'c']);
    expect(emulator.stats(queue)).toMatchObject({ active: 3, locked: 0 });
    await receiver.close();
    await sender.close();
  });

  it('peeks the dead-letter queue too', async () => {
    const queue = newQueue();
    const sender = client.createSender(queue);
    await sender.sendMessages({ body: 'bad' });
    const receiver = client.createReceiver(queue);
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
    await receiver.deadLetterMessage(message!, {
      deadLetterReason: 'Poison',
      deadLetterErrorDescription: 'bad',
    });
    const deadLetters = client.createReceiver(queue, { subQueueType: 'deadLetter' });
    const [peeked] = await deadLetters.peekMessages(1);
    expect(peeked).toMatchObject({ body: 'bad', deadLetterReason: 'Poison' });
    await deadLetters.close();
    await receiver.close();
    await sender.close();
  });
});

describe('failSends', () => {
  it('rejects sends with the injected condition until cleared, then the same sender works again', async () => {
    const queue = newQueue();
    const sender = client.createSender(queue);
    await sender.sendMessages({ body: 'before' });

    emulator.failSends('com.microsoft:server-busy');
    const failure = await sender.sendMessages({ body: 'during' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isServiceBusError(failure) && failure.code).toBe('ServiceBusy');
    emulator.failSends('amqp:internal-error');
    await expect(sender.sendMessages([{ body: 'batch during' }])).rejects.toThrow();
    await expect(sender.scheduleMessages({ body: 'scheduled during' }, new Date())).rejects.toThrow();
    expect(emulator.stats(queue)).toMatchObject({ active: 1, scheduled: 0, sentTotal: 1 });

    emulator.failSends(undefined);
    await sender.sendMessages({ body: 'after' });
    expect(emulator.stats(queue)).toMatchObject({ active: 2, sentTotal: 2 });
    await sender.close();
  });
});

describe('stop', () => {
  it('closes the listener even with clients connected, locks held and messages scheduled', async () => {
    const doomed = await startServiceBusEmulator({ port: 0 });
    const doomedClient = new ServiceBusClient(doomed.connectionString, { retryOptions: { maxRetries: 0 } });
    const sender = doomedClient.createSender('work');
    await sender.sendMessages({ body: 'locked' });
    await sender.scheduleMessages({ body: 'later' }, new Date(Date.now() + 60_000));
    const receiver = doomedClient.createReceiver('work');
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 2_000 })).toHaveLength(1);

    await doomed.stop();
    await doomed.stop();
    await doomedClient.close();
    await expect(canConnect(doomed.port)).resolves.toBe(false);
  });
});

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
