import { afterEach, describe, expect, it } from 'vitest';
import { upsert } from '../support/changes';
import { useE2eSuite } from '../support/e2eSuite';

const suite = useE2eSuite();
const { mailbox, appointmentId } = suite;

/** Long enough that every request the connector lets out at once is in flight together. */
const LATENCY_MS = 300;

afterEach(() => {
  suite.sandbox.reset();
});

/** What the sandbox saw of one mailbox: its peak in flight, and how each request was answered. */
function seenBy(room: string) {
  const { counters } = suite.harness.sandbox.graph;
  return {
    peakInFlight: counters.peakConcurrency(room),
    statuses: counters.requestLog(room).map((entry) => entry.status),
  };
}

describe('Graph’s per-mailbox concurrency limit, through the queue and the connector', () => {
  it('one appointment with 12 resources in one mailbox: at most 4 requests in flight, none refused', async () => {
    const room = mailbox('shared');
    suite.sandbox.latency(room, LATENCY_MS);
    const resources = Array.from({ length: 12 }, (_, i) => ({ id: `R-${i + 1}`, mailbox: room }));
    const change = upsert(appointmentId(), 1, resources);
    await suite.harness.send(change);
    const row = await suite.harness.waitForTransaction(change.changeId);

    expect(row).toMatchObject({ status: 'Success', attempts: 1 });
    expect(row.resources.map((r) => [r.resourceId, r.action, r.status])).toEqual(
      resources.map((r) => [r.id, 'create', 'Success']),
    );
    expect(seenBy(room)).toEqual({ peakInFlight: 4, statuses: Array(12).fill(201) });
    expect(suite.harness.sandbox.graph.counters.throttled('mailboxConcurrency')).toBe(0);
    expect(suite.sandbox.events(room)).toHaveLength(12);
  });

  it('10 appointments for one mailbox at once: at most 4 requests in flight, none refused', async () => {
    const room = mailbox('busy');
    suite.sandbox.latency(room, LATENCY_MS);
    const changes = Array.from({ length: 10 }, () =>
      upsert(appointmentId(), 1, [{ id: 'R-1', mailbox: room }]),
    );
    await suite.harness.send(...changes);
    for (const change of changes) {
      const row = await suite.harness.waitForTransaction(change.changeId);
      expect(row).toMatchObject({ status: 'Success', attempts: 1 });
    }

    const seen = seenBy(room);
    expect(seen.peakInFlight).toBeLessThanOrEqual(4);
    expect(seen.statuses).toEqual(Array(10).fill(201));
    expect(suite.harness.sandbox.graph.counters.throttled('mailboxConcurrency')).toBe(0);
    expect(suite.sandbox.events(room)).toHaveLength(10);
  });
});
