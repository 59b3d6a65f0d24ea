import { randomUUID } from 'node:crypto';
import { ServiceBusClient, type ServiceBusReceivedMessage } from '@azure/service-bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServiceBusEmulator, startServiceBusEmulator } from '../../stand-ins/serviceBus';

// Sending, receiving and settling through the real SDK, against one emulator with default settings.

let emulator: ServiceBusEmulator;
let client: ServiceBusClient;

beforeAll(async () => {
  emulator = await startServiceBusEmulator();
  client = new ServiceBusClient(emulator.connectionString);
});

afterAll(async () => {
  await client?.close();
  await emulator?.stop();
});

const newQueue = (): string => `queue-${randomUUID()}`;

async function send(queue: string, ...bodies: unknown[]): Promise<void> {
  const sender = client.createSender(queue);
  await sender.sendMessages(bodies.map((body) => ({ body })));
  await sender.close();
}

describe('connection string', () => {
  it('names the loopback port and switches the SDK to the development emulator', () => {
    expect(emulator.port).toBeGreaterThan(0);
    expect(emulator.connectionString).toBe(
      `Endpoint=sb://127.0.0.1:${emulator.port};SharedAccessKeyName=RootManageSharedAccessKey;` +
        'SharedAccessKey=emulator;UseDevelopmentEmulator=true',
    );
  });
});

describe('sending', () => {
  it('keeps body, application properties and message properties of a single message', async () => {
    const queue = newQueue();
    const sender = client.createSender(queue);
    await sender.sendMessages({
      body: { appointmentId: 'A-1', attempt: 2 },
      applicationProperties: { tenant: 'contoso', priority: 5, urgent: true },
      messageId: 'message-1',
      contentType: 'application/json',
      correlationId: 'correlation-1',
      subject: 'appointment.changed',
    });
    await sender.close();

    const receiver = client.createReceiver(queue);
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
    expect(message).toMatchObject({
      body: { appointmentId: 'A-1', attempt: 2 },
      applicationProperties: { tenant: 'contoso', priority: 5, urgent: true },
      messageId: 'message-1',
      contentType: 'application/json',
      correlationId: 'correlation-1',
      subject: 'appointment.changed',
      deliveryCount: 0,
    });
    expect(message?.sequenceNumber?.toNumber()).toBe(1);
    expect(message?.enqueuedTimeUtc?.getTime()).toBeGreaterThan(Date.now() - 10_000);
    expect(message?.lockToken).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    await receiver.completeMessage(message!);
    await receiver.close();
  });

  it('gives a message sent without an id one of its own', async () => {
    const queue = newQueue();
    await send(queue, 'no id');
    const receiver = client.createReceiver(queue, { receiveMode: 'receiveAndDelete' });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
    expect(message?.messageId).toMatch(/^[0-9a-f]{32}$/);
    await receiver.close();
  });

  it('delivers every message of a batch, in order, with its own properties', async () => {
    const queue = newQueue();
    const sender = client.createSender(queue);
    const batch = await sender.createMessageBatch();
    for (let index = 0; index < 5; index += 1) {
      expect(
        batch.tryAddMessage({ body: `item ${index}`, messageId: `batch-${index}`, subject: `s${index}` }),
      ).toBe(true);
    }
    await sender.sendMessages(batch);
    await sender.sendMessages([{ body: 'array 0' }, { body: 'array 1' }]);
    await sender.close();
    expect(emulator.stats(queue)).toMatchObject({ active: 7, sentTotal: 7 });

    const receiver = client.createReceiver(queue, { receiveMode: 'receiveAndDelete' });
    const received = await receiveAtLeast(receiver, 7);
    expect(received.map((message) => message.body)).toEqual([
      'item 0',
      'item 1',
      'item 2',
      'item 3',
      'item 4',
      'array 0',
      'array 1',
    ]);
    expect(received[3]).toMatchObject({ messageId: 'batch-3', subject: 's3' });
    await receiver.close();
  });

  it('bounds a batch by the maximum message size the queue advertises', async () => {
    const sender = client.createSender(newQueue());
    const batch = await sender.createMessageBatch();
    expect(batch.maxSizeInBytes).toBe(256 * 1024);
    expect(batch.tryAddMessage({ body: 'x'.repeat(300 * 1024) })).toBe(false);
    await sender.close();
  });

  it('makes queues on first use and keeps them apart', async () => {
    const first = newQueue();
    const second = newQueue();
    await send(first, 'one');
    await send(second, 'two', 'three');
    expect(emulator.stats(first)).toMatchObject({ active: 1, sentTotal: 1 });
    expect(emulator.stats(second)).toMatchObject({ active: 2, sentTotal: 2 });
  });
});

