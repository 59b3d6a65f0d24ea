import { describe, expect, it } from 'vitest';
import { transactionIdFor } from '../../shared/domain/ids';
import { appointment, core, MINUTE, room } from '../support/coreScenario';
import { graphAnswers } from '../support/inMemoryPorts';

const R1 = room('R1');
const R2 = room('R2');
const TX_A1 = transactionIdFor('A-1-v1');
const TX_A2 = transactionIdFor('A-2-v1');

/** Two failed appointments, as anyone with Send on the queue finds them on the Errors page. */
async function twoFailures() {
  const c = core();
  c.exchange.fail(R1.mailbox, graphAnswers.unavailable, { times: 1 });
  c.exchange.fail(R2.mailbox, graphAnswers.unavailable, { times: 1 });
  await c.processor.process(appointment('A-1', 1, [R1]));
  await c.processor.process(appointment('A-2', 1, [R2]));
  c.clock.advance(5 * MINUTE);
  const before = [await c.transactions.getTransaction(TX_A1), await c.transactions.getTransaction(TX_A2)];
  return { c, before };
}

describe('forged replays', () => {
  it('a replay naming another appointment is refused with a row (DSEX051) and changes nothing', async () => {
    const { c, before } = await twoFailures();
    const forged = {
      kind: 'replay',
      appointmentId: 'A-2',
      transactionIds: [TX_A1, TX_A2],
      reason: 'retry pass',
    };
    const calls = c.exchange.calls.length;
    const row = await c.processor.process(forged, { messageId: 'forged-1' });

    expect([row?.status, row?.code, row?.appointmentId]).toEqual(['InvalidChangeMessage', 'DSEX051', 'A-2']);
    expect(row?.message).toContain('2 of the 2 transactions it lists');
    expect(row?.rawBody).toContain(TX_A1);
    expect([await c.transactions.getTransaction(TX_A1), await c.transactions.getTransaction(TX_A2)]).toEqual(
      before,
    );
    expect(c.exchange.calls).toHaveLength(calls);
  });

  it('a replay of the right appointment without the connector’s claim is refused as well', async () => {
    const { c, before } = await twoFailures();
    const forged = { kind: 'replay', appointmentId: 'A-1', transactionIds: [TX_A1], reason: 'manual' };
    const withId = await c.processor.process(forged, { messageId: `replay:${TX_A1}:1` });
    const withoutId = await c.processor.process(forged);
    expect([withId?.code, withoutId?.code]).toEqual(['DSEX051', 'DSEX051']);
    expect(await c.transactions.getTransaction(TX_A1)).toEqual(before[0]);
  });

  it('a replay listing 5,000 transactions is refused before any table read', async () => {
    const { c, before } = await twoFailures();
    const ids = [TX_A1, ...Array.from({ length: 4_999 }, (_, i) => `tx-${i}`)];
    const listPending = c.transactions.listPending.bind(c.transactions);
    let reads = 0;
    c.transactions.listPending = (appointmentId) => {
      reads++;
      return listPending(appointmentId);
    };
    const row = await c.processor.process(
      { kind: 'replay', appointmentId: 'A-1', transactionIds: ids, reason: 'retry pass' },
      { messageId: 'forged-2' },
    );
    expect(row?.code).toBe('DSEX051');
    expect(row?.message).toContain('lists 5000 transactions, more than the 50');
    expect(reads).toBe(0);
    expect(await c.transactions.getTransaction(TX_A1)).toEqual(before[0]);
  });

  it('the retry pass’s own replays are honoured, and it splits an appointment’s rows into lists of 50', async () => {
    const c = core();
    c.exchange.fail(R1.mailbox, graphAnswers.unavailable, { times: 120 });
    for (let version = 1; version <= 120; version++)
      await c.processor.process(appointment('A-1', version, [R1]));
    c.clock.advance(10 * MINUTE);
    const report = await c.retryPass.run();
    const sent = c.sender.accepted.map((m) => m.body.transactionIds.length);
    expect([report.replayed, sent]).toEqual([120, [50, 50, 20]]);
    const rows = await c.deliverReplays();
    expect(rows.map((row) => row?.code)).not.toContain('DSEX051');
  });
});
