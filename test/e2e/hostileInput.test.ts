import { describe, expect, it } from 'vitest';
import { upsert } from '../support/changes';
import { useE2eSuite } from '../support/e2eSuite';
import { QUEUE } from '../support/harness';

const suite = useE2eSuite();
const { mailbox, appointmentId } = suite;

/**
 * Sends one invalid change through the queue (its message id is its changeId, so its row is that of
 * `message:<changeId>`) and waits for the row: it must end recorded, not dead-lettered.
 */
async function recordedThroughTheQueue(change: ReturnType<typeof upsert>) {
  await suite.harness.send(change);
  const row = await suite.harness.waitForTransaction(`message:${change.changeId}`, () => true, 20_000);
  expect(suite.harness.serviceBus.stats(QUEUE).deadLettered).toBe(0);
  return row;
}

describe('hostile ids and sizes through the queue: a row, never a dead letter', () => {
  it('an appointment id with a lone surrogate is recorded as DSEX050', async () => {
    const row = await recordedThroughTheQueue(
      upsert(`A-\ud800-${appointmentId()}`, 1, [{ id: 'R-1', mailbox: mailbox('room') }]),
    );
    expect([row.code, row.message]).toEqual([
      'DSEX050',
      '[DSEX050] Invalid change message: appointmentId is not well-formed UTF-16 (a lone surrogate at position 2).',
    ]);
  });

  it('an appointment id of 200 × "€" (1,800 bytes as a key) is recorded as DSEX050', async () => {
    const row = await recordedThroughTheQueue(
      upsert('€'.repeat(200), 1, [{ id: 'R-1', mailbox: mailbox('room') }]),
    );
    expect(row.code).toBe('DSEX050');
    expect(row.message).toContain(
      'appointmentId is 1800 characters once encoded for a storage key; at most 484',
    );
  });

  it('a 245 KB message with 500 resources is recorded as DSEX050 naming the cap, without a Graph call', async () => {
    const room = mailbox('room');
    const resources = Array.from({ length: 500 }, (_, i) => ({
      id: `R-${i}-${'x'.repeat(180)}`,
      name: `Room ${i} ${'n'.repeat(200)}`,
      mailbox: room,
    }));
    const change = upsert(appointmentId(), 1, resources);
    expect(JSON.stringify(change).length).toBeGreaterThan(240_000);
    const row = await recordedThroughTheQueue(change);
    expect(row.code).toBe('DSEX050');
    expect(row.message).toContain('appointment.resources has 500 entries; at most 100 are allowed');
    expect(suite.sandbox.requestsTo(room)).toBe(0);
  });
});