describe('receiving', () => {
  it('returns no messages after the wait when the queue is empty, and still receives later sends', async () => {
    const queue = newQueue();
    const receiver = client.createReceiver(queue);
    // How long an empty round takes (the drain answered) is a benchmark figure: bench/standInSpeeds.ts.
    for (let round = 0; round < 3; round += 1) {
      expect(await receiver.receiveMessages(5, { maxWaitTimeInMs: 200 })).toEqual([]);
    }
    await send(queue, 'late');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
    expect(message?.body).toBe('late');
    await receiver.completeMessage(message!);
    await receiver.close();
  });

  it('locks a peek-locked message until it is settled', async () => {
    const queue = newQueue();
    await send(queue, 'locked');
    const receiver = client.createReceiver(queue);
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
    expect(message?.lockedUntilUtc?.getTime()).toBeGreaterThan(Date.now() + 20_000);
    expect(emulator.stats(queue)).toMatchObject({ active: 0, locked: 1 });
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 })).toEqual([]);
    await receiver.completeMessage(message!);
    expect(emulator.stats(queue)).toMatchObject({ active: 0, locked: 0 });
    await receiver.close();
  });

  it('removes messages as it delivers them in receiveAndDelete mode', async () => {
    const queue = newQueue();
    await send(queue, 'a', 'b');
    const receiver = client.createReceiver(queue, { receiveMode: 'receiveAndDelete' });
    const received = await receiveAtLeast(receiver, 2);
    expect(received.map((message) => message.body)).toEqual(['a', 'b']);
    expect(emulator.stats(queue)).toMatchObject({ active: 0, locked: 0 });
    await receiver.close();
  });

  it('feeds subscribe() handlers and completes what they return from', async () => {
    const queue = newQueue();
    await send(queue, 1, 2, 3);
    const receiver = client.createReceiver(queue);
    const bodies: unknown[] = [];
    const allReceived = new Promise<void>((resolve, reject) => {
      setTimeout(() => reject(new Error(`only ${bodies.length} of 3 arrived`)), 5_000).unref();
      const subscription = receiver.subscribe(
        {
          processMessage: async (message) => {
            bodies.push(message.body);
            if (bodies.length === 3) {
              await subscription.close();
              resolve();
            }
          },
          processError: async ({ error }) => reject(error),
        },
        { autoCompleteMessages: true },
      );
    });
    await allReceived;
    expect(bodies).toEqual([1, 2, 3]);
    await waitUntil(() => emulator.stats(queue).locked === 0);
    expect(emulator.stats(queue)).toMatchObject({ active: 0, locked: 0 });
    await receiver.close();
  });
});

describe('volume', () => {
  it('delivers more messages over one link than rhea keeps unsettled per session (2048)', async () => {
    const queue = newQueue();
    const total = 2_500;
    const sender = client.createSender(queue);
    for (let start = 0; start < total; start += 250) {
      await sender.sendMessages(Array.from({ length: 250 }, (_, offset) => ({ body: start + offset })));
    }
    await sender.close();

    const receiver = client.createReceiver(queue);
    const seen = new Set<unknown>();
    let deliveries = 0;
    const allSeen = new Promise<void>((resolve, reject) => {
      setTimeout(() => reject(new Error(`only ${seen.size} of ${total} arrived`)), 8_000).unref();
      receiver.subscribe(
        {
          processMessage: async (message) => {
            deliveries += 1;
            seen.add(message.body);
            if (seen.size === total) resolve();
          },
          processError: async ({ error }) => reject(error),
        },
        { maxConcurrentCalls: 32 },
      );
    });
    await allSeen;
    await waitUntil(() => emulator.stats(queue).locked === 0);
    expect(deliveries).toBe(total);
    expect(emulator.stats(queue)).toMatchObject({ active: 0, locked: 0, deadLettered: 0 });
    await receiver.close();
  });
});

describe('settling', () => {
  it('redelivers an abandoned message with its delivery count raised', async () => {
    const queue = newQueue();
    await send(queue, 'retry me');
    const receiver = client.createReceiver(queue);
    const [first] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
    await receiver.abandonMessage(first!, { lastError: 'graph 503' });
    const [second] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
    expect(second).toMatchObject({ body: 'retry me', deliveryCount: 1 });
    expect(second?.applicationProperties).toMatchObject({ lastError: 'graph 503' });
    expect(second?.sequenceNumber?.toNumber()).toBe(first?.sequenceNumber?.toNumber());
    await receiver.completeMessage(second!);
    await receiver.close();
  });

  it('moves a dead-lettered message, with reason and description, to the dead-letter queue', async () => {
    const queue = newQueue();
    await send(queue, 'poison');
    const receiver = client.createReceiver(queue);
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
    await receiver.deadLetterMessage(message!, {
      deadLetterReason: 'ValidationFailed',
      deadLetterErrorDescription: 'appointment has no organiser',
    });
    await receiver.close();
    expect(emulator.stats(queue)).toMatchObject({ active: 0, locked: 0, deadLettered: 1 });

    const deadLetters = client.createReceiver(queue, { subQueueType: 'deadLetter' });
    const [dead] = await deadLetters.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
    expect(dead).toMatchObject({
      body: 'poison',
      deadLetterReason: 'ValidationFailed',
      deadLetterErrorDescription: 'appointment has no organiser',
      deadLetterSource: queue,
    });
    await deadLetters.completeMessage(dead!);
    expect(emulator.stats(queue).deadLettered).toBe(0);
    await deadLetters.close();
  });

  it('keeps a deferred message aside until it is received by sequence number', async () => {
    const queue = newQueue();
    await send(queue, 'later', 'now');
    const receiver = client.createReceiver(queue);
    const [deferred] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
    await receiver.deferMessage(deferred!);
    const [next] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2_000 });
    expect(next?.body).toBe('now');
    await receiver.completeMessage(next!);
    expect(emulator.stats(queue)).toMatchObject({ active: 0, deferred: 1 });

    const [again] = await receiver.receiveDeferredMessages([deferred!.sequenceNumber!]);
    expect(again).toMatchObject({ body: 'later', deliveryCount: 1 });
    await receiver.completeMessage(again!);
    expect(emulator.stats(queue)).toMatchObject({ active: 0, deferred: 0, locked: 0 });
    await receiver.close();
  });
});

async function receiveAtLeast(
  receiver: ReturnType<ServiceBusClient['createReceiver']>,
  count: number,
): Promise<ServiceBusReceivedMessage[]> {
  const received: ServiceBusReceivedMessage[] = [];
  const deadline = Date.now() + 5_000;
  while (received.length < count && Date.now() < deadline) {
    received.push(...(await receiver.receiveMessages(count - received.length, { maxWaitTimeInMs: 1_000 })));
  }
  return received;
}

async function waitUntil(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}
