import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeProcessor } from '../../shared/domain/changeProcessor';
import { HISTORY_ROWS } from '../../shared/http/page/historySection';
import { remove, upsert } from '../support/changes';
import { type Harness, startHarness } from '../support/harness';

/*
 * The table budget of issue 16 with the appointment history of issue 18 in it: a first sync, an
 * update and a delete of one resource cost 3 table operations each on Azurite (the history entry
 * rides in the appointment's write), and the history lists all three.
 */

const quiet = { info: () => {}, error: () => {} };
let harness: Harness;
let processor: ChangeProcessor;

beforeAll(async () => {
  harness = await startHarness({ runQueue: false });
  processor = harness.connector().processor(quiet);
}, 60_000);

afterAll(async () => {
  await harness?.stop();
});

/** The table operations one change costs, and its row. */
async function cost(body: unknown) {
  const stores = harness.connector().stores;
  const before = stores.operationCount();
  const row = await processor.process(body);
  return { operations: stores.operationCount() - before, status: row?.status };
}

describe('table operations per change', () => {
  it('first sync, update and delete: 3 each, every row in the history', async () => {
    const resource = {
      id: `R-${randomUUID().slice(0, 8)}`,
      mailbox: `room-${randomUUID().slice(0, 8)}@${harness.sandbox.tenant.domain}`,
    };
    // Warm: every table created, the resource's state cached, a token held.
    expect((await cost(upsert(`A-warm-${randomUUID()}`, 1, [resource]))).status).toBe('Success');
    const appointmentId = `A-${randomUUID().slice(0, 8)}`;
    const changes = [
      upsert(appointmentId, 1, [resource]),
      upsert(appointmentId, 2, [resource]),
      remove(appointmentId, 3),
    ];
    const costs = [];
    for (const change of changes) costs.push(await cost(change));
    expect(costs).toEqual([
      { operations: 3, status: 'Success' },
      { operations: 3, status: 'Success' },
      { operations: 3, status: 'Success' },
    ]);
    const { rows, more } = await harness.connector().stores.history.listHistory(appointmentId, HISTORY_ROWS);
    expect(more).toBe(false);
    expect(rows.map((row) => [row.operation, row.status])).toEqual([
      ['upsert', 'Success'],
      ['upsert', 'Success'],
      ['delete', 'Success'],
    ]);
  });
});
