import { randomUUID } from 'node:crypto';
import { InvocationContext } from '@azure/functions';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { syncAppointment } from '../../functions/syncAppointment';
import { parseChangeMessage } from '../../shared/domain/changeMessage';
import { hostileChangeBody } from '../arbitraries/changeMessages';
import { upsert } from '../support/changes';
import { useE2eSuite } from '../support/e2eSuite';
import { eventually } from '../support/eventually';
import { changeMessage, QUEUE } from '../support/harness';

const suite = useE2eSuite();
const { mailbox, appointmentId } = suite;

afterEach(() => {
  suite.sandbox.reset();
  suite.harness.tableProxy.up();
});

describe('faults: nothing lost, nothing applied twice', () => {
  it('Table Storage stopped in the middle of a load and started again: one outcome per change, no duplicate', async () => {
    const rooms = Array.from({ length: 8 }, () => mailbox('room'));
    const changes = Array.from({ length: 40 }, (_, i) =>
      upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: rooms[i % 8] ?? '' }]),
    );
    for (const room of rooms) suite.sandbox.latency(room, 30);
    await suite.harness.send(...changes.slice(0, 20));
    await suite.harness.waitForTransaction(changes[3]?.changeId ?? '');
    const abandonedBefore = suite.harness.abandoned();
    suite.harness.tableProxy.down();
    await suite.harness.send(...changes.slice(20));
    await eventually('a handler met the outage', () => suite.harness.abandoned() > abandonedBefore, 60_000);
    suite.harness.tableProxy.up();
    for (const change of changes) {
      const row = await suite.harness.waitForTransaction(
        change.changeId,
        (r) => r.status === 'Success',
        60_000,
      );
      expect(row.resources).toHaveLength(1);
    }
    const events = rooms.flatMap((room) => suite.sandbox.events(room));
    expect(events).toHaveLength(changes.length);
    expect(new Set(events.map((e) => e.subject)).size).toBe(changes.length);
    expect(suite.harness.serviceBus.stats(QUEUE).deadLettered).toBe(0);
  }, 90_000);

  it('the same message delivered five times makes one event', async () => {
    const room = mailbox('room');
    const change = upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: room }]);
    await suite.harness.sender.sendMessages(
      Array.from({ length: 5 }, () => changeMessage(change, randomUUID())),
    );
    await suite.harness.waitForTransaction(change.changeId, (row) => row.attempts === 5);
    expect(suite.sandbox.events(room)).toHaveLength(1);
  });

  it('a 429 storm: no request reaches the mailbox before Retry-After has passed', async () => {
    const room = mailbox('room');
    suite.sandbox.mailboxFails(room, 'throttled', 2); // fewer than a call's in-process retries, so every change ends Success
    const [first, ...others] = Array.from({ length: 6 }, () =>
      upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: room }]),
    );
    const log = () => suite.harness.sandbox.graph.counters.requestLog(room);
    // The first change alone meets the first 429; the others are sent once it has been answered.
    await suite.harness.send(first);
    const throttled = await eventually('the first request was throttled', () =>
      log().find((entry) => entry.status === 429),
    );
    await suite.harness.send(...others);
    for (const change of [first, ...others])
      await suite.harness.waitForTransaction(change?.changeId ?? '', (r) => r.status === 'Success', 30_000);

    // By the sandbox's clock: every request after the 429 arrived once its Retry-After had passed.
    const entries = log();
    const retryAfterMs = (throttled.retryAfterSeconds ?? 0) * 1000;
    expect(retryAfterMs).toBe(1000);
    expect(entries[0]).toBe(throttled);
    expect(entries.slice(1).filter((entry) => entry.time < throttled.time + retryAfterMs)).toEqual([]);
    expect(entries.map((entry) => entry.status).filter((status) => status === 429)).toEqual([429, 429]);
    expect(suite.sandbox.events(room)).toHaveLength(6);
  });
});

describe('bad input (property-based)', () => {
  it('the handler never throws on hostile bodies, records DSEX050 with a specific reason and completes', async () => {
    let invalid = 0;
    await fc.assert(
      fc.asyncProperty(hostileChangeBody, async (body) => {
        const messageId = randomUUID();
        const context = new InvocationContext({
          functionName: 'syncAppointment',
          triggerMetadata: { messageId },
        });
        await expect(syncAppointment(body, context)).resolves.toBeUndefined();
        const parsed = parseChangeMessage(body);
        if (parsed.ok) return;
        invalid++;
        const row = await suite.harness.waitForTransaction(`message:${messageId}`, () => true, 5_000);
        expect(row.code).toBe('DSEX050');
        expect(row.status).toBe('InvalidChangeMessage');
        expect(row.message.startsWith(`[DSEX050] Invalid change message: ${parsed.reason}`)).toBe(true);
        expect(parsed.reason.length).toBeGreaterThan(10);
        expect(row.nextAttemptAt).toBeUndefined();
      }),
      { numRuns: 60, seed: 13003 },
    );
    expect(invalid).toBeGreaterThan(40);
  }, 60_000);
});
